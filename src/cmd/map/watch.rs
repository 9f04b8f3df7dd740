//! `bpfpin map watch MAP [--interval S] [--count N] [--duration S]
//! [--per-cpu]`: the map's entries sampled by `sampler` (every integer of a
//! value a counter) and drawn by `output::live`, the shape `net attach
//! socket` and `prog stats` print too. Per-CPU maps show the sum over CPUs,
//! or with --per-cpu one row per CPU.

use anyhow::{Result, bail};

use crate::cli::{Global, SampleArgs};
use crate::error::UserError;
use crate::kinds::map_type_name;
use crate::output::Out;
use crate::output::live::Live;
use crate::sampler::maps::{MapCounters, Pick};
use crate::sampler::{Plan, Sampler};
use crate::select::Words;

pub fn watch(_g: &Global, out: &mut Out, words: &[String], per_cpu: bool, sample: &SampleArgs) -> Result<()> {
    let plan = Plan::new(sample.interval, sample.count, sample.duration)?;
    let mut w = Words::new("map watch", words);
    let sel = w.take_map()?;
    w.expect_end()?;
    let map = MapCounters::open(crate::resolve::map(&sel)?)?;
    let kind = map_type_name(map.info.type_);
    if let Some((why, fix)) = unwatchable(&kind) {
        let what = format!("map `{}` (id {}, {kind})", map.name, map.info.id);
        bail!(UserError::new(format!("{what} cannot be watched: {why}"), fix));
    }
    let pick = Pick { per_cpu, ..Pick::default() };
    let mut live = Live::new();
    live.head(out, &format!("map `{}` (id {}, {kind}), {}", map.name, map.info.id, plan.describe()))?;
    let mut sampler = Sampler::new(&pick.key_columns(map.percpu), &[]);
    sampler.run(
        &plan,
        &mut || {
            let mut rows = Vec::new();
            map.rows(&pick, &mut rows)?;
            Ok(rows)
        },
        &mut |d| {
            std::thread::sleep(d);
            Ok(())
        },
        &mut |s| Ok(live.sample(out, s)?),
    )
}

/// Map types whose entries are no counters under keys.
fn unwatchable(kind: &str) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        "queue" | "stack" | "bloom_filter" => {
            ("it has no keys", "read it with `bpfpin map peek`, or watch a hash or array map")
        }
        "ringbuf" | "user_ringbuf" => {
            ("its records are consumed by a reader, not stored under keys", "read it with a ring buffer consumer")
        }
        "perf_event_array" => ("it holds perf event fds, not data", "watch a hash or array map"),
        "struct_ops" | "arena" => ("it holds no key/value data", "watch a hash or array map"),
        "sk_storage" | "inode_storage" | "task_storage" | "cgrp_storage" => {
            ("its entries are keyed by kernel objects", "watch a hash or array map")
        }
        _ => return None,
    })
}
