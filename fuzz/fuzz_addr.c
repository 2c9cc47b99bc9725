/* Addresses: lsctp_pushsockaddr / lsctp_puship (csrc/addr.c) over
 * arbitrary sockaddr bytes of any length (the bytes end exactly at their
 * allocation's end); socknames/peernames (csrc/socket.c push_names) over a
 * fake libsctp address list of up to 32 packed inet/inet6/other entries
 * allocated to its exact size; and the address encoder (lsctp_addrlist_get
 * via bindx/connectx) over Lua values built from the input, with a fake
 * resolver so no name reaches DNS.
 *
 * Input: u8 mode, then what the mode reads. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const addr_dict[] = {
    "127.0.0.1", "0.0.0.0", "::1", "::", "any", "loopback", "::ffff:10.0.0.1",
    "10.1.2.3", "256.0.0.1", "1.2.3", "fe80::1", "fe80::1%lo", "", " ",
    "hostname", "6host", "xoversized", "efail", "nosuchhost", "add", "remove",
    "127.0.0.1\0junk", NULL};

static void check_addr(lua_State *L, int idx, int ip_only)
{
    idx = lua_absindex(L, idx);
    if (lua_isnil(L, idx))
        return;
    if (ip_only) {
        if (lua_type(L, idx) != LUA_TSTRING)
            abort();
        return;
    }
    if (lua_type(L, idx) != LUA_TTABLE)
        abort();
    lua_rawgeti(L, idx, 1);
    lua_rawgeti(L, idx, 2);
    if (lua_type(L, -2) != LUA_TSTRING || !lua_isinteger(L, -1)
        || lua_tointeger(L, -1) < 0 || lua_tointeger(L, -1) > 65535) {
        fprintf(stderr, "fuzz: address is not {ip, port}\n");
        abort();
    }
    lua_pop(L, 2);
}

static void raw_sockaddr(lua_State *L, fz_src *s, int ip_only)
{
    uint8_t sel = fz_u8(s);
    size_t len = sel < 200 ? sel : s->n, got;
    const uint8_t *p = fz_bytes(s, len, &got);
    char *buf = malloc(got ? got : 1);
    if (!buf)
        abort();
    memcpy(buf, p, got);
    if (ip_only)
        lsctp_puship(L, (const struct sockaddr *)buf, (socklen_t)got);
    else
        lsctp_pushsockaddr(L, (const struct sockaddr *)buf, (socklen_t)got);
    free(buf);
    fz_dump(L, ip_only ? "puship" : "pushsockaddr", -1, -1);
    check_addr(L, -1, ip_only);
    lua_pop(L, 1);
}

static void names(lua_State *L, fz_src *s)
{
    uint8_t k = fz_u8(s);
    int sock, base, i, n, rc;
    sock = fz_opensocket(L, k & 1, k & 2);
    base = sock;
    lua_getfield(L, sock, k & 4 ? "peernames" : "socknames");
    lua_pushvalue(L, sock);
    switch ((k >> 3) & 3) {
    case 0: lua_pushnil(L); break;
    case 1: lua_pushinteger(L, (int32_t)fz_u32(s)); break;
    case 2:
        lua_createtable(L, 0, 1);
        lua_pushinteger(L, (int32_t)fz_u32(s));
        lua_setfield(L, -2, "assoc_id");
        break;
    default: fz_pushvalue(L, s, addr_dict, 1);
    }
    rc = lua_pcall(L, 2, LUA_MULTRET, 0);
    fz_dump(L, k & 4 ? "peernames" : "socknames", base + 1, lua_gettop(L));
    if (rc == LUA_OK && lua_type(L, base + 1) == LUA_TTABLE) {
        n = (int)lua_rawlen(L, base + 1);
        for (i = 1; i <= n; i++) {
            lua_rawgeti(L, base + 1, i);
            check_addr(L, -1, 0);
            lua_pop(L, 1);
        }
    }
    lua_settop(L, sock);
    fz_closesocket(L, sock);
}

static void encode(lua_State *L, fz_src *s)
{
    static const char *const methods[] = {"bindx", "connectx", "sendx"};
    uint8_t k = fz_u8(s);
    const char *m = methods[k % 3];
    int sock, nargs;
    sock = fz_opensocket(L, k & 4, 0);
    if (k & 8) {
        fz_pushstring(L, s, addr_dict);
    } else {
        fz_pushvalue(L, s, addr_dict, 3);
    }
    if (k & 16)
        fz_pushvalue(L, s, addr_dict, 0);                 /* the port: any value */
    else
        lua_pushinteger(L, fz_u16(s));
    nargs = 2;
    if (k % 3 == 0) {
        lua_pushstring(L, k & 32 ? "remove" : "add");
        nargs = 3;
    } else if (k % 3 == 2) {
        lua_createtable(L, 0, 2);                          /* sndrcvinfo */
        lua_pushinteger(L, fz_u8(s));
        lua_setfield(L, -2, "stream");
        lua_pushliteral(L, "payload");                     /* data */
        nargs = 4;
    }
    fz_method(L, sock, m, nargs);
    fz_closesocket(L, sock);
}

static int run(lua_State *L)
{
    fz_src *s = lua_touserdata(L, 1);
    int rounds = 0;
    while (!fz_empty(s) && rounds++ < 16) {
        switch (fz_u8(s) % 4) {
        case 0: raw_sockaddr(L, s, 0); break;
        case 1: raw_sockaddr(L, s, 1); break;
        case 2: names(L, s); break;
        default: encode(L, s);
        }
        lua_settop(L, 1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fz_run_input(data, size, run);
}
