#include "storage/base/go_json.h"

#include <charconv>
#include <cmath>

#include "storage/base/strings.h"

namespace tocsin {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendUnicodeEscape(std::string& out, unsigned code) {
  out += "\\u";
  out += kHex[(code >> 12) & 0xF];
  out += kHex[(code >> 8) & 0xF];
  out += kHex[(code >> 4) & 0xF];
  out += kHex[code & 0xF];
}

// The escape of an ASCII byte, or null when it is written as is.
const char* AsciiEscape(unsigned char b) {
  switch (b) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    default:
      return nullptr;
  }
}

}  // namespace

void AppendGoJsonString(std::string& out, std::string_view s) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (const char* escape = AsciiEscape(b)) {
        out += escape;
      } else if (b < 0x20 || b == '<' || b == '>' || b == '&') {
        AppendUnicodeEscape(out, b);
      } else {
        out += static_cast<char>(b);
      }
      ++i;
      continue;
    }
    const size_t start = i;
    bool valid = true;
    const char32_t rune = DecodeRune(s, i, &valid);  // advances by one byte when invalid
    if (!valid) {
      out += "\\ufffd";
    } else if (rune == 0x2028 || rune == 0x2029) {
      AppendUnicodeEscape(out, static_cast<unsigned>(rune));
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  out += '"';
}

bool AppendGoJsonFloat(std::string& out, double v) {
  if (!std::isfinite(v)) return false;
  const double abs = std::fabs(v);
  const bool exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  // Shortest round-trip digits, as Go's strconv.AppendFloat(v, 'f' or 'e', -1, 64).
  char buf[64];
  const auto res =
      std::to_chars(buf, buf + sizeof buf, v,
                    exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
  const size_t n = text.size();
  if (exponent && n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0') {
    // encoding/json trims a negative two-digit exponent's zero: "e-07" becomes "e-7".
    out.append(text.substr(0, n - 2));
    out += text[n - 1];
  } else {
    out.append(text);
  }
  return true;
}

}  // namespace tocsin
