//! What a program is attached to (a `Hook`) and the one call that attaches
//! it, returning bpf_links. Lower layer: no clap, no output.
//!
//! A hook is parsed from `link attach`'s TARGET words (bpftool-style
//! keywords, one family per file) or, when none is given, from the
//! program's ELF section name (libbpf's `SEC()` conventions), which the
//! loader records (`record`) because the kernel does not keep it.
//!
//! Every family returns links: the attachment lives as long as a link fd
//! or pin does, so a failed or interrupted command that drops its fds
//! leaves nothing attached.

pub mod cgroup;
pub mod kprobe;
pub mod perf_event;
pub mod record;
pub mod tracing;
pub mod uprobe;
pub mod usdt;

use std::os::fd::{BorrowedFd, OwnedFd};

use anyhow::{Result, bail};

use crate::error::UserError;
use crate::loader::sections::{self, SecSpec};
use crate::select::Words;
use crate::sys;

/// What is known of the program being attached.
pub struct Prog<'a> {
    pub fd: BorrowedFd<'a>,
    pub info: &'a sys::ProgInfo,
    /// The ELF section it was loaded from: from the object at load time,
    /// else from `record` (None for programs bpfpin did not load).
    pub section: Option<String>,
    /// `-n`: never mount tracefs to find a tracepoint or kernel function.
    pub nomount: bool,
}

impl Prog<'_> {
    /// How the section loads (type, expected attach type, libbpf kind).
    pub fn spec(&self) -> Option<SecSpec> {
        self.section.as_deref().and_then(sections::spec)
    }

    /// The section's argument after the first '/', as libbpf splits it
    /// (`tracepoint/syscalls/sys_enter_getpid` -> `syscalls/sys_enter_getpid`).
    pub fn section_arg(&self) -> Option<&str> {
        self.section.as_deref()?.split_once('/').map(|(_, a)| a).filter(|a| !a.is_empty())
    }
}

/// A hook, by family.
#[derive(Debug, Clone, PartialEq)]
pub enum Hook {
    Tracing(tracing::Hook),
    Kprobe(kprobe::Hook),
    Uprobe(uprobe::Hook),
    Usdt(usdt::Hook),
    PerfEvent(perf_event::Hook),
    Cgroup(cgroup::Hook),
}

/// One link made by `attach`. `sub` names it inside the pin directory when
/// one hook makes several (`perf_event ... cpu all`: `cpu0`, `cpu1`, ...);
/// `None` for the usual single link pinned at the path itself.
pub struct Attached {
    pub link: OwnedFd,
    pub sub: Option<String>,
}

/// `link attach`'s TARGET words (all the words between PROG and PATH). No
/// words: the hook the program's section names.
pub fn parse(w: &mut Words<'_>, prog: &Prog<'_>) -> Result<Hook> {
    let hook = match w.peek() {
        None => return from_section(prog)?.ok_or_else(|| no_default(prog).into()),
        Some(kw) if tracing::KEYWORDS.contains(&kw) => Hook::Tracing(tracing::parse(w, prog)?),
        Some(kw) if kprobe::KEYWORDS.contains(&kw) => Hook::Kprobe(kprobe::parse(w, prog)?),
        Some(kw) if uprobe::KEYWORDS.contains(&kw) => Hook::Uprobe(uprobe::parse(w, prog)?),
        Some(kw) if usdt::KEYWORDS.contains(&kw) => Hook::Usdt(usdt::parse(w, prog)?),
        Some(kw) if perf_event::KEYWORDS.contains(&kw) => Hook::PerfEvent(perf_event::parse(w, prog)?),
        Some(kw) if cgroup::KEYWORDS.contains(&kw) => Hook::Cgroup(cgroup::parse(w, prog)?),
        Some(other) => bail!(UserError::new(
            format!("`{other}` is not an attach target"),
            format!("a target starts with one of: {}", all_keywords().join(", ")),
        )),
    };
    w.expect_end()?;
    Ok(hook)
}

/// The hook the program's section names, if it names one completely
/// (`tracepoint/syscalls/sys_enter_getpid`, `fentry/do_unlinkat`); `None`
/// when the section needs a target it cannot give (XDP, tc, cgroup, a
/// uprobe without a binary). Used by `autoattach` and by `link attach`
/// without TARGET.
pub fn from_section(prog: &Prog<'_>) -> Result<Option<Hook>> {
    if prog.section.is_none() {
        return Ok(None);
    }
    Ok(if let Some(h) = tracing::from_section(prog)? {
        Some(Hook::Tracing(h))
    } else if let Some(h) = kprobe::from_section(prog)? {
        Some(Hook::Kprobe(h))
    } else if let Some(h) = uprobe::from_section(prog)? {
        Some(Hook::Uprobe(h))
    } else if let Some(h) = usdt::from_section(prog)? {
        Some(Hook::Usdt(h))
    } else {
        perf_event::from_section(prog)?.map(Hook::PerfEvent)
    })
}

/// Attaches the program to the hook: one link, or one per CPU.
pub fn attach(prog: &Prog<'_>, hook: &Hook) -> Result<Vec<Attached>> {
    match hook {
        Hook::Tracing(h) => tracing::attach(prog, h),
        Hook::Kprobe(h) => kprobe::attach(prog, h),
        Hook::Uprobe(h) => uprobe::attach(prog, h),
        Hook::Usdt(h) => usdt::attach(prog, h),
        Hook::PerfEvent(h) => perf_event::attach(prog, h),
        Hook::Cgroup(h) => cgroup::attach(prog, h),
    }
}

fn all_keywords() -> Vec<&'static str> {
    [tracing::KEYWORDS, kprobe::KEYWORDS, uprobe::KEYWORDS, usdt::KEYWORDS, perf_event::KEYWORDS, cgroup::KEYWORDS]
        .concat()
}

fn no_default(prog: &Prog<'_>) -> UserError {
    let what = match &prog.section {
        Some(s) => format!("its section `{s}` names no complete target"),
        None => "bpfpin did not load it, so its section name is unknown".to_string(),
    };
    UserError::new(
        format!("program `{}` needs an attach target: {what}", crate::pins::c_name(&prog.info.info.name)),
        format!(
            "name one after the program, e.g. `tracepoint syscalls:sys_enter_getpid`; targets: {}",
            all_keywords().join(", ")
        ),
    )
}

/// The kernel refused to attach: one sentence naming the program, its
/// type and the hook, with what the errno means for an attach; `wants`
/// names the program a hook of this kind takes (the usual cause of EINVAL).
pub fn refused(prog: &Prog<'_>, hook: &str, wants: &str, errno: Option<i32>) -> anyhow::Error {
    let name = crate::pins::c_name(&prog.info.info.name);
    let ptype = crate::kinds::prog_type_name(prog.info.info.type_);
    let errno = errno.unwrap_or(libc::EINVAL);
    let os = errno_text(errno);
    let (why, fix) = match errno {
        libc::EINVAL | libc::EPROTO => (
            format!("the program's type or attach type does not fit this hook ({os})"),
            format!("{hook} takes {wants}; load the program from the matching SEC() or name the target that fits it"),
        ),
        libc::EPERM | libc::EACCES => (
            os.clone(),
            "run as root (CAP_BPF and CAP_PERFMON); if bpfpin is root, the kernel forbids it (lockdown: see \
             /sys/kernel/security/lockdown)"
                .to_string(),
        ),
        libc::ENOENT | libc::ESRCH => {
            (format!("the kernel has no such target ({os})"), "check the target's name and spelling".to_string())
        }
        libc::EOPNOTSUPP | ENOTSUPP => (
            format!("this kernel does not support it ({os})"),
            "use a kernel built with the feature, or another hook".to_string(),
        ),
        libc::EEXIST | libc::EBUSY => (
            format!("the hook is taken ({os})"),
            "a program loaded for a fixed target attaches once: detach the other link (`bpfpin link show`) or \
             load the program again"
                .to_string(),
        ),
        _ => (os.clone(), "run with -d to see the failing call".to_string()),
    };
    UserError::new(format!("the kernel refused to attach program `{name}` ({ptype}) to {hook}: {why}"), fix).into()
}

/// The kernel's internal "not supported" errno, which reaches user space
/// from some attach paths (kprobe.multi without fprobe).
pub const ENOTSUPP: i32 = 524;

/// strerror's text, without std's " (os error N)" suffix.
pub fn errno_text(errno: i32) -> String {
    let s = std::io::Error::from_raw_os_error(errno).to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Why a program whose section names no complete hook was not attached,
/// and how to attach it: for `autoattach`'s report.
pub fn needs_target(section: &str) -> String {
    let kind = sections::spec(section).map_or("", |s| s.kind);
    let head = section.split('/').next().unwrap_or(section);
    let (needs, how) = match kind.split('/').next().unwrap_or(kind) {
        "xdp" | "xdp.frags" => ("a network device", "bpfpin net attach xdp PROG dev IFACE"),
        "tc" | "tcx" | "classifier" | "action" | "netkit" => {
            ("a network device", "bpfpin net attach tcx-ingress PROG dev IFACE")
        }
        "cgroup" | "cgroup_skb" | "sockops" | "cgroup_sock" => {
            ("a cgroup", "bpfpin link attach PROG cgroup CGROUP_PATH PATH")
        }
        "uprobe" | "uretprobe" | "uprobe.s" | "uretprobe.s" | "uprobe.multi" | "uretprobe.multi" => {
            ("a binary and a symbol", "bpfpin link attach PROG uprobe BINARY:SYMBOL PATH")
        }
        "usdt" | "usdt.s" => ("a binary", "bpfpin link attach PROG usdt BINARY:PROVIDER:NAME PATH"),
        "perf_event" => ("an event", "bpfpin link attach PROG perf_event cpu-clock PATH"),
        "sk_lookup" | "flow_dissector" => ("a network namespace", "bpfpin link attach PROG netns NETNS_PATH PATH"),
        "iter" | "iter.s" => {
            ("a map or cgroup", "bpfpin link attach PROG iter map MAP PATH` or `... iter cgroup CGROUP_PATH PATH")
        }
        "socket" => ("a socket or device", "bpfpin net attach socket PROG dev IFACE"),
        "sk_skb" | "sk_msg" => ("a sockmap", "bpfpin prog attach PROG ATTACH_TYPE MAP"),
        "struct_ops" | "struct_ops.s" => ("its struct_ops map", "bpfpin struct_ops register OBJ"),
        _ => ("a target its section does not name", "bpfpin link attach PROG TARGET PATH"),
    };
    format!("{head} needs {needs}; use `{how}`")
}
