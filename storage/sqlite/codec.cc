#include "storage/sqlite/codec.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>

namespace tocsin::sqlite {

namespace {

using nlohmann::json;

// Label values are arbitrary bytes in Prometheus; JSON text must be UTF-8. Replacing invalid
// sequences keeps a hostile label from making the whole write fail.
constexpr auto kDumpReplace = json::error_handler_t::replace;

Result<json> Parse(std::string_view text, std::string_view what) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Error{"stored " + std::string(what) +
                 " is not valid JSON: " + std::string(text.substr(0, 80))};
  }
  return j;
}

}  // namespace

// Encoding runs for every alert of every cycle, so it appends straight into one string
// instead of building a json object (a std::map) first; strings that are not valid UTF-8, rare,
// go through nlohmann's serializer with its replacement handling. Parsing stays with nlohmann.
void AppendJsonString(std::string& out, std::string_view s) {
  if (!IsValidUtf8(s)) {
    out += json(std::string(s)).dump(-1, ' ', false, kDumpReplace);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
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
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string EncodeLabels(const Labels& labels) {
  std::string out;
  out.reserve(2 + labels.size() * 24);
  out += '{';
  bool first = true;
  for (const Label& l : labels) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, l.name);
    out += ':';
    AppendJsonString(out, l.value);
  }
  out += '}';
  return out;
}

Result<Labels> DecodeLabels(std::string_view text) {
  auto j = Parse(text, "label set");
  if (!j.ok()) return j.error();
  if (!j->is_object()) return Error{"stored label set is not a JSON object"};
  std::vector<Label> labels;
  labels.reserve(j->size());
  for (auto it = j->begin(); it != j->end(); ++it) {
    if (!it.value().is_string()) return Error{"stored label " + it.key() + " is not a string"};
    labels.push_back({it.key(), it.value().get<std::string>()});
  }
  return Labels::FromVector(std::move(labels));
}

std::string EncodeStrings(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, values[i]);
  }
  out += ']';
  return out;
}

Result<std::vector<std::string>> DecodeStrings(std::string_view text) {
  if (text.empty()) return std::vector<std::string>{};
  auto j = Parse(text, "string list");
  if (!j.ok()) return j.error();
  if (!j->is_array()) return Error{"stored string list is not a JSON array"};
  std::vector<std::string> out;
  for (const auto& v : *j) {
    if (!v.is_string()) return Error{"stored string list holds a non-string"};
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::string FingerprintHex(uint64_t fp) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fp));
  return std::string(buf, 16);
}

Result<uint64_t> ParseFingerprintHex(std::string_view hex) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), v, 16);
  if (hex.empty() || hex.size() > 16 || ec != std::errc() || p != hex.data() + hex.size()) {
    return Error{"not a fingerprint: \"" + std::string(hex) + "\""};
  }
  return v;
}

std::string EncodeFingerprints(const std::vector<uint64_t>& fps) {
  json j = json::array();
  for (uint64_t fp : fps) j.push_back(FingerprintHex(fp));
  return j.dump();
}

Result<std::vector<uint64_t>> DecodeFingerprints(std::string_view text) {
  auto strings = DecodeStrings(text);
  if (!strings.ok()) return strings.error();
  std::vector<uint64_t> out;
  out.reserve(strings->size());
  for (const auto& s : *strings) {
    auto fp = ParseFingerprintHex(s);
    if (!fp.ok()) return fp.error();
    out.push_back(*fp);
  }
  return out;
}

std::string EncodeSilenceMatchers(const std::vector<SilenceMatcher>& matchers) {
  json j = json::array();
  for (const auto& m : matchers) {
    j.push_back(
        {{"name", m.name}, {"value", m.value}, {"isRegex", m.is_regex}, {"isEqual", m.is_equal}});
  }
  return j.dump(-1, ' ', false, kDumpReplace);
}

Result<std::vector<SilenceMatcher>> DecodeSilenceMatchers(std::string_view text) {
  auto j = Parse(text, "silence matchers");
  if (!j.ok()) return j.error();
  if (!j->is_array()) return Error{"stored silence matchers are not a JSON array"};
  std::vector<SilenceMatcher> out;
  for (const auto& m : *j) {
    if (!m.is_object() || !m.contains("name") || !m["name"].is_string() || !m.contains("value") ||
        !m["value"].is_string()) {
      return Error{"stored silence matcher lacks a string name or value"};
    }
    SilenceMatcher sm;
    sm.name = m["name"].get<std::string>();
    sm.value = m["value"].get<std::string>();
    sm.is_regex = m.contains("isRegex") && m["isRegex"].is_boolean() && m["isRegex"].get<bool>();
    sm.is_equal = !m.contains("isEqual") || !m["isEqual"].is_boolean() || m["isEqual"].get<bool>();
    out.push_back(std::move(sm));
  }
  return out;
}

}  // namespace tocsin::sqlite
