#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The shape of the source tree, checked: what only the store's backends
may know, and that no two parts of the code include each other.

    tests/structure/check.py [SOURCE_ROOT [BUILD_DIR]]

Prints each finding and exits 1 when there is one. CI runs it (meson test
`structure`); anyone can run it from the repository.

- `dynamic_cast` appears only in the backends' own files: a caller that
  needs to know which backend it holds is a hole in the store's seam.
- `src/cli` and `src/server` never name a backend: no test of a location's
  form, no backend's class or C library (help texts may name postgresql://).
- Each folder includes only the folders it lies on (LAYERS): the domain
  never the token path, nothing above the store a backend's folder.
- No include cycles between units (a unit is `x.hpp` with its `x.cpp`).
  The edges are the `#include "..."` lines of the sources themselves,
  resolved as the compiler resolves them (from `src/`, else beside the
  file): a compiler's dependency file (.d) lists a translation unit's
  headers transitively, which hides which header included which.
- With BUILD_DIR (a built meson tree), those edges are checked against the
  compiler's dependency files, as ninja keeps them (`ninja -t deps`): every
  project header the compiler read for a source must be reached from it by
  the #include lines. An include the lines miss (a macro, a path resolved
  another way) would hide a cycle; this makes it a finding instead.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
SRC = os.path.join(ROOT, "src")

# The backends' own folders: each backend's storage engine, token memory and
# audit log.
BACKEND_FILE = re.compile(r"^src/core/store/(lmdb|pg)/")
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


# Folder -> the folders its files may include (besides its own). A file's
# folder is the longest that holds it.
LAYERS = {
    "src/core/util": [],
    "src/core/store": ["src/core/util"],
    "src/core/store/lmdb": ["src/core/store", "src/core/util"],
    "src/core/store/pg": ["src/core/store", "src/core/util"],
    "src/core": ["src/core/store", "src/core/util"],
    "src/core/token": ["src/core", "src/core/store", "src/core/util"],
    "src/server": ["src/core", "src/core/token", "src/core/store", "src/core/util"],
    "src/cli": ["src/server", "src/core", "src/core/token", "src/core/store", "src/core/util"],
}


def folder_of(rel):
    folder = os.path.dirname(rel)
    while folder and folder not in LAYERS:
        folder = os.path.dirname(folder)
    return folder


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def unit_of(rel):
    return os.path.splitext(rel)[0]


def includes():
    """(file, line number, file it includes) for every quoted #include of a
    file of the tree."""
    for rel, path in sources():
        for number, line in enumerate(lines_of(path), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            for candidate in (os.path.join(SRC, m.group(1)),
                              os.path.join(os.path.dirname(path), m.group(1))):
                if os.path.isfile(candidate):
                    yield rel, number, os.path.relpath(candidate, ROOT).replace(os.sep, "/")
                    break


def findings_of_layers():
    out = []
    for rel, number, target in includes():
        mine, theirs = folder_of(rel), folder_of(target)
        if theirs != mine and theirs not in LAYERS.get(mine, []):
            out.append(f"{rel}:{number}: {mine}/ may not include {target}")
    return out


def include_graph():
    """unit -> {unit it includes}, from every quoted #include."""
    graph = {unit_of(rel): set() for rel, _ in sources()}
    for rel, _, target in includes():
        if unit_of(target) != unit_of(rel):
            graph[unit_of(rel)].add(unit_of(target))
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


def compiler_deps(build):
    """source -> the project headers its compiler dependency file lists, for
    every source of src/ that ninja compiled in `build`."""
    text = subprocess.run(["ninja", "-C", build, "-t", "deps"], check=True,
                          capture_output=True, text=True).stdout
    out, headers = {}, None
    for line in text.splitlines():
        if not line.strip():
            headers = None
            continue
        if not line.startswith(" "):
            headers = []  # "target: #deps N, ...": the source comes first
            continue
        if headers is None:
            continue
        path = os.path.normpath(os.path.join(build, line.strip()))
        rel = os.path.relpath(path, ROOT).replace(os.sep, "/")
        if not rel.startswith("src/"):
            if not headers:
                headers = None  # a generated or a test's source: not ours to check
            continue
        if not headers:
            headers.append(rel)
            out.setdefault(rel, set())
        else:
            out[headers[0]].add(rel)
    return out


def findings_of_deps(build, deps):
    edges = {}
    for rel, _, target in includes():
        edges.setdefault(rel, set()).add(target)
    if not deps:
        return [f"{build}: ninja knows no dependency files of src/; build it first"]
    out = []
    for source in sorted(deps):
        reached, todo = set(), [source]
        while todo:
            for target in edges.get(todo.pop(), ()):
                if target not in reached:
                    reached.add(target)
                    todo.append(target)
        for header in sorted(deps[source] - reached - {source}):
            out.append(f"{source}: the compiler read {header}, which its #include lines "
                       "do not reach")
    return out


def main():
    findings = findings_of_names() + findings_of_layers()
    for component in cycles(include_graph()):
        findings.append("include cycle between units: " + ", ".join(component))
    checked = ""
    if BUILD:
        deps = compiler_deps(BUILD)
        findings += findings_of_deps(BUILD, deps)
        checked = (f", the includes of {len(deps)} sources checked against the compiler's "
                   "dependency files")
    for f in findings:
        print(f)
    units = len(include_graph())
    print(f"structure: {units} units{checked}, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
