//! `link attach PROG [TARGET] PATH`: attach a program through a bpf_link
//! pinned at PATH, so the attachment outlives the command and ends when the
//! pin is removed. A hook that makes several links (one per CPU) pins them
//! in a new directory PATH. All or nothing: the links live only as fds
//! until every pin is committed, so a failure detaches what was made.

use std::os::fd::AsFd;

use anyhow::{Context, Result};

use crate::attach;
use crate::cli::Global;
use crate::error::UserError;
use crate::output::Out;
use crate::pins;
use crate::select::Words;
use crate::sys;
use crate::txn::Txn;

pub fn run(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    pins::ensure_mounted(g.nomount)?;
    let Some((path, head)) = words.split_last() else {
        anyhow::bail!(UserError::new(
            "`link attach` needs a program and a pin path",
            "write `link attach PROG [TARGET] PATH`"
        ));
    };
    let path = std::path::Path::new(path);
    let mut w = Words::new("link attach", head);
    let sel = w.take_prog()?;
    // The pin path is checked before anything is attached.
    crate::txn::check_new(path)?;
    let fd = crate::resolve::prog(&sel)?;
    let info = sys::prog_info(fd.as_fd()).context("reading the program's info")?;
    let prog =
        attach::Prog { fd: fd.as_fd(), section: attach::record::section(&info), info: &info, nomount: g.nomount };
    let hook = attach::parse(&mut w, &prog)?;
    let links = attach::attach(&prog, &hook)?;

    let mut txn = Txn::new();
    let targets = links
        .iter()
        .map(|l| match &l.sub {
            Some(sub) => txn.target(&path.join(sub)),
            None => txn.target(path),
        })
        .collect::<Result<Vec<_>>>()?;
    txn.lock()?;
    for t in &targets {
        txn.require_free(*t)?;
    }
    for (l, t) in links.iter().zip(&targets) {
        txn.pin(*t, l.link.as_fd(), "link")?;
    }
    txn.commit()?;
    if out.is_json() {
        out.done()?;
    } else {
        let name = pins::c_name(&info.info.name);
        for l in &links {
            let id = sys::link_info(l.link.as_fd()).map_or(0, |i| i.id);
            let at = match &l.sub {
                Some(sub) => path.join(sub),
                None => path.to_path_buf(),
            };
            writeln!(
                out.writer(),
                "program {name} (id {}) attached, link id {id} pinned at {}",
                info.info.id,
                crate::bpffs::shown(&at)
            )?;
        }
    }
    Ok(())
}
