//! `struct_ops dump`: bpftool's BTF-typed dump of each map's info and value.

use anyhow::{Result, bail};

use super::Sel;
use crate::error::UserError;
use crate::output::Out;

pub fn dump(_out: &mut Out, _sel: &Sel) -> Result<()> {
    bail!(UserError::new("struct_ops dump is not built yet", "use `bpftool struct_ops dump`"))
}
