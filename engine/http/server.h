// The HTTP/1.1 server of the daemon's APIs, on Boost.Beast, running on the caller's io_context
// (any number of threads may run it: each connection is serialised on its own strand).
//
//   http::Router router;
//   router.Handle("GET", "/api/v2/status", [&](const http::Request&) { ... });
//   auto server = http::Server::Start(io, options, std::move(router));
//   if (!server.ok()) ...;                 // "listen tcp 127.0.0.1:9093: address in use"
//   ...
//   (*server)->Stop(5 * kSecond, [] { /* every connection is closed */ });
//
// What it guarantees: request heads and bodies are bounded (431 / 413), a request must arrive
// whole within read_timeout and a response leave within write_timeout (slow or stalled clients
// are disconnected), idle keep-alive connections are closed after idle_timeout, malformed
// requests get 400 and the connection is closed; nothing a client sends can crash the server.
// GET and HEAD /-/healthy and /-/ready are built in (a router may override them). With
// basic_auth_users set, every route needs valid credentials (bcrypt hashes, checked off the
// io_context thread and cached); with tls set, connections are TLS only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/http/router.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace boost::asio {
class io_context;
}

namespace tocsin::http {

struct TlsOptions {
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  // When set, clients must present a certificate signed by one of these CAs.
  std::string client_ca_file;
  std::string min_version = "TLS12";  // "TLS12" or "TLS13", as Prometheus's web config
};

struct ServerOptions {
  // host:port; port 0 picks a free port (see Server::port()). "[::1]:9093" for IPv6.
  std::string listen_address = "127.0.0.1:9093";
  size_t header_limit = 64 * 1024;          // request line + headers
  size_t body_limit = 8 * 1024 * 1024;      // request body
  DurationMs read_timeout = 30 * kSecond;   // from a request's first byte to its last
  DurationMs write_timeout = 30 * kSecond;  // one response
  DurationMs idle_timeout = 5 * kMinute;    // between requests on a keep-alive connection
  size_t max_connections = 512;             // beyond it new connections are closed at once
  // user -> bcrypt hash ($2a$, $2b$, $2y$), as basic_auth_users in Prometheus's web config.
  std::map<std::string, std::string> basic_auth_users;
  std::optional<TlsOptions> tls;
  // /-/ready answers 200 while this returns true (default: always), else 503.
  std::function<bool()> ready;
  std::string name = "tocsin";  // in the health texts: "tocsin is Healthy."
};

class Server {
 public:
  // Binds and starts accepting. Fails with a message naming the address, or the TLS file that
  // could not be loaded.
  static Result<std::unique_ptr<Server>> Start(boost::asio::io_context& io, ServerOptions options,
                                               Router router);
  // Closes the listener and every connection at once. The io_context must keep running until
  // that is done (a run() that returns once it has no more work): connections hold sockets of
  // the io_context and must not outlive it.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const;
  std::string address() const;  // "127.0.0.1:41235"

  // Graceful stop: stops accepting, closes idle connections, lets requests in flight finish
  // (their connections close after the response) until `deadline`, then closes the rest.
  // `on_stopped` runs on the io_context once no connection is left.
  void Stop(DurationMs deadline, std::function<void()> on_stopped = {});
  size_t open_connections() const;

  struct Core;  // shared with the connections (internal)

 private:
  explicit Server(std::shared_ptr<Core> core) : core_(std::move(core)) {}
  std::shared_ptr<Core> core_;
};

}  // namespace tocsin::http
