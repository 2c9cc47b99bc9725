-- Multi-homed failover demo (needs root and iproute2: run it in the test VM,
-- e.g. `tools/vm/sctp-vm -- lua5.4 examples/failover.lua`).
--
-- Two paths between this namespace and a peer namespace, made of two veth
-- pairs with documentation addresses (nothing leaves the machine):
--     path A: 192.0.2.1    <-> 192.0.2.2
--     path B: 198.51.100.1 <-> 198.51.100.2
-- The client streams numbered messages to the multi-homed server while
-- path A's link goes down and comes back: SCTP reports addr_unreachable,
-- moves the traffic to path B, reports addr_available, and every message
-- arrives once and in order.
local sctp = require "sctp"

local NS = "sctpdemo" .. (os.getenv("SCTP_DEMO_ID") or "")
local A_LOCAL, A_PEER = "192.0.2.1", "192.0.2.2"
local B_LOCAL, B_PEER = "198.51.100.1", "198.51.100.2"
local PORT = 5900

local function sh(cmd)
  local ok = os.execute(cmd)
  return ok == true or ok == 0
end

-- Fast path supervision so the demo takes seconds, not minutes.
local FAST = {
  sctp_rtoinfo = {initial = 200, min = 100, max = 400},
  sctp_peer_addr_params = {hbinterval = 100, pathmaxrxt = 2},
}

local function serve()
  local server = assert(sctp.open(PORT, {ip = {A_PEER, B_PEER}}))
  assert(server:setopts(FAST))
  assert(server:listen(true))
  print("ready") io.stdout:flush()
  local expected = 1
  while true do
    local _, _, ancdata, data = assert(server:recv(30000))
    if not sctp.is_event(data) then
      if data == "stop" then
        assert(server:send({assoc_id = ancdata[1].assoc_id, stream = 0}, tostring(expected - 1)))
        server:recv(2000)   -- let the reply go before closing
        break
      end
      assert(tonumber(data) == expected, ("expected message %d, got %s"):format(expected, data))
      expected = expected + 1
    end
  end
  server:close()
end

if arg[1] == "--server" then return serve() end

-- Set up the namespaces and links; always torn down at the end.
local function cleanup() sh("ip netns del " .. NS .. " 2>/dev/null") end
cleanup()
assert(sh("ip netns add " .. NS), "needs root and iproute2 (run it in the test VM)")
local setup = {
  "ip link add dA0 type veth peer name dA1", "ip link add dB0 type veth peer name dB1",
  "ip link set dA1 netns " .. NS, "ip link set dB1 netns " .. NS,
  "ip addr add " .. A_LOCAL .. "/24 dev dA0", "ip addr add " .. B_LOCAL .. "/24 dev dB0",
  "ip link set dA0 up", "ip link set dB0 up",
  "ip -n " .. NS .. " addr add " .. A_PEER .. "/24 dev dA1",
  "ip -n " .. NS .. " addr add " .. B_PEER .. "/24 dev dB1",
  "ip -n " .. NS .. " link set dA1 up", "ip -n " .. NS .. " link set dB1 up",
  "ip -n " .. NS .. " link set lo up",
}
local ok, err = pcall(function()
  for _, cmd in ipairs(setup) do assert(sh(cmd), cmd) end

  -- The server runs in the peer namespace, as its own process.
  local interp = arg[-1] or "lua5.4"
  local server = assert(io.popen(("ip netns exec %s %s %s --server"):format(NS, interp, arg[0])))
  assert(server:read("*l") == "ready", "server did not start")

  local client = assert(sctp.open(0, {ip = {A_LOCAL, B_LOCAL}}))
  assert(client:setopts(FAST))
  local id = assert(client:connectx_init({A_PEER, B_PEER}, PORT))
  -- Every event read anywhere is noted here, so none is missed.
  local seen = {}
  local function pump(ms)
    local _, _, _, ev = client:recv(ms)
    if sctp.is_event(ev) then
      if ev.event == "paddr_change" then
        print(("  paddr_change %s %s"):format(ev.addr and ev.addr[1] or "?", ev.state))
        if ev.addr and ev.addr[1] == A_PEER then seen[ev.state] = true end
      elseif ev.event == "assoc_change" then
        seen[ev.state] = true
      end
    end
  end
  local function wait_for(state)
    local deadline = sctp.gettime() + 15
    while not seen[state] do
      assert(sctp.gettime() < deadline, "no " .. state)
      pump(200)
    end
  end
  wait_for("comm_up")
  assert(client:setopts{sctp_primary_addr = {assoc_id = id, addr = A_PEER}})
  print("association up, primary path A (" .. A_PEER .. ")")

  local n = 0
  local function stream(count)
    for _ = 1, count do
      n = n + 1
      assert(client:send({assoc_id = id, stream = 0}, tostring(n)))
      pump(20)   -- pace the stream, and note events as they come
    end
  end
  stream(20)
  print("path A link down")
  assert(sh("ip link set dA0 down"))
  stream(10)
  wait_for("addr_unreachable")
  stream(20)
  print("path A link up")
  assert(sh("ip link set dA0 up"))
  wait_for("addr_available")
  stream(10)
  assert(client:send({assoc_id = id, stream = 0}, "stop"))
  local reply
  repeat
    local _, _, _, data = assert(client:recv(10000))
    if not sctp.is_event(data) then reply = data end
  until reply
  server:close()
  client:close()
  assert(tonumber(reply) == n, ("sent %d, server counted %s"):format(n, reply))
  print(("failover: %d messages sent, %s received in order across the failover"):format(n, reply))
end)
sh("ip link del dA0 2>/dev/null; ip link del dB0 2>/dev/null")
cleanup()
if not ok then error(err, 0) end
