-- connect to an address where nothing answers: the timeout path.
--
-- 192.0.2.2 is routed to a dummy interface with no host behind it, so the
-- INIT goes out and nothing ever comes back. Needs root (the interface).
-- On usrsctp (tools/run-tests' network namespace: loopback alone) there is
-- no route to 192.0.2.2 at all: the INIT, over UDP, is lost just the same,
-- from a socket on loopback, and no dummy is needed.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code: no goto, no `//`, no `<close>`.

local H = require "helper"
local N = require "nethelper"

local SILENT = "192.0.2.2"   -- on the dummy's subnet; no one owns it

-- A socket bound to the dummy's address (a loopback-bound one could not
-- reach 192.0.2.2 at all: enetunreach) and to loopback.
local function client(opts)
  opts = H.copy(opts)
  opts.ip = H.USRSCTP and "127.0.0.1" or { "192.0.2.1", "127.0.0.1" }
  return H.open(0, opts)
end

describe("connect with nobody answering", function()
  local dummy
  setup(function()
    if H.USRSCTP then
      -- nothing on this host may own 192.0.2.2 (it would answer)
      local s, err = H.sctp.open(0, { ip = SILENT })
      if s then s:close() else dummy = err == "eaddrnotavail" and "none" end
      return
    end
    if N.root_net_unavailable() then return end
    dummy = N.unique("lsct")
    N.add_dummy(dummy, { "192.0.2.1/24" })
  end)
  teardown(function() N.teardown() end)
  after_each(H.cleanup)

  local function need_net()
    assert(dummy, H.USRSCTP and "needs a host without " .. SILENT .. " (tools/run-tests' namespace)"
      or "needs root for a dummy interface: " .. tostring(N.root_net_unavailable()))
  end

  it("returns nil, \"timeout\" after about the timeout, with the opts form", function()
    need_net()
    local c = client()
    local t0 = H.now()
    local ok, err, detail = c:connect(SILENT, 9, {}, 1000)
    local took = H.now() - t0
    H.fails("timeout", true, ok, err, detail)
    assert.is_true(took >= 0.9, "returned after " .. took .. " s, before the timeout")
    assert.is_true(took < 5, "returned after " .. took .. " s")
  end)

  it("returns nil, \"timeout\" with the timeout given without opts", function()
    need_net()
    local c = client()
    H.fails("timeout", true, c:connect(SILENT, 9, 500))
  end)

  it("leaves no half-open association behind: no stray comm_up or cant_assoc later", function()
    need_net()
    local c = client()
    H.fails("timeout", true, c:connect(SILENT, 9, {}, 500))
    -- the aborted association's end is not reported as a new event
    H.expect_quiet(c, 1500)
  end)

  it("keeps the socket usable: a later connect on it succeeds and carries data", function()
    need_net()
    local c = client()
    H.fails("timeout", true, c:connect(SILENT, 9, {}, 500))
    local server = H.server()
    local assoc = H.must(c:connect("127.0.0.1", H.port_of(server), H.TIMEOUT))
    assert.equal("comm_up", assoc.state)
    H.expect_event(server, "assoc_change", "comm_up")
    H.must(c:send(assoc, 0, "after the timeout"))
    assert.equal("after the timeout", select(4, H.expect_data(server)))
    -- and what the timed-out connect left queued is nothing
    H.expect_quiet(c, 300)
  end)

  it("a connect_init that gets no answer ends in cant_assoc, reported once", function()
    need_net()
    local c = client({ sctp_initmsg = { max_attempts = 1, max_init_timeo = 200 } })
    assert.equal(true, c:connect_init(SILENT, 9))
    local ev = H.expect_event(c, "assoc_change", "cant_assoc", 10000)
    assert.is_number(ev.assoc_id)
    H.expect_quiet(c, 500)
  end)
end)

-- The C core's eof/abort take optional trailing arguments; called without
-- them (as the Lua layer's timeout path does) they must not lose the
-- association argument. A fresh interpreter loads sctp.core alone, so the
-- methods are the C ones, not the Lua layer's.
describe("the C eof/abort with their optional arguments absent", function()
  it("abort(sock, id) and eof(sock, id) work without a reason, and check the reason's type", function()
    local script = [[
      local core = require "sctp.core"
      local m = core.methods
      local s = assert(core.socket("inet", "seqpacket", BACKEND))
      assert(m.bindx(s, {"127.0.0.1"}, 0, "add"))
      -- association 12345 does not exist: the call reaches the kernel
      -- (an error result), instead of raising about a missing argument
      local ok, err = m.abort(s, 12345)
      io.write("abort:", tostring(ok), ":", tostring(err), "\n")
      ok, err = m.eof(s, 12345)
      io.write("eof:", tostring(ok), ":", tostring(err), "\n")
      local okc, msg = pcall(m.abort, s, 12345, 42)
      io.write("badreason:", tostring(okc), ":", tostring(msg), "\n")
      m.close(s)
    ]]
    local path = os.tmpname()
    local f = assert(io.open(path, "w"))
    f:write(string.format("local BACKEND = %q\n", H.BACKEND), script)
    f:close()
    local ok, out = N.sh(string.format("env LUA_CPATH=%s %s %s",
      N.quote(package.cpath), N.quote(N.interpreter()), N.quote(path)))
    os.remove(path)
    assert.is_true(ok, out)
    local abort_ok, abort_err = out:match("abort:(%w+):(%w+)")
    assert.equal("nil", abort_ok, out)
    assert.is_not.equal("nil", abort_err, out)   -- a named failure, not a raise
    local eof_ok = out:match("eof:(%w+):")
    assert.equal("nil", eof_ok, out)
    local bad = out:match("badreason:false:([^\n]*)")
    assert.is_truthy(bad, out)
    assert.is_truthy(bad:find("abort: bad argument 'reason' (string expected, got number)", 1, true), out)
  end)
end)
