//! Batched dumps (BPF_MAP_LOOKUP_BATCH) against the one-at-a-time walk and
//! bpftool, byte for byte; `map update --from` restores; `map delete --all`.
//! `BPFPIN_NO_BATCH=1` is bpfpin's hidden switch to the one-at-a-time walk.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::require_root;
use crate::util::*;

/// bpfpin with extra environment and optional stdin from a file.
fn bpfpin_env(env: &[(&str, &str)], stdin: Option<&str>, args: &[&str]) -> Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bpfpin"));
    c.args(args).envs(env.iter().copied());
    if let Some(f) = stdin {
        c.stdin(Stdio::from(File::open(f).unwrap_or_else(|e| panic!("opening {f}: {e}"))));
    }
    let out = c.output().unwrap_or_else(|e| panic!("cannot run bpfpin: {e}"));
    Run { cmd: format!("{env:?} bpfpin {}", args.join(" ")), out }
}

fn one_at_a_time(args: &[&str]) -> Run {
    bpfpin_env(&[("BPFPIN_NO_BATCH", "1")], None, args)
}

/// A scratch file, removed on drop.
struct Scratch(String);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        Scratch(std::env::temp_dir().join(unique(&format!("bpfpin_batch_{tag}_"))).display().to_string())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

fn key_of(i: u32, len: u32) -> Vec<u8> {
    (0..len).map(|j| if j < 4 { (i >> (8 * j)) as u8 } else { (i as u8).wrapping_mul(29) ^ j as u8 }).collect()
}

fn value_of(i: u32, len: u32) -> Vec<u8> {
    (0..len).map(|j| (i as u8).wrapping_mul(7).wrapping_add(j as u8).wrapping_add((i >> 8) as u8)).collect()
}

/// `bpftool map create` under `d`; returns the pin.
fn create(d: &BpffsDir, file: &str, kind: &str, key: u32, value: u32, entries: u32) -> String {
    bpftool_map(d, file, kind, key, value, entries, "t_batch")
}

/// Runs bpftool's `batch file` with one line per key: `verb(i)`.
fn bpftool_batch(n: u32, line: impl Fn(u32) -> String) {
    let f = Scratch::new("bpftool");
    let mut w = std::io::BufWriter::new(File::create(&f.0).unwrap());
    for i in 0..n {
        writeln!(w, "{}", line(i)).unwrap();
    }
    drop(w);
    bpftool(&["batch", "file", &f.0]).ok();
}

/// Fill keys 0..n (index i as the key's first bytes) with bpftool.
fn fill(pin: &str, key: u32, value: u32, n: u32) {
    bpftool_batch(n, |i| {
        format!("map update pinned {pin} key hex {} value hex {}", hex(&key_of(i, key)), hex(&value_of(i, value)))
    });
}

/// Default (batched) and one-at-a-time dumps, plain and -j, equal bpftool's.
#[track_caller]
fn same_three_ways(pin: &str) {
    for json in [false, true] {
        let mut args = vec!["map", "dump", "pinned", pin];
        if json {
            args.insert(0, "-j");
        }
        let want = bpftool(&args).ok();
        let batched = bpfpin(&args).ok();
        let single = one_at_a_time(&args).ok();
        assert_eq!(batched.stdout(), want.stdout(), "batched dump of {pin} (json {json}) differs from bpftool");
        assert_eq!(single.stdout(), want.stdout(), "one-at-a-time dump of {pin} (json {json}) differs from bpftool");
    }
}

#[test]
fn batched_and_one_at_a_time_dumps_are_identical() {
    require_root!();
    let d = BpffsDir::new();
    for (kind, key, value, entries, n) in [
        ("hash", 4, 8, 5000, 3000),
        ("hash", 64, 64, 2000, 2000),
        ("lru_hash", 4, 8, 4000, 1000),
        ("percpu_hash", 4, 12, 3000, 2500),
        ("lru_percpu_hash", 8, 20, 2000, 700),
        ("array", 4, 8, 3000, 1000),
        ("array", 4, 3, 100, 0),
        ("percpu_array", 4, 17, 500, 200),
        ("hash", 4, 8, 100, 0),
    ] {
        let pin = create(&d, &format!("{kind}_{key}_{value}_{n}"), kind, key, value, entries);
        fill(&pin, key, value, n);
        same_three_ways(&pin);
    }
}

/// Keys in a -j dump, failing on a repeat.
#[track_caller]
fn unique_keys(dump: &Value) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for e in dump.as_array().expect("a JSON array") {
        let k = e["key"].to_string();
        assert!(seen.insert(k.clone()), "key {k} printed twice");
    }
    seen
}

#[test]
fn dumps_survive_concurrent_deletes_without_repeating_keys() {
    require_root!();
    let d = BpffsDir::new();
    let n = 50_000;
    let pin = create(&d, "busy", "hash", 4, 8, n);
    fill(&pin, 4, 8, n);
    let all: BTreeSet<String> = unique_keys(&bpfpin(&["-j", "map", "dump", "pinned", &pin]).ok().json());
    assert_eq!(all.len(), n as usize);
    // Keys never deleted: the odd ones.
    let kept: BTreeSet<String> = (0..n)
        .filter(|i| i % 2 == 1)
        .map(|i| Value::from(key_of(i, 4).iter().map(|b| format!("0x{b:02x}")).collect::<Vec<_>>()).to_string())
        .collect();
    let deleter = {
        let pin = pin.clone();
        std::thread::spawn(move || {
            bpftool_batch(n / 2, |i| format!("map delete pinned {pin} key hex {}", hex(&key_of(i * 2, 4))));
        })
    };
    let mut dumps = 0;
    while !deleter.is_finished() || dumps < 4 {
        for batched in [true, false] {
            let args = ["-j", "map", "dump", "pinned", pin.as_str()];
            let run = if batched { bpfpin(&args) } else { one_at_a_time(&args) };
            let keys = unique_keys(&run.ok().json());
            assert!(keys.is_subset(&all), "keys that were never in the map");
            if batched {
                // A batch walk holds each bucket's lock while it copies it:
                // an entry present throughout is never missed.
                assert!(kept.is_subset(&keys), "a kept key is missing from a batched dump");
            }
        }
        dumps += 1;
    }
    deleter.join().unwrap();
    let after = unique_keys(&bpfpin(&["-j", "map", "dump", "pinned", &pin]).ok().json());
    assert_eq!(after, kept);
    same_three_ways(&pin);
}

/// A plain dump split into entries (an entry starts at `key:`), sorted, and
/// its last line: a restored hash map holds the same entries, but its
/// buckets (seeded per map) give another order.
fn plain_entries(text: &str) -> (Vec<String>, String) {
    let mut entries: Vec<String> = Vec::new();
    let mut last = String::new();
    for line in text.lines() {
        if line.starts_with("Found ") {
            last = line.to_string();
        } else if line.starts_with("key:") || entries.is_empty() {
            entries.push(format!("{line}\n"));
        } else if let Some(e) = entries.last_mut() {
            e.push_str(line);
            e.push('\n');
        }
    }
    entries.sort();
    (entries, last)
}

fn json_entries(v: &Value) -> Vec<String> {
    let mut e: Vec<String> = v.as_array().expect("a JSON array").iter().map(Value::to_string).collect();
    e.sort();
    e
}

/// The maps hold the same entries: plain and -j dumps equal up to order
/// (and byte for byte for arrays, whose order is the index).
#[track_caller]
fn same_contents(a: &str, b: &str, ordered: bool) {
    let (pa, pb) = (bpfpin(&["map", "dump", "pinned", a]).ok(), bpfpin(&["map", "dump", "pinned", b]).ok());
    let (ja, jb) = (bpfpin(&["-j", "map", "dump", "pinned", a]).ok(), bpfpin(&["-j", "map", "dump", "pinned", b]).ok());
    if ordered {
        assert_eq!(pa.stdout(), pb.stdout());
        assert_eq!(ja.stdout(), jb.stdout());
    } else {
        assert_eq!(plain_entries(&pa.stdout()), plain_entries(&pb.stdout()), "plain dumps of {a} and {b}");
        assert_eq!(json_entries(&ja.json()), json_entries(&jb.json()), "-j dumps of {a} and {b}");
    }
}

#[test]
fn restore_round_trips_from_file_json_lines_and_stdin() {
    require_root!();
    let d = BpffsDir::new();
    for (kind, key, value, n) in
        [("hash", 4, 8, 10_000), ("percpu_hash", 4, 12, 3000), ("hash", 64, 64, 1000), ("array", 4, 8, 5000)]
    {
        let src = create(&d, &format!("src_{kind}_{key}"), kind, key, value, n);
        fill(&src, key, value, if kind == "array" { n / 2 } else { n });
        let dump = Scratch::new("dump");
        fs::write(&dump.0, bpfpin(&["-j", "map", "dump", "pinned", &src]).ok().out.stdout).unwrap();
        let lines = Scratch::new("lines");
        let parsed: Value = serde_json::from_slice(&fs::read(&dump.0).unwrap()).unwrap();
        let text: String = parsed.as_array().unwrap().iter().map(|e| format!("{e}\n")).collect();
        fs::write(&lines.0, text).unwrap();
        let pretty = Scratch::new("pretty");
        fs::write(&pretty.0, bpfpin(&["-j", "-p", "map", "dump", "pinned", &src]).ok().out.stdout).unwrap();
        for (how, file, stdin) in [
            ("file", dump.0.as_str(), None),
            ("lines", &lines.0, None),
            ("stdin", "-", Some(&dump.0)),
            ("pretty", &pretty.0, None),
            ("single", &dump.0, None),
        ] {
            let dst = create(&d, &format!("dst_{kind}_{key}_{how}"), kind, key, value, n);
            let env: &[(&str, &str)] = if how == "single" { &[("BPFPIN_NO_BATCH", "1")] } else { &[] };
            let run = bpfpin_env(env, stdin.map(String::as_str), &["map", "update", "pinned", &dst, "--from", file]);
            // Every slot of an array is in its dump.
            assert_eq!(run.ok().stdout(), format!("Updated {n} elements\n"));
            same_contents(&src, &dst, kind == "array");
            // bpftool reads what was written, too.
            let want = bpftool(&["map", "dump", "pinned", &dst]).ok();
            assert_eq!(bpfpin(&["map", "dump", "pinned", &dst]).ok().stdout(), want.stdout());
        }
    }
}

#[test]
fn restore_refuses_wrong_sizes_and_names_the_entry() {
    require_root!();
    let d = BpffsDir::new();
    let src = create(&d, "src", "hash", 4, 8, 100);
    fill(&src, 4, 8, 10);
    let dump = Scratch::new("dump");
    fs::write(&dump.0, bpfpin(&["-j", "map", "dump", "pinned", &src]).ok().out.stdout).unwrap();
    let wide = create(&d, "wide", "hash", 8, 8, 100);
    bpfpin(&["map", "update", "pinned", &wide, "--from", &dump.0]).err("entry 0 (counting from 0): key is 4 bytes");
    let small = create(&d, "small", "hash", 4, 8, 4);
    bpfpin(&["map", "update", "pinned", &small, "--from", &dump.0]).err("the map is full");
    let junk = Scratch::new("junk");
    fs::write(&junk.0, "{\"key\": [\"0x01\"").unwrap();
    bpfpin(&["map", "update", "pinned", &small, "--from", &junk.0]).err("not a map dump");
    bpfpin(&["map", "update", "pinned", &small, "--from", "/nonexistent/dump.json"]).err("opening /nonexistent");
    // noexist: the first existing key stops the restore.
    let again = bpfpin(&["map", "update", "pinned", &src, "noexist", "--from", &dump.0]);
    again.err("key already exists (noexist)");
}

#[test]
fn delete_all_empties_a_10k_hash_and_refuses_arrays() {
    require_root!();
    let d = BpffsDir::new();
    for (kind, value) in [("hash", 8), ("percpu_hash", 8), ("lru_hash", 16)] {
        let pin = create(&d, kind, kind, 4, value, 10_000);
        fill(&pin, 4, value, 10_000);
        // An LRU map may have evicted some while filling: count first.
        let had = bpfpin(&["-j", "map", "dump", "pinned", &pin]).ok().json().as_array().map_or(0, Vec::len);
        assert!(had > 9000, "{kind}: {had}");
        let run = bpfpin(&["map", "delete", "pinned", &pin, "--all"]).ok();
        assert_eq!(run.stdout(), format!("Deleted {had} elements\n"));
        assert_eq!(bpftool(&["map", "dump", "pinned", &pin]).ok().stdout(), "Found 0 elements\n");
        // Empty already: nothing to do, and -j prints null.
        assert_eq!(bpfpin(&["-j", "map", "delete", "pinned", &pin, "--all"]).ok().stdout(), "null\n");
    }
    let one = create(&d, "one_by_one", "hash", 4, 8, 3000);
    fill(&one, 4, 8, 3000);
    bpfpin_env(&[("BPFPIN_NO_BATCH", "1")], None, &["map", "delete", "pinned", &one, "--all"]).ok();
    assert_eq!(bpftool(&["map", "dump", "pinned", &one]).ok().stdout(), "Found 0 elements\n");
    let arr = create(&d, "arr", "array", 4, 8, 10);
    bpfpin(&["map", "delete", "pinned", &arr, "--all"]).err("slots always exist and cannot be deleted");
}
