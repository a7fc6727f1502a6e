#include "notifiers/http_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "tests/support/http_capture_server.h"
#include "tests/support/test_certificates.h"

namespace tocsin::notifiers {
namespace {

using testing::HttpCaptureServer;
using testing::ScriptedResponse;
using testing::TestCertificate;
using namespace std::chrono_literals;

HttpRequest Post(std::string url, std::string body = R"({"a":1})") {
  HttpRequest r;
  r.url = std::move(url);
  r.headers = {{"Content-Type", "application/json"}};
  r.body = std::move(body);
  r.timeout = 5000ms;
  return r;
}

// A port nothing listens on: bound, then closed again.
uint16_t UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(HttpClientTest, PostsJsonWithHeadersAndAuthorization) {
  HttpCaptureServer server;
  server.SetDefault(ScriptedResponse::Status(200, "fine").Header("X-Reply", "yes"));
  HttpClient client("tocsin/test");
  HttpClientConfig config;
  config.authorization_credentials = "s3cret";
  HttpResponse r = client.Send(Post(server.url("/hook?x=1")), config);
  EXPECT_TRUE(r.has_response()) << r.transport_error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "fine");
  EXPECT_EQ(r.header("x-reply"), "yes");
  EXPECT_EQ(Classify(r), Disposition::kSuccess);

  ASSERT_EQ(server.request_count(), 1u);
  auto req = server.requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/hook?x=1");
  EXPECT_EQ(req.body, R"({"a":1})");
  EXPECT_EQ(req.header("Content-Type"), "application/json");
  EXPECT_EQ(req.header("User-Agent"), "tocsin/test");
  EXPECT_EQ(req.header("Authorization"), "Bearer s3cret");
  EXPECT_EQ(req.header("Expect"), "");
}

TEST(HttpClientTest, BasicAuthAndCustomAuthorizationType) {
  HttpCaptureServer server;
  HttpClient client;
  HttpClientConfig basic;
  basic.basic_auth_username = "user";
  basic.basic_auth_password = "pass";
  EXPECT_EQ(client.Send(Post(server.url()), basic).status, 200);
  HttpClientConfig token;
  token.authorization_type = "Token";
  token.authorization_credentials = "abc";
  EXPECT_EQ(client.Send(Post(server.url()), token).status, 200);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].header("Authorization"), "Basic dXNlcjpwYXNz");
  EXPECT_EQ(reqs[1].header("Authorization"), "Token abc");
}

TEST(HttpClientTest, ClassifiesStatusesAsAlertmanagerPlus429) {
  HttpCaptureServer server;
  server.Script({ScriptedResponse::Status(500, "boom"), ScriptedResponse::Status(404, "nope"),
                 ScriptedResponse::Status(429), ScriptedResponse::Status(403),
                 ScriptedResponse::Status(204), ScriptedResponse::Status(302)});
  HttpClient client;
  HttpClientConfig config;
  config.follow_redirects = false;
  HttpResponse r500 = client.Send(Post(server.url()), config);
  EXPECT_EQ(Classify(r500), Disposition::kRetryable);
  EXPECT_EQ(DescribeFailure(r500), "unexpected status code 500: boom");
  HttpResponse r404 = client.Send(Post(server.url()), config);
  EXPECT_EQ(Classify(r404), Disposition::kPermanent);
  EXPECT_EQ(DescribeFailure(r404), "unexpected status code 404: nope");
  EXPECT_EQ(Classify(client.Send(Post(server.url()), config)), Disposition::kRetryable);
  HttpResponse r403 = client.Send(Post(server.url()), config);
  EXPECT_EQ(Classify(r403), Disposition::kPermanent);
  const int pagerduty_v1[] = {403};
  EXPECT_EQ(Classify(r403, pagerduty_v1), Disposition::kRetryable);
  EXPECT_EQ(Classify(client.Send(Post(server.url()), config)), Disposition::kSuccess);
  HttpResponse r302 = client.Send(Post(server.url()), config);
  EXPECT_EQ(r302.status, 302);
  EXPECT_EQ(Classify(r302), Disposition::kPermanent);
}

TEST(HttpClientTest, FollowsRedirectsKeepingMethodAndBodyOn307) {
  HttpCaptureServer server;
  server.Script({ScriptedResponse::Status(307).Header("Location", "/moved")});
  HttpClient client;
  HttpResponse r = client.Send(Post(server.url("/first")), HttpClientConfig{});
  EXPECT_EQ(r.status, 200);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].target, "/moved");
  EXPECT_EQ(reqs[1].method, "POST");
  EXPECT_EQ(reqs[1].body, R"({"a":1})");
}

TEST(HttpClientTest, ReturnsRetryAfterHeader) {
  HttpCaptureServer server;
  server.Script({ScriptedResponse::Status(429, "slow down").Header("Retry-After", "17")});
  HttpClient client;
  HttpResponse r = client.Send(Post(server.url()), HttpClientConfig{});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("Retry-After"), "17");
  EXPECT_EQ(ParseRetryAfter(r.header("Retry-After"), 0), 17000);
}

TEST(HttpClientTest, ParsesRetryAfterSecondsAndDates) {
  // 2015-10-21T07:28:00Z
  constexpr TimestampMs kNow = 1445412480000;
  EXPECT_EQ(ParseRetryAfter("120", kNow), 120000);
  EXPECT_EQ(ParseRetryAfter(" 0 ", kNow), 0);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", kNow), 30000);
  EXPECT_EQ(ParseRetryAfter("Wednesday, 21-Oct-15 07:29:00 GMT", kNow), 60000);  // RFC 850
  EXPECT_EQ(ParseRetryAfter("Wed Oct 21 07:28:05 2015", kNow), 5000);            // asctime
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", kNow), 0);          // in the past
  EXPECT_FALSE(ParseRetryAfter("", kNow).has_value());
  EXPECT_FALSE(ParseRetryAfter("-5", kNow).has_value());
  EXPECT_FALSE(ParseRetryAfter("soon", kNow).has_value());
  EXPECT_EQ(ParseRetryAfter("99999999999999999999999", kNow), std::nullopt);
}

TEST(HttpClientTest, TimesOutOnASlowServer) {
  HttpCaptureServer server;
  server.Script({ScriptedResponse::Status(200).Delay(3000ms)});
  HttpClient client;
  HttpRequest req = Post(server.url());
  req.timeout = 200ms;
  HttpResponse r = client.Send(req, HttpClientConfig{});
  EXPECT_FALSE(r.has_response());
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(Classify(r), Disposition::kRetryable);
  EXPECT_NE(r.transport_error.find("timed out"), std::string::npos) << r.transport_error;
  EXPECT_LT(r.elapsed, 2000ms);
}

TEST(HttpClientTest, ConnectionRefusedAndDroppedConnectionsAreRetryable) {
  HttpClient client;
  HttpResponse refused =
      client.Send(Post("http://127.0.0.1:" + std::to_string(UnusedPort()) + "/secret-path"),
                  HttpClientConfig{});
  EXPECT_FALSE(refused.has_response());
  EXPECT_EQ(Classify(refused), Disposition::kRetryable);
  EXPECT_FALSE(refused.transport_error.empty());
  // Webhook and Slack URLs carry secrets in the path: never in the error.
  EXPECT_EQ(refused.transport_error.find("secret-path"), std::string::npos);

  HttpCaptureServer server;
  server.Script({ScriptedResponse::Close()});
  HttpResponse dropped = client.Send(Post(server.url()), HttpClientConfig{});
  EXPECT_FALSE(dropped.has_response());
  EXPECT_EQ(Classify(dropped), Disposition::kRetryable);
}

TEST(HttpClientTest, RejectsNonHttpSchemes) {
  HttpClient client;
  HttpResponse r = client.Send(Post("file:///etc/passwd"), HttpClientConfig{});
  EXPECT_FALSE(r.has_response());
  EXPECT_TRUE(r.body.empty());
}

TEST(HttpClientTest, VerifiesTlsByDefault) {
  TestCertificate cert;
  HttpCaptureServer server(testing::TlsServerFiles{cert.cert_file(), cert.key_file()});
  HttpClient client;

  HttpResponse untrusted = client.Send(Post(server.url()), HttpClientConfig{});
  EXPECT_FALSE(untrusted.has_response());
  EXPECT_EQ(Classify(untrusted), Disposition::kRetryable);
  EXPECT_NE(untrusted.transport_error.find("certificate"), std::string::npos)
      << untrusted.transport_error;
  EXPECT_EQ(server.request_count(), 0u);

  HttpClientConfig trusted;
  trusted.tls.ca_file = cert.cert_file();
  HttpResponse ok = client.Send(Post(server.url("/tls")), trusted);
  EXPECT_EQ(ok.status, 200) << ok.transport_error;

  // The certificate names 127.0.0.1 and localhost; "localhost" verifies as well.
  HttpResponse by_name =
      client.Send(Post("https://localhost:" + std::to_string(server.port()) + "/name"), trusted);
  EXPECT_EQ(by_name.status, 200) << by_name.transport_error;

  HttpClientConfig insecure;
  insecure.tls.insecure_skip_verify = true;
  EXPECT_EQ(client.Send(Post(server.url()), insecure).status, 200);
  EXPECT_EQ(server.request_count(), 3u);
}

TEST(HttpClientTest, HttpsToAPlainServerFails) {
  HttpCaptureServer server;
  HttpClient client;
  HttpResponse r = client.Send(Post("https://127.0.0.1:" + std::to_string(server.port()) + "/"),
                               HttpClientConfig{});
  EXPECT_FALSE(r.has_response());
  EXPECT_EQ(Classify(r), Disposition::kRetryable);
}

TEST(HttpClientTest, UsesTheConfiguredProxyAndIgnoresTheEnvironment) {
  HttpCaptureServer proxy;
  HttpClient client;
  HttpClientConfig via_proxy;
  via_proxy.proxy_url = proxy.url();
  HttpResponse r = client.Send(Post("http://receiver.invalid/hook"), via_proxy);
  EXPECT_EQ(r.status, 200) << r.transport_error;
  ASSERT_EQ(proxy.request_count(), 1u);
  EXPECT_EQ(proxy.requests()[0].target, "http://receiver.invalid/hook");

  // http_proxy in the environment is ignored unless proxy_from_environment is set.
  HttpCaptureServer direct;
  std::string unused = "http://127.0.0.1:" + std::to_string(UnusedPort());
  setenv("http_proxy", unused.c_str(), 1);
  HttpResponse ignored = client.Send(Post(direct.url()), HttpClientConfig{});
  HttpClientConfig from_env;
  from_env.proxy_from_environment = true;
  HttpResponse used = client.Send(Post(direct.url()), from_env);
  unsetenv("http_proxy");
  EXPECT_EQ(ignored.status, 200) << ignored.transport_error;
  EXPECT_FALSE(used.has_response());
}

TEST(HttpClientTest, TruncatesLargeBodies) {
  HttpCaptureServer server;
  server.Script({ScriptedResponse::Status(500, std::string(200 * 1024, 'x'))});
  HttpClient client;
  HttpResponse r = client.Send(Post(server.url()), HttpClientConfig{});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.size(), kMaxResponseBody);
  EXPECT_TRUE(r.body_truncated);
  std::string described = DescribeFailure(r);
  EXPECT_LT(described.size(), 1100u);
  EXPECT_TRUE(described.ends_with("…"));
}

TEST(HttpClientTest, StopRequestAbortsAWaitingRequest) {
  HttpCaptureServer server;
  server.Script({ScriptedResponse::Status(200).Delay(5000ms)});
  HttpClient client;
  std::stop_source stop;
  std::thread stopper([&] {
    ASSERT_TRUE(server.WaitForRequests(1, 5000ms));
    stop.request_stop();
  });
  HttpResponse r = client.Send(Post(server.url()), HttpClientConfig{}, stop.get_token());
  stopper.join();
  EXPECT_TRUE(r.cancelled);
  EXPECT_LT(r.elapsed, 4000ms);
}

TEST(HttpClientTest, ConcurrentRequestsFromManyThreads) {
  HttpCaptureServer server;
  HttpClient client;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (client.Send(Post(server.url()), HttpClientConfig{}).status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(server.request_count(), 40u);
}

}  // namespace
}  // namespace tocsin::notifiers
