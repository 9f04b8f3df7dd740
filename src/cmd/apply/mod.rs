//! `bpfpin apply FILE` and `bpfpin diff FILE`: converge the host to a
//! manifest (see `manifest`), print the plan, or keep converging (--watch).

mod exec;
mod plan;
mod snapshot;
mod sub;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::cli::{ApplyCmd, Global};
use crate::error::UserError;
use crate::manifest::{self, state};
use crate::output::Out;
use crate::pins;
use crate::sys;
use plan::Action;

/// Exit status of `--detailed-exitcode` when something changed (terraform's).
const EXIT_CHANGED: i32 = 2;

fn plan_for(file: &Path) -> Result<(plan::Plan, state::Lock, std::path::PathBuf)> {
    let m = manifest::load(file)?;
    let lock = state::lock(&m.state_dir, &m.name)?;
    let state_file = state::path(&m.state_dir, &m.name);
    let st = state::read(&state_file)?;
    if !st.pin_dir.is_empty() && Path::new(&st.pin_dir) != m.pin_dir {
        bail!(UserError::new(
            format!("pin_dir changed from {} to {}; apply does not move what it made", st.pin_dir, m.pin_dir.display()),
            "put pin_dir back, or remove the manifest's objects with an empty manifest and --prune first",
        ));
    }
    let plan = plan::make(m, st).with_context(|| format!("planning {}", file.display()))?;
    Ok((plan, lock, state_file))
}

fn print_plan(out: &mut Out, actions: &[Action]) -> Result<()> {
    Ok(out.list(actions)?)
}

/// Exit now with `code` (after flushing what was printed): the one way a
/// command here says "changed" as a status rather than an error.
fn exit_with(out: &mut Out, code: i32) -> ! {
    let _ = out.flush();
    let _ = std::io::stdout().flush();
    std::process::exit(code)
}

pub fn diff(g: &Global, out: &mut Out, file: &Path, detailed: bool) -> Result<()> {
    pins::ensure_mounted(g.nomount)?;
    let (plan, _lock, _) = plan_for(file)?;
    let actions = plan.actions(false);
    print_plan(out, &actions)?;
    if detailed && plan.changes(false) {
        exit_with(out, EXIT_CHANGED);
    }
    Ok(())
}

pub fn run(g: &Global, out: &mut Out, cmd: &ApplyCmd) -> Result<()> {
    pins::ensure_mounted(g.nomount)?;
    sys::signal::catch_stop_signals().context("installing the signal handlers")?;
    if cmd.watch {
        return watch(cmd);
    }
    let (plan, _lock, state_file) = plan_for(&cmd.file)?;
    let actions = plan.actions(cmd.prune);
    let changes = plan.changes(cmd.prune);
    if !cmd.dry_run && changes {
        exec::apply(&plan, cmd.prune, &state_file)?;
    }
    print_plan(out, &actions)?;
    if cmd.detailed_exitcode && changes {
        exit_with(out, EXIT_CHANGED);
    }
    Ok(())
}

/// One line of the watch log.
#[derive(Serialize)]
struct Event<'a> {
    time: u64,
    action: &'a str,
    kind: &'a str,
    name: &'a str,
    detail: &'a str,
}

fn log(action: &str, kind: &str, name: &str, detail: &str) {
    let time = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let e = Event { time, action, kind, name, detail };
    let mut line = serde_json::to_string(&e).unwrap_or_default();
    line.push('\n');
    // Straight to stdout, unbuffered: a log read live (kubectl logs, journald).
    let _ = std::io::stdout().write_all(line.as_bytes());
    let _ = std::io::stdout().flush();
}

/// One pass of the reconcile loop: plan, apply when something differs, log
/// what was done (or why it could not be).
fn reconcile(cmd: &ApplyCmd) {
    let r = plan_for(&cmd.file).and_then(|(plan, lock, state_file)| {
        let actions = plan.actions(cmd.prune);
        if plan.changes(cmd.prune) {
            exec::apply(&plan, cmd.prune, &state_file)?;
        }
        drop(lock);
        Ok(actions)
    });
    match r {
        Ok(actions) => {
            for a in actions.iter().filter(|a| !matches!(a.action, "unchanged" | "keep")) {
                log(a.action, a.kind, &a.name, &a.detail);
            }
        }
        Err(e) => log("error", "manifest", &cmd.file.display().to_string(), &format!("{e:#}")),
    }
}

fn watch(cmd: &ApplyCmd) -> Result<()> {
    let interval = cmd.interval.unwrap_or(5.0);
    if !(0.05..=86400.0).contains(&interval) {
        bail!(UserError::new(
            format!("--interval {interval} is out of range"),
            "give seconds from 0.05 to 86400, e.g. --interval 5"
        ));
    }
    let every = Duration::from_secs_f64(interval);
    let stamp = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    log("start", "manifest", &cmd.file.display().to_string(), &format!("every {interval}s"));
    loop {
        let seen = stamp(&cmd.file);
        reconcile(cmd);
        // Wait an interval, waking early for a stop signal or a manifest edit.
        let start = Instant::now();
        while start.elapsed() < every {
            if sys::signal::stop_requested() {
                log("stop", "manifest", &cmd.file.display().to_string(), "signal received; the state stays in place");
                return Ok(());
            }
            if stamp(&cmd.file) != seen {
                break;
            }
            std::thread::sleep(Duration::from_millis(50).min(every));
        }
    }
}
