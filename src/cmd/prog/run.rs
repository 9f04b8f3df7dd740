//! `prog run PROG data_in FILE [data_out FILE] [data_size_out L]
//! [ctx_in FILE] [ctx_out FILE] [ctx_size_out M] [repeat N]`:
//! BPF_PROG_TEST_RUN on any loaded program, with bpftool's grammar, output
//! (`Return value: 2 (XDP_PASS), duration: 27ns`, hex for `-` outputs) and
//! JSON (`{"retval":2,"duration":27}`).

use std::fs;
use std::io::{Read, Write};
use std::os::fd::AsFd;

use anyhow::{Context, Result, bail};
use aya_obj::generated::bpf_prog_type as pt;
use serde::Serialize;

use crate::cli::Global;
use crate::error::UserError;
use crate::output::{Mode, Out, write_json};
use crate::select::{Words, parse_u32};
use crate::sys::{self, prog as sysprog};

/// bpftool's default output buffer (SZ_32K).
const DEFAULT_OUT: u32 = 32 * 1024;

/// The name of a return value for program types whose codes are actions.
pub fn retval_name(prog_type: u32, retval: u32) -> Option<&'static str> {
    const XDP: [&str; 5] = ["XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"];
    const TC: [&str; 9] = [
        "TC_ACT_OK",
        "TC_ACT_RECLASSIFY",
        "TC_ACT_SHOT",
        "TC_ACT_PIPE",
        "TC_ACT_STOLEN",
        "TC_ACT_QUEUED",
        "TC_ACT_REPEAT",
        "TC_ACT_REDIRECT",
        "TC_ACT_TRAP",
    ];
    let tc = [pt::BPF_PROG_TYPE_SCHED_CLS as u32, pt::BPF_PROG_TYPE_SCHED_ACT as u32].contains(&prog_type);
    if prog_type == pt::BPF_PROG_TYPE_XDP as u32 {
        XDP.get(retval as usize).copied()
    } else if tc && retval == u32::MAX {
        Some("TC_ACT_UNSPEC")
    } else if tc {
        TC.get(retval as usize).copied()
    } else {
        None
    }
}

/// bpftool's hex_print: `0000000\t0102 0304 ...  | ascii`.
pub fn hex_print(w: &mut dyn Write, data: &[u8]) -> std::io::Result<()> {
    for (row, chunk) in data.chunks(16).enumerate() {
        let mut line = format!("{:07x}\t", row * 16);
        for j in 0..16 {
            let sep = if j % 2 == 1 { " " } else { "" };
            match chunk.get(j) {
                Some(b) => line.push_str(&format!("{b:02x}{sep}")),
                None => line.push_str(&format!("  {sep}")),
            }
        }
        line.push_str("| ");
        for (j, &b) in chunk.iter().enumerate() {
            line.push(if (b' '..=b'~').contains(&b) { b as char } else { '.' });
            if j == 7 {
                line.push(' ');
            }
        }
        writeln!(w, "{line}")?;
    }
    Ok(())
}

#[derive(Default)]
struct Args {
    data_in: Option<String>,
    data_out: Option<String>,
    data_size_out: Option<u32>,
    ctx_in: Option<String>,
    ctx_out: Option<String>,
    ctx_size_out: Option<u32>,
    repeat: u32,
}

const KEYWORDS: [&str; 7] = ["data_in", "data_out", "data_size_out", "ctx_in", "ctx_out", "ctx_size_out", "repeat"];

fn parse(w: &mut Words<'_>) -> Result<Args> {
    let mut a = Args { repeat: 1, ..Args::default() };
    while let Some(word) = w.next() {
        // bpftool accepts unambiguous prefixes (`data_i`, `rep`).
        let hits: Vec<&str> = KEYWORDS.iter().copied().filter(|k| k.starts_with(word) && !word.is_empty()).collect();
        let kw = match hits.as_slice() {
            [one] => *one,
            _ if KEYWORDS.contains(&word) => word,
            [] => bail!(UserError::new(
                format!("`prog run` does not take `{word}`"),
                "expected data_in, data_out, data_size_out, ctx_in, ctx_out, ctx_size_out or repeat",
            )),
            _ => bail!(UserError::new(
                format!("`{word}` is ambiguous here"),
                format!("spell out one of {}", hits.join(", "))
            )),
        };
        let mut num = |what: &str| -> Result<u32> {
            let v = w.require(what)?;
            parse_u32(v).ok_or_else(|| {
                UserError::new(format!("{what} must be a number, got `{v}`"), "give a decimal or 0x-prefixed number")
                    .into()
            })
        };
        match kw {
            "data_size_out" => a.data_size_out = Some(num("an output data size")?),
            "ctx_size_out" => a.ctx_size_out = Some(num("an output context size")?),
            "repeat" => a.repeat = num("a repeat count")?,
            _ => {
                let v = w.require("a file name (or - for stdin/stdout)")?.to_string();
                match kw {
                    "data_in" => a.data_in = Some(v),
                    "data_out" => a.data_out = Some(v),
                    "ctx_in" => a.ctx_in = Some(v),
                    _ => a.ctx_out = Some(v),
                }
            }
        }
    }
    if a.data_in.as_deref() == Some("-") && a.ctx_in.as_deref() == Some("-") {
        bail!(UserError::new("data_in and ctx_in cannot both read standard input", "give one of them as a file",));
    }
    Ok(a)
}

fn read_input(name: &str) -> Result<Vec<u8>> {
    if name == "-" {
        let mut v = Vec::new();
        std::io::stdin().read_to_end(&mut v).context("reading standard input")?;
        return Ok(v);
    }
    fs::read(name).map_err(|e| {
        UserError::new(format!("cannot read input file {name}: {e}"), "check the path given after data_in/ctx_in")
            .into()
    })
}

/// bpftool's JSON for `prog run`: data_out/ctx_out (only when written to
/// `-`, as byte arrays), then retval and duration.
#[derive(Serialize)]
struct RunView {
    #[serde(skip_serializing_if = "Option::is_none")]
    data_out: Option<Vec<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ctx_out: Option<Vec<u8>>,
    retval: u32,
    duration: u32,
}

/// `prog run`.
pub fn run(_g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let mut w = Words::new("prog run", words);
    let sel = w.take_prog()?;
    let a = parse(&mut w)?;
    if a.data_in.is_none() && a.ctx_in.is_none() {
        bail!(UserError::new(
            "`prog run` needs input: data_in FILE and/or ctx_in FILE",
            "e.g. `bpfpin prog run pinned /sys/fs/bpf/p data_in packet.bin`",
        ));
    }
    let fd = crate::resolve::prog(&sel)?;
    let info = sys::prog_info(fd.as_fd()).context("reading program info")?;
    let ptype = info.info.type_;

    let data_in = a.data_in.as_deref().map(read_input).transpose()?;
    let ctx_in = a.ctx_in.as_deref().map(read_input).transpose()?;
    let mut data_out = data_in.as_ref().map(|_| vec![0u8; a.data_size_out.unwrap_or(DEFAULT_OUT) as usize]);
    let mut ctx_out = ctx_in.as_ref().map(|_| vec![0u8; a.ctx_size_out.unwrap_or(DEFAULT_OUT) as usize]);
    // The kernel runs a syscall program once, from its ctx alone: it refuses
    // a repeat count, packet data and a ctx_out buffer (it writes the ctx
    // back in place).
    let syscall = ptype == aya_obj::generated::bpf_prog_type::BPF_PROG_TYPE_SYSCALL as u32;
    if syscall {
        if a.repeat > 1 || data_in.is_some() {
            bail!(UserError::new(
                format!("a syscall program runs once, from ctx_in alone (got repeat {} or data_in)", a.repeat),
                "give only ctx_in FILE",
            ));
        }
        ctx_out = None;
    }

    let res = sysprog::bpf_prog_test_run(
        fd.as_fd(),
        sysprog::TestRunIn {
            data_in: data_in.as_deref(),
            ctx_in: ctx_in.as_deref(),
            data_out: data_out.as_deref_mut(),
            ctx_out: ctx_out.as_deref_mut(),
            repeat: if syscall { 0 } else { a.repeat },
        },
    );
    let name = crate::resolve::full_name(&info);
    let kind = crate::kinds::prog_type_name(ptype);
    let r = res.map_err(|e| {
        let fix = match e.errno() {
            Some(sys::ENOTSUPP) | Some(libc::EOPNOTSUPP) => {
                format!("programs of type {kind} cannot be test-run by this kernel")
            }
            Some(libc::EINVAL) => "the kernel refused the input: XDP and tc programs need at least a 14-byte Ethernet frame in data_in; some types need ctx_in instead".to_string(),
            Some(libc::ENOSPC) => "the output does not fit: raise data_size_out / ctx_size_out".to_string(),
            Some(libc::EPERM) | Some(libc::EACCES) => "run as root, or grant CAP_BPF+CAP_NET_ADMIN".to_string(),
            _ => "check the program type and the input with `bpfpin prog show`".to_string(),
        };
        anyhow::Error::new(UserError::new(format!("running program `{name}` (id {}): {e}", info.info.id), fix))
    })?;

    // What the kernel wrote, cut to the size it reports.
    let cut = |buf: Option<Vec<u8>>, n: u32| {
        buf.map(|mut b| {
            b.truncate(n as usize);
            b
        })
    };
    let data_out = cut(data_out, r.data_size_out).filter(|_| r.data_size_out > 0);
    let ctx_out = cut(ctx_out, r.ctx_size_out).filter(|_| r.ctx_size_out > 0);
    for (buf, dest) in [(&data_out, &a.data_out), (&ctx_out, &a.ctx_out)] {
        if let (Some(b), Some(path)) = (buf, dest)
            && path != "-"
        {
            fs::write(path, b).with_context(|| format!("writing output to {path}"))?;
        }
    }
    let to_stdout = |buf: Option<Vec<u8>>, dest: &Option<String>| buf.filter(|_| dest.as_deref() == Some("-"));
    let data_std = to_stdout(data_out, &a.data_out);
    let ctx_std = to_stdout(ctx_out, &a.ctx_out);

    match out.mode {
        Mode::Json { pretty } => {
            let v = RunView { data_out: data_std, ctx_out: ctx_std, retval: r.retval, duration: r.duration };
            let wr = out.writer();
            write_json(&mut *wr, &v, pretty)?;
            wr.write_all(b"\n")?;
        }
        Mode::Plain => {
            let wr = out.writer();
            for b in [data_std, ctx_std].into_iter().flatten() {
                hex_print(wr, &b)?;
            }
            let named = retval_name(ptype, r.retval).map(|n| format!(" ({n})")).unwrap_or_default();
            let avg = if a.repeat > 1 { " (average)" } else { "" };
            writeln!(wr, "Return value: {}{named}, duration{avg}: {}ns", r.retval, r.duration)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names() {
        assert_eq!(retval_name(pt::BPF_PROG_TYPE_XDP as u32, 2), Some("XDP_PASS"));
        assert_eq!(retval_name(pt::BPF_PROG_TYPE_XDP as u32, 1), Some("XDP_DROP"));
        assert_eq!(retval_name(pt::BPF_PROG_TYPE_XDP as u32, 9), None);
        assert_eq!(retval_name(pt::BPF_PROG_TYPE_SCHED_CLS as u32, 2), Some("TC_ACT_SHOT"));
        assert_eq!(retval_name(pt::BPF_PROG_TYPE_SCHED_ACT as u32, u32::MAX), Some("TC_ACT_UNSPEC"));
        assert_eq!(retval_name(1, 0), None);
    }

    #[test]
    fn hex_like_bpftool() {
        let mut v = Vec::new();
        hex_print(&mut v, b"ABCDEFGHIJKLMNOPqr\x01").unwrap();
        let s = String::from_utf8(v).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "0000000\t4142 4344 4546 4748 494a 4b4c 4d4e 4f50 | ABCDEFGH IJKLMNOP");
        assert_eq!(lines[1], format!("0000010\t7172 01{}| qr.", " ".repeat(33)));
    }

    #[test]
    fn grammar() {
        let words: Vec<String> =
            "data_in a.bin rep 10 data_o - ctx_size_out 0x20".split(' ').map(String::from).collect();
        let mut w = Words::new("prog run", &words);
        let a = parse(&mut w).unwrap();
        assert_eq!(a.data_in.as_deref(), Some("a.bin"));
        assert_eq!(a.data_out.as_deref(), Some("-"));
        assert_eq!((a.repeat, a.ctx_size_out), (10, Some(32)));
        let words: Vec<String> = ["data_in", "-", "ctx_in", "-"].map(String::from).to_vec();
        assert!(parse(&mut Words::new("prog run", &words)).is_err());
        let words: Vec<String> = ["data", "x"].map(String::from).to_vec();
        assert!(parse(&mut Words::new("prog run", &words)).is_err());
    }
}
