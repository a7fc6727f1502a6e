#include "engine/alertmanager_api/go_json_value.h"

#include <cstdio>
#include <vector>

#include "storage/base/strings.h"

namespace tocsin::alertmanager_api::internal {
namespace {

// encoding/json's limit on nesting.
constexpr size_t kMaxDepth = 10000;

bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool IsHex(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Go's quoteChar: the byte as a rune (Latin-1), quoted by strconv.Quote between single quotes.
std::string QuoteChar(unsigned char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  std::string inner;
  char buf[8];
  switch (c) {
    case '\a':
      inner = "\\a";
      break;
    case '\b':
      inner = "\\b";
      break;
    case '\f':
      inner = "\\f";
      break;
    case '\n':
      inner = "\\n";
      break;
    case '\r':
      inner = "\\r";
      break;
    case '\t':
      inner = "\\t";
      break;
    case '\v':
      inner = "\\v";
      break;
    case '\\':
      inner = "\\\\";
      break;
    default:
      if (c < 0x20 || c == 0x7f) {
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        inner = buf;
      } else if (c < 0x80) {
        inner = std::string(1, static_cast<char>(c));
      } else if (c < 0xa0 || c == 0xad) {  // not printable: C1 controls, soft hyphen
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        inner = buf;
      } else {  // U+00A0..U+00FF in UTF-8
        inner += static_cast<char>(0xc0 | (c >> 6));
        inner += static_cast<char>(0x80 | (c & 0x3f));
      }
  }
  return "'" + inner + "'";
}

std::string InvalidCharacter(unsigned char c, std::string_view context) {
  return "invalid character " + QuoteChar(c) + " " + std::string(context);
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  GoJsonValue Run() {
    GoJsonValue out;
    SkipSpace();
    if (i_ >= s_.size()) return out;  // kEmpty
    if (!Value()) return Fail(out);
    // The closing byte of the outermost value ends it; nothing after it is read.
    out.kind = GoJsonValue::Kind::kValue;
    out.end = i_;
    return out;
  }

 private:
  enum class Top { kObject, kArray };

  GoJsonValue Fail(GoJsonValue& out) {
    out.kind = GoJsonValue::Kind::kError;
    out.message = error_.empty() ? "unexpected EOF" : error_;
    return out;
  }

  void SkipSpace() {
    while (i_ < s_.size() && IsSpace(s_[i_])) ++i_;
  }
  bool AtEnd() const { return i_ >= s_.size(); }
  unsigned char Peek() const { return static_cast<unsigned char>(s_[i_]); }
  // Records Go's error for the byte at i_ (or "unexpected EOF" at the end) and returns false.
  bool Error(std::string_view context) {
    if (!AtEnd()) error_ = InvalidCharacter(Peek(), context);
    return false;
  }

  // One value (iteratively for containers, so that hostile nesting cannot overflow the stack).
  bool Value() {
    std::vector<Top> stack;
    while (true) {
      // Expecting the beginning of a value.
      SkipSpace();
      if (AtEnd()) return false;
      const unsigned char c = Peek();
      if (c == '{' || c == '[') {
        if (stack.size() >= kMaxDepth) {
          error_ = "exceeded max depth";
          return false;
        }
        ++i_;
        SkipSpace();
        if (c == '{') {
          stack.push_back(Top::kObject);
          if (AtEnd()) return false;
          if (Peek() == '}') {
            ++i_;
          } else {
            if (!Key()) return false;
            continue;
          }
        } else {
          stack.push_back(Top::kArray);
          if (AtEnd()) return false;
          if (Peek() == ']') {
            ++i_;
          } else {
            continue;
          }
        }
        stack.pop_back();
      } else if (!Scalar()) {
        return false;
      }
      // After a value: close containers or move to the next element.
      while (true) {
        if (stack.empty()) return true;
        SkipSpace();
        if (AtEnd()) return false;
        const unsigned char d = Peek();
        if (stack.back() == Top::kObject) {
          if (d == ',') {
            ++i_;
            SkipSpace();
            if (!Key()) return false;
            break;
          }
          if (d == '}') {
            ++i_;
            stack.pop_back();
            continue;
          }
          return Error("after object key:value pair");
        }
        if (d == ',') {
          ++i_;
          break;
        }
        if (d == ']') {
          ++i_;
          stack.pop_back();
          continue;
        }
        return Error("after array element");
      }
    }
  }

  // An object key and its colon; white space before the key is skipped by the caller.
  bool Key() {
    if (AtEnd()) return false;
    if (Peek() != '"') return Error("looking for beginning of object key string");
    if (!String()) return false;
    SkipSpace();
    if (AtEnd()) return false;
    if (Peek() != ':') return Error("after object key");
    ++i_;
    return true;
  }

  bool Scalar() {
    const unsigned char c = Peek();
    if (c == '"') return String();
    if (c == '-' || (c >= '0' && c <= '9')) return Number();
    if (c == 't') return Literal("true");
    if (c == 'f') return Literal("false");
    if (c == 'n') return Literal("null");
    return Error("looking for beginning of value");
  }

  bool String() {
    ++i_;  // the opening quote
    while (!AtEnd()) {
      const unsigned char c = Peek();
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c == '\\') {
        ++i_;
        if (AtEnd()) return false;
        const unsigned char e = Peek();
        if (e == 'u') {
          ++i_;
          for (int k = 0; k < 4; ++k) {
            if (AtEnd()) return false;
            if (!IsHex(Peek())) return Error("in \\u hexadecimal character escape");
            ++i_;
          }
          continue;
        }
        if (e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't' && e != '\\' && e != '/' &&
            e != '"') {
          return Error("in string escape code");
        }
        ++i_;
        continue;
      }
      if (c < 0x20) return Error("in string literal");
      ++i_;
    }
    return false;
  }

  bool Digits() {
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') ++i_;
    return true;
  }

  // A number ends at the first byte that cannot continue it; that byte is judged by what
  // follows a value. At the end of the body Go's decoder feeds a space, which completes it.
  bool Number() {
    if (Peek() == '-') {
      ++i_;
      if (AtEnd()) return false;
      if (!(Peek() >= '0' && Peek() <= '9')) return Error("in numeric literal");
    }
    if (Peek() == '0') {
      ++i_;
    } else {
      Digits();
    }
    if (!AtEnd() && Peek() == '.') {
      ++i_;
      if (AtEnd()) return false;
      if (!(Peek() >= '0' && Peek() <= '9')) {
        return Error("after decimal point in numeric literal");
      }
      Digits();
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      ++i_;
      if (AtEnd()) return false;
      if (Peek() == '+' || Peek() == '-') {
        ++i_;
        if (AtEnd()) return false;
      }
      if (!(Peek() >= '0' && Peek() <= '9')) return Error("in exponent of numeric literal");
      Digits();
    }
    return true;
  }

  bool Literal(std::string_view word) {
    ++i_;
    for (size_t k = 1; k < word.size(); ++k) {
      if (AtEnd()) return false;
      if (Peek() != static_cast<unsigned char>(word[k])) {
        return Error("in literal " + std::string(word) + " (expecting " + QuoteChar(word[k]) + ")");
      }
      ++i_;
    }
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
  std::string error_;
};

}  // namespace

GoJsonValue ReadGoJsonValue(std::string_view body) {
  return Scanner(body).Run();
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// The code unit of the \uXXXX escape at `i`, or -1 when there is none.
int EscapeAt(std::string_view s, size_t i) {
  if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return -1;
  int v = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    if (!IsHex(static_cast<unsigned char>(s[k]))) return -1;
    v = v * 16 + HexValue(s[k]);
  }
  return v;
}

}  // namespace

std::optional<std::string> ReplaceInvalidStringText(std::string_view s) {
  std::string out;
  bool changed = false, in_string = false;
  size_t copied = 0;  // s[copied, i) is still to be copied to out
  auto replace = [&](size_t i, size_t n) {
    out.append(s.substr(copied, i - copied));
    out += "\\ufffd";
    copied = i + n;
    changed = true;
  };
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (!in_string) {
      if (c == '"') in_string = true;
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = false;
      ++i;
    } else if (c == '\\') {
      const int unit = EscapeAt(s, i);
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const int next = EscapeAt(s, i + 6);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i += 12;  // a valid pair
        } else {
          replace(i, 6);
          i += 6;
        }
      } else if (unit >= 0xdc00 && unit <= 0xdfff) {
        replace(i, 6);
        i += 6;
      } else {
        i += unit >= 0 ? 6 : 2;
      }
    } else if (c >= 0x80) {
      // An invalid sequence is replaced one byte at a time, as Go decodes it.
      const size_t start = i;
      bool valid = true;
      DecodeRune(s, i, &valid);
      if (!valid) replace(start, 1);
    } else {
      ++i;
    }
  }
  if (!changed) return std::nullopt;
  out.append(s.substr(copied));
  return out;
}

}  // namespace tocsin::alertmanager_api::internal
