// Loading alertmanager.yml: Alertmanager 0.34's config.LoadFile, plus `${VAR}` expansion.
//
// Errors carry Alertmanager's message first (so what upstream prints is contained in ours),
// then where: ` (at receivers[0].email_configs[0], alertmanager.yml:12:7)`. Wrong types and
// unknown fields are reported together, as go-yaml's strict mode does:
//   yaml: unmarshal errors:
//     line 16: field teams not found in type opsgenie.plain (at receivers[0]..., f.yml:16:9)
#pragma once

#include <string>
#include <string_view>

#include "engine/alerting/config.h"
#include "engine/alerting/env_expander.h"
#include "engine/alerting/matchers_parser.h"
#include "storage/base/result.h"

namespace tocsin::alerting {

struct LoadOptions {
  MatcherParseMode matcher_mode = MatcherParseMode::kFallback;
  // Where `${VAR}` values come from; the process environment when empty.
  EnvLookup env;
};

// `file` names the source in messages and anchors relative template paths ("" = the current
// directory).
Result<Config> LoadConfig(std::string_view yaml, const std::string& file,
                          const LoadOptions& options = {});
Result<Config> LoadConfigFile(const std::string& path, const LoadOptions& options = {});

}  // namespace tocsin::alerting
