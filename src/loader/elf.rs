//! Stage `elf` of the loader (see mod.rs).
