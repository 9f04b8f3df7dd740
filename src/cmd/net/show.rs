//! `net show [dev IFACE]`: XDP, tcx and clsact tc attachments per interface
//! and the namespace's flow dissector. `-j` prints bpftool's document
//! (`[{"xdp":[..],"tc":[..],"flow_dissector":[..]}]`) with its keys; tcx
//! entries take the shape newer bpftool gives them (kind "tcx/ingress",
//! prog_id, prog_flags, link_id, link_flags). Extra keys: xdp `name` and
//! `link_id`, tc `prio`, `handle`, `prog_name`, `direct_action`.

use std::io::Write;
use std::os::fd::AsFd;

use anyhow::{Context, Result};
use serde::Serialize;

use super::{Dir, Iface, enter_netns, take_dev, tc, tcx, xdp};
use crate::cli::Global;
use crate::output::{Out, Render, Row};
use crate::select::Words;
use aya_obj::generated::bpf_attach_type;

use crate::sys::net::{self as sysnet, Target};
use crate::sys::netlink::{self, Netlink};
use crate::sys::{self, Kind};

#[derive(Debug, Serialize)]
struct XdpEntry {
    devname: String,
    ifindex: u32,
    mode: String,
    id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link_id: Option<u32>,
}

#[derive(Debug, Serialize)]
struct TcEntry {
    devname: String,
    ifindex: u32,
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    /// Classic filters: the program id (bpftool's key).
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u32>,
    /// tcx: the program id, flags and link, as newer bpftool prints them.
    #[serde(skip_serializing_if = "Option::is_none")]
    prog_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prog_flags: Option<Vec<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link_flags: Option<Vec<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prio: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    handle: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prog_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    direct_action: Option<bool>,
}

#[derive(Debug, Serialize)]
struct FlowDissectorEntry {
    id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

#[derive(Debug, Serialize)]
struct NetDoc {
    xdp: Vec<XdpEntry>,
    tc: Vec<TcEntry>,
    flow_dissector: Vec<FlowDissectorEntry>,
}

/// bpftool wraps the one object in an array.
#[derive(Debug, Serialize)]
#[serde(transparent)]
struct NetShow(Vec<NetDoc>);

/// One attachment as a table row.
#[derive(Debug, Serialize)]
struct NetRow {
    dev: String,
    hook: String,
    prog_id: u32,
    prog: String,
    detail: String,
}

impl Row for NetRow {
    fn header() -> &'static [&'static str] {
        &["dev", "hook", "prog_id", "prog", "detail"]
    }
    fn cells(&self) -> Vec<String> {
        vec![self.dev.clone(), self.hook.clone(), self.prog_id.to_string(), self.prog.clone(), self.detail.clone()]
    }
}

impl NetDoc {
    fn rows(&self) -> Vec<NetRow> {
        let mut rows = Vec::new();
        for x in &self.xdp {
            rows.push(NetRow {
                dev: format!("{}({})", x.devname, x.ifindex),
                hook: "xdp".into(),
                prog_id: x.id,
                prog: x.name.clone().unwrap_or_default(),
                detail: match x.link_id {
                    Some(l) => format!("{} mode, link {l}", x.mode),
                    None => format!("{} mode", x.mode),
                },
            });
        }
        for t in &self.tc {
            let detail = match (t.prio, t.handle, t.link_id) {
                (Some(p), Some(h), _) => {
                    format!("prio {p} handle {h:#x}{}", t.name.as_deref().map(|n| format!(" {n}")).unwrap_or_default())
                }
                (_, _, Some(l)) if l != 0 => format!("link {l}"),
                _ => String::new(),
            };
            rows.push(NetRow {
                dev: format!("{}({})", t.devname, t.ifindex),
                hook: t.kind.clone(),
                prog_id: t.id.or(t.prog_id).unwrap_or(0),
                prog: t.prog_name.clone().or_else(|| t.name.clone()).unwrap_or_default(),
                detail,
            });
        }
        for f in &self.flow_dissector {
            rows.push(NetRow {
                dev: "-".into(),
                hook: "flow_dissector".into(),
                prog_id: f.id,
                prog: f.name.clone().unwrap_or_default(),
                detail: String::new(),
            });
        }
        rows
    }
}

impl Render for NetShow {
    fn plain(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let rows: Vec<NetRow> = self.0.iter().flat_map(NetDoc::rows).collect();
        crate::output::table::write(w, &rows, false)
    }
}

fn prog_name(id: u32) -> Option<String> {
    let fd = sys::get_fd_by_id(Kind::Prog, id).ok()?;
    let info = sys::prog_info(fd.as_fd()).ok()?;
    Some(crate::resolve::full_name(&info))
}

pub(crate) fn show(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    let mut w = Words::new("net show", words);
    let dev = if w.is_empty() { None } else { Some(take_dev(&mut w)?) };
    w.expect_end()?;
    enter_netns(g)?;
    let only = match dev {
        Some(d) => Some(Iface::lookup(g, d)?.ifindex),
        None => None,
    };
    let mut nl = Netlink::open().context("opening an rtnetlink socket")?;
    let links = netlink::links(&mut nl).context("listing interfaces (RTM_GETLINK)")?;
    let links: Vec<_> = links.into_iter().filter(|l| only.is_none_or(|i| i == l.ifindex)).collect();
    let mut doc = NetDoc { xdp: Vec::new(), tc: Vec::new(), flow_dissector: Vec::new() };
    for l in &links {
        for (mode, id) in l.modes() {
            doc.xdp.push(XdpEntry {
                devname: l.name.clone(),
                ifindex: l.ifindex,
                mode: mode.into(),
                id,
                name: prog_name(id),
                link_id: xdp::xdp_link(l.ifindex, id),
            });
        }
    }
    for l in &links {
        for dir in [Dir::Ingress, Dir::Egress] {
            let Ok(q) = sysnet::prog_query(Target::Ifindex(l.ifindex), tcx::attach_type(dir)) else { continue };
            for (i, id) in q.prog_ids.iter().enumerate() {
                doc.tc.push(TcEntry {
                    devname: l.name.clone(),
                    ifindex: l.ifindex,
                    kind: format!("tcx/{}", dir.name()),
                    name: prog_name(*id),
                    id: None,
                    prog_id: Some(*id),
                    prog_flags: Some(bits(q.prog_flags.get(i).copied().unwrap_or(0))),
                    link_id: Some(q.link_ids.get(i).copied().unwrap_or(0)),
                    link_flags: Some(bits(q.link_flags.get(i).copied().unwrap_or(0))),
                    prio: None,
                    handle: None,
                    prog_name: None,
                    direct_action: None,
                });
            }
        }
        for dir in [Dir::Ingress, Dir::Egress] {
            let filters = netlink::filters(&mut nl, l.ifindex, tc::parent(dir))
                .with_context(|| format!("listing tc filters of {}", l.name))?;
            for f in filters.into_iter().filter(|f| f.kind == "bpf") {
                doc.tc.push(TcEntry {
                    devname: l.name.clone(),
                    ifindex: l.ifindex,
                    kind: format!("clsact/{}", dir.name()),
                    name: f.name.clone(),
                    id: f.prog_id,
                    prog_id: None,
                    prog_flags: None,
                    link_id: None,
                    link_flags: None,
                    prio: Some(f.prio),
                    handle: Some(f.handle),
                    prog_name: f.prog_id.and_then(prog_name),
                    direct_action: Some(f.direct_action),
                });
            }
        }
    }
    if let Ok(ns) = sysnet::current_netns()
        && let Ok(q) = sysnet::prog_query(Target::Fd(ns.as_fd()), bpf_attach_type::BPF_FLOW_DISSECTOR)
    {
        for id in q.prog_ids {
            doc.flow_dissector.push(FlowDissectorEntry { id, name: prog_name(id) });
        }
    }
    if out.is_json() {
        out.one(&NetShow(vec![doc]))?;
    } else {
        out.list(&doc.rows())?;
    }
    Ok(())
}

/// A flags word as the list of its set bits, as bpftool prints prog_flags.
fn bits(v: u32) -> Vec<u32> {
    (0..32).map(|i| 1u32 << i).filter(|b| v & b != 0).collect()
}
