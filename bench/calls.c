/* Cost of one send and one receive call with no waiting: the C side of
 * bench/calls (bench/README.md). One process, one association over
 * loopback: N messages are sent (the receive queue takes them all), then
 * read back; CPU time (CLOCK_PROCESS_CPUTIME_ID) per call of each phase.
 * Without sleeping there are no context switches, so this is what a call
 * costs by itself, kernel included; bench/calls.lua does the same in Lua.
 *
 *   sctp-bench-calls COUNT ROUNDS  ->  "CALLS peer=c op=send us=..." lines */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void settle(void)   /* let loopback deliver what was sent */
{
    struct timespec t = {0, 300 * 1000000L};
    nanosleep(&t, NULL);
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* The options of the other benchmarks: 4 MiB buffers, nodelay, the
 * data_io and association events. */
static int open_socket(void)
{
    struct sctp_event_subscribe ev;
    int buf = 4194304, one = 1;
    int fd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
    if (fd < 0)
        die("socket");
    memset(&ev, 0, sizeof ev);
    ev.sctp_data_io_event = ev.sctp_association_event = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf) < 0
        || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf) < 0
        || setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof one) < 0
        || setsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof ev) < 0)
        die("setsockopt");
    return fd;
}

static char rxbuf[65536 + 64];

static void recv_one(int fd)
{
    struct sctp_sndrcvinfo info;
    struct sockaddr_in from;
    socklen_t fromlen = sizeof from;
    int flags = 0;
    if (sctp_recvmsg(fd, rxbuf, sizeof rxbuf, (struct sockaddr *)&from, &fromlen, &info,
                     &flags) < 0)
        die("sctp_recvmsg");
}

int main(int argc, char **argv)
{
    int count = argc > 1 ? atoi(argv[1]) : 3000, rounds = argc > 2 ? atoi(argv[2]) : 3;
    int server = open_socket(), client = open_socket(), r, i;
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    struct sctp_sndrcvinfo info;
    sctp_assoc_t id;
    char payload[64];

    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(server, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(server, 1) < 0
        || getsockname(server, (struct sockaddr *)&addr, &len) < 0)
        die("bind/listen");
    if (sctp_connectx(client, (struct sockaddr *)&addr, 1, &id) < 0)
        die("sctp_connectx");
    recv_one(server);   /* the two comm_up events */
    recv_one(client);
    memset(payload, 'x', sizeof payload);
    memset(&info, 0, sizeof info);
    info.sinfo_assoc_id = id;
    for (r = 0; r < rounds; r++) {
        double t0 = cpu_now(), t1, t2, t3;
        for (i = 0; i < count; i++)
            if (sctp_send(client, payload, sizeof payload, &info, 0) < 0)
                die("sctp_send");
        t1 = cpu_now();
        settle();
        t2 = cpu_now();
        for (i = 0; i < count; i++)
            recv_one(server);
        t3 = cpu_now();
        printf("CALLS peer=c op=send us=%.2f\nCALLS peer=c op=recv us=%.2f\n",
               (t1 - t0) * 1e6 / count, (t3 - t2) * 1e6 / count);
    }
    return 0;
}
