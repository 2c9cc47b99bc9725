-- spec/helper.lua: shared helpers for the lua-sctp specs.
--
-- Loaded by the specs with `local H = require "helper"` (busted runs with
-- lpath "./lua/?.lua;./lua/?/init.lua;./spec/?.lua").
--
-- Rules the helpers follow, so a broken module fails a spec instead of hanging
-- the suite:
--   * every wait has a timeout (H.TIMEOUT ms unless told otherwise);
--   * every socket made here is remembered, and H.cleanup() (to be used as
--     `after_each(H.cleanup)`) closes them all, even when a test failed.
--
-- Linux may report `paddr_change` events (e.g. `addr_confirmed`, error 2) at
-- any time after `comm_up`; the helpers that look for a particular message
-- skip them.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code: no goto, no `//`, no `<close>`.

local sctp = require "sctp"
local luassert = require "luassert"

local H = {}

H.sctp = sctp
H.TIMEOUT = 5000          -- ms: the longest any single wait in a spec may take
H.LOCAL = "127.0.0.1"     -- IPv4 loopback
H.LOCAL6 = "::1"          -- IPv6 loopback
H.MiB = 1024 * 1024
-- sctp_rtoinfo for a sender whose peer's window closes: over loopback
-- nothing is lost, and a zero window is probed once per RTO
H.FAST_RTO = { initial = 100, min = 50, max = 200 }
-- The backend the suite runs on (tools/run-tests --backend sets SCTP_BACKEND);
-- H.USRSCTP for the cases whose answer differs there (docs/backends.md).
H.BACKEND = sctp.default_backend()
H.USRSCTP = H.BACKEND == "usrsctp"

-------------------------------------------------------------------------------
-- Printing values in failure messages
-------------------------------------------------------------------------------

local function show(v, depth)
  depth = depth or 0
  local t = type(v)
  if t == "string" then
    if #v > 60 then
      return string.format("%q", v:sub(1, 60)) .. "..(" .. #v .. " bytes)"
    end
    return string.format("%q", v)
  elseif t ~= "table" then
    return tostring(v)
  elseif depth > 3 then
    return "{...}"
  end
  local parts, n = {}, #v
  for i = 1, n do
    parts[#parts + 1] = show(v[i], depth + 1)
  end
  local keys = {}
  for k in pairs(v) do
    if not (type(k) == "number" and k >= 1 and k <= n and k % 1 == 0) then
      keys[#keys + 1] = k
    end
  end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    parts[#parts + 1] = tostring(k) .. " = " .. show(v[k], depth + 1)
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end
H.show = show

-------------------------------------------------------------------------------
-- Small utilities
-------------------------------------------------------------------------------

-- Monotonic time in seconds (float), from the core.
function H.now()
  if type(sctp.gettime) ~= "function" then
    error("sctp.gettime() is missing: the specs need a monotonic clock in seconds", 2)
  end
  return sctp.gettime()
end

-- Whole milliseconds left until `deadline` (a H.now() value), never negative.
function H.ms_left(deadline)
  local ms = math.floor((deadline - H.now()) * 1000 + 0.5)
  if ms < 0 then ms = 0 end
  return ms
end

-- {n = count, ...}: keeps trailing nils
function H.pack(...)
  return { n = select("#", ...), ... }
end

function H.copy(t)
  local c = {}
  if t then
    for k, v in pairs(t) do c[k] = v end
  end
  return c
end

-- true when array `list` holds `value`
function H.has(list, value)
  if type(list) ~= "table" then return false end
  for i = 1, #list do
    if list[i] == value then return true end
  end
  return false
end

-- Calls that must succeed: `H.must(sock:connect(...))` returns the results,
-- or raises a readable error built from `nil, err, detail`.
function H.must(ok, err, detail, ...)
  if ok == nil or ok == false then
    error(string.format("expected success, got %s, %s, %s",
      tostring(ok), show(err), show(detail)), 2)
  end
  return ok, err, detail, ...
end

-- The value of one option, raising when getopts fails; `arg` is the
-- option's argument (e.g. {assoc_id = id}), if it takes one.
function H.getopt(sock, name, arg)
  local names = arg == nil and { name } or { [name] = arg }
  return H.must(sock:getopts(names))[name]
end

-- Checks a failure result `nil, err, detail`. `expected` is the expected err
-- name (required: a check that accepts any name cannot fail). `want_detail` requires `detail` to be a
-- non-empty string (the contract gives one for errno failures).
-- Returns err, detail.
function H.fails(expected, want_detail, ...)
  local v, err, detail = ...
  luassert(type(expected) == "string", "H.fails: name the expected err, got " .. show(expected))
  luassert(v == nil, "expected nil, err, detail; got " .. show(v) ..
    ", " .. show(err) .. ", " .. show(detail))
  luassert(type(err) == "string", "err must be a string, got " .. show(err))
  luassert(err == err:lower(), "err must be lower case, got " .. show(err))
  luassert(err == expected, "expected err " .. show(expected) .. ", got " ..
    show(err) .. " (detail " .. show(detail) .. ")")
  if want_detail then
    luassert(type(detail) == "string" and #detail > 0,
      "detail must be a non-empty string, got " .. show(detail))
  end
  return err, detail
end

-- Calls fn (no arguments) and requires it to raise a Lua error: returns the
-- message, and the message without the "file:line:" position in front of
-- it, lower-cased. Otherwise fails at the caller of the caller (level 3).
local function raised(fn)
  local r = H.pack(pcall(fn))
  if r[1] then
    local shown = {}
    for i = 2, r.n do shown[#shown + 1] = show(r[i]) end
    error("expected a Lua error, but the call returned (" ..
      table.concat(shown, ", ") .. ")", 3)
  end
  local msg = tostring(r[2])
  return msg, (msg:gsub("^[^\n:]*:%d+: ", ""):lower())
end

-- true when `text` (lower case) has `word` as a whole word, case-insensitive:
-- "ip" is not in "pipe", "assoc" is not in "assoc_id".
local function names_word(text, word)
  local escaped = word:lower():gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
  return text:find("%f[%w_]" .. escaped .. "%f[^%w_]") ~= nil
end

-- Calls fn (no arguments) and requires it to raise a Lua error whose message
-- names every one of the given words (case-insensitive, whole words: "ip"
-- does not match "pipe", "assoc" does not match "assoc_id"), e.g. the
-- function and the argument at fault: H.raises(f, "send", "data"). A word
-- may be an array of alternatives, any one of which will do. Returns the
-- message.
function H.raises(fn, ...)
  local words = { ... }
  luassert(#words > 0, "H.raises: name at least one word the error must contain")
  local msg, low = raised(fn)
  for i = 1, #words do
    local alternatives = type(words[i]) == "table" and words[i] or { words[i] }
    local found = false
    for _, w in ipairs(alternatives) do found = found or names_word(low, w) end
    if not found then
      error(string.format("error message %q does not name %s", msg,
        table.concat(alternatives, " or ")), 2)
    end
  end
  return msg
end
H.raises_all = H.raises

-- The trimmed contents of a small file (e.g. a /proc/sys value), or nil.
function H.read_file(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return (s:gsub("%s+$", ""))
end

-------------------------------------------------------------------------------
-- Opening sockets (all tracked for H.cleanup)
-------------------------------------------------------------------------------

local opened = {}

-- Remember a socket for H.cleanup(); raises on `nil, err, detail`.
function H.track(sock, err, detail)
  if sock == nil then
    error(string.format("sctp.open failed: %s (%s)", tostring(err),
      tostring(detail)), 2)
  end
  opened[#opened + 1] = sock
  return sock
end

-- Close every socket opened through the helpers (after_each).
function H.cleanup()
  for i = #opened, 1, -1 do
    local s = opened[i]
    opened[i] = nil
    pcall(function() s:close() end)
  end
end

-- sctp.open(port, opts) + track.
function H.open(port, opts)
  return H.track(sctp.open(port, opts))
end

-- Options for a loopback socket: ip defaults to 127.0.0.1 (::1 for inet6).
local function loopback_opts(opts)
  local o = H.copy(opts)
  if o.ip == nil and o.ifaddr == nil then
    o.ip = (o.family == "inet6") and H.LOCAL6 or H.LOCAL
  end
  return o
end

-- A client socket: one-to-many, bound to loopback port 0, not listening.
function H.client(opts)
  return H.open(0, loopback_opts(opts))
end

-- A server socket: like a client, but listening.
function H.server(opts)
  local s = H.client(opts)
  H.must(s:listen(true))
  return s
end

-- The first bound port of a socket.
function H.port_of(sock)
  local names = H.must(sock:socknames())
  luassert(type(names[1]) == "table", "socknames() gave " .. show(names))
  return names[1][2]
end

-- A copy of an {ip, port} list (socknames, peernames) sorted by ip, then
-- port, so that specs compare address lists in a fixed order.
function H.sorted(names)
  local t = H.copy(names)
  table.sort(t, function(a, b)
    if a[1] ~= b[1] then return a[1] < b[1] end
    return a[2] < b[2]
  end)
  return t
end

-- The sorted ips of an {ip, port} list.
function H.ips(names)
  local t = {}
  for i, n in ipairs(H.sorted(names)) do t[i] = n[1] end
  return t
end

-- A port that nothing is bound to right now on `ip` (default 127.0.0.1):
-- bind port 0, read the port, close.
function H.free_port(ip, family)
  local s = H.must(sctp.open(0, { ip = ip or H.LOCAL, family = family }))
  local port = H.port_of(s)
  s:close()
  return port
end

-- `n` different ports that nothing is bound to right now on `ip` (each
-- socket is held until all are chosen), as a list.
function H.free_ports(n, ip)
  local socks, ports = {}, {}
  for i = 1, n do
    socks[i] = H.must(sctp.open(0, { ip = ip or H.LOCAL }))
    ports[i] = H.port_of(socks[i])
  end
  for i = 1, n do socks[i]:close() end
  return ports
end

-------------------------------------------------------------------------------
-- Receiving
-------------------------------------------------------------------------------

function H.is_paddr_change(data)
  return type(data) == "table" and data.event == "paddr_change"
end

-- The next message that is not a paddr_change event:
-- ip, port, ancdata, data   or   nil, err, detail.
function H.next_msg(sock, timeout)
  local deadline = H.now() + (timeout or H.TIMEOUT) / 1000
  while true do
    local ip, port, anc, data = sock:recv(H.ms_left(deadline))
    if data == nil then
      return nil, port, anc       -- nil, err, detail
    end
    if not H.is_paddr_change(data) then
      return ip, port, anc, data
    end
  end
end

-- The next data message, skipping every event:
-- ip, port, ancdata, data   or   nil, err, detail.
function H.recv_data(sock, timeout)
  local deadline = H.now() + (timeout or H.TIMEOUT) / 1000
  while true do
    local ip, port, anc, data = sock:recv(H.ms_left(deadline))
    if data == nil then
      return nil, port, anc
    end
    if not sctp.is_event(data) then
      return ip, port, anc, data
    end
  end
end

-- The next event (paddr_change skipped), which must be called `name`:
-- event, ip, port, ancdata   or   nil, err, detail
-- (err "unexpected" when something else came first).
function H.recv_event(sock, name, timeout)
  local ip, port, anc, data = H.next_msg(sock, timeout)
  if data == nil then
    return nil, port, anc
  end
  if not sctp.is_event(data) or data.event ~= name then
    return nil, "unexpected", "expected event " .. name .. ", got " .. show(data)
  end
  return data, ip, port, anc
end

-- Raising versions, for readable failures.

-- expect_event(sock, name [, state] [, timeout]) -> event, ip, port, ancdata
function H.expect_event(sock, name, state, timeout)
  local ev, ip, port, anc = H.recv_event(sock, name, timeout)
  if ev == nil then
    error(string.format("waiting for %s%s: %s %s", name,
      state and (" " .. state) or "", tostring(ip), tostring(port)), 2)
  end
  if state ~= nil and ev.state ~= state then
    error(string.format("expected %s with state %s, got %s", name, state,
      show(ev)), 2)
  end
  return ev, ip, port, anc
end

-- expect_data(sock [, timeout]) -> ip, port, ancdata, data
function H.expect_data(sock, timeout)
  local ip, port, anc, data = H.recv_data(sock, timeout)
  if data == nil then
    error(string.format("waiting for data: %s %s", tostring(port),
      tostring(anc)), 2)
  end
  return ip, port, anc, data
end

-- The sndrcvinfo of a received data message (ancdata[1]), checked present.
function H.info(anc)
  luassert(type(anc) == "table", "ancdata must be a table, got " .. show(anc))
  luassert(type(anc[1]) == "table",
    "ancdata must hold a sndrcvinfo (data_io_event is on by default), got " .. show(anc))
  return anc[1]
end

-- Reads messages until `pred(data, ip, port, anc)` is true, skipping (and
-- keeping, in arrival order) everything else:
-- ip, port, ancdata, data, skipped   or   nil, err, detail, skipped.
function H.recv_until(sock, pred, timeout)
  local deadline = H.now() + (timeout or H.TIMEOUT) / 1000
  local skipped = {}
  while true do
    local ip, port, anc, data = sock:recv(H.ms_left(deadline))
    if data == nil then
      return nil, port, anc, skipped
    end
    if pred(data, ip, port, anc) then
      return ip, port, anc, data, skipped
    end
    skipped[#skipped + 1] = data
  end
end

-- The next event called `name` (with `state`, if given), skipping anything
-- else: event, ip, port, ancdata. Raises when none arrives in time.
function H.await_event(sock, name, state, timeout)
  local ip, port, anc, data, skipped = H.recv_until(sock, function(d)
    return sctp.is_event(d) and d.event == name and (state == nil or d.state == state)
  end, timeout)
  -- on a timeout recv_until gives nil, err, detail, skipped: then the fifth
  -- value is missing (on success it is the skipped table)
  if skipped == nil then
    skipped = data
    error(string.format("waiting for %s%s: %s %s (skipped %s)", name,
      state and (" " .. state) or "", tostring(port), tostring(anc), show(skipped)), 2)
  end
  return data, ip, port, anc
end

-- On usrsctp, waits until the peer address `address` of association
-- `assoc_id` is no longer unconfirmed (usrsctp refuses an unconfirmed path
-- as the primary, with einval; Linux takes it): its state then, or raises.
-- Nothing is read from the socket meanwhile. A no-op on the kernel backend.
function H.await_confirmed(sock, assoc_id, address, timeout)
  if not H.USRSCTP then return nil end
  local N = require "nethelper"
  local deadline = H.now() + (timeout or H.TIMEOUT) / 1000
  while true do
    local info = H.must(sock:getopts { sctp_get_peer_addr_info =
      { assoc_id = assoc_id, address = address } }).sctp_get_peer_addr_info
    if info.state ~= "unconfirmed" then return info.state end
    if H.now() > deadline then
      error("the path to " .. show(address) .. " is still unconfirmed", 2)
    end
    N.sleep_ms(20)
  end
end

-- Requires that nothing but paddr_change events arrives for `ms`
-- milliseconds; returns true, or raises naming what came.
function H.expect_quiet(sock, ms)
  local ip, port, anc, data = H.next_msg(sock, ms)
  if data ~= nil then
    error("expected nothing to arrive, got " .. show(data), 2)
  end
  if port ~= "timeout" then
    error("expected a timeout, got " .. tostring(port) .. " " .. tostring(anc), 2)
  end
  return true
end

-------------------------------------------------------------------------------
-- An association over loopback
-------------------------------------------------------------------------------

-- server, client, assoc, server_assoc_id, server_comm_up
--
-- `assoc` is what client:connect returned (the client's comm_up
-- assoc_change); server_assoc_id is the id of the same association on the
-- server side, from the server's comm_up event. Both sockets are tracked.
-- The client connects to the server's `ip` (127.0.0.1 unless given; ::1 for
-- family "inet6").
function H.pair(server_opts, client_opts)
  local so = loopback_opts(server_opts)
  local server = H.server(so)
  local client = H.client(client_opts)
  local addr = so.ip
  if type(addr) == "table" then addr = addr[1] end
  local assoc = H.must(client:connect(addr, H.port_of(server), nil, H.TIMEOUT))
  local up = H.expect_event(server, "assoc_change", "comm_up")
  return server, client, assoc, up.assoc_id, up
end

return H
