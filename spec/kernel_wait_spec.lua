-- Waiting inside the kernel: with the blocking poll waiter in force (no
-- event loop, no waiter of the socket's own), recv waits in recvmsg itself,
-- bounded by SO_RCVTIMEO, which leaves the descriptor blocking. Timeouts
-- must hold, and the calls that have no MSG_DONTWAIT (connectx, accept)
-- must stay non-blocking.

local H = require "helper"
local sctp = require "sctp"

-- Runs fn and returns its results and the seconds it took.
local function timed(fn)
  local t0 = H.now()
  local r = H.pack(fn())
  return H.now() - t0, (table.unpack or unpack)(r, 1, r.n)
end

describe("waiting in the kernel", function()
  after_each(H.cleanup)

  it("honours each recv timeout, also when it changes between calls", function()
    local s = H.client()
    for _, ms in ipairs({ 150, 40, 300, 40 }) do
      local took, v, err = timed(function() return s:recv(ms) end)
      assert.is_nil(v)
      assert.equal("timeout", err)
      assert.is_true(took >= ms / 1000 - 0.005, ("recv(%d) took only %.3f s"):format(ms, took))
      assert.is_true(took < ms / 1000 + 1, ("recv(%d) took %.3f s"):format(ms, took))
    end
  end)

  it("keeps connect_init non-blocking after a wait: a refusal comes as cant_assoc", function()
    local client = H.client()
    local _, err = client:recv(30)   -- waited in the kernel: the descriptor is blocking now
    assert.equal("timeout", err)
    -- a blocking connectx would wait for the answer and fail with econnrefused
    local port = H.free_port()
    assert.equal(true, H.must(client:connect_init(H.LOCAL, port)))
    H.expect_event(client, "assoc_change", "cant_assoc")
    -- and the next wait in the kernel still works
    local took, v, err2 = timed(function() return client:recv(50) end)
    assert.is_nil(v)
    assert.equal("timeout", err2)
    assert.is_true(took < 1)
  end)

  it("keeps accept non-blocking on a one-to-one listener after a recv on it", function()
    local l = H.open(0, { ip = H.LOCAL, type = "stream" })
    H.must(l:listen(true))
    -- a listener has nothing to read (recv fails at once), but the descriptor
    -- has turned blocking, with the longest receive timeout (no timeout given)
    local v0, err0 = l:recv()
    assert.is_nil(v0)
    assert.is_string(err0)
    local took, v, err = timed(function() return l:accept(100) end)
    assert.is_nil(v)
    assert.equal("timeout", err)
    assert.is_true(took < 1, ("accept(100) took %.3f s"):format(took))
    -- and a real client is still accepted
    local c = H.open(0, { ip = H.LOCAL, type = "stream" })
    H.must(c:connect(H.LOCAL, H.port_of(l), nil, H.TIMEOUT))
    local a = H.track(l:accept(H.TIMEOUT))
    assert.is_truthy(a)
  end)

  it("stays out of the way of a waiter of the socket's own", function()
    local s = H.client()
    local calls = 0
    s:setwaiter(function(sock, events, ms)
      calls = calls + 1
      return require("sctp.wait").poll_waiter(sock, events, ms)
    end)
    local _, err = s:recv(50)
    assert.equal("timeout", err)
    assert.is_true(calls >= 1)
  end)
end)
