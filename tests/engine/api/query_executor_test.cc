#include "engine/api/query_executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "tests/engine/http/http_test_support.h"

namespace tocsin::api {
namespace {

using namespace std::chrono_literals;

// A Responder that fulfils a promise, so a test can wait for the one answer.
struct PromiseState : http::Responder::State {
  std::promise<http::Response> promise;
  std::atomic<int> calls{0};
  void Send(http::Response r) override {
    if (calls++ == 0) promise.set_value(std::move(r));
  }
};

TEST(QueryExecutorTest, AnswersWithTheWork) {
  test::IoThread io;
  QueryExecutor executor(io.io(), 2);
  auto state = std::make_shared<PromiseState>();
  auto answer = state->promise.get_future();
  executor.Run(
      5000, [] { return http::Response::Text(200, "done"); },
      [] { return http::Response::Text(503, "late"); }, http::Responder(state));
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(answer.get().body, "done");
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(state->calls, 1);
}

TEST(QueryExecutorTest, DeadlineAnswersFirstAndTheLateResultIsDropped) {
  test::IoThread io;
  QueryExecutor executor(io.io(), 1);
  std::atomic<bool> release{false};
  std::atomic<bool> finished{false};
  auto state = std::make_shared<PromiseState>();
  auto answer = state->promise.get_future();
  const auto start = std::chrono::steady_clock::now();
  executor.Run(
      50,
      [&] {
        while (!release) std::this_thread::sleep_for(1ms);
        finished = true;
        return http::Response::Text(200, "done");
      },
      [] { return http::Response::Text(503, "late"); }, http::Responder(state));
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(answer.get().body, "late");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  release = true;
  while (!finished) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(state->calls, 1);
}

TEST(QueryExecutorTest, WorkThatTimedOutInTheQueueNeverStarts) {
  test::IoThread io;
  QueryExecutor executor(io.io(), 1);
  std::atomic<bool> release{false};
  std::atomic<int> started{0};
  auto blocker = std::make_shared<PromiseState>();
  executor.Run(
      0,
      [&] {
        ++started;
        while (!release) std::this_thread::sleep_for(1ms);
        return http::Response::Text(200, "first");
      },
      [] { return http::Response::Text(503, "late"); }, http::Responder(blocker));
  auto queued = std::make_shared<PromiseState>();
  auto answer = queued->promise.get_future();
  executor.Run(
      20,
      [&] {
        ++started;
        return http::Response::Text(200, "second");
      },
      [] { return http::Response::Text(503, "late"); }, http::Responder(queued));
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(answer.get().body, "late");
  release = true;
  auto first = blocker->promise.get_future();
  ASSERT_EQ(first.wait_for(5s), std::future_status::ready);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(started, 1);
}

TEST(QueryExecutorTest, ExceptionsBecome500) {
  test::IoThread io;
  QueryExecutor executor(io.io(), 1);
  auto state = std::make_shared<PromiseState>();
  auto answer = state->promise.get_future();
  executor.Run(
      0, []() -> http::Response { throw std::runtime_error("boom"); },
      [] { return http::Response::Text(503, "late"); }, http::Responder(state));
  ASSERT_EQ(answer.wait_for(5s), std::future_status::ready);
  const http::Response r = answer.get();
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("boom"), std::string::npos);
}

}  // namespace
}  // namespace tocsin::api
