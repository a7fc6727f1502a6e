// The fetcher opens libcurl with its first transfer (notifiers/curl_library.h); before that its
// Poll is a plain wait that Wakeup interrupts. This binary does not link libcurl, and ctest runs
// each test in a process of its own.
#include "engine/scrape/http_fetcher.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace tocsin::scrape {
namespace {

using namespace std::chrono_literals;

bool LibcurlLoaded() {
  void* handle = dlopen("libcurl.so.4", RTLD_NOW | RTLD_NOLOAD);
  if (handle != nullptr) dlclose(handle);
  return handle != nullptr;
}

TEST(HttpFetcherTest, WithoutTransfersPollWaitsAndLibcurlStaysUnloaded) {
  ASSERT_FALSE(LibcurlLoaded()) << "this test binary must not link libcurl";
  HttpFetcher fetcher;
  const auto start = std::chrono::steady_clock::now();
  fetcher.Poll(50);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
  EXPECT_EQ(fetcher.in_flight(), 0u);
  EXPECT_FALSE(LibcurlLoaded());
}

TEST(HttpFetcherTest, WakeupInterruptsAPollBeforeTheFirstTransfer) {
  HttpFetcher fetcher;
  std::thread waker([&] {
    std::this_thread::sleep_for(50ms);
    fetcher.Wakeup();
  });
  const auto start = std::chrono::steady_clock::now();
  fetcher.Poll(10'000);
  waker.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(HttpFetcherTest, AWakeupBeforeAnyPollIsNotLost) {
  HttpFetcher fetcher;
  fetcher.Wakeup();
  const auto start = std::chrono::steady_clock::now();
  fetcher.Poll(10'000);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(HttpFetcherTest, TheFirstTransferLoadsLibcurlAndCompletes) {
  FetchRequest request;
  request.url = "http://127.0.0.1:1/metrics";  // nothing listens on port 1
  request.accept = "text/plain";
  request.timeout = 5 * kSecond;
  const FetchResult result = HttpFetcher::FetchNow(request);
  EXPECT_TRUE(LibcurlLoaded());
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("Get \"http://127.0.0.1:1/metrics\": "), std::string::npos)
      << result.error;
}

}  // namespace
}  // namespace tocsin::scrape
