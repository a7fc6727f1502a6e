#include "tests/support/test_certificates.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace tocsin::testing {

std::string MakeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  return std::string(buf.data());
}

TestCertificate::TestCertificate() {
  dir_ = MakeTempDir("tocsin-cert");
  cert_file_ = dir_ + "/cert.pem";
  key_file_ = dir_ + "/key.pem";
  std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
      " -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1"
      " -keyout '" +
      key_file_ + "' -out '" + cert_file_ + "' >'" + dir_ + "/openssl.log' 2>&1";
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("openssl could not make a test certificate; see " + dir_ +
                             "/openssl.log");
  }
}

TestCertificate::~TestCertificate() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace tocsin::testing
