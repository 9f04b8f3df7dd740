//! `link attach`, `autoattach` and `perf show` against the real kernel:
//! tracing programs count exactly the events a test process causes, and
//! stop counting when their link pin goes; kprobe and fentry paths reach
//! the kernel's refusal and explain it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use crate::require_root;
use crate::util::{BpffsDir, TempDir, bpfpin, bpftool, object, sh, unique};

/// The `formatted` values of a map dump with BTF (u32 key, u64 value).
fn counts(map: &str) -> Vec<u64> {
    let v = bpfpin(&["-j", "map", "dump", map]).ok().json();
    v.as_array().expect("a dump is an array").iter().map(|e| e["formatted"]["value"].as_u64().expect("u64")).collect()
}

/// Per-CPU values of key 0 of a PERCPU_ARRAY of u64.
fn per_cpu(map: &str) -> Vec<u64> {
    let v = bpfpin(&["-j", "map", "dump", map]).ok().json();
    v[0]["formatted"]["values"]
        .as_array()
        .expect("per-CPU values")
        .iter()
        .map(|c| c["value"].as_u64().unwrap())
        .collect()
}

/// The id of the link pinned at `pin`.
fn link_id(pin: &str) -> u64 {
    bpftool(&["-j", "link", "show", "pinned", pin]).ok().json()["id"].as_u64().expect("a link id")
}

/// Waits until the kernel has released the links: removing the last pin
/// drops the link in a deferred work item, a moment after `rm` returns,
/// and that work frees the id just before it detaches the program.
fn wait_gone(ids: &[u64]) {
    for _ in 0..100 {
        let links = bpftool(&["-j", "link", "show"]).ok().json();
        let live = |id: &u64| links.as_array().unwrap().iter().any(|l| l["id"].as_u64() == Some(*id));
        if !ids.iter().any(live) {
            std::thread::sleep(std::time::Duration::from_millis(200));
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("links {ids:?} outlived their pins");
}

/// `struct config { u32 pid; char comm[16]; }` as `map update` bytes.
fn set_config(map: &str, pid: u32, comm: &str) {
    let mut bytes = pid.to_le_bytes().to_vec();
    let mut c = comm.as_bytes().to_vec();
    c.resize(16, 0);
    bytes.extend(c);
    let value: Vec<String> = bytes.iter().map(|b| b.to_string()).collect();
    let mut args = vec!["map", "update", map, "key", "0", "0", "0", "0", "value"];
    args.extend(value.iter().map(String::as_str));
    bpfpin(&args).ok();
}

/// A child that prints its pid, then for each line read makes N getpid
/// system calls (raw syscalls: no libc caching) and says `done`.
struct Getpid {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    pid: u32,
    _dir: TempDir,
}

impl Getpid {
    fn spawn(n: u32) -> Getpid {
        let dir = TempDir::new();
        let src = dir.join("getpid.c");
        let bin = dir.join("getpid");
        let code = format!(
            "#include <stdio.h>\n#include <unistd.h>\n#include <sys/syscall.h>\n\
             int main(void) {{ char l[16]; printf(\"%d\\n\", getpid()); fflush(stdout);\n\
             while (fgets(l, sizeof l, stdin)) {{ for (int i = 0; i < {n}; i++) syscall(SYS_getpid);\n\
             printf(\"done\\n\"); fflush(stdout); }} return 0; }}\n"
        );
        std::fs::write(&src, code).unwrap();
        sh("cc", &["-O1", "-o", &bin, &src]).ok();
        let mut child = Command::new(&bin).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let pid = line.trim().parse().unwrap();
        Getpid { child, stdin, stdout, pid, _dir: dir }
    }

    fn round(&mut self) {
        self.stdin.write_all(b"go\n").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "done");
    }
}

impl Drop for Getpid {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Loads attach_trace.o: programs under D/progs, maps under D/maps.
fn load_trace(d: &BpffsDir, extra: &[&str]) -> String {
    let (obj, progs, maps) = (object("attach_trace.o"), d.join("progs"), d.join("maps"));
    let mut args = vec!["prog", "loadall", &obj, &progs, "--pin-maps", &maps];
    args.extend(extra);
    bpfpin(&args).ok().stdout()
}

#[test]
fn tracepoint_counts_exactly_the_getpid_calls() {
    require_root!();
    let d = BpffsDir::new();
    load_trace(&d, &[]);
    let link = d.join("getpid_link");
    let out =
        bpfpin(&["link", "attach", &d.join("progs/count_getpid"), "tracepoint", "syscalls:sys_enter_getpid", &link])
            .ok()
            .stdout();
    assert!(out.contains("attached, link id") && out.contains(&link), "{out}");
    let shown = bpftool(&["-j", "link", "show", "pinned", &link]).ok().json();
    assert_eq!(shown["type"], "perf_event", "{shown}");

    let mut child = Getpid::spawn(37);
    set_config(&d.join("maps/config"), child.pid, "");
    child.round();
    assert_eq!(counts(&d.join("maps/counts"))[0], 37);
    child.round();
    assert_eq!(counts(&d.join("maps/counts"))[0], 74);

    // The pin is the attachment: removing it detaches.
    let id = link_id(&link);
    bpfpin(&["prog", "rm", &link]).ok();
    wait_gone(&[id]);
    child.round();
    assert_eq!(counts(&d.join("maps/counts"))[0], 74);
}

/// Runs a copy of /bin/true named `comm` `n` times.
fn exec_n(dir: &TempDir, comm: &str, n: u32) {
    let bin = dir.join(comm);
    if !std::path::Path::new(&bin).exists() {
        std::fs::copy("/bin/true", &bin).unwrap();
    }
    for _ in 0..n {
        assert!(Command::new(&bin).status().unwrap().success());
    }
}

#[test]
fn raw_tp_and_tp_btf_count_execs_with_the_recorded_section() {
    require_root!();
    let d = BpffsDir::new();
    let tmp = TempDir::new();
    load_trace(&d, &[]);
    // No TARGET: the sections bpfpin recorded at load say
    // raw_tp/sched_process_exec and tp_btf/sched_process_exec.
    bpfpin(&["link", "attach", &d.join("progs/count_exec_raw"), &d.join("raw")]).ok();
    bpfpin(&["link", "attach", &d.join("progs/count_exec_btf"), &d.join("btf")]).ok();
    let raw = bpftool(&["-j", "link", "show", "pinned", &d.join("raw")]).ok().json();
    assert_eq!(raw["type"], "raw_tracepoint", "{raw}");
    assert_eq!(raw["tp_name"], "sched_process_exec", "{raw}");
    let btf = bpftool(&["-j", "link", "show", "pinned", &d.join("btf")]).ok().json();
    assert_eq!(btf["type"], "raw_tracepoint", "{btf}");

    let comm = unique("bx");
    set_config(&d.join("maps/config"), 0, &comm);
    exec_n(&tmp, &comm, 5);
    let c = counts(&d.join("maps/counts"));
    assert_eq!((c[1], c[2]), (5, 5), "{c:?}");

    let ids = [link_id(&d.join("raw")), link_id(&d.join("btf"))];
    bpfpin(&["prog", "rm", &d.join("raw"), &d.join("btf")]).ok();
    wait_gone(&ids);
    exec_n(&tmp, &comm, 3);
    let c = counts(&d.join("maps/counts"));
    assert_eq!((c[1], c[2]), (5, 5), "{c:?}");
}

#[test]
fn without_a_record_a_target_is_needed() {
    require_root!();
    let d = BpffsDir::new();
    // bpftool loads it: bpfpin has no record of its section.
    bpftool(&["prog", "load", &object("attach_trace.o"), &d.join("p")]).ok();
    let before = d.snapshot();
    bpfpin(&["link", "attach", &d.join("p"), &d.join("l")]).err("needs an attach target");
    assert_eq!(d.snapshot(), before);
    // Named, it attaches.
    bpfpin(&["link", "attach", &d.join("p"), "tracepoint", "syscalls/sys_enter_getpid", &d.join("l")]).ok();
}

#[test]
fn task_iterator_prints_every_task() {
    require_root!();
    let d = BpffsDir::new();
    bpfpin(&["prog", "loadall", &object("attach_iter.o"), &d.join("progs")]).ok();
    let pin = d.join("tasks");
    bpfpin(&["-j", "link", "attach", &d.join("progs/dump_tasks"), "iter", &pin]).ok();
    let mut sleeper = Command::new("sleep").arg("30").spawn().unwrap();
    let comm = format!("/proc/{}/comm", sleeper.id());
    while std::fs::read_to_string(&comm).unwrap_or_default().trim() != "sleep" {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let before = pids();
    let text = std::fs::read_to_string(&pin).unwrap();
    let after = pids();
    let _ = sleeper.kill();
    let _ = sleeper.wait();
    let seen: std::collections::HashSet<u32> =
        text.lines().filter_map(|l| l.split_whitespace().next()?.parse().ok()).collect();
    assert!(seen.contains(&std::process::id()), "own pid missing:\n{text}");
    assert!(
        text.lines().any(|l| l.starts_with(&format!("{} ", sleeper.id())) && l.ends_with(" sleep")),
        "sleep {} missing:\n{text}",
        sleeper.id()
    );
    // Every process alive throughout is listed. Pid 1 of this machine is
    // hidden from task iterators (bpftool's iterator shows the same).
    for pid in before.intersection(&after).filter(|&&p| p != 1) {
        assert!(seen.contains(pid), "pid {pid} missing:\n{text}");
    }
}

fn pids() -> std::collections::HashSet<u32> {
    std::fs::read_dir("/proc").unwrap().flatten().filter_map(|e| e.file_name().to_str()?.parse().ok()).collect()
}

#[test]
fn perf_event_samples_on_every_cpu() {
    require_root!();
    let d = BpffsDir::new();
    bpfpin(&["prog", "loadall", &object("attach_perf.o"), &d.join("progs"), "--pin-maps", &d.join("maps")]).ok();
    let dir = d.join("sampler");
    let out =
        bpfpin(&["link", "attach", &d.join("progs/count_samples"), "perf_event", "cpu-clock", "freq", "1000", &dir])
            .ok()
            .stdout();
    let online = std::fs::read_to_string("/sys/devices/system/cpu/online").unwrap();
    let ncpu = out.lines().count();
    assert!(ncpu >= 1 && std::path::Path::new(&format!("{dir}/cpu{}", ncpu - 1)).exists(), "{out} ({online})");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let v = per_cpu(&d.join("maps/samples"));
    for c in 0..ncpu {
        assert!(v[c] > 0, "CPU {c} took no sample: {v:?}");
    }
    let ids: Vec<u64> = (0..ncpu).map(|c| link_id(&format!("{dir}/cpu{c}"))).collect();
    bpfpin(&["prog", "rm", "-r", &dir]).ok();
    wait_gone(&ids);
    let stopped = per_cpu(&d.join("maps/samples"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(per_cpu(&d.join("maps/samples")), stopped);
}

#[test]
fn autoattach_attaches_all_and_rm_detaches_all() {
    require_root!();
    let d = BpffsDir::new();
    let tmp = TempDir::new();
    let out = load_trace(&d, &["autoattach"]);
    assert_eq!(out.matches("attached, link id").count(), 3, "{out}");
    let link_ids: Vec<u64> = ["count_getpid", "count_exec_raw", "count_exec_btf"]
        .iter()
        .map(|p| link_id(&d.join(&format!("progs/{p}"))))
        .collect();
    let mut child = Getpid::spawn(11);
    let comm = unique("ba");
    set_config(&d.join("maps/config"), child.pid, &comm);
    child.round();
    exec_n(&tmp, &comm, 2);
    assert_eq!(counts(&d.join("maps/counts")), vec![11, 2, 2]);

    bpfpin(&["prog", "rm", "-r", &d.join("progs")]).ok();
    wait_gone(&link_ids);
    child.round();
    exec_n(&tmp, &comm, 2);
    assert_eq!(counts(&d.join("maps/counts")), vec![11, 2, 2]);
}

#[test]
fn autoattach_keeps_what_needs_a_target_pinned_and_says_so() {
    require_root!();
    let d = BpffsDir::new();
    let out = bpfpin(&["prog", "load", &object("attach_perf.o"), &d.join("p"), "--autoattach"]).ok().stdout();
    assert!(out.contains("(not attached: perf_event needs an event"), "{out}");
    let p = bpftool(&["-j", "prog", "show", "pinned", &d.join("p")]).ok().json();
    assert_eq!(p["type"], "perf_event");
}

#[test]
fn autoattach_is_all_or_nothing() {
    require_root!();
    let d = BpffsDir::new();
    // attach_kprobe.o's programs cannot attach here (no kprobes): nothing
    // of the object stays, neither programs nor links.
    bpfpin(&["prog", "loadall", &object("attach_kprobe.o"), &d.join("progs"), "autoattach"]).err("CONFIG_KPROBES");
    assert!(d.snapshot().is_empty(), "{:?}", d.snapshot());
}

#[test]
fn kprobe_targets_reach_the_missing_kprobe_pmu() {
    require_root!();
    if std::path::Path::new("/sys/bus/event_source/devices/kprobe").exists() {
        eprintln!("skipped: this kernel has kprobes; the test covers kernels without them");
        return;
    }
    let d = BpffsDir::new();
    bpfpin(&["prog", "loadall", &object("attach_kprobe.o"), &d.join("progs")]).ok();
    let before = d.snapshot();
    let syscall = if cfg!(target_arch = "x86_64") { "kprobe __x64_sys_getpid" } else { "sys_getpid" };
    for (prog, target, says) in [
        ("probe_unlinkat", vec![], "kprobe do_unlinkat"),
        ("retprobe_unlinkat", vec![], "kretprobe do_unlinkat"),
        ("probe_getpid", vec![], syscall),
        ("probe_unlinkat", vec!["kprobe", "do_sys_openat2+0x4"], "kprobe do_sys_openat2+0x4"),
        ("probe_unlinkat", vec!["ksyscall", "openat"], "sys_openat"),
    ] {
        let p = d.join(&format!("progs/{prog}"));
        let l = d.join("l");
        let mut args = vec!["link", "attach", p.as_str()];
        args.extend(target.iter().copied());
        args.push(&l);
        let r = bpfpin(&args).err("this kernel has no kprobes");
        assert!(r.stderr().contains(says) && r.stderr().contains("CONFIG_KPROBES"), "{}", r.stderr());
        assert_eq!(d.snapshot(), before);
    }
}

#[test]
fn kprobe_multi_is_refused_by_the_kernel_and_explained() {
    require_root!();
    let d = BpffsDir::new();
    let tmp = TempDir::new();
    bpfpin(&["prog", "loadall", &object("attach_kprobe.o"), &d.join("progs")]).ok();
    let trace = tmp.join("strace");
    let r = sh(
        "strace",
        &[
            "-f",
            "-e",
            "trace=bpf",
            "-o",
            &trace,
            env!("CARGO_BIN_EXE_bpfpin"),
            "link",
            "attach",
            &d.join("progs/multi_unlinkat"),
            &d.join("l"),
        ],
    );
    let log = std::fs::read_to_string(&trace).unwrap();
    // bpfpin asked for the functions the section's glob matches.
    assert!(
        log.lines().any(|l| l.contains("BPF_TRACE_KPROBE_MULTI") && l.contains("\"do_unlinkat\"")),
        "no kprobe.multi link was asked for:\n{log}"
    );
    if r.code() == Some(0) {
        eprintln!("this kernel has multi-kprobes; the link attached");
        return;
    }
    assert!(r.stderr().contains("the kernel refused kprobe.multi do_unlinkat*"), "{}", r.stderr());
    assert!(r.stderr().contains("CONFIG_FPROBE") && r.stderr().contains("  fix: "), "{}", r.stderr());
    assert!(!std::path::Path::new(&d.join("l")).exists());
}

#[test]
fn fentry_load_is_refused_and_a_wrong_fixed_target_explained() {
    require_root!();
    let d = BpffsDir::new();
    let r = bpfpin(&["prog", "load", &object("attach_fentry.o"), &d.join("f"), "autoattach"]);
    if r.code() == Some(0) {
        eprintln!("this kernel loads fentry programs");
    } else {
        r.err("the kernel refused to load program `enter_unlinkat`: Operation not permitted");
    }
    // A loadable program given a fentry target: the kernel's EINVAL, explained.
    load_trace(&d, &[]);
    bpfpin(&["link", "attach", &d.join("progs/count_getpid"), "fentry", &d.join("l")])
        .err("the kernel refused to attach program `count_getpid` (tracepoint) to its fentry target");
    assert!(!std::path::Path::new(&d.join("l")).exists());
}

#[test]
fn bad_input_is_one_sentence_and_leaves_nothing() {
    require_root!();
    let d = BpffsDir::new();
    load_trace(&d, &[]);
    bpfpin(&["prog", "loadall", &object("attach_iter.o"), &d.join("iters")]).ok();
    std::fs::create_dir(d.join("taken")).unwrap();
    let before = d.snapshot();
    let getpid = d.join("progs/count_getpid");
    let tasks = d.join("iters/dump_tasks");
    let taken = d.join("taken");
    let nothing = d.join("progs/nothing");
    let l = d.join("l");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![&getpid, "tracepoint", "syscalls:sys_enter_nope", &l], "no tracepoint `syscalls:sys_enter_nope`"),
        (vec![&getpid, "tracepoint", "nocolon", &l], "is not a tracepoint name"),
        (vec![&tasks, "tracepoint", "syscalls:sys_enter_getpid", &l], "does not fit this hook (Invalid argument)"),
        (vec![&getpid, "perf_event", "cpu-clock", &l], "does not fit this hook"),
        (vec![&getpid, "perf_event", "nonsense", &l], "not a perf event bpfpin knows"),
        (vec![&getpid, "raw_tp", "no_such_tp_h1", &l], "raw tracepoint no_such_tp_h1"),
        (vec![&getpid, "bogus", &l], "`bogus` is not an attach target"),
        (vec![&getpid, &taken], "already exists"),
        (vec![&getpid, "/tmp/not-bpffs-link"], "not on a BPF filesystem"),
        (vec![&nothing, &l], ""),
    ];
    for (words, needle) in cases {
        let mut args = vec!["link", "attach"];
        args.extend(words);
        bpfpin(&args).err(needle);
        assert_eq!(d.snapshot(), before, "{args:?} left something");
    }
    assert!(!std::path::Path::new("/tmp/not-bpffs-link").exists());
    if !std::path::Path::new("/sys/bus/event_source/devices/cpu").exists() {
        let args = ["link", "attach", &getpid, "perf_event", "cycles", "cpu", "0", &l];
        bpfpin(&args).err("no hardware counter for `cycles`");
    }
}

/// A python process holding a raw tracepoint link fd, a tracepoint perf
/// event and a uprobe and uretprobe with programs: what `perf show` (and
/// bpftool's `perf list`) list.
const HOLDER: &str = r#"
import ctypes, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def obj_get(path):
    p = ctypes.create_string_buffer(path.encode())
    attr = ctypes.create_string_buffer(struct.pack("=QII", ctypes.addressof(p), 0, 0).ljust(128, b"\0"))
    fd = libc.syscall(321, 7, attr, 128)
    if fd < 0: raise OSError(ctypes.get_errno(), "BPF_OBJ_GET " + path)
    return fd
keep = [obj_get(sys.argv[1])]
tp = int(open("/sys/kernel/tracing/events/syscalls/sys_enter_getpid/id").read())
attr = ctypes.create_string_buffer(struct.pack("=IIQ", 2, 64, tp).ljust(64, b"\0"))
pfd = libc.syscall(298, attr, -1, 0, -1, 8)
if pfd < 0: raise OSError(ctypes.get_errno(), "perf_event_open")
if libc.ioctl(pfd, 0x40042408, obj_get(sys.argv[2])) < 0: raise OSError(ctypes.get_errno(), "SET_BPF")
keep.append(pfd)
# A uprobe and a uretprobe at offset 0x40 of /bin/true, through the uprobe
# PMU (config bit 0: return probe; config1: the path; config2: the offset).
utype = int(open("/sys/bus/event_source/devices/uprobe/type").read())
path = ctypes.create_string_buffer(b"/bin/true")
kprog = obj_get(sys.argv[3])
for ret in (0, 1):
    attr = ctypes.create_string_buffer(
        struct.pack("=IIQQQQQIIQQ", utype, 72, ret, 0, 0, 0, 0, 0, 0, ctypes.addressof(path), 0x40))
    pfd = libc.syscall(298, attr, -1, 0, -1, 8)
    if pfd < 0: raise OSError(ctypes.get_errno(), "perf_event_open uprobe")
    if libc.ioctl(pfd, 0x40042408, kprog) < 0: raise OSError(ctypes.get_errno(), "SET_BPF uprobe")
    keep.append(pfd)
print("ready", flush=True)
sys.stdin.read()
"#;

#[test]
fn perf_show_equals_bpftool_perf_list() {
    require_root!();
    let d = BpffsDir::new();
    load_trace(&d, &[]);
    bpfpin(&["prog", "loadall", &object("attach_kprobe.o"), &d.join("kprobes")]).ok();
    bpfpin(&["link", "attach", &d.join("progs/count_exec_raw"), &d.join("raw")]).ok();
    let mut holder = Command::new("python3")
        .args(["-c", HOLDER, &d.join("raw"), &d.join("progs/count_getpid"), &d.join("kprobes/probe_unlinkat")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(holder.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    let pid = holder.id();

    // Other processes may come and go between the two runs: compare the
    // holder's lines, which are stable.
    let mine = |text: String| -> Vec<String> {
        text.lines().filter(|l| l.starts_with(&format!("pid {pid} "))).map(str::to_string).collect()
    };
    let ours = mine(bpfpin(&["perf", "show"]).ok().stdout());
    let theirs = mine(bpftool(&["perf", "list"]).ok().stdout());
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 4, "{ours:?}");
    assert!(ours[0].ends_with("raw_tracepoint  sched_process_exec"), "{ours:?}");
    assert!(ours[1].ends_with("tracepoint  sys_enter_getpid"), "{ours:?}");
    assert!(ours[2].ends_with("uprobe  filename /bin/true  offset 64"), "{ours:?}");
    assert!(ours[3].ends_with("uretprobe  filename /bin/true  offset 64"), "{ours:?}");

    let mine_json = |v: serde_json::Value| -> Vec<String> {
        v.as_array().unwrap().iter().filter(|e| e["pid"] == pid).map(|e| e.to_string()).collect()
    };
    let ours = mine_json(bpfpin(&["-j", "perf", "list"]).ok().json());
    let theirs = mine_json(bpftool(&["-j", "perf", "show"]).ok().json());
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 4);
    drop(holder.stdin.take());
    let _ = holder.wait();

    // Byte for byte, when nothing else changed meanwhile.
    for args in [&["perf", "show"][..], &["-j", "perf", "show"][..]] {
        let same = (0..5).any(|_| bpfpin(args).ok().out.stdout == bpftool(args).ok().out.stdout);
        assert!(same, "bpfpin {args:?} differs from bpftool's");
    }
}

/// A cgroup made for one test under the cgroup2 mount, removed on drop.
struct Cgroup(std::path::PathBuf);

impl Cgroup {
    fn new(parent: Option<&Cgroup>) -> Cgroup {
        let base = parent.map_or(std::path::PathBuf::from("/sys/fs/cgroup/unified"), |p| p.0.clone());
        let p = base.join(unique("bpfpin-cg"));
        std::fs::create_dir(&p).unwrap_or_else(|e| panic!("creating {}: {e}", p.display()));
        Cgroup(p)
    }
    fn id(&self) -> u64 {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(&self.0).unwrap().ino()
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

#[test]
fn cgroup_iterator_walks_the_given_cgroup() {
    require_root!();
    if !std::path::Path::new("/sys/fs/cgroup/unified/cgroup.procs").exists() {
        eprintln!("skipped: no cgroup2 mount at /sys/fs/cgroup/unified");
        return;
    }
    let d = BpffsDir::new();
    // autoattach: the task iterator attaches, the cgroup iterator needs a
    // cgroup and stays a program.
    let out = bpfpin(&["prog", "loadall", &object("attach_iter.o"), &d.join("progs"), "autoattach"]).ok().stdout();
    assert!(out.contains("dump_tasks (id") && out.contains("attached, link id"), "{out}");
    assert!(out.contains("dump_cgroups (id") && out.contains("(not attached: iter needs a map or cgroup"), "{out}");
    let tasks = std::fs::read_to_string(d.join("progs/dump_tasks")).unwrap();
    assert!(tasks.lines().any(|l| l.starts_with(&format!("{} ", std::process::id()))), "{tasks}");

    let top = Cgroup::new(None);
    let sub = Cgroup::new(Some(&top));
    let prog = d.join("progs/dump_cgroups");
    let top_path = top.0.display().to_string();
    bpfpin(&["link", "attach", &prog, "iter", "cgroup", &top_path, &d.join("walk")]).ok();
    let walk = std::fs::read_to_string(d.join("walk")).unwrap();
    assert_eq!(walk, format!("cgroup {}\ncgroup {}\n", top.id(), sub.id()));
    bpfpin(&["link", "attach", &prog, "iter", "cgroup", &top_path, "order", "self", &d.join("self")]).ok();
    assert_eq!(std::fs::read_to_string(d.join("self")).unwrap(), format!("cgroup {}\n", top.id()));
    bpfpin(&["link", "attach", &prog, "iter", "cgroup", &top_path, "order", "sideways", &d.join("x")]).err("order");
    bpfpin(&["link", "attach", &prog, "iter", &d.join("x")]).err("does not fit this hook");
}

#[test]
fn a_section_record_counts_only_for_its_own_program() {
    require_root!();
    let d = BpffsDir::new();
    let tmp = TempDir::new();
    load_trace(&d, &[]);
    let prog = d.join("progs/count_getpid");
    let info = bpftool(&["-j", "prog", "show", "pinned", &prog]).ok().json();
    let (id, tag) = (info["id"].as_u64().unwrap(), info["tag"].as_str().unwrap().to_string());
    let record = format!("/run/bpfpin/sections/{id}");
    let good = std::fs::read_to_string(&record).unwrap();
    assert_eq!(good, format!("id {id}\ntag {tag}\nsection tracepoint/syscalls/sys_enter_getpid\n"));
    let dir = std::fs::metadata("/run/bpfpin/sections").unwrap();
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&dir.permissions()) & 0o777, 0o700);

    // Another program's tag (an id reused after a reboot of the counter):
    // the record is not this program's.
    std::fs::write(&record, good.replace(&tag, "0011223344556677")).unwrap();
    bpfpin(&["link", "attach", &prog, &d.join("l")]).err("needs an attach target");
    // A symlink planted in its place is not followed.
    let elsewhere = tmp.join("record");
    std::fs::write(&elsewhere, &good).unwrap();
    std::fs::remove_file(&record).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &record).unwrap();
    bpfpin(&["link", "attach", &prog, &d.join("l")]).err("needs an attach target");
    std::fs::remove_file(&record).unwrap();
    std::fs::write(&record, &good).unwrap();
    bpfpin(&["link", "attach", &prog, &d.join("l")]).ok();
}
