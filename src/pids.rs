//! Which processes hold an fd to each BPF object (`pids` in `show`), read
//! from /proc/*/fd and /proc/*/fdinfo. bpftool asks a helper BPF iterator
//! program (`iter/task_file`) instead, which needs a program load and a
//! bpftool built with skeletons (the one installed here is not, so it prints
//! no `pids` at all); /proc holds the same facts: a BPF object fd is a link to
//! `anon_inode:bpf-map` (or `bpf-prog`, `bpf_link`, `btf`), and its fdinfo
//! names the object's id.
//!
//! As bpftool reports them: a holder is a thread group (`pid` is the tgid,
//! `comm` the group leader's), listed once per object however many fds it
//! has, in pid order. bpfpin's own process is left out: the fds it holds are
//! the ones it opened to answer this very command.
//!
//! Processes of another user namespace whose fds root cannot read (EACCES)
//! are not seen; bpftool's iterator would see them.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::thread::JoinHandle;

use crate::sys::Kind;

/// One process holding an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    pub comm: String,
}

/// Each object's holders, by object id.
type ById = HashMap<u32, Vec<Holder>>;

/// The holders of every object of one kind, from one walk of /proc per
/// command. The walk starts on its own thread when the command does (it
/// costs about as much as reading 100 programs' info, on a machine with a
/// few hundred open fds) and overlaps the command's own syscalls; the first
/// object shown waits for it. A command that shows nothing never waits.
pub struct Holders {
    walk: RefCell<Option<JoinHandle<ById>>>,
    by_id: OnceCell<ById>,
    kind: Kind,
}

impl Holders {
    pub fn new(kind: Kind) -> Holders {
        let own = std::process::id();
        // Without a thread (refused by a limit), the first `of` walks inline.
        let walk = std::thread::Builder::new().name("pids".into()).spawn(move || scan(kind, own)).ok();
        Holders { walk: RefCell::new(walk), by_id: OnceCell::new(), kind }
    }

    /// Sets each view's holders, given how to reach its id and its list.
    /// `show` builds its views first and calls this after, so the walk
    /// overlaps every object's syscalls; the first id waits for the walk.
    pub fn fill<V, P: From<Holder>>(&self, views: &mut [V], mut slot: impl FnMut(&mut V) -> (u32, &mut Vec<P>)) {
        for v in views {
            let (id, pids) = slot(v);
            *pids = self.of(id).into_iter().map(P::from).collect();
        }
    }

    /// The processes holding object `id` (empty when none, or when /proc
    /// cannot be read).
    pub fn of(&self, id: u32) -> Vec<Holder> {
        let all = self.by_id.get_or_init(|| {
            let walk = self.walk.borrow_mut().take();
            walk.and_then(|w| w.join().ok()).unwrap_or_else(|| scan(self.kind, std::process::id()))
        });
        all.get(&id).cloned().unwrap_or_default()
    }
}

/// What `readlink /proc/PID/fd/N` says for an fd of this kind, and the
/// fdinfo key carrying its id (link fdinfo names its program's `prog_id`
/// too, so the key must be the kind's own). Links were `bpf_link` until the
/// kernel renamed them `bpf-link` (6.18 says the latter): both are taken.
fn signature(kind: Kind) -> (&'static [&'static str], &'static str) {
    match kind {
        Kind::Prog => (&["anon_inode:bpf-prog"], "prog_id"),
        Kind::Map => (&["anon_inode:bpf-map"], "map_id"),
        Kind::Link => (&["anon_inode:bpf-link", "anon_inode:bpf_link"], "link_id"),
        Kind::Btf => (&["anon_inode:btf"], "btf_id"),
    }
}

/// One pass over every process. Processes that exit meanwhile, or whose fd
/// table is not readable, are skipped: the answer is a snapshot either way.
/// This pass is the price `show` pays for `pids`, once per command: about two
/// syscalls per process and one per open fd on the machine.
fn scan(kind: Kind, own_pid: u32) -> ById {
    let (targets, key) = signature(kind);
    let mut by_id = ById::new();
    let Ok(proc_dir) = fs::read_dir("/proc") else { return by_id };
    let mut pids: Vec<u32> =
        proc_dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).filter(|&p| p != own_pid).collect();
    // readdir of /proc is in pid order today; sorting keeps bpftool's order
    // without relying on it.
    pids.sort_unstable();
    for pid in pids {
        let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else { continue };
        let mut comm: Option<String> = None;
        for fd in fds.filter_map(Result::ok) {
            // The link text is the cheap test; fdinfo is read only for the
            // few fds that are objects of the kind asked for.
            let link = match fs::read_link(fd.path()) {
                Ok(l) => l,
                // Not ours to read (a process of another user namespace):
                // none of its fds will be, so skip the rest of it.
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => break,
                Err(_) => continue,
            };
            if !targets.iter().any(|t| link.as_os_str() == *t) {
                continue;
            }
            let Some(id) = fdinfo_id(&format!("/proc/{pid}/fdinfo/{}", fd.file_name().to_string_lossy()), key) else {
                continue;
            };
            let comm = comm.get_or_insert_with(|| read_comm(pid)).clone();
            let list = by_id.entry(id).or_default();
            if list.last().is_none_or(|h| h.pid != pid) {
                list.push(Holder { pid, comm });
            }
        }
    }
    by_id
}

/// The group leader's name (`/proc/PID/comm`, at most 15 bytes, as the
/// kernel's `task->comm` that bpftool prints).
fn read_comm(pid: u32) -> String {
    fs::read(format!("/proc/{pid}/comm"))
        .map(|b| String::from_utf8_lossy(&b).trim_end_matches('\n').to_string())
        .unwrap_or_default()
}

/// The value of `key:` in an fdinfo file, as a number.
fn fdinfo_id(path: &str, key: &str) -> Option<u32> {
    let mut f = fs::File::open(path).ok()?;
    // A BPF fd's fdinfo is a few hundred bytes.
    let mut buf = [0u8; 2048];
    let mut len = 0;
    while len < buf.len() {
        match f.read(&mut buf[len..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => len += n,
        }
    }
    parse_id(&String::from_utf8_lossy(&buf[..len]), key)
}

fn parse_id(text: &str, key: &str) -> Option<u32> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().parse().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kinds_own_id_key_is_used() {
        let link = "pos:\t0\nflags:\t02000000\nlink_type:\txdp\nlink_id:\t7\nprog_tag:\tab\nprog_id:\t9\n";
        assert_eq!(parse_id(link, "link_id"), Some(7));
        assert_eq!(parse_id(link, "prog_id"), Some(9));
        assert_eq!(parse_id(link, "map_id"), None);
        assert_eq!(parse_id("map_id:\tx\n", "map_id"), None);
    }

    #[test]
    fn own_process_is_left_out() {
        // This test process holds no BPF fds of its own to find, but the
        // walk must run over /proc without failing, and never report us.
        let me = std::process::id();
        let all = scan(Kind::Map, me);
        assert!(all.values().flatten().all(|h| h.pid != me));
    }
}
