// The query half of the Prometheus HTTP API, so that Grafana can use tocsin as a Prometheus data
// source and `promtool query instant|range|series|labels` work against it:
//
//   GET|POST /api/v1/query            query, time, timeout, lookback_delta, limit, stats
//   GET|POST /api/v1/query_range      query, start, end, step, timeout, lookback_delta, limit
//   GET|POST /api/v1/series           match[] (required), start, end, limit
//   GET|POST /api/v1/labels           match[], start, end, limit
//   GET      /api/v1/label/{name}/values  match[], start, end, limit
//   GET|POST /api/v1/query_exemplars  always empty (tocsin stores no exemplars)
//   GET      /api/v1/metadata         always empty (no metric metadata is kept)
//   GET      /api/v1/status/buildinfo
//
// Parameters, JSON and errors are Prometheus's (api_params.h, api_response.h). Work that reads
// the store runs on the QueryExecutor, bounded by `timeout` and the default query timeout.
#pragma once

#include <functional>
#include <string>

#include "engine/api/query_executor.h"
#include "engine/http/router.h"
#include "engine/promql/engine.h"
#include "engine/promql/parser.h"
#include "storage/base/time.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::api {

struct BuildInfo {
  std::string version;
  std::string revision;
  std::string branch;
  std::string build_user;
  std::string build_date;
  std::string go_version;  // Prometheus's field; tocsin reports its compiler here
};

struct QueryApiOptions {
  const storage::SeriesStore* store = nullptr;  // required
  QueryExecutor* executor = nullptr;            // required
  promql::EngineOptions engine;                 // lookback delta, sample limit
  promql::ParserOptions parser;
  DurationMs default_timeout = 2 * kMinute;  // Prometheus's --query.timeout
  // The default `time` of instant queries; the system clock when empty.
  std::function<TimestampMs()> now;
  BuildInfo build;
};

void RegisterPrometheusQueryApi(http::Router& router, QueryApiOptions options);

// The label name of /api/v1/label/{name}/values: names written as "U__" + value-encoded UTF-8
// (Prometheus's escaping for names that are not legacy identifiers) are decoded; anything else is
// returned as is.
std::string UnescapeLabelName(std::string_view name);

}  // namespace tocsin::api
