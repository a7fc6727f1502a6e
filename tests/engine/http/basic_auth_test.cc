#include "engine/http/basic_auth.h"

#include <crypt.h>
#include <gtest/gtest.h>

#include <string>

namespace tocsin::http {
namespace {

// A bcrypt hash of `password` with the given prefix ($2b$ or $2y$), at the cheapest cost.
std::string Bcrypt(const std::string& password, const char* prefix) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn(prefix, 4, nullptr, 0, salt, sizeof salt), nullptr);
  crypt_data data{};
  const char* h = crypt_r(password.c_str(), salt, &data);
  return h ? std::string(h) : std::string();
}

TEST(Bcrypt, LibcryptVerifiesEveryVariantPrometheusUses) {
  for (const char* prefix : {"$2b$", "$2y$", "$2a$"}) {
    const std::string hash = Bcrypt("s3cret", prefix);
    ASSERT_EQ(hash.size(), 60u) << prefix;
    EXPECT_TRUE(hash.starts_with(prefix));
    EXPECT_TRUE(BcryptMatches("s3cret", hash)) << prefix;
    EXPECT_FALSE(BcryptMatches("s3cret ", hash)) << prefix;
  }
  // The published known-answer vector of crypt_blowfish (password "U*U"), in both spellings.
  EXPECT_TRUE(BcryptMatches("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_TRUE(BcryptMatches("U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
  EXPECT_FALSE(
      BcryptMatches("U*U*", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
}

TEST(BasicAuth, ParsesTheHeader) {
  auto c = BasicAuth::ParseHeader("Basic YWxpY2U6b3Blbjpz");  // alice:open:s
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->first, "alice");
  EXPECT_EQ(c->second, "open:s");
  EXPECT_TRUE(BasicAuth::ParseHeader("basic YTpi").has_value());
  EXPECT_FALSE(BasicAuth::ParseHeader("Bearer YTpi").has_value());
  EXPECT_FALSE(BasicAuth::ParseHeader("Basic YTpi=").has_value());
  EXPECT_FALSE(BasicAuth::ParseHeader("Basic bm9jb2xvbg==").has_value());  // "nocolon"
  EXPECT_FALSE(BasicAuth::ParseHeader("").has_value());
}

TEST(BasicAuth, VerifiesAndCachesVerdicts) {
  auto auth = BasicAuth::Make({{"alice", Bcrypt("pw", "$2b$")}});
  ASSERT_TRUE(auth.ok()) << auth.message();
  EXPECT_FALSE(auth->Cached("alice", "pw").has_value());
  EXPECT_TRUE(auth->Verify("alice", "pw"));
  EXPECT_EQ(auth->Cached("alice", "pw"), true);
  EXPECT_FALSE(auth->Verify("alice", "wrong"));
  EXPECT_EQ(auth->Cached("alice", "wrong"), false);
  EXPECT_FALSE(auth->Verify("mallory", "pw"));
}

TEST(BasicAuth, RefusesHashesThatAreNotBcrypt) {
  auto auth = BasicAuth::Make({{"bob", "plaintext"}});
  ASSERT_FALSE(auth.ok());
  EXPECT_NE(auth.message().find("\"bob\""), std::string::npos);
}

}  // namespace
}  // namespace tocsin::http
