#include "tests/support/http_capture_server.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace tocsin::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string CapturedRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

struct HttpCaptureServer::Impl {
  // Declared before the io_context: its destructor destroys suspended sessions, which still
  // refer to these.
  std::optional<asio::ssl::context> ssl;
  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::vector<CapturedRequest> requests;
  std::deque<ScriptedResponse> script;
  ScriptedResponse fallback;
  size_t failed_handshakes = 0;

  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  uint16_t port = 0;
  std::thread thread;

  ScriptedResponse Record(CapturedRequest request) {
    std::lock_guard lock(mu);
    requests.push_back(std::move(request));
    cv.notify_all();
    if (script.empty()) return fallback;
    ScriptedResponse next = std::move(script.front());
    script.pop_front();
    return next;
  }

  template <typename Stream>
  asio::awaitable<void> Serve(Stream& stream) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
      http::request<http::string_body> req = parser.release();

      CapturedRequest captured;
      captured.method = std::string(req.method_string());
      captured.target = std::string(req.target());
      for (const auto& field : req) {
        captured.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      captured.body = req.body();
      ScriptedResponse answer = Record(std::move(captured));

      if (answer.delay.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor, answer.delay);
        co_await timer.async_wait(asio::use_awaitable);
      }
      if (answer.close_without_response) co_return;

      http::response<http::string_body> res{static_cast<http::status>(answer.status),
                                            req.version()};
      bool has_content_type = false;
      for (const auto& [name, value] : answer.headers) {
        res.set(name, value);
        if (beast::iequals(name, "Content-Type")) has_content_type = true;
      }
      if (!has_content_type) res.set(http::field::content_type, "text/plain; charset=utf-8");
      res.body() = answer.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      co_await http::async_write(stream, res, asio::use_awaitable);
      if (!res.keep_alive()) co_return;
    }
  }

  asio::awaitable<void> Session(tcp::socket socket) {
    try {
      if (ssl) {
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *ssl);
        try {
          co_await stream.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
        } catch (const std::exception&) {
          std::lock_guard lock(mu);
          ++failed_handshakes;
          co_return;
        }
        co_await Serve(stream);
      } else {
        beast::tcp_stream stream(std::move(socket));
        co_await Serve(stream);
      }
    } catch (const std::exception&) {
      // The client went away (or timed out and closed): nothing more to answer.
    }
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
      asio::co_spawn(ioc, Session(std::move(socket)), asio::detached);
    }
  }
};

HttpCaptureServer::HttpCaptureServer(std::optional<TlsServerFiles> tls)
    : impl_(std::make_unique<Impl>()) {
  if (tls) {
    impl_->ssl.emplace(asio::ssl::context::tls_server);
    impl_->ssl->use_certificate_chain_file(tls->cert_file);
    impl_->ssl->use_private_key_file(tls->key_file, asio::ssl::context::pem);
  }
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->ioc, impl_->Accept(), asio::detached);
  impl_->thread = std::thread([this] {
    try {
      impl_->ioc.run();
    } catch (const std::exception&) {
    }
  });
}

HttpCaptureServer::~HttpCaptureServer() {
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t HttpCaptureServer::port() const {
  return impl_->port;
}

std::string HttpCaptureServer::url(std::string_view path) const {
  return std::string(impl_->ssl ? "https" : "http") +
         "://127.0.0.1:" + std::to_string(impl_->port) + std::string(path);
}

void HttpCaptureServer::Script(std::vector<ScriptedResponse> responses) {
  std::lock_guard lock(impl_->mu);
  for (auto& r : responses) impl_->script.push_back(std::move(r));
}

void HttpCaptureServer::SetDefault(ScriptedResponse response) {
  std::lock_guard lock(impl_->mu);
  impl_->fallback = std::move(response);
}

std::vector<CapturedRequest> HttpCaptureServer::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests;
}

size_t HttpCaptureServer::request_count() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests.size();
}

bool HttpCaptureServer::WaitForRequests(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mu);
  return impl_->cv.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

size_t HttpCaptureServer::failed_handshakes() const {
  std::lock_guard lock(impl_->mu);
  return impl_->failed_handshakes;
}

}  // namespace tocsin::testing
