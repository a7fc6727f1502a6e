#include "engine/daemon/yaml_reader.h"

#include <gtest/gtest.h>

namespace tocsin::daemon {
namespace {

TEST(YamlReaderTest, TypesAreChecked) {
  auto doc = LoadYamlDocument("a: [1]\nb: {x: 1}\nc: maybe\nd: 5x\ne: yes\n", "f.yml");
  ASSERT_TRUE(doc.ok());
  YamlReader r("f.yml");
  std::string s;
  bool b = false;
  DurationMs d = 0;
  EXPECT_FALSE(r.String((*doc)["a"], "a", &s));
  EXPECT_FALSE(r.String((*doc)["b"], "b", &s));
  EXPECT_FALSE(r.Bool((*doc)["c"], "c", &b));
  EXPECT_FALSE(r.Duration((*doc)["d"], "d", &d));
  EXPECT_TRUE(r.Bool((*doc)["e"], "e", &b));
  EXPECT_TRUE(b);
  EXPECT_EQ(r.errors(), (std::vector<std::string>{
                            "f.yml:1:4: a must be a string, not a list",
                            "f.yml:2:4: b must be a string, not a mapping",
                            "f.yml:3:4: c must be true or false, not \"maybe\"",
                            "f.yml:4:4: d: not a valid duration string: \"5x\"",
                        }));
}

TEST(YamlReaderTest, QuotedMergeKeyIsAPlainKey) {
  auto doc = LoadYamlDocument("\"<<\": {a: 1}\n", "f.yml");
  ASSERT_TRUE(doc.ok());
  YamlReader r("f.yml");
  r.Fields(*doc, "top", {"a"}, [](const std::string&, const YAML::Node&) {});
  EXPECT_EQ(r.errors(), std::vector<std::string>{"f.yml:1:1: unknown field \"<<\" in top"});
}

TEST(YamlReaderTest, HostileDocumentsAreErrorsNotCrashes) {
  for (const char* text :
       {"&a [*a]", "{", "a: !!binary \"%%%\"", "? [a]\n: b", "\t- x", "a: *undefined"}) {
    auto doc = LoadYamlDocument(text, "f.yml");
    if (!doc.ok()) continue;
    YamlReader r("f.yml");
    r.Fields(*doc, "top", {"a"}, [&](const std::string&, const YAML::Node& v) {
      std::string s;
      r.String(v, "a", &s);
    });
  }
}

}  // namespace
}  // namespace tocsin::daemon
