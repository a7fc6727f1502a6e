// Strict YAML decoding with Alertmanager's (go-yaml v2 UnmarshalStrict) error behaviour, for the
// configuration loader. Internal to engine/alerting.
//
// go-yaml collects "type errors" (a value of the wrong kind, an unknown field) and reports them
// together as `yaml: unmarshal errors:\n  line N: ...`; a struct whose fields had type errors
// skips its own validation. A validation error (Alertmanager's UnmarshalYAML returning an
// error) stops decoding at once. This decoder does the same: TypeError() records, Fail() throws.
// Every message also names the field path and file:line:column, which upstream does not.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/alerting/env_expander.h"
#include "storage/base/time.h"

namespace tocsin::alerting::internal {

// Thrown by Fail(); caught by the loader and turned into an Error.
struct ConfigFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Where a value was in the file (1-based), with its field path.
struct SourcePos {
  int line = 0;
  int column = 0;
  std::string path;
};

class Decoder {
 public:
  Decoder(std::string file, EnvLookup env) : file_(std::move(file)), env_(std::move(env)) {}

  // ---- Paths: "receivers[2].slack_configs[0].api_url".
  class Scope {
   public:
    Scope(Decoder& d, std::string_view segment);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Decoder& d_;
    size_t saved_;
  };
  const std::string& path() const { return path_; }
  SourcePos Pos(const YAML::Node& n) const;
  // " (at receivers[0].email_configs[0], file.yml:12:7)"
  std::string Where(const SourcePos& pos) const;
  std::string Where(const YAML::Node& n) const { return Where(Pos(n)); }

  // ---- Errors.
  [[noreturn]] void Fail(const YAML::Node& at, const std::string& message) const;
  [[noreturn]] void Fail(const SourcePos& at, const std::string& message) const;
  // "cannot unmarshal !!str `abc` into bool"
  void TypeError(const YAML::Node& n, std::string_view go_type);
  void UnknownField(const YAML::Node& key, std::string_view go_type);
  size_t type_error_count() const { return type_errors_.size(); }
  const std::vector<std::string>& type_errors() const { return type_errors_; }

  // ---- Structs: calls `field(key, value)` for each key in document order (merge keys `<<`
  // expanded, explicit keys winning); `field` returns false for an unknown key. Returns false
  // when the node is null (the struct keeps its defaults, as go-yaml leaves it) or not a map.
  bool Struct(const YAML::Node& n, std::string_view go_type,
              const std::function<bool(const std::string& key, const YAML::Node& value)>& field);
  // A sequence; null is an empty list. `item(i, node)` decodes each element.
  void List(const YAML::Node& n, std::string_view go_type,
            const std::function<void(size_t index, const YAML::Node& item)>& item);
  // A map with string keys (duplicate keys are type errors, as in strict mode).
  void Map(const YAML::Node& n, std::string_view go_type,
           const std::function<void(const std::string& key, const YAML::Node& value)>& entry);

  // ---- Scalars. A wrong kind records a type error and yields the zero value.
  // Strings take any scalar as written; null is "". When environment expansion is on, an
  // unset optional reference that leaves the whole value empty, or any unset `${VAR}`, yields
  // nullopt ("not set").
  std::optional<std::string> OptString(const YAML::Node& n);
  std::string String(const YAML::Node& n) { return OptString(n).value_or(""); }
  bool Bool(const YAML::Node& n);
  int64_t Int(const YAML::Node& n, std::string_view go_type);
  uint64_t Uint(const YAML::Node& n, std::string_view go_type);
  double Float(const YAML::Node& n);
  // Prometheus duration ("5m"); an invalid one fails.
  DurationMs ModelDuration(const YAML::Node& n);
  // Go time.Duration as go-yaml decodes it: "1m30s", or an integer number of nanoseconds.
  DurationMs GoDuration(const YAML::Node& n);
  std::vector<std::string> StringList(const YAML::Node& n);
  std::map<std::string, std::string> StringMap(const YAML::Node& n);

  static bool IsNull(const YAML::Node& n);

  // ---- Environment expansion, on inside `global` and `receivers`.
  void set_expand_env(bool on) { expand_env_ = on; }
  bool expand_env() const { return expand_env_; }
  struct UnsetVariable {
    std::string name;
    SourcePos pos;
  };
  // Cumulative lists; callers take their size before decoding a part and look at what the
  // part added.
  const std::vector<UnsetVariable>& unset_required() const { return unset_required_; }
  const std::vector<UnsetVariable>& unset_optional() const { return unset_optional_; }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
  EnvLookup env_;
  std::string path_;
  std::vector<std::string> type_errors_;
  bool expand_env_ = false;
  std::vector<UnsetVariable> unset_required_;
  std::vector<UnsetVariable> unset_optional_;
};

// go-yaml's resolved tag of a node, shortened: !!str !!int !!float !!bool !!null !!map !!seq.
std::string ShortTag(const YAML::Node& n);

}  // namespace tocsin::alerting::internal
