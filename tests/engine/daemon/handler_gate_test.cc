// HandlerGate: handlers run while open, never after Close, and Close waits for the ones inside
// on other threads but not for the one on its own stack.
#include "engine/daemon/handler_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace tocsin::daemon {
namespace {

using namespace std::chrono_literals;

TEST(HandlerGateTest, RunsWhileOpenAndNeverAfterClose) {
  HandlerGate gate;
  int runs = 0;
  EXPECT_TRUE(gate.Run([&] { ++runs; }));
  gate.Close();
  EXPECT_FALSE(gate.open());
  EXPECT_FALSE(gate.Run([&] { ++runs; }));
  EXPECT_EQ(runs, 1);
  gate.Close();  // idempotent
}

TEST(HandlerGateTest, CloseWaitsForAHandlerRunningOnAnotherThread) {
  HandlerGate gate;
  std::promise<void> entered;
  std::atomic<bool> finished{false};
  std::thread handler([&] {
    gate.Run([&] {
      entered.set_value();
      std::this_thread::sleep_for(300ms);
      finished = true;
    });
  });
  entered.get_future().wait();
  gate.Close();
  EXPECT_TRUE(finished) << "Close returned while a handler was still inside";
  handler.join();
}

TEST(HandlerGateTest, CloseFromInsideAHandlerDoesNotWaitForItself) {
  HandlerGate gate;
  bool ran_after_close = false;
  gate.Run([&] {
    gate.Close();
    ran_after_close = true;
  });
  EXPECT_TRUE(ran_after_close);
  EXPECT_FALSE(gate.Run([] {}));
}

TEST(HandlerGateTest, AHandlerThatThrowsLeavesTheGate) {
  HandlerGate gate;
  EXPECT_THROW(gate.Run([] { throw std::runtime_error("x"); }), std::runtime_error);
  gate.Close();  // would wait forever if the handler were still counted inside
  SUCCEED();
}

}  // namespace
}  // namespace tocsin::daemon
