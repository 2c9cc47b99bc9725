-- spec/random_ops.lua: a randomised, stateful driver for the socket API.
--
-- Runs random sequences of open / connect / connect_init / connectx_init /
-- listen / accept / send / send_many / sendx / recv / recv_many / eof /
-- abort / peeloff / setopts / getopts / bindx / close over a few loopback
-- sockets (one-to-many and one-to-one) and the associations between them,
-- with valid and deliberately invalid arguments, on the main thread and
-- inside cqueues coroutines. After every step it checks what the contract
-- (docs/API.md) promises:
--   * a call raises only when the driver made one argument invalid, and then
--     the message is "<this file>:<line of the call>: sctp: <function>: ..."
--     and names that argument;
--   * an invalid argument is never accepted;
--   * a failure is `nil, name, detail` with a documented name and a detail;
--   * a method of a closed socket returns nil, "closed";
--   * success values have the documented shape;
--   * the descriptor count is the base plus the sockets the driver holds
--     (checked along the way on the main thread, and at the end).
--
-- Everything is drawn from one seed (a Park-Miller generator: the same
-- sequence on every Lua version), so a run can be replayed:
--   SCTP_RANDOM_SEED=<seed> SCTP_RANDOM_STEPS=<n> tools/run-tests -- spec/random_ops_spec.lua
-- On the main thread a replay repeats the same calls; inside cqueues several
-- coroutines interleave, so timing may change what a call meets.
--
-- Nothing waits long: receive, accept and connect timeouts are 0..200 ms,
-- and every socket has non_block_send (a send never waits for the peer).
--
-- Valid Lua 5.1 / LuaJIT / 5.3 / 5.4 code: no goto, no `//`, no `<close>`.

local sctp = require "sctp"
local H = require "helper"
local N = require "nethelper"

local unpack = table.unpack or unpack
local floor = math.floor

local M = {}

-------------------------------------------------------------------------------
-- The one place where the driver calls the library: an error raised for an
-- argument must carry this file and this line.
local function invoke(f, a) local r = H.pack(f(unpack(a, 1, a.n))); return r end

-- pcall that a call inside may yield across (to cqueues): Lua 5.1 cannot
-- yield across pcall, so there the call runs in a coroutine of its own
-- whose yields are passed up and whose resumptions are passed down.
local protected_call = pcall
if _VERSION == "Lua 5.1" and not rawget(_G, "jit") then
  protected_call = function(f, ...)
    local co = coroutine.create(f)
    local r = H.pack(coroutine.resume(co, ...))
    while r[1] and coroutine.status(co) ~= "dead" do
      r = H.pack(coroutine.resume(co, coroutine.yield(unpack(r, 2, r.n))))
    end
    return unpack(r, 1, r.n)
  end
end
local SRC = debug.getinfo(invoke, "S").short_src
local INVOKE_LINE = debug.getinfo(invoke, "S").linedefined
M.SRC, M.INVOKE_LINE = SRC, INVOKE_LINE

-------------------------------------------------------------------------------
-- Failure names the contract documents: docs/API.md says the names are
-- "exactly like the Erlang posix() atoms", plus "timeout" and "closed"
-- ("ebusy" and "nxdomain": docs/reference.luadoc, README.md). First the
-- atoms of the inet:posix() and file:posix() types; then the other names
-- Erlang itself returns for Linux errnos (erl_errno_id() in OTP's
-- erts/emulator/beam/erl_posix_str.c: gen_sctp answers {error, eshutdown}
-- for a send after shutdown, for instance). A name outside both (a
-- made-up one, a bare number, Erlang's own "unknown") is a finding.
local ALLOWED = {}
for name in ([[
  eaddrinuse eaddrnotavail eafnosupport ealready econnaborted econnrefused
  econnreset edestaddrreq ehostdown ehostunreach einprogress eisconn emsgsize
  enetdown enetunreach enopkg enoprotoopt enotconn enotty enotsock eproto
  eprotonosupport eprototype esocktnosupport etimedout ewouldblock exbadport
  exbadseq
  eacces eagain ebadf ebadmsg ebusy edeadlk edeadlock edquot eexist efault
  efbig eftype eintr einval eio eisdir eloop emfile emlink emultihop
  enametoolong enfile enobufs enodev enolck enolink enoent enomem enospc enosr
  enostr enosys enotblk enotdir enotsup enxio eopnotsupp eoverflow eperm epipe
  erange erofs espipe esrch estale etxtbsy exdev
  timeout closed nxdomain
  e2big eadv ebade ebadfd ebadr ebadrqc ebadslt ebfont echild echrng ecomm edom
  edotdot eidrm eilseq eisnam el2hlt el2nsync el3hlt el3rst elibacc elibbad
  elibexec elibmax elibscn elnrng enavail enetreset enoano enocsi enodata
  enoexec enomsg enonet enotempty enotnam enotuniq epfnosupport eremchg eremote
  eremoteio eshutdown esrmnt etime etoomanyrefs euclean eunatch eusers exfull
]]):gmatch("%S+") do ALLOWED[name] = true end
M.ALLOWED = ALLOWED

-- Operations that wait (with a timeout) report an empty wait as "timeout",
-- never as the core's internal "eagain".
local WAITING_OPS = { recv = true, recv_many = true, accept = true, connect = true }

-------------------------------------------------------------------------------
-- Deterministic random numbers (Park-Miller, exact in doubles and integers).

local function new_rng(seed)
  local x = seed % 2147483646 + 1
  local r = {}
  function r.int(n)        -- 1..n
    x = (x * 16807) % 2147483647
    return x % n + 1
  end
  function r.range(lo, hi) return lo + r.int(hi - lo + 1) - 1 end
  function r.chance(p) return r.int(1000) <= p * 1000 end
  function r.pick(t) return t[r.int(#t)] end
  return r
end

-------------------------------------------------------------------------------
-- Whole-word search, as the spec helpers do ("ip" is not in "pipe").
local function names_word(text, word)
  local escaped = word:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
  return text:find("%f[%w_]" .. escaped .. "%f[^%w_]") ~= nil
end

local function is_int(v) return type(v) == "number" and v == floor(v) end
local now = sctp.gettime

-- Seconds one step may take (timeouts are <= 200 ms; the VM is slow).
local SLOW_STEP = 5

local MAX_OPEN = 8       -- sockets open at a time (soft: accept/peeloff may pass it)
local MAX_CLOSED = 3     -- closed sockets kept around to call methods on
local LOCAL = "127.0.0.1"

-- Operation weights.
local WEIGHTS = {
  { "open", 6 }, { "connect", 6 }, { "connect_init", 5 }, { "connectx_init", 2 },
  { "listen", 5 }, { "accept", 5 }, { "send", 12 }, { "send_many", 5 },
  { "sendx", 4 }, { "recv", 16 }, { "recv_many", 6 }, { "eof", 3 },
  { "abort", 3 }, { "peeloff", 3 }, { "setopts", 5 }, { "getopts", 5 },
  { "bindx", 2 }, { "close", 4 },
}
local TOTAL_WEIGHT = 0
for _, w in ipairs(WEIGHTS) do TOTAL_WEIGHT = TOTAL_WEIGHT + w[2] end

local function pick_op(rng)
  local n = rng.int(TOTAL_WEIGHT)
  for _, w in ipairs(WEIGHTS) do
    n = n - w[2]
    if n <= 0 then return w[1] end
  end
end

-------------------------------------------------------------------------------
-- The model: slots holding the driver's sockets.

local function open_count(ctx)
  local n = 0
  for _, s in ipairs(ctx.slots) do if not s.closed then n = n + 1 end end
  return n
end

local function add_slot(ctx, sock, kind)
  ctx.next_id = ctx.next_id + 1
  local names = sock:socknames()
  local slot = { id = ctx.next_id, sock = sock, kind = kind, assocs = {},
                 port = type(names) == "table" and names[1] and names[1][2] or nil }
  ctx.slots[#ctx.slots + 1] = slot
  ctx.names[sock] = "s" .. slot.id .. "(" .. kind .. ")"
  return slot
end

-- Forgets the oldest closed slots beyond MAX_CLOSED (their ports become
-- "dead" targets to connect to).
local function prune(ctx)
  local closed = 0
  for i = #ctx.slots, 1, -1 do
    local s = ctx.slots[i]
    if s.closed then
      closed = closed + 1
      if closed > MAX_CLOSED then
        if s.port then ctx.dead_ports[#ctx.dead_ports + 1] = s.port end
        if #ctx.dead_ports > 8 then table.remove(ctx.dead_ports, 1) end
        table.remove(ctx.slots, i)
      end
    end
  end
end

local function add_assoc(slot, id)
  if not is_int(id) then return end
  for _, a in ipairs(slot.assocs) do if a == id then return end end
  slot.assocs[#slot.assocs + 1] = id
  if #slot.assocs > 16 then table.remove(slot.assocs, 1) end
end

local function drop_assoc(slot, id)
  for i, a in ipairs(slot.assocs) do
    if a == id then table.remove(slot.assocs, i); return end
  end
end

local function pick_slot(ctx, rng, want)
  local cands = {}
  for _, s in ipairs(ctx.slots) do
    if (not want or want(s)) then cands[#cands + 1] = s end
  end
  if #cands == 0 then return nil end
  -- mostly open sockets; a closed one now and then
  local open = {}
  for _, s in ipairs(cands) do if not s.closed then open[#open + 1] = s end end
  if #open > 0 and not rng.chance(0.08) then return rng.pick(open) end
  return rng.pick(cands)
end

-- A port to connect to: mostly a listening socket's, sometimes any of ours,
-- sometimes one nothing listens on any more.
local function pick_port(ctx, rng)
  local listening, any = {}, {}
  for _, s in ipairs(ctx.slots) do
    if s.port and not s.closed then
      any[#any + 1] = s.port
      if s.listening then listening[#listening + 1] = s.port end
    end
  end
  local r = rng.int(10)
  if r <= 7 and #listening > 0 then return rng.pick(listening) end
  if r <= 9 and #any > 0 then return rng.pick(any) end
  if #ctx.dead_ports > 0 then return rng.pick(ctx.dead_ports) end
  return ctx.spare_port
end

-- An association argument for `slot`: a known id, a known id as a table,
-- an id nobody has, or (one-to-one, peeled-off) nothing.
local function pick_assoc(slot, rng)
  local r = rng.int(10)
  if slot.kind ~= "seqpacket" and r <= 3 then return nil end
  if #slot.assocs > 0 and r <= 8 then
    local id = rng.pick(slot.assocs)
    if rng.chance(0.3) then return { assoc_id = id } end
    return id
  end
  return rng.pick({ 0, 424242 })
end

local function assoc_id_of(a)
  if type(a) == "table" then return a.assoc_id end
  return a
end

local function data(rng)
  if rng.chance(0.2) then
    local t = {}
    for i = 1, rng.range(1, 3) do t[i] = string.rep(string.char(96 + i), rng.range(0, 20)) end
    return t
  end
  return string.rep("x", rng.range(1, 64))
end

local function sndrcvinfo(slot, rng)
  local info = { stream = rng.range(0, 11), ppid = rng.range(0, 99) }
  local a = pick_assoc(slot, rng)
  if a ~= nil then info.assoc_id = assoc_id_of(a) end
  if rng.chance(0.2) then info.flags = { "unordered" } end
  return info
end

-- Invalid sndrcvinfos, with the field at fault.
local BAD_INFO = {
  function(i) i.stream = 70000; return "stream" end,
  function(i) i.stream = "x"; return "stream" end,
  function(i) i.ppid = 2 ^ 32; return "ppid" end,
  function(i) i.flags = { "bogus_flag" }; return "flags" end,
  function(i) i.timetolive = -1; return "timetolive" end,
}

local function bad_info(slot, rng)
  local i = sndrcvinfo(slot, rng)
  local field = rng.pick(BAD_INFO)(i)
  return i, field
end

-- Valid options for setopts (and connect's opts), one at a time.
local GOOD_OPTS = {
  function(r) return { sctp_nodelay = r.chance(0.5) } end,
  function(r) return { sndbuf = r.range(4096, 65536) } end,
  function(r) return { recbuf = r.range(4096, 65536) } end,
  function(r) return { buffer = r.range(1024, 65536) } end,
  function(r) return { mode = r.chance(0.8) and "binary" or "list" } end,
  function() return { non_block_send = true } end,
  function(r) return { reuseaddr = r.chance(0.5) } end,
  function(r) return { tos = r.pick({ 0, 16 }) } end,
  function() return { sctp_autoclose = 0 } end,
  function(r) return { sctp_initmsg = { num_ostreams = r.range(1, 10) } } end,
  function(r) return { sctp_events = { data_io_event = true, association_event = r.chance(0.9) } } end,
  function() return { linger = { true, 0 } } end,
  function() return { linger = { false, 0 } } end,
  function(r) return { sctp_rtoinfo = { initial = r.range(100, 300), min = 50, max = 1000 } } end,
  function(r) return { sctp_default_send_param = { stream = r.range(0, 3) } } end,
  function() return { active = false } end,
}

-- Invalid options, with the name the error must carry.
local BAD_OPTS = {
  function() return { nosuch_opt = 1 }, "nosuch_opt" end,
  function() return { sctp_nodelay = "x" }, "sctp_nodelay" end,
  function() return { mode = "bogus" }, "mode" end,
  function() return { buffer = 10 }, "buffer" end,
  function() return { sctp_initmsg = { num_ostreams = 70000 } }, "num_ostreams" end,
  function() return { linger = 5 }, "linger" end,
  function() return { active = "x" }, "active" end,
  function() return { non_block_send = 1 }, "non_block_send" end,
}

local GETOPT_NAMES = { "sndbuf", "recbuf", "sctp_nodelay", "mode", "buffer",
  "non_block_send", "reuseaddr", "sctp_initmsg", "sctp_events", "linger" }

local TIMEOUTS_SHORT = { 0, 0, 0, 1, 2 }
local TIMEOUTS_CONNECT = { 0, 1, 20, 200, 200, 200 }

-- Arrays of arguments with their count (nils count too).
local function args(...) return H.pack(...) end

-------------------------------------------------------------------------------
-- Generators: each returns a call record
--   { op, slot, f, a (packed args), bad (the argument made invalid) }
-- or nil when the operation does not apply now.

local G = {}

local function method_call(op, slot, ...)
  return { op = op, slot = slot, f = slot.sock[op], a = args(slot.sock, ...) }
end

function G.open(ctx, rng)
  if open_count(ctx) >= MAX_OPEN then return nil end
  local kind = rng.chance(0.4) and "stream" or "seqpacket"
  local opts = { type = kind, non_block_send = true,
                 ip = rng.chance(0.3) and { LOCAL } or LOCAL }
  local port = 0
  if rng.chance(0.1) and #ctx.dead_ports > 0 then port = rng.pick(ctx.dead_ports) end
  local c = { op = "open", fname = "open", f = sctp.open, kind = kind }
  if rng.chance(ctx.bad_rate) then
    local r = rng.int(6)
    if r == 1 then port, c.bad = 70000, "port"
    elseif r == 2 then opts.type, c.bad = "datagram", "type"
    elseif r == 3 then opts.family, c.bad = "inet7", "family"
    elseif r == 4 then opts.nosuch_opt, c.bad = 1, "nosuch_opt"
    elseif r == 5 then opts.ip, c.bad = true, "ip"
    else c.a, c.bad = args(0, 5), "opts"; return c end
  end
  c.a = args(port, opts)
  return c
end

local function connect_like(op, ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  local port = pick_port(ctx, rng)
  local opts
  if rng.chance(0.3) then opts = rng.pick(GOOD_OPTS)(rng) end
  if opts and (opts.linger or (opts.sctp_events and opts.sctp_events.association_event == false)) then
    opts = nil
  end
  local timeout = rng.pick(TIMEOUTS_CONNECT)
  local addr = LOCAL
  if op == "connectx_init" then addr = { LOCAL } end
  local bad
  if rng.chance(ctx.bad_rate) then
    local r = rng.int(5)
    if r == 1 then port, bad = rng.pick({ 0, 70000 }), "port"
    elseif r == 2 then addr, bad = true, (op == "connectx_init") and "addrs" or "addr"
    elseif r == 3 then opts, bad = 5, "opts"
    elseif r == 4 then timeout, bad = rng.pick({ -1, "soon" }), "timeout"
    else opts, bad = { nosuch_opt = 1 }, "nosuch_opt" end
    if op == "connectx_init" and r == 2 and rng.chance(0.5) then
      addr = LOCAL     -- an address list given as a single string
    end
  end
  -- connect_init/connectx_init take a timeout too, but never wait
  local c = method_call(op, slot, addr, port, opts, timeout)
  c.bad = bad
  return c
end

function G.connect(ctx, rng) return connect_like("connect", ctx, rng) end
function G.connect_init(ctx, rng) return connect_like("connect_init", ctx, rng) end
function G.connectx_init(ctx, rng) return connect_like("connectx_init", ctx, rng) end

function G.listen(ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  local flag
  if slot.kind == "stream" then flag = rng.pick({ 0, 1, 5, true })
  else flag = rng.chance(0.85) end
  local c = method_call("listen", slot, flag)
  if rng.chance(ctx.bad_rate) then
    c.a[2], c.bad = rng.pick({ "x", -1 }), "flag"
  end
  c.flag = flag
  return c
end

function G.accept(ctx, rng)
  local slot = pick_slot(ctx, rng, function(s) return s.kind == "stream" end)
  if not slot then return nil end
  local c = method_call("accept", slot, rng.pick(TIMEOUTS_SHORT))
  if rng.chance(ctx.bad_rate) then c.a[2], c.bad = rng.pick({ -1, "x" }), "timeout" end
  return c
end

function G.send(ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  local bad = rng.chance(ctx.bad_rate)
  if rng.chance(0.5) then
    -- send(sndrcvinfo, data)
    local info, d, field = sndrcvinfo(slot, rng), data(rng), nil
    if bad then
      local r = rng.int(3)
      if r == 1 then info, field = bad_info(slot, rng)
      elseif r == 2 then d, field = rng.pick({ true, { "ok", {} } }), "data"
      else info, field = rng.pick({ 5, "x" }), "sndrcvinfo" end
    end
    local c = method_call("send", slot, info, d)
    c.bad = field
    return c
  end
  -- send(assoc, stream, data)
  local a = pick_assoc(slot, rng)
  if a == nil then a = 0 end
  local stream, d, field = rng.range(0, 11), data(rng), nil
  if bad then
    local r = rng.int(3)
    if r == 1 then a, field = rng.pick({ true, "x" }), "assoc"
    elseif r == 2 then stream, field = rng.pick({ 70000, -1 }), "stream"
    else d, field = true, "data" end
  end
  local c = method_call("send", slot, a, stream, d)
  c.bad = field
  return c
end

function G.send_many(ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  local list = {}
  for i = 1, rng.range(1, 4) do
    if rng.chance(0.5) then
      list[i] = { sndrcvinfo(slot, rng), (string.rep("m", rng.range(1, 32))) }
    else
      local a = pick_assoc(slot, rng)
      list[i] = { a == nil and 0 or a, rng.range(0, 11), (string.rep("n", rng.range(1, 32))) }
    end
  end
  local field
  if rng.chance(ctx.bad_rate) then
    local r = rng.int(3)
    if r == 1 then list, field = 5, "list"
    elseif r == 2 then
      local info
      info, field = bad_info(slot, rng)
      list[#list + 1] = { info, "bad" }
    else
      list[#list + 1] = { { stream = 0 }, true }
      field = "data"
    end
  end
  local c = method_call("send_many", slot, list)
  c.bad = field
  return c
end

function G.sendx(ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  local addrs, port = { LOCAL }, pick_port(ctx, rng)
  local info = { stream = rng.range(0, 3), ppid = rng.range(0, 99) }
  local d = data(rng)
  local field
  if rng.chance(ctx.bad_rate) then
    local r = rng.int(5)
    if r == 1 then addrs, field = LOCAL, "addrs"     -- an address list as one string
    elseif r == 2 then port, field = 0, "port"
    elseif r == 3 then info, field = 5, "sndrcvinfo"
    elseif r == 4 then info, field = bad_info(slot, rng)
    else d, field = true, "data" end
  end
  local c = method_call("sendx", slot, addrs, port, info, d)
  c.bad = field
  return c
end

function G.recv(ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  local c = method_call("recv", slot, rng.pick(TIMEOUTS_SHORT))
  if rng.chance(ctx.bad_rate) then c.a[2], c.bad = rng.pick({ -1, "soon", {} }), "timeout" end
  return c
end

function G.recv_many(ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  local c = method_call("recv_many", slot, rng.range(1, 8), rng.pick({ 0, 0, 1 }))
  if rng.chance(ctx.bad_rate) then
    if rng.chance(0.5) then c.a[2], c.bad = rng.pick({ 0, "x", 1.5 }), "max"
    else c.a[3], c.bad = rng.pick({ -1, "x" }), "timeout" end
  end
  return c
end

-- (Found by this driver, fixed since: eof() and abort() of a CLOSED
-- one-to-one socket without an assoc raised; abort() of a one-to-one socket
-- closed the descriptor behind cqueues' back. spec/stream_spec.lua and
-- spec/close_waiters_spec.lua keep them fixed.)

function G.eof(ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  local c = method_call("eof", slot, pick_assoc(slot, rng))
  if rng.chance(ctx.bad_rate) then c.a[2], c.bad = rng.pick({ "x", true, { assoc_id = "x" } }), "assoc" end
  return c
end

function G.abort(ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  local reason
  if rng.chance(0.3) then reason = "random abort" end
  local c = method_call("abort", slot, pick_assoc(slot, rng), reason)
  if rng.chance(ctx.bad_rate) then
    if rng.chance(0.5) then c.a[2], c.bad = rng.pick({ "x", true }), "assoc"
    else c.a[3], c.bad = rng.pick({ 5, {} }), "reason" end
  end
  return c
end

function G.peeloff(ctx, rng)
  local slot = pick_slot(ctx, rng, function(s) return s.kind == "seqpacket" end)
  if not slot then return nil end
  if open_count(ctx) >= MAX_OPEN + 2 then return nil end
  local a = pick_assoc(slot, rng)
  if a == nil then a = 0 end
  local c = method_call("peeloff", slot, a)
  if rng.chance(ctx.bad_rate) then c.a[2], c.bad = rng.pick({ "x", true }), "assoc" end
  return c
end

function G.setopts(ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  local opts = rng.pick(GOOD_OPTS)(rng)
  local c = method_call("setopts", slot, opts)
  if rng.chance(ctx.bad_rate) then
    if rng.chance(0.2) then c.a[2], c.bad = 5, "opts"
    else
      local o, name = rng.pick(BAD_OPTS)()
      c.a[2], c.bad = o, name
    end
  end
  return c
end

function G.getopts(ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  local names = {}
  for i = 1, rng.range(1, 3) do names[i] = rng.pick(GETOPT_NAMES) end
  if rng.chance(0.2) then
    local a = pick_assoc(slot, rng)
    names.sctp_status = { assoc_id = assoc_id_of(a) or 0 }
  end
  local c = method_call("getopts", slot, names)
  if rng.chance(ctx.bad_rate) then
    local r = rng.int(3)
    if r == 1 then c.a[2], c.bad = 5, "names"
    elseif r == 2 then names[#names + 1] = "nosuch_opt"; c.bad = "nosuch_opt"
    else names[#names + 1] = 7; c.bad = "names" end
  end
  return c
end

function G.bindx(ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  local c = method_call("bindx", slot, { LOCAL }, rng.pick({ "add", "remove" }))
  if rng.chance(ctx.bad_rate * 2) then
    if rng.chance(0.6) then c.a[2], c.bad = LOCAL, "addrs"   -- a string, not an array
    else c.a[3], c.bad = rng.pick({ "x", true }), "op" end
  end
  return c
end

function G.close(ctx, rng)
  local slot = pick_slot(ctx, rng)
  if not slot then return nil end
  return method_call("close", slot)
end

-------------------------------------------------------------------------------
-- Checking one step.

-- The expected shape of a success; returns nil when fine, else what is wrong.
local function check_success(c, r)
  local v, op = r[1], c.op
  if op == "open" or op == "accept" or op == "peeloff" then
    if type(v) ~= "userdata" then return "expected a socket" end
  elseif op == "connect" then
    if type(v) ~= "table" or v.event ~= "assoc_change" or v.state ~= "comm_up" or not is_int(v.assoc_id) then
      return "expected the comm_up assoc_change"
    end
  elseif op == "connectx_init" or op == "sendx" then
    if not is_int(v) then return "expected an assoc_id" end
  elseif op == "recv" then
    if type(v) ~= "string" or not is_int(r[2]) or type(r[3]) ~= "table" then
      return "expected from_ip, from_port, ancdata, data"
    end
    local d = r[4]
    if type(d) ~= "string" and type(d) ~= "table" then return "expected data" end
  elseif op == "recv_many" then
    if type(v) ~= "table" or #v < 1 or #v > c.a[2] then return "expected 1..max messages" end
    for _, m in ipairs(v) do
      if type(m) ~= "table" or type(m[1]) ~= "string" or not is_int(m[2]) or type(m[3]) ~= "table" then
        return "expected {from_ip, from_port, ancdata, data} entries"
      end
    end
  elseif op == "getopts" then
    if type(v) ~= "table" then return "expected a table of options" end
  else
    if v ~= true then return "expected true" end
  end
  return nil
end

-- Returns nil, or the kind of finding and what was wrong.
local function check(ctx, c, ok, r)
  local fname = c.fname or c.op
  if not ok then
    local msg = tostring(r)
    if not c.bad then
      return "raised with valid arguments", msg
    end
    local prefix = SRC .. ":" .. INVOKE_LINE .. ": sctp: " .. fname .. ": "
    if msg:sub(1, #prefix) ~= prefix then
      return "argument error not at the caller's line or not naming " .. fname,
        "expected a message starting " .. H.show(prefix) .. ", got " .. H.show(msg)
    end
    local rest = msg:sub(#prefix + 1)
    if not names_word(rest, c.bad) then
      return "argument error does not name the bad argument",
        "expected " .. H.show(c.bad) .. " in " .. H.show(msg)
    end
    -- "bad argument 'arg' (where: problem)": the bad one is the argument,
    -- or named inside it ("field 'stream'", "option 'x'", "entry 3: data: ")
    local named, inside = rest:match("bad argument '([^']*)' %((.*)%)$")
    if named and named ~= c.bad and not (inside:find("'" .. c.bad .. "'", 1, true)
        or inside:find("^" .. c.bad .. ": ") or inside:find(": " .. c.bad .. ": ", 1, true)) then
      return "argument error names the wrong argument",
        "bad argument is " .. H.show(c.bad) .. ", message names " .. H.show(named) .. ": " .. H.show(msg)
    end
    return nil
  end
  local closed = c.slot and c.slot.closed
  if c.bad then
    -- a closed socket may answer "closed" before looking at its arguments
    if closed and r[1] == nil and r[2] == "closed" then return nil end
    return "invalid argument accepted", "argument " .. H.show(c.bad) .. " was invalid"
  end
  if r[1] == nil or r[1] == false then
    if r[1] == false then return "false returned", "a failure must be nil, err, detail" end
    local err, detail = r[2], r[3]
    if type(err) ~= "string" or not ALLOWED[err] then
      return "undocumented failure name", "err " .. H.show(err) .. " (detail " .. H.show(detail) .. ")"
    end
    if type(detail) ~= "string" or detail == "" then
      return "failure without a detail", "err " .. H.show(err) .. ", detail " .. H.show(detail)
    end
    if WAITING_OPS[c.op] and err == "eagain" then
      return "a wait reported eagain", "expected timeout, got eagain (" .. detail .. ")"
    end
    if closed and c.op ~= "close" and err ~= "closed" then
      return "closed socket did not answer closed", "got " .. H.show(err) .. " " .. H.show(detail)
    end
    if c.op == "send_many" and r[4] ~= nil and not (is_int(r[4]) and r[4] >= 0) then
      return "send_many failure count", "sent = " .. H.show(r[4])
    end
    return nil
  end
  if closed and c.op ~= "close" then
    return "closed socket operation succeeded", "a method of a closed socket must return nil, \"closed\""
  end
  local wrong = check_success(c, r)
  if wrong then return "wrong success value", wrong end
  return nil
end

-- What a successful (or failed) step changes in the model.
local function update(ctx, c, ok, r)
  if not ok then return end
  local op, slot, v = c.op, c.slot, r[1]
  if op == "open" then
    if type(v) == "userdata" then add_slot(ctx, v, c.kind) end
  elseif op == "accept" then
    if type(v) == "userdata" then add_slot(ctx, v, "stream").accepted = true end
  elseif op == "peeloff" then
    if type(v) == "userdata" then
      local s = add_slot(ctx, v, "peeled")
      local id = assoc_id_of(c.a[2])
      add_assoc(s, id)
      drop_assoc(slot, id)
    end
  elseif op == "connect" then
    if type(v) == "table" then add_assoc(slot, v.assoc_id) end
  elseif op == "connectx_init" or op == "sendx" then
    if is_int(v) then add_assoc(slot, v) end
  elseif op == "recv" or op == "recv_many" then
    local msgs = {}
    if op == "recv" and v then msgs[1] = { v, r[2], r[3], r[4] } end
    if op == "recv_many" and type(v) == "table" then msgs = v end
    for _, m in ipairs(msgs) do
      local d = m[4]
      if type(d) == "table" and d.event == "assoc_change" then
        if d.state == "comm_up" or d.state == "restart" then add_assoc(slot, d.assoc_id)
        else drop_assoc(slot, d.assoc_id) end
      end
    end
  elseif op == "listen" then
    if v == true then slot.listening = c.a[2] ~= false end
  elseif op == "close" then
    if v == true then slot.closed = true end
  elseif op == "abort" then
    -- a one-to-one socket is aborted by closing it
    if v == true and slot.kind == "stream" then slot.closed = true end
  end
end

-------------------------------------------------------------------------------
-- Describing steps for failure messages.

local function show_value(ctx, v)
  if type(v) == "userdata" and ctx.names[v] then return ctx.names[v] end
  return H.show(v)
end

-- `closed`, `listening`: the slot's state when the call was made (the model
-- changes afterwards; steps are described only when something is reported).
local function describe_call(ctx, c, closed, listening)
  local parts = {}
  local first = (c.op == "open") and 1 or 2
  for i = first, c.a.n do parts[#parts + 1] = show_value(ctx, c.a[i]) end
  local who = c.slot and ("s" .. c.slot.id .. "(" .. c.slot.kind ..
    (closed and ",closed" or "") .. (listening and ",listening" or "") .. "):")
    or "sctp."
  return who .. c.op .. "(" .. table.concat(parts, ", ") .. ")" ..
    (c.bad and (" [invalid: " .. c.bad .. "]") or "")
end

local function describe_result(ctx, ok, r)
  if not ok then return "raised " .. H.show(tostring(r)) end
  local parts = {}
  for i = 1, math.min(r.n, 4) do parts[#parts + 1] = show_value(ctx, r[i]) end
  return "-> " .. table.concat(parts, ", ")
end

-- The ring of the last steps (kept raw; formatted only on a failure).
local TRAIL = 20

local function remember(ctx, entry)
  ctx.trail_n = ctx.trail_n + 1
  ctx.trail[(ctx.trail_n - 1) % TRAIL + 1] = entry
end

local function trail_text(ctx)
  local lines = {}
  local first = math.max(1, ctx.trail_n - TRAIL + 1)
  for i = first, ctx.trail_n do
    local e = ctx.trail[(i - 1) % TRAIL + 1]
    lines[#lines + 1] = string.format("  #%d [%s] %s %s", e.step, e.where,
      describe_call(ctx, e.c, e.closed, e.listening), describe_result(ctx, e.ok, e.r))
  end
  return table.concat(lines, "\n")
end

local function finding(ctx, kind, what, c, where)
  local key = (c and c.op or "-") .. "|" .. kind
  ctx.finding_count = ctx.finding_count + 1
  if ctx.seen[key] then
    ctx.seen[key].count = ctx.seen[key].count + 1
    return
  end
  local f = {
    kind = kind, what = what, step = c and c.step or ctx.step, where = where,
    call = c and describe_call(ctx, c, c.was_closed, c.was_listening) or "-",
    trail = trail_text(ctx), count = 1,
  }
  ctx.seen[key] = f
  ctx.findings[#ctx.findings + 1] = f
  if ctx.stop_on_finding then ctx.stopped = true end
end

-------------------------------------------------------------------------------
-- Running steps.

local function step(ctx, rng, where)
  if ctx.stopped or ctx.step >= ctx.steps then return false end
  local c
  if open_count(ctx) > MAX_OPEN then
    c = G.close(ctx, rng)
  else
    -- an operation that does not apply now (no socket yet, ...) draws again
    for _ = 1, 10 do
      local op = (#ctx.slots == 0) and "open" or pick_op(rng)
      c = G[op](ctx, rng)
      if c then break end
    end
  end
  if not c then return true end
  ctx.step = ctx.step + 1
  -- this call's number: ctx.step moves on while a coroutine waits in a call
  c.step = ctx.step
  ctx.counts[c.op] = (ctx.counts[c.op] or 0) + 1
  -- the slot's state is noted before the call: the model changes afterwards
  if c.slot then c.was_closed, c.was_listening = c.slot.closed, c.slot.listening end
  local entry = { step = c.step, where = where, c = c, closed = c.was_closed, listening = c.was_listening }
  local t0 = now()
  local ok, r = protected_call(invoke, c.f, c.a)
  local took = now() - t0
  -- the spec of the driver fabricates wrong outcomes here (opts.tamper)
  if ctx.tamper then ok, r = ctx.tamper(ctx, c, ok, r) end
  entry.ok, entry.r = ok, r
  remember(ctx, entry)
  local kind, what = check(ctx, c, ok, r)
  -- nothing waits longer than its timeout (<= 200 ms here) by much: a step
  -- that takes seconds is a hang in the making
  if not kind and took > ctx.slow_step then
    kind, what = "step took too long", string.format("%.1f s (every timeout is <= 0.2 s)", took)
  end
  if ok and r[1] == nil then ctx.fails = ctx.fails + 1 end
  if not ok then ctx.raises = ctx.raises + 1 end
  update(ctx, c, ok, r)
  if kind then finding(ctx, kind, what, c, where) end
  prune(ctx)
  return true
end

-- The descriptor count must be the base plus the sockets held (on the main
-- thread only: a close under a cqueues waiter finishes once it wakes).
local function check_fds(ctx, where)
  local n = N.fd_count()
  local want = ctx.fd_base + open_count(ctx)
  if n ~= want then
    finding(ctx, "descriptor count", string.format("%d descriptors, expected %d (base %d + %d open sockets)",
      n, want, ctx.fd_base, open_count(ctx)), nil, where)
    ctx.fd_base = n - open_count(ctx)   -- report each change once
  end
end

local function plain_segment(ctx, rng, len)
  for _ = 1, len do
    if not step(ctx, rng, "plain") then return end
    if ctx.step % ctx.fd_every == 0 then check_fds(ctx, "plain") end
  end
end

local function cqueues_segment(ctx, rng, len)
  local cqueues = ctx.cqueues
  local workers = rng.range(1, 3)
  local done = 0
  local base_seed = rng.int(2147483646)
  for w = 1, workers do
    local wrng = new_rng(base_seed + w)
    local where = "cq" .. workers .. "/" .. w
    ctx.cq:wrap(function()
      for _ = 1, floor(len / workers) do
        if not step(ctx, wrng, where) then break end
      end
      done = done + 1
    end)
  end
  local ok, err = ctx.cq:loop(ctx.loop_timeout)
  if not ok then
    finding(ctx, "cqueues loop failed", tostring(err), nil, "cq" .. workers)
    -- a broken controller cannot be trusted for the rest of the run
    ctx.cq = cqueues.new()
  elseif done < workers then
    finding(ctx, "cqueues loop timed out", string.format("%d of %d coroutines finished in %ds",
      done, workers, ctx.loop_timeout), nil, "cq" .. workers)
    ctx.cq = cqueues.new()
  end
end

--- Runs the driver. `opts`: seed, steps, bad_rate (0..1), stop_on_finding,
-- fd_every (steps between descriptor checks), deadline (H.now() value after
-- which it stops early: the report says so), slow_step (seconds; a step that takes
-- longer is a finding), tamper (function(ctx, call, ok, result) -> ok,
-- result: replaces what the library answered, for the driver's own spec).
-- Returns a report: seed, steps done, findings, counts, seconds.
function M.run(opts)
  local seed = opts.seed
  local rng = new_rng(seed)
  local has_cq, cqueues = pcall(require, "cqueues")
  local ctx = {
    seed = seed, steps = opts.steps, step = 0, slots = {}, next_id = 0,
    names = setmetatable({}, { __mode = "k" }), dead_ports = {},
    bad_rate = opts.bad_rate or 0.15, trail = {}, trail_n = 0,
    findings = {}, seen = {}, finding_count = 0, counts = {}, fails = 0, raises = 0,
    stop_on_finding = opts.stop_on_finding, fd_every = opts.fd_every or 10,
    cqueues = has_cq and cqueues or nil, loop_timeout = opts.loop_timeout or 120,
    tamper = opts.tamper,
    slow_step = opts.slow_step or SLOW_STEP,
  }
  ctx.spare_port = H.free_port(LOCAL)
  collectgarbage()
  local fd_start = N.fd_count()
  if ctx.cqueues then ctx.cq = cqueues.new() end
  ctx.fd_base = N.fd_count()
  local t0, c0 = H.now(), os.clock()
  while ctx.step < ctx.steps and not ctx.stopped do
    if opts.deadline and H.now() > opts.deadline then ctx.out_of_time = true; break end
    local len = rng.range(100, 1000)
    if ctx.cqueues and rng.chance(0.5) then
      cqueues_segment(ctx, rng, len)
    else
      plain_segment(ctx, rng, len)
    end
    check_fds(ctx, "between segments")
  end
  -- the end: everything closed, nothing left open
  for _, s in ipairs(ctx.slots) do
    if not s.closed then s.sock:close(); s.closed = true end
  end
  ctx.slots = {}
  ctx.cq = nil
  collectgarbage(); collectgarbage()
  local fd_end = N.fd_count()
  -- the cqueues controller is collected too: back to the count before it
  if fd_end ~= fd_start then
    finding(ctx, "descriptors leaked", string.format("%d descriptors at the end, %d before the run",
      fd_end, fd_start), nil, "end")
  end
  return {
    seed = seed, steps = ctx.step, findings = ctx.findings, counts = ctx.counts,
    finding_count = ctx.finding_count, fails = ctx.fails, raises = ctx.raises,
    seconds = H.now() - t0, cpu = os.clock() - c0, out_of_time = ctx.out_of_time,
  }
end

-- A seed from the environment (replay) or from the clock.
function M.seed_from_env()
  local s = os.getenv("SCTP_RANDOM_SEED")
  if s and s ~= "" then
    local n = tonumber(s)
    if not n or n ~= floor(n) or n < 0 then error("SCTP_RANDOM_SEED must be a whole number, got " .. s) end
    return n, true
  end
  local t = os.time() + floor((sctp.gettime() % 1) * 1e6)
  return t % 2147483646, false
end

--- The failure text of a report (nil when nothing was found).
function M.format(report, replay_cmd)
  if #report.findings == 0 then return nil end
  local out = { string.format("random_ops: %d finding(s) (%d failed checks) in %d steps, seed %d\n" ..
    "replay: SCTP_RANDOM_SEED=%d SCTP_RANDOM_STEPS=%d %s",
    #report.findings, report.finding_count, report.steps, report.seed,
    report.seed, report.steps, replay_cmd or "tools/run-tests -- spec/random_ops_spec.lua") }
  for i, f in ipairs(report.findings) do
    out[#out + 1] = string.format("\n[%d] %s (seen %d time(s)), first at step %d [%s], seed %d\n" ..
      "  call: %s\n  %s\n  last steps:\n%s",
      i, f.kind, f.count, f.step, tostring(f.where), report.seed, f.call, tostring(f.what), f.trail)
  end
  return table.concat(out, "\n")
end

M.new_rng = new_rng
M.check = check   -- for the spec of the checker itself
return M
