//! placeholder
use super::{Dir, Iface, Prog};
use crate::output::Out;
use anyhow::Result;
use std::path::Path;
pub(crate) fn attach(
    _o: &mut Out,
    _p: &Prog,
    _i: &Iface,
    _d: Dir,
    _r: Option<(u32, &Prog)>,
    _l: Option<&Path>,
) -> Result<()> {
    crate::prog::not_yet("net attach tcx")
}
pub(crate) fn detach(_o: &mut Out, _i: &Iface, _d: Dir, _p: Option<&Prog>) -> Result<()> {
    crate::prog::not_yet("net detach tcx")
}
