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

/* The key under which the function at index fn is in the table on top,
 * or NULL (a string key stays alive in that table). `called` wins when it
 * names that very function (an alias). */
static const char *key_of(lua_State *L, int fn, const char *called)
{
    const char *name = NULL;
    if (!lua_istable(L, -1))
        return NULL;
    if (called) {
        lua_getfield(L, -1, called);
        if (lua_rawequal(L, -1, fn))
            name = called;
        lua_pop(L, 1);
    }
    lua_pushnil(L);
    while (!name && lua_next(L, -2)) {
        if (lua_rawequal(L, -1, fn) && lua_type(L, -2) == LUA_TSTRING)
            name = lua_tostring(L, -2);
        lua_pop(L, name ? 2 : 1);
    }
    return name;
}

/* The public name of the function on top of the stack (popped): a socket
 * method or a function of the sctp module, known by identity; else NULL. */
static const char *public_name(lua_State *L, const char *called)
{
    const char *name;
    int fn = lua_gettop(L);
    luaL_getmetatable(L, LSCTP_SOCKET_MT);
    if (lua_istable(L, -1))
        lua_getfield(L, -1, "__index");
    else
        lua_pushnil(L);
    name = key_of(L, fn, called);
    if (!name) {
        lua_getfield(L, LUA_REGISTRYINDEX, "_LOADED");
        if (lua_istable(L, -1))
            lua_getfield(L, -1, "sctp");
        else
            lua_pushnil(L);
        name = key_of(L, fn, called);
    }
    lua_settop(L, fn - 1);
    return name;
}

/* Whether the C function of frame ar is a public one (the methods recv and
 * send are C functions that call the Lua layer on their slow paths). */
static int public_c_frame(lua_State *L, lua_Debug *ar)
{
    return strcmp(ar->what, "C") == 0 && lua_getinfo(L, "f", ar) && public_name(L, NULL) != NULL;
}

/* The function the user called: the outermost library frame (the C
 * function raising, the library's Lua frames and public C functions; other
 * C frames such as pcall, and 5.1's tail call placeholders, are passed
 * over), known by identity as a public function. NULL when it is not one
 * (a tail call replaced its frame): the raiser names the function itself,
 * else the name the caller used is left in *named. */
static const char *user_called_name(lua_State *L, const char **named)
{
    lua_Debug ar, top;
    int level, found = 0;
    for (level = 0; lua_getstack(L, level, &ar); level++) {
        if (user_frame(L, &ar))
            break;
        /* Lua 5.1's "(tail call)" placeholders (what "tail") are not frames */
        if (level == 0 || strcmp(ar.what, "Lua") == 0 || strcmp(ar.what, "main") == 0
            || public_c_frame(L, &ar)) {
            top = ar;
            found = 1;
        }
    }
    if (!found || !lua_getinfo(L, "f", &top))
        return NULL;
    *named = top.name;
    return public_name(L, top.name);
}

/* Raises the one format of argument errors, at the user's line:
 *   "sctp: <function>: bad argument '<arg>' (<where: ><problem>)"
 * The function is the public one the user called, else `fn` (the C
 * entry's own name), else the name the caller used. */
static int raise_argerror(lua_State *L, const char *fn, size_t fnlen, const char *path,
                          const char *problem)
{
    const char *named = NULL;
    const char *called = user_called_name(L, &named);
    const char *sep = strstr(path, ": ");
    push_user_where(L);
    lua_pushliteral(L, "sctp: ");
    if (called)
        lua_pushstring(L, called);
    else if (fn)
        lua_pushlstring(L, fn, fnlen);
    else
        lua_pushstring(L, named ? named : "?");
    lua_pushliteral(L, ": bad argument '");
    lua_pushlstring(L, path, sep ? (size_t)(sep - path) : strlen(path));
    lua_pushliteral(L, "' (");
    lua_pushstring(L, sep ? sep + 2 : "");
    lua_pushstring(L, sep ? ": " : "");
    lua_pushstring(L, problem);
    lua_pushliteral(L, ")");
    lua_concat(L, 10);
    return lua_error(L);
}

int lsctp_argerror(lua_State *L, const char *what, const char *fmt, ...)
{
    va_list ap;
    const char *sep = strstr(what, ": ");
    const char *problem;
    va_start(ap, fmt);
    problem = lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    if (!sep)   /* no function named: the argument alone */
        return raise_argerror(L, NULL, 0, what, problem);
    return raise_argerror(L, what, (size_t)(sep - what), sep + 2, problem);
}

/* Raises "sctp: <method>: bad argument 'self' (sctp.socket expected, got
 * <type>)" at the user's line: a method called on something else. */
int lsctp_selferror(lua_State *L, int idx)
{
    return lsctp_argerror(L, "self", "sctp.socket expected, got %s", luaL_typename(L, idx));
}

/* core.argerror(what, problem): the Lua layer's argument errors, in the
 * same format and from the same place. */
int lsctp_l_argerror(lua_State *L)
{
    const char *what = luaL_checkstring(L, 1);
    const char *problem = luaL_checkstring(L, 2);
    return lsctp_argerror(L, what, "%s", problem);
}

/* core.where() -> "chunk:line: " of the user's call: the one position
 * finder, used by the Lua layer's errors too. */
int lsctp_l_where(lua_State *L)
{
    push_user_where(L);
    return 1;
}

/* One of `names` at idx (`dflt` when absent; NULL: required): its index.
 * The error lists them: '"inet" or "inet6" expected, got "x"'. */
int lsctp_checkname(lua_State *L, int idx, const char *what, const char *const names[],
                    const char *dflt)
{
    const char *got = dflt && lua_isnoneornil(L, idx) ? dflt : lua_tostring(L, idx);
    int i;
    luaL_Buffer b;
    if (got && (dflt || lua_type(L, idx) == LUA_TSTRING))
        for (i = 0; names[i]; i++)
            if (strcmp(names[i], got) == 0)
                return i;
    luaL_buffinit(L, &b);
    for (i = 0; names[i]; i++) {
        if (i > 0)
            luaL_addstring(&b, names[i + 1] ? ", " : " or ");
        lua_pushfstring(L, "\"%s\"", names[i]);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    if (lua_type(L, idx) == LUA_TSTRING)
        return lsctp_argerror(L, what, "%s expected, got \"%s\"", lua_tostring(L, -1),
                              lua_tostring(L, idx));
    return lsctp_argerror(L, what, "%s expected, got %s", lua_tostring(L, -1),
                          luaL_typename(L, idx));
}

/* Reads an integer in [min, max] at idx; `what` names it in the error. */
lua_Integer lsctp_checkint(lua_State *L, int idx, const char *what,
                           lua_Integer min, lua_Integer max)
{
    lua_Integer v;
    if (!lua_isinteger(L, idx)) {
        if (lua_type(L, idx) == LUA_TNUMBER)
            lsctp_argerror(L, what, "integer expected, got non-integer number");
        lsctp_argerror(L, what, "integer expected, got %s", luaL_typename(L, idx));
    }
    v = lua_tointeger(L, idx);
    if (v < min || v > max) {
        char range[96];
        snprintf(range, sizeof range, "%lld out of range [%lld, %lld]",
                 (long long)v, (long long)min, (long long)max);
        lsctp_argerror(L, what, "%s", range);
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
            lsctp_argerror(L, what, "assoc table without field 'assoc_id'");
        return (sctp_assoc_t)id;
    }
    if (lua_type(L, idx) != LUA_TNUMBER)
        lsctp_argerror(L, what, "assoc table or integer assoc_id expected, got %s",
                       luaL_typename(L, idx));
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
        lsctp_argerror(L, what, "array of flag names expected, got %s", luaL_typename(L, idx));
    idx = lua_absindex(L, idx);
    n = (int)lua_rawlen(L, idx);
    for (i = 1; i <= n; i++) {
        const lsctp_flagname *f;
        const char *s;
        lua_rawgeti(L, idx, i);
        s = lua_tostring(L, -1);
        if (lua_type(L, -1) != LUA_TSTRING)
            lsctp_argerror(L, what, "flag name expected at [%d], got %s", i, luaL_typename(L, -1));
        for (f = names; f->name && strcmp(f->name, s) != 0; f++)
            ;
        if (!f->name)
            lsctp_argerror(L, what, "unknown flag '%s'", s);
        bits |= f->value;
        lua_pop(L, 1);
    }
    return bits;
}

void lsctp_fillflags(lua_State *L, unsigned bits, const lsctp_flagname *names)
{
    int n = 0, old = (int)lua_rawlen(L, -1);
    for (; names->name; names++) {
        if (names->value && (bits & names->value) == names->value) {
            lua_pushstring(L, names->name);
            lua_rawseti(L, -2, ++n);
        }
    }
    for (; old > n; old--) {   /* a refilled array loses what it had beyond */
        lua_pushnil(L);
        lua_rawseti(L, -2, old);
    }
}

void lsctp_pushflags(lua_State *L, unsigned bits, const lsctp_flagname *names)
{
    lua_createtable(L, 0, 0);
    if (bits)   /* most records have no flag set: no walk over the names */
        lsctp_fillflags(L, bits, names);
}

void lsctp_setint(lua_State *L, const char *field, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, field);
}
