//! The dispatcher: `bpfpin OBJECT VERB` to the function that carries it
//! out, one module per object below. It is the only module that imports
//! commands; commands import the lower layer (kernel, pins, BTF), `output`
//! and `model`, never each other (scripts/modgraph.py checks).

pub mod apply;
pub mod btf;
pub mod cgroup;
pub mod doctor;
pub mod feature;
pub mod link;
pub mod map;
pub mod net;
pub mod perf;
pub mod pin;
pub mod prog;
pub mod struct_ops;

use anyhow::Result;

use crate::cli::{Cli, Global, MapCmd, Object, ProgCmd, Sub};
use crate::kinds::ObjKind;
use crate::output::Out;
use crate::pins;

pub fn run(cli: &Cli, out: &mut Out) -> Result<()> {
    let g = &cli.global;
    match &cli.object {
        Object::Prog(Sub { cmd, .. }) => prog(g, out, cmd),
        Object::Map(Sub { cmd, .. }) => map(g, out, cmd),
        Object::Net(Sub { cmd, .. }) => net::run(g, out, cmd),
        Object::Link(Sub { cmd, .. }) => link::run(g, out, cmd),
        Object::Btf(Sub { cmd, .. }) => btf::run(g, out, cmd),
        Object::Cgroup(Sub { cmd, .. }) => cgroup::run(g, out, cmd),
        Object::StructOps(Sub { cmd, .. }) => struct_ops::run(g, out, cmd),
        Object::Perf(Sub { cmd, .. }) => perf::run(g, out, cmd),
        Object::Apply(cmd) => apply::run(g, out, cmd),
        Object::Diff { file, detailed_exitcode } => apply::diff(g, out, file, *detailed_exitcode),
        Object::Ls { dir } => {
            pins::ensure_mounted(g.nomount)?;
            pin::ls(out, dir.as_deref())
        }
        Object::Completions { shell } => crate::generate::completions(*shell, out.writer()),
        Object::Doctor => doctor::run(g, out),
        Object::Feature(Sub { cmd, .. }) => feature::run(g, out, cmd),
        Object::Generate { out: dir } => crate::generate::write_all(dir),
        Object::Complete { shell, cword, words } => crate::complete::run(out, shell, *cword, words),
    }
}

fn prog(g: &Global, out: &mut Out, cmd: &ProgCmd) -> Result<()> {
    match cmd {
        ProgCmd::Show { words } | ProgCmd::List { words } => prog::show(g, out, words),
        ProgCmd::Load { obj, path, prog, opts, words } => {
            prog::load::load(g, out, obj, path, prog.as_deref(), opts, words, false)
        }
        ProgCmd::Loadall { obj, dir, opts, words } => prog::load::load(g, out, obj, dir, None, opts, words, true),
        ProgCmd::Pin { words } => prog::pin_prog(g, out, words),
        ProgCmd::Rm(args) => pin::rm(g, out, args, ObjKind::Prog),
        ProgCmd::Dump { words, opcodes, linum, visual } => prog::dump::dump(g, out, words, *opcodes, *linum, *visual),
        ProgCmd::Attach { words } => net::prog_attach(g, out, words),
        ProgCmd::Detach { words } => net::prog_detach(g, out, words),
        ProgCmd::Tracelog => prog::trace::tracelog(g, out),
        ProgCmd::Run { words } => prog::run::run(g, out, words),
        ProgCmd::Stats { sample } => prog::trace::stats(g, out, sample),
    }
}

fn map(g: &Global, out: &mut Out, cmd: &MapCmd) -> Result<()> {
    match cmd {
        MapCmd::Show { words } | MapCmd::List { words } => map::show(g, out, words),
        MapCmd::Dump { words, hex, inner } => map::dump(out, words, *hex, *inner),
        MapCmd::Pin { words } => map::pin_map(g, out, words),
        MapCmd::Rm(args) => pin::rm(g, out, args, ObjKind::Map),
        MapCmd::Lookup { words } => map::edit::lookup(g, out, words),
        MapCmd::Getnext { words } => map::edit::getnext(g, out, words),
        MapCmd::Update { words, from, any, noexist, exist } => {
            let flag = [(*any, "any"), (*noexist, "noexist"), (*exist, "exist")].into_iter().find(|f| f.0);
            let words = &with_word(words, flag.map(|f| f.1));
            match from {
                Some(file) => map::bulk::update_from(g, out, words, file),
                None => map::edit::update(g, out, words, None),
            }
        }
        MapCmd::Delete { words, all: true } => map::bulk::delete_all(g, out, words),
        MapCmd::Delete { words, all: false } => map::edit::delete(g, out, words, false),
        MapCmd::Create { words } => map::edit::create(g, out, words),
        MapCmd::Freeze { words } => map::edit::freeze(g, out, words),
        MapCmd::Watch { words, per_cpu, sample } => map::watch::watch(g, out, words, *per_cpu, sample),
        MapCmd::Push { words, exist } | MapCmd::Enqueue { words, exist } => {
            map::edit::push(g, out, &with_word(words, exist.then_some("exist")))
        }
        MapCmd::Pop { words } | MapCmd::Dequeue { words } => map::edit::pop(g, out, words),
        MapCmd::Peek { words } => map::edit::peek(g, out, words),
        MapCmd::Events { words, type_name, btf, write, hex, cpu, index, count, duration } => map::events::events(
            out,
            &map::events::EventsArgs {
                words,
                type_name: type_name.as_deref(),
                btf: btf.as_deref(),
                write: write.as_deref(),
                cpu: *cpu,
                index: *index,
                count: *count,
                duration: *duration,
                hex: *hex,
            },
        ),
    }
}

/// A --flag read as its bpftool word at the end of the command (`--noexist`
/// is `noexist`), so the words' parser stays the one place that knows them.
fn with_word(words: &[String], flag: Option<&str>) -> Vec<String> {
    let mut v = words.to_vec();
    v.extend(flag.map(str::to_string));
    v
}
