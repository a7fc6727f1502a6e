#include "engine/http/router.h"

#include <gtest/gtest.h>

namespace tocsin::http {
namespace {

Router MakeRouter() {
  Router r;
  r.Handle("GET", "/api/v2/silences", [](const Request&) { return Response::Text(200, "list"); });
  r.Handle("POST", "/api/v2/silences", [](const Request&) { return Response::Text(200, "add"); });
  r.Handle("GET", "/api/v2/silence/{id}",
           [](const Request&) { return Response::Text(200, "one"); });
  r.Handle("DELETE", "/api/v2/silence/{id}",
           [](const Request&) { return Response::Text(200, "x"); });
  r.Handle("GET", "/api/v1/label/{name}/values", [](const Request&) { return Response(); });
  return r;
}

TEST(Router, MatchesMethodAndPathWithParameters) {
  Router r = MakeRouter();
  auto m = r.Find("GET", "/api/v2/silence/abc-123");
  ASSERT_NE(m.handler, nullptr);
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "id");
  EXPECT_EQ(m.params[0].second, "abc-123");
  m = r.Find("GET", "/api/v1/label/job%2Fname/values");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.params[0].second, "job/name");  // decoded after matching
}

TEST(Router, ReportsAllowedMethodsAndMissingRoutes) {
  Router r = MakeRouter();
  auto m = r.Find("PUT", "/api/v2/silence/x");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allow, "DELETE, GET, HEAD");
  m = r.Find("GET", "/api/v2/silence/");  // an empty parameter does not match
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_EQ(m.allow, "");
  m = r.Find("GET", "/api/v2/silences/extra");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(r.Find("GET", "/api/v2/silence/%zz").bad_path);
}

TEST(Router, PrefixWithItsOwnUnmatchedAnswerMatchesCleanedPaths) {
  Router r = MakeRouter();
  std::string seen;
  r.HandleUnmatched("/api/v2/", [&seen](std::string_view method, std::string_view path,
                                        const std::vector<std::string>& allowed) {
    seen = std::string(method) + " " + std::string(path) + " [";
    for (const std::string& a : allowed) seen += a + ";";
    seen += "]";
    return Response::Error(404, "x");
  });
  const auto* silences = r.Find("GET", "/api/v2/silences").handler;
  ASSERT_NE(silences, nullptr);
  for (const char* path : {"/api/v2/silences/", "/api/v2//silences", "/api/v2/./silences",
                           "/api/v2/x/../silences", "/api/v2/silences/.."}) {
    if (std::string_view(path).ends_with("..")) {
      EXPECT_EQ(r.Find("GET", path).handler, nullptr) << path;  // that is /api/v2
    } else {
      EXPECT_EQ(r.Find("GET", path).handler, silences) << path;
    }
  }
  auto m = r.Find("GET", "/api/v2/silence/x/");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.params[0].second, "x");
  // No route: the prefix's answer, told the registered methods without the implicit HEAD.
  m = r.Find("PUT", "/api/v2/silence/x");
  EXPECT_EQ(m.handler, nullptr);
  ASSERT_NE(m.unmatched, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"DELETE", "GET"}));
  EXPECT_EQ(m.allow, "DELETE, GET, HEAD");
  (*m.unmatched)("PUT", "/api/v2/silence/x", m.allowed);
  EXPECT_EQ(seen, "PUT /api/v2/silence/x [DELETE;GET;]");
  m = r.Find("GET", "/api/v2/nothing");
  ASSERT_NE(m.unmatched, nullptr);
  EXPECT_TRUE(m.allowed.empty());
  // Outside the prefix nothing changes: no cleaning, the server's own 404.
  EXPECT_NE(r.Find("GET", "/api/v1/label/x/values").handler, nullptr);
  EXPECT_EQ(r.Find("GET", "/api/v1/label/x/values/").handler, nullptr);
  EXPECT_EQ(r.Find("GET", "/api/v1/label/x/values/").unmatched, nullptr);
}

TEST(Router, HeadFallsBackToGet) {
  Router r = MakeRouter();
  EXPECT_NE(r.Find("HEAD", "/api/v2/silences").handler, nullptr);
  EXPECT_EQ(r.Find("HEAD", "/api/v2/silences").handler, r.Find("GET", "/api/v2/silences").handler);
}

}  // namespace
}  // namespace tocsin::http
