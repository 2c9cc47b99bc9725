-- An SCTP echo client: sends a few messages on different streams and checks
-- that each comes back. Usage: lua echo_client.lua [port] [count]
local sctp = require "sctp"

local port = tonumber(arg[1]) or 9999
local count = tonumber(arg[2]) or 5

local client = assert(sctp.open())
local assoc = assert(client:connect("127.0.0.1", port, {sctp_initmsg = {num_ostreams = 5}}, 5000))
print(("connected: assoc %d, %d outbound streams"):format(assoc.assoc_id, assoc.outbound_streams))

for i = 1, count do
  local message = ("hello #%d over SCTP"):format(i)
  local stream = (i - 1) % assoc.outbound_streams
  assert(client:send({assoc_id = assoc.assoc_id, stream = stream, ppid = 42}, message))
  local _, _, ancdata, reply
  repeat   -- skip events such as paddr_change
    _, _, ancdata, reply = assert(client:recv(5000))
  until not sctp.is_event(reply)
  assert(reply == message, "echo mismatch: " .. tostring(reply))
  print(("echoed on stream %d (ppid %d): %s"):format(ancdata[1].stream, ancdata[1].ppid, reply))
end

assert(client:eof(assoc))
client:close()
print("echo demo: OK")
