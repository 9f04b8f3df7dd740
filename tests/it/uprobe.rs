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

/// Waits for a line on stdin, then calls libc's getpid() N times.
const GETPID_C: &str = r#"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
    char line[8];
    if (!fgets(line, sizeof line, stdin)) return 1;
    for (int i = 0; i < atoi(argv[1]); i++) getpid();
    return 0;
}
"#;

#[test]
fn uprobe_on_a_library_found_by_name_counts_one_process() {
    require_root!();
    use std::io::Write;
    let d = BpffsDir::new();
    let t = TempDir::new();
    let exe = compile(&t, "getpid", GETPID_C, &["-O0"]);
    load_counters(&d);
    let mut child = std::process::Command::new(&exe).arg("9").stdin(std::process::Stdio::piped()).spawn().unwrap();
    let pid = child.id().to_string();
    // `libc.so.6` is looked up in the library directories, as libbpf does;
    // every process calls getpid, only the child is counted.
    let r = bpfpin(&[
        "link",
        "attach",
        "pinned",
        &d.join("p/count_entry"),
        "uprobe",
        "libc.so.6:getpid",
        "pid",
        &pid,
        &d.join("l"),
    ]);
    let go = child.stdin.take().unwrap().write_all(b"go\n");
    let status = child.wait().unwrap();
    r.ok();
    go.unwrap();
    assert!(status.success());
    assert_eq!(bss(&d)["entries"], 9);
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

/// Three probes: `triple` (int, negative int, long constant), `twice` at
/// two sites with different argument layouts at -O2.
const USDT_C: &str = r#"
#include <stdlib.h>
#include <sys/sdt.h>
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1;
    long big = -5000000000L;
    for (int i = 0; i < n; i++) {
        int neg = -i - 40;
        DTRACE_PROBE3(bpfpin, triple, i + 1, neg, big);
        DTRACE_PROBE1(bpfpin, twice, (long)i);
        DTRACE_PROBE1(bpfpin, twice, (long)(1000 * i));
    }
    return 0;
}
"#;

/// A probe behind a semaphore: the program fires it only while a tracer
/// holds the semaphore up, and exits 3 if it never saw it up.
const GATED_C: &str = r#"
#define _SDT_HAS_SEMAPHORES 1
#include <stdlib.h>
#include <sys/sdt.h>
__extension__ unsigned short bpfpin_gated_semaphore __attribute__((unused)) __attribute__((section(".probes")));
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1, seen = 0;
    for (int i = 0; i < n; i++) {
        if (bpfpin_gated_semaphore) {
            seen++;
            DTRACE_PROBE1(bpfpin, gated, 70 + i);
        }
    }
    return seen == n ? 0 : 3;
}
"#;

/// The .bss variables of usdt_args.o.
fn usdt_bss(d: &BpffsDir) -> Value {
    let dump = bpfpin(&["-j", "map", "dump", "pinned", &d.join("m/usdt_arg_bss")]).ok().json();
    let mut vars = serde_json::Map::new();
    for v in dump[0]["formatted"]["value"][".bss"].as_array().unwrap() {
        for (k, x) in v.as_object().unwrap() {
            vars.insert(k.clone(), x.clone());
        }
    }
    Value::Object(vars)
}

fn usdt_attach(d: &BpffsDir, prog: &str, target: &str, pin: &str) -> Run {
    bpfpin(&["link", "attach", "pinned", &d.join(&format!("p/{prog}")), "usdt", target, &d.join(pin)])
}

#[test]
fn usdt_probes_fire_with_their_arguments_at_every_optimisation_level() {
    require_root!();
    let t = TempDir::new();
    // -O0 passes arguments through the stack (`-4@-20(%rbp)`), -O2 in
    // registers and as constants (`-4@%esi`, `-8@$-5000000000`).
    for opt in ["-O0", "-O2"] {
        let d = BpffsDir::new();
        bpfpin(&["prog", "loadall", &object("usdt_args.o"), &d.join("p"), "--pin-maps", &d.join("m")]).ok();
        let exe = compile(&t, &format!("usdt{opt}"), USDT_C, &[opt]);
        usdt_attach(&d, "on_triple", &format!("{exe}:bpfpin:triple"), "triple").ok();
        usdt_attach(&d, "on_twice", &format!("{exe}:bpfpin:twice"), "twice").ok();
        run_bin(&exe, &["4"]);
        let v = usdt_bss(&d);
        assert_eq!(v["triple_hits"], 4, "{opt}: {v}");
        assert_eq!(v["triple_cnt"], 3, "{opt}: {v}");
        // The last iteration, i = 3: i + 1, -i - 40, and the constant.
        assert_eq!(
            (&v["triple_a"], &v["triple_b"], &v["triple_c"]),
            (&4.into(), &(-43).into(), &(-5000000000i64).into()),
            "{opt}: {v}"
        );
        // Two sites, each with its own link under the pin directory.
        assert_eq!(v["twice_hits"], 8, "{opt}: {v}");
        assert_eq!(v["twice_sum"], 6006, "{opt}: 0+1+2+3 and 1000 times that: {v}");
        let mut subs: Vec<String> = std::fs::read_dir(d.join("twice"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        subs.sort();
        assert_eq!(subs, ["site0", "site1"], "{opt}");
        // A program loaded for uprobe_multi takes every site in one link.
        usdt_attach(&d, "on_twice_multi", &format!("{exe}:bpfpin:twice"), "multi").ok();
        assert!(std::path::Path::new(&d.join("multi")).is_file());
        run_bin(&exe, &["2"]);
        let v = usdt_bss(&d);
        assert_eq!((v["multi_hits"].as_u64(), v["multi_a"].as_i64()), (Some(4), Some(1001)), "{opt}: {v}");
        assert_eq!(v["twice_hits"], 12, "{opt}: {v}");
    }
}

#[test]
fn usdt_semaphores_are_raised_while_the_probe_is_attached() {
    require_root!();
    let d = BpffsDir::new();
    let t = TempDir::new();
    bpfpin(&["prog", "loadall", &object("usdt_args.o"), &d.join("p"), "--pin-maps", &d.join("m")]).ok();
    let exe = compile(&t, "gated", GATED_C, &["-O2"]);
    let status = |n: &str| std::process::Command::new(&exe).arg(n).status().unwrap().code();
    assert_eq!(status("2"), Some(3), "the semaphore is down without a tracer");
    let target = format!("{exe}:bpfpin:gated");
    usdt_attach(&d, "on_gated", &target, "g").ok();
    assert_eq!(status("5"), Some(0), "the semaphore stayed down with the probe attached");
    let v = usdt_bss(&d);
    assert_eq!((v["gated_hits"].as_u64(), v["gated_v"].as_i64()), (Some(5), Some(74)), "{v}");
    unpin_link(&d.join("g"), || status("1") == Some(3));
    let hits = usdt_bss(&d)["gated_hits"].clone();
    assert_eq!(status("3"), Some(3), "the semaphore stayed up after the unpin");
    assert_eq!(usdt_bss(&d)["gated_hits"], hits);
    // Through a uprobe_multi link (ref_ctr_offsets) too.
    usdt_attach(&d, "on_twice_multi", &target, "gm").ok();
    assert_eq!(status("3"), Some(0));
    assert_eq!(usdt_bss(&d)["multi_a"], 70 + 71 + 72);
}

#[test]
fn bad_usdt_targets_say_what_is_wrong_and_pin_nothing() {
    require_root!();
    let d = BpffsDir::new();
    let t = TempDir::new();
    bpfpin(&["prog", "loadall", &object("usdt_args.o"), &d.join("p"), "--pin-maps", &d.join("m")]).ok();
    let counters = BpffsDir::new();
    load_counters(&counters);
    let exe = compile(&t, "usdt", USDT_C, &["-O2"]);
    let work = compile(&t, "work", WORK_C, &["-O1"]);
    usdt_attach(&d, "on_triple", &format!("{exe}:bpfpin:nope"), "x").err("has no USDT probe bpfpin:nope");
    let r = usdt_attach(&d, "on_triple", &format!("{exe}:bpfpin:nope"), "x");
    assert!(r.stderr().contains("its probes: bpfpin:triple, bpfpin:twice"), "{}", r.stderr());
    usdt_attach(&d, "on_triple", &format!("{work}:a:b"), "x").err("has no `.note.stapsdt` section");
    usdt_attach(&d, "on_triple", "/no/such/bin:a:b", "x").err("does not exist");
    usdt_attach(&d, "on_triple", &format!("{exe}:triple"), "x").err("is not a usdt target");
    let (prog, target, pin) = (d.join("p/on_triple"), format!("{exe}:bpfpin:triple"), d.join("x"));
    bpfpin(&["link", "attach", "pinned", &prog, "usdt", &target, "pid", &pin]).err("a process id after `pid`");
    bpfpin(&["link", "attach", "pinned", &prog, "usdt", &target, "pid", "999999999", &pin])
        .err("process 999999999 does not exist");
    bpfpin(&["link", "attach", "pinned", &prog, "usdt", &pin]).err("`usdt` needs the binary");
    // A kprobe program without usdt.bpf.h's map cannot read arguments.
    bpfpin(&["link", "attach", "pinned", &counters.join("p/count_entry"), "usdt", &target, &pin])
        .err("has no `__bpf_usdt_specs` map");
    assert!(!std::path::Path::new(&d.join("x")).exists());
}

#[test]
fn sections_that_name_the_binary_need_no_target() {
    require_root!();
    // The section names fixed paths: this is the only test that uses them.
    let dir = std::path::Path::new("/tmp/bpfpin-uprobe-sections");
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir(dir).unwrap();
    let t = TempDir(dir.to_path_buf());
    let work = compile(&t, "work", WORK_C, &["-O1"]);
    let usdt = compile(&t, "usdt", USDT_C, &["-O2"]);
    let d = BpffsDir::new();
    bpfpin(&["prog", "loadall", &object("uprobe_sections.o"), &d.join("p"), "--pin-maps", &d.join("m")]).ok();
    for prog in ["sec_entry", "sec_return", "sec_multi_prog", "sec_usdt"] {
        bpfpin(&["link", "attach", "pinned", &d.join(&format!("p/{prog}")), &d.join(prog)]).ok();
    }
    run_bin(&work, &["3"]);
    run_bin(&usdt, &["3"]);
    let dump = bpfpin(&["-j", "map", "dump", "pinned", &d.join("m/uprobe_s_bss")]).ok().json();
    let v = &dump[0]["formatted"]["value"][".bss"];
    assert_eq!(v[0]["sec_entries"], 3, "{v}");
    assert_eq!(v[1]["sec_returns"], 3, "{v}");
    assert_eq!(v[2]["sec_multi"], 6, "{v}");
    assert_eq!(v[3]["sec_usdt_a"], 1 + 2 + 3, "{v}");
    // A bare `uprobe` section names no binary: the error says what to add.
    bpfpin(&["link", "attach", "pinned", &d.join("p/sec_bare"), &d.join("bare")]).err("names no complete target");
}
