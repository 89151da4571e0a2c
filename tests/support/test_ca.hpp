// SPDX-License-Identifier: Apache-2.0
// A CA and a leaf certificate made with the openssl command, for x5c tests.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "core/util/crypto.hpp"
#include "core/util/fs.hpp"

namespace mpctl::test {

struct TestCa {
    std::string ca_pem;
    std::string leaf_key_pem;
    std::string leaf_pem;

    // A CA and a leaf for `orgno` (serialNumber), both valid from now for `days`.
    // Two CAs need two names: the leaf names its issuer by subject alone.
    TestCa(const std::filesystem::path& dir, const std::string& orgno, int days,
           const std::string& ca_name = "Test CA") {
        auto run = [&](const std::string& command) {
            std::string line = "cd '" + dir.string() + "' && " + command + " >/dev/null 2>&1";
            if (std::system(line.c_str()) != 0) {
                throw std::runtime_error("openssl failed: " + command);
            }
        };
        std::string d = std::to_string(days);
        run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
            "-out ca.pem -days " +
            d + " -subj '/CN=" + ca_name + "'");
        run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key "
            "-out leaf.csr -subj '/CN=leaf/serialNumber=" +
            orgno + "'");
        run("openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
            "-out leaf.pem -days " +
            d);
        ca_pem = core::util::read_file(dir / "ca.pem");
        leaf_key_pem = core::util::read_file(dir / "leaf.key");
        leaf_pem = core::util::read_file(dir / "leaf.pem");
    }
};

}  // namespace mpctl::test
