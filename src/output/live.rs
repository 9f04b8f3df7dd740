//! The one renderer of live samples (`map watch`, `net attach socket`,
//! `prog stats`), so all three print the same shape.
//!
//! Plain: a header line per sample (`11:30:03  sample 2  interval 1.00s
//! elapsed 2.00s`), then a table: the key column(s), and for every counter
//! its total and its rate per second (`PACKETS  PACKETS/S`), then any ratio
//! column. On a terminal each sample replaces the previous one in place; in
//! a pipe the samples follow one another, a blank line apart, with no
//! escape sequences.
//!
//! `-j`: one JSON object per line per sample (JSON lines, compact even with
//! `-p`, so `jq -c`/`while read` see one sample a line):
//! `{"sample":2,"time":1764588603.123,"interval":1.0,"elapsed":2.0,
//! "rows":[{"key":0,"total":{"packets":12},"delta":{"packets":3},
//! "rate":{"packets":3.0}}]}`; a row carries its key columns by name, and
//! `ratio` where the command has one (`prog stats`: `avg_ns`). `time` is
//! seconds since the epoch, as bpftool's `loaded_at` is.

use std::io::{self, Write};

use serde_json::{Map, Value};

use super::{Out, table};
use crate::sampler::Sample;

/// Draws samples; remembers how many lines the last one took on a terminal.
#[derive(Default)]
pub struct Live {
    drawn: usize,
}

impl Live {
    pub fn new() -> Live {
        Live::default()
    }

    /// What is sampled and how, once before the first sample: on stdout in
    /// plain mode, on stderr with -j so stdout holds only samples.
    pub fn head(&mut self, out: &mut Out, line: &str) -> io::Result<()> {
        out.note(line)?;
        out.flush()
    }

    pub fn sample(&mut self, out: &mut Out, s: &Sample) -> io::Result<()> {
        if out.is_json() {
            let w = out.writer();
            serde_json::to_writer(&mut *w, &json(s)).map_err(io::Error::from)?;
            w.write_all(b"\n")?;
            return out.flush();
        }
        let mut text = Vec::new();
        plain(&mut text, s)?;
        let tty = out.is_tty();
        let w = out.writer();
        if tty {
            if self.drawn > 0 {
                write!(w, "\x1b[{}A\x1b[J", self.drawn)?;
            }
            self.drawn = text.iter().filter(|b| **b == b'\n').count();
        } else if s.n > 1 {
            w.write_all(b"\n")?;
        }
        w.write_all(&text)?;
        out.flush()
    }
}

/// Three decimals: enough for rates and times, and short lines.
fn round3(x: f64) -> Value {
    Value::from((x * 1000.0).round() / 1000.0)
}

fn json(s: &Sample) -> Value {
    let rows: Vec<Value> = s
        .rows
        .iter()
        .map(|r| {
            let mut o = Map::new();
            for (name, cell) in s.keys.iter().zip(&r.key) {
                o.insert((*name).to_string(), cell.json.clone());
            }
            let each = |f: &dyn Fn(&crate::sampler::Counter) -> Value| {
                Value::Object(r.counters.iter().map(|c| (c.name.clone(), f(c))).collect())
            };
            o.insert("total".into(), each(&|c| Value::from(c.total)));
            o.insert("delta".into(), each(&|c| Value::from(c.delta)));
            o.insert("rate".into(), each(&|c| round3(c.rate)));
            if !r.ratios.is_empty() {
                let ratios = r.ratios.iter().map(|(n, v)| ((*n).to_string(), v.map_or(Value::Null, round3)));
                o.insert("ratio".into(), Value::Object(ratios.collect()));
            }
            Value::Object(o)
        })
        .collect();
    let mut m = Map::new();
    m.insert("sample".into(), Value::from(s.n));
    m.insert("time".into(), round3(s.time));
    m.insert("interval".into(), round3(s.interval));
    m.insert("elapsed".into(), round3(s.elapsed));
    m.insert("rows".into(), Value::Array(rows));
    Value::Object(m)
}

fn plain(w: &mut dyn Write, s: &Sample) -> io::Result<()> {
    let when = match &s.local {
        Some(t) => format!("{:02}:{:02}:{:02}", t.hour, t.min, t.sec),
        None => format!("{:.0}", s.time),
    };
    writeln!(w, "{when}  sample {}  interval {:.2}s  elapsed {:.2}s", s.n, s.interval, s.elapsed)?;
    if s.rows.is_empty() {
        return writeln!(w, " (nothing to show)");
    }
    // Counters in the order they first appear: rows of one map share
    // theirs, and several maps' rows show each counter once.
    let mut names: Vec<&str> = Vec::new();
    for r in &s.rows {
        for c in &r.counters {
            if !names.contains(&c.name.as_str()) {
                names.push(&c.name);
            }
        }
    }
    let mut header: Vec<String> = s.keys.iter().map(|k| k.to_uppercase()).collect();
    for n in &names {
        header.push(n.to_uppercase());
        header.push(format!("{}/S", n.to_uppercase()));
    }
    header.extend(s.ratio_names.iter().map(|n| n.to_uppercase()));
    let cells: Vec<Vec<String>> = s
        .rows
        .iter()
        .map(|r| {
            let mut row: Vec<String> = r.key.iter().map(|c| c.text.clone()).collect();
            for n in &names {
                match r.counters.iter().find(|c| c.name == *n) {
                    Some(c) => {
                        row.push(c.total.to_string());
                        row.push(format!("{:.1}", c.rate));
                    }
                    None => row.extend(["-".to_string(), "-".to_string()]),
                }
            }
            row.extend(r.ratios.iter().map(|(_, v)| v.map_or_else(|| "-".to_string(), |v| format!("{v:.0}"))));
            row
        })
        .collect();
    table::write_columns(w, &header, &cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sampler::{Cell, Counter, SampleRow};

    fn sample(ratio: bool) -> Sample {
        let c = |name: &str, total, delta, rate| Counter { name: name.into(), total, delta, rate };
        Sample {
            n: 2,
            time: 1_764_588_603.123_4,
            local: None,
            interval: 0.5,
            elapsed: 1.0,
            keys: vec!["map", "key"],
            ratio_names: if ratio { vec!["avg_ns"] } else { vec![] },
            rows: vec![SampleRow {
                key: vec![Cell::text("stats"), Cell::num(1u64)],
                counters: vec![c("packets", 12, 3, 6.0), c("bytes", 1000, 500, 1000.0)],
                ratios: if ratio { vec![("avg_ns", Some(166.67))] } else { vec![] },
            }],
            last: false,
        }
    }

    #[test]
    fn one_json_shape() {
        let v = json(&sample(false));
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["sample", "time", "interval", "elapsed", "rows"]);
        assert_eq!(
            v["rows"][0],
            serde_json::json!({"map": "stats", "key": 1, "total": {"packets": 12, "bytes": 1000},
                "delta": {"packets": 3, "bytes": 500}, "rate": {"packets": 6.0, "bytes": 1000.0}})
        );
        assert_eq!(v["time"], 1_764_588_603.123);
        assert_eq!(json(&sample(true))["rows"][0]["ratio"]["avg_ns"], 166.67);
    }

    #[test]
    fn plain_totals_and_rates() {
        let mut out = Vec::new();
        plain(&mut out, &sample(true)).unwrap();
        let s = String::from_utf8(out).unwrap();
        let lines: Vec<Vec<&str>> = s.lines().map(|l| l.split_whitespace().collect()).collect();
        assert_eq!(lines[0], ["1764588603", "sample", "2", "interval", "0.50s", "elapsed", "1.00s"]);
        assert_eq!(lines[1], ["MAP", "KEY", "PACKETS", "PACKETS/S", "BYTES", "BYTES/S", "AVG_NS"]);
        assert_eq!(lines[2], ["stats", "1", "12", "6.0", "1000", "1000.0", "167"]);
    }
}
