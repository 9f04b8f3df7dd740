//! The user-space binary a uprobe or USDT probe goes into: finding it by
//! name as libbpf does, and turning its symbols and addresses into the
//! FILE offsets the kernel's uprobes take (they are placed in the file's
//! page cache, not at an address of one process).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use object::{Object, ObjectSection, ObjectSegment, ObjectSymbol, SectionIndex, SegmentFlags, SymbolKind, SymbolScope};

use crate::error::UserError;

/// A binary read whole: executables and libraries with probes are small
/// enough, and `object` parses from one slice.
pub struct Binary {
    pub path: PathBuf,
    data: Vec<u8>,
}

/// A function symbol and the file offset of its first instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Func {
    pub name: String,
    pub offset: u64,
    global: bool,
}

impl Binary {
    /// Finds `name` (libbpf's rules: with a '/', as given; a `.so` name in
    /// LD_LIBRARY_PATH and the library dirs; anything else in PATH) and
    /// checks it is an ELF file.
    pub fn open(name: &str) -> Result<Binary> {
        let path = locate(name)?;
        let data = std::fs::read(&path).with_context(|| format!("reading `{}`", path.display()))?;
        let b = Binary { path, data };
        b.elf()?;
        Ok(b)
    }

    /// The parsed file (parsing is cheap: `object` reads headers lazily).
    pub fn elf(&self) -> Result<object::File<'_>> {
        match object::File::parse(&*self.data) {
            Ok(f) if f.format() == object::BinaryFormat::Elf => Ok(f),
            _ => bail!(UserError::new(
                format!("`{}` is not an ELF executable or library", self.path.display()),
                "give the path of a compiled program or shared library (scripts and wrappers cannot be probed)",
            )),
        }
    }

    /// Every defined function symbol of .symtab and .dynsym (a stripped
    /// library keeps only the latter), with its file offset.
    pub fn functions(&self) -> Result<Vec<Func>> {
        let elf = self.elf()?;
        let mut out: Vec<Func> = Vec::new();
        // .symtab and .dynsym repeat the exported functions; big binaries
        // have 100k symbols, so duplicates are found by hashing.
        let mut seen = std::collections::HashSet::new();
        for sym in elf.symbols().chain(elf.dynamic_symbols()) {
            if sym.kind() != SymbolKind::Text || sym.address() == 0 {
                continue;
            }
            let (Ok(name), Some(index)) = (sym.name(), sym.section_index()) else { continue };
            let Some(offset) = section_offset(&elf, index, sym.address()) else { continue };
            // .symtab may spell versioned names `malloc@@GLIBC_2.2.5`.
            let name = name.split('@').next().unwrap_or(name).to_string();
            let f = Func { name, offset, global: sym.scope() == SymbolScope::Dynamic || sym.is_global() };
            if seen.insert((f.name.clone(), f.offset, f.global)) {
                out.push(f);
            }
        }
        Ok(out)
    }

    /// The file offset of function `name`; several definitions at different
    /// offsets (a local and a global, two statics) pick the global one, as
    /// libbpf does, else refuse as ambiguous.
    pub fn function(&self, name: &str) -> Result<u64> {
        let all = self.functions()?;
        let mut found: Vec<&Func> = all.iter().filter(|f| f.name == name).collect();
        found.dedup_by_key(|f| f.offset);
        if found.len() > 1 && found.iter().any(|f| f.global) {
            found.retain(|f| f.global);
        }
        let mut offsets: Vec<u64> = found.iter().map(|f| f.offset).collect();
        offsets.sort_unstable();
        offsets.dedup();
        match offsets[..] {
            [one] => Ok(one),
            [] => {
                let near = near_names(&all, name);
                let fix = if near.is_empty() {
                    format!(
                        "list its functions with `nm -D {0}` or `nm {0}` (a stripped binary has only its exported ones)",
                        self.path.display()
                    )
                } else {
                    format!("did you mean {}?", near.join(", "))
                };
                bail!(UserError::new(format!("`{}` has no function `{name}`", self.path.display()), fix))
            }
            _ => bail!(UserError::new(
                format!(
                    "`{}` has {} functions named `{name}` (at file offsets {})",
                    self.path.display(),
                    offsets.len(),
                    offsets.iter().map(|o| format!("{o:#x}")).collect::<Vec<_>>().join(", ")
                ),
                format!("name one by its offset: `{}:0xOFFSET`", self.path.display()),
            )),
        }
    }

    /// The file offset of a virtual address, through the PT_LOAD segment
    /// that maps it (the one that is executable when `exec`).
    pub fn addr_to_offset(&self, addr: u64, exec: bool) -> Result<Option<u64>> {
        Ok(self.elf()?.segments().find_map(|seg| {
            let executable = matches!(seg.flags(), SegmentFlags::Elf { p_flags } if p_flags & object::elf::PF_X != 0);
            let inside = addr >= seg.address() && addr - seg.address() < seg.size();
            (inside && (!exec || executable)).then(|| addr - seg.address() + seg.file_range().0)
        }))
    }
}

/// The file offset of `addr` in the section that holds it.
fn section_offset(elf: &object::File<'_>, index: SectionIndex, addr: u64) -> Option<u64> {
    let sec = elf.section_by_index(index).ok()?;
    let (off, _) = sec.file_range()?;
    addr.checked_sub(sec.address()).map(|d| d + off)
}

/// Up to five function names that contain the asked one or are contained
/// in it, ignoring case and '_': typos and prefixes are the usual misses.
fn near_names(all: &[Func], name: &str) -> Vec<String> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('_', "");
    let want = norm(name);
    if want.len() < 3 {
        return Vec::new();
    }
    let mut near: Vec<&str> = all
        .iter()
        .filter(|f| {
            let n = norm(&f.name);
            n.contains(&want) || (n.len() >= 3 && want.contains(&n))
        })
        .map(|f| f.name.as_str())
        .collect();
    near.sort_unstable();
    near.dedup();
    near.iter().take(5).map(|n| format!("`{n}`")).collect()
}

/// Shell-style matching with `*` (any run) and `?` (one character), the
/// wildcards libbpf's uprobe.multi takes.
pub fn glob_match(pat: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pat.chars().collect(), name.chars().collect());
    // Backtracking to the last '*' keeps this linear enough for symbol names.
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// libbpf's search: a name with '/' is a path; `*.so`/`*.so.N` names are
/// looked up in LD_LIBRARY_PATH and the library directories, others in
/// PATH.
fn locate(name: &str) -> Result<PathBuf> {
    if name.is_empty() {
        bail!(UserError::new("the binary name is empty", "write BINARY:SYMBOL, e.g. `/usr/bin/bash:readline`"));
    }
    if name.contains('/') {
        let p = Path::new(name);
        if !p.exists() {
            bail!(UserError::new(
                format!("binary `{name}` does not exist"),
                "check the path; give the full path of the program or library to probe",
            ));
        }
        if p.is_dir() {
            bail!(UserError::new(format!("`{name}` is a directory"), "give the path of a program or library file"));
        }
        return Ok(p.to_path_buf());
    }
    let library = name.ends_with(".so") || name.contains(".so.");
    let dirs: Vec<String> = if library {
        let mut d: Vec<String> =
            std::env::var("LD_LIBRARY_PATH").unwrap_or_default().split(':').map(str::to_string).collect();
        let arch = format!("{}-linux-gnu", std::env::consts::ARCH);
        d.extend(["/usr/lib64", "/usr/lib", "/lib64", "/lib"].map(str::to_string));
        d.extend([format!("/usr/lib/{arch}"), format!("/lib/{arch}")]);
        d
    } else {
        let mut d: Vec<String> = std::env::var("PATH").unwrap_or_default().split(':').map(str::to_string).collect();
        d.extend(["/usr/bin", "/usr/sbin"].map(str::to_string));
        d
    };
    dirs.iter().filter(|d| !d.is_empty()).map(|d| Path::new(d).join(name)).find(|p| p.is_file()).ok_or_else(|| {
        let where_ = if library { "LD_LIBRARY_PATH or the library directories" } else { "PATH" };
        UserError::new(
            format!("binary `{name}` not found in {where_}"),
            "give its full path, e.g. `/usr/lib/x86_64-linux-gnu/libc.so.6:malloc` or `./myprog:main`",
        )
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_programs_in_path_and_refuses_missing_ones() {
        let sh = locate("sh").unwrap();
        assert!(sh.is_absolute() && sh.ends_with("sh"));
        let e = locate("no-such-binary-bpfpin").unwrap_err().to_string();
        assert!(e.contains("not found in PATH"), "{e}");
        let e = locate("/no/such/bin").unwrap_err().to_string();
        assert!(e.contains("does not exist"), "{e}");
    }

    #[test]
    fn libc_functions_have_file_offsets() {
        let Ok(b) = Binary::open("libc.so.6") else { return };
        let off = b.function("malloc").unwrap();
        assert!(off > 0);
        // The offset is in an executable segment's file range.
        assert!(b.elf().unwrap().segments().any(|s| {
            let (o, n) = s.file_range();
            off >= o && off < o + n
        }));
        let e = b.function("mallocc").unwrap_err().to_string();
        assert!(e.contains("has no function `mallocc`"), "{e}");
    }

    #[test]
    fn globs_match_like_the_shell() {
        assert!(glob_match("do_*", "do_work"));
        assert!(glob_match("*work*", "do_work_twice"));
        assert!(glob_match("w?rk", "work"));
        assert!(glob_match("main", "main"));
        assert!(!glob_match("main", "mains"));
        assert!(!glob_match("do_*x", "do_work"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn near_names_catch_prefixes_and_case() {
        let f = |n: &str| Func { name: n.into(), offset: 1, global: true };
        let all = [f("do_work"), f("do_work_twice"), f("main"), f("DoWorkLater")];
        assert_eq!(near_names(&all, "dowork"), ["`DoWorkLater`", "`do_work`", "`do_work_twice`"]);
        assert!(near_names(&all, "xy").is_empty());
    }
}
