//! Stage `kernel` of the loader (see mod.rs): what the running kernel
//! knows — its BTF (vmlinux and modules), /proc/kallsyms, its build
//! configuration and version — each read only when a load asks for it, and
//! at most once per command.
//!
//! aya 0.14 decodes every type of /sys/kernel/btf/vmlinux on every load and
//! knows no module BTF. Here names are looked up in the raw type section
//! (`RawTypes`: one pass records where each type starts, a lookup compares
//! the names of the wanted kind in place), so resolving a kfunc or an attach
//! target decodes nothing else; the fully decoded `crate::btf::Btf` is built
//! only when a stage asks for it (`Kernel::vmlinux`, for CO-RE). Module BTF
//! is opened only for a name vmlinux does not have.

use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::{Context, Result, anyhow, bail, ensure};
use aya_obj::generated as k;

use crate::btf::{Btf, BtfKind};
use crate::error::UserError;

const VMLINUX: &str = "/sys/kernel/btf/vmlinux";
const KALLSYMS: &str = "/proc/kallsyms";
const PROC_CONFIG: &str = "/proc/config.gz";

/// A type found in the kernel's BTF.
#[derive(Debug, Clone)]
pub struct KernelType {
    /// Id in vmlinux, or in the module's split BTF (ids continue vmlinux's).
    pub id: u32,
    /// The module whose BTF holds it; `None` for vmlinux.
    pub module: Option<ModuleBtf>,
}

/// A module's BTF object, open: its fd is what the kernel wants as
/// `attach_btf_obj_fd`, in a kfunc call's `fd_array` slot, or in the second
/// half of a typed ksym's ld_imm64.
#[derive(Debug, Clone)]
pub struct ModuleBtf {
    pub name: String,
    pub btf_obj_id: u32,
    pub fd: Arc<OwnedFd>,
}

struct Module {
    btf: ModuleBtf,
    types: OnceLock<RawTypes>,
}

/// The running kernel, read lazily. One per command; not meant to outlive it
/// (modules loaded later are not seen).
#[derive(Default)]
pub struct Kernel {
    vmlinux_raw: OnceLock<Arc<RawTypes>>,
    vmlinux: OnceLock<Btf>,
    modules: OnceLock<Vec<Module>>,
    kallsyms: OnceLock<String>,
    /// Addresses already looked up: `None` = not in kallsyms.
    ksym_memo: Mutex<HashMap<String, Option<u64>>>,
    kconfig: OnceLock<(HashMap<String, String>, String)>,
}

impl std::fmt::Debug for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kernel")
            .field("vmlinux_read", &self.vmlinux_raw.get().is_some())
            .field("modules_listed", &self.modules.get().map(Vec::len))
            .finish_non_exhaustive()
    }
}

/// `OnceLock::get_or_try_init` (unstable): a failure is returned and not
/// cached, so the next caller sees the same error again.
fn once<T>(cell: &OnceLock<T>, init: impl FnOnce() -> Result<T>) -> Result<&T> {
    if let Some(v) = cell.get() {
        return Ok(v);
    }
    let v = init()?;
    Ok(cell.get_or_init(|| v))
}

impl Kernel {
    /// Reads nothing yet.
    pub fn new() -> Kernel {
        Kernel::default()
    }

    /// vmlinux BTF as raw types: read once, indexed, not decoded.
    pub fn vmlinux_types(&self) -> Result<&Arc<RawTypes>> {
        once(&self.vmlinux_raw, || {
            let raw = std::fs::read(VMLINUX).map_err(|e| {
                anyhow::Error::new(e).context(UserError::new(
                    format!("cannot read the kernel's BTF at {VMLINUX}"),
                    "this object needs kernel BTF: run a kernel built with CONFIG_DEBUG_INFO_BTF=y",
                ))
            })?;
            Ok(Arc::new(RawTypes::parse(raw, None).with_context(|| format!("parsing {VMLINUX}"))?))
        })
    }

    /// vmlinux BTF fully decoded (for CO-RE), parsed once per command.
    pub fn vmlinux(&self) -> Result<&Btf> {
        once(&self.vmlinux, || {
            let raw = self.vmlinux_types()?;
            Btf::parse(&raw.raw).with_context(|| format!("parsing {VMLINUX}"))
        })
    }

    fn modules(&self) -> Result<&[Module]> {
        once(&self.modules, || {
            let objs = crate::sys::btf_obj::module_btfs().context("listing the kernel's module BTF objects")?;
            Ok(objs
                .into_iter()
                .map(|o| Module {
                    btf: ModuleBtf { name: o.name, btf_obj_id: o.id, fd: Arc::new(o.fd) },
                    types: OnceLock::new(),
                })
                .collect())
        })
        .map(Vec::as_slice)
    }

    fn module_types<'a>(&'a self, m: &'a Module) -> Result<&'a RawTypes> {
        once(&m.types, || {
            let base = self.vmlinux_types()?.clone();
            let path = format!("/sys/kernel/btf/{}", m.btf.name);
            // sysfs holds the same bytes BPF_OBJ_GET_INFO_BY_FD returns, in one read.
            let raw = match std::fs::read(&path) {
                Ok(raw) => raw,
                Err(_) => crate::sys::btf_raw(m.btf.btf_obj_id)
                    .with_context(|| format!("reading BTF of kernel module {}", m.btf.name))?,
            };
            RawTypes::parse(raw, Some(base)).with_context(|| format!("parsing BTF of kernel module {}", m.btf.name))
        })
    }

    /// A named type of one kind: vmlinux first, then each module's own types
    /// (in BTF object id order), as libbpf's find_kernel_btf_id/find_ksym_btf_id.
    pub fn find(&self, name: &str, kind: BtfKind) -> Result<Option<KernelType>> {
        let kind = raw_kind(kind);
        if let Some(id) = self.vmlinux_types()?.find_own(name, kind) {
            return Ok(Some(KernelType { id, module: None }));
        }
        for m in self.modules()? {
            if let Some(id) = self.module_types(m)?.find_own(name, kind) {
                return Ok(Some(KernelType { id, module: Some(m.btf.clone()) }));
            }
        }
        Ok(None)
    }

    /// A program's attach target as libbpf's find_kernel_btf_id reads it:
    /// `NAME` or `MODULE:NAME` (`vmlinux:NAME` is vmlinux only), looked up
    /// as `prefix` + NAME (`btf_trace_` for tp_btf, `bpf_lsm_` for lsm,
    /// `bpf_iter_` for iter, "" for fentry/fexit/fmod_ret). libbpf compares
    /// only the first len(MODULE) bytes of a module's name; here the module
    /// name must match exactly.
    pub fn find_target(&self, target: &str, prefix: &str, kind: BtfKind) -> Result<Option<KernelType>> {
        let (module, name) = match target.split_once(':') {
            Some((m, n)) => (Some(m), n),
            None => (None, target),
        };
        let full = format!("{prefix}{name}");
        let raw = raw_kind(kind);
        if module.is_none_or(|m| m == "vmlinux") {
            if let Some(id) = self.vmlinux_types()?.find_own(&full, raw) {
                return Ok(Some(KernelType { id, module: None }));
            }
            if module.is_some() {
                return Ok(None);
            }
        }
        for m in self.modules()? {
            if module.is_some_and(|want| want != m.btf.name) {
                continue;
            }
            if let Some(id) = self.module_types(m)?.find_own(&full, raw) {
                return Ok(Some(KernelType { id, module: Some(m.btf.clone()) }));
            }
        }
        Ok(None)
    }

    /// The raw types `t` was found in (vmlinux, or the module's split BTF,
    /// which also answers for vmlinux ids).
    pub fn types_of(&self, t: &KernelType) -> Result<&RawTypes> {
        match &t.module {
            None => Ok(self.vmlinux_types()?.as_ref()),
            Some(mb) => {
                let m = self
                    .modules()?
                    .iter()
                    .find(|m| m.btf.btf_obj_id == mb.btf_obj_id)
                    .ok_or_else(|| anyhow!("module BTF {} is no longer listed", mb.name))?;
                self.module_types(m)
            }
        }
    }

    /// A kernel symbol's address from /proc/kallsyms (read once), as libbpf
    /// resolves typeless ksyms: the exact name, or for a data symbol `d` the
    /// name before an LLVM `.llvm.NNN` suffix. Two different addresses for one
    /// name are an error, as in libbpf.
    pub fn ksym_address(&self, name: &str) -> Result<Option<u64>> {
        if let Some(v) = self.ksym_memo.lock().ok().and_then(|m| m.get(name).copied()) {
            return Ok(v);
        }
        let text =
            once(&self.kallsyms, || std::fs::read_to_string(KALLSYMS).with_context(|| format!("reading {KALLSYMS}")))?;
        let found = kallsyms_lookup(text, name)?;
        if let Ok(mut m) = self.ksym_memo.lock() {
            m.insert(name.to_string(), found);
        }
        Ok(found)
    }

    /// The kernel's build configuration: `CONFIG_X` → value as written
    /// (`y`, `m`, `"text"`, a number). Options "is not set" are absent.
    /// /boot/config-RELEASE first, then /proc/config.gz, like libbpf; either
    /// may be gzip-compressed.
    pub fn kconfig(&self) -> Result<&HashMap<String, String>> {
        self.kconfig_entry().map(|(m, _)| m)
    }

    /// Where `kconfig` was read from (for messages).
    pub fn kconfig_source(&self) -> Result<&str> {
        self.kconfig_entry().map(|(_, s)| s.as_str())
    }

    fn kconfig_entry(&self) -> Result<&(HashMap<String, String>, String)> {
        once(&self.kconfig, || {
            let boot = format!("/boot/config-{}", release());
            for path in [boot.as_str(), PROC_CONFIG] {
                let Ok(bytes) = std::fs::read(path) else { continue };
                let text = if bytes.starts_with(&[0x1f, 0x8b]) {
                    gunzip(&bytes).with_context(|| format!("decompressing {path}"))?
                } else {
                    bytes
                };
                return Ok((parse_kconfig(&String::from_utf8_lossy(&text)), path.to_string()));
            }
            Err(UserError::new(
                format!("the kernel's build configuration is not readable: neither {boot} nor {PROC_CONFIG} exists"),
                "load the `configs` module (modprobe configs) for /proc/config.gz, or install the kernel's \
                 config file in /boot",
            )
            .into())
        })
    }

    /// LINUX_KERNEL_VERSION as libbpf computes it: Ubuntu's
    /// /proc/version_signature, else a Debian version in the uname version
    /// string, else the uname release; KERNEL_VERSION(a, b, c) with c capped
    /// at 255. 0 when none can be read.
    pub fn version_code(&self) -> u32 {
        let sig = std::fs::read_to_string("/proc/version_signature").ok();
        // "Ubuntu 5.15.0-91.101-generic 5.15.131": the third word.
        if let Some(v) = sig.as_deref().and_then(|s| s.split_whitespace().nth(2)).and_then(version_triple) {
            return v;
        }
        let uts_version = std::fs::read_to_string("/proc/sys/kernel/version").unwrap_or_default();
        if let Some(v) = uts_version.split_once("Debian ").and_then(|(_, rest)| version_triple(rest)) {
            return v;
        }
        version_triple(&release()).unwrap_or(0)
    }
}

fn release() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease").map(|s| s.trim().to_string()).unwrap_or_default()
}

/// KERNEL_VERSION(a, b, c) of text starting "a.b.c" (scanf's `%u.%u.%u`:
/// digits, each stopping at the first non-digit).
fn version_triple(s: &str) -> Option<u32> {
    let mut rest = s.trim_start();
    let mut parts = [0u32; 3];
    for (i, part) in parts.iter_mut().enumerate() {
        if i > 0 {
            rest = rest.strip_prefix('.')?;
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        *part = rest.get(..digits)?.parse().ok()?;
        rest = &rest[digits..];
    }
    let [a, b, c] = parts;
    Some((a << 16).wrapping_add(b << 8).wrapping_add(c.min(255)))
}

fn parse_kconfig(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter(|l| l.starts_with("CONFIG_"))
        .filter_map(|l| l.split_once('='))
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A gzip member's payload (RFC 1952 header, then raw deflate).
fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
    const FHCRC: u8 = 0x02;
    const FEXTRA: u8 = 0x04;
    const FNAME: u8 = 0x08;
    const FCOMMENT: u8 = 0x10;
    ensure!(bytes.len() >= 10 && bytes[0] == 0x1f && bytes[1] == 0x8b && bytes[2] == 8, "not a gzip file");
    let flags = bytes[3];
    let mut pos = 10usize;
    if flags & FEXTRA != 0 {
        let len = bytes.get(pos..pos + 2).ok_or_else(|| anyhow!("gzip header truncated"))?;
        pos += 2 + usize::from(u16::from_le_bytes([len[0], len[1]]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let nul = bytes.get(pos..).and_then(|r| r.iter().position(|&b| b == 0));
            pos += nul.ok_or_else(|| anyhow!("gzip header truncated"))? + 1;
        }
    }
    if flags & FHCRC != 0 {
        pos += 2;
    }
    let body = bytes.get(pos..).ok_or_else(|| anyhow!("gzip header truncated"))?;
    miniz_oxide::inflate::decompress_to_vec(body).map_err(|e| anyhow!("corrupt deflate data: {:?}", e.status))
}

fn kallsyms_lookup(text: &str, name: &str) -> Result<Option<u64>> {
    if name.is_empty() {
        return Ok(None);
    }
    let mut found: Option<u64> = None;
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices(name) {
        // Lines are "ADDR TYPE NAME" and, for modules, "\t[module]".
        if at < 3 || bytes[at - 1] != b' ' || bytes[at - 3] != b' ' {
            continue;
        }
        let end = at + name.len();
        let after = &bytes[end..];
        let sym_type = bytes[at - 2];
        let exact = after.is_empty() || after[0] == b'\n' || after[0] == b'\t';
        if !(exact || (sym_type == b'd' && after.starts_with(b".llvm."))) {
            continue;
        }
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let Some(addr) = text.get(line_start..at - 3).and_then(|a| u64::from_str_radix(a, 16).ok()) else {
            continue;
        };
        match found {
            Some(prev) if prev != addr => bail!(UserError::new(
                format!("kernel symbol `{name}` is ambiguous in {KALLSYMS}: {prev:#x} or {addr:#x}"),
                "declare the extern with its type (a typed __ksym resolves through BTF) or use a symbol \
                 with a unique name",
            )),
            _ => found = Some(addr),
        }
    }
    Ok(found)
}

/// The raw BTF_KIND_* number of a kind.
pub fn raw_kind(kind: BtfKind) -> u32 {
    match kind {
        BtfKind::Void => k::BTF_KIND_UNKN,
        BtfKind::Int => k::BTF_KIND_INT,
        BtfKind::Ptr => k::BTF_KIND_PTR,
        BtfKind::Array => k::BTF_KIND_ARRAY,
        BtfKind::Struct => k::BTF_KIND_STRUCT,
        BtfKind::Union => k::BTF_KIND_UNION,
        BtfKind::Enum => k::BTF_KIND_ENUM,
        BtfKind::Fwd => k::BTF_KIND_FWD,
        BtfKind::Typedef => k::BTF_KIND_TYPEDEF,
        BtfKind::Volatile => k::BTF_KIND_VOLATILE,
        BtfKind::Const => k::BTF_KIND_CONST,
        BtfKind::Restrict => k::BTF_KIND_RESTRICT,
        BtfKind::Func => k::BTF_KIND_FUNC,
        BtfKind::FuncProto => k::BTF_KIND_FUNC_PROTO,
        BtfKind::Var => k::BTF_KIND_VAR,
        BtfKind::Datasec => k::BTF_KIND_DATASEC,
        BtfKind::Float => k::BTF_KIND_FLOAT,
        BtfKind::DeclTag => k::BTF_KIND_DECL_TAG,
        BtfKind::TypeTag => k::BTF_KIND_TYPE_TAG,
        BtfKind::Enum64 => k::BTF_KIND_ENUM64,
    }
}

/// BTF kept as the kernel or compiler wrote it, with the start of each type
/// record indexed: names and single records are read on demand, nothing is
/// decoded up front. Split BTF (a module's) continues its base's type ids and
/// string offsets. Little-endian only, like the rest of bpfpin.
pub struct RawTypes {
    raw: Vec<u8>,
    types: std::ops::Range<usize>,
    strings: std::ops::Range<usize>,
    /// Offset of each own type's record within the type section.
    offsets: Vec<u32>,
    /// Id of the first own type: 1, or the base's type count for split BTF.
    first_id: u32,
    /// String offset of the first own string: 0, or the base's string length.
    str_base: u32,
    base: Option<Arc<RawTypes>>,
}

impl std::fmt::Debug for RawTypes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawTypes").field("first_id", &self.first_id).field("types", &self.offsets.len()).finish()
    }
}

/// One type record: the common 12-byte header and what follows it.
#[derive(Debug, Clone, Copy)]
pub struct Rec<'a> {
    pub name_off: u32,
    pub kind: u32,
    pub vlen: u32,
    pub kflag: bool,
    /// `size` or `type`, by kind.
    pub size_or_type: u32,
    /// The kind-specific data after the header.
    pub extra: &'a [u8],
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl Rec<'_> {
    /// The `n`th u32 of the kind-specific data (0 when absent: callers index
    /// only within what `record_len` checked was there).
    pub fn word(&self, n: usize) -> u32 {
        le32(self.extra, n * 4).unwrap_or(0)
    }
}

/// Bytes of kind-specific data after the header.
fn extra_len(kind: u32, vlen: u32) -> Option<usize> {
    let vlen = vlen as usize;
    Some(match kind {
        k::BTF_KIND_INT | k::BTF_KIND_VAR | k::BTF_KIND_DECL_TAG => 4,
        k::BTF_KIND_ARRAY => 12,
        k::BTF_KIND_STRUCT | k::BTF_KIND_UNION | k::BTF_KIND_DATASEC | k::BTF_KIND_ENUM64 => 12 * vlen,
        k::BTF_KIND_ENUM | k::BTF_KIND_FUNC_PROTO => 8 * vlen,
        k::BTF_KIND_PTR
        | k::BTF_KIND_FWD
        | k::BTF_KIND_TYPEDEF
        | k::BTF_KIND_VOLATILE
        | k::BTF_KIND_CONST
        | k::BTF_KIND_RESTRICT
        | k::BTF_KIND_FUNC
        | k::BTF_KIND_FLOAT
        | k::BTF_KIND_TYPE_TAG => 0,
        _ => return None,
    })
}

impl RawTypes {
    /// Index `raw` (a whole BTF blob); `base` for split BTF.
    pub fn parse(raw: Vec<u8>, base: Option<Arc<RawTypes>>) -> Result<RawTypes> {
        let s = crate::btf::raw::sections(&raw)?;
        let start = |part: &[u8]| part.as_ptr() as usize - raw.as_ptr() as usize;
        let types = start(s.types)..start(s.types) + s.types.len();
        let strings = start(s.strings)..start(s.strings) + s.strings.len();
        let data = s.types;
        let mut offsets = Vec::with_capacity(data.len() / 20);
        let mut pos = 0usize;
        while pos < data.len() {
            let info = le32(data, pos + 4).ok_or_else(|| anyhow!("BTF type section truncated at byte {pos}"))?;
            let kind = (info >> 24) & 0x1f;
            let extra = extra_len(kind, info & 0xffff)
                .ok_or_else(|| anyhow!("unknown BTF kind {kind} at byte {pos} of the type section"))?;
            let next = pos + 12 + extra;
            ensure!(next <= data.len(), "BTF type section truncated at byte {pos}");
            offsets.push(u32::try_from(pos).context("BTF type section too large")?);
            pos = next;
        }
        let (first_id, str_base) = match &base {
            Some(b) => (b.count(), b.str_end()),
            None => (1, 0),
        };
        Ok(RawTypes { raw, types, strings, offsets, first_id, str_base, base })
    }

    /// The whole blob as read.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Number of type ids, void and the base's included.
    pub fn count(&self) -> u32 {
        self.first_id + self.offsets.len() as u32
    }

    fn str_end(&self) -> u32 {
        self.str_base + self.strings.len() as u32
    }

    /// The record of type `id` (None for void and out-of-range ids).
    pub fn rec(&self, id: u32) -> Option<Rec<'_>> {
        if id < self.first_id {
            return self.base.as_ref()?.rec(id);
        }
        let off = *self.offsets.get((id - self.first_id) as usize)? as usize;
        self.rec_at(off)
    }

    fn rec_at(&self, off: usize) -> Option<Rec<'_>> {
        let data = self.raw.get(self.types.clone())?;
        let info = le32(data, off + 4)?;
        let (kind, vlen) = ((info >> 24) & 0x1f, info & 0xffff);
        let extra = data.get(off + 12..off + 12 + extra_len(kind, vlen)?)?;
        Some(Rec {
            name_off: le32(data, off)?,
            kind,
            vlen,
            kflag: info >> 31 == 1,
            size_or_type: le32(data, off + 8)?,
            extra,
        })
    }

    /// The NUL-terminated name at string offset `off` ("" when invalid).
    pub fn string(&self, off: u32) -> &str {
        if off < self.str_base {
            return self.base.as_ref().map_or("", |b| b.string(off));
        }
        let strings = self.raw.get(self.strings.clone()).unwrap_or(&[]);
        crate::btf::raw::name_at(strings, (off - self.str_base) as usize)
            .and_then(|n| std::str::from_utf8(n).ok())
            .unwrap_or("")
    }

    pub fn name(&self, id: u32) -> &str {
        self.rec(id).map_or("", |r| self.string(r.name_off))
    }

    /// Raw BTF_KIND_* of `id` (0 for void or a bad id).
    pub fn kind(&self, id: u32) -> u32 {
        self.rec(id).map_or(k::BTF_KIND_UNKN, |r| r.kind)
    }

    /// First own type (not the base's) named `name` of raw kind `kind`.
    pub fn find_own(&self, name: &str, kind: u32) -> Option<u32> {
        let strings = self.raw.get(self.strings.clone())?;
        let data = self.raw.get(self.types.clone())?;
        let want = name.as_bytes();
        self.offsets.iter().enumerate().find_map(|(i, &off)| {
            let off = off as usize;
            let info = le32(data, off + 4)?;
            if (info >> 24) & 0x1f != kind {
                return None;
            }
            let name_off = le32(data, off)?.checked_sub(self.str_base)? as usize;
            // Compare in place: most names differ in their first bytes, so
            // this never walks to their NUL.
            let rest = strings.get(name_off..)?;
            let same = rest.starts_with(want) && rest.get(want.len()) == Some(&0);
            same.then_some(self.first_id + i as u32)
        })
    }

    /// First type named `name` of `kind`, the base's included.
    pub fn find(&self, name: &str, kind: u32) -> Option<u32> {
        self.base.as_ref().and_then(|b| b.find(name, kind)).or_else(|| self.find_own(name, kind))
    }

    /// Skips typedefs, cv-qualifiers and type tags (libbpf's
    /// skip_mods_and_typedefs); None on a bad id or a cycle.
    pub fn skip_mods(&self, mut id: u32) -> Option<u32> {
        for _ in 0..64 {
            match self.kind(id) {
                k::BTF_KIND_TYPEDEF
                | k::BTF_KIND_VOLATILE
                | k::BTF_KIND_CONST
                | k::BTF_KIND_RESTRICT
                | k::BTF_KIND_TYPE_TAG => id = self.rec(id)?.size_or_type,
                _ => return Some(id),
            }
        }
        None
    }

    /// The (name offset, type) pairs of a FUNC_PROTO's parameters.
    pub fn params(&self, proto: u32) -> Vec<(u32, u32)> {
        let Some(r) = self.rec(proto).filter(|r| r.kind == k::BTF_KIND_FUNC_PROTO) else {
            return Vec::new();
        };
        (0..r.vlen as usize).map(|i| (r.word(2 * i), r.word(2 * i + 1))).collect()
    }

    /// The (type, offset, size) entries of a DATASEC.
    pub fn datasec_vars(&self, id: u32) -> Vec<(u32, u32, u32)> {
        let Some(r) = self.rec(id).filter(|r| r.kind == k::BTF_KIND_DATASEC) else {
            return Vec::new();
        };
        (0..r.vlen as usize).map(|i| (r.word(3 * i), r.word(3 * i + 1), r.word(3 * i + 2))).collect()
    }

    /// Every DATASEC id with its name.
    pub fn datasecs(&self) -> Vec<(u32, &str)> {
        (1..self.count()).filter(|&id| self.kind(id) == k::BTF_KIND_DATASEC).map(|id| (id, self.name(id))).collect()
    }

    /// Size of a type, through modifiers and VARs (libbpf's btf__resolve_size).
    pub fn size_of(&self, id: u32) -> Option<u32> {
        self.size_depth(id, 0)
    }

    fn size_depth(&self, id: u32, depth: usize) -> Option<u32> {
        if depth > 32 {
            return None;
        }
        let mut id = self.skip_mods(id)?;
        if self.kind(id) == k::BTF_KIND_VAR {
            id = self.skip_mods(self.rec(id)?.size_or_type)?;
        }
        let r = self.rec(id)?;
        match r.kind {
            k::BTF_KIND_INT
            | k::BTF_KIND_STRUCT
            | k::BTF_KIND_UNION
            | k::BTF_KIND_ENUM
            | k::BTF_KIND_ENUM64
            | k::BTF_KIND_FLOAT
            | k::BTF_KIND_DATASEC => Some(r.size_or_type),
            k::BTF_KIND_PTR => Some(8),
            k::BTF_KIND_ARRAY => self.size_depth(r.word(0), depth + 1)?.checked_mul(r.word(2)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn have_kernel_btf() -> bool {
        std::path::Path::new(VMLINUX).exists()
    }

    #[test]
    fn version_triple_as_scanf_reads_it() {
        assert_eq!(version_triple("6.18.44-fc-v973"), Some((6 << 16) + (18 << 8) + 44));
        assert_eq!(version_triple("4.19.300"), Some((4 << 16) + (19 << 8) + 255));
        assert_eq!(version_triple("5.15"), None);
        assert_eq!(version_triple("x"), None);
    }

    #[test]
    fn kallsyms_lines() {
        let text = "ffffffff81000000 T _text\nffffffff81000010 t foo\t[mod]\nffffffff82000000 d bar.llvm.123\n\
                    ffffffff82000008 D xbar\n";
        assert_eq!(kallsyms_lookup(text, "_text").unwrap(), Some(0xffffffff81000000));
        assert_eq!(kallsyms_lookup(text, "foo").unwrap(), Some(0xffffffff81000010));
        assert_eq!(kallsyms_lookup(text, "bar").unwrap(), Some(0xffffffff82000000));
        assert_eq!(kallsyms_lookup(text, "ba").unwrap(), None);
        assert_eq!(kallsyms_lookup(text, "text").unwrap(), None);
        let twice = "ffffffff81000000 t dup\nffffffff81000040 t dup\n";
        assert!(kallsyms_lookup(twice, "dup").is_err());
    }

    #[test]
    fn gunzip_skips_a_named_header() {
        // `gzip -9` of "CONFIG_A=y\n# CONFIG_B is not set\n", file name "cfg" in the header.
        let gz = [
            0x1f, 0x8b, 0x08, 0x08, 0x19, 0xa5, 0x0e, 0x6b, 0x02, 0x03, 0x63, 0x66, 0x67, 0x00, 0x73, 0xf6, 0xf7, 0x73,
            0xf3, 0x74, 0x8f, 0x77, 0xb4, 0xad, 0xe4, 0x52, 0x56, 0x70, 0x86, 0x70, 0x9c, 0x14, 0x32, 0x8b, 0x15, 0xf2,
            0xf2, 0x4b, 0x14, 0x8a, 0x53, 0x4b, 0xb8, 0x00, 0x4e, 0x69, 0xdc, 0xb3, 0x21, 0x00, 0x00, 0x00,
        ];
        assert_eq!(gunzip(&gz).unwrap(), b"CONFIG_A=y\n# CONFIG_B is not set\n");
        assert!(gunzip(&gz[..12]).is_err());
        assert!(gunzip(b"CONFIG_A=y").is_err());
    }

    #[test]
    fn kconfig_lines() {
        let m = parse_kconfig("# comment\nCONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=\"x y\"\nCONFIG_D=0x10\n");
        assert_eq!(m.get("CONFIG_A").map(String::as_str), Some("y"));
        assert!(!m.contains_key("CONFIG_B"));
        assert_eq!(m.get("CONFIG_C").map(String::as_str), Some("\"x y\""));
        assert_eq!(m.get("CONFIG_D").map(String::as_str), Some("0x10"));
    }

    #[test]
    fn running_kernel_types() {
        if !have_kernel_btf() {
            return;
        }
        let kernel = Kernel::new();
        for (name, kind) in [
            ("do_unlinkat", BtfKind::Func),
            ("btf_trace_sched_switch", BtfKind::Typedef),
            ("bpf_lsm_file_open", BtfKind::Func),
            ("bpf_iter_task", BtfKind::Func),
            ("bpf_task_acquire", BtfKind::Func),
            ("runqueues", BtfKind::Var),
            ("task_struct", BtfKind::Struct),
        ] {
            let t = kernel.find(name, kind).unwrap().unwrap_or_else(|| panic!("{name} not found"));
            assert!(t.module.is_none(), "{name}");
            let types = kernel.types_of(&t).unwrap();
            assert_eq!(types.name(t.id), name);
            assert_eq!(types.kind(t.id), raw_kind(kind));
            // The decoded BTF agrees with the raw index.
            let btf = kernel.vmlinux().unwrap();
            assert_eq!(btf.type_name(t.id), Some(name));
            assert_eq!(btf.kind(t.id), Some(kind));
        }
        assert!(kernel.find("bpfpin_no_such_function", BtfKind::Func).unwrap().is_none());
        let unlinkat = kernel.find("do_unlinkat", BtfKind::Func).unwrap().unwrap().id;
        let target = |t: &str, prefix: &str, kind| kernel.find_target(t, prefix, kind).unwrap().map(|t| t.id);
        assert_eq!(target("do_unlinkat", "", BtfKind::Func), Some(unlinkat));
        assert_eq!(target("vmlinux:do_unlinkat", "", BtfKind::Func), Some(unlinkat));
        assert_eq!(target("bpfpin_no_such_module:do_unlinkat", "", BtfKind::Func), None);
        let tp = kernel.find("btf_trace_sched_switch", BtfKind::Typedef).unwrap().unwrap().id;
        assert_eq!(target("sched_switch", "btf_trace_", BtfKind::Typedef), Some(tp));
        assert!(target("file_open", "bpf_lsm_", BtfKind::Func).is_some());
        assert!(target("task", "bpf_iter_", BtfKind::Func).is_some());
        let rq = kernel.find("rq", BtfKind::Struct).unwrap().unwrap();
        assert_eq!(kernel.types_of(&rq).unwrap().size_of(rq.id), kernel.vmlinux().unwrap().type_size(rq.id));
    }

    #[test]
    fn module_types_when_loaded() {
        let Ok(dir) = std::fs::read_dir("/sys/kernel/btf") else { return };
        let module =
            dir.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).find(|n| n != "vmlinux");
        let Some(module) = module else {
            eprintln!("no module BTF on this kernel: module lookup not exercised");
            return;
        };
        let kernel = Kernel::new();
        let raw = std::fs::read(format!("/sys/kernel/btf/{module}")).unwrap();
        let own = RawTypes::parse(raw, Some(kernel.vmlinux_types().unwrap().clone())).unwrap();
        // A named struct or function that only the module defines.
        let (id, kind) = (own.first_id..own.count())
            .map(|id| (id, own.kind(id)))
            .find(|&(id, kind)| {
                matches!(kind, k::BTF_KIND_FUNC | k::BTF_KIND_STRUCT)
                    && !own.name(id).is_empty()
                    && kernel.vmlinux_types().unwrap().find_own(own.name(id), kind).is_none()
            })
            .unwrap();
        let name = own.name(id).to_string();
        let kind = if kind == k::BTF_KIND_FUNC { BtfKind::Func } else { BtfKind::Struct };
        let t = kernel.find(&name, kind).unwrap().unwrap();
        let m = t.module.clone().unwrap();
        assert_eq!(kernel.types_of(&t).unwrap().name(t.id), name);
        assert!(m.btf_obj_id > 0);
        eprintln!("{name} found in module {} (BTF object {})", m.name, m.btf_obj_id);
    }

    #[test]
    fn split_types_continue_the_base() {
        if !have_kernel_btf() {
            return;
        }
        let kernel = Kernel::new();
        let base = kernel.vmlinux_types().unwrap().clone();
        // A module-like split blob: one struct whose name is its own first string.
        let strings = b"\0bpfpin_mod_struct\0";
        let mut types = Vec::new();
        for word in [base.str_end() + 1, k::BTF_KIND_STRUCT << 24, 4] {
            types.extend_from_slice(&u32::to_le_bytes(word));
        }
        let mut raw = vec![0x9f, 0xeb, 1, 0, 24, 0, 0, 0];
        for word in [0, types.len() as u32, types.len() as u32, strings.len() as u32] {
            raw.extend_from_slice(&word.to_le_bytes());
        }
        raw.extend_from_slice(&types);
        raw.extend_from_slice(strings);
        let split = RawTypes::parse(raw, Some(base.clone())).unwrap();
        let id = split.find_own("bpfpin_mod_struct", k::BTF_KIND_STRUCT).unwrap();
        assert_eq!(id, base.count());
        assert_eq!(split.count(), base.count() + 1);
        assert_eq!(split.size_of(id), Some(4));
        // Base ids and names still answer through the split view.
        let rq = base.find_own("rq", k::BTF_KIND_STRUCT).unwrap();
        assert_eq!(split.name(rq), "rq");
        assert_eq!(split.find("rq", k::BTF_KIND_STRUCT), Some(rq));
        assert_eq!(split.find_own("rq", k::BTF_KIND_STRUCT), None);
    }

    #[test]
    fn module_btf_objects_match_sysfs() {
        let Ok(dir) = std::fs::read_dir("/sys/kernel/btf") else { return };
        let mut sysfs: Vec<String> = dir
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "vmlinux")
            .collect();
        let mut listed: Vec<String> = crate::sys::btf_obj::module_btfs().unwrap().into_iter().map(|m| m.name).collect();
        sysfs.sort();
        listed.sort();
        assert_eq!(listed, sysfs);
    }

    #[test]
    fn kconfig_and_version() {
        let kernel = Kernel::new();
        let readable = std::path::Path::new(PROC_CONFIG).exists()
            || std::path::Path::new(&format!("/boot/config-{}", release())).exists();
        if !readable {
            assert!(kernel.kconfig().is_err());
            return;
        }
        let cfg = kernel.kconfig().unwrap();
        assert_eq!(cfg.get("CONFIG_BPF").map(String::as_str), Some("y"));
        assert!(!kernel.kconfig_source().unwrap().is_empty());
        let v = kernel.version_code();
        let rel = release();
        let mut nums = rel.split(|c: char| !c.is_ascii_digit()).map(|n| n.parse::<u32>().unwrap_or(0));
        let (a, b, c) = (nums.next().unwrap(), nums.next().unwrap(), nums.next().unwrap());
        assert_eq!(v, (a << 16) + (b << 8) + c.min(255), "{rel}");
    }

    #[test]
    fn kallsyms_of_running_kernel() {
        let kernel = Kernel::new();
        let Some(addr) = kernel.ksym_address("do_unlinkat").unwrap() else { return };
        assert!(addr != 0 || crate::sys::euid() != 0);
        assert_eq!(kernel.ksym_address("do_unlinkat").unwrap(), Some(addr));
        assert_eq!(kernel.ksym_address("bpfpin_no_such_symbol").unwrap(), None);
    }

    /// `cargo test --lib loader::kernel::tests::timing -- --ignored --nocapture`:
    /// what a vmlinux lookup costs with the raw index and with a full parse.
    #[test]
    #[ignore]
    fn timing() {
        let t0 = std::time::Instant::now();
        let raw = std::fs::read(VMLINUX).unwrap();
        let t1 = std::time::Instant::now();
        let full = Btf::parse(&raw).unwrap();
        let t2 = std::time::Instant::now();
        let _ = full.find_by_name_kind("bpf_task_acquire", BtfKind::Func);
        let t3 = std::time::Instant::now();
        let idx = RawTypes::parse(raw.clone(), None).unwrap();
        let t4 = std::time::Instant::now();
        let _ = idx.find_own("bpf_task_acquire", k::BTF_KIND_FUNC);
        let t5 = std::time::Instant::now();
        eprintln!(
            "read {:?}; Btf::parse {:?} + find {:?}; RawTypes index {:?} + find {:?} ({} types)",
            t1 - t0,
            t2 - t1,
            t3 - t2,
            t4 - t3,
            t5 - t4,
            idx.count()
        );
    }
}
