// SPDX-License-Identifier: Apache-2.0
// A registry file (mpctl plan/apply -f FILE): YAML read from yaml-cpp's
// events under the project's limits, then the registry's own fields. No
// input may crash or escape as anything but an Invalid or an
// Error(invalid_input); what parses must print back as JSON text.
#include <cstdlib>

#include "core/registry_file.hpp"
#include "core/util/error.hpp"
#include "core/util/yaml.hpp"
#include "world.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto text = mpctl::fuzz::text(data, size);
    auto document = mpctl::core::try_parse_yaml(text, "fuzz.yaml");
    if (!document) {
        if (document.error().message.empty()) {
            std::abort();  // a refusal always says why
        }
        return 0;
    }
    (void)document->dump();
    // Key files named in the document are not read: the loader has none.
    auto no_files = [](const std::string&) -> std::vector<nlohmann::json> {
        mpctl::fail(mpctl::ErrorKind::invalid_input, "no files here");
    };
    try {
        (void)mpctl::core::parse_registry(*document, "fuzz.yaml", no_files);
    } catch (const mpctl::Error& e) {
        if (e.kind() != mpctl::ErrorKind::invalid_input) {
            std::abort();
        }
    }
    return 0;
}
