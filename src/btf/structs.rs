//! The few structural accessors the loader's struct_ops stage needs:
//! a struct's members by name and offset, a DATASEC's variables, what a
//! VAR or pointer points at.

use super::{Btf, Kind};

impl Btf {
    /// (name, type, bit offset) of each member of a struct or union (after
    /// typedefs); None for other kinds.
    pub fn members_of(&self, id: u32) -> Option<Vec<(String, u32, u32)>> {
        let id = self.resolve(id).ok()?;
        let Kind::Composite { members, .. } = &self.ty(id).ok()?.kind else { return None };
        Some(members.iter().map(|m| (self.str_at(m.name_off).to_string(), m.ty, m.bit_offset)).collect())
    }

    /// (type, offset, size) of each variable of a DATASEC.
    pub fn datasec_vars(&self, id: u32) -> Option<Vec<(u32, u32, u32)>> {
        let Kind::Datasec { vars, .. } = &self.ty(id).ok()?.kind else { return None };
        Some(vars.iter().map(|v| (v.ty, v.offset, v.size)).collect())
    }

    /// The type a VAR, pointer, typedef or modifier refers to.
    pub fn target_of(&self, id: u32) -> Option<u32> {
        self.ty(id).ok().map(|t| t.target)
    }
}
