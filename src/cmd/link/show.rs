//! `link show`: every link type decoded as the newest bpftool (7.7) does,
//! in its plain layout and JSON keys. Where bpftool 7.1 (libbpf 1.1) prints
//! a number for a type it cannot name, the name is printed, as newer
//! bpftool does; everything 7.1 prints is otherwise unchanged.

use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::cli::Global;
use crate::kinds::{ATTACH_TYPES, LINK_TYPES, PROG_TYPES};
use crate::model::{KprobeFunc, LinkDetail, LinkView, NameOrNum, ObjKind, UprobeFunc};
use crate::output::{Out, Render};
use crate::pids::Holders;
use crate::pins::PinIndex;
use crate::select::Words;
use crate::sys::link_info::{self, Detail, PerfEvent};
use crate::sys::{self, Kind};

use super::names as perf_names;

pub fn show(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let holders = Holders::new(Kind::Link);
    let pins = g.bpffs.then(PinIndex::build);
    if words.is_empty() {
        let mut syms = None;
        // Views first, holders after: the /proc walk runs meanwhile.
        let mut views: Vec<LinkView> = sys::all_ids(Kind::Link)
            .context("listing links")?
            .into_iter()
            .filter_map(|id| sys::get_fd_by_id(Kind::Link, id).ok())
            .filter_map(|fd| view(fd.as_fd(), pins.as_ref(), &mut syms).ok())
            .collect();
        holders.fill(&mut views, |v| (v.id, &mut v.pids));
        out.one(&Links(views))?;
        return Ok(());
    }
    let mut w = Words::new("link show", words);
    let sel = w.take_link()?;
    w.expect_end()?;
    let fd = crate::resolve::link(&sel)?;
    let mut v = [view(fd.as_fd(), pins.as_ref(), &mut None)?];
    holders.fill(&mut v, |v| (v.id, &mut v.pids));
    out.one(&v[0])?;
    Ok(())
}

/// Several links: bpftool's JSON array, or one block after another.
#[derive(Serialize)]
#[serde(transparent)]
struct Links(Vec<LinkView>);

impl Render for Links {
    fn plain(&self, w: &mut dyn Write) -> io::Result<()> {
        self.0.iter().try_for_each(|v| v.plain(w))
    }
}

fn name_or_num(table: &[&str], v: u32) -> NameOrNum {
    match table.get(v as usize) {
        Some(n) => NameOrNum::Name((*n).to_string()),
        None => NameOrNum::Num(u64::from(v)),
    }
}

fn attach(v: u32) -> NameOrNum {
    name_or_num(ATTACH_TYPES, v)
}

/// bpftool's device name for a link's ifindex.
fn devname(ifindex: u32) -> String {
    if ifindex == 0 {
        return "(detached)".into();
    }
    sys::if_name(ifindex).unwrap_or_else(|| "(unknown)".into())
}

/// /proc/kallsyms as (address, name, module), sorted by address; read once
/// per command and only for kprobe_multi links.
type Syms = Vec<(u64, String, Option<String>)>;

fn kallsyms() -> Syms {
    let text = std::fs::read_to_string("/proc/kallsyms").unwrap_or_default();
    let mut v: Syms = text
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let addr = u64::from_str_radix(f.next()?, 16).ok()?;
            let _kind = f.next()?;
            let name = f.next()?.to_string();
            let module = f.next().map(|m| m.trim_start_matches('[').trim_end_matches(']').to_string());
            Some((addr, name, module))
        })
        .collect();
    v.sort_by_key(|s| s.0);
    v
}

/// With IBT a kprobe sits after the 4-byte `endbr`, so the symbol is 4 below.
fn ibt() -> bool {
    let k = crate::loader::kernel::Kernel::new();
    k.kconfig().is_ok_and(|c| c.contains_key("CONFIG_X86_KERNEL_IBT"))
}

fn kprobe_funcs(addrs: &[u64], cookies: &[u64], syms: &mut Option<Syms>) -> Vec<KprobeFunc> {
    let syms = syms.get_or_insert_with(kallsyms);
    let ibt = ibt();
    let mut pairs: Vec<(u64, u64)> = addrs.iter().copied().zip(cookies.iter().copied()).collect();
    pairs.sort_by_key(|p| p.0);
    pairs
        .into_iter()
        .filter_map(|(addr, cookie)| {
            let s = syms.iter().find(|s| s.0 == addr || (ibt && s.0 == addr.wrapping_sub(4)))?;
            Some(KprobeFunc { addr, func: s.1.clone(), module: s.2.clone(), cookie })
        })
        .collect()
}

/// One link's view; `pids` is left empty for `Holders::fill`.
pub fn view(fd: BorrowedFd<'_>, pins: Option<&PinIndex>, syms: &mut Option<Syms>) -> Result<LinkView> {
    let i = link_info::read(fd).context("reading link info")?;
    let detail = match i.detail {
        Detail::RawTracepoint { tp_name, cookie } => LinkDetail::RawTracepoint { tp_name, cookie },
        Detail::Tracing { attach_type, target_obj_id, target_btf_id, cookie } => {
            let prog_type = sys::get_fd_by_id(Kind::Prog, i.prog_id)
                .and_then(|p| sys::prog_info(p.as_fd()))
                .context("reading the link's program")?
                .info
                .type_;
            LinkDetail::Tracing {
                prog_type: name_or_num(PROG_TYPES, prog_type),
                attach_type: attach(attach_type),
                target_obj_id,
                target_btf_id,
                cookie,
            }
        }
        Detail::Cgroup { cgroup_id, attach_type } => LinkDetail::Cgroup { cgroup_id, attach_type: attach(attach_type) },
        Detail::Iter { target_name, map_id, cgroup_id, order, tid, pid } => {
            let t = target_name.as_str();
            let map = matches!(t, "bpf_map_elem" | "bpf_sk_storage_map");
            let task = matches!(t, "task" | "task_file" | "task_vma");
            let cgroup = t == "cgroup";
            LinkDetail::Iter {
                map_id: map.then_some(map_id),
                tid: (task && tid != 0).then_some(tid),
                pid: (task && tid == 0 && pid != 0).then_some(pid),
                cgroup_id: cgroup.then_some(cgroup_id),
                order: cgroup.then(|| perf_names::cgroup_order(order).to_string()),
                target_name,
            }
        }
        Detail::Netns { netns_ino, attach_type } => LinkDetail::Netns { netns_ino, attach_type: attach(attach_type) },
        Detail::Xdp { ifindex } => LinkDetail::Xdp { devname: devname(ifindex), ifindex },
        Detail::StructOps { map_id } => LinkDetail::StructOps { map_id },
        Detail::Netfilter { pf, hooknum, priority, flags } => {
            LinkDetail::Netfilter { pf, hook: hooknum, prio: priority, flags }
        }
        Detail::KprobeMulti { flags, missed, addrs, cookies } => LinkDetail::KprobeMulti {
            retprobe: flags & 1 != 0,
            func_cnt: addrs.len() as u32,
            missed,
            funcs: kprobe_funcs(&addrs, &cookies, syms),
        },
        Detail::UprobeMulti { path, flags, pid, offsets, ref_ctr_offsets, cookies } => LinkDetail::UprobeMulti {
            retprobe: flags & 1 != 0,
            path,
            func_cnt: offsets.len() as u32,
            pid: pid as i32,
            funcs: offsets
                .iter()
                .zip(&ref_ctr_offsets)
                .zip(&cookies)
                .map(|((&offset, &ref_ctr_offset), &cookie)| UprobeFunc { offset, ref_ctr_offset, cookie })
                .collect(),
        },
        Detail::PerfEvent(p) => match p {
            PerfEvent::Kprobe { ret, func, offset, addr, missed, cookie } => {
                LinkDetail::Kprobe { retprobe: ret, addr, func, offset, missed, cookie }
            }
            PerfEvent::Uprobe { ret, file, offset, cookie, ref_ctr_offset } => {
                LinkDetail::Uprobe { retprobe: ret, file, offset, cookie, ref_ctr_offset }
            }
            PerfEvent::Tracepoint { name, cookie } => LinkDetail::Tracepoint { tracepoint: name, cookie },
            PerfEvent::Event { event_type, config, cookie } => LinkDetail::PerfEvent {
                event_type: perf_names::event_type(event_type),
                event_config: perf_names::event_config(event_type, config),
                cookie,
            },
            PerfEvent::Unknown(_) => LinkDetail::None {},
        },
        Detail::Tcx { ifindex, attach_type } | Detail::Netkit { ifindex, attach_type } => {
            LinkDetail::Device { devname: devname(ifindex), ifindex, attach_type: attach(attach_type) }
        }
        Detail::Sockmap { map_id, attach_type } => LinkDetail::Sockmap { map_id, attach_type: attach(attach_type) },
        Detail::Other => LinkDetail::None {},
    };
    Ok(LinkView {
        id: i.id,
        kind: name_or_num(LINK_TYPES, i.link_type),
        prog_id: i.prog_id,
        detail,
        pinned: pins.map(|x| x.paths(ObjKind::Link, i.id)),
        pids: Vec::new(),
    })
}

/// C's `%#x`: no prefix for zero.
fn alt_hex(v: u64) -> String {
    if v == 0 { "0".into() } else { format!("{v:#x}") }
}

impl Render for LinkView {
    /// bpftool's plain block: `ID: TYPE  prog N  `, the type's lines (each
    /// starting `\n\t`, fields separated by two spaces), pins, pids, newline.
    fn plain(&self, w: &mut dyn Write) -> io::Result<()> {
        let mut s = format!("{}: ", self.id);
        match &self.kind {
            NameOrNum::Name(n) => s.push_str(&format!("{n}  ")),
            NameOrNum::Num(n) => s.push_str(&format!("type {n}  ")),
        }
        match &self.detail {
            LinkDetail::StructOps { map_id } => s.push_str(&format!("map {map_id}  ")),
            _ => s.push_str(&format!("prog {}  ", self.prog_id)),
        }
        detail_plain(&self.detail, &mut s);
        for p in self.pinned.iter().flatten() {
            s.push_str(&format!("\n\tpinned {p}"));
        }
        if !self.pids.is_empty() {
            let list: Vec<String> = self.pids.iter().map(|p| format!("{}({})", p.comm, p.pid)).collect();
            s.push_str(&format!("\n\tpids {}", list.join(", ")));
        }
        s.push('\n');
        w.write_all(s.as_bytes())
    }
}

fn detail_plain(d: &LinkDetail, s: &mut String) {
    let at = |a: &NameOrNum| format!("attach_type {a}  ");
    match d {
        LinkDetail::RawTracepoint { tp_name, cookie } => {
            s.push_str(&format!("\n\ttp '{tp_name}'  "));
            if *cookie != 0 {
                s.push_str(&format!("cookie {cookie}  "));
            }
        }
        LinkDetail::Tracing { prog_type, attach_type, target_obj_id, target_btf_id, cookie } => {
            s.push_str(&format!("\n\tprog_type {prog_type}  "));
            s.push_str(&at(attach_type));
            if *target_obj_id != 0 || *target_btf_id != 0 {
                s.push_str(&format!("\n\ttarget_obj_id {target_obj_id}  target_btf_id {target_btf_id}  "));
            }
            if *cookie != 0 {
                s.push_str(&format!("\n\tcookie {cookie}  "));
            }
        }
        LinkDetail::Cgroup { cgroup_id, attach_type } => {
            s.push_str(&format!("\n\tcgroup_id {cgroup_id}  "));
            s.push_str(&at(attach_type));
        }
        LinkDetail::Iter { target_name, map_id, tid, pid, cgroup_id, order } => {
            s.push_str(&format!("target_name {target_name}  "));
            if let Some(m) = map_id {
                s.push_str(&format!("map_id {m}  "));
            }
            // bpftool puts one space after these two.
            if let Some(t) = tid {
                s.push_str(&format!("tid {t} "));
            } else if let Some(p) = pid {
                s.push_str(&format!("pid {p} "));
            }
            if let (Some(c), Some(o)) = (cgroup_id, order) {
                s.push_str(&format!("cgroup_id {c}  order {o}  "));
            }
        }
        LinkDetail::Netns { netns_ino, attach_type } => {
            s.push_str(&format!("\n\tnetns_ino {netns_ino}  "));
            s.push_str(&at(attach_type));
        }
        LinkDetail::Netfilter { pf, hook, prio, flags } => {
            match perf_names::nf_family(*pf) {
                Some(n) => s.push_str(&format!("\n\t{n}")),
                None => s.push_str(&format!("\n\tpf: {pf}")),
            }
            match perf_names::nf_hook(*pf, *hook) {
                Some(h) => s.push_str(&format!(" {h}")),
                None => s.push_str(&format!(", hook {hook},")),
            }
            s.push_str(&format!(" prio {prio}"));
            if *flags != 0 {
                s.push_str(&format!(" flags {flags:#x}"));
            }
        }
        LinkDetail::Device { devname, ifindex, attach_type } => {
            s.push_str(&format!("\n\tifindex {}  ", dev_plain(devname, *ifindex)));
            s.push_str(&at(attach_type));
        }
        LinkDetail::Sockmap { map_id, attach_type } => {
            s.push_str(&format!("\n\tmap_id {map_id}  "));
            s.push_str(&at(attach_type));
        }
        LinkDetail::Xdp { devname, ifindex } => {
            s.push_str(&format!("\n\tifindex {}  ", dev_plain(devname, *ifindex)));
        }
        LinkDetail::StructOps { .. } | LinkDetail::None {} => {}
        LinkDetail::KprobeMulti { retprobe, func_cnt, missed, funcs } => {
            if *func_cnt == 0 {
                return;
            }
            s.push_str(if *retprobe { "\n\tkretprobe.multi  " } else { "\n\tkprobe.multi  " });
            s.push_str(&format!("func_cnt {func_cnt}  "));
            if *missed != 0 {
                s.push_str(&format!("missed {missed}  "));
            }
            s.push_str(&format!("\n\t{:<16} {:<16} {}", "addr", "cookie", "func [module]"));
            for f in funcs {
                s.push_str(&format!("\n\t{:016x} {:<16x} {}", f.addr, f.cookie, f.func));
                match &f.module {
                    Some(m) => s.push_str(&format!(" [{m}]  ")),
                    None => s.push_str("  "),
                }
            }
        }
        LinkDetail::UprobeMulti { retprobe, path, func_cnt, pid, funcs } => {
            if *func_cnt == 0 {
                return;
            }
            s.push_str(if *retprobe { "\n\turetprobe.multi  " } else { "\n\tuprobe.multi  " });
            s.push_str(&format!("path {path}  func_cnt {func_cnt}  "));
            if *pid != 0 {
                s.push_str(&format!("pid {}  ", *pid as u32));
            }
            s.push_str(&format!("\n\t{:<16}   {:<16}   {:<16}", "offset", "ref_ctr_offset", "cookies"));
            for f in funcs {
                s.push_str(&format!("\n\t0x{:<16x} 0x{:<16x} 0x{:<16x}", f.offset, f.ref_ctr_offset, f.cookie));
            }
        }
        LinkDetail::Kprobe { retprobe, addr, func, offset, missed, cookie } => {
            if func.is_empty() && *addr == 0 {
                return;
            }
            s.push_str(if *retprobe { "\n\tkretprobe " } else { "\n\tkprobe " });
            if *addr != 0 {
                s.push_str(&format!("{addr:x} "));
            }
            s.push_str(func);
            if *offset != 0 {
                s.push_str(&format!("+{offset:#x}"));
            }
            if *missed != 0 {
                s.push_str(&format!("  missed {missed}"));
            }
            if *cookie != 0 {
                s.push_str(&format!("  cookie {cookie}"));
            }
            s.push_str("  ");
        }
        LinkDetail::Uprobe { retprobe, file, offset, cookie, ref_ctr_offset } => {
            if file.is_empty() {
                return;
            }
            s.push_str(if *retprobe { "\n\turetprobe " } else { "\n\tuprobe " });
            s.push_str(&format!("{file}+{}  ", alt_hex(u64::from(*offset))));
            if *cookie != 0 {
                s.push_str(&format!("cookie {cookie}  "));
            }
            if *ref_ctr_offset != 0 {
                s.push_str(&format!("ref_ctr_offset {ref_ctr_offset:#x}  "));
            }
        }
        LinkDetail::Tracepoint { tracepoint, cookie } => {
            if tracepoint.is_empty() {
                return;
            }
            s.push_str(&format!("\n\ttracepoint {tracepoint}  "));
            if *cookie != 0 {
                s.push_str(&format!("cookie {cookie}  "));
            }
        }
        LinkDetail::PerfEvent { event_type, event_config, cookie } => {
            s.push_str("\n\tevent ");
            match event_type {
                NameOrNum::Name(n) => s.push_str(&format!("{n}:")),
                NameOrNum::Num(n) => s.push_str(&format!("{n} :")),
            }
            s.push_str(&format!("{event_config}  "));
            if *cookie != 0 {
                s.push_str(&format!("cookie {cookie}  "));
            }
        }
    }
}

/// bpftool's plain `name(ifindex)`, or its placeholder alone.
fn dev_plain(devname: &str, ifindex: u32) -> String {
    if devname.starts_with('(') { devname.to_string() } else { format!("{devname}({ifindex})") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(kind: &str, detail: LinkDetail) -> LinkView {
        LinkView { id: 7, kind: NameOrNum::Name(kind.into()), prog_id: 42, detail, pinned: None, pids: Vec::new() }
    }

    fn plain(v: &LinkView) -> String {
        let mut out = Vec::new();
        v.plain(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn json(v: &LinkView) -> String {
        serde_json::to_string(v).unwrap()
    }

    // The types this machine cannot make (no kprobes, fentry refused, no
    // netkit, no hardware cache events), against bpftool 7.7's printf
    // formats read from its link.c.

    #[test]
    fn kprobe_perf_events() {
        let d = LinkDetail::Kprobe {
            retprobe: false,
            addr: 0xffffffff81000000,
            func: "do_sys_open".into(),
            offset: 0x10,
            missed: 2,
            cookie: 5,
        };
        let v = view("perf_event", d);
        assert_eq!(
            plain(&v),
            "7: perf_event  prog 42  \n\tkprobe ffffffff81000000 do_sys_open+0x10  missed 2  cookie 5  \n"
        );
        assert_eq!(
            json(&v),
            r#"{"id":7,"type":"perf_event","prog_id":42,"retprobe":false,"addr":18446744071578845184,"func":"do_sys_open","offset":16,"missed":2,"cookie":5}"#
        );
        let d = LinkDetail::Kprobe { retprobe: true, addr: 0, func: "f".into(), offset: 0, missed: 0, cookie: 0 };
        assert_eq!(plain(&view("perf_event", d)), "7: perf_event  prog 42  \n\tkretprobe f  \n");
    }

    #[test]
    fn kprobe_multi() {
        let funcs = vec![
            KprobeFunc { addr: 0xffffffff81000010, func: "a".into(), module: None, cookie: 0x1f },
            KprobeFunc { addr: 0xffffffffc0000000, func: "b".into(), module: Some("nf".into()), cookie: 0 },
        ];
        let v = view("kprobe_multi", LinkDetail::KprobeMulti { retprobe: true, func_cnt: 2, missed: 0, funcs });
        assert_eq!(
            plain(&v),
            "7: kprobe_multi  prog 42  \n\tkretprobe.multi  func_cnt 2  \n\taddr             cookie           func [module]\
             \n\tffffffff81000010 1f               a  \n\tffffffffc0000000 0                b [nf]  \n"
        );
        assert!(json(&v).ends_with(
            r#""retprobe":true,"func_cnt":2,"missed":0,"funcs":[{"addr":18446744071578845200,"func":"a","module":null,"cookie":31},{"addr":18446744072635809792,"func":"b","module":"nf","cookie":0}]}"#
        ));
    }

    #[test]
    fn tracing_netkit_struct_ops_and_events() {
        let d = LinkDetail::Tracing {
            prog_type: NameOrNum::Name("tracing".into()),
            attach_type: NameOrNum::Name("trace_fentry".into()),
            target_obj_id: 1,
            target_btf_id: 9000,
            cookie: 0,
        };
        let v = view("tracing", d);
        assert_eq!(
            plain(&v),
            "7: tracing  prog 42  \n\tprog_type tracing  attach_type trace_fentry  \n\ttarget_obj_id 1  target_btf_id 9000  \n"
        );
        assert!(json(&v).ends_with(
            r#""prog_type":"tracing","attach_type":"trace_fentry","target_obj_id":1,"target_btf_id":9000,"cookie":0}"#
        ));
        let d = LinkDetail::Device {
            devname: "nk0".into(),
            ifindex: 5,
            attach_type: NameOrNum::Name("netkit_primary".into()),
        };
        assert_eq!(plain(&view("netkit", d)), "7: netkit  prog 42  \n\tifindex nk0(5)  attach_type netkit_primary  \n");
        // struct_ops links carry no program: the header names the map.
        let v = LinkView { prog_id: 0, ..view("struct_ops", LinkDetail::StructOps { map_id: 3 }) };
        assert_eq!(plain(&v), "7: struct_ops  map 3  \n");
        assert_eq!(json(&v), r#"{"id":7,"type":"struct_ops","prog_id":0,"map_id":3}"#);
        let d = LinkDetail::PerfEvent {
            event_type: perf_names::event_type(3),
            event_config: perf_names::event_config(3, 0x10000),
            cookie: 0,
        };
        assert_eq!(
            plain(&view("perf_event", d)),
            "7: perf_event  prog 42  \n\tevent hw-cache:L1-dcache-load-misses  \n"
        );
        let d = LinkDetail::PerfEvent {
            event_type: perf_names::event_type(9),
            event_config: perf_names::event_config(9, 4),
            cookie: 1,
        };
        assert_eq!(plain(&view("perf_event", d)), "7: perf_event  prog 42  \n\tevent 9 :4  cookie 1  \n");
        let d =
            LinkDetail::Uprobe { retprobe: false, file: "/bin/x".into(), offset: 0, cookie: 3, ref_ctr_offset: 0x20 };
        assert_eq!(
            plain(&view("perf_event", d)),
            "7: perf_event  prog 42  \n\tuprobe /bin/x+0  cookie 3  ref_ctr_offset 0x20  \n"
        );
        let d = LinkDetail::Netfilter { pf: 3, hook: 4, prio: 5, flags: 1 };
        assert_eq!(plain(&view("netfilter", d)), "7: netfilter  prog 42  \n\tarp, hook 4, prio 5 flags 0x1\n");
        let v = LinkView { kind: NameOrNum::Num(99), ..view("x", LinkDetail::None {}) };
        assert_eq!(plain(&v), "7: type 99  prog 42  \n");
        assert_eq!(json(&v), r#"{"id":7,"type":99,"prog_id":42}"#);
    }
}
