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

static int k_connectx(int h, struct sockaddr *addrs, int count, sctp_assoc_t *id)
{
    return sctp_connectx(h, addrs, count, id);
}

static int k_listen(int h, int backlog)
{
    return listen(h, backlog);
}

static int k_accept(int h)
{
    return accept4(h, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
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
    "kernel",
    k_socket, k_close, k_bindx, k_connectx, k_listen, k_accept, k_shutdown,
    k_sendmsg, k_recvmsg, k_sendmmsg, k_setsockopt, k_getsockopt,
    k_getaddrs, k_freeaddrs, k_peeloff, k_pollfd,
};
