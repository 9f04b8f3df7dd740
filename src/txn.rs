//! All or nothing on bpffs, also when killed: a command that creates pins
//! builds them in a staging directory on the same bpffs and moves them into
//! place with rename(2) at the end.
//!
//! - Before the commit point nothing outside the staging directory has
//!   changed; dropping the `Txn` (an error, Ctrl-C) removes the staging
//!   directory, and a SIGKILL leaves only it, clearly named
//!   `bpfpin_staging_<pid>_...`.
//! - The commit point is a `commit` symlink written into the staging
//!   directory after a journal of the moves (`journal_N` symlinks, whose
//!   targets say where each staged entry goes). From there the moves are
//!   finished, by this process or, if it died, by the next bpfpin command.
//! - Each staging directory is registered (in /dev/shm/bpfpin-staging/, else
//!   /run/bpfpin/staging/) before it
//!   is made; every bpfpin command sweeps entries whose process is gone:
//!   rolled back before the commit point, rolled forward after it.
//! - The directories a command creates below are locked (flock) from the
//!   first check to the commit, so concurrent bpfpin commands on the same
//!   target take turns instead of undoing each other.
//!
//! bpffs holds no regular files, so the journal lives in symlink targets.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rustix::fs as rfs;

use crate::bpffs::{self, Dir, EntryKind, Ident, shown};
use crate::error::UserError;
use crate::sys;

/// Where staging directories are registered, the first usable one: a
/// tmpfs first, since an entry is made and removed by every pin-creating
/// command (on a disk-backed /run, as on this project's CI machines, the
/// unlink alone took ~0.15 ms). /dev/shm is world-writable, so bpfpin's
/// directory there is used, and swept, only when it is a real directory of
/// ours that nobody else can write.
const REGISTRIES: [&str; 2] = ["/dev/shm/bpfpin-staging", "/run/bpfpin/staging"];

fn trusted(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir() && m.uid() == sys::euid() && m.mode() & 0o022 == 0)
}

fn registry_dir() -> Option<&'static Path> {
    use std::os::unix::fs::DirBuilderExt;
    REGISTRIES.iter().map(Path::new).find(|r| {
        let parent_ok = r.parent().is_some_and(|p| p.is_dir());
        if r.starts_with("/dev/shm") {
            parent_ok && {
                let _ = fs::DirBuilder::new().mode(0o700).create(r);
                trusted(r)
            }
        } else {
            fs::create_dir_all(r).is_ok()
        }
    })
}
const PREFIX: &str = "bpfpin_staging_";

/// A path the command will create: an existing directory (the anchor) and
/// the names below it, the last being the pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target(usize);

struct TargetInfo {
    anchor: usize,
    rest: Vec<OsString>,
    path: PathBuf,
    /// The identity of the pin this target may replace (--replace-maps).
    replace: Option<Ident>,
    staged: bool,
}

struct Staging {
    name: OsString,
    dir: Dir,
    registry: Option<PathBuf>,
    /// Top-level staged entries: (anchor, first name) -> staged name.
    tops: Vec<(usize, OsString, OsString)>,
}

#[derive(Default)]
pub struct Txn {
    anchors: Vec<Dir>,
    targets: Vec<TargetInfo>,
    staging: Option<Staging>,
    /// The one pin of a command with a single target in an existing
    /// directory, replacing nothing: one BPF_OBJ_PIN at commit is already
    /// all or nothing, so it skips staging (a third of a small load's
    /// syscalls).
    direct: Option<(Target, std::os::fd::OwnedFd, String)>,
    locked: bool,
    done: bool,
}

impl Txn {
    pub fn new() -> Txn {
        Txn::default()
    }

    /// Register a path to be created. Nothing is locked or made yet.
    pub fn target(&mut self, path: &Path) -> Result<Target> {
        let mut w = bpffs::walk(path)?;
        if w.rest.is_empty() {
            // A directory is there: the callers' existence checks say so.
            let (dir, name) = bpffs::parent_of(path)?;
            w = bpffs::Walk { dir, rest: vec![name] };
        }
        for n in &w.rest {
            bpffs::check_name(n)?;
        }
        let anchor = match self.anchors.iter().position(|a| a.id == w.dir.id) {
            Some(i) => i,
            None => {
                if let Some(first) = self.anchors.first()
                    && first.id.dev != w.dir.id.dev
                {
                    bail!(UserError::new(
                        format!("{} and {} are on different bpffs mounts", shown(&first.path), shown(&w.dir.path)),
                        "put the pins of one command on one bpffs (they are moved into place by rename)",
                    ));
                }
                self.anchors.push(w.dir);
                self.anchors.len() - 1
            }
        };
        self.targets.push(TargetInfo { anchor, rest: w.rest, path: path.to_path_buf(), replace: None, staged: false });
        Ok(Target(self.targets.len() - 1))
    }

    /// Lock every anchor, in one global order so that two commands cannot
    /// wait on each other. Checks of what exists come after this.
    pub fn lock(&mut self) -> Result<()> {
        let mut order: Vec<usize> = (0..self.anchors.len()).collect();
        order.sort_by_key(|&i| self.anchors[i].id);
        for i in order {
            self.anchors[i].lock()?;
        }
        self.locked = true;
        Ok(())
    }

    pub fn path(&self, t: Target) -> &Path {
        &self.targets[t.0].path
    }

    /// What is at the target now (None: free), looked up through the
    /// locked anchor, so a directory made meanwhile is seen.
    pub fn existing(&self, t: Target) -> Result<Option<bpffs::Entry>> {
        let ti = &self.targets[t.0];
        let (last, dirs) = ti.rest.split_last().expect("a target has a name");
        let mut cur: Option<Dir> = None;
        for d in dirs {
            let here = cur.as_ref().unwrap_or(&self.anchors[ti.anchor]);
            match here.entry(d)? {
                Some(e) if e.kind == EntryKind::Dir => cur = Some(here.subdir(d)?),
                Some(_) => bail!(UserError::new(
                    format!("{} is a pin, not a directory, so nothing can be made below it", shown(&here.path.join(d))),
                    "choose a path whose parents are directories",
                )),
                None => return Ok(None),
            }
        }
        cur.as_ref().unwrap_or(&self.anchors[ti.anchor]).entry(last)
    }

    /// The directory that holds the target now, if it exists.
    pub fn existing_parent(&self, t: Target) -> Result<Option<Dir>> {
        let ti = &self.targets[t.0];
        let (_, dirs) = ti.rest.split_last().expect("a target has a name");
        let mut cur = self.anchors[ti.anchor].try_clone()?;
        for d in dirs {
            match cur.entry(d)? {
                Some(e) if e.kind == EntryKind::Dir => cur = cur.subdir(d)?,
                _ => return Ok(None),
            }
        }
        Ok(Some(cur))
    }

    /// The target must be free: "already exists" otherwise.
    pub fn require_free(&self, t: Target) -> Result<()> {
        if self.existing(t)?.is_some() {
            let p = shown(self.path(t));
            bail!(UserError::new(
                format!("{p} already exists"),
                format!("remove it first (`bpfpin prog rm {p}` or `bpfpin map rm {p}`) or choose another path"),
            ));
        }
        Ok(())
    }

    /// At commit, the staged pin replaces the pin now at the target (which
    /// must still be the same one then).
    pub fn replace(&mut self, t: Target, what: Ident) {
        self.targets[t.0].replace = Some(what);
    }

    fn staging(&mut self) -> Result<&mut Staging> {
        if self.staging.is_none() {
            if !self.locked {
                self.lock()?;
            }
            let anchor = self.anchors.first().context("a transaction without targets has nothing to stage")?;
            self.staging = Some(Staging::create(anchor)?);
        }
        Ok(self.staging.as_mut().expect("just made"))
    }

    /// The directory in staging where the target's pin is to be made, and
    /// its name there: the target's missing directories are made inside
    /// staging, so they appear with their pins in one rename.
    fn staged_parent(&mut self, t: Target) -> Result<(Dir, OsString)> {
        let (anchor, rest) = (self.targets[t.0].anchor, self.targets[t.0].rest.clone());
        self.targets[t.0].staged = true;
        let st = self.staging()?;
        let top = match st.tops.iter().find(|(a, first, _)| *a == anchor && *first == rest[0]) {
            Some((_, _, staged)) => staged.clone(),
            None => {
                let staged = OsString::from(format!("t{}", st.tops.len()));
                st.tops.push((anchor, rest[0].clone(), staged.clone()));
                if rest.len() > 1 {
                    st.dir.mkdir(&staged)?;
                }
                staged
            }
        };
        if rest.len() == 1 {
            return Ok((st.dir.try_clone()?, top));
        }
        let mut cur = st.dir.subdir(&top)?;
        for d in &rest[1..rest.len() - 1] {
            cur.mkdir(d)?;
            cur = cur.subdir(d)?;
        }
        Ok((cur, rest[rest.len() - 1].clone()))
    }

    /// Pin `fd` in staging for the target.
    pub fn pin(&mut self, t: Target, fd: BorrowedFd<'_>, what: &str) -> Result<()> {
        let info = &self.targets[t.0];
        if self.targets.len() == 1 && info.rest.len() == 1 && info.replace.is_none() && self.staging.is_none() {
            let own = fd.try_clone_to_owned().with_context(|| format!("keeping {what} until it is pinned"))?;
            self.direct = Some((t, own, what.to_string()));
            return Ok(());
        }
        let path = self.path(t).to_path_buf();
        let (dir, name) = self.staged_parent(t)?;
        sys::bpf_obj_pin_at(fd, dir.fd(), &name).with_context(|| format!("pinning {what} at {}", shown(&path)))
    }

    /// Move everything staged into place. Before the journal's commit mark
    /// exists nothing has changed; after it, the moves are finished even if
    /// this process dies (by the next command's sweep).
    pub fn commit(mut self) -> Result<()> {
        if let Some((t, fd, what)) = self.direct.take() {
            let info = &self.targets[t.0];
            let anchor = &self.anchors[info.anchor];
            let p = shown(&info.path);
            self.done = true;
            return sys::bpf_obj_pin_at(fd.as_fd(), anchor.fd(), &info.rest[0]).map_err(|e| {
                if e.errno() == Some(libc::EEXIST) {
                    UserError::new(
                        format!("{p} appeared while this command ran"),
                        format!("another process made it; remove it (`bpfpin prog rm {p}`) or choose another path"),
                    )
                    .into()
                } else {
                    anyhow::Error::new(e).context(format!("pinning {what} at {p}"))
                }
            });
        }
        let Some(st) = self.staging.take() else {
            self.done = true;
            return Ok(());
        };
        // Last check under the lock: every target is still free, or still
        // holds exactly the pin it replaces.
        for (i, ti) in self.targets.iter().enumerate() {
            if !ti.staged {
                continue;
            }
            match (self.existing(Target(i))?, ti.replace) {
                (None, _) => {}
                (Some(e), Some(id)) if e.id == id => {}
                (Some(_), _) => {
                    let p = shown(&ti.path);
                    self.staging = Some(st);
                    bail!(UserError::new(
                        format!("{p} appeared while this command ran"),
                        format!("another process made it; remove it (`bpfpin prog rm {p}`) or choose another path"),
                    ));
                }
            }
        }
        let mut moves = Vec::new();
        for (k, (anchor, first, staged)) in st.tops.iter().enumerate() {
            let replace = self
                .targets
                .iter()
                .find(|t| t.anchor == *anchor && t.rest.len() == 1 && t.rest[0] == *first)
                .and_then(|t| t.replace);
            let j = Journal { anchor: self.anchors[*anchor].id, replace, name: first.clone(), staged: staged.clone() };
            let text = j.encode(&self.anchors[*anchor].path);
            rfs::symlinkat(text.as_bytes(), st.dir.fd(), format!("journal{k}"))
                .map_err(io::Error::from)
                .context("writing the staging journal")?;
            moves.push((*anchor, j));
        }
        let commit_mark = rfs::symlinkat("commit", st.dir.fd(), "commit").map_err(io::Error::from);
        if let Err(e) = commit_mark {
            self.staging = Some(st);
            return Err(e).context("writing the commit mark");
        }
        // From here on the state is the new one: finish every move.
        let mut failed = Vec::new();
        for (anchor, j) in &moves {
            if let Err(e) = j.apply(&st.dir, &self.anchors[*anchor]) {
                failed.push(format!("{e:#}"));
            }
        }
        st.remove(&self.anchors[0]);
        self.done = true;
        if !failed.is_empty() {
            bail!(UserError::new(
                format!("some pins could not be moved into place: {}", failed.join("; ")),
                "check the paths named and run the command again",
            ));
        }
        Ok(())
    }
}

impl Drop for Txn {
    fn drop(&mut self) {
        if let Some(st) = self.staging.take()
            && !self.done
            && let Some(anchor) = self.anchors.first()
        {
            st.remove(anchor);
        }
    }
}

impl Staging {
    fn create(anchor: &Dir) -> Result<Staging> {
        let start = process_start(std::process::id()).unwrap_or(0);
        let nonce = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = OsString::from(format!("{PREFIX}{}_{start}_{nonce}", std::process::id()));
        // Registered before it exists, so a kill at any instant after this
        // leaves something the sweep can find.
        let registry = register(anchor, &name);
        if let Err(e) = rfs::mkdirat(anchor.fd(), &name, rfs::Mode::from_raw_mode(0o700)) {
            if let Some(r) = &registry {
                let _ = fs::remove_file(r);
            }
            return Err(io::Error::from(e))
                .with_context(|| format!("creating a staging directory in {}", shown(&anchor.path)));
        }
        let dir = anchor.subdir(&name)?;
        Ok(Staging { name, dir, registry, tops: Vec::new() })
    }

    /// Remove the staging directory (checked to be ours by identity) and its
    /// registry entry.
    fn remove(self, anchor: &Dir) {
        if anchor.entry(&self.name).ok().flatten().is_some_and(|e| e.id == self.dir.id) {
            let _ = anchor.remove_tree(&self.name);
        }
        if let Some(r) = &self.registry {
            let _ = fs::remove_file(r);
        }
    }
}

/// One staged top-level entry and where it goes, as a symlink target:
/// `dev:ino:replace_ino:hex(name):hex(staged):anchor path`.
struct Journal {
    anchor: Ident,
    replace: Option<Ident>,
    name: OsString,
    staged: OsString,
}

impl Journal {
    fn encode(&self, anchor_path: &Path) -> String {
        format!(
            "{}:{}:{}:{}:{}:{}",
            self.anchor.dev,
            self.anchor.ino,
            self.replace.map_or(0, |r| r.ino),
            hex::encode(self.name.as_bytes()),
            hex::encode(self.staged.as_bytes()),
            anchor_path.display()
        )
    }

    fn decode(text: &[u8]) -> Option<(Journal, PathBuf)> {
        let s = std::str::from_utf8(text).ok()?;
        let mut it = s.splitn(6, ':');
        let dev = it.next()?.parse().ok()?;
        let ino = it.next()?.parse().ok()?;
        let rep: u64 = it.next()?.parse().ok()?;
        let name = OsStr::from_bytes(&hex::decode(it.next()?).ok()?).to_os_string();
        let staged = OsStr::from_bytes(&hex::decode(it.next()?).ok()?).to_os_string();
        let path = PathBuf::from(it.next()?);
        let anchor = Ident { dev, ino };
        let replace = (rep != 0).then_some(Ident { dev, ino: rep });
        Some((Journal { anchor, replace, name, staged }, path))
    }

    /// rename staged -> anchor/name; a directory that exists there already
    /// (made meanwhile) is merged into, entry by entry.
    fn apply(&self, staging: &Dir, anchor: &Dir) -> Result<()> {
        if staging.entry(&self.staged)?.is_none() {
            return Ok(()); // moved already (a sweep finishing a commit)
        }
        let dest = anchor.path.join(&self.name);
        match anchor.entry(&self.name)? {
            Some(e) if Some(e.id) == self.replace && e.kind != EntryKind::Dir => {
                staging.rename_to(&self.staged, anchor, &self.name, true)
            }
            Some(e) if e.kind == EntryKind::Dir => {
                return merge(&staging.subdir(&self.staged)?, &anchor.subdir(&self.name)?);
            }
            Some(_) => bail!("{} exists", shown(&dest)),
            None => staging.rename_to(&self.staged, anchor, &self.name, false),
        }
        .with_context(|| format!("moving {} into place", shown(&dest)))
    }
}

fn merge(from: &Dir, to: &Dir) -> Result<()> {
    for n in from.names()? {
        match (from.entry(&n)?, to.entry(&n)?) {
            (Some(a), Some(b)) if a.kind == EntryKind::Dir && b.kind == EntryKind::Dir => {
                merge(&from.subdir(&n)?, &to.subdir(&n)?)?;
            }
            (Some(_), Some(_)) => bail!("{} exists", shown(&to.path.join(&n))),
            (Some(_), None) => from
                .rename_to(&n, to, &n, false)
                .with_context(|| format!("moving {} into place", shown(&to.path.join(&n))))?,
            (None, _) => {}
        }
    }
    Ok(())
}

/// The start time of a process (field 22 of /proc/PID/stat), which tells a
/// live owner from a new process that reuses its pid.
fn process_start(pid: u32) -> Option<u64> {
    let s = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &s[s.rfind(')')? + 2..];
    after.split_whitespace().nth(19)?.parse().ok()
}

fn register(anchor: &Dir, name: &OsStr) -> Option<PathBuf> {
    let entry = registry_dir()?.join(name);
    let text =
        format!("{}:{}:{}:{}", anchor.id.dev, anchor.id.ino, hex::encode(name.as_bytes()), anchor.path.display());
    std::os::unix::fs::symlink(text, &entry).ok()?;
    Some(entry)
}

/// Finish or undo what bpfpin commands that died left in staging: every
/// registered staging directory whose process is gone is rolled forward
/// (commit mark present) or removed. Cheap when there is nothing to do
/// (one failed open), so every command runs it.
pub fn sweep() {
    for r in REGISTRIES.iter().map(Path::new) {
        if r.starts_with("/dev/shm") && !trusted(r) {
            continue;
        }
        sweep_registry(r);
    }
}

fn sweep_registry(registry: &Path) {
    let Ok(entries) = fs::read_dir(registry) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(owner) = owner_of(&name) else { continue };
        if owner_alive(owner) {
            continue;
        }
        let _ = sweep_one(&e.path());
        let _ = fs::remove_file(e.path());
    }
}

/// (pid, start time) from `bpfpin_staging_<pid>_<start>_<nonce>`.
fn owner_of(name: &OsStr) -> Option<(u32, u64)> {
    let s = name.to_str()?.strip_prefix(PREFIX)?;
    let mut it = s.split('_');
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

fn owner_alive((pid, start): (u32, u64)) -> bool {
    process_start(pid).is_some_and(|s| s == start || start == 0)
}

fn sweep_one(entry: &Path) -> Result<()> {
    let text = fs::read_link(entry)?;
    let text = text.as_os_str().as_bytes();
    let s = std::str::from_utf8(text)?;
    let mut it = s.splitn(4, ':');
    let (dev, ino): (u64, u64) = (it.next().context("dev")?.parse()?, it.next().context("ino")?.parse()?);
    let name = OsStr::from_bytes(&hex::decode(it.next().context("name")?)?).to_os_string();
    let anchor = bpffs::open_dir(Path::new(it.next().context("path")?))?;
    if anchor.id != (Ident { dev, ino }) {
        bail!("the staging directory's parent moved");
    }
    anchor.lock()?;
    let Some(e) = anchor.entry(&name)? else { return Ok(()) };
    if e.kind != EntryKind::Dir {
        return Ok(());
    }
    let staging = anchor.subdir(&name)?;
    if staging.entry(OsStr::new("commit"))?.is_some() {
        for n in staging.names()? {
            if !n.as_bytes().starts_with(b"journal") {
                continue;
            }
            let target = rfs::readlinkat(staging.fd(), &n, Vec::new())?;
            let Some((j, path)) = Journal::decode(target.as_bytes()) else { continue };
            if let Ok(dest) = bpffs::open_dir(&path)
                && dest.id == j.anchor
            {
                let _ = j.apply(&staging, &dest);
            }
        }
    }
    drop(staging);
    anchor.remove_tree(&name)
}

/// Pins `fd` at `path` as one step: directly when its directory exists (a
/// pin appears atomically), through staging when directories must be made.
pub fn pin_new(fd: impl AsFd, path: &Path, what: &str) -> Result<()> {
    let mut txn = Txn::new();
    let t = txn.target(path)?;
    txn.lock()?;
    txn.require_free(t)?;
    if let Some(dir) = txn.existing_parent(t)? {
        let name = txn.targets[t.0].rest.last().expect("a name").clone();
        return sys::bpf_obj_pin_at(fd.as_fd(), dir.fd(), &name)
            .with_context(|| format!("pinning {what} at {}", shown(path)));
    }
    txn.pin(t, fd.as_fd(), what)?;
    txn.commit()
}

/// A new pin may be made at `path`: on bpffs, its parents directories (or
/// missing), and nothing there yet. Checked again when pinning.
pub fn check_new(path: &Path) -> Result<()> {
    let mut txn = Txn::new();
    let t = txn.target(path)?;
    txn.require_free(t)
}
