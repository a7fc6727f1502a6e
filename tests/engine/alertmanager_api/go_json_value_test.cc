#include "engine/alertmanager_api/go_json_value.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "engine/alertmanager_api/api_models.h"

namespace tocsin::alertmanager_api::internal {
namespace {

using Kind = GoJsonValue::Kind;

TEST(GoJsonValueTest, FirstValueOnly) {
  struct Case {
    std::string body;
    size_t end;
  };
  for (const Case& c : std::vector<Case>{
           {"[]", 2},
           {"  [1, 2]  trailing", 8},
           {"{\"a\":{\"b\":[true,false,null]}}]]", 29},
           {"42", 2},
           {"0123", 1},  // Go's decoder stops after the 0
           {"\"x\"y", 3},
           {"-1.5e+3,", 7},
           {"null", 4},
       }) {
    GoJsonValue v = ReadGoJsonValue(c.body);
    EXPECT_EQ(v.kind, Kind::kValue) << c.body << ": " << v.message;
    EXPECT_EQ(v.end, c.end) << c.body;
  }
  EXPECT_EQ(ReadGoJsonValue("").kind, Kind::kEmpty);
  EXPECT_EQ(ReadGoJsonValue(" \t\r\n").kind, Kind::kEmpty);
}

TEST(GoJsonValueTest, GoScannerMessages) {
  struct Case {
    std::string body, message;
  };
  for (const Case& c : std::vector<Case>{
           {"[", "unexpected EOF"},
           {"{\"a\":", "unexpected EOF"},
           {"\"abc", "unexpected EOF"},
           {"-", "unexpected EOF"},
           {"tru", "unexpected EOF"},
           {"[{]", "invalid character ']' looking for beginning of object key string"},
           {"[1,]", "invalid character ']' looking for beginning of value"},
           {"{\"a\" 1}", "invalid character '1' after object key"},
           {"{\"a\":1 \"b\"}", "invalid character '\"' after object key:value pair"},
           {"[1 2]", "invalid character '2' after array element"},
           {"[01]", "invalid character '1' after array element"},
           {"x", "invalid character 'x' looking for beginning of value"},
           {"'a'", "invalid character '\\'' looking for beginning of value"},
           {"[tx]", "invalid character 'x' in literal true (expecting 'r')"},
           {"nul!", "invalid character '!' in literal null (expecting 'l')"},
           {"[-a]", "invalid character 'a' in numeric literal"},
           {"[1.]", "invalid character ']' after decimal point in numeric literal"},
           {"[1e]", "invalid character ']' in exponent of numeric literal"},
           {"[1e+x]", "invalid character 'x' in exponent of numeric literal"},
           {"\"a\\x\"", "invalid character 'x' in string escape code"},
           {"\"\\u12g4\"", "invalid character 'g' in \\u hexadecimal character escape"},
           {std::string("\"a\nb\""), "invalid character '\\n' in string literal"},
           {std::string("\"a\x01") + "\"", "invalid character '\\x01' in string literal"},
           {"\x7f", "invalid character '\\x7f' looking for beginning of value"},
           {"\xe9", "invalid character '\xc3\xa9' looking for beginning of value"},
           {"\x85", "invalid character '\\u0085' looking for beginning of value"},
           {std::string(10001, '['), "exceeded max depth"},
       }) {
    GoJsonValue v = ReadGoJsonValue(c.body);
    EXPECT_EQ(v.kind, Kind::kError) << c.body;
    EXPECT_EQ(v.message, c.message) << c.body;
  }
  // Deep but within Go's limit, and cut short: not an error about depth.
  EXPECT_EQ(ReadGoJsonValue(std::string(10000, '[')).message, "unexpected EOF");
  EXPECT_EQ(ReadGoJsonValue(std::string(200000, '[')).message, "exceeded max depth");
}

TEST(GoJsonValueTest, InvalidStringTextBecomesReplacementCharacters) {
  struct Case {
    std::string in;
    std::optional<std::string> out;
  };
  for (const Case& c : std::vector<Case>{
           {R"(["plain","\u00e9\ud83d\ude00","\n"])", std::nullopt},
           {"[\"caf\xc3\xa9\"]", std::nullopt},
           {"[\"a\xff" "b\"]", R"(["a\ufffdb"])"},
           {"[\"\xed\xa0\x80\"]", R"(["\ufffd\ufffd\ufffd"])"},  // a surrogate in UTF-8
           {"[\"\xc0\xaf\"]", R"(["\ufffd\ufffd"])"},            // overlong
           {R"(["\ud800"])", R"(["\ufffd"])"},
           {R"(["\udc00x"])", R"(["\ufffdx"])"},
           {R"(["\ud800\u0041"])", R"(["\ufffd\u0041"])"},
           {R"({"\ud800":"\ud800\ud800\udc00"})", R"({"\ufffd":"\ufffd\ud800\udc00"})"},
           {"[1,\"\\\"\xff\"]", "[1,\"\\\"\\ufffd\"]"},
       }) {
    EXPECT_EQ(ReplaceInvalidStringText(c.in), c.out) << c.in;
  }
}

// The decoders of POST bodies answer as go-openapi does (texts taken from Alertmanager's
// answers to the same bodies).
TEST(GoJsonValueTest, PostBodiesReadAsGoOpenApiReadsThem) {
  const std::string because = "parsing alerts body from \"\" failed, because ";
  struct Case {
    std::string body;
    int status;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"", 422, "alerts in body is required"},
           {"  \n", 422, "alerts in body is required"},
           {"[", 400, because + "unexpected EOF"},
           {"[{]", 400,
            because + "invalid character ']' looking for beginning of object key string"},
           {R"([{"labels":["a","x"]}])", 400,
            because + "json: cannot unmarshal array into Go struct field Alert.labels of type "
                      "models.LabelSet"},
           {R"([{"labels":{"alertname":1}}])", 400,
            because + "json: cannot unmarshal number into Go struct field Alert.labels of type "
                      "string"},
           {R"([{"labels":{"a":"x"},"annotations":{"a":true}}])", 400,
            because + "json: cannot unmarshal bool into Go struct field .annotations of type "
                      "string"},
           {R"([{"labels":{"a":"x"},"annotations":[]}])", 400,
            because + "json: cannot unmarshal array into Go struct field .annotations of type "
                      "models.LabelSet"},
           {R"([{"labels":{"a":"x"},"generatorURL":5}])", 400,
            because + "json: cannot unmarshal number into Go struct field Alert.generatorURL of "
                      "type string"},
           {R"([{"labels":{"a":"x"},"startsAt":1714564800}])", 400,
            because + "json: cannot unmarshal number into Go struct field .startsAt of type "
                      "string"},
           // The first decoding pass (annotations, times) reports before the second (labels).
           {R"([{"labels":5,"endsAt":{}}])", 400,
            because + "json: cannot unmarshal object into Go struct field .endsAt of type "
                      "string"},
           // The first alert that fails wins.
           {R"([{"labels":{"a":"x"},"generatorURL":5},{"labels":{"a":"x"},"startsAt":1}])", 400,
            because + "json: cannot unmarshal number into Go struct field Alert.generatorURL of "
                      "type string"},
       }) {
    auto d = DecodePostableAlerts(c.body);
    ASSERT_TRUE(d.error) << c.body;
    EXPECT_EQ(d.error->http_status, c.status) << c.body;
    EXPECT_EQ(d.error->message, c.message) << c.body;
  }
  auto trailing = DecodePostableAlerts(R"([{"labels":{"a":"b"}}]]] trailing)");
  ASSERT_FALSE(trailing.error) << trailing.error->message;
  EXPECT_EQ(trailing.value.size(), 1u);

  auto silence = DecodePostableSilence("{\"comment\":");
  ASSERT_TRUE(silence.error);
  EXPECT_EQ(silence.error->message,
            "parsing silence body from \"\" failed, because unexpected EOF");
}

}  // namespace
}  // namespace tocsin::alertmanager_api::internal
