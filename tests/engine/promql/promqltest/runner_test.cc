// The runner against the real engine and store, on small files whose right answers are known:
// it must pass what is right and catch each kind of wrong expectation.
#include "engine/promql/promqltest/runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <re2/re2.h>

namespace tocsin::promql::promqltest {
namespace {

using ::testing::HasSubstr;
using Verdict = EvalOutcome::Verdict;

constexpr std::string_view kData =
    "load 1m\n"
    "  http_requests_total{job=\"api\", code=\"200\"} 0+60x10\n"
    "  http_requests_total{job=\"api\", code=\"500\"} 0+6x10\n"
    "  http_requests_total{job=\"web\", code=\"200\"} 0+30x10\n"
    "\n";

FileReport RunWithData(std::string_view evals, RunnerOptions options = {}) {
  return RunTestText(std::string(kData) + std::string(evals), "t.test", options);
}

// The single eval of a report.
EvalOutcome Only(const FileReport& r) {
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.evals.size(), 1u);
  return r.evals.empty() ? EvalOutcome{} : r.evals[0];
}

EvalOutcome RunOne(std::string_view eval) {
  return Only(RunWithData(eval));
}

TEST(RunnerTest, CorrectExpectationsPass) {
  const FileReport r = RunWithData(
      "eval instant at 10m sum by (job) (rate(http_requests_total[5m]))\n"
      "  {job=\"api\"} 1.1\n"
      "  {job=\"web\"} 0.5\n"
      "\n"
      "eval range from 0 to 10m step 5m http_requests_total{code=\"500\"}\n"
      "  http_requests_total{job=\"api\", code=\"500\"} 0 30 60\n"
      "\n"
      "eval instant at 0 1 + 1\n"
      "  2\n"
      "\n"
      "eval instant at 0 nothing_here\n");
  EXPECT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.evals.size(), 4u);
  for (const EvalOutcome& e : r.evals) {
    EXPECT_EQ(e.verdict, Verdict::kPassed) << e.line << ": " << e.reason << " / " << e.run;
  }
  EXPECT_EQ(r.passed(), 4);
  EXPECT_EQ(r.failed(), 0);
}

TEST(RunnerTest, WrongValue) {
  const EvalOutcome e = RunOne(
      "eval instant at 10m http_requests_total{code=\"500\"}\n"
      "  http_requests_total{job=\"api\", code=\"500\"} 61\n");
  EXPECT_EQ(e.verdict, Verdict::kFailed);
  EXPECT_THAT(e.reason, HasSubstr("expected 61"));
  EXPECT_THAT(e.reason, HasSubstr("but got 60"));
  EXPECT_THAT(e.expected, HasSubstr("61"));
  EXPECT_THAT(e.got, HasSubstr("60"));
  EXPECT_EQ(e.run, "");  // the eval as written already failed
}

TEST(RunnerTest, ValuesWithinTheEpsilonPass) {
  EXPECT_EQ(RunOne("eval instant at 10m http_requests_total{code=\"500\"}\n"
                   "  http_requests_total{job=\"api\", code=\"500\"} 60.00001\n")
                .verdict,
            Verdict::kPassed);
  EXPECT_EQ(RunOne("eval instant at 10m http_requests_total{code=\"500\"}\n"
                   "  http_requests_total{job=\"api\", code=\"500\"} 60.001\n")
                .verdict,
            Verdict::kFailed);
}

TEST(RunnerTest, MissingAndExtraSeries) {
  EvalOutcome e = RunOne(
      "eval instant at 10m http_requests_total{job=\"api\"}\n"
      "  http_requests_total{job=\"api\", code=\"200\"} 600\n");
  EXPECT_EQ(e.verdict, Verdict::kFailed);
  EXPECT_THAT(e.reason, HasSubstr("unexpected series"));

  e = RunOne(
      "eval instant at 10m http_requests_total{job=\"web\"}\n"
      "  http_requests_total{job=\"web\", code=\"200\"} 300\n"
      "  http_requests_total{job=\"web\", code=\"500\"} 0\n");
  EXPECT_EQ(e.verdict, Verdict::kFailed);
  EXPECT_THAT(e.reason, HasSubstr("not found"));

  // No result lines means "empty", not "don't care".
  e = RunOne("eval instant at 10m http_requests_total{job=\"web\"}\n");
  EXPECT_EQ(e.verdict, Verdict::kFailed);
}

TEST(RunnerTest, DroppedMetricNameMatters) {
  EXPECT_EQ(RunOne("eval instant at 10m rate(http_requests_total{job=\"web\"}[5m])\n"
                   "  {job=\"web\", code=\"200\"} 0.5\n")
                .verdict,
            Verdict::kPassed);
  EXPECT_EQ(RunOne("eval instant at 10m rate(http_requests_total{job=\"web\"}[5m])\n"
                   "  http_requests_total{job=\"web\", code=\"200\"} 0.5\n")
                .verdict,
            Verdict::kFailed);
}

TEST(RunnerTest, WrongOrder) {
  const std::string q = "eval instant at 10m sort_desc(sum by (job) (http_requests_total))\n";
  EXPECT_EQ(RunOne(q + "  expect ordered\n  {job=\"api\"} 660\n  {job=\"web\"} 300\n").verdict,
            Verdict::kPassed);
  const EvalOutcome e = RunOne(q + "  expect ordered\n  {job=\"web\"} 300\n  {job=\"api\"} 660\n");
  EXPECT_EQ(e.verdict, Verdict::kFailed);
  EXPECT_THAT(e.reason, HasSubstr("position"));
  // Without `expect ordered` the order does not matter.
  EXPECT_EQ(RunOne(q + "  {job=\"web\"} 300\n  {job=\"api\"} 660\n").verdict, Verdict::kPassed);
}

TEST(RunnerTest, UnexpectedAndExpectedErrors) {
  const std::string q = "eval instant at 10m http_requests_total + on(job) http_requests_total\n";
  EvalOutcome e = RunOne(q);
  EXPECT_EQ(e.verdict, Verdict::kFailed);
  EXPECT_THAT(e.reason, HasSubstr("the query failed"));
  EXPECT_THAT(e.got, HasSubstr("error: "));
  EXPECT_EQ(RunOne(q + "  expect fail\n").verdict, Verdict::kPassed);
  EXPECT_EQ(RunOne(q + "  expect fail regex: many-to-many\n").verdict, Verdict::kPassed);
  e = RunOne(q + "  expect fail msg: something else\n");
  EXPECT_EQ(e.verdict, Verdict::kFailed);
  EXPECT_THAT(e.reason, HasSubstr("something else"));

  e = RunOne("eval instant at 10m sum(http_requests_total)\n  expect fail\n");
  EXPECT_EQ(e.verdict, Verdict::kFailed);
  EXPECT_THAT(e.reason, HasSubstr("expected the query to fail"));
}

TEST(RunnerTest, Annotations) {
  // rate() of a metric whose name does not look like a counter gives an info annotation.
  const std::string data = "load 1m\n  gauge 1+1x10\n\n";
  auto one = [&](const std::string& eval) { return Only(RunTestText(data + eval, "t.test")); };
  const std::string q = "eval instant at 10m rate(gauge[5m])\n";
  EXPECT_EQ(one(q + "  expect info\n  {} 0.016666666666666666\n").verdict, Verdict::kPassed);
  // Unchecked unless asked for.
  EXPECT_EQ(one(q + "  {} 0.016666666666666666\n").verdict, Verdict::kPassed);
  EvalOutcome e = one(q + "  expect no_info\n  {} 0.016666666666666666\n");
  EXPECT_EQ(e.verdict, Verdict::kFailed);
  EXPECT_THAT(e.reason, HasSubstr("unexpected info"));
  // A missing annotation.
  e = one("eval instant at 10m gauge\n  expect warn\n  gauge 11\n");
  EXPECT_EQ(e.verdict, Verdict::kFailed);
  EXPECT_THAT(e.reason, HasSubstr("expected warn annotations"));
  e = one(q + "  expect info msg: PromQL info: not this one (1:6)\n  {} 0.016666666666666666\n");
  EXPECT_EQ(e.verdict, Verdict::kFailed);
}

TEST(RunnerTest, PinnedReRunsUseTheRewrittenText) {
  // The quantile warning points at the parameter. Before the first selector its column survives
  // the @ rewrite; after it, the rewrite shifts it, which upstream's harness catches too.
  const std::string data = "load 1m\n  a 1\n  b 2\n\n";
  auto one = [&](const std::string& eval) { return Only(RunTestText(data + eval, "t.test")); };
  EXPECT_EQ(one("eval instant at 1m quantile(2, a)\n"
                "  expect warn msg: PromQL warning: quantile value should be between 0 and 1, got "
                "2 (1:10)\n"
                "  {} +Inf\n")
                .verdict,
            Verdict::kPassed);
  const EvalOutcome e = one(
      "eval instant at 1m sum(a) + quantile(2, b)\n"
      "  expect warn msg: PromQL warning: quantile value should be between 0 and 1, got 2 (1:19)\n"
      "  {} +Inf\n");
  EXPECT_EQ(e.verdict, Verdict::kFailed);
  EXPECT_THAT(e.run, HasSubstr("@-pinned re-run"));
  EXPECT_THAT(e.run, HasSubstr("@ 60.000"));
}

TEST(RunnerTest, TimeDependentExpressionsSkipThePinnedReRuns) {
  // At the pinned times -10m, 0, 12s and 10m, time() would differ.
  EXPECT_EQ(RunOne("eval instant at 1m time()\n  60\n").verdict, Verdict::kPassed);
}

TEST(RunnerTest, RangeModeReRun) {
  // An instant eval of a range selector cannot run as a range query; only `expect range vector`
  // exempts it from the range-mode re-run.
  EvalOutcome e = RunOne("eval instant at 1m nothing_here[1m]\n");
  EXPECT_EQ(e.verdict, Verdict::kFailed);
  EXPECT_THAT(e.reason, HasSubstr("range-mode re-run"));
  e = RunOne(
      "eval instant at 1m nothing_here[1m]\n"
      "  expect range vector from 10s to 1m step 10s\n");
  EXPECT_EQ(e.verdict, Verdict::kPassed) << e.reason;
  // Ordered results are not compared in range mode (range results are sorted by labels).
  EXPECT_EQ(RunOne("eval instant at 10m sort(sum by (job) (http_requests_total))\n"
                   "  expect ordered\n  {job=\"web\"} 300\n  {job=\"api\"} 660\n")
                .verdict,
            Verdict::kPassed);
}

TEST(RunnerTest, NativeHistogramsAreSkippedWithAReason) {
  const FileReport r = RunTestText(
      "load 1m\n"
      "  h {{count:1 sum:1}}x3\n"
      "  f 1 2 3\n"
      "\n"
      "eval instant at 1m h\n"
      "  h {{count:1 sum:1}}\n"
      "\n"
      "eval instant at 1m histogram_count(h)\n"
      "  {} 1\n"
      "\n"
      "eval instant at 1m f\n"
      "  f 2\n"
      "\n"
      "clear\n"
      "\n"
      "eval instant at 1m h\n",
      "t.test");
  ASSERT_EQ(r.evals.size(), 4u);
  EXPECT_EQ(r.evals[0].verdict, Verdict::kSkipped);
  EXPECT_THAT(r.evals[0].reason, HasSubstr("native histograms"));
  EXPECT_EQ(r.evals[1].verdict, Verdict::kSkipped);
  EXPECT_THAT(r.evals[1].reason, HasSubstr("line 2"));
  EXPECT_EQ(r.evals[2].verdict, Verdict::kPassed);
  EXPECT_EQ(r.evals[3].verdict, Verdict::kPassed);  // after clear, h is gone
  EXPECT_EQ(r.skipped(), 2);
}

TEST(RunnerTest, StartTimestampsAreLoadedAndRead) {
  // The counter restarted 30s before its last sample: only the start time says so.
  const char* script =
      "load 1m\n  c@st -30s -90s -30s\n  c 1 2 3\n\n"
      "eval instant at 2m resets(c[3m])\n  {} 1\n\n"
      "eval instant at 2m increase(c[3m])\n  {} 5\n";
  FileReport r = RunTestText(script, "t.test");
  ASSERT_EQ(r.evals.size(), 2u);
  EXPECT_EQ(r.evals[0].verdict, Verdict::kPassed) << r.evals[0].reason << r.evals[0].got;
  EXPECT_EQ(r.evals[1].verdict, Verdict::kPassed) << r.evals[1].reason << r.evals[1].got;
}

TEST(RunnerTest, ParseErrors) {
  // An expression that does not parse fails only its eval.
  FileReport r = RunWithData("eval instant at 0 sum(\n\neval instant at 0 1\n  1\n");
  ASSERT_EQ(r.evals.size(), 2u);
  EXPECT_EQ(r.evals[0].verdict, Verdict::kFailed);
  EXPECT_THAT(r.evals[0].reason, HasSubstr("t.test:6:"));
  EXPECT_EQ(r.evals[1].verdict, Verdict::kPassed);
  // A broken file fails every eval in it.
  r = RunTestText("eval instant at 0 1\n  1\n\nbogus\n\neval instant at 0 2\n  2\n", "t.test");
  EXPECT_THAT(r.error, HasSubstr("t.test:4: invalid command"));
  EXPECT_EQ(r.passed(), 0);
  EXPECT_EQ(r.failed(), 2);
}

TEST(RunnerTest, RejectedSamplesStopTheFile) {
  const FileReport r =
      RunTestText("load 1m\n  m 1 2 3\n\nload 1m\n  m 5\n\neval instant at 0 m\n  m 1\n", "t.test");
  EXPECT_THAT(r.error, HasSubstr("t.test:4: the store rejected"));
  EXPECT_EQ(r.failed(), 1);
}

TEST(RunnerTest, FilterSelectsEvals) {
  RunnerOptions options;
  options.filter = std::make_shared<const RE2>("code=\"500\"");
  const FileReport r = RunWithData(
      "eval instant at 10m http_requests_total{code=\"500\"}\n"
      "  http_requests_total{job=\"api\", code=\"500\"} 60\n"
      "\n"
      "eval instant at 10m http_requests_total\n",
      options);
  ASSERT_EQ(r.evals.size(), 1u);
  EXPECT_EQ(r.passed(), 1);
}

}  // namespace
}  // namespace tocsin::promql::promqltest
