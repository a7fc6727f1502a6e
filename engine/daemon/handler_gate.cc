#include "engine/daemon/handler_gate.h"

#include <algorithm>
#include <vector>

namespace tocsin::daemon {
namespace {

// The gates the current thread is inside (nested: a handler may call into another gate's).
thread_local std::vector<const HandlerGate*> entered;

// Leaves the gate even if the handler throws.
struct Leave {
  std::function<void()> fn;
  ~Leave() { fn(); }
};

}  // namespace

bool HandlerGate::Run(const std::function<void()>& fn) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    ++inside_;
  }
  entered.push_back(this);
  Leave leave{[this] {
    entered.pop_back();
    std::lock_guard lock(mu_);
    if (--inside_ == 0 || closed_) left_.notify_all();
  }};
  fn();
  return true;
}

void HandlerGate::Close() {
  const size_t own = static_cast<size_t>(std::count(entered.begin(), entered.end(), this));
  std::unique_lock lock(mu_);
  closed_ = true;
  left_.wait(lock, [&] { return inside_ <= own; });
}

bool HandlerGate::open() const {
  std::lock_guard lock(mu_);
  return !closed_;
}

}  // namespace tocsin::daemon
