#!/usr/bin/env bash
# The main job on the bundled samples, end to end on the real kernel: build
# bpfpin, load a sample, show it, dump its maps, remove everything it made.
# Each step prints the bpfpin command it runs, so the demo teaches the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release -q
bin=$PWD/target/release/bpfpin

dir=/sys/fs/bpf/bpfpin_demo_$$
cleanup() {
  rm -rf "$dir" "${dir}_maps" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

step() {
  printf '\n\033[1m$ bpfpin %s\033[0m\n' "$*"
  "$bin" "$@"
}

step prog load samples/xdp_count/xdp_count.bpf.o "$dir/xdp_count" --pin-maps "${dir}_maps"
step prog show pinned "$dir/xdp_count"
step -j prog show pinned "$dir/xdp_count"
step ls "$dir"
step ls "${dir}_maps"
step map dump pinned "${dir}_maps/_bss"
step -j map dump pinned "${dir}_maps/_bss"
step prog rm -r "$dir"
step map rm -r "${dir}_maps"
echo
echo "demo: done; everything it created is removed"
