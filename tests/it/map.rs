//! `map show` and `map dump` against bpftool, byte for byte, on maps bpftool
//! made or bpfpin loaded from the test objects. Each test works in its own
//! bpffs directory (`BpffsDir`), removed with everything in it on drop.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::require_root;
use crate::util::*;

fn hex_words(bytes: &[u8]) -> Vec<String> {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `bpftool map update pinned P key hex .. value hex ..`.
fn update(pin: &str, key: &[u8], value: &[u8]) {
    let mut args: Vec<String> = ["map", "update", "pinned", pin, "key", "hex"].map(String::from).to_vec();
    args.extend(hex_words(key));
    args.extend(["value".to_string(), "hex".to_string()]);
    args.extend(hex_words(value));
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    bpftool(&a).ok();
}

/// Deterministic, distinct bytes for entry `i` of a `len`-byte field.
fn pattern(i: u32, len: u32, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|j| (i as u8).wrapping_mul(37).wrapping_add(seed).wrapping_add((j as u8).wrapping_mul(11)) ^ (j as u8))
        .collect()
}

/// The key of entry `i`: its index first, so keys of any size stay distinct.
fn key_of(i: u32, len: u32) -> Vec<u8> {
    let mut k = pattern(i, len, 0x5a);
    for (j, b) in i.to_le_bytes().iter().enumerate().take(len as usize) {
        k[j] = *b;
    }
    k
}

/// Plain and `-j` dumps of the pin, bpfpin's against bpftool's, byte for byte.
#[track_caller]
fn same_dump(pin: &str) -> (String, Value) {
    let want = bpftool(&["map", "dump", "pinned", pin]).ok();
    let got = bpfpin(&["map", "dump", "pinned", pin]).ok();
    assert_eq!(got.stdout(), want.stdout(), "plain dump of {pin} differs from bpftool");
    assert!(got.stderr().is_empty(), "stderr: {}", got.stderr());
    let json = same_json_dump(&["pinned", pin]);
    (want.stdout(), json)
}

/// `-j map dump SEL` bytes and parsed JSON equal bpftool's; returns the JSON.
#[track_caller]
fn same_json_dump(sel: &[&str]) -> Value {
    let mut args = vec!["-j", "map", "dump"];
    args.extend_from_slice(sel);
    let want = bpftool(&args).ok();
    let got = bpfpin(&args).ok();
    assert_eq!(got.json(), want.json(), "-j dump of {sel:?} differs from bpftool (parsed)");
    assert_eq!(got.stdout(), want.stdout(), "-j dump of {sel:?} differs from bpftool (bytes)");
    got.json()
}

fn fill(pin: &str, key: u32, value: u32, n: u32) {
    for i in 0..n {
        update(pin, &key_of(i, key), &pattern(i, value, 0xa5));
    }
}

#[test]
fn plain_and_json_dump_match_bpftool_on_map_types() {
    require_root!();
    let d = BpffsDir::new();
    for (kind, entries, n) in [
        ("hash", 32, 5),
        ("array", 6, 4),
        ("lru_hash", 32, 5),
        ("percpu_hash", 32, 4),
        ("percpu_array", 5, 3),
        ("lru_percpu_hash", 32, 4),
    ] {
        for (k, v) in [(4, 8), (4, 20), (4, 3), (4, 17)] {
            let file = format!("{kind}_{k}_{v}");
            let pin = bpftool_map(&d, &file, kind, k, v, entries, "t_types");
            fill(&pin, k, v, n);
            let (plain, json) = same_dump(&pin);
            // Arrays list every slot; hashes what was put in.
            let count = if kind.ends_with("array") { entries } else { n };
            assert!(plain.ends_with(&format!("Found {count} elements\n")), "{file}: {plain}");
            assert_eq!(json.as_array().map(Vec::len), Some(count as usize), "{file}");
        }
    }
}

#[test]
fn plain_and_json_dump_match_bpftool_on_odd_and_long_sizes() {
    require_root!();
    let d = BpffsDir::new();
    for (k, v) in [(1, 1), (3, 5), (4, 20), (20, 4), (17, 3), (40, 40), (64, 64), (8, 16), (16, 8), (2, 24), (24, 1)] {
        for kind in ["hash", "percpu_hash"] {
            let file = format!("{kind}_{k}_{v}");
            let pin = bpftool_map(&d, &file, kind, k, v, 16, "t_sizes");
            fill(&pin, k, v, 6);
            let (plain, json) = same_dump(&pin);
            assert!(plain.ends_with("Found 6 elements\n"), "{file}: {plain}");
            let first = &json[0];
            assert_eq!(first["key"].as_array().map(Vec::len), Some(k as usize), "{file}");
            if kind == "hash" {
                assert_eq!(first["value"].as_array().map(Vec::len), Some(v as usize), "{file}");
            } else {
                assert_eq!(first["values"][0]["value"].as_array().map(Vec::len), Some(v as usize), "{file}");
            }
        }
    }
}

#[test]
fn empty_map_dumps_found_0_elements() {
    require_root!();
    let d = BpffsDir::new();
    let pin = bpftool_map(&d, "empty", "hash", 4, 4, 8, "t_empty");
    let (plain, json) = same_dump(&pin);
    assert_eq!(plain, "Found 0 elements\n");
    assert_eq!(json, serde_json::json!([]));
    let one = bpftool_map(&d, "one", "hash", 4, 4, 8, "t_one");
    fill(&one, 4, 4, 1);
    let (plain, _) = same_dump(&one);
    assert!(plain.ends_with("Found 1 element\n"), "{plain}");
}

/// Loads tests/objects/btf_maps.o with its maps pinned in `d`.
fn load_btf_maps(d: &BpffsDir) {
    bpfpin(&["prog", "load", &object("btf_maps.o"), &d.join("prog"), "--pin-maps", &d.s()]).ok();
}

fn u32le(v: u32) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}

fn u64le(v: u64) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}

fn stats_value(packets: u64, bytes: u64) -> Vec<u8> {
    let mut v = u64le(packets);
    v.extend(u64le(bytes));
    v
}

#[test]
fn btf_maps_json_dump_matches_bpftool_with_formatted() {
    require_root!();
    let d = BpffsDir::new();
    load_btf_maps(&d);
    for m in ["hash_u32_u64", "lru_u32_u64", "percpu_u32_u64"] {
        for i in [1u32, 2, 7, 1000, 65536] {
            update(&d.join(m), &u32le(i), &u64le(u64::from(i) * 1_000_003));
        }
    }
    for i in [0u32, 3, 15] {
        update(&d.join("array_u32_u64"), &u32le(i), &u64le(u64::MAX - u64::from(i)));
    }
    update(&d.join("stats"), &u32le(1), &stats_value(5, 336));
    update(&d.join("stats"), &u32le(2), &stats_value(3, 456));

    for m in ["hash_u32_u64", "stats", "percpu_u32_u64", "array_u32_u64", "lru_u32_u64"] {
        let json = same_json_dump(&["pinned", &d.join(m)]);
        let entries = json.as_array().unwrap_or_else(|| panic!("{m}: not an array"));
        assert!(!entries.is_empty(), "{m}");
        for e in entries {
            assert!(e.get("formatted").is_some(), "{m}: no formatted in {e}");
        }
    }
    let stats = same_json_dump(&["pinned", &d.join("stats")]);
    let mut formatted: Vec<&Value> = stats.as_array().into_iter().flatten().map(|e| &e["formatted"]).collect();
    formatted.sort_by_key(|f| f["key"].as_u64());
    assert_eq!(formatted[0], &serde_json::json!({"key": 1, "value": {"packets": 5, "bytes": 336}}));
    let percpu = same_json_dump(&["pinned", &d.join("percpu_u32_u64")]);
    let cpus = percpu[0]["formatted"]["values"].as_array().map(Vec::len);
    assert!(cpus.is_some_and(|n| n >= 1), "{percpu}");
    assert_eq!(percpu[0]["values"].as_array().map(Vec::len), cpus, "one raw value per CPU as in formatted");
    let array = same_json_dump(&["pinned", &d.join("array_u32_u64")]);
    assert_eq!(array.as_array().map(Vec::len), Some(16));
    assert_eq!(array[3]["formatted"], serde_json::json!({"key": 3, "value": u64::MAX - 3}));
}

/// Plain lines of a dump, the `Found` line apart, sorted (hash order is per map).
fn sorted_lines(text: &str) -> (Vec<String>, String) {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let found = lines.pop().unwrap_or_default();
    lines.sort();
    (lines, found)
}

#[test]
fn btf_maps_plain_dump_is_typed_and_hex_is_raw() {
    require_root!();
    let d = BpffsDir::new();
    load_btf_maps(&d);
    let stats = d.join("stats");
    update(&stats, &u32le(1), &stats_value(5, 336));
    update(&stats, &u32le(2), &stats_value(3, 456));
    let plain = bpfpin(&["map", "dump", "pinned", &stats]).ok().stdout();
    let (lines, found) = sorted_lines(&plain);
    assert_eq!(lines, ["key: 1  value: {packets: 5, bytes: 336}", "key: 2  value: {packets: 3, bytes: 456}"]);
    assert_eq!(found, "Found 2 elements");

    // --hex: bpftool's raw layout (key and value share a line up to 24 bytes
    // in total; a 16-byte value splits in two groups of 8).
    let hex = bpfpin(&["map", "dump", "pinned", &stats, "--hex"]).ok().stdout();
    let (lines, found) = sorted_lines(&hex);
    assert_eq!(
        lines,
        [
            "key: 01 00 00 00  value: 05 00 00 00 00 00 00 00  50 01 00 00 00 00 00 00",
            "key: 02 00 00 00  value: 03 00 00 00 00 00 00 00  c8 01 00 00 00 00 00 00",
        ]
    );
    assert_eq!(found, "Found 2 elements");
    // ... and exactly what bpftool prints for a BTF-less map with the same contents.
    let raw = bpftool_map(&d, "raw_stats", "hash", 4, 16, 64, "t_raw");
    update(&raw, &u32le(1), &stats_value(5, 336));
    update(&raw, &u32le(2), &stats_value(3, 456));
    assert_eq!(sorted_lines(&bpftool(&["map", "dump", "pinned", &raw]).ok().stdout()), sorted_lines(&hex));

    let h = d.join("hash_u32_u64");
    update(&h, &u32le(7), &u64le(42));
    assert_eq!(bpfpin(&["map", "dump", "pinned", &h]).ok().stdout(), "key: 7  value: 42\nFound 1 element\n");
    assert_eq!(
        bpfpin(&["map", "dump", "pinned", &h, "--hex"]).ok().stdout(),
        "key: 07 00 00 00  value: 2a 00 00 00 00 00 00 00\nFound 1 element\n"
    );

    // Per-CPU --hex against bpftool on a BTF-less twin (one entry: no order).
    let pc = d.join("percpu_u32_u64");
    update(&pc, &u32le(9), &u64le(0x0102));
    let twin = bpftool_map(&d, "raw_pc", "percpu_hash", 4, 8, 64, "t_raw_pc");
    update(&twin, &u32le(9), &u64le(0x0102));
    let want = bpftool(&["map", "dump", "pinned", &twin]).ok().stdout();
    assert!(want.starts_with("key:\n09 00 00 00\nvalue (CPU 00): 02 01 00 00 00 00 00 00\n"), "{want}");
    assert_eq!(bpfpin(&["map", "dump", "pinned", &pc, "--hex"]).ok().stdout(), want);
}

/// The keys `map show` shares with bpftool (bpftool may add `pids`).
const SHOW_KEYS: &[&str] = &[
    "id",
    "type",
    "name",
    "flags",
    "bytes_key",
    "bytes_value",
    "max_entries",
    "bytes_memlock",
    "frozen",
    "btf_id",
    "owner_prog_type",
    "owner_jited",
    "pinned",
];

#[track_caller]
fn same_show(args: &[&str]) -> Value {
    let want = bpftool(args).ok().json();
    let got = bpfpin(args).ok().json();
    let pick = |v: &Value| -> Vec<(String, Value)> {
        SHOW_KEYS.iter().map(|k| (k.to_string(), v.get(*k).cloned().unwrap_or(Value::Null))).collect()
    };
    match (&got, &want) {
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{args:?}");
            for (g, w) in g.iter().zip(w) {
                assert_eq!(pick(g), pick(w), "{args:?}");
            }
        }
        _ => assert_eq!(pick(&got), pick(&want), "{args:?}: {got} vs {want}"),
    }
    got
}

#[test]
fn json_map_show_matches_bpftool() {
    require_root!();
    let d = BpffsDir::new();
    load_btf_maps(&d);
    let raw = bpftool_map(&d, "raw", "lru_percpu_hash", 3, 5, 8, "t_show_raw");
    for m in ["hash_u32_u64", "stats", "percpu_u32_u64", "array_u32_u64", "lru_u32_u64"] {
        let pin = d.join(m);
        let v = same_show(&["-j", "map", "show", "pinned", &pin]);
        assert_eq!(v["name"], m);
        assert!(v["btf_id"].as_u64().is_some_and(|b| b > 0), "{m}: {v}");
        assert!(v.get("pinned").is_none(), "no -f, no pinned: {v}");
        let id = v["id"].to_string();
        same_show(&["-j", "map", "show", "id", &id]);
        // -f adds the pin, as bpftool does.
        let f = same_show(&["-j", "-f", "map", "show", "pinned", &pin]);
        assert_eq!(f["pinned"], serde_json::json!([pin]), "{f}");
    }
    let v = same_show(&["-j", "map", "show", "pinned", &raw]);
    assert_eq!(
        (v["type"].as_str(), v["bytes_key"].as_u64(), v["bytes_value"].as_u64()),
        (Some("lru_percpu_hash"), Some(3), Some(5))
    );
    assert!(v.get("btf_id").is_none(), "{v}");
    // Bare PATH is `pinned PATH` (bpfpin only; bpftool wants the keyword).
    assert_eq!(bpfpin(&["-j", "map", "show", &raw]).ok().json(), v);
}

#[test]
fn frozen_map_shows_frozen_1() {
    require_root!();
    let d = BpffsDir::new();
    let pin = bpftool_map(&d, "frz", "array", 4, 4, 2, "t_frozen");
    let v = same_show(&["-j", "map", "show", "pinned", &pin]);
    assert_eq!(v["frozen"], 0);
    bpftool(&["map", "freeze", "pinned", &pin]).ok();
    let v = same_show(&["-j", "map", "show", "pinned", &pin]);
    assert_eq!(v["frozen"], 1);
}

fn load_tail_call(d: &BpffsDir) -> (String, String) {
    bpfpin(&["prog", "loadall", &object("tail_call.o"), &d.join("progs"), "--pin-maps", &d.s()]).ok();
    (d.join("jmp_table"), d.join("progs/tail_target"))
}

#[test]
fn prog_array_show_has_owner_fields_as_bpftool() {
    require_root!();
    let d = BpffsDir::new();
    let (jmp, _) = load_tail_call(&d);
    let want = bpftool(&["-j", "map", "show", "pinned", &jmp]).ok().json();
    let v = same_show(&["-j", "map", "show", "pinned", &jmp]);
    assert_eq!(v["type"], "prog_array");
    // bpftool prints the owner once a program using the array was loaded.
    assert_eq!(v.get("owner_prog_type"), want.get("owner_prog_type"));
    assert_eq!(v.get("owner_jited"), want.get("owner_jited"));
    assert_eq!(v["owner_prog_type"], "xdp", "{v}");
}

#[test]
fn prog_array_dump_matches_bpftool() {
    require_root!();
    let d = BpffsDir::new();
    let (jmp, target) = load_tail_call(&d);
    let (plain, _) = same_dump(&jmp);
    assert_eq!(plain, "Found 0 elements\n", "empty slots are not listed");
    bpftool(&["map", "update", "pinned", &jmp, "key", "0", "0", "0", "0", "value", "pinned", &target]).ok();
    bpftool(&["map", "update", "pinned", &jmp, "key", "3", "0", "0", "0", "value", "pinned", &target]).ok();
    let (plain, json) = same_dump(&jmp);
    assert!(plain.ends_with("Found 2 elements\n"), "{plain}");
    let prog_id = bpftool(&["-j", "prog", "show", "pinned", &target]).ok().json()["id"].as_u64().unwrap_or(0) as u32;
    let want: Vec<Value> = prog_id.to_le_bytes().iter().map(|b| Value::from(format!("0x{b:02x}"))).collect();
    assert_eq!(json[0]["value"], Value::Array(want), "the value is the program id");
}

#[track_caller]
fn refuses_dump(pin: &str, needle: &str) {
    let bin = env!("CARGO_BIN_EXE_bpfpin");
    // `timeout`: a walk that never ends must fail the test, not hang it.
    for json in [false, true] {
        let mut args = vec!["10", bin];
        if json {
            args.push("-j");
        }
        args.extend(["map", "dump", "pinned", pin]);
        let r = sh("timeout", &args);
        assert_ne!(r.code(), Some(124), "bpfpin hung on {pin}");
        let r = r.err(needle);
        let stdout = r.stdout();
        assert!(
            !stdout.contains("Found") && !stdout.contains("key:") && !stdout.contains("\"key\""),
            "partial output: {stdout}"
        );
        if json {
            let v = r.json();
            assert!(v["error"].as_str().is_some_and(|e| e.contains(needle)) && v["fix"].is_string(), "{v}");
        } else {
            assert!(stdout.is_empty(), "plain stdout: {stdout}");
        }
    }
}

#[test]
fn dump_refuses_ringbuf_perf_event_array_and_queue() {
    require_root!();
    let d = BpffsDir::new();
    bpfpin(&["prog", "load", &object("ringbuf.o"), &d.join("prog"), "--pin-maps", &d.s()]).ok();
    refuses_dump(&d.join("events"), "is a ringbuf and cannot be dumped");
    let pe = bpftool_map(&d, "pe", "perf_event_array", 4, 4, 2, "t_pe");
    refuses_dump(&pe, "is a perf_event_array and cannot be dumped");
    let q = bpftool_map(&d, "q", "queue", 0, 4, 4, "q");
    bpftool(&["map", "push", "pinned", &q, "value", "1", "0", "0", "0"]).ok();
    refuses_dump(&q, "is a queue and cannot be dumped");
    let r = bpfpin(&["map", "dump", "pinned", &q]).err("queue");
    assert!(r.stderr().contains("map peek"), "the fix names peek/pop: {}", r.stderr());
}

/// A file under the system temp dir, removed on drop.
struct TempFile(std::path::PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn big_dump_streams_identically_and_survives_a_closed_pipe() {
    require_root!();
    let d = BpffsDir::new();
    let n = 20_000u32;
    let pin = bpftool_map(&d, "big", "hash", 4, 8, n, "t_big");
    let batch = TempFile(std::env::temp_dir().join(unique("bpfpin-batch-")));
    let mut text = String::new();
    for i in 0..n {
        let v = u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        text += &format!(
            "map update pinned {pin} key hex {} value hex {}\n",
            hex_words(&u32le(i)).join(" "),
            hex_words(&u64le(v)).join(" ")
        );
    }
    std::fs::write(&batch.0, text).unwrap_or_else(|e| panic!("writing {}: {e}", batch.0.display()));
    bpftool(&["batch", "file", &batch.0.display().to_string()]).ok();

    let (plain, json) = same_dump(&pin);
    assert!(plain.ends_with("Found 20000 elements\n"));
    assert_eq!(json.as_array().map(Vec::len), Some(n as usize));

    let bin = env!("CARGO_BIN_EXE_bpfpin");
    for (flags, reader) in [("", "head -n 1"), ("-j", "head -c 10"), ("", "true")] {
        let script = format!("set -o pipefail; {bin} {flags} map dump pinned {pin} | {reader}");
        let r = sh("bash", &["-c", &script]).ok();
        assert!(r.stderr().is_empty(), "{script}: stderr {}", r.stderr());
        if reader == "head -n 1" {
            assert_eq!(r.stdout().lines().count(), 1, "{}", r.stdout());
        }
    }
}

#[test]
fn name_selecting_two_maps_dumps_both_as_bpftool() {
    require_root!();
    let d = BpffsDir::new();
    let name = unique("dup");
    let a = bpftool_map(&d, "a", "hash", 4, 4, 4, &name);
    let b = bpftool_map(&d, "b", "array", 4, 8, 2, &name);
    bpftool_map(&d, "c", "hash", 4, 4, 4, &name);
    update(&a, &[1, 0, 0, 0], &[9, 0, 0, 0]);
    update(&b, &[1, 0, 0, 0], &[7, 0, 0, 0, 0, 0, 0, 0]);

    let want = bpftool(&["map", "dump", "name", &name]).ok();
    let got = bpfpin(&["map", "dump", "name", &name]).ok();
    assert_eq!(got.stdout(), want.stdout(), "plain dump of two maps");
    assert!(got.stdout().contains(&format!(": hash  name {name}  flags 0x0\n")), "{}", got.stdout());

    let json = same_json_dump(&["name", &name]);
    let maps = json.as_array().unwrap_or_else(|| panic!("{json}"));
    assert_eq!(maps.len(), 3);
    assert_eq!(maps[0]["name"], name.as_str());
    assert_eq!(maps[1]["type"], "array");
    assert_eq!(maps[1]["elements"].as_array().map(Vec::len), Some(2));
    assert_eq!(maps[2]["elements"], serde_json::json!([]));

    // -p is the same document, indented.
    let pretty = bpfpin(&["-p", "map", "dump", "name", &name]).ok();
    assert_eq!(pretty.json(), bpftool(&["-p", "map", "dump", "name", &name]).ok().json());
    assert!(pretty.stdout().lines().count() > 3, "{}", pretty.stdout());

    // map show with the same selector lists all three, as bpftool does.
    let shown = same_show(&["-j", "map", "show", "name", &name]);
    let ids: BTreeSet<u64> = shown.as_array().into_iter().flatten().filter_map(|m| m["id"].as_u64()).collect();
    assert_eq!(ids.len(), 3);
}

#[test]
fn several_maps_with_one_undumpable_print_nothing() {
    require_root!();
    let d = BpffsDir::new();
    let name = unique("mix");
    let h = bpftool_map(&d, "h", "hash", 4, 4, 4, &name);
    update(&h, &[1, 0, 0, 0], &[2, 0, 0, 0]);
    bpftool_map(&d, "q", "queue", 0, 4, 4, &name);
    let r = bpfpin(&["map", "dump", "name", &name]).err("is a queue and cannot be dumped");
    assert!(r.stdout().is_empty(), "partial dump: {}", r.stdout());
}

#[test]
fn unreadable_slots_dump_as_bpftool_in_plain_and_json() {
    require_root!();
    let d = BpffsDir::new();
    // Lookups from user space fail here (EOPNOTSUPP, ENOSPC, ENOENT): bpftool
    // prints the reason in the value's place, plain and -j alike.
    for kind in ["xskmap", "sockmap", "devmap", "cpumap"] {
        let pin = bpftool_map(&d, kind, kind, 4, 4, 2, "t_slots");
        let (plain, json) = same_dump(&pin);
        assert!(plain.ends_with("Found 0 elements\n"), "{kind}: {plain}");
        assert!(json[0]["value"]["error"].is_string(), "{kind}: {json}");
    }
}
