//! `bpfpin struct_ops ...`: bpftool's grammar and output. `register` loads
//! an object's struct_ops programs with bpfpin's loader, fills each
//! `.struct_ops` / `.struct_ops.link` map with the kernel's value layout
//! and registers it; link maps get a struct_ops link pinned in LINK_DIR.
//! All or nothing: a failure unregisters and unpins what the command made.

use std::collections::HashMap;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::Path;

use anyhow::{Context, Result, bail};
use aya_obj::generated::{BPF_F_LINK, bpf_attach_type, bpf_map_info, bpf_map_type};
use serde::Serialize;

use crate::cli::{Global, StructOpsCmd};
use crate::error::UserError;
use crate::loader::{self, kernel::Kernel, struct_ops::VALUE_PREFIX};
use crate::model::StructOpsView;
use crate::output::{Out, Render};
use crate::sys::{self, Kind};
use crate::txn::Txn;

mod dump;

const STRUCT_OPS: u32 = bpf_map_type::BPF_MAP_TYPE_STRUCT_OPS as u32;
const FIX_SEL: &str = "select a map with `id ID` or `name NAME` (`bpfpin struct_ops show` lists them)";

pub fn run(g: &Global, out: &mut Out, cmd: &StructOpsCmd) -> Result<()> {
    match cmd {
        StructOpsCmd::Show { words } | StructOpsCmd::List { words } => show(out, words),
        StructOpsCmd::Dump { words } => dump::dump(out, &parse_sel(words)?),
        StructOpsCmd::Register { obj, link_dir } => register(g, out, obj, link_dir.as_deref()),
        StructOpsCmd::Unregister { words } => unregister(out, words),
    }
}

/// bpftool's STRUCT_OPS_MAP: nothing (all), `id ID` or `name NAME`.
pub enum Sel {
    All,
    Id(u32),
    Name(String),
}

fn is_prefix(word: &str, of: &str) -> bool {
    !word.is_empty() && of.starts_with(word)
}

fn parse_sel(words: &[String]) -> Result<Sel> {
    match words {
        [] => Ok(Sel::All),
        [k, v] if is_prefix(k, "id") => {
            let id = parse_id(v).filter(|&id| id != 0).ok_or_else(|| {
                UserError::new(format!("invalid id {v}"), "give a struct_ops map id, e.g. `id 42`".to_string())
            })?;
            Ok(Sel::Id(id))
        }
        [k, v] if is_prefix(k, "name") => Ok(Sel::Name(v.clone())),
        _ => bail!(UserError::new(format!("expected `id ID` or `name NAME`, got `{}`", words.join(" ")), FIX_SEL)),
    }
}

/// strtoul(s, 0, 0): decimal, 0x hex or 0 octal.
fn parse_id(s: &str) -> Option<u32> {
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u32::from_str_radix(h, 16).ok()
    } else if s.len() > 1 && s.starts_with('0') {
        u32::from_str_radix(&s[1..], 8).ok()
    } else {
        s.parse().ok()
    }
}

/// The C library's text for a failed call's errno, as bpftool prints it.
fn strerror(e: &sys::SysError) -> String {
    let t = e.source.to_string();
    t.split(" (os error").next().unwrap_or_default().to_string()
}

/// One struct_ops map found by a selector.
pub struct Found {
    pub fd: OwnedFd,
    pub info: bpf_map_info,
    pub name: String,
}

/// The maps a selector names, in id order; a selector that names none is an error.
pub fn select(sel: &Sel) -> Result<Vec<Found>> {
    if let Sel::Id(id) = sel {
        let fd = sys::get_fd_by_id(Kind::Map, *id).map_err(|e| {
            UserError::new(format!("can't get map by id ({id}): {}", strerror(&e)), FIX_SEL.to_string())
        })?;
        let info = sys::map_info(fd.as_fd()).context("reading map info")?;
        let name = crate::pins::c_name(&info.name);
        if info.type_ != STRUCT_OPS {
            bail!(UserError::new(format!("{name} id {id} is not a struct_ops map"), FIX_SEL));
        }
        return Ok(vec![Found { fd, info, name }]);
    }
    let mut found = Vec::new();
    for id in sys::all_ids(Kind::Map).context("listing maps")? {
        let Ok(fd) = sys::get_fd_by_id(Kind::Map, id) else { continue };
        let Ok(info) = sys::map_info(fd.as_fd()) else { continue };
        let name = crate::pins::c_name(&info.name);
        let wanted = match sel {
            Sel::Name(n) => *n == name,
            _ => true,
        };
        if info.type_ == STRUCT_OPS && wanted {
            found.push(Found { fd, info, name });
        }
    }
    if let (Sel::Name(n), true) = (sel, found.is_empty()) {
        bail!(UserError::new(format!("no struct_ops found for {n}"), FIX_SEL));
    }
    Ok(found)
}

/// The kernel struct a struct_ops map implements (`tcp_congestion_ops`).
pub fn kernel_struct(kernel: &Kernel, info: &bpf_map_info) -> String {
    kernel
        .vmlinux()
        .ok()
        .and_then(|b| b.type_name(info.btf_vmlinux_value_type_id).map(str::to_string))
        .map(|n| n.strip_prefix(VALUE_PREFIX).map(str::to_string).unwrap_or(n))
        .unwrap_or_else(|| "<btf_vmlinux_not_found>".into())
}

impl Render for StructOpsView {
    fn plain(&self, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{}: {:<15} {:<32}", self.id, self.name, self.kernel_struct_ops)
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct Views(Vec<StructOpsView>);

impl Render for Views {
    fn plain(&self, w: &mut dyn Write) -> io::Result<()> {
        self.0.iter().try_for_each(|v| v.plain(w))
    }
}

fn show(out: &mut Out, words: &[String]) -> Result<()> {
    let sel = parse_sel(words)?;
    let kernel = Kernel::new();
    let views: Vec<StructOpsView> = select(&sel)?
        .iter()
        .map(|f| StructOpsView {
            id: f.info.id,
            name: f.name.clone(),
            kernel_struct_ops: kernel_struct(&kernel, &f.info),
        })
        .collect();
    match (&sel, views.as_slice()) {
        // bpftool 7.1 prints the one map an id selects as a bare object.
        (Sel::Id(_), [one]) => out.one(one)?,
        _ => out.one(&Views(views))?,
    }
    Ok(())
}

/// bpftool's informational lines: stderr, and none at all with -j.
fn info_line(out: &Out, line: &str) {
    if !out.is_json() {
        crate::text::stderr_line(line);
    }
}

fn unregister(out: &mut Out, words: &[String]) -> Result<()> {
    if words.is_empty() {
        bail!(UserError::new("struct_ops unregister needs a map", FIX_SEL));
    }
    let sel = parse_sel(words)?;
    let kernel = Kernel::new();
    for f in select(&sel)? {
        let st = kernel_struct(&kernel, &f.info);
        if let Err(e) = sys::map::delete(f.fd.as_fd(), &0u32.to_ne_bytes()) {
            let fix = if f.info.map_flags & BPF_F_LINK != 0 {
                "it is registered through a struct_ops link: remove that link's pin (`bpfpin link show` lists it with \
                 `map` this id), or detach it with `bpfpin link detach`"
            } else {
                "it may not be registered any more (`bpfpin struct_ops show`)"
            };
            bail!(UserError::new(format!("can't unload {st} {} id {}: {}", f.name, f.info.id, strerror(&e)), fix));
        }
        info_line(out, &format!("Unregistered {st} {} id {}", f.name, f.info.id));
    }
    out.done()?;
    Ok(())
}

/// Plain struct_ops maps registered so far: unregistered again unless the
/// command gets to its end.
struct Undo(Vec<OwnedFd>);

impl Drop for Undo {
    fn drop(&mut self) {
        for fd in &self.0 {
            let _ = sys::map::delete(fd.as_fd(), &0u32.to_ne_bytes());
        }
    }
}

fn read_object(obj: &Path) -> Result<Vec<u8>> {
    std::fs::read(obj).map_err(|e| {
        UserError::new(
            format!("cannot read {}: {e}", obj.display()),
            "give the path of a .o file built with `clang -O2 -g -target bpf -c`",
        )
        .into()
    })
}

fn register(g: &Global, out: &mut Out, obj: &Path, link_dir: Option<&Path>) -> Result<()> {
    let data = read_object(obj)?;
    let obj_name = loader::maps::object_name(obj);
    let parsed = loader::Object::parse(&data, &obj_name, None).map_err(|e| {
        if e.chain().any(|c| c.downcast_ref::<UserError>().is_some()) {
            e.context(format!("reading {}", obj.display()))
        } else {
            UserError::new(
                format!("{} is not a loadable BPF object: {e:#}", obj.display()),
                "give a .o file built with `clang -O2 -g -target bpf -c FILE.c`",
            )
            .into()
        }
    })?;
    let defs = loader::struct_ops::defs(&parsed.elf, &obj_name)?;
    if defs.is_empty() {
        bail!(UserError::new(
            format!("no struct_ops found in {}", obj.display()),
            "give an object with SEC(\".struct_ops\") or SEC(\".struct_ops.link\") variables",
        ));
    }
    let local = parsed.elf.btf.as_ref().context("struct_ops maps without BTF")?;
    let links: Vec<&loader::maps::MapDef> = defs.iter().filter(|d| d.map_flags & BPF_F_LINK != 0).collect();
    let mut txn = Txn::new();
    let mut targets = HashMap::new();
    if !links.is_empty() {
        let Some(dir) = link_dir else {
            bail!(UserError::new(
                format!(
                    "{} has .struct_ops.link maps ({}), which stay registered only while their link is pinned",
                    obj.display(),
                    links.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
                format!(
                    "give a bpffs directory for the links: `bpfpin struct_ops register {} LINK_DIR`",
                    obj.display()
                ),
            ));
        };
        crate::pins::ensure_mounted(g.nomount)?;
        crate::bpffs::check_dir_arg(dir, "give register a directory for the links (it is made when missing)")?;
        for d in &links {
            targets.insert(d.name.clone(), txn.target(&dir.join(&d.name))?);
        }
        txn.lock()?;
        for t in targets.values() {
            txn.require_free(*t)?;
        }
    }

    let kernel = Kernel::new();
    let btf = parsed.load_btf().with_context(|| format!("loading the BTF of {}", obj.display()))?;
    let mut map_fds = Vec::new();
    for (i, m) in parsed.maps.iter().enumerate() {
        map_fds.push(
            parsed
                .create_map(i, btf.as_ref().map(|b| b.as_fd()), &kernel)
                .with_context(|| format!("creating map `{}`", m.name))?,
        );
    }
    let raw: Vec<i32> = map_fds.iter().map(|f| f.as_raw_fd()).collect();
    let bound = parsed.bind(&raw, &kernel)?;
    let env = loader::Env { btf: btf.as_ref().map(|b| b.as_fd()), kernel: &kernel, attach_prog: None, log_level: 4 };
    let mut progs: HashMap<String, OwnedFd> = HashMap::new();
    for d in &defs {
        for name in loader::struct_ops::programs(d) {
            if progs.contains_key(name) {
                continue;
            }
            let p = parsed
                .programs
                .iter()
                .position(|p| p.name == name)
                .with_context(|| format!("struct_ops map `{}` points at `{name}`, which is no program", d.name))?;
            let fd = parsed.load_program(p, &bound, &env).map_err(rejected)?;
            progs.insert(name.to_string(), fd);
        }
    }
    let prog_fds: HashMap<String, i32> = progs.iter().map(|(k, v)| (k.clone(), v.as_raw_fd())).collect();

    let mut undo = Undo(Vec::new());
    let mut keep = Vec::new();
    let mut lines = Vec::new();
    for d in &defs {
        let fd = loader::struct_ops::create(d, local, btf.as_ref().map(|b| b.as_fd()), &kernel, &prog_fds)
            .map_err(|e| refused(e, &d.name))?;
        let info = sys::map_info(fd.as_fd()).context("reading the struct_ops map's info")?;
        let (name, st) = (crate::pins::c_name(&info.name), kernel_struct(&kernel, &info));
        if let Some(t) = targets.get(&d.name) {
            let link =
                sys::link::create(fd.as_fd(), None, bpf_attach_type::BPF_STRUCT_OPS as u32, 0, &sys::link::Extra::None)
                    .map_err(|e| refused(anyhow::Error::new(e), &d.name))?;
            txn.pin(*t, link.as_fd(), &format!("the link of struct_ops map `{}`", d.name))?;
            let link_id = sys::link_info(link.as_fd()).map(|i| i.id).unwrap_or(0);
            lines.push(format!("Registered {st} {name} map id {} link id {link_id}", info.id));
            keep.push(link);
        } else {
            lines.push(format!("Registered {st} {name} id {}", info.id));
            undo.0.push(fd.try_clone().context("keeping the struct_ops map")?);
        }
        keep.push(fd);
    }
    txn.commit()?;
    // Registered: plain maps stay with the kernel, link maps with their pins.
    undo.0.clear();
    for l in &lines {
        info_line(out, l);
    }
    out.done()?;
    Ok(())
}

/// A program the kernel refused, with the verifier's last line.
fn rejected(e: anyhow::Error) -> anyhow::Error {
    let Some(r) = e.downcast_ref::<loader::Rejected>() else { return e };
    let last = r.log.lines().rev().map(str::trim).find(|l| {
        !l.is_empty() && !["processed ", "verification time", "stack depth"].iter().any(|t| l.starts_with(t))
    });
    UserError::new(
        format!("the kernel refused to load struct_ops program `{}`: {}", r.prog, last.unwrap_or(&r.error.to_string())),
        "fix the program (`bpfpin prog load OBJ PATH --prog NAME --verifier-log` shows the whole log)",
    )
    .into()
}

/// The kernel refused to take a struct_ops value: say which and why.
fn refused(e: anyhow::Error, map: &str) -> anyhow::Error {
    let errno = e.chain().find_map(|c| c.downcast_ref::<sys::SysError>()).and_then(sys::SysError::errno);
    let fix = match errno {
        Some(libc::EEXIST) => "one of that name is registered already: unregister it, or change `.name` in the object",
        Some(libc::EINVAL) => "a required member is missing or a value is out of range for the kernel (see `dmesg`)",
        Some(libc::EPERM) | Some(libc::EACCES) => "registering struct_ops needs root (CAP_SYS_ADMIN)",
        _ if e.chain().any(|c| c.downcast_ref::<UserError>().is_some()) => return e,
        _ => "check `dmesg` for the kernel's reason",
    };
    UserError::new(format!("the kernel refused struct_ops map `{map}`: {}", e.root_cause()), fix).into()
}
