// `${VAR}` expansion in configuration strings: a tocsin extension to Alertmanager's format so
// that secrets and addresses can come from the environment (Alertmanager itself reads secrets
// only from `*_file` fields).
//
//   ${VAR}          the variable's value; unset is an error where the value is used
//   ${VAR:-text}    `text` when VAR is unset or empty (docker-compose / shell semantics)
//   ${VAR-text}     `text` when VAR is unset
//   $$              a literal `$`
// A `$` followed by anything else is kept as it is, so Go templates (`{{ $labels }}`) pass.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/result.h"

namespace tocsin::alerting {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment.
EnvLookup ProcessEnvironment();

struct Expansion {
  std::string value;
  // Variables written as ${VAR} that are unset (the value has "" in their place).
  std::vector<std::string> unset_required;
  // Variables written with a fallback (${VAR:-x}, ${VAR-x}) whose fallback was used.
  std::vector<std::string> unset_optional;
  // The input was exactly one reference that came out empty: the field reads as not set.
  bool empty_reference = false;
};

// Fails only on malformed syntax: an unterminated `${`, or a name that is not
// [A-Za-z_][A-Za-z0-9_]*.
Result<Expansion> ExpandEnv(std::string_view input, const EnvLookup& lookup);

}  // namespace tocsin::alerting
