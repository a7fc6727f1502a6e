// The evaluator: walks a pre-processed syntax tree and computes its value at every step of
// [start, end] (one step for an instant query), as Prometheus's evaluator does. Every node
// evaluates to a StepMatrix: instant vectors and scalars have (at most) one point per step and
// series; a scalar is one series with no labels. Range vectors only appear as function
// arguments, except at the top of an instant query.
//
// The node kinds are split by concern across eval_*.cc; functions live in functions_*.cc and
// are found by name in one table (functions.h). Internally failures are thrown as EvalError
// and turned into Result errors at the Engine boundary.
#pragma once

#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/promql/annotations.h"
#include "engine/promql/ast.h"
#include "engine/promql/engine.h"
#include "engine/promql/range_window.h"
#include "engine/promql/selection_pool.h"
#include "engine/promql/step_matrix.h"
#include "engine/promql/value.h"
#include "storage/querier.h"

namespace tocsin::promql {

class EvalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// State shared by all evaluators (the query's own and those of its subqueries).
struct QueryContext {
  QueryContext(const storage::Querier& q, const EngineOptions& o) : querier(q), options(o) {}

  const storage::Querier& querier;
  const EngineOptions& options;
  AnnotationSet annotations;
  size_t samples = 0;  // samples currently held, checked against options.max_samples
};

// The value of one node: a step matrix, or a string.
struct EvalResult {
  StepMatrix matrix;
  std::string str;
  bool is_string = false;
};

// A range-vector argument ready for a function: how the window for each step is found, and
// where its series come from. A subquery's series are computed up front and held here; a
// selector's are visited one at a time straight from the querier (ForEachRangeSeries), so range
// functions read the samples where the storage keeps them. Stale markers are removed (only series
// that have them are copied).
struct RangeSource {
  struct Series {
    // A held series' label set; empty for a visited one, whose labels are `selected->labels`
    // (views valid only during the ForEachRangeSeries call). Read them with WithLabels, and
    // build a Labels with Materialize only when the series' labels leave the call.
    Labels metric;
    bool drop_name = false;
    SampleSpan samples;
    // No stale marker in `samples` and no value lower than the one before it (see
    // storage::SelectedSeries): rate() and increase() then read only the window's ends.
    bool no_stale_or_decrease = false;
    const storage::SelectedSeries* selected = nullptr;

    Labels Materialize() const { return selected != nullptr ? selected->Materialize() : metric; }
    // f(labels) with the series' labels as a sorted span of Label or of LabelView.
    template <typename F>
    decltype(auto) WithLabels(F&& f) const {
      return selected != nullptr ? f(selected->labels) : f(metric.items());
    }
  };
  DurationMs range = 0;
  DurationMs offset = 0;  // window end = step time - offset ...
  bool has_at = false;    // ... or, with @, always at_time - original offset
  TimestampMs window_end_at = 0;
  bool anchored = false;
  bool smoothed = false;
  bool from_subquery = false;
  PosRange pos;  // of the argument, for annotations
  // A selector: what to select, samples mint <= t <= maxt.
  const std::vector<LabelMatcher>* matchers = nullptr;
  TimestampMs select_mint = 0;
  TimestampMs select_maxt = 0;
  // Otherwise (a subquery, or a selection with start timestamps) the series and samples held
  // here, of which held_samples come from the querier.
  std::vector<Series> series;
  PooledSelection selected;
  size_t held_samples = 0;
  std::vector<TimestampMs> owned_t;
  std::vector<double> owned_v;
  std::vector<TimestampMs> owned_st;  // their start timestamps (selected with them)
};

class Evaluator {
 public:
  Evaluator(QueryContext& ctx, TimestampMs start, TimestampMs end, DurationMs interval)
      : ctx_(ctx), start_(start), end_(end), interval_(interval) {}

  EvalResult Eval(const Expr& e);
  // For nodes of type vector or scalar.
  StepMatrix EvalSteps(const Expr& e) { return Eval(e).matrix; }

  TimestampMs start() const { return start_; }
  TimestampMs end() const { return end_; }
  DurationMs interval() const { return interval_; }
  int NumSteps() const { return static_cast<int>((end_ - start_) / interval_) + 1; }
  bool IsInstant() const { return start_ == end_; }

  const EngineOptions& options() const { return ctx_.options; }
  bool delayed_name_removal() const { return ctx_.options.delayed_name_removal; }
  // Whether the metadata labels of a sample flagged drop_name are gone for readers now.
  bool Hidden(bool drop_name) const { return drop_name && !ctx_.options.delayed_name_removal; }
  AnnotationSet& annotations() { return ctx_.annotations; }
  QueryContext& context() { return ctx_; }

  [[noreturn]] void Fail(std::string message) const { throw EvalError(std::move(message)); }
  // Accounts for samples held in memory; fails the query beyond the configured limit.
  void AddSamples(size_t n);
  void ReleaseSamples(size_t n) { ctx_.samples -= std::min(n, ctx_.samples); }

  // --- Step-wise evaluation of node inputs (evaluator.cc) ---
  // The input vectors of one step, with the matching signature ordinal of each sample when
  // a matching was given.
  struct StepInputs {
    std::vector<Vector> vectors;
    std::vector<std::vector<uint32_t>> sigs;
    uint32_t num_sigs = 0;
  };
  using StepFunction = std::function<void(StepInputs& in, TimestampMs ts, Vector& out)>;
  // Evaluates `exprs` (null or string entries are skipped: functions read those from the
  // syntax tree), calls `fn` at every step with their values, and collects the outputs.
  StepMatrix RangeEval(std::span<const Expr* const> exprs, const VectorMatching* matching,
                       const StepFunction& fn);

  // --- Node kinds ---
  StepMatrix EvalVectorSelector(const VectorSelector& vs);               // eval_selectors.cc
  StepMatrix EvalMatrixSelector(const MatrixSelector& ms);               // eval_selectors.cc
  RangeSource LoadRange(const Expr& arg, const std::string& func_name);  // eval_selectors.cc
  // Calls `fn` for every series of `src` (see RangeSource), counting the samples read against
  // the query's limit. Returns that count (the caller releases it). For a selector `fn` runs
  // while the storage holds the series' lock: it must not query. eval_selectors.cc
  size_t ForEachRangeSeries(const RangeSource& src,
                            const std::function<void(const RangeSource::Series&)>& fn);
  StepMatrix EvalBinary(const BinaryExpr& e);        // eval_binary.cc
  StepMatrix EvalAggregate(const AggregateExpr& e);  // eval_aggregate.cc
  StepMatrix EvalSubquery(const SubqueryExpr& e);    // eval_subquery.cc
  // Receives each series of a range function's result (with whether its metadata labels are
  // hidden) and returns the index of its group: an aggregation over the call groups the
  // series as they are produced, from the labels the selection presents, instead of building
  // a label set for every one of them.
  using SeriesGrouper = std::function<uint32_t(const RangeSource::Series&, bool hidden)>;
  // With a grouper, and when the call can do it (a range function over a selector of one
  // metric name, see eval_call.cc), the result's series carry no labels and `group_of` gets
  // the group of each; otherwise `group_of` is left empty and the labels are there.
  StepMatrix EvalCall(const Call& e, const SeriesGrouper* grouper = nullptr,
                      std::vector<uint32_t>* group_of = nullptr);  // eval_call.cc
  StepMatrix EvalInfo(const Call& e);                // eval_info.cc

  // Effective offset of a selector or subquery: with @, relative to this evaluator's start.
  DurationMs EffectiveOffset(DurationMs original, AtModifier at, TimestampMs at_ts) const {
    return at == AtModifier::kNone ? original : original + (start_ - at_ts);
  }

  // Merges series whose (effective) label sets became equal, if their points do not overlap
  // in time; fails otherwise. Prometheus does this after unary minus, label_replace and
  // label_join, and at the end of a query with delayed name removal.
  void MergeSameLabelsets(StepMatrix& m) const;
  bool ContainsSameLabelset(const Vector& v) const;
  bool ContainsSameLabelset(const StepMatrix& m) const;

 private:
  StepMatrix EvalStepInvariant(const StepInvariantExpr& e);
  StepMatrix EvalNumber(double v);
  StepMatrix EvalUnary(const UnaryExpr& e);

  QueryContext& ctx_;
  TimestampMs start_;
  TimestampMs end_;
  DurationMs interval_;
};

// Strips ParenExpr wrappers (Prometheus drops them from function and aggregation arguments).
const Expr& Unparen(const Expr& e);

// Prometheus's DocumentedType names: "scalar", "instant vector", "range vector", "string".
const char* DocumentedType(ValueType t);

}  // namespace tocsin::promql
