//! A map's BTF key and value types, and the typed forms entries are shown
//! in: bpftool's `formatted` JSON and the plain `key: 1  value: {..}` line.

use anyhow::Result;

use crate::btf::{Btf, MapValue};
use crate::sys::{self, bpf_map_info};
use crate::text::spaced_hex;

/// BTF types for a map's keys and values, when it has them (dumps and the
/// editing verbs share these, so both print what bpftool prints).
pub struct Typed {
    pub btf: Btf,
    /// 0 when the map has no BTF key type (global data maps).
    pub key: u32,
    pub value: u32,
}

pub fn typed(info: &bpf_map_info) -> Option<Typed> {
    if info.btf_id == 0 || info.btf_value_type_id == 0 {
        return None;
    }
    let raw = sys::btf_raw(info.btf_id).ok()?;
    let btf = Btf::parse(&raw).ok()?;
    Some(Typed { btf, key: info.btf_key_type_id, value: info.btf_value_type_id })
}

pub fn formatted(t: &Typed, key: &[u8], values: &[&[u8]], percpu: bool) -> Option<serde_json::Value> {
    let k = (t.key != 0 && !key.is_empty()).then_some((t.key, key));
    let v = if percpu { MapValue::PerCpu(values) } else { MapValue::Single(values[0]) };
    t.btf.formatted_entry(k, t.value, v).ok()
}

/// The typed plain form `map dump` uses: `key: 1  value: {..}`; per-CPU maps
/// put each CPU on its own line; keyless maps print only the value.
pub fn typed_lines(t: &Typed, key: &[u8], values: &[&[u8]], percpu: bool) -> Result<String> {
    let mut s = String::new();
    if !key.is_empty() {
        let k = if t.key != 0 { t.btf.to_plain(t.key, key)? } else { spaced_hex(key) };
        s.push_str("key: ");
        s.push_str(&k);
    }
    if percpu {
        s.push('\n');
        for (cpu, v) in values.iter().enumerate() {
            s.push_str(&format!("  value (CPU {cpu:02}): {}\n", t.btf.to_plain(t.value, v)?));
        }
    } else {
        if !s.is_empty() {
            s.push_str("  ");
        }
        s.push_str(&format!("value: {}\n", t.btf.to_plain(t.value, values[0])?));
    }
    Ok(s)
}
