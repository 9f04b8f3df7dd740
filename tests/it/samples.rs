//! The bundled samples (samples/*/): each committed object matches its
//! source, loads and passes the verifier, and counts real traffic once
//! attached in a private network namespace.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::Duration;

use object::{Object, ObjectSection, ObjectSymbol, SectionKind, SymbolKind, SymbolSection};
use serde_json::Value;

use crate::require_root;
use crate::util::*;

/// A program a sample must contain: name, ELF section, bpftool's type name.
struct Prog {
    name: &'static str,
    section: &'static str,
    kind: &'static str,
}

/// A map a sample must create: name in the object, pin name, bpftool's type
/// name, key and value size, max entries.
struct MapDef {
    name: &'static str,
    pin: &'static str,
    kind: &'static str,
    key: u64,
    value: u64,
    entries: u64,
}

struct Sample {
    name: &'static str,
    progs: &'static [Prog],
    maps: &'static [MapDef],
}

const SAMPLES: &[Sample] = &[
    Sample {
        name: "xdp_count",
        progs: &[Prog { name: "xdp_count", section: "xdp", kind: "xdp" }],
        // .bss holds `counter`; .rodata the bpf_printk format string.
        maps: &[
            MapDef { name: "xdp_coun.bss", pin: "xdp_coun_bss", kind: "array", key: 4, value: 8, entries: 1 },
            MapDef { name: "xdp_coun.rodata", pin: "xdp_coun_rodata", kind: "array", key: 4, value: 16, entries: 1 },
        ],
    },
    Sample {
        name: "icmp_count",
        progs: &[Prog { name: "icmp_count", section: "xdp", kind: "xdp" }],
        maps: &[MapDef { name: "pc_map", pin: "pc_map", kind: "hash", key: 4, value: 8, entries: 1024 }],
    },
    Sample {
        name: "xdp_stats",
        progs: &[Prog { name: "xdp_stats", section: "xdp", kind: "xdp" }],
        maps: &[MapDef {
            name: "xdp_stats_map",
            pin: "xdp_stats_map",
            kind: "percpu_array",
            key: 4,
            value: 16,
            entries: 5,
        }],
    },
    Sample {
        name: "tc_count",
        progs: &[
            Prog { name: "tc_count_ingress", section: "tc", kind: "sched_cls" },
            Prog { name: "tc_count_egress", section: "tc", kind: "sched_cls" },
        ],
        maps: &[MapDef { name: "tc_dir_count", pin: "tc_dir_count", kind: "array", key: 4, value: 16, entries: 2 }],
    },
    Sample {
        name: "sock_bw",
        progs: &[
            Prog { name: "sock_bw", section: "socket", kind: "socket_filter" },
            Prog { name: "tail_prog", section: "socket/tail", kind: "socket_filter" },
        ],
        maps: &[
            MapDef { name: "bw_map", pin: "bw_map", kind: "array", key: 4, value: 16, entries: 256 },
            MapDef { name: "tail_map", pin: "tail_map", kind: "prog_array", key: 4, value: 4, entries: 1 },
            MapDef { name: "tail_count", pin: "tail_count", kind: "array", key: 4, value: 8, entries: 1 },
        ],
    },
    Sample {
        name: "execsnoop",
        progs: &[
            Prog { name: "execsnoop", section: "tracepoint/sched/sched_process_exec", kind: "tracepoint" },
            Prog { name: "execsnoop_perf", section: "tracepoint/sched/sched_process_exec", kind: "tracepoint" },
        ],
        // Its records are checked by tests/it/events.rs.
        maps: &[
            MapDef { name: "events", pin: "events", kind: "ringbuf", key: 0, value: 0, entries: 256 * 1024 },
            MapDef { name: "perf_events", pin: "perf_events", kind: "perf_event_array", key: 4, value: 4, entries: 64 },
        ],
    },
];

/// Size of the frames `ping` sends: Ethernet 14 + IPv4 20 + ICMP 8 + 56 data.
const PING_FRAME: u64 = 98;

fn sample_obj(name: &str) -> String {
    sample(&format!("{name}/{name}.bpf.o"))
}

// ---------------------------------------------------------------------------
// Committed objects match their sources
// ---------------------------------------------------------------------------

/// What matters in an object, independent of the compiler's exact bytes.
#[derive(Debug, PartialEq, Eq)]
struct Summary {
    /// (program, section) of every global function in an executable section.
    programs: BTreeSet<(String, String)>,
    /// Names of the sections that are not debug info, relocations or tables.
    sections: BTreeSet<String>,
    /// (name, type, key, value, max entries, flags) as the loader reads them.
    maps: BTreeSet<(String, u32, u32, u32, u32, u32)>,
    license: String,
}

fn summary(path: &Path) -> Summary {
    let data = fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let elf = object::File::parse(&*data).unwrap_or_else(|e| panic!("{} is not ELF: {e}", path.display()));

    let mut programs = BTreeSet::new();
    for sym in elf.symbols() {
        if sym.kind() != SymbolKind::Text || !sym.is_global() {
            continue;
        }
        let SymbolSection::Section(index) = sym.section() else {
            continue;
        };
        let section = elf.section_by_index(index).expect("symbol's section");
        if section.kind() == SectionKind::Text {
            programs.insert((
                sym.name().expect("symbol name").to_owned(),
                section.name().expect("section name").to_owned(),
            ));
        }
    }

    let sections = elf
        .sections()
        .filter_map(|s| s.name().ok().map(str::to_owned))
        .filter(|n| {
            !n.is_empty()
                && !n.starts_with(".debug")
                && !n.starts_with(".rel")
                && !n.starts_with(".BTF")
                && !n.starts_with(".llvm")
                && ![".symtab", ".strtab", ".text"].contains(&n.as_str())
        })
        .collect();

    let license = elf
        .section_by_name("license")
        .and_then(|s| s.data().ok())
        .map(|d| String::from_utf8_lossy(d).trim_end_matches('\0').to_owned())
        .unwrap_or_default();

    // Map definitions as bpfpin's loader sees them (BTF `.maps`, legacy
    // `maps` and global data alike).
    let name = bpfpin::loader::maps::object_name(path);
    let obj = bpfpin::loader::Object::parse(&data, &name, None)
        .unwrap_or_else(|e| panic!("parsing {}: {e:#}", path.display()));
    let maps = obj
        .maps
        .iter()
        .map(|m| (m.name.clone(), m.map_type, m.key_size, m.value_size, m.max_entries, m.map_flags))
        .collect();

    Summary { programs, sections, maps, license }
}

fn has_clang() -> bool {
    Command::new("clang").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let p = std::env::temp_dir().join(unique("bpfpin-samples-"));
        fs::create_dir_all(&p).unwrap_or_else(|e| panic!("creating {}: {e}", p.display()));
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn every_sample_directory_is_listed_here() {
    let mut found: Vec<String> = fs::read_dir(sample(""))
        .expect("samples/")
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut listed: Vec<String> = SAMPLES.iter().map(|s| s.name.to_owned()).collect();
    listed.sort();
    assert_eq!(found, listed, "samples/ and SAMPLES in tests/it/samples.rs disagree");
    let readme = fs::read_to_string(sample("README.md")).expect("samples/README.md");
    for s in SAMPLES {
        assert!(Path::new(&sample(&format!("{0}/{0}.bpf.c", s.name))).is_file(), "{} has no source", s.name);
        assert!(Path::new(&sample_obj(s.name)).is_file(), "{} has no prebuilt object", s.name);
        assert!(readme.contains(&format!("## {}\n", s.name)), "samples/README.md has no section for {}", s.name);
    }
}

#[test]
fn prebuilt_objects_have_what_the_tests_expect() {
    for s in SAMPLES {
        let sum = summary(Path::new(&sample_obj(s.name)));
        let want: BTreeSet<(String, String)> =
            s.progs.iter().map(|p| (p.name.to_owned(), p.section.to_owned())).collect();
        assert_eq!(sum.programs, want, "{}: programs", s.name);
        let names: BTreeSet<&str> = sum.maps.iter().map(|m| m.0.as_str()).collect();
        let want: BTreeSet<&str> = s.maps.iter().map(|m| m.name).collect();
        assert_eq!(names, want, "{}: maps", s.name);
        for m in s.maps {
            let got = sum.maps.iter().find(|g| g.0 == m.name).expect("map");
            assert_eq!(
                (got.2 as u64, got.3 as u64, got.4 as u64),
                (m.key, m.value, m.entries),
                "{}: map {} sizes",
                s.name,
                m.name
            );
        }
        assert_eq!(sum.license, "GPL", "{}: license", s.name);
    }
}

#[test]
fn prebuilt_objects_match_their_sources() {
    if !has_clang() {
        if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false") {
            panic!("clang is needed to rebuild the samples; CI=true makes that a failure, not a skip");
        }
        eprintln!("skipped: clang not found, cannot rebuild the samples to compare them");
        return;
    }
    let tmp = TempDir::new();
    let out = tmp.0.display().to_string();
    sh("bash", &[&sample("build.sh"), "--out", &out]).ok();
    for s in SAMPLES {
        let rel = format!("samples/{0}/{0}.bpf.o", s.name);
        let committed = summary(Path::new(&sample_obj(s.name)));
        let rebuilt = summary(&tmp.0.join(&rel));
        assert_eq!(
            committed, rebuilt,
            "{rel} is stale: it differs from what samples/build.sh builds from {}.bpf.c; fix: run samples/build.sh and commit the object",
            s.name
        );
    }
}

// ---------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------

fn loadall(d: &BpffsDir, name: &str) {
    bpfpin(&["prog", "loadall", &sample_obj(name), &d.join("progs"), "--pin-maps", &d.join("maps")]).ok();
}

#[test]
fn every_sample_loads_and_passes_the_verifier() {
    require_root!();
    for s in SAMPLES {
        let d = BpffsDir::new();
        loadall(&d, s.name);
        for p in s.progs {
            let info = bpftool(&["-j", "prog", "show", "pinned", &d.join(&format!("progs/{}", p.name))]).ok().json();
            assert_eq!(info["type"], p.kind, "{}: {}: {info}", s.name, p.name);
            // The kernel keeps 15 characters of a name; bpftool may show the
            // full one from BTF.
            let shown = info["name"].as_str().unwrap_or_default();
            assert!(!shown.is_empty() && p.name.starts_with(shown), "{}: name {shown:?} for {}", s.name, p.name);
            assert!(info["bytes_xlated"].as_u64().is_some_and(|n| n > 0), "{}: {} not loaded: {info}", s.name, p.name);
        }
        for m in s.maps {
            let info = bpftool(&["-j", "map", "show", "pinned", &d.join(&format!("maps/{}", m.pin))]).ok().json();
            assert_eq!(info["type"], m.kind, "{}: {}: {info}", s.name, m.name);
            assert_eq!(info["bytes_key"], m.key, "{}: {}: {info}", s.name, m.name);
            assert_eq!(info["bytes_value"], m.value, "{}: {}: {info}", s.name, m.name);
            assert_eq!(info["max_entries"], m.entries, "{}: {}: {info}", s.name, m.name);
        }
        let mut want: Vec<String> = s.progs.iter().map(|p| d.join(&format!("progs/{}", p.name))).collect();
        want.extend(s.maps.iter().map(|m| d.join(&format!("maps/{}", m.pin))));
        want.push(d.join("progs"));
        want.push(d.join("maps"));
        want.sort();
        assert_eq!(d.snapshot(), want, "{}: pins", s.name);
    }
}

/// Raw value bytes of a bpftool JSON hex array (`["0x07", "0x00", ...]`).
fn hex_bytes(v: &Value) -> Vec<u8> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a byte array: {v}"))
        .iter()
        .map(|b| {
            let s = b.as_str().unwrap_or_default();
            u8::from_str_radix(s.trim_start_matches("0x"), 16).unwrap_or_else(|e| panic!("byte {s:?}: {e}"))
        })
        .collect()
}

fn u64s(bytes: &[u8]) -> Vec<u64> {
    bytes.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes"))).collect()
}

/// A map value as little-endian u64 fields, read with bpftool (independent
/// of bpfpin); per-CPU values are summed over the CPUs.
fn lookup(pin: &str, key: &[&str]) -> Vec<u64> {
    let mut args = vec!["-j", "map", "lookup", "pinned", pin, "key"];
    args.extend_from_slice(key);
    let v = bpftool(&args).ok().json();
    if let Some(cpus) = v["values"].as_array() {
        let mut sum: Vec<u64> = Vec::new();
        for cpu in cpus {
            let fields = u64s(&hex_bytes(&cpu["value"]));
            sum.resize(fields.len(), 0);
            for (s, f) in sum.iter_mut().zip(fields) {
                *s += f;
            }
        }
        sum
    } else {
        u64s(&hex_bytes(&v["value"]))
    }
}

/// The map id behind a pin.
fn map_id(pin: &str) -> u64 {
    bpftool(&["-j", "map", "show", "pinned", pin]).ok().json()["id"].as_u64().expect("map id")
}

#[test]
fn xdp_stats_reload_keeps_counters_unless_replace_maps() {
    require_root!();
    let d = BpffsDir::new();
    // One directory per interface, as samples/README.md does it.
    let dir = d.join("eth0");
    fs::create_dir(&dir).expect("per-interface directory");
    let prog = format!("{dir}/xdp_stats");
    let map = format!("{dir}/xdp_stats_map");
    let load = |extra: &[&str]| {
        let obj = sample_obj("xdp_stats");
        let mut args = vec!["prog", "load", obj.as_str(), prog.as_str(), "--pin-maps", dir.as_str()];
        args.extend_from_slice(extra);
        bpfpin(&args).ok();
    };
    let pass = ["2", "0", "0", "0"];

    load(&[]);
    let id = map_id(&map);
    // Seed XDP_PASS with {rx_packets 7, rx_bytes 9} on every CPU.
    let mut args = vec!["map", "update", "pinned", map.as_str(), "key"];
    args.extend_from_slice(&pass);
    args.extend(["value", "7", "0", "0", "0", "0", "0", "0", "0", "9", "0", "0", "0", "0", "0", "0", "0"]);
    bpftool(&args).ok();
    let seeded = lookup(&map, &pass);
    assert!(seeded[0] >= 7 && seeded[0].is_multiple_of(7) && seeded[1] == seeded[0] / 7 * 9, "{seeded:?}");

    bpfpin(&["prog", "rm", &prog]).ok();
    load(&[]);
    assert_eq!(map_id(&map), id, "the reload did not reuse the pinned map");
    assert_eq!(lookup(&map, &pass), seeded, "the reload lost the counters");

    bpfpin(&["prog", "rm", &prog]).ok();
    load(&["--replace-maps"]);
    assert_ne!(map_id(&map), id, "--replace-maps kept the old map");
    assert_eq!(lookup(&map, &pass), vec![0, 0], "--replace-maps kept the counters");
}

// ---------------------------------------------------------------------------
// Counting real traffic (veth pair between two private namespaces)
// ---------------------------------------------------------------------------

fn attach(ns: &NetNs, how: &str, prog: &str) {
    ns.bpfpin(&["net", "attach", how, "pinned", prog, "dev", &ns.host]).ok();
}

fn detach(ns: &NetNs, how: &str) {
    ns.bpfpin(&["net", "detach", how, "dev", &ns.host]).ok();
}

/// The peer's IPv4 address as DATA tokens, in network byte order.
fn peer_key(ns: &NetNs) -> Vec<String> {
    ns.peer_ip.split('.').map(str::to_owned).collect()
}

#[test]
fn xdp_count_counts_pings() {
    require_root!();
    let d = BpffsDir::new();
    let ns = NetNs::new();
    loadall(&d, "xdp_count");
    attach(&ns, "xdp", &d.join("progs/xdp_count"));
    ns.ping_from_peer(3).ok();
    let counter = lookup(&d.join("maps/xdp_coun_bss"), &["0", "0", "0", "0"])[0];
    assert!(counter >= 3, "counter {counter} after 3 pings");
    let dump = bpfpin(&["map", "dump", "pinned", &d.join("maps/xdp_coun_bss")]).ok();
    assert!(dump.stdout().contains("Found 1 element"), "{}", dump.stdout());
    detach(&ns, "xdp");
}

#[test]
fn icmp_count_counts_echo_requests_per_source() {
    require_root!();
    let d = BpffsDir::new();
    let ns = NetNs::new();
    // README flow: maps pinned straight into the directory given.
    let prog = d.join("icmp_count");
    bpfpin(&["prog", "load", &sample_obj("icmp_count"), &prog, "--pin-maps", &d.s()]).ok();
    let map = d.join("pc_map");
    attach(&ns, "xdp", &prog);
    ns.ping_from_peer(4).ok();
    let key = peer_key(&ns);
    let key: Vec<&str> = key.iter().map(String::as_str).collect();
    assert_eq!(lookup(&map, &key), vec![4], "echo requests from {}", ns.peer_ip);
    let entries = bpftool(&["-j", "map", "dump", "pinned", &map]).ok().json();
    assert_eq!(entries.as_array().map(Vec::len), Some(1), "only the peer pinged: {entries}");
    let dump = bpfpin(&["map", "dump", "pinned", &map]).ok();
    assert!(dump.stdout().contains("Found 1 element"), "{}", dump.stdout());
    detach(&ns, "xdp");
    bpfpin(&["map", "rm", &map]).ok();
    assert!(!Path::new(&map).exists());
}

#[test]
fn xdp_stats_counts_passed_packets() {
    require_root!();
    let d = BpffsDir::new();
    let ns = NetNs::new();
    let dir = d.join(&ns.host);
    fs::create_dir(&dir).expect("per-interface directory");
    let prog = format!("{dir}/xdp_stats");
    bpfpin(&["prog", "load", &sample_obj("xdp_stats"), &prog, "--pin-maps", &dir]).ok();
    attach(&ns, "xdp", &prog);
    ns.ping_from_peer(3).ok();
    let map = format!("{dir}/xdp_stats_map");
    let pass = lookup(&map, &["2", "0", "0", "0"]);
    assert!(pass[0] >= 3 && pass[1] >= 3 * PING_FRAME, "XDP_PASS {pass:?} after 3 pings");
    for other in ["0", "1", "3", "4"] {
        assert_eq!(lookup(&map, &[other, "0", "0", "0"]), vec![0, 0], "action {other}");
    }
    detach(&ns, "xdp");
}

#[test]
fn tc_count_counts_both_directions() {
    require_root!();
    let d = BpffsDir::new();
    let ns = NetNs::new();
    loadall(&d, "tc_count");
    attach(&ns, "tc-ingress", &d.join("progs/tc_count_ingress"));
    attach(&ns, "tc-egress", &d.join("progs/tc_count_egress"));
    ns.ping_from_peer(3).ok();
    let map = d.join("maps/tc_dir_count");
    let ingress = lookup(&map, &["0", "0", "0", "0"]);
    let egress = lookup(&map, &["1", "0", "0", "0"]);
    assert!(ingress[0] >= 3 && ingress[1] >= 3 * PING_FRAME, "ingress {ingress:?}");
    assert!(egress[0] >= 3 && egress[1] >= 3 * PING_FRAME, "egress {egress:?}");
    detach(&ns, "tc-ingress");
    detach(&ns, "tc-egress");
}

#[test]
fn tc_count_counts_through_tcx_links() {
    require_root!();
    let d = BpffsDir::new();
    let ns = NetNs::new();
    loadall(&d, "tc_count");
    let link = d.join("link_in");
    let prog = d.join("progs/tc_count_ingress");
    ns.bpfpin(&["net", "attach", "tcx-ingress", "pinned", &prog, "dev", &ns.host, "--link", &link]).ok();
    assert!(Path::new(&link).exists(), "no link pinned at {link}");
    ns.ping_from_peer(3).ok();
    let ingress = lookup(&d.join("maps/tc_dir_count"), &["0", "0", "0", "0"]);
    assert!(ingress[0] >= 3, "ingress {ingress:?}");
    assert_eq!(lookup(&d.join("maps/tc_dir_count"), &["1", "0", "0", "0"]), vec![0, 0], "nothing attached at egress");
}

/// Runs `net attach socket ... --duration 2` in the host namespace while the
/// peer pings `count` times.
fn sock_bw_with_pings(ns: &NetNs, prog: &str, count: u32) {
    thread::scope(|s| {
        let attached =
            s.spawn(|| ns.bpfpin(&["net", "attach", "socket", "pinned", prog, "dev", &ns.host, "--duration", "2"]));
        thread::sleep(Duration::from_millis(500));
        ns.ping_from_peer(count).ok();
        attached.join().expect("attach thread").ok();
    });
}

#[test]
fn sock_bw_counts_icmp_bandwidth() {
    require_root!();
    let d = BpffsDir::new();
    let ns = NetNs::new();
    loadall(&d, "sock_bw");
    sock_bw_with_pings(&ns, &d.join("progs/sock_bw"), 5);
    // A packet socket sees requests and replies.
    let icmp = lookup(&d.join("maps/bw_map"), &["1", "0", "0", "0"]);
    assert!(icmp[0] >= 5 && icmp[1] >= 5 * PING_FRAME, "ICMP {icmp:?} after 5 pings");
    // tail_map is empty: the tail call falls through and tail_prog never runs.
    assert_eq!(lookup(&d.join("maps/tail_count"), &["0", "0", "0", "0"]), vec![0]);
}

#[test]
fn sock_bw_tail_prog_counts_after_prog_array_update() {
    // Also needs net attach (issue 3).
    require_root!();
    let d = BpffsDir::new();
    let ns = NetNs::new();
    loadall(&d, "sock_bw");
    let tail_prog = d.join("progs/tail_prog");
    let tail_map = d.join("maps/tail_map");
    bpfpin(&["map", "update", "pinned", &tail_map, "key", "0", "0", "0", "0", "value", "pinned", &tail_prog]).ok();
    let slot = bpftool(&["-j", "map", "lookup", "pinned", &tail_map, "key", "0", "0", "0", "0"]).ok().json();
    let id = bpftool(&["-j", "prog", "show", "pinned", &tail_prog]).ok().json()["id"].as_u64().expect("prog id");
    let slot_id = u32::from_le_bytes(hex_bytes(&slot["value"]).try_into().expect("4-byte value"));
    assert_eq!(u64::from(slot_id), id, "tail_map[0] should hold tail_prog: {slot}");

    sock_bw_with_pings(&ns, &d.join("progs/sock_bw"), 5);
    let tail = lookup(&d.join("maps/tail_count"), &["0", "0", "0", "0"]);
    assert!(tail[0] >= 5, "tail_count {tail:?} after 5 pings");
    // sock_bw counts before its tail call, so bw_map rises too.
    let icmp = lookup(&d.join("maps/bw_map"), &["1", "0", "0", "0"]);
    assert!(icmp[0] >= 5, "ICMP {icmp:?}");
}
