//! `prog pin`, `map pin`, `prog rm`, `map rm` and `ls`: pins made and removed
//! are the ones bpftool sees, and nothing off bpffs or not asked for is touched.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::prog::{load, loadall, map_id, prog_id, tool_map, tool_prog};
use crate::require_root;
use crate::util::*;

/// A scratch directory on an ordinary filesystem, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let p = std::env::temp_dir().join(unique("bpfpin_rm_"));
        fs::create_dir(&p).expect("mkdir temp");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn pin_by_id_then_bpftool_sees_it() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("two_progs.o"), &d.join("orig"), &["--pin-maps", &d.join("maps")]);
    let pid = prog_id(&d.join("orig"));
    let mid = map_id(&d.join("maps/shared_map"));

    let r = bpfpin(&["-j", "prog", "pin", "id", &pid.to_string(), &d.join("again")]).ok();
    assert_eq!(r.json(), Value::Null, "bpftool prints null for pin in JSON mode");
    assert_eq!(prog_id(&d.join("again")), pid);
    assert_eq!(tool_prog(&d.join("again"))["name"], "first_prog");
    // Missing directories are created.
    bpfpin(&["map", "pin", "id", &mid.to_string(), &d.join("a/b/shared")]).ok();
    assert_eq!(map_id(&d.join("a/b/shared")), mid);
    assert_eq!(tool_map(&d.join("a/b/shared"))["name"], "shared_map");
    // Other selector forms.
    bpfpin(&["prog", "pin", "pinned", &d.join("orig"), &d.join("bypin")]).ok();
    assert_eq!(prog_id(&d.join("bypin")), pid);
    bpfpin(&["map", "pin", &d.join("maps/shared_map"), &d.join("mapbypath")]).ok();
    assert_eq!(map_id(&d.join("mapbypath")), mid);

    // An existing path, a path off bpffs, an unknown id: nothing changes.
    let before = d.snapshot();
    bpfpin(&["prog", "pin", "id", &pid.to_string(), &d.join("again")]).err("already exists");
    bpfpin(&["map", "pin", "id", &mid.to_string(), &d.join("again")]).err("already exists");
    bpfpin(&["prog", "pin", "id", "99999999", &d.join("nope")]).err("no program has id 99999999");
    bpfpin(&["map", "pin", "id", "99999999", &d.join("x/y/nope")]).err("no map has id 99999999");
    // A prog pin is not a map.
    bpfpin(&["map", "pin", "pinned", &d.join("orig"), &d.join("wrong")]).err("is a pinned program, not a map");
    assert_eq!(d.snapshot(), before);
    let t = TempDir::new();
    let off = t.0.join("p").display().to_string();
    bpfpin(&["prog", "pin", "id", &pid.to_string(), &off]).err("not on a BPF filesystem");
    assert!(!Path::new(&off).exists());
}

#[test]
fn rm_removes_only_what_is_asked() {
    require_root!();
    let d = BpffsDir::new();
    loadall(&object("two_progs.o"), &d.join("progs"), &["--pin-maps", &d.join("maps")]);
    load(&object("btf_maps.o"), &d.join("single"), &[]);
    let first = d.join("progs/first_prog");
    let second = d.join("progs/second_prog");
    let map = d.join("maps/shared_map");
    let pid = prog_id(&first);

    // Refusals first: each leaves everything in place.
    let before = d.snapshot();
    bpfpin(&["prog", "rm", &map]).err("is a pinned map, not a program");
    bpfpin(&["map", "rm", &first]).err("is a pinned program, not a map");
    bpfpin(&["prog", "rm", &d.join("progs")]).err("-r");
    bpfpin(&["map", "rm", &d.join("maps")]).err("is a directory");
    bpfpin(&["prog", "rm", &d.join("missing")]).err("does not exist");
    // One bad path among good ones removes none of them.
    bpfpin(&["prog", "rm", &first, &map]).err("not a program");
    assert_eq!(d.snapshot(), before);

    // A regular file off bpffs is never removed.
    let t = TempDir::new();
    let file = t.0.join("precious");
    fs::write(&file, b"keep me").expect("write");
    let f = file.display().to_string();
    bpfpin(&["prog", "rm", &f]).err("not on a BPF filesystem");
    bpfpin(&["map", "rm", "-r", &t.0.display().to_string()]).err("not on a BPF filesystem");
    assert_eq!(fs::read(&file).expect("still there"), b"keep me");

    // The real thing: unpin a program; its other pins keep it alive.
    bpfpin(&["prog", "pin", "id", &pid.to_string(), &d.join("extra")]).ok();
    let r = bpfpin(&["-j", "prog", "rm", &first]).ok();
    assert_eq!(r.json(), Value::Null);
    assert!(!Path::new(&first).exists());
    assert!(bpftool(&["prog", "show", "pinned", &first]).out.status.code() != Some(0));
    assert_eq!(prog_id(&d.join("extra")), pid);
    bpfpin(&["map", "rm", &map]).ok();
    assert!(!Path::new(&map).exists());
    // Several paths at once.
    bpfpin(&["prog", "rm", &second, &d.join("extra")]).ok();
    assert!(!Path::new(&second).exists() && !Path::new(&d.join("extra")).exists());
    // -r takes a whole directory, and only it.
    bpfpin(&["prog", "rm", "-r", &d.join("progs")]).ok();
    bpfpin(&["map", "rm", "-r", &d.join("maps")]).ok();
    assert_eq!(d.snapshot(), [d.join("single")]);
    assert_eq!(tool_prog(&d.join("single"))["name"], "btf_maps_prog");
    // The bpffs root itself is refused.
    bpfpin(&["prog", "rm", "-r", "/sys/fs/bpf"]).err("bpffs root");
}

#[test]
fn ls_shows_kinds_and_ids_like_bpftool() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("two_progs.o"), &d.join("prog"), &["--pin-maps", &d.join("maps")]);
    let v = bpfpin(&["-j", "ls", &d.s()]).ok().json();
    let rows = v.as_array().unwrap_or_else(|| panic!("ls -j is a list: {v}"));
    let row = |p: &str| -> Value {
        rows.iter().find(|r| r["path"] == p).cloned().unwrap_or_else(|| panic!("{p} missing from {v}"))
    };
    assert_eq!(rows.len(), 3, "{v}");
    assert_eq!(row(&d.join("maps"))["kind"], "dir");
    let p = row(&d.join("prog"));
    assert_eq!(p["kind"], "prog");
    assert_eq!(p["id"].as_u64(), Some(prog_id(&d.join("prog"))));
    assert_eq!(p["name"], "first_prog");
    assert_eq!(p["type"], "xdp");
    let m = row(&d.join("maps/shared_map"));
    assert_eq!(m["kind"], "map");
    assert_eq!(m["id"].as_u64(), Some(map_id(&d.join("maps/shared_map"))));
    assert_eq!(m["type"], "hash");

    let plain = bpfpin(&["ls", &d.s()]).ok().stdout();
    for needle in [d.join("prog"), d.join("maps/shared_map"), "first_prog".into(), "shared_map".into()] {
        assert!(plain.contains(&needle), "{needle} missing:\n{plain}");
    }
    // An empty directory lists nothing, a pin is not a directory, /tmp is not bpffs.
    let e = BpffsDir::new();
    assert_eq!(bpfpin(&["-j", "ls", &e.s()]).ok().json(), serde_json::json!([]));
    bpfpin(&["ls", &d.join("prog")]).err("not a directory");
    bpfpin(&["ls", "/tmp"]).err("not on a BPF filesystem");
}

#[test]
fn ls_of_the_root_reports_unreadable_entries() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("two_progs.o"), &d.join("prog"), &[]);
    // The whole of bpffs, with other tests adding and removing pins meanwhile.
    let v = bpfpin(&["-j", "ls"]).ok().json();
    let rows = v.as_array().unwrap_or_else(|| panic!("{v}"));
    assert!(rows.iter().any(|r| r["path"] == d.join("prog").as_str() && r["kind"] == "prog"), "{v}");
    // The kernel's preload iterators are files that are no pins.
    for f in ["/sys/fs/bpf/maps.debug", "/sys/fs/bpf/progs.debug"] {
        if Path::new(f).exists() {
            let r = rows.iter().find(|r| r["path"] == f).unwrap_or_else(|| panic!("{f} missing"));
            assert_eq!(r["kind"], "unreadable", "{r}");
        }
    }
    bpfpin(&["ls", "/sys/fs/bpf"]).ok();
}

#[test]
fn bpffs_flag_lists_every_pin_like_bpftool() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("two_progs.o"), &d.join("p"), &["--pin-maps", &d.join("maps")]);
    bpfpin(&["prog", "pin", "pinned", &d.join("p"), &d.join("sub/p2")]).ok();
    bpfpin(&["map", "pin", "pinned", &d.join("maps/shared_map"), &d.join("m2")]).ok();
    let sorted = |v: &Value| -> Vec<String> {
        let mut p: Vec<String> = v["pinned"]
            .as_array()
            .unwrap_or_else(|| panic!("no `pinned` list: {v}"))
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect();
        p.sort();
        p
    };
    for (what, path, want) in [
        ("prog", d.join("p"), vec![d.join("p"), d.join("sub/p2")]),
        ("map", d.join("m2"), vec![d.join("m2"), d.join("maps/shared_map")]),
    ] {
        let ours = bpfpin(&["-j", "-f", what, "show", "pinned", &path]).ok().json();
        let theirs = bpftool(&["-j", "-f", what, "show", "pinned", &path]).ok().json();
        // bpftool lists pins in directory-walk order: compare as sets.
        assert_eq!(sorted(&ours), want, "{ours}");
        assert_eq!(sorted(&ours), sorted(&theirs), "bpfpin {ours}\nbpftool {theirs}");
    }
    // Without -f there is no `pinned` key, as in bpftool.
    let plain = bpfpin(&["-j", "prog", "show", "pinned", &d.join("p")]).ok().json();
    assert!(plain.get("pinned").is_none(), "{plain}");
}

/// With bpffs missing (in a private mount namespace, so the host keeps its
/// own), bpfpin mounts it at /sys/fs/bpf and says so; with -n it refuses with
/// the fix instead.
#[test]
fn bpffs_is_mounted_when_missing_unless_nomount() {
    require_root!();
    let bin = env!("CARGO_BIN_EXE_bpfpin");
    let script = format!(
        "umount /sys/fs/bpf 2>/dev/null; umount /sys/fs/bpf 2>/dev/null; \
         if mountpoint -q /sys/fs/bpf; then echo STILL_MOUNTED; exit 3; fi; \
         {bin} -n ls; echo \"nomount-rc=$?\"; \
         {bin} ls; echo \"mount-rc=$?\"; \
         awk '$3==\"bpf\"{{print \"bpf-at \" $2}}' /proc/self/mounts"
    );
    let r = sh("unshare", &["-m", "--propagation", "private", "sh", "-c", &script]);
    let (out, err) = (r.stdout(), r.stderr());
    assert!(!out.contains("STILL_MOUNTED"), "could not unmount bpffs in a private namespace: {out}{err}");
    assert!(out.contains("nomount-rc=1"), "-n must refuse: {out}{err}");
    assert!(err.contains("bpffs is not mounted at /sys/fs/bpf") && err.contains("fix: mount it"), "{err}");
    assert!(out.contains("mount-rc=0"), "without -n it must mount and list: {out}{err}");
    assert!(err.contains("bpfpin: mounted bpffs at /sys/fs/bpf"), "it must say it mounted: {err}");
    assert!(out.contains("bpf-at /sys/fs/bpf"), "mounted where? {out}");
    assert_eq!(out.matches("bpf-at ").count(), 1, "bpffs mounted elsewhere too: {out}");
    // The host's own mount was never touched.
    assert!(sh("mountpoint", &["-q", "/sys/fs/bpf"]).out.status.success());
}
