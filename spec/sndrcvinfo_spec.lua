-- The sndrcvinfo on send: its fields and flags, PR-SCTP policies, the
-- default send parameters (endpoint and association) used by
-- send(assoc, stream, data), and the send errors.

local H = require "helper"
local sctp = require "sctp"

local unpack = table.unpack or unpack

-- The send errors of the seed's list, as err names.
local SEND_ERRORS = { "eagain", "ebadf", "econnreset", "ehostunreach", "emsgsize",
  "enobufs", "enoent", "enotconn", "enotsock", "epipe" }

local function default_send(sock, assoc_id)
  local req
  if assoc_id then
    req = { sctp_default_send_param = { assoc_id = assoc_id } }
  else
    req = { "sctp_default_send_param" }
  end
  return H.must(sock:getopts(req)).sctp_default_send_param
end

describe("sctp_default_send_param", function()
  after_each(H.cleanup)

  -- OTP's gen_sctp_SUITE:def_sndrcvinfo, step by step.
  it("follows OTP's def_sndrcvinfo: endpoint default, association default, explicit sndrcvinfo", function()
    local DATA = "What goes up, must come down."
    local s1 = H.server({ sctp_default_send_param = { ppid = 17 } })
    local p1 = H.port_of(s1)
    local d = default_send(s1)
    assert.equal(17, d.ppid)
    assert.equal(0, d.context)
    assert.equal(0, d.timetolive)
    assert.equal(0, d.assoc_id)

    local s2 = H.client()
    local p2 = H.port_of(s2)
    d = default_send(s2)
    assert.equal(0, d.ppid)
    assert.equal(0, d.context)
    assert.equal(0, d.timetolive)
    assert.equal(0, d.assoc_id)

    local a2 = H.must(s2:connect("127.0.0.1", p1, nil, H.TIMEOUT))
    assert.equal("comm_up", a2.state)
    assert.equal(0, a2.error)
    local up = H.expect_event(s1, "assoc_change", "comm_up")
    local id1, id2 = up.assoc_id, a2.assoc_id

    -- the new association took the endpoint's defaults
    assert.equal(17, default_send(s1).ppid)
    assert.equal(0, default_send(s2).ppid)
    d = default_send(s1, id1)
    assert.equal(17, d.ppid)
    assert.equal(0, d.context)
    assert.equal(0, d.timetolive)
    assert.equal(id1, d.assoc_id)
    d = default_send(s2, id2)
    assert.equal(0, d.ppid)
    assert.equal(id2, d.assoc_id)

    -- 1: send(assoc, stream, data) uses the association's defaults
    H.must(s1:send(id1, 1, "1: " .. DATA))
    local ip, port, anc, data = H.expect_data(s2)
    assert.equal("127.0.0.1", ip)
    assert.equal(p1, port)
    assert.equal("1: " .. DATA, data)
    local info = H.info(anc)
    assert.equal(1, info.stream)
    assert.equal(17, info.ppid)
    assert.equal(0, info.context)
    assert.equal(id2, info.assoc_id)

    -- endpoint default 18 (for future associations), association default 19
    assert.equal(true, s1:setopts({ sctp_default_send_param = { ppid = 18 } }))
    assert.equal(true, s1:setopts({ sctp_default_send_param = { ppid = 19, assoc_id = id1 } }))
    d = default_send(s1)
    assert.equal(18, d.ppid)
    assert.equal(0, d.context)
    assert.equal(0, d.timetolive)
    assert.equal(0, d.assoc_id)
    d = default_send(s1, id1)
    assert.equal(19, d.ppid)
    assert.equal(0, d.context)
    assert.equal(0, d.timetolive)
    assert.equal(id1, d.assoc_id)

    -- 2: the association's own default wins over the endpoint's
    H.must(s1:send(id1, 0, "2: " .. DATA))
    ip, port, anc, data = H.expect_data(s2)
    assert.equal(p1, port)
    assert.equal("2: " .. DATA, data)
    info = H.info(anc)
    assert.equal(0, info.stream)
    assert.equal(19, info.ppid)
    assert.equal(id2, info.assoc_id)

    -- 3: the other side has its own defaults (ppid 0); the assoc table form
    H.must(s2:send(a2, 1, "3: " .. DATA))
    ip, port, anc, data = H.expect_data(s1)
    assert.equal(p2, port)
    assert.equal("3: " .. DATA, data)
    info = H.info(anc)
    assert.equal(1, info.stream)
    assert.equal(0, info.ppid)
    assert.equal(0, info.context)
    assert.equal(id1, info.assoc_id)

    -- 4: an explicit sndrcvinfo
    H.must(s2:send({ stream = 0, ppid = 20, assoc_id = id2 }, "4: " .. DATA))
    ip, port, anc, data = H.expect_data(s1)
    assert.equal("4: " .. DATA, data)
    info = H.info(anc)
    assert.equal(0, info.stream)
    assert.equal(20, info.ppid)
    assert.equal(0, info.context)
    assert.equal(id1, info.assoc_id)

    -- beyond OTP: a later association takes the endpoint default 18, the
    -- first one keeps 19
    local s3 = H.client()
    H.must(s3:connect("127.0.0.1", p1, nil, H.TIMEOUT))
    local up3 = H.expect_event(s1, "assoc_change", "comm_up")
    assert.equal(18, default_send(s1, up3.assoc_id).ppid)
    H.must(s1:send(up3.assoc_id, 0, "5: " .. DATA))
    _, _, anc, data = H.expect_data(s3)
    assert.equal("5: " .. DATA, data)
    assert.equal(18, H.info(anc).ppid)
    assert.equal(19, default_send(s1, id1).ppid)
  end)

  it("gives its stream-independent fields (flags too) to send(assoc, stream, data)", function()
    local server, client, assoc, sid = H.pair()
    assert.equal(true, client:setopts({ sctp_default_send_param =
      { assoc_id = assoc.assoc_id, flags = { "unordered" }, ppid = 33, stream = 2 } }))
    local d = default_send(client, assoc.assoc_id)
    assert.is_true(H.has(d.flags, "unordered"), H.show(d))
    -- the stream argument replaces the default stream
    H.must(client:send(assoc, 4, "unordered by default"))
    local _, _, anc, data = H.expect_data(server)
    assert.equal("unordered by default", data)
    local info = H.info(anc)
    assert.equal(4, info.stream)
    assert.equal(33, info.ppid)
    assert.is_true(H.has(info.flags, "unordered"), H.show(info.flags))
  end)

  it("takes assoc_id 0 for the endpoint", function()
    local s = H.client()
    assert.equal(true, s:setopts({ sctp_default_send_param = { assoc_id = 0, ppid = 44 } }))
    assert.equal(44, default_send(s).ppid)
    assert.equal(44, default_send(s, 0).ppid)
  end)
end)

-------------------------------------------------------------------------------

describe("send(sndrcvinfo, data)", function()
  after_each(H.cleanup)

  it("carries stream and ppid to the peer, and accepts context and timetolive", function()
    local server, client, assoc, sid = H.pair()
    assert.equal(true, client:send({ assoc_id = assoc.assoc_id, stream = 3, ppid = 42,
      context = 777, timetolive = 60000 }, "fields"))
    local _, _, anc, data = H.expect_data(server)
    assert.equal("fields", data)
    local info = H.info(anc)
    assert.equal(3, info.stream)
    assert.equal(42, info.ppid)
    assert.equal(sid, info.assoc_id)
    assert.is_false(H.has(info.flags, "unordered"))
  end)

  it("delivers unordered messages on many streams, each marked unordered", function()
    local STREAMS = 20
    local server, client, assoc, sid = H.pair({ sctp_initmsg = { max_instreams = STREAMS } },
      { sctp_initmsg = { num_ostreams = STREAMS } })
    assert.equal(STREAMS, assoc.outbound_streams)
    local N = 3 * STREAMS
    for i = 1, N do
      local info = { assoc_id = assoc.assoc_id, stream = (i - 1) % STREAMS, ppid = i }
      if i % 2 == 1 then info.flags = { "unordered" } end
      H.must(client:send(info, "m" .. i))
    end
    local seen, last_ordered = {}, {}
    for _ = 1, N do
      local _, _, anc, data = H.expect_data(server)
      local i = tonumber(data:match("^m(%d+)$"))
      assert.is_number(i, "unexpected data " .. H.show(data))
      assert.is_nil(seen[i], "message " .. i .. " twice")
      seen[i] = true
      local info = H.info(anc)
      assert.equal((i - 1) % STREAMS, info.stream, "stream of m" .. i)
      assert.equal(i, info.ppid, "ppid of m" .. i)
      assert.equal(sid, info.assoc_id)
      assert.equal(i % 2 == 1, H.has(info.flags, "unordered"), "flags of m" .. i .. ": " .. H.show(info.flags))
      if i % 2 == 0 then
        -- ordered messages keep their order within their stream
        local s = info.stream
        assert.is_true((last_ordered[s] or 0) < i, "stream " .. s .. " out of order")
        last_ordered[s] = i
      end
    end
    for i = 1, N do assert.is_true(seen[i], "m" .. i .. " missing") end
    -- one stream beyond the association's
    H.fails("einval", true, client:send({ assoc_id = assoc.assoc_id, stream = STREAMS }, "beyond"))
  end)

  it("refuses the addr_over flag without an address (sendx gives one) with einval", function()
    -- Linux: SCTP_ADDR_OVER needs a destination address in the message
    local server, client, assoc = H.pair()
    H.fails("einval", true,
      client:send({ assoc_id = assoc.assoc_id, stream = 0, flags = { "addr_over" } }, "over"))
    H.must(client:send(assoc, 0, "still fine"))
    local _, _, _, data = H.expect_data(server)
    assert.equal("still fine", data)
  end)

  it("with the eof flag shuts the association down gracefully", function()
    local server, client, assoc, sid = H.pair()
    H.must(client:send(assoc, 0, "last words"))
    assert.equal(true, client:send({ assoc_id = assoc.assoc_id, flags = { "eof" } }, ""))
    local _, _, anc, data = H.next_msg(server)
    assert.equal("last words", data)
    local ev = H.expect_event(server, "shutdown_event")
    assert.equal(sid, ev.assoc_id)
    ev = H.expect_event(server, "assoc_change", "shutdown_comp")
    assert.equal(sid, ev.assoc_id)
    ev = H.await_event(client, "assoc_change", "shutdown_comp")
    assert.equal(assoc.assoc_id, ev.assoc_id)
  end)

  it("with the abort flag aborts the association, the data being the reason", function()
    local server, client, assoc, sid = H.pair()
    assert.equal(true, client:send({ assoc_id = assoc.assoc_id, flags = { "abort" } }, "going away"))
    local ev = H.expect_event(server, "assoc_change", "comm_lost")
    assert.equal(sid, ev.assoc_id)
    ev = H.await_event(client, "assoc_change", "comm_lost")
    assert.equal(assoc.assoc_id, ev.assoc_id)
    H.fails("epipe", true, client:send(assoc, 0, "too late"))
  end)

  it("with the sendall flag sends to every association of the socket", function()
    local server = H.server()
    local c1, c2 = H.client(), H.client()
    local a1 = H.must(c1:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    H.expect_event(server, "assoc_change", "comm_up")
    local a2 = H.must(c2:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    H.expect_event(server, "assoc_change", "comm_up")
    assert.equal(true, server:send({ flags = { "sendall" }, stream = 1, ppid = 9 }, "to all"))
    for _, c in ipairs({ { c1, a1 }, { c2, a2 } }) do
      local _, _, anc, data = H.expect_data(c[1])
      assert.equal("to all", data)
      assert.equal(1, H.info(anc).stream)
      assert.equal(9, H.info(anc).ppid)
      assert.equal(c[2].assoc_id, H.info(anc).assoc_id)
    end
  end)
end)

-------------------------------------------------------------------------------

describe("PR-SCTP", function()
  after_each(H.cleanup)

  -- usrsctp: a peer address's remote UDP encapsulation port
  local function get_encaps(sock, id, addr)
    return H.getopt(sock, "sctp_remote_udp_encaps_port", { assoc_id = id, address = addr }).port
  end

  it("sctp_pr_supported can be switched on and off on the socket", function()
    local s = H.client({ sctp_pr_supported = true })
    assert.equal(true, H.must(s:getopts({ "sctp_pr_supported" })).sctp_pr_supported)
    assert.equal(true, s:setopts({ sctp_pr_supported = false }))
    assert.equal(false, H.must(s:getopts({ "sctp_pr_supported" })).sctp_pr_supported)
  end)

  it("abandons ttl messages that wait too long on a congested association: send_failed carries the original data", function()
    local FILLERS, TTL_MSGS, TTL = 20, 10, 50
    if H.USRSCTP then
      -- usrsctp abandons a ttl message only once it was sent, when it would
      -- be retransmitted (sctp_timer.c, sctp_indata.c look at the sent
      -- queue only), never one still queued: the messages go out while the
      -- association's packets go to a UDP port where nobody listens (9,
      -- discard), are lost, and time out; then the port is restored
      local server, client, assoc = H.pair({ sctp_pr_supported = true },
        { sctp_pr_supported = true, sctp_rtoinfo = H.FAST_RTO })
      local id = assoc.assoc_id
      -- (the peer address's port: usrsctp's association one is for new ones)
      local peer = { H.LOCAL, H.port_of(server) }
      local udp = get_encaps(client, id, peer)
      H.must(client:setopts({ sctp_remote_udp_encaps_port = { assoc_id = id, address = peer, port = 9 } }))
      for i = 1, TTL_MSGS do
        H.must(client:send({ assoc_id = id, stream = 1, ppid = 77, context = 100 + i,
          pr_policy = "ttl", pr_value = TTL }, "ttl " .. i))
      end
      local reported, n = {}, 0
      local deadline = H.now() + H.TIMEOUT / 1000
      while n < TTL_MSGS and H.now() < deadline do
        local _, _, _, ev = client:recv(H.ms_left(deadline))
        if sctp.is_event(ev) and ev.event == "send_failed" then
          local i = tonumber(tostring(ev.data):match("^ttl (%d+)$"))
          assert.is_number(i, "send_failed must carry the original data, got " .. H.show(ev.data))
          assert.is_nil(reported[i], "ttl " .. i .. " reported twice")
          reported[i], n = true, n + 1
          assert.equal(assoc.assoc_id, ev.assoc_id)
          assert.is_number(ev.error)
          assert.is_true(ev.flags, "ttl " .. i .. ": the data went out")
          assert.equal(100 + i, ev.info.context, "context of ttl " .. i)
          assert.equal(77, ev.info.ppid, "ppid of ttl " .. i)
          assert.equal(1, ev.info.stream, "stream of ttl " .. i)
          assert.same({}, ev.info.flags)
        end
      end
      assert.equal(TTL_MSGS, n, "abandoned ttl messages")
      -- the port back: none of them arrives, the association still works
      H.must(client:setopts({ sctp_remote_udp_encaps_port = { assoc_id = id, address = peer, port = udp } }))
      H.must(client:send({ assoc_id = id, stream = 1 }, "after"))
      local _, _, _, data = H.expect_data(server)
      assert.equal("after", data)
      return
    end
    -- the server never reads until the end: its small window closes after
    -- a few fillers, and the ttl messages wait in the client's queue
    local server, client, assoc, sid = H.pair({ recbuf = 4096, sctp_pr_supported = true },
      { sndbuf = 262144, non_block_send = true, sctp_pr_supported = true, sctp_rtoinfo = H.FAST_RTO })
    local filler = string.rep("f", 1000)
    for i = 1, FILLERS do
      H.must(client:send(assoc, 0, filler))
    end
    for i = 1, TTL_MSGS do
      H.must(client:send({ assoc_id = assoc.assoc_id, stream = 1, ppid = 77, context = 100 + i,
        pr_policy = "ttl", pr_value = TTL }, "ttl " .. i))
    end
    -- let them expire
    local failed = {}
    local function note(data)
      if sctp.is_event(data) and data.event == "send_failed" then
        failed[#failed + 1] = data
      end
    end
    local t_end = H.now() + 4 * TTL / 1000
    while H.now() < t_end do
      local _, _, _, data = client:recv(H.ms_left(t_end))
      if data ~= nil then note(data) end
    end
    -- the server reads everything: the window opens, the client's queue moves
    local delivered, fillers = {}, 0
    while fillers < FILLERS do
      local _, _, anc, data = H.expect_data(server, 10000)
      if data == filler then
        fillers = fillers + 1
      else
        local i = tonumber(data:match("^ttl (%d+)$"))
        assert.is_number(i, "unexpected data " .. H.show(data))
        delivered[i] = true
      end
    end
    -- each ttl message was delivered or reported as failed, once
    local function accounted()
      local n = 0
      for i = 1, TTL_MSGS do if delivered[i] then n = n + 1 end end
      return n + #failed
    end
    local deadline = H.now() + H.TIMEOUT / 1000
    while accounted() < TTL_MSGS and H.now() < deadline do
      local _, _, _, data = client:recv(H.ms_left(deadline))
      if data ~= nil then note(data) end
      -- late ttl messages may still reach the server
      local _, _, _, sdata = server:recv(0)
      if type(sdata) == "string" then
        delivered[tonumber(sdata:match("^ttl (%d+)$")) or 0] = true
      end
    end
    assert.is_true(#failed > 0, "no ttl message was abandoned")
    local reported = {}
    for _, ev in ipairs(failed) do
      assert.equal("send_failed", ev.event)
      assert.equal(assoc.assoc_id, ev.assoc_id)
      assert.is_number(ev.error)
      assert.is_boolean(ev.flags)
      local i = tonumber(tostring(ev.data):match("^ttl (%d+)$"))
      assert.is_number(i, "send_failed must carry the original data, got " .. H.show(ev.data))
      assert.is_nil(reported[i], "ttl " .. i .. " reported twice")
      assert.is_nil(delivered[i], "ttl " .. i .. " delivered and reported as failed")
      reported[i] = true
      assert.is_table(ev.info)
      assert.equal(100 + i, ev.info.context, "context of ttl " .. i)
      assert.equal(77, ev.info.ppid, "ppid of ttl " .. i)
      assert.equal(1, ev.info.stream, "stream of ttl " .. i)
      -- ordered messages: no send flag appears (Linux puts DATA chunk bits here)
      assert.same({}, ev.info.flags)
    end
    for i = 1, TTL_MSGS do
      assert.is_true(delivered[i] or reported[i], "ttl " .. i .. " neither delivered nor reported")
    end
  end)

  it("prio makes room in a full send buffer by dropping less important queued messages", function()
    -- the server does not read: a few fillers close its window, then
    -- messages of priority 5 fill the client's sndbuf
    local function fill(policy)
      local server, client, assoc = H.pair({ recbuf = 4096, sctp_pr_supported = true },
        { sndbuf = 32768, non_block_send = true, sctp_pr_supported = true, sctp_rtoinfo = H.FAST_RTO })
      for _ = 1, 10 do H.must(client:send(assoc, 0, string.rep("f", 1000))) end
      local queued = 0
      for i = 1, 1000 do
        local info = { assoc_id = assoc.assoc_id, stream = 0 }
        if policy then info.pr_policy, info.pr_value = policy, 5 end
        if not client:send(info, string.rep("p", 900) .. i) then break end
        queued = queued + 1
      end
      assert.is_true(queued > 1 and queued < 1000, "queued " .. queued)
      return server, client, assoc, queued
    end

    -- without a policy, a full buffer is full
    local _, client0, assoc0 = fill(nil)
    H.fails("eagain", true, client0:send({ assoc_id = assoc0.assoc_id, stream = 1 }, string.rep("u", 3000)))
    H.cleanup()

    local server, client, assoc, queued = fill("prio")
    if H.USRSCTP then
      -- usrsctp refuses a non-blocking send that does not fit before it
      -- would prune (sctp_lower_sosend; sctp_prune_prsctp runs only while a
      -- message is copied in), and the backend's sends are non-blocking:
      -- no room is made, and every queued message arrives
      H.fails("eagain", true, client:send({ assoc_id = assoc.assoc_id, stream = 1, pr_policy = "prio",
        pr_value = 0 }, string.rep("u", 3000)))
      local fillers, low = 0, 0
      while true do
        local _, _, _, data = H.recv_data(server, (fillers + low == 0) and H.TIMEOUT or 500)
        if data == nil then break end
        if data:sub(1, 1) == "f" then fillers = fillers + 1 else low = low + 1 end
      end
      assert.equal(10, fillers)
      assert.equal(queued, low)
      return
    end
    -- with prio, a message of priority 0 pushes out some of priority 5
    assert.equal(true, client:send({ assoc_id = assoc.assoc_id, stream = 1, pr_policy = "prio", pr_value = 0 },
      string.rep("u", 3000)))
    local fillers, low, urgent = 0, {}, false
    while true do
      local _, _, _, data = H.recv_data(server, urgent and 500 or H.TIMEOUT)
      if data == nil then break end
      local c = data:sub(1, 1)
      if c == "f" then
        fillers = fillers + 1
      elseif c == "u" then
        assert.equal(3000, #data)
        urgent = true
      else
        local i = tonumber(data:match("^p+(%d+)$"))
        assert.is_number(i, "altered message " .. H.show(data))
        assert.is_nil(low[i], "message " .. i .. " twice")
        low[i] = true
      end
    end
    assert.equal(10, fillers)
    assert.is_true(urgent, "the priority 0 message never arrived")
    local got = 0
    for _ in pairs(low) do got = got + 1 end
    assert.is_true(got < queued, "no priority 5 message was dropped (" .. got .. " of " .. queued .. ")")
  end)

  it("sends with the rtx and prio policies", function()
    local server, client, assoc = H.pair({ sctp_pr_supported = true }, { sctp_pr_supported = true })
    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 0, pr_policy = "rtx", pr_value = 2 }, "rtx"))
    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 0, pr_policy = "prio", pr_value = 1 }, "prio"))
    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 0, pr_policy = "ttl", pr_value = 60000 }, "ttl"))
    for _, want in ipairs({ "rtx", "prio", "ttl" }) do
      local _, _, _, data = H.expect_data(server)
      assert.equal(want, data)
    end
  end)

  it("raises for an unknown policy or a bad pr_value, naming the field", function()
    local server, client, assoc = H.pair()
    H.raises(function()
      client:send({ assoc_id = assoc.assoc_id, pr_policy = "sometimes", pr_value = 1 }, "x")
    end, "pr_policy")
    H.raises(function()
      client:send({ assoc_id = assoc.assoc_id, pr_policy = "ttl", pr_value = -1 }, "x")
    end, "pr_value")
    H.raises(function()
      client:send({ assoc_id = assoc.assoc_id, pr_policy = 1 }, "x")
    end, "pr_policy")
  end)
end)

-------------------------------------------------------------------------------

describe("send errors", function()
  after_each(H.cleanup)

  local function in_list(err)
    assert.is_true(H.has(SEND_ERRORS, err), "err " .. tostring(err) .. " is not a send error of the list")
  end

  it("eagain: a full buffer with non_block_send", function()
    local server, client, assoc = H.pair({ recbuf = 4096 }, { sndbuf = 16384, non_block_send = true })
    local r
    for _ = 1, 5000 do
      r = H.pack(client:send(assoc, 0, string.rep("e", 1000)))
      if not r[1] then break end
    end
    in_list(H.fails("eagain", true, unpack(r, 1, 3)))
  end)

  it("emsgsize: a message above the fragmentation point with sctp_disable_fragments", function()
    local server, client, assoc = H.pair(nil, { sctp_disable_fragments = true })
    local fp = H.must(client:getopts({ sctp_status = { assoc_id = assoc.assoc_id } })).sctp_status
      .fragmentation_point
    in_list(H.fails("emsgsize", true, client:send(assoc, 0, string.rep("x", fp + 1))))
    in_list(H.fails("emsgsize", true,
      client:send({ assoc_id = assoc.assoc_id, stream = 0 }, string.rep("x", fp + 1))))
  end)

  it("epipe: an association that does not exist", function()
    local client = H.client()
    in_list(H.fails("epipe", true, client:send(987654, 0, "nobody")))
    in_list(H.fails("epipe", true, client:send({ assoc_id = 987654, stream = 0 }, "nobody")))
  end)

  it("epipe: an association that was aborted", function()
    local server, client, assoc, sid = H.pair()
    H.must(server:abort(sid))
    H.await_event(client, "assoc_change", "comm_lost")
    in_list(H.fails("epipe", true, client:send(assoc, 0, "too late")))
  end)

  it("come back as nil, err, detail, never as a Lua error", function()
    local server, client, assoc = H.pair()
    local ok, r = pcall(function() return H.pack(client:send({ assoc_id = assoc.assoc_id, stream = 60000 }, "x")) end)
    assert.is_true(ok, "send raised: " .. tostring(r))
    H.fails("einval", true, unpack(r, 1, 3))
  end)
end)
