-- Leaks: many open/close and connect/eof cycles with the descriptor count,
-- the resident set size (VmRSS) and the Lua heap measured before, during
-- and after (printed), sockets dropped without close collected by the
-- garbage collector, calls that fail or raise leaving nothing behind, and
-- close while a recv (or send) waits.
--
-- Sizes: the quick run (make test, CI) does 5,000 open/close and 1,000
-- connect/eof cycles; with SCTP_SOAK=1 (soak/run, make soak) 100,000 of each,
-- each loop bounded by a share of SCTP_SOAK_SECONDS.
--
-- "Flat" means: after a warm-up, the descriptor count is exactly the same
-- at every measurement, the Lua heap (after a full collection) grows by less
-- than HEAP_SLACK_KB, and RSS grows by less than RSS_SLACK_KB from the first
-- tenth of the cycles to the end (a leak of 250 bytes a cycle would show
-- after 4,500 cycles; in the soak, 25 bytes a cycle after 90,000) and by
-- less than 4 * RSS_SLACK_KB overall (allocator caches, the collector's
-- high-water mark).
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"
local N = require "nethelper"
local sctp = require "sctp"

local SOAK = os.getenv("SCTP_SOAK") == "1"
local SOAK_SECONDS = tonumber(os.getenv("SCTP_SOAK_SECONDS") or "") or 600

local OPEN_CYCLES = SOAK and 100000 or 5000
local CONNECT_CYCLES = SOAK and 100000 or 1000
local BAD_CALLS = SOAK and 100000 or 5000
local WARMUP = 200
local SAMPLES = 10                 -- measurements along the way
local HEAP_SLACK_KB = 64
local RSS_SLACK_KB = SOAK and 2048 or 1024
-- Under AddressSanitizer (tools/run-tests --sanitize) freed memory sits in a
-- quarantine and RSS says nothing about leaks (LeakSanitizer does): RSS is
-- then printed but not checked.
local SANITIZED = (os.getenv("LD_PRELOAD") or ""):find("asan", 1, true) ~= nil
  or os.getenv("ASAN_OPTIONS") ~= nil
-- the longest one loop may take: a share of the soak time, or a bound that
-- a healthy quick run never reaches
local function budget(share)
  return SOAK and math.max(60, SOAK_SECONDS * share) or 120
end

local function measure()
  return { fds = N.fd_count(), heap = N.heap_kb(), rss = N.rss_kb() }
end

local function show_m(m)
  return string.format("fds %d, heap %.0f KiB, RSS %d KiB", m.fds, m.heap, m.rss)
end

-- Runs cycle(i) n times after `warmup` unmeasured ones, measuring SAMPLES
-- times along the way; stops at the time budget (seconds). Checks the
-- figures are flat, prints them, and returns the samples.
local function cycles(label, n, seconds, cycle)
  for i = 1, WARMUP do cycle(-i) end
  local base = measure()
  local samples = { base }
  local started = H.now()
  local deadline = started + seconds
  local step = math.max(1, math.floor(n / SAMPLES))
  local done = 0
  for i = 1, n do
    cycle(i)
    done = i
    if i % step == 0 or i == n then
      local m = measure()
      m.at = i
      samples[#samples + 1] = m
      if SOAK then
        print(string.format("  %s: %d cycles, %.1fs: %s", label, i, H.now() - started, show_m(m)))
      end
      if H.now() > deadline and i < n then break end
    end
  end
  local elapsed = H.now() - started
  local last = samples[#samples]
  local max_rss, max_heap = base.rss, base.heap
  for _, m in ipairs(samples) do
    if m.rss > max_rss then max_rss = m.rss end
    if m.heap > max_heap then max_heap = m.heap end
  end
  print(string.format("\n%s (%s): %d cycles in %.2fs (%.0f/s); before: %s; after: %s; " ..
    "peak RSS +%d KiB, peak heap +%.0f KiB",
    label, N.interpreter(), done, elapsed, done / elapsed, show_m(base), show_m(last),
    max_rss - base.rss, max_heap - base.heap))
  local series = {}
  for _, m in ipairs(samples) do series[#series + 1] = tostring(m.rss) end
  print("  RSS KiB along the way: " .. table.concat(series, " "))
  assert.equal(n, done, string.format("only %d of %d cycles within the time budget of %ds" ..
    " (raise SCTP_SOAK_SECONDS)", done, n, seconds))
  -- a leak is growth; the count may drop when handles other specs left
  -- behind (popen pipes, dropped sockets) are collected meanwhile
  for _, m in ipairs(samples) do
    assert.is_true(m.fds <= base.fds, ("descriptors after %s cycles: %d, %d before")
      :format(tostring(m.at), m.fds, base.fds))
  end
  assert.is_true(last.heap - base.heap < HEAP_SLACK_KB,
    string.format("Lua heap grew by %.0f KiB", last.heap - base.heap))
  if SANITIZED then
    print("  (RSS not checked: sanitizer build)")
  else
    -- the allocator and the collector settle during the first tenth (the
    -- heap's high-water mark between collections becomes resident); after
    -- that nothing may grow
    local early = samples[math.min(2, #samples)]
    assert.is_true(last.rss - early.rss < RSS_SLACK_KB,
      string.format("RSS grew by %d KiB from cycle %s to cycle %d", last.rss - early.rss,
        tostring(early.at), done))
    assert.is_true(max_rss - base.rss < 4 * RSS_SLACK_KB,
      string.format("RSS grew by %d KiB", max_rss - base.rss))
  end
  return samples
end

describe("leaks", function()
  after_each(H.cleanup)

  it(("open/close x %d keeps descriptors, RSS and the Lua heap flat"):format(OPEN_CYCLES), function()
    -- a mix: plain, with options, one-to-one, IPv6, listening
    local kinds = {
      function() return sctp.open(0, { ip = H.LOCAL }) end,
      function() return sctp.open(0, { ip = H.LOCAL, sctp_nodelay = true, sndbuf = 65536,
        sctp_rtoinfo = { initial = 500 }, sctp_events = { adaptation_layer_event = true } }) end,
      function() return sctp.open(0, { ip = H.LOCAL, type = "stream" }) end,
      function() return sctp.open(0, { ip = H.LOCAL6, family = "inet6" }) end,
      function()
        local s = sctp.open(0, { ip = { H.LOCAL, "127.0.0.2" } })
        if s then H.must(s:listen(true)) end
        return s
      end,
    }
    cycles("open/close", OPEN_CYCLES, budget(0.15), function(i)
      local s = H.must(kinds[i % #kinds + 1]())
      assert.equal(true, s:close())
    end)
  end)

  it(("connect/eof x %d keeps descriptors, RSS and the Lua heap flat"):format(CONNECT_CYCLES), function()
    local server = H.server()
    local port = H.port_of(server)
    local client = H.client()
    cycles("connect/eof", CONNECT_CYCLES, budget(0.45), function(i)
      local assoc = H.must(client:connect(H.LOCAL, port, nil, H.TIMEOUT))
      H.await_event(server, "assoc_change", "comm_up")
      H.must(client:send(assoc, 0, "cycle"))
      H.must(client:eof(assoc))
      H.await_event(client, "assoc_change", "shutdown_comp")
      -- the message, then the end of the association, at the server
      local _, _, _, data = H.expect_data(server)
      assert.equal("cycle", data)
      H.await_event(server, "assoc_change", "shutdown_comp")
    end)
  end)

  it(("bad calls x %d (raising and failing) keep descriptors, RSS and the Lua heap flat"):format(BAD_CALLS), function()
    local server, client, assoc = H.pair()
    local id = assoc.assoc_id
    local many = {}
    for k = 1, 40 do many[k] = "piece" end
    many[41] = 5                     -- after enough strings to need a heap iovec
    local addrs = {}
    for k = 1, 20 do addrs[k] = "127.0.0." .. k end
    addrs[21] = true                 -- after enough addresses to need a heap list
    local calls = {
      function() return client:send({ assoc_id = id, flags = { "unordered", "bogus" } }, "x") end,
      function() return client:send(id, 0, many) end,
      function() return client:send({ assoc_id = id, strem = 1 }, "x") end,
      function() return client:send(id, 0, "") end,
      function() return client:send(987654, 0, "x") end,
      function() return client:sendx(addrs, 9, {}, "x") end,
      function() return client:connectx_init(addrs, 9) end,
      function() return client:bindx(addrs, "add") end,
      function() return client:setopts { sctp_rtoinfo = { initial = 100, maximum = 1 } } end,
      function() return client:setopts { sctp_peer_addr_params = { flags = { "hb_enable", "nope" } } } end,
      function() return client:getopts { "sndbuf", sctp_status = { assoc_id = 987654 } } end,
      function() return client:getopts { sctp_rtoinfo = { asoc_id = 1 } } end,
      function() return client:peeloff(987654) end,
      function() return client:recv(-1) end,
    }
    cycles("bad calls", BAD_CALLS, budget(0.08), function(i)
      local ok, v = pcall(calls[i % #calls + 1])
      assert.is_true(not ok or v == nil)
    end)
    -- and the association still works
    H.must(client:send(assoc, 0, "still here"))
    local _, _, _, data = H.expect_data(server)
    assert.equal("still here", data)
  end)

  it("leaves no descriptor open when sctp.open raises for a bad argument (even before a collection)", function()
    local bad = {
      { ip = {} },
      { ip = { H.LOCAL, true } },
      { ip = H.LOCAL, sctp_initmsg = { num_ostreams = 65536 } },
      { ip = H.LOCAL, sctp_nodelay = "on" },
      { ip = H.LOCAL, mode = "text" },
    }
    local before = N.fd_count()
    local left, total = {}, 0
    collectgarbage("stop")   -- what a collection would hide
    for _, opts in ipairs(bad) do
      local b = N.fd_count()
      for _ = 1, 20 do assert.is_false((pcall(sctp.open, 0, opts))) end
      local a = N.fd_count()
      if a ~= b then
        total = total + (a - b)
        left[#left + 1] = string.format("%s: %d descriptors left open by 20 calls", H.show(opts), a - b)
      end
    end
    collectgarbage("restart")
    collectgarbage("collect")
    collectgarbage("collect")
    print(string.format("\nraising sctp.open (%s): %d calls left %d descriptors open until a collection",
      N.interpreter(), 20 * #bad, total))
    assert.equal(before, N.fd_count(), "descriptors after a collection")
    assert.same({}, left)
  end)

  it("collects sockets dropped without close: their descriptors close and their associations end", function()
    local server = H.server()
    local port = H.port_of(server)
    local ROUNDS, PLAIN, CONNECTED = SOAK and 20 or 3, 100, 50
    local base = measure()
    local ended = 0
    for round = 1, ROUNDS do
      local function make_and_drop()
        local socks = {}
        for k = 1, PLAIN do socks[k] = H.must(sctp.open(0, { ip = H.LOCAL })) end
        for k = 1, CONNECTED do
          local c = H.must(sctp.open(0, { ip = H.LOCAL }))
          H.must(c:connect(H.LOCAL, port, nil, H.TIMEOUT))
          socks[#socks + 1] = c
        end
        -- one peeled-off socket and one one-to-one pair too
        local p = H.must(sctp.open(0, { ip = H.LOCAL }))
        local a = H.must(p:connect(H.LOCAL, port, nil, H.TIMEOUT))
        socks[#socks + 1] = H.must(p:peeloff(a))
        local l = H.must(sctp.open(0, { ip = H.LOCAL, type = "stream" }))
        H.must(l:listen(1))
        local o = H.must(sctp.open(0, { ip = H.LOCAL, type = "stream" }))
        H.must(o:connect(H.LOCAL, H.port_of(l), nil, H.TIMEOUT))
        socks[#socks + 1] = H.must(l:accept(H.TIMEOUT))
        socks[#socks + 1] = l
        socks[#socks + 1] = o
        assert.equal(base.fds + PLAIN + CONNECTED + 2 + 3, N.fd_count())
      end
      make_and_drop()
      -- nothing refers to them any more
      collectgarbage("collect")
      collectgarbage("collect")
      assert.equal(base.fds, N.fd_count(), "descriptors after dropping round " .. round)
      -- every association made to the server ends (its socket was closed)
      local deadline = H.now() + H.TIMEOUT / 1000
      local target = round * (CONNECTED + 1)
      while ended < target do
        local ip, p, anc, data = server:recv(H.ms_left(deadline))
        assert.is_truthy(ip, string.format("only %d of %d associations ended: %s", ended, target, tostring(p)))
        if sctp.is_event(data) and data.event == "assoc_change" and data.state ~= "comm_up" then
          assert.is_true(data.state == "shutdown_comp" or data.state == "comm_lost", H.show(data))
          ended = ended + 1
        end
      end
    end
    local after = measure()
    print(string.format("\ndropped sockets (%s): %d rounds of %d sockets (%d with an association) collected; " ..
      "before: %s; after: %s", N.interpreter(), ROUNDS, PLAIN + CONNECTED + 5, CONNECTED + 1,
      show_m(base), show_m(after)))
    assert.is_true(after.heap - base.heap < HEAP_SLACK_KB, "Lua heap grew by " .. (after.heap - base.heap) .. " KiB")
  end)
end)

describe("leaks: sockets referred to from their own settings", function()
  after_each(H.cleanup)

  -- Per-socket Lua state that refers back to its socket (a handler or
  -- waiter closure that captured it) must not keep the socket alive. Lua
  -- 5.2+ collects such entries of a weak-keyed table (ephemerons); Lua 5.1
  -- and LuaJIT do not, so there the state is kept in the socket itself.
  it("collects a dropped socket whose active-mode handler refers to it", function()
    local base = N.fd_count()
    local function drop()
      local s = H.must(sctp.open(0, { ip = H.LOCAL }))
      H.must(s:controlling_process(function() return s end))
    end
    drop()
    collectgarbage("collect")
    collectgarbage("collect")
    assert.equal(base, N.fd_count(), "descriptors after the collection")
  end)

  it("collects a dropped socket whose waiter refers to it", function()
    local base = N.fd_count()
    local function drop()
      local s = H.must(sctp.open(0, { ip = H.LOCAL }))
      H.must(s:setwaiter(function() return s ~= nil end))
    end
    drop()
    collectgarbage("collect")
    collectgarbage("collect")
    assert.equal(base, N.fd_count(), "descriptors after the collection")
  end)
end)

describe("close while waiting", function()
  after_each(H.cleanup)

  it("wakes a recv whose waiter closes the socket with nil, \"closed\"", function()
    local base = N.fd_count()
    local s = H.must(sctp.open(0, { ip = H.LOCAL }))
    local calls = 0
    s:setwaiter(function(sock)
      calls = calls + 1
      assert.equal(true, sock:close())
      return true
    end)
    local t0 = H.now()
    H.fails("closed", false, s:recv(3000))
    assert.is_true(H.now() - t0 < 1, "recv waited on after the close")
    assert.equal(1, calls)
    assert.equal(base, N.fd_count())
    H.fails("closed", false, s:recv(0))
    assert.equal(true, s:close())
  end)

  it("wakes a coroutine suspended in recv with nil, \"closed\" when another closes the socket", function()
    local base = N.fd_count()
    local server, client, assoc = H.pair()
    local with_pair = N.fd_count()
    client:setwaiter(function() coroutine.yield("waiting") return true end)
    local co = coroutine.create(function() return client:recv(10000) end)
    local ok, what = coroutine.resume(co)
    assert.is_true(ok, tostring(what))
    assert.equal("waiting", what)
    -- the descriptor may stay open until the waiter has returned
    assert.equal(true, client:close())
    local r = H.pack(coroutine.resume(co))
    assert.is_true(r[1], tostring(r[2]))
    assert.equal("dead", coroutine.status(co))
    assert.same({ nil, "closed" }, { r[2], r[3] })
    assert.equal(with_pair - 1, N.fd_count())
    H.fails("closed", false, client:send(assoc, 0, "x"))
    -- the server notices the association went
    H.await_event(server, "assoc_change", "shutdown_comp")
    server:close()
    assert.equal(base, N.fd_count())
  end)

  it("wakes a coroutine suspended in send (full buffer) with nil, \"closed\"", function()
    local server, client, assoc = H.pair({ recbuf = 4096 }, { sndbuf = 4096, non_block_send = false })
    client:setwaiter(function(_, events, ms)
      coroutine.yield(events, ms)
      return true
    end)
    local co = coroutine.create(function()
      local chunk = ("x"):rep(1000)
      for n = 1, 10000 do
        local ok, err, detail = client:send(assoc, 0, chunk)
        if not ok then return n, err, detail end
      end
      return "never blocked"
    end)
    local ok, what, ms = coroutine.resume(co)
    assert.is_true(ok, tostring(what))
    if H.USRSCTP then
      -- usrsctp never tells writability: the waiter waits for "r" at most
      -- 1 ms, and send tries again
      assert.equal("r", what)
      assert.is_true(type(ms) == "number" and ms <= 1, "timeout_ms " .. tostring(ms))
    else
      assert.equal("w", what)
    end
    assert.equal(true, client:close())
    local r = H.pack(coroutine.resume(co))
    assert.is_true(r[1], tostring(r[2]))
    assert.is_number(r[2])
    assert.equal("closed", r[3])
  end)

  it("survives a waiting coroutine that is abandoned: socket and coroutine are collected", function()
    local base = N.fd_count()
    local function abandon()
      local s = H.must(sctp.open(0, { ip = H.LOCAL }))
      s:setwaiter(function() coroutine.yield() return true end)
      local co = coroutine.create(function() return s:recv() end)
      assert.is_true((coroutine.resume(co)))
      assert.equal("suspended", coroutine.status(co))
    end
    abandon()
    collectgarbage("collect")
    collectgarbage("collect")
    assert.equal(base, N.fd_count())
  end)

  it("lets a dispatch handler close its own socket while messages are still queued", function()
    local server, client, assoc = H.pair()
    for k = 1, 5 do H.must(client:send(assoc, 0, "m" .. k)) end
    -- let them all arrive (acknowledged: nothing left to send)
    H.must(client:setopts { sctp_events = { sender_dry_event = true } })
    H.await_event(client, "sender_dry_event")
    local seen = {}
    H.must(server:setopts { active = true })
    H.must(server:controlling_process(function(sock, ip, port, anc, data)
      seen[#seen + 1] = data
      if data == "m2" then assert.equal(true, sock:close()) end
    end))
    local r = H.pack(server:dispatch(1000))
    -- it stops at the close: either the count so far, or nil, "closed"
    assert.is_true(r[1] ~= nil or r[2] == "closed", H.show(r))
    local texts = {}
    for _, d in ipairs(seen) do if not sctp.is_event(d) then texts[#texts + 1] = d end end
    assert.same({ "m1", "m2" }, texts)
    H.fails("closed", false, server:dispatch(0))
    H.fails("closed", false, server:recv(0))
  end)
end)
