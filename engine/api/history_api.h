// GET /api/v1/history: tocsin's own endpoint for the alert history, with the filters of
// `tocsin history` as query parameters (since, until, alertname, matcher (repeatable), state
// (repeatable or comma-separated), receiver, limit (default 100, 0 = all), notifications=true
// with integration for delivery attempts). The data is the list `tocsin history --format json`
// prints, in Prometheus's envelope: {"status":"success","data":[...]}; bad parameters are 400
// bad_data. Reads through its own read-only connection, off the HTTP threads.
#pragma once

#include <functional>
#include <string>

#include "engine/api/query_executor.h"
#include "engine/http/router.h"
#include "storage/base/time.h"

namespace tocsin::api {

struct HistoryApiOptions {
  std::string database_path;          // <storage.path>/tocsin.db
  QueryExecutor* executor = nullptr;  // required
  DurationMs timeout = 30 * kSecond;
  std::function<TimestampMs()> now;  // the system clock when empty
};

void RegisterHistoryApi(http::Router& router, HistoryApiOptions options);

}  // namespace tocsin::api
