// `tocsin config routes` against the reference: Debian's amtool (/usr/bin/amtool) and our binary
// run with the same arguments on the same configurations, and must print the same thing and
// exit the same way. The configurations are upstream's (shared/conformance/alertmanager-config,
// including amtool's own routing test data), examples/alertmanager.yml, and random route trees
// from a fixed seed (nested routes, continue, regex and negative matchers, the legacy
// match/match_re forms, time intervals).
//
// amtool is Debian's 0.25 while tocsin follows 0.34. Routing did not change between the two, but
// configuration loading did (0.34 knows more receivers and fields, and tocsin also expands
// `${VAR}`), so amtool reads a *routing projection* of each file: the same route tree and
// time intervals, receivers reduced to their names. Routing depends on nothing else. The other
// difference met is in the error text for a label argument that is not `name=value` (0.25:
// "Failed to parse labels: labels must be specified as key=value pairs", 0.34 and tocsin:
// "Labels must be specified as key=value pairs"); errors go to standard error, so for them only
// the exit code and the (empty) standard output are compared.
//
// Each amtool run takes tens of milliseconds, so the label sets are bounded (about 250 runs in
// all) and spread over several test cases, which ctest runs in parallel.
#include <yaml-cpp/yaml.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "engine/alerting/config_loader.h"
#include "tests/support/alertmanager_conformance_files.h"
#include "tests/support/conformance_record.h"
#include "tests/support/subprocess.h"

namespace tocsin::cli {
namespace {

namespace fs = std::filesystem;
using test::ProcessResult;
using test::RunProcess;

const std::string kAmtool = "/usr/bin/amtool";
const std::string kTocsin = std::string(TOCSIN_BINARY_DIR) + "/engine/cli/tocsin";
const fs::path kConformance = fs::path(TOCSIN_SHARED_DIR) / "conformance/alertmanager-config";

// The files of the conformance set that Alertmanager 0.34 accepts, and amtool's own routing test
// data; the rest are rejected by both tools and have no routing to compare.
std::vector<std::string> ConformanceFilesWithRoutes() {
  std::vector<std::string> files = test::ValidAlertmanagerConformanceFiles();
  files.insert(files.end(), {
                                "cli-testdata/conf.good.yml",
                                "cli-testdata/conf.routing.yml",
                                "cli-testdata/conf.routing-reverted.yml",
                            });
  return files;
}

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "tocsin-routes-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  fs::path Write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    std::ofstream(p) << text;
    return p;
  }

 private:
  fs::path path_;
};

// What amtool 0.25 reads in place of `file`: the route tree and time intervals as written,
// receivers by name only, nothing else.
std::string RoutingProjection(const fs::path& file) {
  const YAML::Node in = YAML::LoadFile(file.string());
  YAML::Node out(YAML::NodeType::Map);
  out["route"] = in["route"];
  YAML::Node receivers(YAML::NodeType::Sequence);
  for (const YAML::Node& r : in["receivers"]) {
    YAML::Node named(YAML::NodeType::Map);
    named["name"] = r["name"];
    receivers.push_back(named);
  }
  out["receivers"] = receivers;
  for (const char* key : {"time_intervals", "mute_time_intervals"}) {
    if (in[key]) out[key] = in[key];
  }
  YAML::Emitter emitter;
  emitter << out;
  return std::string(emitter.c_str()) + "\n";
}

std::string Describe(const std::vector<std::string>& args, const ProcessResult& r) {
  std::string s = "$";
  for (const std::string& a : args) s += " " + a;
  s += "\n  exit " + std::to_string(r.exit_code) + "\n  stdout: " + r.out + "\n  stderr: " + r.err;
  return s;
}

// One comparison: `config routes <tail...>` with --config.file pointing at each tool's file.
// `full_output` is false for invocations that fail, where only stdout (empty) and the exit code
// are comparable (see the header comment).
void ExpectSameAsAmtool(const fs::path& ours, const fs::path& theirs,
                        const std::vector<std::string>& tail, bool full_output = true) {
  std::vector<std::string> amtool = {kAmtool, "config", "routes"};
  std::vector<std::string> tocsin = {kTocsin, "config", "routes"};
  for (const std::string& t : tail) {
    amtool.push_back(t);
    tocsin.push_back(t);
  }
  amtool.push_back("--config.file=" + theirs.string());
  tocsin.push_back("--config.file=" + ours.string());
  const ProcessResult want = RunProcess(amtool);
  const ProcessResult got = RunProcess(tocsin);
  ASSERT_FALSE(want.timed_out || got.timed_out) << Describe(amtool, want) << Describe(tocsin, got);
  ASSERT_NE(want.exit_code, -1) << "cannot run " << kAmtool << " (package prometheus-alertmanager)";
  EXPECT_EQ(got.exit_code, want.exit_code) << Describe(amtool, want) << "\n"
                                           << Describe(tocsin, got);
  EXPECT_EQ(got.out, want.out) << Describe(amtool, want) << "\n" << Describe(tocsin, got);
  if (!full_output) {
    EXPECT_NE(want.exit_code, 0) << Describe(amtool, want);
  }
}

std::vector<std::string> TestArgs(const std::map<std::string, std::string>& labels) {
  std::vector<std::string> args = {"test"};
  for (const auto& [name, value] : labels) args.push_back(name + "=" + value);
  return args;
}

// Values worth trying for each label a route tree mentions: the values of equality matchers,
// and the word-like pieces of regexes (with their single characters, for classes like [12]).
std::map<std::string, std::vector<std::string>> CandidateValues(const fs::path& file) {
  alerting::LoadOptions options;
  options.env = [](const std::string&) { return std::nullopt; };
  Result<alerting::Config> cfg = alerting::LoadConfigFile(file.string(), options);
  std::map<std::string, std::set<std::string>> found;
  if (!cfg.ok()) {
    ADD_FAILURE() << cfg.message();
    return {};
  }
  std::vector<const alerting::RouteConfig*> stack = {&cfg->route};
  while (!stack.empty()) {
    const alerting::RouteConfig* route = stack.back();
    stack.pop_back();
    for (const alerting::RouteConfig& child : route->routes) stack.push_back(&child);
    for (const LabelMatcher& m : route->AllMatchers()) {
      std::set<std::string>& values = found[m.name()];
      if (!m.is_regex()) {
        values.insert(m.value());
        continue;
      }
      std::string word;
      for (char c : m.value() + " ") {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') {
          word += c;
          continue;
        }
        if (!word.empty()) values.insert(word);
        if (word.size() == 2) {
          values.insert(word.substr(0, 1));
          values.insert(word.substr(1));
        }
        word.clear();
      }
    }
  }
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [name, values] : found) {
    values.insert("unrouted");  // a value no matcher expects
    out[name].assign(values.begin(), values.end());
  }
  return out;
}

// `count` label sets over the candidate values, each label present with probability 2/3; the
// first is the empty set. mt19937's sequence is fixed by the standard, and only `%` is used on
// it, so the sets are the same on every platform.
std::vector<std::map<std::string, std::string>> LabelSets(
    const std::map<std::string, std::vector<std::string>>& candidates, size_t count,
    uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::map<std::string, std::string>> sets = {{}};
  std::set<std::map<std::string, std::string>> seen = {{}};
  for (size_t attempts = 0; sets.size() < count && attempts < 20 * count; ++attempts) {
    std::map<std::string, std::string> labels;
    for (const auto& [name, values] : candidates) {
      if (rng() % 3 == 0) continue;
      labels[name] = values[rng() % values.size()];
    }
    if (seen.insert(labels).second) sets.push_back(labels);
  }
  return sets;
}

size_t CountRoutes(const YAML::Node& route) {
  size_t n = 1;
  if (route["routes"]) {
    for (const YAML::Node& child : route["routes"]) n += CountRoutes(child);
  }
  return n;
}

TEST(ConfigRoutesReferenceTest, ConformanceConfigurations) {
  ScratchDir scratch;
  size_t runs = 0;
  for (const std::string& name : ConformanceFilesWithRoutes()) {
    SCOPED_TRACE(name);
    const fs::path file = kConformance / name;
    const fs::path projection =
        scratch.Write(fs::path(name).filename().string() + ".routing.yml", RoutingProjection(file));
    // Two label sets for a tree that is only a root, more for real trees.
    const size_t routes = CountRoutes(YAML::LoadFile(file.string())["route"]);
    const size_t count = routes == 1 ? 2 : std::min<size_t>(14, 2 + 2 * routes);
    const int failed_before = test::FailedAssertionsSoFar();
    for (const auto& labels : LabelSets(CandidateValues(file), count, 20240601)) {
      ExpectSameAsAmtool(file, projection, TestArgs(labels));
      ++runs;
    }
    // One case per file: every label set routed as amtool routes it.
    test::RecordConformanceOutcome("amtool-config-routes", name,
                                   test::FailedAssertionsSoFar() == failed_before);
  }
  EXPECT_GE(runs, 50u);  // the trees are there and were walked
}

// routing.md's tree, with the 29 shipped alerts' labels. tocsin reads the file as shipped (no
// variable set: the integrations are switched off with warnings, routing is unaffected).
TEST(ConfigRoutesReferenceTest, ExampleConfiguration) {
  ScratchDir scratch;
  const fs::path example = fs::path(TOCSIN_SOURCE_DIR) / "examples/alertmanager.yml";
  const fs::path projection = scratch.Write("example.routing.yml", RoutingProjection(example));
  const std::vector<std::pair<std::string, std::string>> alerts = {
      {"CriticalQueueLatency", "queue"},
      {"HighQueueLatency", "queue"},
      {"CriticalQueueBacklog", "queue"},
      {"HighQueueBacklog", "queue"},
      {"CriticalQueueErrorRate", "queue"},
      {"HighQueueErrorRate", "queue"},
      {"HighDLQMessages", "queue"},
      {"QueueProcessingStopped", "queue"},
      {"CriticalDeliveryRate", "analytics"},
      {"LowDeliveryRate", "analytics"},
      {"HighResponseTime", "analytics"},
      {"HighHandoffRate", "analytics"},
      {"LowReadRate", "analytics"},
      {"NoActiveInstances", "whatsapp"},
      {"HighWhatsAppAPILatency", "whatsapp"},
      {"WhatsAppAPIErrors", "whatsapp"},
      {"WhatsAppRateLimitHit", "whatsapp"},
      {"WhatsAppWebhooksStopped", "whatsapp"},
      {"HighRedisLatency", "redis"},
      {"RedisConnectionPoolExhausted", "redis"},
      {"RedisDown", "redis"},
      {"CriticalMemoryUsage", "system"},
      {"HighMemoryUsage", "system"},
      {"HighEventLoopLag", "system"},
      {"HighCPUUsage", "system"},
      {"HighDiskUsage", "system"},
      {"NoConversionsToday", "business"},
      {"LowLeadCaptureRate", "business"},
      {"HighValueSale", "business"},
  };
  const char* severities[] = {"critical", "warning", "info"};
  size_t i = 0;
  for (const auto& [alertname, component] : alerts) {
    SCOPED_TRACE(alertname);
    // Every severity occurs with every component somewhere in the list.
    ExpectSameAsAmtool(example, projection,
                       TestArgs({{"alertname", alertname},
                                 {"component", component},
                                 {"severity", severities[i++ % 3]}}));
  }
  // Quoting as amtool takes it, and values no route expects.
  ExpectSameAsAmtool(
      example, projection,
      {"test", "alertname=\"Queue backlog\"", "severity=\"critical\"", "component=business"});
  ExpectSameAsAmtool(example, projection, {"test", "severity=page", "component="});
  // Only `=` is allowed, and a label must parse.
  ExpectSameAsAmtool(example, projection, {"test", "severity=~critical"}, false);
  ExpectSameAsAmtool(example, projection, {"test", "severity!=critical"}, false);
}

// --tree (the matching part of the tree), --verify.receivers (exit 1 and a warning on a
// mismatch) and `routes show` (the whole tree).
TEST(ConfigRoutesReferenceTest, TreeVerifyAndShow) {
  ScratchDir scratch;
  const fs::path example = fs::path(TOCSIN_SOURCE_DIR) / "examples/alertmanager.yml";
  const fs::path example_projection =
      scratch.Write("example.routing.yml", RoutingProjection(example));
  const fs::path good = kConformance / "conf.good.yml";
  const fs::path good_projection = scratch.Write("good.routing.yml", RoutingProjection(good));
  const fs::path routing = kConformance / "cli-testdata/conf.routing.yml";
  const fs::path routing_projection =
      scratch.Write("routing.routing.yml", RoutingProjection(routing));

  ExpectSameAsAmtool(example, example_projection,
                     {"test", "--tree", "component=business", "severity=warning"});
  ExpectSameAsAmtool(example, example_projection, {"test", "--tree", "alertname=Unknown"});
  ExpectSameAsAmtool(good, good_projection,
                     {"test", "--tree", "service=database", "owner2=team-X", "owner=team-Y"});
  ExpectSameAsAmtool(good, good_projection,
                     {"test", "--tree", "service=foo1", "severity=critical"});
  ExpectSameAsAmtool(routing, routing_projection, {"test", "--tree", "test=2"});

  ExpectSameAsAmtool(example, example_projection,
                     {"test", "--verify.receivers=business-alerts,info-alerts",
                      "component=business", "severity=info"});
  ExpectSameAsAmtool(
      example, example_projection,
      {"test", "--verify.receivers=info-alerts", "component=business", "severity=info"});
  ExpectSameAsAmtool(routing, routing_projection,
                     {"test", "--verify.receivers=test1,test2", "test=2"});
  ExpectSameAsAmtool(routing, routing_projection,
                     {"test", "--tree", "--verify.receivers=test2", "test=1"});

  ExpectSameAsAmtool(example, example_projection, {"show"});
  ExpectSameAsAmtool(good, good_projection, {"show"});
  ExpectSameAsAmtool(routing, routing_projection, {});
}

// ---------------------------------------------------------------------------------------------
// Random route trees.

const std::map<std::string, std::vector<std::string>> kLabelValues = {
    {"env", {"prod", "dev"}},
    {"severity", {"critical", "warning", "info"}},
    {"team", {"db", "web", "api"}},
    {"zone", {"eu1", "us2"}},
};

class TreeGenerator {
 public:
  explicit TreeGenerator(uint32_t seed) : rng_(seed) {}

  // A whole configuration: the route tree, its receivers, and time intervals that some routes
  // name.
  std::string Config() {
    std::string yaml = "route:\n  receiver: r0\n  routes:\n";
    const int children = 2 + Pick(3);
    for (int i = 0; i < children; ++i) Route(1, 4, yaml);
    yaml += "receivers:\n";
    for (int r = 0; r < kReceivers; ++r) yaml += "  - name: r" + std::to_string(r) + "\n";
    yaml +=
        "time_intervals:\n"
        "  - name: weekends\n"
        "    time_intervals:\n"
        "      - weekdays: ['saturday', 'sunday']\n";
    return yaml;
  }

 private:
  static constexpr int kReceivers = 6;

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  bool OneIn(int n) { return Pick(n) == 0; }
  template <typename T>
  const T& Of(const std::vector<T>& v) {
    return v[static_cast<size_t>(Pick(static_cast<int>(v.size())))];
  }
  std::string Name() {
    auto it = kLabelValues.begin();
    std::advance(it, Pick(static_cast<int>(kLabelValues.size())));
    return it->first;
  }
  std::string Value(const std::string& name) { return Of(kLabelValues.at(name)); }
  std::string Alternation(const std::string& name) {
    const std::vector<std::string>& values = kLabelValues.at(name);
    std::string a = Of(values), b = Of(values);
    return a == b ? a : a + "|" + b;
  }

  // One entry of a `matchers:` list, in the forms people write.
  std::string MatcherEntry() {
    const std::string n = Name();
    switch (Pick(10)) {
      case 0:
        return n + "=\"" + Value(n) + "\"";
      case 1:
        return n + "=" + Value(n);
      case 2:
        return n + "!=\"" + Value(n) + "\"";
      case 3:
        return n + "=~\"" + Alternation(n) + "\"";
      case 4:
        return n + "!~\"" + Alternation(n) + "\"";
      case 5:
        return n + " =~ \"" + Value(n).substr(0, 1) + ".*\"";
      case 6:
        return n + (OneIn(2) ? "=\"\"" : "!=\"\"");
      case 7:
        return n + "=~\".+\"";
      case 8: {
        const std::string m = Name();
        return "{" + n + "=\"" + Value(n) + "\", " + m + "!~\"" + Alternation(m) + "\"}";
      }
      default:
        return n + "=~" + Value(n) + "|x";
    }
  }

  void Route(int depth, int indent, std::string& out) {
    const std::string pad(static_cast<size_t>(indent), ' ');
    std::string body;
    if (!OneIn(4)) body += "receiver: r" + std::to_string(1 + Pick(kReceivers - 1)) + "\n";
    if (OneIn(4)) {
      const std::string n = Name();
      body += "match:\n  " + n + ": " + Value(n) + "\n";
    }
    if (OneIn(4)) {
      const std::string n = Name();
      body += "match_re:\n  " + n + ": '" +
              (OneIn(2) ? "^(" + Alternation(n) + ")$" : Alternation(n)) + "'\n";
    }
    if (!OneIn(4)) {
      body += "matchers:\n";
      const int count = 1 + Pick(2);
      for (int i = 0; i < count; ++i) body += "  - '" + MatcherEntry() + "'\n";
    }
    if (OneIn(3)) body += "continue: true\n";
    if (OneIn(8)) body += "mute_time_intervals: [weekends]\n";
    if (OneIn(8)) body += "active_time_intervals: [weekends]\n";
    if (depth < 3 && !OneIn(3)) {
      body += "routes:\n";
      const int count = 1 + Pick(3);
      for (int i = 0; i < count; ++i) Route(depth + 1, 2, body);
    }
    // Indent the body under a list item.
    std::istringstream lines(body);
    std::string line;
    bool first = true;
    while (std::getline(lines, line)) {
      out += pad + (first ? "- " : "  ") + line + "\n";
      first = false;
    }
    if (first) out += pad + "- {}\n";
  }

  std::mt19937 rng_;
};

class GeneratedTreeTest : public testing::TestWithParam<int> {};

TEST_P(GeneratedTreeTest, SameReceiversAsAmtool) {
  ScratchDir scratch;
  const uint32_t seed = 7000 + static_cast<uint32_t>(GetParam());
  const std::string yaml = TreeGenerator(seed).Config();
  const fs::path file = scratch.Write("generated.yml", yaml);
  SCOPED_TRACE("configuration:\n" + yaml);
  std::map<std::string, std::vector<std::string>> candidates;
  for (const auto& [name, values] : kLabelValues) {
    candidates[name] = values;
    candidates[name].push_back("x");
    candidates[name].push_back("other");
  }
  const auto sets = LabelSets(candidates, 13, seed);
  for (const auto& labels : sets) ExpectSameAsAmtool(file, file, TestArgs(labels));
  // The path through the tree for one of them.
  std::vector<std::string> tree = TestArgs(sets.back());
  tree.insert(tree.begin() + 1, "--tree");
  ExpectSameAsAmtool(file, file, tree);
}

INSTANTIATE_TEST_SUITE_P(Seeds, GeneratedTreeTest, testing::Range(0, 10));

}  // namespace
}  // namespace tocsin::cli
