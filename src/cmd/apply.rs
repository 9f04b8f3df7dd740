//! `bpfpin apply ...`.

use anyhow::{Result, bail};

use crate::cli::Global;
use crate::error::UserError;
use crate::output::Out;

pub fn run(_g: &Global, _out: &mut Out, _cmd: &crate::cli::ApplyCmd) -> Result<()> {
    bail!(UserError::new("not built yet", "see the open issues"))
}

pub fn diff(_g: &Global, _out: &mut Out, _file: &std::path::Path, _detailed: bool) -> Result<()> {
    bail!(UserError::new("not built yet", "see the open issues"))
}
