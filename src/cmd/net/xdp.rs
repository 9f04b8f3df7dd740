//! XDP: netlink IFLA_XDP attachments (persistent, bpftool's way) or a
//! bpf_link pinned at `--link`.

use std::os::fd::AsFd;
use std::path::Path;

use anyhow::{Context, Result, bail};
use aya_obj::generated::bpf_link_type;

use super::{Iface, Prog, XdpMode, detach_link, pin_link, removed_note};
use crate::error::UserError;
use crate::output::Out;
use crate::sys::netlink::{self, LinkXdp, Netlink, NlError};
use crate::sys::{self, Kind};

use crate::hooks::xdp_mode_flag as mode_flag;

fn mode_by_name(name: &str) -> XdpMode {
    match name {
        "generic" => XdpMode::Generic,
        "offload" => XdpMode::Offload,
        _ => XdpMode::Driver,
    }
}

fn mode_name(mode: XdpMode) -> &'static str {
    match mode {
        XdpMode::Generic => "generic",
        XdpMode::Offload => "offload",
        XdpMode::Driver | XdpMode::Auto => "driver",
    }
}

pub(crate) fn state(nl: &mut Netlink, ifindex: u32) -> Result<LinkXdp> {
    let links = netlink::links(nl).context("reading interfaces (RTM_GETLINK)")?;
    Ok(links.into_iter().find(|l| l.ifindex == ifindex).unwrap_or_default())
}

/// The bpf_link holding program `prog_id` on `ifindex`, if it is link-held.
pub(crate) fn xdp_link(ifindex: u32, prog_id: u32) -> Option<u32> {
    sys::all_ids(Kind::Link).ok()?.into_iter().find(|id| {
        let Ok(fd) = sys::get_fd_by_id(Kind::Link, *id) else {
            return false;
        };
        let Ok(info) = sys::link_info(fd.as_fd()) else {
            return false;
        };
        info.type_ == bpf_link_type::BPF_LINK_TYPE_XDP as u32
            && info.prog_id == prog_id
            && sys::link_target(&info).ifindex == Some(ifindex)
    })
}

/// Turn a refused attach into one sentence and a fix.
fn attach_error(
    e: impl Into<anyhow::Error>,
    errno: Option<i32>,
    ext: Option<&str>,
    prog: &Prog,
    iface: &Iface,
    mode: XdpMode,
) -> anyhow::Error {
    let kernel = ext.map(|m| format!(" (kernel: {m})")).unwrap_or_default();
    let dev = &iface.name;
    match (errno, mode) {
        (Some(libc::EOPNOTSUPP), XdpMode::Driver) => UserError::new(
            format!("{dev} has no native (driver) XDP support{kernel}"),
            format!("use `xdpgeneric` (or `xdp`, which falls back to generic mode) on {dev}"),
        )
        .into(),
        (Some(libc::EOPNOTSUPP | libc::EINVAL), XdpMode::Offload) => UserError::new(
            format!("{dev} cannot run offloaded XDP programs{kernel}"),
            "offload needs a NIC that supports it and a program loaded for that device; use xdpdrv or xdpgeneric",
        )
        .into(),
        (Some(libc::EBUSY | libc::EEXIST), _) => UserError::new(
            format!("the XDP hook of {dev} is busy{kernel}"),
            format!("see `bpfpin net show dev {dev}`; detach what is there with `bpfpin net detach xdp dev {dev}` (native and generic programs cannot be attached at the same time)"),
        )
        .into(),
        _ => e.into().context(format!("attaching {} to {dev} (xdp)", prog.desc())),
    }
}

pub(crate) fn attach(
    out: &mut Out,
    prog: &Prog,
    iface: &Iface,
    mode: XdpMode,
    overwrite: bool,
    link: Option<&Path>,
) -> Result<()> {
    let mut nl = Netlink::open().context("opening an rtnetlink socket")?;
    let cur = state(&mut nl, iface.ifindex)?;
    let attached = cur.modes();
    if let Some((m, id)) = attached.first().copied() {
        if !overwrite || link.is_some() {
            let what = match xdp_link(iface.ifindex, id) {
                Some(l) => format!("XDP program id {id} ({m} mode, held by bpf_link id {l})"),
                None => format!("XDP program id {id} ({m} mode)"),
            };
            let fix = if link.is_some() {
                format!(
                    "a bpf_link cannot replace an attached program: `bpfpin net detach xdp dev {}` first",
                    iface.name
                )
            } else {
                format!("add `overwrite` to replace it, or `bpfpin net detach xdp dev {}` first", iface.name)
            };
            bail!(UserError::new(format!("{} already has {what}", iface.name), fix));
        }
        if let Some(l) = xdp_link(iface.ifindex, id) {
            bail!(UserError::new(
                format!(
                    "the XDP program on {} is held by bpf_link id {l}, which `overwrite` cannot replace",
                    iface.name
                ),
                format!(
                    "end the link first: `bpfpin net detach xdp dev {}` or `bpfpin link detach id {l}`",
                    iface.name
                ),
            ));
        }
    }
    // `xdp` with overwrite keeps the mode of what it replaces; otherwise it
    // tries native and falls back to generic.
    let tries: Vec<XdpMode> = match (mode, attached.first()) {
        (XdpMode::Auto, Some((m, _))) => vec![mode_by_name(m)],
        (XdpMode::Auto, None) => vec![XdpMode::Driver, XdpMode::Generic],
        (m, _) => vec![m],
    };
    let noexist = if overwrite { 0 } else { aya_obj::generated::XDP_FLAGS_UPDATE_IF_NOEXIST };
    let fallback =
        |errno: Option<i32>, i: usize| mode == XdpMode::Auto && i + 1 < tries.len() && errno == Some(libc::EOPNOTSUPP);
    if let Some(path) = link {
        // Only reached with nothing attached (checked above), so `Auto`
        // means native, else generic, as below.
        let (fd, m) = crate::hooks::xdp_link(prog.fd(), iface.ifindex, mode).map_err(|e| {
            let errno = e.errno();
            attach_error(e, errno, None, prog, iface, mode)
        })?;
        let id = pin_link(fd, path)?;
        out.note(&format!(
            "attached {} to {} (ifindex {}) as xdp, {} mode, through bpf_link id {id} pinned at {}",
            prog.desc(),
            iface.name,
            iface.ifindex,
            mode_name(m),
            path.display()
        ))?;
        return Ok(out.done()?);
    }
    for (i, m) in tries.iter().copied().enumerate() {
        match netlink::xdp_set(&mut nl, iface.ifindex, Some(prog.fd()), mode_flag(m) | noexist) {
            Ok(()) => {
                let replaced =
                    if attached.is_empty() { String::new() } else { " (replaced the previous program)".into() };
                out.note(&format!(
                    "attached {} to {} (ifindex {}) as xdp, {} mode{replaced}",
                    prog.desc(),
                    iface.name,
                    iface.ifindex,
                    mode_name(m)
                ))?;
                return Ok(out.done()?);
            }
            Err(e) if fallback(e.errno(), i) => continue,
            Err(NlError { sys, ext }) => {
                let errno = sys.errno();
                return Err(attach_error(sys, errno, ext.as_deref(), prog, iface, m));
            }
        }
    }
    unreachable!("the last mode either attaches or returns its error")
}

pub(crate) fn detach(out: &mut Out, iface: &Iface, mode: XdpMode) -> Result<()> {
    let mut nl = Netlink::open().context("opening an rtnetlink socket")?;
    let cur = state(&mut nl, iface.ifindex)?;
    let targets: Vec<(&str, u32)> =
        cur.modes().into_iter().filter(|(m, _)| mode == XdpMode::Auto || mode_by_name(m) == mode).collect();
    if targets.is_empty() {
        let which = if mode == XdpMode::Auto { String::new() } else { format!(" in {} mode", mode_name(mode)) };
        bail!(UserError::new(
            format!("no XDP program is attached to {}{which}", iface.name),
            format!("see what is attached with `bpfpin net show dev {}`", iface.name),
        ));
    }
    for (m, id) in targets {
        if let Some(l) = xdp_link(iface.ifindex, id) {
            let removed = detach_link(l)?;
            out.note(&format!(
                "detached XDP program id {id} ({m} mode) from {}: ended bpf_link id {l}{}",
                iface.name,
                removed_note(&removed)
            ))?;
            continue;
        }
        netlink::xdp_set(&mut nl, iface.ifindex, None, mode_flag(mode_by_name(m)))
            .with_context(|| format!("detaching the XDP program from {}", iface.name))?;
        out.note(&format!("detached XDP program id {id} ({m} mode) from {}", iface.name))?;
    }
    Ok(out.done()?)
}
