//! `bpfpin doctor`: in progress.

use anyhow::Result;

use crate::cli::Global;
use crate::output::Out;

pub fn run(_g: &Global, _out: &mut Out) -> Result<()> {
    crate::prog::not_yet("doctor")
}
