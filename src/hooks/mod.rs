//! Network hooks as `apply` drives them, with atomic upgrades: XDP and tcx
//! through bpf_links (swapped with BPF_LINK_UPDATE, which checks the old
//! program and replaces it in one step), clsact tc through a cls_bpf filter
//! at a fixed priority/handle (replaced in place). Lower layer: no output,
//! no command line; callers turn the errors into sentences.

pub mod link;
pub mod netns;
pub mod tc;

use std::os::fd::{BorrowedFd, OwnedFd};

use aya_obj::generated::{XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE, bpf_attach_type};

use crate::manifest::{Dir, XdpMode};
use crate::sys::{self, SysError};

pub fn tcx_attach_type(dir: Dir) -> bpf_attach_type {
    match dir {
        Dir::Ingress => bpf_attach_type::BPF_TCX_INGRESS,
        Dir::Egress => bpf_attach_type::BPF_TCX_EGRESS,
    }
}

/// An XDP bpf_link on `ifindex`. `Auto` tries native mode, then generic
/// when the driver has none (EOPNOTSUPP), as `net attach xdp` does.
pub fn xdp_link(prog: BorrowedFd<'_>, ifindex: u32, mode: XdpMode) -> Result<OwnedFd, SysError> {
    let native = || sys::net::link_create(prog, ifindex, bpf_attach_type::BPF_XDP, XDP_FLAGS_DRV_MODE, None);
    let generic = || sys::net::link_create(prog, ifindex, bpf_attach_type::BPF_XDP, XDP_FLAGS_SKB_MODE, None);
    match mode {
        XdpMode::Driver => native(),
        XdpMode::Generic => generic(),
        XdpMode::Auto => match native() {
            Err(e) if e.errno() == Some(libc::EOPNOTSUPP) => generic(),
            r => r,
        },
    }
}

/// A tcx bpf_link at the end of the hook's list.
pub fn tcx_link(prog: BorrowedFd<'_>, ifindex: u32, dir: Dir) -> Result<OwnedFd, SysError> {
    sys::net::link_create(prog, ifindex, tcx_attach_type(dir), 0, None)
}
