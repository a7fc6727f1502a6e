// Debian's amtool (0.25, /usr/bin/amtool) against tocsin's Alertmanager API on 127.0.0.1:
// adding and querying alerts, adding, querying and expiring silences, and showing the
// configuration and its routing tree — each checked against what tocsin's pipeline holds.
// The pipeline runs on the wall clock (amtool sends its own "now").
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/alerting/route_tree.h"
#include "engine/alertmanager_api/status_config.h"
#include "tests/engine/alertmanager_api/api_fixture.h"

namespace tocsin::alertmanager_api::testing {
namespace {

constexpr const char* kAmtool = "/usr/bin/amtool";

struct AmtoolRun {
  int exit_code = -1;
  std::string output;  // stdout
  std::string errors;  // stderr (amtool warns there that its version is not the server's)
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs amtool with `args` (already shell-quoted where needed), bounded in time; stderr goes
// through `stderr_file`.
AmtoolRun RunAmtool(const std::string& url, const std::string& args,
                    const std::string& stderr_file) {
  const std::string command = std::string("timeout 30 ") + kAmtool + " --alertmanager.url=" + url +
                              " " + args + " 2>" + stderr_file;
  AmtoolRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) run.output.append(buf, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.errors = ReadFile(stderr_file);
  return run;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

class AmtoolTest : public ApiFixture {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kAmtool)) GTEST_SKIP() << "amtool is not installed";
    // The shipped configuration with no variable set: every integration is switched off.
    load_options_.env = [](const std::string&) -> std::optional<std::string> {
      return std::nullopt;
    };
    config_text_ =
        ReadFile(std::filesystem::path(TOCSIN_SOURCE_DIR) / "examples" / "alertmanager.yml");
    ASSERT_FALSE(config_text_.empty());
    Start(config_text_, /*real_clock=*/true);
  }

  AmtoolRun Amtool(const std::string& args) {
    return RunAmtool(base_, args, dir_.file("amtool.err"));
  }

  std::vector<std::string> Active(const std::string& alertname) {
    std::vector<std::string> out;
    for (const alerting::ApiAlert& a : pipeline_->Alerts({})) {
      if (a.alert->name() == alertname) out.push_back(a.fingerprint);
    }
    return out;
  }

  std::string config_text_;
};

TEST_F(AmtoolTest, AlertsAndSilences) {
  // amtool alert add
  AmtoolRun r = Amtool(
      "alert add alertname=AmtoolTest severity=warning component=queue "
      "--annotation=summary=from-amtool --generator-url=http://example.org/x");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto alerts = pipeline_->Alerts({});
  ASSERT_EQ(alerts.size(), 1u);
  const alerting::Alert& stored = *alerts[0].alert;
  EXPECT_EQ(stored.labels,
            (Labels{{"alertname", "AmtoolTest"}, {"component", "queue"}, {"severity", "warning"}}));
  EXPECT_EQ(stored.annotations, (alerting::Annotations{{"summary", "from-amtool"}}));
  EXPECT_EQ(stored.generator_url, "http://example.org/x");
  EXPECT_EQ(alerts[0].receivers, (std::vector<std::string>{"warning-alerts"}));

  // amtool alert query, both outputs.
  r = Amtool("alert query");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto lines = Lines(r.output);
  ASSERT_EQ(lines.size(), 2u) << r.output;  // header + the alert
  EXPECT_TRUE(lines[0].starts_with("Alertname")) << r.output;
  EXPECT_TRUE(lines[1].starts_with("AmtoolTest")) << r.output;
  EXPECT_NE(lines[1].find("from-amtool"), std::string::npos) << r.output;
  r = Amtool("alert query -o json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto json = nlohmann::json::parse(r.output, nullptr, false);
  ASSERT_TRUE(json.is_array()) << r.output;
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["fingerprint"], alerts[0].fingerprint);
  EXPECT_EQ(json[0]["status"]["state"], "active");
  EXPECT_EQ(json[0]["receivers"][0]["name"], "warning-alerts");
  r = Amtool("alert query alertname=Nothing");
  EXPECT_EQ(Lines(r.output).size(), 1u) << r.output;

  // amtool silence add: the id printed is the silence tocsin holds.
  r = Amtool("silence add -a tester -c 'planned work' -d 2h alertname=AmtoolTest");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string id = Lines(r.output).at(0);
  auto silence = pipeline_->GetSilence(id);
  ASSERT_TRUE(silence.has_value()) << r.output;
  EXPECT_EQ(silence->created_by, "tester");
  EXPECT_EQ(silence->comment, "planned work");
  ASSERT_EQ(silence->matchers.size(), 1u);
  EXPECT_EQ(silence->matchers[0].name, "alertname");
  EXPECT_EQ(silence->matchers[0].value, "AmtoolTest");
  EXPECT_FALSE(silence->matchers[0].is_regex);
  EXPECT_TRUE(silence->matchers[0].is_equal);
  EXPECT_NEAR(static_cast<double>(silence->ends_at - silence->starts_at),
              static_cast<double>(2 * kHour), 2000.0);
  EXPECT_EQ(silence->StateAt(pipeline_->now()), alerting::SilenceState::kActive);

  // The alert is silenced now: hidden from the default query, shown with --silenced.
  alerts = pipeline_->Alerts({});
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].status.silenced_by, (std::vector<std::string>{id}));
  r = Amtool("alert query");
  EXPECT_EQ(Lines(r.output).size(), 1u) << r.output;
  r = Amtool("alert query --silenced -o json");
  json = nlohmann::json::parse(r.output, nullptr, false);
  ASSERT_EQ(json.size(), 1u) << r.output;
  EXPECT_EQ(json[0]["status"]["state"], "suppressed");
  EXPECT_EQ(json[0]["status"]["silencedBy"][0], id);

  // amtool silence query: the ids tocsin lists.
  r = Amtool("silence query -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Lines(r.output), (std::vector<std::string>{id}));
  r = Amtool("silence query -o json alertname=AmtoolTest");
  json = nlohmann::json::parse(r.output, nullptr, false);
  ASSERT_EQ(json.size(), 1u) << r.output;
  EXPECT_EQ(json[0]["id"], id);
  EXPECT_EQ(json[0]["createdBy"], "tester");
  r = Amtool("silence query");
  lines = Lines(r.output);
  ASSERT_EQ(lines.size(), 2u) << r.output;
  EXPECT_TRUE(lines[1].starts_with(id)) << r.output;
  EXPECT_NE(lines[1].find("alertname=\"AmtoolTest\""), std::string::npos) << r.output;

  // amtool silence expire
  r = Amtool("silence expire " + id);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(pipeline_->GetSilence(id)->StateAt(pipeline_->now() + 1),
            alerting::SilenceState::kExpired);
  r = Amtool("silence query -q");
  EXPECT_TRUE(Lines(r.output).empty()) << r.output;
  r = Amtool("silence query -q --expired");
  EXPECT_EQ(Lines(r.output), (std::vector<std::string>{id}));
  r = Amtool("alert query");
  EXPECT_EQ(Lines(r.output).size(), 2u) << r.output;

  // Expiring an unknown silence fails as it does against Alertmanager.
  r = Amtool("silence expire 0b5b8a7e-4a5e-4f7e-9e4b-5b2f0c9d1a11");
  EXPECT_NE(r.exit_code, 0) << r.output;
}

TEST_F(AmtoolTest, ConfigShowAndRoutes) {
  AmtoolRun r = Amtool("config show");
  ASSERT_EQ(r.exit_code, 0) << r.output << r.errors;
  const std::string shown = ConfigForStatus(*pipeline_->config(), load_options_.env);
  EXPECT_EQ(r.output, shown + "\n");
  EXPECT_EQ(r.output.find("${"), std::string::npos) << r.output;

  // amtool loads that text with Alertmanager's own loader and prints the routing tree.
  r = Amtool("config routes");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Lines(r.output), (std::vector<std::string>{
                                 "Routing tree:",
                                 ".",
                                 "└── default-route  receiver: default",
                                 "    ├── {component=\"business\"}  continue: true  receiver: "
                                 "business-alerts",
                                 "    ├── {severity=\"critical\"}  receiver: critical-alerts",
                                 "    ├── {severity=\"warning\"}  receiver: warning-alerts",
                                 "    └── {severity=\"info\"}  receiver: info-alerts",
                             }))
      << r.output;

  // And routes label sets to the receivers tocsin's own route tree picks.
  const alerting::RouteTree tree(pipeline_->config()->route);
  const std::vector<std::vector<std::pair<std::string, std::string>>> cases = {
      {{"severity", "critical"}, {"component", "queue"}},
      {{"severity", "warning"}},
      {{"severity", "info"}, {"component", "business"}},
      {{"component", "business"}},
      {{"alertname", "Other"}},
  };
  for (const auto& labels : cases) {
    std::string args = "config routes test";
    std::vector<Label> pairs;
    for (const auto& [k, v] : labels) {
      args += " " + k + "=" + v;
      pairs.push_back({k, v});
    }
    r = Amtool(args);
    std::string want;
    for (const std::string& rec : tree.MatchReceivers(Labels::FromVector(pairs))) {
      want += (want.empty() ? "" : ",") + rec;
    }
    EXPECT_EQ(r.output, want + "\n") << args;
  }
}

}  // namespace
}  // namespace tocsin::alertmanager_api::testing
