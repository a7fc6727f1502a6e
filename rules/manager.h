// The rule manager of the daemon and of embedders: loads rule files into groups, runs each group
// on its own interval, reloads atomically, and exposes the alert state for persistence and the
// HTTP API (Prometheus's rules.Manager).
//
// Scheduling: a group evaluates at the instants Prometheus would pick for it, k * interval +
// (hash(file, name) % interval), the first one interval after its slot preceding Start (or the
// reload that created it). Each group has a Boost.Asio timer on the io_context given to Start;
// groups evaluate in parallel on the context's threads, the rules of one group in order. An
// evaluation that overruns its interval skips the missed slots and counts them.
//
// Reload (Update): the new files are loaded completely first; any error keeps the running groups
// and is returned. Otherwise groups are swapped in one step: a group whose definition did not
// change keeps running untouched; a changed group takes over the alerts of its predecessor (rules
// matched by name and labels) and starts on its own schedule; a removed group stops and its
// series get stale markers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/promql/engine.h"
#include "rules/alert.h"
#include "rules/alert_sink.h"
#include "rules/group_loader.h"
#include "rules/rule_file.h"
#include "rules/rule_group.h"
#include "storage/base/result.h"
#include "storage/tsdb/series_store.h"

namespace boost::asio {
class io_context;
}

namespace tocsin::rules {

class PrometheusTemplateExpander;

struct ManagerOptions {
  storage::SeriesStore* store = nullptr;  // read by the rules, written with their output
  const promql::Engine* engine = nullptr;
  AlertSink* sink = nullptr;              // null: alerts are evaluated but not sent
  RuleFileOptions files;                  // template checks are always on
  DurationMs default_interval = kMinute;  // global evaluation_interval
  DurationMs resend_delay = kMinute;      // --rules.alert.resend-delay
  DurationMs default_query_offset = 0;    // global rule_query_offset
  Labels external_labels;
  std::string external_url;  // empty: $externalURL is "" and externalURL() fails, as unset
  // Nanoseconds since the epoch; injectable for tests.
  std::function<int64_t()> now_ns;
};

// The alerts of one alerting rule, as the persistence layer stores them.
struct RuleAlertState {
  std::string group_key;  // "<file>;<group name>"
  std::string rule;       // Rule::identity(): the rule's name and labels
  std::vector<Alert> alerts;
};

class RuleManager {
 public:
  explicit RuleManager(ManagerOptions options);
  ~RuleManager();
  RuleManager(const RuleManager&) = delete;
  RuleManager& operator=(const RuleManager&) = delete;

  // Loads `files` (see the header comment). Returns every error of the first bad file.
  Result<size_t> Update(const std::vector<std::string>& files);
  // The swap half of Update, for callers that loaded the groups themselves (LoadGroups with
  // these options' file options) together with other configuration, so that nothing changes
  // unless all of it is good. `loaded` must be ok(). Returns the number of rules.
  size_t Install(LoadedGroups loaded);

  // Starts evaluating every group on `io` (whose threads the caller runs); groups added by later
  // Updates start there too. Stop() ends all evaluation and waits for running ones.
  void Start(boost::asio::io_context& io);
  void Stop();

  // Evaluates every group once at `ts`, in load order, on the calling thread (embedders that
  // drive evaluation themselves, and tests).
  void EvalAll(TimestampMs ts);

  // Calls `fn` for every group, in load order, with the groups locked against reloads.
  void ForEachGroup(const std::function<void(const RuleGroup&)>& fn) const;

  // The alerts of every alerting rule (pending, firing and recently resolved).
  std::vector<RuleAlertState> SnapshotAlerts() const;
  // Puts back alerts from a snapshot, matching groups by key and rules by identity. Firing
  // alerts stay firing with their ActiveAt and FiredAt if still true at the next evaluation
  // (whatever `for` is: no regression to pending after a restart), and keep_firing_for carries
  // on from KeepFiringSince. Call after Update and before the first evaluation.
  void RestoreAlerts(const std::vector<RuleAlertState>& state);

 private:
  class GroupRunner;
  struct Entry {
    std::shared_ptr<RuleGroup> group;
    std::shared_ptr<GroupRunner> runner;  // null when not started
  };

  GroupEvalContext Context() const;
  int64_t NowNs() const;
  void StartRunner(Entry& e);

  const ManagerOptions options_;
  QueryFunc query_;
  std::unique_ptr<PrometheusTemplateExpander> expander_;

  mutable std::mutex mu_;  // guards entries_ and io_
  std::vector<Entry> entries_;
  boost::asio::io_context* io_ = nullptr;
};

}  // namespace tocsin::rules
