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

TEST(Router, HeadFallsBackToGet) {
  Router r = MakeRouter();
  EXPECT_NE(r.Find("HEAD", "/api/v2/silences").handler, nullptr);
  EXPECT_EQ(r.Find("HEAD", "/api/v2/silences").handler, r.Find("GET", "/api/v2/silences").handler);
}

}  // namespace
}  // namespace tocsin::http
