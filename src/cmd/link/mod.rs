//! `bpfpin link ...`: show, pin and detach bpf_links.

use std::os::fd::{AsFd, BorrowedFd};

use anyhow::{Context, Result};

use crate::cli::{Global, LinkCmd};
use crate::kinds::{attach_type_name, link_type_name};
use crate::model::{LinkView, ObjKind};
use crate::output::Out;
use crate::pids::Holders;
use crate::pins::{self, PinIndex};
use crate::select::Words;
use crate::sys::{self, Kind};

pub mod attach;

pub fn run(g: &Global, out: &mut Out, cmd: &LinkCmd) -> Result<()> {
    match cmd {
        LinkCmd::Show { words } | LinkCmd::List { words } => show(g, out, words),
        LinkCmd::Attach { words } => attach::run(g, out, words),
        LinkCmd::Pin { words } => {
            pins::ensure_mounted(g.nomount)?;
            let mut w = Words::new("link pin", words);
            let sel = w.take_link()?;
            let path = w.take_path("a pin path")?;
            w.expect_end()?;
            let fd = crate::resolve::link(&sel)?;
            crate::pins::pin_new(fd.as_fd(), &path, "link")?;
            out.done()?;
            Ok(())
        }
        LinkCmd::Detach { words } => {
            let mut w = Words::new("link detach", words);
            let sel = w.take_link()?;
            w.expect_end()?;
            let fd = crate::resolve::link(&sel)?;
            sys::bpf_link_detach(fd.as_fd()).context("detaching the link")?;
            out.done()?;
            Ok(())
        }
    }
}

pub fn view(fd: BorrowedFd<'_>, pins: Option<&PinIndex>, holders: &Holders) -> Result<LinkView> {
    let i = sys::link_info(fd).context("reading link info")?;
    let t = sys::link_target(&i);
    Ok(LinkView {
        id: i.id,
        kind: link_type_name(i.type_),
        prog_id: i.prog_id,
        ifindex: t.ifindex,
        devname: t.ifindex.and_then(sys::if_name),
        attach_type: t.attach_type.map(attach_type_name),
        netns_ino: t.netns_ino,
        cgroup_id: t.cgroup_id,
        map_id: t.map_id,
        pinned: pins.map(|x| x.paths(ObjKind::Link, i.id)),
        pids: holders.of(i.id).into_iter().map(Into::into).collect(),
    })
}

impl crate::output::Render for LinkView {
    fn plain(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        crate::output::table::write(w, std::slice::from_ref(self), false)
    }
}

fn show(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let holders = Holders::new(Kind::Link);
    let pins = g.bpffs.then(PinIndex::build);
    if words.is_empty() {
        let views: Vec<LinkView> = sys::all_ids(Kind::Link)
            .context("listing links")?
            .into_iter()
            .filter_map(|id| sys::get_fd_by_id(Kind::Link, id).ok())
            .filter_map(|fd| view(fd.as_fd(), pins.as_ref(), &holders).ok())
            .collect();
        out.list(&views)?;
        return Ok(());
    }
    let mut w = Words::new("link show", words);
    let sel = w.take_link()?;
    w.expect_end()?;
    let v = view(crate::resolve::link(&sel)?.as_fd(), pins.as_ref(), &holders)?;
    if out.is_json() {
        out.one(&v)?;
    } else {
        out.list(&[v])?;
    }
    Ok(())
}
