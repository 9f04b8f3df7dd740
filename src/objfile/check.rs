//! Checks for the malformations aya-obj 0.3 and aya 0.14 panic on instead
//! of returning an error (found by tests/fuzz.rs): a function symbol that
//! runs past its section, a relocation type aya has no case for, BTF names
//! outside the string table or not UTF-8, `.BTF.ext` records past their
//! subsection. Each gets one sentence naming the section or symbol; what is
//! left is caught by `guard::no_panic`.

use anyhow::{Result, bail};

use aya_obj::generated as k;
use object::elf::{
    R_BPF_64_32, R_BPF_64_64, Rel64, SHN_LORESERVE, SHT_REL, SHT_SYMTAB, STT_FILE, STT_FUNC, STT_SECTION,
};

use super::{Elf, LE, Le, btf, btf_sections, bytes_at, cstr_at, sec_name_slots, symbol_records, to_usize, u32_at};

/// BPF relocation types (R_BPF_64_64, ABS64, ABS32, NODYLD32, 64_32): the
/// only ones aya-obj handles; it reaches `todo!()` on others. `object::elf`
/// names only the first and last (neither libc nor aya_obj has any).
const BPF_RELOCATIONS: &[u32] = &[R_BPF_64_64, 2, 3, 4, R_BPF_64_32];

pub(super) fn for_aya(elf: &Elf<'_>) -> Result<()> {
    let symbols = symbols(elf);
    check_function_bounds(elf, &symbols)?;
    check_relocations(elf, &symbols)?;
    check_btf(elf)
}

/// (type, section index, value, size, name offset) of every symbol.
struct Sym {
    kind: u8,
    shndx: usize,
    value: u64,
    size: u64,
    name: u32,
}

fn symbols(elf: &Elf<'_>) -> Vec<Sym> {
    let Some(symtab) = elf.shdrs.iter().position(|s| s.kind == SHT_SYMTAB) else { return Vec::new() };
    symbol_records(elf.section_data(symtab))
        .iter()
        .map(|raw| Sym {
            kind: raw.st_type(),
            shndx: usize::from(raw.st_shndx.get(LE)),
            value: raw.st_value.get(LE),
            size: raw.st_size.get(LE),
            name: raw.st_name.get(LE),
        })
        .collect()
}

fn symbol_name(elf: &Elf<'_>, sym: &Sym) -> String {
    let strtab = elf.shdrs.iter().find(|s| s.kind == SHT_SYMTAB).map(|s| s.link).unwrap_or(0);
    to_usize(sym.name)
        .and_then(|off| cstr_at(elf.section_data(strtab), off))
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_else(|| "?".to_string())
}

fn section_name(elf: &Elf<'_>, index: usize) -> String {
    elf.name(index).map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_else(|| format!("#{index}"))
}

/// aya copies `section[value..value + size]` for every function, and
/// subtracts the section's address from the symbol's (overflowing unless
/// the address is 0, as it always is in a relocatable object).
fn check_function_bounds(elf: &Elf<'_>, symbols: &[Sym]) -> Result<()> {
    for index in 1..elf.shdrs.len() {
        let addr = elf.shdrs[index].addr;
        if addr != 0 && elf.shdrs[index].is_code() {
            bail!(
                "malformed ELF file: code section `{}` has address {addr:#x}, where a relocatable object has 0",
                crate::text::escape(&section_name(elf, index))
            );
        }
    }
    // Functions and data symbols alike: aya slices legacy `maps` definitions
    // and global data by them too. (Section and file symbols carry no extent.)
    for sym in symbols.iter().filter(|s| s.kind != STT_SECTION && s.kind != STT_FILE) {
        let Some(shdr) = elf.shdrs.get(sym.shndx).filter(|_| sym.shndx != 0 && sym.shndx < usize::from(SHN_LORESERVE))
        else {
            continue;
        };
        let function = sym.kind == STT_FUNC;
        let end = sym.value.checked_add(sym.size);
        if end.is_none_or(|end| end > shdr.size as u64) || (function && sym.size % 8 != 0) {
            bail!(
                "malformed ELF file: {} `{}` ({} bytes at offset {}) does not fit {}inside section `{}` ({} bytes)",
                if function { "function" } else { "symbol" },
                crate::text::escape(&symbol_name(elf, sym)),
                sym.size,
                sym.value,
                if function { "whole instructions " } else { "" },
                crate::text::escape(&section_name(elf, sym.shndx)),
                shdr.size
            );
        }
    }
    Ok(())
}

fn check_relocations(elf: &Elf<'_>, symbols: &[Sym]) -> Result<()> {
    for (index, shdr) in elf.shdrs.iter().enumerate().filter(|(_, s)| s.kind == SHT_REL) {
        let rels = elf.section_data(index);
        let records = object::pod::slice_from_bytes::<Rel64<Le>>(rels, rels.len() / size_of::<Rel64<Le>>());
        for (n, raw) in records.map_or(&[][..], |(r, _)| r).iter().enumerate() {
            let (kind, sym) = (raw.r_type(LE), raw.r_sym(LE) as usize);
            let here = || format!("relocation {n} in section `{}`", section_name(elf, index));
            if !BPF_RELOCATIONS.contains(&kind) {
                bail!("malformed ELF file: {} has type {kind}, which is no BPF relocation", here());
            }
            let Some(s) = symbols.get(sym) else {
                bail!("malformed ELF file: {} names symbol {sym}, beyond the symbol table", here());
            };
            // aya-obj unwraps the section of a section symbol.
            if s.kind == STT_SECTION && (s.shndx == 0 || s.shndx >= elf.shdrs.len()) {
                bail!("malformed ELF file: {} refers to a section symbol without a valid section", here());
            }
            let offset = to_usize(raw.r_offset.get(LE)).unwrap_or(usize::MAX);
            if let Some(why) = bad_call(elf, shdr.info, offset, kind, s) {
                bail!("malformed ELF file: {} {why}", here());
            }
        }
        if shdr.info >= elf.shdrs.len() {
            bail!(
                "malformed ELF file: relocation section `{}` applies to section {}, which does not exist",
                section_name(elf, index),
                shdr.info
            );
        }
    }
    Ok(())
}

/// For a relocation in code: the instruction must be inside its section, and
/// a call through a section symbol (R_BPF_64_32) must land inside the callee's
/// section; aya-obj computes `(imm + 1) * 8` unchecked.
fn bad_call(elf: &Elf<'_>, target: usize, offset: usize, kind: u32, sym: &Sym) -> Option<String> {
    let code = elf.shdrs.get(target).filter(|t| t.is_code())?;
    let Some(insn) = offset.checked_add(8).and_then(|end| elf.section_data(target).get(offset..end)) else {
        return Some(format!("points at offset {offset}, outside its {}-byte section", code.size));
    };
    if kind != R_BPF_64_32 || sym.kind != STT_SECTION {
        return None;
    }
    let imm = i64::from(u32_at(insn, 4).unwrap_or(0) as i32);
    let callee = elf.shdrs.get(sym.shndx).map_or(0, |c| c.size) as i64;
    let at = (imm + 1) * 8;
    (at < 0 || at >= callee).then(|| format!("calls offset {at}, outside the {callee}-byte section it names"))
}

/// `.BTF`: every type complete, every name inside the string table and
/// UTF-8 (aya indexes its string table by the unchecked offset, and panics
/// on a kernel log that echoes a non-UTF-8 name). `.BTF.ext`: every record
/// inside its subsection, every section name inside the string table.
fn check_btf(elf: &Elf<'_>) -> Result<()> {
    let Some(index) = elf.find(".BTF") else { return Ok(()) };
    let data = elf.section_data(index);
    if data.is_empty() {
        return Ok(());
    }
    let malformed =
        |why: String| anyhow::anyhow!("the .BTF section is malformed: {why}; rebuild the object with clang -g");
    if !btf::has_magic(data) {
        return Err(malformed("it does not start with the BTF magic 0xeb9f".into()));
    }
    let btf = btf_sections(data).ok_or_else(|| malformed("its header points outside the section".into()))?;
    let name = |off: u32, what: &str| -> Result<(), String> {
        let s = to_usize(off)
            .and_then(|o| btf::name_at(btf.strings, o))
            .ok_or_else(|| format!("the name of {what} is outside the string table"))?;
        std::str::from_utf8(s).map(drop).map_err(|_| format!("the name of {what} is not UTF-8"))
    };
    walk_types(btf.types, &name).map_err(malformed)?;
    if let Some(ext) = elf.find(".BTF.ext") {
        let ext = elf.section_data(ext);
        if !ext.is_empty() {
            check_btf_ext(ext, &name)?;
        }
    }
    Ok(())
}

/// Walks every BTF type record, checking its names.
fn walk_types(types: &[u8], name: &dyn Fn(u32, &str) -> Result<(), String>) -> Result<(), String> {
    let mut pos = 0usize;
    let mut id = 1u32;
    while pos < types.len() {
        let (Some(name_off), Some(info)) = (u32_at(types, pos), u32_at(types, pos + 4)) else {
            return Err(format!("type {id} is cut short"));
        };
        let kind = (info >> 24) & 0x1f;
        let vlen = (info & 0xffff) as usize;
        let what = format!("type {id}");
        name(name_off, &what)?;
        let (extra, member, member_name) = match kind {
            k::BTF_KIND_INT | k::BTF_KIND_VAR | k::BTF_KIND_DECL_TAG => (4, 0, false),
            k::BTF_KIND_ARRAY => (12, 0, false),
            k::BTF_KIND_STRUCT | k::BTF_KIND_UNION => (0, 12, true),
            k::BTF_KIND_ENUM | k::BTF_KIND_FUNC_PROTO => (0, 8, true),
            k::BTF_KIND_DATASEC => (0, 12, false),
            k::BTF_KIND_ENUM64 => (0, 12, true),
            k::BTF_KIND_PTR
            | k::BTF_KIND_FWD
            | k::BTF_KIND_TYPEDEF
            | k::BTF_KIND_VOLATILE
            | k::BTF_KIND_CONST
            | k::BTF_KIND_RESTRICT
            | k::BTF_KIND_FUNC
            | k::BTF_KIND_FLOAT
            | k::BTF_KIND_TYPE_TAG => (0, 0, false),
            other => return Err(format!("type {id} has kind {other}, which BTF does not define")),
        };
        let body = pos + 12;
        let len = extra + member * vlen;
        let Some(rest) = bytes_at(types, body, len) else { return Err(format!("type {id} is cut short")) };
        if member_name {
            for m in 0..vlen {
                name(u32_at(rest, m * member).unwrap_or(0), &format!("member {m} of type {id}"))?;
            }
        }
        pos = body + len;
        id += 1;
    }
    Ok(())
}

/// The record sizes aya reads (`bpf_func_info`, `bpf_line_info`, `bpf_core_relo`).
const MIN_RECORD: [usize; 3] =
    [size_of::<k::bpf_func_info>(), size_of::<k::bpf_line_info>(), size_of::<k::bpf_core_relo>()];

fn check_btf_ext(ext: &[u8], name: &dyn Fn(u32, &str) -> Result<(), String>) -> Result<()> {
    let bad = |why: &str| anyhow::anyhow!("the .BTF.ext section is malformed: {why}; rebuild the object with clang -g");
    let slots = sec_name_slots(ext).ok_or_else(|| bad("a record runs past its subsection"))?;
    // sec_name_slots read the same subsections, so they are in bounds.
    let parts = btf::ext_subsections(ext).unwrap_or_default();
    for (i, (_, part)) in parts.into_iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if u32_at(part, 0).and_then(to_usize).is_none_or(|r| r < MIN_RECORD[i] || r % 4 != 0) {
            return Err(bad("a subsection has an impossible record size"));
        }
    }
    for (_, off) in slots {
        name(off, "a .BTF.ext section").map_err(|_| bad("a section name is outside the .BTF string table"))?;
    }
    Ok(())
}
