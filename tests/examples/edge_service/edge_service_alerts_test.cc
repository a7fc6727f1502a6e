// The edge service against the 29 shipped rules, end to end on a simulated clock: the
// simulation's prometheus-cpp registry is collected into a real series store every 15 seconds
// (engine/collect, as an embedding host would), and the rule groups of examples/rules/ are
// evaluated on it with the real PromQL engine and the rules' state machine, so `for` counts.
//
//  * Normal operation (no incidents) for 80 minutes, past the longest range any rule reads (1h):
//    no alert is ever pending or firing, so every one of the 29 expressions stays false.
//  * The default schedule: each incident fires its intended alerts (firing means the expression
//    held for longer than the rule's `for`), they resolve before the next incident starts, and
//    nothing fires outside the incident's declared alerts.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/collect/registry_collector.h"
#include "engine/promql/engine.h"
#include "examples/edge_service/incident_schedule.h"
#include "examples/edge_service/metrics.h"
#include "examples/edge_service/simulation.h"
#include "rules/engine_query.h"
#include "rules/group_loader.h"
#include "rules/prometheus_template_expander.h"
#include "rules/rule_group.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::edge {
namespace {

namespace fs = std::filesystem;
using rules::AlertState;

constexpr DurationMs kInterval = 15 * kSecond;  // scrape and evaluation interval of the rules
// 2026-01-01T00:00:00Z: where the simulated service starts.
constexpr TimestampMs kStart = 1'767'225'600'000;

std::vector<std::string> RuleFiles() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(fs::path(TOCSIN_SOURCE_DIR) / "examples/rules")) {
    if (entry.path().extension() == ".yml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The states of the alerts after one evaluation: alert name -> the greatest state of its
// pending or firing alerts (names with none are absent).
struct Evaluation {
  DurationMs elapsed = 0;
  std::map<std::string, AlertState> active;
};

class AlertingHarness {
 public:
  AlertingHarness(IncidentSchedule schedule, uint64_t seed)
      : simulation_({.seed = seed, .schedule = std::move(schedule)}, metrics_),
        store_(storage::StoreOptions{kHour + 15 * kMinute, kInterval}),
        collector_(store_, {.target_labels = Labels{{"job", "anclora"}, {"instance", "edge-1"}},
                            .honor_labels = true}),
        expander_(rules::TemplateExpanderOptions{}) {
    rules::LoadedGroups loaded = rules::LoadGroups(RuleFiles(), {});
    EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors[0]);
    groups_ = std::move(loaded.groups);
    query_ = rules::MakeEngineQueryFunc(engine_, store_);
    ctx_.query = &query_;
    ctx_.store = &store_;
    ctx_.expander = &expander_;
  }

  size_t alerting_rules() const {
    size_t n = 0;
    for (const auto& g : groups_) {
      for (const auto& r : g->rules()) n += r->is_alerting();
    }
    return n;
  }

  // Collects and evaluates every 15 seconds up to `end` (time since the service started).
  void RunUntil(DurationMs end) {
    for (; elapsed_ <= end; elapsed_ += kInterval) {
      const TimestampMs t = kStart + elapsed_;
      simulation_.AdvanceTo(elapsed_);
      const collect::CollectResult c = collector_.Collect(registry_, t);
      ASSERT_EQ(c.invalid_series, 0u) << c.first_invalid;
      ASSERT_EQ(c.counts.rejected(), 0u) << "at " << FormatDuration(elapsed_);
      Evaluation e{elapsed_, {}};
      for (auto& group : groups_) {
        group->Eval(t, ctx_);
        for (const auto& rule : group->rules()) {
          const rules::RuleStatus status = rule->status();
          ASSERT_NE(status.health, rules::RuleHealth::kErr)
              << rule->name() << ": " << status.last_error;
          if (!rule->is_alerting()) continue;
          for (const rules::Alert& a : rule->alerting()->ActiveAlerts()) {
            AlertState& s = e.active[rule->name()];
            s = std::max(s, a.state);
          }
        }
      }
      timeline_.push_back(std::move(e));
      if (elapsed_ % (10 * kMinute) == 0) store_.GarbageCollect(t);
    }
  }

  const std::vector<Evaluation>& timeline() const { return timeline_; }

 private:
  prometheus::Registry registry_;
  EdgeMetrics metrics_{registry_};
  Simulation simulation_;
  storage::SeriesStore store_;
  collect::RegistryCollector collector_;
  promql::Engine engine_;
  rules::PrometheusTemplateExpander expander_;
  rules::QueryFunc query_;
  rules::GroupEvalContext ctx_;
  std::vector<std::unique_ptr<rules::RuleGroup>> groups_;
  DurationMs elapsed_ = 0;
  std::vector<Evaluation> timeline_;
};

std::string Describe(const Evaluation& e) {
  std::string out = FormatDuration(e.elapsed) + ":";
  for (const auto& [name, state] : e.active) {
    out += " " + name + "(" + std::string(rules::AlertStateName(state)) + ")";
  }
  return out;
}

TEST(EdgeServiceAlertsTest, NormalOperationKeepsAll29AlertsQuiet) {
  auto none = IncidentSchedule::Parse("none");
  ASSERT_TRUE(none.ok());
  AlertingHarness harness(*none, 20260101);
  ASSERT_EQ(harness.alerting_rules(), 29u);
  // Past the longest range (1h) by 20 minutes. Pending counts as a failure, so every expression
  // must stay false throughout, whatever its `for`.
  harness.RunUntil(80 * kMinute);
  for (const Evaluation& e : harness.timeline()) {
    ASSERT_TRUE(e.active.empty()) << Describe(e);
  }
}

TEST(EdgeServiceAlertsTest, EveryScheduledIncidentFiresItsAlertsWhichThenResolve) {
  const IncidentSchedule schedule = IncidentSchedule::Default();
  AlertingHarness harness(schedule, 20260101);
  harness.RunUntil(schedule.cycle());
  const auto& timeline = harness.timeline();
  const auto& incidents = schedule.incidents();

  for (size_t i = 0; i < incidents.size(); ++i) {
    const Incident& incident = incidents[i];
    const IncidentInfo& info = edge::Describe(incident.kind);
    // The incident's window: from its start to the next incident's (or the cycle's end).
    const DurationMs from = incident.start;
    const DurationMs to = i + 1 < incidents.size() ? incidents[i + 1].start : schedule.cycle();
    std::set<std::string> allowed(info.intended_alerts.begin(), info.intended_alerts.end());
    allowed.insert(info.side_alerts.begin(), info.side_alerts.end());

    std::map<std::string, DurationMs> fired_at, resolved_at;
    const Evaluation* last = nullptr;
    for (const Evaluation& e : timeline) {
      if (e.elapsed < from || e.elapsed >= to) continue;
      last = &e;
      for (const auto& [name, state] : e.active) {
        EXPECT_TRUE(allowed.contains(name))
            << info.name << ": unexpected alert " << name << " at " << FormatDuration(e.elapsed);
        if (state == AlertState::kFiring && !fired_at.contains(name)) fired_at[name] = e.elapsed;
      }
      for (const auto& [name, at] : fired_at) {
        if (!e.active.contains(name) && !resolved_at.contains(name)) resolved_at[name] = e.elapsed;
      }
    }
    ASSERT_NE(last, nullptr);
    for (std::string_view alert : info.intended_alerts) {
      const std::string name(alert);
      EXPECT_FALSE(last->active.contains(name))
          << info.name << ": " << name << " active again at " << FormatDuration(last->elapsed);
      ASSERT_TRUE(fired_at.contains(name)) << info.name << " did not fire " << name;
      ASSERT_TRUE(resolved_at.contains(name))
          << info.name << ": " << name << " still active when the next incident starts";
      std::cout << "  " << info.name << "@" << FormatDuration(from) << ": " << name
                << " fires after " << FormatDuration(fired_at[name] - from) << ", resolves after "
                << FormatDuration(resolved_at[name] - from) << "\n";
    }
  }
  // Before the first incident, nothing.
  for (const Evaluation& e : timeline) {
    if (e.elapsed >= incidents.front().start) break;
    EXPECT_TRUE(e.active.empty()) << Describe(e);
  }
  // And at the end of the cycle all is quiet again.
  EXPECT_TRUE(timeline.back().active.empty()) << Describe(timeline.back());
}

}  // namespace
}  // namespace tocsin::edge
