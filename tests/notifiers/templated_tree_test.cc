#include "notifiers/templated_tree.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/literal_templates.h"

namespace tocsin::notifiers {
namespace {

nlohmann::json Decode(std::string_view text) {
  auto r = DecodeGoYaml(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : nlohmann::json();
}

TEST(GoYamlTest, ResolvesPlainScalarsWithYaml11Rules) {
  EXPECT_TRUE(Decode("").is_null());
  EXPECT_TRUE(Decode("~").is_null());
  EXPECT_TRUE(Decode("null").is_null());
  EXPECT_EQ(Decode("yes"), true);
  EXPECT_EQ(Decode("Off"), false);
  EXPECT_EQ(Decode("y"), true);
  EXPECT_EQ(Decode("42"), 42);
  EXPECT_EQ(Decode("-7"), -7);
  EXPECT_EQ(Decode("0x1F"), 31);
  EXPECT_EQ(Decode("017"), 15);  // YAML 1.1 octal
  EXPECT_EQ(Decode("0b101"), 5);
  EXPECT_EQ(Decode("1_000"), 1000);
  EXPECT_EQ(Decode("18446744073709551615"), 18446744073709551615ULL);
  EXPECT_EQ(Decode("1.5"), 1.5);
  EXPECT_EQ(Decode("1e3"), 1000.0);
  EXPECT_EQ(Decode(".5"), 0.5);
  EXPECT_TRUE(std::isinf(Decode(".inf").get<double>()));
  EXPECT_EQ(Decode("hello"), "hello");
  EXPECT_EQ(Decode("2024-05-01T12:00:00Z"), "2024-05-01T12:00:00Z");  // timestamps stay text
  EXPECT_EQ(Decode("1.2.3"), "1.2.3");
}

TEST(GoYamlTest, QuotedAndTaggedScalarsStayStrings) {
  EXPECT_EQ(Decode("'42'"), "42");
  EXPECT_EQ(Decode("\"yes\""), "yes");
  EXPECT_EQ(Decode("!!str 42"), "42");
  EXPECT_EQ(Decode("!!int 42"), 42);
  EXPECT_EQ(Decode("|\n  block\n"), "block\n");
}

TEST(GoYamlTest, StructuresAndNonStringKeys) {
  EXPECT_EQ(Decode(R"({"a": [1, "two", {"b": null}]})"),
            nlohmann::json::parse(R"({"a":[1,"two",{"b":null}]})"));
  EXPECT_EQ(Decode("a: 1\nb: [x, 2]\n"), nlohmann::json::parse(R"({"a":1,"b":["x",2]})"));
  // yaml.v2 decodes 1 and true as non-string keys, which Alertmanager drops.
  EXPECT_EQ(Decode("1: one\ntrue: yes\nname: v\n"), nlohmann::json::parse(R"({"name":"v"})"));
  EXPECT_FALSE(DecodeGoYaml("a: [unclosed").ok());
}

TEST(TemplatedTreeTest, ExpandsKeysAndValuesAndReadsThemBack) {
  testing::LiteralTemplates templates;
  Notification n;
  FieldExpander expand(templates, n);
  nlohmann::json tree = {{"count", "3"},
                         {"message", "disk full on /var"},
                         {"looks_like_yaml", "disk full: /var"},
                         {"list", {"on", "x", 5, false}},
                         {"obj", "{\"k\": [1, 2]}"},
                         {"blank", ""}};
  auto r = ExpandTemplatedTree(tree, expand, "details");
  ASSERT_TRUE(r.ok()) << r.message();
  // As in Alertmanager, text that happens to be YAML ("key: value") becomes structure.
  EXPECT_EQ(*r, nlohmann::json::parse(R"({"blank":null,"count":3,"list":[true,"x",5,false],)"
                                      R"("looks_like_yaml":{"disk full":"/var"},)"
                                      R"("message":"disk full on /var","obj":{"k":[1,2]}})"));
}

TEST(TemplatedTreeTest, ErrorsNameTheField) {
  testing::LiteralTemplates templates;
  Notification n;
  FieldExpander expand(templates, n);
  nlohmann::json tree = {{"outer", {{"inner", std::string(testing::LiteralTemplates::kFail)}}}};
  auto r = ExpandTemplatedTree(tree, expand, "details");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "details.outer.inner: template: boom");
}

}  // namespace
}  // namespace tocsin::notifiers
