//! Carrying a plan out, all or nothing. New programs load into a staging
//! directory next to the live pins; hooks are attached or swapped (each
//! step logged with its inverse); staged pins are renamed over the live
//! ones; with --prune, what the manifest dropped goes; the state file is
//! written last. A failure before that undoes the hook steps in reverse and
//! puts the pin tree back from the snapshot taken at the start.

use std::collections::HashMap;
use std::fs;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::plan::{AttPlan, Current, ObjPlan, Op, Plan};
use super::snapshot::Snapshot;
use super::sub;
use crate::error::UserError;
use crate::hooks::{self, netns, tc};
use crate::kinds::ObjKind;
use crate::manifest::fields::bad;
use crate::manifest::state::{self, AttachState, ObjState, State};
use crate::manifest::{Dir, Hook, SeedData};
use crate::pins;
use crate::sys::{self, Kind};

/// A step done, and what undoes it.
enum Undo {
    /// A link apply created: end it.
    LinkMade(OwnedFd),
    /// A link moved to `new`: move it back.
    LinkSwapped {
        link: OwnedFd,
        old: OwnedFd,
        new: OwnedFd,
    },
    TcMade {
        ns: Option<String>,
        ifindex: u32,
        dir: Dir,
        prio: u16,
        handle: u32,
        qdisc_added: bool,
    },
    TcSwapped {
        ns: Option<String>,
        ifindex: u32,
        dir: Dir,
        prio: u16,
        handle: u32,
        old: OwnedFd,
        name: String,
    },
}

fn undo(steps: Vec<Undo>) -> Vec<String> {
    let mut problems = Vec::new();
    for u in steps.into_iter().rev() {
        let r: Result<()> = match u {
            // Links without BPF_LINK_DETACH (perf-event based) end when
            // this last fd closes, their pin being gone by the restore.
            Undo::LinkMade(fd) => match sys::bpf_link_detach(fd.as_fd()) {
                Err(e) if matches!(e.errno(), Some(libc::EOPNOTSUPP | libc::EINVAL)) => Ok(()),
                r => r.map_err(Into::into),
            },
            Undo::LinkSwapped { link, old, new } => {
                hooks::link::update(link.as_fd(), old.as_fd(), new.as_fd()).map_err(Into::into)
            }
            Undo::TcMade { ns, ifindex, dir, prio, handle, qdisc_added } => {
                netns::within(ns.as_deref(), || tc::remove(ifindex, dir, prio, handle, qdisc_added))
            }
            Undo::TcSwapped { ns, ifindex, dir, prio, handle, old, name } => netns::within(ns.as_deref(), || {
                let dev = crate::sys::if_name(ifindex).unwrap_or_default();
                tc::set(ifindex, &dev, dir, prio, handle, old.as_fd(), &name, false)
                    .map(drop)
                    .map_err(|e| e.into_nl().into())
            }),
        };
        if let Err(e) = r {
            problems.push(format!("{e:#}"));
        }
    }
    problems
}

/// Carry out `plan`; returns the state to record.
pub fn apply(plan: &Plan, prune: bool, state_file: &Path) -> Result<State> {
    let pin_dir = &plan.manifest.pin_dir;
    let top = open_pin_dir(pin_dir)?;
    sweep_staging(&top);
    let staging_name = std::ffi::OsString::from(format!("{}{}", crate::manifest::STAGING_PREFIX, std::process::id()));
    let staging = pin_dir.join(&staging_name);
    let snap = Snapshot::take(pin_dir, &staging);
    top.mkdir(&staging_name)?;
    let mut log = Vec::new();
    let r = steps(plan, prune, &staging, &mut log).and_then(|s| {
        state::write(state_file, &s)?;
        Ok(s)
    });
    match r {
        Ok(s) => {
            let _ = top.remove_tree(&staging_name);
            Ok(s)
        }
        Err(e) => {
            let mut problems = undo(log);
            let _ = top.remove_tree(&staging_name);
            problems.extend(snap.restore(&staging));
            if problems.is_empty() {
                Err(e.context("nothing was changed (every step was undone)"))
            } else {
                Err(e.context(format!("undoing the steps taken failed in part: {}", problems.join("; "))))
            }
        }
    }
}

/// `pin_dir`, made when missing, opened through file descriptors: on bpffs,
/// no symlink followed, no mount crossed (bpffs::walk's rules).
fn open_pin_dir(pin_dir: &Path) -> Result<crate::bpffs::Dir> {
    let w = crate::bpffs::walk(pin_dir)?;
    let mut dir = w.dir;
    for name in &w.rest {
        dir.mkdir(name)?;
        dir = dir.subdir(name)?;
    }
    Ok(dir)
}

/// Staging directories left by an apply that was killed (SIGKILL, power
/// loss): what they hold was never promoted, so removing them (and with
/// them any link made there) leaves the pins as they were before that
/// apply. A directory whose process still runs is another apply's.
fn sweep_staging(top: &crate::bpffs::Dir) {
    let Ok(names) = top.names() else { return };
    for n in names {
        let Some(pid) = n.to_str().and_then(|s| s.strip_prefix(crate::manifest::STAGING_PREFIX)) else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = top.remove_tree(&n);
        }
    }
}

fn prog_pin(dir: &Path, prog: &str) -> PathBuf {
    dir.join(pins::pin_name(prog))
}

fn map_pins(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir).map(|rd| rd.flatten().map(|e| e.path()).collect()).unwrap_or_default()
}

fn pin_ids(dir: &Path) -> Vec<(PathBuf, u32)> {
    map_pins(dir)
        .into_iter()
        .filter_map(|p| {
            let id = pins::open_any(&p).ok().and_then(|fd| pins::identify(fd.as_fd()))?.1;
            Some((p, id))
        })
        .collect()
}

fn check_stop() -> Result<()> {
    match sys::signal::stop_signal() {
        Some(sig) => Err(crate::error::Interrupted(sig).into()),
        None => Ok(()),
    }
}

fn steps(plan: &Plan, prune: bool, staging: &Path, log: &mut Vec<Undo>) -> Result<State> {
    let m = &plan.manifest;
    let mut st = State { manifest: m.name.clone(), pin_dir: m.pin_dir.display().to_string(), ..plan.state.clone() };
    // 1. Loads, into staging; map pins are made (or reused) in place.
    let mut progs: HashMap<(String, String), (OwnedFd, PathBuf)> = HashMap::new();
    for o in &plan.objects {
        let prev = plan.state.objects.get(&o.spec.name);
        let mut maps = prev.map(|p| p.maps.clone()).unwrap_or_default();
        let dir = if o.op == Op::Unchanged {
            o.dir(&m.pin_dir)
        } else if o.op == Op::Repin {
            repin(o, prev, &m.pin_dir)?;
            o.dir(&m.pin_dir)
        } else {
            check_stop()?;
            let before = pin_ids(&o.spec.map_dir);
            let dir = staging.join(&o.spec.name);
            let replace = o.spec.maps == crate::manifest::MapPolicy::Replace;
            sub::loadall(&o.spec.path, &dir, &o.spec.map_dir, replace, &format!("loading object `{}`", o.spec.name))?;
            // The maps this load created (new pins, or new maps at old pins).
            let made: Vec<PathBuf> =
                pin_ids(&o.spec.map_dir).into_iter().filter(|p| !before.contains(p)).map(|(p, _)| p).collect();
            seed(o, &made)?;
            for p in &made {
                let s = p.display().to_string();
                if !maps.contains(&s) {
                    maps.push(s);
                }
            }
            dir
        };
        let mut ids = std::collections::BTreeMap::new();
        for p in &o.programs {
            let path = prog_pin(&dir, p);
            let fd = pins::open(&path, ObjKind::Prog)
                .with_context(|| format!("opening program `{p}` of `{}`", o.spec.name))?;
            ids.insert(p.clone(), pins::identify(fd.as_fd()).map(|(_, id)| id).unwrap_or(0));
            progs.insert((o.spec.name.clone(), p.clone()), (fd, path));
        }
        st.objects.insert(o.spec.name.clone(), ObjState { sha256: o.sha.clone(), programs: ids, maps });
    }
    // 2. Hooks, in manifest order.
    for a in &plan.attach {
        check_stop()?;
        let (fd, path) = &progs[&(a.spec.object.clone(), a.spec.program.clone())];
        let prog_id = pins::identify(fd.as_fd()).map(|(_, id)| id).unwrap_or(0);
        let prev = plan.state.attachments.get(&a.spec.key());
        let mut rec = AttachState {
            program: format!("{}/{}", a.spec.object, a.spec.program),
            prog_id,
            kind: match a.spec.hook {
                Hook::Xdp { .. } => "xdp",
                Hook::Tc { .. } => "tc",
                Hook::Tcx { .. } => "tcx",
                Hook::Link { .. } => "link",
            }
            .into(),
            netns: a.spec.netns.clone(),
            dev: a.spec.dev().map(str::to_string),
            link_pin: None,
            tc: None,
            qdisc_added: prev.is_some_and(|p| p.qdisc_added),
        };
        if a.op != Op::Unchanged {
            hook(a, fd, path, prog_id, staging, &mut rec, log)
                .with_context(|| format!("{} ({})", a.spec.field, a.spec.key()))?;
        } else if let Some(p) = prev {
            rec.qdisc_added = p.qdisc_added;
        }
        if let Hook::Tc { dir, priority, handle, .. } = a.spec.hook {
            rec.tc = Some((tc::parent(dir), priority, handle));
        } else {
            rec.link_pin = Some(a.link_pin.display().to_string());
        }
        st.attachments.insert(a.spec.key(), rec);
    }
    // 3. The new programs take the live pins' places.
    for o in plan.objects.iter().filter(|o| matches!(o.op, Op::Create | Op::Replace)) {
        promote(o, &m.pin_dir, staging)?;
    }
    // 4. What the manifest no longer lists.
    if prune {
        for (key, a) in &plan.gone_attach {
            detach(a).with_context(|| format!("detaching {key}"))?;
            st.attachments.remove(key);
        }
        for name in &plan.gone_objects {
            remove_object(plan, name, &mut st)?;
        }
    }
    check_stop()?;
    Ok(st)
}

/// Pin the recorded programs again where their pins went missing.
fn repin(o: &ObjPlan, prev: Option<&ObjState>, pin_dir: &Path) -> Result<()> {
    let Some(prev) = prev else { return Ok(()) };
    for (name, id) in &prev.programs {
        let path = prog_pin(&o.dir(pin_dir), name);
        match pins::open_any(&path).ok().and_then(|f| pins::identify(f.as_fd())) {
            Some((ObjKind::Prog, got)) if got == *id => continue,
            // Something else took our pin's name below pin_dir: ours goes back.
            Some(_) => fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?,
            None => {}
        }
        let fd = sys::get_fd_by_id(Kind::Prog, *id).with_context(|| format!("opening program `{name}` (id {id})"))?;
        crate::txn::pin_new(fd.as_fd(), &path, &format!("program `{name}`"))?;
    }
    Ok(())
}

/// Write the object's seeds into the maps this apply created.
fn seed(o: &ObjPlan, made: &[PathBuf]) -> Result<()> {
    for s in &o.spec.seeds {
        let path = o.spec.map_dir.join(pins::pin_name(&s.map));
        if !made.contains(&path) {
            if !path.exists() {
                bail!(UserError::new(
                    format!(
                        "{}.map: object `{}` pins no map `{}` (at {})",
                        s.field,
                        o.spec.name,
                        s.map,
                        path.display()
                    ),
                    "name one of the object's maps (`bpfpin ls MAP_DIR` after an apply)",
                ));
            }
            continue; // reused: its data is kept
        }
        let fd = pins::open(&path, ObjKind::Map)?;
        let info = sys::map_info(fd.as_fd()).context("reading map info")?;
        let typed = crate::typed::typed(&info);
        let mut bytes = Vec::new();
        for (what, data, want, ty) in [
            ("key", &s.key, info.key_size, typed.as_ref().map(|t| t.key)),
            ("value", &s.value, info.value_size, typed.as_ref().map(|t| t.value)),
        ] {
            let field = format!("{}.{what}", s.field);
            let b = match (data, &typed, ty) {
                (SeedData::Bytes(b), _, _) => b.clone(),
                (SeedData::Json(v), Some(t), Some(id)) if id != 0 => {
                    t.btf.from_json(id, v).map_err(|e| bad(&field, format!("{e:#}")))?
                }
                (SeedData::Json(_), _, _) => {
                    return Err(bad(&field, format!("map `{}` has no BTF {what} type; give bytes", s.map)));
                }
            };
            if b.len() != want as usize {
                bail!(UserError::new(
                    format!("{field}: map `{}` has {want}-byte {what}s, {} byte(s) given", s.map, b.len()),
                    format!("give exactly {want} bytes"),
                ));
            }
            bytes.push(b);
        }
        sys::map::update(fd.as_fd(), &bytes[0], &bytes[1], 0)
            .with_context(|| format!("{}: writing the seed entry into map `{}`", s.field, s.map))?;
    }
    Ok(())
}

/// A link kind that cannot change its program (tracepoints, kprobes,
/// perf events): the new link is made first and its pin renamed over the old
/// one, so for a moment both run rather than neither. The old link ends when
/// the plan drops its last fd; until the state is written the snapshot can
/// still put its pin back.
fn make_before_break(a: &AttPlan, target: &[String], prog: &Path, staging: &Path, log: &mut Vec<Undo>) -> Result<()> {
    let tmp = staging.join(format!("link-{}", crate::manifest::link_pin_name(&a.spec.key())));
    netns::within(a.spec.netns.as_deref(), || sub::link_attach(prog, target, &tmp, "attaching the new link"))?;
    let l = pins::open(&tmp, ObjKind::Link)?;
    log.push(Undo::LinkMade(l));
    fs::rename(&tmp, &a.link_pin).with_context(|| format!("moving the new link's pin to {}", a.link_pin.display()))
}

fn hook(
    a: &AttPlan,
    fd: &OwnedFd,
    path: &Path,
    prog_id: u32,
    staging: &Path,
    rec: &mut AttachState,
    log: &mut Vec<Undo>,
) -> Result<()> {
    let ns = a.spec.netns.as_deref();
    match (&a.spec.hook, &a.current) {
        (Hook::Tc { dir, priority, handle, .. }, cur) => netns::within(ns, || {
            let name = a.spec.program.clone();
            let swap = matches!(cur, Current::Filter { .. });
            let old = match cur {
                Current::Filter { prog_id } => Some(
                    sys::get_fd_by_id(Kind::Prog, *prog_id)
                        .with_context(|| format!("opening program id {prog_id} of the tc filter"))?,
                ),
                _ => None,
            };
            let dev = a.spec.dev().unwrap_or_default();
            let (_, added) =
                tc::set(a.ifindex, dev, *dir, *priority, *handle, fd.as_fd(), &name, !swap).map_err(|e| {
                    let e = e.into_nl();
                    let kernel = e.ext.clone().map(|m| format!(" (kernel: {m})")).unwrap_or_default();
                    anyhow::Error::from(e).context(format!("attaching to tc {}{kernel}", dir.name()))
                })?;
            match old {
                Some(old) => log.push(Undo::TcSwapped {
                    ns: ns.map(str::to_string),
                    ifindex: a.ifindex,
                    dir: *dir,
                    prio: *priority,
                    handle: *handle,
                    old,
                    name,
                }),
                None => {
                    rec.qdisc_added = added;
                    log.push(Undo::TcMade {
                        ns: ns.map(str::to_string),
                        ifindex: a.ifindex,
                        dir: *dir,
                        prio: *priority,
                        handle: *handle,
                        qdisc_added: added,
                    })
                }
            }
            Ok(())
        }),
        (hook, Current::Link { fd: link, prog_id: old_id, attached: true }) => {
            // An upgrade in place: the hook never runs without a program.
            let old = sys::get_fd_by_id(Kind::Prog, *old_id).with_context(|| format!("opening program id {old_id}"))?;
            match (hooks::link::update(link.as_fd(), fd.as_fd(), old.as_fd()), hook) {
                (Ok(()), _) => {}
                (Err(e), Hook::Link { target }) if matches!(e.errno(), Some(libc::EOPNOTSUPP | libc::EINVAL)) => {
                    return make_before_break(a, target, path, staging, log);
                }
                (Err(e), _) => {
                    return Err(anyhow::Error::from(e).context(format!(
                        "swapping program id {old_id} for id {prog_id} on link {}",
                        a.link_pin.display()
                    )));
                }
            }
            let link = link.try_clone().context("duplicating the link fd")?;
            log.push(Undo::LinkSwapped { link, old, new: fd.try_clone().context("duplicating the program fd")? });
            Ok(())
        }
        (hook, _) => {
            // New, or its link was detached: a dead pin is replaced (the
            // snapshot puts it back on failure).
            if a.link_pin.exists() {
                fs::remove_file(&a.link_pin)
                    .with_context(|| format!("removing the dead link pin {}", a.link_pin.display()))?;
            }
            if let Some(parent) = a.link_pin.parent() {
                fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
            }
            let link = match hook {
                Hook::Xdp { mode, dev } => netns::within(ns, || {
                    hooks::xdp_link(fd.as_fd(), a.ifindex, *mode).map(|(l, _)| l).map_err(|e| match e.errno() {
                        Some(libc::EBUSY | libc::EEXIST) => UserError::new(
                            format!("{dev} already has an XDP program that this manifest did not attach"),
                            format!("see `bpfpin net show dev {dev}`; detach it first or drop this attachment"),
                        )
                        .into(),
                        _ => anyhow::Error::from(e).context(format!("attaching to {dev} (xdp)")),
                    })
                })?,
                Hook::Tcx { dir, dev } => netns::within(ns, || {
                    hooks::tcx_link(fd.as_fd(), a.ifindex, *dir, 0, None)
                        .map_err(|e| anyhow::Error::from(e).context(format!("attaching to {dev} tcx {}", dir.name())))
                })?,
                Hook::Link { target } => {
                    netns::within(ns, || sub::link_attach(path, target, &a.link_pin, "attaching the link"))?;
                    let l = pins::open(&a.link_pin, ObjKind::Link)?;
                    log.push(Undo::LinkMade(l));
                    return Ok(());
                }
                Hook::Tc { .. } => unreachable!("handled above"),
            };
            let keep = link.try_clone().context("duplicating the link fd")?;
            log.push(Undo::LinkMade(keep));
            crate::txn::pin_new(link.as_fd(), &a.link_pin, "the link")?;
            Ok(())
        }
    }
}

/// Rename the staged program pins over the live ones; programs the new
/// build no longer has lose their pins.
fn promote(o: &ObjPlan, pin_dir: &Path, staging: &Path) -> Result<()> {
    let live = o.dir(pin_dir);
    fs::create_dir_all(&live).with_context(|| format!("creating {}", live.display()))?;
    for p in &o.programs {
        let (from, to) = (prog_pin(&staging.join(&o.spec.name), p), prog_pin(&live, p));
        fs::rename(&from, &to).with_context(|| format!("moving {} to {}", from.display(), to.display()))?;
    }
    let keep: Vec<PathBuf> = o.programs.iter().map(|p| prog_pin(&live, p)).collect();
    for old in map_pins(&live).into_iter().filter(|p| !keep.contains(p)) {
        fs::remove_file(&old).with_context(|| format!("removing the old program pin {}", old.display()))?;
    }
    Ok(())
}

/// End an attachment an earlier apply made.
fn detach(a: &AttachState) -> Result<()> {
    if let Some(pin) = &a.link_pin {
        let pin = Path::new(pin);
        if let Ok(fd) = pins::open(pin, ObjKind::Link) {
            let _ = sys::bpf_link_detach(fd.as_fd());
            fs::remove_file(pin).with_context(|| format!("removing {}", pin.display()))?;
        }
        return Ok(());
    }
    let (Some(dev), Some((parent, prio, handle))) = (&a.dev, a.tc) else { return Ok(()) };
    let dir = if parent == tc::parent(Dir::Egress) { Dir::Egress } else { Dir::Ingress };
    netns::within(a.netns.as_deref(), || {
        let Some(ifindex) = netns::ifindex(dev) else { return Ok(()) };
        match tc::find(ifindex, dir, prio, handle)? {
            // Only the filter apply put there: something else at that place stays.
            Some(f) if f.prog_id == Some(a.prog_id) => tc::remove(ifindex, dir, prio, handle, a.qdisc_added),
            _ => Ok(()),
        }
    })
}

/// Remove an object an earlier apply loaded: its program pins, and the map
/// pins it created unless another object still pins maps there.
fn remove_object(plan: &Plan, name: &str, st: &mut State) -> Result<()> {
    let dir = plan.manifest.pin_dir.join(name);
    for p in map_pins(&dir) {
        fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
    }
    let _ = fs::remove_dir(&dir);
    if let Some(o) = st.objects.remove(name) {
        for m in o.maps {
            let p = Path::new(&m);
            let shared = plan.objects.iter().any(|x| p.parent() == Some(x.spec.map_dir.as_path()));
            if !shared {
                let _ = fs::remove_file(p);
            }
        }
    }
    Ok(())
}
