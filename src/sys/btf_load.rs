//! `BPF_BTF_LOAD`: an object's BTF into the kernel, optionally with the
//! kernel's BTF verifier log. aya keeps its own BTF load `pub(crate)` and
//! gives no log with its error, so the loader calls this.

use std::os::fd::OwnedFd;

use super::{SysResult, bpf_cmd, bpf_fd, zeroed_attr};

/// Loads `raw` (a whole BTF blob: header, types, strings). With `log`, the
/// kernel writes its BTF verifier log there at level 1 (the only level
/// BTF_LOAD has); without it the load costs no log formatting.
pub fn bpf_btf_load(raw: &[u8], log: Option<&mut [u8]>) -> SysResult<OwnedFd> {
    let mut attr = zeroed_attr();
    // Writing a union field is safe; only reading one needs `unsafe`.
    attr.__bindgen_anon_7.btf = raw.as_ptr() as u64;
    // A blob over 4 GiB cannot be described to the kernel; saturating makes
    // the kernel refuse it (it reads at most its own limit) rather than
    // loading a truncated prefix.
    attr.__bindgen_anon_7.btf_size = u32::try_from(raw.len()).unwrap_or(u32::MAX);
    if let Some(log) = log {
        attr.__bindgen_anon_7.btf_log_buf = log.as_mut_ptr() as u64;
        attr.__bindgen_anon_7.btf_log_size = u32::try_from(log.len()).unwrap_or(u32::MAX);
        attr.__bindgen_anon_7.btf_log_level = 1;
    }
    // `raw` and `log` outlive the call, and their lengths are the sizes
    // written beside the pointers (bpf()'s SAFETY contract).
    bpf_fd("BPF_BTF_LOAD", bpf_cmd::BPF_BTF_LOAD, &mut attr)
}
