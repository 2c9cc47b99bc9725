-- sctp.associations(): the host's SCTP associations through sctp_diag, as
-- `ss --sctp` lists them, checked against associations this spec makes.
-- sock_diag lists the kernel's associations only: the cases that look for
-- this spec's own are #kernel; on usrsctp they are not listed (the last
-- case).
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"
local sctp = require "sctp"

-- The record of the association from local port `lport` to `pport`.
local function find(list, lport, pport)
  for _, a in ipairs(list) do
    if a.local_port == lport and a.peer_port == pport then return a end
  end
end

local function wait_gone(lport, pport)
  local deadline = H.now() + 10
  while H.now() < deadline do
    if not find(H.must(sctp.associations()), lport, pport) then return true end
    H.client():recv(50)   -- (a short sleep)
  end
  return false
end

describe("sctp.associations()", function()
  after_each(H.cleanup)

  it("lists both ends of an association on this host, with addresses, state and counters #kernel", function()
    local server, client, assoc = H.pair({ sctp_initmsg = { num_ostreams = 5, max_instreams = 6 } },
                                         { sctp_initmsg = { num_ostreams = 7, max_instreams = 9 } })
    H.must(client:send(assoc, 0, "counted"))
    H.expect_data(server)
    local sport, cport = H.port_of(server), H.port_of(client)
    local list = H.must(sctp.associations())
    assert.is_table(list)
    local mine = find(list, cport, sport)
    assert(mine, "no record of the client's association in " .. H.show(list))
    local theirs = find(list, sport, cport)
    assert(theirs, "no record of the server's association in " .. H.show(list))
    assert.equal("inet", mine.family)
    assert.equal("sctp_state_established", mine.state)
    assert.same({ H.LOCAL }, mine.local_addrs)
    assert.same({ H.LOCAL }, mine.peer_addrs)
    assert.equal(H.LOCAL, mine.primary)
    -- the counts negotiated: the client asked for 7 out, the server takes 6 in
    assert.equal(6, mine.outstrms)
    assert.equal(5, mine.instrms)
    assert.equal(mine.tag, theirs.peer_tag)
    assert.equal(theirs.tag, mine.peer_tag)
    assert.is_true(mine.opackets >= 1 and theirs.ipackets >= 1, H.show(mine))
    assert.is_true(mine.rto > 0, H.show(mine))
    assert.is_number(mine.inode)
  end)

  it("lists a one-to-one association, and forgets an association once it has ended #kernel", function()
    local l = H.open(0, { type = "stream", ip = H.LOCAL })
    H.must(l:listen(5))
    local c = H.open(0, { type = "stream", ip = H.LOCAL })
    H.must(c:connect(H.LOCAL, H.port_of(l), nil, H.TIMEOUT))
    local conn = H.track(l:accept(H.TIMEOUT))
    local lport, cport = H.port_of(l), H.port_of(c)
    assert.truthy(find(H.must(sctp.associations()), cport, lport))
    c:close()
    conn:close()
    assert.is_true(wait_gone(cport, lport), "the ended association is still listed")
  end)

  it("filters by family #kernel", function()
    local server, client = H.pair()
    local sport, cport = H.port_of(server), H.port_of(client)
    assert.truthy(find(H.must(sctp.associations("inet")), cport, sport))
    assert.is_nil(find(H.must(sctp.associations("inet6")), cport, sport))
    local s6, c6 = H.pair({ family = "inet6" }, { family = "inet6" })
    local six = find(H.must(sctp.associations("inet6")), H.port_of(c6), H.port_of(s6))
    assert(six, "no inet6 record")
    assert.equal("inet6", six.family)
    assert.same({ H.LOCAL6 }, six.local_addrs)
  end)

  it("lists the default backend's associations on the kernel, not on usrsctp", function()
    local server, client = H.pair()
    local list = H.must(sctp.associations())
    assert.is_table(list)
    local mine = find(list, H.port_of(client), H.port_of(server))
    if H.USRSCTP then
      assert.is_nil(mine, "a usrsctp association in sock_diag's list: " .. H.show(mine))
    else
      assert(mine, "no record of the client's association in " .. H.show(list))
    end
  end)

  it("raises naming associations and family for a bad family", function()
    H.raises(function() sctp.associations("unix") end, "associations", "family")
    H.raises(function() sctp.associations(4) end, "associations", "family")
  end)
end)
