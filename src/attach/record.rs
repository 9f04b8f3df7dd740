//! The ELF section each program bpfpin loads came from, kept for
//! `link attach` without TARGET. The kernel keeps no section name, so the
//! loader writes one file per program in /run/bpfpin/sections (tmpfs: it
//! lives as long as the boot, as program ids do). A record names the
//! program's id and tag, so a reused id never gets another program's
//! section.
//!
//! The directory is root's and 0700, opened component by component with
//! O_NOFOLLOW, and every file is opened relative to it with O_NOFOLLOW: a
//! symlink planted in /run cannot make bpfpin write elsewhere or read a
//! section someone else chose.

use std::io::{Read, Write};
use std::os::fd::OwnedFd;

use rustix::fs::{self as rfs, Mode, OFlags};

use crate::sys;

const PARENT: &str = "/run";
const PATH: [&str; 2] = ["bpfpin", "sections"];
/// A record is a few short lines; anything longer is not one of ours.
const MAX_RECORD: u64 = 4096;

/// Records each program's section (a command's programs, all at once).
/// Best effort: a program without a record only needs its target named.
pub fn save(records: &[(sys::ProgInfo, &str)]) {
    let _ = try_save(records);
}

/// The recorded section of the program, if bpfpin loaded it.
pub fn section(info: &sys::ProgInfo) -> Option<String> {
    let dir = open_dir(false).ok()?;
    let f =
        rfs::openat(&dir, info.info.id.to_string(), OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC, Mode::empty())
            .ok()?;
    let st = rfs::fstat(&f).ok()?;
    if st.st_uid != 0 || (st.st_mode & 0o022) != 0 {
        return None;
    }
    let mut text = String::new();
    std::fs::File::from(f).take(MAX_RECORD).read_to_string(&mut text).ok()?;
    let (id, tag, section) = parse(&text)?;
    (id == info.info.id && tag == hex::encode(info.info.tag)).then_some(section)
}

fn try_save(records: &[(sys::ProgInfo, &str)]) -> std::io::Result<()> {
    if records.is_empty() {
        return Ok(());
    }
    let dir = open_dir(true)?;
    // Once per command, not per program: a loadall of many programs would
    // otherwise look at every record once for each of them.
    prune(&dir);
    for (info, section) in records {
        write_one(&dir, info, section)?;
    }
    Ok(())
}

fn write_one(dir: &OwnedFd, info: &sys::ProgInfo, section: &str) -> std::io::Result<()> {
    let id = info.info.id.to_string();
    let tmp = format!(".{id}.{}", std::process::id());
    let f = rfs::openat(
        dir,
        tmp.as_str(),
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )?;
    let text = format!("id {}\ntag {}\nsection {section}\n", info.info.id, hex::encode(info.info.tag));
    let written = std::fs::File::from(f).write_all(text.as_bytes());
    let moved = written.and_then(|()| Ok(rfs::renameat(dir, tmp.as_str(), dir, id.as_str())?));
    if moved.is_err() {
        let _ = rfs::unlinkat(dir, tmp.as_str(), rfs::AtFlags::empty());
    }
    moved
}

/// `id N`, `tag HEX`, `section S` (S is the rest of its line).
fn parse(text: &str) -> Option<(u32, String, String)> {
    let mut lines = text.lines();
    let id = lines.next()?.strip_prefix("id ")?.parse().ok()?;
    let tag = lines.next()?.strip_prefix("tag ")?.to_string();
    let section = lines.next()?.strip_prefix("section ")?.to_string();
    (!section.is_empty()).then_some((id, tag, section))
}

/// /run/bpfpin/sections, made (root, 0700) when `create`. Refuses a
/// directory that is not root's or that others may write.
fn open_dir(create: bool) -> std::io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let mut dir = rfs::open(PARENT, flags, Mode::empty())?;
    for name in PATH {
        if create {
            match rfs::mkdirat(&dir, name, Mode::from_raw_mode(0o700)) {
                Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                Err(e) => return Err(e.into()),
            }
        }
        dir = rfs::openat(&dir, name, flags, Mode::empty())?;
        let st = rfs::fstat(&dir)?;
        if st.st_uid != 0 || (st.st_mode & 0o022) != 0 {
            return Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        }
    }
    Ok(dir)
}

/// Drops the records of programs that no longer exist, so the directory
/// holds at most one file per live program.
fn prune(dir: &OwnedFd) {
    let Ok(d) = rfs::Dir::read_from(dir) else { return };
    for e in d.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(id) = name.parse::<u32>() else { continue };
        if let Err(err) = sys::get_fd_by_id(sys::Kind::Prog, id)
            && err.errno() == Some(libc::ENOENT)
        {
            let _ = rfs::unlinkat(dir, name.as_str(), rfs::AtFlags::empty());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_parse() {
        let (id, tag, s) = parse("id 7\ntag 0011\nsection tracepoint/syscalls/sys_enter_getpid\n").unwrap();
        assert_eq!((id, tag.as_str(), s.as_str()), (7, "0011", "tracepoint/syscalls/sys_enter_getpid"));
        assert!(parse("id x\ntag 00\nsection a\n").is_none());
        assert!(parse("id 1\ntag 00\nsection \n").is_none());
        assert!(parse("").is_none());
    }
}
