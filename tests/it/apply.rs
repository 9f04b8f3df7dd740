//! `bpfpin apply` / `diff`: manifests generated per test from a template
//! (the test's own bpffs dir, state dir, namespaces and veths), applied to
//! the real kernel; effects read back with `ls`, `net show` and map lookups.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::require_root;
use crate::util::{BpffsDir, NetNs, TempDir, bpfpin, bpftool, object, sample, unique};

/// One test's world: pins, state, a directory with the manifest and a copy
/// of the object it names (overwritten to ship a "new build").
struct Env {
    d: BpffsDir,
    ns: NetNs,
    dir: TempDir,
    name: String,
}

impl Env {
    fn new() -> Env {
        let dir = TempDir::new();
        fs::copy(object("apply_v1.o"), dir.join("app.o")).unwrap();
        Env { d: BpffsDir::new(), ns: NetNs::new(), dir, name: unique("apply") }
    }

    fn manifest(&self, body: &str) -> String {
        let text = format!(
            "name = \"{}\"\npin_dir = \"{}\"\nstate_dir = \"{}\"\n{}",
            self.name,
            self.d.s(),
            self.dir.join("state"),
            body.replace("@NS", &self.ns.ns)
                .replace("@PEERNS", &self.ns.peer_ns)
                .replace("@HOST", &self.ns.host)
                .replace("@PEER", &self.ns.peer)
        );
        let p = self.dir.join("host.toml");
        fs::write(&p, text).unwrap();
        p
    }

    fn new_build(&self) {
        fs::copy(object("apply_v2.o"), self.dir.join("app.o")).unwrap();
    }

    fn state(&self) -> String {
        fs::read_to_string(self.dir.join(&format!("state/{}.json", self.name))).unwrap_or_default()
    }

    /// `net show` of both ends, ids of every pin: what "the host" is here.
    fn host(&self) -> (Value, Value, Value) {
        let net = |ns: &str, dev: &str| bpfpin(&["-j", "--netns", ns, "net", "show", "dev", dev]).ok().json();
        (
            bpfpin(&["-j", "ls", &self.d.s()]).ok().json(),
            net(&self.ns.ns, &self.ns.host),
            net(&self.ns.peer_ns, &self.ns.peer),
        )
    }

    fn xdp_prog(&self) -> Option<u64> {
        let net = bpfpin(&["-j", "--netns", &self.ns.ns, "net", "show", "dev", &self.ns.host]).ok().json();
        net[0]["xdp"].as_array().and_then(|a| a.first()).and_then(|x| x["id"].as_u64())
    }

    fn counts(&self) -> (u64, u64) {
        let m = self.d.join("maps/apply_counts");
        let get = |k: &str| {
            bpfpin(&["-j", "map", "lookup", "pinned", &m, "key", k, "0", "0", "0"]).ok().json()["formatted"]["value"]
                .as_u64()
                .unwrap()
        };
        (get("0"), get("1"))
    }
}

const APP_XDP: &str = r#"
[[object]]
name = "app"
path = "app.o"
[[attach]]
program = "app/apply_xdp"
kind = "xdp"
dev = "@HOST"
netns = "@NS"
"#;

fn tc_count() -> String {
    format!("[[object]]\npath = \"{}\"\n", sample("tc_count/tc_count.bpf.o"))
}

/// tc_count with its ingress slot seeded to 100 packets (typed through BTF).
fn tc_count_seeded() -> String {
    format!(
        "{}[[object.seed]]\nmap = \"tc_dir_count\"\nkey = \"0 0 0 0\"\nvalue = {{ packets = 100, bytes = 0 }}\n",
        tc_count()
    )
}

const TC_EGRESS: &str = r#"
[[attach]]
program = "tc_count/tc_count_egress"
kind = "tc"
direction = "egress"
priority = 7
handle = 3
dev = "@HOST"
netns = "@NS"
"#;

/// (action, kind, name) of a `-j` plan.
fn plan(v: &Value) -> Vec<(String, String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["action"].as_str().unwrap().into(),
                a["kind"].as_str().unwrap().into(),
                a["name"].as_str().unwrap().into(),
            )
        })
        .collect()
}

fn row(a: &str, k: &str, n: &str) -> (String, String, String) {
    (a.into(), k.into(), n.into())
}

fn ids(ls: &Value) -> Vec<(String, u64)> {
    ls.as_array().unwrap().iter().filter_map(|e| Some((e["path"].as_str()?.to_string(), e["id"].as_u64()?))).collect()
}

#[test]
fn samples_manifest_applied_twice_changes_nothing_the_second_time() {
    require_root!();
    let e = Env::new();
    let body = format!(
        "[[object]]\npath = \"{}\"\n{}\n{TC_EGRESS}\n[[attach]]\nprogram = \"xdp_count/xdp_count\"\nkind = \"xdp\"\ndev = \"@HOST\"\nnetns = \"@NS\"\n[[attach]]\nprogram = \"tc_count/tc_count_ingress\"\nkind = \"tcx\"\ndirection = \"ingress\"\ndev = \"@HOST\"\nnetns = \"@NS\"\n",
        sample("xdp_count/xdp_count.bpf.o"),
        tc_count_seeded()
    );
    let m = e.manifest(&body);
    let first = bpfpin(&["-j", "apply", &m, "--detailed-exitcode"]);
    assert_eq!(first.code(), Some(2), "{}", first.stderr());
    let p = plan(&first.json());
    assert!(
        p.contains(&row("create", "object", "xdp_count")) && p.contains(&row("create", "object", "tc_count")),
        "{p:?}"
    );
    assert_eq!(p.iter().filter(|r| r.0 == "attach").count(), 3, "{p:?}");
    let before = ids(&bpfpin(&["-j", "ls", &e.d.s()]).ok().json());
    assert!(before.iter().any(|(p, _)| p.ends_with("/xdp_count/xdp_count")), "{before:?}");
    // The hooks run: egress replies are counted by the tc program.
    e.ns.ping_from_peer(4).ok();
    let slot = |k: &str| {
        let c = bpfpin(&["-j", "map", "lookup", "pinned", &e.d.join("maps/tc_dir_count"), "key", k, "0", "0", "0"]);
        c.ok().json()["formatted"]["value"]["packets"].as_u64().unwrap()
    };
    assert!(slot("1") >= 4, "egress: {}", slot("1"));
    // Ingress (tcx) counts on top of the seeded 100.
    let ingress = slot("0");
    assert!(ingress >= 104, "ingress: {ingress}");
    let second = bpfpin(&["-j", "apply", &m, "--detailed-exitcode"]);
    assert_eq!(second.code(), Some(0), "{}", second.stderr());
    assert!(plan(&second.json()).iter().all(|r| r.0 == "unchanged"), "{}", second.stdout());
    assert_eq!(ids(&bpfpin(&["-j", "ls", &e.d.s()]).ok().json()), before, "program/map/link ids changed");
    // The seed is written once, when the map is made: the count goes on.
    assert!(slot("0") >= ingress, "the second apply reset the seeded map");
    let net = bpfpin(&["-j", "--netns", &e.ns.ns, "net", "show", "dev", &e.ns.host]).ok().json();
    assert_eq!(net[0]["tc"].as_array().unwrap().len(), 2, "{net}");
}

#[test]
fn edits_give_exactly_their_diff_and_change() {
    require_root!();
    let e = Env::new();
    let m = e.manifest(APP_XDP);
    bpfpin(&["apply", &m]).ok();
    let old_prog = e.xdp_prog().expect("xdp attached");
    e.ns.ping_from_peer(3).ok();
    // New build of app, and an extra object with an extra attachment.
    e.new_build();
    let m = e.manifest(&format!("{APP_XDP}{}{TC_EGRESS}", tc_count()));
    let xdp_key = format!("xdp:{}:{}", e.ns.ns, e.ns.host);
    let tc_key = format!("tc:{}:{}:egress:7:3", e.ns.ns, e.ns.host);
    let want = vec![
        row("replace", "object", "app"),
        row("create", "object", "tc_count"),
        row("replace", "attachment", &xdp_key),
        row("attach", "attachment", &tc_key),
    ];
    assert_eq!(plan(&bpfpin(&["-j", "diff", &m]).ok().json()), want);
    let dry = bpfpin(&["-j", "apply", &m, "--dry-run", "--detailed-exitcode"]);
    assert_eq!((dry.code(), plan(&dry.json())), (Some(2), want.clone()));
    assert_eq!(e.xdp_prog(), Some(old_prog), "--dry-run changed the host");
    assert_eq!(plan(&bpfpin(&["-j", "apply", &m]).ok().json()), want);
    let new_prog = e.xdp_prog().unwrap();
    assert_ne!(new_prog, old_prog);
    // The reused map kept what v1 counted.
    assert_eq!(e.counts().0, 3);
    e.ns.ping_from_peer(2).ok();
    assert_eq!(e.counts(), (3, 2));
    // The tc attachment leaves the manifest: kept without --prune, detached with it.
    let m = e.manifest(&format!("{APP_XDP}{}", tc_count()));
    let p = plan(&bpfpin(&["-j", "diff", &m]).ok().json());
    assert!(p.contains(&row("keep", "attachment", &tc_key)), "{p:?}");
    let pruned = plan(&bpfpin(&["-j", "apply", &m, "--prune", "--dry-run"]).ok().json());
    assert_eq!(
        pruned.iter().filter(|r| r.0 != "unchanged").cloned().collect::<Vec<_>>(),
        vec![row("detach", "attachment", &tc_key)]
    );
    bpfpin(&["apply", &m, "--prune"]).ok();
    let net = bpfpin(&["-j", "--netns", &e.ns.ns, "net", "show", "dev", &e.ns.host]).ok().json();
    assert_eq!(net[0]["tc"], serde_json::json!([]), "{net}");
    assert_eq!(e.xdp_prog(), Some(new_prog));
    let again = bpfpin(&["apply", &m, "--prune", "--detailed-exitcode"]);
    assert_eq!(again.code(), Some(0), "{}", again.stdout());
}

#[test]
fn prune_never_touches_what_apply_did_not_make() {
    require_root!();
    let e = Env::new();
    let foreign = e.d.join("foreign");
    bpfpin(&["prog", "load", &object("apply_v1.o"), &foreign]).ok();
    let m = e.manifest(APP_XDP);
    bpfpin(&["apply", &m]).ok();
    let m = e.manifest("");
    let p = plan(&bpfpin(&["-j", "apply", &m, "--prune"]).ok().json());
    assert!(p.contains(&row("remove", "object", "app")) && p.iter().any(|r| r.0 == "detach"), "{p:?}");
    assert!(Path::new(&foreign).exists(), "prune removed a pin it did not make");
    assert!(!Path::new(&e.d.join("app")).exists());
    assert_eq!(e.xdp_prog(), None);
}

#[test]
fn upgrade_under_traffic_loses_no_packet() {
    require_root!();
    let e = Env::new();
    let m = e.manifest(APP_XDP);
    bpfpin(&["apply", &m]).ok();
    let ping = Command::new("nsenter")
        .args([
            &format!("--net=/run/netns/{}", e.ns.peer_ns),
            "ping",
            "-c",
            "300",
            "-i",
            "0.01",
            "-W",
            "1",
            &e.ns.host_ip,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    e.new_build();
    let up = plan(&bpfpin(&["-j", "apply", &m]).ok().json());
    assert!(up.contains(&row("replace", "attachment", &format!("xdp:{}:{}", e.ns.ns, e.ns.host))), "{up:?}");
    let out = ping.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let sent: u64 = text
        .lines()
        .find_map(|l| {
            l.split(" packets transmitted")
                .next()
                .filter(|_| l.contains("packets transmitted"))
                .map(|n| n.trim().parse().unwrap())
        })
        .unwrap_or_else(|| panic!("no ping summary: {text}"));
    let (v1, v2) = e.counts();
    assert!(v1 > 0 && v2 > 0, "both versions should have run: v1 {v1}, v2 {v2}");
    assert_eq!(v1 + v2, sent, "packets counted by neither program (v1 {v1} + v2 {v2} != {sent} sent)");
}

#[test]
fn a_failure_half_way_leaves_the_host_exactly_as_before() {
    require_root!();
    let e = Env::new();
    bpfpin(&["apply", &e.manifest(APP_XDP)]).ok();
    // A foreign XDP program holds the peer's hook, so the last attachment fails
    // after the new build was loaded, the xdp link swapped and tc attached.
    let foreign = e.d.join("foreign");
    bpfpin(&["prog", "load", &object("apply_v1.o"), &foreign]).ok();
    bpfpin(&["--netns", &e.ns.peer_ns, "net", "attach", "xdpgeneric", "pinned", &foreign, "dev", &e.ns.peer]).ok();
    let before = (e.host(), e.state());
    e.new_build();
    let last = "[[attach]]\nprogram = \"app/apply_xdp\"\nkind = \"xdp\"\ndev = \"@PEER\"\nnetns = \"@PEERNS\"\n";
    let m = e.manifest(&format!("{APP_XDP}{}{TC_EGRESS}{last}", tc_count()));
    bpfpin(&["apply", &m]).err("attach[2]");
    assert_eq!((e.host(), e.state()), before);
    // An unknown device is found before anything is done, named by its field.
    let m = e.manifest(&format!("{APP_XDP}{}{TC_EGRESS}{}", tc_count(), last.replace("@PEER\"", "eth9\"")));
    bpfpin(&["apply", &m]).err("attach[2].dev: no such interface \"eth9\"");
    assert_eq!((e.host(), e.state()), before);
}

#[test]
fn watch_repairs_a_detached_program_within_two_intervals() {
    require_root!();
    let e = Env::new();
    let m = e.manifest(APP_XDP);
    let child = Command::new(env!("CARGO_BIN_EXE_bpfpin"))
        .args(["apply", &m, "--watch", "--interval", "0.5"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let wait_for = |what: &str, limit: Duration, f: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !f() {
            assert!(start.elapsed() < limit, "{what} did not happen within {limit:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait_for("the first apply", Duration::from_secs(10), &|| e.xdp_prog().is_some());
    let first = e.xdp_prog();
    bpfpin(&["--netns", &e.ns.ns, "net", "detach", "xdp", "dev", &e.ns.host]).ok();
    assert_eq!(e.xdp_prog(), None);
    wait_for("the repair", Duration::from_millis(1000), &|| e.xdp_prog().is_some());
    assert_eq!(e.xdp_prog(), first, "the same program is attached again");
    // A removed program pin: the program still runs, so the same one is pinned again.
    let pin = e.d.join("app/apply_xdp");
    fs::remove_file(&pin).unwrap();
    wait_for("the repin", Duration::from_millis(1000), &|| Path::new(&pin).exists());
    let id = bpfpin(&["-j", "prog", "show", "pinned", &pin]).ok().json()["id"].as_u64();
    assert_eq!(id, first);
    unsafe_free_kill(child.id());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert!(lines.iter().filter(|l| l["action"] == "attach").count() >= 2, "{lines:?}");
    assert!(lines.iter().any(|l| l["action"] == "repin" && l["name"] == "app"), "{lines:?}");
    assert_eq!(lines.last().unwrap()["action"], "stop");
    // SIGTERM leaves the state in place.
    assert!(e.xdp_prog().is_some());
}

/// SIGTERM to our own child, through kill(1).
fn unsafe_free_kill(pid: u32) {
    Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
}

#[test]
fn deploy_manifests_validate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    let k8s: Vec<String> = ["daemonset.yaml", "configmap.yaml"]
        .iter()
        .map(|f| root.join("kubernetes").join(f).display().to_string())
        .collect();
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/venv-k8s/bin/kubernetes-validate");
    let validator = if venv.exists() { venv.display().to_string() } else { "kubernetes-validate".to_string() };
    match Command::new(&validator).arg("--strict").args(&k8s).output() {
        Ok(o) => assert!(
            o.status.success(),
            "{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("kubernetes-validate: {e} (run scripts/setup.sh)")
        }
        Err(e) => eprintln!("skipped: kubernetes-validate not runnable ({e}); run scripts/setup.sh"),
    }
    // The ConfigMap's manifest is one apply accepts.
    let cm = fs::read_to_string(&k8s[1]).unwrap();
    assert!(cm.contains("host.toml: |"), "the ConfigMap carries host.toml");
    let units: Vec<String> = ["bpfpin-apply.service", "bpfpin-apply.path", "bpfpin-apply-reload.service"]
        .iter()
        .map(|f| root.join("systemd").join(f).display().to_string())
        .collect();
    if let Ok(o) = Command::new("systemd-analyze").arg("verify").args(&units).output() {
        let err = String::from_utf8_lossy(&o.stderr);
        // Only complaints about our units count (the host's own may be noisy),
        // and not that bpfpin is not installed at /usr/bin here.
        let ours: Vec<&str> =
            err.lines().filter(|l| l.contains("bpfpin-apply") && !l.contains("is not executable")).collect();
        assert!(ours.is_empty(), "{err}");
    }
}

#[test]
fn link_attachment_is_seeded_and_upgraded_make_before_break() {
    require_root!();
    let e = Env::new();
    fs::copy(object("apply_tp_v1.o"), e.dir.join("tp.o")).unwrap();
    // The program counts getpid calls of this thread only: its tid is the seed.
    let me = fs::read_link("/proc/thread-self").unwrap();
    let tid: u32 = me.file_name().unwrap().to_str().unwrap().parse().unwrap();
    let v = tid.to_le_bytes().map(|b| b.to_string()).join(" ");
    let body = format!(
        "[[object]]\nname = \"tp\"\npath = \"tp.o\"\n[[object.seed]]\nmap = \"apply_tp_cfg\"\nkey = [0, 0, 0, 0]\nvalue = \"{v}\"\n[[attach]]\nprogram = \"tp/apply_getpid\"\nkind = \"link\"\ntarget = \"tracepoint syscalls:sys_enter_getpid\"\n"
    );
    let m = e.manifest(&body);
    let first = bpfpin(&["apply", &m]);
    if first.code() != Some(0) && first.stderr().contains("targets are not supported yet") {
        // Until `link attach` has its tracepoint family (issue 12): the
        // refusal must at least have been undone completely.
        eprintln!("skipped: `link attach` cannot attach tracepoints yet");
        assert_eq!(e.state(), "");
        assert_eq!(bpfpin(&["-j", "ls", &e.d.s()]).ok().json(), serde_json::json!([]));
        return;
    }
    first.ok();
    let counts = || {
        let map = e.d.join("maps/apply_tp_counts");
        let get = |k: &str| {
            bpfpin(&["-j", "map", "lookup", "pinned", &map, "key", k, "0", "0", "0"]).ok().json()["formatted"]["value"]
                .as_u64()
                .unwrap()
        };
        (get("0"), get("1"))
    };
    for _ in 0..5 {
        let _ = std::process::id();
    }
    assert_eq!(counts(), (5, 0));
    // Tracepoint links cannot change program: a new link replaces the old.
    fs::copy(object("apply_tp_v2.o"), e.dir.join("tp.o")).unwrap();
    let key = "link:tp/apply_getpid:tracepoint syscalls:sys_enter_getpid";
    let p = plan(&bpfpin(&["-j", "apply", &m]).ok().json());
    assert!(p.contains(&row("replace", "attachment", key)), "{p:?}");
    for _ in 0..3 {
        let _ = std::process::id();
    }
    // The reused maps kept the seed and v1's count; only v2 runs now.
    assert_eq!(counts(), (5, 3));
    let links = bpfpin(&["-j", "ls", &e.d.join("links")]).ok().json();
    assert_eq!(links.as_array().unwrap().len(), 1, "{links}");
    let again = bpfpin(&["apply", &m, "--detailed-exitcode"]);
    assert_eq!(again.code(), Some(0), "{}", again.stdout());
}

/// A cgroup of this test, removed on drop (its processes have exited).
struct Cg(std::path::PathBuf);

impl Drop for Cg {
    fn drop(&mut self) {
        for _ in 0..100 {
            if fs::remove_dir(&self.0).is_ok() || !self.0.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Three pings to 127.0.0.1 from a process of the cgroup, in a fresh
/// network namespace: three echo requests leave through its socket.
fn ping3_in(cg: &Path) {
    let script = format!(
        "ip link set lo up && echo $$ > {}/cgroup.procs && exec ping -q -c 3 -i 0.2 -W 1 127.0.0.1",
        cg.display()
    );
    crate::util::sh("unshare", &["-n", "sh", "-c", &script]).ok();
}

#[test]
fn cgroup_link_attachment_counts_and_swaps_its_program_in_place() {
    require_root!();
    let e = Env::new();
    let cg = Cg(Path::new("/sys/fs/cgroup/unified").join(unique("bpfpin_apply_cg")));
    fs::create_dir(&cg.0).unwrap();
    let obj = e.dir.join("cg.o");
    fs::copy(object("cgroup_progs.o"), &obj).unwrap();
    let attach = |prog: &str| {
        format!(
            "[[object]]\nname = \"cg\"\npath = \"cg.o\"\n[[attach]]\nprogram = \"cg/{prog}\"\nkind = \"link\"\ntarget = \"cgroup {} egress\"\n",
            cg.0.display()
        )
    };
    let m = e.manifest(&attach("cg_egress"));
    bpfpin(&["apply", &m]).ok();
    let counters = || {
        let v = bpfpin(&["-j", "map", "dump", "pinned", &e.d.join("maps/cg_count")]).ok().json();
        (v[0]["formatted"]["value"].as_u64().unwrap(), v[1]["formatted"]["value"].as_u64().unwrap())
    };
    let link = || {
        let v = bpfpin(&["-j", "ls", &e.d.join("links")]).ok().json();
        assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
        let l = v[0]["path"].as_str().unwrap().to_string();
        let shown = bpftool(&["-j", "link", "show", "pinned", &l]).ok().json();
        (shown["id"].as_u64().unwrap(), shown["prog_id"].as_u64().unwrap())
    };
    ping3_in(&cg.0);
    assert_eq!(counters(), (3, 0));
    let (link_id, prog_id) = link();
    // A new build (a byte more, so another digest): the same link runs the
    // new program (BPF_LINK_UPDATE), and the reused map keeps counting.
    let mut bytes = fs::read(&obj).unwrap();
    bytes.push(0);
    fs::write(&obj, bytes).unwrap();
    let key = format!("link:cg/cg_egress:cgroup {} egress", cg.0.display());
    let p = plan(&bpfpin(&["-j", "apply", &m]).ok().json());
    assert!(p.contains(&row("replace", "attachment", &key)), "{p:?}");
    let (link_after, prog_after) = link();
    assert_eq!(link_after, link_id, "the link was replaced, not updated");
    assert_ne!(prog_after, prog_id);
    ping3_in(&cg.0);
    assert_eq!(counters(), (6, 0));
    // Another program at the hook is another attachment: attached, and the
    // old one detached by --prune (cg_ingress counts into slot 1 wherever it runs).
    let m = e.manifest(&attach("cg_ingress"));
    let p = plan(&bpfpin(&["-j", "apply", &m, "--prune"]).ok().json());
    let new_key = key.replace("cg_egress", "cg_ingress");
    assert!(
        p.contains(&row("attach", "attachment", &new_key)) && p.contains(&row("detach", "attachment", &key)),
        "{p:?}"
    );
    ping3_in(&cg.0);
    assert_eq!(counters(), (6, 3), "only the new program counts");
}

/// What a killed apply leaves (its staging directory, with a program pinned
/// there and a link attached through it) is swept by the next apply: the
/// link ends, and nothing of it stays under pin_dir.
#[test]
fn a_killed_applys_staging_is_swept_by_the_next() {
    require_root!();
    let e = Env::new();
    // A pid that is surely gone: a child that has exited and been reaped.
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let staging = e.d.join(&format!("_staging-{dead}"));
    let prog = format!("{staging}/trace/count_getpid");
    bpfpin(&["prog", "loadall", &object("attach_trace.o"), &format!("{staging}/trace")]).ok();
    let link = format!("{staging}/link");
    bpfpin(&["link", "attach", "pinned", &prog, "tracepoint", "syscalls:sys_enter_getpid", &link]).ok();
    let link_id = bpfpin(&["-j", "link", "show", "pinned", &link]).ok().json()["id"].as_u64().expect("link id");

    let m = e.manifest(APP_XDP);
    bpfpin(&["apply", &m]).ok();
    assert!(!Path::new(&staging).exists(), "{staging} is still there");
    let gone = Instant::now() + Duration::from_secs(5);
    while bpftool(&["link", "show", "id", &link_id.to_string()]).code() == Some(0) {
        assert!(Instant::now() < gone, "link {link_id} from the killed apply's staging still exists");
        std::thread::sleep(Duration::from_millis(50));
    }
    let names: Vec<String> =
        fs::read_dir(e.d.s()).unwrap().map(|x| x.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.starts_with("_staging-")), "{names:?}");
}
