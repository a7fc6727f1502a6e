// A rule group over a real series store. The query engine is outside the unit: queries here are
// functions that return scripted vectors or read the store directly.
#include "rules/rule_group.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "engine/promql/parser.h"
#include "storage/base/sample.h"
#include "storage/tsdb/appender.h"

namespace tocsin::rules {
namespace {

promql::ExprPtr Expr(const std::string& text) {
  return std::move(promql::ParseExpr(text)).value();
}

std::unique_ptr<Rule> Recording(const std::string& name, const std::string& expr,
                                Labels labels = {}) {
  return std::make_unique<Rule>(
      std::make_unique<RecordingRule>(name, Expr(expr), std::move(labels)));
}

std::unique_ptr<Rule> Alerting(const std::string& name, const std::string& expr,
                               DurationMs hold = 0, Labels labels = {}) {
  return std::make_unique<Rule>(std::make_unique<AlertingRule>(
      AlertingRuleSpec{name, Expr(expr), hold, 0, std::move(labels), Labels{}, {}}));
}

// Samples of `metric` at exactly time t in the store, renamed as an expression would return
// them (a tiny stand-in for the PromQL engine: selector lookups only).
promql::Vector ReadAt(const storage::SeriesStore& store, const std::string& metric, TimestampMs t) {
  std::vector<LabelMatcher> m = {*LabelMatcher::Make(MatchType::kEqual, "__name__", metric)};
  storage::SeriesSet set = store.Select(m, t, t);
  promql::Vector out;
  for (size_t i = 0; i < set.size(); ++i) {
    for (size_t j = 0; j < set.times(i).size(); ++j) {
      if (!IsStaleNaN(set.values(i)[j])) out.push_back({set.labels[i], t, set.values(i)[j]});
    }
  }
  return out;
}

struct Recorded {
  std::string group_key;
  std::vector<OutgoingAlert> alerts;
};
class RecordingSink final : public AlertSink {
 public:
  void Send(std::string_view key, std::vector<OutgoingAlert> alerts) override {
    batches.push_back({std::string(key), std::move(alerts)});
  }
  std::vector<Recorded> batches;
};

class RuleGroupTest : public ::testing::Test {
 protected:
  RuleGroupTest() : store_(storage::StoreOptions::Unbounded()) {
    // Input: `up{job}` values per time; `up` reads whatever the store holds at t; `scripted`
    // returns what the test put in `script_`.
    query_ = [this](const promql::Expr& e, TimestampMs t) -> Result<promql::Vector> {
      const std::string text = promql::ExprString(e);
      if (text == "fail") return Error{"boom"};
      if (text == "scripted") {
        promql::Vector v = script_[t];
        for (auto& s : v) s.t = t;  // an instant query's samples carry its time
        return v;
      }
      return ReadAt(store_, text, t);
    };
  }

  void Input(const Labels& l, TimestampMs t, double v) {
    storage::Appender app(store_);
    ASSERT_TRUE(app.Append(l, t, v).ok());
    app.Commit();
  }

  // The raw samples of series `l` (stale markers included), as (t, v).
  std::vector<std::pair<TimestampMs, double>> Raw(const Labels& l) {
    std::vector<LabelMatcher> m;
    for (const Label& x : l) m.push_back(*LabelMatcher::Make(MatchType::kEqual, x.name, x.value));
    storage::SeriesSet set = store_.Select(m, INT64_MIN / 2, INT64_MAX / 2);
    std::vector<std::pair<TimestampMs, double>> out;
    for (size_t i = 0; i < set.size(); ++i) {
      if (!(set.labels[i] == l)) continue;
      for (size_t j = 0; j < set.times(i).size(); ++j) {
        out.emplace_back(set.times(i)[j], set.values(i)[j]);
      }
    }
    return out;
  }

  GroupEvalContext Context() {
    GroupEvalContext ctx;
    ctx.query = &query_;
    ctx.store = &store_;
    ctx.sink = &sink_;
    ctx.external_labels = Labels{{"region", "eu"}, {"severity", "external"}};
    ctx.external_url = "http://tocsin:9090";
    return ctx;
  }

  storage::SeriesStore store_;
  QueryFunc query_;
  std::map<TimestampMs, promql::Vector> script_;
  RecordingSink sink_;
};

TEST_F(RuleGroupTest, LaterRulesSeeEarlierOutputInTheSameCycle) {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(Recording("step1", "up"));
  rules.push_back(Recording("step2", "step1"));
  rules.push_back(Alerting("Step2Seen", "step2"));
  RuleGroup group({"f.yml", "chain", kMinute, std::nullopt, 0}, std::move(rules));
  Input(Labels{{"__name__", "up"}, {"job", "a"}}, kMinute, 1);
  group.Eval(kMinute, Context());
  EXPECT_EQ(Raw(Labels{{"__name__", "step2"}, {"job", "a"}}),
            (std::vector<std::pair<TimestampMs, double>>{{kMinute, 1}}));
  EXPECT_EQ(group.rules()[2]->alerting()->ActiveAlerts().size(), 1u);
  for (const auto& r : group.rules()) EXPECT_EQ(r->status().health, RuleHealth::kOk);
  // ALERTS is written too, and visible to a later rule reading it.
  EXPECT_EQ(Raw(Labels{{"__name__", "ALERTS"},
                       {"alertname", "Step2Seen"},
                       {"alertstate", "firing"},
                       {"job", "a"}})
                .size(),
            1u);
}

TEST_F(RuleGroupTest, VanishedSeriesGetStaleMarkers) {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(Recording("rec", "scripted"));
  rules.push_back(Alerting("Alert", "scripted"));
  RuleGroup group({"f.yml", "g", kMinute, std::nullopt, 0}, std::move(rules));
  script_[0] = {promql::Sample{Labels{{"job", "a"}}, 0, 1},
                promql::Sample{Labels{{"job", "b"}}, 0, 2}};
  script_[kMinute] = {promql::Sample{Labels{{"job", "a"}}, kMinute, 1}};
  group.Eval(0, Context());
  group.Eval(kMinute, Context());
  auto b = Raw(Labels{{"__name__", "rec"}, {"job", "b"}});
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0], (std::pair<TimestampMs, double>{0, 2}));
  EXPECT_EQ(b[1].first, kMinute);
  EXPECT_TRUE(IsStaleNaN(b[1].second));
  auto alerts_b = Raw(Labels{
      {"__name__", "ALERTS"}, {"alertname", "Alert"}, {"alertstate", "firing"}, {"job", "b"}});
  ASSERT_EQ(alerts_b.size(), 2u);
  EXPECT_TRUE(IsStaleNaN(alerts_b[1].second));
  EXPECT_EQ(Raw(Labels{{"__name__", "rec"}, {"job", "a"}}).size(), 2u);
}

TEST_F(RuleGroupTest, AFailingRuleKeepsItsSeriesAndRecordsTheError) {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(Recording("rec", "scripted"));
  rules.push_back(Recording("broken", "fail"));
  rules.push_back(Recording("after", "scripted"));
  RuleGroup group({"f.yml", "g", kMinute, std::nullopt, 0}, std::move(rules));
  script_[0] = {promql::Sample{Labels{{"job", "a"}}, 0, 1}};
  group.Eval(0, Context());
  EXPECT_EQ(group.rules()[0]->status().health, RuleHealth::kOk);
  const RuleStatus broken = group.rules()[1]->status();
  EXPECT_EQ(broken.health, RuleHealth::kErr);
  EXPECT_EQ(broken.last_error, "boom");
  EXPECT_EQ(broken.last_evaluation, 0);
  // The rules after the failing one still ran.
  EXPECT_EQ(Raw(Labels{{"__name__", "after"}, {"job", "a"}}).size(), 1u);
  EXPECT_EQ(group.last_evaluation(), 0);
}

TEST_F(RuleGroupTest, QueryOffsetAppliesToQueriesAndWrittenSamples) {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(Recording("rec", "scripted"));
  RuleGroup group({"f.yml", "g", kMinute, 30'000, 0}, std::move(rules));
  script_[30'000] = {promql::Sample{Labels{{"job", "a"}}, 30'000, 1}};
  group.Eval(kMinute, Context());
  EXPECT_EQ(Raw(Labels{{"__name__", "rec"}, {"job", "a"}}),
            (std::vector<std::pair<TimestampMs, double>>{{30'000, 1}}));
}

TEST_F(RuleGroupTest, AlertsAreSentOncePerEvaluationWithExternalLabels) {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(Alerting("A", "scripted", 0, Labels{{"severity", "page"}}));
  rules.push_back(Alerting("B", "scripted"));
  RuleGroup group({"rules/app.yml", "g", kMinute, std::nullopt, 0}, std::move(rules));
  script_[0] = {promql::Sample{Labels{{"job", "a b"}}, 0, 1}};
  group.Eval(0, Context());
  ASSERT_EQ(sink_.batches.size(), 1u);
  EXPECT_EQ(sink_.batches[0].group_key, "rules/app.yml;g");
  ASSERT_EQ(sink_.batches[0].alerts.size(), 2u);
  const OutgoingAlert& a = sink_.batches[0].alerts[0];
  // External labels are added unless the alert has the label already.
  EXPECT_EQ(a.labels,
            (Labels{{"alertname", "A"}, {"job", "a b"}, {"region", "eu"}, {"severity", "page"}}));
  EXPECT_EQ(a.starts_at, 0);
  EXPECT_EQ(a.ends_at, 4 * kMinute);
  EXPECT_FALSE(a.resolved);
  EXPECT_EQ(a.generator_url, "http://tocsin:9090/graph?g0.expr=scripted&g0.tab=1");
  // Nothing due a minute later (resend delay not passed), resolved at once when gone.
  script_[kMinute] = script_[0];
  group.Eval(kMinute, Context());
  EXPECT_EQ(sink_.batches.size(), 1u);
  group.Eval(2 * kMinute, Context());
  ASSERT_EQ(sink_.batches.size(), 2u);
  EXPECT_TRUE(sink_.batches[1].alerts[0].resolved);
  EXPECT_EQ(sink_.batches[1].alerts[0].ends_at, 2 * kMinute);
}

TEST_F(RuleGroupTest, TableLinkEscapesTheQuery) {
  EXPECT_EQ(TableLinkForExpression("sum(rate(x{a=\"b c\"}[5m])) > 0.5"),
            "/graph?g0.expr=sum%28rate%28x%7Ba%3D%22b+c%22%7D%5B5m%5D%29%29+%3E+0.5&g0.tab=1");
}

TEST_F(RuleGroupTest, CopyStateMatchesRulesByNameAndLabels) {
  auto make = [&](bool with_removed) {
    std::vector<std::unique_ptr<Rule>> rules;
    rules.push_back(Alerting("A", "scripted", 5 * kMinute));
    if (with_removed) rules.push_back(Recording("removed", "scripted"));
    rules.push_back(Recording("kept", "scripted"));
    return std::make_unique<RuleGroup>(RuleGroupOptions{"f.yml", "g", kMinute, std::nullopt, 0},
                                       std::move(rules));
  };
  auto old_group = make(true);
  script_[0] = {promql::Sample{Labels{{"job", "a"}}, 0, 1}};
  script_[kMinute] = script_[0];
  old_group->Eval(0, Context());
  auto new_group = make(false);
  new_group->CopyStateFrom(*old_group);
  // The pending alert carries over (same ActiveAt), and the removed rule's series go stale.
  ASSERT_EQ(new_group->rules()[0]->alerting()->Alerts().size(), 1u);
  EXPECT_EQ(new_group->rules()[0]->alerting()->Alerts()[0].active_at, 0);
  new_group->Eval(kMinute, Context());
  auto removed = Raw(Labels{{"__name__", "removed"}, {"job", "a"}});
  ASSERT_EQ(removed.size(), 2u);
  EXPECT_TRUE(IsStaleNaN(removed[1].second));
  EXPECT_FALSE(IsStaleNaN(Raw(Labels{{"__name__", "kept"}, {"job", "a"}})[1].second));
  EXPECT_EQ(new_group->last_evaluation(), kMinute);

  new_group->MarkAllSeriesStale(2 * kMinute, store_);
  auto kept = Raw(Labels{{"__name__", "kept"}, {"job", "a"}});
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_TRUE(IsStaleNaN(kept[2].second));
}

TEST_F(RuleGroupTest, SameDefinition) {
  auto make = [&](DurationMs hold) {
    std::vector<std::unique_ptr<Rule>> rules;
    rules.push_back(Alerting("A", "up > 1", hold));
    return RuleGroup({"f.yml", "g", kMinute, std::nullopt, 0}, std::move(rules));
  };
  EXPECT_TRUE(make(kMinute).SameDefinition(make(kMinute)));
  EXPECT_FALSE(make(kMinute).SameDefinition(make(2 * kMinute)));
}

}  // namespace
}  // namespace tocsin::rules
