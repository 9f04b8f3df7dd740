//! A program's metadata: the `bpf_metadata_*` variables of its `.rodata`
//! map, which `prog show` prints as bpftool does (`"metadata": {"name": ..}`).
//! The rule for finding them is bpftool's show_prog_metadata: the first of
//! the program's maps that is a one-entry array with 4-byte keys, a BTF value
//! type and `.rodata` in its name; its value is a DATASEC whose variables
//! named `bpf_metadata_NAME` become the key `NAME`, typed through BTF.

use std::os::fd::AsFd;

use serde_json::{Map, Value};

use crate::btf::Btf;
use crate::sys::{self, Kind};

const PREFIX: &str = "bpf_metadata_";

/// The metadata of a program whose maps are `map_ids`, in the DATASEC's
/// order; None when it has none (bpftool then prints no `metadata` key).
pub fn of_prog(map_ids: &[u32]) -> Option<Map<String, Value>> {
    let (info, value) = rodata(map_ids)?;
    let btf = Btf::parse(&sys::btf_raw(info.btf_id).ok()?).ok()?;
    let mut out = Map::new();
    for var in btf.datasec_vars(info.btf_value_type_id)? {
        let Some(name) = btf.type_name(var.ty).and_then(|n| n.strip_prefix(PREFIX)) else { continue };
        let ty = btf.referenced(var.ty)?;
        let start = var.offset as usize;
        let bytes = value.get(start..start.checked_add(var.size as usize)?)?;
        out.insert(name.to_string(), btf.to_json(ty, bytes).ok()?);
    }
    (!out.is_empty()).then_some(out)
}

/// The `.rodata` map's info and its one value. bpftool gives up at the first
/// map it cannot open or read, so this does too, rather than look further.
fn rodata(map_ids: &[u32]) -> Option<(sys::bpf_map_info, Vec<u8>)> {
    for &id in map_ids {
        let fd = sys::get_fd_by_id(Kind::Map, id).ok()?;
        let info = sys::map_info(fd.as_fd()).ok()?;
        if info.type_ != crate::kinds::ARRAY
            || info.key_size != 4
            || info.max_entries != 1
            || info.btf_value_type_id == 0
            || !crate::pins::c_name(&info.name).contains(".rodata")
        {
            continue;
        }
        let mut value = vec![0u8; info.value_size as usize];
        return match sys::map::lookup(fd.as_fd(), &0u32.to_ne_bytes(), &mut value) {
            Ok(true) => Some((info, value)),
            _ => None,
        };
    }
    None
}
