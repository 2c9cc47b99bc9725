-- The two backends on one wire: a process on the usrsctp backend
-- (spec/peers/usrsctp_peer.lua) and this one on the kernel's SCTP exchange
-- messages on several streams, with ppids and an unordered one, and see each
-- other's events, both ways, over UDP encapsulation (RFC 6951).
--
-- The kernel listens for SCTP over UDP on net.sctp.udp_port and sends to
-- net.sctp.encap_port; the usrsctp process listens on USR_UDP
-- (SCTP_USRSCTP_UDP_PORT) and sends to 9899. Beside a kernel that has SCTP
-- its raw sockets hear nothing (RAW false), so UDP is the only way between
-- them. Needs the kernel's SCTP with those sysctls (Linux >= 5.11: the test
-- VM) and a build with usrsctp; the usrsctp-native run has no kernel SCTP
-- (#kernel).
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"
local N = require "nethelper"
local sctp = require "sctp"

local KERNEL_UDP = 9899   -- net.sctp.udp_port
local USR_UDP = 9877      -- the usrsctp process's, and net.sctp.encap_port

local function unavailable()
  local built = false
  for _, b in ipairs(sctp.backends()) do built = built or b == "usrsctp" end
  if not built then return "this build has no usrsctp backend" end
  local s = sctp.open(0, { ip = H.LOCAL, backend = "kernel" })
  if not s then return "this kernel has no SCTP" end
  s:close()
  if N.sysctl("net.sctp.udp_port") == nil then return "this kernel has no net.sctp.udp_port" end
  if not N.is_root() then return "needs root (sysctls)" end
  return nil
end
local why_not = unavailable()

local MESSAGES = {
  { stream = 0, ppid = 46, data = "one" },
  { stream = 1, ppid = 47, data = "two" },
  { stream = 2, ppid = 48, data = "three", unordered = true },
  { stream = 3, ppid = 49, data = "four" },
}

local function unordered(sri)
  for _, f in ipairs(sri.flags or {}) do if f == "unordered" then return true end end
  return false
end

local function start_usrsctp(mode, port)
  -- (start_program drops a preloaded sanitizer runtime: this child is ours,
  -- and a sanitized core.so needs it back)
  return N.start_program(30, { "env", "LD_PRELOAD=" .. (os.getenv("LD_PRELOAD") or ""),
    "LUA_PATH=" .. package.path, "LUA_CPATH=" .. package.cpath,
    "SCTP_BACKEND=usrsctp", "SCTP_USRSCTP_UDP_PORT=" .. USR_UDP,
    "SCTP_USRSCTP_PEER_UDP_PORT=" .. KERNEL_UDP,
    N.interpreter(), "spec/peers/usrsctp_peer.lua", mode, tostring(port) })
end

-- the peer's report after it ended: its lines, checked for DONE
local function finished(peer)
  local ok = peer:wait(10000)
  local text = peer:output()
  assert.is_true(ok, "the usrsctp peer did not end: " .. text)
  assert.truthy(text:find("\nDONE\n", 1, true), text)
  assert.is_nil(text:find("ERROR", 1, true), text)
  assert.truthy(text:find("RAW false", 1, true), "beside the kernel's SCTP only UDP may carry it: " .. text)
  return text
end

-- the DATA lines of the peer's report, in order
local function data_lines(text)
  local t = {}
  for s, p, o, d in text:gmatch("DATA (%d+) (%d+) (%a) (%S+)") do
    t[#t + 1] = { stream = tonumber(s), ppid = tonumber(p), unordered = o == "u", data = d }
  end
  return t
end

local function sysctls()
  return { ["net.sctp.udp_port"] = KERNEL_UDP, ["net.sctp.encap_port"] = USR_UDP }
end

describe("kernel and usrsctp over UDP #kernel", function()
  after_each(function()
    H.cleanup()
    N.teardown()
  end)

  if why_not then
    it("needs the kernel's SCTP with UDP encapsulation and usrsctp", function() pending(why_not) end)
    return
  end

  it("a kernel client and a usrsctp server: messages and events both ways", function()
    local port = H.free_port(H.LOCAL)
    local peer = start_usrsctp("server", port)
    assert.truthy(peer:wait_line("(READY)", H.TIMEOUT), peer:output())
    N.with_sysctls(sysctls(), function()
      local c = H.open(0, { ip = H.LOCAL, backend = "kernel" })
      local assoc = H.must(c:connect(H.LOCAL, port, nil, H.TIMEOUT))
      assert.equal("comm_up", assoc.state)
      for _, m in ipairs(MESSAGES) do
        H.must(c:send({ assoc_id = assoc.assoc_id, stream = m.stream, ppid = m.ppid,
          flags = m.unordered and { "unordered" } or nil }, m.data))
      end
      local got = {}
      for _ = 1, #MESSAGES do
        local _, _, anc, data = H.expect_data(c)
        local sri = H.info(anc)
        got[data] = { stream = sri.stream, ppid = sri.ppid, unordered = unordered(sri) }
      end
      for _, m in ipairs(MESSAGES) do
        assert.same({ stream = m.stream, ppid = m.ppid, unordered = m.unordered == true }, got[m.data])
      end
      H.must(c:eof(assoc.assoc_id))
      H.await_event(c, "assoc_change", "shutdown_comp")
      c:close()
    end)
    local text = finished(peer)
    assert.truthy(text:find("EVENT assoc_change comm_up", 1, true), text)
    assert.truthy(text:find("EVENT shutdown_event", 1, true), text)
    local lines = data_lines(text)
    assert.equal(#MESSAGES, #lines, text)
    for _, m in ipairs(MESSAGES) do
      local seen
      for _, l in ipairs(lines) do if l.data == m.data then seen = l end end
      assert.same({ stream = m.stream, ppid = m.ppid, unordered = m.unordered == true, data = m.data }, seen)
    end
  end)

  it("a usrsctp client and a kernel server: messages and events both ways", function()
    N.with_sysctls(sysctls(), function()
      local server = H.server({ backend = "kernel" })
      local peer = start_usrsctp("client", H.port_of(server))
      H.await_event(server, "assoc_change", "comm_up")
      local got = {}
      for _ = 1, #MESSAGES + 1 do
        local _, _, anc, data = H.expect_data(server)
        local sri = H.info(anc)
        got[data] = { stream = sri.stream, ppid = sri.ppid, unordered = unordered(sri) }
        if data == "bye" then
          H.must(server:eof(sri.assoc_id))
        else
          H.must(server:send({ assoc_id = sri.assoc_id, stream = sri.stream, ppid = sri.ppid,
            flags = unordered(sri) and { "unordered" } or nil }, data))
        end
      end
      for _, m in ipairs(MESSAGES) do
        assert.same({ stream = m.stream, ppid = m.ppid, unordered = m.unordered == true }, got[m.data])
      end
      H.await_event(server, "assoc_change", "shutdown_comp")
      local text = finished(peer)
      assert.truthy(text:find("EVENT assoc_change comm_up", 1, true), text)
      assert.truthy(text:find("EVENT shutdown_event", 1, true), text)
      local lines = data_lines(text)
      assert.equal(#MESSAGES, #lines, text)
      for i, m in ipairs(MESSAGES) do
        local l = lines[i]
        if m.unordered then   -- unordered may overtake; find it by its text
          for _, x in ipairs(lines) do if x.data == m.data then l = x end end
        end
        assert.same({ stream = m.stream, ppid = m.ppid, unordered = m.unordered == true, data = m.data }, l)
      end
    end)
  end)
end)
