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
 * made by usrsctp's timers). WORK IN PROGRESS: data, the common options and
 * the notifications; see the TODO list at the end. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <usrsctp.h>

#include "usock.h"

#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static usock **table;
static int table_len;

static usock *lookup(int h)
{
    usock *u = NULL;
    pthread_mutex_lock(&table_lock);
    if (h >= 0 && h < table_len)
        u = table[h];
    pthread_mutex_unlock(&table_lock);
    if (!u)
        errno = EBADF;
    return u;
}

static void signal_fd(usock *u)
{
    uint64_t one = 1;
    ssize_t rc = write(u->efd, &one, sizeof one);
    (void)rc;   /* EAGAIN: the counter is already set */
}

static void drain_fd(usock *u)
{
    uint64_t v;
    ssize_t rc = read(u->efd, &v, sizeof v);
    (void)rc;
}

static void upcall(struct socket *so, void *arg, int flags)
{
    usock *u = arg;
    (void)so; (void)flags;
    __atomic_add_fetch(&u->inflight, 1, __ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&u->closing, __ATOMIC_SEQ_CST))
        signal_fd(u);
    __atomic_sub_fetch(&u->inflight, 1, __ATOMIC_SEQ_CST);
}

/* --- the stack ----------------------------------------------------------- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_errno;
static uint16_t peer_udp_port;

static uint16_t env_port(const char *name, uint16_t dflt)
{
    const char *v = getenv(name);
    long n = v && *v ? strtol(v, NULL, 10) : dflt;
    return n >= 0 && n <= 65535 ? (uint16_t)n : dflt;
}

/* what upcalls miss: readable sockets whose eventfd is not set */
static void *ticker(void *arg)
{
    struct timespec ts = {0, 10 * 1000 * 1000};
    (void)arg;
    for (;;) {
        int i;
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&table_lock);
        for (i = 0; i < table_len; i++) {
            usock *u = table[i];
            if (u && !__atomic_load_n(&u->closing, __ATOMIC_SEQ_CST)
                && (usrsctp_get_events(u->so) & SCTP_EVENT_READ))
                signal_fd(u);
        }
        pthread_mutex_unlock(&table_lock);
    }
    return NULL;
}

static void start_stack(void)
{
    pthread_t t;
    uint16_t udp = env_port("SCTP_USRSCTP_UDP_PORT", 9899);
    peer_udp_port = env_port("SCTP_USRSCTP_PEER_UDP_PORT", udp);
    usrsctp_init(udp, NULL, NULL);
    usrsctp_sysctl_set_sctp_rto_min_default(10);
    usrsctp_sysctl_set_sctp_rto_initial_default(100);
    usrsctp_sysctl_set_sctp_init_rto_max_default(1000);
    usrsctp_sysctl_set_sctp_max_chunks_on_queue(16384);
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

static int wrap(struct socket *so, int one_to_many)
{
    usock *u = calloc(1, sizeof *u);
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    const int on = 1;
    struct sctp_udpencaps encaps;
    if (!u || efd < 0) {
        int e = errno;
        free(u);
        if (efd >= 0)
            close(efd);
        usrsctp_close(so);
        errno = e;
        return -1;
    }
    u->so = so;
    u->efd = efd;
    u->one_to_many = one_to_many;
    pthread_mutex_lock(&table_lock);
    if (efd >= table_len) {
        int n = efd + 64;
        usock **t = realloc(table, (size_t)n * sizeof *t);
        if (!t) {
            pthread_mutex_unlock(&table_lock);
            free(u);
            close(efd);
            usrsctp_close(so);
            errno = ENOMEM;
            return -1;
        }
        memset(t + table_len, 0, (size_t)(n - table_len) * sizeof *t);
        table = t;
        table_len = n;
    }
    table[efd] = u;
    pthread_mutex_unlock(&table_lock);
    usrsctp_set_non_blocking(so, 1);
    usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on);
    memset(&encaps, 0, sizeof encaps);
    encaps.sue_assoc_id = SCTP_FUTURE_ASSOC;
    encaps.sue_port = htons(peer_udp_port);
    usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &encaps, sizeof encaps);
    usrsctp_set_upcall(so, upcall, u);
    if (usrsctp_get_events(so) & SCTP_EVENT_READ)
        signal_fd(u);
    return efd;
}

static int u_socket(int family, int type)
{
    struct socket *so;
    if (u_init() < 0)
        return -1;
    so = usrsctp_socket(family, type, IPPROTO_SCTP, NULL, NULL, 0, NULL);
    return so ? wrap(so, type == SOCK_SEQPACKET) : -1;
}

static int u_close(int h)
{
    usock *u = lookup(h);
    if (!u)
        return -1;
    __atomic_store_n(&u->closing, 1, __ATOMIC_SEQ_CST);
    usrsctp_set_upcall(u->so, NULL, NULL);
    while (__atomic_load_n(&u->inflight, __ATOMIC_SEQ_CST))
        sched_yield();
    pthread_mutex_lock(&table_lock);
    table[h] = NULL;
    pthread_mutex_unlock(&table_lock);
    usrsctp_close(u->so);
    close(u->efd);
    free(u);
    return 0;
}

static int u_bindx(int h, struct sockaddr *addrs, int count, int flags)
{
    usock *u = lookup(h);
    if (!u)
        return -1;
    return usrsctp_bindx(u->so, addrs, count,
                         flags == LSCTP_BINDX_ADD ? SCTP_BINDX_ADD_ADDR : SCTP_BINDX_REM_ADDR);
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
    drain_fd(u);
    so = usrsctp_accept(u->so, NULL, NULL);
    if (usrsctp_get_events(u->so) & SCTP_EVENT_READ)
        signal_fd(u);
    return so ? wrap(so, 0) : -1;
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
    so = usrsctp_peeloff(u->so, (sctp_assoc_t)id);
    return so ? wrap(so, 0) : -1;
}

static int u_pollfd(int h) { return h; }

/* --- sending -------------------------------------------------------------- */

/* Linux send flags (sinfo_flags) -> usrsctp's */
static uint16_t send_flags(uint16_t lx)
{
    uint16_t f = 0;
    if (lx & LX_SCTP_UNORDERED) f |= SCTP_UNORDERED;
    if (lx & LX_SCTP_ADDR_OVER) f |= SCTP_ADDR_OVER;
    if (lx & LX_SCTP_ABORT) f |= SCTP_ABORT;
    if (lx & LX_SCTP_SACK_IMMEDIATELY) f |= SCTP_SACK_IMMEDIATELY;
    if (lx & LX_SCTP_SENDALL) f |= SCTP_SENDALL;
    if (lx & LX_SCTP_EOF) f |= SCTP_EOF;
    return f;
}

static ssize_t u_sendmsg(int h, const struct msghdr *msg, int flags)
{
    usock *u = lookup(h);
    struct sctp_sendv_spa spa;
    struct cmsghdr *c;
    char one = 0, *data = &one, *copy = NULL;
    size_t len = 0, i;
    ssize_t n;
    (void)flags;
    if (!u)
        return -1;
    memset(&spa, 0, sizeof spa);
    for (c = CMSG_FIRSTHDR((struct msghdr *)msg); c; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
        struct lx_sndrcvinfo si;
        if (c->cmsg_level != LX_IPPROTO_SCTP)
            continue;
        if (c->cmsg_type != LX_SCTP_SNDRCV || c->cmsg_len < CMSG_LEN(sizeof si)) {
            errno = EINVAL;   /* TODO: SCTP_DSTADDRV4/V6 (sendx) */
            return -1;
        }
        memcpy(&si, CMSG_DATA(c), sizeof si);
        spa.sendv_flags |= SCTP_SEND_SNDINFO_VALID;
        spa.sendv_sndinfo.snd_sid = si.sinfo_stream;
        spa.sendv_sndinfo.snd_flags = send_flags(si.sinfo_flags);
        spa.sendv_sndinfo.snd_ppid = si.sinfo_ppid;
        spa.sendv_sndinfo.snd_context = si.sinfo_context;
        spa.sendv_sndinfo.snd_assoc_id = (sctp_assoc_t)si.sinfo_assoc_id;
        switch (si.sinfo_flags & LX_SCTP_PR_SCTP_MASK) {
        case LX_SCTP_PR_SCTP_TTL: spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL; break;
        case LX_SCTP_PR_SCTP_RTX: spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_RTX; break;
        case LX_SCTP_PR_SCTP_PRIO: spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_BUF; break;
        default: break;
        }
        if (spa.sendv_prinfo.pr_policy) {
            spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
            spa.sendv_prinfo.pr_value = si.sinfo_timetolive;
        }
    }
    for (i = 0; i < (size_t)msg->msg_iovlen; i++)
        len += msg->msg_iov[i].iov_len;
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
    n = usrsctp_sendv(u->so, data, len, msg->msg_namelen ? (struct sockaddr *)msg->msg_name : NULL,
                      msg->msg_namelen ? 1 : 0, spa.sendv_flags ? &spa : NULL,
                      spa.sendv_flags ? (socklen_t)sizeof spa : 0,
                      spa.sendv_flags ? SCTP_SENDV_SPA : SCTP_SENDV_NOINFO, 0);
    free(copy);
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

static ssize_t u_recvmsg(int h, struct msghdr *msg, int flags)
{
    usock *u = lookup(h);
    struct sctp_rcvinfo rcv;
    socklen_t infolen = sizeof rcv, fromlen = msg->msg_namelen;
    unsigned infotype = 0;
    int mflags = 0;
    ssize_t n;
    size_t controllen = msg->msg_controllen;
    (void)flags;
    if (!u)
        return -1;
    drain_fd(u);
    memset(&rcv, 0, sizeof rcv);
    n = usrsctp_recvv(u->so, msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len,
                      (struct sockaddr *)msg->msg_name, &fromlen, &rcv, &infolen, &infotype, &mflags);
    if (usrsctp_get_events(u->so) & SCTP_EVENT_READ)
        signal_fd(u);   /* more is waiting */
    if (n < 0)
        return -1;
    msg->msg_namelen = fromlen;
    msg->msg_controllen = 0;
    msg->msg_flags = (mflags & MSG_EOR) | (mflags & MSG_NOTIFICATION ? LX_MSG_NOTIFICATION : 0);
    if (mflags & MSG_NOTIFICATION) {
        /* TODO: a notification in pieces (no MSG_EOR) */
        n = (ssize_t)lsctp_usr_translate_notification(msg->msg_iov[0].iov_base, (size_t)n);
    } else if (infotype == SCTP_RECVV_RCVINFO && controllen >= CMSG_SPACE(sizeof(struct lx_sndrcvinfo))) {
        struct cmsghdr *c = (struct cmsghdr *)msg->msg_control;
        struct lx_sndrcvinfo si;
        memset(&si, 0, sizeof si);
        si.sinfo_stream = rcv.rcv_sid;
        si.sinfo_ssn = rcv.rcv_ssn;
        si.sinfo_flags = rcv.rcv_flags & SCTP_UNORDERED ? LX_SCTP_UNORDERED : 0;
        si.sinfo_ppid = rcv.rcv_ppid;
        si.sinfo_context = rcv.rcv_context;
        si.sinfo_tsn = rcv.rcv_tsn;
        si.sinfo_cumtsn = rcv.rcv_cumtsn;
        si.sinfo_assoc_id = (int32_t)rcv.rcv_assoc_id;
        memset(c, 0, CMSG_SPACE(sizeof si));
        c->cmsg_level = LX_IPPROTO_SCTP;
        c->cmsg_type = LX_SCTP_SNDRCV;
        c->cmsg_len = CMSG_LEN(sizeof si);
        memcpy(CMSG_DATA(c), &si, sizeof si);
        msg->msg_controllen = CMSG_SPACE(sizeof si);
    } else if (infotype == SCTP_RECVV_RCVINFO) {
        msg->msg_flags |= MSG_CTRUNC;
    }
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
        p.fd = u->efd;
        p.events = POLLIN;
        p.revents = 0;
        poll(&p, 1, slice);
        timeout_ms -= slice;
    }
}

/* --- options: sockopt_usrsctp.c ------------------------------------------- */

static int u_setsockopt(int h, int level, int name, const void *val, socklen_t len)
{
    usock *u = lookup(h);
    return u ? lsctp_usr_sockopt(u, level, name, (void *)val, &len, 1) : -1;
}

static int u_getsockopt(int h, int level, int name, void *val, socklen_t *len)
{
    usock *u = lookup(h);
    return u ? lsctp_usr_sockopt(u, level, name, val, len, 0) : -1;
}

/* --- addresses ---------------------------------------------------------------- */

static int u_getaddrs(int h, lsctp_assoc_t id, int peer, struct sockaddr **addrs)
{
    usock *u = lookup(h);
    if (!u)
        return -1;
    return peer ? usrsctp_getpaddrs(u->so, (sctp_assoc_t)id, addrs)
                : usrsctp_getladdrs(u->so, (sctp_assoc_t)id, addrs);
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

static const lsctp_caps usrsctp_caps = {.write_ready = 0, .gather_send = 0, .diag = 0, .udp_encaps = 1};

const lsctp_backend lsctp_usrsctp_backend = {
    .name = "usrsctp",
    .caps = &usrsctp_caps,
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

/* TODO (docs/usrsctp-notes.md section 9): SCTP_EVENTS, SCTP_DEFAULT_SEND_PARAM,
 * the reordered option structs (associnfo, prim, paddrparams, peer addr info,
 * default_prinfo, udpencaps), the old send_failed form, sendx's address
 * cmsgs, short sends, notifications in pieces, writers waiting on a timer
 * (caps.write_ready = 0) in the Lua layer, stack settings from Lua, raw IP
 * and blackhole. */
