-- Argument checks of the Lua layer, for what the C core never sees (or
-- sees only after something has changed: connect's options are applied
-- before the address reaches C). Everything C receives is checked there.
--
-- Errors have one format and one maker, core.argerror (csrc/args.c):
--   "file:line: sctp: <function>: bad argument '<arg>' (<problem>)"
-- at the user's line (the first frame outside the library's chunks, known
-- by identity: a user's file under a directory named sctp/ keeps its
-- position).
-- The function named is found by its frame, as the public method or module
-- function the user called: so those make no tail call into the core (a
-- tail call replaces their frame; `local ok, err, detail = f() return ok,
-- err, detail` keeps it).
local core = require "sctp.core"
core.library_chunk(debug.getinfo(1, "S").source)   -- its frames are the library's

local type, error, pcall = type, error, pcall
local floor = math.floor

local M = {}

local core_argerror = core.argerror

-- Raises "sctp: fn: bad argument 'arg' (problem)"; `path` says where
-- inside the argument ("field 'x'"), or is nil.
local function raise_arg(fn, arg, problem, path)
  core_argerror(fn .. ": " .. arg .. (path and ": " .. path or ""), problem)
end
M.raise_arg = raise_arg

-- Raises "sctp: fn: bad argument 'arg' (<path: >expected expected, got type)".
function M.argerror(fn, arg, expected, value, path)
  raise_arg(fn, arg, expected .. " expected, got " .. type(value), path)
end
local argerror = M.argerror

-- Runs f(...); when it raises, runs `cleanup` and raises the same error.
function M.cleanup_on_error(cleanup, f, ...)
  local r = {pcall(f, ...)}
  if not r[1] then
    cleanup()
    error(r[2], 0)
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


-- One address: "host" or {host, port}.
local function is_address(a)
  return type(a) == "string" or (type(a) == "table" and type(a[1]) == "string")
end

local expected_addrs = {one = "address", list = "array of addresses",
                        one_or_list = "address or array of addresses"}

-- Address arguments, by shape: "one" (connect's addr), "list" (an array
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
