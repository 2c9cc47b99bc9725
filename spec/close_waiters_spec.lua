-- close() while coroutines wait on the socket, under cqueues and luv: every
-- waiter wakes with nil, "closed", and the event loop goes on serving the
-- other coroutines (the loop must forget the descriptor before it closes).
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code: no goto, no `//`, no `<close>`.

local H = require "helper"
local sctp = require "sctp"

local has_cqueues, cqueues = pcall(require, "cqueues")
local has_luv, uv = pcall(require, "luv")

local CHUNK = ("x"):rep(1000)

-- A client whose sends block: small buffers, and a server that never reads.
local function blocked_pair()
  local server, client, assoc = H.pair({ recbuf = 4096 }, { sndbuf = 4096 })
  return server, client, assoc
end

-- The body of a writer coroutine: sends until a send fails; the error.
local function flood(client, assoc, counter)
  while true do
    local ok, err = client:send(assoc, 0, CHUNK)
    if not ok then return err end
    counter.sent = counter.sent + 1
  end
end

-- The body of the coroutine that keeps working on another association
-- after the close (a pair made outside the coroutine): `rounds` echo exchanges; returns how many succeeded and
-- what went wrong. It raises nothing: under luv on Lua 5.1 a coroutine can
-- neither yield inside pcall nor raise into a loop callback (luv ends the
-- process), so the checks are made on its results afterwards.
local function keep_working(sleep, rounds, server, client, assoc)
  for i = 1, rounds do
    sleep(0.02)
    local text = "after the close " .. i
    local ok, err = client:send(assoc, 0, text)
    if not ok then return i - 1, "send: " .. tostring(err) end
    local _, _, anc, data = H.recv_data(server)
    if data ~= text then return i - 1, "server got " .. tostring(data) end
    ok, err = server:send({ assoc_id = anc[1].assoc_id, stream = 0 }, data)
    if not ok then return i - 1, "echo: " .. tostring(err) end
    _, _, _, data = H.recv_data(client)
    if data ~= text then return i - 1, "client got " .. tostring(data) end
  end
  return rounds
end

describe("close under cqueues waiters", function()
  after_each(H.cleanup)

  if not has_cqueues then
    it("is installed (lua-cqueues)", function() error("cqueues not found: " .. tostring(cqueues)) end)
    return
  end

  -- Runs the scenario: `readers` (0/1) coroutines in recv and `writers`
  -- (0/1) in send on one socket, a closer, and a fourth coroutine on
  -- another association that must keep working after the close.
  local function scenario(readers, writers)
    local _, client, assoc = blocked_pair()
    local other_s, other_c, other_a = H.pair()
    local cq = cqueues.new()
    local counter = { sent = 0 }
    local got_r, got_w, worked
    if readers > 0 then
      cq:wrap(function() got_r = { client:recv() } end)
    end
    if writers > 0 then
      cq:wrap(function() got_w = flood(client, assoc, counter) end)
    end
    cq:wrap(function()
      cqueues.sleep(0.3)   -- by now the others wait in recv / send
      assert.is_true(client:close())
    end)
    local why
    cq:wrap(function() worked, why = keep_working(cqueues.sleep, 20, other_s, other_c, other_a) end)
    local ok, err, _, _, _, fd = cq:loop(30)
    assert(ok, "the cqueues loop failed: " .. tostring(err) .. " (fd " .. tostring(fd) .. ")")
    if readers > 0 then assert.same({ nil, "closed" }, { got_r[1], got_r[2] }) end
    if writers > 0 then
      assert.equal("closed", got_w)
      assert.is_true(counter.sent > 0)
    end
    assert.equal(20, worked, why)
    assert.equal("sctp.socket (closed)", tostring(client))
  end

  it("wakes one reader with nil, \"closed\" and the loop goes on", function()
    scenario(1, 0)
  end)

  it("wakes one writer with nil, \"closed\" and the loop goes on", function()
    scenario(0, 1)
  end)

  it("wakes a reader and a writer on the same socket, and the loop goes on", function()
    scenario(1, 1)
  end)

  it("runs the same loop again afterwards, a new socket on the old descriptor number", function()
    scenario(1, 1)
    scenario(1, 1)
  end)

  -- abort() of a one-to-one socket closes it too (linger 0): the same path
  -- as close (found by the randomised spec: the loop kept the descriptor,
  -- and broke on the next socket given its number)
  it("wakes a reader of a one-to-one socket that abort() closes, and the loop goes on", function()
    for _ = 1, 2 do
      local l = H.open(0, { type = "stream", ip = "127.0.0.1" })
      H.must(l:listen(true))
      local c = H.open(0, { type = "stream", ip = "127.0.0.1" })
      H.must(c:connect("127.0.0.1", H.port_of(l), nil, 5000))
      local other_s, other_c, other_a = H.pair()
      local cq = cqueues.new()
      local got, worked, why
      cq:wrap(function() got = { c:recv() } end)
      cq:wrap(function()
        cqueues.sleep(0.3)
        assert.is_true(c:abort())
        -- a new socket in the same loop (the aborted descriptor is closed
        -- once the reader has woken: the next round's sockets reuse it)
        local again = H.open(0, { type = "stream", ip = "127.0.0.1" })
        local a, err = again:recv(100)
        if H.USRSCTP then
          -- usrsctp: recv on a one-to-one socket never connected answers
          -- enotconn at once (Linux waits); a one-to-many one still waits
          -- in the loop on a reused number
          assert.same({ nil, "enotconn" }, { a, err })
          a, err = H.client():recv(100)
        end
        assert.same({ nil, "timeout" }, { a, err })
      end)
      cq:wrap(function() worked, why = keep_working(cqueues.sleep, 20, other_s, other_c, other_a) end)
      local ok, err, _, _, _, efd = cq:loop(30)
      assert(ok, "the cqueues loop failed: " .. tostring(err) .. " (fd " .. tostring(efd) .. ")")
      assert.same({ nil, "closed" }, { got[1], got[2] })
      assert.equal(20, worked, why)
    end
  end)
end)

describe("close under luv waiters", function()
  after_each(function()
    sctp.setwaiter(nil)
    H.cleanup()
    if has_luv then uv.run("nowait") end
  end)

  if not has_luv then
    it("is installed (lua-luv)", function() error("luv not found: " .. tostring(uv)) end)
    return
  end

  -- luv's sleep for a coroutine: a timer that resumes it.
  local function uv_sleep(seconds)
    local co = coroutine.running()
    local t = uv.new_timer()
    t:start(math.floor(seconds * 1000), 0, function()
      t:close()
      assert(coroutine.resume(co))
    end)
    coroutine.yield()
  end

  local function spawn(fn)
    local co = coroutine.create(fn)
    local ok, err = coroutine.resume(co)
    assert(ok, err)
  end

  local function scenario(readers, writers)
    sctp.setwaiter(require("sctp.luv").waiter(uv))
    local _, client, assoc = blocked_pair()
    local other_s, other_c, other_a = H.pair()
    local counter = { sent = 0 }
    local got_r, got_w, worked, why, closed
    if readers > 0 then spawn(function() got_r = { client:recv() } end) end
    if writers > 0 then spawn(function() got_w = flood(client, assoc, counter) end) end
    spawn(function()
      uv_sleep(0.3)
      closed = { client:close() }
    end)
    spawn(function() worked, why = keep_working(uv_sleep, 20, other_s, other_c, other_a) end)
    local guard = uv.new_timer()   -- a hung loop fails the test, not the suite
    guard:start(30000, 0, function() uv.stop() end)
    guard:unref()
    uv.run()
    guard:close()
    assert.same({ true }, closed)
    if readers > 0 then assert.same({ nil, "closed" }, { got_r[1], got_r[2] }) end
    if writers > 0 then
      assert.equal("closed", got_w)
      assert.is_true(counter.sent > 0)
    end
    assert.equal(20, worked, why)
  end

  it("wakes one reader with nil, \"closed\" and the loop goes on", function()
    scenario(1, 0)
  end)

  it("wakes one writer with nil, \"closed\" and the loop goes on", function()
    scenario(0, 1)
  end)

  it("wakes a reader and a writer on the same socket, and the loop goes on", function()
    scenario(1, 1)
  end)
end)
