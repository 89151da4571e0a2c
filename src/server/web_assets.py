#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compiles the web page's files (web/) into C++, so that mpctl stays one
file: web_assets() lists each file's path under web/ and its bytes. Stops
the build when web/ holds a file that web/meson.build does not list, or
one of a kind the server has no content type for."""
import os
import sys

DELIM = "mpctl_asset"
KINDS = (".html", ".css", ".js", ".svg")


def main(root, target, files):
    listed = {os.path.relpath(os.path.abspath(f), os.path.abspath(root)) for f in files}
    on_disk = set()
    for directory, _, names in os.walk(root):
        for name in names:
            if name != "meson.build":
                on_disk.add(os.path.relpath(os.path.join(directory, name), root))
    if on_disk != listed:
        sys.exit(f"web_assets.py: web/meson.build lists {sorted(listed - on_disk)} that do not "
                 f"exist, and not {sorted(on_disk - listed)} that do")
    entries = []
    for path in sorted(listed):
        if not path.endswith(KINDS):
            sys.exit(f"web_assets.py: {path}: the server serves only {', '.join(KINDS)}")
        with open(os.path.join(root, path), encoding="utf-8") as f:
            text = f.read()
        if f"){DELIM}\"" in text:
            sys.exit(f"web_assets.py: {path} contains the raw string delimiter")
        # Raw strings are limited in length by some compilers: split them.
        chunks = [text[i:i + 8000] for i in range(0, len(text), 8000)] or [""]
        body = "\n        ".join(f'R"{DELIM}({c}){DELIM}"' for c in chunks)
        entries.append(f'    {{"{path}",\n        {body}}},\n')
    with open(target, "w", encoding="utf-8") as f:
        f.write("// Generated from web/ by src/server/web_assets.py; do not edit.\n"
                '#include "server/web.hpp"\n\n'
                "namespace mpctl::server {\n\n"
                "const std::vector<WebFile>& web_files() {\n"
                "    static const std::vector<WebFile> k_files{\n"
                + "".join(entries) +
                "    };\n    return k_files;\n}\n\n}  // namespace mpctl::server\n")


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit("usage: web_assets.py WEB_ROOT OUTPUT.cpp FILE...")
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
