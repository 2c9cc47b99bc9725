-- The tables of bench/profile/run, from `callgrind_annotate --inclusive=no`
-- listings (self cost per function) of each workload at N and 2N messages:
--
--   report.lua table W=m1:file1:m2:file2 ...   (or W=skip reason)
--   report.lua top K W=m1:file1:m2:file2
--
-- Per message = (cost in file2 - cost in file1) / (m2 - m1). Functions are
-- grouped by where they come from: the C core (csrc/), the Lua VM
-- (liblua5.4.a, linked into the host without debug info: "???"), libc,
-- the loop backend (bench/profile/loop_backend.c: the kernel's stand-in, not
-- counted) and other (ld.so, host.c, ...). Runs under build/profile/host.

-- {key = {ir, file, fn, obj}} of one listing, and its total
local function parse(path)
  local f = assert(io.open(path))
  local funcs, total = {}, nil
  for line in f:lines() do
    local ir, rest = line:match("^%s*([%d,]+) %(%s*[%d.]+%%%)%s+(.+)$")
    if ir then
      ir = tonumber((ir:gsub(",", "")))
      if rest == "PROGRAM TOTALS" then
        total = ir
      else
        local what, obj = rest:match("^(.-) %[(.+)%]$")
        what = what or rest
        local file, fn = what:match("^(.-):([^:]+)$")
        if not file then file, fn = "???", what end
        local key = what .. " [" .. (obj or "") .. "]"
        local e = funcs[key]
        if e then e.ir = e.ir + ir else funcs[key] = {ir = ir, file = file, fn = fn, obj = obj} end
      end
    end
  end
  f:close()
  if not total then error(path .. ": no PROGRAM TOTALS line (not a callgrind_annotate listing?)") end
  -- Lines of a function inlined from another file (a header) are listed
  -- without their object: they take the object of the function's own
  -- entry (its costliest one when the name is in several objects).
  local home = {}
  for _, e in pairs(funcs) do
    if e.obj and (not home[e.fn] or home[e.fn].ir < e.ir) then home[e.fn] = e end
  end
  for _, e in pairs(funcs) do
    if not e.obj then
      e.inlined = true
      e.obj = home[e.fn] and home[e.fn].obj or "?"
    end
  end
  return funcs, total
end

local GROUPS = {"core", "lua", "libc", "other", "backend"}

local function in_csrc(file) return file:match("/csrc/") or file:match("^csrc/") end

-- core_fns: names seen with a csrc/ file in the host (the lines a core
-- function inlined from a header are listed under the header's file). In
-- the host, only the core, host.c and the loop backend have debug
-- information: "???" is liblua5.4.a (and crt start-up code).
local function group(e, core_fns)
  local obj, file, fn = e.obj, e.file, e.fn
  if obj:match("/libc%.so") or obj:match("/libc%-") then return "libc" end
  if not obj:match("/host$") then return "other" end
  if file:match("bench/profile/loop_backend%.c$") or fn:match("^loop_") then return "backend" end
  if in_csrc(file) then return "core" end
  if file == "???" then return "lua" end
  if core_fns[fn] then return "core" end
  return "other"
end

local function load(spec)
  local w, m1, f1, m2, f2 = spec:match("^([^=]+)=(%d+):([^:]+):(%d+):([^:]+)$")
  if not w then error("bad argument " .. spec) end
  local a, ta = parse(f1)
  local b, tb = parse(f2)
  local msgs = tonumber(m2) - tonumber(m1)
  if msgs <= 0 then error(w .. ": the second run has no more messages than the first") end
  local core_fns = {}
  for _, t in ipairs({a, b}) do
    for _, e in pairs(t) do
      if in_csrc(e.file) and e.obj:match("/host$") then core_fns[e.fn] = true end
    end
  end
  -- per function: the difference
  local diff = {}
  for k, e in pairs(b) do
    diff[k] = {ir = e.ir - (a[k] and a[k].ir or 0), file = e.file, fn = e.fn, obj = e.obj, inlined = e.inlined}
  end
  for k, e in pairs(a) do
    if not b[k] then diff[k] = {ir = -e.ir, file = e.file, fn = e.fn, obj = e.obj, inlined = e.inlined} end
  end
  local sums = {}
  for _, g in ipairs(GROUPS) do sums[g] = 0 end
  for _, e in pairs(diff) do
    e.group = group(e, core_fns)
    sums[e.group] = sums[e.group] + e.ir
  end
  local listed = 0
  for _, g in ipairs(GROUPS) do listed = listed + sums[g] end
  return {name = w, msgs = msgs, diff = diff, sums = sums, total = tb - ta, listed = listed}
end

local function per(x, msgs) return x / msgs end

local mode = arg[1]
if mode == "table" then
  local fmt = "%-12s %10s %10s %10s %10s %10s %12s\n"
  io.write("Instructions (Ir) per message, (2N run - N run) / N, callgrind, loop backend\n\n")
  io.write(fmt:format("workload", "Ir/msg", "C core", "Lua VM", "libc", "other", "backend*"))
  io.write(fmt:format(("-"):rep(12), ("-"):rep(10), ("-"):rep(10), ("-"):rep(10), ("-"):rep(10),
                      ("-"):rep(10), ("-"):rep(12)))
  for i = 2, #arg do
    local w, reason = arg[i]:match("^([^=]+)=skip (.*)$")
    if w then
      io.write(("%-12s skipped: %s\n"):format(w, reason))
    else
      local r = load(arg[i])
      local s, n = r.sums, r.msgs
      local counted = s.core + s.lua + s.libc + s.other
      io.write(("%-12s %10.0f %10.0f %10.0f %10.0f %10.0f %12.0f\n"):format(r.name,
        per(counted, n), per(s.core, n), per(s.lua, n), per(s.libc, n), per(s.other, n), per(s.backend, n)))
      -- the listing must account for the whole program (threshold 100)
      if math.abs(r.listed - r.total) > 0.001 * math.abs(r.total) + 1000 then
        io.write(("  (warning: the functions listed add up to %d of %d Ir)\n"):format(r.listed, r.total))
      end
    end
  end
  io.write("\nIr/msg = C core + Lua VM + libc + other. * backend: the in-memory stand-in for\n"
    .. "the kernel (bench/profile/loop_backend.c), not counted. batch: per message of\n"
    .. "send_many/recv_many(64); pingpong: per round trip (two messages).\n")
elseif mode == "top" then
  local k = tonumber(arg[2])
  local r = load(arg[3])
  -- one row per function: its lines inlined from headers go with it
  local byfn, list = {}, {}
  for _, e in pairs(r.diff) do
    if e.group ~= "backend" then
      local key = e.fn .. " [" .. e.obj .. "]"
      local f = byfn[key]
      if not f then
        f = {ir = 0, fn = e.fn, file = e.file, group = e.group}
        byfn[key] = f
        list[#list + 1] = {key = key, e = f}
      end
      f.ir = f.ir + e.ir
      if not e.inlined then f.file = e.file end
    end
  end
  table.sort(list, function(x, y)
    if x.e.ir ~= y.e.ir then return x.e.ir > y.e.ir end
    return x.key < y.key
  end)
  local s = r.sums
  local counted = s.core + s.lua + s.libc + s.other
  io.write(("\nTop %d functions of %s by self cost per message (%.0f Ir/msg counted,\n"
    .. "backend not listed):\n\n"):format(k, r.name, per(counted, r.msgs)))
  io.write(("%8s %6s  %-7s %s\n"):format("Ir/msg", "%", "group", "function (file)"))
  for i = 1, math.min(k, #list) do
    local e = list[i].e
    local file = e.file:gsub("^.*/csrc/", "csrc/"):gsub("^%./", "")
    local where = file == "???" and "" or (" (" .. file:gsub("^.*/malloc/", "malloc/") .. ")")
    io.write(("%8.1f %5.1f%%  %-7s %s%s\n"):format(per(e.ir, r.msgs), 100 * e.ir / counted,
      e.group, e.fn, where))
  end
else
  io.stderr:write("usage: report.lua table SPEC... | report.lua top K SPEC\n")
  os.exit(2)
end
