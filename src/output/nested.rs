//! The plain layout of `map dump --inner` (bpftool has no such dump, so the
//! layout is bpfpin's own): one line per slot of a map of maps, then the
//! inner map's dump as `map dump` prints it, indented four spaces a level:
//!
//! ```text
//! key: 00 00 00 00  inner_map_id: 42  (hash inner_a)
//!     key: 5  value: {packets: 1, bytes: 64}
//!     Found 1 element
//! key: 01 00 00 00  <empty slot>
//! Found 1 element
//! ```
//!
//! `inner_map_id: N` is the wording newer bpftool (>= 7.3) uses for such
//! values, so the line reads as bpftool users expect.

/// What one slot holds, as its line says it.
pub enum Slot<'a> {
    /// No map in this slot (an array of maps' unset index).
    Empty,
    Inner {
        id: u32,
        kind: &'a str,
        name: &'a str,
    },
    /// The id was read, but the map was freed before it could be opened.
    Gone {
        id: u32,
    },
    /// The lookup itself failed (strerror text, as bpftool prints it).
    Failed {
        text: &'a str,
    },
}

const INDENT: &[u8] = b"    ";

/// The slot's own line, `key_text` being the key as the dump shows keys.
pub fn push_slot(buf: &mut Vec<u8>, depth: usize, key_text: &str, slot: &Slot<'_>) {
    push_indent(buf, depth);
    buf.extend_from_slice(b"key: ");
    buf.extend_from_slice(key_text.as_bytes());
    buf.extend_from_slice(b"  ");
    let rest = match slot {
        Slot::Empty => "<empty slot>".to_string(),
        Slot::Inner { id, kind, name: "" } => format!("inner_map_id: {id}  ({kind})"),
        Slot::Inner { id, kind, name } => format!("inner_map_id: {id}  ({kind} {name})"),
        Slot::Gone { id } => format!("inner_map_id: {id}  <gone: freed after the outer map was read>"),
        Slot::Failed { text } => format!("value: {text}"),
    };
    buf.extend_from_slice(rest.as_bytes());
    buf.push(b'\n');
}

/// A `<...>` line standing in for an inner map's entries.
pub fn push_note(buf: &mut Vec<u8>, depth: usize, text: &str) {
    push_indent(buf, depth);
    buf.push(b'<');
    buf.extend_from_slice(text.as_bytes());
    buf.extend_from_slice(b">\n");
}

/// `text` (whole lines, as the dump writers produce them) with every line
/// indented `depth` levels.
pub fn push_indented(buf: &mut Vec<u8>, depth: usize, text: &[u8]) {
    for line in text.split_inclusive(|b| *b == b'\n') {
        push_indent(buf, depth);
        buf.extend_from_slice(line);
    }
}

fn push_indent(buf: &mut Vec<u8>, depth: usize) {
    for _ in 0..depth {
        buf.extend_from_slice(INDENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut b = Vec::new();
        f(&mut b);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn slot_lines() {
        let k = "00 00 00 00";
        assert_eq!(
            text(|b| push_slot(b, 0, k, &Slot::Inner { id: 42, kind: "hash", name: "inner_a" })),
            "key: 00 00 00 00  inner_map_id: 42  (hash inner_a)\n"
        );
        assert_eq!(
            text(|b| push_slot(b, 0, k, &Slot::Inner { id: 7, kind: "array", name: "" })),
            "key: 00 00 00 00  inner_map_id: 7  (array)\n"
        );
        assert_eq!(text(|b| push_slot(b, 1, k, &Slot::Empty)), "    key: 00 00 00 00  <empty slot>\n");
        assert_eq!(
            text(|b| push_slot(b, 0, k, &Slot::Gone { id: 9 })),
            "key: 00 00 00 00  inner_map_id: 9  <gone: freed after the outer map was read>\n"
        );
        assert_eq!(
            text(|b| push_slot(b, 0, k, &Slot::Failed { text: "Operation not permitted" })),
            "key: 00 00 00 00  value: Operation not permitted\n"
        );
    }

    #[test]
    fn indents_every_line() {
        assert_eq!(text(|b| push_indented(b, 2, b"a\nb\n")), "        a\n        b\n");
        assert_eq!(text(|b| push_indented(b, 1, b"")), "");
        assert_eq!(text(|b| push_note(b, 1, "empty")), "    <empty>\n");
    }
}
