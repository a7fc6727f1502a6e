// Query results in the JSON of the Prometheus HTTP API (/api/v1/query, /api/v1/query_range), the
// same bytes Prometheus writes: values as strings in Go's shortest form ("1", "0.1", "1e-07",
// "+Inf", "NaN"), timestamps as Unix seconds with the milliseconds as three decimals (1.5 s is
// 1.500), label sets as objects in label-name order, and "warnings"/"infos" when present.
#pragma once

#include <string>
#include <string_view>

#include "engine/promql/engine.h"
#include "storage/base/time.h"

namespace tocsin::promql {

// Prometheus's sample value text (without the surrounding quotes).
std::string FormatApiFloat(double v);
// Prometheus's timestamp number: 0, 1.500, -2.005, 1700000000.
std::string FormatApiTimestamp(TimestampMs t);
// A JSON string literal as Go's encoder writes one (HTML-safe escapes for < > &).
std::string JsonString(std::string_view s);

// A label set as a JSON object in label-name order: {"__name__":"up","job":"api"}.
std::string LabelsJson(const Labels& labels);
// The data member of a query answer: {"resultType":"vector","result":[...]}.
std::string QueryDataJson(const Value& value);
// {"status":"success","data":{"resultType":...,"result":...}[,"warnings":[...]][,"infos":[...]]}
// `query` is the expression text the annotations' positions refer to.
std::string QuerySuccessJson(const QueryResult& result, std::string_view query);
// {"status":"error","errorType":"bad_data","error":"..."}
std::string QueryErrorJson(std::string_view error_type, std::string_view message);

}  // namespace tocsin::promql
