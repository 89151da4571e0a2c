#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The shape of the source tree, checked: what only the store's backends
may know, and that no two parts of the code include each other.

    tests/structure/check.py [SOURCE_ROOT]

Prints each finding and exits 1 when there is one. CI runs it (meson test
`structure`); anyone can run it from the repository.

- `dynamic_cast` appears only in the backends' own files: a caller that
  needs to know which backend it holds is a hole in the store's seam.
- `src/cli` and `src/server` never name a backend: no test of a location's
  form, no backend's class or C library (help texts may name postgresql://).
- No include cycles between units (a unit is `x.hpp` with its `x.cpp`).
  The edges are the `#include "..."` lines of the sources themselves,
  resolved as the compiler resolves them (from `src/`, else beside the
  file): a compiler's dependency file (.d) lists a translation unit's
  headers transitively, which hides which header included which.
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), "..", ".."))
SRC = os.path.join(ROOT, "src")

# The backends' own files: each backend's storage engine, token memory and
# audit log, and the registry that picks one (core/backend.*).
BACKEND_FILE = re.compile(r"^src/core/(store_lmdb|store_pg|token_memory_pg|audit_pg|backend)")
NAMES_A_BACKEND = re.compile(r"on_database|is_database_uri|PgStore|store_pg|store_lmdb|pg::|lmdb::")


def sources():
    for base, _, files in os.walk(SRC):
        for name in sorted(files):
            if name.endswith((".cpp", ".hpp")):
                path = os.path.join(base, name)
                yield os.path.relpath(path, ROOT).replace(os.sep, "/"), path


def lines_of(path):
    with open(path, encoding="utf-8") as f:
        return f.read().splitlines()


def findings_of_names():
    out = []
    for rel, path in sources():
        for number, line in enumerate(lines_of(path), 1):
            if "dynamic_cast" in line and not BACKEND_FILE.match(rel):
                out.append(f"{rel}:{number}: dynamic_cast outside the backends' files")
            if rel.startswith(("src/cli/", "src/server/")) and NAMES_A_BACKEND.search(line):
                out.append(f"{rel}:{number}: names a backend: {line.strip()}")
    return out


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def unit_of(rel):
    return os.path.splitext(rel)[0]


def include_graph():
    """unit -> {unit it includes}, from every quoted #include."""
    graph = {}
    for rel, path in sources():
        edges = graph.setdefault(unit_of(rel), set())
        for line in lines_of(path):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = None
            for candidate in (os.path.join(SRC, m.group(1)),
                              os.path.join(os.path.dirname(path), m.group(1))):
                if os.path.isfile(candidate):
                    target = os.path.relpath(candidate, ROOT).replace(os.sep, "/")
                    break
            if target is not None and unit_of(target) != unit_of(rel):
                edges.add(unit_of(target))
    return graph


def cycles(graph):
    """The strongly connected components of more than one unit (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    findings = findings_of_names()
    for component in cycles(include_graph()):
        findings.append("include cycle between units: " + ", ".join(component))
    for f in findings:
        print(f)
    units = len(include_graph())
    print(f"structure: {units} units, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
