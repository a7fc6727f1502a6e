// A scrape job, as plain data: the fields of Prometheus's scrape_config (static targets only)
// under their Prometheus names. The daemon's configuration maps YAML onto it with
// ParseScrapeConfigs (scrape_config_yaml.h); programs may also fill it in directly and call
// Validate to apply the defaults Prometheus applies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::scrape {

// The exposition formats a scrape may ask for, in the Accept header, most wanted first.
enum class ScrapeProtocol {
  kOpenMetricsText1_0_0,
  kOpenMetricsText0_0_1,
  kPrometheusText1_0_0,
  kPrometheusText0_0_4,
};
// "OpenMetricsText1.0.0", ... (Prometheus's spelling); nullopt for unknown names.
std::optional<ScrapeProtocol> ParseScrapeProtocol(std::string_view name);
std::string_view ScrapeProtocolName(ScrapeProtocol p);

struct StaticConfig {
  std::vector<std::string> targets;  // host:port
  std::vector<Label> labels;         // applied to every target of the group
};

struct ScrapeAuth {
  // basic_auth
  std::string username;
  std::string password;
  std::string password_file;
  bool basic = false;
  // authorization (bearer_token / bearer_token_file are read into it)
  std::string authorization_type;  // "Bearer" by default
  std::string credentials;
  std::string credentials_file;
};

struct ScrapeTlsConfig {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;  // certificates are verified unless this is set
};

struct ScrapeConfig {
  std::string job_name;
  std::string scheme = "http";
  std::string metrics_path = "/metrics";
  DurationMs scrape_interval = 0;  // 0: the global scrape_interval
  DurationMs scrape_timeout = 0;   // 0: min(global scrape_timeout, scrape_interval)
  bool honor_labels = false;
  bool honor_timestamps = true;
  bool track_timestamps_staleness = false;
  std::vector<std::pair<std::string, std::vector<std::string>>> params;
  ScrapeAuth auth;
  ScrapeTlsConfig tls_config;
  std::vector<ScrapeProtocol> scrape_protocols;  // empty: Prometheus's default order
  std::optional<ScrapeProtocol> fallback_scrape_protocol;
  bool enable_compression = true;
  uint64_t body_size_limit = 0;  // bytes, 0: none
  uint64_t sample_limit = 0;
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
  std::vector<StaticConfig> static_configs;
};

struct ScrapeGlobals {
  DurationMs scrape_interval = kMinute;
  DurationMs scrape_timeout = 10 * kSecond;
  std::vector<ScrapeProtocol> scrape_protocols;  // empty: the default order
  uint64_t body_size_limit = 0;
  uint64_t sample_limit = 0;
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
};

// Prometheus's defaulting and checks (ScrapeConfig.Validate): interval and timeout from the
// globals, timeout <= interval, protocols, auth exclusivity, target addresses. Errors read like
// Prometheus's, e.g. `scrape timeout greater than scrape interval for scrape config with job
// name "x"`.
Status Validate(ScrapeConfig& config, const ScrapeGlobals& globals);

// The Accept header for these protocols, with Prometheus's weights:
// "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,...,*/*;q=0.2".
std::string AcceptHeader(const std::vector<ScrapeProtocol>& protocols);
std::vector<ScrapeProtocol> DefaultScrapeProtocols();

}  // namespace tocsin::scrape
