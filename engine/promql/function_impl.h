// The implementations of PromQL's functions, found by name in one table (functions.cc).
//
// Two shapes exist. Range functions (rate, *_over_time, ...) compute one value from the
// window of one series at one step. Instant functions map the input vectors of one step to an
// output vector. A few functions that work on whole series or need the syntax tree are handled
// by the evaluator itself (label_replace, label_join, info, timestamp of a selector); start(),
// end(), range() and step() are folded into numbers before evaluation.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/promql/ast.h"
#include "engine/promql/evaluator.h"
#include "engine/promql/range_window.h"
#include "engine/promql/value.h"

namespace tocsin::promql {

struct RangeCall {
  Evaluator& ev;
  const Call& call;
  const RangeSource& src;
  const RangeSource::Series& series;
  TimestampMs ts;           // the evaluation step
  TimestampMs range_start;  // the window is (range_start, range_end]
  TimestampMs range_end;
  // The samples of the window; for anchored and smoothed selectors also those of the
  // lookback period before (and, smoothed, after) it.
  SampleSpan points;
  std::span<const double> scalars;  // the call's other (scalar) arguments at this step

  std::string_view metric_name() const;  // of the input series, "" when dropped
};
using RangeFunction = std::optional<double> (*)(const RangeCall&);

struct InstantCall {
  Evaluator& ev;
  const Call& call;
  TimestampMs ts;
  std::vector<Vector>& args;  // one per call argument; empty for string arguments
  Vector& out;

  double scalar(size_t i) const { return args[i].empty() ? 0 : args[i][0].v; }
  std::string_view string_arg(size_t i) const;
};
using InstantFunction = void (*)(InstantCall&);

struct FunctionImpl {
  std::string_view name;
  RangeFunction range = nullptr;
  InstantFunction instant = nullptr;
};

// Null for unknown names and for the functions the evaluator implements itself.
const FunctionImpl* FindFunctionImpl(std::string_view name);

// The families, each registering its functions into the table (functions_*.cc).
void RegisterRangeFunctions(std::vector<FunctionImpl>& table);
void RegisterMathFunctions(std::vector<FunctionImpl>& table);
void RegisterTimeFunctions(std::vector<FunctionImpl>& table);
void RegisterLabelFunctions(std::vector<FunctionImpl>& table);
void RegisterHistogramFunctions(std::vector<FunctionImpl>& table);

// The functions that rewrite whole series rather than samples.
StepMatrix EvalLabelReplace(Evaluator& ev, const Call& call);
StepMatrix EvalLabelJoin(Evaluator& ev, const Call& call);

// rate, increase, irate and resets: the functions that read the start timestamps of a range
// selector's samples when EngineOptions::use_start_timestamps is on.
bool ReadsStartTimes(std::string_view name);

// Functions whose result depends on the evaluation time even when their arguments do not
// (so a call is never step-invariant), and timestamp(), which reads sample times.
bool IsAtModifierUnsafe(std::string_view name);

// The labels absent() and absent_over_time() give their output: those set by equality
// matchers of the argument selector (a label matched twice is left out).
Labels AbsentLabels(const Expr& arg);

// The quantile of `values` (sorted in place) with Prometheus's interpolation; NaN for no
// values or q = NaN, -Inf for q < 0, +Inf for q > 1.
double Quantile(double q, std::vector<double>& values);

}  // namespace tocsin::promql
