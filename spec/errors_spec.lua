-- Misuse and closed sockets.
--
-- Programmer errors (wrong argument type, unknown option name, field out of
-- range) raise a Lua error naming the argument, option or field; the checks
-- accept the usual luaL_argerror wording ("bad argument #n to 'f'") or the
-- argument's name. Using a closed socket is not a programmer error: every
-- method returns nil, "closed".

local H = require "helper"
local sctp = require "sctp"

describe("argument errors", function()
  after_each(H.cleanup)

  describe("sctp.open", function()
    it("raises for a port that is not a number", function()
      H.raises(function() sctp.open("x") end, "open", "port", "bad argument")
      H.raises(function() sctp.open(true) end, "open", "port", "bad argument")
    end)

    it("raises for opts that are not a table", function()
      H.raises(function() sctp.open(0, 5) end, "open", "opts", "bad argument", "table or nil expected")
      H.raises(function() sctp.open(0, "ip") end, "open", "opts", "bad argument", "table or nil expected")
    end)

    it("raises for a port out of range", function()
      H.raises(function() sctp.open(70000) end, "port")
      H.raises(function() sctp.open(-1) end, "port")
      H.raises(function() sctp.open(0, { port = 65536 }) end, "port")
    end)

    it("raises naming an unknown option", function()
      H.raises(function() sctp.open(0, { nosuch = 1 }) end, "nosuch")
    end)

    it("raises naming an option of the wrong type", function()
      H.raises(function() sctp.open(0, { port = "x" }) end, "port")
      H.raises(function() sctp.open(0, { ip = true }) end, "ip")
      H.raises(function() sctp.open(0, { family = 6 }) end, "family")
      H.raises(function() sctp.open(0, { type = {} }) end, "type")
    end)

    it("raises naming family or type when the value is unknown", function()
      H.raises(function() sctp.open(0, { family = "inet7" }) end, "family")
      H.raises(function() sctp.open(0, { type = "datagram" }) end, "type")
    end)
  end)

  describe("socket methods", function()
    local s, assoc

    before_each(function()
      local server
      server, s, assoc = H.pair()
    end)

    it("raise when self is not a socket", function()
      H.raises(function() s.recv(42, 0) end, "recv", "bad argument", "socket")
      H.raises(function() s.close("x") end, "close", "bad argument", "socket")
    end)

    -- Every method, called on something else, names itself (not one of
    -- the library's internal functions) and the user's line.
    it("every method raises naming itself when self is not a socket", function()
      local names = {}
      for name, fn in pairs(getmetatable(s).__index) do
        if type(fn) == "function" then names[#names + 1] = name end
      end
      table.sort(names)
      assert.is_true(#names >= 20, "only " .. #names .. " methods")
      for _, name in ipairs(names) do
        local call = assert((loadstring or load)(
          ("local sock = ...\nlocal r = sock.%s('x')\nreturn r"):format(name), "=user"))
        local msg = H.raises(function() call(s) end, name)
        assert.matches("^user:2: sctp: " .. name .. ": ", msg)
      end
    end)

    it("recv raises for a timeout that is not a number", function()
      H.raises(function() s:recv("soon") end, "recv", "timeout", "bad argument")
      H.raises(function() s:recv({}) end, "recv", "timeout", "bad argument")
    end)

    it("send raises for a sndrcvinfo that is not a table", function()
      H.raises(function() s:send(1, "x") end, "send", "sndrcvinfo", "bad argument", "table expected")
      H.raises(function() s:send("x", "data") end, "send", "sndrcvinfo", "bad argument", "table expected")
    end)

    it("send raises for data that is neither a string nor an array of strings", function()
      H.raises(function() s:send({ assoc_id = assoc.assoc_id, stream = 0 }, true) end,
        "data", "bad argument")
      H.raises(function() s:send(assoc, 0, true) end, "send", "data", "bad argument")
      H.raises(function() s:send(assoc, 0, { "ok", {} }) end, "send", "data", "expected at")
    end)

    it("send raises for a bad assoc or stream", function()
      H.raises(function() s:send(true, 0, "x") end, "send", "assoc", "bad argument")
      H.raises(function() s:send({}, 0, "x") end, "assoc_id", "assoc")
      H.raises(function() s:send(assoc, "zero", "x") end, "send", "stream", "bad argument")
    end)

    it("send raises naming a sndrcvinfo field out of range or of the wrong type", function()
      H.raises(function() s:send({ assoc_id = assoc.assoc_id, stream = 70000 }, "x") end, "stream")
      H.raises(function() s:send({ assoc_id = assoc.assoc_id, stream = -1 }, "x") end, "stream")
      H.raises(function() s:send({ assoc_id = assoc.assoc_id, ppid = "x" }, "x") end, "ppid")
      H.raises(function() s:send({ assoc_id = assoc.assoc_id, ppid = 0x100000000 }, "x") end, "ppid")
      H.raises(function() s:send({ assoc_id = assoc.assoc_id, flags = "eof" }, "x") end, "flags")
    end)

    it("errors the C core raises point at the caller's line and say sctp:", function()
      -- each call is on the line after the one that notes it
      local cases = {}
      local function at(fn) cases[#cases + 1] = { line = debug.getinfo(2, "l").currentline + 1, fn = fn } end
      at(function()
        s:send({ assoc_id = assoc.assoc_id, stream = 70000 }, "x") end)
      at(function()
        s:send({ assoc_id = assoc.assoc_id, bogus = 1 }, "x") end)
      at(function()
        s:send_many({ "not an entry" }) end)
      at(function()
        s:sendx({ "127.0.0.1" }, 9, { stream = "x" }, "x") end)
      for _, c in ipairs(cases) do
        local ok, err = pcall(c.fn)
        assert.is_false(ok)
        assert.matches("errors_spec%.lua:" .. c.line .. ": sctp: send", tostring(err), 1)
      end
    end)

    -- The library knows its own chunks by identity, not by path: a user's
    -- files named like the library's (under sctp/, or sctp.lua) keep
    -- their positions, for the C core's errors and the Lua layer's alike.
    it("errors point into a user's own file under sctp/ or named sctp.lua", function()
      local base = os.tmpname()
      os.remove(base)
      local script = table.concat({
        "local s, assoc, which = ...",
        "if which == 'c' then",
        "  s:send({ assoc_id = assoc.assoc_id, stream = 70000 }, 'x')",   -- line 3
        "else",
        "  s:connect(true, 1)",                                            -- line 5
        "end",
      }, "\n")
      local files = { base .. "/sctp/app.lua", base .. "/proj/sctp.lua" }
      assert(os.execute("mkdir -p " .. base .. "/sctp " .. base .. "/proj"))
      for _, path in ipairs(files) do
        local f = assert(io.open(path, "w"))
        f:write(script)
        f:close()
      end
      local ok, err
      for _, path in ipairs(files) do
        local chunk = assert(loadfile(path))
        local name = path:match("[^/]+/[^/]+$"):gsub("%.", "%%.")
        ok, err = pcall(chunk, s, assoc, "c")
        assert.is_false(ok)
        assert.matches(name .. ":3: sctp: send: ", tostring(err))
        ok, err = pcall(chunk, s, assoc, "lua")
        assert.is_false(ok)
        assert.matches(name .. ":5: sctp: connect: ", tostring(err))
      end
      os.execute("rm -rf " .. base)
    end)

    it("send raises naming an unknown flag", function()
      H.raises(function() s:send({ assoc_id = assoc.assoc_id, flags = { "bogus" } }, "x") end,
        "bogus", "flags")
    end)

    it("connect and connect_init raise for a bad address, port, opts or timeout", function()
      H.raises(function() s:connect(true, 1) end, "connect", "addr", "bad argument")
      H.raises(function() s:connect("127.0.0.1", "x") end, "connect", "port", "bad argument")
      H.raises(function() s:connect("127.0.0.1", 70000) end, "port")
      H.raises(function() s:connect("127.0.0.1", 1, { nosuch = 1 }, 100) end, "nosuch")
      H.raises(function() s:connect("127.0.0.1", 1, {}, "soon") end, "connect", "timeout", "bad argument")
      H.raises(function() s:connect_init(true, 1) end, "connect_init", "addr", "bad argument")
      H.raises(function() s:connect_init("127.0.0.1", "x") end, "connect_init", "port", "bad argument")
    end)

    it("listen raises for a flag that is neither a boolean nor a number", function()
      H.raises(function() s:listen("yes") end, "listen", "flag", "bad argument")
      H.raises(function() s:listen({}) end, "listen", "flag", "bad argument")
    end)

    it("eof and abort raise for a bad assoc or reason", function()
      H.raises(function() s:eof("x") end, "eof", "assoc", "bad argument")
      H.raises(function() s:eof({}) end, "assoc_id", "assoc")
      H.raises(function() s:abort(true) end, "abort", "assoc", "bad argument")
      H.raises(function() s:abort(assoc, true) end, "abort", "reason", "bad argument")
    end)

    it("socknames and peernames raise for a bad assoc", function()
      H.raises(function() s:socknames("x") end, "socknames", "assoc", "bad argument")
      H.raises(function() s:peernames(true) end, "peernames", "assoc", "bad argument")
    end)

    it("setopts and getopts raise for a non-table or an unknown option name", function()
      H.raises(function() s:setopts(5) end, "setopts", "opts", "bad argument", "table expected")
      H.raises(function() s:setopts({ nosuch = 1 }) end, "nosuch")
      H.raises(function() s:setopts({ sndbuf = "big" }) end, "sndbuf")
      H.raises(function() s:getopts("sndbuf") end, "getopts", "names", "bad argument", "table expected")
      H.raises(function() s:getopts({ "nosuch" }) end, "nosuch")
    end)
  end)

  describe("module functions", function()
    it("error_string raises for a non-number", function()
      H.raises(function() sctp.error_string({}) end, "error_string", "bad argument", "n")
    end)
  end)
end)

describe("a closed socket", function()
  local s, assoc_id, peer_port

  before_each(function()
    local server, client, assoc = H.pair()
    s, assoc_id, peer_port = client, assoc.assoc_id, H.port_of(server)
    assert.equal(true, s:close())
  end)
  after_each(H.cleanup)

  -- each call must return nil, "closed" (not raise, not wait)
  local calls = {
    { "recv(0)", function() return s:recv(0) end },
    { "recv(2000)", function() return s:recv(2000) end },
    { "send(sndrcvinfo, data)", function() return s:send({ assoc_id = assoc_id, stream = 0 }, "x") end },
    { "send(assoc_id, stream, data)", function() return s:send(assoc_id, 0, "x") end },
    { "send(assoc, stream, data)", function() return s:send({ assoc_id = assoc_id }, 0, "x") end },
    { "connect", function() return s:connect("127.0.0.1", peer_port, nil, 1000) end },
    { "connect_init", function() return s:connect_init("127.0.0.1", peer_port, nil, 1000) end },
    { "listen(true)", function() return s:listen(true) end },
    { "listen(false)", function() return s:listen(false) end },
    { "eof", function() return s:eof(assoc_id) end },
    { "abort", function() return s:abort(assoc_id) end },
    { "abort with a reason", function() return s:abort(assoc_id, "bye") end },
    { "socknames()", function() return s:socknames() end },
    { "socknames(assoc)", function() return s:socknames(assoc_id) end },
    { "peernames(assoc)", function() return s:peernames(assoc_id) end },
    { "setopts", function() return s:setopts({ sndbuf = 65536 }) end },
    { "getopts", function() return s:getopts({ "sndbuf" }) end },
  }

  for _, call in ipairs(calls) do
    local name, fn = call[1], call[2]
    it(name .. " returns nil, \"closed\"", function()
      local t0 = H.now()
      local v, err = fn()
      assert.is_nil(v)
      assert.equal("closed", err)
      assert.is_true(H.now() - t0 < 1, name .. " waited on a closed socket")
    end)
  end

  it("close() still returns true", function()
    assert.equal(true, s:close())
    assert.equal(true, s:close())
  end)
end)
