//! struct_ops programs: each one implements a member of a kernel struct
//! (e.g. `tcp_congestion_ops.cong_avoid`), named by the `.struct_ops` (or
//! `.struct_ops.link`) variable whose function pointer is relocated to it.
//! The kernel wants that struct's BTF id as attach_btf_id and the member's
//! index as expected_attach_type. Loading needs only that; registering the
//! struct_ops map is a separate, explicit step.

use std::collections::HashMap;
use std::os::fd::{AsFd as _, AsRawFd as _, BorrowedFd, OwnedFd, RawFd};

use anyhow::{Context as _, Result, bail};
use object::{Object as _, ObjectSection as _, ObjectSymbol as _, RelocationTarget};

use super::elf::Elf;
use super::kernel::Kernel;
use super::maps::{self, MapDef, Origin};
use crate::btf::{Btf, BtfKind};
use crate::error::UserError;
use crate::sys;

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

// ---- registering: the kernel's map value -------------------------------------------------

/// The prefix of the kernel's value type for a struct_ops type:
/// `struct bpf_struct_ops_tcp_congestion_ops { common; data; }`.
pub const VALUE_PREFIX: &str = "bpf_struct_ops_";

/// The struct_ops variables of an object, as libbpf defines their maps
/// (the loader's `Object` leaves them out: creating one registers it).
pub fn defs(elf: &Elf<'_>, obj_name: &str) -> Result<Vec<MapDef>> {
    let all = maps::collect(&elf.file, elf.btf.as_ref(), obj_name)?;
    Ok(all.into_iter().filter(|m| matches!(m.origin, Origin::StructOps { .. })).collect())
}

/// The object's struct type of a struct_ops map and its name.
pub fn local_struct(def: &MapDef, local: &Btf) -> Result<(u32, String)> {
    let id = local.resolve(def.btf_value_type_id)?;
    Ok((id, local.type_name(id).unwrap_or_default().to_string()))
}

/// The programs a struct_ops map points at, by name.
pub fn programs(def: &MapDef) -> impl Iterator<Item = &str> {
    def.init.iter().map(|(_, p)| p.as_str())
}

fn user(msg: String, fix: impl Into<String>) -> anyhow::Error {
    UserError::new(msg, fix.into()).into()
}

fn is_func_ptr(btf: &Btf, ty: u32) -> bool {
    btf.resolve(ty)
        .ok()
        .filter(|&t| btf.kind(t) == Some(BtfKind::Ptr))
        .and_then(|t| btf.referenced(t))
        .and_then(|t| btf.resolve(t).ok())
        .is_some_and(|t| btf.kind(t) == Some(BtfKind::FuncProto))
}

/// Creates the kernel map of struct_ops variable `def` and writes its value
/// (key 0): data members copied from the object's initial value by member
/// name, function pointers set to the fds of the programs (`prog_fds`, by
/// name) loaded for them. For a plain `.struct_ops` map that write
/// registers the struct with the kernel; a `.struct_ops.link` map
/// (BPF_F_LINK) is registered by the link made from it afterwards.
pub fn create(
    def: &MapDef,
    local: &Btf,
    btf_fd: Option<BorrowedFd<'_>>,
    kernel: &Kernel,
    prog_fds: &HashMap<String, RawFd>,
) -> Result<OwnedFd> {
    let (lid, st) = local_struct(def, local)?;
    let vname = format!("{VALUE_PREFIX}{st}");
    let found = kernel.find(&vname, BtfKind::Struct)?.ok_or_else(|| {
        user(
            format!("struct_ops map `{}` implements `struct {st}`, which this kernel cannot register", def.name),
            format!("check that the subsystem providing `{st}` is built in (vmlinux BTF has no `{vname}`)"),
        )
    })?;
    if found.module.is_some() {
        bail!(UserError::new(
            format!("struct_ops map `{}` implements `struct {st}` from a kernel module", def.name),
            "bpfpin registers struct_ops types of vmlinux only; use bpftool for module types",
        ));
    }
    let kb = kernel.vmlinux()?;
    let size = kb.type_size(found.id).unwrap_or(0) as usize;
    let data = kb
        .composite_members(found.id)
        .unwrap_or_default()
        .into_iter()
        .find(|m| m.name == "data")
        .with_context(|| format!("{vname} has no `data` member"))?;
    let kst = kb.resolve(data.ty)?;
    let data_off = (data.bit_offset / 8) as usize;
    let kmembers = kb.composite_members(kst).unwrap_or_default();
    let initial = def.data.clone().unwrap_or_default();
    let mut value = vec![0u8; size];
    for (li, lm) in local.composite_members(lid).unwrap_or_default().into_iter().enumerate() {
        let l_off = (lm.bit_offset / 8) as usize;
        let l_size = local.resolve(lm.ty).ok().and_then(|t| local.type_size(t)).unwrap_or(0) as usize;
        let bytes = initial.get(l_off..l_off + l_size).unwrap_or(&[]);
        let prog = def.init.iter().find(|(i, _)| *i as usize == li).map(|(_, p)| p.as_str());
        let Some(km) = kmembers.iter().find(|k| k.name == lm.name) else {
            if prog.is_some() || bytes.iter().any(|&b| b != 0) {
                bail!(UserError::new(
                    format!(
                        "struct_ops map `{}` sets member `{}`, which this kernel's `struct {st}` does not have",
                        def.name, lm.name
                    ),
                    "build the object against this kernel's vmlinux.h, or leave that member unset",
                ));
            }
            continue;
        };
        let at = data_off + (km.bit_offset / 8) as usize;
        if let Some(p) = prog {
            let fd = prog_fds.get(p).with_context(|| format!("program `{p}` for `{}` was not loaded", lm.name))?;
            let slot =
                value.get_mut(at..at + 8).with_context(|| format!("member `{}` lies outside {vname}", lm.name))?;
            slot.copy_from_slice(&u64::from(*fd as u32).to_ne_bytes());
            continue;
        }
        if is_func_ptr(local, lm.ty) || bytes.iter().all(|&b| b == 0) {
            continue;
        }
        let k_size = kb.resolve(km.ty).ok().and_then(|t| kb.type_size(t)).unwrap_or(0) as usize;
        if k_size != l_size || km.bit_offset % 8 != 0 || lm.bit_offset % 8 != 0 {
            bail!(UserError::new(
                format!(
                    "member `{}` of struct_ops map `{}` is {l_size} bytes in the object and {k_size} in the kernel",
                    lm.name, def.name
                ),
                "build the object against this kernel's vmlinux.h",
            ));
        }
        value
            .get_mut(at..at + k_size)
            .with_context(|| format!("member `{}` lies outside {vname}", lm.name))?
            .copy_from_slice(bytes);
    }
    let attr = sys::map::CreateAttr {
        map_type: aya_obj::generated::bpf_map_type::BPF_MAP_TYPE_STRUCT_OPS as u32,
        key_size: 4,
        value_size: size as u32,
        max_entries: 1,
        map_flags: def.map_flags,
        name: &def.name,
        inner_map: None,
        map_extra: 0,
        btf_fd: btf_fd.map(|b| b.as_raw_fd()),
        btf_key_type_id: 0,
        btf_value_type_id: 0,
        btf_vmlinux_value_type_id: found.id,
        numa_node: 0,
    };
    let fd = sys::map::create(&attr).with_context(|| format!("creating struct_ops map `{}`", def.name))?;
    sys::map::update(fd.as_fd(), &0u32.to_ne_bytes(), &value, 0)
        .with_context(|| format!("writing the value of struct_ops map `{}` (struct {st})", def.name))?;
    Ok(fd)
}
