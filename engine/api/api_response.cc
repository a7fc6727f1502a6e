#include "engine/api/api_response.h"

#include "engine/promql/format/api_json.h"
#include "storage/base/strings.h"

namespace tocsin::api {
namespace {

constexpr size_t kMaxNotes = 10;

void AppendNotes(std::string& out, const char* key, const std::vector<std::string>& notes,
                 const char* kind) {
  if (notes.empty()) return;
  out += ",\"";
  out += key;
  out += "\":[";
  const size_t shown = std::min(notes.size(), kMaxNotes);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) out += ",";
    out += promql::JsonString(notes[i]);
  }
  if (notes.size() > shown) {
    out += "," + promql::JsonString(std::to_string(notes.size() - shown) + " more " + kind +
                                    " annotations omitted");
  }
  out += "]";
}

}  // namespace

std::string_view ApiErrorTypeName(ApiErrorType t) {
  switch (t) {
    case ApiErrorType::kBadData:
      return "bad_data";
    case ApiErrorType::kExecution:
      return "execution";
    case ApiErrorType::kTimeout:
      return "timeout";
    case ApiErrorType::kCanceled:
      return "canceled";
    case ApiErrorType::kInternal:
      return "internal";
    case ApiErrorType::kUnavailable:
      return "unavailable";
    case ApiErrorType::kNotFound:
      return "not_found";
  }
  return "internal";
}

int ApiErrorStatus(ApiErrorType t) {
  switch (t) {
    case ApiErrorType::kBadData:
      return 400;
    case ApiErrorType::kExecution:
      return 422;
    case ApiErrorType::kTimeout:
      return 503;
    case ApiErrorType::kCanceled:
      return 499;  // nginx's "client closed request", which Prometheus uses
    case ApiErrorType::kInternal:
      return 500;
    case ApiErrorType::kUnavailable:
      return 503;
    case ApiErrorType::kNotFound:
      return 404;
  }
  return 500;
}

ApiError InvalidParam(std::string_view parameter, std::string_view message) {
  return {ApiErrorType::kBadData,
          "invalid parameter " + GoQuote(parameter) + ": " + std::string(message)};
}

http::Response ApiSuccess(std::string_view data_json, const ApiNotes& notes) {
  std::string body = R"({"status":"success","data":)";
  body += data_json;
  AppendNotes(body, "warnings", notes.warnings, "warning");
  AppendNotes(body, "infos", notes.infos, "info");
  body += "}";
  return http::Response::Json(200, std::move(body));
}

http::Response ApiFailure(const ApiError& error) {
  return http::Response::Json(ApiErrorStatus(error.type),
                              promql::QueryErrorJson(ApiErrorTypeName(error.type), error.message));
}

}  // namespace tocsin::api
