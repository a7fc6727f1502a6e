#include "engine/alerting/config.h"

namespace tocsin::alerting {

std::string ConfigLocation::ToString() const {
  std::string out = file.empty() ? "line " : file + ":";
  out += std::to_string(line) + ":" + std::to_string(column);
  if (!path.empty()) out += " (" + path + ")";
  return out;
}

std::string HostPort::ToString() const {
  if (empty()) return "";
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + port;
  return host + ":" + port;
}

Matchers LegacyAndNewMatchers(const std::map<std::string, std::string>& match,
                              const std::map<std::string, std::string>& match_re,
                              const Matchers& matchers) {
  Matchers out;
  for (const auto& [name, value] : match) {
    if (auto m = MakeMatcher(MatchType::kEqual, name, value); m.ok()) out.push_back(*m);
  }
  for (const auto& [name, value] : match_re) {
    if (auto m = MakeMatcher(MatchType::kRegexp, name, "^(?:" + value + ")$"); m.ok()) {
      out.push_back(*m);
    }
  }
  out.insert(out.end(), matchers.begin(), matchers.end());
  return out;
}

Matchers RouteConfig::AllMatchers() const {
  // Sorted, so the route key reads as Alertmanager's.
  Matchers out = LegacyAndNewMatchers(match, match_re, matchers);
  SortMatchers(out);
  return out;
}

const ReceiverConfig* Config::FindReceiver(const std::string& name) const {
  for (const ReceiverConfig& r : receivers) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

const NamedTimeInterval* Config::FindTimeInterval(const std::string& name) const {
  for (const auto* list : {&mute_time_intervals, &time_intervals}) {
    for (const NamedTimeInterval& t : *list) {
      if (t.name == name) return &t;
    }
  }
  return nullptr;
}

}  // namespace tocsin::alerting
