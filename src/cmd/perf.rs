//! `bpfpin perf { show | list }`: bpftool's `perf list`. Every fd of every
//! process is asked (BPF_TASK_FD_QUERY) whether a program runs through it:
//! perf events (tracepoints, kprobes, uprobes) and raw tracepoint links.
//!
//! Like bpftool, only fds that processes hold are listed: a pinned
//! perf-event link (what `link attach` makes) holds its perf event inside
//! the kernel, where no process fd reaches it; `link show` lists those.

use std::io::{self, Write};

use anyhow::{Result, bail};
use aya_obj::generated::bpf_task_fd_type as fdt;
use serde::Serialize;

use crate::cli::Global;
use crate::error::UserError;
use crate::output::{Out, Render};
use crate::sys;

pub fn run(_g: &Global, out: &mut Out, _cmd: &crate::cli::PerfCmd) -> Result<()> {
    check_support()?;
    let list = PerfList(attachments());
    out.one(&list)?;
    Ok(())
}

/// bpftool's check: a query on an fd that is no perf event answers
/// ENOTSUPP (524) on kernels that have the command; anything else means
/// the command is missing or not allowed.
fn check_support() -> Result<()> {
    let probe = std::fs::File::open("/").map_err(|e| anyhow::anyhow!("opening / to probe BPF_TASK_FD_QUERY: {e}"))?;
    let fd = std::os::fd::AsRawFd::as_raw_fd(&probe) as u32;
    match sys::perf_event::task_fd_query(std::process::id(), fd) {
        Err(e) if e.errno() == Some(crate::attach::ENOTSUPP) => Ok(()),
        Err(e) if matches!(e.errno(), Some(libc::EPERM | libc::EACCES)) => bail!(UserError::new(
            "the kernel does not let bpfpin ask which programs processes hold (BPF_TASK_FD_QUERY: not permitted)",
            "run as root (CAP_SYS_ADMIN)",
        )),
        _ => bail!(UserError::new(
            "this kernel cannot say which programs processes hold (no BPF_TASK_FD_QUERY, Linux 4.18+)",
            "use `bpfpin link show` for attachments made through links",
        )),
    }
}

/// Every (pid, fd) with a program, in /proc's order: pids ascending, each
/// process's fds ascending. Processes and fds that vanish meanwhile are
/// skipped.
fn attachments() -> Vec<PerfView> {
    let mut views = Vec::new();
    for pid in numbered("/proc") {
        for fd in numbered(&format!("/proc/{pid}/fd")) {
            if let Ok(q) = sys::perf_event::task_fd_query(pid, fd) {
                views.push(PerfView::new(pid, fd, q));
            }
        }
    }
    views
}

fn numbered(dir: &str) -> Vec<u32> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut n: Vec<u32> = rd.flatten().filter_map(|e| e.file_name().to_str()?.parse().ok()).collect();
    n.sort_unstable();
    n
}

/// One attachment, with bpftool's keys in bpftool's order; the keys after
/// `fd_type` depend on it.
#[derive(Serialize)]
struct PerfView {
    pid: u32,
    fd: u32,
    prog_id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    fd_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tracepoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    func: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filename: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    addr: Option<u64>,
}

impl PerfView {
    fn new(pid: u32, fd: u32, q: sys::perf_event::FdQuery) -> PerfView {
        let name = String::from_utf8_lossy(&q.name).into_owned();
        let mut v = PerfView {
            pid,
            fd,
            prog_id: q.prog_id,
            fd_type: None,
            tracepoint: None,
            func: None,
            filename: None,
            offset: None,
            addr: None,
        };
        let t = q.fd_type;
        if t == fdt::BPF_FD_TYPE_RAW_TRACEPOINT as u32 || t == fdt::BPF_FD_TYPE_TRACEPOINT as u32 {
            v.fd_type = Some(if t == fdt::BPF_FD_TYPE_TRACEPOINT as u32 { "tracepoint" } else { "raw_tracepoint" });
            v.tracepoint = Some(name);
        } else if t == fdt::BPF_FD_TYPE_KPROBE as u32 || t == fdt::BPF_FD_TYPE_KRETPROBE as u32 {
            v.fd_type = Some(if t == fdt::BPF_FD_TYPE_KPROBE as u32 { "kprobe" } else { "kretprobe" });
            // A probe made by address has no name.
            if name.is_empty() {
                v.addr = Some(q.probe_addr);
            } else {
                v.func = Some(name);
                v.offset = Some(q.probe_offset);
            }
        } else if t == fdt::BPF_FD_TYPE_UPROBE as u32 || t == fdt::BPF_FD_TYPE_URETPROBE as u32 {
            v.fd_type = Some(if t == fdt::BPF_FD_TYPE_UPROBE as u32 { "uprobe" } else { "uretprobe" });
            v.filename = Some(name);
            v.offset = Some(q.probe_offset);
        }
        v
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct PerfList(Vec<PerfView>);

impl Render for PerfList {
    /// bpftool's lines: `pid P  fd F: prog_id N  TYPE  TARGET`.
    fn plain(&self, w: &mut dyn Write) -> io::Result<()> {
        for v in &self.0 {
            write!(w, "pid {}  fd {}: prog_id {}  ", v.pid, v.fd, v.prog_id)?;
            match (v.fd_type, &v.tracepoint, &v.func, &v.filename) {
                (Some(t), Some(tp), _, _) => writeln!(w, "{t}  {tp}")?,
                (Some(t), _, Some(f), _) => writeln!(w, "{t}  func {f}  offset {}", v.offset.unwrap_or(0))?,
                (Some(t), _, _, Some(f)) => writeln!(w, "{t}  filename {f}  offset {}", v.offset.unwrap_or(0))?,
                (Some(t), _, _, _) => writeln!(w, "{t}  addr {}", v.addr.unwrap_or(0))?,
                // bpftool ends an unknown type's line without a newline.
                (None, ..) => {}
            }
        }
        Ok(())
    }
}
