//! Issue 11: bpfpin's own loader loads what libbpf loads. Programs with a BTF
//! attach target (tp_btf, iter, fentry/fexit/fmod_ret, lsm, freplace),
//! externs (.kconfig, .ksyms, kfuncs), CO-RE relocations exactly as libbpf
//! applies them, objects with maps only, every libbpf section name, static
//! prog-array and map-in-map slots, libbpf's global-data map names, and BTF
//! errors with their detail.
//!
//! What the kernel was asked is read from `strace -e trace=bpf` of the real
//! binary: bpftool 7.1 does not print a program's attach target, and this
//! kernel answers fentry/fexit/fmod_ret/lsm/ext loads with EPERM, so for
//! those the test proves that bpfpin reached the kernel with the right type,
//! expected attach type, flags and attach BTF id, and that the error the
//! user reads is the kernel's.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use aya_obj::generated::{bpf_attach_type as at, bpf_prog_type as pt};
use serde_json::Value;

use crate::prog::{id, load, loadall, map_id, prog_id, prog_map_ids, tool_map, tool_prog};
use crate::require_root;
use crate::util::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// One `BPF_PROG_LOAD` as strace decoded it.
#[derive(Debug, Clone)]
struct ProgLoad {
    name: String,
    prog_type: u64,
    expected_attach_type: u64,
    flags: u64,
    attach_btf_id: u64,
    attach_prog_fd: u64,
    /// What the call returned: a file descriptor, or `-1 EPERM (...)`.
    result: String,
    line: String,
}

impl ProgLoad {
    fn loaded(&self) -> bool {
        !self.result.starts_with('-')
    }
}

/// strace's value of `key=` in a decoded struct: up to the next `, ` at
/// the same nesting level.
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let start = line.find(&format!(" {key}=")).or_else(|| line.find(&format!("{{{key}=")))? + key.len() + 2;
    let rest = &line[start..];
    let mut depth = 0i32;
    for (i, c) in rest.char_indices() {
        match c {
            '[' | '{' | '(' => depth += 1,
            ']' | '}' | ')' if depth == 0 => return Some(&rest[..i]),
            ']' | '}' | ')' => depth -= 1,
            ',' if depth == 0 => return Some(&rest[..i]),
            _ => {}
        }
    }
    Some(rest)
}

/// `0x1a /* BPF_PROG_TYPE_TRACING */`, `63960` or `0` → the number.
fn number(v: &str) -> u64 {
    let t = v.split_whitespace().next().unwrap_or("");
    let n = if let Some(h) = t.strip_prefix("0x") { u64::from_str_radix(h, 16) } else { t.parse() };
    n.unwrap_or_else(|_| panic!("not a number in strace output: {v:?}"))
}

fn parse_prog_loads(trace: &str) -> Vec<ProgLoad> {
    let mut v = Vec::new();
    for line in trace.lines() {
        // `-f` prefixes lines with the pid.
        let Some(at) = line.find("bpf(0x5 /* BPF_PROG_LOAD */") else { continue };
        let line = &line[at..];
        let name = field(line, "prog_name").unwrap_or("\"\"").trim_matches('"').to_string();
        let num = |k: &str| field(line, k).map(number).unwrap_or(0);
        let result = line.rsplit_once(") = ").map(|(_, r)| r.trim().to_string()).unwrap_or_default();
        v.push(ProgLoad {
            name,
            prog_type: num("prog_type"),
            expected_attach_type: num("expected_attach_type"),
            flags: num("prog_flags"),
            attach_btf_id: num("attach_btf_id"),
            attach_prog_fd: num("attach_prog_fd"),
            result,
            line: line.chars().take(600).collect(),
        });
    }
    v
}

/// bpfpin's run under strace and every BPF_PROG_LOAD it made.
struct Traced {
    run: Run,
    loads: Vec<ProgLoad>,
}

impl Traced {
    /// The last BPF_PROG_LOAD of program `name` (the kernel keeps 15 chars;
    /// a loader may retry with a log), or a panic with bpfpin's stderr.
    #[track_caller]
    fn load_of(&self, name: &str) -> ProgLoad {
        let short: String = name.chars().take(15).collect();
        self.loads.iter().rev().find(|l| l.name == short).cloned().unwrap_or_else(|| {
            let names: Vec<&str> = self.loads.iter().map(|l| l.name.as_str()).collect();
            panic!(
                "no BPF_PROG_LOAD of `{name}` reached the kernel; loads seen: {names:?}\n--- bpfpin exited {:?}, stderr:\n{}",
                self.run.code(),
                self.run.stderr()
            )
        })
    }

    fn asked_for(&self, name: &str) -> bool {
        let short: String = name.chars().take(15).collect();
        self.loads.iter().any(|l| l.name == short)
    }
}

/// Runs bpfpin under `strace -f -e trace=bpf`.
fn traced(args: &[&str]) -> Traced {
    let log = TempFile::new("strace", b"");
    let mut a = vec!["-f", "-qq", "-e", "trace=bpf", "-e", "signal=none", "-X", "verbose", "-v", "-s", "0", "-o"];
    let log_s = log.s();
    a.push(&log_s);
    a.push(env!("CARGO_BIN_EXE_bpfpin"));
    a.extend_from_slice(args);
    let run = sh("strace", &a);
    let trace = fs::read_to_string(&log.0).unwrap_or_default();
    assert!(
        !trace.is_empty() || run.stderr().contains("Error: "),
        "strace wrote nothing (is ptrace allowed?): {}",
        run.stderr()
    );
    Traced { run, loads: parse_prog_loads(&trace) }
}

/// The parser reads strace 6.1's `-X verbose -v` output (a line captured
/// from libbpf loading btf_targets.o's on_test1_s, insns cut short).
#[test]
fn strace_prog_load_lines_parse() {
    let line = r#"1234 bpf(0x5 /* BPF_PROG_LOAD */, {prog_type=0x1a /* BPF_PROG_TYPE_TRACING */, insn_cnt=2, insns=[{code=0x7 /* BPF_ALU64 */|0 /* BPF_K */|0xb0 /* BPF_MOV */, dst_reg=0 /* BPF_REG_0 */, src_reg=0 /* BPF_REG_0 */, off=0, imm=0}], license=""..., log_level=1, log_size=16777215, log_buf="", kern_version=0x6122c /* KERNEL_VERSION(6, 18, 44) */, prog_flags=0x10 /* BPF_F_SLEEPABLE */, prog_name="on_test1_s", prog_ifindex=0, expected_attach_type=0x18 /* BPF_TRACE_FENTRY */, prog_btf_fd=3, func_info_rec_size=8, func_info=0x5624d3591c20, func_info_cnt=1, line_info_rec_size=16, line_info=0x5624d3591fb0, line_info_cnt=1, attach_btf_id=63960, attach_prog_fd=0, fd_array=NULL}, 128) = -1 EPERM (Operation not permitted)"#;
    let l = &parse_prog_loads(line)[0];
    assert_eq!(l.name, "on_test1_s");
    assert_eq!(l.prog_type, pt::BPF_PROG_TYPE_TRACING as u64);
    assert_eq!(l.expected_attach_type, at::BPF_TRACE_FENTRY as u64);
    assert_eq!(l.flags, aya_obj::generated::BPF_F_SLEEPABLE as u64);
    assert_eq!((l.attach_btf_id, l.attach_prog_fd), (63960, 0));
    assert!(!l.loaded() && l.result.contains("EPERM"), "{}", l.result);
    let ok = parse_prog_loads(&line.replace("= -1 EPERM (Operation not permitted)", "= 4"));
    assert!(ok[0].loaded());
}

/// `bpftool btf dump` of vmlinux, read once per test process.
fn vmlinux_btf() -> &'static str {
    static DUMP: OnceLock<String> = OnceLock::new();
    DUMP.get_or_init(|| bpftool(&["btf", "dump", "file", "/sys/kernel/btf/vmlinux"]).ok().stdout())
}

/// The id of `KIND 'name'` in a `bpftool btf dump`.
#[track_caller]
fn btf_id_in(dump: &str, kind: &str, name: &str) -> u64 {
    let needle = format!("] {kind} '{name}'");
    dump.lines()
        .find(|l| l.starts_with('[') && l.contains(&needle))
        .and_then(|l| l[1..].split(']').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {kind} '{name}' in the BTF dump"))
}

#[track_caller]
fn vmlinux_id(kind: &str, name: &str) -> u64 {
    btf_id_in(vmlinux_btf(), kind, name)
}

/// `CONFIG_X` → value, from /proc/config.gz or /boot/config-$(uname -r),
/// where libbpf reads them.
fn kconfig() -> BTreeMap<String, String> {
    let text = if Path::new("/proc/config.gz").exists() {
        sh("zcat", &["/proc/config.gz"]).ok().stdout()
    } else {
        let rel = sh("uname", &["-r"]).ok().stdout();
        fs::read_to_string(format!("/boot/config-{}", rel.trim())).unwrap_or_default()
    };
    text.lines()
        .filter(|l| l.starts_with("CONFIG_"))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The pinned program's maps, by the kernel's name.
fn maps_of(prog_path: &str) -> BTreeMap<String, u64> {
    prog_map_ids(prog_path)
        .into_iter()
        .map(|m| {
            let v = bpftool(&["-j", "map", "show", "id", &m.to_string()]).ok().json();
            (v["name"].as_str().unwrap_or("").to_string(), m)
        })
        .collect()
}

/// The id of the map whose kernel name ends in `suffix` (`externs.data`;
/// item 7's names are checked in their own test).
#[track_caller]
fn map_named(maps: &BTreeMap<String, u64>, suffix: &str) -> u64 {
    maps.iter()
        .find(|(n, _)| n.ends_with(suffix))
        .map(|(_, id)| *id)
        .unwrap_or_else(|| panic!("no map named *{suffix} among {maps:?}"))
}

/// The first value of a map as bytes, per `bpftool -j map dump`.
#[track_caller]
fn first_value(map_id: u64) -> Vec<u8> {
    let v = bpftool(&["-j", "map", "dump", "id", &map_id.to_string()]).ok().json();
    v[0]["value"]
        .as_array()
        .unwrap_or_else(|| panic!("no raw value in the dump of map {map_id}: {v}"))
        .iter()
        .map(|b| u8::from_str_radix(b.as_str().unwrap_or("").trim_start_matches("0x"), 16).expect("hex byte"))
        .collect()
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().expect("4 bytes"))
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().expect("8 bytes"))
}

/// Names of the entries in a directory, sorted.
fn entries(dir: &str) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {dir}: {e}"))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The error the user reads came from the kernel's answer to the load, not
/// from a refusal of bpfpin's.
#[track_caller]
fn assert_kernel_eperm(r: &Run, prog: &str) {
    let e = r.stderr();
    assert_eq!(r.code(), Some(1), "{prog}: expected exit 1\n{e}");
    assert!(e.contains("Error: ") && e.contains("  fix: "), "{prog}: no Error/fix lines\n{e}");
    assert!(e.contains(prog), "{prog}: the error does not name the program\n{e}");
    assert!(e.contains("Operation not permitted") || e.contains("EPERM"), "{prog}: not the kernel's EPERM\n{e}");
    assert!(!e.contains("needs an attach target"), "{prog}: refused by bpfpin, not the kernel\n{e}");
    assert!(!e.contains("panicked"), "{e}");
}

// ---------------------------------------------------------------------------
// 1. Programs whose attach target is fixed at load time
// ---------------------------------------------------------------------------

#[test]
fn tp_btf_and_iter_load_with_their_btf_targets() {
    require_root!();
    let d = BpffsDir::new();
    let obj = object("btf_targets.o");
    for (prog, eat, kind, target) in [
        ("on_switch", at::BPF_TRACE_RAW_TP, "TYPEDEF", "btf_trace_sched_switch"),
        ("on_task", at::BPF_TRACE_ITER, "FUNC", "bpf_iter_task"),
    ] {
        let path = d.join(prog);
        let t = traced(&["prog", "load", &obj, &path, "--prog", prog]);
        let l = t.load_of(prog);
        let r = t.run.ok();
        assert!(l.loaded(), "{prog}: {}\n{}", l.line, r.stderr());
        assert_eq!(l.prog_type, pt::BPF_PROG_TYPE_TRACING as u64, "{prog}: {}", l.line);
        assert_eq!(l.expected_attach_type, eat as u64, "{prog}: {}", l.line);
        assert_eq!(l.attach_btf_id, vmlinux_id(kind, target), "{prog} must attach to {target}: {}", l.line);
        let v = tool_prog(&path);
        assert_eq!(v["type"], "tracing", "{v}");
        assert_eq!(v["name"], prog, "{v}");
    }
}

#[test]
fn fentry_fexit_fmod_ret_lsm_reach_the_kernel_with_their_targets() {
    require_root!();
    let d = BpffsDir::new();
    let obj = object("btf_targets.o");
    let sleepable = aya_obj::generated::BPF_F_SLEEPABLE as u64;
    for (prog, ptype, eat, target, flags) in [
        ("on_unlink_entry", pt::BPF_PROG_TYPE_TRACING, at::BPF_TRACE_FENTRY, "do_unlinkat", 0),
        ("on_unlink_exit", pt::BPF_PROG_TYPE_TRACING, at::BPF_TRACE_FEXIT, "do_unlinkat", 0),
        ("on_modify_return", pt::BPF_PROG_TYPE_TRACING, at::BPF_MODIFY_RETURN, "bpf_modify_return_test", 0),
        ("on_file_open", pt::BPF_PROG_TYPE_LSM, at::BPF_LSM_MAC, "bpf_lsm_file_open", 0),
        ("on_file_open_s", pt::BPF_PROG_TYPE_LSM, at::BPF_LSM_MAC, "bpf_lsm_file_open", sleepable),
        ("on_test1_s", pt::BPF_PROG_TYPE_TRACING, at::BPF_TRACE_FENTRY, "bpf_fentry_test1", sleepable),
    ] {
        let path = d.join(prog);
        let t = traced(&["prog", "load", &obj, &path, "--prog", prog]);
        let l = t.load_of(prog);
        let r = t.run;
        assert_eq!(l.prog_type, ptype as u64, "{prog}: {}", l.line);
        assert_eq!(l.expected_attach_type, eat as u64, "{prog}: {}", l.line);
        assert_eq!(l.attach_btf_id, vmlinux_id("FUNC", target), "{prog} must attach to {target}: {}", l.line);
        assert_eq!(l.flags & sleepable, flags, "{prog}: sleepable flag: {}", l.line);
        if l.loaded() {
            // A kernel that allows these: the program is there, typed.
            let r = r.ok();
            let v = tool_prog(&path);
            let want = if ptype == pt::BPF_PROG_TYPE_LSM { "lsm" } else { "tracing" };
            assert_eq!(v["type"], want, "{prog}: {v}\n{}", r.stderr());
        } else {
            assert!(l.result.contains("EPERM"), "{prog}: the kernel answered {}", l.result);
            assert_kernel_eperm(&r, prog);
            assert!(!Path::new(&path).exists(), "{prog}: a failed load left its pin");
        }
    }
}

#[test]
fn missing_btf_target_is_named_before_the_kernel() {
    require_root!();
    let d = BpffsDir::new();
    let t = traced(&["prog", "load", &object("btf_targets.o"), &d.join("p"), "--prog", "no_such_target"]);
    assert!(!t.asked_for("no_such_target"), "the kernel was asked anyway: {:?}", t.loads);
    let r = t.run.err("no_such_func_xyz");
    let e = r.stderr();
    assert!(e.contains("vmlinux") || e.contains("/sys/kernel/btf"), "does not say where it looked:\n{e}");
    assert!(!e.contains("needs an attach target"), "{e}");
    assert!(d.snapshot().is_empty());
}

/// The BTF id of the global function `check` in the BTF of a loaded program.
fn check_id_of(prog_path: &str) -> u64 {
    let btf = tool_prog(prog_path)["btf_id"].as_u64().expect("freplace_target has BTF");
    let dump = bpftool(&["btf", "dump", "id", &btf.to_string()]).ok().stdout();
    btf_id_in(&dump, "FUNC", "check")
}

#[test]
fn freplace_reaches_the_kernel_with_its_target_program() {
    require_root!();
    let d = BpffsDir::new();
    let target = d.join("target");
    load(&object("freplace_target.o"), &target, &[]);
    let target_id = prog_id(&target).to_string();
    let check = check_id_of(&target);
    let obj = object("freplace.o");
    for sel in [["pinned", target.as_str()], ["id", target_id.as_str()]] {
        let path = d.join(&format!("ext_{}", sel[0]));
        let t = traced(&["prog", "load", &obj, &path, "--attach-prog", sel[0], sel[1]]);
        let l = t.load_of("new_check");
        let r = t.run;
        assert_eq!(l.prog_type, pt::BPF_PROG_TYPE_EXT as u64, "{sel:?}: {}", l.line);
        assert_eq!(l.attach_btf_id, check, "{sel:?}: must replace `check` (id {check}): {}", l.line);
        assert!(l.attach_prog_fd > 0, "{sel:?}: no target program fd: {}", l.line);
        if l.loaded() {
            let r = r.ok();
            assert_eq!(tool_prog(&path)["type"], "ext", "{}", r.stderr());
        } else {
            assert!(l.result.contains("EPERM"), "{sel:?}: the kernel answered {}", l.result);
            assert_kernel_eperm(&r, "new_check");
        }
    }
    // A target that does not exist is named; no target at all: the error
    // says which option gives it.
    bpfpin(&["prog", "load", &obj, &d.join("x"), "--attach-prog", "pinned", &d.join("nothing_here")])
        .err("nothing_here");
    let r = bpfpin(&["prog", "load", &obj, &d.join("x")]).err("new_check");
    assert!(r.stderr().contains("--attach-prog"), "{}", r.stderr());
    // A target without a `check` function: named, before the kernel.
    load(&object("two_progs.o"), &d.join("other"), &[]);
    let t = traced(&["prog", "load", &obj, &d.join("x"), "--attach-prog", "pinned", &d.join("other")]);
    assert!(!t.asked_for("new_check"), "the kernel was asked anyway: {:?}", t.loads);
    let r = t.run.err("check");
    let e = r.stderr();
    let error_line = e.lines().find(|l| l.starts_with("Error: ")).unwrap_or("");
    assert!(error_line.contains("check"), "the Error line does not name the missing function:\n{e}");
    assert!(!Path::new(&d.join("x")).exists());
}

// ---------------------------------------------------------------------------
// 2. Externs
// ---------------------------------------------------------------------------

/// Offsets of `struct seen` in externs.c.
mod seen {
    pub const VERSION: usize = 0;
    pub const BPF: usize = 4;
    pub const HZ: usize = 8;
    pub const BPF_LSM: usize = 12;
    pub const NOT_REAL: usize = 16;
    pub const KPROBES: usize = 20;
    pub const HOSTNAME: usize = 24;
    pub const PROG_PUT: usize = 32;
    pub const MISSING_KSYM: usize = 40;
    pub const TASK_PID: usize = 48;
    pub const MISSING_KFUNC: usize = 52;
    pub const SIZE: usize = 56;
}

/// libbpf's LINUX_KERNEL_VERSION: KERNEL_VERSION(a, b, min(c, 255)) of uname's release.
fn kernel_version() -> u32 {
    let rel = sh("uname", &["-r"]).ok().stdout();
    let nums: Vec<u32> =
        rel.trim().split(|c: char| !c.is_ascii_digit()).take(3).map(|n| n.parse().unwrap_or(0)).collect();
    let get = |i: usize| nums.get(i).copied().unwrap_or(0);
    (get(0) << 16) + (get(1) << 8) + get(2).min(255)
}

fn kallsyms_addr(sym: &str) -> u64 {
    let text = fs::read_to_string("/proc/kallsyms").expect("/proc/kallsyms");
    text.lines()
        .find_map(|l| {
            let mut f = l.split_whitespace();
            let (addr, _, name) = (f.next()?, f.next()?, f.next()?);
            (name == sym).then(|| u64::from_str_radix(addr, 16).ok()).flatten()
        })
        .unwrap_or_else(|| panic!("{sym} not in /proc/kallsyms"))
}

#[test]
fn kconfig_ksyms_and_kfuncs_reach_the_program() {
    require_root!();
    let d = BpffsDir::new();
    let p = d.join("externs");
    load(&object("externs.o"), &p, &["--prog", "externs_prog"]);
    assert_eq!(tool_prog(&p)["type"], "xdp");
    let maps = maps_of(&p);
    let data = map_named(&maps, ".data");
    map_named(&maps, ".kconfig");
    // The packet's first 4 bytes are the pid bpf_task_from_pid looks up.
    let me = std::process::id();
    let mut pkt = me.to_le_bytes().to_vec();
    pkt.resize(64, 0);
    let pkt = TempFile::new("pkt", &pkt);
    let out = bpfpin(&["prog", "run", "pinned", &p, "data_in", &pkt.s()]).ok().stdout();
    assert!(out.contains("XDP_PASS"), "{out}");

    let b = first_value(data);
    assert!(b.len() >= seen::SIZE, "{b:?}");
    let cfg = kconfig();
    let yes = |k: &str| u32::from(cfg.get(k).is_some_and(|v| v == "y"));
    assert_eq!(u32_at(&b, seen::VERSION), kernel_version(), "LINUX_KERNEL_VERSION");
    assert_eq!(u32_at(&b, seen::BPF), yes("CONFIG_BPF"), "CONFIG_BPF (bool)");
    let hz: u32 = cfg.get("CONFIG_HZ").and_then(|v| v.parse().ok()).expect("CONFIG_HZ in the kernel config");
    assert_eq!(u32_at(&b, seen::HZ), hz, "CONFIG_HZ (int)");
    let lsm = match cfg.get("CONFIG_BPF_LSM").map(String::as_str) {
        Some("y") => 1,
        Some("m") => 2,
        _ => 0,
    };
    assert_eq!(u32_at(&b, seen::BPF_LSM), lsm, "CONFIG_BPF_LSM (tristate)");
    assert_eq!(u32_at(&b, seen::NOT_REAL), 0, "a __weak missing option is 0");
    assert_eq!(u32_at(&b, seen::KPROBES), yes("CONFIG_KPROBES"), "CONFIG_KPROBES (__weak bool)");
    let host = cfg.get("CONFIG_DEFAULT_HOSTNAME").expect("CONFIG_DEFAULT_HOSTNAME").trim_matches('"').to_string();
    let want: Vec<u8> = host.bytes().chain(std::iter::repeat(0)).take(7).collect();
    assert_eq!(&b[seen::HOSTNAME..seen::HOSTNAME + 7], &want[..], "CONFIG_DEFAULT_HOSTNAME (string) {host:?}");
    assert_eq!(u64_at(&b, seen::PROG_PUT), kallsyms_addr("bpf_prog_put"), "typeless ksym bpf_prog_put");
    assert_eq!(u64_at(&b, seen::MISSING_KSYM), 0, "a __weak missing ksym is 0");
    assert_eq!(u32_at(&b, seen::TASK_PID), me, "bpf_task_from_pid kfunc on our own pid");
    assert_eq!(u32_at(&b, seen::MISSING_KFUNC), 0, "bpf_ksym_exists of a __weak missing kfunc");
}

#[test]
fn typed_percpu_ksym_reaches_the_kernel() {
    require_root!();
    let d = BpffsDir::new();
    let p = d.join("percpu");
    let r = bpfpin(&["prog", "load", &object("externs.o"), &p, "--prog", "percpu_ksym_prog"]);
    let listed = fs::read_to_string("/proc/kallsyms").is_ok_and(|t| t.lines().any(|l| l.ends_with(" runqueues")));
    if listed {
        // CONFIG_KALLSYMS_ALL: the kernel finds the variable; run it.
        r.ok();
        let pkt = TempFile::new("pkt", &[0u8; 64]);
        bpfpin(&["prog", "run", "pinned", &p, "data_in", &pkt.s()]).ok();
        let b = first_value(map_named(&maps_of(&p), ".data"));
        assert_eq!(u32_at(&b, seen::SIZE), 0, "cpu of bpf_per_cpu_ptr(&runqueues, 0)");
        assert_eq!(u32_at(&b, seen::SIZE + 4), 1, "bpf_this_cpu_ptr(&runqueues)->cpu >= 0");
    } else {
        // The kernel looked the variable up by the BTF id bpfpin gave it: its
        // message names `runqueues` only when that id is runqueues' VAR.
        let r = r.err("percpu_ksym_prog");
        let e = r.stderr();
        assert!(e.contains("failed to find the address for kernel symbol 'runqueues'"), "{e}");
        assert!(d.snapshot().is_empty());
    }
}

#[test]
fn undefined_extern_function_is_named() {
    require_root!();
    let d = BpffsDir::new();
    let t = traced(&["prog", "loadall", &object("extern_undefined.o"), &d.join("all"), "--pin-maps", &d.join("maps")]);
    assert!(!t.asked_for("calls_undefined"), "the kernel was asked anyway: {:?}", t.loads);
    let r = t.run.err("undefined extern function `not_defined_anywhere`");
    assert!(!r.stderr().contains("too deep"), "{}", r.stderr());
    assert!(d.snapshot().is_empty(), "{:?}", d.snapshot());
}

// ---------------------------------------------------------------------------
// 3. CO-RE relocations as libbpf applies them
// ---------------------------------------------------------------------------

/// `prog dump xlated` text with map ids (which differ between loads) masked.
fn xlated_masked(path: &str) -> String {
    let text = bpftool(&["prog", "dump", "xlated", "pinned", path]).ok().stdout();
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("map[id:") {
        out.push_str(&rest[..i + 7]);
        rest = &rest[i + 7..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        out.push('N');
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn core_relocations_match_libbpf() {
    require_root!();
    let d = BpffsDir::new();
    let obj = object("core_flex.o");
    loadall(&obj, &d.join("ours"), &["--pin-maps", &d.join("ours_maps")]);
    bpftool(&["prog", "loadall", &obj, &d.join("theirs"), "pinmaps", &d.join("theirs_maps")]).ok();
    let (ours, theirs) = (d.join("ours/core_flex"), d.join("theirs/core_flex"));
    assert_eq!(tool_prog(&ours)["type"], "tracepoint");
    assert_eq!(tool_prog(&ours)["tag"], tool_prog(&theirs)["tag"], "same instructions, same tag");
    let (a, b) = (xlated_masked(&ours), xlated_masked(&theirs));
    assert_eq!(a, b, "bpfpin's relocations differ from libbpf's:\n--- bpfpin\n{a}\n--- bpftool\n{b}");
    // ctx->args[1] of struct syscall_trace_enter: args at 16, 8 bytes each.
    assert!(a.contains("*(u64 *)(r1 +24)"), "args[1] is not read at offset 24:\n{a}");
    assert!(a.contains("*(u64 *)(r1 +16)") && a.contains("*(u64 *)(r1 +32)"), "args[0]/args[2]:\n{a}");
}

#[test]
fn core_relocation_failure_names_type_and_field() {
    require_root!();
    let d = BpffsDir::new();
    let r = bpfpin(&["prog", "loadall", &object("core_missing.o"), &d.join("all"), "--pin-maps", &d.join("maps")])
        .err("core_missing");
    let e = r.stderr();
    // Where the reason is said (Error line or the log above it), it names
    // the local type and the field the kernel lacks, not just the
    // verifier's "invalid func unknown#195896080".
    assert!(e.contains("task_struct") && e.contains("no_such_field"), "type and field not named:\n{e}");
    assert!(d.snapshot().is_empty(), "{:?}", d.snapshot());
}

// ---------------------------------------------------------------------------
// 4. Objects with maps only
// ---------------------------------------------------------------------------

#[test]
fn maps_only_object_pins_its_maps() {
    require_root!();
    let d = BpffsDir::new();
    let obj = object("maps_only.o");
    loadall(&obj, &d.join("progs"), &["--pin-maps", &d.join("maps")]);
    bpftool(&["prog", "loadall", &obj, &d.join("tprogs"), "pinmaps", &d.join("tmaps")]).ok();
    assert_eq!(entries(&d.join("maps")), ["only_array", "only_hash"]);
    assert_eq!(entries(&d.join("maps")), entries(&d.join("tmaps")), "bpftool pins the same maps");
    for (m, kind, key, value, n) in [("only_hash", "hash", 4, 8, 32), ("only_array", "array", 4, 4, 8)] {
        let v = tool_map(&d.join(&format!("maps/{m}")));
        assert_eq!(
            (v["type"].as_str(), v["bytes_key"].as_u64(), v["bytes_value"].as_u64(), v["max_entries"].as_u64()),
            (Some(kind), Some(key), Some(value), Some(n)),
            "{m}: {v}"
        );
        assert_eq!(v["name"], m, "{v}");
    }
    // No program pins anywhere.
    let progs = d.path.join("progs");
    assert!(!progs.exists() || entries(&d.join("progs")).is_empty(), "{:?}", d.snapshot());
}

// ---------------------------------------------------------------------------
// 5. Every section name libbpf knows
// ---------------------------------------------------------------------------

/// libbpf's `BPF_TRACE_KPROBE_SESSION`, newer than aya-obj 0.3's bindings.
const BPF_TRACE_KPROBE_SESSION: u64 = 56;

/// (program, bpftool's type, prog type, expected attach type, prog flags) as
/// libbpf's section_defs give them.
fn sections_table() -> Vec<(&'static str, &'static str, u64, u64, u64)> {
    use aya_obj::generated::{BPF_F_SLEEPABLE as SLEEP, BPF_F_XDP_HAS_FRAGS as FRAGS};
    let (sleep, frags) = (SLEEP as u64, FRAGS as u64);
    let p = |t: pt| t as u64;
    let a = |t: at| t as u64;
    let kp = p(pt::BPF_PROG_TYPE_KPROBE);
    let cls = p(pt::BPF_PROG_TYPE_SCHED_CLS);
    let xdp = p(pt::BPF_PROG_TYPE_XDP);
    let skb = p(pt::BPF_PROG_TYPE_SK_SKB);
    let cgskb = p(pt::BPF_PROG_TYPE_CGROUP_SKB);
    let sock = p(pt::BPF_PROG_TYPE_CGROUP_SOCK);
    let addr = p(pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR);
    let sopt = p(pt::BPF_PROG_TYPE_CGROUP_SOCKOPT);
    let tp = p(pt::BPF_PROG_TYPE_TRACEPOINT);
    let raw = p(pt::BPF_PROG_TYPE_RAW_TRACEPOINT);
    let raww = p(pt::BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE);
    vec![
        ("s_socket", "socket_filter", p(pt::BPF_PROG_TYPE_SOCKET_FILTER), 0, 0),
        ("s_reuseport", "sk_reuseport", p(pt::BPF_PROG_TYPE_SK_REUSEPORT), a(at::BPF_SK_REUSEPORT_SELECT), 0),
        (
            "s_reuseport_mig",
            "sk_reuseport",
            p(pt::BPF_PROG_TYPE_SK_REUSEPORT),
            a(at::BPF_SK_REUSEPORT_SELECT_OR_MIGRATE),
            0,
        ),
        ("s_kprobe", "kprobe", kp, 0, 0),
        ("s_kretprobe", "kprobe", kp, 0, 0),
        ("s_uprobe", "kprobe", kp, 0, 0),
        ("s_uretprobe", "kprobe", kp, 0, 0),
        ("s_uprobe_s", "kprobe", kp, 0, sleep),
        ("s_uretprobe_s", "kprobe", kp, 0, sleep),
        ("s_kprobe_multi", "kprobe", kp, a(at::BPF_TRACE_KPROBE_MULTI), 0),
        ("s_kretprobe_mul", "kprobe", kp, a(at::BPF_TRACE_KPROBE_MULTI), 0),
        ("s_kprobe_sess", "kprobe", kp, BPF_TRACE_KPROBE_SESSION, 0),
        ("s_uprobe_multi", "kprobe", kp, a(at::BPF_TRACE_UPROBE_MULTI), 0),
        ("s_uretprobe_mul", "kprobe", kp, a(at::BPF_TRACE_UPROBE_MULTI), 0),
        ("s_uprobe_mul_s", "kprobe", kp, a(at::BPF_TRACE_UPROBE_MULTI), sleep),
        ("s_ksyscall", "kprobe", kp, 0, 0),
        ("s_kretsyscall", "kprobe", kp, 0, 0),
        ("s_usdt", "kprobe", kp, 0, 0),
        ("s_usdt_s", "kprobe", kp, 0, sleep),
        ("s_tc_ingress", "sched_cls", cls, a(at::BPF_TCX_INGRESS), 0),
        ("s_tc_egress", "sched_cls", cls, a(at::BPF_TCX_EGRESS), 0),
        ("s_tcx_ingress", "sched_cls", cls, a(at::BPF_TCX_INGRESS), 0),
        ("s_tc", "sched_cls", cls, 0, 0),
        ("s_tcx_egress", "sched_cls", cls, a(at::BPF_TCX_EGRESS), 0),
        ("s_netkit_prim", "sched_cls", cls, a(at::BPF_NETKIT_PRIMARY), 0),
        ("s_netkit_peer", "sched_cls", cls, a(at::BPF_NETKIT_PEER), 0),
        ("s_classifier", "sched_cls", cls, 0, 0),
        ("s_action", "sched_act", p(pt::BPF_PROG_TYPE_SCHED_ACT), 0, 0),
        ("s_tracepoint", "tracepoint", tp, 0, 0),
        ("s_tp", "tracepoint", tp, 0, 0),
        ("s_raw_tracept", "raw_tracepoint", raw, 0, 0),
        ("s_raw_tp", "raw_tracepoint", raw, 0, 0),
        ("s_raw_tracept_w", "raw_tracepoint_writable", raww, 0, 0),
        ("s_raw_tp_w", "raw_tracepoint_writable", raww, 0, 0),
        ("s_syscall", "syscall", p(pt::BPF_PROG_TYPE_SYSCALL), 0, sleep),
        ("s_xdp_frags_dev", "xdp", xdp, a(at::BPF_XDP_DEVMAP), frags),
        ("s_xdp_devmap", "xdp", xdp, a(at::BPF_XDP_DEVMAP), 0),
        ("s_xdp_frags_cpu", "xdp", xdp, a(at::BPF_XDP_CPUMAP), frags),
        ("s_xdp_cpumap", "xdp", xdp, a(at::BPF_XDP_CPUMAP), 0),
        ("s_xdp_frags", "xdp", xdp, a(at::BPF_XDP), frags),
        ("s_xdp", "xdp", xdp, a(at::BPF_XDP), 0),
        ("s_perf_event", "perf_event", p(pt::BPF_PROG_TYPE_PERF_EVENT), 0, 0),
        ("s_lwt_in", "lwt_in", p(pt::BPF_PROG_TYPE_LWT_IN), 0, 0),
        ("s_lwt_out", "lwt_out", p(pt::BPF_PROG_TYPE_LWT_OUT), 0, 0),
        ("s_lwt_xmit", "lwt_xmit", p(pt::BPF_PROG_TYPE_LWT_XMIT), 0, 0),
        ("s_lwt_seg6local", "lwt_seg6local", p(pt::BPF_PROG_TYPE_LWT_SEG6LOCAL), 0, 0),
        ("s_sockops", "sock_ops", p(pt::BPF_PROG_TYPE_SOCK_OPS), a(at::BPF_CGROUP_SOCK_OPS), 0),
        ("s_sk_skb_parse", "sk_skb", skb, a(at::BPF_SK_SKB_STREAM_PARSER), 0),
        ("s_sk_skb_stream", "sk_skb", skb, a(at::BPF_SK_SKB_STREAM_VERDICT), 0),
        ("s_sk_skb_vd", "sk_skb", skb, a(at::BPF_SK_SKB_VERDICT), 0),
        ("s_sk_skb", "sk_skb", skb, 0, 0),
        ("s_sk_msg", "sk_msg", p(pt::BPF_PROG_TYPE_SK_MSG), a(at::BPF_SK_MSG_VERDICT), 0),
        ("s_flow_dissect", "flow_dissector", p(pt::BPF_PROG_TYPE_FLOW_DISSECTOR), a(at::BPF_FLOW_DISSECTOR), 0),
        ("s_cg_skb_in", "cgroup_skb", cgskb, a(at::BPF_CGROUP_INET_INGRESS), 0),
        ("s_cg_skb_eg", "cgroup_skb", cgskb, a(at::BPF_CGROUP_INET_EGRESS), 0),
        ("s_cg_skb", "cgroup_skb", cgskb, 0, 0),
        ("s_sock_create", "cgroup_sock", sock, a(at::BPF_CGROUP_INET_SOCK_CREATE), 0),
        ("s_sock_release", "cgroup_sock", sock, a(at::BPF_CGROUP_INET_SOCK_RELEASE), 0),
        ("s_sock", "cgroup_sock", sock, a(at::BPF_CGROUP_INET_SOCK_CREATE), 0),
        ("s_post_bind4", "cgroup_sock", sock, a(at::BPF_CGROUP_INET4_POST_BIND), 0),
        ("s_post_bind6", "cgroup_sock", sock, a(at::BPF_CGROUP_INET6_POST_BIND), 0),
        ("s_bind4", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_INET4_BIND), 0),
        ("s_bind6", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_INET6_BIND), 0),
        ("s_connect4", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_INET4_CONNECT), 0),
        ("s_connect6", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_INET6_CONNECT), 0),
        ("s_connect_unix", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_UNIX_CONNECT), 0),
        ("s_sendmsg4", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_UDP4_SENDMSG), 0),
        ("s_sendmsg6", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_UDP6_SENDMSG), 0),
        ("s_sendmsg_unix", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_UNIX_SENDMSG), 0),
        ("s_recvmsg4", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_UDP4_RECVMSG), 0),
        ("s_recvmsg6", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_UDP6_RECVMSG), 0),
        ("s_recvmsg_unix", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_UNIX_RECVMSG), 0),
        ("s_getpeername4", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_INET4_GETPEERNAME), 0),
        ("s_getpeername6", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_INET6_GETPEERNAME), 0),
        ("s_getpeername_u", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_UNIX_GETPEERNAME), 0),
        ("s_getsockname4", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_INET4_GETSOCKNAME), 0),
        ("s_getsockname6", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_INET6_GETSOCKNAME), 0),
        ("s_getsockname_u", "cgroup_sock_addr", addr, a(at::BPF_CGROUP_UNIX_GETSOCKNAME), 0),
        ("s_sysctl", "cgroup_sysctl", p(pt::BPF_PROG_TYPE_CGROUP_SYSCTL), a(at::BPF_CGROUP_SYSCTL), 0),
        ("s_getsockopt", "cgroup_sockopt", sopt, a(at::BPF_CGROUP_GETSOCKOPT), 0),
        ("s_setsockopt", "cgroup_sockopt", sopt, a(at::BPF_CGROUP_SETSOCKOPT), 0),
        ("s_dev", "cgroup_device", p(pt::BPF_PROG_TYPE_CGROUP_DEVICE), a(at::BPF_CGROUP_DEVICE), 0),
        ("s_sk_lookup", "sk_lookup", p(pt::BPF_PROG_TYPE_SK_LOOKUP), a(at::BPF_SK_LOOKUP), 0),
        ("s_netfilter", "netfilter", p(pt::BPF_PROG_TYPE_NETFILTER), a(at::BPF_NETFILTER), 0),
    ]
}

#[test]
fn every_libbpf_section_loads_with_libbpfs_type() {
    require_root!();
    let d = BpffsDir::new();
    let obj = object("all_sections.o");
    let t = traced(&["prog", "loadall", &obj, &d.join("all")]);
    let table = sections_table();
    // The table covers the object: every program pinned is checked.
    let want: BTreeSet<&str> = table.iter().map(|t| t.0).collect();
    assert!(t.run.out.status.success(), "loadall failed:\n{}", t.run.stderr());
    let pinned: Vec<String> = entries(&d.join("all"));
    let pinned: BTreeSet<&str> = pinned.iter().map(String::as_str).collect();
    assert_eq!(pinned, want, "{}", t.run.stderr());
    let mut wrong = Vec::new();
    for (prog, shown, ptype, eat, flags) in table {
        let l = t.load_of(prog);
        let got = (l.prog_type, l.expected_attach_type, l.flags);
        if got != (ptype, eat, flags) {
            wrong.push(format!("{prog}: (type, attach, flags) {got:?}, libbpf gives {:?}", (ptype, eat, flags)));
        }
        let v = tool_prog(&d.join(&format!("all/{prog}")));
        // bpftool 7.1 has no name for netfilter (32) and prints the number.
        let ok = v["type"] == shown || (shown == "netfilter" && v["type"] == 32);
        if !ok {
            wrong.push(format!("{prog}: bpftool shows type {}, libbpf gives {shown}", v["type"]));
        }
    }
    assert!(wrong.is_empty(), "{} programs differ from libbpf:\n{}", wrong.len(), wrong.join("\n"));
    // bpfpin names the type bpftool 7.1 cannot.
    let v = bpfpin(&["-j", "prog", "show", "pinned", &d.join("all/s_netfilter")]).ok().json();
    assert_eq!(v["type"], "netfilter", "{v}");
    // `load --prog` picks one, with the same type.
    load(&obj, &d.join("act"), &["--prog", "s_action"]);
    assert_eq!(tool_prog(&d.join("act"))["type"], "sched_act");
}

// ---------------------------------------------------------------------------
// 6. Static prog-array and map-in-map initialisation
// ---------------------------------------------------------------------------

/// (key, value) of every entry, as little-endian u32s, per `bpftool -j map dump`.
fn u32_entries(path: &str) -> Vec<(u32, u32)> {
    let v = bpftool(&["-j", "map", "dump", "pinned", path]).ok().json();
    let bytes = |x: &Value| -> Vec<u8> {
        x.as_array()
            .map(|a| {
                a.iter().filter_map(|b| u8::from_str_radix(b.as_str()?.trim_start_matches("0x"), 16).ok()).collect()
            })
            .unwrap_or_default()
    };
    v.as_array()
        .unwrap_or_else(|| panic!("dump of {path}: {v}"))
        .iter()
        .map(|e| (u32_at(&bytes(&e["key"]), 0), u32_at(&bytes(&e["value"]), 0)))
        .collect()
}

#[test]
fn static_prog_array_and_map_in_map_slots_are_filled() {
    require_root!();
    let d = BpffsDir::new();
    loadall(&object("prog_array_init.o"), &d.join("all"), &["--pin-maps", &d.join("maps")]);
    let target = prog_id(&d.join("all/target_prog"));
    let inner = map_id(&d.join("maps/inner_a"));
    assert_eq!(u32_entries(&d.join("maps/jmp")), [(1, target as u32)], "slot 1 = target_prog (id {target})");
    assert_eq!(u32_entries(&d.join("maps/outer")), [(3, inner as u32)], "key 3 = inner_a (id {inner})");
    // bpfpin's own dump agrees.
    let ours = bpfpin(&["-j", "map", "dump", "pinned", &d.join("maps/jmp")]).ok().json();
    let theirs = bpftool(&["-j", "map", "dump", "pinned", &d.join("maps/jmp")]).ok().json();
    assert_eq!(ours[0]["key"], theirs[0]["key"], "{ours}\n{theirs}");
    assert_eq!(ours[0]["value"], theirs[0]["value"], "{ours}\n{theirs}");
    // The real effect: entry_prog counts in inner_a through outer, then
    // tail-calls slot 1, whose XDP_DROP is what the run returns.
    let pkt = TempFile::new("pkt", &[0u8; 64]);
    let j = bpfpin(&["-j", "prog", "run", "pinned", &d.join("all/entry_prog"), "data_in", &pkt.s()]).ok().json();
    assert_eq!(j["retval"], 1, "the tail call did not reach target_prog (XDP_DROP): {j}");
    let v = bpftool(&["-j", "map", "lookup", "pinned", &d.join("maps/inner_a"), "key", "0", "0", "0", "0"]).ok().json();
    assert_eq!(v["value"][0], "0x01", "inner_a was not reached through outer: {v}");
}

// ---------------------------------------------------------------------------
// 7. Global data maps under libbpf's names
// ---------------------------------------------------------------------------

#[test]
fn global_data_maps_are_pinned_and_named_as_bpftool_does() {
    require_root!();
    for (obj, pins) in [
        (sample("xdp_count/xdp_count.bpf.o"), vec!["xdp_coun_bss", "xdp_coun_rodata"]),
        (object("globals.o"), vec!["globals_bss", "globals_data", "globals_rodata"]),
    ] {
        let d = BpffsDir::new();
        loadall(&obj, &d.join("ours"), &["--pin-maps", &d.join("ours_maps")]);
        bpftool(&["prog", "loadall", &obj, &d.join("theirs"), "pinmaps", &d.join("theirs_maps")]).ok();
        let theirs = entries(&d.join("theirs_maps"));
        assert_eq!(theirs, pins, "bpftool's pins for {obj}");
        assert_eq!(entries(&d.join("ours_maps")), theirs, "pins for {obj}");
        for pin in &pins {
            let (a, b) = (d.join(&format!("ours_maps/{pin}")), d.join(&format!("theirs_maps/{pin}")));
            let want = tool_map(&b)["name"].clone();
            assert_eq!(tool_map(&a)["name"], want, "kernel name of {pin}");
            let ours = bpfpin(&["-j", "map", "show", "pinned", &a]).ok().json();
            assert_eq!(ours["name"], want, "bpfpin's `map show` name of {pin}: {ours}");
        }
        // And the program uses exactly those maps.
        let prog = entries(&d.join("ours")).pop().expect("a program");
        let mut used = prog_map_ids(&d.join(&format!("ours/{prog}")));
        let mut pinned: Vec<u64> = pins.iter().map(|p| map_id(&d.join(&format!("ours_maps/{p}")))).collect();
        used.sort();
        pinned.sort();
        assert_eq!(used, pinned, "{obj}");
    }
}

// ---------------------------------------------------------------------------
// 8. BTF errors with their detail
// ---------------------------------------------------------------------------

/// Bytes of trailing data after a `btf_type` of this kind (the kernel's layout).
fn btf_extra(kind: u32, vlen: u32) -> usize {
    use aya_obj::generated::*;
    let vlen = vlen as usize;
    match kind {
        BTF_KIND_INT | BTF_KIND_VAR | BTF_KIND_DECL_TAG => 4,
        BTF_KIND_ARRAY => 12,
        BTF_KIND_STRUCT | BTF_KIND_UNION | BTF_KIND_DATASEC | BTF_KIND_ENUM64 => 12 * vlen,
        BTF_KIND_ENUM | BTF_KIND_FUNC_PROTO => 8 * vlen,
        _ => 0,
    }
}

/// A copy of `obj` with the first BTF type of `kind` changed by `patch`
/// (given the type's bytes: `name_off`, `info`, `size/type`, then its
/// trailing data); returns the file and the changed type's id.
fn with_patched_btf(obj: &str, kind: u32, patch: impl Fn(&mut [u8])) -> (TempFile, u32) {
    use object::{Object, ObjectSection};
    let mut bytes = fs::read(obj).expect("object");
    let (start, size) = {
        let f = object::File::parse(&*bytes).expect("ELF");
        let s = f.section_by_name(".BTF").expect(".BTF section");
        let (off, size) = s.file_range().expect(".BTF in the file");
        (off as usize, size as usize)
    };
    let rd = |b: &[u8], o: usize| u32::from_le_bytes(b[start + o..start + o + 4].try_into().expect("u32"));
    let hdr_len = rd(&bytes, 4) as usize;
    let (type_off, type_len) = (rd(&bytes, 8) as usize, rd(&bytes, 12) as usize);
    let mut at = hdr_len + type_off;
    let end = (at + type_len).min(size);
    let mut id = 1u32;
    while at + 12 <= end {
        let info = rd(&bytes, at + 4);
        let (k, vlen) = ((info >> 24) & 0x1f, info & 0xffff);
        let len = 12 + btf_extra(k, vlen);
        if k == kind {
            patch(&mut bytes[start + at..start + at + len]);
            return (TempFile::new("corrupt.o", &bytes), id);
        }
        at += len;
        id += 1;
    }
    panic!("no BTF type of kind {kind} in {obj}");
}

#[test]
fn corrupt_btf_is_refused_with_its_detail() {
    require_root!();
    let d = BpffsDir::new();
    let obj = object("counter_xdp.o");
    // A PTR to a type id far past the last type: found by parsing.
    let bad = 0x7fff_fff0u32;
    let (dangling, ptr_id) =
        with_patched_btf(&obj, aya_obj::generated::BTF_KIND_PTR, |t| t[8..12].copy_from_slice(&bad.to_le_bytes()));
    // An INT of 200 bits: parses, but the kernel's BTF check refuses it
    // ("nr_bits exceeds 128"); libbpf then loads without BTF, aya 0.14
    // fails later on the first map with a bare EINVAL.
    let (wide, int_id) = with_patched_btf(&obj, aya_obj::generated::BTF_KIND_INT, |t| {
        let data = u32::from_le_bytes(t[12..16].try_into().expect("INT data"));
        t[12..16].copy_from_slice(&((data & !0xff) | 200).to_le_bytes());
    });
    let cases: [(&TempFile, Vec<String>); 2] = [
        (&dangling, vec![bad.to_string(), format!("{bad:#x}"), format!("[{ptr_id}]"), format!("type {ptr_id} ")]),
        (&wide, vec!["nr_bits".to_string(), "200 bits".to_string(), "200-bit".to_string()]),
    ];
    for (file, detail) in cases {
        for verb in ["loadall", "load"] {
            let r = bpfpin(&["prog", verb, &file.s(), &d.join("p"), "--pin-maps", &d.join("maps")]);
            let e = r.stderr();
            assert_eq!(r.code(), Some(1), "{verb}: exit {:?}\n{e}", r.code());
            let error_line =
                e.lines().find(|l| l.starts_with("Error: ")).unwrap_or_else(|| panic!("no Error line:\n{e}"));
            assert!(e.contains("  fix: "), "{e}");
            assert!(error_line.contains("BTF"), "{verb}: the error does not say BTF:\n{e}");
            assert!(
                detail.iter().any(|s| error_line.contains(s.as_str())),
                "{verb}: the error lacks the BTF detail (one of {detail:?}; INT is type [{int_id}]):\n{e}"
            );
            assert!(!e.contains("panicked"), "{e}");
            assert!(d.snapshot().is_empty(), "{verb} left {:?}", d.snapshot());
        }
    }
    // The same object unbroken loads: the failures were the BTF.
    loadall(&obj, &d.join("p"), &["--pin-maps", &d.join("maps")]);
    assert!(id(&tool_prog(&d.join("p/count_xdp"))) > 0);
}

/// Old clang and hand-written assembly left program sections whose entry is
/// a NOTYPE global, or no symbol at all: each executable section is then one
/// program (as samples/bpf and iproute2 took them), not silently nothing.
#[test]
fn sections_without_function_symbols_are_programs() {
    require_root!();
    let d = BpffsDir::new();
    loadall(&object("old_clang.o"), &d.join("p"), &[]);
    assert_eq!(entries(&d.join("p")), ["old_entry", "socket_nameless"]);
    assert_eq!(tool_prog(&d.join("p/old_entry"))["type"], "xdp");
    assert_eq!(tool_prog(&d.join("p/socket_nameless"))["type"], "socket_filter");
    // It is the code of the section: `r0 = 2; exit` returns XDP_PASS.
    let pkt = TempFile::new("pkt", &[0u8; 64]);
    let j = bpfpin(&["-j", "prog", "run", "pinned", &d.join("p/old_entry"), "data_in", &pkt.s()]).ok().json();
    assert_eq!(j["retval"], 2, "{j}");
}

/// samples/bpf's 28-byte map definitions (inner_map_idx, numa_node where
/// aya's layout has id, pinning): the array of maps gets map 0 as its inner
/// template and an fd-sized value, so the verifier accepts the program's use
/// of the inner value, and a real inner map plugged into slot 0 counts.
#[test]
fn samples_bpf_map_in_map_definitions_load() {
    require_root!();
    let d = BpffsDir::new();
    loadall(&object("samples_bpf_maps.o"), &d.join("p"), &["--pin-maps", &d.join("m")]);
    let outer = tool_map(&d.join("m/outer"));
    assert_eq!((outer["type"].as_str(), outer["bytes_value"].as_u64()), (Some("array_of_maps"), Some(4)), "{outer}");
    bpfpin(&[
        "map",
        "update",
        "pinned",
        &d.join("m/outer"),
        "key",
        "0",
        "0",
        "0",
        "0",
        "value",
        "pinned",
        &d.join("m/inner"),
    ])
    .ok();
    let pkt = TempFile::new("pkt", &[0u8; 64]);
    bpfpin(&["prog", "run", "pinned", &d.join("p/samples_outer"), "data_in", &pkt.s(), "repeat", "3"]).ok();
    let v = first_value(map_id(&d.join("m/inner")));
    assert_eq!(u64_at(&v, 0), 3, "inner[0] after 3 runs through outer[0]");
}

/// struct_ops programs load with the kernel struct they implement a member
/// of (`tcp_congestion_ops`, from the `.struct_ops` variable) as
/// attach_btf_id and that member's index in the kernel's struct as
/// expected_attach_type; the struct_ops map itself is not registered.
#[test]
fn struct_ops_programs_load_with_their_kernel_struct_and_member() {
    require_root!();
    let d = BpffsDir::new();
    let t = traced(&["prog", "loadall", &object("struct_ops.o"), &d.join("p")]);
    t.run.ok();
    let dump = vmlinux_btf();
    let st = vmlinux_id("STRUCT", "tcp_congestion_ops");
    // The kernel struct's members in order, from bpftool's dump.
    let head = format!("[{st}] STRUCT 'tcp_congestion_ops'");
    let members: Vec<String> = dump
        .lines()
        .skip_while(|l| !l.starts_with(&head))
        .skip(1)
        .take_while(|l| l.starts_with('\t'))
        .filter_map(|l| l.trim_start().strip_prefix('\'')?.split('\'').next().map(str::to_string))
        .collect();
    for (prog, member) in [("ops_init", "init"), ("ops_ssthresh", "ssthresh"), ("ops_cong_avoid", "cong_avoid")] {
        let l = t.loads.iter().find(|l| l.name == prog).unwrap_or_else(|| panic!("{prog} not loaded: {:?}", t.loads));
        let index = members.iter().position(|m| m == member).expect("member in the kernel struct") as u64;
        assert_eq!(l.prog_type, pt::BPF_PROG_TYPE_STRUCT_OPS as u64, "{}", l.line);
        assert_eq!((l.attach_btf_id, l.expected_attach_type), (st, index), "{prog}: {}", l.line);
        assert_eq!(tool_prog(&d.join(&format!("p/{prog}")))["type"], "struct_ops");
    }
    // Loading registers nothing: no struct_ops map exists for this object.
    let maps = bpftool(&["-j", "map", "show"]).ok().json();
    assert!(!maps.as_array().into_iter().flatten().any(|m| m["name"] == "ops_cc"), "ops_cc was created");
}

/// A ring buffer of 5000 bytes is created as libbpf creates it: rounded up
/// to a power-of-two number of pages, which bpftool's load of the same
/// object also shows.
#[test]
fn ring_buffer_sizes_round_up_to_pages_as_libbpf() {
    require_root!();
    let d = BpffsDir::new();
    let obj = object("ringbuf_pages.o");
    loadall(&obj, &d.join("p"), &["--pin-maps", &d.join("m")]);
    bpftool(&["prog", "loadall", &obj, &d.join("tp"), "pinmaps", &d.join("tm")]).ok();
    let ours = tool_map(&d.join("m/odd_ring"));
    let theirs = tool_map(&d.join("tm/odd_ring"));
    assert_eq!(ours["max_entries"], theirs["max_entries"], "{ours} vs {theirs}");
    let page = 4096; // this project's machines; a larger page rounds further
    assert_eq!(ours["max_entries"].as_u64(), Some(2 * page), "{ours}");
}
