//! Program inspection and test runs that aya 0.14 does not expose publicly:
//! the xlated/jited images with their func/line info and jited symbols
//! (BPF_OBJ_GET_INFO_BY_FD with arrays), BPF_PROG_TEST_RUN on any program fd,
//! a tracefs mount, and a SIGINT/SIGTERM flag for streaming commands.
//! Hand-written: aya keeps these `pub(crate)` or lacks them.
#![allow(unsafe_code)]

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::{SysResult, bpf, bpf_cmd, bpf_prog_info, obj_info, u32_at, zeroed, zeroed_attr};

/// Which instruction image to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Image {
    Xlated,
    Jited,
}

/// One `struct bpf_line_info` record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineInfo {
    pub insn_off: u32,
    pub file_name_off: u32,
    pub line_off: u32,
    pub line_col: u32,
}

impl LineInfo {
    pub fn line_num(&self) -> u32 {
        self.line_col >> 10
    }
    pub fn line_col(&self) -> u32 {
        self.line_col & 0x3ff
    }
}

/// A program's instructions plus everything needed to annotate them.
pub struct ProgImage {
    /// The info as the kernel filled it on the second call (counts, btf_id, ...).
    pub info: bpf_prog_info,
    /// xlated instructions (8-byte records) or native code bytes.
    pub bytes: Vec<u8>,
    pub jited_ksyms: Vec<u64>,
    pub jited_func_lens: Vec<u32>,
    /// (insn_off, type_id) pairs.
    pub func_info: Vec<(u32, u32)>,
    pub line_info: Vec<LineInfo>,
    /// Native address of each line_info record (jited programs only).
    pub jited_line_info: Vec<u64>,
}

/// BPF_OBJ_GET_INFO_BY_FD twice: once for the sizes, once into buffers of
/// those sizes (bpftool's prep_prog_info).
pub fn prog_image(fd: BorrowedFd<'_>, which: Image) -> SysResult<ProgImage> {
    let mut first: bpf_prog_info = zeroed();
    obj_info(fd, &mut first)?;

    let code_len = match which {
        Image::Xlated => first.xlated_prog_len,
        Image::Jited => first.jited_prog_len,
    };
    let finfo_rec = first.func_info_rec_size.max(8);
    let linfo_rec = first.line_info_rec_size.max(16);
    let jlinfo_rec = first.jited_line_info_rec_size.max(8);

    let mut bytes = vec![0u8; code_len as usize];
    let mut ksyms = vec![0u64; first.nr_jited_ksyms as usize];
    let mut lens = vec![0u32; first.nr_jited_func_lens as usize];
    let mut finfo = vec![0u8; (first.nr_func_info * finfo_rec) as usize];
    let mut linfo = vec![0u8; (first.nr_line_info * linfo_rec) as usize];
    let mut jlinfo = vec![0u8; (first.nr_jited_line_info * jlinfo_rec) as usize];

    let mut again: bpf_prog_info = zeroed();
    match which {
        Image::Xlated => {
            again.xlated_prog_len = code_len;
            again.xlated_prog_insns = bytes.as_mut_ptr() as u64;
        }
        Image::Jited => {
            again.jited_prog_len = code_len;
            again.jited_prog_insns = bytes.as_mut_ptr() as u64;
        }
    }
    again.nr_jited_ksyms = ksyms.len() as u32;
    again.jited_ksyms = ksyms.as_mut_ptr() as u64;
    again.nr_jited_func_lens = lens.len() as u32;
    again.jited_func_lens = lens.as_mut_ptr() as u64;
    again.nr_func_info = first.nr_func_info;
    again.func_info_rec_size = finfo_rec;
    again.func_info = finfo.as_mut_ptr() as u64;
    again.nr_line_info = first.nr_line_info;
    again.line_info_rec_size = linfo_rec;
    again.line_info = linfo.as_mut_ptr() as u64;
    again.nr_jited_line_info = first.nr_jited_line_info;
    again.jited_line_info_rec_size = jlinfo_rec;
    again.jited_line_info = jlinfo.as_mut_ptr() as u64;
    // Every pointer above addresses a live Vec sized by the count beside it.
    obj_info(fd, &mut again)?;

    // The kernel reports the real sizes; a program cannot grow, but be strict.
    let code_now = match which {
        Image::Xlated => again.xlated_prog_len,
        Image::Jited => again.jited_prog_len,
    };
    bytes.truncate(code_now.min(code_len) as usize);
    // A zeroed image pointer means the kernel withheld it (kptr_restrict).
    let withheld = match which {
        Image::Xlated => again.xlated_prog_insns == 0,
        Image::Jited => again.jited_prog_insns == 0,
    };
    if withheld {
        bytes.clear();
    }
    ksyms.truncate(again.nr_jited_ksyms.min(first.nr_jited_ksyms) as usize);
    if again.jited_ksyms == 0 {
        ksyms.clear();
    }
    lens.truncate(again.nr_jited_func_lens.min(first.nr_jited_func_lens) as usize);
    let func_info = finfo
        .chunks_exact(finfo_rec as usize)
        .take(again.nr_func_info.min(first.nr_func_info) as usize)
        .map(|c| (u32_at(c, 0), u32_at(c, 4)))
        .collect();
    let line_info = linfo
        .chunks_exact(linfo_rec as usize)
        .take(again.nr_line_info.min(first.nr_line_info) as usize)
        .map(|c| LineInfo {
            insn_off: u32_at(c, 0),
            file_name_off: u32_at(c, 4),
            line_off: u32_at(c, 8),
            line_col: u32_at(c, 12),
        })
        .collect();
    let jited_line_info = if again.jited_line_info == 0 {
        Vec::new()
    } else {
        jlinfo
            .chunks_exact(jlinfo_rec as usize)
            .take(again.nr_jited_line_info.min(first.nr_jited_line_info) as usize)
            .map(|c| u64::from_ne_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect()
    };
    again.xlated_prog_insns = 0;
    again.jited_prog_insns = 0;
    again.jited_ksyms = 0;
    again.jited_func_lens = 0;
    again.func_info = 0;
    again.line_info = 0;
    again.jited_line_info = 0;
    Ok(ProgImage {
        info: again,
        bytes,
        jited_ksyms: ksyms,
        jited_func_lens: lens,
        func_info,
        line_info,
        jited_line_info,
    })
}

/// Inputs of one BPF_PROG_TEST_RUN.
#[derive(Default)]
pub struct TestRunIn<'a> {
    pub data_in: Option<&'a [u8]>,
    pub ctx_in: Option<&'a [u8]>,
    pub data_out: Option<&'a mut [u8]>,
    pub ctx_out: Option<&'a mut [u8]>,
    pub repeat: u32,
}

/// What the kernel reported back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestRunOut {
    pub retval: u32,
    /// Average nanoseconds per run.
    pub duration: u32,
    pub data_size_out: u32,
    pub ctx_size_out: u32,
}

/// BPF_PROG_TEST_RUN on any program fd.
pub fn bpf_prog_test_run(fd: BorrowedFd<'_>, io: TestRunIn<'_>) -> SysResult<TestRunOut> {
    let mut attr = zeroed_attr();
    // SAFETY: writing plain integers into the `test` member of a zeroed union.
    let t = unsafe { &mut attr.test };
    t.prog_fd = fd.as_raw_fd() as u32;
    t.repeat = io.repeat;
    if let Some(d) = io.data_in {
        t.data_in = d.as_ptr() as u64;
        t.data_size_in = d.len() as u32;
    }
    if let Some(c) = io.ctx_in {
        t.ctx_in = c.as_ptr() as u64;
        t.ctx_size_in = c.len() as u32;
    }
    if let Some(d) = io.data_out {
        t.data_out = d.as_mut_ptr() as u64;
        t.data_size_out = d.len() as u32;
    }
    if let Some(c) = io.ctx_out {
        t.ctx_out = c.as_mut_ptr() as u64;
        t.ctx_size_out = c.len() as u32;
    }
    // The buffers borrowed in `io` outlive this call, so every pointer in
    // `attr` stays valid while the kernel reads and writes them.
    bpf("BPF_PROG_TEST_RUN", bpf_cmd::BPF_PROG_TEST_RUN, &mut attr)?;
    // SAFETY: the kernel filled the `test` member it was given.
    let t = unsafe { attr.test };
    Ok(TestRunOut {
        retval: t.retval,
        duration: t.duration,
        data_size_out: t.data_size_out,
        ctx_size_out: t.ctx_size_out,
    })
}

/// mount -t tracefs nodev TARGET.
pub fn mount_tracefs(target: &Path) -> io::Result<()> {
    let t = CString::new(target.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))?;
    let fstype = c"tracefs";
    let src = c"nodev";
    // SAFETY: all pointers are valid NUL-terminated strings for the call.
    let r = unsafe { libc::mount(src.as_ptr(), t.as_ptr(), fstype.as_ptr(), 0, std::ptr::null()) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
