#include "engine/alertmanager_api/alertmanager_api.h"

#include <re2/re2.h>

#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "engine/alertmanager_api/api_models.h"
#include "engine/alertmanager_api/query_params.h"
#include "engine/alertmanager_api/status_config.h"
#include "storage/base/go_regexp_error.h"

namespace tocsin::alertmanager_api {
namespace {

using alerting::AlertingPipeline;
using http::Request;
using http::Response;

// Alertmanager marks every API answer as not cacheable.
Response WithApiHeaders(Response r) {
  r.Header("Cache-Control", "no-store");
  return r;
}

Response JsonBody(int status, const Json& value) {
  return WithApiHeaders(
      Response::Json(status, value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
}

// A response whose schema is `type: string`: the message as a JSON string.
Response StringPayload(int status, const std::string& message) {
  return JsonBody(status, Json(message));
}

// go-openapi's own errors (schema violations in parameters and bodies).
Response OpenApiError(int status, int code, const std::string& message) {
  return JsonBody(status, Json{{"code", code}, {"message", message}});
}

Response BodyErrorResponse(const BodyError& e) {
  return OpenApiError(e.http_status, e.code, e.message);
}

Response EmptyOk() {
  Response r;
  r.status = 200;
  return WithApiHeaders(std::move(r));
}

Response TooLarge(std::string_view what) {
  return WithApiHeaders(Response::Error(413, std::string(what)));
}

// go-openapi's check of a body's media type: the API consumes application/json only (any
// parameters, such as a charset, allowed); a request without Content-Type counts as
// application/octet-stream. Nullopt when the body may be read.
std::optional<Response> UnsupportedMediaType(const Request& req) {
  if (req.body.empty()) return std::nullopt;  // no body: nothing to check (then "required")
  std::string type(req.header("Content-Type"));
  if (type.empty()) type = "application/octet-stream";
  std::string media = type.substr(0, type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.pop_back();
  size_t start = media.find_first_not_of(" \t");
  media = start == std::string::npos ? "" : media.substr(start);
  for (char& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (media == "application/json") return std::nullopt;
  return OpenApiError(
      415, 415, "unsupported media type \"" + media + "\", only [application/json] are allowed");
}

// go-openapi's `format: uuid` check of the silenceID path parameter.
bool IsUuid(std::string_view s) {
  static const RE2 kUuid("(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}");
  return RE2::FullMatch(s, kUuid);
}

// The receiver regex parameter, anchored as Alertmanager anchors it.
Result<std::shared_ptr<RE2>> ReceiverRegex(const http::Params& params) {
  if (!params.Has("receiver") || params.Get("receiver").empty()) return std::shared_ptr<RE2>();
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_shared<RE2>("^(?:" + std::string(params.Get("receiver")) + ")$", o);
  if (!re->ok()) {
    return Error{"failed to parse receiver param: " + GoRegexpError(*re)};
  }
  return re;
}

// The filters GET /alerts and GET /alerts/groups share: label matchers, the receiver regex and
// receiver matchers. The error is the text of the 400 to answer.
struct AlertFilters {
  alerting::Matchers filter;
  std::optional<std::string> receiver;
  alerting::Matchers receiver_matchers;
};

Result<AlertFilters> ReadAlertFilters(const http::Params& params) {
  AlertFilters f;
  auto filter = MatcherParams(params, "filter");
  if (!filter.ok()) return Error{filter.message()};
  f.filter = std::move(*filter);
  auto receiver = ReceiverRegex(params);
  if (!receiver.ok()) return Error{receiver.message()};
  if (*receiver) f.receiver = std::string(params.Get("receiver"));
  auto receiver_matchers = MatcherParams(params, "receiver_matchers");
  if (!receiver_matchers.ok()) {
    return Error{"failed to parse receiver_matchers param: " + receiver_matchers.message()};
  }
  f.receiver_matchers = std::move(*receiver_matchers);
  return f;
}

class AlertmanagerApi {
 public:
  AlertmanagerApi(AlertingPipeline& pipeline, AlertmanagerApiOptions options)
      : pipeline_(pipeline), options_(std::move(options)) {
    if (options_.start_time == 0) options_.start_time = pipeline_.now();
    if (!options_.env) options_.env = alerting::ProcessEnvironment();
  }

  Response GetAlerts(const Request& req) {
    auto params = req.QueryParams();
    if (!params.ok()) return StringPayload(400, params.message());
    alerting::AlertQuery q;
    if (auto r = ReadFlags(*params, {{"active", &q.active},
                                     {"silenced", &q.silenced},
                                     {"inhibited", &q.inhibited},
                                     {"unprocessed", &q.unprocessed}})) {
      return *r;
    }
    auto filters = ReadAlertFilters(*params);
    if (!filters.ok()) return StringPayload(400, filters.message());
    q.filter = std::move(filters->filter);
    q.receiver = std::move(filters->receiver);
    const alerting::Matchers& receiver_matchers = filters->receiver_matchers;
    const auto labels_of = ReceiverLabels();
    Json out = Json::array();
    for (const alerting::ApiAlert& a : pipeline_.Alerts(q)) {
      if (!receiver_matchers.empty() &&
          !AnyReceiverMatches(a.receivers, receiver_matchers, labels_of)) {
        continue;
      }
      out.push_back(GettableAlertJson(a));
    }
    return JsonBody(200, out);
  }

  Response PostAlerts(const Request& req) {
    if (req.body.size() > options_.max_body_bytes) {
      return TooLarge("request body larger than " + std::to_string(options_.max_body_bytes) +
                      " bytes");
    }
    if (auto r = UnsupportedMediaType(req)) return *r;
    auto alerts = DecodePostableAlerts(req.body);
    if (alerts.error) return BodyErrorResponse(*alerts.error);
    if (alerts.value.size() > options_.max_alerts_per_post) {
      return TooLarge("more than " + std::to_string(options_.max_alerts_per_post) +
                      " alerts in one request");
    }
    Status s = pipeline_.Put(std::move(alerts.value));
    if (!s.ok()) return StringPayload(400, s.message());
    return EmptyOk();
  }

  Response GetAlertGroups(const Request& req) {
    auto params = req.QueryParams();
    if (!params.ok()) return StringPayload(400, params.message());
    alerting::GroupQuery q;
    if (auto r = ReadFlags(*params, {{"active", &q.active},
                                     {"silenced", &q.silenced},
                                     {"inhibited", &q.inhibited},
                                     {"muted", &q.muted}})) {
      return *r;
    }
    auto filters = ReadAlertFilters(*params);
    if (!filters.ok()) return StringPayload(400, filters.message());
    q.filter = std::move(filters->filter);
    q.receiver = std::move(filters->receiver);
    const alerting::Matchers& receiver_matchers = filters->receiver_matchers;
    const auto labels_of = ReceiverLabels();
    Json out = Json::array();
    for (const alerting::ApiAlertGroup& g : pipeline_.AlertGroups(q)) {
      if (!receiver_matchers.empty() &&
          !AnyReceiverMatches({g.receiver}, receiver_matchers, labels_of)) {
        continue;
      }
      out.push_back(AlertGroupJson(g));
    }
    return JsonBody(200, out);
  }

  Response GetSilences(const Request& req) {
    auto params = req.QueryParams();
    if (!params.ok()) return StringPayload(400, params.message());
    bool active = true, expired = true, pending = true;
    if (auto r = ReadFlags(*params,
                           {{"active", &active}, {"expired", &expired}, {"pending", &pending}})) {
      return *r;
    }
    auto filter = MatcherParams(*params, "filter");
    if (!filter.ok()) return StringPayload(400, filter.message());
    alerting::SilenceQuery q;
    q.filter = std::move(*filter);
    if (active) q.states.push_back(alerting::SilenceState::kActive);
    if (expired) q.states.push_back(alerting::SilenceState::kExpired);
    if (pending) q.states.push_back(alerting::SilenceState::kPending);
    Json out = Json::array();
    if (q.states.empty()) return JsonBody(200, out);  // every state excluded
    const TimestampMs now = pipeline_.now();
    for (const alerting::Silence& s : pipeline_.ListSilences(q)) {
      out.push_back(GettableSilenceJson(s, now));
    }
    return JsonBody(200, out);
  }

  Response PostSilences(const Request& req) {
    if (req.body.size() > options_.max_body_bytes) {
      return TooLarge("request body larger than " + std::to_string(options_.max_body_bytes) +
                      " bytes");
    }
    if (auto r = UnsupportedMediaType(req)) return *r;
    auto silence = DecodePostableSilence(req.body);
    if (silence.error) return BodyErrorResponse(*silence.error);
    auto id = pipeline_.SetSilence(std::move(silence.value));
    if (!id.ok()) {
      return StringPayload(alerting::IsSilenceNotFound(id.error()) ? 404 : 400, id.message());
    }
    return JsonBody(200, Json{{"silenceID", *id}});
  }

  Response GetSilence(const Request& req) {
    const std::string id(req.path_param("silenceID"));
    if (!IsUuid(id)) return InvalidUuid(id);
    auto s = pipeline_.GetSilence(id);
    if (!s) return WithApiHeaders(Response{404, {}, {}});
    return JsonBody(200, GettableSilenceJson(*s, pipeline_.now()));
  }

  Response DeleteSilence(const Request& req) {
    const std::string id(req.path_param("silenceID"));
    if (!IsUuid(id)) return InvalidUuid(id);
    Status s = pipeline_.ExpireSilence(id);
    if (!s.ok()) {
      if (alerting::IsSilenceNotFound(s)) return WithApiHeaders(Response{404, {}, {}});
      return StringPayload(500, s.message());
    }
    return EmptyOk();
  }

  Response GetStatus(const Request&) {
    Json version = Json::object();
    version["branch"] = options_.branch;
    version["buildDate"] = options_.build_date;
    version["buildUser"] = options_.build_user;
    version["goVersion"] = options_.go_version;
    version["revision"] = options_.revision;
    version["version"] = options_.version;
    Json out = Json::object();
    out["cluster"] = Json{{"peers", Json::array()}, {"status", "disabled"}};
    out["config"] = Json{{"original", OriginalConfig()}};
    out["uptime"] = FormatRfc3339Millis(options_.start_time);
    out["versionInfo"] = std::move(version);
    return JsonBody(200, out);
  }

  Response GetReceivers(const Request& req) {
    auto params = req.QueryParams();
    if (!params.ok()) return StringPayload(400, params.message());
    auto receiver_matchers = MatcherParams(*params, "receiver_matchers");
    if (!receiver_matchers.ok()) {
      return StringPayload(
          400, "failed to parse receiver_matchers param: " + receiver_matchers.message());
    }
    Json out = Json::array();
    for (const alerting::ApiReceiver& r : pipeline_.Receivers()) {
      if (!receiver_matchers->empty() && !MatchesLabelMap(*receiver_matchers, r.labels)) continue;
      out.push_back(ReceiverJson(r));
    }
    return JsonBody(200, out);
  }

 private:
  using LabelMap = std::map<std::string, std::string>;

  // Reads boolean parameters; the first invalid one is go-openapi's 422.
  std::optional<Response> ReadFlags(const http::Params& params,
                                    std::initializer_list<std::pair<const char*, bool*>> flags) {
    for (const auto& [name, target] : flags) {
      auto v = BoolParam(params, name, *target);
      if (!v.ok()) return OpenApiError(422, 601, v.message());
      *target = *v;
    }
    return std::nullopt;
  }

  Response InvalidUuid(const std::string& id) {
    return OpenApiError(422, 601, "silenceID in path must be of type uuid: \"" + id + "\"");
  }

  std::map<std::string, LabelMap> ReceiverLabels() const {
    std::map<std::string, LabelMap> out;
    for (alerting::ApiReceiver& r : pipeline_.Receivers()) out[r.name] = std::move(r.labels);
    return out;
  }

  // Alertmanager's receiversMatchLabels: some receiver's labels match every matcher.
  static bool AnyReceiverMatches(const std::vector<std::string>& receivers,
                                 const alerting::Matchers& matchers,
                                 const std::map<std::string, LabelMap>& labels_of) {
    for (const std::string& r : receivers) {
      auto it = labels_of.find(r);
      if (it != labels_of.end() && MatchesLabelMap(matchers, it->second)) return true;
    }
    return false;
  }

  // Rendered once per configuration: reloads swap the pointer.
  std::string OriginalConfig() {
    std::shared_ptr<const alerting::Config> config = pipeline_.config();
    std::lock_guard lock(mu_);
    if (config != rendered_for_) {
      rendered_ = config ? ConfigForStatus(*config, options_.env) : std::string();
      rendered_for_ = config;
    }
    return rendered_;
  }

  AlertingPipeline& pipeline_;
  AlertmanagerApiOptions options_;
  std::mutex mu_;
  std::shared_ptr<const alerting::Config> rendered_for_;
  std::string rendered_;
};

}  // namespace

void RegisterAlertmanagerApi(http::Router& router, AlertingPipeline& pipeline,
                             AlertmanagerApiOptions options) {
  auto api = std::make_shared<AlertmanagerApi>(pipeline, std::move(options));
  auto bind = [api](Response (AlertmanagerApi::*method)(const Request&)) {
    return [api, method](const Request& req) { return ((*api).*method)(req); };
  };
  router.Handle("GET", "/api/v2/alerts", bind(&AlertmanagerApi::GetAlerts));
  router.Handle("POST", "/api/v2/alerts", bind(&AlertmanagerApi::PostAlerts));
  router.Handle("GET", "/api/v2/alerts/groups", bind(&AlertmanagerApi::GetAlertGroups));
  router.Handle("GET", "/api/v2/silences", bind(&AlertmanagerApi::GetSilences));
  router.Handle("POST", "/api/v2/silences", bind(&AlertmanagerApi::PostSilences));
  router.Handle("GET", "/api/v2/silence/{silenceID}", bind(&AlertmanagerApi::GetSilence));
  router.Handle("DELETE", "/api/v2/silence/{silenceID}", bind(&AlertmanagerApi::DeleteSilence));
  router.Handle("GET", "/api/v2/status", bind(&AlertmanagerApi::GetStatus));
  router.Handle("GET", "/api/v2/receivers", bind(&AlertmanagerApi::GetReceivers));
  // go-openapi's router: paths cleaned before matching ("/api/v2/alerts/" is the alerts), and
  // its own JSON errors for what matches nothing. It lists the other methods from a Go map, so
  // their order in Alertmanager varies; here they are sorted.
  router.HandleUnmatched("/api/v2/", [](std::string_view method, std::string_view raw_path,
                                        const std::vector<std::string>& allowed) {
    if (allowed.empty()) {
      return OpenApiError(404, 404, "path " + std::string(raw_path) + " was not found");
    }
    std::string methods;
    for (const std::string& m : allowed) methods += (methods.empty() ? "" : ",") + m;
    Response r = OpenApiError(
        405, 405, "method " + std::string(method) + " is not allowed, but [" + methods + "] are");
    r.Header("Allow", methods);
    return r;
  });
}

}  // namespace tocsin::alertmanager_api
