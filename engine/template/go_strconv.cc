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

// A decimal digit string d[0..nd) with the decimal point after dp digits: the value is
// 0.d * 10^dp. Zero has no digits. Mirrors strconv's decimalSlice.
struct Digits {
  std::string d;
  int dp = 0;
};

// Parses std::to_chars's scientific output ("1.2345e+06", "5e-324") into digits.
Digits FromScientific(std::string_view s) {
  Digits out;
  const size_t e = s.find('e');
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') out.d.push_back(s[i]);
  }
  int exp = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exp);
  out.dp = exp + 1;
  while (!out.d.empty() && out.d.back() == '0') out.d.pop_back();
  if (out.d.empty()) out.dp = 0;
  return out;
}

// Shortest digits that read back as v (v finite, non-negative).
Digits ShortestDigits(double v) {
  if (v == 0) return {};
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  return FromScientific(std::string_view(buf, res.ptr - buf));
}

// v correctly rounded (half to even on exact ties) to n significant digits, n >= 1.
Digits SignificantDigits(double v, int n) {
  if (v == 0) return {};
  std::string buf(static_cast<size_t>(n) + 32, '\0');
  auto res =
      std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::scientific, n - 1);
  return FromScientific(std::string_view(buf.data(), res.ptr - buf.data()));
}

void FmtE(std::string& out, bool neg, const Digits& d, int prec, char fmt) {
  if (neg) out.push_back('-');
  out.push_back(d.d.empty() ? '0' : d.d[0]);
  if (prec > 0) {
    out.push_back('.');
    int i = 1;
    const int m = std::min(static_cast<int>(d.d.size()), prec + 1);
    if (i < m) {
      out.append(d.d, static_cast<size_t>(i), static_cast<size_t>(m - i));
      i = m;
    }
    for (; i <= prec; ++i) out.push_back('0');
  }
  out.push_back(fmt);
  int exp = d.d.empty() ? 0 : d.dp - 1;
  if (exp < 0) {
    out.push_back('-');
    exp = -exp;
  } else {
    out.push_back('+');
  }
  if (exp < 10) {
    out.push_back('0');
    out.push_back(static_cast<char>('0' + exp));
  } else if (exp < 100) {
    out.push_back(static_cast<char>('0' + exp / 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else {
    out.push_back(static_cast<char>('0' + exp / 100));
    out.push_back(static_cast<char>('0' + exp / 10 % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  }
}

void FmtF(std::string& out, bool neg, const Digits& d, int prec) {
  if (neg) out.push_back('-');
  const int nd = static_cast<int>(d.d.size());
  if (d.dp > 0) {
    int m = std::min(nd, d.dp);
    out.append(d.d, 0, static_cast<size_t>(m));
    for (; m < d.dp; ++m) out.push_back('0');
  } else {
    out.push_back('0');
  }
  if (prec > 0) {
    out.push_back('.');
    for (int i = 1; i <= prec; ++i) {
      const int j = d.dp + i - 1;
      out.push_back(j >= 0 && j < nd ? d.d[static_cast<size_t>(j)] : '0');
    }
  }
}

// strconv's %g: %e for large and small exponents, %f otherwise.
void FmtG(std::string& out, bool neg, const Digits& d, int prec, bool shortest, char fmt) {
  const int nd = static_cast<int>(d.d.size());
  int eprec = prec;
  if (eprec > nd && nd >= d.dp) eprec = nd;
  if (shortest) eprec = 6;
  const int exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > nd) prec = nd;
    FmtE(out, neg, d, prec - 1, fmt == 'g' ? 'e' : 'E');
    return;
  }
  if (prec > d.dp) prec = nd;
  FmtF(out, neg, d, std::max(prec - d.dp, 0));
}

void AppendDecimal(std::string& out, uint64_t u) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, u);
  out.append(buf, res.ptr);
}

// %b: decimal mantissa, binary exponent ("4503599627370496p-52").
void FmtB(std::string& out, bool neg, uint64_t mant, int exp) {
  if (neg) out.push_back('-');
  AppendDecimal(out, mant);
  out.push_back('p');
  exp -= 52;
  if (exp >= 0) out.push_back('+');
  if (exp < 0) {
    out.push_back('-');
    AppendDecimal(out, static_cast<uint64_t>(-exp));
  } else {
    AppendDecimal(out, static_cast<uint64_t>(exp));
  }
}

// %x: -0x1.yyyyp±dd.
void FmtX(std::string& out, int prec, char fmt, bool neg, uint64_t mant, int exp) {
  if (mant == 0) exp = 0;
  mant <<= 60 - 52;
  while (mant != 0 && (mant & (uint64_t{1} << 60)) == 0) {
    mant <<= 1;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const unsigned shift = static_cast<unsigned>(prec * 4);
    const uint64_t extra = (mant << shift) & ((uint64_t{1} << 60) - 1);
    mant >>= 60 - shift;
    if ((extra | (mant & 1)) > (uint64_t{1} << 59)) mant++;
    mant <<= 60 - shift;
    if (mant & (uint64_t{1} << 61)) {
      mant >>= 1;
      exp++;
    }
  }
  const char* hex = fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  if (neg) out.push_back('-');
  out.push_back('0');
  out.push_back(fmt);
  out.push_back(static_cast<char>('0' + ((mant >> 60) & 1)));
  mant <<= 4;
  if (prec < 0 && mant != 0) {
    out.push_back('.');
    while (mant != 0) {
      out.push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  } else if (prec > 0) {
    out.push_back('.');
    for (int i = 0; i < prec; ++i) {
      out.push_back(hex[(mant >> 60) & 15]);
      mant <<= 4;
    }
  }
  out.push_back(fmt == 'X' ? 'P' : 'p');
  if (exp < 0) {
    out.push_back('-');
    exp = -exp;
  } else {
    out.push_back('+');
  }
  if (exp < 100) {
    out.push_back(static_cast<char>('0' + exp / 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else if (exp < 1000) {
    out.push_back(static_cast<char>('0' + exp / 100));
    out.push_back(static_cast<char>('0' + exp / 10 % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  } else {
    out.push_back(static_cast<char>('0' + exp / 1000));
    out.push_back(static_cast<char>('0' + exp / 100 % 10));
    out.push_back(static_cast<char>('0' + exp / 10 % 10));
    out.push_back(static_cast<char>('0' + exp % 10));
  }
}

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

void AppendGoFloat(std::string& out, double v, char fmt, int prec) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  const uint64_t bits = std::bit_cast<uint64_t>(v);
  const bool neg = bits >> 63;
  if (fmt == 'b' || fmt == 'x' || fmt == 'X') {
    int exp = static_cast<int>((bits >> 52) & 0x7FF);
    uint64_t mant = bits & ((uint64_t{1} << 52) - 1);
    if (exp == 0) {
      exp++;
    } else {
      mant |= uint64_t{1} << 52;
    }
    exp -= 1023;
    if (fmt == 'b') {
      FmtB(out, neg, mant, exp);
    } else {
      FmtX(out, prec, fmt, neg, mant, exp);
    }
    return;
  }
  const double a = std::fabs(v);
  if (prec < 0) {
    const Digits d = ShortestDigits(a);
    const int nd = static_cast<int>(d.d.size());
    switch (fmt) {
      case 'e':
      case 'E':
        FmtE(out, neg, d, std::max(nd - 1, 0), fmt);
        return;
      case 'f':
        FmtF(out, neg, d, std::max(nd - d.dp, 0));
        return;
      case 'g':
      case 'G':
        FmtG(out, neg, d, nd, /*shortest=*/true, fmt);
        return;
      default:
        break;
    }
  } else {
    switch (fmt) {
      case 'e':
      case 'E':
        FmtE(out, neg, SignificantDigits(a, prec + 1), prec, fmt);
        return;
      case 'f': {
        // Exact decimal expansion rounded half to even, as strconv's bigFtoa does.
        std::string buf(static_cast<size_t>(prec) + 330, '\0');
        auto res =
            std::to_chars(buf.data(), buf.data() + buf.size(), a, std::chars_format::fixed, prec);
        if (neg) out.push_back('-');
        out.append(buf.data(), res.ptr);
        return;
      }
      case 'g':
      case 'G': {
        if (prec == 0) prec = 1;
        FmtG(out, neg, SignificantDigits(a, prec), prec, /*shortest=*/false, fmt);
        return;
      }
      default:
        break;
    }
  }
  out.push_back('%');
  out.push_back(fmt);
}

std::string FormatGoFloat(double v, char fmt, int prec) {
  std::string out;
  AppendGoFloat(out, v, fmt, prec);
  return out;
}

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
