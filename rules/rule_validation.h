// The semantic checks Prometheus's rulefmt applies to a decoded rule file (RuleGroups.Validate and
// Rule.Validate): group names, record vs alert fields, name validity, expressions, templates.
#pragma once

#include <string>
#include <vector>

#include "rules/rule_file.h"

namespace tocsin::rules {

// Every problem in `file`, in file order, each "<line>:<col>: ..." (without the file name).
std::vector<std::string> ValidateRuleFile(const RuleFile& file, const RuleFileOptions& options);

bool IsValidRuleLabelName(std::string_view name, NameValidation v);
bool IsValidRuleMetricName(std::string_view name, NameValidation v);

}  // namespace tocsin::rules
