-- diameter.lua: a minimal Diameter (RFC 6733) codec for the examples
-- diameter_peer.lua and diameter_server.lua.
--
-- Pure functions from strings to tables and back: no sockets here, so the
-- codec can be tested on its own and reused over any transport. SCTP keeps
-- message boundaries, so one recv gives exactly one Diameter message; over
-- TCP the caller would have to cut the byte stream using the header's length.
--
-- Only the base protocol's AVPs that the capabilities exchange, watchdog and
-- disconnect need are known by name; others decode as raw strings.
--
-- Valid Lua 5.1 .. 5.4 and LuaJIT (no string.pack, no bit operators).

local D = {}

D.PPID = 46           -- SCTP payload protocol identifier for Diameter (RFC 6733)
D.PORT = 3868

-- Command codes and the short names of their request/answer.
D.CER, D.DWR, D.DPR = 257, 280, 282
local command_names = {
  [257] = { "CER", "CEA" }, [280] = { "DWR", "DWA" }, [282] = { "DPR", "DPA" },
}

-- AVPs by code: name, type, and whether the M (mandatory) bit is set when
-- we send it (RFC 6733 section 4.5 and the per-AVP tables).
local avps = {
  [257] = { "Host-IP-Address", "address", true },
  [258] = { "Auth-Application-Id", "u32", true },
  [259] = { "Acct-Application-Id", "u32", true },
  [260] = { "Vendor-Specific-Application-Id", "raw", true },
  [263] = { "Session-Id", "utf8", true },
  [264] = { "Origin-Host", "utf8", true },
  [265] = { "Supported-Vendor-Id", "u32", true },
  [266] = { "Vendor-Id", "u32", true },
  [267] = { "Firmware-Revision", "u32", false },
  [268] = { "Result-Code", "u32", true },
  [269] = { "Product-Name", "utf8", false },
  [273] = { "Disconnect-Cause", "u32", true },
  [278] = { "Origin-State-Id", "u32", true },
  [279] = { "Failed-AVP", "raw", true },
  [281] = { "Error-Message", "utf8", false },
  [283] = { "Destination-Realm", "utf8", true },
  [293] = { "Destination-Host", "utf8", true },
  [296] = { "Origin-Realm", "utf8", true },
  [299] = { "Inband-Security-Id", "u32", true },
}
local avp_codes = {}
for code, def in pairs(avps) do avp_codes[def[1]] = code end

D.SUCCESS = 2001      -- DIAMETER_SUCCESS
D.REBOOTING, D.BUSY, D.DO_NOT_WANT_TO_TALK_TO_YOU = 0, 1, 2

local FLAG_R, FLAG_P, FLAG_E, FLAG_T = 0x80, 0x40, 0x20, 0x10
local AVP_V, AVP_M = 0x80, 0x40

-------------------------------------------------------------------------------
-- Big-endian integers without string.pack (Lua 5.1 has none)

local function u8(n) return string.char(n % 256) end
local function u24(n)
  return string.char(math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end
local function u32(n)
  return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256,
    math.floor(n / 256) % 256, n % 256)
end
local function get24(s, i)
  local a, b, c = s:byte(i, i + 2)
  return (a * 256 + b) * 256 + c
end
local function get32(s, i)
  local a, b, c, d = s:byte(i, i + 3)
  return ((a * 256 + b) * 256 + c) * 256 + d
end

local function check_u32(v, what)
  if type(v) ~= "number" or v < 0 or v > 4294967295 or v % 1 ~= 0 then
    error(("diameter: %s must be an integer in 0..2^32-1, got %s"):format(what, tostring(v)), 3)
  end
  return v
end

-------------------------------------------------------------------------------
-- AVPs

local function encode_value(name, kind, v)
  if kind == "u32" then
    return u32(check_u32(v, name))
  elseif kind == "address" then
    -- Address type: 2-byte family (1 = IPv4) then the address bytes
    local a, b, c, d = tostring(v):match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
    if not a then error(("diameter: %s must be an IPv4 address, got %s"):format(name, tostring(v)), 3) end
    return "\0\1" .. string.char(tonumber(a), tonumber(b), tonumber(c), tonumber(d))
  elseif type(v) ~= "string" then
    error(("diameter: %s must be a string, got %s"):format(name, type(v)), 3)
  end
  return v
end

local function decode_value(kind, s)
  if kind == "u32" and #s == 4 then
    return get32(s, 1)
  elseif kind == "address" and #s == 6 and s:byte(2) == 1 and s:byte(1) == 0 then
    return ("%d.%d.%d.%d"):format(s:byte(3, 6))
  end
  return s
end

-- One AVP: `a` is {name, value} (a known name) or {code = n, value = s,
-- vendor = n, mandatory = bool} (raw octets).
local function encode_avp(a)
  local code, value, flags, vendor = a.code, a.value, 0, a.vendor
  local def
  if a[1] then
    code = avp_codes[a[1]]
    if not code then error(("diameter: unknown AVP name %q"):format(tostring(a[1])), 3) end
    def = avps[code]
    value = encode_value(def[1], def[2], a[2])
    if def[3] then flags = AVP_M end
  else
    check_u32(code, "AVP code")
    if type(value) ~= "string" then error("diameter: raw AVP " .. code .. " needs a string value", 3) end
    if a.mandatory then flags = AVP_M end
  end
  local head
  if vendor then
    flags = flags + AVP_V
    head = u32(code) .. u8(flags) .. u24(12 + #value) .. u32(check_u32(vendor, "vendor"))
  else
    head = u32(code) .. u8(flags) .. u24(8 + #value)
  end
  -- the length excludes the padding to a multiple of 4
  return head .. value .. string.rep("\0", (4 - #value % 4) % 4)
end

-------------------------------------------------------------------------------
-- Messages

-- msg = {code = 257, request = true, app = 0, hbh = n, e2e = n,
--        proxiable = bool, error = bool, avps = {{"Origin-Host", "x"}, ...}}
function D.encode(msg)
  if type(msg) ~= "table" then error("diameter.encode: message must be a table", 2) end
  local parts = {}
  for i, a in ipairs(msg.avps or {}) do
    if type(a) ~= "table" then error("diameter.encode: avps[" .. i .. "] must be a table", 2) end
    parts[i] = encode_avp(a)
  end
  local body = table.concat(parts)
  local flags = (msg.request and FLAG_R or 0) + (msg.proxiable and FLAG_P or 0) +
    (msg.error and FLAG_E or 0) + (msg.retransmit and FLAG_T or 0)
  check_u32(msg.code, "command code")
  return u8(1) .. u24(20 + #body) .. u8(flags) .. u24(msg.code) ..
    u32(check_u32(msg.app or 0, "application id")) ..
    u32(check_u32(msg.hbh or 0, "hop-by-hop id")) .. u32(check_u32(msg.e2e or 0, "end-to-end id")) ..
    body
end

-- The message table, or nil and a reason when `s` is not a well-formed
-- Diameter message (wrong version, lengths that do not add up).
function D.decode(s)
  if type(s) ~= "string" then return nil, "not a string" end
  if #s < 20 then return nil, ("message of %d bytes is shorter than a header"):format(#s) end
  if s:byte(1) ~= 1 then return nil, "version " .. s:byte(1) .. ", expected 1" end
  local len = get24(s, 2)
  if len ~= #s then return nil, ("header says %d bytes, message has %d"):format(len, #s) end
  local flags = s:byte(5)
  local msg = {
    code = get24(s, 6), app = get32(s, 9), hbh = get32(s, 13), e2e = get32(s, 17),
    request = flags >= FLAG_R, proxiable = flags % FLAG_R >= FLAG_P,
    error = flags % FLAG_P >= FLAG_E, avps = {},
  }
  local i = 21
  while i <= len do
    if i + 7 > len then return nil, "truncated AVP header at byte " .. i end
    local code, aflags, alen = get32(s, i), s:byte(i + 4), get24(s, i + 5)
    local hlen = aflags >= AVP_V and 12 or 8
    if alen < hlen or i + alen - 1 > len then
      return nil, ("AVP %d at byte %d has a bad length %d"):format(code, i, alen)
    end
    local def = avps[code]
    local raw = s:sub(i + hlen, i + alen - 1)
    msg.avps[#msg.avps + 1] = {
      code = code, name = def and def[1], mandatory = aflags % AVP_V >= AVP_M,
      vendor = hlen == 12 and get32(s, i + 8) or nil,
      value = def and decode_value(def[2], raw) or raw,
    }
    i = i + alen + (4 - alen % 4) % 4
  end
  return msg
end

-- The value of the first AVP called `name` (or with that code), or nil.
function D.get(msg, name)
  for _, a in ipairs(msg.avps) do
    if a.name == name or a.code == name then return a.value end
  end
  return nil
end

-- "CEA" for an answer to 257, "cmd 316 request" for an unknown command.
function D.command_name(msg)
  local names = command_names[msg.code]
  if names then return names[msg.request and 1 or 2] end
  return ("cmd %d %s"):format(msg.code, msg.request and "request" or "answer")
end

-- One readable line: CEA hbh=0x00000001 Result-Code=2001 Origin-Host="fd" ...
function D.format(msg)
  local out = { D.command_name(msg), ("hbh=0x%08x"):format(msg.hbh or 0) }
  if msg.error then out[#out + 1] = "E" end
  for _, a in ipairs(msg.avps or {}) do
    -- decoded AVPs have name/value, ones written for D.encode {name, value}
    local name, v = a.name or a[1] or ("AVP" .. tostring(a.code)), a.value
    if a[1] then v = a[2] end
    if type(v) == "string" then
      v = v:find("^[%w%p ]*$") and ("%q"):format(v) or ("<%d bytes>"):format(#v)
    end
    out[#out + 1] = name .. "=" .. tostring(v)
  end
  return table.concat(out, " ")
end

-- The answer to a request: same command, application and identifiers.
function D.answer(req, avp_list)
  return { code = req.code, app = req.app, hbh = req.hbh, e2e = req.e2e,
           request = false, avps = avp_list }
end

-- Identifiers: hop-by-hop ids just count; end-to-end ids start with the
-- low 12 bits of the time, as RFC 6733 section 3 suggests.
function D.ids()
  local hbh = math.random(0, 65535) * 65536
  local e2e = (os.time() % 4096) * 1048576
  return function()
    hbh, e2e = (hbh + 1) % 4294967296, (e2e + 1) % 4294967296
    return hbh, e2e
  end
end

return D
