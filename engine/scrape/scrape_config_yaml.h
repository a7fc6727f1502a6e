// The scrape_configs section of a Prometheus-style YAML file, onto ScrapeConfig: Prometheus's
// field names, durations ("15s", "1m"), sizes ("10MB"), and its strictness (unknown fields are
// errors). Errors name file:line:column. The daemon's configuration loader hands its
// `scrape_configs` node (and `global`) to these; ParseScrapeYaml reads a whole document.
#pragma once

#include <string_view>
#include <vector>

#include "engine/scrape/scrape_config.h"
#include "storage/base/result.h"

namespace YAML {
class Node;
}

namespace tocsin::scrape {

Result<std::vector<ScrapeConfig>> ParseScrapeConfigs(const YAML::Node& node, std::string_view file);
// The scrape settings of a `global` block (other keys are left to the caller).
Result<ScrapeGlobals> ParseScrapeGlobals(const YAML::Node& node, std::string_view file);

struct ScrapeSection {
  ScrapeGlobals globals;
  std::vector<ScrapeConfig> configs;
};
// A document with `global` and `scrape_configs` (other top-level keys are ignored). The configs
// are validated (defaults applied) against the globals.
Result<ScrapeSection> ParseScrapeYaml(std::string_view text, std::string_view file);

}  // namespace tocsin::scrape
