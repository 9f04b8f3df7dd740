#!/usr/bin/env bash
# Rebuild the prebuilt BPF objects of bpfpin:
#   samples/*/*.bpf.c  -> samples/*/*.bpf.o
#   tests/objects/*.c  -> tests/objects/*.o   (top level only)
# Objects keep their BTF and debug info (nothing is stripped).
#
#   samples/build.sh              rebuild in place
#   samples/build.sh --out DIR    write DIR/samples/<n>/<n>.bpf.o and
#                                 DIR/tests/objects/*.o instead, leaving the
#                                 committed objects alone (the tests compare
#                                 such a rebuild with the committed objects)
#
# Works from any directory; override the compiler with CLANG=...
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

out=""
while [ $# -gt 0 ]; do
	case "$1" in
	--out)
		[ $# -ge 2 ] || { echo "build.sh: --out needs a directory" >&2; exit 2; }
		mkdir -p "$2"
		out="$(cd "$2" && pwd)"
		shift 2
		;;
	-h | --help)
		sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "build.sh: unknown argument '$1' (usage: build.sh [--out DIR])" >&2
		exit 2
		;;
	esac
done

cd "$root"

CLANG="${CLANG:-clang}"
arch_inc="/usr/include/$(uname -m)-linux-gnu"
# Relative paths and a fixed compilation dir keep DWARF free of the
# checkout location, so rebuilding the same sources gives the same bytes.
CFLAGS=(-O2 -g -target bpf -D__TARGET_ARCH_x86 -I"$arch_inc"
	-fdebug-compilation-dir=. -fdebug-prefix-map="$root"=.)

export LC_ALL=C
shopt -s nullglob

srcs=(samples/*/*.bpf.c tests/objects/*.c)
if [ ${#srcs[@]} -eq 0 ]; then
	echo "build.sh: no BPF sources found under $root" >&2
	exit 1
fi

for src in "${srcs[@]}"; do
	obj="${src%.c}.o"
	if [ -n "$out" ]; then
		obj="$out/$obj"
		mkdir -p "$(dirname "$obj")"
	fi
	echo "  CLANG  $src -> $obj"
	"$CLANG" "${CFLAGS[@]}" -c "$src" -o "$obj"
done
echo "built ${#srcs[@]} object(s)"
