//! Attaching to tracepoints, raw tracepoints, BTF-targeted programs (tp_btf, fentry, fexit, fmod_ret, lsm, freplace) and iterators.
//!
//! A tracepoint attaches through a perf event (its id from tracefs)
//! handed to BPF_LINK_CREATE, so the attachment is a pinnable link; the
//! perf event's fd can be closed, the link holds the event. Raw and
//! BTF-typed tracepoints, fentry/fexit and extensions attach through
//! BPF_RAW_TRACEPOINT_OPEN, whose fd is a link; iterators through
//! BPF_LINK_CREATE with BPF_TRACE_ITER.

use std::ffi::CString;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use aya_obj::generated::{bpf_attach_type, perf_type_id};

use super::{Attached, Prog, errno_text, refused};
use crate::error::UserError;
use crate::select::{MapSel, Words};
use crate::sys;
use crate::sys::link::Extra;

/// The words that start this family's TARGET.
pub const KEYWORDS: &[&str] = &[
    "tracepoint",
    "raw_tp",
    "raw_tracepoint",
    "raw_tp.w",
    "tp_btf",
    "fentry",
    "fexit",
    "fmod_ret",
    "lsm",
    "freplace",
    "iter",
];

#[derive(Debug, Clone, PartialEq)]
pub enum Hook {
    /// `tracepoint CATEGORY:NAME`.
    Tracepoint { category: String, name: String },
    /// `raw_tp NAME` (raw_tracepoint, raw_tp.w: the same call).
    RawTp { name: String },
    /// tp_btf, fentry, fexit, fmod_ret, lsm, freplace: the target was
    /// fixed when the program loaded; `kind` is the keyword.
    Fixed { kind: String },
    /// `iter [map MAP | cgroup PATH [order ORDER]]`.
    Iter(Iter),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Iter {
    /// task, bpf_map, bpf_prog, ... iterators: no parameter.
    Plain,
    /// bpf_map_elem, bpf_sk_storage_map, sockmap iterators: the map walked.
    Map(MapSel),
    /// cgroup iterators: where to start and in which order
    /// (`enum bpf_cgroup_iter_order`; pre-order unless told).
    Cgroup { path: PathBuf, order: u32 },
}

/// `enum bpf_cgroup_iter_order`, by the words `iter cgroup ... order` takes.
const ORDERS: &[(&str, u32)] = &[("self", 1), ("pre", 2), ("post", 3), ("up", 4)];

/// Parses TARGET; the first word is one of KEYWORDS.
pub fn parse(w: &mut Words<'_>, _prog: &Prog<'_>) -> Result<Hook> {
    let kw = w.require("an attach target")?;
    Ok(match kw {
        "tracepoint" => {
            let arg = w.require("a tracepoint, CATEGORY:NAME")?;
            tracepoint(arg)?
        }
        "raw_tp" | "raw_tracepoint" | "raw_tp.w" => {
            let name = w.require("a raw tracepoint name")?;
            raw_tp(name)?
        }
        "iter" => Hook::Iter(parse_iter(w)?),
        kind => Hook::Fixed { kind: kind.to_string() },
    })
}

fn parse_iter(w: &mut Words<'_>) -> Result<Iter> {
    match w.peek() {
        None => Ok(Iter::Plain),
        Some("map") => {
            w.next();
            Ok(Iter::Map(w.take_map()?))
        }
        Some("cgroup") => {
            w.next();
            let path = w.take_path("a cgroup directory")?;
            // The kernel wants an order; pre-order walks the whole subtree.
            let mut order = 2;
            if w.eat("order") {
                let o = w.require("an order: self, pre, post or up")?;
                order = ORDERS.iter().find(|(n, _)| *n == o).map(|(_, v)| *v).ok_or_else(|| {
                    UserError::new(format!("`{o}` is not a cgroup iterator order"), "write one of: self, pre, post, up")
                })?;
            }
            Ok(Iter::Cgroup { path, order })
        }
        Some(other) => bail!(UserError::new(
            format!("`iter` does not take `{other}`"),
            "write `iter`, `iter map MAP` or `iter cgroup CGROUP_PATH [order self|pre|post|up]`",
        )),
    }
}

/// `CATEGORY:NAME` or `CATEGORY/NAME`.
fn tracepoint(arg: &str) -> Result<Hook> {
    let (category, name) = arg.split_once(':').or_else(|| arg.split_once('/')).unwrap_or((arg, ""));
    if !is_name(category) || !is_name(name) {
        bail!(UserError::new(
            format!("`{arg}` is not a tracepoint name"),
            "write CATEGORY:NAME, e.g. `tracepoint syscalls:sys_enter_getpid` (see /sys/kernel/tracing/available_events)",
        ));
    }
    Ok(Hook::Tracepoint { category: category.to_string(), name: name.to_string() })
}

fn raw_tp(name: &str) -> Result<Hook> {
    if !is_name(name) {
        bail!(UserError::new(
            format!("`{name}` is not a raw tracepoint name"),
            "write the tracepoint's name without its category, e.g. `raw_tp sched_process_exec`",
        ));
    }
    Ok(Hook::RawTp { name: name.to_string() })
}

/// One path component of tracefs's events tree.
fn is_name(s: &str) -> bool {
    !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '\0'])
}

/// The hook the program's section names, if it is of this family and
/// names it completely.
pub fn from_section(prog: &Prog<'_>) -> Result<Option<Hook>> {
    let Some(spec) = prog.spec() else { return Ok(None) };
    let arg = prog.section_arg();
    Ok(match (spec.kind, arg) {
        ("tracepoint" | "tp", Some(a)) => Some(tracepoint(a)?),
        ("raw_tracepoint" | "raw_tp" | "raw_tracepoint.w" | "raw_tp.w", Some(a)) => Some(raw_tp(a)?),
        ("tp_btf" | "fentry" | "fentry.s" | "fexit" | "fexit.s" | "fmod_ret" | "fmod_ret.s" | "lsm" | "lsm.s", _) => {
            Some(Hook::Fixed { kind: spec.kind.trim_end_matches(".s").to_string() })
        }
        ("freplace", Some(_)) => Some(Hook::Fixed { kind: "freplace".to_string() }),
        // The map-walking iterators need the map, and cgroup iterators the
        // cgroup, which no section names.
        ("iter" | "iter.s", Some(a)) if !matches!(a, "bpf_map_elem" | "bpf_sk_storage_map" | "sockmap" | "cgroup") => {
            Some(Hook::Iter(Iter::Plain))
        }
        _ => None,
    })
}

pub fn attach(prog: &Prog<'_>, hook: &Hook) -> Result<Vec<Attached>> {
    let link = match hook {
        Hook::Tracepoint { category, name } => {
            let id = tracepoint_id(category, name, prog.nomount)?;
            let ev = sys::perf_event::Event {
                type_: perf_type_id::PERF_TYPE_TRACEPOINT as u32,
                config: id,
                ..Default::default()
            };
            let what = format!("tracepoint {category}:{name}");
            // pid -1 with cpu 0: every task, as the kernel requires of a
            // tracepoint event that runs a program (the cpu is not a filter).
            let pfd =
                sys::perf_event::open(&ev, -1, 0, None).with_context(|| format!("opening a perf event for {what}"))?;
            sys::link::create(
                prog.fd,
                Some(pfd.as_fd()),
                bpf_attach_type::BPF_PERF_EVENT as u32,
                0,
                &Extra::PerfEvent { cookie: 0 },
            )
            .map_err(|e| refused(prog, &what, "a tracepoint program (SEC(\"tracepoint/CATEGORY/NAME\"))", e.errno()))?
        }
        Hook::RawTp { name } => {
            let what = format!("raw tracepoint {name}");
            let c = CString::new(name.as_str()).context("a raw tracepoint name with a NUL byte")?;
            sys::link::raw_tracepoint_open(prog.fd, Some(&c)).map_err(|e| {
                if e.errno() == Some(libc::ENOENT) {
                    UserError::new(
                        format!("the kernel has no raw tracepoint `{name}`"),
                        "name a tracepoint without its category, e.g. `raw_tp sched_process_exec` (see \
                         /sys/kernel/tracing/available_events)",
                    )
                    .into()
                } else {
                    refused(prog, &what, "a raw tracepoint program (SEC(\"raw_tp/NAME\"))", e.errno())
                }
            })?
        }
        Hook::Fixed { kind } => {
            // The target (a BTF id, or freplace's program) was given at load.
            sys::link::raw_tracepoint_open(prog.fd, None).map_err(|e| {
                refused(
                    prog,
                    &format!("its {kind} target"),
                    &format!("a program loaded from SEC(\"{kind}/...\")"),
                    e.errno(),
                )
            })?
        }
        Hook::Iter(it) => attach_iter(prog, it)?,
    };
    Ok(vec![Attached { link, sub: None }])
}

fn attach_iter(prog: &Prog<'_>, it: &Iter) -> Result<std::os::fd::OwnedFd> {
    const WANTS: &str = "an iterator program (SEC(\"iter/TYPE\"))";
    let attach = |extra: &Extra<'_>, what: &str| {
        sys::link::create(prog.fd, None, bpf_attach_type::BPF_TRACE_ITER as u32, 0, extra)
            .map_err(|e| refused(prog, what, WANTS, e.errno()))
    };
    // `union bpf_iter_link_info`: map { map_fd }, cgroup { order,
    // cgroup_fd, cgroup_id }; 16 bytes.
    let mut info = [0u8; 16];
    match it {
        Iter::Plain => attach(&Extra::None, "an iterator"),
        Iter::Map(sel) => {
            let map = crate::resolve::map(sel)?;
            info[..4].copy_from_slice(&(std::os::fd::AsRawFd::as_raw_fd(&map) as u32).to_ne_bytes());
            attach(&Extra::Iter { info: &info }, "a map iterator")
        }
        Iter::Cgroup { path, order } => {
            let cg = std::fs::File::open(path).map_err(|e| {
                UserError::new(
                    format!("cannot open cgroup {}: {}", path.display(), errno_text(e.raw_os_error().unwrap_or(0))),
                    "give a cgroup directory, e.g. /sys/fs/cgroup/unified/system.slice",
                )
            })?;
            info[..4].copy_from_slice(&order.to_ne_bytes());
            info[4..8].copy_from_slice(&(std::os::fd::AsRawFd::as_raw_fd(&cg) as u32).to_ne_bytes());
            attach(&Extra::Iter { info: &info }, &format!("a cgroup iterator on {}", path.display()))
        }
    }
}

/// The tracepoint's id, from tracefs.
fn tracepoint_id(category: &str, name: &str, nomount: bool) -> Result<u64> {
    let (root, _) = find_or_mount_tracefs(nomount)?;
    let file = root.join("events").join(category).join(name).join("id");
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(UserError::new(
            format!("the kernel has no tracepoint `{category}:{name}`"),
            format!(
                "list the tracepoints with `ls {}` or `grep {name} {}`",
                root.join("events").join(category).display(),
                root.join("available_events").display()
            ),
        )),
        Err(e) => return Err(e).with_context(|| format!("reading {}", file.display())),
    };
    text.trim().parse().with_context(|| format!("reading the tracepoint id in {}", file.display()))
}

/// Where tracefs usually lives, preferred first.
const KNOWN_TRACEFS: [&str; 2] = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];

/// The tracefs mount: a known path, else /proc/mounts, else mounted at
/// /sys/kernel/tracing (root, unless `nomount`). The flag says whether it
/// was mounted just now, for the caller to tell the user.
pub fn find_or_mount_tracefs(nomount: bool) -> Result<(PathBuf, bool)> {
    let is_tracefs = |p: &Path| sys::fs_magic(p).is_ok_and(|m| m == libc::TRACEFS_MAGIC);
    if let Some(p) = KNOWN_TRACEFS.iter().map(Path::new).find(|p| is_tracefs(p)) {
        return Ok((p.to_path_buf(), false));
    }
    if let Ok(mounts) = std::fs::read_to_string("/proc/mounts") {
        for l in mounts.lines() {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() > 2 && f[2] == "tracefs" && is_tracefs(Path::new(f[1])) {
                return Ok((PathBuf::from(f[1]), false));
            }
        }
    }
    let target = Path::new(KNOWN_TRACEFS[0]);
    if nomount {
        bail!(UserError::new(
            "tracefs is not mounted and -n forbids mounting it",
            format!("mount it with `mount -t tracefs nodev {}`, or run without -n", target.display()),
        ));
    }
    if sys::euid() != 0 {
        bail!(UserError::new(
            "tracefs is not mounted, and only root can mount it",
            format!("run as root, or `sudo mount -t tracefs nodev {}`", target.display()),
        ));
    }
    sys::prog::mount_tracefs(target).with_context(|| format!("mounting tracefs at {}", target.display()))?;
    Ok((target.to_path_buf(), true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracepoint_names() {
        let tp = |c: &str, n: &str| Hook::Tracepoint { category: c.into(), name: n.into() };
        assert_eq!(tracepoint("syscalls:sys_enter_getpid").unwrap(), tp("syscalls", "sys_enter_getpid"));
        assert_eq!(tracepoint("sched/sched_switch").unwrap(), tp("sched", "sched_switch"));
        for bad in ["syscalls", "a:", ":b", "../x:y", "a:b/c", "a:.."] {
            assert!(tracepoint(bad).is_err(), "{bad}");
        }
    }
}
