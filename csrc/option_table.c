/* The socket options: one row per option (level, name, C struct, the field
 * rows of codec.h with their types and ranges); the options whose shape
 * rows cannot express have a get and a set function of their own, in
 * option_special.c. options.c reads and writes them. Options handled by the Lua layer (mode, active, buffer,
 * non_block_send) are not here. */
#include "options.h"

#include <errno.h>
#include <netinet/ip.h>
#include <string.h>

/* --- field rows ------------------------------------------------------------ */

/* the int of a plain socket option; the range argument as for FLD */
#define VALUE(t, ...) {"value", t, 0, 0, sizeof(int), __VA_ARGS__, NULL, 0, 0, NULL, NULL}
static const lsctp_field int_value[] = {VALUE(F_INT, S32), END};
static const lsctp_field uint_value[] = {VALUE(F_INT, 0, 2147483647LL), END};
static const lsctp_field bool_value[] = {VALUE(F_BOOL, 0, 1), END};
static const lsctp_field assoc_uint_value[] = {
    FLD(struct sctp_assoc_value, assoc_value, "value", F_INT, U32), END};
/* endpoint-wide booleans kept in a struct sctp_assoc_value (assoc_id 0) */
static const lsctp_field assoc_bool_value[] = {
    FLD(struct sctp_assoc_value, assoc_value, "value", F_BOOL, 0, 1), END};
#ifdef SCTP_ENABLE_STREAM_RESET
static const lsctp_flagname stream_reset_flags[] = {
    {"reset_streams", SCTP_ENABLE_RESET_STREAM_REQ},
    {"reset_assoc", SCTP_ENABLE_RESET_ASSOC_REQ},
    {"change_assoc", SCTP_ENABLE_CHANGE_ASSOC_REQ},
    {NULL, 0}};
static const lsctp_field stream_reset_value[] = {
    FLAGSF(struct sctp_assoc_value, assoc_value, "value", stream_reset_flags), END};
#endif

static const lsctp_field rtoinfo_fields[] = {
    ASSOC(struct sctp_rtoinfo, srto_assoc_id),
    FLD(struct sctp_rtoinfo, srto_initial, "initial", F_INT, U32),
    FLD(struct sctp_rtoinfo, srto_max, "max", F_INT, U32),
    FLD(struct sctp_rtoinfo, srto_min, "min", F_INT, U32),
    END};

static const lsctp_field associnfo_fields[] = {
    ASSOC(struct sctp_assocparams, sasoc_assoc_id),
    FLD(struct sctp_assocparams, sasoc_asocmaxrxt, "asocmaxrxt", F_INT, U16),
    FLD(struct sctp_assocparams, sasoc_number_peer_destinations, "number_peer_destinations", F_INT, U16),
    FLD(struct sctp_assocparams, sasoc_peer_rwnd, "peer_rwnd", F_INT, U32),
    FLD(struct sctp_assocparams, sasoc_local_rwnd, "local_rwnd", F_INT, U32),
    FLD(struct sctp_assocparams, sasoc_cookie_life, "cookie_life", F_INT, U32),
    END};

static const lsctp_field initmsg_fields[] = {
    FLD(struct sctp_initmsg, sinit_num_ostreams, "num_ostreams", F_INT, U16),
    FLD(struct sctp_initmsg, sinit_max_instreams, "max_instreams", F_INT, U16),
    FLD(struct sctp_initmsg, sinit_max_attempts, "max_attempts", F_INT, U16),
    FLD(struct sctp_initmsg, sinit_max_init_timeo, "max_init_timeo", F_INT, U16),
    END};

static const lsctp_field prim_fields[] = {
    ASSOC(struct sctp_prim, ssp_assoc_id),
    ADDRF(struct sctp_prim, ssp_addr, "addr", 0, LSCTP_PORT_FROM_PEER),
    END};

static const lsctp_field setpeerprim_fields[] = {
    ASSOC(struct sctp_setpeerprim, sspp_assoc_id),
    ADDRF(struct sctp_setpeerprim, sspp_addr, "addr", 0, LSCTP_PORT_FROM_LOCAL),
    END};

static const lsctp_field adaptation_fields[] = {
    FLD(struct sctp_setadaptation, ssb_adaptation_ind, "adaptation_ind", F_INT, U32),
    END};

static const lsctp_flagname spp_flags[] = {
    {"hb_enable", SPP_HB_ENABLE},
    {"hb_disable", SPP_HB_DISABLE},
    {"hb_demand", SPP_HB_DEMAND},
    {"pmtud_enable", SPP_PMTUD_ENABLE},
    {"pmtud_disable", SPP_PMTUD_DISABLE},
    {"sackdelay_enable", SPP_SACKDELAY_ENABLE},
    {"sackdelay_disable", SPP_SACKDELAY_DISABLE},
    {"hb_time_is_zero", SPP_HB_TIME_IS_ZERO},
/* SPP_DSCP is an enum (Linux 4.17); SCTP_EVENT (5.0) tells a header that late */
#ifdef SCTP_EVENT
    {"ipv6_flowlabel", SPP_IPV6_FLOWLABEL},
    {"dscp", SPP_DSCP},
#endif
    {NULL, 0}};

#ifdef SCTP_EVENT
/* ipv6_flowlabel and dscp are read, and taken, only with their flag set */
static const lsctp_field spp_flowlabel_bit = LSCTP_FIELD(struct sctp_paddrparams, spp_flags, "flags", F_INT, 0,
                                                         NULL, 0, SPP_IPV6_FLOWLABEL, NULL, NULL, U32);
static const lsctp_field spp_dscp_bit = LSCTP_FIELD(struct sctp_paddrparams, spp_flags, "flags", F_INT, 0,
                                                    NULL, 0, SPP_DSCP, NULL, NULL, U32);
#endif

static const lsctp_field paddrparams_fields[] = {
    ASSOC(struct sctp_paddrparams, spp_assoc_id),
    ADDRF(struct sctp_paddrparams, spp_address, "address", 1, LSCTP_PORT_FROM_PEER),
    FLD(struct sctp_paddrparams, spp_hbinterval, "hbinterval", F_INT, U32),
    FLD(struct sctp_paddrparams, spp_pathmaxrxt, "pathmaxrxt", F_INT, U16),
    FLD(struct sctp_paddrparams, spp_pathmtu, "pathmtu", F_INT, U32),
    FLD(struct sctp_paddrparams, spp_sackdelay, "sackdelay", F_INT, U32),
    FLAGSF(struct sctp_paddrparams, spp_flags, "flags", spp_flags),
#ifdef SCTP_EVENT
    LSCTP_FIELD(struct sctp_paddrparams, spp_ipv6_flowlabel, "ipv6_flowlabel", F_INT, 0, NULL, 0, 0, NULL,
                &spp_flowlabel_bit, 0, 0xfffff),
    LSCTP_FIELD(struct sctp_paddrparams, spp_dscp, "dscp", F_INT, 0, NULL, 0, 0, NULL, &spp_dscp_bit, 0, 255),
#endif
    END};

static const lsctp_field delayed_ack_fields[] = {
    ASSOC(struct sctp_sack_info, sack_assoc_id),
    FLD(struct sctp_sack_info, sack_delay, "assoc_value", F_INT, U32),
    FLD(struct sctp_sack_info, sack_freq, "sack_freq", F_INT, U32),   /* packets per SACK */
    END};

static const char *const spinfo_states[] = {"inactive", "pf", "active", "unconfirmed"};

/* sctp_get_peer_addr_info, and the primary of sctp_status (read the same) */
static const lsctp_field peer_addr_info_fields[] = {
    ASSOC(struct sctp_paddrinfo, spinfo_assoc_id),
    ADDRF(struct sctp_paddrinfo, spinfo_address, "address", 1, LSCTP_PORT_FROM_PEER),
    ENUMF(struct sctp_paddrinfo, spinfo_state, "state", spinfo_states),
    FLD(struct sctp_paddrinfo, spinfo_cwnd, "cwnd", F_INT, U32),
    FLD(struct sctp_paddrinfo, spinfo_srtt, "srtt", F_INT, U32),
    FLD(struct sctp_paddrinfo, spinfo_rto, "rto", F_INT, U32),
    FLD(struct sctp_paddrinfo, spinfo_mtu, "mtu", F_INT, U32),
    END};

static const char *const sstat_states[] = {
    "sctp_state_empty", "sctp_state_closed", "sctp_state_cookie_wait",
    "sctp_state_cookie_echoed", "sctp_state_established",
    "sctp_state_shutdown_pending", "sctp_state_shutdown_sent",
    "sctp_state_shutdown_received", "sctp_state_shutdown_ack_sent"};

static const lsctp_field status_fields[] = {
    ASSOC(struct sctp_status, sstat_assoc_id),
    ENUMF(struct sctp_status, sstat_state, "state", sstat_states),
    FLD(struct sctp_status, sstat_rwnd, "rwnd", F_INT, U32),
    FLD(struct sctp_status, sstat_unackdata, "unackdata", F_INT, U16),
    FLD(struct sctp_status, sstat_penddata, "penddata", F_INT, U16),
    FLD(struct sctp_status, sstat_instrms, "instrms", F_INT, U16),
    FLD(struct sctp_status, sstat_outstrms, "outstrms", F_INT, U16),
    FLD(struct sctp_status, sstat_fragmentation_point, "fragmentation_point", F_INT, U32),
    RECORDF(struct sctp_status, sstat_primary, "primary", peer_addr_info_fields),
    END};



#ifdef SCTP_PEER_ADDR_THLDS_V2
/* RFC 7829 path thresholds: failed after pathmaxrxt retransmissions,
 * potentially failed after pathpfthld, the primary given up after pathcpthld */
static const lsctp_field thlds_fields[] = {
    ASSOC(struct sctp_paddrthlds_v2, spt_assoc_id),
    ADDRF(struct sctp_paddrthlds_v2, spt_address, "address", 1, LSCTP_PORT_FROM_PEER),
    FLD(struct sctp_paddrthlds_v2, spt_pathmaxrxt, "pathmaxrxt", F_INT, U16),
    FLD(struct sctp_paddrthlds_v2, spt_pathpfthld, "pathpfthld", F_INT, U16),
    FLD(struct sctp_paddrthlds_v2, spt_pathcpthld, "pathcpthld", F_INT, U16),
    END};
#endif

/* whether potentially-failed paths are reported (net.sctp.pf_expose) */
static const lsctp_flagname pf_expose_names[] = {
    {"unset", 0}, {"disable", 1}, {"enable", 2}, {NULL, 0}};

static const lsctp_field pf_expose_fields[] = {
    ASSOC(struct sctp_assoc_value, assoc_id),
    CHOICEF(struct sctp_assoc_value, assoc_value, "value", pf_expose_names, 0xffu,
            "unknown value '%s' (unset, disable or enable)"),
    END};

#ifdef SCTP_PLPMTUD_PROBE_INTERVAL
/* RFC 8899 PLPMTUD: ms between probes, 0 off */
static const lsctp_field probe_interval_fields[] = {
    ASSOC(struct sctp_probeinterval, spi_assoc_id),
    ADDRF(struct sctp_probeinterval, spi_address, "address", 1, LSCTP_PORT_FROM_PEER),
    FLD(struct sctp_probeinterval, spi_interval, "interval", F_INT, U32),
    END};
#endif

/* RFC 8260 stream schedulers; fc and wfq (Linux 6.2+) by number, so that
 * an older kernel answers einval rather than the name being unknown */
static const lsctp_flagname schedulers[] = {
    {"fcfs", 0}, {"prio", 1}, {"rr", 2}, {"fc", 3}, {"wfq", 4}, {NULL, 0}};

static const lsctp_field scheduler_fields[] = {
    ASSOC(struct sctp_assoc_value, assoc_id),
    CHOICEF(struct sctp_assoc_value, assoc_value, "value", schedulers, 0xffu,
            "unknown scheduler '%s' (fcfs, prio, rr, fc or wfq)"),
    END};

static const lsctp_field scheduler_value_fields[] = {
    ASSOC(struct sctp_stream_value, assoc_id),
    KEY(struct sctp_stream_value, stream_id, "stream", F_INT, U16),
    FLD(struct sctp_stream_value, stream_value, "value", F_INT, U16),
    END};

/* sctp_context: the value every message of the association is sent with */
static const lsctp_field assoc_value_fields[] = {
    ASSOC(struct sctp_assoc_value, assoc_id),
    FLD(struct sctp_assoc_value, assoc_value, "value", F_INT, U32),
    END};

static const lsctp_flagname pr_policy_names[] = {
    {"none", SCTP_PR_SCTP_NONE}, {"ttl", SCTP_PR_SCTP_TTL},
    {"rtx", SCTP_PR_SCTP_RTX}, {"prio", SCTP_PR_SCTP_PRIO}, {NULL, 0}};

static const lsctp_field default_prinfo_fields[] = {
    ASSOC(struct sctp_default_prinfo, pr_assoc_id),
    CHOICEF(struct sctp_default_prinfo, pr_policy, "policy", pr_policy_names, 0xffffu,
            "unknown policy '%s' (none, ttl, rtx or prio)"),
    FLD(struct sctp_default_prinfo, pr_value, "value", F_INT, U32),
    END};

/* the abandoned-message counters of one policy, or of "all" of them */
static const lsctp_flagname pr_status_policies[] = {
    {"ttl", SCTP_PR_SCTP_TTL}, {"rtx", SCTP_PR_SCTP_RTX},
    {"prio", SCTP_PR_SCTP_PRIO}, {"all", SCTP_PR_SCTP_ALL}, {NULL, 0}};
#define PR_STATUS_POLICY                                                              \
    LSCTP_FIELD(struct sctp_prstatus, sprstat_policy, "policy", F_CHOICE, LSCTP_FKEY, \
                pr_status_policies, 0, 0xffffu, "unknown policy '%s' (ttl, rtx, prio or all)", NULL, 0, 0)
#define PR_STATUS_COUNTERS                                                                \
    FLD(struct sctp_prstatus, sprstat_abandoned_unsent, "abandoned_unsent", F_INT, U64), \
    FLD(struct sctp_prstatus, sprstat_abandoned_sent, "abandoned_sent", F_INT, U64)

static const lsctp_field pr_assoc_status_fields[] = {
    ASSOC(struct sctp_prstatus, sprstat_assoc_id), PR_STATUS_POLICY, PR_STATUS_COUNTERS, END};

static const lsctp_field pr_stream_status_fields[] = {
    ASSOC(struct sctp_prstatus, sprstat_assoc_id),
    KEY(struct sctp_prstatus, sprstat_sid, "stream", F_INT, U16),
    PR_STATUS_POLICY, PR_STATUS_COUNTERS, END};

#ifdef SCTP_REMOTE_UDP_ENCAPS_PORT
/* RFC 6951: the peer's UDP port for SCTP over UDP (0: plain SCTP), for the
 * endpoint, an association, or one of its peer addresses */
static const lsctp_field udpencaps_fields[] = {
    ASSOC(struct sctp_udpencaps, sue_assoc_id),
    ADDRF(struct sctp_udpencaps, sue_address, "address", 1, LSCTP_PORT_FROM_PEER),
    NETF(struct sctp_udpencaps, sue_port, "port", U16),   /* network order, as RFC 6458 has it */
    END};
#endif

#ifdef SCTP_AUTH_ACTIVE_KEY
/* a shared key's number: the active one, or one to deactivate or delete */
static const lsctp_field authkeyid_fields[] = {
    ASSOC(struct sctp_authkeyid, scact_assoc_id),
    FLD(struct sctp_authkeyid, scact_keynumber, "keynumber", F_INT, U16),
    END};
#endif

#define STAT(m, n) FLD(struct sctp_assoc_stats, m, n, F_INT, U64)
static const lsctp_field assoc_stats_fields[] = {
    ASSOC(struct sctp_assoc_stats, sas_assoc_id),
    ADDRF(struct sctp_assoc_stats, sas_obs_rto_ipaddr, "obs_rto_ipaddr", 0, LSCTP_PORT_FROM_PEER),
    STAT(sas_maxrto, "maxrto"),
    STAT(sas_isacks, "isacks"),
    STAT(sas_osacks, "osacks"),
    STAT(sas_opackets, "opackets"),
    STAT(sas_ipackets, "ipackets"),
    STAT(sas_rtxchunks, "rtxchunks"),
    STAT(sas_outofseqtsns, "outofseqtsns"),
    STAT(sas_idupchunks, "idupchunks"),
    STAT(sas_gapcnt, "gapcnt"),
    STAT(sas_ouodchunks, "ouodchunks"),
    STAT(sas_iuodchunks, "iuodchunks"),
    STAT(sas_oodchunks, "oodchunks"),
    STAT(sas_iodchunks, "iodchunks"),
    STAT(sas_octrlchunks, "octrlchunks"),
    STAT(sas_ictrlchunks, "ictrlchunks"),
    END};

#define SCALAR(n, lvl, opt, st, flds) {n, lvl, opt, K_SCALAR, 0, sizeof(st), flds, NULL, NULL}
#define RECORD(n, lvl, opt, acc, st, flds) {n, lvl, opt, K_RECORD, acc, sizeof(st), flds, NULL, NULL}
#define SPECIAL(n, lvl, opt, g, s) {n, lvl, opt, K_SPECIAL, 0, 0, NULL, g, s}
#define SCALAR_RO(n, lvl, opt, st, flds) {n, lvl, opt, K_SCALAR, RO, sizeof(st), flds, NULL, NULL}
#define SPECIAL_RO(n, lvl, opt, g) {n, lvl, opt, K_SPECIAL, RO, 0, NULL, g, NULL}
#define SPECIAL_KEYED(n, lvl, opt, g, s) {n, lvl, opt, K_SPECIAL, KEYED, 0, NULL, g, s}
#define SPECIAL_WO(n, lvl, opt, s) {n, lvl, opt, K_SPECIAL, WO, 0, NULL, NULL, s}

const lsctp_option lsctp_options[] = {
    SCALAR("sndbuf", SOL_SOCKET, SO_SNDBUF, int, uint_value),
    SCALAR("recbuf", SOL_SOCKET, SO_RCVBUF, int, uint_value),
    SCALAR("reuseaddr", SOL_SOCKET, SO_REUSEADDR, int, bool_value),
    SCALAR("dontroute", SOL_SOCKET, SO_DONTROUTE, int, bool_value),
    SCALAR("priority", SOL_SOCKET, SO_PRIORITY, int, int_value),
    SPECIAL("tos", IPPROTO_IP, IP_TOS, lsctp_opt_get_tos, lsctp_opt_set_tos),
    SPECIAL("linger", SOL_SOCKET, SO_LINGER, lsctp_opt_get_linger, lsctp_opt_set_linger),
    SCALAR("sctp_nodelay", IPPROTO_SCTP, SCTP_NODELAY, int, bool_value),
    SCALAR("sctp_disable_fragments", IPPROTO_SCTP, SCTP_DISABLE_FRAGMENTS, int, bool_value),
    SCALAR("sctp_i_want_mapped_v4_addr", IPPROTO_SCTP, SCTP_I_WANT_MAPPED_V4_ADDR, int, bool_value),
    SCALAR("sctp_maxseg", IPPROTO_SCTP, SCTP_MAXSEG, struct sctp_assoc_value, assoc_uint_value),
    SPECIAL("sctp_autoclose", IPPROTO_SCTP, SCTP_AUTOCLOSE, lsctp_opt_get_autoclose, lsctp_opt_set_autoclose),
    RECORD("sctp_rtoinfo", IPPROTO_SCTP, SCTP_RTOINFO, 0, struct sctp_rtoinfo, rtoinfo_fields),
    RECORD("sctp_associnfo", IPPROTO_SCTP, SCTP_ASSOCINFO, 0, struct sctp_assocparams, associnfo_fields),
    RECORD("sctp_initmsg", IPPROTO_SCTP, SCTP_INITMSG, 0, struct sctp_initmsg, initmsg_fields),
    RECORD("sctp_primary_addr", IPPROTO_SCTP, SCTP_PRIMARY_ADDR, 0, struct sctp_prim, prim_fields),
    RECORD("sctp_set_peer_primary_addr", IPPROTO_SCTP, SCTP_SET_PEER_PRIMARY_ADDR, WO,
           struct sctp_setpeerprim, setpeerprim_fields),
    RECORD("sctp_adaptation_layer", IPPROTO_SCTP, SCTP_ADAPTATION_LAYER, 0,
           struct sctp_setadaptation, adaptation_fields),
    RECORD("sctp_peer_addr_params", IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, 0,
           struct sctp_paddrparams, paddrparams_fields),
    SPECIAL_KEYED("sctp_default_send_param", IPPROTO_SCTP, SCTP_DEFAULT_SEND_PARAM,
            lsctp_opt_get_default_send, lsctp_opt_set_default_send),
    SPECIAL_KEYED("sctp_events", IPPROTO_SCTP, SCTP_EVENTS, lsctp_opt_get_events, lsctp_opt_set_events),
    RECORD("sctp_delayed_ack_time", IPPROTO_SCTP, SCTP_DELAYED_SACK, 0,
           struct sctp_sack_info, delayed_ack_fields),
    RECORD("sctp_status", IPPROTO_SCTP, SCTP_STATUS, RO, struct sctp_status, status_fields),
    /* Linux options beyond gen_sctp; each only where the headers have it */
#ifdef SCTP_PR_SUPPORTED
    SCALAR("sctp_pr_supported", IPPROTO_SCTP, SCTP_PR_SUPPORTED, struct sctp_assoc_value, assoc_bool_value),
#endif
#ifdef SCTP_RECONFIG_SUPPORTED
    SCALAR("sctp_reconfig_supported", IPPROTO_SCTP, SCTP_RECONFIG_SUPPORTED, struct sctp_assoc_value, assoc_bool_value),
#endif
#ifdef SCTP_ENABLE_STREAM_RESET
    SCALAR("sctp_enable_stream_reset", IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET, struct sctp_assoc_value, stream_reset_value),
#endif
    /* sctp_fragment_interleave / interleaving are left out on purpose:
     * they let pieces of different messages interleave, and recv promises
     * whole messages from one reassembly buffer. */
#ifdef SCTP_PARTIAL_DELIVERY_POINT
    SCALAR("sctp_partial_delivery_point", IPPROTO_SCTP, SCTP_PARTIAL_DELIVERY_POINT, int, uint_value),
#endif
#ifdef SCTP_MAX_BURST
    SCALAR("sctp_max_burst", IPPROTO_SCTP, SCTP_MAX_BURST, struct sctp_assoc_value, assoc_uint_value),
#endif
    RECORD("sctp_get_peer_addr_info", IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, RO,
           struct sctp_paddrinfo, peer_addr_info_fields),
#ifdef SCTP_STREAM_SCHEDULER
    RECORD("sctp_stream_scheduler", IPPROTO_SCTP, SCTP_STREAM_SCHEDULER, 0,
           struct sctp_assoc_value, scheduler_fields),
    RECORD("sctp_stream_scheduler_value", IPPROTO_SCTP, SCTP_STREAM_SCHEDULER_VALUE, 0,
           struct sctp_stream_value, scheduler_value_fields),
#endif
#ifdef SCTP_PEER_ADDR_THLDS_V2
    RECORD("sctp_peer_addr_thlds", IPPROTO_SCTP, SCTP_PEER_ADDR_THLDS_V2, 0,
           struct sctp_paddrthlds_v2, thlds_fields),
#endif
#ifdef SCTP_EXPOSE_POTENTIALLY_FAILED_STATE
    RECORD("sctp_expose_potentially_failed_state", IPPROTO_SCTP, SCTP_EXPOSE_POTENTIALLY_FAILED_STATE, 0,
           struct sctp_assoc_value, pf_expose_fields),
#endif
#ifdef SCTP_PLPMTUD_PROBE_INTERVAL
    RECORD("sctp_plpmtud_probe_interval", IPPROTO_SCTP, SCTP_PLPMTUD_PROBE_INTERVAL, 0,
           struct sctp_probeinterval, probe_interval_fields),
#endif
    RECORD("sctp_context", IPPROTO_SCTP, SCTP_CONTEXT, 0, struct sctp_assoc_value, assoc_value_fields),
#ifdef SCTP_DEFAULT_PRINFO
    RECORD("sctp_default_prinfo", IPPROTO_SCTP, SCTP_DEFAULT_PRINFO, 0,
           struct sctp_default_prinfo, default_prinfo_fields),
    RECORD("sctp_pr_assoc_status", IPPROTO_SCTP, SCTP_PR_ASSOC_STATUS, RO,
           struct sctp_prstatus, pr_assoc_status_fields),
    RECORD("sctp_pr_stream_status", IPPROTO_SCTP, SCTP_PR_STREAM_STATUS, RO,
           struct sctp_prstatus, pr_stream_status_fields),
#endif
#ifdef SCTP_GET_ASSOC_STATS
    RECORD("sctp_get_assoc_stats", IPPROTO_SCTP, SCTP_GET_ASSOC_STATS, RO,
           struct sctp_assoc_stats, assoc_stats_fields),
#endif
#ifdef SCTP_AUTH_SUPPORTED
    /* RFC 4895 SCTP-AUTH (csrc/option_auth.c), and the extensions an
     * endpoint offers in its INIT */
    SCALAR("sctp_auth_supported", IPPROTO_SCTP, SCTP_AUTH_SUPPORTED, struct sctp_assoc_value, assoc_bool_value),
    SCALAR("sctp_asconf_supported", IPPROTO_SCTP, SCTP_ASCONF_SUPPORTED, struct sctp_assoc_value, assoc_bool_value),
    SCALAR("sctp_ecn_supported", IPPROTO_SCTP, SCTP_ECN_SUPPORTED, struct sctp_assoc_value, assoc_bool_value),
#endif
#ifdef SCTP_AUTO_ASCONF
    SCALAR("sctp_auto_asconf", IPPROTO_SCTP, SCTP_AUTO_ASCONF, int, bool_value),
#endif
#ifdef SCTP_AUTH_ACTIVE_KEY
    SPECIAL_WO("sctp_auth_chunk", IPPROTO_SCTP, SCTP_AUTH_CHUNK, lsctp_opt_set_auth_chunk),
    SPECIAL("sctp_hmac_ident", IPPROTO_SCTP, SCTP_HMAC_IDENT, lsctp_opt_get_hmac_ident, lsctp_opt_set_hmac_ident),
    SPECIAL_WO("sctp_auth_key", IPPROTO_SCTP, SCTP_AUTH_KEY, lsctp_opt_set_auth_key),
    RECORD("sctp_auth_active_key", IPPROTO_SCTP, SCTP_AUTH_ACTIVE_KEY, 0, struct sctp_authkeyid, authkeyid_fields),
    RECORD("sctp_auth_delete_key", IPPROTO_SCTP, SCTP_AUTH_DELETE_KEY, WO, struct sctp_authkeyid, authkeyid_fields),
    RECORD("sctp_auth_deactivate_key", IPPROTO_SCTP, SCTP_AUTH_DEACTIVATE_KEY, WO,
           struct sctp_authkeyid, authkeyid_fields),
    {"sctp_peer_auth_chunks", IPPROTO_SCTP, SCTP_PEER_AUTH_CHUNKS, K_SPECIAL, RO | KEYED, 0, NULL,
     lsctp_opt_get_auth_chunks, NULL},
    {"sctp_local_auth_chunks", IPPROTO_SCTP, SCTP_LOCAL_AUTH_CHUNKS, K_SPECIAL, RO | KEYED, 0, NULL,
     lsctp_opt_get_auth_chunks, NULL},
#endif
#ifdef SCTP_REMOTE_UDP_ENCAPS_PORT
    RECORD("sctp_remote_udp_encaps_port", IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, 0,
           struct sctp_udpencaps, udpencaps_fields),
#endif
    SCALAR_RO("sctp_get_assoc_number", IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, uint32_t, uint_value),
    SPECIAL_RO("sctp_get_assoc_id_list", IPPROTO_SCTP, SCTP_GET_ASSOC_ID_LIST, lsctp_opt_get_assoc_ids),
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL}};
