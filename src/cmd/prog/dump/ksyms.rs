//! Names for call targets, the way bpftool finds them: helper ids from the
//! running kernel's BTF (`enum bpf_func_id`), everything else (helpers the
//! verifier turned into `__bpf_call_base`-relative offsets, kfuncs,
//! subprograms) by exact address in /proc/kallsyms.

use std::fs;

use crate::btf::{Btf, BtfKind};

/// /proc/kallsyms by address, plus `__bpf_call_base` (xlated_dumper.c's
/// kernel_syms_load). Empty when the kernel hides addresses. Kept as the
/// text and sorted (address, name range) pairs: ~150k symbols, no per-name
/// allocation.
#[derive(Default)]
pub struct Kallsyms {
    text: String,
    /// (address, start, end) of each name in `text`, sorted by address,
    /// first-listed name first among equal addresses.
    syms: Vec<(u64, usize, usize)>,
    pub call_base: u64,
}

impl Kallsyms {
    pub fn load() -> Kallsyms {
        fs::read_to_string("/proc/kallsyms").map(Kallsyms::parse).unwrap_or_default()
    }

    pub fn parse(text: String) -> Kallsyms {
        let mut syms = Vec::with_capacity(text.len() / 40);
        let mut call_base = 0;
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let start = at;
            at += line.len();
            let mut it = line.split_ascii_whitespace();
            let (Some(addr), Some(_), Some(name)) = (it.next(), it.next(), it.next()) else { continue };
            let Ok(addr) = u64::from_str_radix(addr, 16) else { continue };
            if name == "__bpf_call_base" {
                if addr == 0 {
                    // kernel.kptr_restrict: no address is meaningful.
                    return Kallsyms::default();
                }
                call_base = addr;
            }
            if addr != 0 {
                let off = start + (name.as_ptr() as usize - line.as_ptr() as usize);
                syms.push((addr, off, off + name.len()));
            }
        }
        syms.sort_by_key(|&(a, s, _)| (a, s));
        Kallsyms { text, syms, call_base }
    }

    pub fn get(&self, addr: u64) -> Option<&str> {
        let i = self.syms.partition_point(|&(a, _, _)| a < addr);
        let &(a, s, e) = self.syms.get(i)?;
        (a == addr).then(|| &self.text[s..e])
    }
}

/// `bpf_<name>` by helper id, from `enum bpf_func_id` in kernel BTF.
#[derive(Default)]
pub struct Helpers {
    names: Vec<Option<String>>,
}

impl Helpers {
    pub fn from_kernel() -> Helpers {
        let Ok(raw) = fs::read("/sys/kernel/btf/vmlinux") else { return Helpers::default() };
        let Ok(btf) = Btf::parse(&raw) else { return Helpers::default() };
        Helpers::from_btf(&btf)
    }

    pub fn from_btf(btf: &Btf) -> Helpers {
        let Some(id) = btf.find_by_name_kind("bpf_func_id", BtfKind::Enum) else { return Helpers::default() };
        let values = btf.enum_values(id);
        // __BPF_FUNC_MAX_ID bounds the table, as in disasm.c.
        let max = values.iter().find(|(n, _)| n == "__BPF_FUNC_MAX_ID").map_or(0, |(_, v)| *v);
        let mut names = vec![None; max.clamp(0, 4096) as usize];
        for (n, v) in values {
            if let (Some(short), Ok(i)) = (n.strip_prefix("BPF_FUNC_"), usize::try_from(v))
                && i < names.len()
            {
                names[i] = Some(format!("bpf_{short}"));
            }
        }
        Helpers { names }
    }

    pub fn name(&self, id: i32) -> Option<&str> {
        usize::try_from(id).ok().and_then(|i| self.names.get(i)).and_then(|n| n.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kallsyms_exact_and_restricted() {
        let k = Kallsyms::parse(
            "ffffffff81000000 T _text\nffffffff81200000 T __bpf_call_base\n\
             ffffffff8120f710 T bpf_trace_printk\nffffffff8120f710 T alias\n\
             ffffffffc0001000 t bpf_prog_abcd_f\t[bpf]\n0000000000001000 A percpu\n"
                .to_string(),
        );
        assert_eq!(k.call_base, 0xffffffff81200000);
        assert_eq!(k.get(0xffffffff8120f710), Some("bpf_trace_printk"));
        assert_eq!(k.get(0xffffffffc0001000), Some("bpf_prog_abcd_f"));
        assert_eq!(k.get(0xffffffff8120f711), None);
        let hidden = Kallsyms::parse("0000000000000000 T _text\n0000000000000000 T __bpf_call_base\n".into());
        assert_eq!(hidden.get(0), None);
        assert_eq!(hidden.call_base, 0);
    }

    #[test]
    fn helper_names_from_running_kernel() {
        if !std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
            eprintln!("skipped: no /sys/kernel/btf/vmlinux");
            return;
        }
        let h = Helpers::from_kernel();
        assert_eq!(h.name(1), Some("bpf_map_lookup_elem"));
        assert_eq!(h.name(6), Some("bpf_trace_printk"));
        assert_eq!(h.name(12), Some("bpf_tail_call"));
        assert_eq!(h.name(0), Some("bpf_unspec"));
        assert_eq!(h.name(-1), None);
        assert_eq!(h.name(100_000), None);
    }
}
