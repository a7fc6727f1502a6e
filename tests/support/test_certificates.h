// Throwaway TLS material for loopback tests: a self-signed certificate for 127.0.0.1 and
// localhost, made with the openssl command-line tool in a fresh temporary directory that is
// removed again on destruction.
#pragma once

#include <string>

namespace tocsin::testing {

class TestCertificate {
 public:
  // Generates the key and certificate (EC P-256, valid for one day). Throws std::runtime_error
  // when the openssl tool fails.
  TestCertificate();
  ~TestCertificate();
  TestCertificate(const TestCertificate&) = delete;
  TestCertificate& operator=(const TestCertificate&) = delete;

  const std::string& dir() const { return dir_; }
  // The certificate is its own CA: pass it as a client's CA file to trust the server.
  const std::string& cert_file() const { return cert_file_; }
  const std::string& key_file() const { return key_file_; }

 private:
  std::string dir_;
  std::string cert_file_;
  std::string key_file_;
};

// A fresh, empty directory under $TMPDIR (or /tmp), for files a test produces.
std::string MakeTempDir(const std::string& prefix);

}  // namespace tocsin::testing
