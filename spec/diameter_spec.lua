-- Diameter (RFC 6733) over SCTP against a real peer, freeDiameterd, in both
-- directions: examples/diameter_peer.lua connects to it, and it connects to
-- examples/diameter_server.lua. One freeDiameterd and one capture serve
-- both (its first watchdog to the server comes after Tw = 6 s, the least
-- RFC 3539 allows, while the client runs); tshark then reads the capture
-- and the last test checks that what each Lua side sent is what it meant
-- to: commands, request flags, Result-Codes, streams and ppid 46.
--
-- What freeDiameterd's config needs, and why: examples/peers/freeDiameter.conf.
--
-- The tests run in order and share the daemon (started in lazy_setup).

local H = require "helper"
local N = require "nethelper"

local ADDR = "192.0.2.10"
local FD_HOST, PEER_HOST, SERVER_HOST = "fd.test.example", "lua.test.example", "lua-server.test.example"
local WATCHDOGS = 2
local CER, DWR, DPR = 257, 280, 282
local FIELDS = { "sctp.srcport", "sctp.dstport", "sctp.data_sid", "sctp.data_payload_proto_id",
  "diameter.cmd.code", "diameter.flags.request", "diameter.hopbyhopid",
  "diameter.Origin-Host", "diameter.Result-Code" }

-- The Diameter messages of the frames to or from `port`, in order; a frame
-- may bundle several (one per DATA chunk). Every message has one command
-- code, request flag, hop-by-hop id and Origin-Host; each answer of the
-- base protocol carries exactly one Result-Code.
local function messages(frames, port)
  local list = {}
  for _, f in ipairs(frames) do
    if tonumber(f["sctp.srcport"][1]) == port or tonumber(f["sctp.dstport"][1]) == port then
      local rc = 0
      for i, code in ipairs(f["diameter.cmd.code"]) do
        local m = {
          code = tonumber(code), request = f["diameter.flags.request"][i] == "1",
          hbh = f["diameter.hopbyhopid"][i], origin = f["diameter.Origin-Host"][i],
          sid = tonumber(f["sctp.data_sid"][i]), ppid = tonumber(f["sctp.data_payload_proto_id"][i]),
        }
        if not m.request then
          rc = rc + 1
          m.result = tonumber(f["diameter.Result-Code"][rc])
        end
        list[#list + 1] = m
      end
    end
  end
  return list
end

-- The messages from `origin`, and the answers to them by hop-by-hop id.
local function from(list, origin)
  local mine, answers = {}, {}
  for _, m in ipairs(list) do
    if m.origin == origin then mine[#mine + 1] = m end
  end
  for _, m in ipairs(list) do
    if m.origin ~= origin and not m.request then answers[m.hbh] = m end
  end
  return mine, answers
end

local function codes(list, request)
  local t = {}
  for _, m in ipairs(list) do
    if m.request == request then t[#t + 1] = m.code end
  end
  return t
end

-- #kernel: freeDiameterd uses the kernel's SCTP, reached over a dummy link
describe("Diameter with freeDiameterd #kernel", function()
  local fd, server, capture
  local fd_port, server_port

  lazy_setup(function()
    N.need("freeDiameterd", "freediameterd")
    N.need("tshark", "tshark")
    local why = N.root_net_unavailable()
    assert(not why, why)
    N.add_dummy(N.unique("dia"), { ADDR .. "/24" })
    local ports = H.free_ports(3, ADDR)
    fd_port, server_port = ports[1], ports[2]
    local conf = N.config("freeDiameter.conf", N.tmpdir(),
      { addr = ADDR, port = fd_port, peer_port = ports[3], server_port = server_port })
    capture = N.capture("lo", "sctp", 60)
    server = N.start_peer(nil, 60, "examples/diameter_server.lua",
      { "--timeout", "30000", ADDR, server_port })
    assert(N.wait_listening(server_port, 5000), "diameter_server.lua did not listen:\n" .. server:output())
    fd = N.start_program(60, { "freeDiameterd", "-c", conf })
    assert(N.wait_listening(fd_port, 10000), "freeDiameterd did not listen:\n" .. fd:output())
  end)

  lazy_teardown(N.teardown)

  it("diameter_peer.lua: CER/CEA (2001, Origin-Host checked), DWR/DWA, DPR/DPA", function()
    local peer = N.start_peer(nil, 30, "examples/diameter_peer.lua", {
      "--watchdogs", WATCHDOGS, "--interval", 200, "--peer-host", FD_HOST, ADDR, fd_port })
    local done, status = peer:wait(30000)
    local out = peer:output()
    assert.is_true(done, out)
    assert.equal(0, status, out)
    assert.truthy(out:find("capabilities exchanged with " .. FD_HOST .. " (realm test.example), Result-Code 2001", 1, true), out)
    assert.truthy(out:find("<- stream 0 ppid %d+  CEA hbh=0x%x+ Result%-Code=2001 Origin%-Host=\"fd%.test%.example\""), out)
    assert.truthy(out:find(("diameter peer: OK, CER/CEA, %d DWR/DWA, DPR/DPA with %s"):format(WATCHDOGS, FD_HOST), 1, true), out)
  end)

  it("freeDiameterd connects to diameter_server.lua: CER/CEA, DWR/DWA, DPR/DPA", function()
    -- the watchdog comes Tw (6 s) after the CEA; on SIGTERM freeDiameterd
    -- says goodbye to its peers with a DPR
    assert.truthy(server:wait_line("(%-> assoc %d+ stream %d+ ppid 46  DWA)", 15000), server:output())
    fd:kill()
    local done, status = server:wait(10000)
    local out = server:output() .. "\nfreeDiameterd:\n" .. fd:output()
    assert.is_true(done, out)
    assert.equal(0, status, out)
    assert.truthy(out:find("capabilities exchanged with " .. FD_HOST, 1, true), out)
    assert.truthy(out:find("<- assoc %d+ stream 0 ppid %d+  DPR"), out)
    assert.truthy(out:find("diameter server: 1 peer(s) said goodbye, 0 went away without DPR", 1, true), out)
    fd:wait(10000)
  end)

  it("tshark decodes the commands, flags, Result-Codes, streams and ppids each Lua side meant to send", function()
    assert.is_true(capture:stop() > 0)
    local frames = capture:frames("diameter", FIELDS, {
      "sctp.port==" .. fd_port .. ",diameter", "sctp.port==" .. server_port .. ",diameter" })

    -- diameter_peer.lua <-> freeDiameterd
    local list = messages(frames, fd_port)
    local mine, answers = from(list, PEER_HOST)
    assert.same({ CER, DWR, DWR, DPR }, codes(mine, true), H.show(list))
    local dwr = 0
    for _, m in ipairs(mine) do
      assert.equal(46, m.ppid, H.show(m))
      if m.request then
        if m.code == DWR then
          dwr = dwr + 1
          assert.equal(dwr, m.sid, "DWRs go round streams 1..3: " .. H.show(m))
        else
          assert.equal(0, m.sid, H.show(m))
        end
        local a = answers[m.hbh]
        assert.truthy(a, "no answer to " .. H.show(m))
        assert.equal(m.code, a.code)
        assert.equal(2001, a.result, H.show(a))
        assert.equal(FD_HOST, a.origin)
      else
        assert.equal(2001, m.result, H.show(m))   -- our DWA to its DWR
      end
    end

    -- freeDiameterd <-> diameter_server.lua
    list = messages(frames, server_port)
    local theirs = from(list, FD_HOST)
    mine = from(list, SERVER_HOST)
    assert.same({ CER, DWR, DPR }, codes(theirs, true), H.show(list))
    assert.same({ CER, DWR, DPR }, codes(mine, false), H.show(list))
    for _, req in ipairs(theirs) do
      local a
      for _, m in ipairs(mine) do
        if m.hbh == req.hbh then a = m end
      end
      assert.truthy(a, "no answer to " .. H.show(req))
      assert.equal(req.code, a.code)
      assert.equal(2001, a.result, H.show(a))
      assert.equal(46, a.ppid, H.show(a))
      assert.equal(req.sid, a.sid, "answered on the request's stream: " .. H.show(a))
    end
  end)
end)
