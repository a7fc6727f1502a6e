#include "engine/promql/promqltest/unsupported_series.h"

#include <algorithm>
#include <cmath>

#include "engine/promql/parser.h"

namespace tocsin::promql::promqltest {
namespace {

// Every vector selector in the tree, inside matrix selectors and subqueries too.
std::vector<const VectorSelector*> Selectors(const Expr& root) {
  std::vector<const VectorSelector*> out;
  Inspect(root, [&](const Expr& e, const std::vector<const Expr*>&) {
    if (e.kind == ExprKind::kVectorSelector) out.push_back(&As<VectorSelector>(e));
    return true;
  });
  return out;
}

// A selector reads a series when it names a metric (by name or by __name__ matchers) and all
// its matchers accept the series. Name-less selectors such as {job="x"} are not counted, as in
// the conformance README's native-histogram heuristic: counting them would skip more evals than
// the 915 that heuristic attributes to native histograms, and such an eval then fails instead.
bool SelectorMatches(const VectorSelector& vs, const Labels& labels) {
  const bool names_metric =
      std::any_of(vs.matchers.begin(), vs.matchers.end(),
                  [](const LabelMatcher& m) { return m.name() == kMetricName; });
  return names_metric &&
         std::all_of(vs.matchers.begin(), vs.matchers.end(),
                     [&](const LabelMatcher& m) { return m.matches(labels.get(m.name())); });
}

// load_with_nhcb groups X_bucket{le=...}, X_count and X_sum by their other labels into one
// native histogram with custom buckets named X. The base name, or "" for other series.
std::string ClassicHistogramBase(const Labels& labels) {
  const std::string_view name = labels.metric_name();
  if (name.ends_with("_bucket")) {
    // Only buckets with a numeric `le` take part (upstream skips NaN and unparsable bounds).
    const std::string le(labels.get("le"));
    char* end = nullptr;
    const double bound = std::strtod(le.c_str(), &end);
    if (le.empty() || end != le.c_str() + le.size() || std::isnan(bound)) return "";
    return std::string(name.substr(0, name.size() - 7));
  }
  if (name.ends_with("_count")) return std::string(name.substr(0, name.size() - 6));
  if (name.ends_with("_sum")) return std::string(name.substr(0, name.size() - 4));
  return "";
}

}  // namespace

void UnsupportedSeries::Record(const LoadCommand& load) {
  for (const LoadedSeries& s : load.series) {
    const bool has_histogram = std::any_of(s.values.begin(), s.values.end(),
                                           [](const SequenceValue& v) { return v.histogram; });
    const bool has_float =
        std::any_of(s.values.begin(), s.values.end(),
                    [](const SequenceValue& v) { return !v.histogram && !v.omitted; });
    if (has_histogram) histograms_.push_back({s.labels, s.line, "native-histogram samples"});
    if (load.with_nhcb && has_float) {
      const std::string base = ClassicHistogramBase(s.labels);
      if (!base.empty()) {
        LabelsBuilder b(s.labels);
        b.del("le").set(kMetricName, base);
        histograms_.push_back(
            {b.labels(), s.line, "a native histogram with custom buckets made by load_with_nhcb"});
      }
    }
  }
}

void UnsupportedSeries::Clear() {
  histograms_.clear();
}

std::optional<std::string> UnsupportedSeries::FirstUse(const Expr& expr,
                                                       const std::vector<Entry>& entries) {
  if (entries.empty()) return std::nullopt;
  for (const VectorSelector* vs : Selectors(expr)) {
    for (const Entry& e : entries) {
      if (SelectorMatches(*vs, e.labels)) {
        return "selector " + ExprString(*vs) + " reads " + e.labels.to_metric_string() + ", " +
               e.what + " (line " + std::to_string(e.line) + ")";
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> UnsupportedSeries::NativeHistogramUse(const Expr& expr) const {
  return FirstUse(expr, histograms_);
}

}  // namespace tocsin::promql::promqltest
