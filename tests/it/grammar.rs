//! One grammar rule (README "Grammar"): every bpftool keyword form works and
//! every option also has a --flag form; -j and `visual` are refused together,
//! as bpftool refuses them; -d prints what its help says.

use serde_json::Value;

use crate::require_root;
use crate::util::{BpffsDir, NetNs, bpfpin, object};

fn prog_id(pin: &str) -> u64 {
    let v = bpfpin(&["-j", "prog", "show", "pinned", pin]).ok().json();
    v["id"].as_u64().unwrap_or_else(|| panic!("no id in {v}"))
}

fn tc(ns: &NetNs) -> Vec<Value> {
    let v = ns.bpfpin(&["-j", "net", "show", "dev", &ns.host]).ok().json();
    v[0]["tc"].as_array().cloned().unwrap_or_default()
}

#[test]
fn tc_priority_and_handle_as_words() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    let p = dir.join("p");
    bpfpin(&["prog", "load", &object("counter_tc.o"), &p, "pinmaps", &dir.join("maps")]).ok();
    ns.bpfpin(&["net", "attach", "tc-ingress", "pinned", &p, "dev", &ns.host, "priority", "7", "handle", "0x3"]).ok();
    ns.bpfpin(&["net", "attach", "tc-ingress", "pinned", &p, "dev", &ns.host, "--priority", "8"]).ok();
    let filters = ns.exec(&ns.ns, &["tc", "filter", "show", "dev", &ns.host, "ingress"]).ok().stdout();
    assert!(filters.contains("pref 7") && filters.contains("handle 0x3"), "{filters}");
    assert!(filters.contains("pref 8"), "{filters}");
    ns.bpfpin(&["net", "detach", "tc-ingress", "dev", &ns.host, "priority", "7"]).ok();
    ns.bpfpin(&["net", "detach", "tc-ingress", "dev", &ns.host, "--priority", "8"]).ok();
    assert!(tc(&ns).is_empty());
    ns.bpfpin(&["net", "attach", "tc-ingress", "pinned", &p, "dev", &ns.host, "priority", "x"]).err("priority");
    ns.bpfpin(&["net", "attach", "tcx-ingress", "pinned", &p, "dev", &ns.host, "priority", "3"])
        .err("does not apply to tcx-ingress");
}

#[test]
fn tcx_prepend_word_and_flag() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    bpfpin(&["prog", "loadall", &object("sections.o"), &dir.join("s")]).ok();
    let a = dir.join("s/tcx_in_prog");
    let b = dir.join("s/tcx_out_prog");
    let c = dir.join("s/cls_prog");
    ns.bpfpin(&["net", "attach", "tcx_ingress", "pinned", &a, "dev", &ns.host]).ok();
    ns.bpfpin(&["net", "attach", "tcx_ingress", "pinned", &b, "dev", &ns.host, "prepend"]).ok();
    ns.bpfpin(&["net", "attach", "tcx-ingress", "pinned", &c, "dev", &ns.host, "--prepend"]).ok();
    let order: Vec<u64> = tc(&ns).iter().map(|e| e["prog_id"].as_u64().unwrap()).collect();
    assert_eq!(order, vec![prog_id(&c), prog_id(&b), prog_id(&a)]);
    for p in [&a, &b, &c] {
        ns.bpfpin(&["net", "detach", "tcx-ingress", "pinned", p, "dev", &ns.host]).ok();
    }
    assert!(tc(&ns).is_empty());
    ns.bpfpin(&["net", "attach", "tc-ingress", "pinned", &c, "dev", &ns.host, "prepend"])
        .err("does not apply to tc-ingress");
}

#[test]
fn xdp_overwrite_flag() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    let p = dir.join("p");
    bpfpin(&["prog", "load", &object("counter_xdp.o"), &p, "--pin-maps", &dir.join("maps")]).ok();
    ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &p, "dev", &ns.host]).ok();
    ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &p, "dev", &ns.host]).err("overwrite");
    ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &p, "dev", &ns.host, "--overwrite"]).ok();
    ns.bpfpin(&["net", "detach", "xdpgeneric", "dev", &ns.host]).ok();
}

#[test]
fn json_and_visual_are_refused_together() {
    require_root!();
    let dir = BpffsDir::new();
    let p = dir.join("p");
    bpfpin(&["prog", "load", &object("counter_xdp.o"), &p, "--pin-maps", &dir.join("maps")]).ok();
    for args in [
        vec!["-j", "prog", "dump", "xlated", "pinned", &p, "visual"],
        vec!["prog", "dump", "xlated", "pinned", &p, "--visual", "-p"],
    ] {
        let r = bpfpin(&args).err("not compatible with JSON output");
        assert_eq!(r.code(), Some(1));
    }
    assert!(bpfpin(&["prog", "dump", "xlated", "pinned", &p, "visual"]).ok().stdout().contains("digraph"));
}

#[test]
fn debug_prints_the_chain_of_causes() {
    // No root needed: a missing object file fails before any syscall.
    let r = bpfpin(&["prog", "load", "/nonexistent/x.o", "/sys/fs/bpf/x", "-d"]);
    assert_eq!(r.code(), Some(1));
    assert!(r.stderr().contains("debug: "), "{}", r.stderr());
    let plain = bpfpin(&["prog", "load", "/nonexistent/x.o", "/sys/fs/bpf/x"]);
    assert!(!plain.stderr().contains("debug: "), "{}", plain.stderr());
}

#[test]
fn update_flags_as_words_and_flags() {
    require_root!();
    let dir = BpffsDir::new();
    let m = dir.join("m");
    bpfpin(&["map", "create", &m, "type", "hash", "key", "4", "value", "4", "entries", "4", "name", "gr_m"]).ok();
    let upd = |extra: &[&str]| {
        let mut a = vec!["map", "update", "pinned", m.as_str(), "key", "1", "0", "0", "0", "value", "2", "0", "0", "0"];
        a.extend_from_slice(extra);
        bpfpin(&a)
    };
    upd(&["--exist"]).err("");
    upd(&["--noexist"]).ok();
    upd(&["noexist"]).err("already exists");
    upd(&["--noexist"]).err("already exists");
    upd(&["--exist"]).ok();
    upd(&["--any"]).ok();
    let r = upd(&["--any", "--exist"]);
    assert_eq!(r.code(), Some(2), "conflicting flags are a usage error");

    let q = dir.join("q");
    bpfpin(&["map", "create", &q, "type", "queue", "key", "0", "value", "4", "entries", "1", "name", "gr_q"]).ok();
    bpfpin(&["map", "push", "pinned", &q, "value", "1", "0", "0", "0"]).ok();
    bpfpin(&["map", "push", "pinned", &q, "value", "2", "0", "0", "0"]).err("");
    bpfpin(&["map", "enqueue", "pinned", &q, "value", "3", "0", "0", "0", "--exist"]).ok();
    let v = bpfpin(&["-j", "map", "pop", "pinned", &q]).ok().json();
    assert_eq!(v["value"][0], "0x03", "{v}");
}
