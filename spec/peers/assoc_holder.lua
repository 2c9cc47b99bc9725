-- spec/peers/assoc_holder.lua: a peer process for spec/reliability_spec.lua
-- (the peer killed with SIGKILL).
--
-- Opens N one-to-many sockets, each with one association to the server
-- (so the server sees N associations from this process), sends "hello <i>"
-- on each and waits for the server's "welcome <i>". Then it prints READY and
-- stops reading its associations: it sleeps in a recv on a spare socket that
-- nothing is ever sent to, until it is killed (or LIMIT seconds pass).
-- Whatever the server sends afterwards stays unread in the kernel.
--
--   PID <pid>            its own process id (the one to kill)
--   UP <i> <local port>  association i is up
--   READY                every association said hello and got its welcome
--   ERROR <text>         something failed (exit status 1)
--
-- Usage: assoc_holder.lua SERVER_ADDR PORT N LIMIT [LOCAL_ADDR [TIMING]]
--   LOCAL_ADDR  address to bind (default 127.0.0.1)
--   TIMING      "rto_min,rto_max,rto_initial,hbinterval,pathmaxrxt"
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local sctp = require "sctp"
local P = require "peers.common"
local out, fail = P.out, P.fail

local server = assert(arg[1], "SERVER_ADDR")
local port = tonumber(arg[2])
local n = tonumber(arg[3]) or 2
local limit = tonumber(arg[4]) or 30
local local_addr = arg[5] or "127.0.0.1"
local opts = { ip = local_addr }
if arg[6] then
  local t = P.split(arg[6], tonumber)
  opts.sctp_rtoinfo = { assoc_id = 0, min = t[1], max = t[2], initial = t[3] }
  opts.sctp_peer_addr_params = { assoc_id = 0, hbinterval = t[4], pathmaxrxt = t[5],
                                 flags = { "hb_enable" } }
end

local f = io.open("/proc/self/stat")
local pid = f and f:read("*l"):match("^(%d+)")
if f then f:close() end
out("PID", tostring(pid))

local socks, assocs = {}, {}
for i = 1, n do
  local s, err, detail = sctp.open(0, opts)
  if not s then fail("open", err, detail) end
  local assoc
  assoc, err, detail = s:connect(server, port, nil, 10000)
  if not assoc then fail("connect", i, err, detail) end
  socks[i], assocs[i] = s, assoc
  out("UP", i, s:socknames()[1][2])
  local ok
  ok, err, detail = s:send(assoc, 0, "hello " .. i)
  if not ok then fail("send", i, err, detail) end
end

for i = 1, n do
  local deadline = sctp.gettime() + 10
  while true do
    local ip, p, anc, data = socks[i]:recv(P.ms_left(deadline))
    if ip == nil then fail("recv", i, p, anc) end
    if not sctp.is_event(data) then
      if data ~= "welcome " .. i then fail("unexpected", i, data) end
      break
    end
  end
end
out("READY")

-- Sleep without reading the associations.
local spare = sctp.open(0, { ip = local_addr })
spare:recv(limit * 1000)
fail("not killed within", limit, "seconds")
