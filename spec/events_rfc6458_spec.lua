-- Events the RFC 6458 way: subscriptions of one association (SCTP_EVENT
-- with its id, `sctp_events = {assoc_id = id, ...}`), and the RFC 6458 form
-- of send_failed (`send_failed_event`), against the kernel's own peer.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"
local sctp = require "sctp"

local function events_of(sock, assoc_id)
  return H.getopt(sock, "sctp_events", assoc_id and { assoc_id = assoc_id } or nil)
end

-- A one-to-many server with two associations (two clients): the server's
-- ids of them, the clients and the clients' associations.
local function two_assocs()
  local server = H.server()
  local port = H.port_of(server)
  local ids, clients, assocs = {}, {}, {}
  for i = 1, 2 do
    clients[i] = H.client()
    assocs[i] = H.must(clients[i]:connect("127.0.0.1", port, nil, H.TIMEOUT))
    ids[i] = H.expect_event(server, "assoc_change", "comm_up").assoc_id
  end
  return server, ids, clients, assocs
end

-- The sender_dry events that arrive on sock within ms, by assoc_id.
local function dry_events(sock, ms)
  local seen = {}
  local deadline = H.now() + ms / 1000
  while true do
    local _, err, _, data = sock:recv(H.ms_left(deadline))
    if data == nil then
      assert.equal("timeout", err)
      return seen
    end
    if sctp.is_event(data) and data.event == "sender_dry_event" then
      seen[data.assoc_id] = (seen[data.assoc_id] or 0) + 1
    end
  end
end

describe("per-association event subscriptions", function()
  after_each(H.cleanup)

  it("sender_dry_event for one association: only it reports, the other and the endpoint stay off", function()
    local server, ids = two_assocs()
    local a, b = ids[1], ids[2]
    assert.equal(true, server:setopts({ sctp_events = { assoc_id = a, sender_dry_event = true } }))
    -- Linux reports an association that is dry when subscribed at once
    local seen = dry_events(server, 300)
    assert.equal(1, seen[a], "sender_dry of the subscribed association: " .. H.show(seen))
    assert.is_nil(seen[b], "sender_dry of the other association: " .. H.show(seen))
    local ev_a, ev_b, ev_ep = events_of(server, a), events_of(server, b), events_of(server)
    assert.equal(true, ev_a.sender_dry_event)
    assert.equal(a, ev_a.assoc_id)
    assert.equal(false, ev_b.sender_dry_event)
    assert.equal(false, ev_ep.sender_dry_event)
    assert.is_nil(ev_ep.assoc_id)
    -- the rest of a's subscriptions are the endpoint's
    assert.equal(true, ev_a.association_event)
    assert.equal(true, ev_a.data_io_event)
    -- data sent on both: only a says when its queue has emptied
    H.must(server:send({ assoc_id = a, stream = 0 }, "to a"))
    H.must(server:send({ assoc_id = b, stream = 0 }, "to b"))
    seen = dry_events(server, 500)
    assert.equal(1, seen[a], "after sending: " .. H.show(seen))
    assert.is_nil(seen[b], "after sending: " .. H.show(seen))
  end)

  it("turns an event off for one association only", function()
    local server, ids, clients, assocs = two_assocs()
    local a, b = ids[1], ids[2]
    H.must(server:setopts({ sctp_events = { assoc_id = a, shutdown_event = false } }))
    assert.equal(false, events_of(server, a).shutdown_event)
    assert.equal(true, events_of(server, b).shutdown_event)
    assert.equal(true, events_of(server).shutdown_event)
    -- both peers shut down: a shutdown_event comes for b, none for a
    local function shutdowns(i)
      H.must(clients[i]:eof(assocs[i]))
      local got = {}
      local _, _, _, data, skipped = H.recv_until(server, function(d)
        if sctp.is_event(d) and d.event == "shutdown_event" then got[#got + 1] = d.assoc_id end
        return sctp.is_event(d) and d.event == "assoc_change" and d.state == "shutdown_comp"
      end)
      -- (on a timeout recv_until gives no fifth value, and its fourth is the skipped list)
      assert.is_truthy(skipped ~= nil and data.state == "shutdown_comp", "no shutdown_comp")
      return got, data.assoc_id
    end
    local got, which = shutdowns(1)
    assert.equal(a, which)
    assert.same({}, got)
    got, which = shutdowns(2)
    assert.equal(b, which)
    assert.same({ b }, got)
  end)

  it("an association the socket does not have: nil, einval", function()
    local server = H.server()
    local ok, err = server:setopts({ sctp_events = { assoc_id = 4242, sender_dry_event = true } })
    assert.is_nil(ok)
    assert.equal("einval", err)
    local v, gerr = server:getopts({ sctp_events = { assoc_id = 4242 } })
    assert.is_nil(v)
    assert.equal("einval", gerr)
  end)

  it("raises for a bad assoc_id or a key that is no event", function()
    local server = H.server()
    H.raises(function() server:setopts({ sctp_events = { assoc_id = "x", sender_dry_event = true } }) end,
      "sctp_events", "assoc_id")
    H.raises(function() server:setopts({ sctp_events = { assoc_id = 2 ^ 40 } }) end, "sctp_events", "assoc_id")
    H.raises(function() server:getopts({ sctp_events = { assoc_id = 1.5 } }) end, "sctp_events", "assoc_id")
    H.raises(function() server:getopts({ sctp_events = { sender_dry_event = true } }) end,
      "sctp_events", "unknown field")
    H.raises(function() server:getopts({ sctp_events = "all" }) end, "sctp_events", "table expected")
    -- options read without keys say so when given some
    H.raises(function() server:getopts({ linger = { assoc_id = 1 } }) end, "linger", "takes no argument")
  end)
end)

describe("send_failed_event (RFC 6458 6.1.11)", function()
  after_each(H.cleanup)

  -- Sends to a port nobody listens on: the association fails, and the
  -- message comes back in one form of send_failed or the other.
  local function failed_send(opts)
    local client = H.client(opts)
    pcall(function()
      return client:sendx({ "127.0.0.1" }, H.free_port(),
        { stream = 2, ppid = 99, context = 7, flags = { "unordered" } }, "nobody")
    end)
    local got = {}
    local deadline = H.now() + H.TIMEOUT / 1000
    while not got.assoc_change or not (got.send_failed or got.send_failed_event) do
      local _, err, _, data = client:recv(H.ms_left(deadline))
      if data == nil then
        assert.equal("timeout", err)
        break
      end
      if sctp.is_event(data) then got[data.event] = data end
    end
    H.expect_quiet(client, 200)
    return got, client
  end

  it("subscribed: the failed message comes back in the RFC 6458 form", function()
    local got, client = failed_send({ sctp_events = { send_failure_event = false, send_failed_event = true } })
    assert.equal(true, H.must(client:getopts({ "sctp_events" })).sctp_events.send_failed_event)
    assert.equal("cant_assoc", got.assoc_change and got.assoc_change.state)
    assert.is_nil(got.send_failed)
    local ev = got.send_failed_event
    assert.is_table(ev, "no send_failed_event")
    assert.equal("nobody", ev.data)
    assert.equal(false, ev.flags, "never sent")
    assert.is_number(ev.error)
    assert.equal(got.assoc_change.assoc_id, ev.assoc_id)
    assert.equal(2, ev.info.stream)
    assert.equal(99, ev.info.ppid)
    assert.equal(7, ev.info.context)
    if H.USRSCTP then
      -- usrsctp's event for a message never cut into chunks carries only
      -- the B/E bits (sctp_notify_send_failed2): no U bit
      assert.same({}, ev.info.flags)
    else
      assert.same({ "unordered" }, ev.info.flags)
    end
    -- sndinfo has no ssn, tsn or timetolive
    assert.equal(0, ev.info.ssn)
    assert.equal(0, ev.info.timetolive)
  end)

  it("not subscribed (the default): the old send_failed form", function()
    local got, client = failed_send()
    assert.equal(false, H.must(client:getopts({ "sctp_events" })).sctp_events.send_failed_event)
    assert.is_nil(got.send_failed_event)
    assert.is_table(got.send_failed, "no send_failed")
    assert.equal("nobody", got.send_failed.data)
    assert.equal(99, got.send_failed.info.ppid)
  end)

  it("both subscribed: Linux reports the message in both forms, once each", function()
    local client = H.client({ sctp_events = { send_failed_event = true } })
    pcall(function() return client:sendx({ "127.0.0.1" }, H.free_port(), { stream = 0 }, "twice") end)
    local got = {}
    local deadline = H.now() + H.TIMEOUT / 1000
    while not (got.send_failed and got.send_failed_event) do
      local _, err, _, data = client:recv(H.ms_left(deadline))
      assert.is_not_nil(data, "waiting for both forms: " .. tostring(err) .. " " .. H.show(got))
      if sctp.is_event(data) and data.event ~= "assoc_change" then
        assert.is_nil(got[data.event], data.event .. " twice")
        got[data.event] = data
      end
      if H.USRSCTP and sctp.is_event(data) and data.event == "assoc_change" then got.early = data end
    end
    assert.equal("twice", got.send_failed.data)
    assert.equal("twice", got.send_failed_event.data)
    if H.USRSCTP then
      -- usrsctp reports the failed messages before the association's end
      -- (sctp_abort_notification); Linux after
      assert.is_nil(got.early, "assoc_change came before the send failures")
      H.expect_event(client, "assoc_change", "cant_assoc")
    end
    H.expect_quiet(client, 200)
  end)
end)
