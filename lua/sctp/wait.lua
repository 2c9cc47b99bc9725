--- How the Lua layer waits for a socket to become ready.
--
-- The C core never blocks: an operation that would block returns
-- `nil, "eagain"`, and the methods in `sctp.lua` call `wait.wait` and retry.
-- Waiting itself is a hook so that event loops can take it over: by default
-- the thread blocks in `poll()`; `sctp.setwaiter(fn)` replaces it for every
-- socket and `sock:setwaiter(fn)` for one socket. A waiter is called as
-- `fn(sock, events, timeout_ms)` (`events` is "r", "w" or "rw";
-- `timeout_ms` nil means no limit) and must return once the descriptor may
-- be ready or the time is up; returning early is harmless (the operation is
-- retried and the deadline re-checked). It may return `nil, err, detail` to
-- abort the operation with that error.
-- @module sctp.wait
local core = require "sctp.core"

local poll, gettime, getfd = core.poll, core.gettime, core.methods.getfd
local ceil = math.ceil

local M = {}

-- core.poll is given a finite slice: the C side never blocks forever, a
-- longer wait is a loop here.
local SLICE_MS = 60000

--- The default waiter: block this thread in poll().
function M.poll_waiter(sock, events, timeout_ms)
  local fd = getfd(sock)
  if fd < 0 then return nil, "closed", "socket is closed" end
  if timeout_ms == nil or timeout_ms > SLICE_MS then timeout_ms = SLICE_MS end
  return poll(fd, events, timeout_ms)
end

M.default = M.poll_waiter
local per_socket = setmetatable({}, {__mode = "k"})

function M.setdefault(fn)
  M.default = fn or M.poll_waiter
end

function M.setwaiter(sock, fn)
  per_socket[sock] = fn
end

--- A deadline (monotonic seconds) for a timeout in ms; nil for no limit.
function M.deadline(timeout_ms)
  return timeout_ms and gettime() + timeout_ms / 1000
end

--- Waits once for `events`; returns true to retry the operation, or
-- nil, err, detail ("timeout" once the deadline has passed).
function M.wait(sock, events, deadline, what)
  local remaining
  if deadline then
    remaining = ceil((deadline - gettime()) * 1000)
    if remaining <= 0 then
      return nil, "timeout", what .. ": timed out"
    end
  end
  local ok, err, detail = (per_socket[sock] or M.default)(sock, events, remaining)
  if ok == nil and err ~= nil then return nil, err, detail end
  return true
end

return M
