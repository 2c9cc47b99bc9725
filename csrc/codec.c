/* The field row engine (see codec.h): a struct member to a Lua value and
 * back, driven by its row, for the option codec (options.c), sndrcvinfo
 * (sndrcvinfo.c) and the notifications (notify.c). */
#include "codec.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* --- errors: the one format ---------------------------------------------- */

const char *lsctp_field_what(char *buf, size_t size, const char *what, const char *field)
{
    if (!field)
        return what;
    snprintf(buf, size, "%s: field '%s'", what, field);
    return buf;
}

int lsctp_field_error(lua_State *L, const char *what, const char *field, const char *fmt, ...)
{
    char buf[LSCTP_WHAT_MAX];
    const char *problem;
    va_list ap;
    va_start(ap, fmt);
    problem = lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    return lsctp_argerror(L, lsctp_field_what(buf, sizeof buf, what, field), "%s", problem);
}

/* --- reading --------------------------------------------------------------- */

const char *lsctp_choice_name(const lsctp_flagname *c, unsigned v)
{
    for (; c->name; c++)
        if (c->value == v)
            return c->name;
    return NULL;
}

void lsctp_push_field(lua_State *L, const char *base, const lsctp_field *f)
{
    switch (f->type) {
    case F_BOOL:
        lua_pushboolean(L, lsctp_get_raw(base, f) != 0);
        break;
    case F_ENUM: {
        long long v = lsctp_get_raw(base, f);
        if (v >= 0 && v < f->nnames && ((const char *const *)f->names)[v])
            lua_pushstring(L, ((const char *const *)f->names)[v]);
        else
            lua_pushinteger(L, (lua_Integer)v);   /* a value newer than the names */
        break;
    }
    case F_CHOICE: {
        unsigned v = (unsigned)lsctp_get_raw(base, f) & f->mask;
        const char *name = lsctp_choice_name((const lsctp_flagname *)f->names, v);
        if (name)
            lua_pushstring(L, name);
        else
            lua_pushinteger(L, v);
        break;
    }
    case F_FLAGS:
        lsctp_pushflags(L, (unsigned)lsctp_get_raw(base, f), (const lsctp_flagname *)f->names);
        break;
    case F_ADDR: {
        struct sockaddr_storage ss;
        memcpy(&ss, base + f->offset, sizeof ss);
        lsctp_pushsockaddr(L, (const struct sockaddr *)&ss, sizeof ss);
        break;
    }
    case F_RECORD:
        lua_newtable(L);
        lsctp_push_fields(L, base + f->offset, (const lsctp_field *)f->names);
        break;
    default:
        lua_pushinteger(L, (lua_Integer)lsctp_get_raw(base, f));
    }
}

void lsctp_push_fields(lua_State *L, const char *base, const lsctp_field *rows)
{
    for (; rows->name; rows++)
        lsctp_push_row(L, base, rows);
}

const lsctp_field *lsctp_find_field(const lsctp_field *rows, const char *name)
{
    for (; rows->name; rows++)
        if (rows->name[0] == name[0] && strcmp(rows->name, name) == 0)
            return rows;
    return NULL;
}

/* --- writing --------------------------------------------------------------- */

/* An address given without a port ("192.0.2.1") gets the association's
 * peer or local port. Every struct with such a field starts with its
 * assoc_id, which the caller has set by now (the keys come first). */
static void fill_port(lsctp_socket *s, char *base, const lsctp_field *f)
{
    struct sockaddr_storage ss;
    struct sockaddr *addrs = NULL;
    sctp_assoc_t id;
    int n, peer = f->nnames == LSCTP_PORT_FROM_PEER;
    memcpy(&ss, base + f->offset, sizeof ss);
    if (((struct sockaddr_in *)&ss)->sin_port != 0)
        return;
    memcpy(&id, base, sizeof id);
    n = s->be->getaddrs(s->fd, id, peer, &addrs);
    if (n > 0) {
        if (addrs->sa_family == AF_INET || addrs->sa_family == AF_INET6)
            ((struct sockaddr_in *)&ss)->sin_port = ((struct sockaddr_in *)addrs)->sin_port;
        memcpy(base + f->offset, &ss, sizeof ss);
    }
    /* libsctp hands back its buffer even for 0 addresses */
    if (n >= 0 && addrs)
        s->be->freeaddrs(addrs, peer);
}

static int check_addr(lua_State *L, lsctp_socket *s, char *base, const lsctp_field *f,
                      int idx, const char *what, const char *field)
{
    char buf[LSCTP_WHAT_MAX];
    lsctp_addrlist al;
    int rc = lsctp_addrlist_get(L, idx, 0, s->family, &al,
                                lsctp_field_what(buf, sizeof buf, what, field));
    if (rc)
        return rc;
    if (al.count != 1) {
        lsctp_addrlist_free(&al);
        return lsctp_field_error(L, what, field, "one address expected");
    }
    memcpy(base + f->offset, &al.addrs[0], sizeof al.addrs[0]);
    lsctp_addrlist_free(&al);
    if (f->nnames)
        fill_port(s, base, f);
    return 0;
}

static unsigned check_choice(lua_State *L, const lsctp_field *f, int idx,
                             const char *what, const char *field)
{
    const lsctp_flagname *c;
    const char *name = lua_tostring(L, idx);
    if (lua_type(L, idx) != LUA_TSTRING)
        lsctp_field_error(L, what, field, "string expected, got %s", luaL_typename(L, idx));
    for (c = (const lsctp_flagname *)f->names; c->name && strcmp(c->name, name) != 0; c++)
        ;
    if (!c->name)
        lsctp_field_error(L, what, field, f->unknown, name);
    return c->value;
}

/* The bits outside the field's mask keep their value. */
static void put_bits(char *base, const lsctp_field *f, unsigned bits)
{
    unsigned mask = f->mask ? f->mask : ~0u;
    lsctp_put_raw(base, f, (long long)(((unsigned)lsctp_get_raw(base, f) & ~mask) | (bits & mask)));
}

int lsctp_check_field(lua_State *L, lsctp_socket *s, char *base, const lsctp_field *f,
                      int idx, const char *what, const char *field)
{
    char buf[LSCTP_WHAT_MAX];
    switch (f->type) {
    case F_INT:
        if (lua_isinteger(L, idx)) {   /* the common case, with no formatting */
            lua_Integer v = lua_tointeger(L, idx);
            if (v >= f->min && v <= f->max) {
                if (!(f->flags & LSCTP_FIGNORE))
                    lsctp_put_raw(base, f, v);
                break;
            }
        }
        (void)lsctp_checkint(L, idx, lsctp_field_what(buf, sizeof buf, what, field),
                             f->min, f->max);   /* raises */
        break;
    case F_BOOL:
        if (lua_type(L, idx) != LUA_TBOOLEAN)
            return lsctp_field_error(L, what, field, "boolean expected, got %s", luaL_typename(L, idx));
        lsctp_put_raw(base, f, lua_toboolean(L, idx));
        break;
    case F_FLAGS:
        put_bits(base, f, lsctp_checkflags(L, idx, (const lsctp_flagname *)f->names,
                                           lsctp_field_what(buf, sizeof buf, what, field)));
        break;
    case F_CHOICE:
        put_bits(base, f, check_choice(L, f, idx, what, field));
        break;
    case F_ADDR:
        return check_addr(L, s, base, f, idx, what, field);
    default:   /* F_ENUM, F_RECORD */
        return lsctp_field_error(L, what, field, "read-only field");
    }
    return 0;
}
