// SPDX-License-Identifier: Apache-2.0
// Certificates, chain verification and PKCS#12: the X.509 half of crypto.hpp.
#include "core/util/crypto.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/util/error.hpp"
#include "core/util/openssl_helpers.hpp"

namespace mpctl::core::util {

using namespace detail;

void X509Free::operator()(X509* cert) const noexcept {
    X509_free(cert);
}

// A copy shares the parsed certificate (nothing here changes one):
// X509_dup would encode and decode it again, key and all.
Certificate::Certificate(const Certificate& other) : m_cert(other.m_cert.get()) {
    if (m_cert) {
        X509_up_ref(m_cert.get());
    }
}

Parsed<Certificate> Certificate::from_der(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    X509* raw = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (raw == nullptr || p != reinterpret_cast<const unsigned char*>(der.data() + der.size())) {
        X509_free(raw);
        return invalid_ssl("not a DER certificate");
    }
    return Certificate(std::unique_ptr<X509, X509Free>(raw));
}

std::vector<Certificate> Certificate::from_pem(std::string_view pem) {
    BioPtr bio = mem_bio(pem);
    std::vector<Certificate> out;
    while (X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        out.push_back(Certificate(std::unique_ptr<X509, X509Free>(raw)));
    }
    ERR_clear_error();
    if (out.empty()) {
        fail(ErrorKind::invalid_input, "no PEM certificate found (-----BEGIN CERTIFICATE-----)");
    }
    return out;
}

std::string Certificate::der() const {
    unsigned char* buf = nullptr;
    int len = i2d_X509(m_cert.get(), &buf);
    if (len < 0) {
        fail_ssl(ErrorKind::failure, "cannot encode certificate");
    }
    std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
    OPENSSL_free(buf);
    return out;
}

std::string Certificate::pem() const {
    BioPtr bio = out_bio();
    if (PEM_write_bio_X509(bio.get(), m_cert.get()) != 1) {
        fail_ssl(ErrorKind::failure, "cannot encode certificate");
    }
    return bio_text(bio.get());
}

std::string Certificate::subject() const {
    return name_text(X509_get_subject_name(m_cert.get()));
}
std::string Certificate::sha256_fingerprint() const {
    return hex(sha256(der()));
}
Parsed<Certificate::Validity> Certificate::validity() const {
    auto from = asn1_time(X509_get0_notBefore(m_cert.get()));
    if (!from) {
        return from.error();
    }
    auto until = asn1_time(X509_get0_notAfter(m_cert.get()));
    if (!until) {
        return until.error();
    }
    return Validity{*from, *until};
}
UnixTime Certificate::not_before() const {
    return asn1_time(X509_get0_notBefore(m_cert.get())).value();
}
UnixTime Certificate::not_after() const {
    return asn1_time(X509_get0_notAfter(m_cert.get())).value();
}
bool Certificate::is_ca() const {
    return X509_check_ca(m_cert.get()) > 0;
}

std::vector<std::string> Certificate::subject_entries(std::string_view attribute) const {
    int nid = OBJ_txt2nid(std::string(attribute).c_str());
    std::vector<std::string> out;
    if (nid == NID_undef) {
        return out;
    }
    const X509_NAME* name = X509_get_subject_name(m_cert.get());
    for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(name, nid, i)) {
        const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
        unsigned char* utf8 = nullptr;
        int len = ASN1_STRING_to_UTF8(&utf8, data);
        if (len >= 0) {
            out.emplace_back(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
            OPENSSL_free(utf8);
        }
    }
    return out;
}

std::optional<std::string> verify_chain(const std::vector<Certificate>& chain,
                                        const std::vector<Certificate>& anchors, UnixTime at) {
    if (chain.empty()) {
        return "the chain is empty";
    }
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(),
                                                                  &X509_STORE_free);
    for (const auto& anchor : anchors) {
        X509_STORE_add_cert(store.get(), anchor.get());
    }
    std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509)*)> untrusted(
        sk_X509_new_null(), [](STACK_OF(X509) * s) { sk_X509_free(s); });
    for (size_t i = 1; i < chain.size(); ++i) {
        sk_X509_push(untrusted.get(), chain[i].get());
    }
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                        &X509_STORE_CTX_free);
    if (!store || !untrusted || !ctx ||
        X509_STORE_CTX_init(ctx.get(), store.get(), chain[0].get(), untrusted.get()) != 1) {
        ERR_clear_error();
        return "cannot set up certificate verification";
    }
    X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(at));
    int ok = X509_verify_cert(ctx.get());
    ERR_clear_error();
    if (ok == 1) {
        return std::nullopt;
    }
    return std::string(X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
}

Parsed<Key> Certificate::public_key() const {
    EVP_PKEY* raw = X509_get_pubkey(m_cert.get());
    if (raw == nullptr) {
        return invalid_ssl("certificate has an unreadable public key");
    }
    return Key(std::unique_ptr<EVP_PKEY, PKeyFree>(raw), false);
}

Pkcs12 load_pkcs12(std::string_view der, const std::string& password) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<PKCS12, decltype(&PKCS12_free)> p12(
        d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())), &PKCS12_free);
    if (!p12) {
        fail_ssl(ErrorKind::invalid_input, "not a PKCS#12 file");
    }
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* ca = nullptr;
    int ok = PKCS12_parse(p12.get(), password.c_str(), &key, &cert, &ca);
    if (ok != 1) {
        // Older enterprise certificates use RC2/3DES, which OpenSSL 3 keeps in
        // its legacy provider; loading it also needs the default one loaded.
        ERR_clear_error();
        static OSSL_PROVIDER* const k_default = OSSL_PROVIDER_load(nullptr, "default");
        static OSSL_PROVIDER* const k_legacy = OSSL_PROVIDER_load(nullptr, "legacy");
        if (k_default != nullptr && k_legacy != nullptr) {
            ok = PKCS12_parse(p12.get(), password.c_str(), &key, &cert, &ca);
        }
    }
    if (ok != 1) {
        fail_ssl(ErrorKind::invalid_input, "cannot open PKCS#12 file (wrong password?)");
    }
    std::unique_ptr<EVP_PKEY, PKeyFree> key_owned(key);
    std::unique_ptr<X509, X509Free> cert_owned(cert);
    std::vector<Certificate> chain;
    while (ca != nullptr && sk_X509_num(ca) > 0) {
        chain.push_back(Certificate(std::unique_ptr<X509, X509Free>(sk_X509_shift(ca))));
    }
    sk_X509_free(ca);
    if (!key_owned) {
        fail(ErrorKind::invalid_input, "the PKCS#12 file holds no private key");
    }
    std::optional<Certificate> c;
    if (cert_owned) {
        c = Certificate(std::move(cert_owned));
    }
    return Pkcs12{Key(std::move(key_owned), true), std::move(c), std::move(chain)};
}

}  // namespace mpctl::core::util
