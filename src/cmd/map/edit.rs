//! `bpfpin map lookup | getnext | update | delete | create | freeze | push |
//! pop | peek`: reading and editing one map's entries, by bytes as
//! bpftool takes them or, where the map carries BTF, by typed JSON.
//!
//! Output follows bpftool v7.1.0 (src/map.c do_lookup, do_getnext,
//! do_update, do_pop/do_peek): the same plain lines and `-j` documents,
//! except that plain `lookup` on a map with BTF prints the typed line
//! `map dump` prints (`key: 1  value: {packets: 5, bytes: 336}`), and that
//! failures are one sentence naming the map plus a fix, exit status 1.
//!
//! Decisions beyond bpftool:
//! - A missed lookup or peek prints bpftool's answer on stdout (`Not found`
//!   block, or `null` with `-j`) and then fails, so stderr says why and the
//!   exit status is 1 (main adds no JSON error document after `null`).
//! - Per-CPU maps: one `value` is written to every CPU (as bpftool does);
//!   `value` repeated once per possible CPU writes each CPU its own value
//!   (`value 1 0 0 0 0 0 0 0 value 2 0 0 0 0 0 0 0`).
//! - `push MAP value V exist` overwrites the oldest element of a full queue
//!   or stack (BPF_EXIST); `peek BLOOM value V` tests membership.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;

use anyhow::{Context, Result, bail};
use aya_obj::generated as k;
use serde::Serialize;
use serde_json::Value;

use crate::btf::Btf;
use crate::cli::Global;
use crate::error::UserError;
use crate::kinds::{self, is_percpu, map_type_by_name, map_type_name, prog_type_name};
use crate::model::{DumpEntry, HexBytes, PerCpu};
use crate::output::hexfmt::{self, Layout};
use crate::output::{Mode, Out, write_json};
use crate::pins;
use crate::select::{Data, MapSel, UpdateFlags, Words};
use crate::sys::{self, SysError, bpf_map_info};
use crate::text::spaced_hex;
use crate::typed::{Typed, formatted, typed, typed_lines};

// ---------------------------------------------------------------------------------------
// The map being edited.
// ---------------------------------------------------------------------------------------

/// A map opened for one command, with the facts every message names.
struct Target {
    fd: OwnedFd,
    info: bpf_map_info,
    name: String,
    kind: String,
    typed: Option<Typed>,
    percpu: bool,
    ncpus: usize,
}

impl Target {
    fn open(sel: &MapSel) -> Result<Target> {
        let fd = crate::resolve::map(sel)?;
        let info = sys::map_info(fd.as_fd()).context("reading map info")?;
        let percpu = is_percpu(info.type_);
        let ncpus = if percpu { sys::possible_cpus().context("reading the possible CPUs")? } else { 1 };
        Ok(Target {
            name: pins::c_name(&info.name),
            kind: map_type_name(info.type_),
            typed: typed(&info),
            fd,
            info,
            percpu,
            ncpus,
        })
    }

    fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// "map `counts` (id 7, hash)".
    fn what(&self) -> String {
        format!("map `{}` (id {}, {})", self.name, self.info.id, self.kind)
    }

    fn layout(&self) -> Layout {
        Layout { map_type: self.info.type_, key_size: self.info.key_size, value_size: self.info.value_size }
    }

    /// Per-CPU values sit 8-byte aligned, one slot per possible CPU.
    fn stride(&self) -> usize {
        if self.percpu { (self.info.value_size as usize).div_ceil(8) * 8 } else { self.info.value_size as usize }
    }

    fn value_buf(&self) -> Vec<u8> {
        vec![0u8; self.stride() * self.ncpus]
    }

    fn values<'b>(&self, buf: &'b [u8]) -> Vec<&'b [u8]> {
        let vs = self.info.value_size as usize;
        buf.chunks(self.stride().max(1)).take(self.ncpus).map(|c| &c[..vs.min(c.len())]).collect()
    }

    fn fdinfo(&self, field: &str) -> Option<String> {
        sys::fdinfo(self.fd()).into_iter().find(|(k, _)| k == field).map(|(_, v)| v)
    }

    fn frozen(&self) -> bool {
        self.fdinfo("frozen").is_some_and(|v| v != "0")
    }

    fn is_keyless(&self) -> bool {
        matches!(self.kind.as_str(), "queue" | "stack" | "bloom_filter")
    }

    /// Refuse queue/stack/bloom maps in key-based verbs.
    fn need_keys(&self, verb: &str) -> Result<()> {
        if self.is_keyless() {
            bail!(UserError::new(
                format!("{} has no keys, so `map {verb}` does not apply", self.what()),
                "use `bpfpin map push`, `map pop` or `map peek` on queues, stacks and bloom filters",
            ));
        }
        Ok(())
    }

    /// A key as people read it in messages: typed where BTF allows, else hex.
    fn show_key(&self, key: &[u8]) -> String {
        if let Some(t) = &self.typed
            && t.key != 0
            && let Ok(s) = t.btf.to_plain(t.key, key)
        {
            return s;
        }
        spaced_hex(key)
    }

    /// The bytes of a `key DATA`.
    fn encode_key(&self, data: &Data) -> Result<Vec<u8>> {
        let bytes = match data {
            Data::Bytes(b) => b.clone(),
            Data::Json(text) => {
                let t = self.typed_for("key")?;
                if t.key == 0 {
                    bail!(UserError::new(
                        "the map has BTF for its values but not its keys, so `key json` cannot be typed".to_string(),
                        "give the key as bytes, e.g. `key 0 0 0 0`",
                    ));
                }
                encode_json(&t.btf, t.key, text, "key")?
            }
        };
        check_size("key", self.info.key_size, bytes)
    }

    /// The bytes of one `value DATA` (one CPU's worth for per-CPU maps).
    fn encode_value(&self, data: &Data) -> Result<Vec<u8>> {
        let bytes = match data {
            Data::Bytes(b) => b.clone(),
            Data::Json(text) => {
                let t = self.typed_for("value")?;
                encode_json(&t.btf, t.value, text, "value")?
            }
        };
        check_size("value", self.info.value_size, bytes)
    }

    fn typed_for(&self, what: &str) -> Result<&Typed> {
        self.typed.as_ref().ok_or_else(|| {
            UserError::new(
                format!("the map has no BTF, so `{what} json` cannot be typed"),
                format!("give the {what} as bytes, e.g. `{what} hex 01 00 00 00`; typed JSON needs a map from an object built with `clang -g`"),
            )
            .into()
        })
    }
}

/// "map key is 4 bytes, 2 given", with an example of the right length.
fn check_size(what: &str, want: u32, got: Vec<u8>) -> Result<Vec<u8>> {
    if got.len() == want as usize {
        return Ok(got);
    }
    let example = if want == 0 {
        format!("this map takes no {what}")
    } else {
        let zeros = vec!["0"; want.min(16) as usize].join(" ");
        let more = if want > 16 { " ..." } else { "" };
        format!("give exactly {want} bytes, e.g. `{what} {zeros}{more}`")
    };
    bail!(UserError::new(format!("map {what} is {want} bytes, {} given", got.len()), example))
}

fn encode_json(btf: &Btf, id: u32, text: &str, what: &str) -> Result<Vec<u8>> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        UserError::new(
            format!("{what} `{text}` is not JSON: {e}"),
            format!("quote it for the shell, e.g. {what} json '{{\"packets\": 0}}'"),
        )
    })?;
    btf.from_json(id, &v).map_err(|e| {
        UserError::new(
            format!("{what} `{text}` does not fit {}: {e:#}", btf.type_decl(id)),
            format!("write the {what} as `-j map dump` shows it under `formatted`"),
        )
        .into()
    })
}

/// Expect keyword `kw` next.
fn expect_kw(w: &mut Words<'_>, verb: &str, kw: &str) -> Result<()> {
    if w.eat(kw) {
        return Ok(());
    }
    let got = match w.peek() {
        Some(x) => format!("got `{x}`"),
        None => "the command ends".to_string(),
    };
    bail!(
        UserError::new(format!("`map {verb}` expects `{kw}` here, {got}"), format!("see `bpfpin map {verb} --help`"),)
    )
}

fn json_doc<T: Serialize + ?Sized>(out: &mut Out, v: &T) -> Result<()> {
    let pretty = matches!(out.mode, Mode::Json { pretty: true });
    let w = out.writer();
    write_json(&mut *w, v, pretty)?;
    w.write_all(b"\n")?;
    Ok(())
}

/// bpftool's `null` (JSON) after a command that returns nothing.
fn null(out: &mut Out) -> Result<()> {
    out.done()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// lookup
// ---------------------------------------------------------------------------------------

/// `map lookup MAP key DATA`.
pub fn lookup(_g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let mut w = Words::new("map lookup", words);
    let t = Target::open(&w.take_map()?)?;
    t.need_keys("lookup")?;
    expect_kw(&mut w, "lookup", "key")?;
    let data = w.take_data("key")?;
    w.expect_end()?;
    let key = t.encode_key(&data).with_context(|| format!("looking up a key in {}", t.what()))?;
    let mut buf = t.value_buf();
    let found = sys::map::lookup(t.fd(), &key, &mut buf).map_err(|e| elem_error(&t, e, &key, Op::Lookup))?;
    if !found {
        if out.is_json() {
            out.done()?;
        } else {
            hexfmt::write_lookup_not_found(out.writer(), &key)?;
        }
        bail!(UserError::new(
            format!("key {} is not in {}", t.show_key(&key), t.what()),
            format!("list its keys with `bpfpin map dump id {}`", t.info.id),
        ));
    }
    write_entry(out, &t, &key, &buf)
}

/// One entry as `lookup` and `pop` print it: bpftool's `-j` object (with
/// `formatted` where there is BTF), the typed line, or bpftool's hex lines.
fn write_entry(out: &mut Out, t: &Target, key: &[u8], buf: &[u8]) -> Result<()> {
    let values = t.values(buf);
    if out.is_json() {
        let entry = DumpEntry {
            key: HexBytes(key),
            value: (!t.percpu).then(|| HexBytes(values[0])),
            values: t.percpu.then(|| PerCpu(values.clone())),
            formatted: t.typed.as_ref().and_then(|ty| formatted(ty, key, &values, t.percpu)),
        };
        return json_doc(out, &entry);
    }
    if let Some(ty) = &t.typed
        && let Ok(line) = typed_lines(ty, key, &values, t.percpu)
    {
        out.writer().write_all(line.as_bytes())?;
        return Ok(());
    }
    if t.percpu {
        hexfmt::write_percpu_entry(out.writer(), &t.layout(), key, &values)?;
    } else {
        hexfmt::write_entry(out.writer(), &t.layout(), key, values[0])?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// getnext
// ---------------------------------------------------------------------------------------

#[derive(Serialize)]
struct NextKey<'a> {
    key: Option<HexBytes<'a>>,
    next_key: HexBytes<'a>,
}

/// `map getnext MAP [key DATA]`.
pub fn getnext(_g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let mut w = Words::new("map getnext", words);
    let t = Target::open(&w.take_map()?)?;
    t.need_keys("getnext")?;
    let key = if w.eat("key") {
        let data = w.take_data("key")?;
        Some(t.encode_key(&data).with_context(|| format!("reading the next key of {}", t.what()))?)
    } else {
        None
    };
    w.expect_end()?;
    let mut next = vec![0u8; t.info.key_size as usize];
    let more = sys::map::get_next_key(t.fd(), key.as_deref(), &mut next)
        .map_err(|e| elem_error(&t, e, key.as_deref().unwrap_or(&[]), Op::GetNext))?;
    if !more {
        match &key {
            None => bail!(UserError::new(format!("{} is empty", t.what()), "add entries with `bpfpin map update`",)),
            Some(k) => bail!(UserError::new(
                format!("no key follows {} in {}: it is the last one", t.show_key(k), t.what()),
                format!("start again from the first key with `bpfpin map getnext id {}`", t.info.id),
            )),
        }
    }
    if out.is_json() {
        return json_doc(out, &NextKey { key: key.as_deref().map(HexBytes), next_key: HexBytes(&next) });
    }
    let wr = out.writer();
    match &key {
        None => wr.write_all(b"key: None\n")?,
        Some(k) => {
            wr.write_all(b"key:\n")?;
            hexfmt::write_hex(wr, k)?;
            wr.write_all(b"\n")?;
        }
    }
    wr.write_all(b"next key:\n")?;
    hexfmt::write_hex(wr, &next)?;
    wr.write_all(b"\n")?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// update / delete
// ---------------------------------------------------------------------------------------

/// Whether the next word starts a selector rather than DATA.
fn is_selector_word(w: Option<&str>) -> bool {
    w.is_some_and(|w| matches!(w, "id" | "pinned" | "name" | "tag") || w.contains('/'))
}

/// A value ready to write, and the fds whose numbers it holds (kept open
/// until the kernel has read them).
struct Value_ {
    bytes: Vec<u8>,
    _fds: Vec<OwnedFd>,
    /// The program or map written, for messages.
    object: Option<Object>,
}

enum Object {
    Prog { name: String, id: u32, prog_type: u32 },
    Map { name: String, id: u32, kind: String, key: u32, value: u32, entries: u32 },
}

/// VALUE after `value`: a PROG for prog arrays, a MAP for map-in-map, DATA
/// (repeated per CPU if wanted) otherwise.
fn take_value(t: &Target, w: &mut Words<'_>) -> Result<Value_> {
    if kinds::holds_progs(t.info.type_) {
        if !is_selector_word(w.peek()) {
            bail!(UserError::new(
                "its values are programs, not bytes".to_string(),
                "give the program: `value pinned PATH`, `value id N`, `value name NAME` or `value tag TAG`",
            ));
        }
        let fd = crate::resolve::prog(&w.take_prog()?)?;
        let info = sys::prog_info(fd.as_fd()).context("reading program info")?;
        let object =
            Object::Prog { name: crate::resolve::full_name(&info), id: info.info.id, prog_type: info.info.type_ };
        check_prog_owner(t, &object)?;
        let bytes = (fd.as_raw_fd() as u32).to_ne_bytes().to_vec();
        return Ok(Value_ {
            bytes: check_size("value", t.info.value_size, bytes)?,
            _fds: vec![fd],
            object: Some(object),
        });
    }
    if kinds::holds_maps(t.info.type_) {
        if !is_selector_word(w.peek()) {
            bail!(UserError::new(
                "its values are maps, not bytes".to_string(),
                "give the inner map: `value pinned PATH`, `value id N` or `value name NAME`",
            ));
        }
        let fd = crate::resolve::map(&w.take_map()?)?;
        let i = sys::map_info(fd.as_fd()).context("reading map info")?;
        let object = Object::Map {
            name: pins::c_name(&i.name),
            id: i.id,
            kind: map_type_name(i.type_),
            key: i.key_size,
            value: i.value_size,
            entries: i.max_entries,
        };
        let bytes = (fd.as_raw_fd() as u32).to_ne_bytes().to_vec();
        return Ok(Value_ {
            bytes: check_size("value", t.info.value_size, bytes)?,
            _fds: vec![fd],
            object: Some(object),
        });
    }
    let mut each = vec![t.encode_value(&w.take_data("value")?)?];
    while w.eat("value") {
        each.push(t.encode_value(&w.take_data("value")?)?);
    }
    Ok(Value_ { bytes: assemble(&each, t.percpu, t.ncpus, t.stride())?, _fds: Vec::new(), object: None })
}

/// The buffer the kernel reads: one value, or one stride-aligned slot per CPU.
fn assemble(each: &[Vec<u8>], percpu: bool, ncpus: usize, stride: usize) -> Result<Vec<u8>> {
    if !percpu {
        if each.len() > 1 {
            bail!(UserError::new(
                format!("`value` is given {} times, but only per-CPU maps take one value per CPU", each.len()),
                "give one `value`",
            ));
        }
        return Ok(each[0].clone());
    }
    if each.len() != 1 && each.len() != ncpus {
        bail!(UserError::new(
            format!("the map has {ncpus} possible CPUs, and {} values were given", each.len()),
            format!("give one `value` for every CPU, or exactly {ncpus} (`value DATA` repeated, CPU 0 first)"),
        ));
    }
    let mut buf = vec![0u8; stride * ncpus];
    for cpu in 0..ncpus {
        let v = if each.len() == 1 { &each[0] } else { &each[cpu] };
        buf[cpu * stride..cpu * stride + v.len()].copy_from_slice(v);
    }
    Ok(buf)
}

/// A prog array accepts only programs of its owner's type (the program that
/// first used it); say so before the kernel's bare EINVAL.
fn check_prog_owner(t: &Target, obj: &Object) -> Result<()> {
    let Object::Prog { name, id, prog_type } = obj else { return Ok(()) };
    let Some(owner) = t.fdinfo("owner_prog_type").and_then(|v| v.parse::<u32>().ok()) else {
        return Ok(());
    };
    if owner != *prog_type {
        bail!(UserError::new(
            format!(
                "program `{name}` (id {id}) is a {} program, but {} holds {} programs",
                prog_type_name(*prog_type),
                t.what(),
                prog_type_name(owner)
            ),
            format!("tail calls stay within one program type: load the target as {}", prog_type_name(owner)),
        ));
    }
    Ok(())
}

/// `map update MAP key DATA value VALUE [any|exist|noexist]`.
pub fn update(_g: &Global, out: &mut Out, words: &[String], from: Option<&Path>) -> Result<()> {
    if from.is_some() {
        return crate::error::not_yet("map update --from");
    }
    let mut w = Words::new("map update", words);
    let t = Target::open(&w.take_map()?)?;
    t.need_keys("update")?;
    let ctx = || format!("updating {}", t.what());
    expect_kw(&mut w, "update", "key")?;
    let key = t.encode_key(&w.take_data("key")?).with_context(ctx)?;
    expect_kw(&mut w, "update", "value")?;
    let value = take_value(&t, &mut w).with_context(ctx)?;
    let flags = w.take_update_flags();
    w.expect_end()?;
    sys::map::update(t.fd(), &key, &value.bytes, flags.bits())
        .map_err(|e| elem_error(&t, e, &key, Op::Update(flags, value.object.as_ref())))?;
    null(out)
}

/// `map delete MAP key DATA`.
pub fn delete(_g: &Global, out: &mut Out, words: &[String], all: bool) -> Result<()> {
    if all {
        return crate::error::not_yet("map delete --all");
    }
    let mut w = Words::new("map delete", words);
    let t = Target::open(&w.take_map()?)?;
    t.need_keys("delete")?;
    expect_kw(&mut w, "delete", "key")?;
    let key = t.encode_key(&w.take_data("key")?).with_context(|| format!("deleting from {}", t.what()))?;
    w.expect_end()?;
    sys::map::delete(t.fd(), &key).map_err(|e| elem_error(&t, e, &key, Op::Delete))?;
    null(out)
}

enum Op<'a> {
    Lookup,
    GetNext,
    Update(UpdateFlags, Option<&'a Object>),
    Delete,
    Push,
}

/// The kernel's errno turned into a sentence with the map's facts.
fn elem_error(t: &Target, e: SysError, key: &[u8], op: Op<'_>) -> anyhow::Error {
    let errno = e.errno().unwrap_or(0);
    let k = t.show_key(key);
    let what = t.what();
    let user = |msg: String, fix: String| -> anyhow::Error { UserError::new(msg, fix).into() };
    match (errno, &op) {
        (libc::EEXIST, Op::Update(UpdateFlags::NoExist, _)) => {
            return user(
                format!("key {k} already exists in {what}; `noexist` does not overwrite"),
                "use `any` (the default) to overwrite it".into(),
            );
        }
        (libc::ENOENT, Op::Update(UpdateFlags::Exist, _)) => {
            return user(
                format!("key {k} is not in {what}; `exist` only overwrites"),
                "use `any` or `noexist` to add it".into(),
            );
        }
        (libc::ENOENT, Op::Delete) => {
            return user(
                format!("key {k} is not in {what}"),
                format!("list its keys with `bpfpin map dump id {}`", t.info.id),
            );
        }
        (libc::E2BIG, Op::Update(..)) if kinds::is_array(t.info.type_) => {
            return user(
                format!("key {k} is past the end of {what}: max_entries {}", t.info.max_entries),
                format!("array keys are indexes from 0 to {}", t.info.max_entries.saturating_sub(1)),
            );
        }
        (libc::E2BIG, Op::Update(..) | Op::Push) => {
            let fix = if matches!(op, Op::Push) {
                "pop values first, or push with `exist` to overwrite the oldest"
            } else {
                "delete entries (`bpfpin map delete`), or recreate the map with more entries"
            };
            return user(format!("{what} is full: max_entries {}", t.info.max_entries), fix.into());
        }
        (libc::EPERM, Op::Update(..) | Op::Delete | Op::Push) if t.frozen() => {
            return user(
                format!("{what} is frozen; it cannot be changed"),
                "frozen maps stay read-only for user space; create a new map with `bpfpin map create` to write".into(),
            );
        }
        (libc::EPERM, Op::Update(..) | Op::Delete | Op::Push) if t.info.map_flags & k::BPF_F_RDONLY != 0 => {
            return user(
                format!("{what} was created read-only for user space (flags rdonly)"),
                "only BPF programs can write it; create a map without `rdonly` to write from user space".into(),
            );
        }
        (libc::EPERM | libc::EACCES, Op::Lookup | Op::GetNext) if t.info.map_flags & k::BPF_F_WRONLY != 0 => {
            return user(
                format!("{what} was created write-only for user space (flags wronly)"),
                "only BPF programs can read it".into(),
            );
        }
        (libc::EINVAL, Op::Delete)
            if kinds::is_array(t.info.type_)
                && !kinds::holds_progs(t.info.type_)
                && !kinds::holds_maps(t.info.type_) =>
        {
            return user(
                format!("{what} is an array: its keys always exist and cannot be deleted"),
                "write zeros instead, e.g. `bpfpin map update ... value 0 0 0 0`".into(),
            );
        }
        (libc::EINVAL | libc::EBADF, Op::Update(_, Some(Object::Map { name, id, kind, key, value, entries }))) => {
            return user(
                format!(
                    "map `{name}` (id {id}, {kind}, key {key}B, value {value}B, max_entries {entries}) does not fit {what}: inner maps must match its inner map template"
                ),
                "create the inner map with the template's type, key, value and flags (see `bpfpin map show`)".into(),
            );
        }
        (libc::EINVAL, Op::Update(_, Some(Object::Prog { name, id, prog_type }))) => {
            return user(
                format!("{what} refused program `{name}` (id {id}, {})", prog_type_name(*prog_type)),
                "a prog array takes programs of its owner's type, attach type and JIT state; check with `bpfpin map show` and `bpfpin prog show`".into(),
            );
        }
        _ => {}
    }
    let verb = match op {
        Op::Lookup => "looking up key",
        Op::GetNext => "reading the key after",
        Op::Update(..) => "updating key",
        Op::Delete => "deleting key",
        Op::Push => "pushing onto",
    };
    let ctx = if matches!(op, Op::Push) { format!("{verb} {what}") } else { format!("{verb} {k} in {what}") };
    anyhow::Error::from(e).context(ctx)
}

// ---------------------------------------------------------------------------------------
// create / freeze
// ---------------------------------------------------------------------------------------

/// BPF_F_* map flags by bpftool-ish name (without the `BPF_F_` prefix).
pub const MAP_FLAGS: &[(&str, u32)] = &[
    ("no_prealloc", k::BPF_F_NO_PREALLOC),
    ("no_common_lru", k::BPF_F_NO_COMMON_LRU),
    ("numa_node", k::BPF_F_NUMA_NODE),
    ("rdonly", k::BPF_F_RDONLY),
    ("wronly", k::BPF_F_WRONLY),
    ("stack_build_id", k::BPF_F_STACK_BUILD_ID),
    ("zero_seed", k::BPF_F_ZERO_SEED),
    ("rdonly_prog", k::BPF_F_RDONLY_PROG),
    ("wronly_prog", k::BPF_F_WRONLY_PROG),
    ("clone", k::BPF_F_CLONE),
    ("mmapable", k::BPF_F_MMAPABLE),
    ("preserve_elems", k::BPF_F_PRESERVE_ELEMS),
    ("inner_map", k::BPF_F_INNER_MAP),
    ("link", k::BPF_F_LINK),
    ("path_fd", k::BPF_F_PATH_FD),
    ("vtype_btf_obj_fd", k::BPF_F_VTYPE_BTF_OBJ_FD),
    ("token_fd", k::BPF_F_TOKEN_FD),
    ("segv_on_fault", k::BPF_F_SEGV_ON_FAULT),
    ("no_user_conv", k::BPF_F_NO_USER_CONV),
];

/// `flags F`: a number, or names joined by `,` or `|` (`no_prealloc,rdonly_prog`).
pub fn parse_map_flags(s: &str) -> Result<u32> {
    if let Some(n) = crate::select::parse_u32(s) {
        return Ok(n);
    }
    let mut flags = 0;
    for part in s.split([',', '|']).map(str::trim).filter(|p| !p.is_empty()) {
        let lower = part.to_ascii_lowercase();
        let name = lower.strip_prefix("bpf_f_").unwrap_or(&lower);
        match MAP_FLAGS.iter().find(|(n, _)| *n == name) {
            Some((_, bit)) => flags |= bit,
            None => bail!(UserError::new(
                format!("unknown map flag `{part}`"),
                format!(
                    "give a number or names joined by `,`: {}",
                    MAP_FLAGS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
    Ok(flags)
}

/// What `map create` was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateSpec {
    pub map_type: u32,
    pub kind: String,
    pub key: u32,
    pub value: u32,
    pub entries: u32,
    pub name: String,
    pub flags: u32,
    pub has_inner: bool,
}

impl CreateSpec {
    fn describe(&self) -> String {
        format!(
            "{} map `{}` (key {}, value {}, entries {}, flags {:#x})",
            self.kind, self.name, self.key, self.value, self.entries, self.flags
        )
    }
}

/// Rules the kernel applies with a bare EINVAL, checked first so the error
/// can say which one.
pub fn check_create(s: &CreateSpec) -> Result<()> {
    let bad = |msg: String, fix: &str| -> Result<()> { bail!(UserError::new(msg, fix)) };
    if s.name.len() > 15 || !s.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
        return bad(
            format!("map name `{}` is not valid: at most 15 letters, digits, `_` or `.`", s.name),
            "choose a shorter name of letters, digits and `_`",
        );
    }
    let k = s.kind.as_str();
    if matches!(k, "queue" | "stack" | "bloom_filter") && s.key != 0 {
        return bad(format!("{k} maps have no keys, but key {} was given", s.key), "give `key 0`");
    }
    if kinds::is_array(s.map_type) && s.key != 4 {
        return bad(format!("{k} maps take 4-byte keys (indexes), but key {} was given", s.key), "give `key 4`");
    }
    if (kinds::holds_progs(s.map_type) || kinds::holds_maps(s.map_type)) && s.value != 4 {
        return bad(format!("{k} values are 4-byte fds, but value {} was given", s.value), "give `value 4`");
    }
    if kinds::holds_maps(s.map_type) && !s.has_inner {
        return bad(
            format!("{k} needs an inner map template"),
            "add `inner_map MAP`: a map with the type, key and value sizes of the maps it will hold",
        );
    }
    if s.has_inner && !matches!(k, "array_of_maps" | "hash_of_maps") {
        return bad(format!("`inner_map` is only for array_of_maps and hash_of_maps, not {k}"), "drop `inner_map`");
    }
    if k == "lpm_trie" && s.flags & 1 == 0 {
        return bad("lpm_trie maps must be created with flags no_prealloc".to_string(), "add `flags no_prealloc`");
    }
    if k == "lpm_trie" && s.key < 5 {
        return bad(
            format!("lpm_trie keys are a 4-byte prefix length then the data, so at least 5 bytes; {} given", s.key),
            "give e.g. `key 8` for IPv4 (4 + 4) or `key 20` for IPv6",
        );
    }
    Ok(())
}

/// Read `PATH type T key N value N entries N name NAME [flags F] [inner_map MAP]`
/// (keywords in any order, as bpftool takes them).
fn parse_create(words: &[String]) -> Result<(std::path::PathBuf, CreateSpec, Option<MapSel>)> {
    let mut w = Words::new("map create", words);
    let path = w.take_path("the pin path of the new map")?;
    let (mut kind, mut key, mut value, mut entries, mut name, mut flags, mut inner) = (None, 0, 0, 0, None, 0, None);
    while let Some(kw) = w.next() {
        match kw {
            "type" => kind = Some(w.require("a map type")?.to_string()),
            "key" => key = w.take_u32("key size")?,
            "value" => value = w.take_u32("value size")?,
            "entries" => entries = w.take_u32("entries")?,
            "name" => name = Some(w.require("a map name")?.to_string()),
            "flags" => flags = parse_map_flags(w.require("flags")?)?,
            "inner_map" => inner = Some(w.take_map()?),
            other => bail!(UserError::new(
                format!("`map create` does not take `{other}`"),
                "use `PATH type T key N value N entries N name NAME [flags F] [inner_map MAP]`",
            )),
        }
    }
    let Some(kind) = kind else {
        bail!(UserError::new("`map create` needs `type T`", "e.g. `type hash`; see `bpfpin map create --help`"));
    };
    let Some(map_type) = map_type_by_name(&kind).filter(|t| *t != 0) else {
        bail!(UserError::new(
            format!("unknown map type `{kind}`"),
            "use a bpftool type name: hash, array, prog_array, percpu_hash, percpu_array, lru_hash, lpm_trie, array_of_maps, hash_of_maps, queue, stack, bloom_filter, ringbuf, ...",
        ));
    };
    let Some(name) = name else {
        bail!(UserError::new("`map create` needs `name NAME`", "add e.g. `name counters`"));
    };
    let spec = CreateSpec { map_type, kind, key, value, entries, name, flags, has_inner: inner.is_some() };
    Ok((path, spec, inner))
}

/// `map create PATH type T key N value N entries N name NAME [flags F] [inner_map MAP]`.
pub fn create(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    pins::ensure_mounted(g.nomount)?;
    let (path, spec, inner) = parse_create(words)?;
    check_create(&spec)?;
    pins::check_new(&path)?;
    let inner_fd = inner.as_ref().map(crate::resolve::map).transpose()?;
    let fd = sys::map::create(&sys::map::CreateAttr {
        map_type: spec.map_type,
        key_size: spec.key,
        value_size: spec.value,
        max_entries: spec.entries,
        map_flags: spec.flags,
        name: &spec.name,
        inner_map: inner_fd.as_ref().map(|f| f.as_fd()),
        ..Default::default()
    })
    .map_err(|e| create_error(&spec, e))?;
    pins::pin_new(fd.as_fd(), &path, &format!("map `{}`", spec.name))?;
    null(out)
}

fn create_error(s: &CreateSpec, e: SysError) -> anyhow::Error {
    let what = s.describe();
    match e.errno() {
        Some(libc::EINVAL) => UserError::new(
            format!("the kernel refused to create {what}"),
            "check the sizes this type needs (arrays: key 4; queue, stack, bloom_filter: key 0; ringbuf: key 0, value 0, entries a power-of-2 multiple of the page size) and its flags",
        )
        .into(),
        Some(libc::E2BIG) => UserError::new(
            format!("{what} is too large for the kernel"),
            "lower the key or value size, or the number of entries",
        )
        .into(),
        _ => anyhow::Error::from(e).context(format!("creating {what}")),
    }
}

/// `map freeze MAP`.
pub fn freeze(_g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let mut w = Words::new("map freeze", words);
    let t = Target::open(&w.take_map()?)?;
    w.expect_end()?;
    if t.frozen() {
        bail!(UserError::new(
            format!("{} is already frozen", t.what()),
            "nothing to do: it stays read-only for user space"
        ));
    }
    sys::map::freeze(t.fd()).map_err(|e| match e.errno() {
        Some(libc::EBUSY) => UserError::new(
            format!("{} is mapped writable (mmap) and cannot be frozen now", t.what()),
            "close the writable mappings first",
        )
        .into(),
        Some(sys::ENOTSUPP | libc::EOPNOTSUPP | libc::EINVAL) => UserError::new(
            format!("{} cannot be frozen", t.what()),
            "freezing works on maps user space can write (array, hash, ...), not on struct_ops or fd maps",
        )
        .into(),
        _ => anyhow::Error::from(e).context(format!("freezing {}", t.what())),
    })?;
    null(out)
}

// ---------------------------------------------------------------------------------------
// push / pop / peek
// ---------------------------------------------------------------------------------------

fn need_kind(t: &Target, verb: &str, kinds: &[&str]) -> Result<()> {
    if kinds.contains(&t.kind.as_str()) {
        return Ok(());
    }
    let fix = if t.kind == "bloom_filter" {
        "a bloom filter cannot give values back; test one with `bpfpin map peek MAP value VALUE`".to_string()
    } else {
        format!("`map {verb}` works on {}; use `bpfpin map lookup`/`update` on keyed maps", kinds.join(", "))
    };
    bail!(UserError::new(format!("`map {verb}` does not apply to {}", t.what()), fix))
}

/// `map push|enqueue MAP value VALUE [exist]`.
pub fn push(_g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let mut w = Words::new("map push", words);
    let t = Target::open(&w.take_map()?)?;
    need_kind(&t, "push", &["queue", "stack", "bloom_filter"])?;
    expect_kw(&mut w, "push", "value")?;
    let value = t.encode_value(&w.take_data("value")?).with_context(|| format!("pushing onto {}", t.what()))?;
    let flags = w.take_update_flags();
    w.expect_end()?;
    if flags == UpdateFlags::NoExist {
        bail!(UserError::new(
            "`noexist` does not apply to `map push`",
            "drop it; `exist` overwrites the oldest value of a full queue or stack"
        ));
    }
    sys::map::push(t.fd(), &value, flags.bits()).map_err(|e| elem_error(&t, e, &[], Op::Push))?;
    null(out)
}

/// `map pop|dequeue MAP`.
pub fn pop(_g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let mut w = Words::new("map pop", words);
    let t = Target::open(&w.take_map()?)?;
    w.expect_end()?;
    need_kind(&t, "pop", &["queue", "stack"])?;
    let mut buf = t.value_buf();
    let got = sys::map::pop(t.fd(), &mut buf).with_context(|| format!("popping from {}", t.what()))?;
    if !got {
        // bpftool: `null` with -j, an error line in plain text.
        out.done()?;
        bail!(empty(&t));
    }
    write_entry(out, &t, &[], &buf)
}

fn empty(t: &Target) -> UserError {
    UserError::new(
        format!("{} is empty", t.what()),
        format!("push values with `bpfpin map push id {} value ...`", t.info.id),
    )
}

/// `map peek MAP` (queue, stack) or `map peek MAP value VALUE` (bloom filter).
pub fn peek(_g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let mut w = Words::new("map peek", words);
    let t = Target::open(&w.take_map()?)?;
    need_kind(&t, "peek", &["queue", "stack", "bloom_filter"])?;
    if t.kind == "bloom_filter" {
        expect_kw(&mut w, "peek", "value")?;
        let mut value =
            t.encode_value(&w.take_data("value")?).with_context(|| format!("testing a value in {}", t.what()))?;
        w.expect_end()?;
        let present = sys::map::peek(t.fd(), &mut value).with_context(|| format!("testing a value in {}", t.what()))?;
        if !present {
            out.done()?;
            bail!(UserError::new(
                format!("value {} is not in {}", spaced_hex(&value), t.what()),
                "a bloom filter has no false negatives: this value was never pushed",
            ));
        }
        return write_entry(out, &t, &[], &value);
    }
    w.expect_end()?;
    let mut buf = t.value_buf();
    let got = sys::map::peek(t.fd(), &mut buf).with_context(|| format!("peeking into {}", t.what()))?;
    if !got {
        if out.is_json() {
            out.done()?;
        } else {
            hexfmt::write_lookup_not_found(out.writer(), &[])?;
        }
        bail!(empty(&t));
    }
    write_entry(out, &t, &[], &buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_by_number_or_name() {
        assert_eq!(parse_map_flags("0").unwrap(), 0);
        assert_eq!(parse_map_flags("0x80").unwrap(), 128);
        assert_eq!(parse_map_flags("no_prealloc").unwrap(), 1);
        assert_eq!(parse_map_flags("no_prealloc,rdonly_prog").unwrap(), 129);
        assert_eq!(parse_map_flags("BPF_F_MMAPABLE|inner_map").unwrap(), 1024 | 4096);
        let e = parse_map_flags("no_prealoc").unwrap_err();
        assert!(e.to_string().contains("`no_prealoc`"), "{e}");
    }

    fn spec(kind: &str, key: u32, value: u32, flags: u32, inner: bool) -> CreateSpec {
        CreateSpec {
            map_type: map_type_by_name(kind).unwrap(),
            kind: kind.into(),
            key,
            value,
            entries: 4,
            name: "m".into(),
            flags,
            has_inner: inner,
        }
    }

    #[test]
    fn create_rules_name_the_problem() {
        for (s, needle) in [
            (spec("queue", 4, 4, 0, false), "key 0"),
            (spec("array", 8, 4, 0, false), "4-byte keys"),
            (spec("lpm_trie", 8, 4, 0, false), "no_prealloc"),
            (spec("lpm_trie", 4, 4, 1, false), "at least 5"),
            (spec("array_of_maps", 4, 4, 0, false), "inner_map"),
            (spec("hash", 4, 4, 0, true), "only for"),
            (spec("prog_array", 4, 8, 0, false), "value 4"),
        ] {
            let e = check_create(&s).unwrap_err();
            let u = e.downcast_ref::<UserError>().unwrap();
            assert!(format!("{} {}", u.msg, u.fix).contains(needle), "{s:?}: {} / {}", u.msg, u.fix);
        }
        for s in [
            spec("hash", 4, 8, 0, false),
            spec("queue", 0, 4, 0, false),
            spec("lpm_trie", 8, 4, 1, false),
            spec("array_of_maps", 4, 4, 0, true),
        ] {
            check_create(&s).unwrap();
        }
        let mut long = spec("hash", 4, 4, 0, false);
        long.name = "a_name_longer_than_15".into();
        assert!(check_create(&long).is_err());
    }

    #[test]
    fn sizes_are_checked_with_an_example() {
        let e = check_size("key", 4, vec![1, 2]).unwrap_err();
        let u = e.downcast_ref::<UserError>().unwrap();
        assert_eq!(u.msg, "map key is 4 bytes, 2 given");
        assert!(u.fix.contains("`key 0 0 0 0`"), "{}", u.fix);
        assert_eq!(check_size("value", 2, vec![1, 2]).unwrap(), vec![1, 2]);
    }

    #[test]
    fn percpu_values_fill_every_slot() {
        let one = assemble(&[vec![1, 2, 3, 4]], true, 3, 8).unwrap();
        assert_eq!(one, [[1, 2, 3, 4, 0, 0, 0, 0]; 3].concat());
        let each = assemble(&[vec![1; 4], vec![2; 4]], true, 2, 8).unwrap();
        assert_eq!(each, [vec![1, 1, 1, 1, 0, 0, 0, 0], vec![2, 2, 2, 2, 0, 0, 0, 0]].concat());
        assert!(assemble(&[vec![1; 4], vec![2; 4]], true, 3, 8).is_err());
        assert!(assemble(&[vec![1; 4], vec![2; 4]], false, 1, 4).is_err());
        assert_eq!(assemble(&[vec![9; 4]], false, 1, 4).unwrap(), vec![9; 4]);
    }

    #[test]
    fn selectors_versus_data() {
        assert!(is_selector_word(Some("pinned")));
        assert!(is_selector_word(Some("/sys/fs/bpf/p")));
        assert!(!is_selector_word(Some("5")));
        assert!(!is_selector_word(None));
    }
}
