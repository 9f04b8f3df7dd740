//! `bpfpin perf ...`.

use anyhow::{Result, bail};

use crate::cli::Global;
use crate::error::UserError;
use crate::output::Out;

pub fn run(_g: &Global, _out: &mut Out, _cmd: &crate::cli::PerfCmd) -> Result<()> {
    bail!(UserError::new("not built yet", "see the open issues"))
}
