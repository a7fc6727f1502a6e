// The alert state machine, driven by the vectors its expression returns (the query engine is
// outside the unit: each test hands the rule the samples an evaluation would produce).
#include "rules/alerting_rule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "engine/promql/parser.h"

namespace tocsin::rules {
namespace {

promql::ExprPtr Expr(const std::string& text) {
  auto e = promql::ParseExpr(text);
  EXPECT_TRUE(e.ok()) << e.message();
  return std::move(e).value();
}

// Returns, for each evaluation time, the samples listed for it (nothing otherwise).
class ScriptedQuery {
 public:
  void At(TimestampMs t, promql::Vector v) { script_[t] = std::move(v); }
  QueryFunc Func() {
    return [this](const promql::Expr&, TimestampMs t) -> Result<promql::Vector> {
      last_query_time = t;
      auto it = script_.find(t);
      if (it == script_.end()) return promql::Vector{};
      promql::Vector v = it->second;
      for (auto& s : v) s.t = t;
      return v;
    };
  }
  TimestampMs last_query_time = 0;

 private:
  std::map<TimestampMs, promql::Vector> script_;
};

promql::Sample S(Labels l, double v) {
  return promql::Sample{std::move(l), 0, v};
}

// Replaces "{{ $value }}" and "{{ $labels.instance }}"; a stand-in for the template engine,
// which has its own tests.
class SimpleExpander final : public AlertTemplateExpander {
 public:
  std::string Expand(std::string_view text, const AlertExpansionInput& d) const override {
    std::string out(text);
    Replace(out, "{{ $value }}", std::to_string(static_cast<int>(d.value)));
    Replace(out, "{{ $labels.instance }}", std::string(d.labels.get("instance")));
    if (out.find("{{") != std::string::npos) return "<error expanding template: unknown>";
    return out;
  }
  Status ParseCheck(std::string_view, std::string_view) const override { return Status::Ok(); }

 private:
  static void Replace(std::string& s, const std::string& from, const std::string& to) {
    for (size_t p; (p = s.find(from)) != std::string::npos;) s.replace(p, from.size(), to);
  }
};

AlertingRule MakeRule(DurationMs hold, DurationMs keep_firing_for = 0, Labels labels = {},
                      Labels annotations = {}) {
  return AlertingRule(AlertingRuleSpec{"HighLoad",
                                       Expr("load > 1"),
                                       hold,
                                       keep_firing_for,
                                       std::move(labels),
                                       std::move(annotations),
                                       {}});
}

const Labels kInstanceA{{"__name__", "load"}, {"instance", "a"}};
const Labels kAlertA{{"alertname", "HighLoad"}, {"instance", "a"}};

std::map<std::string, double> SamplesByLabels(const promql::Vector& v) {
  std::map<std::string, double> out;
  for (const auto& s : v) out[s.metric.to_string()] = s.v;
  return out;
}

TEST(AlertingRuleTest, ZeroForFiresAtOnceAndWritesAlertsSeries) {
  AlertingRule rule = MakeRule(0);
  ScriptedQuery q;
  q.At(60'000, {S(kInstanceA, 5)});
  EXPECT_EQ(rule.State(), AlertState::kUnknown);
  auto out = rule.Eval(60'000, 0, q.Func(), nullptr, 0);
  ASSERT_TRUE(out.ok()) << out.message();
  EXPECT_EQ(
      SamplesByLabels(*out),
      (std::map<std::string, double>{
          {R"({__name__="ALERTS", alertname="HighLoad", alertstate="firing", instance="a"})", 1},
          {R"({__name__="ALERTS_FOR_STATE", alertname="HighLoad", instance="a"})", 60}}));
  for (const auto& s : *out) EXPECT_EQ(s.t, 60'000);
  ASSERT_EQ(rule.ActiveAlerts().size(), 1u);
  const Alert a = rule.ActiveAlerts()[0];
  EXPECT_EQ(a.labels, kAlertA);  // __name__ dropped, alertname added
  EXPECT_EQ(a.state, AlertState::kFiring);
  EXPECT_EQ(a.active_at, 60'000);
  EXPECT_EQ(a.fired_at, 60'000);
  EXPECT_EQ(a.value, 5);
  EXPECT_EQ(rule.State(), AlertState::kFiring);
}

TEST(AlertingRuleTest, PendingUntilForHasElapsed) {
  AlertingRule rule = MakeRule(2 * kMinute);
  ScriptedQuery q;
  for (TimestampMs t = 0; t <= 3 * kMinute; t += kMinute) q.At(t, {S(kInstanceA, 2)});
  auto out = rule.Eval(0, 0, q.Func(), nullptr, 0);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(SamplesByLabels(*out).count(
                R"({__name__="ALERTS", alertname="HighLoad", alertstate="pending", instance="a"})"),
            1u);
  EXPECT_EQ(rule.State(), AlertState::kPending);
  ASSERT_TRUE(rule.Eval(kMinute, 0, q.Func(), nullptr, 0).ok());
  EXPECT_EQ(rule.State(), AlertState::kPending);
  ASSERT_TRUE(rule.Eval(2 * kMinute, 0, q.Func(), nullptr, 0).ok());  // ts - ActiveAt >= for
  EXPECT_EQ(rule.State(), AlertState::kFiring);
  EXPECT_EQ(rule.ActiveAlerts()[0].active_at, 0);
  EXPECT_EQ(rule.ActiveAlerts()[0].fired_at, 2 * kMinute);
}

TEST(AlertingRuleTest, PendingAlertsVanishSilently) {
  AlertingRule rule = MakeRule(5 * kMinute);
  ScriptedQuery q;
  q.At(0, {S(kInstanceA, 2)});
  ASSERT_TRUE(rule.Eval(0, 0, q.Func(), nullptr, 0).ok());
  auto out = rule.Eval(kMinute, 0, q.Func(), nullptr, 0);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->empty());
  EXPECT_TRUE(rule.Alerts().empty());
  EXPECT_EQ(rule.State(), AlertState::kInactive);
  EXPECT_TRUE(rule.TakeAlertsToSend(kMinute, kMinute, kMinute).empty());
}

TEST(AlertingRuleTest, FiringAlertsResolveAndAreKeptFifteenMinutes) {
  AlertingRule rule = MakeRule(0);
  ScriptedQuery q;
  q.At(0, {S(kInstanceA, 2)});
  ASSERT_TRUE(rule.Eval(0, 0, q.Func(), nullptr, 0).ok());
  auto out = rule.Eval(kMinute, 0, q.Func(), nullptr, 0);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->empty());  // no ALERTS for an inactive alert
  ASSERT_EQ(rule.Alerts().size(), 1u);
  EXPECT_EQ(rule.Alerts()[0].state, AlertState::kInactive);
  EXPECT_EQ(rule.Alerts()[0].resolved_at, kMinute);
  EXPECT_TRUE(rule.ActiveAlerts().empty());
  EXPECT_EQ(rule.State(), AlertState::kInactive);
  // Kept while ts - ResolvedAt <= 15m, dropped after.
  ASSERT_TRUE(rule.Eval(16 * kMinute, 0, q.Func(), nullptr, 0).ok());
  EXPECT_EQ(rule.Alerts().size(), 1u);
  ASSERT_TRUE(rule.Eval(16 * kMinute + 1, 0, q.Func(), nullptr, 0).ok());
  EXPECT_TRUE(rule.Alerts().empty());
}

TEST(AlertingRuleTest, AResolvedLabelSetThatReturnsIsANewAlert) {
  AlertingRule rule = MakeRule(kMinute);
  ScriptedQuery q;
  q.At(0, {S(kInstanceA, 2)});
  q.At(kMinute, {S(kInstanceA, 2)});
  q.At(3 * kMinute, {S(kInstanceA, 3)});
  ASSERT_TRUE(rule.Eval(0, 0, q.Func(), nullptr, 0).ok());
  ASSERT_TRUE(rule.Eval(kMinute, 0, q.Func(), nullptr, 0).ok());
  ASSERT_TRUE(rule.Eval(2 * kMinute, 0, q.Func(), nullptr, 0).ok());
  EXPECT_EQ(rule.Alerts()[0].state, AlertState::kInactive);
  ASSERT_TRUE(rule.Eval(3 * kMinute, 0, q.Func(), nullptr, 0).ok());
  ASSERT_EQ(rule.Alerts().size(), 1u);
  const Alert a = rule.Alerts()[0];
  EXPECT_EQ(a.state, AlertState::kPending);
  EXPECT_EQ(a.active_at, 3 * kMinute);
  EXPECT_EQ(a.resolved_at, kNoTime);
  EXPECT_EQ(a.value, 3);
}

TEST(AlertingRuleTest, KeepFiringFor) {
  AlertingRule rule = MakeRule(0, 2 * kMinute);
  ScriptedQuery q;
  q.At(0, {S(kInstanceA, 2)});
  q.At(4 * kMinute, {S(kInstanceA, 2)});
  ASSERT_TRUE(rule.Eval(0, 0, q.Func(), nullptr, 0).ok());
  auto out = rule.Eval(kMinute, 0, q.Func(), nullptr, 0);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(), 2u);  // still firing: ALERTS written
  EXPECT_EQ(rule.Alerts()[0].state, AlertState::kFiring);
  EXPECT_EQ(rule.Alerts()[0].keep_firing_since, kMinute);
  ASSERT_TRUE(rule.Eval(2 * kMinute, 0, q.Func(), nullptr, 0).ok());
  EXPECT_EQ(rule.Alerts()[0].state, AlertState::kFiring);  // 1m < 2m
  ASSERT_TRUE(rule.Eval(3 * kMinute, 0, q.Func(), nullptr, 0).ok());
  EXPECT_EQ(rule.Alerts()[0].state, AlertState::kInactive);  // 2m >= 2m
  EXPECT_EQ(rule.Alerts()[0].resolved_at, 3 * kMinute);

  // The condition returning resets KeepFiringSince.
  AlertingRule again = MakeRule(0, 2 * kMinute);
  ScriptedQuery q2;
  q2.At(0, {S(kInstanceA, 2)});
  q2.At(2 * kMinute, {S(kInstanceA, 2)});
  ASSERT_TRUE(again.Eval(0, 0, q2.Func(), nullptr, 0).ok());
  ASSERT_TRUE(again.Eval(kMinute, 0, q2.Func(), nullptr, 0).ok());
  ASSERT_TRUE(again.Eval(2 * kMinute, 0, q2.Func(), nullptr, 0).ok());
  EXPECT_EQ(again.Alerts()[0].keep_firing_since, kNoTime);
  ASSERT_TRUE(again.Eval(3 * kMinute, 0, q2.Func(), nullptr, 0).ok());
  ASSERT_TRUE(again.Eval(4 * kMinute, 0, q2.Func(), nullptr, 0).ok());
  EXPECT_EQ(again.Alerts()[0].state, AlertState::kFiring);
  EXPECT_EQ(again.Alerts()[0].keep_firing_since, 3 * kMinute);
}

TEST(AlertingRuleTest, KeepFiringForDoesNotApplyToPendingAlerts) {
  AlertingRule rule = MakeRule(5 * kMinute, 10 * kMinute);
  ScriptedQuery q;
  q.At(0, {S(kInstanceA, 2)});
  ASSERT_TRUE(rule.Eval(0, 0, q.Func(), nullptr, 0).ok());
  ASSERT_TRUE(rule.Eval(kMinute, 0, q.Func(), nullptr, 0).ok());
  EXPECT_TRUE(rule.Alerts().empty());
}

TEST(AlertingRuleTest, RuleLabelsAreTemplatedAndOverrideSampleLabels) {
  AlertingRule rule = MakeRule(
      0, 0,
      Labels{{"severity", "page"},
             {"instance", "rewritten-{{ $labels.instance }}"},
             {"level", "{{ $value }}"}},
      Labels{{"summary", "{{ $labels.instance }} at {{ $value }}"}, {"broken", "{{ nope }}"}});
  SimpleExpander expander;
  ScriptedQuery q;
  q.At(0, {S(kInstanceA, 7)});
  auto out = rule.Eval(0, 0, q.Func(), &expander, 0);
  ASSERT_TRUE(out.ok()) << out.message();
  const Alert a = rule.Alerts()[0];
  EXPECT_EQ(a.labels, (Labels{{"alertname", "HighLoad"},
                              {"instance", "rewritten-a"},
                              {"level", "7"},
                              {"severity", "page"}}));
  // A failing template renders its error and does not fail the rule.
  EXPECT_EQ(a.annotations,
            (Labels{{"broken", "<error expanding template: unknown>"}, {"summary", "a at 7"}}));
  // Templates need an expander.
  AlertingRule lonely = MakeRule(0, 0, Labels{{"x", "{{ $value }}"}});
  EXPECT_FALSE(lonely.Eval(0, 0, q.Func(), nullptr, 0).ok());
}

TEST(AlertingRuleTest, RuleLabelsSetToEmptyRemoveSampleLabels) {
  AlertingRuleSpec spec{"HighLoad", Expr("load > 1"), 0, 0, Labels{{"severity", "page"}}, {}, {}};
  spec.removed_labels = {"instance"};
  AlertingRule rule(std::move(spec));
  ScriptedQuery q;
  q.At(0, {S(Labels{{"__name__", "load"}, {"instance", "a"}, {"job", "x"}}, 2)});
  ASSERT_TRUE(rule.Eval(0, 0, q.Func(), nullptr, 0).ok());
  EXPECT_EQ(rule.Alerts()[0].labels,
            (Labels{{"alertname", "HighLoad"}, {"job", "x"}, {"severity", "page"}}));
}

TEST(AlertingRuleTest, AnnotationsAreRenderedAtEveryEvaluation) {
  AlertingRule rule = MakeRule(0, 0, {}, Labels{{"summary", "value {{ $value }}"}});
  SimpleExpander expander;
  ScriptedQuery q;
  q.At(0, {S(kInstanceA, 7)});
  q.At(kMinute, {S(kInstanceA, 9)});
  ASSERT_TRUE(rule.Eval(0, 0, q.Func(), &expander, 0).ok());
  ASSERT_TRUE(rule.Eval(kMinute, 0, q.Func(), &expander, 0).ok());
  const Alert a = rule.Alerts()[0];
  EXPECT_EQ(a.annotations.get("summary"), "value 9");
  EXPECT_EQ(a.value, 9);
  EXPECT_EQ(a.active_at, 0);  // still the same alert
}

TEST(AlertingRuleTest, TemplatedValueInLabelsMakesANewAlertEachTime) {
  AlertingRule rule = MakeRule(kMinute, 0, Labels{{"level", "{{ $value }}"}});
  SimpleExpander expander;
  ScriptedQuery q;
  q.At(0, {S(kInstanceA, 7)});
  q.At(kMinute, {S(kInstanceA, 9)});
  ASSERT_TRUE(rule.Eval(0, 0, q.Func(), &expander, 0).ok());
  ASSERT_TRUE(rule.Eval(kMinute, 0, q.Func(), &expander, 0).ok());
  ASSERT_EQ(rule.Alerts().size(), 1u);  // the pending "7" vanished, "9" is new and pending
  EXPECT_EQ(rule.Alerts()[0].labels.get("level"), "9");
  EXPECT_EQ(rule.Alerts()[0].state, AlertState::kPending);
}

TEST(AlertingRuleTest, DuplicateLabelSetsFailTheEvaluation) {
  AlertingRule rule = MakeRule(0);
  ScriptedQuery q;
  q.At(0, {S(Labels{{"__name__", "a"}, {"instance", "x"}}, 1),
           S(Labels{{"__name__", "b"}, {"instance", "x"}}, 2)});
  auto out = rule.Eval(0, 0, q.Func(), nullptr, 0);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.message(),
            "vector contains metrics with the same labelset after applying alert labels");
  EXPECT_TRUE(rule.Alerts().empty());
}

TEST(AlertingRuleTest, LimitDiscardsEverything) {
  AlertingRule rule = MakeRule(0);
  ScriptedQuery q;
  q.At(0, {S(Labels{{"instance", "a"}}, 1)});
  q.At(kMinute, {S(Labels{{"instance", "a"}}, 1), S(Labels{{"instance", "b"}}, 1),
                 S(Labels{{"instance", "c"}}, 1)});
  ASSERT_TRUE(rule.Eval(0, 0, q.Func(), nullptr, 2).ok());
  auto out = rule.Eval(kMinute, 0, q.Func(), nullptr, 2);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.message(), "exceeded limit of 2 with 3 alerts");
  EXPECT_TRUE(rule.Alerts().empty());
}

TEST(AlertingRuleTest, QueryOffsetShiftsQueryAndSampleTimes) {
  AlertingRule rule = MakeRule(0);
  ScriptedQuery q;
  q.At(9 * kMinute, {S(kInstanceA, 1)});
  auto out = rule.Eval(10 * kMinute, kMinute, q.Func(), nullptr, 0);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(q.last_query_time, 9 * kMinute);
  for (const auto& s : *out) EXPECT_EQ(s.t, 9 * kMinute);
  EXPECT_EQ(rule.Alerts()[0].active_at, 10 * kMinute);  // state uses the group time
}

TEST(AlertingRuleTest, QueryErrorsFailTheEvaluation) {
  AlertingRule rule = MakeRule(0);
  QueryFunc failing = [](const promql::Expr&, TimestampMs) -> Result<promql::Vector> {
    return Error{"query timed out"};
  };
  auto out = rule.Eval(0, 0, failing, nullptr, 0);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.message(), "query timed out");
  EXPECT_EQ(rule.State(), AlertState::kInactive);  // evaluated, nothing active
}

TEST(AlertingRuleTest, RaisingForSendsFiringAlertsBackToPending) {
  AlertingRule before = MakeRule(kMinute);
  ScriptedQuery q;
  for (TimestampMs t = 0; t <= 5 * kMinute; t += kMinute) q.At(t, {S(kInstanceA, 1)});
  ASSERT_TRUE(before.Eval(0, 0, q.Func(), nullptr, 0).ok());
  ASSERT_TRUE(before.Eval(kMinute, 0, q.Func(), nullptr, 0).ok());
  ASSERT_EQ(before.Alerts()[0].state, AlertState::kFiring);
  AlertingRule after = MakeRule(5 * kMinute);
  after.SetAlerts(before.Alerts());
  ASSERT_TRUE(after.Eval(2 * kMinute, 0, q.Func(), nullptr, 0).ok());
  const Alert a = after.Alerts()[0];
  EXPECT_EQ(a.state, AlertState::kPending);
  EXPECT_EQ(a.fired_at, kNoTime);
  EXPECT_EQ(a.active_at, 0);
  ASSERT_TRUE(after.Eval(5 * kMinute, 0, q.Func(), nullptr, 0).ok());
  EXPECT_EQ(after.Alerts()[0].state, AlertState::kFiring);
}

TEST(AlertingRuleTest, RestoredFiringAlertsStayFiring) {
  // A short `for` (below Prometheus's grace period) must not send a firing alert back to
  // pending after a restart (prometheus/prometheus#15175).
  AlertingRule rule = MakeRule(kMinute, 10 * kMinute);
  Alert firing;
  firing.labels = kAlertA;
  firing.state = AlertState::kFiring;
  firing.active_at = 0;
  firing.fired_at = kMinute;
  firing.last_sent_at = kMinute;
  rule.SetAlerts({firing});
  ScriptedQuery q;
  q.At(60 * kMinute, {S(kInstanceA, 1)});
  ASSERT_TRUE(rule.Eval(60 * kMinute, 0, q.Func(), nullptr, 0).ok());
  Alert a = rule.Alerts()[0];
  EXPECT_EQ(a.state, AlertState::kFiring);
  EXPECT_EQ(a.active_at, 0);
  EXPECT_EQ(a.fired_at, kMinute);
  // keep_firing_for survives too: missing now, so it keeps firing from here.
  ASSERT_TRUE(rule.Eval(61 * kMinute, 0, q.Func(), nullptr, 0).ok());
  a = rule.Alerts()[0];
  EXPECT_EQ(a.state, AlertState::kFiring);
  EXPECT_EQ(a.keep_firing_since, 61 * kMinute);
}

TEST(AlertingRuleTest, SendingFollowsResendDelayAndValidUntil) {
  AlertingRule rule = MakeRule(0);
  ScriptedQuery q;
  for (TimestampMs t = 0; t <= 3 * kMinute; t += 30'000) q.At(t, {S(kInstanceA, 1)});
  const DurationMs interval = 30'000, resend = kMinute;
  ASSERT_TRUE(rule.Eval(0, 0, q.Func(), nullptr, 0).ok());
  auto sent = rule.TakeAlertsToSend(0, resend, interval);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].valid_until, 4 * kMinute);  // ts + 4 * max(interval, resend delay)
  EXPECT_EQ(sent[0].last_sent_at, 0);
  ASSERT_TRUE(rule.Eval(30'000, 0, q.Func(), nullptr, 0).ok());
  EXPECT_TRUE(rule.TakeAlertsToSend(30'000, resend, interval).empty());
  ASSERT_TRUE(rule.Eval(60'000, 0, q.Func(), nullptr, 0).ok());
  EXPECT_TRUE(rule.TakeAlertsToSend(60'000, resend, interval).empty());  // not *before* ts
  ASSERT_TRUE(rule.Eval(90'000, 0, q.Func(), nullptr, 0).ok());
  EXPECT_EQ(rule.TakeAlertsToSend(90'000, resend, interval).size(), 1u);
  // Resolved: sent at once, then again every resend delay for 15 minutes.
  ASSERT_TRUE(rule.Eval(4 * kMinute, 0, q.Func(), nullptr, 0).ok());
  sent = rule.TakeAlertsToSend(4 * kMinute, resend, interval);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].resolved_at, 4 * kMinute);
  EXPECT_EQ(sent[0].state, AlertState::kInactive);
  EXPECT_TRUE(rule.TakeAlertsToSend(4 * kMinute + 30'000, resend, interval).empty());
  EXPECT_EQ(rule.TakeAlertsToSend(5 * kMinute + 1, resend, interval).size(), 1u);
}

TEST(AlertingRuleTest, PendingAlertsAreNeverSent) {
  AlertingRule rule = MakeRule(10 * kMinute);
  ScriptedQuery q;
  q.At(0, {S(kInstanceA, 1)});
  ASSERT_TRUE(rule.Eval(0, 0, q.Func(), nullptr, 0).ok());
  EXPECT_TRUE(rule.TakeAlertsToSend(0, kMinute, kMinute).empty());
}

TEST(AlertingRuleTest, ForStateValueIsActiveAtInSeconds) {
  AlertingRule rule = MakeRule(kMinute);
  ScriptedQuery q;
  q.At(90'500, {S(kInstanceA, 1)});
  auto out = rule.Eval(90'500, 0, q.Func(), nullptr, 0);
  ASSERT_TRUE(out.ok());
  bool found = false;
  for (const auto& s : *out) {
    if (s.metric.metric_name() == "ALERTS_FOR_STATE") {
      EXPECT_EQ(s.v, 90);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace tocsin::rules
