//! `struct bpf_link_info` read whole, with the names and arrays the kernel
//! copies out only into buffers we hand it (tracepoint names, iterator
//! targets, probe files, multi-probe address lists). aya 0.14 reads only the
//! common header, and aya_obj's bindings predate the union's newer members
//! (raw_tracepoint and tracing cookies, sockmap), so the union is decoded
//! here from the kernel's 64-byte layout by offset.

use std::os::fd::BorrowedFd;

use super::{SysResult, obj_info};

// enum bpf_link_type
const RAW_TRACEPOINT: u32 = 1;
const TRACING: u32 = 2;
const CGROUP: u32 = 3;
const ITER: u32 = 4;
const NETNS: u32 = 5;
const XDP: u32 = 6;
const PERF_EVENT: u32 = 7;
const KPROBE_MULTI: u32 = 8;
const STRUCT_OPS: u32 = 9;
const NETFILTER: u32 = 10;
const TCX: u32 = 11;
const UPROBE_MULTI: u32 = 12;
const NETKIT: u32 = 13;
const SOCKMAP: u32 = 14;

// enum bpf_perf_event_type
const PE_UPROBE: u32 = 1;
const PE_URETPROBE: u32 = 2;
const PE_KPROBE: u32 = 3;
const PE_KRETPROBE: u32 = 4;
const PE_TRACEPOINT: u32 = 5;
const PE_EVENT: u32 = 6;

/// The union starts at byte 16 (after type, id, prog_id and padding).
const U: usize = 16;
/// PATH_MAX, the name buffer bpftool hands the kernel.
const NAME_MAX: usize = 4096;
/// More addresses than any real multi-probe has; the kernel fails the
/// call (ENOSPC) rather than truncate, so the count read first sizes it.
const MAX_MULTI: u32 = 1 << 20;

/// One link as the kernel describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkInfo {
    pub link_type: u32,
    pub id: u32,
    pub prog_id: u32,
    pub detail: Detail,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    RawTracepoint {
        tp_name: String,
        cookie: u64,
    },
    Tracing {
        attach_type: u32,
        target_obj_id: u32,
        target_btf_id: u32,
        cookie: u64,
    },
    Cgroup {
        cgroup_id: u64,
        attach_type: u32,
    },
    Iter {
        target_name: String,
        map_id: u32,
        cgroup_id: u64,
        order: u32,
        tid: u32,
        pid: u32,
    },
    Netns {
        netns_ino: u32,
        attach_type: u32,
    },
    Xdp {
        ifindex: u32,
    },
    StructOps {
        map_id: u32,
    },
    Netfilter {
        pf: u32,
        hooknum: u32,
        priority: i32,
        flags: u32,
    },
    KprobeMulti {
        flags: u32,
        missed: u64,
        addrs: Vec<u64>,
        cookies: Vec<u64>,
    },
    UprobeMulti {
        path: String,
        flags: u32,
        pid: u32,
        offsets: Vec<u64>,
        ref_ctr_offsets: Vec<u64>,
        cookies: Vec<u64>,
    },
    PerfEvent(PerfEvent),
    Tcx {
        ifindex: u32,
        attach_type: u32,
    },
    Netkit {
        ifindex: u32,
        attach_type: u32,
    },
    Sockmap {
        map_id: u32,
        attach_type: u32,
    },
    /// A type this build does not decode: only the common header.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PerfEvent {
    Uprobe { ret: bool, file: String, offset: u32, cookie: u64, ref_ctr_offset: u64 },
    Kprobe { ret: bool, func: String, offset: u32, addr: u64, missed: u64, cookie: u64 },
    Tracepoint { name: String, cookie: u64 },
    Event { event_type: u32, config: u64, cookie: u64 },
    Unknown(u32),
}

/// The raw structure, 8-byte aligned as the kernel's.
type Raw = [u64; 8];

fn u32_at(r: &Raw, off: usize) -> u32 {
    let b = bytes(r);
    u32::from_ne_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

fn u64_at(r: &Raw, off: usize) -> u64 {
    r[off / 8]
}

fn put_u32(r: &mut Raw, off: usize, v: u32) {
    let w = &mut r[off / 8];
    let mut b = w.to_ne_bytes();
    b[off % 8..off % 8 + 4].copy_from_slice(&v.to_ne_bytes());
    *w = u64::from_ne_bytes(b);
}

fn bytes(r: &Raw) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (i, w) in r.iter().enumerate() {
        out[i * 8..i * 8 + 8].copy_from_slice(&w.to_ne_bytes());
    }
    out
}

fn text(buf: &[u8]) -> String {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// BPF_OBJ_GET_INFO_BY_FD on a link, twice where the kernel needs buffers.
pub fn read(fd: BorrowedFd<'_>) -> SysResult<LinkInfo> {
    let mut raw: Raw = [0; 8];
    obj_info(fd, &mut raw)?;
    let link_type = u32_at(&raw, 0);
    let (id, prog_id) = (u32_at(&raw, 4), u32_at(&raw, 8));
    let mut name = vec![0u8; NAME_MAX];
    let name_ptr = name.as_mut_ptr() as u64;
    let detail = match link_type {
        RAW_TRACEPOINT => {
            let mut q: Raw = [0; 8];
            q[U / 8] = name_ptr;
            put_u32(&mut q, U + 8, NAME_MAX as u32);
            obj_info(fd, &mut q)?;
            Detail::RawTracepoint { tp_name: text(&name), cookie: u64_at(&q, U + 16) }
        }
        TRACING => Detail::Tracing {
            attach_type: u32_at(&raw, U),
            target_obj_id: u32_at(&raw, U + 4),
            target_btf_id: u32_at(&raw, U + 8),
            cookie: u64_at(&raw, U + 16),
        },
        CGROUP => Detail::Cgroup { cgroup_id: u64_at(&raw, U), attach_type: u32_at(&raw, U + 8) },
        ITER => {
            let mut q: Raw = [0; 8];
            q[U / 8] = name_ptr;
            put_u32(&mut q, U + 8, NAME_MAX as u32);
            obj_info(fd, &mut q)?;
            Detail::Iter {
                target_name: text(&name),
                map_id: u32_at(&q, U + 12),
                cgroup_id: u64_at(&q, U + 16),
                order: u32_at(&q, U + 24),
                tid: u32_at(&q, U + 16),
                pid: u32_at(&q, U + 20),
            }
        }
        NETNS => Detail::Netns { netns_ino: u32_at(&raw, U), attach_type: u32_at(&raw, U + 4) },
        XDP => Detail::Xdp { ifindex: u32_at(&raw, U) },
        STRUCT_OPS => Detail::StructOps { map_id: u32_at(&raw, U) },
        NETFILTER => Detail::Netfilter {
            pf: u32_at(&raw, U),
            hooknum: u32_at(&raw, U + 4),
            priority: u32_at(&raw, U + 8) as i32,
            flags: u32_at(&raw, U + 12),
        },
        KPROBE_MULTI => {
            let count = u32_at(&raw, U + 8).min(MAX_MULTI);
            let mut addrs = vec![0u64; count as usize];
            let mut cookies = vec![0u64; count as usize];
            let mut q = raw;
            if count > 0 {
                q = [0; 8];
                q[U / 8] = addrs.as_mut_ptr() as u64;
                put_u32(&mut q, U + 8, count);
                q[(U + 24) / 8] = cookies.as_mut_ptr() as u64;
                obj_info(fd, &mut q)?;
            }
            Detail::KprobeMulti { flags: u32_at(&q, U + 12), missed: u64_at(&q, U + 16), addrs, cookies }
        }
        UPROBE_MULTI => {
            let count = u32_at(&raw, U + 36).min(MAX_MULTI);
            let mut offsets = vec![0u64; count as usize];
            let mut refs = vec![0u64; count as usize];
            let mut cookies = vec![0u64; count as usize];
            let mut q = raw;
            if count > 0 {
                q = [0; 8];
                q[U / 8] = name_ptr;
                q[(U + 8) / 8] = offsets.as_mut_ptr() as u64;
                q[(U + 16) / 8] = refs.as_mut_ptr() as u64;
                q[(U + 24) / 8] = cookies.as_mut_ptr() as u64;
                put_u32(&mut q, U + 32, NAME_MAX as u32);
                put_u32(&mut q, U + 36, count);
                obj_info(fd, &mut q)?;
            }
            Detail::UprobeMulti {
                path: text(&name),
                flags: u32_at(&q, U + 40),
                pid: u32_at(&q, U + 44),
                offsets,
                ref_ctr_offsets: refs,
                cookies,
            }
        }
        PERF_EVENT => Detail::PerfEvent(perf_event(fd, &raw, &mut name)?),
        TCX => Detail::Tcx { ifindex: u32_at(&raw, U), attach_type: u32_at(&raw, U + 4) },
        NETKIT => Detail::Netkit { ifindex: u32_at(&raw, U), attach_type: u32_at(&raw, U + 4) },
        SOCKMAP => Detail::Sockmap { map_id: u32_at(&raw, U), attach_type: u32_at(&raw, U + 4) },
        _ => Detail::Other,
    };
    // The buffers the kernel wrote through stay alive until here.
    drop(name);
    Ok(LinkInfo { link_type, id, prog_id, detail })
}

/// The perf_event member: its type at U, its own union at U + 8.
fn perf_event(fd: BorrowedFd<'_>, raw: &Raw, name: &mut [u8]) -> SysResult<PerfEvent> {
    let kind = u32_at(raw, U);
    let p = U + 8;
    if !matches!(kind, PE_UPROBE | PE_URETPROBE | PE_KPROBE | PE_KRETPROBE | PE_TRACEPOINT | PE_EVENT) {
        return Ok(PerfEvent::Unknown(kind));
    }
    let mut q: Raw = *raw;
    if kind != PE_EVENT {
        // Every named kind has (name pointer, name_len) first.
        q = [0; 8];
        q[p / 8] = name.as_mut_ptr() as u64;
        put_u32(&mut q, p + 8, name.len() as u32);
        obj_info(fd, &mut q)?;
    }
    Ok(match kind {
        PE_UPROBE | PE_URETPROBE => PerfEvent::Uprobe {
            ret: kind == PE_URETPROBE,
            file: text(name),
            offset: u32_at(&q, p + 12),
            cookie: u64_at(&q, p + 16),
            ref_ctr_offset: u64_at(&q, p + 24),
        },
        PE_KPROBE | PE_KRETPROBE => PerfEvent::Kprobe {
            ret: kind == PE_KRETPROBE,
            func: text(name),
            offset: u32_at(&q, p + 12),
            addr: u64_at(&q, p + 16),
            missed: u64_at(&q, p + 24),
            cookie: u64_at(&q, p + 32),
        },
        PE_TRACEPOINT => PerfEvent::Tracepoint { name: text(name), cookie: u64_at(&q, p + 16) },
        _ => PerfEvent::Event { event_type: u32_at(&q, p + 8), config: u64_at(&q, p), cookie: u64_at(&q, p + 16) },
    })
}
