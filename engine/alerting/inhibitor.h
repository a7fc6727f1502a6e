// The inhibitor: Alertmanager's inhibit/inhibit.go.
//
// An inhibition rule mutes an alert (the target) while another alert (the source) fires, when
//   - the target matches the rule's target matchers,
//   - the source matches its source matchers and is not resolved,
//   - both have the same value for every `equal` label (a missing label equals an empty one),
//   - and, when the target also matches the source matchers, the source does not match the
//     target matchers: alerts matching both sides never inhibit each other (no
//     self-inhibition).
// Rules are tried in configuration order; the first that inhibits decides, and the inhibiting
// alert's fingerprint is what Alertmanager reports in `inhibitedBy`. Legacy `source_match(_re)`
// / `target_match(_re)` become matchers as Alertmanager builds them (match_re re-anchored,
// `^(?:^(?:re)$)$`).
//
// Sources are cached per rule and indexed by the hash of their `equal` label values, so a query
// looks at only the sources that could inhibit the alert: with 10k alerts a query costs a few
// hash lookups. Thread-safe; fed by the alert store as an AlertStoreListener.
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/alerting/alert_store.h"
#include "engine/alerting/config.h"
#include "engine/alerting/matchers.h"

namespace tocsin::alerting {

struct Inhibition {
  size_t rule = 0;      // index in the configuration's inhibit_rules
  uint64_t source = 0;  // the inhibiting alert's fingerprint
};

class Inhibitor final : public AlertStoreListener {
 public:
  explicit Inhibitor(const std::vector<InhibitRuleConfig>& rules);
  ~Inhibitor() override;

  void OnAlertsStored(std::span<const AlertPtr> alerts) override;
  void OnAlertsDeleted(std::span<const AlertPtr> alerts) override;

  // Whether an alert with `labels` is inhibited at `now`, and by what.
  std::optional<Inhibition> Mutes(const Labels& labels, TimestampMs now) const;

  // Whether `labels` matches some rule's source side (its changes may change other alerts'
  // inhibition).
  bool IsSource(const Labels& labels) const;
  // Drops cached sources resolved at `now`.
  void GC(TimestampMs now);
  // The earliest endsAt after `now` of a cached source: when an inhibition may end by itself.
  std::optional<TimestampMs> NextTransition(TimestampMs now) const;

  size_t rule_count() const;
  // The rule's name, or a description of it when it has none:
  // `{severity="critical"} inhibits {severity="warning"} on [component]`.
  const std::string& RuleDescription(size_t rule) const;
  const Matchers& SourceMatchers(size_t rule) const;
  const Matchers& TargetMatchers(size_t rule) const;

 private:
  struct Rule;
  std::vector<Rule> rules_;
  mutable std::shared_mutex mu_;
};

// A rule's matchers as Alertmanager's inhibitor builds them from the configuration.
Matchers InhibitSourceMatchers(const InhibitRuleConfig& rule);
Matchers InhibitTargetMatchers(const InhibitRuleConfig& rule);

}  // namespace tocsin::alerting
