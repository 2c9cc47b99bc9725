/* The usrsctp backend's notifications: usrsctp's forms rewritten into the
 * Linux ones that csrc/notify.c decodes (docs/usrsctp-notes.md section 4).
 * Pure translation, no usrsctp calls: the fuzzer links this file alone. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <usrsctp.h>

#include "usock.h"

#include <stddef.h>
#include <string.h>

static const uint16_t lx_types[] = {
    /* usrsctp 1..0xe */ 0, LX_SCTP_ASSOC_CHANGE, LX_SCTP_PEER_ADDR_CHANGE, LX_SCTP_REMOTE_ERROR,
    LX_SCTP_SEND_FAILED, LX_SCTP_SHUTDOWN_EVENT, LX_SCTP_ADAPTATION_INDICATION,
    LX_SCTP_PARTIAL_DELIVERY_EVENT, LX_SCTP_AUTHENTICATION_EVENT, LX_SCTP_STREAM_RESET_EVENT,
    LX_SCTP_SENDER_DRY_EVENT, 0 /* notifications_stopped */, LX_SCTP_ASSOC_RESET_EVENT,
    LX_SCTP_STREAM_CHANGE_EVENT, LX_SCTP_SEND_FAILED_EVENT};

uint16_t lsctp_usr_lx_type(uint16_t t)
{
    return t < sizeof lx_types / sizeof lx_types[0] && lx_types[t] ? lx_types[t] : 0x7fff;
}

/* Rewrites the notification in buf (n bytes) in its Linux form; returns
 * its new length. buf need not be aligned (a notification that cuts a
 * partial delivery short is read right after the part, csrc/recv.c): its
 * fixed part is translated in an aligned copy. */
size_t lsctp_usr_translate_notification(char *buf, size_t n)
{
    union sctp_notification note, *un = &note;
    size_t fixed = n < sizeof note ? n : sizeof note;
    uint16_t type;
    if (n < sizeof un->sn_header)
        return n;
    memcpy(&note, buf, fixed);
    type = un->sn_header.sn_type;
    switch (type) {
    case SCTP_ASSOC_CHANGE:
        if (n >= sizeof(struct sctp_assoc_change)) {
            struct lx_assoc_change lx;
            struct sctp_assoc_change *a = &un->sn_assoc_change;
            lx.sac_state = (uint16_t)(a->sac_state - 1);
            lx.sac_error = htons(a->sac_error);
            a->sac_state = lx.sac_state;
            a->sac_error = lx.sac_error;
        }
        break;
    case SCTP_PEER_ADDR_CHANGE:
        if (n >= sizeof(struct sctp_paddr_change)) {
            un->sn_paddr_change.spc_state -= 1;
            un->sn_paddr_change.spc_length = sizeof(struct lx_paddr_change);
            n = sizeof(struct lx_paddr_change);
        }
        break;
    case SCTP_REMOTE_ERROR:
        if (n >= sizeof(struct sctp_remote_error))
            un->sn_remote_error.sre_error = htons(un->sn_remote_error.sre_error);
        break;
    case SCTP_PARTIAL_DELIVERY_EVENT:
        if (n >= sizeof(struct sctp_pdapi_event)) {
            struct sctp_pdapi_event *p = &un->sn_pdapi_event;
            struct lx_pdapi_event lx;
            lx.pdapi_indication = p->pdapi_indication - 1;
            lx.pdapi_assoc_id = (int32_t)p->pdapi_assoc_id;
            lx.pdapi_stream = p->pdapi_stream;
            lx.pdapi_seq = p->pdapi_seq;
            lx.pdapi_flags = p->pdapi_flags;
            lx.pdapi_length = sizeof lx;
            memcpy((char *)&note + offsetof(struct lx_pdapi_event, pdapi_indication), &lx.pdapi_indication,
                   sizeof lx - offsetof(struct lx_pdapi_event, pdapi_indication));
            n = sizeof lx;
        }
        break;
    case SCTP_AUTHENTICATION_EVENT:
        if (n >= sizeof(struct sctp_authkey_event)) {
            uint32_t ind = un->sn_auth_event.auth_indication;
            un->sn_auth_event.auth_indication = ind == SCTP_AUTH_NEW_KEY ? 0 : ind == SCTP_AUTH_FREE_KEY ? 1 : 2;
        }
        break;
    case SCTP_SEND_FAILED_EVENT:
        if (n >= sizeof(struct sctp_send_failed_event)) {
            struct sctp_send_failed_event *f = &un->sn_send_failed_event;
            f->ssfe_flags = f->ssfe_flags & SCTP_DATA_SENT ? 1 : 0;
            /* snd_flags holds the DATA chunk's flags, as on Linux (csrc/notify.c
             * reads its U bit); for a message never cut into chunks usrsctp
             * gives only the B/E bits (sctputil.c, sctp_notify_send_failed2) */
            f->ssfe_info.snd_flags &= 0x0f;
        }
        break;
    default:
        break;
    }
    un->sn_header.sn_type = lsctp_usr_lx_type(type);
    memcpy(buf, &note, fixed < n ? fixed : n);
    return n;
}

/* a Linux notification type -> usrsctp's (0: none) */
uint16_t lsctp_usr_event_type(uint16_t lx)
{
    uint16_t t;
    for (t = 1; t < sizeof lx_types / sizeof lx_types[0]; t++)
        if (lx_types[t] == lx)
            return t == SCTP_SEND_FAILED ? SCTP_SEND_FAILED_EVENT : t;
    return 0;
}

/* The old form has a whole sctp_sndrcvinfo where the new one has an
 * sctp_sndinfo: 16 bytes longer, the data after it unchanged. */
size_t lsctp_usr_old_send_failed(const char *ev, size_t n, char *out, size_t room)
{
    struct sctp_send_failed_event e;
    struct lx_send_failed lx;
    size_t data;
    if (n < sizeof e)
        return 0;
    memcpy(&e, ev, sizeof e);
    if (e.ssfe_type != LX_SCTP_SEND_FAILED_EVENT)
        return 0;
    data = n - sizeof e;   /* bounded by ssfe_length too, as csrc/notify.c does */
    if (e.ssfe_length < n)
        data = e.ssfe_length > sizeof e ? e.ssfe_length - sizeof e : 0;
    if (room < sizeof lx || room - sizeof lx < data)
        return 0;
    memset(&lx, 0, sizeof lx);
    lx.ssf_type = LX_SCTP_SEND_FAILED;
    lx.ssf_flags = e.ssfe_flags;
    lx.ssf_length = (uint32_t)(sizeof lx + data);
    lx.ssf_error = e.ssfe_error;
    lx.ssf_info.sinfo_stream = e.ssfe_info.snd_sid;
    lx.ssf_info.sinfo_flags = e.ssfe_info.snd_flags;   /* already the DATA chunk's U bit */
    lx.ssf_info.sinfo_ppid = e.ssfe_info.snd_ppid;
    lx.ssf_info.sinfo_context = e.ssfe_info.snd_context;
    lx.ssf_info.sinfo_assoc_id = (int32_t)e.ssfe_assoc_id;
    lx.ssf_assoc_id = (int32_t)e.ssfe_assoc_id;
    memmove(out + sizeof lx, ev + sizeof e, data);
    memcpy(out, &lx, sizeof lx);
    return sizeof lx + data;
}
