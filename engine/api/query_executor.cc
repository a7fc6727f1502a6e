#include "engine/api/query_executor.h"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <exception>
#include <string>

namespace tocsin::api {

struct QueryExecutor::Impl {
  Impl(boost::asio::io_context& io, size_t threads) : timers(io), pool(threads) {}
  boost::asio::io_context& timers;
  boost::asio::thread_pool pool;
};

namespace {

// One request: whichever of the work and the timer finishes first answers.
struct Pending {
  Pending(boost::asio::io_context& io, http::Responder r) : timer(io), responder(std::move(r)) {}
  boost::asio::steady_timer timer;  // touched only on the io_context
  http::Responder responder;
  std::atomic<bool> answered{false};

  bool Claim() { return !answered.exchange(true); }
};

}  // namespace

QueryExecutor::QueryExecutor(boost::asio::io_context& timers, size_t threads)
    : impl_(std::make_unique<Impl>(timers, threads == 0 ? 1 : threads)) {}

QueryExecutor::~QueryExecutor() {
  impl_->pool.stop();
  impl_->pool.join();
}

void QueryExecutor::Run(DurationMs timeout, std::function<http::Response()> work,
                        std::function<http::Response()> on_timeout, http::Responder responder) {
  auto pending = std::make_shared<Pending>(impl_->timers, std::move(responder));
  if (timeout > 0) {
    // The timer is armed on the io_context's own thread, where it is also cancelled.
    boost::asio::post(impl_->timers, [pending, timeout, on_timeout = std::move(on_timeout)] {
      if (pending->answered) return;
      pending->timer.expires_after(std::chrono::milliseconds(timeout));
      pending->timer.async_wait([pending, on_timeout](const boost::system::error_code& ec) {
        if (ec || !pending->Claim()) return;
        pending->responder(on_timeout());
      });
    });
  }
  boost::asio::post(impl_->pool, [this, pending, work = std::move(work)] {
    if (pending->answered) return;  // timed out while queued: do not start
    http::Response response;
    try {
      response = work();
    } catch (const std::exception& e) {
      // The API's handlers turn their own failures into answers; this is the last resort.
      response = http::Response::Error(500, std::string("internal error: ") + e.what());
    }
    if (!pending->Claim()) return;
    pending->responder(std::move(response));
    boost::asio::post(impl_->timers, [pending] { pending->timer.cancel(); });
  });
}

}  // namespace tocsin::api
