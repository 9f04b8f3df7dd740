//! cgroup-v2 directories and BPF_PROG_ATTACH / DETACH / QUERY on them.
//! aya 0.14 attaches cgroup programs only through its typed program
//! handles (which cannot be rebuilt from a pin without knowing the type)
//! and has no query at all; `sys::net`'s calls take the enum of attach
//! types, while cgroup commands carry a plain number that may be newer than
//! aya's bindings (the cgroup_unix_* types).
#![allow(unsafe_code)]

use std::ffi::CString;
use std::io;
use std::mem;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::{SysResult, bpf, bpf_cmd, zeroed_attr};

/// statfs f_type of cgroup2 (linux/magic.h).
const CGROUP2_SUPER_MAGIC: i64 = 0x6367_7270;
/// BPF_PROG_QUERY: what the programs of this cgroup and its ancestors run.
const BPF_F_QUERY_EFFECTIVE: u32 = 1;

/// Opens `path` as a directory without following a symlink at its last
/// component. The fd names the cgroup from here on, so a rename of the
/// path cannot redirect the attach.
pub fn open_dir(path: &Path) -> io::Result<OwnedFd> {
    let c = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))?;
    // SAFETY: c is a valid NUL-terminated path for the duration of the call.
    let fd = unsafe { libc::open(c.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: open(2) returned a new descriptor that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Whether the open directory is on a cgroup2 filesystem.
pub fn is_cgroup2(fd: BorrowedFd<'_>) -> io::Result<bool> {
    Ok(fs_magic(fd)? == CGROUP2_SUPER_MAGIC)
}

/// fstatfs(2)'s f_type: which filesystem holds the open file.
pub fn fs_magic(fd: BorrowedFd<'_>) -> io::Result<i64> {
    // SAFETY: libc::statfs is plain integers; zero is a valid initial state.
    let mut st: libc::statfs = unsafe { mem::zeroed() };
    // SAFETY: fd is open and st is a valid out-buffer of the right type.
    let r = unsafe { libc::fstatfs(fd.as_raw_fd(), &mut st) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    // f_type's width differs between architectures.
    #[allow(clippy::unnecessary_cast)]
    Ok(st.f_type as i64)
}

/// What BPF_PROG_QUERY reports for one attach type of a cgroup.
#[derive(Debug, Default, Clone)]
pub struct Query {
    /// The hook's mode: 0, BPF_F_ALLOW_OVERRIDE or BPF_F_ALLOW_MULTI (not
    /// filled for effective queries).
    pub attach_flags: u32,
    pub prog_ids: Vec<u32>,
    /// Per program, where the kernel fills them (0 elsewhere).
    pub prog_flags: Vec<u32>,
}

/// BPF_PROG_QUERY of `attach_type` on the cgroup: the programs attached to
/// it, or with `effective` the ones that run for it (its ancestors' too).
pub fn query(cgroup: BorrowedFd<'_>, attach_type: u32, effective: bool) -> SysResult<Query> {
    let mut cap = 64usize;
    loop {
        let mut prog_ids = vec![0u32; cap];
        let mut prog_flags = vec![0u32; cap];
        let mut attr = zeroed_attr();
        // The buffers outlive the call and hold `cap` entries each.
        attr.query.__bindgen_anon_1.target_fd = cgroup.as_raw_fd() as u32;
        attr.query.attach_type = attach_type;
        attr.query.query_flags = if effective { BPF_F_QUERY_EFFECTIVE } else { 0 };
        attr.query.prog_ids = prog_ids.as_mut_ptr() as u64;
        attr.query.__bindgen_anon_2.prog_cnt = cap as u32;
        if !effective {
            attr.query.prog_attach_flags = prog_flags.as_mut_ptr() as u64;
        }
        match bpf("BPF_PROG_QUERY", bpf_cmd::BPF_PROG_QUERY, &mut attr) {
            Ok(_) => {}
            Err(e) if e.errno() == Some(libc::ENOSPC) && cap < 1 << 20 => {
                cap *= 16;
                continue;
            }
            Err(e) => return Err(e),
        }
        // SAFETY: the kernel wrote the count on success; the union member is
        // a plain u32.
        let n = unsafe { attr.query.__bindgen_anon_2.prog_cnt as usize }.min(cap);
        prog_ids.truncate(n);
        prog_flags.truncate(n);
        // SAFETY: plain u32 written by the kernel.
        let attach_flags = unsafe { attr.query.attach_flags };
        return Ok(Query { attach_flags, prog_ids, prog_flags });
    }
}

/// BPF_PROG_ATTACH of `prog` to the cgroup (flags: BPF_F_ALLOW_MULTI or
/// BPF_F_ALLOW_OVERRIDE or 0).
pub fn attach(prog: BorrowedFd<'_>, cgroup: BorrowedFd<'_>, attach_type: u32, flags: u32) -> SysResult<()> {
    let mut attr = zeroed_attr();
    attr.__bindgen_anon_5.__bindgen_anon_1.target_fd = cgroup.as_raw_fd() as u32;
    attr.__bindgen_anon_5.attach_bpf_fd = prog.as_raw_fd() as u32;
    attr.__bindgen_anon_5.attach_type = attach_type;
    attr.__bindgen_anon_5.attach_flags = flags;
    bpf("BPF_PROG_ATTACH", bpf_cmd::BPF_PROG_ATTACH, &mut attr).map(drop)
}

/// BPF_PROG_DETACH of `prog` from the cgroup.
pub fn detach(prog: BorrowedFd<'_>, cgroup: BorrowedFd<'_>, attach_type: u32) -> SysResult<()> {
    let mut attr = zeroed_attr();
    attr.__bindgen_anon_5.__bindgen_anon_1.target_fd = cgroup.as_raw_fd() as u32;
    attr.__bindgen_anon_5.attach_bpf_fd = prog.as_raw_fd() as u32;
    attr.__bindgen_anon_5.attach_type = attach_type;
    bpf("BPF_PROG_DETACH", bpf_cmd::BPF_PROG_DETACH, &mut attr).map(drop)
}
