-- Socket options: setopts/getopts for every option of the contract (and the
-- Linux extra sctp_pr_supported), the same options given to sctp.open and
-- connect, partial records merged with the socket's current values, the
-- read-only records on a live association, the options handled in Lua
-- (mode, buffer, non_block_send) and one bad value per option.
--
-- Values are picked so that Linux keeps them as given; where it does not
-- (sndbuf/recbuf are doubled) the comparison says so.

local H = require "helper"
local sctp = require "sctp"

local unpack = table.unpack or unpack

-- Every field of `want` is in `got` with the same value.
local function same_fields(want, got, label)
  assert.is_table(got, label .. ": expected a table, got " .. H.show(got))
  for k, v in pairs(want) do
    assert.same(v, got[k], label .. "." .. tostring(k) .. " in " .. H.show(got))
  end
end

-- getopts of one option: its value.
local get = H.getopt

local function set(sock, name, value)
  assert.equal(true, sock:setopts({ [name] = value }), "setopts " .. name)
end

-- The endpoint options usrsctp lacks: nil, "enoprotoopt" there
-- (docs/backend-diff-b.md).
local USRSCTP_LACKS = { priority = true, dontroute = true }

-- `list` without the names in the set `drop`.
local function without(list, drop)
  local t = {}
  for _, v in ipairs(list) do
    local name = type(v) == "table" and v[1] or v
    if not drop[name] then t[#t + 1] = v end
  end
  return t
end

local EVENT_NAMES = { "data_io_event", "association_event", "address_event",
  "send_failure_event", "peer_error_event", "shutdown_event",
  "partial_delivery_event", "adaptation_layer_event" }

-------------------------------------------------------------------------------

describe("getopts", function()
  after_each(H.cleanup)

  it("reads every endpoint option by name, with the contract's types", function()
    local s = H.client()
    local names = { "mode", "buffer", "non_block_send", "tos", "priority",
      "dontroute", "reuseaddr", "linger", "sndbuf", "recbuf", "sctp_rtoinfo",
      "sctp_associnfo", "sctp_initmsg", "sctp_autoclose", "sctp_nodelay",
      "sctp_disable_fragments", "sctp_i_want_mapped_v4_addr", "sctp_maxseg",
      "sctp_adaptation_layer", "sctp_peer_addr_params",
      "sctp_default_send_param", "sctp_events", "sctp_delayed_ack_time" }
    if H.USRSCTP then
      -- usrsctp has no SO_PRIORITY, SO_DONTROUTE (checked below)
      names = without(names, USRSCTP_LACKS)
    end
    local o = H.must(s:getopts(names))
    for _, name in ipairs(names) do
      assert.is_not_nil(o[name], "getopts gave no " .. name .. ": " .. H.show(o))
    end
    assert.equal("binary", o.mode)
    assert.is_number(o.buffer)
    assert.equal(false, o.non_block_send)
    assert.is_number(o.tos)
    if not H.USRSCTP then
      assert.is_number(o.priority)
      assert.is_boolean(o.dontroute)
    end
    assert.is_boolean(o.reuseaddr)
    assert.is_table(o.linger)
    assert.is_boolean(o.linger[1])
    assert.is_number(o.linger[2])
    assert.is_true(o.sndbuf > 0)
    assert.is_true(o.recbuf > 0)
    for _, f in ipairs({ "initial", "max", "min" }) do
      assert.is_number(o.sctp_rtoinfo[f], "sctp_rtoinfo." .. f)
    end
    for _, f in ipairs({ "asocmaxrxt", "number_peer_destinations", "peer_rwnd",
      "local_rwnd", "cookie_life" }) do
      assert.is_number(o.sctp_associnfo[f], "sctp_associnfo." .. f)
    end
    for _, f in ipairs({ "num_ostreams", "max_instreams", "max_attempts", "max_init_timeo" }) do
      assert.is_number(o.sctp_initmsg[f], "sctp_initmsg." .. f)
    end
    assert.equal("infinity", o.sctp_autoclose)   -- Linux default 0
    assert.is_boolean(o.sctp_nodelay)
    assert.is_boolean(o.sctp_disable_fragments)
    assert.is_boolean(o.sctp_i_want_mapped_v4_addr)
    assert.is_number(o.sctp_maxseg)
    assert.is_number(o.sctp_adaptation_layer.adaptation_ind)
    local pap = o.sctp_peer_addr_params
    for _, f in ipairs({ "hbinterval", "pathmaxrxt", "pathmtu", "sackdelay" }) do
      assert.is_number(pap[f], "sctp_peer_addr_params." .. f)
    end
    assert.is_table(pap.flags)
    assert.is_true(H.has(pap.flags, "hb_enable"), H.show(pap.flags))
    local dsp = o.sctp_default_send_param
    for _, f in ipairs({ "stream", "ppid", "context", "timetolive", "assoc_id" }) do
      assert.is_number(dsp[f], "sctp_default_send_param." .. f)
    end
    assert.is_table(dsp.flags)
    for _, ev in ipairs(EVENT_NAMES) do
      assert.is_boolean(o.sctp_events[ev], "sctp_events." .. ev)
    end
    assert.is_number(o.sctp_delayed_ack_time.assoc_value)
  end)

  it("sndbuf and recbuf read back doubled on Linux, as set on usrsctp", function()
    local s = H.client()
    set(s, "sndbuf", 100000)
    set(s, "recbuf", 100000)
    local want = H.USRSCTP and 100000 or 200000
    assert.equal(want, get(s, "sndbuf"))
    assert.equal(want, get(s, "recbuf"))
  end)

  it("priority and dontroute: nil, \"enoprotoopt\" on usrsctp, which lacks them", function()
    local s = H.client()
    for name in pairs(USRSCTP_LACKS) do
      if H.USRSCTP then
        H.fails("enoprotoopt", true, s:getopts({ name }))
        H.fails("enoprotoopt", true, s:setopts({ [name] = name == "priority" and 1 or true }))
      else
        assert.is_not_nil(get(s, name), name)
      end
    end
  end)

  it("reads sctp_pr_supported (a Linux extra): PR-SCTP is on by default", function()
    local s = H.client()
    assert.equal(true, get(s, "sctp_pr_supported"))
  end)

  it("mixes plain names and options with an argument in one call", function()
    local server, client, assoc = H.pair()
    local o = H.must(client:getopts({ "sndbuf", "mode",
      sctp_status = { assoc_id = assoc.assoc_id } }))
    assert.is_number(o.sndbuf)
    assert.equal("binary", o.mode)
    assert.is_table(o.sctp_status)
    assert.equal(assoc.assoc_id, o.sctp_status.assoc_id)
  end)
end)

-------------------------------------------------------------------------------

-- name, values to set in turn (the first differs from the default), and how
-- to compare: "same" (exactly what was set), "at_least" (Linux doubles
-- sndbuf/recbuf), "fields" (records: the fields that were set).
local ROUND_TRIPS = {
  { "mode", { "list", "binary" } },
  { "buffer", { 12345, 70000 } },
  { "non_block_send", { true, false } },
  -- no ECN bits: Linux keeps a TOS byte as given on SCTP sockets
  { "tos", { 0x10, 0 } },
  -- 0..6 need no privilege
  { "priority", { 3, 0 } },
  { "dontroute", { true, false } },
  { "reuseaddr", { true, false } },
  -- switched off, Linux keeps the old seconds: only [1] is compared then
  { "linger", { { true, 5 }, { false, 0 } }, "linger" },
  { "sndbuf", { 100000, 300000 }, "at_least" },
  { "recbuf", { 100000, 300000 }, "at_least" },
  { "sctp_rtoinfo", { { initial = 1500, max = 30000, min = 500 } }, "fields" },
  -- number_peer_destinations, peer_rwnd and local_rwnd are reported by the
  -- kernel, not set: only asocmaxrxt and cookie_life go round
  { "sctp_associnfo", { { asocmaxrxt = 7, cookie_life = 30000 } }, "fields" },
  { "sctp_initmsg", { { num_ostreams = 20, max_instreams = 30, max_attempts = 3,
    max_init_timeo = 2000 } }, "fields" },
  { "sctp_autoclose", { 30, "infinity" } },
  { "sctp_nodelay", { true, false } },
  { "sctp_disable_fragments", { true, false } },
  -- Linux's default is true
  { "sctp_i_want_mapped_v4_addr", { false, true } },
  -- an endpoint value in Linux's range (about 500..65535) is kept as given;
  -- an association clamps it to its path MTU (tested further down)
  { "sctp_maxseg", { 1000, 0 } },
  { "sctp_adaptation_layer", { { adaptation_ind = 0x01020304 }, { adaptation_ind = 0 } }, "fields" },
  { "sctp_peer_addr_params", { { hbinterval = 5000, pathmaxrxt = 4, sackdelay = 100 } }, "fields" },
  { "sctp_default_send_param", { { stream = 2, ppid = 18, context = 7, timetolive = 100,
    flags = { "unordered" } } }, "fields" },
  { "sctp_delayed_ack_time", { { assoc_value = 150 } }, "fields" },
  { "sctp_pr_supported", { false, true } },
}

describe("setopts then getopts (endpoint)", function()
  after_each(H.cleanup)

  for _, case in ipairs(H.USRSCTP and without(ROUND_TRIPS, USRSCTP_LACKS) or ROUND_TRIPS) do
    local name, values, how = case[1], case[2], case[3] or "same"
    it("round-trips " .. name, function()
      local s = H.client()
      local before = get(s, name)
      if how == "fields" then
        local differs = false
        for k, v in pairs(values[1]) do
          if H.show(v) ~= H.show(before[k]) then differs = true end
        end
        assert.is_true(differs, name .. ": the values to set must differ from the defaults")
      else
        assert.are_not.same(values[1], before,
          name .. ": the value to set must differ from the default")
      end
      for _, v in ipairs(values) do
        set(s, name, v)
        local got = get(s, name)
        if how == "at_least" then
          assert.is_number(got)
          assert.is_true(got >= v, name .. ": set " .. v .. ", got " .. tostring(got))
        elseif how == "fields" then
          same_fields(v, got, name)
        elseif how == "linger" and v[1] == false then
          assert.is_table(got)
          assert.equal(false, got[1], "linger[1]")
          assert.is_number(got[2])
        else
          assert.same(v, got, name)
        end
      end
    end)
  end

  it("round-trips tos as IPV6_TCLASS on an inet6 socket", function()
    local s = H.client({ family = "inet6" })
    assert.equal(0, get(s, "tos"))
    set(s, "tos", 0x20)
    assert.equal(0x20, get(s, "tos"))
  end)

  it("round-trips the flags of sctp_peer_addr_params", function()
    local s = H.client()
    set(s, "sctp_peer_addr_params", { flags = { "hb_disable" } })
    local got = get(s, "sctp_peer_addr_params")
    assert.is_true(H.has(got.flags, "hb_disable"), H.show(got.flags))
    assert.is_false(H.has(got.flags, "hb_enable"), H.show(got.flags))
    set(s, "sctp_peer_addr_params", { flags = { "hb_enable" } })
    got = get(s, "sctp_peer_addr_params")
    assert.is_true(H.has(got.flags, "hb_enable"), H.show(got.flags))
    assert.is_false(H.has(got.flags, "hb_disable"), H.show(got.flags))
  end)

  it("round-trips each event of sctp_events", function()
    local s = H.client()
    local before = get(s, "sctp_events")
    for _, ev in ipairs(EVENT_NAMES) do
      set(s, "sctp_events", { [ev] = not before[ev] })
      assert.equal(not before[ev], get(s, "sctp_events")[ev], ev)
      set(s, "sctp_events", { [ev] = before[ev] })
      assert.equal(before[ev], get(s, "sctp_events")[ev], ev)
    end
  end)

  it("round-trips active (false, true, \"once\", a count)", function()
    local s = H.client()
    assert.equal(false, get(s, "active"))
    for _, v in ipairs({ true, "once", 3, false }) do
      set(s, "active", v)
      assert.equal(v, get(s, "active"))
    end
  end)

  it("sets several options in one call", function()
    local s = H.client()
    -- usrsctp has no priority: sctp_autoclose instead
    local other, value = "priority", 2
    if H.USRSCTP then other, value = "sctp_autoclose", 20 end
    assert.equal(true, s:setopts({ sctp_nodelay = true, [other] = value,
      sctp_rtoinfo = { max = 40000 }, mode = "list" }))
    local o = H.must(s:getopts({ "sctp_nodelay", other, "sctp_rtoinfo", "mode" }))
    assert.equal(true, o.sctp_nodelay)
    assert.equal(value, o[other])
    assert.equal(40000, o.sctp_rtoinfo.max)
    assert.equal("list", o.mode)
  end)
end)

describe("setopts then getopts (one association)", function()
  after_each(H.cleanup)

  -- set on the association, read back there; the endpoint keeps its value
  local PER_ASSOC = {
    { "sctp_rtoinfo", { initial = 1200, max = 20000, min = 400 } },
    { "sctp_associnfo", { asocmaxrxt = 6 } },
    { "sctp_peer_addr_params", { hbinterval = 7000, pathmaxrxt = 3 } },
    { "sctp_delayed_ack_time", { assoc_value = 120 } },
    { "sctp_default_send_param", { ppid = 99, stream = 1 } },
  }
  for _, case in ipairs(PER_ASSOC) do
    local name, value = case[1], case[2]
    it("round-trips " .. name .. " for one assoc_id", function()
      local server, client, assoc = H.pair()
      local id = assoc.assoc_id
      local endpoint = get(client, name)
      local v = H.copy(value)
      v.assoc_id = id
      set(client, name, v)
      local got = get(client, name, { assoc_id = id })
      assert.equal(id, got.assoc_id)
      same_fields(value, got, name)
      -- the endpoint's values are unchanged
      same_fields(endpoint, get(client, name), name .. " (endpoint)")
    end)
  end

  it("round-trips sctp_peer_addr_params for one peer address given as {ip, port}", function()
    local server, client, assoc = H.pair()
    local addr = { "127.0.0.1", H.port_of(server) }
    -- a path keeps sackdelay in jiffies: 120 ms is whole jiffies at HZ 100,
    -- 250, 300 and 1000 (150 would read back as 152 at HZ 250)
    set(client, "sctp_peer_addr_params", { assoc_id = assoc.assoc_id, address = addr,
      hbinterval = 6000, sackdelay = 120 })
    local got = get(client, "sctp_peer_addr_params", { assoc_id = assoc.assoc_id, address = addr })
    assert.same(addr, got.address)
    assert.equal(6000, got.hbinterval)
    assert.equal(120, got.sackdelay)
    assert.is_true(got.pathmtu > 0, "pathmtu of a live path")
  end)

  it("takes sctp_peer_addr_params' address as an ip string (\"any\": the whole association)", function()
    local server, client, assoc = H.pair()
    set(client, "sctp_peer_addr_params", { assoc_id = assoc.assoc_id, hbinterval = 8000 })
    local got = get(client, "sctp_peer_addr_params", { assoc_id = assoc.assoc_id, address = "any" })
    assert.equal(8000, got.hbinterval)
  end)

  it("round-trips sctp_primary_addr between the addresses of a multi-homed peer", function()
    local server = H.server({ ip = { "127.0.0.1", "127.0.0.2" } })
    local port = H.port_of(server)
    local client = H.client()
    local assoc = H.must(client:connect("127.0.0.1", port, nil, H.TIMEOUT))
    local id = assoc.assoc_id
    local prim = get(client, "sctp_primary_addr", { assoc_id = id })
    assert.equal(id, prim.assoc_id)
    assert.same({ "127.0.0.1", port }, prim.addr)
    H.await_confirmed(client, id, { "127.0.0.2", port })   -- usrsctp: not before
    set(client, "sctp_primary_addr", { assoc_id = id, addr = { "127.0.0.2", port } })
    assert.same({ "127.0.0.2", port }, get(client, "sctp_primary_addr", { assoc_id = id }).addr)
    set(client, "sctp_primary_addr", { assoc_id = id, addr = { "127.0.0.1", port } })
    assert.same({ "127.0.0.1", port }, get(client, "sctp_primary_addr", { assoc_id = id }).addr)
    -- an address without a port gets the association's peer port
    set(client, "sctp_primary_addr", { assoc_id = id, addr = "127.0.0.2" })
    assert.same({ "127.0.0.2", port }, get(client, "sctp_primary_addr", { assoc_id = id }).addr)
    local info = get(client, "sctp_get_peer_addr_info", { assoc_id = id, address = "127.0.0.2" })
    assert.same({ "127.0.0.2", port }, info.address)
  end)

  it("passes sctp_set_peer_primary_addr to the kernel (which needs ASCONF for it)", function()
    local server, client, assoc = H.pair({ ip = { "127.0.0.1", "127.0.0.2" } })
    local ok, err, detail = client:setopts({ sctp_set_peer_primary_addr =
      { assoc_id = assoc.assoc_id, addr = { "127.0.0.1", H.port_of(client) } } })
    if H.read_file("/proc/sys/net/sctp/addip_enable") == "0" then
      -- Linux refuses it on an association without ASCONF
      H.fails("eperm", true, ok, err, detail)
    else
      assert.is_true(ok == true or (ok == nil and type(err) == "string"),
        "got " .. H.show({ ok, err, detail }))
    end
  end)
end)

-------------------------------------------------------------------------------

describe("a partial record", function()
  after_each(H.cleanup)

  -- option, full record set first, partial update, fields the update must keep
  local MERGES = {
    { "sctp_rtoinfo", { initial = 1500, max = 30000, min = 500 }, { max = 20000 } },
    { "sctp_associnfo", { asocmaxrxt = 7, cookie_life = 30000 }, { cookie_life = 40000 } },
    { "sctp_initmsg", { num_ostreams = 20, max_instreams = 30, max_attempts = 3, max_init_timeo = 2000 },
      { num_ostreams = 5 } },
    { "sctp_peer_addr_params", { hbinterval = 5000, pathmaxrxt = 4, sackdelay = 100 },
      { pathmaxrxt = 6 } },
    { "sctp_default_send_param", { stream = 2, ppid = 18, context = 7, timetolive = 100 },
      { ppid = 19 } },
    { "sctp_delayed_ack_time", { assoc_value = 150 }, {} },
  }
  for _, case in ipairs(MERGES) do
    local name, full, part = case[1], case[2], case[3]
    it("of " .. name .. " changes only the fields it gives", function()
      local s = H.client()
      set(s, name, full)
      set(s, name, part)
      local want = H.copy(full)
      for k, v in pairs(part) do want[k] = v end
      same_fields(want, get(s, name), name)
    end)
  end

  it("changes only the given fields of one association's record", function()
    local server, client, assoc = H.pair()
    local id = assoc.assoc_id
    set(client, "sctp_rtoinfo", { assoc_id = id, initial = 1500, max = 30000, min = 500 })
    set(client, "sctp_rtoinfo", { assoc_id = id, min = 300 })
    same_fields({ assoc_id = id, initial = 1500, max = 30000, min = 300 },
      get(client, "sctp_rtoinfo", { assoc_id = id }), "sctp_rtoinfo")
  end)

  it("of sctp_default_send_param for one association merges with that association's values", function()
    local server, client, assoc = H.pair()
    local id = assoc.assoc_id
    set(client, "sctp_default_send_param", { context = 5, timetolive = 1000 })
    set(client, "sctp_default_send_param", { assoc_id = id, context = 9, ppid = 1, stream = 3 })
    set(client, "sctp_default_send_param", { assoc_id = id, ppid = 2 })
    same_fields({ assoc_id = id, context = 9, ppid = 2, stream = 3, timetolive = 0 },
      get(client, "sctp_default_send_param", { assoc_id = id }), "association")
    same_fields({ assoc_id = 0, context = 5, ppid = 0, stream = 0, timetolive = 1000 },
      get(client, "sctp_default_send_param"), "endpoint")
  end)

  it("given to sctp.open is merged with the defaults", function()
    local plain = H.client()
    local defaults = get(plain, "sctp_initmsg")
    local s = H.client({ sctp_initmsg = { num_ostreams = 5 } })
    local want = H.copy(defaults)
    want.num_ostreams = 5
    assert.same(want, get(s, "sctp_initmsg"))
  end)

  it("given to connect is merged with the socket's values", function()
    local server = H.server()
    local client = H.client({ sctp_initmsg = { max_attempts = 4, max_init_timeo = 3000 } })
    local assoc = H.must(client:connect("127.0.0.1", H.port_of(server),
      { sctp_initmsg = { num_ostreams = 3 } }, H.TIMEOUT))
    assert.equal(3, assoc.outbound_streams)
    same_fields({ num_ostreams = 3, max_attempts = 4, max_init_timeo = 3000 },
      get(client, "sctp_initmsg"), "sctp_initmsg")
  end)
end)

-------------------------------------------------------------------------------

describe("options given to sctp.open and connect", function()
  after_each(H.cleanup)

  it("sctp.open applies every option it is given", function()
    local opts = {
      mode = "list", buffer = 20000, non_block_send = true, tos = 0x10, priority = 2,
      dontroute = true, reuseaddr = true, linger = { true, 3 }, sndbuf = 50000,
      recbuf = 60000, sctp_rtoinfo = { initial = 1500, max = 30000, min = 500 },
      sctp_associnfo = { asocmaxrxt = 7, cookie_life = 30000 },
      sctp_initmsg = { num_ostreams = 12, max_instreams = 13, max_attempts = 3, max_init_timeo = 2000 },
      sctp_autoclose = 40, sctp_nodelay = true, sctp_disable_fragments = true,
      sctp_i_want_mapped_v4_addr = false, sctp_maxseg = 1100,
      sctp_adaptation_layer = { adaptation_ind = 77 },
      -- (sackdelay is left out: it is the same kernel value as
      -- sctp_delayed_ack_time, and the order options are applied in is not fixed)
      sctp_peer_addr_params = { hbinterval = 5000, pathmaxrxt = 4 },
      sctp_default_send_param = { ppid = 17, stream = 1 },
      sctp_events = { adaptation_layer_event = true, shutdown_event = false },
      sctp_delayed_ack_time = { assoc_value = 150 },
      sctp_pr_supported = false,
    }
    if H.USRSCTP then opts.priority, opts.dontroute = nil, nil end   -- usrsctp lacks them
    local s = H.client(opts)
    local names = {}
    for name in pairs(opts) do names[#names + 1] = name end
    local got = H.must(s:getopts(names))
    for name, v in pairs(opts) do
      if name == "sndbuf" or name == "recbuf" then
        assert.is_true(got[name] >= v, name .. " = " .. tostring(got[name]))
      elseif type(v) == "table" and v[1] == nil then
        same_fields(v, got[name], name)
      else
        assert.same(v, got[name], name)
      end
    end
  end)

  it("connect applies its options before the association is made", function()
    local server = H.server()
    local client = H.client()
    local assoc = H.must(client:connect("127.0.0.1", H.port_of(server),
      { sctp_initmsg = { num_ostreams = 4, max_instreams = 5 }, sctp_nodelay = true,
        mode = "list", sctp_default_send_param = { ppid = 21 } }, H.TIMEOUT))
    assert.equal(4, assoc.outbound_streams)
    assert.equal(5, assoc.inbound_streams)
    local up = H.expect_event(server, "assoc_change", "comm_up")
    assert.equal(4, up.inbound_streams)
    local o = H.must(client:getopts({ "sctp_nodelay", "mode",
      sctp_default_send_param = { assoc_id = assoc.assoc_id } }))
    assert.equal(true, o.sctp_nodelay)
    assert.equal("list", o.mode)
    -- the new association took the endpoint's default send parameters
    assert.equal(21, o.sctp_default_send_param.ppid)
    H.must(client:send(assoc, 3, "on stream 3"))
    local _, _, anc, data = H.expect_data(server)
    assert.equal("on stream 3", data)
    assert.equal(3, H.info(anc).stream)
    assert.equal(21, H.info(anc).ppid)
  end)

  it("connect_init and connectx_init take options too", function()
    local server = H.server()
    local c1, c2 = H.client(), H.client()
    assert.equal(true, c1:connect_init("127.0.0.1", H.port_of(server),
      { sctp_initmsg = { num_ostreams = 2 } }, H.TIMEOUT))
    local up = H.await_event(c1, "assoc_change", "comm_up")
    assert.equal(2, up.outbound_streams)
    local id = H.must(c2:connectx_init({ "127.0.0.1" }, H.port_of(server),
      { sctp_initmsg = { num_ostreams = 6 } }, H.TIMEOUT))
    up = H.await_event(c2, "assoc_change", "comm_up")
    assert.equal(id, up.assoc_id)
    assert.equal(6, up.outbound_streams)
  end)
end)

-------------------------------------------------------------------------------

-- A paddrinfo table (sctp_get_peer_addr_info, sctp_status.primary).
local function check_paddrinfo(p, assoc_id, address, label)
  assert.is_table(p, label .. ": " .. H.show(p))
  assert.equal(assoc_id, p.assoc_id, label .. ".assoc_id")
  assert.same(address, p.address, label .. ".address")
  assert.equal("active", p.state, label .. ".state")
  for _, f in ipairs({ "cwnd", "srtt", "rto", "mtu" }) do
    assert.is_number(p[f], label .. "." .. f)
    assert.is_true(p[f] >= 0, label .. "." .. f)
  end
  assert.is_true(p.cwnd > 0, label .. ".cwnd")
  assert.is_true(p.rto > 0, label .. ".rto")
  assert.is_true(p.mtu > 0, label .. ".mtu")
end

describe("read-only records", function()
  after_each(H.cleanup)

  it("sctp_status describes a live association", function()
    local server, client, assoc, sid = H.pair()
    local id = assoc.assoc_id
    local st = get(client, "sctp_status", { assoc_id = id })
    assert.is_table(st)
    assert.equal(id, st.assoc_id)
    assert.equal("sctp_state_established", st.state)
    for _, f in ipairs({ "rwnd", "unackdata", "penddata", "instrms", "outstrms",
      "fragmentation_point" }) do
      assert.is_number(st[f], "sctp_status." .. f)
    end
    assert.equal(assoc.outbound_streams, st.outstrms)
    assert.equal(assoc.inbound_streams, st.instrms)
    assert.is_true(st.rwnd > 0)
    assert.is_true(st.fragmentation_point > 0)
    check_paddrinfo(st.primary, id, { "127.0.0.1", H.port_of(server) }, "sctp_status.primary")

    -- the server's view of the same association
    local sst = get(server, "sctp_status", { assoc_id = sid })
    assert.equal(sid, sst.assoc_id)
    assert.equal("sctp_state_established", sst.state)
    check_paddrinfo(sst.primary, sid, { "127.0.0.1", H.port_of(client) }, "server sctp_status.primary")
  end)

  it("sctp_get_peer_addr_info describes one peer address given as {ip, port}", function()
    local server, client, assoc = H.pair()
    local id = assoc.assoc_id
    local addr = { "127.0.0.1", H.port_of(server) }
    local info = get(client, "sctp_get_peer_addr_info", { assoc_id = id, address = addr })
    check_paddrinfo(info, id, addr, "sctp_get_peer_addr_info")
    local primary = get(client, "sctp_status", { assoc_id = id }).primary
    assert.equal(primary.mtu, info.mtu)
    assert.equal(primary.state, info.state)
  end)

  it("sctp_get_peer_addr_info describes each address of a multi-homed peer", function()
    local server, client, assoc = H.pair({ ip = { "127.0.0.1", "127.0.0.2" } })
    local port = H.port_of(server)
    for _, ip in ipairs({ "127.0.0.1", "127.0.0.2" }) do
      local info = get(client, "sctp_get_peer_addr_info",
        { assoc_id = assoc.assoc_id, address = { ip, port } })
      assert.same({ ip, port }, info.address)
      assert.is_string(info.state)
      assert.is_true(H.has({ "active", "inactive", "unconfirmed", "pf" }, info.state), info.state)
    end
  end)

  it("sctp_status fails (no Lua error) for an association that does not exist", function()
    local s = H.client()
    H.fails("einval", true, s:getopts({ sctp_status = { assoc_id = 987654 } }))
  end)

  it("cannot be set: setopts raises naming the option", function()
    local server, client, assoc = H.pair()
    H.raises(function() client:setopts({ sctp_status = { assoc_id = assoc.assoc_id } }) end,
      "sctp_status")
    H.raises(function()
      client:setopts({ sctp_get_peer_addr_info = { assoc_id = assoc.assoc_id,
        address = { "127.0.0.1", H.port_of(server) } } })
    end, "sctp_get_peer_addr_info")
  end)
end)

-------------------------------------------------------------------------------

describe("buffer, sndbuf and recbuf", function()
  after_each(H.cleanup)

  it("setting sndbuf or recbuf raises buffer to at least that value", function()
    local s = H.client()
    local b0 = get(s, "buffer")
    local want = b0 + 200000
    set(s, "sndbuf", want)
    assert.is_true(get(s, "buffer") >= want, "buffer " .. tostring(get(s, "buffer")))
    set(s, "recbuf", want + 100000)
    assert.is_true(get(s, "buffer") >= want + 100000, "buffer " .. tostring(get(s, "buffer")))
  end)

  it("does so in sctp.open too", function()
    local s = H.client({ recbuf = 500000 })
    assert.is_true(get(s, "buffer") >= 500000, "buffer " .. tostring(get(s, "buffer")))
  end)

  it("never lowers buffer", function()
    local s = H.client()
    set(s, "buffer", 400000)
    set(s, "sndbuf", 10000)
    set(s, "recbuf", 10000)
    assert.equal(400000, get(s, "buffer"))
  end)

  it("an explicit buffer in the same call wins", function()
    local s = H.client()
    assert.equal(true, s:setopts({ recbuf = 300000, sndbuf = 300000, buffer = 1000 }))
    assert.equal(1000, get(s, "buffer"))
    local o = H.client({ recbuf = 300000, buffer = 2000 })
    assert.equal(2000, get(o, "buffer"))
  end)
end)

-------------------------------------------------------------------------------

describe("options at work", function()
  after_each(H.cleanup)

  it("mode = \"list\" delivers data as an array of byte integers", function()
    local server, client, assoc, sid = H.pair({ mode = "list" })
    H.must(client:send(assoc, 2, "AB\0\255z"))
    local ip, port, anc, data = H.expect_data(server)
    assert.same({ 65, 66, 0, 255, 122 }, data)
    assert.equal("127.0.0.1", ip)
    assert.equal(H.port_of(client), port)
    -- ancdata is unchanged
    assert.equal(sid, H.info(anc).assoc_id)
    assert.equal(2, H.info(anc).stream)
    -- send still takes strings (and arrays of strings) in list mode
    H.must(server:send(sid, 0, "reply"))
    H.must(server:send(sid, 0, { "re", "ply" }))
    local _, _, _, r1 = H.expect_data(client)
    local _, _, _, r2 = H.expect_data(client)
    assert.equal("reply", r1)
    assert.equal("reply", r2)
    -- events are still tables
    H.must(client:eof(assoc))
    local ev = H.expect_event(server, "shutdown_event")
    assert.equal(sid, ev.assoc_id)
  end)

  it("mode can go back to \"binary\"", function()
    local server, client, assoc = H.pair({ mode = "list" })
    H.must(client:send(assoc, 0, "ab"))
    local _, _, _, d1 = H.expect_data(server)
    assert.same({ 97, 98 }, d1)
    set(server, "mode", "binary")
    H.must(client:send(assoc, 0, "cd"))
    local _, _, _, d2 = H.expect_data(server)
    assert.equal("cd", d2)
  end)

  it("a message larger than recbuf + 4096 arrives whole with recbuf = 4096", function()
    -- a small RTO on the sender: the receiver's window keeps closing, and
    -- the sender probes it once per RTO (loopback loses nothing)
    local server, client, assoc, sid = H.pair({ recbuf = 4096 },
      { sndbuf = 2 * H.MiB, sctp_rtoinfo = H.FAST_RTO })
    local rb = get(server, "recbuf")
    assert.is_true(rb < 65536, "recbuf = 4096 read back as " .. tostring(rb))
    -- usrsctp keeps recbuf as set (Linux doubles it): at least buffer + 4096
    local size = math.max(8 * (rb + 4096), get(server, "buffer") + 4096)
    local lines = {}
    for i = 1, math.ceil(size / 16) do lines[i] = string.format("%015d\n", i) end
    local big = table.concat(lines)
    assert.is_true(#big > rb + 4096)
    assert.is_true(get(server, "buffer") < #big, "buffer must be smaller than the message")
    H.must(client:send({ assoc_id = assoc.assoc_id, stream = 1, ppid = 3 }, big))
    local _, _, anc, data = H.expect_data(server, 20000)
    assert.equal(#big, #data)
    assert.is_true(data == big, "the message arrived altered")
    assert.equal(1, H.info(anc).stream)
    assert.equal(3, H.info(anc).ppid)
    assert.equal(sid, H.info(anc).assoc_id)
    -- and the next message is its own
    H.must(client:send(assoc, 0, "next"))
    local _, _, _, d = H.expect_data(server)
    assert.equal("next", d)
  end)

  it("non_block_send makes send return nil, \"eagain\" on a full buffer, without waiting", function()
    -- the server does not read: its small window fills, then the client's sndbuf
    local server, client, assoc, sid = H.pair({ recbuf = 4096 },
      { sndbuf = 16384, non_block_send = true, sctp_rtoinfo = H.FAST_RTO })
    local msg = string.rep("z", 1000)
    local sent, r = 0, nil
    local t0 = H.now()
    local function fill()
      for _ = 1, 5000 do
        r = H.pack(client:send(assoc, 0, msg))
        if not r[1] then return end
        sent = sent + 1
      end
    end
    fill()
    H.fails("eagain", true, unpack(r, 1, 3))
    assert.is_true(sent > 0, "not even one message fitted")
    -- usrsctp takes the SACKs for data in flight on its own thread, after
    -- send returned: room can open once more. Full means full after a pause.
    for _ = 1, 20 do
      local before = sent
      H.next_msg(client, 50)
      fill()
      H.fails("eagain", true, unpack(r, 1, 3))
      if sent == before then break end
    end
    -- the other send form too
    H.fails("eagain", true, client:send({ assoc_id = assoc.assoc_id, stream = 0 }, msg))
    assert.is_true(H.now() - t0 < 3, "send waited")
    -- once the peer reads, there is room again
    for i = 1, sent do
      local _, _, anc, data = H.expect_data(server)
      assert.equal(msg, data, "message " .. i)
    end
    local deadline = H.now() + H.TIMEOUT / 1000
    local ok, err
    repeat
      ok, err = client:send(assoc, 0, "after")
      if not ok then H.next_msg(client, 50) end
    until ok or err ~= "eagain" or H.now() > deadline
    assert.equal(true, ok, tostring(err))
    local _, _, _, data = H.expect_data(server)
    assert.equal("after", data)
  end)

  it("sctp_initmsg sets the streams of a new association", function()
    local server = H.server({ sctp_initmsg = { max_instreams = 7 } })
    local client = H.client({ sctp_initmsg = { num_ostreams = 20, max_instreams = 3 } })
    local assoc = H.must(client:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    -- the peer's max_instreams caps our outbound streams
    assert.equal(7, assoc.outbound_streams)
    local up = H.expect_event(server, "assoc_change", "comm_up")
    assert.equal(7, up.inbound_streams)
    assert.is_true(up.outbound_streams <= 3, H.show(up))
    H.must(client:send(assoc, 6, "last stream"))
    local _, _, anc = H.expect_data(server)
    assert.equal(6, H.info(anc).stream)
    H.fails("einval", true, client:send(assoc, 7, "beyond"))
  end)

  it("sctp_maxseg set before connect limits the association's fragmentation point", function()
    local server = H.server()
    local plain = H.client()
    local a0 = H.must(plain:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    local default_fp = get(plain, "sctp_status", { assoc_id = a0.assoc_id }).fragmentation_point
    assert.is_true(default_fp > 1200, "default fragmentation point " .. default_fp)
    local client = H.client({ sctp_maxseg = 1200 })
    local assoc = H.must(client:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    local fp = get(client, "sctp_status", { assoc_id = assoc.assoc_id }).fragmentation_point
    assert.is_true(fp > 0 and fp <= 1200, "fragmentation point " .. fp)
  end)

  it("sctp_disable_fragments refuses a message above the fragmentation point with emsgsize", function()
    local server, client, assoc = H.pair(nil, { sctp_disable_fragments = true })
    local fp = get(client, "sctp_status", { assoc_id = assoc.assoc_id }).fragmentation_point
    H.fails("emsgsize", true, client:send(assoc, 0, string.rep("x", fp + 1)))
    H.must(client:send(assoc, 0, string.rep("y", fp)))
    local _, _, _, data = H.expect_data(server)
    assert.equal(fp, #data)
    -- without the option the same message goes through
    set(client, "sctp_disable_fragments", false)
    H.must(client:send(assoc, 0, string.rep("x", fp + 1)))
    _, _, _, data = H.expect_data(server)
    assert.equal(fp + 1, #data)
  end)

  it("sctp_adaptation_layer is announced to the peer (adaptation_event)", function()
    local server = H.server({ sctp_adaptation_layer = { adaptation_ind = 0xabcd } })
    local client = H.client({ sctp_events = { adaptation_layer_event = true } })
    local assoc = H.must(client:connect("127.0.0.1", H.port_of(server), nil, H.TIMEOUT))
    local ev = H.await_event(client, "adaptation_event")
    assert.equal(0xabcd, ev.adaptation_ind)
    assert.equal(assoc.assoc_id, ev.assoc_id)
  end)
end)

-------------------------------------------------------------------------------

-- option, a bad value, the words the error must name (the option and, for
-- a record, the field)
local BAD_VALUES = {
  { "mode", "text", "mode" },
  { "active", "twice", "active" },
  { "buffer", -1, "buffer" },
  { "non_block_send", "yes", "non_block_send" },
  { "tos", 256, "tos" },
  { "priority", "high", "priority" },
  { "dontroute", 1, "dontroute" },
  { "reuseaddr", "yes", "reuseaddr" },
  { "linger", { true }, "linger" },
  { "sndbuf", -1, "sndbuf" },
  { "recbuf", "big", "recbuf" },
  { "sctp_rtoinfo", { initial = -1 }, "sctp_rtoinfo", "initial" },
  { "sctp_associnfo", { asocmaxrxt = 70000 }, "sctp_associnfo", "asocmaxrxt" },
  { "sctp_initmsg", { num_ostreams = 65536 }, "sctp_initmsg", "num_ostreams" },
  { "sctp_autoclose", "never", "sctp_autoclose" },
  { "sctp_nodelay", "on", "sctp_nodelay" },
  { "sctp_disable_fragments", 1, "sctp_disable_fragments" },
  { "sctp_i_want_mapped_v4_addr", "yes", "sctp_i_want_mapped_v4_addr" },
  { "sctp_maxseg", -5, "sctp_maxseg" },
  { "sctp_primary_addr", { addr = 5 }, "sctp_primary_addr", "addr" },
  { "sctp_set_peer_primary_addr", { addr = true }, "sctp_set_peer_primary_addr", "addr" },
  { "sctp_adaptation_layer", { adaptation_ind = 0x100000000 }, "sctp_adaptation_layer", "adaptation_ind" },
  { "sctp_peer_addr_params", { hbinterval = -1 }, "sctp_peer_addr_params", "hbinterval" },
  { "sctp_default_send_param", { stream = 70000 }, "sctp_default_send_param", "stream" },
  { "sctp_events", { data_io_event = "yes" }, "sctp_events", "data_io_event" },
  { "sctp_delayed_ack_time", { assoc_value = -1 }, "sctp_delayed_ack_time", "assoc_value" },
  { "sctp_pr_supported", "yes", "sctp_pr_supported" },
}

describe("a bad option value", function()
  after_each(H.cleanup)

  for _, case in ipairs(BAD_VALUES) do
    local name, value = case[1], case[2]
    local words = { unpack(case, 3) }
    it("raises for " .. name .. " = " .. H.show(value), function()
      local s = H.client()
      H.raises_all(function() s:setopts({ [name] = value }) end, unpack(words))
    end)
  end

  it("raises for a record that is not a table, naming the option", function()
    local s = H.client()
    H.raises(function() s:setopts({ sctp_rtoinfo = 5 }) end, "sctp_rtoinfo")
    H.raises(function() s:setopts({ sctp_default_send_param = "ppid" }) end, "sctp_default_send_param")
    H.raises(function() s:setopts({ linger = true }) end, "linger")
  end)

  it("raises for an unknown record field, naming the option and the field", function()
    local s = H.client()
    H.raises_all(function() s:setopts({ sctp_rtoinfo = { maximum = 1 } }) end, "sctp_rtoinfo", "maximum")
    H.raises_all(function() s:setopts({ sctp_initmsg = { ostreams = 1 } }) end, "sctp_initmsg", "ostreams")
    H.raises_all(function() s:setopts({ sctp_default_send_param = { pid = 1 } }) end,
      "sctp_default_send_param", "pid")
    H.raises_all(function() s:setopts({ sctp_events = { dry_event = true } }) end, "sctp_events", "dry_event")
  end)

  it("raises for an unknown flag of sctp_peer_addr_params, naming it", function()
    local s = H.client()
    H.raises_all(function() s:setopts({ sctp_peer_addr_params = { flags = { "hb_sometimes" } } }) end,
      "sctp_peer_addr_params", "hb_sometimes")
  end)

  it("raises in sctp.open and connect too", function()
    H.raises_all(function() sctp.open(0, { ip = H.LOCAL, sctp_rtoinfo = { initial = -1 } }) end,
      "sctp_rtoinfo", "initial")
    H.raises(function() sctp.open(0, { ip = H.LOCAL, sctp_nodelay = "on" }) end, "sctp_nodelay")
    local server = H.server()
    local client = H.client()
    H.raises_all(function()
      client:connect("127.0.0.1", H.port_of(server), { sctp_initmsg = { num_ostreams = 70000 } }, H.TIMEOUT)
    end, "sctp_initmsg", "num_ostreams")
    H.raises(function()
      client:connect("127.0.0.1", H.port_of(server), { nosuch_option = 1 }, H.TIMEOUT)
    end, "nosuch_option")
  end)

  it("raises for a bad getopts argument, naming the option and the field", function()
    local server, client, assoc = H.pair()
    H.raises_all(function() client:getopts({ sctp_status = { assoc_id = "x" } }) end,
      "sctp_status", "assoc_id")
    H.raises_all(function()
      client:getopts({ sctp_get_peer_addr_info = { assoc_id = assoc.assoc_id, address = true } })
    end, "sctp_get_peer_addr_info", "address")
  end)

  it("raises for a getopts argument that is not a table", function()
    local server, client, assoc = H.pair()
    H.raises(function() client:getopts({ sctp_status = "first" }) end, "sctp_status")
    H.raises(function() client:getopts({ sctp_get_peer_addr_info = true }) end,
      "sctp_get_peer_addr_info")
  end)

  it("raises for an unknown field in a getopts argument (a typo must not read the endpoint)", function()
    local server, client, assoc = H.pair()
    H.raises_all(function() client:getopts({ sctp_rtoinfo = { asoc_id = assoc.assoc_id } }) end,
      "sctp_rtoinfo", "asoc_id")
  end)

  it("leaves the option unchanged", function()
    local s = H.client()
    set(s, "sctp_rtoinfo", { initial = 1500, max = 30000, min = 500 })
    pcall(function() s:setopts({ sctp_rtoinfo = { initial = 1000, max = -1 } }) end)
    same_fields({ initial = 1500, max = 30000, min = 500 }, get(s, "sctp_rtoinfo"), "sctp_rtoinfo")
  end)
end)
