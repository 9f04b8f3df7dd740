//! tcx: the kernel's multi-program tc hook (6.6+). Without `--link` the
//! program is attached with BPF_PROG_ATTACH and stays until detached, as
//! bpftool's `tcx_ingress` does; with `--link PATH` a bpf_link is made and
//! pinned, and lives as long as the pin.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::{Dir, Iface, Prog, detach_link, pin_link, removed_note};
use crate::error::UserError;
use crate::output::Out;
use aya_obj::generated::{BPF_F_BEFORE, bpf_attach_type};

use crate::sys::net::{self as sysnet, Target};
use crate::sys::{self, Kind};

pub(crate) fn attach_type(dir: Dir) -> bpf_attach_type {
    crate::hooks::tcx_attach_type(dir)
}

fn attach_error(
    e: sys::SysError,
    prog: &Prog,
    iface: &Iface,
    dir: Dir,
    relative: Option<(u32, &Prog)>,
) -> anyhow::Error {
    let hook = format!("{} tcx {}", iface.name, dir.name());
    match e.errno() {
        Some(libc::EEXIST) => UserError::new(
            format!("{} is already attached to {hook}", prog.desc()),
            format!("see `bpfpin net show dev {}`; a program can be on a tcx hook only once", iface.name),
        )
        .into(),
        Some(libc::ENOENT) if relative.is_some() => {
            let r = relative.map(|(_, p)| p.desc()).unwrap_or_default();
            UserError::new(
                format!("{r} is not attached to {hook}, so nothing can be placed next to it"),
                format!("choose a program listed by `bpfpin net show dev {}`", iface.name),
            )
            .into()
        }
        Some(libc::EINVAL | libc::EOPNOTSUPP) => anyhow::Error::from(e)
            .context(format!("attaching {} to {hook}", prog.desc()))
            .context("this kernel may lack tcx (Linux 6.6+)"),
        _ => anyhow::Error::from(e).context(format!("attaching {} to {hook}", prog.desc())),
    }
}

pub(crate) fn attach(
    out: &mut Out,
    prog: &Prog,
    iface: &Iface,
    dir: Dir,
    relative: Option<(u32, &Prog)>,
    prepend: bool,
    link: Option<&Path>,
) -> Result<()> {
    // `prepend`: BPF_F_BEFORE with no relative program is the hook's front.
    let (flags, rel) = match relative {
        Some((f, p)) => (f, Some(p.fd())),
        None if prepend => (BPF_F_BEFORE, None),
        None => (0, None),
    };
    let hook = format!("{} (ifindex {}) tcx {}", iface.name, iface.ifindex, dir.name());
    let place = match relative {
        Some((f, p)) if f == BPF_F_BEFORE => format!(", before {}", p.desc()),
        Some((_, p)) => format!(", after {}", p.desc()),
        None if prepend => ", in front of its other programs".to_string(),
        None => String::new(),
    };
    if let Some(path) = link {
        let fd = crate::hooks::tcx_link(prog.fd(), iface.ifindex, dir, flags, rel)
            .map_err(|e| attach_error(e, prog, iface, dir, relative))?;
        let id = pin_link(fd, path)?;
        out.note(&format!(
            "attached {} to {hook}{place} through bpf_link id {id} pinned at {}",
            prog.desc(),
            path.display()
        ))?;
    } else {
        sysnet::prog_attach(prog.fd(), Target::Ifindex(iface.ifindex), attach_type(dir), flags, rel)
            .map_err(|e| attach_error(e, prog, iface, dir, relative))?;
        out.note(&format!("attached {} to {hook}{place}", prog.desc()))?;
    }
    Ok(out.done()?)
}

pub(crate) fn detach(out: &mut Out, iface: &Iface, dir: Dir, prog: Option<&Prog>) -> Result<()> {
    let hook = format!("{} tcx {}", iface.name, dir.name());
    let q = sysnet::prog_query(Target::Ifindex(iface.ifindex), attach_type(dir))
        .with_context(|| format!("querying {hook}"))?;
    let entries: Vec<(u32, u32)> = q.prog_ids.iter().copied().zip(q.link_ids.iter().copied()).collect();
    let chosen: Vec<(u32, u32)> = match prog {
        Some(p) => entries.iter().copied().filter(|(id, _)| *id == p.id).collect(),
        None => entries.clone(),
    };
    let (prog_id, link_id) = match chosen.as_slice() {
        [one] => *one,
        [] => match prog {
            Some(p) => bail!(UserError::new(
                format!("{} is not attached to {hook}", p.desc()),
                format!("see what is attached with `bpfpin net show dev {}`", iface.name),
            )),
            None => bail!(UserError::new(
                format!("no program is attached to {hook}"),
                format!("see what is attached with `bpfpin net show dev {}`", iface.name),
            )),
        },
        many => bail!(UserError::new(
            format!(
                "{} programs are attached to {hook} (ids {})",
                many.len(),
                many.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>().join(", ")
            ),
            format!("name the one to detach: `bpfpin net detach tcx-{} id N dev {}`", dir.name(), iface.name),
        )),
    };
    if link_id != 0 {
        let removed = detach_link(link_id)?;
        out.note(&format!(
            "detached program id {prog_id} from {hook}: ended bpf_link id {link_id}{}",
            removed_note(&removed)
        ))?;
        return Ok(out.done()?);
    }
    let fd = sys::get_fd_by_id(Kind::Prog, prog_id).with_context(|| format!("opening program id {prog_id}"))?;
    use std::os::fd::AsFd;
    sysnet::prog_detach(Some(fd.as_fd()), Target::Ifindex(iface.ifindex), attach_type(dir))
        .with_context(|| format!("detaching program id {prog_id} from {hook}"))?;
    out.note(&format!("detached program id {prog_id} from {hook}"))?;
    Ok(out.done()?)
}
