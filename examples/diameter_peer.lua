#!/usr/bin/env lua
-- diameter_peer: a minimal Diameter client (RFC 6733) over SCTP.
--
--   lua diameter_peer.lua [options] [HOST [PORT]]     (default 127.0.0.1 3868)
--
-- Connects, exchanges capabilities (CER/CEA: the answer must carry
-- Result-Code 2001), sends a watchdog (DWR) every --interval ms and answers
-- the peer's own DWRs, then says goodbye (DPR/DPA) and shuts the association
-- down. Every message goes out with ppid 46; CER and DPR on stream 0, the
-- watchdogs spread over the other streams. Each exchange is printed.
--
-- Options:
--   --origin-host NAME   our Diameter identity (default lua.test.example)
--   --realm NAME         our realm (default test.example)
--   --peer-host NAME     check the CEA's Origin-Host is NAME
--   --watchdogs N        DWRs to send before DPR (default 3)
--   --interval MS        time between DWRs (default 1000)
--   --streams N          outbound streams to ask for (default 4)
--   --timeout MS         longest wait for any answer (default 10000)
--
-- Exit status 0 when every answer came and said 2001, 1 otherwise.
--
-- The codec (diameter.lua, next to this file) knows nothing of sockets; this
-- file is the transport and the little state machine.
package.path = (arg[0]:match("^(.-)[^/\\]*$") or "") .. "?.lua;" .. package.path
local sctp = require "sctp"
local D = require "diameter"

local function die(fmt, ...)
  io.stderr:write("diameter_peer: ", fmt:format(...), "\n")
  os.exit(1)
end

local opt, positional = require("options")(arg, {
  origin_host = "string", realm = "string", peer_host = "string",
  watchdogs = "number", interval = "number", streams = "number", timeout = "number",
}, {
  origin_host = "lua.test.example", realm = "test.example", watchdogs = 3,
  interval = 1000, streams = 4, timeout = 10000,
}, die)
local host = positional[1] or "127.0.0.1"
local port = tonumber(positional[2] or D.PORT)
if not port then die("bad port %s", tostring(positional[2])) end
if opt.streams < 1 then die("--streams must be at least 1") end

local next_ids = D.ids()
local sock = assert(sctp.open())
local assoc, err, detail = sock:connect(host, port,
  { sctp_initmsg = { num_ostreams = opt.streams, max_instreams = opt.streams } }, opt.timeout)
if not assoc then die("connect %s:%d: %s (%s)", host, port, tostring(err), tostring(detail)) end
print(("connected to %s:%d: assoc %d, %d outbound / %d inbound streams"):format(
  host, port, assoc.assoc_id, assoc.outbound_streams, assoc.inbound_streams))

local function send(msg, stream)
  local ok, e, d = sock:send({ assoc_id = assoc.assoc_id, stream = stream, ppid = D.PPID }, D.encode(msg))
  if not ok then die("send %s: %s (%s)", D.command_name(msg), tostring(e), tostring(d)) end
  print(("-> stream %d ppid %d  %s"):format(stream, D.PPID, D.format(msg)))
end

local function request(code, avp_list)
  local hbh, e2e = next_ids()
  return { code = code, request = true, app = 0, hbh = hbh, e2e = e2e, avps = avp_list }
end

local function origin()
  return { "Origin-Host", opt.origin_host }, { "Origin-Realm", opt.realm }
end

-- Answers a request from the peer (its DWR, or a DPR); returns the request.
local function answer_peer(msg, stream)
  local oh, orr = origin()
  if msg.code == D.DWR or msg.code == D.DPR then
    send(D.answer(msg, { { "Result-Code", D.SUCCESS }, oh, orr }), stream)
  else
    -- 3001 DIAMETER_COMMAND_UNSUPPORTED, with the E bit
    local a = D.answer(msg, { { "Result-Code", 3001 }, oh, orr })
    a.error = true
    send(a, stream)
  end
end

-- Waits until `deadline` (a sctp.gettime() value) for a message; prints it.
-- Returns msg, stream, or nil and "timeout" / a reason.
local function receive(deadline)
  while true do
    local left = math.floor((deadline - sctp.gettime()) * 1000)
    if left < 0 then left = 0 end
    local from, err_or_port, anc, data = sock:recv(left)
    if not from then return nil, err_or_port end -- "timeout", or a socket error
    if sctp.is_event(data) then
      if data.event == "assoc_change" and data.state ~= "comm_up" then
        return nil, "association " .. tostring(data.state)
      elseif data.event == "shutdown_event" then
        return nil, "peer shut the association down"
      end
    else
      local info = anc[1] or {}
      local msg, why = D.decode(data)
      if not msg then die("undecodable message on stream %s: %s", tostring(info.stream), why) end
      print(("<- stream %d ppid %d  %s"):format(info.stream or -1, info.ppid or -1, D.format(msg)))
      -- RFC 6733 asks for ppid 46, but freeDiameter 1.2 sends 0: accept both
      if info.ppid ~= D.PPID and info.ppid ~= 0 then
        die("message with ppid %s, expected %d", tostring(info.ppid), D.PPID)
      end
      return msg, info.stream
    end
  end
end

-- Waits for the answer to `req`, answering the peer's requests meanwhile.
local function await_answer(req)
  local deadline = sctp.gettime() + opt.timeout / 1000
  while true do
    local msg, stream = receive(deadline)
    if not msg then die("no answer to %s: %s", D.command_name(req), tostring(stream)) end
    if msg.request then
      answer_peer(msg, stream)
    elseif msg.hbh == req.hbh and msg.code == req.code then
      local rc = D.get(msg, "Result-Code")
      if rc ~= D.SUCCESS then die("%s has Result-Code %s, expected %d", D.command_name(msg), tostring(rc), D.SUCCESS) end
      return msg
    else
      print("   (an answer to nothing we asked: ignored)")
    end
  end
end

-- Capabilities exchange. Relay (0xffffffff) as the application: we take part
-- in the base protocol only, and a relay shares every application.
local oh, orr = origin()
local ip = sock:socknames(assoc)
local cer = request(D.CER, {
  oh, orr, { "Host-IP-Address", (ip and ip[1] and ip[1][1]) or "127.0.0.1" },
  { "Vendor-Id", 0 }, { "Product-Name", "lua-sctp diameter_peer" },
  { "Origin-State-Id", os.time() % 4294967296 },
  { "Auth-Application-Id", 4294967295 },
})
send(cer, 0)
local cea = await_answer(cer)
local peer_host = D.get(cea, "Origin-Host")
if type(peer_host) ~= "string" or peer_host == "" then die("the CEA has no Origin-Host") end
if opt.peer_host and peer_host ~= opt.peer_host then
  die("the CEA's Origin-Host is %q, expected %q", peer_host, opt.peer_host)
end
print(("capabilities exchanged with %s (realm %s), Result-Code %d"):format(
  peer_host, tostring(D.get(cea, "Origin-Realm")), D.get(cea, "Result-Code")))

-- Watchdogs on a timer: recv's timeout is the time left until the next DWR,
-- so the peer's own requests are answered while we wait.
local streams = assoc.outbound_streams
for n = 1, opt.watchdogs do
  local due = sctp.gettime() + opt.interval / 1000
  while true do
    local msg, stream = receive(due)
    if msg then
      if msg.request then answer_peer(msg, stream) end
    elseif stream ~= "timeout" then
      die("while waiting to send DWR %d: %s", n, tostring(stream))
    else
      break
    end
  end
  local dwr = request(D.DWR, { origin() })
  dwr.avps[#dwr.avps + 1] = { "Origin-State-Id", cer.avps[6][2] }
  -- stream 0 carries the CER and DPR; watchdogs take the others in turn
  local stream = streams > 1 and 1 + (n - 1) % (streams - 1) or 0
  send(dwr, stream)
  await_answer(dwr)
end

local dpr = request(D.DPR, { oh, orr, { "Disconnect-Cause", D.DO_NOT_WANT_TO_TALK_TO_YOU } })
send(dpr, 0)
await_answer(dpr)

-- After DPA the sender of the DPR closes the transport (RFC 6733 5.4).
sock:eof(assoc)
sock:close()
print(("diameter peer: OK, CER/CEA, %d DWR/DWA, DPR/DPA with %s"):format(opt.watchdogs, peer_host))
