use std::process::ExitCode;

use clap::Parser;

use bpfpin::cli::Cli;
use bpfpin::error::{self, EXIT_ERROR};
use bpfpin::output::{self, ErrorView, Out};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = Out::new(bpfpin::output_mode(&cli));
    let result = bpfpin::run(&cli, &mut out).and_then(|()| out.flush().map_err(Into::into));
    let Err(e) = result else { return ExitCode::SUCCESS };
    if error::is_broken_pipe(&e) {
        return ExitCode::SUCCESS;
    }
    // What the command printed before failing comes first.
    let _ = out.flush();
    let r = error::report(&e);
    if cli.global.debug {
        eprintln!("debug: {e:?}");
    }
    eprintln!("Error: {}\n  fix: {}", r.msg, r.fix);
    // One JSON document per command: the error document only when the
    // command had not printed its own (e.g. doctor's table of checks).
    if out.is_json() && !out.wrote_anything() {
        let w = out.writer();
        let _ = output::write_json(&mut *w, &ErrorView { error: &r.msg, fix: &r.fix }, false);
        let _ = w.write_all(b"\n");
        let _ = out.flush();
    }
    // Stopped by a signal after undoing its work: the shell's convention.
    if let Some(i) = e.downcast_ref::<bpfpin::load::Interrupted>() {
        return ExitCode::from((128 + i.0).clamp(0, 255) as u8);
    }
    ExitCode::from(EXIT_ERROR)
}
