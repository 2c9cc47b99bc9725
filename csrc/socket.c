/* Socket lifecycle: open, close (also __gc/__close), bind, listen, connect,
 * accept, peeloff, local/peer names, and the module entry point.
 *
 * Every method is non-blocking and returns to Lua with nil, "eagain" when
 * the kernel would block; the Lua layer (lua/sctp/wait.lua) owns waiting,
 * with the helpers of csrc/wait.c. */
#include "lsctp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define METHOD_CHECK_OPEN(L, s)                                                \
    lsctp_socket *s = lsctp_opensocket(L, 1);                                  \
    if (!s)                                                                    \
        return 3

lsctp_socket *lsctp_checksocket(lua_State *L, int idx)
{
    lsctp_socket *s = (lsctp_socket *)lua_touserdata(L, idx);
    if (s && lua_getmetatable(L, idx)) {
        /* a function without upvalue 1 compares nothing (an invalid index
         * is never equal) and falls back on the registry's lookup */
        int ours = lua_topointer(L, -1) == lua_topointer(L, lua_upvalueindex(1));
        lua_pop(L, 1);
        if (ours)
            return s;
    }
    s = (lsctp_socket *)luaL_testudata(L, idx, LSCTP_SOCKET_MT);
    if (!s)
        lsctp_selferror(L, idx);
    return s;
}

void lsctp_setmethods(lua_State *L, const luaL_Reg *l)
{
    luaL_getmetatable(L, LSCTP_SOCKET_MT);
    for (; l->name; l++) {
        lua_pushvalue(L, -1);
        lua_pushcclosure(L, l->func, 1);
        lua_setfield(L, -3, l->name);
    }
    lua_pop(L, 1);
}

lsctp_socket *lsctp_opensocket(lua_State *L, int idx)
{
    lsctp_socket *s = lsctp_checksocket(L, idx);
    if (s->fd < 0 || s->closing) {
        LSCTP_CLOSED(L);
        return NULL;
    }
    return s;
}

lsctp_socket *lsctp_newsocket(lua_State *L, int fd, int family, int type)
{
    lsctp_socket *s = (lsctp_socket *)lsctp_newudata(L, sizeof *s);
#if LUA_VERSION_NUM < 502
    /* no state yet (lua_newuserdata gave it the running function's env) */
    lua_pushvalue(L, LUA_REGISTRYINDEX);
    lua_setfenv(L, -2);
#endif
    memset(s, 0, sizeof *s);
    s->fd = fd;
    s->family = family;
    s->type = type;
    s->be = &lsctp_kernel_backend;
    s->rx.chunk = LSCTP_DEFAULT_BUFFER;
    luaL_getmetatable(L, LSCTP_SOCKET_MT);
    lua_setmetatable(L, -2);
    return s;
}

static const char *const family_names[] = {"inet", "inet6", NULL};
static const int family_values[] = {AF_INET, AF_INET6};
static const char *const type_names[] = {"seqpacket", "stream", NULL};
static const int type_values[] = {SOCK_SEQPACKET, SOCK_STREAM};

/* The backends this build has, by name; a socket keeps its own (s->be), and
 * accepted and peeled-off sockets their parent's. "usrsctp" is a known name
 * (a socket asking for it is told it is not built) until it is in. */
#ifdef LSCTP_HAVE_USRSCTP
extern const lsctp_backend lsctp_usrsctp_backend;   /* csrc/usrsctp/ */
static const lsctp_backend *const backends[] = {&lsctp_kernel_backend, &lsctp_usrsctp_backend, NULL};
#else
static const lsctp_backend *const backends[] = {&lsctp_kernel_backend, NULL};
#endif
static const char *const backend_names[] = {"kernel", "usrsctp", NULL};   /* sctp.lua resolves "auto" */

/* core.socket([family [, type [, backend]]]) -> sock | nil, err, detail */
static int l_socket(lua_State *L)
{
    int family = family_values[lsctp_checkname(L, 1, "open: opts: field 'family'", family_names, "inet")];
    int type = type_values[lsctp_checkname(L, 2, "open: opts: field 'type'", type_names, "seqpacket")];
    int which = lsctp_checkname(L, 3, "open: opts: field 'backend'", backend_names, "kernel");
    const char *name = backend_names[which];
    const lsctp_backend *be = NULL;
    int i, fd;
    /* backends[] is in backend_names' order, up to the first one not built */
    for (i = 0; i < which && backends[i]; i++)
        ;
    be = i == which ? backends[i] : NULL;
    if (!be)
        return lsctp_pushfailf(L, "eprotonosupport",
            "open: the %s backend is not built into this sctp.core (docs/usrsctp-notes.md)", name);
    fd = be->socket(family, type);
    if (fd < 0) {
        int err = errno;
        if (err == EPROTONOSUPPORT || err == ESOCKTNOSUPPORT)
            return lsctp_pushfailf(L, "eprotonosupport",
                "SCTP is not available in this kernel (socket: %s); load the "
                "sctp module (modprobe sctp), or use the usrsctp backend "
                "(SCTP_BACKEND=auto or usrsctp), see README", strerror(err));
        return lsctp_pusherrno(L, err, "socket");
    }
    lsctp_newsocket(L, fd, family, type)->be = be;
    return 1;
}

/* backend() -> the name of the socket's backend ("kernel") */
static int l_backend(lua_State *L)
{
    lua_pushstring(L, lsctp_checksocket(L, 1)->be->name);
    return 1;
}

/* capabilities() -> what the socket's backend can do, a record of booleans */
static int l_capabilities(lua_State *L)
{
    const lsctp_backend *be = lsctp_checksocket(L, 1)->be;
    const lsctp_caps *c = be->caps;
    lua_createtable(L, 0, 6);
    lua_pushstring(L, be->name);
    lua_setfield(L, -2, "backend");
#define CAP(f) (lua_pushboolean(L, c->f), lua_setfield(L, -2, #f))
    CAP(write_ready);
    CAP(gather_send);
    CAP(diag);
    CAP(udp_encaps);
    CAP(raw_ip);
#undef CAP
    return 1;
}

/* close(): true; safe twice. Shared by close, __gc and __close. */
static int l_close(lua_State *L)
{
    lsctp_socket *s = lsctp_checksocket(L, 1);
    if (s->fd >= 0) {
        s->be->close(s->fd);
        s->fd = -1;
    }
    s->closing = 0;
    free(s->rx.buf);
    memset(&s->rx, 0, sizeof s->rx);
    lsctp_ipcache_release(L, &s->from_ip);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_tostring(lua_State *L)
{
    lsctp_socket *s = lsctp_checksocket(L, 1);
    if (s->fd < 0 || s->closing)
        lua_pushliteral(L, "sctp.socket (closed)");
    else
        lua_pushfstring(L, "sctp.socket (fd %d, %s, %s)", s->fd,
                        s->family == AF_INET6 ? "inet6" : "inet",
                        s->peeled ? "peeled off" : s->type == SOCK_STREAM ? "stream" : "seqpacket");
    return 1;
}

static int l_getfd(lua_State *L)
{
    lsctp_socket *s = lsctp_checksocket(L, 1);
    lua_pushinteger(L, s->fd < 0 ? -1 : s->be->pollfd(s->fd));
    return 1;
}

static int l_isclosed(lua_State *L)
{
    lsctp_socket *s = lsctp_checksocket(L, 1);
    lua_pushboolean(L, s->fd < 0 || s->closing);
    return 1;
}

/* markclosing(): every operation now reports "closed", but the descriptor
 * stays open until close(), so that an event loop polling it can first see
 * its cancellation (closing a polled fd at once can make the loop's next
 * poll fail with EBADF). */
static int l_markclosing(lua_State *L)
{
    lsctp_checksocket(L, 1)->closing = 1;
    lua_pushboolean(L, 1);
    return 1;
}

static int l_info(lua_State *L)
{
    lsctp_socket *s = lsctp_checksocket(L, 1);
    lua_pushstring(L, s->family == AF_INET6 ? "inet6" : "inet");
    lua_pushstring(L, s->type == SOCK_STREAM ? "stream" : "seqpacket");
    lua_pushboolean(L, s->peeled);
    return 3;
}

/* getstate() -> the Lua layer's per-socket table, or nil (nil too for
 * anything but a socket). Kept in the userdata, not in a weak-keyed table:
 * Lua 5.1/LuaJIT have no ephemerons, and state that refers back to its
 * socket (a handler, a waiter, a suspended coroutine) would keep it alive. */
static int l_getstate(lua_State *L)
{
    if (!luaL_testudata(L, 1, LSCTP_SOCKET_MT)) {
        lua_pushnil(L);
        return 1;
    }
    lsctp_getuservalue(L, 1);
#if LUA_VERSION_NUM < 502
    if (lua_rawequal(L, -1, LUA_REGISTRYINDEX))
        lua_pushnil(L);
#endif
    return 1;
}

/* setstate(t | nil): also on a closed socket. */
static int l_setstate(lua_State *L)
{
    lsctp_checksocket(L, 1);
    if (!lua_isnoneornil(L, 2) && !lua_istable(L, 2))
        return lsctp_argerror(L, "setstate: state", "table or nil expected, got %s", luaL_typename(L, 2));
    lua_settop(L, 2);
#if LUA_VERSION_NUM < 502
    if (lua_isnil(L, 2)) {   /* an env must be a table: the registry is nil */
        lua_pop(L, 1);
        lua_pushvalue(L, LUA_REGISTRYINDEX);
    }
#endif
    lsctp_setuservalue(L, 1);
    return 0;
}

/* bindx(addrs, port, "add"|"remove") -> true | nil, err, detail */
static int l_bindx(lua_State *L)
{
    static const char *const ops[] = {"add", "remove", NULL};
    lsctp_addrlist al;
    int port, op, rc;
    METHOD_CHECK_OPEN(L, s);
    port = (int)lsctp_optint(L, 3, "bindx: port", 0, 65535, 0);
    op = lsctp_checkname(L, 4, "bindx: op", ops, NULL);
    if ((rc = lsctp_addrlist_get(L, 2, port, s->family, &al, "bindx: addrs")))
        return rc;
    rc = s->be->bindx(s->fd, (struct sockaddr *)al.packed, al.count,
                      op == 0 ? LSCTP_BINDX_ADD : LSCTP_BINDX_REM);
    lsctp_addrlist_free(&al);
    if (rc < 0)
        return lsctp_pusherrno(L, errno, op == 0 ? "bind" : "bindx remove");
    lua_pushboolean(L, 1);
    return 1;
}

/* listen(backlog) -> true; backlog 0 stops a one-to-many socket listening. */
static int l_listen(lua_State *L)
{
    int backlog;
    METHOD_CHECK_OPEN(L, s);
    backlog = (int)lsctp_checkint(L, 2, "listen: backlog", 0, 65535);
    if (s->be->listen(s->fd, backlog) < 0)
        return lsctp_pusherrno(L, errno, "listen");
    lua_pushboolean(L, 1);
    return 1;
}

/* connectx(addrs, port) -> assoc_id | nil, err, detail. Never waits: the
 * association comes up (or fails) later, reported by an assoc_change event. */
static int l_connectx(lua_State *L)
{
    lsctp_addrlist al;
    sctp_assoc_t id = 0;
    int port, rc, err;
    METHOD_CHECK_OPEN(L, s);
    port = (int)lsctp_checkint(L, 3, "connect: port", 1, 65535);
    if ((rc = lsctp_addrlist_get(L, 2, port, s->family, &al, "connect: addr")))
        return rc;
    rc = s->be->connectx(s->fd, (struct sockaddr *)al.packed, al.count, &id);
    err = errno;
    lsctp_addrlist_free(&al);
    if (rc < 0 && err != EINPROGRESS)
        return lsctp_pusherrno(L, err, "connect");
    lua_pushinteger(L, id);
    return 1;
}

/* accept() -> new sock | nil, "eagain" | nil, err, detail */
static int l_accept(lua_State *L)
{
    int fd;
    METHOD_CHECK_OPEN(L, s);
    fd = s->be->accept(s->fd);
    if (fd < 0)
        return lsctp_pusherrno(L, errno, "accept");
    lsctp_newsocket(L, fd, s->family, SOCK_STREAM)->be = s->be;
    return 1;
}

/* peeloff(assoc) -> new one-to-one sock */
static int l_peeloff(lua_State *L)
{
    sctp_assoc_t id;
    int fd;
    METHOD_CHECK_OPEN(L, s);
    id = lsctp_checkassoc(L, 2, "peeloff: assoc");
    fd = s->be->peeloff(s->fd, id);
    if (fd < 0)
        return lsctp_pusherrno(L, errno, "peeloff");
    {
        lsctp_socket *peeled = lsctp_newsocket(L, fd, s->family, SOCK_SEQPACKET);
        peeled->peeled = 1;
        peeled->be = s->be;
    }
    return 1;
}

/* shutdown("r"|"w"|"rw") for one-to-one sockets */
static int l_shutdown(lua_State *L)
{
    static const char *const hows[] = {"r", "w", "rw", NULL};
    static const int howv[] = {SHUT_RD, SHUT_WR, SHUT_RDWR};
    int how;
    METHOD_CHECK_OPEN(L, s);
    how = howv[lsctp_checkname(L, 2, "shutdown: how", hows, "w")];
    if (s->be->shutdown(s->fd, how) < 0)
        return lsctp_pusherrno(L, errno, "shutdown");
    lua_pushboolean(L, 1);
    return 1;
}

static int push_names(lua_State *L, int peer)
{
    struct sockaddr *addrs = NULL;
    sctp_assoc_t id = 0;
    int i, n;
    size_t off = 0;
    METHOD_CHECK_OPEN(L, s);
    if (!lua_isnoneornil(L, 2))
        id = lsctp_checkassoc(L, 2, peer ? "peernames: assoc" : "socknames: assoc");
    n = s->be->getaddrs(s->fd, id, peer, &addrs);
    if (n < 0)
        return lsctp_pusherrno(L, errno, peer ? "peernames" : "socknames");
    lua_createtable(L, n, 0);
    for (i = 0; i < n; i++) {
        /* the packed list mixes sockaddr_in and sockaddr_in6 */
        const struct sockaddr *sa = (const struct sockaddr *)((const char *)addrs + off);
        socklen_t len = lsctp_sockaddr_len(sa->sa_family);
        if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
            break;
        lsctp_pushsockaddr(L, sa, len);
        lua_rawseti(L, -2, i + 1);
        off += len;
    }
    /* libsctp hands back its buffer even for 0 addresses */
    if (addrs)
        s->be->freeaddrs(addrs, peer);
    return 1;
}

static int l_socknames(lua_State *L) { return push_names(L, 0); }
static int l_peernames(lua_State *L) { return push_names(L, 1); }

static const luaL_Reg socket_methods[] = {
    {"close", l_close},
    {"backend", l_backend},
    {"capabilities", l_capabilities},
    {"getfd", l_getfd},
    {"isclosed", l_isclosed},
    {"markclosing", l_markclosing},
    {"info", l_info},
    {"getstate", l_getstate},
    {"setstate", l_setstate},
    {"bindx", l_bindx},
    {"listen", l_listen},
    {"connectx", l_connectx},
    {"accept", l_accept},
    {"peeloff", l_peeloff},
    {"shutdown", l_shutdown},
    {"socknames", l_socknames},
    {"peernames", l_peernames},
    {NULL, NULL}};

/* core.backend_settings(name, {setting = value}) -> true | nil, err, detail:
 * the stack settings of a backend, checked whole before any is set. */
static int l_backend_settings(lua_State *L)
{
    const char *name = backend_names[lsctp_checkname(L, 1, "backend_settings: name", backend_names, NULL)];
    const lsctp_backend *be = NULL;
    const lsctp_setting *st;
    int i, pass;
    for (i = 0; backends[i]; i++)
        if (strcmp(backends[i]->name, name) == 0)
            be = backends[i];
    if (!be)
        return lsctp_pushfailf(L, "eprotonosupport", "backend_settings: the %s backend is not built into this sctp.core", name);
    if (lua_type(L, 2) != LUA_TTABLE)
        return lsctp_argerror(L, "backend_settings: settings", "table expected, got %s", luaL_typename(L, 2));
    for (pass = 0; pass < 2; pass++) {   /* check them all, then set them */
        lua_pushnil(L);
        while (lua_next(L, 2)) {
            const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
            long v;
            for (st = be->settings; st && st->name && (!k || strcmp(st->name, k) != 0); st++)
                ;
            if (!k || !st || !st->name)
                return lsctp_argerror(L, "backend_settings: settings", "the %s backend has no setting '%s'",
                                      name, k ? k : luaL_typename(L, -2));
            if (lua_type(L, -1) == LUA_TBOOLEAN && st->max == 1) {
                v = lua_toboolean(L, -1);
            } else {
                const char *what = lua_pushfstring(L, "backend_settings: %s", k);
                v = (long)lsctp_checkint(L, -2, what, st->min, st->max);
                lua_pop(L, 1);
            }
            if (pass == 1 && be->configure(k, v) < 0) {
                if (errno == EALREADY)
                    return lsctp_pushfailf(L, "ealready",
                        "backend_settings: the %s stack has started (its first socket): settings come before", name);
                return lsctp_pusherrno(L, errno, "backend_settings");
            }
            lua_pop(L, 1);
        }
    }
    lua_pushboolean(L, 1);
    return 1;
}

static const luaL_Reg module_functions[] = {
    {"socket", l_socket},
    {"backend_settings", l_backend_settings},
    {"poll", lsctp_l_poll},
    {"gettime", lsctp_l_gettime},
    {"library_chunk", lsctp_l_library_chunk},
    {"where", lsctp_l_where},
    {"argerror", lsctp_l_argerror},
    {NULL, NULL}};

LSCTP_API int luaopen_sctp_core(lua_State *L)
{
    /* metatable: __index is the methods table, which the Lua layer
     * interposes (wraps with waiting) at load time */
    luaL_newmetatable(L, LSCTP_SOCKET_MT);
    lua_pushcfunction(L, l_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, l_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_newtable(L);
    lsctp_setmethods(L, socket_methods);
    lsctp_io_open(L);
    lsctp_reconf_open(L);
    lsctp_options_open(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "__index");

    luaL_newlib(L, module_functions);
    lua_insert(L, -2);
    lua_setfield(L, -2, "methods");
    lua_insert(L, -2);
    lua_setfield(L, -2, "metatable");
    lua_pushstring(L, lsctp_kernel_backend.name);
    lua_setfield(L, -2, "backend");
    {   /* core.backends: the names of those built in */
        int i;
        lua_newtable(L);
        for (i = 0; backends[i]; i++) {
            lua_pushstring(L, backends[i]->name);
            lua_rawseti(L, -2, i + 1);
        }
        lua_setfield(L, -2, "backends");
    }
    lsctp_notify_open(L);
    lsctp_options_module(L);
    lsctp_diag_module(L);
    lsctp_fast_module(L);
    return 1;
}
