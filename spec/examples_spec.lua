-- Every example runs here, as a user would run it: a broken example fails
-- the suite. (The OpenResty gateway config runs in openresty_spec.lua.)

local H = require "helper"
local N = require "nethelper"
local sctp = require "sctp"

local free_udp_port = N.free_udp_port

-- The usrsctp backend's environment for a child process: its own UDP
-- port `udp` (this process holds 9899), its peers' `peer_udp` (nil: 9899,
-- this process); nothing on the kernel backend.
local function udp_env(udp, peer_udp)
  if not H.USRSCTP then return {} end
  local t = {}
  if udp then t[#t + 1] = "SCTP_USRSCTP_UDP_PORT=" .. udp end
  if peer_udp then t[#t + 1] = "SCTP_USRSCTP_PEER_UDP_PORT=" .. peer_udp end
  return t
end

-- A shell command running examples/<script> with this spec's interpreter
-- and package paths (and the VAR=value strings of `env`), killed after
-- `seconds`.
local function example(script, args, seconds, env)
  local words = { "env", "LUA_PATH=" .. N.quote(package.path), "LUA_CPATH=" .. N.quote(package.cpath) }
  for _, e in ipairs(env or {}) do words[#words + 1] = N.quote(e) end
  for _, w in ipairs({ "timeout", "-k", "2", tostring(seconds or 60),
                       N.quote(N.interpreter()), N.quote("examples/" .. script) }) do
    words[#words + 1] = w
  end
  for _, a in ipairs(args or {}) do words[#words + 1] = N.quote(tostring(a)) end
  return table.concat(words, " ")
end

-- Runs a command to the end: its output (stdout and stderr) and success.
local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>&1; echo \"@@exit=$?\""))
  local out = p:read("*a")
  p:close()
  local status = tonumber(out:match("@@exit=(%d+)%s*$"))
  return out:gsub("@@exit=%d+%s*$", ""), status == 0, status
end

describe("examples", function()
  after_each(H.cleanup)

  it("echo_server.lua and echo_client.lua talk over loopback", function()
    local port = H.free_port()
    -- usrsctp: the server on a UDP port of its own, the client sent there
    local udp = H.USRSCTP and free_udp_port()
    local server = assert(io.popen(example("echo_server.lua", { port, 3 }, 30, udp_env(udp)) .. " 2>&1"))
    -- wait until the server listens, then run the client to the end
    local deadline = sctp.gettime() + 10
    local out, ok
    repeat
      out, ok = run(example("echo_client.lua", { port, 3 }, 30, udp_env(nil, udp)))
    until ok or sctp.gettime() > deadline or not out:find("econnrefused", 1, true)
    local server_out = server:read("*a")
    server:close()
    assert.is_true(ok, out)
    assert.truthy(out:find("echo demo: OK", 1, true), out)
    assert.truthy(out:find("echoed on stream 2 (ppid 42): hello #3 over SCTP", 1, true), out)
    assert.truthy(server_out:find("event assoc_change comm_up", 1, true), server_out)
  end)

  it("multistream.lua keeps each stream in order and shows the ppids", function()
    -- usrsctp: both ends in one child, which talks to its own UDP port
    local udp = H.USRSCTP and free_udp_port()
    local out, ok = run(example("multistream.lua", { 4, 5 }, nil, udp_env(udp, udp)))
    assert.is_true(ok, out)
    assert.truthy(out:find("multistream: 20 messages on 4 streams, each stream in order", 1, true), out)
    assert.truthy(out:find("stream 1  ppid 53  {\"stream\":1,\"seq\":5}", 1, true), out)
  end)

  it("cqueues_server.lua serves many clients in one loop", function()
    local udp = H.USRSCTP and free_udp_port()
    local out, ok = run(example("cqueues_server.lua", { 30, 3 }, nil, udp_env(udp, udp)))
    assert.is_true(ok, out)
    assert.truthy(out:find("cqueues server: 30 clients, 90 messages echoed", 1, true), out)
  end)

  it("failover.lua survives a path going down and coming back", function()
    local why = N.netns_unavailable()
    if why then
      pending("needs root and ip netns: " .. why)
      return
    end
    local out, ok = run("SCTP_DEMO_ID=" .. N.pid() .. " " .. example("failover.lua", {}, 90))
    assert.is_true(ok, out)
    assert.truthy(out:find("paddr_change 192.0.2.2 addr_unreachable", 1, true), out)
    assert.truthy(out:find("paddr_change 192.0.2.2 addr_available", 1, true), out)
    assert.truthy(out:match("failover: (%d+) messages sent, %1 received in order"), out)
  end)

  describe("sctpcat.lua", function()
    it("sends stdin lines as messages with --stream/--ppid/--unordered and prints replies", function()
      local server = H.server()
      local port = H.port_of(server)
      local out_file = os.tmpname()
      -- stdin stays open a moment after the lines, so the reply can arrive
      local cmd = ("(printf 'one\\ntwo\\n'; sleep 2) 2>/dev/null | %s > %s 2>&1 &"):format(
        example("sctpcat.lua", { "-v", "--stream", 2, "--ppid", 46, "--unordered", "127.0.0.1", port }, 30),
        out_file)
      assert.is_true(N.sh(cmd))
      local _, _, anc1, d1 = H.expect_data(server, 10000)
      local _, _, anc2, d2 = H.expect_data(server)
      assert.same({ "one\n", "two\n" }, { d1, d2 })
      local info = H.info(anc1)
      assert.equal(2, info.stream)
      assert.equal(46, info.ppid)
      assert.is_true(H.has(info.flags, "unordered"))
      assert.equal(2, H.info(anc2).stream)
      H.must(server:send({ assoc_id = info.assoc_id, stream = 0 }, "reply\n"))
      -- sctpcat ends the association when stdin ends
      H.expect_event(server, "shutdown_event", nil, 10000)
      local deadline = sctp.gettime() + 10
      local text
      repeat
        text = H.read_file(out_file) or ""
      until text:find("ended", 1, true) or sctp.gettime() > deadline or not N.sh("sleep 0.1")
      os.remove(out_file)
      assert.truthy(text:find("reply\n", 1, true), text)
      assert.truthy(text:find("connected to 127.0.0.1", 1, true), text)
      assert.truthy(text:find("event assoc_change", 1, true), text)
    end)

    it("listens with -l and writes what arrives to stdout", function()
      local port = H.free_port()
      local out_file, err_file = os.tmpname(), os.tmpname()
      -- stdin stays open longer than sctpcat may live (sctpcat ends the
      -- association when stdin ends). The writer's stderr must not be the
      -- pipe N.sh reads, or N.sh waits for the sleep to end, and sctpcat,
      -- at its timeout, with it.
      -- usrsctp: sctpcat on a UDP port of its own, the client's socket sent there
      local udp = H.USRSCTP and free_udp_port()
      local cmd = ("(sleep 60) 2>/dev/null | %s > %s 2> %s &"):format(
        example("sctpcat.lua", { "-v", "-l", "127.0.0.1", port }, 30, udp_env(udp)), out_file, err_file)
      assert.is_true(N.sh(cmd))
      -- Connect once sctpcat says it listens: a connect retried on a timer
      -- could time out under load, abort an association sctpcat had taken,
      -- and end sctpcat while the next attempt was being accepted.
      local log
      local deadline = sctp.gettime() + 20
      repeat
        log = H.read_file(err_file) or ""
      until log:find("listening on port", 1, true) or sctp.gettime() > deadline or not N.sh("sleep 0.1")
      assert.truthy(log:find("listening on port", 1, true), "sctpcat -l never listened: " .. log)
      local client = H.client(udp and { sctp_remote_udp_encaps_port = { assoc_id = 0, port = udp } } or nil)
      local assoc, err, detail = client:connect("127.0.0.1", port, nil, 10000)
      assert.truthy(assoc, ("connect: %s %s; sctpcat: %s"):format(tostring(err), tostring(detail), log))
      local ok, serr, sdetail = client:send(assoc, 0, "hello listener\n")
      assert.truthy(ok, ("send: %s %s; sctpcat: %s"):format(tostring(serr), tostring(sdetail),
                                                              H.read_file(err_file) or ""))
      local eok, eerr, edetail = client:eof(assoc)
      assert.truthy(eok, ("eof: %s %s; sctpcat: %s"):format(tostring(eerr), tostring(edetail),
                                                           H.read_file(err_file) or ""))
      H.expect_event(client, "assoc_change", "shutdown_comp", 10000)
      local text
      deadline = sctp.gettime() + 10
      repeat
        text = H.read_file(out_file) or ""
      until text:find("hello listener", 1, true) or sctp.gettime() > deadline or not N.sh("sleep 0.1")
      log = H.read_file(err_file) or ""
      os.remove(out_file)
      os.remove(err_file)
      assert.equal("hello listener", text, log)   -- (read_file trims the newline)
      assert.truthy(log:find("association %d+ from 127.0.0.1"), log)
    end)

    it("fails clearly on a port nobody listens on", function()
      local out, ok = run(example("sctpcat.lua", { "127.0.0.1", H.free_port() }, 20) .. " < /dev/null")
      assert.is_false(ok)
      assert.truthy(out:find("sctpcat: connect: econnrefused", 1, true), out)
    end)
  end)
end)
