-- SCTP sockets for Lua, shaped like Erlang/OTP's gen_sctp.
--
-- The C core (`sctp.core`) makes the system calls and converts data; it never
-- blocks. This layer adds gen_sctp semantics: waiting with timeouts, connect
-- that waits for `comm_up`, options handled in Lua (`mode`, `buffer`,
-- `non_block_send`), argument checks that name the argument at fault.
-- Its methods are interposed on the C socket's method table, so a socket is
-- the C userdata itself. One file per concern (docs/DESIGN.md): sctp.state
-- (per-socket state, raw C methods), sctp.check (argument checks),
-- sctp.options, sctp.io (recv/send), sctp.assoc (connect, accept, ...),
-- sctp.active, sctp.wait; this file has open, close and the module functions.
--
-- The contract is docs/API.md (from shared/API.md); see README.md.
local core = require "sctp.core"
core.library_chunk(debug.getinfo(1, "S").source)   -- its frames are the library's
-- sctp.state first: it keeps the raw C methods before the others replace them
local state = require "sctp.state"
local check = require "sctp.check"
local wait = require "sctp.wait"
local options = require "sctp.options"
require "sctp.io"
require "sctp.assoc"
require "sctp.active"

local type = type
local raw = state.raw
local argerror, check_addrs, cleanup_on_error = check.argerror, check.addrs, check.cleanup_on_error

local M = {
  _VERSION = "lua-sctp 0.1.0",
  version = "0.1.0",
  backend = core.backend,
  gettime = core.gettime,
  associations = core.associations,
}

local methods = core.methods

-- Closes the socket and all its associations: `true`; twice is fine.
-- Coroutines waiting on the socket wake up with `nil, "closed"`.
function methods.close(sock)
  local s = state.peek(sock)
  state.drop(sock)
  local ok, err, detail = wait.close(sock, s)   -- not a tail call: an error names close
  return ok, err, detail
end

function methods.setwaiter(sock, fn)
  if fn ~= nil and type(fn) ~= "function" then argerror("setwaiter", "fn", "function or nil", fn) end
  wait.setwaiter(sock, fn)
  return true
end

-- Raw C entry points that are not part of the public API.
methods.connectx, methods.send_assoc, methods.setmode, methods.setbuffer = nil, nil, nil, nil
methods.getopt, methods.setopt, methods.markclosing = nil, nil, nil
methods.recv_direct, methods.setqueued = nil, nil
methods.getstate, methods.setstate, methods.info, methods.shutdown = nil, nil, nil, nil

---------------------------------------------------------------------------
-- Module functions.

local default_events = {
  data_io_event = true, association_event = true, address_event = true,
  send_failure_event = true, peer_error_event = true, shutdown_event = true,
  partial_delivery_event = true, adaptation_layer_event = false,
}

-- The backend of sockets opened without `backend`: SCTP_BACKEND from the
-- environment, else the kernel's. Checked when a socket is opened.
local default_backend = os.getenv("SCTP_BACKEND")
if default_backend == "" then default_backend = nil end
local known_backends = {kernel = true, usrsctp = true, auto = true}
local backend_names = '"kernel", "usrsctp" or "auto"'

-- `sctp.default_backend([name])`: the backend new sockets get ("kernel",
-- "usrsctp", or "auto": the kernel's where the kernel has SCTP, else
-- usrsctp), after setting it to `name` if given.
function M.default_backend(name)
  if name ~= nil then
    if not known_backends[name] then
      argerror("default_backend", "name", backend_names, name)
    end
    default_backend = name
  end
  return default_backend or "kernel"
end

-- `sctp.backend_settings(name, settings)`: a backend's stack settings
-- (usrsctp: udp_port, peer_udp_port, raw_ip, rto_min, rto_initial,
-- init_rto_max, max_chunks_on_queue), before its first socket: `true`, or
-- `nil, "ealready", detail` once its stack has started. docs/backends.md.
M.backend_settings = core.backend_settings

-- `sctp.backends()`: the names of the backends this build has, kernel first.
function M.backends()
  local t = {}
  for i, name in ipairs(core.backends) do t[i] = name end
  return t
end

-- "auto": the first open tries the kernel; if it has no SCTP
-- (eprotonosupport), this process uses usrsctp from then on.
local auto_choice
local function open_socket(family, type_, backend)
  if backend ~= "auto" then return core.socket(family, type_, backend) end
  if auto_choice then return core.socket(family, type_, auto_choice) end
  local sock, err, detail = core.socket(family, type_, "kernel")
  if sock then
    auto_choice = "kernel"
  elseif err == "eprotonosupport" and core.backends[2] == "usrsctp" then
    sock, err, detail = core.socket(family, type_, "usrsctp")
    if sock then auto_choice = "usrsctp" end
  end
  return sock, err, detail
end

-- Opens a socket: `sctp.open([port] [, opts])` -> `sock` or `nil, err, detail`.
function M.open(port, opts)
  if type(port) == "table" and opts == nil then port, opts = nil, port end
  if opts ~= nil and type(opts) ~= "table" then argerror("open", "opts", "table or nil", opts) end
  opts = opts or {}
  options.check_names("open", opts, options.open_only)
  local ip = opts.ip or opts.ifaddr or "any"
  check_addrs("open", "ip", ip, "one_or_list")   -- (the core would name it addrs)

  -- the core checks family, type, the ports and the options
  local backend = opts.backend
  if backend == nil and default_backend ~= nil then
    backend = default_backend
    if not known_backends[backend] then
      error(('sctp: open: SCTP_BACKEND is "%s": %s expected'):format(backend, backend_names), 2)
    end
  end
  local sock, err, detail = open_socket(opts.family, opts.type, backend)
  if not sock then return nil, err, detail end
  state.new(sock)
  -- a bad option or address raises (naming open) and leaves no socket behind
  local ok
  ok, err, detail = cleanup_on_error(function() raw.close(sock) end, function()
    local done, e, d = raw.setopt(sock, "sctp_events", default_events)
    if done then done, e, d = options.apply(sock, opts, options.open_only) end
    if done then done, e, d = raw.bindx(sock, ip, opts.port or port or 0, "add") end
    return done, e, d
  end)
  if not ok then
    raw.close(sock)
    return nil, err, detail
  end
  return sock
end

-- SCTP error cause codes (RFC 9260 section 3.3.10, RFC 5061, RFC 4895).
local cause_strings = {
  [1] = "Invalid Stream Identifier",
  [2] = "Missing Mandatory Parameter",
  [3] = "Stale Cookie Error",
  [4] = "Out of Resource",
  [5] = "Unresolvable Address",
  [6] = "Unrecognized Chunk Type",
  [7] = "Invalid Mandatory Parameter",
  [8] = "Unrecognized Parameters",
  [9] = "No User Data",
  [10] = "Cookie Received While Shutting Down",
  [11] = "Restart of an Association with New Addresses",
  [12] = "User Initiated Abort",
  [13] = "Protocol Violation",
  [0xA0] = "Request to Delete Last Remaining IP Address",
  [0xA1] = "Operation Refused Due to Resource Shortage",
  [0xA2] = "Request to Delete Source IP Address",
  [0xA3] = "Association Aborted Due to Illegal ASCONF-ACK",
  [0xA4] = "Request Refused - No Authorization",
  [0x105] = "Unsupported HMAC Identifier",
}

-- Like gen_sctp:error_string/1: 0 -> "ok", a known SCTP error cause code
-- -> its description, anything else -> nil.
function M.error_string(n)
  if not check.is_integer(n) then argerror("error_string", "n", "integer", n) end
  if n == 0 then return "ok" end
  return cause_strings[n]
end

-- True when a received `data` value is an event table.
function M.is_event(v)
  return type(v) == "table" and type(v.event) == "string"
end

-- Replaces how every socket waits (see sctp.wait); nil restores poll().
function M.setwaiter(fn)
  if fn ~= nil and type(fn) ~= "function" then argerror("setwaiter", "fn", "function or nil", fn) end
  wait.setdefault(fn)
  return true
end

return M
