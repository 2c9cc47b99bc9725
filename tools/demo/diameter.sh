# make demo-diameter: examples/diameter_peer.lua against freeDiameterd, then
# freeDiameterd against examples/diameter_server.lua, on a dummy interface
# (freeDiameter will not listen on loopback alone), with tshark's decoding
# at the end. Needs root (the interface, the capture).
#   sh tools/demo/diameter.sh [LUA-INTERPRETER [BUILD]]    (default lua5.4 5.4)
. tools/demo/common.sh
need freeDiameterd freediameterd; need tshark tshark
addr=192.0.2.10 port=3868 server_port=3869
dummy=luasctpdemo0
ip link add "$dummy" type dummy && ip addr add "$addr/24" dev "$dummy" && ip link set "$dummy" up
conf=$(config freeDiameter.conf addr=$addr port=$port peer_port=3870 server_port=$server_port)
capture_start
$interp examples/diameter_server.lua --timeout 60000 $addr $server_port >"$dir/server.log" 2>&1 &
server=$!; pids="$pids $server"
wait_listening $server_port
freeDiameterd -c "$conf" >"$dir/freeDiameterd.log" 2>&1 &
fd=$!; pids="$pids $fd"
wait_listening $port

say "diameter_peer.lua -> freeDiameterd ($addr:$port)"
$interp examples/diameter_peer.lua --watchdogs 2 --interval 500 --peer-host fd.test.example $addr $port

say "freeDiameterd -> diameter_server.lua ($addr:$server_port); its watchdog comes after Tw = 6 s"
i=0
until grep -q "DWA" "$dir/server.log"; do
  i=$((i + 1)); [ $i -lt 200 ] || { cat "$dir/server.log" "$dir/freeDiameterd.log"; exit 1; }
  sleep 0.1
done
kill -TERM $fd   # on SIGTERM freeDiameterd says goodbye: DPR
status=0
wait $server || status=$?
cat "$dir/server.log"
capture_show -d sctp.port==$server_port,diameter -Y diameter
exit $status
