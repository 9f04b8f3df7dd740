//! Stage `externs` of the loader (see mod.rs).
