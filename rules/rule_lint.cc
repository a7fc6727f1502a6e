#include "rules/rule_lint.h"

#include <algorithm>

namespace tocsin::rules {
namespace {

// Labels as Prometheus's FromMaps builds them: later maps override earlier ones. (A label with
// an empty value is dropped here; Prometheus keeps it, which only matters for such odd rules.)
Labels MergedLabels(const std::map<std::string, std::string>& group,
                    const std::map<std::string, std::string>& rule) {
  std::map<std::string, std::string> merged = group;
  for (const auto& [k, v] : rule) merged[k] = v;
  std::vector<Label> out;
  out.reserve(merged.size());
  for (auto& [k, v] : merged) out.push_back({k, v});
  return Labels::FromVector(std::move(out));
}

bool SameRule(const DuplicateRule& a, const DuplicateRule& b) {
  return a.name == b.name && a.labels == b.labels;
}

}  // namespace

std::vector<DuplicateRule> FindDuplicateRules(const RuleFile& file) {
  std::vector<DuplicateRule> all;
  for (const RuleGroupSpec& g : file.groups) {
    for (const RuleSpec& r : g.rules) all.push_back({r.name(), MergedLabels(g.labels, r.labels)});
  }
  std::sort(all.begin(), all.end(), [](const DuplicateRule& a, const DuplicateRule& b) {
    if (a.name != b.name) return a.name < b.name;
    return a.labels < b.labels;
  });
  std::vector<DuplicateRule> duplicates;
  for (size_t i = 1; i < all.size(); ++i) {
    if (SameRule(all[i - 1], all[i]) &&
        (duplicates.empty() || !SameRule(duplicates.back(), all[i]))) {
      duplicates.push_back(all[i]);
    }
  }
  return duplicates;
}

std::string FormatDuplicateRules(const std::vector<DuplicateRule>& duplicates) {
  std::string out = std::to_string(duplicates.size()) + " duplicate rule(s) found.\n";
  for (const DuplicateRule& d : duplicates) {
    out += "Metric: " + d.name + "\nLabel(s):\n";
    for (const Label& l : d.labels) out += "\t" + l.name + ": " + l.value + "\n";
  }
  out += "Might cause inconsistency while recording expressions";
  return out;
}

}  // namespace tocsin::rules
