// `tocsin check rules` against the reference: Debian's promtool (2.42) checks the same files and
// the exit codes must agree, except where Prometheus 3 deliberately changed the verdict (UTF-8
// names, group labels and query_offset, which 2.42 does not know). Also the output format and
// the exit codes of promtool's lint handling, per conformance README §4.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace tocsin::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kShared = TOCSIN_SHARED_DIR;
const fs::path kSource = TOCSIN_SOURCE_DIR;
const std::string kTocsin = std::string(TOCSIN_BINARY_DIR) + "/engine/cli/tocsin";
const std::string kPromtool = "/usr/bin/promtool";

using ProcessRun = test::ProcessResult;

// Shell quoting, for the one test that needs a shell redirect (rules on standard input).
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// Runs a binary as a user would (stdin from /dev/null), through the shared test helper, with a
// generous deadline: promtool on the large generated files is slow when the machine is loaded.
ProcessRun Exec(const std::string& binary, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {binary};
  argv.insert(argv.end(), args.begin(), args.end());
  test::ProcessOptions options;
  options.timeout = std::chrono::minutes(10);
  return test::RunProcess(argv, options);
}

ProcessRun Tocsin(std::vector<std::string> args) {
  args.insert(args.begin(), {"check", "rules"});
  return Exec(kTocsin, args);
}
ProcessRun Promtool(std::vector<std::string> args) {
  args.insert(args.begin(), {"check", "rules"});
  return Exec(kPromtool, args);
}

class ScratchDir {
 public:
  ScratchDir() {
    path_ = fs::temp_directory_path() / ("tocsin_check_rules_" + std::to_string(getpid()));
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name) << content;
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

TEST(CheckRulesTest, OutputAndExitCodes) {
  const fs::path testdata = kShared / "conformance" / "promtool" / "testdata";
  ProcessRun r = Tocsin({(testdata / "rules.yml").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Checking " + (testdata / "rules.yml").string() + "\n  SUCCESS: 5 rules found\n\n");

  r = Tocsin({(testdata / "rules_duplicates.yml").string()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err,
            "  FAILED:\nlint error 1 duplicate rule(s) found.\nMetric: job:test:count_over_time1m\n"
            "Label(s):\nMight cause inconsistency while recording expressions\n");
  r = Tocsin({"--lint=none", (testdata / "rules_duplicates.yml").string()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("SUCCESS: 5 rules found"));

  r = Tocsin({"--lint-fatal", (testdata / "prometheus-rules.lint.yml").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("Metric: HighRequestLatency\nLabel(s):\n\tseverity: page\n"));
  // A real error beats a lint finding: exit 1.
  r = Tocsin({"--lint-fatal", (testdata / "prometheus-rules.lint.yml").string(),
              (kShared / "conformance/rulefmt/model-rulefmt-testdata/noexpr.bad.yaml").string()});
  EXPECT_EQ(r.exit_code, 1);

  // rules-bad.yml: the summary template uses the undefined variable $label.
  r = Tocsin({(testdata / "rules-bad.yml").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err,
              HasSubstr("group \"alerts\", rule 1, \"InstanceDown\": annotation \"summary\": "
                        "template: __alert_InstanceDown:1: undefined variable \"$label\""));

  r = Tocsin({(testdata / "features.yml").string()});
  EXPECT_EQ(r.exit_code, 1);
  r = Tocsin({"--enable-feature=promql-experimental-functions,promql-extended-range-selectors",
              "--enable-feature=promql-binop-fill-modifiers",
              (testdata / "features.yml").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("SUCCESS: 4 rules found"));

  r = Tocsin({(testdata / "rules_extrafields.yml").string()});
  EXPECT_EQ(r.exit_code, 1);
  r = Tocsin({"--ignore-unknown-fields", (testdata / "rules_extrafields.yml").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(CheckRulesTest, ExampleRulesAreValid) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(kSource / "examples" / "rules")) {
    if (e.path().extension() == ".yml") files.push_back(e.path().string());
  }
  ASSERT_FALSE(files.empty());
  ProcessRun r = Tocsin(files);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// Files whose verdict is the same in Prometheus 2.42 and 3.x.
std::vector<std::string> SharedVerdictFiles(const ScratchDir& scratch) {
  std::vector<std::string> files;
  const fs::path rulefmt = kShared / "conformance" / "rulefmt";
  for (const char* dir : {"model-rulefmt-testdata", "rules-fixtures"}) {
    for (const auto& e : fs::directory_iterator(rulefmt / dir)) {
      const std::string name = e.path().filename().string();
      // UTF-8 names are valid in 3.x only.
      if (name.rfind("utf-8", 0) == 0 || name == "legacy_validation_annotation.bad.yaml") continue;
      files.push_back(e.path().string());
    }
  }
  const fs::path testdata = kShared / "conformance" / "promtool" / "testdata";
  for (const char* f :
       {"rules.yml", "rules-bad.yml", "rules_duplicates.yml", "prometheus-rules.lint.yml",
        "rules_extrafields.yml", "bad-rules-syntax.yml", "bad-rules-error.yml", "at-modifier.yml",
        "negative-offset.yml"}) {
    files.push_back((testdata / f).string());
  }
  const std::string head = "groups:\n  - name: g\n    rules:\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"ok.yml", head + "      - alert: A\n        expr: up == 0\n        for: 5m\n"
                        "        keep_firing_for: 1m\n        labels: {severity: page}\n"},
      {"empty.yml", ""},
      {"comment.yml", "# nothing\n"},
      {"null_groups.yml", "groups:\n"},
      {"no_rules.yml", "groups:\n  - name: g\n"},
      {"unknown_top.yml", "group:\n  - name: g\n"},
      {"unknown_group_field.yml", "groups:\n  - name: g\n    owner: x\n"},
      {"unknown_rule_field.yml", head + "      - record: r\n        expr: up\n        x: y\n"},
      {"bad_duration.yml", head + "      - alert: A\n        expr: up\n        for: 5x\n"},
      {"fractional_duration.yml", head + "      - alert: A\n        expr: up\n        for: 1.5m\n"},
      {"int_duration.yml", "groups:\n  - name: g\n    interval: 30\n"},
      {"zero_interval.yml", "groups:\n  - name: g\n    interval: 0\n"},
      {"bad_limit.yml", "groups:\n  - name: g\n    limit: many\n"},
      {"limit.yml", "groups:\n  - name: g\n    limit: 5\n"},
      {"groups_map.yml", "groups: {a: b}\n"},
      {"rules_map.yml", "groups:\n  - name: g\n    rules: {a: b}\n"},
      {"scalar_file.yml", "BAD\n"},
      {"dup_key.yml", "groups:\n  - name: g\n    name: h\n"},
      {"dup_label.yml", head + "      - record: r\n        expr: up\n        labels:\n          a: "
                               "b\n          a: c\n"},
      {"dup_group.yml", "groups:\n  - name: g\n  - name: g\n"},
      {"empty_group_name.yml", "groups:\n  - name: ''\n"},
      {"syntax.yml", "groups:\n  - name: \"g\n"},
      {"bad_indent.yml", "groups:\n  - name: g\n   rules: []\n"},
      {"expr_syntax.yml", head + "      - record: r\n        expr: 'sum('\n"},
      {"expr_type.yml", head + "      - record: r\n        expr: 'rate(up)'\n"},
      {"expr_string.yml", head + "      - record: r\n        expr: '\"a\"'\n"},
      {"record_annotations.yml",
       head + "      - record: r\n        expr: up\n        annotations: {a: b}\n"},
      {"record_for.yml", head + "      - record: r\n        expr: up\n        for: 1m\n"},
      {"record_and_alert.yml", head + "      - record: r\n        alert: a\n        expr: up\n"},
      {"no_name.yml", head + "      - expr: up\n"},
      {"no_expr.yml", head + "      - alert: a\n"},
      {"label_metric_name.yml",
       head + "      - alert: a\n        expr: up\n        labels: {__name__: x}\n"},
      {"record_braces.yml", head + "      - record: 'a{b=\"c\"}'\n        expr: up\n"},
      {"anchors.yml", head + "      - &r\n        alert: a\n        expr: up\n"
                             "      - <<: *r\n        alert: b\n"},
      {"multi_doc.yml", "groups:\n  - name: g\n---\ngroups: []\n"},
      {"label_map.yml", head + "      - alert: a\n        expr: up\n        labels: {a: {b: c}}\n"},
      {"number_name.yml", head + "      - alert: 12\n        expr: 1\n"},
      {"at_modifier.yml", head + "      - record: r\n        expr: up @ 100\n"},
      {"negative_offset.yml", head + "      - record: r\n        expr: up offset -5m\n"},
      {"subquery.yml", head + "      - record: r\n        expr: max_over_time(up[5m:1m])\n"},
      {"template_ok.yml", head + "      - alert: a\n        expr: up\n        annotations:\n"
                                 "          s: '{{ $value | humanize }} {{ $labels.job }}'\n"},
      {"template_unclosed.yml", head + "      - alert: a\n        expr: up\n        annotations:\n"
                                       "          s: '{{ $value'\n"},
      {"template_unknown_func.yml", head + "      - alert: a\n        expr: up\n        labels:\n"
                                           "          s: '{{ nope }}'\n"},
      {"template_record.yml", head + "      - record: r\n        expr: up\n        labels:\n"
                                     "          s: '{{ nope }}'\n"},
  };
  for (const auto& [name, content] : cases) files.push_back(scratch.Write(name, content));
  return files;
}

TEST(CheckRulesTest, SameVerdictAsPromtool) {
  if (!fs::exists(kPromtool)) GTEST_SKIP() << "promtool is not installed";
  ScratchDir scratch;
  for (const std::string& file : SharedVerdictFiles(scratch)) {
    for (bool fatal : {false, true}) {
      std::vector<std::string> args = {file};
      if (fatal) args.insert(args.begin(), "--lint-fatal");
      ProcessRun ours = Tocsin(args), theirs = Promtool(args);
      // --lint-fatal only matters for files with lint findings; skip the second run otherwise.
      const bool linted = theirs.err.find("lint error") != std::string::npos ||
                          ours.err.find("lint error") != std::string::npos;
      EXPECT_EQ(ours.exit_code, theirs.exit_code)
          << file << (fatal ? " (--lint-fatal)" : "") << "\n--- tocsin:\n"
          << ours.out << ours.err << "--- promtool:\n"
          << theirs.out << theirs.err;
      // The SUCCESS line (and so the rule count) must match too.
      EXPECT_EQ(ours.out.find("SUCCESS") != std::string::npos,
                theirs.out.find("SUCCESS") != std::string::npos)
          << file;
      if (ours.out.find("SUCCESS") != std::string::npos) {
        EXPECT_EQ(ours.out, theirs.out) << file;
      }
      if (!linted) break;
    }
  }
}

TEST(CheckRulesTest, StandardInput) {
  ScratchDir scratch;
  const std::string file = scratch.Write("in.yml",
                                         "groups:\n  - name: g\n    rules:\n"
                                         "      - record: r\n        expr: up\n");
  const std::string cmd = Quote(kTocsin) + " check rules <" + Quote(file) + " >/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
}

}  // namespace
}  // namespace tocsin::cli
