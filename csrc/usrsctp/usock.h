/* What the usrsctp backend's files share (backend_usrsctp.c, the seam;
 * sockopt_usrsctp.c, the options; notify_usrsctp.c, the notifications).
 * Each includes <usrsctp.h> and lx_abi.h, never <netinet/sctp.h>. */
#ifndef LSCTP_USOCK_H
#define LSCTP_USOCK_H

#include "../backend.h"
#include "lx_abi.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct socket;
struct usend_tail;   /* backend_usrsctp.c: the rest of a short send */
struct waker;        /* backend_usrsctp.c: what the upcall touches */

#define LSCTP_USR_CONFIRMS 8   /* comm_ups whose handshake address is remembered */

/* One handle: the usrsctp socket, and the waker (its eventfd, the handle)
 * that stands for it. */
typedef struct usock {
    struct socket *so;
    struct waker *w;         /* the upcall's argument: outlives the usock */
    int one_to_many;         /* SOCK_SEQPACKET */
    int peeled;              /* made by peeloff: accept is EOPNOTSUPP, as on Linux */
    int family;              /* AF_INET, AF_INET6 */
    int reuseaddr;           /* SO_REUSEADDR, kept but without effect */
    int mapped_v4;           /* SCTP_I_WANT_MAPPED_V4_ADDR of an AF_INET socket, the same */
    /* Which send_failed forms the Lua layer subscribed to (SCTP_EVENT with
     * LX_SCTP_SEND_FAILED / LX_SCTP_SEND_FAILED_EVENT): usrsctp has one
     * subscription for both, so backend_usrsctp.c keeps these. */
    unsigned char sub_send_failed, sub_send_failed_event;
    unsigned char no_frag;   /* SCTP_DISABLE_FRAGMENTS, for send's EMSGSIZE */
    struct {                 /* handshake addresses whose addr_confirmed is dropped */
        int32_t assoc;
        int valid;
        struct sockaddr_storage addr;
    } confirm[LSCTP_USR_CONFIRMS];
    unsigned confirm_next;
    /* A notification gathered whole (state 1), then handed out in its
     * Linux form(s) (state 2: note_end[i] ends form i in note); or the
     * rest of one translated in its first piece (state 3). */
    int note_state, note_forms, note_cur;
    char *note;
    size_t note_cap, note_len, note_off, note_end[2];
    struct sockaddr_storage note_from;
    socklen_t note_fromlen;
    /* a short send's rest, sent before anything else (tx_lock: the ticker too) */
    pthread_mutex_t tx_lock;
    struct usend_tail *tail;
    int has_tail;            /* __atomic: the ticker looks without the lock */
} usock;

/* getsockopt/setsockopt in the Linux forms (set: 1) */
int lsctp_usr_sockopt(usock *u, int level, int name, void *val, socklen_t *len, int set);

/* sinfo_flags -> snd_flags, and back */
uint16_t lsctp_usr_send_flags(uint16_t lx);
uint16_t lsctp_usr_lx_send_flags(uint16_t usr);
/* a Linux PR-SCTP policy (sinfo_flags & SCTP_PR_SCTP_MASK) -> usrsctp's */
uint16_t lsctp_usr_pr_policy(uint16_t lx);

/* usrsctp notification type -> Linux's (0x7fff: none), and back (0: none) */
uint16_t lsctp_usr_lx_type(uint16_t usr);
uint16_t lsctp_usr_event_type(uint16_t lx);

/* reaper_usrsctp.c: close's second half, and the ticker's call to finish it */
void lsctp_usr_bury(struct socket *so, int one_to_many);
void lsctp_usr_reap(void);

/* Rewrites the notification in buf (n bytes) into its Linux form in place;
 * returns its new length (never more than n). */
size_t lsctp_usr_translate_notification(char *buf, size_t n);

/* The old send_failed (struct lx_send_failed) made from a send_failed_event
 * already in its Linux form (ev, n bytes), into out (room bytes; may be ev);
 * returns its length, 0 if ev is no send_failed_event or room is short. */
size_t lsctp_usr_old_send_failed(const char *ev, size_t n, char *out, size_t room);

#endif
