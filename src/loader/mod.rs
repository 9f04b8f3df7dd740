//! The object loader bpfpin owns: ELF → maps → relocated programs → kernel.
//!
//! aya 0.14's `EbpfLoader` parses all of vmlinux BTF and probes kernel
//! features on every load (~35 ms even for a two-instruction XDP program),
//! and aya-obj 0.3 has no externs (`.kconfig`, `.ksyms`, kfuncs), no BTF
//! attach targets, no static prog-array initialisation, refuses flexible
//! array accesses in CO-RE relocations and names global-data maps unlike
//! libbpf. So every stage from the ELF file to `BPF_PROG_LOAD` lives here,
//! one file per stage; aya-obj is kept for the kernel's generated
//! definitions (`aya_obj::generated`).
//!
//! Stages, in the order a load runs them:
//! - `elf`: sections, symbols, relocations, license, programs and functions.
//! - `sections`: a program's section name → program type, expected attach
//!   type and attach target (libbpf's names and the legacy ones).
//! - `maps`: map definitions (legacy `maps`, BTF `.maps`, global data,
//!   `.kconfig`) with libbpf's names and their static initial slots.
//! - `kernel`: the running kernel's BTF (vmlinux and modules, read only when
//!   an object needs it), kallsyms and kconfig.
//! - `externs`: `.kconfig`/`.ksyms` variables and kfunc calls resolved
//!   against `kernel`.
//! - `core`: CO-RE relocations.
//! - `btf_fixup`: the object's BTF made loadable (DATASEC sizes and offsets,
//!   extern sections) and loaded, with the kernel's log on failure.
//! - `link`: a program's instructions with its subprograms appended and
//!   every map, data and extern reference relocated.
pub mod elf;
pub mod sections;
pub mod maps;
pub mod kernel;
pub mod externs;
pub mod core;
pub mod btf_fixup;
pub mod link;
