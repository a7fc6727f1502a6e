#include "notifiers/go_json.h"

#include "storage/base/go_json.h"

namespace tocsin::notifiers {
namespace {

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
      // Go refuses to marshal NaN and infinities; null keeps the document valid.
      if (!AppendGoJsonFloat(out, v.get<double>())) out += "null";
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
