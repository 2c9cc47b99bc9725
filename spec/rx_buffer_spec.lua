-- Receive buffers: a new message is read into one buffer per thread, so a
-- socket holds no buffer of its own unless a message reaches it in parts.
-- (Before, every socket kept the 64 KiB it allocated at its first recv:
-- 640 MB of heap for 10,000 client sockets.)
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code.

local H = require "helper"
local sctp = require "sctp"

local function vm_data_kb()
  local f = io.open("/proc/self/status")
  local s = f:read("*a")
  f:close()
  return tonumber(s:match("VmData:%s*(%d+)"))
end

-- Under AddressSanitizer the allocator keeps freed memory in quarantine and
-- maps its own arenas: the address space says nothing about our buffers.
local SANITIZED = (os.getenv("LD_PRELOAD") or ""):find("asan", 1, true) ~= nil
  or os.getenv("ASAN_OPTIONS") ~= nil

describe("receive buffers", function()
  after_each(H.cleanup)

  it("are not kept per socket: 200 sockets that each received cost far less than 64 KiB each", function()
    local server = H.server()
    local port = H.port_of(server)
    local clients = {}
    local function connect_one(i)
      local c = H.client()
      clients[i] = c
      local assoc = H.must(c:connect(H.LOCAL, port, nil, H.TIMEOUT))   -- reads its comm_up
      H.must(c:send(assoc, 0, "hello"))
    end
    for i = 1, 20 do connect_one(i) end   -- warm-up: allocator, Lua heap
    collectgarbage("collect")
    local before = vm_data_kb()
    for i = 21, 220 do connect_one(i) end
    collectgarbage("collect")
    local per_socket = (vm_data_kb() - before) / 200
    print(("receive buffers: address space +%.1f KiB per socket that received (was 64+ KiB)")
      :format(per_socket))
    if not SANITIZED then
      -- on usrsctp the stack's own socket and association (about 17 KiB)
      -- live in this process too, not in the kernel; a kept 64 KiB buffer
      -- would still show
      local bound = H.USRSCTP and 32 or 8
      assert.is_true(per_socket < bound, ("%.1f KiB per socket"):format(per_socket))
    end
    -- and the server still got every message, each whole
    local n = 0
    while n < 220 do
      local _, _, _, data = H.recv_data(server)
      assert.equal("hello", data)
      n = n + 1
    end
  end)

  it("keep a message that arrives in parts across recv calls, then let go of it", function()
    local server, client, assoc = H.pair({ buffer = 1024 })
    local big = ("0123456789abcdef"):rep(4096)   -- 64 KiB: read 1 KiB at a time
    H.must(client:send(assoc, 0, big))
    local _, _, _, data = H.recv_data(server)
    assert.equal(#big, #data)
    assert.equal(big, data)
    -- the next, small message comes whole through the shared buffer
    H.must(client:send(assoc, 0, "small"))
    local _, _, _, data2 = H.recv_data(server)
    assert.equal("small", data2)
  end)
end)
