//! placeholder
use crate::cli::Global;
use crate::output::Out;
use anyhow::Result;
pub fn prog_attach(_g: &Global, _o: &mut Out, _w: &[String]) -> Result<()> {
    crate::prog::not_yet("prog attach")
}
pub fn prog_detach(_g: &Global, _o: &mut Out, _w: &[String]) -> Result<()> {
    crate::prog::not_yet("prog detach")
}
