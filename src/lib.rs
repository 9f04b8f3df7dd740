//! bpfpin: a general-purpose eBPF object manager. The binary parses the
//! command line (`cli`) and hands it to `run`, which dispatches to one module
//! per object kind.
#![deny(unsafe_code)]

pub mod attach;
pub mod bpffs;
pub mod btf;
pub mod cli;
pub mod clsact;
pub mod cmd;
pub mod complete;
pub mod error;
pub mod events;
pub mod generate;
pub mod guard;
pub mod hooks;
pub mod kinds;
pub mod loader;
pub mod manifest;
pub mod metadata;
pub mod model;
pub mod output;
pub mod pids;
pub mod pins;
pub mod probe;
pub mod resolve;
pub mod sampler;
pub mod select;
pub mod sys;
pub mod text;
pub mod txn;
pub mod typed;

use anyhow::Result;

use cli::Cli;
use output::{Mode, Out};

pub fn run(cli: &Cli, out: &mut Out) -> Result<()> {
    cmd::run(cli, out)
}

pub fn output_mode(cli: &Cli) -> Mode {
    if cli.global.json() { Mode::Json { pretty: cli.global.pretty } } else { Mode::Plain }
}
