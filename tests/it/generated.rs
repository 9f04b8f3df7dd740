//! completions/ and man/ must equal what the clap definitions generate now.

use std::path::Path;
use std::process::Command;

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let tmp = std::env::temp_dir().join(format!("bpfpin-gen-{}", std::process::id()));
    let st = Command::new(env!("CARGO_BIN_EXE_bpfpin")).args(["generate", "--out"]).arg(&tmp).status().unwrap();
    assert!(st.success());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for sub in ["completions", "man"] {
        let (want, have) = (tmp.join(sub), root.join(sub));
        let names = files(&want);
        if names != files(&have) {
            stale.push(format!("{sub}/ has other files than the generator writes"));
        }
        for n in names {
            if std::fs::read(want.join(&n)).ok() != std::fs::read(have.join(&n)).ok() {
                stale.push(format!("{sub}/{n}"));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(stale.is_empty(), "stale generated files: {stale:?}\nfix: cargo run -q -- generate --out .");
}

#[test]
fn completions_verb_prints_a_script() {
    let out = Command::new(env!("CARGO_BIN_EXE_bpfpin")).args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("_bpfpin") && s.contains("loadall"), "{s}");
}
