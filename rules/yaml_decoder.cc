#include "rules/yaml_decoder.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

namespace tocsin::rules {
namespace {

// Merge keys may nest (a merged mapping may itself merge another); a self-referencing anchor
// could otherwise make the resolution loop forever.
constexpr int kMaxMergeDepth = 64;

bool IsPlain(const YAML::Node& node) {
  return node.Tag() == "?";
}

bool IsMergeKey(const YAML::Node& key) {
  return key.IsScalar() && key.Scalar() == "<<" &&
         (IsPlain(key) || key.Tag() == "tag:yaml.org,2002:merge");
}

bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool IsTrueWord(std::string_view s, YamlDialect d) {
  if (IsOneOf(s, {"true", "True", "TRUE"})) return true;
  return d == YamlDialect::kGoYamlV2 &&
         IsOneOf(s, {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"});
}
bool IsFalseWord(std::string_view s, YamlDialect d) {
  if (IsOneOf(s, {"false", "False", "FALSE"})) return true;
  return d == YamlDialect::kGoYamlV2 &&
         IsOneOf(s, {"n", "N", "no", "No", "NO", "off", "Off", "OFF"});
}

// go-yaml resolves integers with strconv.ParseInt(s, 0, 64) after dropping '_' (and accepts
// "0o" octal and "0b" binary prefixes).
bool ParseYamlInt(std::string_view text, int64_t* out) {
  std::string s;
  for (char c : text)
    if (c != '_') s += c;
  if (s.empty()) return false;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  int base = 10;
  if (s.size() > i + 1 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    base = 16;
    i += 2;
  } else if (s.size() > i + 1 && s[i] == '0' && (s[i + 1] == 'o' || s[i + 1] == 'O')) {
    base = 8;
    i += 2;
  } else if (s.size() > i + 1 && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B')) {
    base = 2;
    i += 2;
  } else if (s.size() > i + 1 && s[i] == '0') {
    base = 8;
    i += 1;
  }
  if (i >= s.size()) return base == 8 && s.size() > 0 ? (*out = 0, true) : false;
  unsigned __int128 v = 0;
  for (; i < s.size(); ++i) {
    int digit;
    char c = s[i];
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      digit = c - 'A' + 10;
    else
      return false;
    if (digit >= base) return false;
    v = v * base + digit;
    if (v > (static_cast<unsigned __int128>(1) << 63)) return false;
  }
  if (!neg && v > static_cast<unsigned __int128>(INT64_MAX)) return false;
  *out = neg ? static_cast<int64_t>(-static_cast<__int128>(v)) : static_cast<int64_t>(v);
  return true;
}

// The YAML float forms go-yaml resolves: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
// and the .inf/.nan spellings.
bool ParseYamlFloat(std::string_view s, double* out) {
  if (IsOneOf(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    *out = INFINITY;
    return true;
  }
  if (IsOneOf(s, {"-.inf", "-.Inf", "-.INF"})) {
    *out = -INFINITY;
    return true;
  }
  if (IsOneOf(s, {".nan", ".NaN", ".NAN"})) {
    *out = NAN;
    return true;
  }
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0, frac = 0;
  while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac;
    if (digits == 0 && frac == 0) return false;
  } else if (digits == 0) {
    return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = 0;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  if (i != s.size()) return false;
  std::string copy(s);
  errno = 0;
  *out = std::strtod(copy.c_str(), nullptr);
  return true;
}

std::string GoQuoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

SourcePos PosOf(const YAML::Node& node) {
  if (!node.IsDefined()) return {};
  YAML::Mark m = node.Mark();
  if (m.is_null()) return {};
  return {m.line + 1, m.column + 1};
}

std::string YamlDecoder::ResolvedTag(const YAML::Node& node) const {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "!!null";
    case YAML::NodeType::Map:
      return "!!map";
    case YAML::NodeType::Sequence:
      return "!!seq";
    case YAML::NodeType::Scalar:
      break;
  }
  const std::string& tag = node.Tag();
  if (tag == "!") return "!!str";
  if (tag != "?") {
    static constexpr std::string_view kPrefix = "tag:yaml.org,2002:";
    if (tag.rfind(kPrefix, 0) == 0) return "!!" + tag.substr(kPrefix.size());
    return tag;
  }
  const std::string& s = node.Scalar();
  if (IsTrueWord(s, dialect_) || IsFalseWord(s, dialect_)) return "!!bool";
  int64_t i;
  if (ParseYamlInt(s, &i)) return "!!int";
  double f;
  if (ParseYamlFloat(s, &f)) return "!!float";
  return "!!str";
}

void YamlDecoder::AddError(const YAML::Node& node, std::string message) {
  SourcePos pos = PosOf(node);
  errors_.push_back("line " + std::to_string(pos.line) + ": " + std::move(message));
}

void YamlDecoder::TypeError(const YAML::Node& node, std::string_view go_type) {
  std::string tag = ResolvedTag(node);
  std::string value;
  if (node.IsScalar()) {
    const std::string& v = node.Scalar();
    value = v.size() > 10 ? " `" + v.substr(0, 7) + "...`" : " `" + v + "`";
  }
  AddError(node, "cannot unmarshal " + tag + value + " into " + std::string(go_type));
}

std::string YamlDecoder::Summary() const {
  std::string out = "yaml: unmarshal errors:";
  for (const std::string& e : errors_) out += "\n  " + e;
  return out;
}

std::vector<YamlField> YamlDecoder::Fields(const YAML::Node& node, std::string_view go_type,
                                           std::initializer_list<std::string_view> known) {
  std::vector<YamlField> fields;
  if (!node.IsDefined() || node.IsNull()) return fields;
  if (!node.IsMap()) {
    TypeError(node, go_type);
    return fields;
  }
  std::set<std::string> explicit_keys;
  std::map<std::string, int> first_line;
  std::vector<YAML::Node> merges;
  for (auto it = node.begin(); it != node.end(); ++it) {
    YAML::Node key = it->first;
    if (IsMergeKey(key)) {
      merges.push_back(it->second);
      continue;
    }
    std::string name = key.IsScalar() ? key.Scalar() : "";
    if (auto [pos, inserted] = first_line.emplace(name, PosOf(key).line); !inserted) {
      if (dialect_ == YamlDialect::kGoYamlV3) {
        AddError(key, "mapping key " + GoQuoted(name) + " already defined at line " +
                          std::to_string(pos->second));
      } else {
        AddError(key, "key " + GoQuoted(name) + " already set in map");
      }
      continue;
    }
    explicit_keys.insert(name);
    fields.push_back({name, key, it->second});
  }
  // Merged mappings supply the keys the mapping does not set itself; earlier merge sources win
  // over later ones, and nested merges are followed.
  std::vector<std::pair<YAML::Node, int>> pending;
  for (auto it = merges.rbegin(); it != merges.rend(); ++it) pending.emplace_back(*it, 0);
  std::vector<YAML::Node> sources;
  while (!pending.empty()) {
    auto [src, depth] = pending.back();
    pending.pop_back();
    if (depth > kMaxMergeDepth) {
      AddError(src, "merge keys nested too deeply");
      break;
    }
    if (src.IsSequence()) {
      for (size_t i = src.size(); i-- > 0;) pending.emplace_back(src[i], depth + 1);
      continue;
    }
    if (!src.IsMap()) {
      AddError(src, "map merge requires map or sequence of maps as the value");
      continue;
    }
    for (auto it = src.begin(); it != src.end(); ++it) {
      YAML::Node key = it->first;
      if (IsMergeKey(key)) {
        pending.emplace_back(it->second, depth + 1);
        continue;
      }
      std::string name = key.IsScalar() ? key.Scalar() : "";
      if (explicit_keys.insert(name).second) fields.push_back({name, key, it->second});
    }
  }
  if (strict_) {
    std::vector<YamlField> kept;
    for (YamlField& f : fields) {
      if (std::find(known.begin(), known.end(), f.key) == known.end()) {
        AddError(f.key_node, "field " + f.key + " not found in type " + std::string(go_type));
      } else {
        kept.push_back(std::move(f));
      }
    }
    return kept;
  }
  std::erase_if(fields, [&](const YamlField& f) {
    return std::find(known.begin(), known.end(), f.key) == known.end();
  });
  return fields;
}

std::vector<YAML::Node> YamlDecoder::Items(const YAML::Node& node, std::string_view go_type) {
  std::vector<YAML::Node> items;
  if (!node.IsDefined() || node.IsNull()) return items;
  if (!node.IsSequence()) {
    TypeError(node, go_type);
    return items;
  }
  for (const YAML::Node& item : node) items.push_back(item);
  return items;
}

bool YamlDecoder::String(const YAML::Node& node, std::string* out) {
  if (!node.IsDefined() || node.IsNull()) return true;
  if (!node.IsScalar()) {
    TypeError(node, "string");
    return false;
  }
  *out = node.Scalar();
  return true;
}

bool YamlDecoder::Int(const YAML::Node& node, int64_t* out) {
  if (!node.IsDefined() || node.IsNull()) return true;
  if (node.IsScalar() && ResolvedTag(node) == "!!int" && ParseYamlInt(node.Scalar(), out)) {
    return true;
  }
  double f;
  if (node.IsScalar() && ResolvedTag(node) == "!!float" && ParseYamlFloat(node.Scalar(), &f) &&
      f == std::trunc(f) && std::abs(f) < 9.2e18) {
    *out = static_cast<int64_t>(f);
    return true;
  }
  TypeError(node, "int");
  return false;
}

bool YamlDecoder::Float(const YAML::Node& node, double* out) {
  if (!node.IsDefined() || node.IsNull()) return true;
  if (node.IsScalar()) {
    std::string tag = ResolvedTag(node);
    int64_t i;
    if (tag == "!!int" && ParseYamlInt(node.Scalar(), &i)) {
      *out = static_cast<double>(i);
      return true;
    }
    if (tag == "!!float" && ParseYamlFloat(node.Scalar(), out)) return true;
  }
  TypeError(node, "float64");
  return false;
}

bool YamlDecoder::Bool(const YAML::Node& node, bool* out) {
  if (!node.IsDefined() || node.IsNull()) return true;
  if (node.IsScalar() && node.Tag() != "!") {
    // go-yaml v3 accepts the YAML 1.1 words when the target is a bool.
    const std::string& s = node.Scalar();
    if (IsTrueWord(s, YamlDialect::kGoYamlV2)) {
      *out = true;
      return true;
    }
    if (IsFalseWord(s, YamlDialect::kGoYamlV2)) {
      *out = false;
      return true;
    }
  }
  TypeError(node, "bool");
  return false;
}

bool YamlDecoder::Duration(const YAML::Node& node, DurationMs* out) {
  std::string text;
  if (!node.IsDefined() || node.IsNull()) return true;
  if (!String(node, &text)) return false;
  Result<DurationMs> d = ParseDuration(text);
  if (!d.ok()) {
    AddError(node, d.message());
    return false;
  }
  *out = *d;
  return true;
}

bool YamlDecoder::StringMap(const YAML::Node& node, std::map<std::string, std::string>* out,
                            std::map<std::string, SourcePos>* positions) {
  if (!node.IsDefined() || node.IsNull()) return true;
  if (!node.IsMap()) {
    TypeError(node, "map[string]string");
    return false;
  }
  bool ok = true;
  std::set<std::string> seen;
  std::map<std::string, int> first_line;
  std::vector<YAML::Node> merges;
  auto add = [&](const YAML::Node& key, const YAML::Node& value, bool merged) {
    if (!key.IsScalar()) {
      TypeError(key, "string");
      ok = false;
      return;
    }
    const std::string& name = key.Scalar();
    if (merged) {
      if (!seen.insert(name).second) return;
    } else if (auto [pos, inserted] = first_line.emplace(name, PosOf(key).line); !inserted) {
      AddError(key, dialect_ == YamlDialect::kGoYamlV3
                        ? "mapping key " + GoQuoted(name) + " already defined at line " +
                              std::to_string(pos->second)
                        : "key " + GoQuoted(name) + " already set in map");
      ok = false;
      return;
    } else {
      seen.insert(name);
    }
    std::string v;
    if (!String(value, &v)) {
      ok = false;
      return;
    }
    (*out)[name] = std::move(v);
    if (positions) (*positions)[name] = PosOf(value.IsNull() ? key : value);
  };
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (IsMergeKey(it->first)) {
      merges.push_back(it->second);
      continue;
    }
    add(it->first, it->second, false);
  }
  for (const YAML::Node& m : merges) {
    std::vector<YAML::Node> sources;
    if (m.IsSequence()) {
      for (const YAML::Node& s : m) sources.push_back(s);
    } else {
      sources.push_back(m);
    }
    for (const YAML::Node& s : sources) {
      if (!s.IsMap()) {
        AddError(s, "map merge requires map or sequence of maps as the value");
        ok = false;
        continue;
      }
      for (auto it = s.begin(); it != s.end(); ++it) {
        if (!IsMergeKey(it->first)) add(it->first, it->second, true);
      }
    }
  }
  return ok;
}

namespace {

// Walks a document's events without building it, to find what yaml-cpp lets through but go-yaml
// rejects: a quoted scalar that runs to the end of the input without its closing quote.
class DocumentChecker final : public YAML::EventHandler {
 public:
  explicit DocumentChecker(const std::string& content) : content_(content) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                const std::string&) override {
    if (tag == "!" && unterminated_line_ == 0 && !Terminated(mark.pos)) {
      unterminated_line_ = mark.line + 1;
    }
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  // The line of the first unterminated quoted scalar, or 0.
  int unterminated_line() const { return unterminated_line_; }

 private:
  bool Terminated(int pos) const {
    if (pos < 0 || static_cast<size_t>(pos) >= content_.size()) return true;
    const char quote = content_[pos];
    if (quote != '"' && quote != '\'') return true;  // a tagged plain scalar
    for (size_t i = pos + 1; i < content_.size(); ++i) {
      if (quote == '"' && content_[i] == '\\') {
        ++i;
      } else if (content_[i] == quote) {
        if (quote == '\'' && i + 1 < content_.size() && content_[i + 1] == '\'') {
          ++i;
        } else {
          return true;
        }
      }
    }
    return false;
  }

  const std::string& content_;
  int unterminated_line_ = 0;
};

}  // namespace

Result<YAML::Node> LoadFirstYamlDocument(const std::string& content, bool* more_documents) {
  if (more_documents) *more_documents = false;
  try {
    std::istringstream in(content);
    YAML::Parser parser(in);
    DocumentChecker checker(content);
    if (parser.HandleNextDocument(checker)) {
      if (checker.unterminated_line() > 0) {
        return Error{"yaml: line " + std::to_string(checker.unterminated_line()) +
                     ": found unexpected end of stream"};
      }
      // Go's decoder reads the next document only to warn about it; whether it is well-formed
      // does not matter.
      try {
        DocumentChecker next(content);
        if (more_documents) *more_documents = parser.HandleNextDocument(next);
      } catch (const YAML::Exception&) {
        if (more_documents) *more_documents = true;
      }
    }
  } catch (const YAML::Exception& e) {
    return Error{"yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg};
  }
  try {
    std::istringstream in(content);
    return YAML::Load(in);
  } catch (const YAML::Exception& e) {
    return Error{"yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg};
  }
}

}  // namespace tocsin::rules
