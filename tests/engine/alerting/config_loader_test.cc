#include "engine/alerting/config_loader.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

namespace tocsin::alerting {
namespace {

Result<Config> Load(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  LoadOptions o;
  o.env = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return LoadConfig(yaml, "am.yml", o);
}

TEST(ConfigLoaderTest, EmptyInputHasNoRoute) {
  EXPECT_EQ(Load("").message(), "no route provided in config");
  EXPECT_EQ(Load("# only a comment\n").message(), "no route provided in config");
}

TEST(ConfigLoaderTest, UnknownFieldsAndWrongTypesAreCollected) {
  Result<Config> cfg = Load(R"(route:
  receiver: r
  recever: x
  continue: maybe
receivers: [{name: r}]
)");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.message().find("yaml: unmarshal errors:\n  line 3: field recever not found in "
                               "type config.plain (at route.recever, am.yml:3:3)"),
            std::string::npos)
      << cfg.message();
  EXPECT_NE(cfg.message().find("\n  line 4: cannot unmarshal !!str `maybe` into bool"),
            std::string::npos)
      << cfg.message();
}

TEST(ConfigLoaderTest, ValidationErrorsNamePathAndPosition) {
  Result<Config> cfg = Load(R"(route:
  receiver: r
  routes:
    - receiver: nope
receivers: [{name: r}]
)");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.message(),
            "undefined receiver \"nope\" used in route (at route.routes[0], am.yml:4:7)");
  EXPECT_EQ(Load("route: {receiver: r, continue: true}\nreceivers: [{name: r}]\n").message(),
            "cannot have continue in root route (at route, am.yml:1:8)");
  EXPECT_NE(Load("route: {receiver: r, group_by: ['...', a]}\nreceivers: [{name: r}]\n")
                .message()
                .find("cannot have wildcard group_by (`...`) and other labels at the same time"),
            std::string::npos);
  EXPECT_NE(Load("route: {receiver: r, routes: [{matchers: ['a=~\"(\"']}]}\n"
                 "receivers: [{name: r}]\n")
                .message()
                .find("am.yml:1:43"),
            std::string::npos);
}

TEST(ConfigLoaderTest, GlobalDefaultsInheritedIntoReceivers) {
  Result<Config> cfg = Load(R"(global:
  smtp_smarthost: smtp.example.org:587
  smtp_from: am@example.org
  smtp_require_tls: false
  slack_api_url: https://hooks.slack.com/services/X
  pagerduty_url: https://pd.example.org/enqueue
route: {receiver: r}
receivers:
  - name: r
    email_configs:
      - to: a@example.org
      - to: b@example.org
        require_tls: true
        smarthost: other:25
    slack_configs: [{channel: '#c'}]
    pagerduty_configs: [{routing_key: k}]
    webhook_configs: [{url: 'http://127.0.0.1:9/hook', max_alerts: 3}]
)");
  ASSERT_TRUE(cfg.ok()) << cfg.message();
  const ReceiverConfig& r = cfg->receivers[0];
  EXPECT_EQ(r.email_configs[0].smarthost.ToString(), "smtp.example.org:587");
  EXPECT_EQ(r.email_configs[0].from, "am@example.org");
  EXPECT_EQ(r.email_configs[0].hello, "localhost");
  EXPECT_FALSE(r.email_configs[0].require_tls);
  EXPECT_TRUE(r.email_configs[1].require_tls);
  EXPECT_EQ(r.email_configs[1].smarthost.ToString(), "other:25");
  EXPECT_EQ(r.slack_configs[0].api_url->reveal(), "https://hooks.slack.com/services/X");
  EXPECT_EQ(r.pagerduty_configs[0].url, "https://pd.example.org/enqueue");
  EXPECT_EQ(r.pagerduty_configs[0].source, R"({{ template "pagerduty.default.client" . }})");
  EXPECT_TRUE(r.webhook_configs[0].send_resolved);
  EXPECT_EQ(r.webhook_configs[0].max_alerts, 3u);
  EXPECT_EQ(r.labels.at("name"), "r");
}

TEST(ConfigLoaderTest, MissingGlobalsAreErrors) {
  EXPECT_NE(Load("route: {receiver: r}\nreceivers: [{name: r, email_configs: [{to: x@y}]}]\n")
                .message()
                .find("no global SMTP smarthost set"),
            std::string::npos);
  EXPECT_NE(Load("route: {receiver: r}\nreceivers: [{name: r, email_configs: [{}]}]\n")
                .message()
                .find("missing to address in email config"),
            std::string::npos);
  EXPECT_NE(Load("route: {receiver: r}\nreceivers: [{name: r}, {name: r}]\n")
                .message()
                .find("notification config name \"r\" is not unique"),
            std::string::npos);
}

TEST(ConfigLoaderTest, SecretsPrintRedacted) {
  Secret s("hunter2");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "<secret>");
  EXPECT_EQ(s.reveal(), "hunter2");
  EXPECT_EQ(Secret().ToString(), "");
  // An invalid secret URL is not echoed back.
  Result<Config> cfg = Load(
      "global: {slack_api_url: 'ftp://token@x'}\nroute: {receiver: r}\nreceivers: [{name: r}]\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.message().find("token"), std::string::npos) << cfg.message();
}

TEST(ConfigLoaderTest, EnvironmentExpansion) {
  const std::string yaml = R"(route:
  receiver: used
receivers:
  - name: used
    slack_configs: [{api_url: '${HOOK}', channel: '$${literal} {{ $labels }}'}]
  - name: unused
    webhook_configs: [{url: '${UNSET_BUT_UNUSED}'}]
)";
  Result<Config> cfg = Load(yaml, {{"HOOK", "https://hooks.example.org/a"}});
  ASSERT_TRUE(cfg.ok()) << cfg.message();
  EXPECT_EQ(cfg->receivers[0].slack_configs[0].api_url->reveal(), "https://hooks.example.org/a");
  EXPECT_EQ(cfg->receivers[0].slack_configs[0].channel, "${literal} {{ $labels }}");

  Result<Config> unset = Load(yaml);
  ASSERT_FALSE(unset.ok());
  EXPECT_EQ(unset.message(),
            "environment variable HOOK is not set (receiver \"used\" is used by the route tree) "
            "(at receivers[0].slack_configs[0].api_url, am.yml:5:31)");
}

std::string Reason(const ReceiverConfig& r, const std::string& integration) {
  for (const DisabledIntegration& d : r.disabled_configs) {
    if (d.integration == integration) return d.reason;
  }
  return "(not disabled)";
}

TEST(ConfigLoaderTest, UnsetOptionalVariableSwitchesIntegrationOff) {
  const std::string yaml = R"(global:
  smtp_smarthost: '${SMTP_SMARTHOST:-}'
  smtp_from: '${SMTP_FROM:-alertmanager@localhost}'
route: {receiver: r}
receivers:
  - name: r
    slack_configs: [{api_url: '${SLACK_WEBHOOK_URL:-}'}]
    email_configs: [{to: '${ALERT_EMAIL_TO:-}'}]
    pagerduty_configs: [{routing_key: '${PAGERDUTY_ROUTING_KEY:-}'}]
)";
  Result<Config> off = Load(yaml);
  ASSERT_TRUE(off.ok()) << off.message();
  const ReceiverConfig& r = off->receivers[0];
  EXPECT_EQ(r.active_integration_count(), 0u);
  ASSERT_EQ(r.disabled_configs.size(), 3u);
  EXPECT_EQ(Reason(r, "slack_configs[0]"), "SLACK_WEBHOOK_URL is not set");
  EXPECT_EQ(Reason(r, "email_configs[0]"), "ALERT_EMAIL_TO is not set");
  EXPECT_EQ(Reason(r, "pagerduty_configs[0]"), "PAGERDUTY_ROUTING_KEY is not set");
  EXPECT_EQ(off->warnings.size(), 3u);

  Result<Config> on = Load(yaml, {{"SMTP_SMARTHOST", "mail:25"},
                                  {"SLACK_WEBHOOK_URL", "https://hooks.example.org/x"},
                                  {"ALERT_EMAIL_TO", "oncall@example.org"},
                                  {"PAGERDUTY_ROUTING_KEY", "k"}});
  ASSERT_TRUE(on.ok()) << on.message();
  EXPECT_EQ(on->receivers[0].active_integration_count(), 3u);
  EXPECT_EQ(on->receivers[0].email_configs[0].from, "alertmanager@localhost");
  // The email goes off when only the smarthost is missing, naming it.
  Result<Config> partial = Load(yaml, {{"ALERT_EMAIL_TO", "oncall@example.org"}});
  ASSERT_TRUE(partial.ok()) << partial.message();
  EXPECT_EQ(Reason(partial->receivers[0], "email_configs[0]"), "SMTP_SMARTHOST is not set");
}

TEST(ConfigLoaderTest, MalformedVariableReference) {
  Result<Config> cfg = Load(
      "route: {receiver: r}\nreceivers: [{name: r, webhook_configs: "
      "[{url: 'http://x/${A'}]}]\n");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.message().find("unterminated variable reference"), std::string::npos);
}

TEST(ConfigLoaderTest, TemplatesAreRelativeToTheConfigFile) {
  Result<Config> cfg = LoadConfig(
      "route: {receiver: r}\nreceivers: [{name: r}]\ntemplates: ['t/*.tmpl', '/abs/x.tmpl']\n",
      "/etc/tocsin/am.yml");
  ASSERT_TRUE(cfg.ok()) << cfg.message();
  EXPECT_EQ(cfg->templates, (std::vector<std::string>{"/etc/tocsin/t/*.tmpl", "/abs/x.tmpl"}));
}

TEST(ConfigLoaderTest, MergeKeysAndAnchors) {
  Result<Config> cfg = Load(R"(
defaults: &d
  group_wait: 1m
route:
  receiver: r
  routes:
    - <<: {group_wait: 1m, receiver: r}
      matchers: [a=b]
receivers: [{name: r}]
)");
  ASSERT_FALSE(cfg.ok());  // `defaults` is not a field of the config
  EXPECT_NE(cfg.message().find("field defaults not found in type config.plain"), std::string::npos);
  Result<Config> merged = Load(R"(
route:
  receiver: r
  routes:
    - <<: {group_wait: 1m, receiver: r}
      matchers: [a=b]
receivers: [{name: r}]
)");
  ASSERT_TRUE(merged.ok()) << merged.message();
  EXPECT_EQ(merged->route.routes[0].group_wait, kMinute);
}

}  // namespace
}  // namespace tocsin::alerting
