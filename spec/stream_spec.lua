-- One-to-one sockets (type = "stream"): listen(backlog), accept([timeout]),
-- connect, send/recv, eof, abort and close; and a one-to-one client talking
-- to a one-to-many server (OTP's basic_stream and xfer_stream_min).

local H = require "helper"
local sctp = require "sctp"

local DATA = "The quick brown fox jumps over a lazy dog 0123456789"

-- A listening one-to-one socket on 127.0.0.1.
local function listener(opts, backlog)
  local o = H.copy(opts)
  o.type = "stream"
  if o.ip == nil then o.ip = H.LOCAL end
  local l = H.open(0, o)
  H.must(l:listen(backlog or 5))
  return l
end

-- A one-to-one client socket on 127.0.0.1 (not connected).
local function stream_client(opts)
  local o = H.copy(opts)
  o.type = "stream"
  if o.ip == nil then o.ip = H.LOCAL end
  return H.open(0, o)
end

-- listener, client, accepted socket, client's assoc, accepted side's comm_up
local function stream_pair(lopts, copts)
  local l = listener(lopts)
  local c = stream_client(copts)
  local assoc = H.must(c:connect(H.LOCAL, H.port_of(l), nil, H.TIMEOUT))
  local conn = H.track(l:accept(H.TIMEOUT))
  local up = H.expect_event(conn, "assoc_change", "comm_up")
  return l, c, conn, assoc, up
end

describe("one-to-one sockets", function()
  after_each(H.cleanup)

  describe("listen", function()
    it("takes a backlog number or true, also twice (OTP basic_stream)", function()
      local s = H.open(0, { type = "stream" })
      assert.equal(true, s:listen(true))
      assert.equal(true, s:listen(10))
      assert.equal(true, s:close())
    end)

    it("returns nil, \"closed\" on a closed socket", function()
      local s = H.open(0, { type = "stream" })
      s:close()
      H.fails("closed", false, s:listen(5))
    end)

    it("raises for a flag that is neither boolean nor a backlog", function()
      local s = H.open(0, { type = "stream" })
      H.raises(function() s:listen("yes") end, "listen", "flag", "backlog")
    end)
  end)

  describe("accept", function()
    it("with a timeout gives nil, \"timeout\" when nobody connects, after about that time", function()
      local l = listener()
      local t0 = H.now()
      H.fails("timeout", false, l:accept(300))
      local waited = H.now() - t0
      assert.is_true(waited >= 0.25, "returned after " .. waited .. " s")
      assert.is_true(waited < 3, "returned after " .. waited .. " s")
    end)

    it("with timeout 0 does not wait", function()
      local l = listener()
      local t0 = H.now()
      H.fails("timeout", false, l:accept(0))
      assert.is_true(H.now() - t0 < 1)
    end)

    it("returns a new connected one-to-one socket", function()
      local l = listener()
      local c = stream_client()
      local assoc = H.must(c:connect(H.LOCAL, H.port_of(l), nil, H.TIMEOUT))
      local conn = H.track(l:accept(H.TIMEOUT))
      assert.equal("userdata", type(conn))
      assert.are_not.equal(l, conn)
      -- its names are the client's, the other way round
      assert.same(H.must(c:socknames()), H.must(conn:peernames()))
      assert.same(H.must(c:peernames()), H.must(conn:socknames()))
      assert.same({ { H.LOCAL, H.port_of(l) } }, H.must(conn:socknames()))
      assert.same({ { H.LOCAL, H.port_of(c) } }, H.must(conn:peernames()))
      -- the listening socket itself has no peer
      assert.is_nil((l:peernames()))
    end)

    it("gives the accepted socket the comm_up event as its first message", function()
      local l, c, conn, assoc, up = stream_pair()
      assert.equal("assoc_change", up.event)
      assert.equal("comm_up", up.state)
      assert.equal(0, up.error)
      assert.is_true(up.assoc_id > 0)
      assert.equal(assoc.outbound_streams, up.inbound_streams)
      assert.equal(assoc.inbound_streams, up.outbound_streams)
    end)

    it("waits for an association that is still being set up", function()
      local l = listener()
      local c = stream_client()
      assert.equal(true, c:connect_init(H.LOCAL, H.port_of(l)))
      local conn = H.track(l:accept(H.TIMEOUT))
      H.expect_event(conn, "assoc_change", "comm_up")
      local up = H.expect_event(c, "assoc_change", "comm_up")
      assert.is_true(up.assoc_id > 0)
    end)

    it("keeps the socket listening: a second client is accepted too", function()
      local l = listener()
      local c1, c2 = stream_client(), stream_client()
      H.must(c1:connect(H.LOCAL, H.port_of(l), nil, H.TIMEOUT))
      H.must(c2:connect(H.LOCAL, H.port_of(l), nil, H.TIMEOUT))
      local a1 = H.track(l:accept(H.TIMEOUT))
      local a2 = H.track(l:accept(H.TIMEOUT))
      local ports = { H.must(a1:peernames())[1][2], H.must(a2:peernames())[1][2] }
      table.sort(ports)
      local want = { H.port_of(c1), H.port_of(c2) }
      table.sort(want)
      assert.same(want, ports)
      H.fails("timeout", false, l:accept(100))
    end)

    it("gives the accepted socket the listening socket's mode", function()
      local l, c, conn = stream_pair({ mode = "list" })
      assert.equal("list", H.must(conn:getopts { "mode" }).mode)
      H.must(c:send(0, 0, "AB"))
      local _, _, _, data = H.expect_data(conn)
      assert.same({ 65, 66 }, data)
    end)

    it("fails (without waiting) on a socket that does not listen", function()
      local s = stream_client()
      local t0 = H.now()
      H.fails("einval", true, s:accept(2000))
      assert.is_true(H.now() - t0 < 1)
    end)

    it("fails on a one-to-many socket", function()
      local s = H.server()
      H.fails("enotsup", true, s:accept(100))
    end)

    it("returns nil, \"closed\" on a closed socket", function()
      local l = listener()
      l:close()
      H.fails("closed", false, l:accept(100))
    end)

    it("raises for a bad timeout", function()
      local l = listener()
      H.raises(function() l:accept("soon") end, "accept", "timeout")
      H.raises(function() l:accept(-1) end, "accept", "timeout")
    end)
  end)

  describe("connect", function()
    it("returns the comm_up assoc_change table", function()
      local l = listener()
      local c = stream_client()
      local assoc = H.must(c:connect(H.LOCAL, H.port_of(l), nil, H.TIMEOUT))
      assert.equal("assoc_change", assoc.event)
      assert.equal("comm_up", assoc.state)
      assert.equal(0, assoc.error)
      assert.is_true(assoc.assoc_id > 0)
      assert.is_true(assoc.outbound_streams > 0)
      assert.is_true(assoc.inbound_streams > 0)
      -- and consumes it: nothing more to receive
      local none, err = H.next_msg(c, 200)
      assert.is_nil(none)
      assert.equal("timeout", err)
    end)

    it("fails with econnrefused when nobody listens", function()
      local c = stream_client()
      H.fails("econnrefused", true, c:connect(H.LOCAL, H.free_port(), nil, H.TIMEOUT))
    end)

    it("makes peernames and socknames of the association match the other side", function()
      local l, c, conn, assoc, up = stream_pair()
      assert.same(H.must(c:peernames()), H.must(c:peernames(assoc)))
      assert.same(H.must(c:socknames()), H.must(c:socknames(assoc)))
      assert.same(H.must(conn:socknames(up.assoc_id)), H.must(c:peernames(assoc)))
      assert.same(H.must(conn:peernames(up.assoc_id)), H.must(c:socknames(assoc)))
    end)
  end)

  describe("send and recv", function()
    it("carry messages both ways, with stream and ppid", function()
      local l, c, conn, assoc, up = stream_pair()
      H.must(c:send(0, 1, "by assoc 0"))
      H.must(c:send({ stream = 2, ppid = 0x01020304 }, "by sndrcvinfo"))
      H.must(c:send(assoc, 3, { "gathered ", "in ", "parts" }))

      local ip, port, anc, data = H.expect_data(conn)
      assert.equal(H.LOCAL, ip)
      assert.equal(H.port_of(c), port)
      assert.equal("by assoc 0", data)
      assert.equal(1, H.info(anc).stream)
      assert.equal(up.assoc_id, H.info(anc).assoc_id)

      ip, port, anc, data = H.expect_data(conn)
      assert.equal("by sndrcvinfo", data)
      assert.equal(2, H.info(anc).stream)
      assert.equal(0x01020304, H.info(anc).ppid)

      _, _, anc, data = H.expect_data(conn)
      assert.equal("gathered in parts", data)
      assert.equal(3, H.info(anc).stream)

      H.must(conn:send(up.assoc_id, 4, "and back"))
      ip, port, anc, data = H.expect_data(c)
      assert.equal(H.LOCAL, ip)
      assert.equal(H.port_of(l), port)
      assert.equal("and back", data)
      assert.equal(4, H.info(anc).stream)
      assert.equal(assoc.assoc_id, H.info(anc).assoc_id)
    end)

    it("keeps message boundaries and order for many messages", function()
      local l, c, conn = stream_pair()
      for i = 1, 50 do H.must(c:send(0, 0, string.rep(string.char(64 + i % 26), i))) end
      for i = 1, 50 do
        local _, _, _, data = H.expect_data(conn)
        assert.equal(string.rep(string.char(64 + i % 26), i), data)
      end
    end)

    it("moves a message larger than the receive chunk whole", function()
      local l, c, conn = stream_pair()
      local big = string.rep("0123456789abcdef", 20000) -- 320 000 bytes
      H.must(c:setopts { sndbuf = 1024 * 1024 })
      H.must(c:send(0, 0, big))
      local _, _, _, data = H.expect_data(conn, 3 * H.TIMEOUT)
      assert.equal(#big, #data)
      assert.is_true(data == big)
    end)
  end)

  describe("eof", function()
    it("shuts down: the peer gets shutdown_event, shutdown_comp, then nil, \"closed\"", function()
      local l, c, conn, assoc, up = stream_pair()
      H.must(c:send(0, 0, "last words"))
      assert.equal(true, c:eof())
      local _, _, _, data = H.next_msg(conn)
      assert.equal("last words", data)
      local ev = H.expect_event(conn, "shutdown_event")
      assert.equal(up.assoc_id, ev.assoc_id)
      ev = H.expect_event(conn, "assoc_change", "shutdown_comp")
      assert.equal(up.assoc_id, ev.assoc_id)
      H.fails("closed", false, conn:recv(H.TIMEOUT))
      -- the side that called eof gets shutdown_comp too
      ev = H.expect_event(c, "assoc_change", "shutdown_comp")
      assert.equal(assoc.assoc_id, ev.assoc_id)
    end)

    it("accepts the assoc as argument", function()
      local l, c, conn, assoc, up = stream_pair()
      assert.equal(true, c:eof(assoc))
      H.expect_event(conn, "shutdown_event")
      H.expect_event(conn, "assoc_change", "shutdown_comp")
    end)

    it("works from the accepting side too", function()
      local l, c, conn, assoc, up = stream_pair()
      assert.equal(true, conn:eof())
      local ev = H.expect_event(c, "shutdown_event")
      assert.equal(assoc.assoc_id, ev.assoc_id)
      H.expect_event(c, "assoc_change", "shutdown_comp")
      H.fails("closed", false, c:recv(H.TIMEOUT))
    end)

    it("leaves the socket open but unable to send", function()
      local l, c, conn = stream_pair()
      assert.equal(true, c:eof())
      H.expect_event(c, "assoc_change", "shutdown_comp")
      H.fails("epipe", true, c:send(0, 0, "too late"))
    end)
  end)

  describe("close", function()
    it("shuts the association down gracefully", function()
      local l, c, conn, assoc, up = stream_pair()
      H.must(c:send(0, 0, "before close"))
      assert.equal(true, c:close())
      local _, _, _, data = H.next_msg(conn)
      assert.equal("before close", data)
      local ev = H.expect_event(conn, "shutdown_event")
      assert.equal(up.assoc_id, ev.assoc_id)
      H.expect_event(conn, "assoc_change", "shutdown_comp")
      H.fails("closed", false, conn:recv(H.TIMEOUT))
      -- operations on the closed socket; eof and abort first (they need no
      -- assoc on a one-to-one socket, closed or not: found by the randomised
      -- spec, they raised for want of one until another call came first)
      H.fails("closed", false, c:eof())
      H.fails("closed", false, c:abort())
      H.fails("closed", false, c:abort(nil, "reason"))
      H.fails("closed", false, c:send(0, 0, "x"))
      H.fails("closed", false, c:recv(0))
      assert.equal(true, c:close())
    end)

    it("of the listening socket leaves accepted sockets working", function()
      local l, c, conn = stream_pair()
      l:close()
      H.must(c:send(0, 0, "still here"))
      local _, _, _, data = H.expect_data(conn)
      assert.equal("still here", data)
    end)
  end)

  describe("abort", function()
    it("ends the association: the peer sees comm_lost, the socket is closed", function()
      local l, c, conn, assoc, up = stream_pair()
      assert.equal(true, c:abort())
      local ev = H.expect_event(conn, "assoc_change", "comm_lost")
      assert.equal(up.assoc_id, ev.assoc_id)
      H.fails("econnreset", false, conn:recv(H.TIMEOUT))
      H.fails("closed", false, c:abort())
      H.fails("closed", false, c:eof())
      H.fails("closed", false, c:send(0, 0, "x"))
      H.fails("closed", false, c:recv(0))
    end)
  end)
end)

describe("one-to-one client, one-to-many server (OTP xfer_stream_min)", function()
  after_each(H.cleanup)

  it("transfers data both ways and shuts down on close", function()
    local sb = H.server()
    local pb = H.port_of(sb)
    local sa = stream_client()
    local pa = H.port_of(sa)

    local assoc = H.must(sa:connect(H.LOCAL, pb, nil, H.TIMEOUT))
    assert.equal("comm_up", assoc.state)
    assert.equal(0, assoc.error)
    -- the path to the server is known and active, under the same assoc_id
    local info = H.must(sa:getopts { sctp_get_peer_addr_info =
      { address = { H.LOCAL, pb } } }).sctp_get_peer_addr_info
    assert.equal("active", info.state)
    assert.equal(assoc.assoc_id, info.assoc_id)
    assert.same({ H.LOCAL, pb }, info.address)

    local up, ip, port = H.expect_event(sb, "assoc_change", "comm_up")
    assert.equal(H.LOCAL, ip)
    assert.equal(pa, port)
    assert.equal(0, up.error)
    assert.equal(assoc.outbound_streams, up.inbound_streams)
    assert.equal(assoc.inbound_streams, up.outbound_streams)
    local sbid = up.assoc_id

    H.must(sa:send(assoc.assoc_id, 0, DATA))
    local anc, data
    ip, port, anc, data = H.expect_data(sb)
    assert.equal(H.LOCAL, ip)
    assert.equal(pa, port)
    assert.equal(DATA, data)
    assert.equal(0, H.info(anc).stream)
    assert.equal(sbid, H.info(anc).assoc_id)

    H.must(sb:send(sbid, 0, DATA))
    ip, port, anc, data = H.expect_data(sa)
    assert.equal(H.LOCAL, ip)
    assert.equal(pb, port)
    assert.equal(DATA, data)
    assert.equal(0, H.info(anc).stream)
    assert.equal(assoc.assoc_id, H.info(anc).assoc_id)

    assert.equal(true, sa:close())
    local ev
    ev, ip, port = H.expect_event(sb, "shutdown_event")
    assert.equal(sbid, ev.assoc_id)
    assert.equal(H.LOCAL, ip)
    assert.equal(pa, port)
    ev = H.expect_event(sb, "assoc_change", "shutdown_comp")
    assert.equal(sbid, ev.assoc_id)
    assert.equal(0, ev.error)
    -- nothing else is left for the server
    local none, err = H.next_msg(sb, 200)
    assert.is_nil(none)
    assert.equal("timeout", err)
  end)
end)

describe("one-to-one socket names", function()
  after_each(H.cleanup)

  it("agree on both sides for a multi-homed one-to-one association", function()
    local l = listener({ ip = { "127.0.0.1", "127.0.0.2" } })
    local c = stream_client({ ip = { "127.0.0.1", "127.0.0.2" } })
    local assoc = H.must(c:connect("127.0.0.2", H.port_of(l), nil, H.TIMEOUT))
    local conn = H.track(l:accept(H.TIMEOUT))
    H.expect_event(conn, "assoc_change", "comm_up")
    local lport, cport = H.port_of(l), H.port_of(c)
    local want_c = { { "127.0.0.1", cport }, { "127.0.0.2", cport } }
    local want_l = { { "127.0.0.1", lport }, { "127.0.0.2", lport } }
    assert.same(want_c, H.sorted(H.must(c:socknames())))
    assert.same(want_l, H.sorted(H.must(c:peernames())))
    assert.same(want_l, H.sorted(H.must(conn:socknames())))
    assert.same(want_c, H.sorted(H.must(conn:peernames())))
    assert.same(H.sorted(H.must(c:peernames(assoc))), H.sorted(H.must(conn:socknames())))
  end)
end)
