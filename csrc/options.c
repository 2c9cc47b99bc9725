/* Socket option codec, table-driven: one row per option (level, name, C
 * struct, fields with their types and ranges) drives both getopt and setopt.
 * A record given with only some fields is merged over the values read from
 * the socket first. Options handled by the Lua layer (mode, active, buffer,
 * non_block_send) are not here.
 *
 * Fields are read and written with memcpy at their offsets: several kernel
 * structs are packed, so direct member access could be unaligned. */
#include "lsctp.h"

#include <errno.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <string.h>

typedef enum { F_INT, F_BOOL, F_ENUM, F_FLAGS, F_ADDR, F_PADDRINFO } field_type;

typedef struct field {
    const char *name;
    unsigned char type;
    unsigned char key;          /* identifies what to read (assoc_id, address) */
    unsigned short offset, size;
    long long min, max;
    const void *names;          /* F_ENUM: const char *const[]; F_FLAGS: lsctp_flagname[] */
    int nnames;
} field;

typedef enum { K_SCALAR, K_RECORD, K_SPECIAL } option_kind;
enum { RO = 1, WO = 2 };

struct option;
/* The argument paths of option errors (csrc/args.c has the format):
 * options are given in setopts' (and open's, connect's) `opts` table and
 * in getopts' `names`. */
#define SET_WHAT "setopts: opts"
#define GET_WHAT "getopts: names"
#define SET_OPTION(name) SET_WHAT ": option '" name "'"
#define GET_OPTION(name) GET_WHAT ": option '" name "'"

typedef int (*special_get)(lua_State *L, lsctp_socket *s, const struct option *o);
typedef int (*special_set)(lua_State *L, lsctp_socket *s, const struct option *o, int idx);

typedef struct option {
    const char *name;
    int level, optname;
    unsigned char kind, access;
    unsigned short size;        /* bytes of the C struct */
    const field *fields;        /* K_SCALAR: the one value field */
    special_get get;
    special_set set;
} option;

/* the range argument is "min, max" (or U16/U32/S32) */
#define FLD(st, m, n, t, ...) {n, t, 0, offsetof(st, m), sizeof(((st *)0)->m), __VA_ARGS__, NULL, 0}
#define KEY(st, m, n, t, ...) {n, t, 1, offsetof(st, m), sizeof(((st *)0)->m), __VA_ARGS__, NULL, 0}
#define ENUMF(st, m, n, names) {n, F_ENUM, 0, offsetof(st, m), sizeof(((st *)0)->m), 0, 0, names, (int)(sizeof names / sizeof names[0])}
#define FLAGSF(st, m, n, names) {n, F_FLAGS, 0, offsetof(st, m), sizeof(((st *)0)->m), 0, 0, names, 0}
/* an address field; `from` fills a missing port (PORT_FROM_PEER/LOCAL) */
#define ADDRF(st, m, n, key, from) {n, F_ADDR, key, offsetof(st, m), sizeof(((st *)0)->m), 0, 0, NULL, from}
#define END {NULL, 0, 0, 0, 0, 0, 0, NULL, 0}
#define U16 0, 65535
#define U32 0, 4294967295LL
#define S32 (-2147483647LL - 1), 2147483647LL
#define ASSOC(st, m) KEY(st, m, "assoc_id", F_INT, S32)

/* --- field codec --------------------------------------------------------- */

static long long get_raw(const char *base, const field *f)
{
    uint8_t u8; uint16_t u16; uint32_t u32; int32_t s32;
    switch (f->size) {
    case 1: memcpy(&u8, base + f->offset, 1); return u8;
    case 2: memcpy(&u16, base + f->offset, 2); return u16;
    default:
        if (f->min < 0) { memcpy(&s32, base + f->offset, 4); return s32; }
        memcpy(&u32, base + f->offset, 4); return u32;
    }
}

static void put_raw(char *base, const field *f, long long v)
{
    uint8_t u8 = (uint8_t)v; uint16_t u16 = (uint16_t)v; uint32_t u32 = (uint32_t)v;
    switch (f->size) {
    case 1: memcpy(base + f->offset, &u8, 1); break;
    case 2: memcpy(base + f->offset, &u16, 2); break;
    default: memcpy(base + f->offset, &u32, 4); break;
    }
}

static void push_paddrinfo(lua_State *L, const char *base);

static void push_field(lua_State *L, const char *base, const field *f)
{
    switch (f->type) {
    case F_BOOL:
        lua_pushboolean(L, get_raw(base, f) != 0);
        break;
    case F_ENUM: {
        long long v = get_raw(base, f);
        if (v >= 0 && v < f->nnames && ((const char *const *)f->names)[v])
            lua_pushstring(L, ((const char *const *)f->names)[v]);
        else
            lua_pushinteger(L, (lua_Integer)v);
        break;
    }
    case F_FLAGS:
        lsctp_pushflags(L, (unsigned)get_raw(base, f), (const lsctp_flagname *)f->names);
        break;
    case F_ADDR: {
        struct sockaddr_storage ss;
        memcpy(&ss, base + f->offset, sizeof ss);
        lsctp_pushsockaddr(L, (const struct sockaddr *)&ss, sizeof ss);
        break;
    }
    case F_PADDRINFO:
        push_paddrinfo(L, base + f->offset);
        break;
    default:
        lua_pushinteger(L, (lua_Integer)get_raw(base, f));
    }
}

/* An address given without a port ("192.0.2.1") gets the association's
 * peer port (PORT_FROM_PEER) or local port (PORT_FROM_LOCAL): Linux
 * matches the whole sockaddr. Every struct with such a field starts with
 * its assoc_id, which fill_keys has set by now. */
enum { PORT_FROM_PEER = 1, PORT_FROM_LOCAL = 2 };

static void fill_port(lsctp_socket *s, char *base, const field *f)
{
    struct sockaddr_storage ss;
    struct sockaddr *addrs = NULL;
    sctp_assoc_t id;
    int n, peer = f->nnames == PORT_FROM_PEER;
    memcpy(&ss, base + f->offset, sizeof ss);
    if (((struct sockaddr_in *)&ss)->sin_port != 0)
        return;
    memcpy(&id, base, sizeof id);
    n = s->be->getaddrs(s->fd, id, peer, &addrs);
    if (n > 0) {
        if (addrs->sa_family == AF_INET || addrs->sa_family == AF_INET6)
            ((struct sockaddr_in *)&ss)->sin_port = ((struct sockaddr_in *)addrs)->sin_port;
        memcpy(base + f->offset, &ss, sizeof ss);
    }
    /* libsctp hands back its buffer even for 0 addresses */
    if (n >= 0 && addrs)
        s->be->freeaddrs(addrs, peer);
}

/* Writes the Lua value at idx into the field; errors name option and field. */
static int check_field(lua_State *L, lsctp_socket *s, char *base, const field *f,
                       int idx, const char *what)
{
    switch (f->type) {
    case F_BOOL:
        if (lua_type(L, idx) != LUA_TBOOLEAN)
            return lsctp_argerror(L, what, "boolean expected, got %s", luaL_typename(L, idx));
        put_raw(base, f, lua_toboolean(L, idx));
        break;
    case F_FLAGS:
        put_raw(base, f, lsctp_checkflags(L, idx, (const lsctp_flagname *)f->names, what));
        break;
    case F_ADDR: {
        lsctp_addrlist al;
        int rc = lsctp_addrlist_get(L, idx, 0, s->family, &al, what);
        if (rc)
            return rc;
        if (al.count != 1) {
            lsctp_addrlist_free(&al);
            return lsctp_argerror(L, what, "one address expected");
        }
        memcpy(base + f->offset, &al.addrs[0], sizeof al.addrs[0]);
        lsctp_addrlist_free(&al);
        if (f->nnames)
            fill_port(s, base, f);
        break;
    }
    case F_ENUM:
    case F_PADDRINFO:
        return lsctp_argerror(L, what, "read-only field");
    default:
        put_raw(base, f, lsctp_checkint(L, idx, what, f->min, f->max));
    }
    return 0;
}

static const char *const spinfo_states[] = {"inactive", "pf", "active", "unconfirmed"};

static const field paddrinfo_fields[] = {
    FLD(struct sctp_paddrinfo, spinfo_assoc_id, "assoc_id", F_INT, S32),
    FLD(struct sctp_paddrinfo, spinfo_address, "address", F_ADDR, 0, 0),
    ENUMF(struct sctp_paddrinfo, spinfo_state, "state", spinfo_states),
    FLD(struct sctp_paddrinfo, spinfo_cwnd, "cwnd", F_INT, U32),
    FLD(struct sctp_paddrinfo, spinfo_srtt, "srtt", F_INT, U32),
    FLD(struct sctp_paddrinfo, spinfo_rto, "rto", F_INT, U32),
    FLD(struct sctp_paddrinfo, spinfo_mtu, "mtu", F_INT, U32),
    END};

static void push_record(lua_State *L, const char *base, const field *fields)
{
    lua_newtable(L);
    for (; fields->name; fields++) {
        push_field(L, base, fields);
        lua_setfield(L, -2, fields->name);
    }
}

static void push_paddrinfo(lua_State *L, const char *base)
{
    push_record(L, base, paddrinfo_fields);
}

/* --- the option table ------------------------------------------------------ */

static const field int_value[] = {{"value", F_INT, 0, 0, sizeof(int), S32, NULL, 0}, END};
static const field uint_value[] = {{"value", F_INT, 0, 0, sizeof(int), 0, 2147483647LL, NULL, 0}, END};
static const field bool_value[] = {{"value", F_BOOL, 0, 0, sizeof(int), 0, 1, NULL, 0}, END};
static const field assoc_uint_value[] = {
    FLD(struct sctp_assoc_value, assoc_value, "value", F_INT, U32), END};
/* endpoint-wide booleans kept in a struct sctp_assoc_value (assoc_id 0) */
static const field assoc_bool_value[] = {
    FLD(struct sctp_assoc_value, assoc_value, "value", F_BOOL, 0, 1), END};
#ifdef SCTP_ENABLE_STREAM_RESET
static const lsctp_flagname stream_reset_flags[] = {
    {"reset_streams", SCTP_ENABLE_RESET_STREAM_REQ},
    {"reset_assoc", SCTP_ENABLE_RESET_ASSOC_REQ},
    {"change_assoc", SCTP_ENABLE_CHANGE_ASSOC_REQ},
    {NULL, 0}};
static const field stream_reset_value[] = {
    FLAGSF(struct sctp_assoc_value, assoc_value, "value", stream_reset_flags), END};
#endif

static const field rtoinfo_fields[] = {
    ASSOC(struct sctp_rtoinfo, srto_assoc_id),
    FLD(struct sctp_rtoinfo, srto_initial, "initial", F_INT, U32),
    FLD(struct sctp_rtoinfo, srto_max, "max", F_INT, U32),
    FLD(struct sctp_rtoinfo, srto_min, "min", F_INT, U32),
    END};

static const field associnfo_fields[] = {
    ASSOC(struct sctp_assocparams, sasoc_assoc_id),
    FLD(struct sctp_assocparams, sasoc_asocmaxrxt, "asocmaxrxt", F_INT, U16),
    FLD(struct sctp_assocparams, sasoc_number_peer_destinations, "number_peer_destinations", F_INT, U16),
    FLD(struct sctp_assocparams, sasoc_peer_rwnd, "peer_rwnd", F_INT, U32),
    FLD(struct sctp_assocparams, sasoc_local_rwnd, "local_rwnd", F_INT, U32),
    FLD(struct sctp_assocparams, sasoc_cookie_life, "cookie_life", F_INT, U32),
    END};

static const field initmsg_fields[] = {
    FLD(struct sctp_initmsg, sinit_num_ostreams, "num_ostreams", F_INT, U16),
    FLD(struct sctp_initmsg, sinit_max_instreams, "max_instreams", F_INT, U16),
    FLD(struct sctp_initmsg, sinit_max_attempts, "max_attempts", F_INT, U16),
    FLD(struct sctp_initmsg, sinit_max_init_timeo, "max_init_timeo", F_INT, U16),
    END};

static const field prim_fields[] = {
    ASSOC(struct sctp_prim, ssp_assoc_id),
    ADDRF(struct sctp_prim, ssp_addr, "addr", 0, PORT_FROM_PEER),
    END};

static const field setpeerprim_fields[] = {
    ASSOC(struct sctp_setpeerprim, sspp_assoc_id),
    ADDRF(struct sctp_setpeerprim, sspp_addr, "addr", 0, PORT_FROM_LOCAL),
    END};

static const field adaptation_fields[] = {
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

static const field paddrparams_fields[] = {
    ASSOC(struct sctp_paddrparams, spp_assoc_id),
    ADDRF(struct sctp_paddrparams, spp_address, "address", 1, PORT_FROM_PEER),
    FLD(struct sctp_paddrparams, spp_hbinterval, "hbinterval", F_INT, U32),
    FLD(struct sctp_paddrparams, spp_pathmaxrxt, "pathmaxrxt", F_INT, U16),
    FLD(struct sctp_paddrparams, spp_pathmtu, "pathmtu", F_INT, U32),
    FLD(struct sctp_paddrparams, spp_sackdelay, "sackdelay", F_INT, U32),
    FLAGSF(struct sctp_paddrparams, spp_flags, "flags", spp_flags),
    END};

static const field delayed_ack_fields[] = {
    ASSOC(struct sctp_sack_info, sack_assoc_id),
    FLD(struct sctp_sack_info, sack_delay, "assoc_value", F_INT, U32),
    END};

static const char *const sstat_states[] = {
    "sctp_state_empty", "sctp_state_closed", "sctp_state_cookie_wait",
    "sctp_state_cookie_echoed", "sctp_state_established",
    "sctp_state_shutdown_pending", "sctp_state_shutdown_sent",
    "sctp_state_shutdown_received", "sctp_state_shutdown_ack_sent"};

static const field status_fields[] = {
    ASSOC(struct sctp_status, sstat_assoc_id),
    ENUMF(struct sctp_status, sstat_state, "state", sstat_states),
    FLD(struct sctp_status, sstat_rwnd, "rwnd", F_INT, U32),
    FLD(struct sctp_status, sstat_unackdata, "unackdata", F_INT, U16),
    FLD(struct sctp_status, sstat_penddata, "penddata", F_INT, U16),
    FLD(struct sctp_status, sstat_instrms, "instrms", F_INT, U16),
    FLD(struct sctp_status, sstat_outstrms, "outstrms", F_INT, U16),
    FLD(struct sctp_status, sstat_fragmentation_point, "fragmentation_point", F_INT, U32),
    FLD(struct sctp_status, sstat_primary, "primary", F_PADDRINFO, 0, 0),
    END};

static const field peer_addr_info_fields[] = {
    ASSOC(struct sctp_paddrinfo, spinfo_assoc_id),
    ADDRF(struct sctp_paddrinfo, spinfo_address, "address", 1, PORT_FROM_PEER),
    ENUMF(struct sctp_paddrinfo, spinfo_state, "state", spinfo_states),
    FLD(struct sctp_paddrinfo, spinfo_cwnd, "cwnd", F_INT, U32),
    FLD(struct sctp_paddrinfo, spinfo_srtt, "srtt", F_INT, U32),
    FLD(struct sctp_paddrinfo, spinfo_rto, "rto", F_INT, U32),
    FLD(struct sctp_paddrinfo, spinfo_mtu, "mtu", F_INT, U32),
    END};

/* --- special options: shapes the generic rows cannot express ------------- */

static int sockopt_fail(lua_State *L, const option *o, int set)
{
    return lsctp_pusherrno(L, errno, lua_pushfstring(L, "%s %s", set ? "setopts" : "getopts", o->name));
}

/* linger = {on, seconds} */
static int get_linger(lua_State *L, lsctp_socket *s, const option *o)
{
    struct linger lg;
    socklen_t len = sizeof lg;
    memset(&lg, 0, sizeof lg);
    if (s->be->getsockopt(s->fd, o->level, o->optname, &lg, &len) < 0)
        return sockopt_fail(L, o, 0);
    lua_createtable(L, 2, 0);
    lua_pushboolean(L, lg.l_onoff);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, lg.l_linger);
    lua_rawseti(L, -2, 2);
    return 1;
}

static int set_linger(lua_State *L, lsctp_socket *s, const option *o, int idx)
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
        return sockopt_fail(L, o, 1);
    return 0;
}

/* sctp_autoclose: seconds, 0 shown as "infinity" as gen_sctp does */
static int get_autoclose(lua_State *L, lsctp_socket *s, const option *o)
{
    int v = 0;
    socklen_t len = sizeof v;
    if (s->be->getsockopt(s->fd, o->level, o->optname, &v, &len) < 0)
        return sockopt_fail(L, o, 0);
    if (v == 0)
        lua_pushliteral(L, "infinity");
    else
        lua_pushinteger(L, v);
    return 1;
}

static int set_autoclose(lua_State *L, lsctp_socket *s, const option *o, int idx)
{
    int v;
    if (lua_type(L, idx) == LUA_TSTRING && strcmp(lua_tostring(L, idx), "infinity") == 0)
        v = 0;
    else
        v = (int)lsctp_checkint(L, idx, SET_OPTION("sctp_autoclose") " (seconds or \"infinity\")", 0, 2147483647);
    if (s->be->setsockopt(s->fd, o->level, o->optname, &v, sizeof v) < 0)
        return sockopt_fail(L, o, 1);
    return 0;
}

/* tos: IP_TOS on inet sockets, IPV6_TCLASS on inet6 */
static int get_tos(lua_State *L, lsctp_socket *s, const option *o)
{
    int v = 0;
    socklen_t len = sizeof v;
    int rc = s->family == AF_INET6
        ? s->be->getsockopt(s->fd, IPPROTO_IPV6, IPV6_TCLASS, &v, &len)
        : s->be->getsockopt(s->fd, IPPROTO_IP, IP_TOS, &v, &len);
    if (rc < 0)
        return sockopt_fail(L, o, 0);
    lua_pushinteger(L, v);
    return 1;
}

static int set_tos(lua_State *L, lsctp_socket *s, const option *o, int idx)
{
    int v = (int)lsctp_checkint(L, idx, SET_OPTION("tos"), 0, 255);
    int rc = s->family == AF_INET6
        ? s->be->setsockopt(s->fd, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof v)
        : s->be->setsockopt(s->fd, IPPROTO_IP, IP_TOS, &v, sizeof v);
    if (rc < 0)
        return sockopt_fail(L, o, 1);
    return 0;
}

/* sctp_default_send_param: a sndrcvinfo, merged over the current one */
static int get_default_send(lua_State *L, lsctp_socket *s, const option *o)
{
    struct sctp_sndrcvinfo info;
    socklen_t len = sizeof info;
    memset(&info, 0, sizeof info);
    if (lua_istable(L, 3))
        lsctp_checksndrcvinfo(L, 3, &info, GET_OPTION("sctp_default_send_param"));
    if (s->be->getsockopt(s->fd, o->level, o->optname, &info, &len) < 0)
        return sockopt_fail(L, o, 0);
    lsctp_pushsndrcvinfo(L, &info);
    return 1;
}

static int set_default_send(lua_State *L, lsctp_socket *s, const option *o, int idx)
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
        return sockopt_fail(L, o, 0);
    lsctp_checksndrcvinfo(L, idx, &info, SET_OPTION("sctp_default_send_param"));
    memset(s->send_cache, 0, sizeof s->send_cache);   /* see lsctp_send_defaults */
    if (s->be->setsockopt(s->fd, o->level, o->optname, &info, sizeof info) < 0)
        return sockopt_fail(L, o, 1);
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

static int get_events(lua_State *L, lsctp_socket *s, const option *o)
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
                    return sockopt_fail(L, o, 0);
                have_legacy = 1;
            }
            on = e->legacy_offset < len && ((const uint8_t *)&legacy)[e->legacy_offset];
        }
        lua_pushboolean(L, on);
        lua_setfield(L, -2, e->name);
    }
    return 1;
}

static int set_events(lua_State *L, lsctp_socket *s, const option *o, int idx)
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
                return sockopt_fail(L, o, 1);
            ((uint8_t *)&legacy)[e->legacy_offset] = (uint8_t)on;
            if (s->be->setsockopt(s->fd, IPPROTO_SCTP, SCTP_EVENTS, &legacy, len) < 0)
                return sockopt_fail(L, o, 1);
        }
    }
    return 0;
}

#define SCALAR(n, lvl, opt, st, flds) {n, lvl, opt, K_SCALAR, 0, sizeof(st), flds, NULL, NULL}
#define RECORD(n, lvl, opt, acc, st, flds) {n, lvl, opt, K_RECORD, acc, sizeof(st), flds, NULL, NULL}
#define SPECIAL(n, lvl, opt, g, s) {n, lvl, opt, K_SPECIAL, 0, 0, NULL, g, s}

static const option options[] = {
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

static const option *find_option(lua_State *L, int idx, const char *fn)
{
    const char *name = lua_tostring(L, idx);
    const option *o;
    if (lua_type(L, idx) != LUA_TSTRING)
        lsctp_argerror(L, fn, "option name expected, got %s", luaL_typename(L, idx));
    for (o = options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    lsctp_argerror(L, fn, "unknown option '%s'", name);
    return NULL;
}

/* The largest option struct, so one stack buffer serves every row. */
typedef union {
    struct sctp_status status;
    struct sctp_paddrparams params;
    struct sctp_paddrinfo info;
    char bytes[512];
} option_buffer;

/* Fills the fields (only the keys: assoc_id, address) of a record from the
 * table at idx. Returns 0, or 3 with nil, err, detail pushed when an address
 * does not resolve (a runtime failure, not a programmer error). */
static int fill_keys(lua_State *L, lsctp_socket *s, const option *o, char *buf,
                     int idx, const char *fn, int keys_only)
{
    const field *f;
    char what[128];
    for (f = o->fields; f->name; f++) {
        if (keys_only && !f->key)
            continue;
        lua_getfield(L, idx, f->name);
        if (!lua_isnil(L, -1)) {
            int rc;
            snprintf(what, sizeof what, "%s: option '%s': field '%s'", fn, o->name, f->name);
            rc = check_field(L, s, buf, f, lua_gettop(L), what);
            if (rc)
                return rc;
        }
        lua_pop(L, 1);
    }
    return 0;
}

/* A record argument must be a table of known fields: a typo must not
 * silently read or change the endpoint instead of one association. */
static void check_record_arg(lua_State *L, const option *o, int idx, const char *fn)
{
    const field *f;
    if (lua_type(L, idx) != LUA_TTABLE)
        lsctp_argerror(L, fn, "option '%s': table expected, got %s", o->name, luaL_typename(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        for (f = o->fields; f->name && strcmp(f->name, k) != 0; f++)
            ;
        if (!f->name)
            lsctp_argerror(L, fn, "option '%s': unknown field '%s'", o->name, k);
        lua_pop(L, 1);
    }
}

/* getopt(name [, keys]) -> value | nil, err, detail */
static int l_getopt(lua_State *L)
{
    option_buffer buf;
    socklen_t len;
    const option *o;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    if (!s)
        return 3;
    o = find_option(L, 2, GET_WHAT);
    if (o->kind == K_SPECIAL)
        return o->get(L, s, o);
    if (o->access & WO)
        return lsctp_argerror(L, GET_WHAT, "option '%s' is write-only", o->name);
    memset(&buf, 0, sizeof buf);
    if (!lua_isnoneornil(L, 3)) {
        if (o->kind != K_RECORD)
            return lsctp_argerror(L, GET_WHAT, "option '%s' takes no argument", o->name);
        check_record_arg(L, o, 3, GET_WHAT);
        if (fill_keys(L, s, o, buf.bytes, 3, GET_WHAT, 1))
            return 3;
    }
    len = o->size;
    if (s->be->getsockopt(s->fd, o->level, o->optname, buf.bytes, &len) < 0)
        return sockopt_fail(L, o, 0);
    if (o->kind == K_SCALAR)
        push_field(L, buf.bytes, o->fields);
    else
        push_record(L, buf.bytes, o->fields);
    return 1;
}

/* setopt(name, value) -> true | nil, err, detail */
static int l_setopt(lua_State *L)
{
    option_buffer buf;
    socklen_t len;
    const option *o;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    if (!s)
        return 3;
    o = find_option(L, 2, SET_WHAT);
    if (lua_isnone(L, 3))
        return lsctp_argerror(L, SET_WHAT, "option '%s': value expected", o->name);
    if (o->access & RO)
        return lsctp_argerror(L, SET_WHAT, "option '%s' is read-only", o->name);
    if (o->kind == K_SPECIAL) {
        int rc = o->set(L, s, o, 3);
        if (rc)
            return rc;
    } else {
        memset(&buf, 0, sizeof buf);
        if (o->kind == K_SCALAR) {
            if (check_field(L, s, buf.bytes, o->fields, 3,
                            lua_pushfstring(L, SET_WHAT ": option '%s'", o->name)))
                return 3;
        } else {
            option_buffer scratch;
            check_record_arg(L, o, 3, SET_WHAT);
            /* every field checked (and addresses resolved) before any change */
            memset(&scratch, 0, sizeof scratch);
            if (fill_keys(L, s, o, scratch.bytes, 3, SET_WHAT, 0))
                return 3;
            /* merge: read the current values (for the given keys) first */
            if (!(o->access & WO)) {
                if (fill_keys(L, s, o, buf.bytes, 3, SET_WHAT, 1))
                    return 3;
                len = o->size;
                if (s->be->getsockopt(s->fd, o->level, o->optname, buf.bytes, &len) < 0)
                    return sockopt_fail(L, o, 0);
            }
            if (fill_keys(L, s, o, buf.bytes, 3, SET_WHAT, 0))
                return 3;
        }
        if (s->be->setsockopt(s->fd, o->level, o->optname, buf.bytes, o->size) < 0)
            return sockopt_fail(L, o, 1);
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* core option names, for the Lua layer's checks and docs */
static int l_optnames(lua_State *L)
{
    const option *o;
    int i = 0;
    lua_newtable(L);
    for (o = options; o->name; o++) {
        lua_pushstring(L, o->name);
        lua_rawseti(L, -2, ++i);
    }
    return 1;
}

static const luaL_Reg option_methods[] = {
    {"getopt", l_getopt},
    {"setopt", l_setopt},
    {NULL, NULL}};

void lsctp_options_open(lua_State *L)
{
    luaL_setfuncs(L, option_methods, 0);
}

/* core.optnames() on the module table */
void lsctp_options_module(lua_State *L)
{
    lua_pushcfunction(L, l_optnames);
    lua_setfield(L, -2, "optnames");
}
