/* Field rows: one row per struct member (its Lua name, kind, offset, size,
 * range, names), the one description of a kernel struct that both
 * directions use. The engine in codec.c reads a member into a Lua value
 * (lsctp_push_field, lsctp_push_fields) and checks a Lua value into a
 * member (lsctp_check_field); options.c, sndrcvinfo.c and notify.c hold
 * the rows.
 *
 * Members are read and written with memcpy at their offsets: several
 * kernel structs are packed, so direct member access could be unaligned. */
#ifndef LSCTP_CODEC_H
#define LSCTP_CODEC_H

#include "lsctp.h"

#include <arpa/inet.h>
#include <string.h>

typedef enum {
    F_INT,          /* an integer in [min, max] */
    F_BOOL,         /* a boolean (any non-zero value reads true) */
    F_ENUM,         /* read: names[v] (const char *const[], nnames of them), else v; not written */
    F_CHOICE,       /* the bits of `mask` as one name of an lsctp_flagname list, both ways */
    F_FLAGS,        /* an array of names (lsctp_flagname list); writes the bits of `mask` (0: all) */
    F_ADDR,         /* a struct sockaddr_storage as {ip, port}; written from one address */
    F_RECORD        /* a struct inside the struct, as a record of the rows `names`; not written */
} lsctp_fieldtype;

/* row flags */
#define LSCTP_FKEY 1u     /* identifies what an option reads (assoc_id, address) */
#define LSCTP_FNET 2u     /* the member is in network byte order */
#define LSCTP_FIGNORE 4u  /* receive-only: a value given is checked, not stored */

typedef struct lsctp_field {
    const char *name;
    unsigned char type;     /* lsctp_fieldtype */
    unsigned char flags;    /* LSCTP_F* */
    unsigned short offset, size;
    long long min, max;     /* F_INT; min < 0 reads a 4-byte member as signed */
    const void *names;      /* F_ENUM: const char *const[]; F_FLAGS, F_CHOICE:
                               lsctp_flagname[]; F_RECORD: lsctp_field[] */
    int nnames;             /* F_ENUM: how many names; F_ADDR: where a missing port comes from */
    unsigned mask;          /* F_FLAGS, F_CHOICE: the bits of the member this field owns */
    const char *unknown;    /* F_CHOICE: the problem for a name not in the list ("%s" the name) */
    const struct lsctp_field *when;   /* read only when this member's `mask` bits are not all 0 */
} lsctp_field;

/* F_ADDR, nnames: an address given without a port takes the association's
 * peer port or local port (Linux matches the whole sockaddr). */
enum { LSCTP_PORT_FROM_PEER = 1, LSCTP_PORT_FROM_LOCAL = 2 };

/* Rows. The range (the last argument) is "min, max" or U16/U32/S32. */
#define LSCTP_FIELD(st, m, n, t, fl, names, nn, mask, unk, when, ...) \
    {n, t, fl, offsetof(st, m), sizeof(((st *)0)->m), __VA_ARGS__, names, nn, mask, unk, when}
#define FLD(st, m, n, t, ...) LSCTP_FIELD(st, m, n, t, 0, NULL, 0, 0, NULL, NULL, __VA_ARGS__)
#define NETF(st, m, n, ...) LSCTP_FIELD(st, m, n, F_INT, LSCTP_FNET, NULL, 0, 0, NULL, NULL, __VA_ARGS__)
#define KEY(st, m, n, t, ...) LSCTP_FIELD(st, m, n, t, LSCTP_FKEY, NULL, 0, 0, NULL, NULL, __VA_ARGS__)
#define ENUMF(st, m, n, names) \
    LSCTP_FIELD(st, m, n, F_ENUM, 0, names, (int)(sizeof names / sizeof names[0]), 0, NULL, NULL, 0, 0)
#define FLAGSF(st, m, n, names) LSCTP_FIELD(st, m, n, F_FLAGS, 0, names, 0, 0, NULL, NULL, 0, 0)
#define CHOICEF(st, m, n, names, mask, unknown) \
    LSCTP_FIELD(st, m, n, F_CHOICE, 0, names, 0, mask, unknown, NULL, 0, 0)
#define RECORDF(st, m, n, rows) LSCTP_FIELD(st, m, n, F_RECORD, 0, rows, 0, 0, NULL, NULL, 0, 0)
/* an address field; `from` fills a missing port (LSCTP_PORT_FROM_PEER/LOCAL) */
#define ADDRF(st, m, n, key, from) LSCTP_FIELD(st, m, n, F_ADDR, key, NULL, from, 0, NULL, NULL, 0, 0)
#define END {NULL, 0, 0, 0, 0, 0, 0, NULL, 0, 0, NULL, NULL}
#define U16 0, 65535
#define U32 0, 4294967295LL
#define U64 0, 9223372036854775807LL   /* read-only counters */
#define S32 (-2147483647LL - 1), 2147483647LL
#define ASSOC(st, m) KEY(st, m, "assoc_id", F_INT, S32)

/* Before a loop over constant rows: unrolled, each row folds into plain code. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 8
#define LSCTP_UNROLL _Pragma("GCC unroll 16")
#elif defined(__clang__)
#define LSCTP_UNROLL _Pragma("unroll")
#else
#define LSCTP_UNROLL
#endif

/* The integer in the member (host order, signed when min < 0). Inline, as
 * is lsctp_push_row: a decoder that runs per message (sndrcvinfo) loops
 * over its constant rows unrolled, and the compiler folds each row into
 * the plain code a hand-written decoder would be. */
static inline long long lsctp_get_raw(const char *base, const lsctp_field *f)
{
    uint8_t u8; uint16_t u16; uint32_t u32; int32_t s32; uint64_t u64;
    switch (f->size) {
    case 1: memcpy(&u8, base + f->offset, 1); return u8;
    case 8: memcpy(&u64, base + f->offset, 8); return (long long)u64;   /* counters */
    case 2:
        memcpy(&u16, base + f->offset, 2);
        return f->flags & LSCTP_FNET ? ntohs(u16) : u16;
    default:
        if (f->min < 0) { memcpy(&s32, base + f->offset, 4); return s32; }
        memcpy(&u32, base + f->offset, 4);
        return f->flags & LSCTP_FNET ? ntohl(u32) : u32;
    }
}

/* Stores v in the member (in network order for LSCTP_FNET). */
static inline void lsctp_put_raw(char *base, const lsctp_field *f, long long v)
{
    uint8_t u8 = (uint8_t)v; uint16_t u16 = (uint16_t)v; uint32_t u32 = (uint32_t)v;
    uint64_t u64 = (uint64_t)v;
    switch (f->size) {
    case 1: memcpy(base + f->offset, &u8, 1); break;
    case 8: memcpy(base + f->offset, &u64, 8); break;
    case 2:
        if (f->flags & LSCTP_FNET)
            u16 = htons(u16);
        memcpy(base + f->offset, &u16, 2);
        break;
    default:
        if (f->flags & LSCTP_FNET)
            u32 = htonl(u32);
        memcpy(base + f->offset, &u32, 4);
        break;
    }
}

/* Pushes the value of one field of the struct at base. */
void lsctp_push_field(lua_State *L, const char *base, const lsctp_field *f);
/* Sets the field into the table on top (unless its `when` bits are 0). */
static inline void lsctp_push_row(lua_State *L, const char *base, const lsctp_field *f)
{
    if (f->when && !((unsigned)lsctp_get_raw(base, f->when) & f->when->mask))
        return;
    if (f->type == F_INT)
        lua_pushinteger(L, (lua_Integer)lsctp_get_raw(base, f));
    else
        lsctp_push_field(L, base, f);
    lua_setfield(L, -2, f->name);
}

/* Sets every field of rows (up to END) into the table on top. */
void lsctp_push_fields(lua_State *L, const char *base, const lsctp_field *rows);
/* Writes the Lua value at idx into the field. s (NULL when there is no
 * socket) resolves F_ADDR fields. Errors name `what` and `field` (NULL: the
 * value is `what` itself); returns 0, or 3 with nil, err, detail pushed when
 * an address does not resolve. */
int lsctp_check_field(lua_State *L, lsctp_socket *s, char *base, const lsctp_field *f,
                      int idx, const char *what, const char *field);
/* lsctp_check_field with the common case (an integer in range) inline:
 * per sent message (sndrcvinfo). */
static inline int lsctp_check_row(lua_State *L, char *base, const lsctp_field *f, int idx,
                                  const char *what, const char *field)
{
    if (f->type == F_INT && lua_isinteger(L, idx)) {
        lua_Integer v = lua_tointeger(L, idx);
        if (v >= f->min && v <= f->max) {
            if (!(f->flags & LSCTP_FIGNORE))
                lsctp_put_raw(base, f, v);
            return 0;
        }
    }
    return lsctp_check_field(L, NULL, base, f, idx, what, field);
}

/* The name of the lsctp_flagname entry with this value, or NULL. */
const char *lsctp_choice_name(const lsctp_flagname *names, unsigned v);

/* The row named `name`, or NULL. */
const lsctp_field *lsctp_find_field(const lsctp_field *rows, const char *name);

/* The one error format of the codec: every codec error is raised by
 * lsctp_field_error, "<what>: field '<field>': <problem>" (or "<what>:
 * <problem>" when field is NULL); the checkers of args.c and addr.c that
 * word a problem themselves get lsctp_field_what's prefix as their `what`. */
const char *lsctp_field_what(char *buf, size_t size, const char *what, const char *field);
int lsctp_field_error(lua_State *L, const char *what, const char *field, const char *fmt, ...);
#define LSCTP_WHAT_MAX 160

#endif
