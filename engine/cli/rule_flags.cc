#include "engine/cli/rule_flags.h"

#include <CLI/CLI.hpp>
#include <iostream>

namespace tocsin::cli {
namespace {

std::vector<std::string> SplitFeatures(const std::vector<std::string>& flags) {
  std::vector<std::string> out;
  for (const std::string& f : flags) {
    size_t start = 0;
    while (start <= f.size()) {
      size_t end = f.find(',', start);
      if (end == std::string::npos) end = f.size();
      if (end > start) out.push_back(f.substr(start, end - start));
      start = end + 1;
    }
  }
  return out;
}

}  // namespace

Result<rules::RuleFileOptions> RuleFlags::ToOptions() const {
  rules::RuleFileOptions o;
  o.ignore_unknown_fields = ignore_unknown_fields;
  if (name_validation == "utf8") {
    o.name_validation = rules::NameValidation::kUtf8;
  } else if (name_validation == "legacy") {
    o.name_validation = rules::NameValidation::kLegacy;
  } else {
    return Error{"unknown name validation scheme \"" + name_validation +
                 "\" (want utf8 or legacy)"};
  }
  for (const std::string& f : SplitFeatures(features)) {
    if (f == "promql-experimental-functions") {
      o.parser.experimental_functions = true;
    } else if (f == "promql-extended-range-selectors") {
      o.parser.extended_range_selectors = true;
    } else if (f == "promql-binop-fill-modifiers") {
      o.parser.binop_fill_modifiers = true;
    } else if (f == "promql-duration-expr" || f == "promql-delayed-name-removal") {
      // Duration expressions are always on; delayed name removal is an engine option.
    } else {
      std::cout << "  WARNING: Unknown feature passed to --enable-feature: " << f << "\n";
    }
  }
  return o;
}

bool RuleFlags::delayed_name_removal() const {
  for (const std::string& f : SplitFeatures(features)) {
    if (f == "promql-delayed-name-removal") return true;
  }
  return false;
}

void AddRuleFlags(CLI::App& cmd, RuleFlags& flags) {
  cmd.add_flag("--ignore-unknown-fields", flags.ignore_unknown_fields,
               "Ignore unknown fields in rule files (Prometheus itself rejects them)");
  cmd.add_option("--enable-feature", flags.features,
                 "Comma-separated features: promql-experimental-functions, "
                 "promql-delayed-name-removal, promql-extended-range-selectors, "
                 "promql-binop-fill-modifiers")
      ->allow_extra_args(false);
  cmd.add_option("--name-validation-scheme", flags.name_validation,
                 "Metric and label name validation: utf8 (Prometheus 3 default) or legacy")
      ->capture_default_str();
}

}  // namespace tocsin::cli
