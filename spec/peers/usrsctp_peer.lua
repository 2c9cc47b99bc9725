-- spec/peers/usrsctp_peer.lua: the usrsctp side of spec/interop_spec.lua, a
-- process whose sockets are on the usrsctp backend (SCTP_BACKEND=usrsctp,
-- its UDP port from SCTP_USRSCTP_UDP_PORT) talking to the spec's kernel
-- sockets over UDP encapsulation.
--
--   server PORT [ADDR]  listens on ADDR:PORT (127.0.0.1), echoes every
--                       message on its stream, ppid and order; "bye" it
--                       answers with eof(); ends at the shutdown
--   client PORT [ADDR]  connects to ADDR:PORT, sends MESSAGES, reads the
--                       echoes, sends "bye", waits for the peer's eof
--
-- Reports, one line each:
--   RAW <true|false>                 capabilities().raw_ip of its socket
--   READY                            listening (server)
--   EVENT <event> <state or ->       every event it receives
--   DATA <stream> <ppid> <u|o> <s>   every message (u: unordered)
--   DONE                             the end, all well
--   ERROR <text>                     something failed (exit status 1)
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local sctp = require "sctp"
local P = require "peers.common"
local out, fail = P.out, P.fail

local mode, port, addr = arg[1], tonumber(arg[2]), arg[3] or "127.0.0.1"
if sctp.default_backend() ~= "usrsctp" then fail("SCTP_BACKEND is not usrsctp") end

local MESSAGES = {
  { stream = 0, ppid = 46, data = "one" },
  { stream = 1, ppid = 47, data = "two" },
  { stream = 2, ppid = 48, data = "three", unordered = true },
  { stream = 3, ppid = 49, data = "four" },
}

local function info_of(m, assoc_id)
  return { assoc_id = assoc_id, stream = m.stream, ppid = m.ppid,
           flags = m.unordered and { "unordered" } or nil }
end

local function is_unordered(sri)
  for _, f in ipairs(sri.flags or {}) do if f == "unordered" then return true end end
  return false
end

-- the next data message, reporting the events on the way; nil on shutdown
local function next_data(sock, deadline)
  while true do
    local _, _, anc, data = sock:recv(P.ms_left(deadline))
    if data == nil then fail("recv:", anc) end
    if sctp.is_event(data) then
      out("EVENT", data.event, data.state or "-")
      if data.event == "shutdown_event" or (data.event == "assoc_change" and data.state ~= "comm_up") then
        return nil
      end
    else
      local sri = anc[1]
      out("DATA", sri.stream, sri.ppid, is_unordered(sri) and "u" or "o", data)
      return data, sri
    end
  end
end

local deadline = sctp.gettime() + 20
if mode == "server" then
  local s = assert(sctp.open(port, { ip = addr }))
  out("RAW", tostring(s:capabilities().raw_ip))
  assert(s:listen(true))
  out("READY")
  while true do
    local data, sri = next_data(s, deadline)
    if data == nil then break end
    local ok, err
    if data == "bye" then   -- the client's last word: shut the association down
      ok, err = s:eof(sri.assoc_id)
    else
      ok, err = s:send({ assoc_id = sri.assoc_id, stream = sri.stream, ppid = sri.ppid,
      flags = is_unordered(sri) and { "unordered" } or nil }, data)
    end
    if not ok then fail("send/eof:", err) end
  end
elseif mode == "client" then
  local s = assert(sctp.open(0))
  out("RAW", tostring(s:capabilities().raw_ip))
  local assoc, err = s:connect(addr, port, nil, 5000)
  if not assoc then fail("connect:", err) end
  out("EVENT", assoc.event, assoc.state)
  for _, m in ipairs(MESSAGES) do
    local ok, e = s:send(info_of(m, assoc.assoc_id), m.data)
    if not ok then fail("send:", e) end
  end
  for _ = 1, #MESSAGES do
    if not next_data(s, deadline) then fail("the association ended before the echoes") end
  end
  assert(s:send(info_of({ stream = 0, ppid = 0 }, assoc.assoc_id), "bye"))
  -- the kernel side answers "bye" with its eof: our shutdown_event
  while next_data(s, deadline) do end
  s:close()
else
  fail("usage: usrsctp_peer.lua server|client PORT")
end
out("DONE")
