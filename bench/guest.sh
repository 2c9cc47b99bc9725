#!/bin/sh
# bench/guest.sh: the benchmark rounds, run from the repository root inside
# the VM (or natively where the kernel has SCTP). bench/run starts it; it is
# not meant to be run by hand (but can be: sh bench/guest.sh --help).
#
# For each round, each workload, each peer (interleaved: C, Lua, Lua batch,
# Erlang, Go, then the next workload, then the next round) it starts the
# peer's server and client, waits for the server's READY (listening) and the
# client's BOOTED (runtime up, waiting for a line on stdin), pins both to
# the same CPU, lets the client go, and prints the RESULT lines of both as
# "@@BENCH round=R name=W size=S ..." for bench/report.lua, plus settings as
# "@@BENCHINFO key=value". A pair that fails prints "@@BENCH ... error=...".
set -u

rounds=3
peers="c lua lua-batch erlang go"
workloads="flood64 flood1k flood16k pingpong big many"
lua=lua5.4
luaver=5.4
escript=escript
erlscript=bench/peer.escript
bin=build/bench
cpus=0            # taskset CPU list for both processes of a pair ("" = no pinning)
buf=4194304       # sndbuf and recbuf asked of every socket
batch=64          # messages per send_many / recv_many call
n_flood64=8000 n_flood1k=8000 n_flood16k=3000 n_pingpong=3000 n_big=60 n_many=10000
many_rounds=1     # the 10,000 associations take 10-60 s per peer under emulation
timeout_s=600     # per process

while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    --workloads) workloads=$2; shift 2 ;;
    --lua) lua=$2; shift 2 ;;
    --luaver) luaver=$2; shift 2 ;;
    --escript) escript=$2; shift 2 ;;
    --erlscript) erlscript=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --buf) buf=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --many-rounds) many_rounds=$2; shift 2 ;;
    --count) # NAME=N
      case $2 in
        flood64=[0-9]*|flood1k=[0-9]*|flood16k=[0-9]*|pingpong=[0-9]*|big=[0-9]*|many=[0-9]*)
          eval "n_${2%%=*}=\${2#*=}" ;;
        *) echo "guest.sh: --count wants WORKLOAD=N, got $2" >&2; exit 2 ;;
      esac
      shift 2 ;;
    --help|-h) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "guest.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

export LUA_PATH="./lua/?.lua;./lua/?/init.lua;;" LUA_CPATH="./build/$luaver/?.so;;"
tmp=${TMPDIR:-/tmp}/sctp-bench.$$
mkdir -p "$tmp"

# 10,000 associations need as many client sockets.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
maxfd=$(ulimit -n)
if [ "$maxfd" != unlimited ] && [ "$n_many" -gt $((maxfd - 64)) ]; then
  echo "@@BENCHINFO note=open-file limit $maxfd: many associations reduced to $((maxfd - 64))"
  n_many=$((maxfd - 64))
fi

# What the runtimes would choose if started on the pinned CPUs only: they
# start unpinned (so that the two start-ups overlap), and are pinned before
# any measurement.
case $cpus in
  "") ;;
  *[,-]*) ;;
  *) export ERL_FLAGS="+S 1:1 +SDcpu 1:1" GOMAXPROCS=1 ;;
esac

info() { echo "@@BENCHINFO $1=$2"; }
# glibc malloc settings for every peer (SCTP_BENCH_GLIBC_TUNABLES, e.g.
# glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=268435456):
# with the defaults, a freed 1 MiB string goes back to the kernel and the
# next one faults its pages in again (docs/benchmarks.md).
if [ -n "${SCTP_BENCH_GLIBC_TUNABLES:-}" ]; then
  export GLIBC_TUNABLES="$SCTP_BENCH_GLIBC_TUNABLES"
  info glibc_tunables "$GLIBC_TUNABLES"
fi
sysctl_of() { cat "/proc/sys/$(echo "$1" | tr . /)" 2>/dev/null | tr '\t' ' ' || echo "?"; }
info kernel "$(uname -r)"
info cpus "$(grep -c ^processor /proc/cpuinfo)"
info cpu_model "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
info mem_mb "$(awk '/^MemTotal/ {print int($2/1024)}' /proc/meminfo)"
for k in net.core.rmem_max net.core.wmem_max net.core.rmem_default net.core.wmem_default \
         net.sctp.rto_min net.sctp.rto_initial net.sctp.rto_max net.sctp.sctp_rmem net.sctp.sctp_wmem \
         net.sctp.sack_timeout; do
  info "$k" "$(sysctl_of "$k")"
done
info pinning "${cpus:-none} (pinned once started; ${ERL_FLAGS:+ERL_FLAGS=$ERL_FLAGS }${GOMAXPROCS:+GOMAXPROCS=$GOMAXPROCS})"
info sockopts "sctp_nodelay=true sndbuf=$buf recbuf=$buf buffer=size+65536 events=all-but-adaptation one-to-many"
info batch "$batch"
info rounds "$rounds"
info many_rounds "$many_rounds"
info lua "$($lua -v 2>&1 | head -n1)"
for w in $workloads; do eval "info count_$w \$n_$w"; done

# Pins a started peer (the child of its `timeout`) with all its threads.
pin() {
  [ -n "$cpus" ] || return 0
  children=$(cat "/proc/$1/task/$1/children" 2>/dev/null) ||
    children=$(awk -v p="$1" '$4 == p {print $1}' /proc/[0-9]*/stat 2>/dev/null)
  for child in $children; do
    taskset -a -p -c "$cpus" "$child" >/dev/null 2>&1 ||
      echo "@@BENCHINFO note=could not pin pid $child to CPU $cpus"
  done
}

peer_cmd() {
  case $1 in
    c) echo "$bin/sctp-bench-c" ;;
    lua) echo "$lua bench/peer.lua" ;;
    lua-batch) echo "$lua bench/peer.lua" ;;
    erlang) echo "$escript $erlscript" ;;
    go) echo "$bin/sctp-bench-go" ;;
  esac
}

# Waits until the kernel has no association left (teardown of the previous
# pair would otherwise run during the next one), at most 60 s.
settle() {
  i=0
  while [ -r /proc/net/sctp/assocs ] && [ "$(wc -l </proc/net/sctp/assocs)" -gt 1 ] && [ $i -lt 600 ]; do
    sleep 0.1; i=$((i + 1))
  done
}

# SCTP retransmissions so far (T3 timeouts + fast): a pair that needed any
# is marked, as it is slowed by timers rather than by the peer.
retrans() {
  awk '/^SctpT3Retransmits|^SctpFastRetransmits/ {n += $2} END {print n + 0}' /proc/net/sctp/snmp 2>/dev/null || echo 0
}

port=20000
# run_pair ROUND NAME PEER WORKLOAD SIZE COUNT
run_pair() {
  r=$1 name=$2 peer=$3 wl=$4 size=$5 count=$6
  port=$((port + 1))
  cmd=$(peer_cmd "$peer")
  extra=""
  [ "$peer" = lua-batch ] && extra=$batch
  tag="@@BENCH round=$r name=$name size=$size"
  f=$tmp/$r.$name.$peer
  rt0=$(retrans)
  # The server says READY once it listens; the client says BOOTED once its
  # runtime is up and then waits for a line on stdin. Both are pinned, then
  # the client is let go.
  rm -f "$f.go"
  timeout "$timeout_s" $cmd server "$wl" "$port" "$size" "$count" "$buf" $extra >"$f.s" 2>"$f.se" &
  spid=$!
  { i=0; while [ ! -e "$f.go" ] && [ $i -lt 12000 ]; do sleep 0.05; i=$((i + 1)); done; echo GO; } |
    timeout "$timeout_s" $cmd client "$wl" "$port" "$size" "$count" "$buf" $extra >"$f.c" 2>"$f.ce" &
  cpid=$!
  i=0
  until grep -q '^READY' "$f.s" 2>/dev/null && grep -q '^BOOTED' "$f.c" 2>/dev/null; do
    if ! kill -0 "$spid" 2>/dev/null || ! kill -0 "$cpid" 2>/dev/null || [ $i -ge 3000 ]; then
      break   # one side ended early (error, or "na"): collected below
    fi
    sleep 0.05; i=$((i + 1))
  done
  pin "$spid"
  pin "$cpid"
  touch "$f.go"
  wait "$cpid"
  cst=$?
  # a server left waiting for a client that failed would wait forever
  [ $cst = 0 ] || { sleep 1; kill "$spid" 2>/dev/null; }
  wait "$spid"
  sst=$?
  rt=$(( $(retrans) - rt0 ))
  for side in s c; do
    grep '^RESULT ' "$f.$side" | sed "s/^RESULT /$tag retrans=$rt /"
  done
  [ $cst = 0 ] || echo "$tag peer=$peer role=client error=status_$cst:$(tail -n 3 "$f.ce" | tr '\n ' '|_')"
  [ $sst = 0 ] || echo "$tag peer=$peer role=server error=status_$sst:$(tail -n 3 "$f.se" | tr '\n ' '|_')"
  rm -f "$f.s" "$f.c" "$f.se" "$f.ce"
  settle
}

start=$(date +%s)
r=1
while [ $r -le "$rounds" ]; do
  for name in $workloads; do
    case $name in
      flood64) wl=flood size=64 ;;
      flood1k) wl=flood size=1024 ;;
      flood16k) wl=flood size=16384 ;;
      pingpong) wl=pingpong size=64 ;;
      big) wl=flood size=1048576 ;;
      many) wl=many size=64 ;;
      *) echo "guest.sh: unknown workload $name" >&2; continue ;;
    esac
    eval "count=\$n_$name"
    [ "$name" = many ] && [ "$r" -gt "$many_rounds" ] && continue
    for peer in $peers; do
      # the batch calls only change the flood workloads
      [ "$peer" = lua-batch ] && [ "$wl" != flood ] && continue
      t0=$(date +%s)
      run_pair "$r" "$name" "$peer" "$wl" "$size" "$count"
      echo "@@BENCHTIME round=$r name=$name peer=$peer seconds=$(( $(date +%s) - t0 ))"
    done
  done
  r=$((r + 1))
done
info total_seconds $(( $(date +%s) - start ))
rm -rf "$tmp"
