#include "rules/rule_lint.h"

#include <gtest/gtest.h>

namespace tocsin::rules {
namespace {

RuleFile Parsed(const std::string& yaml) {
  RuleFileParse p = ParseRuleFile(yaml, "f.yml", {});
  EXPECT_TRUE(p.ok());
  return p.file;
}

TEST(RuleLintTest, SameNameAndLabelsInAnyGroupIsADuplicate) {
  RuleFile f = Parsed(R"(groups:
  - name: a
    rules:
      - record: x
        expr: up
      - record: y
        expr: up
      - alert: z
        expr: up
        labels: {severity: page}
  - name: b
    rules:
      - record: x
        expr: down
      - record: x
        expr: down
      - alert: z
        expr: up
        labels: {severity: ticket}
)");
  std::vector<DuplicateRule> d = FindDuplicateRules(f);
  ASSERT_EQ(d.size(), 1u);  // x three times is reported once; z differs by labels
  EXPECT_EQ(d[0].name, "x");
  EXPECT_EQ(FormatDuplicateRules(d),
            "1 duplicate rule(s) found.\nMetric: x\nLabel(s):\n"
            "Might cause inconsistency while recording expressions");
}

TEST(RuleLintTest, GroupLabelsCountAndSortOrderIsByName) {
  RuleFile f = Parsed(R"(groups:
  - name: a
    labels: {team: x}
    rules:
      - alert: B
        expr: up
      - alert: A
        expr: up
        labels: {team: x}
      - alert: A
        expr: up
      - alert: B
        expr: up
  - name: b
    rules:
      - alert: A
        expr: up
        labels: {team: y}
)");
  std::vector<DuplicateRule> d = FindDuplicateRules(f);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].name, "A");
  EXPECT_EQ(d[1].name, "B");
  EXPECT_EQ(FormatDuplicateRules(d),
            "2 duplicate rule(s) found.\nMetric: A\nLabel(s):\n\tteam: x\nMetric: B\nLabel(s):\n"
            "\tteam: x\nMight cause inconsistency while recording expressions");
}

TEST(RuleLintTest, NoDuplicates) {
  EXPECT_TRUE(FindDuplicateRules(Parsed("groups:\n  - name: a\n")).empty());
}

}  // namespace
}  // namespace tocsin::rules
