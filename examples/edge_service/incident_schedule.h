// When the simulated anclora service misbehaves, and how: a list of incidents, each a kind, a
// start and a duration counted from the service's start, optionally repeated every `cycle`.
//
// The default schedule (Default(), docs/edge_service.md) starts with a latency spike two minutes
// in, so that a freshly started demo shows a firing alert within about five minutes, and then
// walks through one incident of every kind, each far enough from the others that the alerts it
// raises resolve before the next begins; it repeats every 150 minutes:
//
//   latency_spike@2m+8m, redis_down@20m+4m, high_value_sale@30m, delivery_drop@38m+20m,
//   queue_backlog@75m+10m, memory_leak@110m+30m, cycle=150m
//
// The same text is what Parse() reads (the service's --incidents flag): comma-separated
// `<kind>@<start>[+<duration>]` items in Prometheus duration syntax, plus an optional
// `cycle=<duration>`; `none` is the empty schedule.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::edge {

enum class IncidentKind {
  kLatencySpike,   // a slow downstream: queue jobs take ~1.6s instead of ~80ms
  kRedisDown,      // Redis unreachable: redis_up 0, the queue (on Redis) stops moving
  kHighValueSale,  // one sale worth 6.4M euros (a whole building) is recorded
  kDeliveryDrop,   // WhatsApp stops delivering: ~12% of sent messages arrive
  kQueueBacklog,   // a bulk campaign enqueues 250 msg/s while sending is capped at 100 msg/s
  kMemoryLeak,     // a leaking cache grows the heap by ~45 MiB/min for 2/3 of the incident
};

struct IncidentInfo {
  IncidentKind kind;
  std::string_view name;  // as written in schedules: "latency_spike"
  std::string_view description;
  DurationMs default_duration;
  // The shipped alerts the incident is meant to fire, and others it may fire on the way.
  std::vector<std::string_view> intended_alerts;
  std::vector<std::string_view> side_alerts;
};

std::span<const IncidentInfo> AllIncidents();
const IncidentInfo& Describe(IncidentKind kind);

struct Incident {
  IncidentKind kind;
  DurationMs start = 0;  // since the service started
  DurationMs duration = 0;

  DurationMs end() const { return start + duration; }
};

class IncidentSchedule {
 public:
  IncidentSchedule() = default;  // no incidents
  // Incidents are kept sorted by start. `cycle` 0: no repetition; else it must be at least the
  // end of the last incident.
  static Result<IncidentSchedule> Make(std::vector<Incident> incidents, DurationMs cycle = 0);
  static IncidentSchedule Default();
  // The text form above. Errors name the item and its column: `item 2 ("redis_dwn@20m"), column
  // 14: unknown incident "redis_dwn" (known: latency_spike, ...)`.
  static Result<IncidentSchedule> Parse(std::string_view text);
  std::string ToString() const;

  // How far into an incident of `kind` the service is at `elapsed` since its start, if one is
  // in force (start <= elapsed < end, cycles applied). An incident of duration 0 is in force
  // for no time at all; its effect happens when it starts (HappensAt).
  std::optional<DurationMs> Into(IncidentKind kind, DurationMs elapsed) const;
  // Whether an incident of `kind` starts in (from, to] (cycles applied).
  bool StartsWithin(IncidentKind kind, DurationMs from, DurationMs to) const;
  // Whether an incident of `kind` ends in (from, to] (cycles applied).
  bool EndsWithin(IncidentKind kind, DurationMs from, DurationMs to) const;

  const std::vector<Incident>& incidents() const { return incidents_; }
  DurationMs cycle() const { return cycle_; }
  bool empty() const { return incidents_.empty(); }

 private:
  // Whether some time t with from < t <= to is `offset` into a cycle.
  bool Reaches(DurationMs offset, DurationMs from, DurationMs to) const;

  std::vector<Incident> incidents_;
  DurationMs cycle_ = 0;
};

}  // namespace tocsin::edge
