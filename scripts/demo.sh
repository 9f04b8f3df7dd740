#!/usr/bin/env bash
# The main job in one command, on the real kernel: build bpfpin, make a
# throwaway pair of network namespaces joined by a veth, load the bundled
# counters, attach them (XDP, tc, socket filter), send real pings, watch the
# counters rise, then remove everything — also when interrupted.
# Each step prints the bpfpin command it runs, so the demo teaches the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# BPFPIN_BIN lets the test suite run the demo with the binary it built.
bin=${BPFPIN_BIN:-}
if [ -z "$bin" ]; then
  echo "demo: building bpfpin (release)"
  cargo build --release -q
  bin=$PWD/target/x86_64-unknown-linux-gnu/release/bpfpin   # .cargo/config.toml names the target
fi

id=$$
ns=bpfdemo${id}a          # where the counters are attached
peer=bpfdemo${id}b        # where the pings come from
dev=vdemo${id}            # the veth end inside $ns
pins=/sys/fs/bpf/bpfpin_demo_${id}

cleanup() {
  trap - EXIT INT TERM
  ip netns del "$ns" 2>/dev/null || true     # takes the veth and its hooks along
  ip netns del "$peer" 2>/dev/null || true
  rm -rf "$pins" 2>/dev/null || true
}
trap cleanup EXIT
trap 'echo; echo "demo: interrupted, cleaning up"; exit 130' INT TERM

bold=$([ -t 1 ] && printf '\033[1m' || true)
plain=$([ -t 1 ] && printf '\033[0m' || true)
step() {
  printf '\n%s$ bpfpin %s%s\n' "$bold" "$*" "$plain"
  "$bin" "$@"
}
say() { printf '\n# %s\n' "$*"; }
ping_peer() { nsenter --net=/run/netns/"$peer" ping -q -c "$1" -i 0.05 -W 1 10.99.0.1 >/dev/null; }

say "a throwaway network: namespaces $ns and $peer, veth $dev <-> peer, 10.99.0.1 <-> 10.99.0.2"
ip netns add "$ns"
ip netns add "$peer"
ip -n "$ns" link add "$dev" type veth peer name "p$dev" netns "$peer"
ip -n "$ns" addr add 10.99.0.1/24 dev "$dev"
ip -n "$peer" addr add 10.99.0.2/24 dev "p$dev"
ip -n "$ns" link set "$dev" up
ip -n "$peer" link set "p$dev" up

say "load the counters; maps are pinned next to them"
step prog load samples/xdp_stats/xdp_stats.bpf.o "$pins/xdp_stats" --pin-maps "$pins/maps"
step prog loadall samples/tc_count/tc_count.bpf.o "$pins/tc" --pin-maps "$pins/maps"
step prog load samples/icmp_count/icmp_count.bpf.o "$pins/icmp_count" --pin-maps "$pins/maps"
step prog show pinned "$pins/xdp_stats"

say "attach: XDP and tc on $dev (inside $ns, reached with --netns; the pins stay visible)"
step --netns "$ns" net attach xdp pinned "$pins/xdp_stats" dev "$dev"
step --netns "$ns" net attach tc-ingress pinned "$pins/tc/tc_count_ingress" dev "$dev"
step --netns "$ns" net attach tc-egress pinned "$pins/tc/tc_count_egress" dev "$dev"
step --netns "$ns" net show dev "$dev"

say "send 10 pings from $peer, then read the counters"
ping_peer 10
step map dump pinned "$pins/maps/xdp_stats_map"
step map dump pinned "$pins/maps/tc_dir_count"
say "10 more pings: the counters rise"
ping_peer 10
step map dump pinned "$pins/maps/tc_dir_count"
step -j map dump pinned "$pins/maps/tc_dir_count"

say "swap the XDP program for icmp_count (overwrite), ping, and read packets per source address"
step --netns "$ns" net attach xdp pinned "$pins/icmp_count" dev "$dev" overwrite
ping_peer 5
step map dump --hex pinned "$pins/maps/pc_map"

say "a socket filter on a raw socket, counting per IP protocol for 2 seconds while pings flow"
step prog loadall samples/sock_bw/sock_bw.bpf.o "$pins/sock" --pin-maps "$pins/sockmaps"
( sleep 0.5; ping_peer 10 ) &
step --netns "$ns" net attach socket pinned "$pins/sock/sock_bw" dev "$dev" --duration 2
wait

say "everything that is pinned"
step ls "$pins"

say "detach and remove"
step --netns "$ns" net detach xdp dev "$dev"
step --netns "$ns" net detach tc-ingress dev "$dev"
step --netns "$ns" net detach tc-egress dev "$dev"
step --netns "$ns" net show dev "$dev"
step prog rm -r "$pins"
cleanup
echo
echo "demo: done; the namespaces, the veth pair and every pin it made are gone"
