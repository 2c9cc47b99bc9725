-- Regressions found by the fuzzers (fuzz/).
local H = require "helper"
local core = require "sctp.core"

describe("fuzzer regressions", function()
  after_each(H.cleanup)

  -- control_size reserved CMSG_SPACE(in6_addr) per extra IPv4 address, so
  -- 2+ extra IPv4 addresses left >= 16 zero bytes at the end of the control
  -- buffer: a cmsg of length 0, and Linux failed the send with EINVAL.
  it("sendx reaches a peer given as three IPv4 addresses", function()
    local server = H.server({ ip = { "127.0.0.1", "127.0.0.2", "127.0.0.3" } })
    local port = H.port_of(server)
    local client = H.client()
    local id, err, detail = client:sendx({ "127.0.0.1", "127.0.0.2", "127.0.0.3" }, port,
                                         { stream = 0 }, "three")
    assert(type(id) == "number", "sendx: " .. tostring(err) .. " / " .. tostring(detail))
    local _, _, _, data = H.expect_data(server)
    assert.equal("three", data)
  end)

  -- libsctp (lksctp-tools 1.0.19) returns its 4 KiB buffer also for 0
  -- addresses; push_names freed it only for n > 0 (a leak LSan reports
  -- under make test SANITIZE=1).
  -- (core.socket takes the backend itself: the suite's, not the kernel's)
  it("socknames of an unbound socket is empty", function()
    local s = assert(core.socket("inet", "seqpacket", H.USRSCTP and "usrsctp" or nil))
    assert.same({}, s:socknames())
    s:close()
  end)
end)
