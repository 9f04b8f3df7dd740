#!/bin/bash
# Usage: capture.sh maps.o OUTDIR (as root). Loads maps.o, fills its maps, captures bpftool JSON dumps and kernel BTF, and removes
# exactly the pins it created.
set -u
OBJ=$1; OUT=$2
PROG=/sys/fs/bpf/btfgold-$$
MAPS=/sys/fs/bpf/btfgold-$$-maps
cleanup() {
  for m in m_u32_u64 m_key2_counters m_big m_percpu maps_bss maps_data maps_rodata; do
    [ -e "$MAPS/$m" ] && rm -f -- "$MAPS/$m"
  done
  [ -d "$MAPS" ] && rmdir -- "$MAPS"
  [ -d "$PROG" ] && { [ -e "$PROG/touch" ] && rm -f -- "$PROG/touch"; rmdir -- "$PROG"; }
  ls -d /sys/fs/bpf/btfgold-$$* 2>/dev/null && echo "LEFTOVER PINS" >&2
}
trap cleanup EXIT
mkdir -p "$OUT"
bpftool prog loadall "$OBJ" "$PROG" pinmaps "$MAPS" || exit 1
ls "$PROG" "$MAPS"
u() { bpftool map update pinned "$MAPS/$1" key hex $2 value hex $3 || exit 1; }
u m_u32_u64 "01 00 00 00" "88 77 66 55 44 33 22 11"
u m_u32_u64 "ff ff ff ff" "ff ff ff ff ff ff ff ff"
u m_key2_counters "01 00 00 00 02 00 00 00" "05 00 00 00 00 00 00 00 50 01 00 00 00 00 00 00"
u m_big "01 00 00 00" "90 1f 06 fb 01 00 00 00 02 00 00 00 03 00 00 00 ff ff ff ff 68 65 6c 6c 6f 00 00 00 00 00 00 00 00 00 00 00 61 62 01 00 fd ff ff ff f0 ff ff ff d6 ff ff ff 35 fb 04 8e 35 fb 04 8e e0 fe ff ff 01 00 00 00 00 00 00 00 8d ad 89 67 45 23 01 ab 04 03 02 01 fe ff 00 00 63 00 00 00 00 00 00 00 88 77 66 55 44 33 22 11 02 01 00 00 00 00 00 00 78 56 34 12 88 88 ff ff ff 00 00 00 00 00 00 00"
u m_big "02 00 00 00" "$(python3 -c "print(' '.join(['00']*128))")"
u m_big "03 00 00 00" "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66 22 5c 78 00 05 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ff ff ff ff ff ff ff ff 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
u m_percpu "03 00 00 00" "07 00 00 00 00 00 00 00 e8 03 00 00 00 00 00 00"
for m in $(ls "$MAPS"); do
  bpftool -j map dump pinned "$MAPS/$m" > "$OUT/$m.dump.json"
  bpftool map dump pinned "$MAPS/$m" > "$OUT/$m.dump.txt"
  python3 "$(dirname "$0")/bpfinfo.py" "$MAPS/$m" "$OUT/maps.kernel.btf" > "$OUT/$m.info"
done
