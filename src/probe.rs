//! Kernel feature probes, as bpftool's `feature probe` runs them: which
//! program types load, which map types create, which helpers each program
//! type may call, a few verifier features, the BPF sysctls and the kernel
//! config options that matter to BPF. Each probe loads a minimal program or
//! creates a minimal map and closes it at once (fds are dropped; nothing is
//! pinned), so no probe object outlives its probe.
//!
//! The probe shapes (expected attach types, the answers that count as "this
//! type exists") are libbpf's `libbpf_probe_bpf_prog_type`,
//! `libbpf_probe_bpf_map_type` and `libbpf_probe_bpf_helper`; the helper
//! verdict reads the verifier log as current libbpf does (bpftool 7.1's
//! libbpf 1.1 misses the "cannot use helper" wording of newer kernels, and
//! so calls every helper available everywhere on them). Written here
//! because aya 0.14 has no probes beyond a few of its own.

use std::ffi::CStr;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use aya_obj::generated::{self as k, bpf_attach_type as at, bpf_insn, bpf_map_type as mt, bpf_prog_type as pt};

use crate::sys::{self, SysError};

/// What to probe: the kernel, or the offload abilities of one device.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Probe the device with this ifindex (offload) instead of the kernel.
    pub ifindex: Option<u32>,
    /// Also probe the helpers that write to the kernel log when called
    /// (bpf_trace_printk, bpf_trace_vprintk, bpf_probe_write_user).
    pub full: bool,
    /// A load refused with EPERM counts as "not available" (the probe runs
    /// with the BPF capabilities dropped; see `drop_privileges`).
    pub unprivileged: bool,
}

/// One probed type: bpftool's name and the verdict.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub name: String,
    pub available: bool,
}

/// The helpers of one program type, every probed helper with its verdict
/// (macros print the unavailable ones too).
#[derive(Debug, Clone)]
pub struct HelperSet {
    pub prog_type: String,
    /// Whether the program type itself loads; helpers are probed only then.
    pub type_available: bool,
    pub helpers: Vec<(&'static str, bool)>,
}

impl HelperSet {
    pub fn available(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.helpers.iter().filter(|(_, ok)| *ok).map(|(n, _)| *n)
    }
}

/// A verifier feature (`misc` in bpftool's report).
#[derive(Debug, Clone)]
pub struct Misc {
    /// bpftool's JSON key, e.g. `have_bounded_loops`.
    pub key: &'static str,
    pub available: bool,
}

/// The system configuration section: sysctls (-1 when unreadable, as
/// bpftool) and kernel config options (None = not set or unreadable).
#[derive(Debug, Clone, Default)]
pub struct SystemConfig {
    pub sysctls: Vec<(&'static str, i64)>,
    pub kconfig: Vec<(&'static str, Option<String>)>,
    /// Why the kernel config could not be read, when it could not.
    pub kconfig_error: Option<String>,
}

/// Everything `feature probe` reports, in bpftool's section order.
#[derive(Debug, Clone)]
pub struct Report {
    /// Absent for a device probe (bpftool probes the system for the kernel only).
    pub system: Option<SystemConfig>,
    pub syscall: bool,
    pub prog_types: Vec<Verdict>,
    pub map_types: Vec<Verdict>,
    pub helpers: Vec<HelperSet>,
    pub misc: Vec<Misc>,
}

/// The BPF sysctls bpftool reports: JSON key and file.
pub const SYSCTLS: &[(&str, &str)] = &[
    ("unprivileged_bpf_disabled", "/proc/sys/kernel/unprivileged_bpf_disabled"),
    ("bpf_jit_enable", "/proc/sys/net/core/bpf_jit_enable"),
    ("bpf_jit_harden", "/proc/sys/net/core/bpf_jit_harden"),
    ("bpf_jit_kallsyms", "/proc/sys/net/core/bpf_jit_kallsyms"),
    ("bpf_jit_limit", "/proc/sys/net/core/bpf_jit_limit"),
];

/// The kernel config options bpftool reports, in its order.
pub const KCONFIG: &[&str] = &[
    "CONFIG_BPF",
    "CONFIG_BPF_SYSCALL",
    "CONFIG_HAVE_EBPF_JIT",
    "CONFIG_BPF_JIT",
    "CONFIG_BPF_JIT_ALWAYS_ON",
    "CONFIG_DEBUG_INFO_BTF",
    "CONFIG_DEBUG_INFO_BTF_MODULES",
    "CONFIG_CGROUPS",
    "CONFIG_CGROUP_BPF",
    "CONFIG_CGROUP_NET_CLASSID",
    "CONFIG_SOCK_CGROUP_DATA",
    "CONFIG_BPF_EVENTS",
    "CONFIG_KPROBE_EVENTS",
    "CONFIG_UPROBE_EVENTS",
    "CONFIG_TRACING",
    "CONFIG_FTRACE_SYSCALLS",
    "CONFIG_FUNCTION_ERROR_INJECTION",
    "CONFIG_BPF_KPROBE_OVERRIDE",
    "CONFIG_NET",
    "CONFIG_XDP_SOCKETS",
    "CONFIG_LWTUNNEL_BPF",
    "CONFIG_NET_ACT_BPF",
    "CONFIG_NET_CLS_BPF",
    "CONFIG_NET_CLS_ACT",
    "CONFIG_NET_SCH_INGRESS",
    "CONFIG_XFRM",
    "CONFIG_IP_ROUTE_CLASSID",
    "CONFIG_IPV6_SEG6_BPF",
    "CONFIG_BPF_LIRC_MODE2",
    "CONFIG_BPF_STREAM_PARSER",
    "CONFIG_NETFILTER_XT_MATCH_BPF",
    "CONFIG_BPFILTER",
    "CONFIG_BPFILTER_UMH",
    "CONFIG_TEST_BPF",
    "CONFIG_HZ",
];

/// The one option `macros` prints (BPF C code uses it for jiffies).
pub const KCONFIG_FOR_MACROS: &str = "CONFIG_HZ";

/// The verifier features, in bpftool's order.
pub const MISC: &[&str] =
    &["have_large_insn_limit", "have_bounded_loops", "have_v2_isa_extension", "have_v3_isa_extension"];

// linux/capability.h numbers (libc has none).
const CAP_NET_ADMIN: u32 = 12;
const CAP_SYS_ADMIN: u32 = 21;
const CAP_PERFMON: u32 = 38;
const CAP_BPF: u32 = 39;

/// The kernel's ENOTSUPP (524), which is not a userspace errno: a struct_ops
/// program or map without a valid BTF target gets it where the type exists.
const ENOTSUPP: i32 = 524;

/// Removes the BPF capabilities from the effective set, as bpftool's
/// `unprivileged` does, so the probes see what an unprivileged user would.
/// Returns how many were dropped.
pub fn drop_privileges() -> std::io::Result<usize> {
    sys::probe::drop_effective(&[CAP_SYS_ADMIN, CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON]).map(|v| v.len())
}

/// Runs every probe, as `bpftool feature probe` does.
pub fn run(opts: Options) -> Report {
    let system = opts.ifindex.is_none().then(system_config);
    let syscall = bpf_syscall();
    if !syscall {
        return Report { system, syscall, prog_types: vec![], map_types: vec![], helpers: vec![], misc: vec![] };
    }
    let kern_version = crate::loader::kernel::Kernel::new().version_code();
    let prog_list = prog_types(opts.ifindex);
    let prog_types: Vec<(u32, Verdict)> = prog_list
        .iter()
        .map(|&t| {
            let available = match opts.ifindex {
                Some(ifindex) => prog_type_on_dev(t, ifindex),
                None => prog_type(t, kern_version, opts.unprivileged),
            };
            (t, Verdict { name: crate::kinds::prog_type_name(t), available })
        })
        .collect();
    let map_types = map_type_list(opts.ifindex)
        .into_iter()
        .map(|t| {
            let available = match opts.ifindex {
                Some(ifindex) => sys::probe::create_for_dev(t, ifindex).is_ok(),
                None => map_type(t),
            };
            Verdict { name: crate::kinds::map_type_name(t), available }
        })
        .collect();
    let vendor = opts.ifindex.and_then(dev_vendor);
    let helpers = prog_types
        .iter()
        .map(|(t, v)| {
            let helpers = helper_ids(opts.full)
                .map(|id| {
                    let name = HELPERS.get(id as usize).copied().unwrap_or("bpf_unknown");
                    let ok = v.available
                        && match opts.ifindex {
                            Some(ifindex) => helper_on_dev(*t, id, ifindex, vendor),
                            None => helper(*t, id, kern_version, opts.unprivileged),
                        };
                    (name, ok)
                })
                .collect();
            HelperSet { prog_type: v.name.clone(), type_available: v.available, helpers }
        })
        .collect();
    let misc = MISC.iter().map(|&key| Misc { key, available: misc_feature(key, opts.ifindex) }).collect();
    Report { system, syscall, prog_types: prog_types.into_iter().map(|(_, v)| v).collect(), map_types, helpers, misc }
}

/// The sysctls and kernel config options, read from /proc and the config file.
pub fn system_config() -> SystemConfig {
    let sysctls = SYSCTLS.iter().map(|(key, path)| (*key, read_sysctl(path).unwrap_or(-1))).collect();
    let kernel = crate::loader::kernel::Kernel::new();
    let (config, kconfig_error) = match kernel.kconfig() {
        Ok(c) => (Some(c), None),
        Err(e) => (None, Some(format!("{e:#}"))),
    };
    let kconfig = KCONFIG.iter().map(|name| (*name, config.and_then(|c| c.get(*name)).cloned())).collect();
    SystemConfig { sysctls, kconfig, kconfig_error }
}

/// A one-number file under /proc/sys; None when unreadable or not a
/// number (it needs CAP_SYS_ADMIN for some of the jit ones).
pub fn read_sysctl(path: &str) -> Option<i64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// The program types probed: every type bpfpin knows, or the two a device
/// can offload.
fn prog_types(ifindex: Option<u32>) -> Vec<u32> {
    match ifindex {
        Some(_) => vec![pt::BPF_PROG_TYPE_SCHED_CLS as u32, pt::BPF_PROG_TYPE_XDP as u32],
        None => (1..crate::kinds::PROG_TYPES.len() as u32).collect(),
    }
}

fn map_type_list(ifindex: Option<u32>) -> Vec<u32> {
    match ifindex {
        Some(_) => vec![mt::BPF_MAP_TYPE_HASH as u32, mt::BPF_MAP_TYPE_ARRAY as u32],
        None => (1..crate::kinds::MAP_TYPES.len() as u32).collect(),
    }
}

/// Helper ids probed: all of them, but without `full` not those that log
/// to the kernel's ring buffer when a program using them loads.
fn helper_ids(full: bool) -> impl Iterator<Item = u32> {
    let noisy = [
        k::bpf_func_id::BPF_FUNC_trace_printk as u32,
        k::bpf_func_id::BPF_FUNC_trace_vprintk as u32,
        k::bpf_func_id::BPF_FUNC_probe_write_user as u32,
    ];
    (1..HELPERS.len() as u32).filter(move |id| full || !noisy.contains(id))
}

/// `bpf()` exists: a load of nothing fails with anything but ENOSYS.
fn bpf_syscall() -> bool {
    let r = load(&Shape::plain(pt::BPF_PROG_TYPE_UNSPEC as u32), &[], &mut []);
    !matches!(r, Err(e) if e.errno() == Some(libc::ENOSYS))
}

/// How a program type is loaded for a probe, and what answer means "yes".
struct Shape {
    prog_type: u32,
    expected_attach_type: u32,
    attach_btf_id: u32,
    prog_flags: u32,
    kern_version: u32,
    /// Some: the type exists when the load fails with this errno and (when
    /// given) the log holds this text; the load cannot succeed without a
    /// real target, but the kernel only gets that far when it knows the type.
    expect: Option<(i32, Option<&'static str>)>,
}

impl Shape {
    fn plain(prog_type: u32) -> Shape {
        Shape { prog_type, expected_attach_type: 0, attach_btf_id: 0, prog_flags: 0, kern_version: 0, expect: None }
    }

    /// libbpf's probe_prog_load settings for `t`; None for types it does
    /// not know how to probe.
    fn of(t: u32, kern_version: u32) -> Option<Shape> {
        let mut s = Shape::plain(t);
        let attach = |a: at| a as u32;
        match t {
            x if x == pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR as u32 => {
                s.expected_attach_type = attach(at::BPF_CGROUP_INET4_CONNECT)
            }
            x if x == pt::BPF_PROG_TYPE_CGROUP_SOCKOPT as u32 => {
                s.expected_attach_type = attach(at::BPF_CGROUP_GETSOCKOPT)
            }
            x if x == pt::BPF_PROG_TYPE_SK_LOOKUP as u32 => s.expected_attach_type = attach(at::BPF_SK_LOOKUP),
            x if x == pt::BPF_PROG_TYPE_KPROBE as u32 => s.kern_version = kern_version,
            x if x == pt::BPF_PROG_TYPE_LIRC_MODE2 as u32 => s.expected_attach_type = attach(at::BPF_LIRC_MODE2),
            x if x == pt::BPF_PROG_TYPE_NETFILTER as u32 => s.expected_attach_type = attach(at::BPF_NETFILTER),
            // BTF id 1 of vmlinux is never a function: a kernel that knows
            // the type gets as far as saying so.
            x if x == pt::BPF_PROG_TYPE_TRACING as u32 || x == pt::BPF_PROG_TYPE_LSM as u32 => {
                s.expected_attach_type = if x == pt::BPF_PROG_TYPE_TRACING as u32 {
                    attach(at::BPF_TRACE_FENTRY)
                } else {
                    attach(at::BPF_MODIFY_RETURN)
                };
                s.attach_btf_id = 1;
                s.expect = Some((libc::EINVAL, Some("attach_btf_id 1 is not a function")));
            }
            x if x == pt::BPF_PROG_TYPE_EXT as u32 => {
                s.attach_btf_id = 1;
                s.expect = Some((libc::EINVAL, Some("Cannot replace kernel functions")));
            }
            x if x == pt::BPF_PROG_TYPE_SYSCALL as u32 => s.prog_flags = k::BPF_F_SLEEPABLE,
            x if x == pt::BPF_PROG_TYPE_STRUCT_OPS as u32 => s.expect = Some((ENOTSUPP, None)),
            x if x == pt::BPF_PROG_TYPE_UNSPEC as u32 || x >= pt::__MAX_BPF_PROG_TYPE as u32 => return None,
            _ => {}
        }
        Some(s)
    }
}

fn insn(code: u32, dst: u8, src: u8, off: i16, imm: i32) -> bpf_insn {
    bpf_insn { code: code as u8, _bitfield_align_1: [], _bitfield_1: bpf_insn::new_bitfield_1(dst, src), off, imm }
}

/// `r0 = imm`
fn mov_r0(imm: i32) -> bpf_insn {
    insn(k::BPF_ALU64 | k::BPF_MOV | k::BPF_K, 0, 0, 0, imm)
}

fn exit() -> bpf_insn {
    insn(k::BPF_JMP | k::BPF_EXIT, 0, 0, 0, 0)
}

fn call(helper: u32) -> bpf_insn {
    insn(k::BPF_JMP | k::BPF_CALL, 0, 0, 0, helper as i32)
}

fn load(s: &Shape, insns: &[bpf_insn], log: &mut [u8]) -> Result<OwnedFd, SysError> {
    const GPL: &CStr = c"GPL";
    sys::prog_load::load(&mut sys::prog_load::ProgLoad {
        prog_type: s.prog_type,
        expected_attach_type: s.expected_attach_type,
        insns,
        license: GPL,
        kern_version: s.kern_version,
        prog_flags: s.prog_flags,
        name: "",
        btf_fd: None,
        func_info: &[],
        line_info: &[],
        core_relos: &[],
        attach_btf_id: s.attach_btf_id,
        attach_fd: None,
        fd_array: &[],
        log_level: if log.is_empty() { 0 } else { 1 },
        log,
    })
}

fn log_has(log: &[u8], text: &str) -> bool {
    let end = log.iter().position(|b| *b == 0).unwrap_or(log.len());
    log[..end].windows(text.len()).any(|w| w == text.as_bytes())
}

/// Whether the kernel loads programs of type `t` (the probe program is
/// closed before this returns).
pub fn prog_type(t: u32, kern_version: u32, unprivileged: bool) -> bool {
    let Some(shape) = Shape::of(t, kern_version) else { return false };
    let insns = [mov_r0(0), exit()];
    let mut log = vec![0u8; if shape.expect.is_some_and(|(_, m)| m.is_some()) { 4096 } else { 0 }];
    let result = load(&shape, &insns, &mut log);
    match (result, shape.expect) {
        (Ok(_fd), None) => true,
        (Err(e), _) if unprivileged && e.errno() == Some(libc::EPERM) => false,
        (Err(_), None) => false,
        (Ok(_fd), Some(_)) => false,
        (Err(e), Some((errno, msg))) => e.errno() == Some(errno) && msg.is_none_or(|m| log_has(&log, m)),
    }
}

/// Whether a program of type `t` may call helper `id`, read from the
/// verifier's answer to `call id; exit`: a load that succeeds, or fails for
/// any reason but the helper itself, means the helper is there.
pub fn helper(t: u32, id: u32, kern_version: u32, unprivileged: bool) -> bool {
    // These types cannot be loaded without a real target, so the verifier
    // never reaches the call (libbpf answers EOPNOTSUPP for them).
    let unprobeable =
        [pt::BPF_PROG_TYPE_TRACING, pt::BPF_PROG_TYPE_EXT, pt::BPF_PROG_TYPE_LSM, pt::BPF_PROG_TYPE_STRUCT_OPS];
    if unprobeable.iter().any(|u| *u as u32 == t) {
        return false;
    }
    let Some(shape) = Shape::of(t, kern_version) else { return false };
    let insns = [call(id), exit()];
    let mut log = vec![0u8; 4096];
    match load(&shape, &insns, &mut log) {
        Ok(_fd) => true,
        Err(e) if unprivileged && e.errno() == Some(libc::EPERM) => false,
        Err(_) => !helper_refused(&log),
    }
}

/// The verifier's words for "no such helper" and "not for this program
/// type" (older and newer kernels).
fn helper_refused(log: &[u8]) -> bool {
    ["invalid func ", "unknown func ", "program of this type cannot use helper "].iter().any(|m| log_has(log, m))
}

fn prog_type_on_dev(t: u32, ifindex: u32) -> bool {
    // r0 = 2: some offload drivers refuse exit(0) for tc (TC_ACT_OK is 0,
    // but they insist on a verdict they can offload).
    sys::probe::load_for_dev(t, &[mov_r0(2), exit()], ifindex, &mut []).is_ok()
}

fn helper_on_dev(t: u32, id: u32, ifindex: u32, vendor: Option<u32>) -> bool {
    let mut log = vec![0u8; 4096];
    let _ = sys::probe::load_for_dev(t, &[call(id), exit()], ifindex, &mut log);
    let mut ok = !log_has(&log, "invalid func ") && !log_has(&log, "unknown func ");
    // Netronome's firmware has its own words for helpers it lacks.
    if vendor == Some(0x19ee) {
        ok = ok && !log_has(&log, "not supported by FW") && !log_has(&log, "unsupported function id");
    }
    ok
}

/// The PCI vendor id of a device, from sysfs.
fn dev_vendor(ifindex: u32) -> Option<u32> {
    let name = sys::if_name(ifindex)?;
    let text = std::fs::read_to_string(format!("/sys/class/net/{name}/device/vendor")).ok()?;
    let t = text.trim();
    u32::from_str_radix(t.trim_start_matches("0x"), if t.starts_with("0x") { 16 } else { 10 }).ok()
}

/// A verifier feature: a small socket filter that needs it loads.
fn misc_feature(key: &str, ifindex: Option<u32>) -> bool {
    let cmp = |class: u32, op: u32| insn(class | op | k::BPF_K, 0, 0, 1, 0);
    let insns: Vec<bpf_insn> = match key {
        // One more instruction than the old 4096 limit.
        "have_large_insn_limit" => {
            let mut v = vec![mov_r0(1); k::BPF_MAXINSNS as usize];
            v.push(exit());
            v
        }
        // r0 = 10; do r0 -= 1 while r0 != 0: a backward jump.
        "have_bounded_loops" => vec![
            mov_r0(10),
            insn(k::BPF_ALU64 | k::BPF_SUB | k::BPF_K, 0, 0, 0, 1),
            insn(k::BPF_JMP | k::BPF_JNE | k::BPF_K, 0, 0, -2, 0),
            exit(),
        ],
        // BPF_JLT (v2) on 64 and on 32 bits (JMP32, v3).
        "have_v2_isa_extension" => vec![mov_r0(0), cmp(k::BPF_JMP, k::BPF_JLT), mov_r0(1), exit()],
        "have_v3_isa_extension" => vec![mov_r0(0), cmp(k::BPF_JMP32, k::BPF_JLT), mov_r0(1), exit()],
        _ => return false,
    };
    let t = pt::BPF_PROG_TYPE_SOCKET_FILTER as u32;
    match ifindex {
        Some(ifindex) => sys::probe::load_for_dev(t, &insns, ifindex, &mut []).is_ok(),
        None => load(&Shape::plain(t), &insns, &mut []).is_ok(),
    }
}

/// Whether the kernel creates maps of type `t` (closed before this returns).
pub fn map_type(t: u32) -> bool {
    let mut a = sys::map::CreateAttr { map_type: t, key_size: 4, value_size: 4, max_entries: 1, ..Default::default() };
    let mut expect = None;
    let mut _btf: Option<OwnedFd> = None;
    let mut _inner: Option<OwnedFd> = None;
    let page = sys::probe::page_size();
    match t {
        x if x == mt::BPF_MAP_TYPE_STACK_TRACE as u32 => a.value_size = 8,
        x if x == mt::BPF_MAP_TYPE_LPM_TRIE as u32 => {
            (a.key_size, a.value_size, a.map_flags) = (8, 8, k::BPF_F_NO_PREALLOC);
        }
        x if x == mt::BPF_MAP_TYPE_CGROUP_STORAGE as u32 || x == mt::BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE as u32 => {
            // struct bpf_cgroup_storage_key: u64 cgroup id + u32 attach type, padded.
            (a.key_size, a.value_size, a.max_entries) = (16, 8, 0);
        }
        x if x == mt::BPF_MAP_TYPE_QUEUE as u32 || x == mt::BPF_MAP_TYPE_STACK as u32 => a.key_size = 0,
        x if [
            mt::BPF_MAP_TYPE_SK_STORAGE,
            mt::BPF_MAP_TYPE_INODE_STORAGE,
            mt::BPF_MAP_TYPE_TASK_STORAGE,
            mt::BPF_MAP_TYPE_CGRP_STORAGE,
        ]
        .iter()
        .any(|s| *s as u32 == x) =>
        {
            // Local storage needs BTF for its value: `struct val { int cnt;
            // struct bpf_spin_lock l; }`, keyed by an int.
            let Ok(fd) = sys::btf_load::bpf_btf_load(&local_storage_btf(), None) else { return false };
            a.btf_fd = Some(fd.as_raw_fd());
            _btf = Some(fd);
            (a.btf_key_type_id, a.btf_value_type_id, a.value_size, a.max_entries) = (1, 3, 8, 0);
            a.map_flags = k::BPF_F_NO_PREALLOC;
        }
        x if x == mt::BPF_MAP_TYPE_RINGBUF as u32 || x == mt::BPF_MAP_TYPE_USER_RINGBUF as u32 => {
            (a.key_size, a.value_size, a.max_entries) = (0, 0, page);
        }
        x if x == mt::BPF_MAP_TYPE_STRUCT_OPS as u32 => {
            // BTF id 1 is no struct_ops type: a kernel with struct_ops maps
            // says ENOTSUPP, one without says EINVAL.
            a.btf_vmlinux_value_type_id = 1;
            expect = Some(ENOTSUPP);
        }
        x if x == mt::BPF_MAP_TYPE_BLOOM_FILTER as u32 => a.key_size = 0,
        x if x == mt::BPF_MAP_TYPE_ARENA as u32 => {
            (a.key_size, a.value_size, a.map_flags) = (0, 0, k::BPF_F_MMAPABLE);
        }
        x if x == mt::BPF_MAP_TYPE_ARRAY_OF_MAPS as u32 || x == mt::BPF_MAP_TYPE_HASH_OF_MAPS as u32 => {
            let inner = sys::map::CreateAttr {
                map_type: mt::BPF_MAP_TYPE_HASH as u32,
                key_size: 4,
                value_size: 4,
                max_entries: 1,
                ..Default::default()
            };
            let Ok(fd) = sys::map::create(&inner) else { return false };
            _inner = Some(fd);
        }
        x if x == mt::BPF_MAP_TYPE_UNSPEC as u32 || x >= mt::__MAX_BPF_MAP_TYPE as u32 => return false,
        _ => {}
    }
    a.inner_map = _inner.as_ref().map(|f| f.as_fd());
    match (sys::map::create(&a), expect) {
        (Ok(_fd), None) => true,
        (Err(_), None) | (Ok(_), Some(_)) => false,
        (Err(e), Some(errno)) => e.errno() == Some(errno),
    }
}

/// Raw BTF for the local-storage probe: [1] int, [2] struct bpf_spin_lock
/// { int val; }, [3] struct val { int cnt; struct bpf_spin_lock l; }.
fn local_storage_btf() -> Vec<u8> {
    let strings = b"\0bpf_spin_lock\0val\0cnt\0l\0";
    let (lock, val, cnt, l) = (1u32, 15u32, 19u32, 23u32);
    let kind = |kind: u32, vlen: u32| (kind << 24) | vlen;
    let types: [u32; 16] = [
        0,
        kind(k::BTF_KIND_INT, 0),
        4,
        (k::BTF_INT_SIGNED << 24) | 32,
        lock,
        kind(k::BTF_KIND_STRUCT, 1),
        4,
        val,
        1,
        0,
        val,
        kind(k::BTF_KIND_STRUCT, 2),
        8,
        cnt,
        1,
        0,
    ];
    let tail: [u32; 3] = [l, 2, 32];
    let type_bytes: Vec<u8> = types.iter().chain(tail.iter()).flat_map(|w| w.to_ne_bytes()).collect();
    let mut out = Vec::new();
    out.extend_from_slice(&0xeb9f_u16.to_ne_bytes());
    out.extend_from_slice(&[1, 0]);
    for w in [24u32, 0, type_bytes.len() as u32, type_bytes.len() as u32, strings.len() as u32] {
        out.extend_from_slice(&w.to_ne_bytes());
    }
    out.extend_from_slice(&type_bytes);
    out.extend_from_slice(strings);
    out
}

/// Helper names by id (`enum bpf_func_id`, `bpf_` + the name), as
/// bpftool's `feature list_builtins helpers` prints them.
pub const HELPERS: &[&str] = &[
    "bpf_unspec",
    "bpf_map_lookup_elem",
    "bpf_map_update_elem",
    "bpf_map_delete_elem",
    "bpf_probe_read",
    "bpf_ktime_get_ns",
    "bpf_trace_printk",
    "bpf_get_prandom_u32",
    "bpf_get_smp_processor_id",
    "bpf_skb_store_bytes",
    "bpf_l3_csum_replace",
    "bpf_l4_csum_replace",
    "bpf_tail_call",
    "bpf_clone_redirect",
    "bpf_get_current_pid_tgid",
    "bpf_get_current_uid_gid",
    "bpf_get_current_comm",
    "bpf_get_cgroup_classid",
    "bpf_skb_vlan_push",
    "bpf_skb_vlan_pop",
    "bpf_skb_get_tunnel_key",
    "bpf_skb_set_tunnel_key",
    "bpf_perf_event_read",
    "bpf_redirect",
    "bpf_get_route_realm",
    "bpf_perf_event_output",
    "bpf_skb_load_bytes",
    "bpf_get_stackid",
    "bpf_csum_diff",
    "bpf_skb_get_tunnel_opt",
    "bpf_skb_set_tunnel_opt",
    "bpf_skb_change_proto",
    "bpf_skb_change_type",
    "bpf_skb_under_cgroup",
    "bpf_get_hash_recalc",
    "bpf_get_current_task",
    "bpf_probe_write_user",
    "bpf_current_task_under_cgroup",
    "bpf_skb_change_tail",
    "bpf_skb_pull_data",
    "bpf_csum_update",
    "bpf_set_hash_invalid",
    "bpf_get_numa_node_id",
    "bpf_skb_change_head",
    "bpf_xdp_adjust_head",
    "bpf_probe_read_str",
    "bpf_get_socket_cookie",
    "bpf_get_socket_uid",
    "bpf_set_hash",
    "bpf_setsockopt",
    "bpf_skb_adjust_room",
    "bpf_redirect_map",
    "bpf_sk_redirect_map",
    "bpf_sock_map_update",
    "bpf_xdp_adjust_meta",
    "bpf_perf_event_read_value",
    "bpf_perf_prog_read_value",
    "bpf_getsockopt",
    "bpf_override_return",
    "bpf_sock_ops_cb_flags_set",
    "bpf_msg_redirect_map",
    "bpf_msg_apply_bytes",
    "bpf_msg_cork_bytes",
    "bpf_msg_pull_data",
    "bpf_bind",
    "bpf_xdp_adjust_tail",
    "bpf_skb_get_xfrm_state",
    "bpf_get_stack",
    "bpf_skb_load_bytes_relative",
    "bpf_fib_lookup",
    "bpf_sock_hash_update",
    "bpf_msg_redirect_hash",
    "bpf_sk_redirect_hash",
    "bpf_lwt_push_encap",
    "bpf_lwt_seg6_store_bytes",
    "bpf_lwt_seg6_adjust_srh",
    "bpf_lwt_seg6_action",
    "bpf_rc_repeat",
    "bpf_rc_keydown",
    "bpf_skb_cgroup_id",
    "bpf_get_current_cgroup_id",
    "bpf_get_local_storage",
    "bpf_sk_select_reuseport",
    "bpf_skb_ancestor_cgroup_id",
    "bpf_sk_lookup_tcp",
    "bpf_sk_lookup_udp",
    "bpf_sk_release",
    "bpf_map_push_elem",
    "bpf_map_pop_elem",
    "bpf_map_peek_elem",
    "bpf_msg_push_data",
    "bpf_msg_pop_data",
    "bpf_rc_pointer_rel",
    "bpf_spin_lock",
    "bpf_spin_unlock",
    "bpf_sk_fullsock",
    "bpf_tcp_sock",
    "bpf_skb_ecn_set_ce",
    "bpf_get_listener_sock",
    "bpf_skc_lookup_tcp",
    "bpf_tcp_check_syncookie",
    "bpf_sysctl_get_name",
    "bpf_sysctl_get_current_value",
    "bpf_sysctl_get_new_value",
    "bpf_sysctl_set_new_value",
    "bpf_strtol",
    "bpf_strtoul",
    "bpf_sk_storage_get",
    "bpf_sk_storage_delete",
    "bpf_send_signal",
    "bpf_tcp_gen_syncookie",
    "bpf_skb_output",
    "bpf_probe_read_user",
    "bpf_probe_read_kernel",
    "bpf_probe_read_user_str",
    "bpf_probe_read_kernel_str",
    "bpf_tcp_send_ack",
    "bpf_send_signal_thread",
    "bpf_jiffies64",
    "bpf_read_branch_records",
    "bpf_get_ns_current_pid_tgid",
    "bpf_xdp_output",
    "bpf_get_netns_cookie",
    "bpf_get_current_ancestor_cgroup_id",
    "bpf_sk_assign",
    "bpf_ktime_get_boot_ns",
    "bpf_seq_printf",
    "bpf_seq_write",
    "bpf_sk_cgroup_id",
    "bpf_sk_ancestor_cgroup_id",
    "bpf_ringbuf_output",
    "bpf_ringbuf_reserve",
    "bpf_ringbuf_submit",
    "bpf_ringbuf_discard",
    "bpf_ringbuf_query",
    "bpf_csum_level",
    "bpf_skc_to_tcp6_sock",
    "bpf_skc_to_tcp_sock",
    "bpf_skc_to_tcp_timewait_sock",
    "bpf_skc_to_tcp_request_sock",
    "bpf_skc_to_udp6_sock",
    "bpf_get_task_stack",
    "bpf_load_hdr_opt",
    "bpf_store_hdr_opt",
    "bpf_reserve_hdr_opt",
    "bpf_inode_storage_get",
    "bpf_inode_storage_delete",
    "bpf_d_path",
    "bpf_copy_from_user",
    "bpf_snprintf_btf",
    "bpf_seq_printf_btf",
    "bpf_skb_cgroup_classid",
    "bpf_redirect_neigh",
    "bpf_per_cpu_ptr",
    "bpf_this_cpu_ptr",
    "bpf_redirect_peer",
    "bpf_task_storage_get",
    "bpf_task_storage_delete",
    "bpf_get_current_task_btf",
    "bpf_bprm_opts_set",
    "bpf_ktime_get_coarse_ns",
    "bpf_ima_inode_hash",
    "bpf_sock_from_file",
    "bpf_check_mtu",
    "bpf_for_each_map_elem",
    "bpf_snprintf",
    "bpf_sys_bpf",
    "bpf_btf_find_by_name_kind",
    "bpf_sys_close",
    "bpf_timer_init",
    "bpf_timer_set_callback",
    "bpf_timer_start",
    "bpf_timer_cancel",
    "bpf_get_func_ip",
    "bpf_get_attach_cookie",
    "bpf_task_pt_regs",
    "bpf_get_branch_snapshot",
    "bpf_trace_vprintk",
    "bpf_skc_to_unix_sock",
    "bpf_kallsyms_lookup_name",
    "bpf_find_vma",
    "bpf_loop",
    "bpf_strncmp",
    "bpf_get_func_arg",
    "bpf_get_func_ret",
    "bpf_get_func_arg_cnt",
    "bpf_get_retval",
    "bpf_set_retval",
    "bpf_xdp_get_buff_len",
    "bpf_xdp_load_bytes",
    "bpf_xdp_store_bytes",
    "bpf_copy_from_user_task",
    "bpf_skb_set_tstamp",
    "bpf_ima_file_hash",
    "bpf_kptr_xchg",
    "bpf_map_lookup_percpu_elem",
    "bpf_skc_to_mptcp_sock",
    "bpf_dynptr_from_mem",
    "bpf_ringbuf_reserve_dynptr",
    "bpf_ringbuf_submit_dynptr",
    "bpf_ringbuf_discard_dynptr",
    "bpf_dynptr_read",
    "bpf_dynptr_write",
    "bpf_dynptr_data",
    "bpf_tcp_raw_gen_syncookie_ipv4",
    "bpf_tcp_raw_gen_syncookie_ipv6",
    "bpf_tcp_raw_check_syncookie_ipv4",
    "bpf_tcp_raw_check_syncookie_ipv6",
    "bpf_ktime_get_tai_ns",
    "bpf_user_ringbuf_drain",
    "bpf_cgrp_storage_get",
    "bpf_cgrp_storage_delete",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helper_names_are_indexed_by_id() {
        assert_eq!(HELPERS[0], "bpf_unspec");
        assert_eq!(HELPERS[k::bpf_func_id::BPF_FUNC_map_lookup_elem as usize], "bpf_map_lookup_elem");
        assert_eq!(HELPERS[k::bpf_func_id::BPF_FUNC_user_ringbuf_drain as usize], "bpf_user_ringbuf_drain");
        assert_eq!(HELPERS.len(), k::bpf_func_id::__BPF_FUNC_MAX_ID as usize);
        let quiet: Vec<u32> = helper_ids(false).collect();
        assert!(!quiet.contains(&(k::bpf_func_id::BPF_FUNC_trace_printk as u32)));
        assert_eq!(helper_ids(true).count(), quiet.len() + 3);
    }

    #[test]
    fn verifier_answers() {
        let log = |s: &str| {
            let mut v = s.as_bytes().to_vec();
            v.extend([0, b'x', b'x']);
            v
        };
        assert!(helper_refused(&log(
            "0: (85) call bpf_skb_store_bytes#9\nprogram of this type cannot use helper bpf_skb_store_bytes#9\n"
        )));
        assert!(helper_refused(&log("invalid func unknown#300\n")));
        assert!(helper_refused(&log("unknown func bpf_sys_bpf#166\n")));
        assert!(!helper_refused(&log("R1 type=ctx expected=map_ptr\n")));
        // Only up to the NUL the kernel writes.
        assert!(!log_has(&log("abc"), "xx"));
    }

    #[test]
    fn probe_shapes() {
        let s = Shape::of(pt::BPF_PROG_TYPE_CGROUP_SOCKOPT as u32, 0).unwrap();
        assert_eq!(s.expected_attach_type, at::BPF_CGROUP_GETSOCKOPT as u32);
        let s = Shape::of(pt::BPF_PROG_TYPE_TRACING as u32, 0).unwrap();
        assert_eq!((s.attach_btf_id, s.expect.map(|e| e.0)), (1, Some(libc::EINVAL)));
        assert_eq!(Shape::of(pt::BPF_PROG_TYPE_SYSCALL as u32, 0).unwrap().prog_flags, k::BPF_F_SLEEPABLE);
        assert!(Shape::of(0, 0).is_none() && Shape::of(999, 0).is_none());
        assert_eq!(prog_types(None).len() + 1, crate::kinds::PROG_TYPES.len());
        assert_eq!(prog_types(Some(1)).len(), 2);
    }

    #[test]
    fn local_storage_btf_is_well_formed() {
        let b = local_storage_btf();
        let word = |at: usize| u32::from_ne_bytes(b[at..at + 4].try_into().unwrap());
        assert_eq!(&b[..2], &0xeb9f_u16.to_ne_bytes());
        let (hdr, type_len, str_len) = (word(4) as usize, word(12) as usize, word(20) as usize);
        assert_eq!((hdr, type_len), (24, 19 * 4));
        assert_eq!(b.len(), hdr + type_len + str_len);
        let strings = &b[hdr + type_len..];
        let name = |off: usize| strings[off..].split(|c| *c == 0).next().unwrap();
        assert_eq!(name(1), b"bpf_spin_lock");
        assert_eq!((name(15), name(19), name(23)), (&b"val"[..], &b"cnt"[..], &b"l"[..]));
    }
}
