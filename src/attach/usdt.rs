//! Attaching to USDT probes (`.note.stapsdt`), with the argument specs libbpf's usdt.bpf.h reads.

use anyhow::{Result, bail};

use super::{Attached, Prog};
use crate::error::UserError;
use crate::select::Words;

/// The words that start this family's TARGET.
pub const KEYWORDS: &[&str] = &["usdt"];

#[derive(Debug, Clone, PartialEq)]
pub enum Hook {}

/// Parses TARGET; the first word is one of KEYWORDS.
pub fn parse(w: &mut Words<'_>, _prog: &Prog<'_>) -> Result<Hook> {
    let kw = w.require("an attach target")?;
    bail!(UserError::new(format!("`{kw}` targets are not supported yet"), "see `bpfpin link attach --help`"))
}

/// The hook the program's section names, if it is of this family and
/// names it completely.
pub fn from_section(_prog: &Prog<'_>) -> Result<Option<Hook>> {
    Ok(None)
}

pub fn attach(_prog: &Prog<'_>, hook: &Hook) -> Result<Vec<Attached>> {
    match *hook {}
}
