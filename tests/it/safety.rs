//! Issue 10's guarantees, tried as a hostile or clumsy user would: nothing
//! off bpffs is ever touched (symlinks, `..`, /proc/self/root, bind mounts),
//! the bpffs root is refused in any spelling, and a load is all or nothing
//! under SIGINT, SIGTERM, SIGKILL and concurrent loads into the same place.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crate::prog::{load, loadall, map_id, prog_id, prog_map_ids};
use crate::require_root;
use crate::util::*;

/// A directory with a canary file on an ordinary filesystem (/var/tmp is
/// on the root fs, not tmpfs-on-bpffs), removed on drop.
struct Canary {
    dir: PathBuf,
}

impl Canary {
    fn new() -> Canary {
        let dir = PathBuf::from("/var/tmp").join(unique("bpfpin_canary_"));
        fs::create_dir_all(dir.join("sub")).expect("mkdir canary");
        fs::create_dir_all(dir.join("target")).expect("mkdir canary");
        fs::write(dir.join("target/f"), b"keep").expect("write canary");
        fs::write(dir.join("sub/g"), b"keep").expect("write canary");
        Canary { dir }
    }
    fn intact(&self) {
        assert_eq!(fs::read(self.dir.join("target/f")).expect("canary target/f"), b"keep");
        assert_eq!(fs::read(self.dir.join("sub/g")).expect("canary sub/g"), b"keep");
    }
}

impl Drop for Canary {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn staging_left(dir: &Path) -> Vec<String> {
    let mut v = Vec::new();
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with("bpfpin_staging_") || n.starts_with("bpfpin_reuse_") || n.starts_with("bpfpin_old_") {
                v.push(n);
            }
        }
    }
    v
}

#[test]
fn symlinks_never_lead_off_bpffs() {
    require_root!();
    let d = BpffsDir::new();
    let c = Canary::new();
    fs::create_dir_all(d.path.join("s/target")).expect("mkdir");
    std::os::unix::fs::symlink(c.dir.join("sub"), d.path.join("s/lnk")).expect("symlink on bpffs");
    std::os::unix::fs::symlink(&c.dir, d.path.join("s/out")).expect("symlink on bpffs");
    // The issue's reproduction: `..` through a symlink that leaves bpffs.
    bpfpin(&["map", "rm", "-r", &d.join("s/lnk/../target")]).err("symlink");
    bpfpin(&["map", "rm", "-r", &d.join("s/out/target")]).err("symlink");
    bpfpin(&["prog", "rm", &d.join("s/out/target/f")]).err("symlink");
    // A trailing slash after a symlink, and the symlink itself.
    bpfpin(&["map", "rm", "-r", &format!("{}/", d.join("s/out"))]).err("symlink");
    bpfpin(&["map", "rm", "-r", &d.join("s/out")]).err("symlink");
    // Pin-creating verbs through the same symlinks.
    load(&object("two_progs.o"), &d.join("p"), &[]);
    bpfpin(&["prog", "pin", "pinned", &d.join("p"), &d.join("s/out/target/pinned")]).err("symlink");
    bpfpin(&["prog", "load", &object("two_progs.o"), &d.join("s/out/x")]).err("symlink");
    bpfpin(&["prog", "loadall", &object("two_progs.o"), &d.join("s/lnk")]).err("symlink");
    bpfpin(&["prog", "load", &object("two_progs.o"), &d.join("q"), "--pin-maps", &d.join("s/out")]).err("symlink");
    c.intact();
    assert!(!c.dir.join("target/pinned").exists() && !c.dir.join("x").exists());
    assert!(d.path.join("s/target").is_dir(), "the bpffs directory is untouched too");
    // Symlinks on bpffs that stay on bpffs are still not followed.
    std::os::unix::fs::symlink(d.path.join("s/target"), d.path.join("s/inside")).expect("symlink");
    bpfpin(&["map", "rm", "-r", &d.join("s/inside")]).err("symlink");
    assert!(d.path.join("s/target").is_dir());
}

#[test]
fn the_bpffs_root_is_refused_in_any_spelling() {
    require_root!();
    for spelling in ["/sys/fs/bpf", "/sys/fs/bpf/", "/sys/fs/bpf/.", "/sys/../sys/fs/bpf", "/proc/self/root/sys/fs/bpf"]
    {
        let r = bpfpin(&["map", "rm", "-r", spelling]);
        assert_eq!(r.code(), Some(1), "{spelling}: {}", r.stderr());
        let e = r.stderr();
        assert!(e.contains("bpffs root") || e.contains("symlink") || e.contains("entry"), "{spelling}: {e}");
    }
    assert!(Path::new("/sys/fs/bpf").is_dir());
}

/// Runs a shell script in a private mount namespace (mounts vanish with
/// it), with `$B` the bpfpin binary and `$T` a fresh directory.
fn in_mount_ns(script: &str) -> Run {
    let t = PathBuf::from("/var/tmp").join(unique("bpfpin_mnt_"));
    fs::create_dir_all(&t).expect("mkdir");
    let full = format!("set -u\nB={}\nT={}\n{script}", env!("CARGO_BIN_EXE_bpfpin"), t.display());
    let r = sh("unshare", &["-m", "--propagation", "private", "sh", "-c", &full]);
    let _ = fs::remove_dir_all(&t);
    r
}

#[test]
fn bind_mounts_and_private_bpffs_roots_are_never_emptied() {
    require_root!();
    let c = Canary::new();
    let script = format!(
        r#"
mkdir -p $T/bpf $T/alias
mount -t bpf bpf $T/bpf || exit 90
mkdir $T/bpf/dir $T/bpf/dir/mnt
$B map create $T/bpf/dir/m type array key 4 value 4 entries 1 name canary_m || exit 91
# A non-bpffs directory bind-mounted below a bpffs directory.
mount --bind {canary} $T/bpf/dir/mnt || exit 92
$B map rm -r $T/bpf/dir; echo "rm-dir-rc=$?"
$B map rm -r --whole-bpffs $T/bpf; echo "rm-root-mnt-rc=$?"
umount $T/bpf/dir/mnt
# The private bpffs root, directly and through a bind mount.
mount --bind $T/bpf $T/alias
$B map rm -r $T/bpf; echo "rm-root-rc=$?"
$B map rm -r $T/alias; echo "rm-alias-rc=$?"
test -e $T/bpf/dir/m && echo "PIN-KEPT"
$B map rm -r --whole-bpffs $T/alias; echo "whole-rc=$?"
test -e $T/bpf/dir || echo "ALL-GONE"
test -d $T/bpf && echo "ROOT-STAYS"
"#,
        canary = c.dir.display()
    );
    let r = in_mount_ns(&script);
    let (out, err) = (r.stdout(), r.stderr());
    assert!(out.contains("rm-dir-rc=1"), "{out}{err}");
    assert!(out.contains("rm-root-mnt-rc=1"), "{out}{err}");
    assert!(err.contains("another mount"), "{err}");
    assert!(out.contains("rm-root-rc=1") && out.contains("rm-alias-rc=1"), "{out}{err}");
    assert!(err.contains("bpffs root"), "{err}");
    assert!(out.contains("PIN-KEPT"), "{out}{err}");
    assert!(out.contains("whole-rc=0") && out.contains("ALL-GONE") && out.contains("ROOT-STAYS"), "{out}{err}");
    c.intact();
}

#[test]
fn odd_names_pin_list_and_remove() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("two_progs.o"), &d.join("p"), &[]);
    let pid = prog_id(&d.join("p"));
    for name in ["with space", "new\nline", "ünïcødé", "tab\there"] {
        let path = d.path.join(name);
        let p = path.to_str().expect("utf-8");
        bpfpin(&["prog", "pin", "id", &pid.to_string(), p]).ok();
        assert_eq!(prog_id(p), pid, "{name:?}");
        let ls = bpfpin(&["ls", &d.s()]).ok().stdout();
        if name.contains(char::is_control) {
            // Escaped: one line per entry, whatever the name holds.
            assert!(!ls.contains(name), "control characters printed raw: {ls:?}");
        }
        bpfpin(&["prog", "rm", p]).ok();
        assert!(!path.exists(), "{name:?}");
    }
    // A name bpffs refuses, said before the kernel does.
    bpfpin(&["prog", "pin", "id", &pid.to_string(), &d.join("a.b")]).err("dot");
}

#[test]
fn concurrent_loads_into_the_same_fresh_place_serialise() {
    require_root!();
    let d = BpffsDir::new();
    for round in 0..2 {
        let (p, m) = (d.join(&format!("p{round}")), d.join(&format!("m{round}")));
        let children: Vec<_> = (0..10)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_bpfpin"))
                    .args(["prog", "loadall", &object("two_progs.o"), &p, "--pin-maps", &m])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        let mut ok = 0;
        for c in children {
            let out = c.wait_with_output().expect("wait");
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            match out.status.code() {
                Some(0) => ok += 1,
                Some(1) => assert!(err.contains("already exists"), "a loser fails clearly: {err}"),
                other => panic!("exit {other:?}: {err}"),
            }
        }
        assert_eq!(ok, 1, "exactly one load wins");
        // The winner's pins are all there and belong together.
        let shared = map_id(&format!("{m}/shared_map"));
        for prog in ["first_prog", "second_prog"] {
            assert_eq!(prog_map_ids(&format!("{p}/{prog}")), [shared], "{prog}");
        }
        assert!(staging_left(&d.path).is_empty(), "{:?}", staging_left(&d.path));
    }
}

/// kill(2) through rustix (no procps needed on the test machine).
fn send_signal(pid: u32, sig: i32) {
    let pid = rustix::process::Pid::from_raw(pid as i32).expect("a child's pid is positive");
    let sig = rustix::process::Signal::from_named_raw(sig).expect("a named signal");
    let _ = rustix::process::kill_process(pid, sig);
}

/// Start a loadall and send `sig` after `delay`; returns its exit status.
fn load_and_signal(d: &BpffsDir, tag: &str, sig: i32, delay: Duration, extra: &[&str]) -> Option<i32> {
    let mut args = vec![
        "prog".to_string(),
        "loadall".into(),
        object("two_progs.o"),
        d.join(&format!("{tag}/p")),
        "--pin-maps".into(),
        d.join(&format!("{tag}/m")),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_bpfpin"))
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(delay);
    send_signal(child.id(), sig);
    let st = child.wait().expect("wait");
    st.code().or_else(|| {
        use std::os::unix::process::ExitStatusExt;
        st.signal().map(|s| 128 + s)
    })
}

/// All of it or none of it, once the next bpfpin command has swept.
fn all_or_nothing(d: &BpffsDir, tag: &str) -> bool {
    bpfpin(&["ls", &d.s()]).ok();
    let dir = d.path.join(tag);
    let have: Vec<bool> =
        ["p/first_prog", "p/second_prog", "m/shared_map"].iter().map(|p| dir.join(p).exists()).collect();
    assert!(have.iter().all(|h| *h) || have.iter().all(|h| !*h), "{tag}: half a load: {have:?}");
    if !have[0] {
        // Not even the directories the load would have made.
        assert!(!dir.exists(), "{tag}: an interrupted load left {:?}", d.snapshot());
    }
    assert!(staging_left(&d.path).is_empty(), "{tag}: staging left: {:?}", staging_left(&d.path));
    have[0]
}

#[test]
fn signals_and_kills_leave_the_old_state_or_the_new_one() {
    require_root!();
    let d = BpffsDir::new();
    let mut seen = std::collections::BTreeMap::new();
    for (i, ms) in [0u64, 5, 10, 15, 20, 25, 30, 40, 50, 70].iter().enumerate() {
        for (sig, want) in [(2, 130), (15, 143), (9, 137)] {
            let tag = format!("t{i}s{sig}");
            let code = load_and_signal(&d, &tag, sig, Duration::from_millis(*ms), &[]);
            let complete = all_or_nothing(&d, &tag);
            match code {
                Some(0) => assert!(complete, "{tag}: exit 0 but incomplete"),
                Some(c) if c == want => assert!(!complete || sig == 9, "{tag}: interrupted yet complete"),
                other => panic!("{tag}: exit {other:?}"),
            }
            *seen.entry((sig, complete)).or_insert(0) += 1;
        }
    }
    eprintln!("outcomes (signal, complete) -> count: {seen:?}");
}

#[test]
fn replace_maps_killed_keeps_the_old_maps_or_the_new_ones() {
    require_root!();
    let d = BpffsDir::new();
    for (i, ms) in [0u64, 10, 20, 30, 45, 60].iter().enumerate() {
        let tag = format!("r{i}");
        loadall(&object("two_progs.o"), &d.join(&format!("{tag}/old")), &["--pin-maps", &d.join(&format!("{tag}/m"))]);
        let old = map_id(&d.join(&format!("{tag}/m/shared_map")));
        let mut child = Command::new(env!("CARGO_BIN_EXE_bpfpin"))
            .args([
                "prog",
                "loadall",
                &object("two_progs.o"),
                &d.join(&format!("{tag}/p")),
                "--pin-maps",
                &d.join(&format!("{tag}/m")),
                "--replace-maps",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(*ms));
        let _ = child.kill();
        let _ = child.wait();
        bpfpin(&["ls", &d.s()]).ok();
        let now = map_id(&d.join(&format!("{tag}/m/shared_map")));
        let loaded = Path::new(&d.join(&format!("{tag}/p/first_prog"))).exists();
        if loaded {
            assert_ne!(now, old, "{tag}: new programs but the old map");
            assert_eq!(prog_map_ids(&d.join(&format!("{tag}/p/first_prog"))), [now]);
        } else {
            assert_eq!(now, old, "{tag}: the old map must be back in place");
        }
        assert!(staging_left(&d.path.join(&tag)).is_empty());
    }
}

#[test]
fn map_by_id_leaves_no_pin_at_the_root_even_when_killed() {
    require_root!();
    let d = BpffsDir::new();
    loadall(&object("two_progs.o"), &d.join("a"), &["--pin-maps", &d.join("m")]);
    let id = map_id(&d.join("m/shared_map"));
    let before = staging_left(Path::new("/sys/fs/bpf"));
    load(&object("two_progs.o"), &d.join("b"), &["--map", &format!("shared_map=id:{id}")]);
    assert_eq!(prog_map_ids(&d.join("b")), [id]);
    let by_id = format!("shared_map=id:{id}");
    for (i, ms) in [0u64, 5, 10, 20, 30, 45].iter().enumerate() {
        for sig in [2, 9] {
            let tag = format!("k{i}s{sig}");
            let mut child = Command::new(env!("CARGO_BIN_EXE_bpfpin"))
                .args(["prog", "load", &object("two_progs.o"), &d.join(&tag), "--map", &by_id])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn");
            std::thread::sleep(Duration::from_millis(*ms));
            send_signal(child.id(), sig);
            let _ = child.wait();
        }
    }
    bpfpin(&["ls", &d.s()]).ok();
    let after = staging_left(Path::new("/sys/fs/bpf"));
    assert!(after.iter().all(|n| before.contains(n)), "left at the root: {after:?}");
    assert!(staging_left(&d.path).is_empty());
}

#[test]
fn reloads_never_lose_counts_in_reused_global_data() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("globals.o"), &d.join("p"), &["--pin-maps", &d.join("m")]);
    let bss = map_id(&d.join("m/globals_bss"));
    let c = Canary::new();
    let pkt = c.dir.join("pkt");
    fs::write(&pkt, [0u8; 64]).expect("packet");
    // Run the program in the kernel, in a loop, while it is reloaded.
    // Long runs, so the kernel is counting during most of every reload.
    const REPEAT: u64 = 400_000;
    let stop = Arc::new(AtomicBool::new(false));
    let runs = Arc::new(AtomicU64::new(0));
    let runner = {
        let (stop, runs, p, pkt) = (stop.clone(), runs.clone(), d.join("p"), pkt.display().to_string());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                bpfpin(&["prog", "run", "pinned", &p, "data_in", &pkt, "repeat", &REPEAT.to_string()]).ok();
                runs.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    for i in 0..10 {
        let r = d.join(&format!("r{i}"));
        load(&object("globals.o"), &r, &["--pin-maps", &d.join("m")]);
        assert!(prog_map_ids(&r).contains(&bss), "reload {i} must use the reused .bss map");
    }
    stop.store(true, Ordering::SeqCst);
    runner.join().expect("runner");
    let total = runs.load(Ordering::SeqCst) * REPEAT;
    let v = bpftool(&["-j", "map", "dump", "pinned", &d.join("m/globals_bss")]).ok().json();
    let counter = v[0]["formatted"]["value"]["bss_counter"].as_u64().or_else(|| {
        let bytes: Vec<u8> = v[0]["value"]
            .as_array()?
            .iter()
            .filter_map(|b| u8::from_str_radix(b.as_str()?.trim_start_matches("0x"), 16).ok())
            .collect();
        Some(u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?))
    });
    assert_eq!(counter, Some(total), "every run counted, none lost to a reload: {v}");
}

#[test]
fn a_deep_rejection_names_the_verifiers_reason_not_enospc() {
    require_root!();
    let d = BpffsDir::new();
    // 840k processed instructions: at log level 1 the log is far over the
    // 16 MB aya grows to, which used to cost ten verifications and end in
    // "No space left on device". One small-log retry names the reason.
    let r = bpfpin(&["prog", "load", &object("slow_reject.o"), &d.join("p")]).err("invalid mem access 'scalar'");
    let e = r.stderr();
    let error_line = e.lines().find(|l| l.starts_with("Error: ")).unwrap_or("");
    assert!(error_line.contains("Permission denied"), "the kernel's errno, not ENOSPC: {error_line}");
    assert!(e.contains("processed "), "the verifier's statistics are shown: {e}");
    assert!(d.snapshot().is_empty(), "nothing pinned: {:?}", d.snapshot());
}

#[test]
fn a_pin_directly_below_the_bpffs_root() {
    require_root!();
    // The anchor of this pin is the mount root itself.
    let path = PathBuf::from("/sys/fs/bpf").join(unique("bpfpin_rootpin"));
    let _guard = PinGuard(path.clone());
    let p = path.to_str().expect("utf-8");
    bpfpin(&["map", "create", p, "type", "array", "key", "4", "value", "4", "entries", "1", "name", "rootpin"]).ok();
    assert!(map_id(p) > 0);
    bpfpin(&["map", "rm", p]).ok();
    assert!(!path.exists());
}
