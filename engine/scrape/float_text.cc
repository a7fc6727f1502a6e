#include "engine/scrape/float_text.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace tocsin::scrape {
namespace {

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Length of the common prefix of s and the lower-case word, ignoring case.
size_t CommonPrefixIgnoreCase(std::string_view s, std::string_view word) {
  size_t n = 0;
  while (n < s.size() && n < word.size() && Lower(s[n]) == word[n]) ++n;
  return n;
}

// Go's strconv "special": [+-]inf, [+-]infinity, nan (no sign), any case, the whole string.
std::optional<double> ParseSpecial(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double sign = 1;
  std::string_view rest = s;
  if (s[0] == '+' || s[0] == '-') {
    if (s[0] == '-') sign = -1;
    rest = s.substr(1);
  } else if (Lower(s[0]) == 'n') {
    if (s.size() == 3 && CommonPrefixIgnoreCase(s, "nan") == 3) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return std::nullopt;
  }
  size_t n = CommonPrefixIgnoreCase(rest, "infinity");
  if (n > 3 && n < 8) n = 3;
  if ((n == 3 || n == 8) && n == rest.size()) {
    return sign * std::numeric_limits<double>::infinity();
  }
  return std::nullopt;
}

// strtod on a validated string: it handles the rounding of overflow and underflow as Go does
// (overflow is an error, underflow is not).
std::optional<double> StrtodChecked(std::string_view s) {
  std::string copy(s);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  if (errno == ERANGE && std::isinf(v)) return std::nullopt;
  return v;
}

std::optional<double> ParseDecimal(std::string_view s) {
  size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) i = 1;
  const size_t body = i;
  bool digits = false;
  while (i < s.size() && IsDigit(s[i])) ++i, digits = true;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, digits = true;
  }
  if (!digits) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i])) return std::nullopt;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i != s.size()) return std::nullopt;
  double v = 0;
  const char* first = s.data() + body;
  const char* last = s.data() + s.size();
  const auto r = std::from_chars(first, last, v, std::chars_format::general);
  if (r.ec == std::errc() && r.ptr == last) return negative ? -v : v;
  if (r.ec == std::errc::result_out_of_range) return StrtodChecked(s);
  return std::nullopt;
}

// Go's hexadecimal float syntax: [+-]0x mantissa (hex digits, optional point) p [+-] digits.
std::optional<double> ParseHex(std::string_view s) {
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) i = 1;
  if (s.size() < i + 2 || s[i] != '0' || Lower(s[i + 1]) != 'x') return std::nullopt;
  i += 2;
  bool digits = false;
  while (i < s.size() && IsHexDigit(s[i])) ++i, digits = true;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsHexDigit(s[i])) ++i, digits = true;
  }
  if (!digits || i >= s.size() || Lower(s[i]) != 'p') return std::nullopt;
  ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i >= s.size() || !IsDigit(s[i])) return std::nullopt;
  while (i < s.size() && IsDigit(s[i])) ++i;
  if (i != s.size()) return std::nullopt;
  return StrtodChecked(s);
}

}  // namespace

std::optional<double> ParseExpositionFloat(std::string_view s) {
  if (auto v = ParseSpecial(s)) return v;
  return ParseDecimal(s);
}

std::optional<double> ParseGoFloat64(std::string_view s) {
  if (auto v = ParseSpecial(s)) return v;
  if (auto v = ParseDecimal(s)) return v;
  return ParseHex(s);
}

std::string FormatOpenMetricsFloat(double v) {
  if (v == 1) return "1.0";
  if (v == 0) return "0.0";
  if (v == -1) return "-1.0";
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Go's 'g' with the shortest precision: scientific when the decimal exponent is < -4 or >= 6
  // (the precision Go assumes for shortest output), fixed otherwise; both use the shortest
  // digits that read back exactly, which std::to_chars also produces.
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  const size_t e = sci.find('e');
  int exponent = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exponent);
  std::string out;
  if (exponent < -4 || exponent >= 6) {
    out.assign(sci);
  } else {
    char fixed[64];
    auto f = std::to_chars(fixed, fixed + sizeof fixed, v, std::chars_format::fixed);
    out.assign(fixed, f.ptr);
  }
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

std::string NormalizeFloatLabelValue(std::string_view value) {
  if (auto v = ParseGoFloat64(value)) return FormatOpenMetricsFloat(*v);
  return std::string(value);
}

}  // namespace tocsin::scrape
