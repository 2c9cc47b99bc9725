--- Argument checks of the Lua layer: a programmer error raises, naming the
-- function and the argument, at the user's line.
--
-- Errors point at the user's line: core.where() finds the first frame
-- outside the library's chunks (the same finder as the C core's errors;
-- the chunks are known by identity, so a user's file under a directory
-- named sctp/ keeps its position).
-- @module sctp.check
local core = require "sctp.core"
core.library_chunk(debug.getinfo(1, "S").source)   -- its frames are the library's

local type, error, tostring, pcall = type, error, tostring, pcall
local floor = math.floor
local where = core.where

local M = {}

--- Raises `msg` at the user's line.
function M.raise(msg)
  error(where() .. msg, 0)
end
local raise = M.raise

--- Raises "sctp: fn: bad argument 'arg' (expected expected, got type)".
function M.argerror(fn, arg, expected, value)
  raise(("sctp: %s: bad argument '%s' (%s expected, got %s)")
        :format(fn, arg, expected, type(value)))
end
local argerror = M.argerror

--- Runs f(...) and re-raises its Lua error as an error of `fn` (the
-- function the user called), at the user's line. `cleanup` runs first.
function M.as_errors_of(fn, cleanup, f, ...)
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

function M.is_integer(v)
  return type(v) == "number" and v == floor(v) and v >= -2^53 and v <= 2^53
end
local is_integer = M.is_integer

function M.timeout(fn, t)
  if t ~= nil and (type(t) ~= "number" or t < 0 or t ~= t) then
    argerror(fn, "timeout", "milliseconds >= 0 or nil", t)
  end
end

function M.port(fn, p, min)
  if not is_integer(p) or p < (min or 0) or p > 65535 then
    argerror(fn, "port", ("integer %d..65535"):format(min or 0), p)
  end
end

function M.assoc(fn, assoc)
  if type(assoc) == "table" then
    if not is_integer(assoc.assoc_id) then argerror(fn, "assoc", "table with integer assoc_id", assoc.assoc_id) end
  elseif not is_integer(assoc) then
    argerror(fn, "assoc", "assoc table or assoc_id", assoc)
  end
end

function M.optional_assoc(fn, assoc)
  if assoc ~= nil then M.assoc(fn, assoc) end
end

-- One address: "host" or {host, port}.
local function is_address(a)
  return type(a) == "string" or (type(a) == "table" and type(a[1]) == "string")
end

local expected_addrs = {one = "address", list = "array of addresses",
                        one_or_list = "address or array of addresses"}

--- Address arguments, by shape: "one" (connect's addr), "list" (an array
-- of addresses: bindx, connectx_init, sendx) or "one_or_list" (open's ip).
-- A list is always an array, even of one address.
function M.addrs(fn, name, addrs, shape)
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
  argerror(fn, name, expected_addrs[shape], addrs)
end

return M
