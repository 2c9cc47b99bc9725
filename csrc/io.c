/* send and recv: sendmsg with one SCTP_SNDRCV cmsg per message (as
 * lksctp's sctp_send does), recvmsg with partial deliveries reassembled
 * until MSG_EOR, and the sndrcvinfo codec. See sctp_sendmsg(3),
 * sctp_recvmsg(3) and RFC 6458 section 5.3. */
#include "lsctp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#define IOV_STACK 16
#define RX_KEEP_MAX (4u << 20)   /* a buffer grown past this is freed after use */

const lsctp_flagname lsctp_sinfo_flags[] = {
    {"unordered", SCTP_UNORDERED},
    {"addr_over", SCTP_ADDR_OVER},
    {"abort", SCTP_ABORT},
    {"eof", SCTP_EOF},
    {"sendall", SCTP_SENDALL},
    {"sack_immediately", SCTP_SACK_IMMEDIATELY},
    {NULL, 0}};

/* PR-SCTP policies ride in sinfo_flags (SCTP_PR_SET_POLICY), the value in
 * sinfo_timetolive: the RFC 6458 section 5.3.2 layout Linux accepts. */
static const char *const pr_policy_names[] = {"none", "ttl", "rtx", "prio", NULL};
static const unsigned pr_policy_values[] = {SCTP_PR_SCTP_NONE, SCTP_PR_SCTP_TTL,
                                            SCTP_PR_SCTP_RTX, SCTP_PR_SCTP_PRIO};

void lsctp_pushsndrcvinfo(lua_State *L, const struct sctp_sndrcvinfo *info)
{
    unsigned policy = SCTP_PR_POLICY(info->sinfo_flags);
    lua_createtable(L, 0, 10);
    lsctp_setint(L, "stream", info->sinfo_stream);
    lsctp_setint(L, "ssn", info->sinfo_ssn);
    lsctp_pushflags(L, info->sinfo_flags, lsctp_sinfo_flags);
    lua_setfield(L, -2, "flags");
    lsctp_setint(L, "ppid", ntohl(info->sinfo_ppid));
    lsctp_setint(L, "context", info->sinfo_context);
    lsctp_setint(L, "timetolive", info->sinfo_timetolive);
    lsctp_setint(L, "tsn", info->sinfo_tsn);
    lsctp_setint(L, "cumtsn", info->sinfo_cumtsn);
    lsctp_setint(L, "assoc_id", info->sinfo_assoc_id);
    if (policy) {
        size_t i;
        for (i = 0; i < sizeof pr_policy_values / sizeof pr_policy_values[0]; i++)
            if (pr_policy_values[i] == policy) {
                lua_pushstring(L, pr_policy_names[i]);
                lua_setfield(L, -2, "pr_policy");
            }
        lsctp_setint(L, "pr_value", info->sinfo_timetolive);
    }
}

/* Reads a sndrcvinfo table over *info (fields not given keep their value).
 * Unknown fields are errors: a typo must not silently send on stream 0. */
void lsctp_checksndrcvinfo(lua_State *L, int idx, struct sctp_sndrcvinfo *info,
                           const char *what)
{
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE)
        lsctp_argerror(L, what, "sndrcvinfo table expected, got %s", luaL_typename(L, idx));
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        if (!k) {
            lsctp_argerror(L, what, "unexpected non-string key in sndrcvinfo");
            return;   /* not reached; tells gcc (SANITIZE=1 builds) that k is set below */
        }
        if (strcmp(k, "stream") == 0)
            info->sinfo_stream = (uint16_t)lsctp_checkfieldint(L, -1, what, k, 0, 65535);
        else if (strcmp(k, "assoc_id") == 0)
            info->sinfo_assoc_id = (sctp_assoc_t)lsctp_checkfieldint(L, -1, what, k, INT32_MIN, INT32_MAX);
        else if (strcmp(k, "ppid") == 0)
            info->sinfo_ppid = htonl((uint32_t)lsctp_checkfieldint(L, -1, what, k, 0, UINT32_MAX));
        else if (strcmp(k, "context") == 0)
            info->sinfo_context = (uint32_t)lsctp_checkfieldint(L, -1, what, k, 0, UINT32_MAX);
        else if (strcmp(k, "timetolive") == 0 || strcmp(k, "pr_value") == 0)
            info->sinfo_timetolive = (uint32_t)lsctp_checkfieldint(L, -1, what, k, 0, UINT32_MAX);
        else if (strcmp(k, "flags") == 0) {
            char field[64];
            snprintf(field, sizeof field, "%s: field 'flags'", what);
            info->sinfo_flags = (uint16_t)(lsctp_checkflags(L, -1, lsctp_sinfo_flags, field)
                                           | (info->sinfo_flags & SCTP_PR_SCTP_MASK));
        } else if (strcmp(k, "pr_policy") == 0) {
            const char *p = lua_tostring(L, -1);
            int i;
            if (lua_type(L, -1) != LUA_TSTRING)
                lsctp_argerror(L, what, "field '%s': string expected, got %s", k, luaL_typename(L, -1));
            for (i = 0; pr_policy_names[i] && strcmp(pr_policy_names[i], p) != 0; i++)
                ;
            if (!pr_policy_names[i])
                lsctp_argerror(L, what, "field '%s': unknown policy '%s' (ttl, rtx, prio or none)", k, p);
            info->sinfo_flags = (uint16_t)((info->sinfo_flags & ~SCTP_PR_SCTP_MASK) | pr_policy_values[i]);
        } else if (strcmp(k, "ssn") == 0 || strcmp(k, "tsn") == 0 || strcmp(k, "cumtsn") == 0)
            (void)lsctp_checkfieldint(L, -1, what, k, 0, UINT32_MAX);   /* receive-only: ignored */
        else
            lsctp_argerror(L, what, "unknown sndrcvinfo field '%s'", k);
        lua_pop(L, 1);
    }
}

/* Room for the SCTP_SNDRCV cmsg and, for sendx, one SCTP_DSTADDRV4/V6 per
 * extra peer address. */
static size_t control_size(const lsctp_addrlist *dest)
{
    size_t n = CMSG_SPACE(sizeof(struct sctp_sndrcvinfo));
    int i;
    /* exactly what fill_control writes: spare zero bytes at the end would
     * read as a cmsg of length 0, and the kernel fails the send (EINVAL) */
    for (i = 1; dest && i < dest->count; i++)
        n += dest->addrs[i].ss_family == AF_INET6 ? CMSG_SPACE(sizeof(struct in6_addr))
                                                  : CMSG_SPACE(sizeof(struct in_addr));
    return n;
}

/* Fills the control buffer: the sndrcvinfo, then the extra addresses that
 * Linux adds to an association it sets up implicitly (RFC 6458 5.3.9/10). */
static void fill_control(struct msghdr *msg, const struct sctp_sndrcvinfo *info,
                         const lsctp_addrlist *dest)
{
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(msg);
    int i;
    cmsg->cmsg_level = IPPROTO_SCTP;
    cmsg->cmsg_type = SCTP_SNDRCV;
    cmsg->cmsg_len = CMSG_LEN(sizeof *info);
    memcpy(CMSG_DATA(cmsg), info, sizeof *info);
    for (i = 1; dest && i < dest->count; i++) {
        const struct sockaddr_storage *ss = &dest->addrs[i];
        cmsg = CMSG_NXTHDR(msg, cmsg);
        cmsg->cmsg_level = IPPROTO_SCTP;
        if (ss->ss_family == AF_INET6) {
            cmsg->cmsg_type = SCTP_DSTADDRV6;
            cmsg->cmsg_len = CMSG_LEN(sizeof(struct in6_addr));
            memcpy(CMSG_DATA(cmsg), &((const struct sockaddr_in6 *)ss)->sin6_addr,
                   sizeof(struct in6_addr));
        } else {
            cmsg->cmsg_type = SCTP_DSTADDRV4;
            cmsg->cmsg_len = CMSG_LEN(sizeof(struct in_addr));
            memcpy(CMSG_DATA(cmsg), &((const struct sockaddr_in *)ss)->sin_addr,
                   sizeof(struct in_addr));
        }
    }
}

/* Checks the data argument (a string or an array of strings) and returns
 * the number of pieces; raises on anything else. */
#define DATA_WHAT(L, fn) lua_pushfstring((L), "%s: data", (fn))   /* only when raising */
static int check_data(lua_State *L, int idx, const char *what)
{
    int i, n;
    if (lua_type(L, idx) == LUA_TSTRING)
        return 1;
    if (lua_type(L, idx) != LUA_TTABLE)
        return lsctp_argerror(L, DATA_WHAT(L, what), "string or array of strings expected, got %s", luaL_typename(L, idx));
    n = (int)lua_rawlen(L, idx);
    if (n > IOV_MAX)
        return lsctp_argerror(L, DATA_WHAT(L, what), "at most %d strings, got %d", IOV_MAX, n);
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        if (lua_type(L, -1) != LUA_TSTRING)
            return lsctp_argerror(L, DATA_WHAT(L, what), "string expected at [%d], got %s", i,
                              luaL_typename(L, -1));
        lua_pop(L, 1);
    }
    return n;
}

/* Sends the string or array of strings at data_idx as one message, to the
 * association in info or (dest != NULL) to the peer addresses in dest.
 * Pushes true, or nil, err, detail (returns their count); raises for bad data. */
static int send_message(lua_State *L, lsctp_socket *s, int data_idx,
                        const struct sctp_sndrcvinfo *info,
                        const lsctp_addrlist *dest, const char *what)
{
    struct iovec stack_iov[IOV_STACK], *iov = stack_iov;
    union {
        char buf[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo)) + 4 * CMSG_SPACE(sizeof(struct in6_addr))];
        struct cmsghdr align;
    } control;
    char *heap_control = NULL;
    size_t ctl_size = control_size(dest);
    struct msghdr msg;
    int i, n, err;
    ssize_t rc;

    n = check_data(L, data_idx, what);
    if (lua_type(L, data_idx) == LUA_TSTRING) {
        size_t len;
        iov[0].iov_base = (void *)lua_tolstring(L, data_idx, &len);
        iov[0].iov_len = len;
    } else {
        if (n > IOV_STACK && !(iov = malloc(sizeof *iov * (size_t)n)))
            return lsctp_pushfail(L, "enomem", "out of memory");
        for (i = 0; i < n; i++) {
            size_t len;
            lua_rawgeti(L, data_idx, i + 1);
            /* the string stays alive: the table references it */
            iov[i].iov_base = (void *)lua_tolstring(L, -1, &len);
            iov[i].iov_len = len;
            lua_pop(L, 1);
        }
    }

    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = (size_t)n;
    if (ctl_size <= sizeof control.buf) {
        memset(control.buf, 0, ctl_size);
        msg.msg_control = control.buf;
    } else if ((heap_control = calloc(1, ctl_size)) != NULL) {
        msg.msg_control = heap_control;
    } else {
        if (iov != stack_iov)
            free(iov);
        return lsctp_pushfail(L, "enomem", "out of memory");
    }
    msg.msg_controllen = ctl_size;
    if (dest) {
        msg.msg_name = (void *)&dest->addrs[0];
        msg.msg_namelen = lsctp_sockaddr_len(dest->addrs[0].ss_family);
    }
    fill_control(&msg, info, dest);

    do
        rc = s->be->sendmsg(s->fd, &msg, MSG_DONTWAIT);
    while (rc < 0 && errno == EINTR);
    err = errno;
    if (iov != stack_iov)
        free(iov);
    free(heap_control);
    if (rc < 0)
        return lsctp_pusherrno(L, err, what);
    lua_pushboolean(L, 1);
    return 1;
}

/* send(sndrcvinfo, data) -> true | nil, "eagain" | nil, err, detail */
static int l_send(lua_State *L)
{
    struct sctp_sndrcvinfo info;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    if (!s)
        return 3;
    memset(&info, 0, sizeof info);
    lsctp_checksndrcvinfo(L, 2, &info, "send: sndrcvinfo");
    return send_message(L, s, 3, &info, NULL, "send");
}

/* The default send parameters of an association, from the cache or the
 * kernel (see lsctp_send_defaults). */
static void assoc_defaults(lsctp_socket *s, sctp_assoc_t id, struct sctp_sndrcvinfo *info)
{
    lsctp_send_defaults *cached = &s->send_cache[(unsigned)id % LSCTP_SEND_CACHE];
    socklen_t len = sizeof *info;
    if (cached->valid && cached->id == id) {
        *info = cached->info;
        return;
    }
    memset(info, 0, sizeof *info);
    info->sinfo_assoc_id = id;
    if (s->be->getsockopt(s->fd, IPPROTO_SCTP, SCTP_DEFAULT_SEND_PARAM, info, &len) == 0) {
        cached->valid = 1;
        cached->id = id;
        cached->info = *info;
    } else {
        memset(info, 0, sizeof *info);   /* no defaults for this id: plain send */
    }
    info->sinfo_assoc_id = id;
}

/* send_assoc(assoc, stream, data): the association's default send
 * parameters (sctp_default_send_param) with the stream replaced, as
 * gen_sctp:send/4 does. */
static int l_send_assoc(lua_State *L)
{
    struct sctp_sndrcvinfo info;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    sctp_assoc_t id;
    int stream;
    if (!s)
        return 3;
    id = lsctp_checkassoc(L, 2, "send: assoc");
    stream = (int)lsctp_checkint(L, 3, "send: stream", 0, 65535);
    assoc_defaults(s, id, &info);
    info.sinfo_assoc_id = id;
    info.sinfo_stream = (uint16_t)stream;
    return send_message(L, s, 4, &info, NULL, "send");
}

/* sendx(addrs, port, sndrcvinfo, data) -> assoc_id | nil, err, detail:
 * sends to the peer with these addresses, setting up the association
 * implicitly when there is none (sctp_sendx; SCTP_DSTADDRV4/V6 cmsgs carry
 * the addresses after the first). The id is looked up from the first address. */
static int l_sendx(lua_State *L)
{
    struct sctp_sndrcvinfo info;
    struct sctp_paddrinfo pinfo;
    socklen_t len = sizeof pinfo;
    lsctp_addrlist dest;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    int port, rc;
    if (!s)
        return 3;
    port = (int)lsctp_checkint(L, 3, "sendx: port", 1, 65535);
    memset(&info, 0, sizeof info);
    lsctp_checksndrcvinfo(L, 4, &info, "sendx: sndrcvinfo");
    check_data(L, 5, "sendx");   /* raise before anything is allocated */
    if ((rc = lsctp_addrlist_get(L, 2, port, s->family, &dest, "sendx: addrs")))
        return rc;
    rc = send_message(L, s, 5, &info, &dest, "sendx");
    if (rc != 1) {
        lsctp_addrlist_free(&dest);
        return rc;
    }
    lua_pop(L, 1);
    memset(&pinfo, 0, sizeof pinfo);
    pinfo.spinfo_assoc_id = info.sinfo_assoc_id;
    memcpy(&pinfo.spinfo_address, &dest.addrs[0], sizeof dest.addrs[0]);
    lsctp_addrlist_free(&dest);
    if (s->be->getsockopt(s->fd, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pinfo, &len) < 0)
        /* accepted, but the association is already gone: it was refused;
         * its cant_assoc and send_failed events follow from recv */
        return lsctp_pushfail(L, "econnrefused",
                              "sendx: the association could not be set up (see its events)");
    lua_pushinteger(L, pinfo.spinfo_assoc_id);
    return 1;
}

/* send_many(list, first) -> next index | nil, err, detail, next index.
 * Each entry of list is {sndrcvinfo, data} or {assoc, stream, data} (data a
 * string), as the two forms of send; entries from `first` on go out in
 * batches of up to SEND_BATCH messages per sendmmsg call. On "eagain" the
 * caller waits and calls again from the returned index. */
#define SEND_BATCH 64
static int l_send_many(lua_State *L)
{
    struct mmsghdr msgs[SEND_BATCH];
    struct iovec iovs[SEND_BATCH];
    union {
        char buf[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo))];
        size_t align;   /* cmsghdr's alignment (its flexible member rules it out here) */
    } controls[SEND_BATCH];
    lsctp_socket *s = lsctp_opensocket(L, 1);
    int total, next;
    if (!s)
        return 3;
    if (!lua_istable(L, 2))
        return lsctp_argerror(L, "send_many: list", "array of messages expected, got %s", luaL_typename(L, 2));
    total = (int)lua_rawlen(L, 2);
    next = (int)lsctp_optint(L, 3, "send_many: first", 1, (lua_Integer)total + 1, 1);
    while (next <= total) {
        int count = 0, sent;
        for (; count < SEND_BATCH && next + count <= total; count++) {
            struct sctp_sndrcvinfo info;
            struct cmsghdr *cmsg;
            size_t len;
            int data_idx;
            lua_rawgeti(L, 2, next + count);
            if (lua_type(L, -1) != LUA_TTABLE)
                return lsctp_argerror(L, "send_many: list", "entry %d: table expected, got %s",
                                      next + count, luaL_typename(L, -1));
            lua_rawgeti(L, -1, 3);
            if (lua_isnil(L, -1)) {            /* {sndrcvinfo, data} */
                lua_pop(L, 1);
                memset(&info, 0, sizeof info);
                lua_rawgeti(L, -1, 1);
                lsctp_checksndrcvinfo(L, -1, &info, "send_many: list: sndrcvinfo");
                lua_pop(L, 1);
                lua_rawgeti(L, -1, 2);
            } else {                           /* {assoc, stream, data} */
                lua_rawgeti(L, -2, 1);
                assoc_defaults(s, lsctp_checkassoc(L, -1, "send_many: list: assoc"), &info);
                lua_pop(L, 1);
                lua_rawgeti(L, -2, 2);
                info.sinfo_stream = (uint16_t)lsctp_checkint(L, -1, "send_many: list: stream", 0, 65535);
                lua_pop(L, 1);
            }
            data_idx = lua_gettop(L);
            if (lua_type(L, data_idx) != LUA_TSTRING)
                return lsctp_argerror(L, "send_many: list", "entry %d: data: string expected, got %s",
                                      next + count, luaL_typename(L, data_idx));
            /* the strings stay referenced by the list while we send */
            iovs[count].iov_base = (void *)lua_tolstring(L, data_idx, &len);
            iovs[count].iov_len = len;
            lua_pop(L, 2);
            memset(&msgs[count], 0, sizeof msgs[count]);
            msgs[count].msg_hdr.msg_iov = &iovs[count];
            msgs[count].msg_hdr.msg_iovlen = 1;
            msgs[count].msg_hdr.msg_control = controls[count].buf;
            msgs[count].msg_hdr.msg_controllen = sizeof controls[count].buf;
            cmsg = CMSG_FIRSTHDR(&msgs[count].msg_hdr);
            cmsg->cmsg_level = IPPROTO_SCTP;
            cmsg->cmsg_type = SCTP_SNDRCV;
            cmsg->cmsg_len = CMSG_LEN(sizeof info);
            memcpy(CMSG_DATA(cmsg), &info, sizeof info);
        }
        do
            sent = s->be->sendmmsg(s->fd, msgs, (unsigned)count, MSG_DONTWAIT);
        while (sent < 0 && errno == EINTR);
        if (sent < 0) {
            int err = errno;
            lsctp_pusherrno(L, err, "send_many");
            lua_pushinteger(L, next);
            return 4;
        }
        next += sent;
        if (sent < count) {
            /* the kernel stopped early (a full buffer, or an error that the
             * next call reports): let the caller wait and go on from here */
            lsctp_pushfail(L, "eagain", "send_many: the send buffer is full");
            lua_pushinteger(L, next);
            return 4;
        }
    }
    lua_pushinteger(L, next);
    return 1;
}

/* Sends an empty message carrying one flag to an association: eof/abort. */
static int send_flag(lua_State *L, unsigned flag, const char *fn, const char *what)
{
    struct sctp_sndrcvinfo info;
    lsctp_socket *s = lsctp_opensocket(L, 1);
    if (!s)
        return 3;
    memset(&info, 0, sizeof info);
    info.sinfo_assoc_id = lsctp_checkassoc(L, 2, what);
    info.sinfo_flags = (uint16_t)flag;
    /* the reason is optional: make slot 3 exist before filling it in
     * (lua_replace onto an absent index would pop it instead) */
    lua_settop(L, 3);
    if (lua_isnil(L, 3)) {
        lua_pushliteral(L, "");
        lua_replace(L, 3);
    } else if (lua_type(L, 3) != LUA_TSTRING) {
        return lsctp_argerror(L, "abort: reason", "string expected, got %s", luaL_typename(L, 3));
    }
    return send_message(L, s, 3, &info, NULL, fn);
}

static int l_eof(lua_State *L) { return send_flag(L, SCTP_EOF, "eof", "eof: assoc"); }
static int l_abort(lua_State *L) { return send_flag(L, SCTP_ABORT, "abort", "abort: assoc"); }

/* --- receive ------------------------------------------------------------ */

static int rx_reserve(lsctp_rxstate *rx, size_t want)
{
    size_t cap;
    char *buf;
    if (rx->cap - rx->len >= want)
        return 0;
    cap = rx->cap ? rx->cap : want;
    while (cap - rx->len < want)
        cap *= 2;
    if (!(buf = realloc(rx->buf, cap)))
        return -1;
    rx->buf = buf;
    rx->cap = cap;
    return 0;
}

/* One receive buffer per thread, shared by the sockets it reads: a new
 * message is read there, and only a message delivered in parts moves to a
 * buffer of its socket's own. Ten thousand sockets then hold no 64 KiB
 * buffer each. Per thread, not per process: Lua states may live in
 * several threads. */
typedef struct rx_scratch {
    char *buf;
    size_t cap;
} rx_scratch;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_key_ok;

static void scratch_free(void *p)
{
    rx_scratch *sc = (rx_scratch *)p;
    if (sc) {
        free(sc->buf);
        free(sc);
    }
}

static void scratch_init(void)
{
    scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0;
}

static rx_scratch *scratch_get(void)
{
    rx_scratch *sc;
    pthread_once(&scratch_once, scratch_init);
    if (!scratch_key_ok)
        return NULL;
    sc = (rx_scratch *)pthread_getspecific(scratch_key);
    if (!sc) {
        if (!(sc = (rx_scratch *)calloc(1, sizeof *sc)))
            return NULL;
        if (pthread_setspecific(scratch_key, sc) != 0) {
            free(sc);
            return NULL;
        }
    }
    return sc;
}

/* This thread's buffer with room for `want` bytes, or NULL. */
static rx_scratch *scratch_reserve(size_t want)
{
    rx_scratch *sc = scratch_get();
    if (sc && sc->cap < want) {
        char *buf = (char *)realloc(sc->buf, want);
        if (!buf)
            return NULL;
        sc->buf = buf;
        sc->cap = want;
    }
    return sc;
}

/* After a delivery: a buffer grown past RX_KEEP_MAX is not kept. */
static void scratch_trim(rx_scratch *sc)
{
    if (sc->cap > RX_KEEP_MAX) {
        free(sc->buf);
        sc->buf = NULL;
        sc->cap = 0;
    }
}

void lsctp_rx_scratch_owner(char *const **buf, const size_t **cap)
{
    rx_scratch *sc = scratch_get();
    *buf = sc ? &sc->buf : NULL;
    *cap = sc ? &sc->cap : NULL;
}

/* Reads the SCTP_SNDRCV cmsg, checking every length the kernel gave. */
static void rx_control(lsctp_rxstate *rx, struct msghdr *msg)
{
    struct cmsghdr *c;
    for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        /* CMSG_NXTHDR checks the lengths of the cmsgs after the first */
        if (c->cmsg_len > msg->msg_controllen - (size_t)((char *)c - (char *)msg->msg_control))
            break;
        if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_SNDRCV
            && c->cmsg_len >= CMSG_LEN(sizeof rx->info)) {
            memcpy(&rx->info, CMSG_DATA(c), sizeof rx->info);
            rx->have_info = 1;
        }
    }
}

static void push_list(lua_State *L, const char *p, size_t len)
{
    size_t i;
    lua_createtable(L, len > INT_MAX ? INT_MAX : (int)len, 0);
    for (i = 0; i < len; i++) {
        lua_pushinteger(L, (unsigned char)p[i]);
        lua_rawseti(L, -2, (int)i + 1);
    }
}

/* Pushes from_ip, from_port, ancdata, data for the complete message of
 * `len` bytes at `data` (the thread's buffer or the socket's own). */
static int rx_deliver(lua_State *L, lsctp_socket *s, const char *data, size_t len)
{
    lsctp_rxstate *rx = &s->rx;
    const struct sockaddr *sa = (const struct sockaddr *)&rx->from;
    lsctp_puship_cached(L, sa, rx->fromlen, &s->from_ip);   /* checks fromlen against the family */
    if (lua_isnil(L, -1)) {
        /* no address (e.g. an event without association): the wildcard */
        lua_pop(L, 1);
        lua_pushstring(L, s->family == AF_INET6 ? "::" : "0.0.0.0");
        lua_pushinteger(L, 0);
    } else {
        lua_pushinteger(L, ntohs(((const struct sockaddr_in *)sa)->sin_port));
    }
    if (rx->notification) {
        lua_createtable(L, 0, 0);
        lsctp_pushnotification(L, data, len);
    } else {
        lua_createtable(L, rx->have_info, 0);
        if (rx->have_info) {
            lsctp_pushsndrcvinfo(L, &rx->info);
            lua_rawseti(L, -2, 1);
        }
        if (s->list_mode)
            push_list(L, data, len);
        else
            lua_pushlstring(L, data, len);
    }
    rx->len = 0;
    rx->notification = rx->have_info = 0;
    if (rx->cap > RX_KEEP_MAX) {
        free(rx->buf);
        rx->buf = NULL;
        rx->cap = 0;
    }
    return 4;
}

/* recv([wait_ms]) -> from_ip, from_port, ancdata, data | nil, "eagain" | nil, err, detail.
 * Loops over partial deliveries until MSG_EOR; if the rest has not arrived
 * yet, what was read stays in s->rx for the next call. With wait_ms > 0
 * (only when the Lua layer knows this thread may block) each read waits up
 * to that long in the backend; else none does. */
static int rx_one(lua_State *L, lsctp_socket *s, int wait_ms)
{
    union {
        char buf[CMSG_SPACE(sizeof(struct sctp_sndrcvinfo)) + CMSG_SPACE(64)];
        struct cmsghdr align;
    } control;
    lsctp_rxstate *rx = &s->rx;
    size_t want = rx->chunk ? rx->chunk : LSCTP_DEFAULT_BUFFER;
    for (;;) {
        struct msghdr msg;
        struct iovec iov;
        rx_scratch *sc = NULL;   /* set when this read starts a message */
        ssize_t n;
        if (rx->len == 0) {
            if (!(sc = scratch_reserve(want)))
                return lsctp_pushfail(L, "enomem", "recv: out of memory for the message buffer");
            iov.iov_base = sc->buf;
            iov.iov_len = want;
        } else {
            if (rx_reserve(rx, want) < 0)
                return lsctp_pushfail(L, "enomem", "recv: out of memory for the message buffer");
            iov.iov_base = rx->buf + rx->len;
            iov.iov_len = rx->cap - rx->len;
        }
        memset(&msg, 0, sizeof msg);
        msg.msg_name = &rx->from;
        msg.msg_namelen = sizeof rx->from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof control.buf;
        n = wait_ms > 0 ? s->be->recvmsg_wait(s->fd, &msg, wait_ms, &s->wait_state)
                        : s->be->recvmsg(s->fd, &msg, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR && wait_ms > 0)   /* a signal: back to Lua, which re-checks its deadline */
                return lsctp_pushfail(L, "eagain", "recv: interrupted");
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return lsctp_pushfail(L, "eagain", "recv: no complete message yet");
            return lsctp_pusherrno(L, errno, "recv");
        }
        if (n == 0 && rx->len == 0 && !(msg.msg_flags & (MSG_EOR | MSG_NOTIFICATION)))
            return lsctp_pushfail(L, "closed", "recv: the peer closed the association");
        rx->fromlen = msg.msg_namelen <= sizeof rx->from ? msg.msg_namelen : 0;
        if ((msg.msg_flags & MSG_NOTIFICATION) && rx->len > 0 && !rx->notification) {
            /* A notification in the middle of a partially delivered message:
             * the rest of that message will never come (the kernel reports
             * it with a pdapi_event). Drop the fragment, keep the event. */
            memmove(rx->buf, rx->buf + rx->len, (size_t)n);
            rx->len = 0;
            rx->have_info = 0;
        }
        if (msg.msg_flags & MSG_NOTIFICATION)
            rx->notification = 1;
        if (msg.msg_controllen > 0)
            rx_control(rx, &msg);
        if (sc && (msg.msg_flags & MSG_EOR)) {
            int rc = rx_deliver(L, s, sc->buf, (size_t)n);
            scratch_trim(sc);
            return rc;
        }
        if (sc) {
            /* the first part of a message: it moves to the socket's own
             * buffer, where the rest is read (across calls if need be) */
            if (rx_reserve(rx, (size_t)n + want) < 0)
                return lsctp_pushfail(L, "enomem", "recv: out of memory for the message buffer");
            memcpy(rx->buf, sc->buf, (size_t)n);
        }
        rx->len += (size_t)n;
        if (msg.msg_flags & MSG_EOR)
            return rx_deliver(L, s, rx->buf, rx->len);
    }
}

#define WAIT_MS_MAX 3600000   /* the Lua layer asks in slices, far below this */

static int l_recv(lua_State *L)
{
    lsctp_socket *s = lsctp_opensocket(L, 1);
    int wait_ms;
    if (!s)
        return 3;
    wait_ms = (int)lsctp_optint(L, 2, "recv: wait", 0, WAIT_MS_MAX, 0);
    return rx_one(L, s, wait_ms);
}

/* recv_many(max [, wait_ms]) -> array of {from_ip, from_port, ancdata, data}
 * holding the messages already waiting (at most max), or nil, "eagain" when
 * there is none, or nil, err, detail. wait_ms as for recv, for the first
 * message only. An error after some messages ends the batch; the next call
 * reports it. */
static int l_recv_many(lua_State *L)
{
    lsctp_socket *s = lsctp_opensocket(L, 1);
    int max, wait_ms, n = 0;
    if (!s)
        return 3;
    max = (int)lsctp_checkint(L, 2, "recv_many: max", 1, 1 << 20);
    wait_ms = (int)lsctp_optint(L, 3, "recv_many: wait", 0, WAIT_MS_MAX, 0);
    lua_createtable(L, max < 64 ? max : 64, 0);
    while (n < max) {
        int i, rc = rx_one(L, s, n == 0 ? wait_ms : 0);
        if (rc != 4) {
            if (n > 0) {
                lua_pop(L, rc);
                break;
            }
            return rc;
        }
        lua_createtable(L, 4, 0);
        for (i = 4; i >= 1; i--) {
            lua_pushvalue(L, -1 - 1);   /* the value below the new table */
            lua_rawseti(L, -2, i);
            lua_remove(L, -2);
        }
        lua_rawseti(L, -2, ++n);
    }
    return 1;
}

/* setmode("binary"|"list") and setbuffer(bytes): receive-side settings */
static int l_setmode(lua_State *L)
{
    static const char *const modes[] = {"binary", "list", NULL};
    lsctp_socket *s = lsctp_checksocket(L, 1);
    s->list_mode = lsctp_checkname(L, 2, "setopts: opts: option 'mode'", modes, NULL);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_setbuffer(lua_State *L)
{
    lsctp_socket *s = lsctp_checksocket(L, 1);
    s->rx.chunk = (size_t)lsctp_checkint(L, 2, "setopts: opts: option 'buffer'", 256, 1 << 30);
    lua_pushboolean(L, 1);
    return 1;
}

static const luaL_Reg io_methods[] = {
    {"send", l_send},
    {"send_assoc", l_send_assoc},
    {"sendx", l_sendx},
    {"send_many", l_send_many},
    {"eof", l_eof},
    {"abort", l_abort},
    {"recv", l_recv},
    {"recv_many", l_recv_many},
    {"setmode", l_setmode},
    {"setbuffer", l_setbuffer},
    {NULL, NULL}};

void lsctp_io_open(lua_State *L)
{
    luaL_setfuncs(L, io_methods, 0);
}
