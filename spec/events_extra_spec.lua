-- sctp_events, one event at a time, and the Linux events beyond gen_sctp
-- (opt-in names: sender_dry_event, stream_reset_event, assoc_reset_event,
-- stream_change_event, authentication_event), decoded into event tables
-- like the others. Stream and association resets need
-- sctp_enable_stream_reset, which is out of scope: those subscriptions are
-- only checked to round-trip.

local H = require "helper"
local sctp = require "sctp"

local GEN_SCTP_EVENTS = { "data_io_event", "association_event", "address_event",
  "send_failure_event", "peer_error_event", "shutdown_event", "partial_delivery_event" }
local EXTRA_EVENTS = { "sender_dry_event", "stream_reset_event", "assoc_reset_event",
  "stream_change_event", "authentication_event" }

local function events_of(sock)
  return H.must(sock:getopts({ "sctp_events" })).sctp_events
end

describe("sctp_events", function()
  after_each(H.cleanup)

  it("starts with the gen_sctp events on (adaptation off) and the Linux extras off", function()
    local ev = events_of(H.client())
    for _, name in ipairs(GEN_SCTP_EVENTS) do
      assert.equal(true, ev[name], name)
    end
    assert.equal(false, ev.adaptation_layer_event)
    for _, name in ipairs(EXTRA_EVENTS) do
      assert.equal(false, ev[name], name)
    end
  end)

  for _, name in ipairs(EXTRA_EVENTS) do
    it("round-trips the Linux extra " .. name, function()
      local s = H.client()
      assert.equal(true, s:setopts({ sctp_events = { [name] = true } }))
      assert.equal(true, events_of(s)[name])
      assert.equal(true, s:setopts({ sctp_events = { [name] = false } }))
      assert.equal(false, events_of(s)[name])
    end)
  end

  it("takes the Linux extras in sctp.open", function()
    local opts = {}
    for _, name in ipairs(EXTRA_EVENTS) do opts[name] = true end
    local ev = events_of(H.client({ sctp_events = opts }))
    for _, name in ipairs(EXTRA_EVENTS) do
      assert.equal(true, ev[name], name)
    end
  end)

  it("changes only the events it names", function()
    local s = H.client()
    local before = events_of(s)
    assert.equal(true, s:setopts({ sctp_events = { sender_dry_event = true, shutdown_event = false } }))
    local after = events_of(s)
    local want = H.copy(before)
    want.sender_dry_event = true
    want.shutdown_event = false
    assert.same(want, after)
  end)

  it("raises naming an unknown event or a value that is not a boolean", function()
    local s = H.client()
    H.raises_all(function() s:setopts({ sctp_events = { sender_dry = true } }) end, "sctp_events", "sender_dry")
    H.raises_all(function() s:setopts({ sctp_events = { sender_dry_event = 1 } }) end,
      "sctp_events", "sender_dry_event")
    H.raises(function() s:setopts({ sctp_events = true }) end, "sctp_events")
  end)
end)

-------------------------------------------------------------------------------

describe("one event subscription at work", function()
  after_each(H.cleanup)

  it("data_io_event off: data comes without a sndrcvinfo; on: with one", function()
    local server, client, assoc, sid = H.pair({ sctp_events = { data_io_event = false } })
    H.must(client:send(assoc, 0, "bare"))
    local _, _, anc, data = H.expect_data(server)
    assert.equal("bare", data)
    assert.same({}, anc)
    assert.equal(true, server:setopts({ sctp_events = { data_io_event = true } }))
    H.must(client:send(assoc, 0, "dressed"))
    _, _, anc, data = H.expect_data(server)
    assert.equal("dressed", data)
    assert.equal(sid, H.info(anc).assoc_id)
  end)

  it("association_event off: no comm_up, the data comes first", function()
    local server = H.server({ sctp_events = { association_event = false } })
    local client = H.client()
    local assoc = H.must(client:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    H.must(client:send(assoc, 0, "first"))
    local _, _, _, data = H.next_msg(server)
    assert.equal("first", data)
  end)

  it("shutdown_event off: eof brings only assoc_change shutdown_comp", function()
    local server, client, assoc, sid = H.pair({ sctp_events = { shutdown_event = false } })
    H.must(client:eof(assoc))
    local ev = H.expect_event(server, "assoc_change", "shutdown_comp")
    assert.equal(sid, ev.assoc_id)
  end)

  it("send_failure_event off: a failed implicit association brings no send_failed", function()
    local client = H.client({ sctp_events = { send_failure_event = false } })
    local port = H.free_port()
    pcall(function() return client:sendx({ "127.0.0.1" }, port, { stream = 0 }, "nobody") end)
    local ev = H.expect_event(client, "assoc_change", "cant_assoc")
    assert.equal("cant_assoc", ev.state)
    H.expect_quiet(client, 300)
  end)

  it("adaptation_layer_event off (the default): no adaptation_event", function()
    local server = H.server({ sctp_adaptation_layer = { adaptation_ind = 5 } })
    local client = H.client()
    H.must(client:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    H.expect_quiet(client, 300)
  end)

  it("address_event: a multi-homed peer's second address is reported (paddr_change)", function()
    -- the client confirms the peer's second address with a heartbeat after
    -- one RTO: a small RTO keeps this short
    local rto = H.FAST_RTO
    local server = H.server({ ip = { "127.0.0.1", "127.0.0.2" } })
    local port = H.port_of(server)
    local client = H.client({ sctp_rtoinfo = rto })
    local assoc = H.must(client:connect("127.0.0.1", port, nil, H.TIMEOUT))
    local ev = H.await_event(client, "paddr_change")
    assert.equal(assoc.assoc_id, ev.assoc_id)
    assert.same({ "127.0.0.2", port }, ev.addr)
    assert.is_string(ev.state)
    assert.is_number(ev.error)

    -- and nothing of the kind with address_event off
    local quiet = H.client({ sctp_rtoinfo = rto, sctp_events = { address_event = false } })
    H.must(quiet:connect("127.0.0.1", port, nil, H.TIMEOUT))
    local _, err = quiet:recv(600)
    assert.equal("timeout", err)
  end)
end)

-------------------------------------------------------------------------------

describe("sender_dry_event", function()
  after_each(H.cleanup)

  it("is not delivered without subscribing", function()
    local server, client, assoc = H.pair()
    H.must(client:send(assoc, 0, "x"))
    H.expect_data(server)
    H.expect_quiet(client, 300)
  end)

  it("arrives at once when subscribed on an idle association", function()
    local server, client, assoc = H.pair()
    assert.equal(true, client:setopts({ sctp_events = { sender_dry_event = true } }))
    local ev = H.expect_event(client, "sender_dry_event")
    assert.is_true(sctp.is_event(ev))
    assert.equal("sender_dry_event", ev.event)
    assert.equal(assoc.assoc_id, ev.assoc_id)
  end)

  it("arrives again once sent data has been acknowledged", function()
    local server, client, assoc = H.pair()
    assert.equal(true, client:setopts({ sctp_events = { sender_dry_event = true } }))
    H.expect_event(client, "sender_dry_event")
    H.must(client:send(assoc, 0, "to be acked"))
    local _, _, _, data = H.expect_data(server)
    assert.equal("to be acked", data)
    local ev = H.expect_event(client, "sender_dry_event")
    assert.equal(assoc.assoc_id, ev.assoc_id)
  end)
end)

describe("authentication_event", function()
  after_each(H.cleanup)

  it("reports no_auth on a new association when SCTP-AUTH is off", function()
    if not H.USRSCTP and H.read_file("/proc/sys/net/sctp/auth_enable") ~= "0" then
      pending("net.sctp.auth_enable is not 0 here")
      return
    end
    local server = H.server({ sctp_events = { authentication_event = true } })
    local client = H.client({ sctp_events = { authentication_event = true } })
    if H.USRSCTP then
      -- usrsctp has AUTH on by default, and ASCONF (which needs it) too
      for _, s in ipairs({ server, client }) do
        H.must(s:setopts({ sctp_asconf_supported = false }))
        H.must(s:setopts({ sctp_auth_supported = false }))
      end
    end
    local assoc = H.must(client:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    for _, side in ipairs({ { client, assoc.assoc_id }, { server } }) do
      local ev = H.await_event(side[1], "authentication_event")
      assert.is_true(sctp.is_event(ev))
      assert.equal("no_auth", ev.indication)
      assert.is_number(ev.assoc_id)
      if side[2] then assert.equal(side[2], ev.assoc_id) end
      assert.is_number(ev.keynumber)
    end
  end)

  it("is not delivered without subscribing", function()
    local server = H.server()
    local client = H.client()
    H.must(client:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    H.expect_event(server, "assoc_change", "comm_up")
    H.expect_quiet(client, 200)
    H.expect_quiet(server, 100)
  end)
end)
