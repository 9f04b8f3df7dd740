//! `map dump --inner`: a map of maps (array_of_maps, hash_of_maps) with the
//! entries of each slot's inner map below the slot. bpftool prints only the
//! inner map's id there; following it means opening the id the outer lookup
//! gives (BPF_MAP_GET_FD_BY_ID) and dumping that map as `map dump` would,
//! typed with its own BTF.
//!
//! JSON: each slot is bpftool's `{"key", "value"}` plus `"inner": {"id",
//! "name", "type", "elements": [...]}`, `elements` being exactly what
//! `map dump -j` prints for the inner map. One inner map's elements are held
//! in memory while its slot is written (pretty and compact output then come
//! from the same value); the outer map itself is streamed slot by slot.

use std::os::fd::{AsFd, BorrowedFd};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::{Entry, FLUSH_AT, Shape, flush, undumpable, walk};
use crate::error::UserError;
use crate::kinds::{holds_maps, map_type_name};
use crate::model::{DumpEntry, DumpErrorEntry, HexBytes, InnerDump, LookupError, PerCpu, SlotEntry};
use crate::output::hexfmt::{self, Layout};
use crate::output::nested::{self, Slot};
use crate::output::{Out, Stream};
use crate::pins;
use crate::sys::{self, Kind, bpf_map_info};
use crate::text::spaced_hex;
use crate::typed::{formatted, typed, typed_lines};

/// How many levels of maps of maps are followed. Linux refuses a map of
/// maps as an inner map (bpf_map_meta_alloc), so today a dump has two
/// levels; the bound keeps a kernel that allows more from leading the dump
/// into unbounded recursion.
pub const MAX_DEPTH: usize = 8;

/// Refuse `--inner` on maps that hold no maps, before anything is printed.
pub fn check(info: &bpf_map_info) -> Result<()> {
    if !holds_maps(info.type_) {
        bail!(UserError::new(
            format!(
                "map `{}` (id {}) is a {}, not a map of maps, so it has no inner maps to dump",
                pins::c_name(&info.name),
                info.id,
                map_type_name(info.type_)
            ),
            "drop --inner, or select an array_of_maps or hash_of_maps",
        ));
    }
    Ok(())
}

/// One selected map of maps (`check`ed), streamed a slot at a time; `map
/// dump` groups several as it groups plain dumps.
pub fn dump_outer(
    out: &mut Out,
    stream: &mut Stream,
    fd: BorrowedFd<'_>,
    info: &bpf_map_info,
    hex: bool,
) -> Result<()> {
    let name = pins::c_name(&info.name);
    if out.is_json() {
        let shape = Shape::of(info)?;
        walk(fd, info, &shape, &mut |e| {
            let slot = json_slot(info.type_, info.value_size, e, 1)?;
            out.stream_item(stream, &slot)?;
            Ok(())
        })
        .with_context(|| format!("reading the slots of map `{name}`"))?;
        return Ok(());
    }
    let mut buf = Vec::with_capacity(FLUSH_AT + 4096);
    let mut sink = |buf: &mut Vec<u8>| -> Result<()> {
        if buf.len() >= FLUSH_AT {
            flush(out, buf)?;
        }
        Ok(())
    };
    plain_slots(&mut buf, &mut sink, fd, info, hex, 0)?;
    flush(out, &mut buf)?;
    Ok(())
}

/// What a slot's lookup gave, with the inner map opened where there is one.
enum Opened {
    /// Nothing in the slot, or a lookup error that bpftool skips.
    Empty,
    Failed(i32),
    Gone(u32),
    Open {
        id: u32,
        fd: std::os::fd::OwnedFd,
        info: Box<bpf_map_info>,
    },
}

fn open_slot(outer_type: u32, e: &Entry<'_>) -> Result<Opened> {
    let value = match e {
        Entry::Failed { errno, .. } if hexfmt::lookup_error_text(outer_type, *errno).is_none() => {
            return Ok(Opened::Empty);
        }
        Entry::Failed { errno, .. } => return Ok(Opened::Failed(*errno)),
        Entry::Found { value, .. } => value,
    };
    // The kernel answers a lookup of a map of maps with the inner map's id.
    let Some(id) = value.get(..4).and_then(|b| b.try_into().ok()).map(u32::from_ne_bytes) else {
        return Ok(Opened::Failed(libc::EINVAL));
    };
    let fd = match sys::get_fd_by_id(Kind::Map, id) {
        Ok(fd) => fd,
        // Deleted from the slot and freed since the lookup.
        Err(err) if err.errno() == Some(libc::ENOENT) => return Ok(Opened::Gone(id)),
        Err(err) => return Err(err).with_context(|| format!("opening inner map {id}")),
    };
    let info = sys::map_info(fd.as_fd()).with_context(|| format!("reading the info of inner map {id}"))?;
    Ok(Opened::Open { id, fd, info: Box::new(info) })
}

/// Why an open inner map's entries are not shown, if they are not. `depth`
/// is the inner map's level (1 below the selected map).
fn withheld(map_type: u32, depth: usize) -> Option<String> {
    if holds_maps(map_type) && depth >= MAX_DEPTH {
        return Some(format!("not followed: maps of maps nested deeper than {MAX_DEPTH} levels"));
    }
    undumpable(map_type).map(|(why, _)| format!("not dumped: a {} cannot be dumped, {why}", map_type_name(map_type)))
}

type Sink<'s> = dyn FnMut(&mut Vec<u8>) -> Result<()> + 's;

/// Plain: each slot's line with the inner map's dump indented below it, then
/// `Found N elements` (slots that hold a map).
fn plain_slots(
    buf: &mut Vec<u8>,
    sink: &mut Sink<'_>,
    fd: BorrowedFd<'_>,
    info: &bpf_map_info,
    hex: bool,
    depth: usize,
) -> Result<()> {
    let shape = Shape::of(info)?;
    let mut found = 0u64;
    walk(fd, info, &shape, &mut |e| {
        let key = match &e {
            Entry::Found { key, .. } | Entry::Failed { key, .. } => spaced_hex(key),
        };
        match open_slot(info.type_, &e)? {
            Opened::Empty => nested::push_slot(buf, depth, &key, &Slot::Empty),
            Opened::Failed(errno) => {
                let text = hexfmt::strerror(errno);
                nested::push_slot(buf, depth, &key, &Slot::Failed { text: text.as_str() });
            }
            Opened::Gone(id) => {
                found += 1;
                nested::push_slot(buf, depth, &key, &Slot::Gone { id });
            }
            Opened::Open { id, fd: inner, info: inner_info } => {
                found += 1;
                let (kind, name) = (map_type_name(inner_info.type_), pins::c_name(&inner_info.name));
                nested::push_slot(buf, depth, &key, &Slot::Inner { id, kind: &kind, name: &name });
                if let Some(why) = withheld(inner_info.type_, depth + 1) {
                    nested::push_note(buf, depth + 1, &why);
                } else if holds_maps(inner_info.type_) {
                    plain_slots(buf, sink, inner.as_fd(), &inner_info, hex, depth + 1)?;
                } else {
                    plain_entries(buf, sink, inner.as_fd(), &inner_info, hex, depth + 1)
                        .with_context(|| format!("reading the entries of inner map `{name}` (id {id})"))?;
                }
            }
        }
        sink(buf)
    })
    .with_context(|| format!("reading the slots of map `{}`", pins::c_name(&info.name)))?;
    let mut line = Vec::new();
    hexfmt::write_found(&mut line, found)?;
    nested::push_indented(buf, depth, &line);
    Ok(())
}

/// Plain: one inner map's entries as `map dump` prints them (typed where the
/// map has BTF, unless `hex`), indented `depth` levels.
fn plain_entries(
    buf: &mut Vec<u8>,
    sink: &mut Sink<'_>,
    fd: BorrowedFd<'_>,
    info: &bpf_map_info,
    hex: bool,
    depth: usize,
) -> Result<()> {
    let shape = Shape::of(info)?;
    let typed = if hex { None } else { typed(info) };
    let layout = Layout { map_type: info.type_, key_size: info.key_size, value_size: info.value_size };
    let mut found = 0u64;
    let mut text: Vec<u8> = Vec::new();
    walk(fd, info, &shape, &mut |e| {
        text.clear();
        match e {
            Entry::Failed { key, errno } => {
                hexfmt::write_lookup_error(&mut text, &layout, key, errno)?;
            }
            Entry::Found { key, value } => {
                found += 1;
                let values = shape.values(value);
                if let Some(t) = &typed {
                    let vals: Vec<&[u8]> = values.iter().collect();
                    text.extend_from_slice(typed_lines(t, key, &vals, shape.percpu)?.as_bytes());
                } else if shape.percpu {
                    hexfmt::push_percpu_entry(&mut text, &layout, key, values);
                } else {
                    hexfmt::push_entry(&mut text, &layout, key, &value[..shape.value_size]);
                }
            }
        }
        nested::push_indented(buf, depth, &text);
        sink(buf)
    })?;
    text.clear();
    hexfmt::write_found(&mut text, found)?;
    nested::push_indented(buf, depth, &text);
    Ok(())
}

/// JSON: one slot of `outer`. bpftool skips empty slots; here they are
/// shown, with `value` and `inner` null, as the plain dump shows them.
fn json_slot(outer_type: u32, value_size: u32, e: Entry<'_>, depth: usize) -> Result<Value> {
    let opened = open_slot(outer_type, &e)?;
    let (key, value) = match e {
        Entry::Found { key, value } => (key, Some(&value[..(value_size as usize).min(value.len())])),
        Entry::Failed { key, .. } => (key, None),
    };
    let inner = match opened {
        Opened::Empty => {
            let entry = SlotEntry { key: HexBytes(key), value: None, inner: None };
            return Ok(serde_json::to_value(entry)?);
        }
        Opened::Failed(errno) => {
            let text = hexfmt::strerror(errno);
            let entry = DumpErrorEntry { key: HexBytes(key), value: LookupError { error: text.as_str() } };
            return Ok(serde_json::to_value(entry)?);
        }
        Opened::Gone(id) => InnerDump {
            id,
            name: None,
            kind: None,
            elements: None,
            error: Some("the inner map was freed after the outer map was read".into()),
        },
        Opened::Open { id, fd, info } => {
            let name = pins::c_name(&info.name);
            let (elements, error) = match withheld(info.type_, depth) {
                Some(why) => (None, Some(why)),
                None => (
                    Some(
                        json_elements(fd.as_fd(), &info, depth)
                            .with_context(|| format!("reading the entries of inner map `{name}` (id {id})"))?,
                    ),
                    None,
                ),
            };
            InnerDump { id, name: Some(name), kind: Some(map_type_name(info.type_)), elements, error }
        }
    };
    let entry = SlotEntry { key: HexBytes(key), value: value.map(HexBytes), inner: Some(inner) };
    Ok(serde_json::to_value(entry)?)
}

/// JSON: the `map dump -j` elements of an inner map (its slots, with their
/// own `inner`, when it is itself a map of maps).
fn json_elements(fd: BorrowedFd<'_>, info: &bpf_map_info, depth: usize) -> Result<Vec<Value>> {
    let shape = Shape::of(info)?;
    let mut elements = Vec::new();
    if holds_maps(info.type_) {
        walk(fd, info, &shape, &mut |e| {
            elements.push(json_slot(info.type_, info.value_size, e, depth + 1)?);
            Ok(())
        })?;
        return Ok(elements);
    }
    let typed = typed(info);
    walk(fd, info, &shape, &mut |e| {
        match e {
            Entry::Failed { key, errno } => {
                if let Some(text) = hexfmt::json_lookup_error_text(info.type_, errno) {
                    let entry = DumpErrorEntry { key: HexBytes(key), value: LookupError { error: text.as_str() } };
                    elements.push(serde_json::to_value(entry)?);
                }
            }
            Entry::Found { key, value } => {
                let vals: Vec<&[u8]> = shape.values(value).iter().collect();
                let entry = DumpEntry {
                    key: HexBytes(key),
                    value: (!shape.percpu).then(|| HexBytes(vals[0])),
                    values: shape.percpu.then(|| PerCpu(vals.clone())),
                    formatted: typed.as_ref().and_then(|t| formatted(t, key, &vals, shape.percpu)),
                };
                elements.push(serde_json::to_value(entry)?);
            }
        }
        Ok(())
    })?;
    Ok(elements)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::ARRAY_OF_MAPS;

    /// An id above INT_MAX is never given to a map (the kernel allocates ids
    /// in 1..INT_MAX), so it stands for an inner map freed after the lookup.
    #[test]
    fn an_inner_map_that_went_away_is_reported_and_not_an_error() {
        let id = u32::MAX;
        let (key, value) = ([0u8; 4], id.to_ne_bytes());
        let e = Entry::Found { key: &key, value: &value };
        match open_slot(ARRAY_OF_MAPS, &e) {
            Ok(Opened::Gone(got)) => assert_eq!(got, id),
            Ok(_) => panic!("id {id} opened a map"),
            // Without root the kernel refuses the open itself (EPERM).
            Err(e) if !rustix::process::geteuid().is_root() => eprintln!("skipped: needs root ({e:#})"),
            Err(e) => panic!("{e:#}"),
        }
        if !rustix::process::geteuid().is_root() {
            return;
        }
        let v = json_slot(ARRAY_OF_MAPS, 4, Entry::Found { key: &key, value: &value }, 1).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "key": ["0x00", "0x00", "0x00", "0x00"],
                "value": ["0xff", "0xff", "0xff", "0xff"],
                "inner": {"id": id, "error": "the inner map was freed after the outer map was read"},
            })
        );
    }

    #[test]
    fn nesting_is_bounded_and_undumpable_inner_maps_are_named() {
        use crate::kinds::{HASH_OF_MAPS, map_type_by_name};
        assert_eq!(withheld(ARRAY_OF_MAPS, 1), None);
        assert_eq!(withheld(HASH_OF_MAPS, MAX_DEPTH - 1), None);
        assert!(withheld(HASH_OF_MAPS, MAX_DEPTH).is_some_and(|w| w.contains("deeper than 8 levels")));
        let hash = map_type_by_name("hash").unwrap();
        assert_eq!(withheld(hash, MAX_DEPTH + 5), None, "plain maps are shown at any depth");
        let ringbuf = map_type_by_name("ringbuf").unwrap();
        assert!(withheld(ringbuf, 1).is_some_and(|w| w.starts_with("not dumped: a ringbuf cannot be dumped")));
    }

    #[test]
    fn empty_slots_and_lookup_errors() {
        let key = [3u8, 0, 0, 0];
        let empty = Entry::Failed { key: &key, errno: libc::ENOENT };
        assert!(matches!(open_slot(ARRAY_OF_MAPS, &empty), Ok(Opened::Empty)));
        let v = json_slot(ARRAY_OF_MAPS, 4, Entry::Failed { key: &key, errno: libc::ENOENT }, 1).unwrap();
        assert_eq!(v, serde_json::json!({"key": ["0x03", "0x00", "0x00", "0x00"], "value": null, "inner": null}));
        let v = json_slot(ARRAY_OF_MAPS, 4, Entry::Failed { key: &key, errno: libc::EPERM }, 1).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"key": ["0x03", "0x00", "0x00", "0x00"], "value": {"error": "Operation not permitted"}})
        );
    }
}
