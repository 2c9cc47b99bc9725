-- Receiving and sending: recv, recv_many, send, sendx, send_many, eof,
-- abort. The C core reads and writes without blocking; here a call that
-- would block waits (sctp.wait) and tries again.
local core = require "sctp.core"
core.library_chunk(debug.getinfo(1, "S").source)   -- its frames are the library's
local state = require "sctp.state"
local check = require "sctp.check"
local wait = require "sctp.wait"

local type = type
local raw, getstate, peek = state.raw, state.get, state.peek
local argerror, is_integer = check.argerror, check.is_integer
local check_timeout, check_assoc = check.timeout, check.assoc
local raw_recv, raw_send, raw_send_assoc, isclosed = raw.recv, raw.send, raw.send_assoc, raw.isclosed
local raw_info, raw_recv_direct, raw_setqueued = raw.info, raw.recv_direct, raw.setqueued
local kernel_wait_ms, wait_for, deadline_of = wait.kernel_wait_ms, wait.wait, wait.deadline
local ended_states = state.ended_states
local plain, SLICE_MS, running = wait.plain, wait.SLICE_MS, coroutine.running
local methods = core.methods

local M = {}

---------------------------------------------------------------------------
-- Receiving.

-- Keeps a message read by connect() while it waited for its own comm_up.
-- The core is told while the queue is not empty (recv_direct then answers
-- "slow", and recv looks here).
function M.enqueue(sock, s, a, b, c, d)
  s.qtail = s.qtail + 1
  s.queue[s.qtail] = {a, b, c, d}
  raw_setqueued(sock, true)
end

local function dequeue(sock, s)
  local h = s.qhead
  local m = s.queue[h]
  s.queue[h] = nil
  s.qhead = h + 1
  if s.qhead > s.qtail then raw_setqueued(sock, false) end
  return m[1], m[2], m[3], m[4]
end

-- The one wait / try again loop: `r1, r2, r3, r4` is what a first
-- attempt(sock, a, b, c, d) answered; while that is `nil, "eagain"`, waits
-- for `events` ("r" or "w"), up to `deadline`, and calls attempt again. A
-- send ("w") on a socket with `non_block_send` answers "eagain" instead
-- of waiting. (The fast paths make the first attempt themselves.)
function M.retry_after(sock, events, deadline, what, attempt, a, b, c, d, r1, r2, r3, r4)
  while not r1 and r2 == "eagain" do
    if events == "w" and getstate(sock).non_block_send then break end
    local ok, err, detail = wait_for(sock, events, deadline, what)
    if not ok then return nil, err, detail end
    r1, r2, r3, r4 = attempt(sock, a, b, c, d)
  end
  return r1, r2, r3, r4
end
local retry_after = M.retry_after

-- Calls attempt(sock, a, b, c, d) until it answers anything but
-- `nil, "eagain"` (see retry_after).
function M.retry(sock, events, deadline, what, attempt, a, b, c, d)
  return retry_after(sock, events, deadline, what, attempt, a, b, c, d, attempt(sock, a, b, c, d))
end
local retry = M.retry

-- One read: it waits in the kernel when this thread may block (see
-- wait.kernel_wait_ms); else, and when that read finds nothing, the waiter
-- decides. `into`: recv's ancdata table to refill, or nil.
local function read_one(sock, deadline, into)
  return raw_recv(sock, kernel_wait_ms(sock, deadline), into)
end

-- Waits for and reads the next message from the kernel (not the queue).
function M.recv_kernel(sock, deadline, into)
  return retry(sock, "r", deadline, "recv", read_one, deadline, into)
end
local recv_kernel = M.recv_kernel

-- recv(0): what is there now, or "timeout".
local function recv_now(sock, into)
  local a, b, c, d = raw_recv(sock, nil, into)
  if a or b ~= "eagain" then return a, b, c, d end
  return nil, "timeout", "recv: no message waiting"
end

-- A peeled-off socket holds one association, but Linux never reports the
-- end of it as end-of-file (as it does for one-to-one sockets): note the
-- final assoc_change, and answer "closed" once the queue is empty.
local function peeled_recv(sock, s, timeout, into)
  if s.ended then
    local a, b, c, d = raw_recv(sock, nil, into)
    if a or (b ~= "eagain" and b ~= "econnreset") then return a, b, c, d end
    return nil, "closed", "recv: the association has ended"
  end
  local a, b, c, d
  if timeout == 0 then
    a, b, c, d = recv_now(sock, into)
  else
    a, b, c, d = recv_kernel(sock, deadline_of(timeout), into)
  end
  if type(d) == "table" and d.event == "assoc_change" and ended_states[d.state] then
    s.ended = true
  elseif not a and b == "econnreset" then
    s.ended = true   -- aborted: the same end, told the way one-to-many sockets tell it
    return nil, "closed", "recv: the association was aborted"
  end
  return a, b, c, d
end

-- recv when the fast path does not apply: a timeout, queued messages, a
-- peeled-off socket.
local function recv_slow(sock, timeout, into)
  check_timeout("recv", timeout)
  local s = peek(sock) or getstate(sock)   -- getstate checks that sock is one
  if s.qhead <= s.qtail and not isclosed(sock) then
    -- the one path where the core does not see (and check) ancdata
    if into ~= nil and type(into) ~= "table" then argerror("recv", "ancdata", "table or nil", into) end
    return dequeue(sock, s)
  end
  if s.peeled then return peeled_recv(sock, s, timeout, into) end
  if timeout == 0 then return recv_now(sock, into) end
  local a, b, c, d = recv_kernel(sock, timeout and deadline_of(timeout), into)
  return a, b, c, d
end

-- The C recv's wait when nothing is there yet (as methods.recv below).
local function recv_wait(sock, ancdata, a, b, c, d)
  a, b, c, d = retry_after(sock, "r", nil, "recv", read_one, nil, ancdata, nil, nil, a, b, c, d)
  return a, b, c, d
end

-- Receives one whole message or event:
-- `from_ip, from_port, ancdata, data` or `nil, err, detail`. `ancdata`
-- (a table, optional) is refilled and returned instead of a new table.
-- The common case (no timeout, the main thread under the default waiter,
-- nothing queued, not peeled off) reads at once, waiting in the kernel,
-- with no function in between; the core checks the arguments and answers
-- "slow" when the queue or a peeled-off socket must decide.
function methods.recv(sock, timeout, ancdata)
  if timeout == nil and plain.blocking then
    local co, main = running()
    if not co or main then
      local a, b, c, d = raw_recv_direct(sock, SLICE_MS, ancdata)
      if a or (b ~= "eagain" and b ~= "slow") then return a, b, c, d end
      if b == "eagain" then
        -- nothing yet: wait, then read again
        a, b, c, d = retry_after(sock, "r", nil, "recv", read_one, nil, ancdata, nil, nil, a, b, c, d)
        return a, b, c, d
      end
    end
  end
  local a, b, c, d = recv_slow(sock, timeout, ancdata)
  return a, b, c, d
end

local function read_many(sock, max, deadline)
  return raw.recv_many(sock, max, kernel_wait_ms(sock, deadline))
end

-- Receives up to `max` messages in one call: waits (up to `timeout`) for
-- the first, then takes those already waiting. Returns an array of
-- `{from_ip, from_port, ancdata, data}` (what `recv` returns, packed), or
-- `nil, err, detail`.
function methods.recv_many(sock, max, timeout)
  if not is_integer(max) or max < 1 then argerror("recv_many", "max", "integer >= 1", max) end
  check_timeout("recv_many", timeout)
  local s = peek(sock)
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
  local deadline = timeout and deadline_of(timeout)
  local msgs, err, detail = retry(sock, "r", deadline, "recv_many", read_many, max, deadline)
  return msgs, err, detail
end

---------------------------------------------------------------------------
-- Sending.

-- Calls fn(sock, a, b, c, d) until the send buffer takes it: waits while
-- it answers "eagain", unless the socket has `non_block_send`.
function M.send_wait(sock, fn, a, b, c, d)
  return retry(sock, "w", nil, "send", fn, a, b, c, d)
end
local send_wait = M.send_wait

-- `send(sndrcvinfo, data)` or `send(assoc, stream, data)`: `true` or
-- `nil, err, detail`. Waits while the send buffer is full unless the
-- socket has `non_block_send`.
function methods.send(sock, a, b, c)
  -- the three-argument form is told by its stream, a number (data never
  -- is one): no vararg function on this path. The first try calls the
  -- core directly, which checks the arguments; only a full buffer waits.
  local fn = raw_send
  if c ~= nil or type(b) == "number" then fn = raw_send_assoc end
  local ok, err, detail = fn(sock, a, b, c)
  if ok or err ~= "eagain" then return ok, err, detail end
  ok, err, detail = retry_after(sock, "w", nil, "send", fn, a, b, c, nil, ok, err, detail)
  return ok, err, detail
end

-- The C send's wait when the buffer is full (as methods.send above).
local function send_full(sock, a, b, c, err, detail)
  local fn = raw_send
  if c ~= nil or type(b) == "number" then fn = raw_send_assoc end
  local ok
  ok, err, detail = retry_after(sock, "w", nil, "send", fn, a, b, c, nil, nil, err, detail)
  return ok, err, detail
end

-- Lua 5.3+: recv and send are the core's (csrc/recv.c, csrc/io.c): the
-- same first attempt as the two functions above, in C, which calls
-- recv_wait, recv_slow or send_full (through lua_callk: a waiter may yield)
-- only when it would block or the fast path does not apply. 5.1, 5.2 and
-- LuaJIT keep the Lua ones.
if core.fastpath then
  methods.recv, methods.send = core.fastpath(SLICE_MS, recv_wait, recv_slow, send_full)
end

-- Sends to the peer with these addresses, setting up the association
-- implicitly when there is none (`sctp_sendx`): the `assoc_id`, or
-- `nil, err, detail`.
function methods.sendx(sock, addrs, port, sndrcvinfo, data)
  check.addrs("sendx", "addrs", addrs, "list")   -- the core takes one address too
  local id, err, detail = send_wait(sock, raw.sendx, addrs, port, sndrcvinfo, data)
  return id, err, detail
end

-- One sendmmsg from the first entry not yet sent; notes how far it got.
local function send_from(sock, list, progress)
  local n, err, detail, at = raw.send_many(sock, list, progress.next)
  if not n then progress.next = at or progress.next end
  return n, err, detail
end

-- Sends many messages with few system calls (sendmmsg): `list` holds
-- entries `{sndrcvinfo, data}` or `{assoc, stream, data}`, as the two forms
-- of `send` (data a string). Waits while the buffer is full unless
-- `non_block_send`. Returns `true`, or `nil, err, detail, sent` where
-- `sent` counts the messages that went out before the failure. An invalid
-- entry raises (the entries before it have gone out).
function methods.send_many(sock, list)
  local progress = {next = 1}
  local ok, err, detail = retry(sock, "w", nil, "send_many", send_from, list, progress)
  if ok then return true end
  return nil, err, detail, progress.next - 1
end

---------------------------------------------------------------------------
-- Ending one association.

-- The kind of socket, from the core: it outlives close(), which drops the
-- Lua state, so a closed one-to-one socket still answers nil, "closed".
local function is_stream(sock)
  local _, stype = raw_info(sock)
  return stype == "stream"
end

-- A peeled-off socket has one association: `assoc` may be omitted.
local function single_assoc(sock, assoc)
  if assoc == nil and select(3, raw_info(sock)) then return 0 end
  return assoc
end

-- Graceful shutdown of one association (SCTP_EOF): `true`. On a
-- one-to-one socket (where Linux refuses SCTP_EOF) it is shutdown(SHUT_WR),
-- and `assoc` may be omitted.
function methods.eof(sock, assoc)
  if is_stream(sock) then
    if assoc ~= nil then check_assoc("eof", assoc) end
    local ok, err, detail = raw.shutdown(sock, "w")
    return ok, err, detail
  end
  local ok, err, detail = send_wait(sock, raw.eof, single_assoc(sock, assoc))
  return ok, err, detail
end

-- Abortive termination of one association (SCTP_ABORT), with an optional
-- reason carried in the ABORT chunk: `true`. On a one-to-one socket
-- (where Linux refuses SCTP_ABORT) the association is aborted by closing
-- the socket with linger {true, 0}: the socket is closed afterwards.
function methods.abort(sock, assoc, reason)
  if is_stream(sock) then
    -- (what the core would check, had it the assoc and the reason)
    if assoc ~= nil then check_assoc("abort", assoc) end
    if reason ~= nil and type(reason) ~= "string" then argerror("abort", "reason", "string or nil", reason) end
    if isclosed(sock) then return nil, "closed", state.CLOSED end
    local ok, err, detail = raw.setopt(sock, "linger", {true, 0})
    if not ok then return nil, err, detail end
    -- the one close path: event loops forget the descriptor, waiters wake
    local closed, err2, detail2 = methods.close(sock)
    return closed, err2, detail2
  end
  local ok, err, detail = send_wait(sock, raw.abort, single_assoc(sock, assoc), reason)
  return ok, err, detail
end

return M
