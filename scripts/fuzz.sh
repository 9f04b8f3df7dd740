#!/usr/bin/env bash
# Long fuzzing runs (issue 10): tests/fuzz.rs for N minutes on mutated
# objects against the real kernel, then the unit-level fuzz loops (DATA
# words, map dumps for --from, BTF and `json` values) under fresh seeds.
# Inputs that made bpfpin misbehave are kept in the directory printed at the
# end (objects the guard had to catch a panic for go to its `caught/`).
#
#   bash scripts/fuzz.sh --minutes 30 [--seed N] [--jobs N] [--keep DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10
seed=$(date +%s)
jobs=4
keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --keep) keep=$2; shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "fuzz.sh: unknown argument \`$1\` (see --help)" >&2; exit 2 ;;
    esac
done
case "$minutes$seed$jobs" in
    *[!0-9]*) echo "fuzz.sh: --minutes, --seed and --jobs take whole numbers" >&2; exit 2 ;;
esac
keep=${keep:-"$PWD/target/fuzz-crashes/$seed"}
mkdir -p "$keep"

bash scripts/setup.sh
status=0
echo "fuzz.sh: objects for $minutes min, seed $seed, $jobs jobs; failing inputs go to $keep"
BPFPIN_FUZZ_SECS=$((minutes * 60)) BPFPIN_FUZZ_SEED=$seed BPFPIN_FUZZ_JOBS=$jobs BPFPIN_FUZZ_KEEP=$keep \
    cargo test -q --test fuzz -- --nocapture || status=1

# The unit loops are quick: run them under a few more seeds.
for i in $(seq 0 9); do
    BPFPIN_FUZZ_SEED=$((seed + i)) cargo test -q --lib -- fuzz_ >"$keep/unit-$((seed + i)).log" 2>&1 || {
        echo "fuzz.sh: a unit fuzz loop failed with BPFPIN_FUZZ_SEED=$((seed + i)); see $keep/unit-$((seed + i)).log"
        status=1
    }
done

found=$(find "$keep" -name '*.o' | wc -l)
echo "fuzz.sh: done; $found input(s) kept in $keep"
exit $status
