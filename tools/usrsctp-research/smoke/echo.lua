package.path = (os.getenv("LSCTP_ROOT") or ".") .. "/lua/?.lua;" .. package.path
package.cpath = (os.getenv("LSCTP_ROOT") or ".") .. "/build/usrsctp/?.so;" .. package.cpath
local sctp = require "sctp"
sctp.default_backend("usrsctp")
local server = assert(sctp.open(0, {ip = "127.0.0.1"}))
print("server", server:backend(), require("sctp").default_backend())
assert(server:listen(true))
local port = server:socknames()[1][2]
print("port", port)
local client = assert(sctp.open(0, {ip = "127.0.0.1"}))
local t0 = sctp.gettime()
local assoc, err, detail = client:connect("127.0.0.1", port, nil, 5000)
print("connect", assoc and assoc.state, err, detail, sctp.gettime() - t0)
if not assoc then os.exit(1) end
local ip, p, anc, ev = server:recv(2000)
print("server got", ip, p, ev and ev.event, ev and ev.state)
assert(client:send(assoc, 1, "hello usrsctp"))
local ip, p, anc, data = server:recv(2000)
while type(data) == "table" do for k, v in pairs(data) do io.write(k, "=", tostring(v), " ") end print() ip, p, anc, data = server:recv(2000) end
print("server data", ip, p, data, anc and anc[1] and anc[1].stream, anc and anc[1] and anc[1].assoc_id)
assert(server:send({assoc_id = anc[1].assoc_id, stream = 2, ppid = 7, flags = {"unordered"}}, "echo: " .. data))
local ip, p, anc, data = client:recv(2000)
print("client data", data, anc[1].stream, anc[1].ppid, table.concat(anc[1].flags, ","))
local n, t1 = 20000, sctp.gettime()
for i = 1, n do assert(client:send(assoc, 0, "x")) ; end
local got = 0
while got < n do local a, b, c, d = server:recv(2000); if not a then print("recv", b, c) break end; if type(d) == "string" then got = got + 1 end end
print("flood", got, n / (sctp.gettime() - t1), "msg/s")
print(client:eof(assoc))
client:close(); server:close()
print("done")
