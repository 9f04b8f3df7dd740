//! The kernel's BTF objects as the loader needs them: which are module BTF
//! (name, id, fd), so module kfuncs, typed ksyms and attach targets can be
//! resolved and their BTF object named to the kernel. aya 0.14 reads only
//! vmlinux BTF and has no module BTF at all.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use aya_obj::generated::bpf_btf_info;

use super::{Kind, SysResult, get_fd_by_id, get_next_id, obj_info, zeroed};

/// One kernel BTF object (vmlinux or a module's), opened.
#[derive(Debug)]
pub struct KernelBtfObj {
    pub id: u32,
    pub name: String,
    pub fd: OwnedFd,
}

/// Name and kernel flag of a BTF object (BPF_OBJ_GET_INFO_BY_FD).
pub fn btf_obj_name(fd: BorrowedFd<'_>) -> SysResult<(String, bool)> {
    btf_obj_summary(fd).map(|(name, kernel, _)| (name, kernel))
}

/// Every module BTF object loaded now, in id order, each with its fd open.
/// Like libbpf's load_module_btfs: a BTF object that disappears between
/// listing and opening is skipped, and without the privilege to list BTF
/// objects there are simply none.
pub fn module_btfs() -> SysResult<Vec<KernelBtfObj>> {
    let mut out = Vec::new();
    let mut id = 0;
    loop {
        let next = match get_next_id(Kind::Btf, id) {
            Ok(Some(next)) => next,
            Ok(None) => return Ok(out),
            Err(e) if e.errno() == Some(libc::EPERM) => return Ok(out),
            Err(e) => return Err(e),
        };
        id = next;
        let fd = match get_fd_by_id(Kind::Btf, id) {
            Ok(fd) => fd,
            Err(e) if e.errno() == Some(libc::ENOENT) => continue,
            Err(e) => return Err(e),
        };
        let (name, kernel) = btf_obj_name(fd.as_fd())?;
        if kernel && name != "vmlinux" {
            out.push(KernelBtfObj { id, name, fd });
        }
    }
}

/// What `btf show` lists about one BTF object: name, kernel flag and size in bytes.
pub fn btf_obj_summary(fd: BorrowedFd<'_>) -> SysResult<(String, bool, u32)> {
    // Module names are at most MODULE_NAME_LEN (56) bytes; libbpf uses 64.
    let mut name = [0u8; 64];
    let mut info: bpf_btf_info = zeroed();
    info.name = name.as_mut_ptr() as u64;
    info.name_len = name.len() as u32;
    obj_info(fd, &mut info)?;
    let len = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    Ok((String::from_utf8_lossy(&name[..len]).into_owned(), info.kernel_btf != 0, info.btf_size))
}
