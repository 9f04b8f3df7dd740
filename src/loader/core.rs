//! Stage `core` of the loader (see mod.rs).
