//! Stage `btf_fixup` of the loader (see mod.rs): the object's `.BTF` made
//! into what `BPF_BTF_LOAD` accepts, and loaded with the kernel's log on
//! failure.
//!
//! clang leaves every DATASEC's size and its global variables' offsets at 0
//! (the ELF knows them), writes the extern sections `.kconfig` and `.ksyms`
//! with extern VARs and FUNCs the kernel refuses ("Linkage not supported",
//! "Invalid func linkage", "Not a VAR kind member"), and may leave extern
//! FUNC parameters unnamed ("Invalid arg#1"). libbpf rewrites all of this
//! before loading; this stage does the same, on the raw bytes, so the type
//! ids the rest of the loader (func_info, CO-RE, map key/value ids) uses stay
//! valid. aya 0.14 has no `.kconfig`/`.ksyms` handling and reports a refused
//! BTF as a bare "BTF error".
//!
//! What is rewritten, as libbpf 1.x does (`btf_fixup_datasec`,
//! `bpf_object__collect_externs`):
//! - a DATASEC of size 0 takes its ELF section's size, and each of its
//!   global VARs its ELF symbol's value as offset (static VARs keep clang's
//!   offsets, which clang does fill in);
//! - `.kconfig`: every VAR becomes GLOBAL_ALLOCATED at the offset the
//!   externs stage chose (`KconfigLayout`), the section that layout's size;
//! - `.ksyms`: every member gets a 4-byte slot in DATASEC order; an extern
//!   VAR becomes a GLOBAL_ALLOCATED `int` (its own type may be `void` or a
//!   kernel type the object lacks), a FUNC is replaced in the section by one
//!   appended VAR `dummy_ksym`;
//! - every FUNC of EXTERN linkage becomes GLOBAL, and unnamed parameters of
//!   its prototype are named `dummy_ksym` (this kernel refuses linkage 2);
//! - optionally (`ElfFacts::symbol_hidden`), hidden global VARs and hidden
//!   `.text` FUNCs become static, as libbpf marks them;
//! - each DATASEC's members are sorted by offset (the kernel checks).
//!
//! Types are edited in place; only `.ksyms` FUNCs (a VAR, and an `int` when
//! the object has no 32-bit INT) and unnamed extern parameters (a string)
//! append anything, and then the blob is re-laid out as header, types,
//! strings.

use std::os::fd::OwnedFd;

use anyhow::{Context, Result, anyhow};
use aya_obj::generated::{
    BTF_INT_SIGNED, BTF_KIND_ARRAY, BTF_KIND_CONST, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM,
    BTF_KIND_ENUM64, BTF_KIND_FLOAT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_FWD, BTF_KIND_INT, BTF_KIND_PTR,
    BTF_KIND_RESTRICT, BTF_KIND_STRUCT, BTF_KIND_TYPE_TAG, BTF_KIND_TYPEDEF, BTF_KIND_UNION, BTF_KIND_VAR,
    BTF_KIND_VOLATILE, BTF_VAR_GLOBAL_ALLOCATED, BTF_VAR_GLOBAL_EXTERN, BTF_VAR_STATIC, btf_func_linkage,
};

use crate::btf::raw;
use crate::error::UserError;
use crate::sys::btf_load::bpf_btf_load;

/// ELF facts the fixup needs, supplied by the elf stage.
pub trait ElfFacts {
    /// The size of the ELF section `name` (NOBITS sections included).
    fn section_size(&self, name: &str) -> Option<u32>;
    /// The value of the global (or weak) object symbol `symbol` defined in
    /// section `section`.
    fn symbol_offset(&self, section: &str, symbol: &str) -> Option<u32>;
    /// Whether `symbol` (a global variable, or a global function in `.text`)
    /// has STV_HIDDEN or STV_INTERNAL visibility: libbpf then makes its BTF
    /// static, so a hidden subprogram is verified with its caller's context
    /// and hidden data is not part of the map's mmap-able interface.
    fn symbol_hidden(&self, _symbol: &str) -> bool {
        false
    }
}

/// Where the externs stage put each `.kconfig` variable in the `.kconfig`
/// map (libbpf's order: alignment descending, then size, then name, each at
/// its type's alignment), and the map value's size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KconfigLayout {
    pub offsets: Vec<(String, u32)>,
    pub size: u32,
}

const KSYMS: &str = ".ksyms";
const KCONFIG: &str = ".kconfig";
/// libbpf's name for the VAR standing in for `.ksyms` FUNCs, also given to
/// their unnamed parameters: bpftool shows the same BTF for either loader.
const DUMMY_KSYM: &str = "dummy_ksym";

/// A BTF object `fixup` cannot repair: the object's own fault.
fn refused(what: String) -> anyhow::Error {
    UserError::new(
        format!("the object's BTF cannot be loaded: {what}"),
        "rebuild it with `clang -O2 -g -target bpf -c FILE.c`, and check it with `bpftool btf dump file OBJ`",
    )
    .into()
}

/// The raw BTF the kernel accepts (see the module comment).
/// `kconfig_layout` is needed only when the object has `.kconfig` externs.
pub fn fixup(raw_btf: &[u8], elf: &dyn ElfFacts, kconfig_layout: Option<&KconfigLayout>) -> Result<Vec<u8>> {
    let mut btf = Editor::parse(raw_btf)?;
    btf.fix_extern_funcs(elf)?;
    for id in 1..=btf.count() {
        if btf.kind(id) != BTF_KIND_DATASEC {
            continue;
        }
        match btf.name(btf.name_off(id)).as_str() {
            KSYMS => btf.fix_ksyms(id)?,
            KCONFIG => btf.fix_kconfig(id, kconfig_layout)?,
            _ => btf.fix_datasec(id, elf)?,
        }
        btf.sort_datasec(id);
    }
    btf.finish(raw_btf)
}

/// Bytes of one type record after its 12-byte `struct btf_type`.
fn trailing_len(kind: u32, vlen: usize) -> Option<usize> {
    Some(match kind {
        BTF_KIND_INT | BTF_KIND_VAR | BTF_KIND_DECL_TAG => 4,
        BTF_KIND_ARRAY => 12,
        BTF_KIND_STRUCT | BTF_KIND_UNION | BTF_KIND_DATASEC | BTF_KIND_ENUM64 => 12 * vlen,
        BTF_KIND_ENUM | BTF_KIND_FUNC_PROTO => 8 * vlen,
        BTF_KIND_PTR | BTF_KIND_FWD | BTF_KIND_TYPEDEF | BTF_KIND_VOLATILE | BTF_KIND_CONST | BTF_KIND_RESTRICT
        | BTF_KIND_FUNC | BTF_KIND_FLOAT | BTF_KIND_TYPE_TAG => 0,
        _ => return None,
    })
}

fn get_u32(bytes: &[u8], at: usize) -> u32 {
    bytes.get(at..at.saturating_add(4)).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn set_u32(bytes: &mut [u8], at: usize, value: u32) {
    if let Some(b) = bytes.get_mut(at..at.saturating_add(4)) {
        b.copy_from_slice(&value.to_le_bytes());
    }
}

/// A copy of the type and string sections, with each type's record offset.
/// Every record lies inside `types` (checked by `parse`), so the accessors
/// below read within bounds; `get_u32`/`set_u32` still check.
struct Editor {
    types: Vec<u8>,
    strings: Vec<u8>,
    /// Offset in `types` of type id `i + 1`.
    recs: Vec<usize>,
    /// Types and strings appended, in this order, by `append_*`.
    grown: bool,
    dummy: Option<u32>,
    dummy_name: Option<u32>,
}

impl Editor {
    fn parse(raw_btf: &[u8]) -> Result<Editor> {
        let parts = raw::sections(raw_btf).map_err(|e| refused(format!("{e:#}")))?;
        let types = parts.types.to_vec();
        let mut recs = Vec::new();
        let mut at = 0;
        while at < types.len() {
            if at + 12 > types.len() {
                return Err(refused(format!("type [{}] is truncated", recs.len() + 1)));
            }
            let info = get_u32(&types, at + 4);
            let kind = (info >> 24) & 0x1f;
            let vlen = (info & 0xffff) as usize;
            let len = trailing_len(kind, vlen)
                .ok_or_else(|| refused(format!("type [{}] has BTF kind {kind}, unknown to bpfpin", recs.len() + 1)))?;
            recs.push(at);
            at += 12 + len;
        }
        if at != types.len() {
            return Err(refused(format!("type [{}] is truncated", recs.len())));
        }
        Ok(Editor { types, strings: parts.strings.to_vec(), recs, grown: false, dummy: None, dummy_name: None })
    }

    fn count(&self) -> u32 {
        self.recs.len() as u32
    }

    fn at(&self, id: u32) -> usize {
        id.checked_sub(1).and_then(|i| self.recs.get(i as usize)).copied().unwrap_or(usize::MAX / 2)
    }

    fn name_off(&self, id: u32) -> u32 {
        get_u32(&self.types, self.at(id))
    }

    fn info(&self, id: u32) -> u32 {
        get_u32(&self.types, self.at(id) + 4)
    }

    fn kind(&self, id: u32) -> u32 {
        if id == 0 || id > self.count() { 0 } else { (self.info(id) >> 24) & 0x1f }
    }

    fn vlen(&self, id: u32) -> u32 {
        self.info(id) & 0xffff
    }

    /// `size` or `type`, by kind.
    fn size_or_type(&self, id: u32) -> u32 {
        get_u32(&self.types, self.at(id) + 8)
    }

    fn set_size_or_type(&mut self, id: u32, value: u32) {
        let at = self.at(id) + 8;
        set_u32(&mut self.types, at, value);
    }

    fn set_vlen(&mut self, id: u32, vlen: u32) {
        let info = (self.info(id) & !0xffff) | (vlen & 0xffff);
        let at = self.at(id) + 4;
        set_u32(&mut self.types, at, info);
    }

    /// The first word after the record's header (VAR linkage, INT data).
    fn extra_at(&self, id: u32) -> usize {
        self.at(id) + 12
    }

    fn name(&self, off: u32) -> String {
        raw::name_at(&self.strings, off as usize).map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default()
    }

    /// (type, offset, size) of each DATASEC member.
    fn secinfos(&self, id: u32) -> Vec<(u32, u32, u32)> {
        let base = self.extra_at(id);
        (0..self.vlen(id) as usize)
            .map(|i| {
                let at = base + 12 * i;
                (get_u32(&self.types, at), get_u32(&self.types, at + 4), get_u32(&self.types, at + 8))
            })
            .collect()
    }

    fn set_secinfo(&mut self, id: u32, i: usize, (ty, offset, size): (u32, u32, u32)) {
        let at = self.extra_at(id) + 12 * i;
        set_u32(&mut self.types, at, ty);
        set_u32(&mut self.types, at + 4, offset);
        set_u32(&mut self.types, at + 8, size);
    }

    fn var_linkage(&self, id: u32) -> u32 {
        get_u32(&self.types, self.extra_at(id))
    }

    fn set_var_linkage(&mut self, id: u32, linkage: u32) {
        let at = self.extra_at(id);
        set_u32(&mut self.types, at, linkage);
    }

    fn describe(&self, id: u32) -> String {
        let kind = match self.kind(id) {
            BTF_KIND_VAR => "VAR",
            BTF_KIND_FUNC => "FUNC",
            BTF_KIND_DATASEC => "DATASEC",
            _ => "type",
        };
        format!("[{id}] {kind} `{}`", self.name(self.name_off(id)))
    }

    fn append_string(&mut self, s: &str) -> u32 {
        let off = self.strings.len() as u32;
        self.strings.extend_from_slice(s.as_bytes());
        self.strings.push(0);
        self.grown = true;
        off
    }

    fn append_type(&mut self, words: &[u32]) -> u32 {
        self.recs.push(self.types.len());
        for w in words {
            self.types.extend_from_slice(&w.to_le_bytes());
        }
        self.grown = true;
        self.count()
    }

    fn dummy_name(&mut self) -> u32 {
        match self.dummy_name {
            Some(off) => off,
            None => {
                let off = self.append_string(DUMMY_KSYM);
                self.dummy_name = Some(off);
                off
            }
        }
    }

    /// libbpf's `find_int_btf_id`: the first INT of 32 bits, else a new `int`.
    fn int32(&mut self) -> u32 {
        let found = (1..=self.count())
            .find(|&id| self.kind(id) == BTF_KIND_INT && get_u32(&self.types, self.extra_at(id)) & 0xff == 32);
        match found {
            Some(id) => id,
            None => {
                let name = self.append_string("int");
                self.append_type(&[name, BTF_KIND_INT << 24, 4, (BTF_INT_SIGNED << 24) | 32])
            }
        }
    }

    /// The VAR that stands for every `.ksyms` FUNC in that DATASEC.
    fn dummy_var(&mut self) -> u32 {
        if let Some(id) = self.dummy {
            return id;
        }
        let int = self.int32();
        let name = self.dummy_name();
        let id = self.append_type(&[name, BTF_KIND_VAR << 24, int, BTF_VAR_GLOBAL_ALLOCATED]);
        self.dummy = Some(id);
        id
    }

    fn fix_extern_funcs(&mut self, elf: &dyn ElfFacts) -> Result<()> {
        let global = btf_func_linkage::BTF_FUNC_GLOBAL as u32;
        for id in 1..=self.count() {
            if self.kind(id) != BTF_KIND_FUNC {
                continue;
            }
            let linkage = self.vlen(id);
            if linkage == btf_func_linkage::BTF_FUNC_EXTERN as u32 {
                self.set_vlen(id, global);
                let proto = self.size_or_type(id);
                if self.kind(proto) != BTF_KIND_FUNC_PROTO {
                    return Err(refused(format!("{} does not point at a FUNC_PROTO", self.describe(id))));
                }
                for i in 0..self.vlen(proto) as usize {
                    let at = self.extra_at(proto) + 8 * i;
                    let (name_off, ty) = (get_u32(&self.types, at), get_u32(&self.types, at + 4));
                    // A void last parameter is the `...` of a variadic prototype, nameless by rule.
                    if name_off == 0 && ty != 0 {
                        let dummy = self.dummy_name();
                        set_u32(&mut self.types, at, dummy);
                    }
                }
            } else if linkage == global && elf.symbol_hidden(&self.name(self.name_off(id))) {
                self.set_vlen(id, btf_func_linkage::BTF_FUNC_STATIC as u32);
            }
        }
        Ok(())
    }

    fn fix_ksyms(&mut self, sec: u32) -> Result<()> {
        let members = self.secinfos(sec);
        let mut off = 0u32;
        for (i, (ty, _, _)) in members.into_iter().enumerate() {
            match self.kind(ty) {
                BTF_KIND_FUNC => {
                    let dummy = self.dummy_var();
                    self.set_secinfo(sec, i, (dummy, off, 4));
                }
                BTF_KIND_VAR => {
                    let int = self.int32();
                    self.set_var_linkage(ty, BTF_VAR_GLOBAL_ALLOCATED);
                    self.set_size_or_type(ty, int);
                    self.set_secinfo(sec, i, (ty, off, 4));
                }
                _ => return Err(refused(format!("member {i} of DATASEC `.ksyms` is neither a VAR nor a FUNC"))),
            }
            off += 4;
        }
        self.set_size_or_type(sec, off);
        Ok(())
    }

    fn fix_kconfig(&mut self, sec: u32, layout: Option<&KconfigLayout>) -> Result<()> {
        let members = self.secinfos(sec);
        if members.is_empty() {
            return Ok(());
        }
        let layout =
            layout.ok_or_else(|| anyhow!("the object has `.kconfig` externs but no .kconfig layout was given"))?;
        for (i, (ty, _, size)) in members.into_iter().enumerate() {
            if self.kind(ty) != BTF_KIND_VAR {
                return Err(refused(format!("member {i} of DATASEC `.kconfig` is not a VAR")));
            }
            let name = self.name(self.name_off(ty));
            let offset = layout
                .offsets
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, off)| *off)
                .ok_or_else(|| anyhow!("the .kconfig layout has no offset for `{name}`"))?;
            self.set_var_linkage(ty, BTF_VAR_GLOBAL_ALLOCATED);
            self.set_secinfo(sec, i, (ty, offset, size));
        }
        self.set_size_or_type(sec, layout.size);
        Ok(())
    }

    fn fix_datasec(&mut self, sec: u32, elf: &dyn ElfFacts) -> Result<()> {
        let sec_name = self.name(self.name_off(sec));
        let fix_offsets = self.size_or_type(sec) == 0;
        if fix_offsets {
            let size = elf.section_size(&sec_name).filter(|&s| s > 0).ok_or_else(|| {
                refused(format!("{} describes an ELF section the object does not have", self.describe(sec)))
            })?;
            self.set_size_or_type(sec, size);
        }
        for (i, (ty, _, size)) in self.secinfos(sec).into_iter().enumerate() {
            if self.kind(ty) != BTF_KIND_VAR {
                return Err(refused(format!("member {i} of {} is not a VAR", self.describe(sec))));
            }
            let linkage = self.var_linkage(ty);
            if linkage == BTF_VAR_STATIC || linkage == BTF_VAR_GLOBAL_EXTERN {
                continue;
            }
            let name = self.name(self.name_off(ty));
            if fix_offsets {
                let offset = elf.symbol_offset(&sec_name, &name).ok_or_else(|| {
                    refused(format!("{} in DATASEC `{sec_name}` has no ELF symbol in that section", self.describe(ty)))
                })?;
                self.set_secinfo(sec, i, (ty, offset, size));
            }
            if elf.symbol_hidden(&name) {
                self.set_var_linkage(ty, BTF_VAR_STATIC);
            }
        }
        Ok(())
    }

    fn sort_datasec(&mut self, sec: u32) {
        let mut members = self.secinfos(sec);
        members.sort_by_key(|&(_, offset, _)| offset);
        for (i, member) in members.into_iter().enumerate() {
            self.set_secinfo(sec, i, member);
        }
    }

    /// The edited blob: in place when nothing grew (every other byte stays
    /// where the compiler put it), else header, types, strings.
    fn finish(self, raw_btf: &[u8]) -> Result<Vec<u8>> {
        let hdr_len = get_u32(raw_btf, 4) as usize;
        let type_off = get_u32(raw_btf, 8) as usize;
        if !self.grown {
            let mut out = raw_btf.to_vec();
            let types_at = hdr_len + type_off;
            out.get_mut(types_at..types_at + self.types.len())
                .context("BTF type section moved")?
                .copy_from_slice(&self.types);
            return Ok(out);
        }
        let header = raw_btf.get(..hdr_len).context("BTF header truncated")?;
        // A longer header may describe more sections than types and strings,
        // which a re-layout would leave pointing at the wrong bytes.
        if header.iter().skip(raw::HEADER_LEN).any(|&b| b != 0) {
            return Err(refused(format!("its BTF header has {hdr_len} bytes, with fields bpfpin does not know")));
        }
        let type_len = u32::try_from(self.types.len()).context("BTF type section too large")?;
        let str_len = u32::try_from(self.strings.len()).context("BTF string section too large")?;
        let mut out = header.to_vec();
        set_u32(&mut out, 8, 0);
        set_u32(&mut out, 12, type_len);
        set_u32(&mut out, 16, type_len);
        set_u32(&mut out, 20, str_len);
        out.extend_from_slice(&self.types);
        out.extend_from_slice(&self.strings);
        Ok(out)
    }
}

/// Room for the tail of the kernel's BTF log: the log rotates, so what is
/// kept is the end, where the kernel names the type it refused.
const LOG_SIZE: usize = 256 * 1024;

/// `BPF_BTF_LOAD` of a fixed-up blob. On failure the error is the kernel's
/// own reason (the failing type and what is wrong with it), never a bare
/// errno; the log is asked for only on the retry after a failure.
pub fn load(raw_btf: &[u8]) -> Result<OwnedFd> {
    let first = match bpf_btf_load(raw_btf, None) {
        Ok(fd) => return Ok(fd),
        Err(e) => e,
    };
    if matches!(first.errno(), Some(libc::EPERM | libc::EACCES)) {
        return Err(anyhow::Error::new(first).context("loading the object's BTF"));
    }
    let mut log = vec![0u8; LOG_SIZE];
    if let Ok(fd) = bpf_btf_load(raw_btf, Some(&mut log)) {
        return Ok(fd);
    }
    match log_reason(&log) {
        Some(reason) => Err(UserError::new(
            format!("the kernel refused the object's BTF: {reason}"),
            "rebuild the object with `clang -O2 -g -target bpf -c FILE.c`; if bpftool loads it, report the object \
             to bpfpin (its BTF fixup is wrong)",
        )
        .into()),
        None => Err(anyhow::Error::new(first).context("the kernel refused the object's BTF and logged no reason")),
    }
}

/// The line of the kernel's BTF log that says why: the last one, joined to
/// its type's line when it is a member line (indented).
fn log_reason(log: &[u8]) -> Option<String> {
    let end = log.iter().position(|&b| b == 0).unwrap_or(log.len());
    let text = String::from_utf8_lossy(&log[..end]);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let last = *lines.last()?;
    if !last.starts_with(char::is_whitespace) {
        return Some(last.trim().to_owned());
    }
    let owner = lines.iter().rev().find(|l| l.starts_with('['));
    Some(match owner {
        Some(owner) => format!("{}: {}", owner.trim(), last.trim()),
        None => last.trim().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use object::{Object as _, ObjectSection as _, ObjectSymbol as _};

    /// ElfFacts over the `object` crate, as the elf stage provides them.
    struct Facts<'a>(object::File<'a>);

    impl ElfFacts for Facts<'_> {
        fn section_size(&self, name: &str) -> Option<u32> {
            self.0.section_by_name(name).and_then(|s| u32::try_from(s.size()).ok())
        }

        fn symbol_offset(&self, section: &str, symbol: &str) -> Option<u32> {
            let index = self.0.section_by_name(section)?.index();
            let sym = self.0.symbols().find(|s| s.name() == Ok(symbol) && s.section_index() == Some(index))?;
            u32::try_from(sym.address()).ok()
        }
    }

    fn object(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/objects/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn btf_of(obj: &[u8]) -> (Vec<u8>, Facts<'_>) {
        let file = object::File::parse(obj).unwrap();
        let btf = file.section_by_name(".BTF").unwrap().data().unwrap().to_vec();
        (btf, Facts(file))
    }

    /// DATASEC (name, size, [(var, offset, size)]) as the fixed BTF has them.
    type Datasec = (String, u32, Vec<(String, u32, u32)>);

    fn datasecs(raw_btf: &[u8]) -> Vec<Datasec> {
        let e = Editor::parse(raw_btf).unwrap();
        (1..=e.count())
            .filter(|&id| e.kind(id) == BTF_KIND_DATASEC)
            .map(|id| {
                let vars =
                    e.secinfos(id).into_iter().map(|(ty, off, size)| (e.name(e.name_off(ty)), off, size)).collect();
                (e.name(e.name_off(id)), e.size_or_type(id), vars)
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_owned()
    }

    /// Root-only tests need a kernel; skipping is fine on a laptop, not in CI.
    fn kernel_available() -> bool {
        if crate::sys::euid() == 0 {
            return true;
        }
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "this test needs root, and CI=true forbids skipping it");
        eprintln!("skipping: BPF_BTF_LOAD needs root");
        false
    }

    #[test]
    fn datasecs_take_elf_sizes_and_offsets() {
        let obj = object("globals.o");
        let (btf, facts) = btf_of(&obj);
        let fixed = fixup(&btf, &facts, None).unwrap();
        // Nothing appended: same length, rewritten in place.
        assert_eq!(fixed.len(), btf.len());
        assert_eq!(
            datasecs(&fixed),
            [
                (s(".bss"), 8, vec![(s("bss_counter"), 0, 8)]),
                (s(".data"), 8, vec![(s("data_var"), 0, 8)]),
                (s(".rodata"), 4, vec![(s("cfg_ratio"), 0, 4)]),
                (s("license"), 4, vec![(s("LICENSE"), 0, 4)]),
            ]
        );
        let obj = object("btf_maps.o");
        let (btf, facts) = btf_of(&obj);
        let fixed = fixup(&btf, &facts, None).unwrap();
        let maps = datasecs(&fixed).into_iter().find(|(name, ..)| name == ".maps").unwrap();
        // Five map definitions, each at its symbol's value, sorted.
        assert_eq!(maps.2.len(), 5);
        assert!(maps.2.windows(2).all(|w| w[0].1 + w[0].2 <= w[1].1), "{maps:?}");
        assert_eq!(maps.2.last().map(|(_, off, size)| off + size), Some(maps.1));
    }

    #[test]
    fn missing_elf_facts_are_named() {
        struct Nothing;
        impl ElfFacts for Nothing {
            fn section_size(&self, _: &str) -> Option<u32> {
                None
            }
            fn symbol_offset(&self, _: &str, _: &str) -> Option<u32> {
                None
            }
        }
        let obj = object("globals.o");
        let (btf, facts) = btf_of(&obj);
        let e = format!("{:#}", fixup(&btf, &Nothing, None).unwrap_err());
        assert!(e.contains("DATASEC `.bss` describes an ELF section the object does not have"), "{e}");
        struct NoSymbols<'a>(Facts<'a>);
        impl ElfFacts for NoSymbols<'_> {
            fn section_size(&self, name: &str) -> Option<u32> {
                self.0.section_size(name)
            }
            fn symbol_offset(&self, _: &str, _: &str) -> Option<u32> {
                None
            }
        }
        let e = format!("{:#}", fixup(&btf, &NoSymbols(facts), None).unwrap_err());
        assert!(e.contains("VAR `bss_counter` in DATASEC `.bss` has no ELF symbol"), "{e}");
    }

    #[test]
    fn garbage_never_panics() {
        let obj = object("btf_maps.o");
        let (btf, facts) = btf_of(&obj);
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            let mut copy = btf.clone();
            for _ in 0..1 + state % 4 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = (state >> 8) as usize % copy.len();
                copy[at] = state as u8;
            }
            let _ = fixup(&copy, &facts, None);
            let cut = (state >> 20) as usize % copy.len();
            let _ = fixup(&copy[..cut], &facts, None);
        }
    }

    #[test]
    fn kernel_loads_fixed_btf_and_names_the_unfixed_datasec() {
        if !kernel_available() {
            return;
        }
        for name in ["globals.o", "btf_maps.o"] {
            let obj = object(name);
            let (btf, facts) = btf_of(&obj);
            let fixed = fixup(&btf, &facts, None).unwrap();
            let fd = load(&fixed).unwrap_or_else(|e| panic!("{name}: {e:#}"));
            let link = std::fs::read_link(format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&fd)));
            assert_eq!(link.unwrap().to_str(), Some("anon_inode:btf"), "{name}");
            let e = format!("{:#}", load(&btf).unwrap_err());
            assert!(e.starts_with("the kernel refused the object's BTF: ["), "{name}: {e}");
            assert!(e.contains("DATASEC"), "{name}: {e}");
        }
    }

    /// A raw BTF blob from type records (as u32 words) and names; each
    /// name's offset is its index in `names` mapped by `str_off`.
    fn blob(types: &[&[u32]], strings: &[u8]) -> Vec<u8> {
        let words: Vec<u8> = types.iter().flat_map(|t| t.iter()).flat_map(|w| w.to_le_bytes()).collect();
        let mut out = Vec::new();
        out.extend_from_slice(&raw::MAGIC.to_le_bytes());
        out.extend_from_slice(&[1, 0]);
        for w in [raw::HEADER_LEN as u32, 0, words.len() as u32, words.len() as u32, strings.len() as u32] {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(&words);
        out.extend_from_slice(strings);
        out
    }

    /// What clang 14 writes for
    /// `extern int LINUX_KERNEL_VERSION __kconfig; extern _Bool CONFIG_BPF_SYSCALL __kconfig __weak;`
    /// `extern void bpf_rcu_read_lock(void) __ksym; extern int bpf_foo(int, void *) __ksym __weak;`
    /// `extern const void bpf_prog_fops __ksym; int g = 3; static volatile int sa = 1;`
    /// (`has_int`: false makes `int` a 64-bit `long`, so the object has no
    /// 32-bit INT for `.ksyms` to use).
    fn externs(has_int: bool) -> Vec<u8> {
        let strings = b"\0int\0bpf_rcu_read_lock\0bpf_foo\0LINUX_KERNEL_VERSION\0_Bool\0CONFIG_BPF_SYSCALL\0\
                        bpf_prog_fops\0.kconfig\0.ksyms\0g\0sa\0.data\0long\0";
        let off = |name: &str| {
            let text = std::str::from_utf8(strings).unwrap();
            text.find(&format!("\0{name}\0")).unwrap() as u32 + 1
        };
        let (func, var, ds, int) =
            (BTF_KIND_FUNC << 24, BTF_KIND_VAR << 24, BTF_KIND_DATASEC << 24, BTF_KIND_INT << 24);
        let proto = BTF_KIND_FUNC_PROTO << 24;
        let w = if has_int { 4 } else { 8 };
        let int_type: [u32; 4] = if has_int {
            [off("int"), int, 4, (BTF_INT_SIGNED << 24) | 32]
        } else {
            [off("long"), int, 8, (BTF_INT_SIGNED << 24) | 64]
        };
        blob(
            &[
                &int_type,                                                             // [1]
                &[0, proto, 0],                                                        // [2] void (void)
                &[off("bpf_rcu_read_lock"), func | 2, 2],                              // [3] extern
                &[0, BTF_KIND_PTR << 24, 0],                                           // [4] void *
                &[0, proto | 2, 1, 0, 1, 0, 4],                                        // [5] int (int, void *), unnamed
                &[off("bpf_foo"), func | 2, 5],                                        // [6] extern
                &[off("LINUX_KERNEL_VERSION"), var, 1, BTF_VAR_GLOBAL_EXTERN],         // [7]
                &[off("_Bool"), int, 1, (aya_obj::generated::BTF_INT_BOOL << 24) | 8], // [8]
                &[off("CONFIG_BPF_SYSCALL"), var, 8, BTF_VAR_GLOBAL_EXTERN],           // [9]
                &[0, BTF_KIND_CONST << 24, 0],                                         // [10] const void
                &[off("bpf_prog_fops"), var, 10, BTF_VAR_GLOBAL_EXTERN],               // [11]
                &[off(".kconfig"), ds | 2, 0, 7, 0, w, 9, 0, 1],                       // [12]
                &[off(".ksyms"), ds | 3, 0, 3, 0, 0, 6, 0, 0, 11, 0, 1],               // [13]
                &[off("g"), var, 1, BTF_VAR_GLOBAL_ALLOCATED],                         // [14]
                &[off("sa"), var, 1, BTF_VAR_STATIC],                                  // [15]
                &[off(".data"), ds | 2, 0, 15, w, w, 14, 0, w],                        // [16]
            ],
            strings,
        )
    }

    /// `.data` of `externs()`, for an `int` of this many bytes.
    struct DataFacts(u32);
    impl ElfFacts for DataFacts {
        fn section_size(&self, name: &str) -> Option<u32> {
            (name == ".data").then_some(2 * self.0)
        }
        fn symbol_offset(&self, section: &str, symbol: &str) -> Option<u32> {
            (section == ".data" && symbol == "g").then_some(0)
        }
    }

    fn kconfig(w: u32) -> KconfigLayout {
        KconfigLayout { offsets: vec![(s("LINUX_KERNEL_VERSION"), 0), (s("CONFIG_BPF_SYSCALL"), w)], size: w + 1 }
    }

    #[test]
    fn extern_sections_are_rewritten_as_libbpf_does() {
        let fixed = fixup(&externs(true), &DataFacts(4), Some(&kconfig(4))).unwrap();
        assert_eq!(
            datasecs(&fixed),
            [
                (s(".kconfig"), 5, vec![(s("LINUX_KERNEL_VERSION"), 0, 4), (s("CONFIG_BPF_SYSCALL"), 4, 1)]),
                (s(".ksyms"), 12, vec![(s("dummy_ksym"), 0, 4), (s("dummy_ksym"), 4, 4), (s("bpf_prog_fops"), 8, 4)]),
                (s(".data"), 8, vec![(s("g"), 0, 4), (s("sa"), 4, 4)]),
            ]
        );
        let e = Editor::parse(&fixed).unwrap();
        assert_eq!(e.count(), 17, "one VAR appended");
        assert_eq!((e.kind(17), e.size_or_type(17), e.var_linkage(17)), (BTF_KIND_VAR, 1, BTF_VAR_GLOBAL_ALLOCATED));
        for func in [3, 6] {
            assert_eq!(e.vlen(func), btf_func_linkage::BTF_FUNC_GLOBAL as u32, "[{func}]");
        }
        for var in [7, 9, 11] {
            assert_eq!(e.var_linkage(var), BTF_VAR_GLOBAL_ALLOCATED, "[{var}]");
        }
        assert_eq!(e.size_or_type(11), 1, "the ksym VAR is an int now");
        assert_eq!(e.size_or_type(9), 8, "the kconfig VAR keeps its type");
        let params = e.extra_at(5);
        assert_eq!(e.name(get_u32(&e.types, params)), DUMMY_KSYM);
        assert_eq!(e.name(get_u32(&e.types, params + 8)), DUMMY_KSYM);

        // Without a 32-bit int, one is appended before the dummy VAR.
        let fixed = fixup(&externs(false), &DataFacts(8), Some(&kconfig(8))).unwrap();
        let e = Editor::parse(&fixed).unwrap();
        assert_eq!(e.count(), 18);
        assert_eq!((e.kind(17), e.name(e.name_off(17))), (BTF_KIND_INT, s("int")));
        assert_eq!((e.size_or_type(18), e.size_or_type(11)), (17, 17));

        let e = format!("{:#}", fixup(&externs(true), &DataFacts(4), None).unwrap_err());
        assert!(e.contains("no .kconfig layout"), "{e}");
    }

    #[test]
    fn kernel_loads_rewritten_extern_sections() {
        if !kernel_available() {
            return;
        }
        for (has_int, w) in [(true, 4), (false, 8)] {
            let fixed = fixup(&externs(has_int), &DataFacts(w), Some(&kconfig(w))).unwrap();
            load(&fixed).unwrap_or_else(|e| panic!("has_int {has_int}: {e:#}"));
        }
        // Each rewrite is needed: undo one at a time and the kernel says why.
        let fixed = fixup(&externs(true), &DataFacts(4), Some(&kconfig(4))).unwrap();
        let undo = |edit: &dyn Fn(&mut Editor)| {
            let mut e = Editor::parse(&fixed).unwrap();
            edit(&mut e);
            let blob = e.finish(&fixed).unwrap();
            format!("{:#}", load(&blob).unwrap_err())
        };
        let e = undo(&|e| e.set_vlen(3, btf_func_linkage::BTF_FUNC_EXTERN as u32));
        assert!(e.ends_with("[3] FUNC bpf_rcu_read_lock type_id=2 Invalid func linkage"), "{e}");
        let e = undo(&|e| e.set_var_linkage(7, BTF_VAR_GLOBAL_EXTERN));
        assert!(e.contains("Linkage not supported"), "{e}");
        let e = undo(&|e| {
            let at = e.extra_at(5);
            set_u32(&mut e.types, at, 0);
        });
        assert!(e.contains("Invalid arg#1"), "{e}");
    }

    #[test]
    fn reason_is_the_last_log_line_with_its_type() {
        let log = b"magic: 0xeb9f\n[1] INT int size=4\n[2] DATASEC .bss size=8 vlen=1\n\t type_id=1 offset=8 size=4 Invalid offset\n\0junk";
        assert_eq!(
            log_reason(log).as_deref(),
            Some("[2] DATASEC .bss size=8 vlen=1: type_id=1 offset=8 size=4 Invalid offset")
        );
        assert_eq!(log_reason(b"hdr_len: 24\nUnsupported magic\n\n").as_deref(), Some("Unsupported magic"));
        assert_eq!(log_reason(b"\0\0"), None);
    }

    #[test]
    fn kernel_reason_for_a_corrupt_blob() {
        if !kernel_available() {
            return;
        }
        let obj = object("globals.o");
        let (btf, facts) = btf_of(&obj);
        let mut fixed = fixup(&btf, &facts, None).unwrap();
        // Type [1]'s kind becomes 31, which no kernel knows.
        let types_at = get_u32(&fixed, 4) as usize + get_u32(&fixed, 8) as usize;
        fixed[types_at + 7] = 0x1f;
        let e = format!("{:#}", load(&fixed).unwrap_err());
        assert!(e.starts_with("the kernel refused the object's BTF: [1] "), "{e}");
        assert!(e.to_lowercase().contains("kind"), "{e}");
    }
}
