--- SCTP sockets for Lua, shaped like Erlang/OTP's gen_sctp.
--
-- The C core (`sctp.core`) makes the system calls and converts data; it never
-- blocks. This layer adds gen_sctp semantics: waiting with timeouts, connect
-- that waits for `comm_up`, options handled in Lua (`mode`, `buffer`,
-- `non_block_send`), argument checks that name the argument at fault.
-- Its methods are interposed on the C socket's method table, so a socket is
-- the C userdata itself.
--
-- The contract is docs/API.md (from shared/API.md); see README.md.
-- @module sctp
local core = require "sctp.core"
local wait = require "sctp.wait"

local type, pairs, ipairs, select, error, tostring, setmetatable =
      type, pairs, ipairs, select, error, tostring, setmetatable
local debug = debug
local floor = math.floor

local M = {
  _VERSION = "lua-sctp 0.1.0",
  version = "0.1.0",
  backend = core.backend,
  gettime = core.gettime,
}

local methods = core.methods

-- The raw (non-blocking) C methods, before interposition.
local raw = {}
for name, fn in pairs(methods) do raw[name] = fn end
local raw_send, raw_send_assoc, isclosed = raw.send, raw.send_assoc, raw.isclosed
local kernel_wait_ms = wait.kernel_wait_ms

-- Per-socket Lua state, collected with the socket: a table with weak keys,
-- whose entries go with their socket even when the state refers back to it
-- (a handler, a waiter, a suspended coroutine) on Lua 5.2+ (ephemerons). Lua
-- 5.1 and LuaJIT have no ephemerons: there the state lives in the socket
-- userdata itself (its environment), behind a table that looks the same.
local state
if _VERSION == "Lua 5.1" then
  local getst, setst = raw.getstate, raw.setstate
  state = setmetatable({}, {
    __index = function(_, sock) return getst(sock) end,
    __newindex = function(_, sock, s) setst(sock, s) end,
  })
else
  state = setmetatable({}, {__mode = "k"})
end

-- `parent` (a listening or one-to-many socket) passes on the Lua-level
-- settings to an accepted or peeled-off socket; the kernel copies its own.
local function newstate(sock, parent)
  local p = parent and state[parent]
  local _, stype, peeled = raw.info(sock)
  local s = {mode = p and p.mode or "binary", buffer = p and p.buffer or 65536,
             active = p and p.active or false, handler = p and p.handler,
             non_block_send = p and p.non_block_send or false,
             assoc_events = (not p) or p.assoc_events,
             stream = stype == "stream", peeled = peeled,
             qhead = 1, qtail = 0, queue = {}}
  state[sock] = s
  if p then
    raw.setmode(sock, s.mode)
    raw.setbuffer(sock, s.buffer)
  end
  return s
end

local function getstate(sock)
  return state[sock] or newstate(sock)
end
wait.bind(getstate)

---------------------------------------------------------------------------
-- Argument checks: programmer errors raise, naming function and argument.

-- Errors point at the user's line: core.where() finds the first frame
-- outside the library's chunks (the same finder as the C core's errors;
-- the chunks are known by identity, so a user's file under a directory
-- named sctp/ keeps its position).
core.library_chunk(debug.getinfo(1, "S").source)

local function raise(msg)
  error(core.where() .. msg, 0)
end

-- Runs f(...) and re-raises its Lua error as an error of `fn` (the
-- function the user called), at the user's line. `cleanup` runs first.
local function as_errors_of(fn, cleanup, f, ...)
  local r = {pcall(f, ...)}
  if not r[1] then
    if cleanup then cleanup() end
    local msg = tostring(r[2]):gsub("^[^:]*:%d+: ", ""):gsub("^sctp: ", "")
    msg = msg:gsub("^" .. fn .. ": ", ""):gsub("^setopts: ", ""):gsub("^connect: ", "")
    msg = msg:gsub("^bindx: ", "")
    raise(("sctp: %s: %s"):format(fn, msg))
  end
  return r[2], r[3], r[4], r[5]
end

local function argerror(fn, arg, expected, value)
  raise(("sctp: %s: bad argument '%s' (%s expected, got %s)")
        :format(fn, arg, expected, type(value)))
end

local function is_integer(v)
  return type(v) == "number" and v == floor(v) and v >= -2^53 and v <= 2^53
end

local function check_timeout(fn, t)
  if t ~= nil and (type(t) ~= "number" or t < 0 or t ~= t) then
    argerror(fn, "timeout", "milliseconds >= 0 or nil", t)
  end
end

local function check_port(fn, p, min)
  if not is_integer(p) or p < (min or 0) or p > 65535 then
    argerror(fn, "port", ("integer %d..65535"):format(min or 0), p)
  end
end

---------------------------------------------------------------------------
-- Options: a few are policy and live here; the rest go to the C codec.

local core_options = {}
for _, name in ipairs(core.optnames()) do core_options[name] = true end

local lua_options = {
  mode = {
    set = function(sock, v)
      if v ~= "binary" and v ~= "list" then
        raise("sctp: setopts: mode: \"binary\" or \"list\" expected, got " .. tostring(v))
      end
      raw.setmode(sock, v)
      getstate(sock).mode = v
      return true
    end,
    get = function(sock) return getstate(sock).mode end,
  },
  buffer = {
    set = function(sock, v)
      if not is_integer(v) or v < 256 or v > 2^30 then
        raise("sctp: setopts: buffer: integer 256..2^30 expected, got " .. tostring(v))
      end
      raw.setbuffer(sock, v)
      getstate(sock).buffer = v
      return true
    end,
    get = function(sock) return getstate(sock).buffer end,
  },
  non_block_send = {
    set = function(sock, v)
      if type(v) ~= "boolean" then
        raise("sctp: setopts: non_block_send: boolean expected, got " .. type(v))
      end
      getstate(sock).non_block_send = v
      return true
    end,
    get = function(sock) return getstate(sock).non_block_send end,
  },
}

-- active mode (gen_sctp): false, true, "once" or a count N; messages go
-- to the controlling_process handler through dispatch().
lua_options.active = {
  set = function(sock, v)
    local s = getstate(sock)
    if v == true or v == false or v == "once" then
      s.active = v
    elseif is_integer(v) and v >= -32768 and v <= 32767 then
      -- as gen_sctp: N is added to a running count; <= 0 turns passive
      local n = (type(s.active) == "number" and s.active or 0) + v
      if n > 0 then
        s.active = n
      else
        s.active, s.passive_pending = false, true
      end
    else
      raise("sctp: setopts: active: true, false, \"once\" or an integer -32768..32767 expected, got " .. tostring(v))
    end
    return true
  end,
  get = function(sock) return getstate(sock).active end,
}

-- Options open() takes that are not socket options.
local open_only = {ip = true, ifaddr = true, port = true, family = true, type = true}

local function check_option_names(fn, opts, extra)
  for name in pairs(opts) do
    if not (lua_options[name] or core_options[name] or (extra and extra[name])) then
      raise(("sctp: %s: unknown option '%s'"):format(fn, tostring(name)))
    end
  end
end

-- Calls a C option function; its argument errors are re-raised at the
-- user's line with the library prefix.
local function call_codec(fn, sock, name, value)
  local okcall, ok, err, detail = pcall(fn, sock, name, value)
  if not okcall then raise("sctp: " .. tostring(ok):gsub("^[^:]*:%d+: ", ""):gsub("^sctp: ", "")) end
  return ok, err, detail
end

local function set_one(sock, name, value)
  local lua_opt = lua_options[name]
  if lua_opt then return lua_opt.set(sock, value) end
  local ok, err, detail = call_codec(raw.setopt, sock, name, value)
  if ok and name == "sctp_events" and value.association_event ~= nil then
    getstate(sock).assoc_events = value.association_event
  end
  return ok, err, detail
end

-- `skip` names options not to apply (open's own keys).
-- Linux derives SO_PRIORITY from IP_TOS when tos is set, so an explicit
-- priority is applied after everything else.
local applied_last = {priority = true}

local function apply_options(sock, opts, skip)
  for pass = 1, 2 do
    for name, value in pairs(opts) do
      if not (skip and skip[name]) and (applied_last[name] and 2 or 1) == pass then
        local ok, err, detail = set_one(sock, name, value)
        if not ok then return nil, err, detail end
      end
    end
  end
  -- As gen_sctp: sndbuf/recbuf raise `buffer` to match, unless the same
  -- call gives `buffer` explicitly (then it wins).
  if opts.buffer == nil and (opts.sndbuf or opts.recbuf) then
    local s = getstate(sock)
    local want = math.max(s.buffer, opts.sndbuf or 0, opts.recbuf or 0)
    if want > s.buffer and want <= 2^30 then
      raw.setbuffer(sock, want)
      s.buffer = want
    end
  end
  return true
end

--- Sets socket options: `true` or `nil, err, detail`.
function methods.setopts(sock, opts)
  if type(opts) ~= "table" then argerror("setopts", "opts", "table", opts) end
  if isclosed(sock) then return nil, "closed", "socket is closed" end
  check_option_names("setopts", opts)
  return apply_options(sock, opts)
end

local function get_one(sock, name, arg)
  if not (lua_options[name] or core_options[name]) then
    raise(("sctp: getopts: unknown option '%s'"):format(tostring(name)))
  end
  if lua_options[name] then return lua_options[name].get(sock) end
  return call_codec(raw.getopt, sock, name, arg)
end

--- Reads options: a table name -> value, or `nil, err, detail`. Options
-- that take an argument are given as hash entries (`sctp_status = {assoc_id = id}`).
function methods.getopts(sock, names)
  if type(names) ~= "table" then argerror("getopts", "names", "table", names) end
  if isclosed(sock) then return nil, "closed", "socket is closed" end
  local out = {}
  for key, value in pairs(names) do
    local name, arg = key, value
    if type(key) == "number" then name, arg = value, nil end
    if type(name) ~= "string" then argerror("getopts", "names", "option names", name) end
    local v, err, detail = get_one(sock, name, arg)
    if v == nil then return nil, err, detail end
    out[name] = v
  end
  return out
end

---------------------------------------------------------------------------
-- Receiving.

-- Messages read by connect() while it waited for its own comm_up.
local function enqueue(s, a, b, c, d)
  s.qtail = s.qtail + 1
  s.queue[s.qtail] = {a, b, c, d}
end

local function dequeue(s)
  local h = s.qhead
  local m = s.queue[h]
  s.queue[h] = nil
  s.qhead = h + 1
  return m[1], m[2], m[3], m[4]
end

-- Waits for and reads the next message from the kernel (not the queue).
-- The first read waits in the kernel when this thread may block (see
-- wait.kernel_wait_ms); else, and when that read finds nothing, the waiter
-- decides.
local function recv_kernel(sock, deadline)
  while true do
    local a, b, c, d = raw.recv(sock, kernel_wait_ms(sock, deadline))
    if a or b ~= "eagain" then return a, b, c, d end
    local ok, err, detail = wait.wait(sock, "r", deadline, "recv")
    if not ok then return nil, err, detail end
  end
end

-- recv(0): what is there now, or "timeout".
local function recv_now(sock)
  local a, b, c, d = raw.recv(sock)
  if a or b ~= "eagain" then return a, b, c, d end
  return nil, "timeout", "recv: no message waiting"
end

--- Receives one whole message or event:
-- `from_ip, from_port, ancdata, data` or `nil, err, detail`.
local ended_states = {comm_lost = true, shutdown_comp = true, cant_assoc = true}

-- A peeled-off socket holds one association, but Linux never reports the
-- end of it as end-of-file (as it does for one-to-one sockets): note the
-- final assoc_change, and answer "closed" once the queue is empty.
local function peeled_recv(sock, s, timeout)
  if s.ended then
    local a, b, c, d = raw.recv(sock)
    if a or (b ~= "eagain" and b ~= "econnreset") then return a, b, c, d end
    return nil, "closed", "recv: the association has ended"
  end
  local a, b, c, d
  if timeout == 0 then
    a, b, c, d = recv_now(sock)
  else
    a, b, c, d = recv_kernel(sock, wait.deadline(timeout))
  end
  if type(d) == "table" and d.event == "assoc_change" and ended_states[d.state] then
    s.ended = true
  elseif not a and b == "econnreset" then
    s.ended = true   -- aborted: the same end, told the way one-to-many sockets tell it
    return nil, "closed", "recv: the association was aborted"
  end
  return a, b, c, d
end

function methods.recv(sock, timeout)
  check_timeout("recv", timeout)
  local s = state[sock] or getstate(sock)   -- getstate checks that sock is one
  if s.qhead <= s.qtail and not isclosed(sock) then return dequeue(s) end
  if s.peeled then return peeled_recv(sock, s, timeout) end
  if timeout == 0 then return recv_now(sock) end
  return recv_kernel(sock, timeout and wait.deadline(timeout))
end

--- Receives up to `max` messages in one call: waits (up to `timeout`) for
-- the first, then takes those already waiting. Returns an array of
-- `{from_ip, from_port, ancdata, data}` (what `recv` returns, packed), or
-- `nil, err, detail`.
function methods.recv_many(sock, max, timeout)
  if not is_integer(max) or max < 1 then argerror("recv_many", "max", "integer >= 1", max) end
  check_timeout("recv_many", timeout)
  local s = state[sock]
  if s and (s.peeled or (s.qhead <= s.qtail and not isclosed(sock))) then
    -- queued messages and peeled-off sockets go through recv's own logic
    local a, b, c, d = methods.recv(sock, timeout)
    if not a then return nil, b, c end
    return {{a, b, c, d}}
  end
  if timeout == 0 then
    local msgs, err, detail = raw.recv_many(sock, max)
    if msgs or err ~= "eagain" then return msgs, err, detail end
    return nil, "timeout", "recv_many: no message waiting"
  end
  local deadline = timeout and wait.deadline(timeout)
  while true do
    local msgs, err, detail = raw.recv_many(sock, max, kernel_wait_ms(sock, deadline))
    if msgs or err ~= "eagain" then return msgs, err, detail end
    local ok, werr, wdetail = wait.wait(sock, "r", deadline, "recv_many")
    if not ok then return nil, werr, wdetail end
  end
end

---------------------------------------------------------------------------
-- Sending.

local function send_wait(sock, fn, a, b, c, d)
  local ok, err, detail = fn(sock, a, b, c, d)
  if ok or err ~= "eagain" or getstate(sock).non_block_send then
    return ok, err, detail
  end
  repeat
    local waited, werr, wdetail = wait.wait(sock, "w", nil, "send")
    if not waited then return nil, werr, wdetail end
    ok, err, detail = fn(sock, a, b, c, d)
  until ok or err ~= "eagain"
  return ok, err, detail
end

--- `send(sndrcvinfo, data)` or `send(assoc, stream, data)`: `true` or
-- `nil, err, detail`. Waits while the send buffer is full unless the
-- socket has `non_block_send`.
function methods.send(sock, a, b, c)
  -- the three-argument form is told by its integer stream (data is never
  -- one): no vararg function on this path
  if c ~= nil or is_integer(b) then
    if type(a) ~= "table" and not is_integer(a) then argerror("send", "assoc", "assoc table or assoc_id", a) end
    if not is_integer(b) then argerror("send", "stream", "integer", b) end
    if type(c) ~= "string" and type(c) ~= "table" then argerror("send", "data", "string or array of strings", c) end
    return send_wait(sock, raw_send_assoc, a, b, c)
  end
  if type(a) ~= "table" then argerror("send", "sndrcvinfo", "table", a) end
  if type(b) ~= "string" and type(b) ~= "table" then argerror("send", "data", "string or array of strings", b) end
  return send_wait(sock, raw_send, a, b)
end

local check_addrs

--- Sends to the peer with these addresses, setting up the association
-- implicitly when there is none (`sctp_sendx`): the `assoc_id`, or
-- `nil, err, detail`.
function methods.sendx(sock, addrs, port, sndrcvinfo, data)
  check_addrs("sendx", "addrs", addrs, "list")
  check_port("sendx", port, 1)
  if type(sndrcvinfo) ~= "table" then argerror("sendx", "sndrcvinfo", "table", sndrcvinfo) end
  if type(data) ~= "string" and type(data) ~= "table" then argerror("sendx", "data", "string or array of strings", data) end
  return send_wait(sock, raw.sendx, addrs, port, sndrcvinfo, data)
end

--- Sends many messages with few system calls (sendmmsg): `list` holds
-- entries `{sndrcvinfo, data}` or `{assoc, stream, data}`, as the two forms
-- of `send` (data a string). Waits while the buffer is full unless
-- `non_block_send`. Returns `true`, or `nil, err, detail, sent` where
-- `sent` counts the messages that went out before the failure. An invalid
-- entry raises (the entries before it have gone out).
function methods.send_many(sock, list)
  if type(list) ~= "table" then argerror("send_many", "list", "array of messages", list) end
  local next_index = 1
  while true do
    local n, err, detail, at = raw.send_many(sock, list, next_index)
    if n then return true end
    if err ~= "eagain" or getstate(sock).non_block_send then
      return nil, err, detail, (at or next_index) - 1
    end
    next_index = at
    local ok, werr, wdetail = wait.wait(sock, "w", nil, "send_many")
    if not ok then return nil, werr, wdetail, next_index - 1 end
  end
end

local function check_assoc(fn, assoc)
  if type(assoc) == "table" then
    if not is_integer(assoc.assoc_id) then argerror(fn, "assoc", "table with integer assoc_id", assoc.assoc_id) end
  elseif not is_integer(assoc) then
    argerror(fn, "assoc", "assoc table or assoc_id", assoc)
  end
end

local function is_stream(sock)
  local s = state[sock]
  return s and s.stream
end

-- A peeled-off socket has one association: `assoc` may be omitted.
local function single_assoc(sock, assoc)
  local s = state[sock]
  if s and s.peeled and assoc == nil then return 0 end
  return assoc
end

--- Graceful shutdown of one association (SCTP_EOF): `true`. On a
-- one-to-one socket (where Linux refuses SCTP_EOF) it is shutdown(SHUT_WR),
-- and `assoc` may be omitted.
function methods.eof(sock, assoc)
  if is_stream(sock) then
    if assoc ~= nil then check_assoc("eof", assoc) end
    return raw.shutdown(sock, "w")
  end
  assoc = single_assoc(sock, assoc)
  check_assoc("eof", assoc)
  return send_wait(sock, raw.eof, assoc)
end

--- Abortive termination of one association (SCTP_ABORT), with an optional
-- reason carried in the ABORT chunk: `true`. On a one-to-one socket
-- (where Linux refuses SCTP_ABORT) the association is aborted by closing
-- the socket with linger {true, 0}: the socket is closed afterwards.
function methods.abort(sock, assoc, reason)
  if reason ~= nil and type(reason) ~= "string" then argerror("abort", "reason", "string or nil", reason) end
  if is_stream(sock) then
    if assoc ~= nil then check_assoc("abort", assoc) end
    if isclosed(sock) then return nil, "closed", "socket is closed" end
    local ok, err, detail = raw.setopt(sock, "linger", {true, 0})
    if not ok then return nil, err, detail end
    state[sock] = nil
    return raw.close(sock)
  end
  assoc = single_assoc(sock, assoc)
  check_assoc("abort", assoc)
  return send_wait(sock, raw.abort, assoc, reason)
end

--- Accepts an association on a listening one-to-one socket: a new
-- connected socket, or `nil, err, detail` ("timeout").
function methods.accept(sock, timeout)
  check_timeout("accept", timeout)
  local deadline
  while true do
    local conn, err, detail = raw.accept(sock)
    if conn then
      newstate(conn, sock)
      return conn
    end
    if err ~= "eagain" then return nil, err, detail end
    if timeout == 0 then return nil, "timeout", "accept: no association waiting" end
    deadline = deadline or wait.deadline(timeout)
    local ok, werr, wdetail = wait.wait(sock, "r", deadline, "accept")
    if not ok then return nil, werr, wdetail end
  end
end

--- Branches one association off into a new one-to-one socket, which
-- inherits the options: the new socket or `nil, err, detail`.
function methods.peeloff(sock, assoc)
  check_assoc("peeloff", assoc)
  local conn, err, detail = raw.peeloff(sock, assoc)
  if not conn then return nil, err, detail end
  newstate(conn, sock)
  return conn
end

---------------------------------------------------------------------------
-- Associations.

-- One address: "host" or {host, port}.
local function is_address(a)
  return type(a) == "string" or (type(a) == "table" and type(a[1]) == "string")
end

-- Address arguments, by shape: "one" (connect's addr), "list" (an array
-- of addresses: bindx, connectx_init, sendx) or "one_or_list" (open's ip).
-- A list is always an array, even of one address.
function check_addrs(fn, name, addrs, shape)
  if shape ~= "list" and (type(addrs) == "string" or
      (type(addrs) == "table" and type(addrs[1]) == "string" and type(addrs[2]) == "number")) then
    return
  end
  if shape ~= "one" and type(addrs) == "table" and #addrs >= 1 then
    for i = 1, #addrs do
      if not is_address(addrs[i]) then
        argerror(fn, name, ("an address at [%d]"):format(i), addrs[i])
      end
    end
    return
  end
  local expected = {one = "address", list = "array of addresses",
                    one_or_list = "address or array of addresses"}
  argerror(fn, name, expected[shape], addrs)
end

local function parse_connect_args(fn, sock, addr, port, opts, timeout)
  if fn == "connectx_init" then
    check_addrs(fn, "addrs", addr, "list")
  else
    check_addrs(fn, "addr", addr, "one")
  end
  check_port(fn, port, 1)
  if type(opts) == "number" and timeout == nil then opts, timeout = nil, opts end
  if opts ~= nil and type(opts) ~= "table" then argerror(fn, "opts", "table or nil", opts) end
  check_timeout(fn, timeout)
  if opts then
    check_option_names(fn, opts)
    return apply_options(sock, opts)
  end
  return true
end

-- Starts an association; returns its id or nil, err, detail.
local function start_assoc(fn, sock, addr, port, opts, timeout)
  local ok, err, detail = as_errors_of(fn, nil, parse_connect_args, fn, sock, addr, port, opts, timeout)
  if not ok then return nil, err, detail end
  return as_errors_of(fn, nil, raw.connectx, sock, addr, port)
end

local failed_states = {cant_assoc = true, comm_lost = true, shutdown_comp = true}

-- Aborts the half-open association of a connect that timed out, and takes
-- the cant_assoc the kernel reports for that abort (it is queued by the
-- abort call itself), so that no event of an association the caller never
-- got appears later. Other messages read meanwhile are kept for recv.
local function abandon(sock, s, id)
  if not raw.abort(sock, id) then return end
  while true do
    local a, b, c, d = raw.recv(sock)
    if not a then return end
    if type(d) == "table" and d.event == "assoc_change" and d.assoc_id == id then
      if failed_states[d.state] then return end
    else
      enqueue(s, a, b, c, d)
    end
  end
end

--- Connects and waits for the association: the `assoc_change` event with
-- state `comm_up`, or `nil, err, detail` ("econnrefused" when the peer
-- refuses, "timeout"). Messages of other associations that arrive meanwhile
-- are kept for later `recv`s, in order.
function methods.connect(sock, addr, port, opts, timeout)
  if type(opts) == "number" and timeout == nil then opts, timeout = nil, opts end
  local id, err, detail = start_assoc("connect", sock, addr, port, opts, timeout)
  if not id then return nil, err, detail end
  local s = getstate(sock)
  if not s.assoc_events then
    return nil, "einval", "connect: needs sctp_events.association_event on (or use connect_init)"
  end
  local deadline = wait.deadline(timeout)
  while true do
    local a, b, c, d = recv_kernel(sock, deadline)
    if not a then
      if b == "timeout" then
        abandon(sock, s, id)
        return nil, "timeout", "connect: no association within " .. tostring(timeout) .. " ms"
      end
      return nil, b, c
    end
    if type(d) == "table" and d.event == "assoc_change" and d.assoc_id == id then
      if d.state == "comm_up" then return d end
      if failed_states[d.state] then
        return nil, "econnrefused",
          ("connect: association to %s port %d failed (%s, error %d)")
            :format(type(addr) == "table" and tostring(addr[1]) or addr, port, d.state, d.error or 0)
      end
    else
      enqueue(s, a, b, c, d)
    end
  end
end

--- Starts an association without waiting: `true`; its `comm_up` (or
-- `cant_assoc`) arrives as an event from `recv`.
function methods.connect_init(sock, addr, port, opts, timeout)
  local id, err, detail = start_assoc("connect_init", sock, addr, port, opts, timeout)
  if not id then return nil, err, detail end
  return true
end

--- Like connect_init to a multi-homed peer given as an array of
-- addresses; returns the new assoc_id.
function methods.connectx_init(sock, addrs, port, opts, timeout)
  return start_assoc("connectx_init", sock, addrs, port, opts, timeout)
end

--- `listen(true|false)` on a one-to-many socket, `listen(backlog)` on a
-- one-to-one socket: `true`.
function methods.listen(sock, flag)
  local backlog
  if flag == true then backlog = 128
  elseif flag == false then backlog = 0
  elseif is_integer(flag) and flag >= 0 and flag <= 65535 then backlog = flag
  else argerror("listen", "flag", "boolean or backlog integer", flag) end
  return raw.listen(sock, backlog)
end

--- Adds or removes local addresses (`sctp_bindx`): `true`.
function methods.bindx(sock, addrs, op)
  check_addrs("bindx", "addrs", addrs, "list")
  if op ~= "add" and op ~= "remove" then argerror("bindx", "op", '"add" or "remove"', op) end
  if isclosed(sock) then return nil, "closed", "socket is closed" end
  local port = 0
  local names = raw.socknames(sock)
  if names and names[1] then port = names[1][2] end
  return raw.bindx(sock, addrs, port, op)
end

local function check_optional_assoc(fn, assoc)
  if assoc ~= nil then check_assoc(fn, assoc) end
end

function methods.socknames(sock, assoc)
  check_optional_assoc("socknames", assoc)
  return raw.socknames(sock, assoc)
end

function methods.peernames(sock, assoc)
  check_optional_assoc("peernames", assoc)
  return raw.peernames(sock, assoc)
end

--- Closes the socket and all its associations: `true`; twice is fine.
-- Coroutines waiting on the socket wake up with `nil, "closed"`.
function methods.close(sock)
  local s = state[sock]
  state[sock] = nil
  local ok, err, detail = wait.close(sock, s)   -- not a tail call: an error names close
  return ok, err, detail
end

function methods.setwaiter(sock, fn)
  if fn ~= nil and type(fn) ~= "function" then argerror("setwaiter", "fn", "function or nil", fn) end
  wait.setwaiter(sock, fn)
  return true
end

---------------------------------------------------------------------------
-- Active mode.

--- Sets the function that receives messages in active mode:
-- `handler(sock, ip, port, ancdata, data)`. Returns `true`.
function methods.controlling_process(sock, handler)
  if type(handler) ~= "function" then argerror("controlling_process", "handler", "function", handler) end
  if isclosed(sock) then return nil, "closed", "socket is closed" end
  getstate(sock).handler = handler
  return true
end

local function deliver_passive(sock, s)
  s.passive_pending = nil
  s.handler(sock, nil, nil, {}, {event = "passive"})
end

--- Active mode pump: waits up to `timeout` ms for messages and calls the
-- handler for each message already waiting; returns the number of messages
-- delivered (0 when the time passes with nothing, or when the socket is
-- passive), or `nil, err, detail`. When an `"once"`/N budget is used up the
-- socket turns passive and the handler gets `{event = "passive"}` (not
-- counted in the result).
function methods.dispatch(sock, timeout)
  check_timeout("dispatch", timeout)
  if isclosed(sock) then return nil, "closed", "socket is closed" end
  local s = getstate(sock)
  if not s.handler then
    raise("sctp: dispatch: no handler: call sock:controlling_process(handler) first")
  end
  if s.passive_pending then deliver_passive(sock, s) end
  local delivered = 0
  local t = timeout
  while s.active do
    local a, b, c, d = methods.recv(sock, t)
    if not a then
      if b == "timeout" or delivered > 0 then break end
      return nil, b, c
    end
    delivered = delivered + 1
    if s.active == "once" then
      s.active, s.passive_pending = false, true
    elseif type(s.active) == "number" then
      s.active = s.active - 1
      if s.active <= 0 then s.active, s.passive_pending = false, true end
    end
    s.handler(sock, a, b, c, d)
    if s.passive_pending then deliver_passive(sock, s) end
    t = 0   -- then only what is already waiting
  end
  return delivered
end

-- Raw C entry points that are not part of the public API.
methods.connectx, methods.send_assoc, methods.setmode, methods.setbuffer = nil, nil, nil, nil
methods.getopt, methods.setopt, methods.markclosing = nil, nil, nil
methods.getstate, methods.setstate, methods.info, methods.shutdown = nil, nil, nil, nil

---------------------------------------------------------------------------
-- Module functions.

local default_events = {
  data_io_event = true, association_event = true, address_event = true,
  send_failure_event = true, peer_error_event = true, shutdown_event = true,
  partial_delivery_event = true, adaptation_layer_event = false,
}

--- Opens a socket: `sctp.open([port] [, opts])` -> `sock` or `nil, err, detail`.
function M.open(port, opts)
  if type(port) == "table" and opts == nil then port, opts = nil, port end
  if port ~= nil then check_port("open", port) end
  if opts ~= nil and type(opts) ~= "table" then argerror("open", "opts", "table or nil", opts) end
  opts = opts or {}
  check_option_names("open", opts, open_only)
  local family = opts.family or "inet"
  if family ~= "inet" and family ~= "inet6" then argerror("open", "family", '"inet" or "inet6"', family) end
  local stype = opts.type or "seqpacket"
  if stype ~= "seqpacket" and stype ~= "stream" then argerror("open", "type", '"seqpacket" or "stream"', stype) end
  if opts.port ~= nil then check_port("open", opts.port) end
  local ip = opts.ip or opts.ifaddr or "any"
  check_addrs("open", "ip", ip, "one_or_list")

  local sock, err, detail = core.socket(family, stype)
  if not sock then return nil, err, detail end
  newstate(sock)
  -- a bad option or address raises naming open, and leaves no socket behind
  local ok
  ok, err, detail = as_errors_of("open", function() raw.close(sock) end, function()
    local done, e, d = raw.setopt(sock, "sctp_events", default_events)
    if done then done, e, d = apply_options(sock, opts, open_only) end
    if done then done, e, d = raw.bindx(sock, ip, opts.port or port or 0, "add") end
    return done, e, d
  end)
  if not ok then
    raw.close(sock)
    return nil, err, detail
  end
  return sock
end

-- SCTP error cause codes (RFC 9260 section 3.3.10, RFC 5061, RFC 4895).
local cause_strings = {
  [1] = "Invalid Stream Identifier",
  [2] = "Missing Mandatory Parameter",
  [3] = "Stale Cookie Error",
  [4] = "Out of Resource",
  [5] = "Unresolvable Address",
  [6] = "Unrecognized Chunk Type",
  [7] = "Invalid Mandatory Parameter",
  [8] = "Unrecognized Parameters",
  [9] = "No User Data",
  [10] = "Cookie Received While Shutting Down",
  [11] = "Restart of an Association with New Addresses",
  [12] = "User Initiated Abort",
  [13] = "Protocol Violation",
  [0xA0] = "Request to Delete Last Remaining IP Address",
  [0xA1] = "Operation Refused Due to Resource Shortage",
  [0xA2] = "Request to Delete Source IP Address",
  [0xA3] = "Association Aborted Due to Illegal ASCONF-ACK",
  [0xA4] = "Request Refused - No Authorization",
  [0x105] = "Unsupported HMAC Identifier",
}

--- Like gen_sctp:error_string/1: 0 -> "ok", a known SCTP error cause code
-- -> its description, anything else -> nil.
function M.error_string(n)
  if not is_integer(n) then argerror("error_string", "n", "integer", n) end
  if n == 0 then return "ok" end
  return cause_strings[n]
end

--- True when a received `data` value is an event table.
function M.is_event(v)
  return type(v) == "table" and type(v.event) == "string"
end

--- Replaces how every socket waits (see sctp.wait); nil restores poll().
function M.setwaiter(fn)
  if fn ~= nil and type(fn) ~= "function" then argerror("setwaiter", "fn", "function or nil", fn) end
  wait.setdefault(fn)
  return true
end

return M
