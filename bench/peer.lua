-- The Lua peer of the lua-sctp benchmarks (bench/README.md): the same
-- workloads as peer.c, through the public API only (require "sctp").
--
--   lua peer.lua ROLE WORKLOAD PORT SIZE COUNT BUF [BATCH]
--
-- BATCH > 0 uses the batch calls for the flood workloads when the binding
-- has them: sock:send_many(list) with BATCH entries {sndrcvinfo, data}, and
-- sock:recv_many(BATCH); it prints "na=1" when the binding lacks them.
-- Valid Lua 5.1 / LuaJIT / 5.4 code.
local sctp = require "sctp"

local role, wl = arg[1], arg[2]
local port, size, count = tonumber(arg[3]), tonumber(arg[4]), tonumber(arg[5])
local buf, batch = tonumber(arg[6]), tonumber(arg[7] or 0)
-- SCTP_BENCH_REUSE set: every recv refills one ancdata table,
-- sock:recv(nil, anc), instead of making new tables per message.
local reuse = os.getenv("SCTP_BENCH_REUSE") ~= nil
local peer = batch > 0 and "lua-batch" or reuse and "lua-reuse" or "lua"
local gettime, is_event = sctp.gettime, sctp.is_event
-- bench/icount: with SCTP_BENCH_MARK set, the client executes the marker
-- instruction (the plugin prints the instruction counts there) once its
-- association is up and once the last answer is in.
local mark = os.getenv("SCTP_BENCH_MARK") and require "icount_mark" or function() end

local function fail(what, err, detail)
  io.stderr:write(("peer.lua %s %s: %s: %s %s\n"):format(role, wl, what, tostring(err), tostring(detail)))
  os.exit(1)
end

-- CPU seconds (user, system) of this process from /proc/self/stat, and
-- the precise total from os.clock() (clock(3): CLOCK_PROCESS_CPUTIME_ID).
local function cpu()
  local f = io.open("/proc/self/stat")
  local s = f:read("*a")
  f:close()
  local rest = s:match("%) (.*)$")   -- the name may hold spaces
  local fields = {}
  for w in rest:gmatch("%S+") do fields[#fields + 1] = w end
  -- after the name: state is field 3, utime 14, stime 15 (ticks of 1/100 s)
  return tonumber(fields[12]) / 100, tonumber(fields[13]) / 100, os.clock()
end

local function rss()
  local f = io.open("/proc/self/statm")
  local _, resident = f:read("*n", "*n")
  f:close()
  return resident * 4096
end

local function heap()
  collectgarbage("collect")
  collectgarbage("collect")
  return collectgarbage("count") * 1024
end

local u0, s0, c0
local function result(wall, extra)
  local u1, s1, c1 = cpu()
  -- usr/sys split as /proc reports it, scaled to the precise total
  local tot = c1 - c0
  local tu, ts = u1 - u0, s1 - s0
  local usr = tu + ts > 0 and tot * tu / (tu + ts) or tot
  -- context switches: the whole run, set-up is a few
  local f = io.open("/proc/self/status")
  local status = f:read("*a")
  f:close()
  local vcsw = status:match("\nvoluntary_ctxt_switches:%s*(%d+)") or "0"
  local ivcsw = status:match("\nnonvoluntary_ctxt_switches:%s*(%d+)") or "0"
  print(("RESULT peer=%s role=%s wl=%s count=%d wall=%.6f usr=%.6f sys=%.6f vcsw=%s ivcsw=%s%s")
        :format(peer, role, wl, count, wall, usr, tot - usr, vcsw, ivcsw, extra and " " .. extra or ""))
  io.stdout:flush()
end

local opts = {ip = "127.0.0.1", sctp_nodelay = true, sndbuf = buf, recbuf = buf,
              buffer = size + 65536}

local function open(p)
  local sock, err, detail = sctp.open(p, opts)
  if not sock then fail("open", err, detail) end
  return sock
end

-- The next data message: data, sndrcvinfo (events are skipped).
local reused = reuse and {} or nil
local function recv_data(sock)
  while true do
    local ip, _, anc, data = sock:recv(nil, reused)
    if not ip then fail("recv", _, anc) end
    if not is_event(data) then return data, anc[1] end
  end
end

local function send(sock, info, data)
  local ok, err, detail = sock:send(info, data)
  if not ok then fail("send", err, detail) end
end

local payload = ("x"):rep(size)
local has_batch = batch > 0
local methods = require("sctp.core").methods
if has_batch and not (methods.send_many and methods.recv_many) then
  -- the binding has no batch calls: say so (the server still says READY
  -- so that the runner does not wait for it)
  if role == "server" then print("READY") end
  print(("RESULT peer=%s role=%s wl=%s count=%d na=1"):format(peer, role, wl, count))
  os.exit(0)
end

if role == "server" then
  local sock = open(port)
  assert(sock:listen(true))
  local rss0, heap0 = rss(), heap()
  print("READY")
  io.stdout:flush()
  u0, s0, c0 = cpu()
  if wl == "many" then
    local last
    for _ = 1, count do
      local data, info = recv_data(sock)
      if data:byte(1) == 76 then last = info.assoc_id end   -- "L"
    end
    local extra = ("rss=%d heap=%d"):format(rss() - rss0, heap() - heap0)
    send(sock, {assoc_id = last, stream = 0}, "k")
    result(0, extra)
  elseif wl == "pingpong" then
    local out = {assoc_id = 0, stream = 0}
    for _ = 1, count do
      local data, info = recv_data(sock)
      out.assoc_id, out.stream = info.assoc_id, info.stream
      send(sock, out, data)
    end
    result(0)
  elseif has_batch then
    -- recv_many(max) -> array of {from_ip, from_port, ancdata, data}
    local got, t0, last = 0, nil, nil
    while got < count do
      local msgs, err, detail = sock:recv_many(batch)
      if not msgs then fail("recv_many", err, detail) end
      for i = 1, #msgs do
        local m = msgs[i]
        if not is_event(m[4]) then
          got = got + 1
          last = m[3][1].assoc_id
          if not t0 then t0 = gettime() end
        end
      end
    end
    local t1 = gettime()
    send(sock, {assoc_id = last, stream = 0}, "k")
    result(t1 - t0)
  else
    local _, info = recv_data(sock)
    local t0 = gettime()
    for _ = 2, count do _, info = recv_data(sock) end
    local t1 = gettime()
    send(sock, {assoc_id = info.assoc_id, stream = 0}, "k")
    result(t1 - t0)
  end
  -- SCTP_BENCH_HOLD (bench/usrsctp.sh): the stack lives in this process
  -- (usrsctp), so it stays up, to retransmit the last answer if need be,
  -- until the runner says the client has it (a line on stdin)
  if os.getenv("SCTP_BENCH_HOLD") then io.read("*l") end
  sock:close()
else
  -- up and running: wait for the runner's go (it pins us to a CPU first)
  print("BOOTED")
  io.stdout:flush()
  io.read("*l")
  if wl == "many" then
    local socks, assocs = {}, {}
    local rss0, heap0 = rss(), heap()
    local t0 = gettime()
    u0, s0, c0 = cpu()
    mark()
    for i = 1, count do
      local sock = open(0)
      local assoc, err, detail = sock:connect("127.0.0.1", port)
      if not assoc then fail("connect", err, detail) end
      socks[i], assocs[i] = sock, assoc
      send(sock, {assoc_id = assoc.assoc_id, stream = 0},
           i == count and "L" .. payload:sub(2) or payload)
    end
    recv_data(socks[count])
    mark()
    local t1 = gettime()
    local extra = ("rss=%d heap=%d"):format(rss() - rss0, heap() - heap0)
    result(t1 - t0, extra)
    for i = 1, count do socks[i]:close() end
  else
    local sock = open(0)
    local assoc, err, detail = sock:connect("127.0.0.1", port)
    if not assoc then fail("connect", err, detail) end
    local info = {assoc_id = assoc.assoc_id, stream = 0}
    local t0 = gettime()
    u0, s0, c0 = cpu()
    mark()
    if wl == "pingpong" then
      for _ = 1, count do
        send(sock, info, payload)
        recv_data(sock)
      end
    elseif has_batch then
      -- send_many(list): entries {sndrcvinfo, data}, as send's first form
      local entry = {info, payload}
      local list = {}
      for i = 1, batch do list[i] = entry end
      local left = count
      while left > 0 do
        if left < batch then
          list = {}
          for i = 1, left do list[i] = entry end
        end
        local ok, e, d = sock:send_many(list)
        if not ok then fail("send_many", e, d) end
        left = left - #list
      end
      recv_data(sock)
    else
      for _ = 1, count do send(sock, info, payload) end
      recv_data(sock)
    end
    mark()
    result(gettime() - t0)
    sock:close()
  end
end
