//! The steps apply takes through bpfpin's own verbs, run as a child
//! process of this same binary: `prog loadall` (the loader with its map
//! reuse checks and all-or-nothing pinning) and `link attach` (every link
//! family). A child keeps the verbs' code in one place without commands
//! calling each other, and its output stays out of apply's.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::error::UserError;

fn run(args: &[&std::ffi::OsStr], what: &str) -> Result<()> {
    let exe = std::env::current_exe().context("finding the bpfpin binary")?;
    let out = Command::new(&exe)
        .arg("--nomount")
        .args(args)
        .output()
        .with_context(|| format!("running {}", exe.display()))?;
    if out.status.success() {
        return Ok(());
    }
    // The child's error: `Error: SENTENCE` then `  fix: FIX`.
    let err = String::from_utf8_lossy(&out.stderr);
    let msg = err.lines().find_map(|l| l.strip_prefix("Error: ")).unwrap_or(err.trim()).to_string();
    let fix =
        err.lines().find_map(|l| l.trim_start().strip_prefix("fix: ")).unwrap_or("see the message above").to_string();
    Err(UserError::new(format!("{what}: {msg}"), fix).into())
}

/// `prog loadall OBJ DIR --pin-maps MAPS [--replace-maps]`.
pub fn loadall(obj: &Path, dir: &Path, maps: &Path, replace_maps: bool, what: &str) -> Result<()> {
    let mut args = vec![
        "prog".as_ref(),
        "loadall".as_ref(),
        obj.as_os_str(),
        dir.as_os_str(),
        "--pin-maps".as_ref(),
        maps.as_os_str(),
    ];
    if replace_maps {
        args.push("--replace-maps".as_ref());
    }
    run(&args, what)
}

/// `link attach pinned PROG TARGET... PATH`.
pub fn link_attach(prog: &Path, target: &[String], path: &Path, what: &str) -> Result<()> {
    let mut args = vec!["link".as_ref(), "attach".as_ref(), "pinned".as_ref(), prog.as_os_str()];
    args.extend(target.iter().map(|t| std::ffi::OsStr::new(t.as_str())));
    args.push(path.as_os_str());
    run(&args, what)
}
