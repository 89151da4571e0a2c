// SPDX-License-Identifier: Apache-2.0
#include "server/listener.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <exception>
#include <list>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <sys/resource.h>

#include <fmt/format.h>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "core/util/error.hpp"
#include "core/util/fs.hpp"
#include "server/router.hpp"
#include "server/web.hpp"
#include "server/wire.hpp"

namespace mpctl::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

constexpr size_t k_read_chunk = 16 * 1024;

// What sessions share: the options, the handlers, and whether to stop.
struct Shared {
    const ListenOptions& options;
    Services& services;
    std::atomic<bool> stopping{false};
    std::atomic<size_t> sessions{0};
};

class SessionBase {
  public:
    virtual ~SessionBase() = default;
    // Closes the connection if it waits for a request; one in the middle of
    // a request closes after answering it.
    virtual void stop() = 0;
};

// Live sessions, so that a stop reaches the idle ones.
class SessionList {
  public:
    void add(const std::shared_ptr<SessionBase>& s) {
        std::lock_guard lock(m_mutex);
        if (++m_added % 1024 == 0) {
            m_sessions.remove_if([](const auto& w) { return w.expired(); });
        }
        m_sessions.push_back(s);
    }
    void stop_all() {
        std::lock_guard lock(m_mutex);
        for (auto& w : m_sessions) {
            if (auto s = w.lock()) {
                s->stop();
            }
        }
    }

  private:
    std::mutex m_mutex;
    size_t m_added = 0;
    std::list<std::weak_ptr<SessionBase>> m_sessions;
};

// A header value as it goes on the wire: a line break in it would start a
// header of someone else's choosing.
void append_header(std::string& out, std::string_view name, std::string_view value) {
    out.append(name);
    out.append(": ");
    for (char c : value) {
        out.push_back(c == '\r' || c == '\n' ? ' ' : c);
    }
    out.append("\r\n");
}

// The response as HTTP/1.x text: status line, headers, body (none for a
// HEAD request, which gets the headers a GET would).
std::string wire_format(const Response& r, unsigned version, bool keep_alive, bool head) {
    auto status = static_cast<http::status>(r.status);
    std::string out;
    out.reserve(256 + r.body.size());
    out.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    out.append(std::to_string(r.status));
    out.push_back(' ');
    auto reason = http::obsolete_reason(status);
    out.append(reason.data(), reason.size());
    out.append("\r\n");
    append_header(out, "Server", "mpctl");
    bool no_content = r.status == 204 || r.status == 304 || r.status < 200;
    if (!no_content) {
        if (!r.content_type.empty()) {  // an empty body need not say what it is
            append_header(out, "Content-Type", r.content_type);
        }
        append_header(out, "Content-Length", std::to_string(r.body.size()));
    }
    for (const auto& [name, value] : r.headers) {
        append_header(out, name, value);
    }
    if (version == 10 && keep_alive) {
        append_header(out, "Connection", "keep-alive");
    } else if (version != 10 && !keep_alive) {
        append_header(out, "Connection", "close");
    }
    out.append("\r\n");
    if (!no_content && !head) {
        out.append(r.body);
    }
    return out;
}

template <class Stream>
constexpr bool k_tls = !std::is_same_v<Stream, beast::tcp_stream>;

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  public:
    // `context`: the TLS context the stream was made with, kept alive while
    // the connection lasts (a reload replaces the server's); null for TCP.
    template <class... Args>
    explicit Session(Shared& shared, std::shared_ptr<ssl::context> context, Args&&... args)
        : m_shared(shared), m_context(std::move(context)), m_stream(std::forward<Args>(args)...) {
        ++m_shared.sessions;
        beast::error_code ec;
        auto peer = lowest().socket().remote_endpoint(ec);
        if (!ec) {
            m_remote = peer.address().to_string();
        }
    }
    ~Session() override { --m_shared.sessions; }

    void start() {
        if constexpr (k_tls<Stream>) {
            lowest().expires_after(m_shared.options.request_timeout);
            m_stream.async_handshake(ssl::stream_base::server,
                                     [self = this->shared_from_this()](beast::error_code ec) {
                                         if (ec) {
                                             return self->close();
                                         }
                                         self->wait_for_request();
                                     });
        } else {
            net::dispatch(m_stream.get_executor(),
                          [self = this->shared_from_this()] { self->wait_for_request(); });
        }
    }

    void stop() override {
        net::post(m_stream.get_executor(), [self = this->shared_from_this()] {
            if (self->m_idle) {
                self->close();
            }
        });
    }

  private:
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(m_stream); }

    // An idle connection may wait idle_timeout for its next request; once a
    // byte of it arrives, the whole request must come within request_timeout.
    void wait_for_request() {
        if (m_shared.stopping) {
            return close();
        }
        if (m_buffer.size() > 0) {
            return read_header();
        }
        m_idle = true;
        lowest().expires_after(m_shared.options.idle_timeout);
        m_stream.async_read_some(m_buffer.prepare(k_read_chunk),
                                 [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                                     self->m_idle = false;
                                     if (ec) {
                                         return self->close();
                                     }
                                     self->m_buffer.commit(n);
                                     self->read_header();
                                 });
    }

    void read_header() {
        m_parser.emplace();
        m_parser->header_limit(static_cast<std::uint32_t>(m_shared.options.header_limit));
        m_parser->body_limit(m_shared.options.body_limit);
        lowest().expires_after(m_shared.options.request_timeout);
        http::async_read_header(m_stream, m_buffer, *m_parser,
                                [self = this->shared_from_this()](beast::error_code ec, size_t) {
                                    self->on_header(ec);
                                });
    }

    void on_header(beast::error_code ec) {
        if (ec) {
            return on_read_error(ec);
        }
        const auto& head = m_parser->get();
        if (beast::iequals(head[http::field::expect], "100-continue") && !m_parser->is_done()) {
            // curl sends this for bodies over 1 KiB and waits a second without it.
            auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                           head.version());
            http::async_write(m_stream, *cont,
                              [self = this->shared_from_this(), cont](beast::error_code e, size_t) {
                                  if (e) {
                                      return self->close();
                                  }
                                  self->read_body();
                              });
            return;
        }
        read_body();
    }

    void read_body() {
        // The body usually arrives with the header: parse what is buffered
        // first, and read from the socket only for what is missing.
        if (!m_parser->is_done() && m_buffer.size() > 0) {
            beast::error_code ec;
            size_t used = m_parser->put(m_buffer.data(), ec);
            m_buffer.consume(used);
            if (ec && ec != http::error::need_more) {
                return on_read_error(ec);
            }
        }
        if (m_parser->is_done()) {
            return on_request();
        }
        http::async_read(m_stream, m_buffer, *m_parser,
                         [self = this->shared_from_this()](beast::error_code ec, size_t) {
                             if (ec) {
                                 return self->on_read_error(ec);
                             }
                             self->on_request();
                         });
    }

    void on_read_error(beast::error_code ec) {
        if (ec == http::error::header_limit) {
            return reply_and_close(431, "request_header_fields_too_large",
                                   fmt::format("the request's header is over {} bytes",
                                               m_shared.options.header_limit));
        }
        if (ec == http::error::body_limit) {
            return reply_and_close(
                413, "payload_too_large",
                fmt::format("the request's body is over {} bytes", m_shared.options.body_limit));
        }
        if (ec.category() == beast::error_code(http::error::end_of_stream).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message) {
            return reply_and_close(400, "invalid_request",
                                   fmt::format("malformed HTTP request: {}", ec.message()));
        }
        close();  // the peer left, or the request timed out
    }

    // What the connection layer answers itself, as the router answers: a
    // trace id in the body and the header and an access-log line (without
    // method and path: the request was not read whole), never cached.
    Response own_answer(int status, std::string_view error, std::string_view description) {
        std::string trace_id = new_trace_id();
        Request unread;
        unread.trace_id = trace_id;
        unread.remote = m_remote;
        log_access(m_shared.services, unread, "", status, 0);
        Response r =
            json_response(status, nlohmann::ordered_json{{"error", error},
                                                         {"error_description", description},
                                                         {"trace_id", trace_id}});
        add_security_headers(r);
        r.headers.emplace_back("X-Trace-Id", std::move(trace_id));
        r.headers.emplace_back("Cache-Control", "no-store");
        return r;
    }

    void reply_and_close(int status, const std::string& error, const std::string& description) {
        write(own_answer(status, error, description), 11, false, false);
    }

    void on_request() {
        auto req = m_parser->release();
        unsigned version = req.version();
        bool head = req.method() == http::verb::head;
        bool keep_alive = req.keep_alive() && !m_shared.stopping;
        Response r;
        try {
            Request request = to_request(std::move(req));
            request.remote = m_remote;
            r = serve(std::move(request), m_shared.services);
        } catch (...) {
            // serve() answers every handler's failure itself; this is for
            // what is left (out of memory, say): the connection, and the
            // server, go on.
            r = own_answer(500, "server_error", "the server failed");
            m_shared.services.report_error(fmt::format(
                "trace_id {}: a request failed outside its handler", *r.header("X-Trace-Id")));
            keep_alive = false;
        }
        write(std::move(r), version, keep_alive, head);
    }

    void write(Response r, unsigned version, bool keep_alive, bool head) {
        // One string, one buffer: Beast's serializer walked a chain of
        // buffer views per request for what is a few lines of text.
        auto text = std::make_shared<std::string>(wire_format(r, version, keep_alive, head));
        lowest().expires_after(m_shared.options.request_timeout);
        net::async_write(
            m_stream, net::buffer(*text),
            [self = this->shared_from_this(), text, keep_alive](beast::error_code ec, size_t) {
                if (ec || !keep_alive) {
                    return self->close();
                }
                self->wait_for_request();
            });
    }

    void close() {
        beast::error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().close();
    }

    Shared& m_shared;
    std::shared_ptr<ssl::context> m_context;
    Stream m_stream;
    std::string m_remote;  // the peer's address: for the access and audit logs
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    bool m_idle = false;
};

}  // namespace

ListenAddress split_listen(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        fail(ErrorKind::invalid_input,
             fmt::format("\"{}\" is not ADDRESS:PORT, e.g. 127.0.0.1:8080", text));
    }
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    std::string port_text = text.substr(colon + 1);
    int port = -1;
    if (!port_text.empty() && port_text.size() <= 5 &&
        port_text.find_first_not_of("0123456789") == std::string::npos) {
        port = std::stoi(port_text);
    }
    if (port < 0 || port > 65535) {
        fail(ErrorKind::invalid_input,
             fmt::format("\"{}\": bad port \"{}\" (0 to 65535)", text, port_text));
    }
    return {host, static_cast<unsigned short>(port)};
}

namespace {

// "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:0", "localhost:8080".
tcp::endpoint parse_listen(const std::string& text, net::io_context& ioc) {
    auto [host, port] = split_listen(text);
    std::string port_text = std::to_string(port);
    beast::error_code ec;
    auto address = net::ip::make_address(host, ec);
    if (!ec) {
        return tcp::endpoint(address, port);
    }
    // A host name: its first IPv4 address, else its first (for "localhost",
    // 127.0.0.1, which clients of "localhost" try too).
    tcp::resolver resolver(ioc);
    auto found = resolver.resolve(host, port_text, ec);
    if (ec || found.empty()) {
        fail(ErrorKind::invalid_input,
             fmt::format("--listen \"{}\": cannot resolve \"{}\" ({}); give an IP address and "
                         "port, e.g. 127.0.0.1:8080 or [::1]:8080",
                         text, host, ec ? ec.message() : "no address"));
    }
    for (const auto& entry : found) {
        if (entry.endpoint().address().is_v4()) {
            return entry.endpoint();
        }
    }
    return found.begin()->endpoint();
}

std::shared_ptr<ssl::context> tls_context(const ListenOptions& o) {
    if (!o.tls_cert && !o.tls_key) {
        return nullptr;
    }
    if (!o.tls_cert || !o.tls_key) {
        fail(ErrorKind::invalid_input, "TLS needs both --tls-cert and --tls-key");
    }
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    // Read as every other input file is: regular files only, within a cap.
    std::string cert = core::util::read_file(*o.tls_cert);
    std::string key = core::util::read_file(*o.tls_key);
    beast::error_code ec;
    ctx->use_certificate_chain(net::buffer(cert), ec);
    if (ec) {
        fail(ErrorKind::failure, fmt::format("cannot load TLS certificate \"{}\": {}",
                                             o.tls_cert->string(), ec.message()));
    }
    ctx->use_private_key(net::buffer(key), ssl::context::pem, ec);
    if (ec) {
        fail(ErrorKind::failure,
             fmt::format("cannot load TLS key \"{}\": {}", o.tls_key->string(), ec.message()));
    }
    // OpenSSL compares a key with the certificate only when both are of one
    // algorithm: an EC key with an RSA certificate loads, and then every
    // handshake fails. Refused here, at start and on a reload.
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
        fail(ErrorKind::failure,
             fmt::format("the TLS key \"{}\" is not the key of the certificate \"{}\"",
                         o.tls_key->string(), o.tls_cert->string()));
    }
    return ctx;
}

// Opens, binds and listens on the --listen address: a taken address is
// unavailable (another server holds it, maybe for now), anything else a
// failure naming the address.
void open_acceptor(tcp::acceptor& acceptor, const std::string& listen, net::io_context& ioc) {
    auto endpoint = parse_listen(listen, ioc);
    beast::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(net::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(net::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        fail(ec == net::error::address_in_use ? ErrorKind::unavailable : ErrorKind::failure,
             fmt::format("cannot listen on {}: {}", listen, ec.message()));
    }
}

// Each connection is a file descriptor: allow as many as the hard limit.
void raise_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

class Server {
  public:
    Server(const ListenOptions& options, Services& services)
        : m_shared{options, services, {}, {}},
          m_threads(options.threads > 0 ? options.threads
                                        : std::max(1u, std::thread::hardware_concurrency())),
          m_ioc(static_cast<int>(m_threads)),
          m_acceptor(m_ioc),
          m_signals(m_ioc, SIGINT, SIGTERM),
          m_reload_signal(m_ioc, SIGHUP),
          m_accept_pause(m_ioc),
          m_tls(tls_context(options)) {
        raise_file_limit();
        open_acceptor(m_acceptor, options.listen, m_ioc);
    }

    std::string url() const {
        auto ep = m_acceptor.local_endpoint();
        std::string host =
            ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
        return fmt::format("{}://{}:{}", m_tls ? "https" : "http", host, ep.port());
    }

    void run() {
        accept();
        m_signals.async_wait([this](beast::error_code ec, int) {
            if (!ec) {
                begin_stop();
            }
        });
        wait_for_reload();
        // Flushing the token memory to disk (an msync) and checking the log
        // files run beside the workers: on a worker, a flush held up every
        // request of that thread for milliseconds, once a second.
        std::jthread housekeeping([this](std::stop_token stop) { keep_house(stop); });
        std::vector<std::thread> workers;
        for (unsigned i = 1; i < m_threads; ++i) {
            workers.emplace_back([this] { run_io(); });
        }
        run_io();
        for (auto& t : workers) {
            t.join();
        }
        housekeeping.request_stop();
        housekeeping.join();
        m_shared.services.memory.flush();
    }

  private:
    // An exception that escapes a completion handler leaves run(); it is
    // reported and the thread goes back to work, so that no request, whatever
    // it does, ends the server.
    void run_io() {
        for (;;) {
            try {
                m_ioc.run();
                return;
            } catch (const std::exception& e) {
                m_shared.services.report_error(
                    fmt::format("a connection's handler failed: {}", e.what()));
            } catch (...) {
                m_shared.services.report_error("a connection's handler failed");
            }
        }
    }

    void accept() {
        // A connection's handlers must not run at once on two threads: a
        // strand per connection sees to it. With one thread there is
        // nothing to order, and the strand's type-erased executor cost ~2%
        // of a request.
        net::any_io_executor executor = m_ioc.get_executor();
        if (m_threads > 1) {
            executor = net::make_strand(m_ioc);
        }
        m_acceptor.async_accept(executor, [this](beast::error_code ec, tcp::socket socket) {
            if (m_shared.stopping || !m_acceptor.is_open()) {
                return;
            }
            if (ec) {
                // Out of file descriptors, say: try again a
                // little later rather than spin.
                m_accept_pause.expires_after(std::chrono::milliseconds(50));
                m_accept_pause.async_wait([this](beast::error_code) { accept(); });
                return;
            }
            // Accepting goes on whatever one connection's start does (out of
            // memory, a TLS stream that cannot be made).
            accept();
            try {
                start_session(std::move(socket));
            } catch (const std::exception& e) {
                m_shared.services.report_error(
                    fmt::format("a connection could not be started: {}", e.what()));
            }
        });
    }

    // SIGHUP (systemctl reload): the TLS certificate and key are read again
    // for the connections that come next; those open keep the context they
    // began with. A pair that cannot be loaded leaves the old one in use.
    void wait_for_reload() {
        m_reload_signal.async_wait([this](beast::error_code ec, int) {
            if (ec) {
                return;
            }
            if (!m_shared.options.tls_cert) {
                m_shared.services.report_error("SIGHUP: no TLS certificate to reload");
            } else {
                try {
                    auto context = tls_context(m_shared.options);
                    std::lock_guard lock(m_tls_mutex);
                    m_tls = std::move(context);
                    m_shared.services.report_error(
                        fmt::format("SIGHUP: reloaded the TLS certificate \"{}\" and key",
                                    m_shared.options.tls_cert->string()));
                } catch (const std::exception& e) {
                    m_shared.services.report_error(fmt::format(
                        "SIGHUP: kept the TLS certificate in use, the new one failed: {}",
                        e.what()));
                }
            }
            wait_for_reload();
        });
    }

    std::shared_ptr<ssl::context> tls() {
        std::lock_guard lock(m_tls_mutex);
        return m_tls;
    }

    void start_session(tcp::socket socket) {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        if (auto context = tls()) {
            auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
                m_shared, context, std::move(socket), *context);
            m_sessions.add(s);
            s->start();
        } else {
            auto s =
                std::make_shared<Session<beast::tcp_stream>>(m_shared, nullptr, std::move(socket));
            m_sessions.add(s);
            s->start();
        }
    }

    void keep_house(const std::stop_token& stop) {
        std::mutex mutex;
        std::condition_variable_any wake;
        std::unique_lock lock(mutex);
        while (!wake.wait_for(lock, stop, m_shared.options.flush_interval,
                              [&] { return stop.stop_requested(); })) {
            // Nothing may escape this thread: that would end the process.
            try {
                m_shared.services.memory.flush();
                m_shared.services.purge_expired();
                m_shared.services.reopen_moved_logs();
            } catch (const std::exception& e) {
                m_shared.services.report_error(e.what());
            }
        }
    }

    void begin_stop() {
        m_shared.stopping = true;
        beast::error_code ignored;
        m_acceptor.close(ignored);
        m_accept_pause.cancel();
        m_reload_signal.cancel();
        m_sessions.stop_all();
        m_deadline = std::chrono::steady_clock::now() + m_shared.options.shutdown_grace;
        auto timer = std::make_shared<net::steady_timer>(m_ioc);
        poll_stopped(timer);
    }

    // Ends the run once every session is gone, or at the deadline.
    void poll_stopped(const std::shared_ptr<net::steady_timer>& timer) {
        if (m_shared.sessions == 0 || std::chrono::steady_clock::now() >= m_deadline) {
            m_ioc.stop();
            return;
        }
        timer->expires_after(std::chrono::milliseconds(20));
        timer->async_wait([this, timer](beast::error_code) { poll_stopped(timer); });
    }

    Shared m_shared;
    unsigned m_threads;
    net::io_context m_ioc;
    tcp::acceptor m_acceptor;
    net::signal_set m_signals;
    net::signal_set m_reload_signal;
    net::steady_timer m_accept_pause;
    std::mutex m_tls_mutex;
    std::shared_ptr<ssl::context> m_tls;
    SessionList m_sessions;
    std::chrono::steady_clock::time_point m_deadline;
};

}  // namespace

void check_tls(const ListenOptions& options) {
    (void)tls_context(options);
}

void check_listen(const ListenOptions& options) {
    net::io_context ioc;
    tcp::acceptor acceptor(ioc);
    open_acceptor(acceptor, options.listen, ioc);
}

void run_server(const ListenOptions& options, Services& services,
                const std::function<void(const std::string& url)>& on_ready) {
    Server server(options, services);
    if (on_ready) {
        on_ready(server.url());
    }
    server.run();
}

}  // namespace mpctl::server
