//! `bpfpin map ...`: one function per verb, plus MAP selector resolution.

use std::io::Write;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use anyhow::{Context, Result, bail};

use crate::btf::Btf;
use crate::cli::{Global, MapCmd};
use crate::error::UserError;
use crate::model::{
    DumpEntry, DumpErrorEntry, DumpHeader, HexBytes, LookupError, MapView, ObjKind, PerCpu,
    map_is_percpu, map_type_name, prog_type_name,
};
use crate::output::hexfmt::{self, Layout};
use crate::output::{Out, Stream};
use crate::pin::{self, PinIndex};
use crate::prog::not_yet;
use crate::select::{MapSel, Words};
use crate::sys::{self, Kind, bpf_map_info};

pub fn run(g: &Global, out: &mut Out, cmd: &MapCmd) -> Result<()> {
    match cmd {
        MapCmd::Show { words } | MapCmd::List { words } => show(g, out, words),
        MapCmd::Dump { words, hex } => dump(out, words, *hex),
        MapCmd::Pin { words } => pin_map(g, out, words),
        MapCmd::Rm { paths, recursive } => {
            pin::ensure_mounted(g.nomount)?;
            pin::rm(out, paths, *recursive, ObjKind::Map)
        }
        MapCmd::Lookup { .. } => not_yet("map lookup"),
        MapCmd::Getnext { .. } => not_yet("map getnext"),
        MapCmd::Update { .. } => not_yet("map update"),
        MapCmd::Delete { .. } => not_yet("map delete"),
        MapCmd::Create { .. } => not_yet("map create"),
        MapCmd::Freeze { .. } => not_yet("map freeze"),
        MapCmd::Watch { .. } => not_yet("map watch"),
        MapCmd::Push { .. } | MapCmd::Enqueue { .. } => not_yet("map push"),
        MapCmd::Pop { .. } | MapCmd::Dequeue { .. } => not_yet("map pop"),
        MapCmd::Peek { .. } => not_yet("map peek"),
    }
}

/// Every map the selector names; an error when it names none.
pub fn resolve(sel: &MapSel) -> Result<Vec<OwnedFd>> {
    match sel {
        MapSel::Id(id) => Ok(vec![by_id(*id)?]),
        MapSel::Pinned(p) => Ok(vec![pin::open(p, ObjKind::Map)?]),
        MapSel::Name(name) => {
            let mut fds = Vec::new();
            for id in sys::all_ids(Kind::Map).context("listing maps")? {
                let Ok(fd) = sys::get_fd_by_id(Kind::Map, id) else {
                    continue;
                };
                if sys::map_info(fd.as_fd()).is_ok_and(|i| pin::c_name(&i.name) == *name) {
                    fds.push(fd);
                }
            }
            if fds.is_empty() {
                bail!(UserError::new(
                    format!("no map is named `{name}`"),
                    "list maps with `bpfpin map show`"
                ));
            }
            Ok(fds)
        }
    }
}

pub fn resolve_one(sel: &MapSel) -> Result<OwnedFd> {
    let mut fds = resolve(sel)?;
    if fds.len() > 1 {
        bail!(UserError::new(
            format!("{} maps match; this command takes one", fds.len()),
            "select it by `id N` or `pinned PATH`",
        ));
    }
    Ok(fds.remove(0))
}

fn by_id(id: u32) -> Result<OwnedFd> {
    sys::get_fd_by_id(Kind::Map, id).map_err(|e| {
        if e.errno() == Some(libc::ENOENT) {
            UserError::new(
                format!("no map has id {id}"),
                "list maps with `bpfpin map show`",
            )
            .into()
        } else {
            anyhow::Error::from(e).context(format!("opening map id {id}"))
        }
    })
}

fn take_selector(verb: &'static str, words: &[String]) -> Result<Vec<OwnedFd>> {
    let mut w = Words::new(verb, words);
    let sel = w.take_map()?;
    w.expect_end()?;
    resolve(&sel)
}

pub fn view(fd: BorrowedFd<'_>, pins: Option<&PinIndex>) -> Result<MapView> {
    let i = sys::map_info(fd).context("reading map info")?;
    let fdinfo = sys::fdinfo(fd);
    let field = |k: &str| {
        fdinfo
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let owner = field("owner_prog_type").and_then(|v| v.parse::<u32>().ok());
    Ok(MapView {
        id: i.id,
        kind: map_type_name(i.type_),
        name: pin::c_name(&i.name),
        flags: i.map_flags,
        bytes_key: i.key_size,
        bytes_value: i.value_size,
        max_entries: i.max_entries,
        bytes_memlock: field("memlock").and_then(|v| v.parse().ok()),
        owner_prog_type: owner.map(prog_type_name),
        owner_jited: owner.and(field("owner_jited")).map(|v| v != "0"),
        frozen: field("frozen").and_then(|v| v.parse().ok()).unwrap_or(0),
        btf_id: (i.btf_id != 0).then_some(i.btf_id),
        pinned: pins.map(|x| x.paths(ObjKind::Map, i.id)),
    })
}

impl crate::output::Render for MapView {
    fn plain(&self, w: &mut dyn Write) -> std::io::Result<()> {
        crate::output::table::write(w, std::slice::from_ref(self), false)
    }
}

fn show(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let pins = g.bpffs.then(PinIndex::build);
    let fds = if words.is_empty() {
        sys::all_ids(Kind::Map)
            .context("listing maps")?
            .into_iter()
            .filter_map(|id| sys::get_fd_by_id(Kind::Map, id).ok())
            .collect()
    } else {
        take_selector("map show", words)?
    };
    let views: Vec<MapView> = fds
        .iter()
        .filter_map(|fd| view(fd.as_fd(), pins.as_ref()).ok())
        .collect();
    if out.is_json() && !words.is_empty() && views.len() == 1 {
        out.one(&views[0])?;
    } else {
        out.list(&views)?;
    }
    Ok(())
}

fn pin_map(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    pin::ensure_mounted(g.nomount)?;
    let mut w = Words::new("map pin", words);
    let sel = w.take_map()?;
    let path = w.take_path("a pin path")?;
    w.expect_end()?;
    let fd = resolve_one(&sel)?;
    crate::prog::pin_at(fd.as_fd(), &path, "map")?;
    out.done()?;
    Ok(())
}

/// Map types whose contents are not key/value pairs a walk can read: why,
/// and what to do instead.
fn undumpable(map_type: u32) -> Option<(&'static str, &'static str)> {
    const OTHER: &str = "dump a hash, array or other keyed map instead";
    Some(match map_type_name(map_type).as_str() {
        "ringbuf" | "user_ringbuf" => (
            "its records are consumed by a reader, not stored under keys",
            OTHER,
        ),
        "perf_event_array" => ("it holds per-CPU perf event fds, not data", OTHER),
        "queue" | "stack" => (
            "it has no keys",
            "read it with `bpfpin map peek` or `bpfpin map pop`",
        ),
        "bloom_filter" => ("a bloom filter can only be queried, not listed", OTHER),
        "struct_ops" => ("it holds kernel struct_ops state", OTHER),
        "arena" => ("it is memory to mmap, not key/value pairs", OTHER),
        "sk_storage" | "inode_storage" | "task_storage" | "cgrp_storage" => (
            "its entries are keyed by kernel objects (sockets, inodes, tasks, cgroups)",
            OTHER,
        ),
        _ => return None,
    })
}

/// BTF types for a map's keys and values, when it has them.
struct Typed {
    btf: Btf,
    key: u32,
    value: u32,
}

fn typed(info: &bpf_map_info) -> Option<Typed> {
    if info.btf_id == 0 || info.btf_value_type_id == 0 {
        return None;
    }
    let raw = sys::btf_raw(info.btf_id).ok()?;
    let btf = Btf::parse(&raw).ok()?;
    Some(Typed {
        btf,
        key: info.btf_key_type_id,
        value: info.btf_value_type_id,
    })
}

fn dump(out: &mut Out, words: &[String], hex: bool) -> Result<()> {
    let fds = take_selector("map dump", words)?;
    // Check every selected map before printing anything, so a refusal never
    // follows a partial dump of the others.
    let mut maps = Vec::with_capacity(fds.len());
    for fd in &fds {
        let info = sys::map_info(fd.as_fd()).context("reading map info")?;
        if let Some((why, fix)) = undumpable(info.type_) {
            bail!(UserError::new(
                format!(
                    "map `{}` (id {}) is a {} and cannot be dumped: {why}",
                    pin::c_name(&info.name),
                    info.id,
                    map_type_name(info.type_)
                ),
                fix,
            ));
        }
        maps.push((fd.as_fd(), info));
    }
    if let [(fd, info)] = maps.as_slice() {
        let mut stream = out.stream_begin()?;
        dump_one(out, &mut stream, *fd, info, hex)?;
        return out.stream_end(stream).map_err(Into::into);
    }
    // Several maps (`name N` matching more than one): bpftool's do_dump
    // prints each with its header, plain maps separated by a blank line, and
    // in JSON an array of `{id, type, name, flags, elements: [...]}`.
    let mut group = out.group_begin()?;
    for (i, (fd, info)) in maps.iter().enumerate() {
        let header = DumpHeader {
            id: info.id,
            kind: map_type_name(info.type_),
            name: pin::c_name(&info.name),
            flags: info.map_flags,
        };
        if !out.is_json() {
            if i > 0 {
                out.writer().write_all(b"\n")?;
            }
            hexfmt::write_map_header(
                out.writer(),
                header.id,
                &header.kind,
                &header.name,
                header.flags,
            )?;
        }
        let mut stream = out.group_item_begin(&mut group, &header)?;
        dump_one(out, &mut stream, *fd, info, hex)?;
        out.group_item_end(stream)?;
    }
    out.group_end(group)?;
    Ok(())
}

/// Stream one map's entries into `stream`; in plain mode end with bpftool's
/// `Found N elements`.
fn dump_one(
    out: &mut Out,
    stream: &mut Stream,
    fd: BorrowedFd<'_>,
    info: &bpf_map_info,
    hex: bool,
) -> Result<()> {
    let name = pin::c_name(&info.name);
    let typed = typed(info);
    let percpu = map_is_percpu(info.type_);
    let ncpus = if percpu {
        sys::possible_cpus().context("reading the possible CPUs")?
    } else {
        1
    };
    let stride = if percpu {
        (info.value_size as usize).div_ceil(8) * 8
    } else {
        info.value_size as usize
    };
    let layout = Layout {
        map_type: info.type_,
        key_size: info.key_size,
        value_size: info.value_size,
    };
    let plain_typed = !hex && !out.is_json() && typed.is_some();

    let mut key = vec![0u8; info.key_size as usize];
    let mut next = vec![0u8; info.key_size as usize];
    let mut value = vec![0u8; stride * ncpus];
    let mut found: u64 = 0;
    let mut first = true;
    loop {
        let more = sys::map::get_next_key(fd, (!first).then_some(key.as_slice()), &mut next)
            .with_context(|| format!("walking the keys of map `{name}`"))?;
        if !more {
            break;
        }
        first = false;
        std::mem::swap(&mut key, &mut next);
        match sys::map::lookup(fd, &key, &mut value) {
            Ok(true) => {}
            Ok(false) => {
                lookup_failed(out, stream, &layout, &key, libc::ENOENT)?;
                continue;
            }
            Err(e) => {
                lookup_failed(out, stream, &layout, &key, e.errno().unwrap_or(libc::EIO))?;
                continue;
            }
        }
        found += 1;
        let values: Vec<&[u8]> = value
            .chunks(stride.max(1))
            .take(ncpus)
            .map(|c| &c[..info.value_size as usize])
            .collect();
        if out.is_json() {
            let formatted = typed
                .as_ref()
                .and_then(|t| formatted(t, &key, &values, percpu));
            let entry = DumpEntry {
                key: HexBytes(&key),
                value: (!percpu).then(|| HexBytes(values[0])),
                values: percpu.then(|| PerCpu(values.clone())),
                formatted,
            };
            out.stream_item(stream, &entry)?;
        } else if plain_typed {
            if let Some(t) = &typed {
                write_typed(out.writer(), t, &key, &values, percpu)?;
            }
        } else if percpu {
            hexfmt::write_percpu_entry(out.writer(), &layout, &key, &values)?;
        } else {
            hexfmt::write_entry(out.writer(), &layout, &key, values[0])?;
        }
    }
    if !out.is_json() {
        hexfmt::write_found(out.writer(), found)?;
    }
    Ok(())
}

/// bpftool prints what went wrong in place of the value, in both modes
/// (skipping empty prog-array and map-in-map slots); such entries do not
/// count as found.
fn lookup_failed(
    out: &mut Out,
    stream: &mut Stream,
    layout: &Layout,
    key: &[u8],
    errno: i32,
) -> Result<()> {
    if out.is_json() {
        if let Some(text) = hexfmt::json_lookup_error_text(layout.map_type, errno) {
            let entry = DumpErrorEntry {
                key: HexBytes(key),
                value: LookupError {
                    error: text.as_str(),
                },
            };
            out.stream_item(stream, &entry)?;
        }
    } else {
        hexfmt::write_lookup_error(out.writer(), layout, key, errno)?;
    }
    Ok(())
}

fn formatted(t: &Typed, key: &[u8], values: &[&[u8]], percpu: bool) -> Option<serde_json::Value> {
    let k = if t.key != 0 {
        t.btf.to_json(t.key, key).ok()?
    } else {
        serde_json::Value::Null
    };
    let mut obj = serde_json::Map::new();
    obj.insert("key".into(), k);
    if percpu {
        let vals: Option<Vec<serde_json::Value>> = values
            .iter()
            .enumerate()
            .map(|(cpu, v)| {
                Some(serde_json::json!({"cpu": cpu, "value": t.btf.to_json(t.value, v).ok()?}))
            })
            .collect();
        obj.insert("values".into(), serde_json::Value::Array(vals?));
    } else {
        obj.insert("value".into(), t.btf.to_json(t.value, values[0]).ok()?);
    }
    Some(serde_json::Value::Object(obj))
}

fn write_typed(
    w: &mut dyn Write,
    t: &Typed,
    key: &[u8],
    values: &[&[u8]],
    percpu: bool,
) -> Result<()> {
    let k = if t.key != 0 {
        t.btf.to_plain(t.key, key)?
    } else {
        hex::encode(key)
    };
    if percpu {
        writeln!(w, "key: {k}")?;
        for (cpu, v) in values.iter().enumerate() {
            writeln!(w, "  value (CPU {cpu:02}): {}", t.btf.to_plain(t.value, v)?)?;
        }
    } else {
        writeln!(
            w,
            "key: {k}  value: {}",
            t.btf.to_plain(t.value, values[0])?
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undumpable_types_explain_why() {
        for t in [
            "ringbuf",
            "perf_event_array",
            "queue",
            "stack",
            "bloom_filter",
        ] {
            let v = crate::model::map_type_by_name(t).unwrap();
            assert!(undumpable(v).is_some(), "{t}");
        }
        for t in [
            "hash",
            "array",
            "lru_hash",
            "percpu_hash",
            "prog_array",
            "lpm_trie",
        ] {
            let v = crate::model::map_type_by_name(t).unwrap();
            assert!(undumpable(v).is_none(), "{t}");
        }
    }
}
