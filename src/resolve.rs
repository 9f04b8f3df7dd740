//! Selectors to kernel objects: `id N`, `pinned PATH`, `name NAME`, `tag
//! TAG` (bpftool's PROG/MAP/LINK) opened as file descriptors. The one place
//! every command resolves what the user named.

use std::os::fd::{AsFd, OwnedFd};

use anyhow::{Context, Result, bail};

use crate::error::UserError;
use crate::kinds::ObjKind;
use crate::pins;
use crate::select::{LinkSel, MapSel, ProgSel};
use crate::sys::{self, Kind};

/// Every program the selector names; an error when it names none.
pub fn progs(sel: &ProgSel) -> Result<Vec<OwnedFd>> {
    match sel {
        ProgSel::Id(id) => Ok(vec![prog_by_id(*id)?]),
        ProgSel::Pinned(p) => Ok(vec![pins::open(p, ObjKind::Prog)?]),
        ProgSel::Name(name) => {
            let fds = scan(|i| name_matches(i, name))?;
            if fds.is_empty() {
                bail!(UserError::new(format!("no program is named `{name}`"), "list programs with `bpfpin prog show`"));
            }
            Ok(fds)
        }
        ProgSel::Tag(tag) => {
            let fds = scan(|i| i.info.tag == *tag)?;
            if fds.is_empty() {
                bail!(UserError::new(
                    format!("no program has tag {}", hex::encode(tag)),
                    "list programs and their tags with `bpfpin prog show`",
                ));
            }
            Ok(fds)
        }
    }
}

/// Exactly one program, for verbs that act on one.
pub fn prog(sel: &ProgSel) -> Result<OwnedFd> {
    let mut fds = progs(sel)?;
    if fds.len() > 1 {
        bail!(UserError::new(
            format!("{} programs match; this command takes one", fds.len()),
            "select it by `id N` or `pinned PATH`",
        ));
    }
    Ok(fds.remove(0))
}

fn prog_by_id(id: u32) -> Result<OwnedFd> {
    sys::get_fd_by_id(Kind::Prog, id).map_err(|e| {
        if e.errno() == Some(libc::ENOENT) {
            UserError::new(format!("no program has id {id}"), "list programs with `bpfpin prog show`").into()
        } else {
            anyhow::Error::from(e).context(format!("opening program id {id}"))
        }
    })
}

/// Every loaded object of one kind, opened one at a time as the iterator
/// is read (so a caller that drops each fd keeps the fd table small).
/// Objects that vanish mid-walk are skipped.
pub fn each(kind: Kind) -> Result<impl Iterator<Item = OwnedFd>> {
    let what = match kind {
        Kind::Prog => "listing programs",
        Kind::Map => "listing maps",
        Kind::Link => "listing links",
        Kind::Btf => "listing BTF objects",
    };
    let ids = sys::all_ids(kind).context(what)?;
    Ok(ids.into_iter().filter_map(move |id| sys::get_fd_by_id(kind, id).ok()))
}

/// Open every loaded program and keep those `keep` accepts.
fn scan(keep: impl Fn(&sys::ProgInfo) -> bool) -> Result<Vec<OwnedFd>> {
    Ok(each(Kind::Prog)?.filter(|fd| sys::prog_info(fd.as_fd()).is_ok_and(|i| keep(&i))).collect())
}

/// bpftool matches the kernel's (15-char) name; we also match the full name
/// from BTF so `name this_is_a_very_long_program_name` works.
fn name_matches(i: &sys::ProgInfo, name: &str) -> bool {
    let kname = pins::c_name(&i.info.name);
    if kname == name {
        return true;
    }
    kname.len() == 15 && name.starts_with(&kname) && full_name(i) == name
}

/// The program's name, completed from BTF func info when the kernel cut it
/// at 15 characters (as bpftool does).
pub fn full_name(i: &sys::ProgInfo) -> String {
    let kname = pins::c_name(&i.info.name);
    if kname.len() < 15 || i.info.btf_id == 0 {
        return kname;
    }
    let Some(&(_, type_id)) = i.func_info.first() else {
        return kname;
    };
    let Ok(raw) = sys::btf_raw(i.info.btf_id) else {
        return kname;
    };
    match crate::btf::Btf::parse(&raw) {
        Ok(btf) => btf.type_name(type_id).filter(|n| n.starts_with(&kname)).map_or(kname, str::to_string),
        Err(_) => kname,
    }
}

/// Every map the selector names; an error when it names none.
pub fn maps(sel: &MapSel) -> Result<Vec<OwnedFd>> {
    match sel {
        MapSel::Id(id) => Ok(vec![map_by_id(*id)?]),
        MapSel::Pinned(p) => Ok(vec![pins::open(p, ObjKind::Map)?]),
        MapSel::Name(name) => {
            let fds: Vec<OwnedFd> = each(Kind::Map)?
                .filter(|fd| sys::map_info(fd.as_fd()).is_ok_and(|i| pins::c_name(&i.name) == *name))
                .collect();
            if fds.is_empty() {
                bail!(UserError::new(format!("no map is named `{name}`"), "list maps with `bpfpin map show`"));
            }
            Ok(fds)
        }
    }
}

pub fn map(sel: &MapSel) -> Result<OwnedFd> {
    let mut fds = maps(sel)?;
    if fds.len() > 1 {
        bail!(UserError::new(
            format!("{} maps match; this command takes one", fds.len()),
            "select it by `id N` or `pinned PATH`",
        ));
    }
    Ok(fds.remove(0))
}

fn map_by_id(id: u32) -> Result<OwnedFd> {
    sys::get_fd_by_id(Kind::Map, id).map_err(|e| {
        if e.errno() == Some(libc::ENOENT) {
            UserError::new(format!("no map has id {id}"), "list maps with `bpfpin map show`").into()
        } else {
            anyhow::Error::from(e).context(format!("opening map id {id}"))
        }
    })
}

pub fn link(sel: &LinkSel) -> Result<OwnedFd> {
    match sel {
        LinkSel::Id(id) => sys::get_fd_by_id(Kind::Link, *id).map_err(|e| {
            if e.errno() == Some(libc::ENOENT) {
                UserError::new(format!("no link has id {id}"), "list links with `bpfpin link show`").into()
            } else {
                anyhow::Error::from(e).context(format!("opening link id {id}"))
            }
        }),
        LinkSel::Pinned(p) => pins::open(p, ObjKind::Link),
    }
}
