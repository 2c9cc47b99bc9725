/* The socket options: one row per option (level, name, C struct, the field
 * rows of codec.h with their types and ranges), and the options whose shape
 * rows cannot express (linger, sctp_autoclose, tos, sctp_default_send_param,
 * sctp_events) with a get and a set function of their own. options.c reads
 * and writes them. Options handled by the Lua layer (mode, active, buffer,
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
    {NULL, 0}};

static const lsctp_field paddrparams_fields[] = {
    ASSOC(struct sctp_paddrparams, spp_assoc_id),
    ADDRF(struct sctp_paddrparams, spp_address, "address", 1, LSCTP_PORT_FROM_PEER),
    FLD(struct sctp_paddrparams, spp_hbinterval, "hbinterval", F_INT, U32),
    FLD(struct sctp_paddrparams, spp_pathmaxrxt, "pathmaxrxt", F_INT, U16),
    FLD(struct sctp_paddrparams, spp_pathmtu, "pathmtu", F_INT, U32),
    FLD(struct sctp_paddrparams, spp_sackdelay, "sackdelay", F_INT, U32),
    FLAGSF(struct sctp_paddrparams, spp_flags, "flags", spp_flags),
    END};

static const lsctp_field delayed_ack_fields[] = {
    ASSOC(struct sctp_sack_info, sack_assoc_id),
    FLD(struct sctp_sack_info, sack_delay, "assoc_value", F_INT, U32),
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



/* --- special options: shapes the generic rows cannot express ------------- */

/* linger = {on, seconds} */
static int get_linger(lua_State *L, lsctp_socket *s, const lsctp_option *o)
{
    struct linger lg;
    socklen_t len = sizeof lg;
    memset(&lg, 0, sizeof lg);
    if (s->be->getsockopt(s->fd, o->level, o->optname, &lg, &len) < 0)
        return lsctp_sockopt_fail(L, o, 0);
    lua_createtable(L, 2, 0);
    lua_pushboolean(L, lg.l_onoff);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, lg.l_linger);
    lua_rawseti(L, -2, 2);
    return 1;
}

static int set_linger(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
{
    struct linger lg;
    if (lua_type(L, idx) != LUA_TTABLE)
        return lsctp_argerror(L, SET_OPTION("linger"), "{on, seconds} expected, got %s", luaL_typename(L, idx));
    lua_rawgeti(L, idx, 1);
    if (lua_type(L, -1) != LUA_TBOOLEAN)
        return lsctp_argerror(L, SET_OPTION("linger"), "[1] (on): boolean expected, got %s", luaL_typename(L, -1));
    lg.l_onoff = lua_toboolean(L, -1);
    lua_rawgeti(L, idx, 2);
    lg.l_linger = (int)lsctp_checkint(L, -1, SET_OPTION("linger") ": [2] (seconds)", 0, 65535);
    lua_pop(L, 2);
    if (s->be->setsockopt(s->fd, o->level, o->optname, &lg, sizeof lg) < 0)
        return lsctp_sockopt_fail(L, o, 1);
    return 0;
}

/* An int option: 0 or -1 (errno set). */
static int get_int(lsctp_socket *s, int level, int optname, int *v)
{
    socklen_t len = sizeof *v;
    *v = 0;
    return s->be->getsockopt(s->fd, level, optname, v, &len);
}

static int set_int(lsctp_socket *s, int level, int optname, int v)
{
    return s->be->setsockopt(s->fd, level, optname, &v, sizeof v);
}

/* sctp_autoclose: seconds, 0 shown as "infinity" as gen_sctp does */
static int get_autoclose(lua_State *L, lsctp_socket *s, const lsctp_option *o)
{
    int v;
    if (get_int(s, o->level, o->optname, &v) < 0)
        return lsctp_sockopt_fail(L, o, 0);
    if (v == 0)
        lua_pushliteral(L, "infinity");
    else
        lua_pushinteger(L, v);
    return 1;
}

static int set_autoclose(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
{
    int v;
    if (lua_type(L, idx) == LUA_TSTRING && strcmp(lua_tostring(L, idx), "infinity") == 0)
        v = 0;
    else
        v = (int)lsctp_checkint(L, idx, SET_OPTION("sctp_autoclose") " (seconds or \"infinity\")", 0, 2147483647);
    if (set_int(s, o->level, o->optname, v) < 0)
        return lsctp_sockopt_fail(L, o, 1);
    return 0;
}

/* tos: IP_TOS on inet sockets, IPV6_TCLASS on inet6 */
#define TOS_LEVEL(s) ((s)->family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP)
#define TOS_NAME(s) ((s)->family == AF_INET6 ? IPV6_TCLASS : IP_TOS)

static int get_tos(lua_State *L, lsctp_socket *s, const lsctp_option *o)
{
    int v;
    if (get_int(s, TOS_LEVEL(s), TOS_NAME(s), &v) < 0)
        return lsctp_sockopt_fail(L, o, 0);
    lua_pushinteger(L, v);
    return 1;
}

static int set_tos(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
{
    int v = (int)lsctp_checkint(L, idx, SET_OPTION("tos"), 0, 255);
    if (set_int(s, TOS_LEVEL(s), TOS_NAME(s), v) < 0)
        return lsctp_sockopt_fail(L, o, 1);
    return 0;
}

/* sctp_default_send_param: a sndrcvinfo, merged over the current one */
static int get_default_send(lua_State *L, lsctp_socket *s, const lsctp_option *o)
{
    struct sctp_sndrcvinfo info;
    socklen_t len = sizeof info;
    memset(&info, 0, sizeof info);
    if (lua_istable(L, 3))
        lsctp_checksndrcvinfo(L, 3, &info, GET_OPTION("sctp_default_send_param"));
    if (s->be->getsockopt(s->fd, o->level, o->optname, &info, &len) < 0)
        return lsctp_sockopt_fail(L, o, 0);
    lsctp_pushsndrcvinfo(L, &info);
    return 1;
}

static int set_default_send(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
{
    struct sctp_sndrcvinfo info;
    socklen_t len = sizeof info;
    lua_Integer id = 0;
    memset(&info, 0, sizeof info);
    if (lua_type(L, idx) != LUA_TTABLE)
        return lsctp_argerror(L, SET_OPTION("sctp_default_send_param"), "sndrcvinfo table expected, got %s",
                              luaL_typename(L, idx));
    lsctp_intfield(L, idx, "assoc_id", SET_OPTION("sctp_default_send_param"), S32, &id);
    info.sinfo_assoc_id = (sctp_assoc_t)id;
    if (s->be->getsockopt(s->fd, o->level, o->optname, &info, &len) < 0)
        return lsctp_sockopt_fail(L, o, 0);
    lsctp_checksndrcvinfo(L, idx, &info, SET_OPTION("sctp_default_send_param"));
    memset(s->send_cache, 0, sizeof s->send_cache);   /* see lsctp_send_defaults */
    if (s->be->setsockopt(s->fd, o->level, o->optname, &info, sizeof info) < 0)
        return lsctp_sockopt_fail(L, o, 1);
    return 0;
}

/* sctp_events: one SCTP_EVENT per event (RFC 6458 6.2.1), falling back to
 * the older all-in-one SCTP_EVENTS struct when the kernel lacks SCTP_EVENT. */
typedef struct { const char *name; uint16_t type; size_t legacy_offset; } event_option;

static const event_option event_options[] = {
    {"data_io_event", SCTP_DATA_IO_EVENT, offsetof(struct sctp_event_subscribe, sctp_data_io_event)},
    {"association_event", SCTP_ASSOC_CHANGE, offsetof(struct sctp_event_subscribe, sctp_association_event)},
    {"address_event", SCTP_PEER_ADDR_CHANGE, offsetof(struct sctp_event_subscribe, sctp_address_event)},
    {"send_failure_event", SCTP_SEND_FAILED, offsetof(struct sctp_event_subscribe, sctp_send_failure_event)},
    {"peer_error_event", SCTP_REMOTE_ERROR, offsetof(struct sctp_event_subscribe, sctp_peer_error_event)},
    {"shutdown_event", SCTP_SHUTDOWN_EVENT, offsetof(struct sctp_event_subscribe, sctp_shutdown_event)},
    {"partial_delivery_event", SCTP_PARTIAL_DELIVERY_EVENT, offsetof(struct sctp_event_subscribe, sctp_partial_delivery_event)},
    {"adaptation_layer_event", SCTP_ADAPTATION_INDICATION, offsetof(struct sctp_event_subscribe, sctp_adaptation_layer_event)},
    {"authentication_event", SCTP_AUTHENTICATION_EVENT, offsetof(struct sctp_event_subscribe, sctp_authentication_event)},
    {"sender_dry_event", SCTP_SENDER_DRY_EVENT, offsetof(struct sctp_event_subscribe, sctp_sender_dry_event)},
    {"stream_reset_event", SCTP_STREAM_RESET_EVENT, offsetof(struct sctp_event_subscribe, sctp_stream_reset_event)},
    {"assoc_reset_event", SCTP_ASSOC_RESET_EVENT, offsetof(struct sctp_event_subscribe, sctp_assoc_reset_event)},
    {"stream_change_event", SCTP_STREAM_CHANGE_EVENT, offsetof(struct sctp_event_subscribe, sctp_stream_change_event)},
    {NULL, 0, 0}};

#ifdef SCTP_ALL_ASSOC
#define EVENT_ASSOC SCTP_ALL_ASSOC   /* the endpoint and its current associations */
#else
#define EVENT_ASSOC 0
#endif

static int get_events(lua_State *L, lsctp_socket *s, const lsctp_option *o)
{
    struct sctp_event_subscribe legacy;
    socklen_t len = sizeof legacy;
    const event_option *e;
    int have_legacy = 0;
    lua_newtable(L);
    for (e = event_options; e->name; e++) {
        int on = 0;
#ifdef SCTP_EVENT
        struct sctp_event ev;
        socklen_t evlen = sizeof ev;
        memset(&ev, 0, sizeof ev);
        ev.se_type = e->type;
        if (s->be->getsockopt(s->fd, IPPROTO_SCTP, SCTP_EVENT, &ev, &evlen) == 0) {
            on = ev.se_on;
        } else
#endif
        {
            if (!have_legacy) {
                memset(&legacy, 0, sizeof legacy);
                if (s->be->getsockopt(s->fd, IPPROTO_SCTP, SCTP_EVENTS, &legacy, &len) < 0)
                    return lsctp_sockopt_fail(L, o, 0);
                have_legacy = 1;
            }
            on = e->legacy_offset < len && ((const uint8_t *)&legacy)[e->legacy_offset];
        }
        lua_pushboolean(L, on);
        lua_setfield(L, -2, e->name);
    }
    return 1;
}

static int set_events(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
{
    const event_option *e;
    if (lua_type(L, idx) != LUA_TTABLE)
        return lsctp_argerror(L, SET_OPTION("sctp_events"), "table of event = boolean expected, got %s",
                              luaL_typename(L, idx));
    /* reject unknown names before changing anything */
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        for (e = event_options; e->name && strcmp(e->name, k) != 0; e++)
            ;
        if (!e->name)
            return lsctp_argerror(L, SET_OPTION("sctp_events"), "unknown event '%s'", k);
        if (lua_type(L, -1) != LUA_TBOOLEAN)
            return lsctp_argerror(L, SET_OPTION("sctp_events"), "field '%s': boolean expected, got %s",
                                  k, luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    for (e = event_options; e->name; e++) {
        int on, rc = -1;
        lua_getfield(L, idx, e->name);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            continue;
        }
        on = lua_toboolean(L, -1);
        lua_pop(L, 1);
#ifdef SCTP_EVENT
        {
            struct sctp_event ev;
            memset(&ev, 0, sizeof ev);
            ev.se_assoc_id = s->type == SOCK_STREAM ? 0 : EVENT_ASSOC;
            ev.se_type = e->type;
            ev.se_on = (uint8_t)on;
            rc = s->be->setsockopt(s->fd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev);
        }
#endif
        if (rc < 0) {
            struct sctp_event_subscribe legacy;
            socklen_t len = sizeof legacy;
            memset(&legacy, 0, sizeof legacy);
            if (s->be->getsockopt(s->fd, IPPROTO_SCTP, SCTP_EVENTS, &legacy, &len) < 0
                || e->legacy_offset >= len)
                return lsctp_sockopt_fail(L, o, 1);
            ((uint8_t *)&legacy)[e->legacy_offset] = (uint8_t)on;
            if (s->be->setsockopt(s->fd, IPPROTO_SCTP, SCTP_EVENTS, &legacy, len) < 0)
                return lsctp_sockopt_fail(L, o, 1);
        }
    }
    return 0;
}


#define SCALAR(n, lvl, opt, st, flds) {n, lvl, opt, K_SCALAR, 0, sizeof(st), flds, NULL, NULL}
#define RECORD(n, lvl, opt, acc, st, flds) {n, lvl, opt, K_RECORD, acc, sizeof(st), flds, NULL, NULL}
#define SPECIAL(n, lvl, opt, g, s) {n, lvl, opt, K_SPECIAL, 0, 0, NULL, g, s}

const lsctp_option lsctp_options[] = {
    SCALAR("sndbuf", SOL_SOCKET, SO_SNDBUF, int, uint_value),
    SCALAR("recbuf", SOL_SOCKET, SO_RCVBUF, int, uint_value),
    SCALAR("reuseaddr", SOL_SOCKET, SO_REUSEADDR, int, bool_value),
    SCALAR("dontroute", SOL_SOCKET, SO_DONTROUTE, int, bool_value),
    SCALAR("priority", SOL_SOCKET, SO_PRIORITY, int, int_value),
    SPECIAL("tos", IPPROTO_IP, IP_TOS, get_tos, set_tos),
    SPECIAL("linger", SOL_SOCKET, SO_LINGER, get_linger, set_linger),
    SCALAR("sctp_nodelay", IPPROTO_SCTP, SCTP_NODELAY, int, bool_value),
    SCALAR("sctp_disable_fragments", IPPROTO_SCTP, SCTP_DISABLE_FRAGMENTS, int, bool_value),
    SCALAR("sctp_i_want_mapped_v4_addr", IPPROTO_SCTP, SCTP_I_WANT_MAPPED_V4_ADDR, int, bool_value),
    SCALAR("sctp_maxseg", IPPROTO_SCTP, SCTP_MAXSEG, struct sctp_assoc_value, assoc_uint_value),
    SPECIAL("sctp_autoclose", IPPROTO_SCTP, SCTP_AUTOCLOSE, get_autoclose, set_autoclose),
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
    SPECIAL("sctp_default_send_param", IPPROTO_SCTP, SCTP_DEFAULT_SEND_PARAM,
            get_default_send, set_default_send),
    SPECIAL("sctp_events", IPPROTO_SCTP, SCTP_EVENTS, get_events, set_events),
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
    {NULL, 0, 0, 0, 0, 0, NULL, NULL, NULL}};
