// The query parameters of Alertmanager API v2 read as its go-openapi server reads them: booleans
// through go-openapi's swag.ConvertBool ("true", "1", "yes", ... are true, any other text is
// false; an empty value keeps the default), and `filter` / `receiver_matchers` as matchers in
// Alertmanager's fallback syntax.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "engine/alerting/matchers.h"
#include "engine/http/request.h"
#include "storage/base/result.h"

namespace tocsin::alertmanager_api {

// A parameter that breaks the schema: a 422 with go-openapi's code and message.
struct ParamError {
  int code = 601;  // InvalidTypeCode
  std::string message;
};

// The boolean `name`, or `fallback` when it is absent or empty. Never an error (as in
// go-openapi); the Result leaves room for parameter types that can fail.
Result<bool> BoolParam(const http::Params& params, std::string_view name, bool fallback);

// Every value of `name` parsed as one matcher (Alertmanager's parseFilter). The error is the
// parser's message, which the API returns as it is.
Result<alerting::Matchers> MatcherParams(const http::Params& params, std::string_view name);

// Alertmanager's matchFilterLabels: like alerting::MatchesAll, over a plain map (receiver
// labels).
bool MatchesLabelMap(const alerting::Matchers& matchers,
                     const std::map<std::string, std::string>& labels);

}  // namespace tocsin::alertmanager_api
