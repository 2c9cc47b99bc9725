/* Shared pieces of the libFuzzer harnesses (fuzz/fuzz_NAME.c).
 *
 * Every harness links the project's csrc objects (built with coverage and
 * ASan/UBSan) and drives the internal functions or, through the socket
 * userdata's backend pointer, the methods themselves: a socket made with
 * lsctp_newsocket gets `fz_backend`, a fake SCTP stack that answers from the
 * fuzzer's bytes, so recv/getsockopt/getaddrs see arbitrary "kernel" data
 * and sendmsg/setsockopt/bindx check that every byte they were handed is
 * readable.
 *
 * Where the kernel gives a length (msg_controllen, msg_namelen, the bytes
 * of a recvmsg, a getsockopt's optlen), the fake poisons the rest of the
 * caller's buffer for ASan while the call that reads it runs, so reading
 * past what "the kernel" filled is reported even inside the caller's own
 * buffer. */
#ifndef FUZZ_H
#define FUZZ_H

#include "../csrc/lsctp.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* --- the fuzzer's bytes as a stream -------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t n;
} fz_src;

/* Current input, read by the fake backend and the value builders. */
extern fz_src *fz_in;

static inline int fz_empty(fz_src *s) { return s->n == 0; }

static inline uint8_t fz_u8(fz_src *s)
{
    uint8_t v = 0;
    if (s->n) { v = *s->p++; s->n--; }
    return v;
}

static inline uint16_t fz_u16(fz_src *s)
{
    uint16_t hi = fz_u8(s);
    return (uint16_t)(hi << 8 | fz_u8(s));
}

static inline uint32_t fz_u32(fz_src *s)
{
    uint32_t hi = fz_u16(s);
    return hi << 16 | fz_u16(s);
}

static inline uint64_t fz_u64(fz_src *s)
{
    uint64_t hi = fz_u32(s);
    return hi << 32 | fz_u32(s);
}

/* An integer in [lo, hi] (hi - lo < 2^32). */
static inline uint32_t fz_range(fz_src *s, uint32_t lo, uint32_t hi)
{
    uint32_t span = hi - lo + 1, v;
    if (span == 0)
        return fz_u32(s);
    v = span <= 0x100 ? fz_u8(s) : span <= 0x10000 ? fz_u16(s) : fz_u32(s);
    return lo + v % span;
}

/* Up to `want` bytes (fewer when the input runs out); *got says how many. */
static inline const uint8_t *fz_bytes(fz_src *s, size_t want, size_t *got)
{
    const uint8_t *p = s->p;
    if (want > s->n)
        want = s->n;
    s->p += want;
    s->n -= want;
    *got = want;
    return p;
}

/* --- Lua ------------------------------------------------------------------ */

/* One lua_State for the whole run, with the sctp.core module loaded and
 * left in the registry (fz_pushcore). */
lua_State *fz_lua(void);
void fz_pushcore(lua_State *L);
/* Pushes a socket userdata using fz_backend. */
lsctp_socket *fz_newsocket(lua_State *L, int family, int type);
/* Pushes a socket on fz_backend (inet6 when `inet6`, one-to-one when
 * `stream`, else inet and one-to-many), makes it fz_current and returns its
 * stack index; fz_closesocket calls its close method and clears fz_current. */
int fz_opensocket(lua_State *L, int inet6, int stream);
void fz_closesocket(lua_State *L, int sock_idx);
/* Calls method `name` of the socket at sock_idx with the nargs values on
 * top of the stack, in protected mode; leaves nothing on the stack.
 * Returns the lua_pcall status. */
int fz_method(lua_State *L, int sock_idx, const char *name, int nargs);
/* Runs fn(L, ud) in protected mode with an empty stack and clears the stack
 * afterwards; every `gc_every` calls a full collection. */
void fz_protected(lua_State *L, lua_CFunction fn, void *ud);
/* The input as a decoder gets it from the kernel: its bytes at the very
 * end of their allocation (a read past them is reported), at an odd
 * address for odd lengths. fn(L) runs in fz_protected with a
 * const fz_input * as its light userdata. */
typedef struct {
    const char *buf;
    size_t len;
} fz_input;
void fz_protected_bytes(const uint8_t *data, size_t size, lua_CFunction fn);
/* The whole of LLVMFuzzerTestOneInput for a harness that reads the input
 * as a stream: fn(L) runs in fz_protected with the fz_src of [data,
 * data+size) as its light userdata argument and in fz_in. Returns 0. */
int fz_run_input(const uint8_t *data, size_t size, lua_CFunction fn);

/* A Lua value of any type built from the input: nil, booleans, integers
 * (with edge values), floats (NaN, inf), strings (from `dict` or raw
 * bytes), tables (arrays or records keyed from `dict`) up to `depth`. */
void fz_pushvalue(lua_State *L, fz_src *s, const char *const *dict, int depth);
/* A string: one of dict (NULL-terminated) or a few raw bytes. */
void fz_pushstring(lua_State *L, fz_src *s, const char *const *dict);

/* With FUZZ_VERBOSE set in the environment, harnesses print what the code
 * returned (fz_dump), for looking at a reproducer: fz_verbose is then 1. */
extern int fz_verbose;
void fz_dump(lua_State *L, const char *label, int first, int last);

/* --- the fake backend ------------------------------------------------------ */

extern const lsctp_backend fz_backend;

/* Bytes the fake recvmsg delivers, one segment per call, from fz_in:
 * see fz_recvmsg in fuzz_common.c for the layout. Regions poisoned during a
 * call are unpoisoned by fz_unpoison_all (fz_method calls it). */
void fz_unpoison_all(void);
/* The socket a harness is driving (recv's heap buffer is tracked through it). */
extern lsctp_socket *fz_current;

/* Counters a harness may look at. */
extern unsigned long fz_sink;

#endif
