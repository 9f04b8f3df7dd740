//! Function signatures as bpftool's `prog dump` prints them before each
//! function (`btf_dumper_type_only`): hand-written for its exact bytes.
use anyhow::{Result, bail, ensure};

use super::*;

// ---- signatures, as bpftool's `prog dump` prints them before each function --------------

/// bpftool formats into `char func_sig[1024]` and prints nothing when it fills up.
const SIG_MAX: usize = 1024;
/// btf_dumper's own nesting limit; deeper types print as nothing, like bpftool.
const SIG_DEPTH: usize = 32;

impl Btf {
    /// bpftool's `btf_dumper_type_only`, e.g. `int xdp_count(struct xdp_md * ctx)`; "" when
    /// bpftool would print nothing (bad id, unprintable kind, too deep, 1024 bytes or more).
    pub fn type_only(&self, id: u32) -> String {
        let mut s = String::new();
        match self.sig_into(id, &mut s, 0) {
            Ok(()) if s.len() < SIG_MAX => s,
            _ => String::new(),
        }
    }

    pub(super) fn sig_into(&self, id: u32, s: &mut String, depth: usize) -> Result<()> {
        ensure!(depth < SIG_DEPTH && s.len() < SIG_MAX, "signature too long");
        if id == 0 {
            s.push_str("void ");
            return Ok(());
        }
        let t = self.ty(id)?;
        let name = self.str_at(t.name_off);
        match (&t.kind, t.kind_tag) {
            (Kind::Int { .. } | Kind::Float { .. }, _) | (Kind::Modifier, BtfKind::Typedef) => {
                s.push_str(&format!("{name} "))
            }
            (Kind::Composite { union: false, .. }, _) => s.push_str(&format!("struct {name} ")),
            (Kind::Composite { union: true, .. }, _) => s.push_str(&format!("union {name} ")),
            (Kind::Enum { .. }, _) => s.push_str(&format!("enum {name} ")),
            (Kind::Array { elem, nelems }, _) => {
                self.sig_into(*elem, s, depth + 1)?;
                s.push_str(&format!("[{}]", *nelems as i32));
            }
            (Kind::Ptr, _) => {
                self.sig_into(t.target, s, depth + 1)?;
                s.push_str("* ");
            }
            (Kind::Fwd { union }, _) => s.push_str(&format!("{} {name} ", if *union { "union" } else { "struct" })),
            (Kind::Modifier, q @ (BtfKind::Volatile | BtfKind::Const | BtfKind::Restrict)) => {
                s.push_str(match q {
                    BtfKind::Volatile => "volatile ",
                    BtfKind::Const => "const ",
                    _ => "restrict ",
                });
                self.sig_into(t.target, s, depth + 1)?;
            }
            (Kind::FuncProto { params }, _) => self.func_into(t.target, params, "", s, depth)?,
            (Kind::Func, _) => {
                let proto = self.ty(t.target)?;
                let Kind::FuncProto { params } = &proto.kind else { bail!("FUNC {id} does not point at a FUNC_PROTO") };
                self.func_into(proto.target, params, name, s, depth)?;
            }
            (Kind::Var { linkage }, _) => {
                if *linkage == 0 {
                    // BTF_VAR_STATIC
                    s.push_str("static ");
                }
                self.sig_into(t.target, s, depth + 1)?;
                s.push_str(&format!(" {name}"));
            }
            (Kind::Datasec { .. }, _) => s.push_str(&format!("section (\"{name}\") ")),
            // bpftool prints nothing for type tags, decl tags and a stray VOID.
            _ => bail!("BTF kind {:?} has no signature form", t.kind_tag),
        }
        ensure!(s.len() < SIG_MAX, "signature too long");
        Ok(())
    }

    /// bpftool's `btf_dump_func`: unnamed parameters lose their trailing space, type 0 is `...`.
    pub(super) fn func_into(&self, ret: u32, params: &[Param], name: &str, s: &mut String, depth: usize) -> Result<()> {
        self.sig_into(ret, s, depth + 1)?;
        s.push_str(name);
        s.push('(');
        for (i, p) in params.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            if p.ty == 0 {
                s.push_str("...");
                continue;
            }
            self.sig_into(p.ty, s, depth + 1)?;
            if p.name_off != 0 {
                s.push_str(self.str_at(p.name_off));
            } else if s.ends_with(' ') {
                s.pop();
            }
        }
        s.push(')');
        Ok(())
    }
}
