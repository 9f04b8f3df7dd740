//! perf_event_open(2) for the events BPF programs attach to: tracepoints
//! (by id from tracefs), kprobes and uprobes (through their dynamic PMUs),
//! and software/hardware events sampled per CPU. aya 0.14 opens these only
//! inside its typed program handles; bpfpin attaches any program by fd.
//! The event is then handed to BPF_LINK_CREATE (`sys::link`), so the
//! attachment is a bpf_link that can be pinned.
#![allow(unsafe_code)]

use std::ffi::CString;
use std::io;
use std::os::fd::{FromRawFd, OwnedFd};

use aya_obj::generated::{PERF_FLAG_FD_CLOEXEC, perf_event_attr};

/// What to open. Fields map to `perf_event_attr`; `config1`/`config2`
/// carry the kprobe/uprobe PMU's function or path pointer and offset.
#[derive(Debug, Clone, Default)]
pub struct Event {
    pub type_: u32,
    pub config: u64,
    pub config1: u64,
    pub config2: u64,
    /// sample_period, or sample_freq with `freq`.
    pub sample: u64,
    pub freq: bool,
}

/// perf_event_open(attr, pid, cpu, -1, CLOEXEC). pid -1 with a cpu means
/// every task on that cpu; pid with cpu -1 means that task on any cpu.
/// `_keep` holds any string a pointer in config1 refers to, alive across
/// the call.
pub fn open(ev: &Event, pid: i32, cpu: i32, _keep: Option<&CString>) -> io::Result<OwnedFd> {
    // SAFETY: perf_event_attr is plain data; all-zero is the documented
    // "nothing set" value.
    let mut attr: perf_event_attr = unsafe { std::mem::zeroed() };
    attr.type_ = ev.type_;
    attr.size = std::mem::size_of::<perf_event_attr>() as u32;
    attr.config = ev.config;
    attr.__bindgen_anon_3.config1 = ev.config1;
    attr.__bindgen_anon_4.config2 = ev.config2;
    attr.__bindgen_anon_1.sample_period = ev.sample;
    if ev.freq {
        attr.set_freq(1);
    }
    // SAFETY: attr is a live, initialised perf_event_attr whose `size`
    // matches; a pointer in config1 (a C string) is kept alive by `_keep`
    // for the duration of the call, which is all the kernel needs.
    let r = unsafe {
        libc::syscall(
            libc::SYS_perf_event_open,
            &attr as *const perf_event_attr,
            pid as libc::pid_t,
            cpu as libc::c_int,
            -1 as libc::c_int,
            PERF_FLAG_FD_CLOEXEC as libc::c_ulong,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: perf_event_open returned a new fd that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(r as i32) })
}

/// The type number of a dynamic PMU (`kprobe`, `uprobe`), and the config
/// bit that makes it a return probe, from /sys/bus/event_source/devices.
/// None when the kernel has no such PMU (e.g. CONFIG_KPROBES off).
pub fn pmu(name: &str) -> Option<(u32, Option<u32>)> {
    let dir = format!("/sys/bus/event_source/devices/{name}");
    let type_ = std::fs::read_to_string(format!("{dir}/type")).ok()?.trim().parse().ok()?;
    // "config:0" names the bit that selects the return probe.
    let ret = std::fs::read_to_string(format!("{dir}/format/retprobe"))
        .ok()
        .and_then(|s| s.trim().strip_prefix("config:").and_then(|b| b.parse().ok()));
    Some((type_, ret))
}

/// The first config bit of a PMU's format field, e.g. the uprobe PMU's
/// `ref_ctr_offset` ("config:32-63"): None when the kernel lacks the field.
pub fn pmu_format_shift(pmu: &str, field: &str) -> Option<u32> {
    let f = std::fs::read_to_string(format!("/sys/bus/event_source/devices/{pmu}/format/{field}")).ok()?;
    f.trim().strip_prefix("config:")?.split('-').next()?.parse().ok()
}

/// What BPF_TASK_FD_QUERY says of one fd of one process: the program
/// attached through it and where (`bpf_task_fd_type`; the tracepoint or
/// function name, or a uprobe's file, with offset and address).
#[derive(Debug, Clone)]
pub struct FdQuery {
    pub prog_id: u32,
    pub fd_type: u32,
    pub name: Vec<u8>,
    pub probe_offset: u64,
    pub probe_addr: u64,
}

/// BPF_TASK_FD_QUERY (aya 0.14 does not expose it): fails for an fd that is
/// no perf event or raw tracepoint with a program (ENOTSUPP, EBADF...).
pub fn task_fd_query(pid: u32, fd: u32) -> super::SysResult<FdQuery> {
    let mut buf = vec![0u8; 4096];
    let mut attr = super::zeroed_attr();
    // Writing plain fields of the union's task_fd_query member; `buf`
    // outlives the call and its length is the one given.
    attr.task_fd_query.pid = pid;
    attr.task_fd_query.fd = fd;
    attr.task_fd_query.buf = buf.as_mut_ptr() as u64;
    attr.task_fd_query.buf_len = buf.len() as u32;
    super::bpf("BPF_TASK_FD_QUERY", super::bpf_cmd::BPF_TASK_FD_QUERY, &mut attr)?;
    // SAFETY: the kernel filled the task_fd_query member it was asked for;
    // every field is plain data.
    let q = unsafe { attr.task_fd_query };
    // The kernel writes a NUL-terminated string and returns its length.
    buf.truncate((q.buf_len as usize).min(buf.len()));
    if let Some(nul) = buf.iter().position(|&b| b == 0) {
        buf.truncate(nul);
    }
    Ok(FdQuery {
        prog_id: q.prog_id,
        fd_type: q.fd_type,
        name: buf,
        probe_offset: q.probe_offset,
        probe_addr: q.probe_addr,
    })
}
