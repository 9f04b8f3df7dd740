//! Stage `btf_fixup` of the loader (see mod.rs).
