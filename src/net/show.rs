//! placeholder
use crate::cli::Global;
use crate::output::Out;
use anyhow::Result;
pub(crate) fn show(_g: &Global, _o: &mut Out, _w: &[String]) -> Result<()> {
    crate::prog::not_yet("net show")
}
