#include "engine/alerting/status_tracker.h"

#include <algorithm>

#include "engine/alerting/alert_records.h"

namespace tocsin::alerting {
namespace {

bool SameContent(const Alert& a, const Alert& b) {
  return a.starts_at == b.starts_at && a.ends_at == b.ends_at && a.timeout == b.timeout &&
         a.annotations == b.annotations && a.generator_url == b.generator_url;
}

}  // namespace

StatusTracker::StatusTracker(StateWriter* writer, Options options)
    : writer_(writer), options_(options) {}

void StatusTracker::AddEvent(sqlite::WriteBatch& batch, sqlite::HistoryKind kind, TimestampMs at,
                             const Tracked& t, const MuteView& view) const {
  if (!options_.record_history) return;
  const Alert& a = *t.alert;
  sqlite::HistoryEvent e;
  e.at = at;
  e.kind = kind;
  e.labels = a.labels;
  e.annotations = AnnotationsAsLabels(a.annotations);
  e.starts_at = a.starts_at;
  if (kind == sqlite::HistoryKind::kResolved) e.ends_at = a.ends_at;
  if (kind == sqlite::HistoryKind::kResolved) e.resolved_at = a.ends_at;
  if (kind == sqlite::HistoryKind::kFiring) e.fired_at = a.starts_at;
  e.silenced_by = t.silenced_by;
  if (!t.inhibited_by.empty()) e.inhibited_by = {t.inhibited_by};
  if (view.routes != nullptr) {
    for (std::string& r : view.routes->MatchReceivers(a.labels)) {
      if (std::find(e.receivers.begin(), e.receivers.end(), r) == e.receivers.end()) {
        e.receivers.push_back(std::move(r));
      }
    }
  }
  batch.AppendHistory(std::move(e));
}

void StatusTracker::Evaluate(Tracked& t, const AlertPtr& alert, TimestampMs now,
                             const MuteView& view, bool record, sqlite::WriteBatch& batch) {
  using sqlite::HistoryKind;
  const bool was_firing = t.firing;
  t.alert = alert;
  t.firing = !alert->ResolvedAt(now);
  if (record && !was_firing && t.firing) {
    AddEvent(batch, HistoryKind::kFiring, alert->starts_at, t, view);
  }
  if (!t.firing) {
    if (record && was_firing) AddEvent(batch, HistoryKind::kResolved, alert->ends_at, t, view);
    // A resolved alert's mute status no longer matters; a new occurrence starts afresh.
    t.silenced_by.clear();
    t.inhibited_by_rule.reset();
    t.inhibited_by.clear();
    return;
  }

  std::vector<std::string> silenced = view.silences != nullptr
                                          ? view.silences->Mutes(alert->labels, now)
                                          : std::vector<std::string>{};
  if (silenced != t.silenced_by) {
    if (!silenced.empty()) {
      t.silenced_by = std::move(silenced);
      if (record) AddEvent(batch, HistoryKind::kSilenced, now, t, view);
    } else {
      // Recorded with the silences that ended.
      if (record) AddEvent(batch, HistoryKind::kUnsilenced, now, t, view);
      t.silenced_by.clear();
    }
  }

  std::optional<Inhibition> inhibition =
      view.inhibitor != nullptr ? view.inhibitor->Mutes(alert->labels, now) : std::nullopt;
  std::optional<size_t> rule;
  if (inhibition) rule = inhibition->rule;
  if (rule != t.inhibited_by_rule) {
    if (rule) {
      t.inhibited_by_rule = rule;
      t.inhibited_by = view.inhibitor->RuleDescription(*rule);
      if (record) AddEvent(batch, HistoryKind::kInhibited, now, t, view);
    } else {
      if (record) AddEvent(batch, HistoryKind::kUninhibited, now, t, view);
      t.inhibited_by_rule.reset();
      t.inhibited_by.clear();
    }
  }
}

void StatusTracker::NoteEnd(const Alert& a, TimestampMs now) {
  if (a.ends_at > now && (!next_due_ || a.ends_at < *next_due_)) next_due_ = a.ends_at;
}

void StatusTracker::Stored(std::span<const AlertPtr> alerts, TimestampMs now,
                           const MuteView& view) {
  sqlite::WriteBatch batch;
  {
    std::lock_guard lock(mu_);
    for (const AlertPtr& a : alerts) {
      auto [it, inserted] = alerts_.try_emplace(a->fingerprint());
      Tracked& t = it->second;
      const bool content_changed = inserted || !SameContent(*t.alert, *a);
      const bool was_firing = t.firing;
      Evaluate(t, a, now, view, true, batch);
      if (options_.persist_alerts && (content_changed || was_firing != t.firing)) {
        batch.UpsertAlert(ToAlertRecord(*a, now));
      }
      // A source alert that appeared or changed state may start or end inhibitions elsewhere.
      if (view.inhibitor != nullptr && (inserted || was_firing != t.firing) &&
          view.inhibitor->IsSource(a->labels)) {
        dirty_ = true;
      }
      NoteEnd(*a, now);
    }
  }
  if (writer_ != nullptr) writer_->Submit(std::move(batch));
}

void StatusTracker::Restored(std::span<const AlertPtr> alerts, TimestampMs now,
                             const MuteView& view) {
  sqlite::WriteBatch unused;
  std::lock_guard lock(mu_);
  for (const AlertPtr& a : alerts) {
    Tracked& t = alerts_[a->fingerprint()];
    // As they were when the previous run wrote them: firing unless resolved by then, so that
    // an alert that resolved during the downtime is recorded as resolved by the next sweep.
    t.alert = a;
    t.firing = true;
    Evaluate(t, a, a->updated_at, view, false, unused);
    NoteEnd(*a, now);
  }
  dirty_ = true;
}

void StatusTracker::Deleted(std::span<const AlertPtr> alerts) {
  sqlite::WriteBatch batch;
  {
    std::lock_guard lock(mu_);
    for (const AlertPtr& a : alerts) {
      auto it = alerts_.find(a->fingerprint());
      if (it == alerts_.end() || it->second.alert != a) continue;
      alerts_.erase(it);
      if (options_.persist_alerts) batch.DeleteAlert("", "", a->fingerprint());
    }
  }
  if (writer_ != nullptr) writer_->Submit(std::move(batch));
}

bool StatusTracker::SweepDue(TimestampMs now, const MuteView& view) const {
  std::lock_guard lock(mu_);
  if (dirty_) return true;
  if (view.silences != nullptr && view.silences->generation() != silences_generation_) return true;
  return next_due_ && now >= *next_due_;
}

void StatusTracker::Sweep(TimestampMs now, const MuteView& view) {
  sqlite::WriteBatch batch;
  {
    std::lock_guard lock(mu_);
    if (view.silences != nullptr) silences_generation_ = view.silences->generation();
    next_due_.reset();
    for (auto& [fp, t] : alerts_) {
      const bool was_firing = t.firing;
      Evaluate(t, t.alert, now, view, true, batch);
      if (options_.persist_alerts && was_firing != t.firing) {
        batch.UpsertAlert(ToAlertRecord(*t.alert, now));
      }
      if (t.firing) NoteEnd(*t.alert, now);
    }
    auto consider = [&](std::optional<TimestampMs> t) {
      if (t && (!next_due_ || *t < *next_due_)) next_due_ = t;
    };
    if (view.silences != nullptr) consider(view.silences->NextTransition(now));
    if (view.inhibitor != nullptr) consider(view.inhibitor->NextTransition(now));
    dirty_ = false;
  }
  if (writer_ != nullptr) writer_->Submit(std::move(batch));
}

void StatusTracker::MarkDirty() {
  std::lock_guard lock(mu_);
  dirty_ = true;
}

size_t StatusTracker::size() const {
  std::lock_guard lock(mu_);
  return alerts_.size();
}

}  // namespace tocsin::alerting
