/* lx_abi.h against the real Linux header: a mismatch breaks the build (an
 * array of negative size). Emits no code. */
#include "lx_abi.h"

#include <stddef.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#define SAME(a, b) typedef char same_##a[(long)(a) == (long)(b) ? 1 : -1]
#define SAME_MEMBER(lx, lin, m)                                                              \
    typedef char same_off_##lx##_##m[offsetof(struct lx, m) == offsetof(struct lin, m) ? 1 : -1]; \
    typedef char same_size_##lx##_##m[sizeof(((struct lx *)0)->m) == sizeof(((struct lin *)0)->m) ? 1 : -1]
#define SAME_SIZE(lx, lin) typedef char same_sizeof_##lx[sizeof(struct lx) == sizeof(struct lin) ? 1 : -1]

SAME(LX_IPPROTO_SCTP, IPPROTO_SCTP);
SAME(LX_SCTP_SNDRCV, SCTP_SNDRCV);
SAME(LX_MSG_NOTIFICATION, MSG_NOTIFICATION);
SAME(LX_SCTP_UNORDERED, SCTP_UNORDERED);
SAME(LX_SCTP_ADDR_OVER, SCTP_ADDR_OVER);
SAME(LX_SCTP_ABORT, SCTP_ABORT);
SAME(LX_SCTP_SACK_IMMEDIATELY, SCTP_SACK_IMMEDIATELY);
SAME(LX_SCTP_SENDALL, SCTP_SENDALL);
SAME(LX_SCTP_EOF, SCTP_EOF);
SAME(LX_SCTP_PR_SCTP_TTL, SCTP_PR_SCTP_TTL);
SAME(LX_SCTP_PR_SCTP_RTX, SCTP_PR_SCTP_RTX);
SAME(LX_SCTP_PR_SCTP_PRIO, SCTP_PR_SCTP_PRIO);
SAME(LX_SCTP_PR_SCTP_MASK, SCTP_PR_SCTP_MASK);
SAME(LX_SCTP_RTOINFO, SCTP_RTOINFO);
SAME(LX_SCTP_ASSOCINFO, SCTP_ASSOCINFO);
SAME(LX_SCTP_INITMSG, SCTP_INITMSG);
SAME(LX_SCTP_NODELAY, SCTP_NODELAY);
SAME(LX_SCTP_AUTOCLOSE, SCTP_AUTOCLOSE);
SAME(LX_SCTP_ADAPTATION_LAYER, SCTP_ADAPTATION_LAYER);
SAME(LX_SCTP_DISABLE_FRAGMENTS, SCTP_DISABLE_FRAGMENTS);
SAME(LX_SCTP_DEFAULT_SEND_PARAM, SCTP_DEFAULT_SEND_PARAM);
SAME(LX_SCTP_EVENTS, SCTP_EVENTS);
SAME(LX_SCTP_I_WANT_MAPPED_V4_ADDR, SCTP_I_WANT_MAPPED_V4_ADDR);
SAME(LX_SCTP_MAXSEG, SCTP_MAXSEG);
SAME(LX_SCTP_STATUS, SCTP_STATUS);
SAME(LX_SCTP_DELAYED_SACK, SCTP_DELAYED_SACK);
SAME(LX_SCTP_CONTEXT, SCTP_CONTEXT);
SAME(LX_SCTP_PARTIAL_DELIVERY_POINT, SCTP_PARTIAL_DELIVERY_POINT);
SAME(LX_SCTP_MAX_BURST, SCTP_MAX_BURST);
SAME(LX_SCTP_GET_ASSOC_NUMBER, SCTP_GET_ASSOC_NUMBER);
SAME(LX_SCTP_GET_ASSOC_ID_LIST, SCTP_GET_ASSOC_ID_LIST);
SAME(LX_SCTP_PR_SUPPORTED, SCTP_PR_SUPPORTED);
SAME(LX_SCTP_RECONFIG_SUPPORTED, SCTP_RECONFIG_SUPPORTED);
SAME(LX_SCTP_ENABLE_STREAM_RESET, SCTP_ENABLE_STREAM_RESET);
SAME(LX_SCTP_EVENT, SCTP_EVENT);
SAME(LX_SCTP_ASSOC_CHANGE, SCTP_ASSOC_CHANGE);
SAME(LX_SCTP_PEER_ADDR_CHANGE, SCTP_PEER_ADDR_CHANGE);
SAME(LX_SCTP_SEND_FAILED, SCTP_SEND_FAILED);
SAME(LX_SCTP_REMOTE_ERROR, SCTP_REMOTE_ERROR);
SAME(LX_SCTP_SHUTDOWN_EVENT, SCTP_SHUTDOWN_EVENT);
SAME(LX_SCTP_PARTIAL_DELIVERY_EVENT, SCTP_PARTIAL_DELIVERY_EVENT);
SAME(LX_SCTP_ADAPTATION_INDICATION, SCTP_ADAPTATION_INDICATION);
SAME(LX_SCTP_AUTHENTICATION_EVENT, SCTP_AUTHENTICATION_EVENT);
SAME(LX_SCTP_SENDER_DRY_EVENT, SCTP_SENDER_DRY_EVENT);
SAME(LX_SCTP_STREAM_RESET_EVENT, SCTP_STREAM_RESET_EVENT);
SAME(LX_SCTP_ASSOC_RESET_EVENT, SCTP_ASSOC_RESET_EVENT);
SAME(LX_SCTP_STREAM_CHANGE_EVENT, SCTP_STREAM_CHANGE_EVENT);
SAME(LX_SCTP_SEND_FAILED_EVENT, SCTP_SEND_FAILED_EVENT);
SAME(LX_SCTP_DATA_IO_EVENT, SCTP_DATA_IO_EVENT);
SAME(LX_SCTP_CLOSED, SCTP_CLOSED);
SAME(LX_SCTP_COOKIE_WAIT, SCTP_COOKIE_WAIT);
SAME(LX_SCTP_COOKIE_ECHOED, SCTP_COOKIE_ECHOED);
SAME(LX_SCTP_ESTABLISHED, SCTP_ESTABLISHED);
SAME(LX_SCTP_SHUTDOWN_PENDING, SCTP_SHUTDOWN_PENDING);
SAME(LX_SCTP_SHUTDOWN_SENT, SCTP_SHUTDOWN_SENT);
SAME(LX_SCTP_SHUTDOWN_RECEIVED, SCTP_SHUTDOWN_RECEIVED);
SAME(LX_SCTP_SHUTDOWN_ACK_SENT, SCTP_SHUTDOWN_ACK_SENT);

SAME_SIZE(lx_sndrcvinfo, sctp_sndrcvinfo);
SAME_MEMBER(lx_sndrcvinfo, sctp_sndrcvinfo, sinfo_stream);
SAME_MEMBER(lx_sndrcvinfo, sctp_sndrcvinfo, sinfo_ssn);
SAME_MEMBER(lx_sndrcvinfo, sctp_sndrcvinfo, sinfo_flags);
SAME_MEMBER(lx_sndrcvinfo, sctp_sndrcvinfo, sinfo_ppid);
SAME_MEMBER(lx_sndrcvinfo, sctp_sndrcvinfo, sinfo_context);
SAME_MEMBER(lx_sndrcvinfo, sctp_sndrcvinfo, sinfo_timetolive);
SAME_MEMBER(lx_sndrcvinfo, sctp_sndrcvinfo, sinfo_tsn);
SAME_MEMBER(lx_sndrcvinfo, sctp_sndrcvinfo, sinfo_cumtsn);
SAME_MEMBER(lx_sndrcvinfo, sctp_sndrcvinfo, sinfo_assoc_id);
SAME_SIZE(lx_assoc_change, sctp_assoc_change);
SAME_MEMBER(lx_assoc_change, sctp_assoc_change, sac_state);
SAME_MEMBER(lx_assoc_change, sctp_assoc_change, sac_error);
SAME_MEMBER(lx_assoc_change, sctp_assoc_change, sac_outbound_streams);
SAME_MEMBER(lx_assoc_change, sctp_assoc_change, sac_inbound_streams);
SAME_MEMBER(lx_assoc_change, sctp_assoc_change, sac_assoc_id);
SAME_SIZE(lx_pdapi_event, sctp_pdapi_event);
SAME_MEMBER(lx_pdapi_event, sctp_pdapi_event, pdapi_indication);
SAME_MEMBER(lx_pdapi_event, sctp_pdapi_event, pdapi_assoc_id);
SAME_MEMBER(lx_pdapi_event, sctp_pdapi_event, pdapi_stream);
SAME_MEMBER(lx_pdapi_event, sctp_pdapi_event, pdapi_seq);
SAME_SIZE(lx_remote_error, sctp_remote_error);
SAME_MEMBER(lx_remote_error, sctp_remote_error, sre_error);
SAME_MEMBER(lx_remote_error, sctp_remote_error, sre_assoc_id);
SAME_SIZE(lx_paddr_change, sctp_paddr_change);
SAME_MEMBER(lx_paddr_change, sctp_paddr_change, spc_aaddr);
SAME_MEMBER(lx_paddr_change, sctp_paddr_change, spc_state);
SAME_MEMBER(lx_paddr_change, sctp_paddr_change, spc_error);
SAME_MEMBER(lx_paddr_change, sctp_paddr_change, spc_assoc_id);
