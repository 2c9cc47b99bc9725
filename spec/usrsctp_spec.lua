-- What only the usrsctp backend has: a stack inside each process, reached
-- over UDP (one encapsulation port per process), writers that retry on a
-- timer, close handing the socket to a reaper, and exit with associations
-- open. The kernel run has nothing to check here.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code: no goto, no `//`, no `<close>`.

local H = require "helper"
local N = require "nethelper"
local sctp = require "sctp"
local wait = require "sctp.wait"

local free_udp_port = N.free_udp_port

-- The UDP port this process's stack listens on (9899 unless it was taken).
local function my_udp_port()
  H.client()   -- the stack starts with the first socket
  local ok, out = N.sh("ss -Hnulp")
  assert(ok, out)
  for line in out:gmatch("[^\n]+") do
    if line:find("pid=" .. N.pid() .. ",", 1, true) then
      local port = line:match("127%.0%.0%.1:(%d+)") or line:match("%*:(%d+)") or line:match("0%.0%.0%.0:(%d+)")
      if port then return tonumber(port) end
    end
  end
  error("no UDP socket of this process in:\n" .. out)
end

-- Writes a child's Lua script into a scratch directory; returns its path.
local dir
local function script(name, text)
  dir = dir or N.tmpdir()
  local path = dir .. "/" .. name
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  return path
end

-- Starts `path` with this interpreter and package paths, the VAR=value
-- strings of `env` and the sanitizer runtime if one is preloaded; killed
-- after `seconds`.
local function child(seconds, env, path, args)
  local words = { "env" }
  local preload = os.getenv("LD_PRELOAD")
  if preload and preload ~= "" then words[#words + 1] = "LD_PRELOAD=" .. preload end
  words[#words + 1] = "LUA_PATH=" .. package.path
  words[#words + 1] = "LUA_CPATH=" .. package.cpath
  words[#words + 1] = "SCTP_BACKEND=usrsctp"
  for _, e in ipairs(env) do words[#words + 1] = e end
  words[#words + 1] = N.interpreter()
  words[#words + 1] = path
  for _, a in ipairs(args or {}) do words[#words + 1] = tostring(a) end
  return N.start_program(seconds, words)
end

-- An echo server: "listening" once it listens on 127.0.0.1:<arg 1>, then
-- answers each message with "echo " .. message, until "bye".
local ECHO_SERVER = [[
local sctp = require "sctp"
local s = assert(sctp.open(tonumber(arg[1]), { ip = "127.0.0.1" }))
assert(s:listen(true))
print("listening " .. s:backend())
io.stdout:flush()
local deadline = sctp.gettime() + 20
while sctp.gettime() < deadline do
  local _, _, anc, data = s:recv(200)
  if type(data) == "string" then
    assert(s:send(anc[1].assoc_id, 0, "echo " .. data))
    if data == "bye" then break end
  end
end
]]

-- A client: connects to 127.0.0.1:<arg 1>, sends <arg 2>, prints the answer.
local ECHO_CLIENT = [[
local sctp = require "sctp"
local c = assert(sctp.open(0, { ip = "127.0.0.1" }))
local assoc = assert(c:connect("127.0.0.1", tonumber(arg[1]), nil, 5000))
assert(c:send(assoc, 0, arg[2]))
local deadline = sctp.gettime() + 5
while sctp.gettime() < deadline do
  local _, _, _, data = c:recv(200)
  if type(data) == "string" then print("got " .. data) break end
end
io.stdout:flush()
]]

-- Opens 20 associations inside itself, prints "up 20", and returns with
-- all of them open.
local MANY = [[
local sctp = require "sctp"
local server = assert(sctp.open(0, { ip = "127.0.0.1" }))
assert(server:listen(true))
local port = server:socknames()[1][2]
local clients = {}
for i = 1, 20 do
  clients[i] = assert(sctp.open(0, { ip = "127.0.0.1" }))
  local assoc = assert(clients[i]:connect("127.0.0.1", port, nil, 5000))
  assert(clients[i]:send(assoc, 0, "x"))
end
print("up " .. #clients)
io.stdout:flush()
]]

describe("usrsctp backend #usrsctp", function()
  if not H.USRSCTP then
    it("runs on the usrsctp backend only", function() pending("kernel run") end)
    return
  end

  after_each(H.cleanup)
  lazy_teardown(N.teardown)

  it("reaches a server in another process on its own UDP port, set as the endpoint's remote port", function()
    local udp, port = free_udp_port(), H.free_port()
    local srv = child(30, { "SCTP_USRSCTP_UDP_PORT=" .. udp }, script("echo_server.lua", ECHO_SERVER), { port })
    assert.equal("usrsctp", srv:wait_line("listening (%S+)", H.TIMEOUT), srv:output())
    -- without the setting, the INIT goes to this process's own UDP port,
    -- where nobody listens on `port`: no association
    local lost = H.client()
    local v, err = lost:connect(H.LOCAL, port, nil, 1000)
    assert.is_nil(v, "connected without the child's UDP port")
    assert.is_string(err)
    -- the endpoint's remote port: the association and its data go there
    local c = H.client({ sctp_remote_udp_encaps_port = { assoc_id = 0, port = udp } })
    assert.equal(udp, H.getopt(c, "sctp_remote_udp_encaps_port", { assoc_id = 0 }).port)
    local assoc = H.must(c:connect(H.LOCAL, port, nil, H.TIMEOUT))
    assert.equal(udp, H.getopt(c, "sctp_remote_udp_encaps_port",
      { assoc_id = assoc.assoc_id, address = { H.LOCAL, port } }).port)
    H.must(c:send(assoc, 0, "bye"))
    local _, _, _, data = H.expect_data(c)
    assert.equal("echo bye", data)
    assert.is_true((srv:wait(H.TIMEOUT)))
  end)

  it("is reached by a client in another process told this process's UDP port", function()
    local mine = my_udp_port()
    local server = H.server()
    local cl = child(30, { "SCTP_USRSCTP_UDP_PORT=" .. free_udp_port(), "SCTP_USRSCTP_PEER_UDP_PORT=" .. mine },
      script("echo_client.lua", ECHO_CLIENT), { H.port_of(server), "from afar" })
    H.expect_event(server, "assoc_change", "comm_up")
    local _, _, anc, data = H.expect_data(server)
    assert.equal("from afar", data)
    H.must(server:send(H.info(anc).assoc_id, 0, "answer"))
    assert.equal("answer", cl:wait_line("got (%S+)", H.TIMEOUT), cl:output())
    local done, rc = cl:wait(H.TIMEOUT)
    assert.is_true(done)
    assert.equal(0, rc, cl:output())
  end)

  -- Linux gives an association's port to each of its peer addresses too
  -- (spec/udp_encaps_spec.lua, #kernel); usrsctp keeps it for the
  -- association only (sctp_usrreq.c: stcb->asoc.port, the nets untouched)
  it("sctp_remote_udp_encaps_port of an association leaves its peer addresses' ports", function()
    local server, client, assoc = H.pair()
    local id, peer = assoc.assoc_id, { H.LOCAL, H.port_of(server) }
    local before = H.getopt(client, "sctp_remote_udp_encaps_port", { assoc_id = id, address = peer }).port
    H.must(client:setopts({ sctp_remote_udp_encaps_port = { assoc_id = id, port = 5555 } }))
    assert.equal(5555, H.getopt(client, "sctp_remote_udp_encaps_port", { assoc_id = id }).port)
    assert.equal(before, H.getopt(client, "sctp_remote_udp_encaps_port", { assoc_id = id, address = peer }).port)
    -- and the messages still go to the address's port
    H.must(client:send(assoc, 0, "still there"))
    local _, _, _, data = H.expect_data(server)
    assert.equal("still there", data)
  end)

  describe("a writer on a full send buffer", function()
    -- the server never reads: its window closes, then the client's sndbuf
    -- fills; the client's waiter records how it is called
    local function full_pair()
      local server, client, assoc = H.pair({ recbuf = 4096 }, { sndbuf = 16384, non_block_send = false })
      return server, client, assoc
    end
    local CHUNK = string.rep("w", 1000)

    it("waits on a 1 ms timer (write_ready false), and ends when its waiter says timeout", function()
      local _, client, assoc = full_pair()
      assert.is_false(client:capabilities().write_ready)
      local calls, events, longest = 0, {}, 0
      local give_up
      client:setwaiter(function(sock, ev, ms)
        calls = calls + 1
        events[ev] = true
        longest = math.max(longest, ms or math.huge)
        give_up = give_up or H.now() + 0.3
        if H.now() >= give_up then return nil, "timeout", "the spec's waiter gave up" end
        return wait.poll_waiter(sock, ev, ms)
      end)
      local t0 = H.now()
      local sent, v, err
      for i = 1, 1000 do
        v, err = client:send(assoc, 0, CHUNK)
        if not v then sent = i - 1 break end
      end
      local took = H.now() - t0
      assert.equal("timeout", err)
      assert.is_true(sent > 0, "nothing was sent")
      assert.is_true(took >= 0.3 and took < 3, "took " .. took .. " s")
      -- the descriptor never tells writability: "r" and at most 1 ms
      assert.same({ r = true }, events)
      assert.is_true(longest <= 1, "waited up to " .. tostring(longest) .. " ms")
      -- about one try per ms: neither one long wait nor a busy loop
      assert.is_true(calls >= 30 and calls <= 3000, calls .. " waits in 0.3 s")
    end)

    it("completes once the peer reads", function()
      local server, client, assoc = full_pair()
      local n, got, calls = 200, {}, 0
      client:setwaiter(function(sock, ev, ms)
        calls = calls + 1
        -- the peer reads a little while the writer waits
        local _, _, _, data = server:recv(0)
        if type(data) == "string" then got[#got + 1] = data end
        return wait.poll_waiter(sock, ev, ms)
      end)
      for i = 1, n do
        H.must(client:send(assoc, 0, string.format("%04d", i) .. CHUNK))
      end
      assert.is_true(calls > 0, "the buffer never filled")
      while #got < n do
        local _, _, _, data = H.expect_data(server)
        got[#got + 1] = data
      end
      for i = 1, n do
        assert.equal(string.format("%04d", i), got[i]:sub(1, 4))
      end
    end)
  end)

  describe("close with associations open", function()
    it("returns at once, and the peer sees a graceful shutdown", function()
      local server, client = H.pair()
      local t0 = H.now()
      client:close()
      assert.is_true(H.now() - t0 < 0.2, "close took " .. (H.now() - t0) .. " s")
      H.expect_event(server, "shutdown_event")
      H.expect_event(server, "assoc_change", "shutdown_comp")
    end)

    it("with linger {true, 0} returns at once, and the peer sees an abort", function()
      local server, client = H.pair(nil, { linger = { true, 0 } })
      local t0 = H.now()
      client:close()
      assert.is_true(H.now() - t0 < 0.2, "close took " .. (H.now() - t0) .. " s")
      H.expect_event(server, "assoc_change", "comm_lost")
    end)
  end)

  it("takes the stack's settings from sctp.backend_settings before the first socket, not after", function()
    local udp = free_udp_port()
    local p = child(30, {}, script("settings.lua", string.format([[
      local sctp = require "sctp"
      assert(sctp.backend_settings("usrsctp", { udp_port = %d, rto_min = 250, raw_ip = false }))
      local s = assert(sctp.open(0, { ip = "127.0.0.1" }))
      local rto = s:getopts({ sctp_rtoinfo = {} }).sctp_rtoinfo
      print("rto_min " .. rto.min .. " raw " .. tostring(s:capabilities().raw_ip))
      local ok, err = sctp.backend_settings("usrsctp", { udp_port = 9 })
      print("after " .. tostring(ok) .. " " .. tostring(err))
      io.stdout:flush()
      local f = io.popen("ss -Hnul 'sport = :%d'")
      print("bound " .. (f:read("*a"):find(":%d", 1, true) and "yes" or "no"))
      f:close()
    ]], udp, udp, udp)))
    assert.is_true((p:wait(10000)), p:output())
    local out = p:output()
    assert.truthy(out:find("rto_min 250 raw false", 1, true), out)
    assert.truthy(out:find("after nil ealready", 1, true), out)
    assert.truthy(out:find("bound yes", 1, true), out)
  end)

  it("a process that returns with 20 associations open exits within 2 s", function()
    local udp = free_udp_port()
    local p = child(30, { "SCTP_USRSCTP_UDP_PORT=" .. udp, "SCTP_USRSCTP_PEER_UDP_PORT=" .. udp },
      script("many.lua", MANY))
    assert.equal("20", p:wait_line("up (%d+)", 10000), p:output())
    local t0 = H.now()
    local done, rc = p:wait(2000)
    assert.is_true(done, "still running " .. (H.now() - t0) .. " s after its last line")
    assert.equal(0, rc, p:output())
  end)
end)
