/* Notification codec: the bytes of an SCTP notification (RFC 6458 section
 * 6.1) into an event table with gen_sctp's field names.
 *
 * One row per event type: its name, the smallest valid size, the field
 * rows of its struct (codec.h) and, where rows cannot say it, a decoder for
 * the rest. The kernel's buffer is never read in place: after the length
 * checks it is copied into a zeroed union, so short or unaligned input
 * cannot be over-read, and variable-length tails are bounded by both
 * sn_length and the bytes actually received. */
#include "codec.h"

#include <string.h>

typedef void (*decoder)(lua_State *L, const union sctp_notification *n,
                        const char *raw, size_t len);

typedef struct {
    uint16_t type;
    const char *name;
    size_t min_size;
    const lsctp_field *fields;   /* read first */
    decoder rest;                /* then this, or NULL */
} event_row;

static const char *const assoc_states[] = {
    "comm_up", "comm_lost", "restart", "shutdown_comp", "cant_assoc"};
static const char *const paddr_states[] = {
    "addr_available", "addr_unreachable", "addr_removed", "addr_added",
    "addr_made_prim", "addr_confirmed", "addr_potentially_failed"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define DATA_CHUNK_U 0x04   /* RFC 9260 3.3.1: the unordered bit of a DATA chunk */

/* The variable tail starting at `offset`: bounded by sn_length and len. */
static void set_tail(lua_State *L, const char *field, const union sctp_notification *n,
                     const char *raw, size_t len, size_t offset)
{
    size_t end = n->sn_header.sn_length < len ? n->sn_header.sn_length : len;
    if (end > offset)
        lua_pushlstring(L, raw + offset, end - offset);
    else
        lua_pushliteral(L, "");
    lua_setfield(L, -2, field);
}

/* --- the plain events: rows ------------------------------------------------ */

static const lsctp_field assoc_change_fields[] = {
    ENUMF(struct sctp_assoc_change, sac_state, "state", assoc_states),
    /* Linux puts the SCTP cause code here in network byte order (e.g. 12,
     * User Initiated Abort, reads 3072 raw); host order lets
     * sctp.error_string(ev.error) explain it. */
    NETF(struct sctp_assoc_change, sac_error, "error", U16),
    FLD(struct sctp_assoc_change, sac_outbound_streams, "outbound_streams", F_INT, U16),
    FLD(struct sctp_assoc_change, sac_inbound_streams, "inbound_streams", F_INT, U16),
    FLD(struct sctp_assoc_change, sac_assoc_id, "assoc_id", F_INT, S32),
    END};

static const lsctp_field paddr_change_fields[] = {
    FLD(struct sctp_paddr_change, spc_aaddr, "addr", F_ADDR, 0, 0),
    ENUMF(struct sctp_paddr_change, spc_state, "state", paddr_states),
    FLD(struct sctp_paddr_change, spc_error, "error", F_INT, S32),
    FLD(struct sctp_paddr_change, spc_assoc_id, "assoc_id", F_INT, S32),
    END};

static const lsctp_field remote_error_fields[] = {
    NETF(struct sctp_remote_error, sre_error, "error", U16),
    FLD(struct sctp_remote_error, sre_assoc_id, "assoc_id", F_INT, S32),
    END};   /* then the data: remote_error_tail */

static const lsctp_field shutdown_fields[] = {
    FLD(struct sctp_shutdown_event, sse_assoc_id, "assoc_id", F_INT, S32),
    END};

static const lsctp_field adaptation_fields[] = {
    FLD(struct sctp_adaptation_event, sai_adaptation_ind, "adaptation_ind", F_INT, U32),
    FLD(struct sctp_adaptation_event, sai_assoc_id, "assoc_id", F_INT, S32),
    END};

static const char *const pdapi_indications[] = {"partial_delivery_aborted"};   /* 0 */

static const lsctp_field pdapi_fields[] = {
    ENUMF(struct sctp_pdapi_event, pdapi_indication, "indication", pdapi_indications),
    FLD(struct sctp_pdapi_event, pdapi_assoc_id, "assoc_id", F_INT, S32),
    FLD(struct sctp_pdapi_event, pdapi_stream, "stream", F_INT, U32),
    FLD(struct sctp_pdapi_event, pdapi_seq, "seq", F_INT, U32),
    END};

static const char *const auth_indications[] = {"new_key", "free_key", "no_auth"};

static const lsctp_field authkey_fields[] = {
    FLD(struct sctp_authkey_event, auth_keynumber, "keynumber", F_INT, U16),
    FLD(struct sctp_authkey_event, auth_altkeynumber, "altkeynumber", F_INT, U16),
    ENUMF(struct sctp_authkey_event, auth_indication, "indication", auth_indications),
    FLD(struct sctp_authkey_event, auth_assoc_id, "assoc_id", F_INT, S32),
    END};

static const lsctp_field sender_dry_fields[] = {
    FLD(struct sctp_sender_dry_event, sender_dry_assoc_id, "assoc_id", F_INT, S32),
    END};

static const lsctp_flagname reset_flags[] = {
    {"incoming_ssn", SCTP_STREAM_RESET_INCOMING_SSN},
    {"outgoing_ssn", SCTP_STREAM_RESET_OUTGOING_SSN},
    {"denied", SCTP_STREAM_RESET_DENIED},
    {"failed", SCTP_STREAM_RESET_FAILED},
    {NULL, 0}};

static const lsctp_field stream_reset_fields[] = {
    FLAGSF(struct sctp_stream_reset_event, strreset_flags, "flags", reset_flags),
    FLD(struct sctp_stream_reset_event, strreset_assoc_id, "assoc_id", F_INT, S32),
    END};   /* then the streams: stream_reset_tail */

static const lsctp_field assoc_reset_fields[] = {
    FLAGSF(struct sctp_assoc_reset_event, assocreset_flags, "flags", reset_flags),
    FLD(struct sctp_assoc_reset_event, assocreset_assoc_id, "assoc_id", F_INT, S32),
    FLD(struct sctp_assoc_reset_event, assocreset_local_tsn, "local_tsn", F_INT, U32),
    FLD(struct sctp_assoc_reset_event, assocreset_remote_tsn, "remote_tsn", F_INT, U32),
    END};

static const lsctp_field stream_change_fields[] = {
    FLAGSF(struct sctp_stream_change_event, strchange_flags, "flags", reset_flags),
    FLD(struct sctp_stream_change_event, strchange_assoc_id, "assoc_id", F_INT, S32),
    FLD(struct sctp_stream_change_event, strchange_instrms, "inbound_streams", F_INT, U16),
    FLD(struct sctp_stream_change_event, strchange_outstrms, "outbound_streams", F_INT, U16),
    END};

/* --- what rows cannot say: variable tails, send_failed's info ------------ */

static void remote_error_tail(lua_State *L, const union sctp_notification *n,
                              const char *raw, size_t len)
{
    set_tail(L, "data", n, raw, len, offsetof(struct sctp_remote_error, sre_data));
}

/* The list of stream ids after the fixed part, bounded by strreset_length. */
static void stream_reset_tail(lua_State *L, const union sctp_notification *n,
                              const char *raw, size_t len)
{
    const struct sctp_stream_reset_event *e = &n->sn_strreset_event;
    size_t off = offsetof(struct sctp_stream_reset_event, strreset_stream_list);
    size_t end = e->strreset_length < len ? e->strreset_length : len;
    int i = 0;
    lua_newtable(L);
    for (; off + sizeof(uint16_t) <= end; off += sizeof(uint16_t)) {
        uint16_t sid;
        memcpy(&sid, raw + off, sizeof sid);
        lua_pushinteger(L, sid);
        lua_rawseti(L, -2, ++i);
    }
    lua_setfield(L, -2, "streams");
}

/* Both forms of send_failed: whether the data went out (a boolean, as
 * gen_sctp's flags), the error, the message's send information as recv's
 * sndrcvinfo record, and the undelivered data. */
static void push_send_failed(lua_State *L, const union sctp_notification *n, const char *raw,
                             size_t len, unsigned flags, uint32_t error,
                             struct sctp_sndrcvinfo *info, sctp_assoc_t assoc_id, size_t data_off)
{
    lua_pushboolean(L, (flags & SCTP_DATA_SENT) != 0);
    lua_setfield(L, -2, "flags");
    lsctp_setint(L, "error", error);
    /* Linux stores the DATA chunk's flags (E, B, U, I bits) in the flags
     * here, not the send flags: keep only what maps, U -> "unordered". */
    info->sinfo_flags = (info->sinfo_flags & DATA_CHUNK_U) ? SCTP_UNORDERED : 0;
    lsctp_pushsndrcvinfo(L, info);
    lua_setfield(L, -2, "info");
    lsctp_setint(L, "assoc_id", assoc_id);
    set_tail(L, "data", n, raw, len, data_off);
}

static void d_send_failed(lua_State *L, const union sctp_notification *n,
                          const char *raw, size_t len)
{
    const struct sctp_send_failed *e = &n->sn_send_failed;
    struct sctp_sndrcvinfo info = e->ssf_info;
    push_send_failed(L, n, raw, len, e->ssf_flags, e->ssf_error, &info, e->ssf_assoc_id,
                     offsetof(struct sctp_send_failed, ssf_data));
}

#ifdef SCTP_SEND_FAILED_EVENT
/* RFC 6458 6.1.11: the same with a struct sctp_sndinfo (no ssn, tsn,
 * timetolive), read into the same record. */
static void d_send_failed_event(lua_State *L, const union sctp_notification *n,
                                const char *raw, size_t len)
{
    const struct sctp_send_failed_event *e = &n->sn_send_failed_event;
    struct sctp_sndrcvinfo info;
    memset(&info, 0, sizeof info);
    info.sinfo_stream = e->ssfe_info.snd_sid;
    info.sinfo_flags = e->ssfe_info.snd_flags;
    info.sinfo_ppid = e->ssfe_info.snd_ppid;
    info.sinfo_context = e->ssfe_info.snd_context;
    info.sinfo_assoc_id = e->ssfe_info.snd_assoc_id;
    push_send_failed(L, n, raw, len, e->ssf_flags, e->ssf_error, &info, e->ssf_assoc_id,
                     offsetof(struct sctp_send_failed_event, ssf_data));
}
#endif

static const event_row events[] = {
    {SCTP_ASSOC_CHANGE, "assoc_change",
     offsetof(struct sctp_assoc_change, sac_info), assoc_change_fields, NULL},
    {SCTP_PEER_ADDR_CHANGE, "paddr_change",
     sizeof(struct sctp_paddr_change), paddr_change_fields, NULL},
    {SCTP_SEND_FAILED, "send_failed",
     offsetof(struct sctp_send_failed, ssf_data), NULL, d_send_failed},
    {SCTP_REMOTE_ERROR, "remote_error",
     offsetof(struct sctp_remote_error, sre_data), remote_error_fields, remote_error_tail},
    {SCTP_SHUTDOWN_EVENT, "shutdown_event",
     sizeof(struct sctp_shutdown_event), shutdown_fields, NULL},
    {SCTP_ADAPTATION_INDICATION, "adaptation_event",
     sizeof(struct sctp_adaptation_event), adaptation_fields, NULL},
    {SCTP_PARTIAL_DELIVERY_EVENT, "pdapi_event",
     offsetof(struct sctp_pdapi_event, pdapi_stream), pdapi_fields, NULL},
    {SCTP_AUTHENTICATION_EVENT, "authentication_event",
     sizeof(struct sctp_authkey_event), authkey_fields, NULL},
    {SCTP_SENDER_DRY_EVENT, "sender_dry_event",
     sizeof(struct sctp_sender_dry_event), sender_dry_fields, NULL},
    {SCTP_STREAM_RESET_EVENT, "stream_reset_event",
     offsetof(struct sctp_stream_reset_event, strreset_stream_list), stream_reset_fields,
     stream_reset_tail},
    {SCTP_ASSOC_RESET_EVENT, "assoc_reset_event",
     sizeof(struct sctp_assoc_reset_event), assoc_reset_fields, NULL},
    {SCTP_STREAM_CHANGE_EVENT, "stream_change_event",
     sizeof(struct sctp_stream_change_event), stream_change_fields, NULL},
#ifdef SCTP_SEND_FAILED_EVENT
    {SCTP_SEND_FAILED_EVENT, "send_failed_event",
     offsetof(struct sctp_send_failed_event, ssf_data), NULL, d_send_failed_event},
#endif
};

void lsctp_pushnotification(lua_State *L, const char *raw, size_t len)
{
    union sctp_notification n;
    size_t i;

    memset(&n, 0, sizeof n);
    memcpy(&n, raw, len < sizeof n ? len : sizeof n);
    lua_createtable(L, 0, 6);
    if (len < sizeof n.sn_header) {
        lua_pushliteral(L, "malformed");
        lua_setfield(L, -2, "event");
        lsctp_setint(L, "length", (lua_Integer)len);
        return;
    }
    for (i = 0; i < NELEM(events); i++) {
        const event_row *row = &events[i];
        if (row->type != n.sn_header.sn_type)
            continue;
        lua_pushstring(L, row->name);
        lua_setfield(L, -2, "event");
        if (len < row->min_size || n.sn_header.sn_length < row->min_size) {
            /* too short to hold its fields: say so rather than invent them */
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, "truncated");
            lsctp_setint(L, "length", (lua_Integer)len);
            return;
        }
        if (row->fields)
            lsctp_push_fields(L, (const char *)&n, row->fields);
        if (row->rest)
            row->rest(L, &n, raw, len);
        return;
    }
    lua_pushliteral(L, "unknown");
    lua_setfield(L, -2, "event");
    lsctp_setint(L, "type", n.sn_header.sn_type);
    lua_pushlstring(L, raw, len);
    lua_setfield(L, -2, "data");
}

/* Publishes the event names as core.events (name -> true) for the Lua layer. */
void lsctp_notify_open(lua_State *L)
{
    size_t i;
    lua_createtable(L, 0, (int)NELEM(events));
    for (i = 0; i < NELEM(events); i++) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, events[i].name);
    }
    lua_setfield(L, -2, "events");
}
