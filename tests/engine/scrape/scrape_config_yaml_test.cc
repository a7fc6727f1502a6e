#include "engine/scrape/scrape_config_yaml.h"

#include <gtest/gtest.h>

namespace tocsin::scrape {
namespace {

TEST(ScrapeConfigYaml, ReadsPrometheusFieldsAndAppliesDefaults) {
  auto s = ParseScrapeYaml(R"(
global:
  scrape_interval: 15s
  evaluation_interval: 30s
rule_files: [a.yml]
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['localhost:9100']
        labels: {env: prod}
  - job_name: app
    scheme: https
    metrics_path: /stats
    scrape_interval: 5s
    scrape_timeout: 2s
    honor_labels: true
    honor_timestamps: false
    params: {module: [http_2xx]}
    basic_auth: {username: u, password_file: /run/pw}
    tls_config: {ca_file: /etc/ca.pem, insecure_skip_verify: true}
    scrape_protocols: [PrometheusText0.0.4]
    fallback_scrape_protocol: PrometheusText0.0.4
    body_size_limit: 10MB
    sample_limit: 1000
    static_configs: [{targets: ['a:1', 'b:2']}]
)",
                           "prometheus.yml");
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(s->configs.size(), 2u);
  const ScrapeConfig& node = s->configs[0];
  EXPECT_EQ(node.scrape_interval, 15 * kSecond);  // from global
  EXPECT_EQ(node.scrape_timeout, 10 * kSecond);
  EXPECT_EQ(node.metrics_path, "/metrics");
  EXPECT_EQ(node.scheme, "http");
  EXPECT_TRUE(node.honor_timestamps);
  EXPECT_EQ(node.scrape_protocols, DefaultScrapeProtocols());
  EXPECT_EQ(node.static_configs[0].labels, (std::vector<Label>{{"env", "prod"}}));
  const ScrapeConfig& app = s->configs[1];
  EXPECT_EQ(app.scrape_interval, 5 * kSecond);
  EXPECT_EQ(app.scrape_timeout, 2 * kSecond);
  EXPECT_TRUE(app.honor_labels);
  EXPECT_FALSE(app.honor_timestamps);
  EXPECT_EQ(app.params[0].second, std::vector<std::string>{"http_2xx"});
  EXPECT_TRUE(app.auth.basic);
  EXPECT_EQ(app.auth.password_file, "/run/pw");
  EXPECT_TRUE(app.tls_config.insecure_skip_verify);
  EXPECT_EQ(app.body_size_limit, 10u << 20);
  EXPECT_EQ(app.sample_limit, 1000u);
  EXPECT_EQ(app.fallback_scrape_protocol, ScrapeProtocol::kPrometheusText0_0_4);
}

TEST(ScrapeConfigYaml, DefaultsWithoutGlobal) {
  auto s = ParseScrapeYaml("scrape_configs:\n  - job_name: x\n    scrape_interval: 5s\n", "f.yml");
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s->configs[0].scrape_timeout, 5 * kSecond);  // min(10s, interval)
  auto d = ParseScrapeYaml("scrape_configs:\n  - job_name: x\n", "f.yml");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->configs[0].scrape_interval, kMinute);
  EXPECT_EQ(d->configs[0].scrape_timeout, 10 * kSecond);
}

TEST(ScrapeConfigYaml, ErrorsNameFileLineAndColumn) {
  auto e = [](const char* text) { return ParseScrapeYaml(text, "p.yml").message(); };
  EXPECT_EQ(e("scrape_configs:\n  - job_name: x\n    scrape_intervall: 5s\n"),
            "p.yml:3:5: field scrape_intervall not found in type scrape_config");
  EXPECT_EQ(e("scrape_configs:\n  - job_name: x\n    scrape_interval: 5 s\n"),
            "p.yml:3:22: scrape_interval: unknown unit \" s\" in duration \"5 s\"");
  EXPECT_EQ(
      e("scrape_configs:\n  - job_name: x\n    scrape_interval: 5s\n    scrape_timeout: 6s\n"),
      "p.yml:2:5: scrape timeout greater than scrape interval for scrape config with job "
      "name \"x\"");
  EXPECT_EQ(e("scrape_configs:\n  - job_name: x\n  - job_name: x\n"),
            "p.yml:3:5: found multiple scrape configs with job name \"x\"");
  EXPECT_EQ(e("scrape_configs:\n  - job_name: x\n    relabel_configs: []\n"),
            "p.yml:3:22: relabel_configs is not supported by tocsin (static targets only, no "
            "relabeling)");
  EXPECT_EQ(e("scrape_configs:\n  - job_name: x\n    scrape_protocols: [PrometheusProto]\n"),
            "p.yml:3:24: scrape_protocols: PrometheusProto (protobuf) is not supported by tocsin");
  EXPECT_EQ(
      e("scrape_configs:\n  - job_name: x\n    static_configs: [{targets: ['http://a:1']}]\n"),
      "p.yml:2:5: \"http://a:1\" is not a valid hostname for scrape config with job name "
      "\"x\" (targets are host:port, without scheme or path)");
  EXPECT_EQ(e("scrape_configs: [\n"), "p.yml:2:1: end of sequence flow not found");
  EXPECT_EQ(e("global: {scrape_interval: 1s, scrape_timeout: 2s}\n"),
            "p.yml:1:9: global scrape timeout greater than scrape interval");
}

TEST(ScrapeConfigYaml, AcceptHeaderWeightsFollowTheOrder) {
  EXPECT_EQ(AcceptHeader({ScrapeProtocol::kPrometheusText0_0_4}),
            "text/plain;version=0.0.4;q=0.6,*/*;q=0.5");
}

}  // namespace
}  // namespace tocsin::scrape
