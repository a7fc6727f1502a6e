// A Scheduler whose tasks run through a HandlerGate (handler_gate.h): the engine's pipeline
// timers and periodic tasks on an io_context the host owns stop for good when the gate closes,
// even if their timers are already due on a host thread. The gate is shared, so a task that
// outlives the engine in the host's queue finds it closed and does nothing.
#pragma once

#include <memory>

#include "engine/alerting/scheduler.h"
#include "engine/daemon/handler_gate.h"

namespace tocsin::daemon {

class GatedScheduler final : public alerting::Scheduler {
 public:
  GatedScheduler(alerting::Scheduler& inner, std::shared_ptr<HandlerGate> gate)
      : inner_(inner), gate_(std::move(gate)) {}

  TimestampMs Now() override { return inner_.Now(); }
  TimerId ScheduleAt(TimestampMs at, std::function<void()> task) override {
    return inner_.ScheduleAt(at, [gate = gate_, task = std::move(task)] { gate->Run(task); });
  }
  void Cancel(TimerId id) override { inner_.Cancel(id); }

 private:
  alerting::Scheduler& inner_;
  const std::shared_ptr<HandlerGate> gate_;
};

}  // namespace tocsin::daemon
