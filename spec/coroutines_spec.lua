-- Waiting without blocking the thread: cqueues coroutines, luv, custom
-- waiters, and the one-reader/one-writer rule.

local H = require "helper"
local sctp = require "sctp"

local has_cqueues, cqueues = pcall(require, "cqueues")
local has_luv, uv = pcall(require, "luv")

-- Sends `text` and returns the echoed data (events skipped).
local function echo_round(c, assoc, text)
  assert(c:send(assoc, 0, text))
  local ip, port, anc, data
  repeat
    ip, port, anc, data = c:recv(H.TIMEOUT)
    assert(ip, port)
  until not sctp.is_event(data)
  return data
end

-- An echo loop on one-to-many socket `srv`; stops when srv is closed.
local function serve_echo(srv, counter)
  while true do
    local ip, port, anc, data = srv:recv()
    if not ip then return port end
    if not sctp.is_event(data) then
      assert(srv:send({ assoc_id = anc[1].assoc_id, stream = anc[1].stream, ppid = anc[1].ppid }, data))
      counter.n = counter.n + 1
    end
  end
end

describe("cqueues", function()
  after_each(H.cleanup)

  if not has_cqueues then
    it("is installed (lua-cqueues)", function() error("cqueues not found: " .. tostring(cqueues)) end)
    return
  end

  it("makes a socket a pollable", function()
    local s = H.client()
    assert.equal(s:getfd(), s:pollfd())
    assert.equal("r", s:events())
    assert.is_nil(s:timeout())
  end)

  it("serves 100 concurrent client coroutines, each with its own association", function()
    local srv = H.server()
    local port = H.port_of(srv)
    local cq = cqueues.new()
    local echoed, finished, assoc_ids = { n = 0 }, 0, {}
    local server_end
    cq:wrap(function() server_end = serve_echo(srv, echoed) end)
    local CLIENTS, ROUNDS = 100, 3
    for i = 1, CLIENTS do
      cq:wrap(function()
        local c = H.client()
        local assoc = assert(c:connect(H.LOCAL, port, nil, 20000))
        assoc_ids[#assoc_ids + 1] = assoc.assoc_id
        for k = 1, ROUNDS do
          local text = ("client %d message %d"):format(i, k)
          assert.equal(text, echo_round(c, assoc, text))
        end
        c:close()
        finished = finished + 1
        if finished == CLIENTS then srv:close() end
      end)
    end
    local ok, err = cq:loop(60)
    assert(ok, err)
    assert.equal(CLIENTS, finished)
    assert.equal(CLIENTS * ROUNDS, echoed.n)
    assert.equal("closed", server_end)
    assert.equal(CLIENTS, #assoc_ids)
  end)

  it("honours a recv timeout inside a coroutine without blocking the others", function()
    local s = H.client()
    local cq = cqueues.new()
    local result, ticks, elapsed = nil, 0, nil
    cq:wrap(function()
      local t0 = sctp.gettime()
      result = { s:recv(300) }
      elapsed = sctp.gettime() - t0
    end)
    cq:wrap(function()
      for _ = 1, 5 do cqueues.sleep(0.02); ticks = ticks + 1 end
    end)
    assert(cq:loop(10))
    assert.same({ nil, "timeout" }, { result[1], result[2] })
    assert.is_true(elapsed >= 0.25 and elapsed < 3, "elapsed " .. elapsed)
    assert.equal(5, ticks)   -- the other coroutine ran while recv waited
  end)

  it("wakes a coroutine blocked in recv with nil, \"closed\" when the socket is closed", function()
    local s = H.client()
    local cq = cqueues.new()
    local got
    cq:wrap(function() got = { s:recv() } end)
    cq:wrap(function()
      cqueues.sleep(0.1)
      assert.is_true(s:close())
    end)
    assert(cq:loop(10))
    assert.same({ nil, "closed" }, { got[1], got[2] })
    assert.equal("sctp.socket (closed)", tostring(s))
  end)

  it("lets one coroutine wait to receive at a time; a second gets ebusy", function()
    local s = H.client()
    local cq = cqueues.new()
    local first, second
    cq:wrap(function() first = { s:recv(500) } end)
    cq:wrap(function()
      cqueues.sleep(0.05)
      second = { s:recv(500) }
    end)
    assert(cq:loop(10))
    assert.equal("timeout", first[2])
    assert.is_nil(second[1])
    assert.equal("ebusy", second[2])
    assert.is_string(second[3])
  end)

  it("lets one coroutine wait to send at a time; closing wakes the writer", function()
    -- a receiver that never reads and small buffers: the sender blocks
    local server, client, assoc = H.pair({ recbuf = 4096 }, { sndbuf = 4096 })
    local cq = cqueues.new()
    local first, second, sent = nil, nil, 0
    local chunk = ("x"):rep(1000)
    cq:wrap(function()
      while true do
        local ok, err = client:send(assoc, 0, chunk)
        if not ok then first = err; return end
        sent = sent + 1
      end
    end)
    cq:wrap(function()
      cqueues.sleep(0.3)   -- by now the first coroutine waits in send
      -- usrsctp still takes a message this small into the space a 1000-byte
      -- one waits for: the second writer sends as much as the first
      local v, err, detail = client:send(assoc, 0, H.USRSCTP and chunk or "me too")
      second = { v, err, detail }
      client:close()
    end)
    assert(cq:loop(10))
    assert.is_true(sent > 0)
    assert.is_nil(second[1])
    assert.equal("ebusy", second[2])
    assert.is_string(second[3])
    assert.equal("closed", first)   -- the blocked writer woke up on close
  end)

  it("connects inside a coroutine", function()
    local srv = H.server()
    local cq = cqueues.new()
    local assoc
    cq:wrap(function()
      local c = H.client()
      assoc = assert(c:connect(H.LOCAL, H.port_of(srv), nil, H.TIMEOUT))
    end)
    assert(cq:loop(10))
    assert.equal("comm_up", assoc.state)
  end)
end)

describe("luv", function()
  after_each(function()
    sctp.setwaiter(nil)
    H.cleanup()
    -- let libuv finish closing the poll handles of the closed sockets
    if has_luv then uv.run("nowait") end
  end)

  if not has_luv then
    it("is installed (lua-luv)", function() error("luv not found: " .. tostring(uv)) end)
    return
  end

  it("runs an echo loop with coroutines on the libuv loop", function()
    sctp.setwaiter(require("sctp.luv").waiter(uv))
    local srv = H.server()
    local port = H.port_of(srv)
    local echoed, finished, server_end = { n = 0 }, 0, nil
    coroutine.wrap(function() server_end = serve_echo(srv, echoed) end)()
    local CLIENTS = 10
    for i = 1, CLIENTS do
      coroutine.wrap(function()
        local c = H.client()
        local assoc = assert(c:connect(H.LOCAL, port, nil, H.TIMEOUT))
        for k = 1, 5 do
          local text = ("luv %d/%d"):format(i, k)
          assert(echo_round(c, assoc, text) == text)
        end
        c:close()
        finished = finished + 1
        if finished == CLIENTS then srv:close() end
      end)()
    end
    local guard = uv.new_timer()   -- a hung loop fails the test instead of the suite
    guard:start(30000, 0, function() uv.stop() end)
    guard:unref()                  -- and does not keep the loop alive itself
    uv.run()
    guard:close()
    assert.equal(CLIENTS, finished)
    assert.equal(CLIENTS * 5, echoed.n)
    assert.equal("closed", server_end)
  end)

  it("times out and wakes on close", function()
    sctp.setwaiter(require("sctp.luv").waiter(uv))
    local s1, s2 = H.client(), H.client()
    local r1, r2
    coroutine.wrap(function() r1 = { s1:recv(150) } end)()
    coroutine.wrap(function() r2 = { s2:recv() } end)()
    local t = uv.new_timer()
    t:start(300, 0, function() t:close(); s2:close() end)
    uv.run()
    assert.equal("timeout", r1[2])
    assert.equal("closed", r2[2])
  end)
end)

describe("a custom waiter", function()
  after_each(function()
    sctp.setwaiter(nil)
    H.cleanup()
  end)

  it("is called with the socket, the events and the time left", function()
    local calls = {}
    local s = H.client()
    assert.is_true(s:setwaiter(function(sock, events, timeout_ms)
      calls[#calls + 1] = { sock = sock, events = events, timeout = timeout_ms }
      return require("sctp.wait").poll_waiter(sock, events, timeout_ms)
    end))
    local _, err = s:recv(100)
    assert.equal("timeout", err)
    assert.is_true(#calls >= 1)
    assert.equal(s, calls[1].sock)
    assert.equal("r", calls[1].events)
    assert.is_true(calls[1].timeout > 0 and calls[1].timeout <= 100)
  end)

  it("can end the operation with its own error", function()
    sctp.setwaiter(function() return nil, "ecanceled", "stopped by the waiter" end)
    local s = H.client()
    local v, err, detail = s:recv(1000)
    assert.is_nil(v)
    assert.equal("ecanceled", err)
    assert.equal("stopped by the waiter", detail)
  end)

  it("is not called when the operation need not wait", function()
    local server, client, assoc = H.pair()
    H.must(client:send(assoc, 0, "ready"))
    H.expect_data(server)   -- drain the data so the next one is fresh
    H.must(client:send(assoc, 0, "queued"))
    local t0 = sctp.gettime()
    while sctp.gettime() - t0 < 0.2 do end   -- let it arrive
    local called = false
    server:setwaiter(function() called = true; return true end)
    local _, _, _, data = H.recv_data(server, 0)
    assert.equal("queued", data)
    assert.is_false(called)
  end)

  it("rejects a non-function", function()
    local s = H.client()
    H.raises(function() s:setwaiter(42) end, "setwaiter", "fn")
    H.raises(function() sctp.setwaiter("poll") end, "setwaiter", "fn")
  end)
end)
