-- Failover for real: two network namespaces (this process's and a peer's)
-- joined by two veth pairs, i.e. two paths with documentation-range
-- addresses (nothing leaves the machine):
--
--   path A   192.0.2.1     (here, vethA)  <->  192.0.2.2     (peer netns)
--   path B   198.51.100.1  (here, vethB)  <->  198.51.100.2  (peer netns)
--
-- The peer (spec/peers/stream_client.lua, another Lua process) associates
-- with a server here over path A, so A is the primary path both ways, and
-- streams numbered messages. While it does, path A's link goes down: the
-- server must see paddr_change addr_unreachable for the peer's A address,
-- the messages must keep coming (over B), and when the link is back
-- addr_available must follow. At the end every message must have arrived
-- exactly once and in order.
--
-- Heartbeat interval, path retransmissions and RTO bounds are lowered with
-- sctp_peer_addr_params and sctp_rtoinfo on both sides, so that a failure is
-- noticed in about a second even in the emulated test VM.
--
-- Needs root and iproute2 (the test VM has both); skipped elsewhere.

local H = require "helper"
local N = require "nethelper"
local sctp = require "sctp"

local A_HERE, A_PEER = "192.0.2.1", "192.0.2.2"
local B_HERE, B_PEER = "198.51.100.1", "198.51.100.2"

-- rto_min, rto_max, rto_initial, hbinterval (ms), pathmaxrxt
local TIMING = { 200, 500, 200, 200, 2 }
local INTERVAL = 20        -- ms between two messages of the peer
local STEP_TIMEOUT = 10000 -- ms: the longest any one step of the scenario may take
local TOTAL_TIMEOUT = 25000 -- ms: the longest the whole failover scenario may take

local why_not = N.netns_unavailable()

-- #kernel: the veth's addresses appear after this process's usrsctp stack
-- started, and usrsctp reads the host's addresses once, at its first socket
-- (spec/usrsctp_raw_spec.lua checks that limit).
describe("failover between two paths (network namespaces, veth) #kernel", function()
  local ns, veth_a, veth_b

  lazy_setup(function()
    if why_not then return end
    ns = N.unique("lsctpfo")
    veth_a, veth_b = N.unique("lsfoa"), N.unique("lsfob")
    N.add_netns(ns)
    N.add_veth(veth_a, A_HERE .. "/24", ns, "pa", A_PEER .. "/24")
    N.add_veth(veth_b, B_HERE .. "/24", ns, "pb", B_PEER .. "/24")
  end)

  lazy_teardown(function()
    H.cleanup()
    N.teardown()
  end)

  after_each(function()
    H.cleanup()
    -- the link may have been left down by a failed test
    if veth_a then N.sh("ip link set " .. veth_a .. " up") end
  end)

  local function it_netns(name, fn)
    if why_not then
      pending(name .. " (" .. why_not .. ")")
    else
      it(name, fn)
    end
  end

  local function server_socket()
    local s = H.open(0, {
      ip = { A_HERE, B_HERE },
      sctp_nodelay = true,
      sctp_rtoinfo = { assoc_id = 0, min = TIMING[1], max = TIMING[2], initial = TIMING[3] },
      sctp_peer_addr_params = { assoc_id = 0, hbinterval = TIMING[4], pathmaxrxt = TIMING[5],
                                flags = { "hb_enable" } },
    })
    H.must(s:listen(true))
    return s
  end

  local function start_client(port)
    return N.start_peer(ns, 40, "stream_client.lua", {
      A_PEER .. "," .. B_PEER, A_HERE, tostring(port), tostring(INTERVAL), "25",
      table.concat(TIMING, ","),
    })
  end

  it_netns("reaches the peer over both paths before anything fails", function()
    local server = server_socket()
    local port = H.port_of(server)
    local peer = start_client(port)
    local up = H.expect_event(server, "assoc_change", "comm_up", STEP_TIMEOUT)
    assert.is_truthy(peer:wait_line("UP (%d+)", STEP_TIMEOUT), peer:output())
    -- the association knows both of the peer's addresses, primary on path A
    local peers = H.must(server:peernames(up.assoc_id))
    table.sort(peers, function(x, y) return x[1] < y[1] end)
    assert.same({ { A_PEER, peers[1][2] }, { B_PEER, peers[1][2] } }, peers)
    local names = H.must(server:socknames(up.assoc_id))
    table.sort(names, function(x, y) return x[1] < y[1] end)
    assert.same({ { A_HERE, port }, { B_HERE, port } }, names)
    local prim = H.must(server:getopts { sctp_primary_addr = { assoc_id = up.assoc_id } })
    assert.same({ A_PEER, peers[1][2] }, prim.sctp_primary_addr.addr)
    -- the peer's B address, learnt from its INIT, is confirmed by a
    -- heartbeat: a paddr_change addr_confirmed; then both paths are active
    local deadline = H.now() + STEP_TIMEOUT / 1000
    local confirmed, first
    while not confirmed do
      local ip, p, anc, data = server:recv(H.ms_left(deadline))
      assert.is_truthy(ip, "no addr_confirmed for " .. B_PEER .. ": " .. tostring(p))
      if sctp.is_event(data) then
        if data.event == "paddr_change" and data.state == "addr_confirmed" then
          assert.same({ B_PEER, peers[1][2] }, data.addr)
          assert.equal(up.assoc_id, data.assoc_id)
          confirmed = true
        end
      else
        first = first or data
      end
    end
    for _, addr in ipairs(peers) do
      local info = H.must(server:getopts { sctp_get_peer_addr_info =
        { assoc_id = up.assoc_id, address = addr } })
      assert.equal("active", info.sctp_get_peer_addr_info.state)
      assert.same(addr, info.sctp_get_peer_addr_info.address)
    end
    -- messages flow; then stop the peer
    if not first then
      local _, _, _, data = H.expect_data(server, STEP_TIMEOUT)
      first = data
    end
    assert.equal("msg 1", first)
    H.must(server:send(up.assoc_id, 0, "stop"))
    assert.is_truthy(peer:wait_line("\nDONE", STEP_TIMEOUT), peer:output())
  end)

  it_netns("keeps every message, once and in order, while the primary path goes down and comes back", function()
    local server = server_socket()
    local port = H.port_of(server)
    local started = H.now()
    local peer = start_client(port)
    local up = H.expect_event(server, "assoc_change", "comm_up", STEP_TIMEOUT)
    local sid = up.assoc_id
    local cport = H.must(server:peernames(sid))[1][2]

    local expected = 1        -- the number of the next message
    local log = {}            -- what happened, for the failure message
    local phase = "before"    -- before -> down -> unreachable -> up -> available -> stopping
    local during_outage = 0   -- messages between addr_unreachable and link up
    local from_b_during = 0   -- of those, how many came from the peer's B address
    local after_available = 0
    local t_down, t_unreachable, t_up, t_available
    local shutdown = false

    local function note(s) log[#log + 1] = string.format("%.2fs %s", H.now() - started, s) end
    local function context()
      return table.concat(log, "\n") .. "\n-- peer output:\n" .. peer:output()
    end

    local deadline = started + TOTAL_TIMEOUT / 1000
    while not shutdown do
      local ip, p, anc, data = server:recv(H.ms_left(deadline))
      if ip == nil then
        error("recv failed (" .. tostring(p) .. ", " .. tostring(anc) .. ") in phase " ..
          phase .. ", next message " .. expected .. "\n" .. context())
      end
      if sctp.is_event(data) then
        note(H.show(data))
        if data.event == "paddr_change" and data.addr and data.addr[1] == A_PEER then
          if data.state == "addr_unreachable" then
            assert.equal("down", phase, "addr_unreachable in the wrong phase\n" .. context())
            assert.equal(sid, data.assoc_id)
            assert.same({ A_PEER, cport }, data.addr)
            phase, t_unreachable = "unreachable", H.now()
          elseif data.state == "addr_available" then
            assert.equal("up", phase, "addr_available in the wrong phase\n" .. context())
            assert.equal(sid, data.assoc_id)
            assert.same({ A_PEER, cport }, data.addr)
            phase, t_available = "available", H.now()
          end
        elseif data.event == "shutdown_event" then
          assert.equal("stopping", phase, "the peer shut down early\n" .. context())
        elseif data.event == "assoc_change" then
          assert.equal("shutdown_comp", data.state, context())
          assert.equal("stopping", phase, context())
          shutdown = true
        end
      else
        -- a data message: the next number, nothing lost, nothing twice
        local n = tonumber(data:match("^msg (%d+)$"))
        if n ~= expected then
          error(string.format("expected message %d, got %s\n%s", expected, H.show(data), context()))
        end
        assert.equal(sid, H.info(anc).assoc_id)
        expected = expected + 1
        if phase == "before" and n == 20 then
          N.must_sh("ip link set " .. veth_a .. " down")
          phase, t_down = "down", H.now()
          note("link A down after message " .. n)
        elseif phase == "unreachable" then
          during_outage = during_outage + 1
          if ip == B_PEER then from_b_during = from_b_during + 1 end
          if during_outage == 10 then
            N.must_sh("ip link set " .. veth_a .. " up")
            phase, t_up = "up", H.now()
            note("link A up after message " .. n)
          end
        elseif phase == "available" then
          after_available = after_available + 1
          if after_available == 10 then
            H.must(server:send(sid, 0, "stop"))
            phase = "stopping"
            note("stop sent after message " .. n)
          end
        end
        -- each phase is bounded
        local since = t_available or t_up or t_unreachable or t_down
        if since and H.now() - since > STEP_TIMEOUT / 1000 then
          error("phase " .. phase .. " took too long\n" .. context())
        end
      end
    end

    -- the peer counted what it sent; we must have had all of it
    local sent = tonumber(peer:wait_line("\nSENT (%d+)", STEP_TIMEOUT))
    assert.is_truthy(sent, "the peer did not report\n" .. context())
    assert.equal(sent, expected - 1, "messages lost at the end\n" .. context())
    assert.is_truthy(peer:wait_line("\nDONE", STEP_TIMEOUT), context())
    -- the messages of the outage came over path B
    assert.is_true(during_outage >= 10)
    assert.equal(during_outage, from_b_during, context())
    -- the peer saw our A address fail and come back too
    local out = peer:output()
    assert.is_truthy(out:find("EVENT paddr_change addr_unreachable " .. A_HERE, 1, true), context())
    assert.is_truthy(out:find("EVENT paddr_change addr_available " .. A_HERE, 1, true), context())
    print(string.format("\nfailover (%s): %d messages; link down -> unreachable %.2fs, link up -> available %.2fs, total %.1fs",
      N.interpreter(), sent, t_unreachable - t_down, t_available - t_up, H.now() - started))
  end)
  -- RFC 7829: with sctp_expose_potentially_failed_state on and a PF
  -- threshold below pathmaxrxt, a path that stops answering is first
  -- reported potentially failed (and so read in sctp_get_peer_addr_info),
  -- and only later unreachable; meanwhile the messages keep coming over B.
  -- #kernel: usrsctp has neither sctp_peer_addr_thlds nor
  -- sctp_expose_potentially_failed_state (spec/options_beyond_spec.lua)
  it_netns("reports a path potentially failed before it fails (sctp_peer_addr_thlds, RFC 7829) #kernel", function()
    local server = server_socket()
    H.must(server:setopts({
      sctp_peer_addr_thlds = { assoc_id = 0, pathmaxrxt = 8, pathpfthld = 1 },
      sctp_expose_potentially_failed_state = { assoc_id = 0, value = "enable" },
    }))
    local peer = start_client(H.port_of(server))
    local up = H.expect_event(server, "assoc_change", "comm_up", STEP_TIMEOUT)
    local sid = up.assoc_id
    local thlds = H.must(server:getopts({ sctp_peer_addr_thlds = { assoc_id = sid } })).sctp_peer_addr_thlds
    assert.same({ 8, 1 }, { thlds.pathmaxrxt, thlds.pathpfthld })
    local cport = H.must(server:peernames(sid))[1][2]
    local log, phase, expected = {}, "before", 1
    local pf_state, from_b_pf, t_down, t_pf, t_unreachable
    local function context() return table.concat(log, "\n") .. "\n-- peer output:\n" .. peer:output() end
    local deadline = H.now() + TOTAL_TIMEOUT / 1000
    while phase ~= "available" do
      local ip, p, anc, data = server:recv(H.ms_left(deadline))
      assert.is_truthy(ip, "recv: " .. tostring(p) .. " in phase " .. phase .. "\n" .. context())
      if sctp.is_event(data) then
        log[#log + 1] = string.format("%.2fs %s", H.now() - (t_down or H.now()), H.show(data))
        if data.event == "paddr_change" and data.addr and data.addr[1] == A_PEER then
          if data.state == "addr_potentially_failed" then
            assert.equal("down", phase, "potentially failed in the wrong phase\n" .. context())
            phase, t_pf = "pf", H.now()
            local info = H.must(server:getopts({ sctp_get_peer_addr_info =
              { assoc_id = sid, address = { A_PEER, cport } } })).sctp_get_peer_addr_info
            pf_state = info.state
          elseif data.state == "addr_unreachable" then
            assert.equal("pf", phase, "unreachable before potentially failed\n" .. context())
            phase, t_unreachable = "unreachable", H.now()
            N.must_sh("ip link set " .. veth_a .. " up")
          elseif data.state == "addr_available" and phase == "unreachable" then
            phase = "available"
          end
        end
      else
        local n = tonumber(data:match("^msg (%d+)$"))
        assert.equal(expected, n, context())
        expected = expected + 1
        if phase == "before" and n == 20 then
          N.must_sh("ip link set " .. veth_a .. " down")
          phase, t_down = "down", H.now()
        elseif phase == "pf" and ip == B_PEER then
          from_b_pf = (from_b_pf or 0) + 1
        end
      end
    end
    H.must(server:send(sid, 0, "stop"))
    assert.is_truthy(peer:wait_line("\nDONE", STEP_TIMEOUT), context())
    assert.equal("pf", pf_state, context())
    assert.is_true((from_b_pf or 0) > 0, "no message over B while A was potentially failed\n" .. context())
    print(string.format("\npotentially failed (%s): link down -> pf %.2fs -> unreachable %.2fs more; %d messages over B meanwhile",
      N.interpreter(), t_pf - t_down, t_unreachable - t_pf, from_b_pf))
  end)
end)
