// examples/alertmanager.yml: loads with and without its environment variables and routes the
// 29 alerts of shared/spec/alert-rules.md as shared/spec/routing.md says.
#include <gtest/gtest.h>

#include <map>

#include "engine/alerting/config_loader.h"
#include "engine/alerting/route_tree.h"

namespace tocsin::alerting {
namespace {

const std::string kExample = std::string(TOCSIN_SOURCE_DIR) + "/examples/alertmanager.yml";

Result<Config> LoadExample(std::map<std::string, std::string> env) {
  LoadOptions o;
  o.env = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  return LoadConfigFile(kExample, o);
}

const std::map<std::string, std::string> kFullEnv = {
    {"SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/X"},
    {"ALERT_EMAIL_TO", "oncall@example.org"},
    {"PAGERDUTY_ROUTING_KEY", "0123456789abcdef0123456789abcdef"},
    {"SMTP_SMARTHOST", "smtp.example.org:587"},
    {"SMTP_FROM", "alerts@example.org"},
    {"SMTP_USERNAME", "alerts"},
    {"SMTP_PASSWORD", "s3cret"},
};

TEST(ExampleConfigTest, LoadsWithEveryVariableSet) {
  Result<Config> cfg = LoadExample(kFullEnv);
  ASSERT_TRUE(cfg.ok()) << cfg.message();
  EXPECT_TRUE(cfg->warnings.empty());
  ASSERT_EQ(cfg->receivers.size(), 5u);
  const ReceiverConfig* critical = cfg->FindReceiver("critical-alerts");
  ASSERT_NE(critical, nullptr);
  ASSERT_EQ(critical->slack_configs.size(), 1u);
  ASSERT_EQ(critical->email_configs.size(), 1u);
  ASSERT_EQ(critical->pagerduty_configs.size(), 1u);
  EXPECT_EQ(critical->slack_configs[0].channel, "#alerts-critical");
  EXPECT_EQ(critical->slack_configs[0].api_url->reveal(), kFullEnv.at("SLACK_WEBHOOK_URL"));
  EXPECT_EQ(critical->email_configs[0].to, "oncall@example.org");
  EXPECT_EQ(critical->email_configs[0].smarthost.ToString(), "smtp.example.org:587");
  EXPECT_EQ(critical->email_configs[0].from, "alerts@example.org");
  EXPECT_EQ(critical->email_configs[0].auth_password.reveal(), "s3cret");
  EXPECT_EQ(critical->pagerduty_configs[0].routing_key.reveal(), kFullEnv.at("PAGERDUTY_ROUTING_KEY"));
  EXPECT_EQ(cfg->FindReceiver("warning-alerts")->active_integration_count(), 2u);
  EXPECT_EQ(cfg->FindReceiver("default")->slack_configs[0].channel, "#alerts");
  EXPECT_EQ(cfg->FindReceiver("info-alerts")->slack_configs[0].channel, "#alerts-info");
  EXPECT_EQ(cfg->FindReceiver("business-alerts")->slack_configs[0].channel, "#business");
}

TEST(ExampleConfigTest, LoadsWithNothingSetAndSwitchesIntegrationsOff) {
  Result<Config> cfg = LoadExample({});
  ASSERT_TRUE(cfg.ok()) << cfg.message();
  size_t disabled = 0;
  for (const ReceiverConfig& r : cfg->receivers) {
    EXPECT_EQ(r.active_integration_count(), 0u) << r.name;
    disabled += r.disabled_configs.size();
  }
  EXPECT_EQ(disabled, 8u);  // 5 Slack, 2 email, 1 PagerDuty
  EXPECT_EQ(cfg->warnings.size(), disabled);
  const ReceiverConfig* critical = cfg->FindReceiver("critical-alerts");
  ASSERT_EQ(critical->disabled_configs.size(), 3u);
}

TEST(ExampleConfigTest, RouteTreeAndInhibitionAsSpecified) {
  Result<Config> cfg = LoadExample({});
  ASSERT_TRUE(cfg.ok()) << cfg.message();
  RouteTree tree(cfg->route);
  const RouteOptions& root = tree.root().options();
  EXPECT_EQ(root.receiver, "default");
  EXPECT_EQ(root.group_by, (std::vector<std::string>{"alertname", "component"}));
  EXPECT_EQ(root.group_wait, 10 * kSecond);
  EXPECT_EQ(root.group_interval, 5 * kMinute);
  EXPECT_EQ(root.repeat_interval, 4 * kHour);
  const auto& children = tree.root().children();
  ASSERT_EQ(children.size(), 4u);
  EXPECT_TRUE(children[0]->continue_matching());
  EXPECT_EQ(children[1]->options().group_wait, 0);
  EXPECT_EQ(children[1]->options().repeat_interval, kHour);
  EXPECT_EQ(children[2]->options().repeat_interval, 4 * kHour);
  EXPECT_EQ(children[3]->options().repeat_interval, 24 * kHour);
  EXPECT_EQ(children[3]->options().group_interval, 5 * kMinute);
  ASSERT_EQ(cfg->inhibit_rules.size(), 2u);
  EXPECT_EQ(FormatMatchers(cfg->inhibit_rules[0].source_matchers), R"({severity="critical"})");
  EXPECT_EQ(FormatMatchers(cfg->inhibit_rules[0].target_matchers), R"({severity="warning"})");
  EXPECT_EQ(FormatMatchers(cfg->inhibit_rules[1].source_matchers), R"({severity="warning"})");
  EXPECT_EQ(FormatMatchers(cfg->inhibit_rules[1].target_matchers), R"({severity="info"})");
  EXPECT_EQ(cfg->inhibit_rules[0].equal, std::vector<std::string>{"component"});
}

struct RuleCase {
  const char* alertname;
  const char* component;
  const char* severity;
};

// shared/spec/alert-rules.md, all 29.
const RuleCase kRules[] = {
    {"CriticalQueueLatency", "queue", "critical"},
    {"HighQueueLatency", "queue", "warning"},
    {"CriticalQueueBacklog", "queue", "critical"},
    {"HighQueueBacklog", "queue", "warning"},
    {"CriticalQueueErrorRate", "queue", "critical"},
    {"HighQueueErrorRate", "queue", "warning"},
    {"HighDLQMessages", "queue", "warning"},
    {"QueueProcessingStopped", "queue", "critical"},
    {"CriticalDeliveryRate", "analytics", "critical"},
    {"LowDeliveryRate", "analytics", "warning"},
    {"HighResponseTime", "analytics", "warning"},
    {"HighHandoffRate", "analytics", "info"},
    {"LowReadRate", "analytics", "info"},
    {"NoActiveInstances", "whatsapp", "critical"},
    {"HighWhatsAppAPILatency", "whatsapp", "warning"},
    {"WhatsAppAPIErrors", "whatsapp", "warning"},
    {"WhatsAppRateLimitHit", "whatsapp", "warning"},
    {"WhatsAppWebhooksStopped", "whatsapp", "warning"},
    {"HighRedisLatency", "redis", "warning"},
    {"RedisConnectionPoolExhausted", "redis", "warning"},
    {"RedisDown", "redis", "critical"},
    {"CriticalMemoryUsage", "system", "critical"},
    {"HighMemoryUsage", "system", "warning"},
    {"HighEventLoopLag", "system", "warning"},
    {"HighCPUUsage", "system", "warning"},
    {"HighDiskUsage", "system", "warning"},
    {"NoConversionsToday", "business", "warning"},
    {"LowLeadCaptureRate", "business", "info"},
    {"HighValueSale", "business", "info"},
};

TEST(ExampleConfigTest, EveryRuleRoutesBySeverityAndComponent) {
  Result<Config> cfg = LoadExample(kFullEnv);
  ASSERT_TRUE(cfg.ok()) << cfg.message();
  RouteTree tree(cfg->route);
  std::map<std::string, int> severities;
  for (const RuleCase& rule : kRules) {
    const Labels labels{{"alertname", rule.alertname},
                        {"component", rule.component},
                        {"severity", rule.severity}};
    std::vector<std::string> want;
    if (std::string(rule.component) == "business") want.push_back("business-alerts");
    want.push_back(std::string(rule.severity) + "-alerts");
    EXPECT_EQ(tree.MatchReceivers(labels), want) << rule.alertname;
    // Grouped per alert name and component.
    for (const Route* r : tree.Match(labels)) {
      EXPECT_EQ(r->GroupLabels(labels),
                (Labels{{"alertname", rule.alertname}, {"component", rule.component}}));
    }
    ++severities[rule.severity];
  }
  EXPECT_EQ(severities["critical"], 8);
  EXPECT_EQ(severities["warning"], 17);
  EXPECT_EQ(severities["info"], 4);
  // An alert without a known severity falls to the default receiver.
  EXPECT_EQ(tree.MatchReceivers(Labels{{"alertname", "X"}}), std::vector<std::string>{"default"});
}

}  // namespace
}  // namespace tocsin::alerting
