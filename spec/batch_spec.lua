-- The batch API: send_many and recv_many move many messages per call.

local H = require "helper"
local sctp = require "sctp"

describe("send_many and recv_many", function()
  after_each(H.cleanup)

  it("send many messages in both entry forms, received in order with their sndrcvinfo", function()
    local server, client, assoc, sid = H.pair()
    local list = {}
    for i = 1, 150 do   -- more than one sendmmsg batch
      if i % 2 == 0 then
        list[i] = { { assoc_id = assoc.assoc_id, stream = 1, ppid = i }, "m" .. i }
      else
        list[i] = { assoc, 1, "m" .. i }
      end
    end
    assert.is_true(client:send_many(list))
    local got = {}
    local deadline = sctp.gettime() + 10
    while #got < 150 and sctp.gettime() < deadline do
      local msgs = assert(server:recv_many(64, 2000))
      assert.is_true(#msgs >= 1 and #msgs <= 64)
      for _, m in ipairs(msgs) do
        assert.equal(4, #m)
        if not sctp.is_event(m[4]) then
          got[#got + 1] = m
        end
      end
    end
    assert.equal(150, #got)
    for i, m in ipairs(got) do
      assert.equal("127.0.0.1", m[1])
      assert.equal(H.port_of(client), m[2])
      assert.equal("m" .. i, m[4])
      assert.equal(1, m[3][1].stream)
      assert.equal(sid, m[3][1].assoc_id)
      if i % 2 == 0 then assert.equal(i, m[3][1].ppid) end
    end
  end)

  it("recv_many honours max and times out with nothing waiting", function()
    local server, client, assoc = H.pair()
    for i = 1, 5 do H.must(client:send(assoc, 0, "x" .. i)) end
    local t0 = sctp.gettime()
    while sctp.gettime() - t0 < 0.3 do end   -- let all five arrive
    local msgs = assert(server:recv_many(2, 1000))
    assert.equal(2, #msgs)
    local rest = assert(server:recv_many(10, 1000))
    assert.equal(3, #rest)
    assert.equal("x5", rest[3][4])
    local v, err = server:recv_many(10, 100)
    assert.is_nil(v)
    assert.equal("timeout", err)
  end)

  it("returns the messages connect queued first", function()
    local a = H.server()
    local b = H.server()
    local third = H.client()
    H.must(third:connect(H.LOCAL, H.port_of(a), nil, H.TIMEOUT))
    -- the comm_up of `third` arrives at `a` while `a` connects to `b`
    H.must(a:connect(H.LOCAL, H.port_of(b), nil, H.TIMEOUT))
    local msgs = assert(a:recv_many(10, 1000))
    assert.equal("assoc_change", msgs[1][4].event)
    assert.equal("comm_up", msgs[1][4].state)
  end)

  it("with non_block_send reports how many went out before a full buffer", function()
    local server, client, assoc = H.pair({ recbuf = 4096 }, { sndbuf = 4096, non_block_send = true })
    local list = {}
    for i = 1, 2000 do list[i] = { assoc, 0, ("y"):rep(512) } end
    local ok, err, detail, sent = client:send_many(list)
    assert.is_nil(ok)
    assert.equal("eagain", err)
    assert.is_string(detail)
    assert.is_true(sent > 0 and sent < 2000, "sent " .. tostring(sent))
  end)

  it("rejects bad arguments and entries", function()
    local server, client, assoc = H.pair()
    H.raises(function() client:send_many("no") end, "send_many", "list")
    H.raises(function() client:send_many({ 42 }) end, "send_many", "entry 1")
    H.raises(function() client:send_many({ { assoc, 0, 42 } }) end, "send_many", "data")
    H.raises(function() client:send_many({ { assoc, 70000, "x" } }) end, "stream")
    H.raises(function() server:recv_many(0) end, "recv_many", "max")
    H.raises(function() server:recv_many(5, "soon") end, "recv_many", "timeout")
    client:close()
    local v, err = client:send_many({ { assoc, 0, "x" } })
    assert.is_nil(v)
    assert.equal("closed", err)
    v, err = client:recv_many(5, 0)
    assert.is_nil(v)
    assert.equal("closed", err)
  end)
end)
