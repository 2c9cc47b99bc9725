/* The Linux kernel SCTP backend: the only file that makes SCTP system calls.
 * libsctp (lksctp-tools) supplies sctp_bindx/sctp_connectx/sctp_peeloff and
 * the address list helpers; its mixed return conventions are normalised here
 * to -1 + errno. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* accept4 */
#endif
#include "backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/sctp.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>

static int k_socket(int family, int type)
{
    return socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_SCTP);
}

static int k_close(int h)
{
    /* Linux releases the descriptor even when close reports EINTR: never retry. */
    return close(h);
}

/* the seam's assoc id is the kernel's */
typedef char assoc_id_is_sctp_assoc_t[sizeof(lsctp_assoc_t) == sizeof(sctp_assoc_t) ? 1 : -1];

static int k_bindx(int h, struct sockaddr *addrs, int count, int flags)
{
    return sctp_bindx(h, addrs, count, flags == LSCTP_BINDX_ADD ? SCTP_BINDX_ADD_ADDR : SCTP_BINDX_REM_ADDR);
}

/* recvmsg_wait makes a descriptor blocking; connectx and accept have no
 * MSG_DONTWAIT, so they switch it back to non-blocking for the call. */
static int nonblocking_begin(int h)
{
    int fl = fcntl(h, F_GETFL);
    if (fl < 0 || (fl & O_NONBLOCK) || fcntl(h, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    return fl;
}

static void nonblocking_end(int h, int saved_flags)
{
    int e = errno;
    if (saved_flags >= 0)
        fcntl(h, F_SETFL, saved_flags);
    errno = e;
}

static int k_connectx(int h, struct sockaddr *addrs, int count, lsctp_assoc_t *id)
{
    int saved = nonblocking_begin(h);
    int rc = sctp_connectx(h, addrs, count, id);
    nonblocking_end(h, saved);
    return rc;
}

static int k_listen(int h, int backlog)
{
    return listen(h, backlog);
}

static int k_accept(int h)
{
    int saved = nonblocking_begin(h);
    int fd = accept4(h, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    nonblocking_end(h, saved);
    return fd;
}

static int k_shutdown(int h, int how)
{
    return shutdown(h, how);
}

static ssize_t k_sendmsg(int h, const struct msghdr *msg, int flags)
{
    return sendmsg(h, msg, flags | MSG_NOSIGNAL);
}

static ssize_t k_recvmsg(int h, struct msghdr *msg, int flags)
{
    return recvmsg(h, msg, flags);
}

/* A blocking recvmsg bounded by SO_RCVTIMEO: one system call where
 * recvmsg, poll and recvmsg again would be three (what a blocking C program
 * pays). The descriptor turns blocking on the first call, and SO_RCVTIMEO is
 * set only when the timeout changes (*wait_state holds the one set). */
static ssize_t k_recvmsg_wait(int h, struct msghdr *msg, int timeout_ms, int *wait_state)
{
    ssize_t rc;
    if (*wait_state != timeout_ms) {
        struct timeval tv;
        if (*wait_state == 0) {
            int fl = fcntl(h, F_GETFL);
            if (fl < 0 || fcntl(h, F_SETFL, fl & ~O_NONBLOCK) < 0)
                return -1;
        }
        tv.tv_sec = timeout_ms / 1000;
        tv.tv_usec = (timeout_ms % 1000) * 1000;
        if (setsockopt(h, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
            return -1;
        *wait_state = timeout_ms;
    }
    rc = recvmsg(h, msg, 0);
    /* A one-to-many socket with no association (and not listening) fails
     * a blocking read with ENOTCONN where a non-blocking one says EAGAIN:
     * give the non-blocking answer, the caller then polls. */
    if (rc < 0 && errno == ENOTCONN)
        rc = recvmsg(h, msg, MSG_DONTWAIT);
    return rc;
}

static int k_sendmmsg(int h, struct mmsghdr *msgs, unsigned count, int flags)
{
    return sendmmsg(h, msgs, count, flags | MSG_NOSIGNAL);
}

static int k_setsockopt(int h, int level, int name, const void *val, socklen_t len)
{
    return setsockopt(h, level, name, val, len);
}

static int k_getsockopt(int h, int level, int name, void *val, socklen_t *len)
{
    return getsockopt(h, level, name, val, len);
}

static int k_getaddrs(int h, lsctp_assoc_t id, int peer, struct sockaddr **addrs)
{
    int n = peer ? sctp_getpaddrs(h, id, addrs) : sctp_getladdrs(h, id, addrs);
    if (n < 0 && errno == 0)
        errno = EINVAL;
    return n;
}

static void k_freeaddrs(struct sockaddr *addrs, int peer)
{
    if (peer)
        sctp_freepaddrs(addrs);
    else
        sctp_freeladdrs(addrs);
}

static int k_peeloff(int h, lsctp_assoc_t id)
{
    int fd = sctp_peeloff(h, id);
    if (fd < 0)
        return -1;
    /* The peeled-off descriptor starts blocking; the core needs non-blocking. */
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0
        || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static int k_pollfd(int h)
{
    return h;
}

/* One sock_diag dump request (NLM_F_DUMP) for SCTP associations with
 * their sctp_info; the reply is read to its NLMSG_DONE (or NLMSG_ERROR). */
#define DIAG_CHUNK 65536   /* the reply is read in steps of this many bytes */

/* Sends the dump request for SCTP associations of `family`. */
static int diag_request(int fd, int family)
{
    struct {
        struct nlmsghdr nlh;
        struct inet_diag_req_v2 req;
    } msg;
    struct timeval tv = {5, 0};   /* the kernel answers at once: never wait forever */
    memset(&msg, 0, sizeof msg);
    msg.nlh.nlmsg_len = sizeof msg;
    msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    msg.req.sdiag_family = (uint8_t)family;
    msg.req.sdiag_protocol = IPPROTO_SCTP;
    /* associations only: the endpoints are the LISTEN and CLOSE states */
    msg.req.idiag_states = ~((1u << 10) | (1u << 7));
    msg.req.idiag_ext = 1u << (INET_DIAG_INFO - 1);
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0
        || send(fd, &msg, sizeof msg, 0) < 0)
        return -1;
    return 0;
}

/* Scans the messages in buf[off, end): 1 when the dump has ended, with
 * NLMSG_DONE or NLMSG_ERROR (e.g. no sctp_diag: its errno in *err). */
static int diag_ended(const char *buf, size_t off, size_t end, int *err)
{
    struct nlmsghdr h;
    int done = 0;
    for (; off + sizeof h <= end; off += NLMSG_ALIGN(h.nlmsg_len)) {
        memcpy(&h, buf + off, sizeof h);
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > end - off)
            break;
        if (h.nlmsg_type == NLMSG_DONE)
            done = 1;
        if (h.nlmsg_type == NLMSG_ERROR) {
            struct nlmsgerr e;
            done = 1;
            if (h.nlmsg_len >= NLMSG_LENGTH(sizeof e)) {
                memcpy(&e, buf + off + NLMSG_HDRLEN, sizeof e);
                if (e.error < 0)
                    *err = -e.error;
            }
        }
    }
    return done;
}

static int k_diag_dump(int family, char **out, size_t *len)
{
    size_t cap = 0, used = 0;
    char *buf = NULL;
    int done = 0, err = 0;
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return -1;
    if (diag_request(fd, family) < 0)
        goto fail;
    while (!done) {
        ssize_t n;
        if (cap - used < DIAG_CHUNK) {
            char *bigger = realloc(buf, cap + DIAG_CHUNK);
            if (!bigger) {
                errno = ENOMEM;
                goto fail;
            }
            buf = bigger;
            cap += DIAG_CHUNK;
        }
        n = recv(fd, buf + used, cap - used, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        if (n == 0)
            break;
        done = diag_ended(buf, used, used + (size_t)n, &err);
        used += (size_t)n;
    }
    close(fd);
    if (err) {
        free(buf);
        errno = err;
        return -1;
    }
    *out = buf;
    *len = used;
    return 0;
fail:
    err = errno;
    close(fd);
    free(buf);
    errno = err;
    return -1;
}

static int k_init(void) { return 0; }
static void k_finish(int bounded_ms) { (void)bounded_ms; }

static const lsctp_caps kernel_caps = {
    .write_ready = 1, .gather_send = 1, .diag = 1, .udp_encaps = 1, .raw_ip = 1};

const lsctp_backend lsctp_kernel_backend = {
    .name = "kernel",
    .caps = &kernel_caps,
    .init = k_init,
    .finish = k_finish,
    .socket = k_socket,
    .close = k_close,
    .bindx = k_bindx,
    .connectx = k_connectx,
    .listen = k_listen,
    .accept = k_accept,
    .shutdown = k_shutdown,
    .sendmsg = k_sendmsg,
    .recvmsg = k_recvmsg,
    .recvmsg_wait = k_recvmsg_wait,
    .sendmmsg = k_sendmmsg,
    .setsockopt = k_setsockopt,
    .getsockopt = k_getsockopt,
    .getaddrs = k_getaddrs,
    .freeaddrs = k_freeaddrs,
    .peeloff = k_peeloff,
    .pollfd = k_pollfd,
    .diag_dump = k_diag_dump,
};
