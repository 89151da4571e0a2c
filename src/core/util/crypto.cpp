// SPDX-License-Identifier: Apache-2.0
#include "core/util/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <array>
#include <atomic>
#include <cstring>

#include <pthread.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/util/base64.hpp"
#include "core/util/error.hpp"
#include "core/util/openssl_helpers.hpp"

namespace mpctl::core::util {

using namespace detail;

namespace {

using json = nlohmann::json;

struct BnFree {
    void operator()(BIGNUM* b) const noexcept { BN_clear_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

struct CtxFree {
    void operator()(EVP_PKEY_CTX* c) const noexcept { EVP_PKEY_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, CtxFree>;

struct ParamBldFree {
    void operator()(OSSL_PARAM_BLD* b) const noexcept { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
    void operator()(OSSL_PARAM* p) const noexcept { OSSL_PARAM_free(p); }
};

// Big-endian bytes of a BIGNUM parameter; padded to `width` when given.
std::string bn_param(EVP_PKEY* key, const char* name, int width = 0) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
        fail_ssl(ErrorKind::failure, fmt::format("cannot read key parameter {}", name));
    }
    BnPtr bn(raw);
    int len = width > 0 ? width : BN_num_bytes(bn.get());
    std::string out(static_cast<size_t>(len), '\0');
    auto* p = reinterpret_cast<unsigned char*>(out.data());
    if (width > 0 ? BN_bn2binpad(bn.get(), p, width) < 0 : BN_bn2bin(bn.get(), p) < 0) {
        fail_ssl(ErrorKind::failure, "cannot encode key parameter");
    }
    return out;
}

KeyType classify(EVP_PKEY* key) {
    switch (EVP_PKEY_get_base_id(key)) {
        case EVP_PKEY_RSA:
            return KeyType::rsa;
        case EVP_PKEY_ED25519:
            return KeyType::ed25519;
        case EVP_PKEY_EC: {
            char group[64] = {};
            size_t len = 0;
            if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                               &len) == 1) {
                std::string_view g(group, len);
                if (g == "prime256v1" || g == "P-256") {
                    return KeyType::ec_p256;
                }
                if (g == "secp384r1" || g == "P-384") {
                    return KeyType::ec_p384;
                }
                fail(ErrorKind::invalid_input,
                     fmt::format("EC curve {} is not supported (use P-256 or P-384)", g));
            }
            fail(ErrorKind::invalid_input, "EC key without a named curve is not supported");
        }
        default:
            fail(ErrorKind::invalid_input,
                 "key type is not supported (use RSA, EC P-256/P-384 or Ed25519)");
    }
}

int ec_width(KeyType type) {
    return type == KeyType::ec_p384 ? 48 : 32;
}

const char* ec_crv(KeyType type) {
    return type == KeyType::ec_p384 ? "P-384" : "P-256";
}

// A required base64url member of a JWK, decoded.
std::string jwk_bytes(const json& jwk, const char* name) {
    auto it = jwk.find(name);
    if (it == jwk.end() || !it->is_string()) {
        fail(ErrorKind::invalid_input, fmt::format("JWK member \"{}\" is missing", name));
    }
    auto bytes = base64url_decode(it->get_ref<const std::string&>());
    if (!bytes || bytes->empty()) {
        fail(ErrorKind::invalid_input,
             fmt::format("JWK member \"{}\" is not base64url without padding", name));
    }
    return *bytes;
}

std::string jwk_string(const json& jwk, const char* name) {
    auto it = jwk.find(name);
    if (it == jwk.end() || !it->is_string()) {
        fail(ErrorKind::invalid_input, fmt::format("JWK member \"{}\" is missing", name));
    }
    return it->get<std::string>();
}

// Builds a key from OSSL parameters with EVP_PKEY_fromdata.
std::unique_ptr<EVP_PKEY, PKeyFree> key_from_params(const char* algorithm, OSSL_PARAM_BLD* bld,
                                                    bool is_private, KeyChecks checks) {
    std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
    CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                          params.get()) != 1) {
        fail_ssl(ErrorKind::invalid_input, "JWK does not make a valid key");
    }
    std::unique_ptr<EVP_PKEY, PKeyFree> key(raw);
    if (checks == KeyChecks::registered) {
        return key;
    }
    // fromdata takes the numbers as given; make sure they form a real key.
    CtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    int ok = is_private ? EVP_PKEY_pairwise_check(check.get()) : EVP_PKEY_public_check(check.get());
    if (ok != 1) {
        fail_ssl(ErrorKind::invalid_input, "JWK does not make a valid key");
    }
    return key;
}

void push_bn(OSSL_PARAM_BLD* bld, const char* name, const std::string& bytes,
             std::vector<BnPtr>& keep) {
    keep.emplace_back(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()), nullptr));
    if (!keep.back() || OSSL_PARAM_BLD_push_BN(bld, name, keep.back().get()) != 1) {
        fail_ssl(ErrorKind::failure, "cannot build key");
    }
}

std::unique_ptr<EVP_PKEY, PKeyFree> rsa_from_jwk(const json& jwk, bool is_private,
                                                 KeyChecks checks) {
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
    std::vector<BnPtr> keep;
    push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_N, jwk_bytes(jwk, "n"), keep);
    push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_E, jwk_bytes(jwk, "e"), keep);
    if (is_private) {
        push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_D, jwk_bytes(jwk, "d"), keep);
        push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, jwk_bytes(jwk, "p"), keep);
        push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, jwk_bytes(jwk, "q"), keep);
        push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, jwk_bytes(jwk, "dp"), keep);
        push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, jwk_bytes(jwk, "dq"), keep);
        push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, jwk_bytes(jwk, "qi"), keep);
    }
    return key_from_params("RSA", bld.get(), is_private, checks);
}

std::unique_ptr<EVP_PKEY, PKeyFree> ec_from_jwk(const json& jwk, bool is_private,
                                                KeyChecks checks) {
    std::string crv = jwk_string(jwk, "crv");
    KeyType type;
    if (crv == "P-256") {
        type = KeyType::ec_p256;
    } else if (crv == "P-384") {
        type = KeyType::ec_p384;
    } else {
        fail(ErrorKind::invalid_input,
             fmt::format("JWK curve \"{}\" is not supported (use P-256 or P-384)", crv));
    }
    size_t width = static_cast<size_t>(ec_width(type));
    std::string x = jwk_bytes(jwk, "x");
    std::string y = jwk_bytes(jwk, "y");
    if (x.size() != width || y.size() != width) {
        fail(ErrorKind::invalid_input,
             fmt::format("JWK members \"x\" and \"y\" must be {} bytes for {}", width, crv));
    }
    std::string point = "\x04" + x + y;
    std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
    std::vector<BnPtr> keep;
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                    type == KeyType::ec_p384 ? "secp384r1" : "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                     point.size());
    if (is_private) {
        std::string d = jwk_bytes(jwk, "d");
        if (d.size() != width) {
            fail(ErrorKind::invalid_input,
                 fmt::format("JWK member \"d\" must be {} bytes for {}", width, crv));
        }
        push_bn(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d, keep);
    }
    return key_from_params("EC", bld.get(), is_private, checks);
}

std::unique_ptr<EVP_PKEY, PKeyFree> okp_from_jwk(const json& jwk, bool is_private,
                                                 KeyChecks checks) {
    std::string crv = jwk_string(jwk, "crv");
    if (crv != "Ed25519") {
        fail(ErrorKind::invalid_input,
             fmt::format("JWK curve \"{}\" is not supported for OKP (use Ed25519)", crv));
    }
    std::string raw = jwk_bytes(jwk, is_private ? "d" : "x");
    if (raw.size() != 32) {
        fail(ErrorKind::invalid_input, "Ed25519 JWK members must be 32 bytes");
    }
    const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
    EVP_PKEY* key = is_private
                        ? EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, p, raw.size())
                        : EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, p, raw.size());
    if (key == nullptr) {
        fail_ssl(ErrorKind::invalid_input, "JWK does not make a valid Ed25519 key");
    }
    std::unique_ptr<EVP_PKEY, PKeyFree> owned(key);
    if (is_private) {
        // The public half must be the one derived from "d".
        Key check_key =
            Key::from_jwk(json{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", jwk["x"]}}, checks);
        if (EVP_PKEY_eq(owned.get(), check_key.get()) != 1) {
            fail(ErrorKind::invalid_input, "JWK members \"x\" and \"d\" do not belong together");
        }
    }
    return owned;
}

void fill_random(unsigned char* out, size_t n) {
    if (RAND_bytes(out, static_cast<int>(n)) != 1) {
        fail_ssl(ErrorKind::failure, "random generator failed");
    }
}

// Bumped in a forked child, so that parent and child never hand out the
// same pooled bytes.
std::atomic<unsigned> g_fork_generation{0};

// Random bytes drawn from OpenSSL's DRBG a page at a time, per thread: on
// the token endpoint one small RAND_bytes call (a jti) cost ~5 us, its
// state being cold after the kernel's network work; a page costs about
// as much as a few small calls. Bytes are wiped from the pool once given out.
constexpr size_t k_pool_size = 4096;

class RandomPool {
  public:
    void take(unsigned char* out, size_t n) {
        unsigned generation = g_fork_generation.load(std::memory_order_relaxed);
        if (generation != m_generation || m_used + n > m_bytes.size()) {
            fill_random(m_bytes.data(), m_bytes.size());
            m_used = 0;
            m_generation = generation;
        }
        std::memcpy(out, m_bytes.data() + m_used, n);
        OPENSSL_cleanse(m_bytes.data() + m_used, n);
        m_used += n;
    }

  private:
    std::array<unsigned char, k_pool_size> m_bytes{};
    size_t m_used = k_pool_size;  // empty until first use
    unsigned m_generation = 0;
};

constexpr size_t k_pooled_max = 64;

const bool k_fork_handler_installed = [] {
    ::pthread_atfork(nullptr, nullptr, [] { g_fork_generation.fetch_add(1); });
    return true;
}();

}  // namespace

std::string random_bytes(size_t n) {
    std::string out(n, '\0');
    auto* bytes = reinterpret_cast<unsigned char*>(out.data());
    if (n <= k_pooled_max) {
        thread_local RandomPool pool;
        pool.take(bytes, n);
    } else {
        fill_random(bytes, n);
    }
    return out;
}

std::string uuid_v4() {
    std::string b = random_bytes(16);
    b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
    std::string h = hex(b);
    return fmt::format("{}-{}-{}-{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(12, 4),
                       h.substr(16, 4), h.substr(20));
}

std::string sha256(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
        fail_ssl(ErrorKind::failure, "SHA-256 failed");
    }
    return std::string(reinterpret_cast<char*>(md), len);
}

std::string hex(std::string_view bytes) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += k_digits[c >> 4];
        out += k_digits[c & 15];
    }
    return out;
}

std::string_view describe(KeyType type) {
    switch (type) {
        case KeyType::rsa:
            return "RSA";
        case KeyType::ec_p256:
            return "EC P-256";
        case KeyType::ec_p384:
            return "EC P-384";
        case KeyType::ed25519:
            return "Ed25519";
    }
    return "unknown";
}

void PKeyFree::operator()(EVP_PKEY* key) const noexcept {
    EVP_PKEY_free(key);
}
PreparedContexts::~PreparedContexts() {
    for (auto& slot : m_slots) {
        EVP_MD_CTX_free(slot.load());
    }
}

EVP_MD_CTX* PreparedContexts::put(size_t slot, EVP_MD_CTX* ctx) const {
    EVP_MD_CTX* expected = nullptr;
    if (m_slots[slot].compare_exchange_strong(expected, ctx, std::memory_order_acq_rel)) {
        return ctx;
    }
    EVP_MD_CTX_free(ctx);
    return expected;
}

Key::Key(std::unique_ptr<EVP_PKEY, PKeyFree> key, bool is_private)
    : m_key(std::move(key)), m_type(classify(m_key.get())), m_private(is_private) {}

Key Key::generate(KeyType type, int rsa_bits) {
    EVP_PKEY* raw = nullptr;
    switch (type) {
        case KeyType::rsa:
            if (rsa_bits != 2048 && rsa_bits != 3072 && rsa_bits != 4096) {
                fail(ErrorKind::invalid_input,
                     fmt::format("RSA key size {} is not offered (use 2048, 3072 or 4096)",
                                 rsa_bits));
            }
            raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits));
            break;
        case KeyType::ec_p256:
            raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
            break;
        case KeyType::ec_p384:
            raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
            break;
        case KeyType::ed25519:
            raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
            break;
    }
    if (raw == nullptr) {
        fail_ssl(ErrorKind::failure, "key generation failed");
    }
    return Key(std::unique_ptr<EVP_PKEY, PKeyFree>(raw), true);
}

Key Key::from_pem(std::string_view pem, const std::optional<std::string>& password) {
    auto cb = [](char* buf, int size, int, void* u) -> int {
        const auto* pw = static_cast<const std::optional<std::string>*>(u);
        if (!pw->has_value() || static_cast<int>((*pw)->size()) > size) {
            return -1;
        }
        (*pw)->copy(buf, (*pw)->size());
        return static_cast<int>((*pw)->size());
    };
    if (pem.find("-----BEGIN") == std::string_view::npos) {
        fail(ErrorKind::invalid_input, "not a PEM file (no -----BEGIN line)");
    }
    bool is_public = pem.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos;
    BioPtr bio = mem_bio(pem);
    EVP_PKEY* raw = nullptr;
    if (is_public) {
        raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    } else {
        raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, cb,
                                      const_cast<std::optional<std::string>*>(&password));
    }
    if (raw == nullptr) {
        bool encrypted = pem.find("ENCRYPTED") != std::string_view::npos;
        if (encrypted && !password) {
            ERR_clear_error();
            fail(ErrorKind::invalid_input, "the PEM key is encrypted: give its password");
        }
        fail_ssl(ErrorKind::invalid_input,
                 encrypted ? "cannot decrypt PEM key (wrong password?)" : "cannot read PEM key");
    }
    return Key(std::unique_ptr<EVP_PKEY, PKeyFree>(raw), !is_public);
}

Key Key::from_jwk(const json& jwk, KeyChecks checks) {
    if (!jwk.is_object()) {
        fail(ErrorKind::invalid_input, "a JWK must be a JSON object");
    }
    std::string kty = jwk_string(jwk, "kty");
    bool is_private = jwk.contains("d");
    if (kty == "RSA") {
        return Key(rsa_from_jwk(jwk, is_private, checks), is_private);
    }
    if (kty == "EC") {
        return Key(ec_from_jwk(jwk, is_private, checks), is_private);
    }
    if (kty == "OKP") {
        return Key(okp_from_jwk(jwk, is_private, checks), is_private);
    }
    fail(ErrorKind::invalid_input,
         fmt::format("JWK kty \"{}\" is not supported (use RSA, EC or OKP)", kty));
}

int Key::bits() const {
    return EVP_PKEY_get_bits(m_key.get());
}

std::string Key::private_pem() const {
    if (!m_private) {
        fail(ErrorKind::invalid_input, "this is a public key; there is no private part to write");
    }
    BioPtr bio = out_bio();
    if (PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
        1) {
        fail_ssl(ErrorKind::failure, "cannot encode private key");
    }
    return bio_text(bio.get());
}

std::string Key::public_pem() const {
    BioPtr bio = out_bio();
    if (PEM_write_bio_PUBKEY(bio.get(), m_key.get()) != 1) {
        fail_ssl(ErrorKind::failure, "cannot encode public key");
    }
    return bio_text(bio.get());
}

json Key::public_jwk() const {
    EVP_PKEY* k = m_key.get();
    switch (m_type) {
        case KeyType::rsa:
            return json{{"kty", "RSA"},
                        {"n", base64url_encode(bn_param(k, OSSL_PKEY_PARAM_RSA_N))},
                        {"e", base64url_encode(bn_param(k, OSSL_PKEY_PARAM_RSA_E))}};
        case KeyType::ec_p256:
        case KeyType::ec_p384: {
            int w = ec_width(m_type);
            return json{{"kty", "EC"},
                        {"crv", ec_crv(m_type)},
                        {"x", base64url_encode(bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, w))},
                        {"y", base64url_encode(bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, w))}};
        }
        case KeyType::ed25519: {
            unsigned char raw[32];
            size_t len = sizeof raw;
            if (EVP_PKEY_get_raw_public_key(k, raw, &len) != 1) {
                fail_ssl(ErrorKind::failure, "cannot read Ed25519 key");
            }
            return json{
                {"kty", "OKP"},
                {"crv", "Ed25519"},
                {"x", base64url_encode(std::string_view(reinterpret_cast<char*>(raw), len))}};
        }
    }
    fail(ErrorKind::failure, "unknown key type");
}

json Key::private_jwk() const {
    if (!m_private) {
        fail(ErrorKind::invalid_input, "this is a public key; there is no private part to write");
    }
    EVP_PKEY* k = m_key.get();
    json jwk = public_jwk();
    switch (m_type) {
        case KeyType::rsa:
            jwk["d"] = base64url_encode(bn_param(k, OSSL_PKEY_PARAM_RSA_D));
            jwk["p"] = base64url_encode(bn_param(k, OSSL_PKEY_PARAM_RSA_FACTOR1));
            jwk["q"] = base64url_encode(bn_param(k, OSSL_PKEY_PARAM_RSA_FACTOR2));
            jwk["dp"] = base64url_encode(bn_param(k, OSSL_PKEY_PARAM_RSA_EXPONENT1));
            jwk["dq"] = base64url_encode(bn_param(k, OSSL_PKEY_PARAM_RSA_EXPONENT2));
            jwk["qi"] = base64url_encode(bn_param(k, OSSL_PKEY_PARAM_RSA_COEFFICIENT1));
            break;
        case KeyType::ec_p256:
        case KeyType::ec_p384:
            jwk["d"] = base64url_encode(bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, ec_width(m_type)));
            break;
        case KeyType::ed25519: {
            unsigned char raw[32];
            size_t len = sizeof raw;
            if (EVP_PKEY_get_raw_private_key(k, raw, &len) != 1) {
                fail_ssl(ErrorKind::failure, "cannot read Ed25519 key");
            }
            jwk["d"] = base64url_encode(std::string_view(reinterpret_cast<char*>(raw), len));
            break;
        }
    }
    return jwk;
}

std::string Key::thumbprint() const {
    // nlohmann's object keeps members sorted and dump() adds no white space:
    // exactly RFC 7638's canonical form of the required members.
    return base64url_encode(sha256(public_jwk().dump()));
}

std::string Key::default_alg() const {
    switch (m_type) {
        case KeyType::rsa:
            return "RS256";
        case KeyType::ec_p256:
            return "ES256";
        case KeyType::ec_p384:
            return "ES384";
        case KeyType::ed25519:
            return "EdDSA";
    }
    return "";
}

bool Key::same_public_key(const Key& other) const {
    return EVP_PKEY_eq(m_key.get(), other.m_key.get()) == 1;
}

}  // namespace mpctl::core::util
