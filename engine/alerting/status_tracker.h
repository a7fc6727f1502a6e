// StatusTracker: follows every alert's life for the history and the state file.
//
// It records each transition in the alert history — firing (at startsAt), resolved (at endsAt),
// silenced / unsilenced (with the silence ids), inhibited / uninhibited (with the inhibition
// rule) — and keeps the `alerts` table in step with the alert store. All of it goes through the
// StateWriter, one batch per change, never on the caller's time.
//
// Transitions are noticed when alerts are stored and by sweeps. A sweep re-evaluates every
// alert and runs only when something may have changed without a call: a silence was created,
// changed or reached its start or end, an inhibiting alert appeared, resolved or went away, or
// an alert's endsAt passed. The pipeline's maintenance timer asks SweepDue() every tick.
//
// Mute status here is for the record; the API computes its own at query time, as Alertmanager
// does, and the notification pipeline decides at each flush.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/alerting/alert.h"
#include "engine/alerting/fingerprint_map.h"
#include "engine/alerting/inhibitor.h"
#include "engine/alerting/route_tree.h"
#include "engine/alerting/silences.h"
#include "engine/alerting/state_writer.h"

namespace tocsin::alerting {

// What decides an alert's mute status, as of the current configuration.
struct MuteView {
  const Silences* silences = nullptr;
  const Inhibitor* inhibitor = nullptr;
  const RouteTree* routes = nullptr;  // for the receivers written with each event
};

class StatusTracker {
 public:
  struct Options {
    bool record_history = true;  // alert transitions into the history table
    bool persist_alerts = true;  // the alerts table
  };

  // `writer` may be nullptr (nothing is written).
  StatusTracker(StateWriter* writer, Options options);

  void Stored(std::span<const AlertPtr> alerts, TimestampMs now, const MuteView& view);
  // Alerts loaded on start: tracked as they are, nothing recorded or written.
  void Restored(std::span<const AlertPtr> alerts, TimestampMs now, const MuteView& view);
  void Deleted(std::span<const AlertPtr> alerts);

  bool SweepDue(TimestampMs now, const MuteView& view) const;
  void Sweep(TimestampMs now, const MuteView& view);
  // Forces the next sweep (the configuration changed).
  void MarkDirty();

  size_t size() const;

 private:
  struct Tracked {
    AlertPtr alert;
    bool firing = false;
    std::vector<std::string> silenced_by;
    std::optional<size_t> inhibited_by_rule;
    std::string inhibited_by;  // the rule's description
  };

  void Evaluate(Tracked& t, const AlertPtr& alert, TimestampMs now, const MuteView& view,
                bool record, sqlite::WriteBatch& batch);
  void AddEvent(sqlite::WriteBatch& batch, sqlite::HistoryKind kind, TimestampMs at,
                const Tracked& t, const MuteView& view) const;
  void NoteEnd(const Alert& a, TimestampMs now);

  StateWriter* writer_;
  Options options_;
  mutable std::mutex mu_;
  FingerprintMap<Tracked> alerts_;
  bool dirty_ = true;
  uint64_t silences_generation_ = 0;
  std::optional<TimestampMs> next_due_;
};

}  // namespace tocsin::alerting
