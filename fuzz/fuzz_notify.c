/* Notifications: lsctp_pushnotification (csrc/notify.c) over arbitrary
 * bytes of any length, as recv hands it a message flagged MSG_NOTIFICATION.
 * The bytes sit at the very end of their allocation, so any read past `len`
 * is reported; odd lengths start at an odd address (the decoder must not
 * assume alignment). The event table must always name its event. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    const char *buf;
    size_t len;
} input;

static int run(lua_State *L)
{
    const input *in = lua_touserdata(L, 1);
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
    lua_State *L = fz_lua();
    size_t shift = size & 1;
    char *copy = malloc(size + shift);
    input in;
    if (!copy)
        abort();
    if (size)
        memcpy(copy + shift, data, size);
    in.buf = copy + shift;
    in.len = size;
    fz_protected(L, run, &in);
    free(copy);
    return 0;
}
