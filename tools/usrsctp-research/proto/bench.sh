#!/bin/sh
# usage: [env] ./bench.sh MODE N SIZE   (two processes: server UDP 19901, client UDP 19902, SCTP port 5001)
cd "$(dirname "$0")"
(timeout 120 ./proto server 19901 19902 5001 "$1" "$2" "$3" > srv.log 2>&1 &)
sleep 0.3
/usr/bin/time -f "client process: wall %e s user %U sys %S" timeout 120 ./proto client 19902 19901 5001 "$1" "$2" "$3" > cli.log 2>&1
sleep 0.5
grep -h "received\|delivered\|round trips\|stats\|EWOULD\|client process\|lost\|timeout" srv.log cli.log
