// SPDX-License-Identifier: Apache-2.0
// The one wrapper around OpenSSL: keys, certificates, digests, randomness.
// Nobody outside core/util calls EVP_*, PEM_*, X509_* or PKCS12_*.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <openssl/types.h>
#include <nlohmann/json_fwd.hpp>

#include "core/util/expected.hpp"
#include "core/util/time.hpp"

namespace mpctl::core::util {

// Cryptographically secure random bytes (OpenSSL's DRBG).
std::string random_bytes(size_t n);
// A random UUID (RFC 9562 version 4), lowercase.
std::string uuid_v4();
std::string sha256(std::string_view data);
std::string hex(std::string_view bytes);

struct Pkcs12;
// The private key, certificate and chain of a PKCS#12 file (see struct Pkcs12).
Pkcs12 load_pkcs12(std::string_view der, const std::string& password);

enum class KeyType { rsa, ec_p256, ec_p384, ed25519 };

// "RSA", "EC P-256", "EC P-384", "Ed25519"
std::string_view describe(KeyType type);

struct PKeyFree {
    void operator()(EVP_PKEY* key) const noexcept;
};

// Signing and verifying contexts set up once for a key, one per slot (a JWS
// algorithm and direction; see jws.cpp), and copied for each use: setting
// one up fetches algorithms from the provider, which cost as much as the
// hashing of a JWT. Slots are filled once, without a lock; the contexts are
// only read afterwards, so threads may copy them at the same time.
class PreparedContexts {
  public:
    static constexpr size_t k_slots = 16;
    PreparedContexts() = default;
    PreparedContexts(const PreparedContexts&) = delete;
    PreparedContexts& operator=(const PreparedContexts&) = delete;
    ~PreparedContexts();

    EVP_MD_CTX* get(size_t slot) const { return m_slots[slot].load(std::memory_order_acquire); }
    // Stores `ctx` unless another thread was first; returns the one kept
    // (freeing `ctx` if it lost).
    EVP_MD_CTX* put(size_t slot, EVP_MD_CTX* ctx) const;

  private:
    mutable std::array<std::atomic<EVP_MD_CTX*>, k_slots> m_slots{};
};

// How much Key::from_jwk checks of the numbers it is given.
enum class KeyChecks {
    // All that OpenSSL offers: for an RSA public key that includes testing
    // the modulus for primality and small factors (milliseconds).
    full,
    // For a key this registry took in with full checks (a stored client
    // key): the structure is checked again, the numbers' mathematics not.
    registered,
};

// A public or private key of one of the supported types.
class Key {
  public:
    // A fresh private key; rsa_bits only for RSA (2048, 3072, 4096).
    static Key generate(KeyType type, int rsa_bits = 2048);
    // PEM private key (PKCS#8, traditional, or encrypted with `password`) or
    // public key (SubjectPublicKeyInfo). Throws naming what is wrong.
    static Key from_pem(std::string_view pem, const std::optional<std::string>& password);
    // A JWK (RFC 7517/7518/8037); private when it carries "d".
    static Key from_jwk(const nlohmann::json& jwk, KeyChecks checks = KeyChecks::full);

    KeyType type() const { return m_type; }
    int bits() const;
    bool is_private() const { return m_private; }

    std::string private_pem() const;  // PKCS#8, unencrypted
    std::string public_pem() const;   // SubjectPublicKeyInfo
    // Only the key members: kty, n/e or crv/x/y. No kid, alg or use.
    nlohmann::json public_jwk() const;
    nlohmann::json private_jwk() const;
    // RFC 7638 SHA-256 thumbprint, base64url.
    std::string thumbprint() const;
    // The JWS algorithm this key signs with by default.
    std::string default_alg() const;
    bool same_public_key(const Key& other) const;

    EVP_PKEY* get() const { return m_key.get(); }
    const PreparedContexts& prepared() const { return *m_prepared; }

  private:
    friend class Certificate;
    friend Pkcs12 load_pkcs12(std::string_view der, const std::string& password);
    Key(std::unique_ptr<EVP_PKEY, PKeyFree> key, bool is_private);
    std::unique_ptr<EVP_PKEY, PKeyFree> m_key;
    std::unique_ptr<PreparedContexts> m_prepared = std::make_unique<PreparedContexts>();
    KeyType m_type;
    bool m_private;
};

struct X509Free {
    void operator()(X509* cert) const noexcept;
};

// An X.509 certificate, immutable once parsed; copies share it.
class Certificate {
  public:
    // From outside (a grant's x5c): an Invalid, not an exception, for bytes
    // that are no certificate.
    static Parsed<Certificate> from_der(std::string_view der);
    // Every certificate in a PEM text, in order; throws when there is none.
    static std::vector<Certificate> from_pem(std::string_view pem);

    Certificate(const Certificate& other);
    Certificate& operator=(const Certificate& other) {
        if (this != &other) {
            *this = Certificate(other);
        }
        return *this;
    }
    Certificate(Certificate&&) noexcept = default;
    Certificate& operator=(Certificate&&) noexcept = default;

    std::string der() const;
    std::string pem() const;
    std::string subject() const;             // RFC 2253
    std::string sha256_fingerprint() const;  // lowercase hex of the DER's digest
    // From notBefore, up to but not including notAfter (as OpenSSL counts).
    struct Validity {
        UnixTime from;
        UnixTime until;
    };
    // An Invalid when a time cannot be read (a certificate from outside);
    // not_before() and not_after() throw it.
    Parsed<Validity> validity() const;
    UnixTime not_before() const;
    UnixTime not_after() const;
    bool is_ca() const;
    Parsed<Key> public_key() const;
    // The values of one subject attribute by its OpenSSL short or long name
    // ("serialNumber", "organizationIdentifier"), as UTF-8.
    std::vector<std::string> subject_entries(std::string_view attribute) const;
    X509* get() const { return m_cert.get(); }

  private:
    friend Pkcs12 load_pkcs12(std::string_view der, const std::string& password);
    explicit Certificate(std::unique_ptr<X509, X509Free> cert) : m_cert(std::move(cert)) {}
    std::unique_ptr<X509, X509Free> m_cert;
};

// Verifies chain[0] through the rest of `chain` up to one of `anchors`, as of
// time `at`. nullopt when it verifies, else what is wrong.
std::optional<std::string> verify_chain(const std::vector<Certificate>& chain,
                                        const std::vector<Certificate>& anchors, UnixTime at);

// What a PKCS#12 file holds: the private key, its certificate, and the chain.
struct Pkcs12 {
    Key key;
    std::optional<Certificate> certificate;
    std::vector<Certificate> chain;
};

}  // namespace mpctl::core::util
