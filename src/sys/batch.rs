//! BPF_MAP_{LOOKUP,LOOKUP_AND_DELETE,UPDATE,DELETE}_BATCH for maps whose key
//! and value sizes are known only at run time. aya 0.14 has no batch calls at
//! all, so these are hand-written (libbpf's bpf_map_*_batch, in Rust).
//!
//! Kernel semantics these wrappers rely on (kernel/bpf/syscall.c, hashtab.c):
//! - `in_batch`/`out_batch` are opaque cursors: a u32 bucket index for hash
//!   maps, a key for arrays (generic_map_lookup_batch). Callers pass a buffer
//!   of `cursor_len(key_size)` bytes for both.
//! - ENOENT means "no more entries"; `count` still holds what this call read.
//! - ENOSPC (hash maps) means one bucket holds more entries than `count`
//!   allows and nothing was read: grow the buffers and retry.
//! - EINTR (generic walk) means an entry vanished between get_next_key and
//!   the copy three times in a row; `count` and `out_batch` are valid.
#![allow(unsafe_code)]

use std::os::fd::{AsRawFd, BorrowedFd};

use super::{SysResult, bpf, bpf_attr, bpf_cmd, zeroed_attr};

/// How a lookup batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// More entries may follow: call again with the returned cursor.
    More,
    /// The walk reached the end of the map (ENOENT).
    Done,
    /// An entry vanished under a generic walk (EINTR): resume another way.
    Interrupted,
}

/// Bytes a batch cursor needs: a key for the generic walk, a u32 for hashes.
pub fn cursor_len(key_size: u32) -> usize {
    (key_size as usize).max(8)
}

/// The buffers of one batch call: `keys` holds `count` keys of `key_size`
/// bytes, `values` `count` values of the map's full value size (for per-CPU
/// maps round_up(value_size, 8) times the possible CPUs).
pub struct Buffers<'a> {
    pub keys: &'a mut [u8],
    pub values: &'a mut [u8],
    pub count: u32,
}

fn batch_attr(fd: BorrowedFd<'_>, in_batch: Option<&[u8]>, out_batch: &mut [u8], b: &mut Buffers<'_>) -> bpf_attr {
    let mut attr = zeroed_attr();
    attr.batch.map_fd = fd.as_raw_fd() as u32;
    attr.batch.in_batch = in_batch.map_or(0, |c| c.as_ptr() as u64);
    attr.batch.out_batch = out_batch.as_mut_ptr() as u64;
    attr.batch.keys = b.keys.as_mut_ptr() as u64;
    attr.batch.values = b.values.as_mut_ptr() as u64;
    attr.batch.count = b.count;
    attr
}

fn read_walk(
    call: &'static str,
    cmd: bpf_cmd,
    fd: BorrowedFd<'_>,
    in_batch: Option<&[u8]>,
    out_batch: &mut [u8],
    mut b: Buffers<'_>,
) -> SysResult<(u32, End)> {
    debug_assert!(in_batch.is_none_or(|c| c.len() == out_batch.len()));
    let max = b.count;
    let mut attr = batch_attr(fd, in_batch, out_batch, &mut b);
    let res = bpf(call, cmd, &mut attr);
    // SAFETY: `batch` is the union member this command uses; the kernel
    // wrote `count` back into it (or left ours when it failed early, which
    // only the Err arm below can see).
    let count = unsafe { attr.batch.count }.min(max);
    match res {
        Ok(_) => Ok((count, End::More)),
        Err(e) if e.errno() == Some(libc::ENOENT) => Ok((count, End::Done)),
        Err(e) if e.errno() == Some(libc::EINTR) => Ok((count, End::Interrupted)),
        Err(e) => Err(e),
    }
}

/// BPF_MAP_LOOKUP_BATCH: up to `b.count` entries after the cursor
/// `in_batch` (None: from the start). Returns how many were read and how the
/// walk ended; `out_batch` holds the cursor for the next call.
pub fn lookup_batch(
    fd: BorrowedFd<'_>,
    in_batch: Option<&[u8]>,
    out_batch: &mut [u8],
    b: Buffers<'_>,
) -> SysResult<(u32, End)> {
    read_walk("BPF_MAP_LOOKUP_BATCH", bpf_cmd::BPF_MAP_LOOKUP_BATCH, fd, in_batch, out_batch, b)
}

/// BPF_MAP_LOOKUP_AND_DELETE_BATCH (hash maps): as `lookup_batch`, and the
/// entries read are deleted.
pub fn lookup_and_delete_batch(
    fd: BorrowedFd<'_>,
    in_batch: Option<&[u8]>,
    out_batch: &mut [u8],
    b: Buffers<'_>,
) -> SysResult<(u32, End)> {
    let cmd = bpf_cmd::BPF_MAP_LOOKUP_AND_DELETE_BATCH;
    read_walk("BPF_MAP_LOOKUP_AND_DELETE_BATCH", cmd, fd, in_batch, out_batch, b)
}

/// BPF_MAP_UPDATE_BATCH: write `count` key/value pairs with `elem_flags`
/// (BPF_ANY, BPF_NOEXIST, BPF_EXIST). On failure the kernel reports how many
/// it wrote before the failing one: Err((written, error)).
pub fn update_batch(
    fd: BorrowedFd<'_>,
    keys: &[u8],
    values: &[u8],
    count: u32,
    elem_flags: u64,
) -> Result<(), (u32, super::SysError)> {
    let mut attr = zeroed_attr();
    attr.batch.map_fd = fd.as_raw_fd() as u32;
    attr.batch.keys = keys.as_ptr() as u64;
    attr.batch.values = values.as_ptr() as u64;
    attr.batch.count = count;
    attr.batch.elem_flags = elem_flags;
    match bpf("BPF_MAP_UPDATE_BATCH", bpf_cmd::BPF_MAP_UPDATE_BATCH, &mut attr) {
        Ok(_) => Ok(()),
        // SAFETY: `batch` is the member this command uses; the kernel wrote
        // the number of elements processed into `count`, unless it refused
        // the call before starting (then `count` is still ours: none done).
        Err(e) => Err((processed(unsafe { attr.batch.count }, count), e)),
    }
}

/// Elements a failed write batch processed: all of them cannot have
/// succeeded, so `count` unchanged means the kernel refused it up front.
fn processed(reported: u32, requested: u32) -> u32 {
    if reported >= requested { 0 } else { reported }
}

/// Whether a batch call failed because the map type or the kernel lacks it
/// (the caller then walks one element at a time).
pub fn unsupported(e: &super::SysError) -> bool {
    matches!(e.errno(), Some(libc::EINVAL | libc::ENOTSUP | libc::ENOSYS | super::ENOTSUPP))
}

/// `BPFPIN_NO_BATCH=1` (hidden, for tests and comparisons) makes dumps and
/// bulk writes (the bulk verbs) go one element at a time, as bpftool does.
/// Read here and nowhere else.
pub fn disabled() -> bool {
    std::env::var_os("BPFPIN_NO_BATCH").is_some_and(|v| !v.is_empty() && v != "0")
}
