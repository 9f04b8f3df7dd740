//! The few raw BTF facts the loader's map stage reads from an object: the
//! members of a `SEC(".maps")` definition struct (whose attributes are
//! encoded as pointers to arrays, enums or func protos), VAR linkage and
//! DATASEC entries. the loader's maps stage turns them into map definitions;
//! this file only exposes them, since `Btf`'s fields are private to `btf`.

use super::{Btf, BtfKind, Kind};

/// A struct or union member as written: name, type id and bit offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMember {
    pub name: String,
    pub ty: u32,
    pub bit_offset: u32,
}

/// One DATASEC entry: the VAR (or FUNC) type id, its offset and size as
/// stored (an object's `.BTF` has zero offsets until a loader fixes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawSecVar {
    pub ty: u32,
    pub offset: u32,
    pub size: u32,
}

impl Btf {
    /// The members of a STRUCT or UNION `id` (not resolved through typedefs).
    pub fn composite_members(&self, id: u32) -> Option<Vec<RawMember>> {
        let Kind::Composite { members, .. } = &self.types.get(id as usize)?.kind else {
            return None;
        };
        Some(
            members
                .iter()
                .map(|m| RawMember { name: self.str_at(m.name_off).to_string(), ty: m.ty, bit_offset: m.bit_offset })
                .collect(),
        )
    }

    /// What type `id` points at or names: the target of a PTR, TYPEDEF,
    /// modifier, VAR, FUNC or FUNC_PROTO's return type; None for other kinds.
    pub fn referenced(&self, id: u32) -> Option<u32> {
        let t = self.types.get(id as usize)?;
        matches!(
            t.kind_tag,
            BtfKind::Ptr
                | BtfKind::Typedef
                | BtfKind::Volatile
                | BtfKind::Const
                | BtfKind::Restrict
                | BtfKind::TypeTag
                | BtfKind::Var
                | BtfKind::Func
                | BtfKind::FuncProto
        )
        .then_some(t.target)
    }

    /// Element type and element count of an ARRAY.
    pub fn array_info(&self, id: u32) -> Option<(u32, u32)> {
        match self.types.get(id as usize)?.kind {
            Kind::Array { elem, nelems } => Some((elem, nelems)),
            _ => None,
        }
    }

    /// The value of an ENUM or ENUM64 with exactly one enumerator (how
    /// `__ulong(name, value)` encodes a 64-bit map attribute). A 32-bit
    /// ENUM's value is sign-extended, as libbpf reads `btf_enum.val`.
    pub fn sole_enum_value(&self, id: u32) -> Option<u64> {
        match &self.types.get(id as usize)?.kind {
            Kind::Enum { values, wide, .. } if values.len() == 1 => {
                let raw = values[0].raw;
                Some(if *wide { raw } else { raw as u32 as i32 as i64 as u64 })
            }
            _ => None,
        }
    }

    /// A VAR's linkage (`BTF_VAR_STATIC`, `_GLOBAL_ALLOCATED`, `_GLOBAL_EXTERN`).
    pub fn var_linkage(&self, id: u32) -> Option<u32> {
        match self.types.get(id as usize)?.kind {
            Kind::Var { linkage } => Some(linkage),
            _ => None,
        }
    }

    /// A DATASEC's size as stored (0 in a compiler's output, before fix-up).
    pub fn datasec_size(&self, id: u32) -> Option<u32> {
        match self.types.get(id as usize)?.kind {
            Kind::Datasec { size, .. } => Some(size),
            _ => None,
        }
    }

    /// A DATASEC's entries, in the order stored.
    pub fn datasec_vars(&self, id: u32) -> Option<Vec<RawSecVar>> {
        match &self.types.get(id as usize)?.kind {
            Kind::Datasec { vars, .. } => {
                Some(vars.iter().map(|v| RawSecVar { ty: v.ty, offset: v.offset, size: v.size }).collect())
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_maps_datasec() {
        let raw = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/objects/btf_maps.o")).unwrap();
        let elf: object::File = object::File::parse(&*raw).unwrap();
        use object::{Object, ObjectSection};
        let btf = Btf::parse(elf.section_by_name(".BTF").unwrap().data().unwrap()).unwrap();
        let sec = btf.find_by_name_kind(".maps", BtfKind::Datasec).unwrap();
        let vars = btf.datasec_vars(sec).unwrap();
        assert_eq!(vars.len(), 5);
        let first = vars[0].ty;
        assert_eq!(btf.var_linkage(first), Some(aya_obj::generated::BTF_VAR_GLOBAL_ALLOCATED));
        let def = btf.resolve(btf.referenced(first).unwrap()).unwrap();
        let names: Vec<String> = btf.composite_members(def).unwrap().into_iter().map(|m| m.name).collect();
        assert_eq!(names, ["type", "key", "value", "max_entries"]);
        let ty = btf.composite_members(def).unwrap()[0].ty;
        let arr = btf.referenced(ty).unwrap();
        assert_eq!(btf.array_info(arr).map(|a| a.1), Some(aya_obj::generated::bpf_map_type::BPF_MAP_TYPE_HASH as u32));
        assert_eq!(btf.var_linkage(def), None);
        assert_eq!(btf.sole_enum_value(def), None);
    }
}
