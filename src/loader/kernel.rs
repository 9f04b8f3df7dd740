//! Stage `kernel` of the loader (see mod.rs).
