#!/usr/bin/env bash
# bpfpin against bpftool (and a C batch-reading floor) on big maps, in one
# run, with hyperfine. Writes bench/results.md. Needs root, bpffs, bpftool,
# hyperfine, GNU time, gcc + libbpf-dev (for fill.c and floor.c), and
# target/x86_64-unknown-linux-gnu/release/bpfpin (built here if missing; the
# explicit target in .cargo/config.toml puts it there). See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bpfpin="${BPFPIN:-$root/target/x86_64-unknown-linux-gnu/release/bpfpin}"
out="${RESULTS:-$here/results.md}"
# BENCH_QUICK=1: fewer runs (a smoke test of the script, not a measurement).
quick="${BENCH_QUICK:-0}"
# BENCH_ROWS=REGEX: time only the rows whose name matches (grep -E), e.g.
# 'version|lookup|prog show|BTF'; the table then has only those rows.
only="${BENCH_ROWS:-}"
wanted() { [ -z "$only" ] || printf '%s\n' "$1" | grep -Eq -- "$only"; }

[ "$(id -u)" = 0 ] || { echo "run.sh needs root (it creates maps and programs)" >&2; exit 1; }
for t in bpftool hyperfine gcc /usr/bin/time python3; do
	command -v "$t" >/dev/null || { echo "missing $t (apt-get install -y hyperfine time gcc libbpf-dev)" >&2; exit 1; }
done
[ -x "$bpfpin" ] || (cd "$root" && cargo build --release -q)

work=$(mktemp -d /tmp/bpfpin_bench.XXXXXX)
pins="/sys/fs/bpf/bpfpin_bench_$$"
cleanup() {
	rm -rf "$pins" "$work"
}
trap cleanup EXIT INT TERM
mkdir "$pins"

gcc -O2 -Wall -o "$work/fill" "$here/fill.c" -lbpf
gcc -O2 -Wall -o "$work/floor" "$here/floor.c" -lbpf
objs="$here/objects"
if command -v clang >/dev/null; then
	for o in big small small_maps core_trace; do
		clang -O2 -g -target bpf -I"/usr/include/$(uname -m)-linux-gnu" -c "$objs/$o.c" -o "$work/$o.o"
	done
	objs="$work"
fi

log() { printf '%s\n' "$*" >&2; }

# ---- setup: maps, filled in batches ----
mk() { # name type key value entries [fill count]
	bpftool map create "$pins/$1" type "$2" key "$3" value "$4" entries "$5" name "bb_$1"
	"$work/fill" "$pins/$1" "${6:-$5}"
}
# The maps and the 200 programs are set up only when a row that reads them
# is wanted (BENCH_ROWS='prog load' needs none of it).
setup_wanted() {
	local l
	for l in "hash 10k u32→u64" "hash 100k u32→u64" "hash 1M u32→u64" "array 1M u32→u64" \
		"percpu_hash 100k" "hash 100k 64B keys+values" "BTF hash 100k {packets,bytes}"; do
		wanted "$l dump" || wanted "$l dump -j" && return 0
	done
	for l in hash10k hash1m array1m pcpu100k wide100k "prog show (200+ programs)" "prog show -j (200+ programs)" \
		"map show (200+ maps)" "map show -j (200+ maps)" "map lookup (1 key, 100k hash)"; do
		wanted "$l" && return 0
	done
	return 1
}
if setup_wanted; then
	log "setting up maps"
	mk hash10k hash 4 8 10000
	mk hash100k hash 4 8 100000
	mk hash1m hash 4 8 1000000
	mk array1m array 4 8 1000000
	mk pcpu100k percpu_hash 4 8 100000
	mk wide100k hash 64 64 100000
	bpftool prog load "$objs/big.o" "$pins/big_prog" pinmaps "$pins/big"
	"$work/fill" "$pins/big/big_stats" 100000

	log "loading 200 programs and creating 200 maps"
	mkdir "$pins/progs" "$pins/maps"
	{
		for i in $(seq 1 200); do
			echo "prog load $objs/small.o $pins/progs/p$i"
			echo "map create $pins/maps/m$i type hash key 4 value 8 entries 16 name bbm$i"
		done
	} >"$work/batch.txt"
	bpftool batch file "$work/batch.txt" >/dev/null
fi

# ---- timing ----
results="$work/rows.tsv"
: >"$results"

# row NAME TARGET RUNS WARMUP FLOOR_CMD BPFPIN_CMD BPFTOOL_CMD
# FLOOR_CMD may be "-": no floor. A command that fails is reported, not timed.
row() {
	local name=$1 target=$2 runs=$3 warmup=$4 floor=$5 mine=$6 theirs=$7
	local cmds=() labels=()
	wanted "$name" || return 0
	if [ "$quick" = 1 ]; then runs=2 warmup=0; fi
	if [ "$floor" != - ]; then cmds+=("$floor") labels+=(floor); fi
	cmds+=("$mine" "$theirs") labels+=(bpfpin bpftool)
	for c in "${cmds[@]}"; do
		if ! sh -c "$c" >/dev/null 2>"$work/err"; then
			log "skipping '$name': '$c' failed: $(head -c 200 "$work/err")"
			printf '%s\t%s\tskipped: `%s` failed\n' "$name" "$target" "$(head -1 "$work/err" | cut -c1-80)" >>"$results"
			return
		fi
	done
	log "timing $name"
	local args=(-N --style none --export-json "$work/h.json" -w "$warmup")
	[ "$runs" != auto ] && args+=(-r "$runs")
	hyperfine "${args[@]}" "${cmds[@]}" >/dev/null
	python3 - "$work/h.json" "$name" "$target" "${labels[*]}" >>"$results" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))["results"]
labels = sys.argv[4].split()
t = {l: r["mean"] for l, r in zip(labels, data)}
s = {l: r["stddev"] or 0 for l, r in zip(labels, data)}
print("\t".join([sys.argv[2], sys.argv[3]] + [f"{l}={t[l]}:{s[l]}" for l in labels]))
EOF
}

# Byte-for-byte check of each dump: bpfpin vs the floor vs bpftool.
same=()
check() { # name pin
	local n=$1 p=$2 a b c
	wanted "$n" || return 0
	for j in "" -j; do
		"$bpfpin" $j map dump pinned "$p" >"$work/a"
		bpftool $j map dump pinned "$p" >"$work/b"
		"$work/floor" "$p" $j >"$work/c"
		a=$(cmp -s "$work/a" "$work/b" && echo same || echo DIFFERENT)
		c=$(cmp -s "$work/a" "$work/c" && echo same || echo DIFFERENT)
		same+=("$n${j:+ -j}: bpfpin vs bpftool $a, vs floor $c")
	done
}
log "checking outputs"
for m in hash10k hash1m array1m pcpu100k wide100k; do check "$m" "$pins/$m"; done

# 1M-entry rows: bpftool takes seconds per run, so 3 runs each.
dump_rows() { # label pin target runs warmup
	local l=$1 p=$2 t=$3 r=$4 w=$5
	row "$l dump" "$t" "$r" "$w" "$work/floor $p" "$bpfpin map dump pinned $p" "bpftool map dump pinned $p"
	row "$l dump -j" "$t" "$r" "$w" "$work/floor $p -j" "$bpfpin -j map dump pinned $p" "bpftool -j map dump pinned $p"
}
dump_rows "hash 10k u32→u64" "$pins/hash10k" "-" auto 3
dump_rows "hash 100k u32→u64" "$pins/hash100k" "-" 10 2
dump_rows "hash 1M u32→u64" "$pins/hash1m" "≤1.3× floor, ≥7× bpftool" 3 1
dump_rows "array 1M u32→u64" "$pins/array1m" "≤1.3× floor, ≥7× bpftool" 3 1
dump_rows "percpu_hash 100k" "$pins/pcpu100k" "≤1.5× floor, ≥5× bpftool" 5 1
dump_rows "hash 100k 64B keys+values" "$pins/wide100k" "≥5× bpftool" 5 1
b="$pins/big/big_stats"
row "BTF hash 100k {packets,bytes} dump" "-" 5 1 - "$bpfpin map dump pinned $b" "bpftool map dump pinned $b"
row "BTF hash 100k {packets,bytes} dump -j" "≥5× bpftool" 5 1 - "$bpfpin -j map dump pinned $b" "bpftool -j map dump pinned $b"
row "prog show (200+ programs)" "≤1× bpftool" auto 3 - "$bpfpin prog show" "bpftool prog show"
row "prog show -j (200+ programs)" "≤1× bpftool" auto 3 - "$bpfpin -j prog show" "bpftool -j prog show"
row "map show (200+ maps)" "≤1× bpftool" auto 3 - "$bpfpin map show" "bpftool map show"
row "map show -j (200+ maps)" "≤1× bpftool" auto 3 - "$bpfpin -j map show" "bpftool -j map show"
row "map lookup (1 key, 100k hash)" "≤1× bpftool" auto 3 - \
	"$bpfpin map lookup pinned $pins/hash100k key 7 0 0 0" "bpftool map lookup pinned $pins/hash100k key 7 0 0 0"
# Loads: each run loads OBJ into a fresh pin path ($pins/fresh, maps in
# $pins/fresh_maps), removed before every run (hyperfine --prepare) and after.
# row_fresh NAME TARGET VERB OBJ   (VERB: load | loadall)
fresh="$pins/fresh"
fresh_maps="$pins/fresh_maps"
row_fresh() {
	local name=$1 target=$2 verb=$3 obj=$4 mine theirs c
	wanted "$name" || return 0
	case $verb in
	load)
		mine="$bpfpin prog load $obj $fresh"
		theirs="bpftool prog load $obj $fresh"
		;;
	loadall)
		mine="$bpfpin prog loadall $obj $fresh --pin-maps $fresh_maps"
		theirs="bpftool prog loadall $obj $fresh pinmaps $fresh_maps"
		;;
	esac
	for c in "$mine" "$theirs"; do
		rm -rf "$fresh" "$fresh_maps"
		if ! sh -c "$c" >/dev/null 2>"$work/err"; then
			rm -rf "$fresh" "$fresh_maps"
			log "skipping '$name': '$c' failed: $(head -c 200 "$work/err")"
			printf '%s\t%s\tskipped: `%s` failed\n' "$name" "$target" "$(grep -m1 -v '^libbpf: --' "$work/err" | cut -c1-80)" >>"$results"
			return
		fi
	done
	rm -rf "$fresh" "$fresh_maps"
	log "timing $name"
	local args=(-N --style none --export-json "$work/h.json" -w 2 --prepare "rm -rf $fresh $fresh_maps")
	[ "$quick" = 1 ] && args+=(-r 2)
	hyperfine "${args[@]}" "$mine" "$theirs" >/dev/null
	rm -rf "$fresh" "$fresh_maps"
	python3 - "$work/h.json" "$name" "$target" >>"$results" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))["results"]
print("\t".join([sys.argv[2], sys.argv[3]] +
                [f"{l}={r['mean']}:{r['stddev'] or 0}" for l, r in zip(["bpfpin", "bpftool"], d)]))
EOF2
}
row_fresh "prog load (small)" "≤1.2× bpftool" load "$objs/small.o"
row_fresh "prog loadall (small, no CO-RE)" "≤1.2× bpftool" loadall "$objs/small_maps.o"
row_fresh "prog loadall (CO-RE tracing object)" "≤1.2× bpftool" loadall "$objs/core_trace.o"
row "--version" "≤1× bpftool" auto 5 - "$bpfpin --version" "bpftool --version"

# ---- peak RSS of the 1M dumps ----
log "measuring peak RSS"
rss=()
for m in hash1m array1m; do
	for j in "" -j; do
		wanted "$m" || continue
		line="| $m dump${j:+ -j} |"
		for tool in floor bpfpin bpftool; do
			case $tool in
			floor) c=("$work/floor" "$pins/$m" $j) ;;
			bpfpin) c=("$bpfpin" $j map dump pinned "$pins/$m") ;;
			bpftool) c=(bpftool $j map dump pinned "$pins/$m") ;;
			esac
			kb=$(/usr/bin/time -f %M "${c[@]}" 2>&1 >/dev/null | tail -1)
			line+=" $(python3 -c "print(f'{$kb/1024:.1f}')") MiB |"
		done
		rss+=("$line")
	done
done

# ---- the table ----
{
	echo "# bpfpin vs bpftool: benchmark results"
	echo
	echo "Generated by \`bench/run.sh\` on $(date -u +%Y-%m-%d), kernel $(uname -r), $(nproc) CPUs,"
	echo "$(bpftool version | head -1), $("$bpfpin" --version | head -1), hyperfine $(hyperfine --version | cut -d' ' -f2)."
	echo "Times are hyperfine means (± stddev) of whole commands, output to /dev/null."
	echo "\"floor\" is bench/floor.c: bpf_map_lookup_batch in a loop, printing the same bytes in C."
	echo
	echo "| Benchmark | floor | bpfpin | bpftool | bpfpin/floor | bpftool/bpfpin | target |"
	echo "|---|---:|---:|---:|---:|---:|---|"
	python3 - "$results" <<'EOF'
import sys
def ms(v):
    m, s = (float(x) for x in v.split(":"))
    return m * 1000, s * 1000
def fmt(m, s):
    return f"{m:.1f} ± {s:.1f} ms" if m < 100 else f"{m:.0f} ± {s:.0f} ms"
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    name, target = f[0], f[1]
    if f[2].startswith("skipped"):
        print(f"| {name} | | | | | | {target} — {f[2]} |")
        continue
    t = dict(x.split("=", 1) for x in f[2:])
    t = {k: ms(v) for k, v in t.items()}
    floor = fmt(*t["floor"]) if "floor" in t else "–"
    r1 = f"{t['bpfpin'][0] / t['floor'][0]:.2f}×" if "floor" in t else "–"
    r2 = f"{t['bpftool'][0] / t['bpfpin'][0]:.2f}×"
    print(f"| {name} | {floor} | {fmt(*t['bpfpin'])} | {fmt(*t['bpftool'])} | {r1} | {r2} | {target} |")
EOF
	if [ -n "$only" ]; then
		echo
		echo "Only the rows matching \`BENCH_ROWS=$only\` were run."
	fi
	if [ ${#rss[@]} -gt 0 ]; then
		echo
		echo "Peak RSS (GNU time, maximum resident set size):"
		echo
		echo "| Dump | floor | bpfpin | bpftool |"
		echo "|---|---:|---:|---:|"
		printf '%s\n' "${rss[@]}"
	fi
	if [ ${#same[@]} -gt 0 ]; then
		echo
		echo "Output checks (byte for byte):"
		echo
		printf -- '- %s\n' "${same[@]}"
	fi
} >"$out"
log "wrote $out"
