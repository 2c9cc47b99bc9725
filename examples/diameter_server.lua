#!/usr/bin/env lua
-- diameter_server: the answering side of Diameter's base protocol (RFC 6733)
-- over SCTP: waits for peers (freeDiameter, diameter_peer.lua) and answers
-- their CER, DWR and DPR.
--
--   lua diameter_server.lua [options] [IP [PORT]]     (default any 3868)
--
-- One one-to-many socket serves every peer: each message arrives with its
-- association id, and each answer goes back on the stream its request came
-- on, with ppid 46. Each exchange is printed.
--
-- Options:
--   --origin-host NAME    our Diameter identity (default lua-server.test.example)
--   --realm NAME          our realm (default test.example)
--   --peers N             exit after N peers have said goodbye (DPR) or gone (default 1)
--   --timeout MS          give up after MS in all (default 120000)
--
-- Exit status 0 when N peers came, exchanged capabilities and left; 1 otherwise.
package.path = (arg[0]:match("^(.-)[^/\\]*$") or "") .. "?.lua;" .. package.path
local sctp = require "sctp"
local D = require "diameter"

local function die(fmt, ...)
  io.stderr:write("diameter_server: ", fmt:format(...), "\n")
  os.exit(1)
end

local opt, positional = require("options")(arg, {
  origin_host = "string", realm = "string", peers = "number", timeout = "number",
}, { origin_host = "lua-server.test.example", realm = "test.example", peers = 1, timeout = 120000 }, die)
if opt.peers < 1 then die("--peers must be at least 1") end
if opt.timeout < 1 then die("--timeout must be at least 1") end
local ip = positional[1] or "any"
local port = tonumber(positional[2] or D.PORT)
if not port then die("bad port %s", tostring(positional[2])) end

local sock, err, detail = sctp.open(port, { ip = ip, sctp_initmsg = { num_ostreams = 8, max_instreams = 8 } })
if not sock then die("cannot listen on %s:%d: %s (%s)", ip, port, tostring(err), tostring(detail)) end
assert(sock:listen(true))
print(("diameter server %s listening on %s:%d"):format(opt.origin_host, ip, port))
io.stdout:flush()

local state = {}       -- assoc_id -> "up" | "open" (after CEA) | "closing" (after DPA)
local done, failed = 0, 0

local function send(assoc_id, stream, msg)
  local ok, e, d = sock:send({ assoc_id = assoc_id, stream = stream, ppid = D.PPID }, D.encode(msg))
  if not ok then
    print(("   send to assoc %d failed: %s (%s)"):format(assoc_id, tostring(e), tostring(d)))
    return
  end
  print(("-> assoc %d stream %d ppid %d  %s"):format(assoc_id, stream, D.PPID, D.format(msg)))
end

local function answer(assoc_id, stream, req, result, extra)
  local avp_list = { { "Result-Code", result }, { "Origin-Host", opt.origin_host }, { "Origin-Realm", opt.realm } }
  for _, a in ipairs(extra or {}) do avp_list[#avp_list + 1] = a end
  local a = D.answer(req, avp_list)
  a.error = result >= 3000 and result < 4000 -- protocol errors carry the E bit
  send(assoc_id, stream, a)
end

local function handle(assoc_id, stream, req)
  local st = state[assoc_id]
  if not req.request then
    print("   (an answer: we send no requests, ignored)")
  elseif req.code == D.CER then
    if not D.get(req, "Origin-Host") then
      answer(assoc_id, stream, req, 5005) -- DIAMETER_MISSING_AVP
      return
    end
    local names = sock:socknames(assoc_id)
    local here = names and names[1] and names[1][1] or "127.0.0.1"
    if not here:find("^%d+%.%d+%.%d+%.%d+$") then here = "127.0.0.1" end
    answer(assoc_id, stream, req, D.SUCCESS, {
      { "Host-IP-Address", here }, { "Vendor-Id", 0 },
      { "Product-Name", "lua-sctp diameter_server" },
      { "Auth-Application-Id", 4294967295 }, -- relay: the base protocol only
    })
    state[assoc_id] = "open"
    print(("capabilities exchanged with %s on assoc %d"):format(tostring(D.get(req, "Origin-Host")), assoc_id))
  elseif st ~= "open" then
    -- before the capabilities exchange only a CER is acceptable
    answer(assoc_id, stream, req, 3010) -- DIAMETER_UNKNOWN_PEER
  elseif req.code == D.DWR then
    answer(assoc_id, stream, req, D.SUCCESS)
  elseif req.code == D.DPR then
    answer(assoc_id, stream, req, D.SUCCESS)
    state[assoc_id] = "closing" -- the peer closes the transport after the DPA
    print(("peer on assoc %d says goodbye (Disconnect-Cause %s)"):format(
      assoc_id, tostring(D.get(req, "Disconnect-Cause"))))
  else
    answer(assoc_id, stream, req, 3001) -- DIAMETER_COMMAND_UNSUPPORTED
  end
end

local deadline = sctp.gettime() + opt.timeout / 1000
while done + failed < opt.peers do
  local left = math.floor((deadline - sctp.gettime()) * 1000)
  if left <= 0 then die("timed out with %d of %d peers done", done, opt.peers) end
  local from, port_or_err, anc, data = sock:recv(left)
  if not from then
    if port_or_err ~= "timeout" then die("recv: %s (%s)", tostring(port_or_err), tostring(anc)) end
  elseif sctp.is_event(data) then
    if data.event == "assoc_change" then
      print(("event assoc_change %s assoc %d"):format(data.state, data.assoc_id))
      if data.state == "comm_up" then
        state[data.assoc_id] = "up"
      elseif state[data.assoc_id] then
        -- the association ended: fine after a DPR, a failure otherwise
        if state[data.assoc_id] == "closing" then done = done + 1 else failed = failed + 1 end
        state[data.assoc_id] = nil
      end
    elseif data.event == "shutdown_event" then
      print(("event shutdown_event assoc %d"):format(data.assoc_id))
    end
  else
    local info = anc[1] or {}
    local msg, why = D.decode(data)
    if not msg then
      print(("<- assoc %d stream %d: not Diameter (%s): aborting it"):format(info.assoc_id, info.stream, why))
      sock:abort(info.assoc_id)
    else
      print(("<- assoc %d stream %d ppid %d  %s"):format(info.assoc_id, info.stream, info.ppid, D.format(msg)))
      handle(info.assoc_id, info.stream, msg)
    end
  end
  io.stdout:flush()
end
sock:close()
print(("diameter server: %d peer(s) said goodbye, %d went away without DPR"):format(done, failed))
os.exit(failed == 0 and 0 or 1)
