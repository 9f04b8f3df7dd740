//! Decoding map bytes into values and rendering them, as bpftool's
//! btf_dumper.c walks types (`formatted` JSON and the plain one-line form),
//! checked against the installed bpftool v7.1.0: hand-written for its exact
//! bytes.
use anyhow::{Result, anyhow, bail, ensure};
use serde_json::{Map, Value};

use super::*;

// ---------------------------------------------------------------------------------------
// Decoding bytes into nodes (mirrors btf_dumper.c's walk).
// ---------------------------------------------------------------------------------------

pub(super) fn take(data: &[u8], n: usize) -> Result<&[u8]> {
    data.get(..n).ok_or_else(|| anyhow!("data too short: need {n} bytes, have {}", data.len()))
}

pub(super) fn read_le(data: &[u8], n: usize) -> Result<u128> {
    let b = take(data, n)?;
    Ok(b.iter().rev().fold(0u128, |acc, &x| acc << 8 | u128::from(x)))
}

/// Little-endian bitfield read: bit k lives in bit k%8 of byte k/8.
pub(super) fn read_bits(data: &[u8], bit_off: u32, nr_bits: u32) -> Result<u128> {
    ensure!(nr_bits <= 128, "bitfield of {nr_bits} bits is wider than 128");
    let need = (bit_off + nr_bits).div_ceil(8) as usize;
    let b = take(data, need)?;
    Ok((0..nr_bits).fold(0u128, |acc, i| {
        let k = bit_off + i;
        let bit = (b[(k / 8) as usize] >> (k % 8)) & 1;
        acc | u128::from(bit) << i
    }))
}

pub(super) fn write_bits(buf: &mut [u8], bit_off: u32, nr_bits: u32, value: u128) -> Result<()> {
    let need = (bit_off + nr_bits).div_ceil(8) as usize;
    ensure!(buf.len() >= need, "buffer too short for bitfield");
    for i in 0..nr_bits.min(128) {
        let k = bit_off + i;
        let byte = &mut buf[(k / 8) as usize];
        let mask = 1u8 << (k % 8);
        if value >> i & 1 == 1 {
            *byte |= mask;
        } else {
            *byte &= !mask;
        }
    }
    Ok(())
}

pub(super) fn sign_extend(raw: u128, nr_bits: u32) -> i128 {
    if nr_bits == 0 || nr_bits >= 128 {
        return raw as i128;
    }
    let shift = 128 - nr_bits;
    ((raw << shift) as i128) >> shift
}

/// A decoded value, shared by the JSON and plain renderers so both walk types identically.
#[derive(Debug, Clone)]
pub(super) enum Node {
    Uint(u64),
    Sint(i64),
    /// Bitfields and 128-bit or odd-width ints: bpftool prints these as hex strings.
    Bits {
        raw: u128,
        nr_bits: u32,
        signed: bool,
    },
    Char(u8),
    Bool(bool),
    Ptr(u64),
    Str(String),
    List(Vec<Node>),
    Fields(Vec<(String, Node)>),
    EnumName(String),
    EnumNum(i64),
    Float(f64),
    Var(String, Box<Node>),
    Section(String, Vec<Node>),
}

impl Btf {
    pub(super) fn decode(&self, id: u32, bit_off: u8, data: &[u8], depth: usize) -> Result<Node> {
        ensure!(depth < MAX_DEPTH, "BTF type nesting too deep at id {id}");
        let t = self.ty(id)?;
        match &t.kind {
            Kind::Int { encoding, offset, bits, .. } => decode_int(*encoding, *offset, *bits, bit_off, data),
            Kind::Ptr => Ok(Node::Ptr(read_le(data, 8)? as u64)),
            Kind::Array { elem, nelems } => self.decode_array(*elem, *nelems, data, depth),
            Kind::Composite { members, .. } => self.decode_members(members, data, depth),
            Kind::Enum { size, wide, values, .. } => self.decode_enum(*size, *wide, values, data),
            Kind::Modifier => self.decode(self.resolve(id)?, bit_off, data, depth + 1),
            Kind::Var { .. } => Ok(Node::Var(
                self.str_at(t.name_off).to_string(),
                Box::new(self.decode(t.target, bit_off, data, depth + 1)?),
            )),
            Kind::Datasec { vars, .. } => {
                let nodes = vars
                    .iter()
                    .map(|v| {
                        let at = data.get(v.offset as usize..).unwrap_or(&[]);
                        self.decode(v.ty, 0, at, depth + 1)
                    })
                    .collect::<Result<_>>()?;
                Ok(Node::Section(self.str_at(t.name_off).to_string(), nodes))
            }
            Kind::Float { size } => decode_float(*size, data),
            Kind::Void | Kind::Fwd { .. } | Kind::Func | Kind::FuncProto { .. } | Kind::DeclTag => {
                bail!("cannot format a value of type {}", self.type_decl(id))
            }
        }
    }

    pub(super) fn decode_members(&self, members: &[Member], data: &[u8], depth: usize) -> Result<Node> {
        let mut fields = Vec::new();
        for m in members {
            let at = data
                .get((m.bit_offset / 8) as usize..)
                .ok_or_else(|| anyhow!("data too short for member {}", self.str_at(m.name_off)))?;
            let bit = (m.bit_offset % 8) as u8;
            let node = if m.bitfield_size > 0 {
                let raw = read_bits(at, u32::from(bit), m.bitfield_size)?;
                Node::Bits { raw, nr_bits: m.bitfield_size, signed: self.is_signed_int(m.ty) }
            } else {
                self.decode(m.ty, bit, at, depth + 1)?
            };
            fields.push((self.str_at(m.name_off).to_string(), node));
        }
        Ok(Node::Fields(fields))
    }

    pub(super) fn is_signed_int(&self, id: u32) -> bool {
        let t = self.resolve(id).and_then(|r| self.ty(r));
        match t.map(|t| &t.kind) {
            Ok(Kind::Int { encoding, .. }) => encoding & ENC_SIGNED != 0,
            Ok(Kind::Enum { signed, .. }) => *signed,
            _ => false,
        }
    }

    pub(super) fn decode_array(&self, elem: u32, nelems: u32, data: &[u8], depth: usize) -> Result<Node> {
        if let Some(s) = self.str_array(elem, nelems, data) {
            return Ok(Node::Str(s));
        }
        let elem_size = self.size_of(elem, depth + 1)? as usize;
        let mut items = Vec::new();
        for i in 0..nelems as usize {
            let at = i
                .checked_mul(elem_size)
                .and_then(|o| data.get(o..))
                .ok_or_else(|| anyhow!("data too short for array element {i}"))?;
            items.push(self.decode(elem, 0, at, depth + 1)?);
        }
        Ok(Node::List(items))
    }

    /// bpftool's is_str_array: a `char` element (through cv-qualifiers but not typedefs) and
    /// only printable ASCII up to a NUL that lies inside the array.
    pub(super) fn str_array(&self, elem: u32, nelems: u32, data: &[u8]) -> Option<String> {
        if nelems == 0 || !self.is_char_elem(elem) {
            return None;
        }
        let bytes = data.get(..nelems as usize)?;
        let end = bytes.iter().position(|&b| b == 0)?;
        let s = &bytes[..end];
        s.iter().all(|b| (0x20..0x7f).contains(b)).then(|| s.iter().map(|&b| char::from(b)).collect())
    }

    pub(super) fn is_char_elem(&self, mut id: u32) -> bool {
        for _ in 0..MAX_DEPTH {
            let Ok(t) = self.ty(id) else { return false };
            match (&t.kind, t.kind_tag) {
                (Kind::Modifier, BtfKind::Typedef) => return false,
                (Kind::Modifier, _) => id = t.target,
                (Kind::Int { size: 1, encoding, .. }, _) => {
                    return *encoding == ENC_CHAR || self.str_at(t.name_off) == "char";
                }
                _ => return false,
            }
        }
        false
    }

    pub(super) fn decode_enum(&self, size: u32, wide: bool, values: &[EnumVal], data: &[u8]) -> Result<Node> {
        ensure!(matches!(size, 1 | 2 | 4 | 8), "enum of unsupported size {size}");
        let raw = read_le(data, size as usize)?;
        // bpftool reads ENUM sign-extended and compares with the s32 value; ENUM64 as u64.
        let value = if wide { raw as u64 as i64 } else { sign_extend(raw, size * 8) as i64 };
        let hit =
            values.iter().find(|v| if wide { v.raw as i64 == value } else { i64::from(v.raw as u32 as i32) == value });
        Ok(match hit {
            Some(v) => Node::EnumName(self.str_at(v.name_off).to_string()),
            None => Node::EnumNum(value),
        })
    }
}

pub(super) fn decode_int(encoding: u8, int_off: u8, nr_bits: u8, bit_off: u8, data: &[u8]) -> Result<Node> {
    let nr = u32::from(nr_bits);
    let signed = encoding & ENC_SIGNED != 0;
    let odd_width = !matches!(nr, 8 | 16 | 32 | 64);
    let bitfield = bit_off != 0 || int_off != 0 || nr % 8 != 0;
    if bitfield || nr == 128 || (odd_width && matches!(encoding, 0 | ENC_SIGNED)) {
        let total = u32::from(bit_off) + u32::from(int_off);
        let at = data.get((total / 8) as usize..).unwrap_or(&[]);
        let raw = read_bits(at, total % 8, nr)?;
        return Ok(Node::Bits { raw, nr_bits: nr, signed });
    }
    let raw = read_le(data, (nr / 8) as usize)?;
    Ok(match encoding {
        0 => Node::Uint(raw as u64),
        ENC_SIGNED => Node::Sint(sign_extend(raw, nr) as i64),
        ENC_CHAR => Node::Char(raw as u8),
        ENC_BOOL => Node::Bool(raw as u8 != 0),
        _ => bail!("unsupported int encoding {encoding:#x}"),
    })
}

pub(super) fn decode_float(size: u32, data: &[u8]) -> Result<Node> {
    let raw = read_le(data, size as usize)?;
    Ok(Node::Float(match size {
        4 => f64::from(f32::from_bits(raw as u32)),
        8 => f64::from_bits(raw as u64),
        _ => bail!("float of unsupported size {size}"),
    }))
}

// ---------------------------------------------------------------------------------------
// Rendering nodes.
// ---------------------------------------------------------------------------------------

/// bpftool v7.1.0's json_writer escapes a backslash as `\n` (fixed upstream later); the
/// installed binary is the reference, so strings carry the same substitution.
pub(super) fn bpftool_string(s: &str) -> Value {
    Value::String(s.replace('\\', "\n"))
}

pub(super) fn hex_u128(raw: u128) -> String {
    format!("0x{raw:x}")
}

pub(super) fn node_json(n: &Node) -> Value {
    match n {
        Node::Uint(v) | Node::Ptr(v) => Value::from(*v),
        Node::Sint(v) | Node::EnumNum(v) => Value::from(*v),
        Node::Bits { raw, .. } => Value::String(hex_u128(*raw)),
        Node::Char(b) => Value::String(char::from(*b).to_string()),
        Node::Bool(b) => Value::Bool(*b),
        Node::Str(s) => bpftool_string(s),
        Node::List(items) => Value::Array(items.iter().map(node_json).collect()),
        Node::Fields(fields) => {
            // Repeated names (several anonymous members) keep the last, as a JSON parser
            // reading bpftool's output would.
            let mut m = Map::new();
            for (k, v) in fields {
                m.insert(k.clone(), node_json(v));
            }
            Value::Object(m)
        }
        Node::EnumName(s) => Value::String(s.clone()),
        Node::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Node::Var(name, v) => single_field(name, node_json(v)),
        Node::Section(name, vars) => single_field(name, Value::Array(vars.iter().map(node_json).collect())),
    }
}

pub(super) fn single_field(name: &str, v: Value) -> Value {
    let mut m = Map::new();
    m.insert(name.to_string(), v);
    Value::Object(m)
}

pub(super) fn node_plain(n: &Node, out: &mut String) {
    match n {
        Node::Uint(v) => out.push_str(&v.to_string()),
        Node::Sint(v) | Node::EnumNum(v) => out.push_str(&v.to_string()),
        Node::Bits { raw, nr_bits, signed } => {
            let s = if *signed { sign_extend(*raw, *nr_bits).to_string() } else { raw.to_string() };
            out.push_str(&s);
        }
        Node::Char(b) => out.push_str(&b.to_string()),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Ptr(v) => out.push_str(&format!("{v:#x}")),
        Node::Str(s) => out.push_str(&format!("{s:?}")),
        Node::List(items) => plain_seq(items.iter().map(|i| (None, i)), '[', ']', out),
        Node::Fields(fields) => plain_seq(fields.iter().map(|(k, v)| (Some(k.as_str()), v)), '{', '}', out),
        Node::EnumName(s) => out.push_str(s),
        Node::Float(f) => out.push_str(&f.to_string()),
        Node::Var(_, v) => node_plain(v, out),
        Node::Section(_, vars) => plain_seq(
            vars.iter().map(|v| match v {
                Node::Var(name, inner) => (Some(name.as_str()), inner.as_ref()),
                other => (None, other),
            }),
            '{',
            '}',
            out,
        ),
    }
}

pub(super) fn plain_seq<'a>(
    items: impl Iterator<Item = (Option<&'a str>, &'a Node)>,
    open: char,
    close: char,
    out: &mut String,
) {
    out.push(open);
    for (i, (name, node)) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if let Some(name) = name {
            if name.is_empty() {
                out.push_str("(anon)");
            } else {
                out.push_str(&crate::text::escape(name));
            }
            out.push_str(": ");
        }
        node_plain(node, out);
    }
    out.push(close);
}

impl Btf {
    /// bpftool's `formatted` value for `bytes` of type `id`, as btf_dumper prints it.
    pub fn to_json(&self, id: u32, bytes: &[u8]) -> Result<Value> {
        self.check_len(id, bytes)?;
        Ok(node_json(&self.decode(id, 0, bytes, 0)?))
    }

    /// Compact one-line typed form for plain dumps.
    pub fn to_plain(&self, id: u32, bytes: &[u8]) -> Result<String> {
        self.check_len(id, bytes)?;
        let mut out = String::new();
        node_plain(&self.decode(id, 0, bytes, 0)?, &mut out);
        Ok(out)
    }

    /// The value shapes common enough in maps to be formatted without
    /// decoding (dumps of 100k entries): a plain integer, or a struct of
    /// plain integers at whole bytes with distinct identifier names. None for
    /// anything else; `to_json` and `to_plain` print the same text for these.
    pub fn flat(&self, id: u32) -> Option<Flat> {
        let r = self.resolve(id).ok()?;
        match &self.ty(r).ok()?.kind {
            Kind::Int { .. } => Some(Flat::Int(self.flat_int(r, 0)?)),
            Kind::Composite { union: false, members, .. } => {
                let mut fields: Vec<(String, FlatInt)> = Vec::with_capacity(members.len());
                for m in members {
                    let name = self.str_at(m.name_off);
                    let ident = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                    if m.bitfield_size != 0 || m.bit_offset % 8 != 0 || !ident || fields.iter().any(|(n, _)| n == name)
                    {
                        return None;
                    }
                    fields.push((name.to_string(), self.flat_int(m.ty, (m.bit_offset / 8) as usize)?));
                }
                Some(Flat::Struct(fields))
            }
            _ => None,
        }
    }

    pub(super) fn flat_int(&self, id: u32, off: usize) -> Option<FlatInt> {
        let r = self.resolve(id).ok()?;
        let Kind::Int { encoding, offset: 0, bits, .. } = self.ty(r).ok()?.kind else {
            return None;
        };
        (matches!(bits, 8 | 16 | 32 | 64) && matches!(encoding, 0 | ENC_SIGNED)).then_some(FlatInt {
            off,
            size: usize::from(bits / 8),
            signed: encoding == ENC_SIGNED,
        })
    }

    /// Trailing padding is never read, but a short buffer means the caller mixed up types.
    pub(super) fn check_len(&self, id: u32, bytes: &[u8]) -> Result<()> {
        let size = self.size_of(id, 0)? as usize;
        ensure!(bytes.len() >= size, "{} bytes given for {} of size {size}", bytes.len(), self.type_decl(id));
        Ok(())
    }

    /// bpftool's whole `formatted` object for one map entry: `key` only when the map has a
    /// BTF key type (global data maps do not), then `value`, or `values` of
    /// `{"cpu": i, "value": ..}` for per-CPU maps.
    pub fn formatted_entry(&self, key: Option<(u32, &[u8])>, value_id: u32, value: MapValue<'_>) -> Result<Value> {
        let mut m = Map::new();
        if let Some((kid, kbytes)) = key {
            m.insert("key".into(), self.to_json(kid, kbytes)?);
        }
        match value {
            MapValue::Single(v) => {
                m.insert("value".into(), self.to_json(value_id, v)?);
            }
            MapValue::PerCpu(per_cpu) => {
                let mut list = Vec::new();
                for (cpu, v) in per_cpu.iter().enumerate() {
                    let mut o = Map::new();
                    o.insert("cpu".into(), Value::from(cpu));
                    o.insert("value".into(), self.to_json(value_id, v)?);
                    list.push(Value::Object(o));
                }
                m.insert("values".into(), Value::Array(list));
            }
        }
        Ok(Value::Object(m))
    }
}
