-- spec/nethelper.lua: helpers for the specs that need more than one loopback
-- address: shell commands, network namespaces joined by veth pairs, and peer
-- processes (spec/peers/*.lua) running in another namespace.
--
-- Loaded with `local N = require "nethelper"`; it builds on spec/helper.lua.
--
-- Rules, as in helper.lua: nothing here waits without a bound (peer
-- processes run under `timeout`), and whatever is created (namespaces,
-- interfaces, processes) is removed again by N.teardown(), which the specs
-- call from after_all even when a test failed.
--
-- Valid Lua 5.1 / LuaJIT / 5.4 code: no goto, no `//`, no `<close>`.

local H = require "helper"

local unpack_ = table.unpack or unpack

local N = {}

-------------------------------------------------------------------------------
-- Shell
-------------------------------------------------------------------------------

-- Quotes one word for /bin/sh.
function N.quote(s)
  s = tostring(s)
  if s:match("^[%w%-%./_:=@,+]+$") then return s end
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

-- Runs a shell command; returns ok (exit status 0), its output (stdout and
-- stderr), and the exit status. Works the same on every Lua version (5.1's
-- os.execute returns a bare number), by reading the status from the output.
function N.sh(cmd)
  local f = io.popen("(" .. cmd .. ") 2>&1; echo \"@@rc=$?\"", "r")
  if not f then return false, "io.popen failed: " .. cmd, -1 end
  local out = f:read("*a") or ""
  f:close()
  local rc = tonumber(out:match("@@rc=(%d+)%s*$")) or -1
  out = out:gsub("@@rc=%d+%s*$", "")
  return rc == 0, out, rc
end

-- Like N.sh, but raises with the command and its output on failure.
function N.must_sh(cmd)
  local ok, out, rc = N.sh(cmd)
  if not ok then
    error(string.format("command failed (status %s): %s\n%s", tostring(rc), cmd, out), 2)
  end
  return out
end

-- The process id of this Lua process (the parent of the popen shell).
local pid
function N.pid()
  if not pid then
    pid = tonumber((N.must_sh("echo $PPID"):match("%d+")))
  end
  return pid
end

-- True when running as root (needed for namespaces and interfaces).
function N.is_root()
  local ok, out = N.sh("id -u")
  return ok and out:match("^%s*0%s*$") ~= nil
end

-- True when a program is on PATH.
function N.have(prog)
  return (N.sh("command -v " .. N.quote(prog) .. " >/dev/null"))
end

-- Why tests that change this namespace's interfaces or sysctls cannot run
-- here, or nil when they can (root and iproute2's `ip`).
function N.root_net_unavailable()
  if not N.is_root() then return "needs root (run in the test VM: tools/run-tests)" end
  if not N.have("ip") then return "needs iproute2's ip" end
  return nil
end

-- Why network namespace tests cannot run here, or nil when they can:
-- they need root and iproute2's `ip` (which the test VM has).
function N.netns_unavailable()
  if not N.is_root() then return "needs root (run in the test VM: tools/run-tests)" end
  if not N.have("ip") then return "needs iproute2's ip" end
  if not N.have("timeout") then return "needs timeout (coreutils)" end
  local ok, out = N.sh("ip netns list")
  if not ok then return "ip netns does not work here: " .. out end
  return nil
end

-------------------------------------------------------------------------------
-- Peer processes
-------------------------------------------------------------------------------

-- The Lua interpreter running this spec (lua5.4, lua5.1, luajit...): a peer
-- process must use the same one, with the same package paths, so that it
-- loads the same build of sctp.core.
local interp
function N.interpreter()
  if not interp then
    local ok, out = N.sh("readlink /proc/$PPID/exe")
    out = ok and out:match("^%s*(%S+)%s*$")
    if out and out ~= "" then
      interp = out
    else
      -- fall back on the command line of the interpreter
      local i = -1
      while arg and arg[i - 1] do i = i - 1 end
      interp = (arg and arg[i]) or "lua"
    end
  end
  return interp
end

-- A shell command running spec/peers/<script> (or <script> itself when it
-- names a directory, like "examples/diameter_peer.lua") with `args` (an
-- array of words) in the spec's interpreter and package paths, killed after
-- `seconds`. `netns` (optional) runs it in that network namespace.
function N.peer_command(netns, seconds, script, args)
  local words = {
    "env", "LUA_PATH=" .. N.quote(package.path),
    "LUA_CPATH=" .. N.quote(package.cpath),
    "timeout", "-k", "2", tostring(seconds),
  }
  if netns then
    words[#words + 1] = "ip netns exec " .. N.quote(netns)
  end
  words[#words + 1] = N.quote(N.interpreter())
  words[#words + 1] = N.quote(script:find("/", 1, true) and script or "spec/peers/" .. script)
  for i = 1, #(args or {}) do words[#words + 1] = N.quote(args[i]) end
  return table.concat(words, " ")
end

-- Starts a peer in the background with its output (stdout and stderr) going
-- to a file; returns a peer object:
--   peer:output()          everything it printed so far
--   peer:wait_line(pat, ms) the first capture of `pat` in its output,
--                          waiting up to `ms` for it (nil on timeout)
--   peer:wait(ms)          waits for it to exit: true, exit status | false
--   peer:kill()            stops it (also done by N.teardown)
local peers = {}

-- Sleeps (through the shell: Lua has no sleep).
local function sleep_ms(ms)
  N.sh(string.format("sleep %.3f", ms / 1000))
end
N.sleep_ms = sleep_ms

local function read_file(path)
  local f = io.open(path)
  if not f then return nil end
  local s = f:read("*a")
  f:close()
  return s
end

local Peer = {}
Peer.__index = Peer
local files = 0
local dirs = {}

-- A path for this run's files: TMPDIR/lsctp-<what>-<pid>-<n>.
local function tmp_base(what)
  files = files + 1
  return string.format("%s/lsctp-%s-%d-%d", os.getenv("TMPDIR") or "/tmp",
    what, N.pid(), files)
end

-- Starts shell command `cmd` in the background as a peer object.
local function start(cmd)
  local base = tmp_base("peer")
  local p = setmetatable({ log = base .. ".log", rcfile = base .. ".rc",
    pidfile = base .. ".pid" }, Peer)
  os.remove(p.rcfile)
  os.remove(p.pidfile)
  -- A background subshell starts the peer (under `timeout`), writes its pid
  -- (what kill() stops: timeout passes the signal on) and then its exit
  -- status. Its own output goes to /dev/null so that N.sh returns at once.
  N.must_sh(string.format(
    "( %s >%s 2>&1 </dev/null & echo $! >%s; wait $!; echo $? >%s ) >/dev/null 2>&1 </dev/null &",
    cmd, N.quote(p.log), N.quote(p.pidfile), N.quote(p.rcfile)))
  local deadline = H.now() + 2
  repeat
    p.pid = tonumber((read_file(p.pidfile) or ""):match("%d+"))
    if not p.pid then sleep_ms(20) end
  until p.pid or H.now() >= deadline
  peers[#peers + 1] = p
  return p
end

function N.start_peer(netns, seconds, script, args)
  return start(N.peer_command(netns, seconds, script, args))
end

-- Starts a program that is not ours (freeDiameterd, osmo-stp, dumpcap),
-- `words` an array, like N.start_peer: in the background, killed after
-- `seconds`, without the sanitizer runtime tools/run-tests --sanitize
-- preloads (its leaks are not ours to report).
function N.start_program(seconds, words)
  local q = {}
  for i = 1, #words do q[i] = N.quote(words[i]) end
  return start(string.format("env -u LD_PRELOAD timeout -k 2 %d %s", seconds, table.concat(q, " ")))
end

-- Writes examples/peers/<name> (a peer's config) into directory `dir` with
-- its ${placeholders} filled from `values`; returns the path. An unfilled
-- placeholder raises.
function N.config(name, dir, values)
  local text = assert(read_file("examples/peers/" .. name), "examples/peers/" .. name .. " missing")
  text = text:gsub("%${([%w_]+)}", function(key)
    if values[key] == nil then error("no value for ${" .. key .. "} in " .. name, 0) end
    return tostring(values[key])
  end)
  local path = dir .. "/" .. name
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  return path
end

-- A new scratch directory; N.teardown() removes it.
function N.tmpdir()
  local dir = tmp_base("dir")
  N.must_sh("rm -rf " .. N.quote(dir) .. " && mkdir -p " .. N.quote(dir))
  dirs[#dirs + 1] = dir
  return dir
end

-- Raises unless program `prog` is on PATH (`package`: the Debian package
-- that has it): a spec that needs another program fails where it is
-- missing, it does not skip.
function N.need(prog, package)
  if not N.have(prog) then
    error(string.format("%s not found (apt-get install %s; tools/run-tests installs it)", prog, package), 2)
  end
end

-- Waits up to `ms` until an SCTP socket listens on `port`; true when one does.
function N.wait_listening(port, ms)
  local deadline = H.now() + ms / 1000
  repeat
    local ok, out = N.sh("env -u LD_PRELOAD ss -Hln -S")
    if ok and out:find(":" .. port .. "%s") then return true end
    sleep_ms(50)
  until H.now() >= deadline
  return false
end

function Peer:output()
  return read_file(self.log) or ""
end

function Peer:exited()
  local rc = read_file(self.rcfile)
  if rc and rc:match("%d") then return true, tonumber(rc:match("%d+")) end
  return false
end

function Peer:wait_line(pattern, ms)
  local deadline = H.now() + (ms or H.TIMEOUT) / 1000
  while true do
    local out = self:output()
    local cap = out:match(pattern)
    if cap then return cap end
    if self:exited() or H.now() >= deadline then
      -- one last look: the line may have come with the exit
      return self:output():match(pattern)
    end
    sleep_ms(50)
  end
end

function Peer:wait(ms)
  local deadline = H.now() + (ms or H.TIMEOUT) / 1000
  while true do
    local done, rc = self:exited()
    if done then return true, rc end
    if H.now() >= deadline then return false end
    sleep_ms(50)
  end
end

function Peer:kill()
  if self.pid and not self:exited() then
    N.sh(string.format("kill -TERM %d", self.pid))
  end
end

function Peer:remove_files()
  os.remove(self.log)
  os.remove(self.rcfile)
  os.remove(self.pidfile)
end

-------------------------------------------------------------------------------
-- Network namespaces and veth pairs
-------------------------------------------------------------------------------

local namespaces = {}
local links = {}      -- interfaces made in this namespace

-- A name no other run uses: prefix + this process id + a counter; short
-- enough for an interface name (15 characters) with a prefix of up to 5.
local counter = 0
function N.unique(prefix)
  counter = counter + 1
  return string.format("%s%dx%d", prefix, N.pid() % 100000, counter % 1000)
end

-- A UDP port that nothing holds, in 19900-19999 (below the ephemeral range,
-- so that no process is given it meanwhile): a usrsctp child process's
-- encapsulation port. Each call starts after the last one's port, so two
-- children started one after the other get two ports.
local last_udp_port = 19899
function N.free_udp_port()
  for i = 1, 100 do
    local port = 19900 + (last_udp_port - 19900 + i) % 100
    local ok, out = N.sh("ss -Hnul 'sport = :" .. port .. "'")
    if ok and out == "" then
      last_udp_port = port
      return port
    end
  end
  error("no free UDP port in 19900-19999")
end

-- Creates a network namespace with lo up; returns its name.
function N.add_netns(name)
  N.must_sh("ip netns add " .. N.quote(name))
  namespaces[#namespaces + 1] = name
  N.must_sh("ip -n " .. N.quote(name) .. " link set lo up")
  return name
end

-- A veth pair with `here` in this (the spec's) namespace holding address
-- `here_cidr`, and `there` in namespace `netns` holding `there_cidr`; both
-- ends up. Deleting the namespace deletes the pair.
function N.add_veth(here, here_cidr, netns, there, there_cidr)
  local q = N.quote
  N.must_sh(string.format("ip link add %s type veth peer name %s netns %s",
    q(here), q(there), q(netns)))
  links[#links + 1] = here
  N.must_sh(string.format("ip addr add %s dev %s", q(here_cidr), q(here)))
  N.must_sh(string.format("ip -n %s addr add %s dev %s", q(netns), q(there_cidr), q(there)))
  N.must_sh(string.format("ip link set %s up", q(here)))
  N.must_sh(string.format("ip -n %s link set %s up", q(netns), q(there)))
end

-- A dummy interface in this namespace holding the addresses `cidrs` (an
-- array; IPv6 ones without duplicate address detection, so that they can be
-- used at once), up. N.teardown() deletes it.
function N.add_dummy(name, cidrs)
  local q = N.quote
  N.must_sh(string.format("ip link add %s type dummy", q(name)))
  links[#links + 1] = name
  for _, cidr in ipairs(cidrs) do
    local v6 = cidr:find(":", 1, true)
    N.must_sh(string.format("ip addr add %s dev %s%s", q(cidr), q(name), v6 and " nodad" or ""))
  end
  N.must_sh(string.format("ip link set %s up", q(name)))
end

-------------------------------------------------------------------------------
-- Sysctls
-------------------------------------------------------------------------------

local function sysctl_path(name)
  return "/proc/sys/" .. name:gsub("%.", "/")
end

-- The value of a sysctl ("net.sctp.addip_enable"), or nil.
function N.sysctl(name)
  local s = read_file(sysctl_path(name))
  return s and s:match("^%s*(.-)%s*$")
end

-- Sets sysctls ({name = value}), calls fn(), and restores the old values
-- whatever happens. Returns what fn returns; re-raises its error.
function N.with_sysctls(settings, fn)
  local old = {}
  local function restore()
    for name, value in pairs(old) do
      local f = io.open(sysctl_path(name), "w")
      if f then f:write(value) f:close() end
    end
  end
  for name, value in pairs(settings) do
    local cur = N.sysctl(name)
    if cur == nil then
      restore()
      error("no sysctl " .. name, 2)
    end
    old[name] = cur
    local f, err = io.open(sysctl_path(name), "w")
    if not f then
      restore()
      error("cannot set sysctl " .. name .. ": " .. tostring(err), 2)
    end
    f:write(tostring(value))
    f:close()
  end
  local r = H.pack(pcall(fn))
  restore()
  if not r[1] then error(r[2], 0) end
  return unpack_(r, 2, r.n)
end

-------------------------------------------------------------------------------
-- Process figures and signals (reliability and leak specs)
-------------------------------------------------------------------------------

-- The number of open file descriptors of this Lua process, counted in
-- /proc/self/fd: with LuaFileSystem when it is there (no process is
-- started), else with `ls` (slow under emulation: a fork and an exec).
local has_lfs, lfs = pcall(require, "lfs")
function N.fd_count()
  if has_lfs then
    local n = 0
    for name in lfs.dir("/proc/self/fd") do
      if name ~= "." and name ~= ".." then n = n + 1 end
    end
    return n - 1        -- the directory being read is one of them
  end
  local out = N.must_sh("ls /proc/" .. N.pid() .. "/fd | wc -l")
  -- the popen pipe this count is read through is one of them
  return tonumber(out:match("%d+")) - 1
end

-- The resident set size of this process in KiB (VmRSS of /proc/self/status).
function N.rss_kb()
  local s = read_file("/proc/self/status") or ""
  return tonumber(s:match("VmRSS:%s*(%d+)"))
end

-- The Lua heap in KiB after a full collection.
function N.heap_kb()
  collectgarbage("collect")
  collectgarbage("collect")
  return collectgarbage("count")
end

-- The soft limit on open files (ulimit -n) of this process, or nil.
function N.fd_limit()
  local s = read_file("/proc/" .. N.pid() .. "/limits") or ""
  return tonumber(s:match("Max open files%s+(%d+)"))
end

-- Sends a signal ("KILL", "TERM", ...) to a process id; true when it went.
function N.signal(pid, sig)
  return (N.sh(string.format("kill -%s %d", sig or "TERM", pid)))
end

-- True while process `pid` exists (and is not a zombie).
function N.alive(pid)
  local s = read_file("/proc/" .. pid .. "/stat")
  if not s then return false end
  return s:match("^%d+ %b() (%a)") ~= "Z"
end

-- Runs iproute2's tc with `args` (a string), in namespace `netns` when
-- given; returns its output, raising when it fails. tc runs without a
-- preloaded sanitizer runtime (tools/run-tests --sanitize): its own
-- allocations are not ours to report.
function N.tc(args, netns)
  local prefix = netns and ("ip netns exec " .. N.quote(netns) .. " ") or ""
  return N.must_sh(prefix .. "env -u LD_PRELOAD tc " .. args)
end

-- Adds a netem qdisc to interface `dev` (in namespace `netns` when given):
-- `params` like "delay 2ms loss 10%". N.teardown() removes the interfaces,
-- and with them the qdiscs.
function N.netem(dev, params, netns)
  N.tc("qdisc replace dev " .. N.quote(dev) .. " root netem " .. params, netns)
end

-- The number of packets the root qdisc of `dev` dropped so far, or nil.
function N.qdisc_drops(dev, netns)
  return tonumber(N.tc("-s qdisc show dev " .. N.quote(dev), netns):match("dropped (%d+)"))
end

-- Why netem tests cannot run here (no tc or no sch_netem), or nil.
function N.netem_unavailable()
  local why = N.netns_unavailable()
  if why then return why end
  if not N.have("tc") then return "needs iproute2's tc" end
  return nil
end

-------------------------------------------------------------------------------
-- Packet captures: dumpcap writes, tshark decodes
-------------------------------------------------------------------------------

local captures = {}
local Capture = {}
Capture.__index = Capture

-- Starts dumpcap on interface `dev` with capture filter `filter` ("sctp"),
-- for at most `seconds`; returns once it captures. cap:stop() ends it,
-- cap:frames(...) reads what it wrote; N.teardown() removes the file.
function N.capture(dev, filter, seconds)
  N.need("dumpcap", "tshark")
  local why = N.root_net_unavailable()
  if why then error("capturing on " .. dev .. " " .. why, 2) end
  local file = tmp_base("capture") .. ".pcapng"
  local proc = N.start_program(seconds or 60, { "dumpcap", "-i", dev, "-f", filter, "-w", file })
  local cap = setmetatable({ proc = proc, file = file }, Capture)
  captures[#captures + 1] = cap
  if not proc:wait_line("(File: )", 10000) then
    error("dumpcap did not start capturing:\n" .. proc:output(), 2)
  end
  return cap
end

-- The packet count dumpcap last reported ("Packets: N"), or 0.
function Capture:count()
  local n = 0
  for c in self.proc:output():gmatch("Packets: (%d+)") do n = tonumber(c) end
  return n
end

-- Stops dumpcap once what was sent so far has been written: it reports its
-- count every 100 ms or so, and packets still in the kernel's buffer when
-- it stops would be lost. Returns the number of packets captured.
function Capture:stop()
  local deadline = H.now() + 3
  local last, steady = -1, 0
  while steady < 3 and H.now() < deadline do
    local n = self:count()
    if n == last and n > 0 then steady = steady + 1 else steady = 0 end
    last = n
    sleep_ms(100)
  end
  self.proc:kill()
  local done = self.proc:wait(5000)
  if not done then error("dumpcap did not stop:\n" .. self.proc:output(), 2) end
  return tonumber(self.proc:output():match("Packets captured: (%d+)")) or self:count()
end

-- tshark's decoding of the frames matching display filter `filter`: an
-- array of frames, each mapping every name in `fields` to the array of its
-- values in that frame, in order (a frame may carry several SCTP chunks,
-- hence several messages). `decode_as` (optional) is an array of tshark
-- -d rules ("sctp.port==3869,diameter") for ports not the protocol's own.
function Capture:frames(filter, fields, decode_as)
  N.need("tshark", "tshark")
  local words = { "env", "-u", "LD_PRELOAD", "timeout", "60", "tshark", "-n", "-r", self.file,
    "-Y", filter, "-T", "fields", "-E", "separator=/t", "-E", "aggregator=,", "-E", "occurrence=a" }
  for _, rule in ipairs(decode_as or {}) do
    words[#words + 1] = "-d"
    words[#words + 1] = rule
  end
  for _, f in ipairs(fields) do
    words[#words + 1] = "-e"
    words[#words + 1] = f
  end
  for i = 1, #words do words[i] = N.quote(words[i]) end
  local err = self.file .. ".err"
  local ok, out = N.sh(table.concat(words, " ") .. " 2>" .. N.quote(err))
  if not ok then error("tshark failed: " .. out .. (read_file(err) or ""), 2) end
  local frames = {}
  for line in out:gmatch("[^\n]+") do
    local frame, i = {}, 0
    for value in (line .. "\t"):gmatch("([^\t]*)\t") do
      i = i + 1
      local list = {}
      for v in value:gmatch("[^,]+") do list[#list + 1] = v end
      if fields[i] then frame[fields[i]] = list end
    end
    frames[#frames + 1] = frame
  end
  return frames
end

-------------------------------------------------------------------------------
-- Cleaning up
-------------------------------------------------------------------------------

-- Removes everything made here: stops the peers, deletes the namespaces
-- (and with them the veth pairs). Safe to call more than once.
function N.teardown()
  for i = #peers, 1, -1 do
    local p = peers[i]
    peers[i] = nil
    pcall(function()
      p:kill()
      p:wait(2000)
      p:remove_files()
    end)
  end
  for i = #captures, 1, -1 do
    os.remove(captures[i].file)
    os.remove(captures[i].file .. ".err")
    captures[i] = nil
  end
  for i = #dirs, 1, -1 do
    N.sh("rm -rf " .. N.quote(dirs[i]))
    dirs[i] = nil
  end
  for i = #links, 1, -1 do
    local link = links[i]
    links[i] = nil
    N.sh("ip link del " .. N.quote(link) .. " 2>/dev/null")
  end
  for i = #namespaces, 1, -1 do
    local ns = namespaces[i]
    namespaces[i] = nil
    N.sh("ip netns pids " .. N.quote(ns) .. " | xargs -r kill -KILL")
    N.sh("ip netns del " .. N.quote(ns))
  end
end

return N
