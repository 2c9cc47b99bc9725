/* The userland backend: the seam (csrc/backend.h) over usrsctp, the
 * FreeBSD SCTP stack as a library, for hosts whose kernel has no SCTP.
 *
 * Everything crosses the seam in the Linux forms the codecs read (lx_abi.h,
 * checked against <netinet/sctp.h> by lx_abi_check.c): this file, the only
 * one that includes <usrsctp.h>, translates option numbers and structs, send
 * flags, the sndrcvinfo cmsg and the notifications (docs/usrsctp-notes.md
 * has every difference).
 *
 * Handles are eventfds: usrsctp has no descriptor per socket, so its upcall
 * (run on usrsctp's threads: only atomics and the eventfd write there)
 * makes one readable, and a ticker thread signals what upcalls miss (events
 * made by usrsctp's timers). docs/backends.md lists what a user sees differ. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <usrsctp.h>

#include "usock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <stddef.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

/* Handles to usocks. Lookups take no lock (every call makes one): the
 * table is published whole, and a grown table's old copy is kept, as a
 * reader may still hold it. Changes take table_lock. */
typedef struct handle_table {
    int len;
    struct handle_table *older;
    usock *slot[];
} handle_table;

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static handle_table *table;   /* __atomic */

static usock *lookup(int h)
{
    handle_table *t = __atomic_load_n(&table, __ATOMIC_ACQUIRE);
    usock *u = t && h >= 0 && h < t->len ? __atomic_load_n(&t->slot[h], __ATOMIC_ACQUIRE) : NULL;
    if (!u)
        errno = EBADF;
    return u;
}

/* table_lock held: slot h is set to u (room made for it first) */
static int table_set(int h, usock *u)
{
    handle_table *t = table;
    if (!t || h >= t->len) {
        int n = t && 2 * t->len > h + 64 ? 2 * t->len : h + 64;
        handle_table *g = calloc(1, sizeof *g + (size_t)n * sizeof g->slot[0]);
        if (!g) {
            errno = ENOMEM;
            return -1;
        }
        g->len = n;
        g->older = t;
        if (t)
            memcpy(g->slot, t->slot, (size_t)t->len * sizeof t->slot[0]);
        __atomic_store_n(&table, g, __ATOMIC_RELEASE);
        t = g;
    }
    __atomic_store_n(&t->slot[h], u, __ATOMIC_RELEASE);
    return 0;
}

/* What an upcall touches. usrsctp's threads read a socket's upcall and its
 * argument without a lock, the upcall twice (the test, then the call), so
 * close never sets them to NULL (a call through NULL, or into a freed
 * usock, corrupted the heap in long random runs): it swaps in quiet_upcall
 * and closed_waker, and the socket's own waker is freed a second later,
 * when no thread can still be between reading the old pair and the call.
 * The eventfd is written once until a receive finds nothing more to read
 * (signaled): a flood costs no write per packet. */
typedef struct waker {
    int efd;
    int closing, inflight, signaled;   /* __atomic */
    int ticks;                         /* retired: ticks since close */
    struct waker *next;
} waker;

#define WAKER_GRACE_TICKS 100   /* ~1 s */

static waker closed_waker = {-1, 1, 0, 1, 0, NULL};
static pthread_mutex_t retired_lock = PTHREAD_MUTEX_INITIALIZER;
static waker *retired;

static void wake(waker *w)
{
    uint64_t one = 1;
    if (!__atomic_exchange_n(&w->signaled, 1, __ATOMIC_SEQ_CST)) {
        ssize_t rc = write(w->efd, &one, sizeof one);
        (void)rc;   /* EAGAIN: the counter is already set */
    }
}

static void upcall(struct socket *so, void *arg, int flags)
{
    waker *w = arg;
    (void)so; (void)flags;
    __atomic_add_fetch(&w->inflight, 1, __ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&w->closing, __ATOMIC_SEQ_CST))
        wake(w);
    __atomic_sub_fetch(&w->inflight, 1, __ATOMIC_SEQ_CST);
}

static void quiet_upcall(struct socket *so, void *arg, int flags)
{
    (void)so; (void)arg; (void)flags;
}

/* something is to read: usrsctp has it, or a notification translated here */
static int readable(usock *u)
{
    return u->note_state == 2 || (usrsctp_get_events(u->so) & SCTP_EVENT_READ);
}

/* After a receive, and a send that would block: the handle is readable
 * exactly while something is to read (a writer on a full buffer polls it
 * with a 1 ms bound, and upcalls for freed room set it: left set, that
 * writer would spin). Drained before signaled is cleared, and looked at
 * again after, so a packet that comes in between is never missed (at worst
 * a stale write makes one wake-up for nothing). errno is kept: the caller's
 * answer follows. */
static void settle(usock *u)
{
    uint64_t v;
    ssize_t rc;
    int e = errno;
    if (readable(u)) {
        wake(u->w);
    } else {
        rc = read(u->w->efd, &v, sizeof v);
        (void)rc;
        __atomic_store_n(&u->w->signaled, 0, __ATOMIC_SEQ_CST);
        if (readable(u))
            wake(u->w);
    }
    errno = e;
}

/* the ticker: retired wakers past their grace are freed */
static void free_retired(void)
{
    waker **p, *done = NULL;
    pthread_mutex_lock(&retired_lock);
    for (p = &retired; *p;) {
        waker *w = *p;
        if (++w->ticks >= WAKER_GRACE_TICKS) {
            *p = w->next;
            w->next = done;
            done = w;
        } else {
            p = &w->next;
        }
    }
    pthread_mutex_unlock(&retired_lock);
    while (done) {
        waker *w = done;
        done = w->next;
        free(w);
    }
}

/* --- the stack ----------------------------------------------------------- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_errno;
static uint16_t peer_udp_port;

static int flush_tail(usock *u);

/* what upcalls miss: readable sockets whose eventfd is not set */
static void *ticker(void *arg)
{
    struct timespec ts = {0, 10 * 1000 * 1000};
    (void)arg;
    for (;;) {
        int i;
        handle_table *t;
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&table_lock);
        t = table;
        for (i = 0; t && i < t->len; i++) {
            usock *u = t->slot[i];
            if (!u || __atomic_load_n(&u->w->closing, __ATOMIC_SEQ_CST))
                continue;
            if (usrsctp_get_events(u->so) & SCTP_EVENT_READ)
                wake(u->w);
            /* a short send's rest must go out even if its owner sends no more */
            if (__atomic_load_n(&u->has_tail, __ATOMIC_SEQ_CST) && pthread_mutex_trylock(&u->tx_lock) == 0) {
                int e = errno;
                flush_tail(u);
                errno = e;
                pthread_mutex_unlock(&u->tx_lock);
            }
        }
        pthread_mutex_unlock(&table_lock);
        lsctp_usr_reap();
        free_retired();
    }
    return NULL;
}

/* The stack's settings (sctp.backend_settings), taken until it starts;
 * -1: not set (the environment's, else the default). */
static const lsctp_setting usrsctp_settings[] = {
    {"udp_port", 0, 65535}, {"peer_udp_port", 0, 65535}, {"raw_ip", 0, 1},
    {"rto_min", 1, 600000}, {"rto_initial", 1, 600000}, {"init_rto_max", 1, 600000},
    {"max_chunks_on_queue", 1, 1 << 24}, {NULL, 0, 0}};
static long settings[sizeof usrsctp_settings / sizeof usrsctp_settings[0] - 1] = {-1, -1, -1, -1, -1, -1, -1};
static int stack_started;   /* __atomic */

static int u_configure(const char *name, long value)
{
    size_t i;
    if (__atomic_load_n(&stack_started, __ATOMIC_SEQ_CST)) {
        errno = EALREADY;
        return -1;
    }
    for (i = 0; usrsctp_settings[i].name; i++)
        if (strcmp(usrsctp_settings[i].name, name) == 0) {
            settings[i] = value;
            return 0;
        }
    errno = EINVAL;
    return -1;
}

/* a setting's value: set by Lua, else the environment's, else dflt */
static long setting(int i, const char *env, long dflt)
{
    const char *v = env ? getenv(env) : NULL;
    char *end;
    long n;
    if (settings[i] >= 0)
        return settings[i];
    if (!v || !*v)
        return dflt;
    n = strtol(v, &end, 10);   /* a value that is not one is ignored */
    return *end || n < usrsctp_settings[i].min || n > usrsctp_settings[i].max ? dflt : n;
}

/* usrsctp opens raw IPPROTO_SCTP sockets whenever the process may (root,
 * CAP_NET_RAW). Beside a kernel that has SCTP they see its packets too, and
 * usrsctp would answer them as out of the blue (ABORT) and kill the kernel's
 * associations: then, or with SCTP_USRSCTP_RAW=0, a filter that drops every
 * packet keeps them deaf (usrsctp still speaks over UDP). */
#define FD_SCAN 4096
static int raw_input;   /* usrsctp receives SCTP over raw IP */

/* raw_ip is known once the stack has started (before any socket exists) */
static lsctp_caps usrsctp_caps = {.write_ready = 0, .gather_send = 0, .diag = 0, .udp_encaps = 1};

static int is_raw_sctp(int fd)
{
    int type = 0, proto = 0;
    socklen_t l = sizeof type, m = sizeof proto;
    return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) == 0 && type == SOCK_RAW
           && getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &m) == 0 && proto == IPPROTO_SCTP;
}

static int kernel_has_sctp(void)
{
    int fd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* usrsctp's UDP sockets keep the system's default buffers (~200 KiB), which
 * a burst of associations or a flood overruns: lost packets, then with the
 * short RTOs below lost associations. 4 MiB each (SO_*BUFFORCE past
 * net.core.*mem_max where the process may). */
static void widen_udp_sockets(const unsigned char *before)
{
    const int size = 4 << 20;
    int fd;
    for (fd = 0; fd < FD_SCAN; fd++) {
        int type = 0;
        socklen_t l = sizeof type;
        if (before[fd / 8] & (1u << (fd % 8)) || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0
            || type != SOCK_DGRAM)
            continue;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
}

static void deafen_raw_sockets(const unsigned char *before)
{
    static struct sock_filter drop_all[] = {{BPF_RET | BPF_K, 0, 0, 0}};
    struct sock_fprog prog = {1, drop_all};
    const char *env = getenv("SCTP_USRSCTP_RAW");
    int keep = settings[2] >= 0 ? settings[2] != 0 : env && *env ? strcmp(env, "0") != 0 : !kernel_has_sctp();
    int fd;
    for (fd = 0; fd < FD_SCAN; fd++) {
        if (before[fd / 8] & (1u << (fd % 8)) || !is_raw_sctp(fd))
            continue;
        if (keep || setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0)
            raw_input = 1;
    }
}

/* The local encapsulation port: want (9899, RFC 6951's) when it is free,
 * else (or for want 0) one the kernel picks, so that a second process on the
 * host still starts (it reaches the first at 9899; the first answers to
 * whatever port it came from). */
static uint16_t free_udp_port(uint16_t want)
{
    struct sockaddr_in sin;
    socklen_t l = sizeof sin;
    uint16_t port = want;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return want;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(want);
    if (want == 0 || (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 && errno == EADDRINUSE)) {
        sin.sin_port = 0;
        if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0
            && getsockname(fd, (struct sockaddr *)&sin, &l) == 0)
            port = ntohs(sin.sin_port);
    }
    close(fd);
    return port;
}

static void start_stack(void)
{
    pthread_t t;
    static unsigned char before[FD_SCAN / 8];
    int fd;
    /* beside a kernel that has SCTP, 9899 is its net.sctp.udp_port's */
    uint16_t udp = settings[0] >= 0 || getenv("SCTP_USRSCTP_UDP_PORT")
                       ? (uint16_t)setting(0, "SCTP_USRSCTP_UDP_PORT", 9899)
                       : free_udp_port(kernel_has_sctp() ? 0 : 9899);
    __atomic_store_n(&stack_started, 1, __ATOMIC_SEQ_CST);
    peer_udp_port = (uint16_t)setting(1, "SCTP_USRSCTP_PEER_UDP_PORT", 9899);
    for (fd = 0; fd < FD_SCAN; fd++)   /* the process's own raw sockets are left alone */
        if (fcntl(fd, F_GETFD) >= 0)
            before[fd / 8] |= (unsigned char)(1u << (fd % 8));
    usrsctp_init(udp, NULL, NULL);
    deafen_raw_sockets(before);
    widen_udp_sockets(before);
    usrsctp_caps.raw_ip = raw_input != 0;
    usrsctp_sysctl_set_sctp_rto_min_default((uint32_t)setting(3, NULL, 100));
    usrsctp_sysctl_set_sctp_rto_initial_default((uint32_t)setting(4, NULL, 300));
    usrsctp_sysctl_set_sctp_init_rto_max_default((uint32_t)setting(5, NULL, 1000));
    usrsctp_sysctl_set_sctp_max_chunks_on_queue((uint32_t)setting(6, NULL, 16384));
    if (pthread_create(&t, NULL, ticker, NULL) != 0)
        init_errno = EAGAIN;
    else
        pthread_detach(t);
}

static int u_init(void)
{
    pthread_once(&once, start_stack);
    if (init_errno) {
        errno = init_errno;
        return -1;
    }
    return 0;
}

static void u_finish(int bounded_ms)
{
    (void)bounded_ms;   /* usrsctp_finish can wait forever: never called at exit */
}

/* --- sockets -------------------------------------------------------------- */

/* parent: the listener or one-to-many socket it comes from, or NULL */
static int wrap(struct socket *so, int family, int one_to_many, const usock *parent)
{
    usock *u = calloc(1, sizeof *u);
    waker *w = calloc(1, sizeof *w);
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    const int on = 1;
    struct sctp_udpencaps encaps;
    if (!u || !w || efd < 0) {
        int e = u && w ? errno : ENOMEM;
        free(u);
        free(w);
        if (efd >= 0)
            close(efd);
        usrsctp_close(so);
        errno = e;
        return -1;
    }
    u->so = so;
    w->efd = efd;
    u->w = w;
    u->one_to_many = one_to_many;
    u->family = parent ? parent->family : family;
    u->mapped_v4 = parent ? parent->mapped_v4 : 1;   /* Linux's default (v4mapped) */
    pthread_mutex_init(&u->tx_lock, NULL);
    if (parent) {   /* usrsctp's subscriptions are inherited: so are these */
        u->sub_send_failed = parent->sub_send_failed;
        u->sub_send_failed_event = parent->sub_send_failed_event;
        u->no_frag = parent->no_frag;
    }
    pthread_mutex_lock(&table_lock);
    if (table_set(efd, u) < 0) {
        pthread_mutex_unlock(&table_lock);
        pthread_mutex_destroy(&u->tx_lock);
        free(u);
        free(w);
        close(efd);
        usrsctp_close(so);
        errno = ENOMEM;
        return -1;
    }
    pthread_mutex_unlock(&table_lock);
    usrsctp_set_non_blocking(so, 1);
    {   /* data_io_event: on for a new socket, the parent's for the others */
        int rcvinfo = on;
        socklen_t l = sizeof rcvinfo;
        if (parent && usrsctp_getsockopt(parent->so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &rcvinfo, &l) < 0)
            rcvinfo = on;
        usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &rcvinfo, sizeof rcvinfo);
    }
    memset(&encaps, 0, sizeof encaps);
    encaps.sue_assoc_id = SCTP_FUTURE_ASSOC;
    encaps.sue_port = htons(peer_udp_port);
    usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &encaps, sizeof encaps);
    usrsctp_set_upcall(so, upcall, w);
    if (readable(u))
        wake(w);
    return efd;
}

static int u_socket(int family, int type)
{
    struct socket *so;
    if (u_init() < 0)
        return -1;
    so = usrsctp_socket(family, type, IPPROTO_SCTP, NULL, NULL, 0, NULL);
    return so ? wrap(so, family, type == SOCK_SEQPACKET, NULL) : -1;
}

static int u_close(int h)
{
    usock *u = lookup(h);
    if (!u)
        return -1;
    __atomic_store_n(&u->w->closing, 1, __ATOMIC_SEQ_CST);
    usrsctp_set_upcall(u->so, quiet_upcall, &closed_waker);
    while (__atomic_load_n(&u->w->inflight, __ATOMIC_SEQ_CST))
        sched_yield();   /* an upcall past its closing test: it writes the eventfd */
    pthread_mutex_lock(&table_lock);
    table_set(h, NULL);
    pthread_mutex_unlock(&table_lock);
    pthread_mutex_lock(&retired_lock);
    u->w->next = retired;
    retired = u->w;
    pthread_mutex_unlock(&retired_lock);
    flush_tail(u);   /* once: what does not go now is lost with the socket */
    free(u->tail);
    free(u->note);
    pthread_mutex_destroy(&u->tx_lock);
    lsctp_usr_bury(u->so, u->one_to_many);   /* usrsctp_close once its associations are gone */
    close(u->w->efd);   /* the waker, retired above, is freed later */
    free(u);
    return 0;
}

static int u_bindx(int h, struct sockaddr *addrs, int count, int flags)
{
    usock *u = lookup(h);
    int rc;
    if (!u)
        return -1;
    if (flags == LSCTP_BINDX_REM) {
        struct sockaddr *bound = NULL;
        int n = usrsctp_getladdrs(u->so, 0, &bound);
        if (bound)
            usrsctp_freeladdrs(bound);
        if (n == 1) {
            errno = EBUSY;   /* as Linux: the last address stays (usrsctp: EINVAL) */
            return -1;
        }
    }
    rc = usrsctp_bindx(u->so, addrs, count,
                       flags == LSCTP_BINDX_ADD ? SCTP_BINDX_ADD_ADDR : SCTP_BINDX_REM_ADDR);
    if (rc < 0 && flags == LSCTP_BINDX_REM && errno == EADDRNOTAVAIL)
        errno = EINVAL;   /* an address that is not bound, as Linux says */
    return rc;
}

/* usrsctp says EALREADY for a peer it has an association with, and EINVAL
 * for a one-to-one socket that has one; Linux EISCONN once it is up. */
static void connect_errno(usock *u, struct sockaddr *addrs)
{
    struct sctp_status st;
    socklen_t l = sizeof st;
    int e = errno;
    memset(&st, 0, sizeof st);
    st.sstat_assoc_id = u->one_to_many ? usrsctp_getassocid(u->so, addrs) : 0;
    if ((!u->one_to_many || st.sstat_assoc_id != 0)
        && usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_STATUS, &st, &l) == 0
        && st.sstat_state != SCTP_CLOSED)
        e = st.sstat_state == SCTP_ESTABLISHED ? EISCONN : EALREADY;
    errno = e;
}

static int u_connectx(int h, struct sockaddr *addrs, int count, lsctp_assoc_t *id)
{
    usock *u = lookup(h);
    sctp_assoc_t a = 0;
    int rc;
    if (!u)
        return -1;
    rc = usrsctp_connectx(u->so, addrs, count, &a);
    *id = (lsctp_assoc_t)a;
    if (rc < 0 && (errno == EALREADY || (errno == EINVAL && !u->one_to_many)))
        connect_errno(u, addrs);
    return rc;
}

static int u_listen(int h, int backlog)
{
    usock *u = lookup(h);
    return u ? usrsctp_listen(u->so, backlog) : -1;
}

static int u_accept(int h)
{
    usock *u = lookup(h);
    struct socket *so;
    if (!u)
        return -1;
    if (u->one_to_many || u->peeled) {
        errno = EOPNOTSUPP;   /* as Linux; usrsctp says EINVAL */
        return -1;
    }
    so = usrsctp_accept(u->so, NULL, NULL);
    settle(u);
    return so ? wrap(so, 0, 0, u) : -1;
}

static int u_shutdown(int h, int how)
{
    usock *u = lookup(h);
    return u ? usrsctp_shutdown(u->so, how) : -1;
}

static int u_peeloff(int h, lsctp_assoc_t id)
{
    usock *u = lookup(h);
    struct socket *so;
    if (!u)
        return -1;
    if (!u->one_to_many) {
        errno = EINVAL;   /* as Linux (usrsctp: EOPNOTSUPP) */
        return -1;
    }
    so = usrsctp_peeloff(u->so, (sctp_assoc_t)id);
    if (!so && errno == ENOENT)
        errno = EINVAL;   /* no such association, as Linux says */
    if (!so)
        return -1;
    h = wrap(so, 0, 0, u);
    if (h >= 0)
        lookup(h)->peeled = 1;
    return h;
}

static int u_pollfd(int h) { return h; }

/* --- sending -------------------------------------------------------------- */

/* The rest of a message usrsctp took only part of: it goes out, with the
 * same send information, before anything else on the socket. */
struct usend_tail {
    struct sctp_sendv_spa spa;
    struct sockaddr_storage to;
    int has_to;
    size_t len;
    char data[];
};

#define SHORT_RETRIES 4   /* at once, before the rest is kept (the race is brief) */

static size_t sa_size(int family)
{
    return family == AF_INET ? sizeof(struct sockaddr_in)
         : family == AF_INET6 ? sizeof(struct sockaddr_in6) : 0;
}

static ssize_t sendv(usock *u, const void *data, size_t len, struct sockaddr *to,
                     struct sctp_sendv_spa *spa)
{
    return usrsctp_sendv(u->so, data, len, to, to ? 1 : 0, spa->sendv_flags ? spa : NULL,
                         spa->sendv_flags ? (socklen_t)sizeof *spa : 0,
                         spa->sendv_flags ? SCTP_SENDV_SPA : SCTP_SENDV_NOINFO, 0);
}

/* Sends what is left of a short send; 0 when nothing is left, -1 (errno)
 * otherwise: EAGAIN while the rest waits. Under tx_lock. */
static int flush_tail(usock *u)
{
    struct usend_tail *t = u->tail;
    ssize_t n;
    if (!t)
        return 0;
    n = sendv(u, t->data, t->len, t->has_to ? (struct sockaddr *)&t->to : NULL, &t->spa);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        int e = errno;   /* the association is gone: its send_failed tells the rest */
        free(t);
        u->tail = NULL;
        __atomic_store_n(&u->has_tail, 0, __ATOMIC_SEQ_CST);
        errno = e;
        return -1;
    }
    if (n >= 0 && (size_t)n >= t->len) {
        free(t);
        u->tail = NULL;
        __atomic_store_n(&u->has_tail, 0, __ATOMIC_SEQ_CST);
        return 0;
    }
    if (n > 0) {
        t->len -= (size_t)n;
        memmove(t->data, t->data + n, t->len);
    }
    errno = EAGAIN;
    return -1;
}

/* One whole message, as Linux takes it: usrsctp may accept part of it
 * (docs/usrsctp-notes.md section 1), and then the rest is sent at once or
 * kept for flush_tail; the stream stays locked to the message until then. */
static ssize_t send_whole(usock *u, const char *data, size_t len, struct sockaddr *to,
                          struct sctp_sendv_spa *spa)
{
    size_t done = 0;
    int tries = 0;
    struct usend_tail *t;
    for (;;) {
        ssize_t n = sendv(u, data + done, len - done, to, spa);
        if (n < 0) {
            if (done == 0)
                return -1;   /* nothing taken: the caller sees EAGAIN or the error */
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                return -1;
        } else {
            done += (size_t)n;
            if (done >= len)
                return (ssize_t)len;
        }
        if (++tries >= SHORT_RETRIES)
            break;
    }
    /* part of it is queued: the rest must follow, so it is kept */
    if (!(t = malloc(sizeof *t + (len - done)))) {
        errno = ENOMEM;
        return -1;
    }
    t->spa = *spa;   /* sendv put the association's id in it when `to` chose it */
    t->has_to = to != NULL;
    if (to)
        memcpy(&t->to, to, sa_size(to->sa_family));
    t->len = len - done;
    memcpy(t->data, data + done, t->len);
    u->tail = t;
    __atomic_store_n(&u->has_tail, 1, __ATOMIC_SEQ_CST);
    return (ssize_t)len;
}

/* sendx's extra peer addresses (SCTP_DSTADDRV4/V6, after msg_name): Linux
 * adds them to an association it sets up implicitly and ignores them for an
 * existing one. usrsctp_sendv takes one address, so a new association is
 * set up with usrsctp_connectx first (the port is msg_name's). */
static int implicit_setup(usock *u, const struct msghdr *msg, const struct sockaddr *to, size_t ndst)
{
    size_t tolen = sa_size(to->sa_family), off = tolen;
    uint16_t port = to->sa_family == AF_INET ? ((const struct sockaddr_in *)to)->sin_port
                                             : ((const struct sockaddr_in6 *)to)->sin6_port;
    struct cmsghdr *c;
    sctp_assoc_t id = 0;
    char *list = malloc(tolen + ndst * sizeof(struct sockaddr_in6));
    int rc, e;
    if (!list) {
        errno = ENOMEM;
        return -1;
    }
    memcpy(list, to, tolen);
    for (c = CMSG_FIRSTHDR((struct msghdr *)msg); c; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
        if (c->cmsg_level != LX_IPPROTO_SCTP)
            continue;
        if (c->cmsg_type == LX_SCTP_DSTADDRV4) {
            struct sockaddr_in sin;
            memset(&sin, 0, sizeof sin);
            sin.sin_family = AF_INET;
            sin.sin_port = port;
            memcpy(&sin.sin_addr, CMSG_DATA(c), sizeof sin.sin_addr);
            memcpy(list + off, &sin, sizeof sin);
            off += sizeof sin;
        } else if (c->cmsg_type == LX_SCTP_DSTADDRV6) {
            struct sockaddr_in6 sin6;
            memset(&sin6, 0, sizeof sin6);
            sin6.sin6_family = AF_INET6;
            sin6.sin6_port = port;
            memcpy(&sin6.sin6_addr, CMSG_DATA(c), sizeof sin6.sin6_addr);
            memcpy(list + off, &sin6, sizeof sin6);
            off += sizeof sin6;
        }
    }
    rc = usrsctp_connectx(u->so, (struct sockaddr *)list, (int)ndst + 1, &id);
    e = errno;
    free(list);
    if (rc < 0 && (e == EALREADY || e == EADDRINUSE || e == EISCONN))
        rc = 0;   /* there is one: the message goes there, as on Linux */
    if (rc < 0 && e == EINPROGRESS)
        rc = 0;
    errno = e;
    return rc;
}

/* The Linux cmsgs into spa; counts sendx's addresses in *ndst. Every
 * length is checked, as Linux does (EINVAL). */
static int read_control(const struct msghdr *msg, struct sctp_sendv_spa *spa, size_t *ndst)
{
    struct cmsghdr *c;
    *ndst = 0;
    for (c = CMSG_FIRSTHDR((struct msghdr *)msg); c; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
        size_t at = (size_t)((char *)c - (char *)msg->msg_control);
        struct lx_sndrcvinfo si;
        if (c->cmsg_len < sizeof *c || c->cmsg_len > msg->msg_controllen - at) {
            errno = EINVAL;
            return -1;
        }
        if (c->cmsg_level != LX_IPPROTO_SCTP)
            continue;
        if (c->cmsg_type == LX_SCTP_DSTADDRV4 || c->cmsg_type == LX_SCTP_DSTADDRV6) {
            if (c->cmsg_len != CMSG_LEN(c->cmsg_type == LX_SCTP_DSTADDRV4 ? sizeof(struct in_addr)
                                                                           : sizeof(struct in6_addr))) {
                errno = EINVAL;
                return -1;
            }
            ++*ndst;
            continue;
        }
        if (c->cmsg_type != LX_SCTP_SNDRCV || c->cmsg_len != CMSG_LEN(sizeof si)) {
            errno = EINVAL;
            return -1;
        }
        memcpy(&si, CMSG_DATA(c), sizeof si);
        spa->sendv_flags |= SCTP_SEND_SNDINFO_VALID;
        spa->sendv_sndinfo.snd_sid = si.sinfo_stream;
        spa->sendv_sndinfo.snd_flags = lsctp_usr_send_flags(si.sinfo_flags);
        spa->sendv_sndinfo.snd_ppid = si.sinfo_ppid;
        spa->sendv_sndinfo.snd_context = si.sinfo_context;
        spa->sendv_sndinfo.snd_assoc_id = (sctp_assoc_t)si.sinfo_assoc_id;
        spa->sendv_prinfo.pr_policy = lsctp_usr_pr_policy(si.sinfo_flags & LX_SCTP_PR_SCTP_MASK);
        if (spa->sendv_prinfo.pr_policy) {
            spa->sendv_flags |= SCTP_SEND_PRINFO_VALID;
            spa->sendv_prinfo.pr_value = si.sinfo_timetolive;
        }
    }
    return 0;
}

/* With fragments disabled, Linux refuses a message above the association's
 * fragmentation point (EMSGSIZE); usrsctp compares with the path MTU. */
static int above_frag_point(usock *u, struct sockaddr *to, const struct sctp_sendv_spa *spa, size_t len)
{
    struct sctp_assoc_value av;
    socklen_t l = sizeof av;
    memset(&av, 0, sizeof av);
    av.assoc_id = to ? usrsctp_getassocid(u->so, to) : spa->sendv_sndinfo.snd_assoc_id;
    if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_MAXSEG, &av, &l) < 0 || !av.assoc_value
        || len <= av.assoc_value)
        return 0;
    errno = EMSGSIZE;
    return 1;
}

static ssize_t u_sendmsg(int h, const struct msghdr *msg, int flags)
{
    usock *u = lookup(h);
    struct sctp_sendv_spa spa;
    struct sockaddr *to = NULL;
    char one = 0, *data = &one, *copy = NULL;
    size_t len = 0, i, ndst;
    ssize_t n = -1;
    (void)flags;
    if (!u)
        return -1;
    memset(&spa, 0, sizeof spa);
    if (msg->msg_namelen) {
        to = (struct sockaddr *)msg->msg_name;
        if (!to || msg->msg_namelen < sizeof to->sa_family || !sa_size(to->sa_family)
            || msg->msg_namelen < sa_size(to->sa_family)) {
            errno = EINVAL;
            return -1;
        }
    }
    if (read_control(msg, &spa, &ndst) < 0)
        return -1;
    for (i = 0; i < (size_t)msg->msg_iovlen; i++)
        len += msg->msg_iov[i].iov_len;
    if (u->no_frag && above_frag_point(u, to, &spa, len))
        return -1;
    /* usrsctp 0.9.5's stream scheduler (sctp_ss_default_select) spins
     * forever when the first message of a stream is ADDR_OVER another path:
     * the flag is not passed on, the message goes the usual way */
    if ((spa.sendv_sndinfo.snd_flags & SCTP_ADDR_OVER) && !to) {
        errno = EINVAL;   /* as Linux: addr_over needs an address */
        return -1;
    }
    spa.sendv_sndinfo.snd_flags &= (uint16_t)~SCTP_ADDR_OVER;
    if (msg->msg_iovlen == 1 && len) {
        data = msg->msg_iov[0].iov_base;
    } else if (len) {   /* usrsctp has no gather send */
        size_t off = 0;
        if (!(copy = malloc(len)))
            return -1;
        for (i = 0; i < (size_t)msg->msg_iovlen; i++) {
            memcpy(copy + off, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
            off += msg->msg_iov[i].iov_len;
        }
        data = copy;
    }
    pthread_mutex_lock(&u->tx_lock);
    if (flush_tail(u) == 0 && (!ndst || !to || implicit_setup(u, msg, to, ndst) == 0))
        n = send_whole(u, data, len, to, &spa);
    pthread_mutex_unlock(&u->tx_lock);
    free(copy);
    if (n < 0 && errno == ENOENT)
        errno = EPIPE;   /* no such association: Linux says EPIPE */
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        settle(u);   /* the writer polls next */
    return n;
}

static int u_sendmmsg(int h, struct mmsghdr *msgs, unsigned count, int flags)
{
    unsigned i;
    for (i = 0; i < count; i++) {
        ssize_t n = u_sendmsg(h, &msgs[i].msg_hdr, flags);
        if (n < 0)
            return i ? (int)i : -1;
        msgs[i].msg_len = (unsigned)n;
    }
    return (int)i;
}

/* --- receiving ------------------------------------------------------------- */

/* The translation rewrites a notification's fixed part only (at most
 * NOTE_HEAD bytes), so a notification in pieces is translated in its first
 * piece and the rest passes as it comes. Gathered whole (in u->note) are
 * only a first piece shorter than that (recv.c reads at least 256 bytes)
 * and the send_failed_event that must also (or only) be the old, longer
 * form. Those carry the message: past NOTE_MAX its data is cut (csrc/notify.c
 * bounds the data by what arrives). */
#define NOTE_MAX (64u << 10)
#define NOTE_HEAD 256u    /* more than any notification's fixed part */
#define NOTE_KEEP 4096u   /* a bigger buffer is freed once handed out */

static int note_room(usock *u, size_t want)
{
    char *b;
    size_t cap = u->note_cap ? u->note_cap : 512;
    if (u->note_cap >= want)
        return 0;
    while (cap < want)
        cap *= 2;
    if (!(b = realloc(u->note, cap)))
        return -1;
    u->note = b;
    u->note_cap = cap;
    return 0;
}

static void note_reset(usock *u)
{
    u->note_state = 0;
    u->note_len = u->note_off = 0;
    if (u->note_cap > NOTE_KEEP) {
        free(u->note);
        u->note = NULL;
        u->note_cap = 0;
    }
}

/* The gathered notification into its Linux form(s): send_failed_event in
 * the forms subscribed (both: twice, as Linux delivers it). */
static void note_finish(usock *u)
{
    size_t n = u->note_len < 8 ? u->note_len : lsctp_usr_translate_notification(u->note, u->note_len);
    size_t old = n + sizeof(struct lx_send_failed);   /* more than the old form takes */
    uint16_t type = 0;
    u->note_forms = 1;
    u->note_end[0] = n;
    u->note_cur = 0;
    u->note_off = 0;
    u->note_state = 2;
    if (n >= 8)
        memcpy(&type, u->note, sizeof type);
    if (type != LX_SCTP_SEND_FAILED_EVENT || !u->sub_send_failed)
        return;   /* neither form subscribed (a per-association one): usrsctp's */
    if (!u->sub_send_failed_event) {
        if (note_room(u, old) == 0 && (old = lsctp_usr_old_send_failed(u->note, n, u->note, u->note_cap)))
            u->note_end[0] = old;
        return;
    }
    if (note_room(u, n + old) < 0)
        return;   /* no memory: the new form only */
    if ((old = lsctp_usr_old_send_failed(u->note, n, u->note + n, u->note_cap - n))) {
        u->note_forms = 2;
        u->note_end[1] = n + old;
    }
}

/* The next piece of what note holds into msg: MSG_EOR ends each form. */
static ssize_t note_deliver(usock *u, struct msghdr *msg)
{
    size_t end = u->note_end[u->note_cur], k = end - u->note_off;
    if (k > msg->msg_iov[0].iov_len)
        k = msg->msg_iov[0].iov_len;
    if (k)
        memcpy(msg->msg_iov[0].iov_base, u->note + u->note_off, k);
    u->note_off += k;
    if (msg->msg_name && msg->msg_namelen) {
        socklen_t l = msg->msg_namelen < u->note_fromlen ? msg->msg_namelen : u->note_fromlen;
        memcpy(msg->msg_name, &u->note_from, l);
    }
    msg->msg_namelen = u->note_fromlen;
    msg->msg_controllen = 0;
    msg->msg_flags = LX_MSG_NOTIFICATION;
    if (u->note_off == end) {
        msg->msg_flags |= MSG_EOR;
        if (++u->note_cur == u->note_forms)
            note_reset(u);
    }
    return (ssize_t)k;
}

/* Appends a piece of a notification (n bytes in buf); past NOTE_MAX it is dropped. */
static void note_append(usock *u, const char *buf, size_t n)
{
    size_t keep = u->note_len < NOTE_MAX ? NOTE_MAX - u->note_len : 0;
    if (keep > n)
        keep = n;
    if (keep && note_room(u, u->note_len + keep) < 0)
        keep = 0;
    if (keep)
        memcpy(u->note + u->note_len, buf, keep);
    u->note_len += keep;
}

static void rcvinfo_cmsg(struct msghdr *msg, size_t controllen, const struct sctp_rcvinfo *rcv)
{
    struct cmsghdr *c = (struct cmsghdr *)msg->msg_control;
    struct lx_sndrcvinfo si;
    if (controllen < CMSG_SPACE(sizeof si)) {
        msg->msg_flags |= MSG_CTRUNC;
        return;
    }
    memset(&si, 0, sizeof si);
    si.sinfo_stream = rcv->rcv_sid;
    si.sinfo_ssn = rcv->rcv_ssn;
    si.sinfo_flags = rcv->rcv_flags & SCTP_UNORDERED ? LX_SCTP_UNORDERED : 0;
    si.sinfo_ppid = rcv->rcv_ppid;
    si.sinfo_context = rcv->rcv_context;
    si.sinfo_tsn = rcv->rcv_tsn;
    si.sinfo_cumtsn = rcv->rcv_cumtsn;
    si.sinfo_assoc_id = (int32_t)rcv->rcv_assoc_id;
    memset(c, 0, CMSG_SPACE(sizeof si));
    c->cmsg_level = LX_IPPROTO_SCTP;
    c->cmsg_type = LX_SCTP_SNDRCV;
    c->cmsg_len = CMSG_LEN(sizeof si);
    memcpy(CMSG_DATA(c), &si, sizeof si);
    msg->msg_controllen = CMSG_SPACE(sizeof si);
}

/* usrsctp confirms the address a COOKIE-ECHO came from with an
 * ADDR_CONFIRMED queued after COMM_UP (sctp_input.c, send_int_conf); on
 * Linux that path is active from the start and no event comes. So at
 * comm_up (or restart) the association's primary address is noted, and the
 * first addr_confirmed of that association for that address is dropped,
 * whatever comes between; others (a second address confirmed by a
 * HEARTBEAT) pass. Returns 1 for the one to drop. */
static int same_address(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return 0;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
        return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
    }
    return 0;
}

static int handshake_confirm(usock *u, const char *buf, size_t n)
{
    struct lx_assoc_change ac;
    struct lx_paddr_change pc;
    uint16_t type;
    int i;
    if (n < sizeof type)
        return 0;
    memcpy(&type, buf, sizeof type);
    if (type == LX_SCTP_ASSOC_CHANGE && n >= sizeof ac) {
        struct sctp_status st;
        socklen_t l = sizeof st;
        memcpy(&ac, buf, sizeof ac);
        if (ac.sac_state != 0 && ac.sac_state != 2)   /* comm_up, restart */
            return 0;
        memset(&st, 0, sizeof st);
        st.sstat_assoc_id = (sctp_assoc_t)ac.sac_assoc_id;
        if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_STATUS, &st, &l) < 0)
            return 0;
        i = u->confirm_next++ % LSCTP_USR_CONFIRMS;   /* the oldest note goes */
        u->confirm[i].assoc = ac.sac_assoc_id;
        u->confirm[i].addr = st.sstat_primary.spinfo_address;
        u->confirm[i].valid = 1;
    } else if (type == LX_SCTP_PEER_ADDR_CHANGE && n >= sizeof pc) {
        struct sockaddr_storage addr;
        memcpy(&pc, buf, sizeof pc);
        if (pc.spc_state != 5)   /* addr_confirmed */
            return 0;
        memcpy(&addr, buf + offsetof(struct lx_paddr_change, spc_aaddr), sizeof addr);
        for (i = 0; i < LSCTP_USR_CONFIRMS; i++)
            if (u->confirm[i].valid && u->confirm[i].assoc == pc.spc_assoc_id
                && same_address(&u->confirm[i].addr, &addr)) {
                u->confirm[i].valid = 0;
                return 1;
            }
    }
    return 0;
}

static ssize_t receive(usock *u, struct msghdr *msg)
{
    size_t controllen = msg->msg_controllen;
    socklen_t namelen = msg->msg_namelen;
    if (u->note_state == 2)
        return note_deliver(u, msg);
    for (;;) {
        struct sctp_rcvinfo rcv;
        socklen_t infolen = sizeof rcv, fromlen = namelen;
        unsigned infotype = 0;
        int mflags = 0;
        char *buf = msg->msg_iov[0].iov_base;
        ssize_t n;
        uint16_t type = 0;
        memset(&rcv, 0, sizeof rcv);
        n = usrsctp_recvv(u->so, buf, msg->msg_iov[0].iov_len, (struct sockaddr *)msg->msg_name,
                          &fromlen, &rcv, &infolen, &infotype, &mflags);
        if (n < 0)
            return -1;   /* a notification half gathered stays for the next call */
        if (!(mflags & MSG_NOTIFICATION)) {
            /* usrsctp finishes a notification before anything else: a
             * part is left only if that ever changed */
            if (u->note_state)
                note_reset(u);
            msg->msg_namelen = fromlen;
            msg->msg_controllen = 0;
            msg->msg_flags = mflags & MSG_EOR;
            if (infotype == SCTP_RECVV_RCVINFO)
                rcvinfo_cmsg(msg, controllen, &rcv);
            return n;
        }
        if (u->note_state == 0 && n >= (ssize_t)sizeof type)
            memcpy(&type, buf, sizeof type);
        if (u->note_state == 3
            || (u->note_state == 0 && ((mflags & MSG_EOR) || n >= NOTE_HEAD)
                && (type != SCTP_SEND_FAILED_EVENT || !u->sub_send_failed))) {
            /* its Linux form is no longer, and only its fixed part changes:
             * in place, the rest (state 3) as it comes */
            msg->msg_namelen = fromlen;
            msg->msg_controllen = 0;
            msg->msg_flags = LX_MSG_NOTIFICATION | (mflags & MSG_EOR);
            if (u->note_state == 0) {
                n = (ssize_t)lsctp_usr_translate_notification(buf, (size_t)n);
                if ((mflags & MSG_EOR) && handshake_confirm(u, buf, (size_t)n)) {
                    msg->msg_namelen = namelen;   /* as given: recvmsg_wait may call again */
                    msg->msg_controllen = controllen;
                    continue;
                }
            }
            u->note_state = mflags & MSG_EOR ? 0 : 3;
            return n;
        }
        if (u->note_state == 0) {
            u->note_state = 1;
            u->note_len = 0;
            u->note_fromlen = fromlen <= sizeof u->note_from ? fromlen : 0;
            if (u->note_fromlen)
                memcpy(&u->note_from, msg->msg_name, u->note_fromlen);
        }
        note_append(u, buf, (size_t)n);
        if (mflags & MSG_EOR) {
            note_finish(u);
            return note_deliver(u, msg);
        }
    }
}

static ssize_t u_recvmsg(int h, struct msghdr *msg, int flags)
{
    usock *u = lookup(h);
    ssize_t n;
    (void)flags;
    if (!u)
        return -1;
    n = receive(u, msg);
    settle(u);
    return n;
}

static ssize_t u_recvmsg_wait(int h, struct msghdr *msg, int timeout_ms, int *wait_state)
{
    usock *u = lookup(h);
    (void)wait_state;
    if (!u)
        return -1;
    for (;;) {
        struct pollfd p;
        int slice = timeout_ms < 10 ? timeout_ms : 10;
        ssize_t n = u_recvmsg(h, msg, 0);
        if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK) || timeout_ms <= 0)
            return n;
        p.fd = u->w->efd;
        p.events = POLLIN;
        p.revents = 0;
        poll(&p, 1, slice);
        timeout_ms -= slice;
    }
}

/* --- options: sockopt_usrsctp.c ------------------------------------------- */

/* SCTP_EVENT for one of the two send_failed forms (else NULL): usrsctp has
 * one subscription for both, so the backend keeps which the Lua layer
 * chose, and usrsctp's is on while either is. */
static unsigned char *send_failed_sub(usock *u, int level, int name, const void *val, socklen_t len)
{
    struct lx_event ev;
    if (level != LX_IPPROTO_SCTP || name != LX_SCTP_EVENT || len < sizeof ev)
        return NULL;
    memcpy(&ev, val, sizeof ev);
    return ev.se_type == LX_SCTP_SEND_FAILED ? &u->sub_send_failed
         : ev.se_type == LX_SCTP_SEND_FAILED_EVENT ? &u->sub_send_failed_event : NULL;
}

static int u_setsockopt(int h, int level, int name, const void *val, socklen_t len)
{
    usock *u = lookup(h);
    unsigned char *sub;
    struct lx_event ev;
    if (!u)
        return -1;
    if (!(sub = send_failed_sub(u, level, name, val, len))) {
        int on, rc = lsctp_usr_sockopt(u, level, name, (void *)val, &len, 1);
        if (rc == 0 && level == LX_IPPROTO_SCTP && name == LX_SCTP_DISABLE_FRAGMENTS && len >= sizeof on) {
            memcpy(&on, val, sizeof on);
            u->no_frag = on != 0;
        }
        return rc;
    }
    memcpy(&ev, val, sizeof ev);
    {
        unsigned char was = *sub;
        *sub = ev.se_on != 0;
        ev.se_on = u->sub_send_failed || u->sub_send_failed_event;
        len = sizeof ev;
        if (lsctp_usr_sockopt(u, level, name, &ev, &len, 1) < 0) {
            *sub = was;
            return -1;
        }
    }
    return 0;
}

static int u_getsockopt(int h, int level, int name, void *val, socklen_t *len)
{
    usock *u = lookup(h);
    unsigned char *sub;
    if (!u)
        return -1;
    sub = send_failed_sub(u, level, name, val, *len);
    if (lsctp_usr_sockopt(u, level, name, val, len, 0) < 0)
        return -1;
    if (sub) {   /* usrsctp's answer says whether either is on */
        struct lx_event ev;
        memcpy(&ev, val, sizeof ev);
        ev.se_on = ev.se_on && *sub;
        memcpy(val, &ev, sizeof ev);
    }
    return 0;
}

/* --- addresses ---------------------------------------------------------------- */

static int u_getaddrs(int h, lsctp_assoc_t id, int peer, struct sockaddr **addrs)
{
    usock *u = lookup(h);
    int n;
    if (!u)
        return -1;
    n = peer ? usrsctp_getpaddrs(u->so, (sctp_assoc_t)id, addrs)
             : usrsctp_getladdrs(u->so, (sctp_assoc_t)id, addrs);
    if (n < 0 && !peer && id == 0 && errno == ENOTCONN) {
        *addrs = NULL;   /* an unbound socket: no addresses, as Linux says */
        return 0;
    }
    if (n < 0 && (errno == ENOENT || errno == ENOTCONN))
        errno = EINVAL;   /* no such association, as Linux says */
    return n;
}

static void u_freeaddrs(struct sockaddr *addrs, int peer)
{
    if (peer)
        usrsctp_freepaddrs(addrs);
    else
        usrsctp_freeladdrs(addrs);
}

static int u_diag_dump(int family, char **out, size_t *len)
{
    (void)family; (void)out; (void)len;
    errno = ENOTSUP;   /* no sock_diag in userland */
    return -1;
}


const lsctp_backend lsctp_usrsctp_backend = {
    .name = "usrsctp",
    .caps = &usrsctp_caps,
    .settings = usrsctp_settings,
    .configure = u_configure,
    .init = u_init,
    .finish = u_finish,
    .socket = u_socket,
    .close = u_close,
    .bindx = u_bindx,
    .connectx = u_connectx,
    .listen = u_listen,
    .accept = u_accept,
    .shutdown = u_shutdown,
    .sendmsg = u_sendmsg,
    .recvmsg = u_recvmsg,
    .recvmsg_wait = u_recvmsg_wait,
    .sendmmsg = u_sendmmsg,
    .setsockopt = u_setsockopt,
    .getsockopt = u_getsockopt,
    .getaddrs = u_getaddrs,
    .freeaddrs = u_freeaddrs,
    .peeloff = u_peeloff,
    .pollfd = u_pollfd,
    .diag_dump = u_diag_dump,
};
