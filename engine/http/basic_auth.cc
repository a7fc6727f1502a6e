#include "engine/http/basic_auth.h"

#include <crypt.h>
#include <openssl/evp.h>

#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>

namespace tocsin::http {
namespace {

// A valid bcrypt hash of a random password: unknown users are checked against it so that they
// cost as much time as known ones.
constexpr const char* kDummyHash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
constexpr size_t kMaxCacheEntries = 4096;

bool IsBcryptHash(const std::string& hash) {
  return hash.size() == 60 &&
         (hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"));
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Standard base64 with padding, strictly (Go's base64.StdEncoding).
std::optional<std::string> DecodeBase64(std::string_view s) {
  if (s.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < s.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = s[i + k];
      if (c == '=' && i + 4 == s.size() && k >= 2) {
        v[k] = 0;
        ++pad;
      } else if (pad > 0 || (v[k] = Base64Value(c)) < 0) {
        return std::nullopt;
      }
    }
    const uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

}  // namespace

bool BcryptMatches(std::string_view password, const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const std::string pw(password);
  const char* result = crypt_r(pw.c_str(), hash.c_str(), data.get());
  // crypt_r reports failures as NULL or a string starting with '*'.
  if (result == nullptr || result[0] == '*') return false;
  const size_t n = std::strlen(result);
  if (n != hash.size()) return false;
  unsigned char diff = 0;  // constant-time comparison
  for (size_t i = 0; i < n; ++i) diff |= static_cast<unsigned char>(result[i] ^ hash[i]);
  return diff == 0;
}

Result<BasicAuth> BasicAuth::Make(std::map<std::string, std::string> users) {
  for (const auto& [user, hash] : users) {
    if (!IsBcryptHash(hash)) {
      return Error{"basic_auth_users: the password of user \"" + user +
                   "\" is not a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters)"};
    }
  }
  return BasicAuth(std::move(users));
}

std::optional<std::pair<std::string, std::string>> BasicAuth::ParseHeader(std::string_view value) {
  constexpr std::string_view kPrefix = "Basic ";
  if (value.size() < kPrefix.size()) return std::nullopt;
  for (size_t i = 0; i < kPrefix.size(); ++i) {  // the scheme is case-insensitive
    if (std::tolower(static_cast<unsigned char>(value[i])) !=
        std::tolower(static_cast<unsigned char>(kPrefix[i]))) {
      return std::nullopt;
    }
  }
  auto decoded = DecodeBase64(value.substr(kPrefix.size()));
  if (!decoded) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

std::string BasicAuth::CacheKey(std::string_view user, std::string_view password) const {
  auto it = users_.find(std::string(user));
  const std::string& hash = it == users_.end() ? std::string() : it->second;
  std::string material;
  material.append(user).push_back('\0');
  material.append(password).push_back('\0');
  material.append(hash);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(material.data(), material.size(), digest, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), len);
}

std::optional<bool> BasicAuth::Cached(std::string_view user, std::string_view password) const {
  const std::string key = CacheKey(user, password);
  std::lock_guard lock(mu_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  return it->second;
}

bool BasicAuth::Verify(std::string_view user, std::string_view password) {
  auto it = users_.find(std::string(user));
  const bool known = it != users_.end();
  const bool matches = BcryptMatches(password, known ? it->second : std::string(kDummyHash));
  const bool ok = known && matches;
  const std::string key = CacheKey(user, password);
  std::lock_guard lock(mu_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_[key] = ok;
  return ok;
}

}  // namespace tocsin::http
