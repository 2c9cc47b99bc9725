/* The C baseline peer of the lua-sctp benchmarks (bench/README.md).
 *
 *   sctp-bench-c ROLE WORKLOAD PORT SIZE COUNT BUF
 *
 * ROLE is server or client, WORKLOAD flood, pingpong or many. Plain libsctp
 * (sctp_connectx, sctp_send, sctp_recvmsg) on blocking one-to-many sockets,
 * the way a C program would do it. The server prints READY when it listens;
 * the client prints BOOTED and starts when it reads a line on stdin; each
 * side prints one RESULT line (key=value) at the end. The other peers
 * (peer.lua, peer.escript, peer.go) do exactly the same things.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int opt_buf;
static const char *role, *wl;

static void die(const char *what)
{
    fprintf(stderr, "sctp-bench-c %s %s: %s: %s\n", role, wl, what, strerror(errno));
    exit(1);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

/* A one-to-many socket bound to 127.0.0.1:port with the benchmark options:
 * the gen_sctp default events (all but adaptation), sctp_nodelay, sndbuf
 * and recbuf. */
static int open_sock(int port)
{
    struct sctp_event_subscribe ev;
    struct sockaddr_in sin;
    int one = 1, fd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
    if (fd < 0)
        die("socket");
    memset(&ev, 0, sizeof ev);
    ev.sctp_data_io_event = ev.sctp_association_event = ev.sctp_address_event = 1;
    ev.sctp_send_failure_event = ev.sctp_peer_error_event = ev.sctp_shutdown_event = 1;
    ev.sctp_partial_delivery_event = 1;
    if (setsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof ev) < 0)
        die("SCTP_EVENTS");
    if (setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof one) < 0)
        die("SCTP_NODELAY");
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &opt_buf, sizeof opt_buf) < 0)
        die("SO_SNDBUF");
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &opt_buf, sizeof opt_buf) < 0)
        die("SO_RCVBUF");
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
        die("bind");
    return fd;
}

static char *rxbuf;
static size_t rxcap;

/* One whole message (partial deliveries joined) into rxbuf; returns its
 * length, *notif set for an event. */
static size_t recv_msg(int fd, struct sctp_sndrcvinfo *info, int *notif)
{
    size_t len = 0;
    for (;;) {
        int flags = 0;
        ssize_t n;
        if (rxcap - len < 65536) {
            rxcap *= 2;
            if (!(rxbuf = realloc(rxbuf, rxcap)))
                die("realloc");
        }
        n = sctp_recvmsg(fd, rxbuf + len, rxcap - len, NULL, NULL, info, &flags);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("sctp_recvmsg");
        }
        len += (size_t)n;
        if (flags & MSG_EOR) {
            *notif = (flags & MSG_NOTIFICATION) != 0;
            return len;
        }
    }
}

/* The next data message (events are skipped); its sndrcvinfo in *info. */
static size_t recv_data(int fd, struct sctp_sndrcvinfo *info)
{
    int notif;
    for (;;) {
        size_t n = recv_msg(fd, info, &notif);
        if (!notif)
            return n;
    }
}

static void send_msg(int fd, const void *p, size_t len, sctp_assoc_t id, int stream)
{
    struct sctp_sndrcvinfo info;
    memset(&info, 0, sizeof info);
    info.sinfo_assoc_id = id;
    info.sinfo_stream = (uint16_t)stream;
    while (sctp_send(fd, p, len, &info, 0) < 0)
        if (errno != EINTR)
            die("sctp_send");
}

static sctp_assoc_t connect_to(int fd, int port)
{
    struct sockaddr_in sin;
    sctp_assoc_t id = 0;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* blocking socket: returns once the association is up */
    if (sctp_connectx(fd, (struct sockaddr *)&sin, 1, &id) < 0)
        die("sctp_connectx");
    return id;
}

/* The marker of bench/icount (xchg %bx,%bx; the plugin prints the
 * instruction counts there) when SCTP_BENCH_MARK is set: the client marks
 * once its association is up and once the last answer is in. */
static int marking;
static void mark(void)
{
    if (marking)
        __asm__ volatile(".byte 0x66, 0x87, 0xdb" ::: "memory");
}

static void ready(void)
{
    printf("READY\n");
    fflush(stdout);
}

/* The client: says it is up, then waits for the runner's go (a line on
 * stdin), so that it is pinned to its CPU before anything is measured. */
static void booted(void)
{
    char line[16];
    printf("BOOTED\n");
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin))
        line[0] = 0;
}

static void result(double wall, double u0, double s0, long count, const char *extra)
{
    double u1, s1;
    struct rusage ru;
    cpu(&u1, &s1);
    getrusage(RUSAGE_SELF, &ru);   /* context switches: the whole run, set-up is a few */
    printf("RESULT peer=c role=%s wl=%s count=%ld wall=%.6f usr=%.6f sys=%.6f vcsw=%ld ivcsw=%ld%s%s\n",
           role, wl, count, wall, u1 - u0, s1 - s0, ru.ru_nvcsw, ru.ru_nivcsw,
           extra ? " " : "", extra ? extra : "");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int port, fd;
    size_t size;
    long count, i;
    double t0, t1, u0, s0;
    char *payload;
    struct sctp_sndrcvinfo info;
    char extra[128];

    if (argc != 7) {
        fprintf(stderr, "usage: sctp-bench-c server|client flood|pingpong|many PORT SIZE COUNT BUF\n");
        return 2;
    }
    marking = getenv("SCTP_BENCH_MARK") != NULL;
    role = argv[1];
    wl = argv[2];
    port = atoi(argv[3]);
    size = (size_t)atol(argv[4]);
    count = atol(argv[5]);
    opt_buf = atoi(argv[6]);
    rxcap = size + 65536;
    rxbuf = malloc(rxcap);
    payload = malloc(size + 1);
    if (!rxbuf || !payload)
        die("malloc");
    memset(payload, 'x', size);
    memset(&info, 0, sizeof info);

    if (strcmp(role, "server") == 0) {
        long rss0;
        fd = open_sock(port);
        if (listen(fd, 1024) < 0)
            die("listen");
        rss0 = rss();
        ready();
        cpu(&u0, &s0);
        if (strcmp(wl, "many") == 0) {
            sctp_assoc_t last = 0;
            for (i = 0; i < count; i++) {
                recv_data(fd, &info);
                if (rxbuf[0] == 'L')
                    last = info.sinfo_assoc_id;
            }
            snprintf(extra, sizeof extra, "rss=%ld", rss() - rss0);
            send_msg(fd, "k", 1, last, 0);
            result(0, u0, s0, count, extra);
        } else if (strcmp(wl, "pingpong") == 0) {
            for (i = 0; i < count; i++) {
                size_t n = recv_data(fd, &info);
                send_msg(fd, rxbuf, n, info.sinfo_assoc_id, info.sinfo_stream);
            }
            result(0, u0, s0, count, NULL);
        } else { /* flood */
            recv_data(fd, &info);
            t0 = now();
            for (i = 1; i < count; i++)
                recv_data(fd, &info);
            t1 = now();
            send_msg(fd, "k", 1, info.sinfo_assoc_id, 0);
            result(t1 - t0, u0, s0, count, NULL);
        }
    } else {
        booted();
        if (strcmp(wl, "many") == 0) {
            int *fds = malloc(sizeof *fds * (size_t)count);
            long rss0 = rss();
            if (!fds)
                die("malloc");
            t0 = now();
            cpu(&u0, &s0);
            mark();
            for (i = 0; i < count; i++) {
                sctp_assoc_t id;
                fds[i] = open_sock(0);
                id = connect_to(fds[i], port);
                payload[0] = i == count - 1 ? 'L' : 'x';
                send_msg(fds[i], payload, size, id, 0);
            }
            recv_data(fds[count - 1], &info);
            mark();
            t1 = now();
            snprintf(extra, sizeof extra, "rss=%ld", rss() - rss0);
            result(t1 - t0, u0, s0, count, extra);
        } else {
            sctp_assoc_t id;
            fd = open_sock(0);
            id = connect_to(fd, port);
            t0 = now();
            cpu(&u0, &s0);
            mark();
            if (strcmp(wl, "pingpong") == 0) {
                for (i = 0; i < count; i++) {
                    send_msg(fd, payload, size, id, 0);
                    recv_data(fd, &info);
                }
            } else {
                for (i = 0; i < count; i++)
                    send_msg(fd, payload, size, id, 0);
                recv_data(fd, &info);   /* the receiver's "got them all" */
            }
            mark();
            t1 = now();
            result(t1 - t0, u0, s0, count, NULL);
        }
    }
    return 0;
}
