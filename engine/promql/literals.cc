#include "engine/promql/literals.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "storage/base/strings.h"

namespace tocsin::promql {

namespace {

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
bool IsDecDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsHexDigit(char c) {
  return IsDecDigit(c) || (Lower(c) >= 'a' && Lower(c) <= 'f');
}

Error NumError(const char* func, std::string_view s, const char* what) {
  return Error{std::string("strconv.") + func + ": parsing " + GoQuote(s) + ": " + what};
}

// Go's rule: underscores only between digits, or between a base prefix and a digit.
bool UnderscoresOk(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    if (IsDecDigit(s[i]) || (hex && IsHexDigit(s[i]))) {
      saw = '0';
      continue;
    }
    if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// strconv.ParseInt(s, 0, 64). Returns false when s is not an integer that fits.
bool ParseGoInt(std::string_view s, int64_t* out) {
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return false;
  unsigned base = 10;
  bool prefixed = false;
  if (body[0] == '0') {
    if (body.size() >= 2 && Lower(body[1]) == 'x') {
      base = 16, body.remove_prefix(2), prefixed = true;
    } else if (body.size() >= 2 && Lower(body[1]) == 'o') {
      base = 8, body.remove_prefix(2), prefixed = true;
    } else if (body.size() >= 2 && Lower(body[1]) == 'b') {
      base = 2, body.remove_prefix(2), prefixed = true;
    } else if (body.size() >= 2) {
      base = 8, body.remove_prefix(1), prefixed = true;
    }
  }
  (void)prefixed;
  if (body.empty()) return false;
  bool underscores = false;
  uint64_t v = 0;
  const uint64_t limit = neg ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
  for (char c : body) {
    if (c == '_') {
      underscores = true;
      continue;
    }
    unsigned d;
    if (IsDecDigit(c)) {
      d = static_cast<unsigned>(c - '0');
    } else if (Lower(c) >= 'a' && Lower(c) <= 'z') {
      d = static_cast<unsigned>(Lower(c) - 'a' + 10);
    } else {
      return false;
    }
    if (d >= base) return false;
    if (v > (limit - d) / base) return false;  // out of range
    v = v * base + d;
  }
  if (underscores && !UnderscoresOk(s)) return false;
  *out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// strconv.ParseFloat(s, 64).
Result<double> ParseGoFloat(std::string_view s) {
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (EqualFold(body, "inf") || EqualFold(body, "infinity")) {
    return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (EqualFold(body, "nan") && s.size() == body.size()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  // Validate the Go literal syntax, then let strtod do the rounding.
  std::string clean;
  bool underscores = false;
  size_t i = 0;
  const bool hex = body.size() > 2 && body[0] == '0' && Lower(body[1]) == 'x';
  if (hex) i = 2;
  bool digits = false, dot = false, exp = false;
  for (; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '_') {
      underscores = true;
      continue;
    }
    if (c == '.' && !dot && !exp) {
      dot = true;
      continue;
    }
    if (!exp && (hex ? IsHexDigit(c) : IsDecDigit(c))) {
      digits = true;
      continue;
    }
    if (!exp && Lower(c) == (hex ? 'p' : 'e') && digits) {
      exp = true;
      if (i + 1 < body.size() && (body[i + 1] == '+' || body[i + 1] == '-')) ++i;
      if (i + 1 >= body.size()) return NumError("ParseFloat", s, "invalid syntax");
      for (size_t j = i + 1; j < body.size(); ++j) {
        if (!IsDecDigit(body[j]) && body[j] != '_') {
          return NumError("ParseFloat", s, "invalid syntax");
        }
        if (body[j] == '_') underscores = true;
      }
      break;
    }
    return NumError("ParseFloat", s, "invalid syntax");
  }
  if (!digits || (hex && !exp)) return NumError("ParseFloat", s, "invalid syntax");
  if (underscores && !UnderscoresOk(s)) return NumError("ParseFloat", s, "invalid syntax");
  for (char c : s) {
    if (c != '_') clean += c;
  }
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) return NumError("ParseFloat", s, "invalid syntax");
  if (std::isinf(v)) return NumError("ParseFloat", s, "value out of range");
  return v;
}

}  // namespace

Result<double> ParseNumber(std::string_view s) {
  int64_t i = 0;
  if (ParseGoInt(s, &i)) return static_cast<double>(i);
  return ParseGoFloat(s);
}

Result<uint64_t> ParseUint(std::string_view s) {
  if (s.empty()) return NumError("ParseUint", s, "invalid syntax");
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDecDigit(c)) return NumError("ParseUint", s, "invalid syntax");
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) {
      return NumError("ParseUint", s, "value out of range");
    }
    v = v * 10 + d;
  }
  return v;
}

Result<std::string> UnquoteString(std::string_view s) {
  auto invalid = [] { return Error{"invalid syntax"}; };
  if (s.size() < 2) return invalid();
  const char quote = s.front();
  if (quote != s.back() || (quote != '"' && quote != '\'' && quote != '`')) return invalid();
  std::string_view body = s.substr(1, s.size() - 2);
  if (quote == '`') {
    if (body.find('`') != std::string_view::npos) return invalid();
    std::string out;
    out.reserve(body.size());
    for (char c : body) {
      if (c != '\r') out += c;  // Go drops carriage returns from raw strings
    }
    return out;
  }
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size();) {
    const char c = body[i];
    if (c == quote || c == '\n') return invalid();
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    if (++i >= body.size()) return invalid();
    const char e = body[i++];
    switch (e) {
      case 'a':
        out += '\a';
        continue;
      case 'b':
        out += '\b';
        continue;
      case 'f':
        out += '\f';
        continue;
      case 'n':
        out += '\n';
        continue;
      case 'r':
        out += '\r';
        continue;
      case 't':
        out += '\t';
        continue;
      case 'v':
        out += '\v';
        continue;
      case '\\':
        out += '\\';
        continue;
      case '\'':
      case '"':
        if (e != quote) return invalid();
        out += e;
        continue;
      default:
        break;
    }
    int n = 0;
    unsigned base = 16;
    if (e == 'x') {
      n = 2;
    } else if (e == 'u') {
      n = 4;
    } else if (e == 'U') {
      n = 8;
    } else if (e >= '0' && e <= '7') {
      n = 2;
      base = 8;
    } else {
      return invalid();
    }
    uint32_t v = base == 8 ? static_cast<uint32_t>(e - '0') : 0;
    for (int k = 0; k < n; ++k) {
      if (i >= body.size()) return invalid();
      const char d = body[i++];
      uint32_t dv;
      if (IsDecDigit(d)) {
        dv = static_cast<uint32_t>(d - '0');
      } else if (IsHexDigit(d)) {
        dv = static_cast<uint32_t>(Lower(d) - 'a' + 10);
      } else {
        return invalid();
      }
      if (dv >= base) return invalid();
      v = v * base + dv;
    }
    if (e == 'x' || base == 8) {
      if (v > 255) return invalid();
      out += static_cast<char>(v);  // a raw byte, as Go keeps it
    } else {
      if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return invalid();
      AppendRune(out, static_cast<char32_t>(v));
    }
  }
  return out;
}

}  // namespace tocsin::promql
