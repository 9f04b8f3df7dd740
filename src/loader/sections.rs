//! Stage `sections` of the loader (see mod.rs).
