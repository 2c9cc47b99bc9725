/* The usrsctp backend's notification converters (csrc/usrsctp/
 * notify_usrsctp.c), fed what usrsctp_recvv hands over for a message
 * flagged MSG_NOTIFICATION, and their results fed on to the kernel side's
 * decoder: usrsctp bytes -> Linux form -> Lua table.
 *
 * Input: two control bytes, ctl and k, then the notification (n bytes,
 * any length, any type code, lengths that lie). The notification starts
 * (ctl >> 2) & 7 bytes past an 8-aligned address: a notification that cuts
 * a partial delivery short (the pdapi abort) is read right after the part
 * already read (csrc/recv.c rx_target), at any offset. ctl & 3 says where
 * lsctp_usr_old_send_failed writes the old send_failed form:
 *   0  a buffer of its own, room = m + 48 - k (m: the translated length;
 *      48 = sizeof(struct lx_send_failed), the room note_finish in
 *      backend_usrsctp.c guarantees; k = 32 is exactly what an honest
 *      send_failed_event needs, more is short)
 *   1  in place (out == ev), the buffer grown to that room
 *   2  right after ev in the same buffer, as note_finish does when both
 *      forms are subscribed: ev must stay intact
 *   3  a buffer of its own, room = k
 *
 * The notification is translated in place at the end of an allocation
 * that ends exactly after its n bytes, so ASan reports any read or write
 * past n (UBSan any access that assumes alignment); every buffer
 * old_send_failed writes ends exactly at its room. Checked:
 * the translated length is <= n; a translated notification (n >= 8) has a
 * Linux type (0x8001..0x800d, 0x7fff for none) and the one
 * lsctp_usr_lx_type gives; the bytes past the largest fixed part are left
 * as they were (the backend passes a notification's later pieces on
 * untranslated); the old form is <= room, has type SCTP_SEND_FAILED, an
 * ssf_length equal to its size and the event's data bounded by
 * ssfe_length, and is made exactly when it fits. Each result goes through
 * lsctp_pushnotification as fuzz_notify.c drives it (at the end of its
 * allocation, at an odd address for odd lengths), which must name its
 * event. */
#include "fuzz.h"

#include "../csrc/usrsctp/usock.h"

#include <stdio.h>
#include <stdlib.h>

/* usrsctp's largest fixed part: struct sctp_paddr_change (152 bytes);
 * everything after it is a tail the translation must not touch. */
#define USR_FIXED_MAX 152u
/* usrsctp's struct sctp_send_failed_event up to ssfe_data (= Linux's) */
#define USR_SSFE_HEAD 32u

static void fail(const char *what)
{
    fprintf(stderr, "fuzz: %s\n", what);
    abort();
}

static uint16_t get16(const char *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint32_t get32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static int decode(lua_State *L)
{
    const fz_input *in = lua_touserdata(L, 1);
    lsctp_pushnotification(L, in->buf, in->len);
    fz_dump(L, "event", -1, -1);
    if (lua_type(L, -1) != LUA_TTABLE)
        fail("lsctp_pushnotification pushed no table");
    lua_getfield(L, -1, "event");
    if (lua_type(L, -1) != LUA_TSTRING)
        fail("notification table without an event name");
    return 0;
}

/* exactly n bytes (0 too: ASan then reports any access) */
static char *xmalloc(size_t n)
{
    char *p = malloc(n);
    if (!p)
        abort();
    return p;
}

/* The old form r bytes long in out, made from the translated ev (m bytes). */
static void check_old(const char *ev, size_t m, const char *out, size_t r, size_t room)
{
    struct lx_send_failed lx;
    uint32_t sl;
    size_t data;
    if (r > room)
        fail("old send_failed longer than its room");
    if (m < USR_SSFE_HEAD || get16(ev) != LX_SCTP_SEND_FAILED_EVENT) {
        if (r)
            fail("old send_failed made from what is no send_failed_event");
        return;
    }
    sl = get32(ev + 4);
    data = (sl < m ? (sl > USR_SSFE_HEAD ? sl : USR_SSFE_HEAD) : m) - USR_SSFE_HEAD;
    if (!r) {
        if (room >= sizeof lx + data)
            fail("old send_failed not made though it fits");
        return;
    }
    if (r != sizeof lx + data)
        fail("old send_failed's data not the event's (bounded by ssfe_length)");
    memcpy(&lx, out, sizeof lx);
    if (lx.ssf_type != LX_SCTP_SEND_FAILED || lx.ssf_length != r)
        fail("old send_failed's type or length wrong");
    if (lx.ssf_flags != get16(ev + 2) || lx.ssf_error != get32(ev + 8)
        || lx.ssf_assoc_id != (int32_t)get32(ev + 28) || lx.ssf_info.sinfo_stream != get16(ev + 12))
        fail("old send_failed's fields not the event's");
    if (data && memcmp(out + sizeof lx, ev + USR_SSFE_HEAD, data) != 0)
        fail("old send_failed's data changed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned ctl = size > 0 ? data[0] : 0, k = size > 1 ? data[1] : 0;
    unsigned mode = ctl & 3, shift = (ctl >> 2) & 7;
    size_t skip = size < 2 ? size : 2, n = size - skip, m, room, r, total;
    char *orig = xmalloc(n), *base = xmalloc(shift + n), *buf = base + shift, *ev, *out;
    memcpy(orig, data + skip, n);
    memcpy(buf, orig, n);

    m = lsctp_usr_translate_notification(buf, n);
    if (fz_verbose)
        fprintf(stderr, "translate: %zu -> %zu bytes, type 0x%04x -> 0x%04x\n", n, m,
                n >= 2 ? get16(orig) : 0, m >= 2 ? get16(buf) : 0);
    if (m > n)
        fail("translated notification longer than usrsctp's");
    if (n < 8) {
        if (m != n || memcmp(buf, orig, n) != 0)
            fail("a notification shorter than its header changed");
    } else {
        uint16_t t = get16(buf), from = get16(orig), back;
        if (m < 8)
            fail("translated notification lost its header");
        if (t != 0x7fff && !(t & 0x8000))
            fail("translated notification without a Linux type");
        if (t != lsctp_usr_lx_type(from))
            fail("translated type is not lsctp_usr_lx_type's");
        back = lsctp_usr_event_type(t);
        if (t != 0x7fff && back != from && !(from == 4 && back == 14))
            fail("lsctp_usr_event_type does not map the type back");
        if (m > USR_FIXED_MAX && memcmp(buf + USR_FIXED_MAX, orig + USR_FIXED_MAX, m - USR_FIXED_MAX) != 0)
            fail("translation changed bytes past the fixed part");
    }
    fz_protected_bytes((const uint8_t *)buf, m, decode);

    /* the old form, made from the translated one */
    room = m + sizeof(struct lx_send_failed) > k ? m + sizeof(struct lx_send_failed) - k : 0;
    if (mode == 3)
        room = k;
    if (mode == 1 && room < m)
        room = m;
    total = mode == 1 ? room : mode == 2 ? m + room : m;
    memcpy(orig, buf, m);   /* from now on: the translated form */
    free(base);
    base = xmalloc(shift + total);   /* the translated form in it, shift bytes in */
    ev = base + shift;
    memcpy(ev, orig, m);
    out = mode == 1 ? ev : mode == 2 ? ev + m : xmalloc(room);
    r = lsctp_usr_old_send_failed(ev, m, out, room);
    if (fz_verbose)
        fprintf(stderr, "old_send_failed: mode %u, room %zu -> %zu\n", mode, room, r);
    check_old(orig, m, out, r, room);
    if (mode == 2 && memcmp(ev, orig, m) != 0)
        fail("old send_failed written after the event changed the event");
    if (r)
        fz_protected_bytes((const uint8_t *)out, r, decode);
    if (out != ev && out != ev + m)
        free(out);
    free(base);
    free(orig);
    return 0;
}
