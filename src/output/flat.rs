//! BTF-typed dump entries in the common shapes (`Btf::flat`: an integer, or
//! a struct of integers), appended straight into the dump's buffer: the
//! same bytes as the `formatted` object serde writes and as `typed_lines`,
//! without building a `serde_json::Value` or a String per entry.

use crate::btf::{Flat, FlatInt};
use crate::typed::Typed;

/// How one map's entries are formatted: its key type's shape (None when the
/// map has no BTF key type or no key) and its value type's shape.
pub struct Plan {
    key: Option<Flat>,
    value: Flat,
}

/// A plan when the map's key and value types are flat and fit the sizes the
/// kernel hands out. Per-CPU maps are left to the general path.
pub fn plan(t: &Typed, key_size: usize, value_size: usize, percpu: bool) -> Option<Plan> {
    if percpu {
        return None;
    }
    let value = t.btf.flat(t.value)?;
    if value.min_len() > value_size {
        return None;
    }
    let key = if t.key != 0 && key_size != 0 {
        let k = t.btf.flat(t.key)?;
        if k.min_len() > key_size {
            return None;
        }
        Some(k)
    } else if key_size != 0 {
        // A key without BTF type: typed_lines prints it as hex; rare, so
        // the general path keeps it.
        return None;
    } else {
        None
    };
    Some(Plan { key, value })
}

/// `{"key":[..],"value":[..],"formatted":{"key":..,"value":..}}`, as serde
/// writes `model::DumpEntry` with `formatted` from `typed::formatted`.
pub fn push_json_entry(buf: &mut Vec<u8>, p: &Plan, key: &[u8], value: &[u8]) {
    buf.extend_from_slice(b"{\"key\":");
    super::hexfmt::push_json_bytes(buf, key);
    buf.extend_from_slice(b",\"value\":");
    super::hexfmt::push_json_bytes(buf, value);
    buf.extend_from_slice(b",\"formatted\":{");
    if let Some(k) = &p.key {
        buf.extend_from_slice(b"\"key\":");
        push_json(buf, k, key);
        buf.push(b',');
    }
    buf.extend_from_slice(b"\"value\":");
    push_json(buf, &p.value, value);
    buf.extend_from_slice(b"}}");
}

/// `key: 1  value: {packets: 2, bytes: 3}\n`, as `typed::typed_lines`.
pub fn push_plain_entry(buf: &mut Vec<u8>, p: &Plan, key: &[u8], value: &[u8]) {
    if let Some(k) = &p.key {
        buf.extend_from_slice(b"key: ");
        push_plain(buf, k, key);
        buf.extend_from_slice(b"  ");
    }
    buf.extend_from_slice(b"value: ");
    push_plain(buf, &p.value, value);
    buf.push(b'\n');
}

fn push_json(buf: &mut Vec<u8>, f: &Flat, bytes: &[u8]) {
    push_value(buf, f, bytes, (b"\"", b"\":", b","));
}

fn push_plain(buf: &mut Vec<u8>, f: &Flat, bytes: &[u8]) {
    push_value(buf, f, bytes, (b"", b": ", b", "));
}

/// An int, or `{name<after>int<sep>...}` with each name after `before`:
/// JSON quotes names and uses `,`; the plain form is bpftool's `{a: 1, b: 2}`.
fn push_value(buf: &mut Vec<u8>, f: &Flat, bytes: &[u8], (before, after, sep): (&[u8], &[u8], &[u8])) {
    match f {
        Flat::Int(i) => push_int(buf, *i, bytes),
        Flat::Struct(fields) => {
            buf.push(b'{');
            for (n, (name, i)) in fields.iter().enumerate() {
                if n > 0 {
                    buf.extend_from_slice(sep);
                }
                buf.extend_from_slice(before);
                buf.extend_from_slice(name.as_bytes());
                buf.extend_from_slice(after);
                push_int(buf, *i, bytes);
            }
            buf.push(b'}');
        }
    }
}

/// The integer in decimal (signed ones sign-extended from their width).
fn push_int(buf: &mut Vec<u8>, i: FlatInt, bytes: &[u8]) {
    let mut le = [0u8; 8];
    le[..i.size].copy_from_slice(&bytes[i.off..i.off + i.size]);
    let raw = u64::from_le_bytes(le);
    let shift = 64 - 8 * i.size as u32;
    let (neg, mag) = if i.signed {
        let v = ((raw << shift) as i64) >> shift;
        (v < 0, v.unsigned_abs())
    } else {
        (false, raw)
    };
    if neg {
        buf.push(b'-');
    }
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut n = mag;
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(off: usize, size: usize, signed: bool, bytes: &[u8]) -> String {
        let mut buf = Vec::new();
        push_int(&mut buf, FlatInt { off, size, signed }, bytes);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn ints_print_as_serde_prints_them() {
        let b = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80, 0, 0, 0];
        assert_eq!(int(0, 8, false, &b), u64::MAX.to_string());
        assert_eq!(int(0, 8, true, &b), "-1");
        assert_eq!(int(0, 1, true, &b), "-1");
        assert_eq!(int(0, 2, false, &b), "65535");
        assert_eq!(int(8, 1, true, &b), "-128");
        assert_eq!(int(8, 4, false, &b), "128");
        assert_eq!(int(9, 2, true, &b), "0");
        let min = i64::MIN.to_le_bytes();
        assert_eq!(int(0, 8, true, &min), i64::MIN.to_string());
    }

    #[test]
    fn structs_print_as_typed_lines_and_formatted() {
        let p = Plan {
            key: Some(Flat::Int(FlatInt { off: 0, size: 4, signed: false })),
            value: Flat::Struct(vec![
                ("packets".into(), FlatInt { off: 0, size: 8, signed: false }),
                ("delta".into(), FlatInt { off: 8, size: 4, signed: true }),
            ]),
        };
        let key = 7u32.to_le_bytes();
        let mut value = 5u64.to_le_bytes().to_vec();
        value.extend((-3i32).to_le_bytes());
        let mut plain = Vec::new();
        push_plain_entry(&mut plain, &p, &key, &value);
        assert_eq!(String::from_utf8(plain).unwrap(), "key: 7  value: {packets: 5, delta: -3}\n");
        let mut json = Vec::new();
        push_json_entry(&mut json, &p, &key, &value);
        let text = String::from_utf8(json.clone()).unwrap();
        assert!(text.starts_with(r#"{"key":["0x07","0x00","0x00","0x00"],"value":["0x05","0x00","#), "{text}");
        assert!(text.ends_with(r#""formatted":{"key":7,"value":{"packets":5,"delta":-3}}}"#), "{text}");
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["formatted"], serde_json::json!({"key": 7, "value": {"packets": 5, "delta": -3}}));
    }
}
