#include "engine/promql/lexer.h"

#include <cstdio>
#include <unordered_map>

#include "storage/base/strings.h"

namespace tocsin::promql {

namespace {

bool IsSpace(int32_t r) {
  return r == ' ' || r == '\t' || r == '\n' || r == '\r';
}
bool IsDigit(int32_t r) {
  return r >= '0' && r <= '9';
}
bool IsAlpha(int32_t r) {
  return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
}
bool IsAlphaNumeric(int32_t r) {
  return IsAlpha(r) || IsDigit(r);
}
bool IsEndOfLine(int32_t r) {
  return r == '\r' || r == '\n';
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The words the lexer turns into tokens (matched case-insensitively). `inf` and `nan` are
// numbers.
const std::unordered_map<std::string, TokenType>& Keywords() {
  static const auto* table = new std::unordered_map<std::string, TokenType>{
      {"and", TokenType::kLand},
      {"or", TokenType::kLor},
      {"unless", TokenType::kLunless},
      {"atan2", TokenType::kAtan2},
      {"sum", TokenType::kSum},
      {"avg", TokenType::kAvg},
      {"count", TokenType::kCount},
      {"min", TokenType::kMin},
      {"max", TokenType::kMax},
      {"group", TokenType::kGroup},
      {"stddev", TokenType::kStddev},
      {"stdvar", TokenType::kStdvar},
      {"topk", TokenType::kTopk},
      {"bottomk", TokenType::kBottomk},
      {"count_values", TokenType::kCountValues},
      {"quantile", TokenType::kQuantile},
      {"limitk", TokenType::kLimitK},
      {"limit_ratio", TokenType::kLimitRatio},
      {"offset", TokenType::kOffset},
      {"smoothed", TokenType::kSmoothed},
      {"anchored", TokenType::kAnchored},
      {"by", TokenType::kBy},
      {"without", TokenType::kWithout},
      {"on", TokenType::kOn},
      {"ignoring", TokenType::kIgnoring},
      {"group_left", TokenType::kGroupLeft},
      {"group_right", TokenType::kGroupRight},
      {"fill", TokenType::kFill},
      {"fill_left", TokenType::kFillLeft},
      {"fill_right", TokenType::kFillRight},
      {"bool", TokenType::kBool},
      {"start", TokenType::kStart},
      {"end", TokenType::kEnd},
      {"step", TokenType::kStep},
      {"range", TokenType::kRange},
      {"max_of", TokenType::kMaxOf},
      {"min_of", TokenType::kMinOf},
      {"inf", TokenType::kNumber},
      {"nan", TokenType::kNumber},
  };
  return *table;
}

const TokenType* FindKeyword(std::string_view word) {
  const auto& k = Keywords();
  auto it = k.find(Lower(word));
  return it == k.end() ? nullptr : &it->second;
}

// Keys of a native histogram description `{{schema:0 sum:5 buckets:[1 2]}}`.
bool IsHistogramDescriptor(std::string_view lower) {
  return lower == "sum" || lower == "count" || lower == "schema" || lower == "offset" ||
         lower == "n_offset" || lower == "buckets" || lower == "n_buckets" || lower == "z_bucket" ||
         lower == "z_bucket_w" || lower == "custom_values" || lower == "counter_reset_hint";
}

bool IsCounterResetHint(std::string_view lower) {
  return lower == "unknown" || lower == "reset" || lower == "not_reset" || lower == "gauge";
}

// Keywords allowed inside `[...]`, where all other words are errors.
const TokenType* FindDurationKeyword(std::string_view word) {
  static const std::unordered_map<std::string, TokenType> table = {{"step", TokenType::kStep},
                                                                   {"range", TokenType::kRange},
                                                                   {"max_of", TokenType::kMaxOf},
                                                                   {"min_of", TokenType::kMinOf}};
  auto it = table.find(Lower(word));
  return it == table.end() ? nullptr : &it->second;
}

bool IsDurationKeywordStart(int32_t r) {
  if (r >= 'A' && r <= 'Z') r = r - 'A' + 'a';
  return r == 's' || r == 'r' || r == 'm';
}

// Go's unicode.IsPrint, approximated: ASCII graphic characters and space, and every
// non-control rune outside the surrogate range.
bool IsPrintRune(int32_t r) {
  if (r < 0x20 || r == 0x7f) return false;
  if (r >= 0x80 && r < 0xa0) return false;
  if (r == 0xad) return false;
  if (r >= 0xd800 && r < 0xe000) return false;
  if (r > 0x10ffff) return false;
  return true;
}

// Go's %q of a rune: 'a', '\n', '\x00', '\u00ad'.
std::string QuoteRune(int32_t r) {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) r = 0xfffd;
  std::string out = "'";
  switch (r) {
    case '\a':
      out += "\\a";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\v':
      out += "\\v";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\'':
      out += "\\'";
      break;
    default:
      if (IsPrintRune(r)) {
        AppendRune(out, static_cast<char32_t>(r));
      } else {
        char buf[16];
        if (r < 0x80) {
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(r));
        } else if (r < 0x10000) {
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(r));
        } else {
          std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(r));
        }
        out += buf;
      }
  }
  out += '\'';
  return out;
}

// Go's %#U: U+0063 'c'.
std::string UnicodeName(int32_t r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(r));
  std::string out = buf;
  if (IsPrintRune(r)) {
    out += " '";
    AppendRune(out, static_cast<char32_t>(r));
    out += '\'';
  }
  return out;
}

int DigitValue(int32_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 16;
}

}  // namespace

bool IsOperatorToken(TokenType t) {
  return t >= TokenType::kAdd && t <= TokenType::kAtan2;
}
bool IsAggregatorToken(TokenType t) {
  return t >= TokenType::kSum && t <= TokenType::kLimitRatio;
}
bool IsKeywordToken(TokenType t) {
  return t >= TokenType::kBool && t <= TokenType::kWithout;
}

std::string DescribeToken(const Token& t) {
  auto quoted = [&] { return GoQuote(t.text); };
  switch (t.type) {
    case TokenType::kEof:
      return "end of input";
    case TokenType::kError:
      return std::string(t.text);
    case TokenType::kIdentifier:
      return "identifier " + quoted();
    case TokenType::kMetricIdentifier:
      return "metric identifier " + quoted();
    case TokenType::kComment:
      return "comment";
    case TokenType::kNumber:
    case TokenType::kDuration:
    case TokenType::kString: {
      const char* kind = t.type == TokenType::kNumber     ? "number "
                         : t.type == TokenType::kDuration ? "duration "
                                                          : "string ";
      // Long values are cut to ten characters, as Go's %.10q does.
      std::string_view v = t.text;
      size_t i = 0;
      int runes = 0;
      while (i < v.size() && runes < 10) {
        DecodeRune(v, i);
        ++runes;
      }
      if (i < v.size()) return kind + GoQuote(v.substr(0, i)) + "...";
      return kind + quoted();
    }
    default:
      break;
  }
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "<" + std::string(...).
  auto tagged = [&](std::string_view prefix) {
    std::string out(prefix);
    out.append(t.text);
    out += '>';
    return out;
  };
  if (IsKeywordToken(t.type)) return tagged("<");
  if (IsOperatorToken(t.type)) return tagged("<op:");
  if (IsAggregatorToken(t.type)) return tagged("<aggr:");
  if (t.type == TokenType::kSpace) return "\"<space>\"";
  return quoted();
}

Lexer::Lexer(std::string_view input, bool series_desc) : input_(input), series_desc_(series_desc) {}

int32_t Lexer::NextRune() {
  if (pos_ >= static_cast<int>(input_.size())) {
    width_ = 0;
    return kEofRune;
  }
  const unsigned char c = static_cast<unsigned char>(input_[pos_]);
  if (c < 0x80) {
    width_ = 1;
    ++pos_;
    return c;
  }
  size_t i = static_cast<size_t>(pos_);
  bool valid = true;
  char32_t r = DecodeRune(input_, i, &valid);
  width_ = static_cast<int>(i) - pos_;
  pos_ = static_cast<int>(i);
  return valid ? static_cast<int32_t>(r) : 0xfffd;
}

int32_t Lexer::PeekRune() {
  const int saved_pos = pos_;
  const int saved_width = width_;
  int32_t r = NextRune();
  pos_ = saved_pos;
  width_ = saved_width;
  return r;
}

bool Lexer::Accept(std::string_view valid) {
  int32_t r = NextRune();
  if (r >= 0 && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) {
    return true;
  }
  Backup();
  return false;
}

bool Lexer::AcceptIs(std::string_view valid) {
  int32_t r = PeekRune();
  return r >= 0 && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos;
}

void Lexer::AcceptRun(std::string_view valid) {
  while (Accept(valid)) {
  }
}

Token Lexer::Emit(TokenType t) {
  Token tok{t, start_, input_.substr(start_, pos_ - start_)};
  start_ = pos_;
  return tok;
}

Token Lexer::Error(std::string message) {
  error_ = std::move(message);
  mode_ = Mode::kDone;
  return Token{TokenType::kError, start_, error_};
}

std::vector<Token> Lexer::Tokenize(std::string_view input, bool series_desc,
                                   std::string* error_message) {
  Lexer lexer(input, series_desc);
  std::vector<Token> out;
  for (;;) {
    Token t = lexer.Next();
    if (t.type == TokenType::kComment) continue;
    out.push_back(t);
    if (t.type == TokenType::kEof) break;
    if (t.type == TokenType::kError) {
      *error_message = lexer.error_;
      out.back().text = *error_message;
      break;
    }
  }
  return out;
}

Token Lexer::Next() {
  if (number_next_) {
    number_next_ = false;
    return LexNumber();
  }
  switch (mode_) {
    case Mode::kDone:
      return Token{TokenType::kEof, static_cast<int>(input_.size()), {}};
    case Mode::kInsideBraces:
      return LexInsideBraces();
    case Mode::kDurationExpr:
      return LexDurationExpr();
    case Mode::kValueSequence:
      return LexValueSequence();
    case Mode::kHistogram:
      return LexHistogram();
    case Mode::kBuckets:
      return LexBuckets();
    case Mode::kStatements:
      return LexStatements();
  }
  return LexStatements();
}

void Lexer::SkipSpaces() {
  while (IsSpace(PeekRune())) NextRune();
  Ignore();
}

Token Lexer::LexStatements() {
  for (;;) {
    if (hist_state_ != HistState::kNone) {
      mode_ = Mode::kHistogram;
      return LexHistogram();
    }
    if (input_.substr(pos_).starts_with('#')) return LexLineComment();

    const int32_t r = NextRune();
    if (r == kEofRune) {
      if (paren_depth_ != 0) return Error("unclosed left parenthesis");
      if (bracket_open_) return Error("unclosed left bracket");
      mode_ = Mode::kDone;
      return Emit(TokenType::kEof);
    }
    if (IsSpace(r)) {
      SkipSpaces();
      continue;
    }
    switch (r) {
      case ',':
        return Emit(TokenType::kComma);
      case '*':
        return Emit(TokenType::kMul);
      case '/':
        return Emit(TokenType::kDiv);
      case '%':
        return Emit(TokenType::kMod);
      case '+':
        return Emit(TokenType::kAdd);
      case '-':
        return Emit(TokenType::kSub);
      case '^':
        return Emit(TokenType::kPow);
      case '=': {
        const int32_t t = PeekRune();
        if (t == '=') {
          NextRune();
          return Emit(TokenType::kEqlc);
        }
        if (t == '~') return Error("unexpected character after '=': " + QuoteRune(t));
        return Emit(TokenType::kEql);
      }
      case '!': {
        const int32_t t = NextRune();
        if (t != '=') return Error("unexpected character after '!': " + QuoteRune(t));
        return Emit(TokenType::kNeq);
      }
      case '<': {
        const int32_t t = PeekRune();
        if (t == '=') {
          NextRune();
          return Emit(TokenType::kLte);
        }
        if (t == '/') {
          NextRune();
          return Emit(TokenType::kTrimUpper);
        }
        return Emit(TokenType::kLss);
      }
      case '>': {
        const int32_t t = PeekRune();
        if (t == '=') {
          NextRune();
          return Emit(TokenType::kGte);
        }
        if (t == '/') {
          NextRune();
          return Emit(TokenType::kTrimLower);
        }
        return Emit(TokenType::kGtr);
      }
      case '"':
      case '\'':
        return LexString(r);
      case '`':
        return LexRawString();
      case '(':
        ++paren_depth_;
        return Emit(TokenType::kLeftParen);
      case ')': {
        Token t = Emit(TokenType::kRightParen);
        if (--paren_depth_ < 0) return Error("unexpected right parenthesis ')'");
        return t;
      }
      case '{': {
        Token t = Emit(TokenType::kLeftBrace);
        mode_ = Mode::kInsideBraces;
        return t;
      }
      case '[': {
        if (bracket_open_) return Error("unexpected left bracket '['");
        got_colon_ = false;
        Token t = Emit(TokenType::kLeftBracket);
        SkipSpaces();
        bracket_open_ = true;
        mode_ = Mode::kDurationExpr;
        return t;
      }
      case ']':
        if (!bracket_open_) return Error("unexpected right bracket ']'");
        bracket_open_ = false;
        return Emit(TokenType::kRightBracket);
      case '@':
        return Emit(TokenType::kAt);
      default:
        break;
    }
    if (IsDigit(r) || (r == '.' && IsDigit(PeekRune()))) {
      Backup();
      return LexNumberOrDuration();
    }
    if (IsAlpha(r) || r == ':') {
      if (!bracket_open_) {
        Backup();
        return LexKeywordOrIdentifier();
      }
      if (r == ':') {
        if (got_colon_) return Error("unexpected colon ':'");
        got_colon_ = true;
        return Emit(TokenType::kColon);
      }
      Token t;
      if (IsDurationKeywordStart(r) && ScanDurationKeyword(&t)) return t;
      return Error("unexpected character: " + QuoteRune(r) + ", expected ':'");
    }
    return Error("unexpected character: " + QuoteRune(r));
  }
}

bool Lexer::ScanDurationKeyword(Token* out) {
  while (IsAlpha(NextRune())) {
  }
  Backup();
  const TokenType* t = FindDurationKeyword(input_.substr(start_, pos_ - start_));
  if (t == nullptr) return false;
  *out = Emit(*t);
  return true;
}

Token Lexer::LexDurationExpr() {
  for (;;) {
    const int32_t r = NextRune();
    if (r == kEofRune) return Error("unexpected end of input in duration expression");
    if (IsSpace(r)) {
      SkipSpaces();
      continue;
    }
    switch (r) {
      case ']':
        bracket_open_ = false;
        got_colon_ = false;
        mode_ = Mode::kStatements;
        return Emit(TokenType::kRightBracket);
      case ':': {
        Token t = Emit(TokenType::kColon);
        if (!got_duration_) {
          return Error("unexpected colon before duration in duration expression");
        }
        if (got_colon_) return Error("unexpected repeated colon in duration expression");
        got_colon_ = true;
        return t;
      }
      case '(':
        ++paren_depth_;
        return Emit(TokenType::kLeftParen);
      case ')': {
        Token t = Emit(TokenType::kRightParen);
        if (--paren_depth_ < 0) return Error("unexpected right parenthesis ')'");
        return t;
      }
      case '+':
        return Emit(TokenType::kAdd);
      case '-':
        return Emit(TokenType::kSub);
      case '*':
        return Emit(TokenType::kMul);
      case '/':
        return Emit(TokenType::kDiv);
      case '%':
        return Emit(TokenType::kMod);
      case '^':
        return Emit(TokenType::kPow);
      case ',':
        return Emit(TokenType::kComma);
      default:
        break;
    }
    if (IsDurationKeywordStart(r)) {
      Token t;
      if (ScanDurationKeyword(&t)) return t;
      return Error("unexpected character in duration expression: " + QuoteRune(r));
    }
    if (IsDigit(r) || (r == '.' && IsDigit(PeekRune()))) {
      Backup();
      got_duration_ = true;
      mode_ = Mode::kStatements;
      return LexNumberOrDuration();
    }
    return Error("unexpected character in duration expression: " + QuoteRune(r));
  }
}

Token Lexer::LexHistogram() {
  switch (hist_state_) {
    case HistState::kMul:
      hist_state_ = HistState::kNone;
      NextRune();
      mode_ = Mode::kValueSequence;
      return Emit(TokenType::kTimes);
    case HistState::kAdd:
      hist_state_ = HistState::kNone;
      NextRune();
      mode_ = Mode::kValueSequence;
      return Emit(TokenType::kAdd);
    case HistState::kSub:
      hist_state_ = HistState::kNone;
      NextRune();
      mode_ = Mode::kValueSequence;
      return Emit(TokenType::kSub);
    default:
      break;
  }
  if (bracket_open_) return LexBuckets();
  mode_ = Mode::kHistogram;
  const int32_t r = NextRune();
  if (IsSpace(r)) {
    Token t = Emit(TokenType::kSpace);
    SkipSpaces();
    return t;
  }
  if (IsAlpha(r)) {
    Backup();
    return LexHistogramDescriptor();
  }
  if (r == ':') return Emit(TokenType::kColon);
  if (r == '-') return Emit(TokenType::kSub);
  if (r == 'x') {
    number_next_ = true;
    return Emit(TokenType::kTimes);
  }
  if (IsDigit(r)) {
    Backup();
    return LexNumber();
  }
  if (r == '[') {
    bracket_open_ = true;
    got_colon_ = false;
    got_duration_ = false;
    mode_ = Mode::kBuckets;
    return Emit(TokenType::kLeftBracket);
  }
  if (r == '}' && PeekRune() == '}') {
    NextRune();
    Token t = Emit(TokenType::kCloseHist);
    switch (PeekRune()) {
      case 'x':
        hist_state_ = HistState::kMul;
        mode_ = Mode::kHistogram;
        break;
      case '+':
        hist_state_ = HistState::kAdd;
        mode_ = Mode::kHistogram;
        break;
      case '-':
        hist_state_ = HistState::kSub;
        mode_ = Mode::kHistogram;
        break;
      default:
        hist_state_ = HistState::kNone;
        mode_ = Mode::kValueSequence;
    }
    return t;
  }
  return Error("histogram description incomplete unexpected: " + QuoteRune(r));
}

Token Lexer::LexHistogramDescriptor() {
  while (IsAlpha(NextRune())) {
  }
  Backup();
  const std::string word = Lower(input_.substr(start_, pos_ - start_));
  if (IsHistogramDescriptor(word)) {
    if (PeekRune() == ':') return Emit(TokenType::kHistDescriptor);
    return Error("missing `:` for histogram descriptor");
  }
  if (const TokenType* k = FindKeyword(word); k != nullptr && *k == TokenType::kNumber) {
    return Emit(TokenType::kNumber);
  }
  if (IsCounterResetHint(word)) return Emit(TokenType::kCounterResetHint);
  return Error("bad histogram descriptor found: " + GoQuote(word));
}

Token Lexer::LexBuckets() {
  mode_ = Mode::kBuckets;
  for (;;) {
    const int32_t r = NextRune();
    if (IsSpace(r)) {
      Token t = Emit(TokenType::kSpace);
      SkipSpaces();
      return t;
    }
    if (r == '-') {
      number_next_ = true;  // the sign is its own token; the number follows directly
      return Emit(TokenType::kSub);
    }
    if (IsDigit(r)) {
      Backup();
      return LexNumber();
    }
    if (r == ']') {
      bracket_open_ = false;
      mode_ = Mode::kHistogram;
      return Emit(TokenType::kRightBracket);
    }
    if (IsAlpha(r)) {
      // Inf or NaN.
      while (IsAlpha(PeekRune())) NextRune();
      const TokenType* k = FindKeyword(input_.substr(start_, pos_ - start_));
      if (k != nullptr && *k == TokenType::kNumber) return Emit(TokenType::kNumber);
      return Error("invalid character in buckets description: " + QuoteRune(r));
    }
    return Error("invalid character in buckets description: " + QuoteRune(r));
  }
}

Token Lexer::LexInsideBraces() {
  for (;;) {
    if (input_.substr(pos_).starts_with('#')) return LexLineComment();
    const int32_t r = NextRune();
    if (r == kEofRune) return Error("unexpected end of input inside braces");
    if (IsSpace(r)) {
      SkipSpaces();
      continue;
    }
    if (IsAlpha(r)) {
      Backup();
      return LexIdentifier();
    }
    switch (r) {
      case ',':
        return Emit(TokenType::kComma);
      case '"':
      case '\'':
        return LexString(r);
      case '`':
        return LexRawString();
      case '=':
        if (NextRune() == '~') return Emit(TokenType::kEqlRegex);
        Backup();
        return Emit(TokenType::kEql);
      case '!': {
        const int32_t nr = NextRune();
        if (nr == '~') return Emit(TokenType::kNeqRegex);
        if (nr == '=') return Emit(TokenType::kNeq);
        return Error("unexpected character after '!' inside braces: " + QuoteRune(nr));
      }
      case '{':
        return Error("unexpected left brace '{'");
      case '}':
        mode_ = series_desc_ ? Mode::kValueSequence : Mode::kStatements;
        return Emit(TokenType::kRightBrace);
      default:
        return Error("unexpected character inside braces: " + QuoteRune(r));
    }
  }
}

Token Lexer::LexValueSequence() {
  if (hist_state_ != HistState::kNone) return LexHistogram();
  mode_ = Mode::kValueSequence;
  const int32_t r = NextRune();
  if (r == kEofRune) {
    mode_ = Mode::kStatements;
    return LexStatements();
  }
  if (r == '{' && PeekRune() == '{') {
    hist_state_ = HistState::kOpen;
    NextRune();
    mode_ = Mode::kHistogram;
    return Emit(TokenType::kOpenHist);
  }
  if (IsSpace(r)) {
    Token t = Emit(TokenType::kSpace);
    SkipSpaces();
    return t;
  }
  switch (r) {
    case '+':
      return Emit(TokenType::kAdd);
    case '-':
      return Emit(TokenType::kSub);
    case 'x':
      return Emit(TokenType::kTimes);
    case '_':
      return Emit(TokenType::kBlank);
    default:
      break;
  }
  if (IsDigit(r) || (r == '.' && IsDigit(PeekRune()))) {
    Backup();
    Token t = LexNumber();
    if (t.type != TokenType::kError) mode_ = Mode::kValueSequence;
    return t;
  }
  if (IsAlpha(r)) {
    Backup();
    return LexKeywordOrIdentifier();
  }
  return Error("unexpected character in series sequence: " + QuoteRune(r));
}

bool Lexer::LexEscape(int32_t quote, Token* error) {
  int32_t ch = NextRune();
  int n = 0;
  uint32_t base = 0, max = 0;
  switch (ch) {
    case 'a':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case 'v':
    case '\\':
      return true;
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
      n = 3, base = 8, max = 255;
      break;
    case 'x':
      ch = NextRune();
      n = 2, base = 16, max = 255;
      break;
    case 'u':
      ch = NextRune();
      n = 4, base = 16, max = 0x10ffff;
      break;
    case 'U':
      ch = NextRune();
      n = 8, base = 16, max = 0x10ffff;
      break;
    case kEofRune:
      *error = Error("escape sequence not terminated");
      return false;
    default:
      if (ch == quote) return true;
      *error = Error("unknown escape sequence " + UnicodeName(ch));
      return false;
  }
  uint32_t x = 0;
  while (n > 0) {
    const uint32_t d = static_cast<uint32_t>(DigitValue(ch));
    if (d >= base) {
      if (ch == kEofRune) {
        *error = Error("escape sequence not terminated");
      } else {
        *error = Error("illegal character " + UnicodeName(ch) + " in escape sequence");
      }
      return false;
    }
    x = x * base + d;
    if (--n > 0) ch = NextRune();
  }
  if (x > max || (x >= 0xd800 && x < 0xe000)) {
    *error = Error("escape sequence is an invalid Unicode code point");
    return false;
  }
  return true;
}

Token Lexer::LexString(int32_t quote) {
  for (;;) {
    // Decode by hand: an invalid byte must be reported, not replaced.
    if (pos_ < static_cast<int>(input_.size()) &&
        static_cast<unsigned char>(input_[pos_]) >= 0x80) {
      size_t i = static_cast<size_t>(pos_);
      bool valid = true;
      DecodeRune(input_, i, &valid);
      if (!valid) return Error("invalid UTF-8 rune");
      width_ = static_cast<int>(i) - pos_;
      pos_ = static_cast<int>(i);
      continue;
    }
    const int32_t r = NextRune();
    if (r == '\\') {
      Token err;
      if (!LexEscape(quote, &err)) return err;
      continue;
    }
    if (r == kEofRune || r == '\n') return Error("unterminated quoted string");
    if (r == quote) break;
  }
  return Emit(TokenType::kString);
}

Token Lexer::LexRawString() {
  for (;;) {
    if (pos_ < static_cast<int>(input_.size()) &&
        static_cast<unsigned char>(input_[pos_]) >= 0x80) {
      size_t i = static_cast<size_t>(pos_);
      bool valid = true;
      DecodeRune(input_, i, &valid);
      if (!valid) return Error("invalid UTF-8 rune");
      pos_ = static_cast<int>(i);
      continue;
    }
    const int32_t r = NextRune();
    if (r == kEofRune) return Error("unterminated raw string");
    if (r == '`') break;
  }
  return Emit(TokenType::kString);
}

Token Lexer::LexLineComment() {
  ++pos_;  // '#'
  int32_t r = NextRune();
  while (!IsEndOfLine(r) && r != kEofRune) r = NextRune();
  Backup();
  return Emit(TokenType::kComment);
}

Token Lexer::LexNumber() {
  if (!ScanNumber()) {
    return Error("bad number syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
  }
  if (mode_ != Mode::kHistogram && mode_ != Mode::kBuckets && mode_ != Mode::kValueSequence) {
    mode_ = Mode::kStatements;
  }
  return Emit(TokenType::kNumber);
}

Token Lexer::LexNumberOrDuration() {
  mode_ = Mode::kStatements;
  if (ScanNumber()) return Emit(TokenType::kNumber);
  if (AcceptRemainingDuration()) {
    Backup();
    return Emit(TokenType::kDuration);
  }
  return Error("bad number or duration syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
}

bool Lexer::AcceptRemainingDuration() {
  if (!Accept("smhdwy")) return false;
  Accept("s");  // "ms"; bad units such as "hs" are reported when the duration is parsed
  while (Accept("0123456789")) {
    while (Accept("0123456789")) {
    }
    if (!Accept("smhdw")) return false;  // "y" can only come first
    Accept("s");
  }
  return !IsAlphaNumeric(NextRune());
}

// Scans [.]d[d._eE]* with the rules of Prometheus's lexer (no repeated dot or exponent, no
// underscore next to a dot, an exponent or the end). Hex numbers are not recognised in series
// descriptions, where `0x3` would be ambiguous with the `x` repetition.
bool Lexer::ScanNumber() {
  const int initial = pos_;
  std::string_view digits = "0123456789";
  if (!series_desc_ && Accept("0") && Accept("xX")) {
    Accept("_");
    digits = "0123456789abcdefABCDEF";
  }
  const bool hex = digits.size() > 10;
  auto is_digit = [&](int32_t r) {
    return r >= 0 && r < 0x80 && digits.find(static_cast<char>(r)) != std::string_view::npos;
  };
  Accept(".");
  if (is_digit(PeekRune())) NextRune();
  bool dot_consumed = false;
  bool exponent_consumed = false;
  for (;;) {
    const int32_t r = PeekRune();
    const bool is_dot = r == '.';
    const bool is_exp = r == 'e' || r == 'E';
    if (!(is_digit(r) || is_dot || r == '_' || is_exp)) break;
    if (is_dot && dot_consumed) {
      NextRune();
      return false;
    }
    if (is_exp && exponent_consumed) {
      NextRune();
      return false;
    }
    if (is_dot) {
      NextRune();
      dot_consumed = true;
      if (Accept("_.")) return false;
      if (hex) return false;  // fractional hex literals are not allowed
      continue;
    }
    if (is_exp) {
      NextRune();
      exponent_consumed = true;
      Accept("+-");
      if (Accept("._eE") || PeekRune() == kEofRune) return false;
      continue;
    }
    if (r == '_') {
      NextRune();
      if (Accept("._eE") || PeekRune() == kEofRune) return false;
      continue;
    }
    while (is_digit(PeekRune())) NextRune();
  }
  if (pos_ == initial) return false;
  const int32_t r = PeekRune();
  return (series_desc_ && r == 'x') || !IsAlphaNumeric(r);
}

Token Lexer::LexIdentifier() {
  while (IsAlphaNumeric(NextRune())) {
  }
  Backup();
  return Emit(TokenType::kIdentifier);
}

bool Lexer::FollowedByLeftParen() const {
  size_t i = static_cast<size_t>(pos_);
  while (i < input_.size() && IsSpace(static_cast<unsigned char>(input_[i]))) ++i;
  return i < input_.size() && input_[i] == '(';
}

Token Lexer::LexKeywordOrIdentifier() {
  for (;;) {
    const int32_t r = NextRune();
    if (!(IsAlphaNumeric(r) || r == ':')) break;
  }
  Backup();
  const std::string_view word = input_.substr(start_, pos_ - start_);
  Token t;
  if (const TokenType* k = FindKeyword(word)) {
    // fill/fill_left/fill_right are keywords only before '(' so that they stay usable as
    // metric names.
    const bool fill =
        *k == TokenType::kFill || *k == TokenType::kFillLeft || *k == TokenType::kFillRight;
    t = Emit(fill && !FollowedByLeftParen() ? TokenType::kIdentifier : *k);
  } else if (word.find(':') == std::string_view::npos) {
    t = Emit(TokenType::kIdentifier);
  } else {
    t = Emit(TokenType::kMetricIdentifier);
  }
  if (series_desc_ && PeekRune() != '{') {
    mode_ = Mode::kValueSequence;
  } else {
    mode_ = Mode::kStatements;
  }
  return t;
}

}  // namespace tocsin::promql
