//! `bpfpin cgroup ...`: bpftool's grammar. `attach`/`detach` use
//! BPF_PROG_ATTACH/DETACH (the attachment is held by the cgroup, as with
//! bpftool); `show`/`tree` print what bpftool prints, byte for byte.

mod show;

use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::attach::{self, cgroup as cg};
use crate::cli::{CgroupCmd, Global};
use crate::error::UserError;
use crate::kinds::attach_type_name;
use crate::output::Out;
use crate::select::Words;
use crate::sys::{self, Kind};

const BPF_F_ALLOW_OVERRIDE: u32 = 1;
const BPF_F_ALLOW_MULTI: u32 = 2;

pub fn run(_g: &Global, out: &mut Out, cmd: &CgroupCmd) -> Result<()> {
    match cmd {
        CgroupCmd::Show { words } | CgroupCmd::List { words } => show::show(out, words),
        CgroupCmd::Tree { words } => show::tree(out, words),
        CgroupCmd::Attach { words } => attach_cmd(out, words),
        CgroupCmd::Detach { words } => detach_cmd(out, words),
    }
}

/// A program picked by a selector, with its info (for messages and the
/// kernel's refusals).
struct Picked {
    fd: OwnedFd,
    info: sys::ProgInfo,
}

impl Picked {
    fn open(w: &mut Words<'_>) -> Result<Picked> {
        let sel = w.take_prog()?;
        let fd = crate::resolve::prog(&sel)?;
        let info = sys::prog_info(fd.as_fd()).context("reading program info")?;
        Ok(Picked { fd, info })
    }

    fn prog(&self) -> attach::Prog<'_> {
        // Cgroup hooks never mount anything, so -n does not matter here.
        attach::Prog {
            fd: self.fd.as_fd(),
            info: &self.info,
            section: attach::record::section(&self.info),
            nomount: false,
        }
    }
}

fn attach_cmd(out: &mut Out, words: &[String]) -> Result<()> {
    let mut w = Words::new("cgroup attach", words);
    let path = w.take_path("a cgroup directory")?;
    let cgroup = cg::open_cgroup(&path)?;
    let attach_type = cg::attach_type(w.require("an attach type")?)?;
    let picked = Picked::open(&mut w)?;
    let mut flags = 0;
    for word in w.by_ref() {
        flags |= match word {
            _ if is_prefix(word, "multi") => BPF_F_ALLOW_MULTI,
            _ if is_prefix(word, "override") => BPF_F_ALLOW_OVERRIDE,
            other => bail!(UserError::new(
                format!("`cgroup attach` does not take `{other}` after the program"),
                "the only words after PROG are `multi` or `override`",
            )),
        };
    }
    if flags == BPF_F_ALLOW_MULTI | BPF_F_ALLOW_OVERRIDE {
        bail!(UserError::new(
            "`multi` and `override` cannot both be given",
            "`multi` lets the hook hold several programs; `override` lets a child cgroup replace this one: choose one",
        ));
    }
    let prog = picked.prog();
    sys::cgroup::attach(prog.fd, cgroup.as_fd(), attach_type, flags)
        .map_err(|e| cg::refused(e, &prog, attach_type, &path, false))?;
    out.note(&format!(
        "attached {} to cgroup {} as {}{}",
        cg::prog_desc(&prog),
        path.display(),
        attach_type_name(attach_type),
        match flags {
            BPF_F_ALLOW_MULTI => " (multi)",
            BPF_F_ALLOW_OVERRIDE => " (override)",
            _ => "",
        }
    ))?;
    Ok(out.done()?)
}

fn detach_cmd(out: &mut Out, words: &[String]) -> Result<()> {
    let mut w = Words::new("cgroup detach", words);
    let path = w.take_path("a cgroup directory")?;
    let cgroup = cg::open_cgroup(&path)?;
    let attach_type = cg::attach_type(w.require("an attach type")?)?;
    let picked = Picked::open(&mut w)?;
    w.expect_end()?;
    let prog = picked.prog();
    let at = attach_type_name(attach_type);
    sys::cgroup::detach(prog.fd, cgroup.as_fd(), attach_type).map_err(|e| match e.errno() {
        Some(libc::ENOENT) => not_attached(&cgroup, &path, &prog, attach_type),
        _ => anyhow::Error::from(e).context(format!(
            "detaching {} from cgroup {} ({at})",
            cg::prog_desc(&prog),
            path.display()
        )),
    })?;
    out.note(&format!("detached {} from cgroup {} ({at})", cg::prog_desc(&prog), path.display()))?;
    Ok(out.done()?)
}

/// BPF_PROG_DETACH's ENOENT: the program is not attached there, or is
/// held by a bpf_link (which only `link detach` or unpinning ends).
fn not_attached(cgroup: &OwnedFd, path: &Path, prog: &attach::Prog<'_>, attach_type: u32) -> anyhow::Error {
    let at = attach_type_name(attach_type);
    let desc = cg::prog_desc(prog);
    if let Some(link_id) = holding_link(cgroup, prog.info.info.id, attach_type) {
        return UserError::new(
            format!(
                "{desc} is attached to cgroup {} as {at} through link id {link_id}, not by `cgroup attach`",
                path.display()
            ),
            format!("end the link: `bpfpin link detach id {link_id}`, or remove its pin"),
        )
        .into();
    }
    UserError::new(
        format!("{desc} is not attached to cgroup {} as {at}", path.display()),
        format!("see what is attached there with `bpfpin cgroup show {}`", path.display()),
    )
    .into()
}

/// The cgroup link, if any, that attaches `prog_id` to this cgroup as
/// `attach_type` (a cgroup's id is its directory's inode number).
fn holding_link(cgroup: &OwnedFd, prog_id: u32, attach_type: u32) -> Option<u32> {
    let ino = std::fs::File::from(cgroup.try_clone().ok()?).metadata().ok().map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.ino()
    })?;
    sys::all_ids(Kind::Link).ok()?.into_iter().find(|&id| {
        let Ok(fd) = sys::get_fd_by_id(Kind::Link, id) else { return false };
        let Ok(info) = sys::link_info(fd.as_fd()) else { return false };
        let t = sys::link_target(&info);
        info.prog_id == prog_id && t.cgroup_id == Some(ino) && t.attach_type == Some(attach_type)
    })
}

/// bpftool's is_prefix: `word` starts `full` (`m` for `multi`).
fn is_prefix(word: &str, full: &str) -> bool {
    !word.is_empty() && full.starts_with(word)
}
