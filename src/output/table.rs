//! Lists as tables: framed on a terminal, bare aligned columns in a pipe so
//! `awk`/`cut` see no decoration.

use std::io::{self, Write};

use comfy_table::{ContentArrangement, Table, presets};

/// A value shown as one table row.
pub trait Row {
    fn header() -> &'static [&'static str];
    fn cells(&self) -> Vec<String>;
}

pub fn write<T: Row>(w: &mut dyn Write, rows: &[T], tty: bool) -> io::Result<()> {
    if !tty {
        return write_bare(w, rows);
    }
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(T::header().iter().map(|h| h.to_uppercase()));
    for r in rows {
        t.add_row(escaped(r));
    }
    for line in t.lines() {
        w.write_all(line.trim_end().as_bytes())?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// A row's cells with control characters escaped: names come from objects
/// and pins, and a newline or escape sequence in one must not break the
/// table or drive the terminal.
fn escaped<T: Row>(r: &T) -> Vec<String> {
    r.cells().into_iter().map(|c| crate::text::escape(&c).into_owned()).collect()
}

/// The bare layout of comfy-table's NOTHING preset (one space of padding on
/// each side of every cell, trailing blanks trimmed), written directly: for
/// `prog show` of hundreds of programs comfy-table's general layout engine
/// cost more than all the syscalls together.
fn write_bare<T: Row>(w: &mut dyn Write, rows: &[T]) -> io::Result<()> {
    let header: Vec<String> = T::header().iter().map(|h| h.to_uppercase()).collect();
    let cells: Vec<Vec<String>> = rows.iter().map(Row::cells).collect();
    write_columns(w, &header, &cells)
}

/// Bare aligned columns under a header known only at run time (the live
/// samples, whose counters come from the map); cells are escaped here.
pub fn write_columns(w: &mut dyn Write, header: &[String], cells: &[Vec<String>]) -> io::Result<()> {
    let cells: Vec<Vec<String>> =
        cells.iter().map(|r| r.iter().map(|c| crate::text::escape(c).into_owned()).collect()).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (i, c) in row.iter().enumerate() {
            if let Some(wd) = widths.get_mut(i) {
                *wd = (*wd).max(c.chars().count());
            }
        }
    }
    let mut line = String::new();
    for row in std::iter::once(header).chain(cells.iter().map(Vec::as_slice)) {
        line.clear();
        for (c, wd) in row.iter().zip(&widths) {
            line.push(' ');
            line.push_str(c);
            line.extend(std::iter::repeat_n(' ', wd - c.chars().count() + 1));
        }
        w.write_all(line.trim_end().as_bytes())?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R(u32, &'static str);
    impl Row for R {
        fn header() -> &'static [&'static str] {
            &["id", "name"]
        }
        fn cells(&self) -> Vec<String> {
            vec![self.0.to_string(), self.1.to_string()]
        }
    }

    /// The direct writer lays out exactly what comfy-table's NOTHING preset did.
    #[test]
    fn bare_layout_equals_comfy_nothing() {
        let rows = [R(7, "counter"), R(12345, "x"), R(0, "")];
        let mut fast = Vec::new();
        write_bare(&mut fast, &rows).unwrap();
        let mut t = Table::new();
        t.load_style(presets::NOTHING).set_content_arrangement(ContentArrangement::Disabled);
        t.set_header(R::header().iter().map(|h| h.to_uppercase()));
        for r in &rows {
            t.add_row(r.cells());
        }
        let comfy: String = t.lines().map(|l| format!("{}\n", l.trim_end())).collect();
        assert_eq!(String::from_utf8(fast).unwrap(), comfy);
    }

    #[test]
    fn pipe_tables_are_bare_columns() {
        let mut out = Vec::new();
        write(&mut out, &[R(7, "counter"), R(12, "x")], false).unwrap();
        let s = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["ID", "NAME"]);
        assert_eq!(lines[1].split_whitespace().collect::<Vec<_>>(), ["7", "counter"]);
        assert!(!s.contains('│') && !s.contains('-'));
    }
}
