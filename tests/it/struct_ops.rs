//! `struct_ops register/show/dump/unregister` with a real TCP congestion control:
//! registered, it is listed by the kernel and a socket in a test namespace
//! can choose it and move data with it; unregistered, it is gone.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::require_root;
use crate::util::{BpffsDir, NetNs, TempFile, bpfpin, bpftool, object};

static N: AtomicUsize = AtomicUsize::new(0);

/// A copy of a test object whose congestion control name (the 15-byte
/// placeholder `PREFIX000000000`) is unique to this call.
fn unique_cc(obj: &str, prefix: &str) -> (TempFile, String) {
    let name = format!("{prefix}{:05}{:04}", std::process::id() % 100_000, N.fetch_add(1, Ordering::SeqCst) % 10_000);
    let placeholder = format!("{prefix}000000000");
    let mut bytes = std::fs::read(object(obj)).expect("reading the test object");
    let at = bytes.windows(15).position(|w| w == placeholder.as_bytes()).expect("placeholder name in the object");
    bytes[at..at + 15].copy_from_slice(name.as_bytes());
    (TempFile::new(&format!("{name}.o"), &bytes), name)
}

fn available() -> String {
    std::fs::read_to_string("/proc/sys/net/ipv4/tcp_available_congestion_control").unwrap()
}

fn is_available(name: &str) -> bool {
    available().split_whitespace().any(|c| c == name)
}

/// Unregisters a struct_ops map this test registered, should it fail first.
struct Registered(String);

impl Drop for Registered {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bpftool").args(["struct_ops", "unregister", "id", &self.0]).output();
    }
}

/// In the test namespace: a TCP connection over loopback whose sender uses
/// congestion control `cc` moves 1 MiB; prints the connection's algorithm
/// and the bytes received. Fails (without waiting) when `cc` is unknown.
const CLIENT: &str = r#"
import socket, sys, threading
cc = sys.argv[1].encode()
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1); srv.settimeout(10)
got = []
def sink():
    c, _ = srv.accept()
    n = 0
    while True:
        b = c.recv(65536)
        if not b: break
        n += len(b)
    got.append(n)
t = threading.Thread(target=sink, daemon=True); t.start()
s = socket.socket()
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc)
s.connect(srv.getsockname())
s.sendall(b"x" * (1 << 20))
used = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0").decode()
s.close(); t.join()
print(used, got[0])
"#;

fn use_cc(ns: &NetNs, cc: &str) -> crate::util::Run {
    ns.exec(&ns.ns, &["python3", "-c", CLIENT, cc])
}

fn id_from(line: &str) -> String {
    line.split_whitespace().last().unwrap_or_default().to_string()
}

#[test]
fn register_makes_a_usable_congestion_control_and_unregister_removes_it() {
    require_root!();
    let (obj, cc) = unique_cc("struct_ops_cc.o", "bpfcc_");
    let ns = NetNs::new();
    let r = bpfpin(&["struct_ops", "register", &obj.s()]).ok();
    assert_eq!(r.stdout(), "");
    let line = r.stderr();
    assert!(line.starts_with("Registered tcp_congestion_ops cc_plain id "), "{line}");
    let id = id_from(&line);
    let _g = Registered(id.clone());
    assert!(is_available(&cc), "{cc} not in {}", available());
    let used = use_cc(&ns, &cc).ok().stdout();
    assert_eq!(used.trim(), format!("{cc} 1048576"));

    // show, plain and -j, selected by id and all: as bpftool.
    for args in [&["struct_ops", "show", "id", &id][..], &["-j", "struct_ops", "show", "id", &id]] {
        assert_eq!(bpfpin(args).ok().stdout(), bpftool(args).ok().stdout(), "{args:?}");
    }
    let ours = bpfpin(&["struct_ops", "list"]).ok().stdout();
    let theirs = bpftool(&["struct_ops", "list"]).ok().stdout();
    let mine = format!("{id}: cc_plain        tcp_congestion_ops              \n");
    assert!(ours.contains(&mine) && theirs.contains(&mine), "ours:\n{ours}theirs:\n{theirs}");
    let j = bpfpin(&["-j", "struct_ops", "show"]).ok().json();
    assert!(
        j.as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"].as_u64() == id.parse().ok() && m["kernel_struct_ops"] == "tcp_congestion_ops"),
        "{j}"
    );

    // dump: the map's info and its kernel value, as bpftool prints them.
    for args in [
        &["struct_ops", "dump", "id", &id][..],
        &["-j", "struct_ops", "dump", "id", &id],
        &["-p", "struct_ops", "dump", "id", &id],
    ] {
        assert_eq!(bpfpin(args).ok().stdout(), bpftool(args).ok().stdout(), "{args:?}");
    }
    let dump = bpfpin(&["struct_ops", "dump", "id", &id]).ok().stdout();
    assert!(dump.contains("\"ssthresh\": \"u32 (struct sock *) cc_ssthresh/prog_id:"), "{dump}");
    assert!(dump.contains(&format!("\"name\": \"{cc}\"")), "{dump}");
    assert!(dump.contains("\"state\": \"BPF_STRUCT_OPS_STATE_INUSE\""), "{dump}");

    let r = bpfpin(&["struct_ops", "unregister", "id", &id]).ok();
    assert_eq!(r.stderr(), format!("Unregistered tcp_congestion_ops cc_plain id {id}\n"));
    assert!(!is_available(&cc), "{cc} still in {}", available());
    let failed = use_cc(&ns, &cc);
    assert!(!failed.out.status.success(), "setsockopt({cc}) still works: {}", failed.stdout());
    // The map went with its registration.
    bpftool(&["struct_ops", "show", "id", &id]).out.status.success().then(|| panic!("map {id} is still there"));
}

#[test]
fn link_maps_are_registered_while_their_link_is_pinned() {
    require_root!();
    let (obj, cc) = unique_cc("struct_ops_link.o", "bpfcl_");
    let d = BpffsDir::new();
    let ns = NetNs::new();
    let dir = d.join("links");
    let r = bpfpin(&["struct_ops", "register", &obj.s(), &dir]).ok();
    let line = r.stderr();
    assert!(line.starts_with("Registered tcp_congestion_ops cc_link map id "), "{line}");
    let link_id = id_from(&line);
    let map_id = line.split_whitespace().nth(5).unwrap().to_string();
    let pin = d.join("links/cc_link");
    assert!(is_available(&cc), "{cc} not in {}", available());
    assert_eq!(use_cc(&ns, &cc).ok().stdout().trim(), format!("{cc} 1048576"));

    // The link as bpftool shows it; bpftool 7.1 prints `prog 0` where newer
    // bpftool (and bpfpin) name the map, and has no `map_id` key.
    let theirs = bpftool(&["link", "show", "id", &link_id]).ok().stdout();
    let want = theirs.replace("prog 0  ", &format!("map {map_id}  "));
    assert_eq!(bpfpin(&["link", "show", "id", &link_id]).ok().stdout(), want);
    let theirs = bpftool(&["-j", "link", "show", "pinned", &pin]).ok().stdout();
    let want = theirs.trim_end().trim_end_matches('}').to_string() + &format!(",\"map_id\":{map_id}}}\n");
    assert_eq!(bpfpin(&["-j", "link", "show", "pinned", &pin]).ok().stdout(), want);

    // The map cannot be unregistered by itself: its link holds it.
    bpfpin(&["struct_ops", "unregister", "id", &map_id]).err("registered through a struct_ops link");
    assert!(is_available(&cc));
    // Detaching the link unregisters the congestion control.
    bpfpin(&["link", "detach", "pinned", &pin]).ok();
    assert!(!is_available(&cc), "{cc} still in {}", available());
    assert!(!use_cc(&ns, &cc).out.status.success());
}

#[test]
fn unpinning_the_link_unregisters() {
    require_root!();
    let (obj, cc) = unique_cc("struct_ops_link.o", "bpfcl_");
    let d = BpffsDir::new();
    bpfpin(&["struct_ops", "register", &obj.s(), &d.s()]).ok();
    assert!(is_available(&cc));
    std::fs::remove_file(d.join("cc_link")).unwrap();
    // The kernel frees the link after an RCU grace period.
    for _ in 0..50 {
        if !is_available(&cc) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("{cc} still in {}", available());
}

#[test]
fn bad_input_is_explained_and_leaves_nothing() {
    require_root!();
    let d = BpffsDir::new();
    // No struct_ops in the object.
    bpfpin(&["struct_ops", "register", &object("link_kinds.o")]).err("no struct_ops found in");
    // Unknown map name, not a struct_ops map, no such id.
    bpfpin(&["struct_ops", "show", "name", "no_such_ops_x"]).err("no struct_ops found for no_such_ops_x");
    bpfpin(&["struct_ops", "unregister", "name", "no_such_ops_x"]).err("no struct_ops found for no_such_ops_x");
    bpfpin(&["struct_ops", "show", "id", "0"]).err("invalid id 0");
    bpfpin(&["struct_ops", "show", "bogus", "1"]).err("expected `id ID` or `name NAME`");

    // A link map without LINK_DIR: refused before anything is loaded.
    let (obj, cc) = unique_cc("struct_ops_link.o", "bpfcl_");
    bpfpin(&["struct_ops", "register", &obj.s()]).err("stay registered only while their link is pinned");
    assert!(!is_available(&cc));

    // The same name twice: the kernel refuses the second, which leaves no
    // map, link or pin behind.
    let (obj, cc) = unique_cc("struct_ops_cc.o", "bpfcc_");
    let r = bpfpin(&["struct_ops", "register", &obj.s()]).ok();
    let _g = Registered(id_from(&r.stderr()));
    let before = bpftool(&["-j", "struct_ops", "show"]).ok().stdout();
    bpfpin(&["struct_ops", "register", &obj.s()]).err("the kernel refused struct_ops map `cc_plain`");
    assert_eq!(bpftool(&["-j", "struct_ops", "show"]).ok().stdout(), before);
    assert!(is_available(&cc));

    // A link object whose second registration fails leaves no pin.
    let (lobj, _) = unique_cc("struct_ops_link.o", "bpfcl_");
    bpfpin(&["struct_ops", "register", &lobj.s(), &d.join("a")]).ok();
    bpfpin(&["struct_ops", "register", &lobj.s(), &d.join("b")]).err("the kernel refused struct_ops map `cc_link`");
    assert_eq!(d.snapshot(), vec![d.join("a"), d.join("a/cc_link")]);
}
