#include "engine/api/prometheus_rules_api.h"

#include <openssl/sha.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "engine/api/api_params.h"
#include "engine/api/api_response.h"
#include "engine/api/go_json_text.h"
#include "engine/promql/format/api_json.h"
#include "storage/base/strings.h"

namespace tocsin::api {
namespace {

using promql::JsonString;
using promql::LabelsJson;

// strconv.FormatFloat(v, 'e', -1, 64), the form Prometheus gives alert values in: "1e+00".
std::string GoFloatE(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  return std::string(buf, r.ptr);
}

double Seconds(DurationMs d) {
  return static_cast<double>(d) / 1000.0;
}

std::string AlertJson(const rules::Alert& a) {
  std::string out = R"({"labels":)" + LabelsJson(a.labels) + R"(,"annotations":)" +
                    LabelsJson(a.annotations) + R"(,"state":)" +
                    JsonString(rules::AlertStateName(a.state)) + R"(,"activeAt":)" +
                    GoJsonTime(a.active_at);
  if (a.keep_firing_since != rules::kNoTime) {
    out += R"(,"keepFiringSince":)" + GoJsonTime(a.keep_firing_since);
  }
  out += R"(,"value":)" + JsonString(GoFloatE(a.value)) + "}";
  return out;
}

std::string AlertListJson(const std::vector<rules::Alert>& alerts) {
  std::string out = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    if (i > 0) out += ",";
    out += AlertJson(alerts[i]);
  }
  return out + "]";
}

// The fields every rule has after its type-specific ones.
std::string StatusFields(const rules::RuleStatus& s) {
  std::string out = R"(,"health":)" + JsonString(rules::RuleHealthName(s.health));
  if (!s.last_error.empty()) out += R"(,"lastError":)" + JsonString(s.last_error);
  out += R"(,"evaluationTime":)" + GoJsonFloat(s.evaluation_seconds) + R"(,"lastEvaluation":)" +
         GoJsonTime(s.last_evaluation);
  return out;
}

std::string AlertingRuleJson(const rules::Rule& rule, bool exclude_alerts) {
  const rules::AlertingRule& a = *rule.alerting();
  std::string out = R"({"state":)" + JsonString(rules::AlertStateName(a.State())) + R"(,"name":)" +
                    JsonString(a.name()) + R"(,"query":)" + JsonString(rule.query()) +
                    R"(,"duration":)" + GoJsonFloat(Seconds(a.hold())) + R"(,"keepFiringFor":)" +
                    GoJsonFloat(Seconds(a.keep_firing_for())) + R"(,"labels":)" +
                    LabelsJson(a.labels()) + R"(,"annotations":)" + LabelsJson(a.annotations()) +
                    R"(,"alerts":)" + (exclude_alerts ? "null" : AlertListJson(a.ActiveAlerts()));
  out += StatusFields(rule.status());
  return out + R"(,"type":"alerting"})";
}

std::string RecordingRuleJson(const rules::Rule& rule) {
  std::string out = R"({"name":)" + JsonString(rule.name()) + R"(,"query":)" +
                    JsonString(rule.query()) + R"(,"labels":)" + LabelsJson(rule.labels());
  out += StatusFields(rule.status());
  return out + R"(,"type":"recording"})";
}

std::string NextToken(const std::string& file, const std::string& group) {
  const std::string key = file + ";" + group;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool MatchesAnySet(const std::vector<std::vector<LabelMatcher>>& sets, const Labels& labels) {
  if (sets.empty()) return true;
  for (const auto& set : sets) {
    bool all = true;
    for (const LabelMatcher& m : set) all = all && m.matches(labels.get(m.name()));
    if (all) return true;
  }
  return false;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

http::Response RulesResponse(const http::Request& request, const RulesApiOptions& options) {
  auto form = request.FormParams();
  if (!form.ok()) {
    return ApiFailure({ApiErrorType::kBadData, "error parsing form values: " + form.message()});
  }
  // Prometheus reads these from the URL's query string only.
  auto query = request.QueryParams();
  if (!query.ok()) return ApiFailure({ApiErrorType::kBadData, query.message()});

  const auto names = form->GetAll("rule_name[]");
  const auto groups = form->GetAll("rule_group[]");
  const auto files = form->GetAll("file[]");
  const std::set<std::string> name_set(names.begin(), names.end());
  const std::set<std::string> group_set(groups.begin(), groups.end());
  const std::set<std::string> file_set(files.begin(), files.end());

  auto matcher_sets = ParseMatcherSets(form->GetAll("match[]"));
  if (!matcher_sets.ok()) return ApiFailure({ApiErrorType::kBadData, matcher_sets.message()});

  const std::string type = Lower(query->Get("type"));
  if (!type.empty() && type != "alert" && type != "record") {
    return ApiFailure(InvalidParam("type", "not supported value " + GoQuote(type)));
  }
  const bool want_alerting = type.empty() || type == "alert";
  const bool want_recording = type.empty() || type == "record";

  bool exclude_alerts = false;
  if (const std::string ex = Lower(query->Get("exclude_alerts")); !ex.empty()) {
    auto b = ParseGoBool(ex);
    if (!b.ok()) {
      return ApiFailure(
          InvalidParam("exclude_alerts", "error converting exclude_alerts: " + b.message()));
    }
    exclude_alerts = *b;
  }

  // Pagination.
  int64_t max_groups = -1;
  const std::string_view limit_text = query->Get("group_limit");
  const std::string next_token(query->Get("group_next_token"));
  if (!next_token.empty() && limit_text.empty()) {
    return ApiFailure(
        InvalidParam("group_next_token",
                     "group_limit needs to be present in order to paginate over the groups"));
  }
  if (!limit_text.empty()) {
    // strconv.ParseInt(text, 10, 32).
    std::string_view digits = limit_text;
    if (digits.front() == '+') digits.remove_prefix(1);
    int64_t v = 0;
    const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    const bool syntax_ok = !digits.empty() && r.ptr == digits.data() + digits.size() &&
                           (r.ec == std::errc() || r.ec == std::errc::result_out_of_range);
    if (!syntax_ok || r.ec != std::errc() || v > INT32_MAX || v < INT32_MIN) {
      return ApiFailure(InvalidParam(
          "group_limit", "group_limit needs to be a valid number: strconv.ParseInt: parsing " +
                             GoQuote(limit_text) + ": " +
                             (syntax_ok ? "value out of range" : "invalid syntax")));
    }
    if (v <= 0) {
      return ApiFailure(InvalidParam("group_limit", "group_limit needs to be greater than 0"));
    }
    max_groups = v;
  }

  std::vector<std::string> rendered;
  std::string group_next_token;
  bool found_token = false;
  bool page_full = false;
  options.for_each_group([&](const rules::RuleGroup& g) {
    if (page_full) return;
    if (max_groups > 0 && !next_token.empty() && !found_token) {
      if (next_token != NextToken(g.file(), g.name())) return;
      found_token = true;
    }
    if (!group_set.empty() && !group_set.count(g.name())) return;
    if (!file_set.empty() && !file_set.count(g.file())) return;

    std::string rules_json;
    for (const auto& rule : g.rules()) {
      if (!MatchesAnySet(*matcher_sets, rule->labels())) continue;
      if (!name_set.empty() && !name_set.count(rule->name())) continue;
      std::string one;
      if (rule->is_alerting()) {
        if (want_alerting) one = AlertingRuleJson(*rule, exclude_alerts);
      } else if (want_recording) {
        one = RecordingRuleJson(*rule);
      }
      if (one.empty()) continue;
      if (!rules_json.empty()) rules_json += ",";
      rules_json += one;
    }
    if (rules_json.empty()) return;  // every rule filtered out: the group is not shown
    if (max_groups > 0 && static_cast<int64_t>(rendered.size()) == max_groups) {
      group_next_token = NextToken(g.file(), g.name());
      page_full = true;
      return;
    }
    const TimestampMs last = g.last_evaluation();
    rendered.push_back(
        R"({"name":)" + JsonString(g.name()) + R"(,"file":)" + JsonString(g.file()) +
        R"(,"rules":[)" + rules_json + R"(],"interval":)" + GoJsonFloat(Seconds(g.interval())) +
        R"(,"limit":)" + std::to_string(g.limit()) + R"(,"evaluationTime":)" +
        GoJsonFloat(g.evaluation_seconds()) + R"(,"lastEvaluation":)" + GoJsonTime(last) + "}");
  });
  if (max_groups > 0 && !next_token.empty() && !found_token) {
    return ApiFailure(InvalidParam("group_next_token", "invalid group_next_token '" + next_token +
                                                           "'. were rule groups changed?"));
  }
  std::string data = R"({"groups":[)";
  for (size_t i = 0; i < rendered.size(); ++i) {
    if (i > 0) data += ",";
    data += rendered[i];
  }
  data += "]";
  if (!group_next_token.empty()) data += R"(,"groupNextToken":)" + JsonString(group_next_token);
  data += "}";
  return ApiSuccess(data);
}

http::Response AlertsResponse(const RulesApiOptions& options) {
  std::string list = "[";
  bool first = true;
  options.for_each_group([&](const rules::RuleGroup& g) {
    for (const auto& rule : g.rules()) {
      if (!rule->is_alerting()) continue;
      for (const rules::Alert& a : rule->alerting()->ActiveAlerts()) {
        if (!first) list += ",";
        first = false;
        list += AlertJson(a);
      }
    }
  });
  list += "]";
  return ApiSuccess(R"({"alerts":)" + list + "}");
}

void RegisterPrometheusRulesApi(http::Router& router, RulesApiOptions options) {
  auto shared = std::make_shared<const RulesApiOptions>(std::move(options));
  router.Handle("GET", "/api/v1/rules",
                [shared](const http::Request& req) { return RulesResponse(req, *shared); });
  router.Handle("GET", "/api/v1/alerts",
                [shared](const http::Request&) { return AlertsResponse(*shared); });
}

}  // namespace tocsin::api
