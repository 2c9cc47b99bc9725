/* getopt and setopt over the option table (option_table.c): a record
 * given with only some fields is merged over the values read from the
 * socket first; every field is checked (and addresses resolved) before
 * anything changes. */
#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int lsctp_sockopt_fail(lua_State *L, const lsctp_option *o, int set)
{
    return lsctp_pusherrno(L, errno, lua_pushfstring(L, "%s %s", set ? "setopts" : "getopts", o->name));
}

static const lsctp_option *find_option(lua_State *L, int idx, const char *fn)
{
    const char *name = lua_tostring(L, idx);
    const lsctp_option *o;
    if (lua_type(L, idx) != LUA_TSTRING)
        lsctp_argerror(L, fn, "option name expected, got %s", luaL_typename(L, idx));
    for (o = lsctp_options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    lsctp_argerror(L, fn, "unknown option '%s'", name);
    return NULL;
}

/* The largest option struct, so one stack buffer serves every row. */
typedef union {
    struct sctp_status status;
    struct sctp_paddrparams params;
    struct sctp_paddrinfo info;
    char bytes[512];
} option_buffer;

/* "<fn>: option '<option>'", what the errors of its fields start with. */
static const char *option_what(char *buf, size_t size, const char *fn, const lsctp_option *o)
{
    snprintf(buf, size, "%s: option '%s'", fn, o->name);
    return buf;
}

/* Fills the fields (only the keys: assoc_id, address) of a record from the
 * table at idx. Returns 0, or 3 with nil, err, detail pushed when an address
 * does not resolve (a runtime failure, not a programmer error). */
static int fill_keys(lua_State *L, lsctp_socket *s, const lsctp_option *o, char *buf,
                     int idx, const char *fn, int keys_only)
{
    const lsctp_field *f;
    char what[LSCTP_WHAT_MAX];
    option_what(what, sizeof what, fn, o);
    for (f = o->fields; f->name; f++) {
        if (keys_only && !(f->flags & LSCTP_FKEY))
            continue;
        lua_getfield(L, idx, f->name);
        if (!lua_isnil(L, -1)) {
            int rc = lsctp_check_field(L, s, buf, f, lua_gettop(L), what, f->name);
            if (rc)
                return rc;
        }
        lua_pop(L, 1);
    }
    return 0;
}

/* A record argument must be a table of known fields: a typo must not
 * silently read or change the endpoint instead of one association. */
static void check_record_arg(lua_State *L, const lsctp_option *o, int idx, const char *fn)
{
    char what[LSCTP_WHAT_MAX];
    option_what(what, sizeof what, fn, o);
    if (lua_type(L, idx) != LUA_TTABLE)
        lsctp_field_error(L, what, NULL, "table expected, got %s", luaL_typename(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
        if (!lsctp_find_field(o->fields, k))
            lsctp_field_error(L, what, NULL, "unknown field '%s'", k);
        lua_pop(L, 1);
    }
}

int lsctp_opt_assoc_field(lua_State *L, int idx, const char *what, sctp_assoc_t *id)
{
    lua_Integer v = 0;
    lsctp_intfield(L, idx, "assoc_id", what, INT32_MIN, INT32_MAX, &v);
    *id = (sctp_assoc_t)v;
    return v != 0;
}

int lsctp_opt_assoc_arg(lua_State *L, const char *what, sctp_assoc_t *id)
{
    *id = 0;
    if (lua_isnoneornil(L, 3))
        return 0;
    if (lua_type(L, 3) != LUA_TTABLE)
        return lsctp_argerror(L, what, "table expected, got %s", luaL_typename(L, 3));
    lua_pushnil(L);
    while (lua_next(L, 3)) {
        if (lua_type(L, -2) != LUA_TSTRING || strcmp(lua_tostring(L, -2), "assoc_id") != 0)
            return lsctp_argerror(L, what, "unknown field '%s' (only assoc_id)",
                                  lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
        lua_pop(L, 1);
    }
    return lsctp_opt_assoc_field(L, 3, what, id);
}

/* The socket at 1 and the option named at 2, or NULL with nil, "closed",
 * detail pushed for a closed socket. */
static const lsctp_option *option_arg(lua_State *L, const char *fn, lsctp_socket **s)
{
    *s = lsctp_opensocket(L, 1);
    return *s ? find_option(L, 2, fn) : NULL;
}

/* getopt(name [, keys]) -> value | nil, err, detail */
static int l_getopt(lua_State *L)
{
    option_buffer buf;
    socklen_t len;
    lsctp_socket *s;
    const lsctp_option *o = option_arg(L, GET_WHAT, &s);
    if (!o)
        return 3;
    if (o->access & WO)
        return lsctp_argerror(L, GET_WHAT, "option '%s' is write-only", o->name);
    if (o->kind == K_SPECIAL && !(o->access & KEYED) && !lua_isnoneornil(L, 3))
        return lsctp_argerror(L, GET_WHAT, "option '%s' takes no argument", o->name);
    if (o->kind == K_SPECIAL)
        return o->get(L, s, o);
    memset(&buf, 0, sizeof buf);
    if (!lua_isnoneornil(L, 3)) {
        if (o->kind != K_RECORD)
            return lsctp_argerror(L, GET_WHAT, "option '%s' takes no argument", o->name);
        check_record_arg(L, o, 3, GET_WHAT);
        if (fill_keys(L, s, o, buf.bytes, 3, GET_WHAT, 1))
            return 3;
    }
    len = o->size;
    if (s->be->getsockopt(s->fd, o->level, o->optname, buf.bytes, &len) < 0)
        return lsctp_sockopt_fail(L, o, 0);
    if (o->kind == K_SCALAR) {
        lsctp_push_field(L, buf.bytes, o->fields);
    } else {
        lua_newtable(L);
        lsctp_push_fields(L, buf.bytes, o->fields);
    }
    return 1;
}

/* setopt(name, value) -> true | nil, err, detail */
static int l_setopt(lua_State *L)
{
    option_buffer buf;
    socklen_t len;
    lsctp_socket *s;
    const lsctp_option *o = option_arg(L, SET_WHAT, &s);
    if (!o)
        return 3;
    if (lua_isnone(L, 3))
        return lsctp_argerror(L, SET_WHAT, "option '%s': value expected", o->name);
    if (o->access & RO)
        return lsctp_argerror(L, SET_WHAT, "option '%s' is read-only", o->name);
    if (o->kind == K_SPECIAL) {
        int rc = o->set(L, s, o, 3);
        if (rc)
            return rc;
    } else {
        memset(&buf, 0, sizeof buf);
        if (o->kind == K_SCALAR) {
            if (lsctp_check_field(L, s, buf.bytes, o->fields, 3,
                                  lua_pushfstring(L, SET_WHAT ": option '%s'", o->name), NULL))
                return 3;
        } else {
            option_buffer scratch;
            check_record_arg(L, o, 3, SET_WHAT);
            /* every field checked (and addresses resolved) before any change */
            memset(&scratch, 0, sizeof scratch);
            if (fill_keys(L, s, o, scratch.bytes, 3, SET_WHAT, 0))
                return 3;
            /* merge: read the current values (for the given keys) first */
            if (!(o->access & WO)) {
                if (fill_keys(L, s, o, buf.bytes, 3, SET_WHAT, 1))
                    return 3;
                len = o->size;
                if (s->be->getsockopt(s->fd, o->level, o->optname, buf.bytes, &len) < 0)
                    return lsctp_sockopt_fail(L, o, 1);   /* the user called setopts */
            }
            if (fill_keys(L, s, o, buf.bytes, 3, SET_WHAT, 0))
                return 3;
        }
        if (s->be->setsockopt(s->fd, o->level, o->optname, buf.bytes, o->size) < 0)
            return lsctp_sockopt_fail(L, o, 1);
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* core option names, for the Lua layer's checks and docs */
static int l_optnames(lua_State *L)
{
    const lsctp_option *o;
    int i = 0;
    lua_newtable(L);
    for (o = lsctp_options; o->name; o++) {
        lua_pushstring(L, o->name);
        lua_rawseti(L, -2, ++i);
    }
    return 1;
}

static const luaL_Reg option_methods[] = {
    {"getopt", l_getopt},
    {"setopt", l_setopt},
    {NULL, NULL}};

void lsctp_options_open(lua_State *L)
{
    lsctp_setmethods(L, option_methods);
}

/* core.optnames() on the module table */
void lsctp_options_module(lua_State *L)
{
    lua_pushcfunction(L, l_optnames);
    lua_setfield(L, -2, "optnames");
}
