//! Stage `core` of the loader (see mod.rs): BPF CO-RE relocations, applied
//! the way libbpf applies them (its relo_core.c and the candidate search in
//! libbpf.c, read for behaviour; this is our own code).
//!
//! Replaces aya-obj 0.3's engine, which refuses accesses past a flexible
//! last array member (`ctx->args[i]` on `struct syscall_trace_enter`:
//! "invalid access string `0:2:1` … array index out of bounds") and names
//! no type in its errors.
//!
//! For each `.BTF.ext` core_relo record: the local type (the object's BTF)
//! and its access string make a *spec*; every kernel type with the same
//! *essential* name (the name without a `___flavor` suffix) and a
//! compatible kind is a *candidate*, looked up in vmlinux first and in
//! module BTFs only when vmlinux has none. The spec is matched against each
//! candidate; all matching candidates must agree (else the relocation is
//! ambiguous), and matching narrows the candidate list for later
//! relocations of the same local type. With no match, the existence kinds
//! give 0 and the other kinds poison the instruction (a call to helper
//! 0xbad2310) so that only a reachable use fails, in the verifier.

use std::collections::HashMap;

use anyhow::{Result, anyhow, bail, ensure};
use aya_obj::generated::{self as k, bpf_core_relo_kind as rk, bpf_insn};

use crate::btf::{Btf, BtfKind, raw};
use crate::error::UserError;

/// One record of .BTF.ext's core_relo subsection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreRelo {
    /// Byte offset of the instruction in its ELF section.
    pub insn_off: u32,
    /// Local (object BTF) type id the access string starts from.
    pub type_id: u32,
    /// The access string, e.g. `0:2:1`.
    pub access: String,
    /// A `bpf_core_relo_kind`.
    pub kind: u32,
}

/// The imm of the helper call that replaces an instruction whose
/// relocation found no target: the verifier reports `invalid func
/// unknown#195896080` only when that instruction is reachable.
pub const POISON_IMM: i32 = 0xbad2310;

/// An instruction `relocate` poisoned, for explaining a verifier rejection
/// at it (`insn` indexes the instructions given to `relocate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poisoned {
    pub insn: usize,
    /// e.g. "field byte offset of struct task_struct, access `0:12`: no matching field in the kernel's BTF".
    pub why: String,
}

/// libbpf's limit on a spec's depth (BPF_CORE_SPEC_MAX_LEN).
const SPEC_MAX_LEN: usize = 64;
/// libbpf's recursion limits for type compatibility and matching.
const COMPAT_LEVEL: i32 = 32;
const COMPAT_DEPTH: usize = 32;

const FIX_REBUILD: &str = "rebuild the object with `clang -O2 -g -target bpf -c FILE.c` (a clang that emits \
                           CO-RE relocations, 10 or newer) and without post-processing its .BTF/.BTF.ext";

/// Every core_relo record of a .BTF.ext blob, by ELF section name.
pub fn parse_relos(btf_ext: &[u8], local: &Btf) -> Result<HashMap<String, Vec<CoreRelo>>> {
    // The one .BTF.ext reader (link.rs, which also moves func/line info);
    // here only the access strings are looked up.
    let malformed = |what: String| {
        anyhow::Error::new(UserError::new(format!("the object's .BTF.ext is malformed: {what}"), FIX_REBUILD))
    };
    let parts = raw::ext_subsections(btf_ext)
        .ok_or_else(|| malformed("bad magic, or a subsection lies outside the section".into()))?;
    let mut out: HashMap<String, Vec<CoreRelo>> = HashMap::new();
    // Headers shorter than 32 bytes predate CO-RE and have no third subsection.
    let Some(&(_, sub)) = parts.get(2) else {
        return Ok(out);
    };
    let core = super::link::records::<4>(sub, local, "core_relo").map_err(|e| malformed(format!("{e:#}")))?;
    for (sec, recs) in core {
        let mut list = Vec::with_capacity(recs.len());
        for (i, [insn_off, type_id, access_off, kind]) in recs.into_iter().enumerate() {
            let access = local.string_at(access_off).ok_or_else(|| {
                malformed(format!(
                    "section {sec}: core_relo record {i} has access string offset {access_off} out of range"
                ))
            })?;
            list.push(CoreRelo { insn_off, type_id, access: access.to_string(), kind });
        }
        out.insert(sec, list);
    }
    Ok(out)
}

/// Applies relocations to a program's instructions; `relos` gives each
/// record with the instruction index it applies to. `targets`: vmlinux
/// first, then module BTFs (split BTF whose ids continue after vmlinux's).
pub fn relocate(
    insns: &mut [bpf_insn],
    relos: &[(usize, &CoreRelo)],
    local: &Btf,
    targets: &[&Btf],
    prog_name: &str,
) -> Result<()> {
    relocate_with(insns, relos, local, targets, prog_name, &mut Candidates::new()).map(|_| ())
}

/// `relocate` with candidate lists shared across the programs of one
/// object (see `Candidates`; pass the same `targets` each time), also returning the instructions it poisoned
/// and why, so that a verifier rejection at one (`invalid func
/// unknown#195896080`) can be explained in the relocation's terms.
pub fn relocate_with(
    insns: &mut [bpf_insn],
    relos: &[(usize, &CoreRelo)],
    local: &Btf,
    targets: &[&Btf],
    prog_name: &str,
    cands: &mut Candidates,
) -> Result<Vec<Poisoned>> {
    let mut poisoned = Vec::new();
    if targets.is_empty() && relos.iter().any(|(_, r)| r.kind != rk::BPF_CORE_TYPE_ID_LOCAL) {
        // libbpf refuses too: without kernel BTF every field would be poisoned.
        return Err(UserError::new(
            format!("program {prog_name} has CO-RE relocations, but the kernel has no BTF to resolve them against"),
            "boot a kernel built with CONFIG_DEBUG_INFO_BTF=y (it provides /sys/kernel/btf/vmlinux)",
        )
        .into());
    }
    cands.add(relos, local, targets);
    for (relo_idx, &(insn_idx, relo)) in relos.iter().enumerate() {
        let what = || describe(local, relo);
        let res = resolve(relo, local, targets, cands).map_err(|e| fail(e, prog_name, relo_idx, &what()))?;
        if let Some(why) = patch(insns, insn_idx, &res).map_err(|e| fail(e, prog_name, relo_idx, &what()))? {
            poisoned.push(Poisoned { insn: insn_idx, why: format!("{}: {why}", what()) });
        }
    }
    Ok(poisoned)
}

/// The relocation kinds, as `bpf_core_relo_kind` numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    FieldByteOffset,
    FieldByteSize,
    FieldExists,
    FieldSigned,
    FieldLshiftU64,
    FieldRshiftU64,
    TypeIdLocal,
    TypeIdTarget,
    TypeExists,
    TypeSize,
    EnumvalExists,
    EnumvalValue,
    TypeMatches,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Field,
    Type,
    Enumval,
}

impl Kind {
    fn from_raw(raw: u32) -> Option<Kind> {
        use Kind::*;
        Some(match raw {
            rk::BPF_CORE_FIELD_BYTE_OFFSET => FieldByteOffset,
            rk::BPF_CORE_FIELD_BYTE_SIZE => FieldByteSize,
            rk::BPF_CORE_FIELD_EXISTS => FieldExists,
            rk::BPF_CORE_FIELD_SIGNED => FieldSigned,
            rk::BPF_CORE_FIELD_LSHIFT_U64 => FieldLshiftU64,
            rk::BPF_CORE_FIELD_RSHIFT_U64 => FieldRshiftU64,
            rk::BPF_CORE_TYPE_ID_LOCAL => TypeIdLocal,
            rk::BPF_CORE_TYPE_ID_TARGET => TypeIdTarget,
            rk::BPF_CORE_TYPE_EXISTS => TypeExists,
            rk::BPF_CORE_TYPE_SIZE => TypeSize,
            rk::BPF_CORE_ENUMVAL_EXISTS => EnumvalExists,
            rk::BPF_CORE_ENUMVAL_VALUE => EnumvalValue,
            rk::BPF_CORE_TYPE_MATCHES => TypeMatches,
            _ => return None,
        })
    }

    /// As the bpf_core_read.h macro that emits it reads.
    fn describe(self) -> &'static str {
        use Kind::*;
        match self {
            FieldByteOffset => "field byte offset",
            FieldByteSize => "field byte size",
            FieldExists => "field exists",
            FieldSigned => "field signedness",
            FieldLshiftU64 => "field left shift",
            FieldRshiftU64 => "field right shift",
            TypeIdLocal => "local type id",
            TypeIdTarget => "target type id",
            TypeExists => "type exists",
            TypeSize => "type size",
            EnumvalExists => "enum value exists",
            EnumvalValue => "enum value",
            TypeMatches => "type matches",
        }
    }

    fn class(self) -> Class {
        use Kind::*;
        match self {
            FieldByteOffset | FieldByteSize | FieldExists | FieldSigned | FieldLshiftU64 | FieldRshiftU64 => {
                Class::Field
            }
            TypeIdLocal | TypeIdTarget | TypeExists | TypeSize | TypeMatches => Class::Type,
            EnumvalExists | EnumvalValue => Class::Enumval,
        }
    }
}

/// "field byte offset of struct foo, access `0:1`" (kind, local type, access string).
fn describe(local: &Btf, relo: &CoreRelo) -> String {
    let kind = Kind::from_raw(relo.kind).map_or_else(|| format!("unknown kind {}", relo.kind), |k| k.describe().into());
    format!("{kind} of {}, access `{}`", local.kind_and_name(relo.type_id), relo.access)
}

/// Wraps a relocation's failure so it names the program and the relocation;
/// the cause's UserError (and its fix) stays in the chain.
fn fail(e: anyhow::Error, prog: &str, relo_idx: usize, what: &str) -> anyhow::Error {
    let e = if e.chain().any(|c| c.is::<UserError>()) {
        e
    } else {
        anyhow::Error::new(UserError::new(format!("{e:#}"), FIX_REBUILD))
    };
    e.context(format!("program {prog}: CO-RE relocation #{relo_idx} ({what})"))
}

/// BTF's kind-compatibility rule for candidates: the same kind, or both enums.
fn kind_compat(a: Option<BtfKind>, b: Option<BtfKind>) -> bool {
    let is_enum = |k| matches!(k, Some(BtfKind::Enum | BtfKind::Enum64));
    a == b || (is_enum(a) && is_enum(b))
}

/// A name up to its last `X___Y` flavor separator (X and Y not `_`):
/// `task_struct___v2` → `task_struct`.
fn essential_name(name: &str) -> &str {
    let b = name.as_bytes();
    if b.len() >= 5 {
        for i in (0..=b.len() - 5).rev() {
            if b[i] != b'_' && b[i + 1] == b'_' && b[i + 2] == b'_' && b[i + 3] == b'_' && b[i + 4] != b'_' {
                return &name[..=i];
            }
        }
    }
    name
}

/// A type in one of the targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cand {
    btf: usize,
    id: u32,
}

/// The candidate lists of one object's relocations, by local type id.
/// libbpf keeps one per object: the list found for a local type serves
/// every program, and the matches of one relocation narrow it for the
/// next. Passing the same `Candidates` to `relocate_with` for each program
/// of an object does the same, and scans the kernel's BTF once per local
/// type instead of once per program.
#[derive(Debug, Default)]
pub struct Candidates {
    lists: HashMap<u32, Vec<Cand>>,
}

impl Candidates {
    pub fn new() -> Candidates {
        Candidates::default()
    }

    /// Finds the candidates of the local types of `relos` not looked up
    /// yet: one scan of vmlinux for all of them, then one of the modules'
    /// own types for those vmlinux has none of (module types are not
    /// candidates when vmlinux has one, as with libbpf).
    fn add(&mut self, relos: &[(usize, &CoreRelo)], local: &Btf, targets: &[&Btf]) {
        let mut wanted: HashMap<&str, Vec<u32>> = HashMap::new();
        for (_, r) in relos {
            if r.kind == rk::BPF_CORE_TYPE_ID_LOCAL || self.lists.contains_key(&r.type_id) {
                continue;
            }
            self.lists.insert(r.type_id, Vec::new());
            match local.type_name(r.type_id) {
                Some(name) if !name.is_empty() => wanted.entry(essential_name(name)).or_default().push(r.type_id),
                _ => {}
            }
        }
        let Some((vmlinux, modules)) = targets.split_first() else {
            return;
        };
        if wanted.is_empty() {
            return;
        }
        self.scan(vmlinux, 0, 1, &wanted, local);
        wanted.retain(|_, ids| {
            ids.retain(|id| self.lists.get(id).is_none_or(|c| c.is_empty()));
            !ids.is_empty()
        });
        if wanted.is_empty() {
            return;
        }
        for (i, m) in modules.iter().enumerate() {
            // A split module BTF repeats vmlinux's ids below vmlinux.len().
            let start = if m.len() > vmlinux.len() { vmlinux.len() } else { 1 };
            self.scan(m, i + 1, start, &wanted, local);
        }
    }

    fn scan(&mut self, target: &Btf, btf: usize, start: u32, wanted: &HashMap<&str, Vec<u32>>, local: &Btf) {
        // Kinds first: most of vmlinux is FUNCs and PTRs no relocation wants,
        // and a kind is cheaper to read than a name.
        let mut kinds: Vec<Option<BtfKind>> = wanted.values().flatten().map(|&l| local.kind(l)).collect();
        kinds.dedup();
        for id in start..target.len() {
            let kind = target.kind(id);
            if !kinds.iter().any(|&k| kind_compat(k, kind)) {
                continue;
            }
            let Some(name) = target.type_name(id).filter(|n| !n.is_empty()) else {
                continue;
            };
            let Some(locals) = wanted.get(essential_name(name)) else {
                continue;
            };
            for &l in locals {
                if kind_compat(kind, local.kind(l)) {
                    self.lists.entry(l).or_default().push(Cand { btf, id });
                }
            }
        }
    }
}

/// One level of a spec: a named member of the composite `type_id`, or
/// (no name) element `idx` of an array whose element type is `type_id`.
#[derive(Debug, Clone)]
struct Acc<'a> {
    type_id: u32,
    idx: u32,
    name: Option<&'a str>,
}

/// A relocation's access string resolved against one BTF: `accs` holds the
/// named members and array indices, `raw` every step including anonymous
/// members, `bit_offset` where the access lands from the root.
#[derive(Debug, Clone)]
struct Spec<'a> {
    btf: &'a Btf,
    root: u32,
    accs: Vec<Acc<'a>>,
    raw: Vec<u32>,
    bit_offset: u64,
}

impl Spec<'_> {
    /// Moves the access `n * bits` bits further. libbpf keeps bit offsets in
    /// 32 bits; anything past that is malformed BTF, not a real layout.
    fn advance(&mut self, n: u32, bits: u64) -> Result<()> {
        let next = u64::from(n).checked_mul(bits).and_then(|b| self.bit_offset.checked_add(b));
        self.bit_offset = next.filter(|&b| b <= u64::from(u32::MAX)).ok_or_else(|| anyhow!("offset past 4 GiB"))?;
        Ok(())
    }
}

/// Why a candidate's spec could not be built: the BTF is broken (an
/// error for the whole relocation), not merely a mismatch.
fn broken(what: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("{what}")
}

fn parse_spec<'a>(btf: &'a Btf, relo: &CoreRelo, kind: Kind) -> Result<Spec<'a>> {
    let bad = |why: &str| anyhow::Error::new(UserError::new(format!("invalid access string: {why}"), FIX_REBUILD));
    let s = relo.access.as_str();
    if s.is_empty() || s.starts_with(':') {
        return Err(bad("empty, or starts with `:`"));
    }
    let mut spec = Spec { btf, root: relo.type_id, accs: Vec::new(), raw: Vec::new(), bit_offset: 0 };
    if kind.class() == Class::Type {
        ensure!(s == "0", bad("type relocations take `0`"));
        btf.kind(relo.type_id).ok_or_else(|| bad("its type id is out of range"))?;
        return Ok(spec);
    }
    for part in s.split(':') {
        let idx: u32 = part.parse().map_err(|_| bad(&format!("`{part}` is not an index")))?;
        ensure!(spec.raw.len() < SPEC_MAX_LEN, bad("deeper than 64 levels"));
        spec.raw.push(idx);
    }
    let first = spec.raw.first().copied().ok_or_else(|| bad("no index"))?;
    let id = btf.resolve(relo.type_id).map_err(|e| bad(&e.to_string()))?;
    if kind.class() == Class::Enumval {
        let e = btf.enumerator(id, first).filter(|_| spec.raw.len() == 1);
        let e = e.ok_or_else(|| bad("enum value relocations take one enumerator index of an enum"))?;
        spec.accs.push(Acc { type_id: id, idx: first, name: Some(e.name) });
        return Ok(spec);
    }
    spec.accs.push(Acc { type_id: id, idx: first, name: None });
    let sz = btf.resolve_size(id).ok_or_else(|| bad(&format!("{} has no size", btf.kind_and_name(id))))?;
    spec.advance(first, u64::from(sz) * 8).map_err(|e| bad(&e.to_string()))?;
    let mut id = id;
    for (i, &idx) in spec.raw.clone().iter().enumerate().skip(1) {
        id = btf.resolve(id).map_err(|e| bad(&e.to_string()))?;
        if btf.is_composite(id) {
            let m =
                btf.member(id, idx).ok_or_else(|| bad(&format!("{} has no member #{idx}", btf.kind_and_name(id))))?;
            spec.advance(1, u64::from(m.bit_offset)).map_err(|e| bad(&e.to_string()))?;
            if !m.name.is_empty() {
                spec.accs.push(Acc { type_id: id, idx, name: Some(m.name) });
            }
            id = m.ty;
        } else if let Some(a) = btf.array(id) {
            id = btf.resolve(a.elem).map_err(|e| bad(&e.to_string()))?;
            let flex = spec.accs.last().is_some_and(|p| is_flex_arr(btf, p, a.nelems));
            ensure!(
                flex || idx < a.nelems,
                bad(&format!("index {idx} past the end of an array of {} (step {i})", a.nelems))
            );
            spec.accs.push(Acc { type_id: id, idx, name: None });
            let sz = btf.resolve_size(id).ok_or_else(|| bad(&format!("{} has no size", btf.kind_and_name(id))))?;
            spec.advance(idx, u64::from(sz) * 8).map_err(|e| bad(&e.to_string()))?;
        } else {
            return Err(bad(&format!(
                "step {i} indexes into {}, neither a struct, union nor array",
                btf.kind_and_name(id)
            )));
        }
    }
    Ok(spec)
}

/// A zero-length array that is the last member of its struct (`prev` being
/// the accessor of that member) may be indexed past its end, as libbpf allows.
fn is_flex_arr(btf: &Btf, prev: &Acc<'_>, nelems: u32) -> bool {
    prev.name.is_some() && nelems == 0 && prev.idx.checked_add(1) == Some(btf.vlen(prev.type_id))
}

/// Matches the local spec against candidate `targ_id`: `Ok(None)` when it
/// does not match, `Err` when the target BTF is broken.
fn match_spec<'a>(local: &Spec<'_>, kind: Kind, targ: &'a Btf, targ_id: u32) -> Result<Option<Spec<'a>>> {
    let mut ts = Spec { btf: targ, root: targ_id, accs: Vec::new(), raw: Vec::new(), bit_offset: 0 };
    match kind.class() {
        Class::Type => {
            let ok = if kind == Kind::TypeMatches {
                types_match(local.btf, local.root, targ, targ_id, false, COMPAT_LEVEL)?
            } else {
                types_are_compat(local.btf, local.root, targ, targ_id, COMPAT_LEVEL)?
            };
            return Ok(ok.then_some(ts));
        }
        Class::Enumval => {
            let id = targ.resolve(targ_id).map_err(broken)?;
            let Some(lname) = local.accs.first().and_then(|a| a.name) else {
                return Ok(None);
            };
            let lname = essential_name(lname);
            let Some(i) = targ.enumerators(id).position(|e| essential_name(e.name) == lname) else {
                return Ok(None);
            };
            let i = u32::try_from(i).map_err(broken)?;
            let name = targ.enumerator(id, i).map(|e| e.name);
            ts.accs.push(Acc { type_id: id, idx: i, name });
            ts.raw.push(i);
            return Ok(Some(ts));
        }
        Class::Field => {}
    }
    let mut targ_id = targ_id;
    for (i, lacc) in local.accs.iter().enumerate() {
        targ_id = targ.resolve(targ_id).map_err(broken)?;
        if lacc.name.is_some() {
            match match_member(local.btf, lacc, targ, targ_id, &mut ts)? {
                Some(next) => targ_id = next,
                None => return Ok(None),
            }
            continue;
        }
        if i > 0 {
            let Some(a) = targ.array(targ_id) else {
                return Ok(None);
            };
            let flex = ts.accs.last().is_some_and(|p| is_flex_arr(targ, p, a.nelems));
            if !flex && lacc.idx >= a.nelems {
                return Ok(None);
            }
            targ_id = targ.resolve(a.elem).map_err(broken)?;
        }
        ensure!(ts.raw.len() < SPEC_MAX_LEN, "the kernel's type nests deeper than 64 levels");
        ts.accs.push(Acc { type_id: targ_id, idx: lacc.idx, name: None });
        ts.raw.push(lacc.idx);
        let sz = targ
            .resolve_size(targ_id)
            .ok_or_else(|| anyhow!("kernel type {} has no size", targ.kind_and_name(targ_id)))?;
        ts.advance(lacc.idx, u64::from(sz) * 8)?;
    }
    Ok(Some(ts))
}

/// Finds the local named member `lacc` in the target composite `targ_id`,
/// looking through anonymous struct/union members; on success extends `ts`
/// and returns the target member's type.
fn match_member<'a>(
    local: &Btf,
    lacc: &Acc<'_>,
    targ: &'a Btf,
    targ_id: u32,
    ts: &mut Spec<'a>,
) -> Result<Option<u32>> {
    let targ_id = targ.resolve(targ_id).map_err(broken)?;
    if !targ.is_composite(targ_id) {
        return Ok(None);
    }
    let Some(lm) = local.member(lacc.type_id, lacc.idx) else {
        bail!("local member #{} of {} vanished", lacc.idx, local.kind_and_name(lacc.type_id));
    };
    for (i, m) in targ.members(targ_id).enumerate() {
        ensure!(ts.raw.len() < SPEC_MAX_LEN, "the kernel's type nests deeper than 64 levels");
        let i = u32::try_from(i).map_err(broken)?;
        ts.advance(1, u64::from(m.bit_offset))?;
        ts.raw.push(i);
        if m.name.is_empty() {
            if let Some(next) = match_member(local, lacc, targ, m.ty, ts)? {
                return Ok(Some(next));
            }
        } else if m.name == lm.name {
            if fields_are_compat(local, lm.ty, targ, m.ty)? {
                ts.accs.push(Acc { type_id: targ_id, idx: i, name: Some(m.name) });
                return Ok(Some(m.ty));
            }
            ts.bit_offset -= u64::from(m.bit_offset);
            ts.raw.pop();
            return Ok(None);
        }
        ts.bit_offset -= u64::from(m.bit_offset);
        ts.raw.pop();
    }
    Ok(None)
}

/// libbpf's field compatibility: any two structs/unions, any two pointers
/// or floats, enums/fwds of the same essential name (or one anonymous),
/// ints without a bit offset, arrays of compatible elements.
fn fields_are_compat(local: &Btf, lid: u32, targ: &Btf, tid: u32) -> Result<bool> {
    let (mut lid, mut tid) = (lid, tid);
    for _ in 0..COMPAT_DEPTH {
        lid = local.resolve(lid).map_err(broken)?;
        tid = targ.resolve(tid).map_err(broken)?;
        if local.is_composite(lid) && targ.is_composite(tid) {
            return Ok(true);
        }
        let lk = local.kind(lid);
        if !kind_compat(lk, targ.kind(tid)) {
            return Ok(false);
        }
        match lk {
            Some(BtfKind::Ptr | BtfKind::Float) => return Ok(true),
            Some(BtfKind::Fwd | BtfKind::Enum | BtfKind::Enum64) => {
                let ln = essential_name(local.type_name(lid).unwrap_or(""));
                let tn = essential_name(targ.type_name(tid).unwrap_or(""));
                return Ok(ln.is_empty() || tn.is_empty() || ln == tn);
            }
            Some(BtfKind::Int) => return Ok(int_offset(local, lid) == 0 && int_offset(targ, tid) == 0),
            Some(BtfKind::Array) => {
                let (Some(la), Some(ta)) = (local.array(lid), targ.array(tid)) else {
                    return Ok(false);
                };
                lid = la.elem;
                tid = ta.elem;
            }
            _ => return Ok(false),
        }
    }
    bail!("array types nest deeper than {COMPAT_DEPTH} levels")
}

fn int_offset(btf: &Btf, id: u32) -> u8 {
    btf.int(id).map_or(0, |i| i.offset)
}

/// libbpf's type compatibility (type exists/size/id relocations): kinds
/// must agree; structs, unions, enums and fwds are compatible by kind;
/// pointers and arrays by their targets; function prototypes by arity and
/// compatible parameter and return types.
fn types_are_compat(local: &Btf, lid: u32, targ: &Btf, tid: u32, level: i32) -> Result<bool> {
    if !kind_compat(local.kind(lid), targ.kind(tid)) {
        return Ok(false);
    }
    let (mut lid, mut tid) = (lid, tid);
    for _ in 0..COMPAT_DEPTH {
        lid = local.resolve(lid).map_err(broken)?;
        tid = targ.resolve(tid).map_err(broken)?;
        let lk = local.kind(lid);
        if !kind_compat(lk, targ.kind(tid)) {
            return Ok(false);
        }
        match lk {
            Some(BtfKind::Void | BtfKind::Struct | BtfKind::Union | BtfKind::Enum | BtfKind::Enum64 | BtfKind::Fwd) => {
                return Ok(true);
            }
            Some(BtfKind::Int) => return Ok(int_offset(local, lid) == 0 && int_offset(targ, tid) == 0),
            Some(BtfKind::Ptr) => {
                lid = local.ref_type(lid).unwrap_or(0);
                tid = targ.ref_type(tid).unwrap_or(0);
            }
            Some(BtfKind::Array) => {
                let (Some(la), Some(ta)) = (local.array(lid), targ.array(tid)) else {
                    return Ok(false);
                };
                lid = la.elem;
                tid = ta.elem;
            }
            Some(BtfKind::FuncProto) => {
                let (Some(lp), Some(tp)) = (local.func_params(lid), targ.func_params(tid)) else {
                    return Ok(false);
                };
                if lp.len() != tp.len() {
                    return Ok(false);
                }
                for (l, t) in lp.iter().zip(&tp) {
                    ensure!(level > 0, "function prototypes nest deeper than {COMPAT_LEVEL} levels");
                    let l = local.resolve(*l).map_err(broken)?;
                    let t = targ.resolve(*t).map_err(broken)?;
                    if !types_are_compat(local, l, targ, t, level - 1)? {
                        return Ok(false);
                    }
                }
                lid = local.ref_type(lid).unwrap_or(0);
                tid = targ.ref_type(tid).unwrap_or(0);
            }
            _ => return Ok(false),
        }
    }
    bail!("types nest deeper than {COMPAT_DEPTH} levels")
}

/// Names are equal ignoring flavors; an anonymous target matches only an anonymous local.
fn names_match(local: &str, targ: &str) -> bool {
    if targ.is_empty() {
        return local.is_empty();
    }
    essential_name(local) == essential_name(targ)
}

/// libbpf's stricter "type matches" relation (bpf_core_type_matches):
/// same kinds and names after typedefs and modifiers, every local member or
/// enumerator present in the target, ints of equal size and signedness,
/// arrays of equal length; behind a pointer a struct/union may meet a fwd.
fn types_match(local: &Btf, lid: u32, targ: &Btf, tid: u32, behind_ptr: bool, level: i32) -> Result<bool> {
    ensure!(level > 0, "types nest deeper than {COMPAT_LEVEL} levels");
    let (mut lid, mut tid, mut behind_ptr) = (lid, tid, behind_ptr);
    for _ in 0..COMPAT_DEPTH {
        lid = local.resolve(lid).map_err(broken)?;
        tid = targ.resolve(tid).map_err(broken)?;
        if !names_match(local.type_name(lid).unwrap_or(""), targ.type_name(tid).unwrap_or("")) {
            return Ok(false);
        }
        let (lk, tk) = (local.kind(lid), targ.kind(tid));
        let Some(lk) = lk else { bail!("local type id {lid} out of range") };
        match lk {
            BtfKind::Void => return Ok(Some(lk) == tk),
            BtfKind::Fwd => {
                let lu = local.fwd_is_union(lid) == Some(true);
                return Ok(match tk {
                    Some(BtfKind::Fwd) => targ.fwd_is_union(tid) == Some(lu),
                    Some(BtfKind::Struct) if behind_ptr => !lu,
                    Some(BtfKind::Union) if behind_ptr => lu,
                    _ => false,
                });
            }
            BtfKind::Enum | BtfKind::Enum64 => {
                if !targ.is_any_enum(tid) || local.own_size(lid) != targ.own_size(tid) {
                    return Ok(false);
                }
                let lv = local.vlen(lid);
                if lv > targ.vlen(tid) {
                    return Ok(false);
                }
                return Ok(local.enumerators(lid).all(|l| targ.enumerators(tid).any(|t| names_match(l.name, t.name))));
            }
            BtfKind::Struct | BtfKind::Union => {
                if behind_ptr {
                    return Ok(Some(lk) == tk
                        || (tk == Some(BtfKind::Fwd)
                            && (lk == BtfKind::Union) == (targ.fwd_is_union(tid) == Some(true))));
                }
                if Some(lk) != tk || local.vlen(lid) > targ.vlen(tid) {
                    return Ok(false);
                }
                for lm in local.members(lid) {
                    let mut matched = false;
                    for tm in targ.members(tid) {
                        if names_match(lm.name, tm.name)
                            && types_match(local, lm.ty, targ, tm.ty, behind_ptr, level - 1)?
                        {
                            matched = true;
                            break;
                        }
                    }
                    if !matched {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            BtfKind::Int => {
                let (Some(li), Some(ti)) = (local.int(lid), targ.int(tid)) else {
                    return Ok(false);
                };
                let signed = |enc: u8| enc & k::BTF_INT_SIGNED as u8;
                return Ok(li.size == ti.size && signed(li.encoding) == signed(ti.encoding));
            }
            BtfKind::Ptr => {
                if tk != Some(BtfKind::Ptr) {
                    return Ok(false);
                }
                behind_ptr = true;
                lid = local.ref_type(lid).unwrap_or(0);
                tid = targ.ref_type(tid).unwrap_or(0);
            }
            BtfKind::Array => {
                let (Some(la), Some(ta)) = (local.array(lid), targ.array(tid)) else {
                    return Ok(false);
                };
                if la.nelems != ta.nelems {
                    return Ok(false);
                }
                lid = la.elem;
                tid = ta.elem;
            }
            BtfKind::FuncProto => {
                let (Some(lp), Some(tp)) = (local.func_params(lid), targ.func_params(tid)) else {
                    return Ok(false);
                };
                if lp.len() != tp.len() {
                    return Ok(false);
                }
                for (l, t) in lp.iter().zip(&tp) {
                    if !types_match(local, *l, targ, *t, behind_ptr, level - 1)? {
                        return Ok(false);
                    }
                }
                lid = local.ref_type(lid).unwrap_or(0);
                tid = targ.ref_type(tid).unwrap_or(0);
            }
            _ => return Ok(false),
        }
    }
    bail!("types nest deeper than {COMPAT_DEPTH} levels")
}

/// A relocation's value against one spec. `None` from the calculators
/// below asks for the instruction to be poisoned.
#[derive(Debug, Clone, Copy, Default)]
struct Val {
    val: u64,
    /// For a field byte offset: the size the load/store accesses (an array
    /// field's element size) and the type accessed, for size adjustment.
    mem_sz: u32,
    mem_type: u32,
    /// Whether the instruction must hold the local value before patching.
    validate: bool,
}

fn calc_field(kind: Kind, spec: Option<&Spec<'_>>) -> Result<Option<Val>> {
    let mut v = Val { validate: true, ..Val::default() };
    if kind == Kind::FieldExists {
        v.val = u64::from(spec.is_some());
        return Ok(Some(v));
    }
    let Some(spec) = spec else {
        return Ok(None);
    };
    let btf = spec.btf;
    let acc = spec.accs.last().ok_or_else(|| anyhow!("empty field spec"))?;
    let no_size = |id: u32| anyhow!("{} has no size", btf.kind_and_name(id));
    // The size of what a load at this field reads: an array field's elements.
    let elem_size = |id: u32| -> Result<(u32, u32)> {
        let mut id = btf.resolve(id).map_err(broken)?;
        for _ in 0..COMPAT_DEPTH {
            let Some(a) = btf.array(id) else { break };
            id = btf.resolve(a.elem).map_err(broken)?;
        }
        Ok((btf.resolve_size(id).ok_or_else(|| no_size(id))?, id))
    };
    if acc.name.is_none() {
        // The access ends at an array element (or the root object itself).
        match kind {
            Kind::FieldByteOffset => {
                v.val = spec.bit_offset / 8;
                v.mem_sz = elem_size(acc.type_id)?.0;
                v.mem_type = acc.type_id;
            }
            Kind::FieldByteSize => {
                v.val = u64::from(btf.resolve_size(acc.type_id).ok_or_else(|| no_size(acc.type_id))?)
            }
            _ => bail!("a {} relocation cannot apply to an array element", kind.describe()),
        }
        return Ok(Some(v));
    }
    let m = btf.member(acc.type_id, acc.idx).ok_or_else(|| anyhow!("member #{} vanished", acc.idx))?;
    let field_type = btf.resolve(m.ty).map_err(broken)?;
    let bit_off = spec.bit_offset;
    let mut bit_sz = u64::from(m.bitfield_size);
    let bitfield = bit_sz > 0;
    let (byte_off, byte_sz);
    if bitfield {
        // The smallest naturally aligned load of the field's type size or
        // wider that covers every bit of the field.
        let mut sz = u64::from(btf.own_size(field_type).unwrap_or(0));
        ensure!(sz > 0, "bitfield of {} has no size", btf.kind_and_name(field_type));
        let mut off = bit_off / 8 / sz * sz;
        while bit_off + bit_sz - off * 8 > sz * 8 {
            ensure!(sz < 8, "the bitfield cannot be read with one 64-bit load");
            sz *= 2;
            off = bit_off / 8 / sz * sz;
        }
        (byte_off, byte_sz) = (off, sz);
    } else {
        byte_sz = u64::from(btf.resolve_size(field_type).ok_or_else(|| no_size(field_type))?);
        byte_off = bit_off / 8;
        bit_sz = byte_sz * 8;
    }
    // The compiler may split bitfield accesses differently; only what
    // cannot be ambiguous is checked against the instruction.
    v.validate = !bitfield;
    match kind {
        Kind::FieldByteOffset => {
            v.val = byte_off;
            if !bitfield {
                v.mem_sz = elem_size(field_type)?.0;
                v.mem_type = field_type;
            }
        }
        Kind::FieldByteSize => v.val = byte_sz,
        Kind::FieldSigned => {
            let signed_enum = btf.enum_is_signed(field_type) == Some(true);
            let signed_int = btf.int(field_type).is_some_and(|i| i.encoding & k::BTF_INT_SIGNED as u8 != 0);
            v.val = u64::from(signed_enum || signed_int);
            v.validate = true;
        }
        // Little-endian: shift the field's top bit to bit 63.
        Kind::FieldLshiftU64 => v.val = 64u64.wrapping_sub(bit_off + bit_sz - byte_off * 8),
        Kind::FieldRshiftU64 => {
            v.val = 64u64.wrapping_sub(bit_sz);
            v.validate = true;
        }
        _ => bail!("{} is not a field relocation", kind.describe()),
    }
    Ok(Some(v))
}

fn calc_type(kind: Kind, spec: Option<&Spec<'_>>) -> Result<Val> {
    let mut v = Val { validate: true, ..Val::default() };
    // Type relocations give 0 when the kernel has no such type, never poison.
    let Some(spec) = spec else {
        return Ok(v);
    };
    match kind {
        Kind::TypeIdTarget => {
            v.val = u64::from(spec.root);
            // The id in the instruction may have changed when objects were linked.
            v.validate = false;
        }
        Kind::TypeExists | Kind::TypeMatches => v.val = 1,
        Kind::TypeSize => {
            let sz = spec.btf.resolve_size(spec.root);
            v.val = u64::from(sz.ok_or_else(|| anyhow!("{} has no size", spec.btf.kind_and_name(spec.root)))?);
        }
        _ => bail!("{} is not a type relocation", kind.describe()),
    }
    Ok(v)
}

fn calc_enumval(kind: Kind, spec: Option<&Spec<'_>>) -> Result<Option<Val>> {
    let mut v = Val { validate: true, ..Val::default() };
    match kind {
        Kind::EnumvalExists => v.val = u64::from(spec.is_some()),
        Kind::EnumvalValue => {
            let Some(spec) = spec else { return Ok(None) };
            let acc = spec.accs.first().ok_or_else(|| anyhow!("empty enum spec"))?;
            v.val = spec.btf.enumerator(acc.type_id, acc.idx).ok_or_else(|| anyhow!("enumerator vanished"))?.raw;
        }
        _ => bail!("{} is not an enum value relocation", kind.describe()),
    }
    Ok(Some(v))
}

/// What to do to the instruction.
#[derive(Debug, Clone, Default)]
struct Res {
    orig: u64,
    new: u64,
    /// Poison, and why (for `Poisoned`).
    poison: Option<String>,
    validate: bool,
    /// The load/store size would change in a way that misreads the field.
    bad_mem_resize: bool,
    orig_sz: u32,
    new_sz: u32,
}

fn calc(kind: Kind, local: &Spec<'_>, targ: Option<&Spec<'_>>) -> Result<Res> {
    let no_target = || {
        if kind.class() == Class::Enumval {
            "the kernel's BTF has no such enumerator".to_string()
        } else {
            "no matching field in the kernel's BTF".to_string()
        }
    };
    let mut res = Res { validate: true, ..Res::default() };
    match kind.class() {
        Class::Field => {
            let (Some(o), Some(n)) = (calc_field(kind, Some(local))?, calc_field(kind, targ)?) else {
                res.poison = Some(no_target());
                return Ok(res);
            };
            res.orig = o.val;
            res.new = n.val;
            res.validate = o.validate;
            res.orig_sz = o.mem_sz;
            res.new_sz = n.mem_sz;
            if o.mem_sz != n.mem_sz {
                // Resizing a load keeps the value only for pointers (a
                // 32-bit kernel's) and unsigned ints (zero extension).
                let lb = local.btf;
                let tb = targ.map_or(lb, |t| t.btf);
                let both_ptr = lb.kind(o.mem_type) == Some(BtfKind::Ptr) && tb.kind(n.mem_type) == Some(BtfKind::Ptr);
                let unsigned = |b: &Btf, id| b.int(id).is_some_and(|i| u32::from(i.encoding) != k::BTF_INT_SIGNED);
                res.bad_mem_resize = !(both_ptr || (unsigned(lb, o.mem_type) && unsigned(tb, n.mem_type)));
            }
        }
        Class::Type => {
            let o = calc_type(kind, Some(local))?;
            let n = calc_type(kind, targ)?;
            res.orig = o.val;
            res.new = n.val;
            res.validate = o.validate;
        }
        Class::Enumval => {
            let (Some(o), Some(n)) = (calc_enumval(kind, Some(local))?, calc_enumval(kind, targ)?) else {
                res.poison = Some(no_target());
                return Ok(res);
            };
            res.orig = o.val;
            res.new = n.val;
        }
    }
    Ok(res)
}

/// One relocation's result: local spec, every candidate still in the list
/// matched, all matches agreeing; the list shrinks to the matches.
fn resolve(relo: &CoreRelo, local: &Btf, targets: &[&Btf], cands: &mut Candidates) -> Result<Res> {
    let kind = Kind::from_raw(relo.kind).ok_or_else(|| {
        UserError::new(
            format!("unknown CO-RE relocation kind {}", relo.kind),
            "rebuild the object with a clang whose CO-RE relocations bpfpin knows (kinds 0 to 12)",
        )
    })?;
    let Some(name) = local.type_name(relo.type_id) else {
        return Err(UserError::new(format!("local type id {} is out of range", relo.type_id), FIX_REBUILD).into());
    };
    let lspec = parse_spec(local, relo, kind)?;
    if kind == Kind::TypeIdLocal {
        let id = u64::from(relo.type_id);
        return Ok(Res { orig: id, new: id, validate: false, ..Res::default() });
    }
    if name.is_empty() {
        return Err(UserError::new(
            "CO-RE relocations against anonymous types are not supported (nor by libbpf)",
            "give the type a name (a named struct or a typedef)",
        )
        .into());
    }
    // The result without a target; computing it first also reports what is
    // wrong with the local side as the object's fault, before any candidate.
    let unmatched = calc(kind, &lspec, None)?;
    let list = cands.lists.entry(relo.type_id).or_default();
    let mut kept = Vec::new();
    let mut best: Option<(Res, u64, Cand)> = None;
    for &c in list.iter() {
        let targ = targets.get(c.btf).ok_or_else(|| anyhow!("candidate from a missing target BTF"))?;
        let cand = || format!("{} [{}]", targ.kind_and_name(c.id), c.id);
        let Some(ts) = match_spec(&lspec, kind, targ, c.id).map_err(|e| {
            UserError::new(
                format!("the kernel's BTF is unusable at {}: {e:#}", cand()),
                "check the kernel's BTF with `bpftool btf dump file /sys/kernel/btf/vmlinux`",
            )
        })?
        else {
            continue;
        };
        let res = calc(kind, &lspec, Some(&ts)).map_err(|e| {
            UserError::new(
                format!("the kernel's {} defeats the relocation: {e:#}", cand()),
                "read the field another way (BPF_CORE_READ_BITFIELD_PROBED() for a bitfield) or guard the \
                 access with bpf_core_field_exists()",
            )
        })?;
        match &best {
            None => best = Some((res, ts.bit_offset, c)),
            Some((b, off, first)) => {
                let other = || format!("{} [{}] and [{}]", targ.kind_and_name(c.id), first.id, c.id);
                if *off != ts.bit_offset {
                    return Err(ambiguous(format!(
                        "kernel types {} place the field at different bit offsets ({off} and {})",
                        other(),
                        ts.bit_offset
                    )));
                }
                if b.poison.is_some() != res.poison.is_some() || b.new != res.new {
                    return Err(ambiguous(format!(
                        "kernel types {} give different values ({} and {})",
                        other(),
                        b.new,
                        res.new
                    )));
                }
            }
        }
        kept.push(c);
    }
    if let Some((res, _, _)) = best {
        *list = kept;
        return Ok(res);
    }
    Ok(unmatched)
}

fn ambiguous(msg: String) -> anyhow::Error {
    UserError::new(
        format!("ambiguous relocation: {msg}"),
        "define one local `___flavor` of the type per kernel variant and guard each access with \
         bpf_core_field_exists()/bpf_core_type_exists()",
    )
    .into()
}

// Instruction encoding: class in the low 3 bits, then source (ALU) or
// size (memory), then mode.
const CLASS_MASK: u8 = 0x07;
const SIZE_MASK: u8 = 0x18;
const MODE_MASK: u8 = 0xe0;
const LD_IMM64: u8 = (k::BPF_LD | k::BPF_IMM | k::BPF_DW) as u8;

fn poison_insn(insn: &mut bpf_insn) {
    insn.code = (k::BPF_JMP | k::BPF_CALL) as u8;
    insn.set_dst_reg(0);
    insn.set_src_reg(0);
    insn.off = 0;
    insn.imm = POISON_IMM;
}

fn mem_bytes(code: u8) -> u32 {
    match u32::from(code & SIZE_MASK) {
        k::BPF_DW => 8,
        k::BPF_W => 4,
        k::BPF_H => 2,
        _ => 1,
    }
}

fn mem_size_code(bytes: u32) -> Option<u8> {
    Some(match bytes {
        8 => k::BPF_DW,
        4 => k::BPF_W,
        2 => k::BPF_H,
        1 => k::BPF_B,
        _ => return None,
    } as u8)
}

/// Writes `res` into instruction `idx` (ALU/ALU64 with an immediate,
/// LDX/ST/STX offsets and sizes, LD_IMM64), or poisons it and says why.
fn patch(insns: &mut [bpf_insn], idx: usize, res: &Res) -> Result<Option<String>> {
    let len = insns.len();
    let Some(insn) = insns.get(idx).copied() else {
        bail!("instruction #{idx} is past the program's end ({len} instructions)");
    };
    let class = insn.code & CLASS_MASK;
    let poison = |insns: &mut [bpf_insn]| {
        if insn.code == LD_IMM64
            && let Some(next) = insns.get_mut(idx + 1)
        {
            poison_insn(next);
        }
        if let Some(i) = insns.get_mut(idx) {
            poison_insn(i);
        }
    };
    if let Some(why) = &res.poison {
        poison(insns);
        return Ok(Some(why.clone()));
    }
    let (orig, new) = (res.orig, res.new);
    let unexpected = |what: &str, got: i64| {
        anyhow::Error::new(UserError::new(
            format!("instruction #{idx} ({what}) holds {got}, not the local value {orig} the relocation expects"),
            FIX_REBUILD,
        ))
    };
    match u32::from(class) {
        k::BPF_ALU | k::BPF_ALU64 => {
            ensure!(
                u32::from(insn.code) & k::BPF_X == 0,
                "instruction #{idx} is an ALU op on registers, not an immediate"
            );
            if res.validate && i64::from(insn.imm) as u64 != orig {
                return Err(unexpected("ALU immediate", i64::from(insn.imm)));
            }
            // Truncated to 32 bits, as libbpf does.
            insns[idx].imm = new as i32;
        }
        k::BPF_LDX | k::BPF_ST | k::BPF_STX => {
            if res.validate && i64::from(insn.off) as u64 != orig {
                return Err(unexpected("memory offset", i64::from(insn.off)));
            }
            let off = i16::try_from(new)
                .map_err(|_| anyhow!("instruction #{idx}: offset {new} does not fit a load/store's 16 bits"))?;
            if res.bad_mem_resize {
                // The load would misread the field (a signed or non-integer
                // field changed size): fail only if the load is reached.
                poison(insns);
                return Ok(Some(
                    "the kernel's field has another size and is neither a pointer nor an unsigned integer, \
                     so a resized load would misread it"
                        .into(),
                ));
            }
            let i = &mut insns[idx];
            i.off = off;
            if res.new_sz != res.orig_sz {
                let got = mem_bytes(insn.code);
                ensure!(
                    got == res.orig_sz,
                    "instruction #{idx} accesses {got} bytes, not the field's {} bytes",
                    res.orig_sz
                );
                let size = mem_size_code(res.new_sz).ok_or_else(|| {
                    anyhow!("instruction #{idx}: the kernel's field is {} bytes, which no load can read", res.new_sz)
                })?;
                i.code = (insn.code & MODE_MASK) | size | class;
            }
        }
        k::BPF_LD => {
            let next = insns.get(idx + 1).copied();
            let well_formed = insn.code == LD_IMM64
                && insn.src_reg() == 0
                && insn.off == 0
                && next.is_some_and(|n| n.code == 0 && n.dst_reg() == 0 && n.src_reg() == 0 && n.off == 0);
            ensure!(well_formed, "instruction #{idx} is not a plain 64-bit immediate load");
            let hi = next.map_or(0, |n| n.imm);
            let imm = u64::from(insn.imm as u32) | u64::from(hi as u32) << 32;
            if res.validate && imm != orig {
                return Err(unexpected("64-bit immediate", imm as i64));
            }
            insns[idx].imm = new as u32 as i32;
            insns[idx + 1].imm = (new >> 32) as u32 as i32;
        }
        _ => bail!("instruction #{idx} (opcode {:#04x}) is not one a CO-RE relocation can patch", insn.code),
    }
    Ok(None)
}

/// Tests against real BTF: throwaway objects compiled with the
/// installed clang under /tmp, relocated against the running kernel's
/// /sys/kernel/btf/vmlinux (and against a second object's BTF standing in
/// for a module), with the kernel's layout as `bpftool btf dump file
/// /sys/kernel/btf/vmlinux` shows it on this machine (6.18, x86-64), and
/// one object loaded by bpftool (libbpf 1.1) for a byte-for-byte
/// comparison of the relocated program.
#[cfg(test)]
mod tests {
    use super::*;
    use object::{Object, ObjectSection};
    use std::collections::BTreeMap;
    use std::path::PathBuf;
    use std::process::Command;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const PRELUDE: &str = r#"
#define SEC(n) __attribute__((section(n), used))
#define PAI __attribute__((preserve_access_index))
typedef unsigned long long u64;
enum { F_OFF = 0, F_SZ = 1, F_EXISTS = 2, F_SIGNED = 3, F_LSHIFT = 4, F_RSHIFT = 5 };
char LICENSE[] SEC("license") = "GPL";
"#;

    /// Kernel types as locally (re)declared; each `out[k] = …` is one relocation.
    const KERNEL_SRC: &str = r#"
struct task_struct { unsigned int flags; int prio; int pid; int tgid; char comm[16]; int nonexistent;
                     unsigned int sched_reset_on_fork:1; unsigned int in_execve:1; } PAI;
struct task_struct___v2 { int pid; long gone_field; } PAI;
struct task_struct___wide { unsigned long long flags; long long prio; } PAI;
struct trace_entry { unsigned short type; } PAI;
struct syscall_trace_enter { struct trace_entry ent; int nr; unsigned long args[]; } PAI;
struct sk_buff { unsigned int len; void *dev; char cb[48]; unsigned char pkt_type:3; } PAI;
struct no_such_kernel_type { int a; } PAI;
enum bpf_map_type { BPF_MAP_TYPE_RINGBUF = 1000, BPF_MAP_TYPE_NOT_THERE = 5 };
enum bpf_map_type___x { BPF_MAP_TYPE_ARENA___x = 1 };

SEC("tracepoint/fields") int fields(u64 *out) {
  struct task_struct *t = 0;
  out[0] = __builtin_preserve_field_info(t->pid, F_OFF);
  out[1] = __builtin_preserve_field_info(t->tgid, F_OFF);
  out[2] = __builtin_preserve_field_info(t->comm, F_SZ);
  out[3] = __builtin_preserve_field_info(t->comm[3], F_OFF);
  out[4] = __builtin_preserve_field_info(t->nonexistent, F_EXISTS);
  out[5] = __builtin_preserve_field_info(t->pid, F_EXISTS);
  out[6] = __builtin_preserve_field_info(t->pid, F_SIGNED);
  out[7] = __builtin_preserve_field_info(t->flags, F_SIGNED);
  out[8] = __builtin_preserve_field_info(t->sched_reset_on_fork, F_OFF);
  out[9] = __builtin_preserve_field_info(t->sched_reset_on_fork, F_SZ);
  out[10] = __builtin_preserve_field_info(t->sched_reset_on_fork, F_LSHIFT);
  out[11] = __builtin_preserve_field_info(t->sched_reset_on_fork, F_RSHIFT);
  out[12] = __builtin_preserve_field_info(t->in_execve, F_LSHIFT);
  struct task_struct___v2 *t2 = 0;
  out[13] = __builtin_preserve_field_info(t2->pid, F_OFF);
  out[14] = __builtin_preserve_field_info(t2->gone_field, F_EXISTS);
  struct sk_buff *s = 0;
  out[15] = __builtin_preserve_field_info(s->dev, F_OFF);
  out[16] = __builtin_preserve_field_info(s->len, F_OFF);
  out[17] = __builtin_preserve_field_info(s->cb[5], F_OFF);
  out[18] = __builtin_preserve_field_info(s->pkt_type, F_OFF);
  out[19] = __builtin_preserve_field_info(s->pkt_type, F_LSHIFT);
  out[20] = __builtin_preserve_field_info(s->pkt_type, F_SZ);
  struct syscall_trace_enter *c = 0;
  out[21] = __builtin_preserve_field_info(c->args, F_OFF);
  out[22] = __builtin_preserve_field_info(c->args[1], F_OFF);
  out[23] = __builtin_preserve_field_info(s->pkt_type, F_RSHIFT);
  out[24] = __builtin_preserve_field_info(s->cb, F_SZ);
  return 0;
}

SEC("tracepoint/types") int types(u64 *out) {
  out[0] = __builtin_preserve_type_info(*(struct task_struct *)0, 0);
  out[1] = __builtin_preserve_type_info(*(struct no_such_kernel_type *)0, 0);
  out[2] = __builtin_preserve_type_info(*(struct task_struct *)0, 1);
  out[3] = __builtin_btf_type_id(*(struct task_struct *)0, 0);
  out[4] = __builtin_btf_type_id(*(struct task_struct *)0, 1);
  out[5] = __builtin_preserve_enum_value(*(enum bpf_map_type *)BPF_MAP_TYPE_RINGBUF, 1);
  out[6] = __builtin_preserve_enum_value(*(enum bpf_map_type *)BPF_MAP_TYPE_NOT_THERE, 0);
  out[7] = __builtin_preserve_enum_value(*(enum bpf_map_type *)BPF_MAP_TYPE_RINGBUF, 0);
  out[8] = __builtin_preserve_enum_value(*(enum bpf_map_type___x *)BPF_MAP_TYPE_ARENA___x, 1);
  out[9] = __builtin_preserve_type_info(*(struct no_such_kernel_type *)0, 1);
  out[10] = __builtin_btf_type_id(*(struct no_such_kernel_type *)0, 1);
  out[11] = __builtin_preserve_enum_value(*(enum bpf_map_type *)BPF_MAP_TYPE_NOT_THERE, 1);
  return 0;
}

SEC("tracepoint/access") int access(struct syscall_trace_enter *ctx) {
  struct task_struct *t = (void *)ctx->args[0];
  struct task_struct___wide *w = (void *)ctx->args[2];
  unsigned long long f = t->flags;
  int n = t->nonexistent;
  ((struct task_struct *)ctx->args[3])->tgid = n;
  return ctx->args[1] + ctx->args[ctx->nr & 3] + f + n + w->flags + w->prio;
}
"#;

    /// Stands in for a kernel module's BTF.
    const MODULE_SRC: &str = r#"
struct bpfpin_amb___a { int x; int y; };
struct bpfpin_amb___b { int y; int x; };
struct bpfpin_same___a { int pad; int z; };
struct bpfpin_same___b { int pad; int z; long extra; };
struct bpfpin_md { int pad; int m[5][4]; };
struct bpfpin_tm { int a; unsigned int b; struct bpfpin_tm *next; };
struct bpfpin_anon { int a; union { int b; struct { int c; int d; }; }; };
struct trace_entry { long wrong; long layout; int pid; };
struct bpfpin_amb___a g1; struct bpfpin_amb___b g2; struct bpfpin_same___a g3; struct bpfpin_same___b g4;
struct bpfpin_md g5; struct bpfpin_tm g6; struct bpfpin_anon g7; struct trace_entry g8;
"#;

    const LOCAL_SRC: &str = r#"
struct bpfpin_amb { int x; } PAI;
struct bpfpin_same { int z; } PAI;
struct bpfpin_md { int m[3][4]; } PAI;
struct bpfpin_tm { int a; unsigned int b; struct bpfpin_tm *next; } PAI;
struct bpfpin_tm___no { int a; int b; } PAI;
struct bpfpin_anon { int a; int d; } PAI;
struct trace_entry { unsigned short type; unsigned char flags; unsigned char preempt_count; int pid; } PAI;

SEC("tracepoint/amb") int amb(u64 *out) {
  struct bpfpin_amb *a = 0;
  out[0] = __builtin_preserve_field_info(a->x, F_OFF);
  return 0;
}
SEC("tracepoint/multi") int multi(u64 *out) {
  struct bpfpin_same *s = 0;
  struct bpfpin_md *m = 0;
  struct bpfpin_tm *t = 0;
  struct bpfpin_tm___no *n = 0;
  struct bpfpin_anon *x = 0;
  struct trace_entry *e = 0;
  out[0] = __builtin_preserve_field_info(s->z, F_OFF);
  out[1] = __builtin_preserve_field_info(m->m[1][2], F_OFF);
  out[2] = __builtin_preserve_field_info(m->m[1], F_SZ);
  out[3] = __builtin_preserve_field_info(t->b, F_OFF);
  out[4] = __builtin_preserve_field_info(n->b, F_OFF);
  out[5] = __builtin_preserve_field_info(x->d, F_OFF);
  out[6] = __builtin_preserve_field_info(e->pid, F_OFF);
  out[7] = __builtin_preserve_field_info(m->m, F_SZ);
  return 0;
}
"#;

    /// A program the kernel accepts: no helpers, no maps, no dead code, so
    /// libbpf's relocated instructions are exactly what the kernel keeps.
    const LOADABLE_SRC: &str = r#"
struct task_struct { int pid; int nonexistent; unsigned int in_execve:1; char comm[16]; } PAI;
struct task_struct___v2 { int tgid; unsigned int sched_reset_on_fork:1; } PAI;
struct trace_entry { unsigned short type; } PAI;
struct syscall_trace_enter { struct trace_entry ent; int nr; unsigned long args[]; } PAI;
struct syscall_trace_enter___w { struct trace_entry ent; int nr; unsigned int args[]; } PAI;
struct sk_buff { void *dev; unsigned char pkt_type:3; char cb[48]; } PAI;
struct no_such_kernel_type { int a; } PAI;
enum bpf_map_type { BPF_MAP_TYPE_RINGBUF = 1000, BPF_MAP_TYPE_NOT_THERE = 5 };
enum bpf_map_type___x { BPF_MAP_TYPE_ARENA___x = 1 };
SEC("tracepoint/syscalls/sys_enter_getpid")
int cmp(struct syscall_trace_enter *ctx) {
  struct task_struct *t = 0;
  struct task_struct___v2 *t2 = 0;
  struct sk_buff *s = 0;
  unsigned long long r = ctx->args[1];
  r += ctx->nr;
  r += ((struct syscall_trace_enter___w *)ctx)->args[2];
  r += __builtin_preserve_field_info(t->pid, F_OFF);
  r += __builtin_preserve_field_info(t->in_execve, F_LSHIFT);
  r += __builtin_preserve_field_info(t->in_execve, F_RSHIFT);
  r += __builtin_preserve_field_info(t->in_execve, F_SZ);
  r += __builtin_preserve_field_info(t->in_execve, F_OFF);
  r += __builtin_preserve_field_info(t->nonexistent, F_EXISTS);
  r += __builtin_preserve_field_info(t->comm[7], F_OFF);
  r += __builtin_preserve_field_info(t->comm, F_SZ);
  r += __builtin_preserve_field_info(t->pid, F_SIGNED);
  r += __builtin_preserve_field_info(t2->tgid, F_OFF);
  r += __builtin_preserve_field_info(t2->sched_reset_on_fork, F_LSHIFT);
  r += __builtin_preserve_field_info(s->dev, F_OFF);
  r += __builtin_preserve_field_info(s->pkt_type, F_OFF);
  r += __builtin_preserve_field_info(s->pkt_type, F_LSHIFT);
  r += __builtin_preserve_field_info(s->pkt_type, F_SIGNED);
  r += __builtin_preserve_field_info(s->cb[5], F_OFF);
  r += __builtin_preserve_type_info(*(struct task_struct *)0, 1);
  r += __builtin_preserve_type_info(*(struct task_struct *)0, 0);
  r += __builtin_preserve_type_info(*(struct no_such_kernel_type *)0, 0);
  r += __builtin_btf_type_id(*(struct task_struct *)0, 1);
  r += __builtin_btf_type_id(*(struct no_such_kernel_type *)0, 1);
  r += __builtin_preserve_enum_value(*(enum bpf_map_type *)BPF_MAP_TYPE_RINGBUF, 1);
  r += __builtin_preserve_enum_value(*(enum bpf_map_type *)BPF_MAP_TYPE_NOT_THERE, 0);
  r += __builtin_preserve_enum_value(*(enum bpf_map_type___x *)BPF_MAP_TYPE_ARENA___x, 1);
  return r;
}
"#;

    struct Obj {
        btf: Btf,
        relos: HashMap<String, Vec<CoreRelo>>,
        insns: HashMap<String, Vec<bpf_insn>>,
        path: PathBuf,
    }

    fn insn_from(b: &[u8]) -> bpf_insn {
        bpf_insn {
            code: b[0],
            _bitfield_align_1: [],
            _bitfield_1: bpf_insn::new_bitfield_1(b[1] & 0xf, b[1] >> 4),
            off: i16::from_le_bytes([b[2], b[3]]),
            imm: i32::from_le_bytes([b[4], b[5], b[6], b[7]]),
        }
    }

    fn insn_bytes(i: &bpf_insn) -> [u8; 8] {
        let mut b = [0; 8];
        b[0] = i.code;
        b[1] = i.dst_reg() | i.src_reg() << 4;
        b[2..4].copy_from_slice(&i.off.to_le_bytes());
        b[4..8].copy_from_slice(&i.imm.to_le_bytes());
        b
    }

    /// A missing tool or privilege skips a test on a laptop, never in CI.
    fn skip<T>(why: &str) -> Option<T> {
        if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false") {
            panic!("{why}, and CI forbids skipping this test");
        }
        eprintln!("skipped: {why}");
        None
    }

    /// Compiles `src` (after PRELUDE) to /tmp; `None` (the test skips) without clang.
    fn compile(name: &str, src: &str) -> Option<Obj> {
        // Tests run in parallel: every compilation gets its own files.
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!("bpfpin-core-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let name = format!("{name}-{}", SEQ.fetch_add(1, Ordering::Relaxed));
        let c = dir.join(format!("{name}.c"));
        let o = dir.join(format!("{name}.o"));
        std::fs::write(&c, format!("{PRELUDE}{src}")).unwrap();
        let out = match Command::new("clang")
            .args(["-O2", "-g", "-target", "bpf", "-c"])
            .arg(&c)
            .arg("-o")
            .arg(&o)
            .output()
        {
            Ok(out) => out,
            Err(e) => return skip(&format!("no clang ({e})")),
        };
        assert!(out.status.success(), "clang failed: {}", String::from_utf8_lossy(&out.stderr));
        let data = std::fs::read(&o).unwrap();
        let file = object::File::parse(&*data).unwrap();
        let section = |n: &str| file.section_by_name(n).map(|s| s.data().unwrap().to_vec());
        let btf = Btf::parse(&section(".BTF").unwrap()).unwrap();
        let relos = section(".BTF.ext").map(|ext| parse_relos(&ext, &btf).unwrap()).unwrap_or_default();
        let mut insns = HashMap::new();
        for s in file.sections() {
            let name = s.name().unwrap_or("");
            if name.starts_with("tracepoint/") {
                insns.insert(name.to_string(), s.data().unwrap().chunks_exact(8).map(insn_from).collect());
            }
        }
        let _ = std::fs::remove_file(&c);
        Some(Obj { btf, relos, insns, path: o })
    }

    impl Drop for Obj {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
            let _ = std::fs::remove_file(self.path.with_extension("xlated"));
            if let Some(dir) = self.path.parent() {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }

    fn vmlinux() -> Option<&'static Btf> {
        static V: OnceLock<Option<Btf>> = OnceLock::new();
        V.get_or_init(|| match std::fs::read("/sys/kernel/btf/vmlinux") {
            Ok(raw) => Some(Btf::parse(&raw).unwrap()),
            Err(e) => skip(&format!("no kernel BTF ({e})")),
        })
        .as_ref()
    }

    /// Relocates one section of `obj` (one function: ELF offsets are indices).
    fn run(obj: &Obj, sec: &str, targets: &[&Btf]) -> Result<(Vec<bpf_insn>, Vec<Poisoned>)> {
        let mut insns = obj.insns[sec].clone();
        let relos: Vec<(usize, &CoreRelo)> = obj.relos[sec].iter().map(|r| (r.insn_off as usize / 8, r)).collect();
        let poisoned = relocate_with(&mut insns, &relos, &obj.btf, targets, sec, &mut Candidates::new())?;
        Ok((insns, poisoned))
    }

    fn is_poison(i: &bpf_insn) -> bool {
        u32::from(i.code) == k::BPF_JMP | k::BPF_CALL && i.imm == POISON_IMM
    }

    /// `out[k] = value` pairs: each store through r1 at offset 8k and the
    /// immediate (or poison marker `None`) that fed it.
    fn outputs(insns: &[bpf_insn]) -> BTreeMap<usize, Option<i64>> {
        let mut out = BTreeMap::new();
        for (i, st) in insns.iter().enumerate() {
            if u32::from(st.code) != k::BPF_STX | k::BPF_MEM | k::BPF_DW || st.dst_reg() != 1 || i == 0 {
                continue;
            }
            let prev = &insns[i - 1];
            let v = if is_poison(prev) {
                None
            } else if prev.code == 0 && i >= 2 && insns[i - 2].code == LD_IMM64 {
                Some(i64::from(insns[i - 2].imm as u32) | i64::from(prev.imm) << 32)
            } else {
                Some(i64::from(prev.imm))
            };
            out.insert(st.off as usize / 8, v);
        }
        out
    }

    #[test]
    fn essential_names_drop_the_last_flavor() {
        assert_eq!(essential_name("task_struct___v2"), "task_struct");
        assert_eq!(essential_name("a___b___c"), "a___b");
        assert_eq!(essential_name("task_struct"), "task_struct");
        assert_eq!(essential_name("a____b"), "a____b");
        assert_eq!(essential_name("___a"), "___a");
        assert_eq!(essential_name("x___"), "x___");
        assert_eq!(essential_name(""), "");
    }

    #[test]
    fn parse_relos_reads_every_record() {
        let Some(obj) = compile("kernel", KERNEL_SRC) else { return };
        assert_eq!(obj.relos["tracepoint/fields"].len(), 25);
        assert_eq!(obj.relos["tracepoint/types"].len(), 12);
        let first = &obj.relos["tracepoint/fields"][0];
        assert_eq!(first.insn_off, 0);
        assert_eq!(first.access, "0:2");
        assert_eq!(first.kind, rk::BPF_CORE_FIELD_BYTE_OFFSET);
        assert_eq!(obj.btf.type_name(first.type_id), Some("task_struct"));
        // A header without the core_relo subsection, and a truncated one.
        let ext = std::fs::read(&obj.path).unwrap();
        let file = object::File::parse(&*ext).unwrap();
        let mut ext = file.section_by_name(".BTF.ext").unwrap().data().unwrap().to_vec();
        ext[4..8].copy_from_slice(&24u32.to_le_bytes());
        assert!(parse_relos(&ext, &obj.btf).unwrap().is_empty());
        ext[4..8].copy_from_slice(&32u32.to_le_bytes());
        let len = ext.len();
        ext.truncate(len - 4);
        assert!(parse_relos(&ext, &obj.btf).is_err());
    }

    #[test]
    fn fields_against_running_kernel() {
        let (Some(obj), Some(vmlinux)) = (compile("kernel", KERNEL_SRC), vmlinux()) else { return };
        let (insns, poisoned) = run(&obj, "tracepoint/fields", &[vmlinux]).unwrap();
        assert!(poisoned.is_empty(), "{poisoned:?}");
        let got = outputs(&insns);
        // bpftool btf dump: task_struct pid bits 10112, tgid 10144, comm 14016
        // (char[16]), flags unsigned; sched_reset_on_fork bit 9504 and in_execve
        // bit 9539, 1-bit unsigned int bitfields; sk_buff len at 112, dev at 16
        // through three anonymous levels, cb at 40, pkt_type 3 bits at bit 1024
        // (u8, inside an anonymous union and struct); syscall_trace_enter args at 16.
        let want: BTreeMap<usize, Option<i64>> = [
            (0, 1264),
            (1, 1268),
            (2, 16),
            (3, 1755),
            (4, 0),
            (5, 1),
            (6, 1),
            (7, 0),
            (8, 1188),
            (9, 4),
            (10, 63),
            (11, 63),
            (12, 60),
            (13, 1264),
            (14, 0),
            (15, 16),
            (16, 112),
            (17, 45),
            (18, 128),
            (19, 61),
            (20, 1),
            (21, 16),
            (22, 24),
            (23, 61),
            (24, 48),
        ]
        .into_iter()
        .map(|(k, v)| (k, Some(v)))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn types_and_enums_against_running_kernel() {
        let (Some(obj), Some(vmlinux)) = (compile("kernel", KERNEL_SRC), vmlinux()) else { return };
        let (insns, poisoned) = run(&obj, "tracepoint/types", &[vmlinux]).unwrap();
        let local_id = obj.btf.find_by_name_kind("task_struct", BtfKind::Struct).unwrap();
        let target_id = vmlinux.find_by_name_kind("task_struct", BtfKind::Struct).unwrap();
        let ringbuf = vmlinux
            .enum_values(vmlinux.find_by_name_kind("bpf_map_type", BtfKind::Enum).unwrap())
            .into_iter()
            .find(|(n, _)| n == "BPF_MAP_TYPE_RINGBUF")
            .unwrap()
            .1;
        let arena = vmlinux
            .enum_values(vmlinux.find_by_name_kind("bpf_map_type", BtfKind::Enum).unwrap())
            .into_iter()
            .find(|(n, _)| n == "BPF_MAP_TYPE_ARENA")
            .unwrap()
            .1;
        let want: BTreeMap<usize, Option<i64>> = [
            (0, Some(1)),
            (1, Some(0)),
            (2, Some(3264)),
            (3, Some(i64::from(local_id))),
            (4, Some(i64::from(target_id))),
            (5, Some(ringbuf)),
            (6, Some(0)),
            (7, Some(1)),
            (8, Some(arena)),
            (9, Some(0)),
            (10, Some(0)),
            // The value of an enumerator the kernel lacks: both halves of the
            // LD_IMM64 poisoned.
            (11, None),
        ]
        .into_iter()
        .collect();
        assert_eq!(outputs(&insns), want);
        assert_eq!(poisoned.len(), 1, "{poisoned:?}");
        let at = poisoned[0].insn;
        assert!(is_poison(&insns[at]) && is_poison(&insns[at + 1]));
        assert_eq!(
            poisoned[0].why,
            "enum value of enum bpf_map_type, access `1`: the kernel's BTF has no such enumerator"
        );
        assert_eq!((ringbuf, arena, target_id), (27, 33, 114), "this kernel's numbering");
    }

    #[test]
    fn loads_stores_flexible_arrays_and_poison() {
        let (Some(obj), Some(vmlinux)) = (compile("kernel", KERNEL_SRC), vmlinux()) else { return };
        let before = obj.insns["tracepoint/access"].clone();
        let (insns, poisoned) = run(&obj, "tracepoint/access", &[vmlinux]).unwrap();
        let relos = &obj.relos["tracepoint/access"];
        let mut seen = Vec::new();
        for r in relos {
            let i = r.insn_off as usize / 8;
            let name = obj.btf.type_name(r.type_id).unwrap();
            seen.push((name, r.access.as_str(), i));
            let (old, new) = (&before[i], &insns[i]);
            match (name, r.access.as_str()) {
                // ctx->args[n]: past the flexible array's end, at 16 + 8n.
                ("syscall_trace_enter", "0:2:0") => assert_eq!(new.off, 16),
                ("syscall_trace_enter", "0:2:1") => assert_eq!(new.off, 24),
                ("syscall_trace_enter", "0:2:2") => assert_eq!(new.off, 32),
                ("syscall_trace_enter", "0:2:3") => assert_eq!(new.off, 40),
                // args[nr & 3]: the base address of args, an ALU immediate.
                ("syscall_trace_enter", "0:2") => assert_eq!(new.imm, 16),
                ("syscall_trace_enter", "0:1") => assert_eq!(new.off, 8),
                ("task_struct", "0:0") => assert_eq!((new.off, new.code), (44, old.code)),
                // A store.
                ("task_struct", "0:3") => {
                    assert_eq!(u32::from(new.code & CLASS_MASK), k::BPF_STX);
                    assert_eq!(new.off, 1268);
                }
                // A field the kernel lacks, read for real: poisoned.
                ("task_struct", "0:5") => assert!(is_poison(new), "{new:?}"),
                // u64 local, unsigned int kernel: the load shrinks to 4 bytes.
                ("task_struct___wide", "0:0") => {
                    assert_eq!(new.off, 44);
                    assert_eq!(u32::from(old.code & SIZE_MASK), k::BPF_DW);
                    assert_eq!(u32::from(new.code & SIZE_MASK), k::BPF_W);
                    assert_eq!(new.code & !SIZE_MASK, old.code & !SIZE_MASK);
                }
                // s64 local, int kernel: resizing would lose the sign, poisoned.
                ("task_struct___wide", "0:1") => assert!(is_poison(new), "{new:?}"),
                other => panic!("unexpected relocation {other:?}"),
            }
        }
        for want in [("syscall_trace_enter", "0:2:1"), ("task_struct", "0:3"), ("task_struct___wide", "0:0")] {
            assert!(seen.iter().any(|s| (s.0, s.1) == want), "{want:?} not in {seen:?}");
        }
        let mut why: Vec<&str> = poisoned.iter().map(|p| p.why.as_str()).collect();
        why.sort();
        assert_eq!(why.len(), 2, "{why:?}");
        assert!(
            why[0].starts_with("field byte offset of struct task_struct, access `0:5`: no matching field"),
            "{why:?}"
        );
        assert!(why[1].starts_with("field byte offset of struct task_struct___wide, access `0:1`: the kernel's field"));
    }

    #[test]
    fn flavors_ambiguity_arrays_anonymous_members_and_modules() {
        let (Some(module), Some(local), Some(vmlinux)) =
            (compile("module", MODULE_SRC), compile("local", LOCAL_SRC), vmlinux())
        else {
            return;
        };
        // Two flavors disagree on x's offset.
        let err = run(&local, "tracepoint/amb", &[vmlinux, &module.btf]).unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("program tracepoint/amb"), "{msg}");
        assert!(msg.contains("field byte offset of struct bpfpin_amb, access `0:0`"), "{msg}");
        assert!(msg.contains("ambiguous"), "{msg}");
        let (insns, poisoned) = run(&local, "tracepoint/multi", &[vmlinux, &module.btf]).unwrap();
        assert!(poisoned.is_empty(), "{poisoned:?}");
        let want: BTreeMap<usize, Option<i64>> = [
            // Flavors that agree are fine.
            (0, 4),
            // m[1][2] in int pad; int m[5][4]: 4 + (1 * 4 + 2) * 4.
            (1, 28),
            (2, 16),
            (3, 4),
            // The kernel's b is unsigned like the local one's and ints are compatible
            // whatever their signedness, so field relocations still match.
            (4, 4),
            // d inside a union inside an anonymous struct.
            (5, 8),
            // vmlinux has trace_entry: the module's other layout is not a candidate.
            (6, 4),
            (7, 80),
        ]
        .into_iter()
        .map(|(k, v)| (k, Some(v)))
        .collect();
        assert_eq!(outputs(&insns), want);
    }

    /// A one-instruction program `r2 = imm` and a hand-made relocation of it.
    fn one(imm: i32, type_id: u32, access: &str, kind: u32, local: &Btf, targets: &[&Btf]) -> Result<i32> {
        let mut insns = [bpf_insn {
            code: (k::BPF_ALU64 | k::BPF_MOV | k::BPF_K) as u8,
            _bitfield_align_1: [],
            _bitfield_1: bpf_insn::new_bitfield_1(2, 0),
            off: 0,
            imm,
        }];
        let relo = CoreRelo { insn_off: 0, type_id, access: access.into(), kind };
        relocate(&mut insns, &[(0, &relo)], local, targets, "handmade")?;
        Ok(insns[0].imm)
    }

    #[test]
    fn type_matches() {
        let (Some(module), Some(local)) = (compile("module", MODULE_SRC), compile("local", LOCAL_SRC)) else {
            return;
        };
        let id = |n: &str| local.btf.find_by_name_kind(n, BtfKind::Struct).unwrap();
        let targets = [&module.btf];
        let m = rk::BPF_CORE_TYPE_MATCHES;
        assert_eq!(one(1, id("bpfpin_tm"), "0", m, &local.btf, &targets).unwrap(), 1);
        // The local b is signed, the target's unsigned.
        assert_eq!(one(1, id("bpfpin_tm___no"), "0", m, &local.btf, &targets).unwrap(), 0);
        // Compatible (exists) though not matching: exists only looks at kinds.
        let e = rk::BPF_CORE_TYPE_EXISTS;
        assert_eq!(one(1, id("bpfpin_tm___no"), "0", e, &local.btf, &targets).unwrap(), 1);
        // Fewer local members than the target's, all present: matches.
        assert_eq!(one(1, id("bpfpin_same"), "0", m, &local.btf, &targets).unwrap(), 1);
    }

    #[test]
    fn errors_name_program_type_access_and_kind() {
        let (Some(obj), Some(vmlinux)) = (compile("kernel", KERNEL_SRC), vmlinux()) else { return };
        let task = obj.btf.find_by_name_kind("task_struct", BtfKind::Struct).unwrap();
        let off = rk::BPF_CORE_FIELD_BYTE_OFFSET;
        let cases = [
            (task, "0:99", off, "field byte offset of struct task_struct, access `0:99`"),
            (task, "0:4:16", off, "index 16 past the end of an array of 16"),
            (task, "0:x", off, "`x` is not an index"),
            (task, "4000000000", off, "offset past 4 GiB"),
            (task, "0:", off, "`` is not an index"),
            (task, "", off, "field byte offset of struct task_struct, access ``): invalid access string"),
            (task, "1", rk::BPF_CORE_TYPE_EXISTS, "type relocations take `0`"),
            (task, "0", 99, "unknown kind 99 of struct task_struct, access `0`"),
            (task, "0:4:3", rk::BPF_CORE_FIELD_SIGNED, "cannot apply to an array element"),
            (999_999, "0:0", off, "<bad type id 999999>, access `0:0`"),
        ];
        for (id, access, kind, want) in cases {
            let err = one(0, id, access, kind, &obj.btf, &[vmlinux]).unwrap_err();
            let msg = format!("{err:#}");
            assert!(msg.contains("program handmade: CO-RE relocation #0"), "{msg}");
            assert!(msg.contains(want), "{want}: {msg}");
            assert!(err.chain().any(|e| e.is::<UserError>()), "{msg}");
        }
        // An anonymous local type is named `<anon>`.
        let Some(module) = compile("module", MODULE_SRC) else { return };
        let anon = (1..module.btf.len())
            .find(|&i| module.btf.kind(i) == Some(BtfKind::Union) && module.btf.type_name(i) == Some(""))
            .unwrap();
        let msg = format!("{:#}", one(0, anon, "0:0", off, &module.btf, &[vmlinux]).unwrap_err());
        assert!(msg.contains("field byte offset of union <anon>, access `0:0`"), "{msg}");
        assert!(msg.contains("anonymous types are not supported"), "{msg}");
        // The instruction does not hold the local value.
        let msg = format!("{:#}", one(7, task, "0:2", off, &obj.btf, &[vmlinux]).unwrap_err());
        assert!(msg.contains("holds 7, not the local value 8"), "{msg}");
    }

    #[test]
    fn no_kernel_btf_is_an_error_unless_only_local_ids() {
        let Some(obj) = compile("kernel", KERNEL_SRC) else { return };
        let err = run(&obj, "tracepoint/fields", &[]).unwrap_err();
        assert!(format!("{err:#}").contains("the kernel has no BTF"), "{err:#}");
        let task = obj.btf.find_by_name_kind("task_struct", BtfKind::Struct).unwrap();
        let id = i32::try_from(task).unwrap();
        assert_eq!(one(id, task, "0", rk::BPF_CORE_TYPE_ID_LOCAL, &obj.btf, &[]).unwrap(), id);
    }

    #[test]
    fn same_bytes_as_libbpf() {
        let (Some(obj), Some(vmlinux)) = (compile("loadable", LOADABLE_SRC), vmlinux()) else { return };
        let sec = "tracepoint/syscalls/sys_enter_getpid";
        let (ours, _) = run(&obj, sec, &[vmlinux]).unwrap();
        // The `unsigned int args[]` flavor's load widened to the kernel's u64.
        let before = &obj.insns[sec];
        let ldx = |size: u32| (k::BPF_LDX | k::BPF_MEM | size) as u8;
        assert!(
            (0..ours.len()).any(|i| (before[i].code, before[i].off, ours[i].code, ours[i].off)
                == (ldx(k::BPF_W), 16, ldx(k::BPF_DW), 32)),
            "no widened load"
        );
        let dir = "/sys/fs/bpf/core-scratch";
        let pin = format!("{dir}/cmp-{}", std::process::id());
        let dump = obj.path.with_extension("xlated");
        let _ = std::fs::create_dir_all(dir);
        let load = Command::new("bpftool").args(["prog", "load"]).arg(&obj.path).arg(&pin).output();
        let loaded = match load {
            Ok(o) if o.status.success() => true,
            Ok(o) if rustix::process::geteuid().is_root() => {
                panic!("bpftool prog load failed: {}", String::from_utf8_lossy(&o.stderr))
            }
            Ok(_) => skip::<()>("loading BPF programs needs root").is_some(),
            Err(e) => skip::<()>(&format!("no bpftool ({e})")).is_some(),
        };
        let dumped = loaded
            && Command::new("bpftool")
                .args(["prog", "dump", "xlated", "pinned", &pin, "file"])
                .arg(&dump)
                .status()
                .is_ok_and(|s| s.success());
        let _ = std::fs::remove_file(&pin);
        let _ = std::fs::remove_dir(dir);
        if !loaded {
            return;
        }
        assert!(dumped, "bpftool prog dump xlated failed");
        let theirs = std::fs::read(&dump).unwrap();
        let ours: Vec<u8> = ours.iter().flat_map(insn_bytes).collect();
        assert_eq!(ours, theirs, "our relocated program differs from what libbpf loaded");
    }
}
