//! Hand-written rtnetlink for XDP and clsact tc, the way bpftool and iproute2
//! speak it. aya 0.14 keeps its netlink code `pub(crate)`, always prefers a
//! bpf_link for XDP (which dies with the process unless pinned), and has no
//! query for XDP or tc filters, so persistent bpftool-style attachments and
//! `net show` need these few messages: RTM_GETLINK/RTM_SETLINK (IFLA_XDP),
//! RTM_NEWQDISC/RTM_DELQDISC (clsact) and
//! RTM_NEWTFILTER/RTM_DELTFILTER/RTM_GETTFILTER (cls_bpf). The
//! netlink-packet-route family would cover the message layouts, but it is
//! not a dependency of this crate (Cargo.toml is fixed for this issue), so
//! these few messages are built by hand; everything is plain bytes except
//! the socket calls.
#![allow(unsafe_code)]

use std::io;
use std::mem;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::SysError;

// Numbers come from libc (netlink, rtnetlink, IFLA_*) and aya_obj's
// generated uapi bindings (IFLA_XDP_*, TCA_*, TC_H_*, XDP_FLAGS_*).
use aya_obj::generated::{
    IFLA_XDP_ATTACHED, IFLA_XDP_DRV_PROG_ID, IFLA_XDP_FD, IFLA_XDP_FLAGS, IFLA_XDP_HW_PROG_ID, IFLA_XDP_PROG_ID,
    IFLA_XDP_SKB_PROG_ID, TC_H_CLSACT, TC_H_MAJ_MASK, TC_H_MIN_EGRESS, TC_H_MIN_INGRESS, TCA_BPF_FD,
    TCA_BPF_FLAG_ACT_DIRECT, TCA_BPF_FLAGS, TCA_BPF_ID, TCA_BPF_NAME, TCA_BPF_TAG, TCA_KIND, TCA_OPTIONS,
    nlmsgerr_attrs,
};
use libc::{
    IFLA_IFNAME, IFLA_XDP, NLA_F_NESTED, NLA_TYPE_MASK, NLM_F_ACK, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_CREATE,
    NLM_F_DUMP, NLM_F_ECHO, NLM_F_EXCL, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, RTM_DELQDISC, RTM_DELTFILTER,
    RTM_GETLINK, RTM_GETTFILTER, RTM_NEWLINK, RTM_NEWQDISC, RTM_NEWTFILTER, RTM_SETLINK,
};

/// sizeof(struct nlmsghdr), already 4-aligned (libc keeps NLMSG_HDRLEN private).
const NLMSG_HDRLEN: usize = mem::size_of::<libc::nlmsghdr>();

/// tc parents and the clsact handle: TC_H_MAKE(TC_H_CLSACT, minor), as iproute2 builds them.
pub const TC_H_INGRESS_PARENT: u32 = (TC_H_CLSACT & TC_H_MAJ_MASK) | TC_H_MIN_INGRESS;
pub const TC_H_EGRESS_PARENT: u32 = (TC_H_CLSACT & TC_H_MAJ_MASK) | TC_H_MIN_EGRESS;
const CLSACT_HANDLE: u32 = TC_H_CLSACT & TC_H_MAJ_MASK;
/// ETH_P_ALL in network byte order, as tcm_info's protocol half wants it.
const ETH_P_ALL_BE: u16 = (libc::ETH_P_ALL as u16).to_be();

/// A netlink request the kernel refused: the errno (as a `SysError`, so the
/// errno-to-fix table sees it) and the kernel's extended-ack message.
#[derive(Debug)]
pub struct NlError {
    pub sys: SysError,
    pub ext: Option<String>,
}

impl NlError {
    pub fn errno(&self) -> Option<i32> {
        self.sys.errno()
    }
    fn new(call: &'static str, source: io::Error) -> NlError {
        NlError { sys: SysError { call, source }, ext: None }
    }
}

impl std::fmt::Display for NlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.ext {
            Some(m) => write!(f, "{} ({m})", self.sys),
            None => write!(f, "{}", self.sys),
        }
    }
}

impl std::error::Error for NlError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // The errno stays reachable for error.rs, which walks `source()`.
        Some(&self.sys)
    }
}

pub type NlResult<T> = Result<T, NlError>;

/// One rtnetlink request under construction: header, fixed part, attributes.
struct Msg {
    buf: Vec<u8>,
    nests: Vec<usize>,
}

impl Msg {
    fn new(ty: u16, flags: libc::c_int, fixed: &[u8]) -> Msg {
        let mut buf = vec![0u8; NLMSG_HDRLEN];
        buf[4..6].copy_from_slice(&ty.to_ne_bytes());
        buf[6..8].copy_from_slice(&((flags | NLM_F_REQUEST) as u16).to_ne_bytes());
        buf.extend_from_slice(fixed);
        pad(&mut buf);
        Msg { buf, nests: Vec::new() }
    }

    /// `ty` is an attribute number: libc's are u16, aya_obj's u32.
    fn attr(&mut self, ty: impl Into<u32>, data: &[u8]) -> &mut Self {
        let len = (4 + data.len()) as u16;
        self.buf.extend_from_slice(&len.to_ne_bytes());
        self.buf.extend_from_slice(&(ty.into() as u16).to_ne_bytes());
        self.buf.extend_from_slice(data);
        pad(&mut self.buf);
        self
    }

    fn attr_u32(&mut self, ty: impl Into<u32>, v: u32) -> &mut Self {
        self.attr(ty, &v.to_ne_bytes())
    }

    fn attr_str(&mut self, ty: impl Into<u32>, s: &str) -> &mut Self {
        let mut d = s.as_bytes().to_vec();
        d.push(0);
        self.attr(ty, &d)
    }

    fn begin_nest(&mut self, ty: impl Into<u32>) -> &mut Self {
        self.nests.push(self.buf.len());
        self.buf.extend_from_slice(&[0, 0]);
        self.buf.extend_from_slice(&((ty.into() | NLA_F_NESTED as u32) as u16).to_ne_bytes());
        self
    }

    fn end_nest(&mut self) -> &mut Self {
        if let Some(start) = self.nests.pop() {
            let len = (self.buf.len() - start) as u16;
            self.buf[start..start + 2].copy_from_slice(&len.to_ne_bytes());
        }
        self
    }

    fn finish(mut self, seq: u32) -> Vec<u8> {
        let len = self.buf.len() as u32;
        self.buf[0..4].copy_from_slice(&len.to_ne_bytes());
        self.buf[8..12].copy_from_slice(&seq.to_ne_bytes());
        self.buf
    }
}

fn pad(buf: &mut Vec<u8>) {
    while !buf.len().is_multiple_of(4) {
        buf.push(0);
    }
}

fn u16_at(b: &[u8], off: usize) -> u16 {
    b.get(off..off + 2).map_or(0, |s| u16::from_ne_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    b.get(off..off + 4).map_or(0, |s| u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
}

/// (type, payload) of each attribute in `b`, nested/byte-order bits masked.
fn attrs(mut b: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        if b.len() < 4 {
            return None;
        }
        let len = u16_at(b, 0) as usize;
        let ty = u16_at(b, 2) & NLA_TYPE_MASK as u16;
        if len < 4 || len > b.len() {
            return None;
        }
        let data = &b[4..len];
        let adv = ((len + 3) & !3).min(b.len());
        b = &b[adv..];
        Some((ty, data))
    })
}

fn attr_str(d: &[u8]) -> String {
    let end = d.iter().position(|c| *c == 0).unwrap_or(d.len());
    String::from_utf8_lossy(&d[..end]).into_owned()
}

fn ifinfomsg(ifindex: u32) -> [u8; 16] {
    let mut m = [0u8; 16];
    m[0] = libc::AF_UNSPEC as u8;
    m[4..8].copy_from_slice(&ifindex.to_ne_bytes());
    m
}

fn tcmsg(ifindex: u32, handle: u32, parent: u32, info: u32) -> [u8; 20] {
    let mut m = [0u8; 20];
    m[0] = libc::AF_UNSPEC as u8;
    m[4..8].copy_from_slice(&ifindex.to_ne_bytes());
    m[8..12].copy_from_slice(&handle.to_ne_bytes());
    m[12..16].copy_from_slice(&parent.to_ne_bytes());
    m[16..20].copy_from_slice(&info.to_ne_bytes());
    m
}

/// An rtnetlink socket in the calling thread's network namespace.
pub struct Netlink {
    fd: OwnedFd,
    seq: u32,
}

impl Netlink {
    pub fn open() -> NlResult<Netlink> {
        let err = |e| NlError::new("socket(AF_NETLINK)", e);
        // SAFETY: plain socket(2) call with constant arguments.
        let fd = unsafe { libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, libc::NETLINK_ROUTE) };
        if fd < 0 {
            return Err(err(io::Error::last_os_error()));
        }
        // SAFETY: socket(2) returned a new descriptor that nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let one: libc::c_int = 1;
        for opt in [libc::NETLINK_EXT_ACK, libc::NETLINK_CAP_ACK] {
            // SAFETY: fd is a valid socket; `one` is a c_int of the size we pass.
            // Failure only costs the kernel's error text, so it is ignored.
            unsafe {
                libc::setsockopt(
                    fd.as_raw_fd(),
                    libc::SOL_NETLINK,
                    opt,
                    &one as *const libc::c_int as *const libc::c_void,
                    mem::size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
        }
        // SAFETY: sockaddr_nl is plain integers; all-zero lets the kernel pick the port id.
        let mut sa: libc::sockaddr_nl = unsafe { mem::zeroed() };
        sa.nl_family = libc::AF_NETLINK as u16;
        // SAFETY: sa is a valid sockaddr_nl and we pass its exact size.
        let r = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                &sa as *const libc::sockaddr_nl as *const libc::sockaddr,
                mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if r < 0 {
            return Err(err(io::Error::last_os_error()));
        }
        Ok(Netlink { fd, seq: 1 })
    }

    pub fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: fd is open for as long as self lives.
        unsafe { BorrowedFd::borrow_raw(self.fd.as_raw_fd()) }
    }

    fn send(&mut self, call: &'static str, msg: Msg) -> NlResult<u32> {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let bytes = msg.finish(seq);
        // SAFETY: bytes is a valid buffer of the given length for the call.
        let r = unsafe { libc::send(self.fd.as_raw_fd(), bytes.as_ptr() as *const libc::c_void, bytes.len(), 0) };
        if r < 0 {
            return Err(NlError::new(call, io::Error::last_os_error()));
        }
        Ok(seq)
    }

    fn recv(&mut self, call: &'static str, buf: &mut [u8]) -> NlResult<usize> {
        loop {
            // SAFETY: buf is a valid, exclusively borrowed buffer of buf.len() bytes.
            let r = unsafe { libc::recv(self.fd.as_raw_fd(), buf.as_mut_ptr() as *mut libc::c_void, buf.len(), 0) };
            if r < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(NlError::new(call, e));
            }
            return Ok(r as usize);
        }
    }

    /// Send `msg` and collect every reply (payload after the header) up to
    /// the ack or NLMSG_DONE; an error ack becomes `NlError`.
    fn transact(&mut self, call: &'static str, msg: Msg) -> NlResult<Vec<(u16, Vec<u8>)>> {
        let seq = self.send(call, msg)?;
        let mut out = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = self.recv(call, &mut buf)?;
            let mut b = &buf[..n];
            while b.len() >= NLMSG_HDRLEN {
                let len = u32_at(b, 0) as usize;
                let ty = u16_at(b, 4);
                let flags = u16_at(b, 6);
                let mseq = u32_at(b, 8);
                if len < NLMSG_HDRLEN || len > b.len() {
                    break;
                }
                let payload = &b[NLMSG_HDRLEN..len];
                b = &b[((len + 3) & !3).min(b.len())..];
                if mseq != seq {
                    continue;
                }
                match libc::c_int::from(ty) {
                    NLMSG_DONE => return Ok(out),
                    NLMSG_ERROR => {
                        let errno = -(u32_at(payload, 0) as i32);
                        if errno == 0 {
                            return Ok(out);
                        }
                        return Err(NlError {
                            sys: SysError { call, source: io::Error::from_raw_os_error(errno) },
                            ext: ext_ack(payload, flags),
                        });
                    }
                    // Dump parts, or an echo that precedes the ack.
                    _ => out.push((ty, payload.to_vec())),
                }
            }
        }
    }
}

/// The kernel's NLMSGERR_ATTR_MSG text from an error ack.
fn ext_ack(payload: &[u8], flags: u16) -> Option<String> {
    let flags = libc::c_int::from(flags);
    if flags & NLM_F_ACK_TLVS == 0 {
        return None;
    }
    // struct nlmsgerr: int error, then the original header (and, unless
    // capped, its payload).
    let orig_len = if flags & NLM_F_CAPPED != 0 { NLMSG_HDRLEN } else { u32_at(payload, 4) as usize };
    let start = (4 + orig_len + 3) & !3;
    let tlvs = payload.get(start..)?;
    attrs(tlvs)
        .find(|(t, _)| u32::from(*t) == nlmsgerr_attrs::NLMSGERR_ATTR_MSG as u32)
        .map(|(_, d)| attr_str(d))
        .filter(|s| !s.is_empty())
}

/// What IFLA_XDP reports for one interface.
#[derive(Debug, Clone, Default)]
pub struct LinkXdp {
    pub ifindex: u32,
    pub name: String,
    /// XDP_ATTACHED_*: 0 none, 1 driver, 2 generic, 3 offload, 4 multi.
    pub attached: u8,
    pub prog_id: u32,
    pub drv_id: u32,
    pub skb_id: u32,
    pub hw_id: u32,
}

impl LinkXdp {
    /// (mode name as bpftool prints it, prog id) for each attached mode.
    pub fn modes(&self) -> Vec<(&'static str, u32)> {
        match self.attached {
            1 => vec![("driver", self.prog_id)],
            2 => vec![("generic", self.prog_id)],
            3 => vec![("offload", self.prog_id)],
            4 => [("generic", self.skb_id), ("driver", self.drv_id), ("offload", self.hw_id)]
                .into_iter()
                .filter(|(_, id)| *id != 0)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// RTM_GETLINK dump: every interface with its XDP state.
pub fn links(nl: &mut Netlink) -> NlResult<Vec<LinkXdp>> {
    let msg = Msg::new(RTM_GETLINK, NLM_F_DUMP, &ifinfomsg(0));
    let replies = nl.transact("RTM_GETLINK", msg)?;
    let mut out = Vec::new();
    for (ty, p) in replies {
        if ty != RTM_NEWLINK || p.len() < 16 {
            continue;
        }
        let mut l = LinkXdp { ifindex: u32_at(&p, 4), ..Default::default() };
        for (t, d) in attrs(&p[16..]) {
            match t {
                IFLA_IFNAME => l.name = attr_str(d),
                IFLA_XDP => {
                    for (xt, xd) in attrs(d) {
                        match u32::from(xt) {
                            IFLA_XDP_ATTACHED => l.attached = xd.first().copied().unwrap_or(0),
                            IFLA_XDP_PROG_ID => l.prog_id = u32_at(xd, 0),
                            IFLA_XDP_DRV_PROG_ID => l.drv_id = u32_at(xd, 0),
                            IFLA_XDP_SKB_PROG_ID => l.skb_id = u32_at(xd, 0),
                            IFLA_XDP_HW_PROG_ID => l.hw_id = u32_at(xd, 0),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        out.push(l);
    }
    Ok(out)
}

/// RTM_SETLINK with IFLA_XDP: attach `prog` (or detach, with None) in the
/// mode and with the XDP_FLAGS_* given.
pub fn xdp_set(nl: &mut Netlink, ifindex: u32, prog: Option<BorrowedFd<'_>>, flags: u32) -> NlResult<()> {
    let fd: i32 = prog.map_or(-1, |p| p.as_raw_fd());
    let mut msg = Msg::new(RTM_SETLINK, NLM_F_ACK, &ifinfomsg(ifindex));
    msg.begin_nest(IFLA_XDP).attr(IFLA_XDP_FD, &fd.to_ne_bytes());
    if flags != 0 {
        msg.attr_u32(IFLA_XDP_FLAGS, flags);
    }
    msg.end_nest();
    nl.transact("RTM_SETLINK", msg).map(drop)
}

/// RTM_NEWQDISC clsact, exclusive: Ok(true) if we created it, Ok(false) if
/// one was already there.
pub fn qdisc_add_clsact(nl: &mut Netlink, ifindex: u32) -> NlResult<bool> {
    let mut msg =
        Msg::new(RTM_NEWQDISC, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, &tcmsg(ifindex, CLSACT_HANDLE, TC_H_CLSACT, 0));
    msg.attr_str(TCA_KIND, "clsact");
    match nl.transact("RTM_NEWQDISC", msg) {
        Ok(_) => Ok(true),
        Err(e) if e.errno() == Some(libc::EEXIST) => Ok(false),
        Err(e) => Err(e),
    }
}

/// RTM_DELQDISC clsact.
pub fn qdisc_del_clsact(nl: &mut Netlink, ifindex: u32) -> NlResult<()> {
    let mut msg = Msg::new(RTM_DELQDISC, NLM_F_ACK, &tcmsg(ifindex, CLSACT_HANDLE, TC_H_CLSACT, 0));
    msg.attr_str(TCA_KIND, "clsact");
    nl.transact("RTM_DELQDISC", msg).map(drop)
}

/// One tc filter as RTM_GETTFILTER reports it.
#[derive(Debug, Clone, Default)]
pub struct TcFilter {
    pub ifindex: u32,
    pub parent: u32,
    pub prio: u16,
    /// Network byte order, as in tcm_info.
    pub protocol: u16,
    pub handle: u32,
    pub kind: String,
    pub name: Option<String>,
    pub prog_id: Option<u32>,
    pub tag: Option<[u8; 8]>,
    pub direct_action: bool,
}

fn parse_filter(p: &[u8]) -> Option<TcFilter> {
    if p.len() < 20 {
        return None;
    }
    let info = u32_at(p, 16);
    let mut f = TcFilter {
        ifindex: u32_at(p, 4),
        handle: u32_at(p, 8),
        parent: u32_at(p, 12),
        prio: (info >> 16) as u16,
        protocol: (info & 0xffff) as u16,
        ..Default::default()
    };
    for (t, d) in attrs(&p[20..]) {
        match u32::from(t) {
            TCA_KIND => f.kind = attr_str(d),
            TCA_OPTIONS => {
                for (ot, od) in attrs(d) {
                    match u32::from(ot) {
                        TCA_BPF_NAME => f.name = Some(attr_str(od)),
                        TCA_BPF_ID => f.prog_id = Some(u32_at(od, 0)),
                        TCA_BPF_FLAGS => f.direct_action = u32_at(od, 0) & TCA_BPF_FLAG_ACT_DIRECT != 0,
                        TCA_BPF_TAG => f.tag = od.try_into().ok(),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Some(f)
}

/// Every filter under `parent` of `ifindex` (chain headers without a
/// handle are skipped, as bpftool does).
pub fn filters(nl: &mut Netlink, ifindex: u32, parent: u32) -> NlResult<Vec<TcFilter>> {
    let msg = Msg::new(RTM_GETTFILTER, NLM_F_DUMP, &tcmsg(ifindex, 0, parent, 0));
    let replies = nl.transact("RTM_GETTFILTER", msg)?;
    Ok(replies.iter().filter_map(|(_, p)| parse_filter(p)).filter(|f| f.handle != 0).collect())
}

/// RTM_NEWTFILTER: a direct-action cls_bpf filter running `prog`. `prio` and
/// `handle` 0 let the kernel choose; the chosen ones are returned (echo).
pub fn filter_add_bpf(
    nl: &mut Netlink,
    ifindex: u32,
    parent: u32,
    prio: u16,
    handle: u32,
    prog: BorrowedFd<'_>,
    name: &str,
) -> NlResult<TcFilter> {
    filter_set_bpf(nl, ifindex, parent, prio, handle, prog, name, true)
}

/// RTM_NEWTFILTER as `filter_add_bpf`, or with `exclusive` false a swap of
/// the program of the filter at `prio`/`handle` in one step (cls_bpf
/// replaces it under RCU: no packet sees no filter), creating it if absent.
#[allow(clippy::too_many_arguments)]
pub fn filter_set_bpf(
    nl: &mut Netlink,
    ifindex: u32,
    parent: u32,
    prio: u16,
    handle: u32,
    prog: BorrowedFd<'_>,
    name: &str,
    exclusive: bool,
) -> NlResult<TcFilter> {
    let info = ((prio as u32) << 16) | ETH_P_ALL_BE as u32;
    let excl = if exclusive { NLM_F_EXCL } else { 0 };
    let mut msg =
        Msg::new(RTM_NEWTFILTER, NLM_F_ACK | NLM_F_CREATE | excl | NLM_F_ECHO, &tcmsg(ifindex, handle, parent, info));
    msg.attr_str(TCA_KIND, "bpf")
        .begin_nest(TCA_OPTIONS)
        .attr_u32(TCA_BPF_FD, prog.as_raw_fd() as u32)
        .attr_str(TCA_BPF_NAME, name)
        .attr_u32(TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT)
        .end_nest();
    let replies = nl.transact("RTM_NEWTFILTER", msg)?;
    let echoed = replies.iter().filter(|(t, _)| *t == RTM_NEWTFILTER).find_map(|(_, p)| parse_filter(p));
    Ok(echoed.unwrap_or(TcFilter {
        ifindex,
        parent,
        prio,
        protocol: ETH_P_ALL_BE,
        handle,
        kind: "bpf".into(),
        name: Some(name.into()),
        ..Default::default()
    }))
}

/// RTM_DELTFILTER of exactly one filter.
pub fn filter_del(nl: &mut Netlink, f: &TcFilter) -> NlResult<()> {
    let info = ((f.prio as u32) << 16) | f.protocol as u32;
    let mut msg = Msg::new(RTM_DELTFILTER, NLM_F_ACK, &tcmsg(f.ifindex, f.handle, f.parent, info));
    msg.attr_str(TCA_KIND, &f.kind);
    nl.transact("RTM_DELTFILTER", msg).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_attributes_round_trip() {
        let mut m = Msg::new(RTM_SETLINK, NLM_F_ACK, &ifinfomsg(7));
        m.begin_nest(IFLA_XDP).attr(IFLA_XDP_FD, &(-1i32).to_ne_bytes()).attr_u32(IFLA_XDP_FLAGS, 2).end_nest();
        let b = m.finish(9);
        assert_eq!(u32_at(&b, 0) as usize, b.len());
        assert_eq!(u32_at(&b, 8), 9);
        assert_eq!(u32_at(&b, NLMSG_HDRLEN + 4), 7);
        let top: Vec<_> = attrs(&b[NLMSG_HDRLEN + 16..]).collect();
        assert_eq!(top.len(), 1);
        assert_eq!(top[0].0, IFLA_XDP);
        let inner: Vec<_> = attrs(top[0].1).collect();
        assert_eq!(inner[0], (IFLA_XDP_FD as u16, &(-1i32).to_ne_bytes()[..]));
        assert_eq!(inner[1], (IFLA_XDP_FLAGS as u16, &2u32.to_ne_bytes()[..]));
    }

    #[test]
    fn ext_ack_text_is_read() {
        // error -16, capped original header, then NLMSGERR_ATTR_MSG "busy".
        let mut p = (-16i32).to_ne_bytes().to_vec();
        p.extend_from_slice(&[0u8; 16]);
        p.extend_from_slice(&9u16.to_ne_bytes());
        p.extend_from_slice(&(nlmsgerr_attrs::NLMSGERR_ATTR_MSG as u16).to_ne_bytes());
        p.extend_from_slice(b"busy\0\0\0\0");
        assert_eq!(ext_ack(&p, (NLM_F_ACK_TLVS | NLM_F_CAPPED) as u16).as_deref(), Some("busy"));
        assert_eq!(ext_ack(&p, 0), None);
    }
}
