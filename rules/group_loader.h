// Turns rule files into rule groups ready to evaluate (Prometheus's Manager.LoadGroups): parses
// and validates each file, parses every expression once, merges group labels under rule labels.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rules/rule_file.h"
#include "rules/rule_group.h"

namespace tocsin::rules {

struct GroupLoadOptions {
  RuleFileOptions files;
  DurationMs default_interval = kMinute;  // for groups without `interval`
};

struct LoadedGroups {
  std::vector<std::unique_ptr<RuleGroup>> groups;  // in file order, then group order
  std::vector<std::string> warnings;
  // The errors of the first file that failed (Prometheus stops there); empty on success.
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};

LoadedGroups LoadGroups(const std::vector<std::string>& files, const GroupLoadOptions& options);

// The groups of one already parsed and validated file.
std::vector<std::unique_ptr<RuleGroup>> BuildGroups(const RuleFile& file,
                                                    const GroupLoadOptions& options);

}  // namespace tocsin::rules
