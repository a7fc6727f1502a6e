// Decoding YAML into typed fields the way Go's yaml packages do, so rule files and promtool test
// files are accepted and rejected exactly like Prometheus accepts and rejects them.
//
// Prometheus decodes rule files with go-yaml v3 and promtool test files with go-yaml v2, both in
// strict mode: a field the Go struct does not have is an error ("field x not found in type
// rulefmt.Rule"), a repeated mapping key is an error, a value of the wrong kind is an error
// ("cannot unmarshal !!str `abc` into int"). Errors of this kind are collected, not thrown, so a
// file reports all of them at once, each with the line it is on; Summary() joins them as Go does
// ("yaml: unmarshal errors:\n  line 8: ..."). `<<` merge keys are resolved here (yaml-cpp keeps
// them as plain keys); anchors and aliases are resolved by yaml-cpp itself.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::rules {

// 1-based line and column in a file; 0 when unknown.
struct SourcePos {
  int line = 0;
  int column = 0;
  bool known() const { return line > 0; }
  friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

SourcePos PosOf(const YAML::Node& node);

// Which go-yaml major version to imitate: they differ in what counts as a boolean (v2 follows
// YAML 1.1: yes/no/on/off) and in how a repeated key is reported.
enum class YamlDialect { kGoYamlV2, kGoYamlV3 };

// A mapping field as the decoder hands it over: its key and value nodes.
struct YamlField {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

class YamlDecoder {
 public:
  YamlDecoder(YamlDialect dialect, bool known_fields_only)
      : dialect_(dialect), strict_(known_fields_only) {}

  // The fields of a mapping, with merge keys resolved (explicit keys win over merged ones) and
  // repeated keys reported. With strict decoding, a key not in `known` is reported as
  // "field <key> not found in type <go_type>" and skipped. A null node has no fields; any other
  // non-mapping node is reported as a type error and gives no fields.
  std::vector<YamlField> Fields(const YAML::Node& node, std::string_view go_type,
                                std::initializer_list<std::string_view> known);
  // The items of a sequence; null gives none; anything else is a type error.
  std::vector<YAML::Node> Items(const YAML::Node& node, std::string_view go_type);

  // Scalars. Each returns false (and records an error) when the node cannot be decoded into the
  // Go type; a null node leaves the zero value and succeeds, as in Go.
  bool String(const YAML::Node& node, std::string* out);
  bool Int(const YAML::Node& node, int64_t* out);
  bool Float(const YAML::Node& node, double* out);
  bool Bool(const YAML::Node& node, bool* out);
  // Prometheus's model.Duration (unmarshalled from a string: "5m", "1h30m", "0").
  bool Duration(const YAML::Node& node, DurationMs* out);
  // map[string]string. Keys and values may be any scalar; values may be null ("").
  bool StringMap(const YAML::Node& node, std::map<std::string, std::string>* out,
                 std::map<std::string, SourcePos>* positions = nullptr);

  // Records an error about `node`'s line (as Go's unmarshal errors read: "line N: message").
  void AddError(const YAML::Node& node, std::string message);

  bool ok() const { return errors_.empty(); }
  const std::vector<std::string>& errors() const { return errors_; }
  // "yaml: unmarshal errors:\n  line 3: ...\n  line 5: ..." as go-yaml reports them.
  std::string Summary() const;

  // The YAML tag Go's resolver gives a node: "!!str", "!!int", "!!float", "!!bool", "!!null",
  // "!!map", "!!seq" (or an explicit tag as written).
  std::string ResolvedTag(const YAML::Node& node) const;

 private:
  void TypeError(const YAML::Node& node, std::string_view go_type);

  YamlDialect dialect_;
  bool strict_;
  std::vector<std::string> errors_;
};

// Loads the first YAML document of `content` (yaml-cpp's syntax errors become an Error reading
// "yaml: line N: message"). Sets *more_documents when the stream holds another document after it.
Result<YAML::Node> LoadFirstYamlDocument(const std::string& content, bool* more_documents);

}  // namespace tocsin::rules
