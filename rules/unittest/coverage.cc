#include "rules/unittest/coverage.h"

#include <algorithm>

namespace tocsin::rules::unittest {

void Coverage::Observe(const RuleGroup& group, const std::string& test) {
  for (size_t i = 0; i < group.rules().size(); ++i) {
    const Rule& rule = *group.rules()[i];
    Entry& e = entries_[Key{group.file(), group.name(), i}];
    e.name = rule.name();
    e.alerting = rule.is_alerting();
    const RuleStatus status = rule.status();
    if (status.health == RuleHealth::kUnknown) continue;
    e.evaluated = true;
    bool produced = false;
    if (rule.is_alerting()) {
      for (const Alert& a : rule.alerting()->Alerts()) {
        produced = true;
        if (a.state == AlertState::kPending) e.pending = true;
        if (a.state == AlertState::kFiring) e.firing = true;
        if (a.state == AlertState::kInactive) e.resolved = true;
      }
    } else {
      produced = status.samples > 0;
    }
    if (produced) {
      e.produced = true;
      e.tests.insert(test);
    }
  }
}

void Coverage::Asserted(const std::string& alertname) {
  asserted_.insert(alertname);
}

std::string Coverage::Report() const {
  size_t rules = 0, exercised = 0, alerting = 0, fired = 0, resolved = 0, asserted = 0;
  size_t width = 0;
  for (const auto& [key, e] : entries_) {
    width = std::max(width, key.group.size() + 1 + e.name.size());
  }
  std::string body;
  std::string file;
  for (const auto& [key, e] : entries_) {
    ++rules;
    if (e.produced) ++exercised;
    if (key.file != file) {
      file = key.file;
      body += "  " + file + "\n";
    }
    std::string name = key.group + "/" + e.name;
    name.resize(std::max(width, name.size()), ' ');
    std::string line = "    " + name + (e.alerting ? "  alerting   " : "  recording  ");
    if (!e.evaluated) {
      line += "never evaluated";
    } else if (e.alerting) {
      ++alerting;
      const bool is_asserted = asserted_.contains(e.name);
      if (e.firing) ++fired;
      if (e.resolved) ++resolved;
      if (is_asserted) ++asserted;
      std::string states;
      if (e.pending) states += " pending";
      if (e.firing) states += " firing";
      if (e.resolved) states += " resolved";
      line += states.empty() ? "never active" : states.substr(1);
      line += is_asserted ? "; asserted by alert_rule_test" : "; no alert_rule_test";
    } else {
      line += e.produced ? "produced series" : "produced nothing";
    }
    if (!e.tests.empty()) {
      line += "; tests:";
      for (const std::string& t : e.tests) line += " \"" + t + "\"";
    }
    body += line + "\n";
  }
  std::string head = "Coverage: " + std::to_string(exercised) + " of " + std::to_string(rules) +
                     " rules exercised; " + std::to_string(fired) + " of " +
                     std::to_string(alerting) + " alerting rules fired, " +
                     std::to_string(resolved) + " resolved, " + std::to_string(asserted) +
                     " asserted\n";
  return head + body;
}

}  // namespace tocsin::rules::unittest
