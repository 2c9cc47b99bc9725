#!/bin/sh
# Every SCTP_/SPP_/MSG_/SO_/IP_ name of both headers and csrc/, printed by a
# program built against each header alone; names a header lacks are dropped
# from its program by the compiler's error lines. joined.txt: NAME LINUX USRSCTP.
cd "$(dirname "$0")"
cat /usr/include/usrsctp.h /usr/include/linux/sctp.h /usr/include/netinet/sctp.h ../../../csrc/*.c ../../../csrc/*.h \
 | grep -oE '\b(SCTP|SPP|MSG|SO|IP)_[A-Z0-9_]+\b' | sort -u | grep -v '^SCTP_\(PACKED\|STDINT_INCLUDE\|ALIGN_RESV\)' > names.txt
printf 'SOL_SOCKET\nIPPROTO_SCTP\nIPPROTO_IP\nAF_CONN\n' >> names.txt
for side in linux usrsctp; do
  if [ $side = linux ]; then HDR='#include <netinet/sctp.h>'; else HDR='#include <usrsctp.h>'; fi
  cp names.txt $side.names
  for iter in 1 2 3 4 5 6; do
    { echo "$HDR"; echo '#include <stdio.h>'; echo '#define P(n) printf("%s %lld\n", #n, (long long)(n));'; echo 'int main(void){'; sed 's/.*/P(&)/' $side.names; echo 'return 0;}'; } > $side.c
    gcc -DINET -DINET6 -w $side.c -o $side.bin 2> $side.err && break
    for ln in $(grep -oE "^$side.c:[0-9]+" $side.err | cut -d: -f2 | sort -rnu); do idx=$((ln-4)); [ $idx -ge 1 ] && sed -i "${idx}d" $side.names; done
  done
  ./$side.bin | sort > $side.values
done
join -a1 -a2 -e absent -o 0,1.2,2.2 linux.values usrsctp.values > joined.txt
