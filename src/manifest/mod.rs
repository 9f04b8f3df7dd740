//! The `bpfpin apply` manifest: what BPF state a host should have. Parsed
//! from TOML (or JSON) into typed specs, checked field by field; nothing
//! here touches the kernel. The state file (what an apply made) and the
//! object digest live here too, so the command keeps to the plan.

pub mod fields;
pub mod sha256;
pub mod state;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::error::UserError;
pub use crate::hooks::{Dir, XdpMode};
use fields::{Table, bad};

/// Where state files go unless the manifest says otherwise.
pub const STATE_DIR: &str = "/var/lib/bpfpin";

/// `<pin_dir>/_staging-<pid>`: where an apply loads before it swaps.
pub const STAGING_PREFIX: &str = "_staging-";

/// Names under pin_dir that objects cannot take.
const RESERVED: [&str; 2] = ["maps", "links"];

#[derive(Debug, Clone)]
pub struct Manifest {
    /// The manifest's identity: its state file is `<state_dir>/<name>.json`.
    pub name: String,
    /// Everything apply pins lives below it.
    pub pin_dir: PathBuf,
    pub state_dir: PathBuf,
    pub objects: Vec<ObjectSpec>,
    pub attach: Vec<AttachSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapPolicy {
    /// Existing map pins are used as they are (data kept).
    Reuse,
    /// Fresh maps replace the pinned ones whenever the object is (re)loaded.
    Replace,
}

#[derive(Debug, Clone)]
pub struct ObjectSpec {
    pub name: String,
    pub path: PathBuf,
    pub sha256: Option<String>,
    pub maps: MapPolicy,
    /// Directory of the object's map pins (shared by objects naming the same one).
    pub map_dir: PathBuf,
    pub seeds: Vec<Seed>,
}

/// A map entry written when apply creates the map (never over a reused one).
#[derive(Debug, Clone)]
pub struct Seed {
    pub field: String,
    pub map: String,
    pub key: SeedData,
    pub value: SeedData,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SeedData {
    Bytes(Vec<u8>),
    /// Typed through the map's BTF when written (`{ packets = 1 }`, `7`).
    Json(Value),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hook {
    Xdp {
        dev: String,
        mode: XdpMode,
    },
    Tc {
        dev: String,
        dir: Dir,
        priority: u16,
        handle: u32,
    },
    Tcx {
        dev: String,
        dir: Dir,
    },
    /// Any `bpfpin link attach` target, as its words (`tracepoint syscalls sys_enter_getpid`).
    Link {
        target: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub struct AttachSpec {
    /// `attach[i]`, for messages.
    pub field: String,
    pub object: String,
    pub program: String,
    pub hook: Hook,
    pub netns: Option<String>,
}

impl AttachSpec {
    /// The attachment's identity across applies: what it hooks, not what
    /// runs there (a new program at the same hook is a replacement).
    pub fn key(&self) -> String {
        let ns = self.netns.as_deref().unwrap_or("-");
        match &self.hook {
            Hook::Xdp { dev, .. } => format!("xdp:{ns}:{dev}"),
            Hook::Tc { dev, dir, priority, handle } => format!("tc:{ns}:{dev}:{}:{priority}:{handle}", dir.name()),
            Hook::Tcx { dev, dir } => format!("tcx:{ns}:{dev}:{}:{}/{}", dir.name(), self.object, self.program),
            Hook::Link { target } => format!("link:{}/{}:{}", self.object, self.program, target.join(" ")),
        }
    }

    pub fn dev(&self) -> Option<&str> {
        match &self.hook {
            Hook::Xdp { dev, .. } | Hook::Tc { dev, .. } | Hook::Tcx { dev, .. } => Some(dev),
            Hook::Link { .. } => None,
        }
    }
}

/// The name a link pin of attachment `key` gets under `<pin_dir>/links`.
pub fn link_pin_name(key: &str) -> String {
    key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

/// Read and check a manifest file; relative object paths are taken from
/// the manifest's directory.
pub fn load(file: &Path) -> Result<Manifest> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        UserError::new(
            format!("cannot read the manifest {}: {e}", file.display()),
            "give the path of a .toml or .json manifest",
        )
    })?;
    let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    parse(&text, file.extension().is_some_and(|e| e == "json"), &base, &stem)
        .with_context(|| format!("reading the manifest {}", file.display()))
}

pub fn parse(text: &str, json: bool, base: &Path, default_name: &str) -> Result<Manifest> {
    let value: Value = if json {
        serde_json::from_str(text).map_err(|e| UserError::new(format!("not valid JSON: {e}"), fields::FIX))?
    } else {
        let t: toml::Table = toml::from_str(text).map_err(|e| {
            UserError::new(format!("not valid TOML: {}", e.to_string().trim_end().replace('\n', " ")), fields::FIX)
        })?;
        serde_json::to_value(t).context("converting the TOML manifest")?
    };
    from_value(&value, base, default_name)
}

fn check_name(path: &str, s: &str) -> Result<()> {
    if s.is_empty()
        || s.len() > 200
        || !s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        || s.starts_with('.')
    {
        return Err(bad(
            path,
            format!("`{s}` must be letters, digits, `-`, `_` or `.` (not first), for pin and file names"),
        ));
    }
    Ok(())
}

fn from_value(v: &Value, base: &Path, default_name: &str) -> Result<Manifest> {
    let mut top = Table::new("", v)?;
    let name = top.str("name")?.unwrap_or_else(|| default_name.to_string());
    check_name("name", &name)?;
    let pin_dir = PathBuf::from(top.req_str("pin_dir")?);
    if !pin_dir.is_absolute() {
        return Err(bad("pin_dir", format!("`{}` must be an absolute path on bpffs", pin_dir.display())));
    }
    let state_dir = top.str("state_dir")?.map(PathBuf::from).unwrap_or_else(|| PathBuf::from(STATE_DIR));
    let mut objects = Vec::new();
    for mut t in top.tables("object")? {
        objects.push(object(&mut t, base, &pin_dir)?);
        t.finish()?;
    }
    for (i, o) in objects.iter().enumerate() {
        if objects[..i].iter().any(|p| p.name == o.name) {
            return Err(bad(&format!("object[{i}].name"), format!("`{}` names two objects", o.name)));
        }
    }
    let mut attach = Vec::new();
    for (i, mut t) in top.tables("attach")?.into_iter().enumerate() {
        let a = attachment(&mut t, i, &objects)?;
        t.finish()?;
        if let Some(j) = attach.iter().position(|b: &AttachSpec| b.key() == a.key()) {
            return Err(bad(&a.field, format!("the same hook as attach[{j}]")));
        }
        attach.push(a);
    }
    top.finish()?;
    Ok(Manifest { name, pin_dir, state_dir, objects, attach })
}

fn object(t: &mut Table<'_>, base: &Path, pin_dir: &Path) -> Result<ObjectSpec> {
    let path = PathBuf::from(t.req_str("path")?);
    let path = if path.is_absolute() { path } else { base.join(path) };
    let default = path
        .file_name()
        .map(|n| n.to_string_lossy().split('.').next().unwrap_or_default().to_string())
        .unwrap_or_default();
    let name = t.str("name")?.unwrap_or(default);
    check_name(&t.path("name"), &name)?;
    // bpffs refuses dots in names; `maps`, `links` and `_…` are apply's own.
    if name.contains('.') || name.starts_with('_') || RESERVED.contains(&name.as_str()) {
        return Err(bad(
            &t.path("name"),
            format!("`{name}` cannot name pins (no `.`, no leading `_`, not maps or links)"),
        ));
    }
    let sha256 = t.str("sha256")?.map(|s| s.to_ascii_lowercase());
    if let Some(s) = &sha256
        && (s.len() != 64 || !s.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(bad(&t.path("sha256"), "expected 64 hex digits (`sha256sum FILE`)"));
    }
    let maps = match t.choice("maps", &["reuse", "replace"])? {
        Some("replace") => MapPolicy::Replace,
        _ => MapPolicy::Reuse,
    };
    let map_dir = match t.str("map_dir")? {
        Some(d) => {
            check_name(&t.path("map_dir"), &d)?;
            if d.contains('.') || d.starts_with('_') || d == "links" {
                return Err(bad(&t.path("map_dir"), format!("`{d}` cannot name a bpffs directory here")));
            }
            pin_dir.join(d)
        }
        None => pin_dir.join("maps"),
    };
    let mut seeds = Vec::new();
    for mut s in t.tables("seed")? {
        let field = s.path("").trim_end_matches('.').to_string();
        let map = s.req_str("map")?;
        let key = data(&mut s, "key")?;
        let value = data(&mut s, "value")?;
        s.finish()?;
        seeds.push(Seed { field, map, key, value });
    }
    Ok(ObjectSpec { name, path, sha256, maps, map_dir, seeds })
}

/// `key`/`value`: DATA words as `bpfpin map update` takes them
/// (`"1 0 0 0"`, `"hex 01 00 00 00"`, `"json {..}"`), a list of byte values,
/// or any other value (a number, a table) as typed JSON for the map's BTF.
fn data(t: &mut Table<'_>, key: &'static str) -> Result<SeedData> {
    let path = t.path(key);
    match t.raw(key) {
        None => Err(bad(&path, "is required")),
        Some(Value::String(s)) => {
            let words: Vec<String> = s.split_whitespace().map(str::to_string).collect();
            let mut w = crate::select::Words::new("apply", &words);
            let d = w.take_data(key).map_err(|e| bad(&path, format!("{e:#}")))?;
            w.expect_end().map_err(|e| bad(&path, format!("{e:#}")))?;
            match d {
                crate::select::Data::Bytes(b) => Ok(SeedData::Bytes(b)),
                crate::select::Data::Json(text) => serde_json::from_str(&text)
                    .map(SeedData::Json)
                    .map_err(|e| bad(&path, format!("not valid JSON after `json`: {e}"))),
            }
        }
        Some(Value::Array(items)) if items.iter().all(Value::is_number) => items
            .iter()
            .map(|i| i.as_u64().filter(|b| *b <= 255).map(|b| b as u8))
            .collect::<Option<Vec<u8>>>()
            .filter(|b| !b.is_empty())
            .map(SeedData::Bytes)
            .ok_or_else(|| bad(&path, "expected a list of byte values (0 to 255)")),
        Some(v) => Ok(SeedData::Json(v.clone())),
    }
}

fn attachment(t: &mut Table<'_>, i: usize, objects: &[ObjectSpec]) -> Result<AttachSpec> {
    let field = format!("attach[{i}]");
    let prog = t.req_str("program")?;
    let (object, program) = match prog.split_once('/') {
        Some((o, p)) if !o.is_empty() && !p.is_empty() => (o.to_string(), p.to_string()),
        _ => {
            return Err(bad(
                &t.path("program"),
                format!("`{prog}` must be OBJECT/PROGRAM (e.g. `xdp_count/xdp_count`)"),
            ));
        }
    };
    if !objects.iter().any(|o| o.name == object) {
        let names: Vec<&str> = objects.iter().map(|o| o.name.as_str()).collect();
        return Err(bad(&t.path("program"), format!("no object named `{object}` (objects: {})", names.join(", "))));
    }
    let kind = t.choice("kind", &["xdp", "tc", "tcx", "link"])?.ok_or_else(|| bad(&t.path("kind"), "is required"))?;
    let netns = t.str("netns")?;
    let dir = |t: &mut Table<'_>| -> Result<Dir> {
        Ok(match t.choice("direction", &["ingress", "egress"])? {
            Some("egress") => Dir::Egress,
            Some(_) => Dir::Ingress,
            None => return Err(bad(&t.path("direction"), "is required (ingress or egress)")),
        })
    };
    let dev = |t: &mut Table<'_>| -> Result<String> {
        let d = t.req_str("dev")?;
        if d.len() > 15 || d.contains('/') || d.contains(char::is_whitespace) {
            return Err(bad(&t.path("dev"), format!("`{d}` is not an interface name")));
        }
        Ok(d)
    };
    let hook = match kind {
        "xdp" => {
            let mode = match t.choice("mode", &["auto", "generic", "driver"])? {
                Some("generic") => XdpMode::Generic,
                Some("driver") => XdpMode::Driver,
                _ => XdpMode::Auto,
            };
            Hook::Xdp { dev: dev(t)?, mode }
        }
        "tc" => {
            let priority = t.uint("priority", u16::MAX as u64)?.unwrap_or(1) as u16;
            let handle = t.uint("handle", u32::MAX as u64)?.unwrap_or(1) as u32;
            if priority == 0 || handle == 0 {
                return Err(bad(
                    &field,
                    "tc priority and handle must be at least 1 (apply keeps its filter at a fixed place)",
                ));
            }
            Hook::Tc { dev: dev(t)?, dir: dir(t)?, priority, handle }
        }
        "tcx" => Hook::Tcx { dev: dev(t)?, dir: dir(t)? },
        _ => {
            // Absent: the target the program's section names.
            let target = t.str("target")?.unwrap_or_default();
            Hook::Link { target: target.split_whitespace().map(str::to_string).collect() }
        }
    };
    Ok(AttachSpec { field, object, program, hook, netns })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Manifest> {
        parse(text, false, Path::new("/m"), "m")
    }

    fn err(text: &str) -> String {
        format!("{:#}", p(text).expect_err("should fail"))
    }

    const GOOD: &str = r#"
pin_dir = "/sys/fs/bpf/edge"
[[object]]
path = "xdp_count.bpf.o"
[[object.seed]]
map = "counts"
key = "0 0 0 0"
value = [1, 0, 0, 0]
[[attach]]
program = "xdp_count/xdp_count"
kind = "xdp"
dev = "eth0"
[[attach]]
program = "xdp_count/xdp_count"
kind = "tc"
dev = "eth0"
direction = "egress"
"#;

    #[test]
    fn a_complete_manifest_parses() {
        let m = p(GOOD).unwrap();
        assert_eq!(m.name, "m");
        assert_eq!(m.objects[0].name, "xdp_count");
        assert_eq!(m.objects[0].path, Path::new("/m/xdp_count.bpf.o"));
        assert_eq!(m.objects[0].seeds[0].key, SeedData::Bytes(vec![0, 0, 0, 0]));
        assert_eq!(m.objects[0].seeds[0].value, SeedData::Bytes(vec![1, 0, 0, 0]));
        assert_eq!(m.attach[1].key(), "tc:-:eth0:egress:1:1");
    }

    #[test]
    fn errors_name_the_field() {
        assert!(
            err(&GOOD.replace("dev = \"eth0\"\n[[attach]]", "dve = \"eth0\"\n[[attach]]"))
                .contains("attach[0].dev: is required")
        );
        assert!(err(&format!("{GOOD}\nfoo = 1")).contains("attach[1].foo: unknown field"));
        assert!(
            err(&GOOD.replace("\"egress\"", "\"up\""))
                .contains("attach[1].direction: `up` is not one of ingress, egress")
        );
        assert!(
            err(&GOOD.replace("xdp_count/xdp_count\"\nkind = \"tc\"", "nope/x\"\nkind = \"tc\""))
                .contains("attach[1].program: no object named `nope`")
        );
        assert!(err(&GOOD.replace("\"0 0 0 0\"", "\"0 zz\"")).contains("object[0].seed[0].key"));
        assert!(err("pin_dir = \"rel\"").contains("pin_dir: `rel` must be an absolute path"));
        assert!(err("pin_dir = 3").contains("pin_dir: expected a string, got a number"));
    }

    #[test]
    fn seeds_take_words_bytes_or_typed_values() {
        let m = p(&GOOD.replace("value = [1, 0, 0, 0]", "value = { packets = 3 }")).unwrap();
        assert_eq!(m.objects[0].seeds[0].value, SeedData::Json(serde_json::json!({"packets": 3})));
        let m = p(&GOOD.replace("value = [1, 0, 0, 0]", "value = 'json {\"a\":1}'")).unwrap();
        assert_eq!(m.objects[0].seeds[0].value, SeedData::Json(serde_json::json!({"a": 1})));
        assert!(
            err(&GOOD.replace("value = [1, 0, 0, 0]", "value = [1, 300]"))
                .contains("object[0].seed[0].value: expected a list of byte")
        );
    }

    #[test]
    fn json_is_accepted() {
        let m = parse(
            r#"{"pin_dir": "/sys/fs/bpf/x", "object": [{"path": "/a.o", "name": "a"}]}"#,
            true,
            Path::new("/"),
            "j",
        )
        .unwrap();
        assert_eq!(m.objects[0].map_dir, Path::new("/sys/fs/bpf/x/maps"));
    }
}
