/* The option encoder: Lua values -> C structs (csrc/options.c l_setopt,
 * l_getopt, csrc/sndrcvinfo.c lsctp_checksndrcvinfo, csrc/io.c the send
 * paths, send_many
 * included), against
 * the fake backend: its setsockopt reads every byte of optlen, its
 * getsockopt reads the caller's struct and answers from the input (or
 * fails), its sendmsg checks the cmsg chain. The encoder must raise a Lua
 * error or encode within bounds; a sndrcvinfo that encodes must decode
 * back to the same integers.
 *
 * Option names come from core.optnames(); field names and string values
 * from a dictionary of every identifier-like string literal in csrc (made
 * by fuzz/run into names.h), so new options and fields are fuzzed without
 * touching this file.
 *
 * Input: u8 config (bit0 inet6, bit1 stream), then a sequence of up to 24
 * operations, each a u8 selector (% 8; 7 with bit 6 is send_many; 0xfe
 * markclosing, 0xff close) and the bytes its values are built from. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "names.h"   /* static const char *const fz_names[] = {..., NULL}; */

static const char **optnames;
static size_t noptnames;

static void load_optnames(lua_State *L)
{
    size_t i;
    if (optnames)
        return;
    fz_pushcore(L);
    lua_getfield(L, -1, "optnames");
    lua_call(L, 0, 1);
    noptnames = lua_rawlen(L, -1);
    optnames = calloc(noptnames + 1, sizeof *optnames);
    if (!optnames || noptnames == 0)
        abort();
    for (i = 0; i < noptnames; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        optnames[i] = strdup(lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
}

static void push_optname(lua_State *L, fz_src *s)
{
    uint8_t k = fz_u8(s);
    if (k < 0xf0)
        lua_pushstring(L, optnames[k % noptnames]);
    else
        fz_pushstring(L, s, fz_names);
}

static const char *const addr_words[] = {
    "127.0.0.1", "::1", "0.0.0.0", "::", "::ffff:127.0.0.1", "any", "loopback",
    "hostname", "6host", "xoversized", "efail", "nosuchhost", "", NULL};

/* A record for an option: keys from the dictionary, values of any type,
 * most of them small integers, booleans, flag arrays, dictionary words or
 * addresses so that the encoder gets past the type checks. */
static void push_record(lua_State *L, fz_src *s)
{
    int i, n = fz_u8(s) % 6;
    lua_createtable(L, 0, n);
    for (i = 0; i < n && !fz_empty(s); i++) {
        uint8_t k = fz_u8(s);
        fz_pushstring(L, s, fz_names);
        switch (k % 7) {
        case 0: lua_pushinteger(L, fz_u8(s)); break;
        case 1: lua_pushboolean(L, k & 8); break;
        case 2: {
            int j, m = fz_u8(s) % 4;
            lua_createtable(L, m, 0);
            for (j = 1; j <= m; j++) {
                fz_pushstring(L, s, fz_names);
                lua_rawseti(L, -2, j);
            }
            break;
        }
        case 3: fz_pushstring(L, s, fz_names); break;
        case 4: fz_pushstring(L, s, addr_words); break;
        case 5:                                   /* {ip, port} */
            lua_createtable(L, 2, 0);
            fz_pushstring(L, s, addr_words);
            lua_rawseti(L, -2, 1);
            lua_pushinteger(L, fz_u16(s));
            lua_rawseti(L, -2, 2);
            break;
        default: fz_pushvalue(L, s, fz_names, 2);
        }
        if (lua_isnil(L, -1)) {
            lua_pop(L, 2);
            continue;
        }
        lua_rawset(L, -3);
    }
}

static void push_value(lua_State *L, fz_src *s)
{
    if (fz_u8(s) & 1)
        push_record(L, s);
    else
        fz_pushvalue(L, s, fz_names, 3);
}

/* A send_many list: up to 71 entries (past one batch of 64), each
 * {sndrcvinfo, data}, {assoc, stream, data} or any value. */
static void push_many(lua_State *L, fz_src *s)
{
    int i, n = fz_u8(s) % 72;
    lua_createtable(L, n, 0);
    for (i = 1; i <= n && !fz_empty(s); i++) {
        uint8_t k = fz_u8(s);
        switch (k % 5) {
        case 0: case 1:
            lua_createtable(L, 2, 0);
            if (k & 0x80)
                push_record(L, s);
            else
                lua_createtable(L, 0, 0);
            lua_rawseti(L, -2, 1);
            break;
        case 2: case 3:
            lua_createtable(L, 3, 0);
            if (k & 0x80)
                fz_pushvalue(L, s, fz_names, 1);
            else
                lua_pushinteger(L, (int32_t)fz_u32(s));
            lua_rawseti(L, -2, 1);
            if (k & 0x40)
                fz_pushvalue(L, s, fz_names, 0);
            else
                lua_pushinteger(L, fz_u8(s));
            lua_rawseti(L, -2, 2);
            break;
        default:
            fz_pushvalue(L, s, fz_names, 2);
            lua_rawseti(L, -2, i);
            continue;
        }
        /* the data: a short string, or any value */
        if (k & 0x20)
            fz_pushvalue(L, s, fz_names, 1);
        else
            lua_pushlstring(L, "message", fz_u8(s) % 8);
        lua_rawseti(L, -2, k % 5 < 2 ? 2 : 3);
        lua_rawseti(L, -2, i);
    }
}

/* lsctp_checksndrcvinfo then lsctp_pushsndrcvinfo (the one row set of
 * csrc/sndrcvinfo.c both ways): the integers and the policy given come
 * back unchanged. */
static int roundtrip(lua_State *L)
{
    static const char *const ints[] = {"stream", "ppid", "context", "assoc_id", NULL};
    struct sctp_sndrcvinfo info;
    int i;
    memset(&info, 0, sizeof info);
    lsctp_checksndrcvinfo(L, 1, &info, "fuzz");
    lsctp_pushsndrcvinfo(L, &info);
    for (i = 0; ints[i]; i++) {
        lua_getfield(L, 1, ints[i]);
        lua_getfield(L, 2, ints[i]);
        if (!lua_isnil(L, -2) && !lua_rawequal(L, -1, -2)) {
            const char *in = luaL_tolstring(L, -2, NULL);
            const char *out = luaL_tolstring(L, -2, NULL);
            fprintf(stderr, "fuzz: sndrcvinfo field %s: %s in, %s out\n", ints[i], in, out);
            abort();
        }
        lua_pop(L, 2);
    }
    /* the policy, kept in bits of sinfo_flags, comes back unless "none" */
    lua_getfield(L, 1, "pr_policy");
    lua_getfield(L, 2, "pr_policy");
    if (lua_type(L, -2) == LUA_TSTRING
        && (strcmp(lua_tostring(L, -2), "none") == 0 ? !lua_isnil(L, -1) : !lua_rawequal(L, -1, -2))) {
        fprintf(stderr, "fuzz: sndrcvinfo field pr_policy: %s in, %s out\n", lua_tostring(L, -2),
                luaL_typename(L, -1));
        abort();
    }
    return 0;
}

static int run(lua_State *L)
{
    fz_src *s = lua_touserdata(L, 1);
    uint8_t cfg = fz_u8(s);
    int sock, ops = 0;

    load_optnames(L);
    sock = fz_opensocket(L, cfg & 1, cfg & 2);
    while (!fz_empty(s) && ops++ < 24) {
        uint8_t op = fz_u8(s);
        if (op >= 0xfe) {                    /* later calls see a closed socket */
            fz_method(L, sock, op == 0xfe ? "markclosing" : "close", 0);
            continue;
        }
        switch (op % 8) {
        case 0: case 1:                      /* setopt(name, value) */
            push_optname(L, s);
            push_value(L, s);
            fz_method(L, sock, "setopt", 2);
            break;
        case 2: case 3:                      /* getopt(name [, keys]) */
            push_optname(L, s);
            if (op & 0x80) {
                push_value(L, s);
                fz_method(L, sock, "getopt", 2);
            } else {
                fz_method(L, sock, "getopt", 1);
            }
            break;
        case 4:                              /* send(sndrcvinfo, data) */
            push_value(L, s);
            fz_pushvalue(L, s, fz_names, 2);
            fz_method(L, sock, "send", 2);
            break;
        case 5: {                            /* send_assoc / eof / abort */
            static const char *const m[] = {"send_assoc", "eof", "abort"};
            int which = (op >> 3) % 3;
            fz_pushvalue(L, s, fz_names, 1);
            fz_pushvalue(L, s, fz_names, 2);
            if (which == 0) {
                fz_pushvalue(L, s, fz_names, 2);
                fz_method(L, sock, m[which], 3);
            } else {
                fz_method(L, sock, m[which], 2);
            }
            break;
        }
        case 6: {                            /* sndrcvinfo round trip */
            lua_pushcfunction(L, roundtrip);
            push_record(L, s);
            (void)lua_pcall(L, 1, 0, 0);
            lua_settop(L, sock);
            break;
        }
        default:
            if (op & 0x40) {                 /* send_many(list [, first]) */
                push_many(L, s);
                if (op & 0x20) {
                    fz_pushvalue(L, s, fz_names, 0);
                    fz_method(L, sock, "send_many", 2);
                } else {
                    fz_method(L, sock, "send_many", 1);
                }
                break;
            }
            /* sendx(addrs, port, sinfo, data) */
            fz_pushvalue(L, s, fz_names, 2);
            lua_pushinteger(L, 1 + fz_u8(s));
            push_value(L, s);
            fz_pushvalue(L, s, fz_names, 1);
            fz_method(L, sock, "sendx", 4);
        }
        lua_settop(L, sock);
    }
    fz_closesocket(L, sock);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fz_run_input(data, size, run);
}
