#include "engine/promql/lexer.h"

#include <gtest/gtest.h>

namespace tocsin::promql {
namespace {

using T = TokenType;

struct Lexed {
  std::vector<Token> tokens;
  std::string error;
};

std::vector<std::pair<T, std::string>> Lex(std::string_view input, bool series = false) {
  std::string error;
  std::vector<std::pair<T, std::string>> out;
  for (const Token& t : Lexer::Tokenize(input, series, &error)) {
    if (t.type == T::kEof) break;
    out.emplace_back(t.type, std::string(t.text));
  }
  return out;
}

using V = std::vector<std::pair<T, std::string>>;

TEST(LexerTest, Numbers) {
  for (const char* n : {"1", "4.23", ".3", "5.", "0x1F", "0X_1FF", "1e3", "1E-3", "1_000",
                        "1_000.5_5", "Inf", "nAn", "007"}) {
    EXPECT_EQ(Lex(n), (V{{T::kNumber, n}})) << n;
  }
  EXPECT_EQ(Lex("-1"), (V{{T::kSub, "-"}, {T::kNumber, "1"}}));
  for (const char* bad : {"1_", "1__0", "1._5", "1e", "1e_5", "0x1.5", "2.5.", "1a", "0o17"}) {
    auto v = Lex(bad);
    ASSERT_FALSE(v.empty());
    EXPECT_EQ(v.back().first, T::kError) << bad;
  }
}

TEST(LexerTest, Durations) {
  for (const char* d : {"5s", "5m", "1h30m", "5y", "1w2d", "100ms", "1m500ms"}) {
    EXPECT_EQ(Lex(d), (V{{T::kDuration, d}})) << d;
  }
  // The lexer accepts any ordering; the parser checks it.
  EXPECT_EQ(Lex("5m1h"), (V{{T::kDuration, "5m1h"}}));
  EXPECT_EQ(Lex("5mm").back().first, T::kError);
}

TEST(LexerTest, StringsAndEscapes) {
  for (const char* s : {R"("abc")", R"('abc')", "`a\\nb`", R"("\a\b\f\n\r\t\v\\\"")",
                        R"("\x41\101\u00e4\U0001F600")", R"('it\'s')", "\"日本\""}) {
    EXPECT_EQ(Lex(s), (V{{T::kString, s}})) << s;
  }
  std::string error;
  auto bad = Lexer::Tokenize(R"("\q")", false, &error);
  EXPECT_EQ(error, "unknown escape sequence U+0071 'q'");
  Lexer::Tokenize(R"("\xZZ")", false, &error);
  EXPECT_EQ(error, "illegal character U+005A 'Z' in escape sequence");
  Lexer::Tokenize(R"("\uD800")", false, &error);
  EXPECT_EQ(error, "escape sequence is an invalid Unicode code point");
  Lexer::Tokenize("\"abc", false, &error);
  EXPECT_EQ(error, "unterminated quoted string");
  Lexer::Tokenize("\"a\nb\"", false, &error);
  EXPECT_EQ(error, "unterminated quoted string");
  Lexer::Tokenize("`abc", false, &error);
  EXPECT_EQ(error, "unterminated raw string");
  Lexer::Tokenize("\"a\xff\"", false, &error);
  EXPECT_EQ(error, "invalid UTF-8 rune");
}

TEST(LexerTest, OperatorsAndKeywords) {
  EXPECT_EQ(Lex("a and b OR c unless d"), (V{{T::kIdentifier, "a"},
                                             {T::kLand, "and"},
                                             {T::kIdentifier, "b"},
                                             {T::kLor, "OR"},
                                             {T::kIdentifier, "c"},
                                             {T::kLunless, "unless"},
                                             {T::kIdentifier, "d"}}));
  EXPECT_EQ(Lex("== != <= >= < > </ >/ ^ % @"), (V{{T::kEqlc, "=="},
                                                   {T::kNeq, "!="},
                                                   {T::kLte, "<="},
                                                   {T::kGte, ">="},
                                                   {T::kLss, "<"},
                                                   {T::kGtr, ">"},
                                                   {T::kTrimUpper, "</"},
                                                   {T::kTrimLower, ">/"},
                                                   {T::kPow, "^"},
                                                   {T::kMod, "%"},
                                                   {T::kAt, "@"}}));
  EXPECT_EQ(Lex("SUM BY Without group_left atan2"), (V{{T::kSum, "SUM"},
                                                       {T::kBy, "BY"},
                                                       {T::kWithout, "Without"},
                                                       {T::kGroupLeft, "group_left"},
                                                       {T::kAtan2, "atan2"}}));
  EXPECT_EQ(Lex("job:rate5m:sum"), (V{{T::kMetricIdentifier, "job:rate5m:sum"}}));
  EXPECT_EQ(Lex("fill (1) fill"), (V{{T::kFill, "fill"},
                                     {T::kLeftParen, "("},
                                     {T::kNumber, "1"},
                                     {T::kRightParen, ")"},
                                     {T::kIdentifier, "fill"}}));
}

TEST(LexerTest, InsideBracesKeywordsAreIdentifiers) {
  EXPECT_EQ(Lex(R"({by="x", on!~'y'})"), (V{{T::kLeftBrace, "{"},
                                            {T::kIdentifier, "by"},
                                            {T::kEql, "="},
                                            {T::kString, "\"x\""},
                                            {T::kComma, ","},
                                            {T::kIdentifier, "on"},
                                            {T::kNeqRegex, "!~"},
                                            {T::kString, "'y'"},
                                            {T::kRightBrace, "}"}}));
}

TEST(LexerTest, DurationExpressionsInBrackets) {
  EXPECT_EQ(Lex("x[5m*2:STEP()]"), (V{{T::kIdentifier, "x"},
                                      {T::kLeftBracket, "["},
                                      {T::kDuration, "5m"},
                                      {T::kMul, "*"},
                                      {T::kNumber, "2"},
                                      {T::kColon, ":"},
                                      {T::kStep, "STEP"},
                                      {T::kLeftParen, "("},
                                      {T::kRightParen, ")"},
                                      {T::kRightBracket, "]"}}));
  std::string error;
  Lexer::Tokenize("x[5m x 5m]", false, &error);
  EXPECT_EQ(error, "unexpected character: 'x', expected ':'");
  Lexer::Tokenize("x[\"5m\"]", false, &error);
  EXPECT_EQ(error, "unexpected character in duration expression: '\"'");
}

TEST(LexerTest, Comments) {
  EXPECT_EQ(Lex("foo # a comment\n+ bar"),
            (V{{T::kIdentifier, "foo"}, {T::kAdd, "+"}, {T::kIdentifier, "bar"}}));
}

TEST(LexerTest, SeriesDescriptions) {
  EXPECT_EQ(
      Lex("a{b=\"c\"} 1+2x3 _x2 stale -Inf", true),
      (V{{T::kIdentifier, "a"}, {T::kLeftBrace, "{"},      {T::kIdentifier, "b"}, {T::kEql, "="},
         {T::kString, "\"c\""}, {T::kRightBrace, "}"},     {T::kSpace, " "},      {T::kNumber, "1"},
         {T::kAdd, "+"},        {T::kNumber, "2"},         {T::kTimes, "x"},      {T::kNumber, "3"},
         {T::kSpace, " "},      {T::kBlank, "_"},          {T::kTimes, "x"},      {T::kNumber, "2"},
         {T::kSpace, " "},      {T::kIdentifier, "stale"}, {T::kSpace, " "},      {T::kSub, "-"},
         {T::kNumber, "Inf"}}));
  EXPECT_EQ(Lex("m {{sum:-1 buckets:[1 -2]}}x1", true), (V{{T::kIdentifier, "m"},
                                                           {T::kSpace, " "},
                                                           {T::kOpenHist, "{{"},
                                                           {T::kHistDescriptor, "sum"},
                                                           {T::kColon, ":"},
                                                           {T::kSub, "-"},
                                                           {T::kNumber, "1"},
                                                           {T::kSpace, " "},
                                                           {T::kHistDescriptor, "buckets"},
                                                           {T::kColon, ":"},
                                                           {T::kLeftBracket, "["},
                                                           {T::kNumber, "1"},
                                                           {T::kSpace, " "},
                                                           {T::kSub, "-"},
                                                           {T::kNumber, "2"},
                                                           {T::kRightBracket, "]"},
                                                           {T::kCloseHist, "}}"},
                                                           {T::kTimes, "x"},
                                                           {T::kNumber, "1"}}));
}

TEST(LexerTest, DescribeToken) {
  EXPECT_EQ(DescribeToken({T::kEof, 0, ""}), "end of input");
  EXPECT_EQ(DescribeToken({T::kIdentifier, 0, "foo"}), "identifier \"foo\"");
  EXPECT_EQ(DescribeToken({T::kAdd, 0, "+"}), "<op:+>");
  EXPECT_EQ(DescribeToken({T::kSum, 0, "sum"}), "<aggr:sum>");
  EXPECT_EQ(DescribeToken({T::kBy, 0, "by"}), "<by>");
  EXPECT_EQ(DescribeToken({T::kRightParen, 0, ")"}), "\")\"");
  EXPECT_EQ(DescribeToken({T::kString, 0, "\"0123456789abc\""}), "string \"\\\"012345678\"...");
}

}  // namespace
}  // namespace tocsin::promql
