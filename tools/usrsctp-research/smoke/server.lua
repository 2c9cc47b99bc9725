package.path = (os.getenv("LSCTP_ROOT") or ".") .. "/lua/?.lua;" .. package.path
package.cpath = (os.getenv("LSCTP_ROOT") or ".") .. "/build/usrsctp/?.so;" .. package.cpath
local sctp = require "sctp"
local s = assert(sctp.open(5001, {ip = "127.0.0.1", backend = "usrsctp"}))
assert(s:listen(true))
local got, t0 = 0, nil
local N = tonumber(arg[1])
while got < N do
  local a, b, c, d = s:recv(5000)
  if not a then print("server recv", b, c) break end
  if type(d) == "string" then got = got + 1; t0 = t0 or sctp.gettime() end
end
print("server got", got, got / (sctp.gettime() - t0), "msg/s")
