//! struct_ops programs: each one implements a member of a kernel struct
//! (e.g. `tcp_congestion_ops.cong_avoid`), named by the `.struct_ops` (or
//! `.struct_ops.link`) variable whose function pointer is relocated to it.
//! The kernel wants that struct's BTF id as attach_btf_id and the member's
//! index as expected_attach_type. Loading needs only that; registering the
//! struct_ops map is a separate, explicit step.

use std::collections::HashMap;

use anyhow::Result;
use object::{Object as _, ObjectSection as _, ObjectSymbol as _, RelocationTarget};

use super::elf::Elf;
use crate::btf::BtfKind;

/// Program name → (struct type name, member name) it implements.
pub fn slots(elf: &Elf<'_>) -> Result<HashMap<String, (String, String)>> {
    let mut out = HashMap::new();
    let Some(btf) = elf.btf.as_ref() else { return Ok(out) };
    for name in [".struct_ops", ".struct_ops.link"] {
        let Some(sec) = elf.file.section_by_name(name) else { continue };
        let Some(ds) = btf.find_by_name_kind(name, BtfKind::Datasec) else { continue };
        let vars = btf.datasec_vars(ds).unwrap_or_default();
        for (offset, r) in sec.relocations() {
            let RelocationTarget::Symbol(sym) = r.target() else { continue };
            let Ok(sym) = elf.file.symbol_by_index(sym) else { continue };
            let prog = sym.name().unwrap_or("").to_string();
            let Some(v) =
                vars.iter().find(|v| (u64::from(v.offset)..u64::from(v.offset) + u64::from(v.size)).contains(&offset))
            else {
                continue;
            };
            let (var, start) = (v.ty, v.offset);
            let Some(st) = btf.referenced(var) else { continue };
            let Ok(st) = btf.resolve(st) else { continue };
            let within = offset - u64::from(start);
            let member = btf
                .composite_members(st)
                .unwrap_or_default()
                .into_iter()
                .find(|m| u64::from(m.bit_offset) == within * 8)
                .map(|m| m.name);
            if let Some(member) = member {
                out.insert(prog, (btf.type_name(st).unwrap_or("").to_string(), member));
            }
        }
    }
    Ok(out)
}
