/* The profiler's host (bench/profile): Lua 5.4, linked statically, with
 * sctp.core built in (package.preload) over the in-memory loop backend,
 * and package.path on the repository's lua/. Runs one script:
 *   host SCRIPT [ARGS...]    (arg[0] = SCRIPT, arg[1..] = ARGS)
 * Run from the repository root (package.path is relative to it). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_sctp_core(lua_State *L);
int luaopen_floor(lua_State *L);   /* floor.c */

/* Lua 5.4 seeds its string hash with time(NULL) (luai_makeseed; also
 * math.random's seed): the layout of every table, and so the instruction
 * count, would change from one second to the next. This time() (the
 * statically linked liblua calls it, not libc's) makes every run hash the
 * same way: PROFILE_TIME (an integer, default 1700000000) is the clock, and
 * os.time() stands still at it. */
time_t time(time_t *t)
{
    const char *env = getenv("PROFILE_TIME");
    time_t now = env && *env ? (time_t)strtoll(env, NULL, 10) : (time_t)1700000000;
    if (t)
        *t = now;
    return now;
}

static int traceback(lua_State *L)
{
    luaL_traceback(L, L, lua_tostring(L, 1), 1);
    return 1;
}

int main(int argc, char **argv)
{
    lua_State *L;
    int i, rc;
    if (argc < 2) {
        fprintf(stderr, "usage: %s SCRIPT [ARGS...]\n", argv[0]);
        return 2;
    }
    if (!(L = luaL_newstate())) {
        fprintf(stderr, "host: cannot create a Lua state\n");
        return 1;
    }
    luaL_openlibs(L);

    lua_getglobal(L, "package");
    lua_pushstring(L, "./lua/?.lua;./lua/?/init.lua");
    lua_setfield(L, -2, "path");
    lua_pushstring(L, "");
    lua_setfield(L, -2, "cpath");   /* never a core.so from elsewhere */
    lua_getfield(L, -1, "preload");
    lua_pushcfunction(L, luaopen_sctp_core);
    lua_setfield(L, -2, "sctp.core");
    lua_pushcfunction(L, luaopen_floor);
    lua_setfield(L, -2, "floor");
    lua_pop(L, 2);

    lua_createtable(L, argc - 2, 1);
    for (i = 1; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - 1);
    }
    lua_setglobal(L, "arg");

    lua_pushcfunction(L, traceback);
    if (luaL_loadfile(L, argv[1]) != LUA_OK) {
        fprintf(stderr, "host: %s\n", lua_tostring(L, -1));
        lua_close(L);
        return 1;
    }
    for (i = 2; i < argc; i++)
        lua_pushstring(L, argv[i]);
    rc = lua_pcall(L, argc - 2, 0, 1);
    if (rc != LUA_OK)
        fprintf(stderr, "host: %s\n", lua_tostring(L, -1));
    lua_close(L);
    return rc == LUA_OK ? 0 : 1;
}
