// The PromQL lexer: turns query text (or a series description of the test notation) into
// tokens.
//
// The lexer is modal, as Prometheus's is: inside `{...}` keywords are plain identifiers; inside
// `[...]` only durations, numbers, arithmetic and the duration functions are allowed; in a series
// description (`load` lines) `x`, `_` and `{{...}}` native-histogram descriptions are tokens.
// Because the modes depend only on the text, the parser can lex ahead freely.
//
// A lexing error is returned as a token of type kError whose `text` is the message; the lexer
// produces nothing after it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::promql {

enum class TokenType : uint8_t {
  kEof,
  kError,
  kComment,
  kIdentifier,
  kMetricIdentifier,
  kNumber,
  kDuration,
  kString,
  // Punctuation.
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kEql,  // `=` in matchers
  kColon,
  kSemicolon,
  // Series descriptions only.
  kBlank,  // `_`
  kTimes,  // `x`
  kSpace,
  kOpenHist,          // `{{`
  kCloseHist,         // `}}`
  kHistDescriptor,    // `sum`, `buckets`, ... inside `{{...}}` (the key is the text)
  kCounterResetHint,  // `unknown`, `reset`, `not_reset`, `gauge`

  // Operators.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqlc,  // `==`
  kNeq,
  kLss,
  kLte,
  kGtr,
  kGte,
  kTrimUpper,  // `</`
  kTrimLower,  // `>/`
  kEqlRegex,
  kNeqRegex,
  kLand,
  kLor,
  kLunless,
  kAt,
  kAtan2,

  // Aggregators.
  kSum,
  kAvg,
  kCount,
  kMin,
  kMax,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kCountValues,
  kQuantile,
  kLimitK,
  kLimitRatio,

  // Keywords.
  kBool,
  kBy,
  kGroupLeft,
  kGroupRight,
  kFill,
  kFillLeft,
  kFillRight,
  kIgnoring,
  kOffset,
  kSmoothed,
  kAnchored,
  kOn,
  kWithout,

  // Pre-processors (function-like keywords).
  kStart,
  kEnd,
  kStep,
  kRange,
  kMaxOf,
  kMinOf,
};

bool IsOperatorToken(TokenType t);
bool IsAggregatorToken(TokenType t);
bool IsKeywordToken(TokenType t);

struct Token {
  TokenType type = TokenType::kEof;
  int pos = 0;            // byte offset of the first character
  std::string_view text;  // the characters; for kError, the message (owned by the Lexer)

  int end() const { return pos + static_cast<int>(text.size()); }
};

// How a token is named in "unexpected ..." messages, as Prometheus names it:
// `end of input`, `identifier "foo"`, `<op:+>`, `<aggr:sum>`, `<by>`, `"("`, `number "1"`.
std::string DescribeToken(const Token& t);

class Lexer {
 public:
  explicit Lexer(std::string_view input, bool series_desc = false);

  // The next token, comments included. After kEof or kError, returns kEof forever.
  Token Next();

  // Lexes everything up to and including kEof or kError, dropping comments. A kError token's
  // text is stored in *error_message, which must outlive the tokens.
  static std::vector<Token> Tokenize(std::string_view input, bool series_desc,
                                     std::string* error_message);

 private:
  enum class Mode : uint8_t {
    kStatements,
    kInsideBraces,
    kDurationExpr,   // right after `[`, until the first duration, number or keyword
    kValueSequence,  // series description values
    kHistogram,      // inside `{{ ... }}`
    kBuckets,        // inside `[ ... ]` of a histogram description
    kDone,
  };
  enum class HistState : uint8_t { kNone, kOpen, kMul, kAdd, kSub };

  static constexpr int32_t kEofRune = -1;

  int32_t NextRune();
  int32_t PeekRune();
  void Backup() { pos_ -= width_; }
  bool Accept(std::string_view valid);
  bool AcceptIs(std::string_view valid);  // peeks
  void AcceptRun(std::string_view valid);
  void Ignore() { start_ = pos_; }
  Token Emit(TokenType t);
  Token Error(std::string message);

  Token LexStatements();
  Token LexInsideBraces();
  Token LexDurationExpr();
  Token LexValueSequence();
  Token LexHistogram();
  Token LexHistogramDescriptor();
  Token LexBuckets();
  Token LexString(int32_t quote);
  Token LexRawString();
  Token LexLineComment();
  Token LexNumber();
  Token LexNumberOrDuration();
  Token LexIdentifier();
  Token LexKeywordOrIdentifier();
  bool ScanNumber();
  bool ScanDurationKeyword(Token* out);
  bool AcceptRemainingDuration();
  void SkipSpaces();
  bool FollowedByLeftParen() const;
  // Runs the escape check after a backslash; returns false with an error token on failure.
  bool LexEscape(int32_t quote, Token* error);

  std::string_view input_;
  bool series_desc_;
  Mode mode_ = Mode::kStatements;
  int pos_ = 0;
  int start_ = 0;
  int width_ = 0;
  int paren_depth_ = 0;
  bool bracket_open_ = false;
  bool got_colon_ = false;
  bool got_duration_ = false;
  HistState hist_state_ = HistState::kNone;
  bool number_next_ = false;  // a histogram `x` or bucket `-` is followed by a number
  std::string error_;
};

}  // namespace tocsin::promql
