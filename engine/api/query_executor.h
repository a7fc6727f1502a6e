// Runs API work (queries, series look-ups) off the HTTP server's threads, with a deadline.
//
// The HTTP server's io_context must stay responsive (health checks, the Alertmanager API, the
// reload endpoint), so anything that walks the series store runs on a small pool of its own.
// The evaluator cannot be interrupted, so a deadline ends the *request*: the client gets the
// timeout answer at once, and the evaluation's result is dropped when it comes. The pool's size
// bounds how much abandoned work can pile up (Prometheus's --query.max-concurrency plays the
// same part).
#pragma once

#include <functional>
#include <memory>

#include "engine/http/router.h"
#include "storage/base/time.h"

namespace boost::asio {
class io_context;
}

namespace tocsin::api {

class QueryExecutor {
 public:
  // `timers` runs the deadline timers (the HTTP server's io_context); `threads` workers evaluate.
  QueryExecutor(boost::asio::io_context& timers, size_t threads);
  // Drops work that has not started (its requests get 500, as an unanswered Responder does),
  // and waits for the work that is running.
  ~QueryExecutor();
  QueryExecutor(const QueryExecutor&) = delete;
  QueryExecutor& operator=(const QueryExecutor&) = delete;

  // Answers `responder` with work()'s response, or with on_timeout() if `timeout` (> 0) passes
  // first, counting the time spent waiting for a free worker.
  void Run(DurationMs timeout, std::function<http::Response()> work,
           std::function<http::Response()> on_timeout, http::Responder responder);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::api
