#!/bin/sh
# bench/icount/guest.sh: runs in the VM (bench/icount/run starts it). For
# each workload, each peer, at N and at 2N messages, one server/client pair
# with SCTP_BENCH_MARK set: the client executes the marker once its
# association is up and once the last answer is in, so each pair gives two
# lines of the plugin's log. Prints "@@ICPAIR name=W peer=P n=N status=S"
# after each pair, in the same order. A pair that fails before its first
# marker (it could not connect) marks nothing; the report skips it.
set -u
peers="c lua lua-reuse luajit lua-batch"
workloads="flood64 flood1k flood16k pingpong big many"
counts="flood64=3000 flood1k=3000 flood16k=1500 pingpong=1500 big=30 many=2500"
buf=4194304 batch=64
while [ $# -gt 0 ]; do
  case $1 in
    --peers) peers=$2; shift 2 ;;
    --workloads) workloads=$2; shift 2 ;;
    --counts) counts=$2; shift 2 ;;
    *) echo "guest.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
export SCTP_BENCH_MARK=1
export LUA_PATH="./lua/?.lua;./lua/?/init.lua;;"
ulimit -n 65536 2>/dev/null
tmp=/tmp/icount; mkdir -p $tmp
settle() {
  i=0
  while [ "$(wc -l </proc/net/sctp/assocs)" -gt 1 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
}
port=30000
for name in $workloads; do
  case $name in
    flood64) wl=flood size=64 ;; flood1k) wl=flood size=1024 ;;
    flood16k) wl=flood size=16384 ;; pingpong) wl=pingpong size=64 ;;
    big) wl=flood size=1048576 ;; many) wl=many size=64 ;;
  esac
  n=$(echo " $counts " | sed -n "s/.* $name=\([0-9]*\) .*/\1/p")
  for peer in $peers; do
    [ "$peer" = lua-batch ] && [ "$wl" != flood ] && continue
    extra=
    case $peer in
      c) cmd=build/bench/sctp-bench-c ;;
      lua) cmd="lua5.4 bench/peer.lua"; export LUA_CPATH="./build/5.4/?.so;./build/bench/icount/?.so;;" ;;
      lua-reuse) cmd="env SCTP_BENCH_REUSE=1 lua5.4 bench/peer.lua"; export LUA_CPATH="./build/5.4/?.so;./build/bench/icount/?.so;;" ;;
      lua-batch) cmd="lua5.4 bench/peer.lua"; extra=$batch; export LUA_CPATH="./build/5.4/?.so;./build/bench/icount/?.so;;" ;;
      luajit) cmd="luajit bench/peer.lua"; export LUA_CPATH="./build/luajit/?.so;./build/bench/icount/?.so;;" ;;
    esac
    for k in $n $((2 * n)); do
     for try in 1 2 3; do
      port=$((port + 1))
      rm -f $tmp/s
      $cmd server $wl $port $size $k $buf $extra >$tmp/s 2>$tmp/se &
      spid=$!
      i=0
      until grep -q '^READY' $tmp/s 2>/dev/null || [ $i -ge 3000 ]; do sleep 0.05; i=$((i + 1)); done
      echo go | $cmd client $wl $port $size $k $buf $extra >$tmp/c 2>$tmp/ce
      st=$?
      [ $st = 0 ] || kill $spid 2>/dev/null
      wait $spid; st2=$?
      [ $st = 0 ] && st=$st2
      echo "@@ICPAIR name=$name peer=$peer n=$k status=$st"
      [ $st = 0 ] || { cat $tmp/ce $tmp/se | tail -n 5; }
      settle
      [ $st = 0 ] && break
     done
    done
  done
done
