#!/usr/bin/env bash
# `map events` throughput on a 16 MiB ring buffer (objects/ringbuf_flood.c:
# an XDP program run by BPF_PROG_TEST_RUN, 100 8-byte records per run,
# counting records the full ring refused in .bss `dropped`).
#   drain: 1M records written with no reader, then timed: `map events --count 1M` (plain, -j)
#   live:  the reader running while events_producer.c writes RATE records/s for SECONDS
#
#   sudo bench/events.sh                   # BPFPIN=path to time another build; RATE, SECONDS
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bpfpin="${BPFPIN:-$root/target/x86_64-unknown-linux-gnu/release/bpfpin}"
rate="${RATE:-1000000}"
secs="${SECONDS_LIVE:-5}"
work="$(mktemp -d)"
pins="/sys/fs/bpf/bpfpin_bench_events_$$"
trap 'rm -rf "$work" "$pins"' EXIT
gcc -O2 -o "$work/producer" "$root/bench/events_producer.c" -lbpf
mkdir -p "$pins"
"$bpfpin" prog load "$root/bench/objects/ringbuf_flood.o" "$pins/flood" --pin-maps "$pins/m" >/dev/null
ring="$pins/m/flood"
counters() { "$bpfpin" -j map dump pinned "$pins/m/ringbuf__bss" | grep -o '"sent":[0-9]*},{"dropped":[0-9]*'; }

for mode in plain -j; do
	"$work/producer" "$pins/flood" 1000000 1
	j=(); [ "$mode" = -j ] && j=(-j)
	start=$(date +%s.%N)
	"$bpfpin" "${j[@]}" map events pinned "$ring" --count 1000000 >/dev/null 2>"$work/err"
	end=$(date +%s.%N)
	echo "drain 1M ($mode): $(echo "$end - $start" | bc) s; $(cat "$work/err")"
done

total=$((rate * secs))
"$bpfpin" map events pinned "$ring" --count "$total" >/dev/null 2>"$work/live" &
reader=$!
sleep 0.5
start=$(date +%s.%N)
"$work/producer" "$pins/flood" "$rate" "$secs"
end=$(date +%s.%N)
wait "$reader"
echo "live: $total records asked at $rate/s, written in $(echo "$end - $start" | bc) s; reader: $(cat "$work/live"); $(counters)"
