#include "engine/daemon/loaded_config.h"

#include "engine/alerting/config_loader.h"
#include "engine/daemon/retention.h"
#include "engine/scrape/scrape_config_yaml.h"
#include "rules/group_loader.h"
#include "rules/prometheus_template_expander.h"

namespace tocsin::daemon {
namespace {

void ApplyOverrides(DaemonConfig& c, const ConfigOverrides& o) {
  if (!o.listen_address.empty()) c.web.listen_address = o.listen_address;
  if (!o.storage_path.empty()) c.storage.path = o.storage_path;
  if (!o.external_url.empty()) c.web.external_url = o.external_url;
}

}  // namespace

rules::RuleFileOptions DaemonRuleFileOptions() {
  rules::RuleFileOptions o;
  o.template_check = rules::PrometheusTemplateParseCheck();
  return o;
}

Result<LoadedConfig> LoadReferenced(DaemonConfig config, const ConfigOverrides& overrides) {
  ApplyOverrides(config, overrides);
  if (Status s = ResolveDaemonConfig(config); !s.ok()) return Error{s.message()};
  LoadedConfig out;
  std::vector<std::string> errors;

  // Rules: every file parsed and checked, as the rule manager will load them.
  rules::GroupLoadOptions group_options;
  group_options.files = DaemonRuleFileOptions();
  group_options.default_interval = config.global.evaluation_interval;
  rules::LoadedGroups groups = rules::LoadGroups(config.rule_file_paths, group_options);
  if (!groups.ok()) {
    errors.insert(errors.end(), groups.errors.begin(), groups.errors.end());
  } else {
    std::vector<const rules::RuleGroup*> list;
    for (const auto& g : groups.groups) {
      list.push_back(g.get());
      out.rules += g->rules().size();
    }
    out.rule_groups = list.size();
    out.longest_rule_look_back = LongestRuleLookBack(list, config.global.query_lookback_delta,
                                                     config.global.rule_query_offset);
    out.warnings.insert(out.warnings.end(), groups.warnings.begin(), groups.warnings.end());
    out.groups = std::move(groups);
  }

  // The Alertmanager configuration.
  Result<alerting::Config> am = !config.alerting.config_file.empty()
                                    ? alerting::LoadConfigFile(config.alerting.config_file)
                                : !config.alerting.inline_text.empty()
                                    ? alerting::LoadConfig(config.alerting.inline_text, config.file)
                                    : alerting::LoadConfig(kDefaultAlertingConfig, "");
  if (!am.ok()) {
    const std::string where = !config.alerting.config_file.empty() ? "" : config.file + ": ";
    errors.push_back(where + am.message());
  } else {
    out.warnings.insert(out.warnings.end(), am->warnings.begin(), am->warnings.end());
    out.alerting = std::make_shared<const alerting::Config>(std::move(*am));
  }

  // Scrape jobs, with Prometheus's defaults and checks.
  auto globals = scrape::ParseScrapeGlobals(config.global_node, config.file);
  if (!globals.ok()) {
    errors.push_back(globals.message());
  } else {
    out.scrape_globals = *globals;
    auto jobs = scrape::ParseScrapeConfigs(config.scrape_configs, config.file);
    if (!jobs.ok()) {
      errors.push_back(jobs.message());
    } else {
      for (scrape::ScrapeConfig& job : *jobs) {
        if (Status s = scrape::Validate(job, *globals); !s.ok()) {
          errors.push_back(config.file + ": " + s.message());
        }
      }
      out.scrape_configs = std::move(*jobs);
    }
  }

  if (!errors.empty()) {
    std::string message;
    for (const std::string& e : errors) message += (message.empty() ? "" : "\n") + e;
    return Error{message};
  }
  out.daemon = std::move(config);
  return out;
}

Result<LoadedConfig> LoadConfiguration(const std::string& file, const ConfigOverrides& overrides) {
  if (file.empty()) return LoadReferenced(DefaultDaemonConfig(), overrides);
  auto parsed = ReadDaemonConfig(file);
  if (!parsed.ok()) return parsed.error();
  return LoadReferenced(std::move(*parsed), overrides);
}

}  // namespace tocsin::daemon
