#!/bin/sh
# Struct layouts from each header separately (gdb ptype /o), then compare.py.
cd "$(dirname "$0")"
STRUCTS="sctp_adaptation_event sctp_add_streams sctp_assoc_change sctp_assoc_ids sctp_assoc_reset_event sctp_assoc_stats sctp_assoc_value sctp_assocparams sctp_authchunk sctp_authchunks sctp_authkey sctp_authkey_event sctp_authkeyid sctp_default_prinfo sctp_event sctp_event_subscribe sctp_hmacalgo sctp_initmsg sctp_paddr_change sctp_paddrinfo sctp_paddrparams sctp_paddrthlds_v2 sctp_paddrthlds sctp_pdapi_event sctp_prim sctp_setprim sctp_probeinterval sctp_prstatus sctp_remote_error sctp_reset_streams sctp_rtoinfo sctp_sack_info sctp_send_failed sctp_send_failed_event sctp_sender_dry_event sctp_setadaptation sctp_setpeerprim sctp_shutdown_event sctp_sndinfo sctp_sndrcvinfo sctp_rcvinfo sctp_nxtinfo sctp_prinfo sctp_authinfo sctp_sendv_spa sctp_status sctp_stream_change_event sctp_stream_reset_event sctp_stream_value sctp_udpencaps sctp_tlv sctp_recvv_rn sctp_timeouts sctp_getaddrs sctp_assoc_t sctp_extrcvinfo sctp_info"
for side in linux usrsctp; do
  if [ $side = linux ]; then HDR='#include <netinet/sctp.h>'; else HDR='#include <usrsctp.h>'; fi
  have=""
  for s in $STRUCTS; do
    t="struct $s"; [ $s = sctp_assoc_t ] && t=sctp_assoc_t
    printf '%s\nint x = sizeof(%s);\n' "$HDR" "$t" > t.c
    gcc -DINET -DINET6 -c t.c -o /dev/null 2>/dev/null && have="$have $s"
  done
  [ $side = linux ] && have=$(echo $have | tr ' ' '\n' | grep -v '^sctp_setprim$')   # a macro for sctp_prim there
  { echo "$HDR"; for s in $have; do t="struct $s"; [ $s = sctp_assoc_t ] && t=sctp_assoc_t; echo "$t v_$s;"; done; echo "int main(void){return 0;}"; } > $side.c
  gcc -DINET -DINET6 -g -O0 $side.c -o $side.bin
  args=""; for s in $have; do t="struct $s"; [ $s = sctp_assoc_t ] && t=sctp_assoc_t; args="$args -ex 'ptype /o $t'"; done
  eval gdb -batch $args $side.bin > $side.layout 2>&1
done
python3 compare.py linux.layout usrsctp.layout > compare.md
