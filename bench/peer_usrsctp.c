/* The C baseline peer of the usrsctp benchmark (bench/run --backend
 * usrsctp; bench/README.md): peer.c's workloads straight on usrsctp's own
 * API, for comparing against bench/peer.lua with SCTP_BACKEND=usrsctp.
 *
 *   sctp-bench-usrsctp ROLE WORKLOAD PORT SIZE COUNT BUF
 *
 * The same command line, READY / BOOTED / go-line protocol and RESULT line
 * as peer.c (ROLE server or client, WORKLOAD flood, pingpong or many; PORT
 * the SCTP port). The UDP encapsulation ports come from the variables the
 * Lua backend reads, which bench/usrsctp.sh sets explicitly for this peer:
 * SCTP_USRSCTP_UDP_PORT (the local one; default 9899 for the server, 9900
 * for the client) and SCTP_USRSCTP_PEER_UDP_PORT (where associations send
 * to; default 9899).
 *
 * The stack is set up as csrc/usrsctp/backend_usrsctp.c's start_stack does
 * (usrsctp_init with the UDP port; rto_min 10 ms, rto_initial 100 ms,
 * init_rto_max 1 s, max_chunks_on_queue 16384, 4 MiB UDP buffers), and each socket as its
 * wrap() and the Lua peer's options do (SCTP_RECVRCVINFO, the remote UDP
 * encapsulation port, the default events but adaptation, sctp_nodelay,
 * sndbuf and recbuf). Unlike the backend, the sockets stay blocking: a
 * receiver sleeps in usrsctp_recvv on usrsctp's own condition variable
 * until a message is queued, a sender on a full buffer in usrsctp_sendv
 * until SACKed space is freed. No eventfd, no upcall, no ticker thread.
 */
#define _GNU_SOURCE
#include <usrsctp.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int opt_buf;
static void upcall(struct socket *so, void *arg, int flags);
static uint16_t peer_udp;
static const char *role, *wl;

static void die(const char *what)
{
    fprintf(stderr, "sctp-bench-usrsctp %s %s: %s: %s\n", role, wl, what, strerror(errno));
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* the whole process, usrsctp's threads included */
static void cpu(double *usr, double *sys)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *usr = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    *sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static long rss(void)   /* bytes, from /proc/self/statm */
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * sysconf(_SC_PAGESIZE);
}

static uint16_t env_port(const char *name, uint16_t dflt)
{
    const char *v = getenv(name);
    long n = v && *v ? strtol(v, NULL, 10) : dflt;
    return n >= 0 && n <= 65535 ? (uint16_t)n : dflt;
}

/* As the backend's start_stack, 4 MiB UDP buffers too (its
 * widen_udp_sockets): with the system's ~200 KiB a flood overruns them, and
 * each drop costs a retransmission the Lua peer does not pay. */
static void start_stack(uint16_t udp)
{
    const int size = 4 << 20;
    int fd;
    usrsctp_init(udp, NULL, NULL);
    for (fd = 3; fd < 64; fd++) {   /* the fresh process's only UDP sockets are usrsctp's */
        int type = 0;
        socklen_t l = sizeof type;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0 || type != SOCK_DGRAM)
            continue;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) < 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
    usrsctp_sysctl_set_sctp_rto_min_default(10);
    usrsctp_sysctl_set_sctp_rto_initial_default(100);
    usrsctp_sysctl_set_sctp_init_rto_max_default(1000);
    usrsctp_sysctl_set_sctp_max_chunks_on_queue(16384);
}

static void setopt(struct socket *so, int level, int name, const void *v, socklen_t l, const char *what)
{
    if (usrsctp_setsockopt(so, level, name, v, l) < 0)
        die(what);
}

/* A one-to-many socket bound to 127.0.0.1:port with the benchmark options:
 * rcvinfo with every message, the default events (all but adaptation),
 * sctp_nodelay, sndbuf and recbuf, the peer's UDP port. */
static struct socket *open_sock(int port)
{
    static const uint16_t events[] = {SCTP_ASSOC_CHANGE, SCTP_PEER_ADDR_CHANGE, SCTP_REMOTE_ERROR,
                                      SCTP_SEND_FAILED_EVENT, SCTP_SHUTDOWN_EVENT,
                                      SCTP_PARTIAL_DELIVERY_EVENT};
    struct sctp_udpencaps encaps;
    struct sctp_event ev;
    struct sockaddr_in sin;
    const int one = 1;
    size_t i;
    struct socket *so = usrsctp_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP, NULL, NULL, 0, NULL);
    if (!so)
        die("usrsctp_socket");
    setopt(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &one, sizeof one, "SCTP_RECVRCVINFO");
    memset(&encaps, 0, sizeof encaps);
    encaps.sue_assoc_id = SCTP_FUTURE_ASSOC;
    encaps.sue_port = htons(peer_udp);
    setopt(so, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &encaps, sizeof encaps,
           "SCTP_REMOTE_UDP_ENCAPS_PORT");
    for (i = 0; i < sizeof events / sizeof events[0]; i++) {
        memset(&ev, 0, sizeof ev);
        ev.se_assoc_id = SCTP_FUTURE_ASSOC;
        ev.se_type = events[i];
        ev.se_on = 1;
        setopt(so, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev, "SCTP_EVENT");
    }
    setopt(so, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof one, "SCTP_NODELAY");
    setopt(so, SOL_SOCKET, SO_SNDBUF, &opt_buf, sizeof opt_buf, "SO_SNDBUF");
    setopt(so, SOL_SOCKET, SO_RCVBUF, &opt_buf, sizeof opt_buf, "SO_RCVBUF");
    if (usrsctp_set_upcall(so, upcall, NULL) < 0)
        die("usrsctp_set_upcall");
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (usrsctp_bind(so, (struct sockaddr *)&sin, sizeof sin) < 0)
        die("usrsctp_bind");
    return so;
}

static char *rxbuf;
static size_t rxcap;

/* One whole message (partial deliveries joined) into rxbuf; returns its
 * length, *notif set for an event. */
static size_t recv_msg(struct socket *so, struct sctp_rcvinfo *info, int *notif)
{
    size_t len = 0;
    for (;;) {
        struct sockaddr_in from;
        socklen_t fromlen = sizeof from, infolen = sizeof *info;
        unsigned int infotype = 0;
        int flags = 0;
        ssize_t n;
        if (rxcap - len < 65536) {
            rxcap *= 2;
            if (!(rxbuf = realloc(rxbuf, rxcap)))
                die("realloc");
        }
        n = usrsctp_recvv(so, rxbuf + len, rxcap - len, (struct sockaddr *)&from, &fromlen, info,
                          &infolen, &infotype, &flags);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("usrsctp_recvv");
        }
        len += (size_t)n;
        if (flags & MSG_EOR) {
            *notif = (flags & MSG_NOTIFICATION) != 0;
            return len;
        }
    }
}

/* The next data message (events are skipped); its rcvinfo in *info. */
static size_t recv_data(struct socket *so, struct sctp_rcvinfo *info)
{
    int notif;
    for (;;) {
        size_t n = recv_msg(so, info, &notif);
        if (!notif)
            return n;
    }
}

/* Sends wait for room in their own way. usrsctp 0.9.5's blocking
 * usrsctp_sendv slept for good now and then on a full buffer (in sbwait,
 * with the association idle: about 1 flood16k pair in 8), so each send is
 * made non-blocking (usrsctp has no MSG_DONTWAIT), and on EWOULDBLOCK the
 * sender sleeps on a condition variable that the socket's upcall signals
 * (usrsctp calls it when SACKs free room, and for every other event), with
 * 1 ms as a bound on each sleep in case a wake-up is lost; "wtimeouts" in
 * the RESULT line counts the sleeps that hit that bound. */
static pthread_mutex_t wlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wcond = PTHREAD_COND_INITIALIZER;
static unsigned long wgen, wtimeouts, wsleeps;
static int wwaiting;

static void upcall(struct socket *so, void *arg, int flags)
{
    (void)so; (void)arg; (void)flags;
    pthread_mutex_lock(&wlock);
    wgen++;
    if (wwaiting)
        pthread_cond_signal(&wcond);
    pthread_mutex_unlock(&wlock);
}

static void send_msg(struct socket *so, const void *p, size_t len, sctp_assoc_t id, int stream)
{
    struct sctp_sndinfo snd;
    memset(&snd, 0, sizeof snd);
    snd.snd_assoc_id = id;
    snd.snd_sid = (uint16_t)stream;
    for (;;) {
        unsigned long gen;
        ssize_t n;
        int e;
        pthread_mutex_lock(&wlock);
        gen = wgen;
        pthread_mutex_unlock(&wlock);
        usrsctp_set_non_blocking(so, 1);
        n = usrsctp_sendv(so, p, len, NULL, 0, &snd, sizeof snd, SCTP_SENDV_SNDINFO, 0);
        e = errno;
        usrsctp_set_non_blocking(so, 0);
        if (n >= 0)
            return;
        if (e == EINTR)
            continue;
        if (e != EWOULDBLOCK && e != EAGAIN) {
            errno = e;
            die("usrsctp_sendv");
        }
        pthread_mutex_lock(&wlock);
        if (wgen == gen && !(usrsctp_get_events(so) & SCTP_EVENT_WRITE)) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 1000000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            wwaiting = 1;
            wsleeps++;
            while (wgen == gen)
                if (pthread_cond_timedwait(&wcond, &wlock, &ts) == ETIMEDOUT) {
                    wtimeouts++;
                    break;
                }
            wwaiting = 0;
        }
        pthread_mutex_unlock(&wlock);
    }
}

static sctp_assoc_t connect_to(struct socket *so, int port)
{
    struct sockaddr_in sin;
    sctp_assoc_t id = 0;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* blocking socket: returns once the association is up */
    if (usrsctp_connectx(so, (struct sockaddr *)&sin, 1, &id) < 0)
        die("usrsctp_connectx");
    return id;
}

static void ready(void)
{
    printf("READY\n");
    fflush(stdout);
}

/* The client: says it is up, then waits for the runner's go (a line on
 * stdin). Its stack starts after that, as the Lua peer's does (at its first
 * socket), once the server holds its UDP port. */
static void booted(void)
{
    char line[16];
    printf("BOOTED\n");
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin))
        line[0] = 0;
}

/* SCTP retransmissions of this process's stack so far (T3 + fast) */
static unsigned long retrans(void)
{
    struct sctpstat st;
    memset(&st, 0, sizeof st);
    usrsctp_get_stat(&st);
    return (unsigned long)st.sctps_sendretransdata + st.sctps_sendfastretrans;
}

static void result(double wall, double u0, double s0, long count, const char *extra)
{
    double u1, s1;
    struct rusage ru;
    cpu(&u1, &s1);
    getrusage(RUSAGE_SELF, &ru);   /* context switches: the whole run, set-up is a few */
    printf("RESULT peer=c role=%s wl=%s count=%ld wall=%.6f usr=%.6f sys=%.6f vcsw=%ld ivcsw=%ld "
           "rtx=%lu wsleeps=%lu wtimeouts=%lu%s%s\n",
           role, wl, count, wall, u1 - u0, s1 - s0, ru.ru_nvcsw, ru.ru_nivcsw, retrans(), wsleeps, wtimeouts,
           extra ? " " : "", extra ? extra : "");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int port, server;
    size_t size;
    long count, i;
    double t0, t1, u0, s0;
    char *payload;
    struct socket *so;
    struct sctp_rcvinfo info;
    char extra[128];

    if (argc != 7) {
        fprintf(stderr, "usage: sctp-bench-usrsctp server|client flood|pingpong|many PORT SIZE COUNT BUF\n");
        return 2;
    }
    role = argv[1];
    wl = argv[2];
    port = atoi(argv[3]);
    size = (size_t)atol(argv[4]);
    count = atol(argv[5]);
    opt_buf = atoi(argv[6]);
    server = strcmp(role, "server") == 0;
    peer_udp = env_port("SCTP_USRSCTP_PEER_UDP_PORT", 9899);
    rxcap = size + 65536;
    rxbuf = malloc(rxcap);
    payload = malloc(size + 1);
    if (!rxbuf || !payload || count < 1)
        die("malloc");
    memset(payload, 'x', size);
    memset(&info, 0, sizeof info);

    if (server) {
        long rss0;
        start_stack(env_port("SCTP_USRSCTP_UDP_PORT", 9899));
        so = open_sock(port);
        if (usrsctp_listen(so, 1024) < 0)
            die("usrsctp_listen");
        rss0 = rss();
        ready();
        cpu(&u0, &s0);
        if (strcmp(wl, "many") == 0) {
            sctp_assoc_t last = 0;
            for (i = 0; i < count; i++) {
                recv_data(so, &info);
                if (rxbuf[0] == 'L')
                    last = info.rcv_assoc_id;
            }
            snprintf(extra, sizeof extra, "rss=%ld", rss() - rss0);
            send_msg(so, "k", 1, last, 0);
            result(0, u0, s0, count, extra);
        } else if (strcmp(wl, "pingpong") == 0) {
            for (i = 0; i < count; i++) {
                size_t n = recv_data(so, &info);
                send_msg(so, rxbuf, n, info.rcv_assoc_id, info.rcv_sid);
            }
            result(0, u0, s0, count, NULL);
        } else { /* flood */
            recv_data(so, &info);
            t0 = now();
            for (i = 1; i < count; i++)
                recv_data(so, &info);
            t1 = now();
            send_msg(so, "k", 1, info.rcv_assoc_id, 0);
            result(t1 - t0, u0, s0, count, NULL);
        }
        /* SCTP_BENCH_HOLD (bench/usrsctp.sh): the stack lives in this
         * process, so it stays up, to retransmit the last answer if need
         * be, until the runner says the client has it (a line on stdin) */
        if (getenv("SCTP_BENCH_HOLD")) {
            char line[16];
            if (!fgets(line, sizeof line, stdin))
                line[0] = 0;
        }
    } else {
        booted();
        start_stack(env_port("SCTP_USRSCTP_UDP_PORT", 9900));
        if (strcmp(wl, "many") == 0) {
            struct socket **socks = malloc(sizeof *socks * (size_t)count);
            long rss0 = rss();
            if (!socks)
                die("malloc");
            t0 = now();
            cpu(&u0, &s0);
            for (i = 0; i < count; i++) {
                sctp_assoc_t id;
                socks[i] = open_sock(0);
                id = connect_to(socks[i], port);
                payload[0] = i == count - 1 ? 'L' : 'x';
                send_msg(socks[i], payload, size, id, 0);
            }
            recv_data(socks[count - 1], &info);
            t1 = now();
            snprintf(extra, sizeof extra, "rss=%ld", rss() - rss0);
            result(t1 - t0, u0, s0, count, extra);
        } else {
            sctp_assoc_t id;
            so = open_sock(0);
            id = connect_to(so, port);
            t0 = now();
            cpu(&u0, &s0);
            if (strcmp(wl, "pingpong") == 0) {
                for (i = 0; i < count; i++) {
                    send_msg(so, payload, size, id, 0);
                    recv_data(so, &info);
                }
            } else {
                for (i = 0; i < count; i++)
                    send_msg(so, payload, size, id, 0);
                recv_data(so, &info);   /* the receiver's "got them all" */
            }
            t1 = now();
            result(t1 - t0, u0, s0, count, NULL);
        }
    }
    /* No usrsctp_close (it can race usrsctp's input thread) nor
     * usrsctp_finish (it can wait forever; docs/backends.md): the process
     * ends with its associations open, as a Lua one on the backend does
     * with its stack's threads still running. The last message went out
     * in usrsctp_sendv (sctp_nodelay); with SCTP_BENCH_HOLD the server
     * waited until the client had it. */
    fflush(stdout);
    _exit(0);
}
