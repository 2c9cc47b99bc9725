-- RFC 6951 UDP encapsulation in the kernel's own SCTP: two sockets on
-- loopback talk SCTP inside UDP, and sctp_remote_udp_encaps_port
-- {assoc_id, address, port} sets and reads the peer's UDP port for the
-- endpoint (future associations), one association, or one peer address.
--
-- The kernel listens for encapsulated SCTP on net.sctp.udp_port (0: off)
-- and sends from that port; a new socket copies it, and takes its default
-- remote port from net.sctp.encap_port. Both sysctls belong to this network
-- namespace: every case sets them with N.with_sysctls, closes its sockets
-- while they are set, and gets them back restored (0 and 0 on a fresh
-- kernel), so no other spec sees them changed. The specs run in this
-- process's namespace (the sockets are this process's), so the traffic
-- control rules that tell UDP from SCTP go on `lo` and are removed again
-- at the end of the case that made them.
--
-- Ports here are host order numbers; RFC 6951's sue_port is in network
-- order, so a value read back byte-swapped (9899 -> 43814, 7777 -> 24862)
-- or messages going to the swapped port show a missing conversion.
--
-- Needs root, iproute2's ip and tc, and the tc modules sch_prio, cls_u32
-- and act_gact (the test VM loads them); skipped without root or tc.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code: no goto, no `//`, no `<close>`.

local H = require "helper"
local N = require "nethelper"
local sctp = require "sctp"

local get = H.getopt

local UDP_PORT = 9899       -- net.sctp.udp_port (IANA's sctp-tunneling port)
local ENCAP_DEFAULT = 7777  -- net.sctp.encap_port: the default remote port
local QUIET = 1000          -- ms a message must stay away while UDP is dropped
local STEP = 5000           -- ms any one step may take
local MESSAGES = 5          -- messages each way before the drop rule

-- Why these cases cannot run here, or nil. Opening a socket loads the sctp
-- module where that is allowed, which makes net.sctp appear.
local function unavailable()
  local why = N.netem_unavailable()
  if why then return why end
  local s = sctp.open(0, { ip = H.LOCAL })
  if s then s:close() end
  if N.sysctl("net.sctp.udp_port") == nil or N.sysctl("net.sctp.encap_port") == nil then
    return "this kernel has no net.sctp.udp_port / net.sctp.encap_port (UDP encapsulation)"
  end
  return nil
end
local why_not = unavailable()
-- The sysctls as this spec found them, to check they are restored.
local found = not why_not and {
  udp_port = N.sysctl("net.sctp.udp_port"), encap_port = N.sysctl("net.sctp.encap_port") }

-- Timers low enough that a message held back by the drop rule is
-- retransmitted soon after the rule goes, and retransmission limits high
-- enough that the association survives the outage. Linger 0: close()
-- aborts at once, over UDP, while the sysctls are still set.
local function opts(extra)
  local o = {
    linger = { true, 0 },
    sctp_nodelay = true,
    sctp_rtoinfo = { assoc_id = 0, initial = H.FAST_RTO.initial, min = H.FAST_RTO.min,
                     max = H.FAST_RTO.max },
    sctp_associnfo = { assoc_id = 0, asocmaxrxt = 100 },
    sctp_peer_addr_params = { assoc_id = 0, pathmaxrxt = 100 },
  }
  for k, v in pairs(extra or {}) do o[k] = v end
  return o
end

-- The kernel's count of UDP datagrams that came to a port nobody listens
-- on (Udp: NoPorts in /proc/net/snmp), or nil.
local function udp_noports()
  local snmp = H.read_file("/proc/net/snmp") or ""
  local names, values = snmp:match("\nUdp: (%D[^\n]*)\nUdp: ([^\n]*)")
  if not names then return nil end
  local i, want = 0, nil
  for name in names:gmatch("%S+") do
    i = i + 1
    if name == "NoPorts" then want = i end
  end
  i = 0
  for v in values:gmatch("%S+") do
    i = i + 1
    if i == want then return tonumber(v) end
  end
  return nil
end

-- server, client, the client's assoc, the server's id of it: the client
-- encapsulates towards the server's (this namespace's) UDP port.
local function encaps_pair()
  local server = H.server(opts())
  local client = H.client(opts({ sctp_remote_udp_encaps_port = { assoc_id = 0, port = UDP_PORT } }))
  local noports = udp_noports()
  local assoc, err, detail = client:connect(H.LOCAL, H.port_of(server), nil, STEP)
  if not assoc then
    local now = udp_noports()
    error(string.format("connect over UDP port %d: %s, %s; meanwhile %s UDP datagrams " ..
      "came to ports nobody listens on (a port in the wrong byte order would do that)",
      UDP_PORT, tostring(err), tostring(detail),
      (now and noports) and tostring(now - noports) or "?"), 2)
  end
  local up = H.expect_event(server, "assoc_change", "comm_up", STEP)
  return server, client, assoc, up.assoc_id
end

-------------------------------------------------------------------------------
-- Traffic control on lo: a prio root qdisc with u32 filters that drop
-------------------------------------------------------------------------------

local tc_root = false

local function tc_add_root()
  N.tc("qdisc add dev lo root handle 1: prio")
  tc_root = true
end

local function tc_remove_root()
  if tc_root then
    tc_root = false
    N.sh("env -u LD_PRELOAD tc qdisc del dev lo root")
  end
end

-- A filter of preference `pref` dropping the IPv4 packets `match` selects.
local function tc_drop(pref, match)
  N.tc(string.format("filter add dev lo parent 1: protocol ip pref %d u32 %s action drop",
    pref, match))
end

local function tc_del(pref)
  N.tc(string.format("filter del dev lo parent 1: protocol ip pref %d", pref))
end

-- How many packets filter `pref` looked at and how many it matched (and so
-- dropped): u32's "rule hit N success M".
local function tc_counts(pref)
  local out = N.tc(string.format("-s filter show dev lo parent 1: protocol ip pref %d", pref))
  local hit, success = out:match("rule hit (%d+) success (%d+)")
  assert.is_truthy(hit, "no u32 counters in:\n" .. out)
  return tonumber(hit), tonumber(success)
end

local DROP_SCTP = "match ip protocol 132 0xff"
local DROP_UDP = string.format("match ip protocol 17 0xff match ip dport %d 0xffff", UDP_PORT)

-------------------------------------------------------------------------------

-- Runs fn with UDP encapsulation on in this namespace; closes fn's sockets
-- and removes the tc rules before the sysctls are restored.
local function with_encaps(fn)
  N.with_sysctls({ ["net.sctp.udp_port"] = UDP_PORT, ["net.sctp.encap_port"] = ENCAP_DEFAULT },
    function()
      local r = H.pack(pcall(fn))
      H.cleanup()
      tc_remove_root()
      if not r[1] then error(r[2], 0) end
    end)
end

local function it_encaps(name, fn)
  if why_not then
    pending(name .. " (" .. why_not .. ")")
  else
    it(name, function() with_encaps(fn) end)
  end
end

-- The next data message on `sock` within `ms`, which must be `want`.
local function expect_message(sock, want, ms)
  local ip, port, anc, data = H.expect_data(sock, ms or STEP)
  assert.equal(want, data)
  return ip, port, anc
end

-- #kernel: every case sets the kernel's net.sctp.udp_port/encap_port and
-- filters lo with tc (usrsctp's encapsulation: spec/usrsctp_spec.lua).
describe("UDP encapsulation (RFC 6951, sctp_remote_udp_encaps_port) #kernel", function()
  after_each(function()
    H.cleanup()
    tc_remove_root()
  end)

  lazy_teardown(function()
    H.cleanup()
    tc_remove_root()
    N.teardown()
  end)

  it_encaps("gives a new endpoint net.sctp.encap_port, and sets and reads the endpoint's port", function()
    assert.equal(tostring(UDP_PORT), N.sysctl("net.sctp.udp_port"))
    local s = H.client(opts())
    -- the default remote port, as the sysctl has it (host order)
    assert.same({ assoc_id = 0, port = ENCAP_DEFAULT },
      get(s, "sctp_remote_udp_encaps_port", { assoc_id = 0 }))
    -- without keys: the endpoint too
    assert.same({ assoc_id = 0, port = ENCAP_DEFAULT }, get(s, "sctp_remote_udp_encaps_port"))
    for _, port in ipairs({ UDP_PORT, 1, 65535, 0 }) do
      assert.is_true(H.must(s:setopts({ sctp_remote_udp_encaps_port = { assoc_id = 0, port = port } })))
      assert.same({ assoc_id = 0, port = port },
        get(s, "sctp_remote_udp_encaps_port", { assoc_id = 0 }))
    end
    -- assoc_id left out: the endpoint
    H.must(s:setopts({ sctp_remote_udp_encaps_port = { port = 4321 } }))
    assert.same({ assoc_id = 0, port = 4321 }, get(s, "sctp_remote_udp_encaps_port", { assoc_id = 0 }))
    -- a socket's value is its own
    local other = H.client(opts())
    assert.equal(ENCAP_DEFAULT, get(other, "sctp_remote_udp_encaps_port", { assoc_id = 0 }).port)
  end)

  it_encaps("sets and reads one association's port, and one peer address's", function()
    local server, client, assoc, sid = encaps_pair()
    local cid = assoc.assoc_id
    local server_addr = { H.LOCAL, H.port_of(server) }
    local client_addr = H.must(server:peernames(sid))[1]
    -- the client's association took the endpoint's port
    assert.same({ assoc_id = cid, port = UDP_PORT },
      get(client, "sctp_remote_udp_encaps_port", { assoc_id = cid }))
    assert.same({ assoc_id = cid, address = server_addr, port = UDP_PORT },
      get(client, "sctp_remote_udp_encaps_port", { assoc_id = cid, address = { H.LOCAL } }))
    -- the server's took the UDP source port of the client's INIT (this
    -- namespace's udp_port), not its own endpoint's default
    assert.equal(ENCAP_DEFAULT, get(server, "sctp_remote_udp_encaps_port", { assoc_id = 0 }).port)
    assert.same({ assoc_id = sid, port = UDP_PORT },
      get(server, "sctp_remote_udp_encaps_port", { assoc_id = sid }))
    assert.same({ assoc_id = sid, address = client_addr, port = UDP_PORT },
      get(server, "sctp_remote_udp_encaps_port", { assoc_id = sid, address = client_addr }))

    -- an association's port goes to it and to each of its peer addresses
    H.must(client:setopts({ sctp_remote_udp_encaps_port = { assoc_id = cid, port = 5555 } }))
    assert.equal(5555, get(client, "sctp_remote_udp_encaps_port", { assoc_id = cid }).port)
    assert.equal(5555, get(client, "sctp_remote_udp_encaps_port",
      { assoc_id = cid, address = server_addr }).port)
    -- one address's port goes to that address only
    H.must(client:setopts({ sctp_remote_udp_encaps_port =
      { assoc_id = cid, address = { H.LOCAL }, port = 6666 } }))
    assert.equal(6666, get(client, "sctp_remote_udp_encaps_port",
      { assoc_id = cid, address = server_addr }).port)
    assert.equal(5555, get(client, "sctp_remote_udp_encaps_port", { assoc_id = cid }).port)
    -- the endpoint keeps its own
    assert.equal(UDP_PORT, get(client, "sctp_remote_udp_encaps_port", { assoc_id = 0 }).port)

    -- back to the server's port: messages flow again
    H.must(client:setopts({ sctp_remote_udp_encaps_port = { assoc_id = cid, port = UDP_PORT } }))
    assert.equal(UDP_PORT, get(client, "sctp_remote_udp_encaps_port",
      { assoc_id = cid, address = server_addr }).port)
    H.must(client:send(cid, 0, "after the round trip"))
    expect_message(server, "after the round trip")

    -- the server's peer address follows the packets: what is set there is
    -- replaced by the UDP source port of the next packet from the client
    H.must(server:setopts({ sctp_remote_udp_encaps_port =
      { assoc_id = sid, address = client_addr, port = 1234 } }))
    assert.equal(1234, get(server, "sctp_remote_udp_encaps_port",
      { assoc_id = sid, address = client_addr }).port)
    H.must(client:send(cid, 0, "from the client"))
    expect_message(server, "from the client")
    assert.equal(UDP_PORT, get(server, "sctp_remote_udp_encaps_port",
      { assoc_id = sid, address = client_addr }).port)
    H.must(server:send(sid, 0, "from the server"))
    expect_message(client, "from the server")
  end)

  it_encaps("carries messages both ways over UDP: dropping UDP to the port stops them, dropping SCTP does not", function()
    tc_add_root()
    -- no plain SCTP on lo from here on, the handshake included
    tc_drop(1, DROP_SCTP)
    local server, client, assoc, sid = encaps_pair()
    local cid = assoc.assoc_id
    for i = 1, MESSAGES do
      H.must(client:send(cid, 1, "up " .. i))
      H.must(server:send(sid, 1, "down " .. i))
    end
    for i = 1, MESSAGES do
      local _, _, anc = expect_message(server, "up " .. i)
      assert.equal(sid, H.info(anc).assoc_id)
      assert.equal(1, H.info(anc).stream)
      expect_message(client, "down " .. i)
    end
    local hit, dropped_sctp = tc_counts(1)
    assert.is_true(hit >= 2 * MESSAGES + 4, "the SCTP filter saw only " .. hit .. " packets")
    assert.equal(0, dropped_sctp, "plain SCTP packets were sent")

    -- now drop UDP to the encapsulation port as well: nothing gets through
    tc_drop(2, DROP_UDP)
    H.must(client:send(cid, 1, "held up"))
    H.must(server:send(sid, 1, "held down"))
    H.expect_quiet(server, QUIET)
    H.expect_quiet(client, 100)
    local _, dropped_udp = tc_counts(2)
    assert.is_true(dropped_udp >= 2, "the UDP filter dropped " .. dropped_udp .. " packets")

    -- without the rule, retransmission brings both messages
    tc_del(2)
    local t0 = H.now()
    expect_message(server, "held up")
    expect_message(client, "held down")
    local waited = H.now() - t0
    H.must(client:send(cid, 1, "after"))
    expect_message(server, "after")
    local _, dropped_sctp_after = tc_counts(1)
    assert.equal(0, dropped_sctp_after, "plain SCTP packets were sent")
    print(string.format("\nudp encaps (%s): %d packets dropped at UDP port %d in %d ms; delivered %.2f s after the rule went; SCTP filter saw %d packets, matched 0",
      N.interpreter(), dropped_udp, UDP_PORT, QUIET, waited, (tc_counts(1))))
  end)

  it_encaps("refuses ports out of range, and an association or address the socket lacks", function()
    local server, client, assoc = encaps_pair()
    local cid = assoc.assoc_id
    for _, port in ipairs({ 65536, -1, 70000 }) do
      H.raises(function()
        client:setopts({ sctp_remote_udp_encaps_port = { assoc_id = 0, port = port } })
      end, "setopts", "sctp_remote_udp_encaps_port", "port")
    end
    H.raises(function()
      client:setopts({ sctp_remote_udp_encaps_port = { assoc_id = 0, port = "ninety" } })
    end, "setopts", "port")
    -- nothing was changed by the refused calls
    assert.equal(UDP_PORT, get(client, "sctp_remote_udp_encaps_port", { assoc_id = 0 }).port)

    -- an association id this one-to-many socket lacks: the kernel says einval
    local missing = cid + 1000
    H.fails("einval", true, client:getopts({ sctp_remote_udp_encaps_port = { assoc_id = missing } }))
    H.fails("einval", true,
      client:setopts({ sctp_remote_udp_encaps_port = { assoc_id = missing, port = 1 } }))
    -- an address that is not one of the association's peers: einval too
    H.fails("einval", true, client:getopts({ sctp_remote_udp_encaps_port =
      { assoc_id = cid, address = { "127.0.0.2", H.port_of(server) } } }))
    H.fails("einval", true, client:setopts({ sctp_remote_udp_encaps_port =
      { assoc_id = cid, address = { "127.0.0.2", H.port_of(server) }, port = 1 } }))
    -- and the association still works, over UDP
    assert.equal(UDP_PORT, get(client, "sctp_remote_udp_encaps_port", { assoc_id = cid }).port)
    H.must(client:send(cid, 0, "still here"))
    expect_message(server, "still here")
  end)

  if why_not then
    pending("leaves net.sctp.udp_port and net.sctp.encap_port as it found them (" .. why_not .. ")")
  else
    it("leaves net.sctp.udp_port and net.sctp.encap_port as it found them", function()
      assert.same(found, {
        udp_port = N.sysctl("net.sctp.udp_port"), encap_port = N.sysctl("net.sctp.encap_port") })
      -- and nothing listens on the encapsulation port any more
      local ok, out = N.sh("env -u LD_PRELOAD ss -Hlnu")
      assert.is_true(ok, out)
      if found.udp_port ~= tostring(UDP_PORT) then
        assert.is_nil(out:find(":" .. UDP_PORT .. "%s"), out)
      end
    end)
  end
end)
