//! `btf dump ... format c`: BTF as a C header usable as vmlinux.h. Hand-written
//! to bpftool's frame, byte for byte (the `__VMLINUX_H__` guard and the
//! `preserve_access_index` pragma push/pop that make every struct CO-RE
//! relocatable); the body is bpfpin's own writer, which follows the rules
//! libbpf's btf_dump applies rather than its exact text: types in dependency
//! order (a struct after every type it embeds by value, a forward declaration
//! where a pointer is enough), anonymous types inlined where used, duplicate
//! names suffixed `___2`, `___3` (tags and typedef/enumerator names counted
//! separately), explicit padding and `__attribute__((packed))` where the BTF
//! layout differs from C's natural one, and `__builtin_va_list` left to the
//! compiler. FUNC, VAR, DATASEC and DECL_TAG have no C type and are skipped;
//! type tags are dropped (clang 14's CO-RE needs none).

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{self, Write};

use super::{Btf, BtfKind, Kind, MAX_DEPTH};

const HEAD: &str = "#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n#endif\n\n";
const TAIL: &str =
    "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n#endif /* __VMLINUX_H__ */\n";

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    New,
    /// A forward declaration is out; the definition may follow.
    Declared,
    Visiting,
    Done,
}

struct CDump<'a> {
    btf: &'a Btf,
    /// Emitted name of each named struct/union/enum/typedef, duplicates suffixed.
    names: Vec<String>,
    /// Emitted enumerator names of enums that have a clashing one.
    enumerators: HashMap<u32, Vec<String>>,
    state: Vec<State>,
    /// Named structs/unions with a forward declaration out.
    declared: Vec<bool>,
    /// Typedefs whose target has been ordered for use by value (not only through a pointer).
    by_value: Vec<bool>,
    referenced: Vec<bool>,
    /// Memo of `align` per id: nested structs would otherwise be walked once per enclosing level.
    aligns: RefCell<Vec<Option<u32>>>,
    out: Vec<u8>,
}

impl Btf {
    /// Write a C header of `roots` (or of every type when empty) to `w`.
    pub fn dump_c(&self, w: &mut dyn Write, roots: &[u32]) -> io::Result<()> {
        let mut d = CDump::new(self);
        let all: Vec<u32>;
        let ids = if roots.is_empty() {
            all = (1..self.len()).collect();
            &all
        } else {
            roots
        };
        w.write_all(HEAD.as_bytes())?;
        for &id in ids {
            d.top(id, !roots.is_empty());
            // Flush as we go: a whole vmlinux.h is megabytes.
            w.write_all(&d.out)?;
            d.out.clear();
        }
        w.write_all(TAIL.as_bytes())
    }
}

fn composite(t: &super::Type) -> bool {
    matches!(t.kind, Kind::Composite { .. })
}

impl<'a> CDump<'a> {
    fn new(btf: &'a Btf) -> Self {
        let n = btf.types.len();
        let mut names = vec![String::new(); n];
        let mut enumerators = HashMap::new();
        let mut tags: HashMap<&str, u32> = HashMap::new();
        let mut idents: HashMap<&str, u32> = HashMap::new();
        let mut referenced = vec![false; n];
        let bump = |map: &mut HashMap<&'a str, u32>, name: &'a str| {
            let c = map.entry(name).or_insert(0);
            *c += 1;
            if *c == 1 { name.to_string() } else { format!("{name}___{c}") }
        };
        for (id, t) in btf.types.iter().enumerate() {
            let name = btf.str_at(t.name_off);
            match (&t.kind, t.kind_tag) {
                (Kind::Composite { .. } | Kind::Enum { .. }, _) if !name.is_empty() => {
                    names[id] = bump(&mut tags, name)
                }
                (Kind::Fwd { .. }, _) => names[id] = name.to_string(),
                (Kind::Modifier, BtfKind::Typedef) => names[id] = bump(&mut idents, name),
                _ => {}
            }
            if let Kind::Enum { values, .. } = &t.kind {
                let vals: Vec<String> = values.iter().map(|v| bump(&mut idents, btf.str_at(v.name_off))).collect();
                if vals.iter().zip(values).any(|(s, v)| s != btf.str_at(v.name_off)) {
                    enumerators.insert(id as u32, vals);
                }
            }
            for r in refs(t) {
                if let Some(x) = referenced.get_mut(r as usize) {
                    *x = true;
                }
            }
        }
        CDump {
            btf,
            names,
            enumerators,
            state: vec![State::New; n],
            by_value: vec![false; n],
            declared: vec![false; n],
            referenced,
            aligns: RefCell::new(vec![None; n]),
            out: Vec::new(),
        }
    }

    fn ty(&self, id: u32) -> Option<&'a super::Type> {
        self.btf.types.get(id as usize)
    }

    fn raw_name(&self, id: u32) -> &'a str {
        self.ty(id).map(|t| self.btf.str_at(t.name_off)).unwrap_or("")
    }

    /// One top-level type: ordered (its dependencies first), and when
    /// anonymous emitted on its own only if nothing inlines it (or it was asked for).
    fn top(&mut self, id: u32, asked: bool) {
        let Some(t) = self.ty(id) else { return };
        let anon = self.raw_name(id).is_empty();
        if anon && (composite(t) || matches!(t.kind, Kind::Enum { .. })) {
            if self.referenced[id as usize] && !asked || self.state[id as usize] == State::Done {
                return;
            }
            if composite(t) && !asked {
                return;
            }
            self.order(id, false, 0);
            let body = self.decl(id, String::new(), 0, 0);
            self.line(&format!("{body};\n\n"));
            self.state[id as usize] = State::Done;
            return;
        }
        self.order(id, false, 0);
    }

    fn line(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    fn order(&mut self, id: u32, through_ptr: bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(t) = self.ty(id) else { return };
        let i = id as usize;
        let named = !self.raw_name(id).is_empty();
        match (&t.kind, t.kind_tag) {
            (Kind::Ptr, _) => self.order(t.target, true, depth + 1),
            (Kind::Modifier, BtfKind::Typedef) => {
                if self.state[i] == State::Visiting
                    || (self.state[i] == State::Done && (through_ptr || self.by_value[i]))
                {
                    return;
                }
                let was = self.state[i];
                self.state[i] = State::Visiting;
                // A typedef of a named struct needs only its declaration, so it can come before
                // the struct (which may point back at it); a typedef of an array needs the element.
                let needs_complete = self.array_behind(t.target, depth);
                self.order(t.target, !needs_complete, depth + 1);
                if was != State::Done && self.raw_name(id) != "__builtin_va_list" {
                    let d = self.decl(t.target, self.names[i].clone(), 0, depth);
                    self.line(&format!("typedef {d};\n\n"));
                }
                self.state[i] = State::Done;
                if !through_ptr {
                    self.by_value[i] = true;
                    self.order(t.target, false, depth + 1);
                }
            }
            (Kind::Modifier, _) => self.order(t.target, through_ptr, depth + 1),
            (Kind::Array { elem, .. }, _) => self.order(*elem, through_ptr, depth + 1),
            (Kind::FuncProto { params }, _) => {
                self.order(t.target, true, depth + 1);
                for p in params {
                    self.order(p.ty, true, depth + 1);
                }
            }
            (Kind::Composite { union, members, .. }, _) => {
                if !named {
                    if self.state[i] == State::Visiting {
                        return;
                    }
                    self.state[i] = State::Visiting;
                    for m in members {
                        self.order(m.ty, false, depth + 1);
                    }
                    self.state[i] = State::New;
                    return;
                }
                match self.state[i] {
                    State::Done => return,
                    State::Visiting => {
                        // A struct being defined, met again through a pointer in a type it embeds
                        // (a callback taking it): declare it now, or a prototype would scope it.
                        if through_ptr && !self.declared[i] {
                            let kw = if *union { "union" } else { "struct" };
                            self.line(&format!("{kw} {};\n\n", self.names[i]));
                            self.declared[i] = true;
                        }
                        return;
                    }
                    State::Declared if through_ptr => return,
                    State::New if through_ptr => {
                        self.declared[i] = true;
                        let kw = if *union { "union" } else { "struct" };
                        self.line(&format!("{kw} {};\n\n", self.names[i]));
                        self.state[i] = State::Declared;
                        return;
                    }
                    _ => {}
                }
                self.state[i] = State::Visiting;
                for m in members {
                    self.order(m.ty, false, depth + 1);
                }
                let body = self.body(id, 0, depth);
                self.line(&format!("{body};\n\n"));
                self.state[i] = State::Done;
            }
            (Kind::Enum { .. }, _) if named && self.state[i] != State::Done => {
                let body = self.body(id, 0, depth);
                self.line(&format!("{body};\n\n"));
                self.state[i] = State::Done;
            }
            (Kind::Fwd { union }, _) if named && self.state[i] == State::New => {
                let kw = if *union { "union" } else { "struct" };
                self.line(&format!("{kw} {};\n\n", self.names[i]));
                self.state[i] = State::Declared;
            }
            _ => {}
        }
    }

    /// `struct NAME { ... }` (NAME omitted when anonymous), members indented one level below `indent`.
    fn body(&self, id: u32, indent: usize, depth: usize) -> String {
        let Some(t) = self.ty(id) else { return "void".into() };
        let name = &self.names[id as usize];
        let sp = if name.is_empty() { String::new() } else { format!(" {name}") };
        let tabs = "\t".repeat(indent + 1);
        match &t.kind {
            Kind::Enum { values, signed, wide, size } => {
                let mut s = format!("enum{sp} {{\n");
                let renamed = self.enumerators.get(&id);
                for (n, v) in values.iter().enumerate() {
                    let vname = renamed.and_then(|r| r.get(n)).map_or(self.btf.str_at(v.name_off), |s| s.as_str());
                    let val = match (wide, signed) {
                        (false, true) => (v.raw as u32 as i32).to_string(),
                        (false, false) => (v.raw as u32).to_string(),
                        (true, true) => format!("{}LL", v.raw as i64),
                        (true, false) => format!("{}ULL", v.raw),
                    };
                    s.push_str(&format!("{tabs}{vname} = {val},\n"));
                }
                s.push_str(&"\t".repeat(indent));
                s.push('}');
                if *size < 4 {
                    s.push_str(" __attribute__((packed))");
                }
                s
            }
            Kind::Composite { union, size, members } => {
                let kw = if *union { "union" } else { "struct" };
                let packed = self.is_packed(id, depth);
                if members.is_empty() && *size == 0 {
                    return format!("{kw}{sp} {{}}");
                }
                let mut s = format!("{kw}{sp} {{\n");
                let mut pos: u64 = 0;
                for m in members {
                    let off = u64::from(m.bit_offset);
                    let bits = self.bitfield_bits(m);
                    if !union {
                        let natural = if packed {
                            pos
                        } else if bits > 0 {
                            let unit = u64::from(self.btf.type_size(m.ty).unwrap_or(4)).max(1) * 8;
                            if pos / unit == (pos + bits - 1) / unit { pos } else { pos.next_multiple_of(unit) }
                        } else {
                            pos.next_multiple_of(u64::from(self.align(m.ty, depth)).max(1) * 8)
                        };
                        if off > natural {
                            pad(&mut s, &tabs, pos, off);
                        }
                    }
                    let mname = self.btf.str_at(m.name_off).to_string();
                    let d = self.decl(m.ty, mname, indent + 1, depth + 1);
                    if bits > 0 {
                        s.push_str(&format!("{tabs}{d}: {bits};\n"));
                    } else {
                        s.push_str(&format!("{tabs}{d};\n"));
                    }
                    let end = off + if bits > 0 { bits } else { u64::from(self.btf.type_size(m.ty).unwrap_or(0)) * 8 };
                    pos = if *union { pos.max(end) } else { end };
                }
                let total = u64::from(*size) * 8;
                let align = if packed { 8 } else { u64::from(self.align(id, depth)).max(1) * 8 };
                if !union && total > pos.next_multiple_of(align) {
                    pad(&mut s, &tabs, pos, total);
                }
                s.push_str(&"\t".repeat(indent));
                s.push('}');
                if packed {
                    s.push_str(" __attribute__((packed))");
                }
                s
            }
            _ => String::new(),
        }
    }

    /// Whether `id` is an array, past cv-qualifiers (not typedefs, which are declared on their own).
    fn array_behind(&self, id: u32, depth: usize) -> bool {
        match self.ty(id) {
            Some(t) if depth < MAX_DEPTH => match (&t.kind, t.kind_tag) {
                (Kind::Array { .. }, _) => true,
                (Kind::Modifier, k) if k != BtfKind::Typedef => self.array_behind(t.target, depth + 1),
                _ => false,
            },
            _ => false,
        }
    }

    /// A member's bitfield width: its own (kind_flag structs) or its INT's, when narrower than the INT.
    fn bitfield_bits(&self, m: &super::Member) -> u64 {
        if m.bitfield_size > 0 {
            return u64::from(m.bitfield_size);
        }
        let Ok(r) = self.btf.resolve(m.ty) else { return 0 };
        match self.ty(r).map(|t| &t.kind) {
            Some(Kind::Int { size, bits, .. }) if u32::from(*bits) < size * 8 => u64::from(*bits),
            _ => 0,
        }
    }

    fn align(&self, id: u32, depth: usize) -> u32 {
        if depth > MAX_DEPTH {
            return 1;
        }
        if let Some(a) = self.aligns.borrow().get(id as usize).copied().flatten() {
            return a;
        }
        let a = self.align_uncached(id, depth);
        if let Some(slot) = self.aligns.borrow_mut().get_mut(id as usize) {
            *slot = Some(a);
        }
        a
    }

    fn align_uncached(&self, id: u32, depth: usize) -> u32 {
        let Some(t) = self.ty(id) else { return 1 };
        match &t.kind {
            Kind::Int { size, .. } | Kind::Float { size } => (*size).clamp(1, 16),
            Kind::Enum { size, .. } => (*size).clamp(1, 8),
            Kind::Ptr => 8,
            Kind::Array { elem, .. } => self.align(*elem, depth + 1),
            Kind::Modifier => self.align(t.target, depth + 1),
            Kind::Composite { members, .. } => {
                if self.is_packed(id, depth) {
                    1
                } else {
                    members.iter().map(|m| self.align(m.ty, depth + 1)).max().unwrap_or(1)
                }
            }
            _ => 1,
        }
    }

    /// Whether C's natural layout cannot place some member (or the size) where BTF says.
    fn is_packed(&self, id: u32, depth: usize) -> bool {
        let Some(Kind::Composite { size, members, .. }) = self.ty(id).map(|t| &t.kind) else { return false };
        let mut max_align = 1;
        for m in members {
            let a = self.align(m.ty, depth + 1).max(1);
            max_align = max_align.max(a);
            if self.bitfield_bits(m) == 0 && m.bit_offset % (a * 8) != 0 {
                return true;
            }
        }
        size % max_align != 0
    }

    /// `TYPE inner`: C's declarator syntax for a declaration of `inner` with type `id`.
    fn decl(&self, id: u32, inner: String, indent: usize, depth: usize) -> String {
        let join =
            |base: &str, inner: &str| if inner.is_empty() { base.to_string() } else { format!("{base} {inner}") };
        if depth > MAX_DEPTH * 2 {
            return join("void", &inner);
        }
        let Some(t) = self.ty(id) else { return join("void", &inner) };
        let paren = |inner: String| if inner.starts_with('*') { format!("({inner})") } else { inner };
        match (&t.kind, t.kind_tag) {
            (Kind::Void, _) => join("void", &inner),
            (Kind::Int { .. } | Kind::Float { .. }, _) => join(self.raw_name(id), &inner),
            (Kind::Ptr, _) => {
                // libbpf's spacing: `* const p`, and `char * (*f)(...)` for a returned pointer.
                let spaced = ["const ", "volatile ", "restrict ", "("].iter().any(|q| inner.starts_with(q))
                    || ["const", "volatile", "restrict"].contains(&inner.as_str());
                let inner = if spaced { format!("* {inner}") } else { format!("*{inner}") };
                self.decl(t.target, inner, indent, depth + 1)
            }
            (Kind::Modifier, BtfKind::Typedef) => join(&self.names[id as usize], &inner),
            (Kind::Modifier, BtfKind::TypeTag) => self.decl(t.target, inner, indent, depth + 1),
            (Kind::Modifier, k) => {
                let q = match k {
                    BtfKind::Const => "const",
                    BtfKind::Volatile => "volatile",
                    _ => "restrict",
                };
                self.qualify(q, t.target, inner, indent, depth + 1)
            }
            (Kind::Array { elem, nelems }, _) => {
                self.decl(*elem, format!("{}[{nelems}]", paren(inner)), indent, depth + 1)
            }
            (Kind::FuncProto { params }, _) => {
                let mut ps: Vec<String> = params
                    .iter()
                    .map(|p| {
                        if p.ty == 0 {
                            "...".to_string()
                        } else {
                            self.decl(p.ty, self.btf.str_at(p.name_off).to_string(), indent, depth + 1)
                        }
                    })
                    .collect();
                if ps.is_empty() {
                    ps.push("void".into());
                }
                self.decl(t.target, format!("{}({})", paren(inner), ps.join(", ")), indent, depth + 1)
            }
            (Kind::Composite { union, .. }, _) => {
                let name = &self.names[id as usize];
                if name.is_empty() {
                    join(&self.body(id, indent, depth), &inner)
                } else {
                    join(&format!("{} {name}", if *union { "union" } else { "struct" }), &inner)
                }
            }
            (Kind::Enum { .. }, _) => {
                let name = &self.names[id as usize];
                if name.is_empty() {
                    join(&self.body(id, indent, depth), &inner)
                } else {
                    join(&format!("enum {name}"), &inner)
                }
            }
            (Kind::Fwd { union }, _) => {
                join(&format!("{} {}", if *union { "union" } else { "struct" }, self.names[id as usize]), &inner)
            }
            _ => join("void", &inner),
        }
    }
}

impl CDump<'_> {
    /// `q` (const, volatile, restrict) applied to `target`: after the `*` of a
    /// pointer (`char *const p`), on the elements of an array (C has no
    /// qualified arrays), else before the type, once.
    fn qualify(&self, q: &str, target: u32, inner: String, indent: usize, depth: usize) -> String {
        let Some(t) = self.ty(target).filter(|_| depth <= MAX_DEPTH * 2) else {
            return self.decl(target, inner, indent, depth);
        };
        match &t.kind {
            Kind::Ptr | Kind::FuncProto { .. } => {
                let inner = if inner.is_empty() { q.to_string() } else { format!("{q} {inner}") };
                self.decl(target, inner, indent, depth)
            }
            Kind::Array { elem, nelems } => {
                let inner = if inner.starts_with('*') { format!("({inner})") } else { inner };
                self.qualify(q, *elem, format!("{inner}[{nelems}]"), indent, depth + 1)
            }
            _ => {
                let d = self.decl(target, inner, indent, depth);
                if d.starts_with(&format!("{q} ")) { d } else { format!("{q} {d}") }
            }
        }
    }
}

/// Every type id `t` refers to.
fn refs(t: &super::Type) -> Vec<u32> {
    match &t.kind {
        Kind::Composite { members, .. } => members.iter().map(|m| m.ty).collect(),
        Kind::Array { elem, .. } => vec![*elem],
        Kind::FuncProto { params } => std::iter::once(t.target).chain(params.iter().map(|p| p.ty)).collect(),
        Kind::Ptr | Kind::Modifier => vec![t.target],
        _ => Vec::new(),
    }
}

/// Unnamed bitfields filling bits `from..to` of a struct, in libbpf's
/// chunks (`long: 56;` up to an 8-byte boundary, then `long: 64;`), each
/// ending at or before its type's next boundary so none straddles a unit.
fn pad(s: &mut String, tabs: &str, from: u64, to: u64) {
    let mut pos = from;
    while pos < to {
        let diff = to - pos;
        let (ty, unit) = match diff {
            33.. => ("long", 64),
            17.. => ("int", 32),
            9.. => ("short", 16),
            _ => ("char", 8),
        };
        let chunk = diff.min(unit - pos % unit);
        s.push_str(&format!("{tabs}{ty}: {chunk};\n"));
        pos += chunk;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A BTF blob from type words and names; `s(name)` gives a name's offset.
    struct Blob {
        strings: Vec<u8>,
        words: Vec<u32>,
    }

    impl Blob {
        fn s(&mut self, name: &str) -> u32 {
            let off = self.strings.len() as u32;
            self.strings.extend_from_slice(name.as_bytes());
            self.strings.push(0);
            off
        }
        fn t(&mut self, words: &[u32]) {
            self.words.extend_from_slice(words);
        }
        fn bytes(&self) -> Vec<u8> {
            let tb: Vec<u8> = self.words.iter().flat_map(|w| w.to_le_bytes()).collect();
            let mut b = super::super::MAGIC.to_le_bytes().to_vec();
            b.extend_from_slice(&[1, 0]);
            for x in [24u32, 0, tb.len() as u32, tb.len() as u32, self.strings.len() as u32] {
                b.extend_from_slice(&x.to_le_bytes());
            }
            b.extend_from_slice(&tb);
            b.extend_from_slice(&self.strings);
            b
        }
    }

    /// Declarators (function pointer typedef, const pointers in an array,
    /// bitfields), a self-referencing struct after its forward declaration and
    /// the typedef it uses, and a clashing enumerator renamed as libbpf does.
    #[test]
    fn header_orders_types_and_writes_c_declarators() {
        let mut b = Blob { strings: vec![0], words: Vec::new() };
        let (int, node, next, flags, cb, a) = (b.s("int"), b.s("node"), b.s("next"), b.s("flags"), b.s("cb"), b.s("a"));
        let (cb_t, nodes_t, e1, e2, val) = (b.s("cb_t"), b.s("nodes_t"), b.s("e1"), b.s("e2"), b.s("A"));
        b.t(&[int, 1 << 24, 4, (1 << 24) | 32]); // [1] int
        b.t(&[0, 2 << 24, 3]); // [2] struct node *
        b.t(&[node, (1 << 31) | (4 << 24) | 3, 24]); // [3] struct node (kind_flag: bitfields)
        b.t(&[next, 2, 0, flags, 1, (3 << 24) | 64, cb, 5, 128]);
        b.t(&[0, (13 << 24) | 2, 1, a, 1, 0, 0]); // [4] int (int a, ...)
        b.t(&[cb_t, 8 << 24, 6]); // [5] typedef cb_t
        b.t(&[0, 2 << 24, 4]); // [6] pointer to [4]
        b.t(&[0, 10 << 24, 2]); // [7] struct node *const
        b.t(&[0, 3 << 24, 0, 7, 1, 4]); // [8] [7][4]
        b.t(&[nodes_t, 8 << 24, 8]); // [9] typedef nodes_t
        b.t(&[e1, (6 << 24) | 1, 4, val, 1]); // [10] enum e1 { A = 1 }
        b.t(&[e2, (6 << 24) | 1, 4, val, 2]); // [11] enum e2 { A = 2 }: A clashes
        let btf = Btf::parse(&b.bytes()).unwrap();
        let mut out = Vec::new();
        btf.dump_c(&mut out, &[]).unwrap();
        let body = String::from_utf8(out).unwrap();
        let body = body.strip_prefix(HEAD).unwrap().strip_suffix(TAIL).unwrap();
        assert_eq!(
            body,
            "struct node;\n\n\
             typedef int (*cb_t)(int a, ...);\n\n\
             struct node {\n\tstruct node *next;\n\tint flags: 3;\n\tcb_t cb;\n};\n\n\
             typedef struct node * const nodes_t[4];\n\n\
             enum e1 {\n\tA = 1,\n};\n\n\
             enum e2 {\n\tA___2 = 2,\n};\n\n"
        );
    }

    /// A gap BTF's layout has and C's does not (an aligned member): explicit padding, then a
    /// misaligned member: packed.
    #[test]
    fn padding_and_packed_follow_the_btf_layout() {
        let mut b = Blob { strings: vec![0], words: Vec::new() };
        let (long, char_, s, x, y) = (b.s("long"), b.s("char"), b.s("s"), b.s("x"), b.s("y"));
        let p = b.s("p");
        b.t(&[long, 1 << 24, 8, (1 << 24) | 64]); // [1] long
        b.t(&[char_, 1 << 24, 1, (2 << 24) | 8]); // [2] char
        b.t(&[s, (4 << 24) | 2, 128, x, 2, 0, y, 1, 512]); // [3] struct s { char x; long y at 64 bytes } size 128
        b.t(&[p, (4 << 24) | 2, 9, x, 2, 0, y, 1, 8]); // [4] struct p { char x; long y at 1 } size 9
        let btf = Btf::parse(&b.bytes()).unwrap();
        let mut out = Vec::new();
        btf.dump_c(&mut out, &[3, 4]).unwrap();
        let body = String::from_utf8(out).unwrap();
        let pad = "\tlong: 56;\n";
        let want_s = format!(
            "struct s {{\n\tchar x;\n{pad}{}\tlong y;\n{}}};\n\n",
            "\tlong: 64;\n".repeat(7),
            "\tlong: 64;\n".repeat(7)
        );
        assert!(body.contains(&want_s), "{body}");
        assert!(body.contains("struct p {\n\tchar x;\n\tlong y;\n} __attribute__((packed));\n"), "{body}");
    }
}
