//! Stage `externs` of the loader (see mod.rs): the object's undefined
//! symbols that are `.kconfig` variables, `.ksyms` variables or kfuncs,
//! found and resolved against the running kernel the way libbpf does it
//! (bpf_object__collect_externs / __resolve_externs): the `.kconfig` map's
//! layout and bytes, kallsyms addresses for typeless ksyms, kernel BTF ids
//! (vmlinux or a module's) for typed ksyms and kfuncs, and zero for `__weak`
//! externs the kernel lacks. aya-obj 0.3 has no externs at all.
//!
//! The object's BTF is read here from its `.BTF` section as raw types
//! (`kernel::RawTypes`): the decoded `crate::btf::Btf` keeps VAR/FUNC
//! linkage, DATASEC entries and prototypes private, and these are exactly
//! what extern resolution needs.

use std::collections::HashSet;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use aya_obj::generated as k;
use object::read::elf::{ElfFile64, Sym as _};
use object::{Object as _, ObjectSection as _};

use super::kernel::{Kernel, ModuleBtf, RawTypes};
use crate::btf::BtfKind;
use crate::error::UserError;

const KCONFIG_SEC: &str = ".kconfig";
const KSYMS_SEC: &str = ".ksyms";
/// Largest `.kconfig` extern accepted (libbpf has no limit; real ones are
/// at most a few hundred bytes).
const MAX_KCONFIG_VALUE: u32 = 64 * 1024;
/// libbpf's imm base for a call to an unresolved weak kfunc (see `Resolved::Missing`).
pub const POISON_KFUNC_CALL_BASE: i32 = 2_002_000_000;
/// BPF_JMP | BPF_CALL: the opcode of a call instruction.
const CALL_OPCODE: u8 = 0x85;

/// One extern of the object.
#[derive(Debug, Clone)]
pub struct Extern {
    pub name: String,
    /// ELF symbol index (what relocations name).
    pub symbol: usize,
    pub weak: bool,
    /// The extern's VAR or FUNC id in the object's BTF (what btf_fixup
    /// turns into an allocated variable / global function).
    pub btf_id: u32,
    pub kind: ExternKind,
    /// The object's BTF, for type checks against the kernel's.
    local: Arc<RawTypes>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternKind {
    /// A `.kconfig` variable at `offset` of the `.kconfig` map's value.
    Kconfig { btf_type: u32, offset: u32, size: u32, ty: KconfigType },
    /// A `.ksyms` variable: typeless (`extern const void x __ksym`,
    /// resolved through kallsyms) or typed (the variable's type after
    /// modifiers, resolved through kernel BTF).
    Ksym { btf_type: Option<u32> },
    /// A `__ksym` function; `btf_func` is its FUNC id in the object's BTF.
    Kfunc { btf_func: u32 },
}

/// What a `.kconfig` variable can hold (libbpf's kcfg_type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KconfigType {
    Bool,
    /// `enum libbpf_tristate`: 0 no, 1 yes, 2 module.
    Tristate,
    Char,
    Int {
        signed: bool,
    },
    /// `char NAME[N]` for string options, NUL-terminated and truncated to fit.
    CharArray,
}

/// How one extern resolved, in the order of `collect`'s result.
#[derive(Debug, Clone)]
pub enum Resolved {
    /// ld_imm64 → BPF_PSEUDO_MAP_VALUE of the `.kconfig` map at this offset.
    KconfigOffset(u32),
    /// A typeless ksym: its kallsyms address is the ld_imm64 constant.
    Address(u64),
    /// A typed ksym: ld_imm64 src_reg BPF_PSEUDO_BTF_ID, imm `btf_id`, and in
    /// the second slot's imm the module's BTF fd (0 for vmlinux).
    BtfVar { btf_id: u32, module: Option<ModuleBtf> },
    /// A kfunc: call src_reg BPF_PSEUDO_KFUNC_CALL, imm `btf_id`, off the
    /// module BTF fd's index in fd_array (0 for vmlinux; libbpf gives each
    /// module its own slot from 1 on). An ld_imm64 of it
    /// (`bpf_ksym_exists(f)`) is relocated like `BtfVar`.
    Kfunc { btf_id: u32, module: Option<ModuleBtf> },
    /// `__weak` and absent from the kernel (or, for a weak kfunc, present
    /// with another prototype): a variable, or an address taken of it
    /// (`bpf_ksym_exists(f)`), is the constant 0. A call to it must be dead
    /// code. libbpf 1.1 left such a call as a kfunc call with imm 0, off 0
    /// (the kernel accepts that only where the verifier removes it as
    /// dead); since 1.2 it "poisons" it into an invalid helper call (code
    /// BPF_JMP|BPF_CALL, src_reg 0, off 0, imm `POISON_KFUNC_CALL_BASE` +
    /// the extern's index), so that a reachable call fails with
    /// `invalid func unknown#2002000NNN`, which the loader can map back to
    /// the extern's name.
    Missing,
}

fn user(msg: String, fix: &str) -> anyhow::Error {
    UserError::new(msg, fix).into()
}

/// The object's externs, in symbol table order: undefined global or weak
/// symbols without a type (what clang emits for `extern`), each matched to
/// its BTF VAR or FUNC and the section it was declared in. A plain
/// `extern int f(int);` that is called but not a kfunc is refused here by
/// name, instead of reaching the verifier as a broken call.
pub fn collect(elf: &ElfFile64<'_>) -> Result<Vec<Extern>> {
    let endian = elf.endian();
    let symtab = elf.elf_symbol_table();
    let mut candidates = Vec::new();
    for (index, sym) in symtab.symbols().iter().enumerate() {
        let bind = sym.st_bind();
        let undefined = sym.st_shndx(endian) == object::elf::SHN_UNDEF;
        if !undefined
            || !(bind == object::elf::STB_GLOBAL || bind == object::elf::STB_WEAK)
            || sym.st_type() != object::elf::STT_NOTYPE
        {
            continue;
        }
        let name = symtab.symbol_name(endian, sym).context("reading an extern's symbol name")?;
        if name.is_empty() {
            continue;
        }
        let name = String::from_utf8_lossy(name).into_owned();
        candidates.push((index, name, bind == object::elf::STB_WEAK));
    }
    if candidates.is_empty() {
        return Ok(Vec::new());
    }

    let btf_data = match elf.section_by_name(".BTF") {
        Some(s) => Some(s.data().context("reading the object's .BTF section")?),
        None => None,
    };
    let Some(btf_data) = btf_data else {
        let (index, name, _) = &candidates[0];
        if called_symbols(elf).contains(index) {
            return Err(undefined_function(name));
        }
        return Err(user(
            format!("extern `{name}` has no BTF: the object was built without -g"),
            "rebuild it with `clang -O2 -g -target bpf -c FILE.c` so externs carry their types",
        ));
    };
    let local = Arc::new(RawTypes::parse(btf_data.to_vec(), None).context("reading the object's .BTF section")?);
    let sections = local.datasecs();

    let mut externs = Vec::new();
    for (symbol, name, weak) in candidates {
        let btf_id = find_extern_btf(&local, &name)?;
        let is_func = local.kind(btf_id) == k::BTF_KIND_FUNC;
        let section = sections
            .iter()
            .find(|(sec, _)| local.datasec_vars(*sec).iter().any(|&(ty, _, _)| ty == btf_id))
            .map(|&(_, n)| n);
        let kind = match section {
            Some(KCONFIG_SEC) if is_func => {
                return Err(user(
                    format!("extern function `{name}` is declared in {KCONFIG_SEC}"),
                    "only variables can be __kconfig: declare kernel functions __ksym",
                ));
            }
            Some(KCONFIG_SEC) => kconfig_kind(&local, btf_id, &name)?,
            Some(KSYMS_SEC) if is_func => ExternKind::Kfunc { btf_func: btf_id },
            Some(KSYMS_SEC) => {
                let var_type = local.rec(btf_id).map_or(0, |r| r.size_or_type);
                let ty = local.skip_mods(var_type).ok_or_else(|| anyhow!("extern `{name}`: malformed BTF type"))?;
                ExternKind::Ksym { btf_type: (ty != 0).then_some(ty) }
            }
            None if is_func => return Err(undefined_function(&name)),
            None => {
                return Err(user(
                    format!("extern variable `{name}` is neither __kconfig nor __ksym"),
                    "declare it `extern ... __kconfig` (a kernel config option) or `__ksym` (a kernel \
                     symbol), or define it in this object",
                ));
            }
            Some(other) => {
                return Err(user(
                    format!("extern `{name}` is in section `{other}`, which is not an extern section"),
                    "declare externs `__kconfig` (.kconfig) or `__ksym` (.ksyms)",
                ));
            }
        };
        externs.push(Extern { name, symbol, weak, btf_id, kind, local: local.clone() });
    }
    lay_out_kconfig(&mut externs);
    Ok(externs)
}

fn undefined_function(name: &str) -> anyhow::Error {
    user(
        format!("undefined extern function `{name}`: the object calls it but does not define it"),
        "define the function in this object, link the objects that define it first (`bpftool gen object`), \
         or declare it `__ksym` if it is a kernel function (kfunc)",
    )
}

/// Symbol indexes that some call instruction is relocated against.
fn called_symbols(elf: &ElfFile64<'_>) -> HashSet<usize> {
    let mut called = HashSet::new();
    for section in elf.sections() {
        let Ok(code) = section.data() else { continue };
        for (offset, reloc) in section.relocations() {
            let object::RelocationTarget::Symbol(sym) = reloc.target() else { continue };
            let opcode = usize::try_from(offset).ok().and_then(|o| code.get(o));
            if opcode == Some(&CALL_OPCODE) {
                called.insert(sym.0);
            }
        }
    }
    called
}

/// libbpf's find_extern_btf_id: the first VAR or FUNC of that name, which
/// must have extern linkage.
fn find_extern_btf(local: &RawTypes, name: &str) -> Result<u32> {
    for id in 1..local.count() {
        let Some(r) = local.rec(id) else { continue };
        if !(r.kind == k::BTF_KIND_VAR || r.kind == k::BTF_KIND_FUNC) || local.string(r.name_off) != name {
            continue;
        }
        let extern_linkage = if r.kind == k::BTF_KIND_VAR {
            r.word(0) == k::BTF_VAR_GLOBAL_EXTERN
        } else {
            r.vlen == k::btf_func_linkage::BTF_FUNC_EXTERN as u32
        };
        if !extern_linkage {
            bail!(UserError::new(
                format!("symbol `{name}` is undefined in the ELF file but its BTF does not declare it extern"),
                "rebuild the object with `clang -O2 -g -target bpf -c FILE.c`",
            ));
        }
        return Ok(id);
    }
    Err(user(
        format!("extern `{name}` has no BTF description in the object"),
        "rebuild it with `clang -O2 -g -target bpf -c FILE.c` so externs carry their types",
    ))
}

fn kconfig_kind(local: &RawTypes, var: u32, name: &str) -> Result<ExternKind> {
    let btf_type = local.rec(var).map_or(0, |r| r.size_or_type);
    let unsupported = || {
        user(
            format!("extern `{name}` (__kconfig) has a type libbpf cannot fill"),
            "declare it bool, enum libbpf_tristate, char, an integer of 1, 2, 4 or 8 bytes, or char[N]",
        )
    };
    let ty = kconfig_type(local, btf_type, 0).ok_or_else(unsupported)?;
    let size = local.size_of(btf_type).filter(|&s| s > 0).ok_or_else(unsupported)?;
    // Kconfig values are a few bytes; a huge char array is a malformed
    // object, not a reason to allocate its size.
    if size > MAX_KCONFIG_VALUE {
        return Err(user(
            format!("extern `{name}` (__kconfig) is {size} bytes, more than the {MAX_KCONFIG_VALUE} bpfpin allows"),
            "declare string options as a char array of at most a few hundred bytes",
        ));
    }
    Ok(ExternKind::Kconfig { btf_type, offset: 0, size, ty })
}

/// libbpf's find_kcfg_type.
fn kconfig_type(local: &RawTypes, id: u32, depth: usize) -> Option<KconfigType> {
    let id = local.skip_mods(id)?;
    let r = local.rec(id)?;
    match r.kind {
        k::BTF_KIND_INT => {
            let encoding = (r.word(0) >> 24) & 0xf;
            let size = r.size_or_type;
            if encoding & k::BTF_INT_BOOL != 0 {
                return (size == 1).then_some(KconfigType::Bool);
            }
            if size == 1 {
                return Some(KconfigType::Char);
            }
            (matches!(size, 2 | 4 | 8)).then_some(KconfigType::Int { signed: encoding & k::BTF_INT_SIGNED != 0 })
        }
        k::BTF_KIND_ENUM | k::BTF_KIND_ENUM64 => {
            let size_ok = r.kind == k::BTF_KIND_ENUM64 || r.size_or_type == 4;
            (size_ok && local.string(r.name_off) == "libbpf_tristate").then_some(KconfigType::Tristate)
        }
        k::BTF_KIND_ARRAY if depth == 0 => {
            let (elem, nelems) = (r.word(0), r.word(2));
            (nelems > 0 && kconfig_type(local, elem, depth + 1) == Some(KconfigType::Char))
                .then_some(KconfigType::CharArray)
        }
        _ => None,
    }
}

/// libbpf's btf__align_of for the types a kconfig extern may have.
fn kconfig_align(local: &RawTypes, btf_type: u32) -> u32 {
    let mut id = btf_type;
    for _ in 0..4 {
        let Some(r) = local.skip_mods(id).and_then(|i| local.rec(i)) else { return 1 };
        if r.kind == k::BTF_KIND_ARRAY {
            id = r.word(0);
            continue;
        }
        return r.size_or_type.clamp(1, 8);
    }
    1
}

/// Offsets in the `.kconfig` value, as libbpf lays it out: by alignment
/// (largest first), then size (smallest first), then name, each at the
/// next offset aligned for it.
fn lay_out_kconfig(externs: &mut [Extern]) {
    let mut order: Vec<usize> =
        (0..externs.len()).filter(|&i| matches!(externs[i].kind, ExternKind::Kconfig { .. })).collect();
    let key = |e: &Extern| match e.kind {
        ExternKind::Kconfig { btf_type, size, .. } => (kconfig_align(&e.local, btf_type), size),
        _ => (1, 0),
    };
    order.sort_by(|&a, &b| {
        let ((align_a, size_a), (align_b, size_b)) = (key(&externs[a]), key(&externs[b]));
        align_b.cmp(&align_a).then(size_a.cmp(&size_b)).then_with(|| externs[a].name.cmp(&externs[b].name))
    });
    let mut end = 0u32;
    for i in order {
        let (align, _) = key(&externs[i]);
        if let ExternKind::Kconfig { offset, size, .. } = &mut externs[i].kind {
            // Bounded: at most one extern per symbol, each ≤ MAX_KCONFIG_VALUE.
            *offset = end.div_ceil(align).saturating_mul(align);
            end = offset.saturating_add(*size);
        }
    }
}

/// Size of the `.kconfig` map's value (0: the object has no `.kconfig` map).
pub fn kconfig_size(externs: &[Extern]) -> u32 {
    externs
        .iter()
        .filter_map(|e| match e.kind {
            ExternKind::Kconfig { offset, size, .. } => Some(offset.saturating_add(size)),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// The `.kconfig` map's value: every `CONFIG_*` extern from the kernel's
/// configuration, the virtual `LINUX_*` ones computed, missing `__weak`
/// ones left 0.
pub fn kconfig_data(externs: &[Extern], kernel: &Kernel) -> Result<Vec<u8>> {
    let size = kconfig_size(externs);
    if size > 16 * MAX_KCONFIG_VALUE {
        return Err(user(
            format!("the object's __kconfig externs take {size} bytes"),
            "declare fewer or smaller __kconfig externs",
        ));
    }
    let mut data = vec![0u8; size as usize];
    for e in externs {
        let ExternKind::Kconfig { offset, size, ty, .. } = e.kind else { continue };
        let slot = data
            .get_mut(offset as usize..offset as usize + size as usize)
            .ok_or_else(|| anyhow!("extern `{}` lies outside the .kconfig value", e.name))?;
        if e.name.starts_with("CONFIG_") {
            let config = kernel.kconfig()?;
            match config.get(&e.name) {
                Some(value) => set_config_value(e, ty, slot, value)?,
                None if e.weak => {}
                None => {
                    return Err(user(
                        format!("kernel config option `{}` is not set in {}", e.name, kernel.kconfig_source()?),
                        "mark the extern __weak to read 0 when the option is unset, or run on a kernel built \
                         with it",
                    ));
                }
            }
            continue;
        }
        let value = match e.name.as_str() {
            "LINUX_KERNEL_VERSION" => match kernel.version_code() {
                0 => bail!(UserError::new(
                    "cannot tell the running kernel's version for LINUX_KERNEL_VERSION",
                    "check that /proc/sys/kernel/osrelease reads like 6.1.0",
                )),
                v => u64::from(v),
            },
            "LINUX_HAS_BPF_COOKIE" => u64::from(has_bpf_cookie(kernel)?),
            "LINUX_HAS_SYSCALL_WRAPPER" => u64::from(has_syscall_wrapper(kernel)?),
            _ if e.name.starts_with("LINUX_") && e.weak => continue,
            _ => {
                return Err(user(
                    format!(
                        "extern `{}` (__kconfig) is neither a CONFIG_ option nor a LINUX_ value bpfpin knows",
                        e.name
                    ),
                    "use CONFIG_* names, LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE or LINUX_HAS_SYSCALL_WRAPPER, \
                     or mark an unknown LINUX_* extern __weak",
                ));
            }
        };
        set_number(e, ty, slot, value)?;
    }
    Ok(data)
}

/// The kernel has bpf_get_attach_cookie (the helper libbpf probes for).
fn has_bpf_cookie(kernel: &Kernel) -> Result<bool> {
    let types = kernel.vmlinux_types()?;
    let Some(id) = types.find("bpf_func_id", k::BTF_KIND_ENUM) else { return Ok(false) };
    let Some(r) = types.rec(id) else { return Ok(false) };
    Ok((0..r.vlen as usize).any(|i| types.string(r.word(2 * i)) == "BPF_FUNC_get_attach_cookie"))
}

/// System calls enter through arch-prefixed wrappers (`__x64_sys_bpf`).
fn has_syscall_wrapper(kernel: &Kernel) -> Result<bool> {
    let prefix = match std::env::consts::ARCH {
        "x86_64" => "__x64_",
        "x86" => "__ia32_",
        "aarch64" => "__arm64_",
        "s390x" => "__s390x_",
        "riscv64" => "__riscv_",
        "powerpc64" => "",
        "loongarch64" => "",
        _ => "",
    };
    if prefix.is_empty() {
        return Ok(false);
    }
    Ok(kernel.ksym_address(&format!("{prefix}sys_bpf"))?.is_some())
}

fn bad_value(e: &Extern, value: &str, wants: &str) -> anyhow::Error {
    user(
        format!("kernel config option `{}` is `{value}`, which does not fit its extern's type", e.name),
        &format!("declare `{}` as {wants}", e.name),
    )
}

/// libbpf's bpf_object__process_kconfig_line for one value.
fn set_config_value(e: &Extern, ty: KconfigType, slot: &mut [u8], value: &str) -> Result<()> {
    let first = value.as_bytes().first().copied();
    match first {
        Some(c @ (b'y' | b'n' | b'm')) => {
            let v = match (ty, c) {
                (KconfigType::Bool, b'm') => return Err(bad_value(e, value, "enum libbpf_tristate or char")),
                (KconfigType::Bool | KconfigType::Tristate, b'y') => 1,
                (KconfigType::Bool | KconfigType::Tristate, b'n') => 0,
                (KconfigType::Tristate, _) => 2,
                (KconfigType::Char, c) => u64::from(c),
                _ => return Err(bad_value(e, value, "bool, enum libbpf_tristate or char")),
            };
            write_le(slot, v);
            Ok(())
        }
        Some(b'"') => {
            if ty != KconfigType::CharArray {
                return Err(bad_value(e, value, "a char array"));
            }
            let inner = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .ok_or_else(|| bad_value(e, value, "a char array (the value is not a quoted string)"))?;
            let n = inner.len().min(slot.len().saturating_sub(1));
            slot.fill(0);
            slot[..n].copy_from_slice(&inner.as_bytes()[..n]);
            Ok(())
        }
        _ => {
            let n =
                parse_c_integer(value).ok_or_else(|| bad_value(e, value, "an integer (the value is not a number)"))?;
            if !matches!(ty, KconfigType::Int { .. } | KconfigType::Char) {
                return Err(bad_value(e, value, "an integer"));
            }
            set_number(e, ty, slot, n)
        }
    }
}

/// libbpf's set_kcfg_value_num: an integer, char or bool extern, the value
/// range-checked against its size.
fn set_number(e: &Extern, ty: KconfigType, slot: &mut [u8], v: u64) -> Result<()> {
    let fits = match ty {
        KconfigType::Bool => v <= 1,
        KconfigType::Int { .. } | KconfigType::Char => {
            let bits = slot.len() as u32 * 8;
            let signed = matches!(ty, KconfigType::Int { signed: true });
            bits >= 64 || if signed { v.wrapping_add(1u64 << (bits - 1)) < (1u64 << bits) } else { v >> bits == 0 }
        }
        _ => return Err(bad_value(e, &v.to_string(), "an integer, char or bool")),
    };
    if !fits {
        return Err(bad_value(e, &v.to_string(), "a wider integer"));
    }
    write_le(slot, v);
    Ok(())
}

fn write_le(slot: &mut [u8], v: u64) {
    let bytes = v.to_le_bytes();
    let n = slot.len().min(8);
    slot[..n].copy_from_slice(&bytes[..n]);
}

/// strtoull(value, &end, 0) that must consume everything: 0x hex, 0 octal,
/// decimal, an optional sign (negative values wrap, as in C).
fn parse_c_integer(value: &str) -> Option<u64> {
    let (neg, s) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value.strip_prefix('+').unwrap_or(value)),
    };
    let n = if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()?
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()?
    } else {
        s.parse::<u64>().ok()?
    };
    Some(if neg { n.wrapping_neg() } else { n })
}

/// libbpf's bpf_core_essential_name_len: `name___flavor` → `name`.
fn essential_name(name: &str) -> &str {
    let b = name.as_bytes();
    if b.len() < 5 {
        return name;
    }
    for i in (0..=b.len() - 5).rev() {
        if b[i] != b'_' && &b[i + 1..i + 4] == b"___" && b[i + 4] != b'_' {
            return &name[..=i];
        }
    }
    name
}

/// Every extern resolved against the running kernel, in `externs`' order.
pub fn resolve(externs: &[Extern], kernel: &Kernel) -> Result<Vec<Resolved>> {
    externs.iter().map(|e| resolve_one(e, kernel)).collect()
}

fn resolve_one(e: &Extern, kernel: &Kernel) -> Result<Resolved> {
    match e.kind {
        ExternKind::Kconfig { offset, .. } => Ok(Resolved::KconfigOffset(offset)),
        ExternKind::Ksym { btf_type: None } => match kernel.ksym_address(&e.name)? {
            Some(addr) => Ok(Resolved::Address(addr)),
            None if e.weak => Ok(Resolved::Missing),
            None => Err(user(
                format!("kernel symbol `{}` (__ksym) is not in /proc/kallsyms", e.name),
                "check the name against /proc/kallsyms, or mark the extern __weak to read 0 when it is missing",
            )),
        },
        ExternKind::Ksym { btf_type: Some(local_type) } => {
            let Some(t) = kernel.find(&e.name, BtfKind::Var)? else {
                return if e.weak {
                    Ok(Resolved::Missing)
                } else {
                    Err(user(
                        format!("kernel variable `{}` (__ksym) is not in the kernel's BTF", e.name),
                        "check the name (bpftool btf dump file /sys/kernel/btf/vmlinux), or mark the extern \
                         __weak to read 0 when it is missing",
                    ))
                };
            };
            let types = kernel.types_of(&t)?;
            let var_type = types.rec(t.id).map_or(0, |r| r.size_or_type);
            let target = types.skip_mods(var_type).unwrap_or(0);
            if !compatible(&e.local, local_type, types, target, 32) {
                return Err(user(
                    format!(
                        "kernel variable `{}` is `{}` in {}, but the object declares it `{}`",
                        e.name,
                        describe(types, target),
                        origin(&t.module),
                        describe(&e.local, local_type),
                    ),
                    "declare the extern with the kernel's type (vmlinux.h, from `bpftool btf dump file \
                     /sys/kernel/btf/vmlinux format c`)",
                ));
            }
            Ok(Resolved::BtfVar { btf_id: t.id, module: t.module })
        }
        ExternKind::Kfunc { btf_func } => {
            let lookup = essential_name(&e.name);
            let Some(t) = kernel.find(lookup, BtfKind::Func)? else {
                return if e.weak {
                    Ok(Resolved::Missing)
                } else {
                    Err(user(
                        format!("kfunc `{}` is not in the kernel's BTF (vmlinux or a module's)", e.name),
                        "check that this kernel has the kfunc (load its module if it lives in one), or declare it \
                         __weak and guard calls with bpf_ksym_exists()",
                    ))
                };
            };
            let types = kernel.types_of(&t)?;
            let local_proto = e.local.rec(btf_func).map_or(0, |r| r.size_or_type);
            let kernel_proto = types.rec(t.id).map_or(0, |r| r.size_or_type);
            if compatible(&e.local, local_proto, types, kernel_proto, 32) {
                return Ok(Resolved::Kfunc { btf_id: t.id, module: t.module });
            }
            if e.weak {
                return Ok(Resolved::Missing);
            }
            let detail = proto_mismatch(&e.local, local_proto, types, kernel_proto, lookup);
            Err(user(
                format!("kfunc `{}` does not match {}: {detail}", e.name, origin(&t.module)),
                "declare the kfunc with the kernel's prototype (vmlinux.h, from `bpftool btf dump file \
                 /sys/kernel/btf/vmlinux format c`)",
            ))
        }
    }
}

fn origin(module: &Option<ModuleBtf>) -> String {
    match module {
        None => "vmlinux".to_string(),
        Some(m) => format!("module {}", m.name),
    }
}

/// Where a kfunc's prototype differs from the kernel's, for the message.
fn proto_mismatch(local: &RawTypes, ours: u32, kernel: &RawTypes, theirs: u32, name: &str) -> String {
    let (a, b) = (local.params(ours), kernel.params(theirs));
    if a.len() != b.len() {
        return format!("the object declares {} parameters, the kernel's `{name}` takes {}", a.len(), b.len());
    }
    let differs = |x: u32, y: u32| match (local.skip_mods(x), kernel.skip_mods(y)) {
        (Some(x), Some(y)) => !compatible(local, x, kernel, y, 31),
        _ => true,
    };
    for (i, (&(_, x), &(_, y))) in a.iter().zip(&b).enumerate() {
        if differs(x, y) {
            return format!(
                "parameter {} is `{}` in the object, `{}` in the kernel",
                i + 1,
                describe(local, x),
                describe(kernel, y)
            );
        }
    }
    let (x, y) = (local.rec(ours).map_or(0, |r| r.size_or_type), kernel.rec(theirs).map_or(0, |r| r.size_or_type));
    format!("it returns `{}` in the object, `{}` in the kernel", describe(local, x), describe(kernel, y))
}

/// A C-like spelling of a type for messages (`struct rq`, `int`, `struct
/// task_struct *`); a struct only declared, never defined, is "incomplete".
fn describe(types: &RawTypes, id: u32) -> String {
    describe_depth(types, id, 0)
}

fn describe_depth(types: &RawTypes, id: u32, depth: usize) -> String {
    if depth > 8 {
        return "...".into();
    }
    let Some(id) = types.skip_mods(id) else { return "<malformed type>".into() };
    let Some(r) = types.rec(id) else { return "void".into() };
    let name = types.string(r.name_off);
    let name = if name.is_empty() { "(anon)" } else { name };
    match r.kind {
        k::BTF_KIND_PTR => format!("{} *", describe_depth(types, r.size_or_type, depth + 1)),
        k::BTF_KIND_ARRAY => format!("{}[{}]", describe_depth(types, r.word(0), depth + 1), r.word(2)),
        k::BTF_KIND_STRUCT => format!("struct {name}"),
        k::BTF_KIND_UNION => format!("union {name}"),
        k::BTF_KIND_ENUM | k::BTF_KIND_ENUM64 => format!("enum {name}"),
        k::BTF_KIND_FWD => format!("incomplete {} {name}", if r.kflag { "union" } else { "struct" }),
        k::BTF_KIND_FUNC_PROTO => "a function".into(),
        _ => name.to_string(),
    }
}

fn is_enum(kind: u32) -> bool {
    kind == k::BTF_KIND_ENUM || kind == k::BTF_KIND_ENUM64
}

fn kinds_compatible(a: u32, b: u32) -> bool {
    a == b || (is_enum(a) && is_enum(b))
}

/// libbpf's __bpf_core_types_are_compat: kinds must agree (any enum with
/// any enum) through pointers, arrays and prototypes (same parameter count,
/// each parameter and the return type compatible); structs, unions, enums
/// and forward declarations match by kind alone, integers unless one is a
/// legacy bitfield int.
fn compatible(local: &RawTypes, mut lid: u32, targ: &RawTypes, mut tid: u32, level: u32) -> bool {
    if !kinds_compatible(local.kind(lid), targ.kind(tid)) {
        return false;
    }
    for _ in 0..32 {
        let (Some(l), Some(t)) = (local.skip_mods(lid), targ.skip_mods(tid)) else { return false };
        (lid, tid) = (l, t);
        let (lk, tk) = (local.kind(lid), targ.kind(tid));
        if !kinds_compatible(lk, tk) {
            return false;
        }
        let (Some(lr), Some(tr)) = (local.rec(lid), targ.rec(tid)) else {
            // Both void.
            return lk == k::BTF_KIND_UNKN;
        };
        match lk {
            k::BTF_KIND_STRUCT | k::BTF_KIND_UNION | k::BTF_KIND_ENUM | k::BTF_KIND_ENUM64 | k::BTF_KIND_FWD => {
                return true;
            }
            k::BTF_KIND_INT => return (lr.word(0) >> 16) & 0xff == 0 && (tr.word(0) >> 16) & 0xff == 0,
            k::BTF_KIND_PTR => (lid, tid) = (lr.size_or_type, tr.size_or_type),
            k::BTF_KIND_ARRAY => (lid, tid) = (lr.word(0), tr.word(0)),
            k::BTF_KIND_FUNC_PROTO => {
                let (lp, tp) = (local.params(lid), targ.params(tid));
                if lp.len() != tp.len() {
                    return false;
                }
                for (&(_, a), &(_, b)) in lp.iter().zip(&tp) {
                    if level == 0 {
                        return false;
                    }
                    let (Some(a), Some(b)) = (local.skip_mods(a), targ.skip_mods(b)) else { return false };
                    if !compatible(local, a, targ, b, level - 1) {
                        return false;
                    }
                }
                (lid, tid) = (lr.size_or_type, tr.size_or_type);
            }
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREAMBLE: &str =
        "#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nchar LICENSE[] SEC(\"license\") = \"GPL\";\n";

    /// Compiles `src` with clang under /tmp; None where clang or libbpf's
    /// headers are missing (the test then checks nothing).
    fn compile(tag: &str, src: &str) -> Option<Vec<u8>> {
        compile_with(tag, src, &["-g"])
    }

    fn compile_with(tag: &str, src: &str, flags: &[&str]) -> Option<Vec<u8>> {
        let dir = std::env::temp_dir().join(format!("bpfpin-externs-{}-{tag}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let c = dir.join(format!("{tag}.c"));
        let o = dir.join(format!("{tag}.o"));
        std::fs::write(&c, format!("{PREAMBLE}{src}")).ok()?;
        let mut cmd = std::process::Command::new("clang");
        cmd.args(["-O2", "-target", "bpf", "-c"]).args(flags).arg(&c).arg("-o").arg(&o);
        for inc in ["/usr/include/x86_64-linux-gnu", "/usr/include/aarch64-linux-gnu"] {
            if std::path::Path::new(inc).exists() {
                cmd.arg(format!("-I{inc}"));
            }
        }
        let status = cmd.status().ok()?;
        let bytes = status.success().then(|| std::fs::read(&o).ok()).flatten();
        let _ = std::fs::remove_dir_all(&dir);
        if bytes.is_none() {
            eprintln!("clang could not build {tag}.c: extern test skipped");
        }
        bytes
    }

    fn externs_of(obj: &[u8]) -> Result<Vec<Extern>> {
        let elf = ElfFile64::<object::Endianness>::parse(obj).unwrap();
        collect(&elf)
    }

    fn msg(e: &anyhow::Error) -> String {
        e.chain().map(ToString::to_string).collect::<Vec<_>>().join(": ")
    }

    const ALL: &str = r#"
extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF __kconfig;
extern int CONFIG_HZ __kconfig;
extern char CONFIG_LOCALVERSION[16] __kconfig;
extern enum libbpf_tristate CONFIG_BPF_SYSCALL __kconfig;
extern _Bool CONFIG_BPFPIN_NOPE __kconfig __weak;
extern unsigned long long CONFIG_NR_CPUS __kconfig;
extern const void do_unlinkat __ksym;
struct rq { int x; };
extern const struct rq runqueues __ksym;
struct task_struct { int pid; };
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern int bpfpin_no_such_kfunc(int x) __ksym __weak;
__u64 out[8];
SEC("tp_btf/sched_switch")
int prog(void *ctx)
{
	out[0] = LINUX_KERNEL_VERSION;
	out[1] = CONFIG_BPF + CONFIG_HZ + CONFIG_LOCALVERSION[1] + CONFIG_BPF_SYSCALL + CONFIG_BPFPIN_NOPE + CONFIG_NR_CPUS;
	out[2] = (__u64)&do_unlinkat;
	out[3] = (__u64)bpf_this_cpu_ptr(&runqueues);
	struct task_struct *t = bpf_task_acquire((void *)bpf_get_current_task_btf());
	if (t) bpf_task_release(t);
	if (bpfpin_no_such_kfunc)
		out[4] = bpfpin_no_such_kfunc(1);
	return 0;
}
"#;

    #[test]
    fn collects_and_lays_out_like_libbpf() {
        let Some(obj) = compile("all", ALL) else { return };
        let externs = externs_of(&obj).unwrap();
        let by = |n: &str| externs.iter().find(|e| e.name == n).unwrap_or_else(|| panic!("{n} not collected"));
        // libbpf 1.1 (bpftool -d prog load) puts them at these offsets.
        for (name, off, ty) in [
            ("CONFIG_NR_CPUS", 0, KconfigType::Int { signed: false }),
            ("CONFIG_BPF_SYSCALL", 8, KconfigType::Tristate),
            ("CONFIG_HZ", 12, KconfigType::Int { signed: true }),
            ("LINUX_KERNEL_VERSION", 16, KconfigType::Int { signed: false }),
            ("CONFIG_BPF", 20, KconfigType::Bool),
            ("CONFIG_BPFPIN_NOPE", 21, KconfigType::Bool),
            ("CONFIG_LOCALVERSION", 22, KconfigType::CharArray),
        ] {
            let ExternKind::Kconfig { offset, ty: got, .. } = by(name).kind else { panic!("{name} not kconfig") };
            assert_eq!((offset, got), (off, ty), "{name}");
        }
        assert_eq!(kconfig_size(&externs), 38);
        assert!(by("CONFIG_BPFPIN_NOPE").weak && !by("CONFIG_BPF").weak);
        assert_eq!(by("do_unlinkat").kind, ExternKind::Ksym { btf_type: None });
        assert!(matches!(by("runqueues").kind, ExternKind::Ksym { btf_type: Some(_) }));
        assert!(matches!(by("bpf_task_acquire").kind, ExternKind::Kfunc { .. }));
        assert!(by("bpfpin_no_such_kfunc").weak);
        assert_eq!(externs.len(), 12);
        // Symbol indexes are the ELF's.
        let elf = ElfFile64::<object::Endianness>::parse(&*obj).unwrap();
        for e in &externs {
            let sym = elf.elf_symbol_table().symbol(object::SymbolIndex(e.symbol)).unwrap();
            assert_eq!(elf.elf_symbol_table().symbol_name(elf.endian(), sym).unwrap(), e.name.as_bytes());
        }
    }

    #[test]
    fn kconfig_bytes_match_the_running_kernel() {
        let Some(obj) = compile("kcfg", ALL) else { return };
        let kernel = Kernel::new();
        let Ok(cfg) = kernel.kconfig() else { return };
        let externs = externs_of(&obj).unwrap();
        let data = kconfig_data(&externs, &kernel).unwrap();
        assert_eq!(data.len(), 38);
        let u32_at = |o: usize| u32::from_le_bytes(data[o..o + 4].try_into().unwrap());
        let nr_cpus: u64 = cfg["CONFIG_NR_CPUS"].parse().unwrap();
        assert_eq!(u64::from_le_bytes(data[0..8].try_into().unwrap()), nr_cpus);
        let tri = match cfg.get("CONFIG_BPF_SYSCALL").map(String::as_str) {
            Some("y") => 1,
            Some("m") => 2,
            _ => 0,
        };
        assert_eq!(u32_at(8), tri);
        assert_eq!(i64::from(u32_at(12) as i32), cfg["CONFIG_HZ"].parse::<i64>().unwrap());
        assert_eq!(u32_at(16), kernel.version_code());
        assert_eq!(data[20], 1, "CONFIG_BPF=y");
        assert_eq!(data[21], 0, "weak, unset");
        let want = cfg.get("CONFIG_LOCALVERSION").map_or("", |v| v.trim_matches('"'));
        let got = &data[22..38];
        let n = want.len().min(15);
        assert_eq!(&got[..n], &want.as_bytes()[..n]);
        assert!(got[n..].iter().all(|&b| b == 0));
    }

    #[test]
    fn resolves_against_the_running_kernel() {
        if !std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
            return;
        }
        let Some(obj) = compile("resolve", ALL) else { return };
        let kernel = Kernel::new();
        let externs = externs_of(&obj).unwrap();
        let resolved = resolve(&externs, &kernel).unwrap();
        let find = |n: &str| kernel.find(n, BtfKind::Func).unwrap().unwrap().id;
        for (e, r) in externs.iter().zip(&resolved) {
            eprintln!("{} -> {r:?}", e.name);
            match (e.name.as_str(), r) {
                (_, Resolved::KconfigOffset(off)) => {
                    assert!(matches!(e.kind, ExternKind::Kconfig { offset, .. } if offset == *off))
                }
                ("do_unlinkat", Resolved::Address(a)) => {
                    assert_eq!(Some(*a), kernel.ksym_address("do_unlinkat").unwrap())
                }
                ("runqueues", Resolved::BtfVar { btf_id, module: None }) => {
                    assert_eq!(*btf_id, kernel.find("runqueues", BtfKind::Var).unwrap().unwrap().id)
                }
                ("bpf_task_acquire", Resolved::Kfunc { btf_id, module: None }) => {
                    assert_eq!(*btf_id, find("bpf_task_acquire"))
                }
                ("bpf_task_release", Resolved::Kfunc { btf_id, module: None }) => {
                    assert_eq!(*btf_id, find("bpf_task_release"))
                }
                ("bpfpin_no_such_kfunc", Resolved::Missing) => {}
                (n, r) => panic!("{n} resolved as {r:?}"),
            }
        }
    }

    #[test]
    fn plain_undefined_function_is_named() {
        let src =
            "extern int helper_elsewhere(int x);\nSEC(\"xdp\") int prog(void *ctx) { return helper_elsewhere(2); }\n";
        let Some(obj) = compile("undef", src) else { return };
        let err = externs_of(&obj).unwrap_err();
        assert!(msg(&err).contains("undefined extern function `helper_elsewhere`"), "{}", msg(&err));
        assert!(err.downcast_ref::<UserError>().is_some());
    }

    #[test]
    fn externs_without_btf_or_section() {
        let call =
            "extern int helper_elsewhere(int x);\nSEC(\"xdp\") int prog(void *ctx) { return helper_elsewhere(2); }\n";
        let read = "extern int some_var;\nSEC(\"xdp\") int prog(void *ctx) { return some_var; }\n";
        for (tag, src, flags, want) in [
            ("nog_call", call, &[][..], "undefined extern function `helper_elsewhere`"),
            ("nog_var", read, &[][..], "extern `some_var` has no BTF"),
            ("var", read, &["-g"][..], "extern variable `some_var` is neither __kconfig nor __ksym"),
        ] {
            let Some(obj) = compile_with(tag, src, flags) else { return };
            let err = externs_of(&obj).unwrap_err();
            assert!(msg(&err).contains(want), "{tag}: {}", msg(&err));
        }
        // No externs: nothing to do, with or without BTF.
        let plain = "SEC(\"xdp\") int prog(void *ctx) { return 2; }\n";
        let Some(obj) = compile_with("plain", plain, &[]) else { return };
        assert!(externs_of(&obj).unwrap().is_empty());
        assert_eq!(kconfig_size(&[]), 0);
    }

    #[test]
    fn strong_misses_and_mismatches_are_errors_naming_the_extern() {
        if !std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
            return;
        }
        let kernel = Kernel::new();
        let cases = [
            (
                "missing_config",
                "extern _Bool CONFIG_BPFPIN_NOPE __kconfig;\n__u64 out;\nSEC(\"xdp\") int prog(void *c) { out = CONFIG_BPFPIN_NOPE; return 2; }\n",
                "`CONFIG_BPFPIN_NOPE` is not set in",
            ),
            (
                "missing_kfunc",
                "extern int bpfpin_nope(int x) __ksym;\nSEC(\"xdp\") int prog(void *c) { return bpfpin_nope(1); }\n",
                "kfunc `bpfpin_nope` is not in the kernel's BTF",
            ),
            (
                "fwd_kfunc",
                "struct task_struct;\nextern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;\n__u64 out;\nSEC(\"xdp\") int prog(void *c) { out = (__u64)bpf_task_acquire(0); return 2; }\n",
                "parameter 1 is `incomplete struct task_struct *` in the object, `struct task_struct *` in the kernel",
            ),
            (
                "arity_kfunc",
                "struct task_struct { int pid; };\nextern struct task_struct *bpf_task_acquire(struct task_struct *p, int x) __ksym;\n__u64 out;\nSEC(\"xdp\") int prog(void *c) { out = (__u64)bpf_task_acquire(0, 1); return 2; }\n",
                "declares 2 parameters, the kernel's `bpf_task_acquire` takes 1",
            ),
            (
                "bool_m",
                "extern _Bool CONFIG_HZ __kconfig;\n__u64 out;\nSEC(\"xdp\") int prog(void *c) { out = CONFIG_HZ; return 2; }\n",
                "`CONFIG_HZ` is `",
            ),
            (
                "var_type",
                "struct rq { int x; };\nextern const int runqueues __ksym;\n__u64 out;\nSEC(\"xdp\") int prog(void *c) { out = (__u64)&runqueues; return 2; }\n",
                "kernel variable `runqueues` is `struct rq` in vmlinux, but the object declares it `int`",
            ),
        ];
        for (tag, src, want) in cases {
            let Some(obj) = compile(tag, src) else { return };
            let externs = externs_of(&obj).unwrap();
            let err = kconfig_data(&externs, &kernel).and_then(|_| resolve(&externs, &kernel)).unwrap_err();
            eprintln!("{tag}: {}", msg(&err));
            assert!(msg(&err).contains(want), "{tag}: {}", msg(&err));
            assert!(err.chain().any(|e| e.is::<UserError>()), "{tag}");
        }
    }

    #[test]
    fn virtual_linux_values() {
        if !std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
            return;
        }
        let src = "extern _Bool LINUX_HAS_BPF_COOKIE __kconfig;\nextern _Bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;\n\
                   extern int LINUX_BPFPIN_FUTURE __kconfig __weak;\n__u64 out;\n\
                   SEC(\"xdp\") int prog(void *c) { out = LINUX_HAS_BPF_COOKIE + LINUX_HAS_SYSCALL_WRAPPER + \
                   LINUX_BPFPIN_FUTURE; return 2; }\n";
        let Some(obj) = compile("virtual", src) else { return };
        let kernel = Kernel::new();
        let externs = externs_of(&obj).unwrap();
        let data = kconfig_data(&externs, &kernel).unwrap();
        let at = |n: &str| match externs.iter().find(|e| e.name == n).unwrap().kind {
            ExternKind::Kconfig { offset, .. } => offset as usize,
            _ => unreachable!(),
        };
        // This kernel (6.18) has attach cookies; x86_64 enters syscalls through __x64_ wrappers.
        assert_eq!(data[at("LINUX_HAS_BPF_COOKIE")], 1);
        if std::env::consts::ARCH == "x86_64" {
            assert_eq!(data[at("LINUX_HAS_SYSCALL_WRAPPER")], 1);
        }
        assert_eq!(data[at("LINUX_BPFPIN_FUTURE")..][..4], [0, 0, 0, 0]);

        let strong = "extern int LINUX_BPFPIN_FUTURE __kconfig;\n__u64 out;\n\
                      SEC(\"xdp\") int prog(void *c) { out = LINUX_BPFPIN_FUTURE; return 2; }\n";
        let Some(obj) = compile("virtual_strong", strong) else { return };
        let err = kconfig_data(&externs_of(&obj).unwrap(), &kernel).unwrap_err();
        assert!(msg(&err).contains("`LINUX_BPFPIN_FUTURE` (__kconfig) is neither"), "{}", msg(&err));
    }

    /// An extern for the value setters, which read only its name.
    fn named(name: &str) -> Extern {
        // A BTF header with empty type and string sections.
        let mut raw = vec![0x9f, 0xeb, 1, 0, 24, 0, 0, 0];
        raw.extend_from_slice(&[0; 16]);
        let local = Arc::new(RawTypes::parse(raw, None).unwrap());
        Extern {
            name: name.into(),
            symbol: 1,
            weak: false,
            btf_id: 1,
            kind: ExternKind::Ksym { btf_type: None },
            local,
        }
    }

    #[test]
    fn config_values_as_libbpf_sets_them() {
        let e = named("CONFIG_X");
        let set = |ty, len: usize, v: &str| {
            let mut slot = vec![0xaau8; len];
            set_config_value(&e, ty, &mut slot, v).map(|()| slot)
        };
        assert_eq!(set(KconfigType::Tristate, 4, "m").unwrap(), [2, 0, 0, 0]);
        assert_eq!(set(KconfigType::Tristate, 4, "n").unwrap(), [0, 0, 0, 0]);
        assert_eq!(set(KconfigType::Bool, 1, "y").unwrap(), [1]);
        assert!(set(KconfigType::Bool, 1, "m").is_err());
        assert_eq!(set(KconfigType::Char, 1, "m").unwrap(), [b'm']);
        assert!(set(KconfigType::Int { signed: false }, 4, "y").is_err());
        assert_eq!(set(KconfigType::CharArray, 4, "\"abcdef\"").unwrap(), *b"abc\0");
        assert_eq!(set(KconfigType::CharArray, 8, "\"ab\"").unwrap(), *b"ab\0\0\0\0\0\0");
        assert!(set(KconfigType::CharArray, 8, "\"ab").is_err());
        assert!(set(KconfigType::Int { signed: false }, 4, "\"ab\"").is_err());
        assert_eq!(set(KconfigType::Int { signed: false }, 4, "0x10").unwrap(), [16, 0, 0, 0]);
        assert!(set(KconfigType::Int { signed: false }, 2, "70000").is_err());
        assert_eq!(set(KconfigType::Int { signed: true }, 2, "-1").unwrap(), [0xff, 0xff]);
        assert!(set(KconfigType::Int { signed: true }, 2, "40000").is_err());
        assert!(set(KconfigType::Bool, 1, "1").is_err(), "libbpf: a number implies an integer type");
        assert_eq!(set(KconfigType::Int { signed: false }, 8, "18446744073709551615").unwrap(), [0xff; 8]);
    }

    #[test]
    fn c_integers_and_flavours() {
        assert_eq!(parse_c_integer("250"), Some(250));
        assert_eq!(parse_c_integer("0x1F"), Some(31));
        assert_eq!(parse_c_integer("010"), Some(8));
        assert_eq!(parse_c_integer("0"), Some(0));
        assert_eq!(parse_c_integer("-1"), Some(u64::MAX));
        assert_eq!(parse_c_integer("12a"), None);
        assert_eq!(essential_name("bpf_rdonly_cast___v2"), "bpf_rdonly_cast");
        assert_eq!(essential_name("a___b"), "a");
        // libbpf wants exactly three underscores between non-underscores.
        assert_eq!(essential_name("a____b"), "a____b");
        assert_eq!(essential_name("__x"), "__x");
        assert_eq!(essential_name("plain"), "plain");
    }
}
