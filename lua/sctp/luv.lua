--- Waiting inside a luv (libuv) event loop.
--
--     local uv = require "luv"
--     local sctp = require "sctp"
--     sctp.setwaiter(require("sctp.luv").waiter(uv))
--     coroutine.wrap(function() ... sock:recv() ... end)()
--     uv.run()
--
-- Inside a coroutine, a socket operation that would block suspends the
-- coroutine on a libuv poll handle (one per socket, as libuv requires) and
-- a timer for the timeout; the loop resumes it. Outside a coroutine (the
-- main thread cannot yield) it falls back to a blocking poll().
-- @module sctp.luv
local wait = require "sctp.wait"
require("sctp.core").library_chunk(debug.getinfo(1, "S").source)   -- its frames are the library's

local M = {}

-- Resumes a coroutine from a loop callback; errors surface in the loop.
local function resume(co)
  local ok, err = coroutine.resume(co)
  if not ok then error(err, 0) end
end

-- (Re)starts the poll handle of watch w for the directions still waited for.
local function update(w)
  if w.closed then return end
  local ev = (next(w.r) and "r" or "") .. (next(w.w) and "w" or "")
  if ev == "" then
    w.handle:stop()
  else
    w.handle:start(ev, function(err, got)
      got = got or ""
      for _, dir in ipairs({"r", "w"}) do
        if next(w[dir]) and (err or got:find(dir, 1, true)) then
          local cos = w[dir]
          w[dir] = {}
          for co in pairs(cos) do resume(co) end
        end
      end
      update(w)
    end)
  end
end

-- What sock:close() calls: wakes the waiters on the next loop turn, then
-- closes the handle (libuv wants poll handles gone before their fd).
local function releaser(uv, watches)
  return function(sock)
    local w = watches[sock]
    if not w then return end
    watches[sock] = nil
    w.closed = true
    local waiting = {}
    for co in pairs(w.r) do waiting[#waiting + 1] = co end
    for co in pairs(w.w) do waiting[#waiting + 1] = co end
    w.r, w.w = {}, {}
    w.handle:stop()
    w.handle:close()
    if #waiting > 0 then
      local t = uv.new_timer()
      t:start(0, 0, function()
        t:close()
        for _, co in ipairs(waiting) do resume(co) end
      end)
    end
  end
end

function M.waiter(uv)
  uv = uv or require "luv"
  local watches = setmetatable({}, {__mode = "k"})   -- sock -> watch
  local release = releaser(uv, watches)

  return function(sock, events, timeout_ms)
    local co, main = coroutine.running()
    if co == nil or main then
      return wait.poll_waiter(sock, events, timeout_ms)
    end
    local w = watches[sock]
    if not w then
      w = {handle = uv.new_socket_poll(sock:getfd()), r = {}, w = {}}
      watches[sock] = w
      wait.onclose(sock, release)
    end
    w[events][co] = true
    update(w)
    local timer
    if timeout_ms then
      timer = uv.new_timer()
      timer:start(timeout_ms, 0, function()
        if w[events][co] then
          w[events][co] = nil
          update(w)
          resume(co)
        end
      end)
    end
    coroutine.yield()
    if timer then timer:stop(); timer:close() end
    return true
  end
end

return M
