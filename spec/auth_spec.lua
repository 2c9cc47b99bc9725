-- RFC 4895 SCTP-AUTH against the kernel's own peer: the AUTH options, DATA
-- authenticated under a shared key, a key change with its
-- authentication_event, and a mismatched key failing the association; and
-- the other extensions an endpoint offers (asconf, ecn).
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"
local sctp = require "sctp"

local get = H.getopt

local function contains(list, want)
  for _, v in ipairs(list) do if v == want then return true end end
  return false
end

-- An endpoint (`make` is H.server or H.client) that wants DATA
-- authenticated, with the shared keys `keys` (keynumber -> bytes), `active`
-- the active one. Keys go to the endpoint before any association: an
-- association copies the endpoint's keys when it is made.
local function auth_endpoint(make, keys, active, extra)
  local opts = { sctp_auth_supported = true, sctp_auth_chunk = "data",
    sctp_events = { authentication_event = true } }
  for k, v in pairs(extra or {}) do opts[k] = v end
  local sock = make(opts)
  for number, bytes in pairs(keys) do
    H.must(sock:setopts({ sctp_auth_key = { keynumber = number, key = bytes } }))
  end
  H.must(sock:setopts({ sctp_auth_active_key = { keynumber = active } }))
  return sock
end

-- server, client, the client's assoc, the server's id of it
local function auth_pair(server_keys, client_keys, client_extra)
  local server = auth_endpoint(H.server, server_keys, 1)
  local client = auth_endpoint(H.client, client_keys, 1, client_extra)
  local assoc = H.must(client:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
  local up = H.expect_event(server, "assoc_change", "comm_up")
  return server, client, assoc, up.assoc_id
end

describe("SCTP-AUTH (RFC 4895)", function()
  after_each(H.cleanup)

  it("is off until sctp_auth_supported: the AUTH options answer eacces", function()
    local s = H.server()
    if H.USRSCTP then
      -- usrsctp: AUTH (and ASCONF, which needs it) on from the start; AUTH
      -- goes off only after ASCONF, and its options never answer eacces:
      -- sctp_auth_chunk turns it back on
      assert.equal(true, get(s, "sctp_auth_supported"))
      assert.equal(true, get(s, "sctp_asconf_supported"))
      H.fails("einval", true, s:setopts({ sctp_auth_supported = false }))
      H.must(s:setopts({ sctp_asconf_supported = false }))
      H.must(s:setopts({ sctp_auth_supported = false }))
      assert.equal(false, get(s, "sctp_auth_supported"))
      H.fails("einval", true, s:setopts({ sctp_asconf_supported = true }))
      assert.equal(true, s:setopts({ sctp_auth_key = { keynumber = 1, key = "k" } }))
      assert.same({ "sha1" }, get(s, "sctp_hmac_ident"))
      assert.equal(false, get(s, "sctp_auth_supported"))
      assert.equal(true, s:setopts({ sctp_auth_chunk = "data" }))
      assert.equal(true, get(s, "sctp_auth_supported"))
      return
    end
    assert.equal(false, get(s, "sctp_auth_supported"))
    local ok, err, detail = s:setopts({ sctp_auth_key = { keynumber = 1, key = "k" } })
    assert.is_nil(ok)
    assert.equal("eacces", err)
    assert.matches("sctp_auth_key", detail)
    ok, err = s:setopts({ sctp_auth_chunk = "data" })
    assert.is_nil(ok)
    assert.equal("eacces", err)
    local v, gerr = s:getopts({ "sctp_hmac_ident" })
    assert.is_nil(v)
    assert.equal("eacces", gerr)
  end)

  it("options round trip: hmac list, chunk list, active key, asconf and ecn", function()
    local s = H.server({ sctp_auth_supported = true })
    assert.equal(true, get(s, "sctp_auth_supported"))
    if H.USRSCTP then
      -- usrsctp is built without SCTP_SUPPORT_HMAC_SHA256: sha1 only
      H.fails("einval", true, s:setopts({ sctp_hmac_ident = { "sha256", "sha1" } }))
      assert.equal(true, s:setopts({ sctp_hmac_ident = { "sha1" } }))
      assert.same({ "sha1" }, get(s, "sctp_hmac_ident"))
    else
      assert.equal(true, s:setopts({ sctp_hmac_ident = { "sha256", "sha1" } }))
      assert.same({ "sha256", "sha1" }, get(s, "sctp_hmac_ident"))
    end
    -- Linux insists on sha1
    local ok, err = s:setopts({ sctp_hmac_ident = { "sha256" } })
    assert.is_nil(ok)
    assert.equal("einval", err)
    -- the chunk list grows; by name or by type number
    H.must(s:setopts({ sctp_auth_chunk = "data" }))
    H.must(s:setopts({ sctp_auth_chunk = 0x82 }))
    local local_chunks = get(s, "sctp_local_auth_chunks")
    assert.is_true(contains(local_chunks, "data"), H.show(local_chunks))
    assert.is_true(contains(local_chunks, "reconf"), H.show(local_chunks))
    -- chunks that can never be authenticated
    ok, err = s:setopts({ sctp_auth_chunk = "init" })
    assert.is_nil(ok)
    assert.equal("einval", err)
    -- key 0 (the empty key) exists and is active; a new key can be made active
    assert.same({ assoc_id = 0, keynumber = 0 }, get(s, "sctp_auth_active_key"))
    H.must(s:setopts({ sctp_auth_key = { keynumber = 7, key = string.rep("\0\255", 40) } }))
    H.must(s:setopts({ sctp_auth_active_key = { keynumber = 7 } }))
    assert.equal(7, get(s, "sctp_auth_active_key").keynumber)
    -- the active key cannot be deleted; another can, once deactivated
    ok, err = s:setopts({ sctp_auth_delete_key = { keynumber = 7 } })
    assert.is_nil(ok)
    assert.equal("einval", err)
    H.must(s:setopts({ sctp_auth_deactivate_key = { keynumber = 0 } }))
    if H.USRSCTP then
      -- usrsctp removes an endpoint's key as it deactivates it (endpoint
      -- keys are not refcounted there): nothing is left to delete
      H.fails("einval", true, s:setopts({ sctp_auth_delete_key = { keynumber = 0 } }))
    else
      assert.equal(true, s:setopts({ sctp_auth_delete_key = { keynumber = 0 } }))
    end
    ok, err = s:setopts({ sctp_auth_active_key = { keynumber = 0 } })
    assert.is_nil(ok, "key 0 was deleted")
    assert.equal("einval", err)
    -- the other extensions of the INIT
    for _, name in ipairs({ "sctp_asconf_supported", "sctp_ecn_supported" }) do
      local was = get(s, name)
      assert.is_boolean(was)
      H.must(s:setopts({ [name] = not was }))
      assert.equal(not was, get(s, name), name)
    end
    if H.USRSCTP then
      -- usrsctp answers sctp_auto_asconf only on a wildcard-bound socket
      H.fails("einval", true, s:getopts({ "sctp_auto_asconf" }))
      assert.is_boolean(get(H.open(0), "sctp_auto_asconf"))
    else
      assert.is_boolean(get(s, "sctp_auto_asconf"))
    end
  end)

  it("raises for bad AUTH arguments, naming them", function()
    local s = H.server({ sctp_auth_supported = true })
    H.raises(function() s:setopts({ sctp_auth_key = "secret" }) end, "sctp_auth_key", "expected")
    H.raises(function() s:setopts({ sctp_auth_key = { keynumber = 1 } }) end, "sctp_auth_key", "key", "string expected")
    H.raises(function() s:setopts({ sctp_auth_key = { keynumber = 70000, key = "k" } }) end, "keynumber")
    H.raises(function() s:setopts({ sctp_auth_key = { keynumber = 1, key = "k", secret = 1 } }) end,
      "sctp_auth_key", "unknown field", "secret")
    H.raises(function() s:setopts({ sctp_auth_chunk = "nonsense" }) end, "sctp_auth_chunk", "unknown name")
    H.raises(function() s:setopts({ sctp_auth_chunk = 256 }) end, "sctp_auth_chunk")
    assert.matches("[1]", H.raises(function() s:setopts({ sctp_hmac_ident = { "md5" } }) end,
      "sctp_hmac_ident", "unknown name", "md5"), 1, true)
    H.raises(function() s:setopts({ sctp_hmac_ident = {} }) end, "sctp_hmac_ident")
    H.raises(function() s:getopts({ "sctp_auth_key" }) end, "sctp_auth_key", "write-only")
    H.raises(function() s:getopts({ "sctp_auth_chunk" }) end, "write-only")
    H.raises(function() s:setopts({ sctp_peer_auth_chunks = {} }) end, "read-only")
    H.raises(function() s:getopts({ sctp_peer_auth_chunks = { keynumber = 1 } }) end, "unknown field")
    -- a peer's list needs an association
    local v, err = s:getopts({ sctp_peer_auth_chunks = { assoc_id = 4242 } })
    assert.is_nil(v)
    assert.equal("einval", err)
  end)

  it("DATA authenticated under a shared key; a key change brings authentication_event new_key", function()
    local KEYS = { [1] = "first shared key", [2] = "second shared key" }
    local server, client, assoc, sid = auth_pair(KEYS, KEYS)
    -- each side asked for DATA to be authenticated, and knows the other did
    assert.is_true(contains(get(client, "sctp_peer_auth_chunks", { assoc_id = assoc.assoc_id }), "data"))
    assert.is_true(contains(get(server, "sctp_peer_auth_chunks", { assoc_id = sid }), "data"))
    H.must(client:send(assoc, 0, "under key 1"))
    local _, _, _, data = H.expect_data(server)
    assert.equal("under key 1", data)
    -- the client signs with key 2 from now on: the server is told
    H.must(client:setopts({ sctp_auth_active_key = { assoc_id = assoc.assoc_id, keynumber = 2 } }))
    assert.equal(2, get(client, "sctp_auth_active_key", { assoc_id = assoc.assoc_id }).keynumber)
    assert.equal(1, get(client, "sctp_auth_active_key").keynumber, "the endpoint's stays 1")
    H.must(client:send(assoc, 0, "under key 2"))
    local ev = H.await_event(server, "authentication_event")
    assert.equal("new_key", ev.indication)
    assert.equal(2, ev.keynumber)
    assert.equal(sid, ev.assoc_id)
    _, _, _, data = H.expect_data(server)
    assert.equal("under key 2", data)
    -- key 1 deactivated on the client's association: freed once unused
    H.must(client:setopts({ sctp_auth_deactivate_key = { assoc_id = assoc.assoc_id, keynumber = 1 } }))
    ev = H.await_event(client, "authentication_event")
    assert.equal("free_key", ev.indication)
    assert.equal(1, ev.keynumber)
    H.must(client:send(assoc, 0, "still fine"))
    _, _, _, data = H.expect_data(server)
    assert.equal("still fine", data)
  end)

  -- The server drops every DATA chunk whose HMAC does not verify: nothing
  -- arrives, and the client retransmits. Heartbeats are not authenticated:
  -- while they are on, each HEARTBEAT-ACK resets the association's error
  -- count (Linux 6.1), so it stays up; with them off it fails after
  -- asocmaxrxt retransmissions.
  local function mismatched(hb_flag)
    local client_extra = {
      sctp_rtoinfo = H.FAST_RTO, sctp_associnfo = { asocmaxrxt = 3 },
      sctp_peer_addr_params = { hbinterval = 100, flags = { hb_flag } },
    }
    local server, client, assoc = auth_pair({ [1] = "the server's key" }, { [1] = "the client's key" },
      client_extra)
    H.must(client:send(assoc, 0, "never arrives"))
    return server, client, assoc
  end

  local function expect_no_data(server, ms)
    local deadline = H.now() + ms / 1000
    while true do
      local _, err, _, d = server:recv(H.ms_left(deadline))
      if d == nil then
        assert.equal("timeout", err)
        return
      end
      assert.is_true(sctp.is_event(d), "data arrived under a wrong key: " .. H.show(d))
    end
  end

  it("a mismatched key, heartbeats off: the DATA is dropped and the association fails", function()
    local server, client, assoc = mismatched("hb_disable")
    local lost = H.await_event(client, "assoc_change", "comm_lost", 10000)
    assert.equal(assoc.assoc_id, lost.assoc_id)
    expect_no_data(server, 300)
  end)

  it("a mismatched key, heartbeats on: the DATA is dropped and retransmitted, the association stays up", function()
    local server, client, assoc = mismatched("hb_enable")
    expect_no_data(server, 2000)
    if H.USRSCTP then
      -- usrsctp has no SCTP_GET_ASSOC_STATS
      H.fails("enoprotoopt", true, client:getopts({ sctp_get_assoc_stats = { assoc_id = assoc.assoc_id } }))
    else
      local stats = get(client, "sctp_get_assoc_stats", { assoc_id = assoc.assoc_id })
      assert.is_true(stats.rtxchunks >= 3, "retransmissions: " .. stats.rtxchunks)
    end
    local status = get(client, "sctp_status", { assoc_id = assoc.assoc_id })
    assert.equal("sctp_state_established", status.state)
    assert.equal(1, status.unackdata)
  end)
end)
