// Hand-written BTF: this file parses a blob into the type model; the jobs on top of it live
// beside it, one file each: `raw` (the containers, nothing decoded), `format` (map bytes to
// bpftool's JSON and plain forms), `encode` (typed JSON back to bytes), `sig` (function
// signatures for `prog dump`), `query`/`mapdef` (accessors for the loader's CO-RE and map
// stages). Hand-written because aya 0.14 keeps its BTF walking private and btf-rs is LGPL,
// while bpfpin must print map entries exactly as bpftool's `formatted` JSON does
// (libbpf/bpftool src/btf_dumper.c, checked against bpftool v7.1.0). Little-endian only.

use anyhow::{Result, anyhow, bail, ensure};

use aya_obj::generated as k;

pub mod dump_c;
pub mod dump_raw;
mod encode;
pub mod file;
mod format;
mod mapdef;
pub mod pretty;
pub mod query;
pub mod raw;
mod sig;

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
    /// The raw info word (vlen, kind flag): `dump_raw` prints it as bpftool does, e.g. a FUNC's linkage.
    info: u32,
    /// The one extra word the model drops: an array's index type, a decl tag's component index.
    aux: u32,
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
    let mut aux = 0;
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
            aux = c.u32()?;
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
            aux = c.u32()?;
            Kind::DeclTag
        }
    };
    Ok(Type { name_off, kind_tag, target, kind, info, aux })
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
    Type { name_off: 0, kind_tag: BtfKind::Void, target: 0, kind: Kind::Void, info: 0, aux: 0 }
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

fn datasec_size(size: u32, vars: &[SecVar]) -> u32 {
    // ELF .BTF leaves DATASEC sizes 0 until libbpf fixes them up; the vars still tell.
    let end = vars.iter().map(|v| v.offset.saturating_add(v.size)).max().unwrap_or(0);
    size.max(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use object::{Object, ObjectSection};
    use serde_json::{Value, json};

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
