// SPDX-License-Identifier: Apache-2.0
// The OpenAPI 3.1 description of the HTTP API: docs/openapi.json, compiled
// in at build time by openapi_doc.py, which also holds its info.version to
// the project's version.
#pragma once

#include <string_view>

namespace mpctl::server {

// docs/openapi.json as it is in the repository (generated).
std::string_view openapi_text();

// docs/registry.schema.json, the JSON Schema of a registry file for mpctl
// plan and apply, as it is in the repository (generated).
std::string_view registry_schema_text();

}  // namespace mpctl::server
