-- Randomised, stateful run of the socket API (spec/random_ops.lua): random
-- open / connect / ... / close sequences over a few loopback sockets, with
-- valid and invalid arguments, plain and inside cqueues coroutines, checked
-- after every step against the contract.
--
--   SCTP_RANDOM_SEED=N    replay that seed (else one from the clock; printed)
--   SCTP_RANDOM_STEPS=N   steps (default 20,000; 1,000,000 with SCTP_SOAK=1)
--   SCTP_RANDOM_STOP=1    stop at the first finding (default: go on and list
--                         every kind of finding once, with its first step)
--
-- The soak run (SCTP_SOAK=1) is bounded by SCTP_SOAK_SECONDS: it fails when
-- it cannot do its steps in time.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"
local sctp = require "sctp"
local R = require "random_ops"

local SOAK = os.getenv("SCTP_SOAK") == "1"
local SOAK_SECONDS = tonumber(os.getenv("SCTP_SOAK_SECONDS") or "") or 600

local function steps_from_env()
  local s = os.getenv("SCTP_RANDOM_STEPS")
  if s and s ~= "" then
    local n = tonumber(s)
    assert(n and n >= 1 and n == math.floor(n), "SCTP_RANDOM_STEPS must be a whole number >= 1, got " .. s)
    return n
  end
  return SOAK and 1000000 or 20000
end

describe("random operations", function()
  after_each(H.cleanup)

  describe("the checker", function()
    -- A spec that cannot fail proves nothing: the checks must catch each
    -- kind of wrong answer. Synthetic calls and results, no sockets.
    local slot = { id = 1, kind = "seqpacket", assocs = {} }
    local function call(op, bad) return { op = op, slot = slot, bad = bad, a = H.pack() } end
    local pos = R.SRC .. ":" .. R.INVOKE_LINE .. ": "

    it("accepts a documented failure and an argument error naming its argument", function()
      assert.is_nil(R.check({}, call("recv"), true, H.pack(nil, "timeout", "recv: timed out")))
      assert.is_nil(R.check({}, call("send", "stream"), false,
        pos .. "sctp: send: bad argument 'sndrcvinfo' (field 'stream': 70000 out of range [0, 65535])"))
      assert.is_nil(R.check({}, call("send_many", "data"), false,
        pos .. "sctp: send_many: bad argument 'list' (entry 3: data: string expected, got boolean)"))
      assert.is_nil(R.check({}, call("send", "data"), false,
        pos .. "sctp: send: bad argument 'data' (string or array of strings expected, got nil)"))
    end)

    it("flags a raise when every argument was valid", function()
      assert.equal("raised with valid arguments",
        R.check({}, call("recv"), false, pos .. "sctp: recv: oops"))
    end)

    it("flags an argument error at another position, of another function or argument", function()
      assert.truthy(R.check({}, call("send", "data"), false,
        "other.lua:1: sctp: send: bad argument 'data' (x)"))
      assert.truthy(R.check({}, call("send", "data"), false,
        pos .. "sctp: abort: bad argument 'data' (x)"))
      assert.truthy(R.check({}, call("send", "stream"), false,
        pos .. "sctp: send: bad argument 'data' (x)"))
      -- "stream" named, but the Lua wording says another argument is at fault
      assert.truthy(R.check({}, call("send", "stream"), false,
        pos .. "sctp: send: bad argument 'data' (stream expected)"))
    end)

    it("flags an invalid argument that was accepted", function()
      assert.equal("invalid argument accepted", R.check({}, call("bindx", "addrs"), true, H.pack(true)))
    end)

    it("flags undocumented failure names, missing details, false, eagain from a wait", function()
      assert.equal("undocumented failure name",
        R.check({}, call("send"), true, H.pack(nil, "errno99", "x")))
      assert.equal("undocumented failure name",
        R.check({}, call("send"), true, H.pack(nil, "unexpected", "x")))
      assert.equal("failure without a detail",
        R.check({}, call("send"), true, H.pack(nil, "einval")))
      assert.equal("false returned", R.check({}, call("send"), true, H.pack(false)))
      assert.equal("a wait reported eagain",
        R.check({}, call("recv"), true, H.pack(nil, "eagain", "recv: x")))
    end)

    it("flags a closed socket that does not answer closed, and wrong success values", function()
      local closed = { id = 2, kind = "stream", closed = true, assocs = {} }
      assert.equal("closed socket did not answer closed",
        R.check({}, { op = "send", slot = closed, a = H.pack() }, true, H.pack(nil, "einval", "x")))
      assert.equal("closed socket operation succeeded",
        R.check({}, { op = "send", slot = closed, a = H.pack() }, true, H.pack(true)))
      assert.equal("wrong success value", R.check({}, call("connect"), true, H.pack(true)))
    end)

    it("draws the same sequence from the same seed", function()
      local a, b, c = R.new_rng(12345), R.new_rng(12345), R.new_rng(12346)
      local sa, sb, sc = {}, {}, {}
      for i = 1, 20 do sa[i], sb[i], sc[i] = a.int(1000), b.int(1000), c.int(1000) end
      assert.same(sa, sb)
      assert.are_not.same(sa, sc)
      -- fixed values: the same on every Lua version (replays move between them)
      assert.same({ 15, 57 }, { R.new_rng(1).int(100), R.new_rng(7).int(100) })
    end)
  end)

  describe("a run", function()
    -- The whole driver, over real sockets, with one answer of the library
    -- replaced by a wrong one: the run must report it, with its seed.
    local function tampered(at, answer)
      return function(_, c, ok, r)
        if c.step == at then
          -- a socket the call really returned is closed, not left to the
          -- collector: the run counts descriptors
          if ok and r and type(r[1]) == "userdata" then r[1]:close() end
          return answer(c, ok, r)
        end
        return ok, r
      end
    end

    it("reports an undocumented failure name, with the step and the seed to replay", function()
      local report = R.run({ seed = 4242, steps = 300, tamper = tampered(120, function(c)
        if c.bad then return false, "not an argument error" end
        return true, H.pack(nil, "eweird", "made up")
      end) })
      assert.equal(300, report.steps)
      assert.equal(1, #report.findings)
      local f = report.findings[1]
      assert.equal(120, f.step)
      assert.truthy(f.kind == "undocumented failure name" or f.kind:find("argument error", 1, true), f.kind)
      local text = R.format(report)
      assert.truthy(text:find("seed 4242", 1, true), text)
      assert.truthy(text:find("SCTP_RANDOM_SEED=4242 SCTP_RANDOM_STEPS=300", 1, true), text)
      assert.truthy(text:find("#120 ", 1, true), text)   -- the step is in the trail
    end)

    it("reports a raise where every argument was valid", function()
      local report = R.run({ seed = 777, steps = 200, tamper = function(ctx, c, ok, r)
        if not c.bad and c.step >= 50 and not ctx.tampered then
          ctx.tampered = true
          return false, R.SRC .. ":" .. R.INVOKE_LINE .. ": sctp: " .. (c.fname or c.op) .. ": boom"
        end
        return ok, r
      end })
      assert.equal(1, #report.findings)
      assert.equal("raised with valid arguments", report.findings[1].kind)
    end)

    it("reports a descriptor it does not hold, along the way and at the end", function()
      local stray
      local report = R.run({ seed = 99, steps = 200, tamper = tampered(30, function(_, ok, r)
        stray = stray or assert(sctp.open())
        return ok, r
      end) })
      assert(stray, "the tamper function did not run")
      stray:close()
      local kinds = {}
      for _, f in ipairs(report.findings) do kinds[f.kind] = true end
      assert.is_true(kinds["descriptor count"])
      assert.is_true(kinds["descriptors leaked"])
    end)

    it("reports a step that takes longer than its bound", function()
      local report = R.run({ seed = 5, steps = 20, slow_step = -1 })
      assert.equal("step took too long", report.findings[1].kind)
    end)

    it("finds nothing in a short clean run of the same seeds", function()
      for _, seed in ipairs({ 4242, 777, 99 }) do
        local report = R.run({ seed = seed, steps = 300 })
        assert(#report.findings == 0, R.format(report))
      end
    end)
  end)

  it("keeps the contract over random operation sequences", function()
    local seed, replay = R.seed_from_env()
    local steps = steps_from_env()
    -- printed before the run, so a crash of the process can be replayed too
    io.stderr:write(string.format("random_ops: seed %d, %d steps%s (replay: SCTP_RANDOM_SEED=%d)\n",
      seed, steps, replay and " (replay)" or "", seed))
    local deadline = SOAK and (H.now() + math.max(60, SOAK_SECONDS * 0.9)) or nil
    local report = R.run({
      seed = seed, steps = steps, deadline = deadline,
      stop_on_finding = os.getenv("SCTP_RANDOM_STOP") == "1",
    })
    local counts = {}
    for op, n in pairs(report.counts) do counts[#counts + 1] = op .. " " .. n end
    table.sort(counts)
    print(string.format("random ops (seed %d): %d steps in %.1fs (%.0f steps/s, %.1fs CPU), %d failures returned, %d raised; %s",
      seed, report.steps, report.seconds, report.steps / report.seconds, report.cpu, report.fails, report.raises,
      table.concat(counts, ", ")))
    local text = R.format(report)
    assert(text == nil, text)
    assert(not report.out_of_time, string.format(
      "random_ops (seed %d): only %d of %d steps in the time bound (%.0fs)",
      seed, report.steps, steps, report.seconds))
    assert.equal(steps, report.steps)
  end)
end)
