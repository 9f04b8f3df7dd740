//! BPF_LINK_UPDATE and a link's liveness, for upgrades and drift checks.

use std::os::fd::{AsRawFd, BorrowedFd};

use aya_obj::generated::{BPF_F_REPLACE, bpf_cmd, bpf_link_type};

use crate::sys::{self, SysError};

/// Swap the program of `link` from `old` to `new` in one step; the kernel
/// refuses (EPERM) when the link no longer runs `old`, so a concurrent
/// change is never overwritten.
pub fn update(link: BorrowedFd<'_>, new: BorrowedFd<'_>, old: BorrowedFd<'_>) -> Result<(), SysError> {
    let mut attr = sys::zeroed_attr();
    attr.link_update.link_fd = link.as_raw_fd() as u32;
    attr.link_update.__bindgen_anon_1.new_prog_fd = new.as_raw_fd() as u32;
    attr.link_update.flags = BPF_F_REPLACE;
    attr.link_update.__bindgen_anon_2.old_prog_fd = old.as_raw_fd() as u32;
    // Only fds go in (no pointers), so `sys::bpf`'s buffer contract holds.
    sys::bpf("BPF_LINK_UPDATE", bpf_cmd::BPF_LINK_UPDATE, &mut attr).map(drop)
}

/// What a link runs and whether it is still attached: an XDP or tcx link
/// that was detached (`net detach`, interface gone) keeps existing while
/// pinned but reports no interface.
pub struct Status {
    pub id: u32,
    pub prog_id: u32,
    pub attached: bool,
}

pub fn status(link: BorrowedFd<'_>) -> Option<Status> {
    let info = sys::link_info(link).ok()?;
    let t = info.type_;
    let net = t == bpf_link_type::BPF_LINK_TYPE_XDP as u32 || t == bpf_link_type::BPF_LINK_TYPE_TCX as u32;
    let attached = !net || sys::link_target(&info).ifindex.is_some_and(|i| i != 0);
    Some(Status { id: info.id, prog_id: info.prog_id, attached: attached && info.prog_id != 0 })
}
