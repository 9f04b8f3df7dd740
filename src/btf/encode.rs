//! Encoding typed JSON back into map bytes (`map update ... json`,
//! `--from`): the inverse of format.rs, with every integer range-checked.
use anyhow::{Context, Result, anyhow, bail, ensure};
use serde_json::Value;

use super::format::write_bits;
use super::*;

// ---------------------------------------------------------------------------------------
// Encoding JSON into bytes.
// ---------------------------------------------------------------------------------------

/// An integer taken from JSON: numbers are range-checked by signedness, hex strings (what
/// bpftool prints for bitfields and 128-bit ints) are raw bit patterns.
pub(super) enum JsonInt {
    Num(i128),
    Raw(u128),
}

pub(super) fn json_int(v: &Value) -> Option<JsonInt> {
    match v {
        Value::Number(n) => n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from)).map(JsonInt::Num),
        Value::String(s) => {
            let hex = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
            u128::from_str_radix(hex, 16).ok().map(JsonInt::Raw)
        }
        Value::Bool(b) => Some(JsonInt::Num(i128::from(*b))),
        _ => None,
    }
}

/// Checks `v` fits `nr_bits` and returns its bit pattern.
pub(super) fn fit_int(v: JsonInt, nr_bits: u32, signed: bool, shown: &Value, ty: &str) -> Result<u128> {
    let nr = nr_bits.min(128);
    let out_of_range =
        || anyhow!("value {shown} is out of range for {ty} ({nr}-bit {})", if signed { "signed" } else { "unsigned" });
    match v {
        JsonInt::Raw(raw) => {
            ensure!(nr == 128 || raw >> nr == 0, out_of_range());
            Ok(raw)
        }
        JsonInt::Num(n) => {
            let (lo, hi) = if nr >= 128 {
                (if signed { i128::MIN } else { 0 }, i128::MAX)
            } else if nr == 0 {
                // A zero-width integer (only in malformed BTF) holds only 0.
                (0, 0)
            } else if signed {
                (-(1i128 << (nr - 1)), (1i128 << (nr - 1)) - 1)
            } else {
                (0, (1i128 << nr) - 1)
            };
            ensure!(n >= lo && n <= hi, out_of_range());
            Ok(n as u128 & mask(nr))
        }
    }
}

pub(super) fn mask(nr_bits: u32) -> u128 {
    if nr_bits >= 128 { u128::MAX } else { (1u128 << nr_bits) - 1 }
}

pub(super) fn write_le(buf: &mut [u8], n: usize, value: u128) -> Result<()> {
    let dst = buf.get_mut(..n).ok_or_else(|| anyhow!("buffer too short: need {n} bytes"))?;
    for (i, b) in dst.iter_mut().enumerate() {
        *b = (value >> (8 * i)) as u8;
    }
    Ok(())
}

pub(super) fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 40 { format!("{}...", &s[..s.floor_char_boundary(40)]) } else { s }
}

impl Btf {
    /// Encode a JSON value through the type layout; padding is zeroed. Accepts what
    /// `to_json` produces (so hex strings for bitfields and enum names), plus plain numbers.
    pub fn from_json(&self, id: u32, v: &Value) -> Result<Vec<u8>> {
        let size = self.size_of(id, 0)? as usize;
        let mut buf = vec![0u8; size];
        self.encode(id, v, &mut buf, 0, 0)?;
        Ok(buf)
    }

    pub(super) fn encode(&self, id: u32, v: &Value, buf: &mut [u8], bit_off: u8, depth: usize) -> Result<()> {
        ensure!(depth < MAX_DEPTH, "BTF type nesting too deep at id {id}");
        let t = self.ty(id)?;
        match &t.kind {
            Kind::Int { encoding, offset, bits, .. } => self.encode_int(id, *encoding, *offset, *bits, bit_off, v, buf),
            Kind::Ptr => {
                let n = json_int(v)
                    .ok_or_else(|| anyhow!("expected a pointer value for {}, got {}", self.type_decl(id), short(v)))?;
                let raw = fit_int(n, 64, false, v, &self.type_decl(id))?;
                write_le(buf, 8, raw)
            }
            Kind::Array { elem, nelems } => self.encode_array(id, *elem, *nelems, v, buf, depth),
            Kind::Composite { union, members, .. } => self.encode_members(id, *union, members, v, buf, depth),
            Kind::Enum { size, wide, values, .. } => self.encode_enum(id, *size, *wide, values, v, buf),
            Kind::Modifier => {
                let r = self.resolve(id)?;
                // Errors should name the declared typedef (`__u16`), not `unsigned short`.
                match &self.ty(r)?.kind {
                    Kind::Int { encoding, offset, bits, .. } => {
                        self.encode_int(id, *encoding, *offset, *bits, bit_off, v, buf)
                    }
                    _ => self.encode(r, v, buf, bit_off, depth + 1),
                }
            }
            Kind::Var { .. } => {
                let name = self.str_at(t.name_off);
                let inner = one_field(v, name)?;
                self.encode(t.target, inner, buf, bit_off, depth + 1)
            }
            Kind::Datasec { vars, .. } => self.encode_datasec(id, vars, v, buf, depth),
            Kind::Float { size } => encode_float(*size, v, buf),
            Kind::Void | Kind::Fwd { .. } | Kind::Func | Kind::FuncProto { .. } | Kind::DeclTag => {
                bail!("cannot encode a value of type {}", self.type_decl(id))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn encode_int(
        &self,
        id: u32,
        encoding: u8,
        int_off: u8,
        nr_bits: u8,
        bit_off: u8,
        v: &Value,
        buf: &mut [u8],
    ) -> Result<()> {
        let ty = self.type_decl(id);
        let n = match (encoding, v) {
            (ENC_CHAR, Value::String(s)) if s.chars().count() == 1 => {
                let c = s.chars().next().map_or(0, u32::from);
                ensure!(c < 256, "character {} does not fit {ty}", short(v));
                JsonInt::Num(i128::from(c))
            }
            _ => json_int(v).ok_or_else(|| anyhow!("expected an integer for {ty}, got {}", short(v)))?,
        };
        let nr = u32::from(nr_bits);
        let raw = fit_int(n, nr, encoding & ENC_SIGNED != 0, v, &ty)?;
        let total = u32::from(bit_off) + u32::from(int_off);
        if total != 0 || nr % 8 != 0 {
            return write_bits(buf, total, nr, raw);
        }
        write_le(buf, (nr / 8) as usize, raw)
    }

    pub(super) fn encode_array(
        &self,
        id: u32,
        elem: u32,
        nelems: u32,
        v: &Value,
        buf: &mut [u8],
        depth: usize,
    ) -> Result<()> {
        if let (Value::String(s), true) = (v, self.is_char_elem(elem)) {
            ensure!(s.len() <= nelems as usize, "string {} is longer than {}", short(v), self.type_decl(id));
            let dst = buf.get_mut(..s.len()).ok_or_else(|| anyhow!("buffer too short for {}", self.type_decl(id)))?;
            dst.copy_from_slice(s.as_bytes());
            return Ok(());
        }
        let items =
            v.as_array().ok_or_else(|| anyhow!("expected an array for {}, got {}", self.type_decl(id), short(v)))?;
        ensure!(
            items.len() == nelems as usize,
            "{} expects {nelems} elements, got {}",
            self.type_decl(id),
            items.len()
        );
        let elem_size = self.size_of(elem, depth + 1)? as usize;
        for (i, item) in items.iter().enumerate() {
            let at = buf.get_mut(i * elem_size..).ok_or_else(|| anyhow!("buffer too short for element {i}"))?;
            self.encode(elem, item, at, 0, depth + 1)
                .with_context(|| format!("in element {i} of {}", self.type_decl(id)))?;
        }
        Ok(())
    }

    pub(super) fn encode_members(
        &self,
        id: u32,
        union: bool,
        members: &[Member],
        v: &Value,
        buf: &mut [u8],
        depth: usize,
    ) -> Result<()> {
        let ty = self.type_decl(id);
        let obj = v.as_object().ok_or_else(|| anyhow!("expected an object for {ty}, got {}", short(v)))?;
        if let Some(k) = obj.keys().find(|k| !members.iter().any(|m| self.str_at(m.name_off) == k.as_str())) {
            bail!("unknown field `{k}` in {ty}");
        }
        // Unions take any subset of members (bpftool prints all of them, all aliasing the
        // same bytes); structs need every member.
        for m in members {
            let name = self.str_at(m.name_off);
            let Some(mv) = obj.get(name) else {
                ensure!(union, "missing field `{name}` in {ty}");
                continue;
            };
            self.encode_member(m, mv, buf, depth).with_context(|| format!("in field `{name}` of {ty}"))?;
        }
        ensure!(!union || !obj.is_empty(), "{ty} needs at least one member");
        Ok(())
    }

    pub(super) fn encode_member(&self, m: &Member, v: &Value, buf: &mut [u8], depth: usize) -> Result<()> {
        let at = buf.get_mut((m.bit_offset / 8) as usize..).ok_or_else(|| anyhow!("member offset out of range"))?;
        let bit = m.bit_offset % 8;
        if m.bitfield_size == 0 {
            return self.encode(m.ty, v, at, bit as u8, depth + 1);
        }
        let ty = self.type_decl(m.ty);
        let n = json_int(v).ok_or_else(|| anyhow!("expected an integer for {ty}, got {}", short(v)))?;
        let raw = fit_int(n, m.bitfield_size, self.is_signed_int(m.ty), v, &ty)?;
        write_bits(at, bit, m.bitfield_size, raw)
    }

    pub(super) fn encode_enum(
        &self,
        id: u32,
        size: u32,
        wide: bool,
        values: &[EnumVal],
        v: &Value,
        buf: &mut [u8],
    ) -> Result<()> {
        let ty = self.type_decl(id);
        ensure!(matches!(size, 1 | 2 | 4 | 8), "{ty} has unsupported size {size}");
        let raw = if let Value::String(s) = v {
            let hit = values.iter().find(|e| self.str_at(e.name_off) == s.as_str());
            let e = hit.ok_or_else(|| anyhow!("unknown value {} for {ty}", short(v)))?;
            if wide {
                u128::from(e.raw)
            } else {
                // Sign-extend so a negative 32-bit enumerator fills a wider enum.
                (i64::from(e.raw as u32 as i32) as u128) & mask(size * 8)
            }
        } else {
            let n = json_int(v)
                .ok_or_else(|| anyhow!("expected an enumerator name or integer for {ty}, got {}", short(v)))?;
            // bpftool prints unmatched values signed, but unsigned spellings are natural too.
            let signed = matches!(n, JsonInt::Num(x) if x < 0);
            fit_int(n, size * 8, signed, v, &ty)?
        };
        write_le(buf, size as usize, raw)
    }

    pub(super) fn encode_datasec(
        &self,
        id: u32,
        vars: &[SecVar],
        v: &Value,
        buf: &mut [u8],
        depth: usize,
    ) -> Result<()> {
        let name = self.type_name(id).unwrap_or("");
        let list = one_field(v, name)?
            .as_array()
            .ok_or_else(|| anyhow!("expected an array of variables for section {name}"))?;
        ensure!(list.len() == vars.len(), "section {name} has {} variables, got {}", vars.len(), list.len());
        for (sv, item) in vars.iter().zip(list) {
            let at = buf
                .get_mut(sv.offset as usize..)
                .ok_or_else(|| anyhow!("variable offset out of range in section {name}"))?;
            self.encode(sv.ty, item, at, 0, depth + 1)?;
        }
        Ok(())
    }
}

/// `{"name": inner}` as bpftool prints VARs and DATASECs.
pub(super) fn one_field<'a>(v: &'a Value, name: &str) -> Result<&'a Value> {
    let obj = v.as_object().ok_or_else(|| anyhow!("expected {{\"{name}\": ...}}, got {}", short(v)))?;
    if let Some(k) = obj.keys().find(|k| k.as_str() != name) {
        bail!("unknown field `{k}`, expected `{name}`");
    }
    obj.get(name).ok_or_else(|| anyhow!("missing field `{name}`"))
}

pub(super) fn encode_float(size: u32, v: &Value, buf: &mut [u8]) -> Result<()> {
    let f = v.as_f64().ok_or_else(|| anyhow!("expected a number for a float, got {}", short(v)))?;
    match size {
        4 => write_le(buf, 4, u128::from((f as f32).to_bits())),
        8 => write_le(buf, 8, u128::from(f.to_bits())),
        _ => bail!("float of unsupported size {size}"),
    }
}
