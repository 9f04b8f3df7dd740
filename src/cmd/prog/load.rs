//! `prog load` / `prog loadall`: any object clang produces, all or nothing.
//!
//! Every check that can fail without side effects runs first (paths,
//! object parsing, map compatibility), under a lock on the directories the
//! pins go to. Then aya creates maps and programs load; every new pin is
//! made in a staging directory (`txn`) and the whole result is renamed into
//! place at the end. A failure, Ctrl-C or SIGTERM removes the staging
//! directory; a SIGKILL leaves it for the next bpfpin command to sweep.
//! Existing pins are never touched before the commit, and reused maps are
//! never written (see `Redirect`).

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use aya::maps::Map;
use aya::programs::{Program, ProgramError};
use aya::{Ebpf, EbpfLoader, VerifierLogLevel};
use aya_obj::EbpfSectionKind;

use crate::bpffs::{self, EntryKind, shown};
use crate::cli::{Global, LoadOpts};
use crate::error::UserError;
use crate::guard;
use crate::kinds::ObjKind;
use crate::kinds::map_type_name;
use crate::objfile::{self, ProgSection};
use crate::output::Out;
use crate::pins;
use crate::select::{MapSel, Words};
use crate::sys;
use crate::txn::{Target, Txn};

fn check_signal() -> Result<()> {
    match sys::signal::stop_signal() {
        Some(sig) => Err(crate::error::Interrupted(sig).into()),
        None => Ok(()),
    }
}

/// How many verifier log lines to show when not asked for all of them.
const LOG_TAIL: usize = 12;

#[allow(clippy::too_many_arguments)]
pub fn load(
    g: &Global,
    out: &mut Out,
    obj: &Path,
    target: &Path,
    prog: Option<&str>,
    opts: &LoadOpts,
    words: &[String],
    all: bool,
) -> Result<()> {
    let opts = with_keywords(opts, words)?;
    pins::ensure_mounted(g.nomount)?;
    // From here a signal means "undo and stop", not "die half-way".
    sys::signal::catch_stop_signals().context("installing the signal handlers")?;

    let data = read_object(obj)?;
    let prepared = guard::no_panic("checking the ELF layout", || objfile::prepare(&data, opts.prog_type.as_deref()))
        .map_err(|e| not_loadable(obj, e))?;
    let parsed = guard::no_panic(&format!("parsing {}", obj.display()), || {
        aya_obj::Object::parse(&prepared.bytes).map_err(|e| objfile::parse_error(obj, &e))
    })?;
    let chosen = choose_programs(&prepared.programs, prog, all, obj)?;

    if all {
        bpffs::check_dir_arg(target, "give loadall a directory for the program pins")?;
    }
    if let Some(d) = &opts.pin_maps {
        bpffs::check_dir_arg(d, "give --pin-maps a directory (it is created when missing)")?;
    }
    let mut txn = Txn::new();
    let prog_pins = program_pins(&mut txn, &chosen, target, all)?;
    let mut plan = map_targets(&mut txn, &parsed, &opts)?;
    txn.lock()?;
    for (_, t) in &prog_pins {
        txn.require_free(*t)?;
    }
    decide_maps(&mut txn, &parsed, &opts, &mut plan)?;
    check_signal()?;

    let mut ebpf = create_maps(&mut txn, &prepared.bytes, &mut plan, obj, opts.verifier_log)?;
    check_signal()?;
    let mut report = Vec::new();
    for (p, t) in &prog_pins {
        let program = ebpf
            .program_mut(&p.name)
            .with_context(|| format!("program `{}` is missing after parsing {}", p.name, obj.display()))?;
        guard::no_panic(&format!("loading program `{}`", p.name), || load_program(program, p, opts.verifier_log))?;
        check_signal()?;
        let fd = program.fd().with_context(|| format!("program `{}` has no fd after loading", p.name))?;
        txn.pin(*t, fd.as_fd(), &format!("program `{}`", p.name))?;
        let id = program.info().map(|i| i.id()).unwrap_or(0);
        report.push(format!("program {} (id {id}, {}) pinned at {}", p.name, p.loaded_as, shown(txn.path(*t))));
    }
    for m in &plan {
        if let Some(line) = describe_map(&ebpf, m, &txn) {
            report.push(line);
        }
    }
    check_signal()?;
    // The commit point: after it, the new state stands even if we are
    // killed (the next command finishes the moves).
    txn.commit()?;
    // aya unloads what it owns on drop; the pins keep what we pinned alive.
    drop(ebpf);

    if out.is_json() {
        out.done()?;
    } else {
        let w = out.writer();
        for line in report {
            writeln!(w, "{line}")?;
        }
    }
    Ok(())
}

/// bpftool's keyword forms, folded into the flag options.
fn with_keywords(opts: &LoadOpts, words: &[String]) -> Result<LoadOpts> {
    let mut o = opts.clone();
    let mut w = Words::new("prog load", words);
    while let Some(word) = w.next() {
        match word {
            "type" => o.prog_type = Some(w.require("a program type")?.to_string()),
            "pinmaps" => o.pin_maps = Some(w.take_path("a directory for map pins")?),
            "map" => {
                let how = w.require("`name` or `idx`")?;
                let key = match how {
                    "name" => w.require("a map name")?.to_string(),
                    "idx" => format!("#{}", w.take_u32("a map index")?),
                    other => bail!(UserError::new(
                        format!("`map` must be followed by `name` or `idx`, got `{other}`"),
                        "write `map name NAME pinned PATH` or `map idx N id ID`",
                    )),
                };
                let sel = w.take_map()?;
                o.maps.push(format!("{key}={}", sel_to_string(&sel)));
            }
            other => bail!(UserError::new(
                format!("`prog load` does not take `{other}`"),
                "see `bpfpin prog load --help` (bpftool forms: type T, pinmaps DIR, map name NAME MAP, map idx N MAP)",
            )),
        }
    }
    Ok(o)
}

fn sel_to_string(sel: &MapSel) -> String {
    match sel {
        MapSel::Id(id) => format!("id {id}"),
        MapSel::Pinned(p) => format!("pinned {}", p.display()),
        MapSel::Name(n) => format!("name {n}"),
    }
}

/// `--map NAME=MAP`: MAP is a selector, written `id 3`, `id:3`, `pinned P`
/// or a bare path.
fn parse_map_ref(s: &str) -> Result<(String, MapSel)> {
    let Some((name, sel)) = s.split_once('=') else {
        bail!(UserError::new(
            format!("--map `{s}` has no `=`"),
            "write --map NAME=MAP, e.g. --map counters=/sys/fs/bpf/counters or --map counters=id:12"
        ));
    };
    let words: Vec<String> = match sel.split_once(':') {
        Some((kw @ ("id" | "pinned" | "name"), rest)) => vec![kw.to_string(), rest.to_string()],
        _ => sel.split_whitespace().map(str::to_string).collect(),
    };
    let mut w = Words::new("prog load --map", &words);
    let m = w.take_map()?;
    w.expect_end()?;
    Ok((name.to_string(), m))
}

/// The largest object `prog load` reads. clang's objects are kilobytes to
/// a few megabytes; this bound keeps `/dev/zero` or a mistaken disk image
/// from eating the machine's memory.
const MAX_OBJECT: u64 = 128 << 20;

/// Reads the object: a regular file (checked on the opened file, so it cannot
/// change in between) of at most MAX_OBJECT bytes.
fn read_object(obj: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    const FIX: &str = "give the path of a .o file built with `clang -target bpf -c`";
    // O_NONBLOCK: opening a FIFO must not wait for a writer before the
    // regular-file check below refuses it; regular files ignore the flag.
    let f = fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(obj).map_err(|e| {
        let msg = if e.kind() == io::ErrorKind::NotFound {
            format!("{} does not exist", obj.display())
        } else {
            format!("cannot read {}: {e}", obj.display())
        };
        UserError::new(msg, FIX)
    })?;
    let meta = f.metadata().with_context(|| format!("reading {}", obj.display()))?;
    if meta.is_dir() {
        bail!(UserError::new(format!("{} is a directory, not a BPF object", obj.display()), FIX));
    }
    if !meta.is_file() {
        bail!(UserError::new(
            format!("{} is not a regular file (a device, pipe or socket), so it is no BPF object", obj.display()),
            FIX
        ));
    }
    if meta.len() > MAX_OBJECT {
        bail!(UserError::new(
            format!(
                "{} is {} MiB, more than the {} MiB a BPF object can sensibly be",
                obj.display(),
                meta.len() >> 20,
                MAX_OBJECT >> 20
            ),
            "check the path: BPF objects are kilobytes to a few megabytes",
        ));
    }
    let mut data = Vec::with_capacity(meta.len() as usize);
    // take(): a file that grows while being read still stops at the bound.
    f.take(MAX_OBJECT)
        .read_to_end(&mut data)
        .map_err(|e| UserError::new(format!("cannot read {}: {e}", obj.display()), FIX))?;
    Ok(data)
}

/// An object `objfile` refused. Its sentences say what is wrong; those that
/// come without a remedy of their own get the generic one.
fn not_loadable(obj: &Path, e: anyhow::Error) -> anyhow::Error {
    if e.chain().any(|c| c.downcast_ref::<UserError>().is_some()) {
        return e.context(format!("reading {}", obj.display()));
    }
    UserError::new(
        format!("{} is not a loadable BPF object: {e:#}", obj.display()),
        "give a .o file built with `clang -O2 -g -target bpf -c FILE.c`",
    )
    .into()
}

fn choose_programs<'a>(
    progs: &'a [ProgSection],
    want: Option<&str>,
    all: bool,
    obj: &Path,
) -> Result<Vec<&'a ProgSection>> {
    if progs.is_empty() {
        bail!(UserError::new(format!("{} has no programs", obj.display()), "check the object's SEC() annotations"));
    }
    if all {
        return Ok(progs.iter().collect());
    }
    match want {
        None => Ok(vec![&progs[0]]),
        Some(name) => match progs.iter().find(|p| p.name == name) {
            Some(p) => Ok(vec![p]),
            None => bail!(UserError::new(
                format!("{} has no program `{name}`", obj.display()),
                format!("choose one of: {}", progs.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")),
            )),
        },
    }
}

fn program_pins<'a>(
    txn: &mut Txn,
    chosen: &[&'a ProgSection],
    target: &Path,
    all: bool,
) -> Result<Vec<(&'a ProgSection, Target)>> {
    if !all {
        return Ok(vec![(chosen[0], txn.target(target)?)]);
    }
    chosen.iter().map(|p| Ok((*p, txn.target(&target.join(pins::pin_name(&p.name)))?))).collect()
}

/// What happens to one map of the object.
struct MapPlan {
    name: String,
    /// Where the map's pin goes (--pin-maps, or LIBBPF_PIN_BY_NAME).
    target: Option<Target>,
    /// `--map NAME=MAP`: the map it names.
    given: Option<MapSel>,
    fate: Fate,
    /// The object gives the map initial contents (.data, .bss, .rodata).
    initial_data: bool,
}

enum Fate {
    /// Not pinned: lives as long as the programs using it.
    Unpinned,
    /// Created, pinned at the target at commit.
    New,
    /// Created, replacing the map pinned at the target at commit.
    Replace,
    /// An existing map is used as it is; `shown` says where it came from.
    Reuse { fd: OwnedFd, shown: String, by_selector: bool },
}

/// Map names in the object's order, for bpftool's `map idx N`.
fn map_order(parsed: &aya_obj::Object) -> Vec<String> {
    let mut maps: Vec<(&String, &aya_obj::Map)> = parsed.maps.iter().collect();
    maps.sort_by_key(|(name, m)| (m.section_index(), m.symbol_index().unwrap_or(0), (*name).clone()));
    maps.into_iter().map(|(n, _)| n.clone()).collect()
}

/// Where each map's pin would go; nothing is looked at yet.
fn map_targets(txn: &mut Txn, parsed: &aya_obj::Object, opts: &LoadOpts) -> Result<Vec<MapPlan>> {
    let order = map_order(parsed);
    let mut given: HashMap<String, MapSel> = HashMap::new();
    for s in &opts.maps {
        let (mut name, sel) = parse_map_ref(s)?;
        if let Some(idx) = name.strip_prefix('#') {
            let i: usize = idx.parse().unwrap_or(usize::MAX);
            name = order.get(i).cloned().ok_or_else(|| {
                UserError::new(
                    format!("the object has no map with index {idx}"),
                    format!("it has {} maps: {}", order.len(), order.join(", ")),
                )
            })?;
        }
        if !parsed.maps.contains_key(&name) {
            bail!(UserError::new(
                format!("the object has no map `{name}`"),
                format!("its maps are: {}", order.join(", "))
            ));
        }
        given.insert(name, sel);
    }
    let mut plan = Vec::new();
    for name in &order {
        let def = &parsed.maps[name];
        let by_name = def.pinning() == aya_obj::maps::PinningType::ByName;
        let sel = given.remove(name);
        let path = match (&sel, opts.pin_maps.as_deref(), by_name) {
            (Some(_), _, _) => None,
            (None, Some(dir), _) => Some(dir.join(pins::pin_name(name))),
            (None, None, true) => Some(Path::new(pins::BPFFS_ROOT).join(pins::pin_name(name))),
            (None, None, false) => None,
        };
        let target = path.map(|p| txn.target(&p)).transpose()?;
        plan.push(MapPlan {
            name: name.clone(),
            target,
            given: sel,
            fate: Fate::Unpinned,
            initial_data: !def.data().is_empty(),
        });
    }
    Ok(plan)
}

/// Under the lock: reuse, replace or create each map, checking that a
/// reused map is one the object's programs can use.
fn decide_maps(txn: &mut Txn, parsed: &aya_obj::Object, opts: &LoadOpts, plan: &mut [MapPlan]) -> Result<()> {
    for m in plan.iter_mut() {
        let def = &parsed.maps[&m.name];
        if let Some(sel) = &m.given {
            let fd = crate::resolve::map(sel)?;
            let what = sel_to_string(sel);
            check_compatible(fd.as_fd(), def, &m.name, &what)?;
            m.fate = Fate::Reuse { fd, shown: what, by_selector: true };
            continue;
        }
        let Some(t) = m.target else { continue };
        let Some(e) = txn.existing(t)? else {
            m.fate = Fate::New;
            continue;
        };
        let path = txn.path(t).to_path_buf();
        // Reused or replaced, it must be a map: --replace-maps replaces
        // maps, never a program pin or a directory that sits there.
        let fd = existing_map_pin(&path, e.kind, &m.name)?;
        // aya would rewrite and re-freeze a reused .rodata map and fail:
        // its contents come from the object anyway, so it is replaced.
        let rodata = def.section_kind() == EbpfSectionKind::Rodata;
        if opts.replace_maps || rodata {
            txn.replace(t, e.id);
            m.fate = Fate::Replace;
        } else {
            check_compatible(fd.as_fd(), def, &m.name, &shown(&path))?;
            m.fate = Fate::Reuse { fd, shown: shown(&path), by_selector: false };
        }
    }
    Ok(())
}

/// The map pinned where map `name` goes; anything else there is refused.
fn existing_map_pin(path: &Path, kind: EntryKind, name: &str) -> Result<OwnedFd> {
    let what = if kind == EntryKind::Dir {
        "a directory".to_string()
    } else {
        let fd = pins::open_any(path)?;
        match pins::kind_of(fd.as_fd()) {
            Some(ObjKind::Map) => return Ok(fd),
            Some(kind) => format!("a pinned {kind}"),
            None => "not a BPF object".to_string(),
        }
    };
    bail!(UserError::new(
        format!("cannot pin map `{name}` at {}: it is {what}, not a map", shown(path)),
        "remove it, or choose another --pin-maps directory (--replace-maps replaces only maps)",
    ))
}

/// Reuse only a map that the object's programs can use as they expect.
fn check_compatible(fd: std::os::fd::BorrowedFd<'_>, def: &aya_obj::Map, name: &str, what: &str) -> Result<()> {
    let info = sys::map_info(fd).with_context(|| format!("reading map {what}"))?;
    let mut diffs = Vec::new();
    if info.type_ != def.map_type() {
        diffs.push(format!("type {} vs {}", map_type_name(info.type_), map_type_name(def.map_type())));
    }
    if info.key_size != def.key_size() {
        diffs.push(format!("key {}B vs {}B", info.key_size, def.key_size()));
    }
    if info.value_size != def.value_size() {
        diffs.push(format!("value {}B vs {}B", info.value_size, def.value_size()));
    }
    if def.max_entries() != 0 && info.max_entries != def.max_entries() {
        diffs.push(format!("max_entries {} vs {}", info.max_entries, def.max_entries()));
    }
    if info.map_flags != def.map_flags() {
        diffs.push(format!("flags {:#x} vs {:#x}", info.map_flags, def.map_flags()));
    }
    if diffs.is_empty() {
        return Ok(());
    }
    bail!(UserError::new(
        format!("cannot reuse {what} for map `{name}`: pinned map differs from the object's ({})", diffs.join(", ")),
        "use --replace-maps to pin a fresh map, or remove the old pin with `bpfpin map rm`",
    ))
}

/// aya creates every map here. New maps are pinned in staging; an existing
/// map is handed over through a scratch pin in staging (aya takes existing
/// maps only as paths).
///
/// aya 0.14 writes the object's initial section data into every map with
/// initial data, even one it opened from a pin (`MapData::finalize`), which
/// would reset a reused `.bss` counter on every reload and lose what the
/// programs count meanwhile. So for those aya gets a scratch map to write
/// into, and before any program is loaded the descriptor it relocated the
/// programs against is redirected to the reused map: the reused map is
/// never written by the load.
fn create_maps(txn: &mut Txn, bytes: &[u8], plan: &mut [MapPlan], obj: &Path, full_log: bool) -> Result<Ebpf> {
    let mut loader = EbpfLoader::new();
    loader.allow_unsupported_maps();
    loader.verifier_log_level(log_level(full_log));
    let mut paths: Vec<(String, PathBuf)> = Vec::new();
    for m in plan.iter() {
        let path = match (&m.fate, m.target) {
            (Fate::Reuse { .. }, _) if m.initial_data => Some(txn.scratch_path()?),
            (Fate::Reuse { fd, .. }, _) => Some(txn.scratch_pin(fd.as_fd())?),
            (Fate::New | Fate::Replace, Some(t)) => Some(txn.pin_path(t)?),
            _ => None,
        };
        if let Some(p) = path {
            paths.push((m.name.clone(), p));
        }
    }
    for (name, p) in &paths {
        loader.map_pin_path(name.as_str(), p.as_path());
    }
    let ebpf = guard::no_panic(&format!("loading {}", obj.display()), || loader.load(bytes).map_err(Into::into))
        .map_err(|e| {
            let msg = format!("{} could not be loaded: {e}", obj.display());
            e.context(msg)
        })?;
    for m in plan.iter() {
        if let Fate::Reuse { fd, .. } = &m.fate
            && m.initial_data
        {
            let Some(Map::Array(data)) = ebpf.map(&m.name) else {
                bail!("map `{}` with initial data is not an array after loading", m.name);
            };
            sys::redirect_fd(fd.as_fd(), data.fd().as_fd().as_raw_fd())
                .with_context(|| format!("handing the reused map `{}` to the programs", m.name))?;
        }
    }
    Ok(ebpf)
}

/// One verification with a small log for the default (the reason and the
/// statistics, which always fit), the instruction-level trace only when
/// asked: aya retries with a larger buffer each time a log does not fit,
/// and a complex program's trace never fits, costing one full verification
/// per retry.
fn log_level(full: bool) -> VerifierLogLevel {
    if full { VerifierLogLevel::DEBUG | VerifierLogLevel::STATS } else { VerifierLogLevel::STATS }
}

fn load_program(p: &mut Program, sec: &ProgSection, full_log: bool) -> Result<()> {
    let r = match p {
        Program::KProbe(x) => x.load(),
        Program::UProbe(x) => x.load(),
        Program::TracePoint(x) => x.load(),
        Program::SocketFilter(x) => x.load(),
        Program::ReusePortSocketFilter(x) => x.load(),
        Program::Xdp(x) => x.load(),
        Program::SkMsg(x) => x.load(),
        Program::SkSkb(x) => x.load(),
        Program::CgroupSockAddr(x) => x.load(),
        Program::SockOps(x) => x.load(),
        Program::SchedClassifier(x) => x.load(),
        Program::CgroupSkb(x) => x.load(),
        Program::CgroupSysctl(x) => x.load(),
        Program::CgroupSockopt(x) => x.load(),
        Program::LircMode2(x) => x.load(),
        Program::PerfEvent(x) => x.load(),
        Program::RawTracePoint(x) => x.load(),
        Program::FlowDissector(x) => x.load(),
        Program::SkLookup(x) => x.load(),
        Program::SkReuseport(x) => x.load(),
        Program::CgroupSock(x) => x.load(),
        Program::CgroupDevice(x) => x.load(),
        Program::Lsm(_)
        | Program::LsmCgroup(_)
        | Program::BtfTracePoint(_)
        | Program::FEntry(_)
        | Program::FExit(_)
        | Program::Extension(_)
        | Program::Iter(_) => bail!(UserError::new(
            format!(
                "program `{}` (section `{}`) needs an attach target at load time, which bpfpin cannot give yet",
                sec.name, sec.section
            ),
            "load it with bpftool, or choose another program with --prog",
        )),
    };
    match r {
        Ok(()) => Ok(()),
        Err(ProgramError::LoadError { io_error, verifier_log }) => {
            let log = verifier_log.to_string();
            let last = rejection_reason(&log);
            if last.is_empty() {
                // No log: the kernel refused before verifying (EPERM without
                // privileges, ENOMEM, ...); the errno table gives the fix.
                return Err(
                    anyhow::Error::new(io_error).context(format!("the kernel refused to load program `{}`", sec.name))
                );
            }
            print_verifier_log(&sec.name, &log, full_log);
            bail!(UserError::new(
                format!("the verifier rejected program `{}` ({io_error}): {last}", sec.name),
                if full_log {
                    "fix the program where the log above points".to_string()
                } else {
                    "see the log above; add --verifier-log for all of it".to_string()
                },
            ))
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("loading program `{}`", sec.name))),
    }
}

/// The line that says why the verifier refused, skipping the statistics it
/// prints after it (`verification time`, `stack depth`, `processed N insns`),
/// so the error names the cause, not the stack size.
fn rejection_reason(log: &str) -> &str {
    const TRAILERS: &[&str] = &["processed ", "verification time", "stack depth", "max_states_per_insn"];
    log.lines().rev().map(str::trim).find(|l| !l.is_empty() && !TRAILERS.iter().any(|t| l.starts_with(t))).unwrap_or("")
}

fn print_verifier_log(name: &str, log: &str, full: bool) {
    let lines: Vec<&str> = log.lines().collect();
    let start = if full { 0 } else { lines.len().saturating_sub(LOG_TAIL) };
    let mut err = io::stderr().lock();
    if start > 0 {
        let _ = writeln!(err, "verifier log for `{name}` (last {LOG_TAIL} of {} lines):", lines.len());
    } else {
        let _ = writeln!(err, "verifier log for `{name}`:");
    }
    for l in &lines[start..] {
        let _ = writeln!(err, "  {l}");
    }
}

fn describe_map(ebpf: &Ebpf, m: &MapPlan, txn: &Txn) -> Option<String> {
    let id = |fd: std::os::fd::BorrowedFd<'_>| sys::map_info(fd).map_or(0, |i| i.id);
    match &m.fate {
        Fate::Reuse { fd, by_selector: true, .. } => Some(format!("map {} (id {}) reused", m.name, id(fd.as_fd()))),
        Fate::Reuse { fd, shown, .. } => Some(format!("map {} (id {}) reused from {shown}", m.name, id(fd.as_fd()))),
        Fate::New | Fate::Replace => {
            let t = m.target?;
            let map_id = map_fd_id(ebpf, &m.name).unwrap_or(0);
            Some(format!("map {} (id {map_id}) pinned at {}", m.name, shown(txn.path(t))))
        }
        Fate::Unpinned => None,
    }
}

/// The id of a map aya created, through its public `MapData` fd.
fn map_fd_id(ebpf: &Ebpf, name: &str) -> Option<u32> {
    let data = match ebpf.map(name)? {
        Map::Array(d) | Map::HashMap(d) | Map::PerCpuArray(d) | Map::PerCpuHashMap(d) | Map::LruHashMap(d) => d,
        Map::PerCpuLruHashMap(d) | Map::ProgramArray(d) | Map::RingBuf(d) | Map::PerfEventArray(d) => d,
        Map::SockMap(d) | Map::SockHash(d) | Map::Queue(d) | Map::Stack(d) | Map::LpmTrie(d) => d,
        Map::BloomFilter(d) | Map::DevMap(d) | Map::DevMapHash(d) | Map::CpuMap(d) | Map::XskMap(d) => d,
        Map::ArrayOfMaps(d) | Map::HashOfMaps(d) | Map::StackTraceMap(d) | Map::Unsupported(d) => d,
        Map::CgroupArray(d) | Map::CgroupStorage(d) | Map::PerCpuCgroupStorage(d) | Map::SkStorage(d) => d,
        Map::CgrpStorage(d) | Map::InodeStorage(d) | Map::ReusePortSockArray(d) => d,
    };
    sys::map_info(data.fd().as_fd()).ok().map(|i| i.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejection_reason_skips_statistics() {
        let log = "8: (b7) r1 = 1\n9: (db) lock *(u64 *)(r0 +0) += r1\nR0 invalid mem access 'map_value_or_null'\nverification time 121 usec\nstack depth 8\nprocessed 9 insns (limit 1000000) max_states_per_insn 0\n";
        assert_eq!(rejection_reason(log), "R0 invalid mem access 'map_value_or_null'");
        assert_eq!(rejection_reason(""), "");
    }

    #[test]
    fn map_refs() {
        let (n, s) = parse_map_ref("counters=/sys/fs/bpf/c").unwrap();
        assert_eq!((n.as_str(), s), ("counters", MapSel::Pinned("/sys/fs/bpf/c".into())));
        let (_, s) = parse_map_ref("c=id:12").unwrap();
        assert_eq!(s, MapSel::Id(12));
        let (_, s) = parse_map_ref("c=id 12").unwrap();
        assert_eq!(s, MapSel::Id(12));
        assert!(parse_map_ref("c").is_err());
        assert!(parse_map_ref("c=nonsense").is_err());
    }

    #[test]
    fn keyword_forms_fold_into_options() {
        let words: Vec<String> = "type xdp pinmaps /sys/fs/bpf/m map name cnt pinned /sys/fs/bpf/c map idx 1 id 7"
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let o = with_keywords(&LoadOpts::default(), &words).unwrap();
        assert_eq!(o.prog_type.as_deref(), Some("xdp"));
        assert_eq!(o.pin_maps.as_deref(), Some(Path::new("/sys/fs/bpf/m")));
        assert_eq!(o.maps, vec!["cnt=pinned /sys/fs/bpf/c".to_string(), "#1=id 7".to_string()]);
        let bad: Vec<String> = vec!["dev".into(), "eth0".into()];
        assert!(with_keywords(&LoadOpts::default(), &bad).is_err());
    }
}
