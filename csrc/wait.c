/* What the Lua layer waits with (lua/sctp/wait.lua): a bounded poll() on
 * one descriptor, and the monotonic clock its deadlines are read from. */
#include "lsctp.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* core.poll(fd, events, timeout_ms) -> true (ready) | false (timed out)
 * | nil, err, detail. events: "r", "w" or "rw". The timeout is finite: the
 * Lua layer loops for an infinite wait, so C never blocks forever. */
int lsctp_l_poll(lua_State *L)
{
    struct pollfd p;
    static const char *const evnames[] = {"r", "w", "rw", NULL};
    const char *ev = evnames[lsctp_checkname(L, 2, "poll: events", evnames, NULL)];
    int timeout = (int)lsctp_checkint(L, 3, "poll: timeout", 0, 86400000);
    int rc;
    p.fd = (int)lsctp_checkint(L, 1, "poll: fd", 0, INT32_MAX);
    p.events = (short)((strchr(ev, 'r') ? POLLIN : 0) | (strchr(ev, 'w') ? POLLOUT : 0));
    p.revents = 0;
    rc = poll(&p, 1, timeout);
    if (rc < 0) {
        if (errno == EINTR) {
            lua_pushboolean(L, 0);   /* the caller re-checks its deadline */
            return 1;
        }
        return lsctp_pusherrno(L, errno, "poll");
    }
    lua_pushboolean(L, rc > 0);
    return 1;
}

/* core.gettime() -> monotonic seconds (float) */
int lsctp_l_gettime(lua_State *L)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
    return 1;
}
