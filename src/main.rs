// No Rust `main`: std's start-up (`lang_start`) reads /proc/self/maps
// through pthread_getattr_np to place a guard for its stack-overflow
// message, about a tenth of `bpfpin --version`. `c_main` below does the rest
// of what it does that bpfpin relies on (standard fds, SIGPIPE, exit code).
#![cfg_attr(not(test), no_main)]

use clap::{CommandFactory, FromArgMatches};

use bpfpin::cli::Cli;
use bpfpin::error::{self, EXIT_ERROR};
use bpfpin::guard;
use bpfpin::output::{self, ErrorView, Out};
use bpfpin::text::stderr_line;

/// The process entry point, as the C runtime calls it. std's own start-up
/// is skipped (see the top of this file); what of it matters is done here:
/// fds 0-2 are opened on /dev/null when closed (so no map or file fd
/// becomes "stdout", and `Out` still recognises a closed stdout), SIGPIPE is
/// ignored (a closed pipe is an EPIPE error, handled quietly), a panic that
/// escapes exits 101, and stdout is flushed before exit.
#[cfg(not(test))]
// The C runtime calls this by its symbol name; nothing else is named `main`.
#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    bpfpin::sys::startup::sanitize_standard_fds();
    bpfpin::sys::startup::ignore_sigpipe();
    // std collects argv itself on glibc (an .init_array hook), so
    // `std::env::args_os` works without lang_start.
    let code = std::panic::catch_unwind(run_main).unwrap_or(101);
    let _ = std::io::Write::flush(&mut std::io::stdout());
    libc::c_int::from(code)
}

/// The command; returns the exit status.
#[cfg_attr(test, allow(dead_code))]
fn run_main() -> u8 {
    // The clap tree (every object, verb and flag) is built only to parse
    // these arguments: it is leaked rather than dropped, a quarter of the
    // start-up's instructions saved for memory the exit frees anyway.
    let mut cmd = Cli::command();
    let parsed =
        cmd.try_get_matches_from_mut(bpfpin::cli::hoist_global_flags(std::env::args_os())).and_then(|mut m| {
            let r = Cli::from_arg_matches_mut(&mut m).map_err(|e| e.format(&mut cmd));
            std::mem::forget(m);
            r
        });
    std::mem::forget(cmd);
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let mut out = Out::new(bpfpin::output_mode(&cli));
    // Every panic (ours or a dependency's) becomes an error here, after the
    // command's rollback guards have run during unwinding.
    let result = guard::catch("running the command", "bpfpin", || bpfpin::run(&cli, &mut out))
        .and_then(|()| out.flush().map_err(Into::into));
    let Err(e) = result else { return 0 };
    if error::is_broken_pipe(&e) {
        return 0;
    }
    // What the command printed before failing comes first.
    let _ = out.flush();
    let r = error::report(&e);
    if cli.global.debug {
        stderr_line(&format!("debug: {e:?}"));
    }
    stderr_line(&format!("Error: {}\n  fix: {}", r.msg, r.fix));
    // One JSON document per command: the error document only when the
    // command had not printed its own (e.g. doctor's table of checks).
    if out.is_json() && !out.wrote_anything() {
        let w = out.writer();
        let _ = output::write_json(&mut *w, &ErrorView { error: &r.msg, fix: &r.fix }, false);
        let _ = w.write_all(b"\n");
        let _ = out.flush();
    }
    // Stopped by a signal after undoing its work: the shell's convention.
    if let Some(i) = e.downcast_ref::<bpfpin::error::Interrupted>() {
        return (128 + i.0).clamp(0, 255) as u8;
    }
    EXIT_ERROR
}

/// clap's errors and its help/version output, written without panicking
/// (clap's own `exit` would panic on an unwritable stderr); with -j the
/// error is also a JSON document on stdout, as every other error is.
fn usage_error(e: &clap::Error) -> u8 {
    let text = e.render().to_string();
    if !e.use_stderr() {
        // --help, --version: not errors.
        let mut out = Out::new(output::Mode::Plain);
        let _ = out.writer().write_all(text.as_bytes());
        let _ = out.flush();
        return u8::try_from(e.exit_code()).unwrap_or(EXIT_ERROR);
    }
    stderr_line(text.trim_end());
    let args: Vec<String> = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    if error::wants_json(&args) {
        let r = error::usage_report(&text);
        let mut out = Out::new(output::Mode::Json { pretty: false });
        let w = out.writer();
        let _ = output::write_json(&mut *w, &ErrorView { error: &r.msg, fix: &r.fix }, false);
        let _ = w.write_all(b"\n");
        let _ = out.flush();
    }
    u8::try_from(e.exit_code()).unwrap_or(2)
}
