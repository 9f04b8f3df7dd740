//! Bad input of every kind: exit 1, `Error:` and `fix:` on stderr, the same
//! as a JSON object on stdout with -j, no panic, and bpffs left as it was.
//! Also: `-p` is valid JSON, usage errors exit 2, a closed pipe is no error.

use std::fs;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::prog::{load, tool_prog};
use crate::require_root;
use crate::util::*;

/// Run `args` plain and with -j: both fail as DESIGN.md says, the message
/// contains `needle`, the fix is a real one, and `d` is unchanged.
#[track_caller]
fn refused(d: &BpffsDir, args: &[&str], needle: &str) {
    let before = d.snapshot();
    let plain = bpfpin(args).err(needle);
    let e = plain.stderr();
    let fix = e.lines().find_map(|l| l.strip_prefix("  fix: ")).unwrap_or("");
    assert!(!fix.trim().is_empty() && !fix.contains("run with -d"), "no real fix for {args:?}:\n{e}");
    assert!(plain.stdout().is_empty(), "plain mode prints nothing on stdout for {args:?}: {}", plain.stdout());
    assert_eq!(d.snapshot(), before, "{args:?} changed {}", d.s());

    let mut j = vec!["-j"];
    j.extend_from_slice(args);
    let json = bpfpin(&j).err(needle);
    let v = json.json();
    let error = v["error"].as_str().unwrap_or_else(|| panic!("no `error` string for {j:?}: {v}"));
    let jfix = v["fix"].as_str().unwrap_or_else(|| panic!("no `fix` string for {j:?}: {v}"));
    assert!(error.contains(needle) || json.stderr().contains(needle), "{j:?}: {v}");
    assert!(!jfix.is_empty(), "{j:?}: {v}");
    assert_eq!(v.as_object().map(|o| o.len()), Some(2), "only error and fix: {v}");
    assert_eq!(d.snapshot(), before, "{j:?} changed {}", d.s());
}

#[test]
fn bad_objects() {
    require_root!();
    let d = BpffsDir::new();
    let t = TempDir::new();
    let real = fs::read(object("btf_maps.o")).expect("fixture");
    fs::write(t.join("empty.o"), b"").expect("write");
    // Bytes that are no ELF, fixed so a failure reproduces.
    let noise: Vec<u8> = (0u32..4096).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    fs::write(t.join("random.o"), &noise).expect("write");
    fs::write(t.join("trunc.o"), &real[..100]).expect("write");
    let target = d.join("p");
    let maps = d.join("maps");
    for (obj, needle) in [
        (t.join("empty.o"), "empty"),
        (t.join("random.o"), "not an ELF file"),
        (t.join("trunc.o"), "truncated"),
        (t.0.display().to_string(), "is a directory"),
        (t.join("missing.o"), "does not exist"),
    ] {
        refused(&d, &["prog", "load", &obj, &target, "--pin-maps", &maps], needle);
        refused(&d, &["prog", "loadall", &obj, &target], needle);
    }
    refused(&d, &["prog", "load", &object("btf_maps.o"), &target, "--type", "bogus"], "unknown --type `bogus`");
    refused(&d, &["prog", "load", &object("btf_maps.o"), &target, "--map", "nonsense"], "has no `=`");
    refused(&d, &["prog", "load", &object("btf_maps.o"), &target, "frobnicate"], "`frobnicate`");
}

#[test]
fn bad_load_targets() {
    require_root!();
    let d = BpffsDir::new();
    let maps = d.join("maps");
    // The verifier's refusal, with its reason.
    refused(&d, &["prog", "loadall", &object("verifier_reject.o"), &d.join("all"), "--pin-maps", &maps], "bad_prog");
    // Paths off bpffs, for the program and for its maps.
    let t = TempDir::new();
    refused(&d, &["prog", "load", &object("btf_maps.o"), &t.join("p"), "--pin-maps", &maps], "not on a BPF filesystem");
    refused(
        &d,
        &["prog", "load", &object("btf_maps.o"), &d.join("p"), "--pin-maps", &t.join("m")],
        "not on a BPF filesystem",
    );
    assert!(fs::read_dir(&t.0).expect("temp").next().is_none(), "nothing was made in {}", t.0.display());
    // A pin already at PATH.
    load(&object("two_progs.o"), &d.join("taken"), &[]);
    refused(&d, &["prog", "load", &object("btf_maps.o"), &d.join("taken"), "--pin-maps", &maps], "already exists");
    // Below a pin, or maps into a pin: refused before anything is made.
    let taken = d.join("taken");
    for args in [
        vec!["prog", "load", &object("btf_maps.o"), &format!("{taken}/p"), "--pin-maps", &maps],
        vec!["prog", "loadall", &object("btf_maps.o"), &format!("{taken}/all")],
        vec!["prog", "load", &object("btf_maps.o"), &d.join("p"), "--pin-maps", &format!("{taken}/m")],
        vec!["prog", "pin", "pinned", &taken, &format!("{taken}/x/y")],
    ] {
        refused(&d, &args, "is a pin, not a directory");
    }
    refused(
        &d,
        &["prog", "load", &object("btf_maps.o"), &d.join("p"), "--pin-maps", &taken],
        "exists and is not a directory",
    );
    refused(&d, &["prog", "loadall", &object("btf_maps.o"), &taken], "exists and is not a directory");
    // An incompatible pinned map, reused by default.
    fs::create_dir(&maps).expect("mkdir");
    bpftool_map(&d, "maps/hash_u32_u64", "hash", 4, 4, 8, "hash_u32_u64");
    refused(&d, &["prog", "load", &object("btf_maps.o"), &d.join("p"), "--pin-maps", &maps], "value 4B vs 8B");
    refused(
        &d,
        &["prog", "load", &object("btf_maps.o"), &d.join("p"), "--pin-maps", &maps, "--reuse-maps"],
        "--replace-maps",
    );
    // --replace-maps replaces maps only: a program pin or a directory where
    // a map goes stays, and the load is refused.
    let odd = d.join("odd");
    fs::create_dir_all(d.join("odd/stats")).expect("mkdir");
    bpfpin(&["prog", "pin", "pinned", &taken, &d.join("odd/hash_u32_u64")]).ok();
    let (obj, p) = (object("btf_maps.o"), d.join("p"));
    for extra in [&[][..], &["--replace-maps"][..]] {
        let mut args = vec!["prog", "load", &obj, &p, "--pin-maps", &odd];
        args.extend_from_slice(extra);
        refused(&d, &args, "it is a pinned program, not a map");
    }
    fs::remove_file(d.join("odd/hash_u32_u64")).expect("unpin");
    refused(
        &d,
        &["prog", "load", &object("btf_maps.o"), &d.join("p"), "--pin-maps", &odd, "--replace-maps"],
        "it is a directory, not a map",
    );
    // --map pointing at nothing, and at a program.
    refused(
        &d,
        &["prog", "load", &object("two_progs.o"), &d.join("p"), "--map", &format!("shared_map={}", d.join("nothing"))],
        "does not exist",
    );
    refused(
        &d,
        &["prog", "load", &object("two_progs.o"), &d.join("p"), "--map", &format!("shared_map={}", d.join("taken"))],
        "is a pinned program, not a map",
    );
}

#[test]
fn selectors_that_match_nothing_or_the_wrong_kind() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("ringbuf.o"), &d.join("prog"), &["--pin-maps", &d.join("maps")]);
    let prog = d.join("prog");
    let ring = d.join("maps/events");
    for (args, needle) in [
        (vec!["prog", "show", "id", "99999999"], "no program has id 99999999"),
        (vec!["prog", "show", "name", "no_such_prog_xyz"], "no program is named `no_such_prog_xyz`"),
        (vec!["prog", "show", "tag", "0000000000000000"], "no program has tag"),
        (vec!["prog", "show", "pinned", &d.join("nothing")], "does not exist"),
        (vec!["map", "show", "id", "99999999"], "no map has id 99999999"),
        (vec!["map", "show", "name", "no_such_map_xyz"], "no map is named `no_such_map_xyz`"),
        (vec!["map", "show", "pinned", &prog], "is a pinned program, not a map"),
        (vec!["map", "dump", &prog], "is a pinned program, not a map"),
        (vec!["prog", "show", &ring], "is a pinned map, not a program"),
        (vec!["prog", "show", &d.join("maps")], "is a directory"),
        (vec!["map", "dump", "pinned", &ring], "ringbuf"),
        (vec!["prog", "pin", "id", "99999999", &d.join("x")], "no program has id"),
    ] {
        refused(&d, &args, needle);
    }
}

#[test]
fn bad_selector_words() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("btf_maps.o"), &d.join("prog"), &["--pin-maps", &d.join("maps")]);
    let hash = d.join("maps/hash_u32_u64");
    for (args, needle) in [
        (vec!["prog", "show", "bogus"], "`bogus`"),
        (vec!["prog", "show", "id", "abc"], "`abc`"),
        (vec!["prog", "show", "tag", "zz"], "`zz`"),
        (vec!["prog", "show", "id"], "ends"),
        (vec!["prog", "show", "id", "1", "extra"], "`extra`"),
        (vec!["map", "show", "name"], "ends"),
        (vec!["map", "show", "pinned", &hash, "extra"], "`extra`"),
        (vec!["prog", "pin", "id", "x", &d.join("x")], "`x`"),
    ] {
        refused(&d, &args, needle);
    }
}

#[test]
fn bad_data_words() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("btf_maps.o"), &d.join("prog"), &["--pin-maps", &d.join("maps")]);
    let hash = d.join("maps/hash_u32_u64");
    for (args, needle) in [
        (vec!["map", "lookup", &hash, "key", "zz", "0", "0", "0"], "`zz`"),
        (vec!["map", "lookup", &hash, "key", "256", "0", "0", "0"], "`256`"),
        (vec!["map", "lookup", &hash, "key", "hex", "0g", "00", "00", "00"], "`0g`"),
        (vec!["map", "lookup", &hash, "key", "hex", "abc"], "odd number of hex digits"),
        (vec!["map", "lookup", &hash, "key"], "no bytes"),
    ] {
        refused(&d, &args, needle);
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in
        [vec!["prog", "frobnicate"], vec!["nosuchobject"], vec!["prog", "load"], vec!["--no-such-flag", "prog", "show"]]
    {
        let r = bpfpin(&args);
        assert_eq!(r.code(), Some(2), "{args:?}: {}", r.stderr());
        assert!(!r.stderr().contains("panicked"), "{}", r.stderr());
    }
}

#[test]
fn pretty_output_is_valid_json() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("two_progs.o"), &d.join("p"), &["--pin-maps", &d.join("maps")]);
    for args in [
        vec!["-p", "prog", "show", "pinned", &d.join("p")],
        vec!["-p", "prog", "show"],
        vec!["-p", "map", "show", "pinned", &d.join("maps/shared_map")],
        vec!["-p", "map", "show"],
        vec!["-p", "ls", &d.s()],
    ] {
        let r = bpfpin(&args).ok();
        let v = r.json();
        assert!(v.is_object() || v.is_array(), "{args:?}: {v}");
        let out = r.stdout();
        assert!(out.contains("\n  "), "-p indents: {out}");
        assert_eq!(v, serde_json::from_str::<Value>(&out).expect("same document"));
    }
    let one = bpfpin(&["-p", "prog", "show", "pinned", &d.join("p")]).ok().json();
    assert_eq!(one["id"], tool_prog(&d.join("p"))["id"]);
    // -p implies -j: errors are JSON too.
    let r = bpfpin(&["-p", "prog", "show", "id", "99999999"]);
    assert_eq!(r.code(), Some(1));
    let v = r.json();
    assert!(v["error"].is_string() && v["fix"].is_string(), "{v}");
}

#[test]
fn closed_pipe_is_not_an_error() {
    require_root!();
    let d = BpffsDir::new();
    load(&object("two_progs.o"), &d.join("p"), &["--pin-maps", &d.join("maps")]);
    let bin = env!("CARGO_BIN_EXE_bpfpin");
    let dir = d.s();
    for cmd in ["prog show", "-j prog show", "map show", "-p map show", &format!("ls {dir}"), &format!("-j ls {dir}")] {
        // The reader may go away before or after bpfpin writes; either way
        // bpfpin exits 0 (pipefail reports its status) and says nothing.
        let script = format!("set -o pipefail; {bin} {cmd} | head -c 1 >/dev/null");
        let r = sh("bash", &["-c", &script]);
        assert_eq!(r.code(), Some(0), "{script}: {}", r.stderr());
        assert!(r.stderr().is_empty(), "{script}: {}", r.stderr());

        // Deterministic: the read end is closed before bpfpin starts, so its
        // first write fails with EPIPE.
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = Command::new(bin)
            .args(cmd.split_whitespace())
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .output()
            .expect("run bpfpin");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{cmd} into a closed pipe: {stderr}");
        assert!(stderr.is_empty(), "{cmd}: {stderr}");
    }
}

// ---- issue 10: safe by construction ----

/// `bash -c SCRIPT`, for redirections the harness cannot express.
fn shell(script: &str) -> Run {
    sh("bash", &["-c", script])
}

#[test]
fn unwritable_stderr_is_no_panic() {
    let bin = env!("CARGO_BIN_EXE_bpfpin");
    let nope = format!("/sys/fs/bpf/{}", unique("bpfpin_nope"));
    let r = shell(&format!("{bin} map dump pinned {nope} 2>/dev/full"));
    assert_eq!(r.code(), Some(1), "an error with stderr on /dev/full: {}", r.stderr());
    // Usage errors too, and with -j the JSON document still reaches stdout.
    let r = shell(&format!("{bin} -j prog frobnicate 2>/dev/full"));
    assert_eq!(r.code(), Some(2), "{}", r.stdout());
    assert!(r.json()["error"].as_str().is_some_and(|e| e.contains("frobnicate")), "{}", r.stdout());
}

#[test]
fn usage_errors_are_json_with_j() {
    for (args, needle) in [
        (vec!["-j", "prog", "frobnicate"], "frobnicate"),
        (vec!["prog", "show", "--pretty", "--no-such-flag"], "--no-such-flag"),
        (vec!["-jf", "map", "create"], ""),
        (vec!["-j", "prog"], "`bpfpin prog` is incomplete"),
    ] {
        let r = bpfpin(&args);
        assert_eq!(r.code(), Some(2), "{args:?}: {}", r.stderr());
        let v = r.json();
        let error = v["error"].as_str().unwrap_or_else(|| panic!("{args:?}: {v}"));
        assert!(error.contains(needle) && !error.starts_with("error:"), "{args:?}: {v}");
        assert!(v["fix"].as_str().is_some_and(|f| !f.is_empty()), "{args:?}: {v}");
        assert!(r.stderr().contains("Usage"), "clap's text stays on stderr: {}", r.stderr());
    }
    let plain = bpfpin(&["prog", "frobnicate"]);
    assert_eq!(plain.code(), Some(2));
    assert!(plain.stdout().is_empty(), "no JSON without -j: {}", plain.stdout());
}

#[test]
fn closed_or_full_stdout_is_an_error() {
    require_root!();
    let d = BpffsDir::new();
    let map = bpftool_map(&d, "m", "array", 4, 8, 4, "t_stdout");
    let bin = env!("CARGO_BIN_EXE_bpfpin");
    for cmd in [format!("map dump pinned {map}"), format!("-j map dump pinned {map}"), format!("ls {}", d.s())] {
        let r = shell(&format!("{bin} {cmd} >&-"));
        assert_eq!(r.code(), Some(1), "{cmd} with stdout closed: {}", r.stderr());
        assert!(r.stderr().contains("stdout is closed") && r.stderr().contains("  fix: "), "{cmd}: {}", r.stderr());
        let r = shell(&format!("{bin} {cmd} >/dev/full"));
        assert_eq!(r.code(), Some(1), "{cmd} into /dev/full: {}", r.stderr());
        assert!(r.stderr().contains("cannot write the output to stdout: No space left"), "{cmd}: {}", r.stderr());
        // Discarding the output on purpose is fine.
        shell(&format!("{bin} {cmd} >/dev/null")).ok();
        shell(&format!("{bin} {cmd} 2>/dev/null >/dev/null")).ok();
        // /dev/null opened read-write (Python's subprocess.DEVNULL does) is
        // a chosen destination too, not the placeholder of a closed stdout.
        shell(&format!("{bin} {cmd} 1<>/dev/null")).ok();
        shell(&format!("{bin} {cmd} 1<>/dev/null 2<>/dev/null")).ok();
    }
}

#[test]
fn objects_must_be_bounded_regular_files() {
    require_root!();
    let d = BpffsDir::new();
    let t = TempDir::new();
    let big = t.join("big.o");
    // Sparse: 200 MiB of size, no disk space.
    fs::File::create(&big).and_then(|f| f.set_len(200 << 20)).expect("sparse file");
    let target = d.join("p");
    let start = std::time::Instant::now();
    refused(&d, &["prog", "load", "/dev/zero", &target], "/dev/zero is not a regular file");
    assert!(start.elapsed() < std::time::Duration::from_secs(10), "refused at once, not after reading");
    refused(&d, &["prog", "loadall", "/dev/null", &target], "not a regular file");
    // A FIFO nobody writes to: refused at once, not waited on.
    let fifo = t.join("fifo.o");
    sh("mkfifo", &[&fifo]).ok();
    refused(&d, &["prog", "load", &fifo, &target], "not a regular file");
    refused(&d, &["prog", "load", &big, &target], "is 200 MiB");
}

/// (header offset, data offset, data size) of the section called `name`.
fn section(data: &[u8], name: &str) -> (usize, usize, usize) {
    let u = |off: usize, len: usize| data[off..off + len].iter().rev().fold(0usize, |v, b| (v << 8) | *b as usize);
    let (shoff, shnum, shstrndx) = (u(0x28, 8), u(0x3c, 2), u(0x3e, 2));
    let strtab = u(shoff + shstrndx * 64 + 0x18, 8);
    (0..shnum)
        .map(|i| shoff + i * 64)
        .find(|&h| {
            let at = strtab + u(h, 4);
            data[at..].split(|b| *b == 0).next() == Some(name.as_bytes())
        })
        .map(|h| (h, u(h + 0x18, 8), u(h + 0x20, 8)))
        .unwrap_or_else(|| panic!("no section {name}"))
}

/// The malformations aya-obj 0.3 panicked on (found by tests/fuzz.rs), each
/// now refused with a sentence naming what is wrong, and nothing left behind.
#[test]
fn malformed_objects_are_refused_not_panicked_on() {
    require_root!();
    let d = BpffsDir::new();
    let t = TempDir::new();
    let orig = fs::read(object("btf_maps.o")).expect("fixture");
    type Mutation = Box<dyn Fn(&mut Vec<u8>)>;
    let mutants: Vec<(&str, Mutation, &str)> = vec![
        (
            "func",
            Box::new(|m| {
                // The program's symbol: value 0 in `xdp`, so grow its size past the section.
                let size = section(m, "xdp").2 as u64;
                let (_, symoff, symsize) = section(m, ".symtab");
                let sym = (symoff..symoff + symsize).step_by(24).find(|&s| m[s + 4] & 0xf == 2).expect("a function");
                m[sym + 16..sym + 24].copy_from_slice(&(size + 8).to_le_bytes());
            }),
            "does not fit whole instructions inside section `xdp`",
        ),
        (
            "reloc",
            Box::new(|m| {
                let (_, off, _) = section(m, ".relxdp");
                m[off + 8] = 99;
            }),
            "has type 99, which is no BPF relocation",
        ),
    ];
    for (tag, mutate, needle) in mutants {
        let mut m = orig.clone();
        mutate(&mut m);
        let file = t.join(&format!("{tag}.o"));
        fs::write(&file, &m).expect("write");
        refused(&d, &["prog", "loadall", &file, &d.join("p"), "--pin-maps", &d.join("maps")], needle);
    }
    // Two that aya-obj panicked on are no fault for libbpf or the kernel:
    // a section address (relocatable objects' sh_addr is ignored) and a
    // type name that is not UTF-8 (the kernel checks BTF names itself).
    let harmless: Vec<(&str, Mutation)> = vec![
        (
            "addr",
            Box::new(|m| {
                let h = section(m, "xdp").0;
                m[h + 0x10 + 4] = 0xff;
            }),
        ),
        (
            "btfname",
            Box::new(|m| {
                let (_, off, _) = section(m, ".BTF");
                let u = |o: usize| u32::from_le_bytes(m[o..o + 4].try_into().expect("4 bytes")) as usize;
                let strings = off + u(off + 4) + u(off + 16);
                m[strings + 1] = 0xff;
            }),
        ),
    ];
    for (tag, mutate) in harmless {
        let mut m = orig.clone();
        mutate(&mut m);
        let file = t.join(&format!("{tag}.o"));
        fs::write(&file, &m).expect("write");
        bpfpin(&["prog", "loadall", &file, &d.join(tag)]).ok();
        assert!(d.path.join(format!("{tag}/btf_maps_prog")).exists(), "{tag}");
    }
}

/// A JSON-lines dump of `n` entries for a map with 4-byte keys and 8-byte values.
fn dump_lines(n: u32, bad: Option<u32>) -> String {
    (0..n)
        .map(|i| {
            let k = i.to_le_bytes();
            let key = if Some(i) == bad { &k[..3] } else { &k[..] };
            format!("{{\"key\":{key:?},\"value\":[{},0,0,0,0,0,0,0]}}\n", i % 256)
        })
        .collect()
}

fn entries(map: &str) -> usize {
    bpfpin(&["-j", "map", "dump", "pinned", map]).ok().json().as_array().map_or(0, Vec::len)
}

#[test]
fn bulk_restore_checks_the_whole_input_first() {
    require_root!();
    let d = BpffsDir::new();
    let t = TempDir::new();
    let map = bpftool_map(&d, "big", "hash", 4, 8, 10_000, "t_bulk");
    // A bad key at entry 5000, after more than one batch (4096) of good ones.
    let file = t.join("bad.jsonl");
    fs::write(&file, dump_lines(6000, Some(5000))).expect("write");
    let r =
        bpfpin(&["map", "update", "pinned", &map, "--from", &file]).err("entry 5000 (counting from 0): key is 3 bytes");
    assert!(r.stderr().contains("nothing was written"), "{}", r.stderr());
    assert_eq!(entries(&map), 0, "the map is untouched");
    // The same from stdin.
    let script = format!("{} map update pinned {map} --from - < {file}", env!("CARGO_BIN_EXE_bpfpin"));
    let r = shell(&script);
    assert_eq!(r.code(), Some(1), "{}", r.stderr());
    assert!(r.stderr().contains("nothing was written") && r.stderr().contains("entry 5000"), "{}", r.stderr());
    assert_eq!(entries(&map), 0, "the map is untouched");

    // The kernel refusing half-way: the error says how many went in and where it stopped.
    let small = bpftool_map(&d, "small", "hash", 4, 8, 100, "t_bulk_small");
    let file = t.join("many.jsonl");
    fs::write(&file, dump_lines(150, None)).expect("write");
    let r = bpfpin(&["map", "update", "pinned", &small, "--from", &file]).err("the map is full");
    let e = r.stderr();
    assert!(e.contains("failed after 100 of 150 entries were written"), "{e}");
    assert!(e.contains("writing entry 100 (counting from 0, key 64 00 00 00)"), "{e}");
    assert_eq!(entries(&small), 100);
}

#[test]
fn control_characters_in_names_are_escaped() {
    require_root!();
    let d = BpffsDir::new();
    bpftool_map(&d, "a\nb\x1b[31m", "array", 4, 4, 1, "t_ctl");
    let r = bpfpin(&["ls", &d.s()]).ok();
    let out = r.stdout();
    assert!(out.contains("a\\nb\\x1b[31m"), "escaped: {out}");
    assert!(!out.contains('\x1b'), "no raw escape sequence: {out:?}");
    assert_eq!(out.lines().count(), 2, "one header and one row: {out:?}");
    let v = bpfpin(&["-j", "ls", &d.s()]).ok().json();
    assert!(v.to_string().contains("a\\nb\\u001b[31m"), "JSON keeps the real name: {v}");
    // An error naming it stays on one line.
    let r = bpfpin(&["prog", "show", "pinned", &d.join("a\nb\x1b[31m")]);
    assert_eq!(r.code(), Some(1));
    let e = r.stderr();
    assert_eq!(e.lines().count(), 2, "Error and fix lines only: {e:?}");
    assert!(!e.contains('\x1b'), "{e:?}");
}
