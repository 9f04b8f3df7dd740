//! Typed views of kernel objects. Field names are bpftool's JSON keys, so
//! `-j` output is what bpftool users' scripts already read; fields only
//! bpfpin has are extra keys.

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use crate::output::Row;

/// bpftool's names for `enum bpf_prog_type`, indexed by value.
#[derive(Debug, Clone, Serialize)]
pub struct ProgView {
    pub id: u32,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub tag: String,
    pub gpl_compatible: bool,
    /// Present while run-time statistics are on (`prog stats`, sysctl kernel.bpf_stats_enabled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_time_ns: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_cnt: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recursion_misses: Option<u64>,
    pub loaded_at: i64,
    /// `loaded_at` in local time, for the table (bpftool's plain form).
    #[serde(skip)]
    pub loaded_local: Option<crate::sys::LocalTime>,
    pub uid: u32,
    /// Newer bpftool's mark for a program offloaded to a device that is
    /// gone. bpftool 7.1 has no such key and newer ones always print it, so
    /// it is an extra key here, present only when true (where newer bpftool
    /// puts it, after `uid`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub orphaned: bool,
    pub bytes_xlated: u32,
    pub jited: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_jited: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_memlock: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub map_ids: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<Vec<String>>,
    /// Processes holding an fd to the program (bpftool's `pids`, left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pids: Vec<PidRef>,
    /// The `bpf_metadata_*` variables of the program's `.rodata`, typed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

/// One process holding an object: bpftool's `{"pid": N, "comm": "..."}`.
#[derive(Debug, Clone, Serialize)]
pub struct PidRef {
    pub pid: u32,
    pub comm: String,
}

impl From<crate::pids::Holder> for PidRef {
    fn from(h: crate::pids::Holder) -> PidRef {
        PidRef { pid: h.pid, comm: h.comm }
    }
}

/// The table's `PIDS` cell: bpftool's `comm(pid)` for each holder.
fn pids_cell(p: &[PidRef]) -> String {
    p.iter().map(|r| format!("{}({})", r.comm, r.pid)).collect::<Vec<_>>().join(",")
}

/// The table's `METADATA` cell: `NAME=VALUE` pairs, values as in JSON.
fn metadata_cell(m: &Option<serde_json::Map<String, serde_json::Value>>) -> String {
    m.iter().flatten().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

/// bpftool's plain `loaded_at`: strftime's `%FT%T%z`
/// (`2026-12-01T08:12:19+0000`); the epoch seconds when the C library
/// could not convert, as bpftool falls back to a number too.
pub fn iso_local(epoch: i64, t: Option<&crate::sys::LocalTime>) -> String {
    let Some(t) = t else { return epoch.to_string() };
    let sign = if t.gmtoff < 0 { '-' } else { '+' };
    let off = t.gmtoff.unsigned_abs() / 60;
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}{:02}",
        t.year,
        t.month,
        t.day,
        t.hour,
        t.min,
        t.sec,
        off / 60,
        off % 60
    )
}

fn join_ids(ids: &[u32]) -> String {
    ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "-".to_string(), T::to_string)
}

impl Row for ProgView {
    fn header() -> &'static [&'static str] {
        &[
            "id",
            "type",
            "name",
            "tag",
            "loaded_at",
            "xlated",
            "jited",
            "memlock",
            "map_ids",
            "btf_id",
            "pinned",
            "pids",
            "metadata",
        ]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.kind.clone(),
            if self.orphaned { "(orphaned)".into() } else { self.name.clone() },
            self.tag.clone(),
            iso_local(self.loaded_at, self.loaded_local.as_ref()),
            format!("{}B", self.bytes_xlated),
            self.bytes_jited.map_or_else(|| "-".into(), |b| format!("{b}B")),
            self.bytes_memlock.map_or_else(|| "-".into(), |b| format!("{b}B")),
            join_ids(&self.map_ids),
            opt(&self.btf_id),
            self.pinned.as_ref().map(|p| p.join(",")).unwrap_or_default(),
            pids_cell(&self.pids),
            metadata_cell(&self.metadata),
        ]
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MapView {
    pub id: u32,
    #[serde(rename = "type")]
    pub kind: String,
    /// bpftool leaves the key out for a map made without a name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub flags: u32,
    pub bytes_key: u32,
    pub bytes_value: u32,
    pub max_entries: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_memlock: Option<u64>,
    /// Prog arrays only, once a program using one is loaded (the kernel
    /// reports an owner for devmaps and cpumaps too; bpftool does not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_prog_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_jited: Option<bool>,
    pub frozen: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub btf_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<Vec<String>>,
    /// Processes holding an fd to the object (bpftool's `pids`, left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pids: Vec<PidRef>,
}

impl Row for MapView {
    fn header() -> &'static [&'static str] {
        &["id", "type", "name", "flags", "key", "value", "max_entries", "memlock", "frozen", "btf_id", "pinned", "pids"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.kind.clone(),
            self.name.clone(),
            format!("{:#x}", self.flags),
            format!("{}B", self.bytes_key),
            format!("{}B", self.bytes_value),
            self.max_entries.to_string(),
            self.bytes_memlock.map_or_else(|| "-".into(), |b| format!("{b}B")),
            if self.frozen != 0 { "yes".into() } else { "no".into() },
            opt(&self.btf_id),
            self.pinned.as_ref().map(|p| p.join(",")).unwrap_or_default(),
            pids_cell(&self.pids),
        ]
    }
}

/// One link with bpftool's `link show` keys: the common header, then what
/// its type carries (as the newest bpftool decodes it), `pinned`, `pids`.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub id: u32,
    #[serde(rename = "type")]
    pub kind: NameOrNum,
    pub prog_id: u32,
    #[serde(flatten)]
    pub detail: LinkDetail,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<Vec<String>>,
    /// Processes holding an fd to the object (bpftool's `pids`, left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pids: Vec<PidRef>,
}

/// A name where bpftool knows one, else the kernel's number (bpftool prints
/// `"type": 11` and `type 11` for values its libbpf cannot name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum NameOrNum {
    Name(String),
    Num(u64),
}

impl std::fmt::Display for NameOrNum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameOrNum::Name(s) => f.write_str(s),
            NameOrNum::Num(n) => write!(f, "{n}"),
        }
    }
}

/// The per-type part of a link, in bpftool's key order.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum LinkDetail {
    RawTracepoint {
        tp_name: String,
        cookie: u64,
    },
    Tracing {
        prog_type: NameOrNum,
        attach_type: NameOrNum,
        target_obj_id: u32,
        target_btf_id: u32,
        cookie: u64,
    },
    Cgroup {
        cgroup_id: u64,
        attach_type: NameOrNum,
    },
    Iter {
        target_name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        map_id: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        tid: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pid: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cgroup_id: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        order: Option<String>,
    },
    Netns {
        netns_ino: u32,
        attach_type: NameOrNum,
    },
    Netfilter {
        pf: u32,
        hook: u32,
        prio: i32,
        flags: u32,
    },
    /// tcx and netkit links.
    Device {
        devname: String,
        ifindex: u32,
        attach_type: NameOrNum,
    },
    Sockmap {
        map_id: u32,
        attach_type: NameOrNum,
    },
    Xdp {
        devname: String,
        ifindex: u32,
    },
    StructOps {
        map_id: u32,
    },
    KprobeMulti {
        retprobe: bool,
        func_cnt: u32,
        missed: u64,
        funcs: Vec<KprobeFunc>,
    },
    UprobeMulti {
        retprobe: bool,
        path: String,
        func_cnt: u32,
        pid: i32,
        funcs: Vec<UprobeFunc>,
    },
    Kprobe {
        retprobe: bool,
        addr: u64,
        func: String,
        offset: u32,
        missed: u64,
        cookie: u64,
    },
    Uprobe {
        retprobe: bool,
        file: String,
        offset: u32,
        cookie: u64,
        ref_ctr_offset: u64,
    },
    Tracepoint {
        tracepoint: String,
        cookie: u64,
    },
    PerfEvent {
        event_type: NameOrNum,
        event_config: NameOrNum,
        cookie: u64,
    },
    None {},
}

/// One function of a kprobe_multi link (module null for vmlinux).
#[derive(Debug, Clone, Serialize)]
pub struct KprobeFunc {
    pub addr: u64,
    pub func: String,
    pub module: Option<String>,
    pub cookie: u64,
}

/// One probe of a uprobe_multi link.
#[derive(Debug, Clone, Serialize)]
pub struct UprobeFunc {
    pub offset: u64,
    pub ref_ctr_offset: u64,
    pub cookie: u64,
}

/// One struct_ops map with bpftool's `struct_ops show` keys.
#[derive(Debug, Clone, Serialize)]
pub struct StructOpsView {
    pub id: u32,
    pub name: String,
    pub kernel_struct_ops: String,
}

/// One pinned entry found by `ls`.
#[derive(Debug, Clone, Serialize)]
pub struct LsEntry {
    pub path: String,
    /// prog, map, link, dir, or `unreadable` for entries that cannot be
    /// opened as BPF objects (bpffs' maps.debug/progs.debug).
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub obj_type: Option<String>,
}

impl Row for LsEntry {
    fn header() -> &'static [&'static str] {
        &["path", "kind", "id", "name", "type"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.path.clone(),
            self.kind.clone(),
            opt(&self.id),
            self.name.clone().unwrap_or_else(|| "-".into()),
            self.obj_type.clone().unwrap_or_else(|| "-".into()),
        ]
    }
}

/// Bytes as bpftool's JSON array of "0x.." strings, without a per-byte allocation.
pub struct HexBytes<'a>(pub &'a [u8]);

impl Serialize for HexBytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for txt in crate::output::hexfmt::json_bytes(self.0) {
            seq.serialize_element(txt)?;
        }
        seq.end()
    }
}

/// One CPU's value in a per-CPU entry: `{"cpu": N, "value": [...]}`.
#[derive(Serialize)]
pub struct CpuValue<'a, V: Serialize> {
    pub cpu: usize,
    pub value: V,
    #[serde(skip)]
    pub _p: std::marker::PhantomData<&'a ()>,
}

/// A dump entry as bpftool's `-j map dump` prints it.
#[derive(Serialize)]
pub struct DumpEntry<'a> {
    pub key: HexBytes<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<HexBytes<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<PerCpu<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formatted: Option<serde_json::Value>,
}

/// The header bpftool puts before each map's `elements` when one `map dump`
/// selects several maps (show_map_header_json: no name key when unnamed).
#[derive(Serialize)]
pub struct DumpHeader {
    pub id: u32,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub flags: u32,
}

/// A dump entry whose lookup failed, as bpftool's `-j map dump` prints it:
/// `{"key":[...],"value":{"error":"Operation not supported"}}`.
#[derive(Serialize)]
pub struct DumpErrorEntry<'a> {
    pub key: HexBytes<'a>,
    pub value: LookupError<'a>,
}

#[derive(Serialize)]
pub struct LookupError<'a> {
    pub error: &'a str,
}

/// One slot of a map of maps under `map dump --inner -j`: bpftool's `key`
/// and `value` (the inner map's id), then the inner map itself. An empty
/// slot has `value` and `inner` null.
#[derive(Serialize)]
pub struct SlotEntry<'a> {
    pub key: HexBytes<'a>,
    pub value: Option<HexBytes<'a>>,
    pub inner: Option<InnerDump>,
}

/// The inner map of a slot: who it is, and its entries as `map dump -j`
/// prints them (`elements`, the key bpftool uses for a map's entries when a
/// dump selects several), or why they could not be read (`error`).
#[derive(Serialize)]
pub struct InnerDump {
    pub id: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elements: Option<Vec<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Per-CPU values serialised as bpftool's `values` array.
pub struct PerCpu<'a>(pub Vec<&'a [u8]>);

impl Serialize for PerCpu<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (cpu, v) in self.0.iter().enumerate() {
            seq.serialize_element(&CpuValue { cpu, value: HexBytes(v), _p: Default::default() })?;
        }
        seq.end()
    }
}

pub use crate::kinds::ObjKind;

// ---- btf (issue 13, item 2) ----

/// One BTF object, with bpftool's `btf show -j` keys and order.
#[derive(Debug, Clone, Serialize)]
pub struct BtfView {
    pub id: u32,
    pub size: u32,
    pub prog_ids: Vec<u32>,
    pub map_ids: Vec<u32>,
    pub kernel: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Processes holding an fd to the BTF object (bpftool's `pids`, left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pids: Vec<PidRef>,
}

impl Row for BtfView {
    fn header() -> &'static [&'static str] {
        &["id", "name", "size", "kernel", "prog_ids", "map_ids", "pids"]
    }
    fn cells(&self) -> Vec<String> {
        let ids = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let name = match (self.kernel, self.name.is_empty()) {
            (true, _) => format!("[{}]", self.name),
            (false, true) => "<anon>".into(),
            (false, false) => self.name.clone(),
        };
        vec![
            self.id.to_string(),
            name,
            format!("{}B", self.size),
            if self.kernel { "yes" } else { "no" }.into(),
            ids(&self.prog_ids),
            ids(&self.map_ids),
            pids_cell(&self.pids),
        ]
    }
}
// ---- end btf ----

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &impl Serialize) -> Vec<String> {
        match serde_json::to_value(v).unwrap() {
            serde_json::Value::Object(m) => m.keys().cloned().collect(),
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn loaded_at_plain_is_strftime_iso() {
        let t = crate::sys::LocalTime { year: 2026, month: 12, day: 1, hour: 8, min: 5, sec: 9, gmtoff: 0 };
        assert_eq!(iso_local(1, Some(&t)), "2026-12-01T08:05:09+0000");
        let t = crate::sys::LocalTime { gmtoff: -(4 * 3600 + 30 * 60), ..t };
        assert_eq!(iso_local(1, Some(&t)), "2026-12-01T08:05:09-0430");
        let t = crate::sys::LocalTime { gmtoff: 19_800, ..t };
        assert_eq!(iso_local(1, Some(&t)), "2026-12-01T08:05:09+0530");
        assert_eq!(iso_local(1_700_000_000, None), "1700000000");
    }

    #[test]
    fn prog_view_has_bpftool_keys() {
        let v = ProgView {
            id: 1,
            kind: "xdp".into(),
            name: "x".into(),
            tag: "00".into(),
            gpl_compatible: true,
            run_time_ns: None,
            run_cnt: None,
            recursion_misses: None,
            loaded_at: 0,
            loaded_local: None,
            uid: 0,
            bytes_xlated: 8,
            jited: true,
            bytes_jited: Some(4),
            bytes_memlock: Some(4096),
            map_ids: vec![1],
            btf_id: Some(3),
            pinned: Some(vec!["/sys/fs/bpf/x".into()]),
            pids: vec![PidRef { pid: 7, comm: "loader".into() }],
            metadata: None,
            orphaned: false,
        };
        let mut k = keys(&v);
        k.sort();
        let mut want = vec![
            "id",
            "type",
            "name",
            "tag",
            "gpl_compatible",
            "loaded_at",
            "uid",
            "bytes_xlated",
            "jited",
            "bytes_jited",
            "bytes_memlock",
            "map_ids",
            "btf_id",
            "pinned",
            "pids",
        ];
        want.sort();
        assert_eq!(k, want);
        assert_eq!(v.cells()[11], "loader(7)");
        // `orphaned` only when true, after `uid` as newer bpftool prints it.
        let o = ProgView { orphaned: true, ..v };
        let k = keys(&o);
        assert_eq!(k.iter().position(|x| x == "orphaned"), k.iter().position(|x| x == "uid").map(|i| i + 1));
        assert_eq!(o.cells()[2], "(orphaned)");
    }

    #[test]
    fn map_view_has_bpftool_keys() {
        let v = MapView {
            id: 1,
            kind: "hash".into(),
            name: "m".into(),
            flags: 0,
            bytes_key: 4,
            bytes_value: 8,
            max_entries: 16,
            bytes_memlock: Some(1),
            owner_prog_type: None,
            owner_jited: None,
            frozen: 0,
            btf_id: Some(2),
            pinned: None,
            pids: Vec::new(),
        };
        let mut k = keys(&v);
        k.sort();
        let mut want = vec![
            "id",
            "type",
            "name",
            "flags",
            "bytes_key",
            "bytes_value",
            "max_entries",
            "bytes_memlock",
            "frozen",
            "btf_id",
        ];
        want.sort();
        assert_eq!(k, want);
        // bpftool prints `name` only when the map has one.
        let unnamed = MapView { name: String::new(), ..v };
        assert!(!keys(&unnamed).contains(&"name".to_string()));
    }

    #[test]
    fn dump_entry_json_matches_bpftool() {
        let e = DumpEntry {
            key: HexBytes(&[1, 0, 0, 0]),
            value: Some(HexBytes(&[5, 0xff])),
            values: None,
            formatted: None,
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"key":["0x01","0x00","0x00","0x00"],"value":["0x05","0xff"]}"#
        );
        let e = DumpEntry { key: HexBytes(&[1]), value: None, values: Some(PerCpu(vec![&[1], &[2]])), formatted: None };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"key":["0x01"],"values":[{"cpu":0,"value":["0x01"]},{"cpu":1,"value":["0x02"]}]}"#
        );
        let e = DumpErrorEntry { key: HexBytes(&[0]), value: LookupError { error: "Operation not supported" } };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"key":["0x00"],"value":{"error":"Operation not supported"}}"#
        );
    }
}
