//! `net attach socket PROG dev IFACE [--interval S] [--count N] [--duration
//! S]`: a raw AF_PACKET socket bound to IFACE runs the program as its filter
//! (SO_ATTACH_BPF) while bpfpin stays in the foreground and samples the
//! program's map counters with `sampler`, drawn by `output::live` in the
//! shape `map watch` and `prog stats` print. The filter lives as long as the
//! socket, an `OwnedFd` here, so it ends with the command on every path:
//! the end of sampling (Ctrl-C, SIGTERM, --count, --duration) or an error.

use std::os::fd::AsFd;

use anyhow::{Context, Result};

use super::{Iface, Prog};
use crate::cli::SampleArgs;
use crate::output::Out;
use crate::output::live::Live;
use crate::sampler::maps::{MapCounters, Pick};
use crate::sampler::{Plan, Sampler};
use crate::sys::net as sysnet;
use crate::sys::{self, Kind};

/// Entries shown per map, so a big hash cannot flood the screen.
const MAX_ENTRIES: usize = 32;

/// The program's maps whose values can be read as counters; maps that
/// vanish or cannot be opened are left out rather than failing the attach.
fn open_maps(prog: &Prog) -> Vec<MapCounters> {
    prog.map_ids
        .iter()
        .filter_map(|&id| sys::get_fd_by_id(Kind::Map, id).ok())
        .filter_map(|fd| MapCounters::open(fd).ok())
        .filter(|m| crate::kinds::plain_values(m.info.type_))
        .collect()
}

pub(crate) fn run(out: &mut Out, prog: &Prog, iface: &Iface, sample: &SampleArgs) -> Result<()> {
    let plan = Plan::new(sample.interval, sample.count, sample.duration)?;
    let sock =
        sysnet::packet_socket(iface.ifindex).with_context(|| format!("opening a packet socket on {}", iface.name))?;
    sysnet::attach_socket_filter(sock.as_fd(), prog.fd())
        .with_context(|| format!("attaching {} to a packet socket on {} (SO_ATTACH_BPF)", prog.desc(), iface.name))?;
    let maps = open_maps(prog);
    let mut live = Live::new();
    live.head(
        out,
        &format!(
            "{} filtering packets on {} (ifindex {}), {}",
            prog.desc(),
            iface.name,
            iface.ifindex,
            plan.describe()
        ),
    )?;
    if maps.is_empty() {
        out.note("(the program has no counter maps to show)")?;
    }
    let pick = Pick { skip_zero: true, limit: Some(MAX_ENTRIES), map_column: true, ..Pick::default() };
    let mut sampler = Sampler::new(&pick.key_columns(false), &[]);
    sampler.run(
        &plan,
        &mut || {
            let mut rows = Vec::new();
            for m in &maps {
                m.rows(&pick, &mut rows)?;
            }
            Ok(rows)
        },
        // The socket's queue is drained while waiting: its packets are not
        // read, and a full queue would only make the kernel drop them.
        &mut |d| sysnet::wait_and_drain(sock.as_fd(), d.as_millis().clamp(1, 100) as i32),
        &mut |s| Ok(live.sample(out, s)?),
    )?;
    drop(sock);
    out.note("stopped; the socket filter is gone with its socket")?;
    Ok(())
}
