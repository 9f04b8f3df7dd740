//! `prog tracelog`: stream the kernel trace pipe (bpf_printk output), as
//! bpftool's tracelog.c does, ending cleanly on SIGINT/SIGTERM or a closed
//! stdout. `prog stats`: every program's run count and run time sampled by
//! `sampler` (runs per second, average ns per run), drawn by `output::live`
//! as `map watch` and `net attach socket` are, with BPF_ENABLE_STATS held
//! only while sampling.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::os::fd::AsFd;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::cli::{Global, SampleArgs};
use crate::error::UserError;
use crate::output::Out;
use crate::output::live::Live;
use crate::sampler::{Cell, Plan, Ratio, Row, Sampler};
use crate::sys::{self, Kind};

/// The tracefs mount (mounted if needed, unless -n), saying so when it
/// mounts it.
fn tracefs(nomount: bool, out: &mut Out) -> Result<PathBuf> {
    let (dir, mounted) = crate::attach::tracing::find_or_mount_tracefs(nomount)?;
    if mounted {
        let note = format!("mounted tracefs at {}", dir.display());
        if out.is_json() {
            out.note(&note)?;
        } else {
            // Keep stdout for the log itself.
            crate::text::stderr_line(&note);
        }
    }
    Ok(dir)
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

/// `prog stats`: every program a row (id, type, name), its kernel
/// counters `run_cnt` and `run_time_ns` sampled, and the run time per run
/// over each sample as `avg_ns`. Without --count or --duration it takes one
/// sample, as `prog stats` always has, so scripts that call it still end.
pub fn stats(_g: &Global, out: &mut Out, sample: &SampleArgs) -> Result<()> {
    let mut plan = Plan::new(sample.interval, sample.count, sample.duration)?;
    if plan.endless() {
        plan.count = Some(1);
    }
    // Held only while sampling: the kernel counts run time only while some
    // process holds this fd, and counting costs every program a little.
    let stats_fd = aya::sys::enable_stats(aya::sys::Stats::RunTime).map_err(|e| {
        let fix = match e.io_error.raw_os_error() {
            Some(libc::EPERM) | Some(libc::EACCES) => "run as root (BPF_ENABLE_STATS needs CAP_SYS_ADMIN)",
            _ => "this kernel cannot collect BPF run-time statistics (needs Linux 5.8+)",
        };
        anyhow::Error::new(UserError::new(format!("enabling BPF run-time statistics failed: {}", e.io_error), fix))
    })?;
    let mut live = Live::new();
    live.head(out, &format!("BPF run-time statistics of every program, {}", plan.describe()))?;
    let ratio = Ratio { name: "avg_ns", num: "run_time_ns", den: "run_cnt" };
    let mut sampler = Sampler::new(&["id", "type", "name"], &[ratio]);
    let r = sampler.run(
        &plan,
        &mut read_progs,
        &mut |d| {
            std::thread::sleep(d);
            Ok(())
        },
        &mut |s| Ok(live.sample(out, s)?),
    );
    drop(stats_fd);
    r
}

fn read_progs() -> Result<Vec<Row>> {
    let mut v = Vec::new();
    for id in sys::all_ids(Kind::Prog).context("listing programs")? {
        // Programs can vanish between listing and opening.
        let Ok(fd) = sys::get_fd_by_id(Kind::Prog, id) else { continue };
        let Ok(i) = sys::prog_info(fd.as_fd()) else { continue };
        v.push(Row {
            key: vec![
                Cell::num(id),
                Cell::text(crate::kinds::prog_type_name(i.info.type_)),
                Cell::text(crate::resolve::full_name(&i)),
            ],
            counters: vec![("run_cnt".to_string(), i.info.run_cnt), ("run_time_ns".to_string(), i.info.run_time_ns)],
        });
    }
    Ok(v)
}
