#include "engine/alertmanager_api/status_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <string_view>

namespace tocsin::alertmanager_api {
namespace {

constexpr std::string_view kSecretText = "<secret>";

// Fields Alertmanager and prometheus/common type as Secret or SecretURL, wherever they appear.
const std::set<std::string, std::less<>>& AlwaysSecret() {
  static const std::set<std::string, std::less<>> kKeys = {
      // global
      "smtp_auth_password", "smtp_auth_secret", "slack_api_url", "slack_app_token",
      "opsgenie_api_key", "wechat_api_secret", "victorops_api_key", "telegram_bot_token",
      "rocketchat_token", "rocketchat_token_id", "mattermost_webhook_url",
      // http_config: basic_auth.password, authorization.credentials, oauth2.client_secret
      "password", "credentials", "bearer_token", "client_secret",
      // receivers
      "auth_password", "auth_secret", "routing_key", "service_key", "api_key", "api_secret",
      "user_key", "token", "token_id", "bot_token", "webhook_url", "secret_key", "app_token"};
  return kKeys;
}

// Fields that are secrets only inside a given block: `api_url` of Slack (a SecretURL; other
// integrations' api_url are plain URLs), `url` of webhooks, `key` of TLS settings.
bool IsSecret(std::string_view key, std::string_view context) {
  if (AlwaysSecret().contains(key)) return true;
  if (key == "api_url") return context == "slack_configs";
  if (key == "url") return context == "webhook_configs";
  if (key == "key") return context == "tls_config" || context == "smtp_tls_config";
  return false;
}

class Redactor {
 public:
  explicit Redactor(const alerting::EnvLookup& env) : env_(env) {}

  // `context` is the key the node sits under (for a list item, the list's key).
  void Walk(YAML::Node node, std::string_view context) {
    if (node.IsSequence()) {
      for (YAML::Node item : node) Walk(item, context);
      return;
    }
    if (!node.IsMap()) return;
    std::vector<std::string> drop;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      YAML::Node value = it->second;
      if (key == "notify_resolved_on_mute") {
        drop.push_back(key);
        continue;
      }
      if (value.IsScalar()) {
        std::string text = Expand(value.Scalar());
        if (IsSecret(key, context)) {
          if (text.empty()) {
            drop.push_back(key);
          } else {
            value = std::string(kSecretText);
          }
        } else if (text != value.Scalar()) {
          value = text;
        }
        continue;
      }
      Walk(value, key);
    }
    for (const std::string& key : drop) node.remove(key);
  }

 private:
  std::string Expand(const std::string& text) const {
    if (text.find('$') == std::string::npos) return text;
    auto e = alerting::ExpandEnv(text, env_);
    return e.ok() ? e->value : text;
  }

  const alerting::EnvLookup& env_;
};

// "slack_configs[2]" -> ("slack_configs", 2).
std::optional<std::pair<std::string, size_t>> SplitIntegration(std::string_view label) {
  const size_t open = label.find('[');
  if (open == std::string_view::npos || label.back() != ']') return std::nullopt;
  const std::string digits(label.substr(open + 1, label.size() - open - 2));
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return std::nullopt;
  return std::make_pair(std::string(label.substr(0, open)), std::stoul(digits));
}

// Removes the integrations the loader switched off: they are not in the running configuration.
void RemoveDisabled(YAML::Node receivers, const alerting::Config& config) {
  if (!receivers.IsSequence()) return;
  for (YAML::Node receiver : receivers) {
    if (!receiver.IsMap() || !receiver["name"] || !receiver["name"].IsScalar()) continue;
    const alerting::ReceiverConfig* rc = config.FindReceiver(receiver["name"].Scalar());
    if (rc == nullptr || rc->disabled_configs.empty()) continue;
    std::map<std::string, std::set<size_t>> off;
    for (const alerting::DisabledIntegration& d : rc->disabled_configs) {
      if (auto split = SplitIntegration(d.integration)) off[split->first].insert(split->second);
    }
    for (const auto& [list_key, indexes] : off) {
      YAML::Node list = receiver[list_key];
      if (!list.IsSequence()) continue;
      YAML::Node kept(YAML::NodeType::Sequence);
      for (size_t i = 0; i < list.size(); ++i) {
        if (!indexes.contains(i)) kept.push_back(list[i]);
      }
      if (kept.size() == 0) {
        receiver.remove(list_key);
      } else {
        receiver[list_key] = kept;
      }
    }
  }
}

}  // namespace

std::string ConfigForStatus(const alerting::Config& config, const alerting::EnvLookup& env) {
  YAML::Node root;
  try {
    root = YAML::Load(config.original);
  } catch (const YAML::Exception&) {
    return "# the configuration text could not be shown\n";
  }
  if (!root.IsMap()) return "{}\n";
  Redactor(env).Walk(root, "");
  RemoveDisabled(root["receivers"], config);
  YAML::Emitter out;
  out << root;
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

}  // namespace tocsin::alertmanager_api
