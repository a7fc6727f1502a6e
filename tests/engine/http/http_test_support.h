// Test helpers for talking to real servers on loopback: a libcurl client (the real client the
// tests use), a raw-socket client for requests no well-behaved client would send, a thread that
// runs an io_context, and a throwaway self-signed TLS certificate.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace tocsin::test {

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  std::string user, password;        // basic auth when user is set
  std::string ca_file;               // trust this CA (TLS)
  long timeout_ms = 5000;
};

struct HttpResult {
  long status = 0;  // 0 when the transfer failed (see error)
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string error;
  long new_connections = 0;  // connections opened for this transfer (0: reused)
};

// One libcurl easy handle: consecutive calls reuse its connection when the server keeps it.
class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  HttpResult Do(const HttpCall& call);

 private:
  void* curl_;
};

HttpResult Fetch(const HttpCall& call);
inline HttpResult Get(const std::string& url) {
  return Fetch({.url = url});
}

// Connects to 127.0.0.1:port, sends `bytes` (in pieces with pauses when `gap` > 0), and reads
// until the server closes or `wait` passes. `closed` tells whether the server closed.
struct RawReply {
  std::string data;
  bool closed = false;
  bool connected = false;
};
RawReply RawExchange(int port, const std::vector<std::string>& pieces,
                     std::chrono::milliseconds gap, std::chrono::milliseconds wait);

// Runs an io_context on a background thread until destroyed.
class IoThread {
 public:
  IoThread();
  ~IoThread();
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

// A self-signed certificate for "localhost" and 127.0.0.1 and its key, as PEM files in a fresh
// temporary directory.
struct TlsFiles {
  std::string dir, cert, key;
};
TlsFiles MakeSelfSignedCert();

}  // namespace tocsin::test
