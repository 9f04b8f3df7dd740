//! `prog dump xlated PROG --visual`: the control-flow graph in DOT, shaped
//! like bpftool's cfg.c (one dashed cluster per function, ENTRY/EXIT
//! diamonds, one record node per basic block, fall-through and jump edges).

use std::io::{self, Write};

use super::insn::{Insn, OP_CALL, OP_EXIT, OP_JA, PSEUDO_CALL};
use super::xlated::{CallNames, index_col, slots, text_at};
use super::{Prog, Resolver};

const ENTRY: usize = 0;
const EXIT: usize = 1;

struct Func {
    idx: usize,
    start: usize,
    end: usize,
}

/// A basic block: first and last slot (inclusive), absolute indices.
struct Block {
    head: usize,
    tail: usize,
}

fn jump_target(i: usize, insn: &Insn) -> Option<usize> {
    usize::try_from(i as i64 + i64::from(insn.off) + 1).ok()
}

/// Functions start at 0 and at every subprogram call's target; bpftool
/// numbers them in the order it finds them and lists them by address.
fn funcs(insns: &[Insn]) -> Vec<Func> {
    let mut starts: Vec<(usize, usize)> = vec![(0, 0)];
    for (i, insn) in insns.iter().enumerate() {
        if insn.code == 0x85
            && insn.src == PSEUDO_CALL
            && let Some(t) = jump_target(i, insn).filter(|&t| t < insns.len())
            && !starts.iter().any(|&(s, _)| s == t)
        {
            starts.push((t, starts.len()));
        }
    }
    starts.sort();
    let mut out = Vec::with_capacity(starts.len());
    for (k, &(start, idx)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(insns.len(), |&(s, _)| s) - 1;
        out.push(Func { idx, start, end });
    }
    out
}

fn blocks(insns: &[Insn], f: &Func) -> Vec<Block> {
    let mut heads = vec![f.start];
    for (i, insn) in insns.iter().enumerate().take(f.end + 1).skip(f.start) {
        if !insn.is_jmp() || matches!(insn.op(), OP_EXIT | OP_CALL) {
            continue;
        }
        if let Some(t) = jump_target(i, insn).filter(|t| (f.start..=f.end).contains(t)) {
            heads.push(t);
        }
        if insn.op() != OP_JA && i < f.end {
            heads.push(i + 1);
        }
    }
    heads.sort_unstable();
    heads.dedup();
    heads.iter().enumerate().map(|(k, &head)| Block { head, tail: heads.get(k + 1).map_or(f.end, |n| n - 1) }).collect()
}

/// bpftool's print_insn_for_graph: the line is cut at 63 bytes, then a
/// newline becomes `\l\` + newline and `<>|&` are escaped.
fn graph_text(line: &str) -> String {
    let mut s = format!("{line}\n");
    if s.len() > 63 {
        let mut cut = 63;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\l\\\n"),
            '<' | '>' | '|' | '&' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

pub fn dot(w: &mut dyn Write, p: &Prog, r: &Resolver) -> io::Result<()> {
    let names = CallNames { r, jited_ksyms: &[] };
    let insns = slots(&p.image.bytes);
    writeln!(w, "digraph \"DOT graph for eBPF program\" {{")?;
    if insns.is_empty() {
        return writeln!(w, "}}");
    }
    for f in funcs(&insns) {
        let fi = f.idx;
        write!(
            w,
            "subgraph \"cluster_{fi}\" {{\n\tstyle=\"dashed\";\n\tcolor=\"black\";\n\tlabel=\"func_{fi} ()\";\n"
        )?;
        let bbs = blocks(&insns, &f);
        write!(w, "\tfn_{fi}_bb_{ENTRY} [shape=Mdiamond,style=filled,label=\"ENTRY\"];\n\n")?;
        for (k, bb) in bbs.iter().enumerate() {
            write!(w, "\tfn_{fi}_bb_{} [shape=record,style=filled,label=\"{{", k + 2)?;
            let mut double = false;
            for i in bb.head..=bb.tail {
                if double {
                    double = false;
                    continue;
                }
                double = insns[i].is_ld_imm64();
                write!(w, "{}: {}", index_col(i - f.start), graph_text(&text_at(&insns, i, &names)))?;
                if i != bb.tail {
                    write!(w, " | ")?;
                }
            }
            write!(w, "}}\"];\n\n")?;
        }
        write!(w, "\tfn_{fi}_bb_{EXIT} [shape=Mdiamond,style=filled,label=\"EXIT\"];\n\n")?;

        let edge = |w: &mut dyn Write, a: usize, b: usize| {
            writeln!(
                w,
                "\tfn_{fi}_bb_{a}:s -> fn_{fi}_bb_{b}:n [style=\"solid,bold\", color=black, weight=10, constraint=true];"
            )
        };
        edge(w, ENTRY, 2)?;
        let by_head = |h: usize| bbs.iter().position(|b| b.head == h).map(|k| k + 2);
        for (k, bb) in bbs.iter().enumerate() {
            let me = k + 2;
            let next = if k + 1 < bbs.len() { k + 3 } else { EXIT };
            let tail = &insns[bb.tail];
            if !tail.is_jmp() || matches!(tail.op(), OP_EXIT | OP_CALL) {
                edge(w, me, next)?;
                continue;
            }
            let target = jump_target(bb.tail, tail).and_then(by_head);
            if tail.op() == OP_JA {
                if let Some(t) = target {
                    edge(w, me, t)?;
                }
                continue;
            }
            edge(w, me, next)?;
            if let Some(t) = target {
                edge(w, me, t)?;
            }
        }
        writeln!(w, "\tfn_{fi}_bb_{ENTRY}:s -> fn_{fi}_bb_{EXIT}:n [style=\"invis\", constraint=true];")?;
        writeln!(w, "}}")?;
    }
    writeln!(w, "}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_escapes_like_bpftool() {
        assert_eq!(graph_text("(67) r0 <<= 3"), "(67) r0 \\<\\<= 3\\l\\\n");
        assert_eq!(graph_text("(db) lock *(u64 *)(r1 +0) |= r2"), "(db) lock *(u64 *)(r1 +0) \\|= r2\\l\\\n");
        let long = format!("(85) call pc+35#{}", "x".repeat(80));
        let g = graph_text(&long);
        assert_eq!(g.len(), 63);
        assert!(!g.contains('\n'));
    }
}
