// Strict reading of YAML configuration files with errors that point at file:line:column.
//
// A YamlReader collects every problem of a document (unknown or repeated fields, wrong types, bad
// values) instead of stopping at the first, so a user fixes a file in one go. Mappings are read
// through Fields(), which rejects keys the caller does not know and resolves `<<` merge keys as
// Go's yaml package does (explicit keys win).
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::daemon {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  // Calls `fn(key, value)` for each field of mapping `node` (a null node has none). `where` names
  // the mapping in messages ("global", "alertmanagers[0]"). Keys not in `known` are errors.
  void Fields(const YAML::Node& node, std::string_view where,
              std::initializer_list<std::string_view> known,
              const std::function<void(const std::string& key, const YAML::Node& value)>& fn);
  // The items of a sequence (null: none).
  std::vector<YAML::Node> Items(const YAML::Node& node, std::string_view where);

  // Scalars: false (and an error recorded) when the node does not hold the right kind of value.
  // A null node leaves *out unchanged and succeeds.
  bool String(const YAML::Node& node, std::string_view where, std::string* out);
  bool Bool(const YAML::Node& node, std::string_view where, bool* out);
  bool Duration(const YAML::Node& node, std::string_view where, DurationMs* out);
  bool StringList(const YAML::Node& node, std::string_view where, std::vector<std::string>* out);
  bool StringMap(const YAML::Node& node, std::string_view where,
                 std::map<std::string, std::string>* out);

  // "file:line:col: message" at `node` (just "file: message" when the node has no position).
  void Fail(const YAML::Node& node, std::string message);
  void Fail(std::string message);

  const std::string& file() const { return file_; }
  bool ok() const { return errors_.empty(); }
  const std::vector<std::string>& errors() const { return errors_; }
  // All errors, one per line.
  Error ToError() const;

  // "file:line:col" of a node.
  std::string Where(const YAML::Node& node) const;

 private:
  bool Scalar(const YAML::Node& node, std::string_view where, std::string_view expected);

  std::string file_;
  std::vector<std::string> errors_;
};

// Parses the first document of `text`, reporting syntax errors as "file:line:col: yaml: ...".
Result<YAML::Node> LoadYamlDocument(const std::string& text, const std::string& file);

}  // namespace tocsin::daemon
