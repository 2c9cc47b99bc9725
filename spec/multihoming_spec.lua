-- Multi-homing: several local addresses at open (ip/ifaddr arrays), bindx
-- add/remove, connectx_init to a multi-homed peer, socknames/peernames of
-- multi-homed associations (OTP names_unihoming_*/names_multihoming_*),
-- sctp_primary_addr, sctp_set_peer_primary_addr, and paddr_change events.
--
-- 127.0.0.1 and 127.0.0.2 are both on lo, so most of this needs no set-up.
-- Two parts need root (the test VM is root): the IPv6 multi-homing names
-- (two IPv6 addresses on a dummy interface) and ASCONF (dynamic address
-- reconfiguration, needed by sctp_set_peer_primary_addr and by bindx on a
-- live association; Linux enables it with the net.sctp.addip_enable sysctl,
-- set only while the sockets are opened and restored at once).

local H = require "helper"
local N = require "nethelper"
local sctp = require "sctp"

local A1, A2, A3 = "127.0.0.1", "127.0.0.2", "127.0.0.3"

local function intersects(a, b)
  for _, x in ipairs(a) do
    for _, y in ipairs(b) do
      if x[1] == y[1] and x[2] == y[2] then return true end
    end
  end
  return false
end

local function subset(small, big)
  for _, x in ipairs(small) do
    if not intersects({ x }, big) then return false end
  end
  return true
end

-- Every element is an {ip, port} pair with this port.
local function check_names(names, port)
  assert.is_table(names)
  for _, n in ipairs(names) do
    assert.is_string(n[1])
    assert.is_number(n[2])
    if port then assert.equal(port, n[2]) end
  end
end

-- Receives until an event passes `pred`; everything else is skipped.
-- Returns the event or raises after `timeout` ms.
local function wait_event(sock, what, pred, timeout)
  local deadline = H.now() + (timeout or H.TIMEOUT) / 1000
  local seen = {}
  while true do
    local ip, port, anc, data = sock:recv(H.ms_left(deadline))
    if ip == nil then
      error("waiting for " .. what .. ": " .. tostring(port) .. "; got " .. H.show(seen), 2)
    end
    if sctp.is_event(data) and pred(data) then return data, ip, port end
    seen[#seen + 1] = data
  end
end

local function paddr(state, addr)
  return function(ev)
    return ev.event == "paddr_change" and ev.state == state and
      (addr == nil or ev.addr[1] == addr)
  end
end

-- OTP's do_names: a server on `addrs`, a client (bound to "any") connecting
-- to the first one; checks socknames and peernames on both sides, then
-- peels the server's association off and checks again.
local function do_names(family, addrs)
  local server = H.open(0, { ip = addrs, family = family })
  H.must(server:listen(true))
  local p1 = H.port_of(server)
  local client = H.open(0, { family = family })
  local cassoc = H.must(client:connect(addrs[1], p1, nil, H.TIMEOUT))
  local sassoc = H.expect_event(server, "assoc_change", "comm_up")

  local server_noassoc = H.sorted(H.must(server:socknames()))
  local server_sock = H.sorted(H.must(server:socknames(sassoc)))
  check_names(server_noassoc, p1)
  check_names(server_sock, p1)
  assert.equal(#addrs, #server_noassoc)
  assert.is_true(intersects(server_noassoc, server_sock), H.show({ server_noassoc, server_sock }))

  local client_noassoc = H.sorted(H.must(client:socknames()))
  local client_sock = H.sorted(H.must(client:socknames(cassoc)))
  assert.is_true(intersects(client_noassoc, client_sock), H.show({ client_noassoc, client_sock }))

  -- a one-to-many socket has no peer without an association
  local err = H.fails("einval", true, server:peernames())
  assert.is_true(err == "einval" or err == "enotconn", err)
  err = H.fails("einval", true, client:peernames())
  assert.is_true(err == "einval" or err == "enotconn", err)

  local server_peer = H.sorted(H.must(server:peernames(sassoc)))
  local client_peer = H.sorted(H.must(client:peernames(cassoc)))
  assert.same(server_sock, client_peer)
  assert.same(client_sock, server_peer)

  local peeled = H.track(server:peeloff(sassoc))
  local peeled_noassoc = H.sorted(H.must(peeled:socknames()))
  local peeled_sock = H.sorted(H.must(peeled:socknames(sassoc)))
  assert.is_true(subset(peeled_noassoc, peeled_sock), H.show({ peeled_noassoc, peeled_sock }))
  local peeled_peer = H.sorted(H.must(peeled:peernames(sassoc)))
  assert.equal(true, peeled:close())
  assert.same(client_peer, peeled_sock)
  assert.same(client_sock, peeled_peer)
  return server_sock, client_sock
end

describe("multi-homing", function()
  after_each(H.cleanup)

  describe("open with several addresses", function()
    it("binds every address of an ip array, all on one port", function()
      local s = H.open(0, { ip = { A1, A2 } })
      local names = H.must(s:socknames())
      check_names(names, H.port_of(s))
      assert.same({ A1, A2 }, H.ips(names))
    end)

    it("takes an ifaddr array too, and a given port", function()
      local port = H.free_port()
      local s = H.open(port, { ifaddr = { A1, A2, A3 } })
      assert.same({ { A1, port }, { A2, port }, { A3, port } }, H.sorted(H.must(s:socknames())))
    end)

    it("accepts associations on each of its addresses", function()
      local server = H.server({ ip = { A1, A2 } })
      local port = H.port_of(server)
      for _, addr in ipairs({ A1, A2 }) do
        local c = H.client()
        local assoc = H.must(c:connect(addr, port, nil, H.TIMEOUT))
        -- the client learns both addresses, the one it asked for is primary
        assert.same({ A1, A2 }, H.ips(H.must(c:peernames(assoc))))
        local prim = H.must(c:getopts { sctp_primary_addr = { assoc_id = assoc.assoc_id } })
        assert.same({ addr, port }, prim.sctp_primary_addr.addr)
      end
    end)

    it("fails (nil, err) when one of the addresses is not local", function()
      H.fails("eaddrnotavail", true, sctp.open(0, { ip = { A1, "192.0.2.77" } }))
    end)
  end)

  describe("socknames and peernames", function()
    it("agree on both sides, also after peeloff (OTP names_unihoming_ipv4)", function()
      local server_sock, client_sock = do_names("inet", { A1 })
      assert.same({ A1 }, H.ips(server_sock))
    end)

    it("agree on both sides, also after peeloff (OTP names_multihoming_ipv4)", function()
      local server_sock = do_names("inet", { A1, A2 })
      assert.same({ A1, A2 }, H.ips(server_sock))
    end)

    it("agree on both sides, also after peeloff (OTP names_unihoming_ipv6)", function()
      local server_sock = do_names("inet6", { "::1" })
      assert.same({ "::1" }, H.ips(server_sock))
    end)

    it("list every address of both ends of a multi-homed association", function()
      local server = H.server({ ip = { A1, A2 } })
      local client = H.client({ ip = { A1, A3 } })
      local sport, cport = H.port_of(server), H.port_of(client)
      local assoc = H.must(client:connect(A2, sport, nil, H.TIMEOUT))
      local sid = H.expect_event(server, "assoc_change", "comm_up").assoc_id
      assert.same({ { A1, cport }, { A3, cport } }, H.sorted(H.must(client:socknames(assoc))))
      assert.same({ { A1, sport }, { A2, sport } }, H.sorted(H.must(client:peernames(assoc))))
      assert.same({ { A1, sport }, { A2, sport } }, H.sorted(H.must(server:socknames(sid))))
      assert.same({ { A1, cport }, { A3, cport } }, H.sorted(H.must(server:peernames(sid))))
    end)

    it("fail for an association the socket does not have", function()
      local s = H.client()
      H.fails("einval", true, s:peernames(12345))
    end)

    it("return nil, \"closed\" on a closed socket", function()
      local s = H.client()
      s:close()
      H.fails("closed", false, s:socknames())
      H.fails("closed", false, s:peernames(1))
    end)
  end)

  describe("connectx_init", function()
    it("associates with a two-address peer and returns the assoc_id", function()
      local server = H.server({ ip = { A1, A2 } })
      local sport = H.port_of(server)
      local client = H.client()
      local id = H.must(client:connectx_init({ A1, A2 }, sport))
      assert.is_number(id)
      assert.is_true(id > 0)
      local up = H.expect_event(client, "assoc_change", "comm_up")
      assert.equal(id, up.assoc_id)
      assert.same({ { A1, sport }, { A2, sport } }, H.sorted(H.must(client:peernames(id))))
      local sid = H.expect_event(server, "assoc_change", "comm_up").assoc_id
      H.must(client:send(id, 0, "over connectx"))
      local _, _, anc, data = H.expect_data(server)
      assert.equal("over connectx", data)
      assert.equal(sid, H.info(anc).assoc_id)
    end)

    it("takes the peer's addresses in any order; the first is tried first", function()
      local server = H.server({ ip = { A1, A2 } })
      local sport = H.port_of(server)
      local client = H.client({ ip = { A1, A2 } })
      local id = H.must(client:connectx_init({ A2, A1 }, sport))
      H.expect_event(client, "assoc_change", "comm_up")
      local prim = H.must(client:getopts { sctp_primary_addr = { assoc_id = id } })
      assert.same({ A2, sport }, prim.sctp_primary_addr.addr)
    end)

    it("takes options and a timeout", function()
      local server = H.server({ ip = { A1, A2 } })
      local client = H.client()
      local id = H.must(client:connectx_init({ A1, A2 }, H.port_of(server),
        { sctp_nodelay = true }, H.TIMEOUT))
      assert.is_true(id > 0)
      assert.equal(true, H.must(client:getopts { "sctp_nodelay" }).sctp_nodelay)
      local up = H.expect_event(client, "assoc_change", "comm_up")
      assert.equal(id, up.assoc_id)
    end)

    it("accepts an array of one address", function()
      local server = H.server()
      local client = H.client()
      local id = H.must(client:connectx_init({ A1 }, H.port_of(server)))
      local up = H.expect_event(client, "assoc_change", "comm_up")
      assert.equal(id, up.assoc_id)
    end)

    it("reports a peer that is not there with cant_assoc for that assoc_id", function()
      local client = H.client()
      local id = H.must(client:connectx_init({ A1, A2 }, H.free_port()))
      local ev = H.expect_event(client, "assoc_change", "cant_assoc")
      assert.equal(id, ev.assoc_id)
    end)

    it("returns nil, \"closed\" on a closed socket and raises for bad arguments", function()
      local client = H.client()
      H.raises(function() client:connectx_init(42, 5000) end, "connectx_init", "addrs")
      H.raises(function() client:connectx_init({ A1 }, "port") end, "connectx_init", "port")
      client:close()
      H.fails("closed", false, client:connectx_init({ A1, A2 }, 5000))
    end)
  end)

  describe("bindx", function()
    it("adds addresses, visible in socknames with the socket's port", function()
      local s = H.client()
      local port = H.port_of(s)
      assert.equal(true, s:bindx({ A2 }, "add"))
      assert.same({ { A1, port }, { A2, port } }, H.sorted(H.must(s:socknames())))
      assert.equal(true, s:bindx({ A3 }, "add"))
      assert.same({ { A1, port }, { A2, port }, { A3, port } }, H.sorted(H.must(s:socknames())))
    end)

    it("removes addresses, visible in socknames", function()
      local s = H.open(0, { ip = { A1, A2, A3 } })
      local port = H.port_of(s)
      assert.equal(true, s:bindx({ A1 }, "remove"))
      assert.same({ { A2, port }, { A3, port } }, H.sorted(H.must(s:socknames())))
      assert.equal(true, s:bindx({ A3 }, "remove"))
      assert.same({ { A2, port } }, H.sorted(H.must(s:socknames())))
    end)

    it("makes an added address accept associations and a removed one refuse them", function()
      local server = H.server()
      local port = H.port_of(server)
      H.must(server:bindx({ A2 }, "add"))
      local c1 = H.client()
      local a1 = H.must(c1:connect(A2, port, nil, H.TIMEOUT))
      assert.same({ A1, A2 }, H.ips(H.must(c1:peernames(a1))))
      H.must(server:bindx({ A2 }, "remove"))
      local c2 = H.client()
      if H.USRSCTP then
        -- usrsctp drops an INIT to an address its endpoint no longer has
        -- (the port is still bound elsewhere) instead of answering ABORT
        H.fails("timeout", true, c2:connect(A2, port, nil, 1000))
      else
        H.fails("econnrefused", true, c2:connect(A2, port, nil, H.TIMEOUT))
      end
      -- still there on the remaining address
      local c3 = H.client()
      local a3 = H.must(c3:connect(A1, port, nil, H.TIMEOUT))
      assert.same({ { A1, port } }, H.must(c3:peernames(a3)))
    end)

    it("refuses to remove the last address, and leaves it bound", function()
      local s = H.client()
      local before = H.must(s:socknames())
      H.fails("ebusy", true, s:bindx({ A1 }, "remove"))
      assert.same(before, H.must(s:socknames()))
    end)

    it("fails with einval to remove an address that is not bound", function()
      local s = H.open(0, { ip = { A1, A2 } })
      H.fails("einval", true, s:bindx({ A3 }, "remove"))
      assert.same({ A1, A2 }, H.ips(H.must(s:socknames())))
    end)

    it("fails (nil, err) to add an address that is not local", function()
      local s = H.client()
      H.fails("eaddrnotavail", true, s:bindx({ "192.0.2.77" }, "add"))
      assert.same({ A1 }, H.ips(H.must(s:socknames())))
    end)

    it("returns nil, \"closed\" on a closed socket and raises for bad arguments", function()
      local s = H.client()
      H.raises(function() s:bindx({ A2 }, "replace") end, "bindx", "op")
      H.raises(function() s:bindx({ A2 }) end, "bindx", "op")
      H.raises(function() s:bindx(42, "add") end, "bindx", "addrs")
      s:close()
      H.fails("closed", false, s:bindx({ A2 }, "add"))
    end)
  end)

  describe("primary address", function()
    local function mh_pair()
      local server = H.server({ ip = { A1, A2 } })
      local client = H.client({ ip = { A1, A2 } })
      local assoc = H.must(client:connect(A1, H.port_of(server), nil, H.TIMEOUT))
      local sid = H.expect_event(server, "assoc_change", "comm_up").assoc_id
      return server, client, assoc, sid
    end

    it("is the address connected to, read with getopts", function()
      local server, client, assoc = mh_pair()
      local v = H.must(client:getopts { sctp_primary_addr = { assoc_id = assoc.assoc_id } })
      assert.equal(assoc.assoc_id, v.sctp_primary_addr.assoc_id)
      assert.same({ A1, H.port_of(server) }, v.sctp_primary_addr.addr)
    end)

    it("is changed with setopts: getopts, sctp_status and an addr_made_prim event show it", function()
      local server, client, assoc, sid = mh_pair()
      local sport = H.port_of(server)
      H.await_confirmed(client, assoc.assoc_id, { A2, sport })   -- usrsctp: not before
      H.must(client:setopts { sctp_primary_addr = { assoc_id = assoc.assoc_id, addr = { A2, sport } } })
      local v = H.must(client:getopts { sctp_primary_addr = { assoc_id = assoc.assoc_id } })
      assert.same({ A2, sport }, v.sctp_primary_addr.addr)
      local st = H.must(client:getopts { sctp_status = { assoc_id = assoc.assoc_id } }).sctp_status
      assert.same({ A2, sport }, st.primary.address)
      if H.USRSCTP then
        -- usrsctp tells addr_made_prim only when the peer sets it (ASCONF)
        local _, _, _, data = H.recv_until(client, function(d)
          return sctp.is_event(d) and d.event == "paddr_change" and d.state == "addr_made_prim"
        end, 300)
        assert.is_nil(data and data.state == "addr_made_prim" or nil, "usrsctp told addr_made_prim")
      else
        local ev = wait_event(client, "addr_made_prim", paddr("addr_made_prim"))
        assert.same({ A2, sport }, ev.addr)
        assert.equal(assoc.assoc_id, ev.assoc_id)
        assert.is_number(ev.error)
      end
      -- traffic still flows
      H.must(client:send(assoc, 0, "via the new primary"))
      local _, _, _, data = H.expect_data(server)
      assert.equal("via the new primary", data)
    end)

    it("fails with einval for an address the peer does not have", function()
      local server, client, assoc = mh_pair()
      H.fails("einval", true, client:setopts { sctp_primary_addr =
        { assoc_id = assoc.assoc_id, addr = { A3, H.port_of(server) } } })
    end)
  end)

  describe("paddr_change", function()
    it("confirms the peer's other address after comm_up: addr_confirmed with its fields", function()
      local server = H.server({ ip = { A1, A2 } })
      local client = H.client()
      local sport = H.port_of(server)
      local assoc = H.must(client:connect(A1, sport, nil, H.TIMEOUT))
      local ev, ip, port = wait_event(client, "addr_confirmed for " .. A2, paddr("addr_confirmed", A2))
      assert.equal("paddr_change", ev.event)
      assert.same({ A2, sport }, ev.addr)
      assert.equal(assoc.assoc_id, ev.assoc_id)
      assert.is_number(ev.error)
      assert.is_string(ip)
      assert.equal(sport, port)
      -- now both paths are active
      for _, a in ipairs({ A1, A2 }) do
        local info = H.must(client:getopts { sctp_get_peer_addr_info =
          { assoc_id = assoc.assoc_id, address = { a, sport } } }).sctp_get_peer_addr_info
        assert.equal("active", info.state)
      end
    end)
  end)
end)

-------------------------------------------------------------------------------
-- Needs root: ASCONF sysctls, a dummy interface for a second IPv6 address.
-------------------------------------------------------------------------------

local why_not = N.root_net_unavailable()

local function it_root(name, fn)
  if why_not then pending(name .. " (" .. why_not .. ")") else it(name, fn) end
end

-- Runs fn(server, client, assoc, server_assoc_id) with a multi-homed pair of
-- one-to-many sockets, with ASCONF on (or off): the sysctls must stay so
-- while the association is set up (without AUTH, Linux refuses an ASCONF
-- capable INIT unless addip_noauth_enable is on) and while ASCONF chunks
-- come in; they are restored when fn returns or fails.
local function with_asconf(on, fn)
  N.with_sysctls({ ["net.sctp.addip_enable"] = on and 1 or 0,
                   ["net.sctp.addip_noauth_enable"] = on and 1 or 0 }, function()
    local server = H.server({ ip = { A1, A2 } })
    local client = H.client({ ip = { A1, A2 } })
    local assoc = H.must(client:connect(A1, H.port_of(server), nil, H.TIMEOUT))
    local sid = H.expect_event(server, "assoc_change", "comm_up").assoc_id
    fn(server, client, assoc, sid)
  end)
end

-- #kernel: net.sctp.addip_* sysctls
describe("multi-homing with ASCONF (net.sctp.addip_enable) #kernel", function()
  after_each(H.cleanup)

  it_root("sctp_set_peer_primary_addr makes the peer use our address as its primary", function()
    with_asconf(true, function(server, client, assoc, sid)
      local cport = H.port_of(client)
      H.must(client:setopts { sctp_set_peer_primary_addr =
        { assoc_id = assoc.assoc_id, addr = { A2, cport } } })
      local ev = wait_event(server, "addr_made_prim", paddr("addr_made_prim"))
      assert.same({ A2, cport }, ev.addr)
      assert.equal(sid, ev.assoc_id)
      local v = H.must(server:getopts { sctp_primary_addr = { assoc_id = sid } })
      assert.same({ A2, cport }, v.sctp_primary_addr.addr)
    end)
  end)

  it_root("sctp_set_peer_primary_addr fails (nil, err, not a Lua error) without ASCONF", function()
    with_asconf(false, function(server, client, assoc)
      H.fails("eperm", true, client:setopts { sctp_set_peer_primary_addr =
        { assoc_id = assoc.assoc_id, addr = { A2, H.port_of(client) } } })
    end)
  end)

  it_root("bindx on a live association tells the peer: addr_added, then addr_removed", function()
    with_asconf(true, function(server, client, assoc, sid)
      local cport = H.port_of(client)
      assert.equal(true, client:bindx({ A3 }, "add"))
      assert.same({ A1, A2, A3 }, H.ips(H.must(client:socknames())))
      local ev = wait_event(server, "addr_added", paddr("addr_added", A3))
      assert.same({ A3, cport }, ev.addr)
      assert.equal(sid, ev.assoc_id)
      assert.same({ A1, A2, A3 }, H.ips(H.must(server:peernames(sid))))

      assert.equal(true, client:bindx({ A3 }, "remove"))
      assert.same({ A1, A2 }, H.ips(H.must(client:socknames())))
      ev = wait_event(server, "addr_removed", paddr("addr_removed", A3))
      assert.same({ A3, cport }, ev.addr)
      assert.equal(sid, ev.assoc_id)
      assert.same({ A1, A2 }, H.ips(H.must(server:peernames(sid))))
      -- the association carries on
      H.must(client:send(assoc, 0, "after bindx"))
      local _, _, _, data = H.expect_data(server)
      assert.equal("after bindx", data)
    end)
  end)
end)

-- #kernel: a dummy link (the VM has them, this host kernel not)
describe("multi-homing over IPv6 (a dummy interface with two 2001:db8:: addresses) #kernel", function()
  local dummy
  local V1, V2 = "2001:db8:5c7b::1", "2001:db8:5c7b::2"

  lazy_setup(function()
    if why_not then return end
    dummy = N.unique("lsmh")
    N.add_dummy(dummy, { V1 .. "/64", V2 .. "/64" })
  end)

  lazy_teardown(function()
    H.cleanup()
    N.teardown()
  end)

  after_each(H.cleanup)

  it_root("socknames and peernames agree on both sides, also after peeloff (OTP names_multihoming_ipv6)", function()
    local server_sock = do_names("inet6", { V1, V2 })
    assert.same({ V1, V2 }, H.ips(server_sock))
  end)

  it_root("connectx_init reaches a peer on two IPv6 addresses", function()
    local server = H.server({ family = "inet6", ip = { V1, V2 } })
    local sport = H.port_of(server)
    local client = H.client({ family = "inet6", ip = { V1, V2 } })
    local id = H.must(client:connectx_init({ V2, V1 }, sport))
    local up = H.expect_event(client, "assoc_change", "comm_up")
    assert.equal(id, up.assoc_id)
    assert.same({ { V1, sport }, { V2, sport } }, H.sorted(H.must(client:peernames(id))))
    local prim = H.must(client:getopts { sctp_primary_addr = { assoc_id = id } })
    assert.same({ V2, sport }, prim.sctp_primary_addr.addr)
  end)
end)
