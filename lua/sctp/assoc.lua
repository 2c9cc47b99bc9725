-- Associations: connect, connect_init, connectx_init, listen, accept,
-- peeloff, bindx, socknames, peernames.
local core = require "sctp.core"
core.library_chunk(debug.getinfo(1, "S").source)   -- its frames are the library's
local state = require "sctp.state"
local check = require "sctp.check"
local options = require "sctp.options"
local sio = require "sctp.io"
local wait = require "sctp.wait"

local type, tostring = type, tostring
local raw, getstate = state.raw, state.get
local argerror, is_integer = check.argerror, check.is_integer
local ended_states = state.ended_states
local enqueue, recv_kernel = sio.enqueue, sio.recv_kernel
local methods = core.methods

-- Checked here, not left to the core: the options are applied before the
-- address and port reach it, and a bad argument must change nothing.
local function parse_connect_args(fn, sock, addr, port, opts, timeout)
  if fn == "connectx_init" then
    check.addrs(fn, "addrs", addr, "list")
  else
    check.addrs(fn, "addr", addr, "one")
  end
  check.port(fn, port, 1)
  if type(opts) == "number" and timeout == nil then opts, timeout = nil, opts end
  if opts ~= nil and type(opts) ~= "table" then argerror(fn, "opts", "table or nil", opts) end
  check.timeout(fn, timeout)
  if opts then
    options.check_names(fn, opts)
    return options.apply(sock, opts)
  end
  return true
end

-- Starts an association; returns its id or nil, err, detail.
local function start_assoc(fn, sock, addr, port, opts, timeout)
  local ok, err, detail = parse_connect_args(fn, sock, addr, port, opts, timeout)
  if not ok then return nil, err, detail end
  local id
  id, err, detail = raw.connectx(sock, addr, port)   -- (not a tail call: its errors name fn)
  return id, err, detail
end

-- The assoc_change of association `id`, when message data `d` is one.
local function change_of(d, id)
  return type(d) == "table" and d.event == "assoc_change" and d.assoc_id == id and d or nil
end

-- Aborts the half-open association of a connect that timed out, and takes
-- the cant_assoc the kernel reports for that abort (it is queued by the
-- abort call itself), so that no event of an association the caller never
-- got appears later. Other messages read meanwhile are kept for recv.
local function abandon(sock, s, id)
  if not raw.abort(sock, id) then return end
  while true do
    local a, b, c, d = raw.recv(sock)
    if not a then return end
    local change = change_of(d, id)
    if not change then
      enqueue(sock, s, a, b, c, d)
    elseif ended_states[change.state] then
      return
    end
  end
end

-- Connects and waits for the association: the `assoc_change` event with
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
    local change = change_of(d, id)
    if not change then
      enqueue(sock, s, a, b, c, d)
    elseif change.state == "comm_up" then
      return change
    elseif ended_states[change.state] then
      return nil, "econnrefused",
        ("connect: association to %s port %d failed (%s, error %d)")
          :format(type(addr) == "table" and tostring(addr[1]) or addr, port, change.state, change.error or 0)
    end
  end
end

-- Starts an association without waiting: `true`; its `comm_up` (or
-- `cant_assoc`) arrives as an event from `recv`.
function methods.connect_init(sock, addr, port, opts, timeout)
  local id, err, detail = start_assoc("connect_init", sock, addr, port, opts, timeout)
  if not id then return nil, err, detail end
  return true
end

-- Like connect_init to a multi-homed peer given as an array of
-- addresses; returns the new assoc_id.
function methods.connectx_init(sock, addrs, port, opts, timeout)
  local id, err, detail = start_assoc("connectx_init", sock, addrs, port, opts, timeout)
  return id, err, detail
end

-- `listen(true|false)` on a one-to-many socket, `listen(backlog)` on a
-- one-to-one socket: `true`.
function methods.listen(sock, flag)
  local backlog
  if flag == true then backlog = 128
  elseif flag == false then backlog = 0
  elseif is_integer(flag) and flag >= 0 and flag <= 65535 then backlog = flag
  else argerror("listen", "flag", "boolean or backlog integer", flag) end
  local ok, err, detail = raw.listen(sock, backlog)
  return ok, err, detail
end

-- Accepts an association on a listening one-to-one socket: a new
-- connected socket, or `nil, err, detail` ("timeout").
function methods.accept(sock, timeout)
  check.timeout("accept", timeout)
  local conn, err, detail = sio.retry(sock, "r", wait.deadline(timeout), "accept", raw.accept)
  if not conn then return nil, err, detail end
  state.new(conn, sock)
  return conn
end

-- Branches one association off into a new one-to-one socket, which
-- inherits the options: the new socket or `nil, err, detail`.
function methods.peeloff(sock, assoc)
  local conn, err, detail = raw.peeloff(sock, assoc)
  if not conn then return nil, err, detail end
  state.new(conn, sock)
  return conn
end

-- Adds or removes local addresses (`sctp_bindx`): `true`.
function methods.bindx(sock, addrs, op)
  check.addrs("bindx", "addrs", addrs, "list")   -- the core takes one address too
  if raw.isclosed(sock) then return nil, "closed", state.CLOSED end
  local port = 0
  local names = raw.socknames(sock)
  if names and names[1] then port = names[1][2] end
  local ok, err, detail = raw.bindx(sock, addrs, port, op)
  return ok, err, detail
end

methods.socknames, methods.peernames = raw.socknames, raw.peernames

return {}
