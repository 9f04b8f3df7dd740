//! Issue 12, uprobes and USDT: `link attach PROG uprobe|uretprobe|
//! uprobe.multi BINARY:... PATH` and `usdt BINARY:PROVIDER:NAME` against
//! small C programs compiled here with `cc` into a private directory, so
//! the probes (which the kernel places per file) see only this test's
//! runs. Every effect is a counter or an argument the BPF program stored,
//! read back with `map dump`.

use serde_json::Value;

use crate::require_root;
use crate::util::*;

/// Two `noinline` functions, called N (argv[1]) times each.
const WORK_C: &str = r#"
#include <stdlib.h>
__attribute__((noinline)) int do_work(int x) { asm volatile(""); return x * 3 + 1; }
__attribute__((noinline)) int do_other(int x) { asm volatile(""); return x - 7; }
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1, s = 0;
    for (int i = 0; i < n; i++) s += do_work(i) + do_other(i);
    return s == 123456789;
}
"#;

/// Compiles `src` to `dir/name` with `cc` (extra flags after).
#[track_caller]
pub fn compile(dir: &TempDir, name: &str, src: &str, flags: &[&str]) -> String {
    let c = dir.join(&format!("{name}.c"));
    std::fs::write(&c, src).unwrap();
    let exe = dir.join(name);
    let mut args = vec!["-o", &exe, &c];
    args.extend_from_slice(flags);
    sh("cc", &args).ok();
    exe
}

/// Runs a test binary; its exit status is irrelevant (it may be anything).
fn run_bin(exe: &str, args: &[&str]) {
    let st = std::process::Command::new(exe).args(args).status().unwrap();
    assert!(st.code().is_some(), "{exe} died: {st}");
}

/// Removes the link pinned at `pin` and waits until the kernel has freed
/// it: the last reference is put from a workqueue, and the link's id goes
/// before its probe does, so after the id is gone `settled` (a run of the
/// probed binary that must no longer count) is repeated until it holds.
#[track_caller]
pub fn unpin_link(pin: &str, settled: impl Fn() -> bool) {
    let id = bpftool(&["-j", "link", "show", "pinned", pin]).ok().json()["id"].as_u64().unwrap().to_string();
    std::fs::remove_file(pin).unwrap();
    for _ in 0..200 {
        if !bpftool(&["link", "show", "id", &id]).out.status.success() && settled() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("link {id} still works 5s after its pin {pin} was removed");
}

/// The .bss variables of uprobe_count.o, by name.
fn bss(d: &BpffsDir) -> Value {
    let dump = bpfpin(&["-j", "map", "dump", "pinned", &d.join("m/uprobe_c_bss")]).ok().json();
    let mut vars = serde_json::Map::new();
    for v in dump[0]["formatted"]["value"][".bss"].as_array().unwrap() {
        for (k, x) in v.as_object().unwrap() {
            vars.insert(k.clone(), x.clone());
        }
    }
    Value::Object(vars)
}

/// uprobe_count.o loaded under d/p with its maps under d/m.
fn load_counters(d: &BpffsDir) {
    bpfpin(&["prog", "loadall", &object("uprobe_count.o"), &d.join("p"), "--pin-maps", &d.join("m")]).ok();
}

#[test]
fn uprobe_and_uretprobe_count_calls_and_see_the_return_value_until_unpinned() {
    require_root!();
    let d = BpffsDir::new();
    let t = TempDir::new();
    let exe = compile(&t, "work", WORK_C, &["-O1"]);
    load_counters(&d);
    let entry = format!("{exe}:do_work");
    bpfpin(&["link", "attach", "pinned", &d.join("p/count_entry"), "uprobe", &entry, &d.join("entry")]).ok();
    bpfpin(&["link", "attach", "pinned", &d.join("p/count_return"), "uretprobe", &entry, &d.join("ret")]).ok();
    run_bin(&exe, &["7"]);
    let v = bss(&d);
    assert_eq!(v["entries"], 7, "{v}");
    assert_eq!(v["returns"], 7, "{v}");
    // The last call was do_work(6) = 19.
    assert_eq!(v["last_ret"], 19, "{v}");
    // bpftool sees a perf_event link of the program.
    let link = bpftool(&["-j", "link", "show", "pinned", &d.join("entry")]).ok().json();
    assert_eq!(link["type"], "perf_event", "{link}");

    // Unpinned, the links are gone and further runs count nothing.
    let quiet = |var: &str| {
        let before = bss(&d)[var].clone();
        run_bin(&exe, &["1"]);
        bss(&d)[var] == before
    };
    unpin_link(&d.join("entry"), || quiet("entries"));
    unpin_link(&d.join("ret"), || quiet("returns"));
    let v = bss(&d);
    run_bin(&exe, &["5"]);
    assert_eq!(bss(&d), v, "runs after the unpin counted");
}

#[test]
fn uprobe_takes_a_raw_offset_a_symbol_plus_offset_and_a_pid() {
    require_root!();
    let d = BpffsDir::new();
    let t = TempDir::new();
    let exe = compile(&t, "work", WORK_C, &["-O1"]);
    load_counters(&d);
    // do_work's file offset, as `nm` gives its address in this non-PIE-agnostic way:
    // the symbol's address minus its section's address plus the section's offset.
    let off = file_offset(&exe, "do_work");
    bpfpin(&["link", "attach", "pinned", &d.join("p/count_entry"), "uprobe", &format!("{exe}:{off:#x}"), &d.join("a")])
        .ok();
    run_bin(&exe, &["3"]);
    assert_eq!(bss(&d)["entries"], 3);
    let entries = || bss(&d)["entries"].as_u64().unwrap();
    let quiet = || {
        let before = entries();
        run_bin(&exe, &["1"]);
        entries() == before
    };
    unpin_link(&d.join("a"), quiet);

    // `+0` is the function itself; `pid` of a process that is not running the
    // binary sees nothing from other runs.
    bpfpin(&[
        "link",
        "attach",
        "pinned",
        &d.join("p/count_entry"),
        "uprobe",
        &format!("{exe}:do_work+0"),
        &d.join("b"),
    ])
    .ok();
    let before = entries();
    run_bin(&exe, &["2"]);
    assert_eq!(entries(), before + 2);
    unpin_link(&d.join("b"), quiet);
    let before = entries();
    let me = std::process::id().to_string();
    let target = format!("{exe}:do_work");
    bpfpin(&["link", "attach", "pinned", &d.join("p/count_entry"), "uprobe", &target, "pid", &me, &d.join("c")]).ok();
    run_bin(&exe, &["4"]);
    assert_eq!(entries(), before, "a run by another process counted under `pid {me}`");
}

/// A function's file offset computed from readelf's section table and symbol value.
fn file_offset(exe: &str, func: &str) -> u64 {
    let syms = sh("readelf", &["-sW", exe]).ok().stdout();
    let line = syms.lines().find(|l| l.split_whitespace().nth(7) == Some(func)).unwrap();
    let value = u64::from_str_radix(line.split_whitespace().nth(1).unwrap(), 16).unwrap();
    let ndx: usize = line.split_whitespace().nth(6).unwrap().parse().unwrap();
    let secs = sh("readelf", &["-SW", exe]).ok().stdout();
    let sec = secs.lines().find(|l| l.trim_start().starts_with(&format!("[{ndx:>2}]"))).unwrap();
    let f: Vec<&str> = sec.split(']').nth(1).unwrap().split_whitespace().collect();
    let (addr, off) = (u64::from_str_radix(f[2], 16).unwrap(), u64::from_str_radix(f[3], 16).unwrap());
    value - addr + off
}

#[test]
fn uprobe_multi_counts_every_function_a_glob_matches() {
    require_root!();
    let d = BpffsDir::new();
    let t = TempDir::new();
    let exe = compile(&t, "work", WORK_C, &["-O1"]);
    load_counters(&d);
    let glob = format!("{exe}:do_*");
    bpfpin(&["link", "attach", "pinned", &d.join("p/count_multi"), "uprobe.multi", &glob, &d.join("l")]).ok();
    run_bin(&exe, &["6"]);
    assert_eq!(bss(&d)["multi"], 12, "do_work and do_other, 6 calls each");
    let multi = || bss(&d)["multi"].as_u64().unwrap();
    let link = bpftool(&["-j", "link", "show", "pinned", &d.join("l")]).ok().json();
    // bpftool 7.1 predates uprobe_multi links: it shows their type number.
    assert!(link["type"] == "uprobe_multi" || link["type"] == 12, "{link}");
    unpin_link(&d.join("l"), || {
        let before = multi();
        run_bin(&exe, &["1"]);
        multi() == before
    });
    let before = multi();
    run_bin(&exe, &["6"]);
    assert_eq!(multi(), before);

    // A program not loaded for uprobe_multi links: the kernel's refusal, explained.
    let r = bpfpin(&["link", "attach", "pinned", &d.join("p/count_entry"), "uprobe.multi", &glob, &d.join("x")]);
    r.err("not loaded with expected attach type BPF_TRACE_UPROBE_MULTI");
    // And the other way round.
    let r = bpfpin(&[
        "link",
        "attach",
        "pinned",
        &d.join("p/count_multi"),
        "uprobe",
        &format!("{exe}:do_work"),
        &d.join("x"),
    ]);
    r.err("attaches only through them");
    assert!(!std::path::Path::new(&d.join("x")).exists());
}

#[test]
fn bad_uprobe_targets_say_what_is_wrong_and_pin_nothing() {
    require_root!();
    let d = BpffsDir::new();
    let t = TempDir::new();
    let exe = compile(&t, "work", WORK_C, &["-O1"]);
    load_counters(&d);
    let script = t.join("script.sh");
    std::fs::write(&script, "#!/bin/sh\necho hi\n").unwrap();
    let (prog, pin) = (d.join("p/count_entry"), d.join("l"));
    let at = |words: &[&str]| {
        let mut a = vec!["link", "attach", "pinned", prog.as_str()];
        a.extend_from_slice(words);
        a.push(&pin);
        bpfpin(&a)
    };
    at(&["uprobe", "/no/such/binary:main"]).err("binary `/no/such/binary` does not exist");
    at(&["uprobe", "no-such-binary-bpfpin:main"]).err("not found in PATH");
    at(&["uprobe", &format!("{exe}:do_wrk")]).err("has no function `do_wrk`");
    let near = at(&["uprobe", &format!("{exe}:work")]).err("has no function `work`");
    assert!(near.stderr().contains("did you mean `do_work`"), "{}", near.stderr());
    at(&["uprobe", &format!("{script}:main")]).err("is not an ELF executable or library");
    at(&["uprobe", &format!("{exe}:do_work"), "pid", "999999999"]).err("process 999999999 does not exist");
    at(&["uprobe", "do_work"]).err("is not a uprobe target: there is no ':'");
    at(&["uprobe"]).err("`uprobe` needs the binary");
    at(&["uprobe.multi", &format!("{exe}:zz*")]).err("no function of");
    assert_eq!(d.snapshot().iter().filter(|p| p.ends_with("/l")).count(), 0, "{:?}", d.snapshot());
}
