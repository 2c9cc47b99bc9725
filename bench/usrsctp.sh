#!/bin/sh
# bench/usrsctp.sh: the rounds of the usrsctp benchmark (bench/run
# --backend usrsctp), natively, from the repository root. bench/run starts
# it; it can be run by hand too (sh bench/usrsctp.sh --help).
#
# For each round, each workload, each peer (interleaved: C on usrsctp, Lua
# on the usrsctp backend, then the next workload, then the next round) it
# runs one pair, server and client, in a network namespace of its own
# (unshare --net, loopback up): nothing else on the host holds the UDP
# ports or sends to them. In there the pair goes as in bench/guest.sh: the
# server says READY once it listens, the client BOOTED once its runtime is
# up, then the client is let go (a line on its stdin). Both print a RESULT
# line, passed on as "@@BENCH round=R name=W size=S drops=D ..." for
# bench/report.lua (D: UDP datagrams the namespace dropped for a full
# receive buffer during the pair); settings as "@@BENCHINFO key=value".
#
# UDP encapsulation on 127.0.0.1: the server holds UDP 9899. The Lua peers
# choose as the backend does by itself (the server 9899, free; the client an
# ephemeral port, as 9899 is taken, and it reaches the server at 9899); the
# C peers are told (SCTP_USRSCTP_UDP_PORT 9899 and 9900,
# SCTP_USRSCTP_PEER_UDP_PORT 9899).
set -u

rounds=5
peers="c lua lua-batch"
workloads="flood64 pingpong flood16k"
lua=lua5.4
build=build/5.4
bin=build/bench
cpus=""          # taskset CPU list for both processes of a pair ("" = no pinning)
buf=4194304      # sndbuf and recbuf asked of every socket
n_flood64=100000 n_flood1k=50000 n_flood16k=3000 n_pingpong=10000
timeout_s=20     # per process
batch=64         # messages per send_many / recv_many call (peer lua-batch)
pair=
netns=0

while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    --workloads) workloads=$2; shift 2 ;;
    --lua) lua=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --buf) buf=$2; shift 2 ;;
    --count) # NAME=N
      case $2 in
        flood64=[0-9]*|flood1k=[0-9]*|flood16k=[0-9]*|pingpong=[0-9]*)
          eval "n_${2%%=*}=\${2#*=}" ;;
        *) echo "usrsctp.sh: --count wants WORKLOAD=N (flood64, flood1k, flood16k, pingpong), got $2" >&2; exit 2 ;;
      esac
      shift 2 ;;
    --netns) netns=$2; shift 2 ;;
    --pair) pair=1; shift ;;   # internal: ROUND NAME PEER WL SIZE COUNT follow
    --help|-h) sed -n '2,22p' "$0"; exit 0 ;;
    *) break ;;
  esac
done

export LUA_PATH="./lua/?.lua;./lua/?/init.lua;;" LUA_CPATH="./$build/?.so;;"
unset SCTP_USRSCTP_UDP_PORT SCTP_USRSCTP_PEER_UDP_PORT SCTP_USRSCTP_RAW

# UDP datagrams dropped on a full receive buffer in this namespace so far
udp_drops() {
  awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors") c = i; h = 1 } else print $c + 0 }' \
    /proc/net/snmp 2>/dev/null || echo 0
}

# Pins a started peer (the child of its `timeout`) with all its threads.
pin() {
  [ -n "$cpus" ] || return 0
  children=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
  for child in $children; do
    taskset -a -p -c "$cpus" "$child" >/dev/null 2>&1 ||
      echo "@@BENCHINFO note=could not pin pid $child to CPU $cpus"
  done
}

# --- one pair, inside its namespace --------------------------------------
if [ -n "$pair" ]; then
  r=$1 name=$2 peer=$3 wl=$4 size=$5 count=$6
  [ "$netns" = 0 ] || ip link set lo up || { echo "@@BENCH round=$r name=$name size=$size peer=$peer role=client error=no_loopback"; exit 1; }
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/sctp-bench-usrsctp.XXXXXX")
  f=$tmp/p
  tag="@@BENCH round=$r name=$name size=$size"
  port=5001
  case $peer in
    c)
      scmd="env SCTP_USRSCTP_UDP_PORT=9899 $bin/sctp-bench-usrsctp"
      ccmd="env SCTP_USRSCTP_UDP_PORT=9900 SCTP_USRSCTP_PEER_UDP_PORT=9899 $bin/sctp-bench-usrsctp" ;;
    lua | lua-batch)
      scmd="env SCTP_BACKEND=usrsctp $lua bench/peer.lua"
      ccmd=$scmd ;;
    lua-reuse)   # recv(nil, ancdata): no new ancdata tables per message
      scmd="env SCTP_BACKEND=usrsctp SCTP_BENCH_REUSE=1 $lua bench/peer.lua"
      ccmd=$scmd ;;
    *) echo "usrsctp.sh: unknown peer $peer" >&2; exit 2 ;;
  esac
  extra=
  [ "$peer" = lua-batch ] && extra=$batch
  d0=$(udp_drops)
  # SCTP_BENCH_HOLD: the server stays up after its RESULT until the client
  # is done (its stack, in the process, may still have to retransmit the
  # last answer: a UDP datagram dropped on a full buffer is no rarity here)
  export SCTP_BENCH_HOLD=1
  { i=0; while [ ! -e "$f.done" ] && [ $i -lt 3000 ]; do sleep 0.02; i=$((i + 1)); done; echo DONE; } |
    timeout "$timeout_s" $scmd server "$wl" "$port" "$size" "$count" "$buf" $extra >"$f.s" 2>"$f.se" &
  spid=$!
  # the client starts its stack after the go, once the server holds 9899
  i=0
  until grep -q '^READY' "$f.s" 2>/dev/null; do
    kill -0 "$spid" 2>/dev/null && [ $i -lt 600 ] || break
    sleep 0.02; i=$((i + 1))
  done
  { i=0; while [ ! -e "$f.go" ] && [ $i -lt 3000 ]; do sleep 0.02; i=$((i + 1)); done; echo GO; } |
    timeout "$timeout_s" $ccmd client "$wl" "$port" "$size" "$count" "$buf" $extra >"$f.c" 2>"$f.ce" &
  cpid=$!
  i=0
  until grep -q '^BOOTED' "$f.c" 2>/dev/null; do
    kill -0 "$cpid" 2>/dev/null && [ $i -lt 1500 ] || break
    sleep 0.02; i=$((i + 1))
  done
  pin "$spid"
  pin "$cpid"
  touch "$f.go"
  wait "$cpid"
  cst=$?
  touch "$f.done"
  [ $cst = 0 ] || { sleep 1; kill "$spid" 2>/dev/null; }
  wait "$spid"
  sst=$?
  drops=$(( $(udp_drops) - d0 ))
  for side in s c; do
    grep '^RESULT ' "$f.$side" | sed "s/^RESULT /$tag drops=$drops /"
  done
  [ $cst = 0 ] || echo "$tag peer=$peer role=client error=status_$cst:$(tail -n 3 "$f.ce" | tr '\n ' '|_')"
  [ $sst = 0 ] || echo "$tag peer=$peer role=server error=status_$sst:$(tail -n 3 "$f.se" | tr '\n ' '|_')"
  rm -rf "$tmp"
  exit 0
fi

# --- the rounds -----------------------------------------------------------
info() { echo "@@BENCHINFO $1=$2"; }

netns=1
unshare --net true 2>/dev/null || netns=0
info backend usrsctp
info kernel "$(uname -r)"
info cpus "$(grep -c ^processor /proc/cpuinfo)"
info cpu_model "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
info mem_mb "$(awk '/^MemTotal/ {print int($2/1024)}' /proc/meminfo)"
info loadavg "$(cut -d' ' -f1-3 /proc/loadavg) (at the start)"
for k in net.core.rmem_max net.core.wmem_max net.core.rmem_default net.core.wmem_default; do
  info "$k" "$(cat "/proc/sys/$(echo "$k" | tr . /)" 2>/dev/null || echo '?')"
done
info usrsctp "$(dpkg-query -W -f '${Package} ${Version}' libusrsctp-dev 2>/dev/null || echo '?')"
info usrsctp_stack "rto_min=10ms rto_initial=100ms init_rto_max=1s max_chunks_on_queue=16384 (both peers); UDP encapsulation on 127.0.0.1, server port 9899"
if [ "$netns" = 1 ]; then
  info netns "each pair in a network namespace of its own (unshare --net, loopback up)"
else
  info note "no private network namespace (unshare --net failed): pairs share the host's, the C peers' fixed UDP ports must be free"
fi
info pinning "${cpus:-none}"
info sockopts "sctp_nodelay=true sndbuf=$buf recbuf=$buf buffer=size+65536 events=all-but-adaptation one-to-many stream=0"
info rounds "$rounds"
info lua "$($lua -v 2>&1 | head -n1) (SCTP_BACKEND=usrsctp, module from $build)"
for w in $workloads; do eval "info count_$w \$n_$w"; done

self=$0
start=$(date +%s)
r=1
while [ $r -le "$rounds" ]; do
  for name in $workloads; do
    case $name in
      flood64) wl=flood size=64 ;;
      flood1k) wl=flood size=1024 ;;
      flood16k) wl=flood size=16384 ;;
      pingpong) wl=pingpong size=64 ;;
      *) echo "usrsctp.sh: unknown workload $name (flood64, flood1k, flood16k, pingpong)" >&2; continue ;;
    esac
    eval "count=\$n_$name"
    for peer in $peers; do
      [ "$peer" = lua-batch ] && [ "$wl" != flood ] && continue   # the batch calls are the floods'
      t0=$(date +%s.%N)
      args="--lua $lua --build $build --cpus \"$cpus\" --buf $buf --netns $netns --pair $r $name $peer $wl $size $count"
      if [ "$netns" = 1 ]; then
        eval "unshare --net sh \"\$self\" $args"
      else
        eval "sh \"\$self\" $args"
      fi
      echo "@@BENCHTIME round=$r name=$name peer=$peer seconds=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
    done
  done
  r=$((r + 1))
done
info total_seconds $(( $(date +%s) - start ))
