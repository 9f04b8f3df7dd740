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
    let mut t = Table::new();
    if tty {
        t.load_style(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        t.load_style(presets::NOTHING).set_content_arrangement(ContentArrangement::Disabled);
    }
    t.set_header(T::header().iter().map(|h| h.to_uppercase()));
    for r in rows {
        t.add_row(r.cells());
    }
    for line in t.lines() {
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
