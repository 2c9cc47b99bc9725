-- M3UA (RFC 4666) over SCTP against a real signalling gateway, osmo-stp:
-- examples/m3ua_asp.lua brings an ASP up, makes it active for the routing
-- context in osmo-stp's config, checks the peer with BEAT, sends DATA on
-- stream 1 to its own point code (osmo-stp routes it back) and takes the
-- ASP down. tshark reads the capture and checks that what the ASP sent is
-- what it meant to: message classes and types, streams, ppid 3, the
-- routing context.
--
-- What osmo-stp's config needs, and why: examples/peers/osmo-stp.cfg.

local H = require "helper"
local N = require "nethelper"

local RC, PC = 23, "0.0.5"     -- as in osmo-stp.cfg; point code 5, written as 3.8.3
local MGMT, TRANSFER, ASPSM, ASPTM = 0, 1, 3, 4
local FIELDS = { "sctp.srcport", "sctp.data_sid", "sctp.data_payload_proto_id",
  "m3ua.message_class", "m3ua.message_type", "m3ua.routing_context",
  "m3ua.protocol_data_opc", "m3ua.protocol_data_dpc" }

-- The M3UA messages of the frames, in order, each with the side that sent
-- it (its source port), its stream and ppid (one DATA chunk per message).
-- A routing context or point codes are read only from a frame with one
-- message (several in a frame give lists that cannot be told apart).
local function messages(frames)
  local list = {}
  for _, f in ipairs(frames) do
    local n = #f["m3ua.message_class"]
    for i = 1, n do
      local m = {
        port = tonumber(f["sctp.srcport"][1]),
        class = tonumber(f["m3ua.message_class"][i]), type = tonumber(f["m3ua.message_type"][i]),
        sid = tonumber(f["sctp.data_sid"][i]), ppid = tonumber(f["sctp.data_payload_proto_id"][i]),
      }
      if n == 1 then
        m.rc = tonumber(f["m3ua.routing_context"][1])
        m.opc = tonumber(f["m3ua.protocol_data_opc"][1])
        m.dpc = tonumber(f["m3ua.protocol_data_dpc"][1])
      end
      list[#list + 1] = m
    end
  end
  return list
end

-- #kernel: osmo-stp speaks the kernel's SCTP (none natively on usrsctp)
describe("M3UA with osmo-stp #kernel", function()
  after_each(N.teardown)

  it("m3ua_asp.lua: ASPUP, ASPAC with the routing context, BEAT, DATA on stream 1, ASPDN; ppid 3, checked by tshark", function()
    N.need("osmo-stp", "osmo-stp")
    N.need("tshark", "tshark")
    local ports = H.free_ports(2)
    local stp_port, asp_port = ports[1], ports[2]
    local conf = N.config("osmo-stp.cfg", N.tmpdir(), { port = stp_port, asp_port = asp_port })

    local capture = N.capture("lo", "sctp", 60)
    local stp = N.start_program(60, { "osmo-stp", "-c", conf })
    assert(N.wait_listening(stp_port, 10000), "osmo-stp did not listen:\n" .. stp:output())
    local asp = N.start_peer(nil, 30, "examples/m3ua_asp.lua",
      { "--local-port", asp_port, "--rc", RC, "--opc", PC, "127.0.0.1", stp_port })
    local done, status = asp:wait(30000)
    local out = asp:output()
    assert.is_true(done, out)
    assert.equal(0, status, out .. "\nosmo-stp:\n" .. stp:output())
    assert.truthy(out:find("<- stream 0 ppid 3  ASPAC_ACK traffic-mode=1 RC=23", 1, true), out)
    assert.truthy(out:find("DATA routed back by the SG on stream 1", 1, true), out)
    assert.truthy(out:find("m3ua asp: OK, ASPUP, ASPAC (RC 23), BEAT, DATA, ASPDN", 1, true), out)

    assert.is_true(capture:stop() > 0)
    local list = messages(capture:frames("m3ua", FIELDS, { "sctp.port==" .. stp_port .. ",m3ua" }))
    local mine, theirs = {}, {}
    for _, m in ipairs(list) do
      if m.port == asp_port then
        mine[#mine + 1] = m
        assert.equal(3, m.ppid, H.show(m))
      elseif m.class ~= MGMT then     -- NTFY (AS state changes) come as they will
        theirs[#theirs + 1] = m
      end
    end
    local function kinds(l)
      local t = {}
      for i, m in ipairs(l) do t[i] = { m.class, m.type, m.sid } end
      return t
    end
    -- ASPUP, ASPAC, BEAT, DATA, ASPDN: management on stream 0, DATA on 1
    assert.same({ { ASPSM, 1, 0 }, { ASPTM, 1, 0 }, { ASPSM, 3, 0 }, { TRANSFER, 1, 1 }, { ASPSM, 2, 0 } },
      kinds(mine), H.show(list))
    -- ASPUP_ACK, ASPAC_ACK, BEAT_ACK, DATA (routed back), ASPDN_ACK
    local answers = kinds(theirs)
    for _, a in ipairs(answers) do a[3] = nil end
    assert.same({ { ASPSM, 4 }, { ASPTM, 3 }, { ASPSM, 6 }, { TRANSFER, 1 }, { ASPSM, 5 } }, answers, H.show(list))
    assert.equal(RC, mine[2].rc, H.show(mine[2]))      -- ASPAC
    assert.equal(RC, mine[4].rc, H.show(mine[4]))      -- DATA
    assert.equal(5, mine[4].opc)
    assert.equal(5, mine[4].dpc)
  end)
end)
