//! Completion on a real shell: source completions/bpfpin.bash in `bash -c`,
//! set COMP_WORDS/COMP_CWORD, call the completion function and read
//! COMPREPLY; candidates come from the running kernel through the binary.

use std::path::Path;
use std::process::Command;

use crate::util::{BpffsDir, NetNs, bpfpin, unique};

/// COMPREPLY for the command line `words` (the last word is the one being
/// completed), with the committed completions/bpfpin.bash.
fn complete(words: &[&str]) -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/bpfpin.bash");
    let bin = env!("CARGO_BIN_EXE_bpfpin");
    // Words are passed as positional parameters, so nothing is re-quoted.
    let prog =
        r#"source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _bpfpin; printf '%s\n' "${COMPREPLY[@]}""#;
    let out = Command::new("bash")
        .args(["-c", prog, "bash"])
        .arg(&script)
        .arg(bin)
        .args(words)
        .output()
        .expect("running bash");
    assert!(out.status.success(), "bash failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
}

#[test]
fn verbs_flags_and_words() {
    assert!(complete(&["ma"]).contains(&"map".to_string()));
    let verbs = complete(&["map", ""]);
    for v in ["show", "dump", "update", "create", "watch"] {
        assert!(verbs.iter().any(|c| c == v), "{v} missing from {verbs:?}");
    }
    let flags = complete(&["map", "dump", "id", "1", "--"]);
    assert!(flags.iter().any(|c| c.starts_with("--hex")), "{flags:?}");
    assert!(flags.iter().any(|c| c.starts_with("--json")), "globals are taken after the verb: {flags:?}");
    assert_eq!(complete(&["map", "update", "id", "1", "key", "1", "0", "0", "0", "v"]), ["value"]);
    let upd = complete(&["map", "update", "id", "1", "key", "1", "0", "0", "0", "value", "2", "0", "0", "0", ""]);
    assert_eq!(upd, ["any", "noexist", "exist"]);
    let types = complete(&["map", "create", "/sys/fs/bpf/x", "type", "lru_"]);
    assert!(types.contains(&"lru_hash".to_string()), "{types:?}");
    // Numbers: no candidates at all, and no file names.
    assert!(complete(&["net", "attach", "tc-ingress", "id", "1", "dev", "lo", "--priority", ""]).is_empty());
    assert!(complete(&["map", "watch", "id", "1", "--interval", ""]).is_empty());
    assert!(complete(&["map", "create", "/sys/fs/bpf/x", "key", ""]).is_empty());
}

#[test]
fn pins_ids_and_interfaces_from_the_kernel() {
    crate::require_root!();
    let d = BpffsDir::new();
    let name = unique("cm");
    let pin = d.join("counts");
    bpfpin(&["map", "create", &pin, "type", "hash", "key", "4", "value", "8", "entries", "4", "name", &name]).ok();
    let id = bpfpin(&["-j", "map", "show", "pinned", &pin]).ok().json()["id"].as_u64().expect("map id").to_string();

    // After `pinned`: the pins in the directory being typed.
    let pins = complete(&["map", "dump", "pinned", &format!("{}/", d.s())]);
    assert_eq!(pins, std::slice::from_ref(&pin), "one candidate, the pin itself");
    let dirs = complete(&["map", "dump", "pinned", &d.s()[..d.s().len() - 2]]);
    assert!(dirs.contains(&format!("{}/", d.s())), "the test's directory with a slash: {dirs:?}");

    // After `id`: the loaded map ids, each with its type and name.
    let ids = complete(&["map", "show", "id", ""]);
    assert!(ids.contains(&format!("{id} (map hash {name})")), "map id {id} ({name}) missing from {ids:?}");
    assert_eq!(complete(&["map", "lookup", "id", &id]).first(), Some(&id), "unique id inserted bare");
    let names = complete(&["map", "show", "name", &name[..3]]);
    assert!(names.contains(&name), "{names:?}");
    // A map id is not a program id.
    let progs = complete(&["prog", "show", "id", ""]);
    assert!(!progs.iter().any(|c| c.ends_with(&format!(" {name})"))), "{progs:?}");

    // After `dev`: the interfaces, also of --netns.
    let ifaces = complete(&["net", "show", "dev", ""]);
    assert!(ifaces.iter().any(|c| c == "lo" || c.starts_with("lo (")), "{ifaces:?}");
    let ns = NetNs::new();
    let there = complete(&["--netns", &ns.ns, "net", "attach", "xdp", "id", "1", "dev", "vh"]);
    assert_eq!(there, std::slice::from_ref(&ns.host), "interfaces of --netns {}", ns.ns);
}

/// A directory holding `bpfpin` (the binary under test), to put first on
/// PATH: fish and zsh run the command as the user typed it.
fn bin_dir() -> crate::util::TempDir {
    let d = crate::util::TempDir::new();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_bpfpin"), d.0.join("bpfpin")).unwrap();
    d
}

fn path_with(d: &crate::util::TempDir) -> String {
    format!("{}:{}", d.0.display(), std::env::var("PATH").unwrap_or_default())
}

/// Candidates fish offers for `line` (its last word being completed), with
/// the committed completions/bpfpin.fish: fish's own `complete -C`.
fn fish(line: &str) -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/bpfpin.fish");
    let d = bin_dir();
    let out = Command::new("fish")
        .args(["--no-config", "-c", "source $argv[1]; complete -C $argv[2]"])
        .arg(&script)
        .arg(line)
        .env("PATH", path_with(&d))
        .output()
        .expect("running fish (scripts/setup.sh installs it)");
    assert!(out.status.success(), "fish failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

/// What completions/_bpfpin hands to zsh's completion system for `words`
/// (the last being completed): compsys's `_describe`, `compadd` and `compdef`
/// are replaced by functions that print what they were given, so the test
/// checks the script's own work (word indices, splitting, escaping) in a
/// plain `zsh -c`, without a terminal.
fn zsh(words: &[&str]) -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/_bpfpin");
    let d = bin_dir();
    let prog = r#"
        compdef() { : }
        _describe() { print -rl -- "${(@P)4}" }
        compadd() { while [[ $1 != -- ]]; do shift; done; shift; print -rl -- "$@" }
        source "$1"; shift
        words=("$@"); CURRENT=$#
        _bpfpin
    "#;
    let out = Command::new("zsh")
        .args(["-f", "-c", prog, "zsh"])
        .arg(&script)
        .args(words)
        .env("PATH", path_with(&d))
        .output()
        .expect("running zsh (scripts/setup.sh installs it)");
    assert!(out.status.success(), "zsh failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn fish_offers_verbs_words_and_kernel_ids() {
    let verbs = fish("bpfpin map ");
    for v in ["show", "dump", "update", "lookup"] {
        assert!(verbs.iter().any(|c| c == v || c.starts_with(&format!("{v}\t"))), "{v} missing from {verbs:?}");
    }
    // fish sorts what it offers.
    let mut flags = fish("bpfpin map update id 1 key 1 0 0 0 value 2 0 0 0 ");
    flags.sort();
    assert_eq!(flags, ["any", "exist", "noexist"]);
    assert!(fish("bpfpin map watch id 1 --interval ").is_empty(), "no file names for a number");
    if !crate::util::root_or_skip() {
        return;
    }
    let d = BpffsDir::new();
    let name = unique("cf");
    let pin = d.join("m");
    bpfpin(&["map", "create", &pin, "type", "array", "key", "4", "value", "4", "entries", "1", "name", &name]).ok();
    let id = bpfpin(&["-j", "map", "show", "pinned", &pin]).ok().json()["id"].as_u64().expect("map id").to_string();
    let ids = fish("bpfpin map show id ");
    assert!(ids.contains(&format!("{id}\tmap array {name}")), "map {id} ({name}) missing from {ids:?}");
    assert_eq!(fish(&format!("bpfpin map dump pinned {}/", d.s())), [pin]);
}

#[test]
fn zsh_offers_verbs_words_and_kernel_ids() {
    let verbs = zsh(&["bpfpin", "prog", ""]);
    for v in ["show", "load", "loadall", "dump"] {
        assert!(verbs.iter().any(|c| c == v || c.starts_with(&format!("{v}:"))), "{v} missing from {verbs:?}");
    }
    assert_eq!(zsh(&["bpfpin", "map", "update", "id", "1", "key", "1", "value", "2", ""]), ["any", "noexist", "exist"]);
    assert!(zsh(&["bpfpin", "net", "attach", "tc-ingress", "id", "1", "dev", "lo", "--priority", ""]).is_empty());
    if !crate::util::root_or_skip() {
        return;
    }
    let d = BpffsDir::new();
    let name = unique("cz");
    let pin = d.join("m");
    bpfpin(&["map", "create", &pin, "type", "array", "key", "4", "value", "4", "entries", "1", "name", &name]).ok();
    let id = bpfpin(&["-j", "map", "show", "pinned", &pin]).ok().json()["id"].as_u64().expect("map id").to_string();
    // _describe gets "ID:description"; a colon in the id would be escaped.
    let ids = zsh(&["bpfpin", "map", "show", "id", ""]);
    assert!(ids.contains(&format!("{id}:map array {name}")), "map {id} ({name}) missing from {ids:?}");
    assert_eq!(zsh(&["bpfpin", "map", "dump", "pinned", &format!("{}/", d.s())]), [pin]);
}
