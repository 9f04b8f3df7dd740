//! Who holds each object (`pids` in `prog/map/link show`) and a program's
//! `metadata`. The holder is a real second process (python3 calling
//! BPF_OBJ_GET through ctypes: a pin cannot be opened as a file). bpftool
//! 7.1 here is built without its pid iterator and prints no `pids`; where a
//! bpftool does, its list must equal ours.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};

use serde_json::{Value, json};

use crate::require_root;
use crate::util::{BpffsDir, NetNs, bpfpin, bpftool, object};

/// Opens every pin given (in order; a path may repeat), prints the fds, and
/// holds them until its stdin closes.
const HOLD: &str = r#"
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
class Attr(ctypes.Structure):
    _fields_ = [("pathname", ctypes.c_uint64), ("bpf_fd", ctypes.c_uint32),
                ("file_flags", ctypes.c_uint32), ("pad", ctypes.c_uint8 * 112)]
fds = []
for p in sys.argv[1:]:
    if p.startswith("btf:"):  # bpf(BPF_BTF_GET_FD_BY_ID): no pin for a BTF object
        ida = (ctypes.c_uint32 * 32)(int(p[4:]))
        fd = libc.syscall(321, 19, ctypes.byref(ida), 128)
        if fd < 0:
            sys.exit("BPF_BTF_GET_FD_BY_ID %s: %s" % (p, os.strerror(ctypes.get_errno())))
        fds.append(fd)
        continue
    b = ctypes.create_string_buffer(p.encode())
    a = Attr(); a.pathname = ctypes.addressof(b)
    fd = libc.syscall(321, 7, ctypes.byref(a), ctypes.sizeof(a))  # bpf(BPF_OBJ_GET)
    if fd < 0:
        sys.exit("BPF_OBJ_GET %s: %s" % (p, os.strerror(ctypes.get_errno())))
    fds.append(fd)
print(" ".join(map(str, fds)), flush=True)
sys.stdin.read()
"#;

/// A process holding fds to pinned objects; it exits when dropped.
struct Holder {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Holder {
    fn new(pins: &[&str]) -> Holder {
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(HOLD)
            .args(pins)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let stdin = child.stdin.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("holder's fds");
        assert_eq!(line.split_whitespace().count(), pins.len(), "the holder opened every pin: {line:?}");
        Holder { child, stdin }
    }
    fn pid(&self) -> u32 {
        self.child.id()
    }
    fn entry(&self) -> Value {
        json!({"pid": self.pid(), "comm": "python3"})
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        if let Some(mut s) = self.stdin.take() {
            let _ = s.flush();
        }
        let _ = self.child.wait();
    }
}

/// bpftool's `pids` for the same object, when this bpftool reports them.
fn same_as_bpftool(args: &[&str], ours: &Value) {
    let theirs = bpftool(args).ok().json();
    if let Some(p) = theirs.get("pids") {
        assert_eq!(p, &ours["pids"], "bpftool {args:?}");
    }
}

/// The cell under `column` in the one-row table `out`.
fn cell(out: &str, column: &str) -> String {
    let mut lines = out.lines();
    let header = lines.next().unwrap_or_default();
    let row = lines.next().unwrap_or_else(|| panic!("no row: {out}"));
    let start = header.find(column).unwrap_or_else(|| panic!("no {column} column: {out}"));
    // Bare columns are aligned: a cell starts under its header and runs to
    // the next blank.
    row.get(start..).unwrap_or_default().split_whitespace().next().unwrap_or_default().to_string()
}

#[test]
fn holders_of_a_map_and_a_program_are_listed() {
    require_root!();
    let d = BpffsDir::new();
    let prog = d.join("prog");
    let maps = d.join("maps");
    bpfpin(&["prog", "load", &object("counter_xdp.o"), &prog, "--pin-maps", &maps]).ok();
    let map = format!("{maps}/pkt_count");

    // Nobody but the kernel holds them yet (and bpfpin never lists itself).
    let m = bpfpin(&["-j", "map", "show", "pinned", &map]).ok().json();
    assert!(m.get("pids").is_none(), "{m}");

    // Two fds to the map in one process are one holder.
    let first = Holder::new(&[&map, &map, &prog]);
    let m = bpfpin(&["-j", "map", "show", "pinned", &map]).ok().json();
    assert_eq!(m["pids"], json!([first.entry()]), "{m}");
    same_as_bpftool(&["-j", "map", "show", "pinned", &map], &m);
    let p = bpfpin(&["-j", "prog", "show", "pinned", &prog]).ok().json();
    assert_eq!(p["pids"], json!([first.entry()]), "{p}");
    same_as_bpftool(&["-j", "prog", "show", "pinned", &prog], &p);
    // bpftool's key order: pids after pinned.
    let f = bpfpin(&["-j", "-f", "prog", "show", "pinned", &prog]).ok().json();
    let keys: Vec<&String> = f.as_object().expect("object").keys().collect();
    let at = |k: &str| keys.iter().position(|x| *x == k).unwrap_or_else(|| panic!("no {k}: {f}"));
    assert_eq!(at("pids"), at("pinned") + 1, "{f}");

    // A second holder joins in pid order; the full listing agrees.
    let second = Holder::new(&[&map]);
    let mut want = vec![first.entry(), second.entry()];
    want.sort_by_key(|e| e["pid"].as_u64());
    let m = bpfpin(&["-j", "map", "show", "pinned", &map]).ok().json();
    assert_eq!(m["pids"], json!(want), "{m}");
    let id = m["id"].as_u64().expect("id");
    let all = bpfpin(&["-j", "map", "show"]).ok().json();
    let listed = all.as_array().expect("list").iter().find(|x| x["id"].as_u64() == Some(id)).expect("listed");
    assert_eq!(listed["pids"], json!(want), "{listed}");

    // The table's PIDS column: bpftool's `comm(pid)`.
    let t = bpfpin(&["prog", "show", "pinned", &prog]).ok().stdout();
    assert_eq!(cell(&t, "PIDS"), format!("python3({})", first.pid()), "{t}");

    // Once the holders are gone, so is the key.
    drop(first);
    drop(second);
    let m = bpfpin(&["-j", "map", "show", "pinned", &map]).ok().json();
    assert!(m.get("pids").is_none(), "{m}");
}

#[test]
fn holders_of_a_link_are_listed() {
    require_root!();
    let ns = NetNs::new();
    let d = BpffsDir::new();
    let prog = d.join("prog");
    bpfpin(&["prog", "load", &object("counter_xdp.o"), &prog]).ok();
    let link = d.join("link");
    ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &prog, "dev", &ns.host, "--link", &link]).ok();
    let h = Holder::new(&[&link]);
    let l = bpfpin(&["-j", "link", "show", "pinned", &link]).ok().json();
    assert_eq!(l["pids"], json!([h.entry()]), "{l}");
    same_as_bpftool(&["-j", "link", "show", "pinned", &link], &l);
    // Plain `link show` is bpftool's layout: a `pids` line under the link.
    let t = bpfpin(&["link", "show", "pinned", &link]).ok().stdout();
    assert!(t.ends_with(&format!("\n\tpids python3({})\n", h.pid())), "{t}");
    // Holding the link is not holding its program.
    let p = bpfpin(&["-j", "prog", "show", "pinned", &prog]).ok().json();
    assert!(p.get("pids").is_none(), "{p}");
}

#[test]
fn metadata_is_bpftools() {
    require_root!();
    let d = BpffsDir::new();
    // Loaded by bpftool (the reference) and by bpfpin: the same metadata.
    let theirs = d.join("by_bpftool");
    bpftool(&["prog", "load", &object("metadata.o"), &theirs]).ok();
    let ours = d.join("by_bpfpin");
    bpfpin(&["prog", "load", &object("metadata.o"), &ours]).ok();
    let want = bpftool(&["-j", "prog", "show", "pinned", &theirs]).ok().json();
    assert_eq!(want["metadata"], json!({"name": "bpfpin", "answer": 42}), "{want}");
    for pin in [&theirs, &ours] {
        let got = bpfpin(&["-j", "prog", "show", "pinned", pin]).ok().json();
        assert_eq!(got["metadata"], want["metadata"], "{pin}: {got}");
        // Last key, as bpftool prints it.
        assert_eq!(got.as_object().and_then(|o| o.keys().next_back()).map(String::as_str), Some("metadata"), "{got}");
        let t = bpfpin(&["prog", "show", "pinned", pin]).ok().stdout();
        assert_eq!(cell(&t, "METADATA"), r#"name="bpfpin",answer=42"#, "{t}");
    }
    // A program without bpf_metadata_ variables has no key.
    let plain = d.join("plain");
    bpfpin(&["prog", "load", &object("globals.o"), &plain]).ok();
    let got = bpfpin(&["-j", "prog", "show", "pinned", &plain]).ok().json();
    assert!(got.get("metadata").is_none(), "{got}");
}

/// `btf show` lists the processes holding a BTF object, as for programs and
/// maps (a process holding the program's BTF by id).
#[test]
fn holders_of_a_btf_object_are_listed() {
    require_root!();
    let d = BpffsDir::new();
    let prog = d.join("prog");
    bpfpin(&["prog", "load", &object("counter_xdp.o"), &prog]).ok();
    let btf_id = bpfpin(&["-j", "prog", "show", "pinned", &prog]).ok().json()["btf_id"].as_u64().expect("btf_id");
    let id = btf_id.to_string();
    let b = bpfpin(&["-j", "btf", "show", "id", &id]).ok().json();
    assert!(b.get("pids").is_none(), "{b}");
    let h = Holder::new(&[&format!("btf:{id}")]);
    let b = bpfpin(&["-j", "btf", "show", "id", &id]).ok().json();
    assert_eq!(b["pids"], json!([h.entry()]), "{b}");
    let t = bpfpin(&["btf", "show", "id", &id]).ok().stdout();
    assert_eq!(cell(&t, "PIDS"), format!("python3({})", h.pid()), "{t}");
}
