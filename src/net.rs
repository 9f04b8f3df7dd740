//! `bpfpin net ...`: network hooks. The grammar is in place; attaching is
//! not in this version yet.

use anyhow::Result;

use crate::cli::{Global, NetCmd};
use crate::output::Out;
use crate::prog::not_yet;

pub fn run(_g: &Global, _out: &mut Out, cmd: &NetCmd) -> Result<()> {
    match cmd {
        NetCmd::Show { .. } | NetCmd::List { .. } => not_yet("net show"),
        NetCmd::Attach { .. } => not_yet("net attach"),
        NetCmd::Detach { .. } => not_yet("net detach"),
    }
}
