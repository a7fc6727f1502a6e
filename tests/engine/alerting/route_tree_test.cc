#include "engine/alerting/route_tree.h"

#include <gtest/gtest.h>

#include "engine/alerting/config_loader.h"

namespace tocsin::alerting {
namespace {

Config Load(const std::string& yaml) {
  Result<Config> cfg = LoadConfig(yaml, "test.yml");
  EXPECT_TRUE(cfg.ok()) << cfg.message();
  return cfg.ok() ? std::move(*cfg) : Config{};
}

const char* kTree = R"(
route:
  receiver: root
  group_by: [alertname]
  group_wait: 10s
  routes:
    - matchers: ['team="a"']
      receiver: a
      group_by: [alertname, instance]
      routes:
        - matchers: ['severity="critical"']
          receiver: a-pager
          repeat_interval: 1h
        - matchers: ['severity=~"warn.*"']
          receiver: a-warn
    - match: {team: b}
      receiver: b
      continue: true
      group_by: ['...']
    - match_re: {team: "b|c"}
      receiver: bc
    - matchers: ['team!=""']
      receiver: any-team
receivers: [{name: root}, {name: a}, {name: a-pager}, {name: a-warn}, {name: b}, {name: bc},
            {name: any-team}]
)";

TEST(RouteTreeTest, FirstMatchingChildWinsUnlessContinue) {
  RouteTree tree(Load(kTree).route);
  using V = std::vector<std::string>;
  EXPECT_EQ(tree.MatchReceivers(Labels{{"team", "a"}, {"severity", "critical"}}), V{"a-pager"});
  EXPECT_EQ(tree.MatchReceivers(Labels{{"team", "a"}, {"severity", "warning"}}), V{"a-warn"});
  EXPECT_EQ(tree.MatchReceivers(Labels{{"team", "a"}, {"severity", "info"}}), V{"a"});
  EXPECT_EQ(tree.MatchReceivers(Labels{{"team", "b"}}), (V{"b", "bc"}));
  EXPECT_EQ(tree.MatchReceivers(Labels{{"team", "c"}}), V{"bc"});
  EXPECT_EQ(tree.MatchReceivers(Labels{{"team", "d"}}), V{"any-team"});
  EXPECT_EQ(tree.MatchReceivers(Labels{{"x", "y"}}), V{"root"});
}

TEST(RouteTreeTest, OptionsAreInherited) {
  RouteTree tree(Load(kTree).route);
  const Route& a = *tree.root().children()[0];
  const Route& pager = *a.children()[0];
  EXPECT_EQ(tree.root().options().group_wait, 10 * kSecond);
  EXPECT_EQ(tree.root().options().group_interval, 5 * kMinute);
  EXPECT_EQ(tree.root().options().repeat_interval, 4 * kHour);
  EXPECT_EQ(pager.options().group_wait, 10 * kSecond);
  EXPECT_EQ(pager.options().repeat_interval, kHour);
  EXPECT_EQ(pager.options().group_by, (std::vector<std::string>{"alertname", "instance"}));
  EXPECT_FALSE(pager.options().group_by_all);
  EXPECT_TRUE(tree.root().children()[1]->options().group_by_all);
}

TEST(RouteTreeTest, KeysIdsAndIndexesLikeAlertmanager) {
  RouteTree tree(Load(kTree).route);
  const Route& a = *tree.root().children()[0];
  const Route& warn = *a.children()[1];
  EXPECT_EQ(tree.root().key(), "{}");
  EXPECT_EQ(warn.key(), R"({}/{team="a"}/{severity=~"warn.*"})");
  EXPECT_EQ(warn.id(), R"({}/{team="a"}/0/{severity=~"warn.*"}/1)");
  EXPECT_EQ(tree.root().children()[2]->key(), R"({}/{team=~"^(?:b|c)$"})");
  // Post-order numbering: children before parents, the root last.
  EXPECT_EQ(a.children()[0]->index(), 0);
  EXPECT_EQ(warn.index(), 1);
  EXPECT_EQ(a.index(), 2);
  EXPECT_EQ(tree.root().index(), 6);
}

TEST(RouteTreeTest, GroupLabelsAndGroupKey) {
  RouteTree tree(Load(kTree).route);
  const Route& a = *tree.root().children()[0];
  const Labels alert{{"alertname", "Down"}, {"instance", "h:1"}, {"team", "a"}, {"x", "y"}};
  const Labels group = a.GroupLabels(alert);
  EXPECT_EQ(group, (Labels{{"alertname", "Down"}, {"instance", "h:1"}}));
  EXPECT_EQ(a.GroupKey(group), R"({}/{team="a"}:{alertname="Down", instance="h:1"})");
  EXPECT_EQ(tree.root().children()[1]->GroupLabels(alert), alert);  // group_by: ['...']
  EXPECT_EQ(a.GroupFingerprint(alert), group.fingerprint());
  EXPECT_EQ(tree.root().children()[1]->GroupFingerprint(alert), alert.fingerprint());
  EXPECT_EQ(FormatLabelSet(Labels{{"a.b", "x\"y"}}), R"({a.b="x\"y"})");
}

TEST(RouteTreeTest, EmptyGroupByOverridesParent) {
  Config cfg = Load(R"(
route:
  receiver: r
  group_by: [a]
  routes:
    - receiver: r
      matchers: [x=y]
      group_by: []
receivers: [{name: r}]
)");
  RouteTree tree(cfg.route);
  EXPECT_TRUE(tree.root().children()[0]->options().group_by.empty());
  EXPECT_EQ(tree.root().options().group_by, std::vector<std::string>{"a"});
}

TEST(RouteTreeTest, RootMatchesEverything) {
  RouteTree tree(Load("route: {receiver: r}\nreceivers: [{name: r}]\n").route);
  EXPECT_EQ(tree.Match(Labels{}).size(), 1u);
  EXPECT_EQ(tree.Match(Labels{}).front(), &tree.root());
}

}  // namespace
}  // namespace tocsin::alerting
