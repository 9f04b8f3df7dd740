//! `bpfpin link ...`: show, pin and detach bpf_links.

use std::os::fd::AsFd;

use anyhow::{Context, Result, bail};

use crate::cli::{Global, LinkCmd};
use crate::error::UserError;
use crate::output::Out;
use crate::pins;
use crate::select::Words;
use crate::sys;

pub mod attach;
mod names;
mod show;

pub fn run(g: &Global, out: &mut Out, cmd: &LinkCmd) -> Result<()> {
    match cmd {
        LinkCmd::Show { words } | LinkCmd::List { words } => show::show(g, out, words),
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
            if let Err(e) = sys::bpf_link_detach(fd.as_fd()) {
                if matches!(e.errno(), Some(libc::EOPNOTSUPP) | Some(sys::ENOTSUPP)) {
                    let info = sys::link_info(fd.as_fd()).context("reading link info")?;
                    bail!(UserError::new(
                        format!(
                            "link {} ({}) cannot be detached: the kernel ends this type of link only when its \
                             last pin and file descriptor are gone",
                            info.id,
                            crate::kinds::link_type_name(info.type_)
                        ),
                        format!(
                            "remove its pins (`bpfpin -f link show id {}` lists them) and stop the processes holding it",
                            info.id
                        ),
                    ));
                }
                return Err(anyhow::Error::new(e).context("detaching the link"));
            }
            out.done()?;
            Ok(())
        }
    }
}
