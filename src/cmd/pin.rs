//! `prog rm` / `map rm` (unpin, refusing anything but pins on bpffs) and
//! `ls` (every pin below a directory, with what it is).

use std::ffi::OsStr;
use std::os::fd::AsFd;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::bpffs::{self, Dir, EntryKind, shown};
use crate::cli::{Global, RmArgs};
use crate::error::UserError;
use crate::kinds::{link_type_name, map_type_name, prog_type_name};
use crate::model::{LsEntry, ObjKind};
use crate::output::Out;
use crate::pins::{BPFFS_ROOT, c_name, cli_object, ensure_mounted, kind_of, missing_parent, open_entry};
use crate::sys;

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
        // A pinned link is a program's attachment: `prog rm` ends it, as
        // `prog rm -r` does for the links `autoattach` pins in a directory.
        Some(k) if k == want || want == ObjKind::Link || (want == ObjKind::Prog && k == ObjKind::Link) => {}
        Some(k) => bail!(UserError::new(
            format!("{} is a pinned {k}, not a {want}", shown(p)),
            format!(
                "remove it with `bpfpin {} rm {}`",
                if k == ObjKind::Link { "prog" } else { cli_object(k) },
                shown(p)
            ),
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
                row.name = Some(crate::resolve::full_name(&i));
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
