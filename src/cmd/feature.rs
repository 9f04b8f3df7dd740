//! `bpfpin feature probe` and `feature list_builtins`: bpftool's feature
//! report (the same sections, JSON keys, plain lines and C macros) from the
//! probes in `crate::probe`, and the names bpfpin knows for the kernel's
//! enums.

use std::io::{self, Write};

use anyhow::{Result, bail};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::cli::{FeatureCmd, Global};
use crate::error::UserError;
use crate::output::{Out, Render};
use crate::probe::{self, Options, Report};

/// `_g`: no global option changes a probe (bpftool takes none either).
pub fn run(_g: &Global, out: &mut Out, cmd: &FeatureCmd) -> Result<()> {
    match cmd {
        FeatureCmd::Probe { words, dev, full, unprivileged, macros, prefix } => {
            // --macros is the word `macros`, first, so a `prefix P` word may follow it.
            let words: Vec<String> =
                macros.then(|| "macros".to_string()).into_iter().chain(words.iter().cloned()).collect();
            let mut req = parse_probe_words(&words)?;
            if let Some(d) = dev {
                if req.dev.is_some() {
                    bail!(UserError::new("the device to probe is given twice", "give `dev NAME` or --dev NAME once"));
                }
                req.dev = Some(d.clone());
            }
            req.full |= *full;
            req.unprivileged |= *unprivileged;
            if prefix.is_some() && req.prefix.as_ref().is_some_and(|p| !p.is_empty()) {
                bail!(UserError::new("the macro prefix is given twice", "give `prefix P` or --prefix P once"));
            }
            if let Some(p) = prefix {
                req.prefix = Some(p.clone());
            }
            probe_cmd(out, req)
        }
        FeatureCmd::ListBuiltins { group } => list_builtins(out, group),
    }
}

/// What `feature probe`'s words ask for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ProbeRequest {
    pub dev: Option<String>,
    pub full: bool,
    pub unprivileged: bool,
    /// Some: print macros, with this prefix ("" for none).
    pub prefix: Option<String>,
}

/// bpftool's word grammar, with its unique prefixes (`f` = full).
pub fn parse_probe_words(words: &[String]) -> Result<ProbeRequest> {
    let mut req = ProbeRequest::default();
    let mut component = false;
    let mut it = words.iter();
    let is = |w: &str, kw: &str| !w.is_empty() && kw.starts_with(w);
    while let Some(w) = it.next() {
        if is(w, "kernel") || is(w, "dev") {
            if component {
                bail!(UserError::new("the component to probe is given twice", "give one of `kernel` or `dev NAME`"));
            }
            component = true;
            if is(w, "dev") {
                let Some(name) = it.next() else {
                    bail!(UserError::new("`dev` needs an interface name", "write `dev eth0`"));
                };
                req.dev = Some(name.clone());
            }
        } else if is(w, "full") {
            req.full = true;
        } else if is(w, "macros") && req.prefix.is_none() {
            req.prefix = Some(String::new());
        } else if is(w, "prefix") {
            match &req.prefix {
                None => bail!(UserError::new("`prefix` comes only after `macros`", "write `macros prefix P`")),
                Some(p) if !p.is_empty() => {
                    bail!(UserError::new("the macro prefix is given twice", "give `prefix P` once"))
                }
                Some(_) => {}
            }
            let Some(p) = it.next() else {
                bail!(UserError::new("`prefix` needs a value", "write `macros prefix BPF_`"));
            };
            req.prefix = Some(p.clone());
        } else if is(w, "unprivileged") {
            req.unprivileged = true;
        } else {
            bail!(UserError::new(
                format!(
                    "expected no more arguments, `kernel`, `dev`, `full`, `unprivileged`, `macros` or `prefix`, got `{w}`"
                ),
                "see `bpfpin feature probe --help`"
            ));
        }
    }
    Ok(req)
}

fn probe_cmd(out: &mut Out, req: ProbeRequest) -> Result<()> {
    if req.unprivileged {
        crate::probe::drop_privileges().map_err(|e| {
            anyhow::Error::new(e).context(UserError::new(
                "cannot drop the BPF capabilities for an unprivileged probe",
                "run bpfpin directly (capset is refused inside some sandboxes)",
            ))
        })?;
    } else if !privileged() {
        bail!(UserError::new(
            "a full feature probe needs root (CAP_SYS_ADMIN, CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON)",
            "run it with sudo, or add `unprivileged` to see what an unprivileged user may do"
        ));
    }
    let ifindex = match &req.dev {
        None => None,
        Some(name) => match crate::sys::net::if_nametoindex(name) {
            Some(i) => Some(i),
            None => bail!(UserError::new(
                format!("interface {name} not found"),
                "list interfaces with `ip link`; with --netns, name one inside that namespace"
            )),
        },
    };
    let report = probe::run(Options { ifindex, full: req.full, unprivileged: req.unprivileged });
    if let Some(err) = report.system.as_ref().and_then(|s| s.kconfig_error.as_deref()) {
        crate::text::stderr_line(&format!("skipping kernel config: {err}"));
    }
    let view = ProbeView { json: to_json(&report), report, prefix: if out.is_json() { None } else { req.prefix } };
    out.one(&view)?;
    Ok(())
}

/// bpftool's rule without libcap: root, or every capability it asks for.
fn privileged() -> bool {
    if crate::sys::euid() == 0 {
        return true;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let cap_eff = status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        .unwrap_or(0);
    [21u32, 39, 12, 38].iter().all(|c| cap_eff & (1 << c) != 0)
}

/// The report, ready for the three renderings.
#[derive(Serialize)]
#[serde(transparent)]
struct ProbeView {
    json: Value,
    #[serde(skip)]
    report: Report,
    #[serde(skip)]
    prefix: Option<String>,
}

impl Render for ProbeView {
    fn plain(&self, w: &mut dyn Write) -> io::Result<()> {
        match &self.prefix {
            Some(p) => macros(&self.report, p, w),
            None => plain(&self.report, w),
        }
    }
}

/// `-j`: bpftool's object, section by section, keys in its order.
pub fn to_json(r: &Report) -> Value {
    let mut top = Map::new();
    if let Some(sys) = &r.system {
        let mut m = Map::new();
        for (k, v) in &sys.sysctls {
            m.insert((*k).into(), json!(v));
        }
        for (k, v) in &sys.kconfig {
            m.insert((*k).into(), v.as_ref().map_or(Value::Null, |s| json!(s)));
        }
        top.insert("system_config".into(), Value::Object(m));
    }
    top.insert("syscall_config".into(), json!({ "have_bpf_syscall": r.syscall }));
    if !r.syscall {
        return Value::Object(top);
    }
    let types = |list: &[probe::Verdict], kind: &str| {
        Value::Object(list.iter().map(|v| (format!("have_{}_{kind}_type", v.name), Value::Bool(v.available))).collect())
    };
    top.insert("program_types".into(), types(&r.prog_types, "prog"));
    top.insert("map_types".into(), types(&r.map_types, "map"));
    let helpers = r
        .helpers
        .iter()
        .map(|h| (format!("{}_available_helpers", h.prog_type), Value::from(h.available().collect::<Vec<_>>())))
        .collect();
    top.insert("helpers".into(), Value::Object(helpers));
    top.insert("misc".into(), Value::Object(r.misc.iter().map(|m| (m.key.into(), Value::Bool(m.available))).collect()));
    Value::Object(top)
}

fn avail(ok: bool) -> &'static str {
    if ok { "available" } else { "NOT available" }
}

/// bpftool's plain report.
fn plain(r: &Report, w: &mut dyn Write) -> io::Result<()> {
    if let Some(sys) = &r.system {
        writeln!(w, "Scanning system configuration...")?;
        for (key, v) in &sys.sysctls {
            writeln!(w, "{}", sysctl_line(key, *v))?;
        }
        for (name, v) in &sys.kconfig {
            match v {
                Some(v) => writeln!(w, "{name} is set to {v}")?,
                None => writeln!(w, "{name} is not set")?,
            }
        }
        writeln!(w)?;
    }
    writeln!(w, "Scanning system call availability...")?;
    writeln!(w, "bpf() syscall is {}", avail(r.syscall))?;
    writeln!(w)?;
    if !r.syscall {
        return Ok(());
    }
    writeln!(w, "Scanning eBPF program types...")?;
    for v in &r.prog_types {
        writeln!(w, "eBPF program_type {} is {}", v.name, avail(v.available))?;
    }
    writeln!(w)?;
    writeln!(w, "Scanning eBPF map types...")?;
    for v in &r.map_types {
        writeln!(w, "eBPF map_type {} is {}", v.name, avail(v.available))?;
    }
    writeln!(w)?;
    writeln!(w, "Scanning eBPF helper functions...")?;
    for h in &r.helpers {
        write!(w, "eBPF helpers supported for program type {}:", h.prog_type)?;
        let mut any = false;
        for name in h.available() {
            write!(w, "\n\t- {name}")?;
            any = true;
        }
        writeln!(w)?;
        if !any {
            if h.type_available {
                writeln!(w, "\tCould not determine which helpers are available")?;
            } else {
                writeln!(w, "\tProgram type not supported")?;
            }
        }
    }
    writeln!(w)?;
    writeln!(w, "Scanning miscellaneous eBPF features...")?;
    for m in &r.misc {
        writeln!(w, "{} is {}", misc_plain(m.key), avail(m.available))?;
    }
    writeln!(w)
}

/// bpftool's sentence for each sysctl value.
fn sysctl_line(key: &str, v: i64) -> String {
    let s = |t: &str| t.to_string();
    match (key, v) {
        ("unprivileged_bpf_disabled", 0) => s("bpf() syscall for unprivileged users is enabled"),
        ("unprivileged_bpf_disabled", 1) => s("bpf() syscall restricted to privileged users (without recovery)"),
        ("unprivileged_bpf_disabled", 2) => s("bpf() syscall restricted to privileged users (admin can change)"),
        ("unprivileged_bpf_disabled", -1) => s("Unable to retrieve required privileges for bpf() syscall"),
        ("unprivileged_bpf_disabled", n) => format!("bpf() syscall restriction has unknown value {n}"),
        ("bpf_jit_enable", 0) => s("JIT compiler is disabled"),
        ("bpf_jit_enable", 1) => s("JIT compiler is enabled"),
        ("bpf_jit_enable", 2) => s("JIT compiler is enabled with debugging traces in kernel logs"),
        ("bpf_jit_enable", -1) => s("Unable to retrieve JIT-compiler status"),
        ("bpf_jit_enable", n) => format!("JIT-compiler status has unknown value {n}"),
        ("bpf_jit_harden", 0) => s("JIT compiler hardening is disabled"),
        ("bpf_jit_harden", 1) => s("JIT compiler hardening is enabled for unprivileged users"),
        ("bpf_jit_harden", 2) => s("JIT compiler hardening is enabled for all users"),
        ("bpf_jit_harden", -1) => s("Unable to retrieve JIT hardening status"),
        ("bpf_jit_harden", n) => format!("JIT hardening status has unknown value {n}"),
        ("bpf_jit_kallsyms", 0) => s("JIT compiler kallsyms exports are disabled"),
        ("bpf_jit_kallsyms", 1) => s("JIT compiler kallsyms exports are enabled for root"),
        ("bpf_jit_kallsyms", -1) => s("Unable to retrieve JIT kallsyms export status"),
        ("bpf_jit_kallsyms", n) => format!("JIT kallsyms exports status has unknown value {n}"),
        ("bpf_jit_limit", -1) => s("Unable to retrieve global memory limit for JIT compiler for unprivileged users"),
        ("bpf_jit_limit", n) => format!("Global memory limit for JIT compiler for unprivileged users is {n} bytes"),
        (k, n) => format!("{k} is {n}"),
    }
}

fn misc_plain(key: &str) -> &'static str {
    match key {
        "have_large_insn_limit" => "Large program size limit",
        "have_bounded_loops" => "Bounded loop support",
        "have_v2_isa_extension" => "ISA extension v2",
        "have_v3_isa_extension" => "ISA extension v3",
        _ => "Unknown feature",
    }
}

/// `macros`: bpftool's C header, every name behind `p`.
fn macros(r: &Report, p: &str, w: &mut dyn Write) -> io::Result<()> {
    let def = |w: &mut dyn Write, ok: bool, name: &str| -> io::Result<()> {
        writeln!(w, "#define {p}{}HAVE_{name}", if ok { "" } else { "NO_" })
    };
    if let Some(sys) = &r.system {
        writeln!(w, "/*** Misc kernel config items ***/")?;
        for (name, v) in sys.kconfig.iter().filter(|(n, _)| *n == probe::KCONFIG_FOR_MACROS) {
            match v {
                Some(v) => writeln!(w, "#define {p}{name} {v}")?,
                None => writeln!(w, "/* {p}{name} is not set */")?,
            }
        }
        writeln!(w)?;
    }
    writeln!(w, "/*** System call availability ***/")?;
    def(w, r.syscall, "BPF_SYSCALL")?;
    writeln!(w)?;
    if !r.syscall {
        return Ok(());
    }
    writeln!(w, "/*** eBPF program types ***/")?;
    for v in &r.prog_types {
        def(w, v.available, &format!("{}_PROG_TYPE", v.name.to_uppercase()))?;
    }
    writeln!(w)?;
    writeln!(w, "/*** eBPF map types ***/")?;
    for v in &r.map_types {
        def(w, v.available, &format!("{}_MAP_TYPE", v.name.to_uppercase()))?;
    }
    writeln!(w)?;
    writeln!(w, "/*** eBPF helper functions ***/")?;
    writeln!(
        w,
        "/*\n * Use {p}HAVE_PROG_TYPE_HELPER(prog_type_name, helper_name)\n * to determine if <helper_name> is available for <prog_type_name>,\n * e.g.\n *\t#if {p}HAVE_PROG_TYPE_HELPER(xdp, bpf_redirect)\n *\t\t// do stuff with this helper\n *\t#elif\n *\t\t// use a workaround\n *\t#endif\n */\n#define {p}HAVE_PROG_TYPE_HELPER(prog_type, helper)\t\\\n\t{p}BPF__PROG_TYPE_ ## prog_type ## __HELPER_ ## helper"
    )?;
    for h in &r.helpers {
        for (name, ok) in &h.helpers {
            writeln!(w, "#define {p}BPF__PROG_TYPE_{}__HELPER_{name} {}", h.prog_type, u8::from(*ok))?;
        }
    }
    writeln!(w)?;
    writeln!(w, "/*** eBPF misc features ***/")?;
    for m in &r.misc {
        def(w, m.available, &m.key.trim_start_matches("have_").to_uppercase())?;
    }
    writeln!(w)
}

/// `list_builtins GROUP`: one name a line, or a JSON array.
fn list_builtins(out: &mut Out, group: &str) -> Result<()> {
    let is = |kw: &str| !group.is_empty() && kw.starts_with(group);
    let names: &[&str] = if is("prog_types") {
        crate::kinds::PROG_TYPES
    } else if is("map_types") {
        crate::kinds::MAP_TYPES
    } else if is("attach_types") {
        crate::kinds::ATTACH_TYPES
    } else if is("link_types") {
        crate::kinds::LINK_TYPES
    } else if is("helpers") {
        probe::HELPERS
    } else {
        bail!(UserError::new(
            format!("expected `prog_types`, `map_types`, `attach_types`, `link_types` or `helpers`, got `{group}`"),
            "write e.g. `bpfpin feature list_builtins prog_types`"
        ));
    };
    out.one(&Names(names))?;
    Ok(())
}

#[derive(Serialize)]
#[serde(transparent)]
struct Names(&'static [&'static str]);

impl Render for Names {
    fn plain(&self, w: &mut dyn Write) -> io::Result<()> {
        for n in self.0 {
            writeln!(w, "{n}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn probe_words() {
        assert_eq!(parse_probe_words(&[]).unwrap(), ProbeRequest::default());
        let r = parse_probe_words(&words("kernel full macros prefix BPF_ unprivileged")).unwrap();
        assert_eq!(r, ProbeRequest { dev: None, full: true, unprivileged: true, prefix: Some("BPF_".into()) });
        let r = parse_probe_words(&words("d eth0 f m")).unwrap();
        assert_eq!(r.dev.as_deref(), Some("eth0"));
        assert!(r.full && r.prefix.as_deref() == Some(""));
        for bad in ["kernel dev eth0", "prefix X", "dev", "macros prefix", "macros prefix A prefix B", "bogus"] {
            assert!(parse_probe_words(&words(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn json_sections_and_macros() {
        let r = Report {
            system: Some(probe::SystemConfig {
                sysctls: vec![("bpf_jit_enable", 1)],
                kconfig: vec![("CONFIG_BPF", Some("y".into())), ("CONFIG_HZ", None)],
                kconfig_error: None,
            }),
            syscall: true,
            prog_types: vec![probe::Verdict { name: "xdp".into(), available: true }],
            map_types: vec![probe::Verdict { name: "hash".into(), available: false }],
            helpers: vec![probe::HelperSet {
                prog_type: "xdp".into(),
                type_available: true,
                helpers: vec![("bpf_map_lookup_elem", true), ("bpf_skb_store_bytes", false)],
            }],
            misc: vec![probe::Misc { key: "have_bounded_loops", available: true }],
        };
        let v = to_json(&r);
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["system_config", "syscall_config", "program_types", "map_types", "helpers", "misc"]);
        assert_eq!(v["system_config"]["CONFIG_HZ"], Value::Null);
        assert_eq!(v["program_types"]["have_xdp_prog_type"], true);
        assert_eq!(v["helpers"]["xdp_available_helpers"], json!(["bpf_map_lookup_elem"]));
        let mut m = Vec::new();
        macros(&r, "P_", &mut m).unwrap();
        let m = String::from_utf8(m).unwrap();
        assert!(m.contains("/* P_CONFIG_HZ is not set */\n"), "{m}");
        assert!(m.contains("#define P_HAVE_XDP_PROG_TYPE\n\n"), "{m}");
        assert!(m.contains("#define P_NO_HAVE_HASH_MAP_TYPE\n"), "{m}");
        assert!(m.contains("#define P_BPF__PROG_TYPE_xdp__HELPER_bpf_skb_store_bytes 0\n"), "{m}");
        assert!(m.contains("#define P_HAVE_BOUNDED_LOOPS\n"), "{m}");
        assert!(!m.contains("CONFIG_BPF "), "{m}");
    }
}
