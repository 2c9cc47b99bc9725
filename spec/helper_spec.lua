-- The spec helpers that judge other specs must be able to fail: each is
-- given a wrong outcome here and must reject it. No socket needed.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"

-- The message of the error fn raises (fn must raise).
local function rejection(fn)
  local ok, err = pcall(fn)
  assert(not ok, "the helper accepted a wrong outcome")
  return tostring(err)
end

local function raiser(msg)
  return function() error(msg, 0) end
end

describe("H.raises", function()
  local MSG = "x.lua:3: sctp: send: bad argument 'data' (string expected, got nil)"

  it("passes when the message names every word, and returns it", function()
    assert.equal(MSG, H.raises(raiser(MSG), "send", "data"))
    assert.equal(MSG, H.raises(raiser(MSG), "send", "data", "bad argument"))
  end)

  it("fails when the argument named is the wrong one", function()
    local why = rejection(function() H.raises(raiser(MSG), "send", "stream") end)
    assert.matches("does not name stream", why, 1, true)
  end)

  it("fails when the function named is the wrong one", function()
    local why = rejection(function() H.raises(raiser(MSG), "recv", "data") end)
    assert.matches("does not name recv", why, 1, true)
  end)

  it("fails when only the words every argument error has match", function()
    rejection(function() H.raises(raiser(MSG), "bad argument", "assoc") end)
  end)

  it("matches whole words only", function()
    rejection(function() H.raises(raiser(MSG), "send", "dat") end)
    rejection(function() H.raises(raiser("sctp: send: bad assoc_id"), "send", "assoc") end)
  end)

  it("takes an array as alternatives for one word", function()
    H.raises(raiser(MSG), "send", { "data", "sndrcvinfo" })
    rejection(function() H.raises(raiser(MSG), "send", { "assoc", "stream" }) end)
  end)

  it("fails when nothing is raised, and when given no word to look for", function()
    local why = rejection(function() H.raises(function() return nil, "closed" end, "send") end)
    assert.matches("expected a Lua error", why, 1, true)
    rejection(function() H.raises(raiser(MSG)) end)
  end)
end)

describe("H.fails", function()
  it("passes on nil, the expected name and a detail", function()
    H.fails("closed", true, nil, "closed", "socket is closed")
  end)

  it("fails on another error name, a missing detail, or a success", function()
    rejection(function() H.fails("closed", true, nil, "timeout", "no answer") end)
    rejection(function() H.fails("closed", true, nil, "closed") end)
    rejection(function() H.fails("closed", true, true) end)
  end)

  it("will not accept any name: the expected one must be given", function()
    rejection(function() H.fails(nil, true, nil, "closed", "socket is closed") end)
  end)
end)
