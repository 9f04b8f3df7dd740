//! bpffs paths through file descriptors, never as checked strings.
//!
//! A path is walked one component at a time with `O_NOFOLLOW`, from `/` or
//! the working directory: a symlink anywhere on the way is refused (so
//! `/proc/self/root/...` and `lnk/../x` cannot redirect us), and once the
//! walk has reached bpffs it may not leave that filesystem (another
//! `st_dev`, a mount root below the one we entered, or `..`). What commands
//! then change (pins, directories, renames, unlinks) is done with `*at()`
//! calls relative to a directory fd whose `fstatfs` said bpffs, so only a
//! bpffs entry can ever be created or removed, whatever the text said or
//! whatever changes under it meanwhile. rustix wraps the syscalls; the bpf
//! ones that take a directory fd (`BPF_F_PATH_FD`) are in `sys`.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, StatxAttributes, StatxFlags};

use crate::error::UserError;
use crate::text::escape;

pub const ROOT: &str = "/sys/fs/bpf";

/// A path for messages: control characters (a newline in a pin name) are
/// escaped so an error stays one line.
pub fn shown(path: &Path) -> String {
    escape(&path.to_string_lossy()).into_owned()
}

/// Identity of a file: device and inode, compared instead of path text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ident {
    pub dev: u64,
    pub ino: u64,
}

/// An open directory on bpffs, with what it was called (for messages only).
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
    pub id: Ident,
    pub mount_root: bool,
    pub path: PathBuf,
}

/// What a name in a directory is, read without following it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Dir,
    /// Pins show as regular files on bpffs.
    File,
    Symlink,
    Other,
}

#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub kind: EntryKind,
    pub id: Ident,
    pub mount_root: bool,
}

fn ident(x: &rfs::Statx) -> Ident {
    Ident { dev: rustix::fs::makedev(x.stx_dev_major, x.stx_dev_minor), ino: x.stx_ino }
}

fn kind(mode: u16) -> EntryKind {
    match FileType::from_raw_mode(mode as u32) {
        FileType::Directory => EntryKind::Dir,
        FileType::RegularFile => EntryKind::File,
        FileType::Symlink => EntryKind::Symlink,
        _ => EntryKind::Other,
    }
}

fn is_mount_root(x: &rfs::Statx) -> bool {
    x.stx_attributes_mask.contains(StatxAttributes::MOUNT_ROOT)
        && x.stx_attributes.contains(StatxAttributes::MOUNT_ROOT)
}

fn statx_fd(fd: BorrowedFd<'_>) -> io::Result<rfs::Statx> {
    Ok(rfs::statx(fd, c"", AtFlags::EMPTY_PATH, StatxFlags::BASIC_STATS)?)
}

fn on_bpffs(fd: BorrowedFd<'_>) -> bool {
    // f_type's width differs between architectures.
    #[allow(clippy::unnecessary_cast)]
    rfs::fstatfs(fd).is_ok_and(|s| s.f_type as i64 == libc::BPF_FS_MAGIC as i64)
}

fn open_dir_at(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<OwnedFd> {
    Ok(rfs::openat(dir, name, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC, Mode::empty())?)
}

impl Dir {
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// The same directory through a second descriptor.
    pub fn try_clone(&self) -> Result<Dir> {
        let fd = self.fd.try_clone().with_context(|| format!("duplicating the descriptor of {}", shown(&self.path)))?;
        Ok(Dir { fd, id: self.id, mount_root: self.mount_root, path: self.path.clone() })
    }

    /// What `name` is in this directory, without following it; None when absent.
    pub fn entry(&self, name: &OsStr) -> Result<Option<Entry>> {
        match rfs::statx(self.fd(), name, AtFlags::SYMLINK_NOFOLLOW, StatxFlags::BASIC_STATS) {
            Ok(x) => Ok(Some(Entry { kind: kind(x.stx_mode), id: ident(&x), mount_root: is_mount_root(&x) })),
            Err(rustix::io::Errno::NOENT) => Ok(None),
            Err(e) => Err(io::Error::from(e)).with_context(|| format!("reading {}", shown(&self.path.join(name)))),
        }
    }

    /// The subdirectory `name`, on the same bpffs (no symlink, no mount).
    pub fn subdir(&self, name: &OsStr) -> Result<Dir> {
        let path = self.path.join(name);
        let fd = open_dir_at(self.fd(), name).map_err(|e| open_error(&path, name, e))?;
        let x = statx_fd(fd.as_fd()).with_context(|| format!("reading {}", shown(&path)))?;
        let d = Dir { id: ident(&x), mount_root: is_mount_root(&x), fd, path };
        if d.id.dev != self.id.dev || d.mount_root || !on_bpffs(d.fd()) {
            bail!(crosses_mount(&d.path));
        }
        Ok(d)
    }

    /// mkdir NAME here; Ok(false) when a directory is already there (made
    /// concurrently by someone else, which is fine).
    pub fn mkdir(&self, name: &OsStr) -> Result<bool> {
        check_name(name)?;
        match rfs::mkdirat(self.fd(), name, Mode::from_raw_mode(0o755)) {
            Ok(()) => Ok(true),
            Err(rustix::io::Errno::EXIST) if self.entry(name)?.is_some_and(|e| e.kind == EntryKind::Dir) => Ok(false),
            Err(e) => {
                Err(io::Error::from(e)).with_context(|| format!("creating directory {}", shown(&self.path.join(name))))
            }
        }
    }

    pub fn unlink(&self, name: &OsStr) -> io::Result<()> {
        Ok(rfs::unlinkat(self.fd(), name, AtFlags::empty())?)
    }

    pub fn rmdir(&self, name: &OsStr) -> io::Result<()> {
        Ok(rfs::unlinkat(self.fd(), name, AtFlags::REMOVEDIR)?)
    }

    /// Names in this directory, sorted (bytes), without `.` and `..`.
    pub fn names(&self) -> Result<Vec<OsString>> {
        let rd = rfs::Dir::read_from(self.fd()).with_context(|| format!("listing {}", shown(&self.path)))?;
        let mut names = Vec::new();
        for e in rd {
            let e = e.map_err(io::Error::from).with_context(|| format!("listing {}", shown(&self.path)))?;
            let n = e.file_name().to_bytes();
            if n != b"." && n != b".." {
                names.push(OsStr::from_bytes(n).to_os_string());
            }
        }
        names.sort();
        Ok(names)
    }

    /// Exclusive lock on this directory (flock), held until the fd closes:
    /// bpfpin commands that create below the same directory take turns.
    pub fn lock(&self) -> Result<()> {
        rfs::flock(self.fd(), rfs::FlockOperation::LockExclusive)
            .map_err(io::Error::from)
            .with_context(|| format!("locking {}", shown(&self.path)))
    }

    /// rename within bpffs; `replace` allows overwriting a pin there.
    pub fn rename_to(&self, from: &OsStr, to_dir: &Dir, to: &OsStr, replace: bool) -> io::Result<()> {
        let flags = if replace { rfs::RenameFlags::empty() } else { rfs::RenameFlags::NOREPLACE };
        Ok(rfs::renameat_with(self.fd(), from, to_dir.fd(), to, flags)?)
    }

    /// Remove the directory `name` and everything below it, through fds.
    /// Mount points and other filesystems below are never entered: they make
    /// the whole removal fail before anything is removed.
    pub fn remove_tree(&self, name: &OsStr) -> Result<()> {
        let sub = self.subdir(name)?;
        sub.check_tree()?;
        sub.empty()?;
        drop(sub);
        self.rmdir(name).with_context(|| format!("removing directory {}", shown(&self.path.join(name))))
    }

    /// Nothing below is another mount (checked before removing anything).
    pub fn check_tree(&self) -> Result<()> {
        for n in self.names()? {
            if let Some(e) = self.entry(&n)? {
                if e.id.dev != self.id.dev || e.mount_root {
                    bail!(crosses_mount(&self.path.join(&n)));
                }
                if e.kind == EntryKind::Dir {
                    self.subdir(&n)?.check_tree()?;
                }
            }
        }
        Ok(())
    }

    /// Remove everything in this directory (it stays).
    pub fn empty(&self) -> Result<()> {
        for n in self.names()? {
            match self.entry(&n)? {
                Some(e) if e.kind == EntryKind::Dir => {
                    let sub = self.subdir(&n)?;
                    sub.empty()?;
                    drop(sub);
                    self.rmdir(&n).with_context(|| format!("removing directory {}", shown(&self.path.join(&n))))?;
                }
                Some(_) => self.unlink(&n).with_context(|| format!("unpinning {}", shown(&self.path.join(&n))))?,
                None => {}
            }
        }
        Ok(())
    }
}

fn crosses_mount(path: &Path) -> UserError {
    UserError::new(
        format!("{} is another mount, not part of this bpffs; bpfpin never crosses a mount", shown(path)),
        "unmount it first, or name the pins on the bpffs side",
    )
}

fn open_error(path: &Path, name: &OsStr, e: io::Error) -> anyhow::Error {
    match e.raw_os_error() {
        Some(libc::ELOOP) => symlink_refused(path).into(),
        Some(libc::ENOTDIR) => UserError::new(
            format!("{} is not a directory (component `{}`)", shown(path), escape(&name.to_string_lossy())),
            "give a path whose parents are directories",
        )
        .into(),
        _ => anyhow::Error::new(e).context(format!("opening {}", shown(path))),
    }
}

fn symlink_refused(path: &Path) -> UserError {
    UserError::new(
        format!("{} goes through a symlink; bpfpin follows no symlinks on the way to a pin", shown(path)),
        "give the real path under /sys/fs/bpf (see `readlink -f`)",
    )
}

pub fn not_bpffs(path: &Path) -> UserError {
    UserError::new(
        format!("{} is not on a BPF filesystem", shown(path)),
        format!("use a path under {ROOT} (mount it with `mount -t bpf bpf {ROOT}`)"),
    )
}

/// bpffs refuses `.` in names (`EPERM`); say so before the kernel does.
pub fn check_name(name: &OsStr) -> Result<()> {
    if name.as_bytes().contains(&b'.') {
        bail!(UserError::new(
            format!("name `{}` contains a dot, which bpffs refuses", escape(&name.to_string_lossy())),
            "choose a name without `.` (bpfpin writes `_` for dots in map names)",
        ));
    }
    Ok(())
}

/// Where a walk stopped: the deepest directory that exists, and the
/// components below it that do not (or, for the last one, that exist but
/// are not directories).
#[derive(Debug)]
pub struct Walk {
    pub dir: Dir,
    pub rest: Vec<OsString>,
}

/// Walk `path` as described at the top. The result's directory is on bpffs;
/// anything else is refused as "not on a BPF filesystem".
pub fn walk(path: &Path) -> Result<Walk> {
    let mut cur: OwnedFd = if path.is_absolute() {
        open_dir_at(rfs::CWD, OsStr::new("/")).context("opening /")?
    } else {
        open_dir_at(rfs::CWD, OsStr::new(".")).context("opening the working directory")?
    };
    let mut shown_path = if path.is_absolute() { PathBuf::from("/") } else { PathBuf::from(".") };
    let mut bpffs_dev: Option<u64> = None;
    let mut cur_x = statx_fd(cur.as_fd()).context("reading the working directory")?;
    if on_bpffs(cur.as_fd()) {
        bpffs_dev = Some(ident(&cur_x).dev);
    }
    let comps: Vec<Component<'_>> = path.components().collect();
    let mut i = 0;
    while i < comps.len() {
        let name: &OsStr = match comps[i] {
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {
                i += 1;
                continue;
            }
            Component::ParentDir => {
                if bpffs_dev.is_some() {
                    bail!(UserError::new(
                        format!("{} climbs with `..` inside bpffs", shown(path)),
                        "give the path without `..`",
                    ));
                }
                OsStr::new("..")
            }
            Component::Normal(n) => n,
        };
        let next = shown_path.join(name);
        match open_dir_at(cur.as_fd(), name) {
            Ok(fd) => {
                let x = statx_fd(fd.as_fd()).with_context(|| format!("reading {}", shown(&next)))?;
                let bpf = on_bpffs(fd.as_fd());
                if let Some(dev) = bpffs_dev
                    && (ident(&x).dev != dev || is_mount_root(&x) || !bpf)
                {
                    bail!(crosses_mount(&next));
                }
                if bpf && bpffs_dev.is_none() {
                    bpffs_dev = Some(ident(&x).dev);
                }
                cur = fd;
                cur_x = x;
                shown_path = next;
                i += 1;
            }
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => break,
            // bpffs refuses to look up a name with a dot (EPERM): no such
            // entry can exist but the kernel's own, so it is "missing".
            Err(e) if e.raw_os_error() == Some(libc::EPERM) && name.as_bytes().contains(&b'.') => break,
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOTDIR | libc::ELOOP)) => {
                // The last component may be a pin (a file); a symlink or a
                // file in the middle of the path is refused.
                let x = rfs::statx(cur.as_fd(), name, AtFlags::SYMLINK_NOFOLLOW, StatxFlags::BASIC_STATS)
                    .map_err(io::Error::from)
                    .with_context(|| format!("reading {}", shown(&next)))?;
                if kind(x.stx_mode) == EntryKind::Symlink {
                    bail!(symlink_refused(&next));
                }
                let last = comps[i + 1..].iter().all(|c| matches!(c, Component::CurDir));
                if !last {
                    if kind(x.stx_mode) == EntryKind::File {
                        bail!(UserError::new(
                            format!("{} is a pin, not a directory, so nothing can be made below it", shown(&next)),
                            "choose a path whose parents are directories",
                        ));
                    }
                    return Err(open_error(&next, name, e));
                }
                break;
            }
            Err(e) => return Err(open_error(&next, name, e)),
        }
    }
    if bpffs_dev.is_none() {
        bail!(not_bpffs(path));
    }
    let mut rest = Vec::new();
    for c in &comps[i..] {
        match c {
            Component::Normal(n) => rest.push(n.to_os_string()),
            Component::CurDir => {}
            _ => bail!(UserError::new(
                format!("{} has `..` after a part that does not exist", shown(path)),
                "give the path without `..`",
            )),
        }
    }
    Ok(Walk { dir: Dir { id: ident(&cur_x), mount_root: is_mount_root(&cur_x), fd: cur, path: shown_path }, rest })
}

/// An existing directory on bpffs.
pub fn open_dir(path: &Path) -> Result<Dir> {
    let w = walk(path)?;
    match w.rest.first() {
        None => Ok(w.dir),
        Some(n) => {
            let p = w.dir.path.join(n);
            if w.dir.entry(n)?.is_some() {
                bail!(UserError::new(format!("{} is not a directory", shown(path)), "give a directory on bpffs"));
            }
            bail!(UserError::new(format!("{} does not exist", shown(&p)), "list pins with `bpfpin ls`"))
        }
    }
}

/// A directory argument (loadall's DIR, --pin-maps DIR): on bpffs, and a
/// directory if it exists (it is made when missing).
pub fn check_dir_arg(path: &Path, fix: &str) -> Result<()> {
    let w = walk(path)?;
    // A directory another command renamed into place since the walk looked
    // is fine here: the load's lock and checks deal with what it holds.
    if let [name] = w.rest.as_slice()
        && w.dir.entry(name)?.is_some_and(|e| e.kind != EntryKind::Dir)
    {
        bail!(UserError::new(format!("{} exists and is not a directory", shown(path)), fix));
    }
    Ok(())
}

/// The directory holding `path` and its last name: the parent must exist.
/// Used to open, check and unlink one entry relative to its directory.
pub fn parent_of(path: &Path) -> Result<(Dir, OsString)> {
    let w = walk(path)?;
    match w.rest.as_slice() {
        [name] => Ok((w.dir, name.clone())),
        [] => {
            // The path is an existing directory: its parent is one level up,
            // reached by walking the parent's text again (no `..` on bpffs).
            let name = match path.components().next_back() {
                Some(Component::Normal(n)) => n.to_os_string(),
                _ => bail!(UserError::new(
                    format!("{} does not name an entry", shown(path)),
                    "give the pin's or directory's own path",
                )),
            };
            let parent = path.parent().unwrap_or(Path::new("/"));
            let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
            let p = walk(parent)?;
            if !p.rest.is_empty() {
                bail!(UserError::new(format!("{} changed while being read", shown(path)), "try again"));
            }
            // The same directory both ways, or something moved meanwhile.
            match p.dir.entry(&name)? {
                Some(e) if e.id == w.dir.id => Ok((p.dir, name)),
                Some(e) if e.mount_root || e.id.dev != p.dir.id.dev => Ok((p.dir, name)),
                _ => bail!(UserError::new(format!("{} changed while being read", shown(path)), "try again")),
            }
        }
        [first, ..] => {
            bail!(UserError::new(
                format!("{} does not exist", shown(&w.dir.path.join(first))),
                "create the directory first, or check the path",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_off_bpffs_are_refused() {
        let e = walk(Path::new("/tmp")).unwrap_err();
        assert!(e.to_string().contains("is not on a BPF filesystem"), "{e}");
    }
}
