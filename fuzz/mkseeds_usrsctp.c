/* The usrsctp notifications for fuzz/mkseeds.c (corpus usrsctp/): laid out
 * with usrsctp's own structs from <usrsctp.h>, the bytes usrsctp_recvv
 * hands over for a message flagged MSG_NOTIFICATION (values as usrsctp
 * 0.9.5's sctputil.c fills them). A file of its own: <usrsctp.h> and
 * <netinet/sctp.h> cannot share one. No usrsctp call: nothing links
 * libusrsctp. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <usrsctp.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

size_t mkseeds_usrsctp_note(size_t which, unsigned char *out, size_t room, const char **name);

static const uint16_t reset_streams[3] = {1, 2, 7};
/* sac_info on COMM_UP/RESTART: the features the association supports */
static const uint8_t features[5] = {SCTP_ASSOC_SUPPORTS_PR, SCTP_ASSOC_SUPPORTS_AUTH,
                                    SCTP_ASSOC_SUPPORTS_ASCONF, SCTP_ASSOC_SUPPORTS_MULTIBUF,
                                    SCTP_ASSOC_SUPPORTS_RE_CONFIG};

/* A row: the struct's fields, the length of its fixed part (the whole
 * struct, or up to its variable tail) and the tail; sn_length covers both
 * unless `length` says otherwise (a length that lies). `addr` is a
 * paddr_change's address (port 5000); `cut` keeps only the first bytes
 * (a truncated read). */
static const struct row {
    const char *name;
    size_t len;
    const void *tail;
    size_t tail_len;
    const char *addr;
    size_t cut;
    uint32_t length;
    union sctp_notification n;   /* last: its structs end in flexible arrays */
} rows[] = {
    {.name = "assoc_change_comm_up", .len = offsetof(struct sctp_assoc_change, sac_info),
     .tail = features, .tail_len = sizeof features,
     .n.sn_assoc_change = {.sac_type = SCTP_ASSOC_CHANGE, .sac_state = SCTP_COMM_UP,
                           .sac_outbound_streams = 10, .sac_inbound_streams = 10,
                           .sac_assoc_id = 5}},
    {.name = "assoc_change_restart", .len = offsetof(struct sctp_assoc_change, sac_info),
     .tail = features, .tail_len = 2,
     .n.sn_assoc_change = {.sac_type = SCTP_ASSOC_CHANGE, .sac_state = SCTP_RESTART,
                           .sac_outbound_streams = 4, .sac_inbound_streams = 2,
                           .sac_assoc_id = 5}},
    /* the tail is the ABORT chunk; sac_error a cause code in host order */
    {.name = "assoc_change_comm_lost_abort", .len = offsetof(struct sctp_assoc_change, sac_info),
     .tail = "\x06\x00\x00\x08\x00\x0c\x00\x04", .tail_len = 8,
     .n.sn_assoc_change = {.sac_type = SCTP_ASSOC_CHANGE, .sac_state = SCTP_COMM_LOST,
                           .sac_error = 0x0c, .sac_assoc_id = 5}},
    {.name = "assoc_change_shutdown_comp", .len = sizeof(struct sctp_assoc_change),
     .n.sn_assoc_change = {.sac_type = SCTP_ASSOC_CHANGE, .sac_state = SCTP_SHUTDOWN_COMP,
                           .sac_assoc_id = 5}},
    {.name = "assoc_change_cant_str_assoc", .len = sizeof(struct sctp_assoc_change),
     .n.sn_assoc_change = {.sac_type = SCTP_ASSOC_CHANGE, .sac_state = SCTP_CANT_STR_ASSOC,
                           .sac_error = 1, .sac_assoc_id = 0}},
    {.name = "paddr_change_v4_confirmed", .len = sizeof(struct sctp_paddr_change), .addr = "127.0.0.2",
     .n.sn_paddr_change = {.spc_type = SCTP_PEER_ADDR_CHANGE, .spc_state = SCTP_ADDR_CONFIRMED,
                           .spc_assoc_id = 5}},
    {.name = "paddr_change_v6_unreachable", .len = sizeof(struct sctp_paddr_change), .addr = "::1",
     .n.sn_paddr_change = {.spc_type = SCTP_PEER_ADDR_CHANGE, .spc_state = SCTP_ADDR_UNREACHABLE,
                           .spc_error = 1, .spc_assoc_id = 6}},
    {.name = "paddr_change_v4_made_prim", .len = sizeof(struct sctp_paddr_change), .addr = "127.0.0.3",
     .n.sn_paddr_change = {.spc_type = SCTP_PEER_ADDR_CHANGE, .spc_state = SCTP_ADDR_MADE_PRIM,
                           .spc_assoc_id = 5}},
    /* sre_error in host order (1: invalid stream identifier), the tail the error chunk's causes */
    {.name = "remote_error", .len = offsetof(struct sctp_remote_error, sre_data),
     .tail = "\x00\x01\x00\x08\x00\x09\x00\x00", .tail_len = 8,
     .n.sn_remote_error = {.sre_type = SCTP_REMOTE_ERROR, .sre_error = 1, .sre_assoc_id = 5}},
    /* sent: snd_flags the DATA chunk's (U|B|E); the tail the user data */
    {.name = "send_failed_event_sent", .len = offsetof(struct sctp_send_failed_event, ssfe_data),
     .tail = "undelivered", .tail_len = 11,
     .n.sn_send_failed_event = {.ssfe_type = SCTP_SEND_FAILED_EVENT, .ssfe_flags = SCTP_DATA_SENT,
                                .ssfe_error = 1,
                                .ssfe_info = {.snd_sid = 2, .snd_flags = 0x07, .snd_ppid = 46,
                                              .snd_context = 7, .snd_assoc_id = 5},
                                .ssfe_assoc_id = 5}},
    /* never cut into chunks: only the B/E bits */
    {.name = "send_failed_event_unsent", .len = offsetof(struct sctp_send_failed_event, ssfe_data),
     .tail = "never sent at all", .tail_len = 17,
     .n.sn_send_failed_event = {.ssfe_type = SCTP_SEND_FAILED_EVENT, .ssfe_flags = SCTP_DATA_UNSENT,
                                .ssfe_info = {.snd_sid = 1, .snd_flags = 0x03, .snd_ppid = 0x2e000000,
                                              .snd_assoc_id = 5},
                                .ssfe_assoc_id = 5}},
    {.name = "send_failed_event_empty", .len = sizeof(struct sctp_send_failed_event),
     .n.sn_send_failed_event = {.ssfe_type = SCTP_SEND_FAILED_EVENT, .ssfe_flags = SCTP_DATA_UNSENT,
                                .ssfe_assoc_id = 5}},
    /* ssfe_length shorter than what was read, and longer */
    {.name = "send_failed_event_short_length", .len = offsetof(struct sctp_send_failed_event, ssfe_data),
     .tail = "undelivered", .tail_len = 11, .length = 36,
     .n.sn_send_failed_event = {.ssfe_type = SCTP_SEND_FAILED_EVENT, .ssfe_flags = SCTP_DATA_SENT,
                                .ssfe_assoc_id = 5}},
    {.name = "send_failed_event_long_length", .len = offsetof(struct sctp_send_failed_event, ssfe_data),
     .tail = "undelivered", .tail_len = 11, .length = 4000,
     .n.sn_send_failed_event = {.ssfe_type = SCTP_SEND_FAILED_EVENT, .ssfe_flags = SCTP_DATA_SENT,
                                .ssfe_assoc_id = 5}},
    {.name = "send_failed_event_cut", .len = offsetof(struct sctp_send_failed_event, ssfe_data),
     .tail = "undelivered", .tail_len = 11, .cut = 20,
     .n.sn_send_failed_event = {.ssfe_type = SCTP_SEND_FAILED_EVENT, .ssfe_assoc_id = 5}},
    {.name = "shutdown_event", .len = sizeof(struct sctp_shutdown_event),
     .n.sn_shutdown_event = {.sse_type = SCTP_SHUTDOWN_EVENT, .sse_assoc_id = 5}},
    {.name = "adaptation_event", .len = sizeof(struct sctp_adaptation_event),
     .n.sn_adaptation_event = {.sai_type = SCTP_ADAPTATION_INDICATION,
                               .sai_adaptation_ind = 0x01020304, .sai_assoc_id = 5}},
    {.name = "pdapi_aborted", .len = sizeof(struct sctp_pdapi_event),
     .n.sn_pdapi_event = {.pdapi_type = SCTP_PARTIAL_DELIVERY_EVENT,
                          .pdapi_indication = SCTP_PARTIAL_DELIVERY_ABORTED,
                          .pdapi_stream = 2, .pdapi_seq = 9, .pdapi_assoc_id = 5}},
    {.name = "authkey_new_key", .len = sizeof(struct sctp_authkey_event),
     .n.sn_auth_event = {.auth_type = SCTP_AUTHENTICATION_EVENT, .auth_keynumber = 1,
                         .auth_indication = SCTP_AUTH_NEW_KEY, .auth_assoc_id = 5}},
    {.name = "authkey_free_key", .len = sizeof(struct sctp_authkey_event),
     .n.sn_auth_event = {.auth_type = SCTP_AUTHENTICATION_EVENT, .auth_keynumber = 2,
                         .auth_indication = SCTP_AUTH_FREE_KEY, .auth_assoc_id = 5}},
    {.name = "authkey_no_auth", .len = sizeof(struct sctp_authkey_event),
     .n.sn_auth_event = {.auth_type = SCTP_AUTHENTICATION_EVENT,
                         .auth_indication = SCTP_AUTH_NO_AUTH, .auth_assoc_id = 5}},
    {.name = "sender_dry", .len = sizeof(struct sctp_sender_dry_event),
     .n.sn_sender_dry_event = {.sender_dry_type = SCTP_SENDER_DRY_EVENT,
                               .sender_dry_assoc_id = 5}},
    {.name = "stream_reset_outgoing", .len = offsetof(struct sctp_stream_reset_event, strreset_stream_list),
     .tail = reset_streams, .tail_len = sizeof reset_streams,
     .n.sn_strreset_event = {.strreset_type = SCTP_STREAM_RESET_EVENT,
                             .strreset_flags = SCTP_STREAM_RESET_OUTGOING_SSN,
                             .strreset_assoc_id = 5}},
    {.name = "stream_reset_incoming_denied", .len = offsetof(struct sctp_stream_reset_event, strreset_stream_list),
     .tail = reset_streams, .tail_len = 2,
     .n.sn_strreset_event = {.strreset_type = SCTP_STREAM_RESET_EVENT,
                             .strreset_flags = SCTP_STREAM_RESET_INCOMING_SSN | SCTP_STREAM_RESET_DENIED,
                             .strreset_assoc_id = 5}},
    {.name = "assoc_reset", .len = sizeof(struct sctp_assoc_reset_event),
     .n.sn_assocreset_event = {.assocreset_type = SCTP_ASSOC_RESET_EVENT,
                               .assocreset_flags = SCTP_ASSOC_RESET_DENIED,
                               .assocreset_assoc_id = 5, .assocreset_local_tsn = 100,
                               .assocreset_remote_tsn = 200}},
    {.name = "stream_change", .len = sizeof(struct sctp_stream_change_event),
     .n.sn_strchange_event = {.strchange_type = SCTP_STREAM_CHANGE_EVENT,
                              .strchange_flags = SCTP_STREAM_CHANGE_DENIED,
                              .strchange_assoc_id = 5, .strchange_instrms = 4,
                              .strchange_outstrms = 8}},
    /* a bare struct sctp_tlv */
    {.name = "notifications_stopped", .len = sizeof(struct sctp_tlv),
     .n.sn_header = {.sn_type = SCTP_NOTIFICATIONS_STOPPED_EVENT}},
    /* truncated reads, whose lengths say more */
    {.name = "truncated_assoc_change", .len = sizeof(struct sctp_assoc_change), .cut = 10,
     .n.sn_assoc_change = {.sac_type = SCTP_ASSOC_CHANGE, .sac_state = SCTP_COMM_UP}},
    {.name = "truncated_paddr_change", .len = sizeof(struct sctp_paddr_change), .addr = "127.0.0.2",
     .cut = 148, .n.sn_paddr_change = {.spc_type = SCTP_PEER_ADDR_CHANGE, .spc_state = SCTP_ADDR_AVAILABLE}},
    {.name = "truncated_pdapi", .len = sizeof(struct sctp_pdapi_event), .cut = 20,
     .n.sn_pdapi_event = {.pdapi_type = SCTP_PARTIAL_DELIVERY_EVENT, .pdapi_indication = 1}},
    {.name = "short_header", .len = sizeof(struct sctp_tlv), .cut = 5,
     .n.sn_header = {.sn_type = SCTP_ASSOC_CHANGE}},
    /* types usrsctp has no Linux form for, or that are Linux's already */
    {.name = "send_failed_old_type", .len = sizeof(struct sctp_tlv), .tail = "0123456789abcdef", .tail_len = 16,
     .n.sn_header = {.sn_type = SCTP_SEND_FAILED}},
    {.name = "unknown_type", .len = sizeof(struct sctp_tlv), .tail = "abcd", .tail_len = 4,
     .n.sn_header = {.sn_type = 0x0f}},
    {.name = "linux_type", .len = sizeof(struct sctp_assoc_change),
     .n.sn_assoc_change = {.sac_type = 0x8001, .sac_state = 0}},
};

/* Notification `which` (an index into rows[]) in out (room bytes);
 * returns its length and its name in *name, or 0 past the last one. */
size_t mkseeds_usrsctp_note(size_t which, unsigned char *out, size_t room, const char **name)
{
    const struct row *r;
    union sctp_notification n;
    size_t len;
    if (which >= sizeof rows / sizeof rows[0])
        return 0;
    r = &rows[which];
    *name = r->name;
    n = r->n;
    if (r->addr && strchr(r->addr, ':')) {
        struct sockaddr_in6 a;
        memset(&a, 0, sizeof a);
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(5000);
        inet_pton(AF_INET6, r->addr, &a.sin6_addr);
        memcpy(&n.sn_paddr_change.spc_aaddr, &a, sizeof a);
    } else if (r->addr) {
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons(5000);
        inet_pton(AF_INET, r->addr, &a.sin_addr);
        memcpy(&n.sn_paddr_change.spc_aaddr, &a, sizeof a);
    }
    len = r->len + r->tail_len;
    if (len > room)
        abort();
    n.sn_header.sn_length = r->length ? r->length : (uint32_t)len;
    memcpy(out, &n, r->len);
    if (r->tail_len)
        memcpy(out + r->len, r->tail, r->tail_len);
    return r->cut ? r->cut : len;
}
