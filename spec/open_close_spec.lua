-- Opening and closing one-to-many sockets: sctp.open's forms and failures,
-- close(), the garbage collector and Lua 5.4's <close>.

local H = require "helper"
local sctp = require "sctp"

-- every {ip, port} of socknames() has this port
local function all_ports(names)
  local ports = {}
  for i = 1, #names do ports[#ports + 1] = names[i][2] end
  return ports
end

describe("sctp.open", function()
  after_each(H.cleanup)

  it("with no arguments opens a socket bound to any address and a free port", function()
    local s = H.track(sctp.open())
    assert.equal("userdata", type(s))
    local names = H.must(s:socknames())
    assert.is_true(#names >= 1, "socknames() gave " .. H.show(names))
    local port = names[1][2]
    assert.is_number(port)
    assert.is_true(port > 0 and port < 65536, "port " .. tostring(port))
    for _, p in ipairs(all_ports(names)) do
      assert.equal(port, p)
    end
  end)

  it("with port 0 picks a free port", function()
    local a = H.track(sctp.open(0))
    local b = H.track(sctp.open(0))
    local pa, pb = H.port_of(a), H.port_of(b)
    assert.is_true(pa > 0)
    assert.is_true(pb > 0)
    assert.are_not.equal(pa, pb)
  end)

  it("with a port number binds that port", function()
    local port = H.free_port()
    local s = H.track(sctp.open(port))
    assert.equal(port, H.port_of(s))
  end)

  it("with an opts table alone binds its ip and port", function()
    local port = H.free_port()
    local s = H.track(sctp.open({ ip = "127.0.0.1", port = port }))
    assert.same({ { "127.0.0.1", port } }, H.must(s:socknames()))
  end)

  it("with a port and an opts table binds the opts' ip on that port", function()
    local s = H.track(sctp.open(0, { ip = "127.0.0.1" }))
    local names = H.must(s:socknames())
    assert.equal(1, #names)
    assert.equal("127.0.0.1", names[1][1])
    assert.is_true(names[1][2] > 0)
  end)

  it("accepts ifaddr as another name for ip", function()
    local s = H.track(sctp.open(0, { ifaddr = "127.0.0.1" }))
    local names = H.must(s:socknames())
    assert.equal(1, #names)
    assert.equal("127.0.0.1", names[1][1])
  end)

  it("accepts \"loopback\" as the address", function()
    local s = H.track(sctp.open(0, { ip = "loopback" }))
    local names = H.must(s:socknames())
    assert.equal(1, #names)
    assert.equal("127.0.0.1", names[1][1])
  end)

  it("binds every address of an ip array (multi-homing) on one port", function()
    local s = H.track(sctp.open(0, { ip = { "127.0.0.1", "127.0.0.2" } }))
    local names = H.must(s:socknames())
    assert.same({ "127.0.0.1", "127.0.0.2" }, H.ips(names))
    assert.equal(names[1][2], names[2][2])
    assert.is_true(names[1][2] > 0)
  end)

  it("accepts family \"inet\" and type \"seqpacket\" (the defaults)", function()
    local s = H.track(sctp.open(0, { ip = "127.0.0.1", family = "inet", type = "seqpacket" }))
    assert.equal("127.0.0.1", H.must(s:socknames())[1][1])
    -- a one-to-many socket: it can listen and be connected to
    assert.is_true(s:listen(true))
    local c = H.client()
    local assoc = H.must(c:connect("127.0.0.1", H.port_of(s), nil, H.TIMEOUT))
    assert.equal("comm_up", assoc.state)
  end)

  it("opens with family \"inet6\" on ::1", function()
    local s = H.track(sctp.open(0, { family = "inet6", ip = "::1" }))
    local names = H.must(s:socknames())
    assert.equal(1, #names)
    assert.equal("::1", names[1][1])
  end)

  it("fails with eaddrinuse when the port is already bound", function()
    local a = H.client()
    local port = H.port_of(a)
    H.fails("eaddrinuse", true, sctp.open(port, { ip = "127.0.0.1" }))
  end)

  it("fails with eaddrnotavail for an address this host does not have", function()
    -- 192.0.2.1 (TEST-NET-1) is never configured in the test VM
    H.fails("eaddrnotavail", true, sctp.open(0, { ip = "192.0.2.1" }))
  end)

  it("starts with the documented defaults (binary mode, events on except adaptation)", function()
    local s = H.client()
    local o = H.must(s:getopts({ "mode", "sctp_events" }))
    assert.equal("binary", o.mode)
    local ev = o.sctp_events
    assert.is_table(ev)
    for _, name in ipairs({ "data_io_event", "association_event", "address_event",
      "send_failure_event", "peer_error_event", "shutdown_event",
      "partial_delivery_event" }) do
      assert.equal(true, ev[name], name)
    end
    assert.equal(false, ev.adaptation_layer_event)
  end)
end)

describe("sock:close", function()
  after_each(H.cleanup)

  it("returns true, and true again when called twice", function()
    local s = H.track(sctp.open(0, { ip = "127.0.0.1" }))
    assert.equal(true, s:close())
    assert.equal(true, s:close())
  end)

  it("releases the port for a new socket", function()
    local s = H.track(sctp.open(0, { ip = "127.0.0.1" }))
    assert.is_true(s:listen(true))
    local port = H.port_of(s)
    assert.equal(true, s:close())
    local again = H.track(sctp.open(port, { ip = "127.0.0.1" }))
    assert.equal(port, H.port_of(again))
  end)

  it("closes a socket that has associations", function()
    local server, client = H.pair()
    assert.equal(true, client:close())
    assert.equal(true, server:close())
    assert.equal(true, client:close())
  end)
end)

describe("garbage collection", function()
  after_each(H.cleanup)

  -- opens a socket in a frame of its own so no stack slot keeps it alive
  local function open_and_drop(listen)
    local s = H.must(sctp.open(0, { ip = "127.0.0.1" }))
    if listen then H.must(s:listen(true)) end
    return H.port_of(s)
  end

  it("closes a dropped socket (its port can be bound again)", function()
    local port = open_and_drop(true)
    collectgarbage("collect")
    collectgarbage("collect")
    local s, err, detail = sctp.open(port, { ip = "127.0.0.1" })
    assert.is_truthy(s, "port still bound after collection: " ..
      tostring(err) .. " " .. tostring(detail))
    H.track(s)
  end)

  it("collects sockets that were closed already", function()
    local function closed_one()
      local s = H.must(sctp.open(0, { ip = "127.0.0.1" }))
      assert.equal(true, s:close())
    end
    for _ = 1, 20 do closed_one() end
    collectgarbage("collect")
    collectgarbage("collect")
    -- the module still works afterwards
    local s = H.client()
    assert.is_true(H.port_of(s) > 0)
  end)

  it("collects a dropped socket that has an association", function()
    local server = H.server()
    local port = H.port_of(server)
    local function connect_and_drop()
      local c = H.must(sctp.open(0, { ip = "127.0.0.1" }))
      H.must(c:connect("127.0.0.1", port, nil, H.TIMEOUT))
    end
    connect_and_drop()
    H.expect_event(server, "assoc_change", "comm_up")
    collectgarbage("collect")
    collectgarbage("collect")
    -- closing flushes like eof: the server sees the association shut down
    H.expect_event(server, "shutdown_event")
    H.expect_event(server, "assoc_change", "shutdown_comp")
  end)
end)

describe("<close> (Lua 5.4)", function()
  after_each(H.cleanup)

  if _VERSION ~= "Lua 5.4" then
    pending("to-be-closed variables need Lua 5.4")
    return
  end

  -- The <close> syntax is compiled with load() so this file still parses on
  -- Lua 5.1 and LuaJIT.
  local scope = assert(load([[
    local sctp, fail = ...
    local kept
    do
      local s <close> = assert(sctp.open(0, { ip = "127.0.0.1" }))
      kept = s
      assert(s:listen(true))
      if fail then error("leaving the scope by an error") end
    end
    return kept
  ]], "=close_scope"))

  it("closes the socket when its scope ends", function()
    local s = scope(sctp, false)
    local ip, err = s:recv(0)
    assert.is_nil(ip)
    assert.equal("closed", err)
    assert.equal(true, s:close())
  end)

  it("closes the socket when an error leaves its scope", function()
    -- hand the chunk an sctp look-alike whose open() records the socket
    local kept
    local spy = {
      open = function(...)
        local s, e, d = sctp.open(...)
        kept = s
        return s, e, d
      end,
    }
    local ok, msg = pcall(scope, spy, true)
    assert.is_false(ok)
    assert.matches("leaving the scope", tostring(msg))
    assert.is_not_nil(kept)
    H.track(kept)
    local ip, err = kept:recv(0)
    assert.is_nil(ip)
    assert.equal("closed", err)
  end)
end)
