//! `map lookup | getnext | update | delete | create | freeze | push | pop |
//! peek | watch` against bpftool on the same maps, byte for byte, and their
//! effects seen through bpftool. Each test works in its own bpffs directory.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::require_root;
use crate::util::*;

/// Split a command line on spaces (no word below contains one).
fn w(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// `bpfpin ARGS` from a space-separated line.
fn bp(s: &str) -> Run {
    bpfpin(&w(s))
}

fn bt(s: &str) -> Run {
    bpftool(&w(s))
}

fn mk(d: &BpffsDir, file: &str, spec: &str) -> String {
    let pin = d.join(file);
    bt(&format!("map create {pin} {spec}")).ok();
    pin
}

/// bpfpin's plain and -j output for `verb` equal bpftool's, exit status
/// success on both sides or failure on both.
#[track_caller]
fn same(verb_args: &str) {
    for j in ["", "-j "] {
        let line = format!("{j}{verb_args}");
        let want = bt(&line);
        let got = bp(&line);
        // bpftool's own error documents differ by design (ours carry a fix).
        if !want.stdout().starts_with("{\"error\"") {
            assert_eq!(
                got.stdout(),
                want.stdout(),
                "stdout of `{line}` differs from bpftool (stderr: {})",
                got.stderr()
            );
        }
        assert_eq!(
            got.out.status.success(),
            want.out.status.success(),
            "`{line}` status: {:?} vs bpftool {:?}",
            got.code(),
            want.code()
        );
        if !want.out.status.success() {
            assert_eq!(got.code(), Some(1), "`{line}` must exit 1");
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| seed.wrapping_add((i as u8).wrapping_mul(29)) ^ (i as u8)).collect()
}

/// `-j map lookup` value bytes as numbers.
fn json_bytes(v: &Value) -> Vec<u8> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a byte array: {v}"))
        .iter()
        .map(|b| u8::from_str_radix(b.as_str().unwrap().trim_start_matches("0x"), 16).unwrap())
        .collect()
}

fn ncpus() -> usize {
    let s = std::fs::read_to_string("/sys/devices/system/cpu/possible").unwrap();
    s.trim()
        .split(',')
        .map(|r| match r.split_once('-') {
            Some((a, b)) => b.parse::<usize>().unwrap() - a.parse::<usize>().unwrap() + 1,
            None => 1,
        })
        .sum()
}

#[test]
fn lookup_and_getnext_match_bpftool_on_raw_maps() {
    require_root!();
    let d = BpffsDir::new();
    let h = mk(&d, "h", "type hash key 4 value 8 entries 8 name me_h");
    bt(&format!("map update pinned {h} key 1 0 0 0 value 5 0 0 0 0 0 0 0")).ok();
    bt(&format!("map update pinned {h} key 2 0 0 0 value 6 0 0 0 0 0 0 0")).ok();
    same(&format!("map lookup pinned {h} key 1 0 0 0"));
    same(&format!("map lookup pinned {h} key hex 02 00 00 00"));
    same(&format!("map lookup pinned {h} key 9 0 0 0"));
    same(&format!("map getnext pinned {h}"));
    let first = json_bytes(&bp(&format!("-j map getnext pinned {h}")).ok().json()["next_key"]);
    same(&format!("map getnext pinned {h} key 0x{:02x} {} {} {}", first[0], first[1], first[2], first[3]));
    bp(&format!("map lookup pinned {h} key 9 0 0 0")).err("is not in map `me_h`");
    // The last key has no next one: both fail.
    let last = bp(&format!("-j map getnext pinned {h}")).json();
    let mut last_key = json_bytes(&last["next_key"]);
    loop {
        let r = bp(&format!("-j map getnext pinned {h} key hex {}", hex(&last_key)));
        if !r.out.status.success() {
            r.err("it is the last one");
            break;
        }
        last_key = json_bytes(&r.json()["next_key"]);
    }

    // Long keys and values break lines as bpftool does.
    let big = mk(&d, "big", "type hash key 20 value 40 entries 4 name me_big");
    let (k, v) = (pattern(20, 1), pattern(40, 7));
    bt(&format!("map update pinned {big} key hex {} value hex {}", hex(&k), hex(&v))).ok();
    same(&format!("map lookup pinned {big} key hex {}", hex(&k)));
    same(&format!("map lookup pinned {big} key hex {}", hex(&pattern(20, 2))));
    same(&format!("map getnext pinned {big}"));

    // Per-CPU without BTF: one value per CPU.
    let pc = mk(&d, "pc", "type percpu_hash key 4 value 4 entries 4 name me_pc");
    bt(&format!("map update pinned {pc} key 3 0 0 0 value 7 0 0 0")).ok();
    same(&format!("map lookup pinned {pc} key 3 0 0 0"));
    let arr = mk(&d, "arr", "type array key 4 value 12 entries 4 name me_arr");
    same(&format!("map lookup pinned {arr} key 2 0 0 0"));
    same(&format!("map getnext pinned {arr} key 2 0 0 0"));
}

#[test]
fn update_and_delete_write_what_bpftool_reads() {
    require_root!();
    let d = BpffsDir::new();
    let h = mk(&d, "h", "type hash key 4 value 8 entries 8 name me_upd");
    let r = bp(&format!("map update pinned {h} key 1 0 0 0 value hex 0a 0b 0c 0d 0e 0f 10 11")).ok();
    assert_eq!(r.stdout(), "");
    let r = bp(&format!("-j map update pinned {h} key 0x02 0 0 0 value 010 0 0 0 0 0 0 0x7f any")).ok();
    assert_eq!(r.stdout(), "null\n");
    let got = bt(&format!("-j map lookup pinned {h} key 1 0 0 0")).ok().json();
    assert_eq!(json_bytes(&got["value"]), [10, 11, 12, 13, 14, 15, 16, 17]);
    let got = bt(&format!("-j map lookup pinned {h} key 2 0 0 0")).ok().json();
    assert_eq!(json_bytes(&got["value"]), [8, 0, 0, 0, 0, 0, 0, 0x7f]);
    let r = bp(&format!("-j map delete pinned {h} key 1 0 0 0")).ok();
    assert_eq!(r.stdout(), "null\n");
    assert!(!bt(&format!("map lookup pinned {h} key 1 0 0 0")).out.status.success());
    assert_eq!(bp(&format!("map delete pinned {h} key 2 0 0 0")).ok().stdout(), "");

    // Per-CPU: one value goes to every CPU; one per CPU when repeated.
    let pc = mk(&d, "pc", "type percpu_array key 4 value 8 entries 2 name me_pcu");
    bp(&format!("map update pinned {pc} key 1 0 0 0 value 9 0 0 0 0 0 0 0")).ok();
    let got = bt(&format!("-j map lookup pinned {pc} key 1 0 0 0")).ok().json();
    let vals = got["values"].as_array().unwrap();
    assert_eq!(vals.len(), ncpus());
    assert!(vals.iter().all(|v| json_bytes(&v["value"])[0] == 9), "{got}");
    let each: Vec<String> = (0..ncpus()).map(|c| format!("value {} 0 0 0 0 0 0 0", c + 1)).collect();
    bp(&format!("map update pinned {pc} key 0 0 0 0 {}", each.join(" "))).ok();
    let got = bt(&format!("-j map lookup pinned {pc} key 0 0 0 0")).ok().json();
    for (cpu, v) in got["values"].as_array().unwrap().iter().enumerate() {
        assert_eq!(json_bytes(&v["value"])[0] as usize, cpu + 1, "{got}");
    }
    if ncpus() != 2 {
        bp(&format!("map update pinned {pc} key 0 0 0 0 value 1 0 0 0 0 0 0 0 value 2 0 0 0 0 0 0 0"))
            .err("possible CPUs");
    }
}

#[test]
fn classic_update_semantics_fail_with_the_maps_facts() {
    require_root!();
    let d = BpffsDir::new();
    let h = mk(&d, "h", "type hash key 4 value 4 entries 2 name me_sem");
    bp(&format!("map update pinned {h} key 1 0 0 0 value 1 0 0 0 noexist")).ok();
    bp(&format!("map update pinned {h} key 1 0 0 0 value 2 0 0 0 noexist")).err("already exists");
    bp(&format!("map update pinned {h} key 7 0 0 0 value 2 0 0 0 exist")).err("is not in map `me_sem`");
    bp(&format!("map update pinned {h} key 1 0 0 0 value 3 0 0 0 exist")).ok();
    bp(&format!("map update pinned {h} key 2 0 0 0 value 3 0 0 0")).ok();
    bp(&format!("map update pinned {h} key 3 0 0 0 value 3 0 0 0")).err("is full: max_entries 2");
    bp(&format!("map delete pinned {h} key 1 0 0 0")).ok();
    bp(&format!("map lookup pinned {h} key 1 0 0 0")).err("is not in");
    bp(&format!("map delete pinned {h} key 1 0 0 0")).err("is not in");
    bp(&format!("map update pinned {h} key 1 0 value 3 0 0 0")).err("map key is 4 bytes, 2 given");
    bp(&format!("map update pinned {h} key 1 0 0 0 value 3")).err("map value is 4 bytes, 1 given");
    // A miss in JSON is bpftool's `null`, still exit 1.
    let r = bp(&format!("-j map lookup pinned {h} key 1 0 0 0")).err("is not in");
    assert_eq!(r.stdout(), "null\n");

    let a = mk(&d, "a", "type array key 4 value 4 entries 4 name me_arrs");
    bp(&format!("map update pinned {a} key 4 0 0 0 value 1 0 0 0")).err("max_entries 4");
    bp(&format!("map delete pinned {a} key 1 0 0 0")).err("cannot be deleted");

    // Frozen maps refuse writes, with the reason.
    bp(&format!("map freeze pinned {a}")).ok();
    let show = bt(&format!("-j map show pinned {a}")).ok().json();
    assert_eq!(show["frozen"], 1);
    bp(&format!("map update pinned {a} key 1 0 0 0 value 1 0 0 0")).err("is frozen; it cannot be changed");
    bp(&format!("map freeze pinned {a}")).err("already frozen");
    assert_eq!(bp(&format!("-j map freeze pinned {h}")).ok().stdout(), "null\n");
}

/// Load tests/objects/NAME with its maps pinned under DIR/m.
fn load(d: &BpffsDir, obj: &str) -> String {
    let m = d.join("m");
    bpfpin(&["prog", "load", &object(obj), &d.join("p"), "--pin-maps", &m]).ok();
    m
}

#[test]
fn btf_maps_print_formatted_as_bpftool_does() {
    require_root!();
    let d = BpffsDir::new();
    let m = load(&d, "btf_maps.o");
    let stats = format!("{m}/stats");
    bt(&format!("map update pinned {stats} key 1 0 0 0 value 5 0 0 0 0 0 0 0 80 1 0 0 0 0 0 0")).ok();
    let pc = format!("{m}/percpu_u32_u64");
    bt(&format!("map update pinned {pc} key 1 0 0 0 value 5 0 0 0 0 0 0 0")).ok();
    for pin in [&stats, &pc] {
        let line = format!("-j map lookup pinned {pin} key 1 0 0 0");
        assert_eq!(bp(&line).ok().stdout(), bt(&line).ok().stdout(), "{line}");
        same(&format!("map lookup pinned {pin} key 2 0 0 0"));
        let line = format!("-j map getnext pinned {pin}");
        assert_eq!(bp(&line).ok().stdout(), bt(&line).ok().stdout(), "{line}");
    }
    // Plain lookup on a BTF map prints the typed line `map dump` prints.
    let r = bp(&format!("map lookup pinned {stats} key json 1")).ok();
    assert_eq!(r.stdout(), "key: 1  value: {packets: 5, bytes: 336}\n");
    let r = bp(&format!("map lookup pinned {pc} key 1 0 0 0")).ok();
    let want: String = std::iter::once("key: 1\n".to_string())
        .chain((0..ncpus()).map(|c| format!("  value (CPU {c:02}): 5\n")))
        .collect();
    assert_eq!(r.stdout(), want);
}

#[test]
fn rich_btf_types_match_bpftool() {
    require_root!();
    let d = BpffsDir::new();
    let m = load(&d, "btf/maps.o");
    for (map, seed) in [("m_u32_u64", 3u8), ("m_key2_counters", 5), ("m_big", 9), ("m_percpu", 11)] {
        let pin = format!("{m}/{map}");
        let info = bt(&format!("-j map show pinned {pin}")).ok().json();
        let ks = info["bytes_key"].as_u64().unwrap() as usize;
        let vs = info["bytes_value"].as_u64().unwrap() as usize;
        let mut key = vec![0u8; ks];
        key[0] = 1;
        bt(&format!("map update pinned {pin} key hex {} value hex {}", hex(&key), hex(&pattern(vs, seed)))).ok();
        let line = format!("-j map lookup pinned {pin} key hex {}", hex(&key));
        let want = bt(&line).ok();
        let got = bp(&line).ok();
        assert_eq!(got.stdout(), want.stdout(), "{map}");
        assert!(got.json()["formatted"].is_object(), "{map}: {}", got.stdout());
        let line = format!("-j map getnext pinned {pin}");
        assert_eq!(bp(&line).ok().stdout(), bt(&line).ok().stdout(), "{map}");
    }
}

#[test]
fn typed_json_input_round_trips_through_bpftool() {
    require_root!();
    let d = BpffsDir::new();
    let m = load(&d, "btf_maps.o");
    let stats = format!("{m}/stats");
    bpfpin(&[
        "map",
        "update",
        "pinned",
        &stats,
        "key",
        "json",
        "7",
        "value",
        "json",
        r#"{"packets": 3, "bytes": 1500}"#,
    ])
    .ok();
    let got = bt(&format!("-j map lookup pinned {stats} key 7 0 0 0")).ok().json();
    assert_eq!(json_bytes(&got["value"]), [3, 0, 0, 0, 0, 0, 0, 0, 0xdc, 0x05, 0, 0, 0, 0, 0, 0]);
    assert_eq!(got["formatted"], json!({"key": 7, "value": {"packets": 3, "bytes": 1500}}));
    // Unknown and missing fields are named.
    bpfpin(&["map", "update", "pinned", &stats, "key", "json", "7", "value", "json", r#"{"packets": 1, "bites": 2}"#])
        .err("bites");
    bpfpin(&["map", "update", "pinned", &stats, "key", "json", "7", "value", "json", r#"{"packets": 1}"#]).err("bytes");
    bpfpin(&["map", "update", "pinned", &stats, "key", "json", "7", "value", "json", "{oops"]).err("not JSON");
    // Per-CPU typed value: every CPU.
    let pc = format!("{m}/percpu_u32_u64");
    bp(&format!("map update pinned {pc} key json 4 value json 42")).ok();
    let got = bt(&format!("-j map lookup pinned {pc} key 4 0 0 0")).ok().json();
    for v in got["formatted"]["values"].as_array().unwrap() {
        assert_eq!(v["value"], 42, "{got}");
    }
    // Struct keys through BTF, padding zeroed.
    let d2 = BpffsDir::new();
    let m2 = load(&d2, "btf/maps.o");
    let k2 = format!("{m2}/m_key2_counters");
    bpfpin(&[
        "map",
        "update",
        "pinned",
        &k2,
        "key",
        "json",
        r#"{"a": 1, "b": 2}"#,
        "value",
        "json",
        r#"{"packets": 1, "bytes": 2}"#,
    ])
    .ok();
    let got = bt(&format!("-j map lookup pinned {k2} key 1 0 0 0 2 0 0 0")).ok().json();
    assert_eq!(got["formatted"]["key"], json!({"a": 1, "b": 2}));
    // A map without BTF says so.
    let h = mk(&d, "h", "type hash key 4 value 4 entries 2 name me_nobtf");
    bp(&format!("map update pinned {h} key json 1 value 1 0 0 0")).err("has no BTF");
}

fn tail_hits(maps: &str) -> u64 {
    let v = bt(&format!("-j map lookup pinned {maps}/tail_hits key 1 0 0 0")).ok().json();
    v["formatted"]["value"].as_u64().unwrap_or_else(|| panic!("{v}"))
}

#[test]
fn prog_array_update_makes_the_tail_call_happen() {
    require_root!();
    let d = BpffsDir::new();
    let (progs, maps) = (d.join("progs"), d.join("maps"));
    bpfpin(&["prog", "loadall", &object("tail_call.o"), &progs, "--pin-maps", &maps]).ok();
    let data = std::env::temp_dir().join(unique("bpfpin_me5_in"));
    std::fs::write(&data, [0u8; 64]).unwrap();
    let run = || {
        bpftool(&[
            "prog",
            "run",
            "pinned",
            &format!("{progs}/tail_entry"),
            "data_in",
            &data.display().to_string(),
            "repeat",
            "10",
        ])
        .ok();
    };
    run();
    assert_eq!(tail_hits(&maps), 0, "slot 0 is empty: no tail call yet");
    let jt = format!("{maps}/jmp_table");
    bp(&format!("map update pinned {jt} key 0 0 0 0 value pinned {progs}/tail_target")).ok();
    run();
    assert!(tail_hits(&maps) >= 10, "tail_hits[1] = {}", tail_hits(&maps));
    same(&format!("map lookup pinned {jt} key 0 0 0 0"));
    same(&format!("map lookup pinned {jt} key 1 0 0 0"));
    // Bytes, a map, or a program of another type are refused with the reason.
    bp(&format!("map update pinned {jt} key 1 0 0 0 value 1 0 0 0")).err("programs, not bytes");
    bp(&format!("map update pinned {jt} key 1 0 0 0 value pinned {maps}/tail_hits")).err("not a program");
    let other = BpffsDir::new();
    bpfpin(&["prog", "load", &object("counter_sock.o"), &other.join("sock")]).ok();
    bp(&format!("map update pinned {jt} key 1 0 0 0 value pinned {}", other.join("sock"))).err("holds xdp programs");
    // Clearing the slot stops the tail call.
    bp(&format!("map delete pinned {jt} key 0 0 0 0")).ok();
    let before = tail_hits(&maps);
    run();
    assert_eq!(tail_hits(&maps), before);
    let _ = std::fs::remove_file(&data);
}

#[test]
fn create_agrees_with_bpftool_show() {
    require_root!();
    let d = BpffsDir::new();
    let inner = mk(&d, "inner", "type array key 4 value 4 entries 2 name me_inner");
    let cases = [
        ("hash", "type hash key 4 value 8 entries 16 name c_hash", "hash", 4, 8, 16, 0),
        ("array", "type array key 4 value 16 entries 8 name c_array", "array", 4, 16, 8, 0),
        ("sub/dir/pcpu", "type percpu_hash key 8 value 8 entries 4 name c_pcpu", "percpu_hash", 8, 8, 4, 0),
        ("queue", "type queue key 0 value 4 entries 4 name c_queue", "queue", 0, 4, 4, 0),
        ("stack", "type stack key 0 value 4 entries 4 name c_stack", "stack", 0, 4, 4, 0),
        ("bloom", "type bloom_filter key 0 value 4 entries 16 name c_bloom", "bloom_filter", 0, 4, 16, 0),
        ("lpm", "type lpm_trie key 8 value 4 entries 16 name c_lpm flags no_prealloc", "lpm_trie", 8, 4, 16, 1),
        ("hnp", "type hash key 4 value 4 entries 4 name c_hnp flags 0x1", "hash", 4, 4, 4, 1),
        ("ro", "type array key 4 value 4 entries 4 name c_ro flags rdonly_prog,mmapable", "array", 4, 4, 4, 1152),
    ];
    for (file, spec, kind, key, value, entries, flags) in cases {
        let pin = d.join(file);
        assert_eq!(bp(&format!("-j map create {pin} {spec}")).ok().stdout(), "null\n");
        let v = bt(&format!("-j map show pinned {pin}")).ok().json();
        assert_eq!(v["type"], kind, "{file}: {v}");
        assert_eq!(v["name"], spec.split_whitespace().skip_while(|w| *w != "name").nth(1).unwrap());
        assert_eq!((v["bytes_key"].as_u64(), v["bytes_value"].as_u64()), (Some(key), Some(value)), "{file}");
        assert_eq!((v["max_entries"].as_u64(), v["flags"].as_u64()), (Some(entries), Some(flags)), "{file}");
    }
    let aom = d.join("aom");
    bp(&format!("map create {aom} type array_of_maps key 4 value 4 entries 4 name c_aom inner_map pinned {inner}"))
        .ok();
    assert_eq!(bt(&format!("-j map show pinned {aom}")).ok().json()["type"], "array_of_maps");
    // Map-in-map values are maps.
    bp(&format!("map update pinned {aom} key 1 0 0 0 value pinned {inner}")).ok();
    let inner_id = bt(&format!("-j map show pinned {inner}")).ok().json()["id"].as_u64().unwrap();
    let got = bt(&format!("-j map lookup pinned {aom} key 1 0 0 0")).ok().json();
    assert_eq!(json_bytes(&got["value"]), (inner_id as u32).to_le_bytes());
    same(&format!("map lookup pinned {aom} key 1 0 0 0"));
    bp(&format!("map update pinned {aom} key 1 0 0 0 value 1 0 0 0")).err("maps, not bytes");
    bp(&format!("map update pinned {aom} key 1 0 0 0 value pinned {}", d.join("hash"))).err("does not fit");

    // Refusals leave nothing behind.
    let before = d.snapshot();
    let bad = d.join("new/bad");
    for (spec, needle) in [
        ("type nope key 4 value 4 entries 4 name b", "unknown map type `nope`"),
        ("type hash key 4 value 4 entries 4 name b flags bogus", "unknown map flag `bogus`"),
        ("type array key 8 value 4 entries 4 name b", "4-byte keys"),
        ("type queue key 4 value 4 entries 4 name b", "key 0"),
        ("type lpm_trie key 8 value 4 entries 4 name b", "no_prealloc"),
        ("type array_of_maps key 4 value 4 entries 4 name b", "inner_map"),
        ("type hash key 4 value 4 entries 0 name b", "the kernel refused"),
        ("type hash key 4 value 4 entries 4", "name NAME"),
        ("type hash key 4 value 4 entries 4 name this_name_is_too_long", "not valid"),
    ] {
        bp(&format!("map create {bad} {spec}")).err(needle);
    }
    bp(&format!("map create {} type hash key 4 value 4 entries 4 name b", d.join("hash"))).err("already exists");
    bp("map create /tmp/bpfpin_me5_not_bpffs type hash key 4 value 4 entries 4 name b").err("BPF filesystem");
    assert_eq!(d.snapshot(), before);
}

#[test]
fn queue_stack_and_bloom_filter() {
    require_root!();
    let d = BpffsDir::new();
    // A queue made by bpfpin and a twin made by bpftool print alike.
    let q = d.join("q");
    bp(&format!("map create {q} type queue key 0 value 4 entries 4 name me_q")).ok();
    let tq = mk(&d, "tq", "type queue key 0 value 4 entries 4 name me_tq");
    same(&format!("map peek pinned {tq}"));
    for v in 1..=3 {
        bp(&format!("map push pinned {q} value {v} 0 0 0")).ok();
        bt(&format!("map push pinned {tq} value {v} 0 0 0")).ok();
    }
    bp(&format!("map enqueue pinned {q} value 4 0 0 0")).ok();
    bp(&format!("map push pinned {q} value 5 0 0 0")).err("is full: max_entries 4");
    let peek = bp(&format!("map peek pinned {q}")).ok();
    assert_eq!(peek.stdout(), "value: 01 00 00 00\n");
    assert_eq!(peek.stdout(), bt(&format!("map peek pinned {tq}")).ok().stdout());
    assert_eq!(
        bp(&format!("-j map peek pinned {q}")).ok().stdout(),
        bt(&format!("-j map peek pinned {tq}")).ok().stdout()
    );
    for want in 1..=4u8 {
        let got = bp(&format!("-j map pop pinned {q}")).ok().json();
        assert_eq!(json_bytes(&got["value"]), [want, 0, 0, 0]);
    }
    bp(&format!("map pop pinned {q}")).err("is empty");
    assert_eq!(bp(&format!("-j map dequeue pinned {q}")).err("is empty").stdout(), "null\n");
    let r = bp(&format!("map peek pinned {q}")).err("is empty");
    assert_eq!(r.stdout(), bt(&format!("map peek pinned {q}")).stdout());

    let s = d.join("s");
    bp(&format!("map create {s} type stack key 0 value 4 entries 4 name me_s")).ok();
    for v in 1..=3 {
        bp(&format!("map push pinned {s} value {v} 0 0 0")).ok();
    }
    for want in [3u8, 2, 1] {
        assert_eq!(bp(&format!("map pop pinned {s}")).ok().stdout(), format!("value: {want:02x} 00 00 00\n"));
    }

    let b = d.join("b");
    bp(&format!("map create {b} type bloom_filter key 0 value 4 entries 16 name me_b")).ok();
    bp(&format!("map push pinned {b} value 7 0 0 0")).ok();
    assert_eq!(bp(&format!("map peek pinned {b} value 7 0 0 0")).ok().stdout(), "value: 07 00 00 00\n");
    bp(&format!("map peek pinned {b} value 8 0 0 0")).err("is not in");
    bp(&format!("map pop pinned {b}")).err("cannot give values back");
    bp(&format!("map lookup pinned {q} key 0 0 0 0")).err("has no keys");
}

/// Start `bpfpin map watch`, read its first refresh, run `between`, and
/// return everything it printed after that.
fn watch(args: &[&str], first_lines: usize, between: impl FnOnce()) -> (String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bpfpin"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    for _ in 0..first_lines {
        out.read_line(&mut first).unwrap();
    }
    between();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(status.success(), "watch failed: {err}\n{first}{rest}");
    (first, rest)
}

/// The cells of the first table row under `header` in a plain sample,
/// by column name (`KEY`, `VALUE`, `VALUE/S`...), from the last sample.
fn last_row(text: &str) -> std::collections::HashMap<String, String> {
    let lines: Vec<&str> = text.lines().collect();
    let at =
        lines.iter().rposition(|l| l.trim_start().starts_with("KEY")).unwrap_or_else(|| panic!("no table in {text:?}"));
    let names: Vec<&str> = lines[at].split_whitespace().collect();
    let cells = lines.get(at + 1).unwrap_or_else(|| panic!("no row in {text:?}"));
    // Keys may hold spaces (hex bytes): the counter cells are the last ones.
    let cells: Vec<&str> =
        cells.split_whitespace().rev().take(names.len() - 1).collect::<Vec<_>>().into_iter().rev().collect();
    names[1..].iter().zip(cells).map(|(n, c)| (n.to_string(), c.to_string())).collect()
}

#[test]
fn watch_prints_samples_with_rates() {
    require_root!();
    let d = BpffsDir::new();
    // No BTF, 8-byte values: the whole value is the counter.
    let h = mk(&d, "h", "type hash key 4 value 8 entries 4 name me_watch");
    bt(&format!("map update pinned {h} key 1 0 0 0 value 0 0 0 0 0 0 0 0")).ok();
    // The head line, the first sample's header, column names and row.
    let (first, rest) = watch(&["map", "watch", "pinned", &h, "--count", "2", "--interval", "0.2"], 4, || {
        bt(&format!("map update pinned {h} key 1 0 0 0 value hex e8 03 00 00 00 00 00 00")).ok();
    });
    assert!(first.contains("me_watch") && first.contains("sample 1  interval 0."), "{first}");
    assert!(first.contains(" 01 00 00 00  0 "), "{first}");
    assert!(rest.contains("sample 2  interval 0."), "{rest}");
    let row = last_row(&rest);
    assert_eq!(row["VALUE"], "1000", "{rest}");
    assert!(row["VALUE/S"].parse::<f64>().unwrap() > 0.0, "{rest}");

    // BTF fields, per-CPU values summed, JSON lines.
    let m = load(&d, "btf_maps.o");
    let stats = format!("{m}/stats");
    bt(&format!("map update pinned {stats} key 0 0 0 0 value 1 0 0 0 0 0 0 0 64 0 0 0 0 0 0 0")).ok();
    let (first, rest) =
        watch(&["-j", "map", "watch", "pinned", &stats, "--count", "2", "--interval", "0.2"], 1, || {
            bt(&format!("map update pinned {stats} key 0 0 0 0 value 9 0 0 0 0 0 0 0 0 2 0 0 0 0 0 0")).ok();
        });
    let one: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(one["rows"][0]["key"], json!(0), "{first}");
    assert_eq!(one["rows"][0]["total"], json!({"packets": 1, "bytes": 64}), "{first}");
    assert_eq!(one["rows"][0]["rate"], json!({"packets": 0.0, "bytes": 0.0}), "{first}");
    let two: Value = serde_json::from_str(rest.trim()).unwrap();
    assert_eq!(two["sample"], 2, "{rest}");
    assert_eq!(two["rows"][0]["total"], json!({"packets": 9, "bytes": 512}), "{rest}");
    assert_eq!(two["rows"][0]["delta"], json!({"packets": 8, "bytes": 448}), "{rest}");
    assert!(two["rows"][0]["rate"]["packets"].as_f64().unwrap() > 0.0, "{rest}");

    let pc = format!("{m}/percpu_u32_u64");
    bt(&format!("map update pinned {pc} key 0 0 0 0 value 1 0 0 0 0 0 0 0")).ok();
    let (first, rest) = watch(&["map", "watch", "pinned", &pc, "--count", "2", "--interval", "0.2"], 4, || {
        bt(&format!("map update pinned {pc} key 0 0 0 0 value 5 0 0 0 0 0 0 0")).ok();
    });
    assert_eq!(last_row(&first)["VALUE"], ncpus().to_string(), "{first}");
    let row = last_row(&rest);
    assert_eq!(row["VALUE"], (5 * ncpus()).to_string(), "{rest}");
    assert!(row["VALUE/S"].parse::<f64>().unwrap() > 0.0, "{rest}");
    // --per-cpu: a CPU column, one row per CPU.
    let per = bp(&format!("map watch pinned {pc} --per-cpu --count 1 --interval 0.1")).ok().stdout();
    assert!(
        per.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["KEY", "CPU", "VALUE", "VALUE/S"]),
        "{per}"
    );
    assert_eq!(per.lines().filter(|l| l.split_whitespace().nth(2) == Some("5")).count(), ncpus(), "{per}");

    bp(&format!("map watch pinned {h} --count 0")).err("--count");
    bp(&format!("map watch pinned {h} --interval 0")).err("--interval");
    bp(&format!("map watch pinned {h} --duration 0")).err("--duration");
}
