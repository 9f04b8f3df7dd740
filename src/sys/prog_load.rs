//! BPF_PROG_LOAD with every field the loader sets (attach BTF ids, target
//! program, func/line info, kfunc fd_array, kernel-side CO-RE records) —
//! aya 0.14 keeps its own version private and cannot express most of them.

use std::ffi::CStr;
use std::os::fd::{OwnedFd, RawFd};

use aya_obj::generated::{bpf_attr__bindgen_ty_4__bindgen_ty_1, bpf_cmd, bpf_insn};

use super::{SysResult, bpf_fd, zeroed_attr};

/// What one BPF_PROG_LOAD says. Slices are borrowed for the call only.
pub struct ProgLoad<'a> {
    pub prog_type: u32,
    pub expected_attach_type: u32,
    pub insns: &'a [bpf_insn],
    pub license: &'a CStr,
    pub kern_version: u32,
    pub prog_flags: u32,
    /// At most 15 bytes are passed (the kernel keeps 16 with the NUL).
    pub name: &'a str,
    pub btf_fd: Option<RawFd>,
    pub func_info: &'a [[u32; 2]],
    pub line_info: &'a [[u32; 4]],
    /// `struct bpf_core_relo` records for the kernel to apply.
    pub core_relos: &'a [[u32; 4]],
    pub attach_btf_id: u32,
    /// The module BTF holding `attach_btf_id`, or the target program of
    /// an extension (freplace): the same union in the kernel.
    pub attach_fd: Option<RawFd>,
    pub fd_array: &'a [RawFd],
    pub log_level: u32,
    pub log: &'a mut [u8],
}

/// The kernel's program name rule: [A-Za-z0-9_.], at most 15 bytes.
fn prog_name(name: &str) -> [std::ffi::c_char; 16] {
    let mut out = [0 as std::ffi::c_char; 16];
    let ok = name.bytes().filter(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.');
    for (dst, src) in out.iter_mut().zip(ok.take(15)) {
        *dst = src as std::ffi::c_char;
    }
    out
}

pub fn load(p: &mut ProgLoad<'_>) -> SysResult<OwnedFd> {
    let mut attr = zeroed_attr();
    let ptr = |s: *const u8, n: usize| if n == 0 { 0 } else { s as u64 };
    // Field by field into the zeroed union: a struct literal would also copy
    // its tail padding, uninitialised, into bytes newer kernels read
    // (`fd_array_cnt` follows `prog_token_fd`).
    attr.__bindgen_anon_3.prog_type = p.prog_type;
    attr.__bindgen_anon_3.insn_cnt = p.insns.len() as u32;
    attr.__bindgen_anon_3.insns = p.insns.as_ptr() as u64;
    attr.__bindgen_anon_3.license = p.license.as_ptr() as u64;
    attr.__bindgen_anon_3.log_level = p.log_level;
    attr.__bindgen_anon_3.log_size = if p.log_level == 0 { 0 } else { p.log.len() as u32 };
    attr.__bindgen_anon_3.log_buf = if p.log_level == 0 { 0 } else { p.log.as_mut_ptr() as u64 };
    attr.__bindgen_anon_3.kern_version = p.kern_version;
    attr.__bindgen_anon_3.prog_flags = p.prog_flags;
    attr.__bindgen_anon_3.prog_name = prog_name(p.name);
    attr.__bindgen_anon_3.expected_attach_type = p.expected_attach_type;
    attr.__bindgen_anon_3.prog_btf_fd = p.btf_fd.unwrap_or(0) as u32;
    attr.__bindgen_anon_3.func_info_rec_size = if p.func_info.is_empty() { 0 } else { 8 };
    attr.__bindgen_anon_3.func_info = ptr(p.func_info.as_ptr().cast(), p.func_info.len());
    attr.__bindgen_anon_3.func_info_cnt = p.func_info.len() as u32;
    attr.__bindgen_anon_3.line_info_rec_size = if p.line_info.is_empty() { 0 } else { 16 };
    attr.__bindgen_anon_3.line_info = ptr(p.line_info.as_ptr().cast(), p.line_info.len());
    attr.__bindgen_anon_3.line_info_cnt = p.line_info.len() as u32;
    attr.__bindgen_anon_3.attach_btf_id = p.attach_btf_id;
    attr.__bindgen_anon_3.__bindgen_anon_1 =
        bpf_attr__bindgen_ty_4__bindgen_ty_1 { attach_prog_fd: p.attach_fd.unwrap_or(0) as u32 };
    attr.__bindgen_anon_3.core_relo_cnt = p.core_relos.len() as u32;
    attr.__bindgen_anon_3.fd_array = ptr(p.fd_array.as_ptr().cast(), p.fd_array.len().saturating_sub(1));
    attr.__bindgen_anon_3.core_relos = ptr(p.core_relos.as_ptr().cast(), p.core_relos.len());
    attr.__bindgen_anon_3.core_relo_rec_size = if p.core_relos.is_empty() { 0 } else { 16 };
    bpf_fd("BPF_PROG_LOAD", bpf_cmd::BPF_PROG_LOAD, &mut attr)
}
