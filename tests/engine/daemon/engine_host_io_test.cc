// tocsin::Engine on the host's io_context (Engine::Start(io, ...)): the host runs io.run() on a
// thread of its own; the engine's evaluation, callbacks, pipeline and HTTP server run there, a
// notification reaches a real webhook receiver on loopback, and Stop is clean whatever the host
// does with the io_context: keeps running it, keeps it busy, or has stopped running it. Under
// ASan, handlers left in the host's queue after the engine is gone would show up as
// use-after-free when the host runs or destroys the io_context.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "notifiers/http_client.h"
#include "tests/support/http_capture_server.h"
#include "tocsin/engine.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
namespace net = boost::asio;
using namespace std::chrono_literals;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A host service: an io_context run by one thread of its own until Halt().
class Host {
 public:
  Host() : guard_(io.get_executor()), thread_([this] { io.run(); }) {}
  ~Host() { Halt(); }
  void Halt() {
    guard_.reset();
    io.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::thread::id thread_id() const { return thread_.get_id(); }

  net::io_context io;

 private:
  net::executor_work_guard<net::io_context::executor_type> guard_;
  std::thread thread_;
};

// Alert transitions as an engine reports them, and on which thread.
class Events {
 public:
  void Attach(Engine& engine) {
    engine.OnAlert([this](const AlertEvent& e) {
      std::lock_guard lock(mu_);
      if (e.to == "firing") ++firing_;
      threads_.push_back(std::this_thread::get_id());
      cv_.notify_all();
    });
  }
  bool WaitForFiring(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return firing_ > 0; });
  }
  size_t count() const {
    std::lock_guard lock(mu_);
    return threads_.size();
  }
  std::vector<std::thread::id> threads() const {
    std::lock_guard lock(mu_);
    return threads_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int firing_ = 0;
  std::vector<std::thread::id> threads_;
};

class EngineHostIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tocsin-host-io-test-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(NowMs() % 1000000));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "rules.yml") << R"(groups:
  - name: host
    interval: 1s
    rules:
      - alert: QueueStuck
        expr: queue_waiting > 100
)";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // An engine with its own data directory `name`, notifying the webhook receiver.
  std::unique_ptr<Engine> MakeEngine(const std::string& name, bool http) {
    std::ofstream(dir_ / (name + ".yml")) << R"(global:
  evaluation_interval: 1s
rule_files: [rules.yml]
alerting:
  config:
    route:
      receiver: hook
      group_wait: 0s
      group_interval: 1s
    receivers:
      - name: hook
        webhook_configs:
          - url: )" + hook_.url("/" + name) + R"(
storage:
  path: )" + name + R"(
web:
  listen_address: 127.0.0.1:0
)";
    EngineOptions o;
    o.config_file = (dir_ / (name + ".yml")).string();
    o.serve_http = http;
    std::string error;
    auto engine = Engine::Create(o, &error);
    EXPECT_NE(engine, nullptr) << error;
    return engine;
  }

  static void AppendStuckQueue(Engine& engine) {
    std::string error;
    ASSERT_TRUE(engine.Append({{"__name__", "queue_waiting"}}, NowMs(), 500, &error)) << error;
  }

  // Appends until `events` sees the alert fire.
  static void FeedUntilFiring(Engine& engine, Events& events) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      ASSERT_NO_FATAL_FAILURE(AppendStuckQueue(engine));
      if (events.WaitForFiring(200ms)) return;
    }
    FAIL() << "the alert did not fire";
  }

  bool NotifiedAt(const std::string& path, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      for (const auto& r : hook_.requests()) {
        if (r.target == path && r.body.find("QueueStuck") != std::string::npos) return true;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  fs::path dir_;
  testing::HttpCaptureServer hook_;
};

TEST_F(EngineHostIoTest, RunsOnTheHostsThreadNotifiesAndStopsWhileTheHostRunsOn) {
  Host host;
  auto engine = MakeEngine("one", /*http=*/true);
  ASSERT_NE(engine, nullptr);
  Events events;
  events.Attach(*engine);
  std::string error;
  ASSERT_TRUE(engine->Start(host.io, &error)) << error;

  ASSERT_NO_FATAL_FAILURE(FeedUntilFiring(*engine, events));
  // Evaluation and its callbacks ran on the host's thread.
  for (const auto& id : events.threads()) EXPECT_EQ(id, host.thread_id());
  EXPECT_TRUE(NotifiedAt("/one", 10s));

  // The HTTP server answers from the host's io_context too.
  notifiers::HttpClient client;
  notifiers::HttpRequest ready;
  ready.method = "GET";
  ready.url = "http://" + engine->http_address() + "/-/ready";
  ready.timeout = 5s;
  EXPECT_EQ(client.Send(ready, {}).status, 200);

  const auto before = std::chrono::steady_clock::now();
  engine->Stop(2s);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 3s);
  const size_t seen = events.count();
  // The host runs on; whatever of the engine is still queued there does nothing.
  std::atomic<bool> host_alive{false};
  net::post(host.io, [&] { host_alive = true; });
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(host_alive);
  EXPECT_EQ(events.count(), seen);
  EXPECT_NE(client.Send(ready, {}).status, 200);
  engine.reset();
  std::this_thread::sleep_for(1200ms);  // the engine's timers come due with the engine gone
}

TEST_F(EngineHostIoTest, TwoEnginesShareOneIoContext) {
  Host host;
  auto first = MakeEngine("first", /*http=*/true);
  auto second = MakeEngine("second", /*http=*/true);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  Events first_events, second_events;
  first_events.Attach(*first);
  second_events.Attach(*second);
  std::string error;
  ASSERT_TRUE(first->Start(host.io, &error)) << error;
  ASSERT_TRUE(second->Start(host.io, &error)) << error;
  EXPECT_NE(first->http_address(), second->http_address());

  ASSERT_NO_FATAL_FAILURE(FeedUntilFiring(*first, first_events));
  ASSERT_NO_FATAL_FAILURE(FeedUntilFiring(*second, second_events));
  EXPECT_TRUE(NotifiedAt("/first", 10s));
  EXPECT_TRUE(NotifiedAt("/second", 10s));

  // One stops; the other keeps evaluating on the same io_context.
  first->Stop(1s);
  first.reset();
  ASSERT_NO_FATAL_FAILURE(AppendStuckQueue(*second));
  std::ofstream(dir_ / "rules.yml") << R"(groups:
  - name: host
    interval: 1s
    rules:
      - alert: QueueStuck
        expr: queue_waiting > 100
      - alert: QueueVeryStuck
        expr: queue_waiting > 200
)";
  ASSERT_TRUE(second->Reload().ok);
  const size_t seen = second_events.count();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (second_events.count() == seen && std::chrono::steady_clock::now() < deadline) {
    ASSERT_NO_FATAL_FAILURE(AppendStuckQueue(*second));
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_GT(second_events.count(), seen) << "the second engine stopped evaluating";
  second->Stop(1s);
}

TEST_F(EngineHostIoTest, StopsWhileTheHostsThreadIsBusy) {
  Host host;
  auto engine = MakeEngine("busy", /*http=*/true);
  ASSERT_NE(engine, nullptr);
  Events events;
  events.Attach(*engine);
  std::string error;
  ASSERT_TRUE(engine->Start(host.io, &error)) << error;
  ASSERT_NO_FATAL_FAILURE(FeedUntilFiring(*engine, events));

  // The host's only thread is taken by work of the host's own.
  std::mutex mu;
  std::condition_variable cv;
  bool busy = false, release = false;
  net::post(host.io, [&] {
    std::unique_lock lock(mu);
    busy = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
  });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 5s, [&] { return busy; }));
  }
  std::this_thread::sleep_for(1200ms);  // evaluation timers come due behind the busy handler
  const auto before = std::chrono::steady_clock::now();
  engine->Stop(1s);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 3s) << "Stop waited for the io_context";
  const size_t seen = events.count();
  engine.reset();
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  // What the engine had queued behind the busy handler now runs, with the engine gone.
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(events.count(), seen);
}

// Stop from another thread while an engine handler (a slow alert callback) runs on the host's
// thread: Stop returns only once it has left, and nothing of the engine runs afterwards.
TEST_F(EngineHostIoTest, StopWaitsForTheEnginesHandlerOnTheHostsThread) {
  Host host;
  auto engine = MakeEngine("slow", /*http=*/false);
  ASSERT_NE(engine, nullptr);
  std::mutex mu;
  std::condition_variable cv;
  bool inside = false;
  std::atomic<bool> left{false};
  std::atomic<int> calls{0};
  engine->OnAlert([&](const AlertEvent&) {
    ++calls;
    {
      std::lock_guard lock(mu);
      if (inside) return;
      inside = true;
    }
    cv.notify_all();
    std::this_thread::sleep_for(700ms);
    left = true;
  });
  std::string error;
  ASSERT_TRUE(engine->Start(host.io, &error)) << error;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  bool entered = false;
  while (!entered && std::chrono::steady_clock::now() < deadline) {
    ASSERT_NO_FATAL_FAILURE(AppendStuckQueue(*engine));
    std::unique_lock lock(mu);
    entered = cv.wait_for(lock, 200ms, [&] { return inside; });
  }
  ASSERT_TRUE(entered);
  engine->Stop(1s);
  EXPECT_TRUE(left) << "Stop returned while the engine's callback still ran on the host's thread";
  const int seen = calls;
  engine.reset();
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(calls, seen);
}

TEST_F(EngineHostIoTest, StopsAfterTheHostStoppedRunningTheIoContext) {
  auto host = std::make_unique<Host>();
  auto engine = MakeEngine("halted", /*http=*/true);
  ASSERT_NE(engine, nullptr);
  Events events;
  events.Attach(*engine);
  std::string error;
  ASSERT_TRUE(engine->Start(host->io, &error)) << error;
  ASSERT_NO_FATAL_FAILURE(FeedUntilFiring(*engine, events));

  host->Halt();
  const auto before = std::chrono::steady_clock::now();
  engine->Stop(1s);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 3s) << "Stop waited for the io_context";
  engine.reset();
  host.reset();  // destroys the engine's handlers still queued
}

TEST_F(EngineHostIoTest, AnAlertCallbackMayStopTheEngine) {
  Host host;
  auto engine = MakeEngine("callback", /*http=*/false);
  ASSERT_NE(engine, nullptr);
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;
  engine->OnAlert([&](const AlertEvent& e) {
    if (e.to != "firing") return;
    engine->Stop(0ms);  // from the host's thread, inside the engine's own handler
    std::lock_guard lock(mu);
    stopped = true;
    cv.notify_all();
  });
  std::string error;
  ASSERT_TRUE(engine->Start(host.io, &error)) << error;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  bool done = false;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    ASSERT_NO_FATAL_FAILURE(AppendStuckQueue(*engine));
    std::unique_lock lock(mu);
    done = cv.wait_for(lock, 200ms, [&] { return stopped; });
  }
  EXPECT_TRUE(done);
  std::atomic<bool> host_alive{false};
  net::post(host.io, [&] { host_alive = true; });
  for (int i = 0; i < 50 && !host_alive; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(host_alive);
  engine.reset();
}

}  // namespace
}  // namespace tocsin
