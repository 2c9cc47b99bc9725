/* Argument and field readers whose errors name what is at fault
 * ("sctp: recv: timeout: integer expected, got string"), plus the small
 * compatibility shims for Lua 5.1/LuaJIT. */
#include "codec.h"

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

/* The chunks of this library's Lua layer, by their exact source string
 * (a set in the registry that the Lua files add themselves to): an error
 * position passes over their frames. By identity, not by path: a user's
 * own script under a directory named sctp/ keeps its position. */
#define LIBRARY_SOURCES "lua-sctp.library_sources"

static int library_source(lua_State *L, const char *src)
{
    int found;
    lua_getfield(L, LUA_REGISTRYINDEX, LIBRARY_SOURCES);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    lua_getfield(L, -1, src);
    found = lua_toboolean(L, -1);
    lua_pop(L, 2);
    return found;
}

/* core.library_chunk(source): marks a chunk as the library's own. */
int lsctp_l_library_chunk(lua_State *L)
{
    const char *src = luaL_checkstring(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, LIBRARY_SOURCES);
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, LIBRARY_SOURCES);
    }
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, src);
    return 0;
}

/* Whether a stack frame is the user's: a Lua function with a line, outside
 * the library. C functions, the library's own frames, and Lua 5.1's "(tail
 * call)" placeholders (no line) are not. */
static int user_frame(lua_State *L, lua_Debug *ar)
{
    return lua_getinfo(L, "Sln", ar) && strcmp(ar->what, "C") != 0 && ar->currentline > 0
           && !library_source(L, ar->source);
}

/* Pushes "chunk:line: " of the first Lua caller outside the library, as
 * luaL_where would for the user's own call ("" when there is none). */
static void push_user_where(lua_State *L)
{
    lua_Debug ar;
    int level;
    for (level = 1; lua_getstack(L, level, &ar); level++) {
        if (user_frame(L, &ar)) {
            lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
            return;
        }
    }
    lua_pushliteral(L, "");
}

/* The method's name if the function on top of the stack is one of the
 * socket methods (it is popped), else NULL. `called` (the name the caller
 * used, or NULL) wins when it names that very function (an alias). */
static const char *method_name(lua_State *L, const char *called)
{
    const char *name = NULL;
    int fn = lua_gettop(L);
    luaL_getmetatable(L, LSCTP_SOCKET_MT);
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "__index");
        if (lua_istable(L, -1)) {
            if (called) {
                lua_getfield(L, -1, called);
                if (lua_rawequal(L, -1, fn))
                    name = called;
                lua_pop(L, 1);
            }
            lua_pushnil(L);
            while (!name && lua_next(L, -2)) {
                if (lua_rawequal(L, -1, fn) && lua_type(L, -2) == LUA_TSTRING)
                    name = lua_tostring(L, -2);   /* a key of the methods table: stays alive */
                lua_pop(L, name ? 2 : 1);
            }
        }
        lua_pop(L, 1);
    }
    lua_settop(L, fn - 1);
    return name;
}

/* The name the user called the library by: that of the outermost library
 * frame (the C function raising, and the library's Lua frames; other C
 * frames such as pcall, and 5.1's tail call placeholders, are passed over). Known by identity when it is a
 * socket method (a tail call or an alias keeps no name), else as the
 * caller named it, else "?". */
static const char *user_called_name(lua_State *L)
{
    const char *name = NULL;
    lua_Debug ar, top;
    int level, found = 0;
    for (level = 0; lua_getstack(L, level, &ar); level++) {
        if (user_frame(L, &ar))
            break;
        /* Lua 5.1's "(tail call)" placeholders (what "tail") are not frames */
        if (level == 0 || strcmp(ar.what, "Lua") == 0 || strcmp(ar.what, "main") == 0) {
            top = ar;
            found = 1;
        }
    }
    if (!found)
        return "?";
    if (lua_getinfo(L, "f", &top))
        name = method_name(L, top.name);
    if (!name)
        name = top.name;
    return name ? name : "?";
}

/* Raises "sctp: <method>: bad argument 'self' (sctp.socket expected, got
 * <type>)" at the user's line: a method called on something else. */
int lsctp_selferror(lua_State *L, int idx)
{
    const char *got = luaL_typename(L, idx);
    return lsctp_error(L, "%s: bad argument 'self' (sctp.socket expected, got %s)",
                       user_called_name(L), got);
}

/* core.where() -> "chunk:line: " of the user's call: the one position
 * finder, used by the Lua layer's errors too. */
int lsctp_l_where(lua_State *L)
{
    push_user_where(L);
    return 1;
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

/* Reads an integer in [min, max] at idx; `what` names it in the error. */
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
    {
        char buf[LSCTP_WHAT_MAX];
        return lsctp_checkint(L, idx, lsctp_field_what(buf, sizeof buf, what, field),
                              min, max);   /* raises */
    }
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
