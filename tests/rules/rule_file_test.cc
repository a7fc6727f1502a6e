#include "rules/rule_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/conformance_record.h"

namespace tocsin::rules {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kShared = TOCSIN_SHARED_DIR;

std::string JoinErrors(const RuleFileParse& p) {
  std::string out;
  for (const std::string& e : p.errors) out += e + "\n";
  return out;
}

RuleFileParse Parse(const std::string& yaml, RuleFileOptions options = {}) {
  return ParseRuleFile(yaml, "f.yml", options);
}

// conformance/README.md §5: which upstream files load, and what the others are rejected for.
struct ConformanceCase {
  const char* file;
  const char* error;  // empty: must load
  NameValidation validation = NameValidation::kUtf8;
};

class RulefmtConformanceTest : public ::testing::TestWithParam<ConformanceCase> {};

TEST_P(RulefmtConformanceTest, LoadsOrIsRejectedAsUpstream) {
  const ConformanceCase& c = GetParam();
  test::ConformanceCaseRecorder record(
      "rulefmt", std::string(c.file) + (c.validation == NameValidation::kLegacy ? " legacy" : ""));
  RuleFileOptions options;
  options.name_validation = c.validation;
  RuleFileParse p = LoadRuleFile(kShared / "conformance" / "rulefmt" / c.file, options);
  if (std::string(c.error).empty()) {
    EXPECT_TRUE(p.ok()) << JoinErrors(p);
  } else {
    ASSERT_FALSE(p.ok()) << c.file;
    EXPECT_THAT(JoinErrors(p), HasSubstr(c.error));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Upstream, RulefmtConformanceTest,
    ::testing::Values(
        ConformanceCase{"model-rulefmt-testdata/test.yaml", ""},
        ConformanceCase{"model-rulefmt-testdata/utf-8_lname.good.yaml", ""},
        ConformanceCase{"model-rulefmt-testdata/utf-8_annotation.good.yaml", ""},
        ConformanceCase{"model-rulefmt-testdata/legacy_validation_annotation.good.yaml", "",
                        NameValidation::kLegacy},
        ConformanceCase{"model-rulefmt-testdata/test_aliases.yaml", ""},
        ConformanceCase{"model-rulefmt-testdata/duplicate_grp.bad.yaml",
                        "groupname: \"yolo\" is repeated in the same file"},
        ConformanceCase{"model-rulefmt-testdata/bad_expr.bad.yaml", "parse error"},
        ConformanceCase{"model-rulefmt-testdata/record_and_alert.bad.yaml",
                        "only one of 'record' and 'alert' must be set"},
        ConformanceCase{"model-rulefmt-testdata/no_rec_alert.bad.yaml",
                        "one of 'record' or 'alert' must be set"},
        ConformanceCase{"model-rulefmt-testdata/noexpr.bad.yaml",
                        "field 'expr' must be set in rule"},
        ConformanceCase{"model-rulefmt-testdata/invalid_record_name.bad.yaml",
                        "braces present in the recording rule name; should it be in expr?: "
                        "strawberry{flavor=\"sweet\"}"},
        ConformanceCase{"model-rulefmt-testdata/bad_field.bad.yaml", "field annotation not found"},
        ConformanceCase{"model-rulefmt-testdata/invalid_label_name.bad.yaml", "invalid label name"},
        ConformanceCase{"model-rulefmt-testdata/record_and_for.bad.yaml",
                        "invalid field 'for' in recording rule"},
        ConformanceCase{"model-rulefmt-testdata/record_and_keep_firing_for.bad.yaml",
                        "invalid field 'keep_firing_for' in recording rule"},
        ConformanceCase{"model-rulefmt-testdata/legacy_validation_annotation.bad.yaml",
                        "invalid annotation name: ins-tance", NameValidation::kLegacy},
        ConformanceCase{"rules-fixtures/alert_rule.yaml", ""},
        ConformanceCase{"rules-fixtures/alert_rule1.yaml", ""},
        ConformanceCase{"rules-fixtures/invalid_rules.yaml",
                        "field unexpected_field not found in type rulefmt.Rule"},
        ConformanceCase{"rules-fixtures/rules.yaml", ""},
        ConformanceCase{"rules-fixtures/rules1.yaml", ""},
        ConformanceCase{"rules-fixtures/rules2.yaml", ""},
        ConformanceCase{"rules-fixtures/rules2_copy.yaml", ""},
        ConformanceCase{"rules-fixtures/rules_chain.yaml", ""},
        ConformanceCase{"rules-fixtures/rules_dependencies.yaml", ""},
        ConformanceCase{"rules-fixtures/rules_indeterminates.yaml", ""},
        ConformanceCase{"rules-fixtures/rules_multi_doc.yaml", ""},
        ConformanceCase{"rules-fixtures/rules_multiple.yaml", ""},
        ConformanceCase{"rules-fixtures/rules_multiple_dependents_on_base.yaml", ""},
        ConformanceCase{"rules-fixtures/rules_multiple_groups.yaml", ""},
        ConformanceCase{"rules-fixtures/rules_multiple_independent.yaml", ""}),
    [](const ::testing::TestParamInfo<ConformanceCase>& info) {
      std::string name = fs::path(info.param.file).stem().string();
      for (char& c : name)
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      return name + (info.param.validation == NameValidation::kLegacy ? "_legacy" : "");
    });

TEST(RulefmtConformanceTest, EveryUpstreamFileIsCovered) {
  size_t files = 0;
  for (const char* dir : {"model-rulefmt-testdata", "rules-fixtures"}) {
    for (const auto& e : fs::directory_iterator(kShared / "conformance" / "rulefmt" / dir)) {
      (void)e;
      ++files;
    }
  }
  EXPECT_EQ(files, 31u);
}

TEST(RuleFileTest, AliasesAndMergeKeysResolve) {
  RuleFileParse p = LoadRuleFile(
      kShared / "conformance" / "rulefmt" / "model-rulefmt-testdata" / "test_aliases.yaml", {});
  ASSERT_TRUE(p.ok()) << JoinErrors(p);
  ASSERT_EQ(p.file.groups.size(), 2u);
  const RuleGroupSpec& g = p.file.groups[0];
  ASSERT_EQ(g.rules.size(), 4u);
  EXPECT_EQ(g.rules[2].alert, "HighAlert");
  EXPECT_EQ(g.rules[2].expr, g.rules[0].expr);
  EXPECT_EQ(g.rules[1].record, "new_metric");
  // `<<: *highalert` then `alert: HighAlert2`: the explicit key wins, the rest is merged.
  EXPECT_EQ(g.rules[3].alert, "HighAlert2");
  EXPECT_EQ(g.rules[3].for_duration, 5 * kMinute);
  EXPECT_EQ(g.rules[3].labels.at("severity"), "critical");
  EXPECT_EQ(g.rules[3].annotations.at("description"),
            "stuff's happening with {{ $.labels.service }}");
  EXPECT_EQ(p.file.num_rules(), 8u);
}

TEST(RuleFileTest, DecodesEveryField) {
  RuleFileParse p = Parse(R"(
groups:
  - name: api
    interval: 30s
    query_offset: 1m
    limit: 10
    labels: {team: web}
    rules:
      - alert: HighErrors
        expr: rate(errors_total[5m]) > 1
        for: 5m
        keep_firing_for: 10m
        labels: {severity: page}
        annotations: {summary: "{{ $labels.job }} fails"}
      - record: job:errors:rate5m
        expr: sum by (job) (rate(errors_total[5m]))
)");
  ASSERT_TRUE(p.ok()) << JoinErrors(p);
  ASSERT_EQ(p.file.groups.size(), 1u);
  const RuleGroupSpec& g = p.file.groups[0];
  EXPECT_EQ(g.name, "api");
  EXPECT_EQ(g.interval, 30 * kSecond);
  ASSERT_TRUE(g.query_offset.has_value());
  EXPECT_EQ(*g.query_offset, kMinute);
  EXPECT_EQ(g.limit, 10);
  EXPECT_EQ(g.labels.at("team"), "web");
  ASSERT_EQ(g.rules.size(), 2u);
  EXPECT_TRUE(g.rules[0].is_alerting());
  EXPECT_EQ(g.rules[0].for_duration, 5 * kMinute);
  EXPECT_EQ(g.rules[0].keep_firing_for, 10 * kMinute);
  EXPECT_EQ(g.rules[0].annotations.at("summary"), "{{ $labels.job }} fails");
  EXPECT_EQ(g.rules[0].expr_pos, (SourcePos{10, 15}));
  EXPECT_FALSE(g.rules[1].is_alerting());
  EXPECT_EQ(g.rules[1].name(), "job:errors:rate5m");
}

TEST(RuleFileTest, EmptyFileHasNoGroups) {
  RuleFileParse p = Parse("");
  EXPECT_TRUE(p.ok());
  EXPECT_EQ(p.file.num_rules(), 0u);
  EXPECT_TRUE(Parse("# only a comment\n").ok());
  EXPECT_TRUE(Parse("groups:\n").ok());
}

TEST(RuleFileTest, TypeErrorsNameLineAndGoType) {
  RuleFileParse p = Parse("groups:\n  - name: a\n    limit: abc\n    rules: {}\n");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0],
            "f.yml: yaml: unmarshal errors:\n"
            "  line 3: cannot unmarshal !!str `abc` into int\n"
            "  line 4: cannot unmarshal !!map into []rulefmt.Rule");
  p = Parse("groups: {a: 1}\n");
  EXPECT_THAT(JoinErrors(p), HasSubstr("line 1: cannot unmarshal !!map into []rulefmt.RuleGroup"));
  p = Parse("BAD\n");
  EXPECT_THAT(JoinErrors(p),
              HasSubstr("line 1: cannot unmarshal !!str `BAD` into rulefmt.RuleGroups"));
  p = Parse("groups:\n  - name: [a]\n");
  EXPECT_THAT(JoinErrors(p), HasSubstr("line 2: cannot unmarshal !!seq into string"));
  p = Parse(
      "groups:\n  - name: a\n    rules:\n      - alert: x\n        expr: '1'\n        "
      "labels: {a: {b: c}}\n");
  EXPECT_THAT(JoinErrors(p), HasSubstr("line 6: cannot unmarshal !!map into string"));
}

TEST(RuleFileTest, LongScalarsAreShortenedInTypeErrors) {
  RuleFileParse p = Parse("groups:\n  - name: a\n    limit: abcdefghijklmnop\n");
  EXPECT_THAT(JoinErrors(p), HasSubstr("cannot unmarshal !!str `abcdefg...` into int"));
}

TEST(RuleFileTest, UnknownFieldsAreErrorsUnlessIgnored) {
  const std::string yaml =
      "groups:\n  - name: a\n    owner: me\n    rules:\n      - record: x\n        expr: "
      "'1'\n        help: no\n";
  RuleFileParse p = Parse(yaml);
  EXPECT_EQ(JoinErrors(p),
            "f.yml: yaml: unmarshal errors:\n"
            "  line 3: field owner not found in type rulefmt.RuleGroup\n"
            "  line 7: field help not found in type rulefmt.Rule\n");
  RuleFileOptions lenient;
  lenient.ignore_unknown_fields = true;
  p = Parse(yaml, lenient);
  EXPECT_TRUE(p.ok()) << JoinErrors(p);
  EXPECT_EQ(p.file.num_rules(), 1u);
  EXPECT_THAT(JoinErrors(Parse("group:\n  - name: a\n")),
              HasSubstr("line 1: field group not found in type rulefmt.RuleGroups"));
}

TEST(RuleFileTest, RepeatedKeysAreErrors) {
  RuleFileParse p = Parse("groups:\n  - name: a\n    name: b\n");
  EXPECT_THAT(JoinErrors(p), HasSubstr("line 3: mapping key \"name\" already defined at line 2"));
  p = Parse(
      "groups:\n  - name: a\n    rules:\n      - record: x\n        expr: '1'\n        "
      "labels:\n          a: b\n          a: c\n");
  EXPECT_THAT(JoinErrors(p), HasSubstr("line 8: mapping key \"a\" already defined at line 7"));
}

TEST(RuleFileTest, DurationsAreValidated) {
  RuleFileParse p = Parse(
      "groups:\n  - name: a\n    interval: 1.5m\n    rules:\n      - alert: x\n        expr: "
      "up\n        for: 5x\n");
  EXPECT_THAT(JoinErrors(p), HasSubstr("line 3: "));
  EXPECT_THAT(JoinErrors(p), HasSubstr("duration \"1.5m\""));
  EXPECT_THAT(JoinErrors(p), HasSubstr("line 7: "));
  EXPECT_THAT(JoinErrors(p), HasSubstr("duration \"5x\""));
  // Go's model.Duration is unmarshalled from a string, so an integer is not a duration either.
  EXPECT_FALSE(Parse("groups:\n  - name: a\n    interval: 30\n").ok());
  EXPECT_TRUE(Parse("groups:\n  - name: a\n    interval: 0\n").ok());
}

TEST(RuleFileTest, SemanticErrorsNameTheRule) {
  RuleFileParse p = Parse(R"(groups:
  - name: g
    rules:
      - record: a
        expr: up
        annotations: {x: y}
      - alert: b
        expr: 'sum('
      - alert: c
        expr: up
        labels: {"": x}
  - name: ""
)");
  ASSERT_EQ(p.errors.size(), 4u) << JoinErrors(p);
  EXPECT_EQ(
      p.errors[0],
      "f.yml: 4:17: group \"g\", rule 1, \"a\": invalid field 'annotations' in recording rule");
  EXPECT_THAT(p.errors[1], HasSubstr("f.yml: 8:15: group \"g\", rule 2, \"b\": could not parse "
                                     "expression: 1:5: parse error"));
  EXPECT_EQ(p.errors[2], "f.yml: 11:22: group \"g\", rule 3, \"c\": invalid label name: ");
  EXPECT_EQ(p.errors[3], "f.yml: 12:5: Groupname must not be empty");
}

TEST(RuleFileTest, GroupLabelsAreValidated) {
  RuleFileParse p = Parse("groups:\n  - name: g\n    labels: {__name__: x}\n");
  EXPECT_THAT(JoinErrors(p), HasSubstr("invalid label name: __name__"));
}

TEST(RuleFileTest, NameValidationScheme) {
  const std::string yaml =
      "groups:\n  - name: g\n    rules:\n      - record: my.metric\n        expr: up\n        "
      "labels: {ins-tance: a}\n";
  EXPECT_TRUE(Parse(yaml).ok());
  RuleFileOptions legacy;
  legacy.name_validation = NameValidation::kLegacy;
  RuleFileParse p = Parse(yaml, legacy);
  EXPECT_THAT(JoinErrors(p), HasSubstr("invalid recording rule name: my.metric"));
  EXPECT_THAT(JoinErrors(p), HasSubstr("invalid label name: ins-tance"));
}

TEST(RuleFileTest, ExperimentalSyntaxNeedsItsFeature) {
  const std::string yaml =
      "groups:\n  - name: g\n    rules:\n      - record: a\n        expr: sort_by_label(up, "
      "\"instance\")\n      - record: b\n        expr: rate(up[1m] anchored)\n      - record: "
      "c\n        expr: rate(up[5m]) + fill(0) rate(down[5m])\n      - record: d\n        expr: "
      "rate(up[1m * 2])\n";
  RuleFileParse p = Parse(yaml);
  EXPECT_EQ(p.errors.size(), 3u) << JoinErrors(p);
  RuleFileOptions all;
  all.parser.experimental_functions = true;
  all.parser.extended_range_selectors = true;
  all.parser.binop_fill_modifiers = true;
  EXPECT_TRUE(Parse(yaml, all).ok()) << JoinErrors(Parse(yaml, all));
}

TEST(RuleFileTest, TemplatesAreCheckedForAlertingRulesOnly) {
  RuleFileOptions options;
  std::vector<std::string> seen;
  options.template_check = [&](std::string_view alert, std::string_view text) -> Status {
    seen.push_back(std::string(alert) + ":" + std::string(text));
    if (text.find("{{ bad") != std::string_view::npos) return Error{"template: broken"};
    return Status::Ok();
  };
  RuleFileParse p = Parse(R"(groups:
  - name: g
    rules:
      - alert: A
        expr: up
        labels: {severity: "{{ bad"}
        annotations: {summary: fine}
      - record: r
        expr: up
        labels: {x: "{{ bad"}
)",
                          options);
  EXPECT_EQ(seen, (std::vector<std::string>{"A:{{ bad", "A:fine"}));
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0],
            "f.yml: 6:28: group \"g\", rule 1, \"A\": label \"severity\": template: broken");
}

TEST(RuleFileTest, OnlyTheFirstDocumentIsRead) {
  RuleFileParse p = Parse("groups:\n  - name: a\n---\ngroups: [[[\n");
  EXPECT_TRUE(p.ok()) << JoinErrors(p);
  EXPECT_EQ(p.file.groups.size(), 1u);
  EXPECT_EQ(p.warnings.size(), 1u);
  EXPECT_TRUE(Parse("groups:\n  - name: a\n").warnings.empty());
}

TEST(RuleFileTest, SyntaxErrorsHaveALine) {
  RuleFileParse p = Parse("groups:\n  - name: \"a\n");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_THAT(p.errors[0], HasSubstr("f.yml: yaml: line "));
}

TEST(RuleFileTest, UnreadableFilesAreErrors) {
  RuleFileParse p = LoadRuleFile("/nonexistent/rules.yml", {});
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_THAT(p.errors[0], HasSubstr("no such file or directory"));
  p = LoadRuleFile("/tmp", {});
  EXPECT_THAT(JoinErrors(p), HasSubstr("is a directory"));
}

TEST(RuleFileTest, HostileInputDoesNotCrash) {
  // A self-referencing merge, deep nesting and an alias bomb: errors or success, never a crash.
  (void)Parse("a: &a\n  <<: *a\n");
  (void)Parse(std::string(5000, '[') + std::string(5000, ']'));
  std::string bomb = "a: &a [\"x\",\"x\"]\n";
  for (int i = 0; i < 30; ++i) {
    bomb += "b" + std::to_string(i) + ": &b" + std::to_string(i) + " [*" +
            (i == 0 ? std::string("a") : "b" + std::to_string(i - 1)) + ",*" +
            (i == 0 ? std::string("a") : "b" + std::to_string(i - 1)) + "]\n";
  }
  RuleFileParse p = Parse(bomb);
  EXPECT_FALSE(p.ok());
  p = Parse("groups:\n  - &g\n    name: x\n    rules:\n      - <<: *g\n");
  EXPECT_FALSE(p.ok());
}

}  // namespace
}  // namespace tocsin::rules
