/* Short sends through the usrsctp backend: a writer that retries at once
 * on EAGAIN floods 16 KiB messages over 4 streams; the reader checks that
 * every message arrives whole, once, in order per stream. usrsctp_sendv is
 * wrapped (-Wl,--wrap) to count the short returns the backend must hide. */
#define _GNU_SOURCE
#include "../../../csrc/backend.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

extern const lsctp_backend lsctp_usrsctp_backend;
static const lsctp_backend *be = &lsctp_usrsctp_backend;

#ifdef INJECT
#include <usrsctp.h>
#endif
struct socket;
ssize_t __real_usrsctp_sendv(struct socket *, const void *, size_t, struct sockaddr *, int, void *,
                             socklen_t, unsigned int, int);
static unsigned long shorts, calls, injected, kept_calls, bad;
static int last_msg;
#ifdef INJECT
/* A model of usrsctp's short send: the first part of the message is taken
 * (held here), the stream is locked to it (another stream: EINVAL, as
 * usrsctp), the rest is refused `fail` times (EWOULDBLOCK), then the
 * whole goes to the real usrsctp_sendv. */
static pthread_mutex_t mx = PTHREAD_MUTEX_INITIALIZER;
static char stash[65536];
static size_t stash_len;
static int stash_sid, stash_fail;
ssize_t __wrap_usrsctp_sendv(struct socket *so, const void *d, size_t len, struct sockaddr *to, int cnt,
                             void *info, socklen_t il, unsigned int it, int fl)
{
    struct sctp_sendv_spa *spa = info;
    int sid = spa ? spa->sendv_sndinfo.snd_sid : 0;
    ssize_t n;
    pthread_mutex_lock(&mx);
    calls++;
    if (stash_len) {
        if (sid != stash_sid) {
            bad++;
            pthread_mutex_unlock(&mx);
            errno = EINVAL;
            return -1;
        }
        kept_calls++;
        if (stash_fail > 0) {
            stash_fail--;
            pthread_mutex_unlock(&mx);
            errno = EWOULDBLOCK;
            return -1;
        }
        memcpy(stash + stash_len, d, len);
        n = __real_usrsctp_sendv(so, stash, stash_len + len, to, cnt, info, il, it, fl);
        if (n >= 0) {
            stash_len = 0;
            n = (ssize_t)len;
        }
        pthread_mutex_unlock(&mx);
        return n;
    }
    if (len > 100 && (rand() % 5 == 0 || last_msg)) {
        stash_len = len / 3;
        memcpy(stash, d, stash_len);
        stash_sid = sid;
        stash_fail = last_msg ? 30 : rand() % 8;   /* > SHORT_RETRIES - 1: the backend keeps the rest */
        injected++;
        shorts++;
        last_msg = 0;
        pthread_mutex_unlock(&mx);
        return (ssize_t)stash_len;
    }
    n = __real_usrsctp_sendv(so, d, len, to, cnt, info, il, it, fl);
    pthread_mutex_unlock(&mx);
    return n;
}
#else
ssize_t __wrap_usrsctp_sendv(struct socket *so, const void *d, size_t len, struct sockaddr *to, int cnt,
                             void *info, socklen_t il, unsigned int it, int fl)
{
    ssize_t n = __real_usrsctp_sendv(so, d, len, to, cnt, info, il, it, fl);
    __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
    if (n >= 0 && (size_t)n < len)
        __atomic_add_fetch(&shorts, 1, __ATOMIC_RELAXED);
    return n;
}
#endif

#define MSG 16384
#define STREAMS 4
static int N = 20000, srv, cli;
static int32_t assoc;

struct lx_sndrcvinfo { uint16_t stream, ssn, flags; uint32_t ppid, context, ttl, tsn, cumtsn; int32_t assoc_id; };

static void *writer(void *arg)
{
    static char buf[MSG];
    int i;
    unsigned long eagain = 0;
    (void)arg;
    for (i = 0; i < N; i++) {
        union { char b[CMSG_SPACE(sizeof(struct lx_sndrcvinfo))]; struct cmsghdr a; } ctl;
        struct lx_sndrcvinfo si;
        struct iovec iov = {buf, MSG};
        struct msghdr m;
        struct cmsghdr *c;
#ifdef INJECT
        if (i == N - 1) {
            pthread_mutex_lock(&mx);
            last_msg = 1;   /* the last one's rest only the ticker can send */
            pthread_mutex_unlock(&mx);
        }
#endif
        memset(&si, 0, sizeof si);
        si.stream = (uint16_t)(i % STREAMS);
        si.assoc_id = assoc;
        memset(buf, 'a' + i % 26, MSG);
        memcpy(buf, &i, sizeof i);
        memset(&m, 0, sizeof m);
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = ctl.b;
        m.msg_controllen = sizeof ctl.b;
        c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = 132;
        c->cmsg_type = 1;
        c->cmsg_len = CMSG_LEN(sizeof si);
        memcpy(CMSG_DATA(c), &si, sizeof si);
        for (;;) {
            ssize_t n = be->sendmsg(cli, &m, MSG_DONTWAIT);
            if (n == MSG)
                break;
            if (n >= 0) {
                fprintf(stderr, "FAIL: sendmsg answered %zd of %d\n", n, MSG);
                exit(1);
            }
            if (errno != EAGAIN) {
                fprintf(stderr, "FAIL: sendmsg %d: %s\n", i, strerror(errno));
                exit(1);
            }
            eagain++;
            sched_yield();   /* no sleep: the race the notes saw */
        }
    }
    printf("writer: %d messages, %lu EAGAIN retries\n", N, eagain);
    return NULL;
}

int main(int argc, char **argv)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    struct sockaddr *addrs;
    int got = 0, next[STREAMS] = {0}, i, sndbuf = argc > 2 ? atoi(argv[2]) : 65536;
    static char rbuf[65536];
    pthread_t t;
    if (argc > 1)
        N = atoi(argv[1]);
    if (be->init() < 0) { perror("init"); return 1; }
    srv = be->socket(AF_INET, SOCK_SEQPACKET);
    cli = be->socket(AF_INET, SOCK_SEQPACKET);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (be->bindx(srv, (struct sockaddr *)&a, 1, LSCTP_BINDX_ADD) < 0 || be->listen(srv, 8) < 0) { perror("srv"); return 1; }
    if (be->getaddrs(srv, 0, 0, &addrs) < 1) { perror("getladdrs"); return 1; }
    memcpy(&a, addrs, sizeof a);
    be->freeaddrs(addrs, 0);
    be->setsockopt(cli, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    if (be->connectx(cli, (struct sockaddr *)&a, 1, &assoc) < 0 && errno != EINPROGRESS) { perror("connectx"); return 1; }
    (void)al;
    pthread_create(&t, NULL, writer, NULL);
    while (got < N) {
        struct iovec iov = {rbuf, sizeof rbuf};
        union { char b[256]; struct cmsghdr a; } ctl;
        struct msghdr m;
        struct lx_sndrcvinfo si;
        ssize_t n;
        int seq;
        memset(&m, 0, sizeof m);
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = ctl.b;
        m.msg_controllen = sizeof ctl.b;
        n = be->recvmsg_wait(srv, &m, 5000, &i);
        if (n < 0) { fprintf(stderr, "FAIL: recv after %d: %s\n", got, strerror(errno)); return 1; }
        if (m.msg_flags & 0x8000)
            continue;   /* a notification */
        if (n != MSG || !(m.msg_flags & MSG_EOR)) { fprintf(stderr, "FAIL: message %d: %zd bytes, flags %x\n", got, n, m.msg_flags); return 1; }
        memcpy(&si, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof si);
        memcpy(&seq, rbuf, sizeof seq);
        if (seq % STREAMS != si.stream || seq != next[si.stream] * STREAMS + si.stream) {
            fprintf(stderr, "FAIL: stream %u: got %d, expected %d\n", si.stream, seq, next[si.stream] * STREAMS + si.stream);
            return 1;
        }
        for (i = (int)sizeof seq; i < MSG; i++)
            if (rbuf[i] != 'a' + seq % 26) { fprintf(stderr, "FAIL: message %d altered at %d\n", seq, i); return 1; }
        next[si.stream]++;
        got++;
    }
    pthread_join(t, NULL);
    printf("reader: %d messages whole and in order; usrsctp_sendv calls %lu, short %lu"
           " (injected %lu, calls on a kept rest %lu, sends on another stream while one was owed %lu)\n",
           got, calls, shorts, injected, kept_calls, bad);
    if (bad)
        return 1;
    fflush(stdout);
    _exit(0);
}
