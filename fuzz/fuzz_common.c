/* Shared pieces of the harnesses: the Lua state, value builders, the fake
 * backend and a fake resolver. See fuzz.h. */
#include "fuzz.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <sanitizer/asan_interface.h>

#include <lualib.h>

fz_src *fz_in;
unsigned long fz_sink;
int fz_verbose;

LSCTP_API int luaopen_sctp_core(lua_State *L);
static void check_backend(void);

/* --- Lua ------------------------------------------------------------------ */

static lua_State *the_state;

lua_State *fz_lua(void)
{
    if (!the_state) {
        lua_State *L = luaL_newstate();
        if (!L)
            abort();
        luaL_openlibs(L);
        lua_pushcfunction(L, luaopen_sctp_core);
        lua_call(L, 0, 1);
        lua_setfield(L, LUA_REGISTRYINDEX, "fz.core");
        the_state = L;
        fz_verbose = getenv("FUZZ_VERBOSE") != NULL;
        check_backend();
    }
    return the_state;
}

void fz_pushcore(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "fz.core");
}

lsctp_socket *fz_newsocket(lua_State *L, int family, int type)
{
    lsctp_socket *s = lsctp_newsocket(L, 1000, family, type);
    s->be = &fz_backend;
    return s;
}

int fz_opensocket(lua_State *L, int inet6, int stream)
{
    fz_current = fz_newsocket(L, inet6 ? AF_INET6 : AF_INET, stream ? SOCK_STREAM : SOCK_SEQPACKET);
    return lua_gettop(L);
}

void fz_closesocket(lua_State *L, int sock_idx)
{
    fz_method(L, sock_idx, "close", 0);
    fz_current = NULL;
}

int fz_method(lua_State *L, int sock_idx, const char *name, int nargs)
{
    int base, rc;
    sock_idx = lua_absindex(L, sock_idx);
    base = lua_gettop(L) - nargs;
    lua_getfield(L, sock_idx, name);       /* via __index: the methods table */
    lua_pushvalue(L, sock_idx);
    lua_rotate(L, base + 1, 2);            /* method, sock, args... */
    rc = lua_pcall(L, nargs + 1, LUA_MULTRET, 0);
    fz_unpoison_all();
    fz_dump(L, name, base + 1, lua_gettop(L));
    /* look at what came back: error messages must be strings */
    if (rc != LUA_OK && lua_type(L, -1) != LUA_TSTRING) {
        fprintf(stderr, "fuzz: method %s raised a non-string error (%s)\n", name,
                luaL_typename(L, -1));
        abort();
    }
    lua_settop(L, base);
    return rc;
}

void fz_protected(lua_State *L, lua_CFunction fn, void *ud)
{
    static unsigned long calls;
    lua_settop(L, 0);
    lua_pushcfunction(L, fn);
    lua_pushlightuserdata(L, ud);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK && lua_type(L, -1) != LUA_TSTRING) {
        fprintf(stderr, "fuzz: non-string error object (%s)\n", luaL_typename(L, -1));
        abort();
    }
    fz_unpoison_all();
    lua_settop(L, 0);
    if (++calls % 256 == 0)
        lua_gc(L, LUA_GCCOLLECT, 0);
}

void fz_protected_bytes(const uint8_t *data, size_t size, lua_CFunction fn)
{
    lua_State *L = fz_lua();
    size_t shift = size & 1;
    char *copy = malloc(size + shift);
    fz_input in;
    if (!copy)
        abort();
    if (size)
        memcpy(copy + shift, data, size);
    in.buf = copy + shift;
    in.len = size;
    fz_protected(L, fn, &in);
    free(copy);
}

int fz_run_input(const uint8_t *data, size_t size, lua_CFunction fn)
{
    lua_State *L = fz_lua();
    fz_src s = {data, size};
    fz_in = &s;
    fz_protected(L, fn, &s);
    fz_in = NULL;
    return 0;
}

static void dump1(lua_State *L, int idx, int depth)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TTABLE && depth < 4) {
        const char *sep = "";
        fputc('{', stderr);
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            fputs(sep, stderr);
            sep = ", ";
            if (lua_type(L, -2) == LUA_TSTRING)
                fprintf(stderr, "%s = ", lua_tostring(L, -2));
            dump1(L, -1, depth + 1);
            lua_pop(L, 1);
        }
        fputc('}', stderr);
    } else if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len, i;
        const char *p = lua_tolstring(L, idx, &len);
        fputc('"', stderr);
        for (i = 0; i < len && i < 64; i++)
            fprintf(stderr, p[i] >= 32 && p[i] < 127 && p[i] != '"' ? "%c" : "\\x%02x",
                    (unsigned char)p[i]);
        fputs(len > 64 ? "...\"" : "\"", stderr);
    } else {
        fputs(luaL_tolstring(L, idx, NULL), stderr);
        lua_pop(L, 1);
    }
}

void fz_dump(lua_State *L, const char *label, int first, int last)
{
    int i;
    if (!fz_verbose)
        return;
    fprintf(stderr, "%s:", label);
    for (i = first; i <= last; i++) {
        fputc(' ', stderr);
        dump1(L, i, 0);
    }
    fputc('\n', stderr);
}

void fz_pushstring(lua_State *L, fz_src *s, const char *const *dict)
{
    size_t ndict = 0, got;
    uint8_t sel = fz_u8(s);
    const uint8_t *p;
    while (dict && dict[ndict])
        ndict++;
    if (ndict && sel < 0xe0) {
        lua_pushstring(L, dict[sel % ndict]);
        return;
    }
    p = fz_bytes(s, fz_u8(s) % 24, &got);
    lua_pushlstring(L, (const char *)p, got);
}

void fz_pushvalue(lua_State *L, fz_src *s, const char *const *dict, int depth)
{
    static const lua_Integer edges[] = {
        0, 1, -1, 2, 255, 256, 65535, 65536, 2147483647LL, -2147483647LL - 1,
        2147483648LL, 4294967295LL, 4294967296LL, LUA_MAXINTEGER, LUA_MININTEGER,
        1 << 30, (1 << 30) + 1, 5000, 60000, 1024};
    uint8_t kind = fz_u8(s);
    luaL_checkstack(L, 8, "fuzz");
    switch (kind % 12) {
    case 0: lua_pushnil(L); break;
    case 1: lua_pushboolean(L, kind & 0x80); break;
    case 2: case 3:
        lua_pushinteger(L, edges[fz_u8(s) % (sizeof edges / sizeof edges[0])]);
        break;
    case 4: lua_pushinteger(L, (lua_Integer)(int32_t)fz_u32(s)); break;
    case 5: lua_pushinteger(L, (lua_Integer)fz_u64(s)); break;
    case 6: {
        static const double f[] = {0.5, -0.0, 1e300, 2147483648.0, 3.0};
        uint8_t k = fz_u8(s);
        if (k < 5)
            lua_pushnumber(L, f[k]);
        else if (k < 7)
            lua_pushnumber(L, k == 5 ? NAN : INFINITY);
        else
            lua_pushnumber(L, (lua_Number)(int16_t)fz_u16(s) / 4.0);
        break;
    }
    case 7: case 8:
        fz_pushstring(L, s, dict);
        break;
    case 9: case 10: {   /* array */
        int i, n = depth > 0 ? fz_u8(s) % 20 : 0;
        if (n == 19)
            n = 17 + fz_u8(s) % 40;   /* past small limits (IOV_STACK) */
        lua_createtable(L, n, 0);
        for (i = 1; i <= n; i++) {
            if (fz_empty(s))
                break;
            fz_pushvalue(L, s, dict, depth - 1);
            lua_rawseti(L, -2, i);
        }
        break;
    }
    default: {           /* record */
        int i, n = depth > 0 ? fz_u8(s) % 8 : 0;
        lua_createtable(L, 0, n);
        for (i = 0; i < n && !fz_empty(s); i++) {
            uint8_t k = fz_u8(s);
            if (k % 16 == 0)
                lua_pushinteger(L, k / 16);      /* a non-string key */
            else
                fz_pushstring(L, s, dict);
            fz_pushvalue(L, s, dict, depth - 1);
            if (lua_isnil(L, -2)) {
                lua_pop(L, 2);
                continue;
            }
            lua_rawset(L, -3);
        }
    }
    }
}

/* --- poisoning ---------------------------------------------------------- */

/* Regions of the caller's buffers past what the fake kernel filled. Heap
 * regions are recorded with the owner's (pointer, capacity) so that a
 * region whose buffer was since reallocated or freed is left alone. */
typedef struct {
    char *p;
    size_t n;
    char *const *owner;   /* NULL: not heap-owned */
    const size_t *owner_cap;
    char *owner_was;
    size_t cap_was;
} poisoned;

static poisoned regions[8];
static int nregions;

static void poison(char *p, size_t n, char *const *owner, const size_t *owner_cap)
{
    if (n == 0 || nregions == (int)(sizeof regions / sizeof regions[0]))
        return;
    ASAN_POISON_MEMORY_REGION(p, n);
    regions[nregions].p = p;
    regions[nregions].n = n;
    regions[nregions].owner = owner;
    regions[nregions].owner_cap = owner_cap;
    regions[nregions].owner_was = owner ? *owner : NULL;
    regions[nregions].cap_was = owner_cap ? *owner_cap : 0;
    nregions++;
}

void fz_unpoison_all(void)
{
    int i;
    for (i = 0; i < nregions; i++) {
        poisoned *r = &regions[i];
        if (r->owner && (*r->owner != r->owner_was || *r->owner_cap != r->cap_was))
            continue;   /* reallocated or freed since: not ours to touch */
        ASAN_UNPOISON_MEMORY_REGION(r->p, r->n);
    }
    nregions = 0;
}

/* Reads every byte of [p, p+n): ASan reports if any is out of bounds. */
static void touch(const void *p, size_t n)
{
    static unsigned char sink[1 << 16];
    const unsigned char *c = p;
    while (n) {
        size_t k = n < sizeof sink ? n : sizeof sink;
        memcpy(sink, c, k);
        fz_sink += sink[0] + sink[k - 1];
        c += k;
        n -= k;
    }
}

/* --- the fake backend ------------------------------------------------------ */

/* The socket whose recv is running, for the heap-region bookkeeping. */
lsctp_socket *fz_current;

static int fail_errno(fz_src *s)
{
    static const int errs[] = {EAGAIN, EINVAL, ENOPROTOOPT, ECONNRESET, ENOTCONN,
                               EOPNOTSUPP, ENOMEM, EBADF, EPIPE, 0, 4095};
    errno = errs[fz_u8(s) % (sizeof errs / sizeof errs[0])];
    return -1;
}

/* A call fails when the next byte says so (about one in eight). */
static int should_fail(fz_src *s)
{
    return !fz_empty(s) && (fz_u8(s) & 7) == 0;
}

static int f_socket(int family, int type) { (void)family; (void)type; errno = EPROTONOSUPPORT; return -1; }
static int f_close(int h) { (void)h; return 0; }

/* libsctp's walk of a packed address list: each entry's size from its family. */
static int walk_packed(const struct sockaddr *addrs, int count)
{
    const char *p = (const char *)addrs;
    int i;
    if (count < 1) {
        errno = EINVAL;
        return -1;
    }
    for (i = 0; i < count; i++) {
        sa_family_t fam;
        size_t len;
        memcpy(&fam, p, sizeof fam);
        if (fam == AF_INET)
            len = sizeof(struct sockaddr_in);
        else if (fam == AF_INET6)
            len = sizeof(struct sockaddr_in6);
        else {
            fprintf(stderr, "fuzz: packed address %d has family %u\n", i, fam);
            abort();   /* the encoder only ever packs inet/inet6 */
        }
        touch(p, len);
        p += len;
    }
    return 0;
}

static int f_bindx(int h, struct sockaddr *addrs, int count, int flags)
{
    (void)h;
    if (flags != LSCTP_BINDX_ADD && flags != LSCTP_BINDX_REM)
        abort();
    if (walk_packed(addrs, count) < 0)
        return -1;
    return should_fail(fz_in) ? fail_errno(fz_in) : 0;
}

static int f_connectx(int h, struct sockaddr *addrs, int count, lsctp_assoc_t *id)
{
    (void)h;
    if (walk_packed(addrs, count) < 0)
        return -1;
    if (should_fail(fz_in))
        return fail_errno(fz_in);
    *id = (lsctp_assoc_t)fz_u32(fz_in);
    return 0;
}

static int f_listen(int h, int backlog) { (void)h; (void)backlog; return should_fail(fz_in) ? fail_errno(fz_in) : 0; }
static int f_accept(int h) { (void)h; errno = EAGAIN; return -1; }   /* a real fd would reach the kernel */
static int f_shutdown(int h, int how) { (void)h; (void)how; return should_fail(fz_in) ? fail_errno(fz_in) : 0; }
static int f_peeloff(int h, lsctp_assoc_t id) { (void)h; (void)id; errno = EINVAL; return -1; }
static int f_pollfd(int h) { return h; }
/* No host to ask: the diag decoder has a harness of its own (fuzz_diag.c). */
static int f_diag_dump(int family, char **out, size_t *len)
{
    (void)family; (void)out; (void)len;
    errno = ENOENT;
    return -1;
}

/* Every byte handed over must be readable, and the control data must be a
 * well-formed cmsg chain within msg_controllen (Linux fails a send whose
 * chain has a cmsg of length 0 or past the end with EINVAL). Returns the
 * message's length. */
static size_t check_msg(const struct msghdr *msg)
{
    struct cmsghdr *c;
    size_t i, total = 0;
    if (msg->msg_namelen)
        touch(msg->msg_name, msg->msg_namelen);
    for (i = 0; i < msg->msg_iovlen; i++) {
        if (msg->msg_iov[i].iov_len)
            touch(msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
        total += msg->msg_iov[i].iov_len;
    }
    if (msg->msg_controllen)
        touch(msg->msg_control, msg->msg_controllen);
    for (c = CMSG_FIRSTHDR((struct msghdr *)msg); c; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
        size_t used = (size_t)((char *)c - (char *)msg->msg_control);
        if (c->cmsg_len < CMSG_LEN(0) || c->cmsg_len > msg->msg_controllen - used) {
            fprintf(stderr, "fuzz: sendmsg cmsg of length %zu at %zu of %zu\n",
                    (size_t)c->cmsg_len, used, (size_t)msg->msg_controllen);
            abort();
        }
    }
    return total;
}

static ssize_t f_sendmsg(int h, const struct msghdr *msg, int flags)
{
    size_t total;
    (void)h; (void)flags;
    total = check_msg(msg);
    if (should_fail(fz_in))
        return fail_errno(fz_in);
    return (ssize_t)total;
}

/* sendmmsg: checks every message; sends all, or (one byte says) only the
 * first k, or fails. */
static int f_sendmmsg(int h, struct mmsghdr *msgs, unsigned count, int flags)
{
    unsigned i, sent = count;
    uint8_t k;
    (void)h; (void)flags;
    if (count == 0 || count > 1024) {
        fprintf(stderr, "fuzz: sendmmsg of %u messages\n", count);
        abort();
    }
    for (i = 0; i < count; i++)
        msgs[i].msg_len = (unsigned)check_msg(&msgs[i].msg_hdr);
    if (fz_empty(fz_in))
        return (int)count;
    k = fz_u8(fz_in);
    if ((k & 7) == 0)
        return fail_errno(fz_in);
    if ((k & 7) == 1)
        sent = 1 + fz_u8(fz_in) % count;
    return (int)sent;
}

/* recvmsg: one segment of the input per call.
 *   u8 action: 0-199 a segment, 200-229 EAGAIN, 230-239 EINTR, else an error
 *   u8 flags: bit0 MSG_EOR, bit1 MSG_NOTIFICATION, bit2 MSG_CTRUNC, bit3 MSG_TRUNC
 *   u8 namelen selector, the name bytes
 *   u8 controllen selector, u8 control mode, the control bytes
 *   u16 data length, the data bytes
 * An empty input means EAGAIN: nothing more has "arrived". */
static ssize_t f_recvmsg(int h, struct msghdr *msg, int flags)
{
    static const size_t namelens[] = {0, 2, 15, 16, 27, 28, 128, 129, 200};
    fz_src *s = fz_in;
    uint8_t action, fl, sel;
    size_t namelen, ctl, want, got, i;
    const uint8_t *p;
    char *data;
    (void)h; (void)flags;
    fz_unpoison_all();
    if (fz_empty(s)) {
        errno = EAGAIN;
        return -1;
    }
    action = fz_u8(s);
    if (action >= 200 && action < 230) {
        errno = EAGAIN;
        return -1;
    }
    if (action >= 230 && action < 240) {
        errno = EINTR;
        return -1;
    }
    if (action >= 240)
        return fail_errno(s);

    fl = fz_u8(s);
    msg->msg_flags = (fl & 1 ? MSG_EOR : 0) | (fl & 2 ? MSG_NOTIFICATION : 0)
                     | (fl & 4 ? MSG_CTRUNC : 0) | (fl & 8 ? MSG_TRUNC : 0);

    /* the source address: the kernel copies at most the buffer's size but
     * reports the address's full length */
    sel = fz_u8(s);
    namelen = sel < 9 * 16 ? namelens[sel % 9] : sel;
    want = namelen < msg->msg_namelen ? namelen : msg->msg_namelen;
    p = fz_bytes(s, want, &got);
    memcpy(msg->msg_name, p, got);
    if (got < want)
        memset((char *)msg->msg_name + got, 0, want - got);
    poison((char *)msg->msg_name + want, msg->msg_namelen - want, NULL, NULL);
    msg->msg_namelen = (socklen_t)namelen;

    /* ancillary data: raw bytes, or cmsg headers with chosen fields */
    sel = fz_u8(s);
    ctl = sel % (msg->msg_controllen + 1);
    if (fz_u8(s) & 1) {
        p = fz_bytes(s, ctl, &got);
        memcpy(msg->msg_control, p, got);
        memset((char *)msg->msg_control + got, 0, ctl - got);
    } else {
        size_t off = 0;
        memset(msg->msg_control, 0, ctl);
        while (off + sizeof(struct cmsghdr) <= ctl && !fz_empty(s)) {
            struct cmsghdr hdr;
            uint8_t k = fz_u8(s);
            size_t room = ctl - off - sizeof hdr;
            hdr.cmsg_level = k & 1 ? IPPROTO_SCTP : (int)(int8_t)fz_u8(s);
            hdr.cmsg_type = k & 2 ? SCTP_SNDRCV : k & 4 ? SCTP_SNDINFO : (int)(int8_t)fz_u8(s);
            hdr.cmsg_len = k & 8 ? CMSG_LEN(sizeof(struct sctp_sndrcvinfo))
                         : k & 16 ? sizeof hdr + fz_u8(s)
                         : (size_t)fz_u64(s);
            memcpy((char *)msg->msg_control + off, &hdr, sizeof hdr);
            p = fz_bytes(s, room < 64 ? room : 64, &got);
            memcpy((char *)msg->msg_control + off + sizeof hdr, p, got);
            off += CMSG_ALIGN(sizeof hdr + got);
        }
    }
    poison((char *)msg->msg_control + ctl, msg->msg_controllen - ctl, NULL, NULL);
    msg->msg_controllen = ctl;

    /* the data: never more than the buffer */
    want = fz_u16(s);
    if (want > msg->msg_iov[0].iov_len)
        want = msg->msg_iov[0].iov_len;
    p = fz_bytes(s, want, &got);
    data = msg->msg_iov[0].iov_base;
    for (i = 0; i < got; i++)
        data[i] = (char)p[i];
    if (fz_current && fz_current->rx.buf && data >= fz_current->rx.buf
        && data + msg->msg_iov[0].iov_len == fz_current->rx.buf + fz_current->rx.cap) {
        poison(data + got, msg->msg_iov[0].iov_len - got, &fz_current->rx.buf,
               &fz_current->rx.cap);
    } else {
        /* a new message goes to the thread's shared buffer */
        char *const *sbuf;
        const size_t *scap;
        lsctp_rx_scratch_owner(&sbuf, &scap);
        if (sbuf && *sbuf && data >= *sbuf && data + msg->msg_iov[0].iov_len <= *sbuf + *scap)
            poison(data + got, msg->msg_iov[0].iov_len - got, sbuf, scap);
    }
    return (ssize_t)got;
}

/* The waiting form reads the same input: waiting changes no byte. */
static ssize_t f_recvmsg_wait(int h, struct msghdr *msg, int timeout_ms, int *wait_state)
{
    (void)timeout_ms;
    *wait_state = 1;
    return f_recvmsg(h, msg, 0);
}

static int f_setsockopt(int h, int level, int name, const void *val, socklen_t len)
{
    (void)h; (void)level; (void)name;
    if (len > 4096) {
        fprintf(stderr, "fuzz: setsockopt(%d, %d) with optlen %u\n", level, name, (unsigned)len);
        abort();
    }
    if (len)
        touch(val, len);
    return should_fail(fz_in) ? fail_errno(fz_in) : 0;
}

/* getsockopt: reads the caller's struct (the kernel reads keys such as
 * assoc_id from it), then answers. u8 mode: bits 0-2 zero = fail (the next
 * byte picks errno); bits 3-4 both set = a shorter answer (next byte);
 * bits 5-7: 0 zeros, 1 0xff bytes, 2 one repeated byte (next), else the
 * answer's bytes from the input. An exhausted input answers zeros. */
static int f_getsockopt(int h, int level, int name, void *val, socklen_t *len)
{
    size_t n = *len, got;
    const uint8_t *p;
    uint8_t mode;
    (void)h;
    /* every option struct is small; only the association id list grows
     * with the answer (csrc/option_special.c: up to 2^20 ids) */
    if (n > (level == IPPROTO_SCTP && name == SCTP_GET_ASSOC_ID_LIST ? 4u + 4u * (1u << 20) : 4096u)) {
        fprintf(stderr, "fuzz: getsockopt(%d, %d) with optlen %zu\n", level, name, n);
        abort();
    }
    if (n)
        touch(val, n);
    if (fz_empty(fz_in)) {
        memset(val, 0, n);
        return 0;
    }
    mode = fz_u8(fz_in);
    if ((mode & 7) == 0)
        return fail_errno(fz_in);
    if ((mode & 0x18) == 0x18)
        n = fz_u8(fz_in) % (n + 1);   /* a shorter answer */
    switch (mode >> 5) {
    case 0: memset(val, 0, n); break;
    case 1: memset(val, 0xff, n); break;
    case 2: memset(val, fz_u8(fz_in), n); break;
    default:
        p = fz_bytes(fz_in, n, &got);
        memcpy(val, p, got);
        memset((char *)val + got, 0, n - got);
    }
    *len = (socklen_t)n;
    return 0;
}

/* libsctp's sctp_getladdrs/getpaddrs: a malloc'd packed list, also when
 * the count is 0 (lksctp-tools 1.0.19 returns its buffer then too). Built
 * from the input: u8 count, then per entry u8 kind (% 3: inet, inet6,
 * another family in 16 bytes, u16 family) and the bytes. The buffer holds
 * exactly the entries, so a walk past the count is caught. The kernel only
 * ever packs whole sockaddr_in/sockaddr_in6, sized by their family. */
static int f_getaddrs(int h, lsctp_assoc_t id, int peer, struct sockaddr **addrs)
{
    fz_src *s = fz_in;
    size_t cap = 0, used = 0, got;
    int i, n;
    char *buf;
    (void)h; (void)id; (void)peer;
    if (should_fail(s))
        return fail_errno(s);
    n = fz_u8(s) % 33;
    cap = (size_t)n * sizeof(struct sockaddr_in6);
    if (!(buf = malloc(cap ? cap : 1)))
        abort();
    for (i = 0; i < n; i++) {
        uint8_t kind = fz_u8(s);
        size_t len = kind % 3 == 1 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
        sa_family_t fam = kind % 3 == 0 ? AF_INET : kind % 3 == 1 ? AF_INET6 : fz_u16(s);
        const uint8_t *p;
        if (kind % 3 == 2 && fam == AF_INET6)
            fam = AF_INET6 + 0x100;   /* a 16-byte entry: any family but inet6 */
        p = fz_bytes(s, len, &got);
        memset(buf + used, 0, len);
        memcpy(buf + used, p, got);
        memcpy(buf + used, &fam, sizeof fam);
        used += len;
    }
    /* shrink to the packed size: reading past the last entry is an error */
    if (used < cap) {
        char *exact = malloc(used ? used : 1);
        if (!exact)
            abort();
        memcpy(exact, buf, used);
        free(buf);
        buf = exact;
    }
    *addrs = (struct sockaddr *)buf;
    return n;
}

static void f_freeaddrs(struct sockaddr *addrs, int peer)
{
    (void)peer;
    free(addrs);
}

/* Designated, so that a field added to lsctp_backend cannot shift the
 * others; check_backend (run once) catches a field left NULL. */
static int f_init(void) { return 0; }
static void f_finish(int bounded_ms) { (void)bounded_ms; }
static const lsctp_caps fz_caps = {.write_ready = 1, .gather_send = 1, .diag = 1};
static const lsctp_setting fz_settings[] = {{NULL, 0, 0}};   /* none, as the kernel's */
static int f_configure(const char *name, long value)
{
    (void)name; (void)value;
    errno = EINVAL;
    return -1;
}

const lsctp_backend fz_backend = {
    .name = "fuzz",
    .caps = &fz_caps,
    .settings = fz_settings,
    .configure = f_configure,
    .init = f_init,
    .finish = f_finish,
    .socket = f_socket,
    .close = f_close,
    .bindx = f_bindx,
    .connectx = f_connectx,
    .listen = f_listen,
    .accept = f_accept,
    .shutdown = f_shutdown,
    .sendmsg = f_sendmsg,
    .recvmsg = f_recvmsg,
    .recvmsg_wait = f_recvmsg_wait,
    .sendmmsg = f_sendmmsg,
    .setsockopt = f_setsockopt,
    .getsockopt = f_getsockopt,
    .getaddrs = f_getaddrs,
    .freeaddrs = f_freeaddrs,
    .peeloff = f_peeloff,
    .pollfd = f_pollfd,
    .diag_dump = f_diag_dump,
};

/* lsctp_backend is a name, its caps and function pointers: every one must be set. */
static void check_backend(void)
{
    const char *p = (const char *)&fz_backend;
    size_t off;
    for (off = 0; off + sizeof(void *) <= sizeof fz_backend; off += sizeof(void *)) {
        void *fp;
        memcpy(&fp, p + off, sizeof fp);
        if (!fp) {
            fprintf(stderr, "fuzz: fz_backend (fuzz/fuzz_common.c) has no function for "
                    "the lsctp_backend member at offset %zu: csrc/backend.h grew\n", off);
            abort();
        }
    }
}

/* --- a fake resolver ------------------------------------------------------ */

/* Host names must not reach DNS. Names resolve from their first byte:
 * 'h' to an inet address, '6' to an inet6 one, 'x' to an oversized
 * ai_addrlen, 'e' to EAI_SYSTEM; anything else is EAI_NONAME. Linked into
 * the harness, these take the place of libc's for the csrc objects. */
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    struct addrinfo *ai;
    size_t alen;
    (void)service; (void)hints;
    *res = NULL;
    if (!node || !node[0] || !strchr("h6xe", node[0]))
        return EAI_NONAME;
    if (node[0] == 'e') {
        errno = ECONNREFUSED;
        return EAI_SYSTEM;
    }
    alen = node[0] == 'x' ? sizeof(struct sockaddr_storage) + 64
         : node[0] == '6' ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (!(ai = calloc(1, sizeof *ai + alen)))
        return EAI_MEMORY;
    ai->ai_family = node[0] == '6' ? AF_INET6 : AF_INET;
    ai->ai_addrlen = (socklen_t)alen;
    ai->ai_addr = (struct sockaddr *)(ai + 1);
    ai->ai_addr->sa_family = (sa_family_t)ai->ai_family;
    memcpy((char *)ai->ai_addr + 4, node, strlen(node) < alen - 4 ? strlen(node) : alen - 4);
    ai->ai_addr->sa_family = (sa_family_t)ai->ai_family;
    *res = ai;
    return 0;
}

void freeaddrinfo(struct addrinfo *res)
{
    free(res);
}
