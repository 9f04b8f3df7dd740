use std::process::ExitCode;

use clap::Parser;

use bpfpin::cli::Cli;
use bpfpin::error::{self, EXIT_ERROR};
use bpfpin::guard;
use bpfpin::output::{self, ErrorView, Out};
use bpfpin::text::stderr_line;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let mut out = Out::new(bpfpin::output_mode(&cli));
    // Every panic (ours or a dependency's) becomes an error here, after the
    // command's rollback guards have run during unwinding.
    let result = guard::catch("running the command", "bpfpin", || bpfpin::run(&cli, &mut out))
        .and_then(|()| out.flush().map_err(Into::into));
    let Err(e) = result else { return ExitCode::SUCCESS };
    if error::is_broken_pipe(&e) {
        return ExitCode::SUCCESS;
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
        return ExitCode::from((128 + i.0).clamp(0, 255) as u8);
    }
    ExitCode::from(EXIT_ERROR)
}

/// clap's errors and its help/version output, written without panicking
/// (clap's own `exit` would panic on an unwritable stderr); with -j the
/// error is also a JSON document on stdout, as every other error is.
fn usage_error(e: &clap::Error) -> ExitCode {
    let text = e.render().to_string();
    if !e.use_stderr() {
        // --help, --version: not errors.
        let mut out = Out::new(output::Mode::Plain);
        let _ = out.writer().write_all(text.as_bytes());
        let _ = out.flush();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(EXIT_ERROR));
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
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}
