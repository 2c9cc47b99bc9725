-- recv(timeout, ancdata): the ancdata table given is refilled and returned
-- instead of a new one per message, its sndrcvinfo record (and that
-- record's flags array) too, on every path recv takes.

local H = require "helper"
local sctp = require "sctp"

-- Every key of a table, sorted (to compare the shapes of two records).
local function keys(t)
  local list = {}
  for k in pairs(t) do list[#list + 1] = tostring(k) end
  table.sort(list)
  return table.concat(list, ",")
end

-- The next data message read with recv(timeout, anc), events skipped.
local function data_into(sock, anc, timeout)
  local deadline = H.now() + H.TIMEOUT / 1000
  while true do
    local ip, port, a, data = sock:recv(timeout, anc)
    if data == nil then error("recv: " .. tostring(port) .. " " .. tostring(a), 2) end
    if not sctp.is_event(data) then return ip, port, a, data end
    if H.now() > deadline then error("no data message in time", 2) end
  end
end

describe("recv with an ancdata table to refill", function()
  after_each(H.cleanup)

  it("returns the table given, its record refilled with each message", function()
    local server, client, assoc, sid = H.pair()
    local anc = {}
    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 1, ppid = 7 }, "one"))
    local ip, port, a1, d1 = data_into(server, anc)
    assert.equal(anc, a1)
    assert.equal("one", d1)
    assert.equal("127.0.0.1", ip)
    assert.equal(H.port_of(client), port)
    local info = H.info(a1)
    assert.equal(1, info.stream)
    assert.equal(7, info.ppid)
    assert.equal(sid, info.assoc_id)

    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 2, ppid = 9 }, "two"))
    local _, _, a2, d2 = data_into(server, anc)
    assert.equal(anc, a2)
    assert.equal(info, a2[1])          -- the same record, refilled
    assert.equal("two", d2)
    assert.equal(2, info.stream)
    assert.equal(9, info.ppid)
    assert.equal(sid, info.assoc_id)
  end)

  it("fills the same fields as a new record, with the same values", function()
    local server, client, assoc = H.pair()
    local anc = {}
    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 3, ppid = 5, context = 11 }, "a"))
    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 3, ppid = 5, context = 11 }, "b"))
    local _, _, fresh = H.expect_data(server)
    local _, _, reused = data_into(server, anc)
    local f, r = H.info(fresh), H.info(reused)
    assert.equal(keys(f), keys(r))
    for _, k in ipairs({ "stream", "ppid", "context", "timetolive", "assoc_id" }) do
      assert.equal(f[k], r[k], k)
    end
    assert.equal(f.ssn + 1, r.ssn)
    assert.equal(f.tsn + 1, r.tsn)
    assert.same(f.flags, r.flags)
  end)

  it("reuses the flags array, emptied when a message has no flags", function()
    local server, client, assoc = H.pair()
    local anc = {}
    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 0, flags = { "unordered" } }, "u"))
    local _, _, a1 = data_into(server, anc)
    local flags = H.info(a1).flags
    assert.same({ "unordered" }, flags)
    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 0 }, "o"))
    local _, _, a2 = data_into(server, anc)
    assert.equal(flags, H.info(a2).flags)
    assert.same({}, flags)
  end)

  it("clears the fields a message does not have and keeps the user's own", function()
    local server, client, assoc = H.pair()
    local info = { pr_policy = "ttl", pr_value = 100, mine = "kept" }
    local anc = { info }
    H.must(client:send(assoc, 0, "x"))
    local _, _, a, d = data_into(server, anc)
    assert.equal("x", d)
    assert.equal(info, a[1])
    assert.is_nil(info.pr_policy)
    assert.is_nil(info.pr_value)
    assert.equal("kept", info.mine)
    assert.equal(0, info.stream)
  end)

  it("puts a new record where the table holds none or something else", function()
    local server, client, assoc = H.pair()
    for _, anc in ipairs({ {}, { 42 }, { "x" } }) do
      H.must(client:send(assoc, 4, "m"))
      local _, _, a = data_into(server, anc)
      assert.equal(anc, a)
      assert.equal(4, H.info(a).stream)
    end
  end)

  it("answers an event in the same table, with no record", function()
    local server, client = H.server(), H.client()
    local anc = { { stream = 1 } }
    H.must(client:connect(H.LOCAL, H.port_of(server), nil, H.TIMEOUT))
    local _, _, a, ev = server:recv(H.TIMEOUT, anc)
    assert.is_true(sctp.is_event(ev), H.show(ev))
    assert.equal(anc, a)
    assert.is_nil(a[1])
  end)

  it("refills on the timeout paths too: recv(0, anc) and recv(ms, anc)", function()
    local server, client, assoc = H.pair()
    local anc = {}
    H.must(client:send(assoc, 5, "t1"))
    local _, _, a1, d1 = data_into(server, anc, H.TIMEOUT)
    assert.equal(anc, a1)
    assert.equal("t1", d1)
    local info = H.info(a1)
    H.must(client:send(assoc, 6, "t0"))
    local deadline = H.now() + H.TIMEOUT / 1000
    local a0, d0
    repeat
      local ip, _, a, d = server:recv(0, anc)
      if ip then a0, d0 = a, d end
    until a0 or H.now() > deadline
    assert.equal(anc, a0)
    assert.equal("t0", d0)
    assert.equal(info, a0[1])
    assert.equal(6, info.stream)
  end)

  it("refills in list mode", function()
    local server, client, assoc = H.pair({ mode = "list" })
    local anc = {}
    H.must(client:send(assoc, 2, "AB"))
    local _, _, a, d = data_into(server, anc)
    assert.equal(anc, a)
    assert.same({ 65, 66 }, d)
    assert.equal(2, H.info(a).stream)
  end)

  it("raises naming recv and ancdata for anything but a table or nil", function()
    local server = H.server()
    for _, bad in ipairs({ "x", 5, true }) do
      H.raises(function() server:recv(nil, bad) end, "recv", "ancdata")
      H.raises(function() server:recv(10, bad) end, "recv", "ancdata")
      H.raises(function() server:recv(0, bad) end, "recv", "ancdata")
    end
  end)

  it("answers nil, \"closed\" on a closed socket, ancdata or not", function()
    local server = H.server()
    server:close()
    H.fails("closed", true, server:recv(nil, {}))
  end)
end)
