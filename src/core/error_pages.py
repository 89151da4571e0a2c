#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compiles docs/errors.md into C++: the text of each MP code, so that
`assertion lint` and the server's /errors/MP-<code> pages say what the
documentation says. Fails the build when a section lacks what they need."""
import re
import sys

DELIM = "mpctl_text"


def sections(text):
    """{heading: body} for each "## heading" section."""
    out = {}
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    for heading, body in zip(parts[1::2], parts[2::2]):
        out[heading.strip()] = body.strip()
    return out


def summary_rows(text):
    """code -> (error, status, in short) from the table at the top."""
    rows = {}
    for line in text.splitlines():
        m = re.match(r"^\| \[([^\]]+)\]\(#[^)]+\) \| (.+?) \| (\d{3}) \| (.+?) \|$", line)
        if m:
            rows[m.group(1)] = (m.group(2), int(m.group(3)), m.group(4))
    return rows


def fix_of(body, code):
    m = re.search(r"\*\*How to fix:\*\*(.+?)(?:\n\n|\Z)", body, flags=re.S)
    if not m:
        sys.exit(f"error_pages.py: section {code} has no '**How to fix:**' paragraph")
    return " ".join(m.group(1).split())


def cpp_string(text):
    if f"){DELIM}\"" in text:
        sys.exit("error_pages.py: the text contains the raw string delimiter")
    return f'R"{DELIM}({text}){DELIM}"'


def main(source, target):
    with open(source, encoding="utf-8") as f:
        text = f.read()
    rows = summary_rows(text)
    bodies = sections(text)
    if not rows:
        sys.exit("error_pages.py: no summary table found")
    entries = []
    for code, (error, status, short) in rows.items():
        if code not in bodies:
            sys.exit(f"error_pages.py: {code} is in the table but has no section")
        body = bodies[code]
        entries.append(
            f"    {{{cpp_string(code)}, {cpp_string(error)}, {status}, {cpp_string(short)},\n"
            f"     {cpp_string(fix_of(body, code))},\n     {cpp_string(body)}}},\n")
    with open(target, "w", encoding="utf-8") as f:
        f.write("// Generated from docs/errors.md by src/core/error_pages.py; do not edit.\n"
                '#include "core/error_pages.hpp"\n\n'
                "namespace mpctl::core {\n\n"
                "const std::vector<ErrorPage>& error_pages() {\n"
                "    static const std::vector<ErrorPage> k_pages{\n"
                + "".join(entries) +
                "    };\n    return k_pages;\n}\n\n}  // namespace mpctl::core\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: error_pages.py docs/errors.md OUTPUT.cpp")
    main(sys.argv[1], sys.argv[2])
