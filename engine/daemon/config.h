// The daemon's configuration file (tocsin.yml): one strict YAML document in Prometheus's style.
//
//   global:          evaluation_interval, scrape_interval, scrape_timeout, rule_query_offset,
//                    resend_delay, query_lookback_delta, external_labels, external_url
//   rule_files:      [globs, relative to this file]
//   alerting:        config_file: alertmanager.yml   (or the same content inline under config:)
//   alertmanagers:   [upstream Alertmanagers that also receive every alert]
//   scrape_configs:  [Prometheus scrape jobs]
//   storage:         path, retention, history_retention, notification_retention,
//                    silence_retention
//   web:             listen_address, external_url, config_file, basic_auth_users,
//                    tls_server_config
//
// Every field is documented in docs/configuration.md. Unknown fields, wrong types and bad values
// are errors naming file:line:column, all of them at once. Relative paths in the file are
// relative to the file's directory.
//
// Two steps: ParseDaemonConfig reads this file alone (enough for `tocsin history` to find the
// database); ResolveDaemonConfig then expands the rule globs and loads what the file points to
// (the Alertmanager configuration, the web configuration file), so a reload can check every file
// before anything changes.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::daemon {

struct GlobalConfig {
  DurationMs evaluation_interval = kMinute;
  DurationMs scrape_interval = kMinute;
  DurationMs scrape_timeout = 10 * kSecond;
  DurationMs rule_query_offset = 0;
  // Prometheus's --rules.alert.resend-delay: the least time between two sends of a firing alert.
  DurationMs resend_delay = kMinute;
  DurationMs query_lookback_delta = 5 * kMinute;
  Labels external_labels;  // values have ${VAR} expanded
  // Where users reach tocsin (alerts' generatorURL, $externalURL); web.external_url is the same
  // setting and wins when both are given.
  std::string external_url;
};

// An upstream Alertmanager (or several, through `targets`) that also receives every alert the
// rules send, as Prometheus's alerting.alertmanagers entries.
struct UpstreamAlertmanager {
  std::vector<std::string> targets;  // host:port
  std::string scheme = "http";
  std::string path_prefix = "/";
  DurationMs timeout = 10 * kSecond;
  std::string api_version = "v2";
  // Credentials: basic auth, or an Authorization header (type + credentials).
  std::string basic_auth_username;
  std::string basic_auth_password;  // read from password_file when given
  std::string authorization_type;   // "Bearer" when credentials are set
  std::string authorization_credentials;
  // TLS towards the Alertmanager.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;

  // "http://host:port/prefix/api/v2/alerts" for each target.
  std::vector<std::string> AlertsUrls() const;
};

struct StorageConfig {
  std::string path = "data";  // the data directory holding tocsin.db
  // How much sample history the in-memory store keeps. Unset: the longest range any loaded rule
  // reads plus the lookback delta, at least kMinRetention.
  std::optional<DurationMs> retention;
  DurationMs history_retention = 90 * kDay;
  DurationMs notification_retention = 90 * kDay;
  DurationMs silence_retention = 120 * kHour;  // Alertmanager's --data.retention
};

inline constexpr DurationMs kMinRetention = kHour;

struct WebTlsConfig {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;
  std::string min_version = "TLS12";
};

struct WebConfig {
  std::string listen_address = "127.0.0.1:9093";
  std::string external_url;
  // A Prometheus web configuration file (basic_auth_users, tls_server_config); its settings are
  // merged into the two below by ResolveDaemonConfig.
  std::string config_file;
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
  std::optional<WebTlsConfig> tls;
};

// Where the Alertmanager-format configuration comes from.
struct AlertingSource {
  std::string config_file;  // resolved path, or empty
  // The inline `config:` block: the text of this file with everything else blanked, so that the
  // Alertmanager loader's line:column positions are positions in this file.
  std::string inline_text;
  bool present() const { return !config_file.empty() || !inline_text.empty(); }
};

struct DaemonConfig {
  std::string file;  // the configuration file as given ("" when built from defaults)
  std::string dir;   // its directory: the base of relative paths

  GlobalConfig global;
  std::vector<std::string> rule_files;  // patterns, resolved against `dir`
  AlertingSource alerting;
  std::vector<UpstreamAlertmanager> alertmanagers;
  YAML::Node scrape_configs;  // handed to the scrape loader as it is (null when absent)
  YAML::Node global_node;     // the `global` block, for the scrape loader's own global settings
  StorageConfig storage;
  WebConfig web;

  // Filled by ResolveDaemonConfig.
  std::vector<std::string> rule_file_paths;  // globs expanded, sorted per pattern, de-duplicated

  // The external URL in force (web's, else global's), without a trailing slash.
  std::string ExternalUrl() const;
};

// Parses `text`; `file` names the source in errors and anchors relative paths. Every problem is
// reported, one per line: "tocsin.yml:12:5: unknown field \"scrape_intervall\" in global".
Result<DaemonConfig> ParseDaemonConfig(const std::string& text, const std::string& file);
// Reads and parses `file`.
Result<DaemonConfig> ReadDaemonConfig(const std::string& file);

// The second step (see the header comment): expands `rule_files` (a pattern that matches nothing
// is not an error, as in Prometheus) and reads the web configuration file. The Alertmanager
// configuration and scrape jobs are loaded by their own modules from `alerting` and
// `scrape_configs`.
Status ResolveDaemonConfig(DaemonConfig& config);

// The configuration used when no file is given: defaults only.
DaemonConfig DefaultDaemonConfig();

// Prometheus's expansion of ${VAR} and $VAR in external label values (os.Expand with the
// environment; unknown variables expand to "").
std::string ExpandEnv(std::string_view text);

}  // namespace tocsin::daemon
