/* What the usrsctp backend's files share (backend_usrsctp.c, the seam;
 * sockopt_usrsctp.c, the options; notify_usrsctp.c, the notifications).
 * Each includes <usrsctp.h> and lx_abi.h, never <netinet/sctp.h>. */
#ifndef LSCTP_USOCK_H
#define LSCTP_USOCK_H

#include "../backend.h"
#include "lx_abi.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct socket;

/* One handle: the usrsctp socket and the eventfd that stands for it. */
typedef struct usock {
    struct socket *so;
    int efd;
    int closing, inflight;   /* __atomic: close against the upcall */
    int one_to_many;         /* SOCK_SEQPACKET */
    int reuseaddr;           /* SO_REUSEADDR, kept but without effect */
} usock;

/* getsockopt/setsockopt in the Linux forms (set: 1) */
int lsctp_usr_sockopt(usock *u, int level, int name, void *val, socklen_t *len, int set);

/* sinfo_flags -> snd_flags, and back */
uint16_t lsctp_usr_send_flags(uint16_t lx);
uint16_t lsctp_usr_lx_send_flags(uint16_t usr);

/* usrsctp notification type -> Linux's (0x7fff: none), and back (0: none) */
uint16_t lsctp_usr_lx_type(uint16_t usr);
uint16_t lsctp_usr_event_type(uint16_t lx);

/* Rewrites the notification in buf (n bytes) into its Linux form in place;
 * returns its new length (never more than n). */
size_t lsctp_usr_translate_notification(char *buf, size_t n);

#endif
