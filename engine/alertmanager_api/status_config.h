// The configuration text GET /api/v2/status shows as `config.original`.
//
// Alertmanager shows its loaded configuration marshalled back to YAML, with every secret
// (passwords, tokens, keys, Slack and webhook URLs) replaced by `<secret>`; amtool prints it
// (`amtool config show`) and loads it again (`amtool config routes`), so it must be a file
// Alertmanager itself accepts. tocsin starts from the file as written and:
//   - expands `${VAR}` references (a tocsin extension; the loaded configuration holds the
//     expanded values),
//   - replaces every non-empty secret by `<secret>` and drops secrets that came out empty,
//   - removes the integrations the loader switched off because their destination variable is
//     unset (they are not part of the running configuration), and receivers' lists left empty,
//   - drops tocsin's own route field `notify_resolved_on_mute`, which Alertmanager rejects.
#pragma once

#include <string>

#include "engine/alerting/config.h"
#include "engine/alerting/env_expander.h"

namespace tocsin::alertmanager_api {

// `env` should be the lookup the configuration was loaded with. A configuration whose text no
// longer parses (it was loaded, so it does) yields the text with nothing shown but a comment.
std::string ConfigForStatus(const alerting::Config& config, const alerting::EnvLookup& env);

}  // namespace tocsin::alertmanager_api
