//! A program's BTF as `prog dump` needs it: the string section (source lines
//! and file names of line info) and function signatures printed the way
//! bpftool's `btf_dumper_type_only` prints them (`int f(struct xdp_md * ctx)`).
//! crate::btf keeps function parameters and strings private, so this is a
//! small read-only walk of the same format (linux/btf.h), little-endian.

use anyhow::{Result, bail, ensure};

const MAGIC: u16 = 0xeb9f;
/// bpftool formats into `char func_sig[1024]` and gives up when it is full.
const SIG_MAX: usize = 1024;
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, Copy)]
struct Ty {
    kind: u32,
    kflag: bool,
    vlen: u32,
    name_off: u32,
    /// `size` or `type`, depending on the kind.
    target: u32,
    /// Offset of the kind-specific data after the 12-byte header.
    extra: usize,
}

/// Types (index = id, 0 = void) and strings of one BTF blob.
pub struct ProgBtf {
    types: Vec<Ty>,
    type_data: Vec<u8>,
    strings: Vec<u8>,
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    b.get(off..off + 4).map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

const KIND_INT: u32 = 1;
const KIND_PTR: u32 = 2;
const KIND_ARRAY: u32 = 3;
const KIND_STRUCT: u32 = 4;
const KIND_UNION: u32 = 5;
const KIND_ENUM: u32 = 6;
const KIND_FWD: u32 = 7;
const KIND_TYPEDEF: u32 = 8;
const KIND_VOLATILE: u32 = 9;
const KIND_CONST: u32 = 10;
const KIND_RESTRICT: u32 = 11;
const KIND_FUNC: u32 = 12;
const KIND_FUNC_PROTO: u32 = 13;
const KIND_VAR: u32 = 14;
const KIND_DATASEC: u32 = 15;
const KIND_FLOAT: u32 = 16;
const KIND_DECL_TAG: u32 = 17;
const KIND_TYPE_TAG: u32 = 18;
const KIND_ENUM64: u32 = 19;

impl ProgBtf {
    pub fn parse(raw: &[u8]) -> Result<ProgBtf> {
        ensure!(raw.len() >= 24, "BTF blob too short");
        ensure!(u16::from_le_bytes([raw[0], raw[1]]) == MAGIC, "not little-endian BTF");
        let hdr_len = u32_at(raw, 4) as usize;
        let (type_off, type_len) = (u32_at(raw, 8) as usize, u32_at(raw, 12) as usize);
        let (str_off, str_len) = (u32_at(raw, 16) as usize, u32_at(raw, 20) as usize);
        let section = |off: usize, len: usize| -> Result<&[u8]> {
            let start = hdr_len.checked_add(off).filter(|s| s.checked_add(len).is_some_and(|e| e <= raw.len()));
            match start {
                Some(s) => Ok(&raw[s..s + len]),
                None => bail!("BTF section out of bounds"),
            }
        };
        let type_data = section(type_off, type_len)?.to_vec();
        let strings = section(str_off, str_len)?.to_vec();
        let mut types = vec![Ty { kind: 0, kflag: false, vlen: 0, name_off: 0, target: 0, extra: 0 }];
        let mut pos = 0;
        while pos + 12 <= type_data.len() {
            let info = u32_at(&type_data, pos + 4);
            let ty = Ty {
                kind: (info >> 24) & 0x1f,
                kflag: info >> 31 != 0,
                vlen: info & 0xffff,
                name_off: u32_at(&type_data, pos),
                target: u32_at(&type_data, pos + 8),
                extra: pos + 12,
            };
            let extra = match ty.kind {
                KIND_INT | KIND_VAR | KIND_DECL_TAG => 4,
                KIND_ARRAY => 12,
                KIND_STRUCT | KIND_UNION | KIND_DATASEC | KIND_ENUM64 => 12 * ty.vlen as usize,
                KIND_ENUM | KIND_FUNC_PROTO => 8 * ty.vlen as usize,
                KIND_PTR | KIND_FWD | KIND_TYPEDEF | KIND_VOLATILE | KIND_CONST | KIND_RESTRICT | KIND_FUNC
                | KIND_FLOAT | KIND_TYPE_TAG => 0,
                k => bail!("unknown BTF kind {k}"),
            };
            pos += 12 + extra;
            ensure!(pos <= type_data.len(), "BTF type section truncated");
            types.push(ty);
        }
        Ok(ProgBtf { types, type_data, strings })
    }

    /// The NUL-terminated string at `off`, or None when out of range
    /// (libbpf's btf__name_by_offset).
    pub fn str_at(&self, off: u32) -> Option<&str> {
        let tail = self.strings.get(off as usize..)?;
        let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
        Some(std::str::from_utf8(&tail[..end]).unwrap_or(""))
    }

    fn name(&self, t: &Ty) -> &str {
        self.str_at(t.name_off).unwrap_or("")
    }

    /// bpftool's `btf_dumper_type_only`: "" when the type cannot be printed.
    pub fn type_only(&self, id: u32) -> String {
        let mut s = String::new();
        match self.type_into(id, &mut s, 0) {
            Ok(()) if s.len() < SIG_MAX => s,
            _ => String::new(),
        }
    }

    fn type_into(&self, id: u32, s: &mut String, depth: usize) -> Result<()> {
        ensure!(depth < MAX_DEPTH && s.len() < SIG_MAX, "signature too long");
        if id == 0 {
            s.push_str("void ");
            return Ok(());
        }
        let Some(t) = self.types.get(id as usize).copied() else { bail!("bad type id {id}") };
        let name = self.name(&t).to_string();
        match t.kind {
            KIND_INT | KIND_TYPEDEF | KIND_FLOAT => s.push_str(&format!("{name} ")),
            KIND_STRUCT => s.push_str(&format!("struct {name} ")),
            KIND_UNION => s.push_str(&format!("union {name} ")),
            KIND_ENUM | KIND_ENUM64 => s.push_str(&format!("enum {name} ")),
            KIND_ARRAY => {
                self.type_into(u32_at(&self.type_data, t.extra), s, depth + 1)?;
                s.push_str(&format!("[{}]", u32_at(&self.type_data, t.extra + 8) as i32));
            }
            KIND_PTR => {
                self.type_into(t.target, s, depth + 1)?;
                s.push_str("* ");
            }
            KIND_FWD => s.push_str(&format!("{} {name} ", if t.kflag { "union" } else { "struct" })),
            KIND_VOLATILE | KIND_CONST | KIND_RESTRICT => {
                s.push_str(match t.kind {
                    KIND_VOLATILE => "volatile ",
                    KIND_CONST => "const ",
                    _ => "restrict ",
                });
                self.type_into(t.target, s, depth + 1)?;
            }
            KIND_FUNC_PROTO => self.func_into(&t, None, s, depth)?,
            KIND_FUNC => {
                let Some(proto) = self.types.get(t.target as usize).copied() else { bail!("bad proto") };
                self.func_into(&proto, Some(&name), s, depth)?;
            }
            KIND_VAR => {
                if u32_at(&self.type_data, t.extra) == 0 {
                    // BTF_VAR_STATIC
                    s.push_str("static ");
                }
                self.type_into(t.target, s, depth + 1)?;
                s.push_str(&format!(" {name}"));
            }
            KIND_DATASEC => s.push_str(&format!("section (\"{name}\") ")),
            _ => bail!("unprintable kind"),
        }
        ensure!(s.len() < SIG_MAX, "signature too long");
        Ok(())
    }

    /// bpftool's `btf_dump_func`.
    fn func_into(&self, proto: &Ty, name: Option<&str>, s: &mut String, depth: usize) -> Result<()> {
        ensure!(proto.kind == KIND_FUNC_PROTO, "not a function prototype");
        self.type_into(proto.target, s, depth + 1)?;
        s.push_str(name.unwrap_or(""));
        s.push('(');
        for i in 0..proto.vlen as usize {
            let p = proto.extra + i * 8;
            let (name_off, ty) = (u32_at(&self.type_data, p), u32_at(&self.type_data, p + 4));
            if i > 0 {
                s.push_str(", ");
            }
            if ty != 0 {
                self.type_into(ty, s, depth + 1)?;
                if name_off != 0 {
                    s.push_str(self.str_at(name_off).unwrap_or(""));
                } else if s.ends_with(' ') {
                    s.pop();
                }
            } else {
                s.push_str("...");
            }
        }
        s.push(')');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny BTF builder: enough kinds to check bpftool's spelling.
    struct B {
        types: Vec<u8>,
        strings: Vec<u8>,
    }

    impl B {
        fn new() -> B {
            B { types: Vec::new(), strings: vec![0] }
        }
        fn s(&mut self, name: &str) -> u32 {
            if name.is_empty() {
                return 0;
            }
            let off = self.strings.len() as u32;
            self.strings.extend_from_slice(name.as_bytes());
            self.strings.push(0);
            off
        }
        fn t(&mut self, name: &str, kind: u32, vlen: u32, target: u32, extra: &[u32]) {
            let n = self.s(name);
            for w in [n, (kind << 24) | vlen, target].iter().chain(extra) {
                self.types.extend_from_slice(&w.to_le_bytes());
            }
        }
        fn build(&self) -> Vec<u8> {
            let mut raw = Vec::new();
            raw.extend_from_slice(&MAGIC.to_le_bytes());
            raw.extend_from_slice(&[1, 0]);
            for w in [24u32, 0, self.types.len() as u32, self.types.len() as u32, self.strings.len() as u32] {
                raw.extend_from_slice(&w.to_le_bytes());
            }
            raw.extend_from_slice(&self.types);
            raw.extend_from_slice(&self.strings);
            raw
        }
    }

    #[test]
    fn signatures_as_bpftool() {
        let mut b = B::new();
        b.t("int", KIND_INT, 0, 4, &[0x0100_0020]); // 1
        b.t("xdp_md", KIND_STRUCT, 0, 24, &[]); // 2
        b.t("", KIND_PTR, 0, 2, &[]); // 3
        let ctx = b.s("ctx");
        b.t("", KIND_FUNC_PROTO, 1, 1, &[ctx, 3]); // 4
        b.t("xdp_count", KIND_FUNC, 0, 4, &[]); // 5
        b.t("__u64", KIND_TYPEDEF, 0, 1, &[]); // 6
        b.t("", KIND_PTR, 0, 0, &[]); // 7 void *
        let (a, c) = (b.s("a"), b.s("c"));
        b.t("", KIND_FUNC_PROTO, 3, 6, &[a, 6, c, 7, 0, 0]); // 8
        b.t("mix", KIND_FUNC, 0, 8, &[]); // 9
        b.t("", KIND_CONST, 0, 1, &[]); // 10
        b.t("", KIND_FUNC_PROTO, 2, 0, &[0, 10, 0, 3]); // 11 unnamed args
        b.t("anon", KIND_FUNC, 0, 11, &[]); // 12
        let btf = ProgBtf::parse(&b.build()).unwrap();
        assert_eq!(btf.type_only(5), "int xdp_count(struct xdp_md * ctx)");
        assert_eq!(btf.type_only(9), "__u64 mix(__u64 a, void * c, ...)");
        assert_eq!(btf.type_only(12), "void anon(const int, struct xdp_md *)");
        assert_eq!(btf.type_only(99), "");
        assert_eq!(btf.str_at(1), Some("int"));
        assert_eq!(btf.str_at(10_000), None);
    }
}
