#include "engine/daemon/config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace tocsin::daemon {
namespace {

namespace fs = std::filesystem;

Result<DaemonConfig> Parse(const std::string& text) {
  return ParseDaemonConfig(text, "conf/tocsin.yml");
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/tocsin-config-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const fs::path p = fs::path(path_) / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(DaemonConfigTest, EmptyFileGivesTheDefaults) {
  auto c = Parse("");
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->global.evaluation_interval, kMinute);
  EXPECT_EQ(c->global.scrape_interval, kMinute);
  EXPECT_EQ(c->global.scrape_timeout, 10 * kSecond);
  EXPECT_EQ(c->global.resend_delay, kMinute);
  EXPECT_EQ(c->global.query_lookback_delta, 5 * kMinute);
  EXPECT_EQ(c->web.listen_address, "127.0.0.1:9093");
  EXPECT_EQ(c->storage.path, "conf/data");  // relative to the file
  EXPECT_FALSE(c->storage.retention.has_value());
  EXPECT_EQ(c->storage.history_retention, 90 * kDay);
  EXPECT_FALSE(c->alerting.present());
  EXPECT_TRUE(c->alertmanagers.empty());
}

TEST(DaemonConfigTest, EveryField) {
  setenv("TOCSIN_TEST_SITE", "edge-7", 1);
  auto c = Parse(R"(
global:
  evaluation_interval: 15s
  scrape_interval: 30s
  scrape_timeout: 5s
  rule_query_offset: 10s
  resend_delay: 2m
  query_lookback_delta: 2m
  external_labels:
    site: ${TOCSIN_TEST_SITE}
    region: eu-$TOCSIN_TEST_SITE
  external_url: http://edge:9093/
rule_files: [rules/*.yml, /etc/tocsin/extra.yml]
alerting:
  config_file: alertmanager.yml
alertmanagers:
  - static_configs: [{targets: ["am1:9093", "am2:9093"]}]
    scheme: https
    path_prefix: /am/
    timeout: 5s
    basic_auth: {username: u, password: p}
    tls_config: {ca_file: ca.pem, insecure_skip_verify: true}
  - targets: [am3:9093]
    authorization: {credentials: tok}
storage:
  path: /var/lib/tocsin
  retention: 2h
  history_retention: 30d
  notification_retention: 7d
  silence_retention: 5d
web:
  listen_address: 0.0.0.0:9999
  external_url: https://alerts.example.com/
  basic_auth_users: {admin: $2y$10$abcdefghijklmnopqrstuv}
  tls_server_config: {cert_file: c.pem, key_file: k.pem}
)");
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->global.evaluation_interval, 15 * kSecond);
  EXPECT_EQ(c->global.scrape_timeout, 5 * kSecond);
  EXPECT_EQ(c->global.rule_query_offset, 10 * kSecond);
  EXPECT_EQ(c->global.resend_delay, 2 * kMinute);
  EXPECT_EQ(c->global.query_lookback_delta, 2 * kMinute);
  EXPECT_EQ(c->global.external_labels, (Labels{{"site", "edge-7"}, {"region", "eu-edge-7"}}));
  EXPECT_EQ(c->rule_files, (std::vector<std::string>{"rules/*.yml", "/etc/tocsin/extra.yml"}));
  EXPECT_EQ(c->alerting.config_file, "conf/alertmanager.yml");
  ASSERT_EQ(c->alertmanagers.size(), 2u);
  EXPECT_EQ(c->alertmanagers[0].AlertsUrls(),
            (std::vector<std::string>{"https://am1:9093/am/api/v2/alerts",
                                      "https://am2:9093/am/api/v2/alerts"}));
  EXPECT_EQ(c->alertmanagers[0].timeout, 5 * kSecond);
  EXPECT_EQ(c->alertmanagers[0].basic_auth_username, "u");
  EXPECT_EQ(c->alertmanagers[0].ca_file, "conf/ca.pem");
  EXPECT_TRUE(c->alertmanagers[0].insecure_skip_verify);
  EXPECT_EQ(c->alertmanagers[1].AlertsUrls(),
            (std::vector<std::string>{"http://am3:9093/api/v2/alerts"}));
  EXPECT_EQ(c->alertmanagers[1].authorization_type, "Bearer");
  EXPECT_EQ(c->alertmanagers[1].authorization_credentials, "tok");
  EXPECT_EQ(c->storage.path, "/var/lib/tocsin");
  EXPECT_EQ(c->storage.retention, 2 * kHour);
  EXPECT_EQ(c->storage.history_retention, 30 * kDay);
  EXPECT_EQ(c->storage.notification_retention, 7 * kDay);
  EXPECT_EQ(c->storage.silence_retention, 5 * kDay);
  EXPECT_EQ(c->web.listen_address, "0.0.0.0:9999");
  EXPECT_EQ(c->web.basic_auth_users.at("admin"), "$2y$10$abcdefghijklmnopqrstuv");
  ASSERT_TRUE(c->web.tls.has_value());
  EXPECT_EQ(c->web.tls->cert_file, "conf/c.pem");
  EXPECT_EQ(c->ExternalUrl(), "https://alerts.example.com");
}

TEST(DaemonConfigTest, ScrapeTimeoutDefaultsToAtMostTheInterval) {
  auto c = Parse("global: {scrape_interval: 5s}");
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->global.scrape_timeout, 5 * kSecond);
  EXPECT_EQ(Parse("global: {scrape_interval: 5s, scrape_timeout: 6s}").message(),
            "conf/tocsin.yml:1:47: global.scrape_timeout (6s) is greater than "
            "global.scrape_interval (5s)");
}

TEST(DaemonConfigTest, EveryErrorWithFileLineAndColumn) {
  auto c = Parse(R"(global:
  evaluation_intervall: 1m
  scrape_interval: fast
rule_files: rules.yml
storage:
  retention: 0s
web:
  listen_address: nowhere
  basic_auth_users: {bob: plaintext}
unknown_section: {}
)");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message(),
            "conf/tocsin.yml:2:3: unknown field \"evaluation_intervall\" in global\n"
            "conf/tocsin.yml:3:20: global.scrape_interval: not a valid duration string: "
            "\"fast\"\n"
            "conf/tocsin.yml:4:13: rule_files must be a list, not \"rules.yml\"\n"
            "conf/tocsin.yml:6:14: storage.retention must be greater than 0\n"
            "conf/tocsin.yml:8:19: web.listen_address: \"nowhere\" is not host:port\n"
            "conf/tocsin.yml:9:21: web.basic_auth_users.bob: not a bcrypt hash (want $2a$, $2b$ "
            "or $2y$...)\n"
            "conf/tocsin.yml:10:1: unknown field \"unknown_section\" in the configuration");
}

TEST(DaemonConfigTest, SyntaxErrorsArePositioned) {
  auto c = Parse("global:\n  evaluation_interval: [1m\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message().rfind("conf/tocsin.yml:3:1: yaml: ", 0), 0u) << c.message();
  EXPECT_EQ(Parse("- a\n- b\n").message(),
            "conf/tocsin.yml:1:1: the configuration must be a mapping of sections (global, "
            "rule_files, ...)");
  EXPECT_EQ(Parse("global: {evaluation_interval: 1m, evaluation_interval: 2m}").message(),
            "conf/tocsin.yml:1:35: field \"evaluation_interval\" repeated in global");
}

TEST(DaemonConfigTest, AlertmanagerErrors) {
  EXPECT_EQ(Parse("alertmanagers: [{targets: []}]").message(),
            "conf/tocsin.yml:1:17: alertmanagers[0]: no targets (host:port of each "
            "Alertmanager)");
  EXPECT_EQ(Parse("alertmanagers: [{targets: [a:1], api_version: v1}]").message(),
            "conf/tocsin.yml:1:47: alertmanagers[0].api_version: only api_version v2 is "
            "supported (v1 was removed from Alertmanager)");
  EXPECT_EQ(Parse("alertmanagers: [{targets: [a:1], relabel_configs: []}]").message(),
            "conf/tocsin.yml:1:34: unknown field \"relabel_configs\" in alertmanagers[0]");
  EXPECT_EQ(Parse("alertmanagers: [{targets: [a:1], bearer_token: x, basic_auth: {username: "
                  "u}}]")
                .message(),
            "conf/tocsin.yml:1:17: alertmanagers[0]: bearer_token cannot be combined with "
            "basic_auth or authorization");
}

TEST(DaemonConfigTest, MergeKeysAndAnchors) {
  auto c = Parse(R"(
defaults: &d
  timeout: 3s
alertmanagers:
  - <<: {scheme: https, timeout: 3s}
    targets: [a:1]
    timeout: 4s
)");
  // `defaults` is not a section: anchors must live inside known sections.
  ASSERT_FALSE(c.ok());
  auto ok = Parse(R"(
alertmanagers:
  - &am {targets: [a:1], scheme: https, timeout: 3s}
  - <<: *am
    targets: [b:2]
    timeout: 4s
)");
  ASSERT_TRUE(ok.ok()) << ok.message();
  EXPECT_EQ(ok->alertmanagers[1].scheme, "https");
  EXPECT_EQ(ok->alertmanagers[1].timeout, 4 * kSecond);
  EXPECT_EQ(ok->alertmanagers[1].targets, std::vector<std::string>{"b:2"});
}

TEST(DaemonConfigTest, InlineAlertmanagerConfigKeepsItsPositions) {
  const std::string text =
      "global: {evaluation_interval: 30s}\n"
      "alerting:\n"
      "  config:\n"
      "    route:\n"
      "      receiver: log   # a comment\n"
      "\n"
      "    receivers:\n"
      "      - name: log\n"
      "storage: {path: d}\n";
  auto c = Parse(text);
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->alerting.inline_text,
            "\n\n\n"
            "    route:\n"
            "      receiver: log   # a comment\n"
            "\n"
            "    receivers:\n"
            "      - name: log\n"
            "\n");
  EXPECT_EQ(Parse("alerting: {config_file: a.yml, config: {route: {}}}").message(),
            "conf/tocsin.yml:1:40: alerting: give config_file or config, not both");
  EXPECT_EQ(Parse("alerting: {config: 3}").message(),
            "conf/tocsin.yml:1:20: alerting.config must be a mapping (an Alertmanager "
            "configuration)");
}

TEST(DaemonConfigTest, ResolveExpandsRuleGlobsRelativeToTheFile) {
  TempDir dir;
  dir.Write("rules/b.yml", "groups: []\n");
  dir.Write("rules/a.yml", "groups: []\n");
  dir.Write("rules/skip.txt", "");
  const std::string file =
      dir.Write("tocsin.yml", "rule_files: [rules/*.yml, rules/a.yml, none/*.yml]\n");
  auto c = ReadDaemonConfig(file);
  ASSERT_TRUE(c.ok()) << c.message();
  ASSERT_TRUE(ResolveDaemonConfig(*c).ok());
  EXPECT_EQ(c->rule_file_paths,
            (std::vector<std::string>{dir.path() + "/rules/a.yml", dir.path() + "/rules/b.yml"}));
}

TEST(DaemonConfigTest, ResolveReadsTheWebConfigFile) {
  TempDir dir;
  dir.Write("web.yml",
            "basic_auth_users:\n  alice: $2b$12$xxxxxxxxxxxxxxxxxxxxxx\n"
            "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n");
  dir.Write("cert.pem", "x");
  dir.Write("key.pem", "x");
  const std::string file = dir.Write("tocsin.yml", "web: {config_file: web.yml}\n");
  auto c = ReadDaemonConfig(file);
  ASSERT_TRUE(c.ok()) << c.message();
  Status s = ResolveDaemonConfig(*c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c->web.basic_auth_users.at("alice"), "$2b$12$xxxxxxxxxxxxxxxxxxxxxx");
  EXPECT_EQ(c->web.tls->key_file, dir.path() + "/key.pem");

  dir.Write("web.yml", "basic_auth_users: {alice: secret}\nhttp2: true\n");
  c = ReadDaemonConfig(file);
  s = ResolveDaemonConfig(*c);
  EXPECT_EQ(s.message(), dir.path() +
                             "/web.yml:1:19: web configuration.basic_auth_users.alice: not a "
                             "bcrypt hash (want $2a$, $2b$ or $2y$...)\n" +
                             dir.path() +
                             "/web.yml:2:1: unknown field \"http2\" in the web configuration");
}

TEST(DaemonConfigTest, SecretsFromFiles) {
  TempDir dir;
  dir.Write("pw", "hunter2\n");
  const std::string file = dir.Write(
      "tocsin.yml",
      "alertmanagers: [{targets: [a:1], basic_auth: {username: u, password_file: pw}}]\n");
  auto c = ReadDaemonConfig(file);
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->alertmanagers[0].basic_auth_password, "hunter2");
  const std::string missing =
      dir.Write("bad.yml", "alertmanagers: [{targets: [a:1], bearer_token_file: nope}]\n");
  auto bad = ReadDaemonConfig(missing);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("bearer_token_file: " + dir.path() + "/nope: cannot read the file"),
            std::string::npos)
      << bad.message();
}

TEST(DaemonConfigTest, ExpandEnvFollowsGo) {
  setenv("TOCSIN_X", "ex", 1);
  unsetenv("TOCSIN_UNSET");
  EXPECT_EQ(ExpandEnv("a-${TOCSIN_X}-$TOCSIN_X-b"), "a-ex-ex-b");
  EXPECT_EQ(ExpandEnv("${TOCSIN_UNSET}x"), "x");
  EXPECT_EQ(ExpandEnv("cost: $$5"), "cost: $5");
  EXPECT_EQ(ExpandEnv("trailing $"), "trailing $");
  EXPECT_EQ(ExpandEnv("100% $ sure"), "100% $ sure");
}

}  // namespace
}  // namespace tocsin::daemon
