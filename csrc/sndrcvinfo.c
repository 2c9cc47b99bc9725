/* struct sctp_sndrcvinfo (RFC 6458 section 5.3.2), described once: the rows
 * below are read into the ancdata record of recv (and of send_failed, and
 * sctp_default_send_param) and written from the record given to send. */
#include "codec.h"

#include <string.h>

const lsctp_flagname lsctp_sinfo_flags[] = {
    {"unordered", SCTP_UNORDERED},
    {"addr_over", SCTP_ADDR_OVER},
    {"abort", SCTP_ABORT},
    {"eof", SCTP_EOF},
    {"sendall", SCTP_SENDALL},
    {"sack_immediately", SCTP_SACK_IMMEDIATELY},
    {NULL, 0}};

/* PR-SCTP policies ride in sinfo_flags (SCTP_PR_SET_POLICY), the value in
 * sinfo_timetolive: the RFC 6458 section 5.3.2 layout Linux accepts. */
static const lsctp_flagname pr_policies[] = {
    {"none", SCTP_PR_SCTP_NONE},
    {"ttl", SCTP_PR_SCTP_TTL},
    {"rtx", SCTP_PR_SCTP_RTX},
    {"prio", SCTP_PR_SCTP_PRIO},
    {NULL, 0}};

#define SINFO struct sctp_sndrcvinfo

/* pr_policy and pr_value are read only when a policy is set */
static const lsctp_field pr_bits =
    LSCTP_FIELD(SINFO, sinfo_flags, "flags", F_INT, 0, NULL, 0, SCTP_PR_SCTP_MASK, NULL, NULL, U16);

/* In the order a record is read (the order recv's tables had); ssn, tsn
 * and cumtsn are the kernel's: given to send, they are checked and left out. */
static const lsctp_field sinfo_fields[] = {
    FLD(SINFO, sinfo_stream, "stream", F_INT, U16),
    LSCTP_FIELD(SINFO, sinfo_ssn, "ssn", F_INT, LSCTP_FIGNORE, NULL, 0, 0, NULL, NULL, U32),
    LSCTP_FIELD(SINFO, sinfo_flags, "flags", F_FLAGS, 0, lsctp_sinfo_flags, 0,
                (unsigned)~SCTP_PR_SCTP_MASK, NULL, NULL, 0, 0),
    NETF(SINFO, sinfo_ppid, "ppid", U32),
    FLD(SINFO, sinfo_context, "context", F_INT, U32),
    FLD(SINFO, sinfo_timetolive, "timetolive", F_INT, U32),
    LSCTP_FIELD(SINFO, sinfo_tsn, "tsn", F_INT, LSCTP_FIGNORE, NULL, 0, 0, NULL, NULL, U32),
    LSCTP_FIELD(SINFO, sinfo_cumtsn, "cumtsn", F_INT, LSCTP_FIGNORE, NULL, 0, 0, NULL, NULL, U32),
    FLD(SINFO, sinfo_assoc_id, "assoc_id", F_INT, S32),
    LSCTP_FIELD(SINFO, sinfo_flags, "pr_policy", F_CHOICE, 0, pr_policies, 0, SCTP_PR_SCTP_MASK,
                "unknown policy '%s' (ttl, rtx, prio or none)", &pr_bits, 0, 0),
    LSCTP_FIELD(SINFO, sinfo_timetolive, "pr_value", F_INT, 0, NULL, 0, 0, NULL, &pr_bits, U32),
    END};

#define NROWS (sizeof sinfo_fields / sizeof sinfo_fields[0] - 1)

/* The rows' names as Lua strings, made once per Lua state and kept in the
 * registry (under the address of keys_key): a record is then built with
 * lua_rawset, with no lookup of a C string per field and message. */
static const char keys_key = 0;

static void push_keys(lua_State *L)
{
    size_t i;
    lua_pushlightuserdata(L, (void *)&keys_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    if (lua_istable(L, -1))
        return;
    lua_pop(L, 1);
    lua_createtable(L, (int)NROWS, 0);
    for (i = 0; i < NROWS; i++) {
        lua_pushstring(L, sinfo_fields[i].name);
        lua_rawseti(L, -2, (int)i + 1);
    }
    lua_pushlightuserdata(L, (void *)&keys_key);
    lua_pushvalue(L, -2);
    lua_rawset(L, LUA_REGISTRYINDEX);
}

/* Sets row i into the record at t (the key array at keys). Refilling, a
 * row that does not apply is cleared and the flags array is reused. */
static inline void fill_row(lua_State *L, const char *base, size_t i, int t, int keys, int refill)
{
    const lsctp_field *f = &sinfo_fields[i];
    int applies = !f->when || ((unsigned)lsctp_get_raw(base, f->when) & f->when->mask);
    if (!applies && !refill)
        return;
    lua_rawgeti(L, keys, (int)i + 1);
    if (!applies) {
        lua_pushnil(L);
    } else if (f->type == F_INT) {
        lua_pushinteger(L, (lua_Integer)lsctp_get_raw(base, f));
    } else if (f->type == F_FLAGS && refill) {
        lua_pushvalue(L, -1);
        lua_rawget(L, t);
        if (lua_istable(L, -1))
            lsctp_fillflags(L, (unsigned)lsctp_get_raw(base, f), (const lsctp_flagname *)f->names);
        else {
            lua_pop(L, 1);
            lsctp_push_field(L, base, f);
        }
    } else {
        lsctp_push_field(L, base, f);
    }
    lua_rawset(L, t);
}

/* Per received message: the loop over the constant rows is unrolled, so
 * each row compiles to its plain code. `into` (an index, 0 for none) is a
 * record to refill instead of a new one (recv's ancdata reuse). */
void lsctp_fillsndrcvinfo(lua_State *L, const struct sctp_sndrcvinfo *info, int into)
{
    size_t i;
    int t, keys;
    if (into)
        lua_pushvalue(L, into);
    else
        lua_createtable(L, 0, 10);
    t = lua_gettop(L);
    push_keys(L);
    keys = t + 1;
    LSCTP_UNROLL
    for (i = 0; i < NROWS; i++)
        fill_row(L, (const char *)info, i, t, keys, into != 0);
    lua_pop(L, 1);
}

void lsctp_pushsndrcvinfo(lua_State *L, const struct sctp_sndrcvinfo *info)
{
    lsctp_fillsndrcvinfo(L, info, 0);
}

/* The row named k: lsctp_find_field unrolled over the constant rows, so
 * that each row's test compiles to a compare of the first character with a
 * constant (per sent message, for each field given). */
static const lsctp_field *sinfo_field(const char *k)
{
    size_t i;
    LSCTP_UNROLL
    for (i = 0; i < NROWS; i++)
        if (sinfo_fields[i].name[0] == k[0] && strcmp(sinfo_fields[i].name, k) == 0)
            return &sinfo_fields[i];
    return NULL;
}

/* Reads a sndrcvinfo table over *info (fields not given keep their value).
 * Unknown fields are errors: a typo must not silently send on stream 0. */
void lsctp_checksndrcvinfo(lua_State *L, int idx, struct sctp_sndrcvinfo *info,
                           const char *what)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        lsctp_field_error(L, what, NULL, "sndrcvinfo table expected, got %s", luaL_typename(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        const lsctp_field *f;
        if (!k) {
            lsctp_field_error(L, what, NULL, "unexpected non-string key in sndrcvinfo");
            return;   /* not reached; tells gcc (SANITIZE=1 builds) that k is set below */
        }
        if (!(f = sinfo_field(k)))
            lsctp_field_error(L, what, NULL, "unknown sndrcvinfo field '%s'", k);
        else
            (void)lsctp_check_row(L, (char *)info, f, -1, what, k);
        lua_pop(L, 1);
    }
}
