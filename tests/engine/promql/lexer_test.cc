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

#include <map>

#include "storage/base/strings.h"
#include "tests/engine/promql/test_data.h"

namespace tocsin::promql {
namespace {

// Upstream's token names, as the test data spells them.
const std::map<std::string, TokenType>& TokenNames() {
  static const std::map<std::string, TokenType> names = {
      {"EOF", T::kEof},
      {"ERROR", T::kError},
      {"COMMENT", T::kComment},
      {"IDENTIFIER", T::kIdentifier},
      {"METRIC_IDENTIFIER", T::kMetricIdentifier},
      {"NUMBER", T::kNumber},
      {"DURATION", T::kDuration},
      {"STRING", T::kString},
      {"LEFT_PAREN", T::kLeftParen},
      {"RIGHT_PAREN", T::kRightParen},
      {"LEFT_BRACE", T::kLeftBrace},
      {"RIGHT_BRACE", T::kRightBrace},
      {"LEFT_BRACKET", T::kLeftBracket},
      {"RIGHT_BRACKET", T::kRightBracket},
      {"COMMA", T::kComma},
      {"EQL", T::kEql},
      {"COLON", T::kColon},
      {"SEMICOLON", T::kSemicolon},
      {"BLANK", T::kBlank},
      {"TIMES", T::kTimes},
      {"SPACE", T::kSpace},
      {"OPEN_HIST", T::kOpenHist},
      {"CLOSE_HIST", T::kCloseHist},
      {"SUM_DESC", T::kHistDescriptor},
      {"COUNT_DESC", T::kHistDescriptor},
      {"SCHEMA_DESC", T::kHistDescriptor},
      {"OFFSET_DESC", T::kHistDescriptor},
      {"NEGATIVE_OFFSET_DESC", T::kHistDescriptor},
      {"BUCKETS_DESC", T::kHistDescriptor},
      {"NEGATIVE_BUCKETS_DESC", T::kHistDescriptor},
      {"ZERO_BUCKET_DESC", T::kHistDescriptor},
      {"ZERO_BUCKET_WIDTH_DESC", T::kHistDescriptor},
      {"CUSTOM_VALUES_DESC", T::kHistDescriptor},
      {"COUNTER_RESET_HINT_DESC", T::kHistDescriptor},
      {"UNKNOWN_COUNTER_RESET", T::kCounterResetHint},
      {"COUNTER_RESET", T::kCounterResetHint},
      {"NOT_COUNTER_RESET", T::kCounterResetHint},
      {"GAUGE_TYPE", T::kCounterResetHint},
      {"ADD", T::kAdd},
      {"SUB", T::kSub},
      {"MUL", T::kMul},
      {"DIV", T::kDiv},
      {"MOD", T::kMod},
      {"POW", T::kPow},
      {"EQLC", T::kEqlc},
      {"NEQ", T::kNeq},
      {"LSS", T::kLss},
      {"LTE", T::kLte},
      {"GTR", T::kGtr},
      {"GTE", T::kGte},
      {"TRIM_UPPER", T::kTrimUpper},
      {"TRIM_LOWER", T::kTrimLower},
      {"EQL_REGEX", T::kEqlRegex},
      {"NEQ_REGEX", T::kNeqRegex},
      {"LAND", T::kLand},
      {"LOR", T::kLor},
      {"LUNLESS", T::kLunless},
      {"AT", T::kAt},
      {"ATAN2", T::kAtan2},
      {"SUM", T::kSum},
      {"AVG", T::kAvg},
      {"COUNT", T::kCount},
      {"MIN", T::kMin},
      {"MAX", T::kMax},
      {"GROUP", T::kGroup},
      {"STDDEV", T::kStddev},
      {"STDVAR", T::kStdvar},
      {"TOPK", T::kTopk},
      {"BOTTOMK", T::kBottomk},
      {"COUNT_VALUES", T::kCountValues},
      {"QUANTILE", T::kQuantile},
      {"LIMITK", T::kLimitK},
      {"LIMIT_RATIO", T::kLimitRatio},
      {"BOOL", T::kBool},
      {"BY", T::kBy},
      {"GROUP_LEFT", T::kGroupLeft},
      {"GROUP_RIGHT", T::kGroupRight},
      {"FILL", T::kFill},
      {"FILL_LEFT", T::kFillLeft},
      {"FILL_RIGHT", T::kFillRight},
      {"IGNORING", T::kIgnoring},
      {"OFFSET", T::kOffset},
      {"SMOOTHED", T::kSmoothed},
      {"ANCHORED", T::kAnchored},
      {"ON", T::kOn},
      {"WITHOUT", T::kWithout},
      {"START", T::kStart},
      {"END", T::kEnd},
      {"STEP", T::kStep},
      {"RANGE", T::kRange},
      {"MAX_OF", T::kMaxOf},
      {"MIN_OF", T::kMinOf},
  };
  return names;
}

std::string Render(TokenType type, int pos, std::string_view text) {
  std::string name = "?";
  for (const auto& [n, t] : TokenNames()) {
    if (t == type) name = n;  // several upstream names share a type; any one will do
  }
  return name + " " + std::to_string(pos) + " " + GoQuote(text);
}

// Upstream's lexer test table (lex_test.go), as data.
TEST(LexerTest, UpstreamCases) {
  const auto cases = testing::ReadTestData("lex_cases.txt");
  ASSERT_GT(cases.size(), 150u);
  for (const auto& c : cases) {
    const std::string& input = c.fields[0];
    Lexer lexer(input, c.fields[1] == "series");
    std::vector<std::string> got;
    bool failed = false;
    for (;;) {
      const Token t = lexer.Next();
      if (t.type == T::kEof) break;
      got.push_back(Render(t.type, t.pos, t.text));
      if (t.type == T::kError) {
        failed = true;
        break;
      }
    }
    if (c.fields.size() == 3 && c.fields[2] == "FAIL") {
      EXPECT_TRUE(failed) << "line " << c.line << ": " << input;
      continue;
    }
    std::vector<std::string> want;
    for (size_t i = 2; i < c.fields.size(); ++i) {
      if (c.fields[i].empty()) continue;
      // TYPE pos "text": normalise the type through the shared table, keep the rest.
      const size_t sp = c.fields[i].find(' ');
      const size_t sp2 = c.fields[i].find(' ', sp + 1);
      const auto type = TokenNames().find(c.fields[i].substr(0, sp));
      ASSERT_NE(type, TokenNames().end()) << c.fields[i];
      auto text = UnquoteString(c.fields[i].substr(sp2 + 1));
      ASSERT_TRUE(text.ok()) << c.fields[i];
      want.push_back(Render(type->second, std::stoi(c.fields[i].substr(sp + 1)), *text));
      // Upstream's lexer goes on after some errors; ours stops at the first.
      if (type->second == T::kError) break;
    }
    EXPECT_EQ(got, want) << "line " << c.line << ": " << input;
  }
}

}  // namespace
}  // namespace tocsin::promql
