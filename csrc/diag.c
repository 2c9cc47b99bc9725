/* sctp.associations([family]): every SCTP association on the host, from
 * the kernel's sock_diag (sctp_diag), as `ss --sctp` shows them. The
 * backend fetches the netlink reply; this file decodes it, checking every
 * length the kernel gives before reading (lsctp_pushdiag is fuzzed). */
#include "lsctp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>
#include <linux/rtnetlink.h>

/* sctp_state_t as the diag reports it (sctp_status's names, which count
 * from an extra "empty" state: the diag's values are one less). */
static const char *const diag_states[] = {
    "sctp_state_closed", "sctp_state_cookie_wait", "sctp_state_cookie_echoed",
    "sctp_state_established", "sctp_state_shutdown_pending", "sctp_state_shutdown_sent",
    "sctp_state_shutdown_received", "sctp_state_shutdown_ack_sent"};

/* An array of the addresses in a LOCALS/PEERS attribute: sockaddr_storage
 * entries, as sctp_diag packs them. */
static void push_addrs(lua_State *L, const char *p, size_t len)
{
    size_t off;
    int n = 0;
    lua_createtable(L, (int)(len / sizeof(struct sockaddr_storage)), 0);
    for (off = 0; off + sizeof(struct sockaddr_storage) <= len; off += sizeof(struct sockaddr_storage)) {
        struct sockaddr_storage ss;
        memcpy(&ss, p + off, sizeof ss);
        lsctp_puship(L, (const struct sockaddr *)&ss, sizeof ss);
        if (lua_isnil(L, -1))
            lua_pop(L, 1);
        else
            lua_rawseti(L, -2, ++n);
    }
}

/* The fields of struct sctp_info kept in the record. */
#define INFO(field, name) {offsetof(struct sctp_info, field), sizeof(((struct sctp_info *)0)->field), name}
static const struct {
    size_t offset, size;
    const char *name;
} info_fields[] = {
    INFO(sctpi_tag, "tag"), INFO(sctpi_peer_tag, "peer_tag"),
    INFO(sctpi_instrms, "instrms"), INFO(sctpi_outstrms, "outstrms"),
    INFO(sctpi_rwnd, "rwnd"), INFO(sctpi_peer_rwnd, "peer_rwnd"),
    INFO(sctpi_unackdata, "unackdata"), INFO(sctpi_penddata, "penddata"),
    INFO(sctpi_inqueue, "inqueue"), INFO(sctpi_outqueue, "outqueue"),
    INFO(sctpi_ipackets, "ipackets"), INFO(sctpi_opackets, "opackets"),
    INFO(sctpi_rtxchunks, "rtxchunks"), INFO(sctpi_p_rto, "rto"),
    INFO(sctpi_p_srtt, "srtt"), INFO(sctpi_p_cwnd, "cwnd"),
};

static void push_info(lua_State *L, const char *p, size_t len)
{
    struct sctp_info info;
    size_t i;
    memset(&info, 0, sizeof info);
    memcpy(&info, p, len < sizeof info ? len : sizeof info);
    for (i = 0; i < sizeof info_fields / sizeof info_fields[0]; i++) {
        uint64_t v = 0;
        if (info_fields[i].offset + info_fields[i].size > len)
            continue;   /* an older kernel's shorter struct */
        switch (info_fields[i].size) {
        case 2: { uint16_t x; memcpy(&x, (char *)&info + info_fields[i].offset, 2); v = x; break; }
        case 4: { uint32_t x; memcpy(&x, (char *)&info + info_fields[i].offset, 4); v = x; break; }
        default: memcpy(&v, (char *)&info + info_fields[i].offset, 8);
        }
        lsctp_setint(L, info_fields[i].name, (lua_Integer)v);
    }
    if (len >= offsetof(struct sctp_info, sctpi_p_address) + sizeof info.sctpi_p_address) {
        lsctp_puship(L, (const struct sockaddr *)&info.sctpi_p_address, sizeof info.sctpi_p_address);
        lua_setfield(L, -2, "primary");
    }
}

/* One association record from an inet_diag_msg and its attributes. */
static void push_assoc(lua_State *L, const char *p, size_t len)
{
    struct inet_diag_msg m;
    size_t off = NLMSG_ALIGN(sizeof m);
    memcpy(&m, p, sizeof m);
    lua_createtable(L, 0, 24);
    lua_pushstring(L, m.idiag_family == AF_INET6 ? "inet6" : "inet");
    lua_setfield(L, -2, "family");
    if (m.idiag_state < sizeof diag_states / sizeof diag_states[0]) {
        lua_pushstring(L, diag_states[m.idiag_state]);
        lua_setfield(L, -2, "state");
    }
    lsctp_setint(L, "local_port", ntohs(m.id.idiag_sport));
    lsctp_setint(L, "peer_port", ntohs(m.id.idiag_dport));
    lsctp_setint(L, "uid", m.idiag_uid);
    lsctp_setint(L, "inode", m.idiag_inode);
    while (off + sizeof(struct rtattr) <= len) {
        struct rtattr a;
        size_t alen;
        memcpy(&a, p + off, sizeof a);
        if (a.rta_len < sizeof a || a.rta_len > len - off)
            break;
        alen = a.rta_len - RTA_LENGTH(0);
        if (a.rta_type == INET_DIAG_LOCALS || a.rta_type == INET_DIAG_PEERS) {
            push_addrs(L, p + off + RTA_LENGTH(0), alen);
            lua_setfield(L, -2, a.rta_type == INET_DIAG_LOCALS ? "local_addrs" : "peer_addrs");
        } else if (a.rta_type == INET_DIAG_INFO) {
            push_info(L, p + off + RTA_LENGTH(0), alen);
        }
        off += RTA_ALIGN(a.rta_len);
    }
}

int lsctp_pushdiag(lua_State *L, const char *buf, size_t len, int list, int n)
{
    size_t off = 0;
    list = lua_absindex(L, list);
    while (off + sizeof(struct nlmsghdr) <= len) {
        struct nlmsghdr h;
        memcpy(&h, buf + off, sizeof h);
        if (h.nlmsg_len < sizeof h || h.nlmsg_len > len - off)
            break;
        if (h.nlmsg_type == NLMSG_DONE)
            break;
        /* an association has peers: a record without them is an endpoint */
        if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY
            && h.nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg))) {
            push_assoc(L, buf + off + NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN);
            lua_getfield(L, -1, "peer_addrs");
            if (lua_isnil(L, -1)) {
                lua_pop(L, 2);
            } else {
                lua_pop(L, 1);
                lua_rawseti(L, list, ++n);
            }
        }
        off += NLMSG_ALIGN(h.nlmsg_len);
    }
    return n;
}

/* core.associations([family]) -> array of records | nil, err, detail */
static int l_associations(lua_State *L)
{
    static const char *const names[] = {"inet", "inet6", "any", NULL};
    static const int families[][2] = {{AF_INET, 0}, {AF_INET6, 0}, {AF_INET, AF_INET6}};
    int which = lsctp_checkname(L, 1, "associations: family", names, "any");
    int i, n = 0;
    lua_newtable(L);
    for (i = 0; i < 2 && families[which][i]; i++) {
        char *buf = NULL;
        size_t len = 0;
        if (lsctp_kernel_backend.diag_dump(families[which][i], &buf, &len) < 0) {
            int err = errno;
            if (err == ENOENT)
                return lsctp_pushfail(L, "enoent",
                    "associations: sctp_diag is not in this kernel (modprobe sctp_diag)");
            return lsctp_pusherrno(L, err, "associations");
        }
        n = lsctp_pushdiag(L, buf, len, -1, n);
        free(buf);
    }
    return 1;
}

void lsctp_diag_module(lua_State *L)
{
    lua_pushcfunction(L, l_associations);
    lua_setfield(L, -2, "associations");
}
