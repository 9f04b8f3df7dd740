//! Stage `maps` of the loader (see mod.rs).
