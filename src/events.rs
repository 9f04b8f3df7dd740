//! Records out of a ring buffer or a perf event array, for `map events`:
//! open the map's buffers (`sys::ringbuf`, `sys::perf`), wait for wake-ups,
//! and hand each record to a callback while keeping totals. Also finds the
//! BTF type records are printed as: a named struct, or the ring buffer's
//! declared value type (`__type(value, struct event)`), looked up in the
//! map's BTF and in the BTF of the programs that use the map (loaders leave
//! a ring buffer's own BTF value type out: the kernel refuses one).

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::btf::{Btf, BtfKind};
use crate::error::UserError;
use crate::kinds::map_type_name;
use crate::sys::perf::PerfBuf;
use crate::sys::ringbuf::{self, BUSY, DISCARD, HDR, RingBuf};
use crate::sys::{self, Kind, bpf_map_info};

/// perf record types (include/uapi/linux/perf_event.h).
const PERF_RECORD_LOST: u32 = aya_obj::generated::perf_event_type::PERF_RECORD_LOST as u32;
const PERF_RECORD_SAMPLE: u32 = aya_obj::generated::perf_event_type::PERF_RECORD_SAMPLE as u32;

/// Data pages per CPU for a perf event array (bpftool maps 16; more gives
/// bursts room without changing what is printed).
const PERF_PAGES: usize = 64;

/// One thing read from the map.
#[derive(Debug)]
pub enum Record<'a> {
    /// A record's bytes. `cpu`/`index` and `time` (ns, the perf clock) only
    /// for perf event arrays; a ring buffer record carries neither.
    Sample { cpu: Option<u32>, index: Option<u32>, time: Option<u64>, data: &'a [u8] },
    /// The kernel dropped `count` samples of a full perf buffer.
    Lost { cpu: u32, index: u32, id: u64, count: u64 },
    /// A perf record type bpftool does not decode either.
    Other { cpu: u32, index: u32, kind: u32, size: u16 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// What a session read: records delivered, their data bytes, samples lost.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub records: u64,
    pub bytes: u64,
    pub lost: u64,
}

enum Source {
    Ring(RingBuf),
    /// (cpu, map index, buffer)
    Perf(Vec<(u32, u32, PerfBuf)>),
}

pub struct Reader {
    /// Held so perf buffers stay in the map while we read (the kernel drops
    /// a map file's perf entries when that file is closed).
    _map: OwnedFd,
    src: Source,
    scratch: Vec<u8>,
    pub totals: Totals,
}

/// Whether `map events` can read a map of this type.
pub fn readable(map_type: u32) -> bool {
    matches!(map_type_name(map_type).as_str(), "ringbuf" | "perf_event_array")
}

impl Reader {
    /// Map the buffers of `map` (a ring buffer or a perf event array).
    /// `only` = bpftool's `cpu N index M`: one perf buffer on CPU N stored
    /// at index M; without it, CPU i at index i for every CPU.
    pub fn open(map: OwnedFd, info: &bpf_map_info, only: Option<(u32, u32)>) -> Result<Reader> {
        let kind = map_type_name(info.type_);
        let what = format!("map `{}` (id {})", crate::pins::c_name(&info.name), info.id);
        let src = match kind.as_str() {
            "ringbuf" => {
                if only.is_some() {
                    bail!(UserError::new(
                        format!("{what} is a ring buffer, which has no per-CPU buffers (`cpu`/`index`)"),
                        "drop `cpu N index M`; they apply to perf event arrays"
                    ));
                }
                Source::Ring(
                    RingBuf::map(map.as_fd(), info.max_entries)
                        .with_context(|| format!("mapping ring buffer {what}"))?,
                )
            }
            "perf_event_array" => Source::Perf(open_perf(map.as_fd(), info, only, &what)?),
            _ => bail!(UserError::new(
                format!("{what} is a {kind}, not a ring buffer or perf event array"),
                "read events from a ringbuf or perf_event_array map (`bpfpin map show` lists types)"
            )),
        };
        Ok(Reader { _map: map, src, scratch: Vec::new(), totals: Totals::default() })
    }

    /// Wait up to `timeout` for data, then hand every record available to
    /// `f` until it says stop. Returns Stop when `f` did.
    pub fn poll(&mut self, timeout: Duration, f: &mut dyn FnMut(Record<'_>) -> Result<Flow>) -> Result<Flow> {
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        match &mut self.src {
            Source::Ring(rb) => {
                // Drain before sleeping: the kernel wakes a consumer only
                // when it had caught up, so data may already be waiting.
                if drain_ring(rb, &mut self.totals, f)? == Flow::Stop {
                    return Ok(Flow::Stop);
                }
                ringbuf::poll_readable(&[self._map.as_fd()], ms).context("waiting on the ring buffer")?;
                drain_ring(rb, &mut self.totals, f)
            }
            Source::Perf(bufs) => {
                for (cpu, index, b) in bufs.iter_mut() {
                    if drain_perf(*cpu, *index, b, &mut self.scratch, &mut self.totals, f)? == Flow::Stop {
                        return Ok(Flow::Stop);
                    }
                }
                let fds: Vec<BorrowedFd<'_>> = bufs.iter().map(|(_, _, b)| b.fd()).collect();
                ringbuf::poll_readable(&fds, ms).context("waiting on the perf buffers")?;
                for (cpu, index, b) in bufs.iter_mut() {
                    if drain_perf(*cpu, *index, b, &mut self.scratch, &mut self.totals, f)? == Flow::Stop {
                        return Ok(Flow::Stop);
                    }
                }
                Ok(Flow::Continue)
            }
        }
    }
}

fn open_perf(
    map: BorrowedFd<'_>,
    info: &bpf_map_info,
    only: Option<(u32, u32)>,
    what: &str,
) -> Result<Vec<(u32, u32, PerfBuf)>> {
    let pairs: Vec<(u32, u32)> = match only {
        Some((cpu, index)) => {
            if index >= info.max_entries {
                bail!(UserError::new(
                    format!("index {index} is out of range for {what}, which has {} entries", info.max_entries),
                    format!("give an index below {}", info.max_entries)
                ));
            }
            vec![(cpu, index)]
        }
        None => {
            let n = sys::possible_cpus().context("counting CPUs")?.min(info.max_entries as usize) as u32;
            (0..n).map(|c| (c, c)).collect()
        }
    };
    let mut bufs = Vec::with_capacity(pairs.len());
    for (cpu, index) in pairs {
        let b = match PerfBuf::open(cpu, PERF_PAGES) {
            Ok(b) => b,
            // An offline (possible but absent) CPU has nothing to read.
            Err(e) if e.raw_os_error() == Some(libc::ENODEV) && only.is_none() => continue,
            Err(e) => {
                let fix = match e.raw_os_error() {
                    Some(libc::EACCES) | Some(libc::EPERM) => {
                        "run as root (perf_event_open needs CAP_PERFMON or CAP_SYS_ADMIN)"
                    }
                    Some(libc::ENODEV) | Some(libc::EINVAL) => {
                        "name an online CPU (see /sys/devices/system/cpu/online)"
                    }
                    _ => "check that this kernel has perf events (CONFIG_PERF_EVENTS)",
                };
                bail!(UserError::new(format!("opening a BPF output perf event on CPU {cpu} failed: {e}"), fix));
            }
        };
        let fd = std::os::fd::AsRawFd::as_raw_fd(&b.fd()) as u32;
        sys::map::update(map, &index.to_ne_bytes(), &fd.to_ne_bytes(), 0)
            .with_context(|| format!("storing CPU {cpu}'s perf buffer at index {index} of {what}"))?;
        bufs.push((cpu, index, b));
    }
    if bufs.is_empty() {
        bail!(UserError::new(format!("no online CPU to read {what} on"), "bring a CPU online"));
    }
    Ok(bufs)
}

fn drain_ring(rb: &mut RingBuf, t: &mut Totals, f: &mut dyn FnMut(Record<'_>) -> Result<Flow>) -> Result<Flow> {
    let mut cons = rb.consumer_pos();
    loop {
        let prod = rb.producer_pos();
        if cons >= prod {
            return Ok(Flow::Continue);
        }
        let hdr = rb.header(cons);
        if hdr & BUSY != 0 {
            // Reserved but not yet committed; it will wake us when it is.
            return Ok(Flow::Continue);
        }
        let len = hdr & !(BUSY | DISCARD);
        let flow = if hdr & DISCARD == 0 {
            t.records += 1;
            t.bytes += u64::from(len);
            f(Record::Sample { cpu: None, index: None, time: None, data: rb.data(cons, len) })?
        } else {
            Flow::Continue
        };
        cons += (u64::from(len) + HDR + 7) & !7;
        rb.set_consumer_pos(cons);
        if flow == Flow::Stop {
            return Ok(Flow::Stop);
        }
    }
}

fn drain_perf(
    cpu: u32,
    index: u32,
    b: &mut PerfBuf,
    scratch: &mut Vec<u8>,
    t: &mut Totals,
    f: &mut dyn FnMut(Record<'_>) -> Result<Flow>,
) -> Result<Flow> {
    let head = b.head();
    let mut tail = b.tail();
    while head.saturating_sub(tail) >= 8 {
        let mut h = [0u8; 8];
        b.copy(tail, &mut h);
        let kind = u32::from_ne_bytes([h[0], h[1], h[2], h[3]]);
        let size = u16::from_ne_bytes([h[6], h[7]]);
        if size < 8 || u64::from(size) > head - tail {
            // A header the kernel would never write: skip to the head
            // rather than loop on it.
            b.set_tail(head);
            bail!(
                "perf buffer of CPU {cpu} holds a malformed record (size {size}); its remaining records were skipped"
            );
        }
        scratch.resize(usize::from(size), 0);
        b.copy(tail, scratch);
        tail += u64::from(size);
        // The copy is ours: the kernel may reuse the space at once.
        b.set_tail(tail);
        let u64_at = |o: usize| scratch.get(o..o + 8).map(|s| u64::from_ne_bytes(s.try_into().unwrap_or([0; 8])));
        let flow = match kind {
            PERF_RECORD_SAMPLE => {
                // PERF_SAMPLE_TIME then PERF_SAMPLE_RAW: u64 time, u32 size, bytes.
                let time = u64_at(8);
                let raw = scratch.get(16..20).map(|s| u32::from_ne_bytes([s[0], s[1], s[2], s[3]])).unwrap_or(0);
                let end = (20 + raw as usize).min(scratch.len());
                let data = scratch.get(20..end).unwrap_or(&[]);
                t.records += 1;
                t.bytes += data.len() as u64;
                f(Record::Sample { cpu: Some(cpu), index: Some(index), time, data })?
            }
            PERF_RECORD_LOST => {
                let count = u64_at(16).unwrap_or(0);
                t.lost += count;
                f(Record::Lost { cpu, index, id: u64_at(8).unwrap_or(0), count })?
            }
            _ => f(Record::Other { cpu, index, kind, size })?,
        };
        if flow == Flow::Stop {
            return Ok(Flow::Stop);
        }
    }
    Ok(Flow::Continue)
}

/// The BTF type records are printed as.
pub struct RecordType {
    pub btf: Btf,
    pub id: u32,
    /// `struct event`, for messages.
    pub name: String,
}

/// BTF of the map itself, then of every program that uses it.
fn candidate_btfs(info: &bpf_map_info) -> Vec<Btf> {
    let mut ids = Vec::new();
    if info.btf_id != 0 {
        ids.push(info.btf_id);
    }
    for pid in sys::all_ids(Kind::Prog).unwrap_or_default() {
        // Programs can vanish between listing and opening.
        let Ok(fd) = sys::get_fd_by_id(Kind::Prog, pid) else { continue };
        let Ok(p) = sys::prog_info(fd.as_fd()) else { continue };
        if p.map_ids.contains(&info.id) && p.info.btf_id != 0 && !ids.contains(&p.info.btf_id) {
            ids.push(p.info.btf_id);
        }
    }
    ids.iter().filter_map(|&id| sys::btf_raw(id).ok()).filter_map(|raw| Btf::parse(&raw).ok()).collect()
}

/// `--type NAME` (a struct, union or typedef name; `struct event` works
/// too), or by default the ring buffer's declared value type. None when
/// neither is known: records are printed as bytes.
pub fn record_type(info: &bpf_map_info, name: Option<&str>, file: Option<Btf>) -> Result<Option<RecordType>> {
    // `--btf FILE`: the type is looked up there alone.
    let btfs = match file {
        Some(b) => vec![b],
        None => candidate_btfs(info),
    };
    let map_name = crate::pins::c_name(&info.name);
    if let Some(name) = name {
        let bare = name.trim_start_matches("struct ").trim_start_matches("union ").trim();
        for btf in btfs {
            let found = [BtfKind::Struct, BtfKind::Union, BtfKind::Typedef]
                .into_iter()
                .find_map(|k| btf.find_by_name_kind(bare, k));
            if let Some(id) = found {
                let name = btf.type_decl(id);
                return Ok(Some(RecordType { btf, id, name }));
            }
        }
        bail!(UserError::new(
            format!("no type `{bare}` in the BTF of map `{map_name}` (id {}) or of the programs that use it", info.id),
            "name a struct the object defines (as in `struct event` → `--type event`); the object must carry BTF (clang -g)"
        ));
    }
    if map_type_name(info.type_) != "ringbuf" {
        return Ok(None);
    }
    for btf in btfs {
        if let Some((_, Some(id))) = btf.map_def_types(&map_name) {
            let name = btf.type_decl(id);
            return Ok(Some(RecordType { btf, id, name }));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ring_and_perf_arrays_are_readable() {
        use aya_obj::generated::bpf_map_type as mt;
        assert!(readable(mt::BPF_MAP_TYPE_RINGBUF as u32));
        assert!(readable(mt::BPF_MAP_TYPE_PERF_EVENT_ARRAY as u32));
        assert!(!readable(mt::BPF_MAP_TYPE_HASH as u32));
        assert!(!readable(mt::BPF_MAP_TYPE_USER_RINGBUF as u32));
    }
}
