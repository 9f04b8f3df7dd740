//! STUB (replaced by the `kernel` branch).
#![allow(dead_code)]
use super::kernel::{Kernel, ModuleBtf};
use anyhow::Result;
#[derive(Debug, Clone)]
pub struct Extern {
    pub name: String,
    pub symbol: usize,
    pub weak: bool,
    pub kind: ExternKind,
}
#[derive(Debug, Clone)]
pub enum ExternKind {
    Kconfig { btf_type: u32, offset: u32 },
    Ksym { btf_type: Option<u32> },
    Kfunc { btf_func: u32 },
}
#[derive(Debug, Clone)]
pub enum Resolved {
    KconfigOffset(u32),
    Address(u64),
    BtfVar { btf_id: u32, module: Option<ModuleBtf> },
    Kfunc { btf_id: u32, module: Option<ModuleBtf> },
    Missing,
}
pub fn collect(_elf: &object::read::elf::ElfFile64<'_>, _btf: Option<&crate::btf::Btf>) -> Result<Vec<Extern>> {
    Ok(Vec::new())
}
pub fn kconfig_size(_externs: &[Extern]) -> u32 {
    0
}
pub fn kconfig_data(_externs: &[Extern], _btf: &crate::btf::Btf, _kernel: &Kernel) -> Result<Vec<u8>> {
    Ok(Vec::new())
}
pub fn resolve(_externs: &[Extern], _btf: &crate::btf::Btf, _kernel: &Kernel) -> Result<Vec<Resolved>> {
    Ok(Vec::new())
}
