//! `map dump --inner` on maps of maps (tests/objects/map_in_map.o): each slot,
//! then its inner map's entries typed with the inner map's BTF; without
//! `--inner` the dump stays bpftool's.

use serde_json::{Value, json};

use crate::prog::{loadall, map_id};
use crate::require_root;
use crate::util::*;

/// map_in_map.o loaded under `d`, with `mim_count` run so that inner_a holds
/// key 5 = {1 packet, 64 bytes} and inner_b key 9 = {3 packets, 192 bytes}.
fn loaded(d: &BpffsDir) {
    loadall(&object("map_in_map.o"), &d.join("progs"), &["--pin-maps", &d.join("maps")]);
    let prog = d.join("progs/mim_count");
    // The packet's first word picks mim_aom's slot, the second the key.
    for (slot, key, repeat) in [(0u32, 5u32, "1"), (2, 9, "3")] {
        let mut pkt = Vec::new();
        pkt.extend_from_slice(&slot.to_ne_bytes());
        pkt.extend_from_slice(&key.to_ne_bytes());
        pkt.resize(64, 0);
        let f = TempFile::new("inner", &pkt);
        let j = bpfpin(&["-j", "prog", "run", "pinned", &prog, "data_in", &f.s(), "repeat", repeat]).ok().json();
        assert_eq!(j["retval"], 1, "mim_count did not find slot {slot} (XDP_DROP expected): {j}");
    }
}

fn hex_json(id: u64) -> Value {
    Value::Array((id as u32).to_ne_bytes().iter().map(|b| json!(format!("0x{b:02x}"))).collect())
}

#[test]
fn inner_plain_shows_each_slot_then_its_typed_entries() {
    require_root!();
    let d = BpffsDir::new();
    loaded(&d);
    let (a, b) = (map_id(&d.join("maps/inner_a")), map_id(&d.join("maps/inner_b")));
    let got = bpfpin(&["map", "dump", "--inner", "pinned", &d.join("maps/mim_aom")]).ok().stdout();
    let want = format!(
        "key: 00 00 00 00  inner_map_id: {a}  (hash inner_a)\n\
         \x20   key: 5  value: {{packets: 1, bytes: 64}}\n\
         \x20   Found 1 element\n\
         key: 01 00 00 00  <empty slot>\n\
         key: 02 00 00 00  inner_map_id: {b}  (hash inner_b)\n\
         \x20   key: 9  value: {{packets: 3, bytes: 192}}\n\
         \x20   Found 1 element\n\
         key: 03 00 00 00  <empty slot>\n\
         Found 2 elements\n"
    );
    assert_eq!(got, want);

    // Each inner block is, line for line, the inner map's own `map dump`
    // (typed), and with --hex its raw bpftool layout.
    for (hex, flag) in [(false, None), (true, Some("--hex"))] {
        let mut args = vec!["map", "dump", "--inner"];
        args.extend(flag);
        let outer = d.join("maps/mim_hom");
        args.extend(["pinned", outer.as_str()]);
        let got = bpfpin(&args).ok().stdout();
        let mut own = vec!["map", "dump"];
        own.extend(flag);
        let inner_b = d.join("maps/inner_b");
        own.extend(["pinned", inner_b.as_str()]);
        let block: String = bpfpin(&own).ok().stdout().lines().map(|l| format!("    {l}\n")).collect();
        assert_eq!(
            got,
            format!("key: 07 00 00 00  inner_map_id: {b}  (hash inner_b)\n{block}Found 1 element\n"),
            "hex: {hex}"
        );
        if hex {
            assert!(block.contains("key: 09 00 00 00  value: 03 00 00 00"), "{block}");
        }
    }
}

#[test]
fn inner_json_adds_the_inner_map_to_bpftools_entries() {
    require_root!();
    let d = BpffsDir::new();
    loaded(&d);
    let (a, b) = (map_id(&d.join("maps/inner_a")), map_id(&d.join("maps/inner_b")));
    let outer = d.join("maps/mim_aom");
    let got = bpfpin(&["-j", "map", "dump", "--inner", "pinned", &outer]).ok().json();
    let slots = got.as_array().unwrap_or_else(|| panic!("not an array: {got}"));
    assert_eq!(slots.len(), 4, "{got}");

    // The filled slots are bpftool's entries, plus `inner`.
    let theirs = bpftool(&["-j", "map", "dump", "pinned", &outer]).ok().json();
    let filled: Vec<&Value> = slots.iter().filter(|s| !s["inner"].is_null()).collect();
    assert_eq!(filled.len(), 2, "{got}");
    for (ours, theirs) in filled.iter().zip(theirs.as_array().expect("bpftool's array")) {
        assert_eq!(ours["key"], theirs["key"], "{got}");
        assert_eq!(ours["value"], theirs["value"], "{got}");
    }

    for (slot, id, name, key, packets) in [(0, a, "inner_a", 5, 1), (2, b, "inner_b", 9, 3)] {
        let s = &slots[slot];
        assert_eq!(s["key"], json!([format!("0x{slot:02x}"), "0x00", "0x00", "0x00"]), "{s}");
        assert_eq!(s["value"], hex_json(id), "slot {slot} holds {name}: {s}");
        let inner = &s["inner"];
        assert_eq!(inner["id"], id, "{s}");
        assert_eq!(inner["name"], name, "{s}");
        assert_eq!(inner["type"], "hash", "{s}");
        // `elements` is the inner map's `map dump -j`, which is bpftool's.
        let pin = d.join(&format!("maps/{name}"));
        assert_eq!(inner["elements"], bpftool(&["-j", "map", "dump", "pinned", &pin]).ok().json(), "{s}");
        assert_eq!(
            inner["elements"][0]["formatted"],
            json!({"key": key, "value": {"packets": packets, "bytes": packets * 64}}),
            "typed with inner map's BTF: {s}"
        );
    }
    for slot in [1, 3] {
        assert_eq!(
            slots[slot],
            json!({"key": [format!("0x{slot:02x}"), "0x00", "0x00", "0x00"], "value": null, "inner": null}),
            "empty slot {slot}"
        );
    }

    // -p is the same document, pretty.
    let pretty = bpfpin(&["-p", "map", "dump", "--inner", "pinned", &outer]).ok();
    assert!(pretty.stdout().contains("\n    {\n        \"key\": ["), "{}", pretty.stdout());
    assert_eq!(pretty.json(), got);
}

#[test]
fn inner_follows_values_written_with_map_update() {
    require_root!();
    let d = BpffsDir::new();
    loadall(&object("map_in_map.o"), &d.join("progs"), &["--pin-maps", &d.join("maps")]);
    let inner_b = d.join("maps/inner_b");
    bpfpin(&[
        "map",
        "update",
        "pinned",
        &inner_b,
        "key",
        "json",
        "4",
        "value",
        "json",
        r#"{"packets": 7, "bytes": 700}"#,
    ])
    .ok();
    // A second slot of mim_hom pointing at inner_a, written by map update.
    let hom = d.join("maps/mim_hom");
    let inner_a = d.join("maps/inner_a");
    bpfpin(&["map", "update", "pinned", &hom, "key", "1", "0", "0", "0", "value", "pinned", &inner_a]).ok();
    let (a, b) = (map_id(&inner_a), map_id(&inner_b));
    let got = bpfpin(&["map", "dump", "--inner", "pinned", &hom]).ok().stdout();
    // A hash of maps walks in the kernel's order: compare as a set of slots.
    let want_b = format!(
        "key: 07 00 00 00  inner_map_id: {b}  (hash inner_b)\n    key: 4  value: {{packets: 7, bytes: 700}}\n    Found 1 element\n"
    );
    let want_a = format!("key: 01 00 00 00  inner_map_id: {a}  (hash inner_a)\n    Found 0 elements\n");
    assert!(got.contains(&want_b), "{got}");
    assert!(got.contains(&want_a), "{got}");
    assert!(got.ends_with("Found 2 elements\n"), "{got}");
    assert_eq!(got.len(), want_a.len() + want_b.len() + "Found 2 elements\n".len(), "{got}");
}

#[test]
fn without_inner_the_dump_is_bpftools() {
    require_root!();
    let d = BpffsDir::new();
    loaded(&d);
    for map in ["mim_aom", "mim_hom"] {
        let pin = d.join(&format!("maps/{map}"));
        for mode in [None, Some("-j")] {
            let mut args: Vec<&str> = mode.into_iter().collect();
            args.extend(["map", "dump", "pinned", pin.as_str()]);
            let ours = bpfpin(&args).ok().stdout();
            let theirs = bpftool(&args).ok().stdout();
            assert_eq!(ours, theirs, "bpfpin {args:?}");
        }
        // bpftool's pretty printer keeps short arrays on one line; bpfpin
        // indents them, so -p is compared as JSON.
        let args = ["-p", "map", "dump", "pinned", pin.as_str()];
        assert_eq!(bpfpin(&args).ok().json(), bpftool(&args).ok().json(), "bpfpin {args:?}");
    }
}

#[test]
fn inner_is_refused_on_maps_that_hold_no_maps() {
    require_root!();
    let d = BpffsDir::new();
    loadall(&object("map_in_map.o"), &d.join("progs"), &["--pin-maps", &d.join("maps")]);
    let r = bpfpin(&["map", "dump", "--inner", "pinned", &d.join("maps/inner_a")]).err("is a hash, not a map of maps");
    assert!(r.stdout().is_empty(), "nothing printed before the refusal: {}", r.stdout());
}

#[test]
fn inner_maps_without_btf_print_bpftools_layout_and_undumpable_ones_say_why() {
    require_root!();
    let d = BpffsDir::new();
    let (pc, rb) = (d.join("pc"), d.join("rb"));
    let (outer_pc, outer_rb) = (d.join("outer_pc"), d.join("outer_rb"));
    // A per-CPU array made by `map create` has no BTF: its block must be
    // bpftool's own plain dump of it, line for line.
    bpfpin(&["map", "create", &pc, "type", "percpu_array", "key", "4", "value", "8", "entries", "2", "name", "mim_pc"])
        .ok();
    bpfpin(&[
        "map", "update", "pinned", &pc, "key", "1", "0", "0", "0", "value", "7", "0", "0", "0", "0", "0", "0", "0",
    ])
    .ok();
    bpfpin(&[
        "map",
        "create",
        &outer_pc,
        "type",
        "array_of_maps",
        "key",
        "4",
        "value",
        "4",
        "entries",
        "2",
        "name",
        "mim_opc",
        "inner_map",
        "pinned",
        &pc,
    ])
    .ok();
    bpfpin(&["map", "update", "pinned", &outer_pc, "key", "1", "0", "0", "0", "value", "pinned", &pc]).ok();
    let id = map_id(&pc);
    let block: String =
        bpftool(&["map", "dump", "pinned", &pc]).ok().stdout().lines().map(|l| format!("    {l}\n")).collect();
    assert!(block.contains("value (CPU 00): 07 00 00 00 00 00 00 00"), "{block}");
    let got = bpfpin(&["map", "dump", "--inner", "pinned", &outer_pc]).ok().stdout();
    assert_eq!(
        got,
        format!(
            "key: 00 00 00 00  <empty slot>\nkey: 01 00 00 00  inner_map_id: {id}  (percpu_array mim_pc)\n{block}Found 1 element\n"
        )
    );
    let j = bpfpin(&["-j", "map", "dump", "--inner", "pinned", &outer_pc]).ok().json();
    assert_eq!(j[1]["inner"]["elements"], bpftool(&["-j", "map", "dump", "pinned", &pc]).ok().json(), "{j}");

    // A ring buffer in a slot: named, not dumped, and the dump goes on.
    bpfpin(&["map", "create", &rb, "type", "ringbuf", "key", "0", "value", "0", "entries", "4096", "name", "mim_rb"])
        .ok();
    bpfpin(&[
        "map",
        "create",
        &outer_rb,
        "type",
        "array_of_maps",
        "key",
        "4",
        "value",
        "4",
        "entries",
        "1",
        "name",
        "mim_orb",
        "inner_map",
        "pinned",
        &rb,
    ])
    .ok();
    bpfpin(&["map", "update", "pinned", &outer_rb, "key", "0", "0", "0", "0", "value", "pinned", &rb]).ok();
    let id = map_id(&rb);
    let got = bpfpin(&["map", "dump", "--inner", "pinned", &outer_rb]).ok().stdout();
    assert_eq!(
        got,
        format!(
            "key: 00 00 00 00  inner_map_id: {id}  (ringbuf mim_rb)\n    <not dumped: a ringbuf cannot be dumped, its records are consumed by a reader, not stored under keys>\nFound 1 element\n"
        )
    );
    let j = bpfpin(&["-j", "map", "dump", "--inner", "pinned", &outer_rb]).ok().json();
    assert_eq!(j[0]["inner"]["id"], id, "{j}");
    assert!(j[0]["inner"]["elements"].is_null() && j[0]["inner"]["error"].is_string(), "{j}");
}
