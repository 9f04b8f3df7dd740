//! Attaching to cgroups (link-based, every cgroup attach type) and network
//! namespaces (sk_lookup, flow_dissector), plus what `cgroup attach` shares
//! with it: opening a cgroup2 directory, reading attach-type words, and
//! turning the kernel's refusals into sentences.

use std::fs::File;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use aya_obj::generated::bpf_prog_type as pt;

use super::{Attached, Prog};
use crate::error::UserError;
use crate::kinds::{self, attach_type_name, prog_type_name};
use crate::select::Words;
use crate::sys::{self, SysError, link::Extra};

/// The words that start this family's TARGET.
pub const KEYWORDS: &[&str] = &["cgroup", "netns"];

const BPF_FLOW_DISSECTOR: u32 = 17;
const BPF_SK_LOOKUP: u32 = 36;
/// statfs f_type of nsfs (linux/magic.h): namespace files.
const NSFS_MAGIC: i64 = 0x6e73_6673;

#[derive(Debug, Clone, PartialEq)]
pub enum Hook {
    /// A cgroup2 directory and one of the cgroup attach types.
    Cgroup { path: PathBuf, attach_type: u32 },
    /// A network namespace file; sk_lookup or flow_dissector.
    Netns { path: PathBuf, attach_type: u32 },
}

/// Parses TARGET; the first word is one of KEYWORDS.
pub fn parse(w: &mut Words<'_>, prog: &Prog<'_>) -> Result<Hook> {
    match w.require("an attach target")? {
        "cgroup" => {
            let path = w.take_path("a cgroup directory after `cgroup`")?;
            let attach_type = match w.next() {
                Some(word) => attach_type(word)?,
                None => default_attach_type(prog, &path)?,
            };
            Ok(Hook::Cgroup { path, attach_type })
        }
        _ => {
            let path = w.take_path("a network namespace file after `netns` (/run/netns/NAME, /proc/PID/ns/net)")?;
            Ok(Hook::Netns { path, attach_type: netns_attach_type(prog)? })
        }
    }
}

/// A cgroup target needs a path, which no section gives.
pub fn from_section(_prog: &Prog<'_>) -> Result<Option<Hook>> {
    Ok(None)
}

pub fn attach(prog: &Prog<'_>, hook: &Hook) -> Result<Vec<Attached>> {
    let link = match hook {
        Hook::Cgroup { path, attach_type } => {
            let cg = open_cgroup(path)?;
            sys::link::create(prog.fd, Some(cg.as_fd()), *attach_type, 0, &Extra::None)
                .map_err(|e| refused(e, prog, *attach_type, path, true))?
        }
        Hook::Netns { path, attach_type } => {
            let ns = open_netns(path)?;
            sys::link::create(prog.fd, Some(ns.as_fd()), *attach_type, 0, &Extra::None).map_err(|e| {
                let what = format!("network namespace {}", path.display());
                match e.errno() {
                    Some(libc::EEXIST) => UserError::new(
                        format!(
                            "{what} already has a {} program attached without a link (BPF_PROG_ATTACH)",
                            attach_type_name(*attach_type)
                        ),
                        "detach it first (`bpfpin --netns NS prog detach PROG flow_dissector`); a link cannot join it",
                    )
                    .into(),
                    Some(libc::E2BIG) => UserError::new(
                        format!(
                            "{what} already holds the most {} links the kernel allows",
                            attach_type_name(*attach_type)
                        ),
                        "end one of them (`bpfpin link show`, `bpfpin link detach id N`)",
                    )
                    .into(),
                    _ => anyhow::Error::from(e).context(format!(
                        "attaching {} to {what} as {}",
                        prog_desc(prog),
                        attach_type_name(*attach_type)
                    )),
                }
            })?
        }
    };
    Ok(vec![Attached { link, sub: None }])
}

/// "program cg_egress (id 12)".
pub fn prog_desc(prog: &Prog<'_>) -> String {
    format!("program {} (id {})", crate::resolve::full_name(prog.info), prog.info.info.id)
}

/// A cgroup attach-type word, by bpftool's rules (`cgroup_inet_egress`,
/// `egress`, a prefix of the short word).
pub fn attach_type(word: &str) -> Result<u32> {
    kinds::cgroup_attach_type_by_name(word).ok_or_else(|| {
        UserError::new(
            format!("`{word}` is not a cgroup attach type"),
            format!("use one of: {}", kinds::cgroup_attach_words().join(", ")),
        )
        .into()
    })
}

/// The attach type the program was loaded for (its section), or the only
/// one its program type has.
fn default_attach_type(prog: &Prog<'_>, path: &Path) -> Result<u32> {
    let from_section = prog
        .spec()
        .and_then(|s| s.expected_attach_type)
        .filter(|t| kinds::CGROUP_ATTACH_TYPES.iter().any(|(c, _)| c == t));
    if let Some(t) = from_section {
        return Ok(t);
    }
    let only =
        [(pt::BPF_PROG_TYPE_SOCK_OPS, 3), (pt::BPF_PROG_TYPE_CGROUP_DEVICE, 6), (pt::BPF_PROG_TYPE_CGROUP_SYSCTL, 18)]
            .into_iter()
            .find(|(p, _)| *p as u32 == prog.info.info.type_);
    if let Some((_, t)) = only {
        return Ok(t);
    }
    let why = match &prog.section {
        Some(s) => format!("its section `{s}` does not say which"),
        None => "bpfpin did not load it, so its section name is unknown".to_string(),
    };
    let candidates: Vec<&str> = kinds::CGROUP_ATTACH_TYPES
        .iter()
        .filter(|(t, _)| prog_type_for(*t) == prog.info.info.type_)
        .filter_map(|(t, short)| short.or_else(|| kinds::ATTACH_TYPES.get(*t as usize).copied()))
        .collect();
    let (example, choose) = match candidates.first() {
        None => ("egress", format!("use one of: {}", kinds::cgroup_attach_words().join(", "))),
        Some(first) => (
            *first,
            format!("a {} program takes one of: {}", prog_type_name(prog.info.info.type_), candidates.join(", ")),
        ),
    };
    bail!(UserError::new(
        format!("{} needs a cgroup attach type: {why}", prog_desc(prog)),
        format!("add it after the cgroup path, e.g. `cgroup {} {example}`; {choose}", path.display()),
    ))
}

/// sk_lookup and flow_dissector programs attach to a network namespace.
fn netns_attach_type(prog: &Prog<'_>) -> Result<u32> {
    let t = prog.info.info.type_;
    if t == pt::BPF_PROG_TYPE_SK_LOOKUP as u32 {
        Ok(BPF_SK_LOOKUP)
    } else if t == pt::BPF_PROG_TYPE_FLOW_DISSECTOR as u32 {
        Ok(BPF_FLOW_DISSECTOR)
    } else {
        bail!(UserError::new(
            format!(
                "{} is {}; a network namespace runs sk_lookup and flow_dissector programs",
                prog_desc(prog),
                prog_type_name(t)
            ),
            "choose an sk_lookup or flow_dissector program (`bpfpin prog show`)",
        ))
    }
}

/// The program type a cgroup attach type runs.
pub fn prog_type_for(attach_type: u32) -> u32 {
    (match attach_type {
        0 | 1 => pt::BPF_PROG_TYPE_CGROUP_SKB,
        2 | 12 | 13 | 34 => pt::BPF_PROG_TYPE_CGROUP_SOCK,
        3 => pt::BPF_PROG_TYPE_SOCK_OPS,
        6 => pt::BPF_PROG_TYPE_CGROUP_DEVICE,
        18 => pt::BPF_PROG_TYPE_CGROUP_SYSCTL,
        21 | 22 => pt::BPF_PROG_TYPE_CGROUP_SOCKOPT,
        43 => pt::BPF_PROG_TYPE_LSM,
        _ => pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR,
    }) as u32
}

/// The kernel's refusal to attach `prog` to the cgroup at `path`, explained.
/// `link`: through BPF_LINK_CREATE (else BPF_PROG_ATTACH).
pub fn refused(e: SysError, prog: &Prog<'_>, attach_type: u32, path: &Path, link: bool) -> anyhow::Error {
    let at = attach_type_name(attach_type);
    let desc = prog_desc(prog);
    let cg = path.display();
    let have = prog.info.info.type_;
    let want = prog_type_for(attach_type);
    match e.errno() {
        Some(libc::EINVAL) if have != want => UserError::new(
            format!(
                "the kernel refused {desc} for {at} (EINVAL): it is {}, and {at} runs {} programs",
                prog_type_name(have),
                prog_type_name(want)
            ),
            format!(
                "attach a {} program there, or this one where a {} program belongs",
                prog_type_name(want),
                prog_type_name(have)
            ),
        )
        .into(),
        Some(libc::EINVAL) => UserError::new(
            format!(
                "the kernel refused {desc} for {at} (EINVAL): the program was loaded for another {} hook",
                prog_type_name(have)
            ),
            "use the attach type its section names (`bpfpin prog show` shows the section), or reload it for this one",
        )
        .into(),
        Some(libc::EPERM) if link => UserError::new(
            format!("cgroup {cg} has a program attached to {at} without `multi`, so no link can join it (EPERM)"),
            format!("detach that program (`bpfpin cgroup show {cg}`, `bpfpin cgroup detach`), or attach it again with `multi`"),
        )
        .into(),
        Some(libc::EPERM) => UserError::new(
            format!("cgroup {cg} (or an ancestor) does not let {at} take another program this way (EPERM)"),
            "the hook already holds a program: attach with `multi` where all have `multi`, or `override` where the holder allows it; \
             EPERM also means missing root or CAP_BPF+CAP_NET_ADMIN",
        )
        .into(),
        Some(libc::EEXIST) => UserError::new(
            format!("{desc} is already attached to cgroup {cg} as {at}"),
            format!("see `bpfpin cgroup show {cg}`"),
        )
        .into(),
        _ => anyhow::Error::from(e).context(format!("attaching {desc} to cgroup {cg} as {at}")),
    }
}

/// Opens a cgroup2 directory (no symlink at the last component), refusing
/// anything else with the fix.
pub fn open_cgroup(path: &Path) -> Result<OwnedFd> {
    let root = cgroup2_root();
    let example = root.as_deref().map_or("/sys/fs/cgroup/unified".into(), |r| r.display().to_string());
    let fd = match sys::cgroup::open_dir(path) {
        Ok(fd) => fd,
        Err(e) => {
            let why = match e.raw_os_error() {
                Some(libc::ENOENT) => "does not exist",
                Some(libc::ENOTDIR) => "is not a directory",
                Some(libc::ELOOP) => "is a symbolic link",
                _ => return Err(e).with_context(|| format!("opening cgroup {}", path.display())),
            };
            bail!(UserError::new(
                format!("cgroup {} {why}", path.display()),
                format!("give a cgroup2 directory, e.g. {example}/NAME (create one with `mkdir`)"),
            ))
        }
    };
    if !sys::cgroup::is_cgroup2(fd.as_fd()).with_context(|| format!("checking cgroup {}", path.display()))? {
        bail!(UserError::new(
            format!("{} is not a cgroup2 directory", path.display()),
            format!("give a directory under the cgroup2 mount, {example} (`findmnt -t cgroup2`)"),
        ));
    }
    Ok(fd)
}

/// The first cgroup2 mount in /proc/mounts, as bpftool finds it.
pub fn cgroup2_root() -> Option<PathBuf> {
    let mounts = std::fs::read_to_string("/proc/mounts").ok()?;
    mounts.lines().find_map(|l| {
        let mut f = l.split(' ');
        let (_, dir, fstype) = (f.next()?, f.next()?, f.next()?);
        (fstype == "cgroup2").then(|| PathBuf::from(unescape_mount(dir)))
    })
}

/// /proc/mounts writes space, tab, newline and backslash as octal escapes.
fn unescape_mount(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 4 <= b.len() && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c)) {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn open_netns(path: &Path) -> Result<File> {
    let f = File::open(path).map_err(|e| {
        anyhow::Error::from(UserError::new(
            format!("cannot open network namespace {}: {e}", path.display()),
            "give a namespace file: /run/netns/NAME (`ip netns list`) or /proc/PID/ns/net",
        ))
    })?;
    if sys::cgroup::fs_magic(f.as_fd()).ok() != Some(NSFS_MAGIC) {
        bail!(UserError::new(
            format!("{} is not a network namespace file", path.display()),
            "give /run/netns/NAME (`ip netns list`) or /proc/PID/ns/net",
        ));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_escapes() {
        assert_eq!(unescape_mount("/a\\040b"), "/a b");
        assert_eq!(unescape_mount("/plain"), "/plain");
        assert_eq!(unescape_mount("/x\\04"), "/x\\04");
    }

    #[test]
    fn every_cgroup_type_has_a_prog_type() {
        assert_eq!(prog_type_for(1), pt::BPF_PROG_TYPE_CGROUP_SKB as u32);
        assert_eq!(prog_type_for(49), pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR as u32);
        assert_eq!(prog_type_for(34), pt::BPF_PROG_TYPE_CGROUP_SOCK as u32);
    }
}
