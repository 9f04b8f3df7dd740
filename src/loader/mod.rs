//! The object loader bpfpin owns: ELF → maps → relocated programs → kernel.
//!
//! aya 0.14's `EbpfLoader` parses all of vmlinux BTF and probes kernel
//! features on every load (~35 ms even for a two-instruction XDP program),
//! and aya-obj 0.3 has no externs (`.kconfig`, `.ksyms`, kfuncs), no BTF
//! attach targets, no static prog-array initialisation, refuses flexible
//! array accesses in CO-RE relocations and names global-data maps unlike
//! libbpf. So every stage from the ELF file to `BPF_PROG_LOAD` lives here,
//! one file per stage; aya-obj is kept for the kernel's generated
//! definitions (`aya_obj::generated`).
//!
//! Stages, in the order a load runs them:
//! - `elf`: sections, symbols, relocations, license, programs and functions.
//! - `sections`: a program's section name → program type, expected attach
//!   type and attach target (libbpf's names and the legacy ones).
//! - `maps`: map definitions (legacy `maps`, BTF `.maps`, global data,
//!   `.kconfig`) with libbpf's names and their static initial slots.
//! - `kernel`: the running kernel's BTF (vmlinux and modules, read only when
//!   an object needs it), kallsyms and kconfig.
//! - `externs`: `.kconfig`/`.ksyms` variables and kfunc calls resolved
//!   against `kernel`.
//! - `core`: CO-RE relocations.
//! - `btf_fixup`: the object's BTF made loadable (DATASEC sizes and offsets,
//!   extern sections) and loaded, with the kernel's log on failure.
//! - `link`: a program's instructions with its subprograms appended and
//!   every map, data and extern reference relocated.
pub mod btf_fixup;
pub mod core;
pub mod elf;
pub mod externs;
pub mod kernel;
pub mod link;
pub mod maps;
pub mod sections;

use std::collections::HashMap;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};

use anyhow::{Context, Result, anyhow, bail};
use aya_obj::generated::{BPF_F_RDONLY_PROG, bpf_map_type};

use crate::btf::BtfKind;
use crate::error::UserError;
use crate::sys;
use elf::Elf;
use externs::{Extern, ExternKind, Resolved};
use kernel::Kernel;
use link::{ExtInfo, ExtRef, Refs};
use maps::{MapDef, Origin};
use sections::{KernelKind, SecSpec, Target};

/// One program of the object and how it loads.
#[derive(Debug, Clone)]
pub struct Program {
    /// Index into `Elf::funcs`.
    pub func: usize,
    pub name: String,
    pub section: String,
    pub spec: SecSpec,
}

/// An object parsed and checked; nothing is in the kernel yet.
pub struct Object<'d> {
    pub elf: Elf<'d>,
    /// libbpf's object name (internal map names start with it).
    pub name: String,
    /// Maps in libbpf's order (`map idx N`), `.kconfig` last.
    pub maps: Vec<MapDef>,
    pub programs: Vec<Program>,
    externs: Vec<Extern>,
    ext: ExtInfo,
}

/// The verifier (or the kernel before it) refused a program.
#[derive(Debug)]
pub struct Rejected {
    pub prog: String,
    pub error: std::io::Error,
    pub log: String,
    /// Why an instruction the verifier reached was poisoned by a CO-RE
    /// relocation that found nothing in the kernel's BTF.
    pub core: Vec<String>,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the kernel refused to load program `{}`: {}", self.prog, self.error)
    }
}

impl std::error::Error for Rejected {}

/// What loading one program needs from the command.
pub struct Env<'a> {
    pub btf: Option<BorrowedFd<'a>>,
    pub kernel: &'a Kernel,
    /// `--attach-prog`: the program an extension (freplace) replaces into.
    pub attach_prog: Option<BorrowedFd<'a>>,
    /// Verifier log level bits (1 instructions, 2 verbose, 4 statistics).
    pub log_level: u32,
}

/// References the programs are relocated against, resolved once.
pub struct Bound {
    refs: Refs,
    /// Module BTF fds the relocated instructions name: kept open until the
    /// programs are loaded.
    _keep: Vec<std::sync::Arc<OwnedFd>>,
}

fn user(msg: String, fix: impl Into<String>) -> anyhow::Error {
    UserError::new(msg, fix.into()).into()
}

impl<'d> Object<'d> {
    /// Parses `data`; `force_type` is `--type` (bpftool's `type`).
    pub fn parse(data: &'d [u8], obj_name: &str, force_type: Option<&str>) -> Result<Object<'d>> {
        let elf = Elf::parse(data)?;
        let forced = match force_type {
            Some(t) => Some(sections::from_type(t).ok_or_else(|| {
                user(
                    format!("unknown --type `{t}`: not a program type bpfpin knows"),
                    "use a bpftool program type name (xdp, tc, socket, kprobe, tracepoint, cgroup/skb, ...)",
                )
            })?),
            None => None,
        };
        let mut programs = Vec::new();
        for (i, f) in elf.funcs.iter().enumerate().filter(|(_, f)| f.program) {
            let own = sections::spec(&f.section_name);
            let spec = match (&forced, own) {
                // The forced type wins, but a section of that same type keeps
                // its expected attach type and target.
                (Some(t), Some(s)) if s.prog_type == t.prog_type => s,
                (Some(t), _) => t.clone(),
                (None, Some(s)) => s,
                (None, None) => bail!(UserError::new(
                    format!(
                        "program `{}` is in section `{}`, which names no program type bpfpin knows",
                        f.name, f.section_name
                    ),
                    "give the type with --type (bpftool: `type`), e.g. --type xdp",
                )),
            };
            programs.push(Program { func: i, name: f.name.clone(), section: f.section_name.clone(), spec });
        }
        let mut maps = match maps::collect(&elf.file, elf.btf.as_ref(), obj_name) {
            Ok(m) => m,
            // Map definitions are read from the BTF: when the kernel refuses
            // that BTF itself, its reason is the one that explains both.
            Err(e) => return Err(btf_reason(&elf).unwrap_or(e)),
        };
        // A struct_ops map registers its programs with the kernel when it is
        // created: that is an attach, not part of a load (issue 12's
        // `struct_ops register`), so loading leaves it out.
        maps.retain(|m| !matches!(m.origin, Origin::StructOps { .. }));
        let externs = externs::collect(&elf.file)?;
        let kconfig = externs::kconfig_size(&externs);
        if kconfig > 0 {
            // libbpf's `.kconfig` map: one read-only, frozen array value.
            maps.push(MapDef {
                map_type: bpf_map_type::BPF_MAP_TYPE_ARRAY as u32,
                key_size: 4,
                value_size: kconfig,
                max_entries: 1,
                map_flags: BPF_F_RDONLY_PROG,
                freeze: true,
                ..maps::empty(maps::internal_name(obj_name, ".kconfig"), Origin::Kconfig)
            });
        }
        let ext = ExtInfo::parse(elf.btf_ext, elf.btf.as_ref())?;
        Ok(Object { elf, name: obj_name.to_string(), maps, programs, externs, ext })
    }

    /// The object's BTF, fixed up and loaded; None when it has none.
    pub fn load_btf(&self) -> Result<Option<OwnedFd>> {
        let Some(raw) = self.elf.btf_raw else { return Ok(None) };
        let kconfig: Vec<(String, u32)> = self
            .externs
            .iter()
            .filter_map(|e| match e.kind {
                ExternKind::Kconfig { offset, .. } => Some((e.name.clone(), offset)),
                _ => None,
            })
            .collect();
        let layout = (!kconfig.is_empty())
            .then(|| btf_fixup::KconfigLayout { offsets: kconfig, size: externs::kconfig_size(&self.externs) });
        let fixed = btf_fixup::fixup(raw, &Facts(&self.elf), layout.as_ref())?;
        btf_fixup::load(&fixed).map(Some)
    }

    /// Creates map `i` with its initial contents (and frozen when libbpf
    /// freezes it). `.kconfig` reads the running kernel's configuration.
    pub fn create_map(&self, i: usize, btf: Option<BorrowedFd<'_>>, kernel: &Kernel) -> Result<OwnedFd> {
        let def = self.maps.get(i).ok_or_else(|| anyhow!("no map {i}"))?;
        let fd = create_one(def, btf).map_err(|e| {
            let einval =
                e.chain().any(|c| c.downcast_ref::<sys::SysError>().is_some_and(|s| s.errno() == Some(libc::EINVAL)));
            if einval {
                user(
                    format!(
                        "the kernel refused to create map `{}` as the object defines it ({}, key {} B, value {} B, \
                         max_entries {}, flags {:#x})",
                        def.name,
                        crate::kinds::map_type_name(def.map_type),
                        def.key_size,
                        def.value_size,
                        def.max_entries,
                        def.map_flags
                    ),
                    "fix the definition in the source: e.g. max_entries 0, a ring buffer with a key or value \
                     type, or a value size that map type does not allow",
                )
            } else {
                e.context(format!("creating map `{}`", def.name))
            }
        })?;
        let data = match def.origin {
            Origin::Kconfig => Some(externs::kconfig_data(&self.externs, kernel)?),
            _ => def.data.clone(),
        };
        if let Some(d) = data {
            let mut value = d;
            value.resize(def.value_size as usize, 0);
            sys::map::update(fd.as_fd(), &0u32.to_ne_bytes(), &value, 0)
                .with_context(|| format!("writing the initial contents of map `{}`", def.name))?;
        }
        if def.freeze {
            sys::map::freeze(fd.as_fd()).with_context(|| format!("freezing map `{}`", def.name))?;
        }
        Ok(fd)
    }

    /// Resolves externs and binds every relocation target to its fd.
    /// `map_fds` runs parallel to `self.maps`.
    pub fn bind(&self, map_fds: &[RawFd], kernel: &Kernel) -> Result<Bound> {
        let mut refs = Refs::default();
        let mut kconfig_fd = None;
        for (def, &fd) in self.maps.iter().zip(map_fds) {
            match def.origin {
                Origin::Legacy { symbol } | Origin::Btf { symbol } | Origin::StructOps { symbol } => {
                    refs.maps.insert(symbol, fd);
                }
                Origin::Data { section } => {
                    refs.data.insert(section, fd);
                }
                Origin::Kconfig => kconfig_fd = Some(fd),
            }
        }
        let mut keep = Vec::new();
        if !self.externs.is_empty() {
            let resolved = externs::resolve(&self.externs, kernel)?;
            for (n, (e, r)) in self.externs.iter().zip(resolved).enumerate() {
                let kfunc = matches!(e.kind, ExternKind::Kfunc { .. });
                let to = match r {
                    Resolved::KconfigOffset(offset) => {
                        let fd = kconfig_fd.ok_or_else(|| anyhow!("no .kconfig map for `{}`", e.name))?;
                        ExtRef::MapValue { fd, offset }
                    }
                    Resolved::Address(a) => ExtRef::Const(a),
                    Resolved::BtfVar { btf_id, module } => {
                        let btf_fd = module.map_or(0, |m| {
                            let fd = m.fd.as_raw_fd();
                            keep.push(m.fd);
                            fd
                        });
                        ExtRef::BtfVar { id: btf_id, btf_fd }
                    }
                    Resolved::Kfunc { btf_id, module } => {
                        let btf_fd = module.map_or(0, |m| {
                            let fd = m.fd.as_raw_fd();
                            keep.push(m.fd);
                            fd
                        });
                        ExtRef::Kfunc { id: btf_id, btf_fd }
                    }
                    Resolved::Missing if kfunc => ExtRef::MissingKfunc(n as u32),
                    Resolved::Missing => ExtRef::Const(0),
                };
                refs.externs.insert(e.symbol, to);
            }
        }
        Ok(Bound { refs, _keep: keep })
    }

    /// Links, relocates and loads program `p` (an index into `programs`).
    pub fn load_program(&self, p: usize, bound: &Bound, env: &Env<'_>) -> Result<OwnedFd> {
        let prog = self.programs.get(p).ok_or_else(|| anyhow!("no program {p}"))?;
        let linked = link::link(&self.elf, prog.func, &bound.refs, &self.ext)
            .with_context(|| format!("relocating program `{}`", prog.name))?;
        let core = self.core_records(&linked);
        let (attach_btf_id, attach_fd, _module, member) = self.attach_target(prog, env)?;
        // Statistics and the verifier's reason fit in 16 KiB (the kernel
        // keeps the tail of a longer log); the instruction trace asked for
        // with --verifier-log starts at 16 MiB and grows.
        let mut log = vec![0u8; if env.log_level & 3 != 0 { 16 << 20 } else { 16 << 10 }];
        let mut level = env.log_level;
        loop {
            let mut attr = sys::prog_load::ProgLoad {
                prog_type: prog.spec.prog_type,
                expected_attach_type: member.or(prog.spec.expected_attach_type).unwrap_or(0),
                insns: &linked.insns,
                license: &self.elf.license,
                kern_version: self.elf.kern_version,
                prog_flags: prog.spec.prog_flags,
                name: &prog.name,
                btf_fd: env.btf.map(|b| b.as_raw_fd()),
                func_info: if env.btf.is_some() { &linked.func_info } else { &[] },
                line_info: if env.btf.is_some() { &linked.line_info } else { &[] },
                core_relos: if env.btf.is_some() { &core } else { &[] },
                attach_btf_id,
                attach_fd,
                fd_array: &linked.fd_array,
                log_level: level,
                log: &mut log,
            };
            match sys::prog_load::load(&mut attr) {
                Ok(fd) => return Ok(fd),
                // A full instruction log did not fit: the kernel kept its
                // tail; the user asked for all of it, so grow and retry.
                Err(e) if e.errno() == Some(libc::ENOSPC) && env.log_level & 3 != 0 && log.len() < (1 << 30) => {
                    let n = log.len() * 8;
                    log = vec![0u8; n];
                }
                // Even the statistics-only log overflowed (a huge program's
                // warnings): the kernel fails such a load, so load it as
                // libbpf does, without a log.
                Err(e) if e.errno() == Some(libc::ENOSPC) && level == env.log_level && env.log_level & 3 == 0 => {
                    level = 0;
                }
                Err(e) => {
                    let end = log.iter().position(|&b| b == 0).unwrap_or(log.len());
                    let log = String::from_utf8_lossy(&log[..end]).into_owned();
                    let poison = format!("unknown#{}", core::POISON_IMM);
                    let core = if log.contains(&poison) { self.explain_core(prog, &linked, env) } else { Vec::new() };
                    return Err(Rejected { prog: prog.name.clone(), error: e.source, log, core }.into());
                }
            }
        }
    }

    /// The kernel applied the CO-RE relocations and poisoned some; running
    /// our own engine (the same algorithm) on the program says which type
    /// and field found no match. Best effort: only explains a failure.
    fn explain_core(&self, prog: &Program, linked: &link::Linked, env: &Env<'_>) -> Vec<String> {
        let (Some(ext), Some(local)) = (self.elf.btf_ext, self.elf.btf.as_ref()) else { return Vec::new() };
        let Ok(vmlinux) = env.kernel.vmlinux() else { return Vec::new() };
        let Ok(relos) = core::parse_relos(ext, local) else { return Vec::new() };
        let mut at: HashMap<(usize, u64), usize> = HashMap::new();
        for (i, o) in linked.origins.iter().enumerate() {
            at.insert(*o, i);
        }
        let mut list = Vec::new();
        for (&(sec, off), &i) in &at {
            let name = self.elf.section_name(sec);
            for r in relos.get(&name).into_iter().flatten() {
                if u64::from(r.insn_off) == off {
                    list.push((i, r));
                }
            }
        }
        list.sort_by_key(|(i, _)| *i);
        let mut insns = linked.insns.clone();
        let mut cands = core::Candidates::new();
        match core::relocate_with(&mut insns, &list, local, &[vmlinux], &prog.name, &mut cands) {
            Ok(p) => p.into_iter().map(|p| format!("instruction {}: {}", p.insn, p.why)).collect(),
            Err(e) => vec![format!("{e:#}")],
        }
    }

    /// `.BTF.ext` CO-RE records moved to the linked program, for the
    /// kernel to apply (BPF_PROG_LOAD `core_relos`, Linux 5.17+): it runs
    /// the same relocation algorithm as libbpf against its own BTF.
    fn core_records(&self, linked: &link::Linked) -> Vec<[u32; 4]> {
        if self.ext.core.is_empty() {
            return Vec::new();
        }
        let mut at: HashMap<(usize, u64), usize> = HashMap::new();
        for (i, o) in linked.origins.iter().enumerate() {
            at.insert(*o, i);
        }
        let mut out = Vec::new();
        let mut sections: Vec<usize> = linked.origins.iter().map(|o| o.0).collect();
        sections.dedup();
        sections.sort_unstable();
        sections.dedup();
        for s in sections {
            let name = self.elf.section_name(s);
            for r in self.ext.core.get(&name).into_iter().flatten() {
                if let Some(&i) = at.get(&(s, u64::from(r[0]))) {
                    out.push([(i * 8) as u32, r[1], r[2], r[3]]);
                }
            }
        }
        out
    }

    /// The BTF id (and module BTF or target program fd) a program with a
    /// load-time attach target needs.
    #[allow(clippy::type_complexity)]
    fn attach_target(
        &self,
        prog: &Program,
        env: &Env<'_>,
    ) -> Result<(u32, Option<RawFd>, Option<kernel::ModuleBtf>, Option<u32>)> {
        match &prog.spec.target {
            Target::None => Ok((0, None, None, None)),
            Target::Unnamed => bail!(UserError::new(
                format!("program `{}` is in section `{}`, which names no attach target", prog.name, prog.section),
                format!("name the target in the section, e.g. SEC(\"{}/NAME\"), and rebuild", prog.section),
            )),
            Target::Kernel { name, kind, module } => {
                let k = match kind {
                    KernelKind::Func => BtfKind::Func,
                    KernelKind::Typedef => BtfKind::Typedef,
                };
                let found = match module {
                    Some(m) => env.kernel.find_target(&format!("{m}:{name}"), "", k)?,
                    None => env.kernel.find(name, k)?,
                };
                let found = found.ok_or_else(|| {
                    user(
                        format!(
                            "program `{}` (section `{}`) attaches to `{name}`, which is not in the kernel's BTF \
                             (vmlinux and module BTF under /sys/kernel/btf)",
                            prog.name, prog.section
                        ),
                        "check the name in the section (e.g. `bpftool btf dump file /sys/kernel/btf/vmlinux | grep NAME`)",
                    )
                })?;
                let fd = found.module.as_ref().map(|m| m.fd.as_raw_fd());
                Ok((found.id, fd, found.module, None))
            }
            Target::Program { func } => {
                let Some(target) = env.attach_prog else {
                    bail!(UserError::new(
                        format!(
                            "program `{}` (section `{}`) replaces function `{func}` of another program",
                            prog.name, prog.section
                        ),
                        "name that program with --attach-prog PROG (e.g. --attach-prog id 42, or pinned PATH)",
                    ));
                };
                let info = sys::prog_info(target).context("reading the --attach-prog program")?;
                if info.info.btf_id == 0 {
                    bail!(UserError::new(
                        "the --attach-prog program has no BTF, so none of its functions can be replaced",
                        "load the target program from an object built with `-g`",
                    ));
                }
                let raw = sys::btf_raw(info.info.btf_id).context("reading the --attach-prog program's BTF")?;
                let btf = crate::btf::Btf::parse(&raw)?;
                let id = btf.find_by_name_kind(func, BtfKind::Func).ok_or_else(|| {
                    user(
                        format!("the --attach-prog program has no function `{func}` for `{}` to replace", prog.name),
                        "check the name after `freplace/` against the target program's global functions",
                    )
                })?;
                Ok((id, Some(target.as_raw_fd()), None, None))
            }
            Target::StructOps => {
                let slots = struct_ops::slots(&self.elf)?;
                let Some((st, member)) = slots.get(&prog.name) else {
                    bail!(UserError::new(
                        format!(
                            "struct_ops program `{}` is not used by any .struct_ops variable of the object",
                            prog.name
                        ),
                        "set it as a member of a `SEC(\".struct_ops\")` struct, or load another program",
                    ));
                };
                let found = env.kernel.find(st, BtfKind::Struct)?.ok_or_else(|| {
                    user(
                        format!(
                            "struct_ops program `{}` implements `struct {st}`, which this kernel does not have",
                            prog.name
                        ),
                        "check that the kernel (or its module) providing that struct_ops type is loaded",
                    )
                })?;
                let kernel_btf = match &found.module {
                    Some(_) => None,
                    None => Some(env.kernel.vmlinux()?),
                };
                let index = kernel_btf
                    .and_then(|b| b.resolve(found.id).ok().and_then(|id| b.composite_members(id)))
                    .and_then(|m| m.iter().position(|x| &x.name == member))
                    .ok_or_else(|| {
                        user(
                            format!(
                                "struct_ops program `{}` fills `{st}.{member}`, which this kernel's struct lacks",
                                prog.name
                            ),
                            "build the object against this kernel's vmlinux.h",
                        )
                    })?;
                let fd = found.module.as_ref().map(|m| m.fd.as_raw_fd());
                Ok((found.id, fd, found.module, Some(index as u32)))
            }
        }
    }

    /// Fills static slots (`.values = { [i] = &prog }`) of maps bpfpin
    /// created; `map_fds[i]` is None for a reused map, which is left as it is.
    pub fn init_slots(
        &self,
        map_fds: &[Option<BorrowedFd<'_>>],
        all_maps: &[RawFd],
        prog_fds: &HashMap<String, RawFd>,
    ) -> Result<()> {
        for (def, fd) in self.maps.iter().zip(map_fds) {
            let Some(fd) = fd else { continue };
            for (slot, sym) in &def.init {
                let value = if let Some(p) = prog_fds.get(sym) {
                    *p
                } else if let Some(k) = self.maps.iter().position(|m| &m.name == sym) {
                    match all_maps.get(k) {
                        Some(m) => *m,
                        None => continue,
                    }
                } else {
                    // A program that was not loaded (`prog load --prog`).
                    continue;
                };
                sys::map::update(*fd, &slot.to_ne_bytes(), &(value as u32).to_ne_bytes(), 0)
                    .with_context(|| format!("setting slot {slot} of map `{}` to `{sym}`", def.name))?;
            }
        }
        Ok(())
    }
}

/// The kernel's reason for refusing the object's BTF, if it does.
fn btf_reason(elf: &Elf<'_>) -> Option<anyhow::Error> {
    let raw = elf.btf_raw?;
    let fixed = btf_fixup::fixup(raw, &Facts(elf), None).ok()?;
    btf_fixup::load(&fixed).err()
}

/// BPF_MAP_CREATE for one definition (its inner template first).
fn create_one(def: &MapDef, btf: Option<BorrowedFd<'_>>) -> Result<OwnedFd> {
    let inner = def.inner.as_deref().map(|i| create_one(i, btf)).transpose()?;
    let mut max_entries = def.max_entries;
    if def.map_type == bpf_map_type::BPF_MAP_TYPE_PERF_EVENT_ARRAY as u32 && max_entries == 0 {
        // libbpf's rule: one slot per possible CPU.
        max_entries = sys::possible_cpus().map(|n| n as u32).unwrap_or(1);
    }
    let ringbuf = [bpf_map_type::BPF_MAP_TYPE_RINGBUF as u32, bpf_map_type::BPF_MAP_TYPE_USER_RINGBUF as u32];
    if ringbuf.contains(&def.map_type) {
        // libbpf's rule: a power-of-two number of pages (5000 becomes 8192).
        max_entries = maps::ringbuf_entries(max_entries, sys::probe::page_size());
    }
    let mut attr = sys::map::CreateAttr {
        map_type: def.map_type,
        key_size: def.key_size,
        value_size: def.value_size,
        max_entries,
        map_flags: def.map_flags,
        name: &def.name,
        inner_map: inner.as_ref().map(|f| f.as_fd()),
        map_extra: def.map_extra,
        btf_fd: btf.map(|b| b.as_raw_fd()),
        btf_key_type_id: def.btf_key_type_id,
        btf_value_type_id: def.btf_value_type_id,
        btf_vmlinux_value_type_id: 0,
        numa_node: def.numa_node,
    };
    if btf.is_none() || def.btf_value_type_id == 0 {
        attr.btf_fd = None;
        attr.btf_key_type_id = 0;
        attr.btf_value_type_id = 0;
    }
    match sys::map::create(&attr) {
        Ok(fd) => Ok(fd),
        // As libbpf: a kernel that refuses the BTF types for this map still
        // gets the map, without them.
        Err(e) if attr.btf_fd.is_some() && e.errno() == Some(libc::EINVAL) => {
            attr.btf_fd = None;
            attr.btf_key_type_id = 0;
            attr.btf_value_type_id = 0;
            sys::map::create(&attr).map_err(|_| e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// The ELF facts the BTF fixup needs.
struct Facts<'a, 'd>(&'a Elf<'d>);

impl btf_fixup::ElfFacts for Facts<'_, '_> {
    fn section_size(&self, name: &str) -> Option<u32> {
        self.0.section_size(name).and_then(|s| u32::try_from(s).ok())
    }
    fn symbol_offset(&self, section: &str, symbol: &str) -> Option<u32> {
        use object::{Object as _, ObjectSection as _, ObjectSymbol as _};
        let sec = self.0.file.section_by_name(section)?.index();
        self.0
            .file
            .symbols()
            .find(|s| s.section_index() == Some(sec) && s.name() == Ok(symbol))
            .and_then(|s| u32::try_from(s.address()).ok())
    }
    // libbpf's rule; `<bpf/usdt.bpf.h>`'s `__weak __hidden` helpers verify
    // only as static subprograms (their pointer arguments are checked
    // with the caller's context).
    fn symbol_hidden(&self, symbol: &str) -> bool {
        use object::{Object as _, ObjectSymbol as _, SymbolFlags};
        self.0.file.symbols().any(|s| {
            s.name() == Ok(symbol)
                && (s.is_global() || s.is_weak())
                && matches!(s.flags(), SymbolFlags::Elf { st_other, .. }
                    if matches!(st_other & 3, object::elf::STV_HIDDEN | object::elf::STV_INTERNAL))
        })
    }
}
pub mod struct_ops;
