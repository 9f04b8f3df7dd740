//! `prog dump jited`: the native image, per function, disassembled with
//! iced-x86 in GNU as (AT&T) syntax set up to read like objdump/libbfd, the
//! disassembler bpftool uses: `   0:\tpush   %rbp`, source lines from jited
//! line info, `opcodes` bytes on the next line.

use std::io::{self, Write};

use iced_x86::{Decoder, DecoderOptions, Formatter, GasFormatter, Instruction};
use serde_json::{Map, Value};

use super::{Prog, Resolver, linfo_json, linfo_plain};

/// One native instruction.
pub struct NativeInsn {
    pub pc: usize,
    pub len: usize,
    /// `mnemonic operands`, objdump-spaced.
    pub text: String,
    pub mnemonic: String,
    pub operands: Vec<String>,
}

fn formatter() -> GasFormatter {
    let mut f = GasFormatter::new();
    let o = f.options_mut();
    // objdump pads the mnemonic to six columns and one space.
    o.set_first_operand_char_index(7);
    o.set_space_after_operand_separator(false);
    o.set_uppercase_hex(false);
    o.set_small_hex_numbers_in_decimal(false);
    o.set_branch_leading_zeros(false);
    o.set_show_branch_size(false);
    o.set_show_zero_displacements(true);
    f
}

/// objdump writes a scale of 1 (`0x0(%rax,%rax,1)`), iced leaves it out;
/// its `always_show_scale` also marks base-only operands (`(%rbp,)`), so the
/// `,1` is added here instead: to every `(..)` with an index and no scale.
fn objdump_scale(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let mut rest = s;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else { break };
        out.push_str(&rest[..close]);
        if rest[open..close].matches(',').count() == 1 {
            out.push_str(",1");
        }
        out.push(')');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Decode x86-64 code that starts at address 0 (branch targets are
/// function-relative, as bpftool prints them).
pub fn decode_x86_64(code: &[u8]) -> Vec<NativeInsn> {
    let mut dec = Decoder::with_ip(64, code, 0, DecoderOptions::NONE);
    let mut fmt = formatter();
    let mut out = Vec::new();
    let mut insn = Instruction::default();
    while dec.can_decode() {
        let pc = dec.position();
        dec.decode_out(&mut insn);
        let len = insn.len().max(1);
        if insn.is_invalid() {
            out.push(NativeInsn { pc, len, text: "(bad)".into(), mnemonic: "(bad)".into(), operands: Vec::new() });
            continue;
        }
        let mut text = String::new();
        fmt.format(&insn, &mut text);
        let text = objdump_scale(&text);
        let mut mnemonic = String::new();
        fmt.format_mnemonic(&insn, &mut mnemonic);
        let operands = (0..fmt.operand_count(&insn))
            .map(|k| {
                let mut s = String::new();
                let _ = fmt.format_operand(&insn, &mut s, k);
                objdump_scale(&s)
            })
            .collect();
        out.push(NativeInsn { pc, len, text, mnemonic, operands });
    }
    out
}

/// The image cut into functions: (function index, bytes).
fn functions(p: &Prog) -> Vec<(usize, &[u8])> {
    let img = &p.image.bytes;
    let lens = &p.image.jited_func_lens;
    if lens.is_empty() {
        return vec![(0, &img[..])];
    }
    let mut at = 0;
    let mut out = Vec::with_capacity(lens.len());
    for (i, &l) in lens.iter().enumerate() {
        let end = (at + l as usize).min(img.len());
        out.push((i, &img[at..end]));
        at = end;
    }
    out
}

fn sym_name(p: &Prog, r: &Resolver, func: usize) -> String {
    match p.image.jited_ksyms.get(func) {
        Some(&a) => r.kallsyms().get(a).map_or_else(|| format!("0x{a:016x}"), str::to_string),
        None => "unknown".into(),
    }
}

fn proto(p: &Prog, func: usize) -> Option<String> {
    let btf = p.btf.as_ref()?;
    let &(_, type_id) = p.image.func_info.get(func)?;
    Some(btf.type_only(type_id)).filter(|s| !s.is_empty())
}

fn native(code: &[u8]) -> Option<Vec<NativeInsn>> {
    cfg!(target_arch = "x86_64").then(|| decode_x86_64(code))
}

/// Raw bytes, 16 a line, where this build cannot disassemble the host's code.
fn raw_lines(w: &mut dyn Write, code: &[u8]) -> io::Result<()> {
    writeln!(w, "; native disassembly is only available on x86-64; raw opcodes follow")?;
    for (k, chunk) in code.chunks(16).enumerate() {
        writeln!(w, "{:4x}:\t{}", k * 16, crate::text::spaced_hex(chunk))?;
    }
    Ok(())
}

pub fn plain(w: &mut dyn Write, p: &Prog, r: &Resolver, opcodes: bool, linum: bool) -> io::Result<()> {
    let per_func = !p.image.jited_func_lens.is_empty();
    for (func, code) in functions(p) {
        if per_func {
            if let Some(sig) = proto(p, func) {
                writeln!(w, "{sig}:")?;
            }
            writeln!(w, "{}:", sym_name(p, r, func))?;
        }
        let Some(insns) = native(code) else {
            raw_lines(w, code)?;
            continue;
        };
        let base = p.image.jited_ksyms.get(func).copied();
        let mut nr_skip = 0;
        for n in &insns {
            if per_func
                && let (Some(btf), Some(li), Some(base)) = (&p.btf, &p.linfo, base)
                && let Some(l) = li.lfind_addr_func(base + n.pc as u64, func, nr_skip)
            {
                linfo_plain(w, btf, l, linum)?;
                nr_skip += 1;
            }
            write!(w, "{:4x}:\t{}", n.pc, n.text)?;
            if opcodes {
                write!(w, "\n\t")?;
                for b in &code[n.pc..n.pc + n.len] {
                    write!(w, "{b:02x} ")?;
                }
            }
            writeln!(w)?;
        }
        if per_func {
            writeln!(w)?;
        }
    }
    Ok(())
}

fn insns_json(p: &Prog, func: usize, code: &[u8], per_func: bool, opcodes: bool, linum: bool) -> Value {
    let insns = native(code).unwrap_or_default();
    let base = p.image.jited_ksyms.get(func).copied();
    let mut nr_skip = 0;
    let mut out = Vec::with_capacity(insns.len());
    for n in &insns {
        let mut o = Map::new();
        if per_func
            && let (Some(btf), Some(li), Some(base)) = (&p.btf, &p.linfo, base)
            && let Some(l) = li.lfind_addr_func(base + n.pc as u64, func, nr_skip)
        {
            linfo_json(&mut o, btf, l, linum);
            nr_skip += 1;
        }
        o.insert("pc".into(), format!("{:#x}", n.pc).into());
        o.insert("operation".into(), n.mnemonic.clone().into());
        let ops: Vec<Value> = if n.operands.is_empty() {
            vec![Value::Null]
        } else {
            n.operands.iter().map(|s| Value::from(s.as_str())).collect()
        };
        o.insert("operands".into(), ops.into());
        if opcodes {
            let b: Vec<Value> = code[n.pc..n.pc + n.len].iter().map(|b| format!("{b:#04x}").into()).collect();
            o.insert("opcodes".into(), b.into());
        }
        out.push(Value::Object(o));
    }
    Value::Array(out)
}

pub fn json(p: &Prog, r: &Resolver, opcodes: bool, linum: bool) -> Value {
    let per_func = !p.image.jited_func_lens.is_empty();
    if !per_func {
        return insns_json(p, 0, &p.image.bytes, false, opcodes, linum);
    }
    let funcs = functions(p)
        .into_iter()
        .map(|(func, code)| {
            let mut o = Map::new();
            if let Some(sig) = proto(p, func) {
                o.insert("proto".into(), sig.into());
            }
            o.insert("name".into(), sym_name(p, r, func).into());
            o.insert("insns".into(), insns_json(p, func, code, true, opcodes, linum));
            Value::Object(o)
        })
        .collect();
    Value::Array(funcs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objdump_like_text() {
        let code = [
            0xf3, 0x0f, 0x1e, 0xfa, // endbr64
            0x0f, 0x1f, 0x44, 0x00, 0x00, // nopl 0x0(%rax,%rax,1)
            0x66, 0x90, 0x55, 0x48, 0x89, 0xe5, 0x31, 0xc0, 0xc9, 0xc3, // xchg, push, mov, xor, leave, ret
            0x48, 0x89, 0x7d, 0xf8, // mov %rdi,-0x8(%rbp)
            0x77, 0x06, // ja
            0xf0, 0x4c, 0x0f, 0xc1, 0x7f, 0x00, // lock xadd
            0x48, 0x8b, 0x04, 0xc5, 0x10, 0x00, 0x00, 0x00, // mov 0x10(,%rax,8),%rax
        ];
        let v = decode_x86_64(&code);
        let t: Vec<&str> = v.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "endbr64",
                "nopl   0x0(%rax,%rax,1)",
                "xchg   %ax,%ax",
                "push   %rbp",
                "mov    %rsp,%rbp",
                "xor    %eax,%eax",
                "leave",
                "ret",
                "mov    %rdi,-0x8(%rbp)",
                "ja     0x1f",
                "lock xadd %r15,0x0(%rdi)",
                "mov    0x10(,%rax,8),%rax",
            ]
        );
        assert_eq!(v[3].operands, ["%rbp"]);
        assert_eq!(v[4].mnemonic, "mov");
        assert_eq!(v[1].operands, ["0x0(%rax,%rax,1)"]);
        assert_eq!(v.iter().map(|n| n.len).sum::<usize>(), code.len());
        assert_eq!(v[1].pc, 4);
    }

    #[test]
    fn scale_one_is_spelt_out() {
        assert_eq!(objdump_scale("nopl   0x0(%rax,%rax)"), "nopl   0x0(%rax,%rax,1)");
        assert_eq!(objdump_scale("mov    0x10(,%rax),%rdi"), "mov    0x10(,%rax,1),%rdi");
        assert_eq!(objdump_scale("mov    -0x8(%rbp),%rdi"), "mov    -0x8(%rbp),%rdi");
        assert_eq!(objdump_scale("lea    (%rax,%rbx,4),%rcx"), "lea    (%rax,%rbx,4),%rcx");
    }
}
