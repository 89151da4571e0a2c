// SPDX-License-Identifier: Apache-2.0
#include "core/util/http.hpp"

#include <strings.h>

#include "core/util/text.hpp"

#include <curl/curl.h>
#include <dlfcn.h>

#include <cctype>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/util/error.hpp"

namespace mpctl::core::util {

namespace {

// libcurl, loaded when first needed (or by HttpPreload) rather than at process start: its
// dependency tree (GnuTLS, Kerberos, LDAP, ...) costs every mpctl command
// ~7 ms of dynamic loading, three times a cached `mpctl token`.
struct CurlApi {
    CURLcode (*global_init)(long);
    CURL* (*easy_init)();
    void (*easy_cleanup)(CURL*);
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_perform)(CURL*);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    const char* (*easy_strerror)(CURLcode);
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
};

template <class F>
void resolve(void* lib, const char* name, F& fn) {
    fn = reinterpret_cast<F>(::dlsym(lib, name));
    if (fn == nullptr) {
        fail(ErrorKind::failure, fmt::format("libcurl.so.4 lacks {}; is libcurl4 too old?", name));
    }
}

// Loads libcurl and initialises it once; safe from any thread (the first
// caller loads, the others wait).
const CurlApi& curl_api() {
    static const CurlApi api = [] {
        // Lazy: of its libraries' functions, bind only those called.
        void* lib = ::dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL);
        if (lib == nullptr) {
            fail(ErrorKind::failure,
                 fmt::format("cannot load libcurl ({}); install libcurl4", ::dlerror()));
        }
        CurlApi a{};
        resolve(lib, "curl_global_init", a.global_init);
        resolve(lib, "curl_easy_init", a.easy_init);
        resolve(lib, "curl_easy_cleanup", a.easy_cleanup);
        resolve(lib, "curl_easy_setopt", a.easy_setopt);
        resolve(lib, "curl_easy_perform", a.easy_perform);
        resolve(lib, "curl_easy_getinfo", a.easy_getinfo);
        resolve(lib, "curl_easy_strerror", a.easy_strerror);
        resolve(lib, "curl_slist_append", a.slist_append);
        resolve(lib, "curl_slist_free_all", a.slist_free_all);
        if (a.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            fail(ErrorKind::failure, "cannot initialise libcurl");
        }
        return a;
    }();
    return api;
}

// Owns one easy handle; its setters throw with curl's own words.
class CurlEasy {
  public:
    CurlEasy() {
        m_handle = curl_api().easy_init();
        if (m_handle == nullptr) {
            fail(ErrorKind::failure, "cannot initialise libcurl");
        }
        m_error[0] = '\0';
        set(CURLOPT_ERRORBUFFER, m_error);
    }
    CurlEasy(const CurlEasy&) = delete;
    CurlEasy& operator=(const CurlEasy&) = delete;
    ~CurlEasy() {
        curl_api().slist_free_all(m_headers);
        curl_api().easy_cleanup(m_handle);
    }

    template <class T>
    void set(CURLoption option, T value) {
        CURLcode rc = curl_api().easy_setopt(m_handle, option, value);
        if (rc != CURLE_OK) {
            fail(ErrorKind::failure, fmt::format("libcurl: {}", curl_api().easy_strerror(rc)));
        }
    }

    // The request headers, replacing those of an earlier request.
    void set_headers(const std::vector<std::string>& lines) {
        curl_slist* list = nullptr;
        for (const auto& line : lines) {
            curl_slist* longer = curl_api().slist_append(list, line.c_str());
            if (longer == nullptr) {
                curl_api().slist_free_all(list);
                fail(ErrorKind::failure, "libcurl: out of memory");
            }
            list = longer;
        }
        try {
            set(CURLOPT_HTTPHEADER, list);
        } catch (...) {
            curl_api().slist_free_all(list);
            throw;
        }
        curl_api().slist_free_all(m_headers);
        m_headers = list;
    }

    HttpResponse perform(const std::string& url) {
        HttpResponse out;
        set(CURLOPT_URL, url.c_str());
        set(CURLOPT_WRITEFUNCTION, &CurlEasy::collect);
        set(CURLOPT_WRITEDATA, &out.body);
        CURLcode rc = curl_api().easy_perform(m_handle);
        if (rc != CURLE_OK) {
            fail(out_for_now(rc) ? ErrorKind::unavailable : ErrorKind::failure,
                 fmt::format(
                     "cannot reach {}: {}{}", url, what_failed(rc),
                     m_error[0] != '\0' ? std::string(" (") + m_error + ")" : std::string()));
        }
        curl_api().easy_getinfo(m_handle, CURLINFO_RESPONSE_CODE, &out.status);
        char* type = nullptr;
        curl_api().easy_getinfo(m_handle, CURLINFO_CONTENT_TYPE, &type);
        out.content_type = type != nullptr ? type : "";
        return out;
    }

  private:
    static size_t collect(char* data, size_t size, size_t count, void* user) {
        static constexpr size_t k_limit = 1 << 20;  // no response of ours is near 1 MiB
        auto* body = static_cast<std::string*>(user);
        if (body->size() + size * count > k_limit) {
            return 0;
        }
        body->append(data, size * count);
        return size * count;
    }

    // The network, a name or the server is out, and trying again may work;
    // not so for TLS that does not verify, or a URL that names no server.
    static bool out_for_now(CURLcode rc) {
        switch (rc) {
            case CURLE_COULDNT_RESOLVE_PROXY:
            case CURLE_COULDNT_RESOLVE_HOST:
            case CURLE_COULDNT_CONNECT:
            case CURLE_OPERATION_TIMEDOUT:
            case CURLE_PARTIAL_FILE:
            case CURLE_GOT_NOTHING:
            case CURLE_SEND_ERROR:
            case CURLE_RECV_ERROR:
                return true;
            default:
                return false;
        }
    }

    static std::string what_failed(CURLcode rc) {
        switch (rc) {
            case CURLE_COULDNT_RESOLVE_HOST:
                return "DNS lookup failed";
            case CURLE_COULDNT_CONNECT:
                return "connection failed";
            case CURLE_OPERATION_TIMEDOUT:
                return "timed out";
            case CURLE_PEER_FAILED_VERIFICATION:
                return "TLS failed: the server's certificate does not verify (for a private CA, "
                       "give its certificate with --cacert FILE)";
            case CURLE_SSL_CACERT_BADFILE:
            case CURLE_SSL_CONNECT_ERROR:
            case CURLE_SSL_CERTPROBLEM:
                return "TLS failed";
            case CURLE_WRITE_ERROR:
                return "the response is too large";
            default:
                return curl_api().easy_strerror(rc);
        }
    }

    CURL* m_handle = nullptr;
    curl_slist* m_headers = nullptr;
    char m_error[CURL_ERROR_SIZE];
};

}  // namespace

class HttpClient::Handle : public CurlEasy {
  public:
    std::function<void(std::string_view)> trace;

    static int debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
        auto* self = static_cast<Handle*>(user);
        try {
            self->show(type, std::string_view(data, size));
        } catch (...) {  // tracing must not fail the request
        }
        return 0;
    }

  private:
    void show(curl_infotype type, std::string_view text) {
        const char* mark = nullptr;
        switch (type) {
            case CURLINFO_TEXT:
                mark = "* ";
                break;
            case CURLINFO_HEADER_OUT:
                mark = "> ";
                break;
            case CURLINFO_HEADER_IN:
                mark = "< ";
                break;
            case CURLINFO_DATA_OUT:
                trace(fmt::format("> [body: {} bytes, not shown]", text.size()));
                return;
            case CURLINFO_DATA_IN:
                trace(fmt::format("< [body: {} bytes, not shown]", text.size()));
                return;
            default:
                return;  // TLS records
        }
        while (!text.empty()) {
            auto end = text.find('\n');
            std::string_view line = text.substr(0, end);
            text = end == std::string_view::npos ? "" : text.substr(end + 1);
            if (!line.empty() && line.back() == '\r') {
                line.remove_suffix(1);
            }
            if (line.empty()) {
                continue;
            }
            if (line.size() >= 14 && strncasecmp(line.data(), "authorization:", 14) == 0) {
                trace(std::string(mark) + "Authorization: [not shown]");
                continue;
            }
            trace(std::string(mark) + printable(line));
        }
    }
};

HttpClient::HttpClient(const HttpOptions& options) : m_handle(std::make_unique<Handle>()) {
    if (options.trace) {
        m_handle->trace = options.trace;
        m_handle->set(CURLOPT_DEBUGFUNCTION, &Handle::debug);
        m_handle->set(CURLOPT_DEBUGDATA, static_cast<void*>(m_handle.get()));
        m_handle->set(CURLOPT_VERBOSE, 1L);
    }
    m_handle->set(CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
    m_handle->set(CURLOPT_TIMEOUT_MS, options.timeout_ms);
    m_handle->set(CURLOPT_NOSIGNAL, 1L);
    m_handle->set(CURLOPT_SSL_VERIFYPEER, 1L);
    m_handle->set(CURLOPT_SSL_VERIFYHOST, 2L);
    m_handle->set(CURLOPT_PROTOCOLS_STR, "http,https");
    // The path as given: a kid "." or ".." in it is not a dot segment.
    m_handle->set(CURLOPT_PATH_AS_IS, 1L);
    if (!options.user_agent.empty()) {
        m_handle->set(CURLOPT_USERAGENT, options.user_agent.c_str());
    }
    if (!options.cacert.empty()) {
        m_handle->set(CURLOPT_CAINFO, options.cacert.c_str());
    }
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::get(const std::string& url) {
    return send(HttpRequest{.method = "GET", .url = url});
}

HttpResponse HttpClient::post_form(const std::string& url, const std::string& form) {
    return send(HttpRequest{.method = "POST",
                            .url = url,
                            .body = form,
                            .content_type = "application/x-www-form-urlencoded"});
}

HttpResponse HttpClient::send(const HttpRequest& request) {
    std::vector<std::string> headers{"Accept: application/json"};
    if (!request.content_type.empty()) {
        headers.push_back("Content-Type: " + request.content_type);
    }
    if (!request.bearer.empty()) {
        headers.push_back("Authorization: Bearer " + request.bearer);
    }
    m_handle->set_headers(headers);
    // GET and DELETE send no body; POST and PUT one, if only an empty one
    // (with Content-Length: 0, which proxies ask of them).
    bool sends =
        !request.content_type.empty() || request.method == "POST" || request.method == "PUT";
    if (!sends) {
        m_handle->set(CURLOPT_HTTPGET, 1L);  // whatever the request before sent
    } else {
        if (request.content_type.empty()) {
            headers.emplace_back("Content-Type:");  // not libcurl's form type
            m_handle->set_headers(headers);
        }
        m_handle->set(CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
        m_handle->set(CURLOPT_POSTFIELDS, request.body.c_str());
    }
    // GET and POST are what the two settings above make; another method
    // names itself (and is reset for the next request).
    bool named = request.method != "GET" && request.method != "POST";
    m_handle->set(CURLOPT_CUSTOMREQUEST,
                  named ? request.method.c_str() : static_cast<const char*>(nullptr));
    return m_handle->perform(request.url);
}

HttpPreload::HttpPreload()
    : m_thread([] {
          try {
              curl_api();
          } catch (const std::exception&) {  // the first request says what failed
          }
      }) {}

std::string form_encode(std::string_view value) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += k_hex[c >> 4];
            out += k_hex[c & 15];
        }
    }
    return out;
}

}  // namespace mpctl::core::util
