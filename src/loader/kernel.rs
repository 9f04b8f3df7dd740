//! STUB (replaced by the `kernel` branch).
#![allow(dead_code)]
use anyhow::Result;
use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::sync::Arc;
#[derive(Debug, Clone)]
pub struct ModuleBtf {
    pub name: String,
    pub btf_obj_id: u32,
    pub fd: Arc<OwnedFd>,
}
#[derive(Debug, Clone)]
pub struct KernelType {
    pub id: u32,
    pub module: Option<ModuleBtf>,
}
#[derive(Default)]
pub struct Kernel {}
impl Kernel {
    pub fn new() -> Kernel {
        Kernel {}
    }
    pub fn vmlinux(&self) -> Result<&crate::btf::Btf> {
        anyhow::bail!("stub")
    }
    pub fn find(&self, _name: &str, _kind: crate::btf::BtfKind) -> Result<Option<KernelType>> {
        Ok(None)
    }
    pub fn ksym_address(&self, _name: &str) -> Result<Option<u64>> {
        Ok(None)
    }
    pub fn kconfig(&self) -> Result<&HashMap<String, String>> {
        anyhow::bail!("stub")
    }
    pub fn version_code(&self) -> u32 {
        0
    }
}
