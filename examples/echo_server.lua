-- An SCTP echo server: answers every message on the stream and with the ppid
-- it came with. Usage: lua echo_server.lua [port] [max_messages]
local sctp = require "sctp"

local port = tonumber(arg[1]) or 9999
local max_messages = tonumber(arg[2])        -- nil: serve forever

local server = assert(sctp.open(port, {ip = "127.0.0.1"}))
assert(server:listen(true))
print(("echo server listening on 127.0.0.1 port %d"):format(port))
io.stdout:flush()

local served = 0
while not max_messages or served < max_messages do
  local ip, from_port, ancdata, data = server:recv()
  if not ip then error("recv failed: " .. tostring(from_port)) end
  if sctp.is_event(data) then
    print(("event %s %s (assoc %s) from %s:%d"):format(
      data.event, data.state or "", tostring(data.assoc_id), ip, from_port))
  else
    local info = ancdata[1]
    assert(server:send({assoc_id = info.assoc_id, stream = info.stream, ppid = info.ppid}, data))
    served = served + 1
  end
  io.stdout:flush()
end
server:close()
