/* Notifications: lsctp_pushnotification (csrc/notify.c) over arbitrary
 * bytes of any length, as recv hands it a message flagged MSG_NOTIFICATION.
 * The bytes sit at the very end of their allocation, so any read past `len`
 * is reported; odd lengths start at an odd address (the decoder must not
 * assume alignment). The event table must always name its event. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

static int run(lua_State *L)
{
    const fz_input *in = lua_touserdata(L, 1);
    lsctp_pushnotification(L, in->buf, in->len);
    fz_dump(L, "event", -1, -1);
    if (lua_type(L, -1) != LUA_TTABLE)
        abort();
    lua_getfield(L, -1, "event");
    if (lua_type(L, -1) != LUA_TSTRING) {
        fprintf(stderr, "fuzz: notification table without an event name\n");
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_protected_bytes(data, size, run);
    return 0;
}
