//! `bpfpin btf ...`: list the kernel's BTF objects (`show`/`list`) and dump
//! BTF (`dump`) from a loaded object, a program, a map or a file, as
//! bpftool's raw records or as a C header. The writers live in the BTF layer
//! (`btf::dump_raw`, `btf::dump_c`); this file picks the source and the ids.

use std::collections::BTreeMap;
use std::os::fd::AsFd;

use anyhow::{Context, Result, bail};

use crate::btf::Btf;
use crate::cli::{BtfCmd, Global};
use crate::error::UserError;
use crate::model::BtfView;
use crate::output::{Mode, Out};
use crate::select::Words;
use crate::sys::{self, Kind};

use crate::btf::file::vmlinux;

pub fn run(g: &Global, out: &mut Out, cmd: &BtfCmd) -> Result<()> {
    match cmd {
        BtfCmd::Show { words } | BtfCmd::List { words } => show(out, words),
        BtfCmd::Dump { words } => dump(g, out, words),
    }
}

/// BTF id -> ids of the programs (or maps) whose info names it, ascending.
fn users(kind: Kind) -> Result<BTreeMap<u32, Vec<u32>>> {
    let mut by_btf: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for id in sys::all_ids(kind).with_context(|| format!("listing {kind:?} ids"))? {
        // An object that goes away between listing and opening is simply not a user.
        let Ok(fd) = sys::get_fd_by_id(kind, id) else { continue };
        let btf_id = match kind {
            Kind::Prog => sys::prog_info(fd.as_fd()).map(|i| i.info.btf_id),
            _ => sys::map_info(fd.as_fd()).map(|i| i.btf_id),
        };
        if let Some(b) = btf_id.ok().filter(|b| *b != 0) {
            by_btf.entry(b).or_default().push(id);
        }
    }
    Ok(by_btf)
}

fn no_btf_id(id: u32) -> anyhow::Error {
    UserError::new(format!("no BTF object has id {id}"), "list BTF objects with `bpfpin btf show`").into()
}

fn show(out: &mut Out, words: &[String]) -> Result<()> {
    let mut w = Words::new("btf show", words);
    let only = if w.is_empty() {
        None
    } else {
        if !w.eat("id") {
            let got = w.peek().unwrap_or_default();
            bail!(UserError::new(
                format!("`btf show` selects a BTF object by `id BTF_ID`, got `{got}`"),
                "e.g. `bpfpin btf show id 1`"
            ));
        }
        let id = w.take_u32("a BTF id")?;
        w.expect_end()?;
        Some(id)
    };
    let progs = users(Kind::Prog)?;
    let maps = users(Kind::Map)?;
    let holders = crate::pids::Holders::new(Kind::Btf);
    let ids = match only {
        Some(id) => vec![id],
        None => sys::all_ids(Kind::Btf).context("listing BTF objects")?,
    };
    let mut views = Vec::new();
    for id in ids {
        let fd = match sys::get_fd_by_id(Kind::Btf, id) {
            Ok(fd) => fd,
            Err(e) if e.errno() == Some(libc::ENOENT) && only.is_some() => return Err(no_btf_id(id)),
            Err(e) if e.errno() == Some(libc::ENOENT) => continue,
            Err(e) => return Err(anyhow::Error::from(e).context(format!("opening BTF object {id}"))),
        };
        let (name, kernel, size) =
            sys::btf_obj::btf_obj_summary(fd.as_fd()).with_context(|| format!("reading BTF object {id}"))?;
        views.push(BtfView {
            id,
            size,
            prog_ids: progs.get(&id).cloned().unwrap_or_default(),
            map_ids: maps.get(&id).cloned().unwrap_or_default(),
            kernel,
            name,
            pids: Vec::new(),
        });
    }
    // Holders after the views: the /proc walk ran meanwhile.
    holders.fill(&mut views, |v| (v.id, &mut v.pids));
    out.shown(&views, only.is_some())?;
    Ok(())
}

impl crate::output::Render for BtfView {
    fn plain(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        crate::output::table::write(w, std::slice::from_ref(self), false)
    }
}

/// The parsed BTF to dump, the first id of its own (after a split BTF's
/// base), and the root ids bpftool's `map` source narrows it to.
struct Source {
    btf: Btf,
    first: u32,
    roots: Vec<u32>,
}

/// A kernel BTF object by id; module BTF is split BTF on top of vmlinux.
fn by_id(id: u32) -> Result<(Btf, u32)> {
    let fd = sys::get_fd_by_id(Kind::Btf, id).map_err(|e| {
        if e.errno() == Some(libc::ENOENT) {
            no_btf_id(id)
        } else {
            anyhow::Error::from(e).context(format!("opening BTF object {id}"))
        }
    })?;
    let (name, kernel, _) =
        sys::btf_obj::btf_obj_summary(fd.as_fd()).with_context(|| format!("reading BTF object {id}"))?;
    let raw = sys::btf_raw(id).with_context(|| format!("reading BTF object {id}"))?;
    if kernel && name != "vmlinux" {
        let base = vmlinux()?;
        let first = base.len();
        let btf = Btf::parse_split(&raw, &base).with_context(|| format!("parsing BTF object {id} ({name})"))?;
        return Ok((btf, first));
    }
    Ok((Btf::parse(&raw).with_context(|| format!("parsing BTF object {id}"))?, 1))
}

fn source(w: &mut Words) -> Result<Source> {
    let src = w.require("a BTF source (`id`, `prog`, `map` or `file`)")?;
    let plain = |(btf, first)| Source { btf, first, roots: Vec::new() };
    // bpftool takes any prefix of the source keyword, tried in this order (`m` is map).
    let kw = ["map", "prog", "id", "file"].into_iter().find(|k| !src.is_empty() && k.starts_with(src)).unwrap_or(src);
    match kw {
        "id" => Ok(plain(by_id(w.take_u32("a BTF id")?)?)),
        "file" => Ok(plain(Btf::from_file(&w.take_path("a file")?)?)),
        "prog" => {
            let fd = crate::resolve::prog(&w.take_prog()?)?;
            let info = sys::prog_info(fd.as_fd()).context("reading program info")?;
            let id = info.info.btf_id;
            if id == 0 {
                bail!(UserError::new(
                    "this program was loaded without BTF",
                    "load it from an object built with -g to get its BTF"
                ));
            }
            Ok(plain(by_id(id)?))
        }
        "map" => {
            let fd = crate::resolve::map(&w.take_map()?)?;
            let info = sys::map_info(fd.as_fd()).context("reading map info")?;
            if info.btf_id == 0 {
                bail!(UserError::new(
                    "this map has no BTF",
                    "maps declared in SEC(\".maps\") of an object built with -g carry BTF"
                ));
            }
            let (k, v) = (info.btf_key_type_id, info.btf_value_type_id);
            // bpftool's order of checks, prefixes included: `k` is key, `a` all.
            let roots = match w.peek() {
                Some(p) if !p.is_empty() && "key".starts_with(p) => vec![k],
                Some(p) if !p.is_empty() && "value".starts_with(p) => vec![v],
                Some(p) if !p.is_empty() && "all".starts_with(p) => Vec::new(),
                Some(p) if !p.is_empty() && "kv".starts_with(p) => vec![k, v],
                _ => {
                    let (btf, first) = by_id(info.btf_id)?;
                    return Ok(Source { btf, first, roots: vec![k, v] });
                }
            };
            w.require("key, value, kv or all")?;
            let (btf, first) = by_id(info.btf_id)?;
            Ok(Source { btf, first, roots })
        }
        other => bail!(UserError::new(
            format!("unrecognized BTF source `{other}`"),
            "use `id BTF_ID`, `prog PROG`, `map MAP` or `file FILE`"
        )),
    }
}

fn dump(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let mut w = Words::new("btf dump", words);
    let src = source(&mut w)?;
    let mut c_format = false;
    while let Some(word) = w.peek() {
        if word.is_empty() || !"format".starts_with(word) {
            w.expect_end()?;
        }
        w.require("format")?;
        c_format = match w.require("a format (raw or c)")? {
            "c" => true,
            "raw" => false,
            other => bail!(UserError::new(
                format!("unrecognized format `{other}`"),
                "the formats are `raw` (bpftool's records) and `c` (a C header)"
            )),
        };
    }
    if c_format {
        if out.is_json() {
            bail!(UserError::new("format c has no JSON form", "drop -j/-p, or use format raw"));
        }
        src.btf.dump_c(out.writer(), &src.roots)?;
        return Ok(());
    }
    match out.mode {
        Mode::Json { pretty: true } => {
            // bpftool's pretty layout is its own; -p gives standard pretty JSON of the same document.
            let mut buf = Vec::new();
            src.btf.dump_raw(&mut buf, src.first, &src.roots, true)?;
            let v: serde_json::Value = serde_json::from_slice(&buf).context("re-reading the raw dump")?;
            crate::output::write_json(out.writer(), &v, g.pretty)?;
            std::io::Write::write_all(out.writer(), b"\n")?;
        }
        _ => {
            let json = out.is_json();
            src.btf.dump_raw(out.writer(), src.first, &src.roots, json)?
        }
    }
    Ok(())
}
