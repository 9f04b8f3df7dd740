//! A program as the kernel takes it: its own instructions, then every
//! subprogram it reaches (calls and callback pointers) appended once, every
//! map, global-data and extern reference relocated, and the `.BTF.ext`
//! func/line info moved along with the code, in instruction units.
//!
//! aya-obj 0.3 links calls too, but keeps the relocation table private and
//! skips undefined symbols, so externs (`.kconfig`, `.ksyms`, kfuncs) could
//! not be patched after it; owning the linker puts every relocation kind in
//! one pass.

use std::collections::HashMap;
use std::os::fd::RawFd;

use anyhow::{Result, anyhow, bail};
use aya_obj::generated::{
    BPF_CALL, BPF_DW, BPF_IMM, BPF_JMP, BPF_LD, BPF_PSEUDO_BTF_ID, BPF_PSEUDO_CALL, BPF_PSEUDO_FUNC,
    BPF_PSEUDO_KFUNC_CALL, BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE, bpf_insn,
};
use object::SymbolKind;

use super::elf::{Elf, INSN, Sym};
use crate::btf::Btf;
use crate::btf::raw;
use crate::error::UserError;

const CALL: u8 = (BPF_JMP | BPF_CALL) as u8;
const LD_IMM64: u8 = (BPF_LD | BPF_IMM | BPF_DW) as u8;

/// What an extern symbol turned into (from the externs stage, with fds).
#[derive(Debug, Clone, Copy)]
pub enum ExtRef {
    /// ld_imm64 → a value in a map (the `.kconfig` map) at this offset.
    MapValue { fd: RawFd, offset: u32 },
    /// ld_imm64 → a constant (a typeless ksym's address, or 0 for a weak
    /// extern that is missing).
    Const(u64),
    /// ld_imm64 → a kernel variable by BTF id (`btf_fd` 0: vmlinux).
    BtfVar { id: u32, btf_fd: RawFd },
    /// call → a kfunc by BTF id; `btf_fd` 0 for vmlinux, else a module BTF.
    Kfunc { id: u32, btf_fd: RawFd },
    /// call → a weak kfunc the kernel lacks (its extern index): poisoned
    /// as libbpf 1.2+ does, for the verifier's dead code elimination
    /// (`bpf_ksym_exists` guards it); reached, it names the poison.
    MissingKfunc(u32),
}

/// Every fd and extern the relocations can point at.
#[derive(Debug, Default)]
pub struct Refs {
    /// Map symbols (legacy `maps` and BTF `.maps`) → map fd.
    pub maps: HashMap<usize, RawFd>,
    /// Global data sections (.data, .rodata, .bss, ...) → map fd.
    pub data: HashMap<usize, RawFd>,
    /// Undefined symbols → what they resolved to.
    pub externs: HashMap<usize, ExtRef>,
}

/// A program ready for BPF_PROG_LOAD.
#[derive(Debug, Default)]
pub struct Linked {
    pub insns: Vec<bpf_insn>,
    /// Where each instruction came from: (section index, byte offset).
    pub origins: Vec<(usize, u64)>,
    /// `struct bpf_func_info` records (insn_off in instructions, type_id).
    pub func_info: Vec<[u32; 2]>,
    /// `struct bpf_line_info` records (insn_off in instructions).
    pub line_info: Vec<[u32; 4]>,
    /// BTF fds for module kfuncs; index 0 is reserved for vmlinux.
    pub fd_array: Vec<RawFd>,
}

/// `.BTF.ext` records of one kind, by ELF section name.
#[derive(Debug, Default)]
pub struct ExtInfo {
    pub func: HashMap<String, Vec<[u32; 2]>>,
    pub line: HashMap<String, Vec<[u32; 4]>>,
    /// CO-RE records as the kernel's `struct bpf_core_relo` (insn_off in
    /// bytes of the section, type_id, access_str_off, kind).
    pub core: HashMap<String, Vec<[u32; 4]>>,
}

impl ExtInfo {
    pub fn parse(ext: Option<&[u8]>, btf: Option<&Btf>) -> Result<ExtInfo> {
        let (Some(ext), Some(btf)) = (ext, btf) else { return Ok(ExtInfo::default()) };
        let parts = raw::ext_subsections(ext).ok_or_else(|| {
            UserError::new(
                "the object's .BTF.ext is malformed (bad magic or a subsection outside it)",
                "rebuild it with `clang -O2 -g -target bpf -c FILE.c`",
            )
        })?;
        let mut info = ExtInfo::default();
        for (i, (_, bytes)) in parts.iter().enumerate() {
            match i {
                0 => info.func = records::<2>(bytes, btf, "func_info")?,
                1 => info.line = records::<4>(bytes, btf, "line_info")?,
                _ => info.core = records::<4>(bytes, btf, "CO-RE relocation")?,
            }
        }
        Ok(info)
    }
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// One `.BTF.ext` subsection: rec_size, then per section {name_off, count,
/// records}. Records longer than we know keep their first N words.
pub(super) fn records<const N: usize>(bytes: &[u8], btf: &Btf, what: &str) -> Result<HashMap<String, Vec<[u32; N]>>> {
    let mut out: HashMap<String, Vec<[u32; N]>> = HashMap::new();
    if bytes.is_empty() {
        return Ok(out);
    }
    let bad = |why: String| anyhow!("the object's .BTF.ext {what} subsection is malformed: {why}");
    let rec = u32_at(bytes, 0).ok_or_else(|| bad("no record size".into()))? as usize;
    // libbpf's checks: whole 32-bit words, at least the fields we read.
    if rec < N * 4 || !rec.is_multiple_of(4) {
        return Err(bad(format!("record size {rec}")));
    }
    let mut at = 4usize;
    while at < bytes.len() {
        let (Some(name_off), Some(count)) = (u32_at(bytes, at), u32_at(bytes, at + 4)) else {
            return Err(bad("a section header is truncated".into()));
        };
        at += 8;
        let name = btf
            .string_at(name_off)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad(format!("section name offset {name_off} is out of range")))?
            .to_string();
        if count == 0 {
            return Err(bad(format!("section {name} has no records")));
        }
        let list = out.entry(name.clone()).or_default();
        for i in 0..count {
            let mut r = [0u32; N];
            for (k, slot) in r.iter_mut().enumerate() {
                *slot = u32_at(bytes, at + 4 * k).ok_or_else(|| bad(format!("section {name} runs past its end")))?;
            }
            // Every record kind starts with an instruction's byte offset.
            if !u64::from(r[0]).is_multiple_of(INSN) {
                return Err(bad(format!("section {name}: record {i} points inside an instruction")));
            }
            list.push(r);
            at = at.checked_add(rec).ok_or_else(|| bad(format!("section {name} runs past its end")))?;
        }
    }
    Ok(out)
}

fn is_call(i: &bpf_insn) -> bool {
    i.code == CALL
}

/// Links program `prog` (an index into `elf.funcs`).
pub fn link(elf: &Elf<'_>, prog: usize, refs: &Refs, ext: &ExtInfo) -> Result<Linked> {
    if prog >= elf.funcs.len() {
        bail!("no function {prog}");
    }
    let mut out = Linked { fd_array: vec![0], ..Linked::default() };
    let mut placed: Vec<(usize, usize)> = Vec::new();
    place(elf, &mut out, &mut placed, prog);

    let mut i = 0;
    while i < out.insns.len() {
        let (sec, off) = out.origins[i];
        let rel = elf.relocs.get(&sec).and_then(|m| m.get(&off)).copied();
        let ins = out.insns[i];
        let here = || super::elf::describe(elf, sec, off);
        if is_call(&ins) {
            let target = match rel {
                Some(r) => {
                    let sym = elf.symbol(r.symbol)?;
                    if sym.undefined {
                        kfunc_call(&mut out, i, r.symbol, &sym, refs)?;
                        i += 1;
                        continue;
                    }
                    let s = sym
                        .section
                        .ok_or_else(|| anyhow!("call at {} to symbol `{}` without a section", here(), sym.name))?;
                    // A call through a section symbol carries the target in
                    // imm; through a function symbol imm is -1.
                    let t = (sym.value as i64) + (i64::from(ins.imm) + 1) * INSN as i64;
                    Some((s, t))
                }
                None if ins.src_reg() == BPF_PSEUDO_CALL as u8 => {
                    Some((sec, off as i64 + (i64::from(ins.imm) + 1) * INSN as i64))
                }
                None => None, // a helper call
            };
            if let Some((s, t)) = target {
                let f = u64::try_from(t)
                    .ok()
                    .and_then(|t| elf.func_at(s, t))
                    .ok_or_else(|| anyhow!("call at {} does not land on the start of a function", here()))?;
                let start = place(elf, &mut out, &mut placed, f);
                out.insns[i].set_src_reg(BPF_PSEUDO_CALL as u8);
                out.insns[i].imm = (start as i64 - i as i64 - 1) as i32;
            }
            i += 1;
            continue;
        }
        if ins.code == LD_IMM64 {
            if i + 1 >= out.insns.len() {
                bail!("ld_imm64 at {} is missing its second half", here());
            }
            if let Some(r) = rel {
                let sym = elf.symbol(r.symbol)?;
                relocate_ld(elf, &mut out, &mut placed, i, r.symbol, &sym, refs)
                    .map_err(|e| e.context(format!("relocating {}", here())))?;
            }
            i += 2;
            continue;
        }
        if let Some(r) = rel {
            let name = elf.symbol(r.symbol).map(|s| s.name).unwrap_or_default();
            bail!(
                "relocation against `{name}` at {} is on an instruction that is neither a call nor a 64-bit load",
                here()
            );
        }
        i += 1;
    }

    let mut placed_sorted = placed.clone();
    placed_sorted.sort_by_key(|(_, start)| *start);
    for (f, start) in placed_sorted {
        let func = &elf.funcs[f];
        let to_insn = |byte_off: u32| -> Option<u32> {
            let b = u64::from(byte_off);
            (func.offset..func.end()).contains(&b).then(|| (start as u64 + (b - func.offset) / INSN) as u32)
        };
        if let Some(recs) = ext.func.get(&func.section_name) {
            out.func_info.extend(recs.iter().filter_map(|r| Some([to_insn(r[0])?, r[1]])));
        }
        if let Some(recs) = ext.line.get(&func.section_name) {
            out.line_info.extend(recs.iter().filter_map(|r| Some([to_insn(r[0])?, r[1], r[2], r[3]])));
        }
    }
    Ok(out)
}

/// Where function `f` starts in the linked program, appending it the first
/// time it is reached.
fn place(elf: &Elf<'_>, out: &mut Linked, placed: &mut Vec<(usize, usize)>, f: usize) -> usize {
    if let Some(&(_, start)) = placed.iter().find(|(g, _)| *g == f) {
        return start;
    }
    let func = &elf.funcs[f];
    let start = out.insns.len();
    out.insns.extend_from_slice(&func.insns);
    out.origins.extend((0..func.insns.len() as u64).map(|k| (func.section, func.offset + k * INSN)));
    placed.push((f, start));
    start
}

fn kfunc_call(out: &mut Linked, i: usize, symbol: usize, sym: &Sym, refs: &Refs) -> Result<()> {
    match refs.externs.get(&symbol) {
        Some(ExtRef::Kfunc { id, btf_fd }) => {
            let slot = if *btf_fd == 0 {
                0
            } else if let Some(k) = out.fd_array.iter().skip(1).position(|f| f == btf_fd) {
                k + 1
            } else {
                out.fd_array.push(*btf_fd);
                out.fd_array.len() - 1
            };
            let ins = &mut out.insns[i];
            ins.set_src_reg(BPF_PSEUDO_KFUNC_CALL as u8);
            ins.imm = *id as i32;
            ins.off = i16::try_from(slot).map_err(|_| anyhow!("too many module BTFs for kfuncs"))?;
            Ok(())
        }
        Some(ExtRef::MissingKfunc(n)) => {
            // A call the verifier proves dead is removed; one it reaches
            // fails as an unknown helper `2002000000 + n`.
            let ins = &mut out.insns[i];
            ins.set_src_reg(0);
            ins.imm = super::externs::POISON_KFUNC_CALL_BASE + *n as i32;
            ins.off = 0;
            Ok(())
        }
        _ => bail!(UserError::new(
            format!("the program calls undefined extern function `{}`", sym.name),
            "define the function in the object, or declare a kernel function with `__ksym` (kfunc)",
        )),
    }
}

#[allow(clippy::too_many_arguments)]
fn relocate_ld(
    elf: &Elf<'_>,
    out: &mut Linked,
    placed: &mut Vec<(usize, usize)>,
    i: usize,
    symbol: usize,
    sym: &Sym,
    refs: &Refs,
) -> Result<()> {
    if sym.undefined {
        let ext = refs.externs.get(&symbol).ok_or_else(|| {
            UserError::new(
                format!("the program uses undefined extern `{}`", sym.name),
                "declare it `__kconfig` or `__ksym`, or define it in the object",
            )
        })?;
        let (lo, hi) = out.insns[i..i + 2].split_at_mut(1);
        let (a, b) = (&mut lo[0], &mut hi[0]);
        match *ext {
            ExtRef::MapValue { fd, offset } => {
                a.set_src_reg(BPF_PSEUDO_MAP_VALUE as u8);
                a.imm = fd;
                b.imm = offset as i32;
            }
            ExtRef::Const(v) => {
                a.set_src_reg(0);
                a.imm = v as u32 as i32;
                b.imm = (v >> 32) as u32 as i32;
            }
            ExtRef::BtfVar { id, btf_fd } => {
                a.set_src_reg(BPF_PSEUDO_BTF_ID as u8);
                a.imm = id as i32;
                b.imm = btf_fd;
            }
            // A kfunc's address (`bpf_ksym_exists`): the kernel puts it in
            // for a BTF FUNC id; a missing weak kfunc's address is 0.
            ExtRef::Kfunc { id, btf_fd } => {
                a.set_src_reg(BPF_PSEUDO_BTF_ID as u8);
                a.imm = id as i32;
                b.imm = btf_fd;
            }
            ExtRef::MissingKfunc(_) => {
                a.set_src_reg(0);
                a.imm = 0;
                b.imm = 0;
            }
        }
        return Ok(());
    }
    let section = sym.section.ok_or_else(|| anyhow!("symbol `{}` has no section", sym.name))?;
    if let Some(&fd) = refs.maps.get(&symbol) {
        out.insns[i].set_src_reg(BPF_PSEUDO_MAP_FD as u8);
        out.insns[i].imm = fd;
        return Ok(());
    }
    if let Some(&fd) = refs.data.get(&section) {
        let offset = if sym.kind == SymbolKind::Section { 0 } else { sym.value as i64 } + i64::from(out.insns[i].imm);
        out.insns[i].set_src_reg(BPF_PSEUDO_MAP_VALUE as u8);
        out.insns[i].imm = fd;
        out.insns[i + 1].imm = i32::try_from(offset).map_err(|_| anyhow!("offset {offset} out of range"))?;
        return Ok(());
    }
    if elf.funcs.iter().any(|f| f.section == section) {
        // A callback's address (bpf_loop, timers): section symbol + imm bytes.
        let base = if sym.kind == SymbolKind::Section { 0 } else { sym.value as i64 };
        let t = base + i64::from(out.insns[i].imm);
        let f = u64::try_from(t)
            .ok()
            .and_then(|t| elf.func_at(section, t))
            .ok_or_else(|| anyhow!("function pointer `{}` does not point at a function", sym.name))?;
        let start = place(elf, out, placed, f);
        out.insns[i].set_src_reg(BPF_PSEUDO_FUNC as u8);
        out.insns[i].imm = (start as i64 - i as i64 - 1) as i32;
        out.insns[i + 1].imm = 0;
        return Ok(());
    }
    // A legacy map referenced through its section symbol plus an offset.
    if sym.kind == SymbolKind::Section {
        let want = i64::from(out.insns[i].imm);
        for (&s, &fd) in &refs.maps {
            if let Ok(m) = elf.symbol(s)
                && m.section == Some(section)
                && m.value as i64 == want
            {
                out.insns[i].set_src_reg(BPF_PSEUDO_MAP_FD as u8);
                out.insns[i].imm = fd;
                return Ok(());
            }
        }
    }
    bail!("`{}` in section {} is neither a map, global data nor a function", sym.name, elf.section_name(section))
}
