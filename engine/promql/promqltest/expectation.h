// What one eval statement of a .test file expects, and the checks of a query's outcome against
// it: the result (values within AlmostEqual, exact label sets, order where asked, matrix sorting
// and point times), the error of a query expected to fail, and the warning/info annotations.
//
// Each check returns an OK Status or one that says what differs, worded for a person reading a
// failing test.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/promql/parser.h"
#include "engine/promql/value.h"
#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace re2 {
class RE2;
}

namespace tocsin::promql::promqltest {

// An expected error or annotation text: an exact message, a regular expression (RE2, matched
// anywhere in the text, as Go's MatchString does), or anything at all.
class TextMatcher {
 public:
  static TextMatcher Any();
  static TextMatcher Exact(std::string message);
  static Result<TextMatcher> Regex(std::string pattern);

  bool Matches(std::string_view text) const;
  // `message "x"` or `pattern "x"`, for failure reports.
  std::string Describe() const;

 private:
  std::string text_;
  std::shared_ptr<const re2::RE2> regex_;  // null: exact match on text_ (unless any_)
  bool any_ = false;
};

// The times a matrix result's points are expected at: start, start+step, ... up to end.
struct TimeGrid {
  TimestampMs start = 0;
  TimestampMs end = 0;
  DurationMs step = 0;
};

struct ExpectedSeries {
  int line = 0;      // in the .test file
  int position = 0;  // 1-based order among the eval's result lines, for `expect ordered`
  Labels labels;
  std::vector<SequenceValue> values;  // one per grid step (instant vector: exactly one)
};

struct ExpectedResult {
  std::vector<ExpectedSeries> series;  // label sets are unique
  std::optional<SequenceValue> scalar;
  std::optional<std::string> string;
  bool ordered = false;  // vector samples must come in the order of `series` positions
  // Where matrix points must lie. Absent for an instant eval without `expect range vector`, so
  // a matrix can then only match when nothing was expected.
  std::optional<TimeGrid> grid;

  // Adds a series line; a label set given twice keeps the later line, as upstream does.
  void AddSeries(ExpectedSeries s);
  bool HasHistogram() const;
};

Status CompareResult(const ExpectedResult& want, const Value& got);

// Compares only the samples of a range query at time `t` (the range-mode re-run of an instant
// eval): builds the vector (or scalar) the instant query would have returned.
Status CompareRangeModeResult(const ExpectedResult& want, const Value& instant_result,
                              const Value& range_result, TimestampMs t);

struct AnnotationExpectations {
  std::vector<TextMatcher> warn;  // `expect warn [msg|regex: ...]`
  std::vector<TextMatcher> info;
  bool no_warn = false;
  bool no_info = false;
  bool require_warn = false;  // deprecated `eval_warn`
  bool require_info = false;  // deprecated `eval_info`
};

// `warnings` and `infos` are the annotations as the API renders them (FormatAnnotation).
Status CheckAnnotations(const AnnotationExpectations& want,
                        const std::vector<std::string>& warnings,
                        const std::vector<std::string>& infos);

struct FailExpectation {
  bool expected = false;
  std::optional<TextMatcher> matcher;         // `expect fail msg:/regex:`
  std::optional<TextMatcher> legacy_matcher;  // `expected_fail_message` / `expected_fail_regexp`
};

// For a query that failed with `error` while failure was expected: does the error match?
Status CheckError(const FailExpectation& want, std::string_view error);

}  // namespace tocsin::promql::promqltest
