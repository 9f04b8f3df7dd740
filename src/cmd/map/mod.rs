//! `bpfpin map ...`: show, dump and pin here; the editing verbs in
//! `edit`, the bulk ones (`update --from`, `delete --all`) in `bulk`,
//! `watch` in `watch`.

pub mod bulk;
pub mod edit;
pub mod events;
pub mod inner;
pub mod watch;

use std::io::Write;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use anyhow::{Context, Result, bail};

use crate::cli::Global;
use crate::error::UserError;
use crate::kinds::{is_percpu, map_type_name, prog_type_name};
use crate::model::{DumpEntry, DumpErrorEntry, DumpHeader, HexBytes, LookupError, MapView, ObjKind, PerCpu};
use crate::output::flat;
use crate::output::hexfmt::{self, Layout};
use crate::output::{Out, Stream};
use crate::pids::Holders;
use crate::pins::{self, PinIndex};
use crate::select::Words;
use crate::sys::{self, Kind, bpf_map_info};
use crate::typed::{Typed, formatted, typed, typed_lines};

fn take_selector(verb: &'static str, words: &[String]) -> Result<Vec<OwnedFd>> {
    let mut w = Words::new(verb, words);
    let sel = w.take_map()?;
    w.expect_end()?;
    crate::resolve::maps(&sel)
}

/// One map's view; `pids` is left empty for `Holders::fill`.
pub fn view(fd: BorrowedFd<'_>, pins: Option<&PinIndex>) -> Result<MapView> {
    let i = sys::map_info(fd).context("reading map info")?;
    let fdinfo = sys::fdinfo(fd);
    let field = |k: &str| fdinfo.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    // The kernel (6.x) reports an owner for every map that holds programs
    // (devmap, cpumap too); bpftool prints it for prog arrays only.
    let owner =
        field("owner_prog_type").filter(|_| i.type_ == crate::kinds::PROG_ARRAY).and_then(|v| v.parse::<u32>().ok());
    Ok(MapView {
        id: i.id,
        kind: map_type_name(i.type_),
        name: pins::c_name(&i.name),
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
        pids: Vec::new(),
    })
}

impl crate::output::Render for MapView {
    fn plain(&self, w: &mut dyn Write) -> std::io::Result<()> {
        crate::output::table::write(w, std::slice::from_ref(self), false)
    }
}

pub fn show(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let holders = Holders::new(Kind::Map);
    let pins = g.bpffs.then(PinIndex::build);
    // Each object's fd is closed once it is read (as bpftool does), so the
    // fd table stays small however many objects are loaded.
    // Views first, holders after: the /proc walk runs meanwhile.
    let mut views: Vec<MapView> = if words.is_empty() {
        crate::resolve::each(Kind::Map)?.filter_map(|fd| view(fd.as_fd(), pins.as_ref()).ok()).collect()
    } else {
        let fds = take_selector("map show", words)?;
        fds.iter().filter_map(|fd| view(fd.as_fd(), pins.as_ref()).ok()).collect()
    };
    holders.fill(&mut views, |v| (v.id, &mut v.pids));
    out.shown(&views, !words.is_empty())?;
    Ok(())
}

pub fn pin_map(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    pins::ensure_mounted(g.nomount)?;
    let mut w = Words::new("map pin", words);
    let sel = w.take_map()?;
    let path = w.take_path("a pin path")?;
    w.expect_end()?;
    let fd = crate::resolve::map(&sel)?;
    crate::pins::pin_new(fd.as_fd(), &path, "map")?;
    out.done()?;
    Ok(())
}

/// Map types whose contents are not key/value pairs a walk can read: why,
/// and what to do instead.
fn undumpable(map_type: u32) -> Option<(&'static str, &'static str)> {
    const OTHER: &str = "dump a hash, array or other keyed map instead";
    const EVENTS: &str = "read its records with `bpfpin map events MAP`";
    Some(match map_type_name(map_type).as_str() {
        "ringbuf" => ("its records are consumed by a reader, not stored under keys", EVENTS),
        "user_ringbuf" => ("its records are consumed by a reader, not stored under keys", OTHER),
        "perf_event_array" => ("it holds per-CPU perf event fds, not data", EVENTS),
        "queue" | "stack" => ("it has no keys", "read it with `bpfpin map peek` or `bpfpin map pop`"),
        "bloom_filter" => ("a bloom filter can only be queried, not listed", OTHER),
        "struct_ops" => ("it holds kernel struct_ops state", OTHER),
        "arena" => ("it is memory to mmap, not key/value pairs", OTHER),
        "sk_storage" | "inode_storage" | "task_storage" | "cgrp_storage" => {
            ("its entries are keyed by kernel objects (sockets, inodes, tasks, cgroups)", OTHER)
        }
        _ => return None,
    })
}

pub fn dump(out: &mut Out, words: &[String], hex: bool, follow_inner: bool) -> Result<()> {
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
                    pins::c_name(&info.name),
                    info.id,
                    map_type_name(info.type_)
                ),
                fix,
            ));
        }
        if follow_inner {
            inner::check(&info)?;
        }
        maps.push((fd.as_fd(), info));
    }
    if let [(fd, info)] = maps.as_slice() {
        let mut stream = out.stream_begin()?;
        dump_map(out, &mut stream, *fd, info, hex, follow_inner)?;
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
            name: pins::c_name(&info.name),
            flags: info.map_flags,
        };
        if !out.is_json() {
            if i > 0 {
                out.writer().write_all(b"\n")?;
            }
            hexfmt::write_map_header(out.writer(), header.id, &header.kind, &header.name, header.flags)?;
        }
        let mut stream = out.group_item_begin(&mut group, &header)?;
        dump_map(out, &mut stream, *fd, info, hex, follow_inner)?;
        out.group_item_end(stream)?;
    }
    out.group_end(group)?;
    Ok(())
}

fn dump_map(
    out: &mut Out,
    stream: &mut Stream,
    fd: BorrowedFd<'_>,
    info: &bpf_map_info,
    hex: bool,
    follow_inner: bool,
) -> Result<()> {
    if follow_inner { inner::dump_outer(out, stream, fd, info, hex) } else { dump_one(out, stream, fd, info, hex) }
}

/// Stream one map's entries into `stream`; in plain mode end with bpftool's
/// `Found N elements`.
fn dump_one(out: &mut Out, stream: &mut Stream, fd: BorrowedFd<'_>, info: &bpf_map_info, hex: bool) -> Result<()> {
    let name = pins::c_name(&info.name);
    let typed = typed(info);
    let shape = Shape::of(info)?;
    let layout = Layout { map_type: info.type_, key_size: info.key_size, value_size: info.value_size };
    let pretty = matches!(out.mode, crate::output::Mode::Json { pretty: true });
    // Entries go through serde only where a `formatted` object or pretty
    // indentation is needed; everything else is appended to `buf` by
    // hexfmt's appenders and handed to stdout's writer in large blocks.
    // Common BTF shapes (ints, structs of ints) are formatted straight
    // into `buf` too.
    let flat = typed.as_ref().and_then(|t| flat::plan(t, shape.key_size, shape.value_size, shape.percpu));
    let flat_json = out.is_json() && !pretty && flat.is_some();
    let via_serde = out.is_json() && (pretty || typed.is_some()) && !flat_json;
    let plain_typed = !hex && !out.is_json() && typed.is_some();
    let mut buf: Vec<u8> = Vec::with_capacity(FLUSH_AT + 4096);
    let mut found: u64 = 0;
    walk(fd, info, &shape, &mut |e| {
        match e {
            Entry::Failed { key, errno } => {
                flush(out, &mut buf)?;
                lookup_failed(out, stream, &layout, key, errno)?;
            }
            Entry::Found { key, value } => {
                found += 1;
                let values = shape.values(value);
                if let (true, Some(p)) = (flat_json, &flat) {
                    if stream.count > 0 {
                        buf.push(b',');
                    }
                    stream.count += 1;
                    flat::push_json_entry(&mut buf, p, key, &value[..shape.value_size]);
                } else if via_serde {
                    let vals: Vec<&[u8]> = values.iter().collect();
                    let formatted = typed.as_ref().and_then(|t| formatted(t, key, &vals, shape.percpu));
                    let entry = DumpEntry {
                        key: HexBytes(key),
                        value: (!shape.percpu).then(|| HexBytes(vals[0])),
                        values: shape.percpu.then(|| PerCpu(vals.clone())),
                        formatted,
                    };
                    out.stream_item(stream, &entry)?;
                } else if out.is_json() {
                    if stream.count > 0 {
                        buf.push(b',');
                    }
                    stream.count += 1;
                    if shape.percpu {
                        hexfmt::push_json_percpu_entry(&mut buf, key, values);
                    } else {
                        hexfmt::push_json_entry(&mut buf, key, &value[..shape.value_size]);
                    }
                } else if let (true, Some(p)) = (plain_typed, &flat) {
                    flat::push_plain_entry(&mut buf, p, key, &value[..shape.value_size]);
                } else if let (true, Some(t)) = (plain_typed, &typed) {
                    let vals: Vec<&[u8]> = values.iter().collect();
                    write_typed(&mut buf, t, key, &vals, shape.percpu)?;
                } else if shape.percpu {
                    hexfmt::push_percpu_entry(&mut buf, &layout, key, values);
                } else {
                    hexfmt::push_entry(&mut buf, &layout, key, &value[..shape.value_size]);
                }
                if buf.len() >= FLUSH_AT {
                    flush(out, &mut buf)?;
                }
            }
        }
        Ok(())
    })
    .with_context(|| format!("reading the entries of map `{name}`"))?;
    flush(out, &mut buf)?;
    if !out.is_json() {
        hexfmt::write_found(out.writer(), found)?;
    }
    Ok(())
}

/// Dump text is handed to stdout's writer in blocks of about this size.
const FLUSH_AT: usize = 60 * 1024;

fn flush(out: &mut Out, buf: &mut Vec<u8>) -> std::io::Result<()> {
    if !buf.is_empty() {
        out.writer().write_all(buf)?;
        buf.clear();
    }
    Ok(())
}

/// Sizes of one entry as the kernel hands it out.
struct Shape {
    key_size: usize,
    value_size: usize,
    percpu: bool,
    /// round_up(value_size, 8) for per-CPU maps, value_size otherwise.
    stride: usize,
    ncpus: usize,
}

impl Shape {
    fn of(info: &bpf_map_info) -> Result<Shape> {
        let percpu = is_percpu(info.type_);
        let ncpus = if percpu { sys::possible_cpus().context("reading the possible CPUs")? } else { 1 };
        let value_size = info.value_size as usize;
        let stride = if percpu { value_size.div_ceil(8) * 8 } else { value_size };
        Ok(Shape { key_size: info.key_size as usize, value_size, percpu, stride, ncpus })
    }

    /// Bytes of one looked-up value (all CPUs).
    fn value_len(&self) -> usize {
        self.stride * self.ncpus
    }

    fn values<'a>(&self, value: &'a [u8]) -> hexfmt::Strided<'a> {
        hexfmt::Strided { bytes: value, stride: self.stride, ncpus: self.ncpus, value_size: self.value_size }
    }
}

/// One step of a walk: a key with its value (`value_len` bytes), or a key
/// whose lookup failed.
enum Entry<'a> {
    Found { key: &'a [u8], value: &'a [u8] },
    Failed { key: &'a [u8], errno: i32 },
}

type Visit<'v> = dyn FnMut(Entry<'_>) -> Result<()> + 'v;

/// Every entry of the map, in the kernel's order: by BPF_MAP_LOOKUP_BATCH
/// where the map type and kernel support it, else by get_next_key + lookup.
fn walk(fd: BorrowedFd<'_>, info: &bpf_map_info, shape: &Shape, visit: &mut Visit<'_>) -> Result<()> {
    if crate::kinds::plain_values(info.type_) && !crate::sys::batch::disabled() {
        match walk_batch(fd, info, shape, visit)? {
            Batched::Done => return Ok(()),
            Batched::Unsupported => return walk_keys(fd, info, shape, None, visit),
            Batched::ResumeAfter(key) => return walk_keys(fd, info, shape, Some(&key), visit),
        }
    }
    walk_keys(fd, info, shape, None, visit)
}

enum Batched {
    Done,
    /// The first batch call was refused (old kernel): nothing was read.
    Unsupported,
    /// The generic walk lost an entry mid-way (EINTR): go on one key at a
    /// time after this key, the last one read.
    ResumeAfter(Vec<u8>),
}

/// Entries per batch call: about 256 KiB of keys and values, at least 64
/// (a hash bucket rarely holds more than a few; ENOSPC grows it anyway).
fn batch_count(shape: &Shape, max_entries: u32) -> usize {
    let per = (shape.key_size + shape.value_len()).max(1);
    (256 * 1024 / per).clamp(64, 8192).min((max_entries as usize).max(1))
}

fn walk_batch(fd: BorrowedFd<'_>, info: &bpf_map_info, shape: &Shape, visit: &mut Visit<'_>) -> Result<Batched> {
    use sys::batch::{self, Buffers, End};
    let cursor_len = batch::cursor_len(info.key_size);
    let mut cursor = vec![0u8; cursor_len];
    let mut next = vec![0u8; cursor_len];
    let mut count = batch_count(shape, info.max_entries);
    let (mut keys, mut values) = (vec![0u8; count * shape.key_size], vec![0u8; count * shape.value_len()]);
    let mut first = true;
    loop {
        let b = Buffers { keys: &mut keys, values: &mut values, count: count as u32 };
        let (n, end) = match batch::lookup_batch(fd, (!first).then_some(cursor.as_slice()), &mut next, b) {
            Ok(r) => r,
            Err(e) if first && batch::unsupported(&e) => return Ok(Batched::Unsupported),
            // One hash bucket holds more than `count` entries: grow, retry.
            Err(e) if e.errno() == Some(libc::ENOSPC) && count < (1 << 20) => {
                count *= 2;
                keys.resize(count * shape.key_size, 0);
                values.resize(count * shape.value_len(), 0);
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let had_cursor = !first;
        first = false;
        let n = n as usize;
        if n > 0 {
            // out_batch is the cursor of the next call (for the generic
            // walk: the last key copied). With nothing read it is unset.
            std::mem::swap(&mut cursor, &mut next);
        }
        let vlen = shape.value_len();
        for i in 0..n {
            let key = &keys[i * shape.key_size..(i + 1) * shape.key_size];
            visit(Entry::Found { key, value: &values[i * vlen..(i + 1) * vlen] })?;
        }
        match end {
            End::More => {}
            End::Done => return Ok(Batched::Done),
            // Only the generic walk (arrays) says this, and its cursor is a key.
            End::Interrupted if n > 0 || had_cursor => {
                return Ok(Batched::ResumeAfter(cursor[..shape.key_size].to_vec()));
            }
            End::Interrupted => return Ok(Batched::Unsupported),
        }
    }
}

/// How many recent keys the one-at-a-time walk keeps to resume from.
const RING: usize = 16;

/// bpftool's walk: BPF_MAP_GET_NEXT_KEY, then BPF_MAP_LOOKUP_ELEM, starting
/// after `start` (None: from the first key).
///
/// A hash map's get_next_key restarts from the first bucket when the key
/// it is given was deleted meanwhile, which would print entries twice. So for
/// hashes the walk checks that the key it stepped from still exists and, if
/// not, steps again from the key before it (up to `RING` keys back).
fn walk_keys(
    fd: BorrowedFd<'_>,
    info: &bpf_map_info,
    shape: &Shape,
    start: Option<&[u8]>,
    visit: &mut Visit<'_>,
) -> Result<()> {
    let ks = shape.key_size;
    let check = crate::kinds::is_hash(info.type_);
    // ring[slot * ks..] holds the last keys stepped to, newest at `head`.
    let mut ring = vec![0u8; ks * RING];
    let mut have = 0usize;
    let mut head = 0usize;
    if let Some(k) = start.filter(|k| k.len() == ks) {
        ring[..ks].copy_from_slice(k);
        have = 1;
    }
    let mut next = vec![0u8; ks];
    let mut value = vec![0u8; shape.value_len()];
    let mut probe = vec![0u8; shape.value_len()];
    loop {
        let mut more = false;
        if have == 0 {
            more = sys::map::get_next_key(fd, None, &mut next)?;
        }
        for back in 0..have {
            let slot = (head + RING - back) % RING;
            let from = &ring[slot * ks..(slot + 1) * ks];
            more = sys::map::get_next_key(fd, Some(from), &mut next)?;
            // The step is good if `from` is still there (so the kernel
            // found it), or there is nothing older to step from.
            if !check || back + 1 == have || sys::map::lookup(fd, from, &mut probe).unwrap_or(true) {
                break;
            }
        }
        if !more {
            return Ok(());
        }
        head = (head + 1) % RING;
        ring[head * ks..(head + 1) * ks].copy_from_slice(&next);
        have = (have + 1).min(RING);
        let key = &ring[head * ks..(head + 1) * ks];
        match sys::map::lookup(fd, key, &mut value) {
            Ok(true) => visit(Entry::Found { key, value: &value })?,
            Ok(false) => visit(Entry::Failed { key, errno: libc::ENOENT })?,
            Err(e) => visit(Entry::Failed { key, errno: e.errno().unwrap_or(libc::EIO) })?,
        }
    }
}

/// bpftool prints what went wrong in place of the value, in both modes
/// (skipping empty prog-array and map-in-map slots); such entries do not
/// count as found.
fn lookup_failed(out: &mut Out, stream: &mut Stream, layout: &Layout, key: &[u8], errno: i32) -> Result<()> {
    if out.is_json() {
        if let Some(text) = hexfmt::json_lookup_error_text(layout.map_type, errno) {
            let entry = DumpErrorEntry { key: HexBytes(key), value: LookupError { error: text.as_str() } };
            out.stream_item(stream, &entry)?;
        }
    } else {
        hexfmt::write_lookup_error(out.writer(), layout, key, errno)?;
    }
    Ok(())
}

fn write_typed(w: &mut dyn Write, t: &Typed, key: &[u8], values: &[&[u8]], percpu: bool) -> Result<()> {
    w.write_all(typed_lines(t, key, values, percpu)?.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undumpable_types_explain_why() {
        for t in ["ringbuf", "perf_event_array", "queue", "stack", "bloom_filter"] {
            let v = crate::kinds::map_type_by_name(t).unwrap();
            assert!(undumpable(v).is_some(), "{t}");
        }
        for t in ["hash", "array", "lru_hash", "percpu_hash", "prog_array", "lpm_trie"] {
            let v = crate::kinds::map_type_by_name(t).unwrap();
            assert!(undumpable(v).is_none(), "{t}");
        }
    }
}
