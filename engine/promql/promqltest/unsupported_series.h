// Series a .test file loads that tocsin's float-only storage cannot hold, remembered (until the
// next `clear`) so the runner can tell which evals depend on them: series with native-histogram
// samples ({{...}} values), and the native histograms with custom buckets that `load_with_nhcb`
// derives from classic histogram series (X_bucket, X_count, X_sum -> X). Evals that read them
// are skipped: native histograms are out of scope.
// An expression "reads" a series when one of its selectors names a metric (by name or __name__
// matchers) and matches the series' label set.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/promql/ast.h"
#include "engine/promql/promqltest/script.h"
#include "storage/base/labels.h"

namespace tocsin::promql::promqltest {

class UnsupportedSeries {
 public:
  void Record(const LoadCommand& load);
  void Clear();

  // Why `expr` needs native histograms (which selector matches which series, loaded where), or
  // nullopt when it reads none.
  std::optional<std::string> NativeHistogramUse(const Expr& expr) const;

 private:
  struct Entry {
    Labels labels;
    int line = 0;
    std::string what;  // "native-histogram samples", ...
  };
  static std::optional<std::string> FirstUse(const Expr& expr, const std::vector<Entry>& entries);

  std::vector<Entry> histograms_;
};

}  // namespace tocsin::promql::promqltest
