#include "engine/alerting/yaml_decoder.h"

#include <charconv>
#include <cmath>
#include <map>

#include "storage/base/strings.h"

namespace tocsin::alerting::internal {
namespace {

bool IsYamlNullText(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> YamlBool(const std::string& s) {
  static const std::set<std::string> kTrue = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                              "True", "TRUE", "on",  "On",  "ON"};
  static const std::set<std::string> kFalse = {"n",     "N",     "no",  "No",  "NO", "false",
                                               "False", "FALSE", "off", "Off", "OFF"};
  if (kTrue.count(s)) return true;
  if (kFalse.count(s)) return false;
  return std::nullopt;
}

std::string WithoutUnderscores(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != '_') out.push_back(c);
  }
  return out;
}

// Go's strconv.ParseInt(s, 0, 64) over YAML's plain integers.
std::optional<int64_t> YamlInt(const std::string& text) {
  std::string s = WithoutUnderscores(text);
  if (s.empty()) return std::nullopt;
  bool negative = false;
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  int base = 10;
  if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    base = 16;
    i += 2;
  } else if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B')) {
    base = 2;
    i += 2;
  } else if (s.size() - i > 2 && s[i] == '0' && (s[i + 1] == 'o' || s[i + 1] == 'O')) {
    base = 8;
    i += 2;
  } else if (s.size() - i > 1 && s[i] == '0') {
    base = 8;
    i += 1;
  }
  if (i >= s.size()) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data() + i, s.data() + s.size(), v, base);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - v);
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::optional<double> YamlFloat(const std::string& text) {
  static const std::map<std::string, double> kSpecial = {
      {".inf", INFINITY},   {".Inf", INFINITY},  {".INF", INFINITY},   {"+.inf", INFINITY},
      {"+.Inf", INFINITY},  {"+.INF", INFINITY}, {"-.inf", -INFINITY}, {"-.Inf", -INFINITY},
      {"-.INF", -INFINITY}, {".nan", NAN},       {".NaN", NAN},        {".NAN", NAN}};
  if (auto it = kSpecial.find(text); it != kSpecial.end()) return it->second;
  const std::string s = WithoutUnderscores(text);
  // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t frac = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac;
    if (digits == 0 && frac == 0) return std::nullopt;
  } else if (digits == 0) {
    return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
    if (exp == 0) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return std::strtod(s.c_str(), nullptr);
}

bool IsPlain(const YAML::Node& n) {
  return n.Tag() == "?" || n.Tag().empty();
}

}  // namespace

std::string ShortTag(const YAML::Node& n) {
  if (n.IsMap()) return "!!map";
  if (n.IsSequence()) return "!!seq";
  if (n.IsNull()) return "!!null";
  const std::string& tag = n.Tag();
  if (tag.starts_with("tag:yaml.org,2002:")) return "!!" + tag.substr(18);
  if (!IsPlain(n)) return tag == "!" ? "!!str" : tag;
  const std::string& s = n.Scalar();
  if (IsYamlNullText(s)) return "!!null";
  if (YamlBool(s)) return "!!bool";
  if (YamlInt(s)) return "!!int";
  if (YamlFloat(s)) return "!!float";
  return "!!str";
}

Decoder::Scope::Scope(Decoder& d, std::string_view segment) : d_(d), saved_(d.path_.size()) {
  if (!segment.empty() && segment.front() != '[' && !d.path_.empty()) d.path_.push_back('.');
  d.path_ += segment;
}

Decoder::Scope::~Scope() {
  d_.path_.resize(saved_);
}

SourcePos Decoder::Pos(const YAML::Node& n) const {
  const YAML::Mark m = n.Mark();
  return SourcePos{m.line + 1, m.column + 1, path_};
}

std::string Decoder::Where(const SourcePos& pos) const {
  std::string out = " (at ";
  if (!pos.path.empty()) out += pos.path + ", ";
  out += file_.empty() ? "line " : file_ + ":";
  out += std::to_string(pos.line) + ":" + std::to_string(pos.column) + ")";
  return out;
}

void Decoder::Fail(const YAML::Node& at, const std::string& message) const {
  Fail(Pos(at), message);
}

void Decoder::Fail(const SourcePos& at, const std::string& message) const {
  throw ConfigFailure(message + Where(at));
}

void Decoder::TypeError(const YAML::Node& n, std::string_view go_type) {
  const std::string tag = ShortTag(n);
  std::string value;
  if (!n.IsMap() && !n.IsSequence()) {
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    value = s.size() > 10 ? " `" + s.substr(0, 7) + "...`" : " `" + s + "`";
  }
  const SourcePos pos = Pos(n);
  type_errors_.push_back("line " + std::to_string(pos.line) + ": cannot unmarshal " + tag + value +
                         " into " + std::string(go_type) + Where(pos));
}

void Decoder::UnknownField(const YAML::Node& key, std::string_view go_type) {
  const SourcePos pos = Pos(key);
  type_errors_.push_back("line " + std::to_string(pos.line) + ": field " + key.Scalar() +
                         " not found in type " + std::string(go_type) + Where(pos));
}

bool Decoder::IsNull(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return true;
  return n.IsScalar() && IsPlain(n) && IsYamlNullText(n.Scalar());
}

bool Decoder::Struct(
    const YAML::Node& n, std::string_view go_type,
    const std::function<bool(const std::string& key, const YAML::Node& value)>& field) {
  if (IsNull(n)) return false;
  if (!n.IsMap()) {
    TypeError(n, go_type);
    return false;
  }
  std::set<std::string> explicit_keys;
  for (const auto& kv : n) {
    if (kv.first.IsScalar() && kv.first.Scalar() != "<<") explicit_keys.insert(kv.first.Scalar());
  }
  std::set<std::string> seen;
  auto visit = [&](const YAML::Node& key, const YAML::Node& value, bool merged) {
    const std::string name = key.IsScalar() ? key.Scalar() : "";
    if (merged && (explicit_keys.count(name) || seen.count(name))) return;
    if (!merged && seen.count(name)) {
      const SourcePos pos = Pos(key);
      type_errors_.push_back("line " + std::to_string(pos.line) + ": field " + name +
                             " already set in type " + std::string(go_type) + Where(pos));
      return;
    }
    seen.insert(name);
    Scope scope(*this, name);
    if (!field(name, value)) UnknownField(key, go_type);
  };
  for (const auto& kv : n) {
    if (kv.first.IsScalar() && kv.first.Scalar() == "<<" && IsPlain(kv.first)) {
      auto merge_one = [&](const YAML::Node& m) {
        if (!m.IsMap()) {
          Fail(m, "map merge requires map or sequence of maps as the value");
        }
        for (const auto& mkv : m) visit(mkv.first, mkv.second, true);
      };
      if (kv.second.IsSequence()) {
        for (const auto& m : kv.second) merge_one(m);
      } else {
        merge_one(kv.second);
      }
      continue;
    }
    visit(kv.first, kv.second, false);
  }
  return true;
}

void Decoder::List(const YAML::Node& n, std::string_view go_type,
                   const std::function<void(size_t index, const YAML::Node& item)>& item) {
  if (IsNull(n)) return;
  if (!n.IsSequence()) {
    TypeError(n, go_type);
    return;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    Scope scope(*this, "[" + std::to_string(i) + "]");
    item(i, n[i]);
  }
}

void Decoder::Map(
    const YAML::Node& n, std::string_view go_type,
    const std::function<void(const std::string& key, const YAML::Node& value)>& entry) {
  if (IsNull(n)) return;
  if (!n.IsMap()) {
    TypeError(n, go_type);
    return;
  }
  std::set<std::string> seen;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) {
      TypeError(kv.first, "string");
      continue;
    }
    const std::string key = kv.first.Scalar();
    if (!seen.insert(key).second) {
      const SourcePos pos = Pos(kv.first);
      type_errors_.push_back("line " + std::to_string(pos.line) + ": key " + GoQuote(key) +
                             " already set in map" + Where(pos));
      continue;
    }
    Scope scope(*this, key);
    entry(key, kv.second);
  }
}

std::optional<std::string> Decoder::OptString(const YAML::Node& n) {
  if (IsNull(n)) return std::string();
  if (!n.IsScalar()) {
    TypeError(n, "string");
    return std::string();
  }
  if (!expand_env_) return n.Scalar();
  Result<Expansion> e = ExpandEnv(n.Scalar(), env_);
  if (!e.ok()) Fail(n, e.message());
  for (const std::string& name : e->unset_required) unset_required_.push_back({name, Pos(n)});
  for (const std::string& name : e->unset_optional) unset_optional_.push_back({name, Pos(n)});
  // A value built on an unset `${VAR}` is not usable: it reads as not set, and using the
  // receiver it is in is an error reported by the loader.
  if (!e->unset_required.empty() || e->empty_reference) return std::nullopt;
  return std::move(e->value);
}

bool Decoder::Bool(const YAML::Node& n) {
  if (IsNull(n)) return false;
  if (n.IsScalar() && IsPlain(n)) {
    if (auto b = YamlBool(n.Scalar())) return *b;
  }
  TypeError(n, "bool");
  return false;
}

int64_t Decoder::Int(const YAML::Node& n, std::string_view go_type) {
  if (IsNull(n)) return 0;
  if (n.IsScalar() && IsPlain(n)) {
    if (auto v = YamlInt(n.Scalar())) return *v;
    if (auto f = YamlFloat(n.Scalar());
        f && std::isfinite(*f) && *f == std::trunc(*f) && std::fabs(*f) < 9.2e18) {
      return static_cast<int64_t>(*f);
    }
  }
  TypeError(n, go_type);
  return 0;
}

uint64_t Decoder::Uint(const YAML::Node& n, std::string_view go_type) {
  if (IsNull(n)) return 0;
  if (n.IsScalar() && IsPlain(n)) {
    if (auto v = YamlInt(n.Scalar()); v && *v >= 0) return static_cast<uint64_t>(*v);
  }
  TypeError(n, go_type);
  return 0;
}

double Decoder::Float(const YAML::Node& n) {
  if (IsNull(n)) return 0;
  if (n.IsScalar() && IsPlain(n)) {
    if (auto v = YamlInt(n.Scalar())) return static_cast<double>(*v);
    if (auto f = YamlFloat(n.Scalar())) return *f;
  }
  TypeError(n, "float64");
  return 0;
}

DurationMs Decoder::ModelDuration(const YAML::Node& n) {
  if (IsNull(n)) return 0;
  if (!n.IsScalar()) {
    TypeError(n, "string");
    return 0;
  }
  Result<DurationMs> d = ParseDuration(n.Scalar());
  if (!d.ok()) Fail(n, d.message());
  return *d;
}

DurationMs Decoder::GoDuration(const YAML::Node& n) {
  if (IsNull(n)) return 0;
  if (n.IsScalar()) {
    if (IsPlain(n)) {
      if (auto v = YamlInt(n.Scalar())) return *v / 1000000;  // nanoseconds
    }
    Result<DurationMs> d = ParseGoDuration(n.Scalar());
    if (d.ok()) return *d;
  }
  TypeError(n, "time.Duration");
  return 0;
}

std::vector<std::string> Decoder::StringList(const YAML::Node& n) {
  std::vector<std::string> out;
  List(n, "[]string", [&](size_t, const YAML::Node& item) { out.push_back(String(item)); });
  return out;
}

std::map<std::string, std::string> Decoder::StringMap(const YAML::Node& n) {
  std::map<std::string, std::string> out;
  Map(n, "map[string]string",
      [&](const std::string& key, const YAML::Node& value) { out[key] = String(value); });
  return out;
}

}  // namespace tocsin::alerting::internal
