// `tocsin test rules --coverage`: which rules the unit tests exercised, and how far. For every
// rule of every rule file a test loaded: whether it was evaluated, whether a recording rule
// produced series, which states its alerts reached (pending, firing, resolved), and whether an
// alert_rule_test asserted on it. promtool has no such report (prometheus/prometheus#8131).
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "rules/rule_group.h"

namespace tocsin::rules::unittest {

class Coverage {
 public:
  // Records what the rules of `group` did in the evaluation that just ran, for test `test`.
  void Observe(const RuleGroup& group, const std::string& test);
  // An alert_rule_test asserted on `alertname` (in any group).
  void Asserted(const std::string& alertname);

  // The report, one line per rule, grouped by rule file.
  std::string Report() const;

 private:
  struct Key {
    std::string file, group;
    size_t index;
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  struct Entry {
    std::string name;
    bool alerting = false;
    bool evaluated = false;
    bool produced = false;  // wrote series (recording) / had an alert (alerting)
    bool pending = false, firing = false, resolved = false;
    std::set<std::string> tests;  // tests in which it produced something
  };
  std::map<Key, Entry> entries_;
  std::set<std::string> asserted_;
};

}  // namespace tocsin::rules::unittest
