// The door between the engine and an io_context it does not own. When tocsin::Engine runs on
// the host's io_context, its handlers (HTTP routes, pipeline timers, state syncs) may still be
// queued there after Stop, and may be running on a host thread while Stop runs. Every such
// handler goes through the gate: Run executes it only while the gate is open, and Close shuts
// the gate and waits until no handler is inside any more, so that once Close returns nothing of
// the engine runs on the host's threads again, whatever the host does with its io_context
// afterwards (keeps running it, stops it, destroys it later).
//
// Close never waits for the io_context itself (a host that has stopped running it does not make
// Stop hang) and does not wait for a handler on its own thread's stack (Stop called from an
// alert callback), which finishes once Close's caller returns.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>

namespace tocsin::daemon {

class HandlerGate {
 public:
  // Runs `fn` if the gate is open; false (without running it) once closed.
  bool Run(const std::function<void()>& fn);
  // Closes the gate, then waits for the handlers inside to leave. Idempotent.
  void Close();
  bool open() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable left_;
  bool closed_ = false;
  size_t inside_ = 0;
};

}  // namespace tocsin::daemon
