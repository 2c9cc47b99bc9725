-- Active mode (gen_sctp's `{active, true | once | N}`): messages go to the
-- controlling_process handler through dispatch().
local core = require "sctp.core"
core.library_chunk(debug.getinfo(1, "S").source)   -- its frames are the library's
local state = require "sctp.state"
local check = require "sctp.check"
local options = require "sctp.options"

local type = type
local getstate, isclosed = state.get, state.raw.isclosed
local argerror, is_integer = check.argerror, check.is_integer
local methods = core.methods

-- The `active` option: false, true, "once" or a count N.
options.lua_options.active = {
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
      argerror("setopts", "opts", 'true, false, "once" or an integer -32768..32767', v, "option 'active'")
    end
    return true
  end,
  get = function(sock) return getstate(sock).active end,
}

-- Sets the function that receives messages in active mode:
-- `handler(sock, ip, port, ancdata, data)`. Returns `true`.
function methods.controlling_process(sock, handler)
  if type(handler) ~= "function" then argerror("controlling_process", "handler", "function", handler) end
  if isclosed(sock) then return nil, "closed", state.CLOSED end
  getstate(sock).handler = handler
  return true
end

local function deliver_passive(sock, s)
  s.passive_pending = nil
  s.handler(sock, nil, nil, {}, {event = "passive"})
end

-- Counts one delivered message against an "once"/N budget.
local function spend(s)
  if s.active == "once" then
    s.active, s.passive_pending = false, true
  elseif type(s.active) == "number" then
    s.active = s.active - 1
    if s.active <= 0 then s.active, s.passive_pending = false, true end
  end
end

-- Active mode pump: waits up to `timeout` ms for messages and calls the
-- handler for each message already waiting; returns the number of messages
-- delivered (0 when the time passes with nothing, or when the socket is
-- passive), or `nil, err, detail`. When an `"once"`/N budget is used up the
-- socket turns passive and the handler gets `{event = "passive"}` (not
-- counted in the result).
function methods.dispatch(sock, timeout)
  check.timeout("dispatch", timeout)
  if isclosed(sock) then return nil, "closed", state.CLOSED end
  local s = getstate(sock)
  if not s.handler then
    check.raise_arg("dispatch", "self", "no handler: call sock:controlling_process(handler) first")
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
    spend(s)
    s.handler(sock, a, b, c, d)
    if s.passive_pending then deliver_passive(sock, s) end
    t = 0   -- then only what is already waiting
  end
  return delivered
end

return {}
