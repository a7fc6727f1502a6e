// Everything a (re)load of the daemon needs, read and checked before anything changes: the
// daemon's file, the rule files (parsed and validated into the groups a reload installs, so the
// rules that run are the ones checked, even if a file changes meanwhile), the Alertmanager
// configuration, the scrape jobs. A reload applies a LoadedConfig only when LoadConfiguration
// succeeded for all of it, so a bad file leaves the running configuration untouched.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/alerting/config.h"
#include "engine/daemon/config.h"
#include "engine/scrape/scrape_config.h"
#include "rules/group_loader.h"
#include "rules/rule_file.h"
#include "storage/base/result.h"

namespace tocsin::daemon {

// Command-line settings that win over the file (empty: the file's).
struct ConfigOverrides {
  std::string listen_address;
  std::string storage_path;
  std::string external_url;
};

struct LoadedConfig {
  DaemonConfig daemon;  // resolved (rule globs expanded), overrides applied
  std::shared_ptr<const alerting::Config> alerting;
  scrape::ScrapeGlobals scrape_globals;
  std::vector<scrape::ScrapeConfig> scrape_configs;  // validated, defaults applied
  // The rule groups, loaded as the rule manager loads them (RuleManager::Install takes them; a
  // LoadedConfig whose groups were installed keeps only the counts below).
  rules::LoadedGroups groups;
  size_t rule_groups = 0;
  size_t rules = 0;
  DurationMs longest_rule_look_back = 0;  // retention.h
  std::vector<std::string> warnings;      // rule files' and the Alertmanager file's
};

// The Alertmanager configuration used when the daemon's file names none: every alert goes to one
// receiver without integrations, so alerts are still grouped, logged and kept in the history.
inline constexpr const char* kDefaultAlertingConfig =
    "route:\n  receiver: default\nreceivers:\n  - name: default\n";

// The rule file options the daemon evaluates with (the rule manager must use the same).
rules::RuleFileOptions DaemonRuleFileOptions();

// Reads `file` ("" = DefaultDaemonConfig()) and everything it points to.
Result<LoadedConfig> LoadConfiguration(const std::string& file, const ConfigOverrides& overrides);
// The same from an already parsed daemon configuration (embedders building one in code).
Result<LoadedConfig> LoadReferenced(DaemonConfig config, const ConfigOverrides& overrides);

}  // namespace tocsin::daemon
