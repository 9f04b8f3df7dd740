//! `link show` against bpftool on the same links, one per link type this
//! kernel lets us make, and `link detach`.
//!
//! The links are made by a small C helper (raw BPF_LINK_CREATE and
//! BPF_RAW_TRACEPOINT_OPEN), so what is compared is only how each tool reads
//! them. The installed bpftool is 7.1: for the types it decodes (raw
//! tracepoint, cgroup, iter, netns) bpfpin must print exactly its bytes; for
//! the others bpftool 7.1 prints the header alone and bpfpin adds what the
//! newest bpftool prints there, which each test computes independently
//! (device index, map id, cookie...) and inserts into bpftool's output.

use serde_json::{Map, Value, json};

use crate::require_root;
use crate::util::{BpffsDir, NetNs, TempDir, bpfpin, bpftool, object, sh, unique};

/// The loaded test programs and the compiled link maker.
struct Fixture {
    d: BpffsDir,
    _tmp: TempDir,
    maker: String,
}

impl Fixture {
    fn new() -> Fixture {
        let d = BpffsDir::new();
        bpfpin(&["prog", "loadall", &object("link_kinds.o"), &d.join("p")]).ok();
        let tmp = TempDir::new();
        let src = tmp.join("linkmaker.c");
        std::fs::write(&src, include_str!("link/linkmaker.c")).expect("writing linkmaker.c");
        let maker = tmp.join("linkmaker");
        sh("cc", &["-O1", "-o", &maker, &src]).ok();
        Fixture { d, _tmp: tmp, maker }
    }

    /// Makes a link for program `prog` and returns its pin.
    fn link(&self, prog: &str, name: &str, kind: &[&str]) -> String {
        let pin = self.d.join(name);
        let p = self.d.join(&format!("p/{prog}"));
        let mut a = vec![p.as_str(), pin.as_str()];
        a.extend_from_slice(kind);
        sh(&self.maker, &a).ok();
        pin
    }

    /// The same, run inside network namespace `ns`.
    fn link_in(&self, ns: &NetNs, prog: &str, name: &str, kind: &[&str]) -> String {
        let pin = self.d.join(name);
        let p = self.d.join(&format!("p/{prog}"));
        let mut a = vec![self.maker.as_str(), p.as_str(), pin.as_str()];
        a.extend_from_slice(kind);
        ns.exec(&ns.ns, &a).ok();
        pin
    }
}

fn link_id(pin: &str) -> String {
    bpftool(&["-j", "link", "show", "pinned", pin]).ok().json()["id"].to_string()
}

/// What bpftool 7.1 prints as a number and the newest bpftool (and bpfpin)
/// names: link types 10 and up, attach types 43 and up.
fn renamed(v: &Value, key: &str) -> Value {
    let n = v.as_u64();
    let name = match (key, n) {
        ("type", Some(n)) => ["netfilter", "tcx", "uprobe_multi", "netkit", "sockmap"].get(n as usize - 10),
        ("attach_type", Some(n)) if n >= 43 => {
            ["lsm_cgroup", "struct_ops", "netfilter", "tcx_ingress", "tcx_egress", "trace_uprobe_multi"]
                .get(n as usize - 43)
        }
        _ => None,
    };
    name.map_or_else(|| v.clone(), |s| Value::String((*s).to_string()))
}

/// bpfpin's `link show id N`, plain and `-j`, must be bpftool's output with
/// numbers named, `extra_plain` inserted before the final newline and
/// `extra_json` keys appended; `plain_edits` are further (from, to)
/// replacements of bpftool's plain text (struct_ops' header).
#[track_caller]
fn same_as_bpftool(id: &str, extra_plain: &str, extra_json: &[(&str, Value)], plain_edits: &[(&str, &str)]) {
    let theirs = bpftool(&["link", "show", "id", id]).ok().stdout();
    let mut want = theirs.trim_end_matches('\n').to_string();
    for (n, name) in [(10, "netfilter"), (11, "tcx"), (12, "uprobe_multi"), (13, "netkit"), (14, "sockmap")] {
        want = want.replace(&format!(": type {n}  "), &format!(": {name}  "));
    }
    for (from, to) in plain_edits {
        want = want.replace(from, to);
    }
    want.push_str(extra_plain);
    want.push('\n');
    let ours = bpfpin(&["link", "show", "id", id]).ok().stdout();
    assert_eq!(ours, want, "plain `link show id {id}`:\nbpftool: {theirs:?}");

    let theirs = bpftool(&["-j", "link", "show", "id", id]).ok().json();
    let mut m = Map::new();
    for (k, v) in theirs.as_object().expect("bpftool -j gives an object") {
        m.insert(k.clone(), renamed(v, k));
    }
    for (k, v) in extra_json {
        m.insert((*k).to_string(), v.clone());
    }
    let want = serde_json::to_string(&Value::Object(m)).unwrap() + "\n";
    let ours = bpfpin(&["-j", "link", "show", "id", id]).ok().stdout();
    assert_eq!(ours, want, "`-j link show id {id}`:\nbpftool: {theirs}");
}

#[test]
fn tracing_links_match_bpftool() {
    require_root!();
    let f = Fixture::new();
    let raw = f.link("lk_raw_tp", "raw", &["raw_tp", "sys_enter"]);
    same_as_bpftool(&link_id(&raw), "", &[("cookie", json!(0))], &[]);
    // tp_btf programs get a raw_tracepoint link named after their target.
    let btf = f.link("lk_tp_btf", "btf", &["tp_btf"]);
    let out = bpftool(&["link", "show", "pinned", &btf]).ok().stdout();
    assert!(out.contains("tp 'sched_process_exec'"), "{out}");
    same_as_bpftool(&link_id(&btf), "", &[("cookie", json!(0))], &[]);

    let tp = f.link("lk_tp", "tp", &["tracepoint", "syscalls/sys_enter_getpid", "7"]);
    same_as_bpftool(
        &link_id(&tp),
        "\n\ttracepoint sys_enter_getpid  cookie 7  ",
        &[("tracepoint", json!("sys_enter_getpid")), ("cookie", json!(7))],
        &[],
    );
    // Software page faults (type 1, config 2) with cookie 9.
    let ev = f.link("lk_perf", "ev", &["event", "1", "2", "9"]);
    same_as_bpftool(
        &link_id(&ev),
        "\n\tevent software:page-faults  cookie 9  ",
        &[("event_type", json!("software")), ("event_config", json!("page-faults")), ("cookie", json!(9))],
        &[],
    );
}

#[test]
fn uprobe_links_match_bpftool() {
    require_root!();
    let f = Fixture::new();
    // Offsets need no symbol: the probe is never hit, only described.
    let up = f.link("lk_uprobe", "up", &["uprobe", "/bin/true", "0x1000"]);
    same_as_bpftool(
        &link_id(&up),
        "\n\tuprobe /bin/true+0x1000  ",
        &[
            ("retprobe", json!(false)),
            ("file", json!("/bin/true")),
            ("offset", json!(4096)),
            ("cookie", json!(0)),
            ("ref_ctr_offset", json!(0)),
        ],
        &[],
    );
    let uret = f.link("lk_uprobe", "uret", &["uprobe", "/bin/true", "0x1010", "ret"]);
    let id = link_id(&uret);
    let plain = bpfpin(&["link", "show", "id", &id]).ok().stdout();
    assert!(plain.contains("\n\turetprobe /bin/true+0x1010  \n"), "{plain}");

    let multi = f.link("lk_uprobe_multi", "multi", &["uprobe_multi", "/bin/true", "0x1000,0x1020"]);
    // The kernel reports the file by its resolved path.
    let path = std::fs::canonicalize("/bin/true").unwrap().display().to_string();
    same_as_bpftool(
        &link_id(&multi),
        &format!(
            "\n\tuprobe.multi  path {path}  func_cnt 2  \n\toffset             ref_ctr_offset     cookies         \
             \n\t0x1000             0x0                0x0               \n\t0x1020             0x0                \
             0x0               "
        ),
        &[
            ("retprobe", json!(false)),
            ("path", json!(path)),
            ("func_cnt", json!(2)),
            ("pid", json!(0)),
            (
                "funcs",
                json!([{"offset": 4096, "ref_ctr_offset": 0, "cookie": 0}, {"offset": 4128, "ref_ctr_offset": 0, "cookie": 0}]),
            ),
        ],
        &[],
    );
}

#[test]
fn iterator_links_match_bpftool() {
    require_root!();
    let f = Fixture::new();
    let all = f.link("lk_iter_task", "all", &["iter_task"]);
    same_as_bpftool(&link_id(&all), "", &[], &[]);
    let me = std::process::id().to_string();
    let one = f.link("lk_iter_task", "one", &["iter_task", &me]);
    let out = bpfpin(&["link", "show", "pinned", &one]).ok().stdout();
    assert!(out.contains(&format!("target_name task  tid {me} \n")), "{out}");
    same_as_bpftool(&link_id(&one), "", &[], &[]);
}

#[test]
fn network_links_match_bpftool_and_detach() {
    require_root!();
    let f = Fixture::new();
    let ns = NetNs::new();
    // In a fresh namespace `lo` is ifindex 1.
    let xdp = f.link_in(&ns, "lk_xdp", "xdp", &["xdp", "1"]);
    let tcx = f.link_in(&ns, "lk_tcx", "tcx", &["tcx", "1"]);
    let nf = f.link_in(&ns, "lk_netfilter", "nf", &["netfilter", "2", "1", "-128"]);
    let lookup = f.link("lk_sk_lookup", "lookup", &["netns", &format!("/run/netns/{}", ns.ns), "36"]);
    // bpfpin runs in the host namespace, where ifindex 1 is also `lo`.
    same_as_bpftool(&link_id(&xdp), "\n\tifindex lo(1)  ", &[("devname", json!("lo")), ("ifindex", json!(1))], &[]);
    same_as_bpftool(
        &link_id(&tcx),
        "\n\tifindex lo(1)  attach_type tcx_ingress  ",
        &[("devname", json!("lo")), ("ifindex", json!(1)), ("attach_type", json!("tcx_ingress"))],
        &[],
    );
    same_as_bpftool(
        &link_id(&nf),
        "\n\tip input prio -128",
        &[("pf", json!(2)), ("hook", json!(1)), ("prio", json!(-128)), ("flags", json!(0))],
        &[],
    );
    let ino = std::fs::metadata(format!("/run/netns/{}", ns.ns)).map(|m| std::os::unix::fs::MetadataExt::ino(&m));
    let lookup_id = link_id(&lookup);
    let out = bpfpin(&["link", "show", "id", &lookup_id]).ok().stdout();
    assert!(out.contains(&format!("netns_ino {}  attach_type sk_lookup", ino.unwrap())), "{out}");
    same_as_bpftool(&lookup_id, "", &[], &[]);

    // Detached, each still shows, with no target, as bpftool shows it.
    for (pin, extra_plain, extra_json) in [
        (&xdp, "\n\tifindex (detached)  ", vec![("devname", json!("(detached)")), ("ifindex", json!(0))]),
        (
            &tcx,
            "\n\tifindex (detached)  attach_type tcx_ingress  ",
            vec![("devname", json!("(detached)")), ("ifindex", json!(0)), ("attach_type", json!("tcx_ingress"))],
        ),
    ] {
        let id = link_id(pin);
        bpfpin(&["link", "detach", "id", &id]).ok();
        same_as_bpftool(&id, extra_plain, &extra_json, &[]);
    }
    bpfpin(&["link", "detach", "pinned", &lookup]).ok();
    let out = bpftool(&["link", "show", "id", &lookup_id]).ok().stdout();
    assert!(out.contains("netns_ino 0  attach_type sk_lookup"), "{out}");
    same_as_bpftool(&lookup_id, "", &[], &[]);
    // The XDP program is really gone from the device.
    let shown = ns.bpfpin(&["-j", "net", "show", "dev", "lo"]).ok().stdout();
    assert!(!shown.contains("lk_xdp"), "{shown}");
}

#[test]
fn cgroup_and_sockmap_links_match_bpftool() {
    require_root!();
    let f = Fixture::new();
    let cg = format!("/sys/fs/cgroup/unified/{}", unique("bpfpin_lk"));
    std::fs::create_dir(&cg).expect("making a test cgroup");
    struct Rmdir(String);
    impl Drop for Rmdir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir(&self.0);
        }
    }
    let _cg = Rmdir(cg.clone());
    let link = f.link("lk_cgroup", "cg", &["cgroup", &cg, "1"]);
    let id = link_id(&link);
    same_as_bpftool(&id, "", &[], &[]);
    bpfpin(&["link", "detach", "pinned", &link]).ok();
    let out = bpfpin(&["link", "show", "id", &id]).ok().stdout();
    assert!(out.contains("cgroup_id 0  attach_type cgroup_inet_egress"), "{out}");
    same_as_bpftool(&id, "", &[], &[]);

    let map = crate::util::bpftool_map(&f.d, "sockmap", "sockmap", 4, 4, 2, "lk_sockmap");
    let map_id = bpftool(&["-j", "map", "show", "pinned", &map]).ok().json()["id"].clone();
    let sm = f.link("lk_sk_verdict", "sm", &["sockmap", &map, "5"]);
    let id = link_id(&sm);
    same_as_bpftool(
        &id,
        &format!("\n\tmap_id {map_id}  attach_type sk_skb_stream_verdict  "),
        &[("map_id", map_id.clone()), ("attach_type", json!("sk_skb_stream_verdict"))],
        &[],
    );
    // Detached from its map, the link names none.
    bpfpin(&["link", "detach", "id", &id]).ok();
    same_as_bpftool(
        &id,
        "\n\tmap_id 0  attach_type sk_skb_stream_verdict  ",
        &[("map_id", json!(0)), ("attach_type", json!("sk_skb_stream_verdict"))],
        &[],
    );
}

#[test]
fn list_and_pinned_paths_match_bpftool() {
    require_root!();
    let f = Fixture::new();
    let raw = f.link("lk_raw_tp", "raw", &["raw_tp", "sys_enter"]);
    let id = link_id(&raw);
    // -f: the pin is listed under the link, as bpftool lists it.
    let theirs = bpftool(&["-f", "link", "show", "id", &id]).ok().stdout();
    let ours = bpfpin(&["-f", "link", "show", "id", &id]).ok().stdout();
    assert_eq!(ours, theirs);
    assert!(ours.contains(&format!("\n\tpinned {raw}\n")), "{ours}");
    let j = bpfpin(&["-f", "-j", "link", "show", "id", &id]).ok().json();
    assert_eq!(j["pinned"], json!([raw]));
    // The list is an array holding this link.
    let all = bpfpin(&["-j", "link", "show"]).ok().json();
    assert!(all.as_array().unwrap().iter().any(|l| l["id"].as_u64() == id.parse().ok()), "{all}");
    let plain = bpfpin(&["link", "list"]).ok().stdout();
    assert!(plain.contains(&format!("{id}: raw_tracepoint  prog ")), "{plain}");
}

#[test]
fn detach_of_a_link_the_kernel_cannot_detach_explains() {
    require_root!();
    let f = Fixture::new();
    let raw = f.link("lk_raw_tp", "raw", &["raw_tp", "sys_enter"]);
    bpfpin(&["link", "detach", "pinned", &raw]).err("cannot be detached");
    // Still there, still attached.
    bpftool(&["link", "show", "pinned", &raw]).ok();
    bpfpin(&["link", "detach", "id", "4294967295"]).err("");
}
