-- spec/peers/loss_sender.lua: a peer process for spec/reliability_spec.lua
-- (the lossy-link test).
--
-- Runs in another network namespace (started by nethelper's N.start_peer),
-- on the far side of a veth pair with netem loss, reordering and delay.
-- Opens a one-to-many socket, connects to the server with STREAMS outbound
-- streams and sends COUNT messages round-robin over the streams. Message i
-- goes on stream (i - 1) % STREAMS, with ppid i, and reads
-- "<stream> <seq> <i> " padded with dots to SIZE bytes, where seq counts
-- the messages of that stream from 1. Then it waits until the server has
-- acknowledged every message, shuts the association down with eof and waits
-- for shutdown_comp. One line each on stdout:
--
--   UP <assoc_id> <outbound_streams>   the association is up
--   SENT <count> <seconds>             every message was accepted by send
--   ACKED <seconds>                    the server acknowledged them all
--   DONE <seconds>                     shutdown_comp arrived
--   ERROR <text>                       something failed (exit status 1)
--
-- Usage: loss_sender.lua LOCAL_ADDR SERVER_ADDR PORT COUNT STREAMS SIZE TIMING
--   TIMING  "rto_min,rto_max,rto_initial" in ms
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local sctp = require "sctp"
local P = require "peers.common"
local out, fail = P.out, P.fail

local local_addr = assert(arg[1], "LOCAL_ADDR")
local server = assert(arg[2], "SERVER_ADDR")
local port = tonumber(arg[3])
local count = tonumber(arg[4]) or 1000
local streams = tonumber(arg[5]) or 8
local size = tonumber(arg[6]) or 64
local timing = P.split(arg[7] or "20,200,100", tonumber)

local started = sctp.gettime()
local sock, err, detail = sctp.open(0, {
  ip = local_addr,
  sndbuf = 1048576,
  recbuf = 1048576,
  sctp_initmsg = { num_ostreams = streams, max_instreams = streams },
  sctp_rtoinfo = { assoc_id = 0, min = timing[1], max = timing[2], initial = timing[3] },
})
if not sock then fail("open", err, detail) end

local assoc
assoc, err, detail = sock:connect(server, port, nil, 20000)
if not assoc then fail("connect", err, detail) end
if assoc.outbound_streams < streams then
  fail("only", assoc.outbound_streams, "outbound streams, wanted", streams)
end
out("UP", assoc.assoc_id, assoc.outbound_streams)

-- Whatever arrives meanwhile (paddr_change...) is read so that nothing is
-- left unread at the end (unread data would turn eof's close into an ABORT).
local function drain()
  while true do
    local ip, p, anc, data = sock:recv(0)
    if ip == nil then
      if p ~= "timeout" then fail("recv", p, anc) end
      return
    end
    if sctp.is_event(data) and data.event == "assoc_change" and data.state ~= "comm_up" then
      fail("association ended", data.state, data.error)
    end
  end
end

local seq = {}
for s = 0, streams - 1 do seq[s] = 0 end
local info = { assoc_id = assoc.assoc_id, stream = 0, ppid = 0 }
for i = 1, count do
  local s = (i - 1) % streams
  seq[s] = seq[s] + 1
  local head = s .. " " .. seq[s] .. " " .. i .. " "
  local data = head
  if #head < size then data = head .. string.rep(".", size - #head) end
  info.stream, info.ppid = s, i
  local ok
  ok, err, detail = sock:send(info, data)
  if not ok then fail("send", i, err, detail) end
  if i % 256 == 0 then drain() end
end
out("SENT", count, string.format("%.2f", sctp.gettime() - started))

-- Wait until the server has acknowledged everything before shutting down.
-- (While a SHUTDOWN is pending Linux no longer resets the error counters on
-- the acknowledgements of zero-window probes: a receiver that keeps its
-- window closed for long then gets the association aborted after 5 * rto_max.
-- Here the receiver is a Lua loop checking every message, often slower than
-- this sender.) Subscribing to sender_dry_event now, after the last send,
-- gives one event as soon as nothing is queued or unacknowledged (at once
-- if that is already so).
local ok
ok, err, detail = sock:setopts { sctp_events = { sender_dry_event = true } }
if not ok then fail("subscribe sender_dry_event", err, detail) end
local dry_by = sctp.gettime() + 60
while true do
  local ip, p, anc, data = sock:recv(P.ms_left(dry_by))
  if ip == nil then fail("waiting for sender_dry_event:", p, anc) end
  if sctp.is_event(data) then
    if data.event == "sender_dry_event" and data.assoc_id == assoc.assoc_id then break end
    if data.event == "assoc_change" then fail("association ended", data.state, data.error) end
  end
end
out("ACKED", string.format("%.2f", sctp.gettime() - started))

ok, err, detail = sock:eof(assoc)
if not ok then fail("eof", err, detail) end
local deadline = sctp.gettime() + 60
while sctp.gettime() < deadline do
  local ip, p, anc, data = sock:recv(P.ms_left(deadline))
  if ip == nil then fail("recv after eof", p, anc) end
  if sctp.is_event(data) and data.event == "assoc_change" then
    if data.state == "shutdown_comp" then
      out("DONE", string.format("%.2f", sctp.gettime() - started))
      sock:close()
      os.exit(0)
    end
    fail("association ended", data.state, data.error)
  end
end
fail("no shutdown_comp after eof")
