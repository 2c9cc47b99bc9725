/* An in-memory SCTP backend for profiling the core on a host without SCTP
 * (bench/profile): it stands in for backend_kernel.c, under the same name
 * `lsctp_kernel_backend` (csrc/socket.c refers to that one directly), so
 * the harness links every csrc .c file but backend_kernel.c, plus this one.
 *
 * One-to-many (SOCK_SEQPACKET) sockets in one process over 127.0.0.1:
 * bindx records a port; connectx to a listening socket's port makes an
 * association (each side its own id, from 1) and queues an assoc_change
 * (comm_up) on both sockets; sendmsg copies the message onto the peer
 * socket's queue; recvmsg pops it (partial delivery when the buffer is
 * short, MSG_EOR on the last part) with the sender's address and, when
 * data_io_event is on, an SCTP_SNDRCV cmsg. Nothing ever blocks: an empty
 * queue is EAGAIN, and a recv that would wait on an empty queue is
 * EDEADLK (one thread, nobody could ever fill it). Handles are eventfd
 * descriptors, so close and pollfd are real (always writable, never
 * readable). What is not needed fails with EOPNOTSUPP. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "backend.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/eventfd.h>
#include <netinet/in.h>
#include <netinet/sctp.h>

#define MAX_FD 256                   /* handles: eventfd descriptors below this */
#define MAX_SIDES 256                /* association ends, ids 1..MAX_SIDES-1 */
#define MAX_OPT 128                  /* bytes kept per stored option value */
#define NOPTS 24
#define QUEUE_MAX_BYTES (64u << 20)  /* beyond: ENOBUFS (a test that never reads) */
#define NEVENTS 16

typedef struct message {
    struct message *next;
    char *data;
    size_t cap, len, off;            /* off: bytes already delivered */
    int notification;
    struct sctp_sndrcvinfo info;
    struct sockaddr_in from;
} message;

typedef struct stored_opt {
    int level, name;
    socklen_t len;
    char val[MAX_OPT];
} stored_opt;

typedef struct lsock {
    int used, listening;
    struct sockaddr_in addr;         /* sin_port 0: not bound */
    message *head, *tail;
    size_t queued;
    uint8_t events[NEVENTS];         /* by sn_type - SCTP_SN_TYPE_BASE */
    stored_opt opts[NOPTS];
    int nopts;
} lsock;

typedef struct side {
    int sock, peer;                  /* peer: the id of the other end */
    uint32_t tsn;                    /* of what this end received */
    uint16_t ssn;
} side;

static lsock socks[MAX_FD];
static side sides[MAX_SIDES];
static int next_id = 1;
static uint16_t next_port = 40000;
static message *pool;                /* delivered messages, kept for reuse */

/* The per-message work stays inside this file, with no libc call once the
 * pool is warm: the profile reports this file apart (it stands in for the
 * kernel), and a libc call from here would count as libc. */
static void copy(char *to, const char *from, size_t n)
{
    volatile char *d = to;           /* volatile: gcc must not make it memcpy */
    while (n--)
        *d++ = *from++;
}

static void release(message *m)
{
    m->next = pool;
    pool = m;
}

static int fail(int err) { errno = err; return -1; }

static lsock *get(int h)
{
    if (h >= 0 && h < MAX_FD && socks[h].used)
        return &socks[h];
    errno = EBADF;
    return NULL;
}

static int loop_socket(int family, int type)
{
    int h;
    if (family != AF_INET || type != SOCK_SEQPACKET)
        return fail(EOPNOTSUPP);
    if ((h = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0)
        return -1;
    if (h >= MAX_FD) {
        close(h);
        return fail(EMFILE);
    }
    memset(&socks[h], 0, sizeof socks[h]);
    socks[h].used = 1;
    return h;
}

static int loop_close(int h)
{
    lsock *s = get(h);
    message *m, *n;
    int i;
    if (!s)
        return -1;
    for (m = s->head; m; m = n) {
        n = m->next;
        release(m);
    }
    for (i = 1; i < next_id; i++)    /* the association ends go: no more sends to them */
        if (sides[i].sock == h)
            sides[i].sock = -1;
    memset(s, 0, sizeof *s);
    return close(h);
}

static int loop_bindx(int h, struct sockaddr *addrs, int count, int flags)
{
    lsock *s = get(h);
    struct sockaddr_in a;
    int i;
    if (!s)
        return -1;
    if (flags != LSCTP_BINDX_ADD || count < 1)
        return fail(EOPNOTSUPP);
    memcpy(&a, addrs, sizeof a);      /* only the first address counts */
    if (a.sin_family != AF_INET)
        return fail(EAFNOSUPPORT);
    if (s->addr.sin_port)
        return a.sin_port == 0 || a.sin_port == s->addr.sin_port ? 0 : fail(EINVAL);
    if (a.sin_port == 0)
        a.sin_port = htons(next_port++);
    for (i = 0; i < MAX_FD; i++)
        if (socks[i].used && socks[i].addr.sin_port == a.sin_port)
            return fail(EADDRINUSE);
    s->addr = a;
    return 0;
}

static int loop_listen(int h, int backlog)
{
    lsock *s = get(h);
    return s ? (s->listening = backlog > 0, 0) : -1;
}

static int subscribed(const lsock *s, unsigned type)
{
    unsigned i = type - SCTP_SN_TYPE_BASE;
    return i < NEVENTS && s->events[i];
}

/* Appends a copy of len bytes (data may be several iovecs: see loop_sendmsg). */
static message *enqueue(lsock *s, size_t len)
{
    message *m;
    if (s->queued + len > QUEUE_MAX_BYTES) {
        errno = ENOBUFS;
        return NULL;
    }
    if ((m = pool) != NULL)
        pool = m->next;
    else if (!(m = calloc(1, sizeof *m))) {
        errno = ENOMEM;
        return NULL;
    }
    if (m->cap < len) {
        char *data = realloc(m->data, len);
        if (!data) {
            release(m);
            errno = ENOMEM;
            return NULL;
        }
        m->data = data;
        m->cap = len;
    }
    m->next = NULL;
    m->len = len, m->off = 0, m->notification = 0;
    memset(&m->info, 0, sizeof m->info);
    if (s->tail)
        s->tail->next = m;
    else
        s->head = m;
    s->tail = m;
    s->queued += len;
    return m;
}

static int comm_up(int id)
{
    lsock *s = &socks[sides[id].sock];
    struct sctp_assoc_change ac;
    message *m;
    if (!subscribed(s, SCTP_ASSOC_CHANGE))
        return 0;
    memset(&ac, 0, sizeof ac);
    ac.sac_type = SCTP_ASSOC_CHANGE;
    ac.sac_length = sizeof ac;
    ac.sac_state = SCTP_COMM_UP;
    ac.sac_outbound_streams = ac.sac_inbound_streams = 10;
    ac.sac_assoc_id = id;
    if (!(m = enqueue(s, sizeof ac)))
        return -1;
    copy(m->data, (const char *)&ac, sizeof ac);
    m->notification = 1;
    m->from = socks[sides[sides[id].peer].sock].addr;
    return 0;
}

static int loop_connectx(int h, struct sockaddr *addrs, int count, lsctp_assoc_t *id)
{
    lsock *s = get(h);
    struct sockaddr_in a;
    int i, me, them;
    if (!s)
        return -1;
    if (count < 1)
        return fail(EINVAL);
    memcpy(&a, addrs, sizeof a);
    if (a.sin_family != AF_INET || a.sin_addr.s_addr != htonl(INADDR_LOOPBACK))
        return fail(ENETUNREACH);
    for (i = 0; i < MAX_FD; i++)
        if (socks[i].used && socks[i].listening && socks[i].addr.sin_port == a.sin_port)
            break;
    if (i == MAX_FD)
        return fail(ECONNREFUSED);
    if (next_id + 2 > MAX_SIDES)
        return fail(ENOBUFS);
    if (!s->addr.sin_port) {          /* autobind, as the kernel */
        struct sockaddr_in any = {.sin_family = AF_INET};
        any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (loop_bindx(h, (struct sockaddr *)&any, 1, LSCTP_BINDX_ADD) < 0)
            return -1;
    }
    me = next_id++;
    them = next_id++;
    memset(&sides[me], 0, 2 * sizeof sides[me]);
    sides[me].sock = h, sides[me].peer = them;
    sides[them].sock = i, sides[them].peer = me;
    if (comm_up(me) < 0 || comm_up(them) < 0)
        return -1;
    *id = me;
    return 0;
}

static ssize_t loop_sendmsg(int h, const struct msghdr *msg, int flags)
{
    lsock *s = get(h);
    const struct sctp_sndrcvinfo *sinfo = NULL;
    struct cmsghdr *c;
    lsctp_assoc_t id;
    side *to;
    message *m;
    size_t len = 0, off = 0, i;
    (void)flags;
    if (!s)
        return -1;
    if (msg->msg_name)
        return fail(EOPNOTSUPP);      /* sendx: implicit associations */
    for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
        if (c->cmsg_level != IPPROTO_SCTP || c->cmsg_type != SCTP_SNDRCV)
            return fail(EINVAL);
        if (c->cmsg_len < CMSG_LEN(sizeof *sinfo))
            return fail(EINVAL);
        sinfo = (const struct sctp_sndrcvinfo *)CMSG_DATA(c);
    }
    if (!sinfo)
        return fail(EINVAL);
    id = sinfo->sinfo_assoc_id;
    if (id < 1 || id >= next_id || sides[id].sock != h || sides[sides[id].peer].sock < 0)
        return fail(EPIPE);
    if (sinfo->sinfo_flags & (SCTP_EOF | SCTP_ABORT | SCTP_SENDALL | SCTP_ADDR_OVER))
        return fail(EOPNOTSUPP);
    for (i = 0; i < msg->msg_iovlen; i++)
        len += msg->msg_iov[i].iov_len;
    if (len == 0)
        return fail(EINVAL);
    to = &sides[sides[id].peer];
    if (!(m = enqueue(&socks[to->sock], len)))
        return -1;
    for (i = 0; i < msg->msg_iovlen; i++) {
        copy(m->data + off, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
        off += msg->msg_iov[i].iov_len;
    }
    m->info.sinfo_stream = sinfo->sinfo_stream;
    m->info.sinfo_ssn = to->ssn++;
    m->info.sinfo_flags = sinfo->sinfo_flags & SCTP_UNORDERED;
    m->info.sinfo_ppid = sinfo->sinfo_ppid;
    m->info.sinfo_tsn = m->info.sinfo_cumtsn = ++to->tsn;
    m->info.sinfo_assoc_id = sides[id].peer;
    m->from = s->addr;
    return (ssize_t)len;
}

static ssize_t loop_recvmsg(int h, struct msghdr *msg, int flags)
{
    lsock *s = get(h);
    message *m;
    size_t n = 0, i;
    if (!s)
        return -1;
    if (flags & (MSG_PEEK | MSG_WAITALL))
        return fail(EOPNOTSUPP);
    if (!(m = s->head))
        return fail(EAGAIN);
    for (i = 0; i < msg->msg_iovlen && m->off + n < m->len; i++) {
        size_t k = msg->msg_iov[i].iov_len;
        if (k > m->len - m->off - n)
            k = m->len - m->off - n;
        copy(msg->msg_iov[i].iov_base, m->data + m->off + n, k);
        n += k;
    }
    if (msg->msg_name) {
        copy(msg->msg_name, (const char *)&m->from,
             msg->msg_namelen < sizeof m->from ? msg->msg_namelen : sizeof m->from);
        msg->msg_namelen = sizeof m->from;
    }
    msg->msg_flags = m->notification ? MSG_NOTIFICATION : 0;
    if (!m->notification && subscribed(s, SCTP_DATA_IO_EVENT)
        && msg->msg_control && msg->msg_controllen >= CMSG_SPACE(sizeof m->info)) {
        struct cmsghdr *c = CMSG_FIRSTHDR(msg);
        c->cmsg_level = IPPROTO_SCTP;
        c->cmsg_type = SCTP_SNDRCV;
        c->cmsg_len = CMSG_LEN(sizeof m->info);
        memcpy(CMSG_DATA(c), &m->info, sizeof m->info);
        msg->msg_controllen = CMSG_SPACE(sizeof m->info);
    } else {
        if (!m->notification && subscribed(s, SCTP_DATA_IO_EVENT))
            msg->msg_flags |= MSG_CTRUNC;
        msg->msg_controllen = 0;
    }
    m->off += n;
    if (m->off < m->len)              /* the rest at the next call */
        return (ssize_t)n;
    msg->msg_flags |= MSG_EOR;
    if (!(s->head = m->next))
        s->tail = NULL;
    s->queued -= m->len;
    release(m);
    return (ssize_t)n;
}

static ssize_t loop_recvmsg_wait(int h, struct msghdr *msg, int timeout_ms, int *wait_state)
{
    lsock *s = get(h);
    (void)timeout_ms, (void)wait_state;
    if (s && !s->head) {
        /* nothing queued and one thread: waiting could only hang */
        fprintf(stderr, "loop backend: recv would wait on an empty queue (fd %d)\n", h);
        return fail(EDEADLK);
    }
    return loop_recvmsg(h, msg, 0);
}

static int loop_sendmmsg(int h, struct mmsghdr *msgs, unsigned count, int flags)
{
    unsigned i;
    for (i = 0; i < count; i++) {
        ssize_t n = loop_sendmsg(h, &msgs[i].msg_hdr, flags);
        if (n < 0)
            return i > 0 ? (int)i : -1;
        msgs[i].msg_len = (unsigned)n;
    }
    return (int)count;
}

static stored_opt *find_opt(lsock *s, int level, int name)
{
    int i;
    for (i = 0; i < s->nopts; i++)
        if (s->opts[i].level == level && s->opts[i].name == name)
            return &s->opts[i];
    return NULL;
}

static int loop_setsockopt(int h, int level, int name, const void *val, socklen_t len)
{
    lsock *s = get(h);
    stored_opt *o;
    if (!s)
        return -1;
    if (level == IPPROTO_SCTP && name == SCTP_EVENT) {
        const struct sctp_event *ev = val;
        unsigned i;
        if (len < sizeof *ev)
            return fail(EINVAL);
        i = (unsigned)ev->se_type - SCTP_SN_TYPE_BASE;
        if (i >= NEVENTS)
            return fail(EINVAL);
        s->events[i] = ev->se_on != 0;
        return 0;
    }
    if (level == IPPROTO_SCTP && name == SCTP_EVENTS) {
        memcpy(s->events, val, len < NEVENTS ? len : NEVENTS);
        return 0;
    }
    if (len > MAX_OPT)
        return fail(EINVAL);
    if (!(o = find_opt(s, level, name))) {
        if (s->nopts == NOPTS)
            return fail(ENOBUFS);
        o = &s->opts[s->nopts++];
        o->level = level;
        o->name = name;
    }
    memcpy(o->val, val, len);
    o->len = len;
    return 0;
}

/* A value set before comes back as it was; any other leaves the caller's
 * buffer (zeroed, with its keys filled in) as it is: "all zeros". */
static int loop_getsockopt(int h, int level, int name, void *val, socklen_t *len)
{
    lsock *s = get(h);
    stored_opt *o;
    if (!s)
        return -1;
    if (level == IPPROTO_SCTP && name == SCTP_EVENT) {
        struct sctp_event *ev = val;
        if (*len < sizeof *ev)
            return fail(EINVAL);
        ev->se_on = subscribed(s, ev->se_type);
        *len = sizeof *ev;
        return 0;
    }
    if (level == IPPROTO_SCTP && name == SCTP_EVENTS) {
        memcpy(val, s->events, *len < NEVENTS ? *len : NEVENTS);
        return 0;
    }
    if ((o = find_opt(s, level, name)) != NULL) {
        memcpy(val, o->val, *len < o->len ? *len : o->len);
        *len = *len < o->len ? *len : o->len;
    }
    return 0;
}

static int loop_getaddrs(int h, lsctp_assoc_t id, int peer, struct sockaddr **addrs)
{
    lsock *s = get(h);
    const struct sockaddr_in *a;
    if (!s)
        return -1;
    *addrs = NULL;
    if (peer) {
        if (id < 1 || id >= next_id || sides[id].sock != h || sides[sides[id].peer].sock < 0)
            return fail(EINVAL);
        a = &socks[sides[sides[id].peer].sock].addr;
    } else {
        if (!s->addr.sin_port)
            return 0;
        a = &s->addr;
    }
    if (!(*addrs = malloc(sizeof *a)))
        return fail(ENOMEM);
    memcpy(*addrs, a, sizeof *a);
    return 1;
}

static void loop_freeaddrs(struct sockaddr *addrs, int peer) { (void)peer; free(addrs); }
static int loop_pollfd(int h) { return h; }   /* never readable, always writable */
static int loop_accept(int h) { (void)h; return fail(EOPNOTSUPP); }
static int loop_shutdown(int h, int how) { (void)h; (void)how; return fail(EOPNOTSUPP); }
static int loop_peeloff(int h, lsctp_assoc_t id) { (void)h; (void)id; return fail(EOPNOTSUPP); }
static int loop_diag_dump(int family, char **out, size_t *len)
{
    (void)family, (void)out, (void)len;
    return fail(EOPNOTSUPP);
}

static const lsctp_caps loop_caps = { .write_ready = 1, .gather_send = 1 };

const lsctp_backend lsctp_kernel_backend = {
    .name = "loop",
    .caps = &loop_caps,
    .socket = loop_socket,
    .close = loop_close,
    .bindx = loop_bindx,
    .connectx = loop_connectx,
    .listen = loop_listen,
    .accept = loop_accept,
    .shutdown = loop_shutdown,
    .sendmsg = loop_sendmsg,
    .recvmsg = loop_recvmsg,
    .recvmsg_wait = loop_recvmsg_wait,
    .sendmmsg = loop_sendmmsg,
    .setsockopt = loop_setsockopt,
    .getsockopt = loop_getsockopt,
    .getaddrs = loop_getaddrs,
    .freeaddrs = loop_freeaddrs,
    .peeloff = loop_peeloff,
    .pollfd = loop_pollfd,
    .diag_dump = loop_diag_dump,
};
