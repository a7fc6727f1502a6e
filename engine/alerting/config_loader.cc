#include "engine/alerting/config_loader.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "engine/alerting/config_decoders.h"
#include "storage/base/labels.h"
#include "storage/base/strings.h"

namespace tocsin::alerting {
namespace {

using internal::Decoder;
using internal::GlobalUnsets;
using internal::ReceiverDraft;
using internal::SourcePos;

// ---- global

GlobalConfig DecodeGlobal(Decoder& d, const YAML::Node& n, GlobalUnsets& unsets) {
  GlobalConfig g;
  const bool was_expanding = d.expand_env();
  d.set_expand_env(true);
  const size_t errors = d.type_error_count();
  auto url = [&](const YAML::Node& v, std::string& out) {
    std::optional<std::string> u = internal::DecodeUrl(d, v);
    out = u.value_or("");
  };
  d.Struct(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
    const size_t unset_begin = d.unset_optional().size();
    if (k == "resolve_timeout")
      g.resolve_timeout = d.ModelDuration(v);
    else if (k == "http_config") {
      if (!Decoder::IsNull(v)) g.http_config = internal::DecodeHttpConfig(d, v);
    } else if (k == "smtp_from")
      g.smtp_from = d.String(v);
    else if (k == "smtp_hello")
      g.smtp_hello = d.String(v);
    else if (k == "smtp_smarthost")
      g.smtp_smarthost = internal::DecodeHostPort(d, v);
    else if (k == "smtp_auth_username")
      g.smtp_auth_username = d.String(v);
    else if (k == "smtp_auth_password")
      g.smtp_auth_password = internal::DecodeSecret(d, v);
    else if (k == "smtp_auth_password_file")
      g.smtp_auth_password_file = d.String(v);
    else if (k == "smtp_auth_secret")
      g.smtp_auth_secret = internal::DecodeSecret(d, v);
    else if (k == "smtp_auth_secret_file")
      g.smtp_auth_secret_file = d.String(v);
    else if (k == "smtp_auth_identity")
      g.smtp_auth_identity = d.String(v);
    else if (k == "smtp_require_tls")
      g.smtp_require_tls = d.Bool(v);
    else if (k == "smtp_tls_config") {
      if (!Decoder::IsNull(v)) g.smtp_tls_config = internal::DecodeTlsConfig(d, v);
    } else if (k == "smtp_force_implicit_tls") {
      if (!Decoder::IsNull(v)) g.smtp_force_implicit_tls = d.Bool(v);
    } else if (k == "slack_api_url")
      g.slack_api_url = internal::DecodeSecretUrl(d, v);
    else if (k == "slack_api_url_file")
      g.slack_api_url_file = d.String(v);
    else if (k == "slack_app_token")
      g.slack_app_token = internal::DecodeSecret(d, v);
    else if (k == "slack_app_token_file")
      g.slack_app_token_file = d.String(v);
    else if (k == "slack_app_url")
      url(v, g.slack_app_url);
    else if (k == "pagerduty_url")
      url(v, g.pagerduty_url);
    else if (k == "opsgenie_api_url")
      url(v, g.opsgenie_api_url);
    else if (k == "opsgenie_api_key")
      g.opsgenie_api_key = internal::DecodeSecret(d, v);
    else if (k == "opsgenie_api_key_file")
      g.opsgenie_api_key_file = d.String(v);
    else if (k == "wechat_api_url")
      url(v, g.wechat_api_url);
    else if (k == "wechat_api_secret")
      g.wechat_api_secret = internal::DecodeSecret(d, v);
    else if (k == "wechat_api_secret_file")
      g.wechat_api_secret_file = d.String(v);
    else if (k == "wechat_api_corp_id")
      g.wechat_api_corp_id = d.String(v);
    else if (k == "victorops_api_url")
      url(v, g.victorops_api_url);
    else if (k == "victorops_api_key")
      g.victorops_api_key = internal::DecodeSecret(d, v);
    else if (k == "victorops_api_key_file")
      g.victorops_api_key_file = d.String(v);
    else if (k == "telegram_api_url")
      url(v, g.telegram_api_url);
    else if (k == "telegram_bot_token")
      g.telegram_bot_token = internal::DecodeSecret(d, v);
    else if (k == "telegram_bot_token_file")
      g.telegram_bot_token_file = d.String(v);
    else if (k == "webex_api_url")
      url(v, g.webex_api_url);
    else if (k == "rocketchat_api_url")
      url(v, g.rocketchat_api_url);
    else if (k == "rocketchat_token") {
      if (!Decoder::IsNull(v)) g.rocketchat_token = internal::DecodeSecret(d, v);
    } else if (k == "rocketchat_token_file")
      g.rocketchat_token_file = d.String(v);
    else if (k == "rocketchat_token_id") {
      if (!Decoder::IsNull(v)) g.rocketchat_token_id = internal::DecodeSecret(d, v);
    } else if (k == "rocketchat_token_id_file")
      g.rocketchat_token_id_file = d.String(v);
    else if (k == "mattermost_webhook_url")
      g.mattermost_webhook_url = internal::DecodeSecretUrl(d, v);
    else if (k == "mattermost_webhook_url_file")
      g.mattermost_webhook_url_file = d.String(v);
    else if (k == "jira_api_url")
      url(v, g.jira_api_url);
    else
      return false;
    unsets[k].AddRange(d, unset_begin, d.unset_optional().size());
    return true;
  });
  d.set_expand_env(was_expanding);
  (void)errors;
  return g;
}

// Alertmanager's cross-field checks on `global`.
void CheckGlobal(Decoder& d, const GlobalConfig& g, const SourcePos& at) {
  auto both = [&](bool a, bool b, const std::string& what) {
    if (a && b) d.Fail(at, "at most one of " + what + " & " + what + "_file must be configured");
  };
  both(!g.slack_app_token.empty(), !g.slack_app_token_file.empty(), "slack_app_token");
  both(g.slack_api_url.has_value(), !g.slack_api_url_file.empty(), "slack_api_url");
  if ((!g.slack_app_token.empty() || !g.slack_app_token_file.empty()) &&
      (g.slack_api_url || !g.slack_api_url_file.empty())) {
    // The old workaround (slack_api_url = the app URL, with a bot token) stays valid.
    const std::string api_url = g.slack_api_url ? g.slack_api_url->reveal() : "";
    if (api_url != g.slack_app_url) {
      d.Fail(at,
             "at most one of slack_app_token/slack_app_token_file & "
             "slack_api_url/slack_api_url_file must be configured");
    }
  }
  both(!g.opsgenie_api_key.empty(), !g.opsgenie_api_key_file.empty(), "opsgenie_api_key");
  both(!g.victorops_api_key.empty(), !g.victorops_api_key_file.empty(), "victorops_api_key");
  both(!g.telegram_bot_token.empty(), !g.telegram_bot_token_file.empty(), "telegram_bot_token");
  both(!g.smtp_auth_password.empty(), !g.smtp_auth_password_file.empty(), "smtp_auth_password");
  both(g.rocketchat_token.has_value(), !g.rocketchat_token_file.empty(), "rocketchat_token");
  both(g.rocketchat_token_id.has_value(), !g.rocketchat_token_id_file.empty(),
       "rocketchat_token_id");
  both(!g.smtp_auth_secret.empty(), !g.smtp_auth_secret_file.empty(), "smtp_auth_secret");
  both(!g.wechat_api_secret.empty(), !g.wechat_api_secret_file.empty(), "wechat_api_secret");
  both(g.mattermost_webhook_url.has_value(), !g.mattermost_webhook_url_file.empty(),
       "mattermost_webhook_url");
}

// ---- matchers

// Alertmanager's MatchRegexps: label -> regex, compiled anchored; a null value is an error.
std::map<std::string, std::string> DecodeMatchRegexps(Decoder& d, const YAML::Node& n) {
  std::map<std::string, std::string> out;
  std::vector<std::pair<std::string, YAML::Node>> entries;
  const size_t errors = d.type_error_count();
  d.Map(n, "map[string]common.Regexp", [&](const std::string& key, const YAML::Node& value) {
    if (Decoder::IsNull(value)) {
      entries.emplace_back(key, value);
      return;
    }
    const std::string re = d.String(value);
    if (!value.IsScalar()) return;
    if (Result<LabelMatcher> m = MakeMatcher(MatchType::kRegexp, key, re); !m.ok()) {
      d.Fail(value, m.message());
    }
    out[key] = re;
    entries.emplace_back(key, value);
  });
  if (d.type_error_count() != errors) return out;
  for (const auto& [key, value] : entries) {
    if (!IsValidLegacyLabelName(key)) d.Fail(value, "invalid label name " + GoQuote(key));
    if (Decoder::IsNull(value)) d.Fail(value, "invalid regexp value for " + GoQuote(key));
  }
  return out;
}

Matchers DecodeMatcherList(Decoder& d, const YAML::Node& n, const LoadOptions& options,
                           std::vector<std::string>& warnings) {
  Matchers out;
  d.List(n, "[]string", [&](size_t, const YAML::Node& item) {
    const std::string line = d.String(item);
    if (!item.IsScalar() && !Decoder::IsNull(item)) return;
    std::vector<std::string> local;
    MatcherParseOptions po{options.matcher_mode, "config", &local};
    Result<Matchers> ms = ParseMatchers(line, po);
    if (!ms.ok()) d.Fail(item, ms.message());
    for (std::string& w : local) warnings.push_back(w + d.Where(item));
    out.insert(out.end(), ms->begin(), ms->end());
  });
  SortMatchers(out);
  return out;
}

std::map<std::string, std::string> DecodeLegacyMatch(Decoder& d, const YAML::Node& n,
                                                     bool& type_ok) {
  const size_t errors = d.type_error_count();
  std::map<std::string, std::string> out = d.StringMap(n);
  type_ok = d.type_error_count() == errors;
  return out;
}

bool IsValidUtf8LabelName(const std::string& name) {
  return !name.empty() && IsValidUtf8(name);
}

// ---- route

RouteConfig DecodeRoute(Decoder& d, const YAML::Node& n, const LoadOptions& options,
                        std::vector<std::string>& warnings) {
  RouteConfig r;
  r.location = internal::Locate(d, d.Pos(n));
  const size_t errors = d.type_error_count();
  std::optional<std::vector<std::string>> group_by_str;
  YAML::Node match_node;
  d.Struct(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
    if (k == "receiver")
      r.receiver = d.String(v);
    else if (k == "group_by") {
      if (!Decoder::IsNull(v)) group_by_str = d.StringList(v);
    } else if (k == "match") {
      bool ok = true;
      r.match = DecodeLegacyMatch(d, v, ok);
      match_node.reset(v);
    } else if (k == "match_re")
      r.match_re = DecodeMatchRegexps(d, v);
    else if (k == "matchers")
      r.matchers = DecodeMatcherList(d, v, options, warnings);
    else if (k == "mute_time_intervals")
      r.mute_time_intervals = d.StringList(v);
    else if (k == "active_time_intervals")
      r.active_time_intervals = d.StringList(v);
    else if (k == "continue")
      r.continue_matching = d.Bool(v);
    else if (k == "notify_resolved_on_mute") {
      // tocsin's extension (docs/alerting.md); Alertmanager rejects the field.
      if (!Decoder::IsNull(v)) r.notify_resolved_on_mute = d.Bool(v);
    } else if (k == "routes") {
      d.List(v, "[]*config.Route", [&](size_t, const YAML::Node& child) {
        if (Decoder::IsNull(child)) {
          r.routes.emplace_back();  // a null child is an empty route, inheriting everything
          r.routes.back().location = internal::Locate(d, d.Pos(child));
          return;
        }
        r.routes.push_back(DecodeRoute(d, child, options, warnings));
      });
    } else if (k == "group_wait") {
      if (!Decoder::IsNull(v)) r.group_wait = d.ModelDuration(v);
    } else if (k == "group_interval") {
      if (!Decoder::IsNull(v)) r.group_interval = d.ModelDuration(v);
    } else if (k == "repeat_interval") {
      if (!Decoder::IsNull(v)) r.repeat_interval = d.ModelDuration(v);
    } else if (k == "labels")
      r.labels = d.StringMap(v);
    else
      return false;
    return true;
  });
  if (d.type_error_count() != errors || Decoder::IsNull(n)) return r;

  for (const auto& [name, value] : r.match) {
    if (!IsValidLegacyLabelName(name)) d.Fail(match_node, "invalid label name " + GoQuote(name));
  }
  for (const auto& [name, value] : r.labels) {
    if (!IsValidUtf8LabelName(name)) {
      d.Fail(n, "invalid label name " + GoQuote(name) + " in route labels");
    }
  }
  if (group_by_str) {
    std::vector<std::string> labels;
    for (const std::string& l : *group_by_str) {
      if (l == "...") {
        r.group_by_all = true;
      } else {
        if (!IsValidUtf8LabelName(l)) {
          d.Fail(n, "invalid label name " + GoQuote(l) + " in group_by list");
        }
        labels.push_back(l);
      }
    }
    if (!labels.empty() || group_by_str->empty()) r.group_by = labels;
    if (!labels.empty() && r.group_by_all) {
      d.Fail(n, "cannot have wildcard group_by (`...`) and other labels at the same time");
    }
    std::set<std::string> seen;
    for (const std::string& l : labels) {
      if (!seen.insert(l).second) d.Fail(n, "duplicated label " + GoQuote(l) + " in group_by");
    }
  }
  if (r.group_interval && *r.group_interval == 0) d.Fail(n, "group_interval cannot be zero");
  if (r.repeat_interval && *r.repeat_interval == 0) d.Fail(n, "repeat_interval cannot be zero");
  return r;
}

// ---- inhibit_rules

InhibitRuleConfig DecodeInhibitRule(Decoder& d, const YAML::Node& n, const LoadOptions& options,
                                    std::vector<std::string>& warnings) {
  InhibitRuleConfig r;
  r.location = internal::Locate(d, d.Pos(n));
  const size_t errors = d.type_error_count();
  YAML::Node source_match_node, target_match_node;
  d.Struct(n, "common.plain", [&](const std::string& k, const YAML::Node& v) {
    bool ok = true;
    if (k == "name")
      r.name = d.String(v);
    else if (k == "source_match") {
      r.source_match = DecodeLegacyMatch(d, v, ok);
      source_match_node.reset(v);
    } else if (k == "source_match_re")
      r.source_match_re = DecodeMatchRegexps(d, v);
    else if (k == "source_matchers")
      r.source_matchers = DecodeMatcherList(d, v, options, warnings);
    else if (k == "target_match") {
      r.target_match = DecodeLegacyMatch(d, v, ok);
      target_match_node.reset(v);
    } else if (k == "target_match_re")
      r.target_match_re = DecodeMatchRegexps(d, v);
    else if (k == "target_matchers")
      r.target_matchers = DecodeMatcherList(d, v, options, warnings);
    else if (k == "equal")
      r.equal = d.StringList(v);
    else
      return false;
    return true;
  });
  if (d.type_error_count() != errors || Decoder::IsNull(n)) return r;
  for (const auto& [name, value] : r.source_match) {
    if (!IsValidLegacyLabelName(name)) {
      d.Fail(source_match_node, "invalid label name " + GoQuote(name));
    }
  }
  for (const auto& [name, value] : r.target_match) {
    if (!IsValidLegacyLabelName(name)) {
      d.Fail(target_match_node, "invalid label name " + GoQuote(name));
    }
  }
  for (const std::string& l : r.equal) {
    if (!IsValidUtf8LabelName(l)) d.Fail(n, "invalid label name " + GoQuote(l) + " in equal list");
  }
  return r;
}

// ---- time intervals

TimeInterval DecodeTimeInterval(Decoder& d, const YAML::Node& n) {
  TimeInterval t;
  auto ranges = [&](const YAML::Node& v, std::optional<std::vector<InclusiveRange>>& out,
                    Result<InclusiveRange> (*parse)(const std::string&)) {
    if (Decoder::IsNull(v)) return;
    out.emplace();
    d.List(v, "[]string", [&](size_t, const YAML::Node& item) {
      const std::string s = d.String(item);
      if (!item.IsScalar()) return;
      Result<InclusiveRange> r = parse(s);
      if (!r.ok()) d.Fail(item, r.message());
      out->push_back(*r);
    });
  };
  d.Struct(n, "timeinterval.TimeInterval", [&](const std::string& k, const YAML::Node& v) {
    if (k == "times") {
      if (Decoder::IsNull(v)) return true;
      t.times.emplace();
      d.List(v, "[]timeinterval.TimeRange", [&](size_t, const YAML::Node& item) {
        std::string start, end;
        const size_t errors = d.type_error_count();
        d.Struct(item, "timeinterval.yamlTimeRange",
                 [&](const std::string& tk, const YAML::Node& tv) {
                   if (tk == "start_time")
                     start = d.String(tv);
                   else if (tk == "end_time")
                     end = d.String(tv);
                   else
                     return false;
                   return true;
                 });
        if (d.type_error_count() != errors || Decoder::IsNull(item)) return;
        Result<TimeOfDayRange> r = ParseTimeOfDayRange(start, end);
        if (!r.ok()) d.Fail(item, r.message());
        t.times->push_back(*r);
      });
    } else if (k == "weekdays")
      ranges(v, t.weekdays, ParseWeekdayRange);
    else if (k == "days_of_month")
      ranges(v, t.days_of_month, ParseDayOfMonthRange);
    else if (k == "months")
      ranges(v, t.months, ParseMonthRange);
    else if (k == "years")
      ranges(v, t.years, ParseYearRange);
    else if (k == "location") {
      if (Decoder::IsNull(v)) return true;
      t.location_name = d.String(v);
      Result<const date::time_zone*> z = LoadLocation(t.location_name);
      if (!z.ok()) d.Fail(v, z.message());
      t.location = *z;
    } else
      return false;
    return true;
  });
  return t;
}

std::vector<NamedTimeInterval> DecodeTimeIntervals(Decoder& d, const YAML::Node& n,
                                                   const std::string& missing_name) {
  std::vector<NamedTimeInterval> out;
  d.List(n, "[]config.TimeInterval", [&](size_t, const YAML::Node& item) {
    NamedTimeInterval ti;
    const size_t errors = d.type_error_count();
    const bool present =
        d.Struct(item, "config.plain", [&](const std::string& k, const YAML::Node& v) {
          if (k == "name")
            ti.name = d.String(v);
          else if (k == "time_intervals") {
            d.List(v, "[]timeinterval.TimeInterval", [&](size_t, const YAML::Node& iv) {
              ti.intervals.push_back(DecodeTimeInterval(d, iv));
            });
          } else
            return false;
          return true;
        });
    if (present && d.type_error_count() == errors && ti.name.empty()) d.Fail(item, missing_name);
    out.push_back(std::move(ti));
  });
  return out;
}

// ---- whole file

std::string JoinPath(const std::string& base_dir, const std::string& p) {
  if (p.empty() || p.front() == '/') return p;
  std::filesystem::path joined = std::filesystem::path(base_dir) / p;
  std::string s = joined.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

void CheckRouteReceivers(Decoder& d, const RouteConfig& r, const std::set<std::string>& names) {
  for (const RouteConfig& child : r.routes) CheckRouteReceivers(d, child, names);
  if (!r.receiver.empty() && !names.count(r.receiver)) {
    d.Fail(SourcePos{r.location.line, r.location.column, r.location.path},
           "undefined receiver " + GoQuote(r.receiver) + " used in route");
  }
}

void CheckRouteTimeIntervals(Decoder& d, const RouteConfig& r, const std::set<std::string>& names) {
  for (const RouteConfig& child : r.routes) CheckRouteTimeIntervals(d, child, names);
  for (const auto* list : {&r.active_time_intervals, &r.mute_time_intervals}) {
    for (const std::string& ti : *list) {
      if (!names.count(ti)) {
        d.Fail(SourcePos{r.location.line, r.location.column, r.location.path},
               "undefined time interval " + GoQuote(ti) + " used in route");
      }
    }
  }
}

void CollectReceivers(const RouteConfig& r, std::set<std::string>& used) {
  if (!r.receiver.empty()) used.insert(r.receiver);
  for (const RouteConfig& child : r.routes) CollectReceivers(child, used);
}

Config Decode(Decoder& d, const YAML::Node& root, const LoadOptions& options) {
  Config cfg;
  if (Decoder::IsNull(root)) throw internal::ConfigFailure("no route provided in config");

  GlobalUnsets global_unsets;
  std::optional<GlobalConfig> global;
  YAML::Node global_node;
  global_node.reset(root);
  std::optional<RouteConfig> route;
  std::vector<ReceiverDraft> drafts;
  const bool is_struct =
      d.Struct(root, "config.plain", [&](const std::string& k, const YAML::Node& v) {
        if (k == "global") {
          global_node.reset(v);
          if (!Decoder::IsNull(v)) global = DecodeGlobal(d, v, global_unsets);
        } else if (k == "route") {
          if (!Decoder::IsNull(v)) route = DecodeRoute(d, v, options, cfg.warnings);
        } else if (k == "inhibit_rules") {
          d.List(v, "[]common.InhibitRule", [&](size_t, const YAML::Node& item) {
            cfg.inhibit_rules.push_back(DecodeInhibitRule(d, item, options, cfg.warnings));
          });
        } else if (k == "receivers") {
          d.List(v, "[]config.Receiver", [&](size_t, const YAML::Node& item) {
            drafts.push_back(internal::DecodeReceiver(d, item));
          });
        } else if (k == "templates") {
          d.set_expand_env(true);
          cfg.templates = d.StringList(v);
          d.set_expand_env(false);
        } else if (k == "mute_time_intervals") {
          cfg.mute_time_intervals = DecodeTimeIntervals(d, v, "missing name in mute time interval");
        } else if (k == "time_intervals") {
          cfg.time_intervals = DecodeTimeIntervals(d, v, "missing name in time interval");
        } else if (k == "tracing" || k == "event_recorder") {
          (void)v;  // accepted; tocsin has no tracing exporter or event recorder
        } else {
          return false;
        }
        return true;
      });
  if (d.type_error_count() > 0) return cfg;
  if (!is_struct) throw internal::ConfigFailure("no route provided in config");

  // Alertmanager's Config.UnmarshalYAML checks, in its order.
  cfg.global = global.value_or(GlobalConfig{});
  {
    Decoder::Scope scope(d, "global");
    CheckGlobal(d, cfg.global, d.Pos(global_node));
  }
  std::set<std::string> names;
  for (ReceiverDraft& draft : drafts) {
    if (names.count(draft.cfg.name)) {
      d.Fail(draft.pos, "notification config name " + GoQuote(draft.cfg.name) + " is not unique");
    }
    cfg.receivers.push_back(
        internal::ResolveReceiver(d, draft, cfg.global, global_unsets, cfg.warnings));
    names.insert(draft.cfg.name);
  }
  if (!route) d.Fail(d.Pos(root), "no routes provided");
  const SourcePos route_pos{route->location.line, route->location.column, "route"};
  if (route->receiver.empty()) d.Fail(route_pos, "root route must specify a default receiver");
  if (!route->match.empty() || !route->match_re.empty() || !route->matchers.empty()) {
    d.Fail(route_pos, "root route must not have any matchers");
  }
  if (!route->mute_time_intervals.empty()) {
    d.Fail(route_pos, "root route must not have any mute time intervals");
  }
  if (!route->active_time_intervals.empty()) {
    d.Fail(route_pos, "root route must not have any active time intervals");
  }
  CheckRouteReceivers(d, *route, names);
  std::set<std::string> intervals;
  for (const NamedTimeInterval& t : cfg.mute_time_intervals) {
    if (!intervals.insert(t.name).second) {
      d.Fail(route_pos, "mute time interval " + GoQuote(t.name) + " is not unique");
    }
  }
  for (const NamedTimeInterval& t : cfg.time_intervals) {
    if (!intervals.insert(t.name).second) {
      d.Fail(route_pos, "time interval " + GoQuote(t.name) + " is not unique");
    }
  }
  CheckRouteTimeIntervals(d, *route, intervals);
  if (route->continue_matching) d.Fail(route_pos, "cannot have continue in root route");

  // tocsin's extension: a `${VAR}` left unset is an error where it would be used.
  std::set<std::string> used;
  CollectReceivers(*route, used);
  for (const ReceiverDraft& draft : drafts) {
    if (!used.count(draft.cfg.name) || draft.unset_required.empty()) continue;
    const auto& u = draft.unset_required.front();
    d.Fail(u.pos, "environment variable " + u.name + " is not set (receiver " +
                      GoQuote(draft.cfg.name) + " is used by the route tree)");
  }
  for (const auto& u : d.unset_required()) {
    // Outside receivers (global, templates) every reference is used.
    if (!u.pos.path.starts_with("receivers")) {
      d.Fail(u.pos, "environment variable " + u.name + " is not set");
    }
  }
  cfg.route = std::move(*route);
  return cfg;
}

}  // namespace

Result<Config> LoadConfig(std::string_view yaml, const std::string& file,
                          const LoadOptions& options) {
  Decoder d(file, options.env ? options.env : ProcessEnvironment());
  YAML::Node root;
  try {
    root.reset(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    std::string where = file.empty() ? "" : file + ":";
    return Error{"yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg + " (at " + where +
                 std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ")"};
  }
  try {
    Config cfg = Decode(d, root, options);
    if (d.type_error_count() > 0) {
      std::string msg = "yaml: unmarshal errors:";
      for (const std::string& e : d.type_errors()) msg += "\n  " + e;
      return Error{msg};
    }
    const std::string dir = file.empty() ? "." : std::filesystem::path(file).parent_path().string();
    for (std::string& t : cfg.templates) t = JoinPath(dir.empty() ? "." : dir, t);
    cfg.file = file;
    cfg.original = std::string(yaml);
    return cfg;
  } catch (const internal::ConfigFailure& e) {
    return Error{e.what()};
  } catch (const YAML::Exception& e) {
    return Error{std::string("yaml: ") + e.what()};
  }
}

Result<Config> LoadConfigFile(const std::string& path, const LoadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"open " + path + ": no such file or directory"};
  std::stringstream buf;
  buf << in.rdbuf();
  return LoadConfig(buf.str(), path, options);
}

}  // namespace tocsin::alerting
