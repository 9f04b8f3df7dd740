//! STUB (replaced by the `maps` branch).
#![allow(dead_code)]
#[derive(Debug, Clone)]
pub struct MapDef {
    pub name: String,
    pub origin: Origin,
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub map_flags: u32,
    pub numa_node: u32,
    pub map_extra: u64,
    pub pin_by_name: bool,
    pub btf_key_type_id: u32,
    pub btf_value_type_id: u32,
    pub data: Option<Vec<u8>>,
    pub freeze: bool,
    pub inner: Option<Box<MapDef>>,
    pub init: Vec<(u32, String)>,
}
#[derive(Debug, Clone)]
pub enum Origin {
    Legacy { symbol: usize },
    Btf { symbol: usize },
    Data { section: usize },
    Kconfig,
    StructOps { symbol: usize },
}
pub fn collect(
    _elf: &object::read::elf::ElfFile64<'_>,
    _btf: Option<&crate::btf::Btf>,
    _obj_name: &str,
) -> anyhow::Result<Vec<MapDef>> {
    Ok(Vec::new())
}
pub fn internal_name(obj_name: &str, section: &str) -> String {
    format!("{}{section}", &obj_name[..obj_name.len().min(8)])
}
pub fn object_name(path: &std::path::Path) -> String {
    let base = path.file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
    base.split('.').next().unwrap_or("").to_string()
}
