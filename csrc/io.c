/* send: sendmsg with one SCTP_SNDRCV cmsg per message (as lksctp's
 * sctp_send does), sendmmsg for send_many, the SCTP_EOF/SCTP_ABORT
 * messages of eof and abort. The receive side is recv.c, the sndrcvinfo
 * codec sndrcvinfo.c. See sctp_sendmsg(3) and RFC 6458 section 5.3. */
#include "lsctp.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#define IOV_STACK 16

/* Room for the SCTP_SNDRCV cmsg and, for sendx, one SCTP_DSTADDRV4/V6 per
 * extra peer address. */
static size_t control_size(const lsctp_addrlist *dest)
{
    size_t n = CMSG_SPACE(sizeof(struct sctp_sndrcvinfo));
    int i;
    /* exactly what fill_control writes: spare zero bytes at the end would
     * read as a cmsg of length 0, and the kernel fails the send (EINVAL) */
    for (i = 1; dest && i < dest->count; i++)
        n += dest->addrs[i].ss_family == AF_INET6 ? CMSG_SPACE(sizeof(struct in6_addr))
                                                  : CMSG_SPACE(sizeof(struct in_addr));
    return n;
}

/* Fills the control buffer: the sndrcvinfo, then the extra addresses that
 * Linux adds to an association it sets up implicitly (RFC 6458 5.3.9/10). */
static void fill_control(struct msghdr *msg, const struct sctp_sndrcvinfo *info,
                         const lsctp_addrlist *dest)
{
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(msg);
    int i;
    cmsg->cmsg_level = IPPROTO_SCTP;
    cmsg->cmsg_type = SCTP_SNDRCV;
    cmsg->cmsg_len = CMSG_LEN(sizeof *info);
    memcpy(CMSG_DATA(cmsg), info, sizeof *info);
    for (i = 1; dest && i < dest->count; i++) {
        const struct sockaddr_storage *ss = &dest->addrs[i];
        cmsg = CMSG_NXTHDR(msg, cmsg);
        cmsg->cmsg_level = IPPROTO_SCTP;
        if (ss->ss_family == AF_INET6) {
            cmsg->cmsg_type = SCTP_DSTADDRV6;
            cmsg->cmsg_len = CMSG_LEN(sizeof(struct in6_addr));
            memcpy(CMSG_DATA(cmsg), &((const struct sockaddr_in6 *)ss)->sin6_addr,
                   sizeof(struct in6_addr));
        } else {
            cmsg->cmsg_type = SCTP_DSTADDRV4;
            cmsg->cmsg_len = CMSG_LEN(sizeof(struct in_addr));
            memcpy(CMSG_DATA(cmsg), &((const struct sockaddr_in *)ss)->sin_addr,
                   sizeof(struct in_addr));
        }
    }
}

/* Checks the data argument (a string or an array of strings) and returns
 * the number of pieces; raises on anything else. */
#define DATA_WHAT(L, fn) lua_pushfstring((L), "%s: data", (fn))   /* only when raising */
static int check_data(lua_State *L, int idx, const char *what)
{
    int i, n;
    if (lua_type(L, idx) == LUA_TSTRING)
        return 1;
    if (lua_type(L, idx) != LUA_TTABLE)
        return lsctp_argerror(L, DATA_WHAT(L, what), "string or array of strings expected, got %s",
                              luaL_typename(L, idx));
    n = (int)lua_rawlen(L, idx);
    if (n > IOV_MAX)
        return lsctp_argerror(L, DATA_WHAT(L, what), "at most %d strings, got %d", IOV_MAX, n);
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        if (lua_type(L, -1) != LUA_TSTRING)
            return lsctp_argerror(L, DATA_WHAT(L, what), "string expected at [%d], got %s", i,
                                  luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    return n;
}

/* The n pieces of the checked data at data_idx as an iovec: stack_iov (of
 * IOV_STACK) or, for more pieces, a malloc'd one; NULL when out of memory.
 * The strings stay alive while the table (or the stack slot) holds them. */
static struct iovec *data_iov(lua_State *L, int data_idx, int n, struct iovec *stack_iov)
{
    struct iovec *iov = stack_iov;
    size_t len;
    int i;
    if (lua_type(L, data_idx) == LUA_TSTRING) {
        iov[0].iov_base = (void *)lua_tolstring(L, data_idx, &len);
        iov[0].iov_len = len;
        return iov;
    }
    if (n > IOV_STACK && !(iov = malloc(sizeof *iov * (size_t)n)))
        return NULL;
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, data_idx, i + 1);
        iov[i].iov_base = (void *)lua_tolstring(L, -1, &len);
        iov[i].iov_len = len;
        lua_pop(L, 1);
    }
    return iov;
}

/* Sends the string or array of strings at data_idx as one message, to the
 * association in info or (dest != NULL) to the peer addresses in dest.
 * Pushes true, or nil, err, detail (returns their count); raises for bad data. */
static int send_message(lua_State *L, lsctp_socket *s, int data_idx,
                        const struct sctp_sndrcvinfo *info,
                        const lsctp_addrlist *dest, const char *what)
{
    struct iovec stack_iov[IOV_STACK], *iov = stack_iov;
    union {
        char buf[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo)) + 4 * CMSG_SPACE(sizeof(struct in6_addr))];
        struct cmsghdr align;
    } control;
    char *heap_control = NULL;
    size_t ctl_size = control_size(dest);
    struct msghdr msg;
    int n, err;
    ssize_t rc;

    n = check_data(L, data_idx, what);
    if (!(iov = data_iov(L, data_idx, n, stack_iov)))
        return lsctp_pushfail(L, "enomem", "out of memory");

    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = (size_t)n;
    if (ctl_size <= sizeof control.buf) {
        memset(control.buf, 0, ctl_size);
        msg.msg_control = control.buf;
    } else if ((heap_control = calloc(1, ctl_size)) != NULL) {
        msg.msg_control = heap_control;
    } else {
        if (iov != stack_iov)
            free(iov);
        return lsctp_pushfail(L, "enomem", "out of memory");
    }
    msg.msg_controllen = ctl_size;
    if (dest) {
        msg.msg_name = (void *)&dest->addrs[0];
        msg.msg_namelen = lsctp_sockaddr_len(dest->addrs[0].ss_family);
    }
    fill_control(&msg, info, dest);

    do
        rc = s->be->sendmsg(s->fd, &msg, MSG_DONTWAIT);
    while (rc < 0 && errno == EINTR);
    err = errno;
    if (iov != stack_iov)
        free(iov);
    free(heap_control);
    if (rc < 0)
        return lsctp_pusherrno(L, err, what);
    lua_pushboolean(L, 1);
    return 1;
}

/* send(sndrcvinfo, data) -> true | nil, "eagain" | nil, err, detail */
static int l_send(lua_State *L)
{
    struct sctp_sndrcvinfo info;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    if (!s)
        return 3;
    memset(&info, 0, sizeof info);
    lsctp_checksndrcvinfo(L, 2, &info, "send: sndrcvinfo");
    return send_message(L, s, 3, &info, NULL, "send");
}

/* The default send parameters of an association, from the cache or the
 * kernel (see lsctp_send_defaults). */
static void assoc_defaults(lsctp_socket *s, sctp_assoc_t id, struct sctp_sndrcvinfo *info)
{
    lsctp_send_defaults *cached = &s->send_cache[(unsigned)id % LSCTP_SEND_CACHE];
    socklen_t len = sizeof *info;
    if (cached->valid && cached->id == id) {
        *info = cached->info;
        return;
    }
    memset(info, 0, sizeof *info);
    info->sinfo_assoc_id = id;
    if (s->be->getsockopt(s->fd, IPPROTO_SCTP, SCTP_DEFAULT_SEND_PARAM, info, &len) == 0) {
        cached->valid = 1;
        cached->id = id;
        cached->info = *info;
    } else {
        memset(info, 0, sizeof *info);   /* no defaults for this id: plain send */
    }
    info->sinfo_assoc_id = id;
}

/* send_assoc(assoc, stream, data): the association's default send
 * parameters (sctp_default_send_param) with the stream replaced, as
 * gen_sctp:send/4 does. */
static int l_send_assoc(lua_State *L)
{
    struct sctp_sndrcvinfo info;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    sctp_assoc_t id;
    int stream;
    if (!s)
        return 3;
    id = lsctp_checkassoc(L, 2, "send: assoc");
    stream = (int)lsctp_checkint(L, 3, "send: stream", 0, 65535);
    assoc_defaults(s, id, &info);
    info.sinfo_assoc_id = id;
    info.sinfo_stream = (uint16_t)stream;
    return send_message(L, s, 4, &info, NULL, "send");
}

/* sendx(addrs, port, sndrcvinfo, data) -> assoc_id | nil, err, detail:
 * sends to the peer with these addresses, setting up the association
 * implicitly when there is none (sctp_sendx; SCTP_DSTADDRV4/V6 cmsgs carry
 * the addresses after the first). The id is looked up from the first address. */
static int l_sendx(lua_State *L)
{
    struct sctp_sndrcvinfo info;
    struct sctp_paddrinfo pinfo;
    socklen_t len = sizeof pinfo;
    lsctp_addrlist dest;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    int port, rc;
    if (!s)
        return 3;
    port = (int)lsctp_checkint(L, 3, "sendx: port", 1, 65535);
    memset(&info, 0, sizeof info);
    lsctp_checksndrcvinfo(L, 4, &info, "sendx: sndrcvinfo");
    check_data(L, 5, "sendx");   /* raise before anything is allocated */
    if ((rc = lsctp_addrlist_get(L, 2, port, s->family, &dest, "sendx: addrs")))
        return rc;
    rc = send_message(L, s, 5, &info, &dest, "sendx");
    if (rc != 1) {
        lsctp_addrlist_free(&dest);
        return rc;
    }
    lua_pop(L, 1);
    memset(&pinfo, 0, sizeof pinfo);
    pinfo.spinfo_assoc_id = info.sinfo_assoc_id;
    memcpy(&pinfo.spinfo_address, &dest.addrs[0], sizeof dest.addrs[0]);
    lsctp_addrlist_free(&dest);
    if (s->be->getsockopt(s->fd, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pinfo, &len) < 0)
        /* accepted, but the association is already gone: it was refused;
         * its cant_assoc and send_failed events follow from recv */
        return lsctp_pushfail(L, "econnrefused",
                              "sendx: the association could not be set up (see its events)");
    lua_pushinteger(L, pinfo.spinfo_assoc_id);
    return 1;
}

/* send_many(list, first) -> next index | nil, err, detail, next index.
 * Each entry of list is {sndrcvinfo, data} or {assoc, stream, data} (data a
 * string), as the two forms of send; entries from `first` on go out in
 * batches of up to SEND_BATCH messages per sendmmsg call. On "eagain" the
 * caller waits and calls again from the returned index. */
#define SEND_BATCH 64

/* Entry i of the send_many list (at 2) into one sendmmsg message: msg
 * with iov and the SCTP_SNDRCV cmsg in control (CMSG_SPACE of a sndrcvinfo,
 * aligned). Raises for a bad entry. */
static void many_entry(lua_State *L, lsctp_socket *s, int i, struct mmsghdr *m,
                       struct iovec *iov, char *control)
{
    struct sctp_sndrcvinfo info;
    struct cmsghdr *cmsg;
    size_t len;
    int data_idx;
    lua_rawgeti(L, 2, i);
    if (lua_type(L, -1) != LUA_TTABLE)
        lsctp_argerror(L, "send_many: list", "entry %d: table expected, got %s", i, luaL_typename(L, -1));
    lua_rawgeti(L, -1, 3);
    if (lua_isnil(L, -1)) {            /* {sndrcvinfo, data} */
        lua_pop(L, 1);
        memset(&info, 0, sizeof info);
        lua_rawgeti(L, -1, 1);
        lsctp_checksndrcvinfo(L, -1, &info, "send_many: list: sndrcvinfo");
        lua_pop(L, 1);
        lua_rawgeti(L, -1, 2);
    } else {                           /* {assoc, stream, data} */
        lua_rawgeti(L, -2, 1);
        assoc_defaults(s, lsctp_checkassoc(L, -1, "send_many: list: assoc"), &info);
        lua_pop(L, 1);
        lua_rawgeti(L, -2, 2);
        info.sinfo_stream = (uint16_t)lsctp_checkint(L, -1, "send_many: list: stream", 0, 65535);
        lua_pop(L, 1);
    }
    data_idx = lua_gettop(L);
    if (lua_type(L, data_idx) != LUA_TSTRING)
        lsctp_argerror(L, "send_many: list", "entry %d: data: string expected, got %s", i,
                       luaL_typename(L, data_idx));
    /* the strings stay referenced by the list while we send */
    iov->iov_base = (void *)lua_tolstring(L, data_idx, &len);
    iov->iov_len = len;
    lua_pop(L, 2);
    memset(m, 0, sizeof *m);
    m->msg_hdr.msg_iov = iov;
    m->msg_hdr.msg_iovlen = 1;
    m->msg_hdr.msg_control = control;
    m->msg_hdr.msg_controllen = CMSG_SPACE(sizeof info);
    cmsg = CMSG_FIRSTHDR(&m->msg_hdr);
    cmsg->cmsg_level = IPPROTO_SCTP;
    cmsg->cmsg_type = SCTP_SNDRCV;
    cmsg->cmsg_len = CMSG_LEN(sizeof info);
    memcpy(CMSG_DATA(cmsg), &info, sizeof info);
}

static int l_send_many(lua_State *L)
{
    struct mmsghdr msgs[SEND_BATCH];
    struct iovec iovs[SEND_BATCH];
    union {
        char buf[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo))];
        size_t align;   /* cmsghdr's alignment (its flexible member rules it out here) */
    } controls[SEND_BATCH];
    lsctp_socket *s = lsctp_opensocket(L, 1);
    int total, next;
    if (!s)
        return 3;
    if (!lua_istable(L, 2))
        return lsctp_argerror(L, "send_many: list", "array of messages expected, got %s", luaL_typename(L, 2));
    total = (int)lua_rawlen(L, 2);
    next = (int)lsctp_optint(L, 3, "send_many: first", 1, (lua_Integer)total + 1, 1);
    while (next <= total) {
        int count = 0, sent;
        for (; count < SEND_BATCH && next + count <= total; count++)
            many_entry(L, s, next + count, &msgs[count], &iovs[count], controls[count].buf);
        do
            sent = s->be->sendmmsg(s->fd, msgs, (unsigned)count, MSG_DONTWAIT);
        while (sent < 0 && errno == EINTR);
        if (sent < 0) {
            int err = errno;
            lsctp_pusherrno(L, err, "send_many");
            lua_pushinteger(L, next);
            return 4;
        }
        next += sent;
        if (sent < count) {
            /* the kernel stopped early (a full buffer, or an error that the
             * next call reports): let the caller wait and go on from here */
            lsctp_pushfail(L, "eagain", "send_many: the send buffer is full");
            lua_pushinteger(L, next);
            return 4;
        }
    }
    lua_pushinteger(L, next);
    return 1;
}

/* Sends an empty message carrying one flag to an association: eof/abort. */
static int send_flag(lua_State *L, unsigned flag, const char *fn, const char *what)
{
    struct sctp_sndrcvinfo info;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    if (!s)
        return 3;
    memset(&info, 0, sizeof info);
    info.sinfo_assoc_id = lsctp_checkassoc(L, 2, what);
    info.sinfo_flags = (uint16_t)flag;
    /* the reason is optional: make slot 3 exist before filling it in
     * (lua_replace onto an absent index would pop it instead) */
    lua_settop(L, 3);
    if (lua_isnil(L, 3)) {
        lua_pushliteral(L, "");
        lua_replace(L, 3);
    } else if (lua_type(L, 3) != LUA_TSTRING) {
        return lsctp_argerror(L, "abort: reason", "string expected, got %s", luaL_typename(L, 3));
    }
    return send_message(L, s, 3, &info, NULL, fn);
}

static int l_eof(lua_State *L) { return send_flag(L, SCTP_EOF, "eof", "eof: assoc"); }
static int l_abort(lua_State *L) { return send_flag(L, SCTP_ABORT, "abort", "abort: assoc"); }

#if LUA_VERSION_NUM >= 503
static int fast_send_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)L, (void)status, (void)ctx;
    return 3;
}

/* The method send itself on Lua 5.3+ (in place of io.lua's methods.send,
 * which it follows exactly): the form told by the stream, the first try
 * here; only "eagain" calls upvalue 3 (io.lua's send_full(sock, a, b, c,
 * err, detail)), with a continuation so that a waiter may yield. Always
 * 3 values, as the Lua function answered. */
static int l_fast_send(lua_State *L)
{
    int n;
    lua_settop(L, 4);
    if (!lua_isnil(L, 4) || lua_type(L, 3) == LUA_TNUMBER)
        n = l_send_assoc(L);
    else
        n = l_send(L);
    lua_settop(L, 4 + 3);
    if (n == 1 || lua_type(L, 6) != LUA_TSTRING || strcmp(lua_tostring(L, 6), "eagain") != 0)
        return 3;
    lua_remove(L, 5);   /* the nil: sock, a, b, c, err, detail */
    lua_pushvalue(L, lua_upvalueindex(3));
    lua_insert(L, 1);
    lua_callk(L, 6, 3, 0, fast_send_k);
    return 3;
}

/* core.fastpath(slice_ms, recv_wait, recv_slow, send_full) -> recv, send:
 * the methods in C, each with the socket metatable as upvalue 1 (see
 * lsctp_checksocket) and this state's flags as upvalue 2. */
static int l_fastpath(lua_State *L)
{
    lsctp_fastflags *f = (lsctp_fastflags *)lua_touserdata(L, lua_upvalueindex(1));
    f->slice_ms = (int)luaL_checkinteger(L, 1);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    luaL_checktype(L, 4, LUA_TFUNCTION);
    luaL_getmetatable(L, LSCTP_SOCKET_MT);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_pushcclosure(L, lsctp_fast_recv, 4);
    luaL_getmetatable(L, LSCTP_SOCKET_MT);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 4);
    lua_pushcclosure(L, l_fast_send, 3);
    return 2;
}

/* core.setplain(bool): sctp.wait tells plain.blocking whenever it changes. */
static int l_setplain(lua_State *L)
{
    lsctp_fastflags *f = (lsctp_fastflags *)lua_touserdata(L, lua_upvalueindex(1));
    f->plain_blocking = lua_toboolean(L, 1);
    return 0;
}
#endif

void lsctp_fast_module(lua_State *L)
{
#if LUA_VERSION_NUM >= 503
    lsctp_fastflags *f = (lsctp_fastflags *)lua_newuserdata(L, sizeof *f);
    f->plain_blocking = 1;   /* as plain.blocking starts */
    f->slice_ms = 0;
    lua_pushvalue(L, -1);
    lua_pushcclosure(L, l_fastpath, 1);
    lua_setfield(L, -3, "fastpath");
    lua_pushcclosure(L, l_setplain, 1);
    lua_setfield(L, -2, "setplain");
#else
    (void)L;
#endif
}

static const luaL_Reg io_methods[] = {
    {"send", l_send},
    {"send_assoc", l_send_assoc},
    {"sendx", l_sendx},
    {"send_many", l_send_many},
    {"eof", l_eof},
    {"abort", l_abort},
    {NULL, NULL}};

void lsctp_io_open(lua_State *L)
{
    lsctp_setmethods(L, io_methods);
    lsctp_recv_open(L);
}
