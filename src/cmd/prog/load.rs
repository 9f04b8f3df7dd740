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
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::attach;
use crate::bpffs::{self, EntryKind, shown};
use crate::cli::{Global, LoadOpts};
use crate::error::UserError;
use crate::guard;
use crate::kinds::ObjKind;
use crate::kinds::map_type_name;
use crate::loader::{self, maps::MapDef};
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
    let obj_name = loader::maps::object_name(obj);
    let parsed = guard::no_panic(&format!("parsing {}", obj.display()), || {
        loader::Object::parse(&data, &obj_name, opts.prog_type.as_deref())
    })
    .map_err(|e| not_loadable(obj, e))?;
    let chosen = choose_programs(&parsed.programs, prog, all, obj)?;
    let attach_prog = attach_prog_fd(&opts)?;

    if all {
        bpffs::check_dir_arg(target, "give loadall a directory for the program pins")?;
    }
    if let Some(d) = &opts.pin_maps {
        bpffs::check_dir_arg(d, "give --pin-maps a directory (it is created when missing)")?;
    }
    let mut txn = Txn::new();
    let prog_pins = program_pins(&mut txn, &parsed.programs, &chosen, target, all)?;
    let mut plan = map_targets(&mut txn, &parsed, &opts)?;
    txn.lock()?;
    for (_, t) in &prog_pins {
        txn.require_free(*t)?;
    }
    decide_maps(&mut txn, &parsed, &opts, &mut plan)?;
    check_signal()?;

    let kernel = loader::kernel::Kernel::new();
    let btf = guard::no_panic("loading the object's BTF", || parsed.load_btf())
        .map_err(|e| e.context(format!("loading the BTF of {}", obj.display())))?;
    let map_fds = create_maps(&mut txn, &parsed, &mut plan, btf.as_ref().map(|b| b.as_fd()), &kernel)?;
    check_signal()?;
    let raw_maps: Vec<i32> = map_fds.iter().map(|f| f.as_raw_fd()).collect();
    let bound = parsed.bind(&raw_maps, &kernel)?;
    let env = loader::Env {
        btf: btf.as_ref().map(|b| b.as_fd()),
        kernel: &kernel,
        attach_prog: attach_prog.as_ref().map(|f| f.as_fd()),
        log_level: log_level(opts.verifier_log),
    };
    let mut report = Vec::new();
    let mut loaded: Vec<(OwnedFd, String)> = Vec::new();
    let mut prog_fds: HashMap<String, i32> = HashMap::new();
    for (p, t) in &prog_pins {
        let def = &parsed.programs[*p];
        let fd = guard::no_panic(&format!("loading program `{}`", def.name), || parsed.load_program(*p, &bound, &env))
            .map_err(|e| explain_rejection(e, opts.verifier_log))?;
        check_signal()?;
        // With autoattach the pin waits until the slots below are filled:
        // an attached program may run at once.
        if !opts.autoattach {
            txn.pin(*t, fd.as_fd(), &format!("program `{}`", def.name))?;
            let id = sys::prog_info(fd.as_fd()).map(|i| i.info.id).unwrap_or(0);
            report.push(format!("program {} (id {id}, {}) pinned at {}", def.name, def.section, shown(txn.path(*t))));
        }
        prog_fds.insert(def.name.clone(), fd.as_raw_fd());
        loaded.push((fd, def.section.clone()));
    }
    // Static slots (`.values = { [i] = &prog }`) of the maps made here;
    // a reused map keeps what it holds.
    let fresh: Vec<Option<std::os::fd::BorrowedFd<'_>>> =
        plan.iter().zip(&map_fds).map(|(m, fd)| (!matches!(m.fate, Fate::Reuse { .. })).then(|| fd.as_fd())).collect();
    parsed.init_slots(&fresh, &raw_maps, &prog_fds)?;
    // Links live only as fds until the commit: a failure drops them, and
    // with them every attachment made here.
    let mut links: Vec<OwnedFd> = Vec::new();
    if opts.autoattach {
        for ((p, t), (fd, _)) in prog_pins.iter().zip(&loaded) {
            let line = autoattach(&mut txn, *t, fd.as_fd(), &parsed.programs[*p], &mut links, g.nomount)?;
            report.push(line);
            check_signal()?;
        }
    }
    for (m, fd) in plan.iter().zip(&map_fds) {
        if let Some(line) = describe_map(fd.as_fd(), m, &txn) {
            report.push(line);
        }
    }
    check_signal()?;
    // The commit point: after it, the new state stands even if we are
    // killed (the next command finishes the moves).
    txn.commit()?;
    let records: Vec<(sys::ProgInfo, &str)> =
        loaded.iter().filter_map(|(fd, section)| Some((sys::prog_info(fd.as_fd()).ok()?, section.as_str()))).collect();
    crate::attach::record::save(&records);
    drop(links);
    drop(loaded);

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

/// `autoattach`: attaches the program to the hook its section names and
/// pins the link at the program's target in place of the program; a
/// program whose section names no complete hook is pinned as a program.
/// Returns the report line.
fn autoattach(
    txn: &mut Txn,
    t: Target,
    fd: std::os::fd::BorrowedFd<'_>,
    def: &loader::Program,
    links: &mut Vec<OwnedFd>,
    nomount: bool,
) -> Result<String> {
    let info = sys::prog_info(fd).with_context(|| format!("reading program `{}`", def.name))?;
    let id = info.info.id;
    let prog = attach::Prog { fd, info: &info, section: Some(def.section.clone()), nomount };
    let path = shown(txn.path(t));
    let Some(hook) = attach::from_section(&prog)? else {
        txn.pin(t, fd, &format!("program `{}`", def.name))?;
        let why = attach::needs_target(&def.section);
        return Ok(format!("program {} (id {id}, {}) pinned at {path} (not attached: {why})", def.name, def.section));
    };
    let mut made = attach::attach(&prog, &hook)
        .with_context(|| format!("attaching program `{}` (section {})", def.name, def.section))?;
    let link = match (made.pop(), made.is_empty()) {
        (Some(attach::Attached { link, sub: None }), true) => link,
        _ => bail!(UserError::new(
            format!("program `{}`: its section makes several links, which autoattach cannot pin at one path", def.name),
            "load it without autoattach and attach it with `bpfpin link attach PROG TARGET PATH`",
        )),
    };
    txn.pin(t, link.as_fd(), &format!("the link of program `{}`", def.name))?;
    let link_id = sys::link_info(link.as_fd()).map(|i| i.id).unwrap_or(0);
    links.push(link);
    Ok(format!("program {} (id {id}, {}) attached, link id {link_id} pinned at {path}", def.name, def.section))
}

/// `--attach-prog PROG`: a program selector (`id N`, `id:N`, `pinned P`,
/// a bare path).
fn attach_prog_fd(opts: &LoadOpts) -> Result<Option<OwnedFd>> {
    let Some(given) = &opts.attach_prog else { return Ok(None) };
    let words: Vec<String> = match given.as_slice() {
        [one] => match one.split_once(':') {
            Some((kw @ ("id" | "pinned" | "name" | "tag"), rest)) => vec![kw.to_string(), rest.to_string()],
            _ => one.split_whitespace().map(str::to_string).collect(),
        },
        more => more.to_vec(),
    };
    let mut w = Words::new("prog load --attach-prog", &words);
    let sel = w.take_prog()?;
    w.expect_end()?;
    crate::resolve::prog(&sel).map(Some)
}

/// bpftool's keyword forms, folded into the flag options.
fn with_keywords(opts: &LoadOpts, words: &[String]) -> Result<LoadOpts> {
    let mut o = opts.clone();
    let mut w = Words::new("prog load", words);
    while let Some(word) = w.next() {
        match word {
            "autoattach" => o.autoattach = true,
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

/// An object the loader refused. Its sentences say what is wrong; those that
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

fn choose_programs(progs: &[loader::Program], want: Option<&str>, all: bool, obj: &Path) -> Result<Vec<usize>> {
    if progs.is_empty() {
        if all {
            // An object of maps only: bpftool loads and pins its maps.
            return Ok(Vec::new());
        }
        bail!(UserError::new(
            format!("{} has no programs", obj.display()),
            "check the object's SEC() annotations; `prog loadall OBJ DIR --pin-maps MAPDIR` pins the maps of an object without programs",
        ));
    }
    if all {
        return Ok((0..progs.len()).collect());
    }
    match want {
        None => Ok(vec![0]),
        Some(name) => match progs.iter().position(|p| p.name == name) {
            Some(p) => Ok(vec![p]),
            None => bail!(UserError::new(
                format!("{} has no program `{name}`", obj.display()),
                format!("choose one of: {}", progs.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")),
            )),
        },
    }
}

fn program_pins(
    txn: &mut Txn,
    progs: &[loader::Program],
    chosen: &[usize],
    target: &Path,
    all: bool,
) -> Result<Vec<(usize, Target)>> {
    if !all {
        return Ok(vec![(chosen[0], txn.target(target)?)]);
    }
    chosen.iter().map(|&p| Ok((p, txn.target(&target.join(pins::pin_name(&progs[p].name)))?))).collect()
}

/// What happens to one map of the object.
struct MapPlan {
    name: String,
    /// Where the map's pin goes (--pin-maps, or LIBBPF_PIN_BY_NAME).
    target: Option<Target>,
    /// `--map NAME=MAP`: the map it names.
    given: Option<MapSel>,
    fate: Fate,
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

/// The object's map a `--map NAME=` names: libbpf's name, or for global
/// data also its section (`.bss`), as bpfpin named those before.
fn find_map(parsed: &loader::Object<'_>, name: &str) -> Option<usize> {
    parsed.maps.iter().position(|m| m.name == name).or_else(|| {
        parsed.maps.iter().position(|m| match m.origin {
            loader::maps::Origin::Data { section } => parsed.elf.section_name(section) == name,
            loader::maps::Origin::Kconfig => name == ".kconfig",
            _ => false,
        })
    })
}

/// Where each map's pin would go; nothing is looked at yet.
fn map_targets(txn: &mut Txn, parsed: &loader::Object<'_>, opts: &LoadOpts) -> Result<Vec<MapPlan>> {
    let order: Vec<&str> = parsed.maps.iter().map(|m| m.name.as_str()).collect();
    let mut given: HashMap<usize, MapSel> = HashMap::new();
    for s in &opts.maps {
        let (name, sel) = parse_map_ref(s)?;
        let index = if let Some(idx) = name.strip_prefix('#') {
            let i: usize = idx.parse().unwrap_or(usize::MAX);
            if i >= order.len() {
                bail!(UserError::new(
                    format!("the object has no map with index {idx}"),
                    format!("it has {} maps: {}", order.len(), order.join(", ")),
                ));
            }
            i
        } else {
            find_map(parsed, &name).ok_or_else(|| {
                UserError::new(format!("the object has no map `{name}`"), format!("its maps are: {}", order.join(", ")))
            })?
        };
        given.insert(index, sel);
    }
    let mut plan = Vec::new();
    for (i, def) in parsed.maps.iter().enumerate() {
        let sel = given.remove(&i);
        let path = match (&sel, opts.pin_maps.as_deref(), def.pin_by_name) {
            (Some(_), _, _) => None,
            (None, Some(dir), _) => Some(dir.join(pins::pin_name(&def.name))),
            (None, None, true) => Some(Path::new(pins::BPFFS_ROOT).join(pins::pin_name(&def.name))),
            (None, None, false) => None,
        };
        let target = path.map(|p| txn.target(&p)).transpose()?;
        plan.push(MapPlan { name: def.name.clone(), target, given: sel, fate: Fate::Unpinned });
    }
    Ok(plan)
}

/// Under the lock: reuse, replace or create each map, checking that a
/// reused map is one the object's programs can use.
fn decide_maps(txn: &mut Txn, parsed: &loader::Object<'_>, opts: &LoadOpts, plan: &mut [MapPlan]) -> Result<()> {
    for (m, def) in plan.iter_mut().zip(&parsed.maps) {
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
        // A frozen map (.rodata, .kconfig) holds what this object says and
        // cannot be rewritten: it is replaced, not reused.
        if opts.replace_maps || def.freeze {
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
fn check_compatible(fd: std::os::fd::BorrowedFd<'_>, def: &MapDef, name: &str, what: &str) -> Result<()> {
    let info = sys::map_info(fd).with_context(|| format!("reading map {what}"))?;
    let mut diffs = Vec::new();
    if info.type_ != def.map_type {
        diffs.push(format!("type {} vs {}", map_type_name(info.type_), map_type_name(def.map_type)));
    }
    if info.key_size != def.key_size {
        diffs.push(format!("key {}B vs {}B", info.key_size, def.key_size));
    }
    if info.value_size != def.value_size {
        diffs.push(format!("value {}B vs {}B", info.value_size, def.value_size));
    }
    if def.max_entries != 0 && info.max_entries != def.max_entries {
        diffs.push(format!("max_entries {} vs {}", info.max_entries, def.max_entries));
    }
    if info.map_flags != def.map_flags {
        diffs.push(format!("flags {:#x} vs {:#x}", info.map_flags, def.map_flags));
    }
    if diffs.is_empty() {
        return Ok(());
    }
    bail!(UserError::new(
        format!("cannot reuse {what} for map `{name}`: pinned map differs from the object's ({})", diffs.join(", ")),
        "use --replace-maps to pin a fresh map, or remove the old pin with `bpfpin map rm`",
    ))
}

/// Every map of the object, in its order: reused ones as they are, the
/// others created (with their initial contents) and, when they have a
/// target, pinned in staging. Reused maps are never written.
fn create_maps(
    txn: &mut Txn,
    parsed: &loader::Object<'_>,
    plan: &mut [MapPlan],
    btf: Option<std::os::fd::BorrowedFd<'_>>,
    kernel: &loader::kernel::Kernel,
) -> Result<Vec<OwnedFd>> {
    let mut fds = Vec::with_capacity(plan.len());
    for (i, m) in plan.iter().enumerate() {
        let fd = match &m.fate {
            Fate::Reuse { fd, .. } => fd.try_clone().with_context(|| format!("duplicating map `{}`", m.name))?,
            _ => guard::no_panic(&format!("creating map `{}`", m.name), || parsed.create_map(i, btf, kernel))?,
        };
        if let (Fate::New | Fate::Replace, Some(t)) = (&m.fate, m.target) {
            txn.pin(t, fd.as_fd(), &format!("map `{}`", m.name))?;
        }
        fds.push(fd);
        check_signal()?;
    }
    Ok(fds)
}

/// One verification with a small log for the default (the reason and the
/// statistics, which always fit), the instruction-level trace only when
/// asked: a complex program's trace is huge and costs time to write.
fn log_level(full: bool) -> u32 {
    const LEVEL1: u32 = 1;
    const STATS: u32 = 4;
    if full { LEVEL1 | STATS } else { STATS }
}

/// A program the kernel refused: the verifier's reason with the tail of
/// its log, or, without a log, the kernel's errno (error.rs gives its fix).
fn explain_rejection(e: anyhow::Error, full_log: bool) -> anyhow::Error {
    let Some(r) = e.downcast_ref::<loader::Rejected>() else { return e };
    let last = rejection_reason(&r.log);
    if last.is_empty() && r.error.raw_os_error() == Some(libc::EPERM) && sys::euid() == 0 {
        return UserError::new(
            format!(
                "the kernel refused to load program `{}`: Operation not permitted, although bpfpin runs as root",
                r.prog
            ),
            "this kernel does not allow that program type or attach target (lockdown: see \
             /sys/kernel/security/lockdown; some kernels refuse fentry/fexit/lsm); check `dmesg`",
        )
        .into();
    }
    if last.is_empty() {
        let io = std::io::Error::from_raw_os_error(r.error.raw_os_error().unwrap_or(libc::EINVAL));
        return anyhow::Error::new(io).context(format!("the kernel refused to load program `{}`", r.prog));
    }
    print_verifier_log(&r.prog, &r.log, full_log);
    if !r.core.is_empty() {
        return UserError::new(
            format!(
                "the verifier rejected program `{}`: it reached an instruction a CO-RE relocation could not resolve \
                 against this kernel ({})",
                r.prog,
                if r.core.len() > 3 {
                    format!("{}; and {} more", r.core[..3].join("; "), r.core.len() - 3)
                } else {
                    r.core.join("; ")
                }
            ),
            "guard the access with bpf_core_field_exists()/bpf_core_type_exists(), or build for this kernel's types",
        )
        .into();
    }
    UserError::new(
        format!("the verifier rejected program `{}` ({}): {last}", r.prog, r.error),
        if full_log {
            "fix the program where the log above points".to_string()
        } else {
            "see the log above; add --verifier-log for all of it".to_string()
        },
    )
    .into()
}

/// The line that says why the verifier refused, skipping the statistics it
/// prints after it (`verification time`, `stack depth`, `processed N insns`),
/// so the error names the cause, not the stack size.
fn rejection_reason(log: &str) -> &str {
    const TRAILERS: &[&str] = &["processed ", "verification time", "stack depth", "max_states_per_insn"];
    let line = log
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty() && !TRAILERS.iter().any(|t| l.starts_with(t)))
        .unwrap_or("");
    // Some kernel messages lack their newline, so the statistics run on.
    match line.find("verification time") {
        Some(i) if i > 0 => line[..i].trim_end(),
        _ => line,
    }
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

fn describe_map(fd: std::os::fd::BorrowedFd<'_>, m: &MapPlan, txn: &Txn) -> Option<String> {
    let id = sys::map_info(fd).map_or(0, |i| i.id);
    match &m.fate {
        Fate::Reuse { by_selector: true, .. } => Some(format!("map {} (id {id}) reused", m.name)),
        Fate::Reuse { shown, .. } => Some(format!("map {} (id {id}) reused from {shown}", m.name)),
        Fate::New | Fate::Replace => Some(format!("map {} (id {id}) pinned at {}", m.name, shown(txn.path(m.target?)))),
        Fate::Unpinned => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejection_reason_skips_statistics() {
        let log = "8: (b7) r1 = 1\n9: (db) lock *(u64 *)(r0 +0) += r1\nR0 invalid mem access 'map_value_or_null'\nverification time 121 usec\nstack depth 8\nprocessed 9 insns (limit 1000000) max_states_per_insn 0\n";
        assert_eq!(rejection_reason(log), "R0 invalid mem access 'map_value_or_null'");
        assert_eq!(rejection_reason(""), "");
        let merged = "expected prog array map for tail callverification time 32 usec\nstack depth 0\n";
        assert_eq!(rejection_reason(merged), "expected prog array map for tail call");
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
