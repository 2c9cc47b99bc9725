-- Socket options: a few are policy and live here (`mode`, `buffer`,
-- `non_block_send`, and `active` from sctp.active); the rest go to the C
-- codec (csrc/option_table.c, csrc/options.c), one row per option and field.
local core = require "sctp.core"
core.library_chunk(debug.getinfo(1, "S").source)   -- its frames are the library's
local state = require "sctp.state"
local check = require "sctp.check"

local type, pairs, ipairs, tostring = type, pairs, ipairs, tostring
local raw, getstate = state.raw, state.get
local raise_arg, argerror = check.raise_arg, check.argerror
local isclosed = raw.isclosed
local methods = core.methods

local M = {}

local core_options = {}
for _, name in ipairs(core.optnames()) do core_options[name] = true end

-- The options handled in Lua: name -> {set = fn(sock, v), get = fn(sock)}.
local lua_options = {
  mode = {
    set = function(sock, v)
      raw.setmode(sock, v)   -- checks v
      getstate(sock).mode = v
      return true
    end,
    get = function(sock) return getstate(sock).mode end,
  },
  buffer = {
    set = function(sock, v)
      raw.setbuffer(sock, v)   -- checks v
      getstate(sock).buffer = v
      return true
    end,
    get = function(sock) return getstate(sock).buffer end,
  },
  non_block_send = {
    set = function(sock, v)
      if type(v) ~= "boolean" then
        argerror("setopts", "opts", "boolean", v, "option 'non_block_send'")
      end
      getstate(sock).non_block_send = v
      return true
    end,
    get = function(sock) return getstate(sock).non_block_send end,
  },
}
M.lua_options = lua_options

-- Options open() takes that are not socket options.
M.open_only = {ip = true, ifaddr = true, port = true, family = true, type = true, backend = true}

-- Raises naming `fn` for a name in `opts` that is no option (nor in `extra`).
function M.check_names(fn, opts, extra)
  for name in pairs(opts) do
    if not (lua_options[name] or core_options[name] or (extra and extra[name])) then
      raise_arg(fn, "opts", ("unknown option '%s'"):format(tostring(name)))
    end
  end
end

local function set_one(sock, name, value)
  local lua_opt = lua_options[name]
  if lua_opt then return lua_opt.set(sock, value) end
  local ok, err, detail = raw.setopt(sock, name, value)
  -- one association's subscriptions (assoc_id) leave the endpoint's alone
  if ok and name == "sctp_events" and value.association_event ~= nil and value.assoc_id == nil then
    getstate(sock).assoc_events = value.association_event
  end
  return ok, err, detail
end

-- Options that depend on others are applied in passes, so that one table
-- works whatever order pairs() gives: Linux derives SO_PRIORITY from IP_TOS
-- when tos is set, so an explicit priority comes after it; the AUTH options
-- answer EACCES until sctp_auth_supported is on, and a key must exist before
-- it is made active, deactivated or deleted. Unlisted options: pass 2.
local pass_of = {
  sctp_auth_supported = 1,
  priority = 3, sctp_auth_active_key = 3,
  sctp_auth_deactivate_key = 4, sctp_auth_delete_key = 4,
}
local PASSES = 4

-- Applies `opts` (names already checked); `skip` names options not to
-- apply (open's own keys). `true` or `nil, err, detail`.
function M.apply(sock, opts, skip)
  for pass = 1, PASSES do
    for name, value in pairs(opts) do
      if not (skip and skip[name]) and (pass_of[name] or 2) == pass then
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

-- Sets socket options: `true` or `nil, err, detail`.
function methods.setopts(sock, opts)
  if type(opts) ~= "table" then argerror("setopts", "opts", "table", opts) end
  if isclosed(sock) then return nil, "closed", state.CLOSED end
  M.check_names("setopts", opts)
  local ok, err, detail = M.apply(sock, opts)
  return ok, err, detail
end

local function get_one(sock, name, arg)
  if lua_options[name] then return lua_options[name].get(sock) end
  local v, err, detail = raw.getopt(sock, name, arg)
  return v, err, detail
end

-- Reads options: a table name -> value, or `nil, err, detail`. Options
-- that take an argument are given as hash entries (`sctp_status = {assoc_id = id}`).
function methods.getopts(sock, names)
  if type(names) ~= "table" then argerror("getopts", "names", "table", names) end
  if isclosed(sock) then return nil, "closed", state.CLOSED end
  -- every name checked before any is read: a bad one raises whatever the
  -- order pairs() gives, not after another option has failed
  for key, value in pairs(names) do
    local name = key
    if type(key) == "number" then name = value end
    if type(name) ~= "string" then argerror("getopts", "names", "option names", name) end
    if not (lua_options[name] or core_options[name]) then
      raise_arg("getopts", "names", ("unknown option '%s'"):format(name))
    end
  end
  local out = {}
  for key, value in pairs(names) do
    local name, arg = key, value
    if type(key) == "number" then name, arg = value, nil end
    local v, err, detail = get_one(sock, name, arg)
    if v == nil then return nil, err, detail end
    out[name] = v
  end
  return out
end

return M
