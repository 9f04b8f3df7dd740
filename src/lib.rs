//! bpfpin: a general-purpose eBPF object manager. The binary parses the
//! command line (`cli`) and hands it to `run`, which dispatches to one module
//! per object kind.
#![deny(unsafe_code)]

pub mod bpffs;
pub mod btf;
pub mod bulk;
pub mod cli;
pub mod complete;
pub mod disasm;
pub mod doctor;
pub mod error;
pub mod generate;
pub mod link;
pub mod load;
pub mod map;
pub mod mapedit;
pub mod model;
pub mod net;
pub mod objfile;
pub mod output;
pub mod pin;
pub mod prog;
pub mod select;
pub mod sys;
pub mod testrun;
pub mod trace;
pub mod txn;

use anyhow::Result;

use cli::{Cli, Object};
use output::{Mode, Out};

pub fn run(cli: &Cli, out: &mut Out) -> Result<()> {
    let g = &cli.global;
    match &cli.object {
        Object::Prog(cmd) => prog::run(g, out, cmd),
        Object::Map(cmd) => map::run(g, out, cmd),
        Object::Net(cmd) => net::run(g, out, cmd),
        Object::Link(cmd) => link::run(g, out, cmd),
        Object::Ls { dir } => {
            pin::ensure_mounted(g.nomount)?;
            pin::ls(out, dir.as_deref())
        }
        Object::Completions { shell } => generate::completions(*shell, out.writer()),
        Object::Doctor => doctor::run(g, out),
        Object::Generate { out: dir } => generate::write_all(dir),
        Object::Complete { shell, cword, words } => complete::run(out, shell, *cword, words),
    }
}

pub fn output_mode(cli: &Cli) -> Mode {
    if cli.global.json() { Mode::Json { pretty: cli.global.pretty } } else { Mode::Plain }
}
