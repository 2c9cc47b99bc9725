/* Ancillary data and the receive path: sock:recv() and recv_many (csrc/recv.c
 * l_recv, l_recv_many, rx_one, rx_control, rx_deliver) over a fake recvmsg that returns the input's
 * segments: arbitrary msg_flags, source addresses of any length, cmsg
 * chains (well-formed or not, SCTP_SNDRCV or other) within msg_controllen,
 * data in partial deliveries; plus lsctp_pushsndrcvinfo on raw bytes.
 *
 * Input: u8 config (bit0 inet6, bit1 stream, bit2 list mode, bits 3-4 the
 * buffer size, bit5 a raw sndrcvinfo follows, bit6 every other call is
 * recv_many), [sizeof sndrcvinfo bytes],
 * then recvmsg segments (see f_recvmsg in fuzz_common.c) consumed by up to
 * 64 recv calls. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

static void check_result(lua_State *L, int base)
{
    int n = lua_gettop(L) - base;
    if (n == 4) {
        /* from_ip, from_port, ancdata, data */
        if (lua_type(L, base + 1) != LUA_TSTRING || !lua_isinteger(L, base + 2)
            || lua_type(L, base + 3) != LUA_TTABLE
            || (lua_type(L, base + 4) != LUA_TSTRING && lua_type(L, base + 4) != LUA_TTABLE)) {
            fprintf(stderr, "fuzz: recv returned a malformed message\n");
            abort();
        }
    } else if (n == 3) {
        if (!lua_isnil(L, base + 1) || lua_type(L, base + 2) != LUA_TSTRING) {
            fprintf(stderr, "fuzz: recv failure without an error name\n");
            abort();
        }
    } else {
        fprintf(stderr, "fuzz: recv returned %d values\n", n);
        abort();
    }
}

static int run(lua_State *L)
{
    static const lua_Integer chunks[] = {256, 1024, 65536, 0};
    fz_src *s = lua_touserdata(L, 1);
    uint8_t cfg = fz_u8(s);
    int sock, i;

    if (cfg & 32) {
        struct sctp_sndrcvinfo info;
        size_t got;
        const uint8_t *p = fz_bytes(s, sizeof info, &got);
        memset(&info, 0, sizeof info);
        memcpy(&info, p, got);
        lsctp_pushsndrcvinfo(L, &info);
        lua_pop(L, 1);
    }

    sock = fz_opensocket(L, cfg & 1, cfg & 2);
    if (cfg & 4) {
        lua_pushliteral(L, "list");
        fz_method(L, sock, "setmode", 1);
    }
    if (chunks[(cfg >> 3) & 3]) {
        lua_pushinteger(L, chunks[(cfg >> 3) & 3]);
        fz_method(L, sock, "setbuffer", 1);
    }
    for (i = 0; i < 64 && !fz_empty(s); i++) {
        int base = lua_gettop(L), many = (cfg & 64) && i % 2 == 1;
        lua_getfield(L, sock, many ? "recv_many" : "recv");
        lua_pushvalue(L, sock);
        if (many)
            lua_pushinteger(L, i % 3 == 0 ? 1 : 2 + i);
        if (lua_pcall(L, many ? 2 : 1, LUA_MULTRET, 0) != LUA_OK) {
            fprintf(stderr, "fuzz: %s raised: %s\n", many ? "recv_many" : "recv",
                    lua_tostring(L, -1));
            abort();
        }
        fz_unpoison_all();
        fz_dump(L, many ? "recv_many" : "recv", base + 1, lua_gettop(L));
        if (many && lua_gettop(L) == base + 1) {
            /* an array of {from_ip, from_port, ancdata, data} */
            int j, n;
            if (lua_type(L, base + 1) != LUA_TTABLE || (n = (int)lua_rawlen(L, base + 1)) < 1) {
                fprintf(stderr, "fuzz: recv_many returned no messages\n");
                abort();
            }
            for (j = 1; j <= n; j++) {
                int k, top;
                lua_rawgeti(L, base + 1, j);
                top = lua_gettop(L);
                for (k = 1; k <= 4; k++)
                    lua_rawgeti(L, top, k);
                check_result(L, top);
                lua_settop(L, base + 1);
            }
        } else {
            check_result(L, base);
        }
        lua_settop(L, base);
    }
    fz_closesocket(L, sock);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fz_run_input(data, size, run);
}
