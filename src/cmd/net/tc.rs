//! Classic tc: a direct-action cls_bpf filter under the clsact qdisc, made
//! through netlink as `tc filter add ... bpf da` makes it, so it persists.
//!
//! Qdisc ownership: bpfpin adds clsact when it is missing and removes it on
//! detach only if bpfpin added it and no filter of any kind is left on
//! either direction. "bpfpin added it" is a marker file
//! /run/bpfpin/clsact/<netns cookie>-<ifindex>: /run is a tmpfs that lives
//! exactly as long as qdiscs do (until reboot), the netns cookie
//! (SO_NETNS_COOKIE) is never reused within a boot, and ifindexes are not
//! reused soon within a namespace, so a stale marker cannot match another
//! namespace's interface. A bpffs pin cannot be the marker: bpffs is shared
//! across namespaces and is not tied to a qdisc's lifetime.
//!
//! bpfpin's filters are named `bpfpin:<program name>` (tc names its own
//! `<file>:[<section>]`), which is how `net detach` finds "the bpfpin filter"
//! when no --priority/--handle is given.

use std::fs;

use anyhow::{Context, Result, bail};

use super::{Dir, Iface, Prog};
use crate::clsact;
use crate::error::UserError;
use crate::hooks::{self, tc::SetError};
use crate::output::Out;
use crate::sys::netlink::{self, Netlink, NlError, TcFilter};

pub(crate) use crate::hooks::tc::{NAME_PREFIX, parent};

fn nl_error(e: NlError, what: String, fix: impl Into<String>) -> anyhow::Error {
    let kernel = e.ext.as_deref().map(|m| format!(" (kernel: {m})")).unwrap_or_default();
    match e.errno() {
        Some(libc::EPERM | libc::EACCES) => anyhow::Error::from(e).context(what),
        _ => UserError::new(format!("{what}: {}{kernel}", e.sys.source), fix).into(),
    }
}

pub(crate) fn attach(
    out: &mut Out,
    prog: &Prog,
    iface: &Iface,
    dir: Dir,
    prio: Option<u16>,
    handle: Option<u32>,
) -> Result<()> {
    let res = hooks::tc::set(
        iface.ifindex,
        &iface.name,
        dir,
        prio.unwrap_or(0),
        handle.unwrap_or(0),
        prog.fd(),
        &prog.name,
        true,
    );
    let (f, created) = match res {
        Ok(x) => x,
        Err(SetError::Qdisc(e)) => {
            return Err(nl_error(
                e,
                format!("adding the clsact qdisc to {}", iface.name),
                "check the interface with `tc qdisc show dev IFACE`",
            ));
        }
        Err(SetError::Filter(e)) => {
            let what = format!("attaching {} to {} tc {}", prog.desc(), iface.name, dir.name());
            return Err(match e.errno() {
                Some(libc::EEXIST) => UserError::new(
                    format!(
                        "{} tc {} already has a filter at priority {} handle {:#x}",
                        iface.name,
                        dir.name(),
                        prio.unwrap_or(0),
                        handle.unwrap_or(0)
                    ),
                    format!(
                        "choose another --priority/--handle, or remove it with `bpfpin net detach tc-{} dev {}`",
                        dir.name(),
                        iface.name
                    ),
                )
                .into(),
                _ => nl_error(e, what, "check --priority/--handle and `bpfpin net show dev IFACE`"),
            });
        }
    };
    let qdisc = if created { " (added the clsact qdisc)" } else { "" };
    out.note(&format!(
        "attached {} to {} (ifindex {}) tc {}, priority {} handle {:#x}{qdisc}",
        prog.desc(),
        iface.name,
        iface.ifindex,
        dir.name(),
        f.prio,
        f.handle
    ))?;
    Ok(out.done()?)
}

fn describe(f: &TcFilter) -> String {
    format!("priority {} handle {:#x} ({})", f.prio, f.handle, f.name.as_deref().unwrap_or(&f.kind))
}

pub(crate) fn detach(out: &mut Out, iface: &Iface, dir: Dir, prio: Option<u16>, handle: Option<u32>) -> Result<()> {
    let mut nl = Netlink::open().context("opening an rtnetlink socket")?;
    let all = netlink::filters(&mut nl, iface.ifindex, parent(dir)).context("listing tc filters (RTM_GETTFILTER)")?;
    let hook = format!("{} tc {}", iface.name, dir.name());
    let chosen: Vec<&TcFilter> = if prio.is_some() || handle.is_some() {
        all.iter()
            .filter(|f| f.kind == "bpf" && prio.is_none_or(|p| f.prio == p) && handle.is_none_or(|h| f.handle == h))
            .collect()
    } else {
        all.iter().filter(|f| f.name.as_deref().is_some_and(|n| n.starts_with(NAME_PREFIX))).collect()
    };
    let f = match chosen.as_slice() {
        [f] => (*f).clone(),
        [] => {
            let (msg, fix) = if prio.is_some() || handle.is_some() {
                (
                    format!("no bpf filter on {hook} matches the given --priority/--handle"),
                    format!("see the filters with `bpfpin net show dev {}`", iface.name),
                )
            } else if all.is_empty() {
                (
                    format!("no filter is attached to {hook}"),
                    format!("see what is attached with `bpfpin net show dev {}`", iface.name),
                )
            } else {
                (
                    format!("no filter on {hook} was attached by bpfpin ({} other filter(s) there)", all.len()),
                    "choose one with --priority N (and --handle H); see `bpfpin net show dev IFACE`".to_string(),
                )
            };
            bail!(UserError::new(msg, fix));
        }
        many => bail!(UserError::new(
            format!(
                "{} filters on {hook} match: {}",
                many.len(),
                many.iter().map(|f| describe(f)).collect::<Vec<_>>().join(", ")
            ),
            "choose one with --priority N (and --handle H)",
        )),
    };
    netlink::filter_del(&mut nl, &f).map_err(|e| {
        nl_error(e, format!("removing the filter at {} from {hook}", describe(&f)), "see `bpfpin net show dev IFACE`")
    })?;
    let mut extra = String::new();
    if let Some(m) = clsact::marker(&nl, iface.ifindex)
        && m.exists()
    {
        let left = netlink::filters(&mut nl, iface.ifindex, netlink::TC_H_INGRESS_PARENT)?.len()
            + netlink::filters(&mut nl, iface.ifindex, netlink::TC_H_EGRESS_PARENT)?.len();
        if left == 0 {
            match netlink::qdisc_del_clsact(&mut nl, iface.ifindex) {
                Ok(()) => extra = "; removed the clsact qdisc bpfpin had added".into(),
                Err(e) if e.errno() == Some(libc::EINVAL) || e.errno() == Some(libc::ENOENT) => {}
                Err(e) => {
                    return Err(anyhow::Error::from(e).context(format!("removing the clsact qdisc of {}", iface.name)));
                }
            }
            let _ = fs::remove_file(m);
        }
    }
    out.note(&format!("detached the filter at {} from {hook}{extra}", describe(&f)))?;
    Ok(out.done()?)
}
