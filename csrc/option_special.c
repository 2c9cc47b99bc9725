/* The options whose shapes the field rows cannot express (option_table.c
 * lists them with the rest): linger, sctp_autoclose, tos,
 * sctp_default_send_param, sctp_events, sctp_get_assoc_id_list. */
#include "options.h"

#include <errno.h>
#include <netinet/ip.h>
#include <string.h>

/* linger = {on, seconds} */
int lsctp_opt_get_linger(lua_State *L, lsctp_socket *s, const lsctp_option *o)
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

int lsctp_opt_set_linger(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
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
int lsctp_opt_get_autoclose(lua_State *L, lsctp_socket *s, const lsctp_option *o)
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

int lsctp_opt_set_autoclose(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
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

int lsctp_opt_get_tos(lua_State *L, lsctp_socket *s, const lsctp_option *o)
{
    int v;
    if (get_int(s, TOS_LEVEL(s), TOS_NAME(s), &v) < 0)
        return lsctp_sockopt_fail(L, o, 0);
    lua_pushinteger(L, v);
    return 1;
}

int lsctp_opt_set_tos(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
{
    int v = (int)lsctp_checkint(L, idx, SET_OPTION("tos"), 0, 255);
    if (set_int(s, TOS_LEVEL(s), TOS_NAME(s), v) < 0)
        return lsctp_sockopt_fail(L, o, 1);
    return 0;
}

/* sctp_default_send_param: a sndrcvinfo, merged over the current one */
int lsctp_opt_get_default_send(lua_State *L, lsctp_socket *s, const lsctp_option *o)
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

int lsctp_opt_set_default_send(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
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
#ifdef SCTP_SEND_FAILED_EVENT
    /* RFC 6458's form of send_failed (event "send_failed_event") */
    {"send_failed_event", SCTP_SEND_FAILED_EVENT, offsetof(struct sctp_event_subscribe, sctp_send_failure_event_event)},
#endif
    {NULL, 0, 0}};

#ifdef SCTP_ALL_ASSOC
#define EVENT_ASSOC SCTP_ALL_ASSOC   /* the endpoint and its current associations */
#else
#define EVENT_ASSOC 0
#endif

/* getopts{sctp_events = {assoc_id = id}}: one association's subscriptions */
int lsctp_opt_get_events(lua_State *L, lsctp_socket *s, const lsctp_option *o)
{
    struct sctp_event_subscribe legacy;
    socklen_t len = sizeof legacy;
    const event_option *e;
    int have_legacy = 0;
    sctp_assoc_t assoc;
    int one_assoc = lsctp_opt_assoc_arg(L, GET_OPTION("sctp_events"), &assoc);
    lua_newtable(L);
    for (e = event_options; e->name; e++) {
        int on = 0;
#ifdef SCTP_EVENT
        struct sctp_event ev;
        socklen_t evlen = sizeof ev;
        memset(&ev, 0, sizeof ev);
        ev.se_assoc_id = assoc;
        ev.se_type = e->type;
        if (s->be->getsockopt(s->fd, IPPROTO_SCTP, SCTP_EVENT, &ev, &evlen) == 0) {
            on = ev.se_on;
        } else
#endif
        {
            if (one_assoc)   /* SCTP_EVENTS has no association: don't answer for the endpoint */
                return lsctp_sockopt_fail(L, o, 0);
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
    if (one_assoc) {
        lua_pushinteger(L, assoc);
        lua_setfield(L, -2, "assoc_id");
    }
    return 1;
}

/* setopts{sctp_events = {...}}: the endpoint and its associations, or with
 * assoc_id only that association */
int lsctp_opt_set_events(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
{
    const event_option *e;
    sctp_assoc_t assoc = 0;
    int one_assoc;
    if (lua_type(L, idx) != LUA_TTABLE)
        return lsctp_argerror(L, SET_OPTION("sctp_events"), "table of event = boolean expected, got %s",
                              luaL_typename(L, idx));
    /* reject unknown names before changing anything */
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        if (strcmp(k, "assoc_id") == 0) {
            lua_pop(L, 1);
            continue;
        }
        for (e = event_options; e->name && strcmp(e->name, k) != 0; e++)
            ;
        if (!e->name)
            return lsctp_argerror(L, SET_OPTION("sctp_events"), "unknown event '%s'", k);
        if (lua_type(L, -1) != LUA_TBOOLEAN)
            return lsctp_argerror(L, SET_OPTION("sctp_events"), "field '%s': boolean expected, got %s",
                                  k, luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    one_assoc = lsctp_opt_assoc_field(L, idx, SET_OPTION("sctp_events"), &assoc);
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
            ev.se_assoc_id = one_assoc ? assoc : s->type == SOCK_STREAM ? 0 : EVENT_ASSOC;
            ev.se_type = e->type;
            ev.se_on = (uint8_t)on;
            rc = s->be->setsockopt(s->fd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev);
        }
#endif
        if (rc < 0 && one_assoc)   /* SCTP_EVENTS would change the whole endpoint */
            return lsctp_sockopt_fail(L, o, 1);
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


/* sctp_get_assoc_id_list: the ids of the socket's associations, an array.
 * The kernel wants room for all of them (einval otherwise), and their
 * number can grow between two calls: ask again with more room. */
int lsctp_opt_get_assoc_ids(lua_State *L, lsctp_socket *s, const lsctp_option *o)
{
    size_t room = 64;
    for (;;) {
        socklen_t len = (socklen_t)(sizeof(struct sctp_assoc_ids) + room * sizeof(sctp_assoc_t));
        struct sctp_assoc_ids *ids = lua_newuserdata(L, len);
        uint32_t i;
        memset(ids, 0, len);
        if (s->be->getsockopt(s->fd, o->level, o->optname, ids, &len) == 0) {
            if (len < sizeof *ids || ids->gaids_number_of_ids > (len - sizeof *ids) / sizeof(sctp_assoc_t)) {
                errno = EPROTO;   /* a count the answer does not hold */
                return lsctp_sockopt_fail(L, o, 0);
            }
            lua_createtable(L, (int)ids->gaids_number_of_ids, 0);
            for (i = 0; i < ids->gaids_number_of_ids; i++) {
                lua_pushinteger(L, ids->gaids_assoc_id[i]);
                lua_rawseti(L, -2, (int)i + 1);
            }
            return 1;
        }
        if (errno != EINVAL || room >= (1u << 20))
            return lsctp_sockopt_fail(L, o, 0);
        lua_pop(L, 1);
        room *= 4;
    }
}
