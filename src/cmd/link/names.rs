//! The names bpftool's `link show` gives perf events, cgroup iterator orders
//! and netfilter hooks (its own tables, not libbpf's).

use crate::model::NameOrNum;

const PERF_TYPES: &[&str] = &["hardware", "software", "tracepoint", "hw-cache", "raw", "breakpoint"];

const HW: &[&str] = &[
    "cpu-cycles",
    "instructions",
    "cache-references",
    "cache-misses",
    "branch-instructions",
    "branch-misses",
    "bus-cycles",
    "stalled-cycles-frontend",
    "stalled-cycles-backend",
    "ref-cycles",
];

const SW: &[&str] = &[
    "cpu-clock",
    "task-clock",
    "page-faults",
    "context-switches",
    "cpu-migrations",
    "minor-faults",
    "major-faults",
    "alignment-faults",
    "emulation-faults",
    "dummy",
    "bpf-output",
    "cgroup-switches",
];

const HW_CACHE: &[&str] = &["L1-dcache", "L1-icache", "LLC", "dTLB", "iTLB", "branch", "node"];
const HW_CACHE_OP: &[&str] = &["load", "store", "prefetch"];
const HW_CACHE_RESULT: &[&str] = &["refs", "misses"];

fn pick(table: &[&str], v: u64) -> Option<String> {
    usize::try_from(v).ok().and_then(|i| table.get(i)).map(|s| (*s).to_string())
}

pub fn event_type(t: u32) -> NameOrNum {
    pick(PERF_TYPES, u64::from(t)).map_or(NameOrNum::Num(u64::from(t)), NameOrNum::Name)
}

/// `cpu-clock`, `L1-dcache-load-misses`; the number for raw, tracepoint and
/// breakpoint events.
pub fn event_config(t: u32, config: u64) -> NameOrNum {
    let name = match t {
        0 => pick(HW, config),
        1 => pick(SW, config),
        3 => {
            let part = |table: &[&str], v: u64| pick(table, v).unwrap_or_else(|| v.to_string());
            Some(format!(
                "{}-{}-{}",
                part(HW_CACHE, config & 0xff),
                part(HW_CACHE_OP, (config >> 8) & 0xff),
                part(HW_CACHE_RESULT, config >> 16)
            ))
        }
        _ => None,
    };
    name.map_or(NameOrNum::Num(config), NameOrNum::Name)
}

pub fn cgroup_order(order: u32) -> &'static str {
    match order {
        0 => "order_unspec",
        1 => "self_only",
        2 => "descendants_pre",
        3 => "descendants_post",
        4 => "ancestors_up",
        _ => "unknown",
    }
}

/// NFPROTO_* as bpftool names them.
pub fn nf_family(pf: u32) -> Option<&'static str> {
    Some(match pf {
        1 => "inet",
        2 => "ip",
        3 => "arp",
        5 => "netdev",
        7 => "bridge",
        10 => "ip6",
        _ => return None,
    })
}

pub fn nf_hook(pf: u32, hook: u32) -> Option<&'static str> {
    match pf {
        // The bridge shares numbers with the inet hooks.
        1 | 2 | 7 | 10 => ["prerouting", "input", "forward", "output", "postrouting"].get(hook as usize).copied(),
        3 => ["input", "output"].get(hook as usize).copied(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perf_event_names() {
        assert_eq!(event_config(1, 0), NameOrNum::Name("cpu-clock".into()));
        assert_eq!(event_config(0, 9), NameOrNum::Name("ref-cycles".into()));
        assert_eq!(event_config(3, 0x10000), NameOrNum::Name("L1-dcache-load-misses".into()));
        assert_eq!(event_config(3, 0x20109), NameOrNum::Name("9-store-2".into()));
        assert_eq!(event_config(4, 77), NameOrNum::Num(77));
        assert_eq!(event_type(9), NameOrNum::Num(9));
        assert_eq!(nf_family(2).zip(nf_hook(2, 1)), Some(("ip", "input")));
        assert_eq!(nf_hook(3, 2), None);
    }
}
