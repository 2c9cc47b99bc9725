-- sock:sendx(addrs, port, sndrcvinfo, data): sending to a peer given by its
-- addresses, the association being set up implicitly when there is none.

local H = require "helper"
local sctp = require "sctp"

local function is_id(v)
  return type(v) == "number" and v == math.floor(v) and v > 0
end

describe("sock:sendx", function()
  after_each(H.cleanup)

  it("sets up an association to a new peer and returns its assoc_id", function()
    local server = H.server()
    local client = H.client()
    local id = client:sendx({ "127.0.0.1" }, H.port_of(server), { stream = 1, ppid = 5 }, "hello")
    assert.is_true(is_id(id), "sendx returned " .. H.show(id))
    -- the peer sees the association come up, then the data
    local up = H.expect_event(server, "assoc_change", "comm_up")
    local ip, port, anc, data = H.expect_data(server)
    assert.equal("hello", data)
    assert.equal("127.0.0.1", ip)
    assert.equal(H.port_of(client), port)
    local info = H.info(anc)
    assert.equal(1, info.stream)
    assert.equal(5, info.ppid)
    assert.equal(up.assoc_id, info.assoc_id)
    -- the sender gets its comm_up from recv, for the id sendx returned
    local cup = H.await_event(client, "assoc_change", "comm_up")
    assert.equal(id, cup.assoc_id)
    -- and the association works both ways
    H.must(server:send(up.assoc_id, 0, "answer"))
    local _, _, canc, cdata = H.expect_data(client)
    assert.equal("answer", cdata)
    assert.equal(id, H.info(canc).assoc_id)
    H.must(client:send(id, 0, "by id"))
    local _, _, _, d = H.expect_data(server)
    assert.equal("by id", d)
  end)

  it("honours sctp_initmsg for the association it sets up", function()
    local server = H.server()
    local client = H.client({ sctp_initmsg = { num_ostreams = 3, max_instreams = 4 } })
    local id = H.must(client:sendx({ "127.0.0.1" }, H.port_of(server), { stream = 2 }, "three streams"))
    local cup = H.await_event(client, "assoc_change", "comm_up")
    assert.equal(id, cup.assoc_id)
    assert.equal(3, cup.outbound_streams)
    assert.equal(4, cup.inbound_streams)
    local up = H.expect_event(server, "assoc_change", "comm_up")
    assert.equal(3, up.inbound_streams)
    assert.equal(4, up.outbound_streams)
    local _, _, anc, data = H.expect_data(server)
    assert.equal("three streams", data)
    assert.equal(2, H.info(anc).stream)
  end)

  it("returns the existing association's id for a peer it already has", function()
    local server, client, assoc, sid = H.pair()
    local id = client:sendx({ "127.0.0.1" }, H.port_of(server), { stream = 0, ppid = 8 }, "known peer")
    assert.equal(assoc.assoc_id, id)
    -- no new association: the next thing the server sees is the data
    local _, _, anc, data = H.next_msg(server)
    assert.equal("known peer", data)
    assert.equal(sid, H.info(anc).assoc_id)
    assert.equal(8, H.info(anc).ppid)
    -- and again: still the same id
    assert.equal(assoc.assoc_id, client:sendx({ "127.0.0.1" }, H.port_of(server), {}, "again"))
    _, _, _, data = H.expect_data(server)
    assert.equal("again", data)
  end)

  it("reaches a multi-homed peer given as a list of addresses", function()
    local server = H.server({ ip = { "127.0.0.1", "127.0.0.2" } })
    local port = H.port_of(server)
    local client = H.client()
    local id = client:sendx({ "127.0.0.1", "127.0.0.2" }, port, { stream = 0 }, "multi")
    assert.is_true(is_id(id), "sendx returned " .. H.show(id))
    local _, _, _, data = H.expect_data(server)
    assert.equal("multi", data)
    H.await_event(client, "assoc_change", "comm_up")
    local peers = H.must(client:peernames(id))
    local ips = {}
    for _, p in ipairs(peers) do
      assert.equal(port, p[2])
      ips[#ips + 1] = p[1]
    end
    table.sort(ips)
    assert.same({ "127.0.0.1", "127.0.0.2" }, ips)
  end)

  it("with addr_over sends over the given address of an existing association", function()
    local server = H.server({ ip = { "127.0.0.1", "127.0.0.2" } })
    local port = H.port_of(server)
    local client = H.client()
    local assoc = H.must(client:connect("127.0.0.1", port, nil, H.TIMEOUT))
    local id = client:sendx({ "127.0.0.2" }, port, { stream = 0, flags = { "addr_over" } }, "via .2")
    assert.equal(assoc.assoc_id, id)
    local _, _, _, data = H.expect_data(server)
    assert.equal("via .2", data)
  end)

  it("sends an array of strings as one message", function()
    local server = H.server()
    local client = H.client()
    H.must(client:sendx({ "127.0.0.1" }, H.port_of(server), { stream = 0 }, { "gath", "ered", "" }))
    local _, _, _, data = H.expect_data(server)
    assert.equal("gathered", data)
  end)

  it("works over IPv6", function()
    local server = H.server({ family = "inet6" })
    local client = H.client({ family = "inet6" })
    local id = client:sendx({ "::1" }, H.port_of(server), { stream = 0, ppid = 6 }, "v6")
    assert.is_true(is_id(id), "sendx returned " .. H.show(id))
    local ip, _, anc, data = H.expect_data(server)
    assert.equal("v6", data)
    assert.equal("::1", ip)
    assert.equal(6, H.info(anc).ppid)
  end)

  it("to a port nobody listens on: no Lua error, and the failure arrives as events", function()
    local client = H.client()
    local port = H.free_port()
    local ok, r = pcall(function() return H.pack(client:sendx({ "127.0.0.1" }, port, { stream = 0 }, "nobody")) end)
    assert.is_true(ok, "sendx raised: " .. tostring(r))
    -- the kernel may still hold the association when sendx looks it up
    -- (an id), or it may be gone already: then econnrefused, as connect
    assert.is_true(is_id(r[1]) or (r[1] == nil and r[2] == "econnrefused"),
      "sendx returned " .. H.show(r))
    -- cant_assoc, and send_failed carrying the data, in either order
    local seen = {}
    local deadline = H.now() + H.TIMEOUT / 1000
    while not (seen.cant_assoc and seen.send_failed) and H.now() < deadline do
      local _, _, _, data = H.next_msg(client, H.ms_left(deadline))
      if data == nil then break end
      if sctp.is_event(data) and data.event == "assoc_change" then
        assert.equal("cant_assoc", data.state)
        seen.cant_assoc = true
      elseif sctp.is_event(data) and data.event == "send_failed" then
        assert.equal("nobody", data.data)
        seen.send_failed = true
      end
    end
    assert.is_true(seen.cant_assoc, "no assoc_change cant_assoc")
    assert.is_true(seen.send_failed, "no send_failed")
  end)

  it("raises for bad arguments, naming them", function()
    local server = H.server()
    local client = H.client()
    local port = H.port_of(server)
    H.raises(function() client:sendx(true, port, {}, "x") end, "sendx", "addrs", "bad argument")
    H.raises(function() client:sendx({ "127.0.0.1" }, "x", {}, "x") end, "sendx", "port", "bad argument")
    H.raises(function() client:sendx({ "127.0.0.1" }, 0, {}, "x") end, "port")
    H.raises(function() client:sendx({ "127.0.0.1" }, 70000, {}, "x") end, "port")
    H.raises(function() client:sendx({ "127.0.0.1" }, port, "info", "x") end, "sendx", "sndrcvinfo", "bad argument")
    H.raises(function() client:sendx({ "127.0.0.1" }, port, {}, true) end, "sendx", "data", "bad argument")
    H.raises(function() client:sendx({ "127.0.0.1" }, port, {}, { "ok", 5 }) end, "sendx", "data", "expected at")
    H.raises(function() client:sendx({ "127.0.0.1" }, port, { stream = -1 }, "x") end, "stream")
    H.raises(function() client:sendx({ "127.0.0.1" }, port, { bogus = 1 }, "x") end, "bogus")
    -- nothing was sent
    H.expect_quiet(server, 200)
  end)

  it("returns nil, \"closed\" on a closed socket", function()
    local server = H.server()
    local client = H.client()
    client:close()
    local v, err = client:sendx({ "127.0.0.1" }, H.port_of(server), {}, "x")
    assert.is_nil(v)
    assert.equal("closed", err)
  end)
end)
