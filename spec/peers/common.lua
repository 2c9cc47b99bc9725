-- spec/peers/common.lua: what the peer processes (spec/peers/*.lua) share:
-- their one-line reports, failing with an ERROR line, waits with a deadline
-- and comma-separated arguments.
--
-- Loaded with `local P = require "peers.common"`: the peers run from the
-- project root with the specs' LUA_PATH (nethelper's N.peer_command), which
-- has ./spec/?.lua.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local sctp = require "sctp"

local P = {}

-- Writes its arguments, separated by spaces, as one line on stdout at once.
function P.out(...)
  io.stdout:write(table.concat({ ... }, " "), "\n")
  io.stdout:flush()
end

-- Writes "ERROR <its arguments>" (any values, nil too) and exits with
-- status 1.
function P.fail(...)
  local t = { ... }
  for i = 1, select("#", ...) do t[i] = tostring(t[i]) end
  P.out("ERROR", table.concat(t, " "))
  os.exit(1)
end

-- Whole milliseconds left until `deadline` (an sctp.gettime() value), never
-- negative: the timeout of a recv that must end by then.
function P.ms_left(deadline)
  local ms = math.floor((deadline - sctp.gettime()) * 1000)
  if ms < 0 then ms = 0 end
  return ms
end

-- The words of a comma-separated argument, each passed through `conv`
-- (tonumber, say) when given.
function P.split(s, conv)
  local t = {}
  for w in s:gmatch("[^,]+") do
    if conv then w = conv(w) end
    t[#t + 1] = w
  end
  return t
end

return P
