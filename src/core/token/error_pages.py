#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compiles docs/errors.md into C++: the text of each MP code, so that
`assertion lint` and the server's /errors/MP-<code> pages say what the
documentation says. Fails the build when a section lacks what they need."""
import html
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


def inline_html(text):
    """One line of markdown as HTML: escaped, then `code`, **bold**, and
    links (a link into another document of docs/ keeps only its words)."""
    text = html.escape(text, quote=True)
    out = []
    for i, part in enumerate(text.split("`")):
        if i % 2 == 1:
            out.append(f"<code>{part}</code>")
            continue
        part = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", part)
        part = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1", part)
        out.append(part)
    return "".join(out)


def to_html(body):
    """A section's markdown as HTML: paragraphs and "- " lists."""
    blocks = []
    for block in re.split(r"\n\s*\n", body.strip()):
        lines = block.splitlines()
        if lines[0].startswith("- "):
            items = []
            for line in lines:
                if line.startswith("- "):
                    items.append(line[2:].strip())
                else:
                    items[-1] += " " + line.strip()
            blocks.append("<ul>" + "".join(f"<li>{inline_html(i)}</li>" for i in items) + "</ul>")
        else:
            blocks.append(f"<p>{inline_html(' '.join(l.strip() for l in lines))}</p>")
    return "\n".join(blocks)


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
            f"     {cpp_string(fix_of(body, code))},\n     {cpp_string(body)},\n"
            f"     {cpp_string(to_html(body))},\n     {cpp_string(inline_html(short))}}},\n")
    with open(target, "w", encoding="utf-8") as f:
        f.write("// Generated from docs/errors.md by src/core/token/error_pages.py; do not edit.\n"
                '#include "core/token/error_pages.hpp"\n\n'
                "namespace mpctl::core {\n\n"
                "const std::vector<ErrorPage>& error_pages() {\n"
                "    static const std::vector<ErrorPage> k_pages{\n"
                + "".join(entries) +
                "    };\n    return k_pages;\n}\n\n}  // namespace mpctl::core\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: error_pages.py docs/errors.md OUTPUT.cpp")
    main(sys.argv[1], sys.argv[2])
