//! Stage 1 of the loader: the ELF file as the later stages need it — every
//! function of every executable section with its instructions, which of them
//! are programs, the relocations of executable sections by offset, license,
//! version and the BTF blobs. Read through `object` (read-only), with every
//! offset and size checked, so a malformed file is an error, never a panic.

use std::collections::{BTreeMap, HashMap};
use std::ffi::CString;

use anyhow::{Result, anyhow, bail};
use aya_obj::generated::bpf_insn;
use object::read::elf::ElfFile64;
use object::{Object, ObjectSection, ObjectSymbol, RelocationFlags, RelocationTarget, SectionFlags, SymbolKind};

use crate::btf::Btf;
use crate::error::UserError;

/// Bytes per BPF instruction slot.
pub const INSN: u64 = 8;

/// The object, parsed once and shared by every stage.
pub struct Elf<'d> {
    pub file: ElfFile64<'d>,
    pub license: CString,
    /// The `version` section (legacy kprobe loaders); 0 when absent.
    pub kern_version: u32,
    /// The object's `.BTF`, raw and decoded.
    pub btf_raw: Option<&'d [u8]>,
    pub btf: Option<Btf>,
    pub btf_ext: Option<&'d [u8]>,
    /// Every function of every executable section, programs first in
    /// libbpf's order (section, then offset), then the subprograms.
    pub funcs: Vec<Func>,
    /// Relocations of executable sections: section index → offset → reloc.
    pub relocs: HashMap<usize, BTreeMap<u64, Reloc>>,
}

/// One function symbol of an executable section.
#[derive(Debug, Clone)]
pub struct Func {
    pub name: String,
    pub section: usize,
    pub section_name: String,
    /// Byte offset of the first instruction in the section.
    pub offset: u64,
    pub insns: Vec<bpf_insn>,
    /// A program (a function outside `.text`) rather than a subprogram.
    pub program: bool,
}

impl Func {
    pub fn end(&self) -> u64 {
        self.offset + self.insns.len() as u64 * INSN
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Reloc {
    pub symbol: usize,
    pub r_type: u32,
}

/// A symbol as the relocation stage needs it.
#[derive(Debug, Clone)]
pub struct Sym {
    pub name: String,
    /// None for undefined (extern) symbols and absolute ones.
    pub section: Option<usize>,
    pub value: u64,
    pub kind: SymbolKind,
    pub undefined: bool,
    pub weak: bool,
}

fn bad(msg: String) -> anyhow::Error {
    anyhow!(msg)
}

impl<'d> Elf<'d> {
    pub fn parse(data: &'d [u8]) -> Result<Elf<'d>> {
        let file = ElfFile64::<'d>::parse(data).map_err(|e| match data.get(..4) {
            Some(b"\x7fELF") if data.get(4) != Some(&2) || data.get(5) != Some(&1) => {
                anyhow!("not a 64-bit little-endian ELF object, as BPF objects are")
            }
            Some(b"\x7fELF") => anyhow!("the ELF file is truncated or damaged ({e})"),
            _ => anyhow!("not an ELF file"),
        })?;
        if file.architecture() != object::Architecture::Bpf {
            bail!(UserError::new(
                format!("the object is built for {:?}, not for BPF", file.architecture()),
                "build it with `clang -target bpf` (or `-target bpfel`)",
            ));
        }
        if !file.is_little_endian() {
            bail!("big-endian BPF objects are not supported");
        }
        let section_data = |name: &str| -> Result<Option<&'d [u8]>> {
            match file.section_by_name(name) {
                Some(s) => Ok(Some(s.data().map_err(|e| bad(format!("section {name}: {e}")))?)),
                None => Ok(None),
            }
        };
        let license = match section_data("license")? {
            Some(d) => {
                let end = d.iter().position(|&b| b == 0).unwrap_or(d.len());
                CString::new(&d[..end]).unwrap_or_default()
            }
            None => CString::default(),
        };
        let kern_version = match section_data("version")? {
            Some(d) if d.len() == 4 => u32::from_le_bytes([d[0], d[1], d[2], d[3]]),
            Some(_) => bail!("the `version` section is not 4 bytes"),
            None => 0,
        };
        let btf_raw = section_data(".BTF")?;
        let btf = btf_raw.map(Btf::parse).transpose().map_err(|e| {
            UserError::new(
                format!("the object's .BTF cannot be read: {e:#}"),
                "rebuild it with `clang -O2 -g -target bpf -c FILE.c`, or check it with `bpftool btf dump file OBJ`",
            )
        })?;
        let btf_ext = section_data(".BTF.ext")?;
        let funcs = functions(&file)?;
        let relocs = relocations(&file)?;
        Ok(Elf { file, license, kern_version, btf_raw, btf, btf_ext, funcs, relocs })
    }

    pub fn programs(&self) -> impl Iterator<Item = &Func> {
        self.funcs.iter().filter(|f| f.program)
    }

    pub fn symbol(&self, index: usize) -> Result<Sym> {
        let s = self
            .file
            .symbol_by_index(object::SymbolIndex(index))
            .map_err(|_| anyhow!("relocation names symbol {index}, which does not exist"))?;
        Ok(Sym {
            name: s.name().unwrap_or("").to_string(),
            section: s.section_index().map(|i| i.0),
            value: s.address(),
            kind: s.kind(),
            undefined: s.is_undefined(),
            weak: s.is_weak(),
        })
    }

    pub fn section_name(&self, index: usize) -> String {
        self.file
            .section_by_index(object::SectionIndex(index))
            .ok()
            .and_then(|s| s.name().ok().map(str::to_string))
            .unwrap_or_default()
    }

    pub fn section_size(&self, name: &str) -> Option<u64> {
        self.file.section_by_name(name).map(|s| s.size())
    }

    /// The function of `section` whose first instruction is at `offset`.
    pub fn func_at(&self, section: usize, offset: u64) -> Option<usize> {
        self.funcs.iter().position(|f| f.section == section && f.offset == offset)
    }
}

fn is_exec(s: &object::read::elf::ElfSection64<'_, '_>) -> bool {
    matches!(s.flags(), SectionFlags::Elf { sh_flags } if sh_flags & u64::from(object::elf::SHF_EXECINSTR) != 0)
}

fn functions(file: &ElfFile64<'_>) -> Result<Vec<Func>> {
    let mut exec: HashMap<usize, (String, &[u8])> = HashMap::new();
    for s in file.sections() {
        if is_exec(&s) && s.size() > 0 {
            let name = s.name().map_err(|e| bad(format!("section {}: {e}", s.index().0)))?.to_string();
            let data = s.data().map_err(|e| bad(format!("section {name}: {e}")))?;
            if data.len() % INSN as usize != 0 {
                bail!("section {name} is {} bytes, not a whole number of instructions", data.len());
            }
            exec.insert(s.index().0, (name, data));
        }
    }
    // (section, name, offset, size) of every function: FUNC symbols, and
    // for sections old clang wrote without them (samples/bpf, iproute2-era
    // objects: the entry point is a NOTYPE global, or nothing at all), the
    // global symbols there, each running to the next, or the whole section
    // named after it, as the loaders of that time took them.
    let mut found: Vec<(usize, String, u64, u64)> = Vec::new();
    for sym in file.symbols() {
        if sym.kind() != SymbolKind::Text {
            continue;
        }
        let Some(section) = sym.section_index().map(|i| i.0) else { continue };
        if !exec.contains_key(&section) {
            continue;
        }
        let name = sym.name().map_err(|e| bad(format!("symbol {}: {e}", sym.index().0)))?.to_string();
        found.push((section, name, sym.address(), sym.size()));
    }
    let mut bare: Vec<&usize> = exec.keys().filter(|s| !found.iter().any(|f| f.0 == **s)).collect();
    bare.sort();
    for &section in bare {
        let (section_name, data) = &exec[&section];
        let mut starts: Vec<(u64, String)> = file
            .symbols()
            .filter(|s| {
                s.section_index().map(|i| i.0) == Some(section) && s.is_global() && s.kind() != SymbolKind::Section
            })
            .filter_map(|s| Some((s.address(), s.name().ok()?.to_string())))
            .collect();
        starts.sort();
        starts.dedup_by_key(|s| s.0);
        if starts.first().is_none_or(|s| s.0 != 0) {
            starts.insert(0, (0, section_name.replace(['/', '.', '-'], "_")));
        }
        let end = data.len() as u64;
        for (k, (offset, name)) in starts.iter().enumerate() {
            let next = starts.get(k + 1).map_or(end, |n| n.0);
            found.push((section, name.clone(), *offset, next.saturating_sub(*offset)));
        }
    }
    let mut funcs = Vec::new();
    for (section, name, offset, size) in found {
        let (section_name, data) = &exec[&section];
        let code = usize::try_from(offset)
            .ok()
            .zip(usize::try_from(size).ok())
            .and_then(|(o, n)| data.get(o..o.checked_add(n)?))
            .filter(|_| offset % INSN == 0 && size % INSN == 0 && size > 0)
            .ok_or_else(|| {
                bad(format!("function `{name}` does not fit whole instructions inside section `{section_name}`"))
            })?;
        let insns = code
            .chunks_exact(INSN as usize)
            .map(|c| {
                let mut raw = [0u8; 8];
                raw.copy_from_slice(c);
                insn_from_bytes(raw)
            })
            .collect();
        funcs.push(Func {
            name,
            section,
            section_name: section_name.clone(),
            offset,
            insns,
            program: section_name != ".text",
        });
    }
    // libbpf's order: by section, then offset; programs before subprograms.
    funcs.sort_by_key(|f| (!f.program, f.section, f.offset));
    Ok(funcs)
}

fn insn_from_bytes(b: [u8; 8]) -> bpf_insn {
    let mut i = bpf_insn { code: b[0], _bitfield_align_1: [], _bitfield_1: Default::default(), off: 0, imm: 0 };
    i.set_dst_reg(b[1] & 0x0f);
    i.set_src_reg(b[1] >> 4);
    i.off = i16::from_le_bytes([b[2], b[3]]);
    i.imm = i32::from_le_bytes([b[4], b[5], b[6], b[7]]);
    i
}

fn relocations(file: &ElfFile64<'_>) -> Result<HashMap<usize, BTreeMap<u64, Reloc>>> {
    let mut out: HashMap<usize, BTreeMap<u64, Reloc>> = HashMap::new();
    for s in file.sections() {
        if !is_exec(&s) {
            continue;
        }
        for (offset, r) in s.relocations() {
            let RelocationTarget::Symbol(sym) = r.target() else {
                bail!("a relocation of section {} has no symbol", s.name().unwrap_or("?"));
            };
            let r_type = match r.flags() {
                RelocationFlags::Elf { r_type } => r_type,
                _ => 0,
            };
            // R_BPF_NONE, 64_64, 64_ABS64, 64_ABS32, 64_NODYLD32, 64_32.
            if !matches!(r_type, 0..=4 | 10) {
                bail!(
                    "the relocation at offset {offset} of section `{}` has type {r_type}, which is no BPF relocation",
                    s.name().unwrap_or("?")
                );
            }
            out.entry(s.index().0).or_default().insert(offset, Reloc { symbol: sym.0, r_type });
        }
    }
    Ok(out)
}

/// Reads one 8-byte slot back into bytes (for the kernel).
pub fn insn_bytes(i: &bpf_insn) -> [u8; 8] {
    let mut b = [0u8; 8];
    b[0] = i.code;
    b[1] = (i.dst_reg() & 0x0f) | (i.src_reg() << 4);
    b[2..4].copy_from_slice(&i.off.to_le_bytes());
    b[4..8].copy_from_slice(&i.imm.to_le_bytes());
    b
}

/// Offsets must be checked by the caller; this names a section for errors.
pub fn describe(elf: &Elf<'_>, section: usize, offset: u64) -> String {
    let name = elf.section_name(section);
    match elf.funcs.iter().find(|f| f.section == section && (f.offset..f.end()).contains(&offset)) {
        Some(f) => format!("`{}` (section {name}, insn {})", f.name, (offset - f.offset) / INSN),
        None => format!("section {name} offset {offset}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/objects/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn programs_and_subprograms() {
        let data = read("disasm.o");
        let elf = Elf::parse(&data).unwrap();
        let progs: Vec<&str> = elf.programs().map(|f| f.name.as_str()).collect();
        assert!(progs.contains(&"disasm_main"), "{progs:?}");
        assert!(elf.funcs.iter().any(|f| !f.program), "disasm.o has a subprogram");
        assert_eq!(elf.license.to_str().unwrap(), "GPL");
        assert!(elf.btf.is_some() && elf.btf_ext.is_some());
    }

    #[test]
    fn order_is_libbpfs() {
        let data = read("two_progs.o");
        let elf = Elf::parse(&data).unwrap();
        let progs: Vec<&str> = elf.programs().map(|f| f.name.as_str()).collect();
        assert_eq!(progs, ["first_prog", "second_prog"]);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(Elf::parse(b"hello").is_err());
        let mut data = read("two_progs.o");
        data.truncate(data.len() / 2);
        assert!(Elf::parse(&data).is_err());
    }
}
