-- spec/peers/stream_client.lua: a peer process for spec/failover_spec.lua.
--
-- Runs in another network namespace (started by nethelper's N.start_peer).
-- Opens a one-to-many socket bound to several local addresses, connects to
-- the server and sends numbered messages ("msg 1", "msg 2", ...) on stream 0,
-- one every INTERVAL ms, until the server sends "stop" (or LIMIT seconds
-- pass). Then it shuts the association down with eof and waits for
-- shutdown_comp. What it does and sees goes to stdout, one line each:
--
--   UP <assoc_id>                     the association is up
--   EVENT <event> <state> <ip> <port> an event it received (paddr_change...)
--   SENT <n>                          it stopped after sending n messages
--   DONE                              shutdown_comp arrived
--   ERROR <text>                      something failed (exit status 1)
--
-- Usage: stream_client.lua LOCAL_ADDRS SERVER_ADDR PORT INTERVAL LIMIT TIMING
--   LOCAL_ADDRS  comma-separated addresses to bind
--   TIMING       "rto_min,rto_max,rto_initial,hbinterval,pathmaxrxt" (ms, count)
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local sctp = require "sctp"
local P = require "peers.common"
local out, fail = P.out, P.fail

local locals = P.split((assert(arg[1], "LOCAL_ADDRS")))
local server = assert(arg[2], "SERVER_ADDR")
local port = tonumber(arg[3])
local interval = tonumber(arg[4]) or 20
local limit = tonumber(arg[5]) or 30
local timing = P.split(arg[6] or "200,500,200,200,2", tonumber)

local sock, err, detail = sctp.open(0, {
  ip = locals,
  sctp_nodelay = true,
  sctp_rtoinfo = { assoc_id = 0, min = timing[1], max = timing[2], initial = timing[3] },
  sctp_peer_addr_params = { assoc_id = 0, hbinterval = timing[4], pathmaxrxt = timing[5],
                            flags = { "hb_enable" } },
})
if not sock then fail("open", err, detail) end

local assoc
assoc, err, detail = sock:connect(server, port, nil, 10000)
if not assoc then fail("connect", err, detail) end
out("UP", tostring(assoc.assoc_id))

local function show_event(ev)
  local addr = ev.addr or {}
  out("EVENT", ev.event, tostring(ev.state), tostring(addr[1]), tostring(addr[2]))
end

local deadline = sctp.gettime() + limit
local sent, stopped = 0, false
while not stopped and sctp.gettime() < deadline do
  sent = sent + 1
  local ok, serr, sdetail = sock:send(assoc, 0, "msg " .. sent)
  if not ok then fail("send", sent, serr, sdetail) end
  -- wait one interval, handling whatever arrives meanwhile
  local until_t = sctp.gettime() + interval / 1000
  while true do
    local ip, p, anc, data = sock:recv(P.ms_left(until_t))
    if ip == nil then
      if p ~= "timeout" then fail("recv", p, anc) end
      break
    end
    if sctp.is_event(data) then
      show_event(data)
      if data.event == "assoc_change" and data.state ~= "comm_up" then
        fail("association ended", data.state)
      end
    elseif data == "stop" then
      stopped = true
      break
    end
  end
end
out("SENT", tostring(sent))

local ok
ok, err, detail = sock:eof(assoc)
if not ok then fail("eof", err, detail) end
local done_by = sctp.gettime() + 10
while sctp.gettime() < done_by do
  local ip, p, anc, data = sock:recv(P.ms_left(done_by))
  if ip == nil then fail("recv after eof", p, anc) end
  if sctp.is_event(data) then
    show_event(data)
    if data.event == "assoc_change" and data.state == "shutdown_comp" then
      out("DONE")
      sock:close()
      os.exit(0)
    end
  end
end
fail("no shutdown_comp after eof")
