#include "engine/alerting/matchers_parser.h"

#include <re2/re2.h>

#include <optional>

#include "storage/base/labels.h"
#include "storage/base/strings.h"

namespace tocsin::alerting {
namespace {

// ---------------------------------------------------------------------------------------------
// Go's strconv.Unquote for a double-quoted string, as the UTF-8 matcher syntax uses it.

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsValidRune(uint32_t r) {
  return r <= 0x10FFFF && !(r >= 0xD800 && r <= 0xDFFF);
}

std::optional<std::string> GoUnquoteDouble(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::nullopt;
  std::string_view in = s.substr(1, s.size() - 2);
  std::string out;
  size_t i = 0;
  while (i < in.size()) {
    const char c = in[i];
    if (c == '"' || c == '\n') return std::nullopt;
    if (c != '\\') {
      if (static_cast<unsigned char>(c) < 0x80) {
        out.push_back(c);
        ++i;
      } else {
        AppendRune(out, DecodeRune(in, i));  // invalid bytes become U+FFFD, as in Go
      }
      continue;
    }
    if (i + 1 >= in.size()) return std::nullopt;
    const char e = in[i + 1];
    i += 2;
    switch (e) {
      case 'a':
        out.push_back('\a');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'v':
        out.push_back('\v');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '"':
        out.push_back('"');
        break;
      case 'x':
      case 'u':
      case 'U': {
        const size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n > in.size()) return std::nullopt;
        uint32_t v = 0;
        for (size_t k = 0; k < n; ++k) {
          const int h = HexValue(in[i + k]);
          if (h < 0) return std::nullopt;
          v = v * 16 + static_cast<uint32_t>(h);
        }
        i += n;
        if (e == 'x') {
          out.push_back(static_cast<char>(v));  // a raw byte, possibly not UTF-8
        } else {
          if (!IsValidRune(v)) return std::nullopt;
          AppendRune(out, v);
        }
        break;
      }
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        if (i + 2 > in.size()) return std::nullopt;
        uint32_t v = static_cast<uint32_t>(e - '0');
        for (size_t k = 0; k < 2; ++k) {
          const char d = in[i + k];
          if (d < '0' || d > '7') return std::nullopt;
          v = v * 8 + static_cast<uint32_t>(d - '0');
        }
        if (v > 255) return std::nullopt;
        i += 2;
        out.push_back(static_cast<char>(v));
        break;
      }
      default:
        return std::nullopt;  // includes \' inside a double-quoted string
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The UTF-8 matcher syntax: a lexer and a small state machine, with Alertmanager's messages.

enum class TokenKind {
  kEof,
  kOpenBrace,
  kCloseBrace,
  kComma,
  kEquals,
  kNotEquals,
  kMatches,
  kNotMatches,
  kQuoted,
  kUnquoted
};

struct Position {
  size_t offset_start = 0;
  size_t offset_end = 0;
  int column_start = 0;
  int column_end = 0;
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string_view value;
  Position pos;
};

constexpr char32_t kEofRune = 0xFFFFFFFF;

bool Contains(std::string_view set, char32_t r) {
  return r < 0x80 && set.find(static_cast<char>(r)) != std::string_view::npos;
}

class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  // The next token; once the input is consumed, kEof tokens. A lexical error sticks.
  Result<Token> Scan() {
    if (err_) return Error{*err_};
    for (char32_t r = Next(); r != kEofRune; r = Next()) {
      if (r == '{') return Emit(TokenKind::kOpenBrace);
      if (r == '}') return Emit(TokenKind::kCloseBrace);
      if (r == ',') return Emit(TokenKind::kComma);
      if (r == '=' || r == '!') {
        Rewind();
        return Remember(ScanOperator());
      }
      if (r == '"') {
        Rewind();
        return Remember(ScanQuoted());
      }
      if (!IsReservedMatcherRune(r)) {
        Rewind();
        return ScanUnquoted();
      }
      // Of the reserved runes only whitespace and ~ \ ' ` are left; whitespace separates tokens.
      if (r != '~' && r != '\\' && r != '\'' && r != '`') {
        Skip();
        continue;
      }
      return Remember(Error{InvalidInput()});
    }
    return Token{};
  }

  Result<Token> Peek() {
    const State saved = state_;
    Result<Token> t = Scan();
    state_ = saved;  // the sticky error is kept on purpose, as upstream does
    return t;
  }

  Position Pos() const { return {state_.start, state_.pos, state_.column, state_.cols}; }

 private:
  struct State {
    size_t start = 0;
    size_t pos = 0;
    size_t width = 0;
    int column = 0;
    int cols = 0;
  };

  Result<Token> Remember(Result<Token> t) {
    if (!t.ok()) err_ = t.message();
    return t;
  }

  char32_t Next() {
    if (state_.pos >= input_.size()) {
      state_.width = 0;
      return kEofRune;
    }
    size_t i = state_.pos;
    const char32_t r = DecodeRune(input_, i);
    state_.width = i - state_.pos;
    state_.pos = i;
    ++state_.cols;
    return r;
  }

  void Rewind() {
    state_.pos -= state_.width;
    if (state_.width > 0) --state_.cols;
  }

  void Skip() {
    state_.start = state_.pos;
    state_.column = state_.cols;
  }

  bool Accept(std::string_view valid) {
    if (Contains(valid, Next())) return true;
    Rewind();
    return false;
  }

  Token Emit(TokenKind kind) {
    Token t{kind, input_.substr(state_.start, state_.pos - state_.start), Pos()};
    state_.start = state_.pos;
    state_.column = state_.cols;
    return t;
  }

  std::string Expected(std::string_view expected) const {
    const Position p = Pos();
    if (p.offset_end >= input_.size()) {
      return std::to_string(p.column_start) + ":" + std::to_string(p.column_end) +
             ": unexpected end of input, expected one of '" + std::string(expected) + "'";
    }
    return std::to_string(p.column_start) + ":" + std::to_string(p.column_end) + ": " +
           std::string(input_.substr(p.offset_start, p.offset_end - p.offset_start)) +
           ": expected one of '" + std::string(expected) + "'";
  }

  std::string InvalidInput() const {
    const Position p = Pos();
    return std::to_string(p.column_start) + ":" + std::to_string(p.column_end) + ": " +
           std::string(input_.substr(p.offset_start, p.offset_end - p.offset_start)) +
           ": invalid input";
  }

  Result<Token> ScanOperator() {
    if (Accept("!")) {
      if (Accept("=")) return Emit(TokenKind::kNotEquals);
      if (Accept("~")) return Emit(TokenKind::kNotMatches);
      return Error{Expected("=~")};
    }
    if (Accept("=")) {
      if (Accept("~")) return Emit(TokenKind::kMatches);
      return Emit(TokenKind::kEquals);
    }
    return Error{Expected("!=")};
  }

  Result<Token> ScanQuoted() {
    Next();  // the opening quote
    bool escaped = false;
    for (char32_t r = Next(); r != kEofRune; r = Next()) {
      if (escaped) {
        escaped = false;
      } else if (r == '\\') {
        escaped = true;
      } else if (r == '"') {
        Rewind();
        break;
      }
    }
    if (!Accept("\"")) {
      const Position p = Pos();
      return Error{std::to_string(p.column_start) + ":" + std::to_string(p.column_end) + ": " +
                   std::string(input_.substr(p.offset_start, p.offset_end - p.offset_start)) +
                   ": missing end \""};
    }
    return Emit(TokenKind::kQuoted);
  }

  Result<Token> ScanUnquoted() {
    for (char32_t r = Next(); r != kEofRune; r = Next()) {
      if (IsReservedMatcherRune(r)) {
        Rewind();
        break;
      }
    }
    return Emit(TokenKind::kUnquoted);
  }

  std::string_view input_;
  State state_;
  std::optional<std::string> err_;
};

// Errors that upstream compares by identity; here only their texts matter.
constexpr std::string_view kErrEof = "end of input";

std::string Cols(const Token& t) {
  return std::to_string(t.pos.column_start) + ":" + std::to_string(t.pos.column_end);
}

class Utf8Parser {
 public:
  explicit Utf8Parser(std::string_view input) : lexer_(input) {}

  Result<Matchers> Parse() {
    // Optional open brace.
    Result<bool> open = AcceptPeek({TokenKind::kOpenBrace});
    if (!open.ok()) {
      if (open.message() == kErrEof) return ParseEof();
      return open.error();
    }
    if (*open) {
      has_open_brace_ = true;
      (void)lexer_.Scan();
      Result<bool> close = AcceptPeek({TokenKind::kCloseBrace});
      if (!close.ok()) {
        if (close.message() == kErrEof) return ParseCloseBrace();
        return close.error();
      }
      if (*close) return ParseCloseBrace();
    }
    for (;;) {
      if (Status s = ParseOneMatcher(); !s.ok()) return Error{s.message()};
      // After a matcher: a comma, a close brace or the end.
      Result<Token> t = ExpectPeek({TokenKind::kComma, TokenKind::kCloseBrace});
      if (!t.ok()) {
        if (t.message() == kErrEof) return ParseCloseBrace();
        return Error{t.message() + ": expected a comma or close brace"};
      }
      if (t->kind == TokenKind::kCloseBrace) return ParseCloseBrace();
      (void)lexer_.Scan();  // the comma
      Result<Token> next =
          ExpectPeek({TokenKind::kCloseBrace, TokenKind::kUnquoted, TokenKind::kQuoted});
      if (!next.ok()) {
        if (next.message() == kErrEof) return ParseCloseBrace();
        return Error{next.message() + ": expected a matcher or close brace after comma"};
      }
      if (next->kind == TokenKind::kCloseBrace) return ParseCloseBrace();
    }
  }

 private:
  Result<bool> AcceptPeek(std::initializer_list<TokenKind> kinds) {
    Result<Token> t = lexer_.Peek();
    if (!t.ok()) return t.error();
    if (t->kind == TokenKind::kEof) return Error{std::string(kErrEof)};
    for (TokenKind k : kinds) {
      if (t->kind == k) return true;
    }
    return false;
  }

  Result<Token> ExpectPeek(std::initializer_list<TokenKind> kinds) {
    Result<Token> t = lexer_.Peek();
    if (!t.ok()) return t;
    if (t->kind == TokenKind::kEof) return Error{std::string(kErrEof)};
    for (TokenKind k : kinds) {
      if (t->kind == k) return t;
    }
    return Error{Cols(*t) + ": unexpected " + std::string(t->value)};
  }

  Result<Token> Expect(std::initializer_list<TokenKind> kinds) {
    Result<Token> t = ExpectPeek(kinds);
    if (t.ok()) (void)lexer_.Scan();
    return t;
  }

  static Result<std::string> Unquote(const Token& t) {
    if (t.kind != TokenKind::kQuoted) return std::string(t.value);
    std::optional<std::string> s = GoUnquoteDouble(t.value);
    if (!s || !IsValidUtf8(*s)) {
      return Error{Cols(t) + ": " + std::string(t.value) + ": invalid input"};
    }
    return std::move(*s);
  }

  Status ParseOneMatcher() {
    Result<Token> name_tok = Expect({TokenKind::kQuoted, TokenKind::kUnquoted});
    if (!name_tok.ok()) return Error{name_tok.message() + ": expected label name"};
    Result<std::string> name = Unquote(*name_tok);
    if (!name.ok()) return name.error();

    Result<Token> op = Expect(
        {TokenKind::kEquals, TokenKind::kNotEquals, TokenKind::kMatches, TokenKind::kNotMatches});
    if (!op.ok()) {
      return Error{op.message() + ": expected an operator such as '=', '!=', '=~' or '!~'"};
    }
    MatchType type = MatchType::kEqual;
    switch (op->kind) {
      case TokenKind::kNotEquals:
        type = MatchType::kNotEqual;
        break;
      case TokenKind::kMatches:
        type = MatchType::kRegexp;
        break;
      case TokenKind::kNotMatches:
        type = MatchType::kNotRegexp;
        break;
      default:
        break;
    }

    Result<Token> value_tok = Expect({TokenKind::kUnquoted, TokenKind::kQuoted});
    if (!value_tok.ok()) return Error{value_tok.message() + ": expected label value"};
    Result<std::string> value = Unquote(*value_tok);
    if (!value.ok()) return value.error();

    Result<LabelMatcher> m = MakeMatcher(type, std::move(*name), std::move(*value));
    if (!m.ok()) return Error{"failed to create matcher: " + m.message()};
    matchers_.push_back(std::move(*m));
    return {};
  }

  Result<Matchers> ParseCloseBrace() {
    if (has_open_brace_) {
      Result<Token> t = Expect({TokenKind::kCloseBrace});
      if (!t.ok()) {
        return Error{"0:" + std::to_string(lexer_.Pos().column_end) + ": " + t.message() +
                     ": expected close brace"};
      }
    } else if (Expect({TokenKind::kCloseBrace}).ok()) {
      return Error{"0:" + std::to_string(lexer_.Pos().column_end) + ": }: expected opening brace"};
    }
    return ParseEof();
  }

  Result<Matchers> ParseEof() {
    Result<Token> t = lexer_.Scan();
    if (!t.ok()) return Error{t.message() + ": expected end of input"};
    if (t->kind != TokenKind::kEof) {
      return Error{Cols(*t) + ": " + std::string(t->value) + ": expected end of input"};
    }
    return std::move(matchers_);
  }

  Lexer lexer_;
  bool has_open_brace_ = false;
  Matchers matchers_;
};

// ---------------------------------------------------------------------------------------------
// The classic syntax (Alertmanager's pkg/labels parser).

const RE2& ClassicMatcherRegex() {
  // Name (legacy, ':' allowed), operator ('=~' before '='), then the lazily matched rest with
  // surrounding whitespace dropped.
  static const RE2 re(R"(^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$)");
  return re;
}

}  // namespace

Result<Matchers> ParseUtf8Matchers(std::string_view input) {
  return Utf8Parser(input).Parse();
}

Result<LabelMatcher> ParseClassicMatcher(std::string_view input) {
  std::string name, op, raw;
  if (!RE2::FullMatch(input, ClassicMatcherRegex(), &name, &op, &raw)) {
    return Error{"bad matcher format: " + std::string(input)};
  }
  const std::string original = raw;
  std::string_view rest = raw;
  bool expect_trailing_quote = false;
  if (!rest.empty() && rest.front() == '"') {
    rest.remove_prefix(1);
    expect_trailing_quote = true;
  }
  if (!IsValidUtf8(rest)) return Error{"matcher value not valid UTF-8: " + original};

  std::string value;
  bool escaped = false;
  for (size_t i = 0; i < rest.size();) {
    const size_t at = i;
    const char32_t r = DecodeRune(rest, i);
    if (escaped) {
      escaped = false;
      if (r == 'n') {
        value.push_back('\n');
      } else if (r == '"' || r == '\\') {
        AppendRune(value, r);
      } else {  // a stray escape: the backslash is literal
        value.push_back('\\');
        AppendRune(value, r);
      }
      continue;
    }
    if (r == '\\') {
      if (at < rest.size() - 1) {
        escaped = true;
        continue;
      }
      value.push_back('\\');  // a trailing backslash is literal
    } else if (r == '"') {
      if (!expect_trailing_quote || at < rest.size() - 1) {
        return Error{"matcher value contains unescaped double quote: " + original};
      }
      expect_trailing_quote = false;
    } else {
      AppendRune(value, r);
    }
  }
  if (expect_trailing_quote) {
    return Error{"matcher value contains unescaped double quote: " + original};
  }
  MatchType type = MatchType::kEqual;
  if (op == "!=") type = MatchType::kNotEqual;
  if (op == "=~") type = MatchType::kRegexp;
  if (op == "!~") type = MatchType::kNotRegexp;
  return MakeMatcher(type, std::move(name), std::move(value));
}

Result<Matchers> ParseClassicMatchers(std::string_view input) {
  if (!input.empty() && input.front() == '{') input.remove_prefix(1);
  if (!input.empty() && input.back() == '}') input.remove_suffix(1);

  // Split on commas outside double quotes; invalid UTF-8 reads as U+FFFD, as Go's range does.
  std::vector<std::string> tokens;
  std::string token;
  bool inside_quotes = false;
  bool escaped = false;
  for (size_t i = 0; i < input.size();) {
    const char32_t r = DecodeRune(input, i);
    if (r == ',' && !inside_quotes) {
      tokens.push_back(std::move(token));
      token.clear();
      continue;
    }
    if (r == '"') {
      if (!escaped) {
        inside_quotes = !inside_quotes;
      } else {
        escaped = false;
      }
    } else if (r == '\\') {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    AppendRune(token, r);
  }
  const size_t first = token.find_first_not_of(" \t\n\v\f\r");
  if (first != std::string::npos) {
    const size_t last = token.find_last_not_of(" \t\n\v\f\r");
    tokens.push_back(token.substr(first, last - first + 1));
  }
  Matchers out;
  for (const std::string& t : tokens) {
    Result<LabelMatcher> m = ParseClassicMatcher(t);
    if (!m.ok()) return m.error();
    out.push_back(std::move(*m));
  }
  return out;
}

namespace {

std::string FallbackWarning(std::string_view input, const MatcherParseOptions& options,
                            const std::string& utf8_error, const std::string& suggestion) {
  return "Alertmanager is moving to a new parser for labels and matchers, and this input is "
         "incompatible; it was parsed with the classic matchers parser instead. Double-quote "
         "all regular expressions and values and escape backslashes to make it compatible "
         "(input=" +
         GoQuote(input) + " origin=" + std::string(options.origin) + " err=" + GoQuote(utf8_error) +
         " suggestion=" + GoQuote(suggestion) + ")";
}

void Warn(const MatcherParseOptions& options, std::string message) {
  if (options.warnings) options.warnings->push_back(std::move(message));
}

}  // namespace

Result<Matchers> ParseMatchers(std::string_view input, const MatcherParseOptions& options) {
  switch (options.mode) {
    case MatcherParseMode::kClassic:
      return ParseClassicMatchers(input);
    case MatcherParseMode::kUtf8Strict:
      return ParseUtf8Matchers(input);
    case MatcherParseMode::kFallback:
      break;
  }
  Result<Matchers> utf8 = ParseUtf8Matchers(input);
  Result<Matchers> classic = ParseClassicMatchers(input);
  if (!utf8.ok()) {
    if (!classic.ok()) return classic.error();
    std::string suggestion;
    for (size_t i = 0; i < classic->size(); ++i) {
      if (i > 0) suggestion.push_back(',');
      suggestion += FormatMatcher((*classic)[i]);
    }
    Warn(options, FallbackWarning(input, options, utf8.message(), suggestion));
    return classic;
  }
  // Upstream compares the two results deeply; an empty input differs only in nil-ness, and
  // both mean "no matchers", so only real disagreements are reported.
  if (classic.ok() && !(*utf8 == *classic)) {
    Warn(options, "Matchers input has disagreement (input=" + GoQuote(input) +
                      " origin=" + std::string(options.origin) + ")");
    return classic;
  }
  return utf8;
}

Result<LabelMatcher> ParseMatcher(std::string_view input, const MatcherParseOptions& options) {
  auto one = [](Result<Matchers> ms) -> Result<LabelMatcher> {
    if (!ms.ok()) return ms.error();
    if (ms->size() == 1) return std::move(ms->front());
    if (ms->empty()) return Error{"no matchers"};
    return Error{"expected 1 matcher, found " + std::to_string(ms->size())};
  };
  const bool braces = (!input.empty() && (input.front() == '{' || input.back() == '}'));
  switch (options.mode) {
    case MatcherParseMode::kClassic:
      return ParseClassicMatcher(input);
    case MatcherParseMode::kUtf8Strict:
      if (braces) return Error{"unexpected open or close brace: " + std::string(input)};
      return one(ParseUtf8Matchers(input));
    case MatcherParseMode::kFallback:
      break;
  }
  if (braces) return Error{"unexpected open or close brace: " + std::string(input)};
  Result<LabelMatcher> utf8 = one(ParseUtf8Matchers(input));
  Result<LabelMatcher> classic = ParseClassicMatcher(input);
  if (!utf8.ok()) {
    if (!classic.ok()) return classic.error();
    Warn(options, FallbackWarning(input, options, utf8.message(), FormatMatcher(*classic)));
    return classic;
  }
  if (classic.ok() && !(*utf8 == *classic)) {
    Warn(options, "Matchers input has disagreement (input=" + GoQuote(input) +
                      " origin=" + std::string(options.origin) + ")");
    return classic;
  }
  return utf8;
}

}  // namespace tocsin::alerting
