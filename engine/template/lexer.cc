#include "engine/template/lexer.h"

#include <algorithm>
#include <cstdio>

#include "engine/template/go_strconv.h"
#include "engine/template/unicode_text.h"
#include "storage/base/strings.h"

namespace tocsin::tmpl {

namespace {

constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";
constexpr size_t kTrimMarkerLen = 2;  // '-' plus the space before or after it

bool IsSpace(char32_t r) {
  return r == ' ' || r == '\t' || r == '\r' || r == '\n';
}
bool IsAlphaNumeric(char32_t r) {
  return r == '_' || IsGoLetter(r) || IsGoDigit(r);
}

bool HasLeftTrimMarker(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && IsSpace(static_cast<unsigned char>(s[1]));
}
bool HasRightTrimMarker(std::string_view s) {
  return s.size() >= 2 && IsSpace(static_cast<unsigned char>(s[0])) && s[1] == '-';
}

size_t RightTrimLength(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && IsSpace(static_cast<unsigned char>(s[n - 1]))) --n;
  return s.size() - n;
}

size_t LeftTrimLength(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsSpace(static_cast<unsigned char>(s[n]))) ++n;
  return n;
}

ItemType Keyword(std::string_view w) {
  if (w == ".") return ItemType::kDot;
  if (w == "block") return ItemType::kBlock;
  if (w == "break") return ItemType::kBreak;
  if (w == "continue") return ItemType::kContinue;
  if (w == "define") return ItemType::kDefine;
  if (w == "else") return ItemType::kElse;
  if (w == "end") return ItemType::kEnd;
  if (w == "if") return ItemType::kIf;
  if (w == "range") return ItemType::kRange;
  if (w == "nil") return ItemType::kNil;
  if (w == "template") return ItemType::kTemplate;
  if (w == "with") return ItemType::kWith;
  return ItemType::kError;  // not a keyword
}

int CountNewlines(std::string_view s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

std::string FormatRuneU(char32_t r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(r));
  std::string out = buf;
  if (r <= 0x10FFFF && IsGoPrint(r)) {
    out += " '";
    AppendRune(out, r);
    out += "'";
  }
  return out;
}

std::string Item::String() const {
  switch (type) {
    case ItemType::kEOF:
      return "EOF";
    case ItemType::kError:
      return val;
    default:
      break;
  }
  if (type > ItemType::kKeyword) return "<" + val + ">";
  // %.10q truncates to ten runes before quoting.
  size_t i = 0, runes = 0;
  while (i < val.size() && runes < 10) {
    DecodeRune(val, i);
    ++runes;
  }
  if (i < val.size()) return GoQuoteString(std::string_view(val).substr(0, i)) + "...";
  return GoQuoteString(val);
}

Lexer::Lexer(std::string_view input, std::string_view left_delim, std::string_view right_delim,
             bool emit_comments)
    : input_(input),
      left_(left_delim.empty() ? "{{" : left_delim),
      right_(right_delim.empty() ? "}}" : right_delim),
      emit_comments_(emit_comments) {}

char32_t Lexer::NextRune() {
  if (pos_ >= input_.size()) {
    width_ = 0;
    return kEof;
  }
  size_t i = pos_;
  const char32_t r = DecodeRune(input_, i);
  width_ = i - pos_;
  pos_ = i;
  if (r == '\n') line_++;
  return r;
}

char32_t Lexer::Peek() {
  const char32_t r = NextRune();
  Backup();
  return r;
}

void Lexer::Backup() {
  pos_ -= width_;
  if (width_ == 1 && input_[pos_] == '\n') line_--;
}

Item Lexer::Emit(ItemType t) {
  Item item{t, start_, std::string(input_.substr(start_, pos_ - start_)), start_line_};
  start_ = pos_;
  start_line_ = line_;
  return item;
}

void Lexer::Ignore() {
  line_ += CountNewlines(input_.substr(start_, pos_ - start_));
  start_ = pos_;
  start_line_ = line_;
}

bool Lexer::Accept(std::string_view valid) {
  const char32_t r = NextRune();
  if (r != kEof && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) {
    return true;
  }
  Backup();
  return false;
}

void Lexer::AcceptRun(std::string_view valid) {
  for (;;) {
    const char32_t r = NextRune();
    if (r == kEof || r >= 0x80 || valid.find(static_cast<char>(r)) == std::string_view::npos) {
      break;
    }
  }
  Backup();
}

Item Lexer::Errorf(std::string msg) {
  state_ = State::kDone;
  return Item{ItemType::kError, start_, std::move(msg), start_line_};
}

bool Lexer::AtTerminator() {
  const char32_t r = Peek();
  if (IsSpace(r)) return true;
  switch (r) {
    case kEof:
    case '.':
    case ',':
    case '|':
    case ':':
    case ')':
    case '(':
      return true;
    default:
      break;
  }
  size_t i = 0;
  return !right_.empty() && DecodeRune(right_, i) == r;
}

std::pair<bool, bool> Lexer::AtRightDelim() {
  const std::string_view rest = input_.substr(pos_);
  if (HasRightTrimMarker(rest) && rest.substr(kTrimMarkerLen).starts_with(right_)) {
    return {true, true};
  }
  if (rest.starts_with(right_)) return {true, false};
  return {false, false};
}

bool Lexer::ScanNumber() {
  Accept("+-");
  std::string_view digits = "0123456789_";
  if (Accept("0")) {
    if (Accept("xX")) {
      digits = "0123456789abcdefABCDEF_";
    } else if (Accept("oO")) {
      digits = "01234567_";
    } else if (Accept("bB")) {
      digits = "01_";
    }
  }
  AcceptRun(digits);
  if (Accept(".")) AcceptRun(digits);
  if (digits.size() == 10 + 1 && Accept("eE")) {
    Accept("+-");
    AcceptRun("0123456789_");
  }
  if (digits.size() == 16 + 6 + 1 && Accept("pP")) {
    Accept("+-");
    AcceptRun("0123456789_");
  }
  Accept("i");
  if (IsAlphaNumeric(Peek())) {
    NextRune();
    return false;
  }
  return true;
}

Item Lexer::LexFieldOrVariable(ItemType t, bool* emitted) {
  *emitted = true;
  state_ = State::kInsideAction;
  if (AtTerminator()) return Emit(t == ItemType::kVariable ? ItemType::kVariable : ItemType::kDot);
  char32_t r;
  for (;;) {
    r = NextRune();
    if (!IsAlphaNumeric(r)) {
      Backup();
      break;
    }
  }
  if (!AtTerminator()) return Errorf("bad character " + FormatRuneU(r));
  return Emit(t);
}

Item Lexer::Step(bool* emitted) {
  *emitted = false;
  switch (state_) {
    case State::kDone:
      *emitted = true;
      return Emit(ItemType::kEOF);

    case State::kText: {
      width_ = 0;
      const size_t x = input_.find(left_, pos_);
      if (x != std::string_view::npos) {
        pos_ = x;
        size_t trim = 0;
        if (HasLeftTrimMarker(input_.substr(pos_ + left_.size()))) {
          trim = RightTrimLength(input_.substr(start_, pos_ - start_));
        }
        pos_ -= trim;
        Item item;
        if (pos_ > start_) {
          line_ += CountNewlines(input_.substr(start_, pos_ - start_));
          item = Emit(ItemType::kText);
          *emitted = true;
        }
        pos_ += trim;
        Ignore();
        state_ = State::kLeftDelim;
        return item;
      }
      pos_ = input_.size();
      state_ = State::kDone;
      if (pos_ > start_) {
        line_ += CountNewlines(input_.substr(start_, pos_ - start_));
        *emitted = true;
        return Emit(ItemType::kText);
      }
      *emitted = true;
      return Emit(ItemType::kEOF);
    }

    case State::kLeftDelim: {
      pos_ += left_.size();
      const bool trim = HasLeftTrimMarker(input_.substr(pos_));
      const size_t after_marker = trim ? kTrimMarkerLen : 0;
      if (input_.substr(pos_ + after_marker).starts_with(kLeftComment)) {
        pos_ += after_marker;
        Ignore();
        state_ = State::kComment;
        return {};
      }
      Item item = Emit(ItemType::kLeftDelim);
      *emitted = true;
      state_ = State::kInsideAction;
      pos_ += after_marker;
      Ignore();
      paren_depth_ = 0;
      return item;
    }

    case State::kComment: {
      pos_ += kLeftComment.size();
      const size_t i = input_.find(kRightComment, pos_);
      if (i == std::string_view::npos) {
        *emitted = true;
        return Errorf("unclosed comment");
      }
      pos_ = i + kRightComment.size();
      auto [delim, trim] = AtRightDelim();
      if (!delim) {
        *emitted = true;
        return Errorf("comment ends before closing delimiter");
      }
      Item item;
      if (emit_comments_) {
        item = Emit(ItemType::kComment);
        *emitted = true;
      }
      if (trim) pos_ += kTrimMarkerLen;
      pos_ += right_.size();
      if (trim) pos_ += LeftTrimLength(input_.substr(pos_));
      Ignore();
      state_ = State::kText;
      return item;
    }

    case State::kRightDelim: {
      const bool trim = HasRightTrimMarker(input_.substr(pos_));
      if (trim) {
        pos_ += kTrimMarkerLen;
        Ignore();
      }
      pos_ += right_.size();
      Item item = Emit(ItemType::kRightDelim);
      *emitted = true;
      if (trim) {
        pos_ += LeftTrimLength(input_.substr(pos_));
        Ignore();
      }
      state_ = State::kText;
      return item;
    }

    case State::kInsideAction: {
      if (AtRightDelim().first) {
        if (paren_depth_ == 0) {
          state_ = State::kRightDelim;
          return {};
        }
        *emitted = true;
        return Errorf("unclosed left paren");
      }
      const char32_t r = NextRune();
      if (r == kEof) {
        *emitted = true;
        return Errorf("unclosed action");
      }
      if (IsSpace(r)) {
        Backup();
        state_ = State::kSpace;
        return {};
      }
      switch (r) {
        case '=':
          *emitted = true;
          return Emit(ItemType::kAssign);
        case ':':
          *emitted = true;
          if (NextRune() != '=') return Errorf("expected :=");
          return Emit(ItemType::kDeclare);
        case '|':
          *emitted = true;
          return Emit(ItemType::kPipe);
        case '"':
          state_ = State::kQuote;
          return {};
        case '`':
          state_ = State::kRawQuote;
          return {};
        case '$':
          state_ = State::kVariable;
          return {};
        case '\'':
          state_ = State::kChar;
          return {};
        case '(':
          paren_depth_++;
          *emitted = true;
          return Emit(ItemType::kLeftParen);
        case ')': {
          *emitted = true;
          Item item = Emit(ItemType::kRightParen);
          paren_depth_--;
          if (paren_depth_ < 0) return Errorf("unexpected right paren " + FormatRuneU(r));
          return item;
        }
        default:
          break;
      }
      if (r == '.') {
        if (pos_ < input_.size()) {
          const char c = input_[pos_];
          if (c < '0' || c > '9') {
            state_ = State::kField;
            return {};
          }
        }
        Backup();
        state_ = State::kNumber;
        return {};
      }
      if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
        Backup();
        state_ = State::kNumber;
        return {};
      }
      if (IsAlphaNumeric(r)) {
        Backup();
        state_ = State::kIdentifier;
        return {};
      }
      *emitted = true;
      if (r < 0x80 && IsGoPrint(r)) return Emit(ItemType::kChar);
      return Errorf("unrecognized character in action: " + FormatRuneU(r));
    }

    case State::kSpace: {
      int spaces = 0;
      while (IsSpace(Peek())) {
        NextRune();
        spaces++;
      }
      // A space may start a trim-marked closing delimiter: " -}}".
      if (HasRightTrimMarker(input_.substr(pos_ - 1)) &&
          input_.substr(pos_ - 1 + kTrimMarkerLen).starts_with(right_)) {
        Backup();
        if (spaces == 1) {
          state_ = State::kRightDelim;
          return {};
        }
      }
      *emitted = true;
      state_ = State::kInsideAction;
      return Emit(ItemType::kSpace);
    }

    case State::kIdentifier: {
      *emitted = true;
      for (;;) {
        const char32_t r = NextRune();
        if (IsAlphaNumeric(r)) continue;
        Backup();
        const std::string_view word = input_.substr(start_, pos_ - start_);
        if (!AtTerminator()) return Errorf("bad character " + FormatRuneU(r));
        state_ = State::kInsideAction;
        const ItemType key = Keyword(word);
        if (key > ItemType::kKeyword) {
          if ((key == ItemType::kBreak && !break_ok_) ||
              (key == ItemType::kContinue && !continue_ok_)) {
            return Emit(ItemType::kIdentifier);
          }
          return Emit(key);
        }
        if (word[0] == '.') return Emit(ItemType::kField);
        if (word == "true" || word == "false") return Emit(ItemType::kBool);
        return Emit(ItemType::kIdentifier);
      }
    }

    case State::kField:
      return LexFieldOrVariable(ItemType::kField, emitted);

    case State::kVariable:
      if (AtTerminator()) {
        *emitted = true;
        state_ = State::kInsideAction;
        return Emit(ItemType::kVariable);
      }
      return LexFieldOrVariable(ItemType::kVariable, emitted);

    case State::kChar:
      *emitted = true;
      for (;;) {
        const char32_t r = NextRune();
        if (r == '\\') {
          const char32_t e = NextRune();
          if (e != kEof && e != '\n') continue;
          return Errorf("unterminated character constant");
        }
        if (r == kEof || r == '\n') return Errorf("unterminated character constant");
        if (r == '\'') break;
      }
      state_ = State::kInsideAction;
      return Emit(ItemType::kCharConstant);

    case State::kNumber: {
      *emitted = true;
      if (!ScanNumber()) {
        return Errorf("bad number syntax: " + GoQuoteString(input_.substr(start_, pos_ - start_)));
      }
      const char32_t sign = Peek();
      if (sign == '+' || sign == '-') {
        if (!ScanNumber() || input_[pos_ - 1] != 'i') {
          return Errorf("bad number syntax: " +
                        GoQuoteString(input_.substr(start_, pos_ - start_)));
        }
        state_ = State::kInsideAction;
        return Emit(ItemType::kComplex);
      }
      state_ = State::kInsideAction;
      return Emit(ItemType::kNumber);
    }

    case State::kQuote:
      *emitted = true;
      for (;;) {
        const char32_t r = NextRune();
        if (r == '\\') {
          const char32_t e = NextRune();
          if (e != kEof && e != '\n') continue;
          return Errorf("unterminated quoted string");
        }
        if (r == kEof || r == '\n') return Errorf("unterminated quoted string");
        if (r == '"') break;
      }
      state_ = State::kInsideAction;
      return Emit(ItemType::kString);

    case State::kRawQuote:
      *emitted = true;
      for (;;) {
        const char32_t r = NextRune();
        if (r == kEof) return Errorf("unterminated raw quoted string");
        if (r == '`') break;
      }
      state_ = State::kInsideAction;
      return Emit(ItemType::kRawString);
  }
  return {};
}

Item Lexer::Next() {
  for (;;) {
    bool emitted = false;
    Item item = Step(&emitted);
    if (emitted) return item;
  }
}

}  // namespace tocsin::tmpl
