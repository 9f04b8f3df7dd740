//! The one sampling engine behind the live counters (`map watch`, `net
//! attach socket`, `prog stats`). A command says how to read its rows (a
//! key plus named u64 counters); the sampler owns everything else, so the
//! three behave alike: one validation of `--interval/--count/--duration`,
//! one clock, a silent baseline at the start, per-sample deltas and
//! per-second rates, counter resets, and the end on a count, a duration or
//! SIGINT/SIGTERM. It knows nothing of clap or the output writer: each
//! `Sample` goes to the command's `emit`, which hands it to
//! `output::live`.
//!
//! Samples fall due every interval after the start (no drift from the time
//! spent drawing), and each carries the seconds since the previous one,
//! which the deltas are divided by.

pub mod maps;

use std::collections::HashMap;
use std::io;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::error::UserError;
use crate::sys::{self, signal};

/// The longest single wait, so a stop signal is noticed within 100 ms.
const MAX_IDLE: Duration = Duration::from_millis(100);

/// The longest interval or duration taken: a day. Longer is a typo more
/// often than a plan, and keeps `Duration::from_secs_f64` far from overflow.
const MAX_SECS: f64 = 86_400.0;

/// When samples are taken and when sampling ends: the checked form of
/// `--interval S --count N --duration S`, the same on every live command.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    pub interval: Duration,
    pub count: Option<u64>,
    pub duration: Option<Duration>,
}

impl Plan {
    /// The one validation of the sampling options; `interval` defaults to
    /// one second.
    pub fn new(interval: Option<f64>, count: Option<u64>, duration: Option<f64>) -> Result<Plan> {
        let interval = seconds("--interval", interval.unwrap_or(1.0))?;
        let duration = duration.map(|d| seconds("--duration", d)).transpose()?;
        if count == Some(0) {
            bail!(UserError::new(
                "--count 0 would take no sample",
                "give --count 1 or more, or leave it out to sample until Ctrl-C"
            ));
        }
        Ok(Plan { interval, count, duration })
    }

    /// Whether only a signal ends sampling.
    pub fn endless(&self) -> bool {
        self.count.is_none() && self.duration.is_none()
    }

    /// "every 1s until Ctrl-C", "every 0.2s, 2 samples", "every 1s for 10s".
    pub fn describe(&self) -> String {
        let every = format!("every {}s", self.interval.as_secs_f64());
        match (self.count, self.duration) {
            (None, None) => format!("{every} until Ctrl-C"),
            (Some(1), None) => format!("one sample after {}s", self.interval.as_secs_f64()),
            (Some(n), None) => format!("{every}, {n} samples"),
            (None, Some(d)) => format!("{every} for {}s", d.as_secs_f64()),
            (Some(n), Some(d)) => format!("{every}, {n} samples at most, for {}s at most", d.as_secs_f64()),
        }
    }
}

fn seconds(flag: &str, s: f64) -> Result<Duration> {
    if !s.is_finite() || s <= 0.0 || s > MAX_SECS {
        bail!(UserError::new(
            format!("{flag} {s} is not a number of seconds above 0 and at most 86400"),
            format!("give e.g. `{flag} 1` or `{flag} 0.5`"),
        ));
    }
    Ok(Duration::from_secs_f64(s))
}

/// When samples are due and when sampling ends.
pub struct Clock {
    start: Instant,
    last: Instant,
    interval: Duration,
    end: Option<Instant>,
    count: Option<u64>,
    taken: u64,
    waits: u32,
}

/// The timing of one sample.
#[derive(Debug, Clone, Copy)]
pub struct Tick {
    /// 1 for the first sample.
    pub n: u64,
    /// Seconds since the clock started.
    pub elapsed: f64,
    /// Seconds since the previous sample (since the start, for the first).
    pub secs: f64,
    /// Wall-clock time of the sample, in seconds since the Unix epoch.
    pub wall: f64,
    /// The last sample: the count is reached, the duration is over, or a
    /// stop signal arrived.
    pub last: bool,
}

impl Clock {
    pub fn new(plan: &Plan) -> Clock {
        let start = Instant::now();
        Clock {
            start,
            last: start,
            interval: plan.interval,
            end: plan.duration.map(|d| start + d),
            count: plan.count,
            taken: 0,
            waits: 0,
        }
    }

    /// Waits until the next sample is due: `interval` after the previous
    /// due time, or earlier when the duration ends or a stop signal arrives.
    /// `idle(timeout)` runs while waiting (a sleep, or draining a socket).
    pub fn wait(&mut self, idle: &mut dyn FnMut(Duration) -> io::Result<()>) -> io::Result<Tick> {
        self.waits = self.waits.saturating_add(1);
        let due = self.start + self.interval.saturating_mul(self.waits);
        let stop_at = self.end.map_or(due, |e| e.min(due));
        loop {
            let now = Instant::now();
            if signal::stop_requested() || self.end.is_some_and(|e| now >= e) {
                return Ok(self.tick(true));
            }
            if now >= stop_at {
                return Ok(self.tick(false));
            }
            idle((stop_at - now).min(MAX_IDLE))?;
        }
    }

    fn tick(&mut self, stopped: bool) -> Tick {
        let now = Instant::now();
        self.taken += 1;
        let secs = (now - self.last).as_secs_f64();
        self.last = now;
        Tick {
            n: self.taken,
            elapsed: (now - self.start).as_secs_f64(),
            secs,
            wall: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64()),
            last: stopped || self.count.is_some_and(|c| self.taken >= c),
        }
    }
}

/// One cell of a row's key: its JSON value and its text for the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub json: Value,
    pub text: String,
}

impl Cell {
    pub fn num(n: impl Into<u64>) -> Cell {
        let n = n.into();
        Cell { json: Value::from(n), text: n.to_string() }
    }

    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        Cell { json: Value::from(s.clone()), text: s }
    }
}

/// What a command reads once per sample: one cell per key column, and the
/// counters under that key, in the order they are shown.
#[derive(Debug, Clone)]
pub struct Row {
    pub key: Vec<Cell>,
    pub counters: Vec<(String, u64)>,
}

/// A counter with its change over the sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Counter {
    pub name: String,
    pub total: u64,
    pub delta: u64,
    /// `delta` per second of the sample's interval.
    pub rate: f64,
}

/// A row of a sample: its key, counters, and ratios (None when the
/// denominator did not move).
#[derive(Debug, Clone)]
pub struct SampleRow {
    pub key: Vec<Cell>,
    pub counters: Vec<Counter>,
    pub ratios: Vec<(&'static str, Option<f64>)>,
}

/// One sample, as every live command prints it.
#[derive(Debug, Clone)]
pub struct Sample {
    /// 1 for the first.
    pub n: u64,
    /// Seconds since the Unix epoch.
    pub time: f64,
    /// `time` in local time, for people.
    pub local: Option<sys::LocalTime>,
    /// Seconds since the previous sample (the start, for the first).
    pub interval: f64,
    /// Seconds since sampling started.
    pub elapsed: f64,
    /// The names of the key columns.
    pub keys: Vec<&'static str>,
    /// The names of the ratio columns.
    pub ratio_names: Vec<&'static str>,
    pub rows: Vec<SampleRow>,
    pub last: bool,
}

/// A column computed from two counters' deltas (`avg_ns` = run time per
/// run), where a rate alone would not say it.
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    pub name: &'static str,
    pub num: &'static str,
    pub den: &'static str,
}

/// Turns successive readings into samples: remembers every key's totals
/// from the previous reading.
pub struct Sampler {
    keys: Vec<&'static str>,
    ratios: Vec<Ratio>,
    prev: HashMap<String, Vec<(String, u64)>>,
}

impl Sampler {
    pub fn new(keys: &[&'static str], ratios: &[Ratio]) -> Sampler {
        Sampler { keys: keys.to_vec(), ratios: ratios.to_vec(), prev: HashMap::new() }
    }

    /// Samples until the plan's end or a stop signal: `read` gives the rows
    /// (first once at the start, as the silent baseline of the first
    /// deltas), `idle` runs while waiting, `emit` shows each sample.
    pub fn run(
        &mut self,
        plan: &Plan,
        read: &mut dyn FnMut() -> Result<Vec<Row>>,
        idle: &mut dyn FnMut(Duration) -> io::Result<()>,
        emit: &mut dyn FnMut(&Sample) -> Result<()>,
    ) -> Result<()> {
        signal::catch_stop_signals().context("installing the Ctrl-C handler")?;
        let mut clock = Clock::new(plan);
        let baseline = read()?;
        self.remember(&baseline);
        loop {
            let tick = clock.wait(idle).context("waiting for the next sample")?;
            let rows = read()?;
            let sample = self.take(rows, &tick);
            emit(&sample)?;
            if sample.last {
                return Ok(());
            }
        }
    }

    fn remember(&mut self, rows: &[Row]) {
        self.prev = rows.iter().map(|r| (identity(&r.key), r.counters.clone())).collect();
    }

    /// The sample of `rows` against the previous reading. A key not seen
    /// before counts from 0 (counters start there), and a counter that went
    /// down was reset, so its delta is what it counted since.
    pub fn take(&mut self, rows: Vec<Row>, tick: &Tick) -> Sample {
        let secs = tick.secs.max(1e-6);
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let before = self.prev.get(&identity(&r.key));
            let counters: Vec<Counter> = r
                .counters
                .iter()
                .map(|(name, total)| {
                    let old = before.and_then(|b| b.iter().find(|(n, _)| n == name)).map_or(0, |(_, v)| *v);
                    let delta = if *total >= old { total - old } else { *total };
                    Counter { name: name.clone(), total: *total, delta, rate: delta as f64 / secs }
                })
                .collect();
            let ratios = self
                .ratios
                .iter()
                .map(|q| {
                    let d = |n: &str| counters.iter().find(|c| c.name == n).map(|c| c.delta);
                    let v = match (d(q.num), d(q.den)) {
                        (Some(a), Some(b)) if b > 0 => Some(a as f64 / b as f64),
                        _ => None,
                    };
                    (q.name, v)
                })
                .collect();
            out.push(SampleRow { key: r.key.clone(), counters, ratios });
        }
        self.remember(&rows);
        Sample {
            n: tick.n,
            time: tick.wall,
            local: sys::local_time(tick.wall as i64),
            interval: tick.secs,
            elapsed: tick.elapsed,
            keys: self.keys.clone(),
            ratio_names: self.ratios.iter().map(|q| q.name).collect(),
            rows: out,
            last: tick.last,
        }
    }
}

/// A row's identity across samples: its key cells' text, joined by a
/// character no key text holds.
fn identity(key: &[Cell]) -> String {
    key.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join("\u{1f}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_and_duration_end_sampling() {
        let plan = Plan::new(Some(0.005), Some(3), None).unwrap();
        let mut c = Clock::new(&plan);
        let mut sleep = |d: Duration| {
            std::thread::sleep(d);
            Ok(())
        };
        assert!(!c.wait(&mut sleep).unwrap().last);
        assert!(!c.wait(&mut sleep).unwrap().last);
        let t = c.wait(&mut sleep).unwrap();
        assert_eq!(t.n, 3);
        assert!(t.last && t.secs > 0.0 && t.elapsed >= 0.015 && t.wall > 1e9, "{t:?}");

        let plan = Plan::new(Some(60.0), None, Some(0.02)).unwrap();
        let mut c = Clock::new(&plan);
        let t = c.wait(&mut sleep).unwrap();
        assert!(t.last && t.elapsed < 1.0, "{t:?}");
    }

    #[test]
    fn options_are_checked_once_here() {
        assert_eq!(Plan::new(None, None, None).unwrap().interval, Duration::from_secs(1));
        assert!(Plan::new(None, None, None).unwrap().endless());
        for (i, c, d, flag) in [
            (Some(0.0), None, None, "--interval"),
            (Some(f64::NAN), None, None, "--interval"),
            (Some(100_000.0), None, None, "--interval"),
            (None, Some(0), None, "--count"),
            (None, None, Some(-1.0), "--duration"),
        ] {
            let e = Plan::new(i, c, d).unwrap_err();
            assert!(e.to_string().contains(flag), "{e}");
            assert!(e.downcast_ref::<UserError>().is_some());
        }
        assert_eq!(Plan::new(Some(0.5), Some(2), None).unwrap().describe(), "every 0.5s, 2 samples");
    }

    fn row(key: u64, counters: &[(&str, u64)]) -> Row {
        Row { key: vec![Cell::num(key)], counters: counters.iter().map(|(n, v)| (n.to_string(), *v)).collect() }
    }

    fn tick(secs: f64) -> Tick {
        Tick { n: 1, elapsed: secs, secs, wall: 0.0, last: false }
    }

    #[test]
    fn deltas_rates_resets_and_ratios() {
        let mut s = Sampler::new(&["key"], &[Ratio { name: "avg", num: "ns", den: "runs" }]);
        s.remember(&[row(1, &[("runs", 10), ("ns", 1000)]), row(2, &[("runs", 50), ("ns", 0)])]);
        let got = s.take(
            vec![
                row(1, &[("runs", 14), ("ns", 1400)]),
                row(2, &[("runs", 5), ("ns", 0)]),
                row(3, &[("runs", 2), ("ns", 0)]),
            ],
            &tick(2.0),
        );
        let c = &got.rows[0].counters[0];
        assert_eq!((c.total, c.delta, c.rate), (14, 4, 2.0));
        assert_eq!(got.rows[0].ratios, vec![("avg", Some(100.0))]);
        // Went down: reset, counted 5 since.
        assert_eq!(got.rows[1].counters[0].delta, 5);
        // New key: from 0.
        assert_eq!(got.rows[2].counters[0].delta, 2);
        let idle = s.take(vec![row(1, &[("runs", 14), ("ns", 1400)])], &tick(1.0));
        assert_eq!(idle.rows[0].ratios, vec![("avg", None)]);
        assert_eq!(idle.rows[0].counters[0].rate, 0.0);
    }
}
