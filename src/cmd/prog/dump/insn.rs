//! One eBPF instruction in the kernel's text syntax (kernel/bpf/disasm.c,
//! `print_bpf_insn`), which bpftool prints for `prog dump xlated`. Written
//! from that file's format strings; no crate decodes eBPF to this syntax.
//! Pure: names of calls and immediates come from a `Names` implementation.

use aya_obj::generated as k;

/// An 8-byte eBPF instruction, decoded little-endian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insn {
    pub code: u8,
    pub dst: u8,
    pub src: u8,
    pub off: i16,
    pub imm: i32,
}

impl Insn {
    /// Decode from exactly 8 bytes (shorter input is zero-padded).
    pub fn from_bytes(b: &[u8]) -> Insn {
        let mut r = [0u8; 8];
        let n = b.len().min(8);
        r[..n].copy_from_slice(&b[..n]);
        Insn {
            code: r[0],
            dst: r[1] & 0x0f,
            src: r[1] >> 4,
            off: i16::from_le_bytes([r[2], r[3]]),
            imm: i32::from_le_bytes([r[4], r[5], r[6], r[7]]),
        }
    }

    pub fn class(&self) -> u8 {
        self.code & 0x07
    }
    pub fn op(&self) -> u8 {
        self.code & 0xf0
    }
    pub fn mode(&self) -> u8 {
        self.code & 0xe0
    }
    pub fn size(&self) -> u8 {
        self.code & 0x18
    }
    pub fn is_x(&self) -> bool {
        self.code & 0x08 != 0
    }
    /// LD imm64: the instruction takes two slots.
    pub fn is_ld_imm64(&self) -> bool {
        self.code == LD | IMM | DW
    }
    pub fn is_jmp(&self) -> bool {
        matches!(self.class(), JMP | JMP32)
    }
}

// Opcode fields, narrowed from aya_obj's u32 uapi constants to the u8 that
// `code` and `src` are, so that they can be match patterns.
pub const LD: u8 = k::BPF_LD as u8;
pub const LDX: u8 = k::BPF_LDX as u8;
pub const ST: u8 = k::BPF_ST as u8;
pub const STX: u8 = k::BPF_STX as u8;
pub const ALU: u8 = k::BPF_ALU as u8;
pub const JMP: u8 = k::BPF_JMP as u8;
pub const JMP32: u8 = k::BPF_JMP32 as u8;
pub const ALU64: u8 = k::BPF_ALU64 as u8;

const DW: u8 = k::BPF_DW as u8;
const IMM: u8 = k::BPF_IMM as u8;
const ABS: u8 = k::BPF_ABS as u8;
const IND: u8 = k::BPF_IND as u8;
const MEM: u8 = k::BPF_MEM as u8;
const MEMSX: u8 = k::BPF_MEMSX as u8;
const ATOMIC: u8 = k::BPF_ATOMIC as u8;

pub const OP_JA: u8 = k::BPF_JA as u8;
pub const OP_CALL: u8 = k::BPF_CALL as u8;
pub const OP_EXIT: u8 = k::BPF_EXIT as u8;
const OP_DIV: u8 = k::BPF_DIV as u8;
const OP_NEG: u8 = k::BPF_NEG as u8;
const OP_MOD: u8 = k::BPF_MOD as u8;
const OP_MOV: u8 = k::BPF_MOV as u8;
const OP_END: u8 = k::BPF_END as u8;
const OP_JCOND: u8 = k::BPF_JCOND as u8;

const XCHG: i32 = k::BPF_XCHG as i32;
const CMPXCHG: i32 = k::BPF_CMPXCHG as i32;
// BPF_LOAD_ACQ / BPF_STORE_REL (Linux 6.15) are newer than aya_obj 0.3's
// bindings and not in libc, so they stay here.
const LOAD_ACQ: i32 = 0x100;
const STORE_REL: i32 = 0x110;

/// src_reg values of calls and LD imm64.
pub const PSEUDO_MAP_FD: u8 = k::BPF_PSEUDO_MAP_FD as u8;
pub const PSEUDO_MAP_VALUE: u8 = k::BPF_PSEUDO_MAP_VALUE as u8;
pub const PSEUDO_CALL: u8 = k::BPF_PSEUDO_CALL as u8;
pub const PSEUDO_KFUNC_CALL: u8 = k::BPF_PSEUDO_KFUNC_CALL as u8;
pub const PSEUDO_FUNC: u8 = k::BPF_PSEUDO_FUNC as u8;
pub const PSEUDO_MAP_IDX_VALUE: u8 = k::BPF_PSEUDO_MAP_IDX_VALUE as u8;

/// Where disasm.c prints a NULL table entry, glibc prints this.
const NULL: &str = "(null)";

fn alu_str(op: u8) -> &'static str {
    match op {
        0x00 => "+=",
        0x10 => "-=",
        0x20 => "*=",
        0x30 => "/=",
        0x40 => "|=",
        0x50 => "&=",
        0x60 => "<<=",
        0x70 => ">>=",
        0x80 => "neg",
        0x90 => "%=",
        0xa0 => "^=",
        0xb0 => "=",
        0xc0 => "s>>=",
        0xd0 => "endian",
        _ => NULL,
    }
}

fn atomic_alu_str(op: u8) -> &'static str {
    match op {
        0x00 => "add",
        0x50 => "and",
        0x40 => "or",
        0xa0 => "xor",
        _ => NULL,
    }
}

fn ldst_str(size: u8) -> &'static str {
    match size {
        0x00 => "u32",
        0x08 => "u16",
        0x10 => "u8",
        _ => "u64",
    }
}

fn ldsx_str(size: u8) -> &'static str {
    match size {
        0x00 => "s32",
        0x08 => "s16",
        0x10 => "s8",
        _ => NULL,
    }
}

fn jmp_str(op: u8) -> &'static str {
    match op {
        0x00 => "jmp",
        0x10 => "==",
        0x20 => ">",
        0xa0 => "<",
        0x30 => ">=",
        0xb0 => "<=",
        0x40 => "&",
        0x50 => "!=",
        0x60 => "s>",
        0xc0 => "s<",
        0x70 => "s>=",
        0xd0 => "s<=",
        0x80 => "call",
        0x90 => "exit",
        _ => NULL,
    }
}

/// Names the printer cannot know by itself: helper ids, call targets and
/// LD imm64 operands (disasm.c's func_id_str, cb_call and cb_imm).
pub trait Names {
    /// `bpf_<name>` for a helper id of the running kernel, if it has one.
    fn helper(&self, id: i32) -> Option<String>;
    /// bpftool's `print_call`: the target of a call that is not a known helper id.
    fn call(&self, insn: &Insn) -> Option<String>;
    /// bpftool's `print_imm` for LD imm64 (`next` is the second slot).
    fn imm(&self, insn: &Insn, next: &Insn, full: u64) -> String;
}

/// disasm.c's `__func_get_name`.
fn func_name(insn: &Insn, names: &dyn Names) -> String {
    if insn.src == 0
        && insn.imm >= 0
        && let Some(n) = names.helper(insn.imm)
    {
        return n;
    }
    if let Some(n) = names.call(insn) {
        return n;
    }
    match insn.src {
        PSEUDO_CALL => format!("{:+}", insn.imm),
        PSEUDO_KFUNC_CALL => "kernel-function".to_string(),
        _ => "unknown".to_string(),
    }
}

fn reg(class: u8) -> char {
    if class == ALU || class == JMP32 { 'w' } else { 'r' }
}

/// The text of one instruction, without the index and newline:
/// `(b7) r3 = 1`. `next` is the following slot (for LD imm64).
pub fn format(insn: &Insn, next: Option<&Insn>, names: &dyn Names) -> String {
    let i = insn;
    let code = i.code;
    let class = i.class();
    match class {
        ALU | ALU64 => {
            let r = reg(class);
            let op = i.op();
            if op == OP_END {
                if class == ALU64 {
                    format!("({code:02x}) r{} = bswap{} r{}", i.dst, i.imm, i.dst)
                } else {
                    let e = if i.is_x() { "be" } else { "le" };
                    format!("({code:02x}) r{} = {e}{} r{}", i.dst, i.imm, i.dst)
                }
            } else if op == OP_NEG {
                format!("({code:02x}) {r}{} = -{r}{}", i.dst, i.dst)
            } else if code == ALU64 | OP_MOV | 0x08 && i.off == 1 {
                let imm = i.imm as u32;
                format!("({code:02x}) r{} = addr_space_cast(r{}, {}, {})", i.dst, i.src, imm >> 16, imm & 0xffff)
            } else if code == ALU64 | OP_MOV | 0x08 && i.off == -1 {
                format!("({code:02x}) r{} = &(void __percpu *)(r{})", i.dst, i.src)
            } else {
                let sdiv = (op == OP_DIV || op == OP_MOD) && i.off == 1;
                let ops = match (sdiv, op) {
                    (true, OP_DIV) => "s/=",
                    (true, _) => "s%=",
                    _ => alu_str(op),
                };
                if i.is_x() {
                    let sx = if op == OP_MOV {
                        match i.off {
                            8 => "(s8)",
                            16 => "(s16)",
                            32 => "(s32)",
                            _ => "",
                        }
                    } else {
                        ""
                    };
                    format!("({code:02x}) {r}{} {ops} {sx}{r}{}", i.dst, i.src)
                } else {
                    format!("({code:02x}) {r}{} {ops} {}", i.dst, i.imm)
                }
            }
        }
        STX => {
            let sz = ldst_str(i.size());
            let bits = if i.size() == DW { "64" } else { "" };
            let (d, s, off) = (i.dst, i.src, i.off);
            if i.mode() == MEM {
                format!("({code:02x}) *({sz} *)(r{d} {off:+}) = r{s}")
            } else if i.mode() != ATOMIC {
                format!("BUG_{code:02x}")
            } else {
                match i.imm {
                    0x00 | 0x50 | 0x40 | 0xa0 => {
                        format!("({code:02x}) lock *({sz} *)(r{d} {off:+}) {} r{s}", alu_str(i.imm as u8))
                    }
                    0x01 | 0x51 | 0x41 | 0xa1 => format!(
                        "({code:02x}) r{s} = atomic{bits}_fetch_{}(({sz} *)(r{d} {off:+}), r{s})",
                        atomic_alu_str((i.imm & 0xf0) as u8)
                    ),
                    CMPXCHG => format!("({code:02x}) r0 = atomic{bits}_cmpxchg(({sz} *)(r{d} {off:+}), r0, r{s})"),
                    XCHG => format!("({code:02x}) r{s} = atomic{bits}_xchg(({sz} *)(r{d} {off:+}), r{s})"),
                    LOAD_ACQ => format!("({code:02x}) r{d} = load_acquire(({sz} *)(r{s} {off:+}))"),
                    STORE_REL => format!("({code:02x}) store_release(({sz} *)(r{d} {off:+}), r{s})"),
                    _ => format!("BUG_{code:02x}"),
                }
            }
        }
        ST => {
            if i.mode() == MEM {
                format!("({code:02x}) *({} *)(r{} {:+}) = {}", ldst_str(i.size()), i.dst, i.off, i.imm)
            } else if i.mode() == 0xc0 {
                format!("({code:02x}) nospec")
            } else {
                format!("BUG_st_{code:02x}")
            }
        }
        LDX => {
            let sz = match i.mode() {
                MEM => ldst_str(i.size()),
                MEMSX => ldsx_str(i.size()),
                _ => return format!("BUG_ldx_{code:02x}"),
            };
            format!("({code:02x}) r{} = *({sz} *)(r{} {:+})", i.dst, i.src, i.off)
        }
        LD => {
            let sz = ldst_str(i.size());
            match i.mode() {
                ABS => format!("({code:02x}) r0 = *({sz} *)skb[{}]", i.imm),
                IND => format!("({code:02x}) r0 = *({sz} *)skb[r{} + {}]", i.src, i.imm),
                IMM if i.size() == DW => {
                    let zero = Insn { code: 0, dst: 0, src: 0, off: 0, imm: 0 };
                    let n = next.unwrap_or(&zero);
                    let full = ((n.imm as u32 as u64) << 32) | i.imm as u32 as u64;
                    format!("({code:02x}) r{} = {}", i.dst, names.imm(i, n, full))
                }
                _ => format!("BUG_ld_{code:02x}"),
            }
        }
        _ => {
            // JMP and JMP32
            let r = reg(class);
            let op = i.op();
            if op == OP_CALL {
                if i.src == PSEUDO_CALL {
                    format!("({code:02x}) call pc{}", func_name(i, names))
                } else {
                    format!("({code:02x}) call {}#{}", func_name(i, names), i.imm)
                }
            } else if code == JMP | OP_JA {
                format!("({code:02x}) goto pc{:+}", i.off)
            } else if code == JMP | OP_JA | 0x08 {
                format!("({code:02x}) gotox r{}", i.dst)
            } else if code == JMP | OP_JCOND && i.src == 0 {
                format!("({code:02x}) may_goto pc{:+}", i.off)
            } else if code == JMP32 | OP_JA {
                format!("({code:02x}) gotol pc{:+}", i.imm)
            } else if code == JMP | OP_EXIT {
                format!("({code:02x}) exit")
            } else if i.is_x() {
                format!("({code:02x}) if {r}{} {} {r}{} goto pc{:+}", i.dst, jmp_str(op), i.src, i.off)
            } else {
                format!("({code:02x}) if {r}{} {} {:#x} goto pc{:+}", i.dst, jmp_str(op), i.imm as u32, i.off)
            }
        }
    }
}

/// bpftool's `print_imm` (xlated_dumper.c), shared by every output form.
pub fn imm_text(insn: &Insn, next: &Insn, full: u64) -> String {
    match insn.src {
        PSEUDO_MAP_FD => format!("map[id:{}]", insn.imm as u32),
        PSEUDO_MAP_VALUE => format!("map[id:{}][0]+{}", insn.imm as u32, next.imm as u32),
        PSEUDO_MAP_IDX_VALUE => format!("map[idx:{}]+{}", insn.imm as u32, next.imm as u32),
        PSEUDO_FUNC => format!("subprog[{:+}]", insn.imm),
        _ => format!("{full:#x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names as bpftool prints them with no kallsyms: helper table only.
    struct Plain;
    impl Names for Plain {
        fn helper(&self, id: i32) -> Option<String> {
            match id {
                1 => Some("bpf_map_lookup_elem".into()),
                6 => Some("bpf_trace_printk".into()),
                12 => Some("bpf_tail_call".into()),
                _ => None,
            }
        }
        fn call(&self, insn: &Insn) -> Option<String> {
            (insn.src != PSEUDO_CALL).then(|| format!("{:#x}", insn.imm as i64 as u64))
        }
        fn imm(&self, insn: &Insn, next: &Insn, full: u64) -> String {
            imm_text(insn, next, full)
        }
    }

    fn text(bytes: &[u8]) -> String {
        let i = Insn::from_bytes(&bytes[..8]);
        let next = (bytes.len() >= 16).then(|| Insn::from_bytes(&bytes[8..16]));
        format(&i, next.as_ref(), &Plain)
    }

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
    }

    #[test]
    fn bpftool_lines() {
        // Each case: bytes, then the text bpftool/kernel disasm.c prints.
        let cases = [
            ("b7 03 00 00 01 00 00 00", "(b7) r3 = 1"),
            ("18 21 00 00 fd 00 00 00 00 00 00 00 00 00 00 00", "(18) r1 = map[id:253][0]+0"),
            ("18 12 00 00 9d 02 00 00 00 00 00 00 00 00 00 00", "(18) r2 = map[id:669]"),
            ("18 42 00 00 32 00 00 00 00 00 00 00 00 00 00 00", "(18) r2 = subprog[+50]"),
            ("18 61 00 00 02 00 00 00 00 00 00 00 08 00 00 00", "(18) r1 = map[idx:2]+8"),
            ("18 01 00 00 78 56 34 12 00 00 00 00 01 00 00 00", "(18) r1 = 0x112345678"),
            ("db 31 00 00 01 00 00 00", "(db) r3 = atomic64_fetch_add((u64 *)(r1 +0), r3)"),
            ("db 02 00 00 e1 00 00 00", "(db) r0 = atomic64_xchg((u64 *)(r2 +0), r0)"),
            ("c3 32 04 00 f1 00 00 00", "(c3) r0 = atomic_cmpxchg((u32 *)(r2 +4), r0, r3)"),
            ("db 21 00 00 40 00 00 00", "(db) lock *(u64 *)(r1 +0) |= r2"),
            ("c3 21 f8 ff a1 00 00 00", "(c3) r2 = atomic_fetch_xor((u32 *)(r1 -8), r2)"),
            ("7b 1a f8 ff 00 00 00 00", "(7b) *(u64 *)(r10 -8) = r1"),
            ("62 0a fc ff 07 00 00 00", "(62) *(u32 *)(r10 -4) = 7"),
            ("61 12 04 00 00 00 00 00", "(61) r2 = *(u32 *)(r1 +4)"),
            ("91 a1 f8 ff 00 00 00 00", "(91) r1 = *(s8 *)(r10 -8)"),
            ("89 a1 f8 ff 00 00 00 00", "(89) r1 = *(s16 *)(r10 -8)"),
            ("81 a1 f8 ff 00 00 00 00", "(81) r1 = *(s32 *)(r10 -8)"),
            ("3f 21 01 00 00 00 00 00", "(3f) r1 s/= r2"),
            ("3f 21 00 00 00 00 00 00", "(3f) r1 /= r2"),
            ("9f 21 01 00 00 00 00 00", "(9f) r1 s%= r2"),
            ("34 01 01 00 03 00 00 00", "(34) w1 s/= 3"),
            ("bf 21 08 00 00 00 00 00", "(bf) r1 = (s8)r2"),
            ("bf 21 20 00 00 00 00 00", "(bf) r1 = (s32)r2"),
            ("bc 21 10 00 00 00 00 00", "(bc) w1 = (s16)w2"),
            ("bf 00 ff ff 00 00 00 00", "(bf) r0 = &(void __percpu *)(r0)"),
            ("d7 01 00 00 10 00 00 00", "(d7) r1 = bswap16 r1"),
            ("dc 01 00 00 20 00 00 00", "(dc) r1 = be32 r1"),
            ("d4 01 00 00 10 00 00 00", "(d4) r1 = le16 r1"),
            ("87 01 00 00 00 00 00 00", "(87) r1 = -r1"),
            ("84 01 00 00 00 00 00 00", "(84) w1 = -w1"),
            ("b4 00 00 00 f9 ff ff ff", "(b4) w0 = -7"),
            ("c7 01 00 00 20 00 00 00", "(c7) r1 s>>= 32"),
            ("06 00 00 00 05 00 00 00", "(06) gotol pc+5"),
            ("05 00 f8 ff 00 00 00 00", "(05) goto pc-8"),
            ("e5 00 03 00 00 00 00 00", "(e5) may_goto pc+3"),
            ("26 01 01 00 05 00 00 00", "(26) if w1 > 0x5 goto pc+1"),
            ("ce 21 00 00 00 00 00 00", "(ce) if w1 s< w2 goto pc+0"),
            ("15 01 01 00 88 b5 00 00", "(15) if r1 == 0xb588 goto pc+1"),
            ("65 01 02 00 ff ff ff ff", "(65) if r1 s> 0xffffffff goto pc+2"),
            ("85 00 00 00 0c 00 00 00", "(85) call bpf_tail_call#12"),
            ("85 00 00 00 f0 08 ff ff", "(85) call 0xffffffffffff08f0#-63248"),
            ("85 10 00 00 11 00 00 00", "(85) call pc+17"),
            ("85 20 00 00 10 00 00 00", "(85) call 0x10#16"),
            ("95 00 00 00 00 00 00 00", "(95) exit"),
            ("20 00 00 00 0c 00 00 00", "(20) r0 = *(u32 *)skb[12]"),
            ("50 10 00 00 02 00 00 00", "(50) r0 = *(u8 *)skb[r1 + 2]"),
            ("c2 00 00 00 00 00 00 00", "(c2) nospec"),
            ("a3 00 00 00 00 00 00 00", "BUG_a3"),
            ("e1 00 00 00 00 00 00 00", "BUG_ldx_e1"),
        ];
        for (bytes, want) in cases {
            assert_eq!(text(&hex(bytes)), want, "{bytes}");
        }
    }

    #[test]
    fn decode_fields() {
        let i = Insn::from_bytes(&hex("db 31 f8 ff 01 00 00 80"));
        assert_eq!((i.code, i.dst, i.src, i.off, i.imm), (0xdb, 1, 3, -8, i32::MIN + 1));
        assert!(Insn::from_bytes(&hex("18 00 00 00 00 00 00 00")).is_ld_imm64());
    }
}
