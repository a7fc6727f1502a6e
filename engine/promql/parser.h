// Parsing PromQL text into the syntax tree (ast.h), and the related small grammars.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/promql/ast.h"
#include "storage/base/labels.h"
#include "storage/base/matcher.h"
#include "storage/base/result.h"

namespace tocsin::promql {

// Experimental syntax is off by default, as in the Prometheus server; duration expressions are
// on by default since 3.14.
struct ParserOptions {
  bool experimental_functions = false;    // promql-experimental-functions (limitk, info, ...)
  bool duration_expressions = true;       // promql-duration-expr
  bool extended_range_selectors = false;  // promql-extended-range-selectors (anchored/smoothed)
  bool binop_fill_modifiers = false;      // promql-binop-fill-modifiers (fill, fill_left, ...)
};

// Parses and type-checks an expression. Errors read as Prometheus's do, with the position:
// `1:8: parse error: unexpected end of input in aggregation`.
Result<ExprPtr> ParseExpr(std::string_view input, const ParserOptions& options = {});

// A bare series selector such as `up{job="api"}` (the API's match[] parameter).
Result<std::vector<LabelMatcher>> ParseMetricSelector(std::string_view input);

// A label set written as a series: `up{job="api"}`, `{__name__="up", job="api"}` or
// `{"my.metric"}` (promtool's exp_samples `labels`). Values are taken as written.
Result<Labels> ParseMetric(std::string_view input);

// The series notation of promqltest `load` blocks and promtool `input_series`:
// `name{labels} 1 2+3x4 _ stale _x3`.
struct SequenceValue {
  bool omitted = false;    // `_`
  double value = 0;        // may be the stale marker
  bool histogram = false;  // a native histogram `{{...}}` (not supported: recognised only)
};
struct SeriesDesc {
  Labels labels;
  std::vector<SequenceValue> values;
};
Result<SeriesDesc> ParseSeriesDesc(std::string_view input);

// Prints an expression as Prometheus's String() does (what /api/v1/rules shows as `query`).
std::string ExprString(const Expr& expr);

}  // namespace tocsin::promql
