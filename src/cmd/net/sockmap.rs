//! `prog attach | detach PROG ATTACH_TYPE [MAP]`, as bpftool has them:
//! sk_skb/sk_msg programs onto a sockmap or sockhash (BPF_PROG_ATTACH with
//! the map as target, held by the map), and the flow dissector of the
//! current network namespace (`--netns` picks another; no MAP).

use std::os::fd::AsFd;

use anyhow::{Context, Result, bail};

use super::{Prog, enter_netns};
use crate::cli::Global;
use crate::error::UserError;
use crate::kinds::map_type_name;
use crate::output::Out;
use crate::select::Words;
use aya_obj::generated::{bpf_attach_type as at, bpf_prog_type as pt};

use crate::kinds;
use crate::sys::net::{self as sysnet, Target};
use crate::sys::{self};

/// The attach types `prog attach` takes, by bpftool's names (completion).
pub const ATTACH_NAMES: [&str; 5] =
    ["sk_msg_verdict", "sk_skb_verdict", "sk_skb_stream_verdict", "sk_skb_stream_parser", "flow_dissector"];

const ATTACH_TYPES: &str =
    "sk_msg_verdict, sk_skb_verdict, sk_skb_stream_verdict, sk_skb_stream_parser or flow_dissector";

/// (attach type value, bpftool's name, program type, its name).
fn parse_attach(w: &str) -> Result<(at, &'static str, u32, &'static str)> {
    Ok(match w {
        "sk_msg_verdict" | "msg_verdict" => {
            (at::BPF_SK_MSG_VERDICT, "sk_msg_verdict", pt::BPF_PROG_TYPE_SK_MSG as u32, "sk_msg")
        }
        "sk_skb_verdict" | "skb_verdict" => {
            (at::BPF_SK_SKB_VERDICT, "sk_skb_verdict", pt::BPF_PROG_TYPE_SK_SKB as u32, "sk_skb")
        }
        "sk_skb_stream_verdict" | "stream_verdict" => {
            (at::BPF_SK_SKB_STREAM_VERDICT, "sk_skb_stream_verdict", pt::BPF_PROG_TYPE_SK_SKB as u32, "sk_skb")
        }
        "sk_skb_stream_parser" | "stream_parser" => {
            (at::BPF_SK_SKB_STREAM_PARSER, "sk_skb_stream_parser", pt::BPF_PROG_TYPE_SK_SKB as u32, "sk_skb")
        }
        "flow_dissector" => {
            (at::BPF_FLOW_DISSECTOR, "flow_dissector", pt::BPF_PROG_TYPE_FLOW_DISSECTOR as u32, "flow_dissector")
        }
        other => bail!(UserError::new(
            format!("unknown attach type `{other}` for `prog attach`"),
            format!("use {ATTACH_TYPES}; network hooks (xdp, tc, tcx) are `bpfpin net attach`"),
        )),
    })
}

pub fn prog_attach(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    run(g, out, words, true)
}

pub fn prog_detach(g: &Global, out: &mut Out, words: &[String]) -> Result<()> {
    run(g, out, words, false)
}

fn run(g: &Global, out: &mut Out, words: &[String], attach: bool) -> Result<()> {
    let verb = if attach { "prog attach" } else { "prog detach" };
    let mut w = Words::new(verb, words);
    let sel = w.take_prog()?;
    let (attach_type, at_name, want, want_name) = parse_attach(w.require("an attach type")?)?;
    let flow = attach_type == at::BPF_FLOW_DISSECTOR;
    let map_sel = if flow { None } else { Some(w.take_map()?) };
    w.expect_end()?;
    let prog = Prog::open(&sel)?;
    prog.require_type(want, want_name, at_name)?;
    let map = match &map_sel {
        Some(s) => {
            let fd = crate::resolve::map(s)?;
            let info = sys::map_info(fd.as_fd()).context("reading map info")?;
            let name = crate::pins::c_name(&info.name);
            if info.type_ != kinds::SOCKMAP && info.type_ != kinds::SOCKHASH {
                bail!(UserError::new(
                    format!(
                        "map {name} (id {}) is {}, {at_name} needs a sockmap or sockhash",
                        info.id,
                        map_type_name(info.type_)
                    ),
                    "choose a sockmap or sockhash map (`bpfpin map show`)",
                ));
            }
            Some((fd, format!("map {name} (id {})", info.id)))
        }
        None => None,
    };
    // Only the flow dissector depends on the namespace, which is entered
    // after every selector was resolved.
    if flow {
        enter_netns(g)?;
    }
    let (target, what) = match &map {
        Some((fd, desc)) => (Target::Fd(fd.as_fd()), desc.clone()),
        None => (Target::CurrentNetns, "the network namespace".to_string()),
    };
    if attach {
        sysnet::prog_attach(prog.fd(), target, attach_type, 0, None).map_err(|e| match e.errno() {
            Some(libc::EEXIST) if flow => UserError::new(
                "the network namespace already has a flow dissector held by a bpf_link",
                "end that link first (`bpfpin link show`, `bpfpin link detach id N`)",
            )
            .into(),
            Some(libc::EINVAL | libc::EOPNOTSUPP) => anyhow::Error::from(e)
                .context(format!("attaching {} to {what} as {at_name}", prog.desc()))
                .context(format!("the kernel refused {at_name} for this program or map")),
            _ => anyhow::Error::from(e).context(format!("attaching {} to {what} as {at_name}", prog.desc())),
        })?;
        out.note(&format!("attached {} to {what} as {at_name}", prog.desc()))?;
    } else {
        sysnet::prog_detach(Some(prog.fd()), target, attach_type).map_err(|e| match e.errno() {
            Some(libc::ENOENT | libc::EINVAL) => UserError::new(
                format!("{} is not attached to {what} as {at_name}", prog.desc()),
                "check the program, attach type and map (`bpftool map show`, `bpfpin prog show`)",
            )
            .into(),
            _ => anyhow::Error::from(e).context(format!("detaching {} from {what} ({at_name})", prog.desc())),
        })?;
        out.note(&format!("detached {} from {what} ({at_name})", prog.desc()))?;
    }
    Ok(out.done()?)
}
