-- Which SCTP stack a socket uses: the backend chosen per socket
-- (`open`'s `backend`), the process default (`sctp.default_backend`,
-- SCTP_BACKEND), what a socket tells about its own (`sock:backend()`,
-- `sock:capabilities()`), and accepted and peeled-off sockets keeping their
-- parent's. This build has the kernel backend; the userland one (usrsctp) is
-- a known name that is not built yet, and says so.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"
local sctp = require "sctp"

describe("backends", function()
  after_each(function()
    sctp.default_backend("kernel")
    H.cleanup()
  end)

  it("a socket tells its backend and what it can do", function()
    local s = H.server()
    assert.equal("kernel", s:backend())
    local caps = s:capabilities()
    assert.same({ backend = "kernel", write_ready = true, gather_send = true, diag = true,
      udp_encaps = true, raw_ip = true }, caps)
    -- asked for by name
    local k = H.track(H.must(sctp.open({ ip = "127.0.0.1", backend = "kernel" })))
    assert.equal("kernel", k:backend())
    -- a closed socket still tells
    k:close()
    assert.equal("kernel", k:backend())
  end)

  it("accepted and peeled-off sockets keep their parent's backend", function()
    local listener = H.track(H.must(sctp.open({ ip = "127.0.0.1", type = "stream", backend = "kernel" })))
    H.must(listener:listen(true))
    local c = H.track(H.must(sctp.open({ ip = "127.0.0.1", type = "stream" })))
    H.must(c:connect("127.0.0.1", H.port_of(listener), nil, H.TIMEOUT))
    local accepted = H.track(H.must(listener:accept(H.TIMEOUT)))
    assert.equal("kernel", accepted:backend())
    local server, _, _, sid = H.pair()
    local peeled = H.track(H.must(server:peeloff(sid)))
    assert.equal("kernel", peeled:backend())
  end)

  it("the process default: kernel unless set; usrsctp is not built, and open says so", function()
    assert.equal(os.getenv("SCTP_BACKEND") or "kernel", sctp.default_backend())
    assert.equal("kernel", sctp.default_backend("kernel"))
    assert.equal("usrsctp", sctp.default_backend("usrsctp"))
    local s, err, detail = sctp.open({ ip = "127.0.0.1" })
    assert.is_nil(s)
    assert.equal("eprotonosupport", err)
    assert.matches("usrsctp backend is not built", detail, 1, true)
    -- `backend` in open wins over the default
    local k = H.track(H.must(sctp.open({ ip = "127.0.0.1", backend = "kernel" })))
    assert.equal("kernel", k:backend())
    s, err = sctp.open({ ip = "127.0.0.1", backend = "usrsctp" })
    assert.is_nil(s)
    assert.equal("eprotonosupport", err)
    sctp.default_backend("kernel")
    assert.equal("kernel", H.track(H.must(sctp.open({ ip = "127.0.0.1" }))):backend())
  end)

  it("raises for a backend it does not know", function()
    H.raises(function() sctp.open({ backend = "bsd" }) end, "open", "backend")
    H.raises(function() sctp.open({ backend = 1 }) end, "open", "backend")
    H.raises(function() sctp.default_backend("bsd") end, "default_backend", "name")
  end)

  it("SCTP_BACKEND sets the default of a new process", function()
    local N = require "nethelper"
    local lua = N.interpreter()
    local code = string.format("package.path = %q; package.cpath = %q; ", package.path, package.cpath) ..
      [[local sctp = require "sctp"; local s, e, d = sctp.open({ip = "127.0.0.1"});
      io.write(sctp.default_backend(), " ", tostring(s and s:backend() or e))]]
    local function run(env)
      local ok, out = N.sh(env .. " " .. N.quote(lua) .. " -e " .. N.quote(code) .. " 2>&1")
      return ok, out
    end
    local ok, out = run("SCTP_BACKEND=kernel")
    assert.is_true(ok, out)
    assert.equal("kernel kernel", out)
    ok, out = run("SCTP_BACKEND=usrsctp")
    assert.is_true(ok, out)
    assert.equal("usrsctp eprotonosupport", out)
    ok, out = run("SCTP_BACKEND=bsd")
    assert.is_false(ok, out)
    assert.matches('SCTP_BACKEND is "bsd"', out, 1, true)
  end)
end)
