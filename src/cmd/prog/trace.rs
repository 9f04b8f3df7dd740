//! `prog tracelog`: stream the kernel trace pipe (bpf_printk output), as
//! bpftool's tracelog.c does, ending cleanly on SIGINT/SIGTERM or a closed
//! stdout. `prog stats`: runs per second and average run time of every
//! program, with BPF_ENABLE_STATS held only while sampling.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::cli::Global;
use crate::error::UserError;
use crate::output::{Out, Row};
use crate::sampler::Clock;
use crate::sys::{self, Kind, prog as sysprog};

/// Where tracefs usually lives, preferred first (the debugfs path may
/// automount it).
const KNOWN_TRACEFS: [&str; 2] = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];

fn is_tracefs(p: &Path) -> bool {
    sys::fs_magic(p).is_ok_and(|m| m == libc::TRACEFS_MAGIC)
}

/// The tracefs mount: a known path, else /proc/mounts, else mount it at
/// /sys/kernel/tracing (root, unless -n).
fn tracefs(nomount: bool, out: &mut Out) -> Result<PathBuf> {
    if let Some(p) = KNOWN_TRACEFS.iter().map(Path::new).find(|p| is_tracefs(p)) {
        return Ok(p.to_path_buf());
    }
    if let Ok(mounts) = std::fs::read_to_string("/proc/mounts") {
        for l in mounts.lines() {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() > 2 && f[2] == "tracefs" && is_tracefs(Path::new(f[1])) {
                return Ok(PathBuf::from(f[1]));
            }
        }
    }
    let target = Path::new(KNOWN_TRACEFS[0]);
    if nomount {
        bail!(UserError::new(
            "tracefs is not mounted and -n forbids mounting it",
            format!("mount it with `mount -t tracefs nodev {}`, or run without -n", target.display()),
        ));
    }
    if sys::euid() != 0 {
        bail!(UserError::new(
            "tracefs is not mounted, and only root can mount it",
            format!("run as root, or `sudo mount -t tracefs nodev {}`", target.display()),
        ));
    }
    sysprog::mount_tracefs(target).with_context(|| format!("mounting tracefs at {}", target.display()))?;
    let note = format!("mounted tracefs at {}", target.display());
    if out.is_json() {
        out.note(&note)?;
    } else {
        // Keep stdout for the log itself.
        crate::text::stderr_line(&note);
    }
    Ok(target.to_path_buf())
}

/// `prog tracelog`.
pub fn tracelog(g: &Global, out: &mut Out) -> Result<()> {
    let dir = tracefs(g.nomount, out)?;
    let pipe = dir.join("trace_pipe");
    let mut f = File::open(&pipe).with_context(|| format!("opening the trace pipe {}", pipe.display()))?;
    crate::sys::signal::catch_stop_signals().context("installing the SIGINT handler")?;
    let mut stream = out.stream_begin()?;
    out.flush()?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut pending: Vec<u8> = Vec::new();
    loop {
        if crate::sys::signal::stop_requested() {
            break;
        }
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).with_context(|| format!("reading {}", pipe.display())),
        };
        pending.extend_from_slice(&buf[..n]);
        let Some(last_nl) = pending.iter().rposition(|&b| b == b'\n') else { continue };
        let lines: Vec<u8> = pending.drain(..=last_nl).collect();
        if out.is_json() {
            for line in lines.split_inclusive(|&b| b == b'\n') {
                // bpftool keeps the newline in each JSON string.
                out.stream_item(&mut stream, &String::from_utf8_lossy(line))?;
            }
        } else {
            out.writer().write_all(&lines)?;
        }
        out.flush()?;
    }
    out.stream_end(stream)?;
    Ok(())
}

/// One program's activity over the sampling window.
#[derive(Debug, Serialize)]
pub struct StatsView {
    pub id: u32,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    /// Runs during the window.
    pub runs: u64,
    pub runs_per_sec: f64,
    /// Average nanoseconds per run during the window (0 when it did not run).
    pub avg_ns: u64,
    /// Kernel totals at the end (bpftool's `prog show` keys).
    pub run_cnt: u64,
    pub run_time_ns: u64,
}

impl Row for StatsView {
    fn header() -> &'static [&'static str] {
        &["id", "type", "name", "runs/s", "avg ns", "runs"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.kind.clone(),
            self.name.clone(),
            format!("{:.1}", self.runs_per_sec),
            self.avg_ns.to_string(),
            self.runs.to_string(),
        ]
    }
}

struct Sample {
    id: u32,
    kind: u32,
    name: String,
    cnt: u64,
    ns: u64,
}

fn sample_all() -> Result<Vec<Sample>> {
    let mut v = Vec::new();
    for id in sys::all_ids(Kind::Prog).context("listing programs")? {
        // Programs can vanish between listing and opening.
        let Ok(fd) = sys::get_fd_by_id(Kind::Prog, id) else { continue };
        let Ok(i) = sys::prog_info(fd.as_fd()) else { continue };
        v.push(Sample {
            id,
            kind: i.info.type_,
            name: crate::resolve::full_name(&i),
            cnt: i.info.run_cnt,
            ns: i.info.run_time_ns,
        });
    }
    Ok(v)
}

/// `prog stats [--duration S]`.
pub fn stats(_g: &Global, out: &mut Out, duration: f64) -> Result<()> {
    if !duration.is_finite() || duration <= 0.0 || duration > 86_400.0 {
        bail!(UserError::new(
            format!("--duration must be between 0 and 86400 seconds, got {duration}"),
            "give a positive number of seconds, e.g. `--duration 2`",
        ));
    }
    let stats_fd = aya::sys::enable_stats(aya::sys::Stats::RunTime).map_err(|e| {
        let fix = match e.io_error.raw_os_error() {
            Some(libc::EPERM) | Some(libc::EACCES) => "run as root (BPF_ENABLE_STATS needs CAP_SYS_ADMIN)",
            _ => "this kernel cannot collect BPF run-time statistics (needs Linux 5.8+)",
        };
        anyhow::Error::new(UserError::new(format!("enabling BPF run-time statistics failed: {}", e.io_error), fix))
    })?;
    let before = sample_all()?;
    let mut clock = Clock::new(Duration::from_secs_f64(duration), Some(1), None);
    let secs = clock.sleep().context("waiting between the two samples")?.secs;
    let after = sample_all()?;
    drop(stats_fd);

    let rows: Vec<StatsView> = after
        .into_iter()
        .map(|a| {
            let b = before.iter().find(|b| b.id == a.id);
            let runs = a.cnt.saturating_sub(b.map_or(0, |b| b.cnt));
            let ns = a.ns.saturating_sub(b.map_or(0, |b| b.ns));
            StatsView {
                id: a.id,
                kind: crate::kinds::prog_type_name(a.kind),
                name: a.name,
                runs,
                runs_per_sec: runs as f64 / secs,
                avg_ns: ns.checked_div(runs).unwrap_or(0),
                run_cnt: a.cnt,
                run_time_ns: a.ns,
            }
        })
        .collect();
    out.list(&rows)?;
    Ok(())
}
