--- Waiting inside OpenResty / lua-nginx-module.
--
--     local sctp = require "sctp"
--     sctp.setwaiter(require("sctp.ngx").waiter())
--
-- nginx has no public API for a Lua handler to wait on a descriptor it did
-- not create (cosockets are TCP/UDP/unix only). So this waiter checks the
-- socket without blocking and, while it is not ready, yields to nginx with
-- `ngx.sleep`, backing off from `min_delay` to `max_delay` seconds. The
-- cost: a reply that arrives while the request sleeps waits for the end of
-- that sleep (at most `max_delay`, 1 ms on the first round), and an idle
-- wait wakes up every `max_delay` seconds. The worker never blocks. Where
-- nginx cannot yield (init_by_lua*, set_by_lua*, header/body filters, log)
-- it falls back to a blocking poll(), as plain Lua does.
-- @module sctp.ngx
local core = require "sctp.core"
core.library_chunk(debug.getinfo(1, "S").source)   -- its frames are the library's
local wait = require "sctp.wait"
local state = require "sctp.state"

local M = {}

local yieldable = {
  rewrite = true, access = true, content = true, timer = true,
  ssl_cert = true, ssl_session_fetch = true, preread = true, balancer = false,
}

function M.waiter(opts)
  opts = opts or {}
  local min_delay = opts.min_delay or 0.001
  local max_delay = opts.max_delay or 0.02
  local poll, gettime = core.poll, core.gettime
  return function(sock, events, timeout_ms)
    local ngx = rawget(_G, "ngx")
    if not (ngx and yieldable[ngx.get_phase()]) then
      return wait.poll_waiter(sock, events, timeout_ms)
    end
    local deadline = wait.deadline(timeout_ms)
    local delay = min_delay
    while true do
      local fd = sock:getfd()
      if fd < 0 then return nil, "closed", state.CLOSED end   -- as every waiter
      if poll(fd, events, 0) then return true end
      local left = deadline and deadline - gettime()
      if left and left <= 0 then return true end      -- the caller reports timeout
      ngx.sleep(left and left < delay and left or delay)
      delay = delay * 2 > max_delay and max_delay or delay * 2
    end
  end
end

return M
