//! completions/ and man/ come from the clap definitions only, so they never
//! drift from the parser. `bpfpin generate --out DIR` writes both; a test
//! regenerates them and fails when the committed copies are stale.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

pub const SHELLS: [(Shell, &str); 3] =
    [(Shell::Bash, "bpfpin.bash"), (Shell::Zsh, "_bpfpin"), (Shell::Fish, "bpfpin.fish")];

pub fn completions(shell: Shell, w: &mut dyn Write) -> Result<()> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "bpfpin", w);
    Ok(())
}

pub fn write_all(out: &Path) -> Result<()> {
    let comp = out.join("completions");
    let man = out.join("man");
    fs::create_dir_all(&comp).with_context(|| format!("creating {}", comp.display()))?;
    fs::create_dir_all(&man).with_context(|| format!("creating {}", man.display()))?;
    for (shell, file) in SHELLS {
        let mut buf = Vec::new();
        completions(shell, &mut buf)?;
        fs::write(comp.join(file), buf).with_context(|| format!("writing {file}"))?;
    }
    let mut cmd = Cli::command();
    cmd.build();
    write_pages(&cmd, "bpfpin", &man)
}

/// One page per command and subcommand, named like bpftool's
/// (`bpfpin-map-dump.8`), in section 8.
fn write_pages(cmd: &clap::Command, name: &str, dir: &Path) -> Result<()> {
    let page = cmd.clone().name(name.to_string());
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).section("8").render(&mut buf)?;
    let file = dir.join(format!("{name}.8"));
    fs::write(&file, buf).with_context(|| format!("writing {}", file.display()))?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(())
}
