/* Throwaway prototype: two processes on usrsctp over UDP encapsulation
 * (127.0.0.1), one-to-many sockets, readiness through an eventfd fed by
 * usrsctp_set_upcall. Not the backend: a probe of how usrsctp behaves.
 *
 *   proto server UDP PEERUDP SCTPPORT MODE [N [SIZE]]
 *   proto client UDP PEERUDP SCTPPORT MODE [N [SIZE]]
 * MODE: func | flood | pingpong | cantassoc | exit-none | exit-close |
 *       exit-finish | exit-abort
 * env: CHUNKS (sctp_max_chunks_on_queue), RTO_MIN, RTO_INIT (ms), UDPBUF
 *      (bytes, forced onto usrsctp's UDP sockets), ARMED=1 (upcall writes
 *      the eventfd only when a waiter armed it), RETRY_MS (writer's wait
 *      on EWOULDBLOCK, default 1), BLACKHOLE */
#define _GNU_SOURCE
#include <usrsctp.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    struct socket *so;
    int efd;
    atomic_int armed;
    atomic_ulong upcalls, efd_writes;
} usock;

static int armed_mode;
static unsigned long envnum(const char *name, unsigned long dflt);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Runs on usrsctp's threads: atomics and the eventfd write only. */
static void upcall(struct socket *so, void *arg, int flags)
{
    usock *u = arg;
    uint64_t one = 1;
    (void)so;
    (void)flags;
    atomic_fetch_add_explicit(&u->upcalls, 1, memory_order_relaxed);
    if (armed_mode && !atomic_exchange(&u->armed, 0))
        return;
    atomic_fetch_add_explicit(&u->efd_writes, 1, memory_order_relaxed);
    if (write(u->efd, &one, sizeof one) < 0) { /* EAGAIN: counter full, still readable */ }
}

/* Waits until the eventfd fires (or timeout); drains it. 1 woke, 0 timeout. */
static int wait_efd(usock *u, int timeout_ms)
{
    struct pollfd p = {u->efd, POLLIN, 0};
    uint64_t v;
    int rc;
    if (armed_mode) {
        atomic_store(&u->armed, 1);
        /* re-check after arming: an upcall before the store is not lost */
        if (usrsctp_get_events(u->so) & (SCTP_EVENT_READ | SCTP_EVENT_ERROR)) {
            atomic_store(&u->armed, 0);
            return 1;
        }
    }
    {
        /* SLICE_MS > 0: wake every slice and ask usrsctp_get_events too (the
         * fallback for events made on usrsctp's timer thread, which raise
         * no upcall on one-to-many sockets) */
        static int slice = -1;
        double end = now() + timeout_ms / 1000.0;
        if (slice < 0)
            slice = (int)envnum("SLICE_MS", 0);
        if (slice <= 0) {
            rc = poll(&p, 1, timeout_ms);
        } else for (;;) {
            int left = (int)((end - now()) * 1000 + 0.999);
            int t = slice < left ? slice : left;
            rc = poll(&p, 1, t < 0 ? 0 : t);
            if (rc != 0 || left <= slice)
                break;
            if (usrsctp_get_events(u->so) & (SCTP_EVENT_READ | SCTP_EVENT_ERROR))
                return 1;
        }
    }
    if (rc > 0 && read(u->efd, &v, sizeof v) < 0) { }
    return rc > 0;
}

static usock *usock_new(struct socket *so)
{
    usock *u = calloc(1, sizeof *u);
    u->so = so;
    u->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    usrsctp_set_non_blocking(so, 1);
    usrsctp_set_upcall(so, upcall, u);
    return u;
}

static unsigned long envnum(const char *name, unsigned long dflt)
{
    const char *v = getenv(name);
    return v && *v ? strtoul(v, NULL, 0) : dflt;
}

/* usrsctp's UDP sockets get 128 KiB (SB_RAW) from usrsctp_init, not
 * configurable: find them by their bound port and force bigger buffers. */
static void raise_udp_buffers(int port, int bytes)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        int fd = atoi(e->d_name), type = 0;
        socklen_t l = sizeof type;
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        if (e->d_name[0] == '.' || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0 || type != SOCK_DGRAM)
            continue;
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
            continue;
        if ((ss.ss_family == AF_INET && ntohs(((struct sockaddr_in *)&ss)->sin_port) == port)
            || (ss.ss_family == AF_INET6 && ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) == port)) {
            int got = 0;
            setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes);
            setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes);
            l = sizeof got;
            getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &l);
            fprintf(stderr, "[udp fd %d: rcvbuf now %d]\n", fd, got);
        }
    }
    if (d)
        closedir(d);
}

static void stack_init(int udp_port)
{
    usrsctp_init((uint16_t)udp_port, NULL, NULL);
    /* sysctls after usrsctp_init: sctp_init() resets them to defaults */
    if (getenv("CHUNKS"))
        usrsctp_sysctl_set_sctp_max_chunks_on_queue((uint32_t)envnum("CHUNKS", 512));
    if (getenv("RTO_MIN"))
        usrsctp_sysctl_set_sctp_rto_min_default((uint32_t)envnum("RTO_MIN", 1000));
    if (getenv("RTO_INIT"))
        usrsctp_sysctl_set_sctp_rto_initial_default((uint32_t)envnum("RTO_INIT", 3000));
    if (getenv("BLACKHOLE"))
        usrsctp_sysctl_set_sctp_blackhole((uint32_t)envnum("BLACKHOLE", 0));
    if (getenv("UDPBUF"))
        raise_udp_buffers(udp_port, (int)envnum("UDPBUF", 0));
    armed_mode = (int)envnum("ARMED", 0);
    fprintf(stderr, "[pid %d: udp %d, max_chunks_on_queue %u, rto_min %u, rto_initial %u, armed %d]\n",
            getpid(), udp_port, usrsctp_sysctl_get_sctp_max_chunks_on_queue(),
            usrsctp_sysctl_get_sctp_rto_min_default(), usrsctp_sysctl_get_sctp_rto_initial_default(),
            armed_mode);
}

static struct sockaddr_in addr4(const char *ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static usock *open_socket(int peer_udp, int bind_port)
{
    struct socket *so = usrsctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP, NULL, NULL, 0, NULL);
    struct sctp_udpencaps enc;
    const uint16_t types[] = {SCTP_ASSOC_CHANGE, SCTP_PEER_ADDR_CHANGE, SCTP_REMOTE_ERROR,
                              SCTP_SHUTDOWN_EVENT, SCTP_SEND_FAILED_EVENT, SCTP_SENDER_DRY_EVENT,
                              SCTP_PARTIAL_DELIVERY_EVENT, SCTP_ADAPTATION_INDICATION};
    struct sockaddr_in a = addr4("127.0.0.1", bind_port);
    int on = 1;
    size_t i;
    if (!so) {
        perror("usrsctp_socket");
        exit(1);
    }
    memset(&enc, 0, sizeof enc);
    enc.sue_assoc_id = SCTP_FUTURE_ASSOC;
    enc.sue_port = htons((uint16_t)peer_udp);
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &enc, sizeof enc) < 0)
        perror("SCTP_REMOTE_UDP_ENCAPS_PORT");
    if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on) < 0)
        perror("SCTP_RECVRCVINFO");
    for (i = 0; i < sizeof types / sizeof types[0]; i++) {
        struct sctp_event ev;
        memset(&ev, 0, sizeof ev);
        ev.se_assoc_id = SCTP_FUTURE_ASSOC;
        ev.se_type = types[i];
        ev.se_on = 1;
        if (usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev) < 0)
            perror("SCTP_EVENT");
    }
    if (getenv("SNDBUF")) {
        int v = (int)envnum("SNDBUF", 0), got = 0;
        socklen_t gl = sizeof got;
        if (usrsctp_setsockopt(so, SOL_SOCKET, SO_SNDBUF, &v, sizeof v) < 0)
            perror("SO_SNDBUF");
        usrsctp_getsockopt(so, SOL_SOCKET, SO_SNDBUF, &got, &gl);
        fprintf(stderr, "[SO_SNDBUF set %d, reads %d]\n", v, got);
    }
    if (getenv("RCVBUF")) {
        int v = (int)envnum("RCVBUF", 0), got = 0;
        socklen_t gl = sizeof got;
        if (usrsctp_setsockopt(so, SOL_SOCKET, SO_RCVBUF, &v, sizeof v) < 0)
            perror("SO_RCVBUF");
        usrsctp_getsockopt(so, SOL_SOCKET, SO_RCVBUF, &got, &gl);
        fprintf(stderr, "[SO_RCVBUF set %d, reads %d]\n", v, got);
    }
    if (usrsctp_bind(so, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("usrsctp_bind");
        exit(1);
    }
    return usock_new(so);
}

typedef struct {
    ssize_t n;
    int flags;
    struct sctp_rcvinfo ri;
    unsigned infotype;
    struct sockaddr_in from;
} rxmsg;

/* One non-blocking read: -1 with errno EWOULDBLOCK when nothing is there. */
static ssize_t rx(usock *u, void *buf, size_t len, rxmsg *m)
{
    socklen_t fromlen = sizeof m->from, infolen = sizeof m->ri;
    memset(m, 0, sizeof *m);
    m->n = usrsctp_recvv(u->so, buf, len, (struct sockaddr *)&m->from, &fromlen, &m->ri, &infolen,
                         &m->infotype, &m->flags);
    return m->n;
}

/* A blocking read through the eventfd; -2 on timeout. */
static ssize_t rx_wait(usock *u, void *buf, size_t len, rxmsg *m, int timeout_ms)
{
    double deadline = now() + timeout_ms / 1000.0;
    for (;;) {
        ssize_t n = rx(u, buf, len, m);
        if (n >= 0 || (errno != EWOULDBLOCK && errno != EAGAIN))
            return n;
        int left = (int)((deadline - now()) * 1000);
        if (left <= 0)
            return -2;
        wait_efd(u, left);
    }
}

static unsigned long sends_blocked, retry_waits, short_sends;
static double blocked_since;
static int reported;

static int tx(usock *u, sctp_assoc_t id, uint16_t sid, uint32_t ppid, uint16_t flags, const void *data, size_t len)
{
    struct sctp_sendv_spa spa;
    int retry_ms = (int)envnum("RETRY_MS", 1);
    memset(&spa, 0, sizeof spa);
    spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
    spa.sendv_sndinfo.snd_sid = sid;
    spa.sendv_sndinfo.snd_flags = flags;
    spa.sendv_sndinfo.snd_ppid = htonl(ppid);
    spa.sendv_sndinfo.snd_assoc_id = id;
    for (;;) {
        ssize_t n = usrsctp_sendv(u->so, data, len, NULL, 0, &spa, sizeof spa, SCTP_SENDV_SPA, 0);
        if (n >= 0) {
            blocked_since = 0;
            if ((size_t)n < len) {
                /* a short non-blocking send: the rest of the message is
                 * still owed and the stream is locked until it is sent */
                short_sends++;
                if (short_sends <= 3)
                    printf("client: SHORT SEND %zd of %zu bytes (stream %u)\n", n, len, sid);
                data = (const char *)data + n;
                len -= (size_t)n;
                continue;
            }
            return 0;
        }
        if (errno != EWOULDBLOCK && errno != EAGAIN) {
            fprintf(stderr, "sendv: %s\n", strerror(errno));
            return -1;
        }
        /* no write-readiness on one-to-many sockets: a short bounded wait
         * (the eventfd may wake it early, e.g. on an inbound packet) */
        sends_blocked++;
        retry_waits++;
        {
            if (blocked_since == 0)
                blocked_since = now();
            if (!reported && now() - blocked_since > 2.0 && getenv("STALL_MS")) {
                struct sctp_status st;
                struct sctpstat ss;
                socklen_t sl = sizeof st;
                memset(&st, 0, sizeof st);
                st.sstat_assoc_id = id;
                usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_STATUS, &st, &sl);
                usrsctp_get_stat(&ss);
                printf("client(stall): blocked > 2 s: state 0x%x peer rwnd %u unackdata %u penddata %u cwnd %u rto %u;"
                       " stats sendpackets %u senddata %u retrans %u T3 timeouts %u senderrors %u recvsacks %u"
                       " recvpackets %u\n",
                       (unsigned)st.sstat_state, st.sstat_rwnd, st.sstat_unackdata, st.sstat_penddata,
                       st.sstat_primary.spinfo_cwnd, st.sstat_primary.spinfo_rto, ss.sctps_sendpackets,
                       ss.sctps_senddata, ss.sctps_sendretransdata, ss.sctps_timodata, ss.sctps_senderrors,
                       ss.sctps_recvsacks, ss.sctps_recvpackets);
                fflush(stdout);
                if (++reported < 4)
                    blocked_since = now();   /* report a few times */
                else
                    blocked_since = 1e18;
            }
            wait_efd(u, retry_ms);
            (void)0;
        }
    }
}

static const char *ntype(unsigned t)
{
    switch (t) {
    case SCTP_ASSOC_CHANGE: return "ASSOC_CHANGE";
    case SCTP_PEER_ADDR_CHANGE: return "PEER_ADDR_CHANGE";
    case SCTP_REMOTE_ERROR: return "REMOTE_ERROR";
    case SCTP_SEND_FAILED: return "SEND_FAILED";
    case SCTP_SHUTDOWN_EVENT: return "SHUTDOWN_EVENT";
    case SCTP_ADAPTATION_INDICATION: return "ADAPTATION_INDICATION";
    case SCTP_PARTIAL_DELIVERY_EVENT: return "PARTIAL_DELIVERY_EVENT";
    case SCTP_SENDER_DRY_EVENT: return "SENDER_DRY_EVENT";
    case SCTP_SEND_FAILED_EVENT: return "SEND_FAILED_EVENT";
    default: return "?";
    }
}

/* Prints a notification's raw numbers; returns its type (and sac_state). */
static unsigned show_note(const char *who, const char *buf, ssize_t n, unsigned *state, sctp_assoc_t *id)
{
    const union sctp_notification *sn = (const void *)buf;
    unsigned t = sn->sn_header.sn_type;
    printf("%s: notification type %u (%s) sn_length %u bytes read %zd", who, t, ntype(t),
           sn->sn_header.sn_length, n);
    if (t == SCTP_ASSOC_CHANGE) {
        const struct sctp_assoc_change *c = &sn->sn_assoc_change;
        size_t i;
        printf(" sac_state %u sac_error %u (0x%04x) out %u in %u assoc %u info[", c->sac_state, c->sac_error,
               c->sac_error, c->sac_outbound_streams, c->sac_inbound_streams, c->sac_assoc_id);
        for (i = sizeof *c; i < (size_t)n && i < c->sac_length && i < sizeof *c + 24; i++)
            printf("%s%02x", i == sizeof *c ? "" : " ", (unsigned char)buf[i]);
        printf("]");
        if (state)
            *state = c->sac_state;
        if (id)
            *id = c->sac_assoc_id;
    } else if (t == SCTP_SHUTDOWN_EVENT) {
        printf(" assoc %u", sn->sn_shutdown_event.sse_assoc_id);
    } else if (t == SCTP_PEER_ADDR_CHANGE) {
        printf(" spc_state %u spc_error %u assoc %u", sn->sn_paddr_change.spc_state,
               sn->sn_paddr_change.spc_error, sn->sn_paddr_change.spc_assoc_id);
    } else if (t == SCTP_SEND_FAILED_EVENT) {
        printf(" ssfe_flags %u ssfe_error %u", sn->sn_send_failed_event.ssfe_flags,
               sn->sn_send_failed_event.ssfe_error);
    }
    printf("\n");
    fflush(stdout);
    return t;
}

static void show_status(const char *who, usock *u, sctp_assoc_t id)
{
    struct sctp_status st;
    socklen_t len = sizeof st;
    memset(&st, 0, sizeof st);
    st.sstat_assoc_id = id;
    if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_STATUS, &st, &len) < 0) {
        printf("%s: SCTP_STATUS: %s\n", who, strerror(errno));
        return;
    }
    printf("%s: SCTP_STATUS sstat_state 0x%x instrms %u outstrms %u primary.spinfo_state 0x%x srtt %u rto %u mtu %u"
           " | usrsctp_get_events 0x%x (READ=1 WRITE=2 ERROR=4)\n",
           who, (unsigned)st.sstat_state, st.sstat_instrms, st.sstat_outstrms,
           (unsigned)st.sstat_primary.spinfo_state, st.sstat_primary.spinfo_srtt, st.sstat_primary.spinfo_rto,
           st.sstat_primary.spinfo_mtu, usrsctp_get_events(u->so));
    fflush(stdout);
}

/* Waits for an ASSOC_CHANGE; returns its state, fills *id. */
static unsigned await_assoc_change(const char *who, usock *u, sctp_assoc_t *id, int timeout_ms)
{
    char buf[4096];
    rxmsg m;
    for (;;) {
        unsigned st = 0;
        ssize_t n = rx_wait(u, buf, sizeof buf, &m, timeout_ms);
        if (n == -2) {
            printf("%s: timeout waiting for assoc_change (upcalls %lu, get_events 0x%x)\n", who,
                   (unsigned long)u->upcalls, usrsctp_get_events(u->so));
            return 0;
        }
        if (n < 0) {
            printf("%s: recvv: %s\n", who, strerror(errno));
            return 0;
        }
        if ((m.flags & MSG_NOTIFICATION) && show_note(who, buf, n, &st, id) == SCTP_ASSOC_CHANGE)
            return st;
    }
}

static sctp_assoc_t client_connect(usock *u, int sctp_port)
{
    struct sockaddr_in a = addr4("127.0.0.1", sctp_port);
    sctp_assoc_t id = 0;
    int rc = usrsctp_connectx(u->so, (struct sockaddr *)&a, 1, &id);
    if (rc < 0 && errno != EINPROGRESS) {
        perror("usrsctp_connectx");
        exit(1);
    }
    printf("client: connectx rc %d (%s) id %u\n", rc, rc < 0 ? strerror(errno) : "ok", id);
    return id;
}

/* ---- func: streams, ppids, unordered, partial reads, events, states ---- */

static void func_client(usock *u, int sctp_port)
{
    char msg[64], big[3000];
    sctp_assoc_t id = client_connect(u, sctp_port), id2 = 0;
    unsigned st;
    int i;
    show_status("client(after connectx)", u, id);
    st = await_assoc_change("client", u, &id2, 5000);
    printf("client: first assoc_change state %u (usrsctp SCTP_COMM_UP = %u)\n", st, SCTP_COMM_UP);
    show_status("client(established)", u, id);
    for (i = 0; i < 12; i++) {
        snprintf(msg, sizeof msg, "message %d", i);
        tx(u, id, (uint16_t)(i % 4), 1000 + (uint32_t)i, i % 3 == 0 ? SCTP_UNORDERED : 0, msg, strlen(msg));
    }
    memset(big, 'x', sizeof big);
    tx(u, id, 1, 4242, 0, big, sizeof big);
    usleep(200000);
    /* graceful end: a sendv of 0 bytes with SCTP_EOF */
    tx(u, id, 0, 0, SCTP_EOF, "", 0);   /* NULL data fails with EFAULT even for 0 bytes */
    show_status("client(after EOF)", u, id);
    st = await_assoc_change("client", u, &id2, 5000);
    printf("client: assoc_change after EOF: state %u (SCTP_SHUTDOWN_COMP = %u)\n", st, SCTP_SHUTDOWN_COMP);
    /* second association, ended with ABORT and a reason */
    id = client_connect(u, sctp_port);
    st = await_assoc_change("client", u, &id2, 5000);
    tx(u, id, 0, 7, 0, "before abort", 12);
    usleep(100000);
    tx(u, id, 0, 0, SCTP_ABORT, "bye-reason", 10);
    st = await_assoc_change("client", u, &id2, 5000);
    printf("client: assoc_change after ABORT: state %u (SCTP_COMM_LOST = %u)\n", st, SCTP_COMM_LOST);
    printf("client: upcalls %lu eventfd writes %lu\n", (unsigned long)u->upcalls, (unsigned long)u->efd_writes);
}

static void func_server(usock *u)
{
    char buf[1000];
    int ends = 0, part = 0;
    while (ends < 2) {
        rxmsg m;
        ssize_t n = rx_wait(u, buf, sizeof buf, &m, 10000);
        if (n == -2) {
            printf("server: timeout\n");
            break;
        }
        if (n < 0) {
            printf("server: recvv: %s\n", strerror(errno));
            break;
        }
        if (m.flags & MSG_NOTIFICATION) {
            unsigned st = 0;
            sctp_assoc_t id = 0;
            if (show_note("server", buf, n, &st, &id) == SCTP_ASSOC_CHANGE) {
                if (st == SCTP_COMM_UP)
                    show_status("server(comm_up)", u, id);
                if (st == SCTP_SHUTDOWN_COMP || st == SCTP_COMM_LOST)
                    ends++;
            }
            continue;
        }
        printf("server: data %zd bytes sid %u ppid %u rcv_flags 0x%x (unordered %d) assoc %u msg_flags 0x%x (EOR %d)"
               " infotype %u from %s:%u tsn %u ssn %u [%.*s]\n",
               n, m.ri.rcv_sid, ntohl(m.ri.rcv_ppid), m.ri.rcv_flags, (m.ri.rcv_flags & SCTP_UNORDERED) != 0,
               m.ri.rcv_assoc_id, m.flags, (m.flags & MSG_EOR) != 0, m.infotype, inet_ntoa(m.from.sin_addr),
               ntohs(m.from.sin_port), m.ri.rcv_tsn, m.ri.rcv_ssn, n > 20 ? 20 : (int)n, buf);
        if (!(m.flags & MSG_EOR))
            part++;
        fflush(stdout);
    }
    printf("server: partial reads %d; upcalls %lu eventfd writes %lu\n", part, (unsigned long)u->upcalls,
           (unsigned long)u->efd_writes);
}

/* ---- flood and ping-pong ---- */

static void report(const char *who, const char *what, unsigned long n, size_t size, double t0, double c0)
{
    double dt = now() - t0, dc = cpu() - c0;
    printf("%s: %s %lu x %zu B in %.3f s real: %.0f msg/s, %.0f MB/s; cpu %.3f s (%.2f us/msg)\n", who, what, n,
           size, dt, n / dt, n * size / dt / 1e6, dc, dc / n * 1e6);
    fflush(stdout);
}

static void flood_client(usock *u, int sctp_port, unsigned long n, size_t size)
{
    char *msg = calloc(1, size);
    sctp_assoc_t id = client_connect(u, sctp_port), id2;
    unsigned long i;
    double t0, c0;
    char buf[256];
    rxmsg m;
    await_assoc_change("client", u, &id2, 5000);
    t0 = now();
    c0 = cpu();
    {
        double exit_at = getenv("EXIT_AFTER") ? t0 + atof(getenv("EXIT_AFTER")) : 0;
        for (i = 0; i < n; i++) {
            if (tx(u, id, (uint16_t)(i % 4), (uint32_t)i, 0, msg, size) < 0)
                break;
            if (exit_at && (i & 255) == 0 && now() > exit_at)
                exit(0);   /* mid-flood, association open, usrsctp threads busy */
        }
    }
    report("client", "sent (queued)", i, size, t0, c0);
    printf("client: short sends %lu\n", short_sends);
    printf("client: EWOULDBLOCK waits %lu; upcalls %lu eventfd writes %lu\n", retry_waits,
           (unsigned long)u->upcalls, (unsigned long)u->efd_writes);
    /* the server answers once it has all: wait for that */
    for (;;) {
        ssize_t r = rx_wait(u, buf, sizeof buf, &m, 60000);
        if (r < 0 || !(m.flags & MSG_NOTIFICATION))
            break;
    }
    report("client", "delivered (server's ack)", n, size, t0, c0);
}

static void flood_server(usock *u, unsigned long n, size_t size)
{
    char *buf = malloc(size + 4096);
    unsigned long got = 0, stalls = 0, bad = 0;
    double t0 = 0, c0 = 0;
    sctp_assoc_t id = 0;
    while (got < n) {
        rxmsg m;
        ssize_t r = rx_wait(u, buf, size + 4096, &m, (int)envnum("STALL_MS", 60000));
        if (r == -2 && getenv("STALL_MS")) {
            /* a stall: what usrsctp says now, and whether a read succeeds */
            int ev = usrsctp_get_events(u->so);
            show_status("server(stall)", u, id);
            r = rx(u, buf, size + 4096, &m);
            printf("server: stall after %lu msgs: get_events 0x%x, upcalls %lu; a read now gives %zd (%s)\n", got,
                   ev, (unsigned long)u->upcalls, r, r < 0 ? strerror(errno) : "data");
            stalls++;
            if (r < 0)
                continue;
        }
        if (r < 0) {
            printf("server: %s after %lu\n", r == -2 ? "timeout" : strerror(errno), got);
            return;
        }
        if (m.flags & MSG_NOTIFICATION)
            continue;
        if (got == 0) {
            t0 = now();
            c0 = cpu();
        }
        id = m.ri.rcv_assoc_id;
        if ((size_t)r != size || !(m.flags & MSG_EOR))
            bad++;
        got++;
    }
    report("server", "received", got, size, t0, c0);
    printf("server: stalls %lu; messages not of %zu bytes with MSG_EOR: %lu\n", stalls, size, bad);
    {
        struct sctpstat s;
        usrsctp_get_stat(&s);
        printf("server: stats datadropchklmt %u datadroprwnd %u recvdupdata %u; upcalls %lu eventfd writes %lu\n",
               s.sctps_datadropchklmt, s.sctps_datadroprwnd, s.sctps_recvdupdata, (unsigned long)u->upcalls,
               (unsigned long)u->efd_writes);
    }
    tx(u, id, 0, 0, 0, "done", 4);
    usleep(200000);
}

static void pingpong_client(usock *u, int sctp_port, unsigned long n, size_t size)
{
    char *msg = calloc(1, size), *buf = malloc(size + 4096);
    sctp_assoc_t id = client_connect(u, sctp_port), id2;
    unsigned long i;
    double t0, c0;
    await_assoc_change("client", u, &id2, 5000);
    t0 = now();
    c0 = cpu();
    for (i = 0; i < n; i++) {
        rxmsg m;
        tx(u, id, 0, 1, 0, msg, size);
        do {
            if (rx_wait(u, buf, size + 4096, &m, 10000) < 0) {
                printf("client: lost at %lu\n", i);
                return;
            }
        } while (m.flags & MSG_NOTIFICATION);
    }
    report("client", "round trips", n, size, t0, c0);
    printf("client: upcalls %lu eventfd writes %lu\n", (unsigned long)u->upcalls, (unsigned long)u->efd_writes);
}

static void pingpong_server(usock *u, unsigned long n, size_t size)
{
    char *buf = malloc(size + 4096);
    unsigned long i = 0;
    while (i < n) {
        rxmsg m;
        ssize_t r = rx_wait(u, buf, size + 4096, &m, 60000);
        if (r < 0)
            return;
        if (m.flags & MSG_NOTIFICATION)
            continue;
        tx(u, m.ri.rcv_assoc_id, m.ri.rcv_sid, 1, 0, buf, (size_t)r);
        i++;
    }
    usleep(200000);
}

/* ---- a timer-driven event: INIT to a UDP port nobody serves ---- */

static void cantassoc_client(usock *u, int sctp_port)
{
    struct sctp_initmsg im;
    sctp_assoc_t id;
    double t0 = now();
    unsigned st;
    memset(&im, 0, sizeof im);
    im.sinit_max_attempts = 2;
    im.sinit_max_init_timeo = 200;
    usrsctp_setsockopt(u->so, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof im);
    client_connect(u, sctp_port);
    st = await_assoc_change("client", u, &id, 8000);
    printf("client: cant_assoc test: state %u after %.2f s; upcalls %lu; get_events now 0x%x\n", st, now() - t0,
           (unsigned long)u->upcalls, usrsctp_get_events(u->so));
}

/* ---- exit with an association open ---- */

static void exit_client(usock *u, int sctp_port, const char *how)
{
    sctp_assoc_t id = client_connect(u, sctp_port), id2;
    double t0;
    await_assoc_change("client", u, &id2, 5000);
    tx(u, id, 0, 1, 0, "hello", 5);
    usleep(100000);
    if (getenv("DRAIN")) {
        /* read what is queued (events): unread data makes close abort */
        char b[4096];
        rxmsg m;
        int k = 0;
        while (rx(u, b, sizeof b, &m) >= 0)
            k++;
        printf("client: drained %d queued messages before close\n", k);
    }
    t0 = now();
    if (!strcmp(how, "exit-none")) {
        printf("client: exit(0) with the association open, no close\n");
        fflush(stdout);
        exit(0);
    }
    if (!strcmp(how, "exit-abort")) {
        struct linger l = {1, 0};
        usrsctp_setsockopt(u->so, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    usrsctp_close(u->so);
    printf("client: usrsctp_close took %.3f s\n", now() - t0);
    if (!strcmp(how, "exit-close")) {
        fflush(stdout);
        exit(0);
    }
    {
        int tries = 0, rc;
        double limit = envnum("FINISH_LIMIT", 10);
        while ((rc = usrsctp_finish()) != 0 && now() - t0 < limit) {
            tries++;
            usleep(10000);
        }
        printf("client: usrsctp_finish rc %d after %.3f s (%d failed tries)\n", rc, now() - t0, tries);
    }
    fflush(stdout);
    exit(0);
}

static void exit_server(usock *u)
{
    char buf[4096];
    double t0 = 0;
    for (;;) {
        rxmsg m;
        ssize_t r = rx_wait(u, buf, sizeof buf, &m, (int)envnum("SERVER_WAIT_MS", 20000));
        if (r == -2) {
            printf("server: nothing more after %.2f s since hello\n", t0 ? now() - t0 : 0);
            return;
        }
        if (r < 0)
            return;
        if (m.flags & MSG_NOTIFICATION) {
            unsigned st = 0;
            printf("server(+%.3f s) ", t0 ? now() - t0 : 0);
            if (show_note("server", buf, r, &st, NULL) == SCTP_ASSOC_CHANGE
                && (st == SCTP_COMM_LOST || st == SCTP_SHUTDOWN_COMP))
                return;
        } else {
            t0 = now();
            printf("server: got %zd bytes\n", r);
        }
        fflush(stdout);
    }
}

int main(int argc, char **argv)
{
    int udp, peer_udp, sctp_port, server;
    const char *mode;
    unsigned long n;
    size_t size;
    usock *u;
    if (argc < 6) {
        fprintf(stderr, "usage: %s server|client UDP PEERUDP SCTPPORT MODE [N [SIZE]]\n", argv[0]);
        return 2;
    }
    server = !strcmp(argv[1], "server");
    udp = atoi(argv[2]);
    peer_udp = atoi(argv[3]);
    sctp_port = atoi(argv[4]);
    mode = argv[5];
    n = argc > 6 ? strtoul(argv[6], NULL, 0) : 100000;
    size = argc > 7 ? strtoul(argv[7], NULL, 0) : 64;
    signal(SIGPIPE, SIG_IGN);
    stack_init(udp);
    u = open_socket(peer_udp, server ? sctp_port : 0);
    if (server && usrsctp_listen(u->so, 16) < 0) {
        perror("usrsctp_listen");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!strcmp(mode, "func"))
        server ? func_server(u) : func_client(u, sctp_port);
    else if (!strcmp(mode, "flood"))
        server ? flood_server(u, n, size) : flood_client(u, sctp_port, n, size);
    else if (!strcmp(mode, "pingpong"))
        server ? pingpong_server(u, n, size) : pingpong_client(u, sctp_port, n, size);
    else if (!strcmp(mode, "cantassoc"))
        cantassoc_client(u, sctp_port);
    else if (!strncmp(mode, "exit-", 5))
        server ? exit_server(u) : exit_client(u, sctp_port, mode);
    if (!strncmp(mode, "exit-", 5) && server) {
        /* the server's own exit: close and finish, bounded */
    }
    usrsctp_close(u->so);
    {
        double t0 = now();
        int rc;
        while ((rc = usrsctp_finish()) != 0 && now() - t0 < 5)
            usleep(10000);
        fprintf(stderr, "[pid %d: final usrsctp_finish rc %d after %.3f s]\n", getpid(), rc, now() - t0);
    }
    return 0;
}
