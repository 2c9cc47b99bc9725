-- The module table: loading, sctp.version, sctp.error_string,
-- sctp.is_event and the monotonic clock the specs rely on.

local H = require "helper"
local sctp = require "sctp"

describe("the sctp module", function()
  after_each(H.cleanup)

  it("loads as a table with the documented functions", function()
    assert.is_table(sctp)
    for _, name in ipairs({ "open", "error_string", "is_event" }) do
      assert.is_function(sctp[name], "sctp." .. name)
    end
  end)

  it("has its C core loadable as sctp.core", function()
    local core = require "sctp.core"
    assert.is_table(core)
  end)

  it("has a version string", function()
    assert.is_string(sctp.version)
    assert.is_true(#sctp.version > 0)
    assert.matches("%d", sctp.version)
  end)
end)

describe("sctp.error_string", function()
  it("returns \"ok\" for 0", function()
    assert.equal("ok", sctp.error_string(0))
  end)

  it("explains the SCTP error cause codes 1 to 13", function()
    -- a word of each RFC 4960 cause name, as in gen_sctp:error_string/1
    local words = {
      [1] = "stream",        -- Invalid Stream Identifier
      [2] = "mandatory",     -- Missing Mandatory Parameter
      [3] = "cookie",        -- Stale Cookie Error
      [4] = "resource",      -- Out of Resource
      [5] = "address",       -- Unresolvable Address
      [6] = "chunk",         -- Unrecognized Chunk Type
      [7] = "mandatory",     -- Invalid Mandatory Parameter
      [8] = "parameter",     -- Unrecognized Parameters
      [9] = "data",          -- No User Data
      [10] = "shutting",     -- Cookie Received While Shutting Down
      [11] = "restart",      -- Restart of an Association with New Addresses
      [12] = "abort",        -- User Initiated Abort
      [13] = "protocol",     -- Protocol Violation
    }
    local seen = {}
    for code = 1, 13 do
      local s = sctp.error_string(code)
      assert.is_string(s, "error_string(" .. code .. ")")
      assert.is_truthy(s:lower():find(words[code], 1, true),
        "error_string(" .. code .. ") = " .. H.show(s) .. " should mention " .. words[code])
      assert.is_nil(seen[s], "error_string(" .. code .. ") repeats " .. H.show(s))
      seen[s] = true
    end
  end)

  it("returns nil for an unknown code", function()
    assert.is_nil(sctp.error_string(9999))
  end)
end)

describe("sctp.is_event", function()
  after_each(H.cleanup)

  it("is true for an event received from recv", function()
    local server, client, assoc, sid, up = H.pair()
    assert.is_true(sctp.is_event(up))
    assert.is_true(sctp.is_event(assoc))
  end)

  it("is false for received data and for other values", function()
    local server, client, assoc = H.pair()
    H.must(client:send(assoc, 0, "plain data"))
    local _, _, _, data = H.expect_data(server)
    assert.equal("plain data", data)
    assert.is_false(sctp.is_event(data))
    assert.is_false(sctp.is_event("assoc_change"))
    assert.is_false(sctp.is_event(nil))
    assert.is_false(sctp.is_event(42))
    assert.is_false(sctp.is_event({ 104, 105 }))   -- data in list mode
    assert.is_false(sctp.is_event({}))             -- empty message in list mode
  end)
end)

describe("sctp.gettime", function()
  after_each(H.cleanup)

  it("returns monotonic seconds that follow a recv timeout", function()
    assert.is_function(sctp.gettime)
    local t0 = sctp.gettime()
    assert.is_number(t0)
    local s = H.server()
    local ip, err = s:recv(100)
    assert.is_nil(ip)
    assert.equal("timeout", err)
    local t1 = sctp.gettime()
    assert.is_true(t1 >= t0 + 0.08, string.format("%.4f -> %.4f", t0, t1))
    assert.is_true(t1 < t0 + 5, string.format("%.4f -> %.4f", t0, t1))
  end)
end)
