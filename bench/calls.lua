-- Cost of one send and one receive call with no waiting: the Lua side of
-- bench/calls (see bench/calls.c, which does the same in C). Besides
-- sock:send and sock:recv it times the raw C methods under them (what the
-- Lua layer adds is the difference) and the batch calls.
--
--   lua calls.lua COUNT ROUNDS  ->  "CALLS peer=lua op=recv us=..." lines
local sctp = require "sctp"
local core = require "sctp.core"

local count, rounds = tonumber(arg[1] or 3000), tonumber(arg[2] or 3)
local raw_send, raw_recv = core.methods.send, core.methods.recv

local opts = {ip = "127.0.0.1", sctp_nodelay = true, sndbuf = 4194304, recbuf = 4194304}
local server = assert(sctp.open(0, opts))
assert(server:listen(true))
local client = assert(sctp.open(0, opts))
local assoc = assert(client:connect("127.0.0.1", server:socknames()[1][2]))
assert(server:recv(1000))   -- its comm_up

local payload = ("x"):rep(64)
local info = {assoc_id = assoc.assoc_id, stream = 0}
local batch = {}
for i = 1, 64 do batch[i] = {info, payload} end

local function settle()   -- let loopback deliver what was sent
  local t = sctp.gettime()
  while sctp.gettime() - t < 0.3 do end
end

local sends = {
  send = function() for _ = 1, count do assert(client:send(info, payload)) end end,
  raw_send = function() for _ = 1, count do assert(raw_send(client, info, payload)) end end,
  send_many = function()
    for _ = 1, count / 64 do assert(client:send_many(batch)) end
  end,
}
local recvs = {
  recv = function() for _ = 1, count do assert(server:recv()) end end,
  raw_recv = function() for _ = 1, count do assert(raw_recv(server)) end end,
  recv_many = function()
    local got = 0
    while got < count do got = got + #assert(server:recv_many(64)) end
  end,
}
-- each send variant with the receive variant of its kind
local pairs_in_order = {{"send", "recv"}, {"raw_send", "raw_recv"}, {"send_many", "recv_many"}}

count = count - count % 64
for _ = 1, rounds do
  for _, p in ipairs(pairs_in_order) do
    local t0 = os.clock()
    sends[p[1]]()
    local t1 = os.clock()
    settle()
    local t2 = os.clock()
    recvs[p[2]]()
    local t3 = os.clock()
    print(("CALLS peer=lua op=%s us=%.2f"):format(p[1], (t1 - t0) * 1e6 / count))
    print(("CALLS peer=lua op=%s us=%.2f"):format(p[2], (t3 - t2) * 1e6 / count))
  end
end
