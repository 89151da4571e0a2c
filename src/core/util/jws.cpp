// SPDX-License-Identifier: Apache-2.0
#include "core/util/jws.hpp"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <cstddef>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "core/util/error.hpp"

namespace mpctl::core::util {

namespace {

struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct EcdsaSigFree {
    void operator()(ECDSA_SIG* s) const noexcept { ECDSA_SIG_free(s); }
};

const EVP_MD* digest(JwsAlg alg) {
    switch (alg) {
        case JwsAlg::rs256:
        case JwsAlg::ps256:
        case JwsAlg::es256:
            return EVP_sha256();
        case JwsAlg::rs384:
        case JwsAlg::es384:
            return EVP_sha384();
        case JwsAlg::rs512:
            return EVP_sha512();
        case JwsAlg::eddsa:
            return nullptr;  // Ed25519 hashes internally
    }
    return nullptr;
}

size_t ec_half(JwsAlg alg) {
    return alg == JwsAlg::es384 ? 48 : 32;
}

bool is_ec(JwsAlg alg) {
    return alg == JwsAlg::es256 || alg == JwsAlg::es384;
}

// A digest-sign/verify context set up for the algorithm, or null.
EVP_MD_CTX* set_up(const Key& key, JwsAlg alg, bool signing) {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    int ok = signing ? EVP_DigestSignInit(ctx.get(), &pctx, digest(alg), nullptr, key.get())
                     : EVP_DigestVerifyInit(ctx.get(), &pctx, digest(alg), nullptr, key.get());
    if (ok != 1) {
        return nullptr;
    }
    if (alg == JwsAlg::ps256) {
        // RFC 7518 3.5: MGF1 with the same hash, salt as long as the hash.
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) {
            return nullptr;
        }
    }
    return ctx.release();
}

// A fresh context for one signature: a copy of the key's prepared one.
std::unique_ptr<EVP_MD_CTX, MdCtxFree> context(const Key& key, JwsAlg alg, bool signing) {
    size_t slot = static_cast<size_t>(alg) * 2 + (signing ? 1 : 0);
    static_assert(static_cast<size_t>(JwsAlg::eddsa) * 2 + 1 < PreparedContexts::k_slots);
    const EVP_MD_CTX* prepared = key.prepared().get(slot);
    if (prepared == nullptr) {
        EVP_MD_CTX* made = set_up(key, alg, signing);
        if (made == nullptr) {
            return nullptr;
        }
        prepared = key.prepared().put(slot, made);
    }
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), prepared) != 1) {
        return nullptr;
    }
    return ctx;
}

// DER ECDSA-Sig-Value to the fixed-width r||s of JWS.
std::string der_to_raw(const std::string& der, size_t half) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(
        d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig) {
        fail(ErrorKind::failure, "cannot decode ECDSA signature");
    }
    std::string raw(half * 2, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, static_cast<int>(half)) < 0 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + half, static_cast<int>(half)) < 0) {
        fail(ErrorKind::failure, "cannot encode ECDSA signature");
    }
    return raw;
}

// r||s to DER; nullopt when it cannot be one.
std::optional<std::string> raw_to_der(std::string_view raw) {
    size_t half = raw.size() / 2;
    const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
    BIGNUM* r = BN_bin2bn(p, static_cast<int>(half), nullptr);
    BIGNUM* s = BN_bin2bn(p + half, static_cast<int>(half), nullptr);
    std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    int len = i2d_ECDSA_SIG(sig.get(), &der);
    if (len <= 0) {
        return std::nullopt;
    }
    std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
    return out;
}

}  // namespace

std::optional<JwsAlg> parse_jws_alg(std::string_view name) {
    if (name == "RS256")
        return JwsAlg::rs256;
    if (name == "RS384")
        return JwsAlg::rs384;
    if (name == "RS512")
        return JwsAlg::rs512;
    if (name == "PS256")
        return JwsAlg::ps256;
    if (name == "ES256")
        return JwsAlg::es256;
    if (name == "ES384")
        return JwsAlg::es384;
    if (name == "EdDSA")
        return JwsAlg::eddsa;
    return std::nullopt;
}

std::string_view to_string(JwsAlg alg) {
    switch (alg) {
        case JwsAlg::rs256:
            return "RS256";
        case JwsAlg::rs384:
            return "RS384";
        case JwsAlg::rs512:
            return "RS512";
        case JwsAlg::ps256:
            return "PS256";
        case JwsAlg::es256:
            return "ES256";
        case JwsAlg::es384:
            return "ES384";
        case JwsAlg::eddsa:
            return "EdDSA";
    }
    return "";
}

const std::vector<std::string>& jws_alg_names() {
    static const std::vector<std::string> k_names = [] {
        std::vector<std::string> names;
        for (auto alg : {JwsAlg::rs256, JwsAlg::rs384, JwsAlg::rs512, JwsAlg::ps256, JwsAlg::es256,
                         JwsAlg::es384, JwsAlg::eddsa}) {
            names.emplace_back(to_string(alg));
        }
        return names;
    }();
    return k_names;
}

bool alg_fits(JwsAlg alg, KeyType type) {
    switch (type) {
        case KeyType::rsa:
            return alg == JwsAlg::rs256 || alg == JwsAlg::rs384 || alg == JwsAlg::rs512 ||
                   alg == JwsAlg::ps256;
        case KeyType::ec_p256:
            return alg == JwsAlg::es256;
        case KeyType::ec_p384:
            return alg == JwsAlg::es384;
        case KeyType::ed25519:
            return alg == JwsAlg::eddsa;
    }
    return false;
}

std::string jws_sign(const Key& key, JwsAlg alg, std::string_view input) {
    if (!key.is_private() || !alg_fits(alg, key.type())) {
        fail(ErrorKind::invalid_input,
             fmt::format("a {} {} key cannot sign {}", describe(key.type()),
                         key.is_private() ? "private" : "public", to_string(alg)));
    }
    auto ctx = context(key, alg, true);
    const auto* in = reinterpret_cast<const unsigned char*>(input.data());
    size_t len = static_cast<size_t>(EVP_PKEY_get_size(key.get()));  // the largest it can be
    std::string sig(len, '\0');
    if (!ctx || EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                               input.size()) != 1) {
        ERR_clear_error();
        fail(ErrorKind::failure, "signing failed");
    }
    sig.resize(len);
    return is_ec(alg) ? der_to_raw(sig, ec_half(alg)) : sig;
}

bool jws_verify(const Key& key, JwsAlg alg, std::string_view input, std::string_view signature) {
    if (!alg_fits(alg, key.type())) {
        return false;
    }
    std::string der;
    if (is_ec(alg)) {
        if (signature.size() != 2 * ec_half(alg)) {
            return false;
        }
        auto converted = raw_to_der(signature);
        if (!converted) {
            return false;
        }
        der = std::move(*converted);
        signature = der;
    }
    auto ctx = context(key, alg, false);
    bool ok = ctx && EVP_DigestVerify(
                         ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                         input.size()) == 1;
    ERR_clear_error();
    return ok;
}

}  // namespace mpctl::core::util
