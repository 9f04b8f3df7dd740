//! A USDT site's argument string (`-4@%eax 8@-16(%rbp) 4@$5`, x86-64 GNU
//! assembler operands as `<sys/sdt.h>` emits them) turned into the
//! `struct __bpf_usdt_spec` that libbpf's `<bpf/usdt.bpf.h>` reads on the
//! BPF side: its `bpf_usdt_arg()` picks an argument's register out of
//! `struct pt_regs`, optionally dereferences it, and casts by shifting.

/// BPF_USDT_MAX_ARG_CNT.
pub const MAX_ARGS: usize = 12;
/// sizeof(struct __bpf_usdt_spec): 12 arg specs of 16 bytes, the u64
/// cookie, the short count, padded to 8.
pub const SPEC_SIZE: usize = 208;

/// enum __bpf_usdt_arg_type.
const ARG_CONST: u32 = 0;
const ARG_REG: u32 = 1;
const ARG_REG_DEREF: u32 = 2;
/// Written as the type of the unused arg slots: the BPF side never reads
/// them (it checks arg_cnt first), and it keeps every spec in use from
/// being all zeroes, which is how a free slot of the spec map looks.
const ARG_UNUSED: u32 = u32::MAX;

/// One `struct __bpf_usdt_arg_spec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arg {
    /// The constant, or the offset added to the register before reading.
    pub val_off: u64,
    pub kind: u32,
    /// offsetof(struct pt_regs, REG).
    pub reg_off: i16,
    pub signed: bool,
    /// 64 - 8 * size: the bits the BPF side clears (or sign-extends).
    pub bitshift: i8,
}

/// Parses the whole argument string; the error names the operand.
pub fn parse(args: &str) -> Result<Vec<Arg>, String> {
    let out: Vec<Arg> = args.split_whitespace().map(parse_one).collect::<Result<_, _>>()?;
    if out.len() > MAX_ARGS {
        return Err(format!("{} arguments, more than the {MAX_ARGS} libbpf's usdt.bpf.h can read", out.len()));
    }
    Ok(out)
}

/// `SIZE@OPERAND`: SIZE is the byte size, negative for signed values.
fn parse_one(op: &str) -> Result<Arg, String> {
    let bad = |why: &str| format!("argument `{op}`: {why}");
    let (size, loc) = op.split_once('@').ok_or_else(|| bad("no SIZE@ prefix"))?;
    let size: i32 = size.parse().map_err(|_| bad("the size is not a number"))?;
    if ![1, 2, 4, 8].contains(&size.abs()) {
        return Err(bad("the size is not 1, 2, 4 or 8 bytes"));
    }
    let (signed, bitshift) = (size < 0, (64 - 8 * size.abs()) as i8);
    let arg = |val_off: u64, kind: u32, reg_off: i16| Arg { val_off, kind, reg_off, signed, bitshift };
    if let Some(reg) = loc.strip_prefix('%') {
        return Ok(arg(0, ARG_REG, reg_offset(reg).ok_or_else(|| bad("unknown register"))?));
    }
    if let Some(imm) = loc.strip_prefix('$') {
        return Ok(arg(int(imm).ok_or_else(|| bad("the constant is not a number"))? as u64, ARG_CONST, 0));
    }
    if let Some((disp, rest)) = loc.split_once('(') {
        let reg =
            rest.strip_suffix(')').and_then(|r| r.strip_prefix('%')).ok_or_else(|| bad("malformed memory operand"))?;
        if reg.contains(',') {
            return Err(bad("indexed memory operands are not supported"));
        }
        let disp =
            if disp.is_empty() { 0 } else { int(disp).ok_or_else(|| bad("the displacement is not a number"))? };
        let reg = reg_offset(reg).ok_or_else(|| bad("unknown register"))?;
        return Ok(arg(disp as u64, ARG_REG_DEREF, reg));
    }
    Err(bad("unsupported operand form"))
}

/// A decimal or 0x number, maybe negative.
fn int(s: &str) -> Option<i64> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let v = match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok()? as i64,
        None => s.parse::<u64>().ok()? as i64,
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

/// offsetof(struct pt_regs, REG) on x86-64 for every name of a general
/// register (the BPF side reads all 8 bytes; the shift narrows them).
fn reg_offset(name: &str) -> Option<i16> {
    const REGS: &[(i16, &[&str])] = &[
        (0, &["r15", "r15d", "r15w", "r15b"]),
        (8, &["r14", "r14d", "r14w", "r14b"]),
        (16, &["r13", "r13d", "r13w", "r13b"]),
        (24, &["r12", "r12d", "r12w", "r12b"]),
        (32, &["rbp", "ebp", "bp", "bpl"]),
        (40, &["rbx", "ebx", "bx", "bl"]),
        (48, &["r11", "r11d", "r11w", "r11b"]),
        (56, &["r10", "r10d", "r10w", "r10b"]),
        (64, &["r9", "r9d", "r9w", "r9b"]),
        (72, &["r8", "r8d", "r8w", "r8b"]),
        (80, &["rax", "eax", "ax", "al"]),
        (88, &["rcx", "ecx", "cx", "cl"]),
        (96, &["rdx", "edx", "dx", "dl"]),
        (104, &["rsi", "esi", "si", "sil"]),
        (112, &["rdi", "edi", "di", "dil"]),
        (128, &["rip", "eip", "ip"]),
        (152, &["rsp", "esp", "sp", "spl"]),
    ];
    REGS.iter().find(|(_, names)| names.contains(&name)).map(|(off, _)| *off)
}

/// The spec map's value for these arguments, in the BPF target's (here:
/// the host's) byte order.
pub fn spec_bytes(args: &[Arg], cookie: u64) -> [u8; SPEC_SIZE] {
    let mut b = [0u8; SPEC_SIZE];
    for i in 0..MAX_ARGS {
        let s = &mut b[i * 16..i * 16 + 16];
        match args.get(i) {
            Some(a) => {
                s[0..8].copy_from_slice(&a.val_off.to_ne_bytes());
                s[8..12].copy_from_slice(&a.kind.to_ne_bytes());
                s[12..14].copy_from_slice(&a.reg_off.to_ne_bytes());
                s[14] = u8::from(a.signed);
                s[15] = a.bitshift as u8;
            }
            None => s[8..12].copy_from_slice(&ARG_UNUSED.to_ne_bytes()),
        }
    }
    b[192..200].copy_from_slice(&cookie.to_ne_bytes());
    b[200..202].copy_from_slice(&(args.len() as i16).to_ne_bytes());
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operand_form_sdt_h_emits() {
        let a = parse("-4@%eax 8@%rdi -4@-4(%rbp) 8@8(%rax) 4@$5 -8@%r12 2@(%rsi) -1@$-3 8@0x10(%rsp)").unwrap();
        let k = |a: &Arg| (a.kind, a.reg_off, a.val_off as i64, a.signed, a.bitshift);
        assert_eq!(k(&a[0]), (ARG_REG, 80, 0, true, 32));
        assert_eq!(k(&a[1]), (ARG_REG, 112, 0, false, 0));
        assert_eq!(k(&a[2]), (ARG_REG_DEREF, 32, -4, true, 32));
        assert_eq!(k(&a[3]), (ARG_REG_DEREF, 80, 8, false, 0));
        assert_eq!(k(&a[4]), (ARG_CONST, 0, 5, false, 32));
        assert_eq!(k(&a[5]), (ARG_REG, 24, 0, true, 0));
        assert_eq!(k(&a[6]), (ARG_REG_DEREF, 104, 0, false, 48));
        assert_eq!(k(&a[7]), (ARG_CONST, 0, -3, true, 56));
        assert_eq!(k(&a[8]), (ARG_REG_DEREF, 152, 16, false, 0));
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn unsupported_operands_are_named() {
        for (op, why) in [
            ("4@(%rax,%rbx,4)", "indexed"),
            ("4@%ah", "unknown register"),
            ("3@%eax", "not 1, 2, 4 or 8"),
            ("%eax", "no SIZE@"),
            ("8@sym(%rip)", "displacement"),
        ] {
            let e = parse(op).unwrap_err();
            assert!(e.contains(op) && e.contains(why), "{op}: {e}");
        }
        assert!(parse(&"1@%al ".repeat(13)).unwrap_err().contains("13 arguments"));
    }

    #[test]
    fn spec_layout_matches_usdt_bpf_h() {
        let a = parse("-4@%eax 8@$7").unwrap();
        let b = spec_bytes(&a, 0x1122);
        assert_eq!(&b[8..12], &ARG_REG.to_ne_bytes());
        assert_eq!(&b[12..14], &80i16.to_ne_bytes());
        assert_eq!((b[14], b[15]), (1, 32));
        assert_eq!(&b[16..24], &7u64.to_ne_bytes());
        assert_eq!(&b[2 * 16 + 8..2 * 16 + 12], &ARG_UNUSED.to_ne_bytes());
        assert_eq!(&b[192..200], &0x1122u64.to_ne_bytes());
        assert_eq!(&b[200..202], &2i16.to_ne_bytes());
        // An empty spec is still not all zeroes (a free slot).
        assert!(spec_bytes(&[], 0).iter().any(|&x| x != 0));
    }
}
