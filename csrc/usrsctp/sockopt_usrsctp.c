/* The usrsctp backend's socket options: Linux option numbers and structs
 * (lx_abi.h) into usrsctp's and back (docs/usrsctp-notes.md section 2). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <usrsctp.h>

#include "usock.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* Linux option numbers whose struct is the same in usrsctp */
static const struct { int lx, usr; } same_opts[] = {
    {LX_SCTP_RTOINFO, SCTP_RTOINFO}, {LX_SCTP_INITMSG, SCTP_INITMSG}, {LX_SCTP_NODELAY, SCTP_NODELAY},
    {LX_SCTP_AUTOCLOSE, SCTP_AUTOCLOSE}, {LX_SCTP_ADAPTATION_LAYER, SCTP_ADAPTATION_LAYER},
    {LX_SCTP_DISABLE_FRAGMENTS, SCTP_DISABLE_FRAGMENTS},
    {LX_SCTP_I_WANT_MAPPED_V4_ADDR, SCTP_I_WANT_MAPPED_V4_ADDR}, {LX_SCTP_MAXSEG, SCTP_MAXSEG},
    {LX_SCTP_DELAYED_SACK, SCTP_DELAYED_SACK}, {LX_SCTP_CONTEXT, SCTP_CONTEXT},
    {LX_SCTP_PARTIAL_DELIVERY_POINT, SCTP_PARTIAL_DELIVERY_POINT}, {LX_SCTP_MAX_BURST, SCTP_MAX_BURST},
    {LX_SCTP_GET_ASSOC_NUMBER, SCTP_GET_ASSOC_NUMBER}, {LX_SCTP_GET_ASSOC_ID_LIST, SCTP_GET_ASSOC_ID_LIST},
    {LX_SCTP_PR_SUPPORTED, SCTP_PR_SUPPORTED}, {LX_SCTP_RECONFIG_SUPPORTED, SCTP_RECONFIG_SUPPORTED},
    {LX_SCTP_ENABLE_STREAM_RESET, SCTP_ENABLE_STREAM_RESET}, {LX_SCTP_AUTH_CHUNK, SCTP_AUTH_CHUNK},
    {LX_SCTP_HMAC_IDENT, SCTP_HMAC_IDENT}, {LX_SCTP_AUTH_KEY, SCTP_AUTH_KEY},
    {LX_SCTP_AUTH_ACTIVE_KEY, SCTP_AUTH_ACTIVE_KEY}, {LX_SCTP_AUTH_DELETE_KEY, SCTP_AUTH_DELETE_KEY},
    {LX_SCTP_AUTH_DEACTIVATE_KEY, SCTP_AUTH_DEACTIVATE_KEY}, {LX_SCTP_AUTO_ASCONF, SCTP_AUTO_ASCONF},
    {LX_SCTP_RESET_STREAMS, SCTP_RESET_STREAMS}, {LX_SCTP_RESET_ASSOC, SCTP_RESET_ASSOC},
    {LX_SCTP_ADD_STREAMS, SCTP_ADD_STREAMS}, {LX_SCTP_ASCONF_SUPPORTED, SCTP_ASCONF_SUPPORTED},
    {LX_SCTP_AUTH_SUPPORTED, SCTP_AUTH_SUPPORTED}, {LX_SCTP_ECN_SUPPORTED, SCTP_ECN_SUPPORTED},
    {LX_SCTP_STREAM_SCHEDULER_VALUE, SCTP_SS_VALUE}};

static int usr_opt(int lx)
{
    size_t i;
    for (i = 0; i < sizeof same_opts / sizeof same_opts[0]; i++)
        if (same_opts[i].lx == lx)
            return same_opts[i].usr;
    return -1;
}

/* --- the reordered structs: one row per option, one move per field ------- */

/* how a moved field's value changes between the two */
enum { COPY, SSTAT_STATE, SPINFO_STATE, PR_POLICY, SCHEDULER, SPP_FLAGS, ADDRESS };

typedef struct { uint16_t lx, usr, size, kind; } move;

/* the field's size, or a compile error when the two sizes differ */
#define SIZE_OF_BOTH(L, lf, U, uf) \
    (sizeof(((L *)0)->lf) + 0 * sizeof(char[sizeof(((L *)0)->lf) == sizeof(((U *)0)->uf) ? 1 : -1]))
#define MOVE(L, lf, U, uf, kind) {offsetof(L, lf), offsetof(U, uf), SIZE_OF_BOTH(L, lf, U, uf), kind}
#define END_MOVES {0, 0, 0, 0}

static const move assocparams_moves[] = {
    MOVE(struct lx_assocparams, sasoc_assoc_id, struct sctp_assocparams, sasoc_assoc_id, COPY),
    MOVE(struct lx_assocparams, sasoc_asocmaxrxt, struct sctp_assocparams, sasoc_asocmaxrxt, COPY),
    MOVE(struct lx_assocparams, sasoc_number_peer_destinations, struct sctp_assocparams,
         sasoc_number_peer_destinations, COPY),
    MOVE(struct lx_assocparams, sasoc_peer_rwnd, struct sctp_assocparams, sasoc_peer_rwnd, COPY),
    MOVE(struct lx_assocparams, sasoc_local_rwnd, struct sctp_assocparams, sasoc_local_rwnd, COPY),
    MOVE(struct lx_assocparams, sasoc_cookie_life, struct sctp_assocparams, sasoc_cookie_life, COPY),
    END_MOVES};

static const move prim_moves[] = {
    MOVE(struct lx_prim, ssp_assoc_id, struct sctp_setprim, ssp_assoc_id, COPY),
    MOVE(struct lx_prim, ssp_addr, struct sctp_setprim, ssp_addr, COPY),
    END_MOVES};

static const move peer_prim_moves[] = {
    MOVE(struct lx_prim, ssp_assoc_id, struct sctp_setpeerprim, sspp_assoc_id, COPY),
    MOVE(struct lx_prim, ssp_addr, struct sctp_setpeerprim, sspp_addr, COPY),
    END_MOVES};

/* spp_sackdelay has no usrsctp field: paddrparams_sack() below */
static const move paddrparams_moves[] = {
    MOVE(struct lx_paddrparams, spp_assoc_id, struct sctp_paddrparams, spp_assoc_id, COPY),
    MOVE(struct lx_paddrparams, spp_address, struct sctp_paddrparams, spp_address, ADDRESS),
    MOVE(struct lx_paddrparams, spp_hbinterval, struct sctp_paddrparams, spp_hbinterval, COPY),
    MOVE(struct lx_paddrparams, spp_pathmaxrxt, struct sctp_paddrparams, spp_pathmaxrxt, COPY),
    MOVE(struct lx_paddrparams, spp_pathmtu, struct sctp_paddrparams, spp_pathmtu, COPY),
    MOVE(struct lx_paddrparams, spp_flags, struct sctp_paddrparams, spp_flags, SPP_FLAGS),
    MOVE(struct lx_paddrparams, spp_ipv6_flowlabel, struct sctp_paddrparams, spp_ipv6_flowlabel, COPY),
    MOVE(struct lx_paddrparams, spp_dscp, struct sctp_paddrparams, spp_dscp, COPY),
    END_MOVES};

#define PADDRINFO_MOVES(lxp, usrp)                                                                \
    MOVE(struct lx_paddrinfo, lxp spinfo_assoc_id, struct sctp_paddrinfo, usrp spinfo_assoc_id, COPY), \
    MOVE(struct lx_paddrinfo, lxp spinfo_address, struct sctp_paddrinfo, usrp spinfo_address, COPY),   \
    MOVE(struct lx_paddrinfo, lxp spinfo_state, struct sctp_paddrinfo, usrp spinfo_state, SPINFO_STATE), \
    MOVE(struct lx_paddrinfo, lxp spinfo_cwnd, struct sctp_paddrinfo, usrp spinfo_cwnd, COPY),         \
    MOVE(struct lx_paddrinfo, lxp spinfo_srtt, struct sctp_paddrinfo, usrp spinfo_srtt, COPY),         \
    MOVE(struct lx_paddrinfo, lxp spinfo_rto, struct sctp_paddrinfo, usrp spinfo_rto, COPY),           \
    MOVE(struct lx_paddrinfo, lxp spinfo_mtu, struct sctp_paddrinfo, usrp spinfo_mtu, COPY)

static const move paddrinfo_moves[] = {PADDRINFO_MOVES(, ), END_MOVES};

/* sstat_primary's fields, offset by where it sits in each struct */
#define PRIMARY(f) \
    {offsetof(struct lx_status, sstat_primary) + offsetof(struct lx_paddrinfo, f), \
     offsetof(struct sctp_status, sstat_primary) + offsetof(struct sctp_paddrinfo, f), \
     SIZE_OF_BOTH(struct lx_paddrinfo, f, struct sctp_paddrinfo, f), COPY}

static const move status_moves[] = {
    MOVE(struct lx_status, sstat_assoc_id, struct sctp_status, sstat_assoc_id, COPY),
    MOVE(struct lx_status, sstat_state, struct sctp_status, sstat_state, SSTAT_STATE),
    MOVE(struct lx_status, sstat_rwnd, struct sctp_status, sstat_rwnd, COPY),
    MOVE(struct lx_status, sstat_unackdata, struct sctp_status, sstat_unackdata, COPY),
    MOVE(struct lx_status, sstat_penddata, struct sctp_status, sstat_penddata, COPY),
    MOVE(struct lx_status, sstat_instrms, struct sctp_status, sstat_instrms, COPY),
    MOVE(struct lx_status, sstat_outstrms, struct sctp_status, sstat_outstrms, COPY),
    MOVE(struct lx_status, sstat_fragmentation_point, struct sctp_status, sstat_fragmentation_point, COPY),
    PRIMARY(spinfo_assoc_id), PRIMARY(spinfo_address), PRIMARY(spinfo_cwnd), PRIMARY(spinfo_srtt),
    PRIMARY(spinfo_rto), PRIMARY(spinfo_mtu),
    {offsetof(struct lx_status, sstat_primary) + offsetof(struct lx_paddrinfo, spinfo_state),
     offsetof(struct sctp_status, sstat_primary) + offsetof(struct sctp_paddrinfo, spinfo_state),
     sizeof(int32_t), SPINFO_STATE},
    END_MOVES};

static const move default_prinfo_moves[] = {
    MOVE(struct lx_default_prinfo, pr_assoc_id, struct sctp_default_prinfo, pr_assoc_id, COPY),
    MOVE(struct lx_default_prinfo, pr_value, struct sctp_default_prinfo, pr_value, COPY),
    MOVE(struct lx_default_prinfo, pr_policy, struct sctp_default_prinfo, pr_policy, PR_POLICY),
    END_MOVES};

static const move prstatus_moves[] = {
    MOVE(struct lx_prstatus, sprstat_assoc_id, struct sctp_prstatus, sprstat_assoc_id, COPY),
    MOVE(struct lx_prstatus, sprstat_sid, struct sctp_prstatus, sprstat_sid, COPY),
    MOVE(struct lx_prstatus, sprstat_policy, struct sctp_prstatus, sprstat_policy, PR_POLICY),
    MOVE(struct lx_prstatus, sprstat_abandoned_unsent, struct sctp_prstatus, sprstat_abandoned_unsent, COPY),
    MOVE(struct lx_prstatus, sprstat_abandoned_sent, struct sctp_prstatus, sprstat_abandoned_sent, COPY),
    END_MOVES};

static const move udpencaps_moves[] = {
    MOVE(struct lx_udpencaps, sue_assoc_id, struct sctp_udpencaps, sue_assoc_id, COPY),
    MOVE(struct lx_udpencaps, sue_address, struct sctp_udpencaps, sue_address, ADDRESS),
    MOVE(struct lx_udpencaps, sue_port, struct sctp_udpencaps, sue_port, COPY),
    END_MOVES};

/* Linux keeps the scheduler in a struct sctp_assoc_value, as usrsctp does */
static const move scheduler_moves[] = {
    {0, 0, sizeof(int32_t), COPY},
    {4, offsetof(struct sctp_assoc_value, assoc_value), sizeof(uint32_t), SCHEDULER},
    END_MOVES};

typedef struct {
    int lx_name, usr_name;
    uint16_t lx_size, usr_size;
    const move *moves;
} reordered;

static const reordered reordered_opts[] = {
    {LX_SCTP_ASSOCINFO, SCTP_ASSOCINFO, sizeof(struct lx_assocparams), sizeof(struct sctp_assocparams),
     assocparams_moves},
    {LX_SCTP_PRIMARY_ADDR, SCTP_PRIMARY_ADDR, sizeof(struct lx_prim), sizeof(struct sctp_setprim), prim_moves},
    {LX_SCTP_SET_PEER_PRIMARY_ADDR, SCTP_SET_PEER_PRIMARY_ADDR, sizeof(struct lx_prim),
     sizeof(struct sctp_setpeerprim), peer_prim_moves},
    {LX_SCTP_PEER_ADDR_PARAMS, SCTP_PEER_ADDR_PARAMS, sizeof(struct lx_paddrparams),
     sizeof(struct sctp_paddrparams), paddrparams_moves},
    {LX_SCTP_GET_PEER_ADDR_INFO, SCTP_GET_PEER_ADDR_INFO, sizeof(struct lx_paddrinfo),
     sizeof(struct sctp_paddrinfo), paddrinfo_moves},
    {LX_SCTP_STATUS, SCTP_STATUS, sizeof(struct lx_status), sizeof(struct sctp_status), status_moves},
    {LX_SCTP_DEFAULT_PRINFO, SCTP_DEFAULT_PRINFO, sizeof(struct lx_default_prinfo),
     sizeof(struct sctp_default_prinfo), default_prinfo_moves},
    {LX_SCTP_PR_ASSOC_STATUS, SCTP_PR_ASSOC_STATUS, sizeof(struct lx_prstatus), sizeof(struct sctp_prstatus),
     prstatus_moves},
    {LX_SCTP_PR_STREAM_STATUS, SCTP_PR_STREAM_STATUS, sizeof(struct lx_prstatus),
     sizeof(struct sctp_prstatus), prstatus_moves},
    {LX_SCTP_REMOTE_UDP_ENCAPS_PORT, SCTP_REMOTE_UDP_ENCAPS_PORT, sizeof(struct lx_udpencaps),
     sizeof(struct sctp_udpencaps), udpencaps_moves},
    {LX_SCTP_STREAM_SCHEDULER, SCTP_PLUGGABLE_SS, sizeof(struct sctp_assoc_value),
     sizeof(struct sctp_assoc_value), scheduler_moves},
    {0, 0, 0, 0, NULL}};

/* value pairs {Linux, usrsctp}; the first pair that matches wins */
static const uint32_t sstat_states[][2] = {
    {LX_SCTP_COOKIE_WAIT, SCTP_COOKIE_WAIT}, {LX_SCTP_COOKIE_ECHOED, SCTP_COOKIE_ECHOED},
    {LX_SCTP_ESTABLISHED, SCTP_ESTABLISHED}, {LX_SCTP_SHUTDOWN_PENDING, SCTP_SHUTDOWN_PENDING},
    {LX_SCTP_SHUTDOWN_SENT, SCTP_SHUTDOWN_SENT}, {LX_SCTP_SHUTDOWN_RECEIVED, SCTP_SHUTDOWN_RECEIVED},
    {LX_SCTP_SHUTDOWN_ACK_SENT, SCTP_SHUTDOWN_ACK_SENT}, {LX_SCTP_CLOSED, SCTP_CLOSED}, {0, 0}};
static const uint32_t spinfo_states[][2] = {
    {LX_SCTP_ACTIVE, SCTP_ACTIVE}, {LX_SCTP_INACTIVE, SCTP_INACTIVE},
    {LX_SCTP_UNCONFIRMED, SCTP_UNCONFIRMED}, {0, 0}};
#define USR_PR_SCTP_ALL 0xf   /* usrsctp's private netinet/sctp_uio.h */
static const uint32_t pr_policies[][2] = {
    {LX_SCTP_PR_SCTP_NONE, SCTP_PR_SCTP_NONE}, {LX_SCTP_PR_SCTP_TTL, SCTP_PR_SCTP_TTL},
    {LX_SCTP_PR_SCTP_RTX, SCTP_PR_SCTP_RTX}, {LX_SCTP_PR_SCTP_PRIO, SCTP_PR_SCTP_BUF},
    {LX_SCTP_PR_SCTP_ALL, USR_PR_SCTP_ALL}, {0, 0}};
/* usrsctp's default scheduler is round robin; Linux 6.2's fc and wfq have no peer */
static const uint32_t schedulers[][2] = {
    {LX_SCTP_SS_FCFS, SCTP_SS_FIRST_COME}, {LX_SCTP_SS_PRIO, SCTP_SS_PRIORITY},
    {LX_SCTP_SS_RR, SCTP_SS_ROUND_ROBIN}, {LX_SCTP_SS_RR, SCTP_SS_DEFAULT},
    {LX_SCTP_SS_RR, SCTP_SS_ROUND_ROBIN_PACKET}, {0, 0}};

static uint32_t map_pairs(const uint32_t (*pairs)[2], size_t n, uint32_t v, int to_lx, uint32_t none)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (pairs[i][to_lx ? 1 : 0] == v)
            return pairs[i][to_lx ? 0 : 1];
    return none;
}

#define PAIRS(t) t, sizeof t / sizeof t[0] - 1

static uint32_t map_value(int kind, uint32_t v, int to_lx)
{
    switch (kind) {
    case SSTAT_STATE: return map_pairs(PAIRS(sstat_states), v, to_lx, to_lx ? LX_SCTP_CLOSED : 0xffff);
    case SPINFO_STATE:   /* usrsctp's are bits: an unconfirmed path is ACTIVE|UNCONFIRMED */
        if (to_lx)
            return v & SCTP_UNCONFIRMED ? LX_SCTP_UNCONFIRMED : v & SCTP_ACTIVE ? LX_SCTP_ACTIVE
                 : v & SCTP_INACTIVE ? LX_SCTP_INACTIVE : 0xffff;
        return map_pairs(PAIRS(spinfo_states), v, 0, 0xffff);
    case PR_POLICY: return map_pairs(PAIRS(pr_policies), v, to_lx, 0xffff);   /* 0xffff: einval */
    case SCHEDULER: return map_pairs(PAIRS(schedulers), v, to_lx, 0xffff);
    case SPP_FLAGS: return v & ~(uint32_t)(LX_SPP_SACKDELAY_ENABLE | LX_SPP_SACKDELAY_DISABLE);
    default: return v;
    }
}

/* Moves each field from one layout to the other (to_lx: usrsctp's into Linux's). */
static void convert(const move *m, const unsigned char *from, unsigned char *to, int to_lx)
{
    for (; m->size; m++) {
        const unsigned char *src = from + (to_lx ? m->usr : m->lx);
        unsigned char *dst = to + (to_lx ? m->lx : m->usr);
        if (m->kind != COPY && (m->size == 2 || m->size == 4)) {
            uint32_t v = 0;
            uint16_t v16;
            if (m->size == 2) {
                memcpy(&v16, src, 2);
                v = v16;
            } else {
                memcpy(&v, src, 4);
            }
            v = map_value(m->kind, v, to_lx);
            v16 = (uint16_t)v;
            memcpy(dst, m->size == 2 ? (const void *)&v16 : (const void *)&v, m->size);
        } else {
            memcpy(dst, src, m->size);
        }
        /* Linux takes a zeroed address for "the whole association";
         * usrsctp wants a wildcard of some family */
        if (m->kind == ADDRESS && !to_lx && ((struct sockaddr_storage *)dst)->ss_family == AF_UNSPEC)
            ((struct sockaddr_storage *)dst)->ss_family = AF_INET;
    }
}

/* Linux sets a SACK delay per path; usrsctp only per association
 * (SCTP_DELAYED_SACK): the path's association gets it. */
static int paddrparams_sack(usock *u, struct lx_paddrparams *lx, int set)
{
    struct sctp_sack_info sack;
    socklen_t l = sizeof sack;
    uint32_t flags;
    memset(&sack, 0, sizeof sack);
    memcpy(&sack.sack_assoc_id, &lx->spp_assoc_id, sizeof lx->spp_assoc_id);
    memcpy(&flags, &lx->spp_flags, sizeof flags);
    if (set) {
        if (flags & LX_SPP_SACKDELAY_ENABLE)
            memcpy(&sack.sack_delay, &lx->spp_sackdelay, sizeof sack.sack_delay);
        else if (flags & LX_SPP_SACKDELAY_DISABLE)
            sack.sack_freq = 1;   /* a SACK for every packet */
        else
            return 0;
        return usrsctp_setsockopt(u->so, IPPROTO_SCTP, SCTP_DELAYED_SACK, &sack, l);
    }
    if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_DELAYED_SACK, &sack, &l) < 0)
        return -1;
    flags |= sack.sack_freq == 1 ? LX_SPP_SACKDELAY_DISABLE : LX_SPP_SACKDELAY_ENABLE;
    memcpy(&lx->spp_sackdelay, &sack.sack_delay, sizeof lx->spp_sackdelay);
    memcpy(&lx->spp_flags, &flags, sizeof flags);
    return 0;
}

static int reordered_opt(usock *u, const reordered *r, void *val, socklen_t *len, int set)
{
    union { struct sctp_status status; struct sctp_paddrparams params; unsigned char bytes[256]; } buf;
    socklen_t ulen = r->usr_size;
    if (*len < r->lx_size) {
        errno = EINVAL;
        return -1;
    }
    memset(&buf, 0, sizeof buf);
    convert(r->moves, val, buf.bytes, 0);
    if (set) {
        if (usrsctp_setsockopt(u->so, IPPROTO_SCTP, r->usr_name, buf.bytes, ulen) < 0)
            return -1;
        return r->lx_name == LX_SCTP_PEER_ADDR_PARAMS ? paddrparams_sack(u, val, 1) : 0;
    }
    if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, r->usr_name, buf.bytes, &ulen) < 0)
        return -1;
    memset(val, 0, r->lx_size);
    convert(r->moves, buf.bytes, val, 1);
    *len = r->lx_size;
    return r->lx_name == LX_SCTP_PEER_ADDR_PARAMS ? paddrparams_sack(u, val, 0) : 0;
}

/* --- the options usrsctp splits or shapes otherwise ------------------------ */

/* SCTP_DEFAULT_SEND_PARAM (a sndrcvinfo) is usrsctp's SCTP_DEFAULT_SNDINFO
 * plus SCTP_DEFAULT_PRINFO */
static int default_send_opt(usock *u, void *val, socklen_t *len, int set)
{
    struct lx_sndrcvinfo lx;
    struct sctp_sndinfo snd;
    struct sctp_default_prinfo pr;
    socklen_t sl = sizeof snd, pl = sizeof pr;
    if (*len < sizeof lx) {
        errno = EINVAL;
        return -1;
    }
    memcpy(&lx, val, sizeof lx);
    memset(&snd, 0, sizeof snd);
    memset(&pr, 0, sizeof pr);
    snd.snd_assoc_id = (sctp_assoc_t)lx.sinfo_assoc_id;
    pr.pr_assoc_id = (sctp_assoc_t)lx.sinfo_assoc_id;
    if (set) {
        snd.snd_sid = lx.sinfo_stream;
        snd.snd_flags = lsctp_usr_send_flags(lx.sinfo_flags);
        snd.snd_ppid = lx.sinfo_ppid;
        snd.snd_context = lx.sinfo_context;
        pr.pr_policy = lsctp_usr_pr_policy(lx.sinfo_flags & LX_SCTP_PR_SCTP_MASK);
        pr.pr_value = lx.sinfo_timetolive;
        if (usrsctp_setsockopt(u->so, IPPROTO_SCTP, SCTP_DEFAULT_SNDINFO, &snd, sl) < 0)
            return -1;
        return usrsctp_setsockopt(u->so, IPPROTO_SCTP, SCTP_DEFAULT_PRINFO, &pr, pl);
    }
    if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_DEFAULT_SNDINFO, &snd, &sl) < 0
        || usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_DEFAULT_PRINFO, &pr, &pl) < 0)
        return -1;
    memset(&lx, 0, sizeof lx);
    lx.sinfo_assoc_id = (int32_t)snd.snd_assoc_id;
    lx.sinfo_stream = snd.snd_sid;
    lx.sinfo_flags = (uint16_t)(lsctp_usr_lx_send_flags(snd.snd_flags)
                                | (map_value(PR_POLICY, pr.pr_policy, 1) & LX_SCTP_PR_SCTP_MASK));
    lx.sinfo_ppid = snd.snd_ppid;
    lx.sinfo_context = snd.snd_context;
    lx.sinfo_timetolive = pr.pr_value;
    memcpy(val, &lx, sizeof lx);
    *len = sizeof lx;
    return 0;
}

/* SCTP_PEER/LOCAL_AUTH_CHUNKS: usrsctp's answer has no count (it is the
 * length) and so a 4-byte shorter header */
static int auth_chunks_opt(usock *u, int usr_name, void *val, socklen_t *len)
{
    struct lx_authchunks lx;
    unsigned char buf[4 + 256];   /* at most 256 chunk types */
    socklen_t l = sizeof buf;
    size_t n;
    if (*len < sizeof lx) {
        errno = EINVAL;
        return -1;
    }
    memcpy(&lx, val, sizeof lx);
    memcpy(buf, &lx.gauth_assoc_id, 4);
    if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, usr_name, buf, &l) < 0)
        return -1;
    n = l > 4 ? (size_t)l - 4 : 0;
    if (sizeof lx + n > *len) {
        errno = EINVAL;   /* as Linux: the caller's room is too small */
        return -1;
    }
    lx.gauth_number_of_chunks = (uint32_t)n;
    memcpy(val, &lx, sizeof lx);
    memcpy((unsigned char *)val + sizeof lx, buf + 4, n);
    *len = (socklen_t)(sizeof lx + n);
    return 0;
}

/* Calls fn for each association of a one-to-many socket (ENOENT: one
 * that went away meanwhile, skipped). */
static int each_assoc(usock *u, int (*fn)(usock *, sctp_assoc_t, void *), void *arg)
{
    uint32_t count = 0, i;
    socklen_t l = sizeof count;
    struct sctp_assoc_ids *ids;
    int rc = 0;
    if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &count, &l) < 0)
        return -1;
    if (count == 0)
        return 0;
    count += 16;   /* room for ones that come meanwhile */
    l = (socklen_t)(sizeof *ids + count * sizeof(sctp_assoc_t));
    if (!(ids = calloc(1, l)))
        return -1;
    if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_GET_ASSOC_ID_LIST, ids, &l) < 0)
        rc = -1;
    for (i = 0; rc == 0 && i < ids->gaids_number_of_ids && i < count; i++)
        if (fn(u, ids->gaids_assoc_id[i], arg) < 0 && errno != ENOENT)
            rc = -1;
    free(ids);
    return rc;
}

static int set_event_for(usock *u, sctp_assoc_t id, void *ev)
{
    ((struct sctp_event *)ev)->se_assoc_id = id;
    return usrsctp_setsockopt(u->so, IPPROTO_SCTP, SCTP_EVENT, ev, sizeof(struct sctp_event));
}

/* usrsctp refuses sender_dry for all associations at once ("a storm of
 * events"): Linux takes it, so set it on each (each idle one reports dry at
 * once, as on Linux) and, for ALL_ASSOC, on future ones. */
static int sender_dry_all(usock *u, struct sctp_event *ev)
{
    if (ev->se_assoc_id == SCTP_ALL_ASSOC && set_event_for(u, SCTP_FUTURE_ASSOC, ev) < 0)
        return -1;
    return each_assoc(u, set_event_for, ev);
}

/* SCTP_EVENT in the Linux form: data_io_event is usrsctp's SCTP_RECVRCVINFO */
static int event_opt(usock *u, int set, void *val, socklen_t *len)
{
    struct sctp_event ev;
    uint16_t t;
    if (*len < sizeof ev) {
        errno = EINVAL;
        return -1;
    }
    memcpy(&ev, val, sizeof ev);
    if (ev.se_type == LX_SCTP_DATA_IO_EVENT) {
        int on = ev.se_on;
        socklen_t l = sizeof on;
        if (set)
            return usrsctp_setsockopt(u->so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on);
        if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, &l) < 0)
            return -1;
        ev.se_on = on != 0;
        memcpy(val, &ev, sizeof ev);
        return 0;
    }
    if (!(t = lsctp_usr_event_type(ev.se_type))) {
        errno = EINVAL;
        return -1;
    }
    ev.se_type = t;
    if (set && t == SCTP_SENDER_DRY_EVENT && u->one_to_many
        && (ev.se_assoc_id == SCTP_ALL_ASSOC || ev.se_assoc_id == SCTP_CURRENT_ASSOC))
        return sender_dry_all(u, &ev);
    if (set)
        return usrsctp_setsockopt(u->so, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev);
    if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_EVENT, &ev, len) < 0)
        return -1;
    ((struct sctp_event *)val)->se_on = ev.se_on;
    return 0;
}

/* Linux send flags (sinfo_flags) <-> usrsctp's (snd_flags) */
static const uint16_t send_flag_pairs[][2] = {
    {LX_SCTP_UNORDERED, SCTP_UNORDERED}, {LX_SCTP_ADDR_OVER, SCTP_ADDR_OVER}, {LX_SCTP_ABORT, SCTP_ABORT},
    {LX_SCTP_SACK_IMMEDIATELY, SCTP_SACK_IMMEDIATELY}, {LX_SCTP_SENDALL, SCTP_SENDALL},
    {LX_SCTP_EOF, SCTP_EOF}};

static uint16_t map_flags(uint16_t v, int to_lx)
{
    uint16_t f = 0;
    size_t i;
    for (i = 0; i < sizeof send_flag_pairs / sizeof send_flag_pairs[0]; i++)
        if (v & send_flag_pairs[i][to_lx ? 1 : 0])
            f |= send_flag_pairs[i][to_lx ? 0 : 1];
    return f;
}

uint16_t lsctp_usr_send_flags(uint16_t lx) { return map_flags(lx, 0); }
uint16_t lsctp_usr_pr_policy(uint16_t lx) { return (uint16_t)map_value(PR_POLICY, lx, 0); }
uint16_t lsctp_usr_lx_send_flags(uint16_t usr) { return map_flags(usr, 1); }

/* A boolean kept in the usock and read back, for what usrsctp refuses but
 * Linux takes without effect: SO_REUSEADDR (usrsctp's SCTP_REUSE_PORT is
 * another thing, for one-to-one sockets before bind), and
 * SCTP_I_WANT_MAPPED_V4_ADDR on an AF_INET socket. */
static int kept_opt(int *kept, void *val, socklen_t *len, int set)
{
    if (*len < sizeof(int)) {
        errno = EINVAL;
        return -1;
    }
    if (set) {
        int v;
        memcpy(&v, val, sizeof v);
        *kept = v != 0;
    } else {
        memcpy(val, kept, sizeof *kept);
        *len = sizeof(int);
    }
    return 0;
}

static int set_params_for(usock *u, sctp_assoc_t id, void *p)
{
    ((struct sctp_paddrparams *)p)->spp_assoc_id = id;
    return usrsctp_setsockopt(u->so, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, p, sizeof(struct sctp_paddrparams));
}

/* IP_TOS / IPV6_TCLASS: usrsctp keeps a DSCP per endpoint, association and
 * path (spp_dscp, the TOS byte without its ECN bits) */
static int tos_opt(usock *u, void *val, socklen_t *len, int set)
{
    struct sctp_paddrparams p;
    socklen_t l = sizeof p;
    int v;
    if (*len < sizeof v) {
        errno = EINVAL;
        return -1;
    }
    memset(&p, 0, sizeof p);
    p.spp_address.ss_family = AF_INET;   /* the wildcard: no one path */
    if (set) {
        memcpy(&v, val, sizeof v);
        p.spp_assoc_id = SCTP_FUTURE_ASSOC;
        p.spp_flags = SPP_DSCP;
        p.spp_dscp = (uint8_t)(v & 0xfc);
        if (usrsctp_setsockopt(u->so, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &p, l) < 0)
            return -1;
        /* a one-to-many endpoint takes only future associations: the
         * socket-wide option reaches the current ones too, as on Linux */
        return u->one_to_many ? each_assoc(u, set_params_for, &p) : 0;
    }
    p.spp_assoc_id = SCTP_FUTURE_ASSOC;
    if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &p, &l) < 0)
        return -1;
    v = p.spp_dscp;
    memcpy(val, &v, sizeof v);
    *len = sizeof v;
    return 0;
}

static int sockopt(usock *u, int level, int name, void *val, socklen_t *len, int set);

/* errno as Linux: usrsctp answers ENOENT for an association that does not
 * exist (Linux EINVAL) */
int lsctp_usr_sockopt(usock *u, int level, int name, void *val, socklen_t *len, int set)
{
    int rc = sockopt(u, level, name, val, len, set);
    if (rc < 0 && errno == ENOENT)
        errno = EINVAL;
    /* a peer without RE-CONFIG: usrsctp EOPNOTSUPP, Linux ENOPROTOOPT */
    if (rc < 0 && errno == EOPNOTSUPP && level == LX_IPPROTO_SCTP
        && (name == LX_SCTP_RESET_STREAMS || name == LX_SCTP_RESET_ASSOC || name == LX_SCTP_ADD_STREAMS))
        errno = ENOPROTOOPT;
    /* reset_assoc with data in flight: usrsctp EBUSY, Linux EAGAIN */
    if (rc < 0 && errno == EBUSY && level == LX_IPPROTO_SCTP && name == LX_SCTP_RESET_ASSOC)
        errno = EAGAIN;
    return rc;
}

static int sockopt(usock *u, int level, int name, void *val, socklen_t *len, int set)
{
    const reordered *r;
    int usr;
    if (level == SOL_SOCKET) {
        if (name == SO_REUSEADDR)
            return kept_opt(&u->reuseaddr, val, len, set);
        if (name != SO_SNDBUF && name != SO_RCVBUF && name != SO_LINGER) {
            errno = ENOPROTOOPT;
            return -1;
        }
        return set ? usrsctp_setsockopt(u->so, level, name, val, *len)
                   : usrsctp_getsockopt(u->so, level, name, val, len);
    }
    if ((level == IPPROTO_IP && name == IP_TOS) || (level == IPPROTO_IPV6 && name == IPV6_TCLASS))
        return tos_opt(u, val, len, set);
    if (level != LX_IPPROTO_SCTP) {
        errno = ENOPROTOOPT;
        return -1;
    }
    switch (name) {
    case LX_SCTP_EVENT: return event_opt(u, set, val, len);
    case LX_SCTP_I_WANT_MAPPED_V4_ADDR:
        if (u->family == AF_INET)
            return kept_opt(&u->mapped_v4, val, len, set);
        break;
    case LX_SCTP_DEFAULT_SEND_PARAM: return default_send_opt(u, val, len, set);
    case LX_SCTP_PEER_AUTH_CHUNKS:
        return set ? (errno = ENOPROTOOPT, -1) : auth_chunks_opt(u, SCTP_PEER_AUTH_CHUNKS, val, len);
    case LX_SCTP_LOCAL_AUTH_CHUNKS:
        return set ? (errno = ENOPROTOOPT, -1) : auth_chunks_opt(u, SCTP_LOCAL_AUTH_CHUNKS, val, len);
    default: break;
    }
    for (r = reordered_opts; r->moves; r++)
        if (r->lx_name == name)
            return reordered_opt(u, r, val, len, set);
    if ((usr = usr_opt(name)) < 0) {
        errno = ENOPROTOOPT;   /* usrsctp has no such option (docs/usrsctp-notes.md section 2) */
        return -1;
    }
    return set ? usrsctp_setsockopt(u->so, IPPROTO_SCTP, usr, val, *len)
               : usrsctp_getsockopt(u->so, IPPROTO_SCTP, usr, val, len);
}
