// The envelope of every Prometheus API answer, byte for byte as Prometheus writes it:
//
//   {"status":"success","data":<data>[,"warnings":[...]][,"infos":[...]]}
//   {"status":"error","errorType":"bad_data","error":"<message>"}
//
// with the HTTP status Prometheus gives each error type (bad_data 400, execution 422, timeout
// 503, canceled 499, internal 500, unavailable 503, not_found 404).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/http/response.h"

namespace tocsin::api {

enum class ApiErrorType {
  kBadData,
  kExecution,
  kTimeout,
  kCanceled,
  kInternal,
  kUnavailable,
  kNotFound
};

std::string_view ApiErrorTypeName(ApiErrorType t);  // "bad_data", "execution", ...
int ApiErrorStatus(ApiErrorType t);

struct ApiError {
  ApiErrorType type = ApiErrorType::kBadData;
  std::string message;
};

// Prometheus's invalidParamError: `invalid parameter "time": <message>`, bad_data.
ApiError InvalidParam(std::string_view parameter, std::string_view message);

// What an answer says besides its data: Prometheus returns at most 10 of each and then one line
// "N more warning annotations omitted" / "N more info annotations omitted".
struct ApiNotes {
  std::vector<std::string> warnings;
  std::vector<std::string> infos;
};

// `data_json` is the JSON text of the data member.
http::Response ApiSuccess(std::string_view data_json, const ApiNotes& notes = {});
http::Response ApiFailure(const ApiError& error);

}  // namespace tocsin::api
