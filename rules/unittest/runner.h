// Runs promtool rule unit-test files (`tocsin test rules`), with promtool 3's semantics:
//
// For each test group: the input series are loaded lazily; the rule files are loaded afresh
// (with the group's external labels and URL); every rule group is evaluated at start,
// start + evaluation_interval, ... up to the largest eval_time (whatever the group's own
// interval), ordered by group_eval_order; a rule error ends the test group. An alert_rule_test is
// checked against the evaluation at the last step at or before its eval_time, comparing firing
// alerts only, exactly (labels with alertname, and annotations). promql_expr_tests run after all
// evaluations, as instant queries at start + eval_time; floats compare exactly unless
// fuzzy_compare. The engine is the one promtool uses: 5m lookback, at most 10,000 samples per
// query, subqueries without a step use the evaluation interval, `@` and negative offsets on.
//
// Error texts are promtool's, so a failing test reads the same in both tools.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "rules/rule_file.h"
#include "rules/unittest/coverage.h"
#include "rules/unittest/junit.h"

namespace re2 {
class RE2;
}

namespace tocsin::rules::unittest {

struct RunOptions {
  // How rule files are read (unknown fields, experimental syntax, template checks); the parser
  // options also apply to the tests' expressions.
  RuleFileOptions rule_files;
  bool delayed_name_removal = false;
  const re2::RE2* run = nullptr;  // --run: only test groups whose name matches (unanchored)
  bool debug = false;             // --debug: progress and a dump of all series on `log`
  bool diff = false;              // --diff: alert mismatches as a diff
  Coverage* coverage = nullptr;   // --coverage
  std::ostream* log = nullptr;    // warnings and --debug output (stderr); null: dropped
};

struct FileResult {
  std::vector<std::string> errors;  // empty: every test group passed
  JUnitSuite junit;
  bool ok() const { return errors.empty(); }
};

FileResult RunTestFile(const std::string& path, const RunOptions& options);

}  // namespace tocsin::rules::unittest
