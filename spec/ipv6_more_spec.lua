-- IPv6 beyond plain ::1 (spec/ipv6_spec.lua has that): mixed IPv4/IPv6
-- address lists on inet6 sockets, IPv4-mapped addresses and
-- sctp_i_want_mapped_v4_addr, one-to-one sockets and peeloff over IPv6,
-- OTP's open_multihoming_ipv4_and_ipv6_socket, and host names.
--
-- On an inet6 socket Linux reports IPv4 addresses as IPv4-mapped IPv6
-- addresses ("::ffff:127.0.0.1") while sctp_i_want_mapped_v4_addr is on (its
-- default), and as plain IPv4 ("127.0.0.1") when it is off.

local H = require "helper"
local sctp = require "sctp"

local V4, V4B, V6 = "127.0.0.1", "127.0.0.2", "::1"
local MAPPED, MAPPEDB = "::ffff:127.0.0.1", "::ffff:127.0.0.2"
-- usrsctp (docs/backend-diff-b.md): sctp_i_want_mapped_v4_addr is off by
-- default on inet6 sockets, and the local addresses of an inet6 socket read
-- plain IPv4 even with it on. PEER4: an IPv4 peer with the default, LOCAL4:
-- a local IPv4 address of an inet6 socket.
local PEER4 = H.USRSCTP and V4 or MAPPED
local LOCAL4 = H.USRSCTP and V4 or MAPPED

local function set(list)
  local t = H.copy(list)
  table.sort(t)
  return t
end

describe("IPv6 with IPv4 addresses", function()
  after_each(H.cleanup)

  describe("an inet6 socket bound to a mixed list", function()
    it("binds both families on one port; IPv4 reads back IPv4-mapped", function()
      local s = H.open(0, { family = "inet6", ip = { V6, V4 } })
      local port = H.port_of(s)
      assert.same(set { V6, LOCAL4 }, H.ips(H.must(s:socknames())))
      for _, n in ipairs(H.must(s:socknames())) do assert.equal(port, n[2]) end
    end)

    it("reads IPv4 back as IPv4 with sctp_i_want_mapped_v4_addr off", function()
      local s = H.open(0, { family = "inet6", ip = { V6, V4 }, sctp_i_want_mapped_v4_addr = false })
      assert.same(set { V6, V4 }, H.ips(H.must(s:socknames())))
    end)

    it("accepts IPv4 and IPv6 clients, and tells them apart by address", function()
      local server = H.server({ family = "inet6", ip = { V6, V4 } })
      local port = H.port_of(server)
      local c4 = H.client()
      local c6 = H.client({ family = "inet6" })
      local a4 = H.must(c4:connect(V4, port, nil, H.TIMEOUT))
      -- an IPv4 client sees only the server's IPv4 address
      assert.same({ { V4, port } }, H.must(c4:peernames(a4)))
      local a6 = H.must(c6:connect(V6, port, nil, H.TIMEOUT))
      H.must(c4:send(a4, 0, "from v4"))
      local ip, p, _, data = H.expect_data(server)
      assert.equal("from v4", data)
      assert.equal(PEER4, ip)
      assert.equal(H.port_of(c4), p)
      H.must(c6:send(a6, 0, "from v6"))
      ip, p, _, data = H.expect_data(server)
      assert.equal("from v6", data)
      assert.equal(V6, ip)
      assert.equal(H.port_of(c6), p)
    end)

    it("reports an IPv4 peer as plain IPv4 with sctp_i_want_mapped_v4_addr off", function()
      local server = H.server({ family = "inet6", ip = { V6, V4 }, sctp_i_want_mapped_v4_addr = false })
      local c4 = H.client()
      local a4 = H.must(c4:connect(V4, H.port_of(server), nil, H.TIMEOUT))
      local up, ip, port = H.expect_event(server, "assoc_change", "comm_up")
      assert.equal(V4, ip)
      assert.equal(H.port_of(c4), port)
      assert.same({ { V4, H.port_of(c4) } }, H.must(server:peernames(up.assoc_id)))
      H.must(c4:send(a4, 0, "plain"))
      ip = H.expect_data(server)
      assert.equal(V4, ip)
    end)
  end)

  describe("sctp_i_want_mapped_v4_addr", function()
    it("is a boolean option of inet6 sockets, on by default (Linux), off (usrsctp)", function()
      local s = H.open(0, { family = "inet6" })
      assert.equal(not H.USRSCTP, H.must(s:getopts { "sctp_i_want_mapped_v4_addr" }).sctp_i_want_mapped_v4_addr)
      H.must(s:setopts { sctp_i_want_mapped_v4_addr = false })
      assert.equal(false, H.must(s:getopts { "sctp_i_want_mapped_v4_addr" }).sctp_i_want_mapped_v4_addr)
      H.must(s:setopts { sctp_i_want_mapped_v4_addr = true })
      assert.equal(true, H.must(s:getopts { "sctp_i_want_mapped_v4_addr" }).sctp_i_want_mapped_v4_addr)
    end)

    it("decides how an inet6 client sees an IPv4 server", function()
      local server = H.server()
      local port = H.port_of(server)
      -- on: Linux's default; usrsctp's is off
      local on = H.client({ family = "inet6", ip = "any", sctp_i_want_mapped_v4_addr = H.USRSCTP or nil })
      local a = H.must(on:connect(V4, port, nil, H.TIMEOUT))
      assert.same({ { MAPPED, port } }, H.must(on:peernames(a)))
      H.must(on:send(a, 0, "x"))
      H.must(server:send(H.expect_event(server, "assoc_change", "comm_up").assoc_id, 0, "reply"))
      local ip, p, _, data = H.expect_data(on)
      assert.equal(MAPPED, ip)
      assert.equal(port, p)
      assert.equal("reply", data)

      local off = H.client({ family = "inet6", ip = "any", sctp_i_want_mapped_v4_addr = false })
      local b = H.must(off:connect(V4, port, nil, H.TIMEOUT))
      assert.same({ { V4, port } }, H.must(off:peernames(b)))
    end)
  end)

  describe("sctp_i_want_mapped_v4_addr on, set explicitly", function()
    it("maps IPv4 peers on both backends; local IPv4 addresses only on Linux", function()
      local server = H.server({ family = "inet6", ip = { V6, V4 }, sctp_i_want_mapped_v4_addr = true })
      local port = H.port_of(server)
      -- usrsctp copies a bound address as it is (sctp_fill_up_addresses_vrf)
      assert.same(set { V6, H.USRSCTP and V4 or MAPPED }, H.ips(H.must(server:socknames())))
      local c4 = H.client()
      local a4 = H.must(c4:connect(V4, port, nil, H.TIMEOUT))
      local up, ip = H.expect_event(server, "assoc_change", "comm_up")
      assert.equal(MAPPED, ip)
      assert.same({ { MAPPED, H.port_of(c4) } }, H.must(server:peernames(up.assoc_id)))
      H.must(c4:send(a4, 0, "m"))
      assert.equal(MAPPED, (H.expect_data(server)))
    end)
  end)

  describe("IPv4-mapped addresses given by the user", function()
    it("bind an inet6 socket to the IPv4 address", function()
      local server = H.server({ family = "inet6", ip = MAPPED })
      local port = H.port_of(server)
      assert.same({ { LOCAL4, port } }, H.must(server:socknames()))
      local c4 = H.client()
      local a = H.must(c4:connect(V4, port, nil, H.TIMEOUT))
      assert.equal("comm_up", a.state)
    end)

    it("connect an inet6 socket to an IPv4 server", function()
      local server = H.server()
      local port = H.port_of(server)
      local c = H.client({ family = "inet6", ip = "any" })
      local a = H.must(c:connect(MAPPED, port, nil, H.TIMEOUT))
      assert.same({ { PEER4, port } }, H.must(c:peernames(a)))
      local _, ip = H.expect_event(server, "assoc_change", "comm_up")
      assert.equal(V4, ip)
    end)
  end)

  describe("connectx_init with a mixed list", function()
    it("reaches a peer on ::1 and 127.0.0.1 with one association", function()
      local server = H.server({ family = "inet6", ip = { V6, V4 } })
      local port = H.port_of(server)
      local client = H.client({ family = "inet6", ip = "any" })
      local id = H.must(client:connectx_init({ V6, V4 }, port))
      local up = H.expect_event(client, "assoc_change", "comm_up")
      assert.equal(id, up.assoc_id)
      assert.same(set { V6, PEER4 }, H.ips(H.must(client:peernames(id))))
      local prim = H.must(client:getopts { sctp_primary_addr = { assoc_id = id } })
      assert.same({ V6, port }, prim.sctp_primary_addr.addr)
      local sid = H.expect_event(server, "assoc_change", "comm_up").assoc_id
      H.must(client:send(id, 0, "mixed"))
      local _, _, anc, data = H.expect_data(server)
      assert.equal("mixed", data)
      assert.equal(sid, H.info(anc).assoc_id)
    end)
  end)

  describe("bindx on an inet6 socket", function()
    it("adds an IPv4 address next to ::1 and removes ::1 again", function()
      local s = H.client({ family = "inet6" })
      local port = H.port_of(s)
      assert.equal(true, s:bindx({ V4 }, "add"))
      assert.same(H.sorted({ { V6, port }, { LOCAL4, port } }), H.sorted(H.must(s:socknames())))
      assert.equal(true, s:bindx({ V6 }, "remove"))
      assert.same({ { LOCAL4, port } }, H.must(s:socknames()))
    end)
  end)

  describe("the primary address", function()
    it("can be switched between an IPv6 and an IPv4 path", function()
      local server = H.server({ family = "inet6", ip = { V6, V4 } })
      local port = H.port_of(server)
      local client = H.client({ family = "inet6", ip = { V6, V4 } })
      local a = H.must(client:connect(V6, port, nil, H.TIMEOUT))
      local function prim()
        return H.must(client:getopts { sctp_primary_addr = { assoc_id = a.assoc_id } }).sctp_primary_addr.addr
      end
      assert.same({ V6, port }, prim())
      if H.USRSCTP then   -- (usrsctp refuses an unconfirmed path as the primary)
        assert.equal("active", H.await_confirmed(client, a.assoc_id, { V4, port }))
      end
      H.must(client:setopts { sctp_primary_addr = { assoc_id = a.assoc_id, addr = { V4, port } } })
      assert.same({ PEER4, port }, prim())
      H.must(client:setopts { sctp_primary_addr = { assoc_id = a.assoc_id, addr = { V6, port } } })
      assert.same({ V6, port }, prim())
    end)
  end)
end)

-- OTP's open_multihoming_ipv4_and_ipv6_socket: a server on a mixed list, a
-- client of the family of the address it connects to.
describe("open_multihoming_ipv4_and_ipv6_socket", function()
  after_each(H.cleanup)

  local function open_and_connect(server_addrs, connect_to)
    local server = H.server({ family = "inet6", ip = server_addrs })
    local port = H.port_of(server)
    local family = connect_to:find(":", 1, true) and "inet6" or "inet"
    local client = H.open(0, { family = family })
    local assoc = H.must(client:connect(connect_to, port, nil, H.TIMEOUT))
    assert.equal("comm_up", assoc.state)
    local up = H.expect_event(server, "assoc_change", "comm_up")
    H.must(client:send(assoc, 0, "hello " .. connect_to))
    local _, _, anc, data = H.expect_data(server)
    assert.equal("hello " .. connect_to, data)
    assert.equal(up.assoc_id, H.info(anc).assoc_id)
    server:close()
    client:close()
  end

  it("connects to the first address (bind)", function()
    open_and_connect({ V4, V6, V4B }, V4)
    open_and_connect({ V6, V4 }, V6)
  end)

  it("connects to an address that is not the first (bindx)", function()
    open_and_connect({ V6, V4 }, V4)
    open_and_connect({ V6, V4B, V4 }, V4B)
  end)
end)

describe("IPv6 one-to-one sockets and peeloff", function()
  after_each(H.cleanup)

  it("listen, accept, exchange messages and shut down over ::1", function()
    local l = H.open(0, { family = "inet6", type = "stream", ip = V6 })
    H.must(l:listen(5))
    local c = H.open(0, { family = "inet6", type = "stream", ip = V6 })
    local assoc = H.must(c:connect(V6, H.port_of(l), nil, H.TIMEOUT))
    assert.equal("comm_up", assoc.state)
    local conn = H.track(l:accept(H.TIMEOUT))
    H.expect_event(conn, "assoc_change", "comm_up")
    assert.same({ { V6, H.port_of(c) } }, H.must(conn:peernames()))
    H.must(c:send(0, 0, "six"))
    local ip, port, _, data = H.expect_data(conn)
    assert.equal(V6, ip)
    assert.equal(H.port_of(c), port)
    assert.equal("six", data)
    assert.equal(true, c:eof())
    H.expect_event(conn, "shutdown_event")
    H.expect_event(conn, "assoc_change", "shutdown_comp")
    H.fails("closed", false, conn:recv(H.TIMEOUT))
  end)

  it("peels off an IPv6 association with its names", function()
    local v6 = { family = "inet6", ip = V6 }
    local server, client, assoc, sid = H.pair(v6, v6)
    local s3 = H.track(server:peeloff(sid))
    assert.same({ { V6, H.port_of(client) } }, H.must(s3:peernames()))
    assert.same(H.must(client:peernames(assoc)), H.must(s3:socknames(sid)))
    H.must(client:send(assoc, 0, "to the peeled socket"))
    local ip, _, _, data = H.expect_data(s3)
    assert.equal(V6, ip)
    assert.equal("to the peeled socket", data)
  end)
end)

describe("host names", function()
  after_each(H.cleanup)

  it("resolve for open: localhost is 127.0.0.1 on an inet socket", function()
    local s = H.open(0, { ip = "localhost" })
    assert.same({ V4 }, H.ips(H.must(s:socknames())))
  end)

  it("resolve for open on an inet6 socket (::1 or IPv4-mapped 127.0.0.1)", function()
    local s = H.open(0, { family = "inet6", ip = "localhost" })
    local got = H.ips(H.must(s:socknames()))
    assert.equal(1, #got)
    assert.is_true(got[1] == V6 or got[1] == LOCAL4, got[1])
  end)

  it("resolve inside an address array", function()
    local s = H.open(0, { ip = { "localhost", V4B } })
    assert.same({ V4, V4B }, H.ips(H.must(s:socknames())))
  end)

  it("resolve for connect, connectx_init and bindx", function()
    local server = H.server()
    local port = H.port_of(server)
    local c1 = H.client()
    local a = H.must(c1:connect("localhost", port, nil, H.TIMEOUT))
    assert.same({ { V4, port } }, H.must(c1:peernames(a)))
    local c2 = H.client()
    local id = H.must(c2:connectx_init({ "localhost" }, port))
    assert.equal(id, H.expect_event(c2, "assoc_change", "comm_up").assoc_id)
    local s = H.open(0, { ip = V4B })
    assert.equal(true, s:bindx({ "localhost" }, "add"))
    assert.same({ V4, V4B }, H.ips(H.must(s:socknames())))
  end)

  it("that do not resolve give nil, \"nxdomain\", detail (not a Lua error)", function()
    H.fails("nxdomain", true, sctp.open(0, { ip = "no-such-host.invalid" }))
    local c = H.client()
    H.fails("nxdomain", true, c:connect("no-such-host.invalid", 5000, nil, H.TIMEOUT))
    H.fails("nxdomain", true, c:bindx({ "no-such-host.invalid" }, "add"))
  end)

  it("an IPv6 address on an inet socket fails with nil, err, detail", function()
    H.fails("eafnosupport", true, sctp.open(0, { ip = V6 }))
    local c = H.client()
    H.fails("eafnosupport", true, c:connect(V6, 5000, nil, H.TIMEOUT))
  end)
end)
