//! The plan: the manifest compared with the state file and the host. Read
//! only; `exec` carries it out and `diff` prints it.

use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use serde::Serialize;

use crate::error::UserError;
use crate::hooks::{self, netns, tc};
use crate::kinds::ObjKind;
use crate::manifest::fields::bad;
use crate::manifest::state::{AttachState, State};
use crate::manifest::{self, AttachSpec, Hook, Manifest, ObjectSpec, sha256};
use crate::output::Row;
use crate::pins;
use crate::sys::{self, Kind};

/// One line of the plan, as `diff` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub action: &'static str,
    pub kind: &'static str,
    pub name: String,
    pub detail: String,
}

impl Row for Action {
    fn header() -> &'static [&'static str] {
        &["action", "kind", "name", "detail"]
    }
    fn cells(&self) -> Vec<String> {
        vec![self.action.into(), self.kind.into(), self.name.clone(), self.detail.clone()]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Unchanged,
    /// Load (absent, or its pins are gone).
    Create,
    /// Load the new build and swap it in.
    Replace,
    /// Pin again the programs whose pins were removed (they still run).
    Repin,
}

pub struct ObjPlan {
    pub spec: ObjectSpec,
    pub sha: String,
    pub programs: Vec<String>,
    pub op: Op,
    pub why: String,
}

impl ObjPlan {
    pub fn dir(&self, pin_dir: &Path) -> PathBuf {
        pin_dir.join(&self.spec.name)
    }
}

/// What holds the attachment now.
pub enum Current {
    Absent,
    /// A link pinned at our path, running `prog_id` (`attached` false: the
    /// link survives its hook, e.g. after `net detach`).
    Link {
        fd: OwnedFd,
        prog_id: u32,
        attached: bool,
    },
    /// A tc filter at our priority/handle.
    Filter {
        prog_id: u32,
    },
}

pub struct AttPlan {
    pub spec: AttachSpec,
    pub ifindex: u32,
    pub link_pin: PathBuf,
    pub current: Current,
    pub op: Op,
    pub why: String,
}

pub struct Plan {
    pub manifest: Manifest,
    pub state: State,
    pub objects: Vec<ObjPlan>,
    pub attach: Vec<AttPlan>,
    /// Recorded by an earlier apply, no longer in the manifest.
    pub gone_attach: Vec<(String, AttachState)>,
    pub gone_objects: Vec<String>,
}

impl Plan {
    pub fn actions(&self, prune: bool) -> Vec<Action> {
        let mut v = Vec::new();
        for o in &self.objects {
            let action = match o.op {
                Op::Unchanged => "unchanged",
                Op::Create => "create",
                Op::Replace => "replace",
                Op::Repin => "repin",
            };
            v.push(Action { action, kind: "object", name: o.spec.name.clone(), detail: o.why.clone() });
        }
        for a in &self.attach {
            let action = match a.op {
                Op::Unchanged => "unchanged",
                Op::Create => "attach",
                Op::Replace | Op::Repin => "replace",
            };
            v.push(Action { action, kind: "attachment", name: a.spec.key(), detail: a.why.clone() });
        }
        for (key, st) in &self.gone_attach {
            let (action, detail) = if prune {
                ("detach", format!("{} (no longer in the manifest)", st.program))
            } else {
                ("keep", format!("{} (no longer in the manifest; --prune detaches it)", st.program))
            };
            v.push(Action { action, kind: "attachment", name: key.clone(), detail });
        }
        for name in &self.gone_objects {
            let (action, detail) = if prune {
                ("remove", "no longer in the manifest".to_string())
            } else {
                ("keep", "no longer in the manifest; --prune removes it".to_string())
            };
            v.push(Action { action, kind: "object", name: name.clone(), detail });
        }
        v
    }

    /// Whether carrying the plan out changes the host.
    pub fn changes(&self, prune: bool) -> bool {
        self.actions(prune).iter().any(|a| !matches!(a.action, "unchanged" | "keep"))
    }
}

/// The largest object read (as `prog load`).
const MAX_OBJECT: u64 = 128 << 20;

fn read_object(o: &ObjectSpec, field: &str) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(&o.path)
        .map_err(|e| bad(&format!("{field}.path"), format!("cannot read {}: {e}", o.path.display())))?;
    if !meta.is_file() || meta.len() > MAX_OBJECT {
        return Err(bad(&format!("{field}.path"), format!("{} is not a BPF object file", o.path.display())));
    }
    std::fs::read(&o.path).map_err(|e| bad(&format!("{field}.path"), format!("cannot read {}: {e}", o.path.display())))
}

pub fn make(manifest: Manifest, state: State) -> Result<Plan> {
    let mut objects = Vec::new();
    for (i, spec) in manifest.objects.iter().enumerate() {
        objects.push(object(&manifest, &state, spec, &format!("object[{i}]"))?);
    }
    let mut attach = Vec::new();
    for spec in &manifest.attach {
        let o = objects.iter().find(|o| o.spec.name == spec.object).expect("checked by the manifest parser");
        if !o.programs.contains(&spec.program) {
            return Err(bad(
                &format!("{}.program", spec.field),
                format!(
                    "object `{}` has no program `{}` (it has: {})",
                    o.spec.name,
                    spec.program,
                    o.programs.join(", ")
                ),
            ));
        }
        attach.push(attachment(&manifest, &state, spec, o)?);
    }
    let keys: Vec<String> = manifest.attach.iter().map(AttachSpec::key).collect();
    let gone_attach =
        state.attachments.iter().filter(|(k, _)| !keys.contains(k)).map(|(k, s)| (k.clone(), s.clone())).collect();
    let gone_objects =
        state.objects.keys().filter(|k| !manifest.objects.iter().any(|o| &o.name == *k)).cloned().collect();
    Ok(Plan { manifest, state, objects, attach, gone_attach, gone_objects })
}

fn object(m: &Manifest, state: &State, spec: &ObjectSpec, field: &str) -> Result<ObjPlan> {
    let data = read_object(spec, field)?;
    let sha = sha256::hex(&data);
    if let Some(want) = &spec.sha256
        && *want != sha
    {
        return Err(bad(&format!("{field}.sha256"), format!("{} has sha256 {sha}, not {want}", spec.path.display())));
    }
    let obj_name = crate::loader::maps::object_name(&spec.path);
    let parsed = crate::guard::no_panic(&format!("parsing {}", spec.path.display()), || {
        crate::loader::Object::parse(&data, &obj_name, None)
    })
    .map_err(|e| {
        bad(&format!("{field}.path"), format!("{} is not a loadable BPF object: {e:#}", spec.path.display()))
    })?;
    let programs: Vec<String> = parsed.programs.iter().map(|p| p.name.clone()).collect();
    let dir = m.pin_dir.join(&spec.name);
    let (op, why) = match state.objects.get(&spec.name) {
        None => {
            if dir.exists() {
                bail!(UserError::new(
                    format!("{field}: {} exists but no earlier apply of `{}` made it", dir.display(), m.name),
                    "remove it (`bpfpin prog rm -r DIR`) or give the object another `name`",
                ));
            }
            (Op::Create, format!("load {} ({} program(s))", spec.path.display(), programs.len()))
        }
        Some(st) if st.sha256 != sha => {
            (Op::Replace, format!("{} changed (sha256 {} -> {})", spec.path.display(), &st.sha256[..12], &sha[..12]))
        }
        Some(st) => {
            let missing: Vec<&String> = st
                .programs
                .iter()
                .filter(|(p, id)| {
                    let path = dir.join(pins::pin_name(p));
                    pins::open(&path, ObjKind::Prog)
                        .ok()
                        .and_then(|fd| pins::identify(fd.as_fd()))
                        .is_none_or(|(_, got)| got != **id)
                })
                .map(|(p, _)| p)
                .collect();
            let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            let alive = st.programs.iter().all(|(_, id)| sys::get_fd_by_id(Kind::Prog, *id).is_ok());
            if missing.is_empty() && st.programs.len() == programs.len() {
                (Op::Unchanged, format!("sha256 {}", &sha[..12]))
            } else if alive && st.programs.len() == programs.len() {
                // Its programs still run (held by their hooks): pin the same ones.
                (Op::Repin, format!("program pin(s) gone: {}; pin the same programs again", names.join(", ")))
            } else {
                (Op::Create, format!("program pin(s) gone: {}; reload", names.join(", ")))
            }
        }
    };
    Ok(ObjPlan { spec: spec.clone(), sha, programs, op, why })
}

fn attachment(m: &Manifest, state: &State, spec: &AttachSpec, obj: &ObjPlan) -> Result<AttPlan> {
    let key = spec.key();
    let link_pin = m.pin_dir.join("links").join(manifest::link_pin_name(&key));
    let prev = state.attachments.get(&key);
    let wanted = format!("{}/{}", spec.object, spec.program);
    let (ifindex, current) = netns::within(spec.netns.as_deref(), || {
        let ifindex = match spec.dev() {
            Some(dev) => netns::ifindex(dev).ok_or_else(|| {
                let whereat = spec.netns.as_deref().map(|n| format!(" in network namespace `{n}`")).unwrap_or_default();
                bad(&format!("{}.dev", spec.field), format!("no such interface \"{dev}\"{whereat}"))
            })?,
            None => 0,
        };
        let current = match &spec.hook {
            Hook::Tc { dir, priority, handle, .. } => match tc::find(ifindex, *dir, *priority, *handle)? {
                None => Current::Absent,
                Some(f) => {
                    if prev.is_none() {
                        bail!(UserError::new(
                            format!(
                                "{}: {} tc {} already has a filter at priority {priority} handle {handle} that no apply of `{}` made",
                                spec.field,
                                spec.dev().unwrap_or_default(),
                                dir.name(),
                                m.name
                            ),
                            "choose another priority/handle, or remove that filter (`bpfpin net detach`)",
                        ));
                    }
                    Current::Filter { prog_id: f.prog_id.unwrap_or(0) }
                }
            },
            _ => match pins::open(&link_pin, ObjKind::Link) {
                Ok(fd) => {
                    if prev.is_none() {
                        bail!(UserError::new(
                            format!(
                                "{}: {} exists but no apply of `{}` made it",
                                spec.field,
                                link_pin.display(),
                                m.name
                            ),
                            "remove the pin (`bpfpin link detach pinned PATH`) or move pin_dir",
                        ));
                    }
                    match hooks::link::status(fd.as_fd()) {
                        Some(s) => Current::Link { fd, prog_id: s.prog_id, attached: s.attached },
                        None => Current::Absent,
                    }
                }
                Err(_) => Current::Absent,
            },
        };
        Ok((ifindex, current))
    })?;
    let holds_ours = match (&current, prev) {
        (Current::Link { prog_id, attached: true, .. }, Some(p)) | (Current::Filter { prog_id }, Some(p)) => {
            *prog_id == p.prog_id
        }
        _ => false,
    };
    let (op, why) = match (&current, prev) {
        (Current::Absent, None) => (Op::Create, wanted.clone()),
        (Current::Absent, Some(_)) => (Op::Create, format!("{wanted} (it was detached: repair)")),
        (Current::Link { attached: false, .. }, _) => (Op::Create, format!("{wanted} (its link was detached: repair)")),
        (_, Some(_)) if !holds_ours => (Op::Replace, format!("{wanted} (something else runs there: repair)")),
        (_, Some(p)) if p.program != wanted => (Op::Replace, format!("{} -> {wanted}", p.program)),
        _ if matches!(obj.op, Op::Create | Op::Replace) => (Op::Replace, format!("{wanted} (new build)")),
        _ => (Op::Unchanged, wanted),
    };
    Ok(AttPlan { spec: spec.clone(), ifindex, link_pin, current, op, why })
}
