#include "engine/alerting/pending_notification.h"

#include <nlohmann/json.hpp>

namespace tocsin::alerting {
namespace {

using nlohmann::json;

json PairsJson(const auto& pairs) {
  json o = json::object();
  for (const Label& l : pairs) o[l.name] = l.value;
  return o;
}

std::vector<Label> PairsFrom(const json& o) {
  std::vector<Label> out;
  for (auto it = o.begin(); it != o.end(); ++it)
    out.push_back({it.key(), it.value().get<std::string>()});
  return out;
}

}  // namespace

size_t PendingNotification::num_firing() const {
  size_t n = 0;
  for (const NotifiedAlert& a : alerts) n += a.resolved ? 0 : 1;
  return n;
}

std::string EncodePending(const PendingNotification& n) {
  json alerts = json::array();
  for (const NotifiedAlert& a : n.alerts) {
    alerts.push_back({{"labels", PairsJson(a.labels)},
                      {"annotations", PairsJson(a.annotations)},
                      {"startsAt", a.starts_at},
                      {"endsAt", a.ends_at},
                      {"generatorURL", a.generator_url},
                      {"resolved", a.resolved}});
  }
  json route_labels = json::object();
  for (const auto& [k, v] : n.route_labels) route_labels[k] = v;
  json j = {{"version", 1},
            {"receiver", n.receiver},
            {"groupKey", n.group_key},
            {"groupLabels", PairsJson(n.group_labels)},
            {"routeLabels", route_labels},
            {"reason", NotifyReasonString(n.reason)},
            {"createdAt", n.created_at},
            {"deadline", n.deadline},
            {"groupInterval", n.group_interval},
            {"repeatInterval", n.repeat_interval},
            {"alerts", alerts}};
  return j.dump();
}

Result<PendingNotification> DecodePending(std::string_view text) {
  try {
    const json j = json::parse(text);
    if (j.value("version", 0) != 1) return Error{"outbox payload: unknown version"};
    PendingNotification n;
    n.receiver = j.at("receiver").get<std::string>();
    n.group_key = j.at("groupKey").get<std::string>();
    n.group_labels = Labels::FromVector(PairsFrom(j.at("groupLabels")));
    for (auto it = j.at("routeLabels").begin(); it != j.at("routeLabels").end(); ++it) {
      n.route_labels[it.key()] = it.value().get<std::string>();
    }
    n.reason = ParseNotifyReason(j.at("reason").get<std::string>());
    n.created_at = j.at("createdAt").get<TimestampMs>();
    n.deadline = j.at("deadline").get<TimestampMs>();
    n.group_interval = j.at("groupInterval").get<DurationMs>();
    n.repeat_interval = j.at("repeatInterval").get<DurationMs>();
    for (const json& a : j.at("alerts")) {
      NotifiedAlert na;
      na.labels = Labels::FromVector(PairsFrom(a.at("labels")));
      na.annotations = MakeAnnotations(PairsFrom(a.at("annotations")));
      na.starts_at = a.at("startsAt").get<TimestampMs>();
      na.ends_at = a.at("endsAt").get<TimestampMs>();
      na.generator_url = a.at("generatorURL").get<std::string>();
      na.resolved = a.at("resolved").get<bool>();
      n.alerts.push_back(std::move(na));
    }
    return n;
  } catch (const json::exception& e) {
    return Error{std::string("outbox payload: ") + e.what()};
  }
}

}  // namespace tocsin::alerting
