//! A map's entries as counter rows: how `map watch` and `net attach socket`
//! read the counters they sample, in one place (the two commands may not
//! call each other). Each integer in a value is a counter, named after its
//! BTF field (`packets`, `in.port`, `slots[2]`), or `value` for a whole
//! value; without BTF an 8-byte-aligned value is read as u64s (`value[0]`,
//! `value[1]`, ...), which is what counters without types almost always are.

use std::os::fd::{AsFd, OwnedFd};

use anyhow::{Context, Result};
use serde_json::Value;

use super::{Cell, Row};
use crate::kinds::is_percpu;
use crate::sys::{self, bpf_map_info};
use crate::text::spaced_hex;
use crate::typed::{Typed, typed};

/// Which entries become rows, and how.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pick {
    /// Per-CPU maps: one row per CPU (a `cpu` key column) instead of the sum.
    pub per_cpu: bool,
    /// Leave out entries whose value is all zero bytes (the untouched slots
    /// of an array would drown the counters that move).
    pub skip_zero: bool,
    /// At most this many entries.
    pub limit: Option<usize>,
    /// Start each key with the map's name (several maps in one table).
    pub map_column: bool,
}

impl Pick {
    /// The key columns the rows of this pick carry.
    pub fn key_columns(&self, percpu: bool) -> Vec<&'static str> {
        let mut k = Vec::new();
        if self.map_column {
            k.push("map");
        }
        k.push("key");
        if self.per_cpu && percpu {
            k.push("cpu");
        }
        k
    }
}

/// An open map whose entries are read as counters.
pub struct MapCounters {
    fd: OwnedFd,
    pub info: bpf_map_info,
    pub name: String,
    typed: Option<Typed>,
    pub percpu: bool,
    ncpus: usize,
}

impl MapCounters {
    pub fn open(fd: OwnedFd) -> Result<MapCounters> {
        let info = sys::map_info(fd.as_fd()).context("reading map info")?;
        let percpu = is_percpu(info.type_);
        let ncpus = if percpu { sys::possible_cpus().context("reading the possible CPUs")? } else { 1 };
        Ok(MapCounters { name: crate::pins::c_name(&info.name), typed: typed(&info), fd, info, percpu, ncpus })
    }

    /// Per-CPU values sit 8-byte aligned, one slot per possible CPU.
    fn stride(&self) -> usize {
        let vs = self.info.value_size as usize;
        if self.percpu { vs.div_ceil(8) * 8 } else { vs }
    }

    /// Appends this map's rows to `out`.
    pub fn rows(&self, pick: &Pick, out: &mut Vec<Row>) -> Result<()> {
        let vs = self.info.value_size as usize;
        let stride = self.stride();
        let mut key: Option<Vec<u8>> = None;
        let mut next = vec![0u8; self.info.key_size as usize];
        let mut buf = vec![0u8; stride * self.ncpus];
        let mut taken = 0usize;
        while pick.limit.is_none_or(|l| taken < l) {
            let more = sys::map::get_next_key(self.fd.as_fd(), key.as_deref(), &mut next)
                .with_context(|| format!("walking the keys of map `{}` (id {})", self.name, self.info.id))?;
            if !more {
                break;
            }
            key = Some(next.clone());
            // Entries deleted mid-walk, and empty fd slots, are skipped.
            if !matches!(sys::map::lookup(self.fd.as_fd(), &next, &mut buf), Ok(true)) {
                continue;
            }
            if pick.skip_zero && buf.iter().all(|b| *b == 0) {
                continue;
            }
            taken += 1;
            let per_cpu: Vec<Vec<(String, u64)>> = buf
                .chunks(stride.max(1))
                .take(self.ncpus)
                .map(|slot| self.counters(&slot[..vs.min(slot.len())]))
                .collect();
            let mut k = Vec::new();
            if pick.map_column {
                k.push(Cell::text(self.name.clone()));
            }
            k.push(self.key_cell(&next));
            if pick.per_cpu && self.percpu {
                for (cpu, counters) in per_cpu.into_iter().enumerate() {
                    let mut kc = k.clone();
                    kc.push(Cell::num(cpu as u64));
                    out.push(Row { key: kc, counters });
                }
            } else {
                out.push(Row { key: k, counters: sum(per_cpu) });
            }
        }
        Ok(())
    }

    /// A key as `map dump` shows it: typed where BTF allows, else bpftool's
    /// hex bytes (`["0x01","0x00",...]` in JSON).
    fn key_cell(&self, key: &[u8]) -> Cell {
        if let Some(t) = &self.typed
            && t.key != 0
            && let (Ok(json), Ok(text)) = (t.btf.to_json(t.key, key), t.btf.to_plain(t.key, key))
        {
            return Cell { json, text };
        }
        let json = Value::Array(key.iter().map(|b| Value::from(format!("0x{b:02x}"))).collect());
        Cell { json, text: spaced_hex(key) }
    }

    /// The counters of one value (one CPU's).
    fn counters(&self, value: &[u8]) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        if let Some(t) = &self.typed {
            if let Ok(v) = t.btf.to_json(t.value, value) {
                leaves(&v, &mut String::new(), &mut out);
            }
            return out;
        }
        match value.len() {
            1 | 2 | 4 | 8 => out.push(("value".to_string(), le(value))),
            n if n % 8 == 0 => {
                for (i, c) in value.chunks_exact(8).enumerate() {
                    out.push((format!("value[{i}]"), le(c)));
                }
            }
            _ => {}
        }
        out
    }
}

/// A little-endian unsigned integer of at most 8 bytes.
fn le(b: &[u8]) -> u64 {
    let mut v = [0u8; 8];
    let n = b.len().min(8);
    v[..n].copy_from_slice(&b[..n]);
    u64::from_le_bytes(v)
}

/// Every non-negative integer leaf of a typed value, named by its path; a
/// negative number is no counter, and strings and bools are not either.
fn leaves(v: &Value, path: &mut String, out: &mut Vec<(String, u64)>) {
    match v {
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.push((if path.is_empty() { "value".to_string() } else { path.clone() }, u));
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                leaves(x, path, out);
                path.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let len = path.len();
                if path.is_empty() {
                    path.push_str("value");
                }
                path.push_str(&format!("[{i}]"));
                leaves(x, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Counter-wise sum over CPUs, matched by name (a leaf that is negative on
/// one CPU is missing there, so positions can differ).
fn sum(per_cpu: Vec<Vec<(String, u64)>>) -> Vec<(String, u64)> {
    let mut it = per_cpu.into_iter();
    let mut total = it.next().unwrap_or_default();
    for cpu in it {
        for (name, v) in cpu {
            match total.iter_mut().find(|(n, _)| *n == name) {
                Some(acc) => acc.1 = acc.1.wrapping_add(v),
                None => total.push((name, v)),
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_leaves_are_named_by_path() {
        let mut out = Vec::new();
        leaves(
            &json!({"packets": 3, "in": {"port": 80}, "slots": [1, 2], "delta": -1, "tag": "x"}),
            &mut String::new(),
            &mut out,
        );
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["packets", "in.port", "slots[0]", "slots[1]"]);
        let mut out = Vec::new();
        leaves(&json!(7), &mut String::new(), &mut out);
        assert_eq!(out, [("value".to_string(), 7)]);
    }

    #[test]
    fn cpus_sum_by_name() {
        let a = vec![("p".to_string(), 1), ("b".to_string(), 10)];
        let b = vec![("p".to_string(), 2), ("b".to_string(), 20)];
        assert_eq!(sum(vec![a, b]), [("p".to_string(), 3), ("b".to_string(), 30)]);
    }
}
