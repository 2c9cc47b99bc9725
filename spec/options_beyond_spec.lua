-- Options beyond gen_sctp, against the kernel's own peer: RFC 8260 stream
-- schedulers, the association counters (sctp_get_assoc_stats), PR-SCTP's
-- abandoned-message counters, the association list of a one-to-many
-- socket, sctp_default_prinfo, sctp_context and sack_freq.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"
local sctp = require "sctp"

local get = H.getopt
local unpack = table.unpack or unpack

local function set(sock, name, value)
  return H.must(sock:setopts({ [name] = value }))
end

local SIZE = 16 * 1024

-- The streams, in the order the server got them, of `per_stream` messages
-- sent on stream 0 and then as many on stream 1 while the server does not
-- read: all but the first few wait in the client's queue, where the
-- scheduler picks what goes next once the server reads.
local function arrival_order(scheduler, values, per_stream)
  local server, client, assoc = H.pair({ recbuf = 32768 }, {
    sndbuf = 4 * 1024 * 1024,
    sctp_initmsg = { num_ostreams = 2, max_instreams = 2 },
  })
  local id = assoc.assoc_id
  set(client, "sctp_stream_scheduler", { assoc_id = id, value = scheduler })
  for stream, value in pairs(values) do
    set(client, "sctp_stream_scheduler_value", { assoc_id = id, stream = stream, value = value })
  end
  for stream = 0, 1 do
    for i = 1, per_stream do
      H.must(client:send(assoc, stream, string.rep(string.char(65 + stream), SIZE - 1) .. i % 10))
    end
  end
  local order = {}
  for i = 1, 2 * per_stream do
    local _, _, anc, data = H.expect_data(server)
    assert.equal(SIZE, #data)
    order[i] = H.info(anc).stream
  end
  return table.concat(order)
end

describe("options beyond gen_sctp", function()
  after_each(H.cleanup)

  describe("stream schedulers (RFC 8260)", function()
    it("sctp_stream_scheduler reads fcfs on a new association and takes prio and rr", function()
      local _, client, assoc = H.pair()
      local id = assoc.assoc_id
      -- usrsctp's default scheduler is round robin (its SCTP_SS_DEFAULT)
      local default = H.USRSCTP and "rr" or "fcfs"
      assert.same({ assoc_id = id, value = default }, get(client, "sctp_stream_scheduler", { assoc_id = id }))
      for _, name in ipairs({ "prio", "rr", "fcfs" }) do
        set(client, "sctp_stream_scheduler", { assoc_id = id, value = name })
        assert.equal(name, get(client, "sctp_stream_scheduler", { assoc_id = id }).value)
      end
    end)

    it("a scheduler set on the socket is the one of its later associations", function()
      local server = H.server()
      local client = H.client({ sctp_stream_scheduler = { value = "rr" } })
      assert.equal("rr", get(client, "sctp_stream_scheduler").value)
      local assoc = H.must(client:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
      assert.equal("rr", get(client, "sctp_stream_scheduler", { assoc_id = assoc.assoc_id }).value)
    end)

    it("fc and wfq are known names: a kernel without them answers einval", function()
      local _, client, assoc = H.pair()
      for _, name in ipairs({ "fc", "wfq" }) do
        local ok, err = client:setopts({ sctp_stream_scheduler = { assoc_id = assoc.assoc_id, value = name } })
        if ok then
          assert.equal(name, get(client, "sctp_stream_scheduler", { assoc_id = assoc.assoc_id }).value)
        else
          assert.equal("einval", err)
        end
        print(("\nscheduler %s: %s"):format(name, ok and "taken" or err))
      end
    end)

    it("an unknown scheduler name raises naming the option", function()
      local s = H.client()
      local msg = H.raises(function() s:setopts({ sctp_stream_scheduler = { value = "lifo" } }) end,
                           "setopts", "opts")
      assert.truthy(msg:find("option 'sctp_stream_scheduler'", 1, true), msg)
      assert.truthy(msg:find("unknown scheduler 'lifo'", 1, true), msg)
    end)

    it("sctp_stream_scheduler_value: per stream, read back; a stream the association lacks is einval", function()
      local _, client, assoc = H.pair(nil, { sctp_initmsg = { num_ostreams = 3, max_instreams = 3 } })
      local id = assoc.assoc_id
      set(client, "sctp_stream_scheduler", { assoc_id = id, value = "prio" })
      set(client, "sctp_stream_scheduler_value", { assoc_id = id, stream = 2, value = 7 })
      set(client, "sctp_stream_scheduler_value", { assoc_id = id, stream = 1, value = 3 })
      assert.same({ assoc_id = id, stream = 2, value = 7 },
                  get(client, "sctp_stream_scheduler_value", { assoc_id = id, stream = 2 }))
      assert.equal(3, get(client, "sctp_stream_scheduler_value", { assoc_id = id, stream = 1 }).value)
      H.fails("einval", nil, client:setopts({
        sctp_stream_scheduler_value = { assoc_id = id, stream = 3, value = 1 } }))
    end)

    it("queued messages leave in send order under fcfs, the favoured stream first under prio", function()
      local n = 12
      local fcfs = arrival_order("fcfs", {}, n)
      assert.equal(string.rep("0", n) .. string.rep("1", n), fcfs)
      -- prio: the lower value goes first; stream 1's messages overtake
      -- stream 0's that were still queued
      local prio = arrival_order("prio", { [0] = 2, [1] = 1 }, n)
      assert.truthy(prio:find("10", 1, true), "stream 1 never overtook stream 0: " .. prio)
      assert.equal("0", prio:sub(-1), prio)
      print(("\nstream order of %d + %d queued messages: fcfs %s, prio %s"):format(n, n, fcfs, prio))
    end)
  end)

  describe("path failure tuning", function()
    -- usrsctp has none of the three options (docs/backend-diff-b.md)
    local ABSENT = {
      sctp_peer_addr_thlds = { pathmaxrxt = 6 },
      sctp_expose_potentially_failed_state = { value = "enable" },
      sctp_plpmtud_probe_interval = { interval = 6000 },
    }
    it("sctp_peer_addr_thlds, sctp_expose_potentially_failed_state, sctp_plpmtud_probe_interval: usrsctp answers nil, \"enoprotoopt\"", function()
      local s = H.client()
      for name, value in pairs(ABSENT) do
        if H.USRSCTP then
          H.fails("enoprotoopt", true, s:setopts({ [name] = value }))
          H.fails("enoprotoopt", true, s:getopts({ name }))
        else
          set(s, name, value)
          assert.is_table(get(s, name), name)
        end
      end
    end)

    it("sctp_peer_addr_thlds (RFC 7829, v2) round-trips its three thresholds #kernel", function()
      local s = H.client()
      set(s, "sctp_peer_addr_thlds", { pathmaxrxt = 6, pathpfthld = 2, pathcpthld = 3 })
      local t = get(s, "sctp_peer_addr_thlds")
      assert.equal(6, t.pathmaxrxt)
      assert.equal(2, t.pathpfthld)
      assert.equal(3, t.pathcpthld)
      set(s, "sctp_peer_addr_thlds", { pathpfthld = 1 })   -- the others stay
      t = get(s, "sctp_peer_addr_thlds")
      assert.same({ 6, 1, 3 }, { t.pathmaxrxt, t.pathpfthld, t.pathcpthld })
    end)

    it("sctp_expose_potentially_failed_state takes unset, disable and enable #kernel", function()
      local s = H.client()
      for _, v in ipairs({ "enable", "disable", "unset" }) do
        set(s, "sctp_expose_potentially_failed_state", { value = v })
        assert.equal(v, get(s, "sctp_expose_potentially_failed_state").value)
      end
      local msg = H.raises(function()
        s:setopts({ sctp_expose_potentially_failed_state = { value = "always" } })
      end, "setopts", "opts")
      assert.truthy(msg:find("unknown value 'always'", 1, true), msg)
    end)

    it("sctp_plpmtud_probe_interval (RFC 8899): 0 or at least 5000 ms #kernel", function()
      local s = H.client()
      set(s, "sctp_plpmtud_probe_interval", { interval = 6000 })
      assert.equal(6000, get(s, "sctp_plpmtud_probe_interval").interval)
      set(s, "sctp_plpmtud_probe_interval", { interval = 0 })
      assert.equal(0, get(s, "sctp_plpmtud_probe_interval").interval)
      H.fails("einval", true, s:setopts({ sctp_plpmtud_probe_interval = { interval = 100 } }))
    end)
  end)

  describe("counters", function()
    it("sctp_get_assoc_stats: usrsctp has no such counters, nil, \"enoprotoopt\"", function()
      local _, client, assoc = H.pair()
      local r = H.pack(client:getopts({ sctp_get_assoc_stats = { assoc_id = assoc.assoc_id } }))
      if H.USRSCTP then
        H.fails("enoprotoopt", true, unpack(r, 1, r.n))
      else
        assert.equal(assoc.assoc_id, H.must(unpack(r, 1, r.n)).sctp_get_assoc_stats.assoc_id)
      end
    end)

    it("sctp_get_assoc_stats counts both sides' packets and chunks #kernel", function()
      local server, client, assoc, sid = H.pair()
      local n = 20
      for i = 1, n do
        H.must(client:send({ assoc_id = assoc.assoc_id, stream = 0, flags = i % 2 == 0 and { "unordered" } or nil },
                           "m" .. i))
        H.expect_data(server)
      end
      local mine = get(client, "sctp_get_assoc_stats", { assoc_id = assoc.assoc_id })
      local theirs = get(server, "sctp_get_assoc_stats", { assoc_id = sid })
      assert.equal(assoc.assoc_id, mine.assoc_id)
      assert.equal(n / 2, mine.oodchunks)
      assert.equal(n / 2, mine.ouodchunks)
      assert.equal(n / 2, theirs.iodchunks)
      assert.equal(n / 2, theirs.iuodchunks)
      assert.is_true(mine.opackets >= n, "opackets " .. mine.opackets)
      assert.is_true(theirs.ipackets >= n, "ipackets " .. theirs.ipackets)
      assert.is_true(theirs.osacks >= 1 and mine.isacks >= 1)
      for _, f in ipairs({ "maxrto", "rtxchunks", "outofseqtsns", "idupchunks", "gapcnt",
                           "octrlchunks", "ictrlchunks" }) do
        assert.is_number(mine[f], f)
      end
    end)

    it("sctp_pr_assoc_status / sctp_pr_stream_status count messages abandoned under ttl", function()
      local server, client, assoc = H.pair({ recbuf = 32768 }, {
        sndbuf = 4 * 1024 * 1024, sctp_initmsg = { num_ostreams = 2, max_instreams = 2 },
        sctp_rtoinfo = H.USRSCTP and H.FAST_RTO or nil })
      local id = assoc.assoc_id
      local n = 30
      local peer, udp = { H.LOCAL, H.port_of(server) }, nil
      if H.USRSCTP then
        -- usrsctp abandons a ttl message only once it was sent, when it
        -- would be retransmitted: the messages go out while the peer
        -- address's packets go to UDP port 9 (discard), are lost, and time
        -- out (sndrcvinfo_spec does the same); the port comes back below
        udp = get(client, "sctp_remote_udp_encaps_port", { assoc_id = id, address = peer }).port
        H.must(client:setopts({ sctp_remote_udp_encaps_port = { assoc_id = id, address = peer, port = 9 } }))
      end
      for _ = 1, n do   -- the server does not read: most wait, and their 10 ms run out
        H.must(client:send({ assoc_id = id, stream = 1, pr_policy = "ttl", pr_value = 10 },
                           string.rep("x", SIZE)))
      end
      local t0 = sctp.gettime()
      while sctp.gettime() - t0 < 0.2 do server:recv(20) end   -- reads a few, time passes
      local deadline = sctp.gettime() + 5
      local st
      repeat
        server:recv(20)
        st = get(client, "sctp_pr_assoc_status", { assoc_id = id, policy = "ttl" })
      until st.abandoned_unsent + st.abandoned_sent > 0 or sctp.gettime() > deadline
      assert.equal("ttl", st.policy)
      assert.is_true(st.abandoned_unsent + st.abandoned_sent > 0,
                     ("nothing abandoned: unsent %d, sent %d"):format(st.abandoned_unsent, st.abandoned_sent))
      if H.USRSCTP then
        assert.equal(0, st.abandoned_unsent)
        H.must(client:setopts({ sctp_remote_udp_encaps_port = { assoc_id = id, address = peer, port = udp } }))
      end
      local all = get(client, "sctp_pr_assoc_status", { assoc_id = id, policy = "all" })
      assert.is_true(all.abandoned_unsent >= st.abandoned_unsent)
      -- usrsctp built without SCTP_DETAILED_STR_STATS (Debian's) counts per
      -- stream only for policy all: one policy is einval
      local per = "ttl"
      if H.USRSCTP then
        H.fails("einval", true, client:getopts({
          sctp_pr_stream_status = { assoc_id = id, stream = 1, policy = "ttl" } }))
        per = "all"
      end
      local s1 = get(client, "sctp_pr_stream_status", { assoc_id = id, stream = 1, policy = per })
      local s0 = get(client, "sctp_pr_stream_status", { assoc_id = id, stream = 0, policy = per })
      assert.equal(1, s1.stream)
      assert.is_true(s1.abandoned_unsent + s1.abandoned_sent > 0)
      assert.equal(0, s0.abandoned_unsent + s0.abandoned_sent)
    end)

    it("bad keys raise naming the option and the field", function()
      local s = H.client()
      local msg = H.raises(function()
        s:getopts({ sctp_pr_stream_status = { assoc_id = 1, stream = 70000, policy = "ttl" } })
      end, "getopts", "names")
      assert.truthy(msg:find("option 'sctp_pr_stream_status': field 'stream'", 1, true), msg)
      msg = H.raises(function() s:getopts({ sctp_pr_assoc_status = { assoc_id = 1, policy = "none" } }) end,
                     "getopts", "names")
      assert.truthy(msg:find("unknown policy 'none'", 1, true), msg)
      msg = H.raises(function() s:getopts({ sctp_get_assoc_stats = { assoc = 1 } }) end, "getopts", "names")
      assert.truthy(msg:find("unknown field 'assoc'", 1, true), msg)
      msg = H.raises(function() s:getopts({ sctp_get_assoc_number = { assoc_id = 1 } }) end, "getopts", "names")
      assert.truthy(msg:find("takes no argument", 1, true), msg)
    end)

    it("the counters are read-only", function()
      local s = H.client()
      for _, name in ipairs({ "sctp_get_assoc_stats", "sctp_pr_assoc_status", "sctp_get_assoc_number",
                              "sctp_get_assoc_id_list" }) do
        local msg = H.raises(function() s:setopts({ [name] = {} }) end, "setopts", "opts")
        assert.truthy(msg:find("option '" .. name .. "' is read-only", 1, true), msg)
      end
    end)
  end)

  describe("the associations of a one-to-many socket", function()
    it("sctp_get_assoc_number and sctp_get_assoc_id_list follow associations coming and going", function()
      local server = H.server()
      assert.equal(0, get(server, "sctp_get_assoc_number"))
      assert.same({}, get(server, "sctp_get_assoc_id_list"))
      local ids, clients = {}, {}
      for i = 1, 3 do
        clients[i] = H.client()
        H.must(clients[i]:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
        ids[i] = H.expect_event(server, "assoc_change", "comm_up").assoc_id
      end
      assert.equal(3, get(server, "sctp_get_assoc_number"))
      local list = get(server, "sctp_get_assoc_id_list")
      table.sort(list)
      table.sort(ids)
      assert.same(ids, list)
      H.must(clients[2]:close())
      H.await_event(server, "assoc_change", "shutdown_comp")
      assert.equal(2, get(server, "sctp_get_assoc_number"))
      assert.equal(2, #get(server, "sctp_get_assoc_id_list"))
    end)

    it("a one-to-one socket answers with an error, not a raise", function()
      local s = H.open(0, { type = "stream" })
      for _, name in ipairs({ "sctp_get_assoc_number", "sctp_get_assoc_id_list" }) do
        local v, err = s:getopts({ name })
        assert.is_nil(v)
        assert.is_string(err)
      end
    end)
  end)

  describe("defaults of an association", function()
    it("sctp_default_prinfo round-trips; none clears the value", function()
      local s = H.client()
      set(s, "sctp_default_prinfo", { policy = "ttl", value = 500 })
      assert.same({ assoc_id = 0, policy = "ttl", value = 500 }, get(s, "sctp_default_prinfo", { assoc_id = 0 }))
      set(s, "sctp_default_prinfo", { policy = "none" })
      local p = get(s, "sctp_default_prinfo")
      assert.equal("none", p.policy)
      -- Linux clears the value with policy none; usrsctp keeps what was set
      assert.equal(H.USRSCTP and 500 or 0, p.value)
      local msg = H.raises(function() s:setopts({ sctp_default_prinfo = { policy = "never" } }) end,
                           "setopts", "sctp_default_prinfo")
      assert.truthy(msg:find("unknown policy 'never'", 1, true), msg)
    end)

    it("sctp_context per association and for the socket", function()
      local _, client, assoc = H.pair()
      set(client, "sctp_context", { assoc_id = assoc.assoc_id, value = 42 })
      assert.equal(42, get(client, "sctp_context", { assoc_id = assoc.assoc_id }).value)
      set(client, "sctp_context", { value = 7 })
      assert.equal(7, get(client, "sctp_context").value)
      assert.equal(42, get(client, "sctp_context", { assoc_id = assoc.assoc_id }).value)
    end)

    it("sctp_peer_addr_params carries dscp and ipv6_flowlabel, each with its flag", function()
      local s = H.client()
      local before = get(s, "sctp_peer_addr_params")
      assert.is_nil(before.dscp)
      assert.is_false(H.has(before.flags, "dscp"))
      set(s, "sctp_peer_addr_params", { flags = { "hb_enable", "dscp" }, dscp = 184 })   -- EF (46 << 2)
      local got = get(s, "sctp_peer_addr_params")
      assert.equal(184, got.dscp)
      assert.is_true(H.has(got.flags, "dscp"))
      local s6 = H.client({ family = "inet6" })
      set(s6, "sctp_peer_addr_params", { flags = { "hb_enable", "ipv6_flowlabel" }, ipv6_flowlabel = 0x12345 })
      got = get(s6, "sctp_peer_addr_params")
      assert.equal(0x12345, got.ipv6_flowlabel)
      assert.is_true(H.has(got.flags, "ipv6_flowlabel"))
      local msg = H.raises(function()
        s6:setopts({ sctp_peer_addr_params = { flags = { "ipv6_flowlabel" }, ipv6_flowlabel = 0x100000 } })
      end, "setopts", "opts")
      assert.truthy(msg:find("field 'ipv6_flowlabel'", 1, true), msg)
    end)

    it("sctp_delayed_ack_time carries sack_freq", function()
      local s = H.client()
      set(s, "sctp_delayed_ack_time", { assoc_value = 100, sack_freq = 3 })
      local d = get(s, "sctp_delayed_ack_time")
      assert.equal(100, d.assoc_value)
      assert.equal(3, d.sack_freq)
    end)
  end)
end)
