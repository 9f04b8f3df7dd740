//! Run a step inside a named network namespace and come back: apply
//! handles attachments of several namespaces in one process.

use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::error::UserError;
use crate::sys;

/// A bare name is one made by `ip netns add`.
pub fn path(ns: &str) -> PathBuf {
    if ns.contains('/') { PathBuf::from(ns) } else { Path::new("/run/netns").join(ns) }
}

pub fn within<T>(ns: Option<&str>, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let Some(ns) = ns else { return f() };
    let home = sys::net::current_netns().context("opening the current network namespace")?;
    let p = path(ns);
    match sys::net::enter_netns(&p) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(UserError::new(
            format!("network namespace `{ns}` not found ({} does not exist)", p.display()),
            "list namespaces with `ip netns list`, or give a /proc/PID/ns/net path",
        )),
        Err(e) => return Err(e).with_context(|| format!("entering network namespace {}", p.display())),
    }
    let r = f();
    let back = Path::new("/proc/self/fd").join(home.as_raw_fd().to_string());
    sys::net::enter_netns(&back).context("returning to the original network namespace")?;
    r
}

/// The interface's index in the current namespace.
pub fn ifindex(dev: &str) -> Option<u32> {
    sys::net::if_nametoindex(dev)
}
