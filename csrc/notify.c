/* Notification codec: the bytes of an SCTP notification (RFC 6458 section
 * 6.1) into an event table with gen_sctp's field names.
 *
 * One row per event type: its name, the smallest valid size and a decoder.
 * The kernel's buffer is never read in place: after the length checks it is
 * copied into a zeroed union, so short or unaligned input cannot be
 * over-read, and variable-length tails are bounded by both sn_length and the
 * bytes actually received. */
#include "lsctp.h"

#include <arpa/inet.h>
#include <string.h>

typedef void (*decoder)(lua_State *L, const union sctp_notification *n,
                        const char *raw, size_t len);

typedef struct {
    uint16_t type;
    const char *name;
    size_t min_size;
    decoder decode;
} event_row;

static const char *const assoc_states[] = {
    "comm_up", "comm_lost", "restart", "shutdown_comp", "cant_assoc"};
static const char *const paddr_states[] = {
    "addr_available", "addr_unreachable", "addr_removed", "addr_added",
    "addr_made_prim", "addr_confirmed", "addr_potentially_failed"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define DATA_CHUNK_U 0x04   /* RFC 9260 3.3.1: the unordered bit of a DATA chunk */

static void set_enum(lua_State *L, const char *field, unsigned v,
                     const char *const *names, size_t count)
{
    if (v < count)
        lua_pushstring(L, names[v]);
    else
        lua_pushinteger(L, v);   /* a state newer than this table */
    lua_setfield(L, -2, field);
}

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

static void d_assoc_change(lua_State *L, const union sctp_notification *n,
                           const char *raw, size_t len)
{
    const struct sctp_assoc_change *e = &n->sn_assoc_change;
    (void)raw; (void)len;
    set_enum(L, "state", e->sac_state, assoc_states, NELEM(assoc_states));
    /* Linux puts the SCTP cause code here in network byte order (e.g. 12,
     * User Initiated Abort, reads 3072 raw); host order lets
     * sctp.error_string(ev.error) explain it. */
    lsctp_setint(L, "error", ntohs(e->sac_error));
    lsctp_setint(L, "outbound_streams", e->sac_outbound_streams);
    lsctp_setint(L, "inbound_streams", e->sac_inbound_streams);
    lsctp_setint(L, "assoc_id", e->sac_assoc_id);
}

static void d_paddr_change(lua_State *L, const union sctp_notification *n,
                           const char *raw, size_t len)
{
    const struct sctp_paddr_change *e = &n->sn_paddr_change;
    struct sockaddr_storage ss;
    (void)raw; (void)len;
    memcpy(&ss, &e->spc_aaddr, sizeof ss);   /* the struct is packed */
    lsctp_pushsockaddr(L, (const struct sockaddr *)&ss, sizeof ss);
    lua_setfield(L, -2, "addr");
    set_enum(L, "state", (unsigned)e->spc_state, paddr_states, NELEM(paddr_states));
    lsctp_setint(L, "error", e->spc_error);
    lsctp_setint(L, "assoc_id", e->spc_assoc_id);
}

static void d_send_failed(lua_State *L, const union sctp_notification *n,
                          const char *raw, size_t len)
{
    const struct sctp_send_failed *e = &n->sn_send_failed;
    struct sctp_sndrcvinfo info = e->ssf_info;
    lua_pushboolean(L, (e->ssf_flags & SCTP_DATA_SENT) != 0);
    lua_setfield(L, -2, "flags");
    lsctp_setint(L, "error", e->ssf_error);
    /* Linux stores the DATA chunk's flags (E, B, U, I bits) in sinfo_flags
     * here, not the send flags: keep only what maps, U -> "unordered". */
    info.sinfo_flags = (info.sinfo_flags & DATA_CHUNK_U) ? SCTP_UNORDERED : 0;
    lsctp_pushsndrcvinfo(L, &info);
    lua_setfield(L, -2, "info");
    lsctp_setint(L, "assoc_id", e->ssf_assoc_id);
    set_tail(L, "data", n, raw, len, offsetof(struct sctp_send_failed, ssf_data));
}

static void d_remote_error(lua_State *L, const union sctp_notification *n,
                           const char *raw, size_t len)
{
    const struct sctp_remote_error *e = &n->sn_remote_error;
    lsctp_setint(L, "error", ntohs(e->sre_error));
    lsctp_setint(L, "assoc_id", e->sre_assoc_id);
    set_tail(L, "data", n, raw, len, offsetof(struct sctp_remote_error, sre_data));
}

static void d_shutdown(lua_State *L, const union sctp_notification *n,
                       const char *raw, size_t len)
{
    (void)raw; (void)len;
    lsctp_setint(L, "assoc_id", n->sn_shutdown_event.sse_assoc_id);
}

static void d_adaptation(lua_State *L, const union sctp_notification *n,
                         const char *raw, size_t len)
{
    (void)raw; (void)len;
    lsctp_setint(L, "adaptation_ind", n->sn_adaptation_event.sai_adaptation_ind);
    lsctp_setint(L, "assoc_id", n->sn_adaptation_event.sai_assoc_id);
}

static void d_pdapi(lua_State *L, const union sctp_notification *n,
                    const char *raw, size_t len)
{
    const struct sctp_pdapi_event *e = &n->sn_pdapi_event;
    (void)raw; (void)len;
    if (e->pdapi_indication == SCTP_PARTIAL_DELIVERY_ABORTED)
        lua_pushliteral(L, "partial_delivery_aborted");
    else
        lua_pushinteger(L, e->pdapi_indication);
    lua_setfield(L, -2, "indication");
    lsctp_setint(L, "assoc_id", e->pdapi_assoc_id);
    lsctp_setint(L, "stream", e->pdapi_stream);
    lsctp_setint(L, "seq", e->pdapi_seq);
}

static void d_authkey(lua_State *L, const union sctp_notification *n,
                      const char *raw, size_t len)
{
    static const char *const indications[] = {"new_key", "free_key", "no_auth"};
    const struct sctp_authkey_event *e = &n->sn_authkey_event;
    (void)raw; (void)len;
    lsctp_setint(L, "keynumber", e->auth_keynumber);
    lsctp_setint(L, "altkeynumber", e->auth_altkeynumber);
    set_enum(L, "indication", e->auth_indication, indications, NELEM(indications));
    lsctp_setint(L, "assoc_id", e->auth_assoc_id);
}

static void d_sender_dry(lua_State *L, const union sctp_notification *n,
                         const char *raw, size_t len)
{
    (void)raw; (void)len;
    lsctp_setint(L, "assoc_id", n->sn_sender_dry_event.sender_dry_assoc_id);
}

static const lsctp_flagname reset_flags[] = {
    {"incoming_ssn", SCTP_STREAM_RESET_INCOMING_SSN},
    {"outgoing_ssn", SCTP_STREAM_RESET_OUTGOING_SSN},
    {"denied", SCTP_STREAM_RESET_DENIED},
    {"failed", SCTP_STREAM_RESET_FAILED},
    {NULL, 0}};

static void d_stream_reset(lua_State *L, const union sctp_notification *n,
                           const char *raw, size_t len)
{
    const struct sctp_stream_reset_event *e = &n->sn_strreset_event;
    size_t off = offsetof(struct sctp_stream_reset_event, strreset_stream_list);
    size_t end = e->strreset_length < len ? e->strreset_length : len;
    int i = 0;
    lsctp_pushflags(L, e->strreset_flags, reset_flags);
    lua_setfield(L, -2, "flags");
    lsctp_setint(L, "assoc_id", e->strreset_assoc_id);
    lua_newtable(L);
    for (; off + sizeof(uint16_t) <= end; off += sizeof(uint16_t)) {
        uint16_t sid;
        memcpy(&sid, raw + off, sizeof sid);
        lua_pushinteger(L, sid);
        lua_rawseti(L, -2, ++i);
    }
    lua_setfield(L, -2, "streams");
}

static void d_assoc_reset(lua_State *L, const union sctp_notification *n,
                          const char *raw, size_t len)
{
    const struct sctp_assoc_reset_event *e = &n->sn_assocreset_event;
    (void)raw; (void)len;
    lsctp_pushflags(L, e->assocreset_flags, reset_flags);
    lua_setfield(L, -2, "flags");
    lsctp_setint(L, "assoc_id", e->assocreset_assoc_id);
    lsctp_setint(L, "local_tsn", e->assocreset_local_tsn);
    lsctp_setint(L, "remote_tsn", e->assocreset_remote_tsn);
}

static void d_stream_change(lua_State *L, const union sctp_notification *n,
                            const char *raw, size_t len)
{
    const struct sctp_stream_change_event *e = &n->sn_strchange_event;
    (void)raw; (void)len;
    lsctp_pushflags(L, e->strchange_flags, reset_flags);
    lua_setfield(L, -2, "flags");
    lsctp_setint(L, "assoc_id", e->strchange_assoc_id);
    lsctp_setint(L, "inbound_streams", e->strchange_instrms);
    lsctp_setint(L, "outbound_streams", e->strchange_outstrms);
}

static const event_row events[] = {
    {SCTP_ASSOC_CHANGE, "assoc_change",
     offsetof(struct sctp_assoc_change, sac_info), d_assoc_change},
    {SCTP_PEER_ADDR_CHANGE, "paddr_change",
     sizeof(struct sctp_paddr_change), d_paddr_change},
    {SCTP_SEND_FAILED, "send_failed",
     offsetof(struct sctp_send_failed, ssf_data), d_send_failed},
    {SCTP_REMOTE_ERROR, "remote_error",
     offsetof(struct sctp_remote_error, sre_data), d_remote_error},
    {SCTP_SHUTDOWN_EVENT, "shutdown_event",
     sizeof(struct sctp_shutdown_event), d_shutdown},
    {SCTP_ADAPTATION_INDICATION, "adaptation_event",
     sizeof(struct sctp_adaptation_event), d_adaptation},
    {SCTP_PARTIAL_DELIVERY_EVENT, "pdapi_event",
     offsetof(struct sctp_pdapi_event, pdapi_stream), d_pdapi},
    {SCTP_AUTHENTICATION_EVENT, "authentication_event",
     sizeof(struct sctp_authkey_event), d_authkey},
    {SCTP_SENDER_DRY_EVENT, "sender_dry_event",
     sizeof(struct sctp_sender_dry_event), d_sender_dry},
    {SCTP_STREAM_RESET_EVENT, "stream_reset_event",
     offsetof(struct sctp_stream_reset_event, strreset_stream_list), d_stream_reset},
    {SCTP_ASSOC_RESET_EVENT, "assoc_reset_event",
     sizeof(struct sctp_assoc_reset_event), d_assoc_reset},
    {SCTP_STREAM_CHANGE_EVENT, "stream_change_event",
     sizeof(struct sctp_stream_change_event), d_stream_change},
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
        row->decode(L, &n, raw, len);
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
