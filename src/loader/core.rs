//! STUB (replaced by the `core` branch).
#![allow(dead_code)]
use std::collections::HashMap;
#[derive(Debug, Clone)]
pub struct CoreRelo {
    pub insn_off: u32,
    pub type_id: u32,
    pub access: String,
    pub kind: u32,
}
pub fn parse_relos(_btf_ext: &[u8], _local: &crate::btf::Btf) -> anyhow::Result<HashMap<String, Vec<CoreRelo>>> {
    Ok(HashMap::new())
}
pub fn relocate(
    _insns: &mut [aya_obj::generated::bpf_insn],
    _relos: &[(usize, &CoreRelo)],
    _local: &crate::btf::Btf,
    _targets: &[&crate::btf::Btf],
    _prog_name: &str,
) -> anyhow::Result<()> {
    anyhow::bail!("stub")
}
