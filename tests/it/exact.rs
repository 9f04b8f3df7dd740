//! Byte-for-byte agreement with bpftool on real programs and maps: dumps of
//! programs past 1,000 and 10,000 instructions, `loaded_at` at every
//! sub-second offset, and `map show` of every map type the kernel makes.

use std::collections::BTreeSet;
use std::fs;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::Duration;

use serde_json::Value;

use crate::require_root;
use crate::util::*;

/// bpftool's `printf("% 4d: ", i)`, written out independently of bpfpin.
fn c_space_4d(i: usize) -> String {
    let digits = i.to_string();
    format!("{}{digits}", " ".repeat(4usize.saturating_sub(digits.len()).max(1)))
}

/// Programs pinned in `dir` by bpftool's loader (the reference).
fn load_large() -> BpffsDir {
    let dir = BpffsDir::new();
    bpftool(&["prog", "loadall", &object("large_xlated.o"), &dir.s()]).ok();
    dir
}

fn xlated_insns(pin: &str) -> u64 {
    bpftool(&["-j", "prog", "show", "pinned", pin]).ok().json()["bytes_xlated"].as_u64().expect("bytes_xlated") / 8
}

#[track_caller]
fn assert_same_bytes(what: &str, want: &[u8], got: &[u8]) {
    if want == got {
        return;
    }
    let (w, g) = (String::from_utf8_lossy(want), String::from_utf8_lossy(got));
    let at = w.lines().zip(g.lines()).position(|(a, b)| a != b);
    match at {
        Some(k) => panic!(
            "{what}: line {} differs\n bpftool: {:?}\n bpfpin:  {:?}",
            k + 1,
            w.lines().nth(k).unwrap_or(""),
            g.lines().nth(k).unwrap_or("")
        ),
        None => panic!("{what}: same lines but different bytes ({} vs {} bytes)", want.len(), got.len()),
    }
}

#[test]
fn printf_space_4d_reference() {
    assert_eq!(c_space_4d(0), "   0");
    assert_eq!(c_space_4d(999), " 999");
    assert_eq!(c_space_4d(1000), " 1000");
    assert_eq!(c_space_4d(17004), " 17004");
}

#[test]
fn large_xlated_dumps_match_bpftool_byte_for_byte() {
    require_root!();
    let dir = load_large();
    for (name, min) in [("large_1k", 1_000), ("large_flat", 1_000), ("large_10k", 10_000)] {
        let pin = dir.join(name);
        let n = xlated_insns(&pin);
        assert!(n > min, "{name}: only {n} xlated instructions, the fixture must have more than {min}");
        for (kw, flag) in [(None, None), (Some("opcodes"), Some("--opcodes")), (Some("linum"), Some("--linum"))] {
            for json in [false, true] {
                let mut a: Vec<&str> = if json { vec!["-j"] } else { vec![] };
                a.extend(["prog", "dump", "xlated", "pinned", &pin]);
                let mut b = a.clone();
                a.extend(kw);
                b.extend(flag);
                let want = bpftool(&a).ok().out.stdout;
                let got = bpfpin(&b).ok().out.stdout;
                assert_same_bytes(&format!("{name} {kw:?} json={json}"), &want, &got);
            }
        }
        // The index column widened where the count passed 999 (and 9,999).
        let plain = bpfpin(&["prog", "dump", "xlated", "pinned", &pin]).ok().stdout();
        let indices: Vec<&str> = plain.lines().filter_map(|l| l.split_once(": (").map(|(i, _)| i)).collect();
        assert!(indices.contains(&" 999") || indices.contains(&" 998"), "{name}: no index near 999");
        assert!(indices.iter().any(|i| i.len() == 5), "{name}: no 5-wide index");
        if min >= 10_000 {
            assert!(indices.iter().any(|i| i.len() == 6), "{name}: no 6-wide index");
        }
        for i in &indices {
            let n: usize = i.trim().parse().unwrap_or_else(|_| panic!("{name}: index `{i}`"));
            assert_eq!(*i, c_space_4d(n), "{name}: index column");
        }
    }
}

#[test]
fn large_visual_matches_bpftool_and_keeps_the_index_rule() {
    require_root!();
    let dir = load_large();
    // bpftool rereads /proc/kallsyms for every basic block it draws: the
    // straight-line program (six blocks) takes it about two seconds, the
    // others minutes.
    let pin = dir.join("large_flat");
    let want = bpftool(&["prog", "dump", "xlated", "pinned", &pin, "visual"]).ok().out.stdout;
    let got = bpfpin(&["prog", "dump", "xlated", "pinned", &pin, "--visual"]).ok().out.stdout;
    assert_same_bytes("large_flat visual", &want, &got);
    assert!(String::from_utf8_lossy(&got).contains(" 1000: ("), "large_flat: no index 1000 in the graph");

    // For the 17k-instruction graph, check ours against its plain dump: the
    // same instructions, each under bpftool's `% 4d` index.
    let pin = dir.join("large_10k");
    let plain = bpfpin(&["prog", "dump", "xlated", "pinned", &pin]).ok().stdout();
    let want: BTreeSet<usize> =
        plain.lines().filter_map(|l| l.split_once(": (")).map(|(i, _)| i.trim().parse().expect("index")).collect();
    let dot = bpfpin(&["prog", "dump", "xlated", "pinned", &pin, "--visual"]).ok().stdout();
    let mut seen = BTreeSet::new();
    for l in dot.lines() {
        let entry = match l.split_once("label=\"{") {
            Some((_, e)) => e,
            None => match l.strip_prefix(" | ") {
                Some(e) => e,
                None => continue,
            },
        };
        let (idx, _) = entry.split_once(": (").unwrap_or_else(|| panic!("no index in `{l}`"));
        let n: usize = idx.trim().parse().unwrap_or_else(|_| panic!("index `{idx}` in `{l}`"));
        assert_eq!(idx, c_space_4d(n), "visual index column in `{l}`");
        seen.insert(n);
    }
    assert_eq!(seen, want, "the graph's instructions are not the plain dump's");
    assert!(seen.last().is_some_and(|&n| n >= 10_000));
}

/// `(pc, bytes)` of each native instruction of our `--opcodes` listing,
/// per function; checks each pc is printed as bpftool's `%4x:\t`.
fn jited_listing(out: &str) -> Vec<Vec<(usize, Vec<u8>)>> {
    let lines: Vec<&str> = out.lines().collect();
    let mut funcs: Vec<Vec<(usize, Vec<u8>)>> = vec![Vec::new()];
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.is_empty() && funcs.last().is_some_and(|f| !f.is_empty()) {
            funcs.push(Vec::new());
        }
        if let Some((pc, _)) = l.split_once(":\t")
            && let Ok(n) = usize::from_str_radix(pc.trim_start(), 16)
            && !pc.starts_with(';')
        {
            assert_eq!(pc, format!("{n:4x}"), "pc column in `{l}`");
            let bytes = lines[i + 1].split_whitespace().map(|b| u8::from_str_radix(b, 16).expect("hex")).collect();
            funcs.last_mut().expect("function").push((n, bytes));
            i += 2;
            continue;
        }
        i += 1;
    }
    funcs.retain(|f| !f.is_empty());
    funcs
}

/// Instruction start offsets objdump finds in raw x86-64 code.
fn objdump_pcs(code: &[u8]) -> Vec<usize> {
    let f = std::env::temp_dir().join(unique("bpfpin-jit-"));
    fs::write(&f, code).expect("write code");
    let out = sh("objdump", &["-D", "-b", "binary", "-mi386:x86-64", &f.display().to_string()]);
    let _ = fs::remove_file(&f);
    let out = out.ok().stdout();
    out.lines()
        .filter_map(|l| {
            // `pc:\tbytes\tinsn`; a line of bytes alone continues a long
            // instruction and starts none.
            let (pc, rest) = l.split_once(":\t")?;
            rest.contains('\t').then_some(())?;
            usize::from_str_radix(pc.trim(), 16).ok()
        })
        .collect()
}

#[test]
fn large_jited_offsets_match_objdump() {
    require_root!();
    if !cfg!(target_arch = "x86_64") {
        eprintln!("skipped: native disassembly is checked on x86-64 only");
        return;
    }
    // bpftool 7.1 here is built without a disassembler (`No libbfd
    // support`); objdump on the kernel's image is the reference.
    let dir = load_large();
    for name in ["large_1k", "large_flat", "large_10k"] {
        let pin = dir.join(name);
        let out = bpfpin(&["prog", "dump", "jited", "pinned", &pin, "--opcodes"]).ok().stdout();
        let funcs = jited_listing(&out);
        let fd = bpfpin::pins::open_any(Path::new(&pin)).expect("open pin");
        let img = bpfpin::sys::prog::prog_image(fd.as_fd(), bpfpin::sys::prog::Image::Jited).expect("jited image");
        assert_eq!(funcs.len(), img.jited_func_lens.len().max(1), "{name}: functions");
        let all: Vec<u8> = funcs.iter().flatten().flat_map(|(_, b)| b.clone()).collect();
        assert_eq!(all, img.bytes, "{name}: --opcodes bytes are not the kernel's image");
        for (k, f) in funcs.iter().enumerate() {
            let code: Vec<u8> = f.iter().flat_map(|(_, b)| b.clone()).collect();
            let ours: Vec<usize> = f.iter().map(|(pc, _)| *pc).collect();
            assert_eq!(ours, objdump_pcs(&code), "{name} function {k}: instruction offsets differ from objdump");
        }
        let last = funcs.iter().map(|f| f.last().map_or(0, |(pc, _)| *pc)).max().unwrap_or(0);
        if name == "large_10k" {
            assert!(last > 0xffff, "{name}: image should pass 64 KiB, last pc {last:#x}");
        }
        // JSON pcs are `0x%x`, in the same places.
        let j = bpfpin(&["-j", "prog", "dump", "jited", "pinned", &pin]).ok().json();
        let pcs: Vec<Vec<usize>> = j
            .as_array()
            .expect("functions")
            .iter()
            .map(|f| {
                f["insns"]
                    .as_array()
                    .expect("insns")
                    .iter()
                    .map(|i| {
                        let s = i["pc"].as_str().expect("pc");
                        usize::from_str_radix(s.strip_prefix("0x").expect("0x"), 16).expect("hex pc")
                    })
                    .collect()
            })
            .collect();
        let plain: Vec<Vec<usize>> = funcs.iter().map(|f| f.iter().map(|(pc, _)| *pc).collect()).collect();
        assert_eq!(pcs, plain, "{name}: -j pcs");
    }
}

// ---------------------------------------------------------------------------
// loaded_at
// ---------------------------------------------------------------------------

fn clock(id: rustix::time::ClockId) -> (i64, i64) {
    let t = rustix::time::clock_gettime(id);
    (t.tv_sec, t.tv_nsec)
}

/// Sleep until CLOCK_BOOTTIME (load_time's clock) is `frac` into a second.
fn wait_for_fraction(frac: f64) {
    let (_, ns) = clock(rustix::time::ClockId::Boottime);
    let target = (frac * 1e9) as i64;
    let wait = (target - ns).rem_euclid(1_000_000_000);
    sleep(Duration::from_nanos(wait as u64));
}

/// bpftool's plain `loaded_at TIME` of one program.
fn bpftool_plain_loaded_at(pin: &str) -> String {
    let out = bpftool(&["prog", "show", "pinned", pin]).ok().stdout();
    let rest = out.split_once("loaded_at ").unwrap_or_else(|| panic!("no loaded_at: {out}")).1;
    rest.split_whitespace().next().expect("time").to_string()
}

/// The LOADED_AT cell of bpfpin's table for one program.
fn bpfpin_table_loaded_at(pin: &str) -> String {
    let out = bpfpin(&["prog", "show", "pinned", pin]).ok().stdout();
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().expect("header").split_whitespace().collect();
    let col = header.iter().position(|h| *h == "LOADED_AT").unwrap_or_else(|| panic!("no LOADED_AT: {out}"));
    let row: Vec<&str> = lines.next().expect("row").split_whitespace().collect();
    row[col].to_string()
}

#[test]
fn loaded_at_matches_bpftool_at_every_sub_second_offset() {
    require_root!();
    const LOADS: usize = 20;
    let dir = BpffsDir::new();
    let obj = object("counter_sock.o");
    let mut pins = Vec::new();
    for k in 0..LOADS {
        wait_for_fraction(k as f64 / LOADS as f64);
        let pin = dir.join(&format!("p{k}"));
        bpftool(&["prog", "load", &obj, &pin]).ok();
        pins.push(pin);
    }
    // How many of these the whole-seconds arithmetic got wrong: the test
    // must cover those (whenever the clocks' offset is not near a whole
    // second, evenly spread loads straddle it).
    let (rs, rn) = clock(rustix::time::ClockId::Realtime);
    let (bs, bn) = clock(rustix::time::ClockId::Boottime);
    let offset_frac = (rn - bn).rem_euclid(1_000_000_000) as f64 / 1e9;
    let mut straddling = 0;
    for pin in &pins {
        let fd = bpfpin::pins::open_any(Path::new(pin)).expect("open pin");
        let t = bpfpin::sys::prog_info(fd.as_fd()).expect("prog info").info.load_time;
        let whole = rs - bs + (t / 1_000_000_000) as i64;
        let exact = rs - bs + ((rn - bn) + t as i64).div_euclid(1_000_000_000);
        straddling += usize::from(whole != exact);
    }
    eprintln!("clock offset fraction {offset_frac:.3}: {straddling} of {LOADS} loads straddle a second");
    if (0.1..0.9).contains(&offset_frac) {
        assert!(straddling > 0, "no load straddles a second; the test would not catch the rounding");
    }
    for round in 0..3 {
        for pin in &pins {
            let theirs = bpftool(&["-j", "prog", "show", "pinned", pin]).ok().json()["loaded_at"].clone();
            let ours = bpfpin(&["-j", "prog", "show", "pinned", pin]).ok().json()["loaded_at"].clone();
            assert!(theirs.is_i64(), "{theirs}");
            assert_eq!(ours, theirs, "round {round}, {pin}: -j loaded_at");
            assert_eq!(bpfpin_table_loaded_at(pin), bpftool_plain_loaded_at(pin), "round {round}, {pin}: plain");
        }
        sleep(Duration::from_millis(137));
    }
}

// ---------------------------------------------------------------------------
// map show
// ---------------------------------------------------------------------------

/// Map types bpftool v7.1's libbpf (1.1) cannot name: it prints the number.
const UNNAMED_BY_LIBBPF_1_1: &[(u64, &str)] = &[(32, "cgrp_storage"), (33, "arena")];

/// Compare `map show -j` of one pin; bpfpin names types libbpf 1.1 prints
/// as numbers (as newer bpftool does), everything else is equal byte for byte.
#[track_caller]
fn assert_map_show_same(pin: &str) -> Value {
    let want = bpftool(&["-j", "map", "show", "pinned", pin]).ok();
    let got = bpfpin(&["-j", "map", "show", "pinned", pin]).ok();
    let (mut w, mut g) = (want.json(), got.json());
    // This bpftool is built without its pid iterator and never prints
    // `pids`; bpfpin does (the caller holds an fd to the map): compare the
    // rest, in the same byte form (compact, newline).
    let mut got_bytes = got.out.stdout.clone();
    if w.get("pids").is_none() && g.as_object_mut().and_then(|o| o.shift_remove("pids")).is_some() {
        got_bytes = format!("{}\n", serde_json::to_string(&g).expect("json")).into_bytes();
    }
    if let Some(n) = w["type"].as_u64() {
        let name = UNNAMED_BY_LIBBPF_1_1.iter().find(|(t, _)| *t == n).map(|(_, s)| *s);
        assert_eq!(g["type"].as_str(), name, "{pin}: bpftool prints type {n}");
        w["type"] = g["type"].clone();
        assert_eq!(serde_json::to_string(&g).expect("json"), serde_json::to_string(&w).expect("json"), "{pin}");
    } else {
        assert_same_bytes(pin, &want.out.stdout, &got_bytes);
    }
    // Plain: bpftool prints the owner line exactly when -j has the keys.
    let plain = bpftool(&["map", "show", "pinned", pin]).ok().stdout();
    assert_eq!(plain.contains("owner_prog_type"), g.get("owner_prog_type").is_some(), "{pin}: {plain}\n{g}");
    assert_eq!(plain.contains("owner jited") || plain.contains("owner not jited"), g.get("owner_jited").is_some());
    g
}

/// `map create` arguments for each type bpftool can create without BTF.
fn creatable(inner: &str) -> Vec<(&'static str, Vec<String>)> {
    let kv = |k: u32, v: u32, e: u32| vec![k.to_string(), v.to_string(), e.to_string()];
    let mut v: Vec<(&'static str, Vec<String>)> = Vec::new();
    for t in ["hash", "array", "percpu_hash", "percpu_array", "lru_hash", "lru_percpu_hash"] {
        v.push((t, kv(4, 8, 4)));
    }
    for t in [
        "prog_array",
        "perf_event_array",
        "cgroup_array",
        "devmap",
        "devmap_hash",
        "sockmap",
        "sockhash",
        "cpumap",
        "xskmap",
        "reuseport_sockarray",
    ] {
        v.push((t, kv(4, 4, 4)));
    }
    v.push(("stack_trace", kv(4, 1016, 4)));
    v.push(("lpm_trie", [kv(8, 8, 4), vec!["flags".into(), "1".into()]].concat()));
    v.push(("queue", kv(0, 4, 4)));
    v.push(("stack", kv(0, 4, 4)));
    v.push(("cgroup_storage", kv(8, 8, 0)));
    v.push(("percpu_cgroup_storage", kv(8, 8, 0)));
    v.push(("ringbuf", kv(0, 0, 4096)));
    v.push(("user_ringbuf", kv(0, 0, 4096)));
    v.push(("bloom_filter", kv(0, 4, 4)));
    for t in ["array_of_maps", "hash_of_maps"] {
        v.push((t, [kv(4, 4, 4), vec!["inner_map".into(), "pinned".into(), inner.to_string()]].concat()));
    }
    v
}

#[test]
fn map_show_matches_bpftool_for_every_map_type() {
    require_root!();
    let d = BpffsDir::new();
    let inner = bpftool_map(&d, "inner", "array", 4, 8, 4, "exact_inner");
    let mut types = BTreeSet::new();
    for (kind, rest) in creatable(&inner) {
        let pin = d.join(kind);
        let (k, v, e) = (&rest[0], &rest[1], &rest[2]);
        let mut a = vec!["map", "create", &pin, "type", kind, "key", k, "value", v, "entries", e, "name", kind];
        a.extend(rest[3..].iter().map(String::as_str));
        bpftool(&a).ok();
        let g = assert_map_show_same(&pin);
        types.insert(g["type"].as_str().expect("type").to_string());
    }

    // Maps a program holds (owners) and local storage that needs BTF.
    let progs = d.join("owners");
    let maps = PathBuf::from(d.join("owners_maps"));
    bpftool(&["prog", "loadall", &object("map_owners.o"), &progs, "pinmaps", &maps.display().to_string()]).ok();
    let mut kernel_owned = Vec::new();
    for e in fs::read_dir(&maps).expect("owners maps").flatten() {
        let pin = e.path().display().to_string();
        let fd = bpfpin::pins::open_any(&e.path()).expect("open map");
        let fdinfo_owner = bpfpin::sys::fdinfo(fd.as_fd()).iter().any(|(k, _)| k == "owner_prog_type");
        let g = assert_map_show_same(&pin);
        let kind = g["type"].as_str().expect("type").to_string();
        if fdinfo_owner {
            kernel_owned.push(kind.clone());
        }
        assert_eq!(g.get("owner_prog_type").is_some(), kind == "prog_array" && fdinfo_owner, "{pin}: {g}");
        if kind == "prog_array" {
            assert_eq!(g["owner_prog_type"], "xdp", "{g}");
            assert!(g["owner_jited"].is_boolean(), "{g}");
        }
        types.insert(kind);
    }
    // Since 6.x the kernel reports owners beyond prog arrays (cpumap,
    // devmap); older kernels only for prog arrays, where this case is moot.
    if !kernel_owned.iter().any(|k| k == "cpumap") {
        eprintln!("note: this kernel reports no cpumap owner ({kernel_owned:?}); the cpumap case is not exercised");
    }

    // Arena: bpftool 7.1 cannot make one; bpfpin can, where the kernel has it.
    let arena = d.join("arena");
    let r = bpfpin(&[
        "map", "create", &arena, "type", "arena", "key", "0", "value", "0", "entries", "1", "name", "arena", "flags",
        "1024",
    ]);
    if r.out.status.success() {
        assert_map_show_same(&arena);
        types.insert("arena".into());
    } else {
        eprintln!("arena not created (kernel without BPF arena?): {}", r.stderr());
    }
    for t in
        ["cpumap", "devmap", "devmap_hash", "xskmap", "sockmap", "sockhash", "prog_array", "sk_storage", "task_storage"]
    {
        assert!(types.contains(t), "{t} not compared: {types:?}");
    }
    eprintln!("compared {} map types: {types:?}", types.len());
}
