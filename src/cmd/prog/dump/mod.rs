//! `prog dump xlated|jited PROG [--opcodes] [--linum] [--visual]`: see inside
//! programs, in bpftool's exact format. The eBPF printer (insn.rs) and the
//! CFG (cfg.rs) are hand-written from kernel/bpf/disasm.c and bpftool's
//! cfg.c/xlated_dumper.c because no crate prints that syntax; x86-64 code is
//! decoded by iced-x86 (jited.rs).

mod cfg;
pub mod insn;
pub mod jited;
pub mod ksyms;
pub mod linfo;
mod xlated;

use std::cell::OnceCell;
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

use crate::btf::Btf;
use crate::cli::Global;
use crate::error::UserError;
use crate::output::{Mode, Out, write_json};
use crate::select::Words;
use crate::sys::prog::{Image, LineInfo, ProgImage, prog_image};

use ksyms::{Helpers, Kallsyms};
use linfo::ProgLinfo;

/// Kernel symbol tables, read once per command and only when a call needs them.
#[derive(Default)]
pub struct Resolver {
    kallsyms: OnceCell<Kallsyms>,
    helpers: OnceCell<Helpers>,
}

impl Resolver {
    pub fn kallsyms(&self) -> &Kallsyms {
        self.kallsyms.get_or_init(Kallsyms::load)
    }

    /// Helper ids as disasm.c's func_id_str names them (kernel BTF).
    pub fn helper(&self, id: i32) -> Option<String> {
        if !(0..4096).contains(&id) {
            return None;
        }
        self.helpers.get_or_init(Helpers::from_kernel).name(id).map(str::to_string)
    }
}

/// One program's image with its BTF and line info.
pub struct Prog {
    pub image: ProgImage,
    pub btf: Option<Btf>,
    pub linfo: Option<ProgLinfo>,
}

impl Prog {
    pub fn load(fd: BorrowedFd<'_>, which: Image) -> Result<Prog> {
        let image = prog_image(fd, which).context("reading the program's instructions")?;
        let btf = match image.info.btf_id {
            0 => None,
            id => {
                let raw = crate::sys::btf_raw(id).with_context(|| format!("reading the program's BTF (id {id})"))?;
                Some(Btf::parse(&raw).with_context(|| format!("parsing BTF id {id}"))?)
            }
        };
        let i = &image;
        let linfo = ProgLinfo::new(&i.line_info, &i.jited_line_info, &i.jited_ksyms, &i.jited_func_lens);
        Ok(Prog { image, btf, linfo })
    }
}

/// bpftool's btf_dump_linfo_plain: `; source` (plus `[file:.. line_num:.. line_col:..]`).
fn linfo_plain(w: &mut dyn Write, btf: &Btf, l: &LineInfo, linum: bool) -> io::Result<()> {
    let Some(line) = btf.string_at(l.line_off) else { return Ok(()) };
    let line = line.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    if linum {
        let file = btf.string_at(l.file_name_off).unwrap_or("");
        writeln!(w, "; {line} [file:{file} line_num:{} line_col:{}]", l.line_num(), l.line_col())
    } else {
        writeln!(w, "; {line}")
    }
}

/// bpftool's btf_dump_linfo_json: `src`, and with linum `file`,
/// `line_num`, `line_col` (the numbers only when non-zero).
fn linfo_json(o: &mut Map<String, Value>, btf: &Btf, l: &LineInfo, linum: bool) {
    if let Some(line) = btf.string_at(l.line_off) {
        o.insert("src".into(), line.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']).into());
    }
    if linum {
        if let Some(file) = btf.string_at(l.file_name_off) {
            o.insert("file".into(), file.into());
        }
        if l.line_num() != 0 {
            o.insert("line_num".into(), l.line_num().into());
        }
        if l.line_col() != 0 {
            o.insert("line_col".into(), l.line_col().into());
        }
    }
}

/// bpftool's is_prefix: `x`, `xl`, ... `xlated` all name xlated.
fn is_prefix(word: &str, full: &str) -> bool {
    !word.is_empty() && full.starts_with(word)
}

/// The header bpftool prints above each program when a selector matches several.
fn header(fd: BorrowedFd<'_>) -> Result<(String, Map<String, Value>)> {
    let i = crate::sys::prog_info(fd).context("reading program info")?;
    let p = &i.info;
    let kind = crate::kinds::prog_type_name(p.type_);
    let name = crate::resolve::full_name(&i);
    let tag = hex::encode(p.tag);
    let mut plain = format!("{}: {kind}  ", p.id);
    let mut json = Map::new();
    json.insert("id".into(), p.id.into());
    json.insert("type".into(), kind.into());
    if !name.is_empty() {
        plain.push_str(&format!("name {name}  "));
        json.insert("name".into(), name.into());
    }
    plain.push_str(&format!("tag {tag}"));
    json.insert("tag".into(), tag.into());
    json.insert("gpl_compatible".into(), (p.gpl_compatible() != 0).into());
    if p.gpl_compatible() != 0 {
        plain.push_str("  gpl");
    }
    if p.run_time_ns != 0 {
        plain.push_str(&format!(" run_time_ns {} run_cnt {}", p.run_time_ns, p.run_cnt));
        json.insert("run_time_ns".into(), p.run_time_ns.into());
        json.insert("run_cnt".into(), p.run_cnt.into());
    }
    if p.recursion_misses != 0 {
        plain.push_str(&format!(" recursion_misses {}", p.recursion_misses));
        json.insert("recursion_misses".into(), p.recursion_misses.into());
    }
    Ok((plain, json))
}

/// `prog dump xlated|jited PROG [opcodes|linum|visual]...`.
pub fn dump(g: &Global, out: &mut Out, words: &[String], opcodes: bool, linum: bool, visual: bool) -> Result<()> {
    let (mut opcodes, mut linum, mut visual) = (opcodes, linum, visual);
    let mut w = Words::new("prog dump", words);
    let which = match w.require("`xlated` or `jited`")? {
        m if is_prefix(m, "xlated") => Image::Xlated,
        m if is_prefix(m, "jited") => Image::Jited,
        m => bail!(UserError::new(
            format!("expected `xlated` or `jited`, got `{m}`"),
            "use `bpfpin prog dump xlated PROG` or `bpfpin prog dump jited PROG`",
        )),
    };
    let sel = w.take_prog()?;
    // bpftool's keyword spellings of the flags.
    while let Some(k) = w.peek() {
        match k {
            k if is_prefix(k, "opcodes") => opcodes = true,
            k if is_prefix(k, "linum") => linum = true,
            k if is_prefix(k, "visual") => visual = true,
            _ => break,
        }
        w.next();
    }
    w.expect_end()?;
    if visual && g.json() {
        // bpftool: "'visual' is not compatible with JSON output".
        bail!(UserError::new(
            "`visual` is not compatible with JSON output: it prints a DOT graph",
            "drop -j, or drop `visual`/--visual for the JSON instruction dump",
        ));
    }
    if visual && which == Image::Jited {
        bail!(UserError::new("--visual draws the xlated program only", "use `bpfpin prog dump xlated PROG --visual`"));
    }
    let fds = crate::resolve::progs(&sel)?;
    if visual && fds.len() > 1 {
        bail!(UserError::new(
            format!("{} programs match; --visual draws one", fds.len()),
            "select it by `id N` or `pinned PATH`",
        ));
    }
    let r = Resolver::default();
    let several = fds.len() > 1;
    let mut docs = Vec::new();
    for (k, fd) in fds.iter().enumerate() {
        let fd = fd.as_fd();
        let p = Prog::load(fd, which)?;
        let id = p.image.info.id;
        if p.image.bytes.is_empty() {
            bail!(match which {
                Image::Xlated => UserError::new(
                    format!("the kernel returned no instructions for program {id} (kernel.kptr_restrict set?)"),
                    "run as root, or lower kernel.kptr_restrict",
                ),
                Image::Jited => UserError::new(
                    format!("program {id} is not jited: the kernel returned no native code"),
                    "enable the JIT (sysctl net.core.bpf_jit_enable=1) and load it again, or dump `xlated`",
                ),
            });
        }
        let head = if several { Some(header(fd)?) } else { None };
        if out.is_json() {
            let insns = match (which, visual) {
                (Image::Xlated, true) => Value::Null,
                (Image::Xlated, false) => xlated::json(&p, &r, opcodes, linum),
                (Image::Jited, _) => jited::json(&p, &r, opcodes, linum),
            };
            docs.push(match head {
                Some((_, mut o)) => {
                    o.insert("insns".into(), insns);
                    Value::Object(o)
                }
                None => insns,
            });
            continue;
        }
        let wr = out.writer();
        if let Some((line, _)) = &head {
            writeln!(wr, "{line}")?;
        }
        match (which, visual) {
            (Image::Xlated, true) => cfg::dot(wr, &p, &r)?,
            (Image::Xlated, false) => xlated::plain(wr, &p, &r, opcodes, linum)?,
            (Image::Jited, _) => jited::plain(wr, &p, &r, opcodes, linum)?,
        }
        if several && k + 1 < fds.len() {
            writeln!(wr)?;
        }
    }
    if let Mode::Json { pretty } = out.mode {
        let doc = if several { Value::Array(docs) } else { docs.pop().unwrap_or(Value::Null) };
        let wr = out.writer();
        write_json(&mut *wr, &doc, pretty)?;
        wr.write_all(b"\n")?;
    }
    Ok(())
}
