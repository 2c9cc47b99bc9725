/* The usrsctp backend's socket options: Linux option numbers and structs
 * (lx_abi.h) into usrsctp's and back (docs/usrsctp-notes.md section 2). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <usrsctp.h>

#include "usock.h"

#include <errno.h>
#include <string.h>

/* Linux option numbers whose struct is the same in usrsctp */
static const struct { int lx, usr; } same_opts[] = {
    {LX_SCTP_RTOINFO, SCTP_RTOINFO}, {LX_SCTP_INITMSG, SCTP_INITMSG}, {LX_SCTP_NODELAY, SCTP_NODELAY},
    {LX_SCTP_AUTOCLOSE, SCTP_AUTOCLOSE}, {LX_SCTP_ADAPTATION_LAYER, SCTP_ADAPTATION_LAYER},
    {LX_SCTP_DISABLE_FRAGMENTS, SCTP_DISABLE_FRAGMENTS},
    {LX_SCTP_I_WANT_MAPPED_V4_ADDR, SCTP_I_WANT_MAPPED_V4_ADDR}, {LX_SCTP_MAXSEG, SCTP_MAXSEG},
    {LX_SCTP_DELAYED_SACK, SCTP_DELAYED_SACK}, {LX_SCTP_CONTEXT, SCTP_CONTEXT},
    {LX_SCTP_PARTIAL_DELIVERY_POINT, SCTP_PARTIAL_DELIVERY_POINT}, {LX_SCTP_MAX_BURST, SCTP_MAX_BURST},
    {LX_SCTP_GET_ASSOC_NUMBER, SCTP_GET_ASSOC_NUMBER}, {LX_SCTP_GET_ASSOC_ID_LIST, SCTP_GET_ASSOC_ID_LIST},
    {LX_SCTP_PR_SUPPORTED, SCTP_PR_SUPPORTED}, {LX_SCTP_RECONFIG_SUPPORTED, SCTP_RECONFIG_SUPPORTED},
    {LX_SCTP_ENABLE_STREAM_RESET, SCTP_ENABLE_STREAM_RESET}};

static int usr_opt(int lx)
{
    size_t i;
    for (i = 0; i < sizeof same_opts / sizeof same_opts[0]; i++)
        if (same_opts[i].lx == lx)
            return same_opts[i].usr;
    return -1;
}


/* SCTP_EVENT in the Linux form: data_io_event is usrsctp's SCTP_RECVRCVINFO */
static int event_opt(usock *u, int set, void *val, socklen_t *len)
{
    struct sctp_event ev;
    uint16_t t;
    if (*len < sizeof ev) {
        errno = EINVAL;
        return -1;
    }
    memcpy(&ev, val, sizeof ev);
    if (ev.se_type == LX_SCTP_DATA_IO_EVENT) {
        int on = ev.se_on;
        socklen_t l = sizeof on;
        if (set)
            return usrsctp_setsockopt(u->so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on);
        if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, &l) < 0)
            return -1;
        ev.se_on = on != 0;
        memcpy(val, &ev, sizeof ev);
        return 0;
    }
    if (!(t = lsctp_usr_event_type(ev.se_type))) {
        errno = EINVAL;
        return -1;
    }
    ev.se_type = t;
    if (set)
        return usrsctp_setsockopt(u->so, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev);
    if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_EVENT, &ev, len) < 0)
        return -1;
    ((struct sctp_event *)val)->se_on = ev.se_on;
    return 0;
}

static int status_opt(usock *u, void *val, socklen_t *len)
{
    struct sctp_status st;
    socklen_t l = sizeof st;
    struct lx_status_head head;
    if (*len < sizeof head) {
        errno = EINVAL;
        return -1;
    }
    memcpy(&head, val, sizeof head);
    memset(&st, 0, sizeof st);
    st.sstat_assoc_id = (sctp_assoc_t)head.sstat_assoc_id;
    if (usrsctp_getsockopt(u->so, IPPROTO_SCTP, SCTP_STATUS, &st, &l) < 0)
        return -1;
    switch (st.sstat_state) {
    case SCTP_COOKIE_WAIT: head.sstat_state = LX_SCTP_COOKIE_WAIT; break;
    case SCTP_COOKIE_ECHOED: head.sstat_state = LX_SCTP_COOKIE_ECHOED; break;
    case SCTP_ESTABLISHED: head.sstat_state = LX_SCTP_ESTABLISHED; break;
    case SCTP_SHUTDOWN_PENDING: head.sstat_state = LX_SCTP_SHUTDOWN_PENDING; break;
    case SCTP_SHUTDOWN_SENT: head.sstat_state = LX_SCTP_SHUTDOWN_SENT; break;
    case SCTP_SHUTDOWN_RECEIVED: head.sstat_state = LX_SCTP_SHUTDOWN_RECEIVED; break;
    case SCTP_SHUTDOWN_ACK_SENT: head.sstat_state = LX_SCTP_SHUTDOWN_ACK_SENT; break;
    default: head.sstat_state = LX_SCTP_CLOSED; break;
    }
    /* TODO: rwnd, counts and the primary's sctp_paddrinfo (reordered) */
    memset(val, 0, *len);
    memcpy(val, &head, sizeof head);
    return 0;
}

int lsctp_usr_sockopt(usock *u, int level, int name, void *val, socklen_t *len, int set)
{
    int usr;
    if (level == SOL_SOCKET) {
        if (name != SO_SNDBUF && name != SO_RCVBUF && name != SO_LINGER) {
            errno = ENOPROTOOPT;
            return -1;
        }
        return set ? usrsctp_setsockopt(u->so, level, name, val, *len)
                   : usrsctp_getsockopt(u->so, level, name, val, len);
    }
    if (level != LX_IPPROTO_SCTP) {
        errno = ENOPROTOOPT;
        return -1;
    }
    if (name == LX_SCTP_EVENT)
        return event_opt(u, set, val, len);
    if (name == LX_SCTP_STATUS && !set)
        return status_opt(u, val, len);
    if ((usr = usr_opt(name)) < 0) {
        errno = ENOPROTOOPT;   /* TODO: the reordered structs (docs/usrsctp-notes.md section 2) */
        return -1;
    }
    return set ? usrsctp_setsockopt(u->so, IPPROTO_SCTP, usr, val, *len)
               : usrsctp_getsockopt(u->so, IPPROTO_SCTP, usr, val, len);
}
