#include "storage/sqlite/codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tocsin::sqlite {
namespace {

TEST(CodecTest, LabelsRoundTripAsSortedJsonObject) {
  Labels l{{"severity", "page"}, {"alertname", "X"}, {"quote", "a\"b\\c\nd"}};
  const std::string text = EncodeLabels(l);
  EXPECT_EQ(text, R"({"alertname":"X","quote":"a\"b\\c\nd","severity":"page"})");
  EXPECT_EQ(DecodeLabels(text).value(), l);
  EXPECT_EQ(EncodeLabels(Labels{}), "{}");
}

// The fast encoder writes exactly what nlohmann's serializer writes, for every byte.
TEST(CodecTest, EncodingMatchesNlohmann) {
  std::string all_bytes;
  for (int c = 1; c < 128; ++c) all_bytes += static_cast<char>(c);
  const std::vector<std::string> values = {
      "", "plain", "tab\there", "\x01\x1f\x7f", "\u00e9t\u00e9 \U0001f600", all_bytes, "a/b"};
  for (const auto& v : values) {
    nlohmann::json expected = nlohmann::json::object();
    expected["k"] = v;
    if (!v.empty()) {  // Labels drop empty values
      EXPECT_EQ(EncodeLabels(Labels{{"k", v}}), expected.dump()) << v;
    }
    EXPECT_EQ(EncodeStrings({v, v}), nlohmann::json(std::vector<std::string>{v, v}).dump()) << v;
  }
}

TEST(CodecTest, InvalidUtf8InLabelsDoesNotFailTheWrite) {
  Labels l{{"a", std::string("x\xff"
                             "y")}};
  const std::string text = EncodeLabels(l);
  auto back = DecodeLabels(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->get("a"), "x\xEF\xBF\xBDy");  // U+FFFD
}

TEST(CodecTest, DamagedValuesAreErrorsNotCrashes) {
  EXPECT_FALSE(DecodeLabels("{").ok());
  EXPECT_FALSE(DecodeLabels("[]").ok());
  EXPECT_FALSE(DecodeLabels(R"({"a":1})").ok());
  EXPECT_FALSE(DecodeStrings(R"(["a",2])").ok());
  EXPECT_FALSE(DecodeFingerprints(R"(["xyz"])").ok());
  EXPECT_FALSE(DecodeFingerprints(R"(["12345678901234567"])").ok());
  EXPECT_FALSE(DecodeSilenceMatchers(R"([{"name":"a"}])").ok());
  EXPECT_FALSE(DecodeSilenceMatchers(R"({})").ok());
}

TEST(CodecTest, FingerprintsAreSixteenHexDigits) {
  EXPECT_EQ(FingerprintHex(0x1a), "000000000000001a");
  EXPECT_EQ(ParseFingerprintHex("ffffffffffffffff").value(), 0xffffffffffffffffULL);
  std::vector<uint64_t> fps{0, 0xdeadbeefULL, 0xffffffffffffffffULL};
  EXPECT_EQ(DecodeFingerprints(EncodeFingerprints(fps)).value(), fps);
  EXPECT_TRUE(DecodeFingerprints("").value().empty());
}

TEST(CodecTest, SilenceMatchersUseTheApiV2Shape) {
  std::vector<SilenceMatcher> m{{"job", "api|web", true, false}};
  const std::string text = EncodeSilenceMatchers(m);
  EXPECT_EQ(text, R"([{"isEqual":false,"isRegex":true,"name":"job","value":"api|web"}])");
  EXPECT_EQ(DecodeSilenceMatchers(text).value(), m);
  // Fields a client left out take Alertmanager's defaults; wrong types do not throw.
  auto d = DecodeSilenceMatchers(R"([{"name":"a","value":"b","isRegex":"yes"}])");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE((*d)[0].is_regex);
  EXPECT_TRUE((*d)[0].is_equal);
}

}  // namespace
}  // namespace tocsin::sqlite
