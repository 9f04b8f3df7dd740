// Why this exists: users' scripts parse `bpftool map dump` / `map lookup`
// plain-text output, so bpfpin reproduces it byte for byte. No crate does
// this, hence hand-written. Rules were read from bpftool v7.1.0 (libbpf 1.1)
// — src/map.c (print_entry_plain, print_entry_error[_msg], map_dump,
// do_lookup), src/main.c (fprint_hex), src/common.c (print_hex_data_json),
// src/json_writer.c — and checked against the installed v7.1.0 binary (golden
// tests below). Newer bpftool (>= v7.3.0) prints map-in-map values as
// "inner_map_id: N " instead of hex; v7.1.0 behaviour is what we reproduce.
//
// Scope: plain mode for maps WITHOUT BTF. bpftool switches a dump to its
// BTF-formatted JSON-like output (and drops "Found N elements") whenever the
// map has a btf_id, so callers must only use this for BTF-less maps.

use std::fmt;
use std::io::{self, Write};

use crate::kinds::{ARRAY_OF_MAPS, HASH_OF_MAPS, PROG_ARRAY, REUSEPORT_SOCKARRAY};

use libc::{ENOENT, ENOSPC};

/// Map facts the plain layout depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
}

/// One entry of a non-per-CPU map as `map dump` / `map lookup` print it.
/// `key`/`value` must be `key_size`/`value_size` long: the layout decision
/// uses the Layout sizes (as bpftool uses bpf_map_info), the bytes the slices.
pub fn write_entry(w: &mut dyn Write, l: &Layout, key: &[u8], value: &[u8]) -> io::Result<()> {
    debug_assert_eq!(key.len(), l.key_size as usize);
    debug_assert_eq!(value.len(), l.value_size as usize);
    let (break_names, single_line) = shape(l.key_size, l.value_size as usize);
    let mut out = Out::new(w);
    // bpftool omits a zero-sized half entirely, but keeps the "  " after the
    // key even when no value follows.
    if l.key_size != 0 {
        out.label(b"key:", break_names)?;
        out.hex(key)?;
        out.put(if single_line { b"  " } else { b"\n" })?;
    }
    if l.value_size != 0 {
        out.label(b"value:", break_names)?;
        out.hex(value)?;
    }
    out.put(b"\n")?;
    out.finish()
}

/// One entry of a per-CPU map; `values` holds one value_size slice per
/// possible CPU (bpftool prints every possible CPU, not just online ones).
pub fn write_percpu_entry(w: &mut dyn Write, l: &Layout, key: &[u8], values: &[&[u8]]) -> io::Result<()> {
    debug_assert_eq!(key.len(), l.key_size as usize);
    let mut out = Out::new(w);
    // Per-CPU keys always sit on their own line, whatever their size.
    if l.key_size != 0 {
        out.put(b"key:\n")?;
        out.hex(key)?;
        out.put(b"\n")?;
    }
    if l.value_size != 0 {
        let sep = if l.value_size > 16 { b'\n' } else { b' ' };
        for (cpu, v) in values.iter().enumerate() {
            debug_assert_eq!(v.len(), l.value_size as usize);
            out.put(b"value (CPU ")?;
            out.decimal(cpu as u64, 2)?;
            out.put(&[b')', b':', sep])?;
            out.hex(v)?;
            out.put(b"\n")?;
        }
    }
    out.finish()
}

/// The line closing a plain dump. Only successfully looked-up entries count.
pub fn write_found(w: &mut dyn Write, n: u64) -> io::Result<()> {
    let mut out = Out::new(w);
    out.put(b"Found ")?;
    out.decimal(n, 1)?;
    out.put(if n == 1 { b" element\n" } else { b" elements\n" })?;
    out.finish()
}

/// The line bpftool's show_map_header_plain prints before each map when one
/// `map dump` selects several: `317: hash  name dup  flags 0x0`. `kind` is
/// the type name, or `type N` for types bpftool does not know.
pub fn write_map_header(w: &mut dyn Write, id: u32, kind: &str, name: &str, flags: u32) -> io::Result<()> {
    write!(w, "{id}: {kind}  ")?;
    if !name.is_empty() {
        write!(w, "name {name}  ")?;
    }
    writeln!(w, "flags {flags:#x}")
}

/// bpftool's fprint_hex with sep " ": two spaces every 8 bytes, a newline
/// every 16, no trailing separator or newline.
pub fn write_hex(w: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    let mut out = Out::new(w);
    out.hex(bytes)?;
    out.finish()
}

/// `map lookup` when the key is absent (ENOENT): bpftool prints this to
/// stdout and exits non-zero (status 254). Other lookup errors go to stderr
/// as "Error: lookup failed: <strerror>" (see `strerror`).
pub fn write_lookup_not_found(w: &mut dyn Write, key: &[u8]) -> io::Result<()> {
    let mut out = Out::new(w);
    out.put(b"key:\n")?;
    out.hex(key)?;
    out.put(b"\n\nNot found\n")?;
    out.finish()
}

/// What `map dump` shows for a key whose lookup failed with `errno`, or
/// None when bpftool stays silent (empty prog-array / map-in-map slots).
/// Such entries never count towards "Found N elements".
pub fn lookup_error_text(map_type: u32, errno: i32) -> Option<ErrorText> {
    let slot_map = matches!(map_type, PROG_ARRAY | ARRAY_OF_MAPS | HASH_OF_MAPS);
    match errno {
        ENOENT if slot_map => None,
        ENOENT => Some(ErrorText::Static("<no entry>")),
        ENOSPC if map_type == REUSEPORT_SOCKARRAY => Some(ErrorText::Static("<cannot read>")),
        _ => Some(strerror(errno)),
    }
}

/// The `"error"` text `-j map dump` gives in place of a value whose lookup
/// failed, or None where the entry is skipped (the same empty slots as
/// plain). bpftool's print_entry_error uses strerror() here even for ENOENT:
/// `<no entry>`/`<cannot read>` are plain-mode only.
pub fn json_lookup_error_text(map_type: u32, errno: i32) -> Option<ErrorText> {
    lookup_error_text(map_type, errno).map(|_| strerror(errno))
}

/// Dump entry for a failed lookup; returns whether anything was printed.
pub fn write_lookup_error(w: &mut dyn Write, l: &Layout, key: &[u8], errno: i32) -> io::Result<bool> {
    match lookup_error_text(l.map_type, errno) {
        Some(text) => write_entry_error(w, l, key, text.as_str()).map(|()| true),
        None => Ok(false),
    }
}

/// print_entry_error_msg: the message takes the value's place in the
/// layout decision, and unlike write_entry "key:" appears even for
/// zero-sized keys.
pub fn write_entry_error(w: &mut dyn Write, l: &Layout, key: &[u8], msg: &str) -> io::Result<()> {
    let (break_names, single_line) = shape(l.key_size, msg.len());
    let mut out = Out::new(w);
    out.label(b"key:", break_names)?;
    out.hex(key)?;
    out.put(if single_line { b"  " } else { b"\n" })?;
    out.label(b"value:", break_names)?;
    out.put(msg.as_bytes())?;
    out.put(b"\n")?;
    out.finish()
}

/// (break_names, single_line) exactly as print_entry_plain computes them:
/// names go on their own line once either half exceeds 16 bytes, and the
/// pair shares one line only if it totals at most 24 bytes.
fn shape(key_size: u32, value_len: usize) -> (bool, bool) {
    let key = key_size as usize;
    let break_names = key > 16 || value_len > 16;
    let single_line = !break_names && key + value_len <= 24;
    (break_names, single_line)
}

/// glibc's strerror() text, which bpftool embeds in dump output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorText {
    Static(&'static str),
    /// glibc's "Unknown error N", kept inline so the error path needs no heap.
    Unknown {
        buf: [u8; 32],
        len: u8,
    },
}

impl ErrorText {
    pub fn as_str(&self) -> &str {
        match self {
            ErrorText::Static(s) => s,
            // Only ASCII is ever stored, so this cannot fail.
            ErrorText::Unknown { buf, len } => std::str::from_utf8(&buf[..*len as usize]).unwrap_or("Unknown error"),
        }
    }
}

impl fmt::Display for ErrorText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// glibc 2.36 strerror() for Linux errnos; std can't give us this text
/// (io::Error appends " (os error N)") and no unsafe/libc is allowed here.
pub fn strerror(errno: i32) -> ErrorText {
    let known = usize::try_from(errno).ok().and_then(|i| GLIBC_STRERROR.get(i)).filter(|s| !s.is_empty());
    match known {
        Some(s) => ErrorText::Static(s),
        None => unknown_error(errno),
    }
}

fn unknown_error(errno: i32) -> ErrorText {
    const PREFIX: &[u8] = b"Unknown error ";
    let mut buf = [0u8; 32];
    buf[..PREFIX.len()].copy_from_slice(PREFIX);
    let mut len = PREFIX.len();
    if errno < 0 {
        buf[len] = b'-';
        len += 1;
    }
    let mut digits = [0u8; 20];
    let d = fmt_decimal(u64::from(errno.unsigned_abs()), 1, &mut digits);
    buf[len..len + d.len()].copy_from_slice(d);
    len += d.len();
    ErrorText::Unknown { buf, len: len as u8 }
}

/// `"0xNN"` for one byte, as print_hex_data_json emits it (lower-case).
pub fn json_byte(b: u8) -> &'static str {
    JSON_BYTE_STRS[b as usize]
}

/// The elements of bpftool's JSON byte array (`["0x01","0x00",...]`) as
/// borrowed static strings: no allocation per byte; collect into a
/// `Vec<&str>` only if a serializer needs one.
pub fn json_bytes(bytes: &[u8]) -> impl ExactSizeIterator<Item = &'static str> + '_ {
    bytes.iter().map(|&b| json_byte(b))
}

/// The compact (-j without -p) array text itself: `["0x01","0x00"]`, no
/// spaces, `[]` when empty.
pub fn write_json_bytes(w: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    let mut out = Out::new(w);
    out.put(b"[")?;
    for (i, &b) in bytes.iter().enumerate() {
        if i != 0 {
            out.put(b",")?;
        }
        out.put(b"\"")?;
        out.put(json_byte(b).as_bytes())?;
        out.put(b"\"")?;
    }
    out.put(b"]")?;
    out.finish()
}

// ---- Appenders for streamed dumps (issue 6) ----
// The same bytes as write_entry / write_percpu_entry / serde's DumpEntry,
// appended to a caller's reused Vec: no dyn dispatch, no heap allocation
// per entry once the Vec has grown. Per-CPU values come as one strided
// buffer, as BPF_MAP_LOOKUP_(BATCH|ELEM) return them, so no `Vec<&[u8]>`
// is built per entry.

/// The per-CPU value bytes the kernel returns: `ncpus` slots of `stride`
/// (round_up(value_size, 8)) bytes, of which the first `value_size` count.
#[derive(Clone, Copy, Debug)]
pub struct Strided<'a> {
    pub bytes: &'a [u8],
    pub stride: usize,
    pub ncpus: usize,
    pub value_size: usize,
}

impl<'a> Strided<'a> {
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let (stride, size) = (self.stride.max(1), self.value_size);
        self.bytes.chunks(stride).take(self.ncpus).map(move |c| &c[..size])
    }
}

/// Two hex digits of every byte, indexed by the byte.
static HEX_PAIRS: [[u8; 2]; 256] = hex_pairs();

const fn hex_pairs() -> [[u8; 2]; 256] {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX_DIGITS[i >> 4], HEX_DIGITS[i & 0xf]];
        i += 1;
    }
    t
}

/// `,"0xNN"` for every byte: a JSON byte array element with its separator.
static JSON_ELEMS: [[u8; 7]; 256] = json_elems();

const fn json_elems() -> [[u8; 7]; 256] {
    let mut t = [[0u8; 7]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [b',', b'"', b'0', b'x', HEX_DIGITS[i >> 4], HEX_DIGITS[i & 0xf], b'"'];
        i += 1;
    }
    t
}

/// fprint_hex (see `write_hex`), appended: groups of 8 bytes, "  " between
/// the two groups of a 16-byte row, "\n" between rows.
pub fn push_hex(buf: &mut Vec<u8>, bytes: &[u8]) {
    let start = buf.len();
    buf.resize(start + bytes.len() * 3 + bytes.len() / 8, 0);
    let out = &mut buf[start..];
    let mut p = 0;
    for (g, group) in bytes.chunks(8).enumerate() {
        if g != 0 {
            if g % 2 == 0 {
                out[p] = b'\n';
                p += 1;
            } else {
                out[p] = b' ';
                out[p + 1] = b' ';
                p += 2;
            }
        }
        for (i, &b) in group.iter().enumerate() {
            if i != 0 {
                out[p] = b' ';
                p += 1;
            }
            out[p..p + 2].copy_from_slice(&HEX_PAIRS[b as usize]);
            p += 2;
        }
    }
    buf.truncate(start + p);
}

/// `write_entry`, appended.
pub fn push_entry(buf: &mut Vec<u8>, l: &Layout, key: &[u8], value: &[u8]) {
    let (break_names, single_line) = shape(l.key_size, l.value_size as usize);
    let label_end: &[u8] = if break_names { b"\n" } else { b" " };
    if l.key_size != 0 {
        buf.extend_from_slice(b"key:");
        buf.extend_from_slice(label_end);
        push_hex(buf, key);
        buf.extend_from_slice(if single_line { b"  " } else { b"\n" });
    }
    if l.value_size != 0 {
        buf.extend_from_slice(b"value:");
        buf.extend_from_slice(label_end);
        push_hex(buf, value);
    }
    buf.push(b'\n');
}

/// `write_percpu_entry`, appended, from the kernel's strided values.
pub fn push_percpu_entry(buf: &mut Vec<u8>, l: &Layout, key: &[u8], values: Strided<'_>) {
    if l.key_size != 0 {
        buf.extend_from_slice(b"key:\n");
        push_hex(buf, key);
        buf.push(b'\n');
    }
    if l.value_size != 0 {
        let sep = if l.value_size > 16 { b'\n' } else { b' ' };
        let mut digits = [0u8; 20];
        for (cpu, v) in values.iter().enumerate() {
            buf.extend_from_slice(b"value (CPU ");
            buf.extend_from_slice(fmt_decimal(cpu as u64, 2, &mut digits));
            buf.extend_from_slice(&[b')', b':', sep]);
            push_hex(buf, v);
            buf.push(b'\n');
        }
    }
}

/// `write_json_bytes`, appended: `["0x01","0x00"]`.
pub fn push_json_bytes(buf: &mut Vec<u8>, bytes: &[u8]) {
    buf.reserve(bytes.len() * 7 + 2);
    buf.push(b'[');
    if let Some((&first, rest)) = bytes.split_first() {
        buf.extend_from_slice(&JSON_ELEMS[first as usize][1..]);
        for &b in rest {
            buf.extend_from_slice(&JSON_ELEMS[b as usize]);
        }
    }
    buf.push(b']');
}

/// One compact `-j map dump` entry, as serde writes `model::DumpEntry`
/// without `formatted`: `{"key":[..],"value":[..]}`.
pub fn push_json_entry(buf: &mut Vec<u8>, key: &[u8], value: &[u8]) {
    buf.extend_from_slice(b"{\"key\":");
    push_json_bytes(buf, key);
    buf.extend_from_slice(b",\"value\":");
    push_json_bytes(buf, value);
    buf.push(b'}');
}

/// The per-CPU form: `{"key":[..],"values":[{"cpu":0,"value":[..]},..]}`.
pub fn push_json_percpu_entry(buf: &mut Vec<u8>, key: &[u8], values: Strided<'_>) {
    buf.extend_from_slice(b"{\"key\":");
    push_json_bytes(buf, key);
    buf.extend_from_slice(b",\"values\":[");
    let mut digits = [0u8; 20];
    for (cpu, v) in values.iter().enumerate() {
        buf.extend_from_slice(if cpu == 0 { b"{\"cpu\":" } else { b",{\"cpu\":" });
        buf.extend_from_slice(fmt_decimal(cpu as u64, 1, &mut digits));
        buf.extend_from_slice(b",\"value\":");
        push_json_bytes(buf, v);
        buf.push(b'}');
    }
    buf.extend_from_slice(b"]}");
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

static JSON_BYTE_TEXT: [u8; 1024] = json_byte_text();
static JSON_BYTE_STRS: [&str; 256] = json_byte_strs(&JSON_BYTE_TEXT);

const fn json_byte_text() -> [u8; 1024] {
    let mut t = [0u8; 1024];
    let mut i = 0;
    while i < 256 {
        t[i * 4] = b'0';
        t[i * 4 + 1] = b'x';
        t[i * 4 + 2] = HEX_DIGITS[i >> 4];
        t[i * 4 + 3] = HEX_DIGITS[i & 0xf];
        i += 1;
    }
    t
}

const fn json_byte_strs(text: &'static [u8; 1024]) -> [&'static str; 256] {
    let mut strs = [""; 256];
    let mut i = 0;
    while i < 256 {
        let (_, rest) = text.split_at(i * 4);
        let (one, _) = rest.split_at(4);
        strs[i] = match std::str::from_utf8(one) {
            Ok(s) => s,
            Err(_) => panic!("json byte table is ASCII"),
        };
        i += 1;
    }
    strs
}

/// Right-aligned decimal of at least `min_digits` (zero-padded), like %0Nu.
fn fmt_decimal(mut n: u64, min_digits: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    while n != 0 || buf.len() - start < min_digits {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    &buf[start..]
}

/// Stack buffer in front of the caller's writer, so a typical entry costs a
/// single write_all and no heap allocation.
struct Out<'a> {
    w: &'a mut dyn Write,
    buf: [u8; 512],
    len: usize,
}

impl<'a> Out<'a> {
    fn new(w: &'a mut dyn Write) -> Self {
        Out { w, buf: [0; 512], len: 0 }
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        if self.len != 0 {
            self.w.write_all(&self.buf[..self.len])?;
            self.len = 0;
        }
        Ok(())
    }

    /// Guarantees room for `n` more bytes (n <= buffer size).
    fn reserve(&mut self, n: usize) -> io::Result<()> {
        if self.buf.len() - self.len < n {
            self.flush_buf()?;
        }
        Ok(())
    }

    fn put(&mut self, s: &[u8]) -> io::Result<()> {
        if s.len() > self.buf.len() {
            self.flush_buf()?;
            return self.w.write_all(s);
        }
        self.reserve(s.len())?;
        self.buf[self.len..self.len + s.len()].copy_from_slice(s);
        self.len += s.len();
        Ok(())
    }

    /// "key:" / "value:" followed by newline or space.
    fn label(&mut self, name: &[u8], break_names: bool) -> io::Result<()> {
        self.put(name)?;
        self.put(if break_names { b"\n" } else { b" " })
    }

    fn decimal(&mut self, n: u64, min_digits: usize) -> io::Result<()> {
        let mut digits = [0u8; 20];
        let d = fmt_decimal(n, min_digits, &mut digits);
        self.put(d)
    }

    fn hex(&mut self, bytes: &[u8]) -> io::Result<()> {
        for (i, &b) in bytes.iter().enumerate() {
            // Worst case per byte: two-space separator plus two digits.
            self.reserve(4)?;
            let sep: &[u8] = match i {
                0 => b"",
                _ if i % 16 == 0 => b"\n",
                _ if i % 8 == 0 => b"  ",
                _ => b" ",
            };
            let at = self.len;
            self.buf[at..at + sep.len()].copy_from_slice(sep);
            let at = at + sep.len();
            self.buf[at] = HEX_DIGITS[usize::from(b >> 4)];
            self.buf[at + 1] = HEX_DIGITS[usize::from(b & 0xf)];
            self.len = at + 2;
        }
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        self.flush_buf()
    }
}

/// glibc 2.36 (Debian 12) strerror() texts indexed by errno; "" marks
/// numbers glibc calls "Unknown error N". Generated with Python's
/// os.strerror on the bpftool host.
const GLIBC_STRERROR: [&str; 134] = [
    "Success",
    "Operation not permitted",
    "No such file or directory",
    "No such process",
    "Interrupted system call",
    "Input/output error",
    "No such device or address",
    "Argument list too long",
    "Exec format error",
    "Bad file descriptor",
    "No child processes",
    "Resource temporarily unavailable",
    "Cannot allocate memory",
    "Permission denied",
    "Bad address",
    "Block device required",
    "Device or resource busy",
    "File exists",
    "Invalid cross-device link",
    "No such device",
    "Not a directory",
    "Is a directory",
    "Invalid argument",
    "Too many open files in system",
    "Too many open files",
    "Inappropriate ioctl for device",
    "Text file busy",
    "File too large",
    "No space left on device",
    "Illegal seek",
    "Read-only file system",
    "Too many links",
    "Broken pipe",
    "Numerical argument out of domain",
    "Numerical result out of range",
    "Resource deadlock avoided",
    "File name too long",
    "No locks available",
    "Function not implemented",
    "Directory not empty",
    "Too many levels of symbolic links",
    "",
    "No message of desired type",
    "Identifier removed",
    "Channel number out of range",
    "Level 2 not synchronized",
    "Level 3 halted",
    "Level 3 reset",
    "Link number out of range",
    "Protocol driver not attached",
    "No CSI structure available",
    "Level 2 halted",
    "Invalid exchange",
    "Invalid request descriptor",
    "Exchange full",
    "No anode",
    "Invalid request code",
    "Invalid slot",
    "",
    "Bad font file format",
    "Device not a stream",
    "No data available",
    "Timer expired",
    "Out of streams resources",
    "Machine is not on the network",
    "Package not installed",
    "Object is remote",
    "Link has been severed",
    "Advertise error",
    "Srmount error",
    "Communication error on send",
    "Protocol error",
    "Multihop attempted",
    "RFS specific error",
    "Bad message",
    "Value too large for defined data type",
    "Name not unique on network",
    "File descriptor in bad state",
    "Remote address changed",
    "Can not access a needed shared library",
    "Accessing a corrupted shared library",
    ".lib section in a.out corrupted",
    "Attempting to link in too many shared libraries",
    "Cannot exec a shared library directly",
    "Invalid or incomplete multibyte or wide character",
    "Interrupted system call should be restarted",
    "Streams pipe error",
    "Too many users",
    "Socket operation on non-socket",
    "Destination address required",
    "Message too long",
    "Protocol wrong type for socket",
    "Protocol not available",
    "Protocol not supported",
    "Socket type not supported",
    "Operation not supported",
    "Protocol family not supported",
    "Address family not supported by protocol",
    "Address already in use",
    "Cannot assign requested address",
    "Network is down",
    "Network is unreachable",
    "Network dropped connection on reset",
    "Software caused connection abort",
    "Connection reset by peer",
    "No buffer space available",
    "Transport endpoint is already connected",
    "Transport endpoint is not connected",
    "Cannot send after transport endpoint shutdown",
    "Too many references: cannot splice",
    "Connection timed out",
    "Connection refused",
    "Host is down",
    "No route to host",
    "Operation already in progress",
    "Operation now in progress",
    "Stale file handle",
    "Structure needs cleaning",
    "Not a XENIX named type file",
    "No XENIX semaphores available",
    "Is a named type file",
    "Remote I/O error",
    "Disk quota exceeded",
    "No medium found",
    "Wrong medium type",
    "Operation canceled",
    "Required key not available",
    "Key has expired",
    "Key has been revoked",
    "Key was rejected by service",
    "Owner died",
    "State not recoverable",
    "Operation not possible due to RF-kill",
    "Memory page has hardware error",
];

#[cfg(test)]
mod tests {
    //! Goldens captured from the installed bpftool by goldens.sh
    //! (scratch dir) and turned into literals by gen_tests.py.
    use super::*;
    use crate::kinds::is_percpu;

    /// The host the goldens came from had possible CPUs 0-1: per-CPU entries
    /// below carry exactly this many values.
    const GOLDEN_POSSIBLE_CPUS: usize = 2;

    type Entry = (&'static str, &'static [&'static str]);

    struct Golden {
        name: &'static str,
        layout: Layout,
        /// (key hex, value hex per CPU or single value), in bpftool's order.
        entries: &'static [Entry],
        plain: &'static str,
        json: &'static str,
    }

    struct Lookup {
        name: &'static str,
        layout: Layout,
        entry: Option<Entry>,
        miss_key: &'static str,
        plain: &'static str,
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    fn render(l: &Layout, (key, vals): Entry) -> String {
        let key = unhex(key);
        let vals: Vec<Vec<u8>> = vals.iter().map(|v| unhex(v)).collect();
        let mut out = Vec::new();
        if is_percpu(l.map_type) {
            assert_eq!(vals.len(), GOLDEN_POSSIBLE_CPUS);
            let refs: Vec<&[u8]> = vals.iter().map(Vec::as_slice).collect();
            write_percpu_entry(&mut out, l, &key, &refs).unwrap();
        } else {
            write_entry(&mut out, l, &key, &vals[0]).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    fn json_array(bytes: &[u8]) -> String {
        let mut out = Vec::new();
        write_json_bytes(&mut out, bytes).unwrap();
        let text = String::from_utf8(out).unwrap();
        // json_bytes must agree with the streaming writer.
        let joined: Vec<String> = json_bytes(bytes).map(|s| format!("\"{s}\"")).collect();
        assert_eq!(text, format!("[{}]", joined.join(",")));
        text
    }

    fn render_json(l: &Layout, (key, vals): Entry) -> String {
        let key = json_array(&unhex(key));
        if !is_percpu(l.map_type) {
            let value = json_array(&unhex(vals[0]));
            return format!("{{\"key\":{key},\"value\":{value}}}");
        }
        let per_cpu: Vec<String> = vals
            .iter()
            .enumerate()
            .map(|(cpu, v)| format!("{{\"cpu\":{cpu},\"value\":{}}}", json_array(&unhex(v))))
            .collect();
        format!("{{\"key\":{key},\"values\":[{}]}}", per_cpu.join(","))
    }

    #[test]
    fn golden_dumps_plain() {
        for g in GOLDEN_DUMPS {
            let mut got = String::new();
            for &e in g.entries {
                got += &render(&g.layout, e);
            }
            let mut found = Vec::new();
            write_found(&mut found, g.entries.len() as u64).unwrap();
            got += std::str::from_utf8(&found).unwrap();
            assert_eq!(got, g.plain, "plain dump of {}", g.name);
        }
    }

    /// The appenders used by streamed dumps give the goldens' bytes too.
    #[test]
    fn golden_dumps_through_appenders() {
        for g in GOLDEN_DUMPS {
            let (mut plain, mut json) = (Vec::new(), Vec::new());
            json.push(b'[');
            for (i, &(key, vals)) in g.entries.iter().enumerate() {
                let key = unhex(key);
                if i > 0 {
                    json.push(b',');
                }
                if is_percpu(g.layout.map_type) {
                    let stride = (g.layout.value_size as usize).div_ceil(8) * 8;
                    let mut bytes = vec![0xeeu8; stride * vals.len()];
                    for (cpu, v) in vals.iter().enumerate() {
                        let v = unhex(v);
                        bytes[cpu * stride..cpu * stride + v.len()].copy_from_slice(&v);
                    }
                    let s =
                        Strided { bytes: &bytes, stride, ncpus: vals.len(), value_size: g.layout.value_size as usize };
                    push_percpu_entry(&mut plain, &g.layout, &key, s);
                    push_json_percpu_entry(&mut json, &key, s);
                } else {
                    push_entry(&mut plain, &g.layout, &key, &unhex(vals[0]));
                    push_json_entry(&mut json, &key, &unhex(vals[0]));
                }
            }
            json.push(b']');
            write_found(&mut plain, g.entries.len() as u64).unwrap();
            assert_eq!(String::from_utf8(plain).unwrap(), g.plain, "plain dump of {}", g.name);
            assert_eq!(String::from_utf8(json).unwrap(), g.json, "json dump of {}", g.name);
        }
        let mut hex = Vec::new();
        let bytes: Vec<u8> = (0..40).collect();
        push_hex(&mut hex, &bytes);
        let mut want = Vec::new();
        write_hex(&mut want, &bytes).unwrap();
        assert_eq!(hex, want);
    }

    #[test]
    fn golden_dumps_json() {
        for g in GOLDEN_DUMPS {
            let entries: Vec<String> = g.entries.iter().map(|&e| render_json(&g.layout, e)).collect();
            assert_eq!(format!("[{}]", entries.join(",")), g.json, "json dump of {}", g.name);
        }
    }

    #[test]
    fn golden_lookups() {
        for l in GOLDEN_LOOKUPS {
            let got = match l.entry {
                Some(e) => render(&l.layout, e),
                None => {
                    let mut out = Vec::new();
                    write_lookup_not_found(&mut out, &unhex(l.miss_key)).unwrap();
                    String::from_utf8(out).unwrap()
                }
            };
            assert_eq!(got, l.plain, "lookup in {}", l.name);
        }
    }

    /// A dumped key and what its lookup returned (value or errno).
    type Slot<'a> = (&'a [u8], Result<&'a [u8], i32>);

    fn dump_with_errors(l: &Layout, slots: &[Slot]) -> String {
        let mut out = Vec::new();
        let mut found = 0;
        for &(key, res) in slots {
            match res {
                Ok(v) => {
                    write_entry(&mut out, l, key, v).unwrap();
                    found += 1;
                }
                Err(errno) => {
                    write_lookup_error(&mut out, l, key, errno).unwrap();
                }
            }
        }
        write_found(&mut out, found).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn golden_perf_event_array_lookup_fails_enotsupp() {
        // Kernel answers -ENOTSUPP (524) for fd arrays without a sys lookup;
        // glibc has no text for it, and 17 chars > 16 breaks the names.
        let l = Layout { map_type: 4, key_size: 4, value_size: 4 };
        let got = dump_with_errors(&l, &[(&[0, 0, 0, 0], Err(524)), (&[1, 0, 0, 0], Err(524))]);
        assert_eq!(
            got,
            "key:\n00 00 00 00\nvalue:\nUnknown error 524\nkey:\n01 00 00 00\nvalue:\nUnknown error 524\nFound 0 elements\n"
        );
        // cgroup_array (type 8) behaves the same.
        let l = Layout { map_type: 8, ..l };
        let got = dump_with_errors(&l, &[(&[0, 0, 0, 0], Err(524))]);
        assert_eq!(got, "key:\n00 00 00 00\nvalue:\nUnknown error 524\nFound 0 elements\n");
    }

    #[test]
    fn golden_prog_array_empty_slots_are_silent() {
        let l = Layout { map_type: PROG_ARRAY, key_size: 4, value_size: 4 };
        let keys: Vec<[u8; 4]> = (0..4u8).map(|i| [i, 0, 0, 0]).collect();
        let slots: Vec<Slot> = keys.iter().map(|k| (&k[..], Err(ENOENT))).collect();
        assert_eq!(dump_with_errors(&l, &slots), "Found 0 elements\n");
    }

    #[test]
    fn golden_array_of_maps_v7_1_prints_inner_id_as_hex() {
        // Slot 1 holds inner map id 29 (0x1d); slots 0 and 2 are empty.
        let l = Layout { map_type: ARRAY_OF_MAPS, key_size: 4, value_size: 4 };
        let got = dump_with_errors(
            &l,
            &[(&[0, 0, 0, 0], Err(ENOENT)), (&[1, 0, 0, 0], Ok(&[0x1d, 0, 0, 0])), (&[2, 0, 0, 0], Err(ENOENT))],
        );
        assert_eq!(got, "key: 01 00 00 00  value: 1d 00 00 00\nFound 1 element\n");
        let mut out = Vec::new();
        write_lookup_not_found(&mut out, &[0, 0, 0, 0]).unwrap();
        assert_eq!(out, b"key:\n00 00 00 00\n\nNot found\n");
    }

    #[test]
    fn golden_empty_dumps() {
        // Empty hash, and a queue (key_size 0) whose get_next_key fails:
        // both print only this line.
        let mut out = Vec::new();
        write_found(&mut out, 0).unwrap();
        assert_eq!(out, b"Found 0 elements\n");
    }

    #[test]
    fn found_plural() {
        for (n, want) in [
            (0, "Found 0 elements\n"),
            (1, "Found 1 element\n"),
            (2, "Found 2 elements\n"),
            (1000, "Found 1000 elements\n"),
        ] {
            let mut out = Vec::new();
            write_found(&mut out, n).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn error_entry_layout_from_source() {
        // print_entry_error_msg: ENOENT on a hash -> "<no entry>" (10 chars);
        // 4 + 10 <= 24 so key and message share a line.
        let l = Layout { map_type: 1, key_size: 4, value_size: 8 };
        let mut out = Vec::new();
        assert!(write_lookup_error(&mut out, &l, &[1, 2, 3, 4], ENOENT).unwrap());
        assert_eq!(out, b"key: 01 02 03 04  value: <no entry>\n");
        // 16 + 10 > 24: names stay inline but the value moves to a new line.
        let l = Layout { key_size: 16, ..l };
        let mut out = Vec::new();
        write_lookup_error(&mut out, &l, &[0xab; 16], ENOENT).unwrap();
        assert_eq!(out, b"key: ab ab ab ab ab ab ab ab  ab ab ab ab ab ab ab ab\nvalue: <no entry>\n");
        // reuseport_sockarray ENOSPC has its own text; elsewhere it's strerror.
        let l = Layout { map_type: REUSEPORT_SOCKARRAY, key_size: 4, value_size: 4 };
        let mut out = Vec::new();
        write_lookup_error(&mut out, &l, &[0; 4], ENOSPC).unwrap();
        assert_eq!(out, b"key: 00 00 00 00  value: <cannot read>\n");
        assert_eq!(lookup_error_text(1, ENOSPC).unwrap().as_str(), "No space left on device");
        // Map-in-map ENOENT is skipped, other errors are not.
        assert!(lookup_error_text(HASH_OF_MAPS, ENOENT).is_none());
        assert!(lookup_error_text(HASH_OF_MAPS, 1).is_some());
    }

    #[test]
    fn strerror_matches_glibc() {
        assert_eq!(strerror(0).as_str(), "Success");
        assert_eq!(strerror(2).as_str(), "No such file or directory");
        assert_eq!(strerror(95).as_str(), "Operation not supported");
        assert_eq!(strerror(133).as_str(), "Memory page has hardware error");
        assert_eq!(strerror(41).as_str(), "Unknown error 41");
        assert_eq!(strerror(524).as_str(), "Unknown error 524");
        assert_eq!(strerror(-3).as_str(), "Unknown error -3");
        assert_eq!(strerror(i32::MIN).to_string(), "Unknown error -2147483648");
    }

    #[test]
    fn zero_sized_halves() {
        let mut out = Vec::new();
        write_entry(&mut out, &Layout { map_type: 22, key_size: 0, value_size: 4 }, &[], &[1, 2, 3, 4]).unwrap();
        assert_eq!(out, b"value: 01 02 03 04\n");
        let mut out = Vec::new();
        write_entry(&mut out, &Layout { map_type: 1, key_size: 2, value_size: 0 }, &[1, 2], &[]).unwrap();
        assert_eq!(out, b"key: 01 02  \n");
    }

    fn naive_hex(bytes: &[u8]) -> String {
        let line = |c: &[u8]| {
            let half = |h: &[u8]| h.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ");
            c.chunks(8).map(half).collect::<Vec<_>>().join("  ")
        };
        bytes.chunks(16).map(line).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn hex_breaks_and_cpu_labels() {
        let bytes: Vec<u8> = (0..=40).collect();
        let mut out = Vec::new();
        write_hex(&mut out, &bytes).unwrap();
        let want = "00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f\n\
                    10 11 12 13 14 15 16 17  18 19 1a 1b 1c 1d 1e 1f\n\
                    20 21 22 23 24 25 26 27  28";
        assert_eq!(String::from_utf8(out).unwrap(), want);
        let mut out = Vec::new();
        write_hex(&mut out, &[]).unwrap();
        assert!(out.is_empty());
        // Any length, including more than the stack buffer, matches a naive
        // line-by-line rendering of fprint_hex's rules.
        for len in (0..70).chain([511, 512, 513, 4096]) {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let mut out = Vec::new();
            write_hex(&mut out, &bytes).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), naive_hex(&bytes), "len {len}");
        }
        // %02d: CPU 100+ widens.
        let l = Layout { map_type: crate::kinds::PERCPU_ARRAY, key_size: 4, value_size: 1 };
        let vals: Vec<&[u8]> = (0..101).map(|_| &[7u8][..]).collect();
        let mut out = Vec::new();
        write_percpu_entry(&mut out, &l, &[0; 4], &vals).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("key:\n00 00 00 00\nvalue (CPU 00): 07\n"));
        assert!(s.ends_with("value (CPU 99): 07\nvalue (CPU 100): 07\n"));
    }

    #[test]
    fn json_bytes_table() {
        assert_eq!(json_bytes(&[0x01, 0x00, 0xff, 0xab]).collect::<Vec<_>>(), ["0x01", "0x00", "0xff", "0xab"]);
        let mut out = Vec::new();
        write_json_bytes(&mut out, &[]).unwrap();
        assert_eq!(out, b"[]");
        for b in 0..=255u8 {
            assert_eq!(json_byte(b), format!("0x{b:02x}"));
        }
    }

    const fn lay(map_type: u32, key_size: u32, value_size: u32) -> Layout {
        Layout { map_type, key_size, value_size }
    }

    // Captured from `bpftool v7.1.0`, possible CPUs 0-1, kernel 6.18.44-fc-v782.
    const GOLDEN_DUMPS: &[Golden] = &[
        Golden {
            name: "array_4_8",
            layout: lay(2, 4, 8),
            entries: &[
                ("00000000", &["0000000000000000"]),
                ("01000000", &["5c92c8cb01373a70"]),
                ("02000000", &["0000000000000000"]),
                ("03000000", &["0000000000000000"]),
                ("04000000", &["cf053b3e74aaade3"]),
                ("05000000", &["0000000000000000"]),
                ("06000000", &["0000000000000000"]),
                ("07000000", &["0000000000000000"]),
            ],
            plain: "key: 00 00 00 00  value: 00 00 00 00 00 00 00 00\nkey: 01 00 00 00  value: 5c 92 c8 cb 01 37 3a 70\nkey: 02 00 00 00  value: 00 00 00 00 00 00 00 00\nkey: 03 00 00 00  value: 00 00 00 00 00 00 00 00\nkey: 04 00 00 00  value: cf 05 3b 3e 74 aa ad e3\nkey: 05 00 00 00  value: 00 00 00 00 00 00 00 00\nkey: 06 00 00 00  value: 00 00 00 00 00 00 00 00\nkey: 07 00 00 00  value: 00 00 00 00 00 00 00 00\nFound 8 elements\n",
            json: "[{\"key\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\"]},{\"key\":[\"0x01\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x5c\",\"0x92\",\"0xc8\",\"0xcb\",\"0x01\",\"0x37\",\"0x3a\",\"0x70\"]},{\"key\":[\"0x02\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\"]},{\"key\":[\"0x03\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\"]},{\"key\":[\"0x04\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0xcf\",\"0x05\",\"0x3b\",\"0x3e\",\"0x74\",\"0xaa\",\"0xad\",\"0xe3\"]},{\"key\":[\"0x05\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\"]},{\"key\":[\"0x06\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\"]},{\"key\":[\"0x07\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\"]}]",
        },
        Golden {
            name: "hash_12_12",
            layout: lay(1, 12, 12),
            entries: &[("7cb2e8eb21575a90c6c9ff35", &["30669c9fd50b0e447a7db3e9"])],
            plain: "key: 7c b2 e8 eb 21 57 5a 90  c6 c9 ff 35  value: 30 66 9c 9f d5 0b 0e 44  7a 7d b3 e9\nFound 1 element\n",
            json: "[{\"key\":[\"0x7c\",\"0xb2\",\"0xe8\",\"0xeb\",\"0x21\",\"0x57\",\"0x5a\",\"0x90\",\"0xc6\",\"0xc9\",\"0xff\",\"0x35\"],\"value\":[\"0x30\",\"0x66\",\"0x9c\",\"0x9f\",\"0xd5\",\"0x0b\",\"0x0e\",\"0x44\",\"0x7a\",\"0x7d\",\"0xb3\",\"0xe9\"]}]",
        },
        Golden {
            name: "hash_16_16",
            layout: lay(1, 16, 16),
            entries: &[
                ("85bbf1f42a606399cfd2083e4177adb0", &["77ade3e61c52558bc1c4fa3033699fa2"]),
                ("5086bcbff52b2e649a9dd3090c42787b", &["043a7073a9dfe2184e5187bdc0f62c2f"]),
            ],
            plain: "key: 85 bb f1 f4 2a 60 63 99  cf d2 08 3e 41 77 ad b0\nvalue: 77 ad e3 e6 1c 52 55 8b  c1 c4 fa 30 33 69 9f a2\nkey: 50 86 bc bf f5 2b 2e 64  9a 9d d3 09 0c 42 78 7b\nvalue: 04 3a 70 73 a9 df e2 18  4e 51 87 bd c0 f6 2c 2f\nFound 2 elements\n",
            json: "[{\"key\":[\"0x85\",\"0xbb\",\"0xf1\",\"0xf4\",\"0x2a\",\"0x60\",\"0x63\",\"0x99\",\"0xcf\",\"0xd2\",\"0x08\",\"0x3e\",\"0x41\",\"0x77\",\"0xad\",\"0xb0\"],\"value\":[\"0x77\",\"0xad\",\"0xe3\",\"0xe6\",\"0x1c\",\"0x52\",\"0x55\",\"0x8b\",\"0xc1\",\"0xc4\",\"0xfa\",\"0x30\",\"0x33\",\"0x69\",\"0x9f\",\"0xa2\"]},{\"key\":[\"0x50\",\"0x86\",\"0xbc\",\"0xbf\",\"0xf5\",\"0x2b\",\"0x2e\",\"0x64\",\"0x9a\",\"0x9d\",\"0xd3\",\"0x09\",\"0x0c\",\"0x42\",\"0x78\",\"0x7b\"],\"value\":[\"0x04\",\"0x3a\",\"0x70\",\"0x73\",\"0xa9\",\"0xdf\",\"0xe2\",\"0x18\",\"0x4e\",\"0x51\",\"0x87\",\"0xbd\",\"0xc0\",\"0xf6\",\"0x2c\",\"0x2f\"]}]",
        },
        Golden {
            name: "hash_17_3",
            layout: lay(1, 17, 3),
            entries: &[
                ("baf026295f9598ce04073d7376ace2e51b", &["c6fc32"]),
                ("85bbf1f42a606399cfd2083e4177adb0e6", &["5389bf"]),
            ],
            plain: "key:\nba f0 26 29 5f 95 98 ce  04 07 3d 73 76 ac e2 e5\n1b\nvalue:\nc6 fc 32\nkey:\n85 bb f1 f4 2a 60 63 99  cf d2 08 3e 41 77 ad b0\ne6\nvalue:\n53 89 bf\nFound 2 elements\n",
            json: "[{\"key\":[\"0xba\",\"0xf0\",\"0x26\",\"0x29\",\"0x5f\",\"0x95\",\"0x98\",\"0xce\",\"0x04\",\"0x07\",\"0x3d\",\"0x73\",\"0x76\",\"0xac\",\"0xe2\",\"0xe5\",\"0x1b\"],\"value\":[\"0xc6\",\"0xfc\",\"0x32\"]},{\"key\":[\"0x85\",\"0xbb\",\"0xf1\",\"0xf4\",\"0x2a\",\"0x60\",\"0x63\",\"0x99\",\"0xcf\",\"0xd2\",\"0x08\",\"0x3e\",\"0x41\",\"0x77\",\"0xad\",\"0xb0\",\"0xe6\"],\"value\":[\"0x53\",\"0x89\",\"0xbf\"]}]",
        },
        Golden {
            name: "hash_1_1",
            layout: lay(1, 1, 1),
            entries: &[("9f", &["cf"]), ("6a", &["5c"]), ("35", &["e9"])],
            plain: "key: 9f  value: cf\nkey: 6a  value: 5c\nkey: 35  value: e9\nFound 3 elements\n",
            json: "[{\"key\":[\"0x9f\"],\"value\":[\"0xcf\"]},{\"key\":[\"0x6a\"],\"value\":[\"0x5c\"]},{\"key\":[\"0x35\"],\"value\":[\"0xe9\"]}]",
        },
        Golden {
            name: "hash_20_20",
            layout: lay(1, 20, 20),
            entries: &[
                ("245a9093c9ff02386e71a7dde0164c4f85bbbef4", &["d80e44477db3b6ec22255b9194ca0003396f72a8"]),
                ("598fc5c8fe34376da3a6dc12154b8184baf0f329", &["4b81b7baf026295f9598ce04073d7376ace2e51b"]),
            ],
            plain: "key:\n24 5a 90 93 c9 ff 02 38  6e 71 a7 dd e0 16 4c 4f\n85 bb be f4\nvalue:\nd8 0e 44 47 7d b3 b6 ec  22 25 5b 91 94 ca 00 03\n39 6f 72 a8\nkey:\n59 8f c5 c8 fe 34 37 6d  a3 a6 dc 12 15 4b 81 84\nba f0 f3 29\nvalue:\n4b 81 b7 ba f0 26 29 5f  95 98 ce 04 07 3d 73 76\nac e2 e5 1b\nFound 2 elements\n",
            json: "[{\"key\":[\"0x24\",\"0x5a\",\"0x90\",\"0x93\",\"0xc9\",\"0xff\",\"0x02\",\"0x38\",\"0x6e\",\"0x71\",\"0xa7\",\"0xdd\",\"0xe0\",\"0x16\",\"0x4c\",\"0x4f\",\"0x85\",\"0xbb\",\"0xbe\",\"0xf4\"],\"value\":[\"0xd8\",\"0x0e\",\"0x44\",\"0x47\",\"0x7d\",\"0xb3\",\"0xb6\",\"0xec\",\"0x22\",\"0x25\",\"0x5b\",\"0x91\",\"0x94\",\"0xca\",\"0x00\",\"0x03\",\"0x39\",\"0x6f\",\"0x72\",\"0xa8\"]},{\"key\":[\"0x59\",\"0x8f\",\"0xc5\",\"0xc8\",\"0xfe\",\"0x34\",\"0x37\",\"0x6d\",\"0xa3\",\"0xa6\",\"0xdc\",\"0x12\",\"0x15\",\"0x4b\",\"0x81\",\"0x84\",\"0xba\",\"0xf0\",\"0xf3\",\"0x29\"],\"value\":[\"0x4b\",\"0x81\",\"0xb7\",\"0xba\",\"0xf0\",\"0x26\",\"0x29\",\"0x5f\",\"0x95\",\"0x98\",\"0xce\",\"0x04\",\"0x07\",\"0x3d\",\"0x73\",\"0x76\",\"0xac\",\"0xe2\",\"0xe5\",\"0x1b\"]}]",
        },
        Golden {
            name: "hash_20_4",
            layout: lay(1, 20, 4),
            entries: &[
                ("598fc5c8fe34376da3a6dc12154b8184baf0f329", &["fb31676a"]),
                ("245a9093c9ff02386e71a7dde0164c4f85bbbef4", &["88bef4f7"]),
            ],
            plain: "key:\n59 8f c5 c8 fe 34 37 6d  a3 a6 dc 12 15 4b 81 84\nba f0 f3 29\nvalue:\nfb 31 67 6a\nkey:\n24 5a 90 93 c9 ff 02 38  6e 71 a7 dd e0 16 4c 4f\n85 bb be f4\nvalue:\n88 be f4 f7\nFound 2 elements\n",
            json: "[{\"key\":[\"0x59\",\"0x8f\",\"0xc5\",\"0xc8\",\"0xfe\",\"0x34\",\"0x37\",\"0x6d\",\"0xa3\",\"0xa6\",\"0xdc\",\"0x12\",\"0x15\",\"0x4b\",\"0x81\",\"0x84\",\"0xba\",\"0xf0\",\"0xf3\",\"0x29\"],\"value\":[\"0xfb\",\"0x31\",\"0x67\",\"0x6a\"]},{\"key\":[\"0x24\",\"0x5a\",\"0x90\",\"0x93\",\"0xc9\",\"0xff\",\"0x02\",\"0x38\",\"0x6e\",\"0x71\",\"0xa7\",\"0xdd\",\"0xe0\",\"0x16\",\"0x4c\",\"0x4f\",\"0x85\",\"0xbb\",\"0xbe\",\"0xf4\"],\"value\":[\"0x88\",\"0xbe\",\"0xf4\",\"0xf7\"]}]",
        },
        Golden {
            name: "hash_3_5",
            layout: lay(1, 3, 5),
            entries: &[("d40a40", &["30669c9fd5"]), ("093f75", &["a3d90f1248"]), ("9fd50b", &["bdf3292c62"])],
            plain: "key: d4 0a 40  value: 30 66 9c 9f d5\nkey: 09 3f 75  value: a3 d9 0f 12 48\nkey: 9f d5 0b  value: bd f3 29 2c 62\nFound 3 elements\n",
            json: "[{\"key\":[\"0xd4\",\"0x0a\",\"0x40\"],\"value\":[\"0x30\",\"0x66\",\"0x9c\",\"0x9f\",\"0xd5\"]},{\"key\":[\"0x09\",\"0x3f\",\"0x75\"],\"value\":[\"0xa3\",\"0xd9\",\"0x0f\",\"0x12\",\"0x48\"]},{\"key\":[\"0x9f\",\"0xd5\",\"0x0b\"],\"value\":[\"0xbd\",\"0xf3\",\"0x29\",\"0x2c\",\"0x62\"]}]",
        },
        Golden {
            name: "hash_40_40",
            layout: lay(1, 40, 40),
            entries: &[
                (
                    "487eb4b7ed23265c9295cb01043a7073a9dfe2184e5187bdc0f62c2f659b9ed40a0d43797cb2e8eb",
                    &["fc32686ba1d7da1046497fb5b8ee24275d9396cc02053b7174aae0e3194f5288bec1f72d30669c9f"],
                ),
                (
                    "7db3e9ec22585b91c7ca0036396fa5a8de14174d8386bcf2f52b61649ad0d3093f4278aeb1e71d20",
                    &["6fa5dbde144a4d83b9bcf2282b61979ad006093f7578aee4e71d53568cc2c5fb31346aa0a3d90f12"],
                ),
            ],
            plain: "key:\n48 7e b4 b7 ed 23 26 5c  92 95 cb 01 04 3a 70 73\na9 df e2 18 4e 51 87 bd  c0 f6 2c 2f 65 9b 9e d4\n0a 0d 43 79 7c b2 e8 eb\nvalue:\nfc 32 68 6b a1 d7 da 10  46 49 7f b5 b8 ee 24 27\n5d 93 96 cc 02 05 3b 71  74 aa e0 e3 19 4f 52 88\nbe c1 f7 2d 30 66 9c 9f\nkey:\n7d b3 e9 ec 22 58 5b 91  c7 ca 00 36 39 6f a5 a8\nde 14 17 4d 83 86 bc f2  f5 2b 61 64 9a d0 d3 09\n3f 42 78 ae b1 e7 1d 20\nvalue:\n6f a5 db de 14 4a 4d 83  b9 bc f2 28 2b 61 97 9a\nd0 06 09 3f 75 78 ae e4  e7 1d 53 56 8c c2 c5 fb\n31 34 6a a0 a3 d9 0f 12\nFound 2 elements\n",
            json: "[{\"key\":[\"0x48\",\"0x7e\",\"0xb4\",\"0xb7\",\"0xed\",\"0x23\",\"0x26\",\"0x5c\",\"0x92\",\"0x95\",\"0xcb\",\"0x01\",\"0x04\",\"0x3a\",\"0x70\",\"0x73\",\"0xa9\",\"0xdf\",\"0xe2\",\"0x18\",\"0x4e\",\"0x51\",\"0x87\",\"0xbd\",\"0xc0\",\"0xf6\",\"0x2c\",\"0x2f\",\"0x65\",\"0x9b\",\"0x9e\",\"0xd4\",\"0x0a\",\"0x0d\",\"0x43\",\"0x79\",\"0x7c\",\"0xb2\",\"0xe8\",\"0xeb\"],\"value\":[\"0xfc\",\"0x32\",\"0x68\",\"0x6b\",\"0xa1\",\"0xd7\",\"0xda\",\"0x10\",\"0x46\",\"0x49\",\"0x7f\",\"0xb5\",\"0xb8\",\"0xee\",\"0x24\",\"0x27\",\"0x5d\",\"0x93\",\"0x96\",\"0xcc\",\"0x02\",\"0x05\",\"0x3b\",\"0x71\",\"0x74\",\"0xaa\",\"0xe0\",\"0xe3\",\"0x19\",\"0x4f\",\"0x52\",\"0x88\",\"0xbe\",\"0xc1\",\"0xf7\",\"0x2d\",\"0x30\",\"0x66\",\"0x9c\",\"0x9f\"]},{\"key\":[\"0x7d\",\"0xb3\",\"0xe9\",\"0xec\",\"0x22\",\"0x58\",\"0x5b\",\"0x91\",\"0xc7\",\"0xca\",\"0x00\",\"0x36\",\"0x39\",\"0x6f\",\"0xa5\",\"0xa8\",\"0xde\",\"0x14\",\"0x17\",\"0x4d\",\"0x83\",\"0x86\",\"0xbc\",\"0xf2\",\"0xf5\",\"0x2b\",\"0x61\",\"0x64\",\"0x9a\",\"0xd0\",\"0xd3\",\"0x09\",\"0x3f\",\"0x42\",\"0x78\",\"0xae\",\"0xb1\",\"0xe7\",\"0x1d\",\"0x20\"],\"value\":[\"0x6f\",\"0xa5\",\"0xdb\",\"0xde\",\"0x14\",\"0x4a\",\"0x4d\",\"0x83\",\"0xb9\",\"0xbc\",\"0xf2\",\"0x28\",\"0x2b\",\"0x61\",\"0x97\",\"0x9a\",\"0xd0\",\"0x06\",\"0x09\",\"0x3f\",\"0x75\",\"0x78\",\"0xae\",\"0xe4\",\"0xe7\",\"0x1d\",\"0x53\",\"0x56\",\"0x8c\",\"0xc2\",\"0xc5\",\"0xfb\",\"0x31\",\"0x34\",\"0x6a\",\"0xa0\",\"0xa3\",\"0xd9\",\"0x0f\",\"0x12\"]}]",
        },
        Golden {
            name: "hash_4_20",
            layout: lay(1, 4, 20),
            entries: &[
                ("d40a4043", &["d80e44477db3b6ec22255b9194ca0003396f72a8"]),
                ("093f7578", &["4b81b7baf026295f9598ce04073d7376ace2e51b"]),
            ],
            plain: "key:\nd4 0a 40 43\nvalue:\nd8 0e 44 47 7d b3 b6 ec  22 25 5b 91 94 ca 00 03\n39 6f 72 a8\nkey:\n09 3f 75 78\nvalue:\n4b 81 b7 ba f0 26 29 5f  95 98 ce 04 07 3d 73 76\nac e2 e5 1b\nFound 2 elements\n",
            json: "[{\"key\":[\"0xd4\",\"0x0a\",\"0x40\",\"0x43\"],\"value\":[\"0xd8\",\"0x0e\",\"0x44\",\"0x47\",\"0x7d\",\"0xb3\",\"0xb6\",\"0xec\",\"0x22\",\"0x25\",\"0x5b\",\"0x91\",\"0x94\",\"0xca\",\"0x00\",\"0x03\",\"0x39\",\"0x6f\",\"0x72\",\"0xa8\"]},{\"key\":[\"0x09\",\"0x3f\",\"0x75\",\"0x78\"],\"value\":[\"0x4b\",\"0x81\",\"0xb7\",\"0xba\",\"0xf0\",\"0x26\",\"0x29\",\"0x5f\",\"0x95\",\"0x98\",\"0xce\",\"0x04\",\"0x07\",\"0x3d\",\"0x73\",\"0x76\",\"0xac\",\"0xe2\",\"0xe5\",\"0x1b\"]}]",
        },
        Golden {
            name: "hash_4_4",
            layout: lay(1, 4, 4),
            entries: &[("093f7578", &["fb31676a"]), ("d40a4043", &["88bef4f7"])],
            plain: "key: 09 3f 75 78  value: fb 31 67 6a\nkey: d4 0a 40 43  value: 88 be f4 f7\nFound 2 elements\n",
            json: "[{\"key\":[\"0x09\",\"0x3f\",\"0x75\",\"0x78\"],\"value\":[\"0xfb\",\"0x31\",\"0x67\",\"0x6a\"]},{\"key\":[\"0xd4\",\"0x0a\",\"0x40\",\"0x43\"],\"value\":[\"0x88\",\"0xbe\",\"0xf4\",\"0xf7\"]}]",
        },
        Golden {
            name: "hash_4_8",
            layout: lay(1, 4, 8),
            entries: &[
                ("d40a4043", &["5c92c8cb01373a70"]),
                ("3e74aaad", &["4278aeb1e71d2056"]),
                ("093f7578", &["cf053b3e74aaade3"]),
            ],
            plain: "key: d4 0a 40 43  value: 5c 92 c8 cb 01 37 3a 70\nkey: 3e 74 aa ad  value: 42 78 ae b1 e7 1d 20 56\nkey: 09 3f 75 78  value: cf 05 3b 3e 74 aa ad e3\nFound 3 elements\n",
            json: "[{\"key\":[\"0xd4\",\"0x0a\",\"0x40\",\"0x43\"],\"value\":[\"0x5c\",\"0x92\",\"0xc8\",\"0xcb\",\"0x01\",\"0x37\",\"0x3a\",\"0x70\"]},{\"key\":[\"0x3e\",\"0x74\",\"0xaa\",\"0xad\"],\"value\":[\"0x42\",\"0x78\",\"0xae\",\"0xb1\",\"0xe7\",\"0x1d\",\"0x20\",\"0x56\"]},{\"key\":[\"0x09\",\"0x3f\",\"0x75\",\"0x78\"],\"value\":[\"0xcf\",\"0x05\",\"0x3b\",\"0x3e\",\"0x74\",\"0xaa\",\"0xad\",\"0xe3\"]}]",
        },
        Golden {
            name: "hash_8_16",
            layout: lay(1, 8, 16),
            entries: &[
                ("dd13494c82b8bbf1", &["77ade3e61c52558bc1c4fa3033699fa2"]),
                ("a8de14174d8386bc", &["043a7073a9dfe2184e5187bdc0f62c2f"]),
            ],
            plain: "key: dd 13 49 4c 82 b8 bb f1  value: 77 ad e3 e6 1c 52 55 8b  c1 c4 fa 30 33 69 9f a2\nkey: a8 de 14 17 4d 83 86 bc  value: 04 3a 70 73 a9 df e2 18  4e 51 87 bd c0 f6 2c 2f\nFound 2 elements\n",
            json: "[{\"key\":[\"0xdd\",\"0x13\",\"0x49\",\"0x4c\",\"0x82\",\"0xb8\",\"0xbb\",\"0xf1\"],\"value\":[\"0x77\",\"0xad\",\"0xe3\",\"0xe6\",\"0x1c\",\"0x52\",\"0x55\",\"0x8b\",\"0xc1\",\"0xc4\",\"0xfa\",\"0x30\",\"0x33\",\"0x69\",\"0x9f\",\"0xa2\"]},{\"key\":[\"0xa8\",\"0xde\",\"0x14\",\"0x17\",\"0x4d\",\"0x83\",\"0x86\",\"0xbc\"],\"value\":[\"0x04\",\"0x3a\",\"0x70\",\"0x73\",\"0xa9\",\"0xdf\",\"0xe2\",\"0x18\",\"0x4e\",\"0x51\",\"0x87\",\"0xbd\",\"0xc0\",\"0xf6\",\"0x2c\",\"0x2f\"]}]",
        },
        Golden {
            name: "hash_8_17",
            layout: lay(1, 8, 17),
            entries: &[("a8de14174d8386bc", &["396fa5a8de14174d8386bcf2f52b61649a"])],
            plain: "key:\na8 de 14 17 4d 83 86 bc\nvalue:\n39 6f a5 a8 de 14 17 4d  83 86 bc f2 f5 2b 61 64\n9a\nFound 1 element\n",
            json: "[{\"key\":[\"0xa8\",\"0xde\",\"0x14\",\"0x17\",\"0x4d\",\"0x83\",\"0x86\",\"0xbc\"],\"value\":[\"0x39\",\"0x6f\",\"0xa5\",\"0xa8\",\"0xde\",\"0x14\",\"0x17\",\"0x4d\",\"0x83\",\"0x86\",\"0xbc\",\"0xf2\",\"0xf5\",\"0x2b\",\"0x61\",\"0x64\",\"0x9a\"]}]",
        },
        Golden {
            name: "lru_hash_4_8",
            layout: lay(9, 4, 8),
            entries: &[("d40a4043", &["5c92c8cb01373a70"]), ("093f7578", &["cf053b3e74aaade3"])],
            plain: "key: d4 0a 40 43  value: 5c 92 c8 cb 01 37 3a 70\nkey: 09 3f 75 78  value: cf 05 3b 3e 74 aa ad e3\nFound 2 elements\n",
            json: "[{\"key\":[\"0xd4\",\"0x0a\",\"0x40\",\"0x43\"],\"value\":[\"0x5c\",\"0x92\",\"0xc8\",\"0xcb\",\"0x01\",\"0x37\",\"0x3a\",\"0x70\"]},{\"key\":[\"0x09\",\"0x3f\",\"0x75\",\"0x78\"],\"value\":[\"0xcf\",\"0x05\",\"0x3b\",\"0x3e\",\"0x74\",\"0xaa\",\"0xad\",\"0xe3\"]}]",
        },
        Golden {
            name: "lru_percpu_hash_4_8",
            layout: lay(10, 4, 8),
            entries: &[("d40a4043", &["5c92c8cb01373a70", "5c92c8cb01373a70"])],
            plain: "key:\nd4 0a 40 43\nvalue (CPU 00): 5c 92 c8 cb 01 37 3a 70\nvalue (CPU 01): 5c 92 c8 cb 01 37 3a 70\nFound 1 element\n",
            json: "[{\"key\":[\"0xd4\",\"0x0a\",\"0x40\",\"0x43\"],\"values\":[{\"cpu\":0,\"value\":[\"0x5c\",\"0x92\",\"0xc8\",\"0xcb\",\"0x01\",\"0x37\",\"0x3a\",\"0x70\"]},{\"cpu\":1,\"value\":[\"0x5c\",\"0x92\",\"0xc8\",\"0xcb\",\"0x01\",\"0x37\",\"0x3a\",\"0x70\"]}]}]",
        },
        Golden {
            name: "percpu_array_4_4",
            layout: lay(6, 4, 4),
            entries: &[
                ("00000000", &["00000000", "00000000"]),
                ("01000000", &["88bef4f7", "88bef4f7"]),
                ("02000000", &["00000000", "00000000"]),
                ("03000000", &["00000000", "00000000"]),
                ("04000000", &["fb31676a", "fb31676a"]),
                ("05000000", &["00000000", "00000000"]),
                ("06000000", &["00000000", "00000000"]),
                ("07000000", &["00000000", "00000000"]),
            ],
            plain: "key:\n00 00 00 00\nvalue (CPU 00): 00 00 00 00\nvalue (CPU 01): 00 00 00 00\nkey:\n01 00 00 00\nvalue (CPU 00): 88 be f4 f7\nvalue (CPU 01): 88 be f4 f7\nkey:\n02 00 00 00\nvalue (CPU 00): 00 00 00 00\nvalue (CPU 01): 00 00 00 00\nkey:\n03 00 00 00\nvalue (CPU 00): 00 00 00 00\nvalue (CPU 01): 00 00 00 00\nkey:\n04 00 00 00\nvalue (CPU 00): fb 31 67 6a\nvalue (CPU 01): fb 31 67 6a\nkey:\n05 00 00 00\nvalue (CPU 00): 00 00 00 00\nvalue (CPU 01): 00 00 00 00\nkey:\n06 00 00 00\nvalue (CPU 00): 00 00 00 00\nvalue (CPU 01): 00 00 00 00\nkey:\n07 00 00 00\nvalue (CPU 00): 00 00 00 00\nvalue (CPU 01): 00 00 00 00\nFound 8 elements\n",
            json: "[{\"key\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"],\"values\":[{\"cpu\":0,\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]},{\"cpu\":1,\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]}]},{\"key\":[\"0x01\",\"0x00\",\"0x00\",\"0x00\"],\"values\":[{\"cpu\":0,\"value\":[\"0x88\",\"0xbe\",\"0xf4\",\"0xf7\"]},{\"cpu\":1,\"value\":[\"0x88\",\"0xbe\",\"0xf4\",\"0xf7\"]}]},{\"key\":[\"0x02\",\"0x00\",\"0x00\",\"0x00\"],\"values\":[{\"cpu\":0,\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]},{\"cpu\":1,\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]}]},{\"key\":[\"0x03\",\"0x00\",\"0x00\",\"0x00\"],\"values\":[{\"cpu\":0,\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]},{\"cpu\":1,\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]}]},{\"key\":[\"0x04\",\"0x00\",\"0x00\",\"0x00\"],\"values\":[{\"cpu\":0,\"value\":[\"0xfb\",\"0x31\",\"0x67\",\"0x6a\"]},{\"cpu\":1,\"value\":[\"0xfb\",\"0x31\",\"0x67\",\"0x6a\"]}]},{\"key\":[\"0x05\",\"0x00\",\"0x00\",\"0x00\"],\"values\":[{\"cpu\":0,\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]},{\"cpu\":1,\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]}]},{\"key\":[\"0x06\",\"0x00\",\"0x00\",\"0x00\"],\"values\":[{\"cpu\":0,\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]},{\"cpu\":1,\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]}]},{\"key\":[\"0x07\",\"0x00\",\"0x00\",\"0x00\"],\"values\":[{\"cpu\":0,\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]},{\"cpu\":1,\"value\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"]}]}]",
        },
        Golden {
            name: "percpu_hash_20_16",
            layout: lay(5, 20, 16),
            entries: &[(
                "245a9093c9ff02386e71a7dde0164c4f85bbbef4",
                &["043a7073a9dfe2184e5187bdc0f62c2f", "043a7073a9dfe2184e5187bdc0f62c2f"],
            )],
            plain: "key:\n24 5a 90 93 c9 ff 02 38  6e 71 a7 dd e0 16 4c 4f\n85 bb be f4\nvalue (CPU 00): 04 3a 70 73 a9 df e2 18  4e 51 87 bd c0 f6 2c 2f\nvalue (CPU 01): 04 3a 70 73 a9 df e2 18  4e 51 87 bd c0 f6 2c 2f\nFound 1 element\n",
            json: "[{\"key\":[\"0x24\",\"0x5a\",\"0x90\",\"0x93\",\"0xc9\",\"0xff\",\"0x02\",\"0x38\",\"0x6e\",\"0x71\",\"0xa7\",\"0xdd\",\"0xe0\",\"0x16\",\"0x4c\",\"0x4f\",\"0x85\",\"0xbb\",\"0xbe\",\"0xf4\"],\"values\":[{\"cpu\":0,\"value\":[\"0x04\",\"0x3a\",\"0x70\",\"0x73\",\"0xa9\",\"0xdf\",\"0xe2\",\"0x18\",\"0x4e\",\"0x51\",\"0x87\",\"0xbd\",\"0xc0\",\"0xf6\",\"0x2c\",\"0x2f\"]},{\"cpu\":1,\"value\":[\"0x04\",\"0x3a\",\"0x70\",\"0x73\",\"0xa9\",\"0xdf\",\"0xe2\",\"0x18\",\"0x4e\",\"0x51\",\"0x87\",\"0xbd\",\"0xc0\",\"0xf6\",\"0x2c\",\"0x2f\"]}]}]",
        },
        Golden {
            name: "percpu_hash_4_17",
            layout: lay(5, 4, 17),
            entries: &[("d40a4043", &["396fa5a8de14174d8386bcf2f52b61649a", "396fa5a8de14174d8386bcf2f52b61649a"])],
            plain: "key:\nd4 0a 40 43\nvalue (CPU 00):\n39 6f a5 a8 de 14 17 4d  83 86 bc f2 f5 2b 61 64\n9a\nvalue (CPU 01):\n39 6f a5 a8 de 14 17 4d  83 86 bc f2 f5 2b 61 64\n9a\nFound 1 element\n",
            json: "[{\"key\":[\"0xd4\",\"0x0a\",\"0x40\",\"0x43\"],\"values\":[{\"cpu\":0,\"value\":[\"0x39\",\"0x6f\",\"0xa5\",\"0xa8\",\"0xde\",\"0x14\",\"0x17\",\"0x4d\",\"0x83\",\"0x86\",\"0xbc\",\"0xf2\",\"0xf5\",\"0x2b\",\"0x61\",\"0x64\",\"0x9a\"]},{\"cpu\":1,\"value\":[\"0x39\",\"0x6f\",\"0xa5\",\"0xa8\",\"0xde\",\"0x14\",\"0x17\",\"0x4d\",\"0x83\",\"0x86\",\"0xbc\",\"0xf2\",\"0xf5\",\"0x2b\",\"0x61\",\"0x64\",\"0x9a\"]}]}]",
        },
        Golden {
            name: "percpu_hash_4_20",
            layout: lay(5, 4, 20),
            entries: &[
                ("093f7578", &["4b81b7baf026295f9598ce04073d7376ace2e51b", "4b81b7baf026295f9598ce04073d7376ace2e51b"]),
                ("d40a4043", &["d80e44477db3b6ec22255b9194ca0003396f72a8", "d80e44477db3b6ec22255b9194ca0003396f72a8"]),
            ],
            plain: "key:\n09 3f 75 78\nvalue (CPU 00):\n4b 81 b7 ba f0 26 29 5f  95 98 ce 04 07 3d 73 76\nac e2 e5 1b\nvalue (CPU 01):\n4b 81 b7 ba f0 26 29 5f  95 98 ce 04 07 3d 73 76\nac e2 e5 1b\nkey:\nd4 0a 40 43\nvalue (CPU 00):\nd8 0e 44 47 7d b3 b6 ec  22 25 5b 91 94 ca 00 03\n39 6f 72 a8\nvalue (CPU 01):\nd8 0e 44 47 7d b3 b6 ec  22 25 5b 91 94 ca 00 03\n39 6f 72 a8\nFound 2 elements\n",
            json: "[{\"key\":[\"0x09\",\"0x3f\",\"0x75\",\"0x78\"],\"values\":[{\"cpu\":0,\"value\":[\"0x4b\",\"0x81\",\"0xb7\",\"0xba\",\"0xf0\",\"0x26\",\"0x29\",\"0x5f\",\"0x95\",\"0x98\",\"0xce\",\"0x04\",\"0x07\",\"0x3d\",\"0x73\",\"0x76\",\"0xac\",\"0xe2\",\"0xe5\",\"0x1b\"]},{\"cpu\":1,\"value\":[\"0x4b\",\"0x81\",\"0xb7\",\"0xba\",\"0xf0\",\"0x26\",\"0x29\",\"0x5f\",\"0x95\",\"0x98\",\"0xce\",\"0x04\",\"0x07\",\"0x3d\",\"0x73\",\"0x76\",\"0xac\",\"0xe2\",\"0xe5\",\"0x1b\"]}]},{\"key\":[\"0xd4\",\"0x0a\",\"0x40\",\"0x43\"],\"values\":[{\"cpu\":0,\"value\":[\"0xd8\",\"0x0e\",\"0x44\",\"0x47\",\"0x7d\",\"0xb3\",\"0xb6\",\"0xec\",\"0x22\",\"0x25\",\"0x5b\",\"0x91\",\"0x94\",\"0xca\",\"0x00\",\"0x03\",\"0x39\",\"0x6f\",\"0x72\",\"0xa8\"]},{\"cpu\":1,\"value\":[\"0xd8\",\"0x0e\",\"0x44\",\"0x47\",\"0x7d\",\"0xb3\",\"0xb6\",\"0xec\",\"0x22\",\"0x25\",\"0x5b\",\"0x91\",\"0x94\",\"0xca\",\"0x00\",\"0x03\",\"0x39\",\"0x6f\",\"0x72\",\"0xa8\"]}]}]",
        },
        Golden {
            name: "percpu_hash_4_40",
            layout: lay(5, 4, 40),
            entries: &[(
                "d40a4043",
                &[
                    "fc32686ba1d7da1046497fb5b8ee24275d9396cc02053b7174aae0e3194f5288bec1f72d30669c9f",
                    "fc32686ba1d7da1046497fb5b8ee24275d9396cc02053b7174aae0e3194f5288bec1f72d30669c9f",
                ],
            )],
            plain: "key:\nd4 0a 40 43\nvalue (CPU 00):\nfc 32 68 6b a1 d7 da 10  46 49 7f b5 b8 ee 24 27\n5d 93 96 cc 02 05 3b 71  74 aa e0 e3 19 4f 52 88\nbe c1 f7 2d 30 66 9c 9f\nvalue (CPU 01):\nfc 32 68 6b a1 d7 da 10  46 49 7f b5 b8 ee 24 27\n5d 93 96 cc 02 05 3b 71  74 aa e0 e3 19 4f 52 88\nbe c1 f7 2d 30 66 9c 9f\nFound 1 element\n",
            json: "[{\"key\":[\"0xd4\",\"0x0a\",\"0x40\",\"0x43\"],\"values\":[{\"cpu\":0,\"value\":[\"0xfc\",\"0x32\",\"0x68\",\"0x6b\",\"0xa1\",\"0xd7\",\"0xda\",\"0x10\",\"0x46\",\"0x49\",\"0x7f\",\"0xb5\",\"0xb8\",\"0xee\",\"0x24\",\"0x27\",\"0x5d\",\"0x93\",\"0x96\",\"0xcc\",\"0x02\",\"0x05\",\"0x3b\",\"0x71\",\"0x74\",\"0xaa\",\"0xe0\",\"0xe3\",\"0x19\",\"0x4f\",\"0x52\",\"0x88\",\"0xbe\",\"0xc1\",\"0xf7\",\"0x2d\",\"0x30\",\"0x66\",\"0x9c\",\"0x9f\"]},{\"cpu\":1,\"value\":[\"0xfc\",\"0x32\",\"0x68\",\"0x6b\",\"0xa1\",\"0xd7\",\"0xda\",\"0x10\",\"0x46\",\"0x49\",\"0x7f\",\"0xb5\",\"0xb8\",\"0xee\",\"0x24\",\"0x27\",\"0x5d\",\"0x93\",\"0x96\",\"0xcc\",\"0x02\",\"0x05\",\"0x3b\",\"0x71\",\"0x74\",\"0xaa\",\"0xe0\",\"0xe3\",\"0x19\",\"0x4f\",\"0x52\",\"0x88\",\"0xbe\",\"0xc1\",\"0xf7\",\"0x2d\",\"0x30\",\"0x66\",\"0x9c\",\"0x9f\"]}]}]",
        },
        Golden {
            name: "percpu_hash_4_8",
            layout: lay(5, 4, 8),
            entries: &[
                ("093f7578", &["cf053b3e74aaade3", "cf053b3e74aaade3"]),
                ("d40a4043", &["5c92c8cb01373a70", "5c92c8cb01373a70"]),
            ],
            plain: "key:\n09 3f 75 78\nvalue (CPU 00): cf 05 3b 3e 74 aa ad e3\nvalue (CPU 01): cf 05 3b 3e 74 aa ad e3\nkey:\nd4 0a 40 43\nvalue (CPU 00): 5c 92 c8 cb 01 37 3a 70\nvalue (CPU 01): 5c 92 c8 cb 01 37 3a 70\nFound 2 elements\n",
            json: "[{\"key\":[\"0x09\",\"0x3f\",\"0x75\",\"0x78\"],\"values\":[{\"cpu\":0,\"value\":[\"0xcf\",\"0x05\",\"0x3b\",\"0x3e\",\"0x74\",\"0xaa\",\"0xad\",\"0xe3\"]},{\"cpu\":1,\"value\":[\"0xcf\",\"0x05\",\"0x3b\",\"0x3e\",\"0x74\",\"0xaa\",\"0xad\",\"0xe3\"]}]},{\"key\":[\"0xd4\",\"0x0a\",\"0x40\",\"0x43\"],\"values\":[{\"cpu\":0,\"value\":[\"0x5c\",\"0x92\",\"0xc8\",\"0xcb\",\"0x01\",\"0x37\",\"0x3a\",\"0x70\"]},{\"cpu\":1,\"value\":[\"0x5c\",\"0x92\",\"0xc8\",\"0xcb\",\"0x01\",\"0x37\",\"0x3a\",\"0x70\"]}]}]",
        },
    ];

    /// (name, layout, Some(entry) | None for a miss, miss key hex, `map lookup` stdout)
    const GOLDEN_LOOKUPS: &[Lookup] = &[
        Lookup {
            name: "array_4_8",
            layout: lay(2, 4, 8),
            entry: Some(("01000000", &["5c92c8cb01373a70"])),
            miss_key: "",
            plain: "key: 01 00 00 00  value: 5c 92 c8 cb 01 37 3a 70\n",
        },
        Lookup {
            name: "array_4_8",
            layout: lay(2, 4, 8),
            entry: Some(("04000000", &["cf053b3e74aaade3"])),
            miss_key: "",
            plain: "key: 04 00 00 00  value: cf 05 3b 3e 74 aa ad e3\n",
        },
        Lookup {
            name: "hash_12_12",
            layout: lay(1, 12, 12),
            entry: Some(("7cb2e8eb21575a90c6c9ff35", &["30669c9fd50b0e447a7db3e9"])),
            miss_key: "",
            plain: "key: 7c b2 e8 eb 21 57 5a 90  c6 c9 ff 35  value: 30 66 9c 9f d5 0b 0e 44  7a 7d b3 e9\n",
        },
        Lookup {
            name: "hash_12_12",
            layout: lay(1, 12, 12),
            entry: None,
            miss_key: "c2f82e31679da0d60c0f457b",
            plain: "key:\nc2 f8 2e 31 67 9d a0 d6  0c 0f 45 7b\n\nNot found\n",
        },
        Lookup {
            name: "hash_16_16",
            layout: lay(1, 16, 16),
            entry: Some(("5086bcbff52b2e649a9dd3090c42787b", &["043a7073a9dfe2184e5187bdc0f62c2f"])),
            miss_key: "",
            plain: "key: 50 86 bc bf f5 2b 2e 64  9a 9d d3 09 0c 42 78 7b\nvalue: 04 3a 70 73 a9 df e2 18  4e 51 87 bd c0 f6 2c 2f\n",
        },
        Lookup {
            name: "hash_16_16",
            layout: lay(1, 16, 16),
            entry: Some(("85bbf1f42a606399cfd2083e4177adb0", &["77ade3e61c52558bc1c4fa3033699fa2"])),
            miss_key: "",
            plain: "key: 85 bb f1 f4 2a 60 63 99  cf d2 08 3e 41 77 ad b0\nvalue: 77 ad e3 e6 1c 52 55 8b  c1 c4 fa 30 33 69 9f a2\n",
        },
        Lookup {
            name: "hash_16_16",
            layout: lay(1, 16, 16),
            entry: None,
            miss_key: "c2f82e31679da0d60c0f457b7eb4eaed",
            plain: "key:\nc2 f8 2e 31 67 9d a0 d6  0c 0f 45 7b 7e b4 ea ed\n\nNot found\n",
        },
        Lookup {
            name: "hash_17_3",
            layout: lay(1, 17, 3),
            entry: Some(("85bbf1f42a606399cfd2083e4177adb0e6", &["5389bf"])),
            miss_key: "",
            plain: "key:\n85 bb f1 f4 2a 60 63 99  cf d2 08 3e 41 77 ad b0\ne6\nvalue:\n53 89 bf\n",
        },
        Lookup {
            name: "hash_17_3",
            layout: lay(1, 17, 3),
            entry: Some(("baf026295f9598ce04073d7376ace2e51b", &["c6fc32"])),
            miss_key: "",
            plain: "key:\nba f0 26 29 5f 95 98 ce  04 07 3d 73 76 ac e2 e5\n1b\nvalue:\nc6 fc 32\n",
        },
        Lookup {
            name: "hash_17_3",
            layout: lay(1, 17, 3),
            entry: None,
            miss_key: "c2f82e31679da0d60c0f457b7eb4eaed23",
            plain: "key:\nc2 f8 2e 31 67 9d a0 d6  0c 0f 45 7b 7e b4 ea ed\n23\n\nNot found\n",
        },
        Lookup {
            name: "hash_1_1",
            layout: lay(1, 1, 1),
            entry: Some(("35", &["e9"])),
            miss_key: "",
            plain: "key: 35  value: e9\n",
        },
        Lookup {
            name: "hash_1_1",
            layout: lay(1, 1, 1),
            entry: Some(("6a", &["5c"])),
            miss_key: "",
            plain: "key: 6a  value: 5c\n",
        },
        Lookup {
            name: "hash_1_1",
            layout: lay(1, 1, 1),
            entry: Some(("9f", &["cf"])),
            miss_key: "",
            plain: "key: 9f  value: cf\n",
        },
        Lookup {
            name: "hash_1_1",
            layout: lay(1, 1, 1),
            entry: None,
            miss_key: "c2",
            plain: "key:\nc2\n\nNot found\n",
        },
        Lookup {
            name: "hash_20_20",
            layout: lay(1, 20, 20),
            entry: Some(("245a9093c9ff02386e71a7dde0164c4f85bbbef4", &["d80e44477db3b6ec22255b9194ca0003396f72a8"])),
            miss_key: "",
            plain: "key:\n24 5a 90 93 c9 ff 02 38  6e 71 a7 dd e0 16 4c 4f\n85 bb be f4\nvalue:\nd8 0e 44 47 7d b3 b6 ec  22 25 5b 91 94 ca 00 03\n39 6f 72 a8\n",
        },
        Lookup {
            name: "hash_20_20",
            layout: lay(1, 20, 20),
            entry: Some(("598fc5c8fe34376da3a6dc12154b8184baf0f329", &["4b81b7baf026295f9598ce04073d7376ace2e51b"])),
            miss_key: "",
            plain: "key:\n59 8f c5 c8 fe 34 37 6d  a3 a6 dc 12 15 4b 81 84\nba f0 f3 29\nvalue:\n4b 81 b7 ba f0 26 29 5f  95 98 ce 04 07 3d 73 76\nac e2 e5 1b\n",
        },
        Lookup {
            name: "hash_20_20",
            layout: lay(1, 20, 20),
            entry: None,
            miss_key: "c2f82e31679da0d60c0f457b7eb4eaed23595c92",
            plain: "key:\nc2 f8 2e 31 67 9d a0 d6  0c 0f 45 7b 7e b4 ea ed\n23 59 5c 92\n\nNot found\n",
        },
        Lookup {
            name: "hash_20_4",
            layout: lay(1, 20, 4),
            entry: Some(("245a9093c9ff02386e71a7dde0164c4f85bbbef4", &["88bef4f7"])),
            miss_key: "",
            plain: "key:\n24 5a 90 93 c9 ff 02 38  6e 71 a7 dd e0 16 4c 4f\n85 bb be f4\nvalue:\n88 be f4 f7\n",
        },
        Lookup {
            name: "hash_20_4",
            layout: lay(1, 20, 4),
            entry: Some(("598fc5c8fe34376da3a6dc12154b8184baf0f329", &["fb31676a"])),
            miss_key: "",
            plain: "key:\n59 8f c5 c8 fe 34 37 6d  a3 a6 dc 12 15 4b 81 84\nba f0 f3 29\nvalue:\nfb 31 67 6a\n",
        },
        Lookup {
            name: "hash_20_4",
            layout: lay(1, 20, 4),
            entry: None,
            miss_key: "c2f82e31679da0d60c0f457b7eb4eaed23595c92",
            plain: "key:\nc2 f8 2e 31 67 9d a0 d6  0c 0f 45 7b 7e b4 ea ed\n23 59 5c 92\n\nNot found\n",
        },
        Lookup {
            name: "hash_3_5",
            layout: lay(1, 3, 5),
            entry: Some(("9fd50b", &["bdf3292c62"])),
            miss_key: "",
            plain: "key: 9f d5 0b  value: bd f3 29 2c 62\n",
        },
        Lookup {
            name: "hash_3_5",
            layout: lay(1, 3, 5),
            entry: Some(("d40a40", &["30669c9fd5"])),
            miss_key: "",
            plain: "key: d4 0a 40  value: 30 66 9c 9f d5\n",
        },
        Lookup {
            name: "hash_3_5",
            layout: lay(1, 3, 5),
            entry: Some(("093f75", &["a3d90f1248"])),
            miss_key: "",
            plain: "key: 09 3f 75  value: a3 d9 0f 12 48\n",
        },
        Lookup {
            name: "hash_3_5",
            layout: lay(1, 3, 5),
            entry: None,
            miss_key: "c2f82e",
            plain: "key:\nc2 f8 2e\n\nNot found\n",
        },
        Lookup {
            name: "hash_40_40",
            layout: lay(1, 40, 40),
            entry: Some((
                "487eb4b7ed23265c9295cb01043a7073a9dfe2184e5187bdc0f62c2f659b9ed40a0d43797cb2e8eb",
                &["fc32686ba1d7da1046497fb5b8ee24275d9396cc02053b7174aae0e3194f5288bec1f72d30669c9f"],
            )),
            miss_key: "",
            plain: "key:\n48 7e b4 b7 ed 23 26 5c  92 95 cb 01 04 3a 70 73\na9 df e2 18 4e 51 87 bd  c0 f6 2c 2f 65 9b 9e d4\n0a 0d 43 79 7c b2 e8 eb\nvalue:\nfc 32 68 6b a1 d7 da 10  46 49 7f b5 b8 ee 24 27\n5d 93 96 cc 02 05 3b 71  74 aa e0 e3 19 4f 52 88\nbe c1 f7 2d 30 66 9c 9f\n",
        },
        Lookup {
            name: "hash_40_40",
            layout: lay(1, 40, 40),
            entry: Some((
                "7db3e9ec22585b91c7ca0036396fa5a8de14174d8386bcf2f52b61649ad0d3093f4278aeb1e71d20",
                &["6fa5dbde144a4d83b9bcf2282b61979ad006093f7578aee4e71d53568cc2c5fb31346aa0a3d90f12"],
            )),
            miss_key: "",
            plain: "key:\n7d b3 e9 ec 22 58 5b 91  c7 ca 00 36 39 6f a5 a8\nde 14 17 4d 83 86 bc f2  f5 2b 61 64 9a d0 d3 09\n3f 42 78 ae b1 e7 1d 20\nvalue:\n6f a5 db de 14 4a 4d 83  b9 bc f2 28 2b 61 97 9a\nd0 06 09 3f 75 78 ae e4  e7 1d 53 56 8c c2 c5 fb\n31 34 6a a0 a3 d9 0f 12\n",
        },
        Lookup {
            name: "hash_40_40",
            layout: lay(1, 40, 40),
            entry: None,
            miss_key: "c2f82e31679da0d60c0f457b7eb4eaed23595c92c8cb01373a70a6a9df15184e8487bdf3f62c6265",
            plain: "key:\nc2 f8 2e 31 67 9d a0 d6  0c 0f 45 7b 7e b4 ea ed\n23 59 5c 92 c8 cb 01 37  3a 70 a6 a9 df 15 18 4e\n84 87 bd f3 f6 2c 62 65\n\nNot found\n",
        },
        Lookup {
            name: "hash_4_20",
            layout: lay(1, 4, 20),
            entry: Some(("d40a4043", &["d80e44477db3b6ec22255b9194ca0003396f72a8"])),
            miss_key: "",
            plain: "key:\nd4 0a 40 43\nvalue:\nd8 0e 44 47 7d b3 b6 ec  22 25 5b 91 94 ca 00 03\n39 6f 72 a8\n",
        },
        Lookup {
            name: "hash_4_20",
            layout: lay(1, 4, 20),
            entry: Some(("093f7578", &["4b81b7baf026295f9598ce04073d7376ace2e51b"])),
            miss_key: "",
            plain: "key:\n09 3f 75 78\nvalue:\n4b 81 b7 ba f0 26 29 5f  95 98 ce 04 07 3d 73 76\nac e2 e5 1b\n",
        },
        Lookup {
            name: "hash_4_20",
            layout: lay(1, 4, 20),
            entry: None,
            miss_key: "c2f82e31",
            plain: "key:\nc2 f8 2e 31\n\nNot found\n",
        },
        Lookup {
            name: "hash_4_4",
            layout: lay(1, 4, 4),
            entry: Some(("d40a4043", &["88bef4f7"])),
            miss_key: "",
            plain: "key: d4 0a 40 43  value: 88 be f4 f7\n",
        },
        Lookup {
            name: "hash_4_4",
            layout: lay(1, 4, 4),
            entry: Some(("093f7578", &["fb31676a"])),
            miss_key: "",
            plain: "key: 09 3f 75 78  value: fb 31 67 6a\n",
        },
        Lookup {
            name: "hash_4_4",
            layout: lay(1, 4, 4),
            entry: None,
            miss_key: "c2f82e31",
            plain: "key:\nc2 f8 2e 31\n\nNot found\n",
        },
        Lookup {
            name: "hash_4_8",
            layout: lay(1, 4, 8),
            entry: Some(("d40a4043", &["5c92c8cb01373a70"])),
            miss_key: "",
            plain: "key: d4 0a 40 43  value: 5c 92 c8 cb 01 37 3a 70\n",
        },
        Lookup {
            name: "hash_4_8",
            layout: lay(1, 4, 8),
            entry: Some(("093f7578", &["cf053b3e74aaade3"])),
            miss_key: "",
            plain: "key: 09 3f 75 78  value: cf 05 3b 3e 74 aa ad e3\n",
        },
        Lookup {
            name: "hash_4_8",
            layout: lay(1, 4, 8),
            entry: Some(("3e74aaad", &["4278aeb1e71d2056"])),
            miss_key: "",
            plain: "key: 3e 74 aa ad  value: 42 78 ae b1 e7 1d 20 56\n",
        },
        Lookup {
            name: "hash_4_8",
            layout: lay(1, 4, 8),
            entry: None,
            miss_key: "c2f82e31",
            plain: "key:\nc2 f8 2e 31\n\nNot found\n",
        },
        Lookup {
            name: "hash_8_16",
            layout: lay(1, 8, 16),
            entry: Some(("a8de14174d8386bc", &["043a7073a9dfe2184e5187bdc0f62c2f"])),
            miss_key: "",
            plain: "key: a8 de 14 17 4d 83 86 bc  value: 04 3a 70 73 a9 df e2 18  4e 51 87 bd c0 f6 2c 2f\n",
        },
        Lookup {
            name: "hash_8_16",
            layout: lay(1, 8, 16),
            entry: Some(("dd13494c82b8bbf1", &["77ade3e61c52558bc1c4fa3033699fa2"])),
            miss_key: "",
            plain: "key: dd 13 49 4c 82 b8 bb f1  value: 77 ad e3 e6 1c 52 55 8b  c1 c4 fa 30 33 69 9f a2\n",
        },
        Lookup {
            name: "hash_8_16",
            layout: lay(1, 8, 16),
            entry: None,
            miss_key: "c2f82e31679da0d6",
            plain: "key:\nc2 f8 2e 31 67 9d a0 d6\n\nNot found\n",
        },
        Lookup {
            name: "hash_8_17",
            layout: lay(1, 8, 17),
            entry: Some(("a8de14174d8386bc", &["396fa5a8de14174d8386bcf2f52b61649a"])),
            miss_key: "",
            plain: "key:\na8 de 14 17 4d 83 86 bc\nvalue:\n39 6f a5 a8 de 14 17 4d  83 86 bc f2 f5 2b 61 64\n9a\n",
        },
        Lookup {
            name: "hash_8_17",
            layout: lay(1, 8, 17),
            entry: None,
            miss_key: "c2f82e31679da0d6",
            plain: "key:\nc2 f8 2e 31 67 9d a0 d6\n\nNot found\n",
        },
        Lookup {
            name: "lru_hash_4_8",
            layout: lay(9, 4, 8),
            entry: Some(("d40a4043", &["5c92c8cb01373a70"])),
            miss_key: "",
            plain: "key: d4 0a 40 43  value: 5c 92 c8 cb 01 37 3a 70\n",
        },
        Lookup {
            name: "lru_hash_4_8",
            layout: lay(9, 4, 8),
            entry: Some(("093f7578", &["cf053b3e74aaade3"])),
            miss_key: "",
            plain: "key: 09 3f 75 78  value: cf 05 3b 3e 74 aa ad e3\n",
        },
        Lookup {
            name: "lru_hash_4_8",
            layout: lay(9, 4, 8),
            entry: None,
            miss_key: "c2f82e31",
            plain: "key:\nc2 f8 2e 31\n\nNot found\n",
        },
        Lookup {
            name: "lru_percpu_hash_4_8",
            layout: lay(10, 4, 8),
            entry: Some(("d40a4043", &["5c92c8cb01373a70", "5c92c8cb01373a70"])),
            miss_key: "",
            plain: "key:\nd4 0a 40 43\nvalue (CPU 00): 5c 92 c8 cb 01 37 3a 70\nvalue (CPU 01): 5c 92 c8 cb 01 37 3a 70\n",
        },
        Lookup {
            name: "lru_percpu_hash_4_8",
            layout: lay(10, 4, 8),
            entry: None,
            miss_key: "c2f82e31",
            plain: "key:\nc2 f8 2e 31\n\nNot found\n",
        },
        Lookup {
            name: "percpu_array_4_4",
            layout: lay(6, 4, 4),
            entry: Some(("01000000", &["88bef4f7", "88bef4f7"])),
            miss_key: "",
            plain: "key:\n01 00 00 00\nvalue (CPU 00): 88 be f4 f7\nvalue (CPU 01): 88 be f4 f7\n",
        },
        Lookup {
            name: "percpu_array_4_4",
            layout: lay(6, 4, 4),
            entry: Some(("04000000", &["fb31676a", "fb31676a"])),
            miss_key: "",
            plain: "key:\n04 00 00 00\nvalue (CPU 00): fb 31 67 6a\nvalue (CPU 01): fb 31 67 6a\n",
        },
        Lookup {
            name: "percpu_hash_20_16",
            layout: lay(5, 20, 16),
            entry: Some((
                "245a9093c9ff02386e71a7dde0164c4f85bbbef4",
                &["043a7073a9dfe2184e5187bdc0f62c2f", "043a7073a9dfe2184e5187bdc0f62c2f"],
            )),
            miss_key: "",
            plain: "key:\n24 5a 90 93 c9 ff 02 38  6e 71 a7 dd e0 16 4c 4f\n85 bb be f4\nvalue (CPU 00): 04 3a 70 73 a9 df e2 18  4e 51 87 bd c0 f6 2c 2f\nvalue (CPU 01): 04 3a 70 73 a9 df e2 18  4e 51 87 bd c0 f6 2c 2f\n",
        },
        Lookup {
            name: "percpu_hash_20_16",
            layout: lay(5, 20, 16),
            entry: None,
            miss_key: "c2f82e31679da0d60c0f457b7eb4eaed23595c92",
            plain: "key:\nc2 f8 2e 31 67 9d a0 d6  0c 0f 45 7b 7e b4 ea ed\n23 59 5c 92\n\nNot found\n",
        },
        Lookup {
            name: "percpu_hash_4_17",
            layout: lay(5, 4, 17),
            entry: Some(("d40a4043", &["396fa5a8de14174d8386bcf2f52b61649a", "396fa5a8de14174d8386bcf2f52b61649a"])),
            miss_key: "",
            plain: "key:\nd4 0a 40 43\nvalue (CPU 00):\n39 6f a5 a8 de 14 17 4d  83 86 bc f2 f5 2b 61 64\n9a\nvalue (CPU 01):\n39 6f a5 a8 de 14 17 4d  83 86 bc f2 f5 2b 61 64\n9a\n",
        },
        Lookup {
            name: "percpu_hash_4_17",
            layout: lay(5, 4, 17),
            entry: None,
            miss_key: "c2f82e31",
            plain: "key:\nc2 f8 2e 31\n\nNot found\n",
        },
        Lookup {
            name: "percpu_hash_4_20",
            layout: lay(5, 4, 20),
            entry: Some((
                "d40a4043",
                &["d80e44477db3b6ec22255b9194ca0003396f72a8", "d80e44477db3b6ec22255b9194ca0003396f72a8"],
            )),
            miss_key: "",
            plain: "key:\nd4 0a 40 43\nvalue (CPU 00):\nd8 0e 44 47 7d b3 b6 ec  22 25 5b 91 94 ca 00 03\n39 6f 72 a8\nvalue (CPU 01):\nd8 0e 44 47 7d b3 b6 ec  22 25 5b 91 94 ca 00 03\n39 6f 72 a8\n",
        },
        Lookup {
            name: "percpu_hash_4_20",
            layout: lay(5, 4, 20),
            entry: Some((
                "093f7578",
                &["4b81b7baf026295f9598ce04073d7376ace2e51b", "4b81b7baf026295f9598ce04073d7376ace2e51b"],
            )),
            miss_key: "",
            plain: "key:\n09 3f 75 78\nvalue (CPU 00):\n4b 81 b7 ba f0 26 29 5f  95 98 ce 04 07 3d 73 76\nac e2 e5 1b\nvalue (CPU 01):\n4b 81 b7 ba f0 26 29 5f  95 98 ce 04 07 3d 73 76\nac e2 e5 1b\n",
        },
        Lookup {
            name: "percpu_hash_4_20",
            layout: lay(5, 4, 20),
            entry: None,
            miss_key: "c2f82e31",
            plain: "key:\nc2 f8 2e 31\n\nNot found\n",
        },
        Lookup {
            name: "percpu_hash_4_40",
            layout: lay(5, 4, 40),
            entry: Some((
                "d40a4043",
                &[
                    "fc32686ba1d7da1046497fb5b8ee24275d9396cc02053b7174aae0e3194f5288bec1f72d30669c9f",
                    "fc32686ba1d7da1046497fb5b8ee24275d9396cc02053b7174aae0e3194f5288bec1f72d30669c9f",
                ],
            )),
            miss_key: "",
            plain: "key:\nd4 0a 40 43\nvalue (CPU 00):\nfc 32 68 6b a1 d7 da 10  46 49 7f b5 b8 ee 24 27\n5d 93 96 cc 02 05 3b 71  74 aa e0 e3 19 4f 52 88\nbe c1 f7 2d 30 66 9c 9f\nvalue (CPU 01):\nfc 32 68 6b a1 d7 da 10  46 49 7f b5 b8 ee 24 27\n5d 93 96 cc 02 05 3b 71  74 aa e0 e3 19 4f 52 88\nbe c1 f7 2d 30 66 9c 9f\n",
        },
        Lookup {
            name: "percpu_hash_4_40",
            layout: lay(5, 4, 40),
            entry: None,
            miss_key: "c2f82e31",
            plain: "key:\nc2 f8 2e 31\n\nNot found\n",
        },
        Lookup {
            name: "percpu_hash_4_8",
            layout: lay(5, 4, 8),
            entry: Some(("d40a4043", &["5c92c8cb01373a70", "5c92c8cb01373a70"])),
            miss_key: "",
            plain: "key:\nd4 0a 40 43\nvalue (CPU 00): 5c 92 c8 cb 01 37 3a 70\nvalue (CPU 01): 5c 92 c8 cb 01 37 3a 70\n",
        },
        Lookup {
            name: "percpu_hash_4_8",
            layout: lay(5, 4, 8),
            entry: Some(("093f7578", &["cf053b3e74aaade3", "cf053b3e74aaade3"])),
            miss_key: "",
            plain: "key:\n09 3f 75 78\nvalue (CPU 00): cf 05 3b 3e 74 aa ad e3\nvalue (CPU 01): cf 05 3b 3e 74 aa ad e3\n",
        },
        Lookup {
            name: "percpu_hash_4_8",
            layout: lay(5, 4, 8),
            entry: None,
            miss_key: "c2f82e31",
            plain: "key:\nc2 f8 2e 31\n\nNot found\n",
        },
    ];
}
