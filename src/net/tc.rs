//! placeholder
use super::{Dir, Iface, Prog};
use crate::output::Out;
use anyhow::Result;
pub(crate) fn attach(
    _o: &mut Out,
    _p: &Prog,
    _i: &Iface,
    _d: Dir,
    _pr: Option<u16>,
    _h: Option<u32>,
) -> Result<()> {
    crate::prog::not_yet("net attach tc")
}
pub(crate) fn detach(
    _o: &mut Out,
    _i: &Iface,
    _d: Dir,
    _pr: Option<u16>,
    _h: Option<u32>,
) -> Result<()> {
    crate::prog::not_yet("net detach tc")
}
