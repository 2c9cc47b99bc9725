-- One profiled workload over the loop backend (bench/profile/run), in one
-- process: a one-to-many server socket and a client socket on 127.0.0.1,
-- one association, then COUNT times the per-message path of WORKLOAD:
--
--   flood        client:send(sndrcvinfo, 64 B); server:recv()
--   flood3       client:send(assoc_id, stream, 64 B); server:recv()
--   flood_reuse  as flood, with server:recv(nil, ancdata) refilling one table
--   pingpong     client sends, the server echoes with the received
--                sndrcvinfo's assoc_id and stream, the client receives
--   batch        client:send_many(64 entries); server:recv_many(64)
--   floor        flood's loop over bench/profile/floor.c, which returns the
--                same values with no binding behind them: the least this
--                Lua pays for the contract's shapes (not the library)
--
--   build/profile/host bench/profile/workload.lua WORKLOAD COUNT
--
-- Every message is checked; a wrong answer exits 1. Prints
-- "MESSAGES n" (messages through the measured loop) at the end, or
-- "SKIP reason" with exit 0 when the API lacks what the workload needs.
local sctp = require "sctp"

local workload, count = arg[1], tonumber(arg[2] or "")
local function die(fmt, ...)
  io.stderr:write(("workload %s: " .. fmt .. "\n"):format(tostring(workload), ...))
  os.exit(1)
end
if not workload or not count or count < 1 then
  io.stderr:write("usage: host workload.lua flood|flood3|flood_reuse|pingpong|batch|floor COUNT\n")
  os.exit(2)
end
if sctp.backend ~= "loop" then die("backend is %s, not the loop backend", tostring(sctp.backend)) end

local opts = {ip = "127.0.0.1", sctp_nodelay = true, sndbuf = 4194304, recbuf = 4194304}
local server = assert(sctp.open(0, opts))
assert(server:listen(true))
local port = server:socknames()[1][2]
local client = assert(sctp.open(0, opts))
local cport = client:socknames()[1][2]
local assoc, err, detail = client:connect("127.0.0.1", port, {})
if not assoc then die("connect: %s %s", tostring(err), tostring(detail)) end
if assoc.state ~= "comm_up" then die("connect: state %s", tostring(assoc.state)) end
local cid = assoc.assoc_id

-- the server's comm_up gives its own id of the association
local ip, from_port, anc, ev = server:recv()
if not ip or not sctp.is_event(ev) or ev.event ~= "assoc_change" or ev.state ~= "comm_up" then
  die("server comm_up: %s %s", tostring(ip), tostring(from_port))
end
if from_port ~= cport or #anc ~= 0 then die("server comm_up: from port %s", tostring(from_port)) end
local sid = ev.assoc_id

local payload = ("x"):rep(64)
local info = {assoc_id = cid, stream = 0}

-- Checks one received message (from the client, on the server: peer_port
-- cport, the server's id; the other way: port, cid).
local function bad(what, a, b, c, d, want_id, want_port)
  if not a then die("%s: recv: %s %s", what, tostring(b), tostring(c)) end
  if d ~= payload then die("%s: data %s", what, type(d) == "string" and ("%q"):format(d) or tostring(d)) end
  local i = c[1]
  if not i then die("%s: no sndrcvinfo", what) end
  if i.assoc_id ~= want_id or i.stream ~= 0 or b ~= want_port or a ~= "127.0.0.1" then
    die("%s: assoc_id %s stream %s from %s:%s", what, tostring(i.assoc_id), tostring(i.stream),
        tostring(a), tostring(b))
  end
  die("%s: unexpected", what)
end

local messages = 0
local run = {}

-- tx:send(info, payload), rx:recv(), COUNT times (flood and floor)
local function flood(what, tx, rx)
  for _ = 1, count do
    local ok, e, dt = tx:send(info, payload)
    if not ok then die("send: %s %s", tostring(e), tostring(dt)) end
    local a, b, c, d = rx:recv()
    if d ~= payload or b ~= cport or c[1].assoc_id ~= sid then bad(what, a, b, c, d, sid, cport) end
  end
  messages = count
end

function run.flood() flood("flood", client, server) end

function run.flood3()
  for _ = 1, count do
    local ok, e, dt = client:send(cid, 0, payload)
    if not ok then die("send: %s %s", tostring(e), tostring(dt)) end
    local a, b, c, d = server:recv()
    if d ~= payload or b ~= cport or c[1].assoc_id ~= sid then bad("flood3", a, b, c, d, sid, cport) end
  end
  messages = count
end

function run.flood_reuse()
  -- does recv take an ancdata table to refill? (a probe message, not counted)
  assert(client:send(info, payload))
  local mine = {}
  local a, b, c, d = server:recv(nil, mine)
  if not a then die("probe: recv: %s %s", tostring(b), tostring(c)) end
  if d ~= payload then die("probe: data") end
  if not rawequal(c, mine) then
    print("SKIP recv(timeout, ancdata) does not refill the ancdata table given")
    os.exit(0)
  end
  local keep = c[1]
  for _ = 1, count do
    local ok, e, dt = client:send(info, payload)
    if not ok then die("send: %s %s", tostring(e), tostring(dt)) end
    a, b, c, d = server:recv(nil, mine)
    if d ~= payload or b ~= cport or c[1].assoc_id ~= sid then bad("flood_reuse", a, b, c, d, sid, cport) end
  end
  if c[1] ~= keep then die("the sndrcvinfo table was not reused") end
  messages = count
end

function run.pingpong()
  for _ = 1, count do
    local ok, e, dt = client:send(info, payload)
    if not ok then die("send: %s %s", tostring(e), tostring(dt)) end
    local a, b, c, d = server:recv()
    if d ~= payload or b ~= cport or c[1].assoc_id ~= sid then bad("ping", a, b, c, d, sid, cport) end
    local i = c[1]
    ok, e, dt = server:send({assoc_id = i.assoc_id, stream = i.stream}, d)
    if not ok then die("echo: %s %s", tostring(e), tostring(dt)) end
    a, b, c, d = client:recv()
    if d ~= payload or b ~= port or c[1].assoc_id ~= cid then bad("pong", a, b, c, d, cid, port) end
  end
  messages = count
end

function run.batch()
  local list = {}
  for i = 1, 64 do list[i] = {info, payload} end
  local rounds = math.ceil(count / 64)
  for _ = 1, rounds do
    local ok, e, dt = client:send_many(list)
    if not ok then die("send_many: %s %s", tostring(e), tostring(dt)) end
    local msgs, e2, dt2 = server:recv_many(64)
    if not msgs then die("recv_many: %s %s", tostring(e2), tostring(dt2)) end
    if #msgs ~= 64 then die("recv_many: %d messages, not 64", #msgs) end
    for j = 1, 64 do
      local m = msgs[j]
      if m[4] ~= payload or m[2] ~= cport or m[3][1].assoc_id ~= sid then
        bad("batch", m[1], m[2], m[3], m[4], sid, cport)
      end
    end
  end
  messages = rounds * 64
end

function run.floor()
  local floor = require "floor"
  flood("floor", floor.new(port, cid), floor.new(cport, sid))
end

if not run[workload] then die("unknown workload (flood, flood3, flood_reuse, pingpong, batch, floor)") end
run[workload]()

-- nothing may be left over
local a, b = server:recv(0)
if a or b ~= "timeout" then die("server: a message left over (%s)", tostring(b)) end
a, b = client:recv(0)
if a or b ~= "timeout" then die("client: a message left over (%s)", tostring(b)) end
assert(client:close())
assert(server:close())
print(("MESSAGES %d"):format(messages))
