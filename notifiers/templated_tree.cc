#include "notifiers/templated_tree.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include <re2/re2.h>

namespace tocsin::notifiers {
namespace {

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

bool OneOf(std::string_view s, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), s) != options.end();
}

// strconv.ParseInt/ParseUint with base 0: optional sign, 0x/0o/0b prefixes, a leading 0 meaning
// octal.
std::optional<nlohmann::json> ParseGoInteger(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
    base = 8;
    s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  if (!negative) {
    if (magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return nlohmann::json(static_cast<int64_t>(magnitude));
    }
    return nlohmann::json(magnitude);
  }
  if (magnitude <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) {
    return nlohmann::json(static_cast<int64_t>(0 - magnitude));
  }
  return std::nullopt;
}

std::optional<nlohmann::json> ResolveNumber(std::string_view in) {
  std::string plain;
  for (char c : in) {
    if (c != '_') plain += c;
  }
  if (auto integer = ParseGoInteger(plain)) return integer;
  static const re2::RE2 kYamlFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (re2::RE2::FullMatch(plain, kYamlFloat)) {
    double v = 0;
    std::string_view digits = plain;
    if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec == std::errc() && ptr == digits.data() + digits.size()) return nlohmann::json(v);
  }
  return std::nullopt;
}

// yaml.v2's resolve() for a plain (unquoted, untagged) scalar.
nlohmann::json ResolvePlainScalar(const std::string& in) {
  if (OneOf(in, {"", "~", "null", "Null", "NULL"})) return nullptr;
  if (OneOf(in, {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"})) {
    return true;
  }
  if (OneOf(in, {"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"})) {
    return false;
  }
  if (OneOf(in, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    return std::numeric_limits<double>::infinity();
  }
  if (OneOf(in, {"-.inf", "-.Inf", "-.INF"})) return -std::numeric_limits<double>::infinity();
  if (OneOf(in, {".nan", ".NaN", ".NAN"})) return std::numeric_limits<double>::quiet_NaN();
  char c = in[0];
  if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
    if (auto number = ResolveNumber(in)) return *number;
  }
  return in;
}

nlohmann::json ResolveTaggedScalar(const std::string& tag, const std::string& value) {
  if (tag == "?") return ResolvePlainScalar(value);
  if (tag.starts_with(kTagPrefix)) {
    std::string_view kind = std::string_view(tag).substr(kTagPrefix.size());
    if (kind == "null" || kind == "bool" || kind == "int" || kind == "float") {
      nlohmann::json resolved = ResolvePlainScalar(value);
      if (!resolved.is_string()) return resolved;
    }
  }
  return value;  // quoted, block or !!str scalars are strings
}

}  // namespace

nlohmann::json GoYamlNodeToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return ResolveTaggedScalar(node.Tag(), node.Scalar());
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(GoYamlNodeToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& item : node) {
        // yaml.v2 decodes keys into interface{}; Alertmanager keeps only the string ones.
        if (!item.first.IsScalar()) continue;
        nlohmann::json key = ResolveTaggedScalar(item.first.Tag(), item.first.Scalar());
        if (!key.is_string()) continue;
        out[key.get<std::string>()] = GoYamlNodeToJson(item.second);
      }
      return out;
    }
  }
  return nullptr;
}

Result<nlohmann::json> DecodeGoYaml(std::string_view text) {
  try {
    YAML::Node node = YAML::Load(std::string(text));
    return GoYamlNodeToJson(node);
  } catch (const YAML::Exception& e) {
    return Error{e.what()};
  }
}

Result<nlohmann::json> ExpandTemplatedTree(const nlohmann::json& tree, FieldExpander& expand,
                                           std::string_view field) {
  switch (tree.type()) {
    case nlohmann::json::value_t::string: {
      std::string rendered = expand(tree.get_ref<const std::string&>(), field);
      if (!expand.ok()) return Error{expand.error()};
      auto decoded = DecodeGoYaml(rendered);
      if (!decoded.ok() || decoded->is_string()) return nlohmann::json(rendered);
      return std::move(decoded).value();
    }
    case nlohmann::json::value_t::array: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : tree) {
        auto r = ExpandTemplatedTree(item, expand, field);
        if (!r.ok()) return r;
        out.push_back(std::move(r).value());
      }
      return out;
    }
    case nlohmann::json::value_t::object: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, item] : tree.items()) {
        std::string expanded_key = expand(key, field);
        if (!expand.ok()) return Error{expand.error()};
        auto r = ExpandTemplatedTree(item, expand, std::string(field) + "." + key);
        if (!r.ok()) return r;
        out[expanded_key] = std::move(r).value();
      }
      return out;
    }
    default:
      return tree;
  }
}

}  // namespace tocsin::notifiers
