// The rule half of the Prometheus HTTP API (what Grafana's alert list, the alert-generator
// compliance suite and `curl .../api/v1/alerts` read):
//
//   GET /api/v1/rules    type=alert|record, rule_name[], rule_group[], file[], match[],
//                        exclude_alerts, group_limit + group_next_token (pagination)
//   GET /api/v1/alerts   every pending and firing alert of every alerting rule
//
// The JSON is Prometheus's field for field (names, order, floats and times as Go prints them).
#pragma once

#include <functional>

#include "engine/http/router.h"
#include "rules/rule_group.h"

namespace tocsin::api {

struct RulesApiOptions {
  // Calls its argument for every loaded group, in load order, holding reloads off meanwhile
  // (rules::RuleManager::ForEachGroup).
  std::function<void(const std::function<void(const rules::RuleGroup&)>&)> for_each_group;
};

void RegisterPrometheusRulesApi(http::Router& router, RulesApiOptions options);

// The pieces, for callers that render rules elsewhere (tests, `tocsin` status pages).
// {"groups":[...]} for the query string of a /api/v1/rules request, or the API error.
http::Response RulesResponse(const http::Request& request, const RulesApiOptions& options);
http::Response AlertsResponse(const RulesApiOptions& options);

}  // namespace tocsin::api
