//! bpffs: where pins may live, opening them as the right kind, removing
//! them, listing them, and undoing what a failed command created.

use std::fs;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::cli::{Global, RmArgs};
use crate::error::UserError;
use crate::model::{LsEntry, ObjKind, link_type_name, map_type_name, prog_type_name};
use crate::output::Out;
use crate::sys;

pub const BPFFS_ROOT: &str = "/sys/fs/bpf";

fn not_bpffs(path: &Path) -> UserError {
    UserError::new(
        format!("{} is not on a BPF filesystem", path.display()),
        format!("use a path under {BPFFS_ROOT} (mount it with `mount -t bpf bpf {BPFFS_ROOT}`)"),
    )
}

/// Make sure the standard bpffs is mounted: bpfpin mounts it at
/// /sys/fs/bpf only (never over another directory, as bpftool would).
pub fn ensure_mounted(nomount: bool) -> Result<()> {
    let root = Path::new(BPFFS_ROOT);
    if sys::fs_magic(root).is_ok_and(|m| m == sys::BPF_FS_MAGIC) {
        return Ok(());
    }
    if nomount || sys::euid() != 0 || !root.is_dir() {
        bail!(UserError::new(
            format!("bpffs is not mounted at {BPFFS_ROOT}"),
            format!("mount it: `mount -t bpf bpf {BPFFS_ROOT}` (bpfpin does this itself when run as root without -n)"),
        ));
    }
    sys::mount_bpffs(root).with_context(|| format!("mounting bpffs at {BPFFS_ROOT}"))?;
    eprintln!("bpfpin: mounted bpffs at {BPFFS_ROOT}");
    Ok(())
}

/// Make a path absolute and drop `.`/`..` without touching the disk, so
/// checks below see where a pin would really go.
pub fn absolute(path: &Path) -> Result<PathBuf> {
    let base = if path.is_absolute() { PathBuf::new() } else { std::env::current_dir()? };
    let mut out = PathBuf::from("/");
    for c in base.join(path).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(p) => out.push(p),
            _ => {}
        }
    }
    Ok(out)
}

/// The nearest existing ancestor of `path` (itself included).
fn existing_ancestor(path: &Path) -> &Path {
    let mut p = path;
    while !p.exists() {
        match p.parent() {
            Some(parent) => p = parent,
            None => break,
        }
    }
    p
}

/// `path` is, or would be created, on bpffs.
pub fn check_on_bpffs(path: &Path) -> Result<PathBuf> {
    let abs = absolute(path)?;
    let anc = existing_ancestor(&abs);
    match sys::fs_magic(anc) {
        Ok(m) if m == sys::BPF_FS_MAGIC => Ok(abs),
        _ => Err(not_bpffs(path).into()),
    }
}

/// The directories above `abs` that exist are directories, so pins and
/// directories can be made below them (a pin there gives ENOTDIR).
pub fn check_parents(abs: &Path) -> Result<()> {
    let Some(parent) = abs.parent() else {
        return Ok(());
    };
    let anc = existing_ancestor(parent);
    if !anc.is_dir() {
        bail!(UserError::new(
            format!("{} is a pin, not a directory, so nothing can be made below it", anc.display()),
            format!("choose a path outside {}, whose parent is a directory", anc.display()),
        ));
    }
    Ok(())
}

/// A new pin may be made at `path`: on bpffs, free, and named as bpffs allows.
pub fn check_new_pin(path: &Path) -> Result<PathBuf> {
    let abs = check_on_bpffs(path)?;
    check_parents(&abs)?;
    if abs.symlink_metadata().is_ok() {
        bail!(UserError::new(
            format!("{} already exists", path.display()),
            format!(
                "remove it first (`bpfpin prog rm {0}` or `bpfpin map rm {0}`) or choose another path",
                path.display()
            ),
        ));
    }
    if let Some(name) = abs.file_name().and_then(|n| n.to_str())
        && name.contains('.')
    {
        bail!(UserError::new(
            format!("pin name `{name}` contains a dot, which bpffs refuses"),
            "choose a name without `.` (bpfpin writes `_` for dots in map names)".to_string(),
        ));
    }
    Ok(abs)
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
            format!("{} is a pinned {k}, not a {want}", path.display()),
            format!("use `bpfpin {} show pinned {}`", cli_object(k), path.display()),
        )),
        None => bail!(UserError::new(
            format!("{} is not a pinned BPF object", path.display()),
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

/// BPF_OBJ_GET with errors that say what is wrong with the path.
pub fn open_any(path: &Path) -> Result<OwnedFd> {
    let meta = match path.symlink_metadata() {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => bail!(UserError::new(
            format!("{} does not exist", path.display()),
            "list pins with `bpfpin ls`".to_string(),
        )),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    if meta.is_dir() {
        bail!(UserError::new(
            format!("{} is a directory, not a pin", path.display()),
            format!("list what it holds with `bpfpin ls {}`", path.display()),
        ));
    }
    check_on_bpffs(path)?;
    sys::bpf_obj_get(path).with_context(|| format!("opening pin {}", path.display()))
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

/// `prog rm` / `map rm`: unlink pins (and with -r, directories of pins).
/// Refuses anything that is not on bpffs, and pins of another kind.
pub fn rm(g: &Global, out: &mut Out, args: &RmArgs, want: ObjKind) -> Result<()> {
    ensure_mounted(g.nomount)?;
    let (paths, recursive) = (&args.paths, args.recursive);
    // Check every path before removing any, so a bad argument removes nothing.
    for p in paths {
        check_rm(p, recursive, want)?;
    }
    for p in paths {
        if p.is_dir() {
            fs::remove_dir_all(p).with_context(|| format!("removing pin directory {}", p.display()))?;
        } else {
            fs::remove_file(p).with_context(|| format!("unpinning {}", p.display()))?;
        }
    }
    out.done()?;
    Ok(())
}

fn check_rm(p: &Path, recursive: bool, want: ObjKind) -> Result<()> {
    let meta = p
        .symlink_metadata()
        .map_err(|_| UserError::new(format!("{} does not exist", p.display()), "list pins with `bpfpin ls`"))?;
    let abs = absolute(p)?;
    if !sys::fs_magic(&abs).is_ok_and(|m| m == sys::BPF_FS_MAGIC) {
        bail!(UserError::new(
            format!("{} is not on a BPF filesystem; bpfpin removes only pins", p.display()),
            "use rm(1) for ordinary files",
        ));
    }
    if abs == Path::new(BPFFS_ROOT) {
        bail!(UserError::new("refusing to remove the bpffs root", "name the pins or directories below it"));
    }
    if meta.is_dir() {
        if !recursive {
            bail!(UserError::new(
                format!("{} is a directory", p.display()),
                format!(
                    "add -r to remove it and every pin below it: `bpfpin {} rm -r {}`",
                    cli_object(want),
                    p.display()
                ),
            ));
        }
        return Ok(());
    }
    let fd = sys::bpf_obj_get(p).with_context(|| format!("opening pin {}", p.display()))?;
    match kind_of(fd.as_fd()) {
        Some(k) if k == want || want == ObjKind::Link => Ok(()),
        Some(k) => bail!(UserError::new(
            format!("{} is a pinned {k}, not a {want}", p.display()),
            format!("remove it with `bpfpin {} rm {}`", cli_object(k), p.display()),
        )),
        None => Ok(()),
    }
}

/// `ls [DIR]`: every entry below DIR with what it is.
pub fn ls(out: &mut Out, dir: Option<&Path>) -> Result<()> {
    let dir = dir.unwrap_or(Path::new(BPFFS_ROOT));
    let abs = check_on_bpffs(dir)?;
    if !abs.is_dir() {
        bail!(UserError::new(format!("{} is not a directory", dir.display()), "give a directory on bpffs"));
    }
    let mut rows = Vec::new();
    walk(&abs, &mut rows)?;
    out.list(&rows)?;
    Ok(())
}

fn walk(dir: &Path, rows: &mut Vec<LsEntry>) -> Result<()> {
    let mut entries: Vec<_> =
        fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))?.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            rows.push(LsEntry {
                path: path.display().to_string(),
                kind: "dir".into(),
                id: None,
                name: None,
                obj_type: None,
            });
            // Other processes add and remove pins while we walk: a directory
            // that vanished since it was listed is simply gone, not an error.
            if let Err(err) = walk(&path, rows)
                && path.symlink_metadata().is_ok()
            {
                return Err(err);
            }
        } else {
            rows.push(describe(&path));
        }
    }
    Ok(())
}

fn describe(path: &Path) -> LsEntry {
    let mut row =
        LsEntry { path: path.display().to_string(), kind: "unreadable".into(), id: None, name: None, obj_type: None };
    let Ok(fd) = sys::bpf_obj_get(path) else {
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
        if walk(Path::new(BPFFS_ROOT), &mut rows).is_ok() {
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

/// Undo for a command that creates several things: pins, directories, and
/// pins moved aside. Dropped without `commit`, it removes what was made and
/// puts back what was moved, newest first, so a failure leaves bpffs as it was.
#[derive(Default)]
pub struct Rollback {
    steps: Vec<Step>,
    committed: bool,
}

enum Step {
    Pin(PathBuf),
    Dir(PathBuf),
    MovedAside { from: PathBuf, to: PathBuf },
}

impl Rollback {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn pinned(&mut self, path: PathBuf) {
        self.steps.push(Step::Pin(path));
    }

    /// mkdir -p, recording each directory made.
    pub fn create_dirs(&mut self, dir: &Path) -> Result<()> {
        let mut missing = Vec::new();
        let mut p = dir;
        while !p.exists() {
            missing.push(p.to_path_buf());
            match p.parent() {
                Some(parent) => p = parent,
                None => break,
            }
        }
        for d in missing.into_iter().rev() {
            if d.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains('.')) {
                bail!(UserError::new(
                    format!("directory name {} contains a dot, which bpffs refuses", d.display()),
                    "choose a directory name without `.`",
                ));
            }
            fs::create_dir(&d).with_context(|| format!("creating directory {}", d.display()))?;
            self.steps.push(Step::Dir(d));
        }
        Ok(())
    }

    /// Move an existing pin out of the way (to be deleted at commit, or put
    /// back on rollback).
    pub fn move_aside(&mut self, path: &Path) -> Result<PathBuf> {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("pin");
        let aside = path.with_file_name(format!("bpfpin_old_{}_{name}", std::process::id()));
        fs::rename(path, &aside).with_context(|| format!("moving the old pin {} aside", path.display()))?;
        self.steps.push(Step::MovedAside { from: path.to_path_buf(), to: aside.clone() });
        Ok(aside)
    }

    /// Keep everything; drop the pins that were moved aside.
    pub fn commit(mut self) {
        for s in &self.steps {
            if let Step::MovedAside { to, .. } = s {
                let _ = fs::remove_file(to);
            }
        }
        self.committed = true;
    }
}

impl Drop for Rollback {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        for s in self.steps.iter().rev() {
            match s {
                Step::Pin(p) => {
                    let _ = fs::remove_file(p);
                }
                Step::Dir(d) => {
                    let _ = fs::remove_dir(d);
                }
                Step::MovedAside { from, to } => {
                    let _ = fs::rename(to, from);
                }
            }
        }
    }
}

/// Pin a bpf fd at `path`, recording it for rollback.
pub fn pin_fd(rb: &mut Rollback, fd: BorrowedFd<'_>, path: &Path, what: &str) -> Result<()> {
    sys::bpf_obj_pin(fd, path).with_context(|| format!("pinning {what} at {}", path.display()))?;
    rb.pinned(path.to_path_buf());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_resolves_dots() {
        assert_eq!(absolute(Path::new("/sys/fs/bpf/a/../b/./c")).unwrap(), Path::new("/sys/fs/bpf/b/c"));
        assert_eq!(absolute(Path::new("/../..")).unwrap(), Path::new("/"));
    }

    #[test]
    fn pin_names_lose_dots() {
        assert_eq!(pin_name(".bss"), "_bss");
        assert_eq!(pin_name("a.b.c"), "a_b_c");
    }

    #[test]
    fn paths_off_bpffs_are_refused() {
        let e = check_new_pin(Path::new("/tmp/bpfpin-not-bpffs")).unwrap_err();
        assert!(e.to_string().contains("is not on a BPF filesystem"), "{e}");
    }
}
