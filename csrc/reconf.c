/* RFC 6525 stream reconfiguration, the operations: reset_streams,
 * reset_assoc, add_streams. Each is one setsockopt; the outcome arrives
 * later as an event (stream_reset_event, assoc_reset_event,
 * stream_change_event), as the kernel tells it. Both endpoints must have
 * sctp_reconfig_supported on, and the requester the request kind enabled in
 * sctp_enable_stream_reset: else the kernel answers enoprotoopt. */
#include "lsctp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef SCTP_RESET_STREAMS

#define MAX_STREAMS 65535

/* reset_streams(assoc, streams, "in"|"out"|"both") -> true | nil, err,
 * detail. An empty list resets every stream. */
static int l_reset_streams(lua_State *L)
{
    static const char *const directions[] = {"in", "out", "both", NULL};
    static const uint16_t direction_flags[] = {
        SCTP_STREAM_RESET_INCOMING, SCTP_STREAM_RESET_OUTGOING,
        SCTP_STREAM_RESET_INCOMING | SCTP_STREAM_RESET_OUTGOING};
    struct sctp_reset_streams *req;
    size_t size;
    int i, n, rc, err;
    sctp_assoc_t id;
    uint16_t flags;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    if (!s)
        return 3;
    id = lsctp_checkassoc(L, 2, "reset_streams: assoc");
    if (!lua_istable(L, 3))
        return lsctp_argerror(L, "reset_streams: streams", "array of stream numbers expected, got %s",
                              luaL_typename(L, 3));
    flags = direction_flags[lsctp_checkname(L, 4, "reset_streams: direction", directions, NULL)];
    n = (int)lua_rawlen(L, 3);
    if (n > MAX_STREAMS)
        return lsctp_argerror(L, "reset_streams: streams", "at most %d streams, got %d", MAX_STREAMS, n);
    /* every element checked before anything is allocated */
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, 3, i);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0 || lua_tointeger(L, -1) > 65535)
            return lsctp_argerror(L, "reset_streams: streams", "stream number 0..65535 expected at [%d], got %s",
                                  i, lua_isinteger(L, -1) ? lua_tostring(L, -1) : luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    size = sizeof *req + (size_t)n * sizeof req->srs_stream_list[0];
    if (!(req = calloc(1, size)))
        return lsctp_pushfail(L, "enomem", "reset_streams: out of memory");
    req->srs_assoc_id = id;
    req->srs_flags = flags;
    req->srs_number_streams = (uint16_t)n;
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, 3, i);
        req->srs_stream_list[i - 1] = (uint16_t)lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    rc = s->be->setsockopt(s->fd, IPPROTO_SCTP, SCTP_RESET_STREAMS, req, (socklen_t)size);
    err = errno;
    free(req);
    if (rc < 0)
        return lsctp_pusherrno(L, err, "reset_streams");
    lua_pushboolean(L, 1);
    return 1;
}

/* reset_assoc(assoc) -> true | nil, err, detail: both TSNs start again. */
static int l_reset_assoc(lua_State *L)
{
    sctp_assoc_t id;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    if (!s)
        return 3;
    id = lsctp_checkassoc(L, 2, "reset_assoc: assoc");
    if (s->be->setsockopt(s->fd, IPPROTO_SCTP, SCTP_RESET_ASSOC, &id, sizeof id) < 0)
        return lsctp_pusherrno(L, errno, "reset_assoc");
    lua_pushboolean(L, 1);
    return 1;
}

/* add_streams(assoc, n_in, n_out) -> true | nil, err, detail: asks for
 * n_in more inbound and n_out more outbound streams. */
static int l_add_streams(lua_State *L)
{
    struct sctp_add_streams req;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    if (!s)
        return 3;
    memset(&req, 0, sizeof req);
    req.sas_assoc_id = lsctp_checkassoc(L, 2, "add_streams: assoc");
    req.sas_instrms = (uint16_t)lsctp_checkint(L, 3, "add_streams: n_in", 0, 65535);
    req.sas_outstrms = (uint16_t)lsctp_checkint(L, 4, "add_streams: n_out", 0, 65535);
    if (s->be->setsockopt(s->fd, IPPROTO_SCTP, SCTP_ADD_STREAMS, &req, sizeof req) < 0)
        return lsctp_pusherrno(L, errno, "add_streams");
    lua_pushboolean(L, 1);
    return 1;
}

static const luaL_Reg reconf_methods[] = {
    {"reset_streams", l_reset_streams},
    {"reset_assoc", l_reset_assoc},
    {"add_streams", l_add_streams},
    {NULL, NULL}};

void lsctp_reconf_open(lua_State *L)
{
    lsctp_setmethods(L, reconf_methods);
}

#else /* headers without RFC 6525: no such methods */

void lsctp_reconf_open(lua_State *L)
{
    (void)L;
}

#endif
