/* bench/icount/lua_mark.c: require "icount_mark" returns a function that
 * executes the marker instruction xchg %bx,%bx (66 87 db) that
 * bench/icount/plugin.c counts at. Inside valgrind it also dumps callgrind's
 * counts (CALLGRIND_DUMP_STATS, a no-op elsewhere), so that a profile splits
 * at the same markers. The few Lua API functions used have the same
 * signature in 5.1 (LuaJIT), 5.3 and 5.4: one build serves every version. */
#include <valgrind/callgrind.h>

typedef struct lua_State lua_State;
typedef int (*lua_CFunction)(lua_State *);
void lua_pushcclosure(lua_State *, lua_CFunction, int);

static int mark(lua_State *L)
{
    (void)L;
    __asm__ volatile(".byte 0x66, 0x87, 0xdb" ::: "memory");   /* xchg %bx,%bx */
    CALLGRIND_DUMP_STATS;
    return 0;
}

__attribute__((visibility("default"))) int luaopen_icount_mark(lua_State *L)
{
    lua_pushcclosure(L, mark, 0);
    return 1;
}
