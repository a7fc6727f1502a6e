#include "engine/template/escape.h"

#include <cstdio>

#include "engine/template/go_strconv.h"
#include "engine/template/unicode_text.h"
#include "storage/base/strings.h"

namespace tocsin::tmpl {

namespace {

constexpr const char* kUpperHex = "0123456789ABCDEF";

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void AppendHTMLEscaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out.push_back(c);
    }
  }
}

void AppendJSEscaped(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '\\':
          out += "\\\\";
          continue;
        case '\'':
          out += "\\'";
          continue;
        case '"':
          out += "\\\"";
          continue;
        case '<':
          out += "\\u003C";
          continue;
        case '>':
          out += "\\u003E";
          continue;
        case '&':
          out += "\\u0026";
          continue;
        case '=':
          out += "\\u003D";
          continue;
        default:
          break;
      }
      if (c < ' ') {
        out += "\\u00";
        out.push_back(kUpperHex[c >> 4]);
        out.push_back(kUpperHex[c & 0xF]);
      } else {
        out.push_back(static_cast<char>(c));
      }
      continue;
    }
    const size_t start = i;
    const char32_t r = DecodeRune(s, i);
    if (IsGoPrint(r)) {
      out.append(s.substr(start, i - start));
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(r));
      out += buf;
    }
  }
}

void AppendQueryEscaped(std::string& out, std::string_view s) {
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kUpperHex[c >> 4]);
      out.push_back(kUpperHex[c & 0xF]);
    }
  }
}

Result<std::string> QueryUnescape(std::string_view s) {
  // Validate first, as Go does, so the error names the first bad escape.
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() + 0 || HexDigit(s[i + 1]) < 0 || HexDigit(s[i + 2]) < 0) {
        return Error{"invalid URL escape " + GoQuoteString(s.substr(i, 3))};
      }
      i += 3;
    } else {
      ++i;
    }
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      out.push_back(static_cast<char>(HexDigit(s[i + 1]) << 4 | HexDigit(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace tocsin::tmpl
