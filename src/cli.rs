//! The command line, as clap types only: no file is opened and no syscall is
//! made here. Objects, verbs and `--flags` are clap's; selectors and DATA are
//! bpftool's words, kept as `Vec<String>` and read by `select.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub const PROG_SPEC: &str = "PROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG | FILE }";
pub const MAP_SPEC: &str = "MAP := { id MAP_ID | pinned FILE | name MAP_NAME | FILE }";
pub const LINK_SPEC: &str = "LINK := { id LINK_ID | pinned FILE | FILE }";
pub const DATA_SPEC: &str =
    "DATA := { [hex] BYTES | json JSON }   (bytes as separate tokens: `1 0 0 0`, `hex 01 00 00 00`, `0x01 0 0 0`)";
pub const VALUE_SPEC: &str = "VALUE := { DATA | MAP | PROG }";
pub const UPDATE_FLAGS_SPEC: &str = "UPDATE_FLAGS := { any | exist | noexist }";

const PROG_HELP: &str = "PROG := { id PROG_ID | pinned FILE | name PROG_NAME | tag PROG_TAG | FILE }\nA bare FILE means `pinned FILE`. `name` and `tag` may match several programs.";
const MAP_HELP: &str = "MAP := { id MAP_ID | pinned FILE | name MAP_NAME | FILE }\nA bare FILE means `pinned FILE`. `name` may match several maps.";
const MAP_EDIT_HELP: &str = "MAP := { id MAP_ID | pinned FILE | name MAP_NAME | FILE }\nDATA := { [hex] BYTES | json JSON }   (bytes as separate tokens: `1 0 0 0`, `hex 01 00 00 00`, `0x01 0 0 0`)\nVALUE := { DATA | MAP | PROG }   (per-CPU maps: one VALUE for every CPU, or `value DATA` repeated once per CPU)\nUPDATE_FLAGS := { any | exist | noexist }   (push ... exist overwrites the oldest element of a full queue/stack)\nA bloom filter is tested with `peek MAP value VALUE`.";

/// A u32 written in decimal or 0x hex, as tc prints handles.
fn number(s: &str) -> Result<u32, String> {
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(h, 16),
        None => s.parse(),
    };
    parsed.map_err(|_| format!("expected a number such as 3 or 0x3, got `{s}`"))
}

#[derive(Debug, Parser)]
#[command(
    name = "bpfpin",
    version,
    about = "Load, pin, attach, inspect and remove eBPF programs and maps",
    long_about = "bpfpin loads any compiled BPF object, pins its programs and maps on bpffs, \
attaches them to network hooks, and lists, dumps, edits and removes what is pinned.",
    infer_subcommands = true,
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub object: Object,
}

#[derive(Debug, Clone, Args, Default)]
pub struct Global {
    /// Print JSON (bpftool's field names)
    #[arg(short = 'j', long, global = true)]
    pub json: bool,
    /// Print pretty JSON (implies --json)
    #[arg(short = 'p', long, global = true)]
    pub pretty: bool,
    /// Show the pinned paths of programs, maps and links (key `pinned`)
    #[arg(short = 'f', long = "bpffs", global = true)]
    pub bpffs: bool,
    /// Never mount bpffs or tracefs
    #[arg(short = 'n', long = "nomount", global = true)]
    pub nomount: bool,
    /// Print debug details (libbpf-style) on stderr
    #[arg(short = 'd', long, global = true)]
    pub debug: bool,
    /// Run network verbs in this network namespace (a name under /run/netns or a path); pins are resolved first
    #[arg(long, global = true, value_name = "NAME|PATH")]
    pub netns: Option<String>,
}

impl Global {
    pub fn json(&self) -> bool {
        self.json || self.pretty
    }
}

#[derive(Debug, Subcommand)]
pub enum Object {
    /// Load, inspect and remove programs
    #[command(subcommand)]
    Prog(ProgCmd),
    /// Inspect, dump, edit and remove maps
    #[command(subcommand)]
    Map(MapCmd),
    /// Attach programs to network hooks, and show what is attached
    #[command(subcommand)]
    Net(NetCmd),
    /// Show, pin and detach bpf_links
    #[command(subcommand, alias = "l")]
    Link(LinkCmd),
    /// List every pinned entry under DIR (default /sys/fs/bpf): kind, id, name, type
    Ls {
        /// Directory on bpffs
        dir: Option<PathBuf>,
    },
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Check this machine for what bpfpin needs, with a fix for each problem
    Doctor,
    /// Write completions/ and man/ from the clap definitions
    #[command(hide = true)]
    Generate {
        /// Directory that receives completions/ and man/
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
}

/// Options shared by `prog load` and `prog loadall`.
#[derive(Debug, Clone, Args, Default)]
pub struct LoadOpts {
    /// Program type, overriding the ELF section name (bpftool's `type T`)
    #[arg(long = "type", value_name = "T")]
    pub prog_type: Option<String>,
    /// Pin every map of the object as DIR/<map name> (bpftool's `pinmaps DIR`)
    #[arg(long = "pin-maps", value_name = "DIR")]
    pub pin_maps: Option<PathBuf>,
    /// Reuse an existing map for the object's map NAME (bpftool's `map name NAME MAP`)
    #[arg(long = "map", value_name = "NAME=MAP")]
    pub maps: Vec<String>,
    /// Reuse existing map pins when type, sizes, max entries and flags match (default)
    #[arg(long = "reuse-maps", conflicts_with = "replace_maps")]
    pub reuse_maps: bool,
    /// Unpin existing map pins and pin fresh maps
    #[arg(long = "replace-maps")]
    pub replace_maps: bool,
    /// Show the whole verifier log on failure (default: its last lines)
    #[arg(long = "verifier-log")]
    pub verifier_log: bool,
}

/// `prog rm` and `map rm`: pins to remove.
#[derive(Debug, Clone, Args)]
pub struct RmArgs {
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Remove a directory of pins
    #[arg(short = 'r', long)]
    pub recursive: bool,
    /// Allow PATH to be a bpffs mount root (in any spelling): with -r, every
    /// pin under it is removed
    #[arg(long)]
    pub whole_bpffs: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProgCmd {
    /// Show programs: all, or the ones PROG selects
    #[command(alias = "s", after_help = PROG_HELP)]
    Show {
        #[arg(value_name = "PROG")]
        words: Vec<String>,
    },
    /// Same as show
    #[command(alias = "l", after_help = PROG_HELP)]
    List {
        #[arg(value_name = "PROG")]
        words: Vec<String>,
    },
    /// Dump a program's instructions: `xlated PROG` or `jited PROG`
    #[command(alias = "d", after_help = PROG_HELP)]
    Dump {
        #[arg(value_name = "xlated|jited PROG", required = true, num_args = 1..)]
        words: Vec<String>,
        /// Show raw instruction bytes
        #[arg(long)]
        opcodes: bool,
        /// Show file:line:col of source lines
        #[arg(long)]
        linum: bool,
        /// Print the control-flow graph in DOT
        #[arg(long)]
        visual: bool,
    },
    /// Pin a program at PATH: `PROG PATH`
    #[command(alias = "p", after_help = PROG_HELP)]
    Pin {
        #[arg(value_name = "PROG PATH", required = true, num_args = 2..)]
        words: Vec<String>,
    },
    /// Load the first (or --prog) program of OBJ and pin it at PATH
    Load {
        /// Compiled BPF object (ELF)
        obj: PathBuf,
        /// Pin path on bpffs
        path: PathBuf,
        /// Which program to load and pin (default: the first)
        #[arg(long = "prog", value_name = "NAME")]
        prog: Option<String>,
        #[command(flatten)]
        opts: LoadOpts,
        /// bpftool keyword forms: `type T`, `pinmaps DIR`, `map name NAME MAP`, `map idx N MAP`
        #[arg(value_name = "KEYWORDS", num_args = 0.., allow_hyphen_values = true)]
        words: Vec<String>,
    },
    /// Load every program of OBJ and pin each as DIR/<program name>
    Loadall {
        /// Compiled BPF object (ELF)
        obj: PathBuf,
        /// Directory on bpffs (created if missing)
        dir: PathBuf,
        #[command(flatten)]
        opts: LoadOpts,
        /// bpftool keyword forms: `type T`, `pinmaps DIR`, `map name NAME MAP`, `map idx N MAP`
        #[arg(value_name = "KEYWORDS", num_args = 0.., allow_hyphen_values = true)]
        words: Vec<String>,
    },
    /// Remove program pins (only pins on bpffs)
    Rm(RmArgs),
    /// Attach PROG to a sockmap/sockhash or flow_dissector: `PROG ATTACH_TYPE [MAP]`
    #[command(after_help = PROG_HELP)]
    Attach {
        #[arg(value_name = "PROG ATTACH_TYPE MAP", required = true, num_args = 2..)]
        words: Vec<String>,
    },
    /// Detach PROG from a sockmap/sockhash or flow_dissector: `PROG ATTACH_TYPE [MAP]`
    #[command(after_help = PROG_HELP)]
    Detach {
        #[arg(value_name = "PROG ATTACH_TYPE MAP", required = true, num_args = 2..)]
        words: Vec<String>,
    },
    /// Stream the kernel trace pipe (bpf_printk output)
    Tracelog,
    /// Run PROG once or more with BPF_PROG_TEST_RUN: `PROG data_in FILE [data_out FILE] [ctx_in FILE] [repeat N]`
    #[command(after_help = PROG_HELP)]
    Run {
        #[arg(value_name = "PROG data_in FILE ...", required = true, num_args = 1..)]
        words: Vec<String>,
    },
    /// Runs per second and average run time per program, statistics on only meanwhile
    Stats {
        /// How long to sample, in seconds
        #[arg(long, default_value_t = 1.0)]
        duration: f64,
    },
}

#[derive(Debug, Subcommand)]
pub enum MapCmd {
    /// Show maps: all, or the ones MAP selects
    #[command(alias = "s", after_help = MAP_HELP)]
    Show {
        #[arg(value_name = "MAP")]
        words: Vec<String>,
    },
    /// Same as show
    #[command(alias = "l", after_help = MAP_HELP)]
    List {
        #[arg(value_name = "MAP")]
        words: Vec<String>,
    },
    /// Dump every entry of MAP
    #[command(alias = "d", after_help = MAP_HELP)]
    Dump {
        #[arg(value_name = "MAP", required = true, num_args = 1..)]
        words: Vec<String>,
        /// Raw bytes in bpftool's layout, even where the map has BTF
        #[arg(long)]
        hex: bool,
    },
    /// Look up one key: `MAP key DATA`
    #[command(alias = "lo", after_help = MAP_EDIT_HELP)]
    Lookup {
        #[arg(value_name = "MAP key DATA", required = true, num_args = 1.., allow_negative_numbers = true)]
        words: Vec<String>,
    },
    /// The key after DATA, or the first key: `MAP [key DATA]`
    #[command(after_help = MAP_EDIT_HELP)]
    Getnext {
        #[arg(value_name = "MAP [key DATA]", required = true, num_args = 1.., allow_negative_numbers = true)]
        words: Vec<String>,
    },
    /// Write one entry: `MAP key DATA value VALUE [UPDATE_FLAGS]`, or many with --from
    #[command(alias = "u", after_help = MAP_EDIT_HELP)]
    Update {
        #[arg(value_name = "MAP key DATA value VALUE [UPDATE_FLAGS]", required = true, num_args = 1.., allow_negative_numbers = true)]
        words: Vec<String>,
        /// A `-j map dump` output or JSON lines to write in batches (`-` for stdin)
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
    },
    /// Delete one key: `MAP key DATA`, or every key with --all
    #[command(alias = "de", after_help = MAP_EDIT_HELP)]
    Delete {
        #[arg(value_name = "MAP key DATA", required = true, num_args = 1.., allow_negative_numbers = true)]
        words: Vec<String>,
        /// Delete every entry
        #[arg(long)]
        all: bool,
    },
    /// Create a map and pin it: `PATH type T key N value N entries N name NAME [flags F] [inner_map MAP]`
    #[command(alias = "c")]
    Create {
        #[arg(value_name = "PATH type T key N value N entries N name NAME", required = true, num_args = 1..)]
        words: Vec<String>,
    },
    /// Pin a map at PATH: `MAP PATH`
    #[command(alias = "p", after_help = MAP_HELP)]
    Pin {
        #[arg(value_name = "MAP PATH", required = true, num_args = 2..)]
        words: Vec<String>,
    },
    /// Make MAP read-only for user space
    #[command(alias = "f", after_help = MAP_HELP)]
    Freeze {
        #[arg(value_name = "MAP", required = true, num_args = 1..)]
        words: Vec<String>,
    },
    /// Remove map pins (only pins on bpffs)
    Rm(RmArgs),
    /// Live values and per-second rates
    #[command(after_help = MAP_HELP)]
    Watch {
        #[arg(value_name = "MAP", required = true, num_args = 1..)]
        words: Vec<String>,
        /// Seconds between refreshes
        #[arg(long, default_value_t = 1.0)]
        interval: f64,
        /// Stop after N refreshes
        #[arg(long)]
        count: Option<u64>,
        /// Show each CPU's values and rates instead of their sum
        #[arg(long)]
        per_cpu: bool,
    },
    /// Push a value onto a queue, stack or bloom filter: `MAP value VALUE`
    #[command(after_help = MAP_EDIT_HELP)]
    Push {
        #[arg(value_name = "MAP value VALUE", required = true, num_args = 1.., allow_negative_numbers = true)]
        words: Vec<String>,
    },
    /// Same as push
    #[command(alias = "e", after_help = MAP_EDIT_HELP)]
    Enqueue {
        #[arg(value_name = "MAP value VALUE", required = true, num_args = 1.., allow_negative_numbers = true)]
        words: Vec<String>,
    },
    /// Pop a value from a queue or stack
    #[command(after_help = MAP_HELP)]
    Pop {
        #[arg(value_name = "MAP", required = true, num_args = 1..)]
        words: Vec<String>,
    },
    /// Same as pop
    #[command(after_help = MAP_HELP)]
    Dequeue {
        #[arg(value_name = "MAP", required = true, num_args = 1..)]
        words: Vec<String>,
    },
    /// Read the next value of a queue or stack without removing it
    #[command(after_help = MAP_HELP)]
    Peek {
        #[arg(value_name = "MAP", required = true, num_args = 1..)]
        words: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum NetCmd {
    /// Show XDP, tc and tcx attachments, of all interfaces or `dev IFACE`
    #[command(alias = "s")]
    Show {
        #[arg(value_name = "dev IFACE")]
        words: Vec<String>,
    },
    /// Same as show
    #[command(alias = "l")]
    List {
        #[arg(value_name = "dev IFACE")]
        words: Vec<String>,
    },
    /// Attach: `ATTACH_TYPE PROG dev IFACE [overwrite]`
    #[command(
        alias = "a",
        after_help = "ATTACH_TYPE := { xdp | xdpgeneric | xdpdrv | xdpoffload | tc-ingress | tc-egress | tcx-ingress | tcx-egress | socket }"
    )]
    Attach {
        #[arg(value_name = "ATTACH_TYPE PROG dev IFACE [overwrite]", required = true, num_args = 1..)]
        words: Vec<String>,
        /// Attach through a bpf_link pinned at PATH (the attachment lives as long as the pin)
        #[arg(long, value_name = "PATH")]
        link: Option<PathBuf>,
        /// tc filter priority
        #[arg(long)]
        priority: Option<u16>,
        /// tc filter handle (decimal or 0x hex)
        #[arg(long, value_parser = number)]
        handle: Option<u32>,
        /// tcx: insert before this program (`id N`, a bare number taken as an id, or a pinned path)
        #[arg(long, value_name = "PROG")]
        before: Option<String>,
        /// tcx: insert after this program (`id N`, a bare number taken as an id, or a pinned path)
        #[arg(long, value_name = "PROG")]
        after: Option<String>,
        /// socket: stop after S seconds
        #[arg(long, value_name = "S")]
        duration: Option<f64>,
    },
    /// Detach: `ATTACH_TYPE dev IFACE` (tcx hooks hold several programs: `tcx-ingress [PROG] dev IFACE`)
    #[command(alias = "d")]
    Detach {
        #[arg(value_name = "ATTACH_TYPE [PROG] dev IFACE", required = true, num_args = 1..)]
        words: Vec<String>,
        /// tc filter priority
        #[arg(long)]
        priority: Option<u16>,
        /// tc filter handle (decimal or 0x hex)
        #[arg(long, value_parser = number)]
        handle: Option<u32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LinkCmd {
    /// Show links: all, or the one LINK selects
    #[command(alias = "s", after_help = LINK_SPEC)]
    Show {
        #[arg(value_name = "LINK")]
        words: Vec<String>,
    },
    /// Same as show
    #[command(alias = "l", after_help = LINK_SPEC)]
    List {
        #[arg(value_name = "LINK")]
        words: Vec<String>,
    },
    /// Pin a link at PATH: `LINK PATH`
    #[command(alias = "p", after_help = LINK_SPEC)]
    Pin {
        #[arg(value_name = "LINK PATH", required = true, num_args = 2..)]
        words: Vec<String>,
    },
    /// Detach a link (the attachment ends even if pins remain)
    #[command(alias = "d", after_help = LINK_SPEC)]
    Detach {
        #[arg(value_name = "LINK", required = true, num_args = 1..)]
        words: Vec<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    fn parses(line: &str) -> Cli {
        let args = std::iter::once("bpfpin").chain(line.split_whitespace());
        Cli::try_parse_from(args).unwrap_or_else(|e| panic!("`{line}` did not parse: {e}"))
    }

    /// Every synopsis line of DESIGN.md, with concrete words filled in.
    #[test]
    fn design_synopsis_lines_parse() {
        let lines = [
            "-j -p -f -n -d --netns ns1 prog show",
            "prog load x.o /sys/fs/bpf/p --type xdp --prog f --pin-maps /sys/fs/bpf/m --map m1=id:3 --reuse-maps --verifier-log",
            "prog load x.o /sys/fs/bpf/p --replace-maps",
            "prog load x.o /sys/fs/bpf/p type xdp pinmaps /sys/fs/bpf/m map name m1 id 3",
            "prog load x.o /sys/fs/bpf/p map idx 0 pinned /sys/fs/bpf/m",
            "prog loadall x.o /sys/fs/bpf/d --pin-maps /sys/fs/bpf/m",
            "prog show",
            "prog list id 5",
            "prog show pinned /sys/fs/bpf/p",
            "prog show name foo",
            "prog show tag 0123456789abcdef",
            "prog show /sys/fs/bpf/p",
            "prog dump xlated id 5 --opcodes --linum",
            "prog dump jited id 5",
            "prog pin id 5 /sys/fs/bpf/p",
            "prog rm /sys/fs/bpf/p /sys/fs/bpf/q -r",
            "prog attach id 5 sk_skb_stream_verdict pinned /sys/fs/bpf/sockmap",
            "prog detach id 5 sk_msg_verdict id 7",
            "prog tracelog",
            "prog run id 5 data_in pkt.bin data_out out.bin ctx_in ctx.bin repeat 100",
            "prog stats --duration 2",
            "map show",
            "map list id 3",
            "map dump id 3 --hex",
            "map lookup id 3 key 1 0 0 0",
            "map getnext id 3",
            "map getnext id 3 key hex 01 00 00 00",
            "map update id 3 key 1 0 0 0 value 2 0 0 0 0 0 0 0 noexist",
            "map update id 3 key json 5 value json {\"packets\":0}",
            "map update pinned /sys/fs/bpf/m --from dump.json",
            "map delete id 3 key 0x01 0 0 0",
            "map delete id 3 --all",
            "map create /sys/fs/bpf/m type hash key 4 value 8 entries 16 name m flags 1",
            "map pin id 3 /sys/fs/bpf/m",
            "map freeze id 3",
            "map rm /sys/fs/bpf/m -r",
            "map watch id 3 --interval 0.5 --count 2",
            "map push id 3 value 1 0 0 0",
            "map enqueue id 3 value 1 0 0 0",
            "map pop id 3",
            "map dequeue id 3",
            "map peek id 3",
            "net show",
            "net list dev eth0",
            "net attach xdp id 5 dev eth0 overwrite",
            "net attach xdpgeneric pinned /sys/fs/bpf/p dev eth0 --link /sys/fs/bpf/l",
            "net attach xdpdrv id 5 dev eth0",
            "net attach xdpoffload id 5 dev eth0",
            "net attach tc-ingress id 5 dev eth0 --priority 3 --handle 2",
            "net attach tc-ingress id 5 dev eth0 --handle 0x2",
            "net detach tc-ingress dev eth0 --priority 3 --handle 0x2",
            "net detach tcx-ingress id 5 dev eth0",
            "net attach tc-egress id 5 dev eth0",
            "net attach tcx-ingress id 5 dev eth0 --link /sys/fs/bpf/l",
            "net attach tcx_egress id 5 dev eth0",
            "net attach socket id 5 dev eth0 --duration 1",
            "net detach xdp dev eth0",
            "link show",
            "link list id 4",
            "link pin id 4 /sys/fs/bpf/l",
            "link detach pinned /sys/fs/bpf/l",
            "ls",
            "ls /sys/fs/bpf/x",
            "completions bash",
            "doctor",
        ];
        for line in lines {
            parses(line);
        }
    }

    /// bpftool habits: unique prefixes, and the first-row choice where clap
    /// would call a prefix ambiguous.
    #[test]
    fn bpftool_abbreviations() {
        assert!(matches!(parses("p s").object, Object::Prog(ProgCmd::Show { .. })));
        assert!(matches!(parses("p l").object, Object::Prog(ProgCmd::List { .. })));
        assert!(matches!(parses("p d xlated id 1").object, Object::Prog(ProgCmd::Dump { .. })));
        assert!(matches!(parses("m d pinned /sys/fs/bpf/x").object, Object::Map(MapCmd::Dump { .. })));
        assert!(matches!(parses("m s").object, Object::Map(MapCmd::Show { .. })));
        assert!(matches!(parses("m lo id 1 key 0").object, Object::Map(MapCmd::Lookup { .. })));
        assert!(matches!(parses("m u id 1 key 0 value 0").object, Object::Map(MapCmd::Update { .. })));
        assert!(matches!(parses("m de id 1 key 0").object, Object::Map(MapCmd::Delete { .. })));
        assert!(matches!(parses("m g id 1").object, Object::Map(MapCmd::Getnext { .. })));
        assert!(matches!(parses("n s").object, Object::Net(NetCmd::Show { .. })));
        assert!(matches!(parses("l s").object, Object::Link(LinkCmd::Show { .. })));
        assert!(matches!(parses("li s").object, Object::Link(LinkCmd::Show { .. })));
        assert!(matches!(parses("prog loada x.o /sys/fs/bpf/d").object, Object::Prog(ProgCmd::Loadall { .. })));
    }

    #[test]
    fn pretty_implies_json() {
        assert!(parses("-p prog show").global.json());
        assert!(!parses("prog show").global.json());
    }
}
