/* The Linux SCTP forms that cross the seam (csrc/backend.h), mirrored under
 * other names for the usrsctp backend, whose header cannot meet
 * <netinet/sctp.h>. lx_abi_check.c compares every constant and every
 * struct member here with the real Linux header at build time: the mirror
 * cannot drift. Only what backend_usrsctp.c translates is here. */
#ifndef LSCTP_LX_ABI_H
#define LSCTP_LX_ABI_H

#include <stdint.h>
#include <sys/socket.h>

enum {
    LX_IPPROTO_SCTP = 132,
    LX_SCTP_SNDRCV = 1,              /* cmsg type */
    LX_MSG_NOTIFICATION = 0x8000,
    /* sinfo_flags */
    LX_SCTP_UNORDERED = 0x1, LX_SCTP_ADDR_OVER = 0x2, LX_SCTP_ABORT = 0x4,
    LX_SCTP_SACK_IMMEDIATELY = 0x8, LX_SCTP_SENDALL = 0x40, LX_SCTP_EOF = 0x200,
    LX_SCTP_PR_SCTP_TTL = 0x10, LX_SCTP_PR_SCTP_RTX = 0x20, LX_SCTP_PR_SCTP_PRIO = 0x30,
    LX_SCTP_PR_SCTP_MASK = 0x30,
    /* options */
    LX_SCTP_RTOINFO = 0, LX_SCTP_ASSOCINFO = 1, LX_SCTP_INITMSG = 2, LX_SCTP_NODELAY = 3,
    LX_SCTP_AUTOCLOSE = 4, LX_SCTP_ADAPTATION_LAYER = 7, LX_SCTP_DISABLE_FRAGMENTS = 8,
    LX_SCTP_DEFAULT_SEND_PARAM = 10, LX_SCTP_EVENTS = 11, LX_SCTP_I_WANT_MAPPED_V4_ADDR = 12,
    LX_SCTP_MAXSEG = 13, LX_SCTP_STATUS = 14, LX_SCTP_DELAYED_SACK = 16, LX_SCTP_CONTEXT = 17,
    LX_SCTP_PARTIAL_DELIVERY_POINT = 19, LX_SCTP_MAX_BURST = 20, LX_SCTP_GET_ASSOC_NUMBER = 28,
    LX_SCTP_GET_ASSOC_ID_LIST = 29, LX_SCTP_PR_SUPPORTED = 113, LX_SCTP_RECONFIG_SUPPORTED = 117,
    LX_SCTP_ENABLE_STREAM_RESET = 118, LX_SCTP_EVENT = 127,
    LX_SCTP_SET_PEER_PRIMARY_ADDR = 5, LX_SCTP_PRIMARY_ADDR = 6, LX_SCTP_PEER_ADDR_PARAMS = 9,
    LX_SCTP_GET_PEER_ADDR_INFO = 15, LX_SCTP_AUTH_CHUNK = 21, LX_SCTP_HMAC_IDENT = 22,
    LX_SCTP_AUTH_KEY = 23, LX_SCTP_AUTH_ACTIVE_KEY = 24, LX_SCTP_AUTH_DELETE_KEY = 25,
    LX_SCTP_PEER_AUTH_CHUNKS = 26, LX_SCTP_LOCAL_AUTH_CHUNKS = 27, LX_SCTP_AUTO_ASCONF = 30,
    LX_SCTP_AUTH_DEACTIVATE_KEY = 35, LX_SCTP_DEFAULT_PRINFO = 114, LX_SCTP_PR_ASSOC_STATUS = 115,
    LX_SCTP_PR_STREAM_STATUS = 116, LX_SCTP_RESET_STREAMS = 119, LX_SCTP_RESET_ASSOC = 120,
    LX_SCTP_ADD_STREAMS = 121, LX_SCTP_STREAM_SCHEDULER = 123, LX_SCTP_STREAM_SCHEDULER_VALUE = 124,
    LX_SCTP_ASCONF_SUPPORTED = 128, LX_SCTP_AUTH_SUPPORTED = 129, LX_SCTP_ECN_SUPPORTED = 130,
    LX_SCTP_REMOTE_UDP_ENCAPS_PORT = 132,
    /* pr_policy / sprstat_policy; SCTP_PR_SCTP_ALL only in the status options */
    LX_SCTP_PR_SCTP_NONE = 0, LX_SCTP_PR_SCTP_ALL = 0x80,
    /* spp_flags usrsctp lacks (it has no per-path SACK delay) */
    LX_SPP_SACKDELAY_ENABLE = 0x20, LX_SPP_SACKDELAY_DISABLE = 0x40,
    /* spinfo_state */
    LX_SCTP_INACTIVE = 0, LX_SCTP_PF = 1, LX_SCTP_ACTIVE = 2, LX_SCTP_UNCONFIRMED = 3,
    /* stream schedulers */
    LX_SCTP_SS_FCFS = 0, LX_SCTP_SS_PRIO = 1, LX_SCTP_SS_RR = 2,
    /* cmsg types sendx uses */
    LX_SCTP_DSTADDRV4 = 7, LX_SCTP_DSTADDRV6 = 8,
    /* notification types */
    LX_SCTP_ASSOC_CHANGE = 0x8001, LX_SCTP_PEER_ADDR_CHANGE = 0x8002, LX_SCTP_SEND_FAILED = 0x8003,
    LX_SCTP_REMOTE_ERROR = 0x8004, LX_SCTP_SHUTDOWN_EVENT = 0x8005,
    LX_SCTP_PARTIAL_DELIVERY_EVENT = 0x8006, LX_SCTP_ADAPTATION_INDICATION = 0x8007,
    LX_SCTP_AUTHENTICATION_EVENT = 0x8008, LX_SCTP_SENDER_DRY_EVENT = 0x8009,
    LX_SCTP_STREAM_RESET_EVENT = 0x800a, LX_SCTP_ASSOC_RESET_EVENT = 0x800b,
    LX_SCTP_STREAM_CHANGE_EVENT = 0x800c, LX_SCTP_SEND_FAILED_EVENT = 0x800d,
    LX_SCTP_DATA_IO_EVENT = 0x8000,
    /* sstat_state */
    LX_SCTP_CLOSED = 1, LX_SCTP_COOKIE_WAIT = 2, LX_SCTP_COOKIE_ECHOED = 3,
    LX_SCTP_ESTABLISHED = 4, LX_SCTP_SHUTDOWN_PENDING = 5, LX_SCTP_SHUTDOWN_SENT = 6,
    LX_SCTP_SHUTDOWN_RECEIVED = 7, LX_SCTP_SHUTDOWN_ACK_SENT = 8
};

struct lx_sndrcvinfo {
    uint16_t sinfo_stream;
    uint16_t sinfo_ssn;
    uint16_t sinfo_flags;
    uint32_t sinfo_ppid;
    uint32_t sinfo_context;
    uint32_t sinfo_timetolive;
    uint32_t sinfo_tsn;
    uint32_t sinfo_cumtsn;
    int32_t sinfo_assoc_id;
};

struct lx_assoc_change {
    uint16_t sac_type, sac_flags;
    uint32_t sac_length;
    uint16_t sac_state, sac_error, sac_outbound_streams, sac_inbound_streams;
    int32_t sac_assoc_id;
    uint8_t sac_info[];
};

struct lx_pdapi_event {
    uint16_t pdapi_type, pdapi_flags;
    uint32_t pdapi_length;
    uint32_t pdapi_indication;
    int32_t pdapi_assoc_id;
    uint32_t pdapi_stream;
    uint32_t pdapi_seq;
};

struct lx_remote_error {
    uint16_t sre_type, sre_flags;
    uint32_t sre_length;
    uint16_t sre_error;
    int32_t sre_assoc_id;
    uint8_t sre_data[];
};

struct lx_paddr_change {
    uint16_t spc_type, spc_flags;
    uint32_t spc_length;
    struct sockaddr_storage spc_aaddr;
    int spc_state;
    int spc_error;
    int32_t spc_assoc_id;
} __attribute__((packed, aligned(4)));

struct lx_status_head {   /* struct sctp_status up to sstat_primary */
    int32_t sstat_assoc_id;
    int32_t sstat_state;
};

/* --- option structs whose layout differs in usrsctp ----------------------- */

struct lx_assocparams {
    int32_t sasoc_assoc_id;
    uint16_t sasoc_asocmaxrxt, sasoc_number_peer_destinations;
    uint32_t sasoc_peer_rwnd, sasoc_local_rwnd, sasoc_cookie_life;
};

struct lx_prim {   /* also struct sctp_setpeerprim */
    int32_t ssp_assoc_id;
    struct sockaddr_storage ssp_addr;
} __attribute__((packed, aligned(4)));

struct lx_paddrparams {
    int32_t spp_assoc_id;
    struct sockaddr_storage spp_address;
    uint32_t spp_hbinterval;
    uint16_t spp_pathmaxrxt;
    uint32_t spp_pathmtu, spp_sackdelay, spp_flags, spp_ipv6_flowlabel;
    uint8_t spp_dscp;
} __attribute__((packed, aligned(4)));

struct lx_paddrinfo {
    int32_t spinfo_assoc_id;
    struct sockaddr_storage spinfo_address;
    int32_t spinfo_state;
    uint32_t spinfo_cwnd, spinfo_srtt, spinfo_rto, spinfo_mtu;
} __attribute__((packed, aligned(4)));

struct lx_status {
    int32_t sstat_assoc_id;
    int32_t sstat_state;
    uint32_t sstat_rwnd;
    uint16_t sstat_unackdata, sstat_penddata, sstat_instrms, sstat_outstrms;
    uint32_t sstat_fragmentation_point;
    struct lx_paddrinfo sstat_primary;
};

struct lx_default_prinfo {
    int32_t pr_assoc_id;
    uint32_t pr_value;
    uint16_t pr_policy;
};

struct lx_prstatus {
    int32_t sprstat_assoc_id;
    uint16_t sprstat_sid, sprstat_policy;
    uint64_t sprstat_abandoned_unsent, sprstat_abandoned_sent;
};

struct lx_udpencaps {
    int32_t sue_assoc_id;
    struct sockaddr_storage sue_address;
    uint16_t sue_port;
};

struct lx_authchunks {
    int32_t gauth_assoc_id;
    uint32_t gauth_number_of_chunks;
    uint8_t gauth_chunks[];
};

/* --- notifications and I/O -------------------------------------------------- */

struct lx_send_failed {   /* the old form (send_failure_event) */
    uint16_t ssf_type, ssf_flags;
    uint32_t ssf_length;
    uint32_t ssf_error;
    struct lx_sndrcvinfo ssf_info;
    int32_t ssf_assoc_id;
    uint8_t ssf_data[];
};

struct lx_event {   /* SCTP_EVENT's value */
    int32_t se_assoc_id;
    uint16_t se_type;
    uint8_t se_on;
};

#endif
