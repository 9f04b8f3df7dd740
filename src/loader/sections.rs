//! Stage `sections` of the loader (see mod.rs): a program's ELF section name
//! → the program type, expected attach type, load flags and BTF attach
//! target `BPF_PROG_LOAD` needs.
//!
//! The table follows libbpf 1.x's `section_defs` (same types, attach types
//! and flags, same "exact", "kind or kind/ARG" and "kind/ARG" matching).
//! aya-obj 0.3 refuses a whole object when one section name is missing from
//! its own, shorter table and has no expected attach type for half of these
//! kinds, which is why bpfpin keeps its own.
//!
//! Names libbpf 1.x no longer accepts but older loaders did keep working,
//! after the libbpf 1.x names have been tried:
//! - libbpf 0.x's prefix matching (`socket1`, `xdp_redirect`, `classifier_x`,
//!   `cgroup/sock_create_x`, `sk_skb/anything`...) for the kinds libbpf 0.x
//!   matched by prefix, in libbpf's table order;
//! - aya's and iproute2's tails: any name libbpf matches exactly, followed
//!   by `/` and anything (`tc/foo`, `xdp/cpumap/foo`, `sk_skb/verdict/foo`);
//! - libbpf 0.x's `xdp_devmap/` and `xdp_cpumap/` (also without the slash,
//!   as bpfpin has always taken them).
//!
//! Legacy names that do not say what they load, so the user passes `--type`:
//! - names with no type in them at all: iproute2's default section `prog`
//!   (XDP and LWT programs alike), tc sections such as `ingress`/`egress`,
//!   cilium's `from-netdev`; `spec` answers `None` for them;
//! - bare `sk_skb`: a stream parser and a stream verdict program are both
//!   written so; it loads, as in libbpf, without an expected attach type,
//!   which the kernel accepts for either attachment (aya used to load it as
//!   `sk_skb/stream_verdict`);
//! - `xdp_*` names: iproute2-era programs for an interface, a devmap or a
//!   cpumap all used them; only `xdp_devmap*`/`xdp_cpumap*` load as the
//!   latter two, every other `xdp*` name loads for an interface;
//! - `cgroup/skb` and bare `tc`/`classifier`: ingress or egress is decided
//!   when attaching, the kernel loads both the same way.

use aya_obj::generated::{BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS, bpf_attach_type as at, bpf_prog_type as pt};

/// Attach types newer than aya-obj 0.3's bindings (include/uapi/linux/bpf.h
/// continues `enum bpf_attach_type` after `BPF_NETKIT_PEER` = 55 in this
/// order). Only a kernel that has them accepts these kinds.
const BPF_TRACE_KPROBE_SESSION: u32 = 56;
const BPF_TRACE_UPROBE_SESSION: u32 = 57;
const BPF_TRACE_FSESSION: u32 = 58;
const BPF_TRACE_FENTRY_MULTI: u32 = 59;
const BPF_TRACE_FEXIT_MULTI: u32 = 60;
const BPF_TRACE_FSESSION_MULTI: u32 = 61;

/// How a program loads, read from its section name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecSpec {
    /// `bpf_prog_type`.
    pub prog_type: u32,
    /// `bpf_attach_type` passed in `BPF_PROG_LOAD`.
    ///
    /// For `usdt`/`usdt.s` this is libbpf's table value (none); libbpf
    /// itself switches to `BPF_TRACE_UPROBE_MULTI` when the kernel has
    /// uprobe-multi links (6.6+), because its USDT runtime attaches through
    /// them.
    pub expected_attach_type: Option<u32>,
    pub target: Target,
    /// `BPF_F_SLEEPABLE` (`.s` kinds, `syscall`), `BPF_F_XDP_HAS_FRAGS`
    /// (`xdp.frags`).
    pub prog_flags: u32,
    /// The libbpf kind as written in libbpf's table, e.g. "fentry",
    /// "tp_btf", "cgroup/connect4"; for a legacy name, the kind it stands
    /// for ("socket" for `socket1`, "xdp/devmap" for `xdp_devmap/foo`).
    pub kind: &'static str,
}

/// Which BTF object a program is verified against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    None,
    /// A kernel BTF object fixed at load time: look up `name` of BTF kind
    /// `kind` in vmlinux, then in module BTF. `module` is set when the
    /// section says `MODULE:NAME` (libbpf's syntax; "vmlinux" counts as a
    /// module name too): only that module's BTF (or vmlinux) is searched.
    Kernel {
        name: String,
        kind: KernelKind,
        module: Option<String>,
    },
    /// freplace: the target program is given by the user (`--attach-prog`);
    /// `func` is the function replaced in it.
    Program {
        func: String,
    },
    /// struct_ops programs: the attach BTF id and member come from the
    /// `.struct_ops` map.
    StructOps,
    /// The kind needs a BTF attach target but the section names none (a
    /// bare `SEC("fentry")`, which libbpf loads only after
    /// `bpf_program__set_attach_target()`): ask the user for one and build
    /// it with `SecSpec::attach_target`.
    Unnamed,
}

/// The BTF kind of a kernel attach target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KernelKind {
    Func,
    Typedef,
}

/// How libbpf matches a table entry against a section name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// The whole name (`"xdp"`).
    Exact,
    /// The name, or the name followed by `/ARG` (libbpf's `"kprobe+"`).
    Plus,
}

// Table flags (libbpf's SEC_* cookies, plus bpfpin's legacy flag).
const SLEEPABLE: u8 = 1;
const XDP_FRAGS: u8 = 2;
/// libbpf 0.x matched this entry by prefix (SEC_SLOPPY_PFX).
const PREFIX: u8 = 4;

struct Def {
    sec: &'static str,
    form: Form,
    prog_type: pt,
    attach: Option<u32>,
    flags: u8,
}

const fn d(sec: &'static str, form: Form, prog_type: pt, attach: Option<u32>, flags: u8) -> Def {
    Def { sec, form, prog_type, attach, flags }
}

const fn a(attach: at) -> Option<u32> {
    Some(attach as u32)
}

use Form::{Exact, Plus};

/// libbpf's `section_defs`, in its order (the first match wins).
#[rustfmt::skip]
const TABLE: &[Def] = &[
    d("socket", Exact, pt::BPF_PROG_TYPE_SOCKET_FILTER, None, PREFIX),
    d("sk_reuseport/migrate", Exact, pt::BPF_PROG_TYPE_SK_REUSEPORT, a(at::BPF_SK_REUSEPORT_SELECT_OR_MIGRATE), PREFIX),
    d("sk_reuseport", Exact, pt::BPF_PROG_TYPE_SK_REUSEPORT, a(at::BPF_SK_REUSEPORT_SELECT), PREFIX),
    d("kprobe", Plus, pt::BPF_PROG_TYPE_KPROBE, None, 0),
    d("uprobe", Plus, pt::BPF_PROG_TYPE_KPROBE, None, 0),
    d("uprobe.s", Plus, pt::BPF_PROG_TYPE_KPROBE, None, SLEEPABLE),
    d("kretprobe", Plus, pt::BPF_PROG_TYPE_KPROBE, None, 0),
    d("uretprobe", Plus, pt::BPF_PROG_TYPE_KPROBE, None, 0),
    d("uretprobe.s", Plus, pt::BPF_PROG_TYPE_KPROBE, None, SLEEPABLE),
    d("kprobe.multi", Plus, pt::BPF_PROG_TYPE_KPROBE, a(at::BPF_TRACE_KPROBE_MULTI), 0),
    d("kretprobe.multi", Plus, pt::BPF_PROG_TYPE_KPROBE, a(at::BPF_TRACE_KPROBE_MULTI), 0),
    d("kprobe.session", Plus, pt::BPF_PROG_TYPE_KPROBE, Some(BPF_TRACE_KPROBE_SESSION), 0),
    d("uprobe.multi", Plus, pt::BPF_PROG_TYPE_KPROBE, a(at::BPF_TRACE_UPROBE_MULTI), 0),
    d("uretprobe.multi", Plus, pt::BPF_PROG_TYPE_KPROBE, a(at::BPF_TRACE_UPROBE_MULTI), 0),
    d("uprobe.session", Plus, pt::BPF_PROG_TYPE_KPROBE, Some(BPF_TRACE_UPROBE_SESSION), 0),
    d("uprobe.multi.s", Plus, pt::BPF_PROG_TYPE_KPROBE, a(at::BPF_TRACE_UPROBE_MULTI), SLEEPABLE),
    d("uretprobe.multi.s", Plus, pt::BPF_PROG_TYPE_KPROBE, a(at::BPF_TRACE_UPROBE_MULTI), SLEEPABLE),
    d("uprobe.session.s", Plus, pt::BPF_PROG_TYPE_KPROBE, Some(BPF_TRACE_UPROBE_SESSION), SLEEPABLE),
    d("ksyscall", Plus, pt::BPF_PROG_TYPE_KPROBE, None, 0),
    d("kretsyscall", Plus, pt::BPF_PROG_TYPE_KPROBE, None, 0),
    d("usdt", Plus, pt::BPF_PROG_TYPE_KPROBE, None, 0),
    d("usdt.s", Plus, pt::BPF_PROG_TYPE_KPROBE, None, SLEEPABLE),
    d("tc/ingress", Exact, pt::BPF_PROG_TYPE_SCHED_CLS, a(at::BPF_TCX_INGRESS), 0),
    d("tc/egress", Exact, pt::BPF_PROG_TYPE_SCHED_CLS, a(at::BPF_TCX_EGRESS), 0),
    d("tcx/ingress", Exact, pt::BPF_PROG_TYPE_SCHED_CLS, a(at::BPF_TCX_INGRESS), 0),
    d("tcx/egress", Exact, pt::BPF_PROG_TYPE_SCHED_CLS, a(at::BPF_TCX_EGRESS), 0),
    d("tc", Exact, pt::BPF_PROG_TYPE_SCHED_CLS, None, 0),
    d("classifier", Exact, pt::BPF_PROG_TYPE_SCHED_CLS, None, PREFIX),
    d("action", Exact, pt::BPF_PROG_TYPE_SCHED_ACT, None, PREFIX),
    d("netkit/primary", Exact, pt::BPF_PROG_TYPE_SCHED_CLS, a(at::BPF_NETKIT_PRIMARY), 0),
    d("netkit/peer", Exact, pt::BPF_PROG_TYPE_SCHED_CLS, a(at::BPF_NETKIT_PEER), 0),
    d("tracepoint", Plus, pt::BPF_PROG_TYPE_TRACEPOINT, None, 0),
    d("tp", Plus, pt::BPF_PROG_TYPE_TRACEPOINT, None, 0),
    d("tracepoint.s", Plus, pt::BPF_PROG_TYPE_TRACEPOINT, None, SLEEPABLE),
    d("tp.s", Plus, pt::BPF_PROG_TYPE_TRACEPOINT, None, SLEEPABLE),
    d("raw_tracepoint", Plus, pt::BPF_PROG_TYPE_RAW_TRACEPOINT, None, 0),
    d("raw_tp", Plus, pt::BPF_PROG_TYPE_RAW_TRACEPOINT, None, 0),
    d("raw_tracepoint.s", Plus, pt::BPF_PROG_TYPE_RAW_TRACEPOINT, None, SLEEPABLE),
    d("raw_tp.s", Plus, pt::BPF_PROG_TYPE_RAW_TRACEPOINT, None, SLEEPABLE),
    d("raw_tracepoint.w", Plus, pt::BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, None, 0),
    d("raw_tp.w", Plus, pt::BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, None, 0),
    d("tp_btf", Plus, pt::BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_RAW_TP), 0),
    d("tp_btf.s", Plus, pt::BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_RAW_TP), SLEEPABLE),
    d("fentry", Plus, pt::BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_FENTRY), 0),
    d("fmod_ret", Plus, pt::BPF_PROG_TYPE_TRACING, a(at::BPF_MODIFY_RETURN), 0),
    d("fexit", Plus, pt::BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_FEXIT), 0),
    d("fentry.s", Plus, pt::BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_FENTRY), SLEEPABLE),
    d("fmod_ret.s", Plus, pt::BPF_PROG_TYPE_TRACING, a(at::BPF_MODIFY_RETURN), SLEEPABLE),
    d("fexit.s", Plus, pt::BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_FEXIT), SLEEPABLE),
    d("fsession", Plus, pt::BPF_PROG_TYPE_TRACING, Some(BPF_TRACE_FSESSION), 0),
    d("fsession.s", Plus, pt::BPF_PROG_TYPE_TRACING, Some(BPF_TRACE_FSESSION), SLEEPABLE),
    d("fsession.multi", Plus, pt::BPF_PROG_TYPE_TRACING, Some(BPF_TRACE_FSESSION_MULTI), 0),
    d("fsession.multi.s", Plus, pt::BPF_PROG_TYPE_TRACING, Some(BPF_TRACE_FSESSION_MULTI), SLEEPABLE),
    d("fentry.multi", Plus, pt::BPF_PROG_TYPE_TRACING, Some(BPF_TRACE_FENTRY_MULTI), 0),
    d("fexit.multi", Plus, pt::BPF_PROG_TYPE_TRACING, Some(BPF_TRACE_FEXIT_MULTI), 0),
    d("fentry.multi.s", Plus, pt::BPF_PROG_TYPE_TRACING, Some(BPF_TRACE_FENTRY_MULTI), SLEEPABLE),
    d("fexit.multi.s", Plus, pt::BPF_PROG_TYPE_TRACING, Some(BPF_TRACE_FEXIT_MULTI), SLEEPABLE),
    d("freplace", Plus, pt::BPF_PROG_TYPE_EXT, None, 0),
    d("lsm", Plus, pt::BPF_PROG_TYPE_LSM, a(at::BPF_LSM_MAC), 0),
    d("lsm.s", Plus, pt::BPF_PROG_TYPE_LSM, a(at::BPF_LSM_MAC), SLEEPABLE),
    d("lsm_cgroup", Plus, pt::BPF_PROG_TYPE_LSM, a(at::BPF_LSM_CGROUP), 0),
    d("iter", Plus, pt::BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_ITER), 0),
    d("iter.s", Plus, pt::BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_ITER), SLEEPABLE),
    d("syscall", Exact, pt::BPF_PROG_TYPE_SYSCALL, None, SLEEPABLE),
    d("xdp.frags/devmap", Exact, pt::BPF_PROG_TYPE_XDP, a(at::BPF_XDP_DEVMAP), XDP_FRAGS),
    d("xdp/devmap", Exact, pt::BPF_PROG_TYPE_XDP, a(at::BPF_XDP_DEVMAP), 0),
    d("xdp.frags/cpumap", Exact, pt::BPF_PROG_TYPE_XDP, a(at::BPF_XDP_CPUMAP), XDP_FRAGS),
    d("xdp/cpumap", Exact, pt::BPF_PROG_TYPE_XDP, a(at::BPF_XDP_CPUMAP), 0),
    d("xdp.frags", Exact, pt::BPF_PROG_TYPE_XDP, a(at::BPF_XDP), XDP_FRAGS),
    d("xdp", Exact, pt::BPF_PROG_TYPE_XDP, a(at::BPF_XDP), PREFIX),
    d("perf_event", Exact, pt::BPF_PROG_TYPE_PERF_EVENT, None, PREFIX),
    d("lwt_in", Exact, pt::BPF_PROG_TYPE_LWT_IN, None, PREFIX),
    d("lwt_out", Exact, pt::BPF_PROG_TYPE_LWT_OUT, None, PREFIX),
    d("lwt_xmit", Exact, pt::BPF_PROG_TYPE_LWT_XMIT, None, PREFIX),
    d("lwt_seg6local", Exact, pt::BPF_PROG_TYPE_LWT_SEG6LOCAL, None, PREFIX),
    d("sockops", Exact, pt::BPF_PROG_TYPE_SOCK_OPS, a(at::BPF_CGROUP_SOCK_OPS), PREFIX),
    d("sk_skb/stream_parser", Exact, pt::BPF_PROG_TYPE_SK_SKB, a(at::BPF_SK_SKB_STREAM_PARSER), PREFIX),
    d("sk_skb/stream_verdict", Exact, pt::BPF_PROG_TYPE_SK_SKB, a(at::BPF_SK_SKB_STREAM_VERDICT), PREFIX),
    d("sk_skb/verdict", Exact, pt::BPF_PROG_TYPE_SK_SKB, a(at::BPF_SK_SKB_VERDICT), 0),
    d("sk_skb", Exact, pt::BPF_PROG_TYPE_SK_SKB, None, PREFIX),
    d("sk_msg", Exact, pt::BPF_PROG_TYPE_SK_MSG, a(at::BPF_SK_MSG_VERDICT), PREFIX),
    d("lirc_mode2", Exact, pt::BPF_PROG_TYPE_LIRC_MODE2, a(at::BPF_LIRC_MODE2), PREFIX),
    d("flow_dissector", Exact, pt::BPF_PROG_TYPE_FLOW_DISSECTOR, a(at::BPF_FLOW_DISSECTOR), PREFIX),
    d("cgroup_skb/ingress", Exact, pt::BPF_PROG_TYPE_CGROUP_SKB, a(at::BPF_CGROUP_INET_INGRESS), PREFIX),
    d("cgroup_skb/egress", Exact, pt::BPF_PROG_TYPE_CGROUP_SKB, a(at::BPF_CGROUP_INET_EGRESS), PREFIX),
    d("cgroup/skb", Exact, pt::BPF_PROG_TYPE_CGROUP_SKB, None, PREFIX),
    d("cgroup/sock_create", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK, a(at::BPF_CGROUP_INET_SOCK_CREATE), PREFIX),
    d("cgroup/sock_release", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK, a(at::BPF_CGROUP_INET_SOCK_RELEASE), PREFIX),
    d("cgroup/sock", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK, a(at::BPF_CGROUP_INET_SOCK_CREATE), PREFIX),
    d("cgroup/post_bind4", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK, a(at::BPF_CGROUP_INET4_POST_BIND), PREFIX),
    d("cgroup/post_bind6", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK, a(at::BPF_CGROUP_INET6_POST_BIND), PREFIX),
    d("cgroup/bind4", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_INET4_BIND), PREFIX),
    d("cgroup/bind6", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_INET6_BIND), PREFIX),
    d("cgroup/connect4", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_INET4_CONNECT), PREFIX),
    d("cgroup/connect6", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_INET6_CONNECT), PREFIX),
    d("cgroup/connect_unix", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_UNIX_CONNECT), 0),
    d("cgroup/sendmsg4", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_UDP4_SENDMSG), PREFIX),
    d("cgroup/sendmsg6", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_UDP6_SENDMSG), PREFIX),
    d("cgroup/sendmsg_unix", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_UNIX_SENDMSG), 0),
    d("cgroup/recvmsg4", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_UDP4_RECVMSG), PREFIX),
    d("cgroup/recvmsg6", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_UDP6_RECVMSG), PREFIX),
    d("cgroup/recvmsg_unix", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_UNIX_RECVMSG), 0),
    d("cgroup/getpeername4", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_INET4_GETPEERNAME), PREFIX),
    d("cgroup/getpeername6", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_INET6_GETPEERNAME), PREFIX),
    d("cgroup/getpeername_unix", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_UNIX_GETPEERNAME), 0),
    d("cgroup/getsockname4", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_INET4_GETSOCKNAME), PREFIX),
    d("cgroup/getsockname6", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_INET6_GETSOCKNAME), PREFIX),
    d("cgroup/getsockname_unix", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR, a(at::BPF_CGROUP_UNIX_GETSOCKNAME), 0),
    d("cgroup/sysctl", Exact, pt::BPF_PROG_TYPE_CGROUP_SYSCTL, a(at::BPF_CGROUP_SYSCTL), PREFIX),
    d("cgroup/getsockopt", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCKOPT, a(at::BPF_CGROUP_GETSOCKOPT), PREFIX),
    d("cgroup/setsockopt", Exact, pt::BPF_PROG_TYPE_CGROUP_SOCKOPT, a(at::BPF_CGROUP_SETSOCKOPT), PREFIX),
    d("cgroup/dev", Exact, pt::BPF_PROG_TYPE_CGROUP_DEVICE, a(at::BPF_CGROUP_DEVICE), PREFIX),
    d("struct_ops", Plus, pt::BPF_PROG_TYPE_STRUCT_OPS, None, 0),
    d("struct_ops.s", Plus, pt::BPF_PROG_TYPE_STRUCT_OPS, None, SLEEPABLE),
    d("sk_lookup", Exact, pt::BPF_PROG_TYPE_SK_LOOKUP, a(at::BPF_SK_LOOKUP), PREFIX),
    d("netfilter", Exact, pt::BPF_PROG_TYPE_NETFILTER, a(at::BPF_NETFILTER), 0),
];

/// libbpf 0.x's deprecated `xdp_devmap/` and `xdp_cpumap/`, tried before the
/// prefix pass so `xdp` does not claim them; `kind` is the 1.x name.
#[rustfmt::skip]
const LEGACY_ONLY: &[(&str, &str)] = &[
    ("xdp_devmap", "xdp/devmap"),
    ("xdp_cpumap", "xdp/cpumap"),
];

fn matches(def: &Def, section: &str) -> bool {
    match def.form {
        Form::Exact => section == def.sec,
        Form::Plus => section.strip_prefix(def.sec).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')),
    }
}

/// The legacy reading of a name no libbpf 1.x entry matches.
fn matches_legacy(def: &Def, section: &str) -> bool {
    if def.flags & PREFIX != 0 && section.starts_with(def.sec) {
        return true;
    }
    def.form == Form::Exact && section.strip_prefix(def.sec).is_some_and(|rest| rest.starts_with('/'))
}

fn def_by_kind(kind: &str) -> Option<&'static Def> {
    TABLE.iter().find(|def| def.sec == kind)
}

/// How `section` loads; `None` when it is not a name libbpf (1.x or 0.x),
/// aya or iproute2 knows.
pub fn spec(section: &str) -> Option<SecSpec> {
    if let Some(def) = TABLE.iter().find(|def| matches(def, section)) {
        return Some(build(def, section));
    }
    if let Some((_, kind)) = LEGACY_ONLY.iter().find(|(prefix, _)| section.starts_with(prefix)) {
        // Legacy names never carry a BTF target: build from the bare kind.
        return def_by_kind(kind).map(|def| build(def, def.sec));
    }
    TABLE.iter().find(|def| matches_legacy(def, section)).map(|def| build(def, def.sec))
}

fn build(def: &'static Def, section: &str) -> SecSpec {
    let mut prog_flags = 0;
    if def.flags & SLEEPABLE != 0 {
        prog_flags |= BPF_F_SLEEPABLE;
    }
    if def.flags & XDP_FRAGS != 0 {
        prog_flags |= BPF_F_XDP_HAS_FRAGS;
    }
    let mut spec = SecSpec {
        prog_type: def.prog_type as u32,
        expected_attach_type: def.attach,
        target: Target::None,
        prog_flags,
        kind: def.sec,
    };
    spec.target = match section.split_once('/') {
        // libbpf takes everything after the first '/' as the target name.
        Some((_, name)) if def.form == Form::Plus => spec.attach_target(name),
        _ => spec.attach_target(""),
    };
    spec
}

impl SecSpec {
    /// Whether `BPF_PROG_LOAD` needs an attach BTF id for this kind
    /// (libbpf's SEC_ATTACH_BTF kinds).
    pub fn needs_btf_target(&self) -> bool {
        let multi = [BPF_TRACE_FENTRY_MULTI, BPF_TRACE_FEXIT_MULTI, BPF_TRACE_FSESSION_MULTI];
        match self.prog_type {
            t if t == pt::BPF_PROG_TYPE_TRACING as u32 => {
                !self.expected_attach_type.is_some_and(|a| multi.contains(&a))
            }
            t => t == pt::BPF_PROG_TYPE_LSM as u32 || t == pt::BPF_PROG_TYPE_EXT as u32,
        }
    }

    /// The target for an attach name given apart from the section (what
    /// libbpf's `bpf_program__set_attach_target()` takes): the same
    /// prefixes and BTF kinds libbpf derives from the expected attach type.
    /// An empty `name` gives `Target::Unnamed` for kinds that need one.
    pub fn attach_target(&self, name: &str) -> Target {
        if self.prog_type == pt::BPF_PROG_TYPE_STRUCT_OPS as u32 {
            return Target::StructOps;
        }
        if !self.needs_btf_target() {
            return Target::None;
        }
        if name.is_empty() {
            return Target::Unnamed;
        }
        if self.prog_type == pt::BPF_PROG_TYPE_EXT as u32 {
            return Target::Program { func: name.to_owned() };
        }
        let (module, name) = match name.split_once(':') {
            Some((module, name)) => (Some(module.to_owned()), name),
            None => (None, name),
        };
        let attach = self.expected_attach_type;
        let (prefix, kind) = if attach == Some(at::BPF_TRACE_RAW_TP as u32) {
            ("btf_trace_", KernelKind::Typedef)
        } else if attach == Some(at::BPF_LSM_MAC as u32) || attach == Some(at::BPF_LSM_CGROUP as u32) {
            ("bpf_lsm_", KernelKind::Func)
        } else if attach == Some(at::BPF_TRACE_ITER as u32) {
            ("bpf_iter_", KernelKind::Func)
        } else {
            ("", KernelKind::Func)
        };
        Target::Kernel { name: format!("{prefix}{name}"), kind, module }
    }
}

/// bpftool's program type names (`bpftool prog help`'s TYPE, which bpftool
/// tries as a section name and then as "TYPE/"), then libbpf's names of
/// program types (`libbpf_bpf_prog_type_str`) and bpfpin's own spellings,
/// each with the section kind it loads as. Program types whose attach type
/// cannot be guessed (cgroup_sock_addr, cgroup_sockopt, tracing) are left
/// out: the user names the kind (`cgroup/connect4`, `fentry`...).
#[rustfmt::skip]
const TYPE_NAMES: &[(&str, &str)] = &[
    // bpftool prog help, in its order.
    ("socket", "socket"), ("kprobe", "kprobe"), ("kretprobe", "kretprobe"),
    ("classifier", "classifier"), ("action", "action"), ("tracepoint", "tracepoint"),
    ("raw_tracepoint", "raw_tracepoint"), ("xdp", "xdp"), ("perf_event", "perf_event"),
    ("cgroup/skb", "cgroup/skb"), ("cgroup/sock", "cgroup/sock"), ("cgroup/dev", "cgroup/dev"),
    ("lwt_in", "lwt_in"), ("lwt_out", "lwt_out"), ("lwt_xmit", "lwt_xmit"),
    ("lwt_seg6local", "lwt_seg6local"), ("sockops", "sockops"), ("sk_skb", "sk_skb"),
    ("sk_msg", "sk_msg"), ("lirc_mode2", "lirc_mode2"), ("sk_reuseport", "sk_reuseport"),
    ("flow_dissector", "flow_dissector"), ("cgroup/sysctl", "cgroup/sysctl"),
    ("cgroup/bind4", "cgroup/bind4"), ("cgroup/bind6", "cgroup/bind6"),
    ("cgroup/post_bind4", "cgroup/post_bind4"), ("cgroup/post_bind6", "cgroup/post_bind6"),
    ("cgroup/connect4", "cgroup/connect4"), ("cgroup/connect6", "cgroup/connect6"),
    ("cgroup/connect_unix", "cgroup/connect_unix"),
    ("cgroup/getpeername4", "cgroup/getpeername4"), ("cgroup/getpeername6", "cgroup/getpeername6"),
    ("cgroup/getpeername_unix", "cgroup/getpeername_unix"),
    ("cgroup/getsockname4", "cgroup/getsockname4"), ("cgroup/getsockname6", "cgroup/getsockname6"),
    ("cgroup/getsockname_unix", "cgroup/getsockname_unix"),
    ("cgroup/sendmsg4", "cgroup/sendmsg4"), ("cgroup/sendmsg6", "cgroup/sendmsg6"),
    ("cgroup/sendmsg_unix", "cgroup/sendmsg_unix"),
    ("cgroup/recvmsg4", "cgroup/recvmsg4"), ("cgroup/recvmsg6", "cgroup/recvmsg6"),
    ("cgroup/recvmsg_unix", "cgroup/recvmsg_unix"),
    ("cgroup/getsockopt", "cgroup/getsockopt"), ("cgroup/setsockopt", "cgroup/setsockopt"),
    ("cgroup/sock_release", "cgroup/sock_release"), ("struct_ops", "struct_ops"),
    ("fentry", "fentry"), ("fexit", "fexit"), ("freplace", "freplace"), ("sk_lookup", "sk_lookup"),
    // libbpf's program type names.
    ("socket_filter", "socket"), ("sched_cls", "classifier"), ("sched_act", "action"),
    ("cgroup_skb", "cgroup/skb"), ("cgroup_sock", "cgroup/sock"), ("sock_ops", "sockops"),
    ("cgroup_device", "cgroup/dev"), ("cgroup_sysctl", "cgroup/sysctl"),
    ("raw_tracepoint_writable", "raw_tp.w"), ("ext", "freplace"), ("lsm", "lsm"),
    ("syscall", "syscall"), ("netfilter", "netfilter"),
    // Other libbpf kinds, and bpfpin's spellings for tc programs (the
    // kernel checks a tcx or netkit link's attach type, not the program's).
    ("tc", "tc"), ("tcx", "tc"), ("uprobe", "uprobe"), ("uretprobe", "uretprobe"),
    ("tp_btf", "tp_btf"), ("fmod_ret", "fmod_ret"), ("iter", "iter"), ("lsm_cgroup", "lsm_cgroup"),
];

/// How a `--type` value loads: one of `program_type_names()`, or any
/// section name `spec` knows (so `--type cgroup/connect4` and
/// `--type fentry/do_unlinkat` work too).
pub fn from_type(name: &str) -> Option<SecSpec> {
    match TYPE_NAMES.iter().find(|(ty, _)| *ty == name) {
        Some((_, kind)) => spec(kind),
        None => spec(name),
    }
}

/// The `--type` values for help and completion.
pub fn program_type_names() -> impl Iterator<Item = &'static str> {
    TYPE_NAMES.iter().map(|(ty, _)| *ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLEEP: u32 = BPF_F_SLEEPABLE;
    const FRAGS: u32 = BPF_F_XDP_HAS_FRAGS;

    fn func(name: &str) -> Target {
        Target::Kernel { name: name.to_owned(), kind: KernelKind::Func, module: None }
    }

    /// (section, prog type, expected attach type, flags, kind, target).
    fn check(section: &str, ty: pt, attach: Option<u32>, flags: u32, kind: &'static str, target: Target) {
        let got = spec(section).unwrap_or_else(|| panic!("{section}: not known"));
        let want = SecSpec { prog_type: ty as u32, expected_attach_type: attach, target, prog_flags: flags, kind };
        // SecSpec.kind is &'static; compare through Debug to keep `want` local.
        assert_eq!(format!("{got:?}"), format!("{want:?}"), "{section}");
    }

    #[test]
    fn libbpf_names() {
        use pt::*;
        let n = || Target::None;
        check("socket", BPF_PROG_TYPE_SOCKET_FILTER, None, 0, "socket", n());
        check("sk_reuseport", BPF_PROG_TYPE_SK_REUSEPORT, a(at::BPF_SK_REUSEPORT_SELECT), 0, "sk_reuseport", n());
        check(
            "sk_reuseport/migrate",
            BPF_PROG_TYPE_SK_REUSEPORT,
            a(at::BPF_SK_REUSEPORT_SELECT_OR_MIGRATE),
            0,
            "sk_reuseport/migrate",
            n(),
        );
        check("kprobe/do_sys_open", BPF_PROG_TYPE_KPROBE, None, 0, "kprobe", n());
        check("kprobe", BPF_PROG_TYPE_KPROBE, None, 0, "kprobe", n());
        check("kretprobe/x", BPF_PROG_TYPE_KPROBE, None, 0, "kretprobe", n());
        check("kprobe.multi/tcp_*", BPF_PROG_TYPE_KPROBE, a(at::BPF_TRACE_KPROBE_MULTI), 0, "kprobe.multi", n());
        check("kretprobe.multi/x", BPF_PROG_TYPE_KPROBE, a(at::BPF_TRACE_KPROBE_MULTI), 0, "kretprobe.multi", n());
        check("kprobe.session/x", BPF_PROG_TYPE_KPROBE, Some(BPF_TRACE_KPROBE_SESSION), 0, "kprobe.session", n());
        check("uprobe/bin:func", BPF_PROG_TYPE_KPROBE, None, 0, "uprobe", n());
        check("uprobe.s/bin:func", BPF_PROG_TYPE_KPROBE, None, SLEEP, "uprobe.s", n());
        check("uretprobe.s", BPF_PROG_TYPE_KPROBE, None, SLEEP, "uretprobe.s", n());
        check("uprobe.multi/x", BPF_PROG_TYPE_KPROBE, a(at::BPF_TRACE_UPROBE_MULTI), 0, "uprobe.multi", n());
        check(
            "uretprobe.multi.s/x",
            BPF_PROG_TYPE_KPROBE,
            a(at::BPF_TRACE_UPROBE_MULTI),
            SLEEP,
            "uretprobe.multi.s",
            n(),
        );
        check("uprobe.session.s", BPF_PROG_TYPE_KPROBE, Some(BPF_TRACE_UPROBE_SESSION), SLEEP, "uprobe.session.s", n());
        check("ksyscall/openat", BPF_PROG_TYPE_KPROBE, None, 0, "ksyscall", n());
        check("kretsyscall/openat", BPF_PROG_TYPE_KPROBE, None, 0, "kretsyscall", n());
        check("usdt/libc.so.6:libc:setjmp", BPF_PROG_TYPE_KPROBE, None, 0, "usdt", n());
        check("usdt.s", BPF_PROG_TYPE_KPROBE, None, SLEEP, "usdt.s", n());
        check("tc/ingress", BPF_PROG_TYPE_SCHED_CLS, a(at::BPF_TCX_INGRESS), 0, "tc/ingress", n());
        check("tc/egress", BPF_PROG_TYPE_SCHED_CLS, a(at::BPF_TCX_EGRESS), 0, "tc/egress", n());
        check("tcx/ingress", BPF_PROG_TYPE_SCHED_CLS, a(at::BPF_TCX_INGRESS), 0, "tcx/ingress", n());
        check("tcx/egress", BPF_PROG_TYPE_SCHED_CLS, a(at::BPF_TCX_EGRESS), 0, "tcx/egress", n());
        check("netkit/primary", BPF_PROG_TYPE_SCHED_CLS, a(at::BPF_NETKIT_PRIMARY), 0, "netkit/primary", n());
        check("netkit/peer", BPF_PROG_TYPE_SCHED_CLS, a(at::BPF_NETKIT_PEER), 0, "netkit/peer", n());
        check("tc", BPF_PROG_TYPE_SCHED_CLS, None, 0, "tc", n());
        check("classifier", BPF_PROG_TYPE_SCHED_CLS, None, 0, "classifier", n());
        check("action", BPF_PROG_TYPE_SCHED_ACT, None, 0, "action", n());
        check("tracepoint/syscalls/sys_enter_openat", BPF_PROG_TYPE_TRACEPOINT, None, 0, "tracepoint", n());
        check("tp/sched/sched_switch", BPF_PROG_TYPE_TRACEPOINT, None, 0, "tp", n());
        check("tp.s/syscalls/x", BPF_PROG_TYPE_TRACEPOINT, None, SLEEP, "tp.s", n());
        check("tracepoint.s/a/b", BPF_PROG_TYPE_TRACEPOINT, None, SLEEP, "tracepoint.s", n());
        check("raw_tracepoint/sched_switch", BPF_PROG_TYPE_RAW_TRACEPOINT, None, 0, "raw_tracepoint", n());
        check("raw_tp/x", BPF_PROG_TYPE_RAW_TRACEPOINT, None, 0, "raw_tp", n());
        check("raw_tp.s/x", BPF_PROG_TYPE_RAW_TRACEPOINT, None, SLEEP, "raw_tp.s", n());
        check("raw_tp.w/x", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, None, 0, "raw_tp.w", n());
        check("raw_tracepoint.w/x", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, None, 0, "raw_tracepoint.w", n());
        check(
            "tp_btf/sched_switch",
            BPF_PROG_TYPE_TRACING,
            a(at::BPF_TRACE_RAW_TP),
            0,
            "tp_btf",
            Target::Kernel { name: "btf_trace_sched_switch".into(), kind: KernelKind::Typedef, module: None },
        );
        check("fentry/do_unlinkat", BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_FENTRY), 0, "fentry", func("do_unlinkat"));
        check("fexit/do_unlinkat", BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_FEXIT), 0, "fexit", func("do_unlinkat"));
        check("fmod_ret/x", BPF_PROG_TYPE_TRACING, a(at::BPF_MODIFY_RETURN), 0, "fmod_ret", func("x"));
        check("fentry.s/x", BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_FENTRY), SLEEP, "fentry.s", func("x"));
        check("fexit.s/x", BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_FEXIT), SLEEP, "fexit.s", func("x"));
        check("fmod_ret.s/x", BPF_PROG_TYPE_TRACING, a(at::BPF_MODIFY_RETURN), SLEEP, "fmod_ret.s", func("x"));
        check("fsession/x", BPF_PROG_TYPE_TRACING, Some(BPF_TRACE_FSESSION), 0, "fsession", func("x"));
        check("fentry.multi/x*", BPF_PROG_TYPE_TRACING, Some(BPF_TRACE_FENTRY_MULTI), 0, "fentry.multi", n());
        check("fexit.multi.s/x", BPF_PROG_TYPE_TRACING, Some(BPF_TRACE_FEXIT_MULTI), SLEEP, "fexit.multi.s", n());
        check(
            "fentry/bpf_testmod:bpf_testmod_test_read",
            BPF_PROG_TYPE_TRACING,
            a(at::BPF_TRACE_FENTRY),
            0,
            "fentry",
            Target::Kernel {
                name: "bpf_testmod_test_read".into(),
                kind: KernelKind::Func,
                module: Some("bpf_testmod".into()),
            },
        );
        check("freplace/handler", BPF_PROG_TYPE_EXT, None, 0, "freplace", Target::Program { func: "handler".into() });
        check("lsm/file_open", BPF_PROG_TYPE_LSM, a(at::BPF_LSM_MAC), 0, "lsm", func("bpf_lsm_file_open"));
        check("lsm.s/file_open", BPF_PROG_TYPE_LSM, a(at::BPF_LSM_MAC), SLEEP, "lsm.s", func("bpf_lsm_file_open"));
        check(
            "lsm_cgroup/socket_bind",
            BPF_PROG_TYPE_LSM,
            a(at::BPF_LSM_CGROUP),
            0,
            "lsm_cgroup",
            func("bpf_lsm_socket_bind"),
        );
        check("iter/task", BPF_PROG_TYPE_TRACING, a(at::BPF_TRACE_ITER), 0, "iter", func("bpf_iter_task"));
        check(
            "iter.s/task_file",
            BPF_PROG_TYPE_TRACING,
            a(at::BPF_TRACE_ITER),
            SLEEP,
            "iter.s",
            func("bpf_iter_task_file"),
        );
        check("syscall", BPF_PROG_TYPE_SYSCALL, None, SLEEP, "syscall", n());
        check("xdp.frags/devmap", BPF_PROG_TYPE_XDP, a(at::BPF_XDP_DEVMAP), FRAGS, "xdp.frags/devmap", n());
        check("xdp.frags/cpumap", BPF_PROG_TYPE_XDP, a(at::BPF_XDP_CPUMAP), FRAGS, "xdp.frags/cpumap", n());
        check("xdp/devmap", BPF_PROG_TYPE_XDP, a(at::BPF_XDP_DEVMAP), 0, "xdp/devmap", n());
        check("xdp/cpumap", BPF_PROG_TYPE_XDP, a(at::BPF_XDP_CPUMAP), 0, "xdp/cpumap", n());
        check("xdp.frags", BPF_PROG_TYPE_XDP, a(at::BPF_XDP), FRAGS, "xdp.frags", n());
        check("xdp", BPF_PROG_TYPE_XDP, a(at::BPF_XDP), 0, "xdp", n());
        check("perf_event", BPF_PROG_TYPE_PERF_EVENT, None, 0, "perf_event", n());
        check("lwt_in", BPF_PROG_TYPE_LWT_IN, None, 0, "lwt_in", n());
        check("lwt_out", BPF_PROG_TYPE_LWT_OUT, None, 0, "lwt_out", n());
        check("lwt_xmit", BPF_PROG_TYPE_LWT_XMIT, None, 0, "lwt_xmit", n());
        check("lwt_seg6local", BPF_PROG_TYPE_LWT_SEG6LOCAL, None, 0, "lwt_seg6local", n());
        check("sockops", BPF_PROG_TYPE_SOCK_OPS, a(at::BPF_CGROUP_SOCK_OPS), 0, "sockops", n());
        check(
            "sk_skb/stream_parser",
            BPF_PROG_TYPE_SK_SKB,
            a(at::BPF_SK_SKB_STREAM_PARSER),
            0,
            "sk_skb/stream_parser",
            n(),
        );
        check(
            "sk_skb/stream_verdict",
            BPF_PROG_TYPE_SK_SKB,
            a(at::BPF_SK_SKB_STREAM_VERDICT),
            0,
            "sk_skb/stream_verdict",
            n(),
        );
        check("sk_skb/verdict", BPF_PROG_TYPE_SK_SKB, a(at::BPF_SK_SKB_VERDICT), 0, "sk_skb/verdict", n());
        check("sk_skb", BPF_PROG_TYPE_SK_SKB, None, 0, "sk_skb", n());
        check("sk_msg", BPF_PROG_TYPE_SK_MSG, a(at::BPF_SK_MSG_VERDICT), 0, "sk_msg", n());
        check("lirc_mode2", BPF_PROG_TYPE_LIRC_MODE2, a(at::BPF_LIRC_MODE2), 0, "lirc_mode2", n());
        check("flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, a(at::BPF_FLOW_DISSECTOR), 0, "flow_dissector", n());
        check(
            "cgroup_skb/ingress",
            BPF_PROG_TYPE_CGROUP_SKB,
            a(at::BPF_CGROUP_INET_INGRESS),
            0,
            "cgroup_skb/ingress",
            n(),
        );
        check(
            "cgroup_skb/egress",
            BPF_PROG_TYPE_CGROUP_SKB,
            a(at::BPF_CGROUP_INET_EGRESS),
            0,
            "cgroup_skb/egress",
            n(),
        );
        check("cgroup/skb", BPF_PROG_TYPE_CGROUP_SKB, None, 0, "cgroup/skb", n());
        let sock = BPF_PROG_TYPE_CGROUP_SOCK;
        check("cgroup/sock_create", sock, a(at::BPF_CGROUP_INET_SOCK_CREATE), 0, "cgroup/sock_create", n());
        check("cgroup/sock_release", sock, a(at::BPF_CGROUP_INET_SOCK_RELEASE), 0, "cgroup/sock_release", n());
        check("cgroup/sock", sock, a(at::BPF_CGROUP_INET_SOCK_CREATE), 0, "cgroup/sock", n());
        check("cgroup/post_bind4", sock, a(at::BPF_CGROUP_INET4_POST_BIND), 0, "cgroup/post_bind4", n());
        check("cgroup/post_bind6", sock, a(at::BPF_CGROUP_INET6_POST_BIND), 0, "cgroup/post_bind6", n());
        check("cgroup/dev", BPF_PROG_TYPE_CGROUP_DEVICE, a(at::BPF_CGROUP_DEVICE), 0, "cgroup/dev", n());
        let addr = BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
        for (name, attach) in [
            ("cgroup/bind4", at::BPF_CGROUP_INET4_BIND),
            ("cgroup/bind6", at::BPF_CGROUP_INET6_BIND),
            ("cgroup/connect4", at::BPF_CGROUP_INET4_CONNECT),
            ("cgroup/connect6", at::BPF_CGROUP_INET6_CONNECT),
            ("cgroup/connect_unix", at::BPF_CGROUP_UNIX_CONNECT),
            ("cgroup/sendmsg4", at::BPF_CGROUP_UDP4_SENDMSG),
            ("cgroup/sendmsg6", at::BPF_CGROUP_UDP6_SENDMSG),
            ("cgroup/sendmsg_unix", at::BPF_CGROUP_UNIX_SENDMSG),
            ("cgroup/recvmsg4", at::BPF_CGROUP_UDP4_RECVMSG),
            ("cgroup/recvmsg6", at::BPF_CGROUP_UDP6_RECVMSG),
            ("cgroup/recvmsg_unix", at::BPF_CGROUP_UNIX_RECVMSG),
            ("cgroup/getpeername4", at::BPF_CGROUP_INET4_GETPEERNAME),
            ("cgroup/getpeername6", at::BPF_CGROUP_INET6_GETPEERNAME),
            ("cgroup/getpeername_unix", at::BPF_CGROUP_UNIX_GETPEERNAME),
            ("cgroup/getsockname4", at::BPF_CGROUP_INET4_GETSOCKNAME),
            ("cgroup/getsockname6", at::BPF_CGROUP_INET6_GETSOCKNAME),
            ("cgroup/getsockname_unix", at::BPF_CGROUP_UNIX_GETSOCKNAME),
        ] {
            check(name, addr, a(attach), 0, name, n());
        }
        check("cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, a(at::BPF_CGROUP_SYSCTL), 0, "cgroup/sysctl", n());
        check(
            "cgroup/getsockopt",
            BPF_PROG_TYPE_CGROUP_SOCKOPT,
            a(at::BPF_CGROUP_GETSOCKOPT),
            0,
            "cgroup/getsockopt",
            n(),
        );
        check(
            "cgroup/setsockopt",
            BPF_PROG_TYPE_CGROUP_SOCKOPT,
            a(at::BPF_CGROUP_SETSOCKOPT),
            0,
            "cgroup/setsockopt",
            n(),
        );
        check("struct_ops/dctcp_init", BPF_PROG_TYPE_STRUCT_OPS, None, 0, "struct_ops", Target::StructOps);
        check("struct_ops.s/x", BPF_PROG_TYPE_STRUCT_OPS, None, SLEEP, "struct_ops.s", Target::StructOps);
        check("struct_ops", BPF_PROG_TYPE_STRUCT_OPS, None, 0, "struct_ops", Target::StructOps);
        check("sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, a(at::BPF_SK_LOOKUP), 0, "sk_lookup", n());
        check("netfilter", BPF_PROG_TYPE_NETFILTER, a(at::BPF_NETFILTER), 0, "netfilter", n());
    }

    #[test]
    fn targets_need_a_name() {
        for section in ["fentry", "fexit.s", "tp_btf", "lsm", "iter", "freplace", "fentry/"] {
            assert_eq!(spec(section).unwrap().target, Target::Unnamed, "{section}");
        }
        let fentry = spec("fentry").unwrap();
        assert!(fentry.needs_btf_target());
        assert_eq!(fentry.attach_target("vfs_read"), func("vfs_read"));
        assert!(!spec("fentry.multi/x").unwrap().needs_btf_target());
        assert!(!spec("xdp").unwrap().needs_btf_target());
        assert_eq!(spec("xdp").unwrap().attach_target("x"), Target::None);
        assert_eq!(
            spec("tp_btf").unwrap().attach_target("vmlinux:sched_switch"),
            Target::Kernel {
                name: "btf_trace_sched_switch".into(),
                kind: KernelKind::Typedef,
                module: Some("vmlinux".into())
            }
        );
    }

    /// Names libbpf 1.x refuses but bpfpin (through aya or its own renaming),
    /// libbpf 0.x or iproute2 loaded.
    #[test]
    fn legacy_names() {
        let cases: &[(&str, &str, Option<u32>)] = &[
            ("socket1", "socket", None),
            ("socket/foo", "socket", None),
            ("socket_filter_x", "socket", None),
            ("xdp_redirect", "xdp", a(at::BPF_XDP)),
            ("xdp/foo", "xdp", a(at::BPF_XDP)),
            ("xdp_devmap/foo", "xdp/devmap", a(at::BPF_XDP_DEVMAP)),
            ("xdp_devmap", "xdp/devmap", a(at::BPF_XDP_DEVMAP)),
            ("xdp_cpumap/foo", "xdp/cpumap", a(at::BPF_XDP_CPUMAP)),
            ("xdp/cpumap/foo", "xdp/cpumap", a(at::BPF_XDP_CPUMAP)),
            ("xdp.frags/foo", "xdp.frags", a(at::BPF_XDP)),
            ("classifier/foo", "classifier", None),
            ("classifier_ingress", "classifier", None),
            ("tc/foo", "tc", None),
            ("tcx/ingress/foo", "tcx/ingress", a(at::BPF_TCX_INGRESS)),
            ("action/x", "action", None),
            ("sk_skb/other", "sk_skb", None),
            ("sk_skb/stream_verdict/foo", "sk_skb/stream_verdict", a(at::BPF_SK_SKB_STREAM_VERDICT)),
            ("sk_skb/verdict/foo", "sk_skb/verdict", a(at::BPF_SK_SKB_VERDICT)),
            ("cgroup_skb/ingress/foo", "cgroup_skb/ingress", a(at::BPF_CGROUP_INET_INGRESS)),
            ("cgroup/skb/foo", "cgroup/skb", None),
            ("cgroup/sock/foo", "cgroup/sock", a(at::BPF_CGROUP_INET_SOCK_CREATE)),
            ("cgroup/sock_create/foo", "cgroup/sock_create", a(at::BPF_CGROUP_INET_SOCK_CREATE)),
            ("cgroup/connect4/foo", "cgroup/connect4", a(at::BPF_CGROUP_INET4_CONNECT)),
            ("sockops/foo", "sockops", a(at::BPF_CGROUP_SOCK_OPS)),
            ("sk_msg/foo", "sk_msg", a(at::BPF_SK_MSG_VERDICT)),
            ("perf_event/foo", "perf_event", None),
            ("sk_lookup/foo", "sk_lookup", a(at::BPF_SK_LOOKUP)),
            ("sk_reuseport/migrate/x", "sk_reuseport/migrate", a(at::BPF_SK_REUSEPORT_SELECT_OR_MIGRATE)),
            ("lwt_in/x", "lwt_in", None),
        ];
        for &(section, kind, attach) in cases {
            let got = spec(section).unwrap_or_else(|| panic!("{section}: not known"));
            assert_eq!((got.kind, got.expected_attach_type), (kind, attach), "{section}");
            assert_eq!(got.target, Target::None, "{section}");
        }
        let frags = spec("xdp.frags/foo").unwrap();
        assert_eq!(frags.prog_flags, BPF_F_XDP_HAS_FRAGS);
    }

    #[test]
    fn unknown_names() {
        for section in [
            "foo",
            "prog",
            "ingress",
            "from-netdev",
            "",
            ".text",
            "kprobe_x",
            "fentryx/y",
            "tcx",
            "tcx/sideways",
            "netkit",
            "uprobe.x",
            "cgroup",
            "cgroup/",
            "cgroup/nope",
            "cgroup_skb/sideways",
            "lsmx/y",
            "usdtx",
            "tp_btfx",
            "struct_opsx",
        ] {
            assert_eq!(spec(section), None, "{section}");
        }
    }

    #[test]
    fn types() {
        let ty = |name: &str| from_type(name).map(|s| (s.prog_type, s.kind));
        assert_eq!(ty("sched_cls"), Some((pt::BPF_PROG_TYPE_SCHED_CLS as u32, "classifier")));
        assert_eq!(ty("sched_act"), Some((pt::BPF_PROG_TYPE_SCHED_ACT as u32, "action")));
        assert_eq!(ty("socket_filter"), Some((pt::BPF_PROG_TYPE_SOCKET_FILTER as u32, "socket")));
        assert_eq!(ty("tcx"), Some((pt::BPF_PROG_TYPE_SCHED_CLS as u32, "tc")));
        assert_eq!(ty("ext"), Some((pt::BPF_PROG_TYPE_EXT as u32, "freplace")));
        assert_eq!(ty("raw_tracepoint_writable"), Some((pt::BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE as u32, "raw_tp.w")));
        assert_eq!(ty("cgroup/connect4"), Some((pt::BPF_PROG_TYPE_CGROUP_SOCK_ADDR as u32, "cgroup/connect4")));
        assert_eq!(ty("bogus"), None);
        assert_eq!(ty("cgroup_sock_addr"), None);
        assert_eq!(from_type("fentry/do_unlinkat").unwrap().target, func("do_unlinkat"));
        assert_eq!(from_type("fentry").unwrap().target, Target::Unnamed);
        // Every advertised name loads as something, and each once.
        let names: Vec<_> = program_type_names().collect();
        for name in &names {
            assert!(from_type(name).is_some(), "{name}");
        }
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
    }

    /// Every program section of the checked-in test objects is known,
    /// except the one written to need `--type`.
    #[test]
    fn sections_of_the_test_objects() {
        use object::{Object as _, ObjectSection as _, SectionFlags};
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/objects");
        let mut seen = 0;
        for dir in [root.to_owned(), format!("{root}/objfile")] {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "o") {
                    continue;
                }
                let data = std::fs::read(&path).unwrap();
                let file = object::File::parse(&*data).unwrap();
                for section in file.sections() {
                    let SectionFlags::Elf { sh_flags } = section.flags() else { continue };
                    let name = section.name().unwrap();
                    if sh_flags & u64::from(object::elf::SHF_EXECINSTR) == 0 || name == ".text" {
                        continue;
                    }
                    seen += 1;
                    let custom = path.ends_with("custom_section.o") && name == "foo";
                    assert_eq!(spec(name).is_some(), !custom, "{}: {name}", path.display());
                }
            }
        }
        assert!(seen > 30, "{seen}");
    }

    /// Every `--type` bpfpin took before this loader (objfile's aliases).
    #[test]
    fn former_type_aliases() {
        for ty in [
            "socket",
            "socket_filter",
            "kprobe",
            "kretprobe",
            "uprobe",
            "uretprobe",
            "sched_cls",
            "classifier",
            "tc",
            "tcx",
            "sched_act",
            "action",
            "tracepoint",
            "raw_tracepoint",
            "xdp",
            "perf_event",
            "cgroup/skb",
            "cgroup_skb",
            "cgroup/sock",
            "cgroup_sock",
            "cgroup/dev",
            "cgroup_device",
            "cgroup/sysctl",
            "cgroup_sysctl",
            "sockops",
            "sock_ops",
            "sk_skb",
            "sk_msg",
            "lirc_mode2",
            "flow_dissector",
            "sk_lookup",
            "sk_reuseport",
            "lsm",
            "lsm_cgroup",
            "fentry",
            "fexit",
            "freplace",
            "ext",
            "tp_btf",
            "iter",
        ] {
            assert!(from_type(ty).is_some(), "{ty}");
            assert!(program_type_names().any(|name| name == ty), "{ty}");
        }
    }

    #[test]
    fn table_is_well_formed() {
        for (i, def) in TABLE.iter().enumerate() {
            assert!(!def.sec.is_empty());
            // No entry may be unreachable behind an earlier one.
            for earlier in &TABLE[..i] {
                assert!(!matches(earlier, def.sec), "{} is shadowed by {}", def.sec, earlier.sec);
            }
        }
        for (_, kind) in LEGACY_ONLY {
            assert!(def_by_kind(kind).is_some());
        }
    }
}
