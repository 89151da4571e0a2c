#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compiles the JSON documents the server serves into C++: docs/openapi.json
(openapi_text()) and, with --schema, docs/registry.schema.json
(registry_schema_text()). Stops the build when a file is not one JSON object
(a member named twice included); the OpenAPI document must be OpenAPI 3.1
and name the project's version (meson.build), so the served description
never claims another; the schema must be a JSON Schema (its "$schema")."""
import json
import os
import sys

DELIM = "mpctl_openapi"


def no_duplicates(pairs):
    names = [name for name, _ in pairs]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ValueError(f"member {twice[0]!r} is given twice in one object")
    return dict(pairs)


def main(source, target, version, function="openapi_text"):
    with open(source, encoding="utf-8") as f:
        text = f.read()
    try:
        doc = json.loads(text, object_pairs_hook=no_duplicates)
    except ValueError as e:
        sys.exit(f"openapi_doc.py: {source}: not valid JSON: {e}")
    if function == "registry_schema_text":
        if not isinstance(doc, dict) or "json-schema.org" not in str(doc.get("$schema", "")):
            sys.exit(f"openapi_doc.py: {source}: not a JSON Schema (no \"$schema\")")
    elif not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3.1."):
        sys.exit(f"openapi_doc.py: {source}: not an OpenAPI 3.1 document")
    found = doc.get("info", {}).get("version")
    if function == "openapi_text" and found != version:
        sys.exit(f"openapi_doc.py: {source}: info.version is {found!r}, but the project's "
                 f"version (meson.build) is {version!r}; make them equal")
    if f"){DELIM}\"" in text:
        sys.exit(f"openapi_doc.py: {source} contains the raw string delimiter")
    # A literal may be at most 64 KiB (clang's -Woverlength-strings counts
    # adjacent literals as one): pieces in an array, joined once.
    chunks = [text[i:i + 16000] for i in range(0, len(text), 16000)]
    body = ",\n    ".join(f'R"{DELIM}({c}){DELIM}"' for c in chunks)
    with open(target, "w", encoding="utf-8") as f:
        f.write(f"// Generated from {os.path.basename(source)} by src/server/openapi_doc.py; do "
                "not edit.\n"
                '#include "server/openapi.hpp"\n\n'
                "#include <string>\n\n"
                "namespace mpctl::server {\n\n"
                f"std::string_view {function}() {{\n"
                f"    static constexpr std::string_view k_parts[] = {{\n    {body}}};\n"
                "    static const std::string k_text = [] {\n"
                "        std::string text;\n"
                "        for (std::string_view part : k_parts) {\n"
                "            text += part;\n"
                "        }\n"
                "        return text;\n"
                "    }();\n"
                "    return k_text;\n}\n\n}  // namespace mpctl::server\n")


if __name__ == "__main__":
    if len(sys.argv) == 4:
        main(sys.argv[1], sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 + 1 and sys.argv[1] == "--schema":
        main(sys.argv[2], sys.argv[3], sys.argv[4], "registry_schema_text")
    else:
        sys.exit("usage: openapi_doc.py [--schema] DOCUMENT.json OUTPUT.cpp PROJECT_VERSION")
