//! One sampling clock for the live counters (`map watch`, `net attach
//! socket`, `prog stats`): samples fall due every interval after the start
//! (no drift from the time spent drawing), and sampling ends after a count,
//! at the end of a duration, or on SIGINT/SIGTERM once the command has
//! installed `sys::signal`'s handler. Each sample carries the seconds since
//! the previous one, which the commands divide counter deltas by.

use std::io;
use std::time::{Duration, Instant};

use crate::sys::signal;

/// The longest single wait, so a stop signal is noticed within 100 ms.
const MAX_IDLE: Duration = Duration::from_millis(100);

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
    /// The last sample: the count is reached, the duration is over, or a
    /// stop signal arrived.
    pub last: bool,
}

impl Clock {
    pub fn new(interval: Duration, count: Option<u64>, duration: Option<Duration>) -> Clock {
        let start = Instant::now();
        Clock { start, last: start, interval, end: duration.map(|d| start + d), count, taken: 0, waits: 0 }
    }

    /// A sample taken at once, without waiting (`map watch` shows values
    /// before the first interval has passed).
    pub fn now(&mut self) -> Tick {
        self.tick(false)
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

    /// Sleeps until the next sample is due.
    pub fn sleep(&mut self) -> io::Result<Tick> {
        self.wait(&mut |d| {
            std::thread::sleep(d);
            Ok(())
        })
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
            last: stopped || self.count.is_some_and(|c| self.taken >= c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_and_duration_end_sampling() {
        let mut c = Clock::new(Duration::from_millis(5), Some(3), None);
        assert!(!c.now().last);
        assert!(!c.sleep().unwrap().last);
        let t = c.sleep().unwrap();
        assert_eq!(t.n, 3);
        assert!(t.last && t.secs > 0.0 && t.elapsed >= 0.01, "{t:?}");

        let mut c = Clock::new(Duration::from_secs(60), None, Some(Duration::from_millis(20)));
        let t = c.sleep().unwrap();
        assert!(t.last && t.elapsed < 1.0, "{t:?}");
    }
}
