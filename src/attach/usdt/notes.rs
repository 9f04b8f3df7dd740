//! The USDT sites of a binary: `<sys/sdt.h>` leaves one ELF note per probe
//! site in `.note.stapsdt` (owner "stapsdt", type 3) holding the site's
//! address, the link-time address of `.stapsdt.base`, the semaphore's
//! address (0: none), then "provider\0name\0args\0".

use anyhow::{Result, bail};
use object::{Object, ObjectSection};

use super::super::uprobe::elf::Binary;
use crate::error::UserError;

const NT_STAPSDT: u32 = 3;

/// One probe site, addresses already corrected for prelinking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub provider: String,
    pub name: String,
    pub pc: u64,
    /// 0: the probe has no semaphore.
    pub semaphore: u64,
    pub args: String,
}

/// Every site of the binary (empty when it has no USDT notes).
pub fn sites(bin: &Binary) -> Result<Vec<Site>> {
    let elf = bin.elf()?;
    // The argument operands are machine registers: only x86-64's are known.
    if elf.architecture() != object::Architecture::X86_64 {
        bail!(UserError::new(
            format!("`{}` is not an x86-64 binary ({:?})", bin.path.display(), elf.architecture()),
            "bpfpin reads the USDT argument operands of x86-64 binaries only",
        ));
    }
    let Some(notes) = elf.section_by_name(".note.stapsdt") else { return Ok(Vec::new()) };
    let data = notes.data()?;
    // prelink moves the binary but not the notes; the notes remember where
    // .stapsdt.base was at link time, the section says where it is now.
    let base_now = elf.section_by_name(".stapsdt.base").map(|s| s.address());
    let mut out = Vec::new();
    let mut at = 0usize;
    while at + 12 <= data.len() {
        let word = |o: usize| u32::from_le_bytes([data[o], data[o + 1], data[o + 2], data[o + 3]]);
        let (namesz, descsz, ty) = (word(at) as usize, word(at + 4) as usize, word(at + 8));
        let name_at = at + 12;
        let desc_at = name_at + namesz.next_multiple_of(4);
        let end = desc_at + descsz.next_multiple_of(4);
        if desc_at + descsz > data.len() {
            break;
        }
        let owner = &data[name_at..name_at + namesz];
        if ty == NT_STAPSDT
            && owner == b"stapsdt\0"
            && let Some((mut site, then)) = parse_desc(&data[desc_at..desc_at + descsz])
        {
            if let Some(now) = base_now.filter(|_| then != 0) {
                site.pc = site.pc.wrapping_add(now).wrapping_sub(then);
                if site.semaphore != 0 {
                    site.semaphore = site.semaphore.wrapping_add(now).wrapping_sub(then);
                }
            }
            out.push(site);
        }
        at = end;
    }
    Ok(out)
}

/// The site and the link-time address of `.stapsdt.base` it was made with.
fn parse_desc(d: &[u8]) -> Option<(Site, u64)> {
    let u64_at = |o: usize| d.get(o..o + 8).map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])));
    let (pc, base, semaphore) = (u64_at(0)?, u64_at(8)?, u64_at(16)?);
    let mut strs = d.get(24..)?.split(|&b| b == 0).map(|s| String::from_utf8_lossy(s).into_owned());
    let (provider, name) = (strs.next()?, strs.next()?);
    let args = strs.next().unwrap_or_default();
    Some((Site { provider, name, pc, semaphore, args }, base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_descriptor_splits_into_its_fields() {
        let mut d = Vec::new();
        for v in [0x1130u64, 0x2004, 0x4010] {
            d.extend_from_slice(&v.to_le_bytes());
        }
        d.extend_from_slice(b"prov\0pair\0-4@%eax 8@$3\0");
        let (p, base) = parse_desc(&d).unwrap();
        assert_eq!((p.pc, base, p.semaphore), (0x1130, 0x2004, 0x4010));
        assert_eq!((p.provider.as_str(), p.name.as_str(), p.args.as_str()), ("prov", "pair", "-4@%eax 8@$3"));
        assert!(parse_desc(&d[..20]).is_none());
    }
}
