// Flags shared by `tocsin check rules` and `tocsin test rules`: how rule files are read
// (--ignore-unknown-fields, --enable-feature=promql-experimental-functions,...), as promtool has.
#pragma once

#include <string>
#include <vector>

#include "rules/rule_file.h"
#include "storage/base/result.h"

namespace CLI {
class App;
}

namespace tocsin::cli {

struct RuleFlags {
  bool ignore_unknown_fields = false;
  std::vector<std::string> features;  // each may hold several, comma-separated
  std::string name_validation = "utf8";

  // The parser options the features select; unknown features are warned about on stdout, as
  // promtool does. Fails for an unknown name validation scheme.
  Result<rules::RuleFileOptions> ToOptions() const;
  // Whether --enable-feature=promql-delayed-name-removal was given.
  bool delayed_name_removal() const;
};

void AddRuleFlags(CLI::App& cmd, RuleFlags& flags);

}  // namespace tocsin::cli
