/* recv and recv_many: recvmsg with partial deliveries reassembled until
 * MSG_EOR, the SCTP_SNDRCV cmsg read into the ancdata record, one receive
 * buffer per thread. See sctp_recvmsg(3) and RFC 6458 section 5.3. */
#include "lsctp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#define RX_KEEP_MAX (4u << 20)   /* a buffer grown past this is freed after use */

static int rx_reserve(lsctp_rxstate *rx, size_t want)
{
    size_t cap;
    char *buf;
    if (rx->cap - rx->len >= want)
        return 0;
    cap = rx->cap ? rx->cap : want;
    while (cap - rx->len < want)
        cap *= 2;
    if (!(buf = realloc(rx->buf, cap)))
        return -1;
    rx->buf = buf;
    rx->cap = cap;
    return 0;
}

/* One receive buffer per thread, shared by the sockets it reads: a new
 * message is read there, and only a message delivered in parts moves to a
 * buffer of its socket's own. Ten thousand sockets then hold no 64 KiB
 * buffer each. Per thread, not per process: Lua states may live in
 * several threads. */
typedef struct rx_scratch {
    char *buf;
    size_t cap;
} rx_scratch;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_key_ok;

static void scratch_free(void *p)
{
    rx_scratch *sc = (rx_scratch *)p;
    if (sc) {
        free(sc->buf);
        free(sc);
    }
}

static void scratch_init(void)
{
    scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0;
}

static rx_scratch *scratch_get(void)
{
    rx_scratch *sc;
    pthread_once(&scratch_once, scratch_init);
    if (!scratch_key_ok)
        return NULL;
    sc = (rx_scratch *)pthread_getspecific(scratch_key);
    if (!sc) {
        if (!(sc = (rx_scratch *)calloc(1, sizeof *sc)))
            return NULL;
        if (pthread_setspecific(scratch_key, sc) != 0) {
            free(sc);
            return NULL;
        }
    }
    return sc;
}

/* This thread's buffer with room for `want` bytes, or NULL. */
static rx_scratch *scratch_reserve(size_t want)
{
    rx_scratch *sc = scratch_get();
    if (sc && sc->cap < want) {
        char *buf = (char *)realloc(sc->buf, want);
        if (!buf)
            return NULL;
        sc->buf = buf;
        sc->cap = want;
    }
    return sc;
}

/* After a delivery: a buffer grown past RX_KEEP_MAX is not kept. */
static void scratch_trim(rx_scratch *sc)
{
    if (sc->cap > RX_KEEP_MAX) {
        free(sc->buf);
        sc->buf = NULL;
        sc->cap = 0;
    }
}

void lsctp_rx_scratch_owner(char *const **buf, const size_t **cap)
{
    rx_scratch *sc = scratch_get();
    *buf = sc ? &sc->buf : NULL;
    *cap = sc ? &sc->cap : NULL;
}

/* Reads the SCTP_SNDRCV cmsg, checking every length the kernel gave. */
static void rx_control(lsctp_rxstate *rx, struct msghdr *msg)
{
    struct cmsghdr *c;
    for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        /* CMSG_NXTHDR checks the lengths of the cmsgs after the first */
        if (c->cmsg_len > msg->msg_controllen - (size_t)((char *)c - (char *)msg->msg_control))
            break;
        if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_SNDRCV
            && c->cmsg_len >= CMSG_LEN(sizeof rx->info)) {
            memcpy(&rx->info, CMSG_DATA(c), sizeof rx->info);
            rx->have_info = 1;
        }
    }
}

static void push_list(lua_State *L, const char *p, size_t len)
{
    size_t i;
    lua_createtable(L, len > INT_MAX ? INT_MAX : (int)len, 0);
    for (i = 0; i < len; i++) {
        lua_pushinteger(L, (unsigned char)p[i]);
        lua_rawseti(L, -2, (int)i + 1);
    }
}

/* Pushes the ancdata array: `into` (an index, 0 for none) refilled, its
 * [1] a refilled sndrcvinfo when it held one, or a new array. */
static void push_ancdata(lua_State *L, const lsctp_rxstate *rx, int into)
{
    if (!into) {
        lua_createtable(L, rx->have_info, 0);
        if (rx->have_info) {
            lsctp_pushsndrcvinfo(L, &rx->info);
            lua_rawseti(L, -2, 1);
        }
        return;
    }
    lua_pushvalue(L, into);
    if (!rx->have_info) {
        lua_pushnil(L);
    } else {
        lua_rawgeti(L, -1, 1);   /* the record to refill, if it is one */
        lsctp_fillsndrcvinfo(L, &rx->info, lua_istable(L, -1) ? lua_gettop(L) : 0);
        lua_remove(L, -2);
    }
    lua_rawseti(L, -2, 1);
}

/* Pushes from_ip, from_port, ancdata, data for the complete message of
 * `len` bytes at `data` (the thread's buffer or the socket's own); the
 * ancdata is `into` refilled when it is not 0. */
static int rx_deliver(lua_State *L, lsctp_socket *s, const char *data, size_t len, int into)
{
    lsctp_rxstate *rx = &s->rx;
    const struct sockaddr *sa = (const struct sockaddr *)&rx->from;
    lsctp_puship_cached(L, sa, rx->fromlen, &s->from_ip);   /* checks fromlen against the family */
    if (lua_isnil(L, -1)) {
        /* no address (e.g. an event without association): the wildcard */
        lua_pop(L, 1);
        lua_pushstring(L, s->family == AF_INET6 ? "::" : "0.0.0.0");
        lua_pushinteger(L, 0);
    } else {
        lua_pushinteger(L, ntohs(((const struct sockaddr_in *)sa)->sin_port));
    }
    if (rx->notification) {
        rx->have_info = 0;   /* an event's ancdata is empty */
        push_ancdata(L, rx, into);
        lsctp_pushnotification(L, data, len);
    } else {
        push_ancdata(L, rx, into);
        if (s->list_mode)
            push_list(L, data, len);
        else
            lua_pushlstring(L, data, len);
    }
    rx->len = 0;
    rx->notification = rx->have_info = 0;
    if (rx->cap > RX_KEEP_MAX) {
        free(rx->buf);
        rx->buf = NULL;
        rx->cap = 0;
    }
    return 4;
}

/* Where the next read goes: a new message into this thread's buffer (*sc
 * set), the rest of a partial one after what rx holds. -1: out of memory. */
static int rx_target(lsctp_rxstate *rx, size_t want, struct iovec *iov, rx_scratch **sc)
{
    if (rx->len == 0) {
        if (!(*sc = scratch_reserve(want)))
            return -1;
        iov->iov_base = (*sc)->buf;
        iov->iov_len = want;
        return 0;
    }
    if (rx_reserve(rx, want) < 0)
        return -1;
    iov->iov_base = rx->buf + rx->len;
    iov->iov_len = rx->cap - rx->len;
    return 0;
}

/* A failed read (errno): pushes what recv answers and returns the count,
 * or 0 when the read is to be tried again (EINTR while not waiting). */
static int rx_fail(lua_State *L, int wait_ms)
{
    if (errno == EINTR && wait_ms > 0)   /* a signal: back to Lua, which re-checks its deadline */
        return lsctp_pushfail(L, "eagain", "recv: interrupted");
    if (errno == EINTR)
        return 0;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return lsctp_pushfail(L, "eagain", "recv: no complete message yet");
    return lsctp_pusherrno(L, errno, "recv");
}

/* Takes in what a read of n bytes said: its source, its flags and cmsgs. */
static void rx_note(lsctp_rxstate *rx, struct msghdr *msg, size_t n)
{
    rx->fromlen = msg->msg_namelen <= sizeof rx->from ? msg->msg_namelen : 0;
    if ((msg->msg_flags & MSG_NOTIFICATION) && rx->len > 0 && !rx->notification) {
        /* A notification in the middle of a partially delivered message:
         * the rest of that message will never come (the kernel reports
         * it with a pdapi_event). Drop the fragment, keep the event. */
        memmove(rx->buf, rx->buf + rx->len, n);
        rx->len = 0;
        rx->have_info = 0;
    }
    if (msg->msg_flags & MSG_NOTIFICATION)
        rx->notification = 1;
    if (msg->msg_controllen > 0)
        rx_control(rx, msg);
}

/* recv([wait_ms [, into]]) -> from_ip, from_port, ancdata, data | nil, "eagain" | nil, err, detail.
 * Loops over partial deliveries until MSG_EOR; if the rest has not arrived
 * yet, what was read stays in s->rx for the next call. With wait_ms > 0
 * (only when the Lua layer knows this thread may block) each read waits up
 * to that long in the backend; else none does. */
static int rx_one(lua_State *L, lsctp_socket *s, int wait_ms, int into)
{
    union {
        char buf[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo)) + CMSG_SPACE(64)];
        struct cmsghdr align;
    } control;
    lsctp_rxstate *rx = &s->rx;
    size_t want = rx->chunk ? rx->chunk : LSCTP_DEFAULT_BUFFER;
    for (;;) {
        struct msghdr msg;
        struct iovec iov;
        rx_scratch *sc = NULL;   /* set when this read starts a message */
        ssize_t n;
        if (rx_target(rx, want, &iov, &sc) < 0)
            return lsctp_pushfail(L, "enomem", "recv: out of memory for the message buffer");
        memset(&msg, 0, sizeof msg);
        msg.msg_name = &rx->from;
        msg.msg_namelen = sizeof rx->from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof control.buf;
        n = wait_ms > 0 ? s->be->recvmsg_wait(s->fd, &msg, wait_ms, &s->wait_state)
                        : s->be->recvmsg(s->fd, &msg, MSG_DONTWAIT);
        if (n < 0) {
            int rc = rx_fail(L, wait_ms);
            if (rc)
                return rc;
            continue;
        }
        if (n == 0 && rx->len == 0 && !(msg.msg_flags & (MSG_EOR | MSG_NOTIFICATION)))
            return lsctp_pushfail(L, "closed", "recv: the peer closed the association");
        rx_note(rx, &msg, (size_t)n);
        if (sc && (msg.msg_flags & MSG_EOR)) {
            int rc = rx_deliver(L, s, sc->buf, (size_t)n, into);
            scratch_trim(sc);
            return rc;
        }
        if (sc) {
            /* the first part of a message: it moves to the socket's own
             * buffer, where the rest is read (across calls if need be) */
            if (rx_reserve(rx, (size_t)n + want) < 0)
                return lsctp_pushfail(L, "enomem", "recv: out of memory for the message buffer");
            memcpy(rx->buf, sc->buf, (size_t)n);
        }
        rx->len += (size_t)n;
        if (msg.msg_flags & MSG_EOR)
            return rx_deliver(L, s, rx->buf, rx->len, into);
    }
}

#define WAIT_MS_MAX 3600000   /* the Lua layer asks in slices, far below this */

/* recv([wait_ms [, ancdata]]): ancdata, a table, is refilled and answered
 * in place of a new one (no new tables per message). */
static int l_recv(lua_State *L)
{
    lsctp_socket *s = lsctp_opensocket(L, 1);
    int wait_ms, into = 0;
    if (!s)
        return 3;
    wait_ms = (int)lsctp_optint(L, 2, "recv: wait", 0, WAIT_MS_MAX, 0);
    if (!lua_isnoneornil(L, 3)) {
        if (!lua_istable(L, 3))
            return lsctp_argerror(L, "recv: ancdata", "table or nil expected, got %s",
                                  luaL_typename(L, 3));
        into = 3;
    }
    return rx_one(L, s, wait_ms, into);
}

/* recv_direct(wait_ms [, ancdata]): recv for the Lua layer's fast path,
 * which then needs no look at its own state: nil, "slow" when that state
 * decides (messages it queued, a peeled-off socket), else what recv answers. */
static int l_recv_direct(lua_State *L)
{
    lsctp_socket *s = lsctp_checksocket(L, 1);
    if (s->lua_queued || s->peeled) {
        lua_pushnil(L);
        lua_pushliteral(L, "slow");
        return 2;
    }
    return l_recv(L);
}

#if LUA_VERSION_NUM >= 503
static int fast_recv_k(lua_State *L, int status, lua_KContext ctx)
{
    (void)L, (void)status, (void)ctx;
    return 4;
}

/* The method recv itself on Lua 5.3+ (lsctp_fastpath, io.c), in place of
 * io.lua's methods.recv, which it follows exactly: with no timeout, the
 * default waiter blocking (plain.blocking, mirrored in f->plain_blocking)
 * and the main thread, recv_direct's read with a wait of one slice; on
 * "eagain" upvalue 3 (io.lua's wait-and-read-again), on "slow" and in every
 * other case upvalue 4 (io.lua's recv_slow), called with a continuation so
 * that a waiter may yield. Always 4 values, as the Lua function answered. */
int lsctp_fast_recv(lua_State *L)
{
    const lsctp_fastflags *f = (const lsctp_fastflags *)lua_touserdata(L, lua_upvalueindex(2));
    int main_thread;
    lua_settop(L, 3);
    if (lua_isnil(L, 2) && f->plain_blocking) {
        main_thread = lua_pushthread(L);
        lua_pop(L, 1);
        if (main_thread) {
            lsctp_socket *s = lsctp_checksocket(L, 1);
            if (!s->lua_queued && !s->peeled) {
                int n, into = 0;
                if (s->fd < 0 || s->closing) {
                    n = LSCTP_CLOSED(L);
                } else {
                    if (!lua_isnil(L, 3)) {
                        if (!lua_istable(L, 3))
                            return lsctp_argerror(L, "recv: ancdata", "table or nil expected, got %s",
                                                  luaL_typename(L, 3));
                        into = 3;
                    }
                    n = rx_one(L, s, f->slice_ms, into);
                }
                if (n == 4)
                    return 4;
                lua_settop(L, 3 + 4);
                if (!lua_isnil(L, 4) || lua_type(L, 5) != LUA_TSTRING
                    || strcmp(lua_tostring(L, 5), "eagain") != 0)
                    return 4;
                /* nothing yet: wait, then read again (sock, ancdata, a, b, c, d) */
                lua_pushvalue(L, lua_upvalueindex(3));
                lua_insert(L, 4);
                lua_pushvalue(L, 1);
                lua_insert(L, 5);
                lua_pushvalue(L, 3);
                lua_insert(L, 6);
                lua_callk(L, 6, 4, 0, fast_recv_k);
                return 4;
            }
        }
    }
    lua_pushvalue(L, lua_upvalueindex(4));
    lua_insert(L, 1);
    lua_callk(L, 3, 4, 0, fast_recv_k);
    return 4;
}
#endif

/* setqueued(bool): whether the Lua layer holds messages (see recv_direct) */
static int l_setqueued(lua_State *L)
{
    lsctp_socket *s = lsctp_checksocket(L, 1);
    s->lua_queued = lua_toboolean(L, 2);
    return 0;
}

/* recv_many(max [, wait_ms]) -> array of {from_ip, from_port, ancdata, data}
 * holding the messages already waiting (at most max), or nil, "eagain" when
 * there is none, or nil, err, detail. wait_ms as for recv, for the first
 * message only. An error after some messages ends the batch; the next call
 * reports it. */
static int l_recv_many(lua_State *L)
{
    lsctp_socket *s = lsctp_opensocket(L, 1);
    int max, wait_ms, n = 0;
    if (!s)
        return 3;
    max = (int)lsctp_checkint(L, 2, "recv_many: max", 1, 1 << 20);
    wait_ms = (int)lsctp_optint(L, 3, "recv_many: wait", 0, WAIT_MS_MAX, 0);
    lua_createtable(L, max < 64 ? max : 64, 0);
    while (n < max) {
        int i, rc = rx_one(L, s, n == 0 ? wait_ms : 0, 0);
        if (rc != 4) {
            if (n > 0) {
                lua_pop(L, rc);
                break;
            }
            return rc;
        }
        lua_createtable(L, 4, 0);
        for (i = 4; i >= 1; i--) {
            lua_pushvalue(L, -1 - 1);   /* the value below the new table */
            lua_rawseti(L, -2, i);
            lua_remove(L, -2);
        }
        lua_rawseti(L, -2, ++n);
    }
    return 1;
}

/* setmode("binary"|"list") and setbuffer(bytes): receive-side settings */
static int l_setmode(lua_State *L)
{
    static const char *const modes[] = {"binary", "list", NULL};
    lsctp_socket *s = lsctp_checksocket(L, 1);
    s->list_mode = lsctp_checkname(L, 2, "setopts: opts: option 'mode'", modes, NULL);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_setbuffer(lua_State *L)
{
    lsctp_socket *s = lsctp_checksocket(L, 1);
    s->rx.chunk = (size_t)lsctp_checkint(L, 2, "setopts: opts: option 'buffer'", 256, 1 << 30);
    lua_pushboolean(L, 1);
    return 1;
}

static const luaL_Reg recv_methods[] = {
    {"recv", l_recv},
    {"recv_many", l_recv_many},
    {"recv_direct", l_recv_direct},
    {"setqueued", l_setqueued},
    {"setmode", l_setmode},
    {"setbuffer", l_setbuffer},
    {NULL, NULL}};

void lsctp_recv_open(lua_State *L)
{
    lsctp_setmethods(L, recv_methods);
}
