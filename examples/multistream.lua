-- Multi-stream messaging with payload protocol identifiers: a server and a
-- client in one script. Messages on one stream stay in order; streams do
-- not wait for each other (no head-of-line blocking across streams); the
-- ppid tells the receiver what each payload is.
-- Usage: lua multistream.lua [streams] [messages_per_stream]
local sctp = require "sctp"

local STREAMS = tonumber(arg[1]) or 4
local PER_STREAM = tonumber(arg[2]) or 5
local PPID = {text = 51, json = 53}   -- any agreed numbers; IANA keeps a registry

local server = assert(sctp.open(0, {ip = "127.0.0.1", sctp_initmsg = {max_instreams = STREAMS}}))
assert(server:listen(true))
local port = server:socknames()[1][2]

local client = assert(sctp.open(0, {ip = "127.0.0.1", sctp_initmsg = {num_ostreams = STREAMS}}))
local assoc = assert(client:connect("127.0.0.1", port, nil, 5000))
print(("association %d: %d outbound streams"):format(assoc.assoc_id, assoc.outbound_streams))

-- Interleave the streams: message k of every stream, then k+1 ...
for k = 1, PER_STREAM do
  for stream = 0, STREAMS - 1 do
    local kind = stream % 2 == 0 and "text" or "json"
    local payload = kind == "json" and ('{"stream":%d,"seq":%d}'):format(stream, k)
                                   or ("stream %d message %d"):format(stream, k)
    assert(client:send({assoc_id = assoc.assoc_id, stream = stream, ppid = PPID[kind]}, payload))
  end
end

local next_seq, received = {}, 0
for stream = 0, STREAMS - 1 do next_seq[stream] = 1 end
while received < STREAMS * PER_STREAM do
  local _, _, ancdata, data = assert(server:recv(5000))
  if not sctp.is_event(data) then
    local info = ancdata[1]
    local seq = tonumber(data:match("(%d+)%D*$"))
    assert(seq == next_seq[info.stream], ("stream %d out of order"):format(info.stream))
    next_seq[info.stream] = seq + 1
    received = received + 1
    print(("stream %d  ppid %-2d  %s"):format(info.stream, info.ppid, data))
  end
end
client:close()
server:close()
print(("multistream: %d messages on %d streams, each stream in order"):format(received, STREAMS))
