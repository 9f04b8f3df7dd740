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
