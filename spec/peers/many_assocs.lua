-- spec/peers/many_assocs.lua: a peer process for spec/reliability_spec.lua
-- (the load test: many concurrent associations on one server socket).
--
-- Opens N one-to-many sockets and starts one association from each to the
-- server with connect_init (an association is identified by its two
-- endpoints, so N associations to one server socket need N client ports).
-- On each association it then plays ROUNDS request/reply rounds: it sends
-- "<tag>-<i> <k>" and expects "ack <k>" back. When the server says "bye" it
-- shuts that association down with eof. With cqueues (lua-cqueues) each
-- association is a coroutine and the cqueues loop waits for whichever
-- socket is ready; without it one loop reads every socket without waiting
-- and naps 1 ms when none had anything. One line each on stdout:
--
--   UP <n> <seconds>        all n associations are up
--   EXCHANGED <n> <seconds> all n associations finished their rounds
--   DONE <n> <seconds> <how> all n associations are shut down (shutdown_comp);
--                           how: "cqueues" or "sweep"
--   ERROR <text>            something failed (exit status 1)
--
-- Usage: many_assocs.lua SERVER_ADDR PORT N ROUNDS TAG LIMIT [sweep|- [PORT_BASE]]
--   sweep  do not use cqueues even when it is there
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local sctp = require "sctp"
local core = require "sctp.core"
local P = require "peers.common"
local out, fail = P.out, P.fail

local server = assert(arg[1], "SERVER_ADDR")
local port = tonumber(arg[2])
local n = tonumber(arg[3]) or 100
local rounds = tonumber(arg[4]) or 2
local tag = arg[5] or "p"
local limit = tonumber(arg[6]) or 60
-- PORT_BASE: bind socket i to PORT_BASE + i - 1 instead of an ephemeral
-- port. Each usrsctp process picks its ephemeral SCTP ports on its own, so
-- two processes on one host can pick the same one (a port the kernel would
-- never give twice); the server then takes the second INIT for the first
-- association's peer
local port_base = tonumber(arg[8])

local started = sctp.gettime()
local function since() return string.format("%.2f", sctp.gettime() - started) end

local socks, st = {}, {}
for i = 1, n do
  local s, err, detail = sctp.open(port_base and port_base + i - 1 or 0, { ip = "127.0.0.1", sctp_nodelay = true })
  if not s then fail("open", i, err, detail) end
  local ok
  ok, err, detail = s:connect_init(server, port)
  if not ok then fail("connect_init", i, err, detail) end
  socks[i], st[i] = s, { round = 0 }
end

local up, exchanged, closed = 0, 0, 0

local function send(i, text)
  local ok, err, detail = socks[i]:send(st[i].assoc, i % 10, text)
  if not ok then fail("send", i, text, err, detail) end
end

local function handle(i, data)
  local s = st[i]
  if sctp.is_event(data) then
    if data.event ~= "assoc_change" then return end
    if data.state == "comm_up" then
      if s.assoc then fail("second comm_up on", i) end
      s.assoc = data.assoc_id
      up = up + 1
      if up == n then out("UP", n, since()) end
      s.round = 1
      send(i, tag .. "-" .. i .. " 1")
    elseif data.state == "shutdown_comp" and s.bye then
      s.closed = true
      closed = closed + 1
    else
      fail("association", i, "ended:", data.state, "error", data.error)
    end
    return
  end
  if data == "bye" then
    if s.round ~= rounds or s.bye then fail("early bye on", i) end
    s.bye = true
    local ok, err, detail = socks[i]:eof(s.assoc)
    if not ok then fail("eof", i, err, detail) end
    return
  end
  local k = tonumber(data:match("^ack (%d+)$"))
  if k ~= s.round then fail("association", i, "expected ack", s.round, "got", data) end
  if k < rounds then
    s.round = k + 1
    send(i, tag .. "-" .. i .. " " .. s.round)
  else
    exchanged = exchanged + 1
    if exchanged == n then out("EXCHANGED", n, since()) end
  end
end

local deadline = started + limit
local function too_late()
  fail("time limit: up", up, "exchanged", exchanged, "closed", closed, "of", n)
end

local has_cqueues, cqueues = false, nil
if arg[7] ~= "sweep" then has_cqueues, cqueues = pcall(require, "cqueues") end
local mode
if has_cqueues then
  -- one coroutine per association; the cqueues loop waits (epoll) for
  -- whichever socket is ready
  mode = "cqueues"
  local cq = cqueues.new()
  for i = 1, n do
    cq:wrap(function()
      while not st[i].closed do
        local ms = P.ms_left(deadline)
        if ms == 0 then too_late() end
        local ip, p, anc, data = socks[i]:recv(ms)
        if ip == nil then
          if p == "timeout" then too_late() end
          fail("recv", i, p, anc)
        end
        handle(i, data)
      end
    end)
  end
  local ok, err = cq:loop(limit + 1)
  if not ok then fail("cqueues", err) end
else
  -- no cqueues: read every socket without waiting, nap 1 ms when idle
  mode = "sweep"
  while closed < n do
    if sctp.gettime() > deadline then too_late() end
    local busy = false
    for i = 1, n do
      if not st[i].closed then
        while true do
          local ip, p, anc, data = socks[i]:recv(0)
          if ip == nil then
            if p ~= "timeout" then fail("recv", i, p, anc) end
            break
          end
          busy = true
          handle(i, data)
        end
      end
    end
    if not busy then core.poll(socks[n]:getfd(), "r", 1) end
  end
end
if closed < n then too_late() end
out("DONE", n, since(), mode)
for i = 1, n do socks[i]:close() end
os.exit(0)
