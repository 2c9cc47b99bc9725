/* bench/icount/mark.c: executes the marker instruction xchg %bx,%bx
 * (66 87 db) once; under bench/icount/plugin.c that prints the guest's
 * instruction counts so far. Built static (nothing to load in the VM):
 *   cc -O2 -static -o mark mark.c
 * Peers that cannot execute it themselves (Erlang, Go) run this program. */
int main(void)
{
    __asm__ volatile(".byte 0x66, 0x87, 0xdb" ::: "memory");   /* xchg %bx,%bx */
    return 0;
}
