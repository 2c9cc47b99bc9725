-- Active mode (gen_sctp's {active, true | once | N}): messages go to the
-- controlling_process handler through dispatch().

local H = require "helper"
local sctp = require "sctp"

-- A handler that records what it is given.
local function recorder()
  local seen = {}
  local function handler(sock, ip, port, anc, data)
    seen[#seen + 1] = { sock = sock, ip = ip, port = port, anc = anc, data = data }
  end
  return seen, handler
end

local function names(seen)
  local out = {}
  for i, m in ipairs(seen) do
    out[i] = sctp.is_event(m.data) and m.data.event or m.data
  end
  return out
end

-- Data messages only, in order (events such as paddr_change skipped).
local function data_of(seen)
  local out = {}
  for _, m in ipairs(seen) do
    if not sctp.is_event(m.data) then out[#out + 1] = m.data end
  end
  return out
end

describe("active mode", function()
  after_each(H.cleanup)

  it("is off by default and can be read back", function()
    local s = H.client()
    assert.is_false(H.must(s:getopts({ "active" })).active)
    for _, v in ipairs({ true, "once", false }) do
      H.must(s:setopts({ active = v }))
      assert.equal(v, s:getopts({ "active" }).active)
    end
  end)

  it("with active = true delivers every message to the handler, with ancdata", function()
    local server, client, assoc, sid = H.pair({ active = true })
    local seen, handler = recorder()
    H.must(server:controlling_process(handler))
    for i = 1, 3 do H.must(client:send({ assoc_id = assoc.assoc_id, stream = 1, ppid = 9 }, "m" .. i)) end
    local deadline = sctp.gettime() + 5
    while #data_of(seen) < 3 and sctp.gettime() < deadline do
      local n = server:dispatch(1000)
      assert.is_number(n)
    end
    assert.same({ "m1", "m2", "m3" }, data_of(seen))
    for _, m in ipairs(seen) do
      assert.equal(server, m.sock)
      if not sctp.is_event(m.data) then
        assert.equal("127.0.0.1", m.ip)
        assert.equal(H.port_of(client), m.port)
        assert.equal(sid, m.anc[1].assoc_id)
        assert.equal(9, m.anc[1].ppid)
      end
    end
    assert.is_true(server:getopts({ "active" }).active)
  end)

  it("with active = \"once\" delivers one message, then turns passive and says so", function()
    local server, client, assoc = H.pair()
    H.must(client:send(assoc, 0, "first"))
    H.must(client:send(assoc, 0, "second"))
    H.expect_data(server)          -- "first" read in passive mode
    local seen, handler = recorder()
    H.must(server:controlling_process(handler))
    H.must(server:setopts({ active = "once" }))
    assert.equal(1, server:dispatch(2000))
    assert.same({ "second", "passive" }, names(seen))
    assert.is_nil(seen[2].ip)
    assert.is_false(server:getopts({ "active" }).active)
    -- passive now: nothing more is dispatched, recv works again
    H.must(client:send(assoc, 0, "third"))
    assert.equal(0, server:dispatch(200))
    local _, _, _, data = H.expect_data(server)
    assert.equal("third", data)
  end)

  it("with active = N delivers N messages, then turns passive", function()
    local server, client, assoc = H.pair()
    local seen, handler = recorder()
    H.must(server:controlling_process(handler))
    for i = 1, 5 do H.must(client:send(assoc, 0, "n" .. i)) end
    -- let all five arrive, so that one dispatch could take them all
    local t0 = sctp.gettime()
    while sctp.gettime() - t0 < 0.3 do end
    H.must(server:setopts({ active = 3 }))
    local delivered = 0
    local deadline = sctp.gettime() + 5
    while server:getopts({ "active" }).active and sctp.gettime() < deadline do
      delivered = delivered + server:dispatch(1000)
    end
    assert.equal(3, delivered)
    assert.equal("passive", names(seen)[#seen])
    assert.equal(4, #seen)
    assert.same({ "n1", "n2", "n3" }, data_of(seen))
    assert.is_false(server:getopts({ "active" }).active)
    local _, _, _, data = H.expect_data(server)   -- the rest stays for recv
    assert.equal("n4", data)
  end)

  it("adds a new N to a running count, as gen_sctp does", function()
    local s = H.client()
    H.must(s:setopts({ active = 2 }))
    H.must(s:setopts({ active = 3 }))
    assert.equal(5, s:getopts({ "active" }).active)
    H.must(s:setopts({ active = -5 }))
    assert.is_false(s:getopts({ "active" }).active)
  end)

  it("returns 0 when the timeout passes with nothing to deliver", function()
    local s = H.server({ active = true })
    H.must(s:controlling_process(function() error("nothing should arrive") end))
    local t0 = sctp.gettime()
    assert.equal(0, s:dispatch(150))
    assert.is_true(sctp.gettime() - t0 >= 0.1)
  end)

  it("rejects bad values and a missing handler", function()
    local s = H.client()
    H.raises(function() s:setopts({ active = "twice" }) end, "active")
    H.raises(function() s:setopts({ active = 1.5 }) end, "active")
    H.raises(function() s:controlling_process("handler") end, "controlling_process", "handler")
    H.must(s:setopts({ active = true }))
    H.raises(function() s:dispatch(0) end, "dispatch", "handler")
    H.raises(function() s:dispatch("soon") end, "dispatch", "timeout")
  end)

  it("returns nil, \"closed\" on a closed socket", function()
    local s = H.client()
    s:close()
    local v, err = s:controlling_process(function() end)
    assert.is_nil(v)
    assert.equal("closed", err)
    v, err = s:dispatch(0)
    assert.is_nil(v)
    assert.equal("closed", err)
  end)
end)
