//! Byte-level map access with sizes known only at run time. aya's typed maps
//! need compile-time key/value types and its byte-slice calls are
//! `pub(crate)`, so a generic dumper/editor needs these few wrappers.
#![allow(unsafe_code)]

use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::{SysResult, bpf, bpf_cmd, zeroed_attr};

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

// ---- issue 5: keyless access (queue, stack, bloom filter) and map creation ----

/// BPF_MAP_UPDATE_ELEM with a NULL key: push onto a queue or stack, or add to
/// a bloom filter. The kernel refuses a non-NULL key for zero-sized keys.
pub fn push(fd: BorrowedFd<'_>, value: &[u8], flags: u64) -> SysResult<()> {
    let mut attr = elem_attr(fd, std::ptr::null(), value.as_ptr() as u64, flags);
    bpf("BPF_MAP_UPDATE_ELEM", bpf_cmd::BPF_MAP_UPDATE_ELEM, &mut attr).map(drop)
}

/// BPF_MAP_LOOKUP_ELEM with a NULL key: read the head of a queue or stack
/// into `value` (Ok(false) when empty). For a bloom filter `value` is the
/// input tested, and Ok(false) means "certainly absent".
pub fn peek(fd: BorrowedFd<'_>, value: &mut [u8]) -> SysResult<bool> {
    let mut attr = elem_attr(fd, std::ptr::null(), value.as_mut_ptr() as u64, 0);
    match bpf("BPF_MAP_LOOKUP_ELEM", bpf_cmd::BPF_MAP_LOOKUP_ELEM, &mut attr) {
        Ok(_) => Ok(true),
        Err(e) if e.errno() == Some(libc::ENOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

/// BPF_MAP_LOOKUP_AND_DELETE_ELEM with a NULL key: pop the head of a queue
/// or stack into `value`. Ok(false) when it is empty.
pub fn pop(fd: BorrowedFd<'_>, value: &mut [u8]) -> SysResult<bool> {
    let mut attr = elem_attr(fd, std::ptr::null(), value.as_mut_ptr() as u64, 0);
    let cmd = bpf_cmd::BPF_MAP_LOOKUP_AND_DELETE_ELEM;
    match bpf("BPF_MAP_LOOKUP_AND_DELETE_ELEM", cmd, &mut attr) {
        Ok(_) => Ok(true),
        Err(e) if e.errno() == Some(libc::ENOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

/// What BPF_MAP_CREATE needs for a map without BTF.
#[derive(Debug, Clone, Default)]
pub struct CreateAttr<'a> {
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub map_flags: u32,
    /// At most 15 bytes; the kernel keeps 16 with the NUL.
    pub name: &'a str,
    /// The template for array_of_maps / hash_of_maps.
    pub inner_map: Option<BorrowedFd<'a>>,
    /// Bloom filter: number of hash functions (0 = the kernel's default).
    pub map_extra: u64,
    /// The object's BTF and the key/value types in it (loader maps).
    pub btf_fd: Option<std::os::fd::RawFd>,
    pub btf_key_type_id: u32,
    pub btf_value_type_id: u32,
    pub btf_vmlinux_value_type_id: u32,
    pub numa_node: u32,
}

/// BPF_MAP_CREATE: a new map, alive as long as the returned fd (or a pin).
pub fn create(a: &CreateAttr<'_>) -> SysResult<OwnedFd> {
    let mut attr = zeroed_attr();
    let mut name = [0 as std::ffi::c_char; 16];
    for (dst, src) in name.iter_mut().zip(a.name.bytes().take(15)) {
        *dst = src as std::ffi::c_char;
    }
    attr.__bindgen_anon_1 = aya_obj::generated::bpf_attr__bindgen_ty_1 {
        map_type: a.map_type,
        key_size: a.key_size,
        value_size: a.value_size,
        max_entries: a.max_entries,
        map_flags: a.map_flags,
        inner_map_fd: a.inner_map.map_or(0, |fd| fd.as_raw_fd() as u32),
        numa_node: a.numa_node,
        map_name: name,
        map_ifindex: 0,
        btf_fd: a.btf_fd.unwrap_or(0) as u32,
        btf_key_type_id: a.btf_key_type_id,
        btf_value_type_id: a.btf_value_type_id,
        btf_vmlinux_value_type_id: a.btf_vmlinux_value_type_id,
        map_extra: a.map_extra,
        value_type_btf_obj_fd: 0,
        map_token_fd: 0,
    };
    let fd = bpf("BPF_MAP_CREATE", bpf_cmd::BPF_MAP_CREATE, &mut attr)?;
    // SAFETY: on success BPF_MAP_CREATE returns a new file descriptor that
    // nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}
