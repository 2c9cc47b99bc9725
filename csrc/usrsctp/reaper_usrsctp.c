/* Closing a usrsctp socket: its associations end first, usrsctp_close later.
 *
 * usrsctp 0.9.5 races when usrsctp_close meets its own input thread working
 * on one of the socket's associations: a double free in sofree, or a NULL
 * socket in soisconnected (usrsctp issues 554 and 697; spec/random_ops.lua
 * found both, in about one run of 20,000 random steps in three). So close
 * hands the socket here: its associations are shut down (aborted with
 * linger 0, or when not established yet, as Linux does), and the ticker
 * calls usrsctp_close once none has been left for two ticks, or after a
 * grace period. The Lua socket is closed at once, as on Linux, where the
 * kernel also finishes the shutdown in the background. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <usrsctp.h>

#include "usock.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GRACE_TICKS 3000   /* ~30 s at 10 ms: then abort and close anyway */
#define QUIET_TICKS 2      /* ticks without associations before the close */

typedef struct zombie {
    struct socket *so;
    int one_to_many;
    int ticks, quiet;
    struct zombie *next;
} zombie;

static pthread_mutex_t zombie_lock = PTHREAD_MUTEX_INITIALIZER;
static zombie *zombies;

/* sends flags (SCTP_EOF, SCTP_ABORT) to every association of the socket */
static void send_to_all(struct socket *so, int one_to_many, uint16_t flags)
{
    struct sctp_sndinfo snd;
    char nothing = 0;
    memset(&snd, 0, sizeof snd);
    snd.snd_flags = (uint16_t)(flags | (one_to_many ? SCTP_SENDALL : 0));
    (void)usrsctp_sendv(so, &nothing, 0, NULL, 0, &snd, (socklen_t)sizeof snd, SCTP_SENDV_SNDINFO, 0);
}

/* the number of associations the socket still has */
static uint32_t associations(struct socket *so, int one_to_many, int *established)
{
    struct sctp_status st;
    socklen_t l;
    *established = 0;
    if (one_to_many) {
        uint32_t n = 0;
        l = sizeof n;
        return usrsctp_getsockopt(so, IPPROTO_SCTP, SCTP_GET_ASSOC_NUMBER, &n, &l) == 0 ? n : 0;
    }
    memset(&st, 0, sizeof st);
    l = sizeof st;
    if (usrsctp_getsockopt(so, IPPROTO_SCTP, SCTP_STATUS, &st, &l) < 0 || st.sstat_state == SCTP_CLOSED)
        return 0;
    *established = st.sstat_state == SCTP_ESTABLISHED;
    return 1;
}

void lsctp_usr_bury(struct socket *so, int one_to_many)
{
    struct linger lg;
    socklen_t l = sizeof lg;
    int established;
    zombie *z;
    uint32_t n = associations(so, one_to_many, &established);
    if (n == 0 || !(z = calloc(1, sizeof *z))) {
        usrsctp_close(so);
        return;
    }
    memset(&lg, 0, sizeof lg);
    if (usrsctp_getsockopt(so, SOL_SOCKET, SO_LINGER, &lg, &l) == 0 && lg.l_onoff && lg.l_linger == 0)
        send_to_all(so, one_to_many, SCTP_ABORT);
    else if (one_to_many)
        send_to_all(so, 1, SCTP_EOF);   /* those not up yet shut down once they are */
    else if (established)
        usrsctp_shutdown(so, SHUT_WR);
    else
        send_to_all(so, 0, SCTP_ABORT);
    z->so = so;
    z->one_to_many = one_to_many;
    pthread_mutex_lock(&zombie_lock);
    z->next = zombies;
    zombies = z;
    pthread_mutex_unlock(&zombie_lock);
}

void lsctp_usr_reap(void)
{
    zombie **p, *done = NULL;
    pthread_mutex_lock(&zombie_lock);
    for (p = &zombies; *p;) {
        zombie *z = *p;
        int established;
        if (associations(z->so, z->one_to_many, &established) == 0)
            z->quiet++;
        else
            z->quiet = 0;
        if (++z->ticks == GRACE_TICKS)
            send_to_all(z->so, z->one_to_many, SCTP_ABORT);
        if (z->quiet >= QUIET_TICKS || z->ticks > GRACE_TICKS + QUIET_TICKS) {
            *p = z->next;
            z->next = done;
            done = z;
        } else {
            p = &z->next;
        }
    }
    pthread_mutex_unlock(&zombie_lock);
    while (done) {   /* outside the lock: usrsctp_close takes usrsctp's */
        zombie *z = done;
        done = z->next;
        usrsctp_close(z->so);
        free(z);
    }
}
