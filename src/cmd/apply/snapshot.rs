//! The pins below pin_dir as they were before an apply, each held open, so
//! a failure can put back exactly that tree: every pin apply made goes,
//! every pin it replaced or removed returns with the same object (same id).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use crate::pins;

pub struct Snapshot {
    root: PathBuf,
    pins: BTreeMap<PathBuf, (u32, OwnedFd)>,
    dirs: BTreeSet<PathBuf>,
}

/// Every pin (path, id) and directory below `root`, skipping `skip`.
fn walk(root: &Path, skip: &Path, out: &mut Vec<(PathBuf, Option<(u32, OwnedFd)>)>) {
    let Ok(rd) = fs::read_dir(root) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.starts_with(skip) {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => {
                out.push((p.clone(), None));
                walk(&p, skip, out);
            }
            _ => {
                if let Ok(fd) = pins::open_any(&p)
                    && let Some((_, id)) = pins::identify(fd.as_fd())
                {
                    out.push((p, Some((id, fd))));
                }
            }
        }
    }
}

impl Snapshot {
    pub fn take(root: &Path, skip: &Path) -> Snapshot {
        let mut all = Vec::new();
        walk(root, skip, &mut all);
        let mut s = Snapshot { root: root.to_path_buf(), pins: BTreeMap::new(), dirs: BTreeSet::new() };
        if root.is_dir() {
            s.dirs.insert(root.to_path_buf());
        }
        for (p, pin) in all {
            match pin {
                Some(x) => {
                    s.pins.insert(p, x);
                }
                None => {
                    s.dirs.insert(p);
                }
            }
        }
        s
    }

    /// Put the tree back: remove pins that are new or hold another object,
    /// re-pin what is missing, drop directories that did not exist.
    pub fn restore(&self, skip: &Path) -> Vec<String> {
        let mut problems = Vec::new();
        let mut now = Vec::new();
        walk(&self.root, skip, &mut now);
        for (p, pin) in &now {
            if let Some((id, _)) = pin
                && self.pins.get(p).is_none_or(|(want, _)| want != id)
                && let Err(e) = fs::remove_file(p)
            {
                problems.push(format!("removing {}: {e}", p.display()));
            }
        }
        for (p, (id, fd)) in &self.pins {
            let present = pins::open_any(p).ok().and_then(|f| pins::identify(f.as_fd())).map(|(_, i)| i);
            if present == Some(*id) {
                continue;
            }
            if let Some(parent) = p.parent() {
                let _ = fs::create_dir_all(parent);
            }
            if let Err(e) = crate::txn::pin_new(fd.as_fd(), p, "a pin apply had replaced") {
                problems.push(format!("re-pinning {}: {e:#}", p.display()));
            }
        }
        // Deepest first, so a new directory's new subdirectories go before it.
        let mut dirs: Vec<PathBuf> =
            now.iter().filter(|(p, pin)| pin.is_none() && !self.dirs.contains(p)).map(|(p, _)| p.clone()).collect();
        if !self.dirs.contains(&self.root) {
            dirs.push(self.root.clone());
        }
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for d in dirs {
            let _ = fs::remove_dir(&d);
        }
        problems
    }
}
