package.path = (os.getenv("LSCTP_ROOT") or ".") .. "/lua/?.lua;" .. package.path
package.cpath = (os.getenv("LSCTP_ROOT") or ".") .. "/build/usrsctp/?.so;" .. package.cpath
local sctp = require "sctp"
local c = assert(sctp.open(0, {ip = "127.0.0.1", backend = "usrsctp"}))
local assoc = assert(c:connect("127.0.0.1", 5001, nil, 5000))
local N, msg = tonumber(arg[1]), string.rep("x", tonumber(arg[2]))
local t0 = sctp.gettime()
for i = 1, N do assert(c:send(assoc, 0, msg)) end
print("client sent", N, N / (sctp.gettime() - t0), "msg/s", os.clock(), "cpu s")
sctp.gettime()
local ok = c:eof(assoc)
local a, b, cc, d = c:recv(3000)
c:close()
