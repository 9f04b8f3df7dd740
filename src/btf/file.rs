//! BTF from a file: raw BTF (/sys/kernel/btf/NAME, module BTF split on
//! vmlinux) or an ELF object's `.BTF` section. Shared by `btf dump file`
//! and `map events --btf`.

use std::path::Path;

use anyhow::{Context, Result};

use super::Btf;
use crate::error::UserError;

pub const VMLINUX: &str = "/sys/kernel/btf/vmlinux";

/// vmlinux's BTF, parsed whole.
pub fn vmlinux() -> Result<Btf> {
    let raw = std::fs::read(VMLINUX).with_context(|| format!("reading {VMLINUX}"))?;
    Btf::parse(&raw).with_context(|| format!("parsing {VMLINUX}"))
}

impl Btf {
    /// The BTF in `path` and the first id of its own (1, or after
    /// vmlinux's for a module's split BTF).
    pub fn from_file(path: &Path) -> Result<(Btf, u32)> {
        let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let raw: &[u8] = if super::raw::has_magic(&data) {
            &data
        } else {
            use object::{Object, ObjectSection};
            let elf = object::File::parse(&*data).map_err(|_| {
                UserError::new(
                    format!("{} is neither raw BTF nor an ELF object", path.display()),
                    "give /sys/kernel/btf/NAME or a BPF object built with -g",
                )
            })?;
            let sec = elf.section_by_name(".BTF").ok_or_else(|| {
                UserError::new(
                    format!("{} has no .BTF section", path.display()),
                    "build it with -g (`clang -O2 -g -target bpf -c FILE.c`) and do not strip .BTF",
                )
            })?;
            // An object's .BTF is never split BTF, so it is parsed on its own, here, while `elf` lives.
            return parse_whole(path, sec.data().with_context(|| format!("reading .BTF of {}", path.display()))?);
        };
        let module = path.starts_with("/sys/kernel/btf/") && path != Path::new(VMLINUX);
        if module {
            let base = vmlinux()?;
            let first = base.len();
            let btf = Btf::parse_split(raw, &base)
                .with_context(|| format!("parsing {} on top of {VMLINUX}", path.display()))?;
            return Ok((btf, first));
        }
        parse_whole(path, raw)
    }
}

fn parse_whole(path: &Path, raw: &[u8]) -> Result<(Btf, u32)> {
    let btf = Btf::parse(raw).map_err(|e| {
        UserError::new(format!("{}: its BTF does not parse ({e})", path.display()), "rebuild the object with clang -g")
    })?;
    Ok((btf, 1))
}
