//! `bpfpin net ...` (show, attach, detach) and `prog attach/detach` for
//! sockmap/sockhash and the flow dissector.
//!
//! Every command runs in three phases, so `--netns` works the way DESIGN.md
//! promises: (1) parse the words and resolve PROG/MAP selectors and pin
//! paths in the caller's namespace, (2) enter only the network namespace,
//! (3) look up interfaces and talk netlink/bpf there. Attachments are made
//! the way bpftool makes them, so they outlive bpfpin: netlink for XDP and
//! clsact tc, BPF_PROG_ATTACH for tcx, or a bpf_link pinned at `--link`.

mod show;
mod socket;
mod sockmap;
mod tc;
mod tcx;
mod xdp;

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use aya_obj::generated::bpf_prog_type as pt;

use crate::cli::{Global, NetCmd, SampleArgs};
use crate::error::UserError;
use crate::kinds::ObjKind;
use crate::kinds::prog_type_name;
use crate::output::Out;
use crate::pins::{self, PinIndex};
use crate::select::{ProgSel, Words};
use crate::sys::{self, Kind};

pub use sockmap::{ATTACH_NAMES as PROG_ATTACH_NAMES, prog_attach, prog_detach};

/// The attach types `net attach` takes, by the names bpfpin prints (completion).
pub fn attach_type_names() -> Vec<&'static str> {
    use {Dir::*, XdpMode::*};
    let hooks = [
        Hook::Xdp(Auto),
        Hook::Xdp(Generic),
        Hook::Xdp(Driver),
        Hook::Xdp(Offload),
        Hook::Tc(Ingress),
        Hook::Tc(Egress),
        Hook::Tcx(Ingress),
        Hook::Tcx(Egress),
        Hook::Socket,
    ];
    hooks.into_iter().map(Hook::name).collect()
}

pub fn run(g: &Global, out: &mut Out, cmd: &NetCmd) -> Result<()> {
    match cmd {
        NetCmd::Show { words } | NetCmd::List { words } => show::show(g, out, words),
        NetCmd::Attach { words, overwrite, prepend, link, priority, handle, before, after, sample } => {
            let opts = AttachOpts {
                overwrite: *overwrite,
                prepend: *prepend,
                link: link.clone(),
                priority: *priority,
                handle: *handle,
                before: before.clone(),
                after: after.clone(),
                sample: sample.clone(),
            };
            attach(g, out, words, &opts)
        }
        NetCmd::Detach { words, priority, handle } => detach(g, out, words, *priority, *handle),
    }
}

/// The flags of `net attach`, checked against the hook they are given for.
struct AttachOpts {
    overwrite: bool,
    prepend: bool,
    link: Option<PathBuf>,
    priority: Option<u16>,
    handle: Option<u32>,
    before: Option<String>,
    after: Option<String>,
    sample: SampleArgs,
}

// The hook vocabulary is the lower layer's, shared with `apply`.
pub(crate) use crate::hooks::{Dir, XdpMode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hook {
    Xdp(XdpMode),
    Tc(Dir),
    Tcx(Dir),
    Socket,
}

impl Hook {
    fn parse(w: &str) -> Result<Hook> {
        Ok(match w {
            "xdp" => Hook::Xdp(XdpMode::Auto),
            "xdpgeneric" => Hook::Xdp(XdpMode::Generic),
            "xdpdrv" => Hook::Xdp(XdpMode::Driver),
            "xdpoffload" => Hook::Xdp(XdpMode::Offload),
            "tc-ingress" | "tc_ingress" => Hook::Tc(Dir::Ingress),
            "tc-egress" | "tc_egress" => Hook::Tc(Dir::Egress),
            "tcx-ingress" | "tcx_ingress" => Hook::Tcx(Dir::Ingress),
            "tcx-egress" | "tcx_egress" => Hook::Tcx(Dir::Egress),
            "socket" => Hook::Socket,
            other => bail!(UserError::new(
                format!("unknown attach type `{other}`"),
                "use one of xdp, xdpgeneric, xdpdrv, xdpoffload, tc-ingress, tc-egress, tcx-ingress, tcx-egress, socket",
            )),
        })
    }

    /// The program type the hook runs, and bpftool's name for it.
    fn prog_type(self) -> (u32, &'static str) {
        match self {
            Hook::Xdp(_) => (pt::BPF_PROG_TYPE_XDP as u32, "xdp"),
            Hook::Tc(_) | Hook::Tcx(_) => (pt::BPF_PROG_TYPE_SCHED_CLS as u32, "sched_cls"),
            Hook::Socket => (pt::BPF_PROG_TYPE_SOCKET_FILTER as u32, "socket_filter"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Hook::Xdp(XdpMode::Auto) => "xdp",
            Hook::Xdp(XdpMode::Generic) => "xdpgeneric",
            Hook::Xdp(XdpMode::Driver) => "xdpdrv",
            Hook::Xdp(XdpMode::Offload) => "xdpoffload",
            Hook::Tc(Dir::Ingress) => "tc-ingress",
            Hook::Tc(Dir::Egress) => "tc-egress",
            Hook::Tcx(Dir::Ingress) => "tcx-ingress",
            Hook::Tcx(Dir::Egress) => "tcx-egress",
            Hook::Socket => "socket",
        }
    }
}

/// A program picked by a selector, with what messages need to name it.
pub(crate) struct Prog {
    pub fd: OwnedFd,
    pub id: u32,
    pub name: String,
    pub prog_type: u32,
    pub map_ids: Vec<u32>,
}

impl Prog {
    pub(crate) fn open(sel: &ProgSel) -> Result<Prog> {
        let fd = crate::resolve::prog(sel)?;
        let info = sys::prog_info(fd.as_fd()).context("reading program info")?;
        Ok(Prog {
            id: info.info.id,
            name: crate::resolve::full_name(&info),
            prog_type: info.info.type_,
            map_ids: info.map_ids.clone(),
            fd,
        })
    }

    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// "program count_xdp (id 12)".
    pub(crate) fn desc(&self) -> String {
        format!("program {} (id {})", self.name, self.id)
    }

    /// Refuse a program the hook cannot run, naming both types.
    pub(crate) fn require_type(&self, want: u32, want_name: &str, hook: &str) -> Result<()> {
        if self.prog_type == want {
            return Ok(());
        }
        bail!(UserError::new(
            format!(
                "{} is {}, {hook} needs a{} {want_name} program",
                self.desc(),
                prog_type_name(self.prog_type),
                an(want_name)
            ),
            format!(
                "choose a{} {want_name} program (`bpfpin prog show`), or load one with `--type {want_name}`",
                an(want_name)
            ),
        ))
    }
}

fn an(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u', 'x']) { "n" } else { "" }
}

/// `--netns NAME|PATH`: a bare name is one made by `ip netns add`.
pub(crate) fn netns_path(ns: &str) -> PathBuf {
    if ns.contains('/') { PathBuf::from(ns) } else { Path::new("/run/netns").join(ns) }
}

/// Enter the `--netns` network namespace, if one was given. Call only after
/// every selector and pin path has been resolved.
pub(crate) fn enter_netns(g: &Global) -> Result<()> {
    let Some(ns) = &g.netns else { return Ok(()) };
    let path = netns_path(ns);
    match sys::net::enter_netns(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(UserError::new(
            format!("network namespace `{ns}` not found ({} does not exist)", path.display()),
            "list namespaces with `ip netns list`, or give the path of a namespace file (/proc/PID/ns/net)",
        )),
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => bail!(UserError::new(
            format!("{} is not a network namespace", path.display()),
            "give a name from `ip netns list` or a /proc/PID/ns/net path",
        )),
        Err(e) => Err(e).with_context(|| format!("entering network namespace {}", path.display())),
    }
}

/// An interface of the current network namespace.
#[derive(Debug, Clone)]
pub(crate) struct Iface {
    pub name: String,
    pub ifindex: u32,
}

impl Iface {
    pub(crate) fn lookup(g: &Global, name: &str) -> Result<Iface> {
        match sys::net::if_nametoindex(name) {
            Some(ifindex) => Ok(Iface { name: name.to_string(), ifindex }),
            None => {
                let whereat = match &g.netns {
                    Some(ns) => format!(" in network namespace `{ns}`"),
                    None => String::new(),
                };
                bail!(UserError::new(
                    format!("interface {name} not found{whereat}"),
                    "list interfaces with `ip link` (or `ip -n NS link`), and check --netns",
                ))
            }
        }
    }
}

/// `dev IFACE`, required.
fn take_dev<'a>(w: &mut Words<'a>) -> Result<&'a str> {
    match w.next() {
        Some("dev") => w.require("an interface name after `dev`"),
        Some(other) => bail!(UserError::new(
            format!("expected `dev IFACE`, got `{other}`"),
            "write the interface as `dev IFACE`, e.g. `dev eth0`",
        )),
        None => bail!(UserError::new("the command needs `dev IFACE`", "name the interface, e.g. `dev eth0`",)),
    }
}

/// A PROG given as one flag value (`--before 'id 5'`, `--before 42`,
/// `--before /sys/fs/bpf/p`).
fn prog_from_flag(flag: &str, v: &str) -> Result<Prog> {
    let words: Vec<String> = if v.chars().all(|c| c.is_ascii_digit()) {
        vec!["id".into(), v.into()]
    } else {
        v.split_whitespace().map(str::to_string).collect()
    };
    let mut w = Words::new("net attach", &words);
    let sel = w.take_prog().with_context(|| format!("reading {flag} `{v}`"))?;
    w.expect_end()?;
    Prog::open(&sel)
}

/// The word options after `dev IFACE`, each the twin of a --flag
/// (bpftool's `overwrite` and `prepend`; `priority N` and `handle H`).
#[derive(Default)]
struct WordOpts {
    overwrite: bool,
    prepend: bool,
    priority: Option<u16>,
    handle: Option<u32>,
}

fn take_word_opts(w: &mut Words<'_>, allowed: &[&str]) -> Result<WordOpts> {
    let mut o = WordOpts::default();
    while let Some(word) = w.peek().filter(|k| allowed.contains(k)) {
        w.next();
        match word {
            "overwrite" => o.overwrite = true,
            "prepend" => o.prepend = true,
            "priority" => {
                let v = w.require("a priority after `priority`")?;
                o.priority = Some(v.parse().map_err(|_| {
                    UserError::new(
                        format!("expected a priority from 0 to 65535 after `priority`, got `{v}`"),
                        "write it as `priority N`, e.g. `priority 10`",
                    )
                })?);
            }
            _ => {
                let v = w.require("a handle after `handle`")?;
                o.handle = Some(crate::cli::number(v).map_err(|e| {
                    UserError::new(format!("{e} after `handle`"), "write it as `handle H`, e.g. `handle 0x2`")
                })?);
            }
        }
    }
    w.expect_end()?;
    Ok(o)
}

fn refuse(flag: &str, hook: Hook, which: &str) -> Result<()> {
    bail!(UserError::new(format!("{flag} does not apply to {}", hook.name()), format!("{flag} is for {which}"),))
}

fn attach(g: &Global, out: &mut Out, words: &[String], o: &AttachOpts) -> Result<()> {
    // Phase 1: words, selectors and pin paths, in the caller's namespace.
    let mut w = Words::new("net attach", words);
    let hook = Hook::parse(w.require("an attach type")?)?;
    let sel = w.take_prog()?;
    let dev = take_dev(&mut w)?;
    let words = take_word_opts(&mut w, &["overwrite", "prepend", "priority", "handle"])?;
    let overwrite = o.overwrite || words.overwrite;
    let prepend = o.prepend || words.prepend;
    let priority = o.priority.or(words.priority);
    let handle = o.handle.or(words.handle);
    if overwrite && !matches!(hook, Hook::Xdp(_)) {
        bail!(UserError::new(
            format!("`overwrite` does not apply to {}", hook.name()),
            "only XDP has one program per interface to overwrite; detach the old one with `bpfpin net detach`",
        ));
    }
    if prepend && !matches!(hook, Hook::Tcx(_)) {
        refuse("`prepend`", hook, "tcx-ingress and tcx-egress (tc filters are ordered by `priority N`)")?;
    }
    if prepend && (o.before.is_some() || o.after.is_some()) {
        bail!(UserError::new(
            "`prepend` and --before/--after cannot both be given",
            "use `prepend` for the front of the hook, or --before/--after PROG to place it next to one program",
        ));
    }
    if o.link.is_some() && !matches!(hook, Hook::Xdp(_) | Hook::Tcx(_)) {
        refuse("--link", hook, "xdp* and tcx-* (tc and socket attachments are not bpf_links)")?;
    }
    if (priority.is_some() || handle.is_some()) && !matches!(hook, Hook::Tc(_)) {
        refuse("priority/handle", hook, "tc-ingress and tc-egress")?;
    }
    if (o.before.is_some() || o.after.is_some()) && !matches!(hook, Hook::Tcx(_)) {
        refuse("--before/--after", hook, "tcx-ingress and tcx-egress")?;
    }
    if o.sample.given() && hook != Hook::Socket {
        refuse("--interval/--count/--duration", hook, "socket")?;
    }
    let prog = Prog::open(&sel)?;
    let (want, want_name) = hook.prog_type();
    let hook_word = match hook {
        Hook::Xdp(_) => "xdp",
        Hook::Tc(_) => "tc",
        Hook::Tcx(_) => "tcx",
        Hook::Socket => "a socket",
    };
    prog.require_type(want, want_name, hook_word)?;
    let relative = match (&o.before, &o.after) {
        (Some(_), Some(_)) => {
            bail!(UserError::new("--before and --after cannot both be given", "choose one anchor program",))
        }
        (Some(b), None) => Some((aya_obj::generated::BPF_F_BEFORE, prog_from_flag("--before", b)?)),
        (None, Some(a)) => Some((aya_obj::generated::BPF_F_AFTER, prog_from_flag("--after", a)?)),
        (None, None) => None,
    };
    let link = match &o.link {
        Some(p) => {
            pins::ensure_mounted(g.nomount)?;
            pins::check_new(p)?;
            Some(p.clone())
        }
        None => None,
    };

    // Phase 2 and 3: the namespace, then the interface and the hook.
    enter_netns(g)?;
    let iface = Iface::lookup(g, dev)?;
    match hook {
        Hook::Xdp(mode) => xdp::attach(out, &prog, &iface, mode, overwrite, link.as_deref()),
        Hook::Tc(dir) => {
            crate::clsact::sweep();
            tc::attach(out, &prog, &iface, dir, priority, handle)
        }
        Hook::Tcx(dir) => {
            let relative = relative.as_ref().map(|(f, p)| (*f, p));
            tcx::attach(out, &prog, &iface, dir, relative, prepend, link.as_deref())
        }
        Hook::Socket => socket::run(out, &prog, &iface, &o.sample),
    }
}

fn detach(g: &Global, out: &mut Out, words: &[String], priority: Option<u16>, handle: Option<u32>) -> Result<()> {
    let mut w = Words::new("net detach", words);
    let hook = Hook::parse(w.require("an attach type")?)?;
    // tcx takes an optional PROG before `dev` (several programs may share the hook).
    let prog = match (hook, w.peek()) {
        (Hook::Tcx(_), Some(word)) if word != "dev" => Some(Prog::open(&w.take_prog()?)?),
        _ => None,
    };
    let dev = take_dev(&mut w)?;
    let words = take_word_opts(&mut w, &["priority", "handle"])?;
    let priority = priority.or(words.priority);
    let handle = handle.or(words.handle);
    if (priority.is_some() || handle.is_some()) && !matches!(hook, Hook::Tc(_)) {
        refuse("priority/handle", hook, "tc-ingress and tc-egress")?;
    }
    if hook == Hook::Socket {
        bail!(UserError::new(
            "a socket filter has nothing to detach: it ends with its `net attach socket` process",
            "stop that process (Ctrl-C)",
        ));
    }
    enter_netns(g)?;
    let iface = Iface::lookup(g, dev)?;
    match hook {
        Hook::Xdp(mode) => xdp::detach(out, &iface, mode),
        Hook::Tc(dir) => {
            crate::clsact::sweep();
            tc::detach(out, &iface, dir, priority, handle)
        }
        Hook::Tcx(dir) => tcx::detach(out, &iface, dir, prog.as_ref()),
        Hook::Socket => Ok(()),
    }
}

/// Pin a freshly created link at `path` (already checked free); on failure
/// the link fd is dropped, which ends the attachment: nothing half-made stays.
pub(crate) fn pin_link(link: OwnedFd, path: &Path) -> Result<u32> {
    let id = sys::link_info(link.as_fd()).map(|i| i.id).unwrap_or(0);
    pins::pin_new(link.as_fd(), path, "the link")?;
    Ok(id)
}

/// End a link-held attachment: BPF_LINK_DETACH, then remove the link's pins
/// (a defunct pin would only confuse `link show`). Returns the pins removed.
pub(crate) fn detach_link(link_id: u32) -> Result<Vec<String>> {
    let fd = sys::get_fd_by_id(Kind::Link, link_id).with_context(|| format!("opening link id {link_id}"))?;
    sys::bpf_link_detach(fd.as_fd()).with_context(|| format!("detaching link id {link_id}"))?;
    let pins = PinIndex::build().paths(ObjKind::Link, link_id);
    let mut removed = Vec::new();
    for p in pins {
        if pins::unpin_if(Path::new(&p), ObjKind::Link, link_id).unwrap_or(false) {
            removed.push(p);
        }
    }
    Ok(removed)
}

/// "; removed its pin P" for detach notes.
pub(crate) fn removed_note(pins: &[String]) -> String {
    if pins.is_empty() { String::new() } else { format!(", removed its pin {}", pins.join(", ")) }
}
