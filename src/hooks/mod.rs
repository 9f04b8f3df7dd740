//! Network hooks as `apply` drives them, with atomic upgrades: XDP and tcx
//! through bpf_links (swapped with BPF_LINK_UPDATE, which checks the old
//! program and replaces it in one step), clsact tc through a cls_bpf filter
//! at a fixed priority/handle (replaced in place). `net attach` makes its
//! attachments through the same functions. Lower layer: no output, no
//! command line; callers turn the errors into sentences.

pub mod link;
pub mod netns;
pub mod tc;

use std::os::fd::{BorrowedFd, OwnedFd};

use aya_obj::generated::{XDP_FLAGS_DRV_MODE, XDP_FLAGS_HW_MODE, XDP_FLAGS_SKB_MODE, bpf_attach_type};

use crate::sys::{self, SysError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Ingress,
    Egress,
}

impl Dir {
    pub fn name(self) -> &'static str {
        match self {
            Dir::Ingress => "ingress",
            Dir::Egress => "egress",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XdpMode {
    /// Native when the driver has it, else generic.
    Auto,
    Generic,
    Driver,
    Offload,
}

/// The XDP_FLAGS_* mode bit (none for `Auto`: the kernel's choice).
pub fn xdp_mode_flag(mode: XdpMode) -> u32 {
    match mode {
        XdpMode::Auto => 0,
        XdpMode::Generic => XDP_FLAGS_SKB_MODE,
        XdpMode::Driver => XDP_FLAGS_DRV_MODE,
        XdpMode::Offload => XDP_FLAGS_HW_MODE,
    }
}

pub fn tcx_attach_type(dir: Dir) -> bpf_attach_type {
    match dir {
        Dir::Ingress => bpf_attach_type::BPF_TCX_INGRESS,
        Dir::Egress => bpf_attach_type::BPF_TCX_EGRESS,
    }
}

/// An XDP bpf_link on `ifindex`, and the mode it got. `Auto` tries native
/// mode, then generic when the driver has none (EOPNOTSUPP).
pub fn xdp_link(prog: BorrowedFd<'_>, ifindex: u32, mode: XdpMode) -> Result<(OwnedFd, XdpMode), SysError> {
    let make = |m: XdpMode| {
        sys::net::link_create(prog, ifindex, bpf_attach_type::BPF_XDP, xdp_mode_flag(m), None).map(|fd| (fd, m))
    };
    match mode {
        XdpMode::Auto => match make(XdpMode::Driver) {
            Err(e) if e.errno() == Some(libc::EOPNOTSUPP) => make(XdpMode::Generic),
            r => r,
        },
        m => make(m),
    }
}

/// A tcx bpf_link; `flags` (BPF_F_BEFORE/AFTER) and `relative` place it
/// among the hook's programs, none means at the end.
pub fn tcx_link(
    prog: BorrowedFd<'_>,
    ifindex: u32,
    dir: Dir,
    flags: u32,
    relative: Option<BorrowedFd<'_>>,
) -> Result<OwnedFd, SysError> {
    sys::net::link_create(prog, ifindex, tcx_attach_type(dir), flags, relative)
}
