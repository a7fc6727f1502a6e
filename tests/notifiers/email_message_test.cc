#include "notifiers/email_message.h"

#include <gtest/gtest.h>

#include "storage/base/strings.h"

namespace tocsin::notifiers {
namespace {

TEST(AddressListTest, ParsesCommonForms) {
  auto one = ParseAddressList("ops@example.com");
  ASSERT_TRUE(one.ok()) << one.message();
  EXPECT_EQ(*one, (std::vector<MailAddress>{{"", "ops@example.com"}}));

  auto many = ParseAddressList(
      R"(Ops Team <ops@example.com>, "Doe, John" <jd@example.org>,<x@y.z> ,  plain@host)");
  ASSERT_TRUE(many.ok()) << many.message();
  EXPECT_EQ(*many, (std::vector<MailAddress>{{"Ops Team", "ops@example.com"},
                                             {"Doe, John", "jd@example.org"},
                                             {"", "x@y.z"},
                                             {"", "plain@host"}}));

  auto quoted = ParseAddressList(R"("odd local"@example.com, J. R. <jr@[127.0.0.1]>)");
  ASSERT_TRUE(quoted.ok()) << quoted.message();
  EXPECT_EQ((*quoted)[0].address, R"("odd local"@example.com)");
  EXPECT_EQ((*quoted)[1], (MailAddress{"J. R.", "jr@[127.0.0.1]"}));

  auto utf8 = ParseAddressList(
      "J\xc3\xb6rg <j\xc3\xb6rg@b\xc3\xbc"
      "ro.example>");
  ASSERT_TRUE(utf8.ok()) << utf8.message();
  EXPECT_EQ((*utf8)[0].name, "J\xc3\xb6rg");
}

TEST(AddressListTest, RejectsInjectionAndMalformedInput) {
  for (std::string_view bad : std::initializer_list<std::string_view>{
           "",
           "   ",
           "ops@example.com\r\nRCPT TO:<victim@evil.example>",
           "ops@example.com\nvictim@evil.example",
           "Ops\r\nBcc: victim@evil.example <ops@example.com>",
           std::string_view("ops@example.com\x00victim@evil.example", 35),
           "no-at-sign",
           "a@b c@d",
           "<a@b",
           "a@",
           "@b",
           "a..b@c",
           ".a@c",
           "a@b..c",
           "Ops <ops@example.com",
           "\"unterminated <a@b>",
           "a@b,",
           ",a@b",
           "a@b (comment)",
       }) {
    EXPECT_FALSE(ParseAddressList(bad).ok()) << GoQuote(bad);
  }
  auto r = ParseAddressList("ops@example.com\r\nBcc: x@y");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("control character"), std::string::npos) << r.message();
}

TEST(AddressListTest, FormatsSafely) {
  EXPECT_EQ(FormatAddress({"", "a@b"}), "<a@b>");
  EXPECT_EQ(FormatAddress({"Ops Team", "a@b"}), "\"Ops Team\" <a@b>");
  EXPECT_EQ(FormatAddress({"Say \"hi\"", "a@b"}), R"("Say \"hi\"" <a@b>)");
  EXPECT_EQ(FormatAddress({"J\xc3\xb6rg", "j@x"}), "=?utf-8?b?SsO2cmc=?= <j@x>");
  EXPECT_EQ(FormatAddress({"=?utf-8?q?J=C3=B6rg?=", "j@x"}), "=?utf-8?q?J=C3=B6rg?= <j@x>");
  EXPECT_EQ(FormatAddress({"a\r\nBcc: e@x", "j@x"}), "\"a Bcc: e@x\" <j@x>");
}

TEST(HeaderTest, NamesAreValidatedAndCanonicalised) {
  EXPECT_TRUE(IsValidHeaderName("Subject"));
  EXPECT_TRUE(IsValidHeaderName("X-Alert-ID"));
  EXPECT_FALSE(IsValidHeaderName(""));
  EXPECT_FALSE(IsValidHeaderName("Bad Name"));
  EXPECT_FALSE(IsValidHeaderName("Bad:Name"));
  EXPECT_FALSE(IsValidHeaderName("X-A\r\nBcc"));
  EXPECT_FALSE(IsValidHeaderName("X-\xc3\xa9"));
  EXPECT_EQ(CanonicalHeaderName("message-id"), "Message-Id");
  EXPECT_EQ(CanonicalHeaderName("X-FOO-bar"), "X-Foo-Bar");
  EXPECT_EQ(CanonicalHeaderName("reply-to"), "Reply-To");
  EXPECT_TRUE(IsAddressHeader("Reply-To"));
  EXPECT_FALSE(IsAddressHeader("Subject"));
}

TEST(HeaderTest, ValuesNeverCarryLineBreaks) {
  EXPECT_EQ(EncodeHeaderValue("[FIRING:1] HighLatency"), "[FIRING:1] HighLatency");
  EXPECT_EQ(EncodeHeaderValue("alert\r\nBcc: victim@evil.example"),
            "alert Bcc: victim@evil.example");
  EXPECT_EQ(EncodeHeaderValue("a\nb\rc\td\x01"), "a b c d ");
  EXPECT_EQ(EncodeHeaderValue("Gr\xc3\xb6\xc3\x9f"
                              "e ok"),
            "=?utf-8?q?Gr=C3=B6=C3=9Fe_ok?=");
  EXPECT_EQ(EncodeHeaderValue("a=b?c_d"), "a=b?c_d");
  EXPECT_EQ(QEncodeWords("a=b?c_d", " "), "=?utf-8?q?a=3Db=3Fc=5Fd?=");

  std::string long_text;
  for (int i = 0; i < 40; ++i) long_text += "\xe2\x9c\x93 ";  // ✓ and a space, 40 times
  std::string encoded = EncodeHeaderValue(long_text);
  size_t start = 0;
  int words = 0;
  for (;;) {
    size_t end = encoded.find("\r\n ", start);
    std::string_view word = std::string_view(encoded).substr(
        start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(word.size(), 75u);
    EXPECT_TRUE(word.starts_with("=?utf-8?q?") && word.ends_with("?=")) << word;
    ++words;
    if (end == std::string::npos) break;
    start = end + 3;
  }
  EXPECT_GT(words, 1);
  // Only folding line breaks (CRLF followed by a space) appear.
  for (size_t i = encoded.find('\n'); i != std::string::npos; i = encoded.find('\n', i + 1)) {
    ASSERT_GT(i, 0u);
    EXPECT_EQ(encoded[i - 1], '\r');
    EXPECT_EQ(encoded[i + 1], ' ');
  }
}

TEST(QuotedPrintableTest, EncodesPerRfc2045) {
  EXPECT_EQ(QuotedPrintable("plain text"), "plain text");
  EXPECT_EQ(QuotedPrintable("a=b"), "a=3Db");
  EXPECT_EQ(QuotedPrintable("caf\xc3\xa9"), "caf=C3=A9");
  EXPECT_EQ(QuotedPrintable("trailing \nspace\t\r\nend "), "trailing=20\r\nspace=09\r\nend=20");
  EXPECT_EQ(QuotedPrintable("a\rb\r\nc\n"), "a\r\nb\r\nc\r\n");
  EXPECT_EQ(QuotedPrintable(".dot\nFrom x"), ".dot\r\nFrom x");

  std::string long_line(100, 'a');
  std::string qp = QuotedPrintable(long_line);
  EXPECT_EQ(qp, std::string(75, 'a') + "=\r\n" + std::string(25, 'a'));
  // An escape is never split by a soft break: every "=" but a final one starts "=XX".
  std::string escapes;
  for (int i = 0; i < 30; ++i) escapes += "\xc3\xa9";
  std::string encoded = QuotedPrintable(escapes);
  size_t pos = 0;
  while (pos < encoded.size()) {
    size_t end = encoded.find("\r\n", pos);
    std::string line =
        encoded.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    EXPECT_LE(line.size(), 76u);
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '=') continue;
      if (i + 1 == line.size()) break;  // soft break
      ASSERT_LE(i + 3, line.size()) << line;
      EXPECT_TRUE(std::isxdigit(line[i + 1]) && std::isxdigit(line[i + 2])) << line;
      i += 2;
    }
    if (end == std::string::npos) break;
    pos = end + 2;
  }
}

TEST(MimeTest, BuildsMultipartAlternativeTextThenHtml) {
  std::string m = BuildMimeMessage({{"Subject", "s"}, {"To", "<a@b>"}},
                                   MimeBody{"hello\n", "<p>hi=</p>"}, "BOUNDARY");
  EXPECT_EQ(m,
            "Subject: s\r\n"
            "To: <a@b>\r\n"
            "Content-Type: multipart/alternative; boundary=BOUNDARY\r\n"
            "MIME-Version: 1.0\r\n"
            "\r\n"
            "--BOUNDARY\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "Content-Type: text/plain; charset=UTF-8\r\n"
            "\r\n"
            "hello\r\n"
            "\r\n--BOUNDARY\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "Content-Type: text/html; charset=UTF-8\r\n"
            "\r\n"
            "<p>hi=3D</p>"
            "\r\n--BOUNDARY--\r\n");
  std::string html_only = BuildMimeMessage({}, MimeBody{"", "<b>x</b>"}, "B");
  EXPECT_EQ(html_only.find("text/plain"), std::string::npos);
  EXPECT_EQ(RandomBoundary().size(), 60u);
  EXPECT_NE(RandomBoundary(), RandomBoundary());
}

}  // namespace
}  // namespace tocsin::notifiers
