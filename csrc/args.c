/* Argument and field readers whose errors name what is at fault
 * ("sctp: recv: timeout: integer expected, got string"), plus the small
 * compatibility shims for Lua 5.1/LuaJIT. */
#include "lsctp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if LUA_VERSION_NUM < 502 && !defined(LSCTP_LUAJIT)
void *lsctp_testudata(lua_State *L, int idx, const char *tname)
{
    void *p = lua_touserdata(L, idx);
    if (p == NULL || !lua_getmetatable(L, idx))
        return NULL;
    luaL_getmetatable(L, tname);
    if (!lua_rawequal(L, -1, -2))
        p = NULL;
    lua_pop(L, 2);
    return p;
}
#endif

#if LUA_VERSION_NUM < 503
int lsctp_isinteger(lua_State *L, int idx)
{
    lua_Number n;
    if (lua_type(L, idx) != LUA_TNUMBER)
        return 0;
    n = lua_tonumber(L, idx);
    return n == (lua_Number)(lua_Integer)n;
}
#endif

/* Reads an integer in [min, max] at idx; `what` names it in the error. */
/* Whether a chunk is part of this library's Lua layer (sctp.lua,
 * and the files under sctp/), whose frames an error position skips. */
static int library_source(const char *src)
{
    size_t n = strlen(src);
    if (src[0] != '@')
        return 0;
    if (n >= 9 && strcmp(src + n - 8, "sctp.lua") == 0 && (src[n - 9] == '/' || src[n - 9] == '@'))
        return 1;
    return strstr(src, "/sctp/") != NULL || strncmp(src, "@sctp/", 6) == 0;
}

/* Pushes "chunk:line: " of the first Lua caller outside the library, as
 * luaL_where would for the user's own call ("" when there is none). */
static void push_user_where(lua_State *L)
{
    lua_Debug ar;
    int level;
    for (level = 1; lua_getstack(L, level, &ar); level++) {
        /* C functions, the library's own frames, and Lua 5.1's "(tail
         * call)" placeholders (no line) are passed over */
        if (!lua_getinfo(L, "Sl", &ar) || strcmp(ar.what, "C") == 0 || library_source(ar.source)
            || ar.currentline <= 0)
            continue;
        lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
        return;
    }
    lua_pushliteral(L, "");
}

int lsctp_error(lua_State *L, const char *fmt, ...)
{
    va_list ap;
    push_user_where(L);
    lua_pushliteral(L, "sctp: ");
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 3);
    return lua_error(L);
}

lua_Integer lsctp_checkint(lua_State *L, int idx, const char *what,
                           lua_Integer min, lua_Integer max)
{
    lua_Integer v;
    if (!lua_isinteger(L, idx)) {
        if (lua_type(L, idx) == LUA_TNUMBER)
            lsctp_error(L, "%s: integer expected, got non-integer number", what);
        lsctp_error(L, "%s: integer expected, got %s", what, luaL_typename(L, idx));
    }
    v = lua_tointeger(L, idx);
    if (v < min || v > max) {
        char range[96];
        snprintf(range, sizeof range, "%lld out of range [%lld, %lld]",
                 (long long)v, (long long)min, (long long)max);
        lsctp_error(L, "%s: %s", what, range);
    }
    return v;
}

lua_Integer lsctp_optint(lua_State *L, int idx, const char *what,
                         lua_Integer min, lua_Integer max, lua_Integer dflt)
{
    if (lua_isnoneornil(L, idx))
        return dflt;
    return lsctp_checkint(L, idx, what, min, max);
}

lua_Integer lsctp_checkfieldint(lua_State *L, int idx, const char *what, const char *field,
                                lua_Integer min, lua_Integer max)
{
    if (lua_isinteger(L, idx)) {
        lua_Integer v = lua_tointeger(L, idx);
        if (v >= min && v <= max)
            return v;
    }
    idx = lua_absindex(L, idx);
    lua_pushfstring(L, "%s: field '%s'", what, field);
    return lsctp_checkint(L, idx, lua_tostring(L, -1), min, max);   /* raises */
}

int lsctp_intfield(lua_State *L, int idx, const char *field, const char *what,
                   lua_Integer min, lua_Integer max, lua_Integer *out)
{
    int found;
    lua_getfield(L, idx, field);
    found = !lua_isnil(L, -1);
    if (found)
        *out = lsctp_checkfieldint(L, -1, what, field, min, max);
    lua_pop(L, 1);
    return found;
}

sctp_assoc_t lsctp_checkassoc(lua_State *L, int idx, const char *what)
{
    lua_Integer id = 0;
    if (lua_type(L, idx) == LUA_TTABLE) {
        idx = lua_absindex(L, idx);
        if (!lsctp_intfield(L, idx, "assoc_id", what, INT32_MIN, INT32_MAX, &id))
            lsctp_error(L, "%s: assoc table without field 'assoc_id'", what);
        return (sctp_assoc_t)id;
    }
    if (lua_type(L, idx) != LUA_TNUMBER)
        lsctp_error(L, "%s: assoc table or integer assoc_id expected, got %s",
                   what, luaL_typename(L, idx));
    return (sctp_assoc_t)lsctp_checkint(L, idx, what, INT32_MIN, INT32_MAX);
}

unsigned lsctp_checkflags(lua_State *L, int idx, const lsctp_flagname *names,
                          const char *what)
{
    unsigned bits = 0;
    int i, n;
    if (lua_isnoneornil(L, idx))
        return 0;
    if (lua_type(L, idx) != LUA_TTABLE)
        lsctp_error(L, "%s: array of flag names expected, got %s", what, luaL_typename(L, idx));
    idx = lua_absindex(L, idx);
    n = (int)lua_rawlen(L, idx);
    for (i = 1; i <= n; i++) {
        const lsctp_flagname *f;
        const char *s;
        lua_rawgeti(L, idx, i);
        s = lua_tostring(L, -1);
        if (lua_type(L, -1) != LUA_TSTRING)
            lsctp_error(L, "%s: flag name expected at [%d], got %s", what, i, luaL_typename(L, -1));
        for (f = names; f->name && strcmp(f->name, s) != 0; f++)
            ;
        if (!f->name)
            lsctp_error(L, "%s: unknown flag '%s'", what, s);
        bits |= f->value;
        lua_pop(L, 1);
    }
    return bits;
}

void lsctp_pushflags(lua_State *L, unsigned bits, const lsctp_flagname *names)
{
    int n = 0;
    lua_newtable(L);
    for (; names->name; names++) {
        if (names->value && (bits & names->value) == names->value) {
            lua_pushstring(L, names->name);
            lua_rawseti(L, -2, ++n);
        }
    }
}

void lsctp_setint(lua_State *L, const char *field, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, field);
}
