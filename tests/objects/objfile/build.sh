#!/bin/sh
# Rebuilds the objfile.rs test fixtures. The multiarch include dir supplies
# <asm/types.h>, which -target bpf does not find on its own on Debian.
set -e
cd "$(dirname "$0")"
for c in *.c; do
	# *_nobtf.c fixtures check objects built without BTF.
	case "$c" in *_nobtf.c) g= ;; *) g=-g ;; esac
	clang -O2 $g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c "$c" -o "${c%.c}.o"
done
