//! What `feature probe` needs beyond `prog_load::load` and `map::create`:
//! program loads and map creations bound to a network device (the offload
//! probes of `feature probe dev IFACE`, which set `prog_ifindex` /
//! `map_ifindex`, fields neither wrapper has), and dropping the BPF
//! capabilities from the effective set for `feature probe unprivileged`
//! (capset(2); neither libc nor aya wraps it, and rustix's `thread` feature
//! is not enabled).

use std::ffi::CStr;
use std::io;
use std::os::fd::OwnedFd;

use aya_obj::generated::{bpf_cmd, bpf_insn};

use super::{SysResult, bpf_fd, zeroed_attr};

/// BPF_PROG_LOAD of `insns` for the device `ifindex` (offload), with a
/// level-1 verifier log into `log` when it is not empty.
pub fn load_for_dev(prog_type: u32, insns: &[bpf_insn], ifindex: u32, log: &mut [u8]) -> SysResult<OwnedFd> {
    const GPL: &CStr = c"GPL";
    let mut attr = zeroed_attr();
    attr.__bindgen_anon_3.prog_type = prog_type;
    attr.__bindgen_anon_3.insn_cnt = insns.len() as u32;
    attr.__bindgen_anon_3.insns = insns.as_ptr() as u64;
    attr.__bindgen_anon_3.license = GPL.as_ptr() as u64;
    if !log.is_empty() {
        attr.__bindgen_anon_3.log_level = 1;
        attr.__bindgen_anon_3.log_size = log.len() as u32;
        attr.__bindgen_anon_3.log_buf = log.as_mut_ptr() as u64;
    }
    attr.__bindgen_anon_3.prog_ifindex = ifindex;
    bpf_fd("BPF_PROG_LOAD", bpf_cmd::BPF_PROG_LOAD, &mut attr)
}

/// BPF_MAP_CREATE of a 4-byte key, 4-byte value, one-entry map of
/// `map_type` on the device `ifindex` (offload).
pub fn create_for_dev(map_type: u32, ifindex: u32) -> SysResult<OwnedFd> {
    let mut attr = zeroed_attr();
    attr.__bindgen_anon_1.map_type = map_type;
    attr.__bindgen_anon_1.key_size = 4;
    attr.__bindgen_anon_1.value_size = 4;
    attr.__bindgen_anon_1.max_entries = 1;
    attr.__bindgen_anon_1.map_ifindex = ifindex;
    bpf_fd("BPF_MAP_CREATE", bpf_cmd::BPF_MAP_CREATE, &mut attr)
}

// linux/capability.h: version 3 takes two 32-bit words per set.
const CAP_VERSION_3: u32 = 0x2008_0522;

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// Clears the capabilities numbered `caps` from this thread's effective
/// set (they stay permitted, as bpftool's cap_set_flag(CAP_EFFECTIVE)
/// leaves them). Returns which of them were effective before.
pub fn drop_effective(caps: &[u32]) -> io::Result<Vec<u32>> {
    let mut hdr = CapHeader { version: CAP_VERSION_3, pid: 0 };
    let mut data = [CapData::default(); 2];
    // SAFETY: hdr and data are valid, exclusively borrowed, and data has the
    // two elements version 3 reads and writes.
    let r = unsafe { libc::syscall(libc::SYS_capget, &mut hdr as *mut CapHeader, data.as_mut_ptr()) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut had = Vec::new();
    for &c in caps {
        let (word, bit) = ((c / 32) as usize, 1u32 << (c % 32));
        if let Some(d) = data.get_mut(word)
            && d.effective & bit != 0
        {
            d.effective &= !bit;
            had.push(c);
        }
    }
    let mut hdr = CapHeader { version: CAP_VERSION_3, pid: 0 };
    // SAFETY: as above; capset only reads hdr and the two data elements.
    let r = unsafe { libc::syscall(libc::SYS_capset, &mut hdr as *mut CapHeader, data.as_ptr()) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(had)
}

/// The kernel's page size (a ring buffer's size must be a multiple of it).
pub fn page_size() -> u32 {
    u32::try_from(super::page_size()).unwrap_or(4096)
}
