//! Byte-level map access with sizes known only at run time. aya's typed maps
//! need compile-time key/value types and its byte-slice calls are
//! `pub(crate)`, so a generic dumper/editor needs these few wrappers.
#![allow(unsafe_code)]

use std::os::fd::{AsRawFd, BorrowedFd};

use super::{SysError, SysResult, bpf, bpf_cmd, zeroed_attr};

fn elem_attr(fd: BorrowedFd<'_>, key: *const u8, val: u64, flags: u64) -> super::bpf_attr {
    let mut attr = zeroed_attr();
    attr.__bindgen_anon_2.map_fd = fd.as_raw_fd() as u32;
    attr.__bindgen_anon_2.key = key as u64;
    attr.__bindgen_anon_2.__bindgen_anon_1.value = val;
    attr.__bindgen_anon_2.flags = flags;
    attr
}

/// BPF_MAP_LOOKUP_ELEM. `value` must be the map's full value size (times the
/// per-CPU stride for per-CPU maps). Ok(false) when the key is absent.
pub fn lookup(fd: BorrowedFd<'_>, key: &[u8], value: &mut [u8]) -> SysResult<bool> {
    let mut attr = elem_attr(fd, key.as_ptr(), value.as_mut_ptr() as u64, 0);
    match bpf("BPF_MAP_LOOKUP_ELEM", bpf_cmd::BPF_MAP_LOOKUP_ELEM, &mut attr) {
        Ok(_) => Ok(true),
        Err(e) if e.errno() == Some(libc::ENOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

/// BPF_MAP_UPDATE_ELEM with BPF_ANY / BPF_NOEXIST / BPF_EXIST.
pub fn update(fd: BorrowedFd<'_>, key: &[u8], value: &[u8], flags: u64) -> SysResult<()> {
    let mut attr = elem_attr(fd, key.as_ptr(), value.as_ptr() as u64, flags);
    bpf("BPF_MAP_UPDATE_ELEM", bpf_cmd::BPF_MAP_UPDATE_ELEM, &mut attr).map(drop)
}

/// BPF_MAP_DELETE_ELEM.
pub fn delete(fd: BorrowedFd<'_>, key: &[u8]) -> SysResult<()> {
    let mut attr = elem_attr(fd, key.as_ptr(), 0, 0);
    bpf("BPF_MAP_DELETE_ELEM", bpf_cmd::BPF_MAP_DELETE_ELEM, &mut attr).map(drop)
}

/// BPF_MAP_GET_NEXT_KEY: `key` None asks for the first key. Ok(false) at the end.
pub fn get_next_key(fd: BorrowedFd<'_>, key: Option<&[u8]>, next: &mut [u8]) -> SysResult<bool> {
    let kptr = key.map_or(std::ptr::null(), |k| k.as_ptr());
    let mut attr = elem_attr(fd, kptr, next.as_mut_ptr() as u64, 0);
    match bpf("BPF_MAP_GET_NEXT_KEY", bpf_cmd::BPF_MAP_GET_NEXT_KEY, &mut attr) {
        Ok(_) => Ok(true),
        Err(e) if e.errno() == Some(libc::ENOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

/// BPF_MAP_FREEZE.
pub fn freeze(fd: BorrowedFd<'_>) -> SysResult<()> {
    let mut attr = elem_attr(fd, std::ptr::null(), 0, 0);
    bpf("BPF_MAP_FREEZE", bpf_cmd::BPF_MAP_FREEZE, &mut attr).map(drop)
}

/// The error a caller reports when the kernel refuses a map operation it
/// could not foresee; kept here so the call name stays the kernel's.
pub fn unsupported(call: &'static str) -> SysError {
    SysError { call, source: std::io::Error::from_raw_os_error(libc::EOPNOTSUPP) }
}
