-- bench/icount/report.lua LOG: the table of bench/icount/run. LOG holds the
-- plugin's "@@ICOUNT seq=K kernel=N user=N" lines (two per pair, in order)
-- and the guest's "@@ICPAIR name=W peer=P n=N status=S" lines.
local marks, pairs_ = {}, {}
for line in io.lines(arg[1]) do
  local k, u = line:match("^@@ICOUNT seq=%d+ kernel=(%d+) user=(%d+)")
  if k then marks[#marks + 1] = {tonumber(k), tonumber(u)} end
  local name, peer, n, st = line:match("^@@ICPAIR name=(%S+) peer=(%S+) n=(%d+) status=(%d+)")
  if name then pairs_[#pairs_ + 1] = {name = name, peer = peer, n = tonumber(n), ok = st == "0"} end
end
-- pair i used marks 2i-1, 2i (a failed pair may have fewer: then stop)
local cost, m = {}, 1
for _, p in ipairs(pairs_) do
  local a, b = marks[m], marks[m + 1]
  if not p.ok then
    -- a failed pair (no connect: no marker) is skipped; its rerun follows
    io.stderr:write(("pair %s %s n=%d failed (skipped)\n"):format(p.name, p.peer, p.n))
    goto next
  end
  if not b then break end
  m = m + 2
  local key = p.name .. "/" .. p.peer
  cost[key] = cost[key] or {}
  table.insert(cost[key], {n = p.n, k = b[1] - a[1], u = b[2] - a[2]})
  ::next::
end
local function per(key)
  local c = cost[key]
  if not c or #c < 2 then return nil end
  local n = c[2].n - c[1].n
  return {k = (c[2].k - c[1].k) / n, u = (c[2].u - c[1].u) / n}
end
local names = {"flood64", "flood1k", "flood16k", "pingpong", "big", "many"}
local label = {flood64 = "flood 64 B", flood1k = "flood 1 KiB", flood16k = "flood 16 KiB",
  pingpong = "ping-pong 64 B (per round trip)", big = "flood 1 MiB", many = "many (per association)"}
local peers = {"c", "lua", "lua-reuse", "luajit", "lua-batch"}
local function fmt(x) return x and ("%.1fk"):format(x / 1000) or "-" end
print("instructions per message, kernel + user of both processes (user in brackets); C / peer")
print(("| %-32s | %-18s | %-18s | %-18s | %-18s | %-18s |"):format("workload", "C", "Lua 5.4",
  "Lua 5.4, recv reuse", "LuaJIT", "Lua batch"))
local ratio = {}
for _, w in ipairs(names) do
  local row, c = {}, per(w .. "/c")
  for _, p in ipairs(peers) do
    local f = per(w .. "/" .. p)
    if f then
      local r = c and c.k + c.u > 0 and (c.k + c.u) / (f.k + f.u)
      ratio[w .. "/" .. p] = r
      row[#row + 1] = ("%s (%s)%s"):format(fmt(f.k + f.u), fmt(f.u), p ~= "c" and r and (" %.2f"):format(r) or "")
    else row[#row + 1] = "-" end
  end
  print(("| %-32s | %-18s | %-18s | %-18s | %-18s | %-18s |"):format(label[w], table.unpack(row)))
end
print("\ntargets (issue 16), Lua 5.4:")
local function target(what, v, min, max)
  local met = v and ((min and v >= min) or (max and v <= max))
  print(("  %-52s %s  %s"):format(what, v and ("%.2f"):format(v) or "n/a", v and (met and "met" or "NOT met") or ""))
end
target("C/Lua >= 0.92 flood 64 B", ratio["flood64/lua"], 0.92)
target("C/Lua >= 0.92 ping-pong 64 B", ratio["pingpong/lua"], 0.92)
target("C/Lua >= 0.95 flood 16 KiB", ratio["flood16k/lua"], 0.95)
target("C/Lua >= 0.97 flood 1 MiB", ratio["big/lua"], 0.97)
local f = per("flood64/lua")
target("user <= 3000 instructions/message flood 64 B", f and f.u, nil, 3000)
local fr = per("flood64/lua-reuse")
target("  the same, recv(nil, ancdata) reusing its table", fr and fr.u, nil, 3000)
target("C/Lua batch >= 1.05 flood 64 B", ratio["flood64/lua-batch"], 1.05)
local jit_ok = true
for _, w in ipairs(names) do
  if ratio[w .. "/luajit"] and ratio[w .. "/lua"] and ratio[w .. "/luajit"] < ratio[w .. "/lua"] then jit_ok = false end
end
print(("  %-52s      %s"):format("LuaJIT at least as good as 5.4 (every workload)", jit_ok and "met" or "NOT met"))
print("  Lua >= 2.5x Erlang: n/a (Erlang not installed; make bench-deps)")
