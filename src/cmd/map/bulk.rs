//! Bulk map writes (issue 6): `map update MAP --from FILE` restores a
//! `-j map dump` (or JSON lines of its entries) with BPF_MAP_UPDATE_BATCH,
//! and `map delete MAP --all` empties a map with
//! BPF_MAP_LOOKUP_AND_DELETE_BATCH. Both fall back to one element at a time
//! where the kernel or map type has no batch call.
//!
//! The input is read as a stream (serde_json over a buffered reader, one
//! entry at a time), so a restore of millions of entries holds one batch of
//! keys and values in memory, not the file.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::cli::Global;
use crate::error::UserError;
use crate::kinds::{is_percpu, map_type_name};

use crate::output::Out;
use crate::pins;
use crate::select::{UpdateFlags, Words};
use crate::sys::{self, SysError, batch, bpf_map_info};

/// Entries per BPF_MAP_UPDATE_BATCH / LOOKUP_AND_DELETE_BATCH call.
const CHUNK: usize = 4096;

/// `map update MAP [any|exist|noexist] --from FILE`: write every entry of a
/// `-j map dump` array (or JSON lines of the same objects) into MAP.
pub fn update_from(g: &Global, out: &mut Out, words: &[String], from: &Path) -> Result<()> {
    let _ = g;
    let mut w = Words::new("map update", words);
    let sel = w.take_map()?;
    let flags = w.take_update_flags();
    w.expect_end()?;
    let fd = crate::resolve::map(&sel)?;
    let info = sys::map_info(fd.as_fd()).context("reading map info")?;
    let name = pins::c_name(&info.name);
    let source = if from == Path::new("-") { "stdin".to_string() } else { from.display().to_string() };
    let mut writer = Writer::new(fd.as_fd(), &Shape::of(&info), flags)?;
    restore(&mut writer, from, &source, &name)?;
    if out.is_json() {
        out.done()?;
    } else {
        let n = writer.written;
        out.note(&format!("Updated {n} element{}", if n == 1 { "" } else { "s" }))?;
    }
    Ok(())
}

/// Checks the whole input, then writes it: a bad entry anywhere leaves the
/// map untouched. A file is read twice (memory stays one batch); stdin or a
/// pipe cannot be re-read, so its entries are kept packed in memory between
/// the two passes (keys and values as raw bytes, far smaller than the JSON).
fn restore(writer: &mut Writer<'_>, from: &Path, source: &str, name: &str) -> Result<()> {
    let nothing = || format!("checking {source} before writing to map `{name}` (nothing was written)");
    let regular = from != Path::new("-") && std::fs::metadata(from).is_ok_and(|m| m.is_file());
    if regular {
        writer.pass = Pass::Check;
        read_entries(open(from, source)?, &mut |e| writer.push(e)).with_context(nothing)?;
        writer.start_writing();
        read_entries(open(from, source)?, &mut |e| writer.push(e))
            .and_then(|()| writer.flush())
            .with_context(|| format!("restoring map `{name}` from {source}"))
    } else {
        writer.pass = Pass::Keep;
        read_entries(open(from, source)?, &mut |e| writer.push(e)).with_context(nothing)?;
        writer.pass = Pass::Write;
        writer.total = Some(writer.seen - writer.skipped);
        writer.flush().with_context(|| format!("restoring map `{name}` from {source}"))
    }
}

fn open(from: &Path, source: &str) -> Result<BufReader<Box<dyn Read>>> {
    let reader: Box<dyn Read> = if from == Path::new("-") {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(from).with_context(|| format!("opening {source}"))?)
    };
    Ok(BufReader::with_capacity(256 * 1024, reader))
}

/// `map delete MAP --all`: delete every entry. Arrays are refused: their
/// slots always exist, so "empty" has no meaning for them.
pub fn delete_all(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let _ = g;
    let mut w = Words::new("map delete", words);
    let sel = w.take_map()?;
    w.expect_end()?;
    let fd = crate::resolve::map(&sel)?;
    let info = sys::map_info(fd.as_fd()).context("reading map info")?;
    let name = pins::c_name(&info.name);
    let kind = map_type_name(info.type_);
    if matches!(kind.as_str(), "array" | "percpu_array" | "cgroup_array" | "perf_event_array") {
        bail!(UserError::new(
            format!(
                "map `{name}` is of type {kind}: its {} slots always exist and cannot be deleted",
                info.max_entries
            ),
            "overwrite the values instead (`bpfpin map update MAP --from FILE` with zeroed values), \
             or remove and recreate the map",
        ));
    }
    if matches!(kind.as_str(), "queue" | "stack" | "ringbuf" | "user_ringbuf" | "bloom_filter" | "struct_ops" | "arena")
    {
        bail!(UserError::new(
            format!("map `{name}` is of type {kind} and has no keys to delete"),
            "pop a queue or stack with `bpfpin map pop`; remove other maps with `bpfpin map rm PATH`",
        ));
    }
    let deleted = delete_every(fd.as_fd(), &info).with_context(|| format!("emptying map `{name}`"))?;
    if out.is_json() {
        out.done()?;
    } else {
        out.note(&format!("Deleted {deleted} element{}", if deleted == 1 { "" } else { "s" }))?;
    }
    Ok(())
}

/// Value bytes per entry as the kernel reads and writes them (all CPUs).
fn value_len(map_type: u32, value_size: u32) -> Result<(usize, usize)> {
    let size = value_size as usize;
    if is_percpu(map_type) {
        let ncpus = sys::possible_cpus().context("reading the possible CPUs")?;
        let stride = size.div_ceil(8) * 8;
        Ok((stride, stride * ncpus))
    } else {
        Ok((size, size))
    }
}

fn delete_every(fd: BorrowedFd<'_>, info: &bpf_map_info) -> Result<u64> {
    let mut deleted = 0u64;
    if crate::kinds::is_hash(info.type_) && !crate::sys::batch::disabled() {
        let ks = info.key_size as usize;
        let (_, vlen) = value_len(info.type_, info.value_size)?;
        let mut count = CHUNK;
        let (mut keys, mut values) = (vec![0u8; count * ks], vec![0u8; count * vlen]);
        let mut cursor = vec![0u8; batch::cursor_len(info.key_size)];
        let mut next = cursor.clone();
        let mut first = true;
        loop {
            let b = batch::Buffers { keys: &mut keys, values: &mut values, count: count as u32 };
            match batch::lookup_and_delete_batch(fd, (!first).then_some(cursor.as_slice()), &mut next, b) {
                Ok((n, end)) => {
                    deleted += u64::from(n);
                    first = false;
                    std::mem::swap(&mut cursor, &mut next);
                    match end {
                        batch::End::More => {}
                        batch::End::Done => return Ok(deleted),
                        batch::End::Interrupted => break,
                    }
                }
                Err(e) if first && batch::unsupported(&e) => break,
                Err(e) if e.errno() == Some(libc::ENOSPC) && count < (1 << 20) => {
                    count *= 2;
                    keys.resize(count * ks, 0);
                    values.resize(count * vlen, 0);
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    // One at a time: step to the next key and delete it. On a hash the
    // step from a deleted key starts again at the first remaining one, so
    // this ends when the map is empty; on fd arrays it visits every slot.
    let mut key = vec![0u8; info.key_size as usize];
    let mut next = key.clone();
    let mut first = true;
    while sys::map::get_next_key(fd, (!first).then_some(key.as_slice()), &mut next)? {
        first = false;
        match sys::map::delete(fd, &next) {
            Ok(()) => deleted += 1,
            Err(e) if e.errno() == Some(libc::ENOENT) => {}
            Err(e) => return Err(e.into()),
        }
        std::mem::swap(&mut key, &mut next);
    }
    Ok(deleted)
}

// ---- reading a dump ----

/// One entry as `-j map dump` prints it. `formatted` and unknown keys are
/// ignored: the raw bytes are what is written.
#[derive(Deserialize)]
struct InEntry {
    key: Bytes,
    #[serde(default)]
    value: Option<InValue>,
    #[serde(default)]
    values: Option<Vec<InCpu>>,
}

#[derive(Deserialize)]
struct InCpu {
    cpu: usize,
    value: Bytes,
}

/// `["0x01","0x00",...]`; numbers and other strtoul spellings are taken too.
struct Bytes(Vec<u8>);

/// A value, or the `{"error": ...}` bpftool prints where a lookup failed.
enum InValue {
    Bytes(Vec<u8>),
    Error,
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(BytesVisitor).map(Bytes)
    }
}

struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of bytes like [\"0x01\",\"0x00\"]")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(8));
        while let Some(b) = seq.next_element::<Byte>()? {
            v.push(b.0);
        }
        Ok(v)
    }
}

struct Byte(u8);

impl<'de> Deserialize<'de> for Byte {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = u8;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a byte: \"0x1f\" or 0..255")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<u8, E> {
                crate::select::parse_u64(s)
                    .and_then(|n| u8::try_from(n).ok())
                    .ok_or_else(|| E::custom(format!("`{s}` is not a byte (\"0x00\"..\"0xff\")")))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<u8, E> {
                u8::try_from(n).map_err(|_| E::custom(format!("{n} is not a byte (0..255)")))
            }
        }
        d.deserialize_any(V).map(Byte)
    }
}

impl<'de> Deserialize<'de> for InValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = InValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a byte array, or bpftool's {\"error\": ...}")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<InValue, A::Error> {
                BytesVisitor.visit_seq(seq).map(InValue::Bytes)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<InValue, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(InValue::Error)
            }
        }
        d.deserialize_any(V)
    }
}

/// Feed every entry of a `-j map dump` array, or of JSON lines (any
/// whitespace-separated sequence of entry objects), to `each`.
fn read_entries<R: BufRead>(mut r: R, each: &mut dyn FnMut(InEntry) -> Result<()>) -> Result<()> {
    let first = loop {
        let buf = r.fill_buf().context("reading the input")?;
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                let c = buf[i];
                r.consume(i);
                break c;
            }
            None => {
                let n = buf.len();
                r.consume(n);
            }
        }
    };
    let bad_input = |e: serde_json::Error| -> anyhow::Error {
        anyhow::Error::from(UserError::new(
            format!("the input is not a map dump: {e}"),
            "give the output of `bpfpin -j map dump MAP` for one map (an array of {\"key\":[..],\"value\":[..]} \
             objects), or JSON lines of such objects",
        ))
    };
    let mut failed: Option<anyhow::Error> = None;
    let mut de = serde_json::Deserializer::from_reader(r);
    let res = if first == b'[' {
        Each { each, failed: &mut failed }.deserialize(&mut de).and_then(|()| de.end())
    } else {
        let mut res = Ok(());
        for e in de.into_iter::<InEntry>() {
            match e {
                Ok(e) => {
                    if let Err(err) = each(e) {
                        failed = Some(err);
                        break;
                    }
                }
                Err(e) => {
                    res = Err(e);
                    break;
                }
            }
        }
        res
    };
    if let Some(err) = failed {
        return Err(err);
    }
    res.map_err(bad_input)
}

/// The top-level array, visited element by element.
struct Each<'a, 'f> {
    each: &'a mut dyn FnMut(InEntry) -> Result<()>,
    failed: &'f mut Option<anyhow::Error>,
}

impl<'de> DeserializeSeed<'de> for Each<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Each<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of map entries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(e) = seq.next_element::<InEntry>()? {
            if let Err(err) = (self.each)(e) {
                *self.failed = Some(err);
                return Err(de::Error::custom("stopped"));
            }
        }
        Ok(())
    }
}

// ---- writing in batches ----

/// What `Writer::push` does with a checked entry.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Check it and drop it (first pass over a file).
    Check,
    /// Check it and keep it for the write (first pass over stdin).
    Keep,
    /// Write it, a batch at a time.
    Write,
}

/// What the writer needs to know of the map (from `bpf_map_info`).
struct Shape {
    name: String,
    type_: u32,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
}

impl Shape {
    fn of(info: &bpf_map_info) -> Shape {
        Shape {
            name: pins::c_name(&info.name),
            type_: info.type_,
            key_size: info.key_size,
            value_size: info.value_size,
            max_entries: info.max_entries,
        }
    }
}

struct Writer<'fd> {
    fd: BorrowedFd<'fd>,
    pass: Pass,
    /// Entries to write, known once the first pass is done.
    total: Option<u64>,
    /// bpftool's `{"error": ..}` values seen: nothing to write for those.
    skipped: u64,
    key_size: usize,
    value_size: usize,
    percpu: bool,
    stride: usize,
    vlen: usize,
    max_entries: u32,
    flags: UpdateFlags,
    keys: Vec<u8>,
    /// The input position of each pending entry (bpftool's `{"error": ..}`
    /// entries are skipped, so it is not just a count).
    positions: Vec<u64>,
    values: Vec<u8>,
    pending: usize,
    /// Entries read so far (for error messages: "entry N").
    seen: u64,
    written: u64,
    /// The kernel refused the batch call: write one element at a time.
    one_by_one: bool,
}

impl<'fd> Writer<'fd> {
    fn new(fd: BorrowedFd<'fd>, info: &Shape, flags: UpdateFlags) -> Result<Self> {
        let (stride, vlen) = value_len(info.type_, info.value_size)?;
        let kind = map_type_name(info.type_);
        if matches!(kind.as_str(), "prog_array" | "array_of_maps" | "hash_of_maps")
            || matches!(kind.as_str(), "queue" | "stack" | "ringbuf" | "user_ringbuf" | "bloom_filter" | "arena")
        {
            bail!(UserError::new(
                format!("map `{}` is of type {kind}: a dump of it cannot be written back byte for byte", info.name),
                "restore hash, array and per-CPU maps with --from; update others one key at a time with `bpfpin map update`",
            ));
        }
        Ok(Writer {
            fd,
            pass: Pass::Write,
            total: None,
            skipped: 0,
            key_size: info.key_size as usize,
            value_size: info.value_size as usize,
            percpu: is_percpu(info.type_),
            stride,
            vlen,
            max_entries: info.max_entries,
            flags,
            keys: Vec::with_capacity(CHUNK * info.key_size as usize),
            positions: Vec::with_capacity(CHUNK),
            values: Vec::with_capacity(CHUNK * vlen),
            pending: 0,
            seen: 0,
            written: 0,
            one_by_one: crate::sys::batch::disabled(),
        })
    }

    fn push(&mut self, e: InEntry) -> Result<()> {
        let n = self.seen;
        self.seen += 1;
        let at = || format!("entry {n} (counting from 0)");
        let key = e.key.0;
        if key.len() != self.key_size {
            bail!(UserError::new(
                format!("{}: key is {} bytes, the map's keys are {}", at(), key.len(), self.key_size),
                "restore into a map with the same key and value sizes (`bpfpin map show`)",
            ));
        }
        let start = self.values.len();
        self.values.resize(start + self.vlen, 0);
        let slot = &mut self.values[start..];
        let size_err = |len: usize, what: &str| {
            UserError::new(
                format!("{}: {what} is {len} bytes, the map's values are {}", at(), self.value_size),
                "restore into a map with the same key and value sizes (`bpfpin map show`)",
            )
        };
        match (e.value, e.values) {
            (Some(InValue::Error), _) => {
                // bpftool printed an error in place of this value: nothing to write.
                self.values.truncate(start);
                self.skipped += 1;
                return Ok(());
            }
            (Some(InValue::Bytes(v)), None) => {
                if v.len() != self.value_size {
                    bail!(size_err(v.len(), "value"));
                }
                // A single value for a per-CPU map goes to every CPU, as
                // `bpftool map update` does.
                for c in slot.chunks_mut(self.stride.max(1)) {
                    c[..v.len()].copy_from_slice(&v);
                }
            }
            (None, Some(list)) if self.percpu => {
                let ncpus = self.vlen / self.stride.max(1);
                for c in list {
                    if c.value.0.len() != self.value_size {
                        bail!(size_err(c.value.0.len(), &format!("the value of CPU {}", c.cpu)));
                    }
                    if c.cpu >= ncpus {
                        bail!(UserError::new(
                            format!("{}: CPU {} given, this machine has {ncpus} possible CPUs", at(), c.cpu),
                            "restore per-CPU dumps on a machine with at least as many possible CPUs",
                        ));
                    }
                    let off = c.cpu * self.stride;
                    slot[off..off + self.value_size].copy_from_slice(&c.value.0);
                }
            }
            (None, Some(_)) => bail!(UserError::new(
                format!("{}: per-CPU `values` given for a map that is not per-CPU", at()),
                "restore a per-CPU dump into a per-CPU map of the same sizes",
            )),
            (_, _) => bail!(UserError::new(
                format!("{}: needs `value` (or `values` for per-CPU maps)", at()),
                "give entries as `bpfpin -j map dump` prints them: {\"key\":[..],\"value\":[..]}",
            )),
        }
        self.keys.extend_from_slice(&key);
        self.positions.push(n);
        self.pending += 1;
        if self.pending == CHUNK {
            match self.pass {
                Pass::Check => self.discard(),
                Pass::Keep => {}
                Pass::Write => self.flush()?,
            }
        }
        Ok(())
    }

    fn discard(&mut self) {
        self.keys.clear();
        self.positions.clear();
        self.values.clear();
        self.pending = 0;
    }

    /// After a checking pass over a file: read it again, writing.
    fn start_writing(&mut self) {
        self.total = Some(self.seen - self.skipped);
        self.discard();
        self.seen = 0;
        self.skipped = 0;
        self.pass = Pass::Write;
    }

    /// Writes every pending entry, a batch of at most CHUNK at a time.
    fn flush(&mut self) -> Result<()> {
        let (keys, values) = (std::mem::take(&mut self.keys), std::mem::take(&mut self.values));
        let (ks, vl) = (self.key_size, self.vlen);
        let mut at = 0usize;
        let mut result = Ok(());
        while at < self.pending {
            let n = (self.pending - at).min(CHUNK);
            let k = &keys[at * ks..(at + n) * ks];
            let v = &values[at * vl..(at + n) * vl];
            result = self.write_batch(k, v, n, at);
            if result.is_err() {
                break;
            }
            at += n;
        }
        self.keys = keys;
        self.values = values;
        self.discard();
        result
    }

    /// Writes `n` entries (keys `keys`, values `values`), the first being
    /// pending entry `first`.
    fn write_batch(&mut self, keys: &[u8], values: &[u8], n: usize, first: usize) -> Result<()> {
        let mut done = 0usize;
        let (ks, vl) = (self.key_size, self.vlen);
        if !self.one_by_one {
            match batch::update_batch(self.fd, keys, values, n as u32, self.flags.bits()) {
                Ok(()) => {
                    self.written += n as u64;
                    return Ok(());
                }
                // No batch call on this kernel or map type, or not with these
                // flags: write one at a time (which also names a bad entry).
                Err((0, e)) if batch::unsupported(&e) => self.one_by_one = true,
                Err((ok, e)) => {
                    self.written += u64::from(ok);
                    let i = ok as usize;
                    return Err(self.failed(e, self.positions[first + i], &keys[i * ks..(i + 1) * ks]));
                }
            }
        }
        while done < n {
            let key = &keys[done * ks..(done + 1) * ks];
            let value = &values[done * vl..(done + 1) * vl];
            if let Err(e) = sys::map::update(self.fd, key, value, self.flags.bits()) {
                return Err(self.failed(e, self.positions[first + done], key));
            }
            done += 1;
            self.written += 1;
        }
        Ok(())
    }

    /// The error for entry `n`, whose key is `key`: which entry and key
    /// failed, and exactly how many entries are already in the map.
    fn failed(&self, e: SysError, n: u64, key: &[u8]) -> anyhow::Error {
        let keyhex = crate::text::spaced_hex(key);
        let of = self.total.map(|t| format!(" of {t}")).unwrap_or_default();
        let what = format!(
            "writing entry {n} (counting from 0, key {keyhex}) failed after {}{of} entries were written",
            self.written
        );
        let user = match e.errno() {
            Some(libc::E2BIG) => Some(UserError::new(
                format!("{what}: the map is full ({} entries)", self.max_entries),
                "create a map with more entries (`bpfpin map create ... entries N`), or delete some first",
            )),
            Some(libc::EEXIST) if self.flags == UpdateFlags::NoExist => Some(UserError::new(
                format!("{what}: key already exists (noexist)"),
                "drop `noexist`, or empty the map first with `bpfpin map delete MAP --all`",
            )),
            Some(libc::ENOENT) if self.flags == UpdateFlags::Exist => {
                Some(UserError::new(format!("{what}: no such key (exist)"), "drop `exist` to create missing keys"))
            }
            _ => None,
        };
        match user {
            Some(u) => u.into(),
            None => anyhow::Error::from(e).context(what),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    /// A checking-pass Writer for a hash map with 4-byte keys and 8-byte
    /// values; it never touches its fd (stdin stands in for the map).
    fn checker(fd: BorrowedFd<'_>) -> Writer<'_> {
        let info = Shape { name: "t".into(), type_: 1, key_size: 4, value_size: 8, max_entries: 16 }; // 1: hash
        let mut w = Writer::new(fd, &info, UpdateFlags::Any).expect("writer");
        w.pass = Pass::Check;
        w
    }

    fn check(text: &[u8]) -> Result<u64> {
        let stdin = io::stdin();
        let mut w = checker(stdin.as_fd());
        read_entries(BufReader::new(text), &mut |e| w.push(e))?;
        Ok(w.seen)
    }

    #[test]
    fn whole_input_is_checked_and_bad_entries_named() {
        let good = br#"[{"key":["0x01","0x00","0x00","0x00"],"value":["0x02",0,0,0,0,0,0,0]}]"#;
        assert_eq!(check(good).ok(), Some(1));
        let lines = b"{\"key\":[1,0,0,0],\"value\":[1,0,0,0,0,0,0,0]}\n{\"key\":[1,0,0],\"value\":[1,0,0,0,0,0,0,0]}\n";
        let e = check(lines).expect_err("short key").to_string();
        assert!(e.contains("entry 1 (counting from 0): key is 3 bytes"), "{e}");
        let e =
            format!("{:#}", check(b"{\"key\":[1,0,0,0],\"value\":[1,0,0,0,0,0,0,0]}\n{oops}").expect_err("bad json"));
        assert!(e.contains("line 2"), "{e}");
    }

    /// Mutated dumps through the reader and the checks: errors, no panics.
    #[test]
    fn fuzz_dump_reader_never_panics() {
        let seeds: [&[u8]; 4] = [
            br#"[{"key":["0x01","0x00","0x00","0x00"],"value":["0x02","0x00","0x00","0x00","0x00","0x00","0x00","0x00"],"formatted":{"key":1}}]"#,
            b"{\"key\":[1,0,0,0],\"value\":[1,0,0,0,0,0,0,0]}\n{\"key\":[2,0,0,0],\"value\":{\"error\":\"x\"}}\n",
            br#"[{"key":[1,0,0,0],"values":[{"cpu":0,"value":[1,0,0,0,0,0,0,0]},{"cpu":99999999999,"value":[]}]}]"#,
            br#"[{"key":["0x1","0377","1e3",-1],"value":null}]"#,
        ];
        let mut rng = crate::guard::XorShift::seeded(0xb01c);
        for _ in 0..20_000 {
            let seed = *rng.pick(&seeds);
            let _ = check(&rng.mutate(seed));
        }
    }
}
