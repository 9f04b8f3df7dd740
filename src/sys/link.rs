//! BPF_LINK_CREATE for every kind of link beyond the network ones in
//! `sys::net` (perf events, tracing, kprobe/uprobe multi, iterators,
//! cgroups, netns), and BPF_RAW_TRACEPOINT_OPEN. aya 0.14 makes these
//! links only inside its typed program handles, which cannot be rebuilt
//! from a pinned program; these take the program by fd.
#![allow(unsafe_code)]

use std::ffi::CString;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

use super::{SysResult, bpf_cmd, bpf_fd, zeroed_attr};

/// The per-kind part of BPF_LINK_CREATE. Slices are read by the kernel
/// during the call only; they must outlive it, which borrowing ensures.
pub enum Extra<'a> {
    None,
    /// BPF_PERF_EVENT: the bpf_cookie the program reads.
    PerfEvent {
        cookie: u64,
    },
    /// Tracing (fentry/fexit/fmod_ret/lsm/freplace/tp_btf): a target BTF
    /// id (freplace with target_fd) and a cookie.
    Tracing {
        target_btf_id: u32,
        cookie: u64,
    },
    /// BPF_TRACE_KPROBE_MULTI: symbols or addresses, cookies optional.
    KprobeMulti {
        flags: u32,
        syms: &'a [*const libc::c_char],
        addrs: &'a [u64],
        cookies: &'a [u64],
    },
    /// BPF_TRACE_UPROBE_MULTI: file offsets of one binary.
    UprobeMulti {
        path: &'a CString,
        flags: u32,
        offsets: &'a [u64],
        ref_ctr_offsets: &'a [u64],
        cookies: &'a [u64],
        pid: u32,
    },
    /// BPF_TRACE_ITER: a `union bpf_iter_link_info` as bytes.
    Iter {
        info: &'a [u8],
    },
}

/// BPF_LINK_CREATE: `target_fd` is the perf event, cgroup, netns or
/// (freplace) target program fd; None for kinds without one.
pub fn create(
    prog: BorrowedFd<'_>,
    target_fd: Option<BorrowedFd<'_>>,
    attach_type: u32,
    flags: u32,
    extra: &Extra<'_>,
) -> SysResult<OwnedFd> {
    let mut attr = zeroed_attr();
    attr.link_create.__bindgen_anon_1.prog_fd = prog.as_raw_fd() as u32;
    attr.link_create.__bindgen_anon_2.target_fd = target_fd.map_or(0, |f| f.as_raw_fd() as u32);
    attr.link_create.attach_type = attach_type;
    attr.link_create.flags = flags;
    // Writing a union member is safe; the pointers stored are to borrowed
    // slices and C strings that live until `create` returns.
    match extra {
        Extra::None => {}
        Extra::PerfEvent { cookie } => attr.link_create.__bindgen_anon_3.perf_event.bpf_cookie = *cookie,
        Extra::Tracing { target_btf_id, cookie } => {
            attr.link_create.__bindgen_anon_3.tracing.target_btf_id = *target_btf_id;
            attr.link_create.__bindgen_anon_3.tracing.cookie = *cookie;
        }
        Extra::KprobeMulti { flags, syms, addrs, cookies } => {
            attr.link_create.__bindgen_anon_3.kprobe_multi.flags = *flags;
            attr.link_create.__bindgen_anon_3.kprobe_multi.cnt = syms.len().max(addrs.len()) as u32;
            attr.link_create.__bindgen_anon_3.kprobe_multi.syms = ptr(syms);
            attr.link_create.__bindgen_anon_3.kprobe_multi.addrs = ptr(addrs);
            attr.link_create.__bindgen_anon_3.kprobe_multi.cookies = ptr(cookies);
        }
        Extra::UprobeMulti { path, flags, offsets, ref_ctr_offsets, cookies, pid } => {
            attr.link_create.__bindgen_anon_3.uprobe_multi.path = path.as_ptr() as u64;
            attr.link_create.__bindgen_anon_3.uprobe_multi.flags = *flags;
            attr.link_create.__bindgen_anon_3.uprobe_multi.cnt = offsets.len() as u32;
            attr.link_create.__bindgen_anon_3.uprobe_multi.offsets = ptr(offsets);
            attr.link_create.__bindgen_anon_3.uprobe_multi.ref_ctr_offsets = ptr(ref_ctr_offsets);
            attr.link_create.__bindgen_anon_3.uprobe_multi.cookies = ptr(cookies);
            attr.link_create.__bindgen_anon_3.uprobe_multi.pid = *pid;
        }
        Extra::Iter { info } => {
            attr.link_create.__bindgen_anon_3.__bindgen_anon_1.iter_info = info.as_ptr() as u64;
            attr.link_create.__bindgen_anon_3.__bindgen_anon_1.iter_info_len = info.len() as u32;
        }
    }
    bpf_fd("BPF_LINK_CREATE", bpf_cmd::BPF_LINK_CREATE, &mut attr)
}

/// BPF_RAW_TRACEPOINT_OPEN: `name` for raw_tp/raw_tp.w; None for tp_btf,
/// fentry/fexit/fmod_ret and lsm, whose target was fixed at load. The
/// returned fd is a bpf_link (pinnable) on every kernel since 5.8.
pub fn raw_tracepoint_open(prog: BorrowedFd<'_>, name: Option<&CString>) -> SysResult<OwnedFd> {
    let mut attr = zeroed_attr();
    attr.raw_tracepoint.name = name.map_or(0, |n| n.as_ptr() as u64);
    attr.raw_tracepoint.prog_fd = prog.as_raw_fd() as u32;
    bpf_fd("BPF_RAW_TRACEPOINT_OPEN", bpf_cmd::BPF_RAW_TRACEPOINT_OPEN, &mut attr)
}

/// A slice as the kernel's u64 pointer; an empty slice is NULL.
fn ptr<T>(s: &[T]) -> u64 {
    if s.is_empty() { 0 } else { s.as_ptr() as u64 }
}
