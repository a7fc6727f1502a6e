// The query entry points: pre-processing, one evaluator over the query's steps, and turning
// its step matrix into the value Prometheus returns (with dropped metric names removed).
#include "engine/promql/engine.h"

#include <algorithm>
#include <exception>

#include "engine/promql/evaluator.h"
#include "engine/promql/label_ops.h"
#include "engine/promql/preprocess.h"

namespace tocsin::promql {

namespace {

constexpr const char* kDuplicateLabelset = "vector cannot contain metrics with the same labelset";

// Removes the dropped metric names for good. With delayed name removal this is where series
// can collide: they are merged if their points do not overlap, else the query fails.
void FinalizeLabels(Evaluator& ev, StepMatrix& m) {
  for (auto& s : m.series) {
    if (s.drop_name) s.metric = DropMetadata(s.metric);
    s.drop_name = false;
  }
  if (ev.delayed_name_removal()) ev.MergeSameLabelsets(m);
}

Matrix ToMatrix(StepMatrix& m) {
  Matrix out;
  out.reserve(m.series.size());
  for (auto& s : m.series) {
    auto pts = m.points_of(s);
    out.push_back(Series{std::move(s.metric), std::vector<FPoint>(pts.begin(), pts.end()), false});
  }
  std::sort(out.begin(), out.end(),
            [](const Series& a, const Series& b) { return a.metric < b.metric; });
  return out;
}

Result<QueryResult> Run(const EngineOptions& options, const storage::Querier& querier,
                        const Expr& expr, TimestampMs start, TimestampMs end, DurationMs step) {
  const bool instant = step == 0;
  Result<ExprPtr> prepared = PreprocessExpr(expr, start, end, step);
  if (!prepared.ok()) return prepared.error();

  QueryContext ctx(querier, options);
  // An instant query is a range evaluation with one step (of 1 ms, as in Prometheus).
  Evaluator ev(ctx, start, end, instant ? 1 : step);
  QueryResult result;
  try {
    EvalResult r = ev.Eval(**prepared);
    if (r.is_string) {
      result.value = String{start, std::move(r.str)};
    } else if (instant && expr.type() == ValueType::kScalar) {
      const auto& m = r.matrix;
      const double v =
          m.series.empty() || m.series[0].size() == 0 ? 0 : m.points[m.series[0].begin].v;
      result.value = Scalar{start, v};
    } else if (instant && expr.type() == ValueType::kVector) {
      StepMatrix& m = r.matrix;
      for (auto& s : m.series) {
        if (s.drop_name) s.metric = DropMetadata(s.metric);
        s.drop_name = false;
      }
      Vector v;
      v.reserve(m.series.size());
      for (auto& s : m.series) {
        if (s.size() == 0) continue;
        // The value's own time may differ (timestamp()); the result is at the query time.
        v.push_back(Sample{std::move(s.metric), start, m.points[s.begin].v, false});
      }
      if (ev.delayed_name_removal() && ev.ContainsSameLabelset(v)) {
        throw EvalError(kDuplicateLabelset);
      }
      result.value = std::move(v);
    } else {
      FinalizeLabels(ev, r.matrix);
      result.value = ToMatrix(r.matrix);
    }
  } catch (const EvalError& e) {
    return Error{e.what()};
  } catch (const std::exception& e) {
    return Error{std::string("unexpected error: ") + e.what()};
  }
  ctx.annotations.Finish(result.warnings, result.infos);
  return result;
}

}  // namespace

Engine::Engine(EngineOptions options) : options_(options) {}

Result<QueryResult> Engine::InstantQuery(const storage::Querier& querier, const Expr& expr,
                                         TimestampMs t) const {
  return Run(options_, querier, expr, t, t, 0);
}

Result<QueryResult> Engine::RangeQuery(const storage::Querier& querier, const Expr& expr,
                                       TimestampMs start, TimestampMs end, DurationMs step) const {
  if (expr.type() != ValueType::kVector && expr.type() != ValueType::kScalar) {
    return Error{std::string("invalid expression type \"") + DocumentedType(expr.type()) +
                 "\" for range query, must be Scalar or instant Vector"};
  }
  if (step <= 0) {
    return Error{
        "zero or negative query resolution step widths are not accepted. Try a "
        "positive integer"};
  }
  if (end < start) return Error{"end timestamp must not be before start time"};
  return Run(options_, querier, expr, start, end, step);
}

std::string FormatAnnotation(const Annotation& a, std::string_view query) {
  std::string out = a.kind == Annotation::Kind::kWarning ? "PromQL warning: " : "PromQL info: ";
  out += a.message;
  out += " (";
  const int pos = a.pos.start;
  if (query.empty()) {
    out += "unknown position";
  } else if (pos < 0 || static_cast<size_t>(pos) > query.size()) {
    out += "invalid position";
  } else {
    int line = 1;
    int last_break = -1;
    for (int i = 0; i < pos; ++i) {
      if (query[static_cast<size_t>(i)] == '\n') {
        last_break = i;
        ++line;
      }
    }
    out += std::to_string(line) + ":" + std::to_string(pos - last_break);
  }
  out += ')';
  return out;
}

}  // namespace tocsin::promql
