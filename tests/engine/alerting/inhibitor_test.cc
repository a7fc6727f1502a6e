#include "engine/alerting/inhibitor.h"

#include <gtest/gtest.h>

#include "engine/alerting/config_loader.h"

namespace tocsin::alerting {
namespace {

constexpr TimestampMs kNow = 1714564800000;

AlertPtr Firing(Labels labels, TimestampMs ends = kNow + 5 * kMinute) {
  auto a = std::make_shared<Alert>();
  a->labels = std::move(labels);
  a->starts_at = kNow - kHour;
  a->ends_at = ends;
  a->updated_at = kNow;
  return a;
}

std::vector<InhibitRuleConfig> RulesFrom(const std::string& yaml_rules) {
  const std::string yaml =
      "route:\n  receiver: r\nreceivers:\n- name: r\ninhibit_rules:\n" + yaml_rules;
  auto cfg = LoadConfig(yaml, "test.yml");
  EXPECT_TRUE(cfg.ok()) << cfg.message();
  return cfg.ok() ? cfg->inhibit_rules : std::vector<InhibitRuleConfig>{};
}

class InhibitorTest : public ::testing::Test {
 protected:
  void Load(const std::string& rules) { inh_ = std::make_unique<Inhibitor>(RulesFrom(rules)); }
  void Store(std::vector<AlertPtr> alerts) { inh_->OnAlertsStored(alerts); }
  std::optional<Inhibition> Mutes(Labels l, TimestampMs t = kNow) { return inh_->Mutes(l, t); }
  std::unique_ptr<Inhibitor> inh_;
};

constexpr const char* kSeverityRules = R"(
- source_matchers: [severity="critical"]
  target_matchers: [severity="warning"]
  equal: [component]
- source_matchers: [severity="warning"]
  target_matchers: [severity="info"]
  equal: [component]
)";

TEST_F(InhibitorTest, FiringSourceWithEqualLabelsInhibits) {
  Load(kSeverityRules);
  auto crit = Firing({{"alertname", "Down"}, {"severity", "critical"}, {"component", "db"}});
  Store({crit});
  auto m = Mutes({{"alertname", "Slow"}, {"severity", "warning"}, {"component", "db"}});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rule, 0u);
  EXPECT_EQ(m->source, crit->fingerprint());
  // Different component: no.
  EXPECT_FALSE(Mutes({{"alertname", "Slow"}, {"severity", "warning"}, {"component", "web"}}));
  // Not a target.
  EXPECT_FALSE(Mutes({{"alertname", "Other"}, {"severity", "critical"}, {"component", "db"}}));
  // Chained rule: a warning inhibits info only if the warning alert itself is a source alert in
  // the store; inhibited or not does not matter.
  EXPECT_FALSE(Mutes({{"alertname", "I"}, {"severity", "info"}, {"component", "db"}}));
  auto warn = Firing({{"alertname", "Slow"}, {"severity", "warning"}, {"component", "db"}});
  Store({warn});
  auto info = Mutes({{"alertname", "I"}, {"severity", "info"}, {"component", "db"}});
  ASSERT_TRUE(info);
  EXPECT_EQ(info->rule, 1u);
  EXPECT_EQ(info->source, warn->fingerprint());
}

TEST_F(InhibitorTest, MissingEqualLabelEqualsEmpty) {
  Load(kSeverityRules);
  Store({Firing({{"alertname", "Down"}, {"severity", "critical"}})});
  EXPECT_TRUE(Mutes({{"alertname", "Slow"}, {"severity", "warning"}}));
  EXPECT_FALSE(Mutes({{"alertname", "Slow"}, {"severity", "warning"}, {"component", "x"}}));
}

TEST_F(InhibitorTest, ResolvedSourceDoesNotInhibit) {
  Load(kSeverityRules);
  Store({Firing({{"alertname", "Down"}, {"severity", "critical"}}, kNow + kMinute)});
  const Labels target = {{"alertname", "Slow"}, {"severity", "warning"}};
  EXPECT_TRUE(Mutes(target, kNow));
  EXPECT_FALSE(Mutes(target, kNow + kMinute));  // endsAt reached: resolved
  EXPECT_EQ(inh_->NextTransition(kNow), kNow + kMinute);
  inh_->GC(kNow + kMinute);
  EXPECT_FALSE(Mutes(target, kNow));  // gone from the cache
}

// Alertmanager reports the source that resolves last; updates that move a source's end move it
// in that order, and sources that ended are passed over.
TEST_F(InhibitorTest, ReportsTheSourceThatEndsLast) {
  Load(kSeverityRules);
  const Labels target = {{"alertname", "Slow"}, {"severity", "warning"}, {"component", "db"}};
  auto early =
      Firing({{"alertname", "A"}, {"severity", "critical"}, {"component", "db"}}, kNow + kMinute);
  auto late =
      Firing({{"alertname", "B"}, {"severity", "critical"}, {"component", "db"}}, kNow + kHour);
  auto other = Firing({{"alertname", "C"}, {"severity", "critical"}, {"component", "web"}},
                      kNow + 2 * kHour);
  Store({early, late, other});
  EXPECT_EQ(Mutes(target)->source, late->fingerprint());
  // B re-sent with an end before A's: A is now the one that ends last.
  auto late_again = Firing(late->labels, kNow + 30 * 1000);
  Store({late_again});
  EXPECT_EQ(Mutes(target)->source, early->fingerprint());
  // After B's new end, A still inhibits; after A's end, nothing for component db does.
  EXPECT_EQ(Mutes(target, kNow + 40 * 1000)->source, early->fingerprint());
  EXPECT_FALSE(Mutes(target, kNow + kMinute));
  // Equal ends: the lower fingerprint.
  auto twin1 = Firing({{"alertname", "T1"}, {"severity", "critical"}, {"component", "q"}});
  auto twin2 = Firing({{"alertname", "T2"}, {"severity", "critical"}, {"component", "q"}});
  Store({twin1, twin2});
  EXPECT_EQ(Mutes({{"severity", "warning"}, {"component", "q"}})->source,
            std::min(twin1->fingerprint(), twin2->fingerprint()));
  std::vector<AlertPtr> gone = {late_again};
  inh_->OnAlertsDeleted(gone);
  EXPECT_EQ(Mutes(target)->source, early->fingerprint());
}

TEST_F(InhibitorTest, DeletedSourceNoLongerInhibits) {
  Load(kSeverityRules);
  auto crit = Firing({{"alertname", "Down"}, {"severity", "critical"}});
  Store({crit});
  std::vector<AlertPtr> gone = {crit};
  inh_->OnAlertsDeleted(gone);
  EXPECT_FALSE(Mutes({{"alertname", "Slow"}, {"severity", "warning"}}));
}

TEST_F(InhibitorTest, NoSelfInhibition) {
  Load(R"(
- source_matchers: [a="1"]
  target_matchers: [b="1"]
)");
  auto both1 = Firing({{"a", "1"}, {"b", "1"}});
  auto both2 = Firing({{"a", "1"}, {"b", "1"}, {"c", "1"}});
  Store({both1, both2});
  // Matching both sides: not inhibited by alerts that also match both sides.
  EXPECT_FALSE(Mutes(both1->labels));
  EXPECT_FALSE(Mutes(both2->labels));
  // A target-only alert is inhibited by them.
  auto m = Mutes({{"b", "1"}});
  ASSERT_TRUE(m);
  // A source-only alert inhibits the two-sided ones.
  auto src = Firing({{"a", "1"}, {"d", "1"}});
  Store({src});
  auto m2 = Mutes(both1->labels);
  ASSERT_TRUE(m2);
  EXPECT_EQ(m2->source, src->fingerprint());
}

TEST_F(InhibitorTest, LegacyMatchReIsAnchoredTwice) {
  Load(R"(
- source_match_re:
    severity: crit.*
  target_match:
    severity: warning
)");
  EXPECT_EQ(FormatMatchers(inh_->SourceMatchers(0)), R"({severity=~"^(?:crit.*)$"})");
  Store({Firing({{"severity", "critical"}})});
  EXPECT_TRUE(Mutes({{"severity", "warning"}}));
  Load(R"(
- source_match_re:
    severity: crit
  target_match:
    severity: warning
)");
  Store({Firing({{"severity", "critical"}})});
  EXPECT_FALSE(Mutes({{"severity", "warning"}}));  // anchored: "crit" is not "critical"
}

TEST_F(InhibitorTest, FirstRuleWinsAndDescriptions) {
  Load(R"(
- name: first
  source_matchers: [x="1"]
  target_matchers: [t="1"]
- source_matchers: [y="1"]
  target_matchers: [t="1"]
  equal: [zone, cluster]
)");
  EXPECT_EQ(inh_->RuleDescription(0), "first");
  EXPECT_EQ(inh_->RuleDescription(1), R"({y="1"} inhibits {t="1"} on [cluster, zone])");
  Store({Firing({{"y", "1"}}), Firing({{"x", "1"}})});
  auto m = Mutes({{"t", "1"}});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rule, 0u);
  EXPECT_TRUE(inh_->IsSource({{"y", "1"}}));
  EXPECT_FALSE(inh_->IsSource({{"t", "1"}}));
}

TEST_F(InhibitorTest, ManySourcesManyTargets) {
  Load(kSeverityRules);
  std::vector<AlertPtr> sources;
  for (int i = 0; i < 1000; ++i) {
    sources.push_back(Firing(
        {{"alertname", "Down"}, {"severity", "critical"}, {"component", "c" + std::to_string(i)}}));
  }
  Store(sources);
  for (int i = 0; i < 2000; ++i) {
    auto m = Mutes(
        {{"alertname", "Slow"}, {"severity", "warning"}, {"component", "c" + std::to_string(i)}});
    EXPECT_EQ(m.has_value(), i < 1000) << i;
    if (m) {
      EXPECT_EQ(m->source, sources[i]->fingerprint());
    }
  }
}

}  // namespace
}  // namespace tocsin::alerting
