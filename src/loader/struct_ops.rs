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
            let Some(&(var, start, _)) =
                vars.iter().find(|(_, start, size)| (u64::from(*start)..u64::from(start + size)).contains(&offset))
            else {
                continue;
            };
            let Some(st) = btf.target_of(var) else { continue };
            let Ok(st) = btf.resolve(st) else { continue };
            let within = offset - u64::from(start);
            let member = btf
                .members_of(st)
                .unwrap_or_default()
                .into_iter()
                .find(|(_, _, bits)| u64::from(*bits) == within * 8)
                .map(|(n, _, _)| n);
            if let Some(member) = member {
                out.insert(prog, (btf.type_name(st).unwrap_or("").to_string(), member));
            }
        }
    }
    Ok(out)
}
