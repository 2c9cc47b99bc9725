/* Writes the seed corpus fuzz/corpus/<target>/ (fuzz/run --seeds).
 *
 * Notifications and cmsgs are laid out with the kernel's own structs from
 * <netinet/sctp.h> (the bytes recvmsg returns for each event type), and
 * the framing of each harness's input is the one fuzz_common.c and the
 * harnesses read. Option and field names are looked up in core.optnames()
 * and names.h, so the seeds follow the option table. Built from the csrc
 * sources without sanitizers. */
#include "../csrc/lsctp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lualib.h>

#include "names.h"

LSCTP_API int luaopen_sctp_core(lua_State *L);

/* --- a growing byte buffer ------------------------------------------------ */

typedef struct {
    unsigned char b[8192];
    size_t n;
} buf;

static void put(buf *b, const void *p, size_t n)
{
    if (b->n + n > sizeof b->b)
        abort();
    memcpy(b->b + b->n, p, n);
    b->n += n;
}
static void u8(buf *b, unsigned v) { unsigned char c = (unsigned char)v; put(b, &c, 1); }
static void u16be(buf *b, unsigned v) { u8(b, v >> 8); u8(b, v & 0xff); }
static void u32be(buf *b, uint32_t v) { u16be(b, v >> 16); u16be(b, v & 0xffff); }

static const char *outdir;

static void save(const char *target, const char *name, const buf *b)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s/%s", outdir, target, name);
    if (!(f = fopen(path, "wb")) || fwrite(b->b, 1, b->n, f) != b->n || fclose(f) != 0) {
        fprintf(stderr, "mkseeds: %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

/* --- kernel layouts --------------------------------------------------------- */
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>
#include <linux/rtnetlink.h>


static struct sockaddr_in sin4(const char *ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static struct sockaddr_in6 sin6(const char *ip, int port)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((uint16_t)port);
    inet_pton(AF_INET6, ip, &a.sin6_addr);
    return a;
}

static struct sctp_sndrcvinfo sndrcv(int stream, uint32_t ppid, unsigned flags)
{
    struct sctp_sndrcvinfo i;
    memset(&i, 0, sizeof i);
    i.sinfo_stream = (uint16_t)stream;
    i.sinfo_ssn = 7;
    i.sinfo_flags = (uint16_t)flags;
    i.sinfo_ppid = htonl(ppid);
    i.sinfo_context = 3;
    i.sinfo_tsn = 0x1234;
    i.sinfo_cumtsn = 0x1233;
    i.sinfo_assoc_id = 5;
    return i;
}

/* One notification of each type, as the kernel lays it out: a row is the
 * struct's fields, the length of its fixed part (the whole struct, or up to
 * its variable tail) and the tail; sn_length covers both. `addr` is a
 * paddr_change's address (port 5000); a row with `cut` is a truncated read,
 * only its first `cut` bytes. */
static const uint16_t reset_streams[3] = {1, 2, 7};

static const struct note_row {
    const char *name;
    size_t len;
    const void *tail;
    size_t tail_len;
    const char *addr;
    size_t cut;
    union sctp_notification n;   /* last: its structs end in flexible arrays */
} notes[] = {
    {.name = "assoc_change_comm_up", .len = sizeof(struct sctp_assoc_change),
     .n.sn_assoc_change = {.sac_type = SCTP_ASSOC_CHANGE, .sac_state = SCTP_COMM_UP,
                           .sac_outbound_streams = 10, .sac_inbound_streams = 10,
                           .sac_assoc_id = 5}},
    {.name = "paddr_change_v4", .len = sizeof(struct sctp_paddr_change), .addr = "127.0.0.2",
     .n.sn_paddr_change = {.spc_type = SCTP_PEER_ADDR_CHANGE, .spc_state = SCTP_ADDR_CONFIRMED,
                           .spc_assoc_id = 5}},
    {.name = "paddr_change_v6", .len = sizeof(struct sctp_paddr_change), .addr = "::1",
     .n.sn_paddr_change = {.spc_type = SCTP_PEER_ADDR_CHANGE, .spc_state = SCTP_ADDR_UNREACHABLE,
                           .spc_error = 1, .spc_assoc_id = 6}},
    /* ssf_info: set by notification() */
    {.name = "send_failed", .len = offsetof(struct sctp_send_failed, ssf_data),
     .tail = "undelivered", .tail_len = 11,
     .n.sn_send_failed = {.ssf_type = SCTP_SEND_FAILED, .ssf_flags = SCTP_DATA_UNSENT,
                          .ssf_assoc_id = 5}},
#ifdef SCTP_SEND_FAILED_EVENT
    /* the RFC 6458 form: a struct sctp_sndinfo, the DATA chunk's U bit in its flags */
    {.name = "send_failed_event", .len = offsetof(struct sctp_send_failed_event, ssf_data),
     .tail = "undelivered", .tail_len = 11,
     .n.sn_send_failed_event = {.ssf_type = SCTP_SEND_FAILED_EVENT, .ssf_flags = SCTP_DATA_SENT,
                                .ssf_error = 1, .ssfe_info = {.snd_sid = 2, .snd_flags = 0x04,
                                .snd_ppid = 46, .snd_context = 7, .snd_assoc_id = 5},
                                .ssf_assoc_id = 5}},
#endif
    /* sre_error (1: invalid stream identifier): set by notification() */
    {.name = "remote_error", .len = offsetof(struct sctp_remote_error, sre_data),
     .tail = "\x00\x01\x00\x08\x00\x09\x00\x00", .tail_len = 8,
     .n.sn_remote_error = {.sre_type = SCTP_REMOTE_ERROR, .sre_assoc_id = 5}},
    {.name = "shutdown_event", .len = sizeof(struct sctp_shutdown_event),
     .n.sn_shutdown_event = {.sse_type = SCTP_SHUTDOWN_EVENT, .sse_assoc_id = 5}},
    {.name = "adaptation_event", .len = sizeof(struct sctp_adaptation_event),
     .n.sn_adaptation_event = {.sai_type = SCTP_ADAPTATION_INDICATION,
                               .sai_adaptation_ind = 0x01020304, .sai_assoc_id = 5}},
    {.name = "pdapi_event", .len = sizeof(struct sctp_pdapi_event),
     .n.sn_pdapi_event = {.pdapi_type = SCTP_PARTIAL_DELIVERY_EVENT,
                          .pdapi_indication = SCTP_PARTIAL_DELIVERY_ABORTED,
                          .pdapi_assoc_id = 5, .pdapi_stream = 2, .pdapi_seq = 9}},
    {.name = "authentication_event", .len = sizeof(struct sctp_authkey_event),
     .n.sn_authkey_event = {.auth_type = SCTP_AUTHENTICATION_EVENT, .auth_keynumber = 1,
                            .auth_indication = SCTP_AUTH_NEW_KEY, .auth_assoc_id = 5}},
    {.name = "sender_dry_event", .len = sizeof(struct sctp_sender_dry_event),
     .n.sn_sender_dry_event = {.sender_dry_type = SCTP_SENDER_DRY_EVENT,
                               .sender_dry_assoc_id = 5}},
    {.name = "stream_reset_event",
     .len = offsetof(struct sctp_stream_reset_event, strreset_stream_list),
     .tail = reset_streams, .tail_len = sizeof reset_streams,
     .n.sn_strreset_event = {.strreset_type = SCTP_STREAM_RESET_EVENT,
                             .strreset_flags = SCTP_STREAM_RESET_OUTGOING_SSN,
                             .strreset_assoc_id = 5}},
    {.name = "assoc_reset_event", .len = sizeof(struct sctp_assoc_reset_event),
     .n.sn_assocreset_event = {.assocreset_type = SCTP_ASSOC_RESET_EVENT,
                               .assocreset_flags = SCTP_ASSOC_RESET_DENIED,
                               .assocreset_assoc_id = 5, .assocreset_local_tsn = 100,
                               .assocreset_remote_tsn = 200}},
    {.name = "stream_change_event", .len = sizeof(struct sctp_stream_change_event),
     .n.sn_strchange_event = {.strchange_type = SCTP_STREAM_CHANGE_EVENT,
                              .strchange_flags = SCTP_STREAM_CHANGE_DENIED,
                              .strchange_assoc_id = 5, .strchange_instrms = 4,
                              .strchange_outstrms = 8}},
    /* the tail is the ABORT chunk */
    {.name = "assoc_change_comm_lost_abort_info",
     .len = offsetof(struct sctp_assoc_change, sac_info),
     .tail = "\x06\x00\x00\x08\x00\x0c\x00\x04", .tail_len = 8,
     .n.sn_assoc_change = {.sac_type = SCTP_ASSOC_CHANGE, .sac_state = SCTP_COMM_LOST,
                           .sac_error = 0x0c, .sac_assoc_id = 5}},
    {.name = "truncated_assoc_change", .len = sizeof(struct sctp_assoc_change), .cut = 10,
     .n.sn_assoc_change = {.sac_type = SCTP_ASSOC_CHANGE}},
    {.name = "unknown_type", .len = 8 /* the header */, .tail = "abcd", .tail_len = 4,
     .n.sn_header = {.sn_type = 0x7fff}},
    {.name = "short_header", .len = 8, .cut = 1,
     .n.sn_header = {.sn_type = 1}},
};

/* Notification `which` (an index into notes[]) in out; returns its length
 * and its name in *name, or 0 past the last one. */
static size_t notification(size_t which, unsigned char *out, const char **name)
{
    const struct note_row *r;
    union sctp_notification n;
    size_t len;
    if (which >= sizeof notes / sizeof notes[0])
        return 0;
    r = &notes[which];
    *name = r->name;
    n = r->n;
    /* what an initializer cannot say: addresses, network byte order */
    if (r->addr && strchr(r->addr, ':')) {
        struct sockaddr_in6 a = sin6(r->addr, 5000);
        memcpy(&n.sn_paddr_change.spc_aaddr, &a, sizeof a);
    } else if (r->addr) {
        struct sockaddr_in a = sin4(r->addr, 5000);
        memcpy(&n.sn_paddr_change.spc_aaddr, &a, sizeof a);
    }
    if (n.sn_header.sn_type == SCTP_SEND_FAILED)
        n.sn_send_failed.ssf_info = sndrcv(1, 46, 0);
    if (n.sn_header.sn_type == SCTP_REMOTE_ERROR)
        n.sn_remote_error.sre_error = htons(1);
    len = r->len + r->tail_len;
    n.sn_header.sn_length = (uint32_t)len;
    memcpy(out, &n, r->len);
    if (r->tail_len)
        memcpy(out + r->len, r->tail, r->tail_len);
    return r->cut ? r->cut : len;
}

/* The index of the notification called `name` in notes[]. */
static size_t note_index(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof notes / sizeof notes[0]; i++)
        if (strcmp(notes[i].name, name) == 0)
            return i;
    fprintf(stderr, "mkseeds: no notification %s\n", name);
    exit(1);
}

/* --- recv segments (the layout f_recvmsg reads) ---------------------------- */

enum { EOR = 1, NOTIF = 2, CTRUNC = 4 };

/* name: 3 -> 16 bytes, 5 -> 28 bytes, 0 -> none */
static void segment(buf *b, unsigned flags, const void *name, size_t namelen,
                    const void *ctl, size_t ctllen, const void *data, size_t datalen)
{
    u8(b, 0);                                    /* a segment */
    u8(b, flags);
    u8(b, namelen == 16 ? 3 : namelen == 28 ? 5 : 0);
    put(b, name, namelen);
    u8(b, (unsigned)ctllen);                     /* controllen */
    u8(b, 1);                                    /* raw control bytes */
    put(b, ctl, ctllen);
    u16be(b, (unsigned)datalen);
    put(b, data, datalen);
}

static size_t sndrcv_cmsg(unsigned char *out, const struct sctp_sndrcvinfo *i)
{
    struct cmsghdr h;
    memset(out, 0, CMSG_SPACE(sizeof *i));
    h.cmsg_len = CMSG_LEN(sizeof *i);
    h.cmsg_level = IPPROTO_SCTP;
    h.cmsg_type = SCTP_SNDRCV;
    memcpy(out, &h, sizeof h);
    memcpy(out + CMSG_LEN(0), i, sizeof *i);
    return CMSG_SPACE(sizeof *i);
}

static void recv_seeds(void)
{
    struct sockaddr_in from = sin4("127.0.0.1", 40000);
    struct sockaddr_in6 from6 = sin6("::1", 40001);
    struct sctp_sndrcvinfo info = sndrcv(1, 46, 0);
    unsigned char ctl[256], note[512];
    size_t clen = sndrcv_cmsg(ctl, &info), nlen;
    char name[64], big[1500];
    const char *nname;
    buf b;
    int i;

    /* one whole message with its SCTP_SNDRCV cmsg (config: default buffer) */
    b.n = 0; u8(&b, 0x18);
    segment(&b, EOR, &from, sizeof from, ctl, clen, "hello", 5);
    save("recv", "data_v4", &b);

    b.n = 0; u8(&b, 0x19);
    segment(&b, EOR, &from6, sizeof from6, ctl, clen, "hello v6", 8);
    save("recv", "data_v6", &b);

    /* list mode, stream socket */
    b.n = 0; u8(&b, 0x1e);
    segment(&b, EOR, &from, sizeof from, ctl, clen, "\x01\x02\x03", 3);
    save("recv", "data_list_stream", &b);

    /* a message in three partial deliveries (buffer 256) */
    memset(big, 'x', sizeof big);
    b.n = 0; u8(&b, 0x00);
    segment(&b, 0, &from, sizeof from, ctl, clen, big, 256);
    segment(&b, 0, &from, sizeof from, ctl, clen, big, 256);
    segment(&b, EOR, &from, sizeof from, ctl, clen, big, 100);
    save("recv", "partial_3", &b);

    /* partial delivery, then EAGAIN, then the rest */
    b.n = 0; u8(&b, 0x08);
    segment(&b, 0, &from, sizeof from, ctl, clen, "first half ", 11);
    u8(&b, 200);                                 /* EAGAIN */
    segment(&b, EOR, &from, sizeof from, ctl, clen, "second half", 11);
    save("recv", "partial_eagain", &b);

    /* recv_many: one recv, then recv_many taking three messages */
    b.n = 0; u8(&b, 0x58);
    segment(&b, EOR, &from, sizeof from, ctl, clen, "first", 5);
    for (i = 0; i < 3; i++)
        segment(&b, EOR, &from, sizeof from, ctl, clen, "batched", 7);
    save("recv", "recv_many", &b);

    /* a notification in the middle of a partial delivery (pdapi abort) */
    nlen = notification(note_index("pdapi_event"), note, &nname);
    b.n = 0; u8(&b, 0x18);
    segment(&b, 0, &from, sizeof from, ctl, clen, "fragment", 8);
    segment(&b, EOR | NOTIF, &from, sizeof from, NULL, 0, note, nlen);
    segment(&b, EOR, &from, sizeof from, ctl, clen, "next", 4);
    save("recv", "pdapi_mid_message", &b);

    /* every notification type, as a whole message */
    for (i = 0; (nlen = notification(i, note, &nname)) > 0; i++) {
        b.n = 0; u8(&b, 0x18);
        segment(&b, EOR | NOTIF, &from, sizeof from, NULL, 0, note, nlen);
        snprintf(name, sizeof name, "notification_%s", nname);
        save("recv", name, &b);
    }

    /* a notification split over two reads; no source address */
    nlen = notification(note_index("send_failed"), note, &nname);
    b.n = 0; u8(&b, 0x18);
    segment(&b, NOTIF, NULL, 0, NULL, 0, note, 10);
    segment(&b, EOR | NOTIF, NULL, 0, NULL, 0, note + 10, nlen - 10);
    save("recv", "notification_split", &b);

    /* a truncated cmsg (MSG_CTRUNC) and an unrelated cmsg before SNDRCV */
    b.n = 0; u8(&b, 0x18);
    segment(&b, EOR | CTRUNC, &from, sizeof from, ctl, 24, "ctrunc", 6);
    save("recv", "cmsg_truncated", &b);
    {
        unsigned char two[256];
        struct cmsghdr h;
        memset(two, 0, sizeof two);
        h.cmsg_len = CMSG_LEN(4);
        h.cmsg_level = SOL_SOCKET;
        h.cmsg_type = 1;
        memcpy(two, &h, sizeof h);
        clen = CMSG_SPACE(4) + sndrcv_cmsg(two + CMSG_SPACE(4), &info);
        b.n = 0; u8(&b, 0x18);
        segment(&b, EOR, &from, sizeof from, two, clen, "two cmsgs", 9);
        save("recv", "cmsg_two", &b);
    }

    /* a raw sndrcvinfo for lsctp_pushsndrcvinfo with a PR-SCTP policy */
    info = sndrcv(3, 0xffffffffu, SCTP_UNORDERED | SCTP_PR_SCTP_TTL);
    info.sinfo_timetolive = 1000;
    b.n = 0; u8(&b, 0x38);
    put(&b, &info, sizeof info);
    save("recv", "sndrcvinfo_pr_ttl", &b);

    /* end of stream, errors */
    b.n = 0; u8(&b, 0x1a);
    segment(&b, 0, NULL, 0, NULL, 0, NULL, 0);
    u8(&b, 250);
    u8(&b, 3);
    save("recv", "eof_then_error", &b);
}

static void notify_seeds(void)
{
    unsigned char note[512];
    const char *nname;
    size_t i, nlen;
    buf b;
    for (i = 0; (nlen = notification(i, note, &nname)) > 0; i++) {
        b.n = 0;
        put(&b, note, nlen);
        save("notify", nname, &b);
    }
}

/* --- usrsctp notifications (what fuzz_usrsctp.c translates) ---------------- */

/* fuzz/mkseeds_usrsctp.c: usrsctp's layouts, from <usrsctp.h> */
size_t mkseeds_usrsctp_note(size_t which, unsigned char *out, size_t room, const char **name);

/* Two control bytes (fuzz_usrsctp.c: where the old send_failed form goes,
 * the notification's offset from 8-byte alignment, a room), then the
 * notification. Every notification 8-aligned with the guaranteed room in a
 * buffer of its own, and at an odd offset (read after the part of a
 * message it cuts short); send_failed_events also in place, after the
 * event, with exactly the room an honest one needs (k = 32), one byte
 * short (33) and in a small room (63). */
static void usrsctp_seeds(void)
{
    static const struct { const char *suffix; unsigned ctl, k; } variants[] = {
        {"", 0, 0}, {"_offset3", 3 << 2, 0}, {"_in_place", 1, 0}, {"_after", 2, 0},
        {"_exact_room", 0, 32}, {"_short_room", 0, 33}, {"_in_place_short", 1, 33},
        {"_small_room", 3, 63},
    };
    unsigned char note[512];
    char fname[128];
    const char *nname;
    size_t i, v, nlen;
    buf b;
    for (i = 0; (nlen = mkseeds_usrsctp_note(i, note, sizeof note, &nname)) > 0; i++) {
        for (v = 0; v < sizeof variants / sizeof variants[0]; v++) {
            if (v > 1 && strncmp(nname, "send_failed_event", 17) != 0)
                break;
            b.n = 0;
            u8(&b, variants[v].ctl);
            u8(&b, variants[v].k);
            put(&b, note, nlen);
            snprintf(fname, sizeof fname, "%s%s", nname, variants[v].suffix);
            save("usrsctp", fname, &b);
        }
    }
    b.n = 0;
    save("usrsctp", "empty", &b);
}

/* --- sock_diag replies (what fuzz_diag.c decodes) ---------------------------- */

/* One netlink attribute: header, payload, padding to 4 bytes. */
static void rta(buf *b, unsigned type, const void *p, size_t n)
{
    struct rtattr a;
    static const unsigned char zero[4];
    a.rta_len = (unsigned short)RTA_LENGTH(n);
    a.rta_type = (unsigned short)type;
    put(b, &a, sizeof a);
    put(b, p, n);
    put(b, zero, RTA_ALIGN(a.rta_len) - a.rta_len);
}

/* One SOCK_DIAG_BY_FAMILY message: an association (peers given) or an
 * endpoint (no peers), with sctp_info when `info`. */
static void diag_msg(buf *b, int family, int peers, int info)
{
    size_t start = b->n;
    struct nlmsghdr h;
    struct inet_diag_msg m;
    struct sockaddr_storage ss[2];
    struct sctp_info si;
    memset(&h, 0, sizeof h);
    h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    put(b, &h, sizeof h);
    memset(&m, 0, sizeof m);
    m.idiag_family = (unsigned char)family;
    m.idiag_state = 3;
    m.id.idiag_sport = htons(5000);
    m.id.idiag_dport = htons(6000);
    put(b, &m, sizeof m);
    memset(ss, 0, sizeof ss);
    if (family == AF_INET6) {
        struct sockaddr_in6 a = sin6("::1", 5000);
        memcpy(&ss[0], &a, sizeof a);
        memcpy(&ss[1], &a, sizeof a);
    } else {
        struct sockaddr_in a = sin4("127.0.0.1", 5000), c = sin4("10.0.0.1", 5000);
        memcpy(&ss[0], &a, sizeof a);
        memcpy(&ss[1], &c, sizeof c);
    }
    rta(b, INET_DIAG_LOCALS, ss, sizeof ss);
    if (peers)
        rta(b, INET_DIAG_PEERS, ss, sizeof ss[0]);
    if (info) {
        memset(&si, 0, sizeof si);
        si.sctpi_tag = 0x1234;
        si.sctpi_instrms = 10;
        si.sctpi_outstrms = 10;
        si.sctpi_p_rto = 3000;
        memcpy(&si.sctpi_p_address, &ss[0], sizeof ss[0]);
        rta(b, INET_DIAG_INFO, &si, sizeof si);
    }
    h.nlmsg_len = (uint32_t)(b->n - start);
    memcpy(b->b + start, &h, sizeof h);
}

static void diag_done(buf *b)
{
    struct nlmsghdr h;
    int zero = 0;
    memset(&h, 0, sizeof h);
    h.nlmsg_type = NLMSG_DONE;
    h.nlmsg_len = NLMSG_LENGTH(sizeof zero);
    put(b, &h, sizeof h);
    put(b, &zero, sizeof zero);
}

static void diag_seeds(void)
{
    buf b;
    b.n = 0;
    diag_msg(&b, AF_INET, 1, 1);
    diag_done(&b);
    save("diag", "assoc-inet", &b);
    b.n = 0;
    diag_msg(&b, AF_INET6, 1, 1);
    diag_msg(&b, AF_INET, 0, 0);
    diag_msg(&b, AF_INET, 1, 0);
    diag_done(&b);
    save("diag", "three-records", &b);
    b.n = 0;
    diag_msg(&b, AF_INET, 1, 1);
    b.n -= 40;   /* cut inside sctp_info: the decoder must stop at the end */
    save("diag", "truncated", &b);
}

/* --- addresses (the layout fuzz_addr.c reads) -------------------------------- */

static void addr_seeds(void)
{
    struct sockaddr_in a4 = sin4("192.0.2.1", 3868);
    struct sockaddr_in6 a6 = sin6("2001:db8::1", 2905);
    struct sockaddr_in6 mapped = sin6("::ffff:10.0.0.1", 36412);
    buf b;

    b.n = 0; u8(&b, 0); u8(&b, sizeof a4); put(&b, &a4, sizeof a4);
    save("addr", "sockaddr_in", &b);
    b.n = 0; u8(&b, 0); u8(&b, sizeof a6); put(&b, &a6, sizeof a6);
    save("addr", "sockaddr_in6", &b);
    b.n = 0; u8(&b, 1); u8(&b, sizeof mapped); put(&b, &mapped, sizeof mapped);
    save("addr", "ip_v4mapped", &b);
    b.n = 0; u8(&b, 0); u8(&b, 15); put(&b, &a4, 15);
    save("addr", "sockaddr_in_short", &b);

    /* socknames over a packed list: v4, v6, v4 (fail byte 1 = no failure) */
    b.n = 0; u8(&b, 2); u8(&b, 0x01); u8(&b, 1); u8(&b, 3);
    u8(&b, 0); put(&b, &a4, sizeof a4);
    u8(&b, 1); put(&b, &a6, sizeof a6);
    u8(&b, 0); put(&b, &a4, sizeof a4);
    save("addr", "socknames_mixed", &b);
    /* peernames with an assoc table and an unknown family in the list */
    b.n = 0; u8(&b, 2); u8(&b, 0x14); u32be(&b, 5); u8(&b, 1); u8(&b, 2);
    u8(&b, 0); put(&b, &a4, sizeof a4);
    u8(&b, 2); u16be(&b, 0x0100); put(&b, &a4, sizeof a4);
    save("addr", "peernames_unknown_family", &b);
    /* no addresses at all */
    b.n = 0; u8(&b, 2); u8(&b, 0); u8(&b, 1); u8(&b, 0);
    save("addr", "socknames_empty", &b);

    /* the encoder: bindx("127.0.0.1", 5000); connectx of an array */
    b.n = 0; u8(&b, 3); u8(&b, 0x0c); u8(&b, 0); u16be(&b, 5000); u8(&b, 1);
    save("addr", "bindx_string", &b);
    b.n = 0; u8(&b, 3); u8(&b, 0x04);
    u8(&b, 9); u8(&b, 3);                 /* an array of 3 */
    u8(&b, 7); u8(&b, 0);                 /* "127.0.0.1" */
    u8(&b, 7); u8(&b, 2);                 /* "::1" */
    u8(&b, 7); u8(&b, 14);                /* "hostname" (fake resolver) */
    u16be(&b, 3868); u8(&b, 1); u32be(&b, 9);
    save("addr", "connectx_array", &b);
}

/* --- options (the layout fuzz_options.c reads) ------------------------------- */

static const char **opts;
static size_t nopts;

static unsigned opt_index(const char *name)
{
    size_t i;
    for (i = 0; i < nopts; i++)
        if (strcmp(opts[i], name) == 0)
            return (unsigned)i;
    fprintf(stderr, "mkseeds: no option %s\n", name);
    exit(1);
}

static unsigned name_index(const char *name)
{
    unsigned i;
    for (i = 0; fz_names[i]; i++)
        if (strcmp(fz_names[i], name) == 0)
            return i;
    fprintf(stderr, "mkseeds: %s is not in names.h\n", name);
    exit(1);
}

/* fz_pushstring: a dictionary word */
static void word(buf *b, const char *w) { u8(b, name_index(w)); }

/* push_record fields, by k % 7: 0 int (u8), 1 boolean (bit 3 of k), 2 flag
 * array, 3 a word, 4 an address word (index into addr_words) */
static void field_int(buf *b, const char *f, unsigned v) { u8(b, 0); word(b, f); u8(b, v); }
static void field_bool(buf *b, const char *f, int v) { u8(b, v ? 8 : 1); word(b, f); }
static void field_addr(buf *b, const char *f, unsigned addr_word) { u8(b, 4); word(b, f); u8(b, addr_word); }
static void field_flags(buf *b, const char *f, const char *fl)
{
    u8(b, 2); word(b, f); u8(b, fl ? 1 : 0);
    if (fl)
        word(b, fl);
}

static void op_setopt_record(buf *b, const char *opt, int nfields)
{
    u8(b, 0);
    u8(b, opt_index(opt));
    u8(b, 1);                 /* push_value: a record */
    u8(b, (unsigned)nfields);
}

static void options_seeds(void)
{
    buf b;
    size_t i;
    char name[96];

    /* every option: getopt with a getsockopt answer of zeros, then setopt
     * of an integer (the scalar ones take it, records raise) */
    for (i = 0; i < nopts; i++) {
        b.n = 0; u8(&b, 0);
        u8(&b, 2); u8(&b, (unsigned)i); u8(&b, 1);
        u8(&b, 0); u8(&b, (unsigned)i); u8(&b, 0); u8(&b, 2); u8(&b, 6);
        u8(&b, 1); u8(&b, 1);
        snprintf(name, sizeof name, "get_set_%s", opts[i]);
        save("options", name, &b);
    }

    b.n = 0; u8(&b, 0);
    op_setopt_record(&b, "sctp_initmsg", 2);
    field_int(&b, "num_ostreams", 10); field_int(&b, "max_instreams", 10);
    u8(&b, 1); u8(&b, 1);
    save("options", "set_initmsg", &b);

    b.n = 0; u8(&b, 0);
    op_setopt_record(&b, "sctp_events", 3);
    field_bool(&b, "data_io_event", 1); field_bool(&b, "association_event", 1);
    field_bool(&b, "sender_dry_event", 0);
    u8(&b, 8); u8(&b, 0);     /* SCTP_EVENT fails: the legacy fallback */
    save("options", "set_events_legacy", &b);

    b.n = 0; u8(&b, 0);
    op_setopt_record(&b, "sctp_peer_addr_params", 3);
    field_int(&b, "assoc_id", 5); field_int(&b, "hbinterval", 200);
    field_flags(&b, "flags", "hb_enable");
    u8(&b, 1); u8(&b, 1);
    save("options", "set_peer_addr_params", &b);

    b.n = 0; u8(&b, 0);
    op_setopt_record(&b, "sctp_default_send_param", 3);
    field_int(&b, "stream", 3); field_int(&b, "ppid", 46);
    u8(&b, 3); word(&b, "pr_policy"); word(&b, "ttl");
    u8(&b, 1); u8(&b, 1);
    save("options", "set_default_send_param", &b);

    /* addresses without a port: the port comes from the association */
    b.n = 0; u8(&b, 0);
    op_setopt_record(&b, "sctp_primary_addr", 2);
    field_int(&b, "assoc_id", 5); field_addr(&b, "addr", 0);
    u8(&b, 1); u8(&b, 1); u8(&b, 0); put(&b, "\x02\x00\x0f\xa0\x7f\x00\x00\x01", 8);
    save("options", "set_primary_addr", &b);
    b.n = 0; u8(&b, 1);       /* an inet6 socket */
    u8(&b, 0x82); u8(&b, opt_index("sctp_get_peer_addr_info")); u8(&b, 1); u8(&b, 2);
    field_int(&b, "assoc_id", 5); field_addr(&b, "address", 1);
    u8(&b, 1); u8(&b, 1); u8(&b, 1); put(&b, "\x0a\x00\x0f\xa0", 4);
    save("options", "get_peer_addr_info", &b);

    /* send(sndrcvinfo, data) with flags; send of an array of strings */
    b.n = 0; u8(&b, 0);
    u8(&b, 4); u8(&b, 1); u8(&b, 2);
    field_int(&b, "stream", 1); field_flags(&b, "flags", "unordered");
    u8(&b, 7); u8(&b, 0xe0); u8(&b, 5); put(&b, "hello", 5);
    u8(&b, 1);
    save("options", "send_record", &b);

    /* send_many: {sndrcvinfo, data}, {assoc, stream, data}, {{}, data} */
    b.n = 0; u8(&b, 0);
    u8(&b, 0x47); u8(&b, 3);
    u8(&b, 0x82); u8(&b, 2); field_int(&b, "stream", 1); field_int(&b, "ppid", 46); u8(&b, 7);
    u8(&b, 2); u32be(&b, 5); u8(&b, 1); u8(&b, 5);
    u8(&b, 0); u8(&b, 3);
    save("options", "send_many", &b);
    /* send_many over two batches (70 entries), the kernel taking 10 */
    b.n = 0; u8(&b, 0);
    u8(&b, 0x47); u8(&b, 70);
    for (i = 0; i < 70; i++) { u8(&b, 0); u8(&b, 5); }
    u8(&b, 1); u8(&b, 9);
    save("options", "send_many_batches", &b);

    /* the AUTH lists, answered with real contents (mode 0x61: the bytes
     * that follow): three chunk types; sha256 then sha1 */
    {
        uint32_t count = 3, hmacs = 2;
        uint16_t ids[2] = {SCTP_AUTH_HMAC_ID_SHA256, SCTP_AUTH_HMAC_ID_SHA1};
        b.n = 0; u8(&b, 0);
        u8(&b, 2); u8(&b, opt_index("sctp_local_auth_chunks"));
        u8(&b, 0x61); put(&b, "\0\0\0\0", 4); put(&b, &count, 4); put(&b, "\x00\x80\xc1", 3);
        save("options", "get_local_auth_chunks", &b);
        b.n = 0; u8(&b, 0);
        u8(&b, 2); u8(&b, opt_index("sctp_hmac_ident"));
        u8(&b, 0x61); put(&b, &hmacs, 4); put(&b, ids, sizeof ids);
        save("options", "get_hmac_ident", &b);
    }

    /* sndrcvinfo round trip */
    b.n = 0; u8(&b, 0);
    u8(&b, 6); u8(&b, 3);
    field_int(&b, "stream", 9); field_int(&b, "ppid", 200); field_int(&b, "assoc_id", 7);
    save("options", "sndrcvinfo_roundtrip", &b);
}

int main(int argc, char **argv)
{
    lua_State *L;
    size_t i;
    if (argc != 2) {
        fprintf(stderr, "usage: mkseeds CORPUS_DIR\n");
        return 2;
    }
    outdir = argv[1];
    L = luaL_newstate();
    luaL_openlibs(L);
    lua_pushcfunction(L, luaopen_sctp_core);
    lua_call(L, 0, 1);
    lua_getfield(L, -1, "optnames");
    lua_call(L, 0, 1);
    nopts = lua_rawlen(L, -1);
    opts = calloc(nopts, sizeof *opts);
    for (i = 0; i < nopts; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i + 1);
        opts[i] = strdup(lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_close(L);

    notify_seeds();
    recv_seeds();
    addr_seeds();
    diag_seeds();
    options_seeds();
    usrsctp_seeds();
    return 0;
}
