//! Network hooks against the real kernel: each test makes its own pair of
//! namespaces with a veth, loads a counting program under its own bpffs
//! directory, attaches it, pings from the peer namespace, reads the counter
//! back, detaches, and checks the hook is empty and the counter stays put.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::require_root;
use crate::util::{BpffsDir, NetNs, Run, bpfpin, bpftool, object, sh};

/// `prog load OBJ DIR/p --pin-maps DIR/maps`; returns the program pin.
fn load(dir: &BpffsDir, obj: &str) -> String {
    let p = dir.join("p");
    bpfpin(&["prog", "load", &object(obj), &p, "--pin-maps", &dir.join("maps")]).ok();
    p
}

fn prog_id(pin: &str) -> u64 {
    let v = bpfpin(&["-j", "prog", "show", "pinned", pin]).ok().json();
    let v = if v.is_array() { v[0].clone() } else { v };
    v["id"].as_u64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// The `packets` field (or the plain integer) of entry 0 of a counter map.
fn counter(dir: &BpffsDir, map: &str) -> u64 {
    let v = bpfpin(&["-j", "map", "dump", "pinned", &dir.join(&format!("maps/{map}"))]).ok().json();
    let val = &v[0]["formatted"]["value"];
    val.get("packets").and_then(Value::as_u64).or_else(|| val.as_u64()).unwrap_or_else(|| panic!("no counter in {v}"))
}

/// `bpftool -j net show dev IFACE` run inside the namespace.
fn bpftool_net(ns: &NetNs, dev: &str) -> Value {
    ns.exec(&ns.ns, &["bpftool", "-j", "net", "show", "dev", dev]).ok().json()
}

fn bpfpin_net(ns: &NetNs, dev: &str) -> Value {
    ns.bpfpin(&["-j", "net", "show", "dev", dev]).ok().json()
}

fn pings(ns: &NetNs, n: u32) {
    let r = ns.ping_from_peer(n);
    assert!(r.out.status.success(), "ping failed: {}\n{}", r.stdout(), r.stderr());
}

/// After a detach: more pings do not move the counter (read after the
/// detach, so packets in flight before it do not count).
fn assert_still(ns: &NetNs, dir: &BpffsDir, map: &str) {
    let before = counter(dir, map);
    pings(ns, 3);
    assert_eq!(counter(dir, map), before, "{map} moved after detach");
}

fn tc_filters(ns: &NetNs, dev: &str, dir: &str) -> String {
    ns.exec(&ns.ns, &["tc", "filter", "show", "dev", dev, dir]).ok().stdout()
}

fn has_clsact(ns: &NetNs, dev: &str) -> bool {
    ns.exec(&ns.ns, &["tc", "qdisc", "show", "dev", dev]).ok().stdout().contains("clsact")
}

fn said(r: &Run, needle: &str) -> bool {
    r.stdout().contains(needle) || r.stderr().contains(needle)
}

#[test]
fn xdp_generic_counts_pings_and_detaches() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    let p = load(&dir, "counter_xdp.o");
    let id = prog_id(&p);
    let r = ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &p, "dev", &ns.host]).ok();
    assert!(said(&r, "generic mode"), "{}", r.stdout());
    // The attachment outlived bpfpin: bpftool sees it, with the same keys we print.
    let theirs = bpftool_net(&ns, &ns.host);
    assert_eq!(theirs[0]["xdp"][0]["mode"], "generic", "{theirs}");
    assert_eq!(theirs[0]["xdp"][0]["id"], id, "{theirs}");
    let ours = bpfpin_net(&ns, &ns.host);
    for key in ["devname", "ifindex", "mode", "id"] {
        assert_eq!(ours[0]["xdp"][0][key], theirs[0]["xdp"][0][key], "{key}: {ours} vs {theirs}");
    }
    assert!(ours[0]["tc"].is_array() && ours[0]["flow_dissector"].is_array(), "{ours}");

    let before = counter(&dir, "pkt_count");
    pings(&ns, 5);
    let after = counter(&dir, "pkt_count");
    assert!(after >= before + 5, "xdp counter {before} -> {after}");

    ns.bpfpin(&["net", "detach", "xdpgeneric", "dev", &ns.host]).ok();
    assert_eq!(bpftool_net(&ns, &ns.host)[0]["xdp"], serde_json::json!([]));
    assert_eq!(bpfpin_net(&ns, &ns.host)[0]["xdp"], serde_json::json!([]));
    assert_still(&ns, &dir, "pkt_count");
    ns.bpfpin(&["net", "detach", "xdp", "dev", &ns.host]).err("no XDP program is attached");
}

#[test]
fn xdp_native_busy_and_overwrite() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    let p = load(&dir, "counter_xdp.o");
    // veth has native XDP: `xdp` picks driver mode and says so.
    let r = ns.bpfpin(&["net", "attach", "xdp", "pinned", &p, "dev", &ns.host]).ok();
    assert!(said(&r, "driver mode"), "{}", r.stdout());
    assert_eq!(bpftool_net(&ns, &ns.host)[0]["xdp"][0]["mode"], "driver");
    let before = counter(&dir, "pkt_count");
    pings(&ns, 5);
    assert!(counter(&dir, "pkt_count") >= before + 5);

    // Busy without overwrite, for every mode.
    ns.bpfpin(&["net", "attach", "xdp", "pinned", &p, "dev", &ns.host]).err("already has XDP program");
    ns.bpfpin(&["net", "attach", "xdpdrv", "pinned", &p, "dev", &ns.host]).err("overwrite");
    // overwrite replaces in place; generic cannot join a native program.
    ns.bpfpin(&["net", "attach", "xdpdrv", "pinned", &p, "dev", &ns.host, "overwrite"]).ok();
    ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &p, "dev", &ns.host, "overwrite"]).err("busy");
    ns.bpfpin(&["net", "attach", "xdp", "pinned", &p, "dev", &ns.host, "overwrite"]).ok();
    assert_eq!(bpftool_net(&ns, &ns.host)[0]["xdp"][0]["mode"], "driver");
    ns.bpfpin(&["net", "detach", "xdpgeneric", "dev", &ns.host]).err("generic mode");
    ns.bpfpin(&["net", "detach", "xdpdrv", "dev", &ns.host]).ok();
    assert_eq!(bpftool_net(&ns, &ns.host)[0]["xdp"], serde_json::json!([]));
}

#[test]
fn xdp_link_outlives_bpfpin_until_its_pin_goes() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    let p = load(&dir, "counter_xdp.o");
    let lk = dir.join("xdp_link");
    let r = ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &p, "dev", &ns.host, "--link", &lk]).ok();
    assert!(said(&r, "bpf_link id"), "{}", r.stdout());
    // bpfpin has exited; the pinned link keeps the program on the hook.
    let ours = bpfpin_net(&ns, &ns.host);
    let link_id = ours[0]["xdp"][0]["link_id"].as_u64().unwrap_or_else(|| panic!("no link_id: {ours}"));
    assert!(ns.exec(&ns.ns, &["ip", "link", "show", &ns.host]).ok().stdout().contains("xdpgeneric"));
    let links = bpftool(&["-j", "link", "show", "id", &link_id.to_string()]).ok().json();
    assert_eq!(links["type"], "xdp", "{links}");
    let before = counter(&dir, "pkt_count");
    pings(&ns, 5);
    let after = counter(&dir, "pkt_count");
    assert!(after >= before + 5, "{before} -> {after}");
    // A link cannot be overwritten or replaced by a netlink program.
    ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &p, "dev", &ns.host, "overwrite"]).err("bpf_link");

    // Removing the pin (plain unlink) ends the attachment, once the kernel
    // has released the link (deferred work, so allow it a moment).
    std::fs::remove_file(&lk).unwrap();
    let gone = (0..40).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        bpftool_net(&ns, &ns.host)[0]["xdp"] == serde_json::json!([])
    });
    assert!(gone, "the XDP link outlived its only pin");
    assert_still(&ns, &dir, "pkt_count");

    // `net detach` ends a link-held attachment and removes its pin.
    ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &p, "dev", &ns.host, "--link", &lk]).ok();
    let r = ns.bpfpin(&["net", "detach", "xdp", "dev", &ns.host]).ok();
    assert!(said(&r, "removed its pin"), "{}", r.stdout());
    assert!(!std::path::Path::new(&lk).exists());
    assert_eq!(bpftool_net(&ns, &ns.host)[0]["xdp"], serde_json::json!([]));

    // `link detach` ends it too (the pin stays, defunct, until removed).
    ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &p, "dev", &ns.host, "--link", &lk]).ok();
    let id = bpfpin_net(&ns, &ns.host)[0]["xdp"][0]["link_id"].as_u64().unwrap();
    bpfpin(&["link", "detach", "id", &id.to_string()]).ok();
    assert_eq!(bpftool_net(&ns, &ns.host)[0]["xdp"], serde_json::json!([]));

    // A taken pin path refuses before anything is attached.
    ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &p, "dev", &ns.host, "--link", &lk]).err("already exists");
    assert_eq!(bpftool_net(&ns, &ns.host)[0]["xdp"], serde_json::json!([]));
}

#[test]
fn tc_ingress_and_egress_count_and_clean_up_the_qdisc() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    let p = load(&dir, "counter_tc.o");
    let id = prog_id(&p);
    assert!(!has_clsact(&ns, &ns.host));
    let r = ns.bpfpin(&["net", "attach", "tc-ingress", "pinned", &p, "dev", &ns.host]).ok();
    assert!(said(&r, "added the clsact qdisc"), "{}", r.stdout());
    let f = tc_filters(&ns, &ns.host, "ingress");
    assert!(f.contains("bpfpin:count_tc") && f.contains("direct-action") && f.contains(&format!("id {id}")), "{f}");
    let theirs = bpftool_net(&ns, &ns.host);
    let ours = bpfpin_net(&ns, &ns.host);
    let pick =
        |v: &Value| v[0]["tc"].as_array().unwrap().iter().find(|e| e["kind"] == "clsact/ingress").cloned().unwrap();
    for key in ["devname", "ifindex", "kind", "name", "id"] {
        assert_eq!(pick(&ours)[key], pick(&theirs)[key], "{key}: {ours} vs {theirs}");
    }

    let c0 = counter(&dir, "tc_count");
    pings(&ns, 5);
    let c1 = counter(&dir, "tc_count");
    assert!(c1 >= c0 + 5, "ingress {c0} -> {c1}");

    // Egress too (the replies leave through it), at a chosen priority/handle.
    ns.bpfpin(&["net", "attach", "tc-egress", "pinned", &p, "dev", &ns.host, "--priority", "7", "--handle", "3"]).ok();
    let f = tc_filters(&ns, &ns.host, "egress");
    assert!(f.contains("pref 7") && f.contains("handle 0x3"), "{f}");
    ns.bpfpin(&["net", "attach", "tc-egress", "pinned", &p, "dev", &ns.host, "--priority", "7", "--handle", "3"])
        .err("already has a filter");
    pings(&ns, 5);
    let c2 = counter(&dir, "tc_count");
    assert!(c2 >= c1 + 10, "both directions {c1} -> {c2}");

    // Detaching one direction keeps the qdisc for the other.
    ns.bpfpin(&["net", "detach", "tc-ingress", "dev", &ns.host]).ok();
    assert!(!tc_filters(&ns, &ns.host, "ingress").contains("bpfpin"));
    assert!(has_clsact(&ns, &ns.host));
    ns.bpfpin(&["net", "detach", "tc-egress", "dev", &ns.host, "--priority", "9"]).err("matches");
    let r = ns.bpfpin(&["net", "detach", "tc-egress", "dev", &ns.host, "--priority", "7"]).ok();
    assert!(said(&r, "removed the clsact qdisc"), "{}", r.stdout());
    assert!(!has_clsact(&ns, &ns.host));
    assert_eq!(bpftool_net(&ns, &ns.host)[0]["tc"], serde_json::json!([]));
    assert_still(&ns, &dir, "tc_count");
}

#[test]
fn tc_keeps_a_qdisc_it_did_not_add_and_picks_filters_carefully() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    let p = load(&dir, "counter_tc.o");
    ns.exec(&ns.ns, &["tc", "qdisc", "add", "dev", &ns.host, "clsact"]).ok();
    ns.exec(&ns.ns, &["tc", "filter", "add", "dev", &ns.host, "ingress", "prio", "3", "bpf", "da", "pinned", &p]).ok();
    // The only filter there is not bpfpin's: detach without a choice refuses.
    ns.bpfpin(&["net", "detach", "tc-ingress", "dev", &ns.host]).err("was attached by bpfpin");
    ns.bpfpin(&["net", "attach", "tc-ingress", "pinned", &p, "dev", &ns.host, "--priority", "10"]).ok();
    ns.bpfpin(&["net", "attach", "tc-ingress", "pinned", &p, "dev", &ns.host, "--priority", "11"]).ok();
    ns.bpfpin(&["net", "detach", "tc-ingress", "dev", &ns.host]).err("2 filters");
    ns.bpfpin(&["net", "detach", "tc-ingress", "dev", &ns.host, "--priority", "10"]).ok();
    ns.bpfpin(&["net", "detach", "tc-ingress", "dev", &ns.host]).ok();
    ns.bpfpin(&["net", "detach", "tc-ingress", "dev", &ns.host, "--priority", "3"]).ok();
    // bpfpin did not add this clsact, so it stays.
    assert!(has_clsact(&ns, &ns.host));
    assert_eq!(tc_filters(&ns, &ns.host, "ingress").trim(), "");
}

#[test]
fn tcx_with_and_without_a_link() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    let p = load(&dir, "counter_tc.o");
    let id = prog_id(&p);
    ns.bpfpin(&["net", "attach", "tcx_ingress", "pinned", &p, "dev", &ns.host]).ok();
    let ours = bpfpin_net(&ns, &ns.host);
    let e = &ours[0]["tc"][0];
    assert_eq!(e["kind"], "tcx/ingress", "{ours}");
    assert_eq!(e["prog_id"], id);
    assert_eq!(e["link_id"], 0);
    assert_eq!(e["name"], "count_tc");
    for k in ["devname", "ifindex", "prog_flags", "link_flags"] {
        assert!(e.get(k).is_some(), "{k} missing: {e}");
    }
    let c0 = counter(&dir, "tc_count");
    pings(&ns, 5);
    let c1 = counter(&dir, "tc_count");
    assert!(c1 >= c0 + 5, "tcx ingress {c0} -> {c1}");
    ns.bpfpin(&["net", "attach", "tcx-ingress", "pinned", &p, "dev", &ns.host]).err("already attached");
    ns.bpfpin(&["net", "detach", "tcx-ingress", "dev", &ns.host]).ok();
    assert_eq!(bpfpin_net(&ns, &ns.host)[0]["tc"], serde_json::json!([]));
    assert_still(&ns, &dir, "tc_count");
    let c2 = counter(&dir, "tc_count");

    // With --link: persistent while pinned, detached (and unpinned) by net detach.
    let lk = dir.join("tcx_link");
    ns.bpfpin(&["net", "attach", "tcx-egress", "pinned", &p, "dev", &ns.host, "--link", &lk]).ok();
    let e = bpfpin_net(&ns, &ns.host)[0]["tc"][0].clone();
    assert_eq!(e["kind"], "tcx/egress");
    let link_id = e["link_id"].as_u64().unwrap();
    assert_ne!(link_id, 0, "{e}");
    let l = bpftool(&["-j", "link", "show", "id", &link_id.to_string()]).ok().json();
    assert!(l["type"] == "tcx" || l["type"] == 11, "{l}");
    pings(&ns, 5);
    let c3 = counter(&dir, "tc_count");
    assert!(c3 >= c2 + 5, "tcx egress {c2} -> {c3}");
    ns.bpfpin(&["net", "detach", "tcx-egress", "dev", &ns.host]).ok();
    assert!(!std::path::Path::new(&lk).exists());
    assert_eq!(bpfpin_net(&ns, &ns.host)[0]["tc"], serde_json::json!([]));
    assert_still(&ns, &dir, "tc_count");
}

#[test]
fn tcx_before_and_after() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    bpfpin(&["prog", "loadall", &object("sections.o"), &dir.join("s")]).ok();
    let a = dir.join("s/tcx_in_prog");
    let b = dir.join("s/tcx_out_prog");
    let c = dir.join("s/cls_prog");
    ns.bpfpin(&["net", "attach", "tcx-ingress", "pinned", &a, "dev", &ns.host]).ok();
    ns.bpfpin(&["net", "attach", "tcx-ingress", "pinned", &b, "dev", &ns.host, "--before", &format!("pinned {a}")])
        .ok();
    ns.bpfpin(&["net", "attach", "tcx-ingress", "pinned", &c, "dev", &ns.host, "--after", &a]).ok();
    let order: Vec<u64> =
        bpfpin_net(&ns, &ns.host)[0]["tc"].as_array().unwrap().iter().map(|e| e["prog_id"].as_u64().unwrap()).collect();
    assert_eq!(order, vec![prog_id(&b), prog_id(&a), prog_id(&c)]);
    ns.bpfpin(&["net", "detach", "tcx-ingress", "dev", &ns.host]).err("3 programs");
    for p in [&a, &b, &c] {
        ns.bpfpin(&["net", "detach", "tcx-ingress", "pinned", p, "dev", &ns.host]).ok();
    }
    assert_eq!(bpfpin_net(&ns, &ns.host)[0]["tc"], serde_json::json!([]));
}

#[test]
fn socket_filter_prints_rising_counters_for_its_duration() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    let p = load(&dir, "counter_sock.o");
    // Pings flow for the whole run.
    let mut ping = Command::new("nsenter")
        .args([&format!("--net=/run/netns/{}", ns.peer_ns), "ping", "-c", "60", "-i", "0.05", &ns.host_ip])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let r = ns.bpfpin(&["net", "attach", "socket", "pinned", &p, "dev", &ns.host, "--duration", "2"]);
    let rj = ns.bpfpin(&["-j", "net", "attach", "socket", "pinned", &p, "dev", &ns.host, "--duration", "2"]);
    let _ = ping.kill();
    let _ = ping.wait();
    // Plain: one table per second; the sock_count row's VALUE rises.
    let r = r.ok();
    let rows: Vec<Vec<String>> = r
        .stdout()
        .lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|c| c.first().map(String::as_str) == Some("sock_count"))
        .collect();
    let header = ["MAP", "KEY", "VALUE", "VALUE/S"];
    assert!(r.stdout().lines().any(|l| l.split_whitespace().eq(header)), "{}", r.stdout());
    let values: Vec<u64> = rows.iter().map(|c| c[2].parse().unwrap()).collect();
    assert!(values.len() >= 2, "{}", r.stdout());
    assert!(values.last().unwrap() > &values[0] && values[0] > 0, "{values:?}\n{}", r.stdout());
    assert!(rows.iter().any(|c| c[3].parse::<f64>().unwrap() > 0.0), "no rate: {}", r.stdout());
    assert!(r.stdout().contains("stopped; the socket filter is gone"), "{}", r.stdout());
    // -j: one JSON object per line per sample, the rows with totals and rates.
    let rj = rj.ok();
    let lines: Vec<Value> = rj.stdout().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "{}", rj.stdout());
    let last = &lines[1]["rows"][0];
    assert_eq!(last["map"], "sock_count");
    assert_eq!(last["key"], 0);
    assert!(last["total"]["value"].as_u64().unwrap() > *values.last().unwrap());
    assert!(last["rate"]["value"].as_f64().unwrap() > 0.0, "{last}");
    // The filter went with the socket: the counter no longer moves.
    assert_still(&ns, &dir, "sock_count");
}

/// `prog attach/detach` are wired by src/prog.rs; until then they answer
/// "not available" and the tests that need them say so and stop.
fn prog_attach_wired(r: &Run) -> bool {
    if r.stderr().contains("is not available in this version") {
        eprintln!("skipped: `prog attach` is not wired to net::prog_attach yet");
        return false;
    }
    true
}

#[test]
fn sockmap_verdict_attach_and_detach() {
    require_root!();
    let dir = BpffsDir::new();
    bpfpin(&["prog", "loadall", &object("sockmap.o"), &dir.join("s"), "--pin-maps", &dir.join("maps")]).ok();
    let verdict = dir.join("s/skb_verdict");
    let msg = dir.join("s/msg_verdict");
    let map = dir.join("maps/sock_map");
    let r = bpfpin(&["prog", "attach", "pinned", &verdict, "sk_skb_stream_verdict", "pinned", &map]);
    if !prog_attach_wired(&r) {
        return;
    }
    r.ok();
    // bpftool can detach exactly what we attached: it was there.
    bpftool(&["prog", "detach", "pinned", &verdict, "stream_verdict", "pinned", &map]).ok();
    bpfpin(&["prog", "detach", "pinned", &verdict, "sk_skb_stream_verdict", "pinned", &map]).err("is not attached");
    // And the other way round.
    bpfpin(&["prog", "attach", "pinned", &msg, "sk_msg_verdict", "pinned", &map]).ok();
    bpfpin(&["prog", "detach", "pinned", &msg, "sk_msg_verdict", "pinned", &map]).ok();
    let r = bpftool(&["prog", "detach", "pinned", &msg, "msg_verdict", "pinned", &map]);
    assert!(!r.out.status.success(), "bpftool still found it attached");
    // Wrong program type and wrong map type.
    bpfpin(&["prog", "attach", "pinned", &msg, "sk_skb_stream_verdict", "pinned", &map]).err("is sk_msg");
    let dir2 = BpffsDir::new();
    let p = load(&dir2, "counter_xdp.o");
    let _ = p;
    bpfpin(&["prog", "attach", "pinned", &verdict, "sk_skb_stream_verdict", "pinned", &dir2.join("maps/pkt_count")])
        .err("needs a sockmap or sockhash");
}

#[test]
fn flow_dissector_in_a_namespace() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    bpfpin(&["prog", "loadall", &object("sockmap.o"), &dir.join("s"), "--pin-maps", &dir.join("maps")]).ok();
    let d = dir.join("s/dissect");
    let id = prog_id(&d);
    let r = bpfpin(&["--netns", &ns.ns, "prog", "attach", "pinned", &d, "flow_dissector"]);
    if !prog_attach_wired(&r) {
        return;
    }
    r.ok();
    // bpftool 7.1's -j prints `"flow_dissector":["id":N]` (not JSON), so read its text.
    let theirs = ns.exec(&ns.ns, &["bpftool", "net", "show"]).ok().stdout();
    let fd_part = theirs.split("flow_dissector:").nth(1).unwrap_or_default().to_string();
    assert!(fd_part.contains(&format!("id {id}")), "{theirs}");
    let ours = bpfpin(&["--netns", &ns.ns, "-j", "net", "show"]).ok().json();
    assert_eq!(ours[0]["flow_dissector"][0]["id"], id, "{ours}");
    // The root namespace is untouched.
    let root = bpfpin(&["-j", "net", "show", "dev", "lo"]).ok().json();
    assert!(root[0]["flow_dissector"].as_array().unwrap().iter().all(|e| e["id"] != id));
    bpfpin(&["--netns", &ns.ns, "prog", "detach", "pinned", &d, "flow_dissector"]).ok();
    let theirs = ns.exec(&ns.ns, &["bpftool", "net", "show"]).ok().stdout();
    assert!(!theirs.split("flow_dissector:").nth(1).unwrap_or_default().contains("id "), "{theirs}");
    let ours = bpfpin(&["--netns", &ns.ns, "-j", "net", "show"]).ok().json();
    assert_eq!(ours[0]["flow_dissector"], serde_json::json!([]));
}

#[test]
fn netns_option_from_the_root_namespace() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    let p = load(&dir, "counter_xdp.o");
    // The pin is resolved before entering the namespace (no /sys remount).
    bpfpin(&["--netns", &ns.ns, "net", "attach", "xdpgeneric", "pinned", &p, "dev", &ns.host]).ok();
    let ours = bpfpin(&["--netns", &ns.ns, "-j", "net", "show", "dev", &ns.host]).ok().json();
    assert_eq!(ours[0]["xdp"][0]["devname"], ns.host.as_str());
    assert_eq!(bpftool_net(&ns, &ns.host)[0]["xdp"][0]["mode"], "generic");
    let c0 = counter(&dir, "pkt_count");
    pings(&ns, 4);
    assert!(counter(&dir, "pkt_count") >= c0 + 4);
    // A path works as well as a name.
    let path = format!("/run/netns/{}", ns.ns);
    bpfpin(&["--netns", &path, "net", "detach", "xdp", "dev", &ns.host]).ok();
    assert_eq!(bpftool_net(&ns, &ns.host)[0]["xdp"], serde_json::json!([]));
    // The veth end is not in the root namespace.
    bpfpin(&["net", "attach", "xdp", "pinned", &p, "dev", &ns.host]).err("not found");
    bpfpin(&["--netns", "bpfpin_no_such_ns", "net", "show"]).err("ip netns list");
}

#[test]
fn net_errors_are_one_sentence_with_a_fix() {
    require_root!();
    let ns = NetNs::new();
    let dir = BpffsDir::new();
    let x = load(&dir, "counter_xdp.o");
    let dir2 = BpffsDir::new();
    let t = load(&dir2, "counter_tc.o");
    ns.bpfpin(&["net", "attach", "xdp", "pinned", &x, "dev", "eth9"]).err("interface eth9 not found");
    ns.bpfpin(&["net", "detach", "tc-ingress", "dev", "eth9"]).err("interface eth9 not found");
    ns.bpfpin(&["net", "attach", "xdp", "pinned", &t, "dev", &ns.host]).err("is sched_cls, xdp needs an xdp program");
    ns.bpfpin(&["net", "attach", "tc-ingress", "pinned", &x, "dev", &ns.host])
        .err("is xdp, tc needs a sched_cls program");
    ns.bpfpin(&["net", "attach", "tcx-egress", "pinned", &x, "dev", &ns.host]).err("tcx needs a sched_cls");
    ns.bpfpin(&["net", "attach", "socket", "pinned", &t, "dev", &ns.host]).err("needs a socket_filter");
    // lo has no native XDP.
    ns.bpfpin(&["net", "attach", "xdpdrv", "pinned", &x, "dev", "lo"]).err("no native (driver) XDP support");
    ns.bpfpin(&["net", "attach", "xdpoffload", "pinned", &x, "dev", &ns.host]).err("offload");
    ns.bpfpin(&["net", "attach", "tc-ingress", "pinned", &t, "dev", &ns.host, "overwrite"]).err("overwrite");
    ns.bpfpin(&["net", "attach", "tc-ingress", "pinned", &t, "dev", &ns.host, "--link", &dir.join("l")]).err("--link");
    ns.bpfpin(&["net", "attach", "bogus", "pinned", &t, "dev", &ns.host]).err("unknown attach type");
    ns.bpfpin(&["net", "attach", "xdp", "pinned", &x, "eth0"]).err("dev IFACE");
    // Nothing half-attached after any of that.
    assert_eq!(bpftool_net(&ns, &ns.host)[0], bpftool_net(&ns, "lo")[0]);
    assert_eq!(bpftool_net(&ns, &ns.host)[0]["xdp"], serde_json::json!([]));
    assert!(!has_clsact(&ns, &ns.host));
    // Without privileges: one sentence, the capability fix, exit 1.
    let id = prog_id(&x).to_string();
    let r = sh(
        "setpriv",
        &[
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_bpfpin"),
            "net",
            "attach",
            "xdp",
            "id",
            &id,
            "dev",
            "lo",
        ],
    );
    r.err("CAP_BPF");
}

/// The clsact ownership markers bpfpin keeps (file names).
fn markers() -> std::collections::BTreeSet<String> {
    std::fs::read_dir("/run/bpfpin/clsact")
        .map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn a_marker_goes_when_its_namespace_goes() {
    require_root!();
    let dir = BpffsDir::new();
    let p = load(&dir, "counter_tc.o");
    let ns = NetNs::new();
    let before = markers();
    ns.bpfpin(&["net", "attach", "tc-ingress", "pinned", &p, "dev", &ns.host]).ok();
    let ours: Vec<String> = markers().difference(&before).cloned().collect();
    assert_eq!(ours.len(), 1, "one marker for the qdisc bpfpin added: {ours:?}");
    // The namespace (and with it the device and its qdisc) disappears
    // without a detach: the marker is stale now.
    drop(ns);
    // doctor sweeps, as every tc verb does.
    let _ = bpfpin(&["doctor"]);
    assert!(!markers().contains(&ours[0]), "stale marker {} kept", ours[0]);
}
