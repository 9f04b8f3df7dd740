//! `btf show`, `btf dump ... format raw|c` against the real kernel, with the
//! installed bpftool (v7.1.0) as the reference for every raw byte and for
//! the list of BTF objects, and clang for the C header.

use std::collections::BTreeSet;
use std::fs;

use crate::require_root;
use crate::util::*;

const VMLINUX: &str = "/sys/kernel/btf/vmlinux";

/// The same command through bpfpin and bpftool: stdout byte for byte.
#[track_caller]
fn same_bytes(args: &[&str]) {
    let ours = bpfpin(args).ok();
    let theirs = bpftool(args).ok();
    assert!(!ours.out.stdout.is_empty(), "empty output for {args:?}");
    if ours.out.stdout != theirs.out.stdout {
        let (a, b) = (ours.stdout(), theirs.stdout());
        let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
        let show = |s: &str| line.and_then(|n| s.lines().nth(n)).unwrap_or("<end>").to_string();
        panic!(
            "{args:?} differs from bpftool at line {line:?}:\n bpfpin:  {}\n bpftool: {}\n({} vs {} bytes)",
            show(&a),
            show(&b),
            a.len(),
            b.len()
        );
    }
}

/// The whole raw dump of this kernel's vmlinux BTF, plain and JSON, is bpftool's to the byte.
#[test]
fn raw_dump_of_vmlinux_equals_bpftool() {
    require_root!();
    same_bytes(&["btf", "dump", "file", VMLINUX]);
    same_bytes(&["-j", "btf", "dump", "file", VMLINUX]);
    same_bytes(&["btf", "dump", "id", "1", "format", "raw"]);
}

/// ELF objects: `file X.o` reads the .BTF section. Maps, externs, CO-RE
/// flexible arrays, bitfields and data sections between them cover every kind clang emits.
#[test]
fn raw_dump_of_test_objects_equals_bpftool() {
    for o in ["btf_maps.o", "externs.o", "core_flex.o", "all_sections.o", "big_names.o"] {
        let path = object(o);
        same_bytes(&["btf", "dump", "file", &path]);
        same_bytes(&["-j", "btf", "dump", "file", &path]);
    }
    // bpftool's prefixes: `d`ump, `f`ile, `fo`rmat.
    same_bytes(&["btf", "d", "f", &object("btf_maps.o"), "fo", "raw"]);
    // -j is one JSON document with bpftool's keys.
    let j = bpfpin(&["-j", "btf", "dump", "file", &object("btf_maps.o")]).ok().json();
    let types = j["types"].as_array().expect("types array");
    assert!(types.iter().any(|t| t["kind"] == "DATASEC" && t["name"] == ".maps"), "{j}");
}

/// A loaded object's BTF through `prog PROG` and `map MAP [key|value|kv|all]`.
#[test]
fn raw_dump_of_loaded_prog_and_map_btf_equals_bpftool() {
    require_root!();
    let d = BpffsDir::new();
    bpfpin(&["prog", "loadall", &object("btf_maps.o"), &d.join("p"), "pinmaps", &d.join("m")]).ok();
    let map = d.join("m/stats");
    for sel in [&[][..], &["key"], &["value"], &["kv"], &["all"]] {
        let mut args = vec!["btf", "dump", "map", "pinned", map.as_str()];
        args.extend_from_slice(sel);
        same_bytes(&args);
        args.insert(0, "-j");
        same_bytes(&args);
    }
    same_bytes(&["btf", "dump", "prog", "pinned", &d.join("p/btf_maps_prog")]);
    same_bytes(&["-j", "btf", "dump", "prog", "pinned", &d.join("p/btf_maps_prog")]);
    // The typed value is really there: the map's value type is a named struct.
    let v = bpfpin(&["btf", "dump", "map", "pinned", &map, "value", "format", "c"]).ok().stdout();
    assert!(v.contains("struct ") && v.contains("#endif /* __VMLINUX_H__ */"), "{v}");
}

fn ids(v: &serde_json::Value, key: &str) -> BTreeSet<u64> {
    v[key].as_array().map(|a| a.iter().filter_map(|x| x.as_u64()).collect()).unwrap_or_default()
}

/// `btf show`: vmlinux and our object's BTF with bpftool's keys and values;
/// the object's prog and map ids are those its programs and maps report.
#[test]
fn btf_show_matches_bpftool() {
    require_root!();
    let d = BpffsDir::new();
    bpfpin(&["prog", "loadall", &object("btf_maps.o"), &d.join("p"), "pinmaps", &d.join("m")]).ok();
    let prog = bpftool(&["-j", "prog", "show", "pinned", &d.join("p/btf_maps_prog")]).ok().json();
    let btf_id = prog["btf_id"].as_u64().expect("btf_id");
    let map_id = bpftool(&["-j", "map", "show", "pinned", &d.join("m/stats")]).ok().json()["id"].as_u64().unwrap();

    let ours = bpfpin(&["-j", "btf", "show"]).ok().json();
    let theirs = bpftool(&["-j", "btf", "show"]).ok().json();
    let by_id = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|b| (b["id"].as_u64().unwrap(), (b["name"].clone(), b["kernel"].clone(), b["size"].clone())))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    // Others may load and unload objects meanwhile: every id in both lists
    // has the same name, kernel flag and size, and nearly all ids are shared.
    let (a, b) = (by_id(&ours), by_id(&theirs));
    let shared: Vec<_> = a.keys().filter(|id| b.contains_key(id)).collect();
    assert!(shared.len() * 10 >= a.len().max(b.len()) * 9, "{} of {}/{} shared", shared.len(), a.len(), b.len());
    for id in shared {
        assert_eq!(a[id], b[id], "BTF {id}");
    }
    assert!(a.contains_key(&1) && a[&1].0 == "vmlinux", "{ours}");
    assert!(a.contains_key(&btf_id) && b.contains_key(&btf_id));

    for id in ["1", &btf_id.to_string()] {
        let o = bpfpin(&["-j", "btf", "show", "id", id]).ok().json();
        let t = bpftool(&["-j", "btf", "show", "id", id]).ok().json();
        for k in ["id", "size", "kernel", "name"] {
            assert_eq!(o[k], t[k], "key {k} of BTF {id}: {o} vs {t}");
        }
        assert_eq!(ids(&o, "prog_ids"), ids(&t, "prog_ids"), "{o} vs {t}");
        assert_eq!(ids(&o, "map_ids"), ids(&t, "map_ids"), "{o} vs {t}");
    }
    let o = bpfpin(&["-j", "btf", "show", "id", &btf_id.to_string()]).ok().json();
    assert!(ids(&o, "prog_ids").contains(&prog["id"].as_u64().unwrap()), "{o}");
    assert!(ids(&o, "map_ids").contains(&map_id), "{o}");
    assert_eq!(o["kernel"], false);
    // The table: one row, the id first, vmlinux shown as [vmlinux].
    let t = bpfpin(&["btf", "list", "id", "1"]).ok().stdout();
    assert!(t.contains("[vmlinux]") && t.contains("yes"), "{t}");
}

const CORE_SAMPLE: &str = r#"#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

int last_pid;

SEC("raw_tp/sched_switch")
int read_pid_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *prev = (struct task_struct *)ctx->args[1];
	last_pid = BPF_CORE_READ(prev, pid);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(read_pid_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	last_pid = prev->pid;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
"#;

/// `format c` is a vmlinux.h: bpftool's guard and pragma, it compiles, and a
/// CO-RE program built against it (task->pid, relocated through
/// preserve_access_index) loads into this kernel.
#[test]
fn format_c_is_a_vmlinux_h_a_core_program_builds_and_loads_with() {
    require_root!();
    let t = TempDir::new();
    let header = bpfpin(&["btf", "dump", "file", VMLINUX, "format", "c"]).ok().stdout();
    assert!(header.starts_with("#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n#endif\n"));
    assert!(header.ends_with("#pragma clang attribute pop\n#endif\n\n#endif /* __VMLINUX_H__ */\n"));
    assert!(header.contains("\nstruct task_struct {\n"));
    fs::write(t.join("vmlinux.h"), &header).unwrap();
    // The layout is BTF's: sizes and offsets of a few central structs, checked by the compiler.
    let raw = bpfpin(&["btf", "dump", "file", VMLINUX]).ok().stdout();
    let mut asserts = String::from("#include \"vmlinux.h\"\n");
    for name in ["task_struct", "sk_buff", "file", "inode", "xdp_md", "bpf_raw_tracepoint_args"] {
        let line = raw.lines().find(|l| l.contains(&format!("] STRUCT '{name}' size="))).unwrap();
        let size = line.split("size=").nth(1).unwrap().split(' ').next().unwrap();
        asserts.push_str(&format!("_Static_assert(sizeof(struct {name}) == {size}, \"{name}\");\n"));
    }
    let pid = raw.lines().skip_while(|l| !l.contains("] STRUCT 'task_struct' size=")).skip(1);
    let pid_off = pid.take_while(|l| l.starts_with('\t')).find(|l| l.starts_with("\t'pid' ")).unwrap();
    let bits: u64 = pid_off.split("bits_offset=").nth(1).unwrap().trim().parse().unwrap();
    asserts
        .push_str(&format!("_Static_assert(__builtin_offsetof(struct task_struct, pid) == {}, \"pid\");\n", bits / 8));
    fs::write(t.join("layout.c"), asserts).unwrap();
    let cc = sh("clang", &["-fsyntax-only", "-target", "bpf", "-Werror", &t.join("layout.c")]);
    assert!(cc.out.status.success(), "vmlinux.h does not compile cleanly:\n{}", cc.stderr());

    fs::write(t.join("core.bpf.c"), CORE_SAMPLE).unwrap();
    let obj = t.join("core.bpf.o");
    let cc = sh("clang", &["-O2", "-g", "-target", "bpf", "-c", &t.join("core.bpf.c"), "-o", &obj]);
    assert!(cc.out.status.success(), "the CO-RE sample does not build:\n{}", cc.stderr());
    let d = BpffsDir::new();
    bpfpin(&["prog", "loadall", &obj, &d.join("p")]).ok();
    let raw_tp = bpftool(&["-j", "prog", "show", "pinned", &d.join("p/read_pid_raw")]).ok().json();
    assert_eq!(raw_tp["type"], "raw_tracepoint", "{raw_tp}");
    let tp_btf = bpftool(&["-j", "prog", "show", "pinned", &d.join("p/read_pid_btf")]).ok().json();
    assert_eq!(tp_btf["type"], "tracing", "{tp_btf}");
}

#[test]
fn btf_errors_name_the_source_and_the_fix() {
    bpfpin(&["btf", "dump", "file", "/etc/hostname"]).err("neither raw BTF nor an ELF object");
    bpfpin(&["btf", "dump", "file", VMLINUX, "format", "yaml"]).err("unrecognized format `yaml`");
    bpfpin(&["-j", "btf", "dump", "file", VMLINUX, "format", "c"]).err("format c has no JSON form");
    bpfpin(&["btf", "dump", "bogus", "1"]).err("unrecognized BTF source `bogus`");
    bpfpin(&["btf", "show", "name", "x"]).err("`id BTF_ID`");
    if is_root() {
        bpfpin(&["btf", "dump", "id", "4294967295"]).err("no BTF object has id 4294967295");
    }
}

/// Tab completion knows the `btf` grammar: sources, map parts, formats, and BTF ids from the kernel.
#[test]
fn btf_words_complete() {
    let c = |words: &[&str]| {
        let cword = (words.len() - 1).to_string();
        let mut args = vec!["__complete", "bash", cword.as_str(), "--"];
        args.extend_from_slice(words);
        bpfpin(&args).ok().stdout().lines().map(|l| l.split('\t').next().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(c(&["bpfpin", "btf", "dump", ""]), ["id", "prog", "map", "file"]);
    assert_eq!(c(&["bpfpin", "btf", "dump", "map", "id", "5", ""]), ["key", "value", "kv", "all", "format"]);
    assert_eq!(c(&["bpfpin", "btf", "dump", "file", "/x.o", "format", ""]), ["raw", "c"]);
    assert_eq!(c(&["bpfpin", "btf", "show", ""]), ["id"]);
    assert!(c(&["bpfpin", "btf", "dump", "file", ""]).contains(&VMLINUX.to_string()));
    if is_root() {
        assert!(c(&["bpfpin", "btf", "show", "id", ""]).contains(&"1".to_string()));
    }
}
