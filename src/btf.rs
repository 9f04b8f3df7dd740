// Hand-written BTF reader, typed dumper and encoder. It exists because aya 0.14 keeps its
// BTF type walking private and btf-rs is LGPL, while bpfpin must print map entries exactly
// as bpftool's `formatted` JSON does (libbpf/bpftool src/btf_dumper.c, checked against the
// installed bpftool v7.1.0) and encode typed JSON back into map bytes. Little-endian only.

use anyhow::{Context, Result, anyhow, bail, ensure};
use serde_json::{Map, Value};

use aya_obj::generated as k;

mod mapdef;
pub mod query;
pub mod raw;

pub use raw::MAGIC;
/// Deep enough for real C types, shallow enough that cyclic malformed BTF cannot blow the stack.
const MAX_DEPTH: usize = 64;

// BTF_INT_ENCODING bits, narrowed to the u8 they occupy.
const ENC_SIGNED: u8 = k::BTF_INT_SIGNED as u8;
const ENC_CHAR: u8 = k::BTF_INT_CHAR as u8;
const ENC_BOOL: u8 = k::BTF_INT_BOOL as u8;

/// Kind of a BTF type, as numbered in `linux/btf.h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BtfKind {
    Void,
    Int,
    Ptr,
    Array,
    Struct,
    Union,
    Enum,
    Fwd,
    Typedef,
    Volatile,
    Const,
    Restrict,
    Func,
    FuncProto,
    Var,
    Datasec,
    Float,
    DeclTag,
    TypeTag,
    Enum64,
}

impl BtfKind {
    fn from_raw(raw: u32) -> Option<BtfKind> {
        use BtfKind::*;
        Some(match raw {
            k::BTF_KIND_UNKN => Void,
            k::BTF_KIND_INT => Int,
            k::BTF_KIND_PTR => Ptr,
            k::BTF_KIND_ARRAY => Array,
            k::BTF_KIND_STRUCT => Struct,
            k::BTF_KIND_UNION => Union,
            k::BTF_KIND_ENUM => Enum,
            k::BTF_KIND_FWD => Fwd,
            k::BTF_KIND_TYPEDEF => Typedef,
            k::BTF_KIND_VOLATILE => Volatile,
            k::BTF_KIND_CONST => Const,
            k::BTF_KIND_RESTRICT => Restrict,
            k::BTF_KIND_FUNC => Func,
            k::BTF_KIND_FUNC_PROTO => FuncProto,
            k::BTF_KIND_VAR => Var,
            k::BTF_KIND_DATASEC => Datasec,
            k::BTF_KIND_FLOAT => Float,
            k::BTF_KIND_DECL_TAG => DeclTag,
            k::BTF_KIND_TYPE_TAG => TypeTag,
            k::BTF_KIND_ENUM64 => Enum64,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
struct Member {
    name_off: u32,
    ty: u32,
    bit_offset: u32,
    /// Non-zero only for kind_flag structs, where the member carries its own bitfield width.
    bitfield_size: u32,
}

#[derive(Debug, Clone)]
struct EnumVal {
    name_off: u32,
    /// ENUM values zero-extended from their 32 bits; ENUM64 values as stored.
    raw: u64,
}

/// A FUNC_PROTO parameter; `ty` 0 marks a trailing `...`.
#[derive(Debug, Clone)]
struct Param {
    name_off: u32,
    ty: u32,
}

#[derive(Debug, Clone)]
struct SecVar {
    ty: u32,
    offset: u32,
    size: u32,
}

#[derive(Debug, Clone)]
enum Kind {
    Void,
    Int {
        size: u32,
        encoding: u8,
        offset: u8,
        bits: u8,
    },
    Ptr,
    Array {
        elem: u32,
        nelems: u32,
    },
    Composite {
        union: bool,
        size: u32,
        members: Vec<Member>,
    },
    Enum {
        size: u32,
        signed: bool,
        wide: bool,
        values: Vec<EnumVal>,
    },
    Fwd {
        union: bool,
    },
    /// Typedef, volatile, const, restrict and type tag: all just point at another type.
    Modifier,
    Func,
    FuncProto {
        params: Vec<Param>,
    },
    Var {
        linkage: u32,
    },
    Datasec {
        size: u32,
        vars: Vec<SecVar>,
    },
    Float {
        size: u32,
    },
    DeclTag,
}

#[derive(Debug, Clone)]
struct Type {
    name_off: u32,
    kind_tag: BtfKind,
    /// The `type` field for kinds that reference another type, else 0.
    target: u32,
    kind: Kind,
}

/// Parsed BTF: all types (index = type id, 0 is void) and the string section.
#[derive(Debug, Clone)]
pub struct Btf {
    types: Vec<Type>,
    strings: Vec<u8>,
}

/// A value `Btf::flat` can format directly.
#[derive(Debug, Clone)]
pub enum Flat {
    Int(FlatInt),
    /// Named integer members, in declaration order.
    Struct(Vec<(String, FlatInt)>),
}

/// A plain integer: `size` (1, 2, 4 or 8) little-endian bytes at byte `off`.
#[derive(Debug, Clone, Copy)]
pub struct FlatInt {
    pub off: usize,
    pub size: usize,
    pub signed: bool,
}

impl Flat {
    /// Bytes a value must have for every field to be read.
    pub fn min_len(&self) -> usize {
        match self {
            Flat::Int(i) => i.off + i.size,
            Flat::Struct(fields) => fields.iter().map(|(_, i)| i.off + i.size).max().unwrap_or(0),
        }
    }
}

/// How a map stores its value: once, or once per possible CPU (bpftool's `values` array).
pub enum MapValue<'a> {
    Single(&'a [u8]),
    PerCpu(&'a [&'a [u8]]),
}

/// A decoded value, shared by the JSON and plain renderers so both walk types identically.
#[derive(Debug, Clone)]
enum Node {
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

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn u32(&mut self) -> Result<u32> {
        let b = self
            .data
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| anyhow!("BTF type section truncated at byte {}", self.pos))?;
        self.pos += 4;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

fn parse_type(c: &mut Cursor) -> Result<Type> {
    let name_off = c.u32()?;
    let info = c.u32()?;
    let size_or_type = c.u32()?;
    // bits 16-23 of info were always zero before vlen grew to 24 bits, so this reads both.
    let vlen = info & 0x00ff_ffff;
    let kflag = info >> 31 == 1;
    let raw_kind = (info >> 24) & 0x1f;
    let kind_tag =
        BtfKind::from_raw(raw_kind).ok_or_else(|| anyhow!("unknown BTF kind {raw_kind} at byte {}", c.pos - 12))?;
    let mut target = 0;
    let kind = match kind_tag {
        BtfKind::Void => Kind::Void,
        BtfKind::Int => {
            let v = c.u32()?;
            Kind::Int {
                size: size_or_type,
                encoding: ((v >> 24) & 0xf) as u8,
                offset: ((v >> 16) & 0xff) as u8,
                bits: (v & 0xff) as u8,
            }
        }
        BtfKind::Ptr => {
            target = size_or_type;
            Kind::Ptr
        }
        BtfKind::Array => {
            let elem = c.u32()?;
            let _index = c.u32()?;
            let nelems = c.u32()?;
            Kind::Array { elem, nelems }
        }
        BtfKind::Struct | BtfKind::Union => Kind::Composite {
            union: kind_tag == BtfKind::Union,
            size: size_or_type,
            members: parse_members(c, vlen, kflag)?,
        },
        BtfKind::Enum | BtfKind::Enum64 => Kind::Enum {
            size: size_or_type,
            signed: kflag,
            wide: kind_tag == BtfKind::Enum64,
            values: parse_enum_values(c, vlen, kind_tag == BtfKind::Enum64)?,
        },
        BtfKind::Fwd => Kind::Fwd { union: kflag },
        BtfKind::Typedef | BtfKind::Volatile | BtfKind::Const | BtfKind::Restrict | BtfKind::TypeTag => {
            target = size_or_type;
            Kind::Modifier
        }
        BtfKind::Func => {
            target = size_or_type;
            Kind::Func
        }
        BtfKind::FuncProto => {
            target = size_or_type;
            let mut params = Vec::new();
            for _ in 0..vlen {
                params.push(Param { name_off: c.u32()?, ty: c.u32()? });
            }
            Kind::FuncProto { params }
        }
        BtfKind::Var => {
            target = size_or_type;
            Kind::Var { linkage: c.u32()? }
        }
        BtfKind::Datasec => Kind::Datasec { size: size_or_type, vars: parse_secvars(c, vlen)? },
        BtfKind::Float => Kind::Float { size: size_or_type },
        BtfKind::DeclTag => {
            target = size_or_type;
            c.u32()?;
            Kind::DeclTag
        }
    };
    Ok(Type { name_off, kind_tag, target, kind })
}

fn parse_members(c: &mut Cursor, vlen: u32, kflag: bool) -> Result<Vec<Member>> {
    let mut out = Vec::new();
    for _ in 0..vlen {
        let name_off = c.u32()?;
        let ty = c.u32()?;
        let off = c.u32()?;
        let (bit_offset, bitfield_size) = if kflag { (off & 0x00ff_ffff, off >> 24) } else { (off, 0) };
        out.push(Member { name_off, ty, bit_offset, bitfield_size });
    }
    Ok(out)
}

fn parse_enum_values(c: &mut Cursor, vlen: u32, wide: bool) -> Result<Vec<EnumVal>> {
    let mut out = Vec::new();
    for _ in 0..vlen {
        let name_off = c.u32()?;
        let lo = c.u32()?;
        let hi = if wide { c.u32()? } else { 0 };
        out.push(EnumVal { name_off, raw: u64::from(hi) << 32 | u64::from(lo) });
    }
    Ok(out)
}

fn parse_secvars(c: &mut Cursor, vlen: u32) -> Result<Vec<SecVar>> {
    let mut out = Vec::new();
    for _ in 0..vlen {
        out.push(SecVar { ty: c.u32()?, offset: c.u32()?, size: c.u32()? });
    }
    Ok(out)
}

fn parse_types(data: &[u8], into: &mut Vec<Type>) -> Result<()> {
    let mut c = Cursor { data, pos: 0 };
    while c.pos < data.len() {
        into.push(parse_type(&mut c)?);
    }
    Ok(())
}

fn void_type() -> Type {
    Type { name_off: 0, kind_tag: BtfKind::Void, target: 0, kind: Kind::Void }
}

impl Btf {
    /// Parse a raw BTF blob (header, type section, string section) as the kernel returns it
    /// from BPF_OBJ_GET_INFO_BY_FD on a BTF fd, or as in an ELF `.BTF` section.
    pub fn parse(raw: &[u8]) -> Result<Btf> {
        let s = raw::sections(raw)?;
        let mut types = vec![void_type()];
        parse_types(s.types, &mut types)?;
        Ok(Btf { types, strings: s.strings.to_vec() })
    }

    /// Split BTF (e.g. module BTF on top of vmlinux): type ids and string offsets continue
    /// after the base's, so appending both to a copy of the base keeps every id valid.
    pub fn parse_split(raw: &[u8], base: &Btf) -> Result<Btf> {
        let s = raw::sections(raw)?;
        let mut btf = base.clone();
        parse_types(s.types, &mut btf.types)?;
        btf.strings.extend_from_slice(s.strings);
        Ok(btf)
    }

    /// Number of type ids, including void (id 0).
    pub fn len(&self) -> u32 {
        self.types.len() as u32
    }

    pub fn is_empty(&self) -> bool {
        self.types.len() <= 1
    }

    fn ty(&self, id: u32) -> Result<&Type> {
        self.types.get(id as usize).ok_or_else(|| anyhow!("BTF type id {id} out of range"))
    }

    /// The NUL-terminated string at `off` (line info's source lines and file names), or None
    /// when `off` is past the string section, as libbpf's btf__name_by_offset. Not UTF-8: "".
    pub fn string_at(&self, off: u32) -> Option<&str> {
        let tail = self.strings.get(off as usize..)?;
        let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
        Some(std::str::from_utf8(tail.get(..end).unwrap_or(&[])).unwrap_or(""))
    }

    fn str_at(&self, off: u32) -> &str {
        self.string_at(off).unwrap_or("")
    }

    pub fn kind(&self, id: u32) -> Option<BtfKind> {
        self.types.get(id as usize).map(|t| t.kind_tag)
    }

    /// The type's own name; empty for anonymous types.
    pub fn type_name(&self, id: u32) -> Option<&str> {
        self.types.get(id as usize).map(|t| self.str_at(t.name_off))
    }

    /// First type with this name, of any kind.
    pub fn find_by_name(&self, name: &str) -> Option<u32> {
        (1..self.len()).find(|&id| self.type_name(id) == Some(name))
    }

    /// First type with this name and kind (names repeat across kinds, e.g. a struct and its typedef).
    pub fn find_by_name_kind(&self, name: &str, kind: BtfKind) -> Option<u32> {
        (1..self.len()).find(|&id| self.kind(id) == Some(kind) && self.type_name(id) == Some(name))
    }

    /// Names and values of an ENUM or ENUM64 (after typedefs/modifiers). Unsigned ENUM64
    /// values above i64::MAX wrap to negative.
    pub fn enum_values(&self, id: u32) -> Vec<(String, i64)> {
        let Ok(t) = self.resolve(id).and_then(|r| self.ty(r)) else {
            return Vec::new();
        };
        let Kind::Enum { signed, wide, values, .. } = &t.kind else {
            return Vec::new();
        };
        values
            .iter()
            .map(|v| {
                let n = match (*wide, *signed) {
                    (false, true) => i64::from(v.raw as u32 as i32),
                    _ => v.raw as i64,
                };
                (self.str_at(v.name_off).to_string(), n)
            })
            .collect()
    }

    /// Skips typedefs, cv-qualifiers and type tags, like libbpf's btf__resolve_type.
    pub fn resolve(&self, mut id: u32) -> Result<u32> {
        for _ in 0..MAX_DEPTH {
            let t = self.ty(id)?;
            if !matches!(t.kind, Kind::Modifier) {
                return Ok(id);
            }
            id = t.target;
        }
        bail!("BTF type chain too deep at id {id}")
    }

    /// Like `resolve`, but also through VARs, as libbpf's btf__resolve_size does.
    fn resolve_for_size(&self, mut id: u32) -> Result<u32> {
        for _ in 0..MAX_DEPTH {
            let t = self.ty(id)?;
            if !matches!(t.kind, Kind::Modifier | Kind::Var { .. }) {
                return Ok(id);
            }
            id = t.target;
        }
        bail!("BTF type chain too deep at id {id}")
    }

    pub fn type_size(&self, id: u32) -> Option<u32> {
        self.size_of(id, 0).ok()
    }

    fn size_of(&self, id: u32, depth: usize) -> Result<u32> {
        ensure!(depth < MAX_DEPTH, "BTF type nesting too deep at id {id}");
        let id = self.resolve_for_size(id)?;
        match &self.ty(id)?.kind {
            Kind::Int { size, .. } | Kind::Composite { size, .. } | Kind::Enum { size, .. } | Kind::Float { size } => {
                Ok(*size)
            }
            Kind::Datasec { size, vars } => Ok(datasec_size(*size, vars)),
            Kind::Ptr => Ok(8),
            Kind::Array { elem, nelems } => self
                .size_of(*elem, depth + 1)?
                .checked_mul(*nelems)
                .ok_or_else(|| anyhow!("array type {id} size overflows")),
            _ => bail!("type {} has no size", self.type_decl(id)),
        }
    }

    /// A C-like description for messages, e.g. `struct counters`, `__u32`, `char[16]`.
    pub fn type_decl(&self, id: u32) -> String {
        self.decl(id, 0)
    }

    fn decl(&self, id: u32, depth: usize) -> String {
        let Ok(t) = self.ty(id) else {
            return format!("<bad type id {id}>");
        };
        let name = self.str_at(t.name_off);
        let name = if name.is_empty() { "(anon)" } else { name };
        if depth > 8 {
            return name.to_string();
        }
        match (&t.kind, t.kind_tag) {
            (Kind::Void, _) => "void".into(),
            (Kind::Array { elem, nelems }, _) => {
                format!("{}[{nelems}]", self.decl(*elem, depth + 1))
            }
            (Kind::Ptr, _) => format!("{} *", self.decl(t.target, depth + 1)),
            (Kind::Composite { union: true, .. }, _) => format!("union {name}"),
            (Kind::Composite { .. }, _) => format!("struct {name}"),
            (Kind::Enum { .. }, _) => format!("enum {name}"),
            (Kind::Modifier, BtfKind::Const) => format!("const {}", self.decl(t.target, depth + 1)),
            (Kind::Modifier, BtfKind::Volatile) => {
                format!("volatile {}", self.decl(t.target, depth + 1))
            }
            _ => name.to_string(),
        }
    }

    /// Key and value type ids of a BTF-defined map (`SEC(".maps")` variable `map_name`),
    /// read from its `__type(key, ..)`/`__type(value, ..)` pointer members.
    pub fn map_def_types(&self, map_name: &str) -> Option<(Option<u32>, Option<u32>)> {
        let var =
            (1..self.len()).find(|&id| self.kind(id) == Some(BtfKind::Var) && self.type_name(id) == Some(map_name))?;
        let def = self.resolve(self.ty(var).ok()?.target).ok()?;
        let Kind::Composite { members, .. } = &self.ty(def).ok()?.kind else {
            return None;
        };
        let pointee = |field: &str| {
            let m = members.iter().find(|m| self.str_at(m.name_off) == field)?;
            let p = self.resolve(m.ty).ok()?;
            let t = self.ty(p).ok()?;
            (t.kind_tag == BtfKind::Ptr).then_some(t.target)
        };
        Some((pointee("key"), pointee("value")))
    }
}

// ---- signatures, as bpftool's `prog dump` prints them before each function --------------

/// bpftool formats into `char func_sig[1024]` and prints nothing when it fills up.
const SIG_MAX: usize = 1024;
/// btf_dumper's own nesting limit; deeper types print as nothing, like bpftool.
const SIG_DEPTH: usize = 32;

impl Btf {
    /// bpftool's `btf_dumper_type_only`, e.g. `int xdp_count(struct xdp_md * ctx)`; "" when
    /// bpftool would print nothing (bad id, unprintable kind, too deep, 1024 bytes or more).
    pub fn type_only(&self, id: u32) -> String {
        let mut s = String::new();
        match self.sig_into(id, &mut s, 0) {
            Ok(()) if s.len() < SIG_MAX => s,
            _ => String::new(),
        }
    }

    fn sig_into(&self, id: u32, s: &mut String, depth: usize) -> Result<()> {
        ensure!(depth < SIG_DEPTH && s.len() < SIG_MAX, "signature too long");
        if id == 0 {
            s.push_str("void ");
            return Ok(());
        }
        let t = self.ty(id)?;
        let name = self.str_at(t.name_off);
        match (&t.kind, t.kind_tag) {
            (Kind::Int { .. } | Kind::Float { .. }, _) | (Kind::Modifier, BtfKind::Typedef) => {
                s.push_str(&format!("{name} "))
            }
            (Kind::Composite { union: false, .. }, _) => s.push_str(&format!("struct {name} ")),
            (Kind::Composite { union: true, .. }, _) => s.push_str(&format!("union {name} ")),
            (Kind::Enum { .. }, _) => s.push_str(&format!("enum {name} ")),
            (Kind::Array { elem, nelems }, _) => {
                self.sig_into(*elem, s, depth + 1)?;
                s.push_str(&format!("[{}]", *nelems as i32));
            }
            (Kind::Ptr, _) => {
                self.sig_into(t.target, s, depth + 1)?;
                s.push_str("* ");
            }
            (Kind::Fwd { union }, _) => s.push_str(&format!("{} {name} ", if *union { "union" } else { "struct" })),
            (Kind::Modifier, q @ (BtfKind::Volatile | BtfKind::Const | BtfKind::Restrict)) => {
                s.push_str(match q {
                    BtfKind::Volatile => "volatile ",
                    BtfKind::Const => "const ",
                    _ => "restrict ",
                });
                self.sig_into(t.target, s, depth + 1)?;
            }
            (Kind::FuncProto { params }, _) => self.func_into(t.target, params, "", s, depth)?,
            (Kind::Func, _) => {
                let proto = self.ty(t.target)?;
                let Kind::FuncProto { params } = &proto.kind else { bail!("FUNC {id} does not point at a FUNC_PROTO") };
                self.func_into(proto.target, params, name, s, depth)?;
            }
            (Kind::Var { linkage }, _) => {
                if *linkage == 0 {
                    // BTF_VAR_STATIC
                    s.push_str("static ");
                }
                self.sig_into(t.target, s, depth + 1)?;
                s.push_str(&format!(" {name}"));
            }
            (Kind::Datasec { .. }, _) => s.push_str(&format!("section (\"{name}\") ")),
            // bpftool prints nothing for type tags, decl tags and a stray VOID.
            _ => bail!("BTF kind {:?} has no signature form", t.kind_tag),
        }
        ensure!(s.len() < SIG_MAX, "signature too long");
        Ok(())
    }

    /// bpftool's `btf_dump_func`: unnamed parameters lose their trailing space, type 0 is `...`.
    fn func_into(&self, ret: u32, params: &[Param], name: &str, s: &mut String, depth: usize) -> Result<()> {
        self.sig_into(ret, s, depth + 1)?;
        s.push_str(name);
        s.push('(');
        for (i, p) in params.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            if p.ty == 0 {
                s.push_str("...");
                continue;
            }
            self.sig_into(p.ty, s, depth + 1)?;
            if p.name_off != 0 {
                s.push_str(self.str_at(p.name_off));
            } else if s.ends_with(' ') {
                s.pop();
            }
        }
        s.push(')');
        Ok(())
    }
}

fn datasec_size(size: u32, vars: &[SecVar]) -> u32 {
    // ELF .BTF leaves DATASEC sizes 0 until libbpf fixes them up; the vars still tell.
    let end = vars.iter().map(|v| v.offset.saturating_add(v.size)).max().unwrap_or(0);
    size.max(end)
}

// ---------------------------------------------------------------------------------------
// Decoding bytes into nodes (mirrors btf_dumper.c's walk).
// ---------------------------------------------------------------------------------------

fn take(data: &[u8], n: usize) -> Result<&[u8]> {
    data.get(..n).ok_or_else(|| anyhow!("data too short: need {n} bytes, have {}", data.len()))
}

fn read_le(data: &[u8], n: usize) -> Result<u128> {
    let b = take(data, n)?;
    Ok(b.iter().rev().fold(0u128, |acc, &x| acc << 8 | u128::from(x)))
}

/// Little-endian bitfield read: bit k lives in bit k%8 of byte k/8.
fn read_bits(data: &[u8], bit_off: u32, nr_bits: u32) -> Result<u128> {
    ensure!(nr_bits <= 128, "bitfield of {nr_bits} bits is wider than 128");
    let need = (bit_off + nr_bits).div_ceil(8) as usize;
    let b = take(data, need)?;
    Ok((0..nr_bits).fold(0u128, |acc, i| {
        let k = bit_off + i;
        let bit = (b[(k / 8) as usize] >> (k % 8)) & 1;
        acc | u128::from(bit) << i
    }))
}

fn write_bits(buf: &mut [u8], bit_off: u32, nr_bits: u32, value: u128) -> Result<()> {
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

fn sign_extend(raw: u128, nr_bits: u32) -> i128 {
    if nr_bits == 0 || nr_bits >= 128 {
        return raw as i128;
    }
    let shift = 128 - nr_bits;
    ((raw << shift) as i128) >> shift
}

impl Btf {
    fn decode(&self, id: u32, bit_off: u8, data: &[u8], depth: usize) -> Result<Node> {
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

    fn decode_members(&self, members: &[Member], data: &[u8], depth: usize) -> Result<Node> {
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

    fn is_signed_int(&self, id: u32) -> bool {
        let t = self.resolve(id).and_then(|r| self.ty(r));
        match t.map(|t| &t.kind) {
            Ok(Kind::Int { encoding, .. }) => encoding & ENC_SIGNED != 0,
            Ok(Kind::Enum { signed, .. }) => *signed,
            _ => false,
        }
    }

    fn decode_array(&self, elem: u32, nelems: u32, data: &[u8], depth: usize) -> Result<Node> {
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
    fn str_array(&self, elem: u32, nelems: u32, data: &[u8]) -> Option<String> {
        if nelems == 0 || !self.is_char_elem(elem) {
            return None;
        }
        let bytes = data.get(..nelems as usize)?;
        let end = bytes.iter().position(|&b| b == 0)?;
        let s = &bytes[..end];
        s.iter().all(|b| (0x20..0x7f).contains(b)).then(|| s.iter().map(|&b| char::from(b)).collect())
    }

    fn is_char_elem(&self, mut id: u32) -> bool {
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

    fn decode_enum(&self, size: u32, wide: bool, values: &[EnumVal], data: &[u8]) -> Result<Node> {
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

fn decode_int(encoding: u8, int_off: u8, nr_bits: u8, bit_off: u8, data: &[u8]) -> Result<Node> {
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

fn decode_float(size: u32, data: &[u8]) -> Result<Node> {
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
fn bpftool_string(s: &str) -> Value {
    Value::String(s.replace('\\', "\n"))
}

fn hex_u128(raw: u128) -> String {
    format!("0x{raw:x}")
}

fn node_json(n: &Node) -> Value {
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

fn single_field(name: &str, v: Value) -> Value {
    let mut m = Map::new();
    m.insert(name.to_string(), v);
    Value::Object(m)
}

fn node_plain(n: &Node, out: &mut String) {
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

fn plain_seq<'a>(items: impl Iterator<Item = (Option<&'a str>, &'a Node)>, open: char, close: char, out: &mut String) {
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

    fn flat_int(&self, id: u32, off: usize) -> Option<FlatInt> {
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
    fn check_len(&self, id: u32, bytes: &[u8]) -> Result<()> {
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

// ---------------------------------------------------------------------------------------
// Encoding JSON into bytes.
// ---------------------------------------------------------------------------------------

/// An integer taken from JSON: numbers are range-checked by signedness, hex strings (what
/// bpftool prints for bitfields and 128-bit ints) are raw bit patterns.
enum JsonInt {
    Num(i128),
    Raw(u128),
}

fn json_int(v: &Value) -> Option<JsonInt> {
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
fn fit_int(v: JsonInt, nr_bits: u32, signed: bool, shown: &Value, ty: &str) -> Result<u128> {
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

fn mask(nr_bits: u32) -> u128 {
    if nr_bits >= 128 { u128::MAX } else { (1u128 << nr_bits) - 1 }
}

fn write_le(buf: &mut [u8], n: usize, value: u128) -> Result<()> {
    let dst = buf.get_mut(..n).ok_or_else(|| anyhow!("buffer too short: need {n} bytes"))?;
    for (i, b) in dst.iter_mut().enumerate() {
        *b = (value >> (8 * i)) as u8;
    }
    Ok(())
}

fn short(v: &Value) -> String {
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

    fn encode(&self, id: u32, v: &Value, buf: &mut [u8], bit_off: u8, depth: usize) -> Result<()> {
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
    fn encode_int(
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

    fn encode_array(&self, id: u32, elem: u32, nelems: u32, v: &Value, buf: &mut [u8], depth: usize) -> Result<()> {
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

    fn encode_members(
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

    fn encode_member(&self, m: &Member, v: &Value, buf: &mut [u8], depth: usize) -> Result<()> {
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

    fn encode_enum(&self, id: u32, size: u32, wide: bool, values: &[EnumVal], v: &Value, buf: &mut [u8]) -> Result<()> {
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

    fn encode_datasec(&self, id: u32, vars: &[SecVar], v: &Value, buf: &mut [u8], depth: usize) -> Result<()> {
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
fn one_field<'a>(v: &'a Value, name: &str) -> Result<&'a Value> {
    let obj = v.as_object().ok_or_else(|| anyhow!("expected {{\"{name}\": ...}}, got {}", short(v)))?;
    if let Some(k) = obj.keys().find(|k| k.as_str() != name) {
        bail!("unknown field `{k}`, expected `{name}`");
    }
    obj.get(name).ok_or_else(|| anyhow!("missing field `{name}`"))
}

fn encode_float(size: u32, v: &Value, buf: &mut [u8]) -> Result<()> {
    let f = v.as_f64().ok_or_else(|| anyhow!("expected a number for a float, got {}", short(v)))?;
    match size {
        4 => write_le(buf, 4, u128::from((f as f32).to_bits())),
        8 => write_le(buf, 8, u128::from(f.to_bits())),
        _ => bail!("float of unsupported size {size}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object::{Object, ObjectSection};
    use serde_json::json;

    const OBJ: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/objects/btf/maps.o");
    // The same program's BTF as the kernel returned it (libbpf fixed up DATASEC offsets).
    const KERNEL_BTF: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/objects/btf/maps.kernel.btf");

    // m_big values exactly as bpftool read them back (bytes 52..56 are padding left non-zero).
    const BIG1: &str = "901f06fb010000000200000003000000ffffffff68656c6c6f000000000000000000000061620100fdfffffff0ffffffd6ffffff35fb048e35fb048ee0feffff01000000000000008dad8967452301ab04030201feff0000630000000000000088776655443322110201000000000000785634128888ffffff00000000000000";
    const BIG3: &str = "000000000000000000000000000000000000000030313233343536373839616263646566225c78000500000000000000000000000000000000000000000000000000000000000000ffffffffffffffff000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap()).collect()
    }

    fn elf_btf() -> Btf {
        let data = std::fs::read(OBJ).unwrap();
        let file = object::File::parse(&*data).unwrap();
        let sec = file.section_by_name(".BTF").unwrap();
        Btf::parse(sec.data().unwrap()).unwrap()
    }

    fn kernel_btf() -> Btf {
        Btf::parse(&std::fs::read(KERNEL_BTF).unwrap()).unwrap()
    }

    fn map_types(btf: &Btf, map: &str) -> (u32, u32) {
        let (k, v) = btf.map_def_types(map).unwrap();
        (k.unwrap(), v.unwrap())
    }

    fn entry(btf: &Btf, map: &str, key: &[u8], value: &[u8]) -> Value {
        let (k, v) = map_types(btf, map);
        btf.formatted_entry(Some((k, key)), v, MapValue::Single(value)).unwrap()
    }

    #[test]
    fn elf_and_kernel_btf_agree_on_map_type_ids() {
        let (elf, kern) = (elf_btf(), kernel_btf());
        // Ids bpf_map_info reported for the loaded maps (see testdata/capture.sh output).
        for (map, key, value) in
            [("m_u32_u64", 8, 11), ("m_key2_counters", 16, 20), ("m_big", 8, 24), ("m_percpu", 8, 20)]
        {
            assert_eq!(map_types(&elf, map), (key, value), "{map}");
            assert_eq!(elf.type_name(value), kern.type_name(value));
            assert_eq!(elf.type_name(key), kern.type_name(key));
        }
        assert_eq!(kern.type_name(24), Some("big"));
        assert_eq!(kern.type_size(24), Some(128));
        assert_eq!(elf.type_size(16), Some(8));
        assert_eq!(elf.type_decl(31), "char[16]");
    }

    #[test]
    fn golden_scalar_and_struct_maps() {
        let btf = elf_btf();
        let e = entry(&btf, "m_u32_u64", &hex("01000000"), &hex("8877665544332211"));
        assert_eq!(e, json!({"key":1,"value":1234605616436508552u64}));
        let e = entry(&btf, "m_u32_u64", &hex("ffffffff"), &hex("ffffffffffffffff"));
        assert_eq!(e, json!({"key":4294967295u32,"value":18446744073709551615u64}));
        let e = entry(&btf, "m_key2_counters", &hex("0100000002000000"), &hex("05000000000000005001000000000000"));
        assert_eq!(e, json!({"key":{"a":1,"b":2},"value":{"packets":5,"bytes":336}}));
    }

    fn big_expected(key: u32) -> Value {
        let text = match key {
            1 => {
                r#"{"key":1,"value":{"in":{"port":8080,"proto":6,"delta":-5},"arr":[1,2,3,4294967295],"name":"hello","raw":[97,98,1,0],"color":"NEG","color2":-16,"neg":-42,"sll":-1234567890123,"flag":true,"flag2":false,"bits":{"f1":"0x5","f2":"0x11","f3":"0xd","f4":"0x123456789a","tail":171},"u":{"word":16909060,"bytes":[4,3,2,1]},"":{"anon_a":65534,"anon_b":-2},"cv":99,"wide":"0x1021122334455667788","ptr":18446612716735190648,"c":-1}}"#
            }
            3 => {
                r#"{"key":3,"value":{"in":{"port":0,"proto":0,"delta":0},"arr":[0,0,0,0],"name":[48,49,50,51,52,53,54,55,56,57,97,98,99,100,101,102],"raw":"\"\nx","color":5,"color2":"RED","neg":0,"sll":0,"flag":false,"flag2":false,"bits":{"f1":"0x7","f2":"0x1f","f3":"0xf","f4":"0xffffffffff","tail":255},"u":{"word":0,"bytes":[0,0,0,0]},"":{"anon_a":0,"anon_b":0},"cv":0,"wide":"0x0","ptr":0,"c":0}}"#
            }
            _ => {
                r#"{"key":2,"value":{"in":{"port":0,"proto":0,"delta":0},"arr":[0,0,0,0],"name":"","raw":"","color":"RED","color2":"RED","neg":0,"sll":0,"flag":false,"flag2":false,"bits":{"f1":"0x0","f2":"0x0","f3":"0x0","f4":"0x0","tail":0},"u":{"word":0,"bytes":[0,0,0,0]},"":{"anon_a":0,"anon_b":0},"cv":0,"wide":"0x0","ptr":0,"c":0}}"#
            }
        };
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn golden_big_struct() {
        let btf = elf_btf();
        for (key, value) in [(1u32, hex(BIG1)), (2, vec![0; 128]), (3, hex(BIG3))] {
            let got = entry(&btf, "m_big", &key.to_le_bytes(), &value);
            assert_eq!(got, big_expected(key), "m_big key {key}");
        }
    }

    #[test]
    fn golden_percpu() {
        let btf = elf_btf();
        let (k, v) = map_types(&btf, "m_percpu");
        let cpu = hex("0700000000000000e803000000000000");
        let values: [&[u8]; 2] = [&cpu, &cpu];
        let got = btf.formatted_entry(Some((k, &hex("03000000"))), v, MapValue::PerCpu(&values)).unwrap();
        let want = json!({"key":3,"values":[
            {"cpu":0,"value":{"packets":7,"bytes":1000}},
            {"cpu":1,"value":{"packets":7,"bytes":1000}}]});
        assert_eq!(got, want);
    }

    #[test]
    fn golden_datasec_from_kernel_btf() {
        let btf = kernel_btf();
        let bss = btf.find_by_name_kind(".bss", BtfKind::Datasec).unwrap();
        let data = btf.find_by_name_kind(".data", BtfKind::Datasec).unwrap();
        assert_eq!((bss, data), (63, 64));
        let got = btf.formatted_entry(None, bss, MapValue::Single(&[0; 4])).unwrap();
        assert_eq!(got, json!({"value":{".bss":[{"g_bss":0}]}}));
        let bytes = hex("05000000000000006869000000000000");
        let got = btf.formatted_entry(None, data, MapValue::Single(&bytes)).unwrap();
        assert_eq!(got, json!({"value":{".data":[{"g_data":5},{"g_str":"hi"}]}}));
        assert_eq!(btf.from_json(data, &got["value"]).unwrap(), bytes);
        assert_eq!(btf.to_plain(data, &bytes).unwrap(), r#"{g_data: 5, g_str: "hi"}"#);
    }

    #[test]
    fn round_trips() {
        let btf = elf_btf();
        let (_, big) = map_types(&btf, "m_big");
        let mut big1 = hex(BIG1);
        big1[52..56].fill(0); // padding comes back zeroed
        for bytes in [big1, vec![0; 128]] {
            let j = btf.to_json(big, &bytes).unwrap();
            assert_eq!(btf.from_json(big, &j).unwrap(), bytes);
        }
        // BIG3's raw field holds a backslash, which bpftool v7.1.0 prints as "\n": that
        // byte comes back as a newline; bitfield padding comes back zeroed.
        let j = btf.to_json(big, &hex(BIG3)).unwrap();
        let mut want = hex(BIG3);
        want[37] = b'\n';
        want[78] = 0x0f; // bits 52..56 of struct bits are padding after f4

        assert_eq!(btf.from_json(big, &j).unwrap(), want);
        let (key2, counters) = map_types(&btf, "m_key2_counters");
        let k = hex("0100000002000000");
        assert_eq!(btf.from_json(key2, &btf.to_json(key2, &k).unwrap()).unwrap(), k);
        let v = json!({"packets": 5, "bytes": 336});
        assert_eq!(btf.to_json(counters, &btf.from_json(counters, &v).unwrap()).unwrap(), v);
    }

    #[test]
    fn from_json_errors_name_the_problem() {
        let btf = elf_btf();
        let (key2, counters) = map_types(&btf, "m_key2_counters");
        let err = |id, v: Value| format!("{:#}", btf.from_json(id, &v).unwrap_err());
        assert_eq!(
            err(counters, json!({"packets": 1, "bytes": 2, "drops": 3})),
            "unknown field `drops` in struct counters"
        );
        assert_eq!(err(counters, json!({"packets": 1})), "missing field `bytes` in struct counters");
        assert_eq!(
            err(key2, json!({"a": 1, "b": 70000})),
            "in field `b` of struct key2: value 70000 is out of range for __u16 (16-bit unsigned)"
        );
        assert_eq!(
            err(key2, json!({"a": -1, "b": 0})),
            "in field `a` of struct key2: value -1 is out of range for __u32 (32-bit unsigned)"
        );
        assert_eq!(
            err(key2, json!({"a": "x", "b": 0})),
            "in field `a` of struct key2: expected an integer for __u32, got \"x\""
        );
        let (_, big) = map_types(&btf, "m_big");
        let mut v = btf.to_json(big, &[0; 128]).unwrap();
        v["color"] = json!("PURPLE");
        assert!(err(big, v.clone()).contains("unknown value \"PURPLE\" for enum color"));
        v["color"] = json!("BLUE");
        v["bits"]["f1"] = json!(8);
        assert!(err(big, v.clone()).contains("value 8 is out of range for __u32 (3-bit unsigned)"));
        v["bits"]["f1"] = json!(7);
        v["name"] = json!("this string is too long");
        assert!(err(big, v).contains("is longer than char[16]"));
    }

    #[test]
    fn plain_form() {
        let btf = elf_btf();
        let (_, counters) = map_types(&btf, "m_key2_counters");
        let v = hex("05000000000000005001000000000000");
        assert_eq!(btf.to_plain(counters, &v).unwrap(), "{packets: 5, bytes: 336}");
        let (_, big) = map_types(&btf, "m_big");
        let want = concat!(
            r#"{in: {port: 8080, proto: 6, delta: -5}, arr: [1, 2, 3, 4294967295], name: "hello", "#,
            r#"raw: [97, 98, 1, 0], color: NEG, color2: -16, neg: -42, sll: -1234567890123, "#,
            r#"flag: true, flag2: false, bits: {f1: 5, f2: 17, f3: -3, f4: 78187493530, tail: 171}, "#,
            r#"u: {word: 16909060, bytes: [4, 3, 2, 1]}, (anon): {anon_a: 65534, anon_b: -2}, "#,
            r#"cv: 99, wide: 4760494576633500825480, ptr: 0xffff888812345678, c: -1}"#
        );
        assert_eq!(btf.to_plain(big, &hex(BIG1)).unwrap(), want);
    }

    #[test]
    fn short_data_is_an_error() {
        let btf = elf_btf();
        let (_, big) = map_types(&btf, "m_big");
        for n in [0, 1, 40, 127] {
            assert!(btf.to_json(big, &vec![0; n]).is_err(), "{n}");
        }
    }

    // ---- hand-built BTF for kinds clang 14 does not emit -------------------------------

    struct Builder {
        types: Vec<u32>,
        strings: Vec<u8>,
    }

    impl Builder {
        fn new() -> Self {
            Builder { types: Vec::new(), strings: vec![0] }
        }
        fn s(&mut self, name: &str) -> u32 {
            let off = self.strings.len() as u32;
            self.strings.extend_from_slice(name.as_bytes());
            self.strings.push(0);
            off
        }
        fn ty(&mut self, name: &str, kind: u32, kflag: bool, vlen: u32, size_or_type: u32, extra: &[u32]) {
            let n = if name.is_empty() { 0 } else { self.s(name) };
            let info = (u32::from(kflag) << 31) | (kind << 24) | vlen;
            self.types.extend([n, info, size_or_type]);
            self.types.extend_from_slice(extra);
        }
        fn build(&self) -> Vec<u8> {
            let tlen = (self.types.len() * 4) as u32;
            let mut out = Vec::new();
            out.extend_from_slice(&MAGIC.to_le_bytes());
            out.extend([1, 0]);
            for w in [24, 0, tlen, tlen, self.strings.len() as u32] {
                out.extend_from_slice(&w.to_le_bytes());
            }
            for w in &self.types {
                out.extend_from_slice(&w.to_le_bytes());
            }
            out.extend_from_slice(&self.strings);
            out
        }
    }

    fn int_extra(enc: u32, off: u32, bits: u32) -> [u32; 1] {
        [(enc << 24) | (off << 16) | bits]
    }

    /// Ids: 1 u64 enum64, 2 signed enum64, 3 float, 4 double, 5 type_tag->6 int, 6 int,
    /// 7 CHAR-encoded int, 8 int with offset 4 bits 6, 9 24-bit int, 10 decl_tag, 11 fwd,
    /// 12 func_proto, 13 func, 14 ptr to 12.
    fn synthetic() -> Btf {
        let mut b = Builder::new();
        let (big, small) = (b.s("BIG"), b.s("SMALL"));
        b.ty("e64", 19, false, 2, 8, &[big, 0, 0x8000_0000, small, 1, 0]);
        let m1 = b.s("M1");
        b.ty("se64", 19, true, 1, 8, &[m1, u32::MAX, u32::MAX]);
        b.ty("float", 16, false, 0, 4, &[]);
        b.ty("double", 16, false, 0, 8, &[]);
        b.ty("tag", 18, false, 0, 6, &[]);
        b.ty("int", 1, false, 0, 4, &int_extra(1, 0, 32));
        b.ty("mychar", 1, false, 0, 1, &int_extra(2, 0, 8));
        b.ty("oddint", 1, false, 0, 2, &int_extra(0, 4, 6));
        b.ty("u24", 1, false, 0, 4, &int_extra(0, 0, 24));
        b.ty("dtag", 17, false, 0, 6, &[u32::MAX]);
        b.ty("fwd", 7, false, 0, 0, &[]);
        b.ty("", 13, false, 0, 6, &[]);
        b.ty("f", 12, false, 0, 12, &[]);
        b.ty("", 2, false, 0, 12, &[]);
        Btf::parse(&b.build()).unwrap()
    }

    #[test]
    fn synthetic_kinds() {
        let btf = synthetic();
        let j = |id, b: &[u8]| btf.to_json(id, b).unwrap();
        assert_eq!(j(1, &0x8000_0000_0000_0000u64.to_le_bytes()), json!("BIG"));
        assert_eq!(j(1, &1u64.to_le_bytes()), json!("SMALL"));
        // Unmatched ENUM64 values print through jsonw_int, i.e. as signed 64-bit.
        assert_eq!(j(1, &u64::MAX.to_le_bytes()), json!(-1));
        assert_eq!(btf.enum_values(2), vec![("M1".to_string(), -1)]);
        assert_eq!(j(2, &u64::MAX.to_le_bytes()), json!("M1"));
        assert_eq!(j(3, &1.5f32.to_le_bytes()), json!(1.5));
        assert_eq!(j(4, &(-2.25f64).to_le_bytes()), json!(-2.25));
        assert_eq!(j(5, &(-7i32).to_le_bytes()), json!(-7));
        assert_eq!(j(7, b"A"), json!("A"));
        assert_eq!(j(7, &[1]), json!("\u{1}"));
        assert_eq!(j(8, &[0b0101_0000, 0b11]), json!("0x35"));
        assert_eq!(j(9, &[1, 2, 3, 4]), json!("0x30201"));
        assert_eq!(btf.to_plain(14, &0x1234u64.to_le_bytes()).unwrap(), "0x1234");
        for id in [10, 11, 12, 13, 0] {
            assert!(btf.to_json(id, &[0; 16]).is_err(), "{id}");
        }
        for (id, v) in [
            (1, json!("BIG")),
            (2, json!("M1")),
            (3, json!(1.5)),
            (7, json!("A")),
            (8, json!("0x35")),
            (9, json!("0x30201")),
        ] {
            let bytes = btf.from_json(id, &v).unwrap();
            assert_eq!(j(id, &bytes), v, "{id}");
        }
        assert_eq!(btf.from_json(8, &json!(63)).unwrap(), vec![0xf0, 0x03]);
        assert!(btf.from_json(8, &json!(64)).is_err());
    }

    #[test]
    fn signatures_as_bpftool() {
        let mut b = Builder::new();
        b.ty("int", 1, false, 0, 4, &int_extra(1, 0, 32)); // 1
        b.ty("xdp_md", 4, false, 0, 24, &[]); // 2
        b.ty("", 2, false, 0, 2, &[]); // 3
        let ctx = b.s("ctx");
        b.ty("", 13, false, 1, 1, &[ctx, 3]); // 4
        b.ty("xdp_count", 12, false, 0, 4, &[]); // 5
        b.ty("__u64", 8, false, 0, 1, &[]); // 6
        b.ty("", 2, false, 0, 0, &[]); // 7 void *
        let (a, c) = (b.s("a"), b.s("c"));
        b.ty("", 13, false, 3, 6, &[a, 6, c, 7, 0, 0]); // 8
        b.ty("mix", 12, false, 0, 8, &[]); // 9
        b.ty("", 10, false, 0, 1, &[]); // 10
        b.ty("", 13, false, 2, 0, &[0, 10, 0, 3]); // 11 unnamed args
        b.ty("anon", 12, false, 0, 11, &[]); // 12
        let btf = Btf::parse(&b.build()).unwrap();
        assert_eq!(btf.type_only(5), "int xdp_count(struct xdp_md * ctx)");
        assert_eq!(btf.type_only(9), "__u64 mix(__u64 a, void * c, ...)");
        assert_eq!(btf.type_only(12), "void anon(const int, struct xdp_md *)");
        assert_eq!(btf.type_only(99), "");
        assert_eq!(btf.string_at(1), Some("int"));
        assert_eq!(btf.string_at(10_000), None);
    }

    #[test]
    fn split_btf_continues_ids_and_strings() {
        let base = synthetic();
        let mut b = Builder::new();
        let f = b.s("x");
        b.ty("pair", 4, false, 2, 8, &[f, 6, 0, f, 6, 32]);
        let mut raw = b.build();
        // Split string offsets start after the base's string section.
        let base_len = base.strings.len() as u32;
        let t0 = 24;
        for at in [t0, t0 + 12, t0 + 24] {
            let v = u32::from_le_bytes(raw[at..at + 4].try_into().unwrap()) + base_len;
            raw[at..at + 4].copy_from_slice(&v.to_le_bytes());
        }
        let split = Btf::parse_split(&raw, &base).unwrap();
        let id = split.find_by_name("pair").unwrap();
        assert_eq!(id, base.len());
        assert_eq!(split.to_plain(id, &[1, 0, 0, 0, 2, 0, 0, 0]).unwrap(), "{x: 1, x: 2}");
    }

    #[test]
    fn vmlinux_bpf_func_id() {
        let Ok(raw) = std::fs::read("/sys/kernel/btf/vmlinux") else {
            eprintln!("skipping: /sys/kernel/btf/vmlinux not readable");
            return;
        };
        let btf = Btf::parse(&raw).unwrap();
        let id = btf.find_by_name("bpf_func_id").unwrap();
        assert_eq!(btf.kind(id), Some(BtfKind::Enum));
        let vals = btf.enum_values(id);
        assert!(vals.contains(&("BPF_FUNC_trace_printk".to_string(), 6)));
        assert_eq!(btf.to_json(id, &6u32.to_le_bytes()).unwrap(), json!("BPF_FUNC_trace_printk"));
    }

    /// xorshift, so the malformed-input test needs no extra dependency.
    fn rng(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn exercise(btf: &Btf, seed: &mut u64) {
        let data: Vec<u8> = (0..64).map(|_| rng(seed) as u8).collect();
        for id in 0..btf.len() + 2 {
            let cut = (rng(seed) % 70) as usize;
            let d = &data[..cut.min(data.len())];
            let _ = btf.type_size(id);
            let _ = btf.type_decl(id);
            let _ = btf.type_only(id);
            let _ = btf.string_at(id);
            let _ = btf.enum_values(id);
            if let Ok(v) = btf.to_json(id, d) {
                let _ = btf.from_json(id, &v);
            }
            let _ = btf.to_plain(id, d);
        }
    }

    #[test]
    fn malformed_input_never_panics() {
        let good = std::fs::read(KERNEL_BTF).unwrap();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for n in 0..good.len() {
            if let Ok(btf) = Btf::parse(&good[..n]) {
                exercise(&btf, &mut seed);
            }
        }
        for _ in 0..3000 {
            let mut bad = good.clone();
            for _ in 0..1 + rng(&mut seed) % 8 {
                let at = 24 + (rng(&mut seed) as usize % (bad.len() - 24));
                bad[at] = rng(&mut seed) as u8;
            }
            if let Ok(btf) = Btf::parse(&bad) {
                exercise(&btf, &mut seed);
            }
        }
        for _ in 0..2000 {
            let n = (rng(&mut seed) % 200) as usize;
            let mut junk: Vec<u8> = (0..n).map(|_| rng(&mut seed) as u8).collect();
            if junk.len() >= 24 && rng(&mut seed).is_multiple_of(2) {
                junk[..2].copy_from_slice(&MAGIC.to_le_bytes());
                junk[4..8].copy_from_slice(&24u32.to_le_bytes());
            }
            if let Ok(btf) = Btf::parse(&junk) {
                exercise(&btf, &mut seed);
            }
        }
    }

    /// Mutated BTF blobs, then every type of what parses rendered from random
    /// bytes and encoded from random JSON (`key json ...`): errors, no panics.
    #[test]
    fn fuzz_btf_and_json_never_panic() {
        let raw = std::fs::read(KERNEL_BTF).unwrap();
        let values: Vec<Value> = [
            "0",
            "-1",
            "1e30",
            "18446744073709551616",
            "\"0x1\"",
            "\"abc\"",
            "null",
            "true",
            "[]",
            "[1,2,3]",
            "{}",
            r#"{"packets":1,"bytes":2}"#,
            r#"{"a":{"b":[1]}}"#,
            "\"\\u0000\"",
            "[[[[[[[[1]]]]]]]]",
        ]
        .iter()
        .map(|t| serde_json::from_str(t).unwrap())
        .collect();
        let mut rng = crate::guard::XorShift::seeded(0xb7f);
        for round in 0..1500 {
            let blob = if round == 0 { raw.clone() } else { rng.mutate(&raw) };
            let Ok(btf) = Btf::parse(&blob) else { continue };
            for id in 0..btf.len().min(64) {
                let bytes: Vec<u8> = (0..rng.below(80)).map(|_| rng.next() as u8).collect();
                let _ = btf.to_json(id, &bytes);
                let _ = btf.to_plain(id, &bytes);
                let _ = btf.from_json(id, rng.pick(&values));
                let _ = btf.type_decl(id);
            }
        }
    }
}
