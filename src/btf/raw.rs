//! The BTF container without decoding a type: the `.BTF` header and its
//! type and string sections, NUL-terminated names, and the `.BTF.ext`
//! subsections. `Btf::parse` (decoding), the loader
//! and `doctor`'s kernel-symbol scan all read BTF through here.
//! Little-endian only, like the rest of bpfpin.

use anyhow::{Result, anyhow, bail, ensure};
use aya_obj::generated::btf_header;

/// BTF's magic number: a `#define` in linux/btf.h that neither aya_obj's
/// bindings nor libc carry.
pub const MAGIC: u16 = 0xeb9f;
/// `struct btf_header` as this kernel's uapi defines it (24 bytes).
pub const HEADER_LEN: usize = std::mem::size_of::<btf_header>();

/// The three parts of a `.BTF` blob.
#[derive(Debug, Clone, Copy)]
pub struct Sections<'a> {
    /// The header as written, `hdr_len` bytes (a newer writer's may be longer).
    pub header: &'a [u8],
    pub types: &'a [u8],
    pub strings: &'a [u8],
}

fn le_u32(raw: &[u8], at: usize) -> Result<u32> {
    let b = raw.get(at..at + 4).ok_or_else(|| anyhow!("BTF header truncated"))?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Whether `raw` starts with the (little-endian) BTF magic.
pub fn has_magic(raw: &[u8]) -> bool {
    raw.get(0..2).is_some_and(|b| u16::from_le_bytes([b[0], b[1]]) == MAGIC)
}

/// The header, type and string sections of `raw`, with their bounds checked.
pub fn sections(raw: &[u8]) -> Result<Sections<'_>> {
    let magic = raw
        .get(0..2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .ok_or_else(|| anyhow!("BTF blob too short for a header"))?;
    if magic == MAGIC.swap_bytes() {
        bail!("big-endian BTF is not supported");
    }
    ensure!(magic == MAGIC, "not BTF: bad magic {magic:#06x}");
    let hdr_len = le_u32(raw, 4)? as usize;
    ensure!(hdr_len >= HEADER_LEN, "BTF header length {hdr_len} too small");
    let section = |off_at: usize, len_at: usize, what: &str| -> Result<&[u8]> {
        let off = le_u32(raw, off_at)? as usize;
        let len = le_u32(raw, len_at)? as usize;
        let start = hdr_len.checked_add(off);
        let end = start.and_then(|s| s.checked_add(len));
        match (start, end) {
            (Some(s), Some(e)) => raw.get(s..e).ok_or_else(|| anyhow!("BTF {what} section out of bounds")),
            _ => bail!("BTF {what} section out of bounds"),
        }
    };
    let types = section(8, 12, "type")?;
    let strings = section(16, 20, "string")?;
    // Both sections start at or after hdr_len and lie inside `raw`.
    Ok(Sections { header: &raw[..hdr_len], types, strings })
}

/// The NUL-terminated name at `off` in a string section; `None` when it
/// starts or runs past the end of the section.
pub fn name_at(strings: &[u8], off: usize) -> Option<&[u8]> {
    let rest = strings.get(off..)?;
    let len = rest.iter().position(|&b| b == 0)?;
    rest.get(..len)
}

/// Every NUL-delimited piece of a string section, in order.
pub fn names(strings: &[u8]) -> impl Iterator<Item = &[u8]> {
    strings.split(|b| *b == 0)
}

/// The `.BTF.ext` subsections (func_info, line_info and, when the header
/// is long enough, CO-RE relocations) as (offset within `ext`, bytes);
/// `None` when the magic is wrong or a subsection lies outside `ext`.
pub fn ext_subsections(ext: &[u8]) -> Option<Vec<(usize, &[u8])>> {
    let u32_at = |at: usize| ext.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    if !has_magic(ext) {
        return None;
    }
    let hdr_len = usize::try_from(u32_at(4)?).ok()?;
    let fields: &[usize] = if hdr_len >= 32 { &[8, 16, 24] } else { &[8, 16] };
    let mut parts = Vec::new();
    for &field in fields {
        let off = usize::try_from(u32_at(field)?).ok()?;
        let len = usize::try_from(u32_at(field + 4)?).ok()?;
        let start = hdr_len.checked_add(off)?;
        parts.push((start, ext.get(start..start.checked_add(len)?)?));
    }
    Some(parts)
}
