/* Shared declarations of the sctp.core C module.
 *
 * One file per concern: socket.c (lifecycle, bind, listen, connect),
 * io.c (send paths), recv.c (receive paths), codec.c + codec.h (the field
 * row engine), sndrcvinfo.c (the sndrcvinfo rows), notify.c (event rows
 * and decoding), option_table.c (the option rows) and options.c
 * (getopt/setopt), addr.c (addresses), errnames.c
 * (errno names), backend_kernel.c (the only file that calls the kernel).
 * Everything is static or prefixed lsctp_; only luaopen_sctp_core is exported.
 */
#ifndef LSCTP_H
#define LSCTP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#include <lua.h>
#include <lauxlib.h>
#include <luaconf.h>
#ifdef LUA_LJDIR   /* only LuaJIT's luaconf.h defines it */
#define LSCTP_LUAJIT 1
#endif

#include "backend.h"

#define LSCTP_SOCKET_MT "sctp.socket"

#ifdef __GNUC__
#define LSCTP_API __attribute__((visibility("default")))
#else
#define LSCTP_API
#endif

/* --- Lua 5.1 / LuaJIT compatibility: the few 5.2+ calls the core uses ------ */
#if LUA_VERSION_NUM < 502
#define lua_rawlen(L, i) lua_objlen((L), (i))
#define lua_absindex(L, i) \
    ((i) > 0 || (i) <= LUA_REGISTRYINDEX ? (i) : lua_gettop(L) + (i) + 1)
#ifndef LSCTP_LUAJIT   /* LuaJIT 2.1 has these three already */
#define luaL_setfuncs(L, l, n) luaL_register((L), NULL, (l))
#define luaL_newlib(L, l) (lua_newtable(L), luaL_register((L), NULL, (l)))
void *lsctp_testudata(lua_State *L, int idx, const char *tname);
#define luaL_testudata lsctp_testudata
#endif
#endif
#if LUA_VERSION_NUM < 503
int lsctp_isinteger(lua_State *L, int idx);
#define lua_isinteger lsctp_isinteger
#endif

/* The socket userdata's one user value: the Lua layer's per-socket state
 * (a table, or nil). Lua 5.1/LuaJIT have environments instead, which must
 * be tables: there the registry stands for nil (see lsctp_newsocket). */
#if LUA_VERSION_NUM >= 504
#define lsctp_newudata(L, size) lua_newuserdatauv((L), (size), 1)
#define lsctp_getuservalue(L, i) ((void)lua_getiuservalue((L), (i), 1))
#define lsctp_setuservalue(L, i) ((void)lua_setiuservalue((L), (i), 1))
#elif LUA_VERSION_NUM >= 502
#define lsctp_newudata(L, size) lua_newuserdata((L), (size))
#define lsctp_getuservalue(L, i) ((void)lua_getuservalue((L), (i)))
#define lsctp_setuservalue(L, i) lua_setuservalue((L), (i))
#else
#define lsctp_newudata(L, size) lua_newuserdata((L), (size))
#define lsctp_getuservalue(L, i) lua_getfenv((L), (i))
#define lsctp_setuservalue(L, i) ((void)lua_setfenv((L), (i)))
#endif

/* --- The socket userdata ------------------------------------------------ */

/* A message being reassembled from partial deliveries (recvmsg without
 * MSG_EOR); it lives here between calls when the rest has not arrived yet. */
typedef struct lsctp_rxstate {
    char *buf;              /* a message delivered in parts (else NULL: new
                               messages are read into a buffer per thread) */
    size_t cap, len;
    size_t chunk;           /* bytes asked of each recvmsg (option buffer) */
    int notification;       /* MSG_NOTIFICATION seen on this message */
    int have_info;          /* sndrcvinfo cmsg seen */
    struct sctp_sndrcvinfo info;
    struct sockaddr_storage from;
    socklen_t fromlen;
} lsctp_rxstate;

/* send(assoc, stream, data) uses the association's default send
 * parameters; reading them costs a getsockopt per message, so the last few
 * are kept (direct-mapped by assoc id) and dropped whenever
 * sctp_default_send_param is set through this socket, the only way they
 * change for an existing association. */
#define LSCTP_SEND_CACHE 8
typedef struct lsctp_send_defaults {
    int valid;
    sctp_assoc_t id;
    struct sctp_sndrcvinfo info;
} lsctp_send_defaults;

/* The text of one IP address, kept so that a run of messages from the
 * same peer costs one inet_ntop, not one per message, and its Lua string
 * (a registry reference) so that it is not interned again each time. */
typedef struct lsctp_ipcache {
    int family;             /* 0: empty */
    int ref;                /* the string in the registry (> 0), or 0 */
    unsigned char addr[16];
    char text[INET6_ADDRSTRLEN];
} lsctp_ipcache;

typedef struct lsctp_socket {
    int fd;                 /* -1 once closed */
    int family;             /* AF_INET or AF_INET6 */
    int type;               /* SOCK_SEQPACKET (one-to-many) or SOCK_STREAM */
    int list_mode;          /* deliver data as arrays of bytes (mode "list") */
    int closing;            /* closed for Lua; the fd waits for pollers to let go */
    int lua_queued;         /* the Lua layer holds messages for recv (recv_direct) */
    int peeled;             /* from peeloff: one association, but SEQPACKET-style
                               in the kernel (SCTP_EOF/ABORT flags work, no EOF) */
    int wait_state;         /* the backend's scratch for recvmsg_wait */
    const lsctp_backend *be;
    lsctp_rxstate rx;
    lsctp_ipcache from_ip;  /* text of the last sender address */
    lsctp_send_defaults send_cache[LSCTP_SEND_CACHE];
} lsctp_socket;

/* Checks that idx is a socket (raises naming the method otherwise). Fast
 * in the methods lsctp_setmethods registers: they hold the metatable as
 * upvalue 1, compared without a registry lookup. */
lsctp_socket *lsctp_checksocket(lua_State *L, int idx);
/* Sets the methods of l into the table on top, each with the socket
 * metatable as its upvalue 1 (see lsctp_checksocket). */
void lsctp_setmethods(lua_State *L, const luaL_Reg *l);
/* Returns the socket or NULL after pushing nil, "closed", detail (3 values). */
lsctp_socket *lsctp_opensocket(lua_State *L, int idx);
lsctp_socket *lsctp_newsocket(lua_State *L, int fd, int family, int type);

/* --- Errors --------------------------------------------------------------- */
const char *lsctp_errname(int err);
int lsctp_pusherrno(lua_State *L, int err, const char *context);
int lsctp_pushfail(lua_State *L, const char *name, const char *detail);
int lsctp_pushfailf(lua_State *L, const char *name, const char *fmt, ...);
#define LSCTP_CLOSED_DETAIL "socket is closed"   /* sctp.state.CLOSED in Lua */
#define LSCTP_CLOSED(L) lsctp_pushfail((L), "closed", LSCTP_CLOSED_DETAIL)
/* The receive buffer of a socket until `buffer` is set (gen_sctp's default;
 * sctp.state.DEFAULT_BUFFER in Lua). */
#define LSCTP_DEFAULT_BUFFER 65536

/* --- Argument helpers: errors name the function and the argument/field ---- */
/* Raises the one format of argument errors, at the user's call (the first
 * frame outside the library's Lua layer):
 *   "chunk:line: sctp: <function>: bad argument '<arg>' (<where: ><problem>)"
 * `what` is "<function>: <arg>[: <where inside it>]", e.g. "send: sndrcvinfo:
 * field 'stream'"; the function named is the public one the user called
 * (found on the stack) when there is one, else the one in `what`. */
int lsctp_argerror(lua_State *L, const char *what, const char *fmt, ...);
int lsctp_l_argerror(lua_State *L);
/* One of `names` at idx (`dflt` when absent; NULL: required): its index. */
int lsctp_checkname(lua_State *L, int idx, const char *what, const char *const names[],
                    const char *dflt);
int lsctp_selferror(lua_State *L, int idx);
int lsctp_l_library_chunk(lua_State *L);
int lsctp_l_poll(lua_State *L);
int lsctp_l_gettime(lua_State *L);
int lsctp_l_where(lua_State *L);
lua_Integer lsctp_checkint(lua_State *L, int idx, const char *what,
                           lua_Integer min, lua_Integer max);
lua_Integer lsctp_optint(lua_State *L, int idx, const char *what,
                         lua_Integer min, lua_Integer max, lua_Integer dflt);
/* The integer at idx if it lies in [min, max]; else raises naming
 * "<what>: field '<field>'" (formatted only then: send paths use it). */
lua_Integer lsctp_checkfieldint(lua_State *L, int idx, const char *what, const char *field,
                                lua_Integer min, lua_Integer max);
/* Reads integer field `field` of the table at idx (nil leaves *out alone). */
int lsctp_intfield(lua_State *L, int idx, const char *field, const char *what,
                   lua_Integer min, lua_Integer max, lua_Integer *out);
/* An assoc argument: an integer id or a table with integer field assoc_id. */
sctp_assoc_t lsctp_checkassoc(lua_State *L, int idx, const char *what);
/* A set of named bits (array of strings) from a name table. */
typedef struct { const char *name; unsigned value; } lsctp_flagname;
unsigned lsctp_checkflags(lua_State *L, int idx, const lsctp_flagname *names,
                          const char *what);
void lsctp_pushflags(lua_State *L, unsigned bits, const lsctp_flagname *names);
/* The same names refilled into the array on top (entries beyond cleared). */
void lsctp_fillflags(lua_State *L, unsigned bits, const lsctp_flagname *names);
void lsctp_setint(lua_State *L, const char *field, lua_Integer v);

/* --- Addresses ---------------------------------------------------------- */
typedef struct lsctp_addrlist {
    struct sockaddr_storage *addrs;  /* malloc'd */
    int count;
    size_t packed_len;               /* bytes of the packed form */
    char *packed;                    /* sockaddrs back to back, for bindx/connectx */
} lsctp_addrlist;

/* Resolves one address string or an array of them, all with `port`.
 * On failure pushes nil, err, detail and returns 3; else 0. */
int lsctp_addrlist_get(lua_State *L, int idx, int port, int family,
                       lsctp_addrlist *out, const char *what);
void lsctp_addrlist_free(lsctp_addrlist *l);
/* Pushes {ip, port}; pushes nil when the length is too short or the family
 * unknown. */
void lsctp_pushsockaddr(lua_State *L, const struct sockaddr *sa, socklen_t len);
socklen_t lsctp_sockaddr_len(int family);
/* Pushes the ip string only. */
void lsctp_puship(lua_State *L, const struct sockaddr *sa, socklen_t len);
/* The same, through a cache of the last address seen. */
void lsctp_puship_cached(lua_State *L, const struct sockaddr *sa, socklen_t len,
                         lsctp_ipcache *cache);
void lsctp_ipcache_release(lua_State *L, lsctp_ipcache *cache);

/* --- Decoders ------------------------------------------------------------ */
void lsctp_pushsndrcvinfo(lua_State *L, const struct sctp_sndrcvinfo *info);
/* Pushes the record refilled into the table at `into` (an absolute index;
 * 0: a new table, as lsctp_pushsndrcvinfo). */
void lsctp_fillsndrcvinfo(lua_State *L, const struct sctp_sndrcvinfo *info, int into);
void lsctp_checksndrcvinfo(lua_State *L, int idx, struct sctp_sndrcvinfo *info,
                           const char *what);
extern const lsctp_flagname lsctp_sinfo_flags[];
/* The current thread's shared receive buffer, for the fuzz harness. */
void lsctp_rx_scratch_owner(char *const **buf, const size_t **cap);
/* Pushes an event table for a notification of `len` bytes. */
void lsctp_pushnotification(lua_State *L, const char *buf, size_t len);
void lsctp_notify_open(lua_State *L);

/* --- The methods recv and send in C (Lua 5.3+; lsctp_fast_module) ------- */
/* What the C recv must know of the Lua layer, one per Lua state: the
 * mirror of sctp.wait's plain.blocking, and its slice. */
typedef struct lsctp_fastflags {
    int plain_blocking;
    int slice_ms;
} lsctp_fastflags;
#if LUA_VERSION_NUM >= 503
int lsctp_fast_recv(lua_State *L);
#endif
/* Sets core.fastpath and core.setplain into the module table on top (Lua
 * 5.3+; nothing on 5.1/5.2/LuaJIT, whose Lua layer keeps its own recv and send). */
void lsctp_fast_module(lua_State *L);

/* --- Method groups, each registered into the methods table at -1 -------- */
void lsctp_io_open(lua_State *L);     /* send side; calls lsctp_recv_open */
void lsctp_recv_open(lua_State *L);
void lsctp_reconf_open(lua_State *L);
/* Decodes a sock_diag reply (buf, len) into records appended to the array
 * at index list, which holds n already; returns the new count. */
int lsctp_pushdiag(lua_State *L, const char *buf, size_t len, int list, int n);
void lsctp_diag_module(lua_State *L);
void lsctp_options_open(lua_State *L);
void lsctp_options_module(lua_State *L);   /* module-level functions */

#endif
