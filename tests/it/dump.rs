//! `prog dump xlated|jited`, `prog run`, `prog tracelog`, `prog stats`
//! against the real kernel, with the installed bpftool (and GNU objdump for
//! native code) as the reference.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::fd::AsFd;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::require_root;
use crate::util::*;

/// A background process we started, killed (by its own pid) on drop.
struct Bg(Child);

impl Drop for Bg {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// 64-byte Ethernet frame with the given ethertype.
fn frame(ethertype: u16) -> Vec<u8> {
    let mut f = vec![0u8; 64];
    f[0..6].copy_from_slice(&[0x02, 0, 0, 0, 0, 1]);
    f[6..12].copy_from_slice(&[0x02, 0, 0, 0, 0, 2]);
    f[12..14].copy_from_slice(&ethertype.to_be_bytes());
    f
}

/// Every test object plus the xdp_count sample.
fn fixture_objects() -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(objects())
        .expect("tests/objects")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "o"))
        .map(|p| p.display().to_string())
        .collect();
    v.sort();
    v.push(sample("xdp_count/xdp_count.bpf.o"));
    v
}

/// Pinned programs directly under `dir`, sorted.
fn pinned_progs(dir: &BpffsDir) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(&dir.path)
        .expect("bpffs dir")
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path().display().to_string())
        .filter(|p| bpftool(&["-j", "prog", "show", "pinned", p]).out.status.success())
        .collect();
    v.sort();
    v
}

/// Load every program of `obj` into `dir` (bpfpin loads every fixture
/// libbpf 1.1 does and more). None when it does not load (an object made to
/// fail verification).
fn load_all(obj: &str, dir: &BpffsDir) -> Option<Vec<String>> {
    // Maps get a directory of their own: without one, LIBBPF_PIN_BY_NAME maps
    // (pin_by_name.o) would be pinned into the bpffs root and outlive the test.
    // The programs keep their maps alive after this directory is removed.
    let maps = BpffsDir::new();
    // bpfpin first: libbpf pins by-name maps into the root before it
    // notices the clash with pinmaps, and leaves them there.
    if bpfpin(&["prog", "loadall", obj, &dir.s(), "--pin-maps", &maps.s()]).out.status.success()
        || bpftool(&["prog", "loadall", obj, &dir.s(), "pinmaps", &maps.s()]).out.status.success()
    {
        return Some(pinned_progs(dir));
    }
    None
}

/// Load one object with bpftool into a fresh directory.
fn load(obj: &str) -> (BpffsDir, Vec<String>) {
    let dir = BpffsDir::new();
    bpftool(&["prog", "loadall", obj, &dir.s()]).ok();
    let progs = pinned_progs(&dir);
    assert!(!progs.is_empty(), "{obj}: nothing pinned");
    (dir, progs)
}

fn find<'a>(progs: &'a [String], name: &str) -> &'a str {
    progs.iter().find(|p| p.ends_with(&format!("/{name}"))).unwrap_or_else(|| panic!("{name} not in {progs:?}"))
}

/// bpftool v7.1 predates the kernel's spelling of the verifier's per-CPU
/// address move (`BPF_ADDR_PERCPU`, off -1): it prints `r0 = r0`, today's
/// kernel/bpf/disasm.c (and bpfpin) `r0 = &(void __percpu *)(r0)`.
fn newer_spelling(bpftool: &str, ours: &str) -> bool {
    let Some((head, regs)) = bpftool.split_once(": (bf) ") else { return false };
    let Some((d, s)) = regs.split_once(" = ") else { return false };
    ours == format!("{head}: (bf) {d} = &(void __percpu *)({s})")
}

#[track_caller]
fn assert_same_lines(what: &str, want: &str, got: &str) {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    for (k, (a, b)) in w.iter().zip(&g).enumerate() {
        if a != b && newer_spelling(a, b) {
            continue;
        }
        assert_eq!(a, b, "{what}: line {} differs\n--- bpftool\n{want}\n--- bpfpin\n{got}", k + 1);
    }
    assert_eq!(w.len(), g.len(), "{what}: line counts differ\n--- bpftool\n{want}\n--- bpfpin\n{got}");
}

/// Programs whose instructions bpftool v7.1 predates (v4 encodings it
/// prints as `BUG_...`); checked in their own test against the current
/// kernel syntax.
const NEWER_THAN_BPFTOOL: &[&str] = &["disasm_v4"];

/// Programs written in top-level asm (old_clang.o): no line info to show.
const NO_LINE_INFO: &[&str] = &["old_entry", "socket_nameless"];

#[test]
fn xlated_matches_bpftool_for_every_object() {
    require_root!();
    let mut checked = 0;
    for obj in fixture_objects() {
        let dir = BpffsDir::new();
        let Some(progs) = load_all(&obj, &dir) else {
            eprintln!("{obj}: neither bpftool nor bpfpin loads it (made to fail); skipped");
            continue;
        };
        for p in progs.iter().filter(|p| !NEWER_THAN_BPFTOOL.iter().any(|n| p.ends_with(&format!("/{n}")))) {
            for (kw, flag) in [(None, None), (Some("opcodes"), Some("--opcodes")), (Some("linum"), Some("--linum"))] {
                let mut a = vec!["prog", "dump", "xlated", "pinned", p.as_str()];
                a.extend(kw);
                let want = bpftool(&a).ok().stdout();
                let mut b = vec!["prog", "dump", "xlated", "pinned", p.as_str()];
                b.extend(flag);
                let got = bpfpin(&b).ok().stdout();
                assert_same_lines(&format!("{obj} {p} {kw:?}"), &want, &got);
                if NO_LINE_INFO.iter().any(|n| p.ends_with(&format!("/{n}"))) {
                    continue;
                }
                // Everything else here is built with -g: source lines are there.
                assert!(got.lines().any(|l| l.starts_with("; ")), "{p}: no source lines\n{got}");
                if kw == Some("linum") {
                    assert!(got.contains(" [file:") && got.contains(" line_num:"), "{p}: no linum\n{got}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} programs compared");
}

#[test]
fn xlated_v4_instructions_in_current_kernel_syntax() {
    require_root!();
    let (_dir, progs) = load(&object("disasm.o"));
    let p = find(&progs, "disasm_v4");
    let got = bpfpin(&["prog", "dump", "xlated", "pinned", p]).ok().stdout();
    let want = bpftool(&["prog", "dump", "xlated", "pinned", p]).ok().stdout();
    // kernel/bpf/disasm.c's spelling of what bpftool v7.1 cannot print yet.
    let modern = [
        "(3f) r1 s/= r2",
        "(9f) r1 s%= r2",
        "(34) w1 s/= 3",
        "(bf) r1 = (s8)r2",
        "(bf) r1 = (s16)r2",
        "(bf) r1 = (s32)r2",
        "(bc) w1 = (s8)w2",
        "(91) r1 = *(s8 *)(r10 -8)",
        "(89) r1 = *(s16 *)(r10 -8)",
        "(81) r1 = *(s32 *)(r10 -8)",
        "(d7) r1 = bswap16 r1",
        "(d7) r1 = bswap64 r1",
        "(06) gotol pc+0",
    ];
    for m in modern {
        assert!(got.lines().any(|l| l.ends_with(m)), "missing `{m}`\n{got}");
    }
    // Every other line is bpftool's.
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    assert_eq!(w.len(), g.len(), "--- bpftool\n{want}\n--- bpfpin\n{got}");
    for (a, b) in w.iter().zip(&g) {
        assert!(a == b || modern.iter().any(|m| b.ends_with(m)), "`{a}` vs `{b}`");
    }
    assert!(got.contains("(ce) if w1 s< w2 goto pc+0"), "{got}");
}

#[test]
fn xlated_shows_calls_atomics_and_map_values_like_bpftool() {
    require_root!();
    let (_dir, progs) = load(&object("disasm.o"));
    let p = find(&progs, "disasm_main");
    let got = bpfpin(&["prog", "dump", "xlated", "pinned", p]).ok().stdout();
    for needle in [
        "int disasm_main(struct xdp_md * ctx):",
        "__u64 disasm_mix(__u64 a, __u64 b):",
        "atomic64_fetch_add((u64 *)(r1 +0), r9)",
        "atomic64_xchg((u64 *)(r2 +0), r0)",
        "atomic64_cmpxchg((u64 *)(r2 +0), r0, r3)",
        "lock *(u64 *)(r1 +0) |= r2",
        "][0]+0",
        "= subprog[+",
        "call bpf_tail_call#12",
        "call bpf_ktime_get_ns#",
        "#bpf_prog_",
        "; __sync_fetch_and_or(&disasm_total, 0x100);",
    ] {
        assert!(got.contains(needle), "missing `{needle}`\n{got}");
    }
    // Map ids are the kernel's, as bpftool shows them.
    let map_ids = bpftool(&["-j", "prog", "show", "pinned", p]).ok().json()["map_ids"].clone();
    for id in map_ids.as_array().expect("map_ids") {
        assert!(got.contains(&format!("map[id:{id}]")), "map {id} not referenced\n{got}");
    }
}

#[test]
fn xlated_json_and_visual_match_bpftool() {
    require_root!();
    for obj in [object("disasm.o"), sample("xdp_count/xdp_count.bpf.o")] {
        let (_dir, progs) = load(&obj);
        for p in progs.iter().filter(|p| !p.ends_with("/disasm_v4")) {
            for (kw, flag) in [(None, None), (Some("opcodes"), Some("--opcodes")), (Some("linum"), Some("--linum"))] {
                let mut a = vec!["-j", "prog", "dump", "xlated", "pinned", p.as_str()];
                a.extend(kw);
                let mut b = vec!["-j", "prog", "dump", "xlated", "pinned", p.as_str()];
                b.extend(flag);
                assert_eq!(bpfpin(&b).ok().json(), bpftool(&a).ok().json(), "{p} {kw:?}");
            }
            let want = bpftool(&["prog", "dump", "xlated", "pinned", p, "visual"]).ok().stdout();
            let got = bpfpin(&["prog", "dump", "xlated", "pinned", p, "--visual"]).ok().stdout();
            assert_same_lines(&format!("{p} visual"), &want, &got);
            // bpftool's keyword spellings work too.
            let kw = bpfpin(&["prog", "dump", "xlated", "pinned", p, "opcodes"]).ok().stdout();
            let fl = bpfpin(&["prog", "dump", "xlated", "pinned", p, "--opcodes"]).ok().stdout();
            assert_eq!(kw, fl);
        }
    }
}

/// objdump's mnemonic of one disassembled line: the leading words that are
/// not operands (`lock xadd`, `rep stos`).
fn mnemonic(text: &str) -> String {
    text.split_whitespace()
        .take_while(|w| !w.starts_with(['%', '$', '(', '-', '*']) && !w.starts_with("0x"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// GNU as spells some mnemonics with a size suffix where the operands do
/// not show the size (`nopl`, `movq $0x0,..`); iced's gas formatter may
/// leave it out, or differ in which one it adds. Equal up to one b/w/l/q.
fn same_mnemonic(a: &str, b: &str) -> bool {
    let strip = |s: &str| s.strip_suffix(['b', 'w', 'l', 'q']).map(str::to_string);
    a == b || strip(a).as_deref() == Some(b) || strip(b).as_deref() == Some(a)
}

/// Our `--opcodes` listing: per function, (pc, text, bytes) per instruction.
fn parse_jited(out: &str) -> Vec<Vec<(usize, String, Vec<u8>)>> {
    let lines: Vec<&str> = out.lines().collect();
    let mut funcs: Vec<Vec<(usize, String, Vec<u8>)>> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if let Some((pc, text)) = l.split_once(":\t")
            && let Ok(pc) = usize::from_str_radix(pc.trim(), 16)
        {
            let bytes = lines[i + 1].split_whitespace().map(|b| u8::from_str_radix(b, 16).expect("hex byte")).collect();
            funcs.last_mut().expect("a function header first").push((pc, text.to_string(), bytes));
            i += 2;
            continue;
        }
        if l.starts_with("bpf_prog_") && l.ends_with(':') {
            funcs.push(Vec::new());
        }
        i += 1;
    }
    funcs
}

fn objdump(code: &[u8]) -> Vec<(usize, String)> {
    let f = TempFile::new("jit.bin", code);
    let out = sh("objdump", &["-D", "-b", "binary", "-mi386:x86-64", &f.s()]).ok().stdout();
    out.lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, '\t');
            let pc = usize::from_str_radix(parts.next()?.trim().strip_suffix(':')?, 16).ok()?;
            let _bytes = parts.next()?;
            Some((pc, parts.next()?.split(" #").next()?.trim().to_string()))
        })
        .collect()
}

#[test]
fn jited_opcodes_are_the_kernel_image_and_mnemonics_match_objdump() {
    require_root!();
    if !cfg!(target_arch = "x86_64") {
        eprintln!("skipped: native disassembly is checked on x86-64 only");
        return;
    }
    for obj in [object("disasm.o"), sample("xdp_count/xdp_count.bpf.o")] {
        let (_dir, progs) = load(&obj);
        for p in &progs {
            let out = bpfpin(&["prog", "dump", "jited", "pinned", p, "--opcodes"]).ok().stdout();
            let funcs = parse_jited(&out);
            // The raw image, fetched independently of the dump code path.
            let fd = bpfpin::pins::open_any(Path::new(p)).expect("open pin");
            let img = bpfpin::sys::prog::prog_image(fd.as_fd(), bpfpin::sys::prog::Image::Jited).expect("jited image");
            assert_eq!(funcs.len(), img.jited_func_lens.len().max(1), "{p}: functions\n{out}");
            let all: Vec<u8> = funcs.iter().flatten().flat_map(|(_, _, b)| b.clone()).collect();
            assert_eq!(all, img.bytes, "{p}: --opcodes bytes are not the kernel's image");
            let bytes_jited = bpftool(&["-j", "prog", "show", "pinned", p]).ok().json()["bytes_jited"].as_u64();
            assert_eq!(Some(all.len() as u64), bytes_jited, "{p}: length differs from bpftool's bytes_jited");
            for f in &funcs {
                let code: Vec<u8> = f.iter().flat_map(|(_, _, b)| b.clone()).collect();
                let od = objdump(&code);
                assert_eq!(od.len(), f.len(), "{p}: instruction counts differ\n{out}\n{od:?}");
                for ((pc, text, _), (opc, otext)) in f.iter().zip(&od) {
                    assert_eq!(pc, opc, "{p}: instruction boundaries differ");
                    let (m, om) = (mnemonic(text), mnemonic(otext));
                    assert!(same_mnemonic(&m, &om), "{p} @{pc:#x}: `{text}` vs objdump `{otext}`");
                }
            }
            // Source lines interleave, and the function header is bpftool's.
            let plain = bpfpin(&["prog", "dump", "jited", "pinned", p]).ok().stdout();
            assert!(plain.lines().any(|l| l.starts_with("; ")), "{p}: no source lines\n{plain}");
            assert!(plain.lines().next().is_some_and(|l| l.ends_with("):")), "{p}: no prototype\n{plain}");
            let j = bpfpin(&["-j", "prog", "dump", "jited", "pinned", p]).ok().json();
            let first = &j[0];
            assert!(first["name"].as_str().is_some_and(|n| n.starts_with("bpf_prog_")), "{j}");
            assert_eq!(first["insns"][0]["pc"], "0x0", "{j}");
            assert!(first["insns"][0]["operation"].is_string(), "{j}");
        }
    }
}

#[test]
fn dump_refuses_bad_requests() {
    require_root!();
    let (_dir, progs) = load(&sample("xdp_count/xdp_count.bpf.o"));
    let p = &progs[0];
    bpfpin(&["prog", "dump", "native", "pinned", p]).err("expected `xlated` or `jited`");
    bpfpin(&["prog", "dump", "jited", "pinned", p, "--visual"]).err("xlated");
    bpfpin(&["prog", "dump", "xlated", "pinned", p, "bogus"]).err("bogus");
    bpfpin(&["prog", "dump", "xlated", "id", "4294967295"]).err("4294967295");
}

#[test]
fn prog_run_returns_xdp_actions() {
    require_root!();
    let (_dir, progs) = load(&object("disasm.o"));
    let (_dir2, xdp) = load(&sample("xdp_count/xdp_count.bpf.o"));
    let pkt = TempFile::new("pkt", &frame(0x0800));
    let drop_pkt = TempFile::new("drop", &frame(0x88b5));

    let out = bpfpin(&["prog", "run", "pinned", &xdp[0], "data_in", &pkt.s()]).ok().stdout();
    assert!(out.starts_with("Return value: 2 (XDP_PASS), duration: "), "{out}");
    let j = bpfpin(&["-j", "prog", "run", "pinned", &xdp[0], "data_in", &pkt.s(), "repeat", "10"]).ok().json();
    assert_eq!(j["retval"], 2, "{j}");

    let dropper = find(&progs, "disasm_drop");
    let j = bpfpin(&["-j", "prog", "run", "pinned", dropper, "data_in", &drop_pkt.s()]).ok().json();
    assert_eq!(j["retval"], 1, "{j}");
    let out = bpfpin(&["prog", "run", "pinned", dropper, "data_in", &drop_pkt.s(), "repeat", "5"]).ok().stdout();
    assert!(out.contains("Return value: 1 (XDP_DROP), duration (average): "), "{out}");
    let j = bpfpin(&["-j", "prog", "run", "pinned", dropper, "data_in", &pkt.s()]).ok().json();
    assert_eq!(j["retval"], 2, "{j}");

    // data_in from stdin, data_out to stdout: bpftool's hex rows.
    let mut child = Command::new(env!("CARGO_BIN_EXE_bpfpin"))
        .args(["prog", "run", "pinned", dropper, "data_in", "-", "data_out", "-"])
        .stdin(fs::File::open(&drop_pkt.0).expect("packet file"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn bpfpin");
    let mut text = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().expect("stdout"), &mut text).expect("read");
    assert!(child.wait().expect("wait").success());
    let want = bpftool(&["prog", "run", "pinned", dropper, "data_in", &drop_pkt.s(), "data_out", "-"]).ok().stdout();
    let hex = |s: &str| s.lines().filter(|l| !l.starts_with("Return value")).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(hex(&text), hex(&want));
    assert!(text.contains("0000000\t0200 0000 0001 0200 0000 0002 88b5 0000 | ........ ........"), "{text}");

    // data_out FILE gets the packet back.
    let outf = TempFile::new("out", b"");
    bpfpin(&["prog", "run", "pinned", dropper, "data_in", &drop_pkt.s(), "data_out", &outf.s()]).ok();
    assert_eq!(fs::read(&outf.0).expect("data_out"), frame(0x88b5));

    bpfpin(&["prog", "run", "pinned", dropper, "data_in", "/nonexistent/pkt"]).err("/nonexistent/pkt");
    let short = TempFile::new("short", &[1, 2, 3]);
    bpfpin(&["prog", "run", "pinned", dropper, "data_in", &short.s()]).err("14-byte");
}

#[test]
fn prog_run_json_keys_are_bpftools() {
    require_root!();
    let (_dir, progs) = load(&object("disasm.o"));
    let p = find(&progs, "disasm_drop");
    let pkt_file = TempFile::new("pkt", &frame(0x88b5));
    let pkt = pkt_file.s();
    for extra in [&[][..], &["data_out", "-"][..]] {
        let mut a = vec!["-j", "prog", "run", "pinned", p, "data_in", &pkt];
        a.extend_from_slice(extra);
        let ours = bpfpin(&a).ok().json();
        let theirs = bpftool(&a).ok().json();
        let keys = |v: &serde_json::Value| v.as_object().expect("object").keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&ours), keys(&theirs), "{ours} vs {theirs}");
        assert_eq!(ours["retval"], theirs["retval"]);
        assert_eq!(ours.get("data_out"), theirs.get("data_out"));
    }
}

/// Send SIGINT to a process we started.
fn interrupt(child: &Child) {
    sh("kill", &["-INT", &child.id().to_string()]);
}

#[test]
fn tracelog_streams_bpf_printk_of_a_test_run() {
    require_root!();
    let (_dir, progs) = load(&sample("xdp_count/xdp_count.bpf.o"));
    let pkt = TempFile::new("pkt", &frame(0x0800));
    let mut log = Bg(Command::new(env!("CARGO_BIN_EXE_bpfpin"))
        .args(["prog", "tracelog"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn tracelog"));
    let stdout = log.0.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // The line carries the pid of the process the test run ran in. Other
    // readers of the trace pipe could take a line, so try a few runs.
    let mut seen = None;
    'runs: for _ in 0..5 {
        let run = Command::new(env!("CARGO_BIN_EXE_bpfpin"))
            .args(["prog", "run", "pinned", &progs[0], "data_in", &pkt.s()])
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn prog run");
        let pid = run.id();
        let mut run = Bg(run);
        let status = run.0.wait().expect("wait prog run");
        assert!(status.success());
        while let Ok(line) = rx.recv_timeout(Duration::from_secs(5)) {
            if line.contains(&format!("-{pid} ")) && line.contains("xdp_count: ") {
                seen = Some(line);
                break 'runs;
            }
        }
    }
    let line = seen.expect("no `xdp_count: N` line from our test run in the trace pipe");
    assert!(line.contains("bpf_trace_printk: xdp_count: "), "{line}");
    interrupt(&log.0);
    let status = log.0.wait().expect("wait tracelog");
    assert!(status.success(), "tracelog did not end cleanly on SIGINT: {status:?}");
}

#[test]
fn stats_count_test_runs() {
    require_root!();
    let (_dir, progs) = load(&object("disasm.o"));
    let p = find(&progs, "disasm_drop");
    let id = bpftool(&["-j", "prog", "show", "pinned", p]).ok().json()["id"].clone();
    let pkt = TempFile::new("pkt", &frame(0x0800));
    // --duration keeps working: one sample a second until it is over.
    let mut stats = Bg(Command::new(env!("CARGO_BIN_EXE_bpfpin"))
        .args(["-j", "prog", "stats", "--duration", "2"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn stats"));
    // Keep the program running until the sampling window closes.
    while stats.0.try_wait().expect("try_wait").is_none() {
        bpfpin(&["prog", "run", "pinned", p, "data_in", &pkt.s(), "repeat", "1000"]).ok();
    }
    let mut text = String::new();
    std::io::Read::read_to_string(stats.0.stdout.as_mut().expect("stdout"), &mut text).expect("read");
    let samples: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    assert_eq!(samples.len(), 2, "{text}");
    let rows: Vec<&serde_json::Value> =
        samples.iter().filter_map(|s| s["rows"].as_array()?.iter().find(|r| r["id"] == id)).collect();
    assert_eq!(rows.len(), 2, "{id} not in every sample: {text}");
    let runs: u64 = rows.iter().map(|r| r["delta"]["run_cnt"].as_u64().unwrap()).sum();
    assert!(runs >= 1000, "{rows:?}");
    let busy = rows.iter().find(|r| r["delta"]["run_cnt"].as_u64() > Some(0)).expect("a sample with runs");
    assert!(busy["rate"]["run_cnt"].as_f64().is_some_and(|r| r > 0.0), "{busy}");
    assert!(busy["ratio"]["avg_ns"].as_f64().is_some(), "{busy}");
    assert_eq!(busy["name"], "disasm_drop");
    assert_eq!(busy["type"], "xdp");
    assert!(busy["total"]["run_time_ns"].as_u64().is_some(), "{busy}");
    // Plain: a header line, then a table with the program in it.
    let out = bpfpin(&["prog", "stats", "--interval", "0.1"]).ok().stdout();
    assert!(out.contains("sample 1  interval 0.1"), "{out}");
    let header = out.lines().find(|l| l.contains("RUN_CNT/S")).unwrap_or_else(|| panic!("{out}"));
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        ["ID", "TYPE", "NAME", "RUN_CNT", "RUN_CNT/S", "RUN_TIME_NS", "RUN_TIME_NS/S", "AVG_NS"]
    );
    assert!(out.contains("disasm_drop"), "{out}");
    bpfpin(&["prog", "stats", "--duration", "0"]).err("--duration");
}
