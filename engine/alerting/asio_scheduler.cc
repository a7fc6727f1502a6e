#include "engine/alerting/asio_scheduler.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_map>

namespace tocsin::alerting {

struct AsioScheduler::Impl {
  explicit Impl(boost::asio::io_context& io) : io(io) {}
  boost::asio::io_context& io;
  std::mutex mu;
  TimerId next_id = 1;
  // Pending timers. A timer leaves the map when it fires or is cancelled; the handler runs the
  // task only if it is the one that removed it, so a cancelled task never runs.
  std::unordered_map<TimerId, std::shared_ptr<boost::asio::steady_timer>> timers;
};

AsioScheduler::AsioScheduler(boost::asio::io_context& io) : impl_(std::make_shared<Impl>(io)) {}

AsioScheduler::~AsioScheduler() {
  CancelAll();
}

TimestampMs AsioScheduler::Now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Scheduler::TimerId AsioScheduler::ScheduleAt(TimestampMs at, std::function<void()> task) {
  const DurationMs delay = std::max<DurationMs>(0, at - Now());
  auto timer =
      std::make_shared<boost::asio::steady_timer>(impl_->io, std::chrono::milliseconds(delay));
  TimerId id;
  {
    std::lock_guard lock(impl_->mu);
    id = impl_->next_id++;
    impl_->timers.emplace(id, timer);
  }
  std::weak_ptr<Impl> weak = impl_;
  timer->async_wait([weak, id, timer, task = std::move(task)](const boost::system::error_code&) {
    auto impl = weak.lock();
    if (!impl) return;
    {
      std::lock_guard lock(impl->mu);
      if (impl->timers.erase(id) == 0) return;  // cancelled
    }
    task();
  });
  return id;
}

void AsioScheduler::Cancel(TimerId id) {
  std::shared_ptr<boost::asio::steady_timer> timer;
  {
    std::lock_guard lock(impl_->mu);
    auto it = impl_->timers.find(id);
    if (it == impl_->timers.end()) return;
    timer = std::move(it->second);
    impl_->timers.erase(it);
  }
  // Timer objects are not thread-safe: cancel on the io_context's thread.
  boost::asio::post(impl_->io, [timer] { timer->cancel(); });
}

void AsioScheduler::CancelAll() {
  std::unordered_map<TimerId, std::shared_ptr<boost::asio::steady_timer>> timers;
  {
    std::lock_guard lock(impl_->mu);
    timers.swap(impl_->timers);
  }
  for (auto& [id, timer] : timers) {
    boost::asio::post(impl_->io, [timer] { timer->cancel(); });
  }
}

struct ThreadPoolExecutor::Impl {
  explicit Impl(size_t threads) : pool(threads) {}
  boost::asio::thread_pool pool;
  std::mutex mu;
  std::condition_variable idle;
  size_t pending = 0;
};

ThreadPoolExecutor::ThreadPoolExecutor(size_t threads)
    : impl_(std::make_unique<Impl>(threads == 0 ? 1 : threads)) {}

ThreadPoolExecutor::~ThreadPoolExecutor() {
  Join();
  impl_->pool.join();
}

void ThreadPoolExecutor::Run(std::function<void()> task) {
  {
    std::lock_guard lock(impl_->mu);
    ++impl_->pending;
  }
  boost::asio::post(impl_->pool, [impl = impl_.get(), task = std::move(task)] {
    task();
    std::lock_guard lock(impl->mu);
    if (--impl->pending == 0) impl->idle.notify_all();
  });
}

void ThreadPoolExecutor::Join() {
  std::unique_lock lock(impl_->mu);
  impl_->idle.wait(lock, [&] { return impl_->pending == 0; });
}

}  // namespace tocsin::alerting
