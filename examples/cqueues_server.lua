-- A cqueues echo server handling many clients, each in its own coroutine
-- with its own association; run with a count to also start that many
-- clients in the same loop and check every echo.
-- Usage: lua cqueues_server.lua [clients] [messages_per_client]
local cqueues = require "cqueues"
local sctp = require "sctp"

local CLIENTS = tonumber(arg[1]) or 50
local MESSAGES = tonumber(arg[2]) or 5

local server = assert(sctp.open(0, {ip = "127.0.0.1"}))
assert(server:listen(true))
local port = server:socknames()[1][2]
local cq = cqueues.new()

-- The server: one coroutine for the one-to-many socket; inside a cqueues
-- coroutine recv/send yield to the loop instead of blocking.
local echoed = 0
cq:wrap(function()
  while true do
    local ip, _, ancdata, data = server:recv()
    if not ip then return end                 -- closed below
    if not sctp.is_event(data) then
      local info = ancdata[1]
      assert(server:send({assoc_id = info.assoc_id, stream = info.stream, ppid = info.ppid}, data))
      echoed = echoed + 1
    end
  end
end)

local finished = 0
for c = 1, CLIENTS do
  cq:wrap(function()
    local sock = assert(sctp.open(0, {ip = "127.0.0.1"}))
    local assoc = assert(sock:connect("127.0.0.1", port, nil, 10000))
    for m = 1, MESSAGES do
      local text = ("client %d message %d"):format(c, m)
      assert(sock:send(assoc, 0, text))
      local _, _, _, reply
      repeat _, _, _, reply = assert(sock:recv(10000)) until not sctp.is_event(reply)
      assert(reply == text, "wrong echo: " .. tostring(reply))
    end
    sock:close()
    finished = finished + 1
    if finished == CLIENTS then server:close() end
  end)
end

assert(cq:loop(60))
print(("cqueues server: %d clients, %d messages echoed"):format(finished, echoed))
assert(finished == CLIENTS and echoed == CLIENTS * MESSAGES)
