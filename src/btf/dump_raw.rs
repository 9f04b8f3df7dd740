//! `btf dump ... format raw`: every type record as bpftool 7.1 prints it, one
//! line (plus one indented line per member) in plain text, or
//! `{"types":[...]}` in JSON. Hand-written to bpftool's exact bytes (its
//! src/btf.c `dump_btf_type`, checked by diffing against bpftool v7.1.0 on
//! /sys/kernel/btf/vmlinux and test objects), including its quirks: a VAR's
//! `type_id=N, linkage=` comma, a 32-bit enum value printed as unsigned
//! though stored signed, and ENUM64 values with `ULL`/`LL` suffixes.

use std::io::{self, Write};

use super::{Btf, BtfKind, Kind};

fn kind_str(k: BtfKind) -> &'static str {
    use BtfKind::*;
    match k {
        Void => "UNKNOWN",
        Int => "INT",
        Ptr => "PTR",
        Array => "ARRAY",
        Struct => "STRUCT",
        Union => "UNION",
        Enum => "ENUM",
        Fwd => "FWD",
        Typedef => "TYPEDEF",
        Volatile => "VOLATILE",
        Const => "CONST",
        Restrict => "RESTRICT",
        Func => "FUNC",
        FuncProto => "FUNC_PROTO",
        Var => "VAR",
        Datasec => "DATASEC",
        Float => "FLOAT",
        DeclTag => "DECL_TAG",
        TypeTag => "TYPE_TAG",
        Enum64 => "ENUM64",
    }
}

fn int_encoding(enc: u8) -> &'static str {
    match enc {
        0 => "(none)",
        super::ENC_SIGNED => "SIGNED",
        super::ENC_CHAR => "CHAR",
        super::ENC_BOOL => "BOOL",
        _ => "UNKN",
    }
}

/// BTF_VAR_* and BTF_FUNC_* share their numbering: static, global, extern.
fn linkage(l: u32) -> &'static str {
    match l {
        0 => "static",
        1 => "global",
        2 => "extern",
        _ => "(unknown)",
    }
}

fn vlen(info: u32) -> u32 {
    // bpftool reads vlen as a __u16, so a 24-bit vlen would be shown cut; keep its view.
    info & 0xffff
}

impl Btf {
    /// bpftool's name for a string offset: `(anon)` for 0, `(invalid)` past the section.
    fn raw_name(&self, off: u32) -> &str {
        if off == 0 {
            return "(anon)";
        }
        self.string_at(off).unwrap_or("(invalid)")
    }

    /// Write `ids` (or, when empty, every type from `first` on: 1, or the
    /// base's length for split BTF) in bpftool's raw layout.
    pub fn dump_raw(&self, w: &mut dyn Write, first: u32, ids: &[u32], json: bool) -> io::Result<()> {
        let all: Vec<u32>;
        let ids = if ids.is_empty() {
            all = (first.max(1)..self.len()).collect();
            &all
        } else {
            ids
        };
        if json {
            w.write_all(b"{\"types\":[")?;
        }
        for (n, &id) in ids.iter().enumerate() {
            if json && n > 0 {
                w.write_all(b",")?;
            }
            if json { self.raw_json(w, id)? } else { self.raw_plain(w, id)? }
        }
        if json {
            w.write_all(b"]}\n")?;
        }
        Ok(())
    }

    fn raw_plain(&self, w: &mut dyn Write, id: u32) -> io::Result<()> {
        let Ok(t) = self.ty(id) else {
            // bpftool would read past its array; an explicit line is the honest answer.
            return writeln!(w, "[{id}] UNKNOWN '(invalid)'");
        };
        write!(w, "[{id}] {} '{}'", kind_str(t.kind_tag), self.raw_name(t.name_off))?;
        let vl = vlen(t.info);
        match &t.kind {
            Kind::Int { size, encoding, offset, bits } => {
                write!(w, " size={size} bits_offset={offset} nr_bits={bits} encoding={}", int_encoding(*encoding))?
            }
            Kind::Ptr | Kind::Modifier => write!(w, " type_id={}", t.target)?,
            Kind::Array { elem, nelems } => write!(w, " type_id={elem} index_type_id={} nr_elems={nelems}", t.aux)?,
            Kind::Composite { size, members, .. } => {
                write!(w, " size={size} vlen={vl}")?;
                for m in members.iter().take(vl as usize) {
                    write!(w, "\n\t'{}' type_id={} bits_offset={}", self.raw_name(m.name_off), m.ty, m.bit_offset)?;
                    if m.bitfield_size != 0 {
                        write!(w, " bitfield_size={}", m.bitfield_size)?;
                    }
                }
            }
            Kind::Enum { size, signed, wide, values } => {
                let enc = if *signed { "SIGNED" } else { "UNSIGNED" };
                write!(w, " encoding={enc} size={size} vlen={vl}")?;
                for v in values.iter().take(vl as usize) {
                    let name = self.raw_name(v.name_off);
                    match (wide, signed) {
                        (false, true) => write!(w, "\n\t'{name}' val={}", v.raw as u32 as i32)?,
                        (false, false) => write!(w, "\n\t'{name}' val={}", v.raw as u32)?,
                        (true, true) => write!(w, "\n\t'{name}' val={}LL", v.raw as i64)?,
                        (true, false) => write!(w, "\n\t'{name}' val={}ULL", v.raw)?,
                    }
                }
            }
            Kind::Fwd { union } => write!(w, " fwd_kind={}", if *union { "union" } else { "struct" })?,
            Kind::Func => write!(w, " type_id={} linkage={}", t.target, linkage(vl))?,
            Kind::FuncProto { params } => {
                write!(w, " ret_type_id={} vlen={vl}", t.target)?;
                for p in params.iter().take(vl as usize) {
                    write!(w, "\n\t'{}' type_id={}", self.raw_name(p.name_off), p.ty)?;
                }
            }
            Kind::Var { linkage: l } => write!(w, " type_id={}, linkage={}", t.target, linkage(*l))?,
            Kind::Datasec { size, vars } => {
                write!(w, " size={size} vlen={vl}")?;
                for v in vars.iter().take(vl as usize) {
                    write!(w, "\n\ttype_id={} offset={} size={}", v.ty, v.offset, v.size)?;
                    if let Ok(vt) = self.ty(v.ty) {
                        write!(w, " ({} '{}')", kind_str(vt.kind_tag), self.raw_name(vt.name_off))?;
                    }
                }
            }
            Kind::Float { size } => write!(w, " size={size}")?,
            Kind::DeclTag => write!(w, " type_id={} component_idx={}", t.target, t.aux as i32)?,
            Kind::Void => {}
        }
        w.write_all(b"\n")
    }

    fn raw_json(&self, w: &mut dyn Write, id: u32) -> io::Result<()> {
        let Ok(t) = self.ty(id) else {
            write!(w, "{{\"id\":{id},\"kind\":\"UNKNOWN\",\"name\":\"(invalid)\"}}")?;
            return Ok(());
        };
        write!(w, "{{\"id\":{id},\"kind\":\"{}\",\"name\":", kind_str(t.kind_tag))?;
        json_str(w, self.raw_name(t.name_off))?;
        let vl = vlen(t.info);
        match &t.kind {
            Kind::Int { size, encoding, offset, bits } => write!(
                w,
                ",\"size\":{size},\"bits_offset\":{offset},\"nr_bits\":{bits},\"encoding\":\"{}\"",
                int_encoding(*encoding)
            )?,
            Kind::Ptr | Kind::Modifier => write!(w, ",\"type_id\":{}", t.target)?,
            Kind::Array { elem, nelems } => {
                write!(w, ",\"type_id\":{elem},\"index_type_id\":{},\"nr_elems\":{nelems}", t.aux)?
            }
            Kind::Composite { size, members, .. } => {
                write!(w, ",\"size\":{size},\"vlen\":{vl},\"members\":[")?;
                for (n, m) in members.iter().take(vl as usize).enumerate() {
                    w.write_all(if n > 0 { b",{\"name\":" } else { b"{\"name\":" })?;
                    json_str(w, self.raw_name(m.name_off))?;
                    write!(w, ",\"type_id\":{},\"bits_offset\":{}", m.ty, m.bit_offset)?;
                    if m.bitfield_size != 0 {
                        write!(w, ",\"bitfield_size\":{}", m.bitfield_size)?;
                    }
                    w.write_all(b"}")?;
                }
                w.write_all(b"]")?;
            }
            Kind::Enum { size, signed, wide, values } => {
                let enc = if *signed { "SIGNED" } else { "UNSIGNED" };
                write!(w, ",\"encoding\":\"{enc}\",\"size\":{size},\"vlen\":{vl},\"values\":[")?;
                for (n, v) in values.iter().take(vl as usize).enumerate() {
                    w.write_all(if n > 0 { b",{\"name\":" } else { b"{\"name\":" })?;
                    json_str(w, self.raw_name(v.name_off))?;
                    // bpftool passes the 32-bit value (a __s32) through u64/i64 fields:
                    // unsigned enums thus sign-extend a negative value to 64 bits.
                    match (wide, signed) {
                        (false, true) => write!(w, ",\"val\":{}}}", v.raw as u32 as i32)?,
                        (false, false) => write!(w, ",\"val\":{}}}", v.raw as u32 as i32 as i64 as u64)?,
                        (true, true) => write!(w, ",\"val\":{}}}", v.raw as i64)?,
                        (true, false) => write!(w, ",\"val\":{}}}", v.raw)?,
                    }
                }
                w.write_all(b"]")?;
            }
            Kind::Fwd { union } => write!(w, ",\"fwd_kind\":\"{}\"", if *union { "union" } else { "struct" })?,
            Kind::Func => write!(w, ",\"type_id\":{},\"linkage\":\"{}\"", t.target, linkage(vl))?,
            Kind::FuncProto { params } => {
                write!(w, ",\"ret_type_id\":{},\"vlen\":{vl},\"params\":[", t.target)?;
                for (n, p) in params.iter().take(vl as usize).enumerate() {
                    w.write_all(if n > 0 { b",{\"name\":" } else { b"{\"name\":" })?;
                    json_str(w, self.raw_name(p.name_off))?;
                    write!(w, ",\"type_id\":{}}}", p.ty)?;
                }
                w.write_all(b"]")?;
            }
            Kind::Var { linkage: l } => write!(w, ",\"type_id\":{},\"linkage\":\"{}\"", t.target, linkage(*l))?,
            Kind::Datasec { size, vars } => {
                write!(w, ",\"size\":{size},\"vlen\":{vl},\"vars\":[")?;
                for (n, v) in vars.iter().take(vl as usize).enumerate() {
                    if n > 0 {
                        w.write_all(b",")?;
                    }
                    write!(w, "{{\"type_id\":{},\"offset\":{},\"size\":{}}}", v.ty, v.offset, v.size)?;
                }
                w.write_all(b"]")?;
            }
            Kind::Float { size } => write!(w, ",\"size\":{size}")?,
            Kind::DeclTag => write!(w, ",\"type_id\":{},\"component_idx\":{}", t.target, t.aux as i32)?,
            Kind::Void => {}
        }
        w.write_all(b"}")
    }
}

/// A JSON string. bpftool's writer escapes the same characters for every
/// name a C compiler accepts; it differs only on `\` and `'`, which no
/// identifier holds, and there standard JSON is kept so the output parses.
fn json_str(w: &mut dyn Write, s: &str) -> io::Result<()> {
    serde_json::to_writer(&mut *w, s).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Split BTF: ids and names continue after the base, and only the split
    /// part is dumped (bpftool's start id is the base's type count).
    #[test]
    fn split_dump_starts_after_base() {
        let base = blob(&[int_type(1, 4)], b"\0int\0");
        // One PTR to base type 1, then a STRUCT `s` with one member `m` of type 1.
        let split_types: Vec<u32> = vec![
            0,
            2 << 24,
            1, // [2] PTR -> 1
            5,
            (4 << 24) | 1,
            4, // [3] STRUCT 's' size 4 vlen 1 (name offset 5 = base strings len + 0)
            7,
            1,
            0, // member 'm' type 1 offset 0
        ];
        let split = blob(&[split_types], b"s\0m\0");
        let base_btf = Btf::parse(&base).unwrap();
        let btf = Btf::parse_split(&split, &base_btf).unwrap();
        let mut out = Vec::new();
        btf.dump_raw(&mut out, base_btf.len(), &[], false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[2] PTR '(anon)' type_id=1\n[3] STRUCT 's' size=4 vlen=1\n\t'm' type_id=1 bits_offset=0\n"
        );
        let mut out = Vec::new();
        btf.dump_raw(&mut out, base_btf.len(), &[], true).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["types"][1]["members"][0]["name"], "m");
        assert_eq!(v["types"].as_array().unwrap().len(), 2);
    }

    fn int_type(name_off: u32, size: u32) -> Vec<u32> {
        vec![name_off, 1 << 24, size, (1 << 24) | 32]
    }

    fn blob(types: &[impl AsRef<[u32]>], strings: &[u8]) -> Vec<u8> {
        let words: Vec<u32> = types.iter().flat_map(|t| t.as_ref().to_vec()).collect();
        let tbytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mut b = Vec::new();
        b.extend_from_slice(&super::super::MAGIC.to_le_bytes());
        b.extend_from_slice(&[1, 0]);
        for x in [24u32, 0, tbytes.len() as u32, tbytes.len() as u32, strings.len() as u32] {
            b.extend_from_slice(&x.to_le_bytes());
        }
        b.extend_from_slice(&tbytes);
        b.extend_from_slice(strings);
        b
    }
}
