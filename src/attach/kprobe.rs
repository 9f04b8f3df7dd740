//! Attaching to kprobes and kretprobes (single, multi with globs, syscalls by name).
//!
//! A single probe is a perf event of the kernel's `kprobe` PMU (the
//! function name and offset in config1/config2, the return-probe bit from
//! the PMU's format) handed to BPF_LINK_CREATE. A multi probe is one
//! BPF_TRACE_KPROBE_MULTI link over every traceable function a glob
//! matches. A kernel without CONFIG_KPROBES has no `kprobe` PMU: that is
//! said before anything is asked of it.

use std::ffi::CString;
use std::os::fd::AsFd;

use anyhow::{Context, Result, bail};
use aya_obj::generated::bpf_attach_type;

use super::{Attached, ENOTSUPP, Prog, errno_text, refused};
use crate::error::UserError;
use crate::select::Words;
use crate::sys;
use crate::sys::link::Extra;

/// The words that start this family's TARGET.
pub const KEYWORDS: &[&str] = &["kprobe", "kretprobe", "kprobe.multi", "kretprobe.multi", "ksyscall", "kretsyscall"];

#[derive(Debug, Clone, PartialEq)]
pub enum Hook {
    /// `kprobe FUNC[+OFFSET]`, `kretprobe FUNC`; `ksyscall NAME` resolves
    /// to one of these at parse time.
    Single { func: String, offset: u64, ret: bool },
    /// `kprobe.multi GLOB`, `kretprobe.multi GLOB`.
    Multi { glob: String, ret: bool },
}

/// `BPF_F_KPROBE_MULTI_RETURN`.
const MULTI_RETURN: u32 = 1;

/// Parses TARGET; the first word is one of KEYWORDS.
pub fn parse(w: &mut Words<'_>, _prog: &Prog<'_>) -> Result<Hook> {
    let kw = w.require("an attach target")?;
    let arg = w.require(match kw {
        "ksyscall" | "kretsyscall" => "a system call name, e.g. openat",
        "kprobe.multi" | "kretprobe.multi" => "a function glob, e.g. 'tcp_*'",
        _ => "a kernel function, FUNC[+OFFSET]",
    })?;
    hook(kw, arg)
}

fn hook(kw: &str, arg: &str) -> Result<Hook> {
    let ret = kw.starts_with("kret");
    match kw {
        "ksyscall" | "kretsyscall" => Ok(Hook::Single { func: syscall_symbol(arg)?, offset: 0, ret }),
        "kprobe.multi" | "kretprobe.multi" => {
            if arg.is_empty() || arg.contains(char::is_whitespace) {
                bail!(UserError::new(format!("`{arg}` is not a function glob"), "write e.g. `kprobe.multi 'tcp_*'`"));
            }
            Ok(Hook::Multi { glob: arg.to_string(), ret })
        }
        _ => {
            let (func, offset) = match arg.split_once('+') {
                Some((f, off)) => {
                    let o = crate::select::parse_u64(off).ok_or_else(|| {
                        UserError::new(format!("`{off}` is not an offset"), "write FUNC+OFFSET, e.g. `do_unlinkat+4`")
                    })?;
                    (f, o)
                }
                None => (arg, 0),
            };
            if !is_symbol(func) {
                bail!(UserError::new(
                    format!("`{func}` is not a kernel function name"),
                    "write e.g. `kprobe do_unlinkat`"
                ));
            }
            if ret && offset != 0 {
                bail!(UserError::new(
                    format!("a kretprobe fires when `{func}` returns, so it takes no offset"),
                    format!("write `kretprobe {func}`"),
                ));
            }
            Ok(Hook::Single { func: func.to_string(), offset, ret })
        }
    }
}

fn is_symbol(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// The kernel symbol of a system call: the architecture's wrapper
/// (`__x64_sys_openat`) when the kernel has syscall wrappers, else
/// `sys_openat`, as libbpf chooses.
fn syscall_symbol(name: &str) -> Result<String> {
    if !is_symbol(name) {
        bail!(UserError::new(format!("`{name}` is not a system call name"), "write e.g. `ksyscall openat`"));
    }
    let prefix = match std::env::consts::ARCH {
        "x86_64" => "__x64_sys_",
        "x86" => "__ia32_sys_",
        "aarch64" => "__arm64_sys_",
        "s390x" => "__s390x_sys_",
        "riscv64" => "__riscv_sys_",
        "powerpc64" => "sys_",
        "loongarch64" => "sys_",
        _ => "sys_",
    };
    let wrapped = format!("{prefix}{name}");
    let has_wrapper = prefix != "sys_" && kallsyms_has(&wrapped);
    Ok(if has_wrapper { wrapped } else { format!("sys_{name}") })
}

fn kallsyms_has(sym: &str) -> bool {
    use std::io::BufRead;
    let Ok(f) = std::fs::File::open("/proc/kallsyms") else { return false };
    std::io::BufReader::new(f).lines().map_while(Result::ok).any(|l| l.split_whitespace().nth(2) == Some(sym))
}

/// The hook the program's section names, if it is of this family and
/// names it completely.
pub fn from_section(prog: &Prog<'_>) -> Result<Option<Hook>> {
    let Some(spec) = prog.spec() else { return Ok(None) };
    let Some(arg) = prog.section_arg() else { return Ok(None) };
    let kw = match spec.kind {
        "kprobe" | "kretprobe" | "ksyscall" | "kretsyscall" | "kprobe.multi" | "kretprobe.multi" => spec.kind,
        _ => return Ok(None),
    };
    hook(kw, arg).map(Some)
}

pub fn attach(prog: &Prog<'_>, hook: &Hook) -> Result<Vec<Attached>> {
    let link = match hook {
        Hook::Single { func, offset, ret } => single(prog, func, *offset, *ret)?,
        Hook::Multi { glob, ret } => multi(prog, glob, *ret)?,
    };
    Ok(vec![Attached { link, sub: None }])
}

fn single(prog: &Prog<'_>, func: &str, offset: u64, ret: bool) -> Result<std::os::fd::OwnedFd> {
    let kind = if ret { "kretprobe" } else { "kprobe" };
    let what = if offset > 0 { format!("{kind} {func}+{offset:#x}") } else { format!("{kind} {func}") };
    let Some((type_, ret_bit)) = sys::perf_event::pmu("kprobe") else {
        bail!(UserError::new(
            format!(
                "cannot attach to {what}: this kernel has no kprobes (no kprobe PMU in \
                 /sys/bus/event_source/devices; it was built without CONFIG_KPROBES)"
            ),
            "use a kernel built with CONFIG_KPROBES=y and CONFIG_KPROBE_EVENTS=y, or hook a tracepoint \
             (`tracepoint CATEGORY:NAME`) or fentry instead",
        ));
    };
    let config = match (ret, ret_bit) {
        (false, _) => 0,
        (true, Some(bit)) if bit < 64 => 1u64 << bit,
        (true, _) => bail!(UserError::new(
            format!("cannot attach to {what}: this kernel's kprobe PMU has no return-probe format"),
            "use a kernel whose /sys/bus/event_source/devices/kprobe/format/retprobe exists",
        )),
    };
    let name = CString::new(func).context("a function name with a NUL byte")?;
    let ev =
        sys::perf_event::Event { type_, config, config1: name.as_ptr() as u64, config2: offset, ..Default::default() };
    let pfd = sys::perf_event::open(&ev, -1, 0, Some(&name)).map_err(|e| {
        let errno = e.raw_os_error().unwrap_or(0);
        if matches!(errno, libc::ENOENT | libc::EINVAL | libc::EADDRNOTAVAIL) {
            UserError::new(
                format!("the kernel cannot probe {what} ({}): no such function, or it may not be probed", errno_text(errno)),
                "check the name in /proc/kallsyms or available_filter_functions (notrace and inlined functions cannot be probed)",
            )
            .into()
        } else {
            anyhow::anyhow!("{}", errno_text(errno)).context(format!("opening a perf event for {what}"))
        }
    })?;
    sys::link::create(
        prog.fd,
        Some(pfd.as_fd()),
        bpf_attach_type::BPF_PERF_EVENT as u32,
        0,
        &Extra::PerfEvent { cookie: 0 },
    )
    .map_err(|e| refused(prog, &what, "a kprobe program (SEC(\"kprobe/FUNC\"))", e.errno()))
}

fn multi(prog: &Prog<'_>, glob: &str, ret: bool) -> Result<std::os::fd::OwnedFd> {
    let kind = if ret { "kretprobe.multi" } else { "kprobe.multi" };
    let what = format!("{kind} {glob}");
    let funcs = matching_functions(glob, prog.nomount)?;
    if funcs.is_empty() {
        bail!(UserError::new(
            format!("no traceable kernel function matches `{glob}`"),
            "check the glob against available_filter_functions in tracefs",
        ));
    }
    let names: Vec<CString> = funcs.into_iter().filter_map(|f| CString::new(f).ok()).collect();
    let ptrs: Vec<*const libc::c_char> = names.iter().map(|n| n.as_ptr()).collect();
    let extra = Extra::KprobeMulti { flags: if ret { MULTI_RETURN } else { 0 }, syms: &ptrs, addrs: &[], cookies: &[] };
    sys::link::create(prog.fd, None, bpf_attach_type::BPF_TRACE_KPROBE_MULTI as u32, 0, &extra).map_err(|e| {
        match e.errno() {
            Some(libc::EOPNOTSUPP | ENOTSUPP) => UserError::new(
                format!(
                    "the kernel refused {what} ({} matching function{}): {}; it has no multi-kprobe support (needs \
                     CONFIG_FPROBE and kprobes, which this kernel lacks or has disabled)",
                    ptrs.len(),
                    if ptrs.len() == 1 { "" } else { "s" },
                    errno_text(e.errno().unwrap_or(0))
                ),
                "use a kernel built with CONFIG_KPROBES=y and CONFIG_FPROBE=y, or attach single kprobes or tracepoints",
            )
            .into(),
            errno => refused(prog, &what, "a program loaded from SEC(\"kprobe.multi/GLOB\")", errno),
        }
    })
}

/// Every traceable function whose name matches the glob, sorted, once
/// each: from available_filter_functions (which leaves out notrace
/// functions), or, where tracefs refuses to list them (lockdown, ftrace
/// off), from the text symbols of /proc/kallsyms.
fn matching_functions(glob: &str, nomount: bool) -> Result<Vec<String>> {
    let file = super::tracing::find_or_mount_tracefs(nomount)?.0.join("available_filter_functions");
    let mut out: Vec<String> = match std::fs::read_to_string(&file) {
        // "name [module]": the module part is not the symbol.
        Ok(text) => text
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|f| matches(glob, f))
            .map(str::to_string)
            .collect(),
        Err(_) => {
            let text = std::fs::read_to_string("/proc/kallsyms").context("reading /proc/kallsyms")?;
            // "address type name [module]"; t/T are functions.
            text.lines()
                .filter_map(|l| {
                    let mut f = l.split_whitespace().skip(1);
                    let (t, name) = (f.next()?, f.next()?);
                    matches!(t, "t" | "T").then_some(name)
                })
                .filter(|f| matches(glob, f))
                .map(str::to_string)
                .collect()
        }
    };
    out.sort();
    out.dedup();
    Ok(out)
}

fn matches(glob: &str, name: &str) -> bool {
    glob_match(glob.as_bytes(), name.as_bytes())
}

/// `*` any run, `?` one character, everything else itself.
fn glob_match(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match(b"tcp_*", b"tcp_sendmsg"));
        assert!(glob_match(b"*unlinkat*", b"do_unlinkat"));
        assert!(glob_match(b"do_?nlinkat", b"do_unlinkat"));
        assert!(!glob_match(b"tcp_*", b"udp_sendmsg"));
        assert!(glob_match(b"*", b""));
        assert!(!glob_match(b"a", b""));
    }

    #[test]
    fn targets() {
        assert_eq!(
            hook("kprobe", "do_unlinkat+0x10").unwrap(),
            Hook::Single { func: "do_unlinkat".into(), offset: 16, ret: false }
        );
        assert!(hook("kretprobe", "f+4").is_err());
        assert!(hook("kprobe", "a b").is_err());
        assert!(matches!(hook("ksyscall", "getpid").unwrap(), Hook::Single { ret: false, .. }));
    }
}
