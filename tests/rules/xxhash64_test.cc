#include "rules/xxhash64.h"

#include <gtest/gtest.h>

#include <string>

namespace tocsin::rules {
namespace {

// Reference values from the xxHash library (libxxhash 0.8).
TEST(XxHash64Test, KnownValues) {
  EXPECT_EQ(XxHash64(""), 0xef46db3751d8e999ULL);
  EXPECT_EQ(XxHash64("a"), 0xd24ec4f1a98c6e5bULL);
  EXPECT_EQ(XxHash64("abc"), 0x44bc2cf5ad770999ULL);
  EXPECT_EQ(XxHash64("Nobody inspects the spammish repetition"), 0xfbcea83c8a378bf1ULL);
  EXPECT_EQ(XxHash64(std::string("file\xffrules/app.yml\xffname\xff"
                                 "api\xff")),
            0x1ae6cfc6e882ccdfULL);
  std::string bytes;
  for (int i = 0; i < 200; ++i) bytes.push_back(static_cast<char>(i));
  EXPECT_EQ(XxHash64(bytes), 0x50dc1079b99e879cULL);
}

}  // namespace
}  // namespace tocsin::rules
