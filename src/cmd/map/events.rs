//! `bpfpin map events MAP [cpu N index M] [--type NAME] [--count N]
//! [--duration S]` (alias `map event_pipe`): stream the records a program
//! writes to a ring buffer or perf event array, read by `events`.
//!
//! Raw perf records print in bpftool's `event_pipe` layout
//! (`== @SEC.NSEC CPU: C index: I =====`, then its hex rows; `lost N
//! events`); with -j one JSON object per line with bpftool's keys (`type`,
//! `cpu`, `index`, `timestamp`, `data` as byte numbers, `lost`), where bpftool
//! prints one array at the end: a live reader needs each record at once.
//! Typed records add `formatted` (JSON) or print as `{pid: 1, comm: "sh"}`.
//! Output is flushed before every wait, so nothing read sits in a buffer.
//! Totals (records, bytes, lost) go to stderr at the end.

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

use crate::error::UserError;
use crate::events::{Flow, Reader, Record, RecordType, record_type};
use crate::output::Out;
use crate::output::hexfmt::push_hex;
use crate::select::Words;
use crate::sys;

/// Longest wait between stop checks (a signal also wakes the wait).
const TICK: Duration = Duration::from_millis(200);

pub struct EventsArgs<'a> {
    pub words: &'a [String],
    pub type_name: Option<&'a str>,
    /// `--btf FILE`: where --type is looked up instead of the kernel's BTF.
    pub btf: Option<&'a std::path::Path>,
    /// `--write FILE`: records for a user ring buffer (`-` is stdin).
    pub write: Option<&'a std::path::Path>,
    pub cpu: Option<u32>,
    pub index: Option<u32>,
    pub count: Option<u64>,
    pub duration: Option<f64>,
    pub hex: bool,
}

pub fn events(out: &mut Out, a: &EventsArgs<'_>) -> Result<()> {
    let mut w = Words::new("map events", a.words);
    let sel = w.take_map()?;
    let (mut cpu, mut index) = (a.cpu, a.index);
    while !w.is_empty() {
        if w.eat("cpu") {
            cpu = Some(w.take_u32("a CPU number")?);
        } else if w.eat("index") {
            index = Some(w.take_u32("an index")?);
        } else {
            w.expect_end()?;
        }
    }
    let only = match (cpu, index) {
        (Some(c), Some(i)) => Some((c, i)),
        (None, None) => None,
        _ => bail!(UserError::new(
            "`cpu` and `index` must be given together",
            "give both (`cpu 0 index 0`), or neither to read every CPU"
        )),
    };
    let deadline = match a.duration {
        Some(s) if !(s.is_finite() && s > 0.0) => {
            bail!(UserError::new(
                format!("--duration {s} is not a positive number of seconds"),
                "give e.g. --duration 5"
            ))
        }
        Some(s) => Some(Instant::now() + Duration::from_secs_f64(s)),
        None => None,
    };
    if a.count == Some(0) {
        bail!(UserError::new("--count 0 would read nothing", "give --count 1 or more, or leave it out"));
    }
    let fd = crate::resolve::map(&sel)?;
    let info = sys::map_info(std::os::fd::AsFd::as_fd(&fd))?;
    let user_ring = info.type_ == aya_obj::generated::bpf_map_type::BPF_MAP_TYPE_USER_RINGBUF as u32;
    if let Some(src) = a.write {
        if !user_ring {
            bail!(UserError::new(
                format!("--write needs a user ring buffer; this map is a {}", crate::kinds::map_type_name(info.type_)),
                "give a map of type user_ringbuf (BPF programs drain it with bpf_user_ringbuf_drain)",
            ));
        }
        let file_btf = a.btf.map(|p| crate::btf::Btf::from_file(p).map(|(b, _)| b)).transpose()?;
        let ty = match a.type_name {
            Some(_) => record_type(&info, a.type_name, file_btf)?,
            None => None,
        };
        return write_records(std::os::fd::AsFd::as_fd(&fd), &info, src, ty.as_ref());
    }
    if user_ring {
        bail!(UserError::new(
            "a user ring buffer carries records from user space to BPF programs: there is nothing to read",
            "write records into it with `bpfpin map events MAP --write FILE`",
        ));
    }
    let file_btf = a.btf.map(|p| crate::btf::Btf::from_file(p).map(|(b, _)| b)).transpose()?;
    let ty = if a.hex && a.type_name.is_none() { None } else { record_type(&info, a.type_name, file_btf)? };
    let mut reader = Reader::open(fd, &info, only)?;
    sys::signal::catch_stop_signals()?;

    let json = out.is_json();
    let pretty = matches!(out.mode, crate::output::Mode::Json { pretty: true });
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut left = a.count;
    let result = loop {
        if sys::signal::stop_requested() {
            break Ok(());
        }
        let wait = match deadline {
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    break Ok(());
                }
                (d - now).min(TICK)
            }
            None => TICK,
        };
        let r = reader.poll(wait, &mut |rec| {
            let sample = matches!(rec, Record::Sample { .. });
            if json {
                json_record(&mut buf, &rec, ty.as_ref(), pretty)?;
            } else {
                plain_record(&mut buf, &rec, ty.as_ref());
            }
            if buf.len() >= 32 * 1024 {
                out.writer().write_all(&buf)?;
                buf.clear();
            }
            if sample && let Some(n) = left.as_mut() {
                *n -= 1;
                if *n == 0 {
                    return Ok(Flow::Stop);
                }
            }
            Ok(Flow::Continue)
        });
        // Whatever was read goes out before the next wait (or the error).
        out.writer().write_all(&buf)?;
        buf.clear();
        out.flush()?;
        match r {
            Ok(Flow::Stop) => break Ok(()),
            Ok(Flow::Continue) => {}
            Err(e) => break Err(e),
        }
    };
    let t = reader.totals;
    crate::text::stderr_line(&format!("{} records, {} bytes, {} lost", t.records, t.bytes, t.lost));
    result
}

fn plain_record(buf: &mut Vec<u8>, rec: &Record<'_>, ty: Option<&RecordType>) {
    match *rec {
        Record::Sample { cpu, index, time, data } => {
            let typed = ty.and_then(|t| t.btf.to_plain(t.id, data).ok());
            if let (Some(c), Some(i)) = (cpu, index) {
                let t = time.unwrap_or(0);
                let _ = writeln!(buf, "== @{}.{:09} CPU: {c} index: {i} =====", t / 1_000_000_000, t % 1_000_000_000);
            } else if typed.is_none() {
                let _ = writeln!(buf, "== ringbuf: {} bytes =====", data.len());
            }
            match typed {
                Some(s) => buf.extend_from_slice(s.as_bytes()),
                None => push_hex(buf, data),
            }
            buf.push(b'\n');
        }
        Record::Lost { count, .. } => {
            let _ = writeln!(buf, "lost {count} events");
        }
        Record::Other { kind, size, .. } => {
            let _ = writeln!(buf, "unknown event type={kind} size={size}");
        }
    }
}

fn json_record(buf: &mut Vec<u8>, rec: &Record<'_>, ty: Option<&RecordType>, pretty: bool) -> std::io::Result<()> {
    let mut o = Map::new();
    let head = |o: &mut Map<String, Value>, kind: u32, cpu: u32, index: u32| {
        o.insert("type".into(), kind.into());
        o.insert("cpu".into(), cpu.into());
        o.insert("index".into(), index.into());
    };
    match *rec {
        Record::Sample { cpu, index, time, data } => {
            if let (Some(c), Some(i)) = (cpu, index) {
                head(&mut o, aya_obj::generated::perf_event_type::PERF_RECORD_SAMPLE as u32, c, i);
                o.insert("timestamp".into(), time.unwrap_or(0).into());
            }
            // bpftool's print_data_json: the bytes as decimal numbers.
            o.insert("data".into(), Value::Array(data.iter().map(|&b| Value::from(b)).collect()));
            if let Some(f) = ty.and_then(|t| t.btf.to_json(t.id, data).ok()) {
                o.insert("formatted".into(), f);
            }
        }
        Record::Lost { cpu, index, id, count } => {
            head(&mut o, aya_obj::generated::perf_event_type::PERF_RECORD_LOST as u32, cpu, index);
            let mut l = Map::new();
            l.insert("id".into(), id.into());
            l.insert("count".into(), count.into());
            o.insert("lost".into(), Value::Object(l));
        }
        Record::Other { cpu, index, kind, .. } => head(&mut o, kind, cpu, index),
    }
    crate::output::write_json(&mut *buf, &Value::Object(o), pretty)?;
    buf.push(b'\n');
    Ok(())
}

/// How long a full ring may stay full before the write gives up: nothing
/// drains it unless a program runs.
const FULL_WAIT: Duration = Duration::from_secs(5);

/// `--write`: each JSON line of `src` becomes one record, written as soon as
/// the ring has room; totals go to stderr like the reader's.
fn write_records(
    fd: std::os::fd::BorrowedFd<'_>,
    info: &sys::bpf_map_info,
    src: &std::path::Path,
    ty: Option<&crate::events::RecordType>,
) -> Result<()> {
    use std::io::BufRead;
    let mut ring = sys::ringbuf::UserRingBuf::map(fd, info.max_entries)
        .map_err(|e| anyhow::Error::from(e).context("mapping the user ring buffer"))?;
    sys::signal::catch_stop_signals()?;
    let input: Box<dyn BufRead> = if src == std::path::Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(src).map_err(|e| {
            UserError::new(format!("cannot read {}: {e}", src.display()), "give a file of JSON lines, or - for stdin")
        })?;
        Box::new(std::io::BufReader::new(f))
    };
    let (mut n, mut bytes) = (0u64, 0u64);
    for (i, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", src.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let record = record_bytes(&line, ty).map_err(|e| {
            UserError::new(
                format!("line {} of {}: {e:#}", i + 1, src.display()),
                "write one JSON value per line: {\"data\":[1,2,3]} or, with --type, a value of that type",
            )
        })?;
        let start = Instant::now();
        loop {
            if ring
                .write(&record)
                .map_err(|e| UserError::new(format!("line {}: {e}", i + 1), "write smaller records"))?
            {
                break;
            }
            if sys::signal::stop_requested() || start.elapsed() > FULL_WAIT {
                eprintln!("{n} records, {bytes} bytes written");
                bail!(UserError::new(
                    format!("the user ring buffer stayed full for {} s at line {}", FULL_WAIT.as_secs(), i + 1),
                    "run the program that drains it (bpf_user_ringbuf_drain), or write fewer records at a time",
                ));
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        n += 1;
        bytes += record.len() as u64;
    }
    eprintln!("{n} records, {bytes} bytes written");
    Ok(())
}

/// One input line as record bytes: `{"data":[...]}` as `map events -j`
/// prints records, else a value of `--type` encoded through BTF.
fn record_bytes(line: &str, ty: Option<&crate::events::RecordType>) -> Result<Vec<u8>> {
    let v: serde_json::Value = serde_json::from_str(line).context("not JSON")?;
    if let Some(data) = v.get("data").and_then(|d| d.as_array()) {
        return data
            .iter()
            .map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()).context("`data` holds a value that is not a byte"))
            .collect();
    }
    let Some(ty) = ty else {
        bail!("no `data` array, and no --type to encode the value with");
    };
    ty.btf.from_json(ty.id, &v).with_context(|| format!("as {}", ty.name))
}
