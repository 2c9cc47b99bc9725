/* Addresses: Lua strings ("127.0.0.1", "::1", "any", "loopback", host names)
 * to sockaddrs and back. Every length the kernel hands back is checked
 * before a field is read. */
#include "lsctp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

/* Fills *ss from one host string; returns 0, or pushes nil, err, detail and
 * returns 3. */
static int resolve(lua_State *L, const char *host, int port, int family,
                   struct sockaddr_storage *ss)
{
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    struct addrinfo hints, *res = NULL;
    int rc;

    memset(ss, 0, sizeof *ss);
    sin->sin_port = htons((uint16_t)port);  /* same offset in sockaddr_in6 */
    if (strcmp(host, "any") == 0 || strcmp(host, "loopback") == 0) {
        int loop = host[0] == 'l';
        if (family == AF_INET6) {
            sin6->sin6_family = AF_INET6;
            sin6->sin6_addr = loop ? in6addr_loopback : in6addr_any;
        } else {
            sin->sin_family = AF_INET;
            sin->sin_addr.s_addr = htonl(loop ? INADDR_LOOPBACK : INADDR_ANY);
        }
        return 0;
    }
    if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;   /* an inet6 SCTP socket takes v4 addresses too */
        return 0;
    }
    if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
        if (family != AF_INET6)
            return lsctp_pushfailf(L, "eafnosupport",
                "IPv6 address '%s' on an inet socket (use family = \"inet6\")", host);
        sin6->sin6_family = AF_INET6;
        return 0;
    }
    memset(&hints, 0, sizeof hints);
    /* an inet6 socket prefers the name's IPv6 address, then its IPv4 one */
    hints.ai_family = family == AF_INET6 ? AF_INET6 : AF_INET;
    hints.ai_socktype = SOCK_SEQPACKET;
    hints.ai_protocol = IPPROTO_SCTP;
    rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0 && family == AF_INET6) {
        hints.ai_family = AF_INET;
        rc = getaddrinfo(host, NULL, &hints, &res);
    }
    if (rc != 0 || res == NULL) {
        const char *why = rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc);
        if (res)
            freeaddrinfo(res);
        return lsctp_pushfailf(L, rc == EAI_NONAME || rc == EAI_NODATA ? "nxdomain" : "einval",
                               "cannot resolve '%s': %s", host, why);
    }
    if (res->ai_addrlen > sizeof *ss) {
        freeaddrinfo(res);
        return lsctp_pushfail(L, "einval", "resolver returned an oversized address");
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    sin->sin_port = htons((uint16_t)port);
    freeaddrinfo(res);
    return 0;
}

/* The length of an IPv4 or IPv6 socket address of this family: the one
 * place that tells them apart by size. */
socklen_t lsctp_sockaddr_len(int family)
{
    return family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* One element: "host" or {host, port} (its own port wins). Checks types
 * and raises; nothing is allocated yet when this runs. */
static void check_one(lua_State *L, int idx, const char *what)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TTABLE) {
        lua_rawgeti(L, idx, 2);
        if (!lua_isnil(L, -1))
            (void)lsctp_checkint(L, -1, what, 0, 65535);
        lua_rawgeti(L, idx, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            lsctp_argerror(L, what, "address string expected in {ip, port}, got %s", luaL_typename(L, -1));
        lua_pop(L, 2);
    } else if (lua_type(L, idx) != LUA_TSTRING) {
        lsctp_argerror(L, what, "address string expected, got %s", luaL_typename(L, idx));
    }
}

/* Resolves one checked element; returns 0 or pushes nil, err, detail (3). */
static int get_one(lua_State *L, int idx, int port, int family,
                   struct sockaddr_storage *ss)
{
    int rc;
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        return resolve(L, lua_tostring(L, idx), port, family, ss);
    lua_rawgeti(L, idx, 2);
    if (!lua_isnil(L, -1))
        port = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_rawgeti(L, idx, 1);
    rc = resolve(L, lua_tostring(L, -1), port, family, ss);
    lua_remove(L, -1 - rc);
    return rc;
}

/* True when the table at idx is one {ip, port} pair rather than an array. */
static int is_pair(lua_State *L, int idx)
{
    int pair;
    lua_rawgeti(L, idx, 2);
    pair = lua_type(L, -1) == LUA_TNUMBER;
    lua_pop(L, 1);
    return pair;
}

int lsctp_addrlist_get(lua_State *L, int idx, int port, int family,
                       lsctp_addrlist *out, const char *what)
{
    int i, n, array, rc = 0;
    size_t off = 0;

    idx = lua_absindex(L, idx);
    memset(out, 0, sizeof *out);
    if (lua_type(L, idx) == LUA_TSTRING)
        array = 0;
    else if (lua_type(L, idx) == LUA_TTABLE)
        array = !is_pair(L, idx);
    else
        return lsctp_argerror(L, what, "address or array of addresses expected, got %s", luaL_typename(L, idx));
    n = array ? (int)lua_rawlen(L, idx) : 1;
    if (n < 1 || n > 1024)
        return lsctp_argerror(L, what, "between 1 and 1024 addresses expected, got %d", n);
    for (i = 0; i < n; i++) {
        if (array) {
            lua_rawgeti(L, idx, i + 1);
            check_one(L, -1, what);
            lua_pop(L, 1);
        } else {
            check_one(L, idx, what);
        }
    }
    out->addrs = calloc((size_t)n, sizeof *out->addrs);
    if (!out->addrs)
        return lsctp_pushfail(L, "enomem", "out of memory");
    for (i = 0; i < n && rc == 0; i++) {
        if (array) {
            lua_rawgeti(L, idx, i + 1);
            rc = get_one(L, -1, port, family, &out->addrs[i]);
            lua_remove(L, -1 - rc);
        } else {
            rc = get_one(L, idx, port, family, &out->addrs[i]);
        }
    }
    if (rc) {
        lsctp_addrlist_free(out);
        return rc;
    }
    out->count = n;
    for (i = 0; i < n; i++)
        out->packed_len += lsctp_sockaddr_len(out->addrs[i].ss_family);
    out->packed = malloc(out->packed_len);
    if (!out->packed) {
        lsctp_addrlist_free(out);
        return lsctp_pushfail(L, "enomem", "out of memory");
    }
    for (i = 0; i < n; i++) {
        socklen_t len = lsctp_sockaddr_len(out->addrs[i].ss_family);
        memcpy(out->packed + off, &out->addrs[i], len);
        off += len;
    }
    return 0;
}

void lsctp_addrlist_free(lsctp_addrlist *l)
{
    free(l->addrs);
    free(l->packed);
    memset(l, 0, sizeof *l);
}

/* The address bytes of an IPv4/IPv6 sockaddr of `len` bytes, or NULL when
 * the length is too short or the family unknown (the length first: the
 * family itself is past a shorter address). */
static const void *ip_bytes(const struct sockaddr *sa, socklen_t len, size_t *size)
{
    if (len >= (socklen_t)sizeof(struct sockaddr_in) && sa->sa_family == AF_INET) {
        *size = sizeof(struct in_addr);
        return &((const struct sockaddr_in *)sa)->sin_addr;
    }
    if (len >= (socklen_t)sizeof(struct sockaddr_in6) && sa->sa_family == AF_INET6) {
        *size = sizeof(struct in6_addr);
        return &((const struct sockaddr_in6 *)sa)->sin6_addr;
    }
    return NULL;
}

void lsctp_puship(lua_State *L, const struct sockaddr *sa, socklen_t len)
{
    char text[INET6_ADDRSTRLEN];
    size_t size;
    const void *bytes = ip_bytes(sa, len, &size);
    if (bytes && inet_ntop(sa->sa_family, bytes, text, sizeof text))
        lua_pushstring(L, text);
    else
        lua_pushnil(L);
}

void lsctp_puship_cached(lua_State *L, const struct sockaddr *sa, socklen_t len,
                         lsctp_ipcache *cache)
{
    size_t size;
    const void *bytes = ip_bytes(sa, len, &size);
    if (!bytes) {
        lua_pushnil(L);
        return;
    }
    if (cache->ref > 0 && cache->family == sa->sa_family && memcmp(cache->addr, bytes, size) == 0) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, cache->ref);
        return;
    }
    lsctp_ipcache_release(L, cache);
    if (!inet_ntop(sa->sa_family, bytes, cache->text, sizeof cache->text)) {
        lua_pushnil(L);
        return;
    }
    lua_pushstring(L, cache->text);
    lua_pushvalue(L, -1);
    cache->ref = luaL_ref(L, LUA_REGISTRYINDEX);
    cache->family = sa->sa_family;
    memcpy(cache->addr, bytes, size);
}

void lsctp_ipcache_release(lua_State *L, lsctp_ipcache *cache)
{
    if (cache->ref > 0)
        luaL_unref(L, LUA_REGISTRYINDEX, cache->ref);
    cache->ref = 0;
    cache->family = 0;
}

void lsctp_pushsockaddr(lua_State *L, const struct sockaddr *sa, socklen_t len)
{
    if (len < (socklen_t)sizeof(sa_family_t)) {
        lua_pushnil(L);
        return;
    }
    lsctp_puship(L, sa, len);
    if (lua_isnil(L, -1))
        return;
    lua_createtable(L, 2, 0);
    lua_insert(L, -2);
    lua_rawseti(L, -2, 1);
    /* sin_port and sin6_port share their offset */
    lua_pushinteger(L, ntohs(((const struct sockaddr_in *)sa)->sin_port));
    lua_rawseti(L, -2, 2);
}
