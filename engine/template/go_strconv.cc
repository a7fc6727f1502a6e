#include "engine/template/go_strconv.h"

#include <locale.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "engine/template/unicode_text.h"
#include "storage/base/strings.h"

namespace tocsin::tmpl {

namespace {

bool IsDigitIn(char c, int base) {
  if (c >= '0' && c <= '9') return c - '0' < base;
  const char l = static_cast<char>(c | 0x20);
  return base == 16 && l >= 'a' && l <= 'f';
}

// strconv's underscoreOK: underscores only between digits (or after the base prefix) of a
// base-prefixed literal.
bool UnderscoreOK(std::string_view s) {
  char saw = '^';  // ^ start, 0 digit or prefix, _ underscore, ! other
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0') {
    const char p = static_cast<char>(s[1] | 0x20);
    if (p == 'b' || p == 'o' || p == 'x') {
      hex = p == 'x';
      i = 2;
      saw = '0';
    }
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

Error NumError(const char* fn, std::string_view s, const char* what) {
  std::string msg = "strconv.";
  msg += fn;
  msg += ": parsing ";
  AppendGoQuote(msg, s, false);
  msg += ": ";
  msg += what;
  return Error{std::move(msg)};
}

locale_t CLocale() {
  static locale_t loc = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
  return loc;
}

bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  }
  return true;
}

// Validates Go float syntax and returns a string strtod understands.
bool CleanFloatSyntax(std::string_view s, std::string* clean) {
  size_t i = 0;
  std::string out;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) out.push_back(s[i++]);
  int base = 10;
  if (i + 1 < s.size() && s[i] == '0' && (s[i + 1] | 0x20) == 'x') {
    base = 16;
    out += "0x";
    i += 2;
  }
  bool underscores = false, digits = false, dot = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') {
      underscores = true;
      continue;
    }
    if (c == '.') {
      if (dot) return false;
      dot = true;
      out.push_back(c);
      continue;
    }
    if (IsDigitIn(c, base)) {
      digits = true;
      out.push_back(c);
      continue;
    }
    break;
  }
  if (!digits) return false;
  const char exp_char = base == 16 ? 'p' : 'e';
  if (i < s.size() && (s[i] | 0x20) == exp_char) {
    out.push_back(exp_char);
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) out.push_back(s[i++]);
    bool exp_digits = false;
    for (; i < s.size(); ++i) {
      if (s[i] == '_') {
        underscores = true;
        continue;
      }
      if (s[i] < '0' || s[i] > '9') break;
      exp_digits = true;
      out.push_back(s[i]);
    }
    if (!exp_digits) return false;
  } else if (base == 16) {
    return false;  // a hexadecimal mantissa needs a 'p' exponent
  }
  if (i != s.size()) return false;
  if (underscores && !UnderscoreOK(s)) return false;
  *clean = std::move(out);
  return true;
}

// strconv.ParseUint(s, 0, 64) on the unsigned part; `fn` and `s0` name the caller in errors.
Result<uint64_t> ParseUnsignedBase0(std::string_view s, const char* fn, std::string_view s0) {
  if (s.empty()) return NumError(fn, s0, "invalid syntax");
  int base = 10;
  if (s[0] == '0') {
    if (s.size() >= 3 && (s[1] | 0x20) == 'b') {
      base = 2, s.remove_prefix(2);
    } else if (s.size() >= 3 && (s[1] | 0x20) == 'o') {
      base = 8, s.remove_prefix(2);
    } else if (s.size() >= 3 && (s[1] | 0x20) == 'x') {
      base = 16, s.remove_prefix(2);
    } else {
      base = 8, s.remove_prefix(1);
    }
  }
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const uint64_t cutoff = max / static_cast<uint64_t>(base) + 1;
  uint64_t n = 0;
  bool underscores = false;
  for (char c : s) {
    unsigned d;
    const char l = static_cast<char>(c | 0x20);
    if (c == '_') {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') {
      d = static_cast<unsigned>(c - '0');
    } else if (l >= 'a' && l <= 'z') {
      d = static_cast<unsigned>(l - 'a' + 10);
    } else {
      return NumError(fn, s0, "invalid syntax");
    }
    if (d >= static_cast<unsigned>(base)) return NumError(fn, s0, "invalid syntax");
    if (n >= cutoff) return NumError(fn, s0, "value out of range");
    n *= static_cast<uint64_t>(base);
    const uint64_t n1 = n + d;
    if (n1 < n) return NumError(fn, s0, "value out of range");
    n = n1;
  }
  if (underscores && !UnderscoreOK(s0)) return NumError(fn, s0, "invalid syntax");
  return n;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const char l = static_cast<char>(c | 0x20);
  if (l >= 'a' && l <= 'f') return l - 'a' + 10;
  return -1;
}

bool ValidRune(char32_t r) {
  return r <= 0x10FFFF && !(r >= 0xD800 && r <= 0xDFFF);
}

void AppendEscapedRune(std::string& out, char32_t r, char quote, bool ascii_only) {
  static const char* kHex = "0123456789abcdef";
  if (r == static_cast<char32_t>(quote) || r == '\\') {
    out.push_back('\\');
    AppendRune(out, r);
    return;
  }
  if (ascii_only) {
    if (r < 0x80 && IsGoPrint(r)) {
      out.push_back(static_cast<char>(r));
      return;
    }
  } else if (IsGoPrint(r)) {
    AppendRune(out, r);
    return;
  }
  switch (r) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    default:
      break;
  }
  if (r < ' ' || r == 0x7F) {
    out += "\\x";
    out.push_back(kHex[(r >> 4) & 0xF]);
    out.push_back(kHex[r & 0xF]);
    return;
  }
  if (!ValidRune(r)) r = 0xFFFD;
  if (r < 0x10000) {
    out += "\\u";
    for (int s = 12; s >= 0; s -= 4) out.push_back(kHex[(r >> s) & 0xF]);
  } else {
    out += "\\U";
    for (int s = 28; s >= 0; s -= 4) out.push_back(kHex[(r >> s) & 0xF]);
  }
}

}  // namespace

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
  if (EqualFold(body, "nan") && body.size() == s.size()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  std::string clean;
  if (!CleanFloatSyntax(s, &clean)) return NumError("ParseFloat", s, "invalid syntax");
  errno = 0;
  char* end = nullptr;
  const double v = strtod_l(clean.c_str(), &end, CLocale());
  if (end != clean.c_str() + clean.size()) return NumError("ParseFloat", s, "invalid syntax");
  if (errno == ERANGE && std::isinf(v)) return NumError("ParseFloat", s, "value out of range");
  return v;
}

Result<int64_t> ParseGoInt(std::string_view s) {
  if (s.empty()) return NumError("ParseInt", s, "invalid syntax");
  std::string_view body = s;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  auto un = ParseUnsignedBase0(body, "ParseInt", s);
  if (!un.ok()) return un.error();
  const uint64_t cutoff = uint64_t{1} << 63;
  if (!neg && *un >= cutoff) return NumError("ParseInt", s, "value out of range");
  if (neg && *un > cutoff) return NumError("ParseInt", s, "value out of range");
  return neg ? static_cast<int64_t>(0 - *un) : static_cast<int64_t>(*un);
}

Result<uint64_t> ParseGoUint(std::string_view s) {
  return ParseUnsignedBase0(s, "ParseUint", s);
}

Result<char32_t> GoUnquoteChar(std::string_view& s, char quote) {
  const Error syntax{"invalid syntax"};
  if (s.empty()) return syntax;
  const unsigned char c = static_cast<unsigned char>(s[0]);
  if (c == static_cast<unsigned char>(quote) && (quote == '\'' || quote == '"')) return syntax;
  if (c >= 0x80) {
    size_t i = 0;
    const char32_t r = DecodeRune(s, i);
    s.remove_prefix(i);
    return r;
  }
  if (c != '\\') {
    s.remove_prefix(1);
    return static_cast<char32_t>(c);
  }
  if (s.size() <= 1) return syntax;
  const char e = s[1];
  s.remove_prefix(2);
  switch (e) {
    case 'a':
      return char32_t{'\a'};
    case 'b':
      return char32_t{'\b'};
    case 'f':
      return char32_t{'\f'};
    case 'n':
      return char32_t{'\n'};
    case 'r':
      return char32_t{'\r'};
    case 't':
      return char32_t{'\t'};
    case 'v':
      return char32_t{'\v'};
    case 'x':
    case 'u':
    case 'U': {
      const size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (s.size() < n) return syntax;
      char32_t v = 0;
      for (size_t j = 0; j < n; ++j) {
        const int h = HexValue(s[j]);
        if (h < 0) return syntax;
        v = (v << 4) | static_cast<char32_t>(h);
      }
      s.remove_prefix(n);
      if (e == 'x') return v;  // a single byte; the caller appends it raw
      if (!ValidRune(v)) return syntax;
      return v;
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      char32_t v = static_cast<char32_t>(e - '0');
      if (s.size() < 2) return syntax;
      for (size_t j = 0; j < 2; ++j) {
        const int d = s[j] - '0';
        if (d < 0 || d > 7) return syntax;
        v = (v << 3) | static_cast<char32_t>(d);
      }
      s.remove_prefix(2);
      if (v > 255) return syntax;
      return v;
    }
    case '\\':
      return char32_t{'\\'};
    case '\'':
    case '"':
      if (e != quote) return syntax;
      return static_cast<char32_t>(e);
    default:
      return syntax;
  }
}

Result<std::string> GoUnquote(std::string_view s) {
  const Error syntax{"invalid syntax"};
  if (s.size() < 2) return syntax;
  const char quote = s[0];
  if (quote != s.back()) return syntax;
  std::string_view body = s.substr(1, s.size() - 2);
  if (quote == '`') {
    if (body.find('`') != std::string_view::npos) return syntax;
    std::string out;
    out.reserve(body.size());
    for (char c : body) {
      if (c != '\r') out.push_back(c);
    }
    return out;
  }
  if (quote != '"' && quote != '\'') return syntax;
  if (body.find('\n') != std::string_view::npos) return syntax;
  std::string out;
  out.reserve(body.size());
  while (!body.empty()) {
    const bool is_hex_byte = body.size() >= 2 && body[0] == '\\' &&
                             (body[1] == 'x' || (body[1] >= '0' && body[1] <= '7'));
    auto r = GoUnquoteChar(body, quote);
    if (!r.ok()) return syntax;
    if (is_hex_byte) {
      out.push_back(static_cast<char>(*r));
    } else {
      AppendRune(out, *r);
    }
    if (quote == '\'' && !body.empty()) return syntax;  // one character only
  }
  return out;
}

void AppendGoQuote(std::string& out, std::string_view s, bool ascii_only) {
  static const char* kHex = "0123456789abcdef";
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      AppendEscapedRune(out, c, '"', ascii_only);
      ++i;
      continue;
    }
    bool valid = true;
    const size_t start = i;
    const char32_t r = DecodeRune(s, i, &valid);
    if (!valid) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
      i = start + 1;
      continue;
    }
    AppendEscapedRune(out, r, '"', ascii_only);
  }
  out.push_back('"');
}

void AppendGoQuoteRune(std::string& out, char32_t r, bool ascii_only) {
  if (!ValidRune(r)) r = 0xFFFD;
  out.push_back('\'');
  AppendEscapedRune(out, r, '\'', ascii_only);
  out.push_back('\'');
}

std::string GoQuoteString(std::string_view s) {
  std::string out;
  AppendGoQuote(out, s, false);
  return out;
}

bool GoCanBackquote(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '`' || c == 0x7F || (c < ' ' && c != '\t')) return false;
      ++i;
      continue;
    }
    bool valid = true;
    const char32_t r = DecodeRune(s, i, &valid);
    if (!valid || r == 0xFEFF) return false;
  }
  return true;
}

}  // namespace tocsin::tmpl
