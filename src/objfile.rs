//! Makes objects with libbpf section names loadable by aya.
//!
//! aya-obj 0.3 runs every executable section name through its own table
//! (`impl FromStr for ProgramSection`) and rejects the WHOLE object when one
//! name is missing from it, yet clang objects written for libbpf routinely use
//! names such as `tc`, `tcx/ingress`, `socket1` or `sk_skb`. So before aya sees
//! an object we rename such sections in a private copy of the ELF. This is
//! hand-written because no crate renames sections of an existing relocatable
//! ELF while keeping `.BTF.ext` consistent (object's builder even refuses
//! clang's SHT_LLVM_ADDRSIG section).
//!
//! Only names change: the new section-name table and the new `.BTF` blob are
//! appended to the copy and their section headers repointed, so every other
//! byte (code, relocations, symbols) stays where clang put it.

use std::collections::HashMap;

use anyhow::{Result, anyhow, bail};
use aya_obj::ProgramSection;

use crate::btf::raw as btf;
use crate::error::UserError;

mod check;

/// A refusal the user fixes with a flag or a change to the source, not by
/// rebuilding the object; ELF damage keeps plain errors and gets the
/// caller's generic "rebuild it" fix.
fn user(msg: String, fix: &str) -> anyhow::Error {
    UserError::new(msg, fix).into()
}

/// aya-obj's parse error as one sentence with every cause: its Display
/// alone says only "BTF error" or "error parsing ELF data", and the ELF
/// variants do not expose their cause as `source()`.
pub fn parse_error(obj: &std::path::Path, e: &aya_obj::ParseError) -> anyhow::Error {
    use aya_obj::ParseError as P;
    let mut text = match e {
        P::ElfError(inner) => format!("error parsing ELF data: {inner}"),
        P::SectionError { index, error } => format!("error parsing section {index}: {error}"),
        other => other.to_string(),
    };
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let s = c.to_string();
        if !text.ends_with(&s) {
            text = format!("{text}: {s}");
        }
        cause = c.source();
    }
    user(
        format!("{} cannot be parsed: {text}", obj.display()),
        "rebuild it with `clang -O2 -g -target bpf -c FILE.c`; if it came from another toolchain, check that it \
         has valid BTF (`bpftool btf dump file OBJ`)",
    )
}

/// An object ready for `aya::EbpfLoader::load`, plus what bpfpin needs to
/// explain which name aya will see for each program.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Patched ELF (or the input unchanged when nothing needed renaming).
    pub bytes: Vec<u8>,
    /// Every program, in ELF symbol order.
    pub programs: Vec<ProgSection>,
}

/// One program and the section names it has before and after patching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgSection {
    /// Function symbol name (full, not truncated to the kernel's 16 bytes).
    pub name: String,
    /// Section name as written in the file.
    pub section: String,
    /// Section name aya sees after patching.
    pub loaded_as: String,
}

/// Validates `data` as a BPF object and renames every program section aya-obj
/// 0.3 would reject. `force_type` (a `--type` value) overrides the section
/// names of all programs.
pub fn prepare(data: &[u8], force_type: Option<&str>) -> Result<Prepared> {
    let elf = Elf::parse(data)?;
    check::for_aya(&elf)?;
    let forced = force_type.map(forced_base).transpose()?;
    let sections = program_sections(&elf)?;
    let symbols = function_symbols(&elf)?;
    let targets = plan(&sections, &symbols, forced.as_deref())?;

    let programs = symbols
        .iter()
        .filter_map(|(name, index)| {
            let section = sections.get(index)?;
            let loaded_as = targets.get(index).unwrap_or(section);
            Some(ProgSection { name: name.clone(), section: section.clone(), loaded_as: loaded_as.clone() })
        })
        .collect();

    let bytes = if targets.is_empty() {
        data.to_vec()
    } else {
        let renames = targets
            .iter()
            .map(|(&index, new)| Rename {
                index,
                old: sections.get(&index).cloned().unwrap_or_default(),
                new: new.clone(),
            })
            .collect::<Vec<_>>();
        patch(&elf, &renames)?
    };
    Ok(Prepared { bytes, programs })
}

// ---------------------------------------------------------------------------
// Section name policy
// ---------------------------------------------------------------------------

/// libbpf kinds (the part before the first `/`) that need a program type or an
/// expected attach type aya 0.14 cannot express, or libbpf's own runtime
/// (usdt), so loading them under another name would produce a different
/// program than the author wrote.
const UNLOADABLE_KINDS: &[&str] = &[
    "struct_ops",
    "struct_ops.s",
    "syscall",
    "kprobe.multi",
    "kretprobe.multi",
    "kprobe.session",
    "uprobe.multi",
    "uretprobe.multi",
    "uprobe.session",
    "uprobe.multi.s",
    "uretprobe.multi.s",
    "uprobe.session.s",
    "usdt",
    "usdt.s",
    "tracepoint.s",
    "tp.s",
    "raw_tracepoint.s",
    "raw_tp.s",
    "raw_tracepoint.w",
    "raw_tp.w",
    "tp_btf.s",
    "fmod_ret",
    "fmod_ret.s",
    "fsession",
    "fsession.s",
    "fsession.multi",
    "fsession.multi.s",
    "fentry.multi",
    "fexit.multi",
    "fentry.multi.s",
    "fexit.multi.s",
    "lwt_in",
    "lwt_out",
    "lwt_xmit",
    "lwt_seg6local",
    "netfilter",
];

/// `--type` values (bpftool's program type names and their libbpf spellings)
/// and the aya section each one loads as. Any section name aya or the libbpf
/// mapping accepts is also taken, so `cgroup/connect4` works too.
pub const TYPE_ALIASES: &[(&str, &str)] = &[
    ("socket", "socket"),
    ("socket_filter", "socket"),
    ("kprobe", "kprobe"),
    ("kretprobe", "kretprobe"),
    ("uprobe", "uprobe"),
    ("uretprobe", "uretprobe"),
    ("sched_cls", "classifier"),
    ("classifier", "classifier"),
    ("tc", "classifier"),
    ("tcx", "classifier"),
    // SCHED_ACT shares SCHED_CLS's verifier ops; aya can only load the latter.
    ("sched_act", "classifier"),
    ("action", "classifier"),
    ("tracepoint", "tracepoint"),
    ("raw_tracepoint", "raw_tracepoint"),
    ("xdp", "xdp"),
    ("perf_event", "perf_event"),
    ("cgroup/skb", "cgroup/skb"),
    ("cgroup_skb", "cgroup/skb"),
    ("cgroup/sock", "cgroup/sock"),
    ("cgroup_sock", "cgroup/sock"),
    ("cgroup/dev", "cgroup/dev"),
    ("cgroup_device", "cgroup/dev"),
    ("cgroup/sysctl", "cgroup/sysctl"),
    ("cgroup_sysctl", "cgroup/sysctl"),
    ("sockops", "sockops"),
    ("sock_ops", "sockops"),
    ("sk_skb", "sk_skb/stream_verdict"),
    ("sk_msg", "sk_msg"),
    ("lirc_mode2", "lirc_mode2"),
    ("flow_dissector", "flow_dissector"),
    ("sk_lookup", "sk_lookup"),
    ("sk_reuseport", "sk_reuseport"),
    ("lsm", "lsm"),
    ("lsm_cgroup", "lsm_cgroup"),
    ("fentry", "fentry"),
    ("fexit", "fexit"),
    ("freplace", "freplace"),
    ("ext", "freplace"),
    ("tp_btf", "tp_btf"),
    ("iter", "iter"),
];

enum Mapping {
    Aya(&'static str),
    Unloadable,
    Unknown,
}

/// Maps a section name aya rejects onto the aya section for the same program
/// type, following libbpf's `section_defs` plus the prefix matching libbpf did
/// before 1.0 (kernel samples still use `socket1`, `xdp_redirect`, ...).
fn libbpf_base(section: &str) -> Mapping {
    let (kind, rest) = match section.split_once('/') {
        Some((kind, rest)) => (kind, Some(rest)),
        None => (section, None),
    };
    match (kind, rest) {
        // libbpf gives tcx/netkit programs an expected attach type, but the
        // kernel checks the link's attach type for SCHED_CLS, not the
        // program's, so a plain classifier still attaches there. `action` is
        // SCHED_ACT, whose verifier rules are SCHED_CLS's; aya has no loader
        // for SCHED_ACT, so it loads as a classifier.
        ("tc" | "classifier" | "action", _) => Mapping::Aya("classifier"),
        ("tcx", Some("ingress" | "egress")) | ("netkit", Some("primary" | "peer")) => Mapping::Aya("classifier"),
        // aya 0.14 attaches sk_skb programs only as stream parser or stream
        // verdict; the verdict flavour is what bare and `/verdict` programs do.
        ("sk_skb", None | Some("verdict")) => Mapping::Aya("sk_skb/stream_verdict"),
        ("xdp.frags", _) => Mapping::Aya("xdp.frags"),
        ("xdp_devmap", _) => Mapping::Aya("xdp/devmap"),
        ("xdp_cpumap", _) => Mapping::Aya("xdp/cpumap"),
        (k, _) if k.starts_with("xdp") => Mapping::Aya("xdp"),
        ("ksyscall", _) => Mapping::Aya("kprobe"),
        ("kretsyscall", _) => Mapping::Aya("kretprobe"),
        (k, _) if k.starts_with("socket") => Mapping::Aya("socket"),
        (k, _) if UNLOADABLE_KINDS.contains(&k) => Mapping::Unloadable,
        ("cgroup", Some(attach)) if attach.ends_with("_unix") => Mapping::Unloadable,
        _ => Mapping::Unknown,
    }
}

/// aya's own reading of a section name; comparing these tells whether two
/// names load the same kind of program.
fn aya_kind(section: &str) -> Option<String> {
    section.parse::<ProgramSection>().ok().map(|kind| format!("{kind:?}"))
}

fn same_kind(a: &str, b: &str) -> bool {
    let a = aya_kind(a);
    a.is_some() && a == aya_kind(b)
}

/// aya keys `.BTF.ext` data and CO-RE relocations by section name, so renamed
/// sections must stay distinct: keep the original name as a tail wherever
/// aya ignores the tail (it does for most kinds, but not for plain `xdp`).
fn with_tail(base: &str, original: &str) -> String {
    let tailed = format!("{base}/{original}");
    if same_kind(&tailed, base) { tailed } else { base.to_owned() }
}

fn accepted_types() -> String {
    let names: Vec<&str> = TYPE_ALIASES.iter().map(|(name, _)| *name).collect();
    names.join(", ")
}

fn forced_base(ty: &str) -> Result<String> {
    if let Some((_, base)) = TYPE_ALIASES.iter().find(|(name, _)| *name == ty) {
        return Ok((*base).to_owned());
    }
    if aya_kind(ty).is_some() {
        return Ok(ty.to_owned());
    }
    match libbpf_base(ty) {
        Mapping::Aya(base) => Ok(base.to_owned()),
        Mapping::Unloadable => Err(user(
            format!("--type `{ty}` is a kind bpfpin cannot load (aya 0.14 has no loader for it)"),
            "load it with bpftool, or give another --type",
        )),
        Mapping::Unknown => Err(user(
            format!(
                "unknown --type `{ty}`; accepted types are {}, or any section name aya accepts such as cgroup/connect4",
                accepted_types()
            ),
            "give one of the accepted types, e.g. --type xdp",
        )),
    }
}

/// The section name aya should see, or `None` to leave the section alone.
fn target_name(section: &str, forced: Option<&str>) -> std::result::Result<Option<String>, Mapping> {
    if let Some(base) = forced {
        return Ok((!same_kind(section, base)).then(|| with_tail(base, section)));
    }
    if aya_kind(section).is_some() {
        return Ok(None);
    }
    match libbpf_base(section) {
        Mapping::Aya(base) => Ok(Some(with_tail(base, section))),
        other => Err(other),
    }
}

/// Decides the new name of every program section (index -> name), refusing
/// sections aya cannot load and renames that would collide.
fn plan(
    sections: &HashMap<usize, String>,
    symbols: &[(String, usize)],
    forced: Option<&str>,
) -> Result<HashMap<usize, String>> {
    let mut indices: Vec<usize> = sections.keys().copied().collect();
    indices.sort_unstable();
    let mut targets = HashMap::new();
    for &index in &indices {
        let section = &sections[&index];
        match target_name(section, forced) {
            Ok(Some(new)) => {
                targets.insert(index, new);
            }
            Ok(None) => {}
            Err(mapping) => return Err(refusal(section, first_program(symbols, index), &mapping)),
        }
    }
    check_distinct(&indices, sections, &targets)?;
    Ok(targets)
}

fn first_program(symbols: &[(String, usize)], index: usize) -> Option<&str> {
    symbols.iter().find(|(_, i)| *i == index).map(|(name, _)| name.as_str())
}

fn refusal(section: &str, program: Option<&str>, mapping: &Mapping) -> anyhow::Error {
    let subject = match program {
        Some(program) => format!("program `{program}` is in section `{section}`"),
        None => format!("section `{section}` holds code"),
    };
    match mapping {
        Mapping::Unloadable => user(
            format!("{subject}, a kind bpfpin cannot load (aya 0.14 has no loader for it)"),
            "load it with bpftool, or force another type with --type T if the program fits one",
        ),
        _ => user(
            format!(
                "{subject}, which is not a program type libbpf or aya knows; pass --type T to say what it is (e.g. --type xdp)"
            ),
            "pass --type T (e.g. --type xdp), or rename the section to one libbpf knows",
        ),
    }
}

fn check_distinct(
    indices: &[usize],
    sections: &HashMap<usize, String>,
    targets: &HashMap<usize, String>,
) -> Result<()> {
    // Clashes among names clang wrote are the object's own business; only
    // complain about the ones our renaming creates.
    let mut seen: HashMap<&str, (&str, bool)> = HashMap::new();
    for index in indices {
        let original = sections[index].as_str();
        let renamed = targets.get(index);
        let loaded = renamed.map_or(original, String::as_str);
        let previous = seen.insert(loaded, (original, renamed.is_some()));
        if let Some((other, other_renamed)) = previous
            && (other_renamed || renamed.is_some())
        {
            return Err(user(
                format!(
                    "sections `{other}` and `{original}` would both load as `{loaded}`, which aya 0.14 cannot tell apart; put those programs in one section"
                ),
                "put those programs in one section, or give them distinct section names",
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// ELF reading
// ---------------------------------------------------------------------------

// ELF numbers and records come from `object::elf`, read through
// `object::read::elf` and `object::pod` (ELF64, little-endian, any alignment).
use object::elf::{
    ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, ELFMAG, EM_386, EM_AARCH64, EM_ARM, EM_BPF, EM_LOONGARCH, EM_MIPS, EM_PPC,
    EM_PPC64, EM_RISCV, EM_S390, EM_X86_64, ET_CORE, ET_DYN, ET_EXEC, ET_REL, FileHeader64, SHF_ALLOC, SHF_EXECINSTR,
    SHN_LORESERVE, SHT_NOBITS, SHT_PROGBITS, SHT_REL, SHT_RELA, SHT_SYMTAB, STT_FUNC, STT_GNU_IFUNC, SectionHeader64,
    Sym64,
};
use object::read::elf::FileHeader as _;
type Le = object::LittleEndian;
const LE: Le = object::LittleEndian;
const EHDR_SIZE: usize = std::mem::size_of::<FileHeader64<Le>>();
const SHDR_SIZE: usize = std::mem::size_of::<SectionHeader64<Le>>();

/// The symbol table's records (a trailing partial record is ignored).
fn symbol_records(table: &[u8]) -> &[Sym64<Le>] {
    object::pod::slice_from_bytes(table, table.len() / std::mem::size_of::<Sym64<Le>>()).map_or(&[], |(s, _)| s)
}
const ELF_MAGIC: &[u8] = &ELFMAG;

fn bytes_at(data: &[u8], off: usize, len: usize) -> Option<&[u8]> {
    data.get(off..off.checked_add(len)?)
}

fn u16_at(data: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes_at(data, off, 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes_at(data, off, 4)?.try_into().ok()?))
}

fn put(buf: &mut [u8], off: usize, bytes: &[u8]) -> Result<()> {
    off.checked_add(bytes.len())
        .and_then(|end| buf.get_mut(off..end))
        .ok_or_else(|| anyhow!("internal error: patch at {off} is outside the object"))?
        .copy_from_slice(bytes);
    Ok(())
}

/// NUL-terminated string at `off`; `None` when it runs off the table.
fn cstr_at(table: &[u8], off: usize) -> Option<&[u8]> {
    let rest = table.get(off..)?;
    let len = rest.iter().position(|&b| b == 0)?;
    rest.get(..len)
}

fn to_usize(v: impl TryInto<usize>) -> Option<usize> {
    v.try_into().ok()
}

struct Shdr {
    name: usize,
    kind: u32,
    flags: u64,
    addr: u64,
    offset: usize,
    size: usize,
    link: usize,
    info: usize,
}

impl Shdr {
    fn new(raw: &SectionHeader64<Le>) -> Option<Self> {
        Some(Self {
            name: to_usize(raw.sh_name.get(LE))?,
            kind: raw.sh_type.get(LE),
            flags: raw.sh_flags.get(LE),
            addr: raw.sh_addr.get(LE),
            offset: to_usize(raw.sh_offset.get(LE))?,
            size: to_usize(raw.sh_size.get(LE))?,
            link: to_usize(raw.sh_link.get(LE))?,
            info: to_usize(raw.sh_info.get(LE))?,
        })
    }

    fn is_code(&self) -> bool {
        self.kind == SHT_PROGBITS
            && self.flags & u64::from(SHF_ALLOC | SHF_EXECINSTR) == u64::from(SHF_ALLOC | SHF_EXECINSTR)
            && self.size > 0
    }
}

struct Elf<'a> {
    data: &'a [u8],
    shoff: usize,
    shdrs: Vec<Shdr>,
    shstrndx: usize,
}

fn truncated(what: &str, len: usize) -> anyhow::Error {
    anyhow!("truncated ELF file: {what} points past the end of the file ({len} bytes); the file was probably cut short")
}

fn machine_name(machine: u16) -> String {
    match machine {
        EM_386 => "i386".into(),
        EM_MIPS => "MIPS".into(),
        EM_PPC => "PowerPC".into(),
        EM_PPC64 => "PowerPC64".into(),
        EM_S390 => "s390".into(),
        EM_ARM => "ARM".into(),
        EM_X86_64 => "x86-64".into(),
        EM_AARCH64 => "AArch64".into(),
        EM_RISCV => "RISC-V".into(),
        EM_LOONGARCH => "LoongArch".into(),
        other => format!("machine type {other}"),
    }
}

/// Checks the identification and ELF header in the order that gives the most
/// useful sentence: "this is x86 code" beats "this is not little-endian".
fn check_header(data: &[u8]) -> Result<()> {
    if data.is_empty() {
        bail!("the file is empty, not a BPF object");
    }
    if !data.starts_with(ELF_MAGIC) {
        if ELF_MAGIC.starts_with(data) {
            return Err(truncated("the ELF identification", data.len()));
        }
        bail!("not an ELF file (it does not start with \\x7fELF); pass an object built with clang -target bpf -c");
    }
    let raw_machine = bytes_at(data, 18, 2).ok_or_else(|| truncated("the ELF header", data.len()))?;
    let machine = match data.get(5) {
        Some(&ELFDATA2MSB) => u16::from_be_bytes([raw_machine[0], raw_machine[1]]),
        _ => u16::from_le_bytes([raw_machine[0], raw_machine[1]]),
    };
    if machine != EM_BPF {
        bail!("this is an ELF for {}, not a BPF object; compile with clang -target bpf", machine_name(machine));
    }
    if data.get(4) != Some(&ELFCLASS64) || data.get(5) != Some(&ELFDATA2LSB) {
        bail!(
            "not a 64-bit little-endian ELF file; bpfpin loads little-endian BPF objects (clang -target bpf or bpfel)"
        );
    }
    if data.len() < EHDR_SIZE {
        return Err(truncated("the ELF header", data.len()));
    }
    match u16_at(data, 16) {
        Some(ET_REL) => Ok(()),
        Some(kind) => bail!(
            "this is {}, not a relocatable object (ET_REL); pass the .o that clang -target bpf -c produces",
            match kind {
                ET_EXEC => "an executable",
                ET_DYN => "a shared object",
                ET_CORE => "a core dump",
                _ => "an unknown ELF type",
            }
        ),
        None => Err(truncated("the ELF header", data.len())),
    }
}

impl<'a> Elf<'a> {
    fn parse(data: &'a [u8]) -> Result<Self> {
        check_header(data)?;
        let len = data.len();
        let header_field = |v: Option<usize>| v.ok_or_else(|| truncated("the ELF header", len));
        let (header, _) =
            object::pod::from_bytes::<FileHeader64<Le>>(data).map_err(|()| truncated("the ELF header", len))?;
        let shoff = header_field(to_usize(header.e_shoff.get(LE)))?;
        let shentsize = usize::from(header.e_shentsize.get(LE));
        if shoff == 0 {
            bail!("the ELF file has no section headers, so it is not a usable BPF object");
        }
        if shentsize != SHDR_SIZE {
            bail!("malformed ELF file: section headers are {shentsize} bytes instead of {SHDR_SIZE}");
        }
        // object handles extended numbering (the real counts in section header 0).
        let table = || truncated("the section header table", len);
        let shstrndx = header.shstrndx(LE, data).map_err(|_| table())?;
        let shdrs = header
            .section_headers(LE, data)
            .map_err(|_| table())?
            .iter()
            .map(Shdr::new)
            .collect::<Option<Vec<_>>>()
            .ok_or_else(table)?;
        let shstrndx = header_field(to_usize(shstrndx))?;
        let elf = Self { data, shoff, shdrs, shstrndx };
        elf.check_sections()?;
        Ok(elf)
    }

    fn check_sections(&self) -> Result<()> {
        let len = self.data.len();
        if self.shstrndx == 0 || self.shstrndx >= self.shdrs.len() {
            bail!("malformed ELF file: it has no valid section name table (e_shstrndx {})", self.shstrndx);
        }
        for (index, shdr) in self.shdrs.iter().enumerate() {
            if shdr.kind != SHT_NOBITS && bytes_at(self.data, shdr.offset, shdr.size).is_none() {
                return Err(truncated(&format!("section {index}"), len));
            }
            if index != 0 && self.name(index).is_none() {
                bail!("malformed ELF file: the name of section {index} is outside the section name table");
            }
        }
        Ok(())
    }

    fn section_data(&self, index: usize) -> &'a [u8] {
        self.shdrs
            .get(index)
            .filter(|shdr| shdr.kind != SHT_NOBITS)
            .and_then(|shdr| bytes_at(self.data, shdr.offset, shdr.size))
            .unwrap_or_default()
    }

    fn name(&self, index: usize) -> Option<&'a [u8]> {
        let shdr = self.shdrs.get(index)?;
        cstr_at(self.section_data(self.shstrndx), shdr.name)
    }

    fn find(&self, wanted: &str) -> Option<usize> {
        (1..self.shdrs.len()).find(|&i| self.name(i) == Some(wanted.as_bytes()))
    }

    fn shdr_offset(&self, index: usize) -> usize {
        self.shoff + index * SHDR_SIZE
    }
}

/// Section names aya-obj claims for itself before looking at the program
/// table (`EbpfSectionKind::from_name`): code in these is never a program.
fn aya_claims(name: &str) -> bool {
    const PREFIXES: &[&str] = &["license", "version", "maps", ".maps", ".text", ".bss", ".data", ".rodata"];
    PREFIXES.iter().any(|p| name.starts_with(p)) || name == ".BTF" || name == ".BTF.ext"
}

/// Sections aya-obj will parse as program sections, by index.
fn program_sections(elf: &Elf<'_>) -> Result<HashMap<usize, String>> {
    let mut sections = HashMap::new();
    for (index, shdr) in elf.shdrs.iter().enumerate().skip(1) {
        if !shdr.is_code() {
            continue;
        }
        let raw = elf.name(index).unwrap_or_default();
        let name = std::str::from_utf8(raw).map_err(|_| {
            anyhow!(
                "section {index} holds code but its name `{}` is not UTF-8, which aya cannot load",
                String::from_utf8_lossy(raw)
            )
        })?;
        if !aya_claims(name) {
            sections.insert(index, name.to_owned());
        }
    }
    Ok(sections)
}

/// Function symbols as (name, section index), in symbol table order; these
/// are what aya turns into programs when they sit in a program section.
fn function_symbols(elf: &Elf<'_>) -> Result<Vec<(String, usize)>> {
    let Some(symtab) = elf.shdrs.iter().position(|s| s.kind == SHT_SYMTAB) else {
        return Ok(Vec::new());
    };
    let table = elf.section_data(symtab);
    let strings = elf.section_data(elf.shdrs[symtab].link);
    let mut symbols = Vec::new();
    for sym in symbol_records(table) {
        let kind = sym.st_type();
        let shndx = sym.st_shndx.get(LE);
        if !matches!(kind, STT_FUNC | STT_GNU_IFUNC) || shndx == 0 || shndx >= SHN_LORESERVE {
            continue;
        }
        let name = to_usize(sym.st_name.get(LE))
            .and_then(|off| cstr_at(strings, off))
            .ok_or_else(|| anyhow!("malformed ELF file: a symbol name is outside the string table"))?;
        if !name.is_empty() {
            symbols.push((String::from_utf8_lossy(name).into_owned(), usize::from(shndx)));
        }
    }
    Ok(symbols)
}

// ---------------------------------------------------------------------------
// Patching
// ---------------------------------------------------------------------------

struct Rename {
    index: usize,
    old: String,
    new: String,
}

fn patch(elf: &Elf<'_>, renames: &[Rename]) -> Result<Vec<u8>> {
    let mut out = elf.data.to_vec();
    patch_btf(elf, renames, &mut out)?;
    let names = section_name_changes(elf, renames);
    patch_section_names(elf, &names, &mut out)?;
    Ok(out)
}

/// The renamed sections plus their `.rel`/`.rela` companions, which aya does
/// not need (it follows sh_info) but `llvm-readelf` and people reading the
/// patched object do.
fn section_name_changes(elf: &Elf<'_>, renames: &[Rename]) -> Vec<(usize, String)> {
    let mut changes: Vec<(usize, String)> = renames.iter().map(|r| (r.index, r.new.clone())).collect();
    for (index, shdr) in elf.shdrs.iter().enumerate() {
        if shdr.kind != SHT_REL && shdr.kind != SHT_RELA {
            continue;
        }
        let Some(rename) = renames.iter().find(|r| r.index == shdr.info) else {
            continue;
        };
        let name = elf.name(index).unwrap_or_default();
        for prefix in [".rela", ".rel"] {
            if name.strip_prefix(prefix.as_bytes()) == Some(rename.old.as_bytes()) {
                changes.push((index, format!("{prefix}{}", rename.new)));
                break;
            }
        }
    }
    changes
}

/// Appends `blob` 8-byte aligned (so the relative alignment aya's object
/// parser expects holds in any 8-aligned copy) and returns its offset.
fn append_aligned(out: &mut Vec<u8>, blob: &[u8]) -> usize {
    out.resize(out.len().next_multiple_of(8), 0);
    let at = out.len();
    out.extend_from_slice(blob);
    at
}

fn section_header_mut<'o>(elf: &Elf<'_>, out: &'o mut [u8], index: usize) -> Result<&'o mut SectionHeader64<Le>> {
    let at = elf.shdr_offset(index);
    out.get_mut(at..)
        .and_then(|tail| object::pod::from_bytes_mut::<SectionHeader64<Le>>(tail).ok())
        .map(|(shdr, _)| shdr)
        .ok_or_else(|| anyhow!("internal error: patch at {at} is outside the object"))
}

fn repoint_section(elf: &Elf<'_>, out: &mut [u8], index: usize, offset: usize, size: usize) -> Result<()> {
    let shdr = section_header_mut(elf, out, index)?;
    shdr.sh_offset.set(LE, offset as u64);
    shdr.sh_size.set(LE, size as u64);
    Ok(())
}

/// Writes a new section name table (old table + new names, so symbol names
/// that share the table keep their offsets) and points sh_name at it.
fn patch_section_names(elf: &Elf<'_>, changes: &[(usize, String)], out: &mut Vec<u8>) -> Result<()> {
    let mut table = elf.section_data(elf.shstrndx).to_vec();
    if table.last().is_some_and(|&b| b != 0) {
        table.push(0);
    }
    for (index, name) in changes {
        let off = u32::try_from(table.len()).map_err(|_| anyhow!("the section name table is too large to extend"))?;
        table.extend_from_slice(name.as_bytes());
        table.push(0);
        section_header_mut(elf, out, *index)?.sh_name.set(LE, off);
    }
    let at = append_aligned(out, &table);
    repoint_section(elf, out, elf.shstrndx, at, table.len())
}

/// The `.BTF` sections of an object; `None` when the header or a section
/// lies outside the data (the checks and the patcher word their own error).
fn btf_sections(data: &[u8]) -> Option<btf::Sections<'_>> {
    btf::sections(data).ok()
}

/// `.BTF` rewritten as header, types, old strings, `extra`: old string
/// offsets stay valid.
fn btf_with_strings(btf: &btf::Sections<'_>, extra: &[u8]) -> Result<Vec<u8>> {
    let too_big = || anyhow!("the .BTF section is too large to extend");
    let type_len = u32::try_from(btf.types.len()).map_err(|_| too_big())?;
    let str_len = u32::try_from(btf.strings.len() + extra.len()).map_err(|_| too_big())?;
    let mut blob = btf.header.to_vec();
    put(&mut blob, 8, &0u32.to_le_bytes())?;
    put(&mut blob, 12, &type_len.to_le_bytes())?;
    put(&mut blob, 16, &type_len.to_le_bytes())?;
    put(&mut blob, 20, &str_len.to_le_bytes())?;
    blob.extend_from_slice(btf.types);
    blob.extend_from_slice(btf.strings);
    blob.extend_from_slice(extra);
    Ok(blob)
}

/// Offsets (within `.BTF.ext`) of every `sec_name_off` field in the
/// func_info, line_info and CO-RE relocation subsections.
fn sec_name_slots(ext: &[u8]) -> Option<Vec<(usize, u32)>> {
    let mut slots = Vec::new();
    for (start, part) in btf::ext_subsections(ext)? {
        collect_slots(part, start, &mut slots)?;
    }
    Some(slots)
}

fn collect_slots(part: &[u8], start: usize, slots: &mut Vec<(usize, u32)>) -> Option<()> {
    if part.is_empty() {
        return Some(());
    }
    let rec_size = to_usize(u32_at(part, 0)?)?;
    let mut pos = 4;
    while pos < part.len() {
        slots.push((start + pos, u32_at(part, pos)?));
        let records = to_usize(u32_at(part, pos + 4)?)?.checked_mul(rec_size)?;
        pos = pos.checked_add(8)?.checked_add(records)?;
    }
    (pos == part.len()).then_some(())
}

/// Makes `.BTF.ext` name the renamed sections: aya looks func_info, line_info
/// and CO-RE relocations up by the `.BTF` string at `sec_name_off`, so that
/// string must equal the new ELF section name or the program silently loses
/// its BTF (btf_id 0) and CO-RE relocations fail.
fn patch_btf(elf: &Elf<'_>, renames: &[Rename], out: &mut Vec<u8>) -> Result<()> {
    let (Some(btf_index), Some(ext_index)) = (elf.find(".BTF"), elf.find(".BTF.ext")) else {
        return Ok(());
    };
    let btf = btf_sections(elf.section_data(btf_index))
        .ok_or_else(|| anyhow!("the .BTF section is malformed; rebuild the object with clang -g"))?;
    let slots = sec_name_slots(elf.section_data(ext_index))
        .ok_or_else(|| anyhow!("the .BTF.ext section is malformed; rebuild the object with clang -g"))?;
    let ext_offset = elf.shdrs[ext_index].offset;

    let mut extra = Vec::new();
    let mut new_offsets: HashMap<&str, u32> = HashMap::new();
    for (pos, name_off) in slots {
        let name = to_usize(name_off).and_then(|off| btf::name_at(btf.strings, off));
        let Some(rename) = renames.iter().find(|r| Some(r.old.as_bytes()) == name) else {
            continue;
        };
        let new_off = match new_offsets.get(rename.new.as_str()) {
            Some(&off) => off,
            None => {
                let off = u32::try_from(btf.strings.len() + extra.len())
                    .map_err(|_| anyhow!("the .BTF section is too large to extend"))?;
                extra.extend_from_slice(rename.new.as_bytes());
                extra.push(0);
                new_offsets.insert(&rename.new, off);
                off
            }
        };
        put(out, ext_offset + pos, &new_off.to_le_bytes())?;
    }
    if extra.is_empty() {
        return Ok(());
    }
    let blob = btf_with_strings(&btf, &extra)?;
    let at = append_aligned(out, &blob);
    repoint_section(elf, out, btf_index, at, blob.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/objects/objfile/", $name))
        };
    }

    const LIBBPF_NAMES: &[u8] = fixture!("libbpf_names.o");
    const MORE_NAMES: &[u8] = fixture!("more_names.o");
    const CUSTOM_SECTION: &[u8] = fixture!("custom_section.o");
    const AYA_NAMES: &[u8] = fixture!("aya_names.o");
    const UNSUPPORTED: &[u8] = fixture!("unsupported.o");
    const XDP_CLASH: &[u8] = fixture!("xdp_clash.o");

    fn err(data: &[u8], force: Option<&str>) -> String {
        match prepare(data, force) {
            Ok(_) => panic!("expected an error"),
            Err(e) => format!("{e:#}"),
        }
    }

    fn with(data: &[u8], patches: &[(usize, &[u8])]) -> Vec<u8> {
        let mut copy = data.to_vec();
        for (at, bytes) in patches {
            copy[*at..*at + bytes.len()].copy_from_slice(bytes);
        }
        copy
    }

    fn loaded_as(prepared: &Prepared) -> Vec<(&str, &str, &str)> {
        prepared.programs.iter().map(|p| (p.name.as_str(), p.section.as_str(), p.loaded_as.as_str())).collect()
    }

    /// Re-parses with aya-obj and checks every program kept its func_info
    /// and line_info, which is what breaks if `.BTF.ext` is not patched.
    fn reparse(prepared: &Prepared) -> aya_obj::Object {
        let obj = aya_obj::Object::parse(&prepared.bytes).expect("aya-obj parses the patched object");
        for p in &prepared.programs {
            let prog = &obj.programs[&p.name];
            let function = &obj.functions[&prog.function_key()];
            assert_eq!(function.func_info.func_info.len(), 1, "func_info of {}", p.name);
            assert!(!function.line_info.line_info.is_empty(), "line_info of {}", p.name);
            assert_eq!(format!("{:?}", prog.section), format!("{:?}", p.loaded_as.parse::<ProgramSection>().unwrap()));
        }
        obj
    }

    #[test]
    fn malformed_inputs_get_one_clear_sentence() {
        assert!(err(b"", None).contains("empty"));
        assert!(err(b"hello world", None).contains("not an ELF file"));
        assert!(err(b"\x7fEL", None).contains("truncated"));
        assert!(err(&LIBBPF_NAMES[..10], None).contains("truncated"));
        assert!(err(&LIBBPF_NAMES[..40], None).contains("truncated"));
        assert!(err(&LIBBPF_NAMES[..LIBBPF_NAMES.len() - 100], None).contains("truncated"));
        let x86 = with(LIBBPF_NAMES, &[(18, &62u16.to_le_bytes())]);
        assert_eq!(err(&x86, None), "this is an ELF for x86-64, not a BPF object; compile with clang -target bpf");
        let elf32 = with(LIBBPF_NAMES, &[(4, &[1])]);
        assert!(err(&elf32, None).contains("not a 64-bit little-endian"));
        let big_endian = with(LIBBPF_NAMES, &[(5, &[2]), (18, &247u16.to_be_bytes())]);
        assert!(err(&big_endian, None).contains("not a 64-bit little-endian"));
        let exec = with(LIBBPF_NAMES, &[(16, &2u16.to_le_bytes())]);
        assert!(err(&exec, None).contains("an executable, not a relocatable object"));
    }

    /// xorshift, so the fuzz loop needs no extra crate and is reproducible.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn never_panics_on_garbage() {
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        for fixture in [LIBBPF_NAMES, MORE_NAMES, AYA_NAMES] {
            for len in 0..fixture.len() {
                let _ = prepare(&fixture[..len], None);
            }
            // Aim most flips at the ELF header and section headers, where a
            // wrong value sends the parser furthest astray.
            let shoff = object::pod::from_bytes::<FileHeader64<Le>>(fixture).unwrap().0.e_shoff.get(LE) as usize;
            for _ in 0..5_000 {
                let mut copy = fixture.to_vec();
                for _ in 0..1 + next(&mut rng) % 4 {
                    let r = next(&mut rng) as usize;
                    let at = match r % 3 {
                        0 => r / 3 % EHDR_SIZE,
                        1 => shoff + r / 3 % (copy.len() - shoff),
                        _ => r / 3 % copy.len(),
                    };
                    copy[at] = next(&mut rng) as u8;
                }
                let _ = prepare(&copy, None);
                let _ = prepare(&copy, Some("classifier"));
            }
        }
        for _ in 0..5_000 {
            let len = (next(&mut rng) % 512) as usize;
            let mut junk: Vec<u8> = (0..len).map(|_| next(&mut rng) as u8).collect();
            if junk.len() >= 20 && next(&mut rng).is_multiple_of(2) {
                junk[..4].copy_from_slice(ELF_MAGIC);
                junk[4..6].copy_from_slice(&[2, 1]);
                junk[18..20].copy_from_slice(&EM_BPF.to_le_bytes());
            }
            let _ = prepare(&junk, None);
        }
    }

    #[test]
    fn libbpf_names_are_renamed_and_keep_btf() {
        let prepared = prepare(LIBBPF_NAMES, None).unwrap();
        assert_eq!(
            loaded_as(&prepared),
            [
                ("tc_prog", "tc", "classifier/tc"),
                ("tcx_in_prog", "tcx/ingress", "classifier/tcx/ingress"),
                ("sock_prog", "socket1", "socket/socket1"),
                ("xdp_prog", "xdp", "xdp"),
            ]
        );
        let obj = reparse(&prepared);
        assert_eq!(obj.programs.len(), 4);
        assert!(obj.maps.contains_key("counters"));
        // Bytes clang wrote are untouched; only headers and appended tables differ.
        assert_eq!(&prepared.bytes[0x40..0x1000], &LIBBPF_NAMES[0x40..0x1000]);
    }

    #[test]
    fn relocation_sections_follow_their_section() {
        use object::{Object as _, ObjectSection as _};
        let prepared = prepare(LIBBPF_NAMES, None).unwrap();
        let file = object::File::parse(&*prepared.bytes).unwrap();
        let names: Vec<&str> = file.sections().filter_map(|s| s.name().ok()).collect();
        for expected in ["classifier/tc", ".relclassifier/tc", ".relsocket/socket1", ".relxdp", ".symtab"] {
            assert!(names.contains(&expected), "{expected} missing from {names:?}");
        }
        assert!(!names.contains(&"tc"));
    }

    #[test]
    fn objects_without_btf_only_get_new_names() {
        let prepared = prepare(fixture!("tc_nobtf.o"), None).unwrap();
        assert_eq!(loaded_as(&prepared), [("plain_tc", "tc", "classifier/tc")]);
        let obj = aya_obj::Object::parse(&prepared.bytes).unwrap();
        assert!(matches!(obj.programs["plain_tc"].section, ProgramSection::SchedClassifier));
    }

    #[test]
    fn more_libbpf_names() {
        let prepared = prepare(MORE_NAMES, None).unwrap();
        assert_eq!(
            loaded_as(&prepared),
            [
                ("tc_in", "tc/ingress", "classifier/tc/ingress"),
                ("tc_out", "tc/egress", "classifier/tc/egress"),
                ("tcx_out", "tcx/egress", "classifier/tcx/egress"),
                ("act", "action", "classifier/action"),
                ("nk_primary", "netkit/primary", "classifier/netkit/primary"),
                ("nk_peer", "netkit/peer", "classifier/netkit/peer"),
                ("skb_bare", "sk_skb", "sk_skb/stream_verdict/sk_skb"),
                ("skb_verdict", "sk_skb/verdict", "sk_skb/stream_verdict/sk_skb/verdict"),
                ("xdp_foo", "xdp/foo", "xdp"),
                ("cg_in", "cgroup_skb/ingress", "cgroup_skb/ingress"),
            ]
        );
        reparse(&prepared);
    }

    #[test]
    fn aya_names_come_back_byte_identical() {
        let prepared = prepare(AYA_NAMES, None).unwrap();
        assert_eq!(prepared.bytes, AYA_NAMES);
        assert!(prepared.programs.iter().all(|p| p.section == p.loaded_as));
        assert_eq!(prepared.programs.len(), 3);
        // Forcing the type every section already has changes nothing either.
        let forced = prepare(fixture!("xdp_only.o"), Some("xdp")).unwrap();
        assert_eq!(forced.bytes, fixture!("xdp_only.o"));
    }

    #[test]
    fn forced_type_renames_everything() {
        assert!(err(CUSTOM_SECTION, None).contains(
            "program `pass_all` is in section `foo`, which is not a program type libbpf or aya knows; pass --type"
        ));
        let prepared = prepare(CUSTOM_SECTION, Some("xdp")).unwrap();
        assert_eq!(loaded_as(&prepared), [("pass_all", "foo", "xdp")]);
        reparse(&prepared);
        let prepared = prepare(LIBBPF_NAMES, Some("sched_cls")).unwrap();
        assert!(prepared.programs.iter().all(|p| p.loaded_as.starts_with("classifier")));
        reparse(&prepared);
        let prepared = prepare(CUSTOM_SECTION, Some("cgroup/connect4")).unwrap();
        assert_eq!(loaded_as(&prepared), [("pass_all", "foo", "cgroup/connect4/foo")]);
    }

    #[test]
    fn bad_types_and_sections_are_refused() {
        let unknown = err(CUSTOM_SECTION, Some("bogus"));
        assert!(unknown.starts_with("unknown --type `bogus`; accepted types are socket,"), "{unknown}");
        assert!(err(CUSTOM_SECTION, Some("lwt_in")).contains("cannot load"));
        assert_eq!(
            err(UNSUPPORTED, None),
            "program `tunnel_in` is in section `lwt_in`, a kind bpfpin cannot load (aya 0.14 has no loader for it)"
        );
        assert_eq!(
            err(XDP_CLASH, None),
            "sections `xdp` and `xdp/two` would both load as `xdp`, which aya 0.14 cannot tell apart; put those programs in one section"
        );
        // An explicit type overrides the refusal.
        let prepared = prepare(UNSUPPORTED, Some("classifier")).unwrap();
        assert_eq!(
            loaded_as(&prepared),
            [("fine", "xdp", "classifier/xdp"), ("tunnel_in", "lwt_in", "classifier/lwt_in")]
        );
    }

    #[test]
    fn mapping_table() {
        let cases = [
            ("tc", Some("classifier/tc")),
            ("socket", None),
            ("socket1", Some("socket/socket1")),
            ("sk_skb/stream_parser", None),
            ("xdp.frags/foo", Some("xdp.frags")),
            ("xdp_devmap/foo", Some("xdp/devmap/xdp_devmap/foo")),
            ("ksyscall/openat", Some("kprobe/ksyscall/openat")),
            ("kretsyscall/openat", Some("kretprobe/kretsyscall/openat")),
        ];
        for (section, expected) in cases {
            let got = target_name(section, None).ok().unwrap();
            assert_eq!(got.as_deref(), expected, "{section}");
        }
        for section in ["struct_ops/bar", "kprobe.multi/x", "usdt/a:b", "cgroup/connect_unix", "syscall"] {
            assert!(matches!(target_name(section, None), Err(Mapping::Unloadable)), "{section}");
        }
        for section in ["sk_skb/other", "cgroup_skb/sideways", "bar"] {
            assert!(matches!(target_name(section, None), Err(Mapping::Unknown)), "{section}");
        }
    }

    /// Root-only tests need a kernel; skipping is fine on a laptop, not in CI.
    fn kernel_available() -> bool {
        // The effective uid is the third field of /proc/self/status's Uid line.
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let euid_is_root =
            status.lines().find(|l| l.starts_with("Uid:")).and_then(|l| l.split_whitespace().nth(2)) == Some("0");
        if euid_is_root {
            return true;
        }
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("this test needs root to load BPF programs, and CI=true forbids skipping it");
        }
        eprintln!("skipping: loading BPF programs needs root");
        false
    }

    /// Loads every program and returns (name, btf_id); programs unload when
    /// the returned `Ebpf` is dropped at the end of the caller.
    fn load_all(prepared: &Prepared) -> (aya::Ebpf, Vec<(String, u32)>) {
        use aya::programs::Program;
        let mut ebpf = aya::EbpfLoader::new()
            .allow_unsupported_maps()
            .load(&prepared.bytes)
            .expect("aya loads the patched object");
        let mut ids = Vec::new();
        for (name, program) in ebpf.programs_mut() {
            let result = match program {
                Program::SchedClassifier(p) => p.load(),
                Program::SocketFilter(p) => p.load(),
                Program::Xdp(p) => p.load(),
                Program::SkSkb(p) => p.load(),
                Program::CgroupSkb(p) => p.load(),
                other => panic!("{name}: unexpected program type {:?}", other.prog_type()),
            };
            result.unwrap_or_else(|e| panic!("{name} failed to load: {e:?}"));
            let btf_id = program.info().unwrap().btf_id().unwrap_or(0);
            ids.push((name.to_owned(), btf_id));
        }
        ids.sort();
        (ebpf, ids)
    }

    #[test]
    fn kernel_loads_renamed_programs_with_btf() {
        if !kernel_available() {
            return;
        }
        let prepared = prepare(LIBBPF_NAMES, None).unwrap();
        let (mut ebpf, ids) = load_all(&prepared);
        assert_eq!(ids.len(), 4);
        for (name, btf_id) in &ids {
            assert_ne!(*btf_id, 0, "{name} lost its func_info");
        }
        // Loaded without libbpf's expected attach type, the former
        // `tcx/ingress` program must still attach through tcx (on lo, and it
        // only counts packets). Dropping `ebpf` detaches and unloads it.
        let Some(aya::programs::Program::SchedClassifier(tcx)) = ebpf.program_mut("tcx_in_prog") else {
            panic!("tcx_in_prog is not a classifier");
        };
        tcx.attach("lo", aya::programs::TcAttachType::Ingress).expect("tcx attach on lo");
        drop(ebpf);
    }

    #[test]
    fn kernel_loads_more_libbpf_names() {
        if !kernel_available() {
            return;
        }
        let prepared = prepare(MORE_NAMES, None).unwrap();
        let (ebpf, ids) = load_all(&prepared);
        assert_eq!(ids.len(), 10);
        assert!(ids.iter().all(|(_, id)| *id != 0), "{ids:?}");
        drop(ebpf);
    }

    #[test]
    fn kernel_loads_forced_type() {
        if !kernel_available() {
            return;
        }
        let prepared = prepare(CUSTOM_SECTION, Some("xdp")).unwrap();
        let (ebpf, ids) = load_all(&prepared);
        assert_eq!(ids.len(), 1);
        assert_ne!(ids[0].1, 0);
        drop(ebpf);
    }

    #[test]
    fn parse_errors_carry_their_causes() {
        use aya_obj::btf::BtfError;
        let e = parse_error(std::path::Path::new("x.o"), &aya_obj::ParseError::BtfError(BtfError::InvalidHeader));
        assert_eq!(e.to_string(), "x.o cannot be parsed: BTF error: error parsing BTF header");
    }
}
