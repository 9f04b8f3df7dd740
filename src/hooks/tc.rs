//! clsact tc filters at a fixed priority/handle, as apply keeps them.

use std::os::fd::BorrowedFd;

use anyhow::{Context, Result};

use super::Dir;
use crate::clsact;
use crate::sys::netlink::{self, Netlink, NlError, TcFilter};

/// The filter name `net attach` gives its filters too, so `net detach`
/// and `net show` treat apply's the same way.
pub const NAME_PREFIX: &str = "bpfpin:";

pub fn parent(dir: Dir) -> u32 {
    match dir {
        Dir::Ingress => netlink::TC_H_INGRESS_PARENT,
        Dir::Egress => netlink::TC_H_EGRESS_PARENT,
    }
}

fn nl() -> Result<Netlink> {
    Netlink::open().context("opening an rtnetlink socket")
}

/// The filter at `prio`/`handle`, if one is there.
pub fn find(ifindex: u32, dir: Dir, prio: u16, handle: u32) -> Result<Option<TcFilter>> {
    let mut nl = nl()?;
    let all = netlink::filters(&mut nl, ifindex, parent(dir)).context("listing tc filters (RTM_GETTFILTER)")?;
    Ok(all.into_iter().find(|f| f.prio == prio && f.handle == handle))
}

/// Which step of `set` the kernel refused.
pub enum SetError {
    Qdisc(NlError),
    Filter(NlError),
}

/// Put `prog` at `prio`/`handle` (0: the kernel chooses): a new filter
/// (`exclusive`: fail if one is there) or an in-place swap. Returns the
/// filter as the kernel made it and whether the clsact qdisc was added
/// (then marked as bpfpin's, see `clsact`); on failure an added qdisc goes.
#[allow(clippy::too_many_arguments)]
pub fn set(
    ifindex: u32,
    ifname: &str,
    dir: Dir,
    prio: u16,
    handle: u32,
    prog: BorrowedFd<'_>,
    prog_name: &str,
    exclusive: bool,
) -> Result<(TcFilter, bool), SetError> {
    let mut nl = Netlink::open().map_err(SetError::Qdisc)?;
    let added = netlink::qdisc_add_clsact(&mut nl, ifindex).map_err(SetError::Qdisc)?;
    let name = format!("{NAME_PREFIX}{prog_name}");
    match netlink::filter_set_bpf(&mut nl, ifindex, parent(dir), prio, handle, prog, &name, exclusive) {
        Ok(f) => {
            if added {
                clsact::write_marker(&nl, ifindex, ifname);
            }
            Ok((f, added))
        }
        Err(e) => {
            if added {
                let _ = netlink::qdisc_del_clsact(&mut nl, ifindex);
            }
            Err(SetError::Filter(e))
        }
    }
}

impl SetError {
    pub fn into_nl(self) -> NlError {
        match self {
            SetError::Qdisc(e) | SetError::Filter(e) => e,
        }
    }
}

/// Remove the filter at `prio`/`handle`; with `qdisc_added`, also the
/// clsact qdisc once no filter is left on it.
pub fn remove(ifindex: u32, dir: Dir, prio: u16, handle: u32, qdisc_added: bool) -> Result<()> {
    let mut nl = nl()?;
    if let Some(f) = find(ifindex, dir, prio, handle)? {
        netlink::filter_del(&mut nl, &f).context("removing a tc filter (RTM_DELTFILTER)")?;
    }
    if qdisc_added {
        let left = netlink::filters(&mut nl, ifindex, netlink::TC_H_INGRESS_PARENT)?.len()
            + netlink::filters(&mut nl, ifindex, netlink::TC_H_EGRESS_PARENT)?.len();
        if left == 0 {
            let _ = netlink::qdisc_del_clsact(&mut nl, ifindex);
            if let Some(m) = clsact::marker(&nl, ifindex) {
                let _ = std::fs::remove_file(m);
            }
        }
    }
    Ok(())
}
