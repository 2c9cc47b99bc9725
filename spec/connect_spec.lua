-- Setting up associations on one-to-many sockets: listen, connect,
-- connect_init, and what the other side sees.

local H = require "helper"
local sctp = require "sctp"

-- An assoc_change table as the contract describes it.
local function check_assoc_change(ev, state)
  assert.is_table(ev)
  assert.is_true(sctp.is_event(ev))
  assert.equal("assoc_change", ev.event)
  assert.equal(state, ev.state)
  assert.is_number(ev.assoc_id)
  assert.is_number(ev.error)
  assert.is_number(ev.outbound_streams)
  assert.is_number(ev.inbound_streams)
end

describe("sock:listen", function()
  after_each(H.cleanup)

  it("returns true for true and for false", function()
    local s = H.client()
    assert.equal(true, s:listen(true))
    assert.equal(true, s:listen(false))
  end)

  it("is needed to accept associations: a socket that never listened refuses them", function()
    local quiet = H.client()
    local c = H.client()
    H.fails("econnrefused", true, c:connect("127.0.0.1", H.port_of(quiet), nil, H.TIMEOUT))
  end)

  it("listen(false) makes new associations fail with econnrefused", function()
    local server = H.server()
    local port = H.port_of(server)
    -- accepted while listening
    local c1 = H.client()
    H.must(c1:connect("127.0.0.1", port, nil, H.TIMEOUT))
    H.expect_event(server, "assoc_change", "comm_up")
    -- refused once listening is turned off
    assert.equal(true, server:listen(false))
    local c2 = H.client()
    H.fails("econnrefused", true, c2:connect("127.0.0.1", port, nil, H.TIMEOUT))
    -- and accepted again after listen(true)
    assert.equal(true, server:listen(true))
    local c3 = H.client()
    local assoc = H.must(c3:connect("127.0.0.1", port, nil, H.TIMEOUT))
    assert.equal("comm_up", assoc.state)
  end)
end)

describe("sock:connect", function()
  after_each(H.cleanup)

  it("returns the association: an assoc_change table with state comm_up", function()
    local server = H.server()
    local client = H.client()
    local assoc = H.must(client:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    check_assoc_change(assoc, "comm_up")
    assert.is_true(assoc.assoc_id > 0)
    assert.equal(0, assoc.error)
    assert.is_true(assoc.outbound_streams > 0)
    assert.is_true(assoc.inbound_streams > 0)
  end)

  it("gives the listening side its own comm_up event from recv", function()
    local server = H.server()
    local client = H.client()
    local assoc = H.must(client:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    local up, ip, port, anc = H.expect_event(server, "assoc_change", "comm_up")
    check_assoc_change(up, "comm_up")
    assert.is_true(up.assoc_id > 0)
    assert.is_table(anc)
    -- the streams are the two directions of the same association
    assert.equal(assoc.outbound_streams, up.inbound_streams)
    assert.equal(assoc.inbound_streams, up.outbound_streams)
  end)

  it("consumes its own comm_up: recv has nothing more for the connecting socket", function()
    local server, client = H.pair()
    local ip, err = H.next_msg(client, 300)
    assert.is_nil(ip)
    assert.equal("timeout", err)
  end)

  it("takes an opts table and a timeout", function()
    local server = H.server()
    local client = H.client()
    local assoc = H.must(client:connect("127.0.0.1", H.port_of(server), {}, H.TIMEOUT))
    check_assoc_change(assoc, "comm_up")
  end)

  it("accepts \"loopback\" as the address", function()
    local server = H.server()
    local client = H.client()
    local assoc = H.must(client:connect("loopback", H.port_of(server), nil, H.TIMEOUT))
    check_assoc_change(assoc, "comm_up")
  end)

  it("makes the association's addresses visible: socknames and peernames", function()
    local server, client, assoc, sid = H.pair()
    local sport, cport = H.port_of(server), H.port_of(client)
    -- by assoc table and by integer id
    assert.same({ { "127.0.0.1", sport } }, H.must(client:peernames(assoc)))
    assert.same({ { "127.0.0.1", sport } }, H.must(client:peernames(assoc.assoc_id)))
    assert.same({ { "127.0.0.1", cport } }, H.must(client:socknames(assoc)))
    assert.same({ { "127.0.0.1", cport } }, H.must(server:peernames(sid)))
    assert.same({ { "127.0.0.1", sport } }, H.must(server:socknames(sid)))
  end)

  it("lets one socket hold associations with several servers", function()
    local s1, s2 = H.server(), H.server()
    local client = H.client()
    local a1 = H.must(client:connect("127.0.0.1", H.port_of(s1), nil, H.TIMEOUT))
    local a2 = H.must(client:connect("127.0.0.1", H.port_of(s2), nil, H.TIMEOUT))
    assert.are_not.equal(a1.assoc_id, a2.assoc_id)
    H.must(client:send(a1, 0, "to s1"))
    H.must(client:send(a2, 0, "to s2"))
    local _, _, _, d1 = H.expect_data(s1)
    local _, _, _, d2 = H.expect_data(s2)
    assert.equal("to s1", d1)
    assert.equal("to s2", d2)
  end)

  it("fails with econnrefused (and a detail message) when nobody listens on the port", function()
    local client = H.client()
    local port = H.free_port()
    local err, detail = H.fails("econnrefused", true,
      client:connect("127.0.0.1", port, nil, H.TIMEOUT))
    assert.is_string(detail)
    -- the socket is still usable afterwards
    local server = H.server()
    local assoc = H.must(client:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    assert.equal("comm_up", assoc.state)
  end)

  it("keeps events for other associations that arrive while connecting, in order", function()
    -- A listens and also connects out. Before A's connect, C associates
    -- with A and sends two messages; A's connect to B must keep C's comm_up
    -- and data for A's later recvs, in arrival order.
    local a, b, c = H.server(), H.server(), H.client()
    local c_assoc = H.must(c:connect("127.0.0.1", H.port_of(a), nil, H.TIMEOUT))
    H.must(c:send(c_assoc, 0, "early 1"))
    H.must(c:send(c_assoc, 0, "early 2"))

    local out = H.must(a:connect("127.0.0.1", H.port_of(b), nil, H.TIMEOUT))
    check_assoc_change(out, "comm_up")
    assert.same({ { "127.0.0.1", H.port_of(b) } }, H.must(a:peernames(out)))

    local up = H.expect_event(a, "assoc_change", "comm_up")
    assert.are_not.equal(out.assoc_id, up.assoc_id)
    assert.same({ { "127.0.0.1", H.port_of(c) } }, H.must(a:peernames(up.assoc_id)))

    local ip, port, anc, data = H.next_msg(a)
    assert.equal("early 1", data)
    assert.equal(up.assoc_id, H.info(anc).assoc_id)
    ip, port, anc, data = H.next_msg(a)
    assert.equal("early 2", data)
    assert.equal(up.assoc_id, H.info(anc).assoc_id)

    -- the comm_up of A's own association was consumed by connect
    local none, err = H.next_msg(a, 300)
    assert.is_nil(none)
    assert.equal("timeout", err)

    -- B saw the association from A
    H.expect_event(b, "assoc_change", "comm_up")
  end)
end)

describe("sock:connect_init", function()
  after_each(H.cleanup)

  it("returns true, and the comm_up then arrives from recv", function()
    local server = H.server()
    local client = H.client()
    assert.equal(true, client:connect_init("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    local up, ip, port = H.expect_event(client, "assoc_change", "comm_up")
    check_assoc_change(up, "comm_up")
    assert.is_true(up.assoc_id > 0)
    local sup = H.expect_event(server, "assoc_change", "comm_up")
    -- the association works
    H.must(client:send(up.assoc_id, 0, "after connect_init"))
    local _, _, anc, data = H.expect_data(server)
    assert.equal("after connect_init", data)
    assert.equal(sup.assoc_id, H.info(anc).assoc_id)
  end)

  it("works without opts and timeout", function()
    local server = H.server()
    local client = H.client()
    assert.equal(true, client:connect_init("127.0.0.1", H.port_of(server)))
    H.expect_event(client, "assoc_change", "comm_up")
  end)

  it("reports a refused association as a cant_assoc event, not as an error", function()
    local client = H.client()
    local port = H.free_port()
    assert.equal(true, client:connect_init("127.0.0.1", port, nil, H.TIMEOUT))
    local ev = H.expect_event(client, "assoc_change", "cant_assoc")
    check_assoc_change(ev, "cant_assoc")
  end)
end)
