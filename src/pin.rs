//! bpffs: where pins may live, opening them as the right kind, removing
//! them and listing them. Every path goes through `bpffs` (file
//! descriptors, no symlinks, no mount crossing); creating pins goes through
//! `txn` (staged, then renamed into place).

use std::ffi::OsStr;
use std::fs;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::bpffs::{self, Dir, EntryKind, shown};
use crate::cli::{Global, RmArgs};
use crate::error::UserError;
use crate::model::{LsEntry, ObjKind, link_type_name, map_type_name, prog_type_name};
use crate::output::Out;
use crate::sys;

pub use crate::txn::{check_new, pin_new};

pub const BPFFS_ROOT: &str = bpffs::ROOT;

/// Make sure the standard bpffs is mounted: bpfpin mounts it at
/// /sys/fs/bpf only (never over another directory, as bpftool would).
pub fn ensure_mounted(nomount: bool) -> Result<()> {
    let root = Path::new(BPFFS_ROOT);
    if sys::fs_magic(root).is_ok_and(|m| m == bpffs::BPF_FS_MAGIC) {
        crate::txn::sweep();
        return Ok(());
    }
    if nomount || sys::euid() != 0 || !root.is_dir() {
        bail!(UserError::new(
            format!("bpffs is not mounted at {BPFFS_ROOT}"),
            format!("mount it: `mount -t bpf bpf {BPFFS_ROOT}` (bpfpin does this itself when run as root without -n)"),
        ));
    }
    sys::mount_bpffs(root).with_context(|| format!("mounting bpffs at {BPFFS_ROOT}"))?;
    crate::output::stderr_line(&format!("bpfpin: mounted bpffs at {BPFFS_ROOT}"));
    Ok(())
}

/// bpffs refuses `.` in names; map names like `.bss` become `_bss`.
pub fn pin_name(name: &str) -> String {
    name.replace('.', "_")
}

/// Open a pin and check that it is the kind the caller wants (aya's
/// `from_pin` accepts any kind and misreads it).
pub fn open(path: &Path, want: ObjKind) -> Result<OwnedFd> {
    let fd = open_any(path)?;
    match kind_of(fd.as_fd()) {
        Some(k) if k == want => Ok(fd),
        Some(k) => bail!(UserError::new(
            format!("{} is a pinned {k}, not a {want}", shown(path)),
            format!("use `bpfpin {} show pinned {}`", cli_object(k), shown(path)),
        )),
        None => bail!(UserError::new(
            format!("{} is not a pinned BPF object", shown(path)),
            "list pins with `bpfpin ls`".to_string(),
        )),
    }
}

fn cli_object(k: ObjKind) -> &'static str {
    match k {
        ObjKind::Prog => "prog",
        ObjKind::Map => "map",
        ObjKind::Link => "link",
    }
}

/// Open the pin at `path` (any kind), resolved through its directory's fd.
pub fn open_any(path: &Path) -> Result<OwnedFd> {
    let (dir, name) = bpffs::parent_of(path).map_err(|e| missing_parent(path, e))?;
    open_entry(&dir, &name, path)
}

/// A missing parent directory means the pin does not exist.
fn missing_parent(path: &Path, e: anyhow::Error) -> anyhow::Error {
    match e.downcast_ref::<UserError>() {
        Some(u) if u.msg.ends_with("does not exist") => {
            UserError::new(format!("{} does not exist", shown(path)), "list pins with `bpfpin ls`").into()
        }
        _ => e,
    }
}

fn open_entry(dir: &Dir, name: &OsStr, path: &Path) -> Result<OwnedFd> {
    match dir.entry(name)? {
        None => bail!(UserError::new(format!("{} does not exist", shown(path)), "list pins with `bpfpin ls`")),
        Some(e) if e.kind == EntryKind::Dir => bail!(UserError::new(
            format!("{} is a directory, not a pin", shown(path)),
            format!("list what it holds with `bpfpin ls {}`", shown(path)),
        )),
        Some(e) if e.kind == EntryKind::Symlink => bail!(UserError::new(
            format!("{} is a symlink, not a pin; bpfpin follows no symlinks", shown(path)),
            "give the path of the pin itself",
        )),
        Some(_) => match sys::bpf_obj_get_at(dir.fd(), name) {
            // The entry is there but is no BPF object: bpffs' own files
            // (maps.debug, progs.debug, made by the kernel's bpf_preload).
            Err(e) if e.errno() == Some(libc::ENOENT) => bail!(UserError::new(
                format!(
                    "{} is not a pinned program, map or link: the kernel keeps such files on bpffs itself \
                     (progs.debug and maps.debug list what is loaded), and bpfpin removes only pins",
                    shown(path)
                ),
                format!("leave it; read it with `cat {}`, or list pins with `bpfpin ls`", shown(path)),
            )),
            r => r.with_context(|| format!("opening pin {}", shown(path))),
        },
    }
}

/// What a bpf fd is, from the anon-inode name the kernel gives it.
pub fn kind_of(fd: BorrowedFd<'_>) -> Option<ObjKind> {
    let link = fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())).ok()?;
    match link.to_str()? {
        "anon_inode:bpf-prog" => Some(ObjKind::Prog),
        "anon_inode:bpf-map" => Some(ObjKind::Map),
        "anon_inode:bpf_link" | "anon_inode:bpf-link" => Some(ObjKind::Link),
        _ => None,
    }
}

/// Unpin `path` if it still holds the object `kind` `id` (checked through
/// the open pin, so a pin replaced meanwhile is left alone).
pub fn unpin_if(path: &Path, kind: ObjKind, id: u32) -> Result<bool> {
    let (dir, name) = bpffs::parent_of(path)?;
    let fd = open_entry(&dir, &name, path)?;
    let same = kind_of(fd.as_fd()) == Some(kind)
        && match kind {
            ObjKind::Prog => sys::prog_info(fd.as_fd()).is_ok_and(|i| i.info.id == id),
            ObjKind::Map => sys::map_info(fd.as_fd()).is_ok_and(|i| i.id == id),
            ObjKind::Link => sys::link_info(fd.as_fd()).is_ok_and(|i| i.id == id),
        };
    if same {
        dir.unlink(&name).with_context(|| format!("unpinning {}", shown(path)))?;
    }
    Ok(same)
}

/// One checked removal, done only after every argument was checked.
enum Removal {
    Pin(Dir, std::ffi::OsString),
    Tree(Dir, std::ffi::OsString),
    /// Everything under a bpffs mount root (the root itself stays).
    Contents(Dir),
}

/// `prog rm` / `map rm`: unlink pins (and with -r, directories of pins).
/// Refuses anything that is not on bpffs, and pins of another kind.
pub fn rm(g: &Global, out: &mut Out, args: &RmArgs, want: ObjKind) -> Result<()> {
    ensure_mounted(g.nomount)?;
    // Check every path before removing any, so a bad argument removes nothing.
    let plan = args.paths.iter().map(|p| check_rm(p, args, want)).collect::<Result<Vec<_>>>()?;
    for (r, p) in plan.into_iter().zip(&args.paths) {
        match r {
            Removal::Pin(dir, name) => dir.unlink(&name).with_context(|| format!("unpinning {}", shown(p)))?,
            Removal::Tree(dir, name) => dir.remove_tree(&name)?,
            Removal::Contents(dir) => {
                // The kernel's own entries (maps.debug, progs.debug) carry a
                // dot, which no pin can: they stay.
                for name in dir.names()? {
                    if name.as_encoded_bytes().contains(&b'.') {
                        continue;
                    }
                    match dir.entry(&name)? {
                        Some(e) if e.kind == EntryKind::Dir => dir.remove_tree(&name)?,
                        Some(_) => {
                            dir.unlink(&name).with_context(|| format!("unpinning {}", shown(&dir.path.join(&name))))?
                        }
                        None => {}
                    }
                }
            }
        }
    }
    out.done()?;
    Ok(())
}

fn check_rm(p: &Path, args: &RmArgs, want: ObjKind) -> Result<Removal> {
    let w = bpffs::walk(p).map_err(|e| missing_parent(p, e))?;
    if w.rest.is_empty() {
        let dir = w.dir;
        if dir.mount_root {
            if !args.whole_bpffs {
                bail!(UserError::new(
                    format!("refusing to remove the bpffs root {} and every pin on it", shown(p)),
                    "name the pins or directories below it, or add --whole-bpffs -r to remove every pin under it",
                ));
            }
            if !args.recursive {
                bail!(UserError::new(format!("{} is a directory", shown(p)), "add -r with --whole-bpffs"));
            }
            dir.check_tree()?;
            return Ok(Removal::Contents(dir));
        }
        if !args.recursive {
            bail!(UserError::new(
                format!("{} is a directory", shown(p)),
                format!("add -r to remove it and every pin below it: `bpfpin {} rm -r {}`", cli_object(want), shown(p)),
            ));
        }
        let (parent, name) = bpffs::parent_of(p)?;
        return Ok(Removal::Tree(parent, name));
    }
    let [name] = w.rest.as_slice() else {
        bail!(UserError::new(format!("{} does not exist", shown(p)), "list pins with `bpfpin ls`"));
    };
    let fd = open_entry(&w.dir, name, p)?;
    match kind_of(fd.as_fd()) {
        Some(k) if k == want || want == ObjKind::Link => {}
        Some(k) => bail!(UserError::new(
            format!("{} is a pinned {k}, not a {want}", shown(p)),
            format!("remove it with `bpfpin {} rm {}`", cli_object(k), shown(p)),
        )),
        None => {}
    }
    Ok(Removal::Pin(w.dir, name.clone()))
}

/// `ls [DIR]`: every entry below DIR with what it is.
pub fn ls(out: &mut Out, dir: Option<&Path>) -> Result<()> {
    let dir = bpffs::open_dir(dir.unwrap_or(Path::new(BPFFS_ROOT)))?;
    let mut rows = Vec::new();
    walk(&dir, &mut rows)?;
    out.list(&rows)?;
    Ok(())
}

fn walk(dir: &Dir, rows: &mut Vec<LsEntry>) -> Result<()> {
    for name in dir.names()? {
        let path = dir.path.join(&name);
        // Other processes add and remove pins while we walk: an entry that
        // vanished since it was listed is simply gone, not an error.
        let Ok(Some(e)) = dir.entry(&name) else { continue };
        if e.mount_root || e.id.dev != dir.id.dev {
            continue; // another mount: never entered
        }
        match e.kind {
            EntryKind::Dir => {
                rows.push(LsEntry {
                    path: path.display().to_string(),
                    kind: "dir".into(),
                    id: None,
                    name: None,
                    obj_type: None,
                });
                if let Ok(sub) = dir.subdir(&name) {
                    walk(&sub, rows)?;
                }
            }
            EntryKind::Symlink => rows.push(LsEntry {
                path: path.display().to_string(),
                kind: "symlink".into(),
                id: None,
                name: None,
                obj_type: None,
            }),
            _ => rows.push(describe(dir, &name, &path)),
        }
    }
    Ok(())
}

fn describe(dir: &Dir, name: &OsStr, path: &Path) -> LsEntry {
    let mut row =
        LsEntry { path: path.display().to_string(), kind: "unreadable".into(), id: None, name: None, obj_type: None };
    let Ok(fd) = sys::bpf_obj_get_at(dir.fd(), name) else {
        return row;
    };
    let fd = fd.as_fd();
    match kind_of(fd) {
        Some(ObjKind::Prog) => {
            if let Ok(i) = sys::prog_info(fd) {
                row.kind = "prog".into();
                row.id = Some(i.info.id);
                row.name = Some(crate::prog::full_name(&i));
                row.obj_type = Some(prog_type_name(i.info.type_));
            }
        }
        Some(ObjKind::Map) => {
            if let Ok(i) = sys::map_info(fd) {
                row.kind = "map".into();
                row.id = Some(i.id);
                row.name = Some(c_name(&i.name));
                row.obj_type = Some(map_type_name(i.type_));
            }
        }
        Some(ObjKind::Link) => {
            if let Ok(i) = sys::link_info(fd) {
                row.kind = "link".into();
                row.id = Some(i.id);
                row.obj_type = Some(link_type_name(i.type_));
            }
        }
        None => {}
    }
    row
}

/// A kernel object name (NUL-padded C chars) as a String.
pub fn c_name(raw: &[std::ffi::c_char]) -> String {
    let bytes: Vec<u8> = raw.iter().take_while(|c| **c != 0).map(|c| *c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Every pinned path below bpffs that holds the object with `id`, for `-f`.
/// Built once per command (a walk of bpffs), like bpftool's pinned table.
pub struct PinIndex {
    entries: Vec<(ObjKind, u32, String)>,
}

impl PinIndex {
    pub fn build() -> PinIndex {
        let mut entries = Vec::new();
        let mut rows = Vec::new();
        if let Ok(root) = bpffs::open_dir(Path::new(BPFFS_ROOT))
            && walk(&root, &mut rows).is_ok()
        {
            for r in rows {
                let kind = match r.kind.as_str() {
                    "prog" => ObjKind::Prog,
                    "map" => ObjKind::Map,
                    "link" => ObjKind::Link,
                    _ => continue,
                };
                if let Some(id) = r.id {
                    entries.push((kind, id, r.path));
                }
            }
        }
        PinIndex { entries }
    }

    pub fn paths(&self, kind: ObjKind, id: u32) -> Vec<String> {
        self.entries.iter().filter(|(k, i, _)| *k == kind && *i == id).map(|(_, _, p)| p.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_names_lose_dots() {
        assert_eq!(pin_name(".bss"), "_bss");
        assert_eq!(pin_name("a.b.c"), "a_b_c");
    }
}
