//! `bpfpin prog ...`: show and pin here; load, dump, run and the
//! trace verbs in their own files.

pub mod dump;
pub mod load;
pub mod run;
pub mod trace;

use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::Global;
use crate::kinds::prog_type_name;
use crate::model::{ObjKind, ProgView};
use crate::output::Out;
use crate::pids::Holders;
use crate::pins::{self, PinIndex};
use crate::select::Words;
use crate::sys::{self, Kind};

/// One program's view; `pids` is left empty for `Holders::fill`.
pub fn view(fd: BorrowedFd<'_>, pins: Option<&PinIndex>) -> Result<ProgView> {
    let i = match sys::prog_info(fd) {
        Ok(i) => i,
        Err(e) if e.errno() == Some(libc::ENODEV) => return Ok(orphaned_view(fd, pins)),
        Err(e) => return Err(e).context("reading program info"),
    };
    let memlock = sys::fdinfo(fd).into_iter().find(|(k, _)| k == "memlock").and_then(|(_, v)| v.parse().ok());
    let p = &i.info;
    let loaded_at = sys::boot_ns_to_epoch(p.load_time);
    Ok(ProgView {
        id: p.id,
        kind: prog_type_name(p.type_),
        name: crate::resolve::full_name(&i),
        tag: hex::encode(p.tag),
        gpl_compatible: p.gpl_compatible() != 0,
        run_time_ns: (p.run_time_ns != 0).then_some(p.run_time_ns),
        run_cnt: (p.run_time_ns != 0).then_some(p.run_cnt),
        recursion_misses: (p.recursion_misses != 0).then_some(p.recursion_misses),
        loaded_at,
        loaded_local: sys::local_time(loaded_at),
        uid: p.created_by_uid,
        bytes_xlated: p.xlated_prog_len,
        jited: p.jited_prog_len > 0,
        bytes_jited: (p.jited_prog_len > 0).then_some(p.jited_prog_len),
        bytes_memlock: memlock,
        map_ids: i.map_ids.clone(),
        btf_id: (p.btf_id != 0).then_some(p.btf_id),
        pinned: pins.map(|x| x.paths(ObjKind::Prog, p.id)),
        pids: Vec::new(),
        metadata: crate::metadata::of_prog(&i.map_ids),
        orphaned: false,
    })
}

/// A program the kernel will not describe: BPF_OBJ_GET_INFO_BY_FD answers
/// ENODEV for a program offloaded to a device that has gone away. Newer
/// bpftool (7.3+) marks it `orphaned` and prints the info as zeroes; its
/// fdinfo still names the id, type, tag and memlock, so those are shown.
fn orphaned_view(fd: BorrowedFd<'_>, pins: Option<&PinIndex>) -> ProgView {
    let info = sys::fdinfo(fd);
    let field = |k: &str| info.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let id = field("prog_id").and_then(|v| v.parse().ok()).unwrap_or(0);
    ProgView {
        id,
        kind: prog_type_name(field("prog_type").and_then(|v| v.parse().ok()).unwrap_or(0)),
        name: String::new(),
        tag: field("prog_tag").unwrap_or("0000000000000000").to_string(),
        gpl_compatible: false,
        run_time_ns: None,
        run_cnt: None,
        recursion_misses: None,
        loaded_at: 0,
        loaded_local: None,
        uid: 0,
        bytes_xlated: 0,
        jited: false,
        bytes_jited: None,
        bytes_memlock: field("memlock").and_then(|v| v.parse().ok()),
        map_ids: Vec::new(),
        btf_id: None,
        pinned: pins.map(|x| x.paths(ObjKind::Prog, id)),
        pids: Vec::new(),
        metadata: None,
        orphaned: true,
    }
}

pub fn show(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let holders = Holders::new(Kind::Prog);
    let pins = g.bpffs.then(PinIndex::build);
    // Each object's fd is closed once it is read (as bpftool does), so the
    // fd table stays small however many objects are loaded.
    // Views first, holders after: the /proc walk runs meanwhile.
    let mut views: Vec<ProgView> = if words.is_empty() {
        crate::resolve::each(Kind::Prog)?.filter_map(|fd| view(fd.as_fd(), pins.as_ref()).ok()).collect()
    } else {
        let mut w = Words::new("prog show", words);
        let sel = w.take_prog()?;
        w.expect_end()?;
        let fds = crate::resolve::progs(&sel)?;
        fds.iter().filter_map(|fd| view(fd.as_fd(), pins.as_ref()).ok()).collect()
    };
    holders.fill(&mut views, |v| (v.id, &mut v.pids));
    out.shown(&views, !words.is_empty())?;
    Ok(())
}

impl crate::output::Render for ProgView {
    fn plain(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        crate::output::table::write(w, std::slice::from_ref(self), false)
    }
}

pub fn pin_prog(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    pins::ensure_mounted(g.nomount)?;
    let mut w = Words::new("prog pin", words);
    let sel = w.take_prog()?;
    let path = w.take_path("a pin path")?;
    w.expect_end()?;
    let fd = crate::resolve::prog(&sel)?;
    pin_at(fd.as_fd(), &path, "program")?;
    out.done()?;
    Ok(())
}

/// Pin one object at a new path, creating missing directories; on failure
/// (or a kill) nothing new is left.
pub fn pin_at(fd: BorrowedFd<'_>, path: &Path, what: &str) -> Result<()> {
    pins::pin_new(fd, path, what)
}
