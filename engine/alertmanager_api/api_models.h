// Alertmanager API v2's models (api/v2/openapi.yaml of Alertmanager 0.34) as JSON: what
// tocsin's pipeline holds, encoded with the field names, key order and time format Alertmanager
// writes (go-openapi: keys of each allOf part in alphabetical order, times as
// "2024-05-01T12:00:00.000Z"), and the request bodies decoded with the checks Alertmanager's
// generated server makes before its handlers run.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/alerting/alert.h"
#include "engine/alerting/alerting_pipeline.h"
#include "engine/alerting/silences.h"
#include "storage/base/result.h"

namespace tocsin::alertmanager_api {

using Json = nlohmann::ordered_json;

// Why a request body was refused, and how: malformed JSON or a value of the wrong type is a
// 400 with a plain message (Alertmanager answers those with a JSON string); a body that parses
// but breaks the OpenAPI schema (a required field missing, no matchers) is a 422 with
// go-openapi's `{"code": 602, "message": "..."}`.
struct BodyError {
  int http_status = 400;
  int code = 0;  // go-openapi's validation code for 422s
  std::string message;
};

template <typename T>
struct Decoded {
  T value{};
  std::optional<BodyError> error;
};

Json GettableAlertJson(const alerting::ApiAlert& alert);
Json AlertGroupJson(const alerting::ApiAlertGroup& group);
Json GettableSilenceJson(const alerting::Silence& silence, TimestampMs now);
Json ReceiverJson(const alerting::ApiReceiver& receiver);

// POST /api/v2/alerts: a JSON array of postableAlert.
Decoded<std::vector<alerting::PostableAlert>> DecodePostableAlerts(std::string_view body);
// POST /api/v2/silences: one postableSilence.
Decoded<alerting::Silence> DecodePostableSilence(std::string_view body);

// strfmt.DateTime (strfmt_time.h: RFC 3339 and the other layouts strfmt reads, Go's error
// text); Go's zero time ("0001-01-01T00:00:00Z", what clients send for "not set") reads as 0.
Result<TimestampMs> ParseApiTime(std::string_view s);

}  // namespace tocsin::alertmanager_api
