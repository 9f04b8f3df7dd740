//! `link attach PROG [TARGET] PATH`: attach a program through a bpf_link
//! pinned at PATH.

use anyhow::{Result, bail};

use crate::cli::Global;
use crate::error::UserError;
use crate::output::Out;

pub fn run(_g: &Global, _out: &mut Out, _words: &[String]) -> Result<()> {
    bail!(UserError::new("`link attach` is not built yet", "see issue 12"))
}
