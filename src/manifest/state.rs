//! What an apply of one manifest made, so the next one knows what it owns:
//! `<state_dir>/<manifest name>.json`. Ownership lives on disk next to the
//! host's config rather than on bpffs, because not all of it is a pin (tc
//! filters, the clsact qdisc) and because bpffs has no room for metadata.
//! `--prune` removes only what is recorded here. Written atomically (a temp
//! file renamed over the old one), under a lock held for the whole apply.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::error::UserError;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct State {
    pub manifest: String,
    pub pin_dir: String,
    pub objects: BTreeMap<String, ObjState>,
    pub attachments: BTreeMap<String, AttachState>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ObjState {
    pub sha256: String,
    /// Program name -> id of the program pinned at `<pin_dir>/<object>/<name>`.
    pub programs: BTreeMap<String, u32>,
    /// Map pins this manifest created (paths), removed by --prune with the object.
    pub maps: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AttachState {
    /// OBJECT/PROGRAM.
    pub program: String,
    pub prog_id: u32,
    pub kind: String,
    pub netns: Option<String>,
    pub dev: Option<String>,
    /// The link's pin (xdp, tcx, link kinds).
    pub link_pin: Option<String>,
    /// tc: (parent, priority, handle) of the filter.
    pub tc: Option<(u32, u16, u32)>,
    /// tc: apply added the clsact qdisc, so removing its last filter removes it.
    pub qdisc_added: bool,
}

pub fn path(state_dir: &Path, name: &str) -> PathBuf {
    state_dir.join(format!("{name}.json"))
}

pub fn read(file: &Path) -> Result<State> {
    match fs::read_to_string(file) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            UserError::new(
                format!("the state file {} is damaged: {e}", file.display()),
                "move it away: the next apply then treats what it finds as not its own",
            )
            .into()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
        Err(e) => Err(e).with_context(|| format!("reading the state file {}", file.display())),
    }
}

/// Write the whole state or nothing: a reader sees the old file or the new.
pub fn write(file: &Path, s: &State) -> Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("creating the state directory {}", dir.display()))?;
    let tmp =
        dir.join(format!(".{}.tmp-{}", file.file_name().unwrap_or_default().to_string_lossy(), std::process::id()));
    let res = (|| -> Result<()> {
        let mut f = File::create(&tmp)?;
        f.write_all(serde_json::to_string_pretty(s)?.as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        fs::rename(&tmp, file)?;
        Ok(())
    })();
    if res.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    res.with_context(|| format!("writing the state file {}", file.display()))
}

/// An exclusive lock on the manifest's state, released when dropped: two
/// applies of one manifest (a watch loop and a systemd run) take turns.
pub struct Lock(#[allow(dead_code)] File);

pub fn lock(state_dir: &Path, name: &str) -> Result<Lock> {
    fs::create_dir_all(state_dir).with_context(|| format!("creating the state directory {}", state_dir.display()))?;
    let p = state_dir.join(format!("{name}.lock"));
    let f = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&p)
        .with_context(|| format!("opening {}", p.display()))?;
    rustix::fs::flock(&f, rustix::fs::FlockOperation::LockExclusive)
        .with_context(|| format!("locking {}", p.display()))?;
    Ok(Lock(f))
}
