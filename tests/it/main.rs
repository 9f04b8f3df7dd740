//! Integration tests: the real `bpfpin` binary against the real kernel.
//! One binary (ripgrep's layout) so the harness in `util` is built once.

mod util;

mod apply;
mod attach;
mod batch;
mod btf;
mod cgroup;
mod complete;
mod demo;
mod doctor;
mod dump;
mod errors;
mod events;
mod exact;
mod feature;
mod generated;
mod grammar;
mod inner;
mod link;
mod live;
mod loader;
mod map;
mod mapedit;
mod net;
mod pids;
mod pin;
mod prog;
mod safety;
mod samples;
mod struct_ops;
mod uprobe;
