//! STUB (replaced by the `sections` branch).
#![allow(dead_code)]
#[derive(Debug, Clone)]
pub struct SecSpec {
    pub prog_type: u32,
    pub expected_attach_type: Option<u32>,
    pub target: Target,
    pub prog_flags: u32,
    pub kind: &'static str,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KernelKind {
    Func,
    Typedef,
}
#[derive(Debug, Clone)]
pub enum Target {
    None,
    Kernel { name: String, kind: KernelKind },
    Program { func: String },
    StructOps,
}
pub fn spec(_section: &str) -> Option<SecSpec> {
    None
}
pub fn from_type(_name: &str) -> Option<SecSpec> {
    None
}
