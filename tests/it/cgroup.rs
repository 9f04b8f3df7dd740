//! cgroup hooks against the real kernel: each test makes its own cgroup
//! under the cgroup2 mount and its own bpffs directory, runs a process
//! inside the cgroup (in a fresh network namespace, so its only traffic is
//! its own loopback pings), and reads the effect back: packet counters
//! that rose by exactly the packets sent, a socket refused with EPERM.
//! `cgroup show`/`tree` are compared with bpftool byte for byte.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::Duration;

use serde_json::Value;

use crate::require_root;
use crate::util::{BpffsDir, Run, bpfpin, bpftool, object, sh, unique};

const CGROUP2: &str = "/sys/fs/cgroup/unified";

/// A cgroup of this test (with optional children), removed on drop after
/// moving any process left in it back to the root cgroup.
struct Cgroup {
    path: PathBuf,
    children: Vec<PathBuf>,
}

impl Cgroup {
    fn new() -> Cgroup {
        let path = Path::new(CGROUP2).join(unique("bpfpin_cg"));
        fs::create_dir(&path).unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        Cgroup { path, children: Vec::new() }
    }

    fn child(&mut self, name: &str) -> String {
        let p = self.path.join(name);
        fs::create_dir(&p).unwrap_or_else(|e| panic!("creating {}: {e}", p.display()));
        self.children.push(p.clone());
        p.display().to_string()
    }

    fn s(&self) -> String {
        self.path.display().to_string()
    }
}

fn evacuate_and_remove(dir: &Path) {
    for _ in 0..100 {
        if let Ok(procs) = fs::read_to_string(dir.join("cgroup.procs")) {
            for pid in procs.split_whitespace() {
                let _ = fs::write(Path::new(CGROUP2).join("cgroup.procs"), pid);
            }
        }
        if fs::remove_dir(dir).is_ok() || !dir.exists() {
            return;
        }
        // Exiting processes stay in the cgroup for a moment.
        sleep(Duration::from_millis(20));
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        for c in self.children.iter().rev() {
            evacuate_and_remove(c);
        }
        evacuate_and_remove(&self.path);
    }
}

/// A network namespace made with `ip netns add`, deleted on drop.
struct NetnsFile(String);

impl NetnsFile {
    fn new() -> NetnsFile {
        let name = unique("bpcg");
        sh("ip", &["netns", "add", &name]).ok();
        NetnsFile(name)
    }
    fn path(&self) -> String {
        format!("/run/netns/{}", self.0)
    }
}

impl Drop for NetnsFile {
    fn drop(&mut self) {
        let _ = sh("ip", &["netns", "del", &self.0]);
    }
}

/// Loads cgroup_progs.o: programs under DIR/p, the counter map at
/// DIR/maps/cg_count.
fn load(dir: &BpffsDir) {
    bpfpin(&["prog", "loadall", &object("cgroup_progs.o"), &dir.join("p"), "--pin-maps", &dir.join("maps")]).ok();
}

fn prog(dir: &BpffsDir, name: &str) -> String {
    dir.join(&format!("p/{name}"))
}

fn prog_id(pin: &str) -> u64 {
    let v = bpftool(&["-j", "prog", "show", "pinned", pin]).ok().json();
    v["id"].as_u64().unwrap_or_else(|| panic!("no id in {v}"))
}

/// cg_count[0] (egress packets) and cg_count[1] (ingress packets).
fn counters(dir: &BpffsDir) -> (u64, u64) {
    let v = bpfpin(&["-j", "map", "dump", "pinned", &dir.join("maps/cg_count")]).ok().json();
    let at = |i: usize| v[i]["formatted"]["value"].as_u64().unwrap_or_else(|| panic!("no counter {i} in {v}"));
    (at(0), at(1))
}

/// Removes a link's only pin. The kernel frees the link from a deferred
/// work item, and its release (the detach) may wait for cgroup_mutex, so
/// callers wait for the effect with `eventually`.
fn unpin_link(pin: &str) {
    fs::remove_file(pin).unwrap_or_else(|e| panic!("removing {pin}: {e}"));
}

/// Polls `done` for up to 5 s.
#[track_caller]
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..250 {
        if done() {
            return;
        }
        sleep(Duration::from_millis(20));
    }
    panic!("{what}: still not so 5 s later");
}

/// Nothing attached to the cgroup any more, as bpftool sees it.
fn cgroup_empty(cg: &str) -> bool {
    bpftool(&["cgroup", "show", cg]).ok().stdout().is_empty()
}

/// Runs `cmd` (a shell command) as a process of the cgroup, in a fresh
/// network namespace with only `lo`, which is brought up before the
/// process joins the cgroup (so only `cmd`'s own packets are counted).
fn run_in(cg: &str, cmd: &str) -> Run {
    let script = format!("ip link set lo up && echo $$ > {cg}/cgroup.procs && exec {cmd}");
    sh("unshare", &["-n", "sh", "-c", &script])
}

/// Three pings to 127.0.0.1 from inside the cgroup: exactly three echo
/// requests leave through the process's socket (egress) and three replies
/// reach it (ingress); the kernel's own replies are sent from no socket of
/// the cgroup, so they do not count.
fn ping3(cg: &str) {
    run_in(cg, "ping -q -c 3 -i 0.2 -W 1 127.0.0.1").ok();
}

#[test]
fn cgroup_attach_counts_packets_and_detach_stops_it() {
    require_root!();
    let cg = Cgroup::new();
    let dir = BpffsDir::new();
    load(&dir);
    let (eg, ing) = (prog(&dir, "cg_egress"), prog(&dir, "cg_ingress"));
    bpfpin(&["cgroup", "attach", &cg.s(), "egress", "pinned", &eg]).ok();
    bpfpin(&["cgroup", "attach", &cg.s(), "cgroup_inet_ingress", "pinned", &ing]).ok();
    // bpftool sees both attachments: they are held by the cgroup, not by bpfpin.
    let seen = bpftool(&["-j", "cgroup", "show", &cg.s()]).ok().json();
    let ids: Vec<u64> = seen.as_array().unwrap().iter().map(|p| p["id"].as_u64().unwrap()).collect();
    assert_eq!(ids.len(), 2, "{seen}");
    assert!(ids.contains(&prog_id(&eg)) && ids.contains(&prog_id(&ing)), "{seen}");

    assert_eq!(counters(&dir), (0, 0));
    ping3(&cg.s());
    assert_eq!(counters(&dir), (3, 3), "three requests out, three replies in");
    ping3(&cg.s());
    assert_eq!(counters(&dir), (6, 6));

    bpfpin(&["cgroup", "detach", &cg.s(), "egress", "pinned", &eg]).ok();
    bpfpin(&["-j", "cgroup", "detach", &cg.s(), "ingress", "pinned", &ing]).ok();
    assert_eq!(bpftool(&["cgroup", "show", &cg.s()]).ok().stdout(), "");
    ping3(&cg.s());
    assert_eq!(counters(&dir), (6, 6), "counters moved after detach");
}

#[test]
fn link_attach_cgroup_counts_and_unpin_stops_it() {
    require_root!();
    let cg = Cgroup::new();
    let dir = BpffsDir::new();
    load(&dir);
    let eg = prog(&dir, "cg_egress");
    let link = dir.join("egress_link");
    bpfpin(&["link", "attach", "pinned", &eg, "cgroup", &cg.s(), "egress", &link]).ok();
    // A cgroup link: bpftool names the cgroup (its id is the directory's inode).
    let l = bpftool(&["-j", "link", "show", "pinned", &link]).ok().json();
    assert_eq!(l["type"], "cgroup", "{l}");
    assert_eq!(l["attach_type"], "cgroup_inet_egress", "{l}");
    assert_eq!(l["cgroup_id"].as_u64(), Some(fs::metadata(&cg.path).unwrap().ino()), "{l}");
    assert_eq!(l["prog_id"].as_u64(), Some(prog_id(&eg)), "{l}");
    // Link-attached programs show in `cgroup show`, as multi.
    let shown = bpfpin(&["-j", "cgroup", "show", &cg.s()]).ok().json();
    assert_eq!(shown[0]["id"].as_u64(), Some(prog_id(&eg)), "{shown}");
    assert_eq!(shown[0]["attach_flags"], "multi", "{shown}");

    ping3(&cg.s());
    assert_eq!(counters(&dir).0, 3);
    // The attachment lives as long as the pin.
    unpin_link(&link);
    eventually("the cgroup link released", || cgroup_empty(&cg.s()));
    ping3(&cg.s());
    assert_eq!(counters(&dir).0, 3, "counter moved after the link's pin was removed");
}

#[test]
fn sock_create_denies_sockets_until_detached() {
    require_root!();
    let cg = Cgroup::new();
    let dir = BpffsDir::new();
    load(&dir);
    let deny = prog(&dir, "cg_deny_sock");
    let socket = "python3 -c 'import socket; socket.socket(); print(\"created\")'";
    let r = run_in(&cg.s(), socket).ok();
    assert!(r.stdout().contains("created"), "{}", r.stdout());

    bpfpin(&["cgroup", "attach", &cg.s(), "sock_create", "pinned", &deny]).ok();
    let r = run_in(&cg.s(), socket);
    assert!(!r.out.status.success(), "socket() succeeded under the deny program: {}", r.stdout());
    assert!(r.stderr().contains("Operation not permitted"), "{}", r.stderr());
    // Outside the cgroup sockets are unaffected.
    let outside = sh("python3", &["-c", "import socket; socket.socket(); print('created')"]).ok();
    assert!(outside.stdout().contains("created"));

    bpfpin(&["cgroup", "detach", &cg.s(), "sock_create", "pinned", &deny]).ok();
    let r = run_in(&cg.s(), socket).ok();
    assert!(r.stdout().contains("created"), "{}", r.stdout());

    // The same through a link: denied while pinned, allowed once unpinned.
    let link = dir.join("deny_link");
    bpfpin(&["link", "attach", "pinned", &deny, "cgroup", &cg.s(), "sock_create", &link]).ok();
    assert!(run_in(&cg.s(), socket).stderr().contains("Operation not permitted"));
    unpin_link(&link);
    eventually("sockets allowed after unpinning", || run_in(&cg.s(), socket).out.status.success());
}

/// The same bytes from bpfpin and bpftool, both succeeding.
#[track_caller]
fn same_as_bpftool(args: &[&str]) -> String {
    let theirs = bpftool(args);
    let ours = bpfpin(args);
    assert!(theirs.out.status.success(), "bpftool {args:?}: {}", theirs.stderr());
    assert!(ours.out.status.success(), "bpfpin {args:?}: {}", ours.stderr());
    assert_eq!(ours.stdout(), theirs.stdout(), "bpfpin vs bpftool for {args:?}");
    ours.stdout()
}

#[test]
fn show_and_tree_equal_bpftool() {
    require_root!();
    let mut cg = Cgroup::new();
    let child = cg.child("c");
    let dir = BpffsDir::new();
    load(&dir);
    let (eg, ing, deny) = (prog(&dir, "cg_egress"), prog(&dir, "cg_ingress"), prog(&dir, "cg_deny_sock"));
    // Two programs on one hook (multi), one alone (no flag), one `override`,
    // and a link on the child.
    bpfpin(&["cgroup", "attach", &cg.s(), "egress", "pinned", &eg, "multi"]).ok();
    bpfpin(&["cgroup", "attach", &cg.s(), "egress", "pinned", &ing, "multi"]).ok();
    bpfpin(&["cgroup", "attach", &cg.s(), "ingress", "pinned", &ing]).ok();
    bpfpin(&["cgroup", "attach", &cg.s(), "sock_create", "pinned", &deny, "override"]).ok();
    bpfpin(&["link", "attach", "pinned", &eg, "cgroup", &child, "egress", &dir.join("link")]).ok();

    let cgs = cg.s();
    let slash = format!("{cgs}/");
    for j in [None, Some("-j")] {
        for args in [
            vec!["cgroup", "show", &cgs],
            vec!["cgroup", "show", &cgs, "effective"],
            vec!["cgroup", "list", &child],
            vec!["cgroup", "show", &child, "effective"],
            vec!["cgroup", "tree", &cgs],
            vec!["cgroup", "tree", &slash, "effective"],
        ] {
            let mut a: Vec<&str> = j.into_iter().collect();
            a.extend(args);
            same_as_bpftool(&a);
        }
    }
    // What was compared is what was attached.
    let shown: Value = serde_json::from_str(&same_as_bpftool(&["-j", "cgroup", "show", &cgs])).unwrap();
    let flags: Vec<&str> = shown.as_array().unwrap().iter().map(|p| p["attach_flags"].as_str().unwrap()).collect();
    assert_eq!(flags, ["", "multi", "multi", "override"], "{shown}");
    let tree: Value = serde_json::from_str(&same_as_bpftool(&["-j", "cgroup", "tree", &cgs, "effective"])).unwrap();
    assert_eq!(tree.as_array().unwrap().len(), 2, "{tree}");
    assert_eq!(tree[1]["cgroup"], child.as_str());
    // The child runs its own link first, then what it inherits.
    assert_eq!(tree[1]["programs"].as_array().unwrap().len(), 5, "{tree}");
    let plain = same_as_bpftool(&["cgroup", "tree", &cgs]);
    assert!(plain.starts_with("CgroupPath\nID       AttachType      AttachFlags     Name           \n"), "{plain}");
    assert!(plain.contains(&format!("\n{child}\n    ")), "{plain}");
    // An empty cgroup prints nothing (and an empty line in JSON mode), as bpftool does.
    bpfpin(&["cgroup", "detach", &child, "egress", "pinned", &eg]).err("link");
    unpin_link(&dir.join("link"));
    eventually("the child's link released", || cgroup_empty(&child));
    assert_eq!(same_as_bpftool(&["cgroup", "show", &child]), "");
    assert_eq!(same_as_bpftool(&["-j", "cgroup", "show", &child]), "\n");
}

/// A TCP connect to a listener on 127.0.0.1 inside the namespace.
fn connect_in(ns: &NetnsFile) -> Run {
    let py = "import socket\ns = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n\
              c = socket.socket(); c.settimeout(2); c.connect(s.getsockname()); print('connected')";
    sh("nsenter", &[&format!("--net={}", ns.path()), "python3", "-c", py])
}

#[test]
fn link_attach_netns_sk_lookup_and_flow_dissector() {
    require_root!();
    let ns = NetnsFile::new();
    sh("ip", &["-n", &ns.0, "link", "set", "lo", "up"]).ok();
    let dir = BpffsDir::new();
    load(&dir);
    let lookup = prog(&dir, "cg_lookup");
    let link = dir.join("lookup_link");
    bpfpin(&["link", "attach", "pinned", &lookup, "netns", &ns.path(), &link]).ok();
    let ino = fs::metadata(ns.path()).unwrap().ino();
    let theirs = bpftool(&["-j", "link", "show", "pinned", &link]).ok().json();
    assert_eq!(theirs["type"], "netns", "{theirs}");
    assert_eq!(theirs["attach_type"], "sk_lookup", "{theirs}");
    assert_eq!(theirs["netns_ino"].as_u64(), Some(ino), "{theirs}");
    assert_eq!(theirs["prog_id"].as_u64(), Some(prog_id(&lookup)), "{theirs}");
    let ours = bpfpin(&["-j", "link", "show", "pinned", &link]).ok().json();
    let ours = if ours.is_array() { ours[0].clone() } else { ours };
    assert_eq!(ours["id"], theirs["id"], "{ours}");
    assert_eq!(ours["netns_ino"].as_u64(), Some(ino), "{ours}");
    // SK_PASS lets connections through.
    assert!(connect_in(&ns).ok().stdout().contains("connected"));

    // SK_DROP refuses them while its link is pinned, and only then.
    let drop_link = dir.join("drop_link");
    bpfpin(&["link", "attach", "pinned", &prog(&dir, "cg_lookup_drop"), "netns", &ns.path(), &drop_link]).ok();
    let r = connect_in(&ns);
    assert!(r.stderr().contains("ConnectionRefusedError"), "connect under SK_DROP: {}{}", r.stdout(), r.stderr());
    unpin_link(&drop_link);
    eventually("connects allowed after unpinning", || connect_in(&ns).stdout().contains("connected"));

    // A flow dissector goes on the namespace the same way.
    bpfpin(&["prog", "loadall", &object("sockmap.o"), &dir.join("s"), "--pin-maps", &dir.join("smaps")]).ok();
    let flow_link = dir.join("flow_link");
    let flow_prog = dir.join("s/dissect");
    bpfpin(&["link", "attach", "pinned", &flow_prog, "netns", &ns.path(), &flow_link]).ok();
    let l = bpftool(&["-j", "link", "show", "pinned", &flow_link]).ok().json();
    assert_eq!((l["attach_type"].as_str(), l["netns_ino"].as_u64()), (Some("flow_dissector"), Some(ino)), "{l}");
    // A flow dissector attached without a link keeps links out.
    unpin_link(&flow_link);
    eventually("the flow dissector hook free again", || {
        bpfpin(&["--netns", &ns.0, "prog", "attach", "pinned", &flow_prog, "flow_dissector"]).out.status.success()
    });
    bpfpin(&["link", "attach", "pinned", &flow_prog, "netns", &ns.path(), &flow_link]).err("without a link");
    bpfpin(&["--netns", &ns.0, "prog", "detach", "pinned", &flow_prog, "flow_dissector"]).ok();

    // Only sk_lookup and flow_dissector programs go on a namespace.
    bpfpin(&["link", "attach", "pinned", &prog(&dir, "cg_egress"), "netns", &ns.path(), &dir.join("x")])
        .err("sk_lookup and flow_dissector");
    bpfpin(&["link", "attach", "pinned", &lookup, "netns", "/tmp", &dir.join("x")]).err("not a network namespace");
    bpfpin(&["link", "attach", "pinned", &lookup, "netns", "/run/netns/no-such-ns", &dir.join("x")])
        .err("cannot open network namespace");
    assert!(!Path::new(&dir.join("x")).exists());
}

#[test]
fn bad_input_says_what_and_how() {
    require_root!();
    let cg = Cgroup::new();
    let dir = BpffsDir::new();
    load(&dir);
    let eg = prog(&dir, "cg_egress");
    let c = cg.s();
    bpfpin(&["cgroup", "show", "/tmp"]).err("is not a cgroup2 directory");
    bpfpin(&["cgroup", "attach", "/sys/fs/bpf", "egress", "pinned", &eg]).err("is not a cgroup2 directory");
    bpfpin(&["cgroup", "tree", "/tmp"]).err("is not a cgroup2 directory");
    bpfpin(&["cgroup", "show", &format!("{c}/nope")]).err("does not exist");
    let r = bpfpin(&["cgroup", "attach", &c, "egres", "pinned", &eg]);
    assert!(r.out.status.success(), "a prefix of a short name is bpftool's too: {}", r.stderr());
    bpfpin(&["cgroup", "detach", &c, "egress", "pinned", &eg]).ok();
    let r = bpfpin(&["cgroup", "attach", &c, "bogus", "pinned", &eg]).err("`bogus` is not a cgroup attach type");
    assert!(r.stderr().contains("sock_create") && r.stderr().contains("getsockname6"), "{}", r.stderr());
    bpfpin(&["cgroup", "attach", &c, "sock_create", "pinned", &eg])
        .err("it is cgroup_skb, and cgroup_inet_sock_create runs cgroup_sock programs");
    bpfpin(&["cgroup", "attach", &c, "egress", "pinned", &eg, "multi", "override"]).err("cannot both be given");
    bpfpin(&["cgroup", "attach", &c, "egress", "pinned", &eg, "sideways"]).err("`sideways`");
    bpfpin(&["cgroup", "detach", &c, "egress", "pinned", &eg]).err("is not attached to cgroup");
    bpfpin(&["cgroup", "show", &c, "sideways"]).err("`sideways`");
    assert_eq!(bpftool(&["cgroup", "show", &c]).ok().stdout(), "", "nothing was left attached");

    // A program whose section bpfpin does not know needs the attach type named.
    let foreign = dir.join("foreign");
    bpftool(&["prog", "load", &object("cgroup_progs.o"), &foreign]).ok();
    let r =
        bpfpin(&["link", "attach", "pinned", &foreign, "cgroup", &c, &dir.join("l")]).err("needs a cgroup attach type");
    assert!(r.stderr().contains(&format!("`cgroup {c} ingress`")), "{}", r.stderr());
    bpfpin(&["link", "attach", "pinned", &eg, "cgroup", &c, "connect9", &dir.join("l")])
        .err("not a cgroup attach type");
    assert!(!Path::new(&dir.join("l")).exists());
    // A link cannot join a hook held without `multi`.
    bpfpin(&["cgroup", "attach", &c, "egress", "pinned", &eg]).ok();
    bpfpin(&["link", "attach", "pinned", &eg, "cgroup", &c, "egress", &dir.join("l")]).err("without `multi`");
    assert!(!Path::new(&dir.join("l")).exists());
}
