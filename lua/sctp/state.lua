-- Per-socket Lua state, and the raw C methods.
--
-- The state of a socket is a table kept in the socket userdata itself (its
-- user value, on every Lua version): it goes with its socket even when it
-- refers back to it (a handler, a waiter, a suspended coroutine), with no
-- weak table and no ephemerons needed. It holds the Lua-level options
-- (`mode`, `buffer`, `active`, `non_block_send`), the queue of messages
-- connect() read while it waited, and what the waiters note.
--
-- `raw` holds the C methods as the core made them, before the Lua layer
-- puts its own methods in their place: load this module first.
local core = require "sctp.core"
core.library_chunk(debug.getinfo(1, "S").source)   -- its frames are the library's

local M = {}

local raw = {}
for name, fn in pairs(core.methods) do raw[name] = fn end
M.raw = raw

local getst, setst = raw.getstate, raw.setstate

-- The default size of the receive buffer (`buffer`), as gen_sctp's.
M.DEFAULT_BUFFER = 65536

-- The `detail` of every operation on a closed socket.
M.CLOSED = "socket is closed"

-- The assoc_change states that end an association.
M.ended_states = {comm_lost = true, shutdown_comp = true, cant_assoc = true}

-- A fresh state for `sock`. `parent` (a listening or one-to-many socket)
-- passes on the Lua-level settings to an accepted or peeled-off socket;
-- the kernel copies its own.
function M.new(sock, parent)
  local p = parent and getst(parent)
  local _, stype, peeled = raw.info(sock)
  local s = {mode = p and p.mode or "binary", buffer = p and p.buffer or M.DEFAULT_BUFFER,
             active = p and p.active or false, handler = p and p.handler,
             non_block_send = p and p.non_block_send or false,
             assoc_events = (not p) or p.assoc_events,
             stream = stype == "stream", peeled = peeled,
             qhead = 1, qtail = 0, queue = {}}
  setst(sock, s)
  if p then
    raw.setmode(sock, s.mode)
    raw.setbuffer(sock, s.buffer)
  end
  return s
end

-- The state of `sock`, made when it has none (raises naming the method
-- the user called when `sock` is not a socket).
function M.get(sock)
  return getst(sock) or M.new(sock)
end

-- The state of `sock`, or nil when it has none (or is not a socket).
M.peek = getst

-- Forgets the state of `sock` (it is being closed).
function M.drop(sock)
  setst(sock, nil)
end

return M
