//! Attaching to uprobes and uretprobes (single and multi).
//!
//! A single uprobe is a perf event of the `uprobe` PMU (binary path and
//! file offset) with the program linked to it (BPF_LINK_CREATE with
//! BPF_PERF_EVENT); the link keeps the event alive, so the event's fd is
//! closed once linked. `uprobe.multi` makes one BPF_TRACE_UPROBE_MULTI link
//! for every function a glob matches, which the kernel accepts only for a
//! program loaded with that expected attach type (`SEC("uprobe.multi")`).

pub mod elf;

use std::ffi::CString;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

use anyhow::{Context, Result, bail};
use aya_obj::generated::{bpf_attach_type, bpf_prog_type};

use super::{Attached, Prog};
use crate::error::UserError;
use crate::select::Words;
use crate::sys;
use elf::Binary;

/// The words that start this family's TARGET.
pub const KEYWORDS: &[&str] = &["uprobe", "uretprobe", "uprobe.multi", "uretprobe.multi"];

/// BPF_F_UPROBE_MULTI_RETURN (include/uapi/linux/bpf.h).
const UPROBE_MULTI_RETURN: u32 = 1;

#[derive(Debug, Clone, PartialEq)]
pub struct Hook {
    /// uretprobe: runs when the function returns.
    pub ret: bool,
    pub binary: String,
    pub at: At,
    /// Only this process (its threads); None: every process running the binary.
    pub pid: Option<u32>,
}

/// Where in the binary.
#[derive(Debug, Clone, PartialEq)]
pub enum At {
    /// A function, plus a byte offset into it.
    Symbol { name: String, plus: u64 },
    /// A raw file offset (`BINARY:0x1234`).
    Offset(u64),
    /// uprobe.multi: every function whose name matches.
    Glob(String),
}

/// Parses TARGET; the first word is one of KEYWORDS.
pub fn parse(w: &mut Words<'_>, _prog: &Prog<'_>) -> Result<Hook> {
    let kw = w.require("an attach target")?;
    let multi = kw.ends_with(".multi");
    let Some(spec) = w.next().filter(|s| *s != "pid") else {
        let what = if multi {
            "BINARY:GLOB, e.g. `/usr/bin/bash:read*`"
        } else {
            "BINARY:SYMBOL, e.g. `/usr/bin/bash:readline`"
        };
        bail!(UserError::new(
            format!("`{kw}` needs the binary and where in it to probe"),
            format!("write `{kw} {what}` (optionally followed by `pid PID`) before the pin path"),
        ));
    };
    let mut hook = parse_spec(kw, spec)?;
    if w.eat("pid") {
        hook.pid = Some(w.take_u32("a process id after `pid`")?);
    }
    Ok(hook)
}

/// `BINARY:SYMBOL[+OFFSET]`, `BINARY:0xOFFSET` or, for the multi kinds,
/// `BINARY:GLOB` (libbpf's section forms, which the words reuse).
fn parse_spec(kw: &str, spec: &str) -> Result<Hook> {
    let multi = kw.starts_with("uprobe.multi") || kw.starts_with("uretprobe.multi");
    let ret = kw.starts_with("uretprobe");
    let bad = |why: &str| -> anyhow::Error {
        let form = if multi { "BINARY:GLOB" } else { "BINARY:SYMBOL[+OFFSET] or BINARY:0xOFFSET" };
        UserError::new(
            format!("`{spec}` is not a {kw} target: {why}"),
            format!("write {form}, e.g. `/usr/bin/bash:readline`"),
        )
        .into()
    };
    let Some((binary, rest)) = spec.split_once(':') else { return Err(bad("there is no ':'")) };
    if binary.is_empty() || rest.is_empty() {
        return Err(bad(if binary.is_empty() { "the binary is missing" } else { "the symbol is missing" }));
    }
    let at = if multi {
        At::Glob(rest.to_string())
    } else if let Some(off) = number(rest) {
        At::Offset(off)
    } else {
        match rest.split_once('+') {
            None => At::Symbol { name: rest.to_string(), plus: 0 },
            Some((name, plus)) => {
                let plus = number(plus).ok_or_else(|| bad(&format!("`{plus}` after '+' is not a number")))?;
                At::Symbol { name: name.to_string(), plus }
            }
        }
    };
    Ok(Hook { ret, binary: binary.to_string(), at, pid: None })
}

/// A decimal or 0x-prefixed number.
fn number(s: &str) -> Option<u64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// The hook the program's section names, if it is of this family and
/// names it completely (`uprobe/BINARY:SYMBOL`; a bare `uprobe` has no
/// binary and needs a TARGET).
pub fn from_section(prog: &Prog<'_>) -> Result<Option<Hook>> {
    let Some(section) = prog.section.as_deref() else { return Ok(None) };
    of_section(section).with_context(|| format!("reading section `{section}`"))
}

fn of_section(section: &str) -> Result<Option<Hook>> {
    let Some(spec) = crate::loader::sections::spec(section) else { return Ok(None) };
    let kind = spec.kind.trim_end_matches(".s");
    if !KEYWORDS.contains(&kind) {
        return Ok(None);
    }
    match section.split_once('/') {
        Some((_, arg)) if !arg.is_empty() => parse_spec(kind, arg).map(Some),
        _ => Ok(None),
    }
}

pub fn attach(prog: &Prog<'_>, hook: &Hook) -> Result<Vec<Attached>> {
    check_kprobe_type(prog, "uprobes")?;
    let bin = Binary::open(&hook.binary)?;
    let path = c_path(&bin)?;
    if let Some(pid) = hook.pid {
        check_pid(pid)?;
    }
    let link = match &hook.at {
        At::Glob(glob) => {
            let mut offsets: Vec<u64> =
                bin.functions()?.iter().filter(|f| elf::glob_match(glob, &f.name)).map(|f| f.offset).collect();
            offsets.sort_unstable();
            offsets.dedup();
            if offsets.is_empty() {
                bail!(UserError::new(
                    format!("no function of `{}` matches `{glob}`", bin.path.display()),
                    format!(
                        "list its functions with `nm -D {0}` or `nm {0}`; `*` and `?` are the wildcards",
                        bin.path.display()
                    ),
                ));
            }
            multi_link(prog, &path, hook.ret, &offsets, &[], &[], hook.pid)?
        }
        At::Offset(off) => perf_link(prog, &path, *off, hook.ret, 0, hook.pid, 0)?,
        At::Symbol { name, plus } => perf_link(prog, &path, bin.function(name)? + plus, hook.ret, 0, hook.pid, 0)?,
    };
    Ok(vec![Attached { link, sub: None }])
}

/// uprobes, uprobe_multi and USDT all run BPF_PROG_TYPE_KPROBE programs.
pub(super) fn check_kprobe_type(prog: &Prog<'_>, what: &str) -> Result<()> {
    let t = prog.info.info.type_;
    if t != bpf_prog_type::BPF_PROG_TYPE_KPROBE as u32 {
        bail!(UserError::new(
            format!(
                "program `{}` is a {} program; {what} run kprobe programs",
                crate::pins::c_name(&prog.info.info.name),
                crate::kinds::prog_type_name(t)
            ),
            "load it from a `SEC(\"uprobe\")`, `SEC(\"uprobe.multi\")` or `SEC(\"usdt\")` section",
        ));
    }
    Ok(())
}

pub(super) fn c_path(bin: &Binary) -> Result<CString> {
    CString::new(bin.path.as_os_str().as_bytes()).map_err(|_| {
        UserError::new(format!("the path `{}` contains a NUL byte", bin.path.display()), "rename the file").into()
    })
}

pub(super) fn check_pid(pid: u32) -> Result<()> {
    if pid == 0 || !std::path::Path::new(&format!("/proc/{pid}")).exists() {
        bail!(UserError::new(
            format!("process {pid} does not exist"),
            "give the id of a running process (see `pgrep NAME`), or leave out `pid` to probe every process",
        ));
    }
    Ok(())
}

/// A uprobe perf event at `offset` of `path`, linked to the program.
/// `ref_ctr` is the file offset of a USDT semaphore the kernel increments
/// while the probe exists (0: none); `cookie` is what
/// bpf_get_attach_cookie() returns.
pub(super) fn perf_link(
    prog: &Prog<'_>,
    path: &CString,
    offset: u64,
    ret: bool,
    ref_ctr: u64,
    pid: Option<u32>,
    cookie: u64,
) -> Result<OwnedFd> {
    let Some((type_, ret_bit)) = sys::perf_event::pmu("uprobe") else {
        bail!(UserError::new(
            "this kernel has no uprobe PMU (/sys/bus/event_source/devices/uprobe)",
            "use a kernel built with CONFIG_UPROBE_EVENTS",
        ));
    };
    let mut config = 0;
    if ret {
        config |= 1u64 << ret_bit.unwrap_or(0);
    }
    if ref_ctr != 0 {
        let Some(shift) = sys::perf_event::pmu_format_shift("uprobe", "ref_ctr_offset") else {
            bail!(UserError::new(
                "this kernel's uprobes have no reference counters (USDT semaphores)",
                "use Linux 4.20 or newer, or a probe without a semaphore",
            ));
        };
        config |= ref_ctr << shift;
    }
    let ev =
        sys::perf_event::Event { type_, config, config1: path.as_ptr() as u64, config2: offset, ..Default::default() };
    // The kernel wants a cpu for an any-process event; a uprobe event on
    // cpu 0 still fires on every cpu (libbpf opens them so too).
    let (p, cpu) = match pid {
        Some(pid) => (pid as i32, -1),
        None => (-1, 0),
    };
    let what = format!(
        "a {} on `{}` at file offset {offset:#x}",
        if ret { "uretprobe" } else { "uprobe" },
        path.to_string_lossy()
    );
    let event = sys::perf_event::open(&ev, p, cpu, Some(path)).map_err(|e| match e.raw_os_error() {
        Some(libc::ESRCH) => UserError::new(
            format!("process {} does not exist", pid.unwrap_or(0)),
            "give the id of a running process, or leave out `pid`",
        )
        .into(),
        Some(libc::EINVAL) => refused(
            e,
            UserError::new(
                format!("the kernel refused {what}"),
                "the offset must be inside the file and on an instruction: check it with `objdump -d`",
            ),
        ),
        _ => anyhow::Error::new(e).context(format!("opening {what}")),
    })?;
    sys::link::create(
        prog.fd,
        Some(event.as_fd()),
        bpf_attach_type::BPF_PERF_EVENT as u32,
        0,
        &sys::link::Extra::PerfEvent { cookie },
    )
    .map_err(|e| link_refused(prog, e, false))
}

/// One BPF_TRACE_UPROBE_MULTI link over `offsets` of `path`
/// (`ref_ctrs` and `cookies` empty or one per offset).
pub(super) fn multi_link(
    prog: &Prog<'_>,
    path: &CString,
    ret: bool,
    offsets: &[u64],
    ref_ctrs: &[u64],
    cookies: &[u64],
    pid: Option<u32>,
) -> Result<OwnedFd> {
    let extra = sys::link::Extra::UprobeMulti {
        path,
        flags: if ret { UPROBE_MULTI_RETURN } else { 0 },
        offsets,
        ref_ctr_offsets: ref_ctrs,
        cookies,
        pid: pid.unwrap_or(0),
    };
    sys::link::create(prog.fd, None, bpf_attach_type::BPF_TRACE_UPROBE_MULTI as u32, 0, &extra)
        .map_err(|e| link_refused(prog, e, true))
}

/// The kernel's EINVAL on BPF_LINK_CREATE here nearly always means the
/// program was loaded for the other kind of link: a program's expected
/// attach type (BPF_TRACE_UPROBE_MULTI or none) decides it for good.
fn link_refused(prog: &Prog<'_>, e: sys::SysError, multi: bool) -> anyhow::Error {
    let name = crate::pins::c_name(&prog.info.info.name);
    // When the section says how it was loaded, only a mismatch is explained.
    let mismatch = loaded_for_multi(prog).is_none_or(|m| m != multi);
    match e.errno() {
        _ if !mismatch => anyhow::Error::new(e).context(format!("linking program `{name}`")),
        Some(libc::EINVAL) if multi => refused(
            e,
            UserError::new(
                format!(
                    "the kernel refused a uprobe_multi link for program `{name}`: it was not loaded with expected \
                 attach type BPF_TRACE_UPROBE_MULTI"
                ),
                "load it from a `SEC(\"uprobe.multi\")` section, or attach it to one function with `uprobe BINARY:SYMBOL`",
            ),
        ),
        Some(libc::EINVAL) => refused(
            e,
            UserError::new(
                format!(
                    "the kernel refused to link program `{name}` to a single uprobe: a program loaded for uprobe_multi \
                 links (`SEC(\"uprobe.multi\")`) attaches only through them"
                ),
                "use `uprobe.multi BINARY:GLOB` (a glob may be one exact name) for this program",
            ),
        ),
        _ => anyhow::Error::new(e).context(format!("linking program `{name}`")),
    }
}

/// Whether the program was loaded with expected attach type
/// BPF_TRACE_UPROBE_MULTI, from its section; None when the section is
/// unknown (the kernel does not report the expected attach type).
pub(super) fn loaded_for_multi(prog: &Prog<'_>) -> Option<bool> {
    let spec = prog.spec()?;
    Some(spec.expected_attach_type == Some(bpf_attach_type::BPF_TRACE_UPROBE_MULTI as u32))
}

/// The kernel's error with what it means here: the UserError carries both,
/// so the report prints its sentence, the errno, and its fix.
pub(super) fn refused(e: impl std::fmt::Display, mut u: UserError) -> anyhow::Error {
    u.msg = format!("{}: {e}", u.msg);
    u.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_as_libbpf_writes_them() {
        let h = parse_spec("uprobe", "/bin/x:main+0x10").unwrap();
        assert_eq!(h.at, At::Symbol { name: "main".into(), plus: 16 });
        assert!(!h.ret);
        let h = parse_spec("uretprobe", "libc.so.6:malloc").unwrap();
        assert_eq!((h.binary.as_str(), h.ret), ("libc.so.6", true));
        assert_eq!(parse_spec("uprobe", "/bin/x:0x1234").unwrap().at, At::Offset(0x1234));
        assert_eq!(parse_spec("uprobe.multi", "/bin/x:do_*").unwrap().at, At::Glob("do_*".into()));
        for bad in ["/bin/x", ":main", "/bin/x:", "/bin/x:main+zz"] {
            let e = parse_spec("uprobe", bad).unwrap_err().to_string();
            assert!(e.contains("is not a uprobe target"), "{bad}: {e}");
        }
    }

    #[test]
    fn sections_in_libbpf_forms_name_their_hook() {
        let h = of_section("uprobe//usr/bin/bash:readline").unwrap().unwrap();
        assert_eq!((h.binary.as_str(), h.ret), ("/usr/bin/bash", false));
        assert_eq!(h.at, At::Symbol { name: "readline".into(), plus: 0 });
        let h = of_section("uretprobe.s/libc.so.6:malloc+4").unwrap().unwrap();
        assert_eq!((h.binary.as_str(), h.ret), ("libc.so.6", true));
        assert_eq!(h.at, At::Symbol { name: "malloc".into(), plus: 4 });
        let h = of_section("uretprobe.multi/./app:handle_*").unwrap().unwrap();
        assert_eq!((h.ret, h.at), (true, At::Glob("handle_*".into())));
        for none in ["uprobe", "uprobe.multi", "usdt/a:b:c", "kprobe/do_unlinkat", "xdp"] {
            assert!(of_section(none).unwrap().is_none(), "{none}");
        }
        for bad in ["uprobe/readline", "uprobe/bin:f+x"] {
            let e = of_section(bad).unwrap_err().to_string();
            assert!(e.contains("is not a uprobe target"), "{bad}: {e}");
        }
    }
}
