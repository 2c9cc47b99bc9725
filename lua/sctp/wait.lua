--- How the Lua layer waits for a socket to become ready.
--
-- The C core never blocks: an operation that would block returns
-- `nil, "eagain"`, and the methods in `sctp.lua` call `wait.wait` and retry.
-- Waiting itself is a hook so that event loops can take it over:
--
-- * by default the thread blocks in `poll()`, except inside a cqueues
--   coroutine, where it yields to the cqueues loop (a socket is a cqueues
--   pollable: `pollfd`, `events`, `timeout`);
-- * `sctp.setwaiter(fn)` replaces it for every socket and
--   `sock:setwaiter(fn)` for one socket.
--
-- A waiter is called as `fn(sock, events, timeout_ms)` (`events` is "r" or
-- "w"; `timeout_ms` nil means no limit) and must return once the descriptor
-- may be ready or the time is up; returning early is harmless (the
-- operation is retried and the deadline re-checked). It may return
-- `nil, err, detail` to end the operation with that error. A waiter that
-- keeps loop handles for a socket registers `release(sock)` with
-- `wait.onclose`: `close` calls it before the descriptor is closed, and it
-- must wake any coroutine suspended on the socket (which then gets
-- `nil, "closed"`).
--
-- Only one coroutine may wait to receive and one to send on a socket at a
-- time; a second one gets `nil, "ebusy", detail`.
-- @module sctp.wait
local core = require "sctp.core"
core.library_chunk(debug.getinfo(1, "S").source)   -- its frames are the library's
local state = require "sctp.state"   -- before methods below replace C ones

local poll, gettime = core.poll, core.gettime
local methods = core.methods
local getfd, markclosing, rawclose = methods.getfd, methods.markclosing, methods.close
local capabilities = methods.capabilities
local ceil = math.ceil
local running = coroutine.running

local M = {}

local getstate = state.get

-- core.poll is given a finite slice: the C side never blocks forever, a
-- longer wait is a loop here.
local SLICE_MS = 60000
-- how long a writer sleeps on a backend without write-readiness
local WRITE_RETRY_MS = 1

--- A deadline (monotonic seconds) for a timeout in ms; nil for no limit.
-- The one place a timeout becomes a deadline (the waiters use it too).
function M.deadline(timeout_ms)
  return timeout_ms and gettime() + timeout_ms / 1000
end
local deadline_of = M.deadline

--- The whole milliseconds left until `deadline` (<= 0 once it passed).
function M.ms_left(deadline)
  return ceil((deadline - gettime()) * 1000)
end
local ms_left = M.ms_left

--- The blocking waiter: poll() on this thread.
function M.poll_waiter(sock, events, timeout_ms)
  local fd = getfd(sock)
  if fd < 0 then return nil, "closed", state.CLOSED end
  if timeout_ms == nil or timeout_ms > SLICE_MS then timeout_ms = SLICE_MS end
  return poll(fd, events, timeout_ms)
end

--- The cqueues waiter: yields to the cqueues loop until the socket is
-- ready or the time is up (the socket is the pollable).
function M.cqueues_waiter(sock, events, timeout_ms)
  local cqueues = package.loaded.cqueues
  local s = getstate(sock)
  s.events, s.deadline = events, deadline_of(timeout_ms)
  cqueues.poll(sock)
  s.events, s.deadline = nil, nil
  return true
end

-- cqueues runs its callers in coroutines: the main thread never is one
-- (running() answers nil on 5.1, `co, true` on 5.2+), and is told apart
-- without asking cqueues.
local function in_cqueues()
  local co, main = running()
  if not co or main then return false end
  local cqueues = package.loaded.cqueues
  return cqueues and cqueues.running and cqueues.running()
end

--- The default: cqueues inside a cqueues coroutine, else poll().
function M.auto_waiter(sock, events, timeout_ms)
  if in_cqueues() then return M.cqueues_waiter(sock, events, timeout_ms) end
  return M.poll_waiter(sock, events, timeout_ms)
end

M.default = M.auto_waiter

-- Set once any socket has had a waiter of its own: until then the hot
-- path needs no per-socket lookup.
local some_socket_waiter = false

--- How long (ms) a receive may wait inside the kernel (`recv`'s wait
-- argument), or nil when it must not: only while the waiter in force is
-- the blocking poll one, i.e. this thread would block anyway. Waiting in
-- recvmsg itself costs one system call where recvmsg, poll and recvmsg
-- again cost three. `deadline` nil means no limit (a slice, then again).
function M.kernel_wait_ms(sock, deadline)
  local w = M.default
  if some_socket_waiter then w = getstate(sock).waiter or w end
  if w ~= M.poll_waiter and (w ~= M.auto_waiter or in_cqueues()) then return nil end
  if not deadline then return SLICE_MS end
  local ms = ms_left(deadline)
  if ms > SLICE_MS then return SLICE_MS end
  return ms > 0 and ms or nil
end

-- `plain.blocking` is true while no socket has a waiter of its own and the
-- default one blocks this thread outside coroutines (poll, or auto): then
-- a receive in the main thread may wait in the kernel, told with no call
-- to kernel_wait_ms (the receive fast path, io.lua).
M.plain = {blocking = true}
M.SLICE_MS = SLICE_MS
local plain = M.plain
-- Lua 5.3+: the C recv (core.fastpath) reads a copy, told at every change
local setplain = core.setplain or function() end

function M.setdefault(fn)
  M.default = fn or M.auto_waiter
  plain.blocking = not some_socket_waiter and (M.default == M.auto_waiter or M.default == M.poll_waiter)
  setplain(plain.blocking)
end

-- kept in the socket's state, which goes with the socket even when `fn`
-- refers to it
function M.setwaiter(sock, fn)
  if fn then
    some_socket_waiter, plain.blocking = true, false
    setplain(false)
  end
  getstate(sock).waiter = fn
end

--- Registers `release(sock)`, called when `sock` is closed (see above);
-- nil clears it.
function M.onclose(sock, release)
  getstate(sock).onclose = release
end

-- The pollable protocol (cqueues): what the waiting coroutine waits for.
function methods.pollfd(sock)
  local fd = getfd(sock)   -- not a tail call: an error names pollfd
  return fd
end
function methods.events(sock) return getstate(sock).events or "r" end
function methods.timeout(sock)
  local deadline = getstate(sock).deadline
  if not deadline then return nil end
  local left = deadline - gettime()
  return left > 0 and left or 0
end

-- Makes every cqueues controller forget the descriptor: cancelling wakes
-- the coroutines polling it and takes it out of the controller's epoll set.
local function cqueues_forget(sock)
  local cqueues = package.loaded.cqueues
  local fd = getfd(sock)
  if cqueues and cqueues.cancel and fd >= 0 then cqueues.cancel(fd) end
end

-- Closes the descriptor once no coroutine waits on it any more. cqueues is
-- told again first: when one of two woken waiters ran, the controller
-- re-armed the descriptor for the other one, and a descriptor closed while
-- armed fails the controller's next step (EBADF).
local function finish_close(sock, s)
  if not s.reader and not s.writer then
    cqueues_forget(sock)
    rawclose(sock)
  end
end

--- Closes `sock`, waking the coroutines waiting on it: they return
-- `nil, "closed"`. With cqueues the descriptor is closed only after the
-- waiters have woken (the loop must see the cancellation before the close).
function M.close(sock, s)
  -- cqueues keeps descriptors it polled registered in its epoll set:
  -- cancelling removes them (and wakes its waiters) before the fd goes.
  cqueues_forget(sock)
  local release = s and s.onclose
  if s and (s.reader or s.writer) then
    markclosing(sock)           -- every operation now returns nil, "closed"
    s.closing = true
    if release then release(sock) end
    finish_close(sock, s)
    return true
  end
  if release then release(sock) end
  return rawclose(sock)
end

--- Waits once for `events` ("r" or "w"); returns true to retry the
-- operation, or nil, err, detail ("timeout" once the deadline has passed,
-- "closed" when the socket was closed meanwhile, "ebusy" when another
-- coroutine already waits in the same direction).
function M.wait(sock, events, deadline, what)
  local remaining
  if deadline then
    remaining = ms_left(deadline)
    if remaining <= 0 then
      return nil, "timeout", what .. ": timed out"
    end
  end
  local s = getstate(sock)
  local slot = events == "w" and "writer" or "reader"
  local me = running() or "main"
  if s[slot] and s[slot] ~= me then
    return nil, "ebusy", what .. ": another coroutine is already waiting on this socket"
  end
  s[slot] = me
  local wait_events = events
  if events == "w" and s.write_ready == nil then
    s.write_ready = capabilities(sock).write_ready   -- asked once, at the first full buffer
  end
  if events == "w" and not s.write_ready then
    -- a backend whose descriptor never tells writability (usrsctp): try
    -- again after a short sleep, waiting for readability meanwhile
    wait_events = "r"
    if not remaining or remaining > WRITE_RETRY_MS then remaining = WRITE_RETRY_MS end
  end
  local ok, err, detail = (s.waiter or M.default)(sock, wait_events, remaining)
  s[slot] = nil
  if s.closing then
    finish_close(sock, s)
    return nil, "closed", what .. ": socket closed while waiting"
  end
  if ok == nil and err ~= nil then return nil, err, detail end
  return true
end

return M
