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
#include <unistd.h>
#include <sys/time.h>
#include <netinet/in.h>

static int k_socket(int family, int type)
{
    return socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_SCTP);
}

static int k_close(int h)
{
    /* Linux releases the descriptor even when close reports EINTR: never retry. */
    return close(h);
}

static int k_bindx(int h, struct sockaddr *addrs, int count, int flags)
{
    return sctp_bindx(h, addrs, count, flags);
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

static int k_connectx(int h, struct sockaddr *addrs, int count, sctp_assoc_t *id)
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

static int k_getaddrs(int h, sctp_assoc_t id, int peer, struct sockaddr **addrs)
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

static int k_peeloff(int h, sctp_assoc_t id)
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

const lsctp_backend lsctp_kernel_backend = {
    .name = "kernel",
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
};
