//! Pins on bpffs: mounting bpffs, opening pins as the right kind, naming
//! them, unpinning one object, and the index `-f` shows. Every path goes through `bpffs` (file
//! descriptors, no symlinks, no mount crossing); creating pins goes through
//! `txn` (staged, then renamed into place).

use std::ffi::OsStr;
use std::fs;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::bpffs::{self, Dir, EntryKind, shown};
use crate::error::UserError;
use crate::kinds::ObjKind;
use crate::sys;

pub use crate::txn::{check_new, pin_new};

pub const BPFFS_ROOT: &str = bpffs::ROOT;

/// Make sure the standard bpffs is mounted: bpfpin mounts it at
/// /sys/fs/bpf only (never over another directory, as bpftool would).
pub fn ensure_mounted(nomount: bool) -> Result<()> {
    let root = Path::new(BPFFS_ROOT);
    if sys::fs_magic(root).is_ok_and(|m| m == libc::BPF_FS_MAGIC) {
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
    crate::text::stderr_line(&format!("bpfpin: mounted bpffs at {BPFFS_ROOT}"));
    Ok(())
}

/// bpffs refuses `.` in names; map names like `xdp_coun.bss` become `xdp_coun_bss`.
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

pub fn cli_object(k: ObjKind) -> &'static str {
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
pub fn missing_parent(path: &Path, e: anyhow::Error) -> anyhow::Error {
    match e.downcast_ref::<UserError>() {
        Some(u) if u.msg.ends_with("does not exist") => {
            UserError::new(format!("{} does not exist", shown(path)), "list pins with `bpfpin ls`").into()
        }
        _ => e,
    }
}

pub fn open_entry(dir: &Dir, name: &OsStr, path: &Path) -> Result<OwnedFd> {
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

/// A kernel object name (NUL-padded C chars) as a String.
pub fn c_name(raw: &[std::ffi::c_char]) -> String {
    let bytes: Vec<u8> = raw.iter().take_while(|c| **c != 0).map(|c| *c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Every pin below `dir` with its kind and id; what vanishes meanwhile, or
/// is another mount, is skipped.
fn index(dir: &Dir, out: &mut Vec<(ObjKind, u32, String)>) {
    let Ok(names) = dir.names() else { return };
    for name in names {
        let Ok(Some(e)) = dir.entry(&name) else { continue };
        if e.mount_root || e.id.dev != dir.id.dev {
            continue;
        }
        match e.kind {
            EntryKind::Dir => {
                if let Ok(sub) = dir.subdir(&name) {
                    index(&sub, out);
                }
            }
            EntryKind::File => {
                let Ok(fd) = sys::bpf_obj_get_at(dir.fd(), &name) else { continue };
                if let Some((kind, id)) = identify(fd.as_fd()) {
                    out.push((kind, id, dir.path.join(&name).display().to_string()));
                }
            }
            _ => {}
        }
    }
}

/// The kind and id of a bpf fd.
pub fn identify(fd: BorrowedFd<'_>) -> Option<(ObjKind, u32)> {
    let kind = kind_of(fd)?;
    let id = match kind {
        ObjKind::Prog => sys::prog_info(fd).ok()?.info.id,
        ObjKind::Map => sys::map_info(fd).ok()?.id,
        ObjKind::Link => sys::link_info(fd).ok()?.id,
    };
    Some((kind, id))
}

/// Every pinned path below bpffs that holds the object with `id`, for `-f`.
/// Built once per command (a walk of bpffs), like bpftool's pinned table.
pub struct PinIndex {
    entries: Vec<(ObjKind, u32, String)>,
}

impl PinIndex {
    pub fn build() -> PinIndex {
        let mut entries = Vec::new();
        if let Ok(root) = bpffs::open_dir(Path::new(BPFFS_ROOT)) {
            index(&root, &mut entries);
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
