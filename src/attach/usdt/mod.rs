//! Attaching to USDT probes (`.note.stapsdt`), with the argument specs libbpf's usdt.bpf.h reads.
//!
//! libbpf's protocol, so programs written with `<bpf/usdt.bpf.h>` and
//! `BPF_USDT()` work unchanged: each site's argument string becomes a
//! `struct __bpf_usdt_spec` in the program's `__bpf_usdt_specs` array, and
//! the site's uprobe carries the spec's index as its bpf_cookie, which
//! `bpf_usdt_arg()` reads back (every kernel with bpf_link has cookies, so
//! the ip-to-spec map is never needed). Sites with a semaphore get the
//! kernel's reference counter on it, so `if (PROVIDER_NAME_ENABLED())` in
//! the traced program turns true while the probe is attached.
//!
//! How the sites are linked depends on how the program was loaded, which
//! the kernel fixes at load: one uprobe_multi link over every site for a
//! program loaded with expected attach type BPF_TRACE_UPROBE_MULTI (what
//! libbpf does for `SEC("usdt")` on 6.6+), else one perf-event uprobe link
//! per site (bpfpin's loader loads `usdt` without an expected attach type,
//! as libbpf's section table says). Several perf links are returned as
//! subs `site0`, `site1`, ... (pinned under PATH/); one site is one link
//! at PATH.
//!
//! Spec slots are shared by content: a site whose spec is already in the
//! map reuses that slot, so attaching the same probe again (after an
//! unpin) takes no new slot. Slots are never cleared, because nothing
//! tells bpfpin when a pinned link goes away; only distinct argument
//! layouts use up the map (256 slots by default).

mod args;
mod notes;

use std::os::fd::{AsFd, OwnedFd};

use anyhow::{Context, Result, bail};
use aya_obj::generated::bpf_map_type;

use super::uprobe::{self, elf::Binary};
use super::{Attached, Prog};
use crate::error::UserError;
use crate::select::Words;
use crate::sys;

/// The words that start this family's TARGET.
pub const KEYWORDS: &[&str] = &["usdt"];

/// The spec array's name as the kernel keeps it (15 characters).
const SPEC_MAP: &str = "__bpf_usdt_spec";

#[derive(Debug, Clone, PartialEq)]
pub struct Hook {
    pub binary: String,
    pub provider: String,
    pub name: String,
    pub pid: Option<u32>,
}

/// Parses TARGET; the first word is one of KEYWORDS.
pub fn parse(w: &mut Words<'_>, _prog: &Prog<'_>) -> Result<Hook> {
    let kw = w.require("an attach target")?;
    let Some(spec) = w.next().filter(|s| *s != "pid") else {
        bail!(UserError::new(
            format!("`{kw}` needs the binary, the provider and the probe name"),
            "write `usdt BINARY:PROVIDER:NAME` (optionally followed by `pid PID`) before the pin path",
        ));
    };
    let mut hook = parse_spec(spec)?;
    if w.eat("pid") {
        hook.pid = Some(w.take_u32("a process id after `pid`")?);
    }
    Ok(hook)
}

/// `BINARY:PROVIDER:NAME`; the binary may itself contain ':'.
fn parse_spec(spec: &str) -> Result<Hook> {
    let mut parts = spec.rsplitn(3, ':');
    let (name, provider, binary) = (parts.next(), parts.next(), parts.next());
    match (binary, provider, name) {
        (Some(b), Some(p), Some(n)) if !b.is_empty() && !p.is_empty() && !n.is_empty() => {
            Ok(Hook { binary: b.to_string(), provider: p.to_string(), name: n.to_string(), pid: None })
        }
        _ => bail!(UserError::new(
            format!("`{spec}` is not a usdt target"),
            "write BINARY:PROVIDER:NAME, e.g. `/usr/lib/x86_64-linux-gnu/libc.so.6:libc:setjmp` (`readelf -n BINARY` lists them)",
        )),
    }
}

/// The hook the program's section names (`usdt/BINARY:PROVIDER:NAME`).
pub fn from_section(prog: &Prog<'_>) -> Result<Option<Hook>> {
    let Some(section) = prog.section.as_deref() else { return Ok(None) };
    of_section(section).with_context(|| format!("reading section `{section}`"))
}

fn of_section(section: &str) -> Result<Option<Hook>> {
    let Some(spec) = crate::loader::sections::spec(section) else { return Ok(None) };
    if spec.kind != "usdt" && spec.kind != "usdt.s" {
        return Ok(None);
    }
    match section.split_once('/') {
        Some((_, arg)) if !arg.is_empty() => parse_spec(arg).map(Some),
        _ => Ok(None),
    }
}

/// One site ready to attach: file offsets and its spec slot.
struct Planned {
    offset: u64,
    ref_ctr: u64,
    spec_id: u32,
}

pub fn attach(prog: &Prog<'_>, hook: &Hook) -> Result<Vec<Attached>> {
    uprobe::check_kprobe_type(prog, "USDT probes")?;
    let bin = Binary::open(&hook.binary)?;
    let path = uprobe::c_path(&bin)?;
    if let Some(pid) = hook.pid {
        uprobe::check_pid(pid)?;
    }
    let all = notes::sites(&bin)?;
    let sites: Vec<&notes::Site> = all.iter().filter(|s| s.provider == hook.provider && s.name == hook.name).collect();
    if sites.is_empty() {
        bail!(no_such_probe(&bin, hook, &all));
    }
    let specs = SpecMap::of(prog)?;
    let mut plan = Vec::new();
    for (i, s) in sites.iter().enumerate() {
        let at = |what: &str| format!("USDT {}:{} site {i} ({what} {:#x})", s.provider, s.name, s.pc);
        let offset = bin.addr_to_offset(s.pc, true)?.ok_or_else(|| {
            UserError::new(
                format!("{} is in no executable segment of `{}`", at("address"), bin.path.display()),
                "the binary's notes are damaged: rebuild it",
            )
        })?;
        let ref_ctr = if s.semaphore == 0 {
            0
        } else {
            bin.addr_to_offset(s.semaphore, false)?.ok_or_else(|| {
                UserError::new(
                    format!("{} has a semaphore outside the file's segments", at("address")),
                    "the binary's notes are damaged: rebuild it",
                )
            })?
        };
        let parsed = args::parse(&s.args).map_err(|why| {
            UserError::new(
                format!("{}: {why}", at("address")),
                "bpfpin reads the x86-64 operand forms of <sys/sdt.h> (%reg, $const, disp(%reg))",
            )
        })?;
        let spec_id = specs.slot(&args::spec_bytes(&parsed, 0))?;
        plan.push(Planned { offset, ref_ctr, spec_id });
    }

    if uprobe::loaded_for_multi(prog) != Some(false) {
        let offsets: Vec<u64> = plan.iter().map(|p| p.offset).collect();
        let ref_ctrs: Vec<u64> = plan.iter().map(|p| p.ref_ctr).collect();
        let cookies: Vec<u64> = plan.iter().map(|p| u64::from(p.spec_id)).collect();
        let ref_ctrs = if ref_ctrs.iter().all(|&r| r == 0) { Vec::new() } else { ref_ctrs };
        match uprobe::multi_link(prog, &path, false, &offsets, &ref_ctrs, &cookies, hook.pid) {
            Ok(link) => return Ok(vec![Attached { link, sub: None }]),
            // Not known to be a multi program: it may be a plain one.
            Err(_) if uprobe::loaded_for_multi(prog).is_none() => {}
            Err(e) => return Err(e),
        }
    }
    let links = plan
        .iter()
        .map(|p| uprobe::perf_link(prog, &path, p.offset, false, p.ref_ctr, hook.pid, u64::from(p.spec_id)))
        .collect::<Result<Vec<OwnedFd>>>()?;
    let one = links.len() == 1;
    Ok(links
        .into_iter()
        .enumerate()
        .map(|(i, link)| Attached { link, sub: (!one).then(|| format!("site{i}")) })
        .collect())
}

fn no_such_probe(bin: &Binary, hook: &Hook, all: &[notes::Site]) -> UserError {
    let mut names: Vec<String> = all.iter().map(|s| format!("{}:{}", s.provider, s.name)).collect();
    names.sort();
    names.dedup();
    let fix = if names.is_empty() {
        "it has no `.note.stapsdt` section: build it with <sys/sdt.h> probes (DTRACE_PROBE/STAP_PROBE)".to_string()
    } else {
        let more =
            if names.len() > 10 { format!(" and {} more (see `readelf -n`)", names.len() - 10) } else { String::new() };
        names.truncate(10);
        format!("its probes: {}{more}", names.join(", "))
    };
    UserError::new(format!("`{}` has no USDT probe {}:{}", bin.path.display(), hook.provider, hook.name), fix)
}

/// The program's `__bpf_usdt_specs` array.
struct SpecMap {
    fd: OwnedFd,
    entries: u32,
}

impl SpecMap {
    fn of(prog: &Prog<'_>) -> Result<SpecMap> {
        for &id in &prog.info.map_ids {
            let Ok(fd) = sys::get_fd_by_id(sys::Kind::Map, id) else { continue };
            let info = sys::map_info(fd.as_fd()).with_context(|| format!("reading map {id}"))?;
            if crate::pins::c_name(&info.name) != SPEC_MAP {
                continue;
            }
            if info.type_ != bpf_map_type::BPF_MAP_TYPE_ARRAY as u32
                || info.key_size != 4
                || info.value_size as usize != args::SPEC_SIZE
            {
                bail!(UserError::new(
                    format!(
                        "map {id} `{SPEC_MAP}` is not libbpf's USDT spec array (an array of {}-byte values)",
                        args::SPEC_SIZE
                    ),
                    "build the program with the <bpf/usdt.bpf.h> of libbpf 1.x",
                ));
            }
            return Ok(SpecMap { fd, entries: info.max_entries });
        }
        bail!(UserError::new(
            format!(
                "program `{}` has no `__bpf_usdt_specs` map, so it cannot read USDT arguments",
                crate::pins::c_name(&prog.info.info.name)
            ),
            "write the program with #include <bpf/usdt.bpf.h> and BPF_USDT(...), which brings the map",
        ))
    }

    /// The slot holding `spec`, written into the first free (all-zero)
    /// slot if no slot holds it yet.
    fn slot(&self, spec: &[u8; args::SPEC_SIZE]) -> Result<u32> {
        let mut value = [0u8; args::SPEC_SIZE];
        let mut free = None;
        for i in 0..self.entries {
            sys::map::lookup(self.fd.as_fd(), &i.to_ne_bytes(), &mut value).context("reading __bpf_usdt_specs")?;
            if value == *spec {
                return Ok(i);
            }
            if free.is_none() && value.iter().all(|&b| b == 0) {
                free = Some(i);
            }
        }
        let Some(i) = free else {
            bail!(UserError::new(
                format!("the program's __bpf_usdt_specs map is full ({} specs)", self.entries),
                "reload the program (its map starts empty), or build it with a larger BPF_USDT_MAX_SPEC_CNT",
            ));
        };
        sys::map::update(self.fd.as_fd(), &i.to_ne_bytes(), spec, 0).context("writing __bpf_usdt_specs")?;
        Ok(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_split_from_the_right() {
        let h = parse_spec("/opt/a:b/bin:prov:probe").unwrap();
        assert_eq!((h.binary.as_str(), h.provider.as_str(), h.name.as_str()), ("/opt/a:b/bin", "prov", "probe"));
        for bad in ["bin:probe", "bin::probe", ":p:n", "bin:p:"] {
            assert!(parse_spec(bad).unwrap_err().to_string().contains("is not a usdt target"), "{bad}");
        }
    }

    #[test]
    fn usdt_sections_name_their_probe() {
        let h = of_section("usdt/libc.so.6:libc:setjmp").unwrap().unwrap();
        assert_eq!((h.binary.as_str(), h.provider.as_str(), h.name.as_str()), ("libc.so.6", "libc", "setjmp"));
        assert!(of_section("usdt.s//bin/app:p:n").unwrap().is_some());
        assert!(of_section("usdt").unwrap().is_none());
        assert!(of_section("uprobe//bin/app:main").unwrap().is_none());
        assert!(of_section("usdt/app:probe").is_err());
    }
}
