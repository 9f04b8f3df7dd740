//! Shell completion candidates: `bpfpin __complete SHELL CWORD -- WORDS...`,
//! which the scripts in completions/ call on every Tab. One source: the clap
//! tree gives objects, verbs and `--flags`; bpftool's word grammar (as
//! `select.rs` and the verbs read it) gives the words after them; the running
//! kernel gives ids with names, tags, pins and interfaces.
//!
//! Written by hand because clap_complete 4.6's dynamic engine
//! (`unstable-dynamic`, `CompleteEnv`) completes one argument value at a time
//! without the words before it, and bpftool's grammar is all about those
//! (`id` after `pinned`, `key` after a MAP, map ids after an attach type).
//! Kernel lookups live here, not in `cli.rs`, which stays free of syscalls.

use std::os::fd::AsFd;
use std::path::Path;

use anyhow::Result;
use clap::{Arg, Command, CommandFactory};

use crate::cli::Cli;
use crate::output::Out;
use crate::sys::{self, Kind};

/// One candidate: the word to insert and, for ids, what it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cand {
    pub value: String,
    pub desc: String,
}

impl Cand {
    fn word(v: &str) -> Cand {
        Cand { value: v.to_string(), desc: String::new() }
    }
}

/// Print the candidates one a line: `value` or `value<TAB>description`. A
/// value ending in `/` is a directory the shell should not close with a space.
pub fn run(out: &mut Out, _shell: &str, cword: usize, words: &[String]) -> Result<()> {
    let w = out.writer();
    for c in candidates(words, cword) {
        if c.desc.is_empty() {
            writeln!(w, "{}", c.value)?;
        } else {
            writeln!(w, "{}\t{}", c.value, c.desc)?;
        }
    }
    Ok(())
}

/// What the selector, option or grammar slot at the cursor expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Obj {
    Prog,
    Map,
    Link,
    /// `map update ... value`: a prog array takes a PROG, a map-in-map a MAP.
    ProgOrMap,
}

/// The candidates for `words[cword]`, given the words before it
/// (`words[0]` is the program's name).
pub fn candidates(words: &[String], cword: usize) -> Vec<Cand> {
    let cur = words.get(cword).map(String::as_str).unwrap_or("");
    let before: Vec<&str> = words.iter().take(cword).skip(1).map(String::as_str).collect();
    let mut root = Cli::command();
    root.build();
    let mut cands = complete(&root, &before, cur);
    let mut seen = std::collections::HashSet::new();
    cands.retain(|c| c.value.starts_with(cur) && seen.insert(c.value.clone()));
    cands
}

fn complete(root: &Command, before: &[&str], cur: &str) -> Vec<Cand> {
    // Walk objects and verbs as clap would, setting options aside.
    let mut cmd = root;
    let mut path: Vec<&str> = Vec::new();
    let mut pos: Vec<&str> = Vec::new();
    let mut i = 0;
    let mut after_dashdash = false;
    while i < before.len() {
        let w = before[i];
        i += 1;
        if !after_dashdash && w == "--" {
            after_dashdash = true;
            continue;
        }
        if !after_dashdash && w.starts_with('-') && w.len() > 1 && !is_number(w) {
            if let Some(a) = find_opt(root, cmd, w)
                && takes_value(a)
                && !w.contains('=')
            {
                if i == before.len() {
                    return option_value(a, cur);
                }
                i += 1;
            }
            continue;
        }
        if cmd.has_subcommands() && pos.is_empty() {
            if let Some(sc) = find_sub(cmd, w) {
                cmd = sc;
                path.push(sc.get_name());
                continue;
            }
            return Vec::new();
        }
        pos.push(w);
    }
    if cur.starts_with('-') && !after_dashdash && !is_number(cur) {
        return flags(root, cmd);
    }
    if cmd.has_subcommands() {
        return cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
            .map(|s| Cand::word(s.get_name()))
            .collect();
    }
    grammar(cmd, &path.join(" "), &pos, cur, netns(before))
}

fn is_number(w: &str) -> bool {
    w.strip_prefix('-').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// `--netns NS` given earlier on the line: interfaces are listed there.
fn netns<'a>(before: &[&'a str]) -> Option<&'a str> {
    before
        .iter()
        .position(|w| *w == "--netns")
        .and_then(|i| before.get(i + 1).copied())
        .or_else(|| before.iter().find_map(|w| w.strip_prefix("--netns=")))
}

fn find_opt<'a>(root: &'a Command, cmd: &'a Command, w: &str) -> Option<&'a Arg> {
    let find = |c: &'a Command| -> Option<&'a Arg> {
        if let Some(long) = w.strip_prefix("--") {
            let long = long.split('=').next().unwrap_or(long);
            c.get_arguments().find(|a| a.get_long() == Some(long))
        } else {
            // A cluster of short flags (`-jp`): the last one may take a value.
            let last = w.chars().last()?;
            c.get_arguments().find(|a| a.get_short() == Some(last))
        }
    };
    find(cmd).or_else(|| find(root))
}

fn takes_value(a: &Arg) -> bool {
    a.get_num_args().is_some_and(|n| n.takes_values())
}

fn find_sub<'a>(cmd: &'a Command, w: &str) -> Option<&'a Command> {
    let subs: Vec<&Command> = cmd.get_subcommands().filter(|s| s.get_name() != "help").collect();
    if let Some(s) = subs.iter().find(|s| s.get_name() == w || s.get_all_aliases().any(|a| a == w)) {
        return Some(s);
    }
    // clap's infer_subcommands: a unique prefix.
    let mut hits = subs.iter().filter(|s| s.get_name().starts_with(w));
    match (hits.next(), hits.next()) {
        (Some(s), None) => Some(s),
        _ => None,
    }
}

/// The verb's visible flags, then the global ones (shown once, at the top,
/// but taken after the verb too).
fn flags(root: &Command, cmd: &Command) -> Vec<Cand> {
    let mut v = Vec::new();
    let both = [cmd, root];
    let cmds = if std::ptr::eq(cmd, root) { &both[..1] } else { &both[..] };
    for c in cmds {
        for a in c.get_arguments().filter(|a| !a.is_hide_set() && !a.is_positional()) {
            if let Some(l) = a.get_long() {
                v.push(Cand { value: format!("--{l}"), desc: a.get_help().map(|h| h.to_string()).unwrap_or_default() });
            }
        }
    }
    v
}

/// The value of `--opt`: kernel objects and paths where that is what it
/// names; nothing for numbers (no file names after `--priority`).
fn option_value(a: &Arg, cur: &str) -> Vec<Cand> {
    let vals: Vec<Cand> = a.get_possible_values().iter().map(|p| Cand::word(p.get_name())).collect();
    if !vals.is_empty() {
        return vals;
    }
    match a.get_long().unwrap_or("") {
        "netns" => dir_names(Path::new("/run/netns")),
        "link" | "pin-maps" => paths(cur, true),
        "from" => paths(cur, false),
        // `prog load --type`; `map events --type` names a BTF struct.
        "type" if a.get_id() == "prog_type" => prog_types(),
        "before" | "after" => ids(Obj::Prog),
        "dev" => ifaces(None),
        _ => Vec::new(),
    }
}

/// The words after the verb, by bpftool's grammar.
fn grammar(cmd: &Command, verb: &str, pos: &[&str], cur: &str, ns: Option<&str>) -> Vec<Cand> {
    let r = match verb {
        "prog show" | "prog list" => sel(pos, 0, Obj::Prog, cur).map(|_| Vec::new()),
        "prog dump" => prog_dump(pos, cur),
        "prog pin" => sel(pos, 0, Obj::Prog, cur).and_then(|i| bpffs_path(pos, i, cur)),
        "prog load" | "prog loadall" => load(pos, cur),
        "prog rm" | "map rm" => Err(paths(cur, false)),
        "prog attach" | "prog detach" => prog_attach(pos, cur),
        "prog run" => prog_run(pos, cur),
        "map show" | "map list" | "map dump" | "map freeze" | "map pop" | "map dequeue" | "map watch" => {
            sel(pos, 0, Obj::Map, cur).map(|_| Vec::new())
        }
        "map pin" => sel(pos, 0, Obj::Map, cur).and_then(|i| bpffs_path(pos, i, cur)),
        "map events" => map_events(pos, cur),
        "map lookup" | "map getnext" | "map delete" => map_key(pos, cur),
        "map update" => map_update(pos, cur),
        "map push" | "map enqueue" | "map peek" => sel(pos, 0, Obj::Map, cur)
            .and_then(|i| if pos.len() == i { Err(words(&["value"])) } else { Ok(Vec::new()) }),
        "map create" => map_create(pos, cur),
        "net show" | "net list" => match pos {
            [] => Err(words(&["dev"])),
            ["dev"] => Err(ifaces(ns)),
            _ => Ok(Vec::new()),
        },
        "net attach" | "net detach" => net_attach(verb == "net attach", pos, cur, ns),
        "link show" | "link list" | "link detach" => sel(pos, 0, Obj::Link, cur).map(|_| Vec::new()),
        "link pin" => sel(pos, 0, Obj::Link, cur).and_then(|i| bpffs_path(pos, i, cur)),
        "ls" => Err(paths(cur, true)),
        "feature probe" => Err(feature_probe(pos, ns)),
        "feature list_builtins" if pos.is_empty() => {
            Err(words(&["prog_types", "map_types", "attach_types", "link_types", "helpers"]))
        }
        "btf show" | "btf list" => match pos {
            [] => Err(words(&["id"])),
            ["id"] => Err(btf_ids()),
            _ => Ok(Vec::new()),
        },
        "btf dump" => btf_dump(pos, cur),
        _ => Ok(positional_values(cmd, pos.len())),
    };
    r.unwrap_or_else(|c| c)
}

/// `feature probe`'s words: each keyword once, an interface after `dev`.
fn feature_probe(pos: &[&str], ns: Option<&str>) -> Vec<Cand> {
    match pos.last() {
        Some(&"dev") => return ifaces(ns),
        Some(&"prefix") => return Vec::new(),
        _ => {}
    }
    let used = |w: &str| pos.contains(&w);
    let mut v = Vec::new();
    if !used("kernel") && !used("dev") {
        v.extend(["kernel", "dev"]);
    }
    v.extend(["full", "unprivileged", "macros"].into_iter().filter(|w| !used(w)));
    if used("macros") && !used("prefix") {
        v.push("prefix");
    }
    words(&v)
}

/// Possible values of the n-th positional (`completions SHELL`).
fn positional_values(cmd: &Command, n: usize) -> Vec<Cand> {
    cmd.get_positionals()
        .filter(|a| !a.is_hide_set())
        .nth(n)
        .map(|a| a.get_possible_values().iter().map(|p| Cand::word(p.get_name())).collect())
        .unwrap_or_default()
}

fn words(w: &[&str]) -> Vec<Cand> {
    w.iter().map(|w| Cand::word(w)).collect()
}

/// A selector starting at `pos[i]`: `Ok(index after it)`, or `Err(the
/// candidates)` when the cursor is inside it.
fn sel(pos: &[&str], i: usize, obj: Obj, cur: &str) -> Result<usize, Vec<Cand>> {
    match pos.get(i).copied() {
        None if cur.starts_with('/') || cur.starts_with('.') => Err(paths(cur, false)),
        None => Err(match obj {
            Obj::Prog | Obj::ProgOrMap => words(&["id", "pinned", "name", "tag"]),
            Obj::Map => words(&["id", "pinned", "name"]),
            Obj::Link => words(&["id", "pinned"]),
        }),
        Some(kw @ ("id" | "pinned" | "name" | "tag")) => match pos.get(i + 1) {
            None => Err(match kw {
                "id" => ids(obj),
                "pinned" => paths(cur, false),
                "name" => names(obj),
                _ => tags(),
            }),
            Some(_) => Ok(i + 2),
        },
        Some(_) => Ok(i + 1),
    }
}

/// A new pin path at `pos[i]` (the last word of `pin`).
fn bpffs_path(pos: &[&str], i: usize, cur: &str) -> Result<Vec<Cand>, Vec<Cand>> {
    if pos.len() == i { Err(paths(cur, false)) } else { Ok(Vec::new()) }
}

fn prog_dump(pos: &[&str], cur: &str) -> Result<Vec<Cand>, Vec<Cand>> {
    if pos.is_empty() {
        return Err(words(&["xlated", "jited"]));
    }
    let i = sel(pos, 1, Obj::Prog, cur)?;
    let mut kw = vec!["opcodes", "linum"];
    if pos[0] != "jited" {
        kw.push("visual");
    }
    kw.retain(|k| !pos[i..].contains(k));
    Ok(words(&kw))
}

fn load(pos: &[&str], cur: &str) -> Result<Vec<Cand>, Vec<Cand>> {
    match pos.len() {
        0 => return Err(paths(cur, false)),
        1 => return Err(paths(cur, false)),
        _ => {}
    }
    let mut i = 2;
    while i < pos.len() {
        match pos[i] {
            "type" => match pos.get(i + 1) {
                None => return Err(prog_types()),
                Some(_) => i += 2,
            },
            "pinmaps" => match pos.get(i + 1) {
                None => return Err(paths(cur, true)),
                Some(_) => i += 2,
            },
            "map" => match pos.get(i + 1) {
                None => return Err(words(&["name", "idx"])),
                Some(_) if pos.len() == i + 2 => return Ok(Vec::new()),
                Some(_) => i = sel(pos, i + 3, Obj::Map, cur)?,
            },
            _ => i += 1,
        }
    }
    Ok(words(&["type", "pinmaps", "map"]))
}

fn prog_attach(pos: &[&str], cur: &str) -> Result<Vec<Cand>, Vec<Cand>> {
    let i = sel(pos, 0, Obj::Prog, cur)?;
    match pos.get(i) {
        None => Err(words(&crate::cmd::net::PROG_ATTACH_NAMES)),
        Some(&"flow_dissector") => Ok(Vec::new()),
        Some(_) => sel(pos, i + 1, Obj::Map, cur).map(|_| Vec::new()),
    }
}

/// `map events MAP [cpu N index M]`: the two words once each, numbers after them.
fn map_events(pos: &[&str], cur: &str) -> Result<Vec<Cand>, Vec<Cand>> {
    let i = sel(pos, 0, Obj::Map, cur)?;
    if matches!(pos.last(), Some(&("cpu" | "index"))) && pos.len() > i {
        return Ok(Vec::new());
    }
    let mut kw = vec!["cpu", "index"];
    kw.retain(|k| !pos[i..].contains(k));
    Ok(words(&kw))
}

fn prog_run(pos: &[&str], cur: &str) -> Result<Vec<Cand>, Vec<Cand>> {
    let mut i = sel(pos, 0, Obj::Prog, cur)?;
    let files = ["data_in", "data_out", "ctx_in", "ctx_out"];
    let numbers = ["data_size_out", "ctx_size_out", "repeat"];
    while i < pos.len() {
        let k = pos[i];
        if pos.len() == i + 1 && files.contains(&k) {
            return Err(paths(cur, false));
        }
        if pos.len() == i + 1 && numbers.contains(&k) {
            return Err(Vec::new());
        }
        i += if files.contains(&k) || numbers.contains(&k) { 2 } else { 1 };
    }
    let mut kw: Vec<&str> = files.iter().chain(numbers.iter()).copied().collect();
    kw.retain(|k| !pos.contains(k));
    Ok(words(&kw))
}

/// `MAP key DATA` (lookup, getnext, delete).
fn map_key(pos: &[&str], cur: &str) -> Result<Vec<Cand>, Vec<Cand>> {
    let i = sel(pos, 0, Obj::Map, cur)?;
    match &pos[i..] {
        [] => Err(words(&["key"])),
        ["key"] => Err(words(&["hex", "json"])),
        _ => Ok(Vec::new()),
    }
}

/// `MAP key DATA value VALUE [any | noexist | exist]`.
fn map_update(pos: &[&str], cur: &str) -> Result<Vec<Cand>, Vec<Cand>> {
    let i = sel(pos, 0, Obj::Map, cur)?;
    let rest = &pos[i..];
    let Some(v) = rest.iter().position(|w| *w == "value") else {
        return match rest {
            [] => Err(words(&["key"])),
            ["key"] => Err(words(&["hex", "json"])),
            ["key", "hex"] | ["key", "json"] => Ok(Vec::new()),
            _ => Ok(words(&["value"])),
        };
    };
    let value = &rest[v + 1..];
    let flags = ["any", "noexist", "exist"];
    if value.iter().any(|w| flags.contains(w)) {
        return Ok(Vec::new());
    }
    match value {
        [] => Err(words(&["hex", "json", "id", "pinned", "name"])),
        ["id" | "pinned" | "name", ..] => sel(value, 0, Obj::ProgOrMap, cur).map(|_| words(&flags)),
        ["hex"] | ["json"] => Ok(Vec::new()),
        _ => Ok(words(&flags)),
    }
}

fn map_create(pos: &[&str], cur: &str) -> Result<Vec<Cand>, Vec<Cand>> {
    if pos.is_empty() {
        return Err(paths(cur, false));
    }
    let all = ["type", "key", "value", "entries", "name", "flags", "inner_map"];
    let mut i = 1;
    while i < pos.len() {
        match pos[i] {
            "inner_map" => i = sel(pos, i + 1, Obj::Map, cur)?,
            k if all.contains(&k) => match pos.get(i + 1) {
                None if k == "type" => return Err(map_types()),
                None if k == "flags" => return Err(map_flags(cur)),
                None => return Err(Vec::new()),
                Some(_) => i += 2,
            },
            _ => i += 1,
        }
    }
    let mut kw = all.to_vec();
    kw.retain(|k| !pos[1..].contains(k));
    Ok(words(&kw))
}

fn net_attach(attach: bool, pos: &[&str], cur: &str, ns: Option<&str>) -> Result<Vec<Cand>, Vec<Cand>> {
    let Some(hook) = pos.first() else {
        let mut names = crate::cmd::net::attach_type_names();
        if !attach {
            names.retain(|n| *n != "socket");
        }
        return Err(words(&names));
    };
    let tcx = hook.starts_with("tcx");
    let mut i = 1;
    if attach || (tcx && pos.get(1).is_some_and(|w| *w != "dev")) {
        i = sel(pos, 1, Obj::Prog, cur)?;
    } else if tcx && pos.len() == 1 {
        // detach: an optional PROG, or `dev`.
        return Err(words(&["dev", "id", "pinned", "name", "tag"]));
    }
    match &pos[i..] {
        [] => return Err(words(&["dev"])),
        ["dev"] => return Err(ifaces(ns)),
        _ => {}
    }
    let opts = pos.get(i + 2..).unwrap_or_default();
    if matches!(opts.last(), Some(&"priority") | Some(&"handle")) {
        return Err(Vec::new());
    }
    let mut kw: Vec<&str> = match (*hook, attach) {
        (h, true) if h.starts_with("xdp") => vec!["overwrite"],
        (h, true) if h.starts_with("tcx") => vec!["prepend"],
        (h, _) if h.starts_with("tc") && !h.starts_with("tcx") => vec!["priority", "handle"],
        _ => Vec::new(),
    };
    kw.retain(|k| !opts.contains(k));
    Ok(words(&kw))
}

// ---- what the kernel and the file system hold ----

/// Loaded programs, maps or links by id, each with its type and name.
/// `btf dump BTF_SRC [format { raw | c }]`, BTF_SRC as bpftool reads it.
fn btf_dump(pos: &[&str], cur: &str) -> Result<Vec<Cand>, Vec<Cand>> {
    let i = match pos.first().copied() {
        None => return Err(words(&["id", "prog", "map", "file"])),
        Some("id") if pos.len() == 1 => return Err(btf_ids()),
        Some("file") if pos.len() == 1 => {
            let dir = if cur.is_empty() { "/sys/kernel/btf/" } else { cur };
            return Err(paths(dir, false));
        }
        Some("id" | "file") => 2,
        Some("prog") => sel(pos, 1, Obj::Prog, cur)?,
        Some("map") => {
            let i = sel(pos, 1, Obj::Map, cur)?;
            match pos.get(i).copied() {
                None => return Err(words(&["key", "value", "kv", "all", "format"])),
                Some("key" | "value" | "kv" | "all") => i + 1,
                Some(_) => i,
            }
        }
        Some(_) => return Ok(Vec::new()),
    };
    match &pos[i.min(pos.len())..] {
        [] => Err(words(&["format"])),
        ["format"] => Err(words(&["raw", "c"])),
        _ => Ok(Vec::new()),
    }
}

/// Every BTF object's id, described by its name (`vmlinux`, a module, or the
/// anonymous BTF of a loaded object).
fn btf_ids() -> Vec<Cand> {
    let mut v = Vec::new();
    for id in sys::all_ids(Kind::Btf).unwrap_or_default() {
        let Ok(fd) = sys::get_fd_by_id(Kind::Btf, id) else { continue };
        let Ok((name, kernel, _)) = sys::btf_obj::btf_obj_summary(fd.as_fd()) else { continue };
        let desc = match (kernel, name.is_empty()) {
            (true, _) => format!("btf [{name}]"),
            (false, true) => "btf".to_string(),
            (false, false) => format!("btf {name}"),
        };
        v.push(Cand { value: id.to_string(), desc });
    }
    v
}

fn ids(obj: Obj) -> Vec<Cand> {
    let mut v = Vec::new();
    if matches!(obj, Obj::Prog | Obj::ProgOrMap) {
        for id in sys::all_ids(Kind::Prog).unwrap_or_default() {
            let Ok(fd) = sys::get_fd_by_id(Kind::Prog, id) else { continue };
            let Ok(info) = sys::prog_info(fd.as_fd()) else { continue };
            let desc = format!(
                "prog {} {}",
                crate::kinds::prog_type_name(info.info.type_),
                crate::pins::c_name(&info.info.name)
            );
            v.push(Cand { value: id.to_string(), desc: desc.trim_end().to_string() });
        }
    }
    if matches!(obj, Obj::Map | Obj::ProgOrMap) {
        for id in sys::all_ids(Kind::Map).unwrap_or_default() {
            let Ok(fd) = sys::get_fd_by_id(Kind::Map, id) else { continue };
            let Ok(info) = sys::map_info(fd.as_fd()) else { continue };
            let desc = format!("map {} {}", crate::kinds::map_type_name(info.type_), crate::pins::c_name(&info.name));
            v.push(Cand { value: id.to_string(), desc: desc.trim_end().to_string() });
        }
    }
    if obj == Obj::Link {
        for id in sys::all_ids(Kind::Link).unwrap_or_default() {
            let Ok(fd) = sys::get_fd_by_id(Kind::Link, id) else { continue };
            let Ok(info) = sys::link_info(fd.as_fd()) else { continue };
            let desc = format!("link {} prog {}", crate::kinds::link_type_name(info.type_), info.prog_id);
            v.push(Cand { value: id.to_string(), desc });
        }
    }
    v
}

fn names(obj: Obj) -> Vec<Cand> {
    let mut v: Vec<String> =
        ids(obj).into_iter().filter_map(|c| c.desc.split(' ').nth(2).map(str::to_string)).collect();
    v.sort();
    v.dedup();
    v.into_iter().filter(|n| !n.is_empty()).map(|n| Cand::word(&n)).collect()
}

fn tags() -> Vec<Cand> {
    let mut v = Vec::new();
    for id in sys::all_ids(Kind::Prog).unwrap_or_default() {
        let Ok(fd) = sys::get_fd_by_id(Kind::Prog, id) else { continue };
        let Ok(info) = sys::prog_info(fd.as_fd()) else { continue };
        let name = crate::pins::c_name(&info.info.name);
        v.push(Cand { value: hex::encode(info.info.tag), desc: format!("prog {id} {name}").trim_end().to_string() });
    }
    v.sort_by(|a, b| a.value.cmp(&b.value));
    v
}

/// Entries of the directory `cur` is in (/sys/fs/bpf when `cur` is empty);
/// directories end with `/`.
fn paths(cur: &str, dirs_only: bool) -> Vec<Cand> {
    let (dir, shown) = match cur.rfind('/') {
        Some(i) => (if i == 0 { "/" } else { &cur[..i] }, &cur[..=i]),
        None if cur.is_empty() => ("/sys/fs/bpf", "/sys/fs/bpf/"),
        None => (".", ""),
    };
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<Cand> = rd
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            if dirs_only && !is_dir {
                return None;
            }
            Some(Cand::word(&format!("{shown}{name}{}", if is_dir { "/" } else { "" })))
        })
        .collect();
    v.sort_by(|a, b| a.value.cmp(&b.value));
    v
}

fn dir_names(dir: &Path) -> Vec<Cand> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut v: Vec<Cand> = rd.flatten().map(|e| Cand::word(&e.file_name().to_string_lossy())).collect();
    v.sort_by(|a, b| a.value.cmp(&b.value));
    v
}

/// Interfaces of the current network namespace, or of `--netns NS` (entered
/// by this short-lived process only).
fn ifaces(ns: Option<&str>) -> Vec<Cand> {
    if let Some(ns) = ns
        && sys::net::enter_netns(&crate::cmd::net::netns_path(ns)).is_err()
    {
        return Vec::new();
    }
    let Ok(mut nl) = sys::netlink::Netlink::open() else { return Vec::new() };
    let mut v: Vec<Cand> = sys::netlink::links(&mut nl)
        .unwrap_or_default()
        .into_iter()
        .map(|l| Cand { value: l.name, desc: format!("ifindex {}", l.ifindex) })
        .collect();
    v.sort_by(|a, b| a.value.cmp(&b.value));
    v
}

fn prog_types() -> Vec<Cand> {
    let mut v: Vec<&str> = crate::loader::sections::program_type_names().collect();
    v.sort();
    v.dedup();
    words(&v)
}

fn map_types() -> Vec<Cand> {
    words(&crate::kinds::MAP_TYPES.iter().copied().filter(|t| !t.is_empty() && *t != "unspec").collect::<Vec<_>>())
}

/// Flag names; after a `,` the next name joins the ones already written.
fn map_flags(cur: &str) -> Vec<Cand> {
    let head = cur.rfind(',').map_or("", |i| &cur[..=i]);
    crate::cmd::map::edit::MAP_FLAGS.iter().map(|(n, _)| Cand::word(&format!("{head}{n}"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(line: &str) -> Vec<String> {
        let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
        words.insert(0, "bpfpin".into());
        let cword = words.len() - 1;
        candidates(&words, cword).into_iter().map(|c| c.value).collect()
    }

    fn has(line: &str, want: &[&str]) {
        let got = values(line);
        for w in want {
            assert!(got.iter().any(|g| g == w), "`{line}`: {w} missing from {got:?}");
        }
    }

    #[test]
    fn objects_verbs_and_flags() {
        has("", &["prog", "map", "net", "link", "ls", "doctor", "completions"]);
        has("m", &["map"]);
        has("map ", &["show", "dump", "update", "create"]);
        has("p s ", &["id", "pinned", "name", "tag"]);
        has("p s", &["show", "stats"]);
        has("map dump --", &["--hex", "--json", "--pretty"]);
        has("net attach xdp id 1 dev lo --", &["--overwrite", "--link"]);
        assert!(values("").iter().all(|v| v != "__complete" && v != "generate"));
    }

    #[test]
    fn grammar_words() {
        has("map update id 1 ", &["key"]);
        has("map update id 1 key ", &["hex", "json"]);
        has("map update id 1 key 1 0 0 0 ", &["value"]);
        has("map update id 1 key 1 0 0 0 value 0 0 0 0 ", &["any", "noexist", "exist"]);
        has("map lookup pinned /x ", &["key"]);
        has("map create /sys/fs/bpf/m type ", &["hash", "array", "queue", "ringbuf"]);
        has("map create /sys/fs/bpf/m type hash ", &["key", "value", "entries", "name", "flags"]);
        has("map create /sys/fs/bpf/m flags no_prealloc,", &["no_prealloc,rdonly_prog"]);
        has("feature probe ", &["kernel", "dev", "full", "macros", "unprivileged"]);
        has("feature probe macros ", &["prefix", "full"]);
        has("feature probe dev ", &["lo"]);
        has("feature list_builtins ", &["prog_types", "helpers"]);
        has("net attach ", &["xdp", "xdpgeneric", "tc-ingress", "tcx-egress", "socket"]);
        has("net attach xdp id 1 ", &["dev"]);
        has("net attach xdp id 1 dev lo ", &["overwrite"]);
        has("net attach tcx-ingress id 1 dev lo ", &["prepend"]);
        has("net attach tc-egress id 1 dev lo ", &["priority", "handle"]);
        has("net detach tc-egress dev lo ", &["priority", "handle"]);
        has("prog dump ", &["xlated", "jited"]);
        has("prog dump xlated id 3 ", &["opcodes", "linum", "visual"]);
        has("prog attach id 3 ", &["sk_msg_verdict", "flow_dissector"]);
        has("prog load x.o /sys/fs/bpf/x ", &["type", "pinmaps", "map"]);
        has("prog load x.o /sys/fs/bpf/x type ", &["xdp", "sched_cls"]);
        has("prog run id 1 ", &["data_in", "repeat"]);
        has("map events id 1 ", &["cpu", "index"]);
        has("map event_pipe id 1 cpu 0 ", &["index"]);
        has("map events id 1 --", &["--type", "--count", "--duration", "--cpu", "--index"]);
        has("completions ", &["bash", "zsh", "fish"]);
    }

    #[test]
    fn numbers_complete_to_nothing() {
        for line in [
            "net attach tc-ingress id 1 dev lo --priority ",
            "net attach tc-ingress id 1 dev lo priority ",
            "map watch id 1 --interval ",
            "map create /sys/fs/bpf/m key ",
            "prog run id 1 repeat ",
            "prog stats --duration ",
            "map events id 1 cpu ",
            "map events id 1 --type ",
        ] {
            assert_eq!(values(line), Vec::<String>::new(), "`{line}`");
        }
    }

    #[test]
    fn every_attach_type_candidate_is_accepted() {
        for name in crate::cmd::net::attach_type_names() {
            let line = format!("net attach {name} id 1 dev lo");
            let args = std::iter::once("bpfpin").chain(line.split(' '));
            assert!(<Cli as clap::Parser>::try_parse_from(args).is_ok());
        }
    }
}
