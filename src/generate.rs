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

/// bash, zsh and fish get a small script that asks `bpfpin __complete` (see
/// `complete.rs`) on every Tab, so ids, pins and interfaces come from the
/// running kernel and every word from the clap tree and bpftool's grammar.
/// Other shells get clap_complete's static script (objects, verbs, flags).
pub fn completions(shell: Shell, w: &mut dyn Write) -> Result<()> {
    match shell {
        Shell::Bash => w.write_all(BASH.as_bytes())?,
        Shell::Zsh => w.write_all(ZSH.as_bytes())?,
        Shell::Fish => w.write_all(FISH.as_bytes())?,
        _ => clap_complete::generate(shell, &mut Cli::command(), "bpfpin", w),
    }
    Ok(())
}

const BASH: &str = r#"# bash completion for bpfpin, written by `bpfpin generate`. Candidates come
# from `bpfpin __complete`: verbs and flags from its command tree, bpftool's
# words, and the running kernel's ids, pins and interfaces.
_bpfpin() {
    local line
    local -a lines
    mapfile -t lines < <("${COMP_WORDS[0]}" __complete bash "$COMP_CWORD" -- "${COMP_WORDS[@]}" 2>/dev/null)
    COMPREPLY=()
    if (( ${#lines[@]} == 1 )); then
        COMPREPLY=("${lines[0]%%$'\t'*}")
        [[ ${COMPREPLY[0]} == */ ]] && compopt -o nospace 2>/dev/null
        return 0
    fi
    # Several: show what each id names; only the common prefix is inserted.
    for line in "${lines[@]}"; do
        if [[ $line == *$'\t'* ]]; then
            COMPREPLY+=("${line%%$'\t'*} (${line#*$'\t'})")
        else
            COMPREPLY+=("$line")
        fi
    done
    return 0
}
complete -F _bpfpin bpfpin
"#;

const ZSH: &str = r#"#compdef bpfpin
# zsh completion for bpfpin, written by `bpfpin generate`. Candidates come
# from `bpfpin __complete`: verbs and flags from its command tree, bpftool's
# words, and the running kernel's ids, pins and interfaces.
_bpfpin() {
    local -a described plain dirs
    local line
    for line in "${(@f)$("${words[1]}" __complete zsh $((CURRENT - 1)) -- "${words[@]}" 2>/dev/null)}"; do
        [[ -z $line ]] && continue
        if [[ $line == *$'\t'* ]]; then
            described+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
        elif [[ $line == */ ]]; then
            dirs+=("$line")
        else
            plain+=("$line")
        fi
    done
    (( ${#described} )) && _describe -t values bpfpin described
    (( ${#plain} )) && compadd -Q -- "${plain[@]}"
    (( ${#dirs} )) && compadd -Q -S '' -- "${dirs[@]}"
    return 0
}
if [[ $funcstack[1] == _bpfpin ]]; then
    _bpfpin "$@"
else
    compdef _bpfpin bpfpin
fi
"#;

const FISH: &str = r#"# fish completion for bpfpin, written by `bpfpin generate`. Candidates come
# from `bpfpin __complete`: verbs and flags from its command tree, bpftool's
# words, and the running kernel's ids, pins and interfaces.
function __bpfpin_complete
    set -l words (commandline -opc) (commandline -ct)
    $words[1] __complete fish (math (count $words) - 1) -- $words 2>/dev/null
end
complete -c bpfpin -f -a '(__bpfpin_complete)'
"#;

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
    render_page(page, &mut buf)?;
    let file = dir.join(format!("{name}.8"));
    fs::write(&file, buf).with_context(|| format!("writing {}", file.display()))?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    Ok(())
}

/// clap_mangen's sections, except that `after_long_help` becomes two
/// sections of its own: the grammar (GRAMMAR) and the examples (EXAMPLES),
/// both unfilled so each command keeps its line. (clap_mangen would pour it
/// into one filled EXTRA paragraph.)
fn render_page(page: clap::Command, w: &mut Vec<u8>) -> Result<()> {
    let has_args = page.get_arguments().any(|a| !a.is_hide_set());
    let has_subs = page.get_subcommands().any(|s| !s.is_hide_set());
    let has_version = page.get_version().is_some();
    let extra = page.get_after_long_help().or(page.get_after_help()).map(|s| s.to_string()).unwrap_or_default();
    let man = clap_mangen::Man::new(page).section("8");
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    if has_args {
        man.render_options_section(w)?;
    }
    if has_subs {
        man.render_subcommands_section(w)?;
    }
    let heading = format!("\n\n{}\n", crate::cli::EXAMPLES_HEADING);
    let (grammar, examples) = match extra.split_once(&heading) {
        Some((g, e)) => (g, e),
        None => match extra.strip_prefix(&heading[2..]) {
            Some(e) => ("", e),
            None => (extra.as_str(), ""),
        },
    };
    for (title, text) in [("GRAMMAR", grammar), ("EXAMPLES", examples)] {
        if text.trim().is_empty() {
            continue;
        }
        writeln!(w, ".SH {title}\n.nf")?;
        for line in text.lines() {
            writeln!(w, "{}", roff_line(line.strip_prefix("  ").unwrap_or(line)))?;
        }
        writeln!(w, ".fi")?;
    }
    if has_version {
        man.render_version_section(w)?;
    }
    Ok(())
}

/// One line of unfilled roff text: backslashes and hyphens escaped, and a
/// leading `.` or `'` kept from being read as a request.
fn roff_line(line: &str) -> String {
    let mut s = String::with_capacity(line.len() + 8);
    if line.starts_with(['.', '\'']) {
        s.push_str("\\&");
    }
    for c in line.chars() {
        match c {
            '\\' => s.push_str("\\e"),
            '-' => s.push_str("\\-"),
            c => s.push(c),
        }
    }
    s
}
