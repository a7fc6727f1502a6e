#include "rules/unittest/runner.h"

#include <glob.h>
#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "engine/promql/engine.h"
#include "engine/promql/parser.h"
#include "storage/base/go_float.h"
#include "rules/engine_query.h"
#include "rules/group_loader.h"
#include "rules/prometheus_template_expander.h"
#include "rules/unittest/comparison.h"
#include "rules/unittest/lazy_loader.h"
#include "rules/unittest/test_file.h"
#include "storage/base/strings.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::rules::unittest {
namespace {

namespace fs = std::filesystem;

// promtool's engine for unit tests (promqltest's lazy loader).
constexpr size_t kMaxSamplesPerQuery = 10000;

bool HasGlobMeta(const std::string& s) {
  return s.find_first_of("*?[") != std::string::npos;
}

// Rule files relative to the test file's directory, globs expanded (Go's filepath.Glob: sorted,
// no match is a warning, not an error).
Result<std::vector<std::string>> ResolveRuleFiles(const std::string& test_file,
                                                  const std::vector<std::string>& patterns,
                                                  std::ostream* log) {
  const fs::path base = fs::path(test_file).parent_path();
  std::vector<std::string> out;
  for (const std::string& pattern : patterns) {
    std::string full = pattern;
    if (!pattern.empty() && fs::path(pattern).is_relative()) {
      full = (base / pattern).lexically_normal().string();
    }
    std::vector<std::string> matches;
    if (!HasGlobMeta(full)) {
      std::error_code ec;
      if (fs::exists(full, ec)) matches.push_back(full);
    } else {
      glob_t g{};
      const int rc = glob(full.c_str(), GLOB_NOESCAPE, nullptr, &g);
      if (rc == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
      }
      globfree(&g);
      if (rc != 0 && rc != GLOB_NOMATCH) return Error{"syntax error in pattern"};
      std::sort(matches.begin(), matches.end());
    }
    if (matches.empty() && log) *log << "  WARNING: no file match pattern " << full << "\n";
    out.insert(out.end(), matches.begin(), matches.end());
  }
  return out;
}

std::string ReadAll(const std::string& path, std::string* error) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    *error = "read " + path + ": is a directory";
    return "";
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::string reason = std::strerror(errno);
    if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(reason[0]));
    *error = "open " + path + ": " + reason;
    return "";
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Prometheus's Matrix.String() for --debug.
std::string MatrixString(const promql::Matrix& m) {
  std::string out;
  for (size_t i = 0; i < m.size(); ++i) {
    if (i > 0) out += "\n";
    out += m[i].metric.to_string() + " =>";
    for (const promql::FPoint& p : m[i].points) {
      out.append("\n").append(FormatGoFloat(p.v, 'f', -1));
      out.append(" @[").append(std::to_string(p.t)).append("]");
    }
  }
  return out;
}

struct GroupRun {
  const TestFile& file;
  const TestGroup& test;
  const std::string& test_name;
  const std::vector<std::string>& rule_files;
  const std::map<std::string, size_t>& group_order;
  const RunOptions& options;
  DurationMs eval_interval;
};

std::vector<std::string> RunTestGroup(const GroupRun& run) {
  const TestGroup& tg = run.test;
  const RunOptions& opt = run.options;
  std::vector<std::string> errs;

  Result<LazyLoader> loader_or = LazyLoader::Make(tg.input_series, tg.interval, tg.start_timestamp);
  if (!loader_or.ok()) return {loader_or.message()};
  LazyLoader loader = std::move(loader_or).value();

  storage::SeriesStore store(storage::StoreOptions::Unbounded());
  promql::EngineOptions eo;
  eo.default_subquery_step = run.eval_interval;
  eo.delayed_name_removal = opt.delayed_name_removal;
  eo.max_samples = kMaxSamplesPerQuery;
  const promql::Engine engine(eo);
  const QueryFunc query = MakeEngineQueryFunc(engine, store);

  TemplateExpanderOptions teo;
  teo.external_labels = tg.external_labels;
  teo.external_url_variable = tg.external_url;
  teo.query = MakeTemplateQueryFunc(engine, store, opt.rule_files.parser);
  const PrometheusTemplateExpander expander(std::move(teo));

  GroupLoadOptions lo;
  lo.files = opt.rule_files;
  lo.default_interval = tg.interval;
  // (promtool loads rules with a logger that drops warnings, such as a second YAML document.)
  LoadedGroups loaded = LoadGroups(run.rule_files, lo);
  if (!loaded.ok()) return loaded.errors;
  // Groups are identified by file and name: a file listed twice is loaded once.
  std::vector<RuleGroup*> groups;
  std::set<std::string> keys;
  for (auto& g : loaded.groups) {
    if (keys.insert(g->key()).second) groups.push_back(g.get());
  }
  auto order = [&](const RuleGroup* g) {
    auto it = run.group_order.find(g->name());
    return it == run.group_order.end() ? size_t{0} : it->second;
  };
  std::stable_sort(groups.begin(), groups.end(),
                   [&](const RuleGroup* a, const RuleGroup* b) { return order(a) < order(b); });

  GroupEvalContext ctx;
  ctx.query = &query;
  ctx.store = &store;
  ctx.expander = &expander;
  ctx.external_labels = tg.external_labels;

  const TimestampMs mint = tg.start_timestamp;
  const TimestampMs maxt = mint + tg.MaxEvalTime();

  std::vector<DurationMs> alert_eval_times;
  std::map<DurationMs, std::set<std::string>> alerts_in_test;
  std::map<DurationMs, std::vector<const AlertTestCase*>> alert_tests;
  for (const AlertTestCase& a : tg.alert_rule_tests) {
    if (a.alertname.empty()) {
      std::string where = tg.name.empty() ? "" : " (in TestGroup " + tg.name + ")";
      return {"an item under alert_rule_test misses required attribute alertname at eval_time " +
              FormatDuration(a.eval_time) + where};
    }
    if (opt.coverage) opt.coverage->Asserted(a.alertname);
    alerts_in_test[a.eval_time].insert(a.alertname);
    alert_tests[a.eval_time].push_back(&a);
  }
  for (const auto& [t, names] : alerts_in_test) alert_eval_times.push_back(t);
  const std::string test_prefix = tg.name.empty() ? "" : "    name: " + tg.name + ",\n";

  size_t curr = 0;
  for (TimestampMs ts = mint; ts <= maxt; ts += run.eval_interval) {
    loader.AppendTill(ts, store);
    std::vector<std::string> eval_errs;
    for (RuleGroup* g : groups) {
      g->Eval(ts, ctx);
      if (opt.coverage) opt.coverage->Observe(*g, run.test_name);
      for (const auto& r : g->rules()) {
        const RuleStatus s = r->status();
        if (s.health == RuleHealth::kErr) {
          eval_errs.push_back("    rule: " + r->name() + ", time: " + FormatGoDuration(ts) +
                              ", err: " + s.last_error);
        }
      }
    }
    if (!eval_errs.empty()) {
      errs.insert(errs.end(), eval_errs.begin(), eval_errs.end());
      return errs;
    }

    while (curr < alert_eval_times.size() && ts - mint <= alert_eval_times[curr] &&
           alert_eval_times[curr] < ts + run.eval_interval - mint) {
      const DurationMs t = alert_eval_times[curr];
      const std::set<std::string>& present = alerts_in_test[t];
      std::map<std::string, std::vector<LabelsAndAnnotations>> got;
      for (RuleGroup* g : groups) {
        for (const auto& r : g->rules()) {
          if (!r->is_alerting() || !present.contains(r->name())) continue;
          std::vector<LabelsAndAnnotations>& list = got[r->name()];
          for (const Alert& a : r->alerting()->ActiveAlerts()) {
            if (a.state == AlertState::kFiring) {
              list.push_back(
                  {ToLabelList(a.labels), ToLabelList(a.annotations, a.empty_annotations), false});
            }
          }
        }
      }
      for (const AlertTestCase* tc : alert_tests[t]) {
        std::vector<LabelsAndAnnotations> got_alerts = got[tc->alertname];
        std::vector<LabelsAndAnnotations> exp_alerts;
        for (const ExpectedAlert& e : tc->exp_alerts) {
          std::map<std::string, std::string> labels = e.labels;
          labels[std::string(kAlertNameLabel)] = tc->alertname;
          exp_alerts.push_back({ToLabelList(labels), ToLabelList(e.annotations), e.partial});
        }
        SortAlerts(got_alerts);
        SortAlerts(exp_alerts);
        if (AlertsMatch(exp_alerts, got_alerts)) continue;
        const std::string head = test_prefix + "    alertname: " + tc->alertname +
                                 ", time: " + FormatDuration(tc->eval_time) + ", \n";
        if (opt.diff) {
          errs.push_back(head + "        diff: " +
                         IndentLines(AlertsDiff(exp_alerts, got_alerts), "            "));
        } else {
          errs.push_back(
              head + "        exp:" + IndentLines(AlertsString(exp_alerts), "            ") +
              ", \n        got:" + IndentLines(AlertsString(got_alerts), "            "));
        }
      }
      ++curr;
    }
  }

  for (const PromqlTestCase& tc : tg.promql_expr_tests) {
    const std::string head =
        "    expr: " + GoQuote(tc.expr) + ", time: " + FormatDuration(tc.eval_time);
    Result<promql::ExprPtr> expr = promql::ParseExpr(tc.expr, opt.rule_files.parser);
    Result<promql::Vector> result =
        expr.ok() ? RunInstantQuery(engine, store, **expr, mint + tc.eval_time)
                  : Result<promql::Vector>(expr.error());
    if (!result.ok()) {
      errs.push_back(head + ", err: " + result.message());
      continue;
    }
    std::vector<ComparedSample> got;
    for (const promql::Sample& s : *result) got.push_back({s.metric, s.v});
    std::vector<ComparedSample> exp;
    std::string bad;
    for (const ExpectedSample& s : tc.exp_samples) {
      Result<Labels> labels = promql::ParseMetric(s.labels);
      if (!labels.ok()) {
        bad = "labels " + GoQuote(s.labels) + ": " + labels.message();
        break;
      }
      if (!s.histogram.empty()) {
        bad = "labels " + GoQuote(s.labels) +
              ": native histogram samples are not supported by tocsin";
        break;
      }
      exp.push_back({*labels, s.value});
    }
    if (!bad.empty()) {
      errs.push_back(head + ", err: " + bad);
      continue;
    }
    SortSamples(exp);
    SortSamples(got);
    if (!SamplesMatch(exp, got, run.file.fuzzy_compare)) {
      errs.push_back(head + ",\n        exp: " + SamplesString(exp) +
                     "\n        got: " + SamplesString(got));
    }
  }

  if (opt.debug && opt.log) {
    // Rounded up to the next whole second: PromQL ranges cannot hold fractions of a second.
    const DurationMs range = (tg.MaxEvalTime() + kSecond) / kSecond * kSecond;
    const std::string text = "{__name__=~\".+\"}[" + FormatDuration(range) + "]";
    Result<promql::ExprPtr> e = promql::ParseExpr(text);
    Result<promql::QueryResult> r = e.ok() ? engine.InstantQuery(store, **e, mint + range)
                                           : Result<promql::QueryResult>(e.error());
    if (!r.ok()) {
      *opt.log << "DEBUG: Failed query exec, expr: " << GoQuote(text) << ", err: " << r.message()
               << "\n";
    } else if (const auto* m = std::get_if<promql::Matrix>(&r->value)) {
      *opt.log << "DEBUG: Dump of all data (input_series and rules) at " << FormatGoDuration(range)
               << ":\n"
               << MatrixString(*m) << "\n";
    }
  }
  return errs;
}

}  // namespace

FileResult RunTestFile(const std::string& path, const RunOptions& options) {
  FileResult result;
  result.junit.name = path;
  std::string read_error;
  const std::string content = ReadAll(path, &read_error);
  if (!read_error.empty()) {
    result.junit.Abort(read_error);
    result.errors.push_back(read_error);
    return result;
  }
  Result<TestFile> parsed = ParseTestFile(content);
  if (!parsed.ok()) {
    result.junit.Abort(parsed.message());
    result.errors.push_back(parsed.message());
    return result;
  }
  TestFile& file = *parsed;
  Result<std::vector<std::string>> rule_files =
      ResolveRuleFiles(path, file.rule_files, options.log);
  if (!rule_files.ok()) {
    result.junit.Abort(rule_files.message());
    result.errors.push_back(rule_files.message());
    return result;
  }
  if (file.evaluation_interval == 0) file.evaluation_interval = kMinute;
  result.junit.timestamp = JUnitTimestampNow();

  std::map<std::string, size_t> group_order;
  for (size_t i = 0; i < file.group_eval_order.size(); ++i) {
    if (!group_order.emplace(file.group_eval_order[i], i).second) {
      std::string err = "group name repeated in evaluation order: " + file.group_eval_order[i];
      result.junit.Abort(err);
      result.errors.push_back(err);
      return result;
    }
  }

  for (size_t i = 0; i < file.tests.size(); ++i) {
    TestGroup& tg = file.tests[i];
    if (options.run && !re2::RE2::PartialMatch(tg.name, *options.run)) continue;
    const std::string name = tg.name.empty() ? "unnamed#" + std::to_string(i) : tg.name;
    result.junit.cases.push_back({name, {}, {}});
    if (tg.interval == 0) tg.interval = file.evaluation_interval;
    const auto start = std::chrono::steady_clock::now();
    if (options.debug && options.log) *options.log << "DEBUG: Starting test " << name << "\n";
    GroupRun run{file, tg, name, *rule_files, group_order, options, file.evaluation_interval};
    for (std::string& e : RunTestGroup(run)) {
      result.junit.Fail(e);
      result.errors.push_back(std::move(e));
    }
    if (options.debug && options.log) {
      const auto took = std::chrono::steady_clock::now() - start;
      *options.log << "DEBUG: Test " << name << " finished, took "
                   << std::chrono::duration<double, std::milli>(took).count() << "ms\n";
    }
  }
  return result;
}

}  // namespace tocsin::rules::unittest
