//! `net attach socket PROG dev IFACE [--duration S]`: a raw AF_PACKET socket
//! bound to IFACE runs the program as its filter (SO_ATTACH_BPF) while
//! bpfpin stays in the foreground and prints the program's map counters once
//! a second: in place on a terminal, one block of lines per second in a
//! pipe, one JSON object per line with -j. The filter lives as long as the
//! socket, so it ends with the command (Ctrl-C, SIGTERM or --duration).

use std::collections::HashMap;
use std::os::fd::{AsFd, OwnedFd};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::{Iface, Prog};
use crate::btf::Btf;
use crate::error::UserError;
use crate::output::Out;
use crate::sampler::Clock;
use crate::sys::net as sysnet;
use crate::sys::{self, Kind};

/// Entries shown per map, so a big hash cannot flood the screen.
const MAX_ENTRIES: usize = 32;

struct Watched {
    id: u32,
    name: String,
    fd: OwnedFd,
    map_type: u32,
    key_size: usize,
    value_size: usize,
    btf: Option<(Btf, u32, u32)>,
}

fn open_maps(prog: &Prog) -> Vec<Watched> {
    let mut out = Vec::new();
    for &id in &prog.map_ids {
        let Ok(fd) = sys::get_fd_by_id(Kind::Map, id) else { continue };
        let Ok(info) = sys::map_info(fd.as_fd()) else { continue };
        if !crate::kinds::plain_values(info.type_) {
            continue;
        }
        let btf = (info.btf_id != 0 && info.btf_value_type_id != 0)
            .then(|| sys::btf_raw(info.btf_id).ok())
            .flatten()
            .and_then(|raw| Btf::parse(&raw).ok())
            .map(|b| (b, info.btf_key_type_id, info.btf_value_type_id));
        out.push(Watched {
            id,
            name: crate::pins::c_name(&info.name),
            fd,
            map_type: info.type_,
            key_size: info.key_size as usize,
            value_size: info.value_size as usize,
            btf,
        });
    }
    out
}

/// Little-endian unsigned integer of 1, 2, 4 or 8 bytes.
fn int_of(b: &[u8]) -> Option<u64> {
    match b.len() {
        1 | 2 | 4 | 8 => {
            let mut v = [0u8; 8];
            v[..b.len()].copy_from_slice(b);
            Some(u64::from_le_bytes(v))
        }
        _ => None,
    }
}

fn decode(w: &Watched, type_id: Option<u32>, bytes: &[u8]) -> Value {
    if let (Some((btf, ..)), Some(id)) = (&w.btf, type_id)
        && id != 0
        && let Ok(v) = btf.to_json(id, bytes)
    {
        return v;
    }
    match int_of(bytes) {
        Some(n) => json!(n),
        // Without BTF, wide counters are almost always runs of u64s
        // ({packets, bytes}); read them so rates can be shown.
        None if bytes.len().is_multiple_of(8) => {
            Value::Array(bytes.chunks_exact(8).filter_map(int_of).map(|n| json!(n)).collect())
        }
        None => Value::String(hex::encode(bytes)),
    }
}

/// Sum two decoded values leaf by leaf (per-CPU slots); non-numbers keep the first.
fn add(a: Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_u64(), y.as_u64()) {
            (Some(x), Some(y)) => json!(x.wrapping_add(y)),
            _ => json!(x.as_f64().unwrap_or(0.0) + y.as_f64().unwrap_or(0.0)),
        },
        (Value::Object(mut x), Value::Object(y)) => {
            for (k, v) in x.iter_mut() {
                if let Some(yv) = y.get(k) {
                    *v = add(v.take(), yv);
                }
            }
            Value::Object(x)
        }
        (Value::Array(x), Value::Array(y)) => Value::Array(x.into_iter().zip(y).map(|(a, b)| add(a, b)).collect()),
        (a, _) => a,
    }
}

/// Per-second change of every numeric leaf; null where there is none.
fn rate(cur: &Value, prev: Option<&Value>, secs: f64) -> Value {
    match (cur, prev) {
        (Value::Number(c), Some(Value::Number(p))) => {
            let d = c.as_f64().unwrap_or(0.0) - p.as_f64().unwrap_or(0.0);
            json!((d / secs * 10.0).round() / 10.0)
        }
        (Value::Object(c), p) => {
            Value::Object(c.iter().map(|(k, v)| (k.clone(), rate(v, p.and_then(|p| p.get(k)), secs))).collect())
        }
        (Value::Array(c), p) => {
            Value::Array(c.iter().enumerate().map(|(i, v)| rate(v, p.and_then(|p| p.get(i)), secs)).collect())
        }
        _ => Value::Null,
    }
}

struct Entry {
    key: Value,
    value: Value,
}

fn read_map(w: &Watched) -> Vec<Entry> {
    let cpus = if crate::kinds::is_percpu(w.map_type) { sys::possible_cpus().unwrap_or(1) } else { 1 };
    let stride = if crate::kinds::is_percpu(w.map_type) { w.value_size.div_ceil(8) * 8 } else { w.value_size };
    let key_id = w.btf.as_ref().map(|(_, k, _)| *k);
    let value_id = w.btf.as_ref().map(|(_, _, v)| *v);
    let mut entries = Vec::new();
    let mut key: Option<Vec<u8>> = None;
    let mut next = vec![0u8; w.key_size];
    let mut value = vec![0u8; stride * cpus];
    while entries.len() < MAX_ENTRIES {
        match sys::map::get_next_key(w.fd.as_fd(), key.as_deref(), &mut next) {
            Ok(true) => {}
            _ => break,
        }
        key = Some(next.clone());
        // Untouched slots (most of an array) would drown the counters that move.
        if !matches!(sys::map::lookup(w.fd.as_fd(), &next, &mut value), Ok(true)) || value.iter().all(|b| *b == 0) {
            continue;
        }
        let mut v = decode(w, value_id, &value[..w.value_size]);
        for cpu in 1..cpus {
            let slot = &value[cpu * stride..cpu * stride + w.value_size];
            v = add(v, &decode(w, value_id, slot));
        }
        entries.push(Entry { key: decode(w, key_id, &next), value: v });
    }
    entries
}

/// `12 (+3.0/s)`, or `packets 12 (+3.0/s), bytes 1008 (+252.0/s)` for structs.
fn plain_value(v: &Value, r: &Value) -> String {
    match v {
        Value::Number(n) => match r.as_f64() {
            Some(r) => format!("{n} ({r:+}/s)"),
            None => n.to_string(),
        },
        Value::Object(m) => m
            .iter()
            .map(|(k, sub)| format!("{k} {}", plain_value(sub, r.get(k).unwrap_or(&Value::Null))))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, sub)| plain_value(sub, r.get(i).unwrap_or(&Value::Null)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn plain_key(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(crate) fn run(out: &mut Out, prog: &Prog, iface: &Iface, duration: Option<f64>) -> Result<()> {
    if let Some(d) = duration
        && !(d > 0.0 && d.is_finite())
    {
        bail!(UserError::new(
            format!("--duration must be a positive number of seconds, got {d}"),
            "e.g. `--duration 10`"
        ));
    }
    let sock =
        sysnet::packet_socket(iface.ifindex).with_context(|| format!("opening a packet socket on {}", iface.name))?;
    sysnet::attach_socket_filter(sock.as_fd(), prog.fd())
        .with_context(|| format!("attaching {} to a packet socket on {} (SO_ATTACH_BPF)", prog.desc(), iface.name))?;
    crate::sys::signal::catch_stop_signals().context("installing the Ctrl-C handler")?;
    let maps = open_maps(prog);
    let json = out.is_json();
    let tty = out.is_tty() && !json;
    let until = match duration {
        Some(d) => format!("for {d}s"),
        None => "until Ctrl-C".to_string(),
    };
    let head = format!("{} filtering packets on {} (ifindex {}) {until}", prog.desc(), iface.name, iface.ifindex);
    if json {
        crate::text::stderr_line(&head);
    } else {
        writeln!(out.writer(), "{head}")?;
        if maps.is_empty() {
            writeln!(out.writer(), "(the program has no counter maps to show)")?;
        }
    }
    out.flush()?;

    let mut clock = Clock::new(Duration::from_secs(1), None, duration.map(Duration::from_secs_f64));
    let mut prev: HashMap<(u32, String), Value> = HashMap::new();
    let mut drawn = 0usize;
    loop {
        let tick = clock
            .wait(&mut |d| sysnet::wait_and_drain(sock.as_fd(), d.as_millis().clamp(1, 100) as i32))
            .context("reading the packet socket")?;
        let secs = tick.secs.max(1e-3);
        let elapsed = tick.elapsed;
        let mut lines = Vec::new();
        let mut jmaps = Vec::new();
        for m in &maps {
            let mut jentries = Vec::new();
            for e in read_map(m) {
                let k = (m.id, e.key.to_string());
                let r = rate(&e.value, prev.get(&k), secs);
                if json {
                    jentries.push(json!({"key": e.key, "value": e.value, "rate": r}));
                } else {
                    lines.push(format!("{}[{}]: {}", m.name, plain_key(&e.key), plain_value(&e.value, &r)));
                }
                prev.insert(k, e.value);
            }
            if json {
                jmaps.push(json!({"id": m.id, "name": m.name, "entries": jentries}));
            }
        }
        let w = out.writer();
        if json {
            let line = json!({"time": (elapsed * 10.0).round() / 10.0, "prog_id": prog.id, "devname": iface.name, "maps": jmaps});
            serde_json::to_writer(&mut *w, &line)?;
            writeln!(w)?;
        } else if tty {
            if drawn > 0 {
                write!(w, "\x1b[{drawn}A\x1b[J")?;
            }
            writeln!(w, "after {elapsed:.1}s:")?;
            for l in &lines {
                writeln!(w, "  {l}")?;
            }
            drawn = lines.len() + 1;
        } else {
            for l in &lines {
                writeln!(w, "[{elapsed:.1}s] {l}")?;
            }
        }
        out.flush()?;
        if tick.last {
            break;
        }
    }
    if !json {
        writeln!(out.writer(), "stopped; the socket filter is gone with its socket")?;
    }
    Ok(())
}
