#include "notifiers/go_json.h"

#include <charconv>
#include <cmath>

#include "storage/base/strings.h"

namespace tocsin::notifiers {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendUnicodeEscape(std::string& out, unsigned code) {
  out += "\\u";
  out += kHex[(code >> 12) & 0xF];
  out += kHex[(code >> 8) & 0xF];
  out += kHex[(code >> 4) & 0xF];
  out += kHex[code & 0xF];
}

void AppendValue(std::string& out, const nlohmann::ordered_json& v) {
  using Type = nlohmann::ordered_json::value_t;
  switch (v.type()) {
    case Type::null:
    case Type::discarded:
      out += "null";
      return;
    case Type::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case Type::number_integer:
      out += std::to_string(v.get<int64_t>());
      return;
    case Type::number_unsigned:
      out += std::to_string(v.get<uint64_t>());
      return;
    case Type::number_float:
      AppendGoJsonFloat(out, v.get<double>());
      return;
    case Type::string:
      AppendGoJsonString(out, v.get_ref<const std::string&>());
      return;
    case Type::binary:
      out += "null";
      return;
    case Type::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ',';
        first = false;
        AppendValue(out, item);
      }
      out += ']';
      return;
    }
    case Type::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : v.items()) {
        if (!first) out += ',';
        first = false;
        AppendGoJsonString(out, key);
        out += ':';
        AppendValue(out, item);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

void AppendGoJsonString(std::string& out, std::string_view s) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      switch (b) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
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
        case '<':
        case '>':
        case '&':
          AppendUnicodeEscape(out, b);
          break;
        default:
          if (b < 0x20) {
            AppendUnicodeEscape(out, b);
          } else {
            out += static_cast<char>(b);
          }
      }
      ++i;
      continue;
    }
    size_t start = i;
    bool valid = true;
    char32_t rune = DecodeRune(s, i, &valid);
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

void AppendGoJsonFloat(std::string& out, double v) {
  if (!std::isfinite(v)) {
    // Go refuses to marshal these; null keeps the document valid.
    out += "null";
    return;
  }
  double abs = std::fabs(v);
  bool exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v,
                           exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string text(buf, res.ptr);
  if (exponent) {
    // Go prints at least two exponent digits, then trims "e-07" to "e-7".
    size_t n = text.size();
    if (n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0') {
      text.erase(n - 2, 1);
    }
  }
  out += text;
}

std::string GoJsonMarshal(const nlohmann::ordered_json& value) {
  std::string out;
  AppendValue(out, value);
  return out;
}

std::string GoJsonEncode(const nlohmann::ordered_json& value) {
  std::string out = GoJsonMarshal(value);
  out += '\n';
  return out;
}

nlohmann::ordered_json SortedObject(const nlohmann::json& value) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::object: {
      // nlohmann::json keeps object keys in a std::map: already in Go's bytewise order.
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      for (const auto& [key, item] : value.items()) out[key] = SortedObject(item);
      return out;
    }
    case Type::array: {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const auto& item : value) out.push_back(SortedObject(item));
      return out;
    }
    case Type::string:
      return value.get<std::string>();
    case Type::boolean:
      return value.get<bool>();
    case Type::number_integer:
      return value.get<int64_t>();
    case Type::number_unsigned:
      return value.get<uint64_t>();
    case Type::number_float:
      return value.get<double>();
    default:
      return nullptr;
  }
}

}  // namespace tocsin::notifiers
