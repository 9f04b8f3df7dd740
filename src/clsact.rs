//! Which clsact qdiscs bpfpin added, so `net detach` removes only those:
//! a marker file /run/bpfpin/clsact/<netns cookie>-<ifindex> holding the
//! device name and the namespace's inode. /run is a tmpfs that lives exactly
//! as long as qdiscs do (until reboot); the cookie is never reused within a
//! boot. Markers whose namespace or device is gone are swept.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::sys::netlink::Netlink;

const MARKER_DIR: &str = "/run/bpfpin/clsact";

pub fn marker(nl: &Netlink, ifindex: u32) -> Option<PathBuf> {
    let cookie = crate::sys::net::netns_cookie(nl.as_fd()).ok()?;
    Some(PathBuf::from(MARKER_DIR).join(format!("{cookie}-{ifindex}")))
}

pub fn write_marker(nl: &Netlink, ifindex: u32, ifname: &str) {
    // Failing to write the marker only means detach will leave the qdisc.
    // The second line, the namespace's inode, lets a sweep tell whether the
    // namespace still exists (a cookie cannot be looked up).
    if let Some(m) = marker(nl, ifindex) {
        let _ = fs::create_dir_all(MARKER_DIR);
        let ino = netns_ino(Path::new("/proc/self/ns/net")).unwrap_or(0);
        let _ = fs::write(m, format!("{ifname}\n{ino}\n"));
    }
}

fn netns_ino(p: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(p).ok().map(|m| m.ino())
}

/// Every network namespace that still exists, by inode: those of running
/// processes and those kept by `ip netns` bind mounts.
fn live_netns() -> HashSet<u64> {
    let mut live = HashSet::new();
    for dir in ["/proc", "/run/netns"] {
        let Ok(rd) = fs::read_dir(dir) else { continue };
        for e in rd.flatten() {
            let p = if dir == "/proc" {
                if !e.file_name().as_encoded_bytes().iter().all(u8::is_ascii_digit) {
                    continue;
                }
                e.path().join("ns/net")
            } else {
                e.path()
            };
            live.extend(netns_ino(&p));
        }
    }
    live
}

/// Remove ownership markers whose namespace or device is gone: their qdisc
/// went with it, and a marker must not outlive what it speaks for. Run by
/// the tc verbs and `doctor` (it walks /proc, too slow for every command).
pub fn sweep() {
    let Ok(rd) = fs::read_dir(MARKER_DIR) else { return };
    let live = live_netns();
    let here = netns_ino(Path::new("/proc/self/ns/net"));
    for e in rd.flatten() {
        let Ok(text) = fs::read_to_string(e.path()) else { continue };
        let mut lines = text.lines();
        let name = lines.next().unwrap_or("");
        let Some(ino) = lines.next().and_then(|l| l.trim().parse::<u64>().ok()) else { continue };
        let ifindex = e.file_name().to_str().and_then(|n| n.rsplit_once('-')).and_then(|(_, i)| i.parse::<u32>().ok());
        let stale = !live.contains(&ino)
            || (Some(ino) == here && ifindex.is_some_and(|i| crate::sys::if_name(i).as_deref() != Some(name)));
        if stale {
            let _ = fs::remove_file(e.path());
        }
    }
}
