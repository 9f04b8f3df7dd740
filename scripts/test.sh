#!/usr/bin/env bash
# Runs every test: unit tests without privileges, and the integration tests
# that drive the real binary against the real kernel (root, bpffs, netns).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The module graph must stay free of cycles (issue 14).
python3 scripts/modgraph.py >/dev/null
cargo test --all-targets "$@"
