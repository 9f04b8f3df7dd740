//! `prog load`, `prog loadall` and `prog show`: every fixture object loads,
//! bpftool sees the same programs and maps, selectors pick the right ones,
//! maps are pinned, reused and replaced, and a failed load leaves nothing.

use std::path::Path;

use serde_json::Value;

use crate::require_root;
use crate::util::*;

// ---------------------------------------------------------------------------
// Helpers shared by the pin and errors modules
// ---------------------------------------------------------------------------

/// `bpfpin prog load OBJ PATH EXTRA...`, which must succeed.
#[track_caller]
pub fn load(obj: &str, path: &str, extra: &[&str]) -> Run {
    let mut a = vec!["prog", "load", obj, path];
    a.extend_from_slice(extra);
    bpfpin(&a).ok()
}

/// `bpfpin prog loadall OBJ DIR EXTRA...`, which must succeed.
#[track_caller]
pub fn loadall(obj: &str, dir: &str, extra: &[&str]) -> Run {
    let mut a = vec!["prog", "loadall", obj, dir];
    a.extend_from_slice(extra);
    bpfpin(&a).ok()
}

/// bpftool's view of a pinned program.
#[track_caller]
pub fn tool_prog(path: &str) -> Value {
    bpftool(&["-j", "prog", "show", "pinned", path]).ok().json()
}

/// bpftool's view of a pinned map.
#[track_caller]
pub fn tool_map(path: &str) -> Value {
    bpftool(&["-j", "map", "show", "pinned", path]).ok().json()
}

#[track_caller]
pub fn id(v: &Value) -> u64 {
    v["id"].as_u64().unwrap_or_else(|| panic!("no id in {v}"))
}

pub fn prog_id(path: &str) -> u64 {
    id(&tool_prog(path))
}

pub fn map_id(path: &str) -> u64 {
    id(&tool_map(path))
}

/// The map ids a pinned program uses, per bpftool.
pub fn prog_map_ids(path: &str) -> Vec<u64> {
    let v = tool_prog(path);
    v["map_ids"].as_array().map(|a| a.iter().filter_map(Value::as_u64).collect()).unwrap_or_default()
}

/// Two JSON objects agree on every key both have (`loaded_at` within 1 s:
/// the two tools round boot time to wall time independently).
#[track_caller]
pub fn assert_same_on_shared_keys(ours: &Value, theirs: &Value) {
    let (Some(a), Some(b)) = (ours.as_object(), theirs.as_object()) else {
        panic!("expected two JSON objects:\nbpfpin  {ours}\nbpftool {theirs}");
    };
    let shared: Vec<&String> = a.keys().filter(|k| b.contains_key(*k)).collect();
    assert!(shared.len() >= 5, "too few shared keys {shared:?}:\nbpfpin  {ours}\nbpftool {theirs}");
    for k in shared {
        if k == "type" && b[k].is_number() && a[k].is_string() {
            // bpftool 7.1's libbpf (1.1) has no name for types newer than
            // it (cgrp_storage, arena: tests/it/exact.rs makes them) and
            // prints the number; bpfpin names them as newer bpftool does.
            continue;
        }
        if k == "loaded_at" {
            let (x, y) = (a[k].as_i64().unwrap_or(0), b[k].as_i64().unwrap_or(0));
            assert!((x - y).abs() <= 1, "loaded_at {x} vs {y}:\nbpfpin  {ours}\nbpftool {theirs}");
        } else {
            assert_eq!(a[k], b[k], "key `{k}` differs:\nbpfpin  {ours}\nbpftool {theirs}");
        }
    }
}

/// bpftool's and bpfpin's pinned-program views agree on identity.
#[track_caller]
fn assert_bpftool_sees_prog(path: &str) {
    let ours = bpfpin(&["-j", "prog", "show", "pinned", path]).ok().json();
    let theirs = tool_prog(path);
    for k in ["id", "type", "tag", "name"] {
        assert_eq!(ours[k], theirs[k], "`{k}` of {path}:\nbpfpin  {ours}\nbpftool {theirs}");
    }
    assert_same_on_shared_keys(&ours, &theirs);
}

/// (type, key, value, max_entries) of a pinned map, per bpftool.
#[track_caller]
fn map_shape(path: &str) -> (String, u64, u64, u64) {
    let v = tool_map(path);
    let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("no {k} in {v}"));
    (v["type"].as_str().unwrap_or("").to_string(), n("bytes_key"), n("bytes_value"), n("max_entries"))
}

fn shape(t: &str, k: u64, v: u64, n: u64) -> (String, u64, u64, u64) {
    (t.to_string(), k, v, n)
}

fn ids_of(list: &Value) -> Vec<u64> {
    match list {
        Value::Array(a) => a.iter().map(id).collect(),
        Value::Object(_) => vec![id(list)],
        other => panic!("expected a list or an object, got {other}"),
    }
}

// ---------------------------------------------------------------------------
// Every fixture object loads
// ---------------------------------------------------------------------------

#[test]
fn btf_maps_load_and_loadall() {
    require_root!();
    let d = BpffsDir::new();
    loadall(&object("btf_maps.o"), &d.join("all"), &["--pin-maps", &d.join("maps")]);
    assert_bpftool_sees_prog(&d.join("all/btf_maps_prog"));
    assert_eq!(tool_prog(&d.join("all/btf_maps_prog"))["type"], "xdp");
    for (name, want) in [
        ("hash_u32_u64", shape("hash", 4, 8, 1024)),
        ("array_u32_u64", shape("array", 4, 8, 16)),
        ("lru_u32_u64", shape("lru_hash", 4, 8, 128)),
        ("percpu_u32_u64", shape("percpu_hash", 4, 8, 64)),
        ("stats", shape("hash", 4, 16, 64)),
    ] {
        assert_eq!(map_shape(&d.join(&format!("maps/{name}"))), want, "{name}");
    }
    // The program uses exactly the pinned maps.
    let mut used = prog_map_ids(&d.join("all/btf_maps_prog"));
    let mut pinned: Vec<u64> = ["hash_u32_u64", "array_u32_u64", "lru_u32_u64", "percpu_u32_u64", "stats"]
        .iter()
        .map(|n| map_id(&d.join(&format!("maps/{n}"))))
        .collect();
    used.sort();
    pinned.sort();
    assert_eq!(used, pinned);

    // `load` pins the program itself at PATH; without --pin-maps no map pin.
    load(&object("btf_maps.o"), &d.join("one"), &[]);
    assert_bpftool_sees_prog(&d.join("one"));
    assert_eq!(tool_prog(&d.join("one"))["name"], "btf_maps_prog");
    assert!(!Path::new(&d.join("maps2")).exists());
}

#[test]
fn legacy_maps_section_loads() {
    require_root!();
    let d = BpffsDir::new();
    // libbpf 1.x (bpftool) refuses `SEC("maps")`; bpfpin must load it.
    loadall(&object("legacy_maps.o"), &d.join("all"), &["--pin-maps", &d.join("maps")]);
    assert_bpftool_sees_prog(&d.join("all/legacy_prog"));
    assert_eq!(tool_prog(&d.join("all/legacy_prog"))["type"], "socket_filter");
    assert_eq!(map_shape(&d.join("maps/legacy_hash")), shape("hash", 4, 8, 256));
    assert_eq!(map_shape(&d.join("maps/legacy_array")), shape("array", 4, 8, 4));
    load(&object("legacy_maps.o"), &d.join("one"), &[]);
    assert_eq!(tool_prog(&d.join("one"))["name"], "legacy_prog");
}

#[test]
fn globals_are_pinned_under_libbpfs_names() {
    require_root!();
    let d = BpffsDir::new();
    loadall(&object("globals.o"), &d.join("all"), &["--pin-maps", &d.join("maps")]);
    let mut names: Vec<String> = std::fs::read_dir(d.join("maps"))
        .expect("maps dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // As bpftool pins them: libbpf's map name (`globals.bss`) with `.` made `_`.
    assert_eq!(names, ["globals_bss", "globals_data", "globals_rodata"]);
    assert_eq!(tool_map(&d.join("maps/globals_rodata"))["frozen"], 1);
    // .data starts with the object's initial value (data_var = 7).
    let dump = bpftool(&["-j", "map", "dump", "pinned", &d.join("maps/globals_data")]).ok().json();
    assert_eq!(dump[0]["value"][0], "0x07", "{dump}");
    let mut used = prog_map_ids(&d.join("all/globals_prog"));
    let mut pinned: Vec<u64> = ["globals_bss", "globals_data", "globals_rodata"]
        .iter()
        .map(|n| map_id(&d.join(&format!("maps/{n}"))))
        .collect();
    used.sort();
    pinned.sort();
    assert_eq!(used, pinned);
    load(&object("globals.o"), &d.join("one"), &[]);
    assert_bpftool_sees_prog(&d.join("one"));
}

#[test]
fn two_programs_loadall_load_and_prog() {
    require_root!();
    let d = BpffsDir::new();
    loadall(&object("two_progs.o"), &d.join("all"), &["--pin-maps", &d.join("maps")]);
    assert_eq!(tool_prog(&d.join("all/first_prog"))["name"], "first_prog");
    assert_eq!(tool_prog(&d.join("all/second_prog"))["name"], "second_prog");
    // Both programs of one load share one map.
    let shared = map_id(&d.join("maps/shared_map"));
    assert_eq!(prog_map_ids(&d.join("all/first_prog")), [shared]);
    assert_eq!(prog_map_ids(&d.join("all/second_prog")), [shared]);

    load(&object("two_progs.o"), &d.join("first"), &[]);
    assert_eq!(tool_prog(&d.join("first"))["name"], "first_prog");
    load(&object("two_progs.o"), &d.join("second"), &["--prog", "second_prog"]);
    assert_eq!(tool_prog(&d.join("second"))["name"], "second_prog");
    assert_ne!(prog_id(&d.join("second")), prog_id(&d.join("all/second_prog")));

    // Asking for a program the object lacks names the ones it has.
    let before = d.snapshot();
    bpfpin(&["prog", "load", &object("two_progs.o"), &d.join("third"), "--prog", "third_prog"])
        .err("no program `third_prog`")
        .err("first_prog, second_prog");
    assert_eq!(d.snapshot(), before);
}

#[test]
fn tail_call_prog_array_loads() {
    require_root!();
    let d = BpffsDir::new();
    loadall(&object("tail_call.o"), &d.join("all"), &["--pin-maps", &d.join("maps")]);
    assert_eq!(map_shape(&d.join("maps/jmp_table")), shape("prog_array", 4, 4, 4));
    assert_eq!(map_shape(&d.join("maps/tail_hits")), shape("array", 4, 8, 2));
    let jmp = map_id(&d.join("maps/jmp_table"));
    assert!(prog_map_ids(&d.join("all/tail_entry")).contains(&jmp));
    assert_bpftool_sees_prog(&d.join("all/tail_target"));
}

#[test]
fn libbpf_section_names_load() {
    require_root!();
    let d = BpffsDir::new();
    // tc, tcx/ingress, tcx/egress, socket1: names aya 0.14 and libbpf 1.1 refuse.
    loadall(&object("sections.o"), &d.join("all"), &["--pin-maps", &d.join("maps")]);
    for (prog, ty) in [
        ("tc_prog", "sched_cls"),
        ("tcx_in_prog", "sched_cls"),
        ("tcx_out_prog", "sched_cls"),
        ("sock1_prog", "socket_filter"),
        ("cls_prog", "sched_cls"),
    ] {
        let path = d.join(&format!("all/{prog}"));
        assert_eq!(tool_prog(&path)["type"], ty, "{prog}");
        assert_bpftool_sees_prog(&path);
    }
    for m in ["tc_hits", "tcx_in_hits", "tcx_out_hits", "sock1_hits", "cls_hits"] {
        assert_eq!(map_shape(&d.join(&format!("maps/{m}"))), shape("array", 4, 8, 1), "{m}");
    }
    load(&object("sections.o"), &d.join("sock"), &["--prog", "sock1_prog"]);
    assert_eq!(tool_prog(&d.join("sock"))["type"], "socket_filter");
}

#[test]
fn long_names_come_from_btf() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("big_names.o"), &d.join("p"), &["--pin-maps", &d.join("maps")]);
    let full = "this_is_a_very_long_program_name";
    let ours = bpfpin(&["-j", "prog", "show", "pinned", &d.join("p")]).ok().json();
    assert_eq!(ours["name"], full);
    assert_bpftool_sees_prog(&d.join("p"));
    let me = prog_id(&d.join("p"));
    // The kernel's 15-char name selects it, and so does the full name.
    for name in ["this_is_a_very_", full] {
        let v = bpfpin(&["-j", "prog", "show", "name", name]).ok().json();
        assert!(ids_of(&v).contains(&me), "`name {name}` misses id {me}: {v}");
    }
    // A prefix that is neither is not a match.
    bpfpin(&["prog", "show", "name", "this_is_a_very_long"]).err("no program is named");
    assert!(Path::new(&d.join("maps/a_map_with_a_very_long_name")).exists());
}

// ---------------------------------------------------------------------------
// bpftool agrees
// ---------------------------------------------------------------------------

#[test]
fn show_lists_equal_bpftool_on_shared_keys() {
    require_root!();
    let d = BpffsDir::new();
    loadall(&object("btf_maps.o"), &d.join("p"), &["--pin-maps", &d.join("maps")]);
    loadall(&object("two_progs.o"), &d.join("t"), &["--pin-maps", &d.join("tmaps")]);
    let progs = [d.join("p/btf_maps_prog"), d.join("t/first_prog"), d.join("t/second_prog")];
    let maps: Vec<String> = ["maps/hash_u32_u64", "maps/stats", "maps/percpu_u32_u64", "tmaps/shared_map"]
        .iter()
        .map(|m| d.join(m))
        .collect();

    for (what, paths) in [("prog", progs.to_vec()), ("map", maps)] {
        let ours = bpfpin(&["-j", what, "show"]).ok().json();
        let theirs = bpftool(&["-j", what, "show"]).ok().json();
        let find = |list: &Value, want: u64| -> Value {
            list.as_array()
                .and_then(|a| a.iter().find(|v| v["id"].as_u64() == Some(want)).cloned())
                .unwrap_or_else(|| panic!("id {want} missing from `{what} show` list"))
        };
        for p in &paths {
            let want = if what == "prog" { prog_id(p) } else { map_id(p) };
            assert_same_on_shared_keys(&find(&ours, want), &find(&theirs, want));
        }
        // And every object both lists hold (others' tests come and go
        // between the two calls) agrees too.
        for o in ours.as_array().into_iter().flatten() {
            if let Some(t) = theirs.as_array().and_then(|a| a.iter().find(|t| t["id"] == o["id"])) {
                assert_same_on_shared_keys(o, t);
            }
        }
        // Pinned single objects as well.
        for p in &paths {
            let ours = bpfpin(&["-j", what, "show", "pinned", p]).ok().json();
            let theirs = bpftool(&["-j", what, "show", "pinned", p]).ok().json();
            assert_same_on_shared_keys(&ours, &theirs);
        }
    }
}

// ---------------------------------------------------------------------------
// Selectors
// ---------------------------------------------------------------------------

#[test]
fn selectors_pick_programs() {
    require_root!();
    let a = BpffsDir::new();
    let b = BpffsDir::new();
    load(&object("two_progs.o"), &a.join("p"), &["--prog", "second_prog"]);
    load(&object("two_progs.o"), &b.join("p"), &["--prog", "second_prog"]);
    let (ia, ib) = (prog_id(&a.join("p")), prog_id(&b.join("p")));
    assert_ne!(ia, ib);
    let tag = tool_prog(&a.join("p"))["tag"].as_str().expect("tag").to_string();

    let one = |args: &[&str]| -> u64 {
        let mut v = vec!["-j", "prog", "show"];
        v.extend_from_slice(args);
        id(&bpfpin(&v).ok().json())
    };
    let ia_s = ia.to_string();
    assert_eq!(one(&["id", &ia_s]), ia);
    assert_eq!(one(&["pinned", &a.join("p")]), ia);
    assert_eq!(one(&[&b.join("p")]), ib, "a bare path means `pinned PATH`");

    // `name` and `tag` may match several: both loads are listed.
    for sel in [["name", "second_prog"], ["tag", tag.as_str()]] {
        let v = bpfpin(&["-j", "prog", "show", sel[0], sel[1]]).ok().json();
        let ids = ids_of(&v);
        assert!(ids.contains(&ia) && ids.contains(&ib), "`{} {}` lists {ids:?}, wants {ia} and {ib}", sel[0], sel[1]);
        assert!(v.is_array(), "several matches are a list: {v}");
    }
    // `list` is `show`; `p s` abbreviates `prog show`.
    assert_eq!(id(&bpfpin(&["-j", "prog", "list", "id", &ia_s]).ok().json()), ia);
    assert_eq!(id(&bpfpin(&["-j", "p", "s", "id", &ia_s]).ok().json()), ia);
    let plain = bpfpin(&["p", "s", "id", &ia_s]).ok().stdout();
    assert!(plain.contains("second_prog") && plain.contains(&ia_s), "{plain}");
    // A command that takes one program refuses a selector matching two.
    bpfpin(&["prog", "pin", "name", "second_prog", &a.join("again")]).err("programs match");
    assert!(!Path::new(&a.join("again")).exists());
}

#[test]
fn selectors_pick_maps() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("two_progs.o"), &d.join("p"), &["--pin-maps", &d.join("maps")]);
    let path = d.join("maps/shared_map");
    let mid = map_id(&path);
    let mid_s = mid.to_string();
    for sel in [vec!["id", mid_s.as_str()], vec!["pinned", path.as_str()], vec![path.as_str()]] {
        let mut a = vec!["-j", "map", "show"];
        a.extend_from_slice(&sel);
        assert_eq!(id(&bpfpin(&a).ok().json()), mid, "{sel:?}");
    }
    let v = bpfpin(&["-j", "map", "show", "name", "shared_map"]).ok().json();
    assert!(ids_of(&v).contains(&mid), "{v}");
    // `m s` abbreviates `map show` and lists every map, ours included.
    let all = bpfpin(&["-j", "m", "s"]).ok().json();
    assert!(ids_of(&all).contains(&mid));
    let plain = bpfpin(&["m", "s"]).ok().stdout();
    assert!(plain.contains("shared_map"), "{plain}");
}

// ---------------------------------------------------------------------------
// Map pinning, reuse and replacement
// ---------------------------------------------------------------------------

#[test]
fn keyword_forms_and_map_reuse_by_selector() {
    require_root!();
    let d = BpffsDir::new();
    // bpftool's keyword forms: `type T` and `pinmaps DIR`.
    load(&object("two_progs.o"), &d.join("kw"), &["type", "xdp", "pinmaps", &d.join("maps")]);
    assert_eq!(tool_prog(&d.join("kw"))["type"], "xdp");
    let shared = map_id(&d.join("maps/shared_map"));
    assert_eq!(prog_map_ids(&d.join("kw")), [shared]);
    // `--type` overrides the section: sections.o's socket program loads as tc.
    load(&object("sections.o"), &d.join("forced"), &["--prog", "sock1_prog", "--type", "tc"]);
    assert_eq!(tool_prog(&d.join("forced"))["type"], "sched_cls");

    // --map NAME=MAP (path, id:N) and `map name NAME pinned P` reuse the map.
    load(&object("two_progs.o"), &d.join("flag"), &["--map", &format!("shared_map={}", d.join("maps/shared_map"))]);
    assert_eq!(prog_map_ids(&d.join("flag")), [shared]);
    load(&object("two_progs.o"), &d.join("byid"), &["--map", &format!("shared_map=id:{shared}")]);
    assert_eq!(prog_map_ids(&d.join("byid")), [shared]);
    load(
        &object("two_progs.o"),
        &d.join("kwmap"),
        &["map", "name", "shared_map", "pinned", &d.join("maps/shared_map")],
    );
    assert_eq!(prog_map_ids(&d.join("kwmap")), [shared]);
    // Reusing through a selector pins nothing new.
    let mut want = vec![d.join("byid"), d.join("flag"), d.join("forced"), d.join("kw"), d.join("kwmap")];
    want.push(d.join("maps"));
    want.push(d.join("maps/shared_map"));
    want.sort();
    assert_eq!(d.snapshot(), want);

    // A map that does not fit is refused before anything is made.
    let before = d.snapshot();
    let jmp = BpffsDir::new();
    load(&object("tail_call.o"), &jmp.join("p"), &["--pin-maps", &jmp.join("m")]);
    bpfpin(&[
        "prog",
        "load",
        &object("two_progs.o"),
        &d.join("bad"),
        "--map",
        &format!("shared_map={}", jmp.join("m/tail_hits")),
    ])
    .err("cannot reuse");
    bpfpin(&["prog", "load", &object("two_progs.o"), &d.join("bad"), "--map", "no_such_map=id:1"])
        .err("no map `no_such_map`");
    assert_eq!(d.snapshot(), before);
}

#[test]
fn reuse_keeps_a_counter_and_replace_resets_it() {
    require_root!();
    let d = BpffsDir::new();
    let maps = d.join("maps");
    let hash = d.join("maps/hash_u32_u64");
    load(&object("btf_maps.o"), &d.join("p1"), &["--pin-maps", &maps]);
    let first = map_id(&hash);
    bpftool(&[
        "map", "update", "pinned", &hash, "key", "1", "0", "0", "0", "value", "9", "0", "0", "0", "0", "0", "0", "0",
    ])
    .ok();

    // Default (--reuse-maps): same map, value kept, and the program uses it.
    load(&object("btf_maps.o"), &d.join("p2"), &["--pin-maps", &maps]);
    assert_eq!(map_id(&hash), first);
    assert!(prog_map_ids(&d.join("p2")).contains(&first));
    let v = bpftool(&["-j", "map", "lookup", "pinned", &hash, "key", "1", "0", "0", "0"]).ok().json();
    assert_eq!(v["value"][0], "0x09", "{v}");
    // Explicit --reuse-maps is the same.
    load(&object("btf_maps.o"), &d.join("p3"), &["--pin-maps", &maps, "--reuse-maps"]);
    assert_eq!(map_id(&hash), first);

    // --replace-maps: a fresh map, the key is gone, old programs keep the old one.
    load(&object("btf_maps.o"), &d.join("p4"), &["--pin-maps", &maps, "--replace-maps"]);
    let fresh = map_id(&hash);
    assert_ne!(fresh, first);
    assert!(prog_map_ids(&d.join("p4")).contains(&fresh));
    assert!(prog_map_ids(&d.join("p1")).contains(&first));
    let gone = bpftool(&["map", "lookup", "pinned", &hash, "key", "1", "0", "0", "0"]);
    assert!(!gone.out.status.success(), "key 1 survived --replace-maps: {}", gone.stdout());
}

#[test]
fn reuse_keeps_global_counters() {
    require_root!();
    // aya writes a section's initial data into reused .data/.bss maps;
    // bpfpin must keep what they hold, as libbpf does.
    let d = BpffsDir::new();
    let maps = d.join("maps");
    load(&object("globals.o"), &d.join("p1"), &["--pin-maps", &maps]);
    let bss = d.join("maps/globals_bss");
    let data = d.join("maps/globals_data");
    let (bss_id, data_id) = (map_id(&bss), map_id(&data));
    bpftool(&[
        "map", "update", "pinned", &bss, "key", "0", "0", "0", "0", "value", "5", "0", "0", "0", "0", "0", "0", "0",
    ])
    .ok();
    bpftool(&[
        "map", "update", "pinned", &data, "key", "0", "0", "0", "0", "value", "9", "0", "0", "0", "0", "0", "0", "0",
    ])
    .ok();
    load(&object("globals.o"), &d.join("p2"), &["--pin-maps", &maps]);
    assert_eq!((map_id(&bss), map_id(&data)), (bss_id, data_id));
    let value0 = |p: &str| {
        bpftool(&["-j", "map", "lookup", "pinned", p, "key", "0", "0", "0", "0"]).ok().json()["value"][0].clone()
    };
    assert_eq!(value0(&bss), "0x05");
    assert_eq!(value0(&data), "0x09");
    // Replacing starts from the object's values again.
    load(&object("globals.o"), &d.join("p3"), &["--pin-maps", &maps, "--replace-maps"]);
    assert_ne!(map_id(&bss), bss_id);
    assert_eq!(value0(&bss), "0x00");
    assert_eq!(value0(&data), "0x07");
}

#[test]
fn incompatible_pin_is_refused_with_the_mismatch() {
    require_root!();
    let d = BpffsDir::new();
    let maps = d.join("maps");
    std::fs::create_dir(&maps).expect("mkdir maps");
    let hash = bpftool_map(&d, "maps/hash_u32_u64", "hash", 4, 4, 8, "hash_u32_u64");
    let old = map_id(&hash);
    let before = d.snapshot();
    let r = bpfpin(&["prog", "load", &object("btf_maps.o"), &d.join("p"), "--pin-maps", &maps]).err("value 4B vs 8B");
    assert!(r.stderr().contains("--replace-maps"), "{}", r.stderr());
    assert!(r.stderr().contains("hash_u32_u64"), "{}", r.stderr());
    assert_eq!(d.snapshot(), before);
    assert_eq!(map_id(&hash), old);
    // --replace-maps then does what the fix says.
    load(&object("btf_maps.o"), &d.join("p"), &["--pin-maps", &maps, "--replace-maps"]);
    assert_eq!(map_shape(&hash), shape("hash", 4, 8, 1024));
}

#[test]
fn pin_by_name_goes_to_pin_maps_dir_and_is_reused() {
    require_root!();
    let d = BpffsDir::new();
    let maps = d.join("maps");
    load(&object("pin_by_name.o"), &d.join("p1"), &["--pin-maps", &maps]);
    let pinned = d.join("maps/by_name_map");
    let first = map_id(&pinned);
    assert_eq!(prog_map_ids(&d.join("p1")), [first]);
    load(&object("pin_by_name.o"), &d.join("p2"), &["--pin-maps", &maps]);
    assert_eq!(map_id(&pinned), first);
    assert_eq!(prog_map_ids(&d.join("p2")), [first]);
}

#[test]
fn pin_by_name_defaults_to_bpffs_root() {
    require_root!();
    // The object fixes the name, so this runs only when nobody else holds
    // /sys/fs/bpf/by_name_map, and removes only the pin it made.
    let root_pin = Path::new("/sys/fs/bpf/by_name_map");
    if root_pin.symlink_metadata().is_ok() {
        eprintln!("skipped: /sys/fs/bpf/by_name_map exists already");
        return;
    }
    let d = BpffsDir::new();
    load(&object("pin_by_name.o"), &d.join("p1"), &[]);
    let _guard = PinGuard(root_pin.to_path_buf());
    let first = map_id("/sys/fs/bpf/by_name_map");
    assert_eq!(prog_map_ids(&d.join("p1")), [first]);
    load(&object("pin_by_name.o"), &d.join("p2"), &[]);
    assert_eq!(prog_map_ids(&d.join("p2")), [first]);
}

// ---------------------------------------------------------------------------
// All or nothing
// ---------------------------------------------------------------------------

#[test]
fn verifier_rejection_leaves_nothing() {
    require_root!();
    let d = BpffsDir::new();
    // Something that existed before must survive untouched.
    load(&object("two_progs.o"), &d.join("keep"), &["--pin-maps", &d.join("keepmaps")]);
    let keep = prog_id(&d.join("keep"));
    let before = d.snapshot();
    let args = ["prog", "loadall", &object("verifier_reject.o"), &d.join("all"), "--pin-maps", &d.join("maps")];
    let r = bpfpin(&args).err("bad_prog");
    let e = r.stderr();
    assert!(e.contains("invalid mem access"), "the reason is named: {e}");
    assert!(e.contains("--verifier-log"), "{e}");
    let error_line = e.lines().find(|l| l.starts_with("Error: ")).unwrap_or("");
    assert!(error_line.contains("invalid mem access 'map_value_or_null'"), "{error_line}");
    assert_eq!(d.snapshot(), before, "no good_prog pin, no maps dir, no map pins");
    assert_eq!(prog_id(&d.join("keep")), keep);

    // --verifier-log prints the whole log: more lines than the tail.
    let mut full = args.to_vec();
    full.push("--verifier-log");
    let r2 = bpfpin(&full).err("bad_prog");
    assert!(r2.stderr().lines().count() > e.lines().count(), "default:\n{e}\nfull:\n{}", r2.stderr());
    assert!(r2.stderr().contains("func#0") || r2.stderr().contains("0: "), "{}", r2.stderr());
    assert_eq!(d.snapshot(), before);

    // `load` of the good program alone works, so the rollback was not luck.
    load(&object("verifier_reject.o"), &d.join("good"), &["--pin-maps", &d.join("maps")]);
    assert_eq!(tool_prog(&d.join("good"))["name"], "good_prog");
    assert!(Path::new(&d.join("maps/reject_pinned")).exists());
}

#[test]
fn existing_path_fails_and_pins_no_maps() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("two_progs.o"), &d.join("p"), &[]);
    let old = prog_id(&d.join("p"));
    let before = d.snapshot();
    bpfpin(&["prog", "load", &object("btf_maps.o"), &d.join("p"), "--pin-maps", &d.join("maps")]).err("already exists");
    assert_eq!(d.snapshot(), before);
    assert_eq!(prog_id(&d.join("p")), old);

    // loadall: the second program's pin exists; the first must not be left.
    std::fs::create_dir(d.join("all")).expect("mkdir");
    bpfpin(&["prog", "pin", "pinned", &d.join("p"), &d.join("all/second_prog")]).ok();
    let before = d.snapshot();
    bpfpin(&["prog", "loadall", &object("two_progs.o"), &d.join("all"), "--pin-maps", &d.join("maps")])
        .err("already exists");
    assert_eq!(d.snapshot(), before);
    assert_eq!(prog_id(&d.join("all/second_prog")), old);
}
