// libcurl is opened on first use (notifiers/curl_library.h). This binary does not link libcurl,
// so whether the library is in the process says whether tocsin loaded it. ctest runs each test in
// a process of its own.
#include "notifiers/curl_library.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "notifiers/http_client.h"

namespace tocsin::notifiers {
namespace {

bool LibcurlLoaded() {
  void* handle = dlopen("libcurl.so.4", RTLD_NOW | RTLD_NOLOAD);
  if (handle != nullptr) dlclose(handle);  // drops only the reference RTLD_NOLOAD took
  return handle != nullptr;
}

TEST(CurlLibraryTest, AClientThatNeverSendsNeverLoadsLibcurl) {
  ASSERT_FALSE(LibcurlLoaded()) << "this test binary must not link libcurl";
  { HttpClient client; }
  EXPECT_FALSE(LibcurlLoaded());
}

TEST(CurlLibraryTest, LoadsOnceWithEveryFunction) {
  auto first = LoadCurl();
  ASSERT_TRUE(first.ok()) << first.message();
  EXPECT_TRUE(LibcurlLoaded());
  auto second = LoadCurl();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);

  const CurlLibrary& curl = **first;
  CURL* easy = curl.easy_init();
  ASSERT_NE(easy, nullptr);
  EXPECT_EQ(curl.easy_setopt(easy, CURLOPT_URL, "http://127.0.0.1/"), CURLE_OK);
  curl.easy_cleanup(easy);
  EXPECT_STREQ(curl.easy_strerror(CURLE_OK), "No error");
  EXPECT_EQ(curl.getdate("Sun, 06 Nov 1994 08:49:37 GMT", nullptr), 784111777);
}

TEST(CurlLibraryTest, LeavesGnutlsInitialisationToItsUsers) {
  ASSERT_TRUE(LoadCurl().ok());
  const char* value = std::getenv("GNUTLS_NO_IMPLICIT_INIT");
  ASSERT_NE(value, nullptr);
  EXPECT_STREQ(value, "1");
}

TEST(CurlLibraryTest, TheFirstRequestLoadsLibcurl) {
  HttpClient client;
  HttpRequest request;
  request.method = "GET";
  request.url = "http://127.0.0.1:1/";  // nothing listens on port 1: a transport error
  request.timeout = std::chrono::seconds(5);
  const HttpResponse response = client.Send(request, {});
  EXPECT_TRUE(LibcurlLoaded());
  EXPECT_FALSE(response.has_response());
  EXPECT_FALSE(response.transport_error.empty());
}

}  // namespace
}  // namespace tocsin::notifiers
