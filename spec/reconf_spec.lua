-- RFC 6525 stream reconfiguration: reset_streams, reset_assoc, add_streams,
-- against the kernel's own peer, with the events both sides get.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"

local RECONF_EVENTS = { stream_reset_event = true, assoc_reset_event = true, stream_change_event = true }

-- Options for a socket that speaks RECONF (negotiated in INIT: set before
-- the association) and may ask for every kind of request.
local function reconf_opts(on)
  return {
    sctp_reconfig_supported = on,
    sctp_enable_stream_reset = on and { "reset_streams", "reset_assoc", "change_assoc" } or {},
    sctp_events = RECONF_EVENTS,
    -- usrsctp grants a peer's added streams only up to the max_instreams
    -- of its INIT (Linux: any number): room for add_streams' three
    sctp_initmsg = { num_ostreams = 4, max_instreams = H.USRSCTP and 16 or 4 },
  }
end

local function ssn_of(anc) return H.info(anc).ssn end

-- Sends `n` messages on `stream` and returns the ssns the server saw.
local function ssns(server, client, assoc, stream, n)
  local seen = {}
  for i = 1, n do
    H.must(client:send(assoc, stream, "m" .. i))
    local _, _, anc, data = H.expect_data(server)
    assert.equal("m" .. i, data)
    assert.equal(stream, H.info(anc).stream)
    seen[i] = ssn_of(anc)
  end
  return seen
end

-- Linux refuses a reset (eagain) while data of the association is still
-- in flight (not yet acknowledged): the caller tries again, as a user
-- would after sender_dry_event.
local function until_accepted(idle, fn)
  local deadline = H.now() + 5
  while true do
    local ok, err, detail = fn()
    if ok or err ~= "eagain" or H.now() > deadline then return ok, err, detail end
    idle:recv(20)
  end
end

local function status(sock, id)
  return H.must(sock:getopts({ sctp_status = { assoc_id = id } })).sctp_status
end

describe("stream reconfiguration (RFC 6525)", function()
  after_each(H.cleanup)

  it("reset_streams: both sides are told, and the stream's ssns start again from 0", function()
    local server, client, assoc, sid = H.pair(reconf_opts(true), reconf_opts(true))
    assert.same({ 0, 1, 2 }, ssns(server, client, assoc, 1, 3))
    local idle = H.client()
    H.must(until_accepted(idle, function() return client:reset_streams(assoc, { 1 }, "out") end))
    local mine = H.await_event(client, "stream_reset_event")
    assert.equal(assoc.assoc_id, mine.assoc_id)
    assert.is_true(H.has(mine.flags, "outgoing_ssn"), H.show(mine))
    assert.is_false(H.has(mine.flags, "denied"), H.show(mine))
    assert.same({ 1 }, mine.streams)
    local theirs = H.await_event(server, "stream_reset_event")
    assert.equal(sid, theirs.assoc_id)
    assert.is_true(H.has(theirs.flags, "incoming_ssn"), H.show(theirs))
    assert.same({ 1 }, theirs.streams)
    assert.same({ 0, 1 }, ssns(server, client, assoc, 1, 2))
    -- another stream was not reset: its ssns go on
    assert.same({ 0, 1 }, ssns(server, client, assoc, 2, 2))
    -- an empty list resets every stream
    H.must(until_accepted(idle, function() return client:reset_streams(assoc, {}, "out") end))
    local all = H.await_event(client, "stream_reset_event").streams
    if H.USRSCTP then
      -- usrsctp's event lists stream numbers for an empty list (Linux: none)
      assert.is_true(#all > 0, H.show(all))
      for _, sid_ in ipairs(all) do assert.is_true(sid_ >= 0 and sid_ < 4, H.show(all)) end
    else
      assert.same({}, all)
    end
    H.await_event(server, "stream_reset_event")
    assert.same({ 0 }, ssns(server, client, assoc, 2, 1))
  end)

  it("add_streams: the new stream counts show in the events and in sctp_status", function()
    local server, client, assoc, sid = H.pair(reconf_opts(true), reconf_opts(true))
    local before = status(client, assoc.assoc_id)
    assert.equal(4, before.outstrms)
    H.must(client:add_streams(assoc, 0, 3))
    -- Linux's events count the streams added (RFC 6525 says the new
    -- totals); sctp_status has the totals
    -- (usrsctp's events have the totals, as RFC 6525 says)
    local mine = H.await_event(client, "stream_change_event")
    assert.equal(assoc.assoc_id, mine.assoc_id)
    assert.same(H.USRSCTP and { 4, 7 } or { 0, 3 }, { mine.inbound_streams, mine.outbound_streams }, H.show(mine))
    local theirs = H.await_event(server, "stream_change_event")
    assert.equal(sid, theirs.assoc_id)
    assert.same(H.USRSCTP and { 7, 4 } or { 3, 0 }, { theirs.inbound_streams, theirs.outbound_streams },
      H.show(theirs))
    assert.equal(7, status(client, assoc.assoc_id).outstrms)
    assert.equal(7, status(server, sid).instrms)
    -- the new stream carries data
    assert.same({ 0 }, ssns(server, client, assoc, 6, 1))
  end)

  it("reset_assoc: both sides are told, with the TSNs they start again from", function()
    local server, client, assoc, sid = H.pair(reconf_opts(true), reconf_opts(true))
    assert.same({ 0, 1 }, ssns(server, client, assoc, 0, 2))
    local idle = H.client()
    H.must(until_accepted(idle, function() return client:reset_assoc(assoc.assoc_id) end))
    local mine = H.await_event(client, "assoc_reset_event")
    assert.equal(assoc.assoc_id, mine.assoc_id)
    assert.is_false(H.has(mine.flags, "denied"), H.show(mine))
    assert.is_number(mine.local_tsn)
    local theirs = H.await_event(server, "assoc_reset_event")
    assert.equal(sid, theirs.assoc_id)
    -- the association goes on, its ssns from 0
    assert.same({ 0 }, ssns(server, client, assoc, 0, 1))
  end)

  it("fails with enoprotoopt when the peer has reconfiguration off", function()
    local _, client, assoc = H.pair(reconf_opts(false), reconf_opts(true))
    H.fails("enoprotoopt", true, client:reset_streams(assoc, { 1 }, "out"))
    H.fails("enoprotoopt", true, client:reset_assoc(assoc))
    H.fails("enoprotoopt", true, client:add_streams(assoc, 1, 1))
  end)

  it("fails on an association that does not exist, and on a closed socket", function()
    local _, client = H.pair(reconf_opts(true), reconf_opts(true))
    H.fails("einval", true, client:reset_streams(987654, { 1 }, "in"))
    client:close()
    H.fails("closed", false, client:reset_streams(1, { 1 }, "in"))
    H.fails("closed", false, client:reset_assoc(1))
    H.fails("closed", false, client:add_streams(1, 1, 1))
  end)

  it("raises naming the function and the argument for bad arguments", function()
    local _, client, assoc = H.pair(reconf_opts(true), reconf_opts(true))
    H.raises(function() client:reset_streams("x", { 1 }, "in") end, "reset_streams", "assoc")
    H.raises(function() client:reset_streams(assoc, "1", "in") end, "reset_streams", "streams")
    H.raises(function() client:reset_streams(assoc, { 1, 70000 }, "in") end, "reset_streams", "streams", "70000")
    H.raises(function() client:reset_streams(assoc, { 1 }, "sideways") end, "reset_streams", "direction")
    H.raises(function() client:reset_streams(assoc, { 1 }) end, "reset_streams", "direction")
    H.raises(function() client:reset_assoc({}) end, "reset_assoc", "assoc")
    H.raises(function() client:add_streams(assoc, -1, 0) end, "add_streams", "n_in")
    H.raises(function() client:add_streams(assoc, 0, "2") end, "add_streams", "n_out")
  end)
end)
