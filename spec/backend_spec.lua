-- Which SCTP stack a socket uses: the backend chosen per socket
-- (`open`'s `backend`), the process default (`sctp.default_backend`,
-- SCTP_BACKEND, "auto"), the backends this build has (`sctp.backends()`),
-- what a socket tells about its own (`sock:backend()`,
-- `sock:capabilities()`), and accepted and peeled-off sockets keeping their
-- parent's. The suite runs once per backend (SCTP_BACKEND), so the answers
-- here depend on it and on whether this build has usrsctp.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"
local sctp = require "sctp"

local DEFAULT = os.getenv("SCTP_BACKEND") or "kernel"
local BUILT = {}
for _, name in ipairs(sctp.backends()) do BUILT[name] = true end

local CAPS = {
  kernel = { backend = "kernel", write_ready = true, gather_send = true, diag = true,
    udp_encaps = true, raw_ip = true },
  -- raw_ip: whether usrsctp hears SCTP over raw IP (root, and no kernel
  -- SCTP beside it, unless SCTP_USRSCTP_RAW says otherwise)
  usrsctp = { backend = "usrsctp", write_ready = false, gather_send = false, diag = false,
    udp_encaps = true },
}

describe("backends", function()
  after_each(function()
    sctp.default_backend(DEFAULT)
    H.cleanup()
  end)

  it("lists the backends this build has, kernel first", function()
    local names = sctp.backends()
    assert.equal("kernel", names[1])
    assert.is_true(#names == 1 or (#names == 2 and names[2] == "usrsctp"), table.concat(names, " "))
    -- a copy: changing it changes nothing
    names[1] = "x"
    assert.equal("kernel", sctp.backends()[1])
  end)

  it("a socket tells its backend and what it can do", function()
    local s = H.server()
    assert.equal(DEFAULT, s:backend())
    local caps = s:capabilities()
    if DEFAULT == "usrsctp" then
      assert.is_boolean(caps.raw_ip)
      caps.raw_ip = nil
    end
    assert.same(CAPS[DEFAULT], caps)
    -- asked for by name
    local k = H.track(H.must(sctp.open({ ip = "127.0.0.1", backend = DEFAULT })))
    assert.equal(DEFAULT, k:backend())
    -- a closed socket still tells
    k:close()
    assert.equal(DEFAULT, k:backend())
  end)

  it("accepted and peeled-off sockets keep their parent's backend", function()
    local listener = H.track(H.must(sctp.open({ ip = "127.0.0.1", type = "stream", backend = DEFAULT })))
    H.must(listener:listen(true))
    local c = H.track(H.must(sctp.open({ ip = "127.0.0.1", type = "stream" })))
    H.must(c:connect("127.0.0.1", H.port_of(listener), nil, H.TIMEOUT))
    local accepted = H.track(H.must(listener:accept(H.TIMEOUT)))
    assert.equal(DEFAULT, accepted:backend())
    local server, _, _, sid = H.pair()
    local peeled = H.track(H.must(server:peeloff(sid)))
    assert.equal(DEFAULT, peeled:backend())
  end)

  it("the process default is SCTP_BACKEND's, else kernel; a backend not built says so", function()
    assert.equal(DEFAULT, sctp.default_backend())
    local probe = require("sctp.core").socket("inet", "seqpacket", "kernel")
    local kernel_has_sctp = probe ~= nil
    if probe then probe:close() end
    for _, name in ipairs({ "kernel", "usrsctp" }) do
      assert.equal(name, sctp.default_backend(name))
      local s, err, detail = sctp.open({ ip = "127.0.0.1" })
      if not BUILT[name] then
        assert.is_nil(s)
        assert.equal("eprotonosupport", err)
        assert.matches(name .. " backend is not built", detail, 1, true)
      elseif name == "kernel" and not kernel_has_sctp then
        assert.is_nil(s)
        assert.equal("eprotonosupport", err)
        assert.matches("SCTP is not available in this kernel", detail, 1, true)
      else
        H.track(H.must(s, err, detail))
        assert.equal(name, s:backend())
      end
    end
    -- `backend` in open wins over the default
    sctp.default_backend("usrsctp")
    local k = H.track(H.must(sctp.open({ ip = "127.0.0.1", backend = DEFAULT })))
    assert.equal(DEFAULT, k:backend())
  end)

  it("auto: the kernel's where the kernel has SCTP, else usrsctp", function()
    assert.equal("auto", sctp.default_backend("auto"))
    local s, err, detail = sctp.open({ ip = "127.0.0.1" })
    local probe, perr = require("sctp.core").socket("inet", "seqpacket", "kernel")
    if probe then
      probe:close()
      H.track(H.must(s, err, detail))
      assert.equal("kernel", s:backend())
    elseif BUILT.usrsctp then
      assert.equal("eprotonosupport", perr)
      H.track(H.must(s, err, detail))
      assert.equal("usrsctp", s:backend())
      -- and the choice sticks
      assert.equal("usrsctp", H.track(H.must(sctp.open({ ip = "127.0.0.1", backend = "auto" }))):backend())
    else
      assert.is_nil(s)
      assert.equal("eprotonosupport", err)
    end
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
    local ok, out = run("SCTP_BACKEND=" .. DEFAULT)
    assert.is_true(ok, out)
    assert.equal(DEFAULT .. " " .. DEFAULT, out)
    ok, out = run("SCTP_BACKEND=usrsctp")
    assert.is_true(ok, out)
    assert.equal(BUILT.usrsctp and "usrsctp usrsctp" or "usrsctp eprotonosupport", out)
    if BUILT.usrsctp then   -- SCTP_USRSCTP_RAW=0: usrsctp's raw sockets hear nothing
      code = code:gsub('io.write%(.*$', 'io.write(tostring(s and s:capabilities().raw_ip))')
      ok, out = run("SCTP_BACKEND=usrsctp SCTP_USRSCTP_RAW=0 SCTP_USRSCTP_UDP_PORT=9898")
      assert.is_true(ok, out)
      assert.equal("false", out)
    end
    ok, out = run("SCTP_BACKEND=bsd")
    assert.is_false(ok, out)
    assert.matches('SCTP_BACKEND is "bsd"', out, 1, true)
  end)
end)
