// `tocsin test rules` as a user runs it: promtool's output format and exit codes, the upstream
// promtool test data (conformance README §4.2), and generated test files run by both Debian's
// promtool and tocsin, which must reach the same verdict on each. (The examples' tests run from
// tests/examples/CMakeLists.txt, under both tools.)
//
// The generated files are built so that promtool 2.42 (installed) and 3.x (what tocsin follows)
// agree: range windows never start exactly on a sample (2.42 includes the left edge, 3.x does
// not), gaps are shorter than the lookback, rate-based alerts compare against thresholds far
// from any value, and no 3.x-only syntax is used. The generator also computes the expected
// alerts and samples itself (a small model of the alert state machine), so every file's verdict
// is known in advance: unmutated files must pass in both tools, mutated ones must fail in both.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/conformance_record.h"
#include "tests/support/subprocess.h"

namespace tocsin::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kShared = TOCSIN_SHARED_DIR;
const fs::path kSource = TOCSIN_SOURCE_DIR;
const std::string kTocsin = std::string(TOCSIN_BINARY_DIR) + "/engine/cli/tocsin";
const std::string kPromtool = "/usr/bin/promtool";
const fs::path kTestdata = kShared / "conformance" / "promtool" / "testdata";

using ProcessRun = test::ProcessResult;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Runs a binary as a user would (stdin from /dev/null), through the shared test helper, with a
// generous deadline: promtool on the large generated files is slow when the machine is loaded.
ProcessRun Exec(const std::string& binary, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {binary};
  argv.insert(argv.end(), args.begin(), args.end());
  test::ProcessOptions options;
  options.timeout = std::chrono::minutes(10);
  return test::RunProcess(argv, options);
}

ProcessRun Tocsin(std::vector<std::string> args) {
  args.insert(args.begin(), {"test", "rules"});
  return Exec(kTocsin, args);
}
ProcessRun Promtool(std::vector<std::string> args) {
  args.insert(args.begin(), {"test", "rules"});
  return Exec(kPromtool, args);
}

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name) {
    path_ = fs::temp_directory_path() / (name + "_" + std::to_string(getpid()));
    fs::create_directories(path_);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name) << content;
    return (path_ / name).string();
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string T(const std::string& name) {
  return (kTestdata / name).string();
}

// ---- The upstream promtool test data (conformance README §4.2), `@` and negative offset on. --

TEST(TestRulesTest, UpstreamPromtoolTestData) {
  struct Case {
    std::vector<std::string> args;
    int exit_code;
  };
  const std::vector<Case> cases = {
      {{T("long-period.yml")}, 0},
      {{T("no-test-group-interval.yml")}, 0},
      {{T("bad-input-series.yml")}, 1},
      {{T("bad-promql.yml")}, 1},
      {{T("bad-rules-syntax-test.yml")}, 1},
      {{T("bad-rules-error-test.yml")}, 1},
      {{T("failing.yml")}, 1},
      {{T("at-modifier-test.yml")}, 0},
      {{T("negative-offset-test.yml")}, 0},
      {{T("start-time-test.yml")}, 0},
      {{T("rules_run.yml")}, 1},
      {{"--run", "correct", T("rules_run.yml")}, 0},
      {{"--run", "wrong", T("rules_run.yml")}, 1},
      {{"--run", "correct", "--run", "wrong", T("rules_run.yml")}, 1},
      {{T("rules_run_extrafields.yml")}, 1},
      {{"--ignore-unknown-fields", T("rules_run_extrafields.yml")}, 0},
      {{T("rules_run_no_fuzzy.yml")}, 1},
      {{"--run", "correct", T("rules_run_fuzzy.yml")}, 0},
      {{"--run", "wrong", T("rules_run_fuzzy.yml")}, 1},
  };
  for (const Case& c : cases) {
    ProcessRun r = Tocsin(c.args);
    std::string args;
    for (const auto& a : c.args) args += " " + fs::path(a).filename().string();
    EXPECT_EQ(r.exit_code, c.exit_code) << args << "\n" << r.out << r.err;
    test::RecordConformanceOutcome("promtool-testdata", args.substr(1), r.exit_code == c.exit_code);
  }
}

// unittest.yml passes except for its native-histogram parts, which tocsin's float-only storage
// cannot hold: with those removed (the histogram series and the checks that read them), the rest
// of the file passes; as it is, it fails on exactly those.
TEST(TestRulesTest, UpstreamUnittestWithoutNativeHistograms) {
  ScratchDir dir("tocsin_unittest_yml");
  fs::copy_file(kTestdata / "rules.yml", dir.path() / "rules.yml");
  std::istringstream in(ReadFile(kTestdata / "unittest.yml"));
  std::string out, line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    // An input series with a {{...}} value, or a promql_expr_test on a histogram series.
    if (l.find("- series: test_histogram") != std::string::npos) {
      ++i;  // its values line
      continue;
    }
    if (l.find("- expr: test_histogram") != std::string::npos) {
      while (i + 1 < lines.size() && lines[i + 1].find("- expr:") == std::string::npos &&
             lines[i + 1].find("#") == std::string::npos) {
        ++i;
      }
      continue;
    }
    out += l + "\n";
  }
  ASSERT_EQ(out.find("{{schema"), std::string::npos);
  ASSERT_EQ(out.find("test_histogram"), std::string::npos);
  const std::string file = dir.Write("unittest.yml", out);
  ProcessRun r = Tocsin({file});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = Tocsin({T("unittest.yml")});
  EXPECT_EQ(r.exit_code, 1);
  // promtool passes the file as it is; the conformance count says that tocsin does not.
  test::RecordConformanceOutcome("promtool-testdata", "unittest.yml", r.exit_code == 0);
  EXPECT_THAT(r.err, HasSubstr("native histogram"));
}

TEST(TestRulesTest, OutputFormat) {
  ProcessRun r = Tocsin({T("rules_run.yml")});
  EXPECT_EQ(r.out, "\n\n");  // one blank line per error, then one per file
  EXPECT_EQ(r.err,
            "  FAILED:\n    expr: \"test\", time: 0s,\n        exp: {__name__=\"test\"} 1E+00\n"
            "        got: {__name__=\"test\"} 0E+00\n");
  r = Tocsin({"--run", "correct", T("rules_run.yml")});
  EXPECT_EQ(r.out, "  SUCCESS\n\n");
  EXPECT_EQ(r.err, "");

  r = Tocsin({T("failing.yml")});
  EXPECT_THAT(r.err, HasSubstr("    name: Failing test,\n    alertname: Test, time: 0s, \n"
                               "        exp:[\n            0:\n              "
                               "Labels:{alertname=\"Test\"}\n              Annotations:{}\n"
                               "            ], \n        got:[]"));
  EXPECT_THAT(r.err, HasSubstr("    name: Failing alert test,\n    alertname: InstanceDown, "
                               "time: 5m, \n        exp:[], \n        got:[\n            0:\n"));
  r = Tocsin({T("bad-rules-error-test.yml")});
  EXPECT_THAT(r.err, HasSubstr("    rule: joined, time: 0s, err: "));

  // A missing file is an error for that file only.
  r = Tocsin({"/nonexistent.yml", T("no-test-group-interval.yml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "  FAILED:\nopen /nonexistent.yml: no such file or directory\n");
  EXPECT_EQ(r.out, "\n\n  SUCCESS\n\n");
}

TEST(TestRulesTest, JUnitOutput) {
  ScratchDir dir("tocsin_junit");
  const std::string xml = (dir.path() / "out.xml").string();
  ProcessRun r = Tocsin({"--junit", xml, T("rules_run.yml")});
  EXPECT_EQ(r.exit_code, 1);
  const std::string text = ReadFile(xml);
  EXPECT_THAT(text, HasSubstr("<testsuite name=\"" + T("rules_run.yml") +
                              "\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\""));
  EXPECT_THAT(text, HasSubstr("<testcase name=\"correct test\"></testcase><testcase name=\"wrong "
                              "test\"><failure>    expr: &#34;test&#34;"));
  // promtool's position for the flag (`test --junit FILE rules ...`) works too.
  const std::string xml2 = (dir.path() / "out2.xml").string();
  Exec(kTocsin, {"test", "--junit", xml2, "rules", T("no-test-group-interval.yml")});
  EXPECT_THAT(ReadFile(xml2), HasSubstr("tests=\"1\" failures=\"0\""));
}

TEST(TestRulesTest, DebugAndDiff) {
  ProcessRun r = Tocsin({"--debug", T("no-test-group-interval.yml")});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("DEBUG: Starting test unnamed#0"));
  // The range (0s, 1m1s] is open on the left: the sample at 0 is not in it.
  EXPECT_THAT(r.err, HasSubstr("DEBUG: Dump of all data (input_series and rules) at 1m1s:\n"
                               "{__name__=\"test\"} =>\n1 @[60000]\n"));
  r = Tocsin({"--diff", T("failing.yml")});
  EXPECT_THAT(r.err, HasSubstr("    alertname: Test, time: 0s, \n        diff: - "
                               "{\"Labels\":{\"alertname\":\"Test\"},\"Annotations\":{}}"));
}

TEST(TestRulesTest, PartialMatchAndCoverage) {
  ScratchDir dir("tocsin_partial");
  dir.Write("rules.yml", R"(groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        for: 1m
        labels: {severity: page}
        annotations: {summary: "{{ $labels.instance }} down", runbook: "https://x/{{ $labels.job }}"}
      - alert: Never
        expr: up > 100
      - record: job:up:sum
        expr: sum by (job) (up)
)");
  const std::string test = dir.Write("test.yml", R"(rule_files: [rules.yml]
tests:
  - name: partial
    input_series:
      - series: 'up{job="api", instance="a"}'
        values: '0 0 0 1 1'
      - series: 'up{job="api", instance="b"}'
        values: '1 1 1 1 1'
    alert_rule_test:
      - eval_time: 2m
        alertname: Down
        exp_alerts:
          - exp_labels: {instance: a}
            match: partial
      - eval_time: 2m
        alertname: Down
        exp_alerts:
          - exp_annotations: {summary: a down}
            match: partial
    promql_expr_test:
      - expr: job:up:sum
        eval_time: 4m
        exp_samples:
          - labels: 'job:up:sum{job="api"}'
            value: 2
)");
  ProcessRun r = Tocsin({"--coverage", test});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Coverage: 2 of 3 rules exercised; 1 of 2 alerting rules fired, "
                               "1 resolved, 1 asserted"));
  EXPECT_THAT(r.out, HasSubstr("    g/Down        alerting   pending firing resolved; asserted "
                               "by alert_rule_test; tests: \"partial\"\n"));
  EXPECT_THAT(r.out, HasSubstr("    g/Never       alerting   never active; no alert_rule_test\n"));
  EXPECT_THAT(r.out,
              HasSubstr("    g/job:up:sum  recording  produced series; tests: \"partial\"\n"));
  // A partial entry still needs its alert: wrong value, and two entries for one alert, fail.
  const std::string bad = dir.Write("bad.yml", R"(rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'up{job="api", instance="a"}'
        values: '0 0 0'
    alert_rule_test:
      - eval_time: 2m
        alertname: Down
        exp_alerts:
          - exp_labels: {instance: b}
            match: partial
      - eval_time: 2m
        alertname: Down
        exp_alerts:
          - exp_labels: {instance: a}
            match: partial
          - exp_labels: {job: api}
            match: partial
)");
  r = Tocsin({bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3);  // two errors
}

// Hand-written cases where a detail of Prometheus's semantics decides the verdict; promtool
// judges each file first.
TEST(TestRulesTest, SemanticDetailsSameVerdictAsPromtool) {
  if (!fs::exists(kPromtool)) GTEST_SKIP() << "promtool is not installed";
  ScratchDir dir("tocsin_details");
  dir.Write("rules.yml", R"(groups:
  - name: g
    rules:
      - alert: NoInstance
        expr: up == 0
        labels: {instance: "", severity: "{{ if eq $labels.job \"api\" }}page{{ end }}"}
        annotations: {summary: "{{ $labels.instance }}/{{ $value }}", missing: "{{ $labels.nope }}"}
      - alert: Dup
        expr: up == 0 or up == 2
      - record: job:up:max
        expr: max by (job) (up{job="web"})
        labels: {job: ""}
)");
  struct Case {
    const char* name;
    const char* test;
  };
  const std::vector<Case> cases = {
      // An empty rule label removes the sample's label; an empty templated value too.
      {"empty_labels", R"(rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'up{job="api", instance="a"}'
        values: '0 0'
      - series: 'up{job="web", instance="b"}'
        values: '0 0'
    alert_rule_test:
      - eval_time: 1m
        alertname: NoInstance
        exp_alerts:
          - exp_labels: {job: api, severity: page}
            exp_annotations: {summary: "a/0", missing: ""}
          - exp_labels: {job: web}
            exp_annotations: {summary: "b/0", missing: ""}
)"},
      // An annotation that renders empty still counts: leaving it out fails.
      {"empty_annotation_must_be_listed", R"(rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'up{job="web", instance="b"}'
        values: '0'
    alert_rule_test:
      - eval_time: 0
        alertname: NoInstance
        exp_alerts:
          - exp_labels: {job: web}
            exp_annotations: {summary: "b/0"}
)"},
      // ... and so does an expected label with an empty value, which no alert has.
      {"empty_expected_label", R"(rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'up{job="web", instance="b"}'
        values: '0'
    alert_rule_test:
      - eval_time: 0
        alertname: NoInstance
        exp_alerts:
          - exp_labels: {job: web, severity: ""}
            exp_annotations: {summary: "b/0", missing: ""}
)"},
      // Two series with one label set after dropping `instance`: an evaluation error.
      {"duplicate_labelset", R"(rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'up{job="api", instance="a"}'
        values: '0'
      - series: 'up{job="api", instance="b"}'
        values: '0'
)"},
      // `job: ""` on a recording rule removes job; the series has no labels but its name.
      {"recording_removed_label", R"(rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'up{job="web", instance="b"}'
        values: '3'
    promql_expr_test:
      - expr: job:up:max
        eval_time: 0
        exp_samples:
          - labels: 'job:up:max'
            value: 3
)"},
      // `or` keeps the left side's labels; with no `for` the alert fires at once.
      {"or_operator_alert", R"(rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'up{job="web", instance="b"}'
        values: '2'
    alert_rule_test:
      - eval_time: 0
        alertname: Dup
        exp_alerts:
          - exp_labels: {job: web, instance: b}
)"},
  };
  int passed = 0;
  for (const Case& c : cases) {
    const std::string file = dir.Write(std::string(c.name) + ".yml", c.test);
    ProcessRun theirs = Promtool({file});
    ProcessRun ours = Tocsin({file});
    if (theirs.exit_code == 0) ++passed;
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << c.name << "\n--- tocsin:\n"
                                                << ours.out << ours.err << "--- promtool:\n"
                                                << theirs.out << theirs.err;
  }
  EXPECT_EQ(passed, 3);  // empty_labels, recording_removed_label, or_operator_alert
}

// ---- Generated files, judged by both tools. ----------------------------------------------------

struct GaugeSeries {
  std::string instance;
  std::vector<std::optional<double>> values;  // nullopt: `_`
  std::set<size_t> stale;                     // steps holding a staleness marker
};
struct CounterSeries {
  std::string instance;
  int64_t start = 0, step = 0;
};

using DurationMs = int64_t;
struct AlertSpec {
  std::string name;
  DurationMs hold = 0, keep_firing = 0;
};

// The alert state machine of Prometheus, reduced to what the generated rules need.
struct ModelAlert {
  bool firing = false;
  int64_t active_at = 0;
  int64_t keep_since = -1;
  double value = 0;
};
using Conditions = std::map<std::string, double>;  // label key -> value, where the condition holds

class AlertModel {
 public:
  explicit AlertModel(AlertSpec spec) : spec_(std::move(spec)) {}
  void Step(int64_t ts, const Conditions& now) {
    for (const auto& [key, v] : now) {
      auto it = active_.find(key);
      if (it != active_.end()) {
        it->second.value = v;
      } else {
        active_[key] = ModelAlert{false, ts, -1, v};
      }
    }
    for (auto it = active_.begin(); it != active_.end();) {
      ModelAlert& a = it->second;
      if (!now.contains(it->first)) {
        bool keep = false;
        if (a.firing && spec_.keep_firing > 0) {
          if (a.keep_since < 0) a.keep_since = ts;
          keep = ts - a.keep_since < spec_.keep_firing;
        }
        if (!keep) {
          it = active_.erase(it);  // pending: dropped; firing: resolved (a return is a new alert)
          continue;
        }
      } else {
        a.keep_since = -1;
      }
      if (!a.firing && ts - a.active_at >= spec_.hold) a.firing = true;
      ++it;
    }
  }
  std::map<std::string, ModelAlert> Firing() const {
    std::map<std::string, ModelAlert> out;
    for (const auto& [k, a] : active_)
      if (a.firing) out[k] = a;
    return out;
  }
  std::map<std::string, ModelAlert> Pending() const {
    std::map<std::string, ModelAlert> out;
    for (const auto& [k, a] : active_)
      if (!a.firing) out[k] = a;
    return out;
  }

 private:
  AlertSpec spec_;
  std::map<std::string, ModelAlert> active_;
};

std::string FormatNumber(double v) {
  std::ostringstream s;
  s << static_cast<int64_t>(v);  // the generator only uses integers
  return s.str();
}

std::string DurationText(DurationMs ms) {
  if (ms == 0) return "0s";
  if (ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  return std::to_string(ms / 1000) + "s";
}

struct Generated {
  std::string rules;
  std::string test;
  bool should_pass = true;
};

Generated Generate(std::mt19937& rng, int index, bool mutate) {
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int steps = 18;  // minutes of data; every eval time is at most 15m
  const std::string job = "job" + std::to_string(index);

  std::vector<GaugeSeries> gauges;
  const int n_gauges = uniform(2, 3);
  for (int g = 0; g < n_gauges; ++g) {
    GaugeSeries s;
    s.instance = "i" + std::to_string(g);
    int gap = 0;
    for (int k = 0; k <= steps; ++k) {
      // Gaps of at most two samples: never as long as the 5m lookback.
      if (k > 0 && gap < 2 && uniform(0, 9) == 0) {
        s.values.push_back(std::nullopt);
        ++gap;
        continue;
      }
      gap = 0;
      s.values.push_back(uniform(0, 100));
      if (k > 2 && k < steps && uniform(0, 29) == 0) s.stale.insert(k);
    }
    gauges.push_back(std::move(s));
  }
  std::vector<CounterSeries> counters;
  for (int c = 0; c < 2; ++c)
    counters.push_back({"c" + std::to_string(c), uniform(1000, 5000), uniform(0, 4)});

  const int t1 = uniform(30, 80), t2 = uniform(40, 95);
  const AlertSpec temp{"TempHigh", uniform(0, 3) * 60000LL, uniform(0, 1) * 120000LL};
  const AlertSpec job_temp{"JobTempHigh", uniform(0, 2) * 60000LL, 0};
  const bool requests_fire = uniform(0, 1) == 1;
  const AlertSpec requests{"Requests", uniform(0, 2) * 60000LL, 0};

  std::ostringstream rules;
  rules << "groups:\n  - name: gen\n    rules:\n"
        << "      - record: job:temp:max\n        expr: max by (job) (temp)\n"
        << "      - alert: TempHigh\n        expr: temp > " << t1
        << "\n        for: " << DurationText(temp.hold)
        << "\n        keep_firing_for: " << DurationText(temp.keep_firing)
        << "\n        labels: {severity: warning}\n"
        << "        annotations: {summary: \"{{ $labels.instance }} is {{ $value }}\"}\n"
        << "      - alert: Requests\n        expr: rate(req_total[4m30s]) > "
        << (requests_fire ? "1e-9" : "1e9") << "\n        for: " << DurationText(requests.hold)
        << "\n        labels: {severity: info}\n"
        << "        annotations: {summary: \"requests on {{ $labels.instance }}\"}\n"
        << "  - name: gen2\n    rules:\n"
        << "      - alert: JobTempHigh\n        expr: job:temp:max > " << t2
        << "\n        for: " << DurationText(job_temp.hold)
        << "\n        labels: {severity: critical}\n"
        << "        annotations: {summary: \"max {{ $value }}\"}\n"
        << "      - record: job:req:sum\n        expr: sum by (job) (req_total)\n"
        << "      - record: job:req:double\n        expr: job:req:sum * 2\n";

  // The model: value of a gauge at step k (latest sample at or before k; a stale marker hides
  // it), and the alert states after each evaluation.
  auto gauge_at = [&](const GaugeSeries& s, int k) -> std::optional<double> {
    for (int j = k; j >= 0; --j) {
      if (s.stale.contains(static_cast<size_t>(j))) return std::nullopt;
      if (s.values[j]) return s.values[j];
    }
    return std::nullopt;
  };
  AlertModel m_temp(temp), m_job(job_temp), m_req(requests);
  std::vector<std::map<std::string, ModelAlert>> firing_temp, firing_job, firing_req, pending_temp;
  for (int k = 0; k <= 15; ++k) {
    const int64_t ts = k * 60000LL;
    Conditions c_temp, c_job, c_req;
    std::optional<double> max;
    for (const GaugeSeries& s : gauges) {
      std::optional<double> v = gauge_at(s, k);
      if (!v) continue;
      if (*v > t1) c_temp[s.instance] = *v;
      max = max ? std::max(*max, *v) : *v;
    }
    if (max && *max > t2) c_job[job] = *max;
    for (const CounterSeries& c : counters) {
      // Two samples in (ts-4m30s, ts] exist from 1m on; the rate is step/60 per second.
      if (requests_fire && k >= 1 && c.step > 0) c_req[c.instance] = 0;
    }
    m_temp.Step(ts, c_temp);
    m_job.Step(ts, c_job);
    m_req.Step(ts, c_req);
    firing_temp.push_back(m_temp.Firing());
    pending_temp.push_back(m_temp.Pending());
    firing_job.push_back(m_job.Firing());
    firing_req.push_back(m_req.Firing());
  }

  std::ostringstream test;
  test << "rule_files: [rules_" << index << ".yml]\nevaluation_interval: 1m\n"
       << "group_eval_order: [gen, gen2]\ntests:\n";
  bool mutated = false;
  for (int group = 0; group < 2; ++group) {
    test << "  - name: generated " << index << "." << group << "\n    interval: 1m\n"
         << "    input_series:\n";
    for (const GaugeSeries& s : gauges) {
      test << "      - series: 'temp{job=\"" << job << "\", instance=\"" << s.instance << "\"}'\n"
           << "        values: '";
      for (size_t k = 0; k < s.values.size(); ++k) {
        if (k > 0) test << " ";
        if (s.stale.contains(k)) {
          test << "stale";
        } else {
          test << (s.values[k] ? FormatNumber(*s.values[k]) : "_");
        }
      }
      test << "'\n";
    }
    for (const CounterSeries& c : counters) {
      test << "      - series: 'req_total{job=\"" << job << "\", instance=\"" << c.instance
           << "\"}'\n        values: '" << c.start << "+" << c.step << "x" << steps << "'\n";
    }
    test << "    alert_rule_test:\n";
    for (int n = 0; n < 4; ++n) {
      // Eval times on and between evaluation steps: an alert test looks at the last step at or
      // before its time.
      const int half_minutes = uniform(0, 30);
      const int64_t eval = half_minutes * 30000LL;
      const int k = half_minutes / 2;
      const int which = uniform(0, 2);
      const char* name = which == 0 ? "TempHigh" : which == 1 ? "JobTempHigh" : "Requests";
      std::map<std::string, ModelAlert> firing = which == 0   ? firing_temp[k]
                                                 : which == 1 ? firing_job[k]
                                                              : firing_req[k];
      std::vector<std::pair<std::string, std::string>> alerts;  // labels, annotations (YAML)
      for (const auto& [key, a] : firing) {
        if (which == 0) {
          alerts.push_back({"{severity: warning, job: " + job + ", instance: " + key + "}",
                            "{summary: \"" + key + " is " + FormatNumber(a.value) + "\"}"});
        } else if (which == 1) {
          alerts.push_back({"{severity: critical, job: " + job + "}",
                            "{summary: \"max " + FormatNumber(a.value) + "\"}"});
        } else {
          alerts.push_back({"{severity: info, job: " + job + ", instance: " + key + "}",
                            "{summary: \"requests on " + key + "\"}"});
        }
      }
      if (mutate && !mutated && group == 1) {
        mutated = true;
        if (!alerts.empty() && uniform(0, 1) == 0) {
          alerts.back().second.insert(alerts.back().second.size() - 2, "!");  // wrong annotation
        } else if (!alerts.empty()) {
          alerts.pop_back();  // a firing alert the test does not expect
        } else {
          alerts.push_back({"{severity: warning, job: " + job + ", instance: nowhere}", "{}"});
        }
      }
      test << "      - eval_time: " << DurationText(eval) << "\n        alertname: " << name
           << "\n        exp_alerts:" << (alerts.empty() ? " []\n" : "\n");
      for (const auto& [labels, annotations] : alerts) {
        test << "          - exp_labels: " << labels
             << "\n            exp_annotations: " << annotations << "\n";
      }
    }
    test << "    promql_expr_test:\n";
    for (int n = 0; n < 3; ++n) {
      const int k = uniform(0, 15);
      const int64_t eval = k * 60000LL + (uniform(0, 1) ? 30000 : 0);
      if (n == 0) {
        // Pending alerts are visible in ALERTS only.
        test << "      - expr: ALERTS{alertname=\"TempHigh\", alertstate=\"pending\"}\n"
             << "        eval_time: " << DurationText(eval)
             << "\n        exp_samples:" << (pending_temp[k].empty() ? " []\n" : "\n");
        for (const auto& [key, a] : pending_temp[k]) {
          test << "          - labels: 'ALERTS{alertname=\"TempHigh\", alertstate=\"pending\", "
               << "severity=\"warning\", job=\"" << job << "\", instance=\"" << key
               << "\"}'\n            value: 1\n";
        }
      } else {
        // A recording chain across groups: exact integer arithmetic.
        int64_t sum = 0;
        for (const CounterSeries& c : counters) sum += c.start + c.step * k;
        int64_t expected = 2 * sum;
        if (mutate && !mutated) {
          mutated = true;
          expected += 1;
        }
        test << "      - expr: job:req:double\n        eval_time: " << DurationText(eval)
             << "\n        exp_samples:\n          - labels: 'job:req:double{job=\"" << job
             << "\"}'\n            value: " << expected << "\n";
      }
    }
  }
  Generated out;
  out.rules = rules.str();
  out.test = test.str();
  out.should_pass = !mutated;
  return out;
}

TEST(TestRulesTest, GeneratedFilesSameVerdictAsPromtool) {
  if (!fs::exists(kPromtool)) GTEST_SKIP() << "promtool is not installed";
  ScratchDir dir("tocsin_generated_tests");
  std::mt19937 rng(20240501);  // fixed: the same files on every run
  int passing = 0, failing = 0;
  for (int i = 0; i < 14; ++i) {
    const bool mutate = i % 3 == 2;
    Generated g = Generate(rng, i, mutate);
    dir.Write("rules_" + std::to_string(i) + ".yml", g.rules);
    const std::string test = dir.Write("test_" + std::to_string(i) + ".yml", g.test);
    ProcessRun theirs = Promtool({test});
    ProcessRun ours = Tocsin({test});
    const int expected = g.should_pass ? 0 : 1;
    // The generator's own model is checked by the reference first: if promtool disagrees with
    // it, the file says nothing about tocsin.
    ASSERT_EQ(theirs.exit_code, expected) << "promtool on " << test << "\n"
                                          << g.test << theirs.out << theirs.err;
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << "tocsin on " << test << "\n"
                                                << g.test << ours.out << ours.err;
    (g.should_pass ? passing : failing)++;
  }
  EXPECT_GT(passing, 0);
  EXPECT_GT(failing, 0);
}

}  // namespace
}  // namespace tocsin::cli
