// What clang before 8 and hand-written assembly left: a program section
// whose entry point is a NOTYPE global symbol, not an STT_FUNC, and a
// second section with no symbol at all. libbpf 1.x loads no program from
// either; the loaders of that time (samples/bpf, iproute2) took each
// executable section as a program, and so does bpfpin.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

asm(".section \"xdp_old\",\"ax\",@progbits\n"
    ".globl old_entry\n"
    "old_entry:\n"
    "  r0 = 2\n" /* XDP_PASS */
    "  exit\n"
    ".section \"socket_nameless\",\"ax\",@progbits\n"
    "  r0 = 0\n"
    "  exit\n");

char _license[] SEC("license") = "GPL";
