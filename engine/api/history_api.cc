#include "engine/api/history_api.h"

#include <charconv>
#include <chrono>
#include <sstream>

#include "engine/api/api_response.h"
#include "engine/cli/history_query.h"

namespace tocsin::api {
namespace {

TimestampMs SystemNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

http::Response Answer(const http::Request& request, const HistoryApiOptions& o) {
  auto params = request.QueryParams();
  if (!params.ok()) return ApiFailure({ApiErrorType::kBadData, params.message()});
  cli::HistoryQueryArgs args;
  args.since = std::string(params->Get("since"));
  args.until = std::string(params->Get("until"));
  args.alertname = std::string(params->Get("alertname"));
  args.matchers = params->GetAll("matcher");
  args.states = params->GetAll("state");
  args.receiver = std::string(params->Get("receiver"));
  args.integration = std::string(params->Get("integration"));
  if (params->Has("limit")) {
    const std::string_view text = params->Get("limit");
    size_t limit = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return ApiFailure(
          InvalidParam("limit", "not a non-negative integer: \"" + std::string(text) + "\""));
    }
    args.limit = limit;
  }
  const std::string_view notifications = params->Get("notifications");
  if (!notifications.empty() && notifications != "true" && notifications != "false") {
    return ApiFailure(InvalidParam("notifications", "want true or false"));
  }
  args.notifications = notifications == "true";
  std::ostringstream out;
  Status s = cli::RunHistoryQuery(o.database_path, args, cli::OutputFormat::kJson,
                                  o.now ? o.now() : SystemNow(), out);
  if (!s.ok()) return ApiFailure({ApiErrorType::kBadData, s.message()});
  std::string data = out.str();
  while (!data.empty() && (data.back() == '\n' || data.back() == ' ')) data.pop_back();
  return ApiSuccess(data);
}

}  // namespace

void RegisterHistoryApi(http::Router& router, HistoryApiOptions options) {
  auto o = std::make_shared<HistoryApiOptions>(std::move(options));
  router.HandleAsync("GET", "/api/v1/history", [o](http::Request request, http::Responder done) {
    auto shared = std::make_shared<http::Request>(std::move(request));
    o->executor->Run(
        o->timeout, [o, shared] { return Answer(*shared, *o); },
        [] {
          return ApiFailure({ApiErrorType::kTimeout, "query timed out in history lookup"});
        },
        std::move(done));
  });
}

}  // namespace tocsin::api
