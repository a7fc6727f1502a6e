#include "engine/promql/promqltest/runner.h"

#include <re2/re2.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "engine/promql/format/value_text.h"
#include "engine/promql/parser.h"
#include "engine/promql/promqltest/loader.h"
#include "engine/promql/promqltest/step_invariance.h"
#include "engine/promql/promqltest/unsupported_series.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::promql::promqltest {
namespace {

using Verdict = EvalOutcome::Verdict;

// Why one run of an eval failed, and what it returned.
struct RunFailure {
  std::string reason;
  std::string got;
};

std::string DescribeExpected(const EvalCommand& ev) {
  if (ev.fail.expected) {
    std::string s = "an error";
    if (ev.fail.matcher) s += " matching " + ev.fail.matcher->Describe();
    if (ev.fail.legacy_matcher) s += " matching " + ev.fail.legacy_matcher->Describe();
    return s;
  }
  if (ev.result_lines.empty()) return "(empty result)";
  std::string s;
  for (const std::string& l : ev.result_lines) {
    if (!s.empty()) s += '\n';
    s += l;
  }
  return s;
}

class Runner {
 public:
  explicit Runner(const RunnerOptions& options)
      : options_(options),
        store_(storage::StoreOptions::Unbounded()),
        engine_(TestEngineOptions()) {}

  FileReport Run(const Script& script) {
    FileReport report;
    report.file = script.file_name;
    for (size_t i = 0; i < script.commands.size(); ++i) {
      const Command& c = script.commands[i];
      if (const auto* load = std::get_if<LoadCommand>(&c)) {
        if (Status s = Load(*load); !s.ok()) {
          // Upstream's harness stops the file here; the evals after it cannot be trusted.
          report.error = script.file_name + ":" + s.message();
          for (size_t j = i + 1; j < script.commands.size(); ++j) {
            const auto* ev = std::get_if<EvalCommand>(&script.commands[j]);
            if (ev != nullptr && Selected(*ev)) ++report.not_run;
          }
          return report;
        }
      } else if (std::holds_alternative<ClearCommand>(c)) {
        store_.Clear();
        unsupported_.Clear();
      } else {
        const auto& ev = std::get<EvalCommand>(c);
        if (Selected(ev)) report.evals.push_back(Eval(ev));
      }
    }
    return report;
  }

 private:
  bool Selected(const EvalCommand& ev) const {
    return !options_.filter || RE2::PartialMatch(ev.expr_text, *options_.filter);
  }

  Status Load(const LoadCommand& load) {
    unsupported_.Record(load);
    // Histogram samples are left out of the store; evals that read them are skipped.
    auto stats = LoadIntoStore(load, store_);
    if (!stats.ok()) return stats.error();
    return Status::Ok();
  }

  EvalOutcome Eval(const EvalCommand& ev) {
    EvalOutcome out;
    out.line = ev.line;
    out.expr = ev.expr_text;
    out.expected = DescribeExpected(ev);
    auto fail = [&](std::string reason) {
      out.verdict = Verdict::kFailed;
      out.reason = std::move(reason);
      return out;
    };
    if (!ev.expr) return fail(ev.parse_error);
    if (ev.expected.HasHistogram()) {
      out.verdict = Verdict::kSkipped;
      out.reason = "needs native histograms: an expected value is a {{...}} histogram";
      return out;
    }
    if (auto why = unsupported_.NativeHistogramUse(*ev.expr)) {
      out.verdict = Verdict::kSkipped;
      out.reason = "needs native histograms: " + *why;
      return out;
    }

    std::optional<RunFailure> failure;
    if (ev.is_range) {
      failure = RunRange(ev);
    } else {
      failure = RunInstant(ev, ev.expr_text, *ev.expr, ev.eval_time);
      if (!failure) {
        // The @-pinned variants share one text; parse it once.
        const std::vector<PinnedQuery> pinned = PinnedQueries(*ev.expr, ev.eval_time);
        if (!pinned.empty()) {
          auto parsed = ParseExpr(pinned.front().expr, TestParserOptions());
          for (const PinnedQuery& q : pinned) {
            failure = parsed.ok() ? RunInstant(ev, q.expr, **parsed, q.eval_time)
                                  : QueryFailed(ev, parsed.message());
            if (failure) {
              out.run = "@-pinned re-run at t=" + FormatOffsetTime(q.eval_time) + ": " + q.expr;
              break;
            }
          }
        }
      }
    }
    if (failure) {
      out.verdict = Verdict::kFailed;
      // A range-mode failure names itself in the reason; keep `run` for the instant variant.
      out.reason = std::move(failure->reason);
      out.got = std::move(failure->got);
    }
    return out;
  }

  // The outcome of a query that returned an error. nullopt: the error was expected.
  static std::optional<RunFailure> QueryFailed(const EvalCommand& ev, const std::string& error) {
    if (!ev.fail.expected) return RunFailure{"the query failed: " + error, "error: " + error};
    if (Status s = CheckError(ev.fail, error); !s.ok()) {
      return RunFailure{s.message(), "error: " + error};
    }
    return std::nullopt;
  }

  // Checks what a query that succeeded returned: no error expected, annotations, result.
  static std::optional<RunFailure> CheckSuccess(const EvalCommand& ev, std::string_view text,
                                                const QueryResult& r) {
    const std::string got = FormatValueText(r.value);
    if (ev.fail.expected) return RunFailure{"expected the query to fail, but it succeeded", got};
    std::vector<std::string> warnings, infos;
    for (const Annotation& a : r.warnings) warnings.push_back(FormatAnnotation(a, text));
    for (const Annotation& a : r.infos) infos.push_back(FormatAnnotation(a, text));
    if (Status s = CheckAnnotations(ev.annotations, warnings, infos); !s.ok()) {
      return RunFailure{s.message(), got};
    }
    if (Status s = CompareResult(ev.expected, r.value); !s.ok())
      return RunFailure{s.message(), got};
    return std::nullopt;
  }

  std::optional<RunFailure> RunRange(const EvalCommand& ev) const {
    auto r = engine_.RangeQuery(store_, *ev.expr, ev.range.start, ev.range.end, ev.range.step);
    if (!r.ok()) return QueryFailed(ev, r.message());
    return CheckSuccess(ev, ev.expr_text, *r);
  }

  // One instant query of the eval at `t`, then its range-mode re-run.
  std::optional<RunFailure> RunInstant(const EvalCommand& ev, std::string_view text,
                                       const Expr& expr, TimestampMs t) const {
    auto r = engine_.InstantQuery(store_, expr, t);
    if (!r.ok()) return QueryFailed(ev, r.message());
    if (auto f = CheckSuccess(ev, text, *r)) return f;
    if (ev.skip_range_mode_check || UsesQueryContextFunctions(text)) return std::nullopt;

    auto range =
        engine_.RangeQuery(store_, expr, t - kRangeModeStep, t + kRangeModeStep, kRangeModeStep);
    const std::string window = "range-mode re-run from t=" + FormatOffsetTime(t - kRangeModeStep) +
                               " to t=" + FormatOffsetTime(t + kRangeModeStep) + " step 1m";
    if (!range.ok()) {
      return RunFailure{window + " failed: " + range.message(), "error: " + range.message()};
    }
    // Range results are always sorted by labels, so an ordered expectation cannot hold there;
    // the query only has to succeed.
    if (ev.expected.ordered) return std::nullopt;
    if (Status s = CompareRangeModeResult(ev.expected, r->value, range->value, t); !s.ok()) {
      return RunFailure{window + ", at t=" + FormatOffsetTime(t) + ": " + s.message(),
                        FormatValueText(range->value)};
    }
    return std::nullopt;
  }

  const RunnerOptions& options_;
  storage::SeriesStore store_;
  Engine engine_;
  UnsupportedSeries unsupported_;
};

}  // namespace

int FileReport::Count(EvalOutcome::Verdict v) const {
  int n = 0;
  for (const EvalOutcome& e : evals) n += e.verdict == v ? 1 : 0;
  return n;
}

EngineOptions TestEngineOptions() {
  EngineOptions o;
  o.lookback_delta = 5 * kMinute;
  o.default_subquery_step = kMinute;
  o.delayed_name_removal = true;
  o.max_samples = 10000;
  o.use_start_timestamps = true;
  return o;
}

FileReport RunScript(const Script& script, const RunnerOptions& options) {
  return Runner(options).Run(script);
}

FileReport RunTestText(std::string_view text, std::string_view name, const RunnerOptions& options) {
  auto script = ParseScript(text, name);
  if (!script.ok()) {
    FileReport report;
    report.file = std::string(name);
    report.error = script.message();
    report.not_run = CountEvalStatements(text);
    return report;
  }
  return RunScript(*script, options);
}

FileReport RunTestFile(const std::string& path, const RunnerOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    FileReport report;
    report.file = path;
    report.error = path + ": cannot read the file";
    return report;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return RunTestText(text.str(), path, options);
}

}  // namespace tocsin::promql::promqltest
