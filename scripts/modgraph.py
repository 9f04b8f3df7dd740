#!/usr/bin/env python3
"""Prints bpfpin's module graph (who uses whom inside the crate) and exits 1
when the graph has a cycle, naming the modules in it.

A node is a top-level module of src/ (src/X.rs or src/X/), except under
src/cmd/, where each object (cmd::prog, cmd::map, ...) is its own node, so a
command module that starts calling another one's helpers shows up at once.
The lower layer (LOWER below) knows the kernel, objects, pins and BTF and
never sees clap, help text or the output writer: a lower module that uses
one outside the layer fails the check too, as a cycle does.

Edges come from `crate::a::b` paths and `use crate::{...}` lists; unit tests
(`mod tests`) are left out. Run by scripts/test.sh, so CI fails on a cycle.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


LOWER = {
    "attach", "bpffs", "btf", "clsact", "error", "events", "guard", "kinds", "hooks", "loader", "manifest", "metadata", "pids", "pins", "probe",
    "resolve", "sampler", "select", "sys",
    "text", "txn", "typed",
}


def node_of(parts):
    if parts and parts[-1] == "mod":
        parts = parts[:-1]
    if not parts:
        return None
    if parts[0] == "cmd" and len(parts) > 1:
        return "cmd::" + parts[1]
    return parts[0]


def paths_in(src):
    """Every crate path mentioned: crate::a::b and the items of use crate::{...}."""
    out = [m.split("::") for m in re.findall(r"crate::(\w+(?:::\w+)*)", src)]
    for group in re.findall(r"use crate::\{([^;]*)\};", src, flags=re.S):
        depth, cur, prefix = 0, "", []
        # Split the top-level comma list, keeping nested groups whole.
        items = []
        for ch in group:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                items.append(cur)
                cur = ""
            else:
                cur += ch
        items.append(cur)
        for it in items:
            it = re.sub(r"\s+", "", it)
            if not it:
                continue
            head = re.split(r"::\{", it)[0]
            out.append(head.split("::"))
            inner = re.search(r"::\{(.*)\}$", it)
            if inner:
                for sub in inner.group(1).split(","):
                    sub = sub.strip()
                    if sub and sub != "self" and re.match(r"^[a-z_]\w*$", sub):
                        out.append(head.split("::") + [sub])
    return out


def main():
    files = {}
    for dp, _, fns in os.walk(ROOT):
        for f in fns:
            if f.endswith(".rs"):
                p = os.path.join(dp, f)
                files[tuple(os.path.relpath(p, ROOT)[:-3].split(os.sep))] = p
    nodes = {node_of(list(k)) for k in files} - {None, "lib", "main"}
    graph = {n: set() for n in nodes}
    for key, path in files.items():
        me = node_of(list(key))
        if me not in graph:
            continue
        src = open(path, encoding="utf-8").read()
        src = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", src, flags=re.S)
        for p in paths_in(src):
            target = node_of(p) if p[0] == "cmd" else p[0]
            if p[0] == "cmd" and len(p) == 1:
                target = "cmd"
            if target in graph and target != me:
                graph[me].add(target)
    for n in sorted(graph):
        print(f"{n} -> {' '.join(sorted(graph[n])) or '(nothing)'}")
    bad = False
    for n in sorted(LOWER & set(graph)):
        up = sorted(graph[n] - LOWER)
        if up:
            print(f"layer: {n} is in the lower layer but uses {' '.join(up)}", file=sys.stderr)
            bad = True
    for n in sorted(x for x in graph if x.startswith("cmd::")):
        peers = sorted(t for t in graph[n] if t.startswith("cmd"))
        if peers:
            print(f"layer: command {n} uses {' '.join(peers)}; only the dispatcher (cmd) calls commands", file=sys.stderr)
            bad = True
    cycles = strongly_connected(graph)
    if cycles or bad:
        for c in cycles:
            print(f"cycle: {' <-> '.join(sorted(c))}", file=sys.stderr)
        print("modgraph: a cycle or a layer crossed; move the shared code down a layer", file=sys.stderr)
        return 1
    print(f"modgraph: {len(graph)} modules, no cycle, lower layer ({len(LOWER)} modules) uses nothing above it")
    return 0


def strongly_connected(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


if __name__ == "__main__":
    sys.exit(main())
