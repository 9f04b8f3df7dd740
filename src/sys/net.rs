//! Kernel calls for network hooks that aya 0.14 does not expose in the form a
//! generic tool needs: BPF_LINK_CREATE / BPF_PROG_ATTACH / BPF_PROG_DETACH /
//! BPF_PROG_QUERY on a raw fd or ifindex (aya ties them to its typed program
//! handles, which cannot be rebuilt from a pin without knowing the type),
//! setns into a network namespace, an AF_PACKET socket with SO_ATTACH_BPF,
//! and a SIGINT/SIGTERM flag for foreground commands.
#![allow(unsafe_code)]

use std::ffi::CString;
use std::fs::File;
use std::io;
use std::mem;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::path::Path;

use aya_obj::generated::bpf_attach_type;

use super::{SysResult, bpf, bpf_cmd, zeroed_attr};

/// What an attach/detach/query is aimed at.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    Ifindex(u32),
    Fd(BorrowedFd<'a>),
    /// The caller's network namespace (the flow dissector's attach and
    /// detach insist on target_fd 0; its query takes a namespace fd).
    CurrentNetns,
}

impl Target<'_> {
    fn raw(self) -> u32 {
        match self {
            Target::Ifindex(i) => i,
            Target::Fd(fd) => fd.as_raw_fd() as u32,
            Target::CurrentNetns => 0,
        }
    }
}

/// if_nametoindex(3): None when there is no such interface in the current
/// network namespace.
pub fn if_nametoindex(name: &str) -> Option<u32> {
    let c = CString::new(name).ok()?;
    // SAFETY: c is a valid NUL-terminated string.
    let i = unsafe { libc::if_nametoindex(c.as_ptr()) };
    (i != 0).then_some(i)
}

/// setns(2) into the network namespace at `path` (only CLONE_NEWNET: mounts,
/// and so bpffs pins, stay as they are).
pub fn enter_netns(path: &Path) -> io::Result<()> {
    let f = File::open(path)?;
    // SAFETY: f is an open namespace file for the duration of the call.
    let r = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The current network namespace, as an fd (the flow dissector's target).
pub fn current_netns() -> io::Result<OwnedFd> {
    Ok(File::open("/proc/self/ns/net")?.into())
}

/// BPF_LINK_CREATE for an ifindex-targeted link (XDP or tcx). `relative` is
/// the program to insert before/after (tcx, with BPF_F_BEFORE/AFTER).
pub fn link_create(
    prog: BorrowedFd<'_>,
    ifindex: u32,
    attach_type: bpf_attach_type,
    flags: u32,
    relative: Option<BorrowedFd<'_>>,
) -> SysResult<OwnedFd> {
    let mut attr = zeroed_attr();
    attr.link_create.__bindgen_anon_1.prog_fd = prog.as_raw_fd() as u32;
    attr.link_create.__bindgen_anon_2.target_ifindex = ifindex;
    attr.link_create.attach_type = attach_type as u32;
    attr.link_create.flags = flags;
    if let Some(r) = relative {
        attr.link_create.__bindgen_anon_3.tcx.__bindgen_anon_1.relative_fd = r.as_raw_fd() as u32;
    }
    let fd = bpf("BPF_LINK_CREATE", bpf_cmd::BPF_LINK_CREATE, &mut attr)?;
    // SAFETY: BPF_LINK_CREATE returns a new link fd that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// BPF_PROG_ATTACH (tcx, sockmap, flow dissector).
pub fn prog_attach(
    prog: BorrowedFd<'_>,
    target: Target<'_>,
    attach_type: bpf_attach_type,
    flags: u32,
    relative: Option<BorrowedFd<'_>>,
) -> SysResult<()> {
    let mut attr = zeroed_attr();
    attr.__bindgen_anon_5.__bindgen_anon_1.target_fd = target.raw();
    attr.__bindgen_anon_5.attach_bpf_fd = prog.as_raw_fd() as u32;
    attr.__bindgen_anon_5.attach_type = attach_type as u32;
    attr.__bindgen_anon_5.attach_flags = flags;
    if let Some(r) = relative {
        attr.__bindgen_anon_5.__bindgen_anon_2.relative_fd = r.as_raw_fd() as u32;
    }
    bpf("BPF_PROG_ATTACH", bpf_cmd::BPF_PROG_ATTACH, &mut attr).map(drop)
}

/// BPF_PROG_DETACH of `prog` (None: whatever the hook holds, for hooks with
/// one program such as the flow dissector).
pub fn prog_detach(prog: Option<BorrowedFd<'_>>, target: Target<'_>, attach_type: bpf_attach_type) -> SysResult<()> {
    let mut attr = zeroed_attr();
    attr.__bindgen_anon_5.__bindgen_anon_1.target_fd = target.raw();
    attr.__bindgen_anon_5.attach_bpf_fd = prog.map_or(0, |p| p.as_raw_fd() as u32);
    attr.__bindgen_anon_5.attach_type = attach_type as u32;
    bpf("BPF_PROG_DETACH", bpf_cmd::BPF_PROG_DETACH, &mut attr).map(drop)
}

/// What BPF_PROG_QUERY reports for one hook, in order (bpf_mprog order for tcx).
#[derive(Debug, Default, Clone)]
pub struct Query {
    pub prog_ids: Vec<u32>,
    pub prog_flags: Vec<u32>,
    /// 0 where the program was attached without a link.
    pub link_ids: Vec<u32>,
    pub link_flags: Vec<u32>,
}

/// BPF_PROG_QUERY for `attach_type` on `target`.
pub fn prog_query(target: Target<'_>, attach_type: bpf_attach_type) -> SysResult<Query> {
    let mut cap = 64usize;
    loop {
        let mut prog_ids = vec![0u32; cap];
        let mut prog_flags = vec![0u32; cap];
        let mut link_ids = vec![0u32; cap];
        let mut link_flags = vec![0u32; cap];
        let mut attr = zeroed_attr();
        // The buffers outlive the call and hold `cap` entries each.
        attr.query.__bindgen_anon_1.target_fd = target.raw();
        attr.query.attach_type = attach_type as u32;
        attr.query.prog_ids = prog_ids.as_mut_ptr() as u64;
        attr.query.__bindgen_anon_2.prog_cnt = cap as u32;
        // Only the multi-program hooks fill these; others ignore them.
        if matches!(attach_type, bpf_attach_type::BPF_TCX_INGRESS | bpf_attach_type::BPF_TCX_EGRESS) {
            attr.query.prog_attach_flags = prog_flags.as_mut_ptr() as u64;
            attr.query.link_ids = link_ids.as_mut_ptr() as u64;
            attr.query.link_attach_flags = link_flags.as_mut_ptr() as u64;
        }
        match bpf("BPF_PROG_QUERY", bpf_cmd::BPF_PROG_QUERY, &mut attr) {
            Ok(_) => {}
            Err(e) if e.errno() == Some(libc::ENOSPC) && cap < 65536 => {
                cap *= 16;
                continue;
            }
            Err(e) => return Err(e),
        }
        // SAFETY: the kernel wrote the count on success; the union member is
        // a plain u32.
        let n = unsafe { attr.query.__bindgen_anon_2.prog_cnt as usize };
        let n = n.min(cap);
        prog_ids.truncate(n);
        prog_flags.truncate(n);
        link_ids.truncate(n);
        link_flags.truncate(n);
        return Ok(Query { prog_ids, prog_flags, link_ids, link_flags });
    }
}

/// An AF_PACKET raw socket for every protocol, bound to `ifindex`.
pub fn packet_socket(ifindex: u32) -> io::Result<OwnedFd> {
    let proto = (libc::ETH_P_ALL as u16).to_be();
    // SAFETY: plain socket(2) call with constant arguments.
    let fd = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, proto as libc::c_int) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: socket(2) returned a new descriptor that nobody else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: sockaddr_ll is plain integers; zero is a valid starting value.
    let mut sa: libc::sockaddr_ll = unsafe { mem::zeroed() };
    sa.sll_family = libc::AF_PACKET as u16;
    sa.sll_protocol = proto;
    sa.sll_ifindex = ifindex as i32;
    // SAFETY: sa is a valid sockaddr_ll and we pass its exact size.
    let r = unsafe {
        libc::bind(
            fd.as_raw_fd(),
            &sa as *const libc::sockaddr_ll as *const libc::sockaddr,
            mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(fd)
}

/// setsockopt(SO_ATTACH_BPF): run `prog` as the socket's filter.
pub fn attach_socket_filter(sock: BorrowedFd<'_>, prog: BorrowedFd<'_>) -> io::Result<()> {
    let fd: libc::c_int = prog.as_raw_fd();
    // SAFETY: sock is a valid socket; fd is a c_int of the size we pass.
    let r = unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_ATTACH_BPF,
            &fd as *const libc::c_int as *const libc::c_void,
            mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Wait up to `timeout_ms` for `sock` to be readable, then discard what is
/// queued so the receive buffer never fills. Returns early (Ok) on a signal.
pub fn wait_and_drain(sock: BorrowedFd<'_>, timeout_ms: i32) -> io::Result<()> {
    let mut p = libc::pollfd { fd: sock.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    // SAFETY: p is one valid pollfd.
    let r = unsafe { libc::poll(&mut p, 1, timeout_ms) };
    if r < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::Interrupted { Ok(()) } else { Err(e) };
    }
    let mut buf = [0u8; 256];
    loop {
        // SAFETY: buf is a valid buffer of buf.len() bytes; MSG_TRUNC only
        // changes the return value.
        let n = unsafe {
            libc::recv(
                sock.as_raw_fd(),
                buf.as_mut_ptr() as *mut libc::c_void,
                buf.len(),
                libc::MSG_DONTWAIT | libc::MSG_TRUNC,
            )
        };
        if n < 0 {
            return Ok(());
        }
    }
}

/// SO_NETNS_COOKIE of a socket: a per-boot, never reused id of its network
/// namespace.
pub fn netns_cookie(sock: BorrowedFd<'_>) -> io::Result<u64> {
    const SO_NETNS_COOKIE: libc::c_int = 71;
    let mut v: u64 = 0;
    let mut len = mem::size_of::<u64>() as libc::socklen_t;
    // SAFETY: v and len are valid out-parameters of the sizes given.
    let r = unsafe {
        libc::getsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            SO_NETNS_COOKIE,
            &mut v as *mut u64 as *mut libc::c_void,
            &mut len,
        )
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(v)
}
