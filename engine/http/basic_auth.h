// HTTP basic authentication against bcrypt hashes, as Prometheus's web configuration file
// (basic_auth_users) does it: every request needs a user from the table and a password whose
// bcrypt hash matches; unknown users still pay for one bcrypt run, so timing does not reveal
// which users exist. bcrypt is deliberately slow (tens of milliseconds), so verdicts are cached
// under a SHA-256 of user, password and hash, and the server runs uncached checks off its
// io_context thread.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "storage/base/result.h"

namespace tocsin::http {

// crypt(3) from libxcrypt, which implements bcrypt's $2a$, $2b$ and $2y$ variants.
bool BcryptMatches(std::string_view password, const std::string& hash);

class BasicAuth {
 public:
  // Fails when a hash is not a bcrypt hash, naming the user.
  static Result<BasicAuth> Make(std::map<std::string, std::string> users);
  BasicAuth(BasicAuth&& other) noexcept : users_(std::move(other.users_)) {}

  bool enabled() const { return !users_.empty(); }

  // "Basic base64(user:password)" -> (user, password); nullopt when absent or malformed.
  static std::optional<std::pair<std::string, std::string>> ParseHeader(std::string_view value);

  // The cached verdict for these credentials, if any.
  std::optional<bool> Cached(std::string_view user, std::string_view password) const;
  // Runs bcrypt (slow) and caches the verdict. Thread-safe.
  bool Verify(std::string_view user, std::string_view password);

 private:
  explicit BasicAuth(std::map<std::string, std::string> users) : users_(std::move(users)) {}
  std::string CacheKey(std::string_view user, std::string_view password) const;

  std::map<std::string, std::string> users_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, bool> cache_;
};

}  // namespace tocsin::http
