#!/usr/bin/env lua
-- sctpcat: a small `ncat --sctp` for protocol prototyping.
--
--   sctpcat [options] HOST PORT        connect, then stdin <-> the association
--   sctpcat -l [options] [HOST] PORT   wait for one association, then the same
--
-- Each line read from stdin is sent as one message (newline included);
-- every message received is written to stdout as it is. When stdin ends the
-- association is shut down gracefully (SCTP_EOF); sctpcat exits when the
-- association has ended.
--
-- Options:
--   -l, --listen        wait for a peer instead of connecting
--   -s, --stream N      send on stream N (default 0)
--   -p, --ppid N        payload protocol identifier (default 0)
--   -u, --unordered     send unordered
--   -6                  IPv6 (family inet6)
--   -v, --verbose       show events and message details on stderr
--   -t, --timeout MS    give up connecting / waiting after MS (default: none)
--   -h, --help
local sctp = require "sctp"
local core = require "sctp.core"

local function usage(code)
  io.stderr:write([[
usage: sctpcat [-l] [-s STREAM] [-p PPID] [-u] [-6] [-v] [-t MS] [HOST] PORT
]])
  os.exit(code)
end

local opts = {stream = 0, ppid = 0, family = "inet"}
local positional = {}
local i = 1
while i <= #arg do
  local a = arg[i]
  local function value()
    i = i + 1
    local v = tonumber(arg[i])
    if not v then io.stderr:write("sctpcat: ", a, " needs a number\n"); usage(2) end
    return v
  end
  if a == "-l" or a == "--listen" then opts.listen = true
  elseif a == "-s" or a == "--stream" then opts.stream = value()
  elseif a == "-p" or a == "--ppid" then opts.ppid = value()
  elseif a == "-u" or a == "--unordered" then opts.unordered = true
  elseif a == "-6" then opts.family = "inet6"
  elseif a == "-v" or a == "--verbose" then opts.verbose = true
  elseif a == "-t" or a == "--timeout" then opts.timeout = value()
  elseif a == "-h" or a == "--help" then usage(0)
  elseif a:sub(1, 1) == "-" and #a > 1 then io.stderr:write("sctpcat: unknown option ", a, "\n"); usage(2)
  else positional[#positional + 1] = a end
  i = i + 1
end

local host, port
if #positional == 2 then host, port = positional[1], tonumber(positional[2])
elseif #positional == 1 and opts.listen then port = tonumber(positional[1])
else usage(2) end
if not port then usage(2) end

local function verbose(fmt, ...)
  if opts.verbose then io.stderr:write("sctpcat: ", fmt:format(...), "\n") end
end

local function die(what, err, detail)
  io.stderr:write(("sctpcat: %s: %s (%s)\n"):format(what, tostring(err), tostring(detail)))
  os.exit(1)
end

local function show_event(ev)
  local parts = {}
  for k, v in pairs(ev) do
    if k ~= "event" then
      if type(v) == "table" then v = "{" .. table.concat(v, ", ") .. "}" end
      parts[#parts + 1] = k .. "=" .. tostring(v)
    end
  end
  table.sort(parts)
  verbose("event %s %s", ev.event, table.concat(parts, " "))
end

-- Set up the association.
local sock, assoc_id
if opts.listen then
  local err, detail
  sock, err, detail = sctp.open(port, {ip = host or "any", family = opts.family})
  if not sock then die("open", err, detail) end
  assert(sock:listen(true))
  verbose("listening on port %d", port)
else
  local err, detail
  sock, err, detail = sctp.open(0, {family = opts.family})
  if not sock then die("open", err, detail) end
  local assoc
  assoc, err, detail = sock:connect(host, port, nil, opts.timeout)
  if not assoc then die("connect", err, detail) end
  assoc_id = assoc.assoc_id
  verbose("connected to %s port %d: assoc %d, %d/%d streams", host, port,
          assoc_id, assoc.outbound_streams, assoc.inbound_streams)
end

local stdin_open = true
local flags = opts.unordered and {"unordered"} or {}

-- Alternate between stdin and the socket; neither is waited on forever,
-- so a line typed while a message is awaited goes out promptly.
while true do
  if stdin_open and assoc_id and core.poll(0, "r", 0) then
    local line = io.read("*l")   -- ("*L" keeps the newline, but not on Lua 5.1)
    if line then
      line = line .. "\n"
      local ok, err, detail = sock:send({assoc_id = assoc_id, stream = opts.stream,
                                         ppid = opts.ppid, flags = flags}, line)
      if not ok then die("send", err, detail) end
      verbose("sent %d bytes on stream %d", #line, opts.stream)
    else
      stdin_open = false
      verbose("end of input: shutting down assoc %d", assoc_id)
      sock:eof(assoc_id)
    end
  end
  local ip, from_port, ancdata, data = sock:recv(stdin_open and 50 or opts.timeout)
  if not ip then
    if from_port == "timeout" then
      if not stdin_open then die("recv", "timeout", "no end of the association") end
    else
      die("recv", from_port, ancdata)
    end
  elseif sctp.is_event(data) then
    show_event(data)
    if data.event == "assoc_change" then
      if data.state == "comm_up" and not assoc_id then
        assoc_id = data.assoc_id
        verbose("association %d from %s port %d", assoc_id, ip, from_port)
      elseif data.assoc_id == assoc_id and data.state ~= "comm_up" and data.state ~= "restart" then
        verbose("association %d ended (%s)", assoc_id, data.state)
        break
      end
    end
  else
    local info = ancdata[1]
    if info then
      verbose("%d bytes from %s port %d, stream %d, ppid %d", #data, ip, from_port, info.stream, info.ppid)
    end
    io.write(data)
    io.flush()
  end
end
sock:close()
