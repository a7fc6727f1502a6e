#include "engine/daemon/rule_state_persister.h"

#include <map>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/write_batch.h"

namespace tocsin::daemon {
namespace {

TimestampMs ToStored(TimestampMs t) {
  return t == rules::kNoTime ? 0 : t;
}
TimestampMs FromStored(TimestampMs t) {
  return t == 0 ? rules::kNoTime : t;
}

sqlite::AlertState ToStoredState(rules::AlertState s) {
  switch (s) {
    case rules::AlertState::kFiring:
      return sqlite::AlertState::kFiring;
    case rules::AlertState::kPending:
      return sqlite::AlertState::kPending;
    default:
      return sqlite::AlertState::kInactive;
  }
}

rules::AlertState FromStoredState(sqlite::AlertState s) {
  switch (s) {
    case sqlite::AlertState::kFiring:
      return rules::AlertState::kFiring;
    case sqlite::AlertState::kPending:
      return rules::AlertState::kPending;
    default:
      return rules::AlertState::kInactive;
  }
}

}  // namespace

sqlite::AlertRecord ToAlertRecord(const std::string& group_key, const std::string& rule,
                                  const rules::Alert& a, TimestampMs now) {
  sqlite::AlertRecord r;
  r.group = group_key;
  r.rule = rule;
  r.labels = a.labels;
  r.annotations = a.annotations;
  r.state = ToStoredState(a.state);
  r.value = a.value;
  r.active_at = ToStored(a.active_at);
  r.fired_at = ToStored(a.fired_at);
  r.resolved_at = ToStored(a.resolved_at);
  r.keep_firing_since = ToStored(a.keep_firing_since);
  r.last_sent_at = ToStored(a.last_sent_at);
  r.valid_until = ToStored(a.valid_until);
  // What Alertmanager would be told: startsAt is the firing time, endsAt the resolution or the
  // ValidUntil of the last send.
  r.starts_at = ToStored(a.fired_at);
  r.ends_at =
      a.state == rules::AlertState::kInactive ? ToStored(a.resolved_at) : ToStored(a.valid_until);
  r.updated_at = now;
  return r;
}

rules::Alert FromAlertRecord(const sqlite::AlertRecord& r) {
  rules::Alert a;
  a.state = FromStoredState(r.state);
  a.labels = r.labels;
  a.annotations = r.annotations;
  a.value = r.value;
  a.active_at = FromStored(r.active_at);
  a.fired_at = FromStored(r.fired_at);
  a.resolved_at = FromStored(r.resolved_at);
  a.last_sent_at = FromStored(r.last_sent_at);
  a.valid_until = FromStored(r.valid_until);
  a.keep_firing_since = FromStored(r.keep_firing_since);
  return a;
}

std::vector<rules::RuleAlertState> RestoreFromRecords(
    const std::vector<sqlite::AlertRecord>& records) {
  std::map<std::pair<std::string, std::string>, std::vector<rules::Alert>> by_rule;
  for (const sqlite::AlertRecord& r : records) {
    if (r.group.empty() || r.rule.empty()) continue;  // the alert pipeline's own rows
    by_rule[{r.group, r.rule}].push_back(FromAlertRecord(r));
  }
  std::vector<rules::RuleAlertState> out;
  for (auto& [key, alerts] : by_rule) {
    out.push_back({key.first, key.second, std::move(alerts)});
  }
  return out;
}

sqlite::HistoryEvent RuleStatePersister::Event(sqlite::HistoryKind kind, TimestampMs at,
                                               const std::string& group, const std::string& rule,
                                               const rules::Alert& a) const {
  sqlite::HistoryEvent e;
  e.at = at;
  e.kind = kind;
  e.group = group;
  e.rule = rule;
  if (external_labels_.empty()) {
    e.labels = a.labels;
  } else {
    LabelsBuilder b(a.labels);
    for (const Label& l : external_labels_) {
      if (!a.labels.has(l.name)) b.set(l.name, l.value);
    }
    e.labels = b.labels();
  }
  e.annotations = a.annotations;
  e.value = a.value;
  e.active_at = ToStored(a.active_at);
  e.fired_at = ToStored(a.fired_at);
  e.resolved_at = ToStored(a.resolved_at);
  return e;
}

void RuleStatePersister::Seed(const std::vector<rules::RuleAlertState>& state) {
  known_.clear();
  for (const rules::RuleAlertState& rs : state) {
    for (const rules::Alert& a : rs.alerts) {
      sqlite::AlertRecord record = ToAlertRecord(rs.group_key, rs.rule, a, 0);
      known_[{rs.group_key, rs.rule, a.labels.fingerprint()}] = {a, std::move(record)};
    }
  }
}

Result<std::vector<RuleAlertTransition>> RuleStatePersister::Sync(
    const std::vector<rules::RuleAlertState>& state, TimestampMs now) {
  sqlite::WriteBatch batch;
  std::vector<RuleAlertTransition> transitions;
  std::map<Key, Known> next;

  for (const rules::RuleAlertState& rs : state) {
    for (const rules::Alert& a : rs.alerts) {
      Key key{rs.group_key, rs.rule, a.labels.fingerprint()};
      sqlite::AlertRecord record = ToAlertRecord(rs.group_key, rs.rule, a, 0);
      const auto old = known_.find(key);
      const rules::AlertState from =
          old == known_.end() ? rules::AlertState::kUnknown : old->second.alert.state;
      // A pending alert that went inactive without firing (Prometheus drops those at once, but
      // a snapshot may still show one).
      const bool went_away =
          a.state == rules::AlertState::kInactive && a.fired_at == rules::kNoTime;
      if (from != a.state && !(went_away && from == rules::AlertState::kUnknown)) {
        RuleAlertTransition t{rs.group_key, rs.rule, from, a.state, a.fired_at != rules::kNoTime, a,
                              now};
        if (a.state == rules::AlertState::kPending) {
          const TimestampMs at = a.active_at == rules::kNoTime ? now : a.active_at;
          batch.AppendHistory(Event(sqlite::HistoryKind::kPending, at, rs.group_key, rs.rule, a));
        } else if (went_away) {
          batch.AppendHistory(Event(sqlite::HistoryKind::kInactive, now, rs.group_key, rs.rule, a));
        }
        transitions.push_back(std::move(t));
      }
      if (old == known_.end() || !(old->second.record == record)) {
        sqlite::AlertRecord written = record;
        written.updated_at = now;
        batch.UpsertAlert(std::move(written));
      }
      next[std::move(key)] = {a, std::move(record)};
    }
  }
  for (const auto& [key, known] : known_) {
    if (next.count(key)) continue;
    const auto& [group, rule, fingerprint] = key;
    batch.DeleteAlert(group, rule, fingerprint);
    const rules::Alert& a = known.alert;
    if (a.state == rules::AlertState::kInactive) continue;  // resolved earlier, now forgotten
    RuleAlertTransition t{
        group, rule, a.state, rules::AlertState::kInactive, a.fired_at != rules::kNoTime, a, now};
    if (a.state == rules::AlertState::kPending) {
      batch.AppendHistory(Event(sqlite::HistoryKind::kInactive, now, group, rule, a));
    }
    transitions.push_back(std::move(t));
  }

  if (store_ != nullptr && !batch.empty()) {
    auto committed = store_->Commit(batch);
    if (!committed.ok()) return committed.error();
  }
  known_ = std::move(next);
  return transitions;
}

}  // namespace tocsin::daemon
