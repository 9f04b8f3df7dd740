//! `map events`: the execsnoop sample's tracepoint programs attached for
//! real (a perf event of sched/sched_process_exec with
//! PERF_EVENT_IOC_SET_BPF, done by a tiny C helper this test builds with
//! gcc, since bpfpin cannot attach tracepoints yet), a known binary exec'd
//! several times, and the records bpfpin prints checked against what the
//! test knows: the binary's path and name, each child's pid, our pid as the
//! parent. Both a ring buffer and a perf event array; the perf layout and
//! keys are compared with bpftool's `map event_pipe`.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

use crate::require_root;
use crate::util::{BpffsDir, Run, bpfpin, bpftool_map, sample, sh, unique};

/// Attaches the pinned program argv[1] to the tracepoint with id argv[2],
/// prints "ready" and holds the attachment until its stdin closes. One perf
/// event is enough: a tracepoint runs its programs on every CPU.
const TP_ATTACH_C: &str = r#"
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct perf_event_attr a;
	char c;
	int prog, fd;

	if (argc != 3)
		return 2;
	prog = bpf_obj_get(argv[1]);
	if (prog < 0) { perror("bpf_obj_get"); return 1; }
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = strtoull(argv[2], NULL, 10);
	a.sample_period = 1;
	a.wakeup_events = 1;
	fd = syscall(SYS_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) { perror("perf_event_open"); return 1; }
	if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog) < 0) { perror("PERF_EVENT_IOC_SET_BPF"); return 1; }
	if (ioctl(fd, PERF_EVENT_IOC_ENABLE, 0) < 0) { perror("PERF_EVENT_IOC_ENABLE"); return 1; }
	printf("ready\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
"#;

/// A scratch directory under /tmp, removed on drop.
struct TmpDir(PathBuf);

impl TmpDir {
    fn new() -> TmpDir {
        let p = std::env::temp_dir().join(unique("bpfpin-ev-"));
        std::fs::create_dir_all(&p).unwrap();
        TmpDir(p)
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The helper, built once per test process.
fn tp_attach() -> &'static Path {
    static BIN: OnceLock<(TmpDir, PathBuf)> = OnceLock::new();
    &BIN.get_or_init(|| {
        let dir = TmpDir::new();
        let src = dir.0.join("tp_attach.c");
        let bin = dir.0.join("tp_attach");
        std::fs::write(&src, TP_ATTACH_C).unwrap();
        sh("gcc", &["-O1", "-o", bin.to_str().unwrap(), src.to_str().unwrap(), "-lbpf"]).ok();
        (dir, bin)
    })
    .1
}

fn exec_tracepoint_id() -> String {
    ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]
        .iter()
        .find_map(|d| std::fs::read_to_string(format!("{d}/events/sched/sched_process_exec/id")).ok())
        .expect("tracefs with sched/sched_process_exec")
        .trim()
        .to_string()
}

/// A program attached to sched_process_exec while this lives.
struct Attached {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Attached {
    fn new(prog_pin: &str) -> Attached {
        let mut child = Command::new(tp_attach())
            .args([prog_pin, &exec_tracepoint_id()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line, "ready\n", "the attach helper failed (see its stderr above)");
        Attached { child, stdin }
    }
}

impl Drop for Attached {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// A copy of /bin/true under a name of our own, so its records are ours.
struct Probe {
    _dir: TmpDir,
    path: String,
    comm: String,
}

impl Probe {
    fn new() -> Probe {
        let dir = TmpDir::new();
        let comm = unique("evp");
        let path = dir.0.join(&comm);
        std::fs::copy("/bin/true", &path).unwrap();
        Probe { path: path.display().to_string(), comm, _dir: dir }
    }

    /// Exec it `n` times; the children's pids.
    fn run(&self, n: usize) -> BTreeSet<u64> {
        self.run_with(n, &[])
    }

    /// The same through `prefix` (`taskset -c 0`), which execs the probe in
    /// place (same pid).
    fn run_with(&self, n: usize, prefix: &[&str]) -> BTreeSet<u64> {
        (0..n)
            .map(|_| {
                let mut argv: Vec<&str> = prefix.to_vec();
                argv.push(&self.path);
                let mut c = Command::new(argv[0]).args(&argv[1..]).spawn().unwrap();
                let pid = u64::from(c.id());
                assert!(c.wait().unwrap().success());
                pid
            })
            .collect()
    }
}

fn load(d: &BpffsDir) {
    bpfpin(&["prog", "loadall", &sample("execsnoop/execsnoop.bpf.o"), &d.join("p"), "--pin-maps", &d.join("m")]).ok();
}

/// Run bpfpin with `args` in the background, exec the probe `n` times
/// after `settle`, then stop it with SIGINT; its output and the pids.
fn read_while_exec(args: &[&str], probe: &Probe, n: usize, program: &str) -> (Run, BTreeSet<u64>) {
    read_while_exec_with(args, probe, n, program, &[])
}

fn read_while_exec_with(
    args: &[&str],
    probe: &Probe,
    n: usize,
    program: &str,
    prefix: &[&str],
) -> (Run, BTreeSet<u64>) {
    let child = Command::new(program).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // Perf buffers only take records once the reader has put them in the map.
    std::thread::sleep(Duration::from_millis(700));
    let pids = probe.run_with(n, prefix);
    std::thread::sleep(Duration::from_millis(500));
    sh("kill", &["-INT", &child.id().to_string()]);
    let out = child.wait_with_output().unwrap();
    (Run { cmd: format!("{program} {}", args.join(" ")), out }, pids)
}

fn lines(r: &Run) -> Vec<Value> {
    r.stdout().lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

/// The records of our probe, checked field by field: its path and name,
/// a pid of one of the children, and us as the parent.
fn check_ours(records: &[Value], probe: &Probe, pids: &BTreeSet<u64>) {
    let ours: Vec<&Value> =
        records.iter().filter(|r| r["formatted"]["filename"].as_str() == Some(probe.path.as_str())).collect();
    assert_eq!(ours.len(), pids.len(), "one record per exec: {ours:?}");
    let seen: BTreeSet<u64> = ours.iter().map(|r| r["formatted"]["pid"].as_u64().unwrap()).collect();
    assert_eq!(&seen, pids);
    for r in ours {
        assert_eq!(r["formatted"]["comm"], probe.comm.as_str(), "{r}");
        assert_eq!(r["formatted"]["ppid"], u64::from(std::process::id()), "{r}");
        // `data` is the raw record: pid first, as bytes.
        let data: Vec<u8> = r["data"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect();
        assert_eq!(
            u64::from(u32::from_ne_bytes(data[..4].try_into().unwrap())),
            r["formatted"]["pid"].as_u64().unwrap()
        );
    }
}

/// The totals line: records, bytes, lost.
fn totals(r: &Run) -> (u64, u64, u64) {
    let e = r.stderr();
    let l = e.lines().last().unwrap_or_else(|| panic!("no totals: {e}"));
    let n: Vec<u64> =
        l.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect();
    assert!(l.ends_with(" lost") && n.len() == 3, "totals line: {l}");
    (n[0], n[1], n[2])
}

#[test]
fn ringbuf_records_are_typed_and_complete() {
    require_root!();
    let d = BpffsDir::new();
    load(&d);
    let _attached = Attached::new(&d.join("p/execsnoop"));
    let probe = Probe::new();
    let map = d.join("m/events");
    let bin = env!("CARGO_BIN_EXE_bpfpin");

    // -j: one JSON object per line, typed with --type, stopped by SIGINT.
    let (r, pids) = read_while_exec(&["-j", "map", "events", "pinned", &map, "--type", "event"], &probe, 5, bin);
    assert_eq!(r.code(), Some(0), "{}", r.stderr());
    let recs = lines(&r);
    for rec in &recs {
        let keys: Vec<&str> = rec.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["data", "formatted"], "{rec}");
        assert_eq!(rec["data"].as_array().unwrap().len(), 88, "sizeof(struct event): {rec}");
    }
    check_ours(&recs, &probe, &pids);
    let (n, bytes, lost) = totals(&r);
    assert_eq!((n, bytes, lost), (recs.len() as u64, 88 * recs.len() as u64, 0));

    // Records wait in the ring for a reader: --count takes exactly N, the
    // plain form prints each typed on one line.
    probe.run(3);
    let r = bpfpin(&["map", "events", "pinned", &map, "--count", "3", "--type", "struct event"]).ok();
    let out = r.stdout();
    assert_eq!(out.lines().count(), 3, "{out}");
    for l in out.lines() {
        assert!(l.starts_with("{pid: ") && l.contains(", comm: \"") && l.contains(", filename: \""), "{l}");
    }
    assert_eq!(totals(&r), (3, 264, 0));

    // Untyped: bpftool's raw hex rows.
    probe.run(1);
    let r = bpfpin(&["map", "events", "pinned", &map, "--count", "1"]).ok();
    let out = r.stdout();
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[0], "== ringbuf: 88 bytes =====", "{out}");
    assert_eq!(rows.len(), 1 + 6, "88 bytes are 5 full rows of 16 and one of 8: {out}");
    assert_eq!(rows[1].len(), "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00".len(), "{out}");

    // --duration ends a reader however few records come.
    let t = std::time::Instant::now();
    let r = bpfpin(&["map", "events", "pinned", &map, "--duration", "0.3"]).ok();
    assert!(t.elapsed() < Duration::from_secs(3), "{}", r.stderr());
    totals(&r);
    bpfpin(&["map", "events", "pinned", &map, "--type", "nonexistent_t"]).err("no type `nonexistent_t`");
}

#[test]
fn perf_event_array_records_match_bpftool_event_pipe() {
    require_root!();
    let d = BpffsDir::new();
    load(&d);
    let _attached = Attached::new(&d.join("p/execsnoop_perf"));
    let probe = Probe::new();
    let map = d.join("m/perf_events");
    let bin = env!("CARGO_BIN_EXE_bpfpin");

    let (r, pids) = read_while_exec(&["-j", "map", "events", "pinned", &map, "--type", "event"], &probe, 5, bin);
    assert_eq!(r.code(), Some(0), "{}", r.stderr());
    let recs = lines(&r);
    let ncpu = std::fs::read_to_string("/sys/devices/system/cpu/online").unwrap();
    for rec in &recs {
        let keys: Vec<&str> = rec.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["type", "cpu", "index", "timestamp", "data", "formatted"], "{rec}");
        assert_eq!(rec["type"], 9, "PERF_RECORD_SAMPLE: {rec}");
        assert_eq!(rec["cpu"], rec["index"], "{rec} ({ncpu})");
        // The raw sample is padded to 8 bytes with its u32 size: 88 + 4.
        assert_eq!(rec["data"].as_array().unwrap().len(), 92, "{rec}");
    }
    check_ours(&recs, &probe, &pids);
    let (n, _, lost) = totals(&r);
    assert_eq!((n, lost), (recs.len() as u64, 0), "nothing lost at this rate");

    // bpftool's event_pipe on the same map: the same keys (without
    // `formatted`) and the same bytes for our records.
    let (b, bpids) = read_while_exec(&["-j", "map", "event_pipe", "pinned", &map], &probe, 3, "bpftool");
    let theirs: Vec<Value> = b.json().as_array().unwrap().clone();
    let ours: Vec<&Value> = theirs
        .iter()
        .filter(|r| {
            let data: Vec<u8> = r["data"].as_array().unwrap().iter().map(|b| b.as_u64().unwrap() as u8).collect();
            data.windows(probe.path.len()).any(|w| w == probe.path.as_bytes())
        })
        .collect();
    assert_eq!(ours.len(), bpids.len(), "{}", b.stdout());
    for rec in ours {
        let keys: Vec<&str> = rec.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["type", "cpu", "index", "timestamp", "data"], "{rec}");
        assert_eq!(rec["data"].as_array().unwrap().len(), 92, "{rec}");
    }

    // The plain layout: bpftool's header line, then hex rows. Only CPU 0
    // has a buffer now, so the probe runs there (a sample on another CPU
    // finds no perf event at its index and is dropped by the helper).
    let args = ["map", "event_pipe", "pinned", &map, "cpu", "0", "index", "0", "--hex"];
    let (r, _) = read_while_exec_with(&args, &probe, 2, bin, &["taskset", "-c", "0"]);
    assert_eq!(r.code(), Some(0), "{}", r.stderr());
    let out = r.stdout();
    let header = out.lines().next().unwrap_or_else(|| panic!("no output: {}", r.stderr()));
    assert!(header.starts_with("== @") && header.ends_with(" CPU: 0 index: 0 ====="), "{out}");
}

#[test]
fn events_refuses_what_it_cannot_read() {
    require_root!();
    let d = BpffsDir::new();
    let hash = bpftool_map(&d, "h", "hash", 4, 8, 4, "evh");
    bpfpin(&["map", "events", "pinned", &hash]).err("not a ring buffer or perf event array");
    load(&d);
    let rb = d.join("m/events");
    bpfpin(&["map", "dump", "pinned", &rb]).err("bpfpin map events");
    bpfpin(&["map", "events", "pinned", &rb, "cpu", "0", "index", "0"]).err("no per-CPU buffers");
    bpfpin(&["map", "events", "pinned", &d.join("m/perf_events"), "cpu", "0"]).err("must be given together");
    bpfpin(&["map", "events", "pinned", &d.join("m/perf_events"), "cpu", "0", "index", "99"]).err("out of range");
}

/// A ring buffer that declares its record type (`__type(value, struct
/// rec)`, which libbpf cannot load) prints its records typed without
/// `--type`; `--type rec --btf OBJ` finds the type in a file instead. The
/// records come from a syscall program run with `prog run`; a ring buffer
/// has one consumer, so the two readers take turns.
#[test]
fn declared_ring_buffer_type_is_the_default() {
    require_root!();
    let d = BpffsDir::new();
    let obj = crate::util::object("ringbuf_typed.o");
    bpfpin(&["prog", "loadall", &obj, &d.join("p"), "--pin-maps", &d.join("m")]).ok();
    let ring = d.join("m/typed_ring");
    let ctx = std::env::temp_dir().join(unique("bpfpin-ctx-"));
    std::fs::write(&ctx, [0u8; 8]).unwrap();
    let ctx_s = ctx.display().to_string();
    let emit = d.join("p/emit");
    let read = |extra: &[&str], n: usize| -> Run {
        let bin = env!("CARGO_BIN_EXE_bpfpin");
        let child = Command::new(bin)
            .args(["-j", "map", "events", "pinned", &ring, "--count", &n.to_string(), "--duration", "20"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        for _ in 0..n {
            bpfpin(&["prog", "run", "pinned", &emit, "ctx_in", &ctx_s]).ok();
        }
        Run { cmd: format!("map events {extra:?}"), out: child.wait_with_output().unwrap() }
    };
    let want = serde_json::json!({"pid": 42, "seq": 7, "tag": "bpfpin"});
    let run = read(&[], 2);
    let recs = lines(&run);
    assert_eq!(recs.len(), 2, "{}", run.stderr());
    assert!(recs.iter().all(|r| r["formatted"] == want), "{recs:?}");
    assert_eq!(totals(&run), (2, 32, 0), "{}", run.stderr());
    let run = read(&["--type", "rec", "--btf", &obj], 1);
    let recs = lines(&run);
    assert_eq!(recs.len(), 1, "{}", run.stderr());
    assert_eq!(recs[0]["formatted"], want);
    let _ = std::fs::remove_file(&ctx);
    // --btf without --type is refused by the grammar.
    let r = bpfpin(&["map", "events", "pinned", &ring, "--btf", &obj]);
    assert_eq!(r.code(), Some(2), "{}", r.stderr());
}

/// `--write` puts records into a user ring buffer: typed JSON through BTF
/// and `{"data":[...]}` lines, which a program drains with
/// bpf_user_ringbuf_drain (run by `prog run`) and sums into .bss.
#[test]
fn write_feeds_a_user_ring_buffer_that_a_program_drains() {
    require_root!();
    let d = BpffsDir::new();
    let obj = crate::util::object("user_ringbuf.o");
    bpfpin(&["prog", "loadall", &obj, &d.join("p"), "--pin-maps", &d.join("m")]).ok();
    let ring = d.join("m/to_kernel");
    let tmp = std::env::temp_dir();
    let typed = tmp.join(unique("bpfpin-urb-"));
    std::fs::write(&typed, "{\"value\": 5, \"tag\": 1, \"pad\": 0}\n\n{\"value\": 7, \"tag\": 2, \"pad\": 0}\n")
        .unwrap();
    let raw = tmp.join(unique("bpfpin-urb-"));
    std::fs::write(&raw, "{\"data\":[10,0,0,0,0,0,0,0,3,0,0,0,0,0,0,0]}\n").unwrap();
    let ctx = tmp.join(unique("bpfpin-ctx-"));
    std::fs::write(&ctx, [0u8; 8]).unwrap();
    let s = |p: &PathBuf| p.display().to_string();
    let w = bpfpin(&["map", "events", "pinned", &ring, "--write", &s(&typed), "--type", "user_rec"]).ok();
    assert!(w.stderr().contains("2 records, 32 bytes written"), "{}", w.stderr());
    bpfpin(&["map", "events", "pinned", &ring, "--write", &s(&raw)]).ok();
    bpfpin(&["prog", "run", "pinned", &d.join("p/drain"), "ctx_in", &s(&ctx)]).ok();
    let bss = bpfpin(&["-j", "map", "dump", "pinned", &d.join("m/user_rin_bss")]).ok().json();
    // bpftool's DATASEC form: {".bss": [{"total": N}, {"drained": M}]}.
    let v = &bss[0]["formatted"]["value"][".bss"];
    assert_eq!((v[0]["total"].as_u64(), v[1]["drained"].as_u64()), (Some(22), Some(3)), "{bss}");
    // Reading it, writing a wrong line, or writing to another map type: one sentence each.
    let r = bpfpin(&["map", "events", "pinned", &ring]);
    assert_eq!(r.code(), Some(1));
    assert!(r.stderr().contains("--write"), "{}", r.stderr());
    std::fs::write(&raw, "{\"value\": \"x\"}\n").unwrap();
    let r = bpfpin(&["map", "events", "pinned", &ring, "--write", &s(&raw)]);
    assert_eq!(r.code(), Some(1));
    assert!(r.stderr().contains("line 1"), "{}", r.stderr());
    for p in [&typed, &raw, &ctx] {
        let _ = std::fs::remove_file(p);
    }
}
