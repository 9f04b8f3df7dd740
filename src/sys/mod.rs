//! The one door to the kernel for what aya 0.14 does not expose publicly:
//! `bpf(2)` by fd/id/path with run-time sizes, object info, byte-level map
//! access, statfs/mount for bpffs. Hand-written because aya keeps these
//! `pub(crate)`; everything else goes through aya's public API.
#![allow(unsafe_code)]

pub mod batch;
pub mod btf_load;
pub mod btf_obj;
pub mod cgroup;
pub mod link;
pub mod map;
pub mod net;
pub mod netlink;
pub mod perf;
pub mod perf_event;
pub mod probe;
pub mod prog;
pub mod prog_load;
pub mod ringbuf;
pub mod signal;
pub mod startup;

use std::ffi::CString;
use std::io;
use std::mem;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use aya_obj::generated::{bpf_attach_type, bpf_btf_info, bpf_link_type};
pub use aya_obj::generated::{bpf_attr, bpf_cmd, bpf_link_info, bpf_map_info, bpf_prog_info};

/// A failed syscall, named as the kernel command so error.rs can map errno to a fix.
#[derive(Debug)]
pub struct SysError {
    pub call: &'static str,
    pub source: io::Error,
}

impl std::fmt::Display for SysError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} failed: {}", self.call, self.source)
    }
}

impl std::error::Error for SysError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl SysError {
    pub fn errno(&self) -> Option<i32> {
        self.source.raw_os_error()
    }
}

pub type SysResult<T> = Result<T, SysError>;

/// The page size: ring buffers and perf buffers are sized and mapped in it.
pub fn page_size() -> usize {
    // SAFETY: sysconf has no memory effects; _SC_PAGESIZE is always valid.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 { p as usize } else { 4096 }
}

pub fn zeroed_attr() -> bpf_attr {
    // SAFETY: bpf_attr is a plain C union of integers; all-zero is the
    // documented "unset" value for every field the kernel reads.
    unsafe { mem::zeroed() }
}

/// `bpf(cmd, attr)`, the single syscall entry point.
pub fn bpf(call: &'static str, cmd: bpf_cmd, attr: &mut bpf_attr) -> SysResult<i64> {
    // SAFETY: attr is a valid, exclusively borrowed bpf_attr of the size we
    // pass; any pointers inside it were set by our callers to buffers that
    // outlive this call and have the sizes written beside them.
    let ret =
        unsafe { libc::syscall(libc::SYS_bpf, cmd as libc::c_long, attr as *mut bpf_attr, mem::size_of::<bpf_attr>()) };
    if ret < 0 { Err(SysError { call, source: io::Error::last_os_error() }) } else { Ok(ret) }
}

pub(crate) fn bpf_fd(call: &'static str, cmd: bpf_cmd, attr: &mut bpf_attr) -> SysResult<OwnedFd> {
    let fd = bpf(call, cmd, attr)?;
    // SAFETY: on success these commands return a new file descriptor that
    // nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

fn cname(call: &'static str, name: &std::ffi::OsStr) -> SysResult<CString> {
    CString::new(name.as_bytes())
        .map_err(|_| SysError { call, source: io::Error::new(io::ErrorKind::InvalidInput, "name contains a NUL byte") })
}

/// BPF_OBJ_GET of `name` inside the directory `dir` (BPF_F_PATH_FD, 6.5+):
/// the kernel resolves the name relative to the fd we checked, not a path
/// text that could have changed since.
pub fn bpf_obj_get_at(dir: BorrowedFd<'_>, name: &std::ffi::OsStr) -> SysResult<OwnedFd> {
    let c = cname("BPF_OBJ_GET", name)?;
    let mut attr = zeroed_attr();
    attr.__bindgen_anon_4.pathname = c.as_ptr() as u64;
    attr.__bindgen_anon_4.file_flags = aya_obj::generated::BPF_F_PATH_FD;
    attr.__bindgen_anon_4.path_fd = dir.as_raw_fd();
    bpf_fd("BPF_OBJ_GET", bpf_cmd::BPF_OBJ_GET, &mut attr)
}

/// BPF_OBJ_PIN of `fd` as `name` inside the directory `dir` (BPF_F_PATH_FD).
pub fn bpf_obj_pin_at(fd: BorrowedFd<'_>, dir: BorrowedFd<'_>, name: &std::ffi::OsStr) -> SysResult<()> {
    let c = cname("BPF_OBJ_PIN", name)?;
    let mut attr = zeroed_attr();
    attr.__bindgen_anon_4.pathname = c.as_ptr() as u64;
    attr.__bindgen_anon_4.bpf_fd = fd.as_raw_fd() as u32;
    attr.__bindgen_anon_4.file_flags = aya_obj::generated::BPF_F_PATH_FD;
    attr.__bindgen_anon_4.path_fd = dir.as_raw_fd();
    bpf("BPF_OBJ_PIN", bpf_cmd::BPF_OBJ_PIN, &mut attr).map(drop)
}

/// Which kind of kernel object an id or fd names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Prog,
    Map,
    Link,
    Btf,
}

impl Kind {
    fn get_fd_cmd(self) -> (&'static str, bpf_cmd) {
        match self {
            Kind::Prog => ("BPF_PROG_GET_FD_BY_ID", bpf_cmd::BPF_PROG_GET_FD_BY_ID),
            Kind::Map => ("BPF_MAP_GET_FD_BY_ID", bpf_cmd::BPF_MAP_GET_FD_BY_ID),
            Kind::Link => ("BPF_LINK_GET_FD_BY_ID", bpf_cmd::BPF_LINK_GET_FD_BY_ID),
            Kind::Btf => ("BPF_BTF_GET_FD_BY_ID", bpf_cmd::BPF_BTF_GET_FD_BY_ID),
        }
    }

    fn next_id_cmd(self) -> (&'static str, bpf_cmd) {
        match self {
            Kind::Prog => ("BPF_PROG_GET_NEXT_ID", bpf_cmd::BPF_PROG_GET_NEXT_ID),
            Kind::Map => ("BPF_MAP_GET_NEXT_ID", bpf_cmd::BPF_MAP_GET_NEXT_ID),
            Kind::Link => ("BPF_LINK_GET_NEXT_ID", bpf_cmd::BPF_LINK_GET_NEXT_ID),
            Kind::Btf => ("BPF_BTF_GET_NEXT_ID", bpf_cmd::BPF_BTF_GET_NEXT_ID),
        }
    }
}

/// BPF_*_GET_FD_BY_ID.
pub fn get_fd_by_id(kind: Kind, id: u32) -> SysResult<OwnedFd> {
    let (call, cmd) = kind.get_fd_cmd();
    let mut attr = zeroed_attr();
    attr.__bindgen_anon_6.__bindgen_anon_1.start_id = id;
    bpf_fd(call, cmd, &mut attr)
}

/// BPF_*_GET_NEXT_ID: Ok(None) at the end of the list.
pub fn get_next_id(kind: Kind, start: u32) -> SysResult<Option<u32>> {
    let (call, cmd) = kind.next_id_cmd();
    let mut attr = zeroed_attr();
    attr.__bindgen_anon_6.__bindgen_anon_1.start_id = start;
    match bpf(call, cmd, &mut attr) {
        // SAFETY: the kernel filled next_id on success.
        Ok(_) => Ok(Some(unsafe { attr.__bindgen_anon_6.next_id })),
        Err(e) if e.errno() == Some(libc::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every id of one kind, in the kernel's order.
pub fn all_ids(kind: Kind) -> SysResult<Vec<u32>> {
    let mut ids = Vec::new();
    let mut id = 0;
    while let Some(next) = get_next_id(kind, id)? {
        ids.push(next);
        id = next;
    }
    Ok(ids)
}

/// BPF_OBJ_GET_INFO_BY_FD into a caller-prepared info struct `T`
/// (whose pointer fields, if any, point at buffers sized in `T`).
fn obj_info<T: Copy>(fd: BorrowedFd<'_>, info: &mut T) -> SysResult<()> {
    let mut attr = zeroed_attr();
    // The kernel writes at most info_len bytes into `info`, which stays
    // exclusively borrowed for the call.
    attr.info.bpf_fd = fd.as_raw_fd() as u32;
    attr.info.info_len = mem::size_of::<T>() as u32;
    attr.info.info = info as *mut T as u64;
    bpf("BPF_OBJ_GET_INFO_BY_FD", bpf_cmd::BPF_OBJ_GET_INFO_BY_FD, &mut attr).map(drop)
}

fn zeroed<T: Copy>() -> T {
    // SAFETY: only used for the kernel's bpf_*_info structs, plain integers
    // for which all-zero means "nothing requested".
    unsafe { mem::zeroed() }
}

/// Program info plus the arrays bpftool shows (map ids, BTF func info).
pub struct ProgInfo {
    pub info: bpf_prog_info,
    pub map_ids: Vec<u32>,
    /// (insn_off, type_id) pairs from BTF func info; the first names the program.
    pub func_info: Vec<(u32, u32)>,
}

pub fn prog_info(fd: BorrowedFd<'_>) -> SysResult<ProgInfo> {
    // One call is enough for nearly every program: room for 64 map ids, and
    // only the first func_info record (it names the program) is needed.
    const MAP_ROOM: u32 = 64;
    const FUNC_REC: u32 = mem::size_of::<aya_obj::generated::bpf_func_info>() as u32;
    let mut map_ids = vec![0u32; MAP_ROOM as usize];
    let mut first_func = [0u8; FUNC_REC as usize];
    let mut info: bpf_prog_info = zeroed();
    info.nr_map_ids = MAP_ROOM;
    info.map_ids = map_ids.as_mut_ptr() as u64;
    info.nr_func_info = 1;
    info.func_info_rec_size = FUNC_REC;
    info.func_info = first_func.as_mut_ptr() as u64;
    obj_info(fd, &mut info)?;
    if info.nr_map_ids > MAP_ROOM {
        map_ids = vec![0u32; info.nr_map_ids as usize];
        let mut again: bpf_prog_info = zeroed();
        again.nr_map_ids = info.nr_map_ids;
        again.map_ids = map_ids.as_mut_ptr() as u64;
        obj_info(fd, &mut again)?;
    }
    map_ids.truncate(info.nr_map_ids as usize);
    let func_info =
        if info.nr_func_info > 0 { vec![(u32_at(&first_func, 0), u32_at(&first_func, 4))] } else { Vec::new() };
    // The pointers above belong to this call; callers get plain numbers.
    info.map_ids = 0;
    info.func_info = 0;
    Ok(ProgInfo { info, map_ids, func_info })
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_ne_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

pub fn map_info(fd: BorrowedFd<'_>) -> SysResult<bpf_map_info> {
    let mut info: bpf_map_info = zeroed();
    obj_info(fd, &mut info)?;
    Ok(info)
}

pub fn link_info(fd: BorrowedFd<'_>) -> SysResult<bpf_link_info> {
    let mut info: bpf_link_info = zeroed();
    obj_info(fd, &mut info)?;
    Ok(info)
}

/// The raw BTF blob behind a BTF object id (what bpftool's btf dumper reads).
pub fn btf_raw(id: u32) -> SysResult<Vec<u8>> {
    let fd = get_fd_by_id(Kind::Btf, id)?;
    let mut info: bpf_btf_info = zeroed();
    obj_info(fd.as_fd(), &mut info)?;
    let mut buf = vec![0u8; info.btf_size as usize];
    let mut again: bpf_btf_info = zeroed();
    again.btf = buf.as_mut_ptr() as u64;
    again.btf_size = buf.len() as u32;
    obj_info(fd.as_fd(), &mut again)?;
    buf.truncate(again.btf_size as usize);
    Ok(buf)
}

/// The filesystem magic of the filesystem holding `path`, typed as libc's
/// `*_MAGIC` constants are.
pub fn fs_magic(path: &Path) -> io::Result<libc::c_long> {
    let c = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))?;
    let mut st: libc::statfs = zeroed_statfs();
    // SAFETY: `c` is a valid C string and `st` a valid out-buffer for statfs.
    let r = unsafe { libc::statfs(c.as_ptr(), &mut st) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    // f_type's width differs between architectures.
    #[allow(clippy::unnecessary_cast)]
    Ok(st.f_type as libc::c_long)
}

fn zeroed_statfs() -> libc::statfs {
    // SAFETY: libc::statfs is plain integers; zero is a valid initial state.
    unsafe { mem::zeroed() }
}

/// mount -t bpf bpf TARGET.
pub fn mount_bpffs(target: &Path) -> io::Result<()> {
    let t = CString::new(target.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))?;
    let src = c"bpf";
    // SAFETY: all pointers are valid NUL-terminated strings for the call.
    let r = unsafe { libc::mount(src.as_ptr(), t.as_ptr(), src.as_ptr(), 0, std::ptr::null()) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Effective uid, for "are we root" checks before mounting.
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Number of possible CPUs (the per-CPU value stride count), as libbpf reads it.
pub fn possible_cpus() -> io::Result<usize> {
    aya::util::nr_cpus().map_err(|(_, e)| e)
}

/// `/proc/self/fdinfo/N` as key/value pairs: memlock, frozen and the prog
/// array owner are only reported there.
pub fn fdinfo(fd: BorrowedFd<'_>) -> Vec<(String, String)> {
    use std::io::Read;
    // A bpf fd's fdinfo is a few hundred bytes: read it into a stack buffer
    // rather than read_to_string's stat-and-grow, which `prog show` pays per
    // program.
    let Ok(mut f) = std::fs::File::open(format!("/proc/self/fdinfo/{}", fd.as_raw_fd())) else {
        return Vec::new();
    };
    let mut buf = [0u8; 2048];
    let mut len = 0;
    while len < buf.len() {
        match f.read(&mut buf[len..]) {
            Ok(0) | Err(_) => break,
            // fdinfo is produced in one piece: a read that did not fill the
            // buffer has it all, so skip the read that would only say EOF.
            Ok(n) if len + n < buf.len() => {
                len += n;
                break;
            }
            Ok(n) => len += n,
        }
    }
    String::from_utf8_lossy(&buf[..len])
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn clock_secs_nsecs(clock: rustix::time::ClockId) -> (i64, i64) {
    let ts = rustix::time::clock_gettime(clock);
    (ts.tv_sec, ts.tv_nsec)
}

/// Wall-clock seconds of a boot-time nanosecond stamp (`load_time`), with
/// bpftool's print_boot_time arithmetic so `loaded_at` is the same second:
/// `(real.sec - boot.sec) + (real.nsec - boot.nsec + ns) / 1e9`, each clock
/// read once. The nanosecond parts matter: whole seconds alone are off by
/// one whenever the two clocks' fractions straddle the stamp's. In C the
/// second term is unsigned 64-bit (a negative nsec difference wraps and the
/// addition wraps back), hence the wrapping operations.
pub fn boot_ns_to_epoch(ns: u64) -> i64 {
    use rustix::time::ClockId;
    let (real_s, real_ns) = clock_secs_nsecs(ClockId::Realtime);
    let (boot_s, boot_ns) = clock_secs_nsecs(ClockId::Boottime);
    epoch_of(ns, (real_s, real_ns), (boot_s, boot_ns))
}

/// The arithmetic of boot_ns_to_epoch on given clock readings.
fn epoch_of(ns: u64, (real_s, real_ns): (i64, i64), (boot_s, boot_ns): (i64, i64)) -> i64 {
    let whole = ((real_ns - boot_ns) as u64).wrapping_add(ns) / 1_000_000_000;
    (real_s - boot_s).wrapping_add(whole as i64)
}

/// Broken-down local time of an epoch second, as localtime(3) gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i32,
    /// 1..=12
    pub month: i32,
    pub day: i32,
    pub hour: i32,
    pub min: i32,
    pub sec: i32,
    /// Seconds east of UTC.
    pub gmtoff: i64,
}

/// `localtime_r`: the time zone rules (TZ, /etc/localtime) bpftool's
/// `strftime("%FT%T%z")` uses. None when the C library cannot convert.
pub fn local_time(epoch: i64) -> Option<LocalTime> {
    let t: libc::time_t = epoch;
    // SAFETY: an all-zero `tm` is a valid value (integers and a null zone
    // pointer we never read).
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are to live locals; localtime_r is the
    // re-entrant form and keeps no reference to them.
    let r = unsafe { libc::localtime_r(&t, &mut tm) };
    (!r.is_null()).then_some(LocalTime {
        year: tm.tm_year + 1900,
        month: tm.tm_mon + 1,
        day: tm.tm_mday,
        hour: tm.tm_hour,
        min: tm.tm_min,
        sec: tm.tm_sec,
        gmtoff: tm.tm_gmtoff,
    })
}

/// The target of a link, read from the union in `bpf_link_info` by its type.
#[derive(Debug, Default, Clone, Copy)]
pub struct LinkTarget {
    pub ifindex: Option<u32>,
    pub attach_type: Option<u32>,
    pub netns_ino: Option<u32>,
    pub cgroup_id: Option<u64>,
    pub map_id: Option<u32>,
}

/// The kernel's internal ENOTSUPP (include/linux/errno.h, not uapi, so
/// neither libc nor aya_obj has it), which test runs and some map types
/// leak to user space.
pub const ENOTSUPP: i32 = 524;

pub fn link_target(info: &bpf_link_info) -> LinkTarget {
    let u = &info.__bindgen_anon_1;
    // SAFETY: the kernel fills the union member that matches `type_`, and we
    // read only that member; every member is plain integers.
    unsafe {
        let t = info.type_;
        if t == bpf_link_type::BPF_LINK_TYPE_CGROUP as u32 {
            LinkTarget {
                cgroup_id: Some(u.cgroup.cgroup_id),
                attach_type: Some(u.cgroup.attach_type),
                ..Default::default()
            }
        } else if t == bpf_link_type::BPF_LINK_TYPE_NETNS as u32 {
            LinkTarget {
                netns_ino: Some(u.netns.netns_ino),
                attach_type: Some(u.netns.attach_type),
                ..Default::default()
            }
        } else if t == bpf_link_type::BPF_LINK_TYPE_XDP as u32 {
            // XDP links carry no attach type of their own.
            let attach_type = Some(bpf_attach_type::BPF_XDP as u32);
            LinkTarget { ifindex: Some(u.xdp.ifindex), attach_type, ..Default::default() }
        } else if t == bpf_link_type::BPF_LINK_TYPE_STRUCT_OPS as u32 {
            LinkTarget { map_id: Some(u.struct_ops.map_id), ..Default::default() }
        } else if t == bpf_link_type::BPF_LINK_TYPE_TCX as u32 {
            LinkTarget { ifindex: Some(u.tcx.ifindex), attach_type: Some(u.tcx.attach_type), ..Default::default() }
        } else if t == bpf_link_type::BPF_LINK_TYPE_NETKIT as u32 {
            LinkTarget {
                ifindex: Some(u.netkit.ifindex),
                attach_type: Some(u.netkit.attach_type),
                ..Default::default()
            }
        } else {
            LinkTarget::default()
        }
    }
}

/// Interface name for an index, as `ip link` shows it.
pub fn if_name(ifindex: u32) -> Option<String> {
    let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: buf has IF_NAMESIZE bytes, as if_indextoname requires.
    let p = unsafe { libc::if_indextoname(ifindex, buf.as_mut_ptr()) };
    if p.is_null() {
        return None;
    }
    let bytes: Vec<u8> = buf.iter().take_while(|c| **c != 0).map(|c| *c as u8).collect();
    String::from_utf8(bytes).ok()
}

/// BPF_LINK_DETACH: end the attachment, whoever holds the link.
pub fn bpf_link_detach(fd: BorrowedFd<'_>) -> SysResult<()> {
    let mut attr = zeroed_attr();
    attr.link_detach.link_fd = fd.as_raw_fd() as u32;
    bpf("BPF_LINK_DETACH", bpf_cmd::BPF_LINK_DETACH, &mut attr).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_uses_the_clocks_fractions_as_bpftool() {
        // real - boot = 990.8 s; 990.8 + 5.5 = 996.3
        assert_eq!(epoch_of(5_500_000_000, (1000, 900_000_000), (10, 100_000_000)), 996);
        // real - boot = 989.2 s (negative nsec difference, wraps in C); 989.2 + 5.5 = 994.7
        assert_eq!(epoch_of(5_500_000_000, (1000, 100_000_000), (10, 900_000_000)), 994);
        // Exactly on a second.
        assert_eq!(epoch_of(1_000_000_000, (1000, 500_000_000), (10, 500_000_000)), 991);
    }

    #[test]
    fn local_time_of_the_epoch() {
        let t = local_time(0).expect("localtime_r");
        let utc_secs = i64::from(t.hour * 3600 + t.min * 60 + t.sec) - t.gmtoff;
        assert_eq!(utc_secs.rem_euclid(86_400), 0, "{t:?}");
    }
}
