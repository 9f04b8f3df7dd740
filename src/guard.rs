//! The last line of defence against panics, in dependencies (aya 0.14
//! reaches `todo!()` and index panics on some malformed input) and in our
//! own loader, which checks every offset but is fuzzed to prove it. `no_panic` turns such a
//! panic into an ordinary error, so the caller's rollback guards run and the
//! user reads one sentence instead of a backtrace.
//!
//! This needs `panic = "unwind"` (the release profile keeps the default) and
//! a panic hook that stays quiet inside a guard: the default hook would print
//! "thread 'main' panicked at …" on the user's stderr before we could catch it.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::error::UserError;

thread_local! {
    /// How many guards are active on this thread; the hook is silent when > 0.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// What the last silenced panic said, with its location.
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Installs (once) the hook that records panics inside guards instead of
/// printing them; panics outside any guard still get the previous hook, so
/// tests keep their messages.
fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if DEPTH.with(Cell::get) == 0 {
                return previous(info);
            }
            let msg = payload_text(info.payload());
            let msg = match info.location() {
                Some(l) => format!("{msg} at {}:{}", short_path(l.file()), l.line()),
                None => msg,
            };
            LAST.with(|s| *s.borrow_mut() = Some(msg));
        }));
    });
}

/// `~/.cargo/registry/src/index…/aya-obj-0.3.0/src/obj.rs` → `aya-obj-0.3.0/src/obj.rs`.
fn short_path(file: &str) -> &str {
    match file.rfind("/src/") {
        Some(i) => file[..i].rfind('/').map_or(file, |j| &file[j + 1..]),
        None => file,
    }
}

fn payload_text(p: &(dyn Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// Decrements the depth even when `f` unwinds.
struct Depth;

impl Depth {
    fn enter() -> Depth {
        DEPTH.with(|d| d.set(d.get() + 1));
        Depth
    }
}

impl Drop for Depth {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Runs `f`; a panic inside becomes `Error: <what>: … (a bug in the object
/// parser)`. `what` names the step and the object, e.g. "parsing x.o".
pub fn no_panic<T>(what: &str, f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    catch(what, "the object parser", f)
}

/// Like `no_panic`, naming `culprit` as the buggy part ("bpfpin" for the
/// whole command in main).
pub fn catch<T>(what: &str, culprit: &str, f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    install_hook();
    let depth = Depth::enter();
    // AssertUnwindSafe: on a panic, nothing `f` touched is used again except
    // through Drop (rollback guards), which is what we want to run.
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    drop(depth);
    r.unwrap_or_else(|payload| {
        let msg = LAST.with(|s| s.borrow_mut().take()).unwrap_or_else(|| payload_text(&*payload));
        Err(UserError::new(
            format!("{what}: panicked with \"{msg}\" (a bug in {culprit})"),
            "nothing was left behind; please report this with the input that caused it \
             (for an object: rebuild it with `clang -O2 -g -target bpf -c` and retry)",
        )
        .into())
    })
}

/// A seeded xorshift64* for the unit-level fuzz loops in select.rs, bulk.rs
/// and btf.rs: reproducible, and no crate needed for it.
#[cfg(test)]
pub(crate) struct XorShift(u64);

#[cfg(test)]
impl XorShift {
    pub(crate) fn new(seed: u64) -> XorShift {
        XorShift(seed.max(1))
    }

    /// `default`, or BPFPIN_FUZZ_SEED mixed with it (scripts/fuzz.sh varies
    /// it for long runs; the failing seed is printed by the test).
    pub(crate) fn seeded(default: u64) -> XorShift {
        let extra = std::env::var("BPFPIN_FUZZ_SEED").ok().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        let seed = default ^ extra.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        println!("seed {seed:#x} (BPFPIN_FUZZ_SEED={extra})");
        XorShift::new(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `data` with a few bit flips, byte sets, a truncation, a splice or
    /// inserted bytes: the mutations that break text and binary parsers.
    pub(crate) fn mutate(&mut self, data: &[u8]) -> Vec<u8> {
        let mut m = data.to_vec();
        for _ in 0..1 + self.below(3) {
            let at = self.below(m.len().max(1));
            match self.below(5) {
                0 if !m.is_empty() => m[at] ^= 1 << self.below(8),
                1 if !m.is_empty() => m[at] = *self.pick(b"\0\xff\x7f\x80\"[]{},:-0x9 \n\\"),
                2 => m.truncate(at),
                3 => {
                    let from = self.below(m.len().max(1));
                    let chunk: Vec<u8> = m.iter().skip(from).take(1 + self.below(16)).copied().collect();
                    m.splice(at.min(m.len())..at.min(m.len()), chunk);
                }
                _ => {
                    let byte = self.next() as u8;
                    m.insert(at.min(m.len()), byte);
                }
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_becomes_error_and_ok_passes_through() {
        let r: anyhow::Result<u32> = no_panic("parsing x.o", || {
            let v: Vec<u32> = Vec::new();
            #[allow(clippy::indexing_slicing)]
            Ok(v[std::hint::black_box(3)])
        });
        let e = r.expect_err("a panic is an error");
        let msg = e.to_string();
        assert!(msg.starts_with("parsing x.o: panicked with \"index out of bounds"), "{msg}");
        assert!(msg.ends_with("(a bug in the object parser)"), "{msg}");
        assert!(msg.contains("guard.rs:"), "location kept: {msg}");
        assert_eq!(no_panic("x", || Ok(5)).ok(), Some(5));
        assert_eq!(DEPTH.with(Cell::get), 0);
    }

    #[test]
    fn nested_guards_and_todo() {
        let r: anyhow::Result<()> = catch("outer", "bpfpin", || no_panic("inner", || todo!()));
        let msg = r.expect_err("inner error passes out").to_string();
        assert!(msg.starts_with("inner: panicked with \"not yet implemented"), "{msg}");
    }

    #[test]
    fn registry_paths_are_shortened() {
        assert_eq!(
            short_path("/root/.cargo/registry/src/index.crates.io-1/aya-obj-0.3.0/src/obj.rs"),
            "aya-obj-0.3.0/src/obj.rs"
        );
        assert_eq!(short_path("src/guard.rs"), "src/guard.rs");
    }
}
