#include "rules/unittest/junit.h"

#include <gtest/gtest.h>

namespace tocsin::rules::unittest {
namespace {

TEST(JUnitTest, PromtoolLayout) {
  JUnitSuite ok{"a.yml", "2024-01-01T00:00:00", 0, {}};
  ok.cases.push_back({"first", {}, {}});
  ok.cases.push_back({"second", {}, {}});
  ok.Fail("    expr: \"up\" <got> & 'more'\n");
  JUnitSuite broken{"b.yml", "", 0, {}};
  broken.Abort("open b.yml: no such file or directory");
  EXPECT_EQ(JUnitXml({ok, broken}),
            "<testsuites><testsuite name=\"a.yml\" tests=\"2\" failures=\"1\" errors=\"0\" "
            "skipped=\"0\" timestamp=\"2024-01-01T00:00:00\"><testcase name=\"first\"></testcase>"
            "<testcase name=\"second\"><failure>    expr: &#34;up&#34; &lt;got&gt; &amp; "
            "&#39;more&#39;&#xA;</failure></testcase></testsuite><testsuite name=\"b.yml\" "
            "tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" timestamp=\"\"><testcase "
            "name=\"unknown\"><error>open b.yml: no such file or directory</error></testcase>"
            "</testsuite></testsuites>");
  EXPECT_EQ(JUnitTimestampNow().size(), 19u);
}

}  // namespace
}  // namespace tocsin::rules::unittest
