//! The one place that knows the output mode. Commands hand typed values here;
//! this module renders them as a table, plain text or JSON, on a locked and
//! buffered stdout. JSON is one document per command, as bpftool prints it.

pub mod flat;
pub mod hexfmt;
pub mod live;
pub mod nested;
pub mod table;

use std::io::{self, BufWriter, IsTerminal, StdoutLock, Write};

use serde::Serialize;

use crate::error::UserError;

pub use table::Row;

/// Plain-text rendering of a value that is also JSON-serialisable.
pub trait Render: Serialize {
    fn plain(&self, w: &mut dyn Write) -> io::Result<()>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Plain,
    Json { pretty: bool },
}

pub struct Out {
    pub mode: Mode,
    tty: bool,
    w: Counted<BufWriter<StdoutLock<'static>>>,
}

impl Out {
    pub fn new(mode: Mode) -> Self {
        let stdout = io::stdout();
        let tty = stdout.is_terminal();
        let closed = crate::sys::startup::stdout_was_closed();
        let inner = BufWriter::with_capacity(64 * 1024, stdout.lock());
        Out { mode, tty, w: Counted { inner, bytes: 0, closed } }
    }

    pub fn is_json(&self) -> bool {
        matches!(self.mode, Mode::Json { .. })
    }

    pub fn is_tty(&self) -> bool {
        self.tty
    }

    /// Whether anything went to stdout yet: an error that follows output in
    /// JSON mode must not add a second document.
    pub fn wrote_anything(&self) -> bool {
        self.w.bytes > 0
    }

    /// Raw access for streaming renderers (dumps).
    pub fn writer(&mut self) -> &mut dyn Write {
        &mut self.w
    }

    /// One value: its plain form, or one JSON document.
    pub fn one<T: Render>(&mut self, v: &T) -> io::Result<()> {
        match self.mode {
            Mode::Plain => v.plain(&mut self.w),
            Mode::Json { pretty } => self.json_doc(v, pretty),
        }
    }

    /// A list: a table in plain mode, a JSON array otherwise.
    pub fn list<T: Row + Serialize>(&mut self, rows: &[T]) -> io::Result<()> {
        match self.mode {
            Mode::Plain => table::write(&mut self.w, rows, self.tty),
            Mode::Json { pretty } => self.json_doc(&rows, pretty),
        }
    }

    /// What `show` prints: bpftool's rule is that a selector matching exactly
    /// one object gives that object in JSON, anything else a list.
    pub fn shown<T: Row + Render + Serialize>(&mut self, rows: &[T], selected: bool) -> io::Result<()> {
        match rows {
            [only] if selected && self.is_json() => self.one(only),
            _ => self.list(rows),
        }
    }

    /// `null`, bpftool's answer in JSON mode for verbs that return nothing.
    pub fn done(&mut self) -> io::Result<()> {
        if self.is_json() {
            self.w.write_all(b"null\n")?;
        }
        Ok(())
    }

    /// A status line for people; in JSON mode it goes to stderr so stdout
    /// stays one document.
    pub fn note(&mut self, line: &str) -> io::Result<()> {
        if self.is_json() {
            crate::text::stderr_line(line);
            Ok(())
        } else {
            writeln!(self.w, "{line}")
        }
    }

    fn json_doc<T: Serialize + ?Sized>(&mut self, v: &T, pretty: bool) -> io::Result<()> {
        write_json(&mut self.w, v, pretty)?;
        self.w.write_all(b"\n")
    }

    /// Start a streamed JSON array; elements follow through `stream_item`.
    pub fn stream_begin(&mut self) -> io::Result<Stream> {
        if self.is_json() {
            self.w.write_all(b"[")?;
        }
        Ok(Stream { count: 0, depth: 1 })
    }

    pub fn stream_item<T: Serialize>(&mut self, s: &mut Stream, v: &T) -> io::Result<()> {
        let Mode::Json { pretty } = self.mode else {
            return Ok(());
        };
        if s.count > 0 {
            self.w.write_all(b",")?;
        }
        s.count += 1;
        if pretty {
            newline_indent(&mut self.w, s.depth)?;
            write_json_indented(&mut self.w, v, s.depth)
        } else {
            // `From` (not `io::Error::other`) keeps the io::ErrorKind, so a
            // closed pipe is still recognised as BrokenPipe by main.
            serde_json::to_writer(&mut self.w, v).map_err(io::Error::from)
        }
    }

    pub fn stream_end(&mut self, s: Stream) -> io::Result<()> {
        if let Mode::Json { pretty } = self.mode {
            if pretty && s.count > 0 {
                newline_indent(&mut self.w, s.depth - 1)?;
            }
            self.w.write_all(if s.depth == 1 { b"]\n" } else { b"]" })?;
        }
        Ok(())
    }

    /// Start a JSON array of groups. bpftool's `map dump` prints one when
    /// several maps match: `[{"id":..,"type":..,"name":..,"flags":..,
    /// "elements":[...]},...]`. Plain mode writes nothing here.
    pub fn group_begin(&mut self) -> io::Result<Group> {
        if self.is_json() {
            self.w.write_all(b"[")?;
        }
        Ok(Group { count: 0 })
    }

    /// Open one group: `header` (a struct, so a JSON object) with an
    /// `elements` array appended, whose items are then streamed through the
    /// returned `Stream`; close it with `group_item_end`.
    pub fn group_item_begin<H: Serialize>(&mut self, g: &mut Group, header: &H) -> io::Result<Stream> {
        let Mode::Json { pretty } = self.mode else {
            return Ok(Stream { count: 0, depth: 3 });
        };
        if g.count > 0 {
            self.w.write_all(b",")?;
        }
        g.count += 1;
        let mut buf = Vec::new();
        write_json(&mut buf, header, pretty)?;
        // Drop the closing brace (and, pretty, the newline before it) so the
        // elements array goes inside the same object.
        let open = buf
            .strip_suffix(if pretty { &b"\n}"[..] } else { &b"}"[..] })
            .ok_or_else(|| io::Error::other("group header is not a JSON object"))?;
        let has_fields = open.len() > 1;
        if pretty {
            newline_indent(&mut self.w, 1)?;
            write_reindented(&mut self.w, open, 1)?;
            self.w.write_all(if has_fields { b"," } else { b"" })?;
            newline_indent(&mut self.w, 2)?;
            self.w.write_all(b"\"elements\": [")?;
        } else {
            self.w.write_all(open)?;
            self.w.write_all(if has_fields { b",\"elements\":[" } else { b"\"elements\":[" })?;
        }
        Ok(Stream { count: 0, depth: 3 })
    }

    pub fn group_item_end(&mut self, s: Stream) -> io::Result<()> {
        let Mode::Json { pretty } = self.mode else {
            return Ok(());
        };
        self.stream_end(s)?;
        if pretty {
            newline_indent(&mut self.w, 1)?;
        }
        self.w.write_all(b"}")
    }

    pub fn group_end(&mut self, g: Group) -> io::Result<()> {
        if let Mode::Json { pretty } = self.mode {
            if pretty && g.count > 0 {
                self.w.write_all(b"\n")?;
            }
            self.w.write_all(b"]\n")?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// A JSON array being streamed; counts its elements for separators.
pub struct Stream {
    pub count: u64,
    /// Nesting level of the elements, for pretty indentation (1 = top-level array).
    depth: usize,
}

/// A JSON array of groups (see `Out::group_begin`).
pub struct Group {
    pub count: u64,
}

/// bpftool's pretty JSON indents by four spaces.
pub fn write_json<W: Write, T: Serialize + ?Sized>(w: W, v: &T, pretty: bool) -> io::Result<()> {
    if pretty {
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(w, fmt);
        v.serialize(&mut ser).map_err(io::Error::from)
    } else {
        serde_json::to_writer(w, v).map_err(io::Error::from)
    }
}

fn newline_indent<W: Write>(w: &mut W, depth: usize) -> io::Result<()> {
    w.write_all(b"\n")?;
    for _ in 0..depth {
        w.write_all(b"    ")?;
    }
    Ok(())
}

/// One pretty element nested `depth` levels inside streamed arrays.
fn write_json_indented<W: Write, T: Serialize>(w: &mut W, v: &T, depth: usize) -> io::Result<()> {
    let mut buf = Vec::new();
    write_json(&mut buf, v, true)?;
    write_reindented(w, &buf, depth)
}

/// Pretty JSON text with every line after the first indented `depth` levels.
fn write_reindented<W: Write>(w: &mut W, text: &[u8], depth: usize) -> io::Result<()> {
    for (i, line) in text.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            newline_indent(w, depth)?;
        }
        w.write_all(line)?;
    }
    Ok(())
}

/// The error document for `-j` mode, printed on stdout beside stderr's text.
#[derive(Serialize)]
pub struct ErrorView<'a> {
    pub error: &'a str,
    pub fix: &'a str,
}

/// stdout's errors as users read them. The kind is kept, so a closed pipe
/// (`| head`) is still recognised as BrokenPipe and ends quietly.
fn stdout_error(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return e;
    }
    let kind = e.kind();
    io::Error::new(
        kind,
        UserError::new(
            format!("cannot write the output to stdout: {e}"),
            "check where stdout goes (a full disk, a file that cannot grow), or send it to /dev/null",
        ),
    )
}

fn stdout_closed() -> io::Error {
    io::Error::other(UserError::new(
        "stdout is closed, so the output has nowhere to go",
        "run the command without closing stdout (`>&-`); send it to /dev/null to discard it",
    ))
}

/// stdout's writer: remembers how much passed through it, refuses a closed
/// stdout and words its errors.
struct Counted<W> {
    inner: W,
    bytes: u64,
    closed: bool,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Err(stdout_closed());
        }
        let n = self.inner.write(buf).map_err(stdout_error)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(stdout_error)
    }
}
