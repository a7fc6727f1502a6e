#include "engine/daemon/yaml_reader.h"

#include <set>

namespace tocsin::daemon {
namespace {

std::string Quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

// What the user wrote, for messages: the scalar's text, or the node's kind.
std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return Quoted(node.Scalar());
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

}  // namespace

std::string YamlReader::Where(const YAML::Node& node) const {
  // A lookup of a missing key (node["absent"]) gives an invalid node whose Mark() throws.
  if (!node.IsDefined()) return file_;
  const YAML::Mark m = node.Mark();
  if (m.line < 0 || m.is_null()) return file_;
  return file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

void YamlReader::Fail(const YAML::Node& node, std::string message) {
  errors_.push_back(Where(node) + ": " + std::move(message));
}

void YamlReader::Fail(std::string message) {
  errors_.push_back(file_ + ": " + std::move(message));
}

Error YamlReader::ToError() const {
  std::string out;
  for (const std::string& e : errors_) out += (out.empty() ? "" : "\n") + e;
  return Error{out};
}

void YamlReader::Fields(
    const YAML::Node& node, std::string_view where, std::initializer_list<std::string_view> known,
    const std::function<void(const std::string& key, const YAML::Node& value)>& fn) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    Fail(node, std::string(where) + " must be a mapping, not " + Describe(node));
    return;
  }
  std::set<std::string> seen;
  std::vector<YAML::Node> merged;
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies: the iterator hands out a temporary pair, references into it would dangle.
    const YAML::Node key_node = it->first;
    const YAML::Node value = it->second;
    if (!key_node.IsScalar()) {
      Fail(key_node, "keys of " + std::string(where) + " must be strings");
      continue;
    }
    const std::string key = key_node.Scalar();
    if (key == "<<" && key_node.Tag() == "?") {  // plain, not quoted
      // A merge key: the fields of the mapping(s) it names, where not given explicitly.
      if (value.IsSequence()) {
        for (const auto& m : value) merged.push_back(m);
      } else {
        merged.push_back(value);
      }
      continue;
    }
    if (!seen.insert(key).second) {
      Fail(key_node, "field " + Quoted(key) + " repeated in " + std::string(where));
      continue;
    }
    bool is_known = false;
    for (std::string_view k : known) is_known = is_known || k == key;
    if (!is_known) {
      Fail(key_node, "unknown field " + Quoted(key) + " in " + std::string(where));
      continue;
    }
    fn(key, value);
  }
  for (const YAML::Node& m : merged) {
    if (!m.IsMap()) {
      Fail(m, "a merge key (<<) in " + std::string(where) + " must name a mapping");
      continue;
    }
    for (auto it = m.begin(); it != m.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string key = it->first.Scalar();
      if (!seen.insert(key).second) continue;  // explicit keys win
      bool is_known = false;
      for (std::string_view k : known) is_known = is_known || k == key;
      if (!is_known) {
        Fail(it->first, "unknown field " + Quoted(key) + " in " + std::string(where));
        continue;
      }
      fn(key, it->second);
    }
  }
}

std::vector<YAML::Node> YamlReader::Items(const YAML::Node& node, std::string_view where) {
  std::vector<YAML::Node> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (!node.IsSequence()) {
    Fail(node, std::string(where) + " must be a list, not " + Describe(node));
    return out;
  }
  for (const auto& item : node) out.push_back(item);
  return out;
}

bool YamlReader::Scalar(const YAML::Node& node, std::string_view where, std::string_view expected) {
  if (node.IsScalar()) return true;
  Fail(node, std::string(where) + " must be " + std::string(expected) + ", not " + Describe(node));
  return false;
}

bool YamlReader::String(const YAML::Node& node, std::string_view where, std::string* out) {
  if (!node.IsDefined() || node.IsNull()) return true;
  if (!Scalar(node, where, "a string")) return false;
  *out = node.Scalar();
  return true;
}

bool YamlReader::Bool(const YAML::Node& node, std::string_view where, bool* out) {
  if (!node.IsDefined() || node.IsNull()) return true;
  if (!Scalar(node, where, "true or false")) return false;
  // YAML 1.1 booleans, as Go's yaml.v2 (Prometheus's configuration decoder) reads them.
  static const std::set<std::string> kTrue = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                              "on",   "On",   "ON",   "y",   "Y"};
  static const std::set<std::string> kFalse = {"false", "False", "FALSE", "no", "No", "NO",
                                               "off",   "Off",   "OFF",   "n",  "N"};
  if (kTrue.count(node.Scalar())) {
    *out = true;
  } else if (kFalse.count(node.Scalar())) {
    *out = false;
  } else {
    Fail(node, std::string(where) + " must be true or false, not " + Describe(node));
    return false;
  }
  return true;
}

bool YamlReader::Duration(const YAML::Node& node, std::string_view where, DurationMs* out) {
  if (!node.IsDefined() || node.IsNull()) return true;
  if (!Scalar(node, where, "a duration")) return false;
  auto d = ParseDuration(node.Scalar());
  if (!d.ok()) {
    // Prometheus's wording (model.ParseDuration), whatever our parser's detail.
    Fail(node, std::string(where) + ": not a valid duration string: " + Quoted(node.Scalar()));
    return false;
  }
  *out = *d;
  return true;
}

bool YamlReader::StringList(const YAML::Node& node, std::string_view where,
                            std::vector<std::string>* out) {
  bool ok = true;
  const auto items = Items(node, where);
  if (node.IsDefined() && !node.IsNull() && !node.IsSequence()) return false;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string s;
    if (String(items[i], std::string(where) + "[" + std::to_string(i) + "]", &s)) {
      out->push_back(std::move(s));
    } else {
      ok = false;
    }
  }
  return ok;
}

bool YamlReader::StringMap(const YAML::Node& node, std::string_view where,
                           std::map<std::string, std::string>* out) {
  if (!node.IsDefined() || node.IsNull()) return true;
  if (!node.IsMap()) {
    Fail(node, std::string(where) + " must be a mapping, not " + Describe(node));
    return false;
  }
  bool ok = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      Fail(it->first, "keys of " + std::string(where) + " must be strings");
      ok = false;
      continue;
    }
    const std::string key = it->first.Scalar();
    if (out->count(key)) {
      Fail(it->first, "field " + Quoted(key) + " repeated in " + std::string(where));
      ok = false;
      continue;
    }
    std::string value;
    if (!String(it->second, std::string(where) + "." + key, &value)) {
      ok = false;
      continue;
    }
    (*out)[key] = std::move(value);
  }
  return ok;
}

Result<YAML::Node> LoadYamlDocument(const std::string& text, const std::string& file) {
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (docs.empty()) return YAML::Node(YAML::NodeType::Null);
    return docs.front();
  } catch (const YAML::Exception& e) {
    std::string where = file;
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return Error{where + ": yaml: " + e.msg};
  }
}

}  // namespace tocsin::daemon
