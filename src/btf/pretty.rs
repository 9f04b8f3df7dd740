//! bpftool's `btf_dumper` writing through its `json_writer`, byte for byte:
//! what `struct_ops dump` prints (pretty JSON-like text in plain mode, with
//! pointers as `%p` and bitfields unquoted; compact JSON with `-j`), and
//! function pointers holding program ids shown as `SIGNATURE NAME/prog_id:N`.
//! Hand-written: no crate reproduces bpftool's writer, separators included.

use anyhow::{Result, bail, ensure};

use super::format::{Node, decode_int, read_bits, read_le};
use super::{Btf, Kind, MAX_DEPTH};

/// bpftool's json_writer: `sep` is the separator owed before the next value
/// (none right after an opening bracket or a name).
pub struct JsonWriter {
    out: String,
    pretty: bool,
    depth: usize,
    sep: bool,
}

impl JsonWriter {
    pub fn new(pretty: bool) -> JsonWriter {
        JsonWriter { out: String::new(), pretty, depth: 0, sep: false }
    }

    pub fn into_string(self) -> String {
        self.out
    }

    fn eor(&mut self) {
        if self.sep {
            self.out.push(',');
        }
        self.sep = true;
    }

    fn eol(&mut self) {
        if self.pretty {
            self.out.push('\n');
            self.out.extend(std::iter::repeat_n("    ", self.depth));
        }
    }

    fn begin(&mut self, c: char) {
        self.eor();
        self.out.push(c);
        self.depth += 1;
        self.sep = false;
    }

    fn end(&mut self, c: char) {
        self.depth = self.depth.saturating_sub(1);
        if self.sep {
            self.eol();
        }
        self.out.push(c);
        self.sep = true;
    }

    pub fn start_object(&mut self) {
        self.begin('{');
    }

    pub fn end_object(&mut self) {
        self.end('}');
    }

    pub fn start_array(&mut self) {
        self.begin('[');
    }

    pub fn end_array(&mut self) {
        self.end(']');
    }

    pub fn name(&mut self, name: &str) {
        self.eor();
        self.eol();
        self.sep = false;
        self.quoted(name);
        self.out.push(':');
        if self.pretty {
            self.out.push(' ');
        }
    }

    /// `jsonw_printf`: a value written as is.
    pub fn raw(&mut self, s: &str) {
        self.eor();
        self.out.push_str(s);
    }

    pub fn string(&mut self, s: &str) {
        self.eor();
        self.quoted(s);
    }

    /// bpftool 7.1's escapes, its backslash-as-`\n` slip included.
    fn quoted(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            match c {
                '\t' => self.out.push_str("\\t"),
                '\n' | '\\' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\u{c}' => self.out.push_str("\\f"),
                '\u{8}' => self.out.push_str("\\b"),
                '"' => self.out.push_str("\\\""),
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }
}

/// How values are shown: bpftool's `is_plain_text`, and for pointers to
/// functions holding a program id, that program's name (None: unknown).
pub struct DumpOpts<'a> {
    pub plain: bool,
    pub prog_name: Option<&'a dyn Fn(u32) -> Option<String>>,
}

fn scalar(n: &Node, plain: bool) -> String {
    match n {
        Node::Uint(v) => v.to_string(),
        Node::Sint(v) => v.to_string(),
        Node::Bits { raw, .. } if plain => format!("0x{raw:x}"),
        Node::Bits { raw, .. } => format!("\"0x{raw:x}\""),
        Node::Char(b) if (0x20..0x7f).contains(b) => format!("\"{}\"", char::from(*b)),
        Node::Char(b) if plain => format!("{b:#x}"),
        Node::Char(b) => format!("\"\\u00{b:02x}\""),
        Node::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

impl Btf {
    /// bpftool's `btf_dumper_type(d, id, data)`.
    pub fn dump_value(&self, w: &mut JsonWriter, id: u32, data: &[u8], o: &DumpOpts<'_>) -> Result<()> {
        self.walk(w, id, 0, data, o, 0)
    }

    fn walk(
        &self,
        w: &mut JsonWriter,
        id: u32,
        bit_off: u8,
        data: &[u8],
        o: &DumpOpts<'_>,
        depth: usize,
    ) -> Result<()> {
        ensure!(depth < MAX_DEPTH, "BTF type nesting too deep at id {id}");
        let t = self.ty(id)?;
        match &t.kind {
            Kind::Int { encoding, offset, bits, .. } => {
                let n = decode_int(*encoding, *offset, *bits, bit_off, data)?;
                w.raw(&scalar(&n, o.plain));
            }
            Kind::Composite { members, .. } => {
                w.start_object();
                for m in members {
                    w.name(self.str_at(m.name_off));
                    let at = data.get((m.bit_offset / 8) as usize..).unwrap_or(&[]);
                    let bit = (m.bit_offset % 8) as u8;
                    if m.bitfield_size > 0 {
                        let raw = read_bits(at, u32::from(bit), m.bitfield_size)?;
                        w.raw(&scalar(&Node::Bits { raw, nr_bits: m.bitfield_size, signed: false }, o.plain));
                    } else {
                        self.walk(w, m.ty, bit, at, o, depth + 1)?;
                    }
                }
                w.end_object();
            }
            Kind::Array { elem, nelems } => {
                if let Some(s) = self.str_array(*elem, *nelems, data) {
                    w.string(&s);
                    return Ok(());
                }
                let size = self.resolve_size(*elem).unwrap_or(0) as usize;
                w.start_array();
                for i in 0..*nelems as usize {
                    let at = data.get(i * size..).unwrap_or(&[]);
                    self.walk(w, *elem, 0, at, o, depth + 1)?;
                }
                w.end_array();
            }
            Kind::Enum { size, wide, values, .. } => match self.decode_enum(*size, *wide, values, data)? {
                Node::EnumName(s) => w.string(&s),
                Node::EnumNum(v) => w.raw(&v.to_string()),
                _ => {}
            },
            Kind::Ptr => {
                let v = read_le(data, 8)? as u64;
                if let Some(names) = o.prog_name.filter(|_| v <= u64::from(u32::MAX)) {
                    let target = self.resolve(t.target).unwrap_or(0);
                    if matches!(self.ty(target).map(|x| &x.kind), Ok(Kind::FuncProto { .. })) {
                        let sig = self.type_only(target);
                        if !sig.is_empty() {
                            let id = v as u32;
                            let tail = match (id, names(id)) {
                                (0, _) => " 0".to_string(),
                                (_, Some(n)) => format!(" {n}/prog_id:{id}"),
                                (_, None) => format!(" <unknown_prog_name>/prog_id:{id}"),
                            };
                            w.string(&format!("{sig}{tail}"));
                            return Ok(());
                        }
                    }
                }
                match (o.plain, v) {
                    (true, 0) => w.raw("(nil)"),
                    (true, v) => w.raw(&format!("{v:#x}")),
                    (false, v) => w.raw(&v.to_string()),
                }
            }
            Kind::Modifier => self.walk(w, self.resolve(id)?, bit_off, data, o, depth + 1)?,
            Kind::Var { .. } => {
                w.start_object();
                w.name(self.str_at(t.name_off));
                self.walk(w, t.target, bit_off, data, o, depth + 1)?;
                w.end_object();
            }
            Kind::Datasec { vars, .. } => {
                w.start_object();
                w.name(self.str_at(t.name_off));
                w.start_array();
                for v in vars {
                    let at = data.get(v.offset as usize..).unwrap_or(&[]);
                    self.walk(w, v.ty, 0, at, o, depth + 1)?;
                }
                w.end_array();
                w.end_object();
            }
            Kind::Void => w.raw("(unknown)"),
            Kind::Fwd { .. } => {
                w.raw("(fwd-kind-invalid)");
                bail!("a value of a forward-declared type");
            }
            _ => {
                w.raw("(unsupported-kind");
                bail!("a value of type {} cannot be dumped", self.type_decl(id));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_separators_match_bpftool() {
        let mut w = JsonWriter::new(true);
        w.start_object();
        w.name("a");
        w.start_object();
        w.name("b");
        w.raw("1");
        w.name("c");
        w.string("x\\y");
        w.end_object();
        w.end_object();
        w.start_object();
        w.name("e");
        w.start_object();
        w.end_object();
        w.end_object();
        assert_eq!(
            w.into_string(),
            "{\n    \"a\": {\n        \"b\": 1,\n        \"c\": \"x\\ny\"\n    }\n},{\n    \"e\": {}\n}"
        );
        let mut w = JsonWriter::new(false);
        w.start_array();
        w.start_object();
        w.name("k");
        w.raw("(nil)");
        w.end_object();
        w.end_array();
        assert_eq!(w.into_string(), "[{\"k\":(nil)}]");
    }
}
