//! placeholder
use super::{Iface, Prog};
use crate::output::Out;
use anyhow::Result;
pub(crate) fn run(_o: &mut Out, _p: &Prog, _i: &Iface, _d: Option<f64>) -> Result<()> {
    crate::prog::not_yet("net attach socket")
}
