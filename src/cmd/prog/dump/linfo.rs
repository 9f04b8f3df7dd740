//! Which source line goes before which instruction: the lookups of libbpf's
//! bpf_prog_linfo.c (`lfind` by instruction index for xlated code,
//! `lfind_addr_func` by native address per function for jited code), so the
//! `; source` lines fall exactly where bpftool puts them. Pure.

use crate::sys::prog::LineInfo;

/// Line info of one program, with the jited addresses split per function
/// when the kernel gave them consistently (libbpf's bpf_prog_linfo__new).
pub struct ProgLinfo {
    linfo: Vec<LineInfo>,
    jited: Option<Jited>,
}

struct Jited {
    addrs: Vec<u64>,
    /// Per function: index of its first record and how many it has.
    funcs: Vec<(usize, usize)>,
}

impl ProgLinfo {
    /// None when there is no line info at all.
    pub fn new(linfo: &[LineInfo], jited_addrs: &[u64], ksyms: &[u64], func_lens: &[u32]) -> Option<Self> {
        if linfo.is_empty() {
            return None;
        }
        let jited = (jited_addrs.len() == linfo.len() && !ksyms.is_empty() && ksyms.len() == func_lens.len())
            .then(|| dissect(jited_addrs, ksyms, func_lens))
            .flatten()
            .map(|funcs| Jited { addrs: jited_addrs.to_vec(), funcs });
        Some(ProgLinfo { linfo: linfo.to_vec(), jited })
    }

    /// `bpf_prog_linfo__lfind`: the record for instruction `insn_off`,
    /// searching from record `nr_skip` on.
    pub fn lfind(&self, insn_off: u32, nr_skip: usize) -> Option<&LineInfo> {
        let rest = self.linfo.get(nr_skip..)?;
        let first = rest.first()?;
        if insn_off < first.insn_off {
            return None;
        }
        let n = rest.iter().take_while(|l| l.insn_off <= insn_off).count();
        let l = &rest[n - 1];
        (l.insn_off == insn_off).then_some(l)
    }

    /// `bpf_prog_linfo__lfind_addr_func`: the record whose jited address is
    /// `addr`, within function `func`, from its `nr_skip`th record on.
    pub fn lfind_addr_func(&self, addr: u64, func: usize, nr_skip: usize) -> Option<&LineInfo> {
        let j = self.jited.as_ref()?;
        let &(start, count) = j.funcs.get(func)?;
        if nr_skip >= count {
            return None;
        }
        let start = start + nr_skip;
        let addrs = &j.addrs[start..start + count - nr_skip];
        if addr < addrs[0] {
            return None;
        }
        let n = addrs.iter().take_while(|&&a| a <= addr).count();
        (addrs[n - 1] == addr).then(|| &self.linfo[start + n - 1])
    }
}

/// libbpf's `dissect_jited_func`: find where each function's records start
/// (its ksym appears as a jited address) and check addresses only grow
/// within a function.
fn dissect(addrs: &[u64], ksyms: &[u64], lens: &[u32]) -> Option<Vec<(usize, usize)>> {
    if ksyms[0] != addrs[0] {
        return None;
    }
    let mut starts = vec![0usize];
    let mut f = 1;
    for i in 1..addrs.len() {
        if f >= ksyms.len() {
            break;
        }
        let last = addrs[i - 1];
        if ksyms[f] == addrs[i] {
            if last - ksyms[f - 1] + 1 > u64::from(lens[f - 1]) {
                return None;
            }
            starts.push(i);
            f += 1;
        } else if addrs[i] <= last {
            return None;
        }
    }
    if f != ksyms.len() {
        return None;
    }
    let mut funcs = Vec::with_capacity(starts.len());
    for (k, &s) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(addrs.len());
        funcs.push((s, end - s));
    }
    Some(funcs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn li(insn_off: u32, line: u32) -> LineInfo {
        LineInfo { insn_off, file_name_off: 0, line_off: line, line_col: 0 }
    }

    #[test]
    fn lfind_matches_libbpf() {
        let recs = [li(0, 1), li(1, 2), li(4, 3), li(4, 4), li(5, 5)];
        let p = ProgLinfo::new(&recs, &[], &[], &[]).unwrap();
        assert_eq!(p.lfind(0, 0).map(|l| l.line_off), Some(1));
        assert_eq!(p.lfind(1, 1).map(|l| l.line_off), Some(2));
        assert_eq!(p.lfind(2, 2), None);
        // Two records for one instruction: libbpf returns the last.
        assert_eq!(p.lfind(4, 2).map(|l| l.line_off), Some(4));
        assert_eq!(p.lfind(5, 3).map(|l| l.line_off), Some(5));
        assert_eq!(p.lfind(6, 5), None);
        assert!(ProgLinfo::new(&[], &[], &[], &[]).is_none());
    }

    #[test]
    fn jited_split_per_function() {
        let recs = [li(0, 1), li(2, 2), li(5, 3), li(6, 4)];
        let addrs = [0x1000, 0x1010, 0x2000, 0x2008];
        let p = ProgLinfo::new(&recs, &addrs, &[0x1000, 0x2000], &[0x40, 0x20]).unwrap();
        assert_eq!(p.lfind_addr_func(0x1000, 0, 0).map(|l| l.line_off), Some(1));
        assert_eq!(p.lfind_addr_func(0x1008, 0, 1), None);
        assert_eq!(p.lfind_addr_func(0x1010, 0, 1).map(|l| l.line_off), Some(2));
        assert_eq!(p.lfind_addr_func(0x2000, 1, 0).map(|l| l.line_off), Some(3));
        assert_eq!(p.lfind_addr_func(0x2008, 1, 1).map(|l| l.line_off), Some(4));
        assert_eq!(p.lfind_addr_func(0x2010, 1, 2), None);
        // Inconsistent ksyms: no jited lookups, xlated ones still work.
        let p = ProgLinfo::new(&recs, &addrs, &[0x1004, 0x2000], &[0x40, 0x20]).unwrap();
        assert_eq!(p.lfind_addr_func(0x1000, 0, 0), None);
        assert!(p.lfind(0, 0).is_some());
    }
}
