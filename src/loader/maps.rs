//! Stage `maps` of the loader (see mod.rs): every map an object defines, in
//! the order and with the names libbpf gives them, so `map idx N` in a
//! relocated program, bpftool's pin names and `map show` all agree with a
//! libbpf load.
//!
//! Sources, in libbpf's order: legacy `SEC("maps")` definitions (libbpf 1.x
//! refuses them; aya and iproute2 accept them and so does bpfpin), BTF
//! `SEC(".maps")` definitions (ordered by their offset in the section, as
//! libbpf's DATASEC fix-up sorts them), one array map per non-empty
//! global-data section, then struct_ops variables. The `.kconfig` map is the
//! externs stage's; only its name comes from here (`internal_name`). aya-obj
//! names global-data maps after the bare section (`.bss`) where libbpf
//! prefixes the object name (`xdp_coun.bss`), refuses static `.values`
//! initialisers and has no struct_ops; all three are done libbpf's way here.

use anyhow::{Context, Result, anyhow, ensure};
use aya_obj::generated::{self as k, bpf_map_type as mt};
use object::read::elf::{ElfFile64, ElfSymbol64, SectionHeader as _};
use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget, SectionIndex, SymbolKind};

use crate::btf::{Btf, BtfKind};
use crate::error::UserError;

/// The kernel's name length including the NUL (`BPF_OBJ_NAME_LEN`).
const OBJ_NAME_LEN: usize = 16;
/// A legacy definition needs at least `type`..`map_flags`, as aya requires.
const LEGACY_MIN: usize = 20;
/// BPF pointers are 8 bytes whatever the host: `.values` slots are 8 apart.
const BPF_PTR: u64 = 8;
/// libbpf's `LIBBPF_PIN_BY_NAME` (bpf_helpers.h), which aya_obj does not carry.
const PIN_BY_NAME: u32 = 1;
/// iproute2's `PIN_GLOBAL_NS`: one shared name space, the closest bpfpin has to by-name.
const PIN_GLOBAL_NS: u32 = 2;

const FIX_REBUILD: &str = "rebuild the object with `clang -O2 -g -target bpf -c FILE.c`, declaring maps with \
                           bpf_helpers.h's __uint, __type and __array in SEC(\".maps\")";

/// One map as the loader will create it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapDef {
    /// libbpf's name (a BTF map's variable name, `xdp_coun.bss` for data);
    /// the kernel keeps the first 15 bytes.
    pub name: String,
    pub origin: Origin,
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    /// As written: a ring buffer's is rounded up at creation (`ringbuf_entries`).
    pub max_entries: u32,
    /// Including what libbpf adds: `BPF_F_RDONLY_PROG` for `.rodata*`,
    /// `BPF_F_MMAPABLE` for data maps, `BPF_F_LINK` for `.struct_ops.link`.
    pub map_flags: u32,
    pub numa_node: u32,
    pub map_extra: u64,
    /// `LIBBPF_PIN_BY_NAME` (legacy: pinning 1 as aya reads it, or iproute2's 2).
    pub pin_by_name: bool,
    /// Object BTF ids, 0 where libbpf ends up creating the map without them.
    pub btf_key_type_id: u32,
    pub btf_value_type_id: u32,
    /// Initial contents of `.data*`/`.rodata*` (not `.bss`: zeros), or a
    /// struct_ops variable's bytes in the object's layout.
    pub data: Option<Vec<u8>>,
    /// Frozen once initialised (`.rodata*`), as libbpf does.
    pub freeze: bool,
    /// Map-in-map: the inner map's template, named `OUTER.inner`, created
    /// first and closed once the outer map exists, as libbpf does (its
    /// origin is the outer map's).
    pub inner: Option<Box<MapDef>>,
    /// Slots to fill once every map and program exists, by index: for a
    /// prog array a program's name, for a map of maps a map's name (both
    /// from `.values = { [i] = &sym }`, or iproute2's `inner_idx`); for
    /// struct_ops (member index in the object's struct, program name).
    pub init: Vec<(u32, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `SEC("maps") struct bpf_map_def`; `symbol` is the ELF symbol index.
    Legacy { symbol: usize },
    /// `SEC(".maps")` BTF-defined map; `symbol` is the ELF symbol index.
    Btf { symbol: usize },
    /// A global-data section (`.data*`, `.rodata*`, `.bss*`), by ELF section
    /// index: ld_imm64 relocations against its symbols point into this map.
    Data { section: usize },
    /// `.kconfig`, created by the externs stage.
    Kconfig,
    /// A `.struct_ops`/`.struct_ops.link` variable (ELF symbol index). A
    /// map from a `?.struct_ops*` section is not created unless asked for,
    /// as libbpf's autocreate. `value_size` and `btf_value_type_id` are the
    /// object's struct; the kernel's `bpf_struct_ops_NAME` value type and
    /// size come from vmlinux BTF at creation (BPF_MAP_CREATE gets no
    /// object value type id), and `init` holds (member index, program).
    StructOps { symbol: usize },
}

/// libbpf's object name: the file's basename cut to 15 bytes, then at its
/// first '.' (`xdp_count.bpf.o` → `xdp_count`).
pub fn object_name(path: &std::path::Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let base = path.file_name().unwrap_or(path.as_os_str()).as_bytes();
    let base = &base[..base.len().min(OBJ_NAME_LEN - 1)];
    let base = base.split(|&b| b == b'.').next().unwrap_or_default();
    String::from_utf8_lossy(base).into_owned()
}

/// libbpf's name for the map of a global-data section: up to 8 bytes of the
/// object name (7 for `.kconfig`, fewer when the section name is longer)
/// then the section name, e.g. `xdp_coun.bss`; a section name with a second
/// '.' (`.rodata.str1.1`) stands alone. At most 15 bytes, characters other
/// than `[A-Za-z0-9_.]` become '_'.
pub fn internal_name(obj_name: &str, section: &str) -> String {
    let max = OBJ_NAME_LEN - 1;
    let sec = section.as_bytes();
    let sfx_len = sec.len().max(7).min(max);
    let custom = sec.get(1..).is_some_and(|rest| rest.contains(&b'.'));
    let obj = obj_name.as_bytes();
    let pfx_len = if custom { 0 } else { (max - sfx_len).min(obj.len()) };
    obj[..pfx_len]
        .iter()
        .chain(&sec[..sfx_len.min(sec.len())])
        .map(|&b| if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' { b as char } else { '_' })
        .collect()
}

/// The `max_entries` libbpf gives a ring buffer at creation: the smallest
/// power-of-two multiple of the page size holding `size` (0 and sizes that
/// already fit pass through, as do sizes no such multiple can hold).
pub fn ringbuf_entries(size: u32, page_size: u32) -> u32 {
    if size == 0 || page_size == 0 {
        return size;
    }
    if size.is_multiple_of(page_size) && (size / page_size).is_power_of_two() {
        return size;
    }
    let mut mul: u32 = 1;
    while let Some(total) = mul.checked_mul(page_size) {
        if total > size {
            return total;
        }
        match mul.checked_mul(2) {
            Some(next) => mul = next,
            None => break,
        }
    }
    size
}

/// Every map `elf` defines, in libbpf's order: legacy `maps`, BTF `.maps`
/// (by offset), global-data sections (by section index), then struct_ops
/// variables (by section, then offset). libbpf's `.kconfig` map goes between
/// the last `Origin::Data` map and the first `Origin::StructOps` one. `btf`
/// is the object's own `.BTF`; `obj_name` comes from `object_name`.
pub fn collect(elf: &ElfFile64<'_>, btf: Option<&Btf>, obj_name: &str) -> Result<Vec<MapDef>> {
    let sections = classify(elf);
    let need_btf = |what: &str| {
        btf.ok_or_else(|| {
            UserError::new(
                format!("object {obj_name} defines {what} but has no .BTF section to read them from"),
                "build it with -g (`clang -O2 -g -target bpf -c FILE.c`) and do not strip .BTF",
            )
        })
    };
    let mut maps = Vec::new();
    if let Some(idx) = sections.legacy {
        maps.extend(legacy_maps(elf, btf, idx, obj_name)?);
    }
    if let Some(idx) = sections.btf_maps {
        maps.extend(btf_maps(elf, need_btf("maps in SEC(\".maps\")")?, idx, obj_name)?);
    }
    for (idx, kind) in sections.data {
        maps.push(data_map(elf, btf, idx, kind, obj_name)?);
    }
    for idx in sections.struct_ops {
        maps.extend(struct_ops_maps(elf, need_btf("struct_ops maps")?, idx, obj_name)?);
    }
    Ok(maps)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DataKind {
    Data,
    Rodata,
    Bss,
}

#[derive(Default)]
struct Sections {
    legacy: Option<SectionIndex>,
    btf_maps: Option<SectionIndex>,
    data: Vec<(SectionIndex, DataKind)>,
    struct_ops: Vec<SectionIndex>,
}

fn is_or_has_prefix(name: &str, base: &str) -> bool {
    name.strip_prefix(base).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Sections by role, as libbpf's `bpf_object__elf_collect` sorts them.
fn classify(elf: &ElfFile64<'_>) -> Sections {
    let endian = elf.endian();
    let mut out = Sections::default();
    for s in elf.sections() {
        let Ok(name) = s.name() else { continue };
        let hdr = s.elf_section_header();
        let sh_type = hdr.sh_type(endian);
        let exec = hdr.sh_flags(endian) & u64::from(object::elf::SHF_EXECINSTR) != 0;
        let size = s.size();
        match name {
            "maps" => out.legacy = Some(s.index()),
            ".maps" => out.btf_maps = Some(s.index()),
            _ if sh_type == object::elf::SHT_PROGBITS && size > 0 && !exec => {
                if is_or_has_prefix(name, ".data") {
                    out.data.push((s.index(), DataKind::Data));
                } else if is_or_has_prefix(name, ".rodata") {
                    out.data.push((s.index(), DataKind::Rodata));
                } else if matches!(name, ".struct_ops" | ".struct_ops.link" | "?.struct_ops" | "?.struct_ops.link") {
                    out.struct_ops.push(s.index());
                }
            }
            _ if sh_type == object::elf::SHT_NOBITS && size > 0 && is_or_has_prefix(name, ".bss") => {
                out.data.push((s.index(), DataKind::Bss));
            }
            _ => {}
        }
    }
    out
}

fn bad(obj: &str, map: &str, what: impl std::fmt::Display) -> anyhow::Error {
    UserError::new(format!("map '{map}' of object {obj}: {what}"), FIX_REBUILD).into()
}

fn le32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4).map_or(0, |w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
}

/// A definition with every field zero or empty, for the stages to fill in.
pub fn empty(name: String, origin: Origin) -> MapDef {
    MapDef {
        name,
        origin,
        map_type: 0,
        key_size: 0,
        value_size: 0,
        max_entries: 0,
        map_flags: 0,
        numa_node: 0,
        map_extra: 0,
        pin_by_name: false,
        btf_key_type_id: 0,
        btf_value_type_id: 0,
        data: None,
        freeze: false,
        inner: None,
        init: Vec::new(),
    }
}

// ---- legacy SEC("maps") -----------------------------------------------------------------

/// `struct bpf_map_def` records, read as far as each symbol's size reaches:
/// libbpf 0.x's five fields, then aya's `id` and `pinning` and iproute2's
/// `inner_id`/`inner_idx` (`struct bpf_elf_map`; missing fields read 0, as
/// iproute2's fix-up leaves them). Symbol-table order, as libbpf 0.x walks
/// them. Key/value BTF ids come from a `____btf_map_NAME` struct
/// (`BPF_ANNOTATE_KV_PAIR`), as libbpf 0.x and iproute2 read them.
fn legacy_maps(elf: &ElfFile64<'_>, btf: Option<&Btf>, idx: SectionIndex, obj: &str) -> Result<Vec<MapDef>> {
    let section = elf.section_by_index(idx).context("legacy maps section")?;
    let data = section.data().map_err(|e| bad(obj, "maps", format!("section unreadable: {e}")))?;
    let syms: Vec<ElfSymbol64<'_, '_>> = elf
        .symbols()
        .filter(|s| s.section_index() == Some(idx) && !matches!(s.kind(), SymbolKind::Section | SymbolKind::File))
        .collect();
    ensure!(
        !syms.is_empty() || data.is_empty(),
        UserError::new(format!("object {obj}: the legacy maps section has no symbols naming its maps"), FIX_REBUILD)
    );
    // Old compilers left st_size 0: libbpf 0.x assumed equally sized records.
    let even = (data.len() as u64).checked_div(syms.len() as u64).unwrap_or(0);
    // (id, inner_id, inner_idx, map)
    let mut out: Vec<(u32, u32, u32, MapDef)> = Vec::new();
    // samples/bpf's 28-byte `struct bpf_map_def` ends in inner_map_idx and
    // numa_node where aya's ends in id and pinning, and iproute2's goes on
    // to inner_id at 28: a record too short for iproute2's that is a map of
    // maps or asks for a NUMA node can only be samples/bpf's. Its inner map
    // is the inner_map_idx-th map in section order. (symbol, address, idx)
    let mut samples_inner: Vec<(usize, u64, u32)> = Vec::new();
    for sym in &syms {
        let name = sym.name().map_err(|e| anyhow!("object {obj}: legacy map symbol {}: {e}", sym.index().0))?;
        let size = if sym.size() > 0 { sym.size() } else { even };
        let rec = sym
            .address()
            .checked_add(size)
            .and_then(|end| data.get(usize::try_from(sym.address()).ok()?..usize::try_from(end).ok()?))
            .ok_or_else(|| bad(obj, name, "its definition runs past the end of the maps section"))?;
        ensure!(
            rec.len() >= LEGACY_MIN,
            bad(obj, name, format!("its definition has {} bytes, at least {LEGACY_MIN} are needed", rec.len()))
        );
        let mut m = empty(name.to_string(), Origin::Legacy { symbol: sym.index().0 });
        m.map_type = le32(rec, 0);
        m.key_size = le32(rec, 4);
        m.value_size = le32(rec, 8);
        m.max_entries = le32(rec, 12);
        m.map_flags = le32(rec, 16);
        let samples_layout =
            rec.len() < 36 && (is_map_in_map(m.map_type) || m.map_flags & aya_obj::generated::BPF_F_NUMA_NODE != 0);
        if samples_layout {
            m.numa_node = le32(rec, 24);
            // samples/bpf created maps of maps with bpf_create_map_in_map,
            // which sets the value size (an fd) itself.
            if is_map_in_map(m.map_type) && m.value_size == 0 {
                m.value_size = 4;
            }
            samples_inner.push((out.len(), sym.address(), le32(rec, 20)));
        } else {
            m.pin_by_name = match le32(rec, 24) {
                0 => false,
                PIN_BY_NAME | PIN_GLOBAL_NS => true,
                other => {
                    return Err(bad(
                        obj,
                        name,
                        format!("pinning {other} is not supported (0 none, 1 by name, 2 iproute2's global namespace)"),
                    ));
                }
            };
        }
        if let Some((key, value)) = btf.and_then(|b| annotated_kv(b, &m)) {
            (m.btf_key_type_id, m.btf_value_type_id) = (key, value);
        }
        drop_refused_btf(&mut m);
        out.push((le32(rec, 20), le32(rec, 28), le32(rec, 32), m));
    }
    // iproute2's maps of maps: the outer's inner_id is the `id` of the map
    // used as inner template, and a map with an id and an inner_idx other
    // than -1 goes into slot inner_idx of every outer naming its id.
    let mut by_address: Vec<(u64, usize)> = Vec::new();
    for (k, sym) in syms.iter().enumerate() {
        by_address.push((sym.address(), k));
    }
    by_address.sort();
    for &(j, _, idx) in &samples_inner {
        if !is_map_in_map(out[j].3.map_type) {
            continue;
        }
        let Some(&(_, t)) = by_address.get(idx as usize) else {
            return Err(bad(obj, &out[j].3.name, format!("its inner_map_idx {idx} names no map of this object")));
        };
        let mut inner = out[t].3.clone();
        inner.name = format!("{}.inner", out[j].3.name);
        inner.pin_by_name = false;
        inner.init.clear();
        out[j].3.inner = Some(Box::new(inner));
    }
    for j in 0..out.len() {
        let (_, inner_id, _, outer) = &out[j];
        if !is_map_in_map(outer.map_type) || samples_inner.iter().any(|s| s.0 == j) {
            continue;
        }
        let template = (*inner_id != 0).then(|| out.iter().find(|(id, ..)| id == inner_id)).flatten();
        let Some((_, _, _, template)) = template else {
            return Err(bad(obj, &outer.name, format!("its inner_id {inner_id} names no map's id in this object")));
        };
        let mut inner = template.clone();
        inner.name = format!("{}.inner", outer.name);
        inner.pin_by_name = false;
        inner.init.clear();
        let slots: Vec<(u32, String)> = out
            .iter()
            .filter(|(id, iid, idx, _)| *id != 0 && id == inner_id && *iid == 0 && *idx != u32::MAX)
            .map(|(_, _, idx, m)| (*idx, m.name.clone()))
            .collect();
        let outer = &mut out[j].3;
        outer.inner = Some(Box::new(inner));
        outer.init = slots;
        outer.init.sort_by_key(|(i, _)| *i);
    }
    Ok(out.into_iter().map(|(.., m)| m).collect())
}

/// `BPF_ANNOTATE_KV_PAIR(name, key, value)`'s `struct ____btf_map_NAME
/// { key; value; }`, when its member sizes match the definition.
fn annotated_kv(btf: &Btf, m: &MapDef) -> Option<(u32, u32)> {
    let id = btf.find_by_name_kind(&format!("____btf_map_{}", m.name), BtfKind::Struct)?;
    let members = btf.composite_members(id)?;
    let [key, value] = members.as_slice() else { return None };
    (key.name == "key"
        && value.name == "value"
        && btf.type_size(key.ty) == Some(m.key_size)
        && btf.type_size(value.ty) == Some(m.value_size))
    .then_some((key.ty, value.ty))
}

// ---- BTF SEC(".maps") -------------------------------------------------------------------

fn is_map_in_map(t: u32) -> bool {
    t == mt::BPF_MAP_TYPE_ARRAY_OF_MAPS as u32 || t == mt::BPF_MAP_TYPE_HASH_OF_MAPS as u32
}

/// Map types created without BTF key/value ids: libbpf clears them for
/// these, and the kernel refuses them for prog arrays and ring buffers
/// (libbpf then retries without, so the end result is the same).
fn drop_refused_btf(m: &mut MapDef) {
    const REFUSED: &[mt] = &[
        mt::BPF_MAP_TYPE_PERF_EVENT_ARRAY,
        mt::BPF_MAP_TYPE_CGROUP_ARRAY,
        mt::BPF_MAP_TYPE_STACK_TRACE,
        mt::BPF_MAP_TYPE_ARRAY_OF_MAPS,
        mt::BPF_MAP_TYPE_HASH_OF_MAPS,
        mt::BPF_MAP_TYPE_DEVMAP,
        mt::BPF_MAP_TYPE_DEVMAP_HASH,
        mt::BPF_MAP_TYPE_CPUMAP,
        mt::BPF_MAP_TYPE_XSKMAP,
        mt::BPF_MAP_TYPE_SOCKMAP,
        mt::BPF_MAP_TYPE_SOCKHASH,
        mt::BPF_MAP_TYPE_QUEUE,
        mt::BPF_MAP_TYPE_STACK,
        mt::BPF_MAP_TYPE_ARENA,
        mt::BPF_MAP_TYPE_PROG_ARRAY,
        mt::BPF_MAP_TYPE_RINGBUF,
        mt::BPF_MAP_TYPE_USER_RINGBUF,
    ];
    if REFUSED.iter().any(|&t| t as u32 == m.map_type) {
        m.btf_key_type_id = 0;
        m.btf_value_type_id = 0;
    }
    // A ring buffer has no key or value: the kernel refuses sizes (libbpf
    // passes them on and fails). bpfpin takes `__type(value, struct event)`
    // as what it is in such sources, the record's type, which stays in the
    // object's BTF for `map events` to print records with.
    if m.map_type == mt::BPF_MAP_TYPE_RINGBUF as u32 || m.map_type == mt::BPF_MAP_TYPE_USER_RINGBUF as u32 {
        m.key_size = 0;
        m.value_size = 0;
    }
}

/// A `.maps` or `.struct_ops` variable placed in its section.
struct Placed {
    var: u32,
    name: String,
    symbol: usize,
    offset: u64,
    size: u64,
}

/// The variables of DATASEC `sec_name` placed in their ELF section, sorted by
/// offset, as libbpf's `btf_fixup_datasec` leaves them.
fn place_vars(elf: &ElfFile64<'_>, btf: &Btf, sec_name: &str, sec_size: u64, obj: &str) -> Result<Vec<Placed>> {
    let datasec = btf.find_by_name_kind(sec_name, BtfKind::Datasec).ok_or_else(|| {
        UserError::new(
            format!("object {obj} has a {sec_name} section but no DATASEC '{sec_name}' in its BTF"),
            FIX_REBUILD,
        )
    })?;
    let vars = btf.datasec_vars(datasec).unwrap_or_default();
    // clang leaves DATASEC sizes and offsets 0; libbpf then takes the offsets
    // from the ELF symbols (a linked object has them filled in already).
    let fix_offsets = btf.datasec_size(datasec) == Some(0);
    let mut placed = Vec::new();
    for (i, v) in vars.iter().enumerate() {
        let name = btf.type_name(v.ty).unwrap_or_default().to_string();
        if name.is_empty() {
            return Err(bad(obj, &format!("#{i}"), "the map has no name"));
        }
        if btf.kind(v.ty) != Some(BtfKind::Var) {
            return Err(bad(obj, &name, format!("its {sec_name} entry is not a variable")));
        }
        if btf.var_linkage(v.ty) != Some(k::BTF_VAR_GLOBAL_ALLOCATED) {
            return Err(bad(obj, &name, "it is static or extern; maps must be global variables"));
        }
        let sym = var_symbol(elf, &name).ok_or_else(|| bad(obj, &name, "no ELF symbol names it"))?;
        let offset = if fix_offsets { sym.address() } else { u64::from(v.offset) };
        let size = u64::from(v.size);
        if offset.checked_add(size).is_none_or(|end| end > sec_size) {
            return Err(bad(obj, &name, format!("its definition runs past the end of the {sec_name} section")));
        }
        placed.push(Placed { var: v.ty, name, symbol: sym.index().0, offset, size });
    }
    placed.sort_by_key(|p| p.offset);
    Ok(placed)
}

fn btf_maps(elf: &ElfFile64<'_>, btf: &Btf, idx: SectionIndex, obj: &str) -> Result<Vec<MapDef>> {
    let section = elf.section_by_index(idx).context(".maps section")?;
    let placed = place_vars(elf, btf, ".maps", section.size(), obj)?;

    let mut maps = Vec::new();
    for p in &placed {
        let def_id = btf
            .referenced(p.var)
            .and_then(|t| btf.resolve(t).ok())
            .filter(|&d| btf.kind(d) == Some(BtfKind::Struct))
            .ok_or_else(|| bad(obj, &p.name, "its definition is not a struct"))?;
        if btf.type_size(def_id).is_none_or(|s| u64::from(s) > p.size) {
            return Err(bad(obj, &p.name, "its definition is larger than its variable"));
        }
        let (def, inner) = parse_def(btf, def_id, &p.name, false, obj)?;
        let mut m = def.into_map(p.name.clone(), Origin::Btf { symbol: p.symbol });
        if let Some(inner) = inner {
            let mut im = inner.into_map(format!("{}.inner", p.name), Origin::Btf { symbol: p.symbol });
            im.pin_by_name = false;
            drop_refused_btf(&mut im);
            m.inner = Some(Box::new(im));
        }
        drop_refused_btf(&mut m);
        maps.push(m);
    }
    init_slots(elf, btf, &section, &placed, &mut maps, obj)?;
    Ok(maps)
}

/// The symbol libbpf matches a DATASEC variable with (`find_elf_var_sym`):
/// the first global or weak object of that name.
fn var_symbol<'d, 'f>(elf: &'f ElfFile64<'d>, name: &str) -> Option<ElfSymbol64<'d, 'f>> {
    elf.symbols().find(|s| {
        let st = s.elf_symbol();
        st.st_type() == object::elf::STT_OBJECT
            && matches!(st.st_bind(), object::elf::STB_GLOBAL | object::elf::STB_WEAK)
            && s.name() == Ok(name)
    })
}

/// A definition's attributes as `parse_btf_map_def` collects them.
#[derive(Default)]
struct Parsed {
    map_type: u32,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
    map_flags: u32,
    numa_node: u32,
    map_extra: u64,
    pinning: u32,
    key_type: u32,
    value_type: u32,
}

impl Parsed {
    fn into_map(self, name: String, origin: Origin) -> MapDef {
        let mut m = empty(name, origin);
        m.map_type = self.map_type;
        m.key_size = self.key_size;
        m.value_size = self.value_size;
        m.max_entries = self.max_entries;
        m.map_flags = self.map_flags;
        m.numa_node = self.numa_node;
        m.map_extra = self.map_extra;
        m.pin_by_name = self.pinning == PIN_BY_NAME;
        m.btf_key_type_id = self.key_type;
        m.btf_value_type_id = self.value_type;
        m
    }
}

/// `__uint(name, N)`: a pointer to an array of N elements.
fn field_int(btf: &Btf, ty: u32, map: &str, field: &str, obj: &str) -> Result<u32> {
    let ptr = btf.resolve(ty).ok().filter(|&t| btf.kind(t) == Some(BtfKind::Ptr));
    let ptr = ptr.ok_or_else(|| bad(obj, map, format!("attribute '{field}' is not a pointer (use __uint)")))?;
    btf.referenced(ptr)
        .and_then(|a| btf.array_info(a))
        .map(|(_, n)| n)
        .ok_or_else(|| bad(obj, map, format!("attribute '{field}' does not point to an array (use __uint)")))
}

/// `__ulong(name, N)`: an enum with one enumerator, or an `__uint` pointer.
fn field_long(btf: &Btf, ty: u32, map: &str, field: &str, obj: &str) -> Result<u64> {
    let t = btf.resolve(ty).map_err(|e| bad(obj, map, format!("attribute '{field}': {e}")))?;
    if btf.kind(t) == Some(BtfKind::Ptr) {
        return field_int(btf, ty, map, field, obj).map(u64::from);
    }
    btf.sole_enum_value(t)
        .ok_or_else(|| bad(obj, map, format!("attribute '{field}' is neither a pointer nor a one-value enum")))
}

/// `__type(key|value, T)`: a pointer to T, whose size is the key or value size.
fn field_type(btf: &Btf, ty: u32, map: &str, field: &str, obj: &str) -> Result<(u32, u32)> {
    if btf.kind(ty) != Some(BtfKind::Ptr) {
        return Err(bad(obj, map, format!("'{field}' is not a pointer (use __type)")));
    }
    let target = btf.referenced(ty).unwrap_or(0);
    let size = btf
        .type_size(target)
        .ok_or_else(|| bad(obj, map, format!("the size of its {field} type [{target}] cannot be determined")))?;
    Ok((target, size))
}

fn set_size(slot: &mut u32, size: u32, map: &str, what: &str, obj: &str) -> Result<()> {
    if *slot != 0 && *slot != size {
        return Err(bad(obj, map, format!("conflicting {what} sizes {} and {size}", *slot)));
    }
    *slot = size;
    Ok(())
}

/// libbpf's `parse_btf_map_def`, strict (unknown attributes are errors, as
/// bpftool loads): the definition and, for a map-in-map, its inner one.
fn parse_def(btf: &Btf, def: u32, map: &str, is_inner: bool, obj: &str) -> Result<(Parsed, Option<Parsed>)> {
    let members = btf.composite_members(def).ok_or_else(|| bad(obj, map, "its definition is not a struct"))?;
    let mut p = Parsed::default();
    let mut inner = None;
    for (i, m) in members.iter().enumerate() {
        let field = m.name.as_str();
        match field {
            "type" => p.map_type = field_int(btf, m.ty, map, field, obj)?,
            "max_entries" => p.max_entries = field_int(btf, m.ty, map, field, obj)?,
            "map_flags" => p.map_flags = field_int(btf, m.ty, map, field, obj)?,
            "numa_node" => p.numa_node = field_int(btf, m.ty, map, field, obj)?,
            "key_size" => {
                let sz = field_int(btf, m.ty, map, field, obj)?;
                set_size(&mut p.key_size, sz, map, "key", obj)?;
            }
            "value_size" => {
                let sz = field_int(btf, m.ty, map, field, obj)?;
                set_size(&mut p.value_size, sz, map, "value", obj)?;
            }
            "key" => {
                let (id, sz) = field_type(btf, m.ty, map, field, obj)?;
                set_size(&mut p.key_size, sz, map, "key", obj)?;
                p.key_type = id;
            }
            "value" => {
                let (id, sz) = field_type(btf, m.ty, map, field, obj)?;
                set_size(&mut p.value_size, sz, map, "value", obj)?;
                p.value_type = id;
            }
            "values" => {
                let prog_array = p.map_type == mt::BPF_MAP_TYPE_PROG_ARRAY as u32;
                if is_inner {
                    return Err(bad(obj, map, "inner maps cannot have inner maps of their own"));
                }
                if i + 1 != members.len() {
                    return Err(bad(obj, map, "'values' must be the last attribute"));
                }
                if !is_map_in_map(p.map_type) && !prog_array {
                    return Err(bad(obj, map, "'values' needs a map-in-map or prog-array type, given before it"));
                }
                set_size(&mut p.value_size, 4, map, "value", obj)?;
                let elem = btf
                    .array_info(m.ty)
                    .filter(|&(_, n)| n == 0)
                    .map(|(e, _)| e)
                    .ok_or_else(|| bad(obj, map, "'values' is not a zero-sized array (use __array)"))?;
                let pointee = btf
                    .resolve(elem)
                    .ok()
                    .filter(|&t| btf.kind(t) == Some(BtfKind::Ptr))
                    .and_then(|t| btf.referenced(t))
                    .and_then(|t| btf.resolve(t).ok())
                    .ok_or_else(|| bad(obj, map, "'values' does not hold pointers (use __array)"))?;
                if prog_array {
                    if btf.kind(pointee) != Some(BtfKind::FuncProto) {
                        return Err(bad(obj, map, "a prog array's 'values' must point to functions"));
                    }
                    continue;
                }
                if btf.kind(pointee) != Some(BtfKind::Struct) {
                    return Err(bad(obj, map, "a map-in-map's 'values' must point to a map definition struct"));
                }
                let inner_name = format!("{map}.inner");
                inner = Some(parse_def(btf, pointee, &inner_name, true, obj)?.0);
            }
            "pinning" => {
                if is_inner {
                    return Err(bad(obj, map, "an inner map cannot be pinned"));
                }
                let v = field_int(btf, m.ty, map, field, obj)?;
                if v > PIN_BY_NAME {
                    return Err(bad(obj, map, format!("pinning {v} is not supported (0 none, 1 by name)")));
                }
                p.pinning = v;
            }
            "map_extra" => p.map_extra = field_long(btf, m.ty, map, field, obj)?,
            other => return Err(bad(obj, map, format!("unknown attribute '{other}'"))),
        }
    }
    if p.map_type == mt::BPF_MAP_TYPE_UNSPEC as u32 {
        return Err(bad(obj, map, "its type is not given (__uint(type, ...))"));
    }
    Ok((p, inner))
}

/// `.values = { [i] = &x }`: relocations of the `.maps` section, as libbpf's
/// `bpf_object__collect_map_relos` reads them.
fn init_slots(
    elf: &ElfFile64<'_>,
    btf: &Btf,
    section: &object::read::elf::ElfSection64<'_, '_>,
    placed: &[Placed],
    maps: &mut [MapDef],
    obj: &str,
) -> Result<()> {
    let endian = elf.endian();
    for (r_offset, rel) in section.relocations() {
        let RelocationTarget::Symbol(si) = rel.target() else {
            return Err(bad(obj, ".maps", format!("relocation at {r_offset} has no symbol")));
        };
        let sym = elf
            .symbol_by_index(si)
            .map_err(|_| bad(obj, ".maps", format!("relocation at {r_offset} names symbol {} out of range", si.0)))?;
        let sym_name = sym.name().unwrap_or("<?>").to_string();
        let at = placed
            .iter()
            .position(|p| p.offset <= r_offset && r_offset.saturating_add(BPF_PTR) <= p.offset + p.size)
            .ok_or_else(|| bad(obj, &sym_name, format!("no map holds its .maps reference at {r_offset}")))?;
        let (p, map) = (&placed[at], &mut maps[at]);
        if is_map_in_map(map.map_type) {
            if sym.section_index() != Some(section.index()) {
                return Err(bad(obj, &map.name, format!("slot value '{sym_name}' is not a BTF-defined map")));
            }
            if map.map_type == mt::BPF_MAP_TYPE_HASH_OF_MAPS as u32 && map.key_size != 4 {
                return Err(bad(obj, &map.name, "a hash of maps with static slots needs 4-byte keys"));
            }
            if !placed.iter().any(|q| q.name == sym_name) {
                return Err(bad(obj, &map.name, format!("slot value '{sym_name}' is not a map of this object")));
            }
        } else if map.map_type == mt::BPF_MAP_TYPE_PROG_ARRAY as u32 {
            let entry = sym.kind() == SymbolKind::Text
                && sym.section_index().and_then(|i| elf.section_by_index(i).ok()).is_some_and(|s| {
                    s.name() != Ok(".text")
                        && s.elf_section_header().sh_flags(endian) & u64::from(object::elf::SHF_EXECINSTR) != 0
                });
            if !entry {
                return Err(bad(obj, &map.name, format!("slot value '{sym_name}' is not an entry-point program")));
            }
        } else {
            return Err(bad(
                obj,
                &map.name,
                format!("only prog arrays and maps of maps take static values ('{sym_name}')"),
            ));
        }
        let def = btf.referenced(p.var).and_then(|t| btf.resolve(t).ok()).and_then(|d| btf.composite_members(d));
        let last = def.as_ref().and_then(|m| m.last()).filter(|m| m.name == "values");
        let last = last.ok_or_else(|| bad(obj, &map.name, "static values need a last attribute 'values'"))?;
        let rel_in_map = r_offset - p.offset;
        let start = u64::from(last.bit_offset / 8);
        ensure!(
            rel_in_map >= start && (rel_in_map - start) % BPF_PTR == 0,
            bad(obj, &map.name, format!("reference to '{sym_name}' is not on a 'values' slot"))
        );
        let slot = u32::try_from((rel_in_map - start) / BPF_PTR)
            .map_err(|_| bad(obj, &map.name, "a 'values' slot index is out of range"))?;
        map.init.retain(|(i, _)| *i != slot);
        map.init.push((slot, sym_name));
    }
    for m in maps.iter_mut() {
        m.init.sort_by_key(|(i, _)| *i);
    }
    Ok(())
}

// ---- struct_ops -------------------------------------------------------------------------

/// One map per variable of a `.struct_ops`/`.struct_ops.link` section, as
/// libbpf's `init_struct_ops_maps`; function-pointer members set to
/// programs (relocations of the section) become `init` entries.
fn struct_ops_maps(elf: &ElfFile64<'_>, btf: &Btf, idx: SectionIndex, obj: &str) -> Result<Vec<MapDef>> {
    let section = elf.section_by_index(idx).context("struct_ops section")?;
    let sec_name = section.name().unwrap_or_default().to_string();
    let data = section.data().map_err(|e| bad(obj, &sec_name, format!("section unreadable: {e}")))?;
    let placed = place_vars(elf, btf, &sec_name, data.len() as u64, obj)?;
    let link = sec_name.trim_start_matches('?') == ".struct_ops.link";
    let mut maps = Vec::new();
    let mut types = Vec::new();
    for p in &placed {
        let ty = btf.referenced(p.var).and_then(|t| btf.resolve(t).ok()).unwrap_or(0);
        if btf.type_name(ty).unwrap_or_default().is_empty() {
            return Err(bad(obj, &p.name, "its struct_ops type is anonymous; name the kernel struct it implements"));
        }
        if btf.kind(ty) != Some(BtfKind::Struct) {
            return Err(bad(obj, &p.name, "its struct_ops type is not a struct"));
        }
        let size = btf.type_size(ty).unwrap_or(0);
        let bytes = usize::try_from(p.offset)
            .ok()
            .and_then(|at| data.get(at..at.checked_add(size as usize)?))
            .ok_or_else(|| bad(obj, &p.name, format!("it runs past the end of the {sec_name} section")))?;
        let mut m = empty(p.name.clone(), Origin::StructOps { symbol: p.symbol });
        m.map_type = mt::BPF_MAP_TYPE_STRUCT_OPS as u32;
        m.key_size = 4;
        m.value_size = size;
        m.max_entries = 1;
        m.map_flags = if link { k::BPF_F_LINK } else { 0 };
        m.btf_value_type_id = ty;
        m.data = Some(bytes.to_vec());
        maps.push(m);
        types.push((p.offset, u64::from(size), ty));
    }
    for (r_offset, rel) in section.relocations() {
        let RelocationTarget::Symbol(si) = rel.target() else {
            return Err(bad(obj, &sec_name, format!("relocation at {r_offset} has no symbol")));
        };
        let sym = elf
            .symbol_by_index(si)
            .map_err(|_| bad(obj, &sec_name, format!("relocation at {r_offset} names symbol {} out of range", si.0)))?;
        let at = types
            .iter()
            .position(|&(off, size, _)| off <= r_offset && r_offset - off < size)
            .ok_or_else(|| bad(obj, &sec_name, format!("no struct_ops variable holds offset {r_offset}")))?;
        let (off, _, ty) = types[at];
        let map = &mut maps[at];
        let bit = (r_offset - off) * 8;
        let members = btf.composite_members(ty).unwrap_or_default();
        let member = members
            .iter()
            .position(|m| u64::from(m.bit_offset) == bit)
            .ok_or_else(|| bad(obj, &map.name, format!("no member at byte {} takes a program", r_offset - off)))?;
        let func_ptr = btf
            .resolve(members[member].ty)
            .ok()
            .filter(|&t| btf.kind(t) == Some(BtfKind::Ptr))
            .and_then(|t| btf.referenced(t))
            .and_then(|t| btf.resolve(t).ok())
            .is_some_and(|t| btf.kind(t) == Some(BtfKind::FuncProto));
        if !func_ptr {
            return Err(bad(obj, &map.name, format!("member '{}' is not a function pointer", members[member].name)));
        }
        let sym_name = sym.name().unwrap_or("<?>");
        if sym.kind() != SymbolKind::Text || sym.address() % 8 != 0 {
            return Err(bad(
                obj,
                &map.name,
                format!("member '{}' points at '{sym_name}', not a program", members[member].name),
            ));
        }
        let member = u32::try_from(member).unwrap_or(u32::MAX);
        map.init.retain(|(i, _)| *i != member);
        map.init.push((member, sym_name.to_string()));
    }
    for m in &mut maps {
        m.init.sort_by_key(|(i, _)| *i);
    }
    Ok(maps)
}

// ---- global data ------------------------------------------------------------------------

/// One `.data*`/`.rodata*`/`.bss*` section as libbpf's internal array map.
fn data_map(elf: &ElfFile64<'_>, btf: Option<&Btf>, idx: SectionIndex, kind: DataKind, obj: &str) -> Result<MapDef> {
    let section = elf.section_by_index(idx).context("data section")?;
    let sec_name = section.name().unwrap_or_default().to_string();
    let name = internal_name(obj, &sec_name);
    let size = u32::try_from(section.size()).map_err(|_| bad(obj, &name, "its section is over 4 GiB"))?;
    let mut m = empty(name, Origin::Data { section: idx.0 });
    m.map_type = mt::BPF_MAP_TYPE_ARRAY as u32;
    m.key_size = 4;
    m.value_size = size;
    m.max_entries = 1;
    if kind == DataKind::Rodata {
        m.map_flags = k::BPF_F_RDONLY_PROG;
        m.freeze = true;
    }
    if kind != DataKind::Bss {
        let data = section.data().map_err(|e| bad(obj, &m.name, format!("section unreadable: {e}")))?;
        ensure!(data.len() == size as usize, bad(obj, &m.name, "its section is truncated"));
        m.data = Some(data.to_vec());
    }
    // Sections without a DATASEC (.rodata.str1.1) simply get no BTF.
    if let Some(id) = btf.and_then(|b| b.find_by_name(&sec_name)) {
        m.btf_value_type_id = id;
        if btf.is_some_and(|b| mmapable(elf, b, id)) {
            m.map_flags |= k::BPF_F_MMAPABLE;
        }
    }
    Ok(m)
}

/// libbpf makes a data map mmap-able when its DATASEC holds a variable a
/// skeleton could expose: not static, and its symbol not hidden/internal.
/// (bpftool 7.1's libbpf sets the flag on every data map.)
fn mmapable(elf: &ElfFile64<'_>, btf: &Btf, datasec: u32) -> bool {
    let Some(vars) = btf.datasec_vars(datasec) else { return false };
    vars.iter().any(|v| {
        btf.var_linkage(v.ty).is_some_and(|l| l != k::BTF_VAR_STATIC)
            && btf.type_name(v.ty).and_then(|n| var_symbol(elf, n)).is_none_or(|s| {
                !matches!(s.elf_symbol().st_visibility(), object::elf::STV_HIDDEN | object::elf::STV_INTERNAL)
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    type Elf<'a> = ElfFile64<'a, object::Endianness>;

    fn read(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/objects/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn btf_of(raw: &[u8]) -> Option<Btf> {
        let elf = Elf::parse(raw).unwrap();
        elf.section_by_name(".BTF").map(|s| Btf::parse(s.data().unwrap()).unwrap())
    }

    fn maps_of(raw: &[u8], obj: &str) -> Result<Vec<MapDef>> {
        let elf = Elf::parse(raw).unwrap();
        collect(&elf, btf_of(raw).as_ref(), obj)
    }

    fn brief(m: &MapDef) -> (&str, u32, u32, u32, u32, u32, u32, u32) {
        (
            m.name.as_str(),
            m.map_type,
            m.key_size,
            m.value_size,
            m.max_entries,
            m.map_flags,
            m.btf_key_type_id,
            m.btf_value_type_id,
        )
    }

    const HASH: u32 = mt::BPF_MAP_TYPE_HASH as u32;
    const ARRAY: u32 = mt::BPF_MAP_TYPE_ARRAY as u32;
    const PROG_ARRAY: u32 = mt::BPF_MAP_TYPE_PROG_ARRAY as u32;

    #[test]
    fn names_as_libbpf() {
        use std::path::Path;
        assert_eq!(object_name(Path::new("samples/xdp_count/xdp_count.bpf.o")), "xdp_count");
        assert_eq!(object_name(Path::new("globals.o")), "globals");
        // cut to 15 bytes before the '.' is looked for
        assert_eq!(object_name(Path::new("/x/a_very_long_object_name.bpf.o")), "a_very_long_obj");
        assert_eq!(internal_name("xdp_count", ".bss"), "xdp_coun.bss");
        assert_eq!(internal_name("xdp_count", ".rodata"), "xdp_coun.rodata");
        assert_eq!(internal_name("xdp_count", ".kconfig"), "xdp_cou.kconfig");
        assert_eq!(internal_name("globals", ".data"), "globals.data");
        assert_eq!(internal_name("mim", ".data.custom"), ".data.custom");
        assert_eq!(internal_name("mim", ".rodata.abracadabra"), ".rodata.abracad");
        assert_eq!(internal_name("my-obj", ".bss"), "my_obj.bss");
        assert_eq!(internal_name("", ".data"), ".data");
    }

    #[test]
    fn ringbuf_rounding() {
        assert_eq!(ringbuf_entries(5000, 4096), 8192);
        assert_eq!(ringbuf_entries(16384, 4096), 16384);
        assert_eq!(ringbuf_entries(12288, 4096), 16384);
        assert_eq!(ringbuf_entries(0, 4096), 0);
        assert_eq!(ringbuf_entries(u32::MAX, 4096), u32::MAX);
    }

    #[test]
    fn btf_maps_fixture() {
        let maps = maps_of(&read("btf_maps.o"), "btf_maps").unwrap();
        let got: Vec<_> = maps.iter().map(brief).collect();
        assert_eq!(
            got,
            [
                ("hash_u32_u64", HASH, 4, 8, 1024, 0, 6, 9),
                ("array_u32_u64", ARRAY, 4, 8, 16, 0, 6, 9),
                ("lru_u32_u64", mt::BPF_MAP_TYPE_LRU_HASH as u32, 4, 8, 128, 0, 6, 9),
                ("percpu_u32_u64", mt::BPF_MAP_TYPE_PERCPU_HASH as u32, 4, 8, 64, 0, 6, 9),
                ("stats", HASH, 4, 16, 64, 0, 6, 34),
            ]
        );
        for m in &maps {
            assert!(matches!(m.origin, Origin::Btf { .. }) && !m.pin_by_name && m.data.is_none() && !m.freeze);
            assert!(m.inner.is_none() && m.init.is_empty());
        }
        let Origin::Btf { symbol } = maps[0].origin else { unreachable!() };
        let raw = read("btf_maps.o");
        let elf = Elf::parse(&*raw).unwrap();
        assert_eq!(elf.symbol_by_index(object::SymbolIndex(symbol)).unwrap().name(), Ok("hash_u32_u64"));
    }

    #[test]
    fn legacy_fixture() {
        let raw = read("legacy_maps.o");
        let maps = maps_of(&raw, "legacy_maps").unwrap();
        let got: Vec<_> = maps.iter().map(brief).collect();
        // symbol-table order, as libbpf 0.x
        assert_eq!(got, [("legacy_array", ARRAY, 4, 8, 4, 0, 0, 0), ("legacy_hash", HASH, 4, 8, 256, 0, 0, 0)]);
        assert!(maps.iter().all(|m| matches!(m.origin, Origin::Legacy { .. }) && !m.pin_by_name));
    }

    #[test]
    fn globals_fixture() {
        let maps = maps_of(&read("globals.o"), "globals").unwrap();
        let got: Vec<_> = maps.iter().map(brief).collect();
        let (ro, mm) = (k::BPF_F_RDONLY_PROG, k::BPF_F_MMAPABLE);
        assert_eq!(
            got,
            [
                ("globals.data", ARRAY, 4, 8, 1, mm, 0, 20),
                ("globals.rodata", ARRAY, 4, 4, 1, ro | mm, 0, 21),
                ("globals.bss", ARRAY, 4, 8, 1, mm, 0, 19),
            ]
        );
        assert_eq!(maps[0].origin, Origin::Data { section: 5 });
        assert_eq!(maps[0].data.as_deref(), Some(&7u64.to_le_bytes()[..]));
        assert_eq!(maps[1].data.as_deref(), Some(&7u32.to_le_bytes()[..]));
        assert_eq!(maps[2].data, None);
        assert_eq!(maps.iter().map(|m| m.freeze).collect::<Vec<_>>(), [false, true, false]);
    }

    #[test]
    fn tail_call_fixture() {
        let maps = maps_of(&read("tail_call.o"), "tail_call").unwrap();
        let got: Vec<_> = maps.iter().map(brief).collect();
        assert_eq!(got, [("jmp_table", PROG_ARRAY, 4, 4, 4, 0, 0, 0), ("tail_hits", ARRAY, 4, 8, 2, 0, 12, 15)]);
        assert!(maps[0].init.is_empty());
    }

    #[test]
    fn map_owners_fixture() {
        let maps = maps_of(&read("map_owners.o"), "map_owners").unwrap();
        let got: Vec<_> = maps.iter().map(brief).collect();
        let np = k::BPF_F_NO_PREALLOC;
        assert_eq!(
            got,
            [
                // libbpf creates these without BTF key/value (kernel refuses them)
                ("owners_cpumap", mt::BPF_MAP_TYPE_CPUMAP as u32, 4, 8, 4, 0, 0, 0),
                ("owners_devmap", mt::BPF_MAP_TYPE_DEVMAP as u32, 4, 8, 4, 0, 0, 0),
                ("owners_devhash", mt::BPF_MAP_TYPE_DEVMAP_HASH as u32, 4, 8, 4, 0, 0, 0),
                ("owners_xskmap", mt::BPF_MAP_TYPE_XSKMAP as u32, 4, 4, 4, 0, 0, 0),
                ("owners_progs", PROG_ARRAY, 4, 4, 4, 0, 0, 0),
                ("owners_sk", mt::BPF_MAP_TYPE_SK_STORAGE as u32, 4, 8, 0, np, 2, 40),
                ("owners_task", mt::BPF_MAP_TYPE_TASK_STORAGE as u32, 4, 8, 0, np, 2, 40),
                ("owners_inode", mt::BPF_MAP_TYPE_INODE_STORAGE as u32, 4, 8, 0, np, 2, 40),
                ("owners_cgrp", 32, 4, 8, 0, np, 2, 40),
            ]
        );
    }

    #[test]
    fn pin_by_name_fixture() {
        let maps = maps_of(&read("pin_by_name.o"), "pin_by_name").unwrap();
        let got: Vec<_> = maps.iter().map(brief).collect();
        assert_eq!(got, [("by_name_map", HASH, 4, 8, 8, 0, 6, 9)]);
        assert!(maps[0].pin_by_name);
    }

    /// Every shipped object's maps are read (none of them has struct_ops).
    #[test]
    fn every_fixture_and_sample() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut paths: Vec<std::path::PathBuf> = Vec::new();
        for dir in [format!("{root}/tests/objects"), format!("{root}/samples")] {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    paths.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                } else {
                    paths.push(p);
                }
            }
        }
        paths.retain(|p| p.extension().is_some_and(|x| x == "o"));
        assert!(paths.len() > 20, "{paths:?}");
        for p in paths {
            let raw = std::fs::read(&p).unwrap();
            let maps = maps_of(&raw, &object_name(&p)).unwrap_or_else(|e| panic!("{}: {e:#}", p.display()));
            assert!(maps.iter().all(|m| m.map_type != 0 && !m.name.is_empty()), "{}", p.display());
        }
    }

    /// Overwrites the 8-byte `st_size` of symbol `name` in an ELF64 image.
    fn set_symbol_size(raw: &mut [u8], name: &str, size: u64) {
        let elf = Elf::parse(&*raw).unwrap();
        let index = elf.symbols().find(|s| s.name() == Ok(name)).unwrap().index().0;
        let symtab = elf.sections().find(|s| s.name() == Ok(".symtab")).unwrap();
        let at = symtab.file_range().unwrap().0 as usize + index * 24 + 16;
        raw[at..at + 8].copy_from_slice(&size.to_le_bytes());
    }

    fn user_msg(e: &anyhow::Error) -> String {
        e.chain().find_map(|c| c.downcast_ref::<UserError>()).map(|u| u.msg.clone()).unwrap_or_else(|| e.to_string())
    }

    #[test]
    fn legacy_definition_past_the_section_is_an_error() {
        let mut raw = read("legacy_maps.o");
        set_symbol_size(&mut raw, "legacy_array", 1 << 40);
        let e = maps_of(&raw, "legacy_maps").unwrap_err();
        assert!(user_msg(&e).contains("map 'legacy_array' of object legacy_maps"), "{e:#}");
        set_symbol_size(&mut raw, "legacy_array", 8);
        let e = maps_of(&raw, "legacy_maps").unwrap_err();
        assert!(user_msg(&e).contains("8 bytes"), "{e:#}");
    }

    #[test]
    fn btf_member_of_the_wrong_kind_is_an_error() {
        let raw = read("btf_maps.o");
        let elf = Elf::parse(&*raw).unwrap();
        let mut btf_raw = elf.section_by_name(".BTF").unwrap().data().unwrap().to_vec();
        let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize;
        let (hdr, types, strs) = (u32_at(&btf_raw, 4), u32_at(&btf_raw, 8), u32_at(&btf_raw, 16));
        let strings = &btf_raw[hdr + strs..];
        let name_off = strings.windows(6).position(|w| w == b"\0type\0").unwrap() as u32 + 1;
        // member `type` of hash_u32_u64's struct: {name_off, ty = 1 (PTR), offset 0} → ty = 2 (INT)
        let pat: Vec<u8> = [name_off, 1, 0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let at = hdr + types + btf_raw[hdr + types..].windows(12).position(|w| w == pat).unwrap();
        btf_raw[at + 4] = 2;
        let btf = Btf::parse(&btf_raw).unwrap();
        let e = collect(&elf, Some(&btf), "btf_maps").unwrap_err();
        assert!(
            user_msg(&e).contains("map 'hash_u32_u64' of object btf_maps: attribute 'type' is not a pointer"),
            "{e:#}"
        );
        // and with no BTF at all
        let e = collect(&elf, None, "btf_maps").unwrap_err();
        assert!(user_msg(&e).contains("no .BTF"), "{e:#}");
    }

    /// `.values` of a prog array and a hash of maps, inner templates, ring
    /// buffer, bloom filter and custom data sections, built from C on the
    /// spot (needs clang with BPF and the system's uapi headers).
    #[test]
    fn map_in_map_and_prog_array_values() {
        let mut raw = build("mim", MIM_C);
        let maps = maps_of(&raw, "mim").unwrap();
        let names: Vec<&str> = maps.iter().map(|m| m.name.as_str()).collect();
        // .maps by offset, then data sections by section index (as bpftool -d shows)
        assert_eq!(
            names,
            [
                "in_a",
                "in_b",
                "outer_hash",
                "jt",
                "outer_arr",
                "rb",
                "bloom",
                ".data.custom",
                "mim.rodata",
                "mim.bss",
                "mim.data"
            ]
        );
        let by = |n: &str| maps.iter().find(|m| m.name == n).unwrap();
        let outer = by("outer_hash");
        assert_eq!(brief(outer), ("outer_hash", mt::BPF_MAP_TYPE_HASH_OF_MAPS as u32, 4, 4, 4, 0, 0, 0));
        assert_eq!(outer.init, [(0, "in_a".to_string()), (3, "in_b".to_string())]);
        let inner = outer.inner.as_deref().unwrap();
        assert_eq!(
            brief(inner),
            ("outer_hash.inner", ARRAY, 4, 8, 2, 0, by("in_a").btf_key_type_id, by("in_a").btf_value_type_id)
        );
        assert_ne!(inner.btf_value_type_id, 0);
        let arr = by("outer_arr");
        assert!(arr.init.is_empty());
        let ai = arr.inner.as_deref().unwrap();
        assert_eq!(
            (ai.name.as_str(), ai.map_type, ai.key_size, ai.value_size, ai.max_entries),
            ("outer_arr.inner", HASH, 4, 4, 8)
        );
        let jt = by("jt");
        assert_eq!(brief(jt), ("jt", PROG_ARRAY, 4, 4, 3, 0, 0, 0));
        assert_eq!(jt.init, [(2, "tgt".to_string())]);
        assert!(jt.inner.is_none());
        let rb = by("rb");
        assert_eq!(
            (rb.map_type, rb.key_size, rb.value_size, rb.max_entries),
            (mt::BPF_MAP_TYPE_RINGBUF as u32, 0, 0, 5000)
        );
        let bloom = by("bloom");
        assert_eq!((bloom.key_size, bloom.value_size, bloom.map_extra, bloom.btf_key_type_id), (0, 4, 3, 0));
        assert_ne!(bloom.btf_value_type_id, 0);
        let (ro, mm) = (k::BPF_F_RDONLY_PROG, k::BPF_F_MMAPABLE);
        // .data holds only a static variable and .bss only a hidden one: not mmap-able (libbpf ≥ 1.1)
        assert_eq!(by(".data.custom").map_flags, mm);
        assert_eq!(by("mim.rodata").map_flags, ro | mm);
        assert_eq!(by("mim.bss").map_flags, 0);
        assert_eq!(by("mim.data").map_flags, 0);
        assert_eq!(by("mim.rodata").data.as_deref(), Some(&b"hello\0"[..]));

        // A .maps relocation naming a symbol past the symbol table is an error, not a panic.
        let elf = Elf::parse(&*raw).unwrap();
        let rel = elf.sections().find(|s| s.name() == Ok(".rel.maps")).unwrap().file_range().unwrap().0 as usize;
        raw[rel + 12..rel + 16].copy_from_slice(&0xffffu32.to_le_bytes());
        let e = maps_of(&raw, "mim").unwrap_err();
        assert!(user_msg(&e).contains("out of range"), "{e:#}");
    }

    /// `clang -O2 -g -target bpf -c` of `src` in a scratch directory.
    fn build(name: &str, src: &str) -> Vec<u8> {
        let dir = std::env::temp_dir().join(format!("bpfpin-maps-test-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (c, o) = (dir.join(format!("{name}.c")), dir.join(format!("{name}.o")));
        std::fs::write(&c, src).unwrap();
        let arch_inc = format!("-I/usr/include/{}-linux-gnu", std::env::consts::ARCH);
        let st = std::process::Command::new("clang")
            .args(["-O2", "-g", "-target", "bpf", &arch_inc, "-c"])
            .arg(&c)
            .arg("-o")
            .arg(&o)
            .status()
            .unwrap();
        assert!(st.success());
        let raw = std::fs::read(&o).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        raw
    }

    /// struct_ops variables after global data, with their programs by member.
    #[test]
    fn struct_ops_variables() {
        let raw = build("sto", STO_C);
        let maps = maps_of(&raw, "sto").unwrap();
        let names: Vec<&str> = maps.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["sto.data", "xcc", "ycc"]);
        let so = mt::BPF_MAP_TYPE_STRUCT_OPS as u32;
        let (x, y) = (&maps[1], &maps[2]);
        assert!(matches!(x.origin, Origin::StructOps { .. }));
        assert_eq!((x.map_type, x.key_size, x.value_size, x.max_entries, x.map_flags), (so, 4, 40, 1, k::BPF_F_LINK));
        assert_eq!((y.map_type, y.value_size, y.map_flags), (so, 40, 0));
        let btf = btf_of(&raw).unwrap();
        assert_eq!(btf.type_name(x.btf_value_type_id), Some("tcp_congestion_ops"));
        assert_eq!(x.init, [(0, "x_ssthresh".to_string()), (2, "x_init".to_string())]);
        assert_eq!(y.init, [(2, "x_init".to_string())]);
        assert_eq!(&x.data.as_deref().unwrap()[24..28], b"xcc\0");
    }

    /// iproute2's `struct bpf_elf_map`: inner template and slots by id, and
    /// `BPF_ANNOTATE_KV_PAIR` BTF ids.
    #[test]
    fn legacy_map_in_map() {
        let raw = build("leg", LEG_C);
        let maps = maps_of(&raw, "leg").unwrap();
        let names: Vec<&str> = maps.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["outer", "kv", "in_tmpl"]);
        let outer = &maps[0];
        assert!(outer.pin_by_name);
        let inner = outer.inner.as_deref().unwrap();
        assert_eq!(brief(inner), ("outer.inner", HASH, 4, 8, 16, 0, 0, 0));
        assert_eq!(outer.init, [(2, "in_tmpl".to_string())]);
        assert!(maps[1].inner.is_none() && maps[1].init.is_empty());
        let btf = btf_of(&raw).unwrap();
        assert_eq!(btf.type_decl(maps[1].btf_key_type_id), "__u32");
        assert_eq!(btf.type_decl(maps[1].btf_value_type_id), "__u64");
        assert_eq!(maps[2].btf_key_type_id, 0);
    }

    const LEG_C: &str = r#"#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_elf_map {
	__u32 type, size_key, size_value, max_elem, flags, id, pinning, inner_id, inner_idx;
};

struct bpf_elf_map SEC("maps") in_tmpl = {
	.type = BPF_MAP_TYPE_HASH, .size_key = 4, .size_value = 8, .max_elem = 16,
	.id = 7, .inner_idx = 2,
};
struct bpf_elf_map SEC("maps") outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .size_key = 4, .size_value = 4, .max_elem = 4,
	.inner_id = 7, .inner_idx = -1, .pinning = 2,
};
struct bpf_elf_map SEC("maps") kv = {
	.type = BPF_MAP_TYPE_HASH, .size_key = 4, .size_value = 8, .max_elem = 4, .inner_idx = -1,
};
struct ____btf_map_kv { __u32 key; __u64 value; };
struct ____btf_map_kv __attribute__((section(".maps.annot"), used)) ____btf_map_kv_anchor;

SEC("xdp")
int p(struct xdp_md *ctx)
{
	__u32 k = 0;
	void *m = bpf_map_lookup_elem(&outer, &k);
	if (m) bpf_map_lookup_elem(&kv, &k);
	return XDP_PASS + (bpf_map_lookup_elem(&in_tmpl, &k) != 0);
}
char LICENSE[] SEC("license") = "GPL";
"#;

    const STO_C: &str = r#"#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sock;
struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	void (*init)(struct sock *sk);
	char name[16];
};

int g = 1;

SEC("struct_ops/x_ssthresh")
__u32 x_ssthresh(struct sock *sk) { return 2 + g; }

SEC("struct_ops/x_init")
void x_init(struct sock *sk) {}

SEC(".struct_ops.link")
struct tcp_congestion_ops xcc = {
	.ssthresh = (void *)x_ssthresh,
	.init = (void *)x_init,
	.name = "xcc",
};

SEC(".struct_ops")
struct tcp_congestion_ops ycc = {
	.init = (void *)x_init,
	.name = "ycc",
};

char LICENSE[] SEC("license") = "GPL";
"#;

    const MIM_C: &str = r#"#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
};

struct inner in_a SEC(".maps"), in_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner);
} outer_hash SEC(".maps") = {
	.values = { [0] = &in_a, [3] = &in_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__uint(max_entries, 8);
		__type(key, __u32);
		__type(value, __u32);
	});
} outer_arr SEC(".maps");

int tgt(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__array(values, int (void *));
} jt SEC(".maps") = {
	.values = { [2] = (void *)&tgt },
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 5000);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 100);
	__type(value, __u32);
	__uint(map_extra, 3);
	__uint(numa_node, 0);
	__uint(map_flags, 0);
} bloom SEC(".maps");

__u64 dcustom SEC(".data.custom") = 5;
static volatile int hidden_rod = 3;
const char str[] = "hello";
__attribute__((visibility("hidden"))) int hid_bss;

SEC("xdp")
int tgt(struct xdp_md *ctx)
{
	return XDP_PASS + hid_bss * 0;
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	__u32 k = 0;
	void *m = bpf_map_lookup_elem(&outer_hash, &k);
	if (m) bpf_map_lookup_elem(m, &k);
	m = bpf_map_lookup_elem(&outer_arr, &k);
	bpf_tail_call(ctx, &jt, 2);
	bpf_ringbuf_output(&rb, &k, 4, 0);
	bpf_map_push_elem(&bloom, &k, 0);
	hid_bss++;
	dcustom += hidden_rod + str[k & 3];
	return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
"#;
}
