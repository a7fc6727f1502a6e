// promtool's rule-file lints. The only one upstream has is "duplicate-rules": two rules (in any
// groups of one file) with the same alert/record name and the same labels (group labels merged
// under rule labels) — they would write the same series.
#pragma once

#include <string>
#include <vector>

#include "rules/rule_file.h"
#include "storage/base/labels.h"

namespace tocsin::rules {

struct DuplicateRule {
  std::string name;  // alert or record name
  Labels labels;
};

// Each duplicated (name, labels) once, sorted by name then labels.
std::vector<DuplicateRule> FindDuplicateRules(const RuleFile& file);

// promtool's report: "N duplicate rule(s) found.\nMetric: x\nLabel(s):\n\tname: value\n...
// Might cause inconsistency while recording expressions".
std::string FormatDuplicateRules(const std::vector<DuplicateRule>& duplicates);

}  // namespace tocsin::rules
