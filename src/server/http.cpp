// SPDX-License-Identifier: Apache-2.0
#include "server/http.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>

#include <fmt/format.h>

#include "core/util/text.hpp"

namespace mpctl::server {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

// The decoded text; `fault` says why not when the escapes are bad.
std::string form_decode(std::string_view text, std::optional<std::string>& fault) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        // A JWT is all plain characters: copy runs of them at once.
        size_t special = i;
        while (special < text.size() && text[special] != '+' && text[special] != '%') {
            ++special;
        }
        if (special != i) {
            out.append(text.substr(i, special - i));
            if (special == text.size()) {
                break;
            }
            i = special;
        }
        char c = text[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c == '%') {
            int hi = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
            int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                fault = "bad percent-encoding in the form: \"" +
                        core::util::printable(text.substr(i, 3)) + "\"";
                return out;
            }
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        }
    }
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

}  // namespace

const std::string* Response::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) {
            return &v;
        }
    }
    return nullptr;
}

std::string issuer_path(std::string_view issuer) {
    auto scheme = issuer.find("://");
    auto slash = issuer.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
    if (slash == std::string_view::npos) {
        return "";
    }
    std::string_view path = issuer.substr(slash);
    while (!path.empty() && path.back() == '/') {
        path.remove_suffix(1);
    }
    return std::string(path);
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
    auto q = target.find('?');
    if (q == std::string_view::npos) {
        return {target, {}};
    }
    return {target.substr(0, q), target.substr(q + 1)};
}

Form decode_form(std::string_view text) {
    Form form;
    auto& fields = form.fields;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('&', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view pair = text.substr(start, end - start);
        start = end + 1;
        if (pair.empty()) {
            continue;
        }
        auto eq = pair.find('=');
        std::string name = form_decode(pair.substr(0, eq), form.fault);
        if (form.fault) {
            return form;  // the first fault is the one named
        }
        std::string value =
            eq == std::string_view::npos ? "" : form_decode(pair.substr(eq + 1), form.fault);
        if (form.fault) {
            return form;
        }
        // Checked here, once: every handler and error message after this
        // point may treat names and values as text.
        if (auto fault = core::util::text_fault(name)) {
            form.fault =
                "a parameter's name " + *fault + ": \"" + core::util::printable(name) + "\"";
            return form;
        }
        if (auto fault = core::util::text_fault(value)) {
            form.fault = "parameter \"" + name + "\" " + *fault;
            return form;
        }
        if (!fields.emplace(name, std::move(value)).second) {
            form.fault = "parameter \"" + name + "\" is given more than once";
            return form;
        }
    }
    return form;
}

std::map<std::string, std::string> parse_form(std::string_view text) {
    Form form = decode_form(text);
    if (form.fault) {
        throw HttpError(400, "invalid_request", *form.fault);
    }
    return std::move(form.fields);
}

void check_head(const Request& req) {
    // RFC 9112 3.2: a 1.1 request has exactly one Host; 1.0 may have none.
    if (req.host_fields > 1 || (req.version >= 11 && req.host_fields == 0)) {
        throw HttpError(400, "invalid_request",
                        req.host_fields == 0 ? "an HTTP/1.1 request needs a Host header"
                                             : "the request has more than one Host header");
    }
    // RFC 9112 3.2: the target is ASCII; anything else is percent-encoded.
    for (size_t i = 0; i < req.target.size(); ++i) {
        auto c = static_cast<unsigned char>(req.target[i]);
        if (c <= 0x20 || c >= 0x7F) {
            throw HttpError(400, "invalid_request",
                            fmt::format("the request target has the byte 0x{:02X} at offset {}; "
                                        "anything but visible ASCII must be percent-encoded",
                                        c, i));
        }
    }
    const std::pair<const char*, const std::string*> fields[] = {
        {"Content-Type", &req.content_type}, {"Authorization", &req.authorization}};
    for (const auto& [name, value] : fields) {
        for (char ch : *value) {
            auto c = static_cast<unsigned char>(ch);
            if ((c < 0x20 && c != '\t') || c >= 0x7F) {
                throw HttpError(400, "invalid_request",
                                fmt::format("the {} header has the byte 0x{:02X}; it must be "
                                            "ASCII text",
                                            name, c));
            }
        }
    }
}

bool has_media_type(std::string_view content_type, std::string_view media_type) {
    auto semi = content_type.find(';');
    std::string_view type = content_type.substr(0, semi);
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
        type.remove_suffix(1);
    }
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) {
        type.remove_prefix(1);
    }
    return iequals(type, media_type);
}

}  // namespace mpctl::server
