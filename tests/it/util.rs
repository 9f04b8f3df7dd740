//! Test harness: run the real binary, unique bpffs directories and network
//! namespaces that clean up on drop, and the root check DESIGN.md asks for.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A name unique to this test process and call, short enough for interfaces.
pub fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("{prefix}{}x{n}", std::process::id() % 100_000)
}

pub fn is_root() -> bool {
    // /proc/self/status "Uid:" real effective ...; effective 0 is root.
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        .unwrap_or(false)
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Skip (with a reason) when not root, except in CI where it must fail.
#[macro_export]
macro_rules! require_root {
    () => {
        if !$crate::util::root_or_skip() {
            return;
        }
    };
}

pub fn root_or_skip() -> bool {
    if is_root() && Path::new("/sys/fs/bpf").exists() {
        return true;
    }
    if in_ci() {
        panic!("this test needs root and bpffs; CI=true makes that a failure, not a skip");
    }
    eprintln!("skipped: needs root and bpffs at /sys/fs/bpf (run the tests as root)");
    false
}

pub fn objects() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/objects")
}

pub fn object(name: &str) -> String {
    objects().join(name).display().to_string()
}

pub fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples").join(name).display().to_string()
}

/// The result of one command, with assertions that print everything on failure.
pub struct Run {
    pub cmd: String,
    pub out: Output,
}

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }
    pub fn code(&self) -> Option<i32> {
        self.out.status.code()
    }
    fn describe(&self) -> String {
        format!("`{}` exited {:?}\n--- stdout\n{}\n--- stderr\n{}", self.cmd, self.code(), self.stdout(), self.stderr())
    }
    #[track_caller]
    pub fn ok(self) -> Run {
        assert!(self.out.status.success(), "expected success: {}", self.describe());
        self
    }
    /// Failure with exit 1, one `Error:` line containing `needle`, a fix line, and no panic.
    #[track_caller]
    pub fn err(self, needle: &str) -> Run {
        let e = self.stderr();
        assert_eq!(self.code(), Some(1), "expected exit 1: {}", self.describe());
        assert!(e.contains(needle), "stderr lacks {needle:?}: {}", self.describe());
        assert!(e.contains("Error: ") && e.contains("  fix: "), "no Error/fix lines: {}", self.describe());
        assert!(!e.contains("panicked") && !e.contains("RUST_BACKTRACE"), "panic: {}", self.describe());
        self
    }
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.out.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.describe()))
    }
}

fn run(program: &str, args: &[&str]) -> Run {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    Run { cmd: format!("{program} {}", args.join(" ")), out }
}

pub fn bpfpin(args: &[&str]) -> Run {
    run(env!("CARGO_BIN_EXE_bpfpin"), args)
}

pub fn bpftool(args: &[&str]) -> Run {
    run("bpftool", args)
}

pub fn sh(program: &str, args: &[&str]) -> Run {
    run(program, args)
}

/// A private directory on bpffs, removed with everything in it on drop.
pub struct BpffsDir {
    pub path: PathBuf,
}

impl BpffsDir {
    pub fn new() -> BpffsDir {
        let path = PathBuf::from(format!("/sys/fs/bpf/{}", unique("bpfpin_t")));
        fs::create_dir(&path).unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        BpffsDir { path }
    }
    pub fn join(&self, name: &str) -> String {
        self.path.join(name).display().to_string()
    }
    pub fn s(&self) -> String {
        self.path.display().to_string()
    }
    /// Every path below the directory, sorted, to compare before and after.
    pub fn snapshot(&self) -> Vec<String> {
        let mut v = Vec::new();
        walk(&self.path, &mut v);
        v.sort();
        v
    }
}

fn walk(dir: &Path, out: &mut Vec<String>) {
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            out.push(e.path().display().to_string());
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&e.path(), out);
            }
        }
    }
}

impl Drop for BpffsDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// A pin outside a test directory (e.g. LIBBPF_PIN_BY_NAME into /sys/fs/bpf),
/// removed on drop.
pub struct PinGuard(pub PathBuf);

impl Drop for PinGuard {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// A network namespace with a veth pair: `host` side in the namespace `ns`,
/// `peer` side in a second namespace `peer_ns`, addressed 10.x.y.1/.2 — all
/// traffic stays between the two namespaces this test made.
pub struct NetNs {
    pub ns: String,
    pub peer_ns: String,
    pub host: String,
    pub peer: String,
    pub host_ip: String,
    pub peer_ip: String,
}

impl NetNs {
    pub fn new() -> NetNs {
        let id = unique("");
        let n = COUNTER.fetch_add(1, Ordering::SeqCst) % 250 + 1;
        let ns = NetNs {
            ns: format!("bpt{id}a"),
            peer_ns: format!("bpt{id}b"),
            host: format!("vh{id}"),
            peer: format!("vp{id}"),
            host_ip: format!("10.{}.{}.1", 200 + (std::process::id() % 50), n),
            peer_ip: format!("10.{}.{}.2", 200 + (std::process::id() % 50), n),
        };
        let ipns = |ns: &str, args: &[&str]| {
            let mut a = vec!["-n", ns];
            a.extend_from_slice(args);
            sh("ip", &a).ok();
        };
        sh("ip", &["netns", "add", &ns.ns]).ok();
        sh("ip", &["netns", "add", &ns.peer_ns]).ok();
        ipns(&ns.ns, &["link", "add", &ns.host, "type", "veth", "peer", "name", &ns.peer, "netns", &ns.peer_ns]);
        ipns(&ns.ns, &["addr", "add", &format!("{}/24", ns.host_ip), "dev", &ns.host]);
        ipns(&ns.peer_ns, &["addr", "add", &format!("{}/24", ns.peer_ip), "dev", &ns.peer]);
        ipns(&ns.ns, &["link", "set", &ns.host, "up"]);
        ipns(&ns.peer_ns, &["link", "set", &ns.peer, "up"]);
        ipns(&ns.ns, &["link", "set", "lo", "up"]);
        ipns(&ns.peer_ns, &["link", "set", "lo", "up"]);
        ns
    }

    /// Run a command inside `ns` without the /sys remount `ip netns exec`
    /// does (which would hide bpffs pins).
    pub fn exec(&self, ns: &str, args: &[&str]) -> Run {
        let netns = format!("--net=/run/netns/{ns}");
        let mut a = vec![netns.as_str()];
        a.extend_from_slice(args);
        sh("nsenter", &a)
    }

    /// bpfpin inside the host namespace.
    pub fn bpfpin(&self, args: &[&str]) -> Run {
        let mut a = vec![env!("CARGO_BIN_EXE_bpfpin")];
        a.extend_from_slice(args);
        self.exec(&self.ns, &a)
    }

    /// `count` pings from the peer namespace to the host side.
    pub fn ping_from_peer(&self, count: u32) -> Run {
        let c = count.to_string();
        self.exec(&self.peer_ns, &["ping", "-c", &c, "-i", "0.05", "-W", "1", &self.host_ip])
    }
}

impl Drop for NetNs {
    fn drop(&mut self) {
        // Deleting the namespaces removes the veth pair and its attachments.
        let _ = Command::new("ip").args(["netns", "del", &self.ns]).output();
        let _ = Command::new("ip").args(["netns", "del", &self.peer_ns]).output();
    }
}

/// `bpftool map create D/file type T key K value V entries E name N` (a map
/// made by the reference tool, without BTF); returns the pin path.
pub fn bpftool_map(d: &BpffsDir, file: &str, kind: &str, key: u32, value: u32, entries: u32, name: &str) -> String {
    let pin = d.join(file);
    let (k, v, e) = (key.to_string(), value.to_string(), entries.to_string());
    bpftool(&["map", "create", &pin, "type", kind, "key", &k, "value", &v, "entries", &e, "name", name]).ok();
    pin
}

/// A scratch file under the temp dir, removed on drop.
pub struct TempFile(pub PathBuf);

impl TempFile {
    pub fn new(name: &str, bytes: &[u8]) -> TempFile {
        let p = std::env::temp_dir().join(unique(&format!("bpfpin-{name}-")));
        std::fs::write(&p, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", p.display()));
        TempFile(p)
    }
    pub fn s(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A scratch directory under the temp dir, removed with its contents on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        let p = std::env::temp_dir().join(unique("bpfpin-dir-"));
        std::fs::create_dir(&p).unwrap_or_else(|e| panic!("creating {}: {e}", p.display()));
        TempDir(p)
    }
    pub fn join(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
