#include "storage/base/strings.h"

#include <cstdio>

namespace tocsin {

char32_t DecodeRune(std::string_view s, size_t& i, bool* valid) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  auto fail = [&]() -> char32_t {
    if (valid) *valid = false;
    ++i;
    return 0xFFFD;
  };
  if (valid) *valid = true;
  if (c < 0x80) {
    ++i;
    return c;
  }
  int n;
  char32_t r;
  if ((c & 0xE0) == 0xC0) {
    n = 1;
    r = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2;
    r = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3;
    r = c & 0x07;
  } else {
    return fail();
  }
  for (int k = 1; k <= n; ++k) {
    if (i + k >= s.size() || (byte(i + k) & 0xC0) != 0x80) return fail();
    r = (r << 6) | (byte(i + k) & 0x3F);
  }
  // Reject overlong encodings, surrogates and values beyond U+10FFFF.
  static constexpr char32_t kMin[4] = {0, 0x80, 0x800, 0x10000};
  if (r < kMin[n] || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return fail();
  i += n + 1;
  return r;
}

void AppendRune(std::string& out, char32_t r) {
  if (r < 0x80) {
    out.push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (r >> 6)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (r >> 12)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (r >> 18)));
    out.push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

namespace {

// An approximation of Go's unicode.IsPrint good for label values: ASCII graphic characters and
// space, and every non-ASCII rune except the C1 controls, the soft hyphen, unassigned
// surrogate-adjacent noncharacters, line/paragraph separators and the BOM.
bool IsPrintRune(char32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  if (r < 0xA0) return false;
  if (r == 0xAD || r == 0x2028 || r == 0x2029 || r == 0xFEFF) return false;
  if (r >= 0xFFF9 && r <= 0xFFFB) return false;
  if ((r & 0xFFFE) == 0xFFFE) return false;  // U+xxFFFE and U+xxFFFF are noncharacters
  if (r >= 0xE000 && r <= 0xF8FF) return false;  // private use
  if (r >= 0x200B && r <= 0x200F) return false;  // zero-width and direction marks
  return true;
}

}  // namespace

void AppendGoQuoted(std::string& out, std::string_view s) {
  out.push_back('"');
  char buf[16];
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\a': out += "\\a"; continue;
        case '\b': out += "\\b"; continue;
        case '\f': out += "\\f"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        case '\v': out += "\\v"; continue;
        default: break;
      }
      if (c >= 0x20 && c < 0x7F) {
        out.push_back(static_cast<char>(c));
      } else {
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        out += buf;
      }
      continue;
    }
    const size_t start = i;
    bool valid = true;
    const char32_t r = DecodeRune(s, i, &valid);
    if (!valid) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else if (IsPrintRune(r)) {
      out.append(s.substr(start, i - start));
    } else if (r < 0x10000) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(r));
      out += buf;
    } else {
      std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(r));
      out += buf;
    }
  }
  out.push_back('"');
}

std::string GoQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendGoQuoted(out, s);
  return out;
}

}  // namespace tocsin
