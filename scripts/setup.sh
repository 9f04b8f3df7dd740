#!/usr/bin/env bash
# Installs what bpfpin's build, demo and tests need on Debian, as root, and
# mounts bpffs. Safe to run again: it installs only what is missing.
set -euo pipefail

# strace: tests/it/loader.rs reads what BPF_PROG_LOAD was asked (attach target ids)
# where this kernel refuses the load itself.
# systemtap-sdt-dev: <sys/sdt.h> for the USDT test binary (tests/it/usdt.rs).
# zsh, fish: tests/it/complete.rs drives the generated completion scripts in each shell.
pkgs=(clang llvm libbpf-dev bpftool iproute2 iputils-ping gcc strace systemtap-sdt-dev zsh fish)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# scripts/modgraph.py (the module-graph check in scripts/test.sh) needs a
# python3; any will do, so Debian's is installed only when none is on PATH.
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! mountpoint -q /sys/fs/bpf; then
  echo "setup: mounting bpffs at /sys/fs/bpf"
  mount -t bpf bpf /sys/fs/bpf
fi
# kubernetes-validate (PyPI): tests/it/apply.rs checks deploy/kubernetes/
# against the Kubernetes schemas. In a venv under target/, made only when
# missing, so the system's Python stays as it is.
venv="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/venv-k8s"
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
  echo "setup: installing kubernetes-validate into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q kubernetes-validate
fi
