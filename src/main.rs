use std::process::ExitCode;

use clap::Parser;

use bpfpin::cli::Cli;
use bpfpin::error::{self, EXIT_ERROR};
use bpfpin::output::{self, ErrorView, Out};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = Out::new(bpfpin::output_mode(&cli));
    let result = bpfpin::run(&cli, &mut out).and_then(|()| out.flush().map_err(Into::into));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if error::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let r = error::report(&e);
            if cli.global.debug {
                eprintln!("debug: {e:?}");
            }
            eprintln!("Error: {}\n  fix: {}", r.msg, r.fix);
            if out.is_json() {
                let w = out.writer();
                let _ = output::write_json(&mut *w, &ErrorView { error: &r.msg, fix: &r.fix }, false);
                let _ = w.write_all(b"\n");
                let _ = out.flush();
            }
            ExitCode::from(EXIT_ERROR)
        }
    }
}
