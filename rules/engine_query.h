// Rule queries through the PromQL engine (Prometheus's EngineQueryFunc): instant queries whose
// result must be a vector or a scalar.
#pragma once

#include "engine/promql/engine.h"
#include "engine/promql/parser.h"
#include "rules/rule_query.h"
#include "rules/template_functions.h"
#include "storage/querier.h"

namespace tocsin::rules {

// `engine` and `querier` must outlive the function.
QueryFunc MakeEngineQueryFunc(const promql::Engine& engine, const storage::Querier& querier);

// The `query` template function's backend: parses the text with `parser`, then as above.
TemplateQueryFunc MakeTemplateQueryFunc(const promql::Engine& engine,
                                        const storage::Querier& querier,
                                        promql::ParserOptions parser = {});

// The instant query both use; a scalar becomes one sample without labels.
Result<promql::Vector> RunInstantQuery(const promql::Engine& engine,
                                       const storage::Querier& querier, const promql::Expr& expr,
                                       TimestampMs t);

}  // namespace tocsin::rules
