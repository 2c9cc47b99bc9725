-- usrsctp over raw IP, no UDP: two processes on the usrsctp backend, each
-- in a network namespace of its own joined by a veth pair, with UDP
-- encapsulation off (SCTP_USRSCTP_UDP_PORT=0, SCTP_USRSCTP_PEER_UDP_PORT=0),
-- exchange messages on four streams and shut down. The way usrsctp speaks
-- where the process may open raw sockets (root, CAP_NET_RAW) and the kernel
-- has no SCTP of its own (beside one, usrsctp's raw sockets are kept deaf:
-- docs/backends.md). Each process has a namespace of its own because two
-- usrsctp stacks hearing the same raw packets would answer each other's as
-- out of the blue.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"
local N = require "nethelper"
local sctp = require "sctp"

local A, B = "10.91.0.1", "10.91.0.2"

local function unavailable()
  if not H.USRSCTP then return "the usrsctp backend's run only" end
  local k = require("sctp.core").socket("inet", "seqpacket", "kernel")
  if k then k:close() return "the kernel has SCTP here: usrsctp's raw sockets stay deaf" end
  return N.netns_unavailable()
end
local why_not = unavailable()

local function start(ns, mode, port, addr)
  -- (start_program drops a preloaded sanitizer runtime: this child is ours,
  -- and a sanitized core.so needs it back)
  return N.start_program(30, { "ip", "netns", "exec", ns, "env",
    "LD_PRELOAD=" .. (os.getenv("LD_PRELOAD") or ""),
    "LUA_PATH=" .. package.path, "LUA_CPATH=" .. package.cpath, "SCTP_BACKEND=usrsctp",
    "SCTP_USRSCTP_UDP_PORT=0", "SCTP_USRSCTP_PEER_UDP_PORT=0", "SCTP_USRSCTP_RAW=1",
    N.interpreter(), "spec/peers/usrsctp_peer.lua", mode, tostring(port), addr })
end

describe("usrsctp over raw IP #usrsctp", function()
  after_each(function() N.teardown() end)

  if why_not then
    it("needs root, network namespaces and no kernel SCTP", function() pending(why_not) end)
    return
  end

  it("two processes in two namespaces talk SCTP over IP, without UDP", function()
    local na, nb = N.add_netns(N.unique("ura")), N.add_netns(N.unique("urb"))
    local va, vb = N.unique("va"), N.unique("vb")
    N.must_sh(string.format("ip -n %s link add %s type veth peer name %s netns %s",
      N.quote(na), N.quote(va), N.quote(vb), N.quote(nb)))
    N.must_sh(string.format("ip -n %s addr add %s/24 dev %s && ip -n %s link set %s up",
      N.quote(na), A, N.quote(va), N.quote(na), N.quote(va)))
    N.must_sh(string.format("ip -n %s addr add %s/24 dev %s && ip -n %s link set %s up",
      N.quote(nb), B, N.quote(vb), N.quote(nb), N.quote(vb)))
    local port = 5611
    local server = start(na, "server", port, A)
    assert.truthy(server:wait_line("(READY)", H.TIMEOUT), server:output())
    local client = start(nb, "client", port, A)
    assert.is_true((client:wait(20000)), "client: " .. client:output())
    assert.is_true((server:wait(10000)), "server: " .. server:output())
    for who, p in pairs({ client = client, server = server }) do
      local text = p:output()
      assert.truthy(text:find("RAW true", 1, true), who .. ": " .. text)
      assert.truthy(text:find("\nDONE\n", 1, true), who .. ": " .. text)
      assert.is_nil(text:find("ERROR", 1, true), who .. ": " .. text)
    end
    -- four messages went there and back, on their streams and ppids
    local c = client:output()
    for _, want in ipairs({ "DATA 0 46 o one", "DATA 1 47 o two", "DATA 2 48 u three", "DATA 3 49 o four" }) do
      assert.truthy(c:find(want, 1, true), "client: " .. c)
      assert.truthy(server:output():find(want, 1, true), "server: " .. server:output())
    end
  end)
end)

-- usrsctp reads the host's interface addresses once, when its stack starts
-- (its first socket): an address added afterwards cannot be bound (Linux
-- takes it at once). A child process in a network namespace of its own
-- shows it: its stack starts, then the address comes, then the bind fails;
-- a second process started after the address binds it.
describe("usrsctp's address list #usrsctp", function()
  after_each(function() N.teardown() end)

  if why_not then
    it("needs root, network namespaces and no kernel SCTP", function() pending(why_not) end)
    return
  end

  it("is read once: an address added after the first socket cannot be bound", function()
    local ns = N.add_netns(N.unique("ual"))
    local addr = "10.92.0.1"
    local code = [[
      local sctp = require "sctp"
      local first = assert(sctp.open(0, { ip = "127.0.0.1" }))
      assert(os.execute("ip addr add ]] .. addr .. [[/32 dev lo"))
      local s, err = sctp.open(0, { ip = "]] .. addr .. [[" })
      io.write(s and "bound" or tostring(err))]]
    local function run(script)
      return N.sh(string.format("ip netns exec %s env SCTP_BACKEND=usrsctp LUA_PATH=%s LUA_CPATH=%s %s -e %s",
        N.quote(ns), N.quote(package.path), N.quote(package.cpath), N.quote(N.interpreter()), N.quote(script)))
    end
    local ok, out = run(code)
    assert.is_true(ok, out)
    assert.equal("eaddrnotavail", out)
    -- a process started after the address came binds it
    ok, out = run([[local s, err = require("sctp").open(0, { ip = "]] .. addr .. [[" })
      io.write(s and "bound" or tostring(err))]])
    assert.is_true(ok, out)
    assert.equal("bound", out)
  end)
end)
