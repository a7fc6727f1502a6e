// The server against real clients on loopback: libcurl for well-formed traffic, raw sockets for
// garbage, oversized and slow requests.
#include "engine/http/server.h"

#include <crypt.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <random>
#include <thread>

#include "engine/http/json.h"
#include "tests/engine/http/http_test_support.h"

namespace tocsin::http {
namespace {

using namespace std::chrono_literals;
using test::Fetch;
using test::Get;
using test::HttpCall;

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(Router router, ServerOptions options = {}) {
    options.listen_address = "127.0.0.1:0";
    auto s = Server::Start(io_.io(), std::move(options), std::move(router));
    ASSERT_TRUE(s.ok()) << s.message();
    server_ = std::move(*s);
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  ~ServerTest() override {
    // Destroy the server on the io thread's terms: stop, then let the io thread go.
    server_.reset();
  }

  test::IoThread io_;
  std::unique_ptr<Server> server_;
  std::string base_;
};

Router EchoRouter() {
  Router r;
  r.Handle("GET", "/echo/{word}", [](const Request& req) {
    return Response::Text(200, std::string(req.path_param("word")));
  });
  r.Handle("POST", "/form", [](const Request& req) {
    auto p = req.FormParams();
    if (!p.ok()) return Response::Error(400, p.message());
    return JsonResponse(200, {{"query", p->Get("query")}, {"all", p->GetAll("query")}});
  });
  r.Handle("GET", "/boom", [](const Request&) -> Response { throw std::runtime_error("kaboom"); });
  return r;
}

TEST_F(ServerTest, RoutesByMethodAndPath) {
  StartServer(EchoRouter());
  auto r = Get(base_ + "/echo/hello%20world");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello world");
  EXPECT_EQ(r.headers["content-type"], "text/plain; charset=utf-8");

  r = Get(base_ + "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "404 page not found\n");

  r = Fetch({.method = "DELETE", .url = base_ + "/echo/x"});
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET, HEAD");

  r = Get(base_ + "/boom");
  EXPECT_EQ(r.status, 500);
}

TEST_F(ServerTest, HeadSendsHeadersWithoutBody) {
  StartServer(EchoRouter());
  auto r = Fetch({.method = "HEAD", .url = base_ + "/echo/twelve-chars"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.headers["content-length"], "12");
}

TEST_F(ServerTest, ParsesFormBodiesBeforeQueryStrings) {
  StartServer(EchoRouter());
  auto r = Fetch({.method = "POST",
                  .url = base_ + "/form?query=b",
                  .body = "query=a%2B1&other=x",
                  .headers = {"Content-Type: application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/json");
  EXPECT_EQ(r.body, R"({"all":["a+1","b"],"query":"a+1"})");
  r = Fetch({.method = "POST",
             .url = base_ + "/form",
             .body = "query=%zz",
             .headers = {"Content-Type: application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "invalid URL escape \"%zz\"\n");
}

TEST_F(ServerTest, HealthAndReadinessAnswerGetAndHead) {
  std::atomic<bool> ready{false};
  ServerOptions options;
  options.ready = [&] { return ready.load(); };
  StartServer(Router(), options);
  auto r = Get(base_ + "/-/healthy");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "tocsin is Healthy.\n");
  EXPECT_EQ(Fetch({.method = "HEAD", .url = base_ + "/-/healthy"}).status, 200);
  EXPECT_EQ(Get(base_ + "/-/ready").status, 503);
  ready = true;
  r = Get(base_ + "/-/ready");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "tocsin is Ready.\n");
  EXPECT_EQ(Fetch({.method = "HEAD", .url = base_ + "/-/ready"}).status, 200);
}

TEST_F(ServerTest, KeepsConnectionsAlive) {
  StartServer(EchoRouter());
  test::HttpClient client;
  auto first = client.Do({.url = base_ + "/echo/a"});
  auto second = client.Do({.url = base_ + "/echo/b"});
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(second.body, "b");
  EXPECT_EQ(first.new_connections, 1);
  EXPECT_EQ(second.new_connections, 0);  // reused
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  StartServer(EchoRouter());
  auto reply = test::RawExchange(
      server_->port(),
      {"GET /echo/one HTTP/1.1\r\nHost: x\r\n\r\nGET /echo/two HTTP/1.1\r\nHost: x\r\n"
       "Connection: close\r\n\r\n"},
      0ms, 2000ms);
  EXPECT_TRUE(reply.closed);
  const size_t one = reply.data.find("\r\n\r\none");
  const size_t two = reply.data.find("\r\n\r\ntwo");
  EXPECT_NE(one, std::string::npos) << reply.data;
  EXPECT_NE(two, std::string::npos) << reply.data;
  EXPECT_LT(one, two);
}

TEST_F(ServerTest, LimitsBodiesAndHeaders) {
  ServerOptions options;
  options.body_limit = 1024;
  options.header_limit = 2048;
  StartServer(EchoRouter(), options);
  auto r = Fetch({.method = "POST",
                  .url = base_ + "/form",
                  .body = std::string(4096, 'a'),
                  .headers = {"Content-Type: application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 413);
  auto reply = test::RawExchange(
      server_->port(),
      {"GET /echo/a HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'b') + "\r\n\r\n"}, 0ms,
      2000ms);
  EXPECT_TRUE(reply.data.starts_with("HTTP/1.1 431 ")) << reply.data;
  EXPECT_TRUE(reply.closed);
  // The server is still serving.
  EXPECT_EQ(Get(base_ + "/echo/ok").body, "ok");
}

TEST_F(ServerTest, MalformedRequestsGet400AndTheConnectionCloses) {
  StartServer(EchoRouter());
  for (const char* bad :
       {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /echo/a HTTP/1.1\r\nNo colon\r\n\r\n",
        "GET echo HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n",
        "GET /echo/%zz HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    auto reply = test::RawExchange(server_->port(), {bad}, 0ms, 2000ms);
    EXPECT_TRUE(reply.data.starts_with("HTTP/1.1 400 ")) << bad << " -> " << reply.data;
    EXPECT_TRUE(reply.closed) << bad;
  }
}

TEST_F(ServerTest, SurvivesRandomBytes) {
  StartServer(EchoRouter());
  std::mt19937 rng(42);
  for (int i = 0; i < 60; ++i) {
    std::string junk(std::uniform_int_distribution<size_t>(1, 3000)(rng), '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    if (i % 3 == 0) junk = "GET /echo/x HTTP/1.1\r\n" + junk;  // a valid start, then noise
    test::RawExchange(server_->port(), {junk}, 0ms, 200ms);
  }
  EXPECT_EQ(Get(base_ + "/echo/alive").body, "alive");
}

TEST_F(ServerTest, SlowRequestsAreCutOffAtTheReadTimeout) {
  ServerOptions options;
  options.read_timeout = 300;
  StartServer(EchoRouter(), options);
  const auto start = std::chrono::steady_clock::now();
  // A slowloris client: one header line every 100ms, never finishing.
  std::vector<std::string> pieces = {"GET /echo/a HTTP/1.1\r\n"};
  for (int i = 0; i < 30; ++i) pieces.push_back("X-Drip-" + std::to_string(i) + ": 1\r\n");
  auto reply = test::RawExchange(server_->port(), pieces, 100ms, 3000ms);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(reply.closed);
  EXPECT_EQ(reply.data, "");
  EXPECT_LT(took, 2500ms);
  EXPECT_EQ(Get(base_ + "/echo/ok").body, "ok");
}

TEST_F(ServerTest, IdleKeepAliveConnectionsAreClosed) {
  ServerOptions options;
  options.idle_timeout = 200;
  StartServer(EchoRouter(), options);
  auto reply =
      test::RawExchange(server_->port(), {"GET /echo/a HTTP/1.1\r\nHost: x\r\n\r\n"}, 0ms, 3000ms);
  EXPECT_TRUE(reply.data.starts_with("HTTP/1.1 200 OK"));
  EXPECT_TRUE(reply.closed);  // by the server, well before the 3s wait
}

TEST_F(ServerTest, AsyncHandlersAnswerFromAnyThreadAndDroppedRespondersGive500) {
  Router r;
  r.HandleAsync("GET", "/later", [](Request, Responder respond) {
    std::thread([respond] {
      std::this_thread::sleep_for(50ms);
      respond(Response::Text(200, "later"));
    }).detach();
  });
  r.HandleAsync("GET", "/dropped", [](Request, Responder) {});
  StartServer(std::move(r));
  EXPECT_EQ(Get(base_ + "/later").body, "later");
  EXPECT_EQ(Get(base_ + "/dropped").status, 500);
}

TEST_F(ServerTest, GracefulStopFinishesRequestsInFlight) {
  std::promise<Responder> parked;
  Router r;
  r.HandleAsync("GET", "/slow", [&](Request, Responder respond) { parked.set_value(respond); });
  StartServer(std::move(r));
  auto in_flight = std::async(std::launch::async, [&] { return Get(base_ + "/slow"); });
  Responder respond = parked.get_future().get();  // the request is being handled

  std::promise<void> stopped;
  server_->Stop(5000, [&] { stopped.set_value(); });
  // New connections are no longer accepted...
  std::this_thread::sleep_for(50ms);
  auto refused = Fetch({.url = base_ + "/-/healthy", .timeout_ms = 1000});
  EXPECT_EQ(refused.status, 0);
  // ...but the request in flight gets its answer, then the server is done.
  respond(Response::Text(200, "done"));
  auto r2 = in_flight.get();
  EXPECT_EQ(r2.status, 200);
  EXPECT_EQ(r2.body, "done");
  EXPECT_EQ(r2.headers["connection"], "close");
  EXPECT_EQ(stopped.get_future().wait_for(2s), std::future_status::ready);
}

TEST_F(ServerTest, GracefulStopGivesUpAtTheDeadline) {
  std::promise<void> parked;
  std::shared_ptr<Responder> keep;
  Router r;
  r.HandleAsync("GET", "/never", [&](Request, Responder respond) {
    keep = std::make_shared<Responder>(respond);  // never answered
    parked.set_value();
  });
  StartServer(std::move(r));
  auto in_flight = std::async(std::launch::async, [&] { return Get(base_ + "/never"); });
  parked.get_future().get();
  std::promise<void> stopped;
  const auto start = std::chrono::steady_clock::now();
  server_->Stop(200, [&] { stopped.set_value(); });
  auto result = in_flight.get();
  EXPECT_EQ(result.status, 0);  // the connection was closed under it
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  keep.reset();  // the connection can now go
  EXPECT_EQ(stopped.get_future().wait_for(2s), std::future_status::ready);
}

TEST_F(ServerTest, ReportsBindFailures) {
  StartServer(Router());
  ServerOptions options;
  options.listen_address = "127.0.0.1:" + std::to_string(server_->port());
  auto again = Server::Start(io_.io(), options, Router());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.message().find("listen tcp 127.0.0.1:"), std::string::npos) << again.message();
  options.listen_address = "nowhere";
  EXPECT_FALSE(Server::Start(io_.io(), options, Router()).ok());
}

std::string Bcrypt(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  crypt_gensalt_rn("$2y$", 4, nullptr, 0, salt, sizeof salt);
  crypt_data data{};
  return crypt_r(password.c_str(), salt, &data);
}

TEST_F(ServerTest, BasicAuthGuardsEveryRoute) {
  ServerOptions options;
  options.basic_auth_users = {{"alice", Bcrypt("wonderland")}};
  Router r;
  r.Handle("GET", "/who", [](const Request& req) { return Response::Text(200, req.user); });
  StartServer(std::move(r), options);
  auto r1 = Get(base_ + "/who");
  EXPECT_EQ(r1.status, 401);
  EXPECT_EQ(r1.headers["www-authenticate"], "Basic");
  EXPECT_EQ(Fetch({.url = base_ + "/who", .user = "alice", .password = "nope"}).status, 401);
  EXPECT_EQ(Fetch({.url = base_ + "/who", .user = "eve", .password = "wonderland"}).status, 401);
  auto ok = Fetch({.url = base_ + "/who", .user = "alice", .password = "wonderland"});
  EXPECT_EQ(ok.status, 200) << ok.error;
  EXPECT_EQ(ok.body, "alice");
  // Cached the second time round.
  EXPECT_EQ(Fetch({.url = base_ + "/who", .user = "alice", .password = "wonderland"}).status, 200);
  EXPECT_EQ(Get(base_ + "/-/healthy").status, 401);
}

TEST_F(ServerTest, ServesTls) {
  const test::TlsFiles tls = test::MakeSelfSignedCert();
  ServerOptions options;
  options.tls = TlsOptions{.cert_file = tls.cert, .key_file = tls.key};
  StartServer(EchoRouter(), options);
  const std::string https = "https://localhost:" + std::to_string(server_->port());
  auto r = Fetch({.url = https + "/echo/secure", .ca_file = tls.cert});
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "secure");
  // Without trusting the certificate, the client refuses; plain HTTP gets nothing useful.
  EXPECT_EQ(Fetch({.url = https + "/echo/x"}).status, 0);
  EXPECT_NE(Get(base_ + "/echo/x").status, 200);
  auto again = Fetch({.url = https + "/echo/again", .ca_file = tls.cert});
  EXPECT_EQ(again.body, "again") << again.error;
  std::filesystem::remove_all(tls.dir);
}

TEST_F(ServerTest, TlsFilesThatDoNotLoadAreReported) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.tls =
      TlsOptions{.cert_file = "/nonexistent/cert.pem", .key_file = "/nonexistent/key.pem"};
  auto s = Server::Start(io_.io(), options, Router());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cert_file \"/nonexistent/cert.pem\""), std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace tocsin::http
