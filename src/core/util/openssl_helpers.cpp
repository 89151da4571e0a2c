// SPDX-License-Identifier: Apache-2.0
#include "core/util/openssl_helpers.hpp"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include <ctime>

#include <fmt/format.h>

namespace mpctl::core::util::detail {

std::string ssl_reason() {
    unsigned long code = ERR_peek_last_error();
    std::string reason;
    if (code != 0) {
        const char* r = ERR_reason_error_string(code);
        reason = r != nullptr ? r : fmt::format("error {:#x}", code);
    }
    ERR_clear_error();
    return reason.empty() ? "unknown OpenSSL error" : reason;
}

[[noreturn]] void fail_ssl(ErrorKind kind, std::string_view what) {
    fail(kind, fmt::format("{}: {}", what, ssl_reason()));
}

Invalid invalid_ssl(std::string_view what) {
    return Invalid{fmt::format("{}: {}", what, ssl_reason())};
}

BioPtr mem_bio(std::string_view data) {
    BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    if (!bio) {
        fail_ssl(ErrorKind::failure, "cannot allocate buffer");
    }
    return bio;
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<size_t>(n));
}

BioPtr out_bio() {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) {
        fail_ssl(ErrorKind::failure, "cannot allocate buffer");
    }
    return bio;
}

Parsed<UnixTime> asn1_time(const ASN1_TIME* t) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(t, &tm) != 1) {
        return invalid_ssl("certificate has an unreadable validity time");
    }
    return static_cast<UnixTime>(timegm(&tm));
}

std::string name_text(const X509_NAME* name) {
    BioPtr bio = out_bio();
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    return bio_text(bio.get());
}

}  // namespace mpctl::core::util::detail
