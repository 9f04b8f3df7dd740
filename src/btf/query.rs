//! Read-only views of single BTF types for the loader's CO-RE engine
//! (the loader's core stage): struct/union members with their bit offsets and
//! bitfield widths, array element and count, int encodings, enumerators,
//! FUNC_PROTO parameters, and libbpf's `btf__resolve_size`. `Btf` keeps its
//! decoded types private; these accessors hand out what relocation needs
//! without exposing the representation.

use super::{Btf, BtfKind, Kind, MAX_DEPTH};

/// One member of a STRUCT or UNION.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberRef<'a> {
    /// Empty for an anonymous (embedded) struct or union member.
    pub name: &'a str,
    pub ty: u32,
    /// From the start of the enclosing type.
    pub bit_offset: u32,
    /// Non-zero only for a bitfield of a kind_flag struct.
    pub bitfield_size: u32,
}

/// An ARRAY: element type and element count (0 for `T x[]` and `T x[0]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArrayRef {
    pub elem: u32,
    pub nelems: u32,
}

/// An INT's size and its BTF_INT_* encoding word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntRef {
    pub size: u32,
    /// BTF_INT_SIGNED / BTF_INT_CHAR / BTF_INT_BOOL bits.
    pub encoding: u8,
    /// The deprecated bitfield-like bit offset inside the int (CO-RE refuses non-zero).
    pub offset: u8,
    pub bits: u8,
}

/// One enumerator of an ENUM or ENUM64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumeratorRef<'a> {
    pub name: &'a str,
    /// ENUM values zero-extended from their 32 bits, ENUM64 values as stored:
    /// libbpf hands CO-RE the value this way.
    pub raw: u64,
}

impl Btf {
    /// Number of members, enumerators or parameters (BTF's `vlen`); 0 for other kinds.
    pub fn vlen(&self, id: u32) -> u32 {
        let n = match self.types.get(id as usize).map(|t| &t.kind) {
            Some(Kind::Composite { members, .. }) => members.len(),
            Some(Kind::Enum { values, .. }) => values.len(),
            Some(Kind::FuncProto { params }) => params.len(),
            Some(Kind::Datasec { vars, .. }) => vars.len(),
            _ => 0,
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The `type` a PTR, TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG, FUNC,
    /// FUNC_PROTO (return type), VAR or DECL_TAG refers to.
    pub fn ref_type(&self, id: u32) -> Option<u32> {
        let t = self.types.get(id as usize)?;
        matches!(
            t.kind,
            Kind::Ptr | Kind::Modifier | Kind::Func | Kind::FuncProto { .. } | Kind::Var { .. } | Kind::DeclTag
        )
        .then_some(t.target)
    }

    /// Whether `id` (as is, not resolved) is a STRUCT or UNION.
    pub fn is_composite(&self, id: u32) -> bool {
        matches!(self.types.get(id as usize).map(|t| &t.kind), Some(Kind::Composite { .. }))
    }

    /// Whether `id` (as is) is an ENUM or ENUM64.
    pub fn is_any_enum(&self, id: u32) -> bool {
        matches!(self.types.get(id as usize).map(|t| &t.kind), Some(Kind::Enum { .. }))
    }

    /// Members of a STRUCT or UNION (`id` as is); empty for any other kind.
    pub fn members(&self, id: u32) -> impl Iterator<Item = MemberRef<'_>> + '_ {
        let list = match self.types.get(id as usize).map(|t| &t.kind) {
            Some(Kind::Composite { members, .. }) => members.as_slice(),
            _ => &[],
        };
        list.iter().map(|m| MemberRef {
            name: self.str_at(m.name_off),
            ty: m.ty,
            bit_offset: m.bit_offset,
            bitfield_size: m.bitfield_size,
        })
    }

    /// Member `idx` of a STRUCT or UNION (`id` as is).
    pub fn member(&self, id: u32, idx: u32) -> Option<MemberRef<'_>> {
        let Kind::Composite { members, .. } = &self.types.get(id as usize)?.kind else {
            return None;
        };
        let m = members.get(idx as usize)?;
        Some(MemberRef {
            name: self.str_at(m.name_off),
            ty: m.ty,
            bit_offset: m.bit_offset,
            bitfield_size: m.bitfield_size,
        })
    }

    /// The ARRAY `id` (as is).
    pub fn array(&self, id: u32) -> Option<ArrayRef> {
        match self.types.get(id as usize)?.kind {
            Kind::Array { elem, nelems } => Some(ArrayRef { elem, nelems }),
            _ => None,
        }
    }

    /// The INT `id` (as is).
    pub fn int(&self, id: u32) -> Option<IntRef> {
        match self.types.get(id as usize)?.kind {
            Kind::Int { size, encoding, offset, bits } => Some(IntRef { size, encoding, offset, bits }),
            _ => None,
        }
    }

    /// Whether the ENUM/ENUM64 `id` (as is) is signed (its kind_flag).
    pub fn enum_is_signed(&self, id: u32) -> Option<bool> {
        match self.types.get(id as usize)?.kind {
            Kind::Enum { signed, .. } => Some(signed),
            _ => None,
        }
    }

    /// Enumerator `idx` of the ENUM/ENUM64 `id` (as is).
    pub fn enumerator(&self, id: u32, idx: u32) -> Option<EnumeratorRef<'_>> {
        let Kind::Enum { values, .. } = &self.types.get(id as usize)?.kind else {
            return None;
        };
        let v = values.get(idx as usize)?;
        Some(EnumeratorRef { name: self.str_at(v.name_off), raw: v.raw })
    }

    /// Enumerators of the ENUM/ENUM64 `id` (as is); empty for any other kind.
    pub fn enumerators(&self, id: u32) -> impl Iterator<Item = EnumeratorRef<'_>> + '_ {
        let list = match self.types.get(id as usize).map(|t| &t.kind) {
            Some(Kind::Enum { values, .. }) => values.as_slice(),
            _ => &[],
        };
        list.iter().map(|v| EnumeratorRef { name: self.str_at(v.name_off), raw: v.raw })
    }

    /// Whether the FWD `id` (as is) declares a union (its kind_flag); `None` when not a FWD.
    pub fn fwd_is_union(&self, id: u32) -> Option<bool> {
        match self.types.get(id as usize)?.kind {
            Kind::Fwd { union } => Some(union),
            _ => None,
        }
    }

    /// Parameter types of the FUNC_PROTO `id` (as is), in order; 0 marks `...`.
    pub fn func_params(&self, id: u32) -> Option<Vec<u32>> {
        match &self.types.get(id as usize)?.kind {
            Kind::FuncProto { params } => Some(params.iter().map(|p| p.ty).collect()),
            _ => None,
        }
    }

    /// The size field of a sized kind (INT, STRUCT, UNION, ENUM, ENUM64,
    /// FLOAT, DATASEC) as written, without resolving anything.
    pub fn own_size(&self, id: u32) -> Option<u32> {
        match &self.types.get(id as usize)?.kind {
            Kind::Int { size, .. }
            | Kind::Composite { size, .. }
            | Kind::Enum { size, .. }
            | Kind::Float { size }
            | Kind::Datasec { size, .. } => Some(*size),
            _ => None,
        }
    }

    /// libbpf's `btf__resolve_size`: through typedefs, modifiers, VARs and
    /// DECL_TAGs, arrays multiplied out, pointers 8 bytes; `None` for void,
    /// FWD, FUNC, FUNC_PROTO, a bad id or a size past `u32::MAX`. Unlike
    /// `type_size` it takes a DATASEC's size as written, as libbpf does.
    pub fn resolve_size(&self, mut id: u32) -> Option<u32> {
        let mut nelems: u32 = 1;
        for _ in 0..MAX_DEPTH {
            let t = self.types.get(id as usize)?;
            match &t.kind {
                Kind::Int { .. } | Kind::Composite { .. } | Kind::Enum { .. } | Kind::Float { .. } => {
                    return nelems.checked_mul(self.own_size(id)?);
                }
                Kind::Datasec { size, .. } => return nelems.checked_mul(*size),
                Kind::Ptr => return nelems.checked_mul(8),
                Kind::Modifier | Kind::Var { .. } | Kind::DeclTag => id = t.target,
                Kind::Array { elem, nelems: n } => {
                    nelems = nelems.checked_mul(*n)?;
                    id = *elem;
                }
                Kind::Void | Kind::Fwd { .. } | Kind::Func | Kind::FuncProto { .. } => return None,
            }
        }
        None
    }

    /// `struct foo`, `union <anon>`, `enum bar`, `typedef baz`, `int`...:
    /// how a relocation's local type is named in messages, never empty.
    pub fn kind_and_name(&self, id: u32) -> String {
        let Some(t) = self.types.get(id as usize) else {
            return format!("<bad type id {id}>");
        };
        let name = self.str_at(t.name_off);
        let name = if name.is_empty() { "<anon>" } else { name };
        let kind = match t.kind_tag {
            BtfKind::Void => return "void".into(),
            BtfKind::Int => "int",
            BtfKind::Ptr => "ptr",
            BtfKind::Array => "array",
            BtfKind::Struct => "struct",
            BtfKind::Union => "union",
            BtfKind::Enum | BtfKind::Enum64 => "enum",
            BtfKind::Fwd => "fwd",
            BtfKind::Typedef => "typedef",
            BtfKind::Volatile => "volatile",
            BtfKind::Const => "const",
            BtfKind::Restrict => "restrict",
            BtfKind::Func => "func",
            BtfKind::FuncProto => "func_proto",
            BtfKind::Var => "var",
            BtfKind::Datasec => "datasec",
            BtfKind::Float => "float",
            BtfKind::DeclTag => "decl_tag",
            BtfKind::TypeTag => "type_tag",
        };
        format!("{kind} {name}")
    }
}
