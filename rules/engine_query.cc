#include "rules/engine_query.h"

namespace tocsin::rules {

Result<promql::Vector> RunInstantQuery(const promql::Engine& engine,
                                       const storage::Querier& querier, const promql::Expr& expr,
                                       TimestampMs t) {
  Result<promql::QueryResult> r = engine.InstantQuery(querier, expr, t);
  if (!r.ok()) return r.error();
  if (auto* v = std::get_if<promql::Vector>(&r->value)) return std::move(*v);
  if (auto* s = std::get_if<promql::Scalar>(&r->value)) {
    return promql::Vector{promql::Sample{Labels{}, s->t, s->v}};
  }
  return Error{"rule result is not a vector or scalar"};
}

QueryFunc MakeEngineQueryFunc(const promql::Engine& engine, const storage::Querier& querier) {
  return [&engine, &querier](const promql::Expr& expr, TimestampMs t) {
    return RunInstantQuery(engine, querier, expr, t);
  };
}

TemplateQueryFunc MakeTemplateQueryFunc(const promql::Engine& engine,
                                        const storage::Querier& querier,
                                        promql::ParserOptions parser) {
  return [&engine, &querier, parser](std::string_view text,
                                     TimestampMs at) -> Result<std::vector<QuerySample>> {
    Result<promql::ExprPtr> expr = promql::ParseExpr(text, parser);
    if (!expr.ok()) return expr.error();
    Result<promql::Vector> v = RunInstantQuery(engine, querier, **expr, at);
    if (!v.ok()) return v.error();
    std::vector<QuerySample> out;
    out.reserve(v->size());
    for (promql::Sample& s : *v) out.push_back({std::move(s.metric), s.v});
    return out;
  };
}

}  // namespace tocsin::rules
