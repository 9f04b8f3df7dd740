//! Kinds of kernel objects: the names bpftool gives program, map, link and
//! attach types, and the one place that says what a map type is (per CPU,
//! hash-like, array-like, holding programs or maps). Numbers come from
//! aya_obj's kernel bindings; the name tables are bpftool's spelling, in the
//! kernel's enum order.

use aya_obj::generated::bpf_map_type as mt;

/// The three kinds of objects a pin can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjKind {
    Prog,
    Map,
    Link,
}

impl std::fmt::Display for ObjKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ObjKind::Prog => "program",
            ObjKind::Map => "map",
            ObjKind::Link => "link",
        })
    }
}

pub const HASH: u32 = mt::BPF_MAP_TYPE_HASH as u32;
pub const ARRAY: u32 = mt::BPF_MAP_TYPE_ARRAY as u32;
pub const PROG_ARRAY: u32 = mt::BPF_MAP_TYPE_PROG_ARRAY as u32;
pub const PERF_EVENT_ARRAY: u32 = mt::BPF_MAP_TYPE_PERF_EVENT_ARRAY as u32;
pub const PERCPU_HASH: u32 = mt::BPF_MAP_TYPE_PERCPU_HASH as u32;
pub const PERCPU_ARRAY: u32 = mt::BPF_MAP_TYPE_PERCPU_ARRAY as u32;
pub const CGROUP_ARRAY: u32 = mt::BPF_MAP_TYPE_CGROUP_ARRAY as u32;
pub const LRU_HASH: u32 = mt::BPF_MAP_TYPE_LRU_HASH as u32;
pub const LRU_PERCPU_HASH: u32 = mt::BPF_MAP_TYPE_LRU_PERCPU_HASH as u32;
pub const ARRAY_OF_MAPS: u32 = mt::BPF_MAP_TYPE_ARRAY_OF_MAPS as u32;
pub const HASH_OF_MAPS: u32 = mt::BPF_MAP_TYPE_HASH_OF_MAPS as u32;
pub const DEVMAP: u32 = mt::BPF_MAP_TYPE_DEVMAP as u32;
pub const SOCKMAP: u32 = mt::BPF_MAP_TYPE_SOCKMAP as u32;
pub const SOCKHASH: u32 = mt::BPF_MAP_TYPE_SOCKHASH as u32;
pub const CPUMAP: u32 = mt::BPF_MAP_TYPE_CPUMAP as u32;
pub const XSKMAP: u32 = mt::BPF_MAP_TYPE_XSKMAP as u32;
pub const REUSEPORT_SOCKARRAY: u32 = mt::BPF_MAP_TYPE_REUSEPORT_SOCKARRAY as u32;
pub const PERCPU_CGROUP_STORAGE: u32 = mt::BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE as u32;

/// Values are per CPU (one slot per possible CPU): bpftool's map_is_per_cpu().
pub fn is_percpu(t: u32) -> bool {
    matches!(t, PERCPU_HASH | PERCPU_ARRAY | LRU_PERCPU_HASH | PERCPU_CGROUP_STORAGE)
}

/// Hash tables, whose keys come and go (plain, per-CPU, LRU).
pub fn is_hash(t: u32) -> bool {
    matches!(t, HASH | PERCPU_HASH | LRU_HASH | LRU_PERCPU_HASH)
}

/// Plain lookups of fixed-size values: hashes and the two arrays. Batch
/// lookups return what a get_next_key walk would, and counters can be read.
pub fn plain_values(t: u32) -> bool {
    is_hash(t) || matches!(t, ARRAY | PERCPU_ARRAY)
}

/// Keyed by a u32 index into a fixed number of slots.
pub fn is_array(t: u32) -> bool {
    matches!(
        t,
        ARRAY
            | PERCPU_ARRAY
            | PROG_ARRAY
            | ARRAY_OF_MAPS
            | CGROUP_ARRAY
            | PERF_EVENT_ARRAY
            | DEVMAP
            | CPUMAP
            | XSKMAP
            | SOCKMAP
    )
}

/// Values are program fds (written) and ids (read).
pub fn holds_progs(t: u32) -> bool {
    t == PROG_ARRAY
}

/// Values are map fds (written) and ids (read).
pub fn holds_maps(t: u32) -> bool {
    matches!(t, ARRAY_OF_MAPS | HASH_OF_MAPS)
}

pub const PROG_TYPES: &[&str] = &[
    "unspec",
    "socket_filter",
    "kprobe",
    "sched_cls",
    "sched_act",
    "tracepoint",
    "xdp",
    "perf_event",
    "cgroup_skb",
    "cgroup_sock",
    "lwt_in",
    "lwt_out",
    "lwt_xmit",
    "sock_ops",
    "sk_skb",
    "cgroup_device",
    "sk_msg",
    "raw_tracepoint",
    "cgroup_sock_addr",
    "lwt_seg6local",
    "lirc_mode2",
    "sk_reuseport",
    "flow_dissector",
    "cgroup_sysctl",
    "raw_tracepoint_writable",
    "cgroup_sockopt",
    "tracing",
    "struct_ops",
    "ext",
    "lsm",
    "sk_lookup",
    "syscall",
    "netfilter",
];

/// bpftool's names for `enum bpf_map_type`, indexed by value.
pub const MAP_TYPES: &[&str] = &[
    "unspec",
    "hash",
    "array",
    "prog_array",
    "perf_event_array",
    "percpu_hash",
    "percpu_array",
    "stack_trace",
    "cgroup_array",
    "lru_hash",
    "lru_percpu_hash",
    "lpm_trie",
    "array_of_maps",
    "hash_of_maps",
    "devmap",
    "sockmap",
    "cpumap",
    "xskmap",
    "sockhash",
    "cgroup_storage",
    "reuseport_sockarray",
    "percpu_cgroup_storage",
    "queue",
    "stack",
    "sk_storage",
    "devmap_hash",
    "struct_ops",
    "ringbuf",
    "inode_storage",
    "task_storage",
    "bloom_filter",
    "user_ringbuf",
    "cgrp_storage",
    "arena",
];

/// bpftool's names for `enum bpf_link_type`, indexed by value.
pub const LINK_TYPES: &[&str] = &[
    "unspec",
    "raw_tracepoint",
    "tracing",
    "cgroup",
    "iter",
    "netns",
    "xdp",
    "perf_event",
    "kprobe_multi",
    "struct_ops",
    "netfilter",
    "tcx",
    "uprobe_multi",
    "netkit",
    "sockmap",
];

/// bpftool's names for `enum bpf_attach_type`, indexed by value.
pub const ATTACH_TYPES: &[&str] = &[
    "cgroup_inet_ingress",
    "cgroup_inet_egress",
    "cgroup_inet_sock_create",
    "cgroup_sock_ops",
    "sk_skb_stream_parser",
    "sk_skb_stream_verdict",
    "cgroup_device",
    "sk_msg_verdict",
    "cgroup_inet4_bind",
    "cgroup_inet6_bind",
    "cgroup_inet4_connect",
    "cgroup_inet6_connect",
    "cgroup_inet4_post_bind",
    "cgroup_inet6_post_bind",
    "cgroup_udp4_sendmsg",
    "cgroup_udp6_sendmsg",
    "lirc_mode2",
    "flow_dissector",
    "cgroup_sysctl",
    "cgroup_udp4_recvmsg",
    "cgroup_udp6_recvmsg",
    "cgroup_getsockopt",
    "cgroup_setsockopt",
    "trace_raw_tp",
    "trace_fentry",
    "trace_fexit",
    "modify_return",
    "lsm_mac",
    "trace_iter",
    "cgroup_inet4_getpeername",
    "cgroup_inet6_getpeername",
    "cgroup_inet4_getsockname",
    "cgroup_inet6_getsockname",
    "xdp_devmap",
    "cgroup_inet_sock_release",
    "xdp_cpumap",
    "sk_lookup",
    "xdp",
    "sk_skb_verdict",
    "sk_reuseport_select",
    "sk_reuseport_select_or_migrate",
    "perf_event",
    "trace_kprobe_multi",
    "lsm_cgroup",
    "struct_ops",
    "netfilter",
    "tcx_ingress",
    "tcx_egress",
    "trace_uprobe_multi",
    "cgroup_unix_connect",
    "cgroup_unix_sendmsg",
    "cgroup_unix_recvmsg",
    "cgroup_unix_getpeername",
    "cgroup_unix_getsockname",
    "netkit_primary",
    "netkit_peer",
];

pub fn attach_type_name(t: u32) -> String {
    type_name(ATTACH_TYPES, t)
}

fn type_name(table: &[&str], v: u32) -> String {
    match table.get(v as usize) {
        Some(n) => (*n).to_string(),
        None => format!("type {v}"),
    }
}

pub fn prog_type_name(t: u32) -> String {
    type_name(PROG_TYPES, t)
}

pub fn map_type_name(t: u32) -> String {
    type_name(MAP_TYPES, t)
}

pub fn link_type_name(t: u32) -> String {
    type_name(LINK_TYPES, t)
}

/// Map type value for a bpftool map type name (`hash`, `percpu_array`...).
pub fn map_type_by_name(name: &str) -> Option<u32> {
    MAP_TYPES.iter().position(|n| *n == name).map(|i| i as u32)
}

/// The attach types of cgroup hooks, in the kernel's enum order (the order
/// bpftool's `cgroup show` lists them in), with the short word bpftool also
/// accepts for each (its `bpf_attach_type_input_str`); `None` where bpftool
/// has only the long name. `lsm_cgroup` is last among them in the enum.
pub const CGROUP_ATTACH_TYPES: &[(u32, Option<&str>)] = &[
    (0, Some("ingress")),
    (1, Some("egress")),
    (2, Some("sock_create")),
    (3, Some("sock_ops")),
    (6, Some("device")),
    (8, Some("bind4")),
    (9, Some("bind6")),
    (10, Some("connect4")),
    (11, Some("connect6")),
    (12, Some("post_bind4")),
    (13, Some("post_bind6")),
    (14, Some("sendmsg4")),
    (15, Some("sendmsg6")),
    (18, Some("sysctl")),
    (19, Some("recvmsg4")),
    (20, Some("recvmsg6")),
    (21, Some("getsockopt")),
    (22, Some("setsockopt")),
    (29, Some("getpeername4")),
    (30, Some("getpeername6")),
    (31, Some("getsockname4")),
    (32, Some("getsockname6")),
    (34, Some("sock_release")),
    (43, None),
    (49, None),
    (50, None),
    (51, None),
    (52, None),
    (53, None),
];

/// libbpf's section words for the unix-socket hooks (`cgroup/connect_unix`),
/// which bpftool does not take: bpfpin accepts them beside the long names.
const CGROUP_UNIX_WORDS: &[(u32, &str)] = &[
    (49, "connect_unix"),
    (50, "sendmsg_unix"),
    (51, "recvmsg_unix"),
    (52, "getpeername_unix"),
    (53, "getsockname_unix"),
];

/// A cgroup attach type by bpftool's rules: the exact long name first
/// (`cgroup_inet_egress`), then a prefix of a short word (`egress`, `eg`,
/// `connect` for connect4), tried in enum order.
pub fn cgroup_attach_type_by_name(word: &str) -> Option<u32> {
    if word.is_empty() {
        return None;
    }
    let long = CGROUP_ATTACH_TYPES.iter().find(|(t, _)| ATTACH_TYPES.get(*t as usize) == Some(&word));
    if let Some((t, _)) = long {
        return Some(*t);
    }
    if let Some((t, _)) = CGROUP_UNIX_WORDS.iter().find(|(_, w)| *w == word) {
        return Some(*t);
    }
    CGROUP_ATTACH_TYPES
        .iter()
        .find(|(t, short)| {
            short.or_else(|| ATTACH_TYPES.get(*t as usize).copied()).is_some_and(|s| s.starts_with(word))
        })
        .map(|(t, _)| *t)
}

/// The words for cgroup attach types, short where bpftool has a short one.
pub fn cgroup_attach_words() -> Vec<&'static str> {
    CGROUP_ATTACH_TYPES
        .iter()
        .filter_map(|(t, short)| short.or_else(|| ATTACH_TYPES.get(*t as usize).copied()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_agree_with_the_kernel() {
        assert_eq!(map_type_name(PERCPU_CGROUP_STORAGE), "percpu_cgroup_storage");
        assert_eq!(map_type_name(XSKMAP), "xskmap");
        assert_eq!(map_type_by_name("lru_percpu_hash"), Some(LRU_PERCPU_HASH));
        assert!(is_percpu(PERCPU_ARRAY) && !is_percpu(ARRAY));
        assert!(is_hash(LRU_HASH) && !is_hash(ARRAY) && plain_values(ARRAY));
    }

    #[test]
    fn type_names() {
        assert_eq!(prog_type_name(6), "xdp");
        assert_eq!(prog_type_name(3), "sched_cls");
        assert_eq!(map_type_name(5), "percpu_hash");
        assert_eq!(map_type_name(27), "ringbuf");
        assert_eq!(link_type_name(11), "tcx");
        assert_eq!(map_type_by_name("lru_hash"), Some(9));
        assert!(is_percpu(5) && !is_percpu(1));
        assert_eq!(prog_type_name(999), "type 999");
    }

    #[test]
    fn cgroup_attach_words() {
        assert_eq!(cgroup_attach_type_by_name("cgroup_inet_egress"), Some(1));
        assert_eq!(cgroup_attach_type_by_name("egress"), Some(1));
        assert_eq!(cgroup_attach_type_by_name("eg"), Some(1));
        assert_eq!(cgroup_attach_type_by_name("connect"), Some(10));
        assert_eq!(cgroup_attach_type_by_name("sock"), Some(2));
        assert_eq!(cgroup_attach_type_by_name("sock_r"), Some(34));
        assert_eq!(cgroup_attach_type_by_name("cgroup_unix_connect"), Some(49));
        assert_eq!(cgroup_attach_type_by_name("connect_unix"), Some(49));
        assert_eq!(cgroup_attach_type_by_name("lsm_cgroup"), Some(43));
        assert_eq!(cgroup_attach_type_by_name("xdp"), None);
        assert_eq!(cgroup_attach_type_by_name(""), None);
        for (t, short) in CGROUP_ATTACH_TYPES {
            assert!(attach_type_name(*t).starts_with("cgroup_") || *t == 43, "{t}");
            if let Some(s) = short {
                assert_eq!(cgroup_attach_type_by_name(s), Some(*t), "{s}");
            }
        }
    }
}
