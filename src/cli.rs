//! The command line, as clap types only: no file is opened and no syscall is
//! made here. Objects, verbs and `--flags` are clap's; selectors and DATA are
//! bpftool's words, kept as `Vec<String>` and read by `select.rs`.
//!
//! Each verb's usage line is written as bpftool writes it, in words
//! (`override_usage`), its grammar fragments follow the options
//! (`after_help`), and `--help` ends with examples (`after_long_help`), which
//! the man pages render as their EXAMPLES section (`generate.rs`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub const PROG_SPEC: &str = "PROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG | FILE }";
pub const MAP_SPEC: &str = "MAP := { id MAP_ID | pinned FILE | name MAP_NAME | FILE }";
pub const LINK_SPEC: &str = "LINK := { id LINK_ID | pinned FILE | FILE }";
pub const DATA_SPEC: &str =
    "DATA := { [hex] BYTES | json JSON }   (bytes as separate tokens: `1 0 0 0`, `hex 01 00 00 00`, `0x01 0 0 0`)";
pub const VALUE_SPEC: &str = "VALUE := { DATA | MAP | PROG }";
pub const UPDATE_FLAGS_SPEC: &str = "UPDATE_FLAGS := { any | exist | noexist }";
/// The heading that separates a verb's grammar from its examples in
/// `after_long_help`; `generate.rs` splits the man page's sections there.
pub const EXAMPLES_HEADING: &str = "Examples:";

const PROG_HELP: &str = "PROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG | FILE }\nA bare FILE means `pinned FILE`. `name` and `tag` may match several programs.";
const MAP_HELP: &str = "MAP := { id MAP_ID | pinned FILE | name MAP_NAME | FILE }\nA bare FILE means `pinned FILE`. `name` may match several maps.";
const MAP_EDIT_HELP: &str = "MAP := { id MAP_ID | pinned FILE | name MAP_NAME | FILE }\nDATA := { [hex] BYTES | json JSON }   (bytes as separate tokens: `1 0 0 0`, `hex 01 00 00 00`, `0x01 0 0 0`)\nVALUE := { DATA | MAP | PROG }   (per-CPU maps: one VALUE for every CPU, or `value DATA` repeated once per CPU)\nUPDATE_FLAGS := { any | exist | noexist }   (or --any, --exist, --noexist; push ... exist overwrites the oldest element of a full queue/stack)\nA bloom filter is tested with `peek MAP value VALUE`.";
const LINK_HELP: &str = "LINK := { id LINK_ID | pinned FILE | FILE }\nA bare FILE means `pinned FILE`.";
const PERF_HELP: &str = "Lines as bpftool prints them: `pid P  fd F: prog_id N  TYPE  TARGET`, TYPE one of raw_tracepoint, tracepoint,\nkprobe, kretprobe, uprobe, uretprobe. Only attachments a process holds an fd of are listed (bpftool's rule);\nlinks that are only pinned (`bpfpin link attach`) are in `bpfpin link show`.";
const LINK_ATTACH_HELP: &str = "PROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG | FILE }\nTARGET := { tracepoint CATEGORY:NAME | raw_tp NAME | tp_btf | fentry | fexit | fmod_ret | lsm | freplace\n         | kprobe FUNC[+OFFSET] | kretprobe FUNC | kprobe.multi GLOB | kretprobe.multi GLOB | ksyscall NAME | kretsyscall NAME\n         | { uprobe | uretprobe } BINARY:{ SYMBOL[+OFFSET] | 0xFILE_OFFSET } [pid PID]\n         | { uprobe.multi | uretprobe.multi } BINARY:GLOB [pid PID] | usdt BINARY:PROVIDER:NAME [pid PID] | perf_event EVENT [period N | freq N] [cpu N | all]\n         | cgroup CGROUP_PATH [ATTACH_TYPE] | netns PATH | iter [map MAP | cgroup CGROUP_PATH [order self|pre|post|up]] }\nEVENT := { cpu-clock | task-clock | page-faults | context-switches | cpu-migrations | minor-faults | major-faults\n         | alignment-faults | emulation-faults | dummy | bpf-output | cycles | instructions | cache-references\n         | cache-misses | branches | branch-misses | bus-cycles | stalled-cycles-frontend | stalled-cycles-backend | ref-cycles }\nWithout TARGET, the one the program's section names (e.g. `tracepoint/syscalls/sys_enter_getpid`), recorded when\nbpfpin loaded it. tp_btf, fentry, fexit, fmod_ret, lsm and freplace attach to what was fixed at load.\n`iter cgroup` walks the subtree in pre-order unless `order` says otherwise.\nperf_event samples at `freq 99` on `cpu all` unless told otherwise; `cpu all` pins one link per online CPU as PATH/cpuN.\nA BINARY without `/` is looked up as libbpf does (`*.so*` in LD_LIBRARY_PATH and the library directories, else PATH).\nA USDT probe with several sites pins PATH/site0, PATH/site1, ... (one uprobe_multi link at PATH for a program\nloaded for uprobe.multi). The attachment lives as long as the pin: `bpfpin prog rm PATH` (or -r) detaches it.";
const CGROUP_HELP: &str = "PROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG | FILE }\nATTACH_TYPE := { cgroup_inet_ingress | cgroup_inet_egress | cgroup_inet_sock_create | cgroup_sock_ops | cgroup_device\n              | cgroup_inet4_bind | cgroup_inet6_bind | cgroup_inet4_post_bind | cgroup_inet6_post_bind\n              | cgroup_inet4_connect | cgroup_inet6_connect | cgroup_unix_connect | cgroup_inet4_getpeername\n              | cgroup_inet6_getpeername | cgroup_unix_getpeername | cgroup_inet4_getsockname | cgroup_inet6_getsockname\n              | cgroup_unix_getsockname | cgroup_udp4_sendmsg | cgroup_udp6_sendmsg | cgroup_unix_sendmsg\n              | cgroup_udp4_recvmsg | cgroup_udp6_recvmsg | cgroup_unix_recvmsg | cgroup_sysctl | cgroup_getsockopt\n              | cgroup_setsockopt | cgroup_inet_sock_release | lsm_cgroup }\n(bpftool's short names, or a prefix of one, work too: ingress, egress, sock_create, sock_ops, device, bind4, bind6,\n post_bind4, post_bind6, connect4, connect6, getpeername4/6, getsockname4/6, sendmsg4/6, recvmsg4/6, sysctl,\n getsockopt, setsockopt, sock_release; and libbpf's connect_unix, sendmsg_unix, recvmsg_unix, getpeername_unix,\n getsockname_unix)\nATTACH_FLAGS := { multi | override }\nCGROUP_ROOT defaults to the cgroup2 mount (from /proc/mounts).";
const STRUCT_OPS_HELP: &str = "STRUCT_OPS_MAP := { id STRUCT_OPS_MAP_ID | name STRUCT_OPS_MAP_NAME }";
const LOAD_HELP: &str = "Every bpftool keyword has a --flag twin: `type T` = --type T, `pinmaps DIR` = --pin-maps DIR,\n`map name NAME MAP` = --map NAME=MAP. `map idx N MAP` is the keyword form only.\nMAP := { id MAP_ID | pinned FILE | name MAP_NAME | FILE }\nPROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG | FILE }   (--attach-prog: the target of freplace/FUNC)\nTracing programs (fentry/, fexit/, fmod_ret/, lsm/, tp_btf/, iter/) take their target from the section name,\nresolved in /sys/kernel/btf/vmlinux and module BTF.";
const PROG_ATTACH_HELP: &str = "PROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG | FILE }\nMAP := { id MAP_ID | pinned FILE | name MAP_NAME | FILE }\nATTACH_TYPE := { sk_msg_verdict | sk_skb_verdict | sk_skb_stream_verdict | sk_skb_stream_parser | flow_dissector }\n(flow_dissector attaches to the current network namespace and takes no MAP)";
const RUN_HELP: &str = "PROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG | FILE }\nFILE `-` is stdin (data_in, ctx_in) or stdout (data_out, ctx_out).";
const CREATE_HELP: &str = "TYPE := a bpftool map type (hash, array, percpu_hash, lru_hash, queue, stack, ringbuf, bloom_filter, array_of_maps, ...)\nFLAGS := a number, or names joined by `,` (no_prealloc, rdonly, wronly, mmapable, ...)\nMAP := { id MAP_ID | pinned FILE | name MAP_NAME | FILE }   (inner_map: the template of a map-in-map)";
const NET_SOCKET_HELP: &str = "socket: the filter runs while bpfpin samples the program's map counters (rows: map, key; nonzero entries,\n32 a map at most); it ends, socket closed, at --count/--duration or Ctrl-C. Sampling options apply to socket only.";
const NET_ATTACH_HELP: &str = "ATTACH_TYPE := { xdp | xdpgeneric | xdpdrv | xdpoffload | tc-ingress | tc-egress | tcx-ingress | tcx-egress | socket }\n               (bpftool's tcx_ingress, tcx_egress spellings too)\nPROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG | FILE }\nEvery word option has a --flag twin: overwrite = --overwrite (xdp*), prepend = --prepend (tcx-*),\npriority N = --priority N and handle H = --handle H (tc-*).";
const NET_DETACH_HELP: &str = "ATTACH_TYPE := { xdp | xdpgeneric | xdpdrv | xdpoffload | tc-ingress | tc-egress | tcx-ingress | tcx-egress }\nPROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG | FILE }   (tcx hooks hold several programs)\npriority N = --priority N, handle H = --handle H (tc-*): without them, the only bpfpin filter of that direction.";
const BTF_HELP: &str = "BTF_SRC := { id BTF_ID | prog PROG | map MAP [{ key | value | kv | all }] | file FILE }\nPROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG | FILE }\nMAP := { id MAP_ID | pinned FILE | name MAP_NAME | FILE }\nFILE: raw BTF (/sys/kernel/btf/*; module BTF is read on top of vmlinux) or an ELF object's .BTF section.\n`map MAP` dumps its key and value types (kv, the default), `key`, `value`, or the map's whole BTF (`all`).\nformat raw (default): bpftool's records, -j as bpftool's JSON; format c: a C header usable as vmlinux.h.";
const BTF_EXAMPLES: &str = "  bpfpin btf show\n  bpfpin -j btf show id 1\n  bpfpin btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h\n  bpfpin btf dump file prog.bpf.o\n  bpfpin btf dump map pinned /sys/fs/bpf/x_maps/counts value\n  bpfpin -j btf dump prog id 42";

/// The output every live command shares (README "Live counters").
const LIVE_HELP: &str = "Sampling: a silent first reading, then one sample every --interval S (default 1) until --count N samples,\n--duration S seconds, or Ctrl-C/SIGTERM. Each sample prints a header line (time, sample number, interval, elapsed)\nand a table: the key column(s), then each counter's total and its rate per second (PACKETS  PACKETS/S).\nWith -j: one JSON object per line per sample, the same keys for every command:\n{\"sample\":N,\"time\":EPOCH,\"interval\":S,\"elapsed\":S,\"rows\":[{KEYS...,\"total\":{..},\"delta\":{..},\"rate\":{..}}]}";
const PROG_STATS_HELP: &str = "Rows: id, type, name; counters run_cnt and run_time_ns (bpftool's keys); AVG_NS (JSON ratio.avg_ns) is\nrun time per run over the sample. Without --count or --duration, one sample. BPF_ENABLE_STATS is held only while sampling.";
const MAP_WATCH_HELP: &str = "MAP := { id MAP_ID | pinned FILE | name MAP_NAME | FILE }\nRows: key (typed where the map has BTF, else hex bytes), plus cpu with --per-cpu; every integer field of the value\nis a counter (packets, bytes; `value` for a plain integer).";
const MAP_EVENTS_HELP: &str = "MAP := { id MAP_ID | pinned FILE | name MAP_NAME | FILE }   (a ringbuf or perf_event_array)\nPerf event arrays get one buffer per CPU (CPU i at index i), or with `cpu N index M` one; lost samples are\nreported. -j prints one JSON object per record and line; records typed through BTF carry `formatted`.\nCtrl-C, --count or --duration stop; totals (records, bytes, lost) go to stderr.";
const RM_HELP: &str = "Only pins on bpffs are removed; a directory needs -r, a bpffs mount root also --whole-bpffs.";

/// A live command's own notes, then the sampling and output rules all three share.
fn live(spec: &str) -> String {
    format!("{spec}\n{LIVE_HELP}")
}

fn net_attach_help() -> String {
    format!("{NET_ATTACH_HELP}\n{}", live(NET_SOCKET_HELP))
}

/// `--help` ends with the grammar and then examples, one command a line.
const APPLY_HELP: &str = "Manifest (TOML, or JSON with the same fields):
  name = \"edge\"                  state file <state_dir>/<name>.json (default: file stem)
  pin_dir = \"/sys/fs/bpf/edge\"   everything apply pins goes below it
  state_dir = \"/var/lib/bpfpin\"  (default)
  [[object]]  path (relative to the manifest), name (default: file name up to the
              first `.`), sha256, maps = \"reuse\" | \"replace\", map_dir (default maps)
  [[object.seed]]  map, key, value: written when apply creates the map;
              DATA words (\"1 0 0 0\", \"hex 01 00 00 00\") or a list of bytes
  [[attach]]  program = \"OBJECT/PROGRAM\", kind = xdp | tc | tcx | link, netns,
              xdp: dev, mode = auto | generic | driver
              tc: dev, direction = ingress | egress, priority (1), handle (1)
              tcx: dev, direction     link: target = \"tracepoint syscalls:sys_enter_getpid\"
Programs are pinned at <pin_dir>/<object>/<program>, maps at <pin_dir>/<map_dir>/, links
at <pin_dir>/links/. Plan actions: create, replace, attach, detach, remove, unchanged, keep.";

fn long(spec: &str, examples: &str) -> String {
    if spec.is_empty() {
        format!("{EXAMPLES_HEADING}\n{examples}")
    } else {
        format!("{spec}\n\n{EXAMPLES_HEADING}\n{examples}")
    }
}

/// A u32 written in decimal or 0x hex, as tc prints handles.
pub fn number(s: &str) -> Result<u32, String> {
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(h, 16),
        None => s.parse(),
    };
    parsed.map_err(|_| format!("expected a number such as 3 or 0x3, got `{s}`"))
}

#[derive(Debug, Parser)]
#[command(
    name = "bpfpin",
    version,
    about = "Load, pin, attach, inspect and remove eBPF programs and maps",
    long_about = "bpfpin loads any compiled BPF object, pins its programs and maps on bpffs, \
attaches them to network hooks, and lists, dumps, edits and removes what is pinned.",
    override_usage = "bpfpin [OPTIONS] OBJECT VERB ...\n       bpfpin { prog | map | net | link } help",
    after_help = "OBJECT := { prog | map | net | link | cgroup | struct_ops | perf | btf | feature | apply | diff | ls | doctor | completions }\nObjects and verbs take bpftool's unique prefixes (`bpfpin p s` = prog show). The options work before or after the verb\n(`bpfpin map show -j`). Every bpftool keyword form works, and every option also has a --flag form.",
    after_long_help = long(
        "OBJECT := { prog | map | net | link | cgroup | struct_ops | perf | btf | feature | apply | diff | ls | doctor | completions }\nObjects and verbs take bpftool's unique prefixes (`bpfpin p s` = prog show). The options work before or after the verb\n(`bpfpin map show -j`). Every bpftool keyword form works, and every option also has a --flag form.",
        "  bpfpin prog load samples/xdp_count/xdp_count.bpf.o /sys/fs/bpf/xdp_count pinmaps /sys/fs/bpf/xdp_count_maps\n  bpfpin net attach xdp pinned /sys/fs/bpf/xdp_count dev eth0\n  bpfpin -j map dump pinned /sys/fs/bpf/xdp_count_maps/xdp_coun_bss\n  bpfpin ls\n  bpfpin prog rm /sys/fs/bpf/xdp_count && bpfpin map rm -r /sys/fs/bpf/xdp_count_maps",
    ),
    infer_subcommands = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub object: Object,
}

#[derive(Debug, Clone, Args, Default)]
pub struct Global {
    /// Print JSON (bpftool's field names)
    #[arg(short = 'j', long)]
    pub json: bool,
    /// Print pretty JSON (implies --json)
    #[arg(short = 'p', long)]
    pub pretty: bool,
    /// Show the pinned paths of programs, maps and links (key `pinned`)
    #[arg(short = 'f', long = "bpffs")]
    pub bpffs: bool,
    /// Never mount bpffs or tracefs
    #[arg(short = 'n', long = "nomount")]
    pub nomount: bool,
    /// On an error, also print its whole chain of causes on stderr
    #[arg(short = 'd', long)]
    pub debug: bool,
    /// Run network verbs in this network namespace (a name under /run/netns or a path); pins are resolved first
    #[arg(long, value_name = "NAME|PATH")]
    pub netns: Option<String>,
}

impl Global {
    pub fn json(&self) -> bool {
        self.json || self.pretty
    }
}

/// Global options work anywhere on the line, as bpftool's do (getopt_long
/// permutes its argv): they are moved in front of the object before clap
/// parses, so no object or verb needs a copy of them, and `--help` lists them
/// once, at the top. Nothing after `--` moves. A group of short flags is
/// split when it mixes a global one with a verb's (`prog rm -rf`).
pub fn hoist_global_flags(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    const SHORT: &[char] = &['j', 'p', 'f', 'n', 'd'];
    const LONG: &[&str] = &["--json", "--pretty", "--bpffs", "--nomount", "--debug"];
    let mut args = args.into_iter();
    let mut front: Vec<std::ffi::OsString> = args.next().into_iter().collect();
    let mut rest = Vec::new();
    while let Some(a) = args.next() {
        let Some(s) = a.to_str() else {
            rest.push(a);
            continue;
        };
        if s == "--" {
            rest.push(a);
            rest.extend(args.by_ref());
            break;
        }
        if LONG.contains(&s) || s.starts_with("--netns=") {
            front.push(a);
        } else if s == "--netns" {
            front.push(a);
            front.extend(args.next());
        } else if let Some(group) = s.strip_prefix('-').filter(|g| {
            !g.is_empty() && !g.starts_with('-') && g.chars().all(|c| c.is_ascii_alphabetic()) && g.contains(SHORT)
        }) {
            let (global, own): (String, String) = group.chars().partition(|c| SHORT.contains(c));
            front.push(format!("-{global}").into());
            if !own.is_empty() {
                rest.push(format!("-{own}").into());
            }
        } else {
            rest.push(a);
        }
    }
    front.extend(rest);
    front
}

// The sampling options of the live commands (`map watch`, `net attach
// socket`, `prog stats`), defined once and flattened into each, so they
// take the same flags; `sampler::Plan::new` checks them, once.
#[derive(Debug, Clone, Args, Default)]
#[command(next_help_heading = "Sampling")]
pub struct SampleArgs {
    /// Seconds between samples [default: 1]
    #[arg(long, value_name = "S")]
    pub interval: Option<f64>,
    /// Stop after N samples
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Stop after S seconds
    #[arg(long, value_name = "S")]
    pub duration: Option<f64>,
}

impl SampleArgs {
    /// Whether any sampling option was given (a hook that does not sample
    /// refuses them).
    pub fn given(&self) -> bool {
        self.interval.is_some() || self.count.is_some() || self.duration.is_some()
    }
}

// An object's verbs as the arguments of its command, so that
// `#[command(defer = true)]` on `Object` builds an object's verb tree only
// when the command line names that object: `bpfpin map lookup` never builds
// `prog`'s or `net`'s verbs (most of start-up was building all of them).
// (A plain comment: a doc comment would become every object's `about`.)
#[derive(Debug, Args)]
pub struct Sub<T: Subcommand> {
    #[command(subcommand)]
    pub cmd: T,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Object {
    /// Load, inspect and remove programs
    #[command(
        subcommand_required = true,
        arg_required_else_help = true,
        alias = "p",
        override_usage = "bpfpin prog { show | list | dump | pin | load | loadall | rm | attach | detach | tracelog | run | stats } ...",
        after_help = PROG_HELP,
        after_long_help = long(PROG_HELP, "  bpfpin prog show\n  bpfpin prog load x.bpf.o /sys/fs/bpf/x type xdp pinmaps /sys/fs/bpf/x_maps\n  bpfpin prog dump xlated pinned /sys/fs/bpf/x linum\n  bpfpin prog rm /sys/fs/bpf/x"),
    )]
    Prog(Sub<ProgCmd>),
    /// Inspect, dump, edit and remove maps
    #[command(
        subcommand_required = true,
        arg_required_else_help = true,
        override_usage = "bpfpin map { show | list | dump | lookup | getnext | update | delete | create | pin | freeze | rm | watch | push | enqueue | pop | dequeue | peek } ...",
        after_help = MAP_EDIT_HELP,
        after_long_help = long(MAP_EDIT_HELP, "  bpfpin map show\n  bpfpin map dump pinned /sys/fs/bpf/x_maps/counts\n  bpfpin map update pinned /sys/fs/bpf/x_maps/counts key 1 0 0 0 value 0 0 0 0 0 0 0 0 any\n  bpfpin map create /sys/fs/bpf/q type queue key 0 value 4 entries 16 name q"),
    )]
    Map(Sub<MapCmd>),
    /// Attach programs to network hooks, and show what is attached
    #[command(
        subcommand_required = true,
        arg_required_else_help = true,
        override_usage = "bpfpin net { show | list } [dev NAME]\n       bpfpin net attach ATTACH_TYPE PROG dev NAME [overwrite | prepend | priority N | handle H]\n       bpfpin net detach ATTACH_TYPE [PROG] dev NAME [priority N | handle H]",
        after_help = NET_ATTACH_HELP,
        after_long_help = long(NET_ATTACH_HELP, "  bpfpin net show\n  bpfpin net attach xdp pinned /sys/fs/bpf/xdp_count dev eth0 overwrite\n  bpfpin net attach tc-ingress pinned /sys/fs/bpf/tc/tc_count_ingress dev eth0 priority 10\n  bpfpin net detach xdp dev eth0"),
    )]
    Net(Sub<NetCmd>),
    /// Show, pin and detach bpf_links
    #[command(
        subcommand_required = true,
        arg_required_else_help = true,
        alias = "l",
        override_usage = "bpfpin link { show | list } [LINK]\n       bpfpin link pin LINK FILE\n       bpfpin link detach LINK",
        after_help = LINK_HELP,
        after_long_help = long(LINK_HELP, "  bpfpin link show\n  bpfpin link pin id 4 /sys/fs/bpf/xdp_link\n  bpfpin link detach pinned /sys/fs/bpf/xdp_link"),
    )]
    Link(Sub<LinkCmd>),
    /// Attach programs to cgroups, and show what is attached (bpftool's `cgroup`)
    #[command(
        subcommand_required = true,
        arg_required_else_help = true,
        alias = "c",
        override_usage = "bpfpin cgroup { show | list } CGROUP [effective]\n       bpfpin cgroup tree [CGROUP_ROOT] [effective]\n       bpfpin cgroup attach CGROUP ATTACH_TYPE PROG [multi | override]\n       bpfpin cgroup detach CGROUP ATTACH_TYPE PROG",
        after_help = CGROUP_HELP,
        after_long_help = long(CGROUP_HELP, "  bpfpin cgroup show /sys/fs/cgroup/unified/app\n  bpfpin cgroup attach /sys/fs/cgroup/unified/app egress pinned /sys/fs/bpf/count multi\n  bpfpin -j cgroup tree"),
    )]
    Cgroup(Sub<CgroupCmd>),
    /// Register and inspect struct_ops maps (bpftool's `struct_ops`)
    #[command(
        subcommand_required = true,
        arg_required_else_help = true,
        name = "struct_ops",
        alias = "s",
        override_usage = "bpfpin struct_ops { show | list } [STRUCT_OPS_MAP]\n       bpfpin struct_ops dump [STRUCT_OPS_MAP]\n       bpfpin struct_ops register OBJ [LINK_DIR]\n       bpfpin struct_ops unregister STRUCT_OPS_MAP",
        after_help = STRUCT_OPS_HELP,
        after_long_help = long(STRUCT_OPS_HELP, "  bpfpin struct_ops register cc.bpf.o /sys/fs/bpf/cc\n  bpfpin struct_ops show\n  bpfpin struct_ops unregister name my_cc"),
    )]
    StructOps(Sub<StructOpsCmd>),
    /// List programs attached through perf events (bpftool's `perf list`)
    #[command(
        subcommand_required = true,
        arg_required_else_help = true,
        override_usage = "bpfpin perf { show | list }",
        after_long_help = long("", "  bpfpin perf show\n  bpfpin -j perf list"),
    )]
    Perf(Sub<PerfCmd>),
    /// Converge the host to a manifest of objects, pins, maps and attachments
    #[command(
        override_usage = "bpfpin apply FILE [--dry-run] [--prune] [--detailed-exitcode] [--watch [--interval S]]",
        after_help = APPLY_HELP,
        after_long_help = long(APPLY_HELP, "  bpfpin apply host.toml\n  bpfpin apply host.toml --dry-run\n  bpfpin apply host.toml --prune --detailed-exitcode\n  bpfpin apply host.toml --watch --interval 10"),
    )]
    Apply(ApplyCmd),
    /// Print what `apply FILE` would change (same as `apply FILE --dry-run`)
    #[command(
        override_usage = "bpfpin diff FILE [--detailed-exitcode]",
        after_long_help = long(APPLY_HELP, "  bpfpin diff host.toml\n  bpfpin -j diff host.toml"),
    )]
    Diff {
        /// The manifest (TOML, or JSON)
        file: PathBuf,
        /// Exit 0 when nothing would change, 2 when something would (1 on error)
        #[arg(long)]
        detailed_exitcode: bool,
    },
    /// List BTF objects and dump BTF as bpftool's raw records or a C header (vmlinux.h)
    #[command(
        subcommand_required = true,
        arg_required_else_help = true,
        override_usage = "bpfpin btf { show | list } [id BTF_ID]\n       bpfpin btf dump BTF_SRC [format { raw | c }]",
        after_help = BTF_HELP,
        after_long_help = long(BTF_HELP, BTF_EXAMPLES),
    )]
    Btf(Sub<BtfCmd>),
    /// List every pinned entry under DIR (default /sys/fs/bpf): kind, id, name, type
    #[command(
        override_usage = "bpfpin ls [DIR]",
        after_long_help = long("", "  bpfpin ls\n  bpfpin ls /sys/fs/bpf/xdp_count_maps\n  bpfpin -j ls /sys/fs/bpf"),
    )]
    Ls {
        /// Directory on bpffs
        dir: Option<PathBuf>,
    },
    /// Print a shell completion script (its candidates come from the running kernel)
    #[command(
        override_usage = "bpfpin completions { bash | zsh | fish | elvish | powershell }",
        after_long_help = long(
            "bash, zsh and fish complete ids (with names), pins, interfaces and grammar words from the running kernel.",
            "  bpfpin completions bash > /etc/bash_completion.d/bpfpin\n  bpfpin completions zsh > /usr/local/share/zsh/site-functions/_bpfpin\n  bpfpin completions fish > ~/.config/fish/completions/bpfpin.fish",
        ),
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Probe what the kernel (or a device) supports: program and map types, helpers, BPF settings
    #[command(
        subcommand_required = true,
        arg_required_else_help = true,
        override_usage = "bpfpin feature probe [kernel | dev NAME] [full] [unprivileged] [macros [prefix PREFIX]]\n       bpfpin feature list_builtins { prog_types | map_types | attach_types | link_types | helpers }",
        after_help = FEATURE_HELP,
        after_long_help = long(FEATURE_HELP, "  bpfpin feature probe\n  bpfpin -j feature probe | jq '.map_types.have_ringbuf_map_type'\n  bpfpin feature probe macros prefix BPFPIN_ > bpf_features.h\n  bpfpin feature list_builtins helpers"),
    )]
    Feature(Sub<FeatureCmd>),
    /// Check this machine for what bpfpin needs, with a fix for each problem
    #[command(
        override_usage = "bpfpin doctor",
        after_long_help = long("", "  bpfpin doctor\n  bpfpin -j doctor"),
    )]
    Doctor,
    /// Write completions/ and man/ from the clap definitions
    #[command(hide = true)]
    Generate {
        /// Directory that receives completions/ and man/
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Completion candidates for the shell scripts: `__complete SHELL CWORD -- WORDS...`
    #[command(name = "__complete", hide = true)]
    Complete {
        /// bash, zsh or fish (how candidates are printed)
        shell: String,
        /// Index in WORDS of the word being completed
        cword: usize,
        /// The command line so far, split into words, the program's name first
        #[arg(last = true)]
        words: Vec<String>,
    },
}

// Options shared by `prog load` and `prog loadall`.
#[derive(Debug, Clone, Args, Default)]
pub struct LoadOpts {
    /// Program type, overriding the ELF section name (bpftool's `type T`)
    #[arg(long = "type", value_name = "T")]
    pub prog_type: Option<String>,
    /// Pin every map of the object as DIR/<map name> (bpftool's `pinmaps DIR`)
    #[arg(long = "pin-maps", value_name = "DIR")]
    pub pin_maps: Option<PathBuf>,
    /// Reuse an existing map for the object's map NAME (bpftool's `map name NAME MAP`)
    #[arg(long = "map", value_name = "NAME=MAP")]
    pub maps: Vec<String>,
    /// Reuse existing map pins when type, sizes, max entries and flags match (default)
    #[arg(long = "reuse-maps", conflicts_with = "replace_maps")]
    pub reuse_maps: bool,
    /// Unpin existing map pins and pin fresh maps
    #[arg(long = "replace-maps")]
    pub replace_maps: bool,
    /// Show the whole verifier log on failure (default: its last lines)
    #[arg(long = "verifier-log")]
    pub verifier_log: bool,
    /// The program an extension (`freplace/FUNC`) replaces a function of:
    /// `id N`, `id:N`, `pinned PATH` or a bare PATH
    #[arg(long = "attach-prog", value_name = "PROG", num_args = 1..=2)]
    pub attach_prog: Option<Vec<String>>,
    /// Attach every program whose section names its target, pinning its link in place of the program (bpftool's `autoattach`)
    #[arg(long)]
    pub autoattach: bool,
}

// `prog rm` and `map rm`: pins to remove.
#[derive(Debug, Clone, Args)]
pub struct RmArgs {
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Remove a directory of pins
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// Allow PATH to be a bpffs mount root (in any spelling): with -r, every
    /// pin under it is removed
    #[arg(long)]
    pub whole_bpffs: bool,
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ProgCmd {
    /// Show programs: all, or the ones PROG selects
    #[command(
        alias = "s",
        override_usage = "bpfpin prog { show | list } [PROG]",
        after_help = PROG_HELP,
        after_long_help = long(PROG_HELP, "  bpfpin prog show\n  bpfpin prog show name xdp_count\n  bpfpin -f prog show id 42          # with pinned paths\n  bpfpin -j prog show pinned /sys/fs/bpf/xdp_count"),
    )]
    Show {
        #[arg(value_name = "PROG", hide = true)]
        words: Vec<String>,
    },
    /// Same as show
    #[command(
        alias = "l",
        override_usage = "bpfpin prog { show | list } [PROG]",
        after_help = PROG_HELP,
        after_long_help = long(PROG_HELP, "  bpfpin prog list\n  bpfpin prog list tag 0123456789abcdef"),
    )]
    List {
        #[arg(value_name = "PROG", hide = true)]
        words: Vec<String>,
    },
    /// Dump a program's instructions: `xlated PROG` or `jited PROG`
    #[command(
        alias = "d",
        override_usage = "bpfpin prog dump xlated PROG [opcodes] [linum] [visual]\n       bpfpin prog dump jited PROG [opcodes] [linum]",
        after_help = PROG_HELP,
        after_long_help = long(
            &format!("{PROG_HELP}\nEvery word option has a --flag twin: opcodes = --opcodes, linum = --linum, visual = --visual.\n`visual` prints DOT, so it cannot be combined with -j (as bpftool)."),
            "  bpfpin prog dump xlated pinned /sys/fs/bpf/xdp_count linum\n  bpfpin prog dump xlated id 42 visual | dot -Tpng > cfg.png\n  bpfpin prog dump jited pinned /sys/fs/bpf/xdp_count --opcodes\n  bpfpin -j prog dump xlated name xdp_count",
        ),
    )]
    Dump {
        #[arg(value_name = "xlated|jited PROG", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
        /// Show raw instruction bytes (bpftool's `opcodes`)
        #[arg(long)]
        opcodes: bool,
        /// Show file:line:col of source lines (bpftool's `linum`)
        #[arg(long)]
        linum: bool,
        /// Print the control-flow graph in DOT (bpftool's `visual`; not with -j)
        #[arg(long)]
        visual: bool,
    },
    /// Pin a program at FILE
    #[command(
        alias = "p",
        override_usage = "bpfpin prog pin PROG FILE",
        after_help = PROG_HELP,
        after_long_help = long(PROG_HELP, "  bpfpin prog pin id 42 /sys/fs/bpf/keep/prog     # missing directories are created\n  bpfpin prog pin name xdp_count /sys/fs/bpf/xdp_count2"),
    )]
    Pin {
        #[arg(value_name = "PROG FILE", required = true, num_args = 2.., hide = true)]
        words: Vec<String>,
    },
    /// Load the first (or --prog) program of OBJ and pin it at PATH
    #[command(
        override_usage = "bpfpin prog load OBJ PATH [type TYPE] [pinmaps DIR] [map { name NAME | idx N } MAP]...\n                       [--prog NAME] [--attach-prog PROG] [--reuse-maps | --replace-maps] [--verifier-log]",
        after_help = LOAD_HELP,
        after_long_help = long(LOAD_HELP, "  bpfpin prog load samples/xdp_count/xdp_count.bpf.o /sys/fs/bpf/xdp_count\n  bpfpin prog load x.bpf.o /sys/fs/bpf/x type xdp pinmaps /sys/fs/bpf/x_maps\n  bpfpin prog load x.bpf.o /sys/fs/bpf/x --pin-maps /sys/fs/bpf/x_maps --replace-maps\n  bpfpin prog load x.bpf.o /sys/fs/bpf/x map name counters pinned /sys/fs/bpf/old/counters\n  bpfpin prog load two.bpf.o /sys/fs/bpf/second --prog second --verifier-log"),
    )]
    Load {
        /// Compiled BPF object (ELF)
        obj: PathBuf,
        /// Pin path on bpffs
        path: PathBuf,
        /// Which program to load and pin (default: the first)
        #[arg(long = "prog", value_name = "NAME")]
        prog: Option<String>,
        #[command(flatten)]
        opts: LoadOpts,
        /// bpftool keyword forms: `type T`, `pinmaps DIR`, `map name NAME MAP`, `map idx N MAP`
        #[arg(value_name = "KEYWORDS", num_args = 0.., allow_hyphen_values = true, hide = true)]
        words: Vec<String>,
    },
    /// Load every program of OBJ and pin each as DIR/<program name>
    #[command(
        override_usage = "bpfpin prog loadall OBJ DIR [type TYPE] [pinmaps DIR] [map { name NAME | idx N } MAP]...\n                          [--attach-prog PROG] [--reuse-maps | --replace-maps] [--verifier-log]",
        after_help = LOAD_HELP,
        after_long_help = long(LOAD_HELP, "  bpfpin prog loadall tests/objects/two_progs.o /sys/fs/bpf/two pinmaps /sys/fs/bpf/two_maps\n  bpfpin prog loadall x.bpf.o /sys/fs/bpf/x --type tc --pin-maps /sys/fs/bpf/x_maps\n  bpfpin prog loadall tracing.bpf.o /sys/fs/bpf/t   # fentry/, tp_btf/, iter/ targets from the section names\n  bpfpin prog loadall ext.bpf.o /sys/fs/bpf/ext --attach-prog pinned /sys/fs/bpf/xdp_main"),
    )]
    Loadall {
        /// Compiled BPF object (ELF)
        obj: PathBuf,
        /// Directory on bpffs (created if missing)
        dir: PathBuf,
        #[command(flatten)]
        opts: LoadOpts,
        /// bpftool keyword forms: `type T`, `pinmaps DIR`, `map name NAME MAP`, `map idx N MAP`
        #[arg(value_name = "KEYWORDS", num_args = 0.., allow_hyphen_values = true, hide = true)]
        words: Vec<String>,
    },
    /// Remove program pins (only pins on bpffs)
    #[command(
        override_usage = "bpfpin prog rm PATH... [-r] [--whole-bpffs]",
        after_help = RM_HELP,
        after_long_help = long(RM_HELP, "  bpfpin prog rm /sys/fs/bpf/xdp_count\n  bpfpin prog rm -r /sys/fs/bpf/two"),
    )]
    Rm(RmArgs),
    /// Attach PROG to a sockmap/sockhash or the flow dissector
    #[command(
        override_usage = "bpfpin prog attach PROG ATTACH_TYPE [MAP]",
        after_help = PROG_ATTACH_HELP,
        after_long_help = long(PROG_ATTACH_HELP, "  bpfpin prog attach pinned /sys/fs/bpf/verdict sk_skb_stream_verdict pinned /sys/fs/bpf/sock_map\n  bpfpin prog attach name dissect flow_dissector"),
    )]
    Attach {
        #[arg(value_name = "PROG ATTACH_TYPE MAP", required = true, num_args = 2.., hide = true)]
        words: Vec<String>,
    },
    /// Detach PROG from a sockmap/sockhash or the flow dissector
    #[command(
        override_usage = "bpfpin prog detach PROG ATTACH_TYPE [MAP]",
        after_help = PROG_ATTACH_HELP,
        after_long_help = long(PROG_ATTACH_HELP, "  bpfpin prog detach pinned /sys/fs/bpf/verdict sk_skb_stream_verdict pinned /sys/fs/bpf/sock_map\n  bpfpin prog detach name dissect flow_dissector"),
    )]
    Detach {
        #[arg(value_name = "PROG ATTACH_TYPE MAP", required = true, num_args = 2.., hide = true)]
        words: Vec<String>,
    },
    /// Stream the kernel trace pipe (bpf_printk output)
    #[command(
        override_usage = "bpfpin prog tracelog",
        after_long_help = long("", "  bpfpin prog tracelog\n  bpfpin -j prog tracelog | head -n 5"),
    )]
    Tracelog,
    /// Run PROG once or more with BPF_PROG_TEST_RUN
    #[command(
        override_usage = "bpfpin prog run PROG data_in FILE [data_out FILE [data_size_out L]]\n                      [ctx_in FILE [ctx_out FILE [ctx_size_out M]]] [repeat N]",
        after_help = RUN_HELP,
        after_long_help = long(RUN_HELP, "  bpfpin prog run pinned /sys/fs/bpf/xdp_count data_in packet.bin\n  bpfpin prog run id 42 data_in packet.bin data_out - repeat 1000"),
    )]
    Run {
        #[arg(value_name = "PROG data_in FILE ...", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
    },
    /// Runs per second and average run time per program, statistics on only meanwhile
    #[command(
        override_usage = "bpfpin prog stats [--interval S] [--count N] [--duration S]",
        after_help = live(PROG_STATS_HELP),
        after_long_help = long(&live(PROG_STATS_HELP), "  bpfpin prog stats                                # one sample after 1s\n  bpfpin prog stats --interval 5 --count 1         # one sample over 5s\n  bpfpin prog stats --duration 60                  # a sample a second for a minute\n  bpfpin -j prog stats --interval 2 | jq -c '.rows[] | select(.delta.run_cnt > 0)'"),
    )]
    Stats {
        #[command(flatten)]
        sample: SampleArgs,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum MapCmd {
    /// Show maps: all, or the ones MAP selects
    #[command(
        alias = "s",
        override_usage = "bpfpin map { show | list } [MAP]",
        after_help = MAP_HELP,
        after_long_help = long(MAP_HELP, "  bpfpin map show\n  bpfpin -f map show name counters      # with pinned paths\n  bpfpin -j map show pinned /sys/fs/bpf/xdp_count_maps/xdp_coun_bss"),
    )]
    Show {
        #[arg(value_name = "MAP", hide = true)]
        words: Vec<String>,
    },
    /// Same as show
    #[command(
        alias = "l",
        override_usage = "bpfpin map { show | list } [MAP]",
        after_help = MAP_HELP,
        after_long_help = long(MAP_HELP, "  bpfpin map list\n  bpfpin map list id 42"),
    )]
    List {
        #[arg(value_name = "MAP", hide = true)]
        words: Vec<String>,
    },
    /// Dump every entry of MAP
    #[command(
        alias = "d",
        override_usage = "bpfpin map dump MAP [--hex] [--inner]",
        after_help = MAP_HELP,
        after_long_help = long(MAP_HELP, "  bpfpin map dump pinned /sys/fs/bpf/xdp_count_maps/xdp_coun_bss\n  bpfpin map dump --hex pinned /sys/fs/bpf/maps/stats     # raw bytes even where the map has BTF\n  bpfpin -j map dump id 42 > counts.json\n  bpfpin map dump --inner pinned /sys/fs/bpf/maps/outer   # each slot, then its inner map's entries"),
    )]
    Dump {
        #[arg(value_name = "MAP", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
        /// Raw bytes in bpftool's layout, even where the map has BTF
        #[arg(long)]
        hex: bool,
        /// For a map of maps: each slot, then its inner map's entries, indented
        /// (with -j, an `inner` object with the inner map's id, name and elements)
        #[arg(long)]
        inner: bool,
    },
    /// Look up one key
    #[command(
        alias = "lo",
        override_usage = "bpfpin map lookup MAP key DATA",
        after_help = MAP_EDIT_HELP,
        after_long_help = long(MAP_EDIT_HELP, "  bpfpin map lookup pinned /sys/fs/bpf/m/counts key 1 0 0 0\n  bpfpin map lookup id 42 key hex 01 00 00 00\n  bpfpin -j map lookup name stats key json 2"),
    )]
    Lookup {
        #[arg(value_name = "MAP key DATA", required = true, num_args = 1.., allow_negative_numbers = true, hide = true)]
        words: Vec<String>,
    },
    /// The key after DATA, or the first key
    #[command(
        override_usage = "bpfpin map getnext MAP [key DATA]",
        after_help = MAP_EDIT_HELP,
        after_long_help = long(MAP_EDIT_HELP, "  bpfpin map getnext pinned /sys/fs/bpf/m/counts\n  bpfpin map getnext pinned /sys/fs/bpf/m/counts key 1 0 0 0"),
    )]
    Getnext {
        #[arg(value_name = "MAP [key DATA]", required = true, num_args = 1.., allow_negative_numbers = true, hide = true)]
        words: Vec<String>,
    },
    /// Write one entry, or many with --from
    #[command(
        alias = "u",
        override_usage = "bpfpin map update MAP key DATA value VALUE [any | noexist | exist]\n       bpfpin map update MAP [any | noexist | exist] --from FILE",
        after_help = MAP_EDIT_HELP,
        after_long_help = long(MAP_EDIT_HELP, "  bpfpin map update pinned /sys/fs/bpf/m/counts key 1 0 0 0 value 0 0 0 0 0 0 0 0\n  bpfpin map update pinned /sys/fs/bpf/m/counts key hex 01 00 00 00 value 0 0 0 0 0 0 0 0 noexist\n  bpfpin map update pinned /sys/fs/bpf/m/stats key json 2 value json '{\"packets\": 0, \"bytes\": 0}'\n  bpfpin map update pinned /sys/fs/bpf/sock/tail_map key 0 0 0 0 value pinned /sys/fs/bpf/sock/tail_prog\n  bpfpin -j map dump id 42 > saved.json && bpfpin map update id 42 --from saved.json"),
    )]
    Update {
        #[arg(value_name = "MAP key DATA value VALUE [UPDATE_FLAGS]", required = true, num_args = 1.., allow_negative_numbers = true, hide = true)]
        words: Vec<String>,
        /// A `-j map dump` output or JSON lines to write in batches (`-` for stdin)
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
        /// Add or overwrite, the default (bpftool's `any`)
        #[arg(long, conflicts_with_all = ["noexist", "exist"])]
        any: bool,
        /// Only add: fail if the key exists (bpftool's `noexist`)
        #[arg(long, conflicts_with = "exist")]
        noexist: bool,
        /// Only overwrite: fail if the key is missing (bpftool's `exist`)
        #[arg(long)]
        exist: bool,
    },
    /// Delete one key, or every key with --all
    #[command(
        alias = "de",
        override_usage = "bpfpin map delete MAP key DATA\n       bpfpin map delete MAP --all",
        after_help = MAP_EDIT_HELP,
        after_long_help = long(MAP_EDIT_HELP, "  bpfpin map delete pinned /sys/fs/bpf/m/counts key 1 0 0 0\n  bpfpin map delete pinned /sys/fs/bpf/m/counts --all"),
    )]
    Delete {
        #[arg(value_name = "MAP key DATA", required = true, num_args = 1.., allow_negative_numbers = true, hide = true)]
        words: Vec<String>,
        /// Delete every entry
        #[arg(long)]
        all: bool,
    },
    /// Create a map and pin it at FILE
    #[command(
        alias = "c",
        override_usage = "bpfpin map create FILE type TYPE key KEY_SIZE value VALUE_SIZE entries MAX_ENTRIES name NAME\n                        [flags FLAGS] [inner_map MAP]",
        after_help = CREATE_HELP,
        after_long_help = long(CREATE_HELP, "  bpfpin map create /sys/fs/bpf/counts type hash key 4 value 8 entries 1024 name counts\n  bpfpin map create /sys/fs/bpf/q type queue key 0 value 4 entries 16 name q\n  bpfpin map create /sys/fs/bpf/h type hash key 4 value 8 entries 64 name h flags no_prealloc\n  bpfpin map create /sys/fs/bpf/outer type array_of_maps key 4 value 4 entries 8 name outer inner_map pinned /sys/fs/bpf/counts"),
    )]
    Create {
        #[arg(value_name = "FILE type TYPE key N value N entries N name NAME", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
    },
    /// Pin a map at FILE
    #[command(
        alias = "p",
        override_usage = "bpfpin map pin MAP FILE",
        after_help = MAP_HELP,
        after_long_help = long(MAP_HELP, "  bpfpin map pin id 42 /sys/fs/bpf/keep/counts     # missing directories are created\n  bpfpin map pin name counters /sys/fs/bpf/counters"),
    )]
    Pin {
        #[arg(value_name = "MAP FILE", required = true, num_args = 2.., hide = true)]
        words: Vec<String>,
    },
    /// Make MAP read-only for user space
    #[command(
        alias = "f",
        override_usage = "bpfpin map freeze MAP",
        after_help = MAP_HELP,
        after_long_help = long(MAP_HELP, "  bpfpin map freeze pinned /sys/fs/bpf/m/config"),
    )]
    Freeze {
        #[arg(value_name = "MAP", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
    },
    /// Remove map pins (only pins on bpffs)
    #[command(
        override_usage = "bpfpin map rm PATH... [-r] [--whole-bpffs]",
        after_help = RM_HELP,
        after_long_help = long(RM_HELP, "  bpfpin map rm /sys/fs/bpf/counts\n  bpfpin map rm -r /sys/fs/bpf/xdp_count_maps"),
    )]
    Rm(RmArgs),
    /// Live values and per-second rates
    #[command(
        override_usage = "bpfpin map watch MAP [--interval S] [--count N] [--duration S] [--per-cpu]",
        after_help = live(MAP_WATCH_HELP),
        after_long_help = long(&live(MAP_WATCH_HELP), "  bpfpin map watch pinned /sys/fs/bpf/eth0/xdp_stats_map\n  bpfpin map watch pinned /sys/fs/bpf/eth0/xdp_stats_map --interval 0.5 --per-cpu\n  bpfpin map watch id 42 --duration 10\n  bpfpin -j map watch id 42 --count 3 | jq -c '.rows[] | {key, rate}'"),
    )]
    Watch {
        #[arg(value_name = "MAP", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
        /// Show each CPU's values and rates instead of their sum
        #[arg(long)]
        per_cpu: bool,
        #[command(flatten)]
        sample: SampleArgs,
    },
    /// Push a value onto a queue, stack or bloom filter
    #[command(
        override_usage = "bpfpin map push MAP value VALUE [exist]",
        after_help = MAP_EDIT_HELP,
        after_long_help = long(MAP_EDIT_HELP, "  bpfpin map push pinned /sys/fs/bpf/q value 7 0 0 0\n  bpfpin map push pinned /sys/fs/bpf/q value 8 0 0 0 exist     # a full queue drops its oldest"),
    )]
    Push {
        #[arg(value_name = "MAP value VALUE", required = true, num_args = 1.., allow_negative_numbers = true, hide = true)]
        words: Vec<String>,
        /// A full queue or stack drops its oldest value (bpftool's `exist`)
        #[arg(long)]
        exist: bool,
    },
    /// Same as push
    #[command(
        alias = "e",
        override_usage = "bpfpin map enqueue MAP value VALUE [exist]",
        after_help = MAP_EDIT_HELP,
        after_long_help = long(MAP_EDIT_HELP, "  bpfpin map enqueue pinned /sys/fs/bpf/q value 7 0 0 0"),
    )]
    Enqueue {
        #[arg(value_name = "MAP value VALUE", required = true, num_args = 1.., allow_negative_numbers = true, hide = true)]
        words: Vec<String>,
        /// A full queue or stack drops its oldest value (bpftool's `exist`)
        #[arg(long)]
        exist: bool,
    },
    /// Pop a value from a queue or stack
    #[command(
        override_usage = "bpfpin map pop MAP",
        after_help = MAP_HELP,
        after_long_help = long(MAP_HELP, "  bpfpin map pop pinned /sys/fs/bpf/q\n  bpfpin -j map pop id 42"),
    )]
    Pop {
        #[arg(value_name = "MAP", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
    },
    /// Same as pop
    #[command(
        override_usage = "bpfpin map dequeue MAP",
        after_help = MAP_HELP,
        after_long_help = long(MAP_HELP, "  bpfpin map dequeue pinned /sys/fs/bpf/q"),
    )]
    Dequeue {
        #[arg(value_name = "MAP", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
    },
    /// Read the next value of a queue or stack without removing it
    #[command(
        override_usage = "bpfpin map peek MAP\n       bpfpin map peek MAP value VALUE     (bloom filter: is VALUE in it?)",
        after_help = MAP_EDIT_HELP,
        after_long_help = long(MAP_EDIT_HELP, "  bpfpin map peek pinned /sys/fs/bpf/q\n  bpfpin map peek pinned /sys/fs/bpf/bloom value 7 0 0 0"),
    )]
    Peek {
        #[arg(value_name = "MAP", required = true, num_args = 1.., allow_negative_numbers = true, hide = true)]
        words: Vec<String>,
    },
    /// Stream the records of a ring buffer or perf event array (bpftool's event_pipe)
    #[command(
        alias = "event_pipe",
        override_usage = "bpfpin map events MAP [cpu N index M] [--type NAME [--btf FILE]] [--hex] [--count N] [--duration S]\n       bpfpin map events MAP --write FILE [--type NAME [--btf FILE]]",
        after_help = MAP_EVENTS_HELP,
        after_long_help = long(MAP_EVENTS_HELP, "  bpfpin map events pinned /sys/fs/bpf/execsnoop_maps/events\n  bpfpin -j map events pinned /sys/fs/bpf/execsnoop_maps/events --count 10 | jq -c .formatted\n  bpfpin map events pinned /sys/fs/bpf/execsnoop_maps/perf_events --type event --duration 5\n  bpfpin map event_pipe id 42 cpu 0 index 0        # bpftool's form: one CPU's perf buffer\n  echo '{\"value\": 5, \"tag\": 1, \"pad\": 0}' | bpfpin map events pinned /sys/fs/bpf/m/to_kernel --write - --type user_rec"),
    )]
    Events {
        #[arg(value_name = "MAP [cpu N index M]", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
        /// Print records as this BTF struct of the map's or its programs' BTF
        /// (default: the ring buffer's declared value type, if any)
        #[arg(long = "type", value_name = "NAME")]
        type_name: Option<String>,
        /// Look --type up in this BTF instead: raw BTF or an object's .BTF (e.g. the .bpf.o)
        #[arg(long, value_name = "FILE", requires = "type_name")]
        btf: Option<std::path::PathBuf>,
        /// User ring buffer: write the records of FILE (`-`: stdin), one JSON
        /// line each: `{"data":[bytes]}` (as `map events -j` prints) or, with
        /// --type, a value of that type
        #[arg(long, value_name = "FILE")]
        write: Option<std::path::PathBuf>,
        /// Raw bytes even where the record type is known
        #[arg(long)]
        hex: bool,
        /// Perf event array: read only this CPU (bpftool's `cpu N`; needs --index)
        #[arg(long, value_name = "N")]
        cpu: Option<u32>,
        /// Perf event array: the map index CPU's buffer goes in (bpftool's `index M`)
        #[arg(long, value_name = "M")]
        index: Option<u32>,
        /// Stop after N records
        #[arg(long, value_name = "N")]
        count: Option<u64>,
        /// Stop after S seconds
        #[arg(long, value_name = "S")]
        duration: Option<f64>,
    },
}

const FEATURE_HELP: &str = "COMPONENT := { kernel | dev NAME }   (dev: what the device can offload)\nGROUP := { prog_types | map_types | attach_types | link_types | helpers }\nEvery word has a --flag twin: dev NAME = --dev NAME, full = --full, unprivileged = --unprivileged,\nmacros = --macros, prefix P = --prefix P. `full` also probes the helpers that write to the kernel log\n(bpf_trace_printk, bpf_trace_vprintk, bpf_probe_write_user). Probe programs and maps are closed at once.";

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum FeatureCmd {
    /// Probe the kernel or a device, as bpftool feature probe (same sections, keys and layout)
    #[command(
        alias = "p",
        override_usage = "bpfpin feature probe [kernel | dev NAME] [full] [unprivileged] [macros [prefix PREFIX]]",
        after_help = FEATURE_HELP,
        after_long_help = long(FEATURE_HELP, "  bpfpin feature probe\n  bpfpin feature probe kernel full\n  bpfpin -p feature probe | jq '.helpers.xdp_available_helpers'\n  bpfpin feature probe dev eth0\n  bpfpin feature probe macros prefix BPFPIN_ > bpf_features.h\n  bpfpin feature probe unprivileged"),
    )]
    Probe {
        #[arg(value_name = "COMPONENT", hide = true)]
        words: Vec<String>,
        /// Probe what the device NAME can offload instead of the kernel (word form `dev NAME`)
        #[arg(long, value_name = "NAME")]
        dev: Option<String>,
        /// Also probe the helpers that write to the kernel log (word form `full`)
        #[arg(long)]
        full: bool,
        /// Probe with the BPF capabilities dropped (word form `unprivileged`)
        #[arg(long)]
        unprivileged: bool,
        /// Print C #defines instead of text (word form `macros`)
        #[arg(long)]
        macros: bool,
        /// Prefix of every macro name (word form `prefix P`; implies --macros)
        #[arg(long, value_name = "PREFIX")]
        prefix: Option<String>,
    },
    /// List the names bpfpin knows for a group of kernel enums
    #[command(
        name = "list_builtins",
        aliases = ["l", "list-builtins"],
        override_usage = "bpfpin feature list_builtins { prog_types | map_types | attach_types | link_types | helpers }",
        after_help = FEATURE_HELP,
        after_long_help = long(FEATURE_HELP, "  bpfpin feature list_builtins prog_types\n  bpfpin -j feature list_builtins helpers"),
    )]
    ListBuiltins {
        /// prog_types, map_types, attach_types, link_types or helpers
        #[arg(value_name = "GROUP")]
        group: String,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum NetCmd {
    /// Show XDP, tc and tcx attachments, of all interfaces or `dev NAME`
    #[command(
        alias = "s",
        override_usage = "bpfpin net { show | list } [dev NAME]",
        after_long_help = long("", "  bpfpin net show\n  bpfpin net show dev eth0\n  bpfpin --netns blue -j net show"),
    )]
    Show {
        #[arg(value_name = "dev NAME", hide = true)]
        words: Vec<String>,
    },
    /// Same as show
    #[command(
        alias = "l",
        override_usage = "bpfpin net { show | list } [dev NAME]",
        after_long_help = long("", "  bpfpin net list\n  bpfpin net list dev eth0"),
    )]
    List {
        #[arg(value_name = "dev NAME", hide = true)]
        words: Vec<String>,
    },
    /// Attach PROG to an interface's XDP, tc or tcx hook, or a packet socket
    #[command(
        alias = "a",
        override_usage = "bpfpin net attach { xdp | xdpgeneric | xdpdrv | xdpoffload } PROG dev NAME [overwrite] [--link PATH]\n       bpfpin net attach { tc-ingress | tc-egress } PROG dev NAME [priority N] [handle H]\n       bpfpin net attach { tcx-ingress | tcx-egress } PROG dev NAME [prepend] [--before PROG | --after PROG] [--link PATH]\n       bpfpin net attach socket PROG dev NAME [--interval S] [--count N] [--duration S]",
        after_help = net_attach_help(),
        after_long_help = long(&net_attach_help(), "  bpfpin net attach xdp pinned /sys/fs/bpf/xdp_count dev eth0            # native, else generic; says which\n  bpfpin net attach xdpgeneric pinned /sys/fs/bpf/xdp_count dev eth0 overwrite\n  bpfpin net attach xdp pinned /sys/fs/bpf/xdp_count dev eth0 --link /sys/fs/bpf/xdp_link\n  bpfpin net attach tc-ingress pinned /sys/fs/bpf/tc/tc_count_ingress dev eth0 priority 10\n  bpfpin net attach tcx_egress pinned /sys/fs/bpf/tc/tc_count_egress dev eth0 prepend\n  bpfpin net attach socket pinned /sys/fs/bpf/sock/sock_bw dev eth0 --duration 10   # counters every second\n  bpfpin -j net attach socket pinned /sys/fs/bpf/sock/sock_bw dev eth0 --interval 5 --count 12 > bw.jsonl"),
    )]
    Attach {
        #[arg(value_name = "ATTACH_TYPE PROG dev NAME", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
        /// xdp*: replace the program already on the hook (bpftool's `overwrite`)
        #[arg(long)]
        overwrite: bool,
        /// tcx-*: attach in front of every program on the hook (bpftool's `prepend`)
        #[arg(long)]
        prepend: bool,
        /// Attach through a bpf_link pinned at PATH (the attachment lives as long as the pin)
        #[arg(long, value_name = "PATH")]
        link: Option<PathBuf>,
        /// tc-*: filter priority (word form `priority N`)
        #[arg(long, value_name = "N")]
        priority: Option<u16>,
        /// tc-*: filter handle, decimal or 0x hex (word form `handle H`)
        #[arg(long, value_name = "H", value_parser = number)]
        handle: Option<u32>,
        /// tcx-*: insert before this program (`id N`, a bare number taken as an id, or a pinned path)
        #[arg(long, value_name = "PROG")]
        before: Option<String>,
        /// tcx-*: insert after this program (`id N`, a bare number taken as an id, or a pinned path)
        #[arg(long, value_name = "PROG")]
        after: Option<String>,
        /// socket: how its map counters are sampled while the filter runs
        #[command(flatten)]
        sample: SampleArgs,
    },
    /// Detach what an interface's hook runs
    #[command(
        alias = "d",
        override_usage = "bpfpin net detach { xdp | xdpgeneric | xdpdrv | xdpoffload } dev NAME\n       bpfpin net detach { tc-ingress | tc-egress } dev NAME [priority N] [handle H]\n       bpfpin net detach { tcx-ingress | tcx-egress } [PROG] dev NAME",
        after_help = NET_DETACH_HELP,
        after_long_help = long(NET_DETACH_HELP, "  bpfpin net detach xdp dev eth0\n  bpfpin net detach tc-ingress dev eth0 priority 10\n  bpfpin net detach tcx-egress pinned /sys/fs/bpf/tc/tc_count_egress dev eth0"),
    )]
    Detach {
        #[arg(value_name = "ATTACH_TYPE [PROG] dev NAME", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
        /// tc-*: filter priority (word form `priority N`)
        #[arg(long, value_name = "N")]
        priority: Option<u16>,
        /// tc-*: filter handle, decimal or 0x hex (word form `handle H`)
        #[arg(long, value_name = "H", value_parser = number)]
        handle: Option<u32>,
    },
}

// `bpfpin btf ...` (issue 13): bpftool's `btf` object.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum BtfCmd {
    /// Show BTF objects: all, or `id BTF_ID` (id, name, size, kernel/module, prog and map ids using it)
    #[command(
        alias = "s",
        override_usage = "bpfpin btf { show | list } [id BTF_ID]",
        after_long_help = long("", "  bpfpin btf show\n  bpfpin -j btf show id 1"),
    )]
    Show {
        #[arg(value_name = "BTF", hide = true)]
        words: Vec<String>,
    },
    /// Same as show
    #[command(
        alias = "l",
        override_usage = "bpfpin btf { show | list } [id BTF_ID]",
        after_long_help = long("", "  bpfpin btf list\n  bpfpin btf list id 1"),
    )]
    List {
        #[arg(value_name = "BTF", hide = true)]
        words: Vec<String>,
    },
    /// Dump BTF types: bpftool's raw records (default) or a C header (`format c`, a vmlinux.h)
    #[command(
        alias = "d",
        override_usage = "bpfpin btf dump BTF_SRC [format { raw | c }]",
        after_help = BTF_HELP,
        after_long_help = long(BTF_HELP, "  bpfpin btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h\n  bpfpin btf dump id 1 | grep \"STRUCT 'task_struct'\"\n  bpfpin btf dump file prog.bpf.o\n  bpfpin -j btf dump map pinned /sys/fs/bpf/x_maps/counts kv\n  bpfpin btf dump prog id 42 format c"),
    )]
    Dump {
        #[arg(value_name = "BTF_SRC", hide = true)]
        words: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum LinkCmd {
    /// Show links: all, or the one LINK selects
    #[command(
        alias = "s",
        override_usage = "bpfpin link { show | list } [LINK]",
        after_help = LINK_HELP,
        after_long_help = long(LINK_HELP, "  bpfpin link show\n  bpfpin -j link show pinned /sys/fs/bpf/xdp_link"),
    )]
    Show {
        #[arg(value_name = "LINK", hide = true)]
        words: Vec<String>,
    },
    /// Same as show
    #[command(
        alias = "l",
        override_usage = "bpfpin link { show | list } [LINK]",
        after_help = LINK_HELP,
        after_long_help = long(LINK_HELP, "  bpfpin link list\n  bpfpin link list id 4"),
    )]
    List {
        #[arg(value_name = "LINK", hide = true)]
        words: Vec<String>,
    },
    /// Attach a program through a bpf_link pinned at PATH (the attachment lives as long as the pin)
    #[command(
        alias = "a",
        override_usage = "bpfpin link attach PROG [TARGET] PATH",
        after_help = LINK_ATTACH_HELP,
        after_long_help = long(LINK_ATTACH_HELP, "  bpfpin link attach pinned /sys/fs/bpf/getpid /sys/fs/bpf/getpid_link\n  bpfpin link attach pinned /sys/fs/bpf/p tracepoint syscalls:sys_enter_getpid /sys/fs/bpf/l\n  bpfpin link attach pinned /sys/fs/bpf/p uprobe /usr/bin/bash:readline /sys/fs/bpf/l\n  bpfpin link attach pinned /sys/fs/bpf/p perf_event cpu-clock freq 99 cpu all /sys/fs/bpf/sampler\n  bpfpin link attach pinned /sys/fs/bpf/it iter /sys/fs/bpf/tasks && cat /sys/fs/bpf/tasks"),
    )]
    Attach {
        #[arg(value_name = "PROG [TARGET] PATH", required = true, num_args = 2.., allow_hyphen_values = true, hide = true)]
        words: Vec<String>,
    },
    /// Pin a link at FILE
    #[command(
        alias = "p",
        override_usage = "bpfpin link pin LINK FILE",
        after_help = LINK_HELP,
        after_long_help = long(LINK_HELP, "  bpfpin link pin id 4 /sys/fs/bpf/xdp_link"),
    )]
    Pin {
        #[arg(value_name = "LINK FILE", required = true, num_args = 2.., hide = true)]
        words: Vec<String>,
    },
    /// Detach a link (the attachment ends even if pins remain)
    #[command(
        alias = "d",
        override_usage = "bpfpin link detach LINK",
        after_help = LINK_HELP,
        after_long_help = long(LINK_HELP, "  bpfpin link detach pinned /sys/fs/bpf/xdp_link\n  bpfpin link detach id 4"),
    )]
    Detach {
        #[arg(value_name = "LINK", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum CgroupCmd {
    /// Show the programs attached to CGROUP
    #[command(alias = "s", override_usage = "bpfpin cgroup { show | list } CGROUP [effective]", after_help = CGROUP_HELP, after_long_help = long(CGROUP_HELP, "  bpfpin cgroup show /sys/fs/cgroup/unified/app\n  bpfpin -j cgroup show /sys/fs/cgroup/unified/app effective"))]
    Show {
        #[arg(value_name = "CGROUP [effective]", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
    },
    /// Same as show
    #[command(alias = "l", override_usage = "bpfpin cgroup { show | list } CGROUP [effective]", after_help = CGROUP_HELP, after_long_help = long(CGROUP_HELP, "  bpfpin cgroup list /sys/fs/cgroup/unified/app"))]
    List {
        #[arg(value_name = "CGROUP [effective]", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
    },
    /// Show the programs attached to every cgroup under CGROUP_ROOT
    #[command(alias = "t", override_usage = "bpfpin cgroup tree [CGROUP_ROOT] [effective]", after_help = CGROUP_HELP, after_long_help = long(CGROUP_HELP, "  bpfpin cgroup tree\n  bpfpin -j cgroup tree /sys/fs/cgroup/unified effective"))]
    Tree {
        #[arg(value_name = "[CGROUP_ROOT] [effective]", num_args = 0.., hide = true)]
        words: Vec<String>,
    },
    /// Attach PROG to CGROUP (BPF_PROG_ATTACH; `link attach ... cgroup` makes a link)
    #[command(alias = "a", override_usage = "bpfpin cgroup attach CGROUP ATTACH_TYPE PROG [multi | override]", after_help = CGROUP_HELP, after_long_help = long(CGROUP_HELP, "  bpfpin cgroup attach /sys/fs/cgroup/unified/app egress pinned /sys/fs/bpf/count multi\n  bpfpin cgroup attach /sys/fs/cgroup/unified/app sock_create pinned /sys/fs/bpf/deny"))]
    Attach {
        #[arg(value_name = "CGROUP ATTACH_TYPE PROG", required = true, num_args = 3.., hide = true)]
        words: Vec<String>,
    },
    /// Detach PROG from CGROUP
    #[command(alias = "d", override_usage = "bpfpin cgroup detach CGROUP ATTACH_TYPE PROG", after_help = CGROUP_HELP, after_long_help = long(CGROUP_HELP, "  bpfpin cgroup detach /sys/fs/cgroup/unified/app egress pinned /sys/fs/bpf/count"))]
    Detach {
        #[arg(value_name = "CGROUP ATTACH_TYPE PROG", required = true, num_args = 3.., hide = true)]
        words: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum StructOpsCmd {
    /// Show struct_ops maps: all, or the one selected
    #[command(alias = "s", override_usage = "bpfpin struct_ops { show | list } [STRUCT_OPS_MAP]", after_help = STRUCT_OPS_HELP, after_long_help = long(STRUCT_OPS_HELP, "  bpfpin struct_ops show\n  bpfpin -j struct_ops show name my_cc"))]
    Show {
        #[arg(value_name = "STRUCT_OPS_MAP", num_args = 0.., hide = true)]
        words: Vec<String>,
    },
    /// Same as show
    #[command(alias = "l", override_usage = "bpfpin struct_ops { show | list } [STRUCT_OPS_MAP]", after_help = STRUCT_OPS_HELP, after_long_help = long(STRUCT_OPS_HELP, "  bpfpin struct_ops list"))]
    List {
        #[arg(value_name = "STRUCT_OPS_MAP", num_args = 0.., hide = true)]
        words: Vec<String>,
    },
    /// Dump struct_ops maps with their values, as BTF-typed JSON-like text
    #[command(alias = "d", override_usage = "bpfpin struct_ops dump [STRUCT_OPS_MAP]", after_help = STRUCT_OPS_HELP, after_long_help = long(STRUCT_OPS_HELP, "  bpfpin struct_ops dump id 42"))]
    Dump {
        #[arg(value_name = "STRUCT_OPS_MAP", num_args = 0.., hide = true)]
        words: Vec<String>,
    },
    /// Load OBJ's programs and register its struct_ops maps; .struct_ops.link maps get links pinned in LINK_DIR
    #[command(alias = "r", override_usage = "bpfpin struct_ops register OBJ [LINK_DIR]", after_help = STRUCT_OPS_HELP, after_long_help = long(STRUCT_OPS_HELP, "  bpfpin struct_ops register cc.bpf.o /sys/fs/bpf/cc"))]
    Register {
        /// Compiled BPF object with `.struct_ops` / `.struct_ops.link` maps
        obj: PathBuf,
        /// Directory on bpffs for the links of `.struct_ops.link` maps
        link_dir: Option<PathBuf>,
    },
    /// Unregister a struct_ops map
    #[command(alias = "u", override_usage = "bpfpin struct_ops unregister STRUCT_OPS_MAP", after_help = STRUCT_OPS_HELP, after_long_help = long(STRUCT_OPS_HELP, "  bpfpin struct_ops unregister name my_cc"))]
    Unregister {
        #[arg(value_name = "STRUCT_OPS_MAP", required = true, num_args = 1.., hide = true)]
        words: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum PerfCmd {
    /// List programs attached through perf events: pid, fd, program, type and target
    #[command(
        alias = "s",
        override_usage = "bpfpin perf { show | list }",
        after_help = PERF_HELP,
        after_long_help = long(PERF_HELP, "  bpfpin perf show\n  bpfpin -j perf show")
    )]
    Show,
    /// Same as show
    #[command(
        alias = "l",
        override_usage = "bpfpin perf { show | list }",
        after_help = PERF_HELP,
        after_long_help = long(PERF_HELP, "  bpfpin perf list")
    )]
    List,
}

#[derive(Debug, Clone, Args)]
pub struct ApplyCmd {
    /// The manifest (TOML, or JSON)
    pub file: PathBuf,
    /// Print the plan (create / replace / attach / detach / unchanged) and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Also remove what an earlier apply of this manifest made and it no longer lists
    #[arg(long)]
    pub prune: bool,
    /// Exit 0 when nothing changed, 2 when something changed (1 on error)
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Keep converging: re-apply when the manifest changes or the host drifts
    /// (one JSON line per action on stdout; SIGTERM stops, leaving the state)
    #[arg(long, conflicts_with_all = ["dry_run", "detailed_exitcode"])]
    pub watch: bool,
    /// Seconds between drift checks with --watch [default: 5]
    #[arg(long, value_name = "S", requires = "watch")]
    pub interval: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    fn parses(line: &str) -> Cli {
        let args = std::iter::once("bpfpin").chain(line.split_whitespace()).map(std::ffi::OsString::from);
        Cli::try_parse_from(hoist_global_flags(args)).unwrap_or_else(|e| panic!("`{line}` did not parse: {e}"))
    }

    /// Every synopsis line of DESIGN.md, with concrete words filled in.
    #[test]
    fn design_synopsis_lines_parse() {
        let lines = [
            "-j -p -f -n -d --netns ns1 prog show",
            "prog load x.o /sys/fs/bpf/p --type xdp --prog f --pin-maps /sys/fs/bpf/m --map m1=id:3 --reuse-maps --verifier-log",
            "prog load x.o /sys/fs/bpf/p --replace-maps",
            "prog load x.o /sys/fs/bpf/p type xdp pinmaps /sys/fs/bpf/m map name m1 id 3",
            "prog load x.o /sys/fs/bpf/p map idx 0 pinned /sys/fs/bpf/m",
            "prog loadall x.o /sys/fs/bpf/d --pin-maps /sys/fs/bpf/m",
            "prog show",
            "prog list id 5",
            "prog show pinned /sys/fs/bpf/p",
            "prog show name foo",
            "prog show tag 0123456789abcdef",
            "prog show /sys/fs/bpf/p",
            "prog dump xlated id 5 --opcodes --linum",
            "prog dump jited id 5",
            "prog pin id 5 /sys/fs/bpf/p",
            "prog rm /sys/fs/bpf/p /sys/fs/bpf/q -r",
            "prog attach id 5 sk_skb_stream_verdict pinned /sys/fs/bpf/sockmap",
            "prog detach id 5 sk_msg_verdict id 7",
            "prog tracelog",
            "prog run id 5 data_in pkt.bin data_out out.bin ctx_in ctx.bin repeat 100",
            "prog stats --duration 2",
            "prog stats --interval 0.5 --count 2",
            "map show",
            "map list id 3",
            "map dump id 3 --hex",
            "map lookup id 3 key 1 0 0 0",
            "map getnext id 3",
            "map getnext id 3 key hex 01 00 00 00",
            "map update id 3 key 1 0 0 0 value 2 0 0 0 0 0 0 0 noexist",
            "map update id 3 key 1 0 0 0 value 2 0 0 0 0 0 0 0 --noexist",
            "map push id 3 value 1 0 0 0 --exist",
            "map update id 3 key json 5 value json {\"packets\":0}",
            "map update pinned /sys/fs/bpf/m --from dump.json",
            "map delete id 3 key 0x01 0 0 0",
            "map delete id 3 --all",
            "map create /sys/fs/bpf/m type hash key 4 value 8 entries 16 name m flags 1",
            "map pin id 3 /sys/fs/bpf/m",
            "map freeze id 3",
            "map rm /sys/fs/bpf/m -r",
            "map watch id 3 --interval 0.5 --count 2",
            "map watch id 3 --duration 10 --per-cpu",
            "map push id 3 value 1 0 0 0",
            "map enqueue id 3 value 1 0 0 0",
            "map pop id 3",
            "map dequeue id 3",
            "map peek id 3",
            "net show",
            "net list dev eth0",
            "net attach xdp id 5 dev eth0 overwrite",
            "net attach xdpgeneric pinned /sys/fs/bpf/p dev eth0 --link /sys/fs/bpf/l",
            "net attach xdpdrv id 5 dev eth0",
            "net attach xdpoffload id 5 dev eth0",
            "net attach tc-ingress id 5 dev eth0 --priority 3 --handle 2",
            "net attach tc-ingress id 5 dev eth0 --handle 0x2",
            "net detach tc-ingress dev eth0 --priority 3 --handle 0x2",
            "net detach tcx-ingress id 5 dev eth0",
            "net attach tc-egress id 5 dev eth0",
            "net attach tcx-ingress id 5 dev eth0 --link /sys/fs/bpf/l",
            "net attach tcx_egress id 5 dev eth0",
            "net attach socket id 5 dev eth0 --duration 1",
            "net attach socket id 5 dev eth0 --interval 0.2 --count 3",
            "net detach xdp dev eth0",
            "net attach xdp id 5 dev eth0 --overwrite",
            "net attach tcx_ingress id 5 dev eth0 prepend",
            "net attach tcx-ingress id 5 dev eth0 --prepend",
            "net attach tc-ingress id 5 dev eth0 priority 3 handle 0x2",
            "net detach tc-egress dev eth0 priority 3",
            "prog dump xlated id 5 opcodes linum visual",
            "link show",
            "link list id 4",
            "link pin id 4 /sys/fs/bpf/l",
            "link detach pinned /sys/fs/bpf/l",
            "ls",
            "ls /sys/fs/bpf/x",
            "completions bash",
            "doctor",
            "feature probe",
            "feature probe kernel full macros prefix X_",
            "feature probe dev eth0 unprivileged",
            "feature probe --dev eth0 --full --macros --prefix X_ --unprivileged",
            "feature list_builtins helpers",
            "feature list-builtins prog_types",
        ];
        for line in lines {
            parses(line);
        }
    }

    /// bpftool habits: unique prefixes, and the first-row choice where clap
    /// would call a prefix ambiguous.
    #[test]
    fn bpftool_abbreviations() {
        assert!(matches!(parses("p s").object, Object::Prog(Sub { cmd: ProgCmd::Show { .. }, .. })));
        assert!(matches!(parses("p l").object, Object::Prog(Sub { cmd: ProgCmd::List { .. }, .. })));
        assert!(matches!(parses("p d xlated id 1").object, Object::Prog(Sub { cmd: ProgCmd::Dump { .. }, .. })));
        assert!(matches!(parses("m d pinned /sys/fs/bpf/x").object, Object::Map(Sub { cmd: MapCmd::Dump { .. }, .. })));
        assert!(matches!(parses("m s").object, Object::Map(Sub { cmd: MapCmd::Show { .. }, .. })));
        assert!(matches!(parses("m lo id 1 key 0").object, Object::Map(Sub { cmd: MapCmd::Lookup { .. }, .. })));
        assert!(matches!(parses("m u id 1 key 0 value 0").object, Object::Map(Sub { cmd: MapCmd::Update { .. }, .. })));
        assert!(matches!(parses("m de id 1 key 0").object, Object::Map(Sub { cmd: MapCmd::Delete { .. }, .. })));
        assert!(matches!(parses("m g id 1").object, Object::Map(Sub { cmd: MapCmd::Getnext { .. }, .. })));
        assert!(matches!(
            parses("m event_pipe id 1 cpu 0 index 0").object,
            Object::Map(Sub { cmd: MapCmd::Events { .. }, .. })
        ));
        assert!(matches!(
            parses("m ev id 1 --type event --count 3").object,
            Object::Map(Sub { cmd: MapCmd::Events { .. }, .. })
        ));
        assert!(matches!(parses("n s").object, Object::Net(Sub { cmd: NetCmd::Show { .. }, .. })));
        assert!(matches!(parses("l s").object, Object::Link(Sub { cmd: LinkCmd::Show { .. }, .. })));
        assert!(matches!(parses("li s").object, Object::Link(Sub { cmd: LinkCmd::Show { .. }, .. })));
        assert!(matches!(
            parses("prog loada x.o /sys/fs/bpf/d").object,
            Object::Prog(Sub { cmd: ProgCmd::Loadall { .. }, .. })
        ));
    }

    /// Global flags are listed once, at the top, yet taken after the verb
    /// (bpftool's `bpftool map show -j`).
    #[test]
    fn global_flags_after_the_verb() {
        let c = parses("map show -j");
        assert!(c.global.json() && !c.global.pretty);
        let c = parses("net show dev eth0 --netns blue -f -d -n -p");
        assert!(c.global.pretty && c.global.bpffs && c.global.debug && c.global.nomount);
        assert_eq!(c.global.netns.as_deref(), Some("blue"));
        let c = parses("prog rm -rf /sys/fs/bpf/x");
        assert!(
            c.global.bpffs
                && matches!(c.object, Object::Prog(Sub { cmd: ProgCmd::Rm(RmArgs { recursive: true, .. }) }))
        );
        let mut cmd = Cli::command();
        cmd.build();
        let map = cmd.find_subcommand("map").unwrap();
        let show = map.find_subcommand("show").unwrap();
        for c in [map, show] {
            assert!(c.get_arguments().all(|a| a.get_id() != "json"), "{} has its own --json", c.get_name());
        }
        // Words after `--` stay where they are.
        let words: Vec<std::ffi::OsString> =
            ["bpfpin", "__complete", "bash", "2", "--", "map", "-j"].map(Into::into).to_vec();
        assert_eq!(hoist_global_flags(words.clone()), words);
    }

    /// The live commands take the same sampling flags, from one definition.
    #[test]
    fn live_commands_share_the_sampling_options() {
        let want = SampleArgs { interval: Some(0.2), count: Some(2), duration: Some(3.0) };
        let flags = "--interval 0.2 --count 2 --duration 3";
        let got = [
            match parses(&format!("map watch id 3 {flags}")).object {
                Object::Map(Sub { cmd: MapCmd::Watch { sample, .. }, .. }) => sample,
                o => panic!("{o:?}"),
            },
            match parses(&format!("net attach socket id 5 dev eth0 {flags}")).object {
                Object::Net(Sub { cmd: NetCmd::Attach { sample, .. }, .. }) => sample,
                o => panic!("{o:?}"),
            },
            match parses(&format!("prog stats {flags}")).object {
                Object::Prog(Sub { cmd: ProgCmd::Stats { sample }, .. }) => sample,
                o => panic!("{o:?}"),
            },
        ];
        for s in got {
            assert_eq!((s.interval, s.count, s.duration), (want.interval, want.count, want.duration));
        }
        let mut cmd = Cli::command();
        cmd.build();
        for path in [["map", "watch"], ["net", "attach"], ["prog", "stats"]] {
            let verb = cmd.find_subcommand(path[0]).unwrap().find_subcommand(path[1]).unwrap();
            let help = verb.get_after_long_help().unwrap().to_string();
            assert!(help.contains("\"rows\"") && help.contains(EXAMPLES_HEADING), "{path:?}: {help}");
        }
    }

    #[test]
    fn pretty_implies_json() {
        assert!(parses("-p prog show").global.json());
        assert!(!parses("prog show").global.json());
    }
}
