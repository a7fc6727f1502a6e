// The PromQL query engine: evaluates a parsed expression against a Querier at one time
// (instant query) or at every step of a range (range query), with Prometheus 3.x semantics.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/promql/ast.h"
#include "engine/promql/value.h"
#include "storage/base/result.h"
#include "storage/querier.h"

namespace tocsin::promql {

struct EngineOptions {
  DurationMs lookback_delta = 5 * kMinute;
  // Step of a subquery written without one (`x[5m:]`): the evaluation interval.
  DurationMs default_subquery_step = kMinute;
  // Off by default in the Prometheus server; the upstream .test harness turns it on.
  bool delayed_name_removal = false;
  // Limit on samples held in memory by one query; exceeding it fails the query with
  // Prometheus's "query processing would load too many samples into memory in ..." error.
  size_t max_samples = 50'000'000;
  // Prometheus's experimental UseStartTimestamps: rate(), increase(), irate() and resets() of a
  // range selector also read the samples' start timestamps (counter resets they reveal, and a
  // zero point at the start time instead of extrapolating). Off in the Prometheus server; the
  // upstream .test harness turns it on.
  bool use_start_timestamps = false;
};

struct QueryResult {
  Value value;
  std::vector<Annotation> warnings;
  std::vector<Annotation> infos;
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});

  // Errors are the messages Prometheus gives for the same failure, e.g.
  // "vector cannot contain metrics with the same labelset".
  Result<QueryResult> InstantQuery(const storage::Querier& querier, const Expr& expr,
                                   TimestampMs t) const;
  // The result is a Matrix sorted by label set (or a Scalar/String evaluated per step as a
  // Matrix, as Prometheus returns them).
  Result<QueryResult> RangeQuery(const storage::Querier& querier, const Expr& expr,
                                 TimestampMs start, TimestampMs end, DurationMs step) const;

  const EngineOptions& options() const { return options_; }

 private:
  EngineOptions options_;
};

// "PromQL warning: ... (1:5)" / "PromQL info: ... (1:5)" for `query` text.
std::string FormatAnnotation(const Annotation& a, std::string_view query);

}  // namespace tocsin::promql
