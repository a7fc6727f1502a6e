#include "engine/http/request.h"

#include <gtest/gtest.h>

namespace tocsin::http {
namespace {

TEST(ParseQueryString, DecodesLikeGo) {
  auto p = ParseQueryString("query=up%7Bjob%3D%22a%22%7D&match[]=a&match%5B%5D=b+c&&empty=&flag");
  ASSERT_TRUE(p.ok()) << p.message();
  EXPECT_EQ(p->Get("query"), "up{job=\"a\"}");
  EXPECT_EQ(p->GetAll("match[]"), (std::vector<std::string>{"a", "b c"}));
  EXPECT_TRUE(p->Has("empty"));
  EXPECT_EQ(p->Get("empty"), "");
  EXPECT_TRUE(p->Has("flag"));
  EXPECT_FALSE(p->Has("missing"));
}

TEST(ParseQueryString, ErrorsAsGoReportsThem) {
  EXPECT_EQ(ParseQueryString("a=1;b=2").message(), "invalid semicolon separator in query");
  EXPECT_EQ(ParseQueryString("a=%zz").message(), "invalid URL escape \"%zz\"");
  EXPECT_EQ(ParseQueryString("a=%4").message(), "invalid URL escape \"%4\"");
}

TEST(Request, FormParamsPutTheBodyBeforeTheQuery) {
  Request r;
  r.method = "POST";
  r.query = "query=from_query&time=1";
  r.body = "query=from_body";
  r.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  auto p = r.FormParams();
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Get("query"), "from_body");
  EXPECT_EQ(p->GetAll("query"), (std::vector<std::string>{"from_body", "from_query"}));
  EXPECT_EQ(p->Get("time"), "1");
}

TEST(Request, FormParamsIgnoreOtherBodies) {
  Request r;
  r.method = "POST";
  r.body = "{\"json\":true}";
  r.headers = {{"Content-Type", "application/json"}};
  auto p = r.FormParams();
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->empty());
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = "a=%";
  EXPECT_FALSE(r.FormParams().ok());
}

TEST(Request, HeadersAreCaseInsensitive) {
  Request r;
  r.headers = {{"X-Thing", "1"}, {"x-thing", "2"}};
  EXPECT_EQ(r.header("x-THING"), "1");
  EXPECT_EQ(r.header("missing"), "");
}

}  // namespace
}  // namespace tocsin::http
