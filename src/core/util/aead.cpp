// SPDX-License-Identifier: Apache-2.0
#include "core/util/aead.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <memory>

#include "core/util/error.hpp"
#include "core/util/openssl_helpers.hpp"

namespace mpctl::core::util {

namespace {

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

CipherCtx gcm(std::string_view key, std::string_view nonce, bool encrypt) {
    if (key.size() != k_aes256_key || nonce.size() != k_gcm_nonce) {
        fail(ErrorKind::failure, "AES-256-GCM takes a 32-byte key and a 12-byte nonce");
    }
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(nonce),
                                  encrypt ? 1 : 0) != 1) {
        detail::fail_ssl(ErrorKind::failure, "AES-256-GCM setup failed");
    }
    return ctx;
}

void add_aad(EVP_CIPHER_CTX* ctx, std::string_view aad) {
    int n = 0;
    if (!aad.empty() &&
        EVP_CipherUpdate(ctx, nullptr, &n, bytes(aad), static_cast<int>(aad.size())) != 1) {
        detail::fail_ssl(ErrorKind::failure, "AES-256-GCM failed");
    }
}

}  // namespace

std::string aes256gcm_seal(std::string_view key, std::string_view nonce, std::string_view plaintext,
                           std::string_view aad) {
    auto ctx = gcm(key, nonce, true);
    add_aad(ctx.get(), aad);
    std::string out(plaintext.size() + k_gcm_tag, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    int n = 0;
    int tail = 0;
    if (EVP_CipherUpdate(ctx.get(), o, &n, bytes(plaintext), static_cast<int>(plaintext.size())) !=
            1 ||
        EVP_CipherFinal_ex(ctx.get(), o + n, &tail) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(k_gcm_tag),
                            o + plaintext.size()) != 1) {
        detail::fail_ssl(ErrorKind::failure, "AES-256-GCM encryption failed");
    }
    return out;
}

std::optional<std::string> aes256gcm_open(std::string_view key, std::string_view nonce,
                                          std::string_view sealed, std::string_view aad) {
    if (sealed.size() < k_gcm_tag) {
        return std::nullopt;
    }
    auto ctx = gcm(key, nonce, false);
    add_aad(ctx.get(), aad);
    std::string_view body = sealed.substr(0, sealed.size() - k_gcm_tag);
    std::string tag(sealed.substr(body.size()));
    std::string out(body.size(), '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    int n = 0;
    int tail = 0;
    if (EVP_CipherUpdate(ctx.get(), o, &n, bytes(body), static_cast<int>(body.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(k_gcm_tag),
                            tag.data()) != 1) {
        detail::fail_ssl(ErrorKind::failure, "AES-256-GCM decryption failed");
    }
    if (EVP_CipherFinal_ex(ctx.get(), o + n, &tail) != 1) {
        ERR_clear_error();
        return std::nullopt;  // the tag does not verify
    }
    return out;
}

std::string hkdf_sha256(std::string_view secret, std::string_view info, size_t length) {
    struct KdfFree {
        void operator()(EVP_KDF* k) const noexcept { EVP_KDF_free(k); }
    };
    struct KdfCtxFree {
        void operator()(EVP_KDF_CTX* c) const noexcept { EVP_KDF_CTX_free(c); }
    };
    std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
    std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
    std::string digest = "SHA256";
    std::string ikm(secret);
    std::string context(info);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm.data(), ikm.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, context.data(), context.size()),
        OSSL_PARAM_construct_end(),
    };
    std::string out(length, '\0');
    if (!ctx || EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), length,
                               params) != 1) {
        detail::fail_ssl(ErrorKind::failure, "HKDF failed");
    }
    OPENSSL_cleanse(ikm.data(), ikm.size());
    return out;
}

}  // namespace mpctl::core::util
