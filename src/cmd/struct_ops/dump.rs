//! `struct_ops dump`: each map's `bpf_map_info` and its kernel value, typed
//! by vmlinux BTF, in bpftool's writer: pretty JSON-like text in plain mode
//! (pointers as `%p`), JSON with `-j`. As bpftool 7.1, `id N` prints the two
//! objects without an enclosing array; all maps or `name` are an array.

use std::os::fd::AsFd;

use anyhow::{Context, Result};

use super::{Found, Sel, select};
use crate::btf::pretty::{DumpOpts, JsonWriter};
use crate::btf::{Btf, BtfKind};
use crate::loader::kernel::Kernel;
use crate::output::{Mode, Out};
use crate::sys::{self, Kind};

/// The BTF name of a program's main function (from its func info), as
/// bpftool names a program a function pointer holds.
fn prog_name(id: u32) -> Option<String> {
    let fd = sys::get_fd_by_id(Kind::Prog, id).ok()?;
    let i = sys::prog_info(fd.as_fd()).ok()?;
    let &(_, type_id) = i.func_info.first()?;
    if i.info.btf_id == 0 {
        return None;
    }
    let btf = Btf::parse(&sys::btf_raw(i.info.btf_id).ok()?).ok()?;
    btf.type_name(type_id).map(str::to_string)
}

fn one(w: &mut JsonWriter, kb: &Btf, info_id: u32, f: &Found, o: &DumpOpts<'_>) -> Result<()> {
    let raw = sys::map_info_bytes(f.fd.as_fd()).context("reading map info")?;
    let size = kb.type_size(info_id).unwrap_or(0).min(raw.len() as u32) as usize;
    let mut value = vec![0u8; f.info.value_size as usize];
    let found = sys::map::lookup(f.fd.as_fd(), &0u32.to_ne_bytes(), &mut value).unwrap_or(false);
    if !found {
        anyhow::bail!(crate::error::UserError::new(
            format!("can't lookup struct_ops map {} id {}", f.name, f.info.id),
            "check that the map still exists (`bpfpin struct_ops show`)",
        ));
    }
    let vid = f.info.btf_vmlinux_value_type_id;
    w.start_object();
    w.name("bpf_map_info");
    kb.dump_value(w, info_id, &raw[..size], o)?;
    w.end_object();
    w.start_object();
    w.name(kb.type_name(vid).unwrap_or_default());
    kb.dump_value(w, vid, &value, o)?;
    w.end_object();
    Ok(())
}

pub fn dump(out: &mut Out, sel: &Sel) -> Result<()> {
    let found = select(sel)?;
    let kernel = Kernel::new();
    let kb = kernel.vmlinux()?;
    let info_id = kb.find_by_name_kind("bpf_map_info", BtfKind::Struct).context("vmlinux BTF has no bpf_map_info")?;
    let (plain, pretty) = match out.mode {
        Mode::Plain => (true, true),
        Mode::Json { pretty } => (false, pretty),
    };
    let names: &dyn Fn(u32) -> Option<String> = &prog_name;
    let o = DumpOpts { plain, prog_name: Some(names) };
    let mut w = JsonWriter::new(pretty);
    let bare = matches!(sel, Sel::Id(_));
    if !bare {
        w.start_array();
    }
    for f in &found {
        one(&mut w, kb, info_id, f, &o)?;
    }
    if !bare {
        w.end_array();
    }
    let mut text = w.into_string();
    text.push('\n');
    out.writer().write_all(text.as_bytes())?;
    Ok(())
}
