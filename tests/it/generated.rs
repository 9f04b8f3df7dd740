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
    assert!(s.contains("complete -F _bpfpin bpfpin") && s.contains("__complete bash"), "{s}");
}

/// Every verb's --help ends with examples, and every man page has an
/// EXAMPLES section; the grammar is shown as words, global flags only at the top.
#[test]
fn every_verb_has_examples_and_word_usage() {
    let bin = env!("CARGO_BIN_EXE_bpfpin");
    let help = |args: &[&str]| {
        let out = Command::new(bin).args(args).arg("--help").output().unwrap();
        assert!(out.status.success(), "{args:?} --help");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let top = help(&[]);
    assert!(top.contains("--json") && top.contains("--netns"), "{top}");
    let mut verbs = 0;
    for object in ["prog", "map", "net", "link"] {
        let page = help(&[object]);
        let list: Vec<String> = page
            .split("Commands:")
            .nth(1)
            .and_then(|s| s.split("Options:").next())
            .unwrap_or("")
            .lines()
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .filter(|v| v != "help")
            .collect();
        assert!(!list.is_empty(), "{page}");
        for verb in list {
            let h = help(&[object, &verb]);
            let tail = h.rsplit("Examples:\n").next().unwrap_or("");
            assert!(h.contains("Examples:\n") && tail.contains("bpfpin "), "{object} {verb}: no examples\n{h}");
            assert!(
                !h.contains("-j, --json") && !h.contains("--netns <"),
                "{object} {verb} repeats the global flags\n{h}"
            );
            let usage = h.lines().find(|l| l.starts_with("Usage:")).unwrap_or("");
            assert!(!usage.contains('<') && usage.contains(&format!("bpfpin {object} ")), "{object} {verb}: {usage}");
            verbs += 1;
        }
    }
    for verb in ["ls", "completions", "doctor"] {
        let h = help(&[verb]);
        assert!(h.contains("Examples:\n  bpfpin "), "{verb}: no examples\n{h}");
        verbs += 1;
    }
    assert!(verbs >= 40, "only {verbs} verbs");
    let update = help(&["map", "update"]);
    assert!(update.contains("Usage: bpfpin map update MAP key DATA value VALUE [any | noexist | exist]"), "{update}");
    let man = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    for n in files(&man) {
        let page = std::fs::read_to_string(man.join(&n)).unwrap();
        assert!(page.contains(".SH EXAMPLES"), "man/{n} has no EXAMPLES section");
    }
}

/// Global flags are shown once but still taken after the verb, as bpftool does.
#[test]
fn global_flags_after_the_verb() {
    let bin = env!("CARGO_BIN_EXE_bpfpin");
    // `doctor` needs no root; -j after it must give JSON.
    let out = Command::new(bin).args(["doctor", "-j"]).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.trim_start().starts_with('[') || s.trim_start().starts_with('{'), "doctor -j: {s}");
}
