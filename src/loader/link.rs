//! Stage `link` of the loader (see mod.rs).
