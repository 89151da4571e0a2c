// SPDX-License-Identifier: Apache-2.0
// Internal to core/util: small helpers the OpenSSL wrappers share.
#pragma once

#include <openssl/bio.h>
#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/util/error.hpp"
#include "core/util/expected.hpp"
#include "core/util/time.hpp"

namespace mpctl::core::util::detail {

// The newest OpenSSL error, for a message; clears the queue.
std::string ssl_reason();
[[noreturn]] void fail_ssl(ErrorKind kind, std::string_view what);
// "what: reason", as fail_ssl words it, for a value that is not accepted.
Invalid invalid_ssl(std::string_view what);

struct BioFree {
    void operator()(BIO* b) const noexcept { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

BioPtr mem_bio(std::string_view data);
BioPtr out_bio();
std::string bio_text(BIO* bio);

Parsed<UnixTime> asn1_time(const ASN1_TIME* t);
std::string name_text(const X509_NAME* name);

}  // namespace mpctl::core::util::detail
