#!/usr/bin/env lua
-- m3ua_asp: an M3UA ASP (RFC 4666) over SCTP, e.g. against osmo-stp.
--
--   lua m3ua_asp.lua [options] [HOST [PORT]]          (default 127.0.0.1 2905)
--
-- Brings the ASP up (ASPUP/ASPUP_ACK), makes it active for a routing context
-- (ASPAC/ASPAC_ACK), checks the peer is alive (BEAT/BEAT_ACK), sends one
-- DATA message on stream 1, waits for DATA routed back to it when the
-- destination point code is its own, then takes the ASP down again
-- (ASPDN/ASPDN_ACK). Every message goes out with ppid 3; management on
-- stream 0, traffic on stream 1. Each message is printed.
--
-- Options:
--   --local-port N   bind to this port (an SG may know its ASPs by port)
--   --rc N           routing context to activate (default 23)
--   --opc PC         our point code, 3.8.3 (0.0.5) or a number (default 0.0.5)
--   --dpc PC         destination of the DATA (default: --opc, a loop via the SG)
--   --asp-id N       ASP Identifier to send in ASPUP
--   --timeout MS     longest wait for any answer (default 10000)
--
-- Exit status 0 when every step was answered as RFC 4666 says, 1 otherwise.
package.path = (arg[0]:match("^(.-)[^/\\]*$") or "") .. "?.lua;" .. package.path
local sctp = require "sctp"

local function die(fmt, ...)
  io.stderr:write("m3ua_asp: ", fmt:format(...), "\n")
  os.exit(1)
end

-------------------------------------------------------------------------------
-- Codec: strings <-> tables, no sockets (RFC 4666 section 3). It would live
-- in a module of its own in a real application, like examples/diameter.lua.

local M = { PPID = 3 }

-- Message classes and types, and their names.
M.MGMT, M.TRANSFER, M.ASPSM, M.ASPTM = 0, 1, 3, 4
local names = {
  [0] = { [0] = "ERR", [1] = "NTFY" },
  [1] = { [1] = "DATA" },
  [3] = { "ASPUP", "ASPDN", "BEAT", "ASPUP_ACK", "ASPDN_ACK", "BEAT_ACK" },
  [4] = { "ASPAC", "ASPIA", "ASPAC_ACK", "ASPIA_ACK" },
}
local by_name = {}
for class, types in pairs(names) do
  for t, n in pairs(types) do by_name[n] = { class, t } end
end

-- Parameter tags (section 3.2 and 3.3).
M.INFO_STRING, M.ROUTING_CONTEXT, M.HEARTBEAT_DATA, M.TRAFFIC_MODE = 0x0004, 0x0006, 0x0009, 0x000b
M.ERROR_CODE, M.STATUS, M.ASP_ID, M.PROTOCOL_DATA = 0x000c, 0x000d, 0x0011, 0x0210

local function u16(n) return string.char(math.floor(n / 256) % 256, n % 256) end
local function u32(n)
  return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256,
    math.floor(n / 256) % 256, n % 256)
end
local function get16(s, i) local a, b = s:byte(i, i + 1); return a * 256 + b end
local function get32(s, i)
  local a, b, c, d = s:byte(i, i + 3)
  return ((a * 256 + b) * 256 + c) * 256 + d
end
M.u32, M.get32 = u32, get32

-- encode("ASPAC", {{M.TRAFFIC_MODE, u32(1)}, ...}): the parameters are
-- {tag, value string} pairs, in order.
function M.encode(name, params)
  local ct = by_name[name]
  if not ct then error("m3ua.encode: unknown message " .. tostring(name), 2) end
  local body = {}
  for i, p in ipairs(params or {}) do
    if type(p[1]) ~= "number" or type(p[2]) ~= "string" then
      error("m3ua.encode: parameter " .. i .. " must be {tag, string}", 2)
    end
    -- the length counts the 4-byte tag/length header, not the padding
    body[i] = u16(p[1]) .. u16(4 + #p[2]) .. p[2] .. string.rep("\0", (4 - #p[2] % 4) % 4)
  end
  local b = table.concat(body)
  return "\1\0" .. string.char(ct[1], ct[2]) .. u32(8 + #b) .. b
end

-- {class, type, name, params = {{tag, value}, ...}} or nil, reason.
function M.decode(s)
  if type(s) ~= "string" or #s < 8 then return nil, "shorter than the 8-byte common header" end
  if s:byte(1) ~= 1 then return nil, "version " .. s:byte(1) .. ", expected 1" end
  local len = get32(s, 5)
  if len ~= #s then return nil, ("header says %d bytes, message has %d"):format(len, #s) end
  local class, mtype = s:byte(3), s:byte(4)
  local msg = { class = class, type = mtype, params = {} }
  msg.name = names[class] and names[class][mtype] or ("class %d type %d"):format(class, mtype)
  local i = 9
  while i <= len do
    if i + 3 > len then return nil, "truncated parameter at byte " .. i end
    local tag, plen = get16(s, i), get16(s, i + 2)
    if plen < 4 or i + plen - 1 > len then return nil, ("parameter 0x%04x has a bad length %d"):format(tag, plen) end
    msg.params[#msg.params + 1] = { tag, s:sub(i + 4, i + plen - 1) }
    i = i + plen + (4 - plen % 4) % 4
  end
  return msg
end

function M.param(msg, tag)
  for _, p in ipairs(msg.params) do
    if p[1] == tag then return p[2] end
  end
  return nil
end

-- Point codes: 14 bits, shown as ITU's 3.8.3 (zone.area.signalling point).
function M.pc(v)
  if type(v) == "number" then return v end
  local z, a, p = tostring(v):match("^(%d+)%.(%d+)%.(%d+)$")
  if z then return tonumber(z) * 2048 + tonumber(a) * 8 + tonumber(p) end
  return tonumber(v)
end
function M.pc_str(n)
  return ("%d.%d.%d"):format(math.floor(n / 2048), math.floor(n / 8) % 256, n % 8)
end

-- Protocol Data (3.3.1): OPC, DPC, SI, NI, MP, SLS, then the user's bytes.
function M.protocol_data(d)
  return u32(d.opc) .. u32(d.dpc) .. string.char(d.si, d.ni, d.mp or 0, d.sls or 0) .. d.data
end
function M.parse_protocol_data(s)
  if not s or #s < 12 then return nil end
  return { opc = get32(s, 1), dpc = get32(s, 5), si = s:byte(9), ni = s:byte(10),
           mp = s:byte(11), sls = s:byte(12), data = s:sub(13) }
end

-- NTFY Status (3.8.2): type 1 is an AS state change, type 2 other news
local status_names = { [1] = { [2] = "AS-INACTIVE", [3] = "AS-ACTIVE", [4] = "AS-PENDING" },
                       [2] = { [1] = "insufficient ASP resources", [2] = "alternate ASP active",
                               [3] = "ASP failure" } }

function M.format(msg)
  local out = { msg.name }
  for _, p in ipairs(msg.params) do
    local tag, v = p[1], p[2]
    if (tag == M.ROUTING_CONTEXT or tag == M.TRAFFIC_MODE or tag == M.ERROR_CODE or tag == M.ASP_ID) and #v == 4 then
      local label = { [M.ROUTING_CONTEXT] = "RC", [M.TRAFFIC_MODE] = "traffic-mode",
                      [M.ERROR_CODE] = "error", [M.ASP_ID] = "asp-id" }
      out[#out + 1] = label[tag] .. "=" .. get32(v, 1)
    elseif tag == M.STATUS and #v == 4 then
      local st, info = get16(v, 1), get16(v, 3)
      local n = status_names[st] and status_names[st][info]
      out[#out + 1] = ("status=%d/%d%s"):format(st, info, n and (" (" .. n .. ")") or "")
    elseif tag == M.PROTOCOL_DATA then
      local d = M.parse_protocol_data(v)
      if d then
        out[#out + 1] = ("OPC=%s DPC=%s SI=%d NI=%d SLS=%d data=%q"):format(
          M.pc_str(d.opc), M.pc_str(d.dpc), d.si, d.ni, d.sls, d.data)
      end
    elseif (tag == M.INFO_STRING or tag == M.HEARTBEAT_DATA) and v:find("^[%w%p ]*$") then
      out[#out + 1] = (tag == M.INFO_STRING and "info=%q" or "heartbeat=%q"):format(v)
    else
      out[#out + 1] = ("0x%04x=<%d bytes>"):format(tag, #v)
    end
  end
  return table.concat(out, " ")
end

-------------------------------------------------------------------------------
-- Options

local opt, positional = require("options")(arg, {
  local_port = "number", rc = "number", opc = "string", dpc = "string",
  asp_id = "number", timeout = "number",
}, { rc = 23, opc = "0.0.5", timeout = 10000 }, die)
local host = positional[1] or "127.0.0.1"
local port = tonumber(positional[2] or 2905)
if not port then die("bad port %s", tostring(positional[2])) end
local opc = M.pc(opt.opc)
local dpc = M.pc(opt.dpc or opt.opc)
if not opc or not dpc or opc > 16383 or dpc > 16383 then die("bad point code (use 0.0.5 or 0..16383)") end

-------------------------------------------------------------------------------
-- The ASP

local sock, err, detail = sctp.open(opt.local_port or 0, { ip = host == "127.0.0.1" and host or "any" })
if not sock then die("open: %s (%s)", tostring(err), tostring(detail)) end
local assoc
assoc, err, detail = sock:connect(host, port, { sctp_initmsg = { num_ostreams = 2, max_instreams = 2 } }, opt.timeout)
if not assoc then die("connect %s:%d: %s (%s)", host, port, tostring(err), tostring(detail)) end
print(("connected to %s:%d: assoc %d, %d outbound / %d inbound streams"):format(
  host, port, assoc.assoc_id, assoc.outbound_streams, assoc.inbound_streams))
if assoc.outbound_streams < 2 then die("the SG gave only one stream; DATA needs stream 1") end

local function send(stream, name, params)
  local ok, e, d = sock:send({ assoc_id = assoc.assoc_id, stream = stream, ppid = M.PPID }, M.encode(name, params))
  if not ok then die("send %s: %s (%s)", name, tostring(e), tostring(d)) end
  print(("-> stream %d ppid %d  %s"):format(stream, M.PPID, M.format(assert(M.decode(M.encode(name, params))))))
end

-- The next message whose name is `want`; NTFY messages on the way are shown
-- and skipped, an ERR or anything else is fatal.
local function expect(want)
  local deadline = sctp.gettime() + opt.timeout / 1000
  while true do
    local left = math.floor((deadline - sctp.gettime()) * 1000)
    if left < 0 then left = 0 end
    local from, port_or_err, anc, data = sock:recv(left)
    if not from then die("waiting for %s: %s", want, tostring(port_or_err)) end
    if sctp.is_event(data) then
      if data.event == "assoc_change" and data.state ~= "comm_up" then
        die("waiting for %s: association %s", want, tostring(data.state))
      elseif data.event == "shutdown_event" then
        die("waiting for %s: the SG shut the association down", want)
      end
    else
      local info = anc[1] or {}
      local msg, why = M.decode(data)
      if not msg then die("undecodable message: %s", why) end
      print(("<- stream %d ppid %d  %s"):format(info.stream or -1, info.ppid or -1, M.format(msg)))
      if info.ppid ~= M.PPID then die("%s came with ppid %s, expected %d", msg.name, tostring(info.ppid), M.PPID) end
      if msg.name == want then return msg, info end
      if msg.name ~= "NTFY" then die("expected %s, got %s", want, msg.name) end
    end
  end
end

local up = {}
if opt.asp_id then up[1] = { M.ASP_ID, u32(opt.asp_id) } end
send(0, "ASPUP", up)
expect("ASPUP_ACK")

-- Traffic mode 1 = override; the routing context names the AS in the SG
send(0, "ASPAC", { { M.TRAFFIC_MODE, u32(1) }, { M.ROUTING_CONTEXT, u32(opt.rc) } })
local ack = expect("ASPAC_ACK")
local rc = M.param(ack, M.ROUTING_CONTEXT)
if rc and get32(rc, 1) ~= opt.rc then die("ASPAC_ACK for RC %d, we asked for %d", get32(rc, 1), opt.rc) end
print(("ASP active for routing context %d"):format(opt.rc))

local beat = "lua-sctp beat " .. os.time()
send(0, "BEAT", { { M.HEARTBEAT_DATA, beat } })
local back = expect("BEAT_ACK")
if M.param(back, M.HEARTBEAT_DATA) ~= beat then die("BEAT_ACK does not echo the heartbeat data") end

-- SI 3 = SCCP, NI 2 = national network; the SLS picks the stream in a
-- bigger setup, here there is only stream 1 for traffic.
local payload = "lua-sctp m3ua demo"
send(1, "DATA", { { M.ROUTING_CONTEXT, u32(opt.rc) },
  { M.PROTOCOL_DATA, M.protocol_data({ opc = opc, dpc = dpc, si = 3, ni = 2, sls = 1, data = payload }) } })
if dpc == opc then
  local data, info = expect("DATA")
  local d = M.parse_protocol_data(M.param(data, M.PROTOCOL_DATA))
  if not d or d.data ~= payload or d.dpc ~= dpc then die("the routed-back DATA is not what we sent") end
  print(("DATA routed back by the SG on stream %d"):format(info.stream))
end

send(0, "ASPDN", {})
expect("ASPDN_ACK")
sock:eof(assoc)
sock:close()
print(("m3ua asp: OK, ASPUP, ASPAC (RC %d), BEAT, DATA, ASPDN"):format(opt.rc))
