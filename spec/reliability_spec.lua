-- Reliability under faults and load: a peer that aborts, a peer process
-- killed with SIGKILL, a peer whose host vanishes, a lossy link (netem loss,
-- reordering and delay between two network namespaces) and 1,000 concurrent
-- associations on one socket. In every case the socket keeps working for
-- its other associations, no message the kernel delivered is lost, and every
-- association that ends says so with an event.
--
-- (Failover of the primary path under traffic is spec/failover_spec.lua.)
--
-- Sizes: the quick run (make test, CI) sends 2,000 messages over the lossy
-- link; with SCTP_SOAK=1 (soak/run, make soak) it sends 10,000, and the load
-- test plays more rounds. SCTP_SOAK_SECONDS bounds the long runs.
--
-- The peer processes are spec/peers/{assoc_holder,loss_sender,many_assocs}.lua.
-- The parts that need namespaces or netem need root and iproute2 (the test VM
-- has both) and are skipped elsewhere.

local H = require "helper"
local N = require "nethelper"
local sctp = require "sctp"

local SOAK = os.getenv("SCTP_SOAK") == "1"
local SOAK_SECONDS = tonumber(os.getenv("SCTP_SOAK_SECONDS") or "") or 600

local LOSS = {
  count = SOAK and 10000 or 2000,   -- messages
  streams = 8,
  size = 100,                       -- bytes per message
  netem = "delay 2ms 1ms reorder 25% 50% loss 10%",  -- each direction
  -- sender's rto_min, rto_max, rto_initial (ms). Linux bounds a shutdown
  -- by T5 = 5 * rto_max: with rto_max 200 ms, one lost SHUTDOWN-ACK that
  -- the receiver resends only after its own RTO aborts the association.
  timing = "20,1000,100",
  limit = SOAK and math.max(60, math.floor(SOAK_SECONDS * 0.15)) or 60,   -- seconds
}
local LOAD = {
  assocs = 1000,
  peers = 4,                        -- processes holding the client sockets
  rounds = SOAK and 10 or 2,        -- request/reply rounds per association
  limit = SOAK and math.max(60, math.floor(SOAK_SECONDS * 0.12)) or 90,
}

local HERE, THERE = "203.0.113.1", "203.0.113.2"   -- the veth pair (loss, vanishing host)

-- Reads a server socket and sorts what comes: events (with the peer's
-- address) into a log, data into one queue per association, so that a test
-- can wait for one particular thing while traffic on other associations
-- goes on.
local function monitor(sock)
  local m = { sock = sock, events = {}, data = {} }

  -- reads one message; false when `ms` passed without one
  function m.pump(ms)
    local ip, port, anc, d = sock:recv(ms)
    if ip == nil then
      if port == "timeout" then return false end
      error("server recv failed: " .. tostring(port) .. " " .. tostring(anc))
    end
    if sctp.is_event(d) then
      m.events[#m.events + 1] = { ev = d, ip = ip, port = port }
    else
      local info = H.info(anc)
      local q = m.data[info.assoc_id]
      if not q then q = {} m.data[info.assoc_id] = q end
      q[#q + 1] = { data = d, info = info, ip = ip, port = port }
    end
    return true
  end

  -- the next data message of association `id` (waiting up to ms)
  function m.take_data(id, ms)
    local deadline = H.now() + (ms or H.TIMEOUT) / 1000
    while true do
      local q = m.data[id]
      if q and q[1] then return table.remove(q, 1) end
      if not m.pump(H.ms_left(deadline)) then
        error("no data on association " .. tostring(id) .. " within " .. (ms or H.TIMEOUT) ..
          " ms; events so far: " .. m.show_events())
      end
    end
  end

  -- removes and returns the first logged event with pred(ev, ip, port),
  -- waiting up to ms for it
  function m.take_event(pred, ms, what)
    local deadline = H.now() + (ms or H.TIMEOUT) / 1000
    while true do
      for i, e in ipairs(m.events) do
        if pred(e.ev, e.ip, e.port) then
          table.remove(m.events, i)
          return e.ev, e.ip, e.port
        end
      end
      if not m.pump(H.ms_left(deadline)) then
        error("no " .. (what or "matching event") .. " within " .. (ms or H.TIMEOUT) ..
          " ms; events so far: " .. m.show_events())
      end
    end
  end

  -- the logged event matching pred, if any (not removed, no waiting)
  function m.find_event(pred)
    for _, e in ipairs(m.events) do
      if pred(e.ev, e.ip, e.port) then return e.ev end
    end
  end

  function m.show_events()
    local t = {}
    for _, e in ipairs(m.events) do t[#t + 1] = H.show(e.ev) end
    return "[" .. table.concat(t, ", ") .. "]"
  end

  return m
end

local function assoc_state(state, id)
  return function(ev)
    return ev.event == "assoc_change" and ev.state == state and (id == nil or ev.assoc_id == id)
  end
end

-- A client on loopback connected to the monitored server: client, its
-- assoc, and the association's id on the server side.
local function local_client(mon, port)
  local c = H.client()
  local assoc = H.must(c:connect(H.LOCAL, port, nil, H.TIMEOUT))
  local cport = H.port_of(c)
  local up = mon.take_event(function(ev, _, p)
    return ev.event == "assoc_change" and ev.state == "comm_up" and p == cport
  end, H.TIMEOUT, "comm_up of client port " .. cport)
  return { sock = c, assoc = assoc, sid = up.assoc_id }
end

-- One message each way between a local client and the server.
local function round_trip(mon, cl, text)
  H.must(cl.sock:send(cl.assoc, 1, text))
  local m = mon.take_data(cl.sid)
  assert.equal(text, m.data)
  assert.equal(1, m.info.stream)
  H.must(mon.sock:send(cl.sid, 1, "re: " .. text))
  local _, _, _, back = H.expect_data(cl.sock)
  assert.equal("re: " .. text, back)
end

-------------------------------------------------------------------------------

describe("reliability: a peer ending its association abruptly", function()
  after_each(function()
    H.cleanup()
    N.teardown()
  end)

  it("delivers what an aborting peer sent first, reports comm_lost, and keeps the other associations", function()
    local server = H.server()
    local port = H.port_of(server)
    local mon = monitor(server)
    local cl = {}
    for i = 1, 3 do cl[i] = local_client(mon, port) end
    for i = 1, 3 do round_trip(mon, cl[i], "before " .. i) end

    -- client 2: three last messages, acknowledged (so the server's kernel
    -- has them, unread), then ABORT with a reason. (An ABORT discards what
    -- the sender still holds: Nagle may keep small messages back until the
    -- previous one is acknowledged, so the test waits for sender_dry_event,
    -- which comes once nothing is queued or unacknowledged.)
    for k = 1, 3 do H.must(cl[2].sock:send(cl[2].assoc, 0, "last words " .. k)) end
    H.must(cl[2].sock:setopts { sctp_events = { sender_dry_event = true } })
    H.await_event(cl[2].sock, "sender_dry_event")
    assert.equal(true, cl[2].sock:abort(cl[2].assoc, "going away"))

    for k = 1, 3 do
      assert.equal("last words " .. k, mon.take_data(cl[2].sid).data)
    end
    local lost = mon.take_event(assoc_state("comm_lost", cl[2].sid), H.TIMEOUT, "comm_lost")
    assert.equal(12, lost.error)                      -- User Initiated Abort
    assert.equal("User Initiated Abort", sctp.error_string(lost.error))

    -- the dead association gives a clear error; the others go on
    H.fails("epipe", true, server:send(cl[2].sid, 0, "anyone?"))
    for round = 1, 5 do
      round_trip(mon, cl[1], "after " .. round)
      round_trip(mon, cl[3], "after " .. round)
    end
    -- and the aborting socket itself can associate again
    local again = H.must(cl[2].sock:connect(H.LOCAL, port, nil, H.TIMEOUT))
    local up = mon.take_event(assoc_state("comm_up"), H.TIMEOUT, "comm_up of the new association")
    round_trip(mon, { sock = cl[2].sock, assoc = again, sid = up.assoc_id }, "back again")
    assert.same({}, mon.data[cl[2].sid] or {})
  end)

  it("ends the associations of a peer process killed with SIGKILL and keeps the others", function()
    local server = H.server()
    local port = H.port_of(server)
    local mon = monitor(server)
    local cl = { local_client(mon, port), local_client(mon, port) }

    -- the peer process opens two sockets, one association each
    local peer = N.start_peer(nil, 60, "assoc_holder.lua", { H.LOCAL, tostring(port), "2", "60" })
    local pid = tonumber(peer:wait_line("PID (%d+)", 10000))
    assert.is_number(pid, peer:output())
    local ids = {}            -- peer association number -> server assoc_id
    for _ = 1, 2 do
      local up = mon.take_event(assoc_state("comm_up"), 10000, "comm_up from the peer")
      local m = mon.take_data(up.assoc_id, 10000)
      local i = tonumber(m.data:match("^hello (%d)$"))
      assert.is_number(i, m.data)
      ids[i] = up.assoc_id
      H.must(server:send(up.assoc_id, 0, "welcome " .. i))
    end
    assert.is_truthy(peer:wait_line("\nREADY", 10000), peer:output())
    round_trip(mon, cl[1], "peer ready")

    -- association 1 gets a message the peer never reads; then kill -9.
    -- Linux closes the dead process's sockets: a socket with unread data
    -- aborts its associations (ABORT: comm_lost), an idle one shuts them
    -- down gracefully (SHUTDOWN: shutdown_comp).
    H.must(server:send(ids[1], 0, "never read"))
    -- acknowledged: it is in the peer's receive queue
    H.must(server:setopts { sctp_events = { sender_dry_event = true } })
    mon.take_event(function(ev)
      return ev.event == "sender_dry_event" and ev.assoc_id == ids[1]
    end, H.TIMEOUT, "sender_dry_event")
    H.must(server:setopts { sctp_events = { sender_dry_event = false } })
    -- On usrsctp the stack dies with the process: nothing tells the
    -- server, whose heartbeats find both associations gone (comm_lost);
    -- fast ones here, so that it takes a second, not minutes.
    local second_end = H.USRSCTP and "comm_lost" or "shutdown_comp"
    if H.USRSCTP then
      for _, id in pairs(ids) do
        H.must(server:setopts { sctp_rtoinfo = { assoc_id = id, initial = 100, min = 50, max = 100 },
          sctp_peer_addr_params = { assoc_id = id, hbinterval = 100, pathmaxrxt = 1 } })
      end
    end
    round_trip(mon, cl[2], "before the kill")
    local t0 = H.now()
    assert.is_true(N.signal(pid, "KILL"))

    local deadline = H.now() + 10
    local rounds = 0
    while not (mon.find_event(assoc_state("comm_lost", ids[1]))
               and mon.find_event(assoc_state(second_end, ids[2]))) do
      assert.is_true(H.now() < deadline, "the killed peer's associations did not end: " .. mon.show_events())
      -- traffic with the other clients all along
      rounds = rounds + 1
      round_trip(mon, cl[1 + rounds % 2], "during " .. rounds)
    end
    local lost = mon.take_event(assoc_state("comm_lost", ids[1]))
    if H.USRSCTP then assert.is_number(lost.error) else assert.equal(12, lost.error) end
    mon.take_event(assoc_state(second_end, ids[2]))
    local ended_after = H.now() - t0
    assert.is_true(peer:wait(5000), "the peer process is still there")
    assert.is_false(N.alive(pid))

    H.fails("epipe", true, server:send(ids[1], 0, "x"))
    H.fails("epipe", true, server:send(ids[2], 0, "x"))
    for round = 1, 5 do
      round_trip(mon, cl[1], "after " .. round)
      round_trip(mon, cl[2], "after " .. round)
    end
    print(string.format("\nSIGKILL (%s): both associations of the killed peer ended %.3fs after the kill " ..
      "(comm_lost error %d, %s); %d round trips with the other clients meanwhile",
      N.interpreter(), ended_after, lost.error, second_end, rounds))
  end)
end)

-------------------------------------------------------------------------------

local why_no_netns = N.netns_unavailable()
local why_no_netem = N.netem_unavailable()

local function it_if(why, name, fn)
  if why then pending(name .. " (" .. why .. ")") else it(name, fn) end
end

describe("reliability: a peer in another network namespace", function()
  local ns, veth

  before_each(function()
    if why_no_netns then return end
    ns = N.unique("lsrel")
    veth = N.unique("lsrv")
    N.add_netns(ns)
    N.add_veth(veth, HERE .. "/24", ns, "pr", THERE .. "/24")
  end)

  after_each(function()
    H.cleanup()
    N.teardown()
  end)

  -- #kernel: usrsctp learns the host's addresses once, at its first socket;
  -- this veth comes later, after other cases' sockets (eaddrnotavail)
  it_if(why_no_netns, "reports comm_lost when a peer's host vanishes (SIGKILL and link down) and keeps the others #kernel", function()
    -- short heartbeats, few retransmissions: a dead path is found out in
    -- about a second
    local server = H.open(0, {
      ip = { H.LOCAL, HERE },
      sctp_rtoinfo = { assoc_id = 0, min = 100, max = 200, initial = 200 },
      sctp_peer_addr_params = { assoc_id = 0, hbinterval = 100, pathmaxrxt = 2, flags = { "hb_enable" } },
      sctp_associnfo = { assoc_id = 0, asocmaxrxt = 3 },
    })
    H.must(server:listen(true))
    local port = H.port_of(server)
    local mon = monitor(server)
    local cl = { local_client(mon, port), local_client(mon, port) }

    local peer = N.start_peer(ns, 60, "assoc_holder.lua",
      { HERE, tostring(port), "1", "60", THERE, "100,200,200,100,2" })
    local pid = tonumber(peer:wait_line("PID (%d+)", 10000))
    assert.is_number(pid, peer:output())
    local up = mon.take_event(function(ev, ip)
      return ev.event == "assoc_change" and ev.state == "comm_up" and ip == THERE
    end, 10000, "comm_up from the peer")
    local m = mon.take_data(up.assoc_id, 10000)
    assert.equal("hello 1", m.data)
    H.must(server:send(up.assoc_id, 0, "welcome 1"))
    assert.is_truthy(peer:wait_line("\nREADY", 10000), peer:output())

    -- the link goes, then the process: nothing it sends reaches us
    N.must_sh("ip link set " .. veth .. " down")
    assert.is_true(N.signal(pid, "KILL"))
    local t0 = H.now()
    H.must(server:send(up.assoc_id, 0, "into the void"))

    local deadline = H.now() + 15
    local rounds = 0
    while not mon.find_event(assoc_state("comm_lost", up.assoc_id)) do
      assert.is_true(H.now() < deadline, "no comm_lost for the vanished peer: " .. mon.show_events())
      rounds = rounds + 1
      round_trip(mon, cl[1 + rounds % 2], "during " .. rounds)
      mon.pump(50)
    end
    local lost = mon.take_event(assoc_state("comm_lost", up.assoc_id))
    local took = H.now() - t0
    -- the path failed first
    assert.is_truthy(mon.find_event(function(ev)
      return ev.event == "paddr_change" and ev.state == "addr_unreachable" and ev.assoc_id == up.assoc_id
    end), mon.show_events())
    H.fails("epipe", true, server:send(up.assoc_id, 0, "x"))
    for round = 1, 5 do
      round_trip(mon, cl[1], "after " .. round)
      round_trip(mon, cl[2], "after " .. round)
    end
    print(string.format("\nvanished peer (%s): comm_lost (error %d) %.2fs after the link went down; " ..
      "%d round trips with the other clients meanwhile", N.interpreter(), lost.error, took, rounds))
  end)

  -- #kernel: netem (the VM has it, this host kernel not)
  it_if(why_no_netem, ("delivers %d messages over %d streams through netem loss, reordering and delay #kernel, " ..
      "each once and in order per stream"):format(LOSS.count, LOSS.streams), function()
    N.netem(veth, LOSS.netem)
    N.netem("pr", LOSS.netem, ns)
    local server = H.open(0, {
      ip = HERE,
      recbuf = 1048576,
      sctp_initmsg = { num_ostreams = LOSS.streams, max_instreams = LOSS.streams },
      -- resend a lost SHUTDOWN-ACK soon
      sctp_rtoinfo = { assoc_id = 0, min = 20, max = 200, initial = 100 },
      -- SACK soon: with a small congestion window a delayed SACK stalls the sender
      sctp_delayed_ack_time = { assoc_id = 0, assoc_value = 10 },
    })
    H.must(server:listen(true))
    local port = H.port_of(server)
    local started = H.now()
    local peer = N.start_peer(ns, LOSS.limit + 30, "loss_sender.lua", {
      THERE, HERE, tostring(port), tostring(LOSS.count), tostring(LOSS.streams),
      tostring(LOSS.size), LOSS.timing })

    local deadline = started + LOSS.limit
    local next_seq, per_stream = {}, {}
    for s = 0, LOSS.streams - 1 do next_seq[s], per_stream[s] = 1, 0 end
    local got, assoc_id, t_up, t_last = 0, nil, nil, nil
    local ended
    while not ended do
      local ip, p, anc, data = server:recv(H.ms_left(deadline))
      if ip == nil then
        error(string.format("recv: %s %s after %d of %d messages\n-- peer:\n%s",
          tostring(p), tostring(anc), got, LOSS.count, peer:output()))
      end
      if sctp.is_event(data) then
        if data.event == "assoc_change" then
          if data.state == "comm_up" then
            assert.is_nil(assoc_id, "a second association")
            assoc_id, t_up = data.assoc_id, H.now()
            assert.equal(LOSS.streams, data.inbound_streams)
          else
            assert.equal("shutdown_comp", data.state, H.show(data) .. "\n" .. peer:output())
            ended = true
          end
        end
      else
        local info = H.info(anc)
        local s, seq, i = data:match("^(%d+) (%d+) (%d+) ")
        s, seq, i = tonumber(s), tonumber(seq), tonumber(i)
        assert.is_number(s, "malformed message " .. H.show(data))
        assert.equal(assoc_id, info.assoc_id)
        assert.equal(s, info.stream, "stream of message " .. H.show(data))
        assert.equal(i, info.ppid)
        assert.equal(LOSS.size, #data)
        if seq ~= next_seq[s] then
          error(string.format("stream %d: expected message %d, got %d (%s): %s",
            s, next_seq[s], seq, seq < next_seq[s] and "a duplicate" or "one lost or out of order",
            H.show(data)))
        end
        next_seq[s] = seq + 1
        per_stream[s] = per_stream[s] + 1
        got = got + 1
        t_last = H.now()
      end
    end
    assert.equal(LOSS.count, got, peer:output())
    for s = 0, LOSS.streams - 1 do
      assert.equal(LOSS.count / LOSS.streams, per_stream[s], "messages on stream " .. s)
    end
    assert.is_truthy(peer:wait_line("\nDONE", 10000), peer:output())
    assert.equal(LOSS.count, tonumber(peer:output():match("SENT (%d+)")))

    -- what the link did, and what it cost
    local here_drops = N.qdisc_drops(veth) or -1
    local there_drops = N.qdisc_drops("pr", ns) or -1
    local snmp = N.must_sh("ip netns exec " .. ns .. " cat /proc/net/sctp/snmp")
    local t3 = tonumber(snmp:match("SctpT3Retransmits%s+(%d+)")) or -1
    local fast = tonumber(snmp:match("SctpFastRetransmits%s+(%d+)")) or -1
    assert.is_true(here_drops > 0 and there_drops > 0, "netem dropped nothing")
    print(string.format("\nlossy link (%s): %d messages of %d bytes over %d streams in %.2fs " ..
      "(%.0f msg/s after comm_up), all once and in order; netem dropped %d packets to the peer and %d from it; " ..
      "sender retransmissions: %d by timeout, %d fast",
      N.interpreter(), got, LOSS.size, LOSS.streams, t_last - started,
      got / (t_last - t_up), here_drops, there_drops, t3, fast))
  end)
end)

-------------------------------------------------------------------------------

describe("reliability: load", function()
  after_each(function()
    H.cleanup()
    N.teardown()
  end)

  it(("serves %d concurrent associations on one socket, %d request/reply rounds each"):format(
      LOAD.assocs, LOAD.rounds), function()
    local server = H.server({ sctp_nodelay = true, recbuf = 4 * H.MiB, sndbuf = 4 * H.MiB })
    local port = H.port_of(server)
    local started = H.now()
    local per_peer = math.floor(LOAD.assocs / LOAD.peers)
    assert.equal(LOAD.assocs, per_peer * LOAD.peers)
    local peers = {}
    for p = 1, LOAD.peers do
      -- on usrsctp each peer process binds ports of its own (its stack
      -- picks ephemeral ports alone: two processes may pick the same)
      peers[p] = N.start_peer(nil, LOAD.limit + 30, "many_assocs.lua",
        { H.LOCAL, tostring(port), string.format("%d", per_peer), tostring(LOAD.rounds), "p" .. p, tostring(LOAD.limit),
          "-", H.USRSCTP and tostring(20000 + p * 1000) or nil })
    end
    local function outputs()
      local t = {}
      for p = 1, LOAD.peers do t[#t + 1] = "-- peer " .. p .. ":\n" .. peers[p]:output() end
      return table.concat(t, "\n")
    end

    local deadline = started + LOAD.limit
    local live, n_up, n_done, n_closed, msgs = {}, 0, 0, 0, 0
    local max_live, t_up, t_exchanged = 0, nil, nil
    local byes_sent = false
    while n_closed < LOAD.assocs do
      local ip, p, anc, data = server:recv(H.ms_left(deadline))
      if ip == nil then
        error(string.format("recv: %s %s; up %d, done %d, closed %d\n%s",
          tostring(p), tostring(anc), n_up, n_done, n_closed, outputs()))
      end
      if sctp.is_event(data) then
        if data.event == "assoc_change" then
          if data.state == "comm_up" then
            assert.is_nil(live[data.assoc_id])
            live[data.assoc_id] = 0
            n_up = n_up + 1
            if n_up - n_closed > max_live then max_live = n_up - n_closed end
            if n_up == LOAD.assocs then t_up = H.now() end
          elseif data.state == "shutdown_comp" then
            assert.is_true(byes_sent, "an association ended early: " .. H.show(data))
            assert.equal(LOAD.rounds, live[data.assoc_id])
            live[data.assoc_id] = nil
            n_closed = n_closed + 1
          else
            error("association ended: " .. H.show(data) .. "\n" .. outputs())
          end
        end
      else
        local id = H.info(anc).assoc_id
        local k = tonumber(data:match("^p%d+%-%d+ (%d+)$"))
        assert.is_number(k, H.show(data))
        assert.equal(live[id] + 1, k, "round of association " .. id)
        live[id] = k
        msgs = msgs + 1
        H.must(server:send(id, anc[1].stream, "ack " .. k))
        if k == LOAD.rounds then
          n_done = n_done + 1
          if n_done == LOAD.assocs then
            -- every association is up at once: the peak is the total
            t_exchanged = H.now()
            assert.equal(LOAD.assocs, max_live)
            local count = 0
            for id2 in pairs(live) do
              count = count + 1
              H.must(server:send(id2, 0, "bye"))
            end
            assert.equal(LOAD.assocs, count)
            byes_sent = true
          end
        end
      end
    end
    local t_closed = H.now()
    for p = 1, LOAD.peers do
      assert.is_truthy(peers[p]:wait_line("\nDONE (%d+)", 10000), outputs())
    end
    assert.equal(LOAD.assocs * LOAD.rounds, msgs)
    local how = peers[1]:output():match("DONE %d+ %S+ (%a+)")
    print(string.format("\nload (%s, peers %s): %d associations on one socket (%d peer processes): all up in %.2fs, " ..
      "%d messages each way in %.2fs more (%.0f msg/s overall), all shut down in %.2fs more; total %.2fs",
      N.interpreter(), tostring(how), LOAD.assocs, LOAD.peers, t_up - started, msgs, t_exchanged - t_up,
      msgs / (t_exchanged - started), t_closed - t_exchanged, t_closed - started))
  end)
end)
