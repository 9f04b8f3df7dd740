//! `cgroup show CGROUP [effective]` and `cgroup tree [ROOT] [effective]`,
//! laid out as bpftool 7.1 lays them out: the same header, columns, order
//! (attach types in the kernel's enum order, programs in the kernel's
//! order), `attach_flags` words and JSON keys, down to the trailing blanks.

use std::ffi::OsString;
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::attach::cgroup as cg;
use crate::btf::Btf;
use crate::error::UserError;
use crate::kinds::{self, attach_type_name};
use crate::output::{Out, Render};
use crate::sys::{self, Kind};

const BPF_F_ALLOW_OVERRIDE: u32 = 1;
const BPF_F_ALLOW_MULTI: u32 = 2;
const VMLINUX: &str = "/sys/kernel/btf/vmlinux";

/// One attached program, with bpftool's keys.
#[derive(Serialize)]
struct ProgRow {
    id: u32,
    attach_type: String,
    /// Absent in effective listings, as in bpftool.
    #[serde(skip_serializing_if = "Option::is_none")]
    attach_flags: Option<String>,
    name: String,
    /// bpftool names the program's BTF attach target when it is in vmlinux,
    /// and (a quirk kept for identical output) gives "" for id 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    attach_btf_name: Option<String>,
    attach_btf_obj_id: u32,
    attach_btf_id: u32,
}

impl ProgRow {
    fn plain(&self, w: &mut dyn Write, indent: bool) -> io::Result<()> {
        let mut line = Vec::new();
        write!(line, "{}{:<8} ", if indent { "    " } else { "" }, self.id)?;
        pad(&mut line, &self.attach_type, 15);
        if let Some(flags) = &self.attach_flags {
            line.push(b' ');
            pad(&mut line, flags, 15);
        }
        line.push(b' ');
        pad(&mut line, &self.name, 15);
        match &self.attach_btf_name {
            Some(n) => {
                line.push(b' ');
                pad(&mut line, n, 15);
            }
            None if self.attach_btf_id != 0 => {
                write!(line, " attach_btf_obj_id={} attach_btf_id={}", self.attach_btf_obj_id, self.attach_btf_id)?
            }
            None => {}
        }
        line.push(b'\n');
        w.write_all(&line)
    }
}

/// C's `%-Ns`: pad to N bytes, never cut.
fn pad(line: &mut Vec<u8>, s: &str, n: usize) {
    line.extend_from_slice(s.as_bytes());
    line.resize(line.len() + n.saturating_sub(s.len()), b' ');
}

fn header(w: &mut dyn Write, effective: bool) -> io::Result<()> {
    if effective {
        writeln!(w, "{:<8} {:<15} {:<15}", "ID", "AttachType", "Name")
    } else {
        writeln!(w, "{:<8} {:<15} {:<15} {:<15}", "ID", "AttachType", "AttachFlags", "Name")
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct ShowView {
    rows: Vec<ProgRow>,
    #[serde(skip)]
    effective: bool,
}

impl Render for ShowView {
    fn plain(&self, w: &mut dyn Write) -> io::Result<()> {
        header(w, self.effective)?;
        self.rows.iter().try_for_each(|r| r.plain(w, false))
    }
}

#[derive(Serialize)]
struct TreeGroup {
    cgroup: String,
    programs: Vec<ProgRow>,
    #[serde(skip)]
    path: OsString,
    #[serde(skip)]
    nested: bool,
}

#[derive(Serialize)]
#[serde(transparent)]
struct TreeView {
    groups: Vec<TreeGroup>,
    #[serde(skip)]
    effective: bool,
}

impl Render for TreeView {
    fn plain(&self, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "CgroupPath")?;
        header(w, self.effective)?;
        for g in &self.groups {
            w.write_all(g.path.as_bytes())?;
            w.write_all(b"\n")?;
            g.programs.iter().try_for_each(|r| r.plain(w, g.nested))?;
        }
        Ok(())
    }
}

pub fn show(out: &mut Out, words: &[String]) -> Result<()> {
    let (path, rest) = words.split_first().context("`cgroup show` needs a cgroup directory")?;
    let effective = effective_words("cgroup show", rest)?;
    let path = Path::new(path);
    let cgroup = cg::open_cgroup(path)?;
    let mut q = Querier::new(effective);
    let rows = q.rows(cgroup.as_fd()).with_context(|| format!("querying the programs of cgroup {}", path.display()))?;
    // bpftool prints no header and no `[]` for a cgroup without programs:
    // nothing in plain mode, an empty line in JSON mode.
    if rows.is_empty() {
        if out.is_json() {
            out.writer().write_all(b"\n")?;
        }
        return Ok(());
    }
    Ok(out.one(&ShowView { rows, effective })?)
}

pub fn tree(out: &mut Out, words: &[String]) -> Result<()> {
    // `tree effective` (no root) is bpfpin's reading; bpftool would take
    // `effective` as the root path. A directory of that name still wins.
    let (root, effective) = match words.split_first() {
        Some((first, rest)) if !(first == "effective" && rest.is_empty() && !Path::new(first).exists()) => {
            (PathBuf::from(first), effective_words("cgroup tree", rest)?)
        }
        other => (default_root()?, other.is_some()),
    };
    let root_fd = cg::open_cgroup(&root)?;
    let dev = std::fs::metadata(&root).with_context(|| format!("reading {}", root.display()))?.dev();
    let mut q = Querier::new(effective);
    let mut groups = Vec::new();
    let shown = trim_slashes(root.as_os_str().as_bytes());
    q.group(root_fd.as_fd(), OsString::from_vec(shown.to_vec()), false, &mut groups)
        .with_context(|| format!("querying the programs of cgroup {}", root.display()))?;
    walk(&mut q, &root, shown, dev, &mut groups)?;
    Ok(out.one(&TreeView { groups, effective })?)
}

/// The cgroup2 mount, found in /proc/mounts as bpftool finds it.
fn default_root() -> Result<PathBuf> {
    match cg::cgroup2_root() {
        Some(r) => Ok(r),
        None => bail!(UserError::new(
            "cgroup v2 is not mounted, so `cgroup tree` has no default root",
            "mount it (`mount -t cgroup2 none /sys/fs/cgroup/unified`) or name a root: `bpfpin cgroup tree DIR`",
        )),
    }
}

/// glibc's nftw names entries from the root as given, without its
/// trailing slashes (a lone "/" stays).
fn trim_slashes(p: &[u8]) -> &[u8] {
    let mut end = p.len();
    while end > 1 && p[end - 1] == b'/' {
        end -= 1;
    }
    &p[..end]
}

/// Preorder, in directory order, without leaving the root's filesystem
/// (nftw with FTW_MOUNT). Directories removed while walking are skipped.
fn walk(q: &mut Querier, dir: &Path, shown: &[u8], dev: u64, groups: &mut Vec<TreeGroup>) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("reading cgroup directory {}", dir.display())),
    };
    for entry in entries {
        let Ok(entry) = entry else { continue };
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_dir() || meta.dev() != dev {
            continue;
        }
        let path = entry.path();
        let mut name = shown.to_vec();
        if name.last() != Some(&b'/') {
            name.push(b'/');
        }
        name.extend_from_slice(entry.file_name().as_bytes());
        let Ok(fd) = sys::cgroup::open_dir(&path) else { continue };
        q.group(fd.as_fd(), OsString::from_vec(name.clone()), true, groups)
            .with_context(|| format!("querying the programs of cgroup {}", path.display()))?;
        drop(fd);
        walk(q, &path, &name, dev, groups)?;
    }
    Ok(())
}

/// `effective` words after the path (bpftool takes any prefix, once).
fn effective_words(verb: &str, words: &[String]) -> Result<bool> {
    let mut effective = false;
    for w in words {
        if w.is_empty() || !"effective".starts_with(w.as_str()) {
            bail!(UserError::new(
                format!("`{verb}` does not take `{w}`"),
                format!("the only word after the cgroup is `effective` (see `bpfpin {verb} --help`)"),
            ));
        }
        if effective {
            bail!(UserError::new(format!("`effective` is given twice to `{verb}`"), "give it once"));
        }
        effective = true;
    }
    Ok(effective)
}

/// Queries cgroups and names what it finds, remembering vmlinux's BTF id
/// across cgroups as bpftool does.
struct Querier {
    effective: bool,
    have_vmlinux: bool,
    vmlinux_id: u32,
    vmlinux: Option<Option<Btf>>,
}

impl Querier {
    fn new(effective: bool) -> Querier {
        Querier { effective, have_vmlinux: Path::new(VMLINUX).exists(), vmlinux_id: 0, vmlinux: None }
    }

    /// Adds the cgroup to `groups` if it has programs (bpftool leaves
    /// cgroups without any out of the tree).
    fn group(&mut self, fd: BorrowedFd<'_>, path: OsString, nested: bool, groups: &mut Vec<TreeGroup>) -> Result<()> {
        let programs = self.rows(fd)?;
        if !programs.is_empty() {
            groups.push(TreeGroup { cgroup: path.to_string_lossy().into_owned(), programs, path, nested });
        }
        Ok(())
    }

    fn rows(&mut self, cgroup: BorrowedFd<'_>) -> Result<Vec<ProgRow>> {
        let mut rows = Vec::new();
        for &(attach_type, _) in kinds::CGROUP_ATTACH_TYPES {
            let q = match sys::cgroup::query(cgroup, attach_type, self.effective) {
                Ok(q) => q,
                // Hooks this kernel lacks (lsm_cgroup without BPF LSM).
                Err(e) if e.errno() == Some(libc::EINVAL) => continue,
                // The cgroup went away while we looked.
                Err(e) if e.errno() == Some(libc::ENOENT) => return Ok(Vec::new()),
                Err(e) => return Err(e.into()),
            };
            for (i, &id) in q.prog_ids.iter().enumerate() {
                let flags = match q.prog_flags.get(i).copied().filter(|f| *f != 0).unwrap_or(q.attach_flags) {
                    BPF_F_ALLOW_MULTI => "multi".to_string(),
                    BPF_F_ALLOW_OVERRIDE => "override".to_string(),
                    0 => String::new(),
                    other => format!("unknown({other:x})"),
                };
                // A program freed since the query is left out, as bpftool does.
                let Ok(fd) = sys::get_fd_by_id(Kind::Prog, id) else { continue };
                let Ok(info) = sys::prog_info(fd.as_fd()) else { continue };
                rows.push(ProgRow {
                    id: info.info.id,
                    attach_type: attach_type_name(attach_type),
                    attach_flags: (!self.effective).then_some(flags),
                    name: crate::resolve::full_name(&info),
                    attach_btf_name: self.btf_name(&info.info),
                    attach_btf_obj_id: info.info.attach_btf_obj_id,
                    attach_btf_id: info.info.attach_btf_id,
                });
            }
        }
        Ok(rows)
    }

    /// The name of the program's BTF attach target when its BTF object is
    /// vmlinux's (lsm_cgroup programs). bpftool learns vmlinux's object id
    /// from the first program whose target is in it; until then id 0 counts
    /// as vmlinux's, which gives "" for programs without a target.
    fn btf_name(&mut self, info: &sys::bpf_prog_info) -> Option<String> {
        if !self.have_vmlinux {
            return None;
        }
        if self.vmlinux_id == 0 && info.attach_btf_obj_id != 0 {
            let is_vmlinux = sys::get_fd_by_id(Kind::Btf, info.attach_btf_obj_id)
                .and_then(|fd| sys::btf_obj::btf_obj_name(fd.as_fd()))
                .is_ok_and(|(name, kernel)| kernel && name == "vmlinux");
            if is_vmlinux {
                self.vmlinux_id = info.attach_btf_obj_id;
            }
        }
        if self.vmlinux_id != info.attach_btf_obj_id {
            return None;
        }
        if info.attach_btf_id == 0 {
            return Some(String::new());
        }
        let btf = self.vmlinux.get_or_insert_with(|| std::fs::read(VMLINUX).ok().and_then(|raw| Btf::parse(&raw).ok()));
        let btf = btf.as_ref()?;
        (info.attach_btf_id < btf.len()).then(|| btf.type_name(info.attach_btf_id).unwrap_or("").to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_lay_out_as_bpftool() {
        let mut row = ProgRow {
            id: 487234,
            attach_type: "cgroup_inet_ingress".into(),
            attach_flags: Some(String::new()),
            name: "cg_ingress".into(),
            attach_btf_name: Some(String::new()),
            attach_btf_obj_id: 0,
            attach_btf_id: 0,
        };
        let mut v = Vec::new();
        row.plain(&mut v, true).unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "    487234   cgroup_inet_ingress                 cg_ingress                     \n"
        );
        row.attach_flags = None;
        row.attach_btf_name = None;
        row.attach_btf_id = 7;
        row.attach_btf_obj_id = 1;
        let mut v = Vec::new();
        row.plain(&mut v, false).unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "487234   cgroup_inet_ingress cg_ingress      attach_btf_obj_id=1 attach_btf_id=7\n"
        );
    }

    #[test]
    fn nftw_path_names() {
        assert_eq!(trim_slashes(b"a//"), b"a");
        assert_eq!(trim_slashes(b"/"), b"/");
        assert_eq!(trim_slashes(b"/sys/fs/cgroup/unified/"), b"/sys/fs/cgroup/unified");
    }

    #[test]
    fn effective_prefixes() {
        assert!(effective_words("cgroup show", &["eff".into()]).unwrap());
        assert!(!effective_words("cgroup show", &[]).unwrap());
        assert!(effective_words("cgroup show", &["e".into(), "e".into()]).is_err());
        assert!(effective_words("cgroup show", &["x".into()]).is_err());
    }
}
