// A model of the anclora WhatsApp assistant's message pipeline, driving the metrics of
// metrics.h: customers write (inbound WhatsApp messages), the bot answers, campaigns send
// templates, everything passes through a Redis-backed queue (BullMQ) worked by a pool of
// workers, and WhatsApp reports deliveries and reads; conversions, leads and appointments follow.
// The incidents of an IncidentSchedule bend the model (slow jobs, Redis gone, a burst the sending
// cap cannot absorb, undelivered messages, a heap that grows, a record sale).
//
// The model knows no clock: it advances in whole one-second ticks when told how much time has
// passed since the service started (AdvanceTo), so the service runs it in real time or faster,
// and tests run hours of it in seconds. One seed gives one run, on every platform (random.h).
//
// Counts that must never be absent from a rule's window (deliveries, reads, conversions, leads,
// webhooks) flow through accumulators rather than random draws, and the rare bad events
// (failures, 5xx answers) likewise, so that normal operation keeps every shipped alert quiet
// whatever the seed, and an incident's effect does not depend on luck.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "examples/edge_service/incident_schedule.h"
#include "examples/edge_service/metrics.h"
#include "examples/edge_service/random.h"
#include "storage/base/time.h"

namespace tocsin::edge {

struct SimulationOptions {
  uint64_t seed = 20260101;
  IncidentSchedule schedule = IncidentSchedule::Default();
};

// The model's state now, for a status line.
struct SimulationStatus {
  DurationMs elapsed = 0;
  int64_t waiting = 0;  // queue messages waiting, all priorities
  int64_t processed_last_second = 0;
  double heap_mib = 0;
  double delivery_ratio = 0;  // of the messages sent in the last second
  bool redis_up = true;
  std::vector<IncidentKind> incidents;  // in force now
};

// Something worth printing: an incident starting or ending.
struct SimulationEvent {
  DurationMs at = 0;  // since the start
  std::string text;
};

class Simulation {
 public:
  static constexpr DurationMs kTick = kSecond;

  Simulation(SimulationOptions options, EdgeMetrics& metrics);

  // Runs every tick that ends at or before `elapsed` (time since the service started).
  void AdvanceTo(DurationMs elapsed);
  DurationMs elapsed() const { return elapsed_; }
  const IncidentSchedule& schedule() const { return options_.schedule; }

  SimulationStatus status() const;
  // The events since the last call.
  std::vector<SimulationEvent> TakeEvents();

 private:
  // A stream of events with a fractional expected count per tick: emits the whole part of the
  // running sum, so a rate of 1/60 per second gives one event a minute, never a silent hour.
  struct Flow {
    double acc = 0;
    int64_t Emit(double expected);
  };
  // Queue lanes: each has a priority, a campaign and a message-type mix.
  enum Lane { kInbound, kBotReplies, kReactivation, kSpringCampaign, kLanes };

  void Tick();
  void NoteIncidents(DurationMs from, DurationMs to);
  // Adds `n` messages to a lane (queue_messages, and Redis LPUSH).
  void Enqueue(Lane lane, int64_t n);
  size_t PickType(Lane lane);
  void SendThroughWhatsApp(Lane lane, size_t type, int64_t n);
  void CallApi(size_t endpoint, int64_t n);
  void RedisOperation(size_t operation, int64_t n);
  void ProcessInbound(int64_t n, double job_seconds, double wait_seconds);
  void RecordConversions();
  void UpdateProcessAndHost(double load, int64_t processed);

  SimulationOptions options_;
  EdgeMetrics& m_;
  Random rng_;
  DurationMs elapsed_ = 0;
  std::vector<SimulationEvent> events_;

  std::array<std::array<int64_t, kMessageTypes.size()>, kLanes> waiting_{};
  double inbound_backlog_age_ = 0;  // seconds the inbound lane has been held up
  double load_drift_ = 0;           // slow random walk around the daily shape
  double dlq_ = 12;
  int64_t processed_last_second_ = 0;
  double delivery_ratio_ = 0;
  bool redis_up_ = true;
  double heap_bytes_ = 0;
  std::array<double, kFilesystems.size()> fs_used_{};
  std::array<double, kPipelineStages.size()> pipeline_{};

  Flow inbound_, bot_replies_, handoffs_, failures_, dead_letters_, delivered_, read_;
  Flow visits_, rentals_, sales_, leads_, presence_, contacts_, status_checks_;
};

}  // namespace tocsin::edge
