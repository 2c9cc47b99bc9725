/* RFC 4895 SCTP-AUTH options whose shapes rows cannot say (option_table.c
 * has the plain ones): variable-length keys, chunk lists and HMAC lists.
 * Linux answers EACCES to all of them until sctp_auth_supported (or
 * net.sctp.auth_enable) is on for the endpoint. */
#include "options.h"

#include <errno.h>
#include <string.h>

/* RFC 9260 3.2, RFC 4895, RFC 4960's extensions: chunk types by name */
static const lsctp_flagname chunk_types[] = {
    {"data", 0}, {"init", 1}, {"init_ack", 2}, {"sack", 3}, {"heartbeat", 4},
    {"heartbeat_ack", 5}, {"abort", 6}, {"shutdown", 7}, {"shutdown_ack", 8},
    {"error", 9}, {"cookie_echo", 10}, {"cookie_ack", 11}, {"ecne", 12},
    {"cwr", 13}, {"shutdown_complete", 14}, {"auth", 15}, {"i_data", 0x40},
    {"asconf_ack", 0x80}, {"reconf", 0x82}, {"pad", 0x84}, {"fwd_tsn", 0xc0},
    {"asconf", 0xc1}, {"i_fwd_tsn", 0xc2}, {NULL, 0}};

static const lsctp_flagname hmac_ids[] = {
    {"sha1", SCTP_AUTH_HMAC_ID_SHA1}, {"sha256", SCTP_AUTH_HMAC_ID_SHA256}, {NULL, 0}};

/* A name of `names` (or, with max > 0, an integer up to max) at idx. */
static unsigned name_or_number(lua_State *L, int idx, const lsctp_flagname *names, long long max,
                               const char *what)
{
    const lsctp_flagname *n;
    if (max > 0 && lua_type(L, idx) == LUA_TNUMBER)
        return (unsigned)lsctp_checkint(L, idx, what, 0, max);
    if (lua_type(L, idx) == LUA_TSTRING) {
        const char *s = lua_tostring(L, idx);
        for (n = names; n->name; n++)
            if (strcmp(n->name, s) == 0)
                return n->value;
        lsctp_argerror(L, what, "unknown name '%s'", s);
    }
    lsctp_argerror(L, what, "%s expected, got %s", max > 0 ? "name or number" : "name",
                   luaL_typename(L, idx));
    return 0;
}

/* An array of the n values (each `width` bytes: 1 or 2) at p: each value's
 * name in names, or the value itself when it has none. */
static void push_names(lua_State *L, const void *p, size_t n, size_t width, const lsctp_flagname *names)
{
    size_t i;
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        uint16_t v16;
        unsigned v;
        const char *name;
        if (width == 1) {
            v = ((const uint8_t *)p)[i];
        } else {
            memcpy(&v16, (const char *)p + 2 * i, 2);
            v = v16;
        }
        if ((name = lsctp_choice_name(names, v)))
            lua_pushstring(L, name);
        else
            lua_pushinteger(L, v);
        lua_rawseti(L, -2, (int)i + 1);
    }
}

/* sctp_auth_chunk = "data" (or a chunk type number): one more chunk type
 * the peer must authenticate; the list only grows (set-only). */
int lsctp_opt_set_auth_chunk(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
{
    struct sctp_authchunk c;
    c.sauth_chunk = (uint8_t)name_or_number(L, idx, chunk_types, 255, SET_OPTION("sctp_auth_chunk"));
    if (s->be->setsockopt(s->fd, o->level, o->optname, &c, sizeof c) < 0)
        return lsctp_sockopt_fail(L, o, 1);
    return 0;
}

/* sctp_peer_auth_chunks / sctp_local_auth_chunks {assoc_id}: the chunk
 * types (names where known) the peer / this end wants authenticated */
int lsctp_opt_get_auth_chunks(lua_State *L, lsctp_socket *s, const lsctp_option *o)
{
    union {
        struct sctp_authchunks c;
        char bytes[sizeof(struct sctp_authchunks) + 256];
    } buf;
    socklen_t len = sizeof buf;
    size_t n;
    sctp_assoc_t id;
    lsctp_opt_assoc_arg(L, o->optname == SCTP_PEER_AUTH_CHUNKS ? GET_OPTION("sctp_peer_auth_chunks")
                                                               : GET_OPTION("sctp_local_auth_chunks"), &id);
    memset(&buf, 0, sizeof buf);
    buf.c.gauth_assoc_id = id;
    if (s->be->getsockopt(s->fd, o->level, o->optname, &buf, &len) < 0)
        return lsctp_sockopt_fail(L, o, 0);
    n = buf.c.gauth_number_of_chunks;
    if (len < sizeof buf.c || n > len - sizeof buf.c) {
        errno = EPROTO;   /* a count the answer does not hold */
        return lsctp_sockopt_fail(L, o, 0);
    }
    push_names(L, buf.c.gauth_chunks, n, 1, chunk_types);
    return 1;
}

#define MAX_HMACS 16
typedef union {
    struct sctp_hmacalgo h;
    char bytes[sizeof(struct sctp_hmacalgo) + MAX_HMACS * sizeof(uint16_t)];
} hmac_buffer;

/* sctp_hmac_ident = {"sha256", "sha1"}: the HMACs offered, in order of
 * preference (Linux requires sha1 among them) */
int lsctp_opt_get_hmac_ident(lua_State *L, lsctp_socket *s, const lsctp_option *o)
{
    hmac_buffer buf;
    socklen_t len = sizeof buf;
    uint32_t n;
    memset(&buf, 0, sizeof buf);
    if (s->be->getsockopt(s->fd, o->level, o->optname, &buf, &len) < 0)
        return lsctp_sockopt_fail(L, o, 0);
    n = buf.h.shmac_num_idents;
    if (len < sizeof buf.h || n > (len - sizeof buf.h) / sizeof(uint16_t)) {
        errno = EPROTO;
        return lsctp_sockopt_fail(L, o, 0);
    }
    push_names(L, buf.h.shmac_idents, n, 2, hmac_ids);
    return 1;
}

int lsctp_opt_set_hmac_ident(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
{
    hmac_buffer buf;
    size_t i, n;
    if (lua_type(L, idx) != LUA_TTABLE)
        return lsctp_argerror(L, SET_OPTION("sctp_hmac_ident"), "array of HMAC names expected, got %s",
                              luaL_typename(L, idx));
    n = lua_rawlen(L, idx);
    if (n == 0 || n > MAX_HMACS)
        return lsctp_argerror(L, SET_OPTION("sctp_hmac_ident"), "1 to %d HMAC names expected, got %d",
                              MAX_HMACS, (int)n);
    memset(&buf, 0, sizeof buf);
    for (i = 0; i < n; i++) {
        const char *what = lua_pushfstring(L, SET_OPTION("sctp_hmac_ident") ": [%d]", (int)i + 1);
        lua_rawgeti(L, idx, (int)i + 1);
        buf.h.shmac_idents[i] = (uint16_t)name_or_number(L, -1, hmac_ids, 0, what);
        lua_pop(L, 2);
    }
    buf.h.shmac_num_idents = (uint32_t)n;
    if (s->be->setsockopt(s->fd, o->level, o->optname, &buf,
                          (socklen_t)(sizeof buf.h + n * sizeof(uint16_t))) < 0)
        return lsctp_sockopt_fail(L, o, 1);
    return 0;
}

/* sctp_auth_key = {assoc_id, keynumber, key}: a shared key (bytes of any
 * length up to 65535) under its number; set-only, as keys are secrets */
static const lsctp_field authkey_fields[] = {
    ASSOC(struct sctp_authkey, sca_assoc_id),
    FLD(struct sctp_authkey, sca_keynumber, "keynumber", F_INT, U16),
    END};

int lsctp_opt_set_auth_key(lua_State *L, lsctp_socket *s, const lsctp_option *o, int idx)
{
    const char *what = SET_OPTION("sctp_auth_key");
    struct sctp_authkey *k;
    const lsctp_field *f;
    const char *key;
    size_t keylen;
    if (lua_type(L, idx) != LUA_TTABLE)
        return lsctp_argerror(L, what, "{assoc_id, keynumber, key} expected, got %s", luaL_typename(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        if (strcmp(name, "key") != 0 && !lsctp_find_field(authkey_fields, name))
            return lsctp_argerror(L, what, "unknown field '%s'", name);
        lua_pop(L, 1);
    }
    lua_getfield(L, idx, "key");
    if (lua_type(L, -1) != LUA_TSTRING)
        return lsctp_argerror(L, what, "field 'key': string expected, got %s", luaL_typename(L, -1));
    key = lua_tolstring(L, -1, &keylen);
    if (keylen > 65535)
        return lsctp_argerror(L, what, "field 'key': at most 65535 bytes, got %d", (int)keylen);
    k = lua_newuserdata(L, sizeof *k + keylen);
    memset(k, 0, sizeof *k);
    for (f = authkey_fields; f->name; f++) {
        lua_getfield(L, idx, f->name);
        if (!lua_isnil(L, -1))
            lsctp_check_field(L, s, (char *)k, f, lua_gettop(L), what, f->name);
        lua_pop(L, 1);
    }
    k->sca_keylength = (uint16_t)keylen;
    memcpy(k->sca_key, key, keylen);
    if (s->be->setsockopt(s->fd, o->level, o->optname, k, (socklen_t)(sizeof *k + keylen)) < 0) {
        memset(k->sca_key, 0, keylen);
        return lsctp_sockopt_fail(L, o, 1);
    }
    memset(k->sca_key, 0, keylen);   /* the copy in the userdata is not kept */
    lua_pop(L, 2);
    return 0;
}
