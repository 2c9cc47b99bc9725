/* The floor (bench/profile, workload "floor"): what the contract's own
 * per-message shapes cost in this Lua, with no binding around them. A
 * userdata with two methods, as a socket has:
 *
 *   f:send(sndrcvinfo, data) -> true   reads every field of the table (the
 *       contract rejects unknown ones, so each key is visited) and the data
 *   f:recv() -> "127.0.0.1", port, {{stream = ..., 9 fields, flags = {}}}, data
 *       the four values recv returns for one 64-byte message: a cached
 *       address string, a fresh ancdata array, record and flags array (keys
 *       made once, as upvalues), a new data string
 *
 * No system call, no socket state, no validation beyond what reading needs:
 * the least any binding of this API pays per message on Lua 5.4. The
 * difference between a workload and this one is the binding's own cost. */
#include <string.h>

#include <lua.h>
#include <lauxlib.h>

static char payload[64];   /* the workload's 64 x, set by floor.new */

#define NKEYS 9
static const char *const keys[NKEYS] = {
    "stream", "ssn", "flags", "ppid", "context", "timetolive", "tsn", "cumtsn", "assoc_id"};

/* upvalues: 1 = "127.0.0.1", 2..NKEYS+1 = the keys */
static int floor_recv(lua_State *L)
{
    int i;
    (void)lua_touserdata(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushinteger(L, (lua_Integer)lua_tointeger(L, lua_upvalueindex(NKEYS + 2)));
    lua_createtable(L, 1, 0);
    lua_createtable(L, 0, NKEYS);
    for (i = 0; i < NKEYS; i++) {
        lua_pushvalue(L, lua_upvalueindex(i + 2));
        if (i == 2)
            lua_createtable(L, 0, 0);
        else
            lua_pushinteger(L, i == 8 ? (lua_Integer)lua_tointeger(L, lua_upvalueindex(NKEYS + 3)) : 0);
        lua_rawset(L, -3);
    }
    lua_rawseti(L, -2, 1);
    lua_pushlstring(L, payload, sizeof payload);
    return 4;
}

static int floor_send(lua_State *L)
{
    size_t len;
    lua_Integer sum = 0;
    (void)lua_touserdata(L, 1);
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        (void)lua_tostring(L, -2);
        sum += lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    (void)lua_tolstring(L, 3, &len);
    lua_pushboolean(L, len > 0 || sum);
    return 1;
}

/* floor.new(port, assoc_id) -> an object whose recv reports that peer port
 * and association */
static int floor_new(lua_State *L)
{
    int i;
    lua_Integer port = luaL_checkinteger(L, 1), id = luaL_checkinteger(L, 2);
    memset(payload, 'x', sizeof payload);
    lua_newuserdata(L, 1);
    lua_createtable(L, 0, 1);   /* the metatable */
    lua_createtable(L, 0, 2);   /* its __index */
    lua_pushstring(L, "127.0.0.1");
    for (i = 0; i < NKEYS; i++)
        lua_pushstring(L, keys[i]);
    lua_pushinteger(L, port);
    lua_pushinteger(L, id);
    lua_pushcclosure(L, floor_recv, NKEYS + 3);
    lua_setfield(L, -2, "recv");
    lua_pushcfunction(L, floor_send);
    lua_setfield(L, -2, "send");
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    return 1;
}

int luaopen_floor(lua_State *L)
{
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, floor_new);
    lua_setfield(L, -2, "new");
    return 1;
}
