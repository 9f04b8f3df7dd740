//! Text shown to people: names escaped so they cannot break a line or
//! drive the terminal, and bytes as spaced hex.

/// A name from an object or a pin as it is shown to people: control
/// characters (a newline in a pin name, an escape sequence in an ELF symbol)
/// are written as `\n`, `\x1b`, … so they cannot break a table row or drive
/// the terminal. JSON output keeps the real string (serde escapes it).
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // Rust's control characters are all below U+0100 (C0, DEL, C1).
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Bytes as `01 ab ff`, the way bpftool prints keys and values without types.
pub fn spaced_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = std::fmt::Write::write_fmt(&mut s, format_args!("{b:02x}"));
    }
    s
}

/// One line on stderr. Unlike `eprintln!`, a stderr that cannot be written
/// (`2>/dev/full`, closed) is ignored instead of panicking: there is nowhere
/// left to report that failure, and the exit status still tells it.
pub fn stderr_line(line: &str) {
    use std::io::Write;
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(line.as_bytes()).and_then(|()| e.write_all(b"\n"));
}
