//! `prog dump xlated`: the verifier's rewritten instructions, line for line
//! as bpftool's xlated_dumper.c prints them (plain, `opcodes`, `linum`, JSON).

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::insn::{self, Insn, Names, PSEUDO_CALL};
use super::{Prog, Resolver, linfo_json, linfo_plain};
use crate::sys::prog::LineInfo;

/// Call and immediate names as bpftool's `dump_data` gives them.
pub struct CallNames<'a> {
    pub r: &'a Resolver,
    /// The program's jited function addresses; empty for the CFG view,
    /// where bpftool prints subprogram calls without symbols.
    pub jited_ksyms: &'a [u64],
}

impl Names for CallNames<'_> {
    fn helper(&self, id: i32) -> Option<String> {
        self.r.helper(id)
    }

    fn call(&self, insn: &Insn) -> Option<String> {
        let k = self.r.kallsyms();
        let mut addr = k.call_base.wrapping_add(insn.imm as i64 as u64);
        let sub = insn.imm as u32 as usize;
        if insn.src == PSEUDO_CALL && sub < self.jited_ksyms.len() {
            addr = self.jited_ksyms[sub];
        }
        let sym = k.get(addr);
        Some(if insn.src == PSEUDO_CALL {
            match sym {
                _ if self.jited_ksyms.is_empty() => format!("{:+}", insn.off),
                Some(s) => format!("{:+}#{s}", insn.off),
                None => format!("{:+}#{addr:#x}", insn.off),
            }
        } else {
            sym.map_or_else(|| format!("{addr:#x}"), str::to_string)
        })
    }

    fn imm(&self, insn: &Insn, next: &Insn, full: u64) -> String {
        insn::imm_text(insn, next, full)
    }
}

/// The instruction index as bpftool prints it with `printf("% 4d: ")`: a
/// sign space, then the digits, right-aligned in four columns. Below 1000
/// the sign space is absorbed by the padding (`   7`, ` 999`); from 1000 on
/// the field grows by it (` 1000`, ` 12345`), so columns stay aligned.
pub fn index_col(i: usize) -> String {
    format!("{:>4}", format!(" {i}"))
}

/// The decoded instruction slots of an xlated image.
pub fn slots(bytes: &[u8]) -> Vec<Insn> {
    bytes.chunks_exact(8).map(Insn::from_bytes).collect()
}

/// Text of slot `i` (reading slot i+1 for LD imm64).
pub fn text_at(insns: &[Insn], i: usize, names: &dyn Names) -> String {
    insn::format(&insns[i], insns.get(i + 1), names)
}

/// One instruction as both renderings need it: where it is, whether it is
/// the two-slot LD imm64, and the prototype and source line bpftool puts
/// before it. Kept in one walk so plain and JSON cannot drift apart.
struct Step<'a> {
    i: usize,
    wide: bool,
    proto: Option<String>,
    line: Option<&'a LineInfo>,
}

fn steps<'a>(p: &'a Prog, insns: &[Insn]) -> Vec<Step<'a>> {
    let mut out = Vec::with_capacity(insns.len());
    let (mut rec, mut nr_skip, mut i) = (0, 0, 0);
    while i < insns.len() {
        let mut proto = None;
        if let Some(btf) = &p.btf
            && let Some(&(off, type_id)) = p.image.func_info.get(rec)
            && off as usize == i
        {
            proto = Some(btf.type_only(type_id)).filter(|s| !s.is_empty());
            rec += 1;
        }
        let line = p.linfo.as_ref().filter(|_| p.btf.is_some()).and_then(|li| li.lfind(i as u32, nr_skip));
        if line.is_some() {
            nr_skip += 1;
        }
        let wide = insns[i].is_ld_imm64();
        out.push(Step { i, wide, proto, line });
        i += if wide { 2 } else { 1 };
    }
    out
}

pub fn plain(w: &mut dyn Write, p: &Prog, r: &Resolver, opcodes: bool, linum: bool) -> io::Result<()> {
    let names = CallNames { r, jited_ksyms: &p.image.jited_ksyms };
    let insns = slots(&p.image.bytes);
    for s in steps(p, &insns) {
        let i = s.i;
        if let Some(sig) = &s.proto {
            writeln!(w, "{sig}:")?;
        }
        if let (Some(btf), Some(l)) = (&p.btf, s.line) {
            linfo_plain(w, btf, l, linum)?;
        }
        writeln!(w, "{}: {}", index_col(i), text_at(&insns, i, &names))?;
        if opcodes {
            let at = i * 8;
            let end = if s.wide { at + 16 } else { at + 8 };
            let raw = &p.image.bytes[at..end.min(p.image.bytes.len())];
            let mut line = format!("       {}", crate::text::spaced_hex(&raw[..raw.len().min(8)]));
            if raw.len() > 8 {
                line.push(' ');
                line.push_str(&crate::text::spaced_hex(&raw[8..]));
            }
            writeln!(w, "{line}")?;
        }
    }
    Ok(())
}

pub fn json(p: &Prog, r: &Resolver, opcodes: bool, linum: bool) -> Value {
    let names = CallNames { r, jited_ksyms: &p.image.jited_ksyms };
    let insns = slots(&p.image.bytes);
    let bytes = &p.image.bytes;
    let mut out = Vec::with_capacity(insns.len());
    for s in steps(p, &insns) {
        let i = s.i;
        let mut o = Map::new();
        if let Some(sig) = s.proto {
            o.insert("proto".into(), sig.into());
        }
        if let (Some(btf), Some(l)) = (&p.btf, s.line) {
            linfo_json(&mut o, btf, l, linum);
        }
        o.insert("disasm".into(), text_at(&insns, i, &names).into());
        if opcodes {
            let at = i * 8;
            let hx = |b: &[u8]| Value::from(b.iter().map(|x| format!("{x:#04x}")).collect::<Vec<_>>());
            let imm_len = if s.wide { 12 } else { 4 };
            let imm = &bytes[at + 4..(at + 4 + imm_len).min(bytes.len())];
            let i0 = &insns[i];
            o.insert(
                "opcodes".into(),
                json!({
                    "code": format!("{:#04x}", i0.code),
                    "src_reg": format!("{:#x}", i0.src),
                    "dst_reg": format!("{:#x}", i0.dst),
                    "off": hx(&bytes[at + 2..at + 4]),
                    "imm": hx(imm),
                }),
            );
        }
        out.push(Value::Object(o));
    }
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::index_col;

    #[test]
    fn index_column_is_printf_space_4d() {
        // C's printf("% 4d", i) for each of these.
        for (i, want) in
            [(0, "   0"), (7, "   7"), (999, " 999"), (1000, " 1000"), (12345, " 12345"), (1_000_000, " 1000000")]
        {
            assert_eq!(index_col(i), want);
        }
    }
}
