//! `bpfpin doctor`: checks this machine for what bpfpin needs and says how to
//! fix what is missing. Everything is read from /proc and /sys (no syscall
//! beyond `sys::euid`), so the command itself needs no privileges. The BPF
//! sysctls come from `crate::probe`, read as `feature probe` reads them.
//!
//! Two phases, so the judgement is testable without a kernel: `Facts::gather`
//! reads the files, `checks` turns the facts into rows.

use std::fs;
use std::path::Path;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::btf::raw as btf;
use crate::cli::Global;
use crate::error::UserError;
use crate::output::{Out, Row};
use crate::pins::BPFFS_ROOT;

// linux/capability.h numbers: libc and aya_obj have none, and rustix's
// `thread` feature (which has them) is not enabled in Cargo.toml.
const CAP_NET_ADMIN: u32 = 12;
const CAP_SYS_ADMIN: u32 = 21;
const CAP_PERFMON: u32 = 38;
const CAP_BPF: u32 = 39;

const TRACEFS_DIRS: &[&str] = &["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];
const VMLINUX_BTF: &str = "/sys/kernel/btf/vmlinux";

/// Kernel features bpfpin uses: the release that brought each one, and a
/// kernel function whose presence in the kernel's BTF shows it is there
/// (which also catches distribution backports).
const FEATURES: &[Feature] = &[
    Feature {
        check: "tcx",
        what: "tcx-ingress/tcx-egress attach",
        since: (6, 6),
        symbol: "tcx_link_attach",
        fallback: "use tc-ingress/tc-egress (clsact) instead of tcx-*",
    },
    Feature {
        check: "xdp_link",
        what: "net attach xdp --link PATH",
        since: (5, 9),
        symbol: "bpf_xdp_link_attach",
        fallback: "attach XDP without --link (netlink attach)",
    },
    Feature {
        check: "batch_ops",
        what: "batched map dump and update --from",
        since: (5, 6),
        symbol: "generic_map_lookup_batch",
        fallback: "nothing to do: bpfpin falls back to one entry at a time",
    },
];

struct Feature {
    check: &'static str,
    what: &'static str,
    since: (u32, u32),
    symbol: &'static str,
    fallback: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// One row of the report; `fix` is empty when there is nothing to do.
#[derive(Debug, Clone, Serialize)]
pub struct CheckView {
    pub check: String,
    pub status: Status,
    pub detail: String,
    pub fix: String,
}

impl CheckView {
    fn new(check: &str, status: Status, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        CheckView { check: check.to_owned(), status, detail: detail.into(), fix: fix.into() }
    }
}

impl Row for CheckView {
    fn header() -> &'static [&'static str] {
        &["check", "status", "detail", "fix"]
    }
    fn cells(&self) -> Vec<String> {
        let fix = if self.fix.is_empty() { "-".to_owned() } else { self.fix.clone() };
        vec![self.check.clone(), self.status.as_str().to_owned(), self.detail.clone(), fix]
    }
}

/// What the checks look at, read once from /proc and /sys.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    pub euid: u32,
    /// CapEff from /proc/self/status.
    pub cap_eff: Option<u64>,
    /// (mount point, file system type) from /proc/self/mounts.
    pub mounts: Vec<(String, String)>,
    pub nomount: bool,
    pub vmlinux_btf: bool,
    /// Kernel functions named in the kernel's BTF, among `FEATURES`' symbols.
    pub btf_symbols: Vec<String>,
    pub jit_enable: Option<String>,
    pub unprivileged_bpf_disabled: Option<String>,
    /// The soft "Max locked memory" limit as /proc/self/limits spells it.
    pub memlock: Option<String>,
    pub osrelease: Option<String>,
}

impl Facts {
    pub fn gather(nomount: bool) -> Facts {
        let read = |p: &str| fs::read_to_string(p).ok().map(|s| s.trim().to_owned());
        let status = read("/proc/self/status").unwrap_or_default();
        let btf = fs::read(VMLINUX_BTF).ok();
        Facts {
            euid: crate::sys::euid(),
            cap_eff: parse_cap_eff(&status),
            mounts: parse_mounts(&read("/proc/self/mounts").unwrap_or_default()),
            nomount,
            vmlinux_btf: btf.is_some() || Path::new(VMLINUX_BTF).exists(),
            btf_symbols: btf
                .as_deref()
                .and_then(|b| btf::sections(b).ok())
                .map(|s| btf_symbols(s.strings))
                .unwrap_or_default(),
            jit_enable: sysctl("bpf_jit_enable"),
            unprivileged_bpf_disabled: sysctl("unprivileged_bpf_disabled"),
            memlock: read("/proc/self/limits").and_then(|l| parse_memlock(&l)),
            osrelease: read("/proc/sys/kernel/osrelease"),
        }
    }

    fn has_cap(&self, bit: u32) -> bool {
        self.cap_eff.is_some_and(|c| c & (1u64 << bit) != 0)
    }

    fn kernel(&self) -> Option<(u32, u32)> {
        self.osrelease.as_deref().and_then(parse_version)
    }

    fn mounts_of(&self, fstype: &str) -> Vec<&str> {
        self.mounts.iter().filter(|(_, t)| t == fstype).map(|(p, _)| p.as_str()).collect()
    }
}

pub fn run(g: &Global, out: &mut Out) -> Result<()> {
    // Housekeeping first: what bpfpin commands that died left behind
    // (staging directories, tc ownership markers of vanished devices).
    crate::txn::sweep();
    crate::clsact::sweep();
    let rows = checks(&Facts::gather(g.nomount));
    out.list(&rows)?;
    // The error goes to stderr after the table: flush so the table comes first.
    out.flush()?;
    let failed = rows.iter().filter(|r| r.status == Status::Fail).count();
    if failed > 0 {
        let noun = if failed == 1 { "check" } else { "checks" };
        let fix = if out.is_json() { "see the entries with \"status\": \"fail\" above" } else { "see the table above" };
        bail!(UserError::new(format!("{failed} {noun} failed"), fix));
    }
    Ok(())
}

/// Every check, in the order they are shown.
pub fn checks(f: &Facts) -> Vec<CheckView> {
    let mut rows = vec![privileges(f), bpffs(f), tracefs(f), btf(f), jit(f), unprivileged(f), memlock(f), kernel(f)];
    rows.extend(FEATURES.iter().map(|feat| feature(f, feat)));
    rows
}

fn privileges(f: &Facts) -> CheckView {
    const CHECK: &str = "privileges";
    const FIX: &str =
        "run as root (sudo bpfpin ...), or `setcap cap_bpf,cap_net_admin,cap_perfmon+ep $(command -v bpfpin)`";
    let Some(_) = f.cap_eff else {
        return CheckView::new(CHECK, Status::Warn, "cannot read CapEff from /proc/self/status", FIX);
    };
    let admin = f.has_cap(CAP_SYS_ADMIN);
    let bpf = f.has_cap(CAP_BPF) || admin;
    let net = f.has_cap(CAP_NET_ADMIN);
    let perf = f.has_cap(CAP_PERFMON) || admin;
    let names: Vec<&str> = [
        (CAP_BPF, "CAP_BPF"),
        (CAP_NET_ADMIN, "CAP_NET_ADMIN"),
        (CAP_PERFMON, "CAP_PERFMON"),
        (CAP_SYS_ADMIN, "CAP_SYS_ADMIN"),
    ]
    .iter()
    .filter(|(bit, _)| f.has_cap(*bit))
    .map(|(_, name)| *name)
    .collect();
    let who = if f.euid == 0 { "root".to_owned() } else { format!("uid {}", f.euid) };
    let has = if names.is_empty() {
        "none of CAP_BPF/CAP_NET_ADMIN/CAP_PERFMON/CAP_SYS_ADMIN".to_owned()
    } else {
        names.join(", ")
    };
    let detail = format!("{who}; effective: {has}");
    if !bpf {
        return CheckView::new(CHECK, Status::Fail, format!("{detail}; loading needs CAP_BPF or CAP_SYS_ADMIN"), FIX);
    }
    let mut missing = Vec::new();
    if !net {
        missing.push("CAP_NET_ADMIN (net attach/detach, tc and XDP programs)");
    }
    if !perf {
        missing.push("CAP_PERFMON (tracing programs, pointer reads)");
    }
    if missing.is_empty() {
        CheckView::new(CHECK, Status::Ok, detail, "")
    } else {
        CheckView::new(CHECK, Status::Warn, format!("{detail}; lacking {}", missing.join(", ")), FIX)
    }
}

fn bpffs(f: &Facts) -> CheckView {
    const CHECK: &str = "bpffs";
    let points = f.mounts_of("bpf");
    let mount_fix = format!("mount -t bpf bpf {BPFFS_ROOT}");
    if points.contains(&BPFFS_ROOT) {
        let others: Vec<&str> = points.iter().copied().filter(|p| *p != BPFFS_ROOT).collect();
        let detail = if others.is_empty() {
            format!("mounted at {BPFFS_ROOT}")
        } else {
            format!("mounted at {BPFFS_ROOT} (also at {})", others.join(", "))
        };
        return CheckView::new(CHECK, Status::Ok, detail, "");
    }
    let elsewhere = if points.is_empty() {
        "no bpf file system is mounted".to_owned()
    } else {
        format!("bpffs is mounted only at {}", points.join(", "))
    };
    let detail = format!("not mounted at {BPFFS_ROOT}: {elsewhere}");
    if !f.nomount && f.euid == 0 && f.has_cap(CAP_SYS_ADMIN) {
        CheckView::new(
            CHECK,
            Status::Warn,
            format!("{detail}; bpfpin mounts it itself when it pins (unless -n)"),
            mount_fix,
        )
    } else {
        CheckView::new(CHECK, Status::Fail, format!("{detail}; pinning will fail"), mount_fix)
    }
}

fn tracefs(f: &Facts) -> CheckView {
    const CHECK: &str = "tracefs";
    let points = f.mounts_of("tracefs");
    if let Some(p) = TRACEFS_DIRS.iter().find(|d| points.contains(d)) {
        return CheckView::new(CHECK, Status::Ok, format!("mounted at {p}"), "");
    }
    CheckView::new(
        CHECK,
        Status::Warn,
        "not mounted at /sys/kernel/tracing or /sys/kernel/debug/tracing; only `prog tracelog` (bpf_printk output) needs it",
        "mount -t tracefs tracefs /sys/kernel/tracing",
    )
}

fn btf(f: &Facts) -> CheckView {
    const CHECK: &str = "btf";
    if f.vmlinux_btf {
        CheckView::new(CHECK, Status::Ok, format!("{VMLINUX_BTF} present"), "")
    } else {
        CheckView::new(
            CHECK,
            Status::Warn,
            format!("{VMLINUX_BTF} missing: CO-RE objects (BPF_CORE_READ, vmlinux.h) cannot be relocated"),
            "use a kernel built with CONFIG_DEBUG_INFO_BTF=y (most distributions ship one)",
        )
    }
}

fn jit(f: &Facts) -> CheckView {
    const CHECK: &str = "jit";
    const FIX: &str = "sysctl -w net.core.bpf_jit_enable=1";
    match f.jit_enable.as_deref() {
        Some("1") => CheckView::new(CHECK, Status::Ok, "enabled (net.core.bpf_jit_enable = 1)", ""),
        Some("2") => CheckView::new(
            CHECK,
            Status::Warn,
            "enabled with debug output to the kernel log (net.core.bpf_jit_enable = 2)",
            FIX,
        ),
        Some("0") => CheckView::new(
            CHECK,
            Status::Warn,
            "disabled (net.core.bpf_jit_enable = 0): programs run interpreted, `prog dump jited` has nothing to show",
            FIX,
        ),
        Some(v) => CheckView::new(CHECK, Status::Warn, format!("net.core.bpf_jit_enable = {v}"), FIX),
        None => CheckView::new(
            CHECK,
            Status::Warn,
            "/proc/sys/net/core/bpf_jit_enable missing: this kernel has no BPF JIT",
            "use a kernel built with CONFIG_BPF_JIT=y",
        ),
    }
}

fn unprivileged(f: &Facts) -> CheckView {
    const CHECK: &str = "unprivileged_bpf";
    match f.unprivileged_bpf_disabled.as_deref() {
        Some("0") => CheckView::new(
            CHECK,
            Status::Warn,
            "allowed (kernel.unprivileged_bpf_disabled = 0): any user can load socket filters",
            "sysctl -w kernel.unprivileged_bpf_disabled=2 (bpfpin needs root or capabilities anyway)",
        ),
        Some("1") => CheckView::new(
            CHECK,
            Status::Ok,
            "disabled until reboot (kernel.unprivileged_bpf_disabled = 1); bpfpin needs root or capabilities",
            "",
        ),
        Some("2") => CheckView::new(
            CHECK,
            Status::Ok,
            "disabled (kernel.unprivileged_bpf_disabled = 2); bpfpin needs root or capabilities",
            "",
        ),
        Some(v) => CheckView::new(CHECK, Status::Ok, format!("kernel.unprivileged_bpf_disabled = {v}"), ""),
        None => CheckView::new(CHECK, Status::Ok, "no kernel.unprivileged_bpf_disabled sysctl on this kernel", ""),
    }
}

fn memlock(f: &Facts) -> CheckView {
    const CHECK: &str = "memlock";
    const FIX: &str = "ulimit -l unlimited (or LimitMEMLOCK=infinity in a systemd unit)";
    let limit = f.memlock.as_deref().unwrap_or("unknown");
    let limit_text = match limit.parse::<u64>() {
        Ok(bytes) => format!("{} KiB", bytes / 1024),
        Err(_) => limit.to_owned(),
    };
    if f.kernel().is_some_and(|v| v >= (5, 11)) {
        return CheckView::new(
            CHECK,
            Status::Ok,
            format!("limit {limit_text}; not used for BPF since Linux 5.11 (memory cgroup accounting)"),
            "",
        );
    }
    match limit.parse::<u64>() {
        _ if limit == "unlimited" => CheckView::new(CHECK, Status::Ok, "unlimited", ""),
        Ok(bytes) if bytes >= 64 << 20 => CheckView::new(CHECK, Status::Ok, format!("limit {limit_text}"), ""),
        _ => CheckView::new(
            CHECK,
            Status::Warn,
            format!(
                "limit {limit_text}; kernels before 5.11 charge maps and programs to it, so big maps fail with EPERM"
            ),
            FIX,
        ),
    }
}

fn kernel(f: &Facts) -> CheckView {
    const CHECK: &str = "kernel";
    let release = f.osrelease.as_deref().unwrap_or("unknown");
    match f.kernel() {
        Some(v) if v >= (5, 6) => CheckView::new(CHECK, Status::Ok, format!("Linux {release}"), ""),
        Some(_) => CheckView::new(
            CHECK,
            Status::Warn,
            format!("Linux {release}: older than 5.6, several bpfpin features are missing (see below)"),
            "upgrade to Linux 6.6 or newer for every feature",
        ),
        None => CheckView::new(
            CHECK,
            Status::Warn,
            format!("cannot read the kernel version from /proc/sys/kernel/osrelease ({release})"),
            "",
        ),
    }
}

fn feature(f: &Facts, feat: &Feature) -> CheckView {
    let (major, minor) = feat.since;
    let by_symbol = f.btf_symbols.iter().any(|s| s == feat.symbol);
    let by_version = f.kernel().is_some_and(|v| v >= feat.since);
    let why = match (by_version, by_symbol) {
        (true, true) => format!("kernel >= {major}.{minor}, {} in kernel BTF", feat.symbol),
        (true, false) => format!("kernel >= {major}.{minor}"),
        (false, true) => format!("{} in kernel BTF (backported before {major}.{minor})", feat.symbol),
        (false, false) => String::new(),
    };
    if by_version || by_symbol {
        CheckView::new(feat.check, Status::Ok, format!("supported for {}: {why}", feat.what), "")
    } else {
        CheckView::new(
            feat.check,
            Status::Warn,
            format!("not supported for {}: needs Linux {major}.{minor}", feat.what),
            feat.fallback,
        )
    }
}

// ---------------------------------------------------------------------------
// Parsing /proc and /sys text
// ---------------------------------------------------------------------------

/// A BPF sysctl as `feature probe` reads it (same file, same parse), so the
/// two commands never disagree about it.
fn sysctl(key: &str) -> Option<String> {
    let (_, path) = crate::probe::SYSCTLS.iter().find(|(k, _)| *k == key)?;
    crate::probe::read_sysctl(path).map(|v| v.to_string())
}

fn parse_cap_eff(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("CapEff:"))?;
    u64::from_str_radix(line["CapEff:".len()..].trim(), 16).ok()
}

/// `(mount point, type)` per line; octal escapes (`\040` for a space) decoded.
fn parse_mounts(mounts: &str) -> Vec<(String, String)> {
    mounts
        .lines()
        .filter_map(|l| {
            let mut fields = l.split_whitespace();
            let _source = fields.next()?;
            let point = fields.next()?;
            let fstype = fields.next()?;
            Some((unescape_octal(point), fstype.to_owned()))
        })
        .collect()
}

fn unescape_octal(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let code =
            b.get(i + 1..i + 4).and_then(|d| std::str::from_utf8(d).ok()).and_then(|d| u8::from_str_radix(d, 8).ok());
        match code {
            Some(c) if b[i] == b'\\' => {
                out.push(c);
                i += 4;
            }
            _ => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The soft limit of "Max locked memory" in /proc/self/limits.
fn parse_memlock(limits: &str) -> Option<String> {
    let line = limits.lines().find(|l| l.starts_with("Max locked memory"))?;
    line["Max locked memory".len()..].split_whitespace().next().map(str::to_owned)
}

/// `6.18.44-fc` -> (6, 18).
fn parse_version(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// Which of `FEATURES`' kernel functions the vmlinux BTF string section
/// names (an exact match of one of its NUL-terminated names).
fn btf_symbols(strings: &[u8]) -> Vec<String> {
    let wanted: Vec<&[u8]> = FEATURES.iter().map(|f| f.symbol.as_bytes()).collect();
    let mut found: Vec<String> = Vec::new();
    for piece in btf::names(strings) {
        if wanted.contains(&piece) {
            let name = String::from_utf8_lossy(piece).into_owned();
            if !found.contains(&name) {
                found.push(name);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy() -> Facts {
        Facts {
            euid: 0,
            cap_eff: Some(0x0000_01ff_ffff_ffff),
            mounts: vec![("/sys/fs/bpf".into(), "bpf".into()), ("/sys/kernel/tracing".into(), "tracefs".into())],
            nomount: false,
            vmlinux_btf: true,
            btf_symbols: vec![],
            jit_enable: Some("1".into()),
            unprivileged_bpf_disabled: Some("2".into()),
            memlock: Some("8388608".into()),
            osrelease: Some("6.18.44-fc-v782".into()),
        }
    }

    fn status_of(rows: &[CheckView], check: &str) -> Status {
        rows.iter().find(|r| r.check == check).unwrap_or_else(|| panic!("no check {check}")).status
    }

    #[test]
    fn healthy_machine_is_all_ok() {
        let rows = checks(&healthy());
        for r in &rows {
            assert_eq!(r.status, Status::Ok, "{r:?}");
            assert!(r.fix.is_empty(), "{r:?}");
        }
        assert_eq!(rows.len(), 8 + FEATURES.len());
    }

    #[test]
    fn bpffs_missing_fails_with_nomount_or_without_root() {
        let mut f = healthy();
        f.mounts.retain(|(_, t)| t != "bpf");
        assert_eq!(status_of(&checks(&f), "bpffs"), Status::Warn, "root without -n: bpfpin mounts it");
        f.nomount = true;
        let rows = checks(&f);
        let row = rows.iter().find(|r| r.check == "bpffs").unwrap();
        assert_eq!(row.status, Status::Fail);
        assert!(row.detail.contains("not mounted at /sys/fs/bpf"), "{row:?}");
        assert!(row.fix.contains("mount -t bpf bpf /sys/fs/bpf"), "{row:?}");
        f.nomount = false;
        f.euid = 1000;
        f.cap_eff = Some(1 << CAP_BPF);
        assert_eq!(status_of(&checks(&f), "bpffs"), Status::Fail);
    }

    #[test]
    fn bpffs_elsewhere_is_named() {
        let mut f = healthy();
        f.nomount = true;
        f.mounts = vec![("/run/my bpf".into(), "bpf".into())];
        let row = bpffs(&f);
        assert_eq!(row.status, Status::Fail);
        assert!(row.detail.contains("only at /run/my bpf"), "{row:?}");
    }

    #[test]
    fn capabilities() {
        let mut f = healthy();
        f.euid = 1000;
        f.cap_eff = Some(0);
        assert_eq!(privileges(&f).status, Status::Fail);
        f.cap_eff = Some(1 << CAP_BPF);
        let row = privileges(&f);
        assert_eq!(row.status, Status::Warn);
        assert!(row.detail.contains("CAP_NET_ADMIN") && row.detail.contains("CAP_PERFMON"), "{row:?}");
        f.cap_eff = Some((1 << CAP_BPF) | (1 << CAP_NET_ADMIN) | (1 << CAP_PERFMON));
        assert_eq!(privileges(&f).status, Status::Ok);
        f.cap_eff = Some((1 << CAP_SYS_ADMIN) | (1 << CAP_NET_ADMIN));
        assert_eq!(privileges(&f).status, Status::Ok, "CAP_SYS_ADMIN covers BPF and PERFMON");
    }

    #[test]
    fn jit_and_sysctls() {
        let mut f = healthy();
        f.jit_enable = Some("0".into());
        assert_eq!(jit(&f).status, Status::Warn);
        f.jit_enable = None;
        assert_eq!(jit(&f).status, Status::Warn);
        f.unprivileged_bpf_disabled = Some("0".into());
        assert_eq!(unprivileged(&f).status, Status::Warn);
        f.mounts.retain(|(_, t)| t != "tracefs");
        assert_eq!(tracefs(&f).status, Status::Warn);
    }

    #[test]
    fn old_kernels() {
        let mut f = healthy();
        f.osrelease = Some("5.10.0-28-amd64".into());
        assert_eq!(memlock(&f).status, Status::Warn);
        let rows = checks(&f);
        assert_eq!(status_of(&rows, "tcx"), Status::Warn);
        assert_eq!(status_of(&rows, "xdp_link"), Status::Ok);
        assert_eq!(status_of(&rows, "batch_ops"), Status::Ok);
        f.btf_symbols = vec!["tcx_link_attach".into()];
        assert_eq!(status_of(&checks(&f), "tcx"), Status::Ok, "a backport found in BTF counts");
        f.memlock = Some("unlimited".into());
        assert_eq!(memlock(&f).status, Status::Ok);
    }

    #[test]
    fn parsers() {
        assert_eq!(parse_cap_eff("Name:\tx\nCapEff:\t000001fffeffffff\n"), Some(0x01ff_feff_ffff));
        assert_eq!(parse_version("6.18.44-fc-v782"), Some((6, 18)));
        assert_eq!(parse_version("5.4"), Some((5, 4)));
        assert_eq!(parse_version("junk"), None);
        let m = parse_mounts("bpf /sys/fs/bpf bpf rw,relatime 0 0\nnone /a\\040b tracefs rw 0 0\n");
        assert_eq!(m, vec![("/sys/fs/bpf".into(), "bpf".into()), ("/a b".into(), "tracefs".into())]);
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \nMax locked memory         8388608              8388608              bytes     \n";
        assert_eq!(parse_memlock(limits).as_deref(), Some("8388608"));
        let btf = b"\0int\0tcx_link_attach\0xtcx_link_attach_x\0generic_map_lookup_batch\0";
        assert_eq!(btf_symbols(btf), vec!["tcx_link_attach", "generic_map_lookup_batch"]);
    }

    #[test]
    fn row_cells_match_header() {
        let rows = checks(&healthy());
        for r in &rows {
            assert_eq!(r.cells().len(), CheckView::header().len());
            assert_eq!(r.cells()[3], "-");
        }
        let json = serde_json::to_value(&rows[0]).unwrap();
        let keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["check", "status", "detail", "fix"]);
        assert_eq!(json["status"], "ok");
    }
}
