// Keeps the rule engine's alert state in the SQLite store and notices its transitions.
//
// After every evaluation cycle the owner hands Sync() the rule manager's snapshot of every
// alerting rule's alerts. Sync compares it with the previous one and commits, in one
// transaction, the alerts that changed (upserted), the alerts that went away (deleted) and the
// history rows of the rule-side transitions: `pending` (an alert became active with a `for`) and
// `inactive` (a pending alert went away without firing). Firing and resolution are recorded by
// the alert pipeline when the alert reaches it (with the receivers it routes to), so they are
// not written twice. Every transition, those included, is returned to the caller (the Engine's
// alert callbacks).
//
// On start, RestoreFromRecords() turns the stored rows back into the rule manager's snapshot
// format (rules::RuleManager::RestoreAlerts), and Seed() makes them the baseline, so a restart
// writes no spurious transitions.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "rules/alert.h"
#include "rules/manager.h"
#include "storage/base/result.h"
#include "storage/sqlite/records.h"

namespace tocsin::sqlite {
class SqliteStore;
}

namespace tocsin::daemon {

struct RuleAlertTransition {
  std::string group_key;                                 // "<file>;<group name>"
  std::string rule;                                      // the rule's identity (name and labels)
  rules::AlertState from = rules::AlertState::kUnknown;  // kUnknown: the alert is new
  // kInactive: resolved (it had fired) or gone (it had not); `fired` tells which.
  rules::AlertState to = rules::AlertState::kUnknown;
  bool fired = false;
  rules::Alert alert;  // as of the cycle (for a vanished alert: as last seen)
  TimestampMs at = 0;
};

// rules::Alert <-> the `alerts` table. kNoTime is stored as 0 (no alert event happens at the
// epoch in a running daemon).
sqlite::AlertRecord ToAlertRecord(const std::string& group_key, const std::string& rule,
                                  const rules::Alert& alert, TimestampMs now);
rules::Alert FromAlertRecord(const sqlite::AlertRecord& record);

// The rule engine's rows (those with a group and a rule) of `records`, grouped per rule.
std::vector<rules::RuleAlertState> RestoreFromRecords(
    const std::vector<sqlite::AlertRecord>& records);

class RuleStatePersister {
 public:
  // `store` may be null: transitions are still reported, nothing is written. History rows get
  // the `external_labels` an alert does not set itself, as the alerts the pipeline records do,
  // so one matcher finds every row of an alert.
  explicit RuleStatePersister(sqlite::SqliteStore* store, Labels external_labels = {})
      : store_(store), external_labels_(std::move(external_labels)) {}

  // Makes `state` the baseline without writing anything (after a restore).
  void Seed(const std::vector<rules::RuleAlertState>& state);

  // See the header comment. On a failed commit the baseline is kept, so the next Sync writes
  // the changes again.
  Result<std::vector<RuleAlertTransition>> Sync(const std::vector<rules::RuleAlertState>& state,
                                                TimestampMs now);

 private:
  using Key = std::tuple<std::string, std::string, uint64_t>;  // group, rule, fingerprint
  struct Known {
    rules::Alert alert;
    sqlite::AlertRecord record;  // as last written (updated_at cleared)
  };

  sqlite::HistoryEvent Event(sqlite::HistoryKind kind, TimestampMs at, const std::string& group,
                             const std::string& rule, const rules::Alert& alert) const;

  sqlite::SqliteStore* store_;
  Labels external_labels_;
  std::map<Key, Known> known_;
};

}  // namespace tocsin::daemon
