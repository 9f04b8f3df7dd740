//! `bpfpin doctor`: the environment check, on this machine and in a private
//! mount namespace without bpffs.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::require_root;
use crate::util::*;

const CHECKS: &[&str] = &[
    "privileges",
    "bpffs",
    "tracefs",
    "btf",
    "jit",
    "unprivileged_bpf",
    "memlock",
    "kernel",
    "tcx",
    "xdp_link",
    "batch_ops",
];

/// The array of checks: the first JSON document on stdout. When a check
/// fails, main adds the `{"error", "fix"}` document after it.
fn rows(run: &Run) -> Vec<Value> {
    let mut docs = serde_json::Deserializer::from_slice(&run.out.stdout).into_iter::<Value>();
    let first = docs.next().unwrap_or_else(|| panic!("no JSON on stdout: {}", run.stdout()));
    let first = first.unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", run.stdout()));
    first.as_array().unwrap_or_else(|| panic!("not an array: {first}")).clone()
}

fn row<'a>(rows: &'a [Value], check: &str) -> &'a Value {
    rows.iter().find(|r| r["check"] == check).unwrap_or_else(|| panic!("no `{check}` check in {rows:?}"))
}

fn bpffs_mounted_on_host() -> bool {
    fs::read_to_string("/proc/self/mounts")
        .unwrap_or_default()
        .lines()
        .any(|l| l.split_whitespace().nth(1) == Some("/sys/fs/bpf") && l.split_whitespace().nth(2) == Some("bpf"))
}

#[test]
fn json_rows_have_the_keys_and_exit_status_follows_failures() {
    let run = bpfpin(&["-j", "doctor"]);
    let rows = rows(&run);
    let names: Vec<&str> = rows.iter().map(|r| r["check"].as_str().unwrap_or_default()).collect();
    assert_eq!(names, CHECKS);
    for r in &rows {
        let keys: Vec<&str> = r.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(keys, ["check", "status", "detail", "fix"], "{r}");
        assert!(["ok", "warn", "fail"].contains(&r["status"].as_str().unwrap_or_default()), "{r}");
        assert!(!r["detail"].as_str().unwrap_or_default().is_empty(), "{r}");
        if r["status"] == "fail" {
            assert!(!r["fix"].as_str().unwrap_or_default().is_empty(), "a failure without a fix: {r}");
        }
    }
    let failed = rows.iter().filter(|r| r["status"] == "fail").count();
    if failed == 0 {
        assert_eq!(run.code(), Some(0), "{}", run.stderr());
    } else {
        run.err("failed");
    }
}

#[test]
fn plain_output_is_a_table() {
    let run = bpfpin(&["doctor"]);
    let out = run.stdout();
    let header: Vec<&str> = out.lines().next().unwrap_or_default().split_whitespace().collect();
    assert_eq!(header, ["CHECK", "STATUS", "DETAIL", "FIX"], "{out}");
    for check in CHECKS {
        assert!(out.lines().any(|l| l.split_whitespace().next() == Some(check)), "no row for {check}: {out}");
    }
}

#[test]
fn root_btf_and_jit_are_reported_as_this_machine_has_them() {
    require_root!();
    let rows = rows(&bpfpin(&["-j", "doctor"]));
    assert_eq!(row(&rows, "privileges")["status"], "ok", "running as root");
    assert_eq!(row(&rows, "bpffs")["status"], "ok");
    let btf = if Path::new("/sys/kernel/btf/vmlinux").exists() { "ok" } else { "warn" };
    assert_eq!(row(&rows, "btf")["status"], btf);
    let jit = fs::read_to_string("/proc/sys/net/core/bpf_jit_enable").unwrap_or_default();
    let jit = if jit.trim() == "1" { "ok" } else { "warn" };
    assert_eq!(row(&rows, "jit")["status"], jit);
    let release = fs::read_to_string("/proc/sys/kernel/osrelease").expect("osrelease");
    assert!(row(&rows, "kernel")["detail"].as_str().unwrap_or_default().contains(release.trim()));
}

#[test]
fn missing_bpffs_is_a_failure_in_a_private_mount_namespace() {
    require_root!();
    if !bpffs_mounted_on_host() || Command::new("unshare").arg("--version").output().is_err() {
        eprintln!("skipped: needs bpffs mounted at /sys/fs/bpf and unshare(1)");
        return;
    }
    // unshare -m makes the namespace's mounts private, so the umounts stay
    // inside it; -n keeps bpfpin from mounting bpffs again.
    let script = format!(
        "umount /sys/fs/bpf 2>/dev/null; umount /sys/fs/bpf 2>/dev/null; exec {} -n -j doctor",
        env!("CARGO_BIN_EXE_bpfpin")
    );
    let run = sh("unshare", &["-m", "sh", "-c", &script]);
    assert!(bpffs_mounted_on_host(), "the host lost its bpffs mount");
    let rows = rows(&run);
    let bpffs = row(&rows, "bpffs");
    assert_eq!(bpffs["status"], "fail", "{bpffs}");
    assert!(bpffs["detail"].as_str().unwrap_or_default().contains("not mounted at /sys/fs/bpf"), "{bpffs}");
    assert!(bpffs["fix"].as_str().unwrap_or_default().contains("mount -t bpf bpf /sys/fs/bpf"), "{bpffs}");
    run.err("check");
}
