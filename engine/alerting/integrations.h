// tocsin's integrations for a configuration: each receiver's `slack_configs`,
// `email_configs`, `pagerduty_configs` and `webhook_configs` become notifiers (notifiers/)
// behind the pipeline's Integration interface, in Alertmanager's order (as its
// BuildReceiverIntegrations); unsupported kinds are refused and receivers without an active
// integration deliver to the log (builtin_integrations.h).
//
// The configuration's types map field by field onto the notifiers' own. What tocsin reads
// differently from Alertmanager: `http_config` `*_file` credentials (basic auth password,
// bearer token) are read when the configuration is loaded or reloaded, not at each request;
// inline TLS `ca`/`cert`/`key` are not supported (use the `*_file` forms) and are reported.
#pragma once

#include <memory>
#include <string>

#include "engine/alerting/config.h"
#include "engine/alerting/integration.h"
#include "storage/base/result.h"

namespace tocsin::notifiers {
class HttpClient;
}

namespace tocsin::alerting {

struct IntegrationOptions {
  notifiers::HttpClient* http = nullptr;  // required; shared by every HTTP integration
  std::string external_url;  // Alertmanager's --web.external-url, for links in messages
};

// Fails when the templates do not parse (`templates:` files), naming the file.
Result<ReceiverIntegrations> BuildIntegrations(const Config& config,
                                               const IntegrationOptions& options);

}  // namespace tocsin::alerting
