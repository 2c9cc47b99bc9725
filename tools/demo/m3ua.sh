# make demo-m3ua: examples/m3ua_asp.lua against osmo-stp on 127.0.0.1, with
# tshark's decoding at the end. Needs root (the capture).
#   sh tools/demo/m3ua.sh [LUA-INTERPRETER [BUILD]]    (default lua5.4 5.4)
. tools/demo/common.sh
need osmo-stp osmo-stp; need tshark tshark
port=2905 asp_port=2906
conf=$(config osmo-stp.cfg port=$port asp_port=$asp_port)
capture_start
osmo-stp -c "$conf" >"$dir/osmo-stp.log" 2>&1 &
pids="$pids $!"
wait_listening $port

say "m3ua_asp.lua (127.0.0.1:$asp_port) -> osmo-stp (127.0.0.1:$port)"
status=0
$interp examples/m3ua_asp.lua --local-port $asp_port --rc 23 127.0.0.1 $port || status=$?
capture_show -Y m3ua
exit $status
