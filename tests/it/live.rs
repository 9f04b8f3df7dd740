//! The three live commands (`map watch`, `prog stats`, `net attach socket`)
//! are one engine: the same sampling flags, and with -j one JSON object per
//! line per sample with the same keys, whose rates are positive where a
//! counter really rose (pings flow through a test namespace all along).

use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::require_root;
use crate::util::{BpffsDir, NetNs, Run, bpfpin, object, sh};

/// Pings from the peer for as long as the guard lives.
struct Pinging(Child);

impl Drop for Pinging {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The JSON lines of a run, each parsed.
fn samples(r: &Run) -> Vec<Value> {
    r.stdout().lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object().unwrap_or_else(|| panic!("not an object: {v}")).keys().cloned().collect()
}

/// The rate of `counter` in the last sample's row that `pick` chooses.
fn last_rate(samples: &[Value], pick: impl Fn(&Value) -> bool, counter: &str) -> f64 {
    let last = samples.last().expect("a sample");
    let row =
        last["rows"].as_array().and_then(|r| r.iter().find(|r| pick(r))).unwrap_or_else(|| panic!("no row: {last}"));
    row["rate"][counter].as_f64().unwrap_or_else(|| panic!("no rate.{counter}: {row}"))
}

#[test]
fn live_commands_share_flags_and_json_lines() {
    require_root!();
    let ns = NetNs::new();
    let d = BpffsDir::new();
    let xdp = d.join("xdp");
    let sock = d.join("sock");
    bpfpin(&["prog", "load", &object("counter_xdp.o"), &xdp, "--pin-maps", &d.join("xdp_maps")]).ok();
    bpfpin(&["prog", "load", &object("counter_sock.o"), &sock, "--pin-maps", &d.join("sock_maps")]).ok();
    ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &xdp, "dev", &ns.host]).ok();
    let _ping = Pinging(
        Command::new("nsenter")
            .args([&format!("--net=/run/netns/{}", ns.peer_ns), "ping", "-c", "400", "-i", "0.02", &ns.host_ip])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let flags = ["-j", "--interval", "0.2", "--count", "2"];
    let with = |args: &[&str]| -> Vec<String> { args.iter().chain(&flags).map(|s| s.to_string()).collect() };
    let run = |args: Vec<String>| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        ns.bpfpin(&a).ok()
    };
    let watch = samples(&run(with(&["map", "watch", "pinned", &d.join("xdp_maps/pkt_count")])));
    let stats = samples(&run(with(&["prog", "stats"])));
    let socket = samples(&run(with(&["net", "attach", "socket", "pinned", &sock, "dev", &ns.host])));

    let top = ["sample", "time", "interval", "elapsed", "rows"];
    for (what, s) in [("map watch", &watch), ("prog stats", &stats), ("net attach socket", &socket)] {
        assert_eq!(s.len(), 2, "{what}: {s:?}");
        for (i, line) in s.iter().enumerate() {
            assert_eq!(keys(line), top, "{what}: {line}");
            assert_eq!(line["sample"], i as u64 + 1, "{what}: {line}");
            assert!((0.1..1.0).contains(&line["interval"].as_f64().unwrap()), "{what}: {line}");
            for row in line["rows"].as_array().unwrap() {
                for k in ["total", "delta", "rate"] {
                    assert!(row[k].is_object(), "{what}: no {k} in {row}");
                }
            }
        }
    }
    // Counters that really rose show a positive rate in every command.
    assert!(last_rate(&watch, |r| r["key"] == 0, "packets") > 0.0, "{watch:?}");
    assert!(last_rate(&stats, |r| r["name"] == "count_xdp", "run_cnt") > 0.0, "{stats:?}");
    assert!(last_rate(&socket, |r| r["map"] == "sock_count", "value") > 0.0, "{socket:?}");

    // The same checks of the same flags, in every command.
    for args in [
        vec!["map", "watch", "pinned", &d.join("xdp_maps/pkt_count")],
        vec!["prog", "stats"],
        vec!["net", "attach", "socket", "pinned", &sock, "dev", &ns.host],
    ] {
        for (bad, flag) in
            [("--interval=0", "--interval"), ("--count=0", "--count"), ("--duration=99999999", "--duration")]
        {
            let mut a = args.clone();
            a.push(bad);
            ns.bpfpin(&a).err(flag);
        }
    }
    // Hooks that do not sample refuse the flags.
    ns.bpfpin(&["net", "attach", "xdpgeneric", "pinned", &xdp, "dev", &ns.host, "--count", "2"]).err("--count");

    // SIGINT and SIGTERM end sampling cleanly: a last sample, exit 0, and
    // the socket filter gone with its socket (its counter stops).
    let bin = env!("CARGO_BIN_EXE_bpfpin");
    let netns = format!("--net=/run/netns/{}", ns.ns);
    let pkt_count = d.join("xdp_maps/pkt_count");
    for (sig, args) in [
        ("-INT", vec!["-j", "map", "watch", "pinned", &pkt_count, "--interval", "0.2"]),
        ("-TERM", vec!["-j", "net", "attach", "socket", "pinned", &sock, "dev", &ns.host, "--interval", "0.2"]),
    ] {
        // nsenter execs bpfpin in its own process, so the signal reaches it.
        let child = Command::new("nsenter")
            .arg(&netns)
            .arg(bin)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(700));
        sh("kill", &[sig, &child.id().to_string()]);
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{sig} {args:?}: {:?}\n{text}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert!(lines.len() >= 2, "{sig}: {text}");
    }
    let still = |at: &str| -> u64 {
        let v = bpfpin(&["-j", "map", "lookup", "pinned", at, "key", "0", "0", "0", "0"]).ok().json();
        v["formatted"]["value"].as_u64().unwrap_or_else(|| panic!("{v}"))
    };
    let before = still(&d.join("sock_maps/sock_count"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(still(&d.join("sock_maps/sock_count")), before, "the socket filter still counts");
}
