//! `bpfpin feature probe` and `feature list_builtins`, compared with
//! bpftool's answers on this kernel, and the probe's cleanliness (no probe
//! program or map outlives the command).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::require_root;
use crate::util::*;

const SECTIONS: &[&str] = &["system_config", "syscall_config", "program_types", "map_types", "helpers", "misc"];

fn keys(v: &Value) -> Vec<String> {
    v.as_object().unwrap_or_else(|| panic!("not an object: {v}")).keys().cloned().collect()
}

fn names(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

/// Every key bpftool reports in `section` has the same value in ours (ours
/// may add keys for types newer than bpftool 7.1 knows).
#[track_caller]
fn same_verdicts(ours: &Value, theirs: &Value, section: &str) {
    let (o, t) = (&ours[section], &theirs[section]);
    assert!(!keys(t).is_empty(), "bpftool reports no {section}");
    for k in keys(t) {
        assert_eq!(o[&k], t[&k], "{section}.{k}: bpfpin {} bpftool {}", o[&k], t[&k]);
    }
}

#[test]
fn json_has_bpftools_sections_and_the_same_type_verdicts() {
    require_root!();
    let ours = bpfpin(&["-j", "feature", "probe"]).ok().json();
    let theirs = bpftool(&["-j", "feature", "probe"]).ok().json();
    assert_eq!(keys(&ours), SECTIONS);
    assert_eq!(keys(&theirs), SECTIONS, "bpftool's own sections changed");
    for s in ["system_config", "syscall_config", "program_types", "map_types", "misc"] {
        same_verdicts(&ours, &theirs, s);
    }
    // Both kinds of verdict occur on this kernel (lirc_mode2 is not built
    // in; the kernel refuses fentry loads), so the comparison is not vacuous.
    let progs = ours["program_types"].as_object().unwrap();
    assert!(progs.values().any(|v| v == true) && progs.values().any(|v| v == false), "{progs:?}");
    assert_eq!(ours["program_types"]["have_xdp_prog_type"], true);
    assert_eq!(ours["map_types"]["have_ringbuf_map_type"], true);
    let mut helper_keys = keys(&theirs["helpers"]);
    helper_keys.retain(|k| !keys(&ours["helpers"]).contains(k));
    assert!(helper_keys.is_empty(), "helper lists bpftool has and bpfpin lacks: {helper_keys:?}");
}

/// bpftool 7.1 (libbpf 1.1) predates the verifier's "program of this type
/// cannot use helper" wording, so on this kernel it lists every helper for
/// every loadable type. bpfpin reads that wording as libbpf does today:
/// its lists are inside bpftool's, and hold what the verifier accepts.
#[test]
fn helper_lists_are_what_the_verifier_accepts() {
    require_root!();
    let ours = bpfpin(&["-j", "feature", "probe"]).ok().json();
    let theirs = bpftool(&["-j", "feature", "probe"]).ok().json();
    let known = names(&bpftool(&["-j", "feature", "list_builtins", "helpers"]).ok().json());
    for t in ["socket_filter", "kprobe", "sched_cls", "xdp", "cgroup_skb", "sk_lookup"] {
        let key = format!("{t}_available_helpers");
        let o: BTreeSet<String> = names(&ours["helpers"][&key]).into_iter().filter(|h| known.contains(h)).collect();
        let b = names(&theirs["helpers"][&key]);
        assert!(o.len() > 20, "{t}: only {o:?}");
        assert!(
            o.is_subset(&b),
            "{t}: bpfpin lists helpers bpftool does not: {:?}",
            o.difference(&b).collect::<Vec<_>>()
        );
        for h in ["bpf_map_lookup_elem", "bpf_ktime_get_ns", "bpf_get_prandom_u32"] {
            assert!(o.contains(h), "{t} lacks {h}");
        }
        // Noisy helpers only with `full`, as bpftool.
        assert!(!o.contains("bpf_trace_printk") && !b.contains("bpf_trace_printk"), "{t}");
    }
    let xdp = names(&ours["helpers"]["xdp_available_helpers"]);
    let cls = names(&ours["helpers"]["sched_cls_available_helpers"]);
    assert!(xdp.contains("bpf_xdp_adjust_head") && !xdp.contains("bpf_skb_store_bytes"), "{xdp:?}");
    assert!(cls.contains("bpf_skb_store_bytes") && !cls.contains("bpf_xdp_adjust_head"), "{cls:?}");
    assert!(names(&ours["helpers"]["lirc_mode2_available_helpers"]).is_empty(), "type not available");
    let full = bpfpin(&["-j", "feature", "probe", "full"]).ok().json();
    assert!(names(&full["helpers"]["xdp_available_helpers"]).contains("bpf_trace_printk"));
}

/// Ids of objects of `kind` above `floor` with no name: probe programs and
/// maps are unnamed, the other tests' objects are named.
fn unnamed_above(kind: &str, floor: u64) -> Vec<u64> {
    let list = bpftool(&["-j", kind, "show"]).ok().json();
    list.as_array()
        .unwrap()
        .iter()
        .filter(|o| o["id"].as_u64().unwrap_or(0) > floor && o["name"].as_str().unwrap_or("").is_empty())
        .map(|o| o["id"].as_u64().unwrap_or(0))
        .collect()
}

fn max_id(kind: &str) -> u64 {
    let list = bpftool(&["-j", kind, "show"]).ok().json();
    list.as_array().unwrap().iter().filter_map(|o| o["id"].as_u64()).max().unwrap_or(0)
}

#[test]
fn probe_leaves_no_program_or_map_loaded() {
    require_root!();
    let (progs, maps) = (max_id("prog"), max_id("map"));
    // Probe programs and maps are closed, never pinned or attached: once
    // the command is gone, none of them may still be listed.
    bpfpin(&["feature", "probe", "full"]).ok();
    // The kernel frees a closed program after an RCU grace period: look a
    // few times before calling one left behind.
    let mut left = (vec![], vec![]);
    for _ in 0..20 {
        left = (unnamed_above("prog", progs), unnamed_above("map", maps));
        if left.0.is_empty() && left.1.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(left, (vec![], vec![]), "probe objects still loaded (prog ids, map ids)");
}

/// The plain report and the macros are bpftool's lines: bpftool's own
/// lines, helper lists aside, appear in ours in the same order.
#[test]
fn plain_text_and_macros_follow_bpftools_layout() {
    require_root!();
    for args in [vec!["feature", "probe"], vec!["feature", "probe", "macros", "prefix", "T_"]] {
        let ours = bpfpin(&args).ok().stdout();
        let theirs = bpftool(&args).ok().stdout();
        let helper_line = |l: &&str| l.starts_with("\t- ") || l.contains("__HELPER_");
        let mut mine = ours.lines().filter(|l| !helper_line(l));
        for line in theirs.lines().filter(|l| !helper_line(l)) {
            assert!(mine.any(|m| m == line), "{args:?}: bpftool's line {line:?} missing or out of order in:\n{ours}");
        }
    }
    // The --flag twins say the same as the words.
    let words = bpfpin(&["feature", "probe", "macros", "prefix", "T_"]).ok().stdout();
    assert_eq!(bpfpin(&["feature", "probe", "--macros", "--prefix", "T_"]).ok().stdout(), words);
    assert_eq!(bpfpin(&["feature", "probe", "--prefix", "T_"]).ok().stdout(), words);
    let ours = bpfpin(&["feature", "probe"]).ok().stdout();
    assert!(ours.contains("Scanning eBPF helper functions...\neBPF helpers supported for program type socket_filter:\n\t- bpf_map_lookup_elem\n"), "{ours}");
    assert!(
        ours.contains("eBPF helpers supported for program type lirc_mode2:\n\tProgram type not supported\n"),
        "{ours}"
    );
    assert!(
        ours.contains(
            "eBPF helpers supported for program type struct_ops:\n\tCould not determine which helpers are available\n"
        ),
        "{ours}"
    );
}

#[test]
fn unprivileged_and_device_probes_agree_with_bpftool() {
    require_root!();
    let ours = bpfpin(&["-j", "feature", "probe", "unprivileged"]).ok().json();
    let theirs = bpftool(&["-j", "feature", "probe", "unprivileged"]).ok().json();
    for s in ["system_config", "program_types", "map_types", "misc"] {
        same_verdicts(&ours, &theirs, s);
    }
    // lo offloads nothing: the two offloadable types, both refused.
    let ours = bpfpin(&["-j", "feature", "probe", "dev", "lo"]).ok().json();
    let theirs = bpftool(&["-j", "feature", "probe", "dev", "lo"]).ok().json();
    assert_eq!(ours, theirs);
}

#[test]
fn list_builtins_extend_bpftools_lists() {
    for group in ["prog_types", "map_types", "attach_types", "link_types", "helpers"] {
        let ours = bpfpin(&["-j", "feature", "list_builtins", group]).ok().json();
        let theirs = bpftool(&["-j", "feature", "list_builtins", group]).ok().json();
        let (o, t) = (ours.as_array().unwrap(), theirs.as_array().unwrap());
        // bpftool 7.1 stops at the types its libbpf knew; bpfpin goes on
        // with the newer ones (netfilter, arena, tcx ...), never differing before.
        assert!(o.len() >= t.len() && o[..t.len()] == t[..], "{group}: ours {ours}\nbpftool {theirs}");
        let plain = bpfpin(&["feature", "list_builtins", group]).ok().stdout();
        assert_eq!(plain.lines().count(), o.len());
    }
    let p = bpfpin(&["feature", "list_builtins", "prog_types"]).ok().stdout();
    assert!(p.starts_with("unspec\nsocket_filter\n") && p.contains("\nnetfilter\n"), "{p}");
}

#[test]
fn bad_words_are_refused_with_a_fix() {
    bpfpin(&["feature", "probe", "bogus"]).err("got `bogus`");
    bpfpin(&["feature", "probe", "prefix", "X"]).err("only after `macros`");
    bpfpin(&["feature", "list_builtins", "nope"]).err("expected `prog_types`");
    if is_root() {
        bpfpin(&["feature", "probe", "dev", "nosuchdev0"]).err("interface nosuchdev0 not found");
    }
}
