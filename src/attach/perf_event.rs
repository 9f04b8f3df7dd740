//! Attaching to perf events (software and hardware, by name), per CPU.
//!
//! `perf_event EVENT [period N | freq N] [cpu N | all]`. Events carry
//! perf's names. Sampling defaults to `freq 99` (99 Hz: the profilers'
//! habit, off the timer tick so samples do not lock step with it; perf's
//! own default of 4000 Hz is heavy for an always-on pinned attachment), and
//! the CPUs to `all`: one perf event and one link per online CPU, pinned as
//! PATH/cpuN.

use std::os::fd::AsFd;

use anyhow::{Context, Result, bail};
use aya_obj::generated::{bpf_attach_type, perf_type_id};

use super::{Attached, Prog, errno_text, refused};
use crate::error::UserError;
use crate::select::Words;
use crate::sys;
use crate::sys::link::Extra;

/// The words that start this family's TARGET.
pub const KEYWORDS: &[&str] = &["perf_event"];

/// `PERF_TYPE_SOFTWARE` events by perf's names (and aliases).
const SOFTWARE: &[(&str, u64)] = &[
    ("cpu-clock", 0),
    ("task-clock", 1),
    ("page-faults", 2),
    ("faults", 2),
    ("context-switches", 3),
    ("cs", 3),
    ("cpu-migrations", 4),
    ("migrations", 4),
    ("minor-faults", 5),
    ("major-faults", 6),
    ("alignment-faults", 7),
    ("emulation-faults", 8),
    ("dummy", 9),
    ("bpf-output", 10),
];

/// `PERF_TYPE_HARDWARE` events by perf's names (and aliases).
const HARDWARE: &[(&str, u64)] = &[
    ("cycles", 0),
    ("cpu-cycles", 0),
    ("instructions", 1),
    ("cache-references", 2),
    ("cache-misses", 3),
    ("branches", 4),
    ("branch-instructions", 4),
    ("branch-misses", 5),
    ("bus-cycles", 6),
    ("stalled-cycles-frontend", 7),
    ("stalled-cycles-backend", 8),
    ("ref-cycles", 9),
];

const DEFAULT_FREQ: u64 = 99;

#[derive(Debug, Clone, PartialEq)]
pub enum Hook {
    Event { name: String, hardware: bool, config: u64, sample: Sample, cpu: Option<u32> },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sample {
    /// Every N events.
    Period(u64),
    /// N times a second.
    Freq(u64),
}

/// Parses TARGET; the first word is one of KEYWORDS.
pub fn parse(w: &mut Words<'_>, _prog: &Prog<'_>) -> Result<Hook> {
    w.require("an attach target")?;
    let name = w.require("a perf event name, e.g. cpu-clock or cycles")?;
    let (hardware, config) = event(name)?;
    let mut sample = Sample::Freq(DEFAULT_FREQ);
    let mut cpu = None;
    while let Some(word) = w.peek() {
        match word {
            "period" | "freq" => {
                w.next();
                let n = w.take_u32(if word == "period" { "a sample period" } else { "a sample frequency in Hz" })?;
                if n == 0 {
                    bail!(UserError::new(
                        format!("`{word} 0` never samples"),
                        format!("give `{word}` a number above 0")
                    ));
                }
                sample = if word == "period" { Sample::Period(n.into()) } else { Sample::Freq(n.into()) };
            }
            "cpu" => {
                w.next();
                cpu = if w.eat("all") { None } else { Some(w.take_u32("a CPU number or `all`")?) };
            }
            other => bail!(UserError::new(
                format!("`perf_event` does not take `{other}`"),
                "write `perf_event EVENT [period N | freq N] [cpu N | all]`",
            )),
        }
    }
    Ok(Hook::Event { name: name.to_string(), hardware, config, sample, cpu })
}

/// (hardware, config) of an event name.
fn event(name: &str) -> Result<(bool, u64)> {
    if let Some((_, c)) = SOFTWARE.iter().find(|(n, _)| *n == name) {
        return Ok((false, *c));
    }
    if let Some((_, c)) = HARDWARE.iter().find(|(n, _)| *n == name) {
        return Ok((true, *c));
    }
    let names: Vec<&str> = SOFTWARE.iter().chain(HARDWARE).map(|(n, _)| *n).collect();
    bail!(UserError::new(
        format!("`{name}` is not a perf event bpfpin knows"),
        format!("use one of: {}", names.join(", "))
    ))
}

/// SEC("perf_event") names no event: a target is always needed.
pub fn from_section(_prog: &Prog<'_>) -> Result<Option<Hook>> {
    Ok(None)
}

pub fn attach(prog: &Prog<'_>, hook: &Hook) -> Result<Vec<Attached>> {
    let Hook::Event { name, hardware, config, sample, cpu } = hook;
    let (value, freq) = match *sample {
        Sample::Period(n) => (n, false),
        Sample::Freq(n) => (n, true),
    };
    let type_ = if *hardware { perf_type_id::PERF_TYPE_HARDWARE } else { perf_type_id::PERF_TYPE_SOFTWARE } as u32;
    let ev = sys::perf_event::Event { type_, config: *config, sample: value, freq, ..Default::default() };
    let cpus = match cpu {
        Some(c) => vec![*c],
        None => online_cpus()?,
    };
    let mut links = Vec::with_capacity(cpus.len());
    for c in &cpus {
        let pfd = sys::perf_event::open(&ev, -1, *c as i32, None).map_err(|e| open_failed(name, *hardware, *c, &e))?;
        let what = format!("perf event {name} on CPU {c}");
        let link = sys::link::create(
            prog.fd,
            Some(pfd.as_fd()),
            bpf_attach_type::BPF_PERF_EVENT as u32,
            0,
            &Extra::PerfEvent { cookie: 0 },
        )
        .map_err(|e| refused(prog, &what, "a perf_event program (SEC(\"perf_event\"))", e.errno()))?;
        links.push(Attached { link, sub: cpu.is_none().then(|| format!("cpu{c}")) });
    }
    Ok(links)
}

fn open_failed(name: &str, hardware: bool, cpu: u32, e: &std::io::Error) -> anyhow::Error {
    let errno = e.raw_os_error().unwrap_or(0);
    let text = errno_text(errno);
    match errno {
        libc::ENOENT | libc::EOPNOTSUPP if hardware => UserError::new(
            format!("this machine has no hardware counter for `{name}` ({text}): no PMU the kernel can program, as in most VMs"),
            "use a software event such as cpu-clock, or enable the virtual PMU of the VM (e.g. `-cpu host` with KVM)",
        )
        .into(),
        libc::ENODEV | libc::ENXIO | libc::EINVAL if !online_cpus().is_ok_and(|c| c.contains(&cpu)) => UserError::new(
            format!("CPU {cpu} cannot take a perf event ({text}): it is offline or does not exist"),
            "name an online CPU (see /sys/devices/system/cpu/online) or use `cpu all`",
        )
        .into(),
        libc::EACCES | libc::EPERM => UserError::new(
            format!("the kernel refused to open perf event `{name}` on CPU {cpu} ({text})"),
            "run as root or with CAP_PERFMON; check /proc/sys/kernel/perf_event_paranoid",
        )
        .into(),
        _ => anyhow::anyhow!("{text}").context(format!("opening perf event `{name}` on CPU {cpu}")),
    }
}

/// The online CPUs, from /sys/devices/system/cpu/online ("0-3,5").
fn online_cpus() -> Result<Vec<u32>> {
    const FILE: &str = "/sys/devices/system/cpu/online";
    let text = std::fs::read_to_string(FILE).with_context(|| format!("reading {FILE}"))?;
    parse_cpus(text.trim()).with_context(|| format!("reading {FILE}: `{}` is not a CPU list", text.trim()))
}

fn parse_cpus(s: &str) -> Option<Vec<u32>> {
    let mut cpus = Vec::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
                if b < a || b - a > 65536 {
                    return None;
                }
                cpus.extend(a..=b);
            }
            None => cpus.push(part.parse().ok()?),
        }
    }
    (!cpus.is_empty()).then_some(cpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpus("0-3,5"), Some(vec![0, 1, 2, 3, 5]));
        assert_eq!(parse_cpus("0"), Some(vec![0]));
        assert_eq!(parse_cpus("3-1"), None);
        assert_eq!(parse_cpus(""), None);
    }

    #[test]
    fn event_names() {
        assert_eq!(event("cpu-clock").unwrap(), (false, 0));
        assert_eq!(event("cs").unwrap(), (false, 3));
        assert_eq!(event("cycles").unwrap(), (true, 0));
        assert_eq!(event("ref-cycles").unwrap(), (true, 9));
        assert!(event("nonsense").is_err());
    }
}
