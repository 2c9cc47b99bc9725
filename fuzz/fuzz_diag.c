/* sock_diag replies: lsctp_pushdiag (csrc/diag.c) over arbitrary bytes, as
 * sctp.associations() hands it the kernel's netlink answer. The bytes sit
 * at the very end of their allocation, so any read past `len` is reported;
 * odd lengths start at an odd address (no alignment may be assumed). Every
 * record must be a table with a family and peer addresses. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

static int run(lua_State *L)
{
    const fz_input *in = lua_touserdata(L, 1);
    int i, n;
    lua_newtable(L);
    n = lsctp_pushdiag(L, in->buf, in->len, -1, 0);
    fz_dump(L, "associations", -1, -1);
    if (n != (int)lua_rawlen(L, -1))
        abort();
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "family");
        lua_getfield(L, -2, "peer_addrs");
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TTABLE) {
            fprintf(stderr, "fuzz: association record without family or peer_addrs\n");
            abort();
        }
        lua_pop(L, 3);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_protected_bytes(data, size, run);
    return 0;
}
