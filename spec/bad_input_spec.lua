-- Bad input, one table of cases: wrong types, negative and huge ports,
-- malformed and unresolvable addresses, unknown options and fields,
-- out-of-range values, stream ids beyond the negotiated count, sends on
-- ended associations, oversized messages with fragmentation disabled,
-- zero-length messages, invalid flags, operations on peeled-off and closed
-- sockets.
--
-- Every case gets a fresh pair (a server and a client with one association
-- that has 10 outbound streams), makes one bad call and checks exactly what
-- the contract (docs/API.md) promises:
--   * a programmer error raises a Lua error naming the function and the
--     argument, option or field at fault (R below);
--   * a runtime failure returns nil, err, detail with the errno-style name
--     and a non-empty detail (F below);
-- and then that nothing was left behind and nothing broke: the call left no
-- descriptor open (counted with the collector stopped, so that a socket
-- left for __gc shows), and a message still goes each way over the same
-- sockets.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"
local N = require "nethelper"
local sctp = require "sctp"

local unpack = table.unpack or unpack

local OSTREAMS = 10          -- the client's outbound streams
local NOWHERE = "no.such.host.invalid"   -- RFC 2606: never resolves

-- Expectations. R(...): raises naming every word (a word may be an array of
-- alternatives, e.g. {"addr", "addrs"}); F(err): returns nil, err, detail;
-- OK(check, what): returns, and check(c, results...) raises if they are wrong.
-- A case's `usrsctp` (and `usrsctp_setup`) replace its expectation (and
-- setup) on the usrsctp backend, where its answer differs
-- (docs/backend-diff-a.md).
local function R(...) return { raise = { ... } } end
local function F(err) return { fail = err } end
local function OK(check, what) return { ok = check, what = what } end

-------------------------------------------------------------------------------
-- Fixtures

local function fixture()
  local c = {}
  c.server = H.server()
  c.port = H.port_of(c.server)
  c.client = H.client({ sctp_initmsg = { num_ostreams = OSTREAMS, max_instreams = OSTREAMS } })
  c.assoc = H.must(c.client:connect(H.LOCAL, c.port, nil, H.TIMEOUT))
  assert.equal(OSTREAMS, c.assoc.outbound_streams)
  c.sid = H.expect_event(c.server, "assoc_change", "comm_up").assoc_id
  c.info = { assoc_id = c.assoc.assoc_id, stream = 0 }
  return c
end

-- A sndrcvinfo for the fixture's association with `fields` added.
local function sri(c, fields)
  local t = { assoc_id = c.assoc.assoc_id, stream = 0 }
  for k, v in pairs(fields) do t[k] = v end
  return t
end

-- A second association of the client, to a second server: c.other; returns
-- that server.
local function second_assoc(c)
  local s2 = H.server()
  c.other = H.must(c.client:connect(H.LOCAL, H.port_of(s2), nil, H.TIMEOUT))
  return s2
end

-- ... then ended.
local function ended_by_eof(c)
  second_assoc(c)
  H.must(c.client:eof(c.other))
  H.await_event(c.client, "assoc_change", "shutdown_comp")
end

local function ended_by_abort(c)
  second_assoc(c)
  H.must(c.client:abort(c.other))
  H.await_event(c.client, "assoc_change", "comm_lost")
end

local function ended_by_peer(c)
  local s2 = second_assoc(c)
  local up = H.expect_event(s2, "assoc_change", "comm_up")
  H.must(s2:eof(up.assoc_id))
  H.await_event(c.client, "assoc_change", "shutdown_comp")
end

-- ... peeled off into c.peeled (c.s2: its server, c.s2_id: the assoc there).
local function peeled(c)
  c.s2 = second_assoc(c)
  c.s2_id = H.expect_event(c.s2, "assoc_change", "comm_up").assoc_id
  c.peeled = H.track(H.must(c.client:peeloff(c.other)))
end

-- ...and the peeled-off socket still works afterwards.
local function peeled_works(c)
  H.must(c.peeled:send(c.other, 0, "peeled still works"))
  local _, _, _, data = H.expect_data(c.s2)
  assert.equal("peeled still works", data)
  H.must(c.s2:send(c.s2_id, 0, "back"))
  local _, _, _, back = H.expect_data(c.peeled)
  assert.equal("back", back)
end

-- A third socket with an association to the server, closed.
local function closed(c)
  c.dead = H.client()
  c.dead_assoc = H.must(c.dead:connect(H.LOCAL, c.port, nil, H.TIMEOUT))
  assert.equal(true, c.dead:close())
end

-- A one-to-one listening socket.
local function stream_listener(c)
  c.listener = H.open(0, { ip = H.LOCAL, type = "stream" })
  H.must(c.listener:listen(5))
end

-------------------------------------------------------------------------------
-- The cases: { name, call(c), expectation [, setup = fn(c)] [, after = fn(c)] }

local CASES = {
  -- sctp.open: ports
  { "open: port is a string", function() return sctp.open("x") end, R("open", "port") },
  { "open: port is a boolean", function() return sctp.open(true) end, R("open", "port") },
  { "open: negative port", function() return sctp.open(-1) end, R("open", "port") },
  { "open: port 65536", function() return sctp.open(65536) end, R("open", "port") },
  { "open: huge port 2^53", function() return sctp.open(2 ^ 53) end, R("open", "port") },
  { "open: fractional port", function() return sctp.open(1.5) end, R("open", "port") },
  { "open: NaN port", function() return sctp.open(0 / 0) end, R("open", "port") },
  { "open: opts.port out of range", function() return sctp.open(0, { port = 70000 }) end, R("open", "port") },
  { "open: port already in use", function(c) return sctp.open(c.port, { ip = H.LOCAL }) end, F("eaddrinuse") },
  -- sctp.open: options and addresses
  { "open: opts is a number", function() return sctp.open(0, 5) end, R("open", "opts") },
  { "open: unknown option", function() return sctp.open(0, { nosuch = 1 }) end, R("open", "nosuch") },
  { "open: unknown family", function() return sctp.open(0, { family = "inet7" }) end, R("open", "family") },
  { "open: unknown type", function() return sctp.open(0, { type = "datagram" }) end, R("open", "type") },
  { "open: ip is a boolean", function() return sctp.open(0, { ip = true }) end, R("open", "ip") },
  { "open: ip is an empty array", function() return sctp.open(0, { ip = {} }) end, R("open", "ip") },
  { "open: ip array holding a boolean", function() return sctp.open(0, { ip = { H.LOCAL, true } }) end,
    R("open", "ip") },
  { "open: malformed address 300.1.1.1", function() return sctp.open(0, { ip = "300.1.1.1" }) end, F("nxdomain") },
  { "open: malformed address 1.2.3.4.5", function() return sctp.open(0, { ip = "1.2.3.4.5" }) end, F("nxdomain") },
  { "open: empty address", function() return sctp.open(0, { ip = "" }) end, F("nxdomain") },
  { "open: unresolvable host name", function() return sctp.open(0, { ip = NOWHERE }) end, F("nxdomain") },
  { "open: IPv6 address on an inet socket", function() return sctp.open(0, { ip = "::1" }) end, F("eafnosupport") },
  { "open: address not on this host", function() return sctp.open(0, { ip = "192.0.2.77" }) end,
    F("eaddrnotavail") },
  { "open: option field out of range", function()
    return sctp.open(0, { ip = H.LOCAL, sctp_initmsg = { num_ostreams = 65536 } })
  end, R("open", "sctp_initmsg", "num_ostreams") },
  { "open: option of the wrong type", function() return sctp.open(0, { sctp_nodelay = "on" }) end,
    R("open", "sctp_nodelay") },

  -- connect, connect_init, connectx_init
  { "connect: address is a boolean", function(c) return c.client:connect(true, c.port) end, R("connect", "addr") },
  { "connect: an array of addresses (connectx_init takes those)", function(c)
    return c.client:connect({ H.LOCAL }, c.port)
  end, R("connect", "addr") },
  { "connect: port 0", function(c) return c.client:connect(H.LOCAL, 0, 1000) end, R("connect", "port") },
  { "connect: negative port", function(c) return c.client:connect(H.LOCAL, -5, 1000) end, R("connect", "port") },
  { "connect: port 65536", function(c) return c.client:connect(H.LOCAL, 65536, 1000) end, R("connect", "port") },
  { "connect: fractional port", function(c) return c.client:connect(H.LOCAL, 80.5, 1000) end,
    R("connect", "port") },
  { "connect: negative timeout", function(c) return c.client:connect(H.LOCAL, c.port, {}, -1) end,
    R("connect", "timeout") },
  { "connect: NaN timeout", function(c) return c.client:connect(H.LOCAL, c.port, {}, 0 / 0) end,
    R("connect", "timeout") },
  { "connect: timeout is a string", function(c) return c.client:connect(H.LOCAL, c.port, {}, "soon") end,
    R("connect", "timeout") },
  { "connect: opts is a number (with a timeout)", function(c) return c.client:connect(H.LOCAL, c.port, 5, 5) end,
    R("connect", "opts") },
  { "connect: unknown option", function(c) return c.client:connect(H.LOCAL, c.port, { nosuch = 1 }, 1000) end,
    R("connect", "nosuch") },
  { "connect: option field out of range", function(c)
    return c.client:connect(H.LOCAL, c.port, { sctp_initmsg = { max_attempts = -1 } }, 1000)
  end, R("connect", "sctp_initmsg", "max_attempts") },
  { "connect: malformed address", function(c) return c.client:connect("1.2.3.4.5", c.port, 1000) end,
    F("nxdomain") },
  { "connect: unresolvable host name", function(c) return c.client:connect(NOWHERE, c.port, 1000) end,
    F("nxdomain") },
  { "connect: IPv6 address on an inet socket", function(c) return c.client:connect("::1", c.port, 1000) end,
    F("eafnosupport") },
  { "connect: nobody listening", function(c) return c.client:connect(H.LOCAL, H.free_port(), 3000) end,
    F("econnrefused") },
  { "connect: to a peer already associated", function(c) return c.client:connect(H.LOCAL, c.port, 1000) end,
    F("eisconn") },
  { "connect_init: one-element address array", function(c) return c.client:connect_init({ H.LOCAL }, c.port) end,
    R("connect_init", "addr") },
  { "connect_init: negative port", function(c) return c.client:connect_init(H.LOCAL, -1) end,
    R("connect_init", "port") },
  { "connectx_init: empty address array", function(c) return c.client:connectx_init({}, c.port) end,
    R("connectx_init", "addrs") },
  { "connectx_init: address array holding a boolean", function(c)
    return c.client:connectx_init({ H.LOCAL, true }, c.port)
  end, R("connectx_init", "addrs") },
  -- an address list is an array, even of one address (one rule for all)
  { "connectx_init: one address string, not an array", function(c)
    return c.client:connectx_init(H.LOCAL, c.port)
  end, R("connectx_init", "addrs") },
  { "connectx_init: one {ip, port} pair, not an array", function(c)
    return c.client:connectx_init({ H.LOCAL, c.port }, c.port)
  end, R("connectx_init", "addrs") },

  -- send: streams, data, zero length, size
  { "send: stream id = the negotiated count", function(c) return c.client:send(c.assoc, OSTREAMS, "x") end,
    F("einval") },
  { "send: stream id beyond the negotiated count", function(c) return c.client:send(c.assoc, 20, "x") end,
    F("einval") },
  { "send: sndrcvinfo stream beyond the negotiated count", function(c)
    return c.client:send(sri(c, { stream = OSTREAMS + 1 }), "x")
  end, F("einval") },
  { "send: stream 65536", function(c) return c.client:send(c.assoc, 65536, "x") end, R("send", "stream") },
  { "send: negative stream", function(c) return c.client:send(c.assoc, -1, "x") end, R("send", "stream") },
  { "send: fractional stream", function(c) return c.client:send(c.assoc, 1.5, "x") end, R("send", "stream") },
  { "send: stream is a string", function(c) return c.client:send(c.assoc, "zero", "x") end, R("send", "stream") },
  { "send: zero-length message", function(c) return c.client:send(c.assoc, 0, "") end, F("einval") },
  { "send: zero-length message (empty array)", function(c) return c.client:send(c.assoc, 0, {}) end, F("einval") },
  { "send: zero-length message (array of empty strings)", function(c)
    return c.client:send(sri(c, {}), { "", "" })
  end, F("einval") },
  { "send: data is a boolean", function(c) return c.client:send(c.assoc, 0, true) end, R("send", "data") },
  { "send: data array holding a number", function(c) return c.client:send(c.assoc, 0, { "a", 5 }) end,
    R("send", "data") },
  { "send: data missing", function(c) return c.client:send(sri(c, {})) end, R("send", "data") },
  { "send: oversized message with fragmentation disabled", function(c)
    return c.client:send(c.assoc, 0, string.rep("x", 100000))
  end, F("emsgsize"), setup = function(c) H.must(c.client:setopts { sctp_disable_fragments = true }) end },
  { "send: message larger than sndbuf", function(c)
    return c.client:send(c.assoc, 0, string.rep("x", 1024 * 1024))
  end, F("emsgsize"), setup = function(c) H.must(c.client:setopts { sndbuf = 65536 }) end },
  -- send: associations
  { "send: assoc is a boolean", function(c) return c.client:send(true, 0, "x") end, R("send", "assoc") },
  { "send: assoc table without assoc_id", function(c) return c.client:send({}, 0, "x") end,
    R("send", { "assoc", "assoc_id" }) },
  { "send: sndrcvinfo is a string", function(c) return c.client:send("x", "data") end, R("send", "sndrcvinfo") },
  { "send: association that does not exist", function(c) return c.client:send(987654, 0, "x") end, F("epipe") },
  { "send: association ended by eof", function(c) return c.client:send(c.other, 0, "x") end, F("epipe"),
    setup = ended_by_eof },
  { "send: association ended by abort", function(c) return c.client:send(c.other, 0, "x") end, F("epipe"),
    setup = ended_by_abort },
  { "send: association shut down by the peer", function(c) return c.client:send(c.other, 0, "x") end,
    F("epipe"), setup = ended_by_peer },
  { "eof: association already ended", function(c) return c.client:eof(c.other) end, F("epipe"),
    setup = ended_by_eof },
  { "abort: association already ended", function(c) return c.client:abort(c.other) end, F("epipe"),
    setup = ended_by_abort },
  { "eof: association that does not exist", function(c) return c.client:eof(987654) end, F("epipe") },
  { "eof: assoc is a string", function(c) return c.client:eof("x") end, R("eof", "assoc") },
  { "abort: reason is a boolean", function(c) return c.client:abort(c.assoc, true) end, R("abort", "reason") },
  -- send: sndrcvinfo fields and flags
  { "send: negative ppid", function(c) return c.client:send(sri(c, { ppid = -1 }), "x") end, R("send", "ppid") },
  { "send: ppid 2^32", function(c) return c.client:send(sri(c, { ppid = 2 ^ 32 }), "x") end, R("send", "ppid") },
  { "send: context is a string", function(c) return c.client:send(sri(c, { context = "x" }), "x") end,
    R("send", "context") },
  { "send: negative timetolive", function(c) return c.client:send(sri(c, { timetolive = -1 }), "x") end,
    R("send", "timetolive") },
  { "send: unknown sndrcvinfo field", function(c) return c.client:send(sri(c, { strem = 1 }), "x") end,
    R("send", "strem") },
  { "send: unknown pr_policy", function(c) return c.client:send(sri(c, { pr_policy = "sometimes" }), "x") end,
    R("send", "pr_policy") },
  { "send: unknown flag", function(c) return c.client:send(sri(c, { flags = { "bogus" } }), "x") end,
    R("send", "flags", "bogus") },
  { "send: flags not an array", function(c) return c.client:send(sri(c, { flags = "eof" }), "x") end,
    R("send", "flags") },
  { "send: flag that is a number", function(c) return c.client:send(sri(c, { flags = { 1 } }), "x") end,
    R("send", "flags") },
  { "send: addr_over without an address", function(c)
    return c.client:send(sri(c, { flags = { "addr_over" } }), "x")
  end, F("einval") },
  -- sendx
  { "sendx: empty address array", function(c) return c.client:sendx({}, c.port, {}, "x") end,
    R("sendx", "addrs") },
  { "sendx: one address string, not an array", function(c) return c.client:sendx(H.LOCAL, c.port, {}, "x") end,
    R("sendx", "addrs") },
  { "sendx: port 0", function(c) return c.client:sendx({ H.LOCAL }, 0, {}, "x") end, R("sendx", "port") },
  { "sendx: port 70000", function(c) return c.client:sendx({ H.LOCAL }, 70000, {}, "x") end, R("sendx", "port") },
  { "sendx: sndrcvinfo is a string", function(c) return c.client:sendx({ H.LOCAL }, c.port, "x", "data") end,
    R("sendx", "sndrcvinfo") },
  { "sendx: unresolvable host name", function(c) return c.client:sendx({ NOWHERE }, c.port, {}, "x") end,
    F("nxdomain") },
  { "sendx: nobody listening", function(c) return c.client:sendx({ H.LOCAL }, H.free_port(), {}, "x") end,
    F("econnrefused"),
    -- usrsctp's ABORT comes back through its receive thread: sendx may
    -- return the new id before it, and the association then fails
    usrsctp = OK(function(c, id, err, detail)
      if id == nil then
        H.fails("econnrefused", true, id, err, detail)
        return
      end
      assert.is_number(id)
      assert.equal(id, H.await_event(c.client, "assoc_change", "cant_assoc").assoc_id)
    end, "econnrefused, or an id whose association then fails") },

  -- send_many, recv_many
  { "send_many: list is a string", function(c) return c.client:send_many("x") end, R("send_many", "list") },
  { "send_many: an entry that is not a table", function(c)
    return c.client:send_many({ { c.info, "ok" }, "x" })
  end, R("send_many", "list", "entry") },
  { "send_many: an entry without data", function(c)
    return c.client:send_many({ { c.info } })
  end, R("send_many", "list", "data") },
  { "send_many: an entry with a stream that is not a number", function(c)
    return c.client:send_many({ { c.assoc, "one", "x" } })
  end, R("send_many", "stream") },
  { "recv_many: max 0", function(c) return c.client:recv_many(0) end, R("recv_many", "max") },
  { "recv_many: max is a string", function(c) return c.client:recv_many("all") end, R("recv_many", "max") },
  { "recv_many: negative timeout", function(c) return c.client:recv_many(4, -1) end, R("recv_many", "timeout") },

  -- recv
  { "recv: negative timeout", function(c) return c.client:recv(-1) end, R("recv", "timeout") },
  { "recv: NaN timeout", function(c) return c.client:recv(0 / 0) end, R("recv", "timeout") },
  { "recv: timeout is a string", function(c) return c.client:recv("1") end, R("recv", "timeout") },
  { "recv: called on something that is not a socket", function(c) return c.client.recv(42, 0) end,
    R("recv", "socket") },

  -- setopts: names, types, ranges
  { "setopts: opts is a number", function(c) return c.client:setopts(5) end, R("setopts", "opts") },
  { "setopts: unknown option", function(c) return c.client:setopts { nosuch = 1 } end, R("setopts", "nosuch") },
  { "setopts: negative sndbuf", function(c) return c.client:setopts { sndbuf = -1 } end, R("setopts", "sndbuf") },
  { "setopts: huge recbuf", function(c) return c.client:setopts { recbuf = 2 ^ 40 } end, R("setopts", "recbuf") },
  { "setopts: tos 256", function(c) return c.client:setopts { tos = 256 } end, R("setopts", "tos") },
  { "setopts: priority is a string", function(c) return c.client:setopts { priority = "high" } end,
    R("setopts", "priority") },
  { "setopts: reuseaddr is a number", function(c) return c.client:setopts { reuseaddr = 1 } end,
    R("setopts", "reuseaddr") },
  { "setopts: linger without seconds", function(c) return c.client:setopts { linger = { true } } end,
    R("setopts", "linger") },
  { "setopts: linger with a string flag", function(c) return c.client:setopts { linger = { "yes", 5 } } end,
    R("setopts", "linger") },
  { "setopts: negative sctp_autoclose", function(c) return c.client:setopts { sctp_autoclose = -1 } end,
    R("setopts", "sctp_autoclose") },
  { "setopts: mode is unknown", function(c) return c.client:setopts { mode = "text" } end, R("setopts", "mode") },
  { "setopts: active is unknown", function(c) return c.client:setopts { active = "twice" } end,
    R("setopts", "active") },
  { "setopts: active out of range", function(c) return c.client:setopts { active = 40000 } end,
    R("setopts", "active") },
  { "setopts: buffer too small", function(c) return c.client:setopts { buffer = 10 } end, R("setopts", "buffer") },
  { "setopts: non_block_send is a number", function(c) return c.client:setopts { non_block_send = 1 } end,
    R("setopts", "non_block_send") },
  { "setopts: record is a number", function(c) return c.client:setopts { sctp_rtoinfo = 5 } end,
    R("setopts", "sctp_rtoinfo") },
  { "setopts: unknown record field", function(c) return c.client:setopts { sctp_rtoinfo = { maximum = 1 } } end,
    R("setopts", "sctp_rtoinfo", "maximum") },
  { "setopts: unknown event", function(c) return c.client:setopts { sctp_events = { dry_event = true } } end,
    R("setopts", "sctp_events", "dry_event") },
  { "setopts: event flag is a string", function(c)
    return c.client:setopts { sctp_events = { data_io_event = "yes" } }
  end, R("setopts", "sctp_events", "data_io_event") },
  { "setopts: record field out of range", function(c)
    return c.client:setopts { sctp_initmsg = { num_ostreams = 65536 } }
  end, R("setopts", "sctp_initmsg", "num_ostreams") },
  { "setopts: negative hbinterval", function(c)
    return c.client:setopts { sctp_peer_addr_params = { hbinterval = -1 } }
  end, R("setopts", "sctp_peer_addr_params", "hbinterval") },
  { "setopts: unknown sctp_peer_addr_params flag", function(c)
    return c.client:setopts { sctp_peer_addr_params = { flags = { "hb_maybe" } } }
  end, R("setopts", "sctp_peer_addr_params", "hb_maybe") },
  { "setopts: unknown sctp_default_send_param flag", function(c)
    return c.client:setopts { sctp_default_send_param = { flags = { "bogus" } } }
  end, R("setopts", "sctp_default_send_param", "bogus") },
  { "setopts: negative adaptation_ind", function(c)
    return c.client:setopts { sctp_adaptation_layer = { adaptation_ind = -1 } }
  end, R("setopts", "sctp_adaptation_layer", "adaptation_ind") },
  { "setopts: address port out of range", function(c)
    return c.client:setopts { sctp_primary_addr = { assoc_id = c.assoc.assoc_id, addr = { H.LOCAL, 70000 } } }
  end, R("setopts", "sctp_primary_addr", "addr") },
  { "setopts: read-only sctp_status", function(c)
    return c.client:setopts { sctp_status = { assoc_id = c.assoc.assoc_id } }
  end, R("setopts", "sctp_status") },
  -- setopts: values the kernel refuses
  { "setopts: sctp_rtoinfo min above max", function(c)
    return c.client:setopts { sctp_rtoinfo = { min = 5000, max = 100 } }
  end, F("einval") },
  { "setopts: sctp_maxseg too small", function(c) return c.client:setopts { sctp_maxseg = 10 } end, F("einval"),
    -- usrsctp has no lower bound: taken as given
    usrsctp = OK(function(c, ok)
      assert.equal(true, ok)
      assert.equal(10, H.getopt(c.client, "sctp_maxseg"))
    end, "true, and the value is kept") },
  { "setopts: sctp_delayed_ack_time above 500 ms", function(c)
    return c.client:setopts { sctp_delayed_ack_time = { assoc_value = 1000 } }
  end, F("einval") },
  { "setopts: primary address that is not the peer's", function(c)
    return c.client:setopts { sctp_primary_addr = { assoc_id = c.assoc.assoc_id, addr = { "127.0.0.9", c.port } } }
  end, F("einval") },
  { "setopts: primary address that does not resolve", function(c)
    return c.client:setopts { sctp_primary_addr = { assoc_id = c.assoc.assoc_id, addr = NOWHERE } }
  end, F("nxdomain") },
  { "setopts: record for an association that does not exist", function(c)
    return c.client:setopts { sctp_rtoinfo = { assoc_id = 987654, initial = 500 } }
  end, F("einval") },

  -- getopts
  { "getopts: names is a string", function(c) return c.client:getopts("sndbuf") end, R("getopts", "names") },
  { "getopts: name is a number", function(c) return c.client:getopts { 42 } end, R("getopts", "names") },
  { "getopts: unknown option", function(c) return c.client:getopts { "nosuch" } end, R("getopts", "nosuch") },
  { "getopts: argument is a string", function(c) return c.client:getopts { sctp_status = "first" } end,
    R("getopts", "sctp_status") },
  { "getopts: unknown argument field", function(c)
    return c.client:getopts { sctp_rtoinfo = { asoc_id = c.assoc.assoc_id } }
  end, R("getopts", "sctp_rtoinfo", "asoc_id") },
  { "getopts: status of an association that does not exist", function(c)
    return c.client:getopts { sctp_status = { assoc_id = 987654 } }
  end, F("einval") },
  { "getopts: peer address info for an address that is not the peer's", function(c)
    return c.client:getopts { sctp_get_peer_addr_info = { assoc_id = c.assoc.assoc_id,
      address = { "127.0.0.9", c.port } } }
  end, F("einval") },

  -- listen, accept, bindx, names, peeloff, active mode, waiters, module
  { "listen: flag is a string", function(c) return c.client:listen("yes") end, R("listen", "flag") },
  { "listen: negative backlog", function(c) return c.client:listen(-1) end, R("listen", "flag") },
  { "accept: on a one-to-many socket", function(c) return c.client:accept(0) end, F("enotsup") },
  { "accept: negative timeout", function(c) return c.listener:accept(-1) end, R("accept", "timeout"),
    setup = stream_listener },
  { "bindx: one address string, not an array", function(c) return c.client:bindx("127.0.0.2", "add") end,
    R("bindx", "addrs") },
  { "bindx: one {ip, port} pair, not an array", function(c) return c.client:bindx({ "127.0.0.2", 0 }, "add") end,
    R("bindx", "addrs") },
  { "bindx: unknown operation", function(c) return c.client:bindx({ H.LOCAL }, "replace") end, R("bindx", "op") },
  { "bindx: empty address array", function(c) return c.client:bindx({}, "add") end, R("bindx", "addrs") },
  { "bindx: unresolvable host name", function(c) return c.client:bindx({ NOWHERE }, "add") end, F("nxdomain") },
  { "bindx: address not on this host", function(c) return c.client:bindx({ "192.0.2.77" }, "add") end,
    F("eaddrnotavail") },
  { "bindx: removing the last address", function(c) return c.client:bindx({ H.LOCAL }, "remove") end, F("ebusy") },
  { "socknames: assoc is a string", function(c) return c.client:socknames("x") end, R("socknames", "assoc") },
  { "peernames: association that does not exist", function(c) return c.client:peernames(987654) end,
    F("einval") },
  { "peeloff: assoc is a string", function(c) return c.client:peeloff("x") end, R("peeloff", "assoc") },
  { "reset_streams: streams is a number", function(c) return c.client:reset_streams(c.assoc, 1, "out") end,
    R("reset_streams", "streams") },
  { "reset_streams: no direction", function(c) return c.client:reset_streams(c.assoc, { 0 }) end,
    R("reset_streams", "direction") },
  { "reset_streams: the peer has reconfiguration off", function(c)
    return c.client:reset_streams(c.other or c.assoc, {}, "in")
  end, F("enoprotoopt"),
    -- usrsctp has reconfiguration on by default: the peer turns it off
    usrsctp_setup = function(c)
      assert.equal(true, H.getopt(c.server, "sctp_reconfig_supported"))
      local s2 = H.server({ sctp_reconfig_supported = false })
      c.other = H.must(c.client:connect(H.LOCAL, H.port_of(s2), nil, H.TIMEOUT))
    end },
  { "reset_assoc: assoc is a boolean", function(c) return c.client:reset_assoc(true) end, R("reset_assoc", "assoc") },
  { "reset_assoc: association that does not exist", function(c) return c.client:reset_assoc(987654) end, F("einval") },
  { "add_streams: n_out out of range", function(c) return c.client:add_streams(c.assoc, 0, 70000) end,
    R("add_streams", "n_out") },
  { "peeloff: association that does not exist", function(c) return c.client:peeloff(987654) end, F("einval") },
  { "peeloff: association that has ended", function(c) return c.client:peeloff(c.other) end, F("einval"),
    setup = ended_by_eof },
  { "controlling_process: handler is a number", function(c) return c.client:controlling_process(5) end,
    R("controlling_process", "handler") },
  { "dispatch: no handler set", function(c) return c.client:dispatch(0) end, R("dispatch", "handler") },
  { "dispatch: negative timeout", function(c) return c.client:dispatch(-1) end, R("dispatch", "timeout") },
  { "setwaiter: fn is a number", function(c) return c.client:setwaiter(5) end, R("setwaiter", "fn") },
  { "sctp.setwaiter: fn is a string", function() return sctp.setwaiter("poll") end, R("setwaiter", "fn") },
  { "sctp.default_backend: name unknown", function() return sctp.default_backend("bsd") end,
    R("default_backend", "name") },
  { "sctp.backend_settings: name unknown", function() return sctp.backend_settings("bsd", {}) end,
    R("backend_settings", "name") },
  { "sctp.backend_settings: settings is a number", function() return sctp.backend_settings("kernel", 5) end,
    R("backend_settings", "settings") },
  { "sctp.backend_settings: a setting the kernel backend lacks",
    function() return sctp.backend_settings("kernel", { udp_port = 9899 }) end, R("backend_settings", "settings") },
  { "sctp.error_string: n is a string", function() return sctp.error_string("x") end, R("error_string", "n") },
  { "sctp.associations: family is a number", function() return sctp.associations(6) end,
    R("associations", "family") },

  -- a peeled-off socket
  { "peeled-off socket: listen", function(c) return c.peeled:listen(true) end, F("einval"),
    setup = peeled, after = peeled_works },
  { "peeled-off socket: connect elsewhere", function(c) return c.peeled:connect(H.LOCAL, c.port, 1000) end,
    F("eisconn"), setup = peeled, after = peeled_works },
  { "peeled-off socket: peeloff", function(c) return c.peeled:peeloff(c.other) end, F("einval"),
    setup = peeled, after = peeled_works },
  { "peeled-off socket: accept", function(c) return c.peeled:accept(0) end, F("enotsup"),
    setup = peeled, after = peeled_works },
  { "peeled-off socket: stream beyond the negotiated count", function(c)
    return c.peeled:send(c.other, 100, "x")
  end, F("einval"), setup = peeled, after = peeled_works },
  { "parent socket: send on the peeled-off association", function(c) return c.client:send(c.other, 0, "x") end,
    F("epipe"), setup = peeled, after = peeled_works },
  { "parent socket: peeloff the same association again", function(c) return c.client:peeloff(c.other) end,
    F("einval"), setup = peeled, after = peeled_works },
  { "peeled-off socket: recv after its association was aborted", function(c)
    H.must(c.s2:abort(c.s2_id))
    local _, _, _, ev = H.must(c.peeled:recv(H.TIMEOUT))
    assert.same({ "assoc_change", "comm_lost" }, { ev.event, ev.state })
    return c.peeled:recv(1000)
  end, F("closed"), setup = peeled },
  { "peeled-off socket: send after close", function(c) return c.peeled:send(c.other, 0, "x") end, F("closed"),
    setup = function(c)
      peeled(c)
      assert.equal(true, c.peeled:close())
    end },

  -- a closed socket
  { "closed socket: send", function(c) return c.dead:send(c.dead_assoc, 0, "x") end, F("closed"), setup = closed },
  { "closed socket: send with a sndrcvinfo", function(c)
    return c.dead:send({ assoc_id = c.dead_assoc.assoc_id }, "x")
  end, F("closed"), setup = closed },
  { "closed socket: recv", function(c) return c.dead:recv(1000) end, F("closed"), setup = closed },
  { "closed socket: connect", function(c) return c.dead:connect(H.LOCAL, c.port, 1000) end, F("closed"),
    setup = closed },
  { "closed socket: connectx_init", function(c) return c.dead:connectx_init({ H.LOCAL }, c.port) end,
    F("closed"), setup = closed },
  { "closed socket: sendx", function(c) return c.dead:sendx({ H.LOCAL }, c.port, {}, "x") end, F("closed"),
    setup = closed },
  { "closed socket: eof", function(c) return c.dead:eof(c.dead_assoc) end, F("closed"), setup = closed },
  { "closed socket: abort", function(c) return c.dead:abort(c.dead_assoc) end, F("closed"), setup = closed },
  { "closed socket: listen", function(c) return c.dead:listen(true) end, F("closed"), setup = closed },
  { "closed socket: accept", function(c) return c.dead:accept(0) end, F("closed"), setup = closed },
  { "closed socket: peeloff", function(c) return c.dead:peeloff(c.dead_assoc) end, F("closed"), setup = closed },
  { "closed socket: bindx", function(c) return c.dead:bindx({ H.LOCAL }, "add") end, F("closed"), setup = closed },
  { "closed socket: setopts", function(c) return c.dead:setopts { sndbuf = 65536 } end, F("closed"),
    setup = closed },
  { "closed socket: getopts", function(c) return c.dead:getopts { "sndbuf" } end, F("closed"), setup = closed },
  { "closed socket: socknames", function(c) return c.dead:socknames() end, F("closed"), setup = closed },
  { "closed socket: peernames", function(c) return c.dead:peernames(c.dead_assoc) end, F("closed"),
    setup = closed },
  { "closed socket: controlling_process", function(c) return c.dead:controlling_process(print) end,
    F("closed"), setup = closed },
  { "closed socket: dispatch", function(c) return c.dead:dispatch(0) end, F("closed"), setup = closed },
}

-------------------------------------------------------------------------------

-- The message of the error a call raised (`r` holds pcall's results), or a
-- failure naming what the call returned instead.
local function raised(r)
  if r[1] then
    local shown = {}
    for i = 2, r.n do shown[#shown + 1] = H.show(r[i]) end
    error("expected a Lua error, but the call returned (" .. table.concat(shown, ", ") .. ")", 3)
  end
  return tostring(r[2])
end

-- Whole-word match, as H.raises does: "ip" does not match "pipe".
local function names(msg, word)
  local low = msg:gsub("^[^\n:]*:%d+: ", ""):lower()
  local escaped = word:lower():gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0")
  return low:find("%f[%w_]" .. escaped .. "%f[^%w_]") ~= nil
end

local function check_raise(r, words)
  local msg = raised(r)
  for _, w in ipairs(words) do
    local alternatives = type(w) == "table" and w or { w }
    local found = false
    for _, a in ipairs(alternatives) do found = found or names(msg, a) end
    if not found then
      error(string.format("error message %q does not name %s", msg, table.concat(alternatives, " or ")), 2)
    end
  end
end

-- A message each way over the fixture's association.
local function still_works(c, n)
  local text = "still works after case " .. n
  H.must(c.client:send(c.assoc, 1, text))
  local _, _, anc, data = H.expect_data(c.server)
  assert.equal(text, data)
  assert.equal(1, H.info(anc).stream)
  H.must(c.server:send(c.sid, 1, "re: " .. text))
  local _, _, _, back = H.expect_data(c.client)
  assert.equal("re: " .. text, back)
end

describe("bad input", function()
  after_each(H.cleanup)

  -- Functions that take no argument, or accept any: no bad input to give
  -- them (a wrong self, for every method: errors_spec).
  local NO_BAD_INPUT = { close = true, getfd = true, pollfd = true, events = true, timeout = true,
                         isclosed = true, gettime = true, is_event = true,
                         backend = true, capabilities = true, backends = true }

  it("has a case for every socket method and every module function", function()
    local raises, fails = 0, 0
    for _, case in ipairs(CASES) do
      if case[3].raise then raises = raises + 1 else fails = fails + 1 end
    end
    print(string.format("\nbad input: %d cases (%d raise a Lua error, %d return nil, err, detail)",
      #CASES, raises, fails))
    local covered = {}
    for _, case in ipairs(CASES) do
      covered[case[1]:match("^([%w_]+):") or ""] = true
      covered[case[1]:match("^sctp%.([%w_]+):") or ""] = true
      covered[case[1]:match("^closed socket: ([%w_]+)") or ""] = true
    end
    local missing = {}
    local function want(tbl)
      for name, v in pairs(tbl) do
        if type(v) == "function" and not covered[name] and not NO_BAD_INPUT[name] then
          missing[#missing + 1] = name
        end
      end
    end
    want(getmetatable(H.client()).__index)
    want(sctp)
    table.sort(missing)
    assert.same({}, missing)
  end)

  for i, case in ipairs(CASES) do
    local name, call, expect, setup = case[1], case[2], case[3], case.setup
    if H.USRSCTP then
      expect = case.usrsctp or expect
      setup = case.usrsctp_setup or setup
    end
    local how = expect.raise and "raises naming " .. table.concat((function()
      local t = {}
      for _, w in ipairs(expect.raise) do t[#t + 1] = type(w) == "table" and table.concat(w, "/") or w end
      return t
    end)(), ", ") or expect.ok and ("gives " .. expect.what) or ("gives nil, \"" .. expect.fail .. "\"")
    it(string.format("%d. %s: %s, and the sockets still work", i, name, how), function()
      local c = fixture()
      if setup then setup(c) end
      -- sockets left for the collector by earlier cases are closed first,
      -- and no collection runs during the call: a socket the call leaves
      -- open shows in the count
      collectgarbage("collect")
      collectgarbage("stop")
      local fds = N.fd_count()
      local r = H.pack(pcall(call, c))
      local fds_after = N.fd_count()
      collectgarbage("restart")
      -- both checks are reported when both fail
      local problems = {}
      local ok, err = pcall(function()
        if expect.raise then
          check_raise(r, expect.raise)
        elseif expect.ok then
          assert.is_true(r[1], "expected a result; it raised " .. tostring(r[2]))
          expect.ok(c, unpack(r, 2, r.n))
        else
          assert.is_true(r[1], "expected nil, err, detail; it raised " .. tostring(r[2]))
          H.fails(expect.fail, true, unpack(r, 2, r.n))
        end
      end)
      if not ok then problems[#problems + 1] = tostring(err) end
      if fds_after ~= fds then
        problems[#problems + 1] = string.format("the call left %d more descriptor(s) open (%d before, %d after)",
          fds_after - fds, fds, fds_after)
      end
      if #problems > 0 then error(table.concat(problems, "\n"), 0) end
      if case.after then case.after(c) end
      still_works(c, i)
    end)
  end
end)
