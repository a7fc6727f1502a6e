// The server's machinery: the listener, and one Connection per accepted socket (plain TCP or
// TLS) that reads requests with Beast's parser under the size limits and deadlines, dispatches
// them through the Router, and writes responses. Everything Beast stays in this file.
#include "engine/http/server.h"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <map>
#include <mutex>

#include "engine/http/basic_auth.h"

namespace tocsin::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

std::chrono::milliseconds Ms(DurationMs d) {
  return std::chrono::milliseconds(d);
}

// The connection's view of the server, so that connections need not know Server::Core's layout.
class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Graceful: close if idle, else close after the response in flight. Forced: close now.
  virtual void Shutdown(bool force) = 0;
};

}  // namespace

struct Server::Core : std::enable_shared_from_this<Server::Core> {
  Core(net::io_context& io, ServerOptions opts, Router r, std::shared_ptr<BasicAuth> a)
      : io(io),
        options(std::move(opts)),
        router(std::move(r)),
        auth(std::move(a)),
        acceptor(net::make_strand(io)) {}
  ~Core() { auth_pool.join(); }

  net::io_context& io;
  const ServerOptions options;
  const Router router;
  const std::shared_ptr<BasicAuth> auth;  // null when authentication is off
  std::unique_ptr<net::ssl::context> ssl;
  tcp::acceptor acceptor;
  tcp::endpoint local;
  // bcrypt runs here, never on the io_context.
  net::thread_pool auth_pool{1};

  std::mutex mu;
  std::map<ConnectionBase*, std::weak_ptr<ConnectionBase>> connections;
  bool stopping = false;
  std::function<void()> on_stopped;
  std::unique_ptr<net::steady_timer> deadline;

  void Accept();
  void Register(const std::shared_ptr<ConnectionBase>& c) {
    std::lock_guard lock(mu);
    connections[c.get()] = c;
  }
  void Unregister(ConnectionBase* c) {
    std::function<void()> done;
    {
      std::lock_guard lock(mu);
      connections.erase(c);
      if (stopping && connections.empty() && on_stopped) done = std::move(on_stopped);
    }
    if (done) net::post(io, std::move(done));
  }
  std::vector<std::shared_ptr<ConnectionBase>> Live() {
    std::lock_guard lock(mu);
    std::vector<std::shared_ptr<ConnectionBase>> out;
    for (auto& [p, w] : connections) {
      if (auto s = w.lock()) out.push_back(std::move(s));
    }
    return out;
  }
  bool is_stopping() {
    std::lock_guard lock(mu);
    return stopping;
  }
};

namespace {

Response BuiltinNotFound() {
  return Response::Error(404, "404 page not found");
}

template <typename Stream>
class Connection : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(std::shared_ptr<Server::Core> core, Stream stream)
      : core_(std::move(core)), stream_(std::move(stream)) {
    boost::system::error_code ec;
    const tcp::endpoint remote = Socket().remote_endpoint(ec);
    if (!ec) {
      remote_ = remote.address().is_v6() ? "[" + remote.address().to_string() + "]"
                                         : remote.address().to_string();
      remote_ += ":" + std::to_string(remote.port());
    }
  }
  ~Connection() override { core_->Unregister(this); }

  void Start() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(Ms(core_->options.read_timeout));
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Close();
                                self->WaitForRequest();
                              });
    } else {
      WaitForRequest();
    }
  }

  void Shutdown(bool force) override {
    net::post(stream_.get_executor(), [self = this->shared_from_this(), force] {
      self->closing_ = true;
      if (force || self->idle_) self->Close();
    });
  }

  void Send(Response response) {
    net::post(stream_.get_executor(),
              [self = this->shared_from_this(), r = std::move(response)]() mutable {
                self->Write(std::move(r));
              });
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  tcp::socket& Socket() { return beast::get_lowest_layer(stream_).socket(); }

  // Between requests: read the next request's first bytes under idle_timeout, into the buffer
  // the parser reads from, so that the read_timeout of a request starts when the request does.
  // (Waiting for the raw socket to become readable would not do: with TLS, the request may
  // already sit decrypted or buffered inside the TLS layer.)
  void WaitForRequest() {
    idle_ = true;
    if (closing_) return Close();
    if (buffer_.size() > 0) return ReadRequest();
    beast::get_lowest_layer(stream_).expires_after(Ms(core_->options.idle_timeout));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->Close();
                              self->buffer_.commit(n);
                              self->ReadRequest();
                            });
  }

  void ReadRequest() {
    idle_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(core_->options.header_limit));
    parser_->body_limit(core_->options.body_limit);
    beast::get_lowest_layer(stream_).expires_after(Ms(core_->options.read_timeout));
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) return Reject(413, "413 Request Entity Too Large");
    if (ec == bhttp::error::header_limit) {
      return Reject(431, "431 Request Header Fields Too Large");
    }
    const auto& parse_errors = bhttp::make_error_code(bhttp::error::bad_target).category();
    if (ec && ec.category() == parse_errors && ec != bhttp::error::end_of_stream &&
        ec != bhttp::error::partial_message) {
      return Reject(400, "400 Bad Request");  // malformed
    }
    if (ec) return Close();  // closed, reset, timed out (a slow client): nothing to answer
    bhttp::request<bhttp::string_body> msg = parser_->release();
    keep_alive_ = msg.keep_alive();
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& field : msg) {
      req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.remote_address = remote_;
    head_ = msg.method() == bhttp::verb::head;
    const size_t q = req.target.find('?');
    const std::string raw_path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    auto path = PercentDecode(raw_path, false);
    if (!raw_path.starts_with('/') || !path.ok()) return Reject(400, "400 Bad Request");
    req.path = std::move(*path);
    Authenticate(std::move(req), raw_path);
  }

  void Authenticate(Request req, std::string raw_path) {
    const std::shared_ptr<BasicAuth>& auth = core_->auth;
    if (!auth) return Dispatch(std::move(req), raw_path);
    auto credentials = BasicAuth::ParseHeader(req.header("Authorization"));
    if (!credentials) return Write(Unauthorized());
    if (auto verdict = auth->Cached(credentials->first, credentials->second)) {
      if (!*verdict) return Write(Unauthorized());
      req.user = credentials->first;
      return Dispatch(std::move(req), raw_path);
    }
    // bcrypt takes tens of milliseconds: run it on the server's auth thread, then come back.
    // The strong reference travels into the completion posted back to the io_context, so the
    // auth thread never holds the last one (whose release would tear the server down there).
    net::post(
        core_->auth_pool, [auth, self = this->shared_from_this(), req = std::move(req),
                           raw_path = std::move(raw_path), c = std::move(*credentials)]() mutable {
          const bool ok = auth->Verify(c.first, c.second);
          auto exec = self->stream_.get_executor();
          net::post(exec, [self = std::move(self), ok, req = std::move(req),
                           raw_path = std::move(raw_path), user = std::move(c.first)]() mutable {
            if (!ok) return self->Write(Unauthorized());
            req.user = std::move(user);
            self->Dispatch(std::move(req), raw_path);
          });
        });
  }

  static Response Unauthorized() {
    Response r = Response::Error(401, "Unauthorized");
    r.Header("WWW-Authenticate", "Basic");
    return r;
  }

  void Dispatch(Request req, const std::string& raw_path) {
    Router::Match m = core_->router.Find(req.method, raw_path);
    if (m.bad_path) return Write(Response::Error(400, "400 Bad Request"));
    if (m.handler == nullptr) {
      if (m.unmatched != nullptr) return Write((*m.unmatched)(req.method, raw_path, m.allowed));
      if (!m.allow.empty()) {
        Response r = Response::Error(405, "Method Not Allowed");
        r.Header("Allow", m.allow);
        return Write(std::move(r));
      }
      return Write(BuiltinNotFound());
    }
    req.path_params = std::move(m.params);
    struct State : Responder::State {
      std::shared_ptr<Connection> conn;
      std::atomic<bool> sent{false};
      explicit State(std::shared_ptr<Connection> c) : conn(std::move(c)) {}
      ~State() override {
        if (!sent.load()) conn->Send(Response::Error(500, "Internal Server Error"));
      }
      // Lets the connection go once answered, even if the handler keeps its Responder.
      void Send(Response r) override {
        if (sent.exchange(true)) return;
        auto c = std::move(conn);
        c->Send(std::move(r));
      }
    };
    auto state = std::make_shared<State>(this->shared_from_this());
    try {
      (*m.handler)(std::move(req), Responder(state));
    } catch (const std::exception& e) {
      state->Send(Response::Error(500, std::string("Internal Server Error: ") + e.what()));
    } catch (...) {
      state->Send(Response::Error(500, "Internal Server Error"));
    }
  }

  // A request the server refuses before any handler: answer and close.
  void Reject(int status, std::string_view text) {
    keep_alive_ = false;
    head_ = false;
    Write(Response::Error(status, text));
  }

  void Write(Response r) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(r.status));
    for (auto& [name, value] : r.headers) res->insert(name, value);
    const bool keep = keep_alive_ && !closing_ && !core_->is_stopping();
    res->keep_alive(keep);
    if (head_) {
      res->content_length(r.body.size());  // what a GET would have sent, without the body
    } else {
      res->body() = std::move(r.body);
      res->prepare_payload();
    }
    beast::get_lowest_layer(stream_).expires_after(Ms(core_->options.write_timeout));
    bhttp::async_write(stream_, *res,
                       [self = this->shared_from_this(), res, keep](beast::error_code ec, size_t) {
                         if (ec || !keep) return self->Close();
                         self->WaitForRequest();
                       });
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    core_->Unregister(this);  // a closed connection no longer holds up a graceful stop
    beast::error_code ec;
    if constexpr (kTls) {
      if (idle_) {  // a read is pending: no close_notify exchange, just close
        Socket().close(ec);
        return;
      }
      // A bounded close_notify; the socket closes when it completes or times out.
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->Socket().close(ignored);
      });
      return;
    }
    Socket().shutdown(tcp::socket::shutdown_both, ec);
    Socket().close(ec);
  }

  std::shared_ptr<Server::Core> core_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_;
  bool keep_alive_ = false;
  bool head_ = false;
  bool idle_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

using PlainConnection = Connection<beast::tcp_stream>;
using TlsConnection = Connection<beast::ssl_stream<beast::tcp_stream>>;

Result<tcp::endpoint> ResolveListenAddress(net::io_context& io, const std::string& address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return Error{"listen address \"" + address + "\": missing port (host:port)"};
  }
  std::string host = address.substr(0, colon);
  const std::string port_text = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos ||
      (port = static_cast<unsigned>(std::stoul(port_text))) > 65535) {
    return Error{"listen address \"" + address + "\": invalid port"};
  }
  if (host.empty()) return tcp::endpoint(tcp::v4(), static_cast<uint16_t>(port));
  boost::system::error_code ec;
  const auto ip = net::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(ip, static_cast<uint16_t>(port));
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host, port_text, ec);
  if (ec || results.empty()) {
    return Error{"listen address \"" + address + "\": cannot resolve " + host + ": " +
                 ec.message()};
  }
  return results.begin()->endpoint();
}

Status ConfigureTls(net::ssl::context& ctx, const TlsOptions& tls) {
  ctx.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                  net::ssl::context::no_sslv3 | net::ssl::context::single_dh_use);
  int min_version = TLS1_2_VERSION;
  if (tls.min_version == "TLS13") {
    min_version = TLS1_3_VERSION;
  } else if (!tls.min_version.empty() && tls.min_version != "TLS12") {
    return Error{"tls min_version \"" + tls.min_version + "\": expected TLS12 or TLS13"};
  }
  SSL_CTX_set_min_proto_version(ctx.native_handle(), min_version);
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(tls.cert_file, ec);
  if (ec) return Error{"tls cert_file \"" + tls.cert_file + "\": " + ec.message()};
  ctx.use_private_key_file(tls.key_file, net::ssl::context::pem, ec);
  if (ec) return Error{"tls key_file \"" + tls.key_file + "\": " + ec.message()};
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return Error{"tls key_file \"" + tls.key_file + "\" does not match cert_file \"" +
                 tls.cert_file + "\""};
  }
  if (!tls.client_ca_file.empty()) {
    ctx.load_verify_file(tls.client_ca_file, ec);
    if (ec) return Error{"tls client_ca_file \"" + tls.client_ca_file + "\": " + ec.message()};
    ctx.set_verify_mode(net::ssl::verify_peer | net::ssl::verify_fail_if_no_peer_cert);
  }
  return Status::Ok();
}

}  // namespace

void Server::Core::Accept() {
  acceptor.async_accept(
      net::make_strand(io), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !self->acceptor.is_open()) return;
        if (!ec) {
          size_t open;
          {
            std::lock_guard lock(self->mu);
            open = self->connections.size();
          }
          if (self->is_stopping() || open >= self->options.max_connections) {
            beast::error_code ignored;
            socket.close(ignored);
          } else if (self->ssl) {
            auto c = std::make_shared<TlsConnection>(
                self, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)),
                                                           *self->ssl));
            self->Register(c);
            c->Start();
          } else {
            auto c = std::make_shared<PlainConnection>(self, beast::tcp_stream(std::move(socket)));
            self->Register(c);
            c->Start();
          }
        }
        self->Accept();
      });
}

Result<std::unique_ptr<Server>> Server::Start(net::io_context& io, ServerOptions options,
                                              Router router) {
  std::shared_ptr<BasicAuth> auth;
  if (!options.basic_auth_users.empty()) {
    auto made = BasicAuth::Make(options.basic_auth_users);
    if (!made.ok()) return made.error();
    auth = std::make_shared<BasicAuth>(std::move(*made));
  }
  auto endpoint = ResolveListenAddress(io, options.listen_address);
  if (!endpoint.ok()) return endpoint.error();

  // The health endpoints, unless the caller routes them itself.
  const std::string name = options.name;
  if (!router.HasRoute("GET", "/-/healthy")) {
    router.Handle("GET", "/-/healthy",
                  [name](const Request&) { return Response::Text(200, name + " is Healthy.\n"); });
  }
  if (!router.HasRoute("GET", "/-/ready")) {
    router.Handle("GET", "/-/ready", [name, ready = options.ready](const Request&) {
      if (ready && !ready()) return Response::Error(503, "Service Unavailable");
      return Response::Text(200, name + " is Ready.\n");
    });
  }

  auto core = std::make_shared<Core>(io, std::move(options), std::move(router), std::move(auth));
  if (core->options.tls) {
    core->ssl = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    Status s = ConfigureTls(*core->ssl, *core->options.tls);
    if (!s.ok()) return Error{s.message()};
  }
  const std::string where = "listen tcp " + core->options.listen_address + ": ";
  boost::system::error_code ec;
  core->acceptor.open(endpoint->protocol(), ec);
  if (!ec) core->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) core->acceptor.bind(*endpoint, ec);
  if (!ec) core->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Error{where + ec.message()};
  core->local = core->acceptor.local_endpoint(ec);
  core->Accept();
  return std::unique_ptr<Server>(new Server(core));
}

Server::~Server() {
  if (core_) Stop(0);
}

uint16_t Server::port() const {
  return core_->local.port();
}

std::string Server::address() const {
  const auto a = core_->local.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" +
         std::to_string(core_->local.port());
}

size_t Server::open_connections() const {
  std::lock_guard lock(core_->mu);
  return core_->connections.size();
}

void Server::Stop(DurationMs deadline, std::function<void()> on_stopped) {
  std::shared_ptr<Core> core = core_;
  bool none_left;
  {
    std::lock_guard lock(core->mu);
    const bool first = !core->stopping;
    core->stopping = true;
    if (on_stopped) core->on_stopped = std::move(on_stopped);
    none_left = core->connections.empty();
    if (!first && deadline > 0) return;
  }
  net::post(core->acceptor.get_executor(), [core] {
    beast::error_code ignored;
    core->acceptor.close(ignored);
  });
  for (auto& c : core->Live()) c->Shutdown(/*force=*/deadline <= 0);
  if (none_left) {
    std::function<void()> done;
    {
      std::lock_guard lock(core->mu);
      done = std::move(core->on_stopped);
      core->on_stopped = nullptr;
    }
    if (done) net::post(core->io, std::move(done));
    return;
  }
  if (deadline > 0) {
    auto timer = std::make_shared<net::steady_timer>(core->io, Ms(deadline));
    timer->async_wait([core, timer](beast::error_code) {
      for (auto& c : core->Live()) c->Shutdown(/*force=*/true);
    });
  }
}

}  // namespace tocsin::http
