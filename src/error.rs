//! Errors as users read them: one sentence naming the object, then the fix.
//! Commands raise `UserError` where they know the fix; anything else (a
//! syscall's errno, an aya error) gets its fix from the table in `fix_for`.

use std::fmt;
use std::io;

use crate::sys::SysError;

/// A failure with a known remedy.
#[derive(Debug)]
pub struct UserError {
    pub msg: String,
    pub fix: String,
}

impl UserError {
    pub fn new(msg: impl Into<String>, fix: impl Into<String>) -> Self {
        UserError { msg: msg.into(), fix: fix.into() }
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for UserError {}

/// What main prints: the whole context chain on one line, and a fix.
pub struct Report {
    pub msg: String,
    pub fix: String,
}

pub fn report(err: &anyhow::Error) -> Report {
    // Names from objects and pins may hold newlines or escape sequences;
    // escaped, the error stays one line and cannot drive the terminal.
    let msg = crate::text::escape(&one_line(err)).into_owned();
    let fix = err
        .chain()
        .find_map(|e| user_error(e).map(|u| u.fix.clone()))
        .or_else(|| object_refused(err))
        .or_else(|| err.chain().find_map(fix_for))
        .unwrap_or_else(|| fallback_fix(err));
    let fix = crate::text::escape(&fix).into_owned();
    Report { msg, fix }
}

/// The kernel refusing an object's maps or BTF while aya loads it: EINVAL
/// there means a malformed definition, not a wrong `map show` size.
fn object_refused(err: &anyhow::Error) -> Option<String> {
    err.chain().any(|e| e.is::<aya::EbpfError>()).then_some(())?;
    (err.chain().find_map(errno_of)? == libc::EINVAL).then(|| {
        "the kernel refused a map or the BTF of this object as malformed: rebuild it with \
         `clang -O2 -g -target bpf -c FILE.c`, and add -d to see the kernel's reason"
            .to_string()
    })
}

/// A `UserError`, also where one travels inside an `io::Error` (stdout's
/// writer raises its errors that way so `?` keeps working on io::Result).
fn user_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a UserError> {
    e.downcast_ref::<UserError>()
        .or_else(|| e.downcast_ref::<io::Error>().and_then(|io| io.get_ref()).and_then(|i| i.downcast_ref()))
}

/// The fix for an error nothing more specific claimed: named after what
/// failed, so it is never only "run with -d".
fn fallback_fix(err: &anyhow::Error) -> String {
    let object = err.chain().any(|e| {
        e.is::<aya_obj::ParseError>()
            || e.is::<aya_obj::btf::BtfError>()
            || e.is::<aya_obj::relocation::RelocationError>()
            || e.is::<aya_obj::btf::BtfRelocationError>()
    });
    if object {
        return "the object is malformed or uses something aya 0.14 does not support: rebuild it with \
                `clang -O2 -g -target bpf -c FILE.c` (add -d to see every cause)"
            .to_string();
    }
    let kernel = err
        .chain()
        .any(|e| e.is::<aya::EbpfError>() || e.is::<aya::maps::MapError>() || e.is::<aya::programs::ProgramError>());
    if kernel {
        return "check the object and this kernel with `bpfpin doctor`; add -d to see every cause".to_string();
    }
    "check the input named above; add -d to see every cause".to_string()
}

/// Whether the raw arguments ask for JSON (-j, -p, --json, --pretty, or a
/// cluster like -jf), for errors raised before clap produced a `Cli`.
pub fn wants_json(args: &[String]) -> bool {
    args.iter().take_while(|a| a.as_str() != "--").any(|a| match a.strip_prefix("--") {
        Some(long) => long == "json" || long == "pretty",
        None => a.strip_prefix('-').is_some_and(|s| {
            !s.is_empty() && s.chars().all(|c| "jpfndr".contains(c)) && (s.contains('j') || s.contains('p'))
        }),
    })
}

/// clap's rendered error as `{error, fix}`: its first line without the
/// `error: ` prefix, and its `tip:` when it gives one.
pub fn usage_report(rendered: &str) -> Report {
    // A missing subcommand makes clap print the help, whose first line is
    // the command's description: say what is incomplete instead.
    if !rendered.starts_with("error:")
        && let Some(usage) = rendered.lines().find_map(|l| l.trim().strip_prefix("Usage: "))
    {
        let cmd = usage.split([' ']).take_while(|w| !w.starts_with(['[', '<', '{'])).collect::<Vec<_>>().join(" ");
        return Report {
            msg: format!("`{cmd}` is incomplete (usage: {usage})"),
            fix: format!("add what it needs; `{cmd} --help` lists its subcommands and arguments"),
        };
    }
    let msg = rendered.lines().next().unwrap_or("").trim_start_matches("error: ").trim().to_string();
    let tip = rendered.lines().find_map(|l| l.trim().strip_prefix("tip: ")).map(str::to_string);
    let fix = tip.unwrap_or_else(|| "see `bpfpin --help` (or `bpfpin OBJECT --help`) for the grammar".to_string());
    Report { msg, fix }
}

/// `context: cause: root cause`, skipping links that repeat the next one.
fn one_line(err: &anyhow::Error) -> String {
    let parts: Vec<String> = err.chain().map(|e| e.to_string()).collect();
    let mut out: Vec<&str> = Vec::new();
    for p in &parts {
        if out.last().is_some_and(|last: &&str| last.ends_with(p.as_str())) {
            continue;
        }
        out.push(p);
    }
    out.join(": ")
}

fn errno_of(e: &(dyn std::error::Error + 'static)) -> Option<i32> {
    if let Some(s) = e.downcast_ref::<SysError>() {
        return s.errno();
    }
    e.downcast_ref::<io::Error>().and_then(io::Error::raw_os_error)
}

/// The errno-to-fix table: generic remedies where the command did not give one.
fn fix_for(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let fix = match errno_of(e)? {
        libc::EPERM | libc::EACCES => "run as root, or grant CAP_BPF+CAP_NET_ADMIN (and CAP_PERFMON for tracing)",
        libc::ENOENT => "check the path or id: list what exists with `bpfpin ls` or `bpfpin prog show`",
        libc::EEXIST => {
            "remove the existing pin with `bpfpin map rm PATH` / `bpfpin prog rm PATH`, or choose another path"
        }
        libc::E2BIG => "the map is full or the value too large: check max_entries with `bpfpin map show`",
        libc::EINVAL => {
            "the kernel refused the arguments: check types and sizes with `bpfpin map show` / `bpfpin prog show`"
        }
        libc::EOPNOTSUPP => "this kernel or map type does not support the operation",
        // Since 5.11 BPF memory is charged to the cgroup, not RLIMIT_MEMLOCK.
        libc::ENOMEM => {
            "the kernel could not allocate memory for it: lower max_entries, or free memory or raise the cgroup's \
             memory.max (memlock limits only matter before Linux 5.11)"
        }
        libc::EBUSY => "something else holds this hook or object: see `bpfpin net show` / `bpfpin link show`",
        _ => return None,
    };
    Some(fix.to_string())
}

/// Exit statuses: 1 for errors, 2 for usage errors (clap's own), 0 otherwise.
pub const EXIT_ERROR: u8 = 1;

/// True when the error is only stdout being closed (`| head`): not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| e.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

/// A signal (Ctrl-C, SIGTERM, SIGHUP) asked the command to stop; what it
/// made has been undone. main exits with 128 + the signal.
#[derive(Debug)]
pub struct Interrupted(pub i32);

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "interrupted by signal {}; nothing was left behind", self.0)
    }
}

impl std::error::Error for Interrupted {}

/// Verbs the grammar has but this build does not carry out yet.
pub fn not_yet(verb: &str) -> anyhow::Result<()> {
    anyhow::bail!(UserError::new(
        format!("`bpfpin {verb}` is not available in this version of bpfpin"),
        "use bpftool for this for now; see the README for what bpfpin does today",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    fn sys(errno: i32) -> anyhow::Error {
        SysError { call: "BPF_OBJ_PIN", source: io::Error::from_raw_os_error(errno) }.into()
    }

    #[test]
    fn errno_table() {
        for (errno, needle) in [
            (libc::EPERM, "CAP_BPF"),
            (libc::EEXIST, "rm PATH"),
            (libc::E2BIG, "max_entries"),
            (libc::ENOENT, "bpfpin ls"),
            (libc::ENOMEM, "lower max_entries"),
        ] {
            let r = report(&sys(errno));
            assert!(r.fix.contains(needle), "{errno}: {}", r.fix);
        }
        // memlock has not limited BPF memory since 5.11 (doctor says so too).
        assert!(!report(&sys(libc::ENOMEM)).fix.contains("ulimit"));
    }

    #[test]
    fn no_error_is_left_with_only_run_with_d() {
        let e = anyhow::anyhow!("something odd").context("reading map `m`");
        let r = report(&e);
        assert!(!r.fix.starts_with("run with -d") && r.fix.contains("check the input"), "{}", r.fix);
        let e: anyhow::Error = aya_obj::ParseError::BtfError(aya_obj::btf::BtfError::InvalidHeader).into();
        assert!(report(&e).fix.contains("rebuild it with `clang"), "{}", report(&e).fix);
    }

    #[test]
    fn messages_stay_on_one_line() {
        let e: anyhow::Error = UserError::new("pin `a\nb\x1b[2J` is odd", "fix\tit").into();
        let r = report(&e);
        assert_eq!(r.msg, "pin `a\\nb\\x1b[2J` is odd");
        assert_eq!(r.fix, "fix\\tit");
    }

    #[test]
    fn usage_errors_as_reports() {
        let args = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert!(wants_json(&args("-j prog x")) && wants_json(&args("prog -pf x")) && wants_json(&args("--pretty")));
        assert!(!wants_json(&args("prog show -- -j")) && !wants_json(&args("map -r x")) && !wants_json(&args("-x")));
        let r = usage_report("error: unrecognized subcommand 'x'\n\n  tip: a similar subcommand exists: 'show'\n");
        assert_eq!(r.msg, "unrecognized subcommand 'x'");
        assert_eq!(r.fix, "a similar subcommand exists: 'show'");
        assert!(usage_report("error: bad\n").fix.contains("--help"));
        let r = usage_report("Load programs\n\nUsage: bpfpin prog [OPTIONS] <COMMAND>\n\nCommands:\n");
        assert_eq!(r.msg, "`bpfpin prog` is incomplete (usage: bpfpin prog [OPTIONS] <COMMAND>)");
        assert!(r.fix.contains("`bpfpin prog --help`"), "{}", r.fix);
    }

    #[test]
    fn context_chain_is_one_line_and_user_fix_wins() {
        let e: anyhow::Error = UserError::new("map key is 4 bytes, 2 given", "give 4 bytes").into();
        let e = e.context("looking up a key in map `counts`");
        let r = report(&e);
        assert_eq!(r.msg, "looking up a key in map `counts`: map key is 4 bytes, 2 given");
        assert_eq!(r.fix, "give 4 bytes");
        let e = sys(libc::EPERM).context("pinning program `x` at /sys/fs/bpf/x");
        let r = report(&e);
        assert!(r.msg.starts_with("pinning program `x`"), "{}", r.msg);
        assert!(!r.msg.contains('\n'));
    }

    #[test]
    fn broken_pipe_detected_through_context() {
        let e: anyhow::Error = io::Error::from(io::ErrorKind::BrokenPipe).into();
        let e = e.context("writing the dump");
        assert!(is_broken_pipe(&e));
        let r: anyhow::Result<()> = Err(sys(libc::EPERM)).context("x");
        assert!(!is_broken_pipe(&r.unwrap_err()));
    }
}
