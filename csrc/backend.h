/* The seam between the codecs/Lua glue and an SCTP implementation.
 *
 * Every call that reaches an SCTP stack goes through one of these functions,
 * so a second backend (userland usrsctp) can sit beside backend_kernel.c
 * without touching io.c, recv.c, options.c, notify.c or the Lua layer.
 *
 * Conventions, POSIX style: a handle is an int; calls return -1 (or a
 * negative ssize_t) and set errno on failure. Calls do not block: a call
 * that would block fails with EAGAIN (or EINPROGRESS for connectx), and the
 * Lua layer waits on `pollfd(handle)` and retries; only recvmsg_wait waits,
 * for a bounded time, when the Lua layer knows the thread may block.
 */
#ifndef LSCTP_BACKEND_H
#define LSCTP_BACKEND_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

/* No SCTP header here: a backend may be written against a stack whose
 * headers clash with <netinet/sctp.h> (usrsctp's do). What crosses the seam
 * is in the Linux forms the codecs read (struct sctp_sndrcvinfo cmsgs, the
 * Linux notification layouts, Linux option numbers and structs); a backend
 * on another stack translates. */
typedef int32_t lsctp_assoc_t;   /* sctp_assoc_t on Linux */

enum { LSCTP_BINDX_ADD = 1, LSCTP_BINDX_REM = 2 };

/* What a backend can and cannot do, for the Lua layer to read instead of
 * assuming the kernel's behaviour. */
typedef struct lsctp_caps {
    unsigned write_ready : 1;   /* pollfd signals writability (else: wait on a timer) */
    unsigned gather_send : 1;   /* sendmsg takes several iovecs natively */
    unsigned diag : 1;          /* diag_dump works (sctp.associations) */
    unsigned udp_encaps : 1;    /* SCTP over UDP (RFC 6951) */
    unsigned raw_ip : 1;        /* SCTP over IP */
} lsctp_caps;

/* A stack setting a backend takes before its first socket
 * (sctp.backend_settings): an integer in [min, max] (booleans 0..1). */
typedef struct lsctp_setting {
    const char *name;
    long min, max;
} lsctp_setting;

typedef struct lsctp_backend {
    const char *name;
    const lsctp_caps *caps;
    /* The settings it takes (NULL: none), ending with a NULL name, and
     * configure to set one: 0, or -1 with errno (EALREADY once the stack
     * has started). */
    const lsctp_setting *settings;
    int (*configure)(const char *name, long value);
    /* Before the first socket, and once more at exit (finish never waits
     * longer than bounded_ms); 0 or -1 with errno. The kernel needs neither. */
    int (*init)(void);
    void (*finish)(int bounded_ms);
    /* Non-blocking, close-on-exec SCTP socket; type SOCK_SEQPACKET or SOCK_STREAM. */
    int (*socket)(int family, int type);
    int (*close)(int h);
    /* flags: LSCTP_BINDX_ADD or LSCTP_BINDX_REM */
    int (*bindx)(int h, struct sockaddr *addrs, int count, int flags);
    int (*connectx)(int h, struct sockaddr *addrs, int count, lsctp_assoc_t *id);
    int (*listen)(int h, int backlog);
    int (*accept)(int h);
    int (*shutdown)(int h, int how);
    ssize_t (*sendmsg)(int h, const struct msghdr *msg, int flags);
    ssize_t (*recvmsg)(int h, struct msghdr *msg, int flags);
    /* recvmsg that waits up to timeout_ms (> 0) for a message, for a thread
     * that may block: fails with EAGAIN when the time is up, or at once when
     * the handle cannot wait (the caller then polls). *wait_state is the
     * caller's scratch for this handle, 0 at first and kept between calls,
     * so that set-up is done once, not per message. Every other call stays
     * non-blocking whatever this does to the handle. */
    ssize_t (*recvmsg_wait)(int h, struct msghdr *msg, int timeout_ms, int *wait_state);
    /* Several messages in one call; returns how many went out. */
    int (*sendmmsg)(int h, struct mmsghdr *msgs, unsigned count, int flags);
    int (*setsockopt)(int h, int level, int name, const void *val, socklen_t len);
    int (*getsockopt)(int h, int level, int name, void *val, socklen_t *len);
    /* Local (peer = 0) or peer (peer = 1) addresses; free with freeaddrs. */
    int (*getaddrs)(int h, lsctp_assoc_t id, int peer, struct sockaddr **addrs);
    void (*freeaddrs)(struct sockaddr *addrs, int peer);
    int (*peeloff)(int h, lsctp_assoc_t id);
    /* The descriptor an event loop polls for this handle. */
    int (*pollfd)(int h);
    /* The host's associations of one family: the raw sock_diag (netlink)
     * reply in *out (malloc'd, *len bytes; csrc/diag.c decodes it). Waits
     * a bounded time for the kernel's answer. */
    int (*diag_dump)(int family, char **out, size_t *len);
} lsctp_backend;

extern const lsctp_backend lsctp_kernel_backend;

#endif
