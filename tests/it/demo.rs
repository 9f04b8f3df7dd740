//! The README's first command runs end to end and leaves nothing behind.

use std::process::Command;

use crate::require_root;
use crate::util::*;

fn leftovers() -> Vec<String> {
    let mut v = Vec::new();
    let ns = sh("ip", &["netns", "list"]).stdout();
    v.extend(ns.lines().filter(|l| l.starts_with("bpfdemo")).map(|l| format!("netns {l}")));
    let links = sh("ip", &["-br", "link", "show"]).stdout();
    v.extend(links.lines().filter(|l| l.contains("vdemo")).map(|l| format!("link {l}")));
    if let Ok(rd) = std::fs::read_dir("/sys/fs/bpf") {
        v.extend(
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("bpfpin_demo_"))
                .map(|n| format!("pin {n}")),
        );
    }
    v
}

#[test]
fn demo_runs_end_to_end_and_cleans_up() {
    require_root!();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/demo.sh");
    let out = Command::new("bash")
        .arg(&script)
        .env("BPFPIN_BIN", env!("CARGO_BIN_EXE_bpfpin"))
        .output()
        .expect("running scripts/demo.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "demo failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    // It taught the CLI and showed real counts.
    assert!(stdout.contains("$ bpfpin --netns"), "{stdout}");
    assert!(stdout.contains("Found 2 elements") || stdout.contains("Found 1 element"), "{stdout}");
    assert!(stdout.contains("demo: done"), "{stdout}");
    // The tc counter saw the pings: a non-zero packets count is printed.
    let ingress: Vec<u64> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("key: 0  value: {packets: "))
        .filter_map(|rest| rest.split(',').next()?.parse().ok())
        .collect();
    assert!(
        ingress.len() >= 2 && ingress[0] >= 10 && ingress[1] >= ingress[0] + 10,
        "tc counts {ingress:?}:\n{stdout}"
    );
    let left = leftovers();
    assert!(left.is_empty(), "the demo left {left:?}");
}
