-- sock:peeloff(assoc): one association of a one-to-many socket branched off
-- into its own one-to-one socket (OTP's peeloff_active_once & co, and the
-- peeloff part of names_*).

local H = require "helper"
local sctp = require "sctp"

-- true when every element of `small` (an {ip, port} list) is in `big`
local function subset(small, big)
  for _, a in ipairs(small) do
    local found = false
    for _, b in ipairs(big) do
      if a[1] == b[1] and a[2] == b[2] then found = true end
    end
    if not found then return false end
  end
  return true
end

local function no_more(sock, ms)
  local none, err = H.next_msg(sock, ms or 200)
  assert.is_nil(none, "unexpected message")
  assert.equal("timeout", err)
end

describe("sock:peeloff", function()
  after_each(H.cleanup)

  it("returns a one-to-one socket that carries the association (OTP peeloff)", function()
    local addr, stream = H.LOCAL, 0
    local s1 = H.server()
    local p1 = H.port_of(s1)
    local s2 = H.client()
    local p2 = H.port_of(s2)

    assert.equal(true, s2:connect_init(addr, p1))
    local up2, ip, port = H.expect_event(s2, "assoc_change", "comm_up")
    assert.equal(addr, ip)
    assert.equal(p1, port)
    local s2ai = up2.assoc_id
    local up1
    up1, ip, port = H.expect_event(s1, "assoc_change", "comm_up")
    assert.equal(addr, ip)
    assert.equal(p2, port)
    local s1ai = up1.assoc_id

    H.must(s2:send(s2ai, stream, "Number one"))
    local anc, data
    ip, port, anc, data = H.expect_data(s1)
    assert.same({ addr, p2, s1ai, stream, "Number one" },
      { ip, port, H.info(anc).assoc_id, H.info(anc).stream, data })
    H.must(s1:send(s1ai, stream, "Number two"))
    ip, port, anc, data = H.expect_data(s2)
    assert.same({ addr, p1, s2ai, stream, "Number two" },
      { ip, port, H.info(anc).assoc_id, H.info(anc).stream, data })

    local s3 = H.track(s1:peeloff(s1ai))
    assert.equal("userdata", type(s3))
    -- the peeled-off socket has the parent's port (or reports 0)
    local p3 = H.port_of(s3)
    if p3 == 0 then p3 = p1 end
    assert.equal(p1, p3)
    -- and the association, active
    local info = H.must(s3:getopts { sctp_get_peer_addr_info =
      { address = { addr, p2 } } }).sctp_get_peer_addr_info
    assert.equal("active", info.state)
    local s3ai = info.assoc_id

    H.must(s3:send(s3ai, stream, "Number three"))
    ip, port, anc, data = H.expect_data(s2)
    assert.same({ addr, p3, s2ai, stream, "Number three" },
      { ip, port, H.info(anc).assoc_id, H.info(anc).stream, data })
    H.must(s2:send(s2ai, stream, "Number four"))
    ip, port, anc, data = H.expect_data(s3)
    assert.same({ addr, p2, s3ai, stream, "Number four" },
      { ip, port, H.info(anc).assoc_id, H.info(anc).stream, data })

    -- the parent no longer sees that association
    no_more(s1)

    -- closing the parent leaves the peeled-off association alone; closing
    -- the other end shuts it down
    s1:close()
    s2:close()
    local ev
    ev, ip, port = H.expect_event(s3, "shutdown_event")
    assert.equal(s3ai, ev.assoc_id)
    assert.equal(addr, ip)
    assert.equal(p2, port)
    ev = H.expect_event(s3, "assoc_change", "shutdown_comp")
    assert.equal(s3ai, ev.assoc_id)
    -- and then nothing more
    local none, err = H.next_msg(s3, 200)
    assert.is_nil(none)
    assert.is_true(err == "timeout" or err == "closed", tostring(err))
  end)

  it("gives a socket that, like an accepted one, reports nil, \"closed\" once its association is shut down", function()
    local server, client, assoc, sid = H.pair()
    local s3 = H.track(server:peeloff(sid))
    assert.equal(true, client:eof(assoc))
    H.expect_event(s3, "shutdown_event")
    H.expect_event(s3, "assoc_change", "shutdown_comp")
    H.fails("closed", false, s3:recv(1000))
  end)

  it("accepts the assoc table as well as the integer id", function()
    local server, client, assoc, sid, up = H.pair()
    local s3 = H.track(server:peeloff(up))
    H.must(client:send(assoc, 0, "to the table"))
    local _, _, _, data = H.expect_data(s3)
    assert.equal("to the table", data)
  end)

  it("lets send(0, stream, data) and send({stream = ...}, data) reach the peer", function()
    local server, client, assoc, sid = H.pair()
    local s3 = H.track(server:peeloff(sid))
    H.must(s3:send(0, 1, "assoc 0"))
    H.must(s3:send({ stream = 2, ppid = 42 }, "sndrcvinfo"))
    local _, _, anc, data = H.expect_data(client)
    assert.equal("assoc 0", data)
    assert.equal(1, H.info(anc).stream)
    assert.equal(assoc.assoc_id, H.info(anc).assoc_id)
    _, _, anc, data = H.expect_data(client)
    assert.equal("sndrcvinfo", data)
    assert.equal(2, H.info(anc).stream)
    assert.equal(42, H.info(anc).ppid)
  end)

  it("leaves the parent serving other associations and accepting new ones", function()
    local server = H.server()
    local port = H.port_of(server)
    local c1, c2 = H.client(), H.client()
    local a1 = H.must(c1:connect(H.LOCAL, port, nil, H.TIMEOUT))
    local id1 = H.expect_event(server, "assoc_change", "comm_up").assoc_id
    local a2 = H.must(c2:connect(H.LOCAL, port, nil, H.TIMEOUT))
    local id2 = H.expect_event(server, "assoc_change", "comm_up").assoc_id
    local s3 = H.track(server:peeloff(id1))

    H.must(c1:send(a1, 0, "from c1"))
    H.must(c2:send(a2, 0, "from c2"))
    local _, _, anc, data = H.expect_data(s3)
    assert.equal("from c1", data)
    _, _, anc, data = H.expect_data(server)
    assert.equal("from c2", data)
    assert.equal(id2, H.info(anc).assoc_id)

    local c3 = H.client()
    local a3 = H.must(c3:connect(H.LOCAL, port, nil, H.TIMEOUT))
    H.expect_event(server, "assoc_change", "comm_up")
    H.must(c3:send(a3, 0, "from c3"))
    _, _, _, data = H.expect_data(server)
    assert.equal("from c3", data)
    no_more(s3)
  end)

  it("inherits the Lua-level options: mode, buffer, non_block_send", function()
    local server, client, assoc, sid = H.pair({ mode = "list", buffer = 4096, non_block_send = true })
    local s3 = H.track(server:peeloff(sid))
    local o = H.must(s3:getopts { "mode", "buffer", "non_block_send" })
    assert.same({ mode = "list", buffer = 4096, non_block_send = true }, o)
    H.must(client:send(assoc, 0, "hi"))
    local _, _, _, data = H.expect_data(s3)
    assert.same({ 104, 105 }, data)
  end)

  it("inherits the kernel options", function()
    local server, client, assoc, sid = H.pair({
      sctp_nodelay = true,
      sctp_disable_fragments = true,
      sndbuf = 150000,
      sctp_events = { data_io_event = false },
    })
    local want = H.must(server:getopts { "sctp_nodelay", "sctp_disable_fragments", "sndbuf", "sctp_events" })
    local s3 = H.track(server:peeloff(sid))
    local got = H.must(s3:getopts { "sctp_nodelay", "sctp_disable_fragments", "sndbuf", "sctp_events" })
    assert.same(want, got)
    assert.equal(true, got.sctp_nodelay)
    assert.equal(false, got.sctp_events.data_io_event)
    -- data_io_event off: no sndrcvinfo with the data
    H.must(client:send(assoc, 0, "no info"))
    local _, _, anc, data = H.expect_data(s3)
    assert.equal("no info", data)
    assert.same({}, anc)
  end)

  it("keeps options set on the peeled-off socket apart from the parent's", function()
    local server, client, assoc, sid = H.pair()
    local s3 = H.track(server:peeloff(sid))
    H.must(s3:setopts { mode = "list" })
    assert.equal("binary", H.must(server:getopts { "mode" }).mode)
    assert.equal("list", H.must(s3:getopts { "mode" }).mode)
  end)

  it("keeps socknames and peernames in agreement with the peer, before and after", function()
    local server, client, assoc, sid = H.pair()
    local before = {
      server_sock = H.sorted(H.must(server:socknames(sid))),
      server_peer = H.sorted(H.must(server:peernames(sid))),
    }
    assert.same(H.sorted(H.must(client:peernames(assoc))), before.server_sock)
    assert.same(H.sorted(H.must(client:socknames(assoc))), before.server_peer)

    local s3 = H.track(server:peeloff(sid))
    assert.same(before.server_sock, H.sorted(H.must(s3:socknames(sid))))
    assert.same(before.server_peer, H.sorted(H.must(s3:peernames(sid))))
    -- a one-to-one socket answers without the assoc, too
    assert.is_true(subset(H.must(s3:socknames()), before.server_sock))
    assert.same(before.server_peer, H.sorted(H.must(s3:peernames())))
    -- and the client's view has not changed
    assert.same(before.server_sock, H.sorted(H.must(client:peernames(assoc))))
    assert.same(before.server_peer, H.sorted(H.must(client:socknames(assoc))))
  end)

  it("gives a socket whose eof shuts the association down", function()
    local server, client, assoc, sid = H.pair()
    local s3 = H.track(server:peeloff(sid))
    assert.equal(true, s3:eof())
    local ev = H.expect_event(client, "shutdown_event")
    assert.equal(assoc.assoc_id, ev.assoc_id)
    ev = H.expect_event(client, "assoc_change", "shutdown_comp")
    assert.equal(assoc.assoc_id, ev.assoc_id)
    H.expect_event(s3, "assoc_change", "shutdown_comp")
  end)

  it("gives a socket whose abort ends the association (comm_lost at the peer)", function()
    local server, client, assoc, sid = H.pair()
    local s3 = H.track(server:peeloff(sid))
    assert.equal(true, s3:abort())
    local ev = H.expect_event(client, "assoc_change", "comm_lost")
    assert.equal(assoc.assoc_id, ev.assoc_id)
  end)

  it("gives a socket whose close shuts the association down gracefully", function()
    local server, client, assoc, sid = H.pair()
    local s3 = H.track(server:peeloff(sid))
    assert.equal(true, s3:close())
    H.expect_event(client, "shutdown_event")
    H.expect_event(client, "assoc_change", "shutdown_comp")
    -- the parent is not affected
    local c2 = H.client()
    H.must(c2:connect(H.LOCAL, H.port_of(server), nil, H.TIMEOUT))
  end)

  it("fails for an association the socket does not have, also when already peeled off", function()
    local server, client, assoc, sid = H.pair()
    H.fails("einval", true, server:peeloff(sid + 1000))
    H.track(server:peeloff(sid))
    H.fails("einval", true, server:peeloff(sid))
  end)

  it("returns nil, \"closed\" on a closed socket", function()
    local server, client, assoc, sid = H.pair()
    server:close()
    H.fails("closed", false, server:peeloff(sid))
  end)

  it("raises for an assoc that is neither a table nor an integer", function()
    local server = H.server()
    H.raises(function() server:peeloff("one") end, "peeloff", "assoc")
    H.raises(function() server:peeloff() end, "peeloff", "assoc")
  end)

  it("works with sockets in active once mode (OTP peeloff_active_once)", function()
    -- Each socket hands its messages to a handler, one per dispatch while
    -- active = "once" (re-armed after each, as OTP's socket servers do).
    local function active_once(sock)
      local box = { seen = {} }
      H.must(sock:controlling_process(function(s, ip, port, anc, data)
        assert.equal(sock, s)
        if sctp.is_event(data) and (data.event == "passive" or data.event == "paddr_change") then
          return
        end
        box.seen[#box.seen + 1] = { ip = ip, port = port, anc = anc, data = data }
      end))
      H.must(sock:setopts { active = "once" })
      -- the next message (event or data) given to the handler
      function box.next()
        local deadline = H.now() + H.TIMEOUT / 1000
        while #box.seen == 0 do
          assert.is_true(H.now() < deadline, "nothing dispatched within " .. H.TIMEOUT .. " ms")
          H.must(sock:dispatch(H.ms_left(deadline)))
          if #box.seen == 0 or not sock:getopts { "active" }.active then
            H.must(sock:setopts { active = "once" })
          end
        end
        local m = table.remove(box.seen, 1)
        return m.ip, m.port, m.anc, m.data
      end
      return box
    end

    local addr, stream = H.LOCAL, 0
    local s1 = H.server()
    local p1 = H.port_of(s1)
    local s2 = H.client()
    local p2 = H.port_of(s2)
    local b1, b2 = active_once(s1), active_once(s2)

    assert.equal(true, s2:connect_init(addr, p1))
    local ip, port, anc, data = b2.next()
    assert.same({ addr, p1, "assoc_change", "comm_up" }, { ip, port, data.event, data.state })
    local s2ai = data.assoc_id
    ip, port, anc, data = b1.next()
    assert.same({ addr, p2, "assoc_change", "comm_up" }, { ip, port, data.event, data.state })
    local s1ai = data.assoc_id

    H.must(s2:send(s2ai, stream, "Number one"))
    ip, port, anc, data = b1.next()
    assert.same({ addr, p2, s1ai, stream, "Number one" },
      { ip, port, H.info(anc).assoc_id, H.info(anc).stream, data })
    H.must(s1:send(s1ai, stream, "Number two"))
    ip, port, anc, data = b2.next()
    assert.same({ addr, p1, s2ai, stream, "Number two" },
      { ip, port, H.info(anc).assoc_id, H.info(anc).stream, data })

    local s3 = H.track(s1:peeloff(s1ai))
    local b3 = active_once(s3)
    local info = H.must(s3:getopts { sctp_get_peer_addr_info =
      { address = { addr, p2 } } }).sctp_get_peer_addr_info
    assert.equal("active", info.state)
    local s3ai = info.assoc_id

    H.must(s3:send(s3ai, stream, "Number three"))
    ip, port, anc, data = b2.next()
    assert.same({ addr, p1, s2ai, stream, "Number three" },
      { ip, port, H.info(anc).assoc_id, H.info(anc).stream, data })
    H.must(s2:send(s2ai, stream, "Number four"))
    ip, port, anc, data = b3.next()
    assert.same({ addr, p2, s3ai, stream, "Number four" },
      { ip, port, H.info(anc).assoc_id, H.info(anc).stream, data })

    s1:close()
    s2:close()
    ip, port, anc, data = b3.next()
    assert.same({ addr, p2, "shutdown_event", s3ai }, { ip, port, data.event, data.assoc_id })
    ip, port, anc, data = b3.next()
    assert.same({ addr, p2, "assoc_change", "shutdown_comp", s3ai },
      { ip, port, data.event, data.state, data.assoc_id })
  end)
end)
