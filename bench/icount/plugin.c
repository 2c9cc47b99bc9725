/* bench/icount/plugin.c: a QEMU TCG plugin (API version 1, QEMU 7.2) that
 * counts the guest's instructions, kernel and user apart, and prints the
 * totals each time the guest executes the marker instruction xchg %bx,%bx
 * (66 87 db), which compilers never emit (bench/icount/mark.c,
 * bench/icount/lua_mark.c execute it). Loaded by bench/icount/run:
 *
 *   qemu-system-x86_64 -smp 1 -plugin plugin.so -d plugin -D LOG ...
 *
 * Each marker prints one line to QEMU's log:
 *   @@ICOUNT seq=K kernel=N user=N
 * Counts are per translation block, added when the block starts (inline, not
 * atomic: -smp 1), so an exception in the middle of a block counts the
 * whole block; the error is the same at N and at 2N messages. A block is
 * kernel when its address is >= 0xffff800000000000 (x86-64 upper half).
 * The header (qemu-plugin.h) is not packaged: the few functions used are
 * declared here, with the ABI of version 1. */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t qemu_info_t;   /* not read */
enum { QEMU_PLUGIN_CB_NO_REGS = 0, QEMU_PLUGIN_INLINE_ADD_U64 = 0 };

typedef void (*tb_trans_cb_t)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*udata_cb_t)(unsigned int vcpu, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, tb_trans_cb_t);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *, int op,
                                              void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *, size_t);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *, udata_cb_t,
                                            int flags, void *userdata);
void qemu_plugin_outs(const char *);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t kernel, user, seq;
static const unsigned char marker[3] = {0x66, 0x87, 0xdb};

static void on_marker(unsigned int vcpu, void *userdata)
{
    char line[128];
    (void)vcpu;
    (void)userdata;
    snprintf(line, sizeof line, "@@ICOUNT seq=%" PRIu64 " kernel=%" PRIu64 " user=%" PRIu64 "\n",
             ++seq, kernel, user);
    qemu_plugin_outs(line);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t i, n = qemu_plugin_tb_n_insns(tb);
    int is_kernel = qemu_plugin_tb_vaddr(tb) >= 0xffff800000000000ULL;
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
                                             is_kernel ? &kernel : &user, n);
    if (is_kernel)
        return;
    for (i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        if (qemu_plugin_insn_size(insn) == sizeof marker &&
            memcmp(qemu_plugin_insn_data(insn), marker, sizeof marker) == 0)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS, NULL);
    }
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    (void)argc;
    (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    return 0;
}
